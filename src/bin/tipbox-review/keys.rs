//! Commands on the office keys: init (and key rotation), passphrase, verify-acknowledgement.

use super::*;
use crate::casework::Said;

pub(crate) fn init(ctx: &Ctx, a: &InitArgs) -> Result<(), Failure> {
    let cli = ctx.cli;
    let who = &ctx.who;
    match a {
        InitArgs {
            add_key: false,
            new_signing_key: false,
            ..
        } => init_ledger(&cli.ledger, cli.passphrase_file.as_deref()),
        InitArgs {
            new_signing_key: true,
            ..
        } => {
            let mut l = Ledger::open_telling(&cli.ledger, who, &tell)?;
            let pass = read_passphrase(cli.passphrase_file.as_deref(), false)?;
            let current = replace_signing_key_on(&mut l, &pass)?;
            eprintln!(
                "tipbox-review: {}",
                t!(
                    "cli-signing-key-replaced",
                    file = tipbox::keys::RETIRED_VERIFY_KEYS_FILE
                )
            );
            println!("verify-key: {current}");
            Ok(())
        }
        InitArgs {
            add_key: true,
            retire_old,
            ..
        } => {
            let mut l = Ledger::open_telling(&cli.ledger, who, &tell)?;
            let pass = read_passphrase(cli.passphrase_file.as_deref(), false)?;
            let new = add_key_on(&mut l, &pass, *retire_old)?;
            let all = std::fs::read_to_string(l.keys_dir().join(tipbox::keys::RECIPIENT_FILE))?;
            let verify = std::fs::read_to_string(l.keys_dir().join(tipbox::keys::VERIFY_KEY_FILE))?;
            if *retire_old {
                eprintln!(
                    "tipbox-review: {}",
                    t!(
                        "cli-key-added-old-retired",
                        recipient = new,
                        file = tipbox::keys::RETIRED_RECIPIENTS_FILE
                    )
                );
            } else {
                eprintln!("tipbox-review: {}", t!("cli-key-added", recipient = new));
            }
            for r in all.lines().filter(|r| !r.trim().is_empty()) {
                println!("recipient: {}", r.trim());
            }
            println!("verify-key: {}", verify.trim());
            Ok(())
        }
    }
}

/// A new signing key (the old verify key retired): the new verify key.
pub(crate) fn replace_signing_key_on(
    l: &mut Ledger,
    pass: &SecretString,
) -> Result<String, Failure> {
    let keys = tipbox::keys::replace_signing_key(&l.keys_dir(), pass, &tipbox::vocab::today())?;
    l.audit(
        ledger::Action::NewSigningKey,
        None,
        &format!(
            "verify key {} retired, {} in use",
            keys.retired, keys.current
        ),
    )?;
    Ok(keys.current.to_string())
}

/// A new office identity (and, with `retire_old`, the office seals to it only): its
/// recipient.
pub(crate) fn add_key_on(
    l: &mut Ledger,
    pass: &SecretString,
    retire_old: bool,
) -> Result<String, Failure> {
    let new = tipbox::keys::add_identity(&l.keys_dir(), pass)?;
    l.audit(ledger::Action::AddKey, None, "new office identity added")?;
    if retire_old {
        tipbox::keys::retire_other_recipients(&l.keys_dir(), &new, &tipbox::vocab::today())?;
        l.audit(
            ledger::Action::RetireKeys,
            None,
            "the office seals to the new identity only",
        )?;
    }
    Ok(new.to_string())
}

/// The office keys' passphrase changed from `current` to `new`.
pub(crate) fn change_passphrase_on(
    l: &mut Ledger,
    current: &SecretString,
    new: &SecretString,
) -> Result<Said, Failure> {
    if new.expose_secret() == current.expose_secret() {
        return Err(Failure(EXIT_USAGE, t!("cli-passphrase-unchanged")));
    }
    tipbox::keys::change_passphrase(&l.keys_dir(), current, new)?;
    l.audit(
        ledger::Action::Passphrase,
        None,
        "passphrase of the office keys changed",
    )?;
    Ok(Said::line(t!(
        "cli-passphrase-changed",
        identity = tipbox::keys::IDENTITY_FILE,
        signing = tipbox::keys::SIGNING_KEY_FILE
    )))
}

pub(crate) fn passphrase(ctx: &Ctx, a: &PassphraseArgs) -> Result<(), Failure> {
    let PassphraseArgs {
        new_passphrase_file,
    } = a;
    let cli = ctx.cli;
    let who = &ctx.who;
    let mut l = Ledger::open_telling(&cli.ledger, who, &tell)?;
    let current = read_passphrase(cli.passphrase_file.as_deref(), false)?;
    let new = read_passphrase_as(
        new_passphrase_file.as_deref(),
        true,
        &t!("cli-prompt-new-passphrase"),
    )?;
    change_passphrase_on(&mut l, &current, &new)?.print();
    Ok(())
}

pub(crate) fn verify_acknowledgement(
    ctx: &Ctx,
    a: &VerifyAcknowledgementArgs,
) -> Result<(), Failure> {
    let VerifyAcknowledgementArgs { file, verify_key } = a;
    let cli = ctx.cli;
    check_acknowledgement(&cli.ledger, file, verify_key.as_deref())
}

pub(crate) fn init_ledger(ledger: &Path, passphrase_file: Option<&Path>) -> Result<(), Failure> {
    let passphrase = read_passphrase(passphrase_file, true)?;
    let keys = tipbox::keys::generate(&ledger.join("keys"), &passphrase)?;
    Ledger::create_layout(ledger)?;
    let mut l = Ledger::open_telling(ledger, "init", &tell)?;
    l.audit(ledger::Action::Init, None, "office keys created")?;
    println!("recipient: {}", keys.recipient);
    println!("verify-key: {}", keys.verify_key);
    Ok(())
}

/// `verify-acknowledgement`: check a kept acknowledgement against the office's verify key
/// (given, or the ledger's current and retired ones).
pub(crate) fn check_acknowledgement(
    ledger: &Path,
    file: &Path,
    given: Option<&str>,
) -> Result<(), Failure> {
    use std::io::Read;
    let mut text = String::new();
    let read = if is_stdout(file) {
        std::io::stdin().read_to_string(&mut text)
    } else {
        std::fs::File::open(file).and_then(|f| f.take(64 * 1024).read_to_string(&mut text))
    };
    read.map_err(|e| t!("cli-cannot-read", file = file.display(), reason = e))?;
    let ack = tipbox::bundle::update::Acknowledgement::from_document(&text).ok_or_else(|| {
        Failure(
            EXIT_CHECK_FAILED,
            t!("cli-not-an-acknowledgement", file = file.display()),
        )
    })?;
    let mut keys: Vec<(String, String)> = Vec::new();
    match given {
        Some(k) => keys.push((k.to_owned(), t!("cli-ack-key-given"))),
        None => {
            let dir = ledger.join("keys");
            let current = std::fs::read_to_string(dir.join(tipbox::keys::VERIFY_KEY_FILE))
                .map_err(|_| {
                    t!(
                        "cli-no-verify-key",
                        folder = ledger.display(),
                        file = tipbox::keys::VERIFY_KEY_FILE
                    )
                })?;
            keys.push((current.trim().to_owned(), t!("cli-ack-key-current")));
            let retired = std::fs::read_to_string(dir.join(tipbox::keys::RETIRED_VERIFY_KEYS_FILE))
                .unwrap_or_default();
            keys.extend(
                retired
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(|l| (l.to_owned(), t!("cli-ack-key-earlier"))),
            );
        }
    }
    for (key, which) in &keys {
        let key = tipbox::keys::parse_verify_key(key)?;
        if let Some(said) = ack.verify(&key) {
            println!(
                "{}",
                t!(
                    "cli-ack-holds",
                    which = which,
                    office = said.office,
                    number = said.number,
                    received = said.received
                )
            );
            return Ok(());
        }
    }
    Err(Failure(EXIT_CHECK_FAILED, t!("cli-ack-does-not-hold")))
}
