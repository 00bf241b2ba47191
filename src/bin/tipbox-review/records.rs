//! The ledger's own records: backup, restore, audit verify.

use super::*;
use crate::casework::Said;

pub(crate) fn backup(ctx: &Ctx, a: &BackupArgs) -> Result<(), Failure> {
    let cli = ctx.cli;
    let who = &ctx.who;
    let unlock = || ctx.unlock();
    match a {
        BackupArgs { command: None, out } => {
            let out = out
                .as_ref()
                .ok_or_else(|| Failure(EXIT_USAGE, t!("cli-backup-needs-out")))?;
            file_only(out, &t!("cli-what-backup"))?;
            let mut l = Ledger::open_telling(&cli.ledger, who, &tell)?;
            let ids = unlock()?;
            backup_on(&mut l, &ids, out)?.print();
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
            verify_backup(file, &ids, trust.accept_unauthenticated)?.print();
            Ok(())
        }
    }
}

/// A consistent, encrypted snapshot of the open ledger at `out`.
pub(crate) fn backup_on(
    l: &mut Ledger,
    ids: &[tipbox::keys::Identity],
    out: &Path,
) -> Result<Said, Failure> {
    outside_ledger(l.root(), out)?;
    let bar = indicatif::ProgressBar::new_spinner();
    let s = l.backup(out, ids, |n| bar.inc(n))?;
    bar.finish_and_clear();
    Ok(Said::line(
        terminal_safe(&t!(
            "cli-backup-written",
            file = out.display(),
            tips = s.header.tips,
            files = s.header.files,
            trees = s.header.trees,
            size = indicatif::BinaryBytes(s.bytes)
        ))
        .as_str()
        .to_owned(),
    ))
}

/// Check a backup without restoring it: the office's `ids` must open it, and it must be
/// whole. A backup that fails the check: [`EXIT_CHECK_FAILED`].
pub(crate) fn verify_backup(
    file: &Path,
    ids: &[tipbox::keys::Identity],
    accept_unauthenticated: bool,
) -> Result<Said, Failure> {
    let bar = indicatif::ProgressBar::new_spinner().with_message(t!("cli-checking-backup"));
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    let checked = ledger::backup::verify(
        file,
        ledger::backup::Trust {
            identities: ids,
            accept_unauthenticated,
            carried_keys_checked: true,
        },
    );
    bar.finish_and_clear();
    match checked {
        Ok(s) => Ok(Said::line(
            terminal_safe(&t!(
                "cli-backup-ok",
                made = s.header.made,
                tips = s.header.tips,
                files = s.header.files,
                trees = s.header.trees,
                size = indicatif::BinaryBytes(s.bytes),
                by = made_by(&s.header)
            ))
            .as_str()
            .to_owned(),
        )),
        Err(
            e @ (ledger::backup::BackupError::Io { .. } | ledger::backup::BackupError::NotOurs),
        ) => Err(e.into()),
        Err(e) => Err(Failure(EXIT_CHECK_FAILED, crate::i18n::backup_error(&e))),
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
    let bar = indicatif::ProgressBar::new_spinner().with_message(t!("cli-checking-then-restoring"));
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
            made_by_for_the_audit_log(&s.header)
        ),
    )?;
    println!(
        "{}",
        *terminal_safe(&t!(
            "cli-restored",
            tips = s.header.tips,
            folder = cli.ledger.display(),
            made = s.header.made,
            by = made_by(&s.header)
        ))
    );
    Ok(())
}

pub(crate) fn audit(ctx: &Ctx, a: &AuditArgs) -> Result<(), Failure> {
    let cli = ctx.cli;
    match a {
        AuditArgs {
            command: AuditCommand::Verify,
        } => {
            verify_audit(&cli.ledger)?.print();
            Ok(())
        }
    }
}

/// Check the audit log's hash chain: broken, [`EXIT_CHECK_FAILED`] naming the first entry.
pub(crate) fn verify_audit(ledger: &Path) -> Result<Said, Failure> {
    let path = ledger.join(ledger::audit::AUDIT_FILE);
    match ledger::audit::verify_file(&path) {
        Ok((n, _)) => Ok(Said::line(t!("cli-audit-intact", entries = n))),
        Err(e @ ledger::AuditError::Broken { .. }) => {
            Err(Failure(EXIT_CHECK_FAILED, crate::i18n::audit_error(&e)))
        }
        Err(e) => Err(e.into()),
    }
}

/// What `backup verify` and `restore` say about who made a backup.
pub(crate) fn made_by(header: &ledger::backup::BackupHeader) -> String {
    if header.authenticated_for.is_empty() {
        t!("cli-backup-unauthenticated")
    } else {
        t!("cli-backup-authenticated")
    }
}

/// The same, in English whatever the language: the audit log reads the same in every office.
fn made_by_for_the_audit_log(header: &ledger::backup::BackupHeader) -> &'static str {
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
    let bytes = std::fs::read(path).map_err(|e| {
        t!(
            "cli-cannot-read-identity",
            file = path.display(),
            reason = e
        )
    })?;
    if bytes.starts_with(b"age-encryption.org/") {
        let pass = read_passphrase(passphrase_file, false)?;
        return Ok(tipbox::keys::load_identities_file(path, &pass)?);
    }
    let text = Zeroizing::new(
        String::from_utf8(bytes)
            .map_err(|_| t!("cli-not-an-identity-file", file = path.display()))?,
    );
    let ids: Vec<_> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| l.parse::<tipbox::keys::Identity>())
        .collect::<Result<_, _>>()
        .map_err(|_| t!("cli-not-an-identity-file", file = path.display()))?;
    if ids.is_empty() {
        return Err(Failure(
            EXIT_USAGE,
            t!("cli-no-identity", file = path.display()),
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
            t!("cli-backup-carries-no-keys", file = backup.display()),
        ));
    };
    let pass = read_passphrase(passphrase_file, false)?;
    tipbox::keys::unlock_carried_identities(&carried, backup, &pass).map_err(|e| match e {
        tipbox::keys::KeyError::WrongPassphrase(_) => Failure(
            EXIT_USAGE,
            t!("cli-backup-wrong-passphrase", file = backup.display()),
        ),
        e => e.into(),
    })
}
