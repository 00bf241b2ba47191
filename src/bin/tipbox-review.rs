//! tipbox-review: the reviewer's CLI for the air-gapped machine.
//!
//! Exit codes: 0 success, 1 a check failed, 2 usage or input error.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use age::secrecy::SecretString;
use clap::{Parser, Subcommand};
use zeroize::Zeroizing;

const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "tipbox-review",
    version,
    about = "The reviewer's CLI for tipbox (air-gapped machine)"
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
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the office's age identity and signing key (both passphrase-encrypted) in
    /// LEDGER/keys, and print the two lines the portal's config needs.
    ///
    /// Example: tipbox-review --ledger /media/ledger init
    Init,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init => init(&cli.ledger, cli.passphrase_file.as_deref()),
    };
    match result {
        Ok(code) => code,
        Err(message) => {
            eprintln!("tipbox-review: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn read_passphrase(file: Option<&Path>, confirm: bool) -> Result<SecretString, String> {
    let text = match file {
        Some(path) => Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the passphrase file {}: {e}", path.display()))?,
        ),
        None => {
            let first = Zeroizing::new(
                rpassword::prompt_password("Passphrase: ")
                    .map_err(|e| format!("cannot read the passphrase: {e}"))?,
            );
            if confirm {
                let again = Zeroizing::new(
                    rpassword::prompt_password("Passphrase again: ")
                        .map_err(|e| format!("cannot read the passphrase: {e}"))?,
                );
                if *first != *again {
                    return Err("the two passphrases differ; nothing was created".into());
                }
            }
            first
        }
    };
    let trimmed = text.trim_end_matches(['\r', '\n']);
    if trimmed.chars().count() < 8 {
        return Err("the passphrase must have at least 8 characters".into());
    }
    Ok(SecretString::from(trimmed.to_owned()))
}

fn init(ledger: &Path, passphrase_file: Option<&Path>) -> Result<ExitCode, String> {
    let passphrase = read_passphrase(passphrase_file, true)?;
    let keys =
        tipbox::keys::generate(&ledger.join("keys"), &passphrase).map_err(|e| e.to_string())?;
    println!("recipient: {}", keys.recipient);
    println!("verify-key: {}", keys.verify_key);
    Ok(ExitCode::SUCCESS)
}
