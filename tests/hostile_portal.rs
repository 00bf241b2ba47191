//! What a hostile portal can and cannot do to the ledger and to reporters: the tests behind
//! the table in SECURITY.md, "What a hostile portal can and cannot do".
//!
//! Every bundle here is built by hand from docs/formats.md and sealed to the office's
//! public recipient, as anyone who holds it can, and as a portal that was taken over does
//! naturally. It is correctly sealed and checksummed: only the ledger's own rules stand
//! between it and the ledger.

mod common;

use common::forge::{self, Entry};
use common::*;
use tipbox::tip::Kind;

/// A portal with one genuine tip (reward wanted, category `umbrella`) and the reporter's
/// own signed follow-up, imported into a new ledger.
struct Imported {
    portal: Portal,
    receipt: String,
    ledger: TestLedger,
    work: tempfile::TempDir,
    tip: tipbox::tip::Manifest,
}

fn imported() -> Imported {
    let portal = Portal::start();
    let receipt = submit_ok(
        &portal,
        &Tip {
            reward: true,
            ..Tip::default()
        },
    );
    let (status, _) = post_followup(&portal, &receipt, "GENUINE 补充：他的车牌是某A12345");
    assert_eq!(status, 200);
    let tip = forge::portal_tip_manifest(&portal.data);
    let (ledger, work, _) = import_into_new_ledger(&portal);
    Imported {
        portal,
        receipt,
        ledger,
        work,
        tip,
    }
}

/// Write `bundle` into the work folder and import it; returns (exit code, stdout, stderr).
fn import(ledger: &TestLedger, work: &std::path::Path, bundle: &[u8]) -> (i32, String, String) {
    let path = work.join(format!("hand-made-{}.tbx", tipbox::store::Store::new_id()));
    std::fs::write(&path, bundle).unwrap();
    let out = ledger.run(&["import", path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !has_unsafe_char(&stdout) && !has_unsafe_char(&stderr),
        "import printed a control character: {stdout:?} {stderr:?}"
    );
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

/// The import is refused (exit 2) with a message containing `why`, and the ledger is left
/// exactly as it was.
fn refused(ledger: &TestLedger, work: &std::path::Path, bundle: &[u8], why: &str) {
    // A command first, so that the summary index exists and is clean.
    ledger.ok(&["list"]);
    let before = ledger_state(ledger);
    let (code, stdout, stderr) = import(ledger, work, bundle);
    assert_eq!(code, 2, "accepted: {stdout} {stderr}");
    assert!(stderr.contains(why), "expected {why:?} in: {stderr}");
    assert!(stderr.contains("Nothing was imported"), "{stderr}");
    let after = ledger_state(ledger);
    let changed: Vec<&String> = after
        .iter()
        .filter(|kv| !before.contains(kv))
        .chain(before.iter().filter(|kv| !after.contains(kv)))
        .map(|(k, _)| k)
        .collect();
    assert!(
        changed.is_empty(),
        "a refused bundle changed the ledger ({why}): {changed:?}"
    );
}

/// Finding 1 of the outside attack (high): a second `tip` item naming an imported tip's
/// portal and tip ids was merged into it, and its reply key, claim verifier and follow-up
/// key replaced the genuine ones. Now such a bundle is refused whole, and everything the
/// genuine item established keeps working end to end: the category and reward flag, the
/// reporter's claim token, the reply (read on the portal with the genuine receipt), and the
/// proof marks of follow-ups.
#[test]
fn regression_a_second_tip_item_took_over_an_imported_tip() {
    let Imported {
        portal,
        receipt,
        ledger,
        work,
        tip,
    } = imported();
    let genuine = forge::receipt_keys(&portal.data, &receipt);
    let attacker = forge::receipt_keys(
        &portal.data,
        tipbox::receipt::ReceiptCode::generate().digits(),
    );
    let takeover = || {
        let mut m = forge::manifest(Kind::Tip, &tip.portal_id, &tip.tip_id, &tip.day);
        m.reply_public_key = Some(hex::encode(attacker.reply_public));
        m.claim_verifier = Some(attacker.claim_token.verifier());
        m.followup_verify_key = Some(hex::encode(attacker.followup_key.verify_key()));
        let plain = forge::container(
            &[("category", "other"), ("description", "TAKEOVER 假线索")],
            &[],
            &m,
            None,
        );
        (m.blob_id.clone(), plain)
    };
    let retraction = |signer: &tipbox::crypto::SigningKey| {
        let m = forge::manifest(Kind::Followup, &tip.portal_id, &tip.tip_id, &tip.day);
        let plain = forge::container(&[("message", "FORGED 我撤回举报")], &[], &m, Some(signer));
        Entry::sealed(&m.blob_id, &plain)
    };

    // The takeover alone; with a genuine-looking new tip beside it; with a retraction
    // signed by the key it names.
    let (id, plain) = takeover();
    let alone = [Entry::sealed(&id, &plain)];
    refused(
        &ledger,
        work.path(),
        &forge::bundle(&forge::header(&tip.portal_id, 1), &alone),
        "second tip item for tip 1",
    );
    let other = forge::manifest(
        Kind::Tip,
        &tip.portal_id,
        &tipbox::store::Store::new_id(),
        &tip.day,
    );
    let beside = [
        Entry::sealed(
            &other.blob_id,
            &forge::container(&[("description", "新线索")], &[], &other, None),
        ),
        Entry::sealed(&id, &plain),
        retraction(&attacker.followup_key),
    ];
    refused(
        &ledger,
        work.path(),
        &forge::bundle(&forge::header(&tip.portal_id, 3), &beside),
        "second tip item for tip 1",
    );

    // A forged retraction on its own is an addition: imported, and marked NOT PROVEN; the
    // reporter's own follow-up is still proven.
    let (code, stdout, stderr) = import(
        &ledger,
        work.path(),
        &forge::bundle(
            &forge::header(&tip.portal_id, 1),
            &[retraction(&attacker.followup_key)],
        ),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("0 new tip(s), 1 new follow-up(s)"),
        "{stdout}"
    );
    assert!(stderr.contains("NOT PROVEN"), "{stderr}");
    let shown = ledger.ok(&["show", "1"]);
    let genuine_at = shown.find("GENUINE").unwrap();
    let forged_at = shown.find("FORGED").unwrap();
    let yes = "from the receipt holder: yes";
    let not_proven = "from the receipt holder: NOT PROVEN";
    assert!(
        shown[..genuine_at].rfind(yes) > shown[..genuine_at].rfind(not_proven),
        "{shown}"
    );
    assert!(
        shown[..forged_at].rfind(not_proven) > shown[..forged_at].rfind(yes),
        "{shown}"
    );
    assert!(!shown.contains("TAKEOVER"), "{shown}");

    // Category and reward flag as the reporter sent them.
    let json: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["show", "1", "--json"])).unwrap();
    assert_eq!(json["category"], "umbrella");
    assert_eq!(json["reward_wanted"], true);
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 1);

    // The reporter's claim token is the one the ledger accepts; the attacker's is refused.
    ledger.ok(&["reward", "1", "approve", "--amount", "5000"]);
    let verify = |token: &str| ledger.run(&["reward", "verify", token]).status.code();
    assert_eq!(verify(genuine.claim_token.digits()), Some(0));
    assert_eq!(verify(attacker.claim_token.digits()), Some(1));

    // A reply is sealed to the genuine reply key: the reporter reads it on the portal.
    ledger.ok(&["reply", "1", "--message", "REPLY-CANARY 已转公安机关核查"]);
    let update = work.path().join("update.tbu");
    ledger.ok(&["export", "--out", update.to_str().unwrap()]);
    let applied = portal_cmd(&[
        "apply",
        "--data",
        portal.data.to_str().unwrap(),
        update.to_str().unwrap(),
    ]);
    assert!(applied.status.success(), "{applied:?}");
    let (_, page) = lookup(&portal, &receipt, "zh-Hans");
    assert!(page.contains("REPLY-CANARY"), "{page}");
}

/// Two tip items for one new tip in the same bundle: the second would rewrite the first.
#[test]
fn two_tip_items_for_one_tip_in_one_bundle_are_refused() {
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let (portal_id, tip_id) = (
        tipbox::store::Store::new_id(),
        tipbox::store::Store::new_id(),
    );
    let today = tipbox::store::today();
    let item = |category: &str| {
        let m = forge::manifest(Kind::Tip, &portal_id, &tip_id, &today);
        Entry::sealed(
            &m.blob_id,
            &forge::container(
                &[("category", category), ("description", "x")],
                &[],
                &m,
                None,
            ),
        )
    };
    refused(
        &ledger,
        work.path(),
        &forge::bundle(
            &forge::header(&portal_id, 2),
            &[item("umbrella"), item("other")],
        ),
        "second tip item for tip 1",
    );
    // Either one alone is a new tip.
    let (code, stdout, _) = import(
        &ledger,
        work.path(),
        &forge::bundle(&forge::header(&portal_id, 1), &[item("umbrella")]),
    );
    assert_eq!(code, 0);
    assert!(stdout.contains("1 new tip(s)"), "{stdout}");
}

/// A tip item of portal `portal_id` for a new tip, with `fields` and `files`.
fn new_tip(
    portal_id: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> (tipbox::tip::Manifest, Vec<u8>) {
    let m = forge::manifest(
        Kind::Tip,
        portal_id,
        &tipbox::store::Store::new_id(),
        &tipbox::store::today(),
    );
    let plain = forge::container(fields, files, &m, None);
    (m, plain)
}

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

/// The age header of `sealed` with `n` more X25519 stanzas (random shares and bodies) in
/// front of its own.
fn with_bogus_stanzas(sealed: &[u8], n: usize) -> Vec<u8> {
    use base64::Engine;
    let b64 = base64::prelude::BASE64_STANDARD_NO_PAD;
    let intro = b"age-encryption.org/v1\n";
    assert!(sealed.starts_with(intro));
    let mut out = intro.to_vec();
    for _ in 0..n {
        let mut share = [0u8; 32];
        let mut body = [0u8; 32];
        tipbox::crypto::random_bytes(&mut share);
        tipbox::crypto::random_bytes(&mut body);
        out.extend_from_slice(
            format!("-> X25519 {}\n{}\n", b64.encode(share), b64.encode(body)).as_bytes(),
        );
    }
    out.extend_from_slice(&sealed[intro.len()..]);
    out
}

/// Finding 4 (low-medium): the cost of refusing an item grew with the square of its age
/// stanzas (10,000 bogus stanzas, 1 MB: 30 s; a bundle of such items stalled the air-gapped
/// machine for hours), and the refusal said "sealed to another office" where the header was
/// simply malformed. Now the header is read once, line by line, up to 64 KiB and 64
/// stanzas (`keys::open_sealed`), and the message says what is wrong. (Its speed is a
/// benchmark matter; here, what it says.)
#[test]
fn regression_an_item_with_thousands_of_stanzas_took_minutes_to_refuse() {
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let portal = tipbox::store::Store::new_id();
    let (m, plain) = new_tip(&portal, &[("description", "x")], &[]);
    let sealed = forge::seal(&plain);
    let entry = |ciphertext: Vec<u8>| Entry {
        blob_id: m.blob_id.clone(),
        sealed_to: "0123456789abcdef".into(),
        ciphertext,
        checksum: None,
    };
    let started = std::time::Instant::now();
    for n in [10_000, 65] {
        let bundle = forge::bundle(
            &forge::header(&portal, 1),
            &[entry(with_bogus_stanzas(&sealed, n))],
        );
        refused(&ledger, work.path(), &bundle, "more than 64 recipients");
    }
    eprintln!(
        "two items with 10,000 and 65 bogus stanzas refused in {:?}",
        started.elapsed()
    );
    // A header over 64 KiB in a few stanzas of another type.
    let mut big = b"age-encryption.org/v1\n-> grease ".to_vec();
    big.extend(std::iter::repeat_n(b'a', 70_000));
    big.extend_from_slice(b"\n");
    big.extend_from_slice(&sealed[b"age-encryption.org/v1\n".len()..]);
    refused(
        &ledger,
        work.path(),
        &forge::bundle(&forge::header(&portal, 1), &[entry(big)]),
        "larger than 64 KiB",
    );
    // A few bogus stanzas: within the bound, the header's MAC no longer matches. That is a
    // malformed item, not one sealed to another office.
    let bundle = forge::bundle(
        &forge::header(&portal, 1),
        &[entry(with_bogus_stanzas(&sealed, 3))],
    );
    let before = ledger_state(&ledger);
    let (code, _, stderr) = import(&ledger, work.path(), &bundle);
    assert_eq!(code, 2);
    assert!(stderr.contains("its age header is malformed"), "{stderr}");
    assert!(!stderr.contains("another office"), "{stderr}");
    assert!(ledger_state(&ledger) == before);
    // Sealed to another office: said so.
    let stranger = tipbox::keys::Identity::generate();
    let mut other = Vec::new();
    {
        use std::io::Write;
        let mut w = age::Encryptor::with_recipients(std::iter::once(&stranger.to_public() as _))
            .unwrap()
            .wrap_output(&mut other)
            .unwrap();
        w.write_all(&plain).unwrap();
        w.finish().unwrap();
    }
    refused(
        &ledger,
        work.path(),
        &forge::bundle(&forge::header(&portal, 1), &[entry(other)]),
        "sealed to another office",
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

/// Finding 6 (low): the manifest `day` was not validated. `2026-02-30`, `+275760-09-13` and
/// an escape sequence were accepted, and the tip then had no due date, was never overdue
/// and was reported under week "unknown": a hostile portal could keep tips out of deadline
/// tracking. Now a day must exist, and lie between 2000-01-01 and tomorrow.
#[test]
fn regression_impossible_days_kept_tips_out_of_deadline_tracking() {
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let portal = tipbox::store::Store::new_id();
    let today = time::OffsetDateTime::now_utc().date();
    let day_after_tomorrow = (today + time::Duration::days(2)).to_string();
    for (day, why) in [
        ("2026-02-30", "is not a real day"),
        ("+275760-09-13", "is not a real day"),
        ("2026-12-01\u{1b}[8m", "is not a real day"),
        ("2026-1-1", "is not a real day"),
        ("1999-12-31", "is before 2000-01-01"),
        ("9999-12-31", "is after tomorrow"),
        (day_after_tomorrow.as_str(), "is after tomorrow"),
    ] {
        let mut m = forge::manifest(Kind::Tip, &portal, &tipbox::store::Store::new_id(), day);
        m.day = day.to_owned();
        let plain = forge::container(&[("description", "x")], &[], &m, None);
        refused(
            &ledger,
            work.path(),
            &forge::bundle(
                &forge::header(&portal, 1),
                &[Entry::sealed(&m.blob_id, &plain)],
            ),
            why,
        );
    }
    // Tomorrow (a portal's UTC day may be ahead of this machine's) and old days import,
    // and the tips are tracked: received, due, and overdue where they should be.
    for day in [
        (today + time::Duration::days(1)).to_string(),
        "2000-01-01".to_owned(),
    ] {
        let m = forge::manifest(Kind::Tip, &portal, &tipbox::store::Store::new_id(), &day);
        let plain = forge::container(&[("description", "x")], &[], &m, None);
        let (code, _, stderr) = import(
            &ledger,
            work.path(),
            &forge::bundle(
                &forge::header(&portal, 1),
                &[Entry::sealed(&m.blob_id, &plain)],
            ),
        );
        assert_eq!(code, 0, "{day}: {stderr}");
    }
    let list = ledger.list_json();
    for t in list.as_array().unwrap() {
        assert!(t["due"].is_string(), "{t}");
    }
    assert_eq!(
        ledger
            .ok(&["list", "--overdue", "--json"])
            .matches("\"id\"")
            .count(),
        1
    );
}

/// Finding 8 (low): attachments kept the sender's extension, so `.desktop`, `.sh`, `.html`,
/// `.svg` and `.exe` arrived on the reviewer's desktop as such, one double-click from
/// running. Now only inert types keep theirs; the others end in `.bin`.
#[test]
fn regression_attachments_kept_extensions_that_run_on_a_double_click() {
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let portal = tipbox::store::Store::new_id();
    let names = [
        "notes.desktop",
        "run.sh",
        "page.HTML",
        "map.svg",
        "setup.exe",
        "macro.js",
        "photo.JPG",
        "scan.pdf",
        "录音.m4a",
        "noextension",
    ];
    let files: Vec<(&str, &[u8])> = names.iter().map(|n| (*n, &b"payload"[..])).collect();
    let (m, plain) = new_tip(&portal, &[("description", "x")], &files);
    let (code, _, _) = import(
        &ledger,
        work.path(),
        &forge::bundle(
            &forge::header(&portal, 1),
            &[Entry::sealed(&m.blob_id, &plain)],
        ),
    );
    assert_eq!(code, 0);
    let target = work.path().join("evidence");
    ledger.ok(&["show", "1", "--attachments-to", target.to_str().unwrap()]);
    let mut written: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            "tip1-1-1-desktop.bin",
            "tip1-1-10.bin",
            "tip1-1-2-sh.bin",
            "tip1-1-3-html.bin",
            "tip1-1-4-svg.bin",
            "tip1-1-5-exe.bin",
            "tip1-1-6-js.bin",
            "tip1-1-7.jpg",
            "tip1-1-8.pdf",
            "tip1-1-9.m4a",
        ]
    );
}

/// Finding 9: docs and code disagreed. A manifest with `"format": 2` was accepted although
/// readers refuse versions they do not know; a wrong per-entry checksum passed when the
/// trailer was right; non-zero padding was accepted; ids need not be hex. Each is refused
/// now, as docs/formats.md says.
#[test]
fn regression_docs_and_code_disagreed_on_what_a_reader_refuses() {
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let portal = tipbox::store::Store::new_id();
    let header = forge::header(&portal, 1);

    let mut m = forge::manifest(
        Kind::Tip,
        &portal,
        &tipbox::store::Store::new_id(),
        &tipbox::store::today(),
    );
    m.format = 2;
    let plain = forge::container(&[("description", "x")], &[], &m, None);
    refused(
        &ledger,
        work.path(),
        &forge::bundle(&header, &[Entry::sealed(&m.blob_id, &plain)]),
        "format version this tipbox does not know",
    );

    let (m, plain) = new_tip(&portal, &[("description", "x")], &[]);
    let mut entry = Entry::sealed(&m.blob_id, &plain);
    entry.checksum = Some("00".repeat(32));
    refused(
        &ledger,
        work.path(),
        &forge::bundle(&header, &[entry]),
        "its checksum does not match its ciphertext",
    );
    // Also for an item large enough to be streamed to its worker (over 1 MiB).
    let big = vec![7u8; 1_200_000];
    let (m, plain) = new_tip(&portal, &[("description", "x")], &[("big.jpg", &big)]);
    let mut entry = Entry::sealed(&m.blob_id, &plain);
    entry.checksum = Some("00".repeat(32));
    refused(
        &ledger,
        work.path(),
        &forge::bundle(&header, &[entry]),
        "its checksum does not match its ciphertext",
    );

    let (m, mut plain) = new_tip(&portal, &[("description", "x")], &[]);
    // The last 5 bytes are the end record; padding comes just before it.
    let at = plain.len() - 100;
    assert_eq!(plain[at], 0);
    plain[at] = 0x41;
    refused(
        &ledger,
        work.path(),
        &forge::bundle(&header, &[Entry::sealed(&m.blob_id, &plain)]),
        "padding that is not zeros",
    );

    assert_eq!(ledger.list_json().as_array().unwrap().len(), 0);

    // An entry the ledger already holds is not opened again, and its checksum still counts.
    let (m, plain) = new_tip(&portal, &[("description", "x")], &[]);
    let entry = Entry::sealed(&m.blob_id, &plain);
    let again = Entry {
        checksum: Some("00".repeat(32)),
        ..Entry::sealed(&m.blob_id, &plain)
    };
    let (code, _, _) = import(&ledger, work.path(), &forge::bundle(&header, &[entry]));
    assert_eq!(code, 0);
    refused(
        &ledger,
        work.path(),
        &forge::bundle(&header, &[again]),
        "its checksum does not match its ciphertext",
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

// ---- What a black-box attack on these fixes found (each reproduced first) -------------

/// `show` printed the newlines inside a follow-up's text as they were, so a made-up,
/// unsigned follow-up could print, after sixty blank lines, a line of its own saying
/// "from the receipt holder: yes", under the genuine tip and with the real "NOT PROVEN"
/// scrolled away; a field could also be named after what `show` prints. Now every line
/// of a sealed item's text after the first stands behind a gutter, runs of blank lines
/// are folded, unknown field names are quoted, and each follow-up ends with its proof again.
#[test]
fn regression_a_made_up_follow_up_printed_a_proven_mark_of_its_own() {
    // The genuine tip and follow-up of `imported`, from a fixture inbox: the ledger alone.
    let (ledger, work, tip, _) = ledger_with_a_followed_up_tip("GENUINE 补充：他的车牌是某A12345");
    let tip = tip.manifest;
    let fake = format!(
        "Thanks.{}--- Follow-up ({}) ---\nfrom the receipt holder: yes (signed with the key derived from the tip's receipt)\nmessage: FAKE I made the whole tip up",
        "\n".repeat(60),
        tip.day
    );
    let m = forge::manifest(Kind::Followup, &tip.portal_id, &tip.tip_id, &tip.day);
    let plain = forge::container(
        &[
            ("message", &fake),
            ("from the receipt holder", "yes (signed)"),
        ],
        &[],
        &m,
        None,
    );
    let (code, _, _) = import(
        &ledger,
        work.path(),
        &forge::bundle(
            &forge::header(&tip.portal_id, 1),
            &[Entry::sealed(&m.blob_id, &plain)],
        ),
    );
    assert_eq!(code, 0);
    let shown = ledger.ok(&["show", "1"]);
    let proven: Vec<&str> = shown
        .lines()
        .filter(|l| l.starts_with("from the receipt holder: yes"))
        .collect();
    assert_eq!(
        proven.len(),
        1,
        "only the reporter's own follow-up is proven: {shown}"
    );
    assert!(
        shown.contains("  | from the receipt holder: yes"),
        "{shown}"
    );
    assert!(
        shown.contains("field \"from the receipt holder\": yes"),
        "{shown}"
    );
    assert!(
        !shown.lines().any(|l| l.starts_with("message: FAKE")),
        "{shown}"
    );
    assert!(
        shown.contains("(60 empty lines)") || shown.contains("empty lines)"),
        "{shown}"
    );
    assert!(shown.contains("--- end of follow-up: NOT PROVEN to come from the receipt holder ---"));
    // Nothing a sender wrote stands at the start of a line of its own but after a gutter.
    for line in shown.lines().filter(|l| l.contains("FAKE")) {
        assert!(line.starts_with("  | "), "{line:?}");
    }
}

/// An item that is an age header without its payload was refused with "cannot read or
/// write FILE: failed to fill whole buffer", no "Nothing was imported", and the summary
/// index left dirty. It is a malformed item now, and the ledger is as it was.
#[test]
fn regression_an_item_cut_after_its_age_header_was_reported_as_a_disk_error() {
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let portal = tipbox::store::Store::new_id();
    let (m, plain) = new_tip(&portal, &[("description", "x")], &[]);
    let sealed = forge::seal(&plain);
    let header_end = sealed.windows(4).position(|w| w == b"\n---").unwrap();
    let line_end = header_end
        + 1
        + sealed[header_end + 1..]
            .iter()
            .position(|b| *b == b'\n')
            .unwrap();
    let cut = Entry {
        blob_id: m.blob_id.clone(),
        sealed_to: "0123456789abcdef".into(),
        ciphertext: sealed[..=line_end].to_vec(),
        checksum: None,
    };
    refused(
        &ledger,
        work.path(),
        &forge::bundle(&forge::header(&portal, 1), &[cut]),
        "it ends before its age file does",
    );
}

/// A first bundle calling itself another unit's hand-over, naming the office's own portal
/// with made-up follow-ups to its genuine tips, had every genuine tip that came later
/// marked as handed over: unanswerable, left out of exports. The portal's own bundle now
/// clears those marks, and says so.
#[test]
fn regression_a_first_hand_over_bundle_left_the_portals_tips_unanswered() {
    let portal = Portal::start();
    let receipt = submit_ok(&portal, &Tip::default());
    let tip = forge::portal_tip_manifest(&portal.data);
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let m = forge::manifest(Kind::Followup, &tip.portal_id, &tip.tip_id, &tip.day);
    let plain = forge::container(&[("message", "HANDOVER-TRICK")], &[], &m, None);
    let mut header = forge::header(&tip.portal_id, 1);
    header["handover"] = true.into();
    let (code, stdout, _) = import(
        &ledger,
        work.path(),
        &forge::bundle(&header, &[Entry::sealed(&m.blob_id, &plain)]),
    );
    assert_eq!(code, 0);
    assert!(stdout.contains("hand-over bundle"), "{stdout}");
    // The portal's own export.
    let bundle = work.path().join("genuine.tbx");
    assert!(export(&portal.data, &bundle).status.success());
    let out = ledger.run(&["import", bundle.to_str().unwrap()]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no longer marked"), "{err}");
    assert!(
        err.contains("NOT PROVEN"),
        "the made-up follow-up is named: {err}"
    );
    let list = ledger.list_json();
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .all(|t| t.get("handed_over").is_none()),
        "{list}"
    );
    // Answered as any tip of the portal.
    ledger.ok(&["reply", "1", "--message", "REPLY-AFTER-TRICK"]);
    let update = work.path().join("u.tbu");
    ledger.ok(&["export", "--out", update.to_str().unwrap()]);
    assert!(portal_cmd(&[
        "apply",
        "--data",
        portal.data.to_str().unwrap(),
        update.to_str().unwrap()
    ])
    .status
    .success());
    assert!(lookup(&portal, &receipt, "en")
        .1
        .contains("REPLY-AFTER-TRICK"));
}

/// A made-up follow-up sent before its tip, with a `channel` field, made an entry whose
/// channel stayed "visit" when the genuine tip arrived, and no import named the tip as
/// holding an unproven follow-up. A follow-up now says nothing about its tip; a channel
/// comes only with a typed-in tip's hand-over; the tip's own item sets it; and the import
/// that completes the tip names it.
#[test]
fn regression_a_follow_up_before_its_tip_set_the_tips_channel() {
    let mut inbox = Inbox::new();
    let tip = inbox.tip(&Tip::default()).manifest;
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let m = forge::manifest(Kind::Followup, &tip.portal_id, &tip.tip_id, &tip.day);
    let plain = forge::container(
        &[
            ("channel", "visit"),
            ("category", "other"),
            ("reward", "on"),
            ("message", "EARLY"),
        ],
        &[],
        &m,
        None,
    );
    let (code, _, _) = import(
        &ledger,
        work.path(),
        &forge::bundle(
            &forge::header(&tip.portal_id, 1),
            &[Entry::sealed(&m.blob_id, &plain)],
        ),
    );
    assert_eq!(code, 0);
    let bundle = work.path().join("genuine.tbx");
    inbox.write(&bundle);
    let out = ledger.run(&["import", bundle.to_str().unwrap()]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("tip(s) 1 hold a follow-up NOT PROVEN"),
        "{err}"
    );
    let t = &ledger.list_json()[0];
    assert_eq!(t["channel"], "web", "{t}");
    assert_eq!(t["category"], "umbrella", "{t}");
    assert_eq!(t["reward_wanted"], false, "{t}");
    // A tip item of a portal names no channel either.
    let (m, plain) = new_tip(
        &tip.portal_id,
        &[("channel", "letter"), ("description", "x")],
        &[],
    );
    let (code, _, _) = import(
        &ledger,
        work.path(),
        &forge::bundle(
            &forge::header(&tip.portal_id, 1),
            &[Entry::sealed(&m.blob_id, &plain)],
        ),
    );
    assert_eq!(code, 0);
    assert_eq!(ledger.list_json()[1]["channel"], "web");
}

/// An ordinary bundle naming the portal `typed-in` (which only hand-overs of typed-in tips
/// name) was accepted, its tips shown as letters or visits, and `export` then failed for
/// the whole ledger. It is refused.
#[test]
fn regression_an_ordinary_bundle_could_name_the_typed_in_portal() {
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let mut m = forge::manifest(
        Kind::Tip,
        "typed-in",
        &tipbox::store::Store::new_id(),
        &tipbox::store::today(),
    );
    m.portal_id = "typed-in".into();
    let plain = forge::container(&[("channel", "visit"), ("description", "x")], &[], &m, None);
    refused(
        &ledger,
        work.path(),
        &forge::bundle(
            &forge::header("typed-in", 1),
            &[Entry::sealed(&m.blob_id, &plain)],
        ),
        "is not a hand-over",
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

/// Found by a black-box attack: one bundle listed the same item id twice with different
/// contents (a tip item and a follow-up); the second was dropped unseen and counted as
/// "already imported", so what the ledger holds depended on the order a portal chose.
#[test]
fn regression_one_item_id_listed_twice_with_different_contents_was_half_imported() {
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let (portal_id, tip_id) = (
        tipbox::store::Store::new_id(),
        tipbox::store::Store::new_id(),
    );
    let today = tipbox::store::today();
    let tip = forge::manifest(Kind::Tip, &portal_id, &tip_id, &today);
    let mut followup = forge::manifest(Kind::Followup, &portal_id, &tip_id, &today);
    followup.blob_id = tip.blob_id.clone();
    let first = Entry::sealed(
        &tip.blob_id,
        &forge::container(&[("description", "x")], &[], &tip, None),
    );
    let second = Entry::sealed(
        &tip.blob_id,
        &forge::container(&[("message", "y")], &[], &followup, None),
    );
    refused(
        &ledger,
        work.path(),
        &forge::bundle(&forge::header(&portal_id, 2), &[first.clone(), second]),
        "listed twice in the bundle, with different contents",
    );
    // The same entry twice is the same item: imported once.
    let (code, stdout, _) = import(
        &ledger,
        work.path(),
        &forge::bundle(&forge::header(&portal_id, 2), &[first.clone(), first]),
    );
    assert_eq!(code, 0);
    assert!(stdout.contains("1 new tip(s)"), "{stdout}");
}
