//! The ledger's own records: backup, restore, audit verify.

use super::*;

pub(crate) fn backup(ctx: &Ctx, a: &BackupArgs) -> Result<(), Failure> {
    let cli = ctx.cli;
    let who = &ctx.who;
    let unlock = || ctx.unlock();
    match a {
        BackupArgs { command: None, out } => {
            let out = out.as_ref().ok_or_else(|| {
                Failure(EXIT_USAGE, "give the backup's path with --out FILE".into())
            })?;
            file_only(out, "a backup")?;
            let mut l = Ledger::open_telling(&cli.ledger, who, &tell)?;
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
        BackupArgs {
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
    }
}

pub(crate) fn restore(ctx: &Ctx, a: &RestoreArgs) -> Result<(), Failure> {
    let RestoreArgs {
        file,
        identity,
        trust,
    } = a;
    let cli = ctx.cli;
    let who = &ctx.who;
    let ids = match identity {
        Some(path) => load_identity_file(path, cli.passphrase_file.as_deref())?,
        None => unlock_carried_keys(file, cli.passphrase_file.as_deref())?,
    };
    let bar = indicatif::ProgressBar::new_spinner().with_message("checking, then restoring");
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
    let mut l = Ledger::open_telling(&cli.ledger, who, &tell)?;
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

pub(crate) fn audit(ctx: &Ctx, a: &AuditArgs) -> Result<(), Failure> {
    let cli = ctx.cli;
    match a {
        AuditArgs {
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

/// What `backup verify` and `restore` say about who made a backup.
pub(crate) fn made_by(header: &ledger::backup::BackupHeader) -> &'static str {
    if header.authenticated_for.is_empty() {
        "UNAUTHENTICATED (format 1), accepted with --accept-unauthenticated"
    } else {
        "authenticated by the office identity"
    }
}

/// Load identities from a passphrase-protected identity.age or a plain age identity file.
pub(crate) fn load_identity_file(
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

/// Unlock the office keys a backup carries, with the passphrase.
pub(crate) fn unlock_carried_keys(
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
