//! What the reporter sees once an update bundle is applied: status, replies, rewards, expiry.

use super::*;

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
