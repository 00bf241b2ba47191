//! `tipbox-review report`: figures from ledger fields only, in four formats.

mod common;

use common::*;

#[test]
fn report_counts_from_ledger_fields_and_never_shows_content() {
    let mut inbox = Inbox::new();
    for (i, cat) in ["umbrella", "umbrella", "loan-shark", "vice"]
        .iter()
        .enumerate()
    {
        inbox.tip(&Tip {
            category: cat,
            description: &format!("REPORT-CANARY-{i} 线索内容"),
            ..Tip::default()
        });
    }
    let (ledger, work, _inbox) = import_into_new_ledger(&inbox);
    ledger.ok(&["assign", "1", "--to", "县公安局", "--due", "2020-01-01"]);
    ledger.ok(&["assign", "2", "--to", "县公安局"]);
    ledger.ok(&["status", "2", "closed"]);
    ledger.ok(&["status", "3", "stage-closed"]);
    ledger.ok(&["transfer", "4", "--to", "县纪委监委"]);
    ledger.ok(&["reward", "2", "approve", "--amount", "2000"]);
    ledger.ok(&["reward", "2", "paid"]);
    ledger.ok(&["reward", "3", "approve", "--amount", "500"]);
    ledger.ok(&[
        "add",
        "--channel",
        "phone",
        "--category",
        "umbrella",
        "--text",
        "REPORT-CANARY-phone",
    ]);

    let r: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["report", "--format", "json"])).unwrap();
    assert_eq!(r["total"], 5);
    assert_eq!(r["finished"], 2, "closed + transferred");
    assert_eq!(r["stage_closed"], 1);
    assert_eq!(r["in_progress"], 2);
    assert_eq!(r["closure_rate"], 0.4);
    assert_eq!(r["overdue"], 1);
    assert_eq!(r["by_category"]["umbrella"], 3);
    assert_eq!(r["by_channel"]["web"], 4);
    assert_eq!(r["by_channel"]["phone"], 1);
    assert_eq!(r["by_department"]["县公安局"], 2);
    assert_eq!(r["by_public_status"]["transferred"], 1);
    assert_eq!(r["transfers"], 1);
    assert_eq!(r["transfers_by_destination"]["县纪委监委"], 1);
    assert_eq!(
        r["rewards_approved"],
        serde_json::json!({"count": 2, "amount": 2500})
    );
    assert_eq!(
        r["rewards_paid"],
        serde_json::json!({"count": 1, "amount": 2000})
    );
    let week: u64 = r["per_week"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(week, 5);

    // A period that excludes everything.
    let empty: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["report", "--format", "json", "--to", "2000-01-01"]))
            .unwrap();
    assert_eq!(empty["total"], 0);
    assert_eq!(empty["closure_rate"], 0.0);
    // Dates given the wrong way round are a mistake, not an empty period.
    let swapped = ledger.run(&["report", "--from", "2026-12-01", "--to", "2026-01-01"]);
    assert_eq!(swapped.status.code(), Some(2));
    let err = String::from_utf8_lossy(&swapped.stderr);
    assert!(
        err.contains("--from 2026-12-01 is after --to 2026-01-01"),
        "{err}"
    );
    assert!(swapped.stdout.is_empty());

    let csv = ledger.ok(&["report", "--format", "csv"]);
    assert!(
        csv.starts_with('\u{FEFF}'),
        "CSV starts with a UTF-8 BOM for Excel/WPS"
    );
    assert!(csv.contains("\"department\",\"县公安局\",\"2\"\r\n"));
    let table = ledger.ok(&["report"]);
    assert!(table.contains("closure_rate") && table.contains("40.0%"));
    // Values line up in the terminal also after Chinese department names (two columns a
    // character): every row is 2 + 28 + 1 + 10 columns wide.
    assert!(table.contains("县公安局"));
    for row in table.lines().filter(|l| l.starts_with("  ")) {
        assert_eq!(
            unicode_width::UnicodeWidthStr::width(row),
            41,
            "misaligned row {row:?}"
        );
    }

    let html_path = work.path().join("report.html");
    ledger.ok(&[
        "report",
        "--format",
        "html",
        "--out",
        html_path.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.contains("<html lang=\"zh-Hans\""));
    assert!(html.contains("办结率") && html.contains("40.0%"));
    assert!(html.matches("<svg").count() >= 5, "charts are inline SVG");
    assert!(html.contains("公职人员充当"), "categories are labelled");
    for external in ["src=", "href=", "@import", "url("] {
        assert!(
            !html.contains(external),
            "the HTML report loads nothing ({external})"
        );
    }
    let en = ledger.ok(&["report", "--format", "html", "--lang", "en"]);
    assert!(en.contains("Closure rate"));

    for output in [&r.to_string(), &csv, &table, &html, &en] {
        assert!(!output.contains("REPORT-CANARY"), "tip content in a report");
    }

    // A department typed like a spreadsheet formula stays text in the CSV (Excel and WPS
    // would otherwise run it when the office opens the statistics).
    ledger.ok(&[
        "assign",
        "5",
        "--to",
        "=HYPERLINK(\"http://x.example\",\"1\")",
    ]);
    let csv = ledger.ok(&["report", "--format", "csv"]);
    assert!(
        csv.contains(
            "\"department\",\"'=HYPERLINK(\"\"http://x.example\"\",\"\"1\"\")\",\"1\"\r\n"
        ),
        "{csv}"
    );
}

#[test]
fn supervision_notice_carries_the_summary_never_the_tip_and_is_recorded() {
    let (ledger, work, _inbox) = ledger_with(&[Tip {
        description: "NOTICE-TIP-CANARY 原始线索内容",
        ..Tip::default()
    }]);
    ledger.ok(&["assign", "1", "--to", "县公安局", "--due", "2026-12-31"]);
    let first = work.path().join("n1.html");
    let second = work.path().join("n2.html");
    let out = ledger.ok(&[
        "notice",
        "1",
        "--to",
        "县公安局",
        "--summary",
        "反映某村村霸强占集体土地",
        "--out",
        first.to_str().unwrap(),
    ]);
    assert!(out.contains("第0001号"), "{out}");
    ledger.ok(&[
        "notice",
        "1",
        "--to",
        "县自然资源局",
        "--summary",
        "涉嫌非法占用耕地",
        "--due",
        "2027-01-15",
        "--out",
        second.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&first).unwrap();
    assert!(html.contains("督办通知书"));
    assert!(html.contains("第0001号"));
    assert!(html.contains("县公安局"));
    assert!(html.contains("反映某村村霸强占集体土地"));
    assert!(html.contains("2026-12-31"), "due date from the assignment");
    assert!(html.contains("注意保密"));
    assert!(
        !html.contains("NOTICE-TIP-CANARY"),
        "the raw tip never reaches a notice"
    );
    let html2 = std::fs::read_to_string(&second).unwrap();
    assert!(html2.contains("第0002号") && html2.contains("2027-01-15"));
    // A summary too short to mean anything says so (it used to ask for a --summary that
    // had been given), and uses no notice number.
    let short = ledger.run(&[
        "notice",
        "1",
        "--to",
        "县公安局",
        "--summary",
        "x",
        "--out",
        work.path().join("n-short.html").to_str().unwrap(),
    ]);
    assert_eq!(short.status.code(), Some(2));
    let err = String::from_utf8_lossy(&short.stderr);
    assert!(err.contains("--summary is too short"), "{err}");
    assert!(!work.path().join("n-short.html").exists());
    // The command exactly as SPEC.md gives it: no summary, a box to fill in by hand.
    let third = work.path().join("n3.html");
    ledger.ok(&[
        "notice",
        "1",
        "--to",
        "县公安局",
        "--out",
        third.to_str().unwrap(),
    ]);
    let html3 = std::fs::read_to_string(&third).unwrap();
    assert!(html3.contains("第0003号") && html3.contains("id=\"summary-blank\""));
    assert!(!html3.contains("NOTICE-TIP-CANARY"));
    assert!(
        !html.contains("summary-blank"),
        "a given summary fills the box"
    );
    let shown: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["show", "1", "--json"])).unwrap();
    let summaries: Vec<_> = shown["texts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "summary")
        .map(|t| t["text"].as_str().unwrap())
        .collect();
    assert_eq!(summaries, ["反映某村村霸强占集体土地", "涉嫌非法占用耕地"]);
    let audit = std::fs::read_to_string(ledger.path().join("audit.log")).unwrap();
    assert_eq!(audit.matches("\"action\":\"notice\"").count(), 3);
    assert!(
        !audit.contains("反映某村"),
        "the summary is sealed, not in the audit log"
    );
    assert!(
        files_containing(&ledger.path(), "反映某村村霸".as_bytes()).is_empty(),
        "the summary is sealed at rest"
    );
}

/// A notice whose page could not be written (a folder that does not exist, a folder given
/// as the file) still took the next number and was recorded as issued, so the office's
/// numbered series had a notice that was never printed. The page's file is now tried first.
#[test]
fn regression_a_notice_that_could_not_be_written_still_took_a_number() {
    let ledger = TestLedger::new();
    ledger.ok(&["add", "--channel", "visit", "--text", "来访举报"]);
    let work = tempfile::tempdir().unwrap();
    let missing_folder = work.path().join("no-such-folder").join("n.html");
    for out in [missing_folder.as_path(), work.path()] {
        let run = ledger.run(&[
            "notice",
            "1",
            "--to",
            "县公安局",
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(run.status.code(), Some(2), "{}", out.display());
        let err = String::from_utf8_lossy(&run.stderr);
        assert!(err.contains("cannot write"), "{err}");
    }
    assert!(
        all_files(work.path()).is_empty(),
        "a partial file was left behind"
    );
    let page = work.path().join("n.html");
    let out = ledger.ok(&[
        "notice",
        "1",
        "--to",
        "县公安局",
        "--out",
        page.to_str().unwrap(),
    ]);
    assert!(out.contains("第0001号"), "{out}");
    assert!(std::fs::read_to_string(&page).unwrap().contains("第0001号"));
    let audit = std::fs::read_to_string(ledger.path().join("audit.log")).unwrap();
    assert_eq!(audit.matches("\"action\":\"notice\"").count(), 1);
}

/// The summary index gained a field (handed over by another unit) in version 2. A ledger
/// whose index is of version 1 lists and reports as before: the index is rebuilt.
#[test]
fn a_summary_index_of_the_previous_version_is_rebuilt() {
    let ledger = TestLedger::new();
    ledger.ok(&["add", "--channel", "letter", "--text", "来信"]);
    let before = ledger.list_json();
    let index = ledger.path().join("index").join("summaries.bin");
    let mut bytes = std::fs::read(&index).unwrap();
    assert_eq!(&bytes[..8], b"TBXSUMv2");
    bytes[..8].copy_from_slice(b"TBXSUMv1");
    std::fs::write(&index, &bytes).unwrap();
    assert_eq!(ledger.list_json(), before);
    let report: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["report", "--format", "json"])).unwrap();
    assert_eq!(report["total"], 1, "{report}");
    ledger.ok(&["status", "1", "triaged"]);
    assert_eq!(
        &std::fs::read(&index).unwrap()[..8],
        b"TBXSUMv2",
        "rewritten in the current version by the next command that writes"
    );
}
