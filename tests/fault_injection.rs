//! SIGKILL at many points during import, apply, export and ledger writes (issue #7).
//! After each kill: nothing half-applied, no ledger entry without its ciphertext, the
//! audit chain intact, and re-running the command completes the work.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;

const GENEROUS: &str = "submissions_per_minute = 100000\nlookups_per_minute = 100000";

fn kill_after(mut cmd: Command, delay: Duration) -> bool {
    let mut child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(delay);
    let finished = child.try_wait().unwrap().is_some();
    let _ = child.kill();
    let _ = child.wait();
    finished
}

fn review_cmd(ledger: &std::path::Path, args: &[&str]) -> Command {
    let mut c = review_command(ledger);
    c.args(args);
    c
}

/// Every entry's sealed items are present and open; the audit chain holds.
fn ledger_consistent(ledger: &TestLedger) {
    let list = ledger.list_json();
    for t in list.as_array().unwrap() {
        let id = t["id"].to_string();
        let shown: serde_json::Value =
            serde_json::from_str(&ledger.ok(&["show", &id, "--json"])).unwrap();
        assert_eq!(
            shown["items"].as_array().unwrap().len() as u64,
            t["items"].as_u64().unwrap(),
            "tip {id}"
        );
    }
    assert!(ledger.ok(&["audit", "verify"]).contains("intact"));
    // `list` and `report` read the summary index: it must agree with the database, as a
    // rebuild from the database shows.
    let report = ledger.ok(&["report", "--format", "json"]);
    std::fs::remove_dir_all(ledger.path().join("index")).unwrap();
    assert_eq!(
        ledger.list_json(),
        list,
        "summary index matched the database"
    );
    assert_eq!(ledger.ok(&["report", "--format", "json"]), report);
}

#[test]
fn kill_9_during_import_then_reimport_completes_consistently() {
    let mut inbox = Inbox::new();
    for i in 0..24 {
        inbox.tip(&Tip {
            files: vec![("big.bin".into(), vec![i as u8; 1 << 20])],
            ..Tip::default()
        });
    }
    let work = tempfile::tempdir().unwrap();
    let bundle = work.path().join("inbox.tbx");
    inbox.write(&bundle);
    let ledger = TestLedger::new();
    // The passphrase unlock takes about a second; kill points spread over unlock and import.
    for ms in [300u64, 900, 1200, 1500, 1800, 2200, 3000] {
        kill_after(
            review_cmd(&ledger.path(), &["import", bundle.to_str().unwrap()]),
            Duration::from_millis(ms),
        );
        ledger_consistent(&ledger);
    }
    ledger.ok(&["import", bundle.to_str().unwrap()]);
    assert_eq!(
        ledger.list_json().as_array().unwrap().len(),
        24,
        "every tip is in the ledger after a re-import"
    );
    ledger_consistent(&ledger);
}

#[test]
fn kill_9_during_apply_and_export_leaves_nothing_half_done() {
    let mut portal = Portal::start_with(PortalOptions {
        config: GENEROUS.into(),
        ..Default::default()
    });
    let receipts: Vec<String> = (0..20)
        .map(|i| {
            submit_ok(
                &portal,
                &Tip {
                    files: vec![("f.bin".into(), vec![i as u8; 200_000])],
                    ..Tip::default()
                },
            )
        })
        .collect();
    let (ledger, work, _inbox) = import_into_new_ledger(&portal);
    for id in 1..=20 {
        ledger.ok(&["status", &id.to_string(), "verifying"]);
    }
    let update = work.path().join("u.tbu");
    ledger.ok(&["export", "--out", update.to_str().unwrap()]);
    let data = portal.data.clone();
    portal.kill9();

    // export killed at various points: the final name only ever holds a complete bundle.
    let out = work.path().join("again.tbx");
    for ms in [5u64, 20, 60, 150] {
        let mut c = Command::new(PORTAL_BIN);
        c.args([
            "export",
            "--data",
            data.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        kill_after(c, Duration::from_millis(ms));
        if out.exists() {
            assert!(
                tipbox::bundle::inbox::verify(&out, |_| {}).is_ok(),
                "an incomplete bundle under its final name"
            );
        }
    }

    // apply killed at various points (store opened directly): then applied to completion.
    for ms in [5u64, 20, 60, 150, 400] {
        let mut c = Command::new(PORTAL_BIN);
        c.args([
            "apply",
            "--data",
            data.to_str().unwrap(),
            update.to_str().unwrap(),
        ]);
        kill_after(c, Duration::from_millis(ms));
    }
    let out = portal_cmd(&[
        "apply",
        "--data",
        data.to_str().unwrap(),
        update.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let portal = Portal::start_with(PortalOptions {
        data: Some(data.clone()),
        ..Default::default()
    });
    assert!(
        blob_paths(&data).is_empty(),
        "every acknowledged blob purged in the end"
    );
    for r in &receipts {
        let (status, page) = lookup(&portal, r, "en");
        assert_eq!(status, 200);
        assert_eq!(
            element_text(&page, "tip-status").as_deref(),
            Some("verifying"),
            "all or nothing, then all"
        );
    }
}

#[test]
fn kill_9_during_ledger_writes_keeps_the_audit_chain_intact() {
    let (ledger, _work, _inbox) = ledger_with(&[Tip::default()]);
    for (i, ms) in [10u64, 40, 80, 150, 300, 600].iter().enumerate() {
        let note = format!("note {i}");
        kill_after(
            review_cmd(&ledger.path(), &["note", "1", &note]),
            Duration::from_millis(*ms),
        );
        kill_after(
            review_cmd(
                &ledger.path(),
                &[
                    "status",
                    "1",
                    if i % 2 == 0 { "verifying" } else { "assigned" },
                ],
            ),
            Duration::from_millis(*ms),
        );
        kill_after(
            review_cmd(&ledger.path(), &["reply", "1", "--message", "reply"]),
            Duration::from_millis(*ms),
        );
        assert!(
            ledger.ok(&["audit", "verify"]).contains("intact"),
            "after kills at {ms} ms"
        );
    }
    ledger_consistent(&ledger);
    ledger.ok(&["note", "1", "after the storm"]);
    assert!(ledger.ok(&["audit", "verify"]).contains("intact"));
}

/// A snapshot file sled left half-written: it sorts after every finished one.
fn plant_unfinished_sled_snapshot(db_dir: &std::path::Path) {
    assert!(
        db_dir.join("db").is_file(),
        "{} is a sled folder",
        db_dir.display()
    );
    std::fs::write(
        db_dir.join("snap.FFFFFFFFFFFFFFF0.generating"),
        b"half a snapshot",
    )
    .unwrap();
}

/// Regression (CI, session 2): a kill -9 while sled wrote its start-up snapshot left
/// `snap.*.generating` behind, and the ledger then refused to open with "Read corrupted
/// data at file offset None" (sled 0.34 reads unfinished snapshots, spacejam/sled#1527).
#[test]
fn regression_unfinished_sled_snapshot_does_not_lock_the_office_out_of_its_ledger() {
    let (ledger, _work, _inbox) = ledger_with(&[Tip::default()]);
    let before = ledger.list_json();
    plant_unfinished_sled_snapshot(&ledger.path().join("db"));
    assert_eq!(ledger.list_json(), before, "nothing lost");
    ledger.ok(&["note", "1", "still writable"]);
    assert!(ledger.ok(&["audit", "verify"]).contains("intact"));
}

/// The same regression on the portal's index: it restarts and still knows every receipt.
#[test]
fn regression_unfinished_sled_snapshot_does_not_stop_the_portal() {
    let mut portal = Portal::start();
    let receipt = submit_ok(&portal, &Tip::default());
    let data = portal.data.clone();
    let _keep = portal.take_dir();
    portal.kill9();
    plant_unfinished_sled_snapshot(&data.join("index"));
    let portal = Portal::start_with(PortalOptions {
        data: Some(data),
        ..Default::default()
    });
    let (status, page) = lookup(&portal, &receipt, "en");
    assert_eq!(status, 200);
    assert_eq!(
        element_text(&page, "tip-status").as_deref(),
        Some("received")
    );
}
