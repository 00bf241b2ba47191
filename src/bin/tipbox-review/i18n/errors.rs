//! The errors of the ledger and of the keys, bundles, backups and audit log beneath it, in
//! the reviewer's language. English is each error's own `Display` (thiserror, next to the
//! error); the other languages have one catalog message per variant (`error-*`), and the
//! matches below are exhaustive, so that a new variant cannot be left untranslated.
//! Causes from the system (an `io::Error`, a database error) stay as the system says them.

use std::path::Path;

use tipbox::vocab::Lang;

use super::{get, lang, refused};

fn path(p: &Path) -> String {
    p.display().to_string()
}

fn s(v: &dyn std::fmt::Display) -> String {
    v.to_string()
}

/// A ledger error in the chosen language.
pub(crate) fn ledger_error(e: &tipbox::ledger::LedgerError) -> String {
    use tipbox::ledger::LedgerError::*;
    if lang() == Lang::En {
        return e.to_string();
    }
    match e {
        Refused(r) => refused(r),
        Key(k) => key_error(k),
        Bundle(b) => bundle_error(b),
        BundleRefused(b) => get("error-bundle-refused", &[("reason", bundle_error(b))]),
        Audit(a) => audit_error(a),
        NoSuchTip(id) => get("error-no-such-tip", &[("id", s(id))]),
        NotALedger(p) => get("error-not-a-ledger", &[("folder", path(p))]),
        RecipientFileMissing(p) => get("error-recipient-file-missing", &[("folder", path(p))]),
        Db { path: p, source } => get("error-db", &[("folder", path(p)), ("reason", s(source))]),
        DbDamaged { path: p, source } => get(
            "error-db-damaged",
            &[("folder", path(p)), ("reason", s(source))],
        ),
        DbOp(reason) => get("error-db-op", &[("reason", s(reason))]),
        Io { path: p, source } => get("error-io", &[("file", path(p)), ("reason", s(source))]),
        Config { path: p, message } => {
            get("error-config", &[("file", path(p)), ("reason", s(message))])
        }
        NotOurs { blob, sealed_to } => get(
            "error-item-not-ours",
            &[("item", s(blob)), ("keys", s(sealed_to))],
        ),
        BadItem(blob, reason) => get(
            "error-bad-item",
            &[("item", s(blob)), ("reason", s(reason))],
        ),
        SecondTipItem { blob, tip } => get(
            "error-second-tip-item",
            &[("item", s(blob)), ("id", s(tip))],
        ),
        PortalKeyDiffers {
            portal,
            pinned,
            given,
        } => get(
            "error-portal-key-differs",
            &[
                ("portal", s(portal)),
                ("pinned", s(pinned)),
                ("given", s(given)),
            ],
        ),
        PortalBundleUnsigned { portal, pinned } => get(
            "error-portal-bundle-unsigned",
            &[("portal", s(portal)), ("pinned", s(pinned))],
        ),
        NewPortalKeyNotThis { expected, signed } => match signed {
            Some(k) => get(
                "error-new-portal-key-not-this",
                &[("expected", s(expected)), ("signed", s(k))],
            ),
            None => get(
                "error-new-portal-key-unsigned",
                &[("expected", s(expected))],
            ),
        },
        DamagedItem { blob, detail } => get(
            "error-damaged-item",
            &[("item", s(blob)), ("reason", s(detail))],
        ),
        CannotOpen { blob, sealed_to } => get(
            "error-cannot-open-item",
            &[("item", s(blob)), ("keys", s(sealed_to))],
        ),
        Seal(reason) => get("error-seal", &[("reason", s(reason))]),
        SealWrite(reason) => get("error-seal", &[("reason", s(reason))]),
        SummaryIndexDamaged(p) => get("error-summary-index-damaged", &[("folder", path(p))]),
        NoteDamaged => get("error-note-damaged", &[]),
        NoteNotOpened => get("error-note-not-opened", &[]),
        NoteNotText => get("error-note-not-text", &[]),
        IdentityMissingFor(recipient) => {
            get("error-identity-missing-for", &[("recipient", s(recipient))])
        }
        NotAnIdentityFile(p) => get("error-not-an-identity-file", &[("file", path(p))]),
        FileChangedDuringBackup(p) => get("error-file-changed-during-backup", &[("file", path(p))]),
        LedgerChangedDuringBackup => get("error-ledger-changed-during-backup", &[]),
        RestoreTargetNotEmpty(p) => get("error-restore-target-not-empty", &[("folder", path(p))]),
        GeneratedOutOfOrder { id, next } => get(
            "error-generated-out-of-order",
            &[("id", s(id)), ("next", s(next))],
        ),
        UpdateBundleTooLarge {
            mib,
            max_mib,
            config,
            finished_days,
        } => get(
            "error-update-bundle-too-large",
            &[
                ("mib", s(mib)),
                ("max", s(max_mib)),
                ("file", path(config)),
                ("days", s(finished_days)),
            ],
        ),
    }
}

/// A key error in the chosen language.
pub(crate) fn key_error(e: &tipbox::keys::KeyError) -> String {
    use tipbox::keys::KeyError::*;
    if lang() == Lang::En {
        return e.to_string();
    }
    match e {
        Exists(p) => get("error-key-exists", &[("file", path(p))]),
        Io { path: p, source } => get("error-io", &[("file", path(p)), ("reason", s(source))]),
        WrongPassphrase(p) => get("error-wrong-passphrase", &[("file", path(p))]),
        ExcessiveWork { path: p, required } => get(
            "error-key-excessive-work",
            &[
                ("file", path(p)),
                ("required", s(required)),
                ("max", s(&tipbox::keys::MAX_SCRYPT_WORK_FACTOR)),
            ],
        ),
        TooOpen(p, mode) => get(
            "error-key-too-open",
            &[("file", path(p)), ("mode", format!("{mode:o}"))],
        ),
        Damaged(p) => get("error-key-damaged", &[("file", path(p))]),
        BadRecipient(given) => get("error-bad-recipient", &[("given", s(given))]),
        BadVerifyKey(given) => get("error-bad-verify-key", &[("given", s(given))]),
    }
}

/// A bundle that cannot be read, in the chosen language.
pub(crate) fn bundle_error(e: &tipbox::bundle::BundleReadError) -> String {
    use tipbox::bundle::BundleReadError::*;
    if lang() == Lang::En {
        return e.to_string();
    }
    match e {
        NotABundle(kind) => get("error-not-a-bundle", &[("kind", s(kind))]),
        UnsupportedVersion(v) => get("error-bundle-version", &[("version", s(v))]),
        Truncated => get("error-bundle-truncated", &[]),
        Checksum => get("error-bundle-checksum", &[]),
        Malformed(what) => get("error-bundle-malformed", &[("reason", s(what))]),
        BadSignature => get("error-bundle-bad-signature", &[]),
        Io(reason) => get("error-bundle-io", &[("reason", s(reason))]),
    }
}

/// A backup that cannot be read, verified or restored, in the chosen language.
pub(crate) fn backup_error(e: &tipbox::ledger::backup::BackupError) -> String {
    use tipbox::ledger::backup::BackupError::*;
    if lang() == Lang::En {
        return e.to_string();
    }
    match e {
        Io { path: p, source } => get(
            "cli-cannot-read",
            &[("file", path(p)), ("reason", s(source))],
        ),
        NotOurs => get("error-backup-not-ours", &[]),
        NotABackup => get("error-not-a-backup", &[]),
        UnsupportedVersion(v) => get("error-backup-version", &[("version", s(v))]),
        Damaged => get("error-backup-damaged", &[]),
        BadPath => get("error-backup-bad-path", &[]),
        Checksum => get("error-backup-checksum", &[]),
        Unauthenticated => get("error-backup-unauthenticated", &[]),
        NotAuthenticatedForUs => get("error-backup-not-authenticated-for-us", &[]),
        BadAuthentication => get("error-backup-bad-authentication", &[]),
        CarriedKeysReplaced => get("error-backup-carried-keys-replaced", &[]),
        Ledger(l) => ledger_error(l),
    }
}

/// The audit log cannot be written, or a line of it is not valid, in the chosen language.
pub(crate) fn audit_error(e: &tipbox::ledger::AuditError) -> String {
    use tipbox::ledger::AuditError::*;
    if lang() == Lang::En {
        return e.to_string();
    }
    match e {
        Io { path: p, source } => get(
            "error-audit-io",
            &[("file", path(p)), ("reason", s(source))],
        ),
        Broken { line, seq, reason } => get(
            "error-audit-broken",
            &[("line", s(line)), ("entry", s(seq)), ("reason", s(reason))],
        ),
    }
}

#[cfg(test)]
mod tests {
    use i18n_embed::fluent::{fluent_language_loader, FluentLanguageLoader};
    use tipbox::vocab::Lang;

    use super::super::{id_of, Catalog};

    /// Every `get("ID", &[("NAME", ...), ...])` of this file (before the tests): the id and
    /// its argument names.
    fn calls() -> Vec<(String, Vec<String>)> {
        let source = include_str!("errors.rs");
        let source = &source[..source.find("#[cfg(test)]").unwrap()];
        source
            .split("get(")
            .skip(1)
            .filter_map(|chunk| chunk.trim_start().strip_prefix('"'))
            .map(|chunk| {
                let (id, rest) = chunk.split_once('"').unwrap();
                let args = rest
                    .split("(\"")
                    .skip(1)
                    .filter_map(|a| a.split_once("\","))
                    .map(|(name, _)| name.to_owned())
                    .collect();
                (id.to_owned(), args)
            })
            .collect()
    }

    #[test]
    fn every_error_is_said_in_every_language_with_its_values() {
        let calls = calls();
        assert!(calls.len() > 50, "{} calls found", calls.len());
        for lang in [Lang::ZhHans, Lang::ZhHant] {
            let loader: FluentLanguageLoader = fluent_language_loader!();
            i18n_embed::select(&loader, &Catalog, &[id_of(lang)]).unwrap();
            loader.set_use_isolating(false);
            for (id, args) in &calls {
                assert!(loader.has(id), "{}: no {id}", lang.code());
                let values: std::collections::HashMap<String, String> =
                    args.iter().map(|a| (a.clone(), format!("<{a}>"))).collect();
                let text = loader.get_args(id, values);
                for a in args {
                    assert!(
                        text.contains(&format!("<{a}>")),
                        "{}: {id} does not show ${a}: {text}",
                        lang.code()
                    );
                }
                assert!(!text.contains("{$"), "{id}: {text}");
            }
        }
    }
}
