//! The office's keys and passphrase: a wrong passphrase, added and retired keys, changing the passphrase.

use super::*;

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
    let out = review_process()
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

#[test]
fn tips_sealed_to_an_older_key_stay_readable_after_a_new_key_is_added_and_search_finds_both() {
    let work = tempfile::tempdir().unwrap();
    let ledger_dir = work.path().join("ledger");
    let pass = work.path().join("pass");
    std::fs::write(&pass, "office passphrase 2026\n").unwrap();
    let review = |args: &[&str]| {
        let out = review_process()
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
    let again = review_process()
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

/// `tipbox-review --ledger LEDGER --passphrase-file PASS ARGS...`, for a passphrase other
/// than the demo one.
fn review_with_passphrase(ledger: &Path, pass: &Path, args: &[&str]) -> std::process::Output {
    review_process()
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
