//! Ledger backup and restore (issue #8), with the real binary, real keys, real folders.

mod common;

use common::*;

fn review_in(ledger: &std::path::Path, args: &[&str]) -> std::process::Output {
    review_command(ledger).args(args).output().unwrap()
}

/// `tipbox-review --ledger TARGET restore BACKUP --identity IDENTITY`.
fn restore(
    target: &std::path::Path,
    backup: &std::path::Path,
    identity: &std::path::Path,
) -> std::process::Output {
    restore_with(target, backup, identity, &[])
}

/// `restore` with more arguments (`--accept-unauthenticated`).
fn restore_with(
    target: &std::path::Path,
    backup: &std::path::Path,
    identity: &std::path::Path,
    more: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "restore",
        backup.to_str().unwrap(),
        "--identity",
        identity.to_str().unwrap(),
    ];
    args.extend_from_slice(more);
    review_in(target, &args)
}

fn is_empty_or_missing(dir: &std::path::Path) -> bool {
    !dir.exists() || std::fs::read_dir(dir).unwrap().next().is_none()
}

/// A ledger with a few tips in various states.
fn busy_ledger() -> (TestLedger, tempfile::TempDir) {
    let mut inbox = Inbox::new();
    for i in 0..3 {
        inbox.tip(&Tip {
            reward: i == 0,
            files: vec![("e.bin".into(), vec![i as u8; 5000])],
            ..Tip::default()
        });
    }
    let (ledger, work, _inbox) = import_into_new_ledger(&inbox);
    ledger.ok(&["assign", "1", "--to", "县公安局", "--due", "2020-01-01"]);
    ledger.ok(&["note", "2", "BACKUP-NOTE-CANARY"]);
    ledger.ok(&["reward", "1", "approve", "--amount", "3000"]);
    ledger.ok(&["status", "3", "closed"]);
    ledger.ok(&["add", "--channel", "phone", "--text", "电话举报内容"]);
    (ledger, work)
}

#[test]
fn backup_then_restore_gives_the_same_ledger() {
    let (ledger, work) = busy_ledger();
    let backup = work.path().join("ledger.tbk");
    let out = ledger.ok(&["backup", "--out", backup.to_str().unwrap()]);
    assert!(out.contains("4 tip(s)"), "{out}");
    assert!(
        files_containing(work.path(), b"BACKUP-NOTE-CANARY").is_empty(),
        "the backup is encrypted"
    );
    let audit_at_backup = std::fs::read_to_string(ledger.path().join("audit.log")).unwrap();
    assert!(ledger
        .ok(&["backup", "verify", backup.to_str().unwrap()])
        .contains("backup OK"));

    // As SPEC.md has it: `restore FILE --ledger DIR`, with the passphrase and nothing else
    // (the backup carries the office keys).
    let restored = work.path().join("restored");
    let out = review_in(&restored, &["restore", backup.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let list = |dir: &std::path::Path| {
        String::from_utf8(review_in(dir, &["list", "--json"]).stdout).unwrap()
    };
    assert_eq!(list(&ledger.path()), list(&restored));
    let report = |dir: &std::path::Path| {
        String::from_utf8(review_in(dir, &["report", "--format", "json"]).stdout).unwrap()
    };
    assert_eq!(report(&ledger.path()), report(&restored));
    assert!(report(&restored).contains("\"total\": 4"));
    for id in ["1", "2", "4"] {
        let a =
            String::from_utf8(review_in(&ledger.path(), &["show", id, "--json"]).stdout).unwrap();
        let b = String::from_utf8(review_in(&restored, &["show", id, "--json"]).stdout).unwrap();
        assert_eq!(a, b, "tip {id} differs after restore");
    }
    // The restored audit log is the original as of the backup, plus the restore entry.
    let restored_audit = std::fs::read_to_string(restored.join("audit.log")).unwrap();
    assert!(
        restored_audit.starts_with(&audit_at_backup),
        "the audit log differs"
    );
    assert!(restored_audit[audit_at_backup.len()..].contains("\"action\":\"restore\""));
    assert!(review_in(&restored, &["audit", "verify"]).status.success());
    // Keys and sealed items come back private, as the ledger keeps them.
    use std::os::unix::fs::PermissionsExt;
    for file in all_files(&restored.join("keys"))
        .into_iter()
        .chain(all_files(&restored.join("blobs")))
    {
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{}", file.display());
    }
    // The restored ledger works: the next command can read, write and sign.
    let out = review_in(
        &restored,
        &[
            "export",
            "--out",
            work.path().join("u.tbu").to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn damaged_backups_and_occupied_targets_are_refused() {
    let (ledger, work) = busy_ledger();
    let backup = work.path().join("ledger.tbk");
    ledger.ok(&["backup", "--out", backup.to_str().unwrap()]);
    let bytes = std::fs::read(&backup).unwrap();
    let bad = work.path().join("bad.tbk");
    let identity = private_demo_identity();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", bytes[..bytes.len() * 3 / 4].to_vec()),
        ("last byte cut", bytes[..bytes.len() - 1].to_vec()),
        ("byte flipped", {
            let mut b = bytes.clone();
            let n = b.len() / 2;
            b[n] ^= 1;
            b
        }),
        ("empty", vec![]),
    ];
    for (name, b) in cases {
        std::fs::write(&bad, &b).unwrap();
        let out = ledger.run(&["backup", "verify", bad.to_str().unwrap()]);
        assert!(!out.status.success(), "{name}: verify accepted it");
        let target = work.path().join(format!("r-{}", name.replace(' ', "-")));
        let out = restore(&target, &bad, &identity);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            String::from_utf8_lossy(&out.stderr).starts_with("tipbox-review: "),
            "{name}"
        );
        assert!(
            is_empty_or_missing(&target),
            "{name}: something was restored"
        );
    }
    // Never over a live ledger, nor into any non-empty folder.
    let out = restore(&ledger.path(), &backup, &identity);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    assert!(ledger.ok(&["audit", "verify"]).contains("intact"));
    // Another office's identity cannot open it.
    let stranger = work.path().join("stranger.txt");
    std::fs::write(
        &stranger,
        format!(
            "{}\n",
            age::secrecy::ExposeSecret::expose_secret(
                &age::x25519::Identity::generate().to_string()
            )
        ),
    )
    .unwrap();
    let out = restore(&work.path().join("r-stranger"), &backup, &stranger);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be opened with this identity"));
}

#[test]
fn a_backup_taken_while_other_commands_write_is_consistent() {
    let (ledger, work) = busy_ledger();
    let path = ledger.path();
    // Writers run during the backup: they wait for the ledger's lock, never interleave.
    let writers = std::thread::spawn(move || {
        (0..6)
            .map(|i| {
                review_in(&path, &["note", "1", &format!("concurrent note {i}")])
                    .status
                    .success()
            })
            .collect::<Vec<_>>()
    });
    let mut backups = Vec::new();
    for i in 0..3 {
        let b = work.path().join(format!("b{i}.tbk"));
        ledger.ok(&["backup", "--out", b.to_str().unwrap()]);
        backups.push(b);
    }
    assert!(
        writers.join().unwrap().iter().all(|ok| *ok),
        "a writer failed instead of waiting"
    );
    for (i, b) in backups.iter().enumerate() {
        let target = work.path().join(format!("restored{i}"));
        let out = restore(&target, b, &private_demo_identity());
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(review_in(&target, &["audit", "verify"]).status.success());
        // Every note in the snapshot has its audit entry, and the other way round.
        let shown: serde_json::Value =
            serde_json::from_slice(&review_in(&target, &["show", "1", "--json"]).stdout).unwrap();
        let notes = shown["texts"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["kind"] == "note")
            .count();
        let audit = std::fs::read_to_string(target.join("audit.log")).unwrap();
        let audited = audit
            .lines()
            .filter(|l| l.contains("\"action\":\"note\"") && l.contains("\"tip\":1"))
            .count();
        assert_eq!(notes, audited, "backup {i}: ledger and audit log disagree");
    }
}

/// The demo office's public recipient: anyone can seal a file to an office.
/// A backup is sealed to the office's *public* key, so anyone can forge one that decrypts
/// (and fix up its unkeyed checksum). A tired reviewer handed such a file must not get
/// anything written outside the folder being restored.
#[test]
fn a_backup_forged_with_the_offices_public_key_cannot_write_outside_the_target() {
    let (ledger, work) = busy_ledger();
    let backup = work.path().join("ledger.tbk");
    ledger.ok(&["backup", "--out", backup.to_str().unwrap()]);
    let plain = open_backup(&backup);
    let genuine = verify_archive(&plain[..], by_the_demo_office()).unwrap();
    assert_eq!(genuine.header.tips, 4);

    // The first file item is ledger.toml: give it a path that climbs out (same length, so
    // the framing stays valid), and recompute the checksum as a forger would.
    let at = plain.windows(11).position(|w| w == b"ledger.toml").unwrap();
    let mut forged = plain.clone();
    forged[at..at + 11].copy_from_slice(b"../escape.x");
    fix_checksum(&mut forged);
    assert!(matches!(
        verify_archive(&forged[..], by_the_demo_office()),
        Err(tipbox::ledger::backup::BackupError::BadPath)
    ));

    let forged_file = work.path().join("forged.tbk");
    seal_to_demo_office(&forged, &forged_file);
    let target = work.path().join("restored");
    let out = restore(&target, &forged_file, &private_demo_identity());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unsafe or unknown path"), "{err}");
    assert!(!work.path().join("escape.x").exists(), "written outside");
    assert!(is_empty_or_missing(&target), "something was restored");
}

use tipbox::ledger::backup::{verify_archive, BackupError, Trust};

/// Checked with the demo office's identities, as `restore` does.
fn by_the_demo_office() -> Trust<'static> {
    Trust {
        identities: demo_identities(),
        accept_unauthenticated: false,
        carried_keys_checked: true,
    }
}

/// The archive inside a backup, decrypted with the demo office identity.
fn open_backup(file: &std::path::Path) -> Vec<u8> {
    use std::io::Read;
    let mut plain = Vec::new();
    age::Decryptor::new(&backup_age_layer(file)[..])
        .unwrap()
        .decrypt(demo_identities().iter().map(|i| i as &dyn age::Identity))
        .unwrap()
        .read_to_end(&mut plain)
        .unwrap();
    plain
}

/// The demo ledger seals to one recipient: an archive ends with the checksum (32 bytes)
/// and one tag (32).
const TRAILER: usize = 32 + 32;

/// Recompute an archive's checksum after an edit, as a forger can (it is unkeyed).
fn fix_checksum(archive: &mut [u8]) -> [u8; 32] {
    let body = archive.len() - TRAILER;
    let mut hasher = tipbox::crypto::Hasher::new();
    hasher.update(&archive[..body]);
    let digest = hasher.finalize();
    archive[body..body + 32].copy_from_slice(&digest);
    digest
}

/// Sealing to the office's public key proves nothing about who made a backup, so a backup
/// also carries a tag that only the office identity can make, and `restore` checks it with
/// the identity it opens the backup with. A forger can fake the tag, claim another
/// identity's tag, or keep the office's tag over changed content: each is refused, with
/// nothing written.
#[test]
fn a_backup_restores_only_when_the_office_identity_authenticates_it() {
    let (ledger, work) = busy_ledger();
    let backup = work.path().join("ledger.tbk");
    ledger.ok(&["backup", "--out", backup.to_str().unwrap()]);
    let identity = private_demo_identity();
    let refused = |name: &str, file: &std::path::Path, more: &[&str], expected: &str| {
        let target = work.path().join(format!("r-{name}"));
        let out = restore_with(&target, file, &identity, more);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(expected), "{name}: {err}");
        assert!(
            is_empty_or_missing(&target),
            "{name}: something was restored"
        );
        // `backup verify` calls it a failed check.
        let out = ledger.run(&["backup", "verify", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(1), "{name}");
    };
    let plain = open_backup(&backup);
    let demo = demo_recipient().to_string();
    let named = plain
        .windows(demo.len())
        .position(|w| w == demo.as_bytes())
        .expect("the header names the recipient the tag is for");
    let tag_at = plain.len() - 32;

    // A made-up tag (with the checksum the forger can fix): "does not match", even when
    // the reviewer would accept an old unauthenticated backup.
    let mut faked = plain.clone();
    faked[tag_at..].fill(7);
    fix_checksum(&mut faked);
    let faked_file = work.path().join("faked-tag.tbk");
    seal_to_demo_office(&faked, &faked_file);
    refused("faked", &faked_file, &[], "does not match");
    refused(
        "faked-accepting-unauthenticated",
        &faked_file,
        &["--accept-unauthenticated"],
        "does not match",
    );

    // The forger's own identity named in the header (same length) and tagging the archive.
    let forger = tipbox::keys::Identity::generate();
    let forger_recipient = forger.to_public().to_string();
    assert_eq!(forger_recipient.len(), demo.len());
    let mut claimed = plain.clone();
    claimed[named..named + demo.len()].copy_from_slice(forger_recipient.as_bytes());
    let digest = fix_checksum(&mut claimed);
    let tag = forger.mac(b"tbBackup", &[&b"tipbox backup v2\n"[..], &digest].concat());
    claimed[tag_at..].copy_from_slice(&tag);
    let claimed_file = work.path().join("forger-tag.tbk");
    seal_to_demo_office(&claimed, &claimed_file);
    refused("forger", &claimed_file, &[], "may be forged");

    // The office's tag kept over changed content (a department renamed, same length).
    let mut altered = plain.clone();
    let dept = "县公安局".as_bytes();
    let at = altered
        .windows(dept.len())
        .position(|w| w == dept)
        .expect("the department is in the archive");
    altered[at..at + dept.len()].copy_from_slice("市公安局".as_bytes());
    fix_checksum(&mut altered);
    assert!(matches!(
        verify_archive(&altered[..], by_the_demo_office()),
        Err(BackupError::BadAuthentication)
    ));
    let altered_file = work.path().join("altered.tbk");
    seal_to_demo_office(&altered, &altered_file);
    refused("altered", &altered_file, &[], "does not match");

    // The genuine backup verifies and restores, and both say so; so does the audit log.
    let out = ledger.ok(&["backup", "verify", backup.to_str().unwrap()]);
    assert!(
        out.contains("authenticated by the office identity"),
        "{out}"
    );
    let target = work.path().join("r-genuine");
    let out = restore(&target, &backup, &identity);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("authenticated by the office identity"));
    let audit = std::fs::read_to_string(target.join("audit.log")).unwrap();
    assert!(audit.contains("authenticated by the office identity"));
}

/// A backup carries the office keys sealed with the passphrase, so that it restores with
/// the passphrase alone. Those keys also decide whose tag is checked, so they must be the
/// office's own: a forger who builds a complete backup around keys of their own (not
/// sealed, or sealed with a passphrase of theirs) gets it refused, with nothing written.
/// After a passphrase change, older backups open with the old passphrase; backups made
/// before backups carried keys need --identity, and say so.
#[test]
fn a_backup_restores_with_the_passphrase_alone_and_only_around_the_offices_own_keys() {
    let (ledger, work) = busy_ledger();
    let backup = work.path().join("ledger.tbk");
    ledger.ok(&["backup", "--out", backup.to_str().unwrap()]);
    let carried = tipbox::ledger::backup::carried_keys(&backup)
        .unwrap()
        .expect("a new backup carries the office keys");
    assert_eq!(
        carried,
        std::fs::read(ledger.path().join("keys/identity.age")).unwrap(),
        "it carries the ledger's identity.age as it is, sealed with the passphrase"
    );

    // `backup verify` away from any ledger checks with the keys the file carries.
    let nowhere = work.path().join("no-ledger");
    let out = review_in(&nowhere, &["backup", "verify", backup.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("authenticated by the office identity"));
    assert!(!nowhere.exists(), "verify made a folder");

    // A forger's complete backup: the archive names and is tagged by the forger's
    // identity and sealed to it; the file carries the forger's identity.
    let forger = tipbox::keys::Identity::generate();
    let forger_recipient = forger.to_public();
    let demo = demo_recipient().to_string();
    let mut plain = open_backup(&backup);
    let named = plain
        .windows(demo.len())
        .position(|w| w == demo.as_bytes())
        .unwrap();
    plain[named..named + demo.len()].copy_from_slice(forger_recipient.to_string().as_bytes());
    let digest = fix_checksum(&mut plain);
    let at = plain.len() - 32;
    plain[at..]
        .copy_from_slice(&forger.mac(b"tbBackup", &[&b"tipbox backup v2\n"[..], &digest].concat()));
    let sealed_to_forger = {
        use std::io::Write;
        let mut out = Vec::new();
        let mut w = age::Encryptor::with_recipients(std::iter::once(&forger_recipient as _))
            .unwrap()
            .wrap_output(&mut out)
            .unwrap();
        w.write_all(&plain).unwrap();
        w.finish().unwrap();
        out
    };
    let forger_plain_identity = format!("{}\n", age_identity_string(&forger));
    let carrying = |name: &str, keys: &[u8]| {
        let file = work.path().join(name);
        let mut bytes = tipbox::ledger::backup::KEYS_MAGIC.to_vec();
        bytes.extend_from_slice(&(keys.len() as u32).to_be_bytes());
        bytes.extend_from_slice(keys);
        bytes.extend_from_slice(&sealed_to_forger);
        std::fs::write(&file, bytes).unwrap();
        file
    };
    let with_plain_keys = carrying("forged-plain-keys.tbk", forger_plain_identity.as_bytes());
    let with_forgers_passphrase = carrying(
        "forged-own-passphrase.tbk",
        &seal_with_passphrase(forger_plain_identity.as_bytes(), "the forger's passphrase"),
    );
    for forged in [&with_plain_keys, &with_forgers_passphrase] {
        let target = work.path().join("r-forged");
        let out = review_in(&target, &["restore", forged.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("does not open the office keys"), "{err}");
        assert!(is_empty_or_missing(&target), "a forged backup was restored");
        let out = review_in(&nowhere, &["backup", "verify", forged.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
    }
    // The control: the forgery is complete, so only the check on the carried keys stops
    // it (a reviewer who hands over the forger's identity explicitly gets it restored).
    let forger_file = work.path().join("forger-identity.txt");
    std::fs::write(&forger_file, &forger_plain_identity).unwrap();
    let out = restore(
        &work.path().join("r-control"),
        &with_plain_keys,
        &forger_file,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // After a passphrase change, the backup opens with the old passphrase only.
    let new_pass = work.path().join("new-passphrase.txt");
    std::fs::write(&new_pass, "a new passphrase for the office\n").unwrap();
    let out = ledger.ok(&[
        "passphrase",
        "--new-passphrase-file",
        new_pass.to_str().unwrap(),
    ]);
    assert!(out.contains("backups made until now"), "{out}");
    let target = work.path().join("r-new-passphrase");
    let out = review_process()
        .args(["--ledger", target.to_str().unwrap(), "--passphrase-file"])
        .arg(&new_pass)
        .args(["restore", backup.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("the passphrase the office had when the backup was made"),
        "{err}"
    );
    assert!(is_empty_or_missing(&target));
    let out = review_in(&target, &["restore", backup.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Not a backup at all (the inbox bundle, handed over by mistake): called that, not a
    // backup without keys.
    let inbox = work.path().join("inbox.tbx");
    assert!(inbox.exists());
    let out = review_in(
        &work.path().join("r-inbox"),
        &["restore", inbox.to_str().unwrap()],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("not a tipbox backup"), "{err}");

    // A backup made before backups carried keys: restore says what to add.
    let vector = repo_path("tests/vectors/backup-v1.tbk");
    let out = review_in(
        &work.path().join("r-old"),
        &["restore", vector.to_str().unwrap()],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("carries no office keys") && err.contains("--identity"),
        "{err}"
    );
}

/// `identity` as an age identity file line (`AGE-SECRET-KEY-1...`).
fn age_identity_string(identity: &tipbox::keys::Identity) -> String {
    use secrecy::ExposeSecret;
    identity.to_string().expose_secret().to_owned()
}

/// `plain` sealed with a passphrase (age scrypt), as `identity.age` is.
fn seal_with_passphrase(plain: &[u8], passphrase: &str) -> Vec<u8> {
    use std::io::Write;
    let mut out = Vec::new();
    let mut w =
        age::Encryptor::with_user_passphrase(secrecy::SecretString::from(passphrase.to_owned()))
            .wrap_output(&mut out)
            .unwrap();
    w.write_all(plain).unwrap();
    w.finish().unwrap();
    out
}

/// Backups made before they were authenticated (format 1, `tests/vectors/backup-v1.tbk`,
/// written by tipbox at 13882b1 from a demo-key ledger with one letter tip) still restore,
/// but only when the reviewer vouches for the file with --accept-unauthenticated.
#[test]
fn an_unauthenticated_format_1_backup_restores_only_when_vouched_for() {
    let work = tempfile::tempdir().unwrap();
    let vector = repo_path("tests/vectors/backup-v1.tbk");
    let identity = private_demo_identity();

    let target = work.path().join("refused");
    let out = restore(&target, &vector, &identity);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("before backups were authenticated")
            && err.contains("--accept-unauthenticated"),
        "{err}"
    );
    assert!(is_empty_or_missing(&target));

    let target = work.path().join("restored");
    let out = restore_with(&target, &vector, &identity, &["--accept-unauthenticated"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("UNAUTHENTICATED"));
    assert!(review_in(&target, &["audit", "verify"]).status.success());
    let list = String::from_utf8(review_in(&target, &["list", "--json"]).stdout).unwrap();
    assert!(list.contains("县纪委监委"), "{list}");
    let shown = String::from_utf8(review_in(&target, &["show", "1"]).stdout).unwrap();
    assert!(shown.contains("格式1备份的测试样本"), "{shown}");
    let audit = std::fs::read_to_string(target.join("audit.log")).unwrap();
    assert!(audit.contains("UNAUTHENTICATED (format 1)"));

    // `backup verify` in the restored ledger: a failed check (exit 1) unless vouched for.
    let out = review_in(&target, &["backup", "verify", vector.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let out = review_in(
        &target,
        &[
            "backup",
            "verify",
            vector.to_str().unwrap(),
            "--accept-unauthenticated",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The office keys a backup carries sit in front of its age layer, outside its tag.
/// Swapped for another file (here: a stranger's identity sealed with some passphrase), the
/// backup was still "backup OK ... authenticated by the office identity" to `backup verify`,
/// while `restore` with the passphrase refused it: the reviewer's check said the copy was
/// sound when it was not. The carried keys must now equal the archive's own, tagged copy of
/// `keys/identity.age`; `verify` and `restore` say when they do not.
#[test]
fn regression_backup_verify_passed_a_backup_whose_carried_keys_were_swapped() {
    let (ledger, work) = busy_ledger();
    let backup = work.path().join("ledger.tbk");
    ledger.ok(&["backup", "--out", backup.to_str().unwrap()]);
    let carried = tipbox::ledger::backup::carried_keys(&backup)
        .unwrap()
        .unwrap();
    let bytes = std::fs::read(&backup).unwrap();
    let age_layer = &bytes[tipbox::ledger::backup::KEYS_MAGIC.len() + 4 + carried.len()..];
    let stranger = tipbox::keys::Identity::generate();
    let other_keys = seal_with_passphrase(
        format!("{}\n", age_identity_string(&stranger)).as_bytes(),
        "demo",
    );
    let mut swapped = tipbox::ledger::backup::KEYS_MAGIC.to_vec();
    swapped.extend_from_slice(&(other_keys.len() as u32).to_be_bytes());
    swapped.extend_from_slice(&other_keys);
    swapped.extend_from_slice(age_layer);
    let file = work.path().join("swapped.tbk");
    std::fs::write(&file, swapped).unwrap();
    // In the ledger (checked with its own identity): refused, with why.
    let out = ledger.run(&["backup", "verify", file.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("were replaced after the backup was made"),
        "{err}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("backup OK"));
    // Restored with the passphrase (its carried keys): refused. With the office identity
    // given by the reviewer, the carried keys do not matter: it restores.
    let out = review_in(
        &work.path().join("r-swapped"),
        &["restore", file.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(is_empty_or_missing(&work.path().join("r-swapped")));
    let out = restore(
        &work.path().join("r-identity"),
        &file,
        &private_demo_identity(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(ledger
        .run(&["backup", "verify", backup.to_str().unwrap()])
        .status
        .success());
}
