//! Bundles that try to rewrite, take over or mislabel an imported tip.

use super::*;

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
