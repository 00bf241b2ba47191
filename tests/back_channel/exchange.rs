//! Acknowledgements, bundle sizes, several portals, and bundles through standard streams.

use super::*;

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
