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
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use serde_json::json;
use tipbox::ledger::casework::{category_key, RewardApproval};
use tipbox::ledger::summary::{self, TipSummary};
use tipbox::ledger::{
    self, Channel, Credibility, Keyed, Ledger, Priority, Status, TextKind, TipEntry,
};
use tipbox::safe_output::{label_safe, terminal_safe, to_json_string};
use tipbox::tip::{AttachmentPiece, FollowupProof};
use zeroize::Zeroizing;

mod casework;
mod cli;
#[cfg(feature = "desk")]
mod desk;
mod error;
mod exchange;
mod i18n;
mod io;
mod keys;
mod list;
mod records;
mod show;

use cli::*;
use error::*;
use i18n::t;
use io::*;

fn main() -> ExitCode {
    // Before anything secret is in memory.
    if let Err(e) = tipbox::process::disable_core_dumps() {
        warn_text(&t!("cli-core-dumps", reason = e));
    }
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    i18n::init(i18n::choose(&args));
    let cli = i18n::localize(Cli::command())
        .try_get_matches_from(args)
        .and_then(|m| Cli::from_arg_matches(&m))
        .unwrap_or_else(|e| e.exit());
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

/// What every command gets: the command line and the reviewer's name for the audit log.
pub(crate) struct Ctx<'a> {
    pub cli: &'a Cli,
    pub who: String,
}

impl Ctx<'_> {
    /// The office identities, unlocked with the passphrase (asked for now).
    pub fn unlock(&self) -> Result<Vec<tipbox::keys::Identity>, Failure> {
        let pass = read_passphrase(self.cli.passphrase_file.as_deref(), false)?;
        Ok(tipbox::keys::load_identities(
            &self.cli.ledger.join("keys"),
            &pass,
        )?)
    }
}

/// Dispatch: each command is one function in the module named for what it works on.
fn run(cli: Cli) -> Result<(), Failure> {
    let ctx = Ctx {
        cli: &cli,
        who: actor(&cli),
    };
    match &cli.command {
        Command::Init(a) => keys::init(&ctx, a),
        Command::Passphrase(a) => keys::passphrase(&ctx, a),
        Command::Search(a) => show::search(&ctx, a),
        Command::Import(a) => exchange::import(&ctx, a),
        Command::List(args) => list::list_tips(&cli.ledger, args),
        Command::Show(a) => show::show(&ctx, a),
        Command::Triage(a) => casework::triage(&ctx, a),
        Command::Assign(a) => casework::assign(&ctx, a),
        Command::Status(a) => casework::status(&ctx, a),
        Command::Reply(a) => casework::reply(&ctx, a),
        Command::Reward(a) => casework::reward(&ctx, a),
        Command::Export(a) => exchange::export(&ctx, a),
        Command::Site(a) => exchange::site(&ctx, a),
        Command::Note(a) => casework::note(&ctx, a),
        Command::Link(a) => casework::link(&ctx, a),
        Command::Transfer(a) => casework::transfer(&ctx, a),
        Command::Add(a) => casework::add(&ctx, a),
        Command::Notice(a) => casework::notice(&ctx, a),
        Command::Report(a) => list::report(&ctx, a),
        Command::Backup(a) => records::backup(&ctx, a),
        Command::Restore(a) => records::restore(&ctx, a),
        Command::VerifyAcknowledgement(a) => keys::verify_acknowledgement(&ctx, a),
        Command::Audit(a) => records::audit(&ctx, a),
        #[cfg(feature = "desk")]
        Command::Desk(a) => desk::desk(&ctx, a),
    }
}
