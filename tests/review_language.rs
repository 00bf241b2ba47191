//! The reviewer's program speaks the office's language: in a `zh_CN.UTF-8` locale its help,
//! its refusals, its casework messages and the default `report` table are Simplified
//! Chinese; `--lang` chooses, and English stays byte for byte what it was.

mod common;

use common::*;

/// `tipbox-review` on `ledger` in a locale (`LC_ALL`, which decides over `LANG`).
fn in_locale(ledger: &TestLedger, locale: &str, args: &[&str]) -> std::process::Output {
    review_command(&ledger.path())
        .env("LC_ALL", locale)
        .args(["--as", "test-reviewer"])
        .args(args)
        .output()
        .unwrap()
}

fn text(out: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ledger_with_a_tip() -> TestLedger {
    let l = TestLedger::new();
    l.ok(&[
        "add",
        "--channel",
        "phone",
        "--category",
        "loan-shark",
        "--text",
        "来电反映某公司暴力催收",
    ]);
    l
}

#[test]
fn a_chinese_locale_gets_chinese_help_and_english_is_a_flag_away() {
    let l = TestLedger::new();
    let (zh, _) = text(&in_locale(&l, "zh_CN.UTF-8", &["--help"]));
    assert!(zh.contains("用法"), "{zh}");
    assert!(zh.contains("台账"), "{zh}");
    assert!(!zh.contains("Usage:"), "{zh}");
    let (sub, _) = text(&in_locale(&l, "zh_CN.UTF-8", &["assign", "--help"]));
    assert!(sub.contains("YYYY-MM-DD"), "{sub}");
    assert!(!sub.contains("Print help"), "{sub}");
    let (hant, _) = text(&in_locale(&l, "zh_TW.UTF-8", &["--help"]));
    assert!(hant.contains("台帳"), "{hant}");
    for (locale, args) in [
        ("zh_CN.UTF-8", &["--lang", "en", "--help"][..]),
        ("C.UTF-8", &["--help"][..]),
        ("en_US.UTF-8", &["--help"][..]),
    ] {
        let (en, _) = text(&in_locale(&l, locale, args));
        assert!(
            en.starts_with("The reviewer's CLI for tipbox"),
            "{locale}: {en}"
        );
        assert!(en.contains("Usage: tipbox-review"), "{locale}: {en}");
    }
}

#[test]
fn refusals_and_casework_speak_the_locales_language() {
    let l = ledger_with_a_tip();
    let out = in_locale(&l, "zh_CN.UTF-8", &["link", "1", "1"]);
    assert_eq!(out.status.code(), Some(2));
    let (_, err) = text(&out);
    assert_eq!(err, "tipbox-review: 线索不能与自身串并\n");
    let (_, err) = text(&in_locale(
        &l,
        "zh_CN.UTF-8",
        &["assign", "1", "--to", "县公安局", "--due", "soon"],
    ));
    assert_eq!(
        err,
        "tipbox-review: --due \"soon\" 不是日期，请写成 YYYY-MM-DD\n"
    );
    let (out, _) = text(&in_locale(
        &l,
        "zh_CN.UTF-8",
        &["triage", "1", "--priority", "high"],
    ));
    assert_eq!(out, "线索 1：已研判（triaged）\n");
    // The same refusal in English, exactly as before the catalog.
    let (_, err) = text(&in_locale(
        &l,
        "zh_CN.UTF-8",
        &["--lang", "en", "link", "1", "1"],
    ));
    assert_eq!(err, "tipbox-review: a tip cannot be linked to itself\n");
    let (out, _) = text(&in_locale(&l, "C.UTF-8", &["triage", "1"]));
    assert_eq!(out, "tip 1: triaged\n");
}

#[test]
fn the_default_report_table_is_chinese_in_a_chinese_locale() {
    let l = ledger_with_a_tip();
    let (zh, _) = text(&in_locale(&l, "zh_CN.UTF-8", &["report"]));
    for word in [
        "[总体情况]",
        "收集线索",
        "办结率",
        "[线索类别]",
        "套路贷",
        "[线索来源]",
        "电话",
    ] {
        assert!(zh.contains(word), "{word} missing:\n{zh}");
    }
    let (en, _) = text(&in_locale(&l, "C.UTF-8", &["report"]));
    assert!(
        en.contains("[summary]") && en.contains("loan-shark"),
        "{en}"
    );
    // The CSV and JSON are for machines: the same in every language.
    for format in ["csv", "json"] {
        let (a, _) = text(&in_locale(
            &l,
            "zh_CN.UTF-8",
            &["report", "--format", format],
        ));
        let (b, _) = text(&in_locale(&l, "C.UTF-8", &["report", "--format", format]));
        assert_eq!(a, b, "{format}");
    }
}

#[test]
fn errors_imports_and_the_tip_view_speak_the_locales_language() {
    let l = ledger_with_a_tip();
    let work = tempfile::tempdir().unwrap();
    let junk = work.path().join("inbox.tbx");
    std::fs::write(&junk, b"not a bundle").unwrap();
    let junk = junk.to_str().unwrap();
    let out = in_locale(&l, "zh_CN.UTF-8", &["import", junk]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out).1,
        "tipbox-review: 这不是 tipbox 的 inbox 数据包（文件拿错了？）。未导入任何内容\n"
    );
    let out = in_locale(&l, "zh_TW.UTF-8", &["import", junk]);
    assert_eq!(
        text(&out).1,
        "tipbox-review: 這不是 tipbox 的 inbox 資料包（檔案拿錯了？）。未匯入任何內容\n"
    );
    let out = in_locale(&l, "zh_CN.UTF-8", &["show", "9"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out).1,
        "tipbox-review: 本台账中没有线索 9；`tipbox-review list` 可列出全部编号\n"
    );
    let (shown, _) = text(&in_locale(&l, "zh_CN.UTF-8", &["show", "1"]));
    assert!(shown.contains("来源 电话（phone）"), "{shown}");
    assert!(shown.contains("状态：新收（new）"), "{shown}");
    assert!(shown.contains("来电反映某公司暴力催收"), "{shown}");
    let (shown, _) = text(&in_locale(&l, "C.UTF-8", &["show", "1"]));
    assert!(shown.starts_with("Tip 1  received "), "{shown}");
    assert!(
        shown.contains("Status: new (reporter sees: received)"),
        "{shown}"
    );
}

/// What a command writes into the ledger does not depend on the language it was given in:
/// the same day's work in Chinese and in English leaves the same tips and the same audit
/// trail (its times aside).
#[test]
fn the_ledger_is_the_same_whatever_language_the_work_was_done_in() {
    let work = [
        &[
            "triage",
            "1",
            "--priority",
            "high",
            "--category",
            "loan-shark",
        ][..],
        &["assign", "1", "--to", "县公安局"],
        &["note", "1", "核实中"],
        &["show", "1"],
        &["search", "催收"],
        &["status", "1", "verifying"],
        &[
            "add",
            "--channel",
            "letter",
            "--category",
            "vice",
            "--text",
            "来信反映",
        ],
        &["link", "1", "2"],
        &["transfer", "2", "--to", "市纪委监委"],
    ];
    let mut results = Vec::new();
    for locale in ["zh_CN.UTF-8", "zh_TW.UTF-8", "C.UTF-8"] {
        let l = ledger_with_a_tip();
        for args in work {
            let out = in_locale(&l, locale, args);
            assert!(out.status.success(), "{locale} {args:?}: {:?}", text(&out));
        }
        let list = text(&in_locale(&l, locale, &["list", "--json"])).0;
        let shown = text(&in_locale(&l, locale, &["show", "1", "--json"])).0;
        // Each audit line without its time (and the chain hash that covers the time).
        let audit: Vec<serde_json::Value> = std::fs::read_to_string(l.path().join("audit.log"))
            .unwrap()
            .lines()
            .map(|line| {
                let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
                let o = v.as_object_mut().unwrap();
                o.retain(|k, _| !matches!(k.as_str(), "at" | "time" | "hash" | "prev"));
                v
            })
            .collect();
        results.push((locale, list, shown, audit));
    }
    for r in &results[1..] {
        assert_eq!(
            r.1, results[0].1,
            "list --json: {} and {}",
            r.0, results[0].0
        );
        assert_eq!(
            r.2, results[0].2,
            "show --json: {} and {}",
            r.0, results[0].0
        );
        assert_eq!(r.3, results[0].3, "audit log: {} and {}", r.0, results[0].0);
    }
}
