//! Invariants 4 and 5 (ARCHITECTURE.md): the portal shows only what the office signed, refuses tampered,
//! replayed, rolled-back or misdirected bundles whole, and deletes ciphertext only after
//! the ledger acknowledged it. Real binaries, real server, real keys.

mod common;

use std::path::{Path, PathBuf};

use common::*;

fn apply(data: &Path, bundle: &Path) -> std::process::Output {
    portal_cmd(&[
        "apply",
        "--data",
        data.to_str().unwrap(),
        bundle.to_str().unwrap(),
    ])
}

fn status_of(portal: &Portal, receipt: &str) -> (u16, String) {
    lookup(portal, receipt, "en")
}

/// Submit, export and import one rewarded tip; returns (portal, ledger, receipt, work dir).
fn setup() -> (Portal, TestLedger, String, tempfile::TempDir) {
    let portal = Portal::start();
    let receipt = submit_ok(
        &portal,
        &Tip {
            reward: true,
            ..Tip::default()
        },
    );
    let (ledger, work, _inbox) = import_into_new_ledger(&portal);
    (portal, ledger, receipt, work)
}

/// Apply `bundle`, which must be accepted, and return the status the reporter then sees.
fn apply_and_look(portal: &Portal, bundle: &Path, receipt: &str) -> Option<String> {
    let out = apply(&portal.data, bundle);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    element_text(&status_of(portal, receipt).1, "tip-status")
}

fn update_bundle(ledger: &TestLedger, dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    ledger.ok(&["export", "--out", path.to_str().unwrap()]);
    path
}

#[test]
fn full_round_trip_reporter_sees_status_reply_and_claim_token() {
    let (portal, ledger, receipt, work) = setup();
    ledger.ok(&[
        "status",
        "1",
        "verifying",
        "--public-note",
        "已转县公安局核查",
    ]);
    ledger.ok(&["reply", "1", "--message", "REPLY-CANARY 感谢您的举报"]);
    ledger.ok(&["reward", "1", "approve", "--amount", "5000"]);
    let bundle = update_bundle(&ledger, work.path(), "u1.tbu");
    // The portal operator sees the bundle, but not what it says to the reporter.
    assert!(
        files_containing(work.path(), b"REPLY-CANARY").is_empty(),
        "replies are sealed in the bundle"
    );
    assert!(files_containing(work.path(), "已转县公安局核查".as_bytes()).is_empty());

    let out = apply(&portal.data, &bundle); // through the running portal's socket
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (status, page) = status_of(&portal, &receipt);
    assert_eq!(status, 200);
    assert_eq!(
        element_text(&page, "tip-status").as_deref(),
        Some("verifying")
    );
    assert!(page.contains("REPLY-CANARY 感谢您的举报"));
    assert!(page.contains("已转县公安局核查"));
    assert!(page.contains("5000 yuan"));
    let token = element_text(&page, "claim-token").expect("claim token shown once approved");
    assert!(
        files_containing(&portal.data, b"REPLY-CANARY").is_empty(),
        "the portal stores replies sealed"
    );
    // Nothing the portal stores holds the claim token (it is derived from the receipt when
    // shown), so a seized portal cannot present a claim.
    let digits: String = token.split(' ').collect();
    assert!(files_containing(&portal.data, digits.as_bytes()).is_empty());
    assert!(files_containing(&portal.data, token.as_bytes()).is_empty());

    let out = ledger.run(&["reward", "verify", &token]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(
        said.contains("matches tip 1")
            && said.contains("5000 yuan")
            && said.contains("not paid yet"),
        "{said}"
    );
    // A well-formed token that is not this tip's: exit 1.
    let stranger = tipbox::receipt::ReceiptCode::generate()
        .derive(&[0; 16], tipbox::crypto::KdfParams::INSECURE_FOR_TESTS)
        .unwrap();
    let out = ledger.run(&["reward", "verify", stranger.claim_token.digits()]);
    assert_eq!(out.status.code(), Some(1));

    // Paid, closed: a second bundle updates the page.
    ledger.ok(&["reward", "1", "paid"]);
    ledger.ok(&["status", "1", "closed"]);
    // The same token presented again: the reviewer at the counter is told not to pay twice.
    let again = ledger.ok(&["reward", "verify", &token]);
    assert!(again.contains("ALREADY PAID"), "{again}");
    let bundle2 = update_bundle(&ledger, work.path(), "u2.tbu");
    assert!(apply(&portal.data, &bundle2).status.success());
    let (_, page) = status_of(&portal, &receipt);
    assert_eq!(element_text(&page, "tip-status").as_deref(), Some("closed"));
    assert!(page.contains("has been paid"));
    assert!(page.contains("5000 yuan"));
    // Other receipts see nothing of it.
    let other = submit_ok(&portal, &Tip::default());
    let (_, page) = status_of(&portal, &other);
    assert_eq!(
        element_text(&page, "tip-status").as_deref(),
        Some("received")
    );
    assert!(!page.contains("REPLY-CANARY"));
    assert!(element_text(&page, "claim-token").is_none());
}

/// `reward TIP approve` on a paid reward set it back to approved and erased the day it was
/// paid; `reward TIP paid` again moved that day. A paid reward is now final, an approval
/// can still be corrected before payment (the audit log keeps the old amount), and an
/// amount above any reward scheme is taken for a typo.
#[test]
fn regression_approving_a_paid_reward_again_erased_the_payment() {
    let (_portal, ledger, _receipt, _work) = setup();
    let typo = ledger.run(&["reward", "1", "approve", "--amount", "5000000000"]);
    assert_eq!(typo.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("check the amount"));
    ledger.ok(&["reward", "1", "approve", "--amount", "500"]);
    let changed = ledger.ok(&["reward", "1", "approve", "--amount", "5000"]);
    assert!(
        changed.contains("changed from 500 to 5000 yuan"),
        "{changed}"
    );
    let again = ledger.ok(&["reward", "1", "approve", "--amount", "5000"]);
    assert!(again.contains("nothing changed"), "{again}");
    let audit = || std::fs::read_to_string(ledger.path().join("audit.log")).unwrap();
    assert!(audit().contains("5000 yuan (was 500 yuan)"), "{}", audit());

    ledger.ok(&["reward", "1", "paid"]);
    let recorded = audit();
    for args in [
        &["reward", "1", "approve", "--amount", "6000"][..],
        &["reward", "1", "paid"][..],
    ] {
        let out = ledger.run(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("paid on"), "{args:?}: {err}");
    }
    assert_eq!(audit(), recorded, "nothing was recorded");
    let report: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["report", "--format", "json"])).unwrap();
    assert_eq!(report["rewards_paid"]["amount"], 5000, "{report}");
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
    let import = |name: &str, last_update: u64| {
        let bundle = work.path().join(name);
        tipbox::bundle::inbox::write_with_last_update(
            std::fs::File::create(&bundle).unwrap(),
            &portal_id,
            "2026-12-01",
            Some(last_update),
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

#[test]
fn acknowledged_ciphertext_is_deleted_and_not_exported_again_and_nothing_is_lost() {
    let (portal, ledger, receipt, work) = setup();
    // A follow-up after the first import reaches the ledger in the next inbox bundle.
    let form = reqwest::blocking::multipart::Form::new()
        .text("receipt", receipt.clone())
        .text("message", "LATE-FOLLOWUP 还有新情况");
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
    assert_eq!(blob_paths(&portal.data).len(), 2);

    // Acknowledge what the ledger had imported (the tip, not the follow-up).
    let bundle = update_bundle(&ledger, work.path(), "u1.tbu");
    let out = apply(&portal.data, &bundle);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 sealed item(s) deleted"));
    assert_eq!(
        blob_paths(&portal.data).len(),
        1,
        "only the unacknowledged follow-up remains"
    );

    let inbox2 = work.path().join("inbox2.tbx");
    assert!(export(&portal.data, &inbox2).status.success());
    let out = ledger.ok(&["import", inbox2.to_str().unwrap()]);
    assert!(out.contains("0 new tip(s), 1 new follow-up(s)"), "{out}");
    // It says which tip to read again.
    assert!(out.contains("follow-ups joined tip(s) 1:"), "{out}");
    let shown = ledger.ok(&["show", "1"]);
    assert!(
        shown.contains("LATE-FOLLOWUP 还有新情况"),
        "the follow-up shows under its tip"
    );
    assert!(
        shown.contains("description:"),
        "the ledger still has the tip itself"
    );

    let bundle2 = update_bundle(&ledger, work.path(), "u2.tbu");
    assert!(apply(&portal.data, &bundle2).status.success());
    assert!(
        blob_paths(&portal.data).is_empty(),
        "all ciphertext gone once acknowledged"
    );
    let inbox3 = work.path().join("inbox3.tbx");
    assert!(export(&portal.data, &inbox3).status.success());
    let out = ledger.ok(&["import", inbox3.to_str().unwrap()]);
    assert!(
        out.contains("0 new tip(s), 0 new follow-up(s), 0 already imported")
            && !out.contains("joined"),
        "{out}"
    );
    // The receipt still works for status and replies after the purge.
    let (status, page) = status_of(&portal, &receipt);
    assert_eq!(status, 200);
    assert_eq!(
        element_text(&page, "tip-status").as_deref(),
        Some("received")
    );
}

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
        std::process::Command::new(REVIEW_BIN)
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

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
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

#[test]
fn closed_tips_public_records_expire_after_the_retention_time() {
    let portal = Portal::start_with(PortalOptions {
        config: "retention_days = 0".into(),
        ..Default::default()
    });
    let closed = submit_ok(&portal, &Tip::default());
    let open = submit_ok(&portal, &Tip::default());
    let (ledger, work, _inbox) = import_into_new_ledger(&portal);
    // Which ledger id is which receipt does not matter: close one, keep one verifying.
    ledger.ok(&["status", "1", "closed"]);
    ledger.ok(&["status", "2", "verifying"]);
    let bundle = update_bundle(&ledger, work.path(), "u.tbu");
    let out = apply(&portal.data, &bundle);
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("1 expired"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let statuses: Vec<u16> = [&closed, &open]
        .iter()
        .map(|r| status_of(&portal, r).0)
        .collect();
    let mut sorted = statuses.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        vec![200, 404],
        "the closed tip's record expired, the open one stays"
    );
    // The reporter of the expired tip is told why the code is unknown.
    let expired = if statuses[0] == 404 { &closed } else { &open };
    let (_, page) = status_of(&portal, expired);
    assert!(
        page.contains("records of closed tips are removed 0 days after their last update"),
        "{page}"
    );
}

/// `reply --message - < FILE` with the wrong file published a 1.2 MB reply: the
/// reporter's status page became 15 MB (over Tor, on a phone) and every update bundle
/// carried it again. Texts for the reporter are now capped; nothing is written when one is
/// refused.
#[test]
fn regression_a_reply_of_any_length_was_published_to_the_reporter() {
    let (_portal, ledger, _receipt, _work) = setup();
    let max = tipbox::ledger::MAX_PUBLIC_TEXT_CHARS;
    let out = ledger.run(&["reply", "1", "--message", &"答".repeat(max + 1)]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(&format!("over the {max}")), "{err}");
    let out = ledger.run(&[
        "status",
        "1",
        "verifying",
        "--public-note",
        &"注".repeat(max + 1),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let shown: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["show", "1", "--json"])).unwrap();
    assert_eq!(
        shown["status"], "new",
        "the refused status change was not made"
    );
    ledger.ok(&["reply", "1", "--message", &"答".repeat(max)]);
}

/// Every update bundle carried the whole public state of every tip the ledger ever
/// published, so it grew with the office's whole history: at 400-700 bytes a tip (status,
/// ids, signature, a short reply; measured), a ledger of about half a million tips made
/// bundles the portal refuses (256 MiB), and the back channel stopped for good. Finished tips unchanged for more than `[publishing]
/// finished_days` are now left out; the portal keeps the final state it already has.
#[test]
fn regression_update_bundles_grew_with_every_tip_ever_finished() {
    // A portal that keeps finished tips' records longer than the days moved back below.
    let portal = Portal::start_with(PortalOptions {
        config: "retention_days = 1000".into(),
        ..Default::default()
    });
    let receipts: Vec<String> = (0..3)
        .map(|_| submit_ok(&portal, &Tip::default()))
        .collect();
    let (ledger, work, _inbox) = import_into_new_ledger(&portal);
    ledger.ok(&["status", "1", "closed"]);
    ledger.ok(&["status", "2", "not-accepted"]);
    ledger.ok(&["status", "3", "verifying"]);
    let first = update_bundle(&ledger, work.path(), "1.tbu");
    assert!(apply(&portal.data, &first).status.success());

    // A year and more passes (the days are moved back in the ledger itself).
    let long_ago = tipbox::ledger::format_day(
        tipbox::ledger::parse_day(&tipbox::store::today()).unwrap() - time::Duration::days(400),
    );
    {
        let mut l = tipbox::ledger::Ledger::open(&ledger.path(), "test-clock").unwrap();
        for id in 1..=3 {
            l.update(
                id,
                tipbox::ledger::Action::Status,
                "test clock: days moved back",
                |t| {
                    t.status_day = Some(long_ago.clone());
                    Ok(())
                },
            )
            .unwrap();
        }
    }
    // A reply to a finished tip is a change: that tip is sent again. It was finished long
    // enough ago that a portal on its default retention would have removed its record:
    // the reviewer is warned that the reporter will probably never see it.
    let out = ledger.run(&["reply", "2", "--message", "感谢您的举报。"]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "tip 2 is finished, and what its reporter sees last changed on {long_ago}"
        )) && err.contains("will probably never see this"),
        "{err}"
    );
    let out = ledger.run(&["reply", "3", "--message", "正在核查。"]);
    assert!(out.stderr.is_empty(), "a tip still open: no warning");
    let out = ledger.ok(&[
        "export",
        "--out",
        work.path().join("2.tbu").to_str().unwrap(),
    ]);
    assert!(out.contains(": 2 tip(s) with public changes"), "{out}");
    assert!(out.contains("1 finished tip(s) left out"), "{out}");
    let out = apply(&portal.data, &work.path().join("2.tbu"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The reporter of the left-out tip still sees its final state.
    let mut seen: Vec<String> = receipts
        .iter()
        .map(|r| element_text(&status_of(&portal, r).1, "tip-status").unwrap())
        .collect();
    seen.sort();
    assert_eq!(seen, ["closed", "not-accepted", "verifying"]);

    // The window is the office's to set.
    let config = ledger.path().join("ledger.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace("finished_days = 365", "finished_days = 500"),
    )
    .unwrap();
    let out = ledger.ok(&[
        "export",
        "--out",
        work.path().join("3.tbu").to_str().unwrap(),
    ]);
    assert!(out.contains(": 3 tip(s) with public changes"), "{out}");
    assert!(!out.contains("left out"), "{out}");
}

#[test]
fn several_portals_feed_one_ledger_and_each_gets_only_its_own_updates() {
    let a = Portal::start();
    let b = Portal::start();
    let ra = submit_ok(
        &a,
        &Tip {
            description: "来自甲站点的线索内容",
            ..Tip::default()
        },
    );
    let rb = submit_ok(
        &b,
        &Tip {
            description: "来自乙站点的线索内容",
            ..Tip::default()
        },
    );
    let work = tempfile::tempdir().unwrap();
    let ledger = TestLedger::new();
    for (portal, name) in [(&a, "a.tbx"), (&b, "b.tbx")] {
        let inbox = work.path().join(name);
        assert!(export(&portal.data, &inbox).status.success());
        ledger.ok(&["import", inbox.to_str().unwrap()]);
    }
    ledger.ok(&["status", "1", "verifying"]);
    ledger.ok(&["status", "2", "closed"]);
    // Which portal? The ledger refuses to guess.
    let out = ledger.run(&[
        "export",
        "--out",
        work.path().join("x.tbu").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--portal"));
    let portal_id = |p: &Portal| {
        let meta: serde_json::Value =
            serde_json::from_slice(&std::fs::read(p.data.join("portal.json")).unwrap()).unwrap();
        meta["portal_id"].as_str().unwrap().to_owned()
    };
    let ua = work.path().join("ua.tbu");
    let ub = work.path().join("ub.tbu");
    ledger.ok(&[
        "export",
        "--portal",
        &portal_id(&a),
        "--out",
        ua.to_str().unwrap(),
    ]);
    ledger.ok(&[
        "export",
        "--portal",
        &portal_id(&b),
        "--out",
        ub.to_str().unwrap(),
    ]);
    // Crossed: refused.
    assert_eq!(apply(&b.data, &ua).status.code(), Some(1));
    assert_eq!(apply(&a.data, &ub).status.code(), Some(1));
    // Each its own: each portal shows its own tip's status; each has its own sequence.
    assert!(apply(&a.data, &ua).status.success());
    assert!(apply(&b.data, &ub).status.success());
    let sa = element_text(&status_of(&a, &ra).1, "tip-status").unwrap();
    let sb = element_text(&status_of(&b, &rb).1, "tip-status").unwrap();
    let mut both = vec![sa, sb];
    both.sort();
    assert_eq!(both, vec!["closed".to_string(), "verifying".to_string()]);
    // A receipt from one portal means nothing on the other.
    assert_eq!(status_of(&b, &ra).0, 404);
    assert!(
        blob_paths(&a.data).is_empty() && blob_paths(&b.data).is_empty(),
        "each portal purged its own"
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

/// `--out -` means standard output, as for `tipbox-portal export`: the update bundle (and
/// a notice or a report) goes there alone, with the summary line on standard error.
/// Outputs that must be durable files (a backup, a hand-over bundle) refuse `-` rather
/// than create a file named "-".
#[test]
fn dash_writes_the_update_bundle_to_standard_output_and_file_only_outputs_refuse_it() {
    let (portal, ledger, receipt, work) = setup();
    ledger.ok(&["status", "1", "verifying"]);
    let out = review_command(&ledger.path())
        .current_dir(work.path())
        .args(["export", "--out", "-"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("update bundle 1"));
    let bundle = work.path().join("from-stdout.tbu");
    std::fs::write(&bundle, &out.stdout).unwrap();
    let applied = apply(&portal.data, &bundle);
    assert!(
        applied.status.success(),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );
    let (_, page) = status_of(&portal, &receipt);
    assert_eq!(
        element_text(&page, "tip-status").as_deref(),
        Some("verifying")
    );

    let notice = review_command(&ledger.path())
        .current_dir(work.path())
        .args(["notice", "1", "--to", "县公安局", "--out", "-"])
        .output()
        .unwrap();
    assert!(notice.status.success());
    assert!(String::from_utf8_lossy(&notice.stdout).starts_with("<!DOCTYPE html>"));

    for args in [
        &["backup", "--out", "-"][..],
        &[
            "transfer",
            "1",
            "--to",
            "县纪委监委",
            "--recipient",
            "age1x",
            "--out",
            "-",
        ][..],
    ] {
        let out = review_command(&ledger.path())
            .current_dir(work.path())
            .args(args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("give a file name"));
    }
    assert!(
        !work.path().join("-").exists(),
        "a file named - was created"
    );
}

#[test]
fn import_dash_reads_the_inbox_bundle_from_standard_input() {
    let portal = Portal::start();
    submit_ok(&portal, &Tip::default());
    let work = tempfile::tempdir().unwrap();
    let bundle = work.path().join("inbox.tbx");
    assert!(export(&portal.data, &bundle).status.success());
    let bytes = std::fs::read(&bundle).unwrap();

    // A damaged copy through a pipe is refused whole, as from a file.
    let ledger = TestLedger::new();
    let cut = ledger.run_with_stdin(&["import", "-"], &bytes[..bytes.len() - 100]);
    assert_eq!(cut.status.code(), Some(2));
    let err = String::from_utf8_lossy(&cut.stderr);
    assert!(err.starts_with("tipbox-review: "), "{err}");
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 0);

    let out = ledger.run_with_stdin(&["import", "-"], &bytes);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 new tip(s)"));
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 1);
    // The same bundle again, from its file: nothing new.
    let again = ledger.ok(&["import", bundle.to_str().unwrap()]);
    assert!(
        again.contains("0 new tip(s)") && again.contains("1 already imported"),
        "{again}"
    );
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 1);
}

/// Update bundles acknowledged every item ever imported from the portal, so they grew by
/// about 35 bytes an item with the office's whole history (256 MiB, the most a portal
/// accepts, at about seven million items). They now acknowledge what the portal still
/// held at its last inbox bundle; an acknowledgement that never arrived is sent again.
#[test]
fn regression_update_bundles_acknowledged_every_item_ever_imported() {
    let (portal, ledger, _receipt, work) = setup();
    let export_acks = |name: &str| -> String {
        let out = ledger.ok(&["export", "--out", work.path().join(name).to_str().unwrap()]);
        let acks = out
            .split(", ")
            .find(|part| part.contains("acknowledgement(s)"))
            .unwrap_or_else(|| panic!("no acknowledgement count in: {out}"));
        acks.split_whitespace().next().unwrap().to_owned()
    };
    let import_inbox = |name: &str| {
        let inbox = work.path().join(name);
        assert!(export(&portal.data, &inbox).status.success());
        ledger.ok(&["import", inbox.to_str().unwrap()]);
    };

    // The first tip's acknowledgement is lost on the way: the next bundle carries it again.
    assert_eq!(export_acks("1.tbu"), "1");
    assert_eq!(export_acks("2.tbu"), "1");
    assert!(apply(&portal.data, &work.path().join("2.tbu"))
        .status
        .success());
    assert!(blob_paths(&portal.data).is_empty());

    // A second tip: only it is acknowledged, not the first one, which the portal deleted.
    submit_ok(&portal, &Tip::default());
    import_inbox("inbox2.tbx");
    assert_eq!(
        export_acks("3.tbu"),
        "1",
        "only the item the portal still holds"
    );
    // That bundle is never applied; the portal lists the item again, and it is
    // acknowledged again after the next import.
    import_inbox("inbox3.tbx");
    assert_eq!(export_acks("4.tbu"), "1");
    assert!(apply(&portal.data, &work.path().join("4.tbu"))
        .status
        .success());
    assert!(blob_paths(&portal.data).is_empty());

    // The portal holds nothing now: nothing to acknowledge, and both tips are still here.
    import_inbox("inbox4.tbx");
    assert_eq!(export_acks("5.tbu"), "0");
    for tip in ["1", "2"] {
        assert!(ledger.ok(&["show", tip]).contains("description:"));
    }
}

/// The portal counted a finished tip's retention from its status day alone, so a reply or a
/// reward decided months after the tip was closed had only the rest of those 180 days to
/// reach the reporter, or none. It now counts from the last change the reporter could see.
#[test]
fn regression_a_reply_after_closing_expired_with_the_closing_day() {
    let portal = Portal::start();
    // One tip per inbox bundle, so that tip 1 is the first receipt's.
    let receipts = [submit_ok(&portal, &Tip::default())];
    let (ledger, work, _inbox) = import_into_new_ledger(&portal);
    let receipts = [receipts[0].clone(), submit_ok(&portal, &Tip::default())];
    let inbox = work.path().join("inbox2.tbx");
    assert!(export(&portal.data, &inbox).status.success());
    ledger.ok(&["import", inbox.to_str().unwrap()]);
    ledger.ok(&["status", "1", "closed"]);
    ledger.ok(&["status", "2", "closed"]);
    ledger.ok(&["reply", "1", "--message", "LATE-REPLY 您反映的问题已查实。"]);
    // Both were closed 200 days ago, past the portal's default 180 days of retention; tip
    // 1's reply was written 10 days ago.
    let days_ago = |n| {
        tipbox::ledger::format_day(
            tipbox::ledger::parse_day(&tipbox::store::today()).unwrap() - time::Duration::days(n),
        )
    };
    {
        let mut l = tipbox::ledger::Ledger::open(&ledger.path(), "test-clock").unwrap();
        for id in 1..=2 {
            l.update(
                id,
                tipbox::ledger::Action::Status,
                "test clock: days moved back",
                |t| {
                    t.status_day = Some(days_ago(200));
                    for m in &mut t.public_messages {
                        m.day = days_ago(10);
                    }
                    Ok(())
                },
            )
            .unwrap();
        }
    }
    let bundle = update_bundle(&ledger, work.path(), "1.tbu");
    let out = apply(&portal.data, &bundle);
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("1 expired"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let (code, page) = status_of(&portal, &receipts[0]);
    assert_eq!(code, 200, "the reply is 10 days old: the record stays");
    assert_eq!(element_text(&page, "tip-status").as_deref(), Some("closed"));
    assert!(page.contains("LATE-REPLY"), "the reporter reads the reply");
    let (code, _) = status_of(&portal, &receipts[1]);
    assert_eq!(
        code, 404,
        "nothing changed for 200 days: the record is gone"
    );

    // The reviewer is warned about that one, not about the tip whose reply is recent.
    let warned = |tip: &str| {
        let out = ledger.run(&["reward", tip, "approve", "--amount", "500"]);
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stderr).contains("will probably never see this")
    };
    assert!(warned("2"));
    assert!(!warned("1"));
}

/// An inbox bundle's header is not authenticated. A hostile portal could call its own bundle
/// a hand-over from another unit, so that its new tips were marked as that unit's and left
/// out of every export (their reporters never answered). A bundle naming a portal this
/// ledger imports from directly is treated as that portal's.
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
    let forged = work.path().join("forged.tbx");
    tipbox::bundle::inbox::write_handover(
        std::fs::File::create(&forged).unwrap(),
        &portal_id,
        &tipbox::store::today(),
        &sources,
    )
    .unwrap();
    let out = ledger.ok(&["import", forged.to_str().unwrap()]);
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
