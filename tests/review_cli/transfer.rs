//! Handing a tip over to another unit (`transfer`) and importing the hand-over there.

use super::*;

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
    // Which key the tip's content went to is on record, each time (regression: a second
    // bundle could be sealed to any key with no trace of which).
    assert_eq!(audit.matches(", sealed to age1").count(), 2, "{audit}");
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
