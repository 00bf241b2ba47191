//! The command line: every command, its arguments and their help (clap).

use super::*;

#[derive(Parser)]
#[command(
    name = "tipbox-review",
    version,
    about = "The reviewer's CLI for tipbox, for the air-gapped machine",
    after_help = "Exit codes: 0 success; 1 a check failed (audit verify, reward verify, backup verify, verify-acknowledgement); \
                  2 usage or input error (including a wrong passphrase)."
)]
pub(crate) struct Cli {
    /// Ledger folder.
    #[arg(
        long,
        env = "TIPBOX_LEDGER",
        global = true,
        default_value = "tipbox-ledger"
    )]
    pub ledger: PathBuf,
    /// Read the passphrase from this file instead of prompting (for scripts).
    #[arg(long, env = "TIPBOX_PASSPHRASE_FILE", global = true)]
    pub passphrase_file: Option<PathBuf>,
    /// Reviewer name recorded in the audit log [default: $USER].
    #[arg(
        long = "as",
        env = "TIPBOX_REVIEWER",
        global = true,
        value_name = "NAME"
    )]
    pub reviewer: Option<String>,
    /// Language of the program's help, messages and tables: en, zh-Hans or zh-Hant
    /// [default: the locale's, else en]; also of an HTML report [default there: zh-Hans].
    #[arg(long, global = true, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<tipbox::vocab::Lang>,
    #[command(subcommand)]
    pub command: Command,
}

fn parse_lang(given: &str) -> Result<tipbox::vocab::Lang, String> {
    tipbox::vocab::Lang::from_code(given).ok_or_else(|| "use en, zh-Hans or zh-Hant".into())
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Create the ledger with the office's age identity and signing key (both
    /// passphrase-encrypted), and print the two lines the portal needs.
    ///
    /// With --add-key on an existing ledger: add a new age identity (key rotation or one
    /// more recipient); tips sealed to the old ones stay readable. With --new-signing-key:
    /// replace the signing key (leaked, or someone who knew the passphrase has left).
    ///
    /// Examples: tipbox-review --ledger /srv/ledger init;  tipbox-review init --add-key
    Init(InitArgs),
    /// Change the passphrase that protects the office's identity and signing key (someone
    /// who knew it has left, or it may have been seen). Asks for the current passphrase,
    /// then the new one twice. Copies of identity.age kept elsewhere, and the keys that
    /// backups made until now carry, keep the old passphrase: replace the copies, and make
    /// a new backup.
    ///
    /// Example: tipbox-review passphrase
    Passphrase(PassphraseArgs),
    /// Import an inbox bundle from a portal, or a hand-over bundle from another unit
    /// (`transfer --recipient`). Importing it again changes nothing.
    ///
    /// Examples: tipbox-review import /media/usb/inbox-2026-11-22.tbx;
    /// zstd -dc inbox.tbx.zst | tipbox-review import -
    Import(ImportArgs),
    /// List tips: overdue first, then by the nearest deadline; no decryption, no passphrase.
    ///
    /// Examples: tipbox-review list --overdue;  tipbox-review list --status assigned --json
    List(ListArgs),
    /// Decrypt and print a tip with its follow-ups and notes.
    ///
    /// Example: tipbox-review show 12 --attachments-to ./case-12
    Show(ShowArgs),
    /// Classify a tip (线索研判).
    ///
    /// Example: tipbox-review triage 12 --priority high --credibility medium --category loan-shark
    Triage(TriageArgs),
    /// Route a tip to a department (分流/转办) with a verification due date.
    ///
    /// Example: tipbox-review assign 12 --to 县公安局 --due 2026-12-31
    Assign(AssignArgs),
    /// Set a tip's ledger status.
    ///
    /// Example: tipbox-review status 12 verifying --public-note "已转相关部门核查"
    Status(StatusArgs),
    /// Reply to the reporter: sealed to the tip's reply key (only the receipt opens it),
    /// published with the next `export`.
    ///
    /// Example: tipbox-review reply 12 --message "感谢您的举报，线索已转办，请耐心等待。"
    Reply(ReplyArgs),
    /// Rewards (举报奖励): `reward TIP approve --amount N`, `reward TIP paid`, or
    /// `reward verify TOKEN` (exit 0 and the tip id if the claim token matches, else 1).
    ///
    /// Examples: tipbox-review reward 12 approve --amount 5000;  tipbox-review reward verify "1234 5678 ..."
    Reward(RewardArgs),
    /// Write a signed update bundle for a portal: public statuses and notes, replies, reward
    /// decisions, and acknowledgements of the imported items the portal still held at its last
    /// inbox bundle (the portal then deletes them). Tips handed over by other units are left
    /// out: those units answer their reporters.
    ///
    /// With --out-dir: one bundle per portal the ledger answers, as DIR/PORTAL_ID.tbu; a
    /// portal of a site also gets the public records of its site's other tips.
    ///
    /// Examples: tipbox-review export --out /media/usb/update.tbu;
    /// tipbox-review export --out-dir /media/usb/updates
    Export(ExportArgs),
    /// Which portals serve one public address (a site, behind Onionbalance or a load
    /// balancer): the office's decision. Each portal of a site receives the public records
    /// of the site's tips in its update bundle, so that every receipt works on every one of
    /// them, and follow-ups taken for another portal's tip join that tip. A portal must be
    /// created with its site's file (`tipbox-portal site`) before it is added.
    ///
    /// Examples: tipbox-review site add NEW_PORTAL_ID --with FIRST_PORTAL_ID;
    /// tipbox-review site list;  tipbox-review site remove OLD_PORTAL_ID
    Site(SiteArgs),
    /// Add an internal note (sealed; never published). TEXT `-` reads it from standard
    /// input, which keeps it out of the shell's history file.
    ///
    /// Example: tipbox-review note 12 "与第7号线索涉及同一工地"
    Note(NoteArgs),
    /// Link two related tips (串并).
    ///
    /// Example: tipbox-review link 12 7
    Link(LinkArgs),
    /// Transfer a tip to another unit (移交), e.g. tips about officials to 纪委监委; with
    /// --recipient, also write a hand-over bundle sealed to that unit's key (a web tip with
    /// its follow-ups, or a typed-in tip with its files), which that unit imports.
    ///
    /// Example: tipbox-review transfer 12 --to 县纪委监委 --recipient age1... --out handover-12.tbx
    Transfer(TransferArgs),
    /// Enter a tip that arrived by phone, letter, visit or mailbox.
    ///
    /// Example: tipbox-review add --channel letter --category village-tyrant --text-file letter.txt --attachment scan-1.jpg
    Add(AddArgs),
    /// Find tips whose decrypted content (text fields, attachment names, typed-in tips,
    /// notes) contains TEXT, ignoring case and full-width forms (１３８ finds 138).
    /// Decrypts in memory only.
    ///
    /// Example: tipbox-review search 非法采砂 --json  (TEXT `-`: read from standard input)
    Search(SearchArgs),
    /// A printable supervision notice (督办通知书) for a department: notice number, the
    /// reviewer's summary of the lead (never the tip itself), due date, confidentiality
    /// marking. Recorded in the ledger and the audit log.
    ///
    /// Example: tipbox-review notice 12 --to 县公安局 --summary "反映某村村霸强占集体土地" --out notice-12.html
    Notice(NoticeArgs),
    /// The reviewer's desk: a local web interface over the ledger, in the office's language,
    /// on this machine only. Prints its address (with a one-time token) and opens it in the
    /// desktop's browser.
    ///
    /// Example: tipbox-review desk  (or: tipbox-review desk --no-open --listen 127.0.0.1:8700)
    #[cfg(feature = "desk")]
    Desk(DeskArgs),
    /// Statistics from ledger fields only (never tip content): totals by status, category,
    /// channel and department, closure rate, weekly intake, overdue, transfers, rewards.
    ///
    /// Examples: tipbox-review report --from 2026-01-01 --to 2026-06-30;
    /// tipbox-review report --format html --out report.html;  tipbox-review report --format csv --out report.csv
    Report(ReportArgs),
    /// An encrypted, consistent snapshot of the whole ledger (sealed to the office's
    /// recipients and authenticated with its identity: asks for the passphrase), or
    /// `backup verify FILE` to check one without restoring it.
    ///
    /// Examples: tipbox-review backup --out /media/backup/ledger-2026-11-22.tbk;
    /// tipbox-review backup verify /media/backup/ledger-2026-11-22.tbk
    #[command(args_conflicts_with_subcommands = true)]
    Backup(BackupArgs),
    /// Restore a backup into an empty or new folder (--ledger DIR); never over a ledger.
    /// A backup carries the office keys, sealed with the passphrase they had when it was
    /// made: restoring asks for that passphrase, and needs nothing else.
    ///
    /// Example: tipbox-review restore ledger-2026-11-22.tbk --ledger /srv/ledger-restored
    Restore(RestoreArgs),
    /// Check an acknowledgement of receipt (受理回执) a reporter kept, as printed on the
    /// portal's status page: that the office signed it, and what it says. Needs no ledger
    /// and no passphrase, only the office's published verify key. Exit 0: it holds; 1: it
    /// does not.
    ///
    /// Example: tipbox-review verify-acknowledgement ack.txt --verify-key 3f2a...
    VerifyAcknowledgement(VerifyAcknowledgementArgs),
    /// The reviewer audit log.
    Audit(AuditArgs),
}

/// The command-line choices for one of the ledger's keyed words (statuses, channels...):
/// the keys are the possible values, with their help where the ledger gives one.
pub(crate) fn keyed<T: Keyed + Send + Sync>(
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
pub(crate) enum ReportFormat {
    Table,
    Csv,
    Json,
    Html,
}

#[derive(Subcommand)]
pub(crate) enum BackupCommand {
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
pub(crate) struct TrustArgs {
    /// Also accept a backup made before backups were authenticated (format 1, before
    /// 2026-11-30): nothing shows the office made it. Only for a file whose origin you are
    /// sure of.
    #[arg(long)]
    pub accept_unauthenticated: bool,
}

#[derive(Subcommand)]
pub(crate) enum AuditCommand {
    /// Check the hash chain; exit 1 and name the first bad entry if it was edited.
    Verify,
}

#[derive(Args)]
pub(crate) struct ListArgs {
    #[arg(long, value_parser = keyed(Status::ALL))]
    pub status: Option<Status>,
    /// A category key or a default category's full name, as for `triage`.
    #[arg(long)]
    pub category: Option<String>,
    #[arg(long)]
    pub department: Option<String>,
    /// Only tips past a deadline.
    #[arg(long)]
    pub overdue: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct InitArgs {
    #[arg(long, conflicts_with = "new_signing_key")]
    pub add_key: bool,
    /// With --add-key: seal only to the new identity from now on (the old ones may
    /// have been copied). They stay in identity.age, to read what was sealed to them;
    /// the portal must then be given the new recipient line only.
    #[arg(long, requires = "add_key")]
    pub retire_old: bool,
    /// Replace the office's signing key with a new one. The portal must then be given
    /// the new verify-key line, and the next update bundle signs every tip's status
    /// again; the old verify key goes to keys/retired-verify-keys.txt.
    #[arg(long)]
    pub new_signing_key: bool,
}

#[derive(Args)]
pub struct PassphraseArgs {
    /// Read the new passphrase from this file instead of prompting (for scripts).
    #[arg(long, value_name = "FILE")]
    pub new_passphrase_file: Option<PathBuf>,
}

#[derive(Args)]
pub struct ImportArgs {
    /// The inbox bundle, or `-` for standard input.
    pub file: PathBuf,
    /// Accept this bundle-signing key (64 hex digits) for the bundle's portal in place of
    /// the one the ledger pinned: only after `tipbox-portal export` printed it on the
    /// portal itself (a portal that lost its key file). Audited.
    #[arg(long, value_name = "KEY")]
    pub new_portal_key: Option<String>,
}

#[derive(Args)]
pub struct ShowArgs {
    pub tip: u64,
    /// Write the attachments into DIR under names tipbox chooses (never opened here).
    #[arg(long, value_name = "DIR")]
    pub attachments_to: Option<PathBuf>,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct TriageArgs {
    pub tip: u64,
    /// A category key (loan-shark) or a default category's full name as the portal
    /// shows it (套路贷、非法高利放贷、暴力催收).
    #[arg(long)]
    pub category: Option<String>,
    #[arg(long, value_parser = keyed(Priority::ALL))]
    pub priority: Option<Priority>,
    #[arg(long, value_parser = keyed(Credibility::ALL))]
    pub credibility: Option<Credibility>,
}

#[derive(Args)]
pub struct AssignArgs {
    pub tip: u64,
    #[arg(long = "to", value_name = "DEPT")]
    pub department: String,
    /// YYYY-MM-DD [default: today + verify_days from ledger.toml].
    #[arg(long)]
    pub due: Option<String>,
}

#[derive(Args)]
pub struct StatusArgs {
    pub tip: u64,
    #[arg(value_parser = keyed(Status::ALL))]
    pub status: Status,
    /// A short note for the reporter, published with the status (never the reviewer's
    /// notes); `-` reads it from standard input.
    #[arg(long)]
    pub public_note: Option<String>,
}

#[derive(Args)]
pub struct ReplyArgs {
    pub tip: u64,
    /// The reply; `-` reads it from standard input.
    #[arg(long)]
    pub message: String,
}

#[derive(Args)]
pub struct RewardArgs {
    /// TIP, or `verify`.
    pub first: String,
    /// `approve` or `paid` (after TIP), or the claim token (after `verify`).
    pub second: String,
    /// Amount in yuan (with approve).
    #[arg(long)]
    pub amount: Option<u64>,
}

#[derive(Args)]
pub struct ExportArgs {
    /// Where to write the bundle (`-`: standard output).
    #[arg(long, required_unless_present = "out_dir", conflicts_with = "out_dir")]
    pub out: Option<PathBuf>,
    /// The portal id, when tips came from several portals.
    #[arg(long, conflicts_with = "out_dir")]
    pub portal: Option<String>,
    /// Write one bundle for every portal the ledger answers into this folder, as
    /// PORTAL_ID.tbu.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

#[derive(Args)]
pub struct SiteArgs {
    #[command(subcommand)]
    pub action: SiteAction,
}

#[derive(Subcommand)]
pub enum SiteAction {
    /// Add a portal to the site of a portal the ledger already answers (audited).
    Add {
        /// The portal that joins (its id, as `tipbox-portal site` or `import` print it).
        portal: String,
        /// A portal of the site it joins.
        #[arg(long, value_name = "PORTAL_ID")]
        with: String,
    },
    /// Retire a portal from its site (audited): it keeps answering its own tips only.
    Remove {
        /// The portal that leaves.
        portal: String,
    },
    /// List the sites and their portals.
    List,
}

#[cfg(feature = "desk")]
#[derive(Args)]
pub struct DeskArgs {
    /// Address to listen on: loopback only; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:0", value_name = "ADDRESS")]
    pub listen: std::net::SocketAddr,
    /// Do not open the browser; only print the address.
    #[arg(long)]
    pub no_open: bool,
    /// Lock the office keys again after this many minutes without use (1-1440)
    /// [default: `[desk] lock_after_minutes` in ledger.toml, else 15].
    #[arg(long, value_name = "MINUTES")]
    pub lock_after_minutes: Option<u32>,
}

#[derive(Args)]
pub struct NoteArgs {
    pub tip: u64,
    pub text: String,
}

#[derive(Args)]
pub struct LinkArgs {
    pub tip: u64,
    pub other: u64,
}

#[derive(Args)]
pub struct TransferArgs {
    pub tip: u64,
    #[arg(long = "to", value_name = "DEPT")]
    pub department: String,
    /// The receiving unit's age recipient.
    #[arg(long)]
    pub recipient: Option<String>,
    /// Where to write the hand-over bundle (with --recipient).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
pub struct AddArgs {
    #[arg(long, value_parser = keyed(Channel::TYPED_IN))]
    pub channel: Channel,
    /// A category key or a default category's full name, as for `triage`.
    #[arg(long, default_value = "other")]
    pub category: String,
    /// YYYY-MM-DD [default: today].
    #[arg(long)]
    pub received: Option<String>,
    /// The tip's content.
    #[arg(long, conflicts_with = "text_file")]
    pub text: Option<String>,
    /// Read the content from a file (`-` for standard input).
    #[arg(long)]
    pub text_file: Option<PathBuf>,
    /// A file that came with the tip (a scanned letter, a photo); repeat for more. It
    /// is sealed into the ledger as it is (never opened), like a web tip's attachments.
    #[arg(long = "attachment", value_name = "FILE")]
    pub attachments: Vec<PathBuf>,
}

#[derive(Args)]
pub struct SearchArgs {
    pub text: String,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct NoticeArgs {
    pub tip: u64,
    #[arg(long = "to", value_name = "DEPT")]
    pub department: String,
    /// Your summary of the lead, in words that cannot identify the reporter (`-` reads it
    /// from standard input). Without it the notice has an empty box for a handwritten
    /// summary; the tip's own text is never copied into a notice.
    #[arg(long)]
    pub summary: Option<String>,
    /// YYYY-MM-DD [default: the tip's assignment due date, or today + verify_days].
    #[arg(long)]
    pub due: Option<String>,
    /// The notice (HTML, prints on A4; `-`: standard output).
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct ReportArgs {
    /// First day (YYYY-MM-DD), inclusive.
    #[arg(long)]
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD), inclusive.
    #[arg(long)]
    pub to: Option<String>,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ReportFormat,
    /// Write to FILE instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
pub struct BackupArgs {
    #[command(subcommand)]
    pub command: Option<BackupCommand>,
    /// Where to write the backup.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
pub struct RestoreArgs {
    pub file: PathBuf,
    /// Open the backup with this identity instead of the keys it carries: a
    /// passphrase-protected identity.age or a plain age identity file. Needed for
    /// backups made before 2026-12-01, which carry no keys.
    #[arg(long)]
    pub identity: Option<PathBuf>,
    #[command(flatten)]
    pub trust: TrustArgs,
}

#[derive(Args)]
pub struct VerifyAcknowledgementArgs {
    /// The acknowledgement as text, or `-` for standard input.
    pub file: PathBuf,
    /// The office's verify key [default: the ledger's keys/verify-key.txt and the keys
    /// it retired].
    #[arg(long, value_name = "KEY")]
    pub verify_key: Option<String>,
}

#[derive(Args)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub command: AuditCommand,
}
