//! Strings from a bundle or the settings that would drive the reviewer's terminal.

use super::*;

/// Finding 3 (medium): the header's `portal_id` was not validated and was printed raw by
/// `import` ("imported from portal ..."): ESC[8m hid the NOT PROVEN warning after it, and
/// OSC 52 wrote the clipboard. Now every identifier of the header, the entries and the
/// manifests is checked where it enters, and nothing of a refused bundle is echoed.
#[test]
fn regression_the_bundle_header_could_drive_the_terminal() {
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let good = tipbox::store::Store::new_id();
    let (m, plain) = new_tip(&good, &[("description", "x")], &[]);
    let item = || Entry::sealed(&m.blob_id, &plain);
    for hostile in [
        format!("{good}\u{1b}[8m"),
        "\u{1b}]52;c;cm0gLXJmIH4K\u{7}".to_owned(),
        format!("{}\u{202e}", &good[..31]),
        "synthetic-portal".to_owned(),
        good.to_uppercase(),
        String::new(),
    ] {
        let mut header = forge::header(&good, 1);
        header["portal_id"] = hostile.clone().into();
        refused(
            &ledger,
            work.path(),
            &forge::bundle(&header, &[item()]),
            "the header's portal id is not 32 hexadecimal digits",
        );
    }
    // The other fields of the header and of an entry that reach the terminal.
    let mut header = forge::header(&good, 1);
    header["made"] = "2026-12-01\u{1b}[8m".into();
    refused(
        &ledger,
        work.path(),
        &forge::bundle(&header, &[item()]),
        "the header's day",
    );
    let mut entry = item();
    entry.sealed_to = "\u{1b}[2J\u{1b}[H".into();
    refused(
        &ledger,
        work.path(),
        &forge::bundle(&forge::header(&good, 1), &[entry]),
        "key fingerprint is not 16 hexadecimal digits",
    );
    // And the manifest's ids: the tip id and portal id must be the portal's own kind.
    for (field, value) in [
        ("portal_id", format!("{good}\u{1b}[8m")),
        ("tip_id", "t".to_owned()),
        ("tip_id", "\u{9b}31m".to_owned()),
        ("lang", "zh-Hans\u{1b}[8m".to_owned()),
        ("reply_public_key", "\u{1b}".repeat(64)),
    ] {
        let mut m = m.clone();
        match field {
            "portal_id" => m.portal_id = value,
            "tip_id" => m.tip_id = value,
            "lang" => m.lang = value,
            _ => m.reply_public_key = Some(value),
        }
        let plain = forge::container(&[("description", "x")], &[], &m, None);
        let header = forge::header(&good, 1);
        let why = match field {
            "portal_id" => "portal id is not 32 hexadecimal digits",
            "tip_id" => "tip id is not 32 hexadecimal digits",
            "lang" => "language",
            _ => "key that is not 64 hexadecimal digits",
        };
        refused(
            &ledger,
            work.path(),
            &forge::bundle(&header, &[Entry::sealed(&m.blob_id, &plain)]),
            why,
        );
    }
    // The genuine shape imports, and says which portal it came from.
    let (code, stdout, _) = import(
        &ledger,
        work.path(),
        &forge::bundle(&forge::header(&good, 1), &[item()]),
    );
    assert_eq!(code, 0);
    assert!(
        stdout.starts_with(&format!("imported from portal {good}: 1 new tip(s)")),
        "{stdout}"
    );
}

/// Finding 5 (low): `show --json` emitted U+202E, C1 controls (U+009B) and DEL raw, while
/// the text output replaced them. JSON output now escapes them (`\u202e`): the value is the
/// same, and nothing on the screen acts on them.
#[test]
fn regression_show_json_emitted_bidi_and_c1_controls_raw() {
    let hostile = "名单\u{202e}gpj.exe \u{9b}31m红色\u{7f} \u{1b}[8m隐藏 \u{2066}x\u{2069}";
    let (ledger, _work, _) = ledger_with(&[Tip {
        description: hostile,
        location: "\u{9b}2J某镇",
        ..Tip::default()
    }]);
    for args in [
        &["show", "1", "--json"][..],
        &["list", "--json"],
        &["search", "名单", "--json"],
        &["report", "--format", "json"],
    ] {
        let out = ledger.ok(args);
        assert!(
            !out.chars()
                .any(|c| c != '\n' && tipbox::safe_output::is_unsafe_char(c)),
            "{args:?} printed a control character raw: {out:?}"
        );
        let _: serde_json::Value = serde_json::from_str(&out).unwrap();
    }
    let shown: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["show", "1", "--json"])).unwrap();
    assert_eq!(
        shown["items"][0]["fields"]["description"], hostile,
        "the value itself is kept"
    );
    let text = ledger.ok(&["show", "1"]);
    assert!(
        !has_unsafe_char(&text.replace(['\n', '\t'], "")),
        "{text:?}"
    );
}

/// Error messages named the bundle or backup as its file name was, so a file on the USB
/// stick named with ESC or OSC 52 drove the terminal; a `ledger.toml` key written with
/// TOML escapes did the same on every command. Every message is filtered where it is
/// printed.
#[test]
fn regression_file_names_and_settings_keys_drove_the_terminal_in_error_messages() {
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let hostile = work
        .path()
        .join("inbox\u{1b}]52;c;cm0gLXJmIH4K\u{7}\u{9b}31m.tbx");
    std::fs::write(&hostile, b"TIPBOX-INBOX\0\x02garbage").unwrap();
    for args in [
        vec!["import", hostile.to_str().unwrap()],
        vec![
            "restore",
            hostile.to_str().unwrap(),
            "--ledger",
            work.path().join("new").to_str().unwrap(),
        ],
        vec!["backup", "verify", hostile.to_str().unwrap()],
    ] {
        let out = ledger.run(&args);
        assert_ne!(out.status.code(), Some(0), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !has_unsafe_char(&err.replace('\n', "")),
            "{args:?}: {err:?}"
        );
    }
    let settings = ledger.path().join("ledger.toml");
    let original = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(
        &settings,
        format!("\"\\u001b]52;c;eA==\\u0007\\u009b31m\" = 1\n{original}"),
    )
    .unwrap();
    let out = ledger.run(&["list"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown field") && !has_unsafe_char(&err.replace('\n', "")),
        "{err:?}"
    );
}

/// Other inputs the air-gapped side reads get the same review. `ledger.toml` (a restored
/// backup brings its own): day counts become dates, and a count past year 9999 made
/// `assign` panic while computing the due date; the office's name is printed on notices.
/// Both are checked when the file is read, by every command, with the fix in the message.
#[test]
fn ledger_settings_that_break_dates_or_the_terminal_are_refused_with_the_fix() {
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let portal = tipbox::store::Store::new_id();
    let (m, plain) = new_tip(&portal, &[("description", "x")], &[]);
    let (code, _, _) = import(
        &ledger,
        work.path(),
        &forge::bundle(
            &forge::header(&portal, 1),
            &[Entry::sealed(&m.blob_id, &plain)],
        ),
    );
    assert_eq!(code, 0);
    let settings = ledger.path().join("ledger.toml");
    let original = std::fs::read_to_string(&settings).unwrap();
    for (from, to, why) in [
        (
            "verify_days = 60",
            "verify_days = 4000000000",
            "verify_days = 4000000000 is outside 1 to 3650 days",
        ),
        (
            "acknowledge_days = 7",
            "acknowledge_days = 0",
            "acknowledge_days = 0 is outside",
        ),
        (
            "[deadlines]",
            "office_name = \"办公室\\u001b]52;c;eA==\\u0007\"\n[deadlines]",
            "office_name must be",
        ),
    ] {
        std::fs::write(&settings, original.replace(from, to)).unwrap();
        for args in [
            &["assign", "1", "--to", "县公安局"][..],
            &["list"],
            &["show", "1"],
            &["report"],
        ] {
            let out = ledger.run(args);
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?} with {to}: {err}");
            assert!(err.contains(why) && !err.contains("panicked"), "{err}");
            assert!(!has_unsafe_char(&err), "{err:?}");
        }
    }
    std::fs::write(&settings, original).unwrap();
    ledger.ok(&["list"]);
}
