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
