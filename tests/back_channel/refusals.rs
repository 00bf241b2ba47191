//! Update bundles a portal refuses, and records it never shows.

use super::*;

#[test]
fn tampered_truncated_foreign_misdirected_and_old_bundles_are_refused_whole() {
    let (mut portal, ledger, receipt, work) = setup();
    ledger.ok(&["status", "1", "verifying"]);
    let first = update_bundle(&ledger, work.path(), "u1.tbu");
    ledger.ok(&["status", "1", "closed"]);
    let second = update_bundle(&ledger, work.path(), "u2.tbu");
    let bytes = std::fs::read(&second).unwrap();
    let blobs_before = blob_paths(&portal.data);
    let unchanged = |portal: &Portal| {
        let (_, page) = status_of(portal, &receipt);
        assert_eq!(
            element_text(&page, "tip-status").as_deref(),
            Some("received"),
            "something was applied"
        );
        assert_eq!(
            blob_paths(&portal.data),
            blobs_before,
            "ciphertext was deleted"
        );
    };
    let bad = work.path().join("bad.tbu");
    // A sample of single-byte changes across the whole file (header, body, signature).
    let step = (bytes.len() / 40).max(1);
    for pos in (0..bytes.len()).step_by(step).chain([bytes.len() - 1]) {
        let mut b = bytes.clone();
        b[pos] ^= 0x20;
        std::fs::write(&bad, &b).unwrap();
        let out = apply(&portal.data, &bad);
        assert_eq!(
            out.status.code(),
            Some(1),
            "byte {pos} changed and the bundle was accepted"
        );
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("tipbox-portal: "));
    }
    unchanged(&portal);
    for cut in [0, 10, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(&bad, &bytes[..cut]).unwrap();
        assert_eq!(
            apply(&portal.data, &bad).status.code(),
            Some(1),
            "cut at {cut}"
        );
    }
    unchanged(&portal);

    // Signed by another office key (a ledger with its own keys that imported the same tips).
    let impostor_dir = tempfile::tempdir().unwrap();
    let pass = impostor_dir.path().join("pass");
    std::fs::write(&pass, "impostor passphrase\n").unwrap();
    let run = |args: &[&str]| {
        review_process()
            .arg("--ledger")
            .arg(impostor_dir.path().join("l"))
            .arg("--passphrase-file")
            .arg(&pass)
            .args(args)
            .output()
            .unwrap()
    };
    assert!(run(&["init"]).status.success());
    // It cannot even import the office's tips; forge its bundle from a copy of the ledger db.
    let forged_ledger = impostor_dir.path().join("l");
    std::fs::remove_dir_all(forged_ledger.join("db")).ok();
    copy_dir(&ledger.path().join("db"), &forged_ledger.join("db"));
    let forged = work.path().join("forged.tbu");
    let out = run(&["export", "--out", forged.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = apply(&portal.data, &forged);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("signature"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    unchanged(&portal);

    // Made for another portal.
    let other_portal = Portal::start();
    let out = apply(&other_portal.data, &first);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("another portal"));

    // In order: the newer one, then the older one is refused as a rollback; the same one
    // again changes nothing. Also with the portal stopped (store opened directly).
    assert!(apply(&portal.data, &second).status.success());
    let out = apply(&portal.data, &first);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("rollback"));
    let out = apply(&portal.data, &second);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already applied"));
    portal.kill9();
    let out = apply(&portal.data, &first);
    assert_eq!(
        out.status.code(),
        Some(1),
        "rollback refused without the server too"
    );
}

#[test]
fn a_record_written_straight_into_the_store_is_never_shown() {
    let (mut portal, _ledger, receipt, _work) = setup();
    let data = portal.data.clone();
    portal.kill9();
    // Forge a signed-looking update with another key and write it into the index directly,
    // as an operator with the disk could.
    let forger = tipbox::crypto::SigningKey::generate();
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(data.join("portal.json")).unwrap()).unwrap();
    let portal_id = meta["portal_id"].as_str().unwrap().to_owned();
    {
        let db = sled::open(data.join("index")).unwrap();
        let by_tip = db.open_tree("lookup-key-by-tip").unwrap();
        let (tip_id, _) = by_tip.iter().next().unwrap().unwrap();
        let tip_id = String::from_utf8(tip_id.to_vec()).unwrap();
        let update = tipbox::bundle::update::TipUpdate {
            format: 1,
            purpose: tipbox::bundle::update::TIP_PURPOSE.into(),
            portal_id,
            tip_id: tip_id.clone(),
            revision: 99,
            status: "closed".into(),
            status_day: "2026-01-01".into(),
            messages: vec![],
            reward: None,
            acknowledgement: None,
            site: None,
        };
        let signed = tipbox::bundle::update::SignedTipUpdate::sign(&update, &forger);
        db.open_tree("signed-updates-by-tip")
            .unwrap()
            .insert(tip_id.as_bytes(), serde_json::to_vec(&signed).unwrap())
            .unwrap();
        db.flush().unwrap();
    }
    let portal = Portal::start_with(PortalOptions {
        data: Some(data),
        ..Default::default()
    });
    let (status, page) = status_of(&portal, &receipt);
    assert_eq!(status, 200);
    assert_eq!(
        element_text(&page, "tip-status").as_deref(),
        Some("received"),
        "a forged record was shown"
    );
}

/// The signing key can leak, or someone who knew the passphrase can leave. `init
/// --new-signing-key` replaces it: a portal still configured with the old verify key
/// refuses what the new key signs, and once given the new key it refuses the old key's
/// bundles and shows only what the new key signed (every tip is signed again by the next
/// export). The old verify key is kept on record.
#[test]
fn a_replaced_signing_key_takes_over_on_the_portal_and_the_old_one_is_refused() {
    let (mut portal, ledger, receipt, work) = setup();
    let old_key = ledger.path().join("keys/verify-key.txt");
    let old_key = std::fs::read_to_string(old_key).unwrap().trim().to_string();
    ledger.ok(&["status", "1", "verifying"]);
    let before = update_bundle(&ledger, work.path(), "u1.tbu");
    assert!(apply(&portal.data, &before).status.success());
    let backup = work.path().join("before.tbk");
    ledger.ok(&["backup", "--out", backup.to_str().unwrap()]);

    let out = ledger.ok(&["init", "--new-signing-key"]);
    let new_key = out
        .lines()
        .find_map(|l| l.strip_prefix("verify-key: "))
        .expect("prints the new verify-key line")
        .to_string();
    assert_ne!(new_key, old_key);
    assert_eq!(new_key.len(), 64);
    let keys = ledger.path().join("keys");
    assert_eq!(
        std::fs::read_to_string(keys.join("verify-key.txt"))
            .unwrap()
            .trim(),
        new_key
    );
    let retired = std::fs::read_to_string(keys.join("retired-verify-keys.txt")).unwrap();
    assert!(retired.lines().any(|l| l == old_key), "{retired}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(keys.join("signing-key.age"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(!keys.join("signing-key.age.new").exists());
    let audit = std::fs::read_to_string(ledger.path().join("audit.log")).unwrap();
    assert!(audit.contains("\"action\":\"new-signing-key\""));
    assert!(ledger.ok(&["audit", "verify"]).contains("intact"));

    // The portal, still on the old key, refuses the new key's bundle whole.
    ledger.ok(&["status", "1", "stage-closed"]);
    let after = update_bundle(&ledger, work.path(), "u2.tbu");
    let out = apply(&portal.data, &after);
    assert_eq!(out.status.code(), Some(1));
    let (_, page) = status_of(&portal, &receipt);
    assert_eq!(
        element_text(&page, "tip-status").as_deref(),
        Some("verifying")
    );

    // Given the new key, it shows nothing the old key signed, then applies the new bundle.
    let dir = portal.take_dir();
    portal.kill9();
    let portal = Portal::start_with(PortalOptions {
        data: Some(portal.data.clone()),
        extra_args: vec!["--verify-key".into(), new_key.clone()],
        ..PortalOptions::default()
    });
    let (_, page) = status_of(&portal, &receipt);
    assert_eq!(
        element_text(&page, "tip-status").as_deref(),
        Some("received"),
        "a record signed by the retired key is still shown"
    );
    assert_eq!(
        apply_and_look(&portal, &after, &receipt).as_deref(),
        Some("stage-closed")
    );
    // An old bundle, signed by the retired key, is refused.
    assert_eq!(apply(&portal.data, &before).status.code(), Some(1));
    drop(dir);

    // Backups are authenticated with the office identity, not the signing key: one made
    // before the change still verifies.
    assert!(ledger
        .ok(&["backup", "verify", backup.to_str().unwrap()])
        .contains("authenticated by the office identity"));
}

/// A hostile portal could call its own bundle a hand-over from another unit, so that its new
/// tips were marked as that unit's and left out of every export (their reporters never
/// answered). A hand-over comes from a ledger, which signs none: an unsigned one naming a
/// portal whose key is pinned is refused, and a signed one is refused as malformed.
#[test]
fn a_portal_cannot_pass_its_own_tips_off_as_another_units_hand_over() {
    let (portal, ledger, _receipt, work) = setup();
    let again = ledger.ok(&["import", work.path().join("inbox.tbx").to_str().unwrap()]);
    let portal_id = again
        .strip_prefix("imported from portal ")
        .and_then(|rest| rest.split(':').next())
        .unwrap_or_else(|| panic!("{again}"))
        .to_owned();
    submit_ok(&portal, &Tip::default());
    let blobs = blob_paths(&portal.data);
    let ids: Vec<String> = blobs
        .iter()
        .map(|p| p.file_stem().unwrap().to_str().unwrap().to_owned())
        .collect();
    let sources: Vec<_> = blobs
        .iter()
        .zip(&ids)
        .map(|(path, id)| tipbox::bundle::inbox::Source {
            blob_id: id,
            sealed_to: "unknown",
            path,
        })
        .collect();
    // Unsigned, as a hand-over between ledgers is: refused, the portal signs its bundles.
    let unsigned = work.path().join("unsigned.tbx");
    tipbox::bundle::inbox::write_handover(
        std::fs::File::create(&unsigned).unwrap(),
        &portal_id,
        &tipbox::store::today(),
        &sources,
    )
    .unwrap();
    let out = ledger.run(&["import", unsigned.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not signed"));
    // Signed with the portal's own key, which the hostile portal holds.
    let forged = work.path().join("forged.tbx");
    let header = tipbox::bundle::inbox::InboxHeader {
        handover: true,
        ..tipbox::bundle::inbox::InboxHeader::new(
            &portal_id,
            &tipbox::store::today(),
            sources.len() as u64,
        )
    };
    tipbox::bundle::inbox::write_signed(
        std::fs::File::create(&forged).unwrap(),
        header,
        &forge::portal_key(&portal.data),
        &sources,
    )
    .unwrap();
    let out = ledger.run(&["import", forged.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("a hand-over bundle is signed"));
    // The portal's own bundle brings the tip, as the portal's.
    let genuine = work.path().join("inbox2.tbx");
    assert!(export(&portal.data, &genuine).status.success());
    let out = ledger.ok(&["import", genuine.to_str().unwrap()]);
    assert!(
        out.starts_with(&format!("imported from portal {portal_id}: 1 new tip(s)")),
        "{out}"
    );
    let shown: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["show", "2", "--json"])).unwrap();
    assert_eq!(shown["handed_over"], false, "{shown}");
    let out = ledger.ok(&[
        "export",
        "--out",
        work.path().join("u.tbu").to_str().unwrap(),
    ]);
    assert!(out.contains("2 acknowledgement(s)"), "{out}");
}

/// A ledger restored from a backup made before its last exports numbered its next update
/// bundles with numbers the portal had used: every one was refused as a rollback or a
/// replay, and the message said to export a fresh bundle, which was refused the same way.
/// The portal's inbox bundle now says which update bundle it applied last; importing it
/// moves the restored ledger's numbering past it, with a warning that the ledger is older
/// than what the portal last received (the one sign of a rollback to an older backup).
#[test]
fn regression_a_ledger_restored_from_an_older_backup_could_never_update_the_portal_again() {
    let (portal, ledger, receipt, work) = setup();
    let backup = work.path().join("before.tbk");
    ledger.ok(&["backup", "--out", backup.to_str().unwrap()]);
    for (status, name) in [("verifying", "u1.tbu"), ("closed", "u2.tbu")] {
        ledger.ok(&["status", "1", status]);
        let bundle = update_bundle(&ledger, work.path(), name);
        assert!(apply(&portal.data, &bundle).status.success());
    }
    let (_, page) = status_of(&portal, &receipt);
    assert_eq!(element_text(&page, "tip-status").as_deref(), Some("closed"));

    // The office's machine is lost; the backup from before both exports is restored.
    let restored = TestLedger {
        dir: tempfile::tempdir().unwrap(),
    };
    review_ok(&restored.path(), &["restore", backup.to_str().unwrap()]);
    restored.ok(&["status", "1", "stage-closed"]);
    let refused = update_bundle(&restored, work.path(), "u-old.tbu");
    let out = apply(&portal.data, &refused);
    assert_eq!(out.status.code(), Some(1), "a failed check");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing a rollback") && err.contains("import it into the ledger"),
        "{err}"
    );

    // An inbox bundle from the portal tells the ledger where the numbering stands.
    let inbox = work.path().join("inbox-now.tbx");
    assert!(export(&portal.data, &inbox).status.success());
    let out = restored.run(&["import", inbox.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let warning = String::from_utf8_lossy(&out.stderr);
    assert!(
        warning.contains("has applied update bundle 2")
            && warning.contains("exported only up to bundle 1")
            && warning.contains("older backup"),
        "{warning}"
    );
    let audit = std::fs::read_to_string(restored.path().join("audit.log")).unwrap();
    assert!(audit.contains("\"action\":\"update-catch-up\""), "{audit}");
    let bundle = update_bundle(&restored, work.path(), "u3.tbu");
    assert_eq!(
        apply_and_look(&portal, &bundle, &receipt).as_deref(),
        Some("stage-closed")
    );
    // Imported again, the same bundle moves nothing and warns no more.
    let again = restored.run(&["import", inbox.to_str().unwrap()]);
    assert!(again.status.success());
    assert!(!String::from_utf8_lossy(&again.stderr).contains("warning"));
}

/// The inbox bundle's `last_update` is not authenticated (nothing from the portal is): a
/// ledger moves its numbering forward with it, by a bounded step, and never back.
#[test]
fn an_inbox_bundles_last_update_moves_the_numbering_forward_within_a_bound_only() {
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let portal_id = "0f".repeat(16);
    let key = tipbox::crypto::SigningKey::generate();
    let import = |name: &str, last_update: u64| {
        let bundle = work.path().join(name);
        let header = tipbox::bundle::inbox::InboxHeader {
            last_update: Some(last_update),
            ..tipbox::bundle::inbox::InboxHeader::new(&portal_id, "2026-12-01", 0)
        };
        tipbox::bundle::inbox::write_signed(
            std::fs::File::create(&bundle).unwrap(),
            header,
            &key,
            &[],
        )
        .unwrap();
        let out = ledger.run(&["import", bundle.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let catch_ups = || {
        // No audit log yet while nothing was recorded.
        std::fs::read_to_string(ledger.path().join("audit.log"))
            .unwrap_or_default()
            .matches("update-catch-up")
            .count()
    };
    let err = import("huge.tbx", u64::MAX);
    assert!(!err.contains("warning"), "{err}");
    assert_eq!(catch_ups(), 0);
    let err = import("five.tbx", 5);
    assert!(err.contains("has applied update bundle 5"), "{err}");
    assert_eq!(catch_ups(), 1);
    let err = import("three.tbx", 3);
    assert!(!err.contains("warning"), "{err}");
    assert_eq!(catch_ups(), 1);
}
