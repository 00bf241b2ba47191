//! Importing inbox bundles: the round trip, repeats, damage, crashes and hostile contents.

use super::*;

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
    // Signed with the portal's own key: the hostile portal holds it.
    tipbox::bundle::inbox::write_signed(
        std::fs::File::create(&bundle).unwrap(),
        tipbox::bundle::inbox::InboxHeader::new(&tip.portal_id, &tip.day, sources.len() as u64),
        &forge::portal_key(&portal.data),
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
