//! tipbox-review: the reviewer's CLI for the air-gapped machine.
//!
//! Exit codes: 0 success, 1 a check failed (`audit verify`), 2 usage or input error.
//! Errors are printed as `tipbox-review: MESSAGE` and never contain tip content or secrets.
#![forbid(unsafe_code)]

use std::io::{IsTerminal, Write};
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use age::secrecy::{ExposeSecret, SecretString};
use askama::Template;
use clap::{Args, Parser, Subcommand};
use serde_json::json;
use tipbox::ledger::casework::{category_is_new, category_key, RewardApproval};
use tipbox::ledger::summary::{self, TipSummary};
use tipbox::ledger::{
    self, Channel, Credibility, Keyed, Ledger, Priority, Status, TextKind, TipEntry,
};
use tipbox::safe_output::{label_safe, terminal_safe, to_json_string};
use tipbox::tip::{AttachmentPiece, FollowupProof};
use zeroize::Zeroizing;

const EXIT_CHECK_FAILED: u8 = 1;
const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "tipbox-review",
    version,
    about = "The reviewer's CLI for tipbox, for the air-gapped machine",
    after_help = "Exit codes: 0 success; 1 a check failed (audit verify, reward verify, backup verify); \
                  2 usage or input error (including a wrong passphrase)."
)]
struct Cli {
    /// Ledger folder.
    #[arg(
        long,
        env = "TIPBOX_LEDGER",
        global = true,
        default_value = "tipbox-ledger"
    )]
    ledger: PathBuf,
    /// Read the passphrase from this file instead of prompting (for scripts).
    #[arg(long, env = "TIPBOX_PASSPHRASE_FILE", global = true)]
    passphrase_file: Option<PathBuf>,
    /// Reviewer name recorded in the audit log [default: $USER].
    #[arg(
        long = "as",
        env = "TIPBOX_REVIEWER",
        global = true,
        value_name = "NAME"
    )]
    reviewer: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the ledger with the office's age identity and signing key (both
    /// passphrase-encrypted), and print the two lines the portal needs.
    ///
    /// With --add-key on an existing ledger: add a new age identity (key rotation or one
    /// more recipient); tips sealed to the old ones stay readable. With --new-signing-key:
    /// replace the signing key (leaked, or someone who knew the passphrase has left).
    ///
    /// Examples: tipbox-review --ledger /srv/ledger init;  tipbox-review init --add-key
    Init {
        #[arg(long, conflicts_with = "new_signing_key")]
        add_key: bool,
        /// With --add-key: seal only to the new identity from now on (the old ones may
        /// have been copied). They stay in identity.age, to read what was sealed to them;
        /// the portal must then be given the new recipient line only.
        #[arg(long, requires = "add_key")]
        retire_old: bool,
        /// Replace the office's signing key with a new one. The portal must then be given
        /// the new verify-key line, and the next update bundle signs every tip's status
        /// again; the old verify key goes to keys/retired-verify-keys.txt.
        #[arg(long)]
        new_signing_key: bool,
    },
    /// Change the passphrase that protects the office's identity and signing key (someone
    /// who knew it has left, or it may have been seen). Asks for the current passphrase,
    /// then the new one twice. Copies of identity.age kept elsewhere, and the keys that
    /// backups made until now carry, keep the old passphrase: replace the copies, and make
    /// a new backup.
    ///
    /// Example: tipbox-review passphrase
    Passphrase {
        /// Read the new passphrase from this file instead of prompting (for scripts).
        #[arg(long, value_name = "FILE")]
        new_passphrase_file: Option<PathBuf>,
    },
    /// Import an inbox bundle from a portal, or a hand-over bundle from another unit
    /// (`transfer --recipient`). Importing it again changes nothing.
    ///
    /// Examples: tipbox-review import /media/usb/inbox-2026-11-22.tbx;
    /// zstd -dc inbox.tbx.zst | tipbox-review import -
    Import {
        /// The inbox bundle, or `-` for standard input.
        file: PathBuf,
    },
    /// List tips: overdue first, then by the nearest deadline; no decryption, no passphrase.
    ///
    /// Examples: tipbox-review list --overdue;  tipbox-review list --status assigned --json
    List(ListArgs),
    /// Decrypt and print a tip with its follow-ups and notes.
    ///
    /// Example: tipbox-review show 12 --attachments-to ./case-12
    Show {
        tip: u64,
        /// Write the attachments into DIR under names tipbox chooses (never opened here).
        #[arg(long, value_name = "DIR")]
        attachments_to: Option<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// Classify a tip (线索研判).
    ///
    /// Example: tipbox-review triage 12 --priority high --credibility medium --category loan-shark
    Triage {
        tip: u64,
        /// A category key (loan-shark) or a default category's full name as the portal
        /// shows it (套路贷、非法高利放贷、暴力催收).
        #[arg(long)]
        category: Option<String>,
        #[arg(long, value_parser = keyed(Priority::ALL))]
        priority: Option<Priority>,
        #[arg(long, value_parser = keyed(Credibility::ALL))]
        credibility: Option<Credibility>,
    },
    /// Route a tip to a department (分流/转办) with a verification due date.
    ///
    /// Example: tipbox-review assign 12 --to 县公安局 --due 2026-12-31
    Assign {
        tip: u64,
        #[arg(long = "to", value_name = "DEPT")]
        department: String,
        /// YYYY-MM-DD [default: today + verify_days from ledger.toml].
        #[arg(long)]
        due: Option<String>,
    },
    /// Set a tip's ledger status.
    ///
    /// Example: tipbox-review status 12 verifying --public-note "已转相关部门核查"
    Status {
        tip: u64,
        #[arg(value_parser = keyed(Status::ALL))]
        status: Status,
        /// A short note for the reporter, published with the status (never the reviewer's
        /// notes); `-` reads it from standard input.
        #[arg(long)]
        public_note: Option<String>,
    },
    /// Reply to the reporter: sealed to the tip's reply key (only the receipt opens it),
    /// published with the next `export`.
    ///
    /// Example: tipbox-review reply 12 --message "感谢您的举报，线索已转办，请耐心等待。"
    Reply {
        tip: u64,
        /// The reply; `-` reads it from standard input.
        #[arg(long)]
        message: String,
    },
    /// Rewards (举报奖励): `reward TIP approve --amount N`, `reward TIP paid`, or
    /// `reward verify TOKEN` (exit 0 and the tip id if the claim token matches, else 1).
    ///
    /// Examples: tipbox-review reward 12 approve --amount 5000;  tipbox-review reward verify "1234 5678 ..."
    Reward {
        /// TIP, or `verify`.
        first: String,
        /// `approve` or `paid` (after TIP), or the claim token (after `verify`).
        second: String,
        /// Amount in yuan (with approve).
        #[arg(long)]
        amount: Option<u64>,
    },
    /// Write a signed update bundle for a portal: public statuses and notes, replies, reward
    /// decisions, and acknowledgements of the imported items the portal still held at its last
    /// inbox bundle (the portal then deletes them). Tips handed over by other units are left
    /// out: those units answer their reporters.
    ///
    /// Example: tipbox-review export --out /media/usb/update.tbu
    Export {
        /// Where to write the bundle (`-`: standard output).
        #[arg(long)]
        out: PathBuf,
        /// The portal id, when tips came from several portals.
        #[arg(long)]
        portal: Option<String>,
    },
    /// Add an internal note (sealed; never published). TEXT `-` reads it from standard
    /// input, which keeps it out of the shell's history file.
    ///
    /// Example: tipbox-review note 12 "与第7号线索涉及同一工地"
    Note { tip: u64, text: String },
    /// Link two related tips (串并).
    ///
    /// Example: tipbox-review link 12 7
    Link { tip: u64, other: u64 },
    /// Transfer a tip to another unit (移交), e.g. tips about officials to 纪委监委; with
    /// --recipient, also write a hand-over bundle sealed to that unit's key (a web tip with
    /// its follow-ups, or a typed-in tip with its files), which that unit imports.
    ///
    /// Example: tipbox-review transfer 12 --to 县纪委监委 --recipient age1... --out handover-12.tbx
    Transfer {
        tip: u64,
        #[arg(long = "to", value_name = "DEPT")]
        department: String,
        /// The receiving unit's age recipient.
        #[arg(long)]
        recipient: Option<String>,
        /// Where to write the hand-over bundle (with --recipient).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Enter a tip that arrived by phone, letter, visit or mailbox.
    ///
    /// Example: tipbox-review add --channel letter --category village-tyrant --text-file letter.txt --attachment scan-1.jpg
    Add {
        #[arg(long, value_parser = keyed(Channel::TYPED_IN))]
        channel: Channel,
        /// A category key or a default category's full name, as for `triage`.
        #[arg(long, default_value = "other")]
        category: String,
        /// YYYY-MM-DD [default: today].
        #[arg(long)]
        received: Option<String>,
        /// The tip's content.
        #[arg(long, conflicts_with = "text_file")]
        text: Option<String>,
        /// Read the content from a file (`-` for standard input).
        #[arg(long)]
        text_file: Option<PathBuf>,
        /// A file that came with the tip (a scanned letter, a photo); repeat for more. It
        /// is sealed into the ledger as it is (never opened), like a web tip's attachments.
        #[arg(long = "attachment", value_name = "FILE")]
        attachments: Vec<PathBuf>,
    },
    /// Find tips whose decrypted content (text fields, attachment names, typed-in tips,
    /// notes) contains TEXT, ignoring case and full-width forms (１３８ finds 138).
    /// Decrypts in memory only.
    ///
    /// Example: tipbox-review search 非法采砂 --json  (TEXT `-`: read from standard input)
    Search {
        text: String,
        #[arg(long)]
        json: bool,
    },
    /// A printable supervision notice (督办通知书) for a department: notice number, the
    /// reviewer's summary of the lead (never the tip itself), due date, confidentiality
    /// marking. Recorded in the ledger and the audit log.
    ///
    /// Example: tipbox-review notice 12 --to 县公安局 --summary "反映某村村霸强占集体土地" --out notice-12.html
    Notice {
        tip: u64,
        #[arg(long = "to", value_name = "DEPT")]
        department: String,
        /// Your summary of the lead, in words that cannot identify the reporter (`-` reads it
        /// from standard input). Without it the notice has an empty box for a handwritten
        /// summary; the tip's own text is never copied into a notice.
        #[arg(long)]
        summary: Option<String>,
        /// YYYY-MM-DD [default: the tip's assignment due date, or today + verify_days].
        #[arg(long)]
        due: Option<String>,
        /// The notice (HTML, prints on A4; `-`: standard output).
        #[arg(long)]
        out: PathBuf,
    },
    /// Statistics from ledger fields only (never tip content): totals by status, category,
    /// channel and department, closure rate, weekly intake, overdue, transfers, rewards.
    ///
    /// Examples: tipbox-review report --from 2026-01-01 --to 2026-06-30;
    /// tipbox-review report --format html --out report.html;  tipbox-review report --format csv --out report.csv
    Report {
        /// First day (YYYY-MM-DD), inclusive.
        #[arg(long)]
        from: Option<String>,
        /// Last day (YYYY-MM-DD), inclusive.
        #[arg(long)]
        to: Option<String>,
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormat,
        /// Write to FILE instead of standard output.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Language of the HTML report.
        #[arg(long, value_enum, default_value = "zh-hans")]
        lang: ReportLang,
    },
    /// An encrypted, consistent snapshot of the whole ledger (sealed to the office's
    /// recipients and authenticated with its identity: asks for the passphrase), or
    /// `backup verify FILE` to check one without restoring it.
    ///
    /// Examples: tipbox-review backup --out /media/backup/ledger-2026-11-22.tbk;
    /// tipbox-review backup verify /media/backup/ledger-2026-11-22.tbk
    #[command(args_conflicts_with_subcommands = true)]
    Backup {
        #[command(subcommand)]
        command: Option<BackupCommand>,
        /// Where to write the backup.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Restore a backup into an empty or new folder (--ledger DIR); never over a ledger.
    /// A backup carries the office keys, sealed with the passphrase they had when it was
    /// made: restoring asks for that passphrase, and needs nothing else.
    ///
    /// Example: tipbox-review restore ledger-2026-11-22.tbk --ledger /srv/ledger-restored
    Restore {
        file: PathBuf,
        /// Open the backup with this identity instead of the keys it carries: a
        /// passphrase-protected identity.age or a plain age identity file. Needed for
        /// backups made before 2026-12-01, which carry no keys.
        #[arg(long)]
        identity: Option<PathBuf>,
        #[command(flatten)]
        trust: TrustArgs,
    },
    /// Check an acknowledgement of receipt (受理回执) a reporter kept, as printed on the
    /// portal's status page: that the office signed it, and what it says. Needs no ledger
    /// and no passphrase, only the office's published verify key. Exit 0: it holds; 1: it
    /// does not.
    ///
    /// Example: tipbox-review verify-acknowledgement ack.txt --verify-key 3f2a...
    VerifyAcknowledgement {
        /// The acknowledgement as text, or `-` for standard input.
        file: PathBuf,
        /// The office's verify key [default: the ledger's keys/verify-key.txt and the keys
        /// it retired].
        #[arg(long, value_name = "KEY")]
        verify_key: Option<String>,
    },
    /// The reviewer audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(askama::Template)]
#[template(path = "notice.html")]
struct NoticePage<'a> {
    notice: &'a ledger::Notice,
    tip_id: u64,
    category: String,
    received: String,
    /// `None`: an empty box to fill in by hand.
    summary: Option<&'a str>,
    office: String,
}

/// Print what a casework action warns of.
fn warn_all(warnings: &[ledger::casework::Warning]) {
    for w in warnings {
        eprintln!("tipbox-review: warning: {}", *terminal_safe(&w.to_string()));
    }
}

/// Print what the ledger says on the way (see [`ledger::Progress`]).
fn tell(progress: ledger::Progress) {
    eprintln!("tipbox-review: {}", *terminal_safe(&progress.to_string()));
}

/// The command-line choices for one of the ledger's keyed words (statuses, channels...):
/// the keys are the possible values, with their help where the ledger gives one.
fn keyed<T: Keyed + Send + Sync>(
    values: &'static [T],
) -> impl clap::builder::TypedValueParser<Value = T> {
    use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
    PossibleValuesParser::new(values.iter().map(|v| {
        let value = PossibleValue::new(v.key());
        match v.help() {
            Some(help) => value.help(help),
            None => value,
        }
    }))
    .map(move |key| {
        *values
            .iter()
            .find(|v| v.key() == key)
            .expect("clap accepts only the listed keys")
    })
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportFormat {
    Table,
    Csv,
    Json,
    Html,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum ReportLang {
    #[value(name = "zh-hans", alias = "zh-Hans")]
    ZhHans,
    En,
}

#[derive(Subcommand)]
enum BackupCommand {
    /// Check a backup completely, and that the office made it, without restoring it.
    Verify {
        file: PathBuf,
        /// The office identity [default: the ledger's keys/identity.age, or without a
        /// ledger, the keys the backup carries].
        #[arg(long)]
        identity: Option<PathBuf>,
        #[command(flatten)]
        trust: TrustArgs,
    },
}

/// Whether to take a backup that nothing shows the office made.
#[derive(clap::Args)]
struct TrustArgs {
    /// Also accept a backup made before backups were authenticated (format 1, before
    /// 2026-11-30): nothing shows the office made it. Only for a file whose origin you are
    /// sure of.
    #[arg(long)]
    accept_unauthenticated: bool,
}

/// What `backup verify` and `restore` say about who made a backup.
fn made_by(header: &ledger::backup::BackupHeader) -> &'static str {
    if header.authenticated_for.is_empty() {
        "UNAUTHENTICATED (format 1), accepted with --accept-unauthenticated"
    } else {
        "authenticated by the office identity"
    }
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain; exit 1 and name the first bad entry if it was edited.
    Verify,
}

#[derive(Args)]
struct ListArgs {
    #[arg(long, value_parser = keyed(Status::ALL))]
    status: Option<Status>,
    /// A category key or a default category's full name, as for `triage`.
    #[arg(long)]
    category: Option<String>,
    #[arg(long)]
    department: Option<String>,
    /// Only tips past a deadline.
    #[arg(long)]
    overdue: bool,
    #[arg(long)]
    json: bool,
}

/// A failure: message and exit code.
struct Failure(u8, String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Self {
        Failure(EXIT_USAGE, e.to_string())
    }
}

fn main() -> ExitCode {
    // Before anything secret is in memory.
    if let Err(e) = tipbox::process::disable_core_dumps() {
        eprintln!("tipbox-review: warning: cannot disable core dumps: {e}");
    }
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(code, message)) => {
            // A message may name a file (a bundle on a USB stick, a backup) or quote a
            // settings file: whatever its bytes, they never drive the terminal.
            eprintln!("tipbox-review: {}", terminal_safe(&message).as_str());
            ExitCode::from(code)
        }
    }
}

fn actor(cli: &Cli) -> String {
    let name = cli
        .reviewer
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "reviewer".into());
    name.chars().filter(|c| !c.is_control()).take(64).collect()
}

fn run(cli: Cli) -> Result<(), Failure> {
    let who = actor(&cli);
    let pass_file = cli.passphrase_file.clone();
    let unlock = || -> Result<Vec<tipbox::keys::Identity>, Failure> {
        let pass = read_passphrase(pass_file.as_deref(), false)?;
        Ok(tipbox::keys::load_identities(
            &cli.ledger.join("keys"),
            &pass,
        )?)
    };
    match &cli.command {
        Command::Init {
            add_key: false,
            new_signing_key: false,
            ..
        } => init(&cli.ledger, cli.passphrase_file.as_deref()),
        Command::Init {
            new_signing_key: true,
            ..
        } => {
            let mut l = Ledger::open_telling(&cli.ledger, &who, &tell)?;
            let pass = read_passphrase(cli.passphrase_file.as_deref(), false)?;
            let keys =
                tipbox::keys::replace_signing_key(&l.keys_dir(), &pass, &tipbox::vocab::today())?;
            l.audit(
                ledger::Action::NewSigningKey,
                None,
                &format!(
                    "verify key {} retired, {} in use",
                    keys.retired, keys.current
                ),
            )?;
            eprintln!(
                "tipbox-review: the signing key is replaced; the old verify key is kept in keys/{}.\n\
                 Next: `tipbox-review export --out FILE`, and give the portal operator that bundle \
                 together with the line below. The operator sets verify_key, restarts the portal, \
                 then applies the bundle: until then the portal shows reporters no status.",
                tipbox::keys::RETIRED_VERIFY_KEYS_FILE
            );
            println!("verify-key: {}", keys.current);
            Ok(())
        }
        Command::Init {
            add_key: true,
            retire_old,
            ..
        } => {
            let mut l = Ledger::open_telling(&cli.ledger, &who, &tell)?;
            let pass = read_passphrase(cli.passphrase_file.as_deref(), false)?;
            let new = tipbox::keys::add_identity(&l.keys_dir(), &pass)?;
            l.audit(ledger::Action::AddKey, None, "new office identity added")?;
            if *retire_old {
                tipbox::keys::retire_other_recipients(
                    &l.keys_dir(),
                    &new,
                    &tipbox::vocab::today(),
                )?;
                l.audit(
                    ledger::Action::RetireKeys,
                    None,
                    "the office seals to the new identity only",
                )?;
            }
            let all = std::fs::read_to_string(l.keys_dir().join(tipbox::keys::RECIPIENT_FILE))?;
            let verify = std::fs::read_to_string(l.keys_dir().join(tipbox::keys::VERIFY_KEY_FILE))?;
            if *retire_old {
                eprintln!(
                    "tipbox-review: added {new} and retired the other recipients (listed in keys/{}; \
                     their identities stay in identity.age to read what was sealed to them). \
                     Configure the portal with the lines below only, replacing every earlier recipient",
                    tipbox::keys::RETIRED_RECIPIENTS_FILE
                );
            } else {
                eprintln!("tipbox-review: added {new}; configure the portal with every line below");
            }
            for r in all.lines().filter(|r| !r.trim().is_empty()) {
                println!("recipient: {}", r.trim());
            }
            println!("verify-key: {}", verify.trim());
            Ok(())
        }
        Command::Passphrase {
            new_passphrase_file,
        } => {
            let mut l = Ledger::open_telling(&cli.ledger, &who, &tell)?;
            let current = read_passphrase(cli.passphrase_file.as_deref(), false)?;
            let new = read_passphrase_as(new_passphrase_file.as_deref(), true, "New passphrase")?;
            if new.expose_secret() == current.expose_secret() {
                return Err(Failure(
                    EXIT_USAGE,
                    "the new passphrase is the current one; nothing was changed".into(),
                ));
            }
            tipbox::keys::change_passphrase(&l.keys_dir(), &current, &new)?;
            l.audit(
                ledger::Action::Passphrase,
                None,
                "passphrase of the office keys changed",
            )?;
            println!(
                "passphrase changed for keys/{} and keys/{}; copies of them kept elsewhere, and backups made until now, still open with the old one: replace the copies, and make a new backup",
                tipbox::keys::IDENTITY_FILE,
                tipbox::keys::SIGNING_KEY_FILE
            );
            Ok(())
        }
        Command::Search { text, json } => {
            let text = text_or_stdin(text)?;
            let mut l = Ledger::open_telling(&cli.ledger, &who, &tell)?;
            let ids = unlock()?;
            search(&mut l, &ids, &text, *json)
        }
        Command::Import { file } => {
            let from_stdin = file.as_os_str() == "-";
            let size = if from_stdin {
                None
            } else {
                Some(
                    std::fs::metadata(file)
                        .map_err(|e| format!("cannot read {}: {e}", file.display()))?
                        .len(),
                )
            };
            let mut l = Ledger::open_telling(&cli.ledger, &who, &tell)?;
            let ids = unlock()?;
            let bar = match size {
                Some(size) => indicatif::ProgressBar::new(size).with_style(
                    indicatif::ProgressStyle::with_template(
                        "checking {bar:40} {bytes}/{total_bytes} ({eta})",
                    )
                    .expect("valid template"),
                ),
                // From a pipe the size is not known: count what went by.
                None => indicatif::ProgressBar::new_spinner().with_style(
                    indicatif::ProgressStyle::with_template("checking {spinner} {bytes}")
                        .expect("valid template"),
                ),
            };
            let summary = if from_stdin {
                let stdin = std::io::stdin().lock();
                l.import_from(Path::new("standard input"), stdin, &ids, |n| bar.inc(n))?
            } else {
                l.import(file, &ids, |n| bar.inc(n))?
            };
            bar.finish_and_clear();
            let from = if summary.handover {
                "a hand-over bundle from another unit (its tips are answered by that unit: \
                 `export` leaves them out)"
                    .to_owned()
            } else {
                format!("portal {}", summary.portal_id)
            };
            println!(
                "imported from {from}: {} new tip(s), {} new follow-up(s), {} already imported",
                summary.new_tips, summary.new_followups, summary.already_imported
            );
            if summary.handover_marks_cleared > 0 {
                eprintln!(
                    "tipbox-review: warning: {} tip(s) of portal {} had come in a bundle that \
                     called itself another unit's hand-over, and were marked as that unit's \
                     (left out of exports, unanswered). This is that portal's own bundle: they \
                     are its tips, and are no longer marked. A portal that sent such a bundle \
                     may have been taken over: have it checked",
                    summary.handover_marks_cleared, summary.portal_id
                );
            }
            if summary.tips_completed > 0 {
                println!(
                    "{} tip(s) made earlier from follow-ups whose tip had not arrived received \
                     their own item",
                    summary.tips_completed
                );
            }
            if let Some((ours, theirs)) = summary.updates_caught_up {
                eprintln!(
                    "tipbox-review: warning: portal {} has applied update bundle {theirs}, but this \
                     ledger had exported only up to bundle {ours} to it. This ledger is older than \
                     what the portal last received: it was restored from an older backup, or is a \
                     copy. Status changes, replies and reward decisions made after that backup are \
                     not in it; make them again before the next export, or reporters will see the \
                     older state. The next export continues from bundle {}.",
                    summary.portal_id,
                    theirs + 1
                );
            }
            if !summary.followup_tips.is_empty() {
                const SHOWN: usize = 30;
                let listed: Vec<String> = summary
                    .followup_tips
                    .iter()
                    .take(SHOWN)
                    .map(u64::to_string)
                    .collect();
                let more = summary.followup_tips.len().saturating_sub(SHOWN);
                println!(
                    "follow-ups joined tip(s) {}{}: `tipbox-review show TIP` reads them",
                    listed.join(", "),
                    if more > 0 {
                        format!(" and {more} more")
                    } else {
                        String::new()
                    }
                );
                warn_unproven_followups(&l, summary.followup_tips.iter().copied(), &ids)?;
            }
            Ok(())
        }
        Command::List(args) => list(&cli.ledger, args),
        Command::Show {
            tip,
            attachments_to,
            json,
        } => {
            let mut l = Ledger::open_telling(&cli.ledger, &who, &tell)?;
            let entry = l.get(*tip)?;
            let ids = unlock()?;
            show(&l, &entry, &ids, attachments_to.as_deref(), *json)?;
            // Reading a tip is a reviewer action too.
            let detail = if attachments_to.is_some() {
                "decrypted, attachments written"
            } else {
                "decrypted"
            };
            l.audit(ledger::Action::Show, Some(*tip), detail)?;
            Ok(())
        }
        Command::Triage {
            tip,
            category,
            priority,
            credibility,
        } => {
            let mut l = Ledger::open_telling(&cli.ledger, &who, &tell)?;
            let done = l.triage(
                *tip,
                ledger::casework::Triage {
                    category: category.clone(),
                    priority: *priority,
                    credibility: *credibility,
                },
            )?;
            println!("tip {}: {}", done.entry.id, done.entry.status.key());
            warn_all(&done.warnings);
            Ok(())
        }
        Command::Assign {
            tip,
            department,
            due,
        } => {
            let mut l = Ledger::open_telling(&cli.ledger, &who, &tell)?;
            let done = l.assign(*tip, department, due.as_deref())?;
            let t = &done.entry;
            println!(
                "tip {} assigned to {}, due {}",
                t.id,
                t.department.as_deref().unwrap_or_default(),
                t.assignment_due.as_deref().unwrap_or_default()
            );
            warn_all(&done.warnings);
            Ok(())
        }
        Command::Status {
            tip,
            status,
            public_note,
        } => {
            let public_note = public_note.as_deref().map(text_or_stdin).transpose()?;
            let mut l = Ledger::open_telling(&cli.ledger, &who, &tell)?;
            let (before, done) =
                l.set_status(*tip, *status, public_note.as_deref().map(|n| n.as_str()))?;
            let t = &done.entry;
            println!(
                "tip {}: {} -> {} (reporter sees: {})",
                t.id,
                before.key(),
                t.status.key(),
                t.status.public()
            );
            warn_all(&done.warnings);
            Ok(())
        }
        Command::Reply { tip, message } => {
            let message = text_or_stdin(message)?;
            let mut l = Ledger::open_telling(&cli.ledger, &who, &tell)?;
            let done = l.reply(*tip, &message)?;
            println!("reply to tip {tip} sealed to its reporter; it is published with the next `tipbox-review export`");
            warn_all(&done.warnings);
            Ok(())
        }
        Command::Reward {
            first,
            second,
            amount,
        } => reward(&cli, &who, first, second, *amount),
        Command::Export { out, portal } => {
            let mut l = Ledger::open_telling(&cli.ledger, &who, &tell)?;
            let pass = read_passphrase(cli.passphrase_file.as_deref(), false)?;
            let key = tipbox::keys::load_signing_key(&l.keys_dir(), &pass)?;
            let (bytes, summary) = l.export_updates(portal.as_deref(), &key)?;
            write_file_durably(out, &bytes)?;
            l.commit_export(&summary)?;
            report_written(
                out,
                format!(
                    "update bundle {} for portal {}: {} tip(s) with public changes, {} acknowledgement(s) -> {}",
                    summary.sequence,
                    summary.portal_id,
                    summary.tips,
                    summary.acknowledged,
                    out.display()
                ),
            );
            if summary.finished_left_out > 0 {
                report_written(
                    out,
                    format!(
                        "{} finished tip(s) left out: their public state is older than [publishing] finished_days",
                        summary.finished_left_out
                    ),
                );
            }
            Ok(())
        }
        Command::Note { tip, text } => {
            let text = text_or_stdin(text)?;
            if text.trim().is_empty() {
                return Err(Failure(EXIT_USAGE, "the note is empty".into()));
            }
            let mut l = Ledger::open_telling(&cli.ledger, &who, &tell)?;
            l.add_note(*tip, &text)?;
            println!("note added to tip {tip}");
            Ok(())
        }
        Command::Link { tip, other } => {
            let mut l = Ledger::open_telling(&cli.ledger, &who, &tell)?;
            if l.link(*tip, *other)? {
                println!("tips {tip} and {other} linked");
            } else {
                println!("tips {tip} and {other} were already linked; nothing changed");
            }
            Ok(())
        }
        Command::Transfer {
            tip,
            department,
            recipient,
            out,
        } => {
            let mut l = Ledger::open_telling(&cli.ledger, &who, &tell)?;
            let department = ledger::casework::department_name(department)?;
            let day = tipbox::vocab::today();
            let package = match (recipient, out) {
                (Some(r), Some(out)) => {
                    file_only(out, "a hand-over bundle")?;
                    let r = tipbox::keys::parse_recipient(r)?;
                    let ids = unlock()?;
                    let entry = l.get(*tip)?;
                    let bar = spinner("re-sealing the tip for the receiving unit");
                    let written = l.write_handover(&entry, &ids, &r, out);
                    bar.finish_and_clear();
                    written?;
                    Some(out.display().to_string())
                }
                (None, None) => None,
                _ => {
                    return Err(Failure(
                        EXIT_USAGE,
                        "--recipient and --out go together".into(),
                    ))
                }
            };
            l.transfer(*tip, &department, &day, package.clone())?;
            println!("tip {tip} transferred to {department}");
            if let Some(p) = package {
                println!("hand-over bundle: {p} (the receiving unit imports it with `tipbox-review import`)");
            }
            Ok(())
        }
        Command::Add {
            channel,
            category,
            received,
            text,
            text_file,
            attachments,
        } => {
            let content = match (text, text_file) {
                (Some(t), None) => Zeroizing::new(t.clone()),
                (None, Some(p)) if p == Path::new("-") => text_or_stdin("-")?,
                (None, Some(p)) => read_text(
                    &p.display().to_string(),
                    std::fs::File::open(p)
                        .map_err(|e| format!("cannot read {}: {e}", p.display()))?,
                )?,
                _ => {
                    return Err(Failure(
                        EXIT_USAGE,
                        "give the tip's content with --text or --text-file".into(),
                    ))
                }
            };
            if content.trim().is_empty() {
                return Err(Failure(EXIT_USAGE, "the tip's content is empty".into()));
            }
            let today = tipbox::vocab::today();
            let received = match received {
                Some(d) => {
                    let day = ledger::parse_day(d).ok_or_else(|| {
                        format!("--received {d:?} is not a date; write it as YYYY-MM-DD")
                    })?;
                    // The ledger's days are UTC; a day ahead is still today east of it
                    // (Beijing before 08:00). Anything later is a typo in the year or month.
                    let tomorrow = ledger::add_days(&today, 1).and_then(|t| ledger::parse_day(&t));
                    if tomorrow.is_some_and(|t| day > t) {
                        return Err(Failure(
                            EXIT_USAGE,
                            format!(
                                "--received {d} is in the future (today is {today}): give the \
                                 day the tip arrived"
                            ),
                        ));
                    }
                    ledger::format_day(day)
                }
                None => today,
            };
            let category = category_key(category)?;
            let new_category = category_is_new(&cli.ledger, &category);
            let mut l = Ledger::open_telling(&cli.ledger, &who, &tell)?;
            for file in attachments {
                if !file.is_file() {
                    return Err(Failure(
                        EXIT_USAGE,
                        format!(
                            "--attachment {}: not a file that can be read",
                            file.display()
                        ),
                    ));
                }
            }
            let id = l.add_offline(*channel, &category, &received, &content, attachments)?;
            if attachments.is_empty() {
                println!("added tip {id} ({})", channel.key());
            } else {
                println!(
                    "added tip {id} ({}) with {} attachment(s) sealed into the ledger",
                    channel.key(),
                    attachments.len()
                );
            }
            if new_category {
                warn_all(&[ledger::casework::Warning::NewCategory(category.clone())]);
            }
            Ok(())
        }
        Command::Notice {
            tip,
            department,
            summary,
            due,
            out,
        } => {
            let summary = summary.as_deref().map(text_or_stdin).transpose()?;
            let mut l = Ledger::open_telling(&cli.ledger, &who, &tell)?;
            let department = ledger::casework::department_name(department)?;
            if summary
                .as_ref()
                .is_some_and(|s| s.trim().chars().count() < 4)
            {
                return Err(Failure(
                    EXIT_USAGE,
                    "the --summary is too short (at least 4 characters): summarise the lead \
                     in your words, not the tip's, or leave --summary out to write it on the \
                     printed notice by hand"
                        .into(),
                ));
            }
            let entry = l.get(*tip)?;
            let due = match due {
                Some(d) => ledger::parse_day(d)
                    .map(|_| d.trim().to_owned())
                    .ok_or_else(|| format!("--due {d:?} is not a date; write it as YYYY-MM-DD"))?,
                None => entry.assignment_due.clone().unwrap_or_else(|| {
                    ledger::add_days(&tipbox::vocab::today(), l.config.deadlines.verify_days)
                        .expect("today is a date")
                }),
            };
            let summary = summary.as_ref().map(|s| s.as_str());
            // The file first: a notice number is never taken for a page that cannot be
            // written (the numbers are official, and a gap has to be explained).
            let pending = if is_stdout(out) {
                None
            } else {
                Some(tipbox::durable::AtomicFile::create(out).map_err(|e| {
                    Failure(EXIT_USAGE, format!("cannot write {}: {e}", out.display()))
                })?)
            };
            let notice = l.issue_notice(*tip, &department, summary, &due)?;
            let category = tipbox::vocab::default_categories()
                .into_iter()
                .find(|c| c.key == entry.category)
                .map(|c| c.zh_hans)
                .unwrap_or_else(|| entry.category.clone());
            let html = NoticePage {
                notice: &notice,
                tip_id: entry.id,
                category,
                received: entry.received.clone(),
                summary,
                office: l.config.office_name.clone(),
            }
            .render()
            .map_err(|e| format!("rendering the notice failed: {e}"))?;
            match pending {
                Some(file) => file.commit(html.as_bytes()).map_err(|e| {
                    Failure(EXIT_USAGE, format!("cannot write {}: {e}", out.display()))
                })?,
                None => write_file_durably(out, html.as_bytes())?,
            }
            report_written(
                out,
                format!(
                    "{} for tip {} to {}, due {} -> {}",
                    notice.number,
                    tip,
                    department,
                    due,
                    out.display()
                ),
            );
            Ok(())
        }
        Command::Report {
            from,
            to,
            format,
            out,
            lang,
        } => {
            for d in [from, to].into_iter().flatten() {
                if ledger::parse_day(d).is_none() {
                    return Err(Failure(
                        EXIT_USAGE,
                        format!("{d:?} is not a date; write it as YYYY-MM-DD"),
                    ));
                }
            }
            if let (Some(f), Some(t)) = (from, to) {
                if ledger::parse_day(f) > ledger::parse_day(t) {
                    return Err(Failure(
                        EXIT_USAGE,
                        format!("--from {f} is after --to {t}: the period would be empty"),
                    ));
                }
            }
            let bar = spinner("counting");
            let r = Ledger::with_summaries(&cli.ledger, &tell, |tips, config| {
                ledger::report::compute(
                    tips.iter(),
                    from.as_deref(),
                    to.as_deref(),
                    &config.deadlines,
                    &tipbox::vocab::today(),
                )
            })?;
            bar.finish_and_clear();
            let text = match format {
                ReportFormat::Table => r.to_table(),
                ReportFormat::Csv => r.to_csv(),
                ReportFormat::Json => to_json_string(&r, true).expect("json") + "\n",
                ReportFormat::Html => r
                    .to_html(matches!(lang, ReportLang::En))
                    .map_err(|e| format!("rendering the report failed: {e}"))?,
            };
            match out {
                Some(path) => {
                    write_file_durably(path, text.as_bytes())?;
                    if !is_stdout(path) {
                        eprintln!("tipbox-review: report written to {}", path.display());
                    }
                }
                None => print!("{text}"),
            }
            Ok(())
        }
        Command::Backup { command: None, out } => {
            let out = out.as_ref().ok_or_else(|| {
                Failure(EXIT_USAGE, "give the backup's path with --out FILE".into())
            })?;
            file_only(out, "a backup")?;
            let mut l = Ledger::open_telling(&cli.ledger, &who, &tell)?;
            let ids = unlock()?;
            let bar = indicatif::ProgressBar::new_spinner();
            let s = l.backup(out, &ids, |n| bar.inc(n))?;
            bar.finish_and_clear();
            println!(
                "backup written to {}: {} tip(s), {} file(s), {} tree(s), {}; it restores with the current passphrase; keep copies apart from this machine",
                out.display(),
                s.header.tips,
                s.header.files,
                s.header.trees,
                indicatif::BinaryBytes(s.bytes)
            );
            Ok(())
        }
        Command::Backup {
            command:
                Some(BackupCommand::Verify {
                    file,
                    identity,
                    trust,
                }),
            ..
        } => {
            // The ledger's own identity says more than the keys the file carries: it
            // checks that *this* office made the backup.
            let own = cli.ledger.join("keys").join(tipbox::keys::IDENTITY_FILE);
            let ids = match identity {
                Some(path) => load_identity_file(path, cli.passphrase_file.as_deref())?,
                None if own.exists() => load_identity_file(&own, cli.passphrase_file.as_deref())?,
                None => unlock_carried_keys(file, cli.passphrase_file.as_deref())?,
            };
            let bar = indicatif::ProgressBar::new_spinner().with_message("checking the backup");
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            let checked = ledger::backup::verify(
                file,
                ledger::backup::Trust {
                    identities: &ids,
                    accept_unauthenticated: trust.accept_unauthenticated,
                    carried_keys_checked: true,
                },
            );
            bar.finish_and_clear();
            match checked {
                Ok(s) => {
                    println!(
                        "backup OK: made {}, {} tip(s), {} file(s), {} tree(s), {}, {}",
                        s.header.made,
                        s.header.tips,
                        s.header.files,
                        s.header.trees,
                        indicatif::BinaryBytes(s.bytes),
                        made_by(&s.header)
                    );
                    Ok(())
                }
                Err(
                    e @ (ledger::backup::BackupError::Io { .. }
                    | ledger::backup::BackupError::NotOurs),
                ) => Err(e.into()),
                Err(e) => Err(Failure(EXIT_CHECK_FAILED, e.to_string())),
            }
        }
        Command::Restore {
            file,
            identity,
            trust,
        } => {
            let ids = match identity {
                Some(path) => load_identity_file(path, cli.passphrase_file.as_deref())?,
                None => unlock_carried_keys(file, cli.passphrase_file.as_deref())?,
            };
            let bar =
                indicatif::ProgressBar::new_spinner().with_message("checking, then restoring");
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
            let restored = ledger::backup::restore(
                file,
                ledger::backup::Trust {
                    identities: &ids,
                    accept_unauthenticated: trust.accept_unauthenticated,
                    carried_keys_checked: identity.is_none(),
                },
                &cli.ledger,
            );
            bar.finish_and_clear();
            let s = restored?;
            let mut l = Ledger::open_telling(&cli.ledger, &who, &tell)?;
            l.audit(
                ledger::Action::Restore,
                None,
                &format!(
                    "from a backup made {}, {}",
                    s.header.made,
                    made_by(&s.header)
                ),
            )?;
            println!(
                "restored {} tip(s) into {} from a backup made {}, {}; `tipbox-review audit verify` holds",
                s.header.tips,
                cli.ledger.display(),
                s.header.made,
                made_by(&s.header)
            );
            Ok(())
        }
        Command::VerifyAcknowledgement { file, verify_key } => {
            verify_acknowledgement(&cli.ledger, file, verify_key.as_deref())
        }
        Command::Audit {
            command: AuditCommand::Verify,
        } => {
            let path = cli.ledger.join(ledger::audit::AUDIT_FILE);
            match ledger::audit::verify_file(&path) {
                Ok((n, _)) => {
                    println!("audit log intact: {n} entries");
                    Ok(())
                }
                Err(e @ ledger::AuditError::Broken { .. }) => {
                    Err(Failure(EXIT_CHECK_FAILED, e.to_string()))
                }
                Err(e) => Err(e.into()),
            }
        }
    }
}

fn search(
    l: &mut Ledger,
    ids: &[tipbox::keys::Identity],
    needle: &str,
    json_out: bool,
) -> Result<(), Failure> {
    if needle.trim().is_empty() {
        return Err(Failure(EXIT_USAGE, "give some text to search for".into()));
    }
    // Ids are dense: the last one is the number of tips.
    let tips = l.next_id()?.saturating_sub(1);
    // Hidden automatically when stderr is not a terminal.
    let bar = indicatif::ProgressBar::new(tips).with_style(
        indicatif::ProgressStyle::with_template("searching {bar:40} {pos}/{len} tips ({eta})")
            .expect("valid template"),
    );
    let hits = l.search(ids, needle, |n| bar.inc(n))?;
    bar.finish_and_clear();
    // The search text itself is not logged: it may be a name.
    l.audit(
        ledger::Action::Search,
        None,
        &format!("{} match(es)", hits.len()),
    )?;
    if json_out {
        let out: Vec<_> = hits
            .iter()
            .map(|h| json!({"id": h.id, "status": h.status.key(), "category": h.category, "received": h.received, "matched": h.matched}))
            .collect();
        println!("{}", to_json_string(&out, true).expect("json"));
    } else {
        for h in &hits {
            println!(
                "{:>6}  {}  {:<14}  {:<12}  matched in: {}",
                h.id,
                h.received,
                terminal_safe(&h.category).as_str(),
                h.status.key(),
                terminal_safe(&h.matched.join(", ")).as_str()
            );
        }
        println!("{} tip(s) found", hits.len());
    }
    Ok(())
}

fn reward(
    cli: &Cli,
    who: &str,
    first: &str,
    second: &str,
    amount: Option<u64>,
) -> Result<(), Failure> {
    if first == "verify" {
        let token = tipbox::receipt::ClaimToken::parse(second)
            .map_err(|e| Failure(EXIT_USAGE, format!("that is not a claim token: {e}")))?;
        let mut l = Ledger::open_telling(&cli.ledger, who, &tell)?;
        let found = l.find_claim(&token)?;
        l.audit(
            ledger::Action::RewardVerify,
            found.as_ref().map(|t| t.id),
            if found.is_some() { "match" } else { "no match" },
        )?;
        return match found {
            Some(t) => {
                // What to do at the counter, said plainly: a paid reward is not paid twice.
                let state = match &t.reward {
                    Some(r) if r.state == "paid" => format!(
                        "the reward of {} yuan was ALREADY PAID on {}: do not pay it again",
                        r.amount,
                        r.paid_on.as_deref().unwrap_or("-")
                    ),
                    Some(r) => format!(
                        "a reward of {} yuan was approved on {} and is not paid yet; after paying, \
                         run `tipbox-review reward {} paid`",
                        r.amount, r.approved_on, t.id
                    ),
                    None => "no reward has been approved for it: there is nothing to pay".into(),
                };
                println!("claim token matches tip {}: {state}", t.id);
                Ok(())
            }
            None => Err(Failure(
                EXIT_CHECK_FAILED,
                "the claim token matches no tip in this ledger".into(),
            )),
        };
    }
    let tip: u64 = first
        .parse()
        .map_err(|_| Failure(EXIT_USAGE, format!("{first:?} is not a tip id; use `reward TIP approve --amount N`, `reward TIP paid` or `reward verify TOKEN`")))?;
    let mut l = Ledger::open_telling(&cli.ledger, who, &tell)?;
    let today = tipbox::vocab::today();
    match (second, amount) {
        ("approve", Some(n)) => {
            let before = l.get(tip)?;
            match l.approve_reward(tip, n, &today)? {
                RewardApproval::AlreadyApproved { on } => println!(
                    "a reward of {n} yuan was already approved for tip {tip} on {on}; nothing changed"
                ),
                outcome => {
                    if let RewardApproval::Changed { from } = outcome {
                        println!("reward for tip {tip} changed from {from} to {n} yuan");
                    }
                    println!("reward of {n} yuan approved for tip {tip}; the reporter sees it and a claim token after the next export");
                    warn_public_record_removed(&before, &today);
                }
            }
            Ok(())
        }
        ("approve", None) => Err(Failure(
            EXIT_USAGE,
            "give the amount in yuan: `reward TIP approve --amount N`".into(),
        )),
        ("paid", None) => {
            l.mark_reward_paid(tip, &today)?;
            println!("reward for tip {tip} marked paid");
            Ok(())
        }
        _ => Err(Failure(
            EXIT_USAGE,
            "use `reward TIP approve --amount N`, `reward TIP paid` or `reward verify TOKEN`"
                .into(),
        )),
    }
}

/// A text given on the command line, or read from standard input when it is `-`: notes,
/// replies and search terms then stay out of the shell's history file. One trailing line
/// break (from `echo` or a here-document) is dropped.
fn text_or_stdin(value: &str) -> Result<Zeroizing<String>, Failure> {
    if value != "-" {
        return Ok(Zeroizing::new(value.to_owned()));
    }
    let mut text = read_text("standard input", std::io::stdin())?;
    let kept = text.trim_end_matches(['\n', '\r']).len();
    text.truncate(kept);
    Ok(text)
}

/// Read a text that may be a tip's content: zeroized when dropped, and a file that is not
/// UTF-8 (most often one saved as ANSI, that is GBK, on a Chinese Windows PC) gets the fix.
fn read_text(what: &str, mut from: impl std::io::Read) -> Result<Zeroizing<String>, Failure> {
    let mut bytes = Zeroizing::new(Vec::new());
    from.read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {what}: {e}"))?;
    match std::str::from_utf8(&bytes) {
        Ok(text) => Ok(Zeroizing::new(text.to_owned())),
        Err(_) => Err(Failure(
            EXIT_USAGE,
            format!(
                "{what} is not UTF-8 text. A file saved as ANSI (GBK) on Windows can be \
                 converted first: iconv -f GBK -t UTF-8 FILE > FILE.utf8.txt (or save it \
                 as UTF-8 in the editor)"
            ),
        )),
    }
}

/// Write an output file atomically and durably (see `tipbox::durable`).
/// `-`: standard output.
fn is_stdout(path: &Path) -> bool {
    path == Path::new("-")
}

/// `verify-acknowledgement`: check a kept acknowledgement against the office's verify key
/// (given, or the ledger's current and retired ones).
fn verify_acknowledgement(ledger: &Path, file: &Path, given: Option<&str>) -> Result<(), Failure> {
    use std::io::Read;
    let mut text = String::new();
    let read = if is_stdout(file) {
        std::io::stdin().read_to_string(&mut text)
    } else {
        std::fs::File::open(file).and_then(|f| f.take(64 * 1024).read_to_string(&mut text))
    };
    read.map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let ack = tipbox::bundle::update::Acknowledgement::from_document(&text).ok_or_else(|| {
        Failure(
            EXIT_CHECK_FAILED,
            format!(
                "{} is not an acknowledgement of receipt: it should be the five lines the \
                 status page shows, from \"tipbox acknowledgement v1\" to \"signature: ...\"",
                file.display()
            ),
        )
    })?;
    let mut keys: Vec<(String, &'static str)> = Vec::new();
    match given {
        Some(k) => keys.push((k.to_owned(), "the verify key given")),
        None => {
            let dir = ledger.join("keys");
            let current = std::fs::read_to_string(dir.join(tipbox::keys::VERIFY_KEY_FILE))
                .map_err(|_| {
                    format!(
                        "no verify key: give the office's with --verify-key KEY, or run this in its ledger ({} has no keys/{})",
                        ledger.display(),
                        tipbox::keys::VERIFY_KEY_FILE
                    )
                })?;
            keys.push((current.trim().to_owned(), "the office's current key"));
            let retired = std::fs::read_to_string(dir.join(tipbox::keys::RETIRED_VERIFY_KEYS_FILE))
                .unwrap_or_default();
            keys.extend(
                retired
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(|l| {
                        (
                            l.to_owned(),
                            "an earlier key of the office (since replaced)",
                        )
                    }),
            );
        }
    }
    for (key, which) in &keys {
        let key = tipbox::keys::parse_verify_key(key)?;
        if let Some(said) = ack.verify(&key) {
            println!(
                "the acknowledgement holds, signed with {which}: office {}, number {}, received {}",
                said.office, said.number, said.received
            );
            return Ok(());
        }
    }
    Err(Failure(
        EXIT_CHECK_FAILED,
        "the acknowledgement does NOT hold: its signature is not the office's (or a line of it \
         was changed)"
            .into(),
    ))
}

/// Tell what was written where: on standard output, unless the file itself went there.
fn report_written(out: &Path, message: String) {
    let message = terminal_safe(&message);
    if is_stdout(out) {
        eprintln!("tipbox-review: {}", message.as_str());
    } else {
        println!("{}", message.as_str());
    }
}

/// Refuse `-` for outputs that must be a file.
fn file_only(out: &Path, what: &str) -> Result<(), Failure> {
    if is_stdout(out) {
        return Err(Failure(
            EXIT_USAGE,
            format!("{what} is written to a file (made durable before it gets its name), not to standard output: give a file name"),
        ));
    }
    Ok(())
}

fn write_file_durably(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    if is_stdout(path) {
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        return stdout
            .write_all(bytes)
            .and_then(|()| stdout.flush())
            .map_err(|e| {
                Failure(
                    EXIT_USAGE,
                    format!("writing to standard output failed: {e}"),
                )
            });
    }
    tipbox::durable::write_atomically(path, bytes)
        .map_err(|e| Failure(EXIT_USAGE, format!("cannot write {}: {e}", path.display())))
}

/// A spinner on stderr for work that may take a while; hidden when stderr is not a terminal.
fn spinner(message: &'static str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner().with_message(message);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

fn read_passphrase(file: Option<&Path>, confirm: bool) -> Result<SecretString, Failure> {
    read_passphrase_as(file, confirm, "Passphrase")
}

/// A passphrase from `file`, or from a prompt saying `label` (twice with `confirm`).
fn read_passphrase_as(
    file: Option<&Path>,
    confirm: bool,
    label: &str,
) -> Result<SecretString, Failure> {
    let text = match file {
        Some(path) => Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the passphrase file {}: {e}", path.display()))?,
        ),
        None => {
            let first = Zeroizing::new(rpassword::prompt_password(format!("{label}: ")).map_err(
                |e| format!("cannot read the passphrase: {e} (use --passphrase-file in scripts)"),
            )?);
            if confirm {
                let again = Zeroizing::new(
                    rpassword::prompt_password(format!("{label} again: "))
                        .map_err(|e| format!("cannot read the passphrase: {e}"))?,
                );
                if *first != *again {
                    return Err(Failure(
                        EXIT_USAGE,
                        "the two passphrases differ; nothing was changed".into(),
                    ));
                }
            }
            first
        }
    };
    let trimmed = text.trim_end_matches(['\r', '\n']);
    if trimmed.chars().count() < 8 {
        return Err(Failure(
            EXIT_USAGE,
            "the passphrase must have at least 8 characters".into(),
        ));
    }
    Ok(SecretString::from(trimmed.to_owned()))
}

/// Unlock the office keys a backup carries, with the passphrase.
fn unlock_carried_keys(
    backup: &Path,
    passphrase_file: Option<&Path>,
) -> Result<Vec<tipbox::keys::Identity>, Failure> {
    let Some(carried) = ledger::backup::carried_keys(backup)? else {
        return Err(Failure(
            EXIT_USAGE,
            format!(
                "{} carries no office keys (backups made before 2026-12-01 do not): \
                 give a copy of the office identity with --identity, e.g. --identity /media/keys/identity.age",
                backup.display()
            ),
        ));
    };
    let pass = read_passphrase(passphrase_file, false)?;
    tipbox::keys::unlock_carried_identities(&carried, backup, &pass).map_err(|e| match e {
        tipbox::keys::KeyError::WrongPassphrase(_) => Failure(
            EXIT_USAGE,
            format!(
                "the passphrase does not open the office keys that {} carries: they open with \
                 the passphrase the office had when the backup was made (if it has not changed \
                 since, the office did not make this backup). Or give a copy of the office \
                 identity with --identity",
                backup.display()
            ),
        ),
        e => e.into(),
    })
}

/// Load identities from a passphrase-protected identity.age or a plain age identity file.
fn load_identity_file(
    path: &Path,
    passphrase_file: Option<&Path>,
) -> Result<Vec<tipbox::keys::Identity>, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| format!("cannot read the identity {}: {e}", path.display()))?;
    if bytes.starts_with(b"age-encryption.org/") {
        let pass = read_passphrase(passphrase_file, false)?;
        return Ok(tipbox::keys::load_identities_file(path, &pass)?);
    }
    let text = Zeroizing::new(
        String::from_utf8(bytes)
            .map_err(|_| format!("{} is not an age identity file", path.display()))?,
    );
    let ids: Vec<_> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.parse::<tipbox::keys::Identity>())
        .collect::<Result<_, _>>()
        .map_err(|_| format!("{} is not an age identity file", path.display()))?;
    if ids.is_empty() {
        return Err(Failure(
            EXIT_USAGE,
            format!("{} holds no identity", path.display()),
        ));
    }
    Ok(ids)
}

fn init(ledger: &Path, passphrase_file: Option<&Path>) -> Result<(), Failure> {
    let passphrase = read_passphrase(passphrase_file, true)?;
    let keys = tipbox::keys::generate(&ledger.join("keys"), &passphrase)?;
    Ledger::create_layout(ledger)?;
    let mut l = Ledger::open_telling(ledger, "init", &tell)?;
    l.audit(ledger::Action::Init, None, "office keys created")?;
    println!("recipient: {}", keys.recipient);
    println!("verify-key: {}", keys.verify_key);
    Ok(())
}

fn list(ledger: &Path, args: &ListArgs) -> Result<(), Failure> {
    Ledger::with_summaries(ledger, &tell, |all, config| print_list(all, config, args))?
}

fn print_list(
    all: &[TipSummary<'_>],
    config: &ledger::LedgerConfig,
    args: &ListArgs,
) -> Result<(), Failure> {
    let category = args.category.as_deref().map(category_key).transpose()?;
    let d = config.deadlines;
    let today = summary::day_number(&tipbox::vocab::today()).unwrap_or(summary::Day::MAX);
    // Each tip's nearest deadline, computed once; overdue first, then by that deadline,
    // then by id.
    let mut overdue_total = 0;
    // (sort key: not overdue, deadline, id), the deadline, the tip.
    type Row<'a, 'b> = (
        (bool, summary::Day, u64),
        Option<summary::Day>,
        &'a TipSummary<'b>,
    );
    let mut rows: Vec<Row> = all
        .iter()
        .filter_map(|t| {
            let due = t.due(&d);
            let overdue = due.is_some_and(|x| x < today);
            overdue_total += usize::from(overdue);
            let wanted = args.status.is_none_or(|s| s == t.status)
                && category.as_ref().is_none_or(|c| *c == t.category)
                && args
                    .department
                    .as_ref()
                    .is_none_or(|dep| t.department.as_deref() == Some(dep.as_str()))
                && (!args.overdue || overdue);
            wanted.then_some(((!overdue, due.unwrap_or(summary::Day::MAX), t.id), due, t))
        })
        .collect();
    rows.sort_unstable_by_key(|(key, _, _)| *key);
    let names = summary::DayNames::covering(
        rows.iter()
            .flat_map(|(_, due, t)| [t.received, *due])
            .flatten(),
    );
    let day = |d: Option<summary::Day>, none: &'static str| {
        d.map_or(std::borrow::Cow::Borrowed(none), |d| names.get(d))
    };
    // Straight to the file descriptor: stdout's own line buffering would scan every byte
    // for newlines, which shows on a million rows.
    let stdout: std::fs::File = std::io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .map_err(|e| format!("cannot write to standard output: {e}"))?
        .into();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
    if args.json {
        // Pretty for people; one line for scripts, serialized on every core (a million
        // tips print in a fraction of a second that way).
        if std::io::stdout().is_terminal() {
            tipbox::safe_output::to_json_writer(
                &mut out,
                &JsonSeq::new(
                    rows.iter()
                        .map(|(_, due, t)| list_row(t, *due, today, &names)),
                ),
                true,
            )
            .map_err(|e| format!("writing the list failed: {e}"))?;
        } else {
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            let parts: Vec<Vec<u8>> = std::thread::scope(|s| {
                let handles: Vec<_> = rows
                    .chunks(rows.len().div_ceil(cores).max(1))
                    .map(|chunk| {
                        s.spawn(|| {
                            let mut buf = Vec::with_capacity(chunk.len() * 256);
                            for (i, (_, due, t)) in chunk.iter().enumerate() {
                                if i > 0 {
                                    buf.push(b',');
                                }
                                tipbox::safe_output::to_json_writer(
                                    &mut buf,
                                    &list_row(t, *due, today, &names),
                                    false,
                                )
                                .expect("rows serialize");
                            }
                            buf
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("list worker"))
                    .collect()
            });
            let mut write = || -> std::io::Result<()> {
                out.write_all(b"[")?;
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        out.write_all(b",")?;
                    }
                    out.write_all(part)?;
                }
                out.write_all(b"]\n")?;
                out.flush()
            };
            write().map_err(|e| format!("writing the list failed: {e}"))?;
            return Ok(());
        }
        let _ = writeln!(out);
        return Ok(());
    }
    if overdue_total > 0 {
        let _ = writeln!(
            out,
            "WARNING: {overdue_total} tip(s) past a deadline (tipbox-review list --overdue)"
        );
    }
    let _ = writeln!(
        out,
        "{:>6}  {:<10}  {:<7}  {:<14}  {:<12}  {:<10}  DEPARTMENT",
        "ID", "RECEIVED", "CHANNEL", "CATEGORY", "STATUS", "DUE"
    );
    for (_, due, t) in &rows {
        let due = *due;
        let mark = if due.is_some_and(|x| x < today) {
            "!"
        } else {
            " "
        };
        let _ = writeln!(
            out,
            "{:>6}  {:<10}  {:<7}  {:<14}  {:<12}  {:<10}{mark} {}",
            t.id,
            day(t.received, "unknown"),
            t.channel.key(),
            label_safe(&t.category),
            t.status.key(),
            day(due, "-"),
            label_safe(t.department.as_deref().unwrap_or_default()),
        );
    }
    let _ = writeln!(out, "{} tip(s)", rows.len());
    Ok(())
}

/// One object of `list --json`.
#[derive(serde::Serialize)]
struct ListRow<'a> {
    id: u64,
    status: &'static str,
    public_status: &'static str,
    category: &'a str,
    department: Option<&'a str>,
    received: std::borrow::Cow<'a, str>,
    due: Option<std::borrow::Cow<'a, str>>,
    overdue: bool,
    channel: &'static str,
    priority: Option<ledger::Priority>,
    credibility: Option<ledger::Credibility>,
    links: &'a [u64],
    reward_wanted: bool,
    items: u32,
    /// Present (true) only for a tip handed over by another unit, which answers its reporter.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    handed_over: bool,
}

fn list_row<'a>(
    t: &'a TipSummary<'_>,
    due: Option<summary::Day>,
    today: summary::Day,
    names: &'a summary::DayNames,
) -> ListRow<'a> {
    ListRow {
        id: t.id,
        status: t.status.key(),
        public_status: t.status.public(),
        category: &t.category,
        department: t.department.as_deref(),
        received: t
            .received
            .map_or(std::borrow::Cow::Borrowed("unknown"), |x| names.get(x)),
        due: due.map(|x| names.get(x)),
        overdue: due.is_some_and(|x| x < today),
        channel: t.channel.key(),
        priority: t.priority,
        credibility: t.credibility,
        links: &t.links,
        reward_wanted: t.reward_wanted,
        items: t.items,
        handed_over: t.handed_over,
    }
}

/// Serialize an iterator as a JSON array without collecting it first.
struct JsonSeq<I>(std::cell::Cell<Option<I>>);

impl<I> JsonSeq<I> {
    fn new(items: I) -> Self {
        JsonSeq(std::cell::Cell::new(Some(items)))
    }
}

impl<I: Iterator<Item = T>, T: serde::Serialize> serde::Serialize for JsonSeq<I> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.take().into_iter().flatten())
    }
}

/// A file name tipbox chooses for an attachment: tip, item and attachment numbers, and the
/// original extension only if it names an inert type (one that a double-click opens in a
/// viewer, never runs). Any other extension is kept as a hint inside the name and the file
/// ends in `.bin`: `run.sh` is written as `tip12-1-1-sh.bin`, not as a script one
/// double-click from running (docs/reviewer-guide.*.md, "Attachments").
fn attachment_name(tip: u64, item: usize, index: usize, original: &str) -> String {
    let ext = original
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .filter(|e| !e.is_empty() && e.len() <= 8 && e.bytes().all(|b| b.is_ascii_alphanumeric()));
    match ext {
        Some(ext) if INERT_EXTENSIONS.contains(&ext.as_str()) => {
            format!("tip{tip}-{item}-{index}.{ext}")
        }
        Some(ext) => format!("tip{tip}-{item}-{index}-{ext}.bin"),
        None => format!("tip{tip}-{item}-{index}.bin"),
    }
}

/// Extensions an attachment keeps: pictures, sound, video, documents, plain text and
/// archives. Not scripts, programs, launchers or anything a browser runs (`.sh`,
/// `.desktop`, `.exe`, `.html`, `.svg`, `.js`, ...).
const INERT_EXTENSIONS: &[&str] = &[
    "jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff", "heic", "heif", // pictures
    "mp3", "m4a", "aac", "wav", "ogg", "oga", "opus", "amr", "flac", "wma", // sound
    "mp4", "m4v", "mov", "3gp", "avi", "mkv", "webm", "wmv", // video
    "pdf", "txt", "csv", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "wps",
    "et", "dps", "ofd", // documents (wps/et/dps: WPS Office; ofd: China's e-document format)
    "zip", "rar", "7z",  // archives: a viewer lists them, nothing runs
    "bin", // what tipbox names anything else
];

fn show(
    l: &Ledger,
    t: &TipEntry,
    ids: &[tipbox::keys::Identity],
    attachments_to: Option<&Path>,
    json_out: bool,
) -> Result<(), Failure> {
    let d = l.config.deadlines;
    // Attachments go straight from decryption to their files (or nowhere, without
    // --attachments-to): `show` holds no attachment in memory, whatever its size.
    let mut written = Vec::new();
    let mut current: Option<(std::path::PathBuf, std::fs::File)> = None;
    let mut in_item = (usize::MAX, 0usize);
    if let Some(dir) = attachments_to {
        // Decrypted evidence: the folder (when made here) and the files are the owner's only.
        tipbox::durable::create_private_dir(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    let opened = l.open_items(t, ids, |i, piece| -> Result<(), Failure> {
        let Some(dir) = attachments_to else {
            return Ok(());
        };
        match piece {
            AttachmentPiece::Start(start) => {
                let j = if in_item.0 == i { in_item.1 + 1 } else { 0 };
                in_item = (i, j);
                let name = attachment_name(t.id, i + 1, j + 1, &start.name);
                let path = dir.join(&name);
                let f = tipbox::durable::create_new_private_file(&path).map_err(|e| {
                    format!(
                        "cannot create {} ({e}); use an empty folder",
                        path.display()
                    )
                })?;
                current = Some((path, f));
                written.push((i, j, name));
            }
            AttachmentPiece::Data(bytes) => {
                if let Some((path, f)) = current.as_mut() {
                    f.write_all(bytes)
                        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
                }
            }
            AttachmentPiece::End(_) => current = None,
        }
        Ok(())
    });
    // A damaged item or a full disk: no truncated copy is left to be mistaken for evidence.
    if let (Err(_), Some((path, f))) = (&opened, current.take()) {
        drop(f);
        let _ = std::fs::remove_file(path);
    }
    let items = opened?;
    // Whether each follow-up was added by someone holding the receipt, or may have been
    // made up by whoever ran the portal.
    let proofs = ledger::followup_proofs(&items);
    let mut notes = Vec::new();
    for text in &t.texts {
        let body = l.open_text(text, ids)?;
        notes.push((text.kind, text.day.clone(), text.by.clone(), body));
    }
    if json_out {
        let items_json: Vec<_> = items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                json!({
                    "kind": item.blob.kind, "day": item.blob.day, "sealed_to": item.blob.sealed_to,
                    "followup_proof": proofs[i],
                    "fields": item.tip.fields.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str()))).collect::<serde_json::Map<_, _>>(),
                    "attachments": item.tip.attachments.iter().enumerate().map(|(j, a)| json!({
                        "name": a.start.name, "content_type": a.start.content_type, "size": a.end.size,
                        "metadata_removed": a.end.metadata_removed,
                        "written_as": written.iter().find(|(wi, wj, _)| *wi == i && *wj == j).map(|(_, _, n)| n),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let out = json!({
            "id": t.id, "status": t.status.key(), "public_status": t.status.public(), "status_day": t.status_day, "channel": t.channel.key(),
            "handed_over": t.handed_over,
            "category": t.category, "department": t.department, "received": t.received, "due": t.due(&d),
            "priority": t.priority, "credibility": t.credibility, "links": t.links, "transfers": t.transfers,
            "reward_wanted": t.reward_wanted, "items": items_json,
            "texts": notes.iter().map(|(k, day, by, body)| json!({"kind": k, "day": day, "by": by, "text": body.as_str()})).collect::<Vec<_>>(),
        });
        println!("{}", to_json_string(&out, true).expect("json"));
        return Ok(());
    }
    let mut o = String::new();
    o.push_str(&format!(
        "Tip {}  received {}  channel {}{}\n",
        t.id,
        t.received,
        t.channel.key(),
        if t.handed_over {
            "  handed over by another unit (which answers the reporter)"
        } else {
            ""
        }
    ));
    o.push_str(&format!(
        "Status: {} (reporter sees: {})  Department: {}  Due: {}\n",
        t.status.key(),
        t.status.public(),
        t.department.as_deref().unwrap_or("-"),
        t.due(&d).unwrap_or_else(|| "-".into())
    ));
    o.push_str(&format!(
        "Category: {}  Priority: {}  Credibility: {}  Reward wanted: {}\n",
        t.category,
        t.priority
            .map(|p| format!("{p:?}").to_lowercase())
            .unwrap_or_else(|| "-".into()),
        t.credibility
            .map(|c| format!("{c:?}").to_lowercase())
            .unwrap_or_else(|| "-".into()),
        if t.reward_wanted { "yes" } else { "no" }
    ));
    if !t.links.is_empty() {
        o.push_str(&format!(
            "Linked tips: {}\n",
            t.links
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for tr in &t.transfers {
        o.push_str(&format!("Transferred to {} on {}\n", tr.to, tr.day));
    }
    for (i, item) in items.iter().enumerate() {
        let label = match item.blob.kind {
            tipbox::tip::Kind::Tip => "Tip",
            tipbox::tip::Kind::Followup => "Follow-up",
        };
        o.push_str(&format!("\n--- {label} ({}) ---\n", item.blob.day));
        match proofs[i] {
            Some(FollowupProof::ReceiptHolder) => {
                o.push_str("from the receipt holder: yes (signed with the key derived from the tip's receipt)\n")
            }
            Some(FollowupProof::NotProven) => o.push_str(
                "from the receipt holder: NOT PROVEN. It carries no valid signature by the tip's \
                 receipt key, so it may have been added by whoever controlled the portal: do not \
                 take it as the reporter's word\n",
            ),
            Some(FollowupProof::Unchecked) => o.push_str(
                "from the receipt holder: cannot be checked (the tip is from before follow-ups \
                 were signed)\n",
            ),
            None => {}
        }
        for (name, value) in &item.tip.fields {
            push_field(&mut o, name, value);
        }
        for (j, a) in item.tip.attachments.iter().enumerate() {
            let written_as = written
                .iter()
                .find(|(wi, wj, _)| *wi == i && *wj == j)
                .map(|(_, _, n)| format!(" -> {n}"))
                .unwrap_or_default();
            o.push_str(&format!(
                "attachment {}: {:?} ({} bytes, {}){}{}\n",
                j + 1,
                a.start.name,
                a.end.size,
                if a.start.content_type.is_empty() {
                    "unknown type".to_owned()
                } else {
                    // What the sender's browser said: quoted, on this one line.
                    format!("{:?}", a.start.content_type)
                },
                if a.end.metadata_removed {
                    ", metadata removed"
                } else {
                    ", kept as sent: may carry metadata"
                },
                written_as
            ));
        }
        // The proof said again after the item: a long text cannot push it out of sight.
        match proofs[i] {
            Some(FollowupProof::ReceiptHolder) => {
                o.push_str("--- end of follow-up: from the receipt holder ---\n")
            }
            Some(FollowupProof::NotProven) => {
                o.push_str("--- end of follow-up: NOT PROVEN to come from the receipt holder ---\n")
            }
            Some(FollowupProof::Unchecked) => {
                o.push_str("--- end of follow-up: cannot be checked ---\n")
            }
            None => {}
        }
    }
    for (kind, day, by, body) in &notes {
        let label = match kind {
            TextKind::Note => "Note",
            TextKind::Content => "Content",
            TextKind::PublicNote => "Public note",
            TextKind::Reply => "Reply to the reporter",
            TextKind::Summary => "Summary (supervision notice)",
        };
        // Written in this ledger, by its reviewers: shown as written.
        o.push_str(&format!(
            "\n--- {label} ({day}, {by}) ---\n{}\n",
            body.as_str()
        ));
    }
    print!("{}", terminal_safe(&o).as_str());
    Ok(())
}

/// The fields a tip container holds: printed by their name. Any other name came from
/// whoever sealed the item, and is quoted.
const KNOWN_FIELDS: &[&str] = &[
    "category",
    "location",
    "place",
    "description",
    "reward",
    "message",
    "channel",
];

/// A field of a sealed item: `name: first line`, and every further line behind a gutter,
/// so that nothing a sender wrote can stand at the start of a line and pass for what
/// `show` itself says ("from the receipt holder: yes", "--- Tip ---").
fn push_field(o: &mut String, name: &str, value: &str) {
    if KNOWN_FIELDS.contains(&name) {
        o.push_str(name);
    } else {
        o.push_str(&format!("field {name:?}"));
    }
    let (first, rest) = value.split_once('\n').unwrap_or((value, ""));
    o.push_str(&format!(": {first}\n"));
    if !rest.is_empty() || value.ends_with('\n') {
        push_lines(o, rest);
    }
}

/// Lines of text from outside (a sealed item's field), each behind a gutter
/// (`  | `); a run of more than two empty lines is shown as one line that says so, so that
/// blank lines cannot scroll a warning out of sight.
fn push_lines(o: &mut String, text: &str) {
    let mut empty = 0usize;
    let flush = |o: &mut String, empty: usize| match empty {
        0 => {}
        1 | 2 => o.push_str(&"  |\n".repeat(empty)),
        n => o.push_str(&format!("  | ({n} empty lines)\n")),
    };
    for line in text.split('\n') {
        if line.trim().is_empty() {
            empty += 1;
            continue;
        }
        flush(o, empty);
        empty = 0;
        o.push_str(&format!("  | {line}\n"));
    }
    flush(o, empty.saturating_sub(1));
}

/// Re-seal a tip's items to another unit's recipient, as an inbox bundle it can import.
/// Plaintext streams from one age stream into the other; it never touches the disk.
/// After an import: name the tips that now hold a follow-up not proven to come from the
/// receipt holder (see `show`), so that a made-up follow-up is noticed before it is read
/// as the reporter's word. Decrypts those tips' items once more, in memory.
fn warn_unproven_followups(
    l: &Ledger,
    tips: impl Iterator<Item = u64>,
    ids: &[tipbox::keys::Identity],
) -> Result<(), Failure> {
    let mut unproven = Vec::new();
    for id in tips {
        let items = l.open_items(&l.get(id)?, ids, |_, _| Ok::<(), Failure>(()))?;
        if ledger::followup_proofs(&items).contains(&Some(FollowupProof::NotProven)) {
            unproven.push(id.to_string());
        }
    }
    if !unproven.is_empty() {
        eprintln!(
            "tipbox-review: warning: tip(s) {} hold a follow-up NOT PROVEN to come from the \
             reporter: it carries no valid signature by the tip's receipt key, so it may have \
             been made up by whoever controlled the portal. `tipbox-review show TIP` marks it; \
             do not act on it as the reporter's word without other grounds",
            unproven.join(", ")
        );
    }
    Ok(())
}

/// Warn when what was just published can no longer reach the reporter (see
/// `TipEntry::public_record_probably_removed`).
fn warn_public_record_removed(t: &TipEntry, today: &str) {
    if let Some(day) = t.public_record_probably_removed(today) {
        warn_all(&[ledger::casework::Warning::PublicRecordRemoved {
            id: t.id,
            day: day.to_owned(),
        }]);
    }
}
