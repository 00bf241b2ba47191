//! The reviewer CLI, driven as a process against real ledgers, bundles and keys.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::*;

/// Every file below `dir` (for before/after comparisons).
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<_> = all_files(dir)
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn portal_to_ledger_round_trip_with_canaries() {
    let portal = Portal::start();
    let receipt = submit_ok(
        &portal,
        &Tip {
            description: "ROUNDTRIP-CANARY 村霸李某非法采砂",
            reward: true,
            files: vec![("账本.pdf".into(), b"PDF-CANARY-BYTES".to_vec())],
            ..Tip::default()
        },
    );
    let form = reqwest::blocking::multipart::Form::new()
        .text("receipt", receipt)
        .text("message", "FOLLOWUP-CANARY 补充");
    assert_eq!(
        client()
            .post(portal.url("/status/followup"))
            .multipart(form)
            .send()
            .unwrap()
            .status()
            .as_u16(),
        200
    );
    submit_ok(
        &portal,
        &Tip {
            category: "loan-shark",
            ..Tip::default()
        },
    );

    // Export while the portal runs (through its admin socket).
    let work = tempfile::tempdir().unwrap();
    let bundle = work.path().join("inbox.tbx");
    let out = export(&portal.data, &bundle);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("exported 3 sealed item(s)"));
    assert!(
        files_containing(work.path(), b"ROUNDTRIP-CANARY").is_empty(),
        "the bundle is ciphertext"
    );

    let ledger = TestLedger::new();
    let out = ledger.ok(&["import", bundle.to_str().unwrap()]);
    assert!(out.contains("2 new tip(s), 1 new follow-up(s)"), "{out}");
    let list = ledger.list_json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    for t in list {
        for key in ["id", "status", "category", "department", "received", "due"] {
            assert!(t.get(key).is_some(), "list --json lacks {key}");
        }
        assert_eq!(t["status"], "new");
        assert_eq!(t["received"], store_today());
    }
    let umbrella = list.iter().find(|t| t["category"] == "umbrella").unwrap();
    assert_eq!(umbrella["items"], 2, "the follow-up joined its tip");
    assert_eq!(umbrella["reward_wanted"], true);
    let id = umbrella["id"].to_string();

    let shown = ledger.ok(&["show", &id]);
    assert!(shown.contains("ROUNDTRIP-CANARY 村霸李某非法采砂"));
    assert!(shown.contains("FOLLOWUP-CANARY 补充"));
    let files = work.path().join("att");
    let shown: serde_json::Value = serde_json::from_str(&ledger.ok(&[
        "show",
        &id,
        "--json",
        "--attachments-to",
        files.to_str().unwrap(),
    ]))
    .unwrap();
    assert_eq!(
        shown["items"][0]["fields"]["description"],
        "ROUNDTRIP-CANARY 村霸李某非法采砂"
    );
    let written = shown["items"][0]["attachments"][0]["written_as"]
        .as_str()
        .unwrap();
    assert_eq!(written, format!("tip{id}-1-1.pdf"));
    assert_eq!(
        std::fs::read(files.join(written)).unwrap(),
        b"PDF-CANARY-BYTES"
    );
    // Decrypted evidence is the reviewer's only, whatever the umask.
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&files.join(written)), 0o600, "attachment file mode");
    assert_eq!(mode(&files), 0o700, "folder made by show");

    // Tips stay encrypted at rest in the ledger.
    for canary in [
        b"ROUNDTRIP-CANARY".as_slice(),
        b"FOLLOWUP-CANARY",
        b"PDF-CANARY-BYTES",
    ] {
        assert!(files_containing(&ledger.path(), canary).is_empty());
    }

    // Export again with the portal stopped (killed: its socket file is stale), so the store
    // is opened directly: the same items, which the ledger already has.
    let data = portal.data.clone();
    let mut portal = portal;
    portal.kill9();
    let again = work.path().join("again.tbx");
    let out = export(&data, &again);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = ledger.ok(&["import", again.to_str().unwrap()]);
    assert!(out.contains("3 already imported"), "{out}");
    drop(portal);
}

fn store_today() -> String {
    tipbox::store::today()
}

#[test]
fn importing_twice_changes_nothing() {
    let (ledger, _work, bundle) = ledger_with(&[Tip::default()]);
    // Logical state: entries, sealed items and the audit log. (sled's own files are not
    // compared: it writes a snapshot when a database is merely opened.)
    let state = |l: &TestLedger| {
        let mut files: Vec<_> = snapshot(&l.path())
            .into_iter()
            .filter(|(p, _)| !p.starts_with(l.path().join("db")))
            .collect();
        files.sort();
        (l.list_json(), files)
    };
    let before = state(&ledger);
    let out = ledger.ok(&["import", bundle.to_str().unwrap()]);
    assert!(
        out.contains("0 new tip(s), 0 new follow-up(s), 1 already imported"),
        "{out}"
    );
    assert_eq!(before, state(&ledger), "a second import changed the ledger");
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 1);
}

#[test]
fn damaged_or_truncated_bundles_are_refused_whole() {
    let mut inbox = Inbox::new();
    for _ in 0..3 {
        inbox.tip(&Tip::default());
    }
    let work = tempfile::tempdir().unwrap();
    let bundle = work.path().join("b.tbx");
    inbox.write(&bundle);
    let bytes = std::fs::read(&bundle).unwrap();
    let ledger = TestLedger::new();
    let bad = work.path().join("bad.tbx");
    let mut cases: Vec<(String, Vec<u8>)> = vec![
        ("truncated".into(), bytes[..bytes.len() * 2 / 3].to_vec()),
        ("truncated end".into(), bytes[..bytes.len() - 1].to_vec()),
        ("empty".into(), vec![]),
        ("not a bundle".into(), b"hello".to_vec()),
    ];
    for pos in [20, bytes.len() / 3, bytes.len() / 2, bytes.len() - 5] {
        let mut b = bytes.clone();
        b[pos] ^= 1;
        cases.push((format!("flip at {pos}"), b));
    }
    for (name, b) in cases {
        std::fs::write(&bad, &b).unwrap();
        let out = ledger.run(&["import", bad.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("tipbox-review: "), "{name}: {err}");
        assert!(
            err.contains("truncated")
                || err.contains("damaged")
                || err.contains("not a tipbox")
                || err.contains("malformed"),
            "{name}: {err}"
        );
        // The entries import writes while it decrypts are removed by the import itself
        // (looked at directly: opening the ledger would remove them too).
        let db = sled::open(ledger.path().join("db")).unwrap();
        assert_eq!(
            db.open_tree("tips").unwrap().len(),
            0,
            "{name}: entries left behind"
        );
        drop(db);
        assert_eq!(
            ledger.list_json().as_array().unwrap().len(),
            0,
            "{name}: something was imported"
        );
        // Not even ciphertext: the pack being written is removed with the refusal.
        assert_eq!(
            std::fs::read_dir(ledger.path().join("blobs"))
                .unwrap()
                .count(),
            0,
            "{name}: ciphertext left behind"
        );
    }
    ledger.ok(&["import", bundle.to_str().unwrap()]);
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 3);
}

/// Seal a hand-made (hostile) tip container to the demo office and wrap it in a bundle.
fn hostile_bundle(dir: &Path, names: &[&str]) -> PathBuf {
    use tipbox::tip::*;
    let blob_id = "ab".repeat(16);
    let mut w = ContainerWriter::new(Vec::new()).unwrap();
    w.field("category", "\x1b[31mumbrella").unwrap();
    w.field(
        "description",
        "desc with \x1b]0;pwned\x07 escape and \u{202e}bidi",
    )
    .unwrap();
    for (i, name) in names.iter().enumerate() {
        w.file_start(&FileStart {
            index: i as u32,
            name: name.to_string(),
            content_type: "x/y".into(),
        })
        .unwrap();
        w.file_data(format!("payload {i}").as_bytes()).unwrap();
        w.file_end(&FileEnd {
            index: i as u32,
            size: 9,
            metadata_removed: false,
        })
        .unwrap();
    }
    let plain = w
        .finish(&Manifest {
            format: 1,
            kind: Kind::Tip,
            portal_id: "0f".repeat(16),
            tip_id: "7e".repeat(16),
            blob_id: blob_id.clone(),
            day: "2026-11-01".into(),
            lang: "en".into(),
            reply_public_key: None,
            claim_verifier: None,
            followup_verify_key: None,
            signature: None,
            fields: 2,
            attachments: names.len() as u32,
        })
        .unwrap();
    let sealed = dir.join("sealed");
    seal_to_demo_office(&plain, &sealed);
    let bundle = dir.join("hostile.tbx");
    let src = [tipbox::bundle::inbox::Source {
        blob_id: &blob_id,
        sealed_to: "0123456789abcdef",
        path: &sealed,
    }];
    tipbox::bundle::inbox::write(
        std::fs::File::create(&bundle).unwrap(),
        &"0f".repeat(16),
        "2026-11-01",
        &src,
    )
    .unwrap();
    bundle
}

/// Regression: a bundle that lists the same item twice gave its entry two copies of it.
/// An import writes its entries (each whole, in batches), then its record of what it added,
/// then the next id. A crash in between leaves some entries that no record names; importing
/// the bundle again must adopt them, neither duplicating them nor handing their ids to new
/// tips, and import the rest.
#[test]
fn an_import_that_crashed_after_writing_its_entries_is_completed_on_the_next_import() {
    let (ledger, _work, bundle) = ledger_with(&[
        Tip::default(),
        Tip {
            description: "a second tip about the same harbour warehouse",
            ..Tip::default()
        },
    ]);
    let before = ledger.list_json();
    assert_eq!(before.as_array().unwrap().len(), 2);
    // The state such a crash leaves, made in the real database: no import record and the
    // old next id; `also` adds what else the crash left.
    let crash_before_the_record = |also: &dyn Fn(&sled::Db)| {
        let db = sled::open(ledger.path().join("db")).unwrap();
        db.open_tree("imports").unwrap().clear().unwrap();
        db.open_tree("meta")
            .unwrap()
            .insert("next-tip-id", &1u64.to_be_bytes())
            .unwrap();
        also(&db);
        db.flush().unwrap();
    };
    let db = sled::open(ledger.path().join("db")).unwrap();
    assert_eq!(
        db.open_tree("imports").unwrap().len(),
        1,
        "one record per import"
    );
    drop(db);
    // The first batch of entries written (tip 1) and not the next (tip 2), and a summary
    // index to rebuild (a crash leaves it marked dirty).
    crash_before_the_record(&|db| {
        let tips = db.open_tree("tips").unwrap();
        assert!(tips.remove(2u64.to_be_bytes()).unwrap().is_some());
        std::fs::remove_dir_all(ledger.path().join("index")).unwrap();
    });
    let out = ledger.ok(&["import", bundle.to_str().unwrap()]);
    assert!(
        out.contains("1 new tip(s), 0 new follow-up(s), 1 already imported"),
        "{out}"
    );
    assert_eq!(
        ledger.list_json(),
        before,
        "the entries were changed or duplicated"
    );
    // The adopted entries' ids are taken: a new tip gets the next one.
    let out = ledger.ok(&[
        "add",
        "--channel",
        "phone",
        "--text",
        "a phoned-in tip about the same warehouse",
    ]);
    assert!(out.contains('3'), "{out}");
    let list = ledger.list_json();
    let phoned: Vec<_> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["channel"] == "phone")
        .collect();
    assert_eq!(phoned.len(), 1);
    assert_eq!(phoned[0]["id"], 3);
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 3);
    // And a third import finds everything in the record the second one wrote.
    let out = ledger.ok(&["import", bundle.to_str().unwrap()]);
    assert!(out.contains("2 already imported"), "{out}");
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 3);
    let packs = || {
        let mut names: Vec<String> = std::fs::read_dir(ledger.path().join("blobs"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = packs();
    assert_eq!(
        before.len(),
        2,
        "one pack per import that added items: {before:?}"
    );
    // A crash after every entry was written: the next import only adopts, and leaves no
    // empty or partial pack behind.
    crash_before_the_record(&|_| {});
    let out = ledger.ok(&["import", bundle.to_str().unwrap()]);
    assert!(
        out.contains("0 new tip(s), 0 new follow-up(s), 2 already imported"),
        "{out}"
    );
    assert_eq!(packs(), before);
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 3);
}

/// Bundles already on the office's USB sticks were written as version 1 (BLAKE2b checksums);
/// after the switch to version 2 (BLAKE3) they still import.
#[test]
fn a_version_1_bundle_from_an_older_portal_still_imports() {
    let ledger = TestLedger::new();
    let vector = repo_path("tests/vectors/inbox-v1.tbx");
    let out = ledger.ok(&["import", vector.to_str().unwrap()]);
    assert!(out.contains("3 new tip(s)"), "{out}");
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 3);
    let shown = ledger.ok(&["show", "1"]);
    assert!(shown.contains("第0号线索"), "{shown}");
    let out = ledger.ok(&["import", vector.to_str().unwrap()]);
    assert!(out.contains("3 already imported"), "{out}");
}

/// `show` and `search` used to report any item they could not open as "in the bundle ...
/// sealed to another office? Nothing was imported", even for a truncated or damaged file
/// in the ledger. Now a read failure names the file, and an item that does not decrypt says
/// to restore the backup.
#[test]
fn regression_a_damaged_pack_is_reported_as_damaged_not_as_another_offices_bundle() {
    let ledger = TestLedger::new();
    let vector = repo_path("tests/vectors/inbox-v1.tbx");
    ledger.ok(&["import", vector.to_str().unwrap()]);
    let pack = std::fs::read_dir(ledger.path().join("blobs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "age-pack"))
        .unwrap();
    let len = std::fs::metadata(&pack).unwrap().len();
    let fails = |args: &[&str]| {
        let out = ledger.run(args);
        assert!(
            !out.status.success(),
            "{args:?} succeeded on a damaged pack"
        );
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!err.contains("Nothing was imported"), "{err}");
        assert!(!err.contains("another office"), "{err}");
        err
    };
    // Truncated: a read error, naming the file.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&pack)
        .unwrap()
        .set_len(0)
        .unwrap();
    for args in [&["show", "1"][..], &["search", "线索"][..]] {
        let err = fails(args);
        assert!(err.contains(&*pack.to_string_lossy()), "{err}");
    }
    // Overwritten: the item does not decrypt.
    std::fs::write(&pack, vec![0u8; len as usize]).unwrap();
    for args in [&["show", "1"][..], &["search", "线索"][..]] {
        let err = fails(args);
        assert!(err.contains("restore the latest backup"), "{err}");
    }
}

/// `show --attachments-to` writes attachments as they are decrypted; when an item turns
/// out to be damaged part-way, the attachment begun so far must not stay behind as if it
/// were the evidence. The error is about the ledger's copy: `show` and `search` used to
/// report damage found part-way with the import's message about a bundle.
#[test]
fn regression_a_damaged_attachment_leaves_no_truncated_file_behind() {
    let evidence: Vec<u8> = (0..1_000_000u32).map(|i| (i * 7 + i / 251) as u8).collect();
    let (ledger, work, _inbox) = ledger_with(&[Tip {
        files: vec![("recording.bin".into(), evidence.clone())],
        ..Tip::default()
    }]);
    let intact = work.path().join("intact");
    ledger.ok(&["show", "1", "--attachments-to", intact.to_str().unwrap()]);
    assert_eq!(
        std::fs::read(intact.join("tip1-1-1.bin")).unwrap(),
        evidence
    );

    let pack = std::fs::read_dir(ledger.path().join("blobs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "age-pack"))
        .unwrap();
    let mut bytes = std::fs::read(&pack).unwrap();
    // Three quarters in: well inside the attachment, after some of it was written.
    let at = bytes.len() * 3 / 4;
    bytes[at] ^= 0x40;
    std::fs::write(&pack, &bytes).unwrap();
    let damaged = work.path().join("damaged");
    let out = ledger.run(&["show", "1", "--attachments-to", damaged.to_str().unwrap()]);
    assert!(!out.status.success(), "a damaged item was shown");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("restore the latest backup"), "{err}");
    // It was an import message ("in the bundle ... Nothing was imported") until this test.
    assert!(!err.contains("Nothing was imported"), "{err}");
    let searched = ledger.run(&["search", "村霸"]);
    let search_err = String::from_utf8_lossy(&searched.stderr);
    assert!(!searched.status.success());
    assert!(
        search_err.contains("restore the latest backup") && !search_err.contains("bundle"),
        "{search_err}"
    );
    assert_eq!(
        all_files(&damaged),
        Vec::<PathBuf>::new(),
        "a truncated attachment was left behind"
    );
}

#[test]
fn an_item_listed_twice_in_one_bundle_is_imported_once() {
    let work = tempfile::tempdir().unwrap();
    hostile_bundle(work.path(), &["a.txt"]);
    let blob_id = "ab".repeat(16);
    let sealed = work.path().join("sealed");
    let twice = work.path().join("twice.tbx");
    let src = [0, 1].map(|_| tipbox::bundle::inbox::Source {
        blob_id: &blob_id,
        sealed_to: "0123456789abcdef",
        path: &sealed,
    });
    tipbox::bundle::inbox::write(
        std::fs::File::create(&twice).unwrap(),
        &"0f".repeat(16),
        "2026-11-01",
        &src,
    )
    .unwrap();
    let ledger = TestLedger::new();
    let out = ledger.ok(&["import", twice.to_str().unwrap()]);
    assert!(
        out.contains("1 new tip(s)") && out.contains("1 already imported"),
        "{out}"
    );
    let list = ledger.list_json();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["items"], 1, "one item, not two copies of it");
}

#[test]
fn hostile_attachment_names_stay_inside_the_target_folder() {
    let work = tempfile::tempdir().unwrap();
    let names = [
        "../../escape.txt",
        "/etc/passwd",
        "..\\..\\windows.ini",
        "nul\0byte.sh",
        "evil\u{202e}gpj.exe",
        "\x1b[2Jclear.jpg",
        "",
        &"long".repeat(300),
        "photo.JPG",
    ];
    let bundle = hostile_bundle(work.path(), &names);
    let ledger = TestLedger::new();
    ledger.ok(&["import", bundle.to_str().unwrap()]);
    let target = work.path().join("deep/target");
    // A symlink planted where a name would go must not be followed.
    std::fs::create_dir_all(&target).unwrap();
    let shown = ledger.run(&["show", "1", "--attachments-to", target.to_str().unwrap()]);
    assert!(
        shown.status.success(),
        "{}",
        String::from_utf8_lossy(&shown.stderr)
    );
    let stdout = String::from_utf8_lossy(&shown.stdout);
    assert!(
        !stdout.contains('\x1b'),
        "escape sequences reach the terminal"
    );
    assert!(
        !stdout.contains('\u{202e}'),
        "bidi overrides reach the terminal"
    );
    let written: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(written.len(), names.len());
    for n in &written {
        assert!(n.starts_with("tip1-1-"), "{n}");
        assert!(
            n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'),
            "{n}"
        );
    }
    assert!(written.contains(&"tip1-1-9.jpg".to_string()));
    // Nothing anywhere else in the work folder besides what we made.
    let mut outside: Vec<_> = all_files(work.path())
        .into_iter()
        .filter(|p| !p.starts_with(&target))
        .collect();
    outside.sort();
    assert_eq!(
        outside,
        vec![work.path().join("hostile.tbx"), work.path().join("sealed")]
    );

    // Writing again into the same folder refuses to overwrite (create_new), and a planted
    // symlink is not followed.
    let again = work.path().join("again");
    std::fs::create_dir_all(&again).unwrap();
    std::os::unix::fs::symlink(work.path().join("victim"), again.join("tip1-1-1.txt")).unwrap();
    let out = ledger.run(&["show", "1", "--attachments-to", again.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        !work.path().join("victim").exists(),
        "the symlink was followed"
    );
}

#[test]
fn wrong_passphrase_is_a_clear_error_with_exit_2() {
    let mut inbox = Inbox::new();
    inbox.tip(&Tip::default());
    let work = tempfile::tempdir().unwrap();
    let bundle = work.path().join("b.tbx");
    inbox.write(&bundle);
    let ledger = TestLedger::new();
    let wrong = work.path().join("wrong");
    std::fs::write(&wrong, "definitely not it\n").unwrap();
    let out = Command::new(REVIEW_BIN)
        .arg("--ledger")
        .arg(ledger.path())
        .arg("--passphrase-file")
        .arg(&wrong)
        .args(["import", bundle.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("wrong passphrase"), "{err}");
    assert!(
        !err.contains("definitely not it"),
        "the passphrase is never echoed"
    );
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 0);
}

/// A ledger folder whose keys/ lacked recipient.txt (the demo keys copied as `*.age` only)
/// was called a folder with "no keys/ folder", which the user could see was there.
#[test]
fn regression_keys_without_recipient_txt_were_reported_as_no_keys_folder() {
    let ledger = TestLedger::new();
    let keys = ledger.path().join("keys");
    std::fs::remove_file(keys.join("recipient.txt")).unwrap();
    let out = ledger.run_unchecked(&["list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("tipbox-review: ")
            && err.contains("has no recipient.txt")
            && err.contains("cp keys-example/*.txt"),
        "{err}"
    );
    assert!(!err.contains("no keys/ folder"), "{err}");

    std::fs::remove_dir_all(&keys).unwrap();
    let out = ledger.run_unchecked(&["list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("is not a tipbox ledger (no keys/ folder)"),
        "{err}"
    );
}

/// Anyone can seal to the office's public key, and a portal knows every tip's portal id, so
/// whoever controls the portal could add a follow-up to any tip ("I made it all up") that
/// the ledger showed like the reporter's own. Follow-ups are now signed with a key derived
/// from the receipt (its public half is in the tip), and `show` marks those that are not.
#[test]
fn a_followup_the_portal_made_up_is_marked_as_not_from_the_reporter() {
    use tipbox::tip::*;
    let portal = Portal::start();
    let receipt = submit_ok(&portal, &Tip::default());
    assert_eq!(
        post_followup(&portal, &receipt, "补充：二号证人是村会计").0,
        200
    );
    let tip = blob_paths(&portal.data)
        .iter()
        .map(|p| open_blob(p).0)
        .find(|t| t.manifest.kind == Kind::Tip)
        .unwrap()
        .manifest;
    assert!(
        tip.followup_verify_key.is_some(),
        "the tip names its follow-up key"
    );
    let work = tempfile::tempdir().unwrap();
    let inbox = work.path().join("inbox.tbx");
    assert!(export(&portal.data, &inbox).status.success());
    let ledger = TestLedger::new();
    let out = ledger.run(&["import", inbox.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(
        !String::from_utf8_lossy(&out.stderr).contains("NOT PROVEN"),
        "the reporter's own follow-up raises no warning"
    );

    // Two made-up follow-ups for that tip: one unsigned, one signed with another key.
    let forge = |n: usize, signer: Option<&tipbox::crypto::SigningKey>| {
        let blob_id = tipbox::store::Store::new_id();
        let mut w = ContainerWriter::new(Vec::new()).unwrap().hashing();
        w.field("message", "FORGED-CANARY 我撤回举报，都是编的")
            .unwrap();
        let mut manifest = Manifest {
            format: 1,
            kind: Kind::Followup,
            portal_id: tip.portal_id.clone(),
            tip_id: tip.tip_id.clone(),
            blob_id: blob_id.clone(),
            day: tip.day.clone(),
            lang: "zh-Hans".into(),
            reply_public_key: None,
            claim_verifier: None,
            followup_verify_key: None,
            signature: None,
            fields: 1,
            attachments: 0,
        };
        if let Some(key) = signer {
            let message = followup_signed_message(&manifest, &w.content_hash().unwrap());
            manifest.signature = Some(hex::encode(key.sign(&message)));
        }
        let plain = w.finish(&manifest).unwrap();
        let sealed = work.path().join(format!("forged-{n}"));
        seal_to_demo_office(&plain, &sealed);
        (blob_id, sealed)
    };
    let other_key = tipbox::crypto::SigningKey::generate();
    let forged = [forge(1, None), forge(2, Some(&other_key))];
    let sources: Vec<_> = forged
        .iter()
        .map(|(id, path)| tipbox::bundle::inbox::Source {
            blob_id: id,
            sealed_to: "0123456789abcdef",
            path,
        })
        .collect();
    let bundle = work.path().join("forged.tbx");
    tipbox::bundle::inbox::write(
        std::fs::File::create(&bundle).unwrap(),
        &tip.portal_id,
        &tip.day,
        &sources,
    )
    .unwrap();
    // The import itself names the tip (the reviewer is warned before reading it).
    let out = ledger.run(&["import", bundle.to_str().unwrap()]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("tip(s) 1 hold a follow-up NOT PROVEN to come from the reporter"),
        "{err}"
    );

    let shown = ledger.ok(&["show", "1"]);
    assert_eq!(
        shown.matches("from the receipt holder: yes").count(),
        1,
        "{shown}"
    );
    assert_eq!(
        shown.matches("from the receipt holder: NOT PROVEN").count(),
        2,
        "{shown}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["show", "1", "--json"])).unwrap();
    let proofs: Vec<_> = json["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["followup_proof"].clone())
        .collect();
    assert_eq!(
        proofs,
        [
            serde_json::Value::Null,
            "receipt-holder".into(),
            "not-proven".into(),
            "not-proven".into()
        ]
    );
}

/// A fixture inbox puts in each tip what its receipt derives, as the portal does, so the
/// ledger's answers fit the receipt: the reporter's follow-up is proven, the claim token
/// verifies, and the update bundle `export` writes names the tip, carries the reply sealed
/// to the receipt's reply key, and acknowledges both items.
#[test]
fn a_fixture_tip_carries_what_its_receipt_derives() {
    let (ledger, work, tip, followup) = ledger_with_a_followed_up_tip("补充：车牌某A12345");
    let portal_id = &tip.manifest.portal_id;
    let shown = ledger.ok(&["show", "1"]);
    assert!(shown.contains("from the receipt holder: yes"), "{shown}");
    ledger.ok(&["reward", "1", "approve", "--amount", "800"]);
    let verified = ledger.run(&["reward", "verify", tip.keys.claim_token.digits()]);
    assert_eq!(verified.status.code(), Some(0));
    ledger.ok(&["reply", "1", "--message", "已转公安机关核查"]);

    let update = work.path().join("u.tbu");
    ledger.ok(&["export", "--out", update.to_str().unwrap()]);
    let key = std::fs::read_to_string(repo_path("keys-example/verify-key.txt")).unwrap();
    let key = tipbox::keys::parse_verify_key(&key).unwrap();
    let bytes = std::fs::read(&update).unwrap();
    let body = tipbox::bundle::update::verify(&bytes, &key, portal_id).unwrap();
    let mut acknowledged = body.acknowledged.clone();
    acknowledged.sort();
    let mut items = [tip.manifest.blob_id.clone(), followup.blob_id];
    items.sort();
    assert_eq!(acknowledged, items);
    let [signed] = &body.tips[..] else {
        panic!("one tip update: {:?}", body.tips);
    };
    let update = signed.verify(&key, portal_id).unwrap();
    assert_eq!(update.tip_id, tip.manifest.tip_id);
    let reply = update.messages.iter().find(|m| m.kind == "reply").unwrap();
    let sealed = hex::decode(&reply.sealed).unwrap();
    let opened = tipbox::crypto::open_sealed(&tip.keys.reply_secret, &sealed).unwrap();
    assert_eq!(&opened[..], "已转公安机关核查".as_bytes());
}

/// A letter often comes with a scan or photos, a visitor with files: `add --attachment`
/// seals them into the ledger like a web tip's attachments (never opened, never in the
/// clear on disk), and `show --attachments-to` and `search` treat them alike.
#[test]
fn typed_in_tips_carry_their_files_sealed_like_web_attachments() {
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let scan = work.path().join("来信扫描.jpg");
    let mut bytes = b"SCAN-CANARY".to_vec();
    bytes.extend((0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    std::fs::write(&scan, &bytes).unwrap();
    let pdf = work.path().join("evidence.pdf");
    std::fs::write(&pdf, b"%PDF-1.4 PDF-CANARY").unwrap();

    // A missing file is refused before anything is recorded.
    let out = ledger.run(&[
        "add",
        "--channel",
        "letter",
        "--text",
        "来信反映",
        "--attachment",
        work.path().join("missing.jpg").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.jpg"));
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 0);

    let added = ledger.ok(&[
        "add",
        "--channel",
        "letter",
        "--text",
        "来信反映村霸强占土地",
        "--attachment",
        scan.to_str().unwrap(),
        "--attachment",
        pdf.to_str().unwrap(),
    ]);
    assert!(
        added.contains("added tip 1 (letter) with 2 attachment(s)"),
        "{added}"
    );
    for canary in [b"SCAN-CANARY".as_slice(), b"PDF-CANARY"] {
        assert!(files_containing(&ledger.path(), canary).is_empty());
    }

    let target = work.path().join("out");
    let shown = ledger.ok(&["show", "1", "--attachments-to", target.to_str().unwrap()]);
    assert!(shown.contains("\"来信扫描.jpg\" (300011 bytes"), "{shown}");
    assert!(shown.contains("来信反映村霸强占土地"));
    assert_eq!(std::fs::read(target.join("tip1-1-1.jpg")).unwrap(), bytes);
    assert_eq!(
        std::fs::read(target.join("tip1-1-2.pdf")).unwrap(),
        b"%PDF-1.4 PDF-CANARY"
    );
    let found = ledger.ok(&["search", "evidence.pdf"]);
    assert!(
        found.contains("attachment name") && found.contains("1 tip(s) found"),
        "{found}"
    );

    // What a killed `add` leaves half-written is removed by the next command.
    let partial = ledger
        .path()
        .join("blobs/0123456789abcdef0123456789abcdef.age.partial");
    std::fs::write(&partial, b"half").unwrap();
    ledger.ok(&["note", "1", "已登记"]);
    assert!(!partial.exists());
}

/// Notes, replies, public notes, summaries and search terms given as `-` are read from
/// standard input, so they never sit in the shell's history file or the process list.
#[test]
fn texts_given_as_a_dash_are_read_from_standard_input() {
    let (ledger, work, _bundle) = ledger_with(&[Tip::default()]);
    ledger.ok_with_stdin(&["note", "1", "-"], "STDIN-NOTE 内部研判\n");
    // An empty note (an empty pipe, a stray "") is refused, not recorded.
    let empty = ledger.run_with_stdin(&["note", "1", "-"], b"  \n");
    assert_eq!(empty.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&empty.stderr).contains("the note is empty"));
    ledger.ok_with_stdin(
        &["reply", "1", "--message", "-"],
        "STDIN-REPLY 感谢举报\r\n",
    );
    ledger.ok_with_stdin(
        &["status", "1", "verifying", "--public-note", "-"],
        "STDIN-PUBLIC 核查中\n",
    );
    let notice = work.path().join("notice.html");
    let out = notice.to_str().unwrap();
    ledger.ok_with_stdin(
        &[
            "notice",
            "1",
            "--to",
            "县公安局",
            "--summary",
            "-",
            "--out",
            out,
        ],
        "STDIN-SUMMARY 反映强占土地\n",
    );
    assert!(std::fs::read_to_string(&notice)
        .unwrap()
        .contains("STDIN-SUMMARY 反映强占土地</div>"));
    let shown: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["show", "1", "--json"])).unwrap();
    let texts: Vec<&str> = shown["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["text"].as_str().unwrap())
        .collect();
    // Exactly as typed, less the line break that ended the input.
    for want in [
        "STDIN-NOTE 内部研判",
        "STDIN-REPLY 感谢举报",
        "STDIN-PUBLIC 核查中",
        "STDIN-SUMMARY 反映强占土地",
    ] {
        assert!(texts.contains(&want), "{want} not in {texts:?}");
    }
    let found: serde_json::Value =
        serde_json::from_str(&ledger.ok_with_stdin(&["search", "-", "--json"], "stdin-note\n"))
            .unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    // A typed-in tip from standard input, and one from a file.
    let added = ledger.ok_with_stdin(
        &["add", "--channel", "phone", "--text-file", "-"],
        "STDIN-PHONE 电话反映\n第二行\n",
    );
    assert!(added.contains("added tip 2"), "{added}");
    let letter = work.path().join("letter.txt");
    std::fs::write(&letter, "FILE-LETTER 来信内容").unwrap();
    ledger.ok(&[
        "add",
        "--channel",
        "letter",
        "--text-file",
        letter.to_str().unwrap(),
    ]);
    assert!(ledger
        .ok(&["show", "2"])
        .contains("STDIN-PHONE 电话反映\n第二行"));
    assert!(ledger.ok(&["show", "3"]).contains("FILE-LETTER 来信内容"));
    let audit = std::fs::read_to_string(ledger.path().join("audit.log")).unwrap();
    assert!(!audit.contains("STDIN-"), "content in the audit log");
}

/// `triage --category " Loan-Shark "` wrote "category loan-shark" in the audit log but
/// stored the text as typed, so `list --category loan-shark` and the reports counted the
/// tip apart. Categories are now stored as keys; a default category's full name (as the
/// portal shows it, in any language) is taken for its key; a key that no tip has and that
/// is not a default one gets a warning (a typo would split the reports).
#[test]
fn regression_triage_stored_the_category_as_typed_instead_of_its_key() {
    let ledger = TestLedger::new();
    ledger.ok(&["add", "--channel", "letter", "--text", "信件举报"]);
    ledger.ok(&[
        "add",
        "--channel",
        "phone",
        "--category",
        "村霸、宗族恶势力",
        "--text",
        "电话举报",
    ]);
    let category = |id: u64| {
        ledger
            .list_json()
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .unwrap()["category"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(category(2), "village-tyrant");

    let out = ledger.run(&["triage", "1", "--category", " Loan-Shark "]);
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(category(1), "loan-shark");
    let listed = ledger.ok(&["list", "--category", "loan-shark", "--json"]);
    assert!(
        listed.contains("\"id\": 1") || listed.contains("\"id\":1"),
        "{listed}"
    );
    // The full name lists the same tips.
    assert_eq!(
        listed,
        ledger.ok(&[
            "list",
            "--category",
            "套路贷、非法高利放贷、暴力催收",
            "--json"
        ])
    );
    ledger.ok(&["triage", "1", "--category", "公職人員充當「保護傘」"]);
    assert_eq!(category(1), "umbrella");

    // A key nobody uses: taken, with a warning naming the known ones; nothing for a
    // default key or one already in use.
    let typo = ledger.run(&["triage", "1", "--category", "loan-sharks"]);
    assert!(typo.status.success());
    let err = String::from_utf8_lossy(&typo.stderr);
    assert!(
        err.contains("warning") && err.contains("loan-shark,"),
        "{err}"
    );
    assert_eq!(category(1), "loan-sharks");
    let again = ledger.run(&["triage", "2", "--category", "loan-sharks"]);
    assert!(
        again.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    // Not a key and not a name: refused, saying what would be taken.
    let bad = ledger.run(&["triage", "1", "--category", "涉黑涉恶"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("is not a category") && err.contains("umbrella"),
        "{err}"
    );
    assert_eq!(category(1), "loan-sharks");
    let audit = std::fs::read_to_string(ledger.path().join("audit.log")).unwrap();
    assert!(audit.contains("category loan-shark\""), "{audit}");
}

#[test]
fn add_refuses_impossible_days_and_the_web_channel_and_assign_warns() {
    let ledger = TestLedger::new();
    // Web tips come only through `import`; a day after tomorrow (UTC) is a typo. Tomorrow
    // is still today east of UTC, where the offices are.
    let web = ledger.run(&["add", "--channel", "web", "--text", "x"]);
    assert_eq!(web.status.code(), Some(2));
    let err = String::from_utf8_lossy(&web.stderr);
    assert!(err.contains("phone, letter, visit, mailbox"), "{err}");
    let today = tipbox::store::today();
    let later = tipbox::ledger::add_days(&today, 2).unwrap();
    let future = ledger.run(&[
        "add",
        "--channel",
        "letter",
        "--received",
        &later,
        "--text",
        "x",
    ]);
    assert_eq!(future.status.code(), Some(2));
    let err = String::from_utf8_lossy(&future.stderr);
    assert!(
        err.starts_with("tipbox-review: ") && err.contains("is in the future"),
        "{err}"
    );
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 0);
    let tomorrow = tipbox::ledger::add_days(&today, 1).unwrap();
    ledger.ok(&[
        "add",
        "--channel",
        "visit",
        "--received",
        &tomorrow,
        "--text",
        "VISIT 来访",
    ]);
    let list = ledger.list_json();
    let visit = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == 1)
        .unwrap();
    assert_eq!(visit["received"], tomorrow.as_str());
    assert_eq!(visit["channel"], "visit");
    // A due day before it arrived is taken (the tip is overdue at once) with a warning.
    let early = ledger.run(&["assign", "1", "--to", "县公安局", "--due", &today]);
    assert_eq!(early.status.code(), Some(0));
    let err = String::from_utf8_lossy(&early.stderr);
    assert!(
        err.contains("warning: --due") && err.contains("is before tip 1 was received"),
        "{err}"
    );
    assert_eq!(ledger.list_json()[0]["due"], today.as_str());
    let fixed = ledger.run(&["assign", "1", "--to", "县公安局", "--due", &later]);
    assert!(fixed.status.success() && fixed.stderr.is_empty());
    assert_eq!(ledger.list_json()[0]["due"], later.as_str());
}

#[test]
fn daily_work_commands_and_audit_tampering() {
    let (ledger, _work, _bundle) = ledger_with(&[
        Tip::default(),
        Tip {
            category: "loan-shark",
            ..Tip::default()
        },
    ]);
    ledger.ok(&[
        "triage",
        "1",
        "--priority",
        "high",
        "--credibility",
        "medium",
    ]);
    ledger.ok(&["assign", "1", "--to", "县公安局", "--due", "2020-01-01"]);
    ledger.ok(&["note", "1", "NOTE-CANARY 内部研判意见"]);
    ledger.ok(&["link", "1", "2"]);
    // Linking again, either way round, changes nothing and is not audited twice.
    let again = ledger.ok(&["link", "2", "1"]);
    assert!(again.contains("already linked"), "{again}");
    ledger.ok(&[
        "status",
        "2",
        "verifying",
        "--public-note",
        "PUBLIC-CANARY 正在核查",
    ]);
    let added = ledger.ok(&[
        "add",
        "--channel",
        "letter",
        "--category",
        "village-tyrant",
        "--text",
        "LETTER-CANARY 来信反映",
    ]);
    assert!(added.contains("added tip 3"));
    ledger.ok(&["transfer", "3", "--to", "县纪委监委"]);

    let list = ledger.ok(&["list"]);
    assert!(
        list.starts_with("WARNING: 1 tip(s) past a deadline"),
        "{list}"
    );
    let overdue: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["list", "--overdue", "--json"])).unwrap();
    assert_eq!(overdue.as_array().unwrap().len(), 1);
    assert_eq!(overdue[0]["id"], 1);
    assert_eq!(overdue[0]["department"], "县公安局");
    assert_eq!(overdue[0]["priority"], "high");
    let by_status: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["list", "--status", "verifying", "--json"])).unwrap();
    assert_eq!(by_status[0]["id"], 2);
    assert_eq!(by_status[0]["public_status"], "verifying");
    assert_eq!(by_status[0]["links"], serde_json::json!([1]));
    let by_dept: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["list", "--department", "县公安局", "--json"])).unwrap();
    assert_eq!(by_dept.as_array().unwrap().len(), 1);
    let letter: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["show", "3", "--json"])).unwrap();
    assert_eq!(letter["channel"], "letter");
    assert_eq!(letter["status"], "transferred");
    assert_eq!(letter["texts"][0]["text"], "LETTER-CANARY 来信反映");
    let one = ledger.ok(&["show", "1"]);
    assert!(one.contains("NOTE-CANARY 内部研判意见"));

    // Notes and typed-in tips are sealed at rest; the audit log names actions only.
    for canary in [
        b"NOTE-CANARY".as_slice(),
        b"PUBLIC-CANARY",
        b"LETTER-CANARY",
    ] {
        assert!(files_containing(&ledger.path(), canary).is_empty());
    }
    let audit = std::fs::read_to_string(ledger.path().join("audit.log")).unwrap();
    assert!(audit.contains("\"actor\":\"test-reviewer\""));
    assert_eq!(audit.matches("\"action\":\"link\"").count(), 1);
    for action in [
        "import", "triage", "assign", "note", "link", "status", "add", "transfer",
    ] {
        assert!(
            audit.contains(&format!("\"action\":\"{action}\"")),
            "{action} not audited"
        );
    }
    assert!(
        audit.contains("\"action\":\"show\""),
        "reading a tip is audited"
    );
    assert!(ledger
        .ok(&["audit", "verify"])
        .contains("intact: 10 entries"));

    // Edit one entry: verify fails with exit 1 and names it.
    let tampered = audit.replacen("县公安局", "县财政局", 1);
    std::fs::write(ledger.path().join("audit.log"), tampered).unwrap();
    let out = ledger.run(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3 (entry 3)"), "{err}");
    // Remove an entry: also caught.
    let lines: Vec<&str> = audit.lines().collect();
    let without: String = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 4)
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    std::fs::write(ledger.path().join("audit.log"), without).unwrap();
    let out = ledger.run(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 5"));
}

#[test]
fn transfer_writes_a_handover_bundle_the_receiving_unit_can_import() {
    let mut inbox = Inbox::new();
    inbox.tip(&Tip {
        description: "HANDOVER-CANARY 某局长充当保护伞",
        ..Tip::default()
    });
    let work = tempfile::tempdir().unwrap();
    let bundle = work.path().join("b.tbx");
    inbox.write(&bundle);
    let office = TestLedger::new();
    office.ok(&["import", bundle.to_str().unwrap()]);

    // The discipline commission has its own keys.
    let commission = ReceivingUnit::new(work.path());
    let handover = work.path().join("handover.tbx");
    let hand_over = || commission.handed_tip_1_by(&office, &handover);
    hand_over();
    assert!(files_containing(work.path(), b"HANDOVER-CANARY").is_empty());
    assert!(
        !work.path().join("handover.tbx.partial").exists(),
        "the hand-over bundle is renamed into place"
    );
    let imported = commission.ok(&["import", handover.to_str().unwrap()]);
    assert!(
        imported.contains("hand-over bundle from another unit"),
        "{imported}"
    );
    let shown = commission.ok(&["show", "1"]);
    assert!(
        shown.contains("HANDOVER-CANARY 某局长充当保护伞"),
        "{shown}"
    );
    assert!(shown.contains("handed over by another unit"), "{shown}");
    // The office answers the reporter through its own portal: the commission cannot
    // publish to the reporter, and its ledger has nothing to send to that portal (its key
    // would be refused there anyway).
    for args in [
        &["reply", "1", "--message", "收到"][..],
        &["status", "1", "verifying", "--public-note", "正在核查"],
        &["reward", "1", "approve", "--amount", "500"],
    ] {
        let out = commission.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("was handed over by another unit"),
            "{args:?}: {err}"
        );
    }
    commission.ok(&["status", "1", "verifying"]);
    commission.has_nothing_to_export(work.path());
    // The office's key cannot open the commission's copy.
    let other = TestLedger::new();
    let out = other.run(&["import", handover.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot be opened with this office's keys")
    );
    assert_eq!(other.list_json().as_array().unwrap().len(), 0);

    // The bundle written again (the USB stick was lost): one transfer in the ledger still.
    std::fs::remove_file(&handover).unwrap();
    let again = hand_over();
    assert!(again.contains("hand-over bundle"), "{again}");
    assert!(handover.exists());
    let shown: serde_json::Value =
        serde_json::from_str(&office.ok(&["show", "1", "--json"])).unwrap();
    assert_eq!(shown["transfers"].as_array().unwrap().len(), 1, "{shown}");
    let audit = std::fs::read_to_string(office.path().join("audit.log")).unwrap();
    assert!(audit.contains("hand-over package written again"), "{audit}");
}

/// Another unit's ledger, with its own keys, that receives hand-over bundles.
struct ReceivingUnit {
    ledger: std::path::PathBuf,
    pass: std::path::PathBuf,
    recipient: String,
}

impl ReceivingUnit {
    fn new(dir: &std::path::Path) -> ReceivingUnit {
        let unit = ReceivingUnit {
            ledger: dir.join("commission"),
            pass: dir.join("commission-pass"),
            recipient: String::new(),
        };
        std::fs::write(&unit.pass, "commission passphrase\n").unwrap();
        let printed = unit.ok(&["init"]);
        assert!(printed.lines().any(|l| l.starts_with("verify-key: ")));
        let recipient = printed
            .lines()
            .find_map(|l| l.strip_prefix("recipient: "))
            .unwrap()
            .to_owned();
        ReceivingUnit { recipient, ..unit }
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        Command::new(REVIEW_BIN)
            .arg("--ledger")
            .arg(&self.ledger)
            .arg("--passphrase-file")
            .arg(&self.pass)
            .args(args)
            .output()
            .unwrap()
    }

    /// `office` transfers its tip 1 to this unit, writing the hand-over bundle to `out`.
    fn handed_tip_1_by(&self, office: &TestLedger, out: &std::path::Path) -> String {
        office.ok(&[
            "transfer",
            "1",
            "--to",
            "县纪委监委",
            "--recipient",
            &self.recipient,
            "--out",
            out.to_str().unwrap(),
        ])
    }

    /// `export` is refused: no tip of this unit's own portal.
    fn has_nothing_to_export(&self, dir: &std::path::Path) {
        let out = self.run(&["export", "--out", dir.join("u.tbu").to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("nothing to send to a portal"), "{err}");
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}

/// `transfer --recipient` of a tip typed in from a letter or a call was refused ("only web
/// tips have sealed items to hand over"): the receiving unit got nothing it could import.
#[test]
fn regression_a_typed_in_tip_could_not_be_handed_over() {
    let office = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let scan = work.path().join("来信扫描.pdf");
    std::fs::write(&scan, b"%PDF-1.4 LETTER-SCAN-CANARY").unwrap();
    office.ok(&[
        "add",
        "--channel",
        "letter",
        "--category",
        "protection-umbrella",
        "--received",
        "2026-11-02",
        "--text",
        "TYPED-HANDOVER-CANARY 来信反映某所长收受好处",
        "--attachment",
        scan.to_str().unwrap(),
    ]);
    let commission = ReceivingUnit::new(work.path());
    let handover = work.path().join("handover.tbx");
    let hand_over = || commission.handed_tip_1_by(&office, &handover);
    hand_over();
    assert!(files_containing(work.path(), b"TYPED-HANDOVER-CANARY").is_empty());
    assert_eq!(
        files_containing(work.path(), b"LETTER-SCAN-CANARY"),
        vec![scan.clone()],
        "only the scan itself"
    );

    let imported = commission.ok(&["import", handover.to_str().unwrap()]);
    assert!(imported.contains("1 new tip(s)"), "{imported}");
    let shown: serde_json::Value =
        serde_json::from_str(&commission.ok(&["show", "1", "--json"])).unwrap();
    assert_eq!(shown["channel"], "letter", "{shown}");
    assert_eq!(shown["handed_over"], true, "{shown}");
    assert_eq!(shown["received"], "2026-11-02", "{shown}");
    let listed = commission.ok(&["list", "--json"]);
    let listed: serde_json::Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed[0]["handed_over"], true, "{listed}");
    assert_eq!(listed[0]["channel"], "letter", "{listed}");
    assert!(
        office.list_json()[0].get("handed_over").is_none(),
        "only handed-over tips carry the mark"
    );
    assert_eq!(shown["category"], "protection-umbrella", "{shown}");
    let item = &shown["items"][0];
    assert_eq!(
        item["fields"]["description"], "TYPED-HANDOVER-CANARY 来信反映某所长收受好处",
        "{shown}"
    );
    assert_eq!(item["attachments"][0]["name"], "来信扫描.pdf", "{shown}");
    let files = work.path().join("files");
    commission.ok(&["show", "1", "--attachments-to", files.to_str().unwrap()]);
    let written: Vec<_> = std::fs::read_dir(&files).unwrap().collect();
    assert_eq!(written.len(), 1);
    assert_eq!(
        std::fs::read(written[0].as_ref().unwrap().path()).unwrap(),
        b"%PDF-1.4 LETTER-SCAN-CANARY"
    );

    // Written again (the stick was lost) and imported again: still one tip.
    std::fs::remove_file(&handover).unwrap();
    hand_over();
    let again = commission.ok(&["import", handover.to_str().unwrap()]);
    assert!(
        again.contains("0 new tip(s), 0 new follow-up(s), 1 already imported"),
        "{again}"
    );
    // The commission counts it as a letter, and has nothing to send to any portal.
    let report: serde_json::Value =
        serde_json::from_str(&commission.ok(&["report", "--format", "json"])).unwrap();
    assert_eq!(report["total"], 1, "{report}");
    assert_eq!(report["by_channel"]["letter"], 1, "{report}");
    assert_eq!(report["received_from_other_units"], 1, "{report}");
    let sent: serde_json::Value =
        serde_json::from_str(&office.ok(&["report", "--format", "json"])).unwrap();
    assert_eq!(sent["received_from_other_units"], 0, "{sent}");
    assert_eq!(sent["transfers"], 1, "{sent}");
    commission.has_nothing_to_export(work.path());
}

/// `transfer` changed what the reporter sees (to "transferred") without noting the day, as
/// `status` does: the portal showed an older day, and counted the retention of the finished
/// tip from it (from the day it arrived, for a tip never given another status), so the
/// reporter could lose the status page at once. Run twice by mistake, it also recorded the
/// transfer twice, and the report counted the tip twice for that unit.
#[test]
fn regression_transfer_kept_the_old_status_day_and_counted_a_repeat_twice() {
    let ledger = TestLedger::new();
    let today = tipbox::store::today();
    let arrived = {
        let d = tipbox::ledger::parse_day(&today).unwrap() - time::Duration::days(200);
        tipbox::ledger::format_day(d)
    };
    ledger.ok(&[
        "add",
        "--channel",
        "letter",
        "--received",
        &arrived,
        "--text",
        "来信",
    ]);
    ledger.ok(&["add", "--channel", "phone", "--text", "来电"]);
    let shown = |id: &str| -> serde_json::Value {
        serde_json::from_str(&ledger.ok(&["show", id, "--json"])).unwrap()
    };
    assert_eq!(shown("1")["status_day"], serde_json::Value::Null);

    ledger.ok(&["transfer", "1", "--to", "县纪委监委"]);
    assert_eq!(shown("1")["status_day"], today.as_str());
    assert_eq!(shown("1")["public_status"], "transferred");

    let repeat = ledger.run(&["transfer", "1", "--to", "县纪委监委"]);
    assert_eq!(repeat.status.code(), Some(2));
    let err = String::from_utf8_lossy(&repeat.stderr);
    assert!(
        err.contains("already transferred") && err.contains("nothing changed"),
        "{err}"
    );
    // 双移交: a second unit is a second transfer.
    ledger.ok(&["transfer", "1", "--to", "县公安局"]);
    assert_eq!(shown("1")["transfers"].as_array().unwrap().len(), 2);

    // A status of transferred without a transfer: taken, with a warning.
    let marked = ledger.run(&["status", "2", "transferred"]);
    assert!(marked.status.success());
    let err = String::from_utf8_lossy(&marked.stderr);
    assert!(
        err.contains("warning") && err.contains("transfer 2 --to"),
        "{err}"
    );
    assert_eq!(shown("2")["status_day"], today.as_str());

    let report: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["report", "--format", "json"])).unwrap();
    assert_eq!(report["transfers"], 1, "{report}");
    assert_eq!(
        report["transfers_by_destination"]["县纪委监委"], 1,
        "{report}"
    );
    assert_eq!(
        report["transfers_by_destination"]["县公安局"], 1,
        "{report}"
    );
}

#[test]
fn tips_sealed_to_an_older_key_stay_readable_after_a_new_key_is_added_and_search_finds_both() {
    let work = tempfile::tempdir().unwrap();
    let ledger_dir = work.path().join("ledger");
    let pass = work.path().join("pass");
    std::fs::write(&pass, "office passphrase 2026\n").unwrap();
    let review = |args: &[&str]| {
        let out = Command::new(REVIEW_BIN)
            .arg("--ledger")
            .arg(&ledger_dir)
            .arg("--passphrase-file")
            .arg(&pass)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let printed = review(&["init"]);
    let first = printed
        .lines()
        .find_map(|l| l.strip_prefix("recipient: "))
        .unwrap()
        .to_owned();
    // (The portal's --verify-key: a fixture portal applies no updates, so it needs none.)
    assert!(printed.lines().any(|l| l.starts_with("verify-key: ")));
    // init refuses to overwrite existing keys.
    let again = Command::new(REVIEW_BIN)
        .arg("--ledger")
        .arg(&ledger_dir)
        .arg("--passphrase-file")
        .arg(&pass)
        .arg("init")
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("refusing to overwrite"));

    // One portal, sealing to the first key, then (restarted) to the new one.
    let mut inbox = Inbox::new();
    inbox.set_recipients(&[&first]);
    inbox.tip(&Tip {
        description: "OLDKEY-CANARY 旧密钥加密的线索",
        ..Tip::default()
    });

    let rotated = review(&["init", "--add-key"]);
    let recipients: Vec<&str> = rotated
        .lines()
        .filter_map(|l| l.strip_prefix("recipient: "))
        .collect();
    assert_eq!(recipients.len(), 2);
    assert_eq!(recipients[0], first);
    inbox.set_recipients(&[recipients[1]]);
    inbox.tip(&Tip {
        description: "NEWKEY-CANARY 新密钥加密的线索",
        ..Tip::default()
    });
    let bundle = work.path().join("b.tbx");
    inbox.write(&bundle);
    review(&["import", bundle.to_str().unwrap()]);

    let a: serde_json::Value = serde_json::from_str(&review(&["show", "1", "--json"])).unwrap();
    let b: serde_json::Value = serde_json::from_str(&review(&["show", "2", "--json"])).unwrap();
    let descriptions = [
        a["items"][0]["fields"]["description"].clone(),
        b["items"][0]["fields"]["description"].clone(),
    ];
    assert!(descriptions.contains(&serde_json::json!("OLDKEY-CANARY 旧密钥加密的线索")));
    assert!(descriptions.contains(&serde_json::json!("NEWKEY-CANARY 新密钥加密的线索")));
    assert_ne!(
        a["items"][0]["sealed_to"], b["items"][0]["sealed_to"],
        "each tip records the key set that sealed it"
    );

    let found: serde_json::Value =
        serde_json::from_str(&review(&["search", "key-canary", "--json"])).unwrap();
    assert_eq!(found.as_array().unwrap().len(), 2);
    let found: serde_json::Value =
        serde_json::from_str(&review(&["search", "新密钥", "--json"])).unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1);
    assert_eq!(found[0]["matched"], serde_json::json!(["description"]));
    // The search text is not written to the audit log.
    let audit = std::fs::read_to_string(ledger_dir.join("audit.log")).unwrap();
    assert!(!audit.contains("新密钥") && !audit.contains("key-canary"));
    assert!(audit.contains("\"action\":\"add-key\""));
}

#[test]
fn search_finds_text_in_fields_attachment_names_and_notes_on_every_core() {
    let mut inbox = Inbox::new();
    // Enough tips to be spread over several workers' batches; the matches sit at the ends.
    let plain = Tip::default();
    inbox.tip(&Tip {
        description: "The NeedleCo quarry boss threatens villagers at night.",
        ..Tip::default()
    });
    for _ in 0..150 {
        inbox.tip(&plain);
    }
    inbox.tip(&Tip {
        files: vec![("needle-ledger.txt".into(), b"accounts".to_vec())],
        ..Tip::default()
    });
    let (ledger, _work, _inbox) = import_into_new_ledger(&inbox);
    ledger.ok(&["note", "77", "Cross-check with the NEEDLE case file"]);
    let hits: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["search", "needle", "--json"])).unwrap();
    let found: Vec<(u64, Vec<String>)> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let matched = h["matched"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap().to_owned())
                .collect();
            (h["id"].as_u64().unwrap(), matched)
        })
        .collect();
    let ids: Vec<u64> = found.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids.len(), 3, "{found:?}");
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "hits in id order");
    let of = |id: u64| found.iter().find(|(i, _)| *i == id).map(|(_, m)| m.clone());
    assert_eq!(of(77), Some(vec!["note".to_owned()]));
    let all: Vec<String> = found.iter().flat_map(|(_, m)| m.clone()).collect();
    assert!(all.contains(&"description".to_owned()), "{found:?}");
    assert!(all.contains(&"attachment name".to_owned()), "{found:?}");
    // Nothing matches a text no tip holds; the plain tips are not hits.
    let none: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["search", "no such text", "--json"])).unwrap();
    assert_eq!(none.as_array().unwrap().len(), 0);

    // Full-width digits and letters (a Chinese input method's full-width mode) match their
    // ASCII forms, either way round.
    ledger.ok(&[
        "add",
        "--channel",
        "phone",
        "--text",
        "车牌京Ａ８８８８８，电话１３８００１３８０００",
    ]);
    for needle in [
        "京a88888",
        "13800138000",
        "１３８００１３８０００",
        "京Ａ８８８８８",
    ] {
        let hits: serde_json::Value =
            serde_json::from_str(&ledger.ok(&["search", needle, "--json"])).unwrap();
        let ids: Vec<u64> = hits
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_u64().unwrap())
            .collect();
        assert_eq!(ids, [153], "{needle}");
    }
}

/// Items over 1 MiB are streamed to a decrypting worker during import (not held whole), and
/// items over 256 KiB are not read ahead by `search`; small ones are read ahead in runs,
/// straight from the disk. Every path must give back the very bytes the reporter sent, and
/// a bundle cut off inside a large item must leave nothing behind.
#[test]
fn large_items_are_streamed_through_import_and_search() {
    let mut inbox = Inbox::new();
    // Not compressible, so the sealed item is as large as the file.
    let mut video = Vec::with_capacity(3 << 20);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    while video.len() < 3 << 20 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        video.extend_from_slice(&x.to_le_bytes());
    }
    let medium: Vec<u8> = video[..600 << 10].iter().map(|b| b ^ 0x5a).collect();
    for _ in 0..10 {
        inbox.tip(&Tip::default());
    }
    inbox.tip(&Tip {
        description: "plain words only",
        files: vec![("needle-video.bin".into(), video.clone())],
        ..Tip::default()
    });
    inbox.tip(&Tip {
        description: "the NEEDLE in a medium item",
        files: vec![("scan.bin".into(), medium.clone())],
        ..Tip::default()
    });
    for _ in 0..10 {
        inbox.tip(&Tip::default());
    }
    inbox.tip(&Tip {
        description: "a small needle",
        ..Tip::default()
    });
    let work = tempfile::tempdir().unwrap();
    let bundle = work.path().join("inbox.tbx");
    inbox.write(&bundle);

    // Cut off inside the large item: refused, and no entry or ciphertext left behind.
    let ledger = TestLedger::new();
    let bytes = std::fs::read(&bundle).unwrap();
    assert!(bytes.len() > 3 << 20);
    let cut = work.path().join("cut.tbx");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let out = ledger.run(&["import", cut.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("truncated"));
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 0);
    assert_eq!(
        std::fs::read_dir(ledger.path().join("blobs"))
            .unwrap()
            .count(),
        0
    );

    let out = ledger.ok(&["import", bundle.to_str().unwrap()]);
    assert!(out.contains("23 new tip(s)"), "{out}");
    ledger.ok(&[
        "add",
        "--channel",
        "letter",
        "--text",
        "a letter about the needle factory",
    ]);
    let hits: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["search", "needle", "--json"])).unwrap();
    let hits: Vec<(u64, String)> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["id"].as_u64().unwrap(), h["matched"][0].to_string()))
        .collect();
    // The bundle holds the tips in the store's order, not the order they were sent in.
    let mut kinds: Vec<&str> = hits.iter().map(|(_, m)| m.as_str()).collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "\"attachment name\"",
            "\"content\"",
            "\"description\"",
            "\"description\""
        ],
        "the large, medium, small and offline tips: {hits:?}"
    );
    let mut attachments = Vec::new();
    for (id, _) in &hits {
        let id = id.to_string();
        let files = work.path().join(format!("att{id}"));
        ledger.ok(&["show", &id, "--attachments-to", files.to_str().unwrap()]);
        if let Ok(got) = std::fs::read(files.join(format!("tip{id}-1-1.bin"))) {
            attachments.push(got);
        }
    }
    attachments.sort_by_key(Vec::len);
    assert!(
        attachments == [medium, video],
        "the attachments came back changed"
    );
}

/// Import writes the entries of new tips while it still decrypts the bundle, before its
/// pack is complete. Killed then, it leaves entries past the next id whose pack file does
/// not exist: opening the ledger removes them, so no command ever shows a tip whose sealed
/// items are missing, and importing the bundle again adds the tips once.
#[test]
fn entries_of_an_import_killed_before_its_pack_was_complete_are_removed() {
    let (ledger, _work, bundle) = ledger_with(&[
        Tip::default(),
        Tip {
            description: "the second tip, about the harbour warehouse",
            ..Tip::default()
        },
    ]);
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 2);
    // The state such a kill leaves, made for real: the entries written, but no import
    // record, the old next id, no pack under its final name (it was still being written
    // as a partial file), and a summary index marked dirty.
    let blobs = ledger.path().join("blobs");
    let packs: Vec<_> = std::fs::read_dir(&blobs)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(packs.len(), 1, "{packs:?}");
    let partial = tipbox::durable::partial_path(&packs[0]);
    std::fs::rename(&packs[0], &partial).unwrap();
    let db = sled::open(ledger.path().join("db")).unwrap();
    db.open_tree("imports").unwrap().clear().unwrap();
    db.open_tree("meta")
        .unwrap()
        .insert("next-tip-id", &1u64.to_be_bytes())
        .unwrap();
    assert_eq!(db.open_tree("tips").unwrap().len(), 2);
    db.flush().unwrap();
    drop(db);
    std::fs::remove_dir_all(ledger.path().join("index")).unwrap();

    assert_eq!(ledger.list_json().as_array().unwrap().len(), 0);
    // Nor is the partial pack left on the disk: ciphertext nothing refers to.
    assert!(!partial.exists());
    let hits = ledger.ok(&["search", "harbour", "--json"]);
    assert_eq!(hits.trim(), "[]");
    let out = ledger.run(&["show", "1"]);
    assert_eq!(out.status.code(), Some(2), "tip 1 is gone");
    let out = ledger.ok(&["import", bundle.to_str().unwrap()]);
    assert!(
        out.contains("2 new tip(s), 0 new follow-up(s), 0 already imported"),
        "{out}"
    );
    let list = ledger.list_json();
    let ids: Vec<u64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&1) && ids.contains(&2), "{ids:?}");
    assert!(
        ledger.ok(&["show", "2"]).contains("harbour")
            || ledger.ok(&["show", "1"]).contains("harbour")
    );
}

/// `tipbox-review --ledger LEDGER --passphrase-file PASS ARGS...`, for a passphrase other
/// than the demo one.
fn review_with_passphrase(ledger: &Path, pass: &Path, args: &[&str]) -> std::process::Output {
    Command::new(REVIEW_BIN)
        .arg("--ledger")
        .arg(ledger)
        .arg("--passphrase-file")
        .arg(pass)
        .args(args)
        .output()
        .unwrap()
}

/// A reviewer who knew the passphrase leaves: `passphrase` changes it for both key files.
/// The old one then opens nothing, every command works with the new one, and a change cut
/// short between its two renames (one file under each passphrase) is finished by the next
/// command given the new passphrase, or by running the change again.
#[test]
fn the_passphrase_can_be_changed_and_a_change_cut_short_is_finished() {
    // A ledger that has imported web tips, so that `export` (which needs the signing key)
    // has something to send.
    let with_web_tips = || {
        let l = TestLedger::new();
        let vector = repo_path("tests/vectors/inbox-v1.tbx");
        l.ok(&["import", vector.to_str().unwrap()]);
        l
    };
    let ledger = with_web_tips(); // tips 1-3
    ledger.ok(&[
        "add",
        "--channel",
        "phone",
        "--text",
        "电话举报：某砂场老板暴力阻工",
    ]);
    let work = tempfile::tempdir().unwrap();
    let new_pass = work.path().join("new-pass");
    std::fs::write(&new_pass, "a new office passphrase\n").unwrap();
    let untouched = with_web_tips(); // demo keys, old passphrase: for the crash cases
    let scratch = work.path().join("scratch.tbu");
    let keys = ledger.path().join("keys");
    let before: Vec<Vec<u8>> = ["identity.age", "signing-key.age"]
        .iter()
        .map(|f| std::fs::read(keys.join(f)).unwrap())
        .collect();

    // Refused, with nothing changed: a new passphrase that is the current one, or too short.
    let demo_pass = repo_path("keys-example/passphrase.txt");
    let short = work.path().join("short");
    std::fs::write(&short, "short\n").unwrap();
    for (file, expected) in [
        (&demo_pass, "is the current one"),
        (&short, "at least 8 characters"),
    ] {
        let out = ledger.run(&[
            "passphrase",
            "--new-passphrase-file",
            file.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains(expected));
    }
    // A wrong current passphrase changes nothing either.
    let out = review_with_passphrase(
        &ledger.path(),
        &new_pass,
        &[
            "passphrase",
            "--new-passphrase-file",
            short.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read(keys.join("identity.age")).unwrap(), before[0]);

    let out = ledger.ok(&[
        "passphrase",
        "--new-passphrase-file",
        new_pass.to_str().unwrap(),
    ]);
    assert!(out.contains("passphrase changed"), "{out}");
    use std::os::unix::fs::PermissionsExt;
    for f in ["identity.age", "signing-key.age"] {
        let mode = std::fs::metadata(keys.join(f))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{f}");
        assert!(!keys.join(format!("{f}.new")).exists());
    }
    // The old passphrase opens neither key; the new one opens both.
    for args in [
        &["show", "4"][..],
        &["export", "--out", scratch.to_str().unwrap()][..],
    ] {
        let out = ledger.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("wrong passphrase"));
    }
    let shown = review_with_passphrase(&ledger.path(), &new_pass, &["show", "4"]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains("某砂场老板"));
    let update = work.path().join("u.tbu");
    let out = review_with_passphrase(
        &ledger.path(),
        &new_pass,
        &["export", "--out", update.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let audit = std::fs::read_to_string(ledger.path().join("audit.log")).unwrap();
    assert!(audit.contains("\"action\":\"passphrase\""));
    assert!(!audit.contains("a new office passphrase"));

    // Cut short after the identity's rename: the identity is under the new passphrase, the
    // signing key still under the old one, its new copy beside it.
    let cut_short = |ledger: &TestLedger| {
        let k = ledger.path().join("keys");
        std::fs::copy(keys.join("identity.age"), k.join("identity.age")).unwrap();
        std::fs::copy(keys.join("signing-key.age"), k.join("signing-key.age.new")).unwrap();
        for f in ["identity.age", "signing-key.age.new"] {
            std::fs::set_permissions(k.join(f), std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    };
    // (a) The next command with the new passphrase finishes the rename.
    cut_short(&untouched);
    let out = review_with_passphrase(
        &untouched.path(),
        &new_pass,
        &[
            "export",
            "--out",
            work.path().join("u2.tbu").to_str().unwrap(),
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let k = untouched.path().join("keys");
    assert!(!k.join("signing-key.age.new").exists());
    assert_eq!(
        untouched
            .run(&["export", "--out", scratch.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
    // (b) Running the change again with the same two passphrases finishes it.
    let again = with_web_tips();
    cut_short(&again);
    again.ok(&[
        "passphrase",
        "--new-passphrase-file",
        new_pass.to_str().unwrap(),
    ]);
    let k = again.path().join("keys");
    assert!(!k.join("signing-key.age.new").exists());
    for args in [
        &["list"][..],
        &["export", "--out", scratch.to_str().unwrap()][..],
    ] {
        let out = review_with_passphrase(&again.path(), &new_pass, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(
        again
            .run(&["export", "--out", scratch.to_str().unwrap()])
            .status
            .code(),
        Some(2)
    );
}

/// When the office identity may have been copied, `init --add-key --retire-old` makes a new
/// one and stops sealing to the old: only the new recipient is printed for the portal, and
/// the ledger's own sealing (notes, typed-in tips, backups) uses it alone. What was sealed
/// to the old identity stays readable.
#[test]
fn retired_recipients_are_no_longer_sealed_to_and_old_tips_stay_readable() {
    let (ledger, work, _) = ledger_with(&[Tip {
        description: "OLDKEY-CANARY 退役前的线索",
        ..Tip::default()
    }]);
    let demo_recipient = std::fs::read_to_string(repo_path("keys-example/recipient.txt"))
        .unwrap()
        .trim()
        .to_string();

    // --retire-old means nothing without --add-key.
    assert_eq!(ledger.run(&["init", "--retire-old"]).status.code(), Some(2));
    let out = ledger.run(&["init", "--add-key", "--retire-old"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = String::from_utf8(out.stdout).unwrap();
    let recipients: Vec<&str> = printed
        .lines()
        .filter_map(|l| l.strip_prefix("recipient: "))
        .collect();
    assert_eq!(recipients.len(), 1, "{printed}");
    let new = recipients[0].to_string();
    assert_ne!(new, demo_recipient);
    let keys = ledger.path().join("keys");
    assert_eq!(
        std::fs::read_to_string(keys.join("recipient.txt")).unwrap(),
        format!("{new}\n")
    );
    let retired = std::fs::read_to_string(keys.join("retired-recipients.txt")).unwrap();
    assert!(retired.lines().any(|l| l == demo_recipient), "{retired}");

    // The old tip still opens, and so does a note written now. A backup made now is sealed
    // to the new identity only (notes and typed-in tips take their recipients from the same
    // recipient.txt): the old identity alone cannot open it.
    assert!(ledger
        .ok(&["show", "1"])
        .contains("OLDKEY-CANARY 退役前的线索"));
    ledger.ok(&["note", "1", "RETIRED-NOTE 只给新密钥"]);
    let shown = ledger.ok(&["show", "1"]);
    assert!(shown.contains("RETIRED-NOTE 只给新密钥"), "{shown}");
    let backup = work.path().join("after.tbk");
    ledger.ok(&["backup", "--out", backup.to_str().unwrap()]);
    let sealed = backup_age_layer(&backup);
    let opened_by_old = age::Decryptor::new(&sealed[..])
        .unwrap()
        .decrypt(demo_identities().iter().map(|i| i as &dyn age::Identity));
    assert!(
        opened_by_old.is_err(),
        "the retired identity opens the backup"
    );
    let entry: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["show", "1", "--json"])).unwrap();
    let note = entry["texts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "note")
        .expect("the note is listed");
    assert!(note.to_string().contains("RETIRED-NOTE"));
    ledger.ok(&["backup", "verify", backup.to_str().unwrap()]);

    // A portal given the new line alone feeds the ledger as before.
    let mut inbox = Inbox::new();
    inbox.set_recipients(&[&new]);
    inbox.tip(&Tip {
        description: "NEWKEY-CANARY 退役后的线索",
        ..Tip::default()
    });
    let bundle = work.path().join("new.tbx");
    inbox.write(&bundle);
    ledger.ok(&["import", bundle.to_str().unwrap()]);
    assert!(ledger
        .ok(&["show", "2"])
        .contains("NEWKEY-CANARY 退役后的线索"));
    let audit = std::fs::read_to_string(ledger.path().join("audit.log")).unwrap();
    assert!(audit.contains("\"action\":\"retire-keys\""));
}

/// `import` of a file that is no inbox bundle marked the summary index dirty before it
/// read a byte, so the next command rebuilt the index ("rebuilding the summary index…",
/// seconds on a large ledger). Such a file is now refused before anything is touched.
#[test]
fn regression_importing_the_wrong_file_made_the_next_command_rebuild_the_index() {
    let ledger = TestLedger::new();
    ledger.ok(&["add", "--channel", "letter", "--text", "来信举报内容"]);
    let work = tempfile::tempdir().unwrap();
    let wrong = work.path().join("report.csv");
    std::fs::write(&wrong, "section,key,value\nsummary,total,1\n").unwrap();
    for args in [
        &["import", wrong.to_str().unwrap()][..],
        &["import", "-"][..],
    ] {
        let out = ledger.run_with_stdin(args, b"section,key,value\nsummary,total,1\n");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not a tipbox inbox bundle"), "{args:?}: {err}");
        let next = ledger.run(&["list"]);
        assert!(next.status.success());
        let err = String::from_utf8_lossy(&next.stderr);
        assert!(!err.contains("rebuilding"), "{args:?}: {err}");
    }
}

/// A letter typed on a Chinese Windows PC is often saved as ANSI, that is GBK: `add
/// --text-file` said only "stream did not contain valid UTF-8". It now says what the file
/// is most likely and how to convert it, for a file and for standard input alike.
#[test]
fn a_text_file_that_is_not_utf8_is_refused_with_the_way_to_convert_it() {
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let gbk = work.path().join("letter.txt");
    let bytes = b"\xc4\xe3\xba\xc3"; // 你好 in GBK
    std::fs::write(&gbk, bytes).unwrap();
    for (args, input) in [
        (
            vec![
                "add",
                "--channel",
                "letter",
                "--text-file",
                gbk.to_str().unwrap(),
            ],
            &b""[..],
        ),
        (
            vec!["add", "--channel", "letter", "--text-file", "-"],
            &bytes[..],
        ),
    ] {
        let out = ledger.run_with_stdin(&args, input);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("is not UTF-8") && err.contains("iconv -f GBK"),
            "{err}"
        );
    }
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 0);
}
