//! Ledger backup and restore (issue #8), with the real binary, real keys, real folders.

mod common;

use common::*;

fn review_in(ledger: &std::path::Path, args: &[&str]) -> std::process::Output {
    review_command(ledger).args(args).output().unwrap()
}

/// `tipbox-review --ledger TARGET restore BACKUP --identity IDENTITY --verify-key DEMO`.
fn restore(
    target: &std::path::Path,
    backup: &std::path::Path,
    identity: &std::path::Path,
) -> std::process::Output {
    restore_trusting(
        target,
        backup,
        identity,
        &["--verify-key", &demo_verify_key()],
    )
}

/// `restore` with the given `--verify-key` / `--accept-unsigned` arguments.
fn restore_trusting(
    target: &std::path::Path,
    backup: &std::path::Path,
    identity: &std::path::Path,
    trust: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "restore",
        backup.to_str().unwrap(),
        "--identity",
        identity.to_str().unwrap(),
    ];
    args.extend_from_slice(trust);
    review_in(target, &args)
}

/// The demo office's verify key (hex), as the portal's config holds it.
fn demo_verify_key() -> String {
    std::fs::read_to_string(repo_path("keys-example/verify-key.txt"))
        .unwrap()
        .trim()
        .to_string()
}

fn is_empty_or_missing(dir: &std::path::Path) -> bool {
    !dir.exists() || std::fs::read_dir(dir).unwrap().next().is_none()
}

/// A ledger with a few tips in various states.
fn busy_ledger() -> (TestLedger, tempfile::TempDir) {
    let portal = Portal::start();
    for i in 0..3 {
        submit_ok(
            &portal,
            &Tip {
                reward: i == 0,
                files: vec![("e.bin".into(), vec![i as u8; 5000])],
                ..Tip::default()
            },
        );
    }
    let (ledger, work, _inbox) = import_into_new_ledger(&portal);
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

    let restored = work.path().join("restored");
    let out = restore(&restored, &backup, &private_demo_identity());
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
fn demo_recipient() -> age::x25519::Recipient {
    std::fs::read_to_string(repo_path("keys-example/recipient.txt"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// A backup is sealed to the office's *public* key, so anyone can forge one that decrypts
/// (and fix up its unkeyed checksum). A tired reviewer handed such a file must not get
/// anything written outside the folder being restored.
#[test]
fn a_backup_forged_with_the_offices_public_key_cannot_write_outside_the_target() {
    let (ledger, work) = busy_ledger();
    let backup = work.path().join("ledger.tbk");
    ledger.ok(&["backup", "--out", backup.to_str().unwrap()]);
    let plain = open_backup(&backup);
    let office = demo_verify_key_bytes();
    let genuine = verify_archive(&plain[..], trusting(&office)).unwrap();
    assert_eq!(genuine.header.tips, 4);

    // The first file item is ledger.toml: give it a path that climbs out (same length, so
    // the framing stays valid), and recompute the checksum as a forger would.
    let at = plain.windows(11).position(|w| w == b"ledger.toml").unwrap();
    let mut forged = plain.clone();
    forged[at..at + 11].copy_from_slice(b"../escape.x");
    fix_checksum(&mut forged);
    assert!(matches!(
        verify_archive(&forged[..], trusting(&office)),
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

fn trusting(key: &[u8; 32]) -> Trust<'_> {
    Trust {
        verify_key: Some(key),
        accept_unsigned: false,
    }
}

fn demo_verify_key_bytes() -> [u8; 32] {
    tipbox::keys::parse_verify_key(&demo_verify_key()).unwrap()
}

/// The archive inside a backup, decrypted with the demo office identity.
fn open_backup(file: &std::path::Path) -> Vec<u8> {
    use std::io::Read;
    let mut plain = Vec::new();
    age::Decryptor::new(&std::fs::read(file).unwrap()[..])
        .unwrap()
        .decrypt(demo_identities().iter().map(|i| i as &dyn age::Identity))
        .unwrap()
        .read_to_end(&mut plain)
        .unwrap();
    plain
}

fn seal_to_demo_office(plain: &[u8], file: &std::path::Path) {
    use std::io::Write;
    let mut w = age::Encryptor::with_recipients(std::iter::once(&demo_recipient() as _))
        .unwrap()
        .wrap_output(std::fs::File::create(file).unwrap())
        .unwrap();
    w.write_all(plain).unwrap();
    w.finish().unwrap();
}

/// A signed archive ends with the checksum (32 bytes) and the signature (64).
const TRAILER: usize = 32 + 64;

/// Recompute a signed archive's checksum after an edit, as a forger can (it is unkeyed).
fn fix_checksum(archive: &mut [u8]) -> [u8; 32] {
    let body = archive.len() - TRAILER;
    let mut hasher = tipbox::crypto::Hasher::new();
    hasher.update(&archive[..body]);
    let digest = hasher.finalize();
    archive[body..body + 32].copy_from_slice(&digest);
    digest
}

/// Sealing to the office's public key proves nothing about who made a backup: it must be
/// signed by the office, and `restore` checks that against a verify key the reviewer gives.
/// A forger can re-sign with a key of their own, or keep the office's signature over
/// changed content; a reviewer can forget the key. Each is refused, with nothing written.
#[test]
fn a_backup_restores_only_when_the_offices_verify_key_vouches_for_it() {
    let (ledger, work) = busy_ledger();
    let backup = work.path().join("ledger.tbk");
    ledger.ok(&["backup", "--out", backup.to_str().unwrap()]);
    let office = demo_verify_key();
    let identity = private_demo_identity();
    let refused = |name: &str, file: &std::path::Path, trust: &[&str], expected: &str| {
        let target = work.path().join(format!("r-{name}"));
        let out = restore_trusting(&target, file, &identity, trust);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {err}");
        assert!(err.contains(expected), "{name}: {err}");
        assert!(
            is_empty_or_missing(&target),
            "{name}: something was restored"
        );
    };

    // No key given: the reviewer is told which key and where it is found.
    refused("no-key", &backup, &[], "--verify-key");
    // Another office's key.
    let stranger = hex::encode(tipbox::crypto::SigningKey::generate().verify_key());
    refused(
        "stranger",
        &backup,
        &["--verify-key", &stranger],
        "signed by another key",
    );
    // --accept-unsigned does not lower the bar for a signed backup.
    refused(
        "stranger-accepting-unsigned",
        &backup,
        &["--verify-key", &stranger, "--accept-unsigned"],
        "signed by another key",
    );

    // A forger's own key: its name is in the header (same length), its signature at the end.
    let plain = open_backup(&backup);
    let forger = tipbox::crypto::SigningKey::generate();
    let mut forged = plain.clone();
    let named = forged
        .windows(64)
        .position(|w| w == office.as_bytes())
        .expect("the header names the signer");
    forged[named..named + 64].copy_from_slice(hex::encode(forger.verify_key()).as_bytes());
    let digest = fix_checksum(&mut forged);
    let sig_at = forged.len() - 64;
    forged[sig_at..].copy_from_slice(&forger.sign(&[&b"tipbox backup v2\n"[..], &digest].concat()));
    let forged_file = work.path().join("forged-signer.tbk");
    seal_to_demo_office(&forged, &forged_file);
    refused(
        "forger",
        &forged_file,
        &["--verify-key", &office],
        "signed by another key",
    );

    // The office's signature kept over changed content (a department renamed, same length).
    let mut altered = plain.clone();
    let dept = "县公安局".as_bytes();
    let at = altered
        .windows(dept.len())
        .position(|w| w == dept)
        .expect("the department is in the archive");
    altered[at..at + dept.len()].copy_from_slice("市公安局".as_bytes());
    fix_checksum(&mut altered);
    assert!(matches!(
        verify_archive(&altered[..], trusting(&demo_verify_key_bytes())),
        Err(BackupError::BadSignature)
    ));
    let altered_file = work.path().join("altered.tbk");
    seal_to_demo_office(&altered, &altered_file);
    refused(
        "altered",
        &altered_file,
        &["--verify-key", &office],
        "signature does not verify",
    );
    // `backup verify` checks the signer too, with the ledger's own verify key by default.
    let out = ledger.run(&["backup", "verify", altered_file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let out = ledger.ok(&["backup", "verify", backup.to_str().unwrap()]);
    assert!(
        out.contains(&format!("signed by the office key {office}")),
        "{out}"
    );

    // The genuine backup with the office's key restores, and the audit log says who signed.
    let target = work.path().join("r-genuine");
    let out = restore_trusting(&target, &backup, &identity, &["--verify-key", &office]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let audit = std::fs::read_to_string(target.join("audit.log")).unwrap();
    assert!(audit.contains(&format!("signed by the office key {office}")));
}

/// Backups made before they were signed (format 1, `tests/vectors/backup-v1.tbk`, written
/// by tipbox at 13882b1 from a demo-key ledger with one letter tip) still restore, but only
/// when the reviewer vouches for the file with --accept-unsigned.
#[test]
fn an_unsigned_format_1_backup_restores_only_with_accept_unsigned() {
    let work = tempfile::tempdir().unwrap();
    let vector = repo_path("tests/vectors/backup-v1.tbk");
    let identity = private_demo_identity();
    let office = demo_verify_key();

    let target = work.path().join("refused");
    let out = restore_trusting(&target, &vector, &identity, &["--verify-key", &office]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("before backups were signed") && err.contains("--accept-unsigned"),
        "{err}"
    );
    assert!(is_empty_or_missing(&target));

    let target = work.path().join("restored");
    let out = restore_trusting(&target, &vector, &identity, &["--accept-unsigned"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("UNSIGNED"));
    assert!(review_in(&target, &["audit", "verify"]).status.success());
    let list = String::from_utf8(review_in(&target, &["list", "--json"]).stdout).unwrap();
    assert!(list.contains("县纪委监委"), "{list}");
    let shown = String::from_utf8(review_in(&target, &["show", "1"]).stdout).unwrap();
    assert!(shown.contains("格式1备份的测试样本"), "{shown}");
    let audit = std::fs::read_to_string(target.join("audit.log")).unwrap();
    assert!(audit.contains("UNSIGNED (format 1)"));

    // `backup verify` in the restored ledger: a failed check (exit 1) unless vouched for.
    let out = review_in(&target, &["backup", "verify", vector.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let out = review_in(
        &target,
        &[
            "backup",
            "verify",
            vector.to_str().unwrap(),
            "--accept-unsigned",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
