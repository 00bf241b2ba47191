//! Receipts and lookups: languages, normalisation, check digits, floods.

use super::*;

#[test]
fn submit_then_look_up_in_every_language() {
    let portal = Portal::start();
    for (lang, word) in [
        ("zh-Hans", "已受理"),
        ("zh-Hant", "已受理"),
        ("en", "Received"),
    ] {
        let receipt = submit_ok(
            &portal,
            &Tip {
                lang,
                ..Tip::default()
            },
        );
        // Seven groups of four digits; the code parses with its check digit.
        assert_eq!(receipt.split(' ').count(), 7, "{receipt}");
        assert!(receipt
            .split(' ')
            .all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_digit())));
        ReceiptCode::parse(&receipt).unwrap();

        let (status, page) = lookup(&portal, &receipt, lang);
        assert_eq!(status, 200);
        assert_eq!(
            element_text(&page, "tip-status").as_deref(),
            Some("received")
        );
        assert!(page.contains(word), "{lang} status page should say {word}");
        assert!(page.contains(&format!("<html lang=\"{lang}\"")));
    }
}

/// Receipts derived ahead (while the portal is idle) and receipts derived during the
/// submission both find their tip, and none is ever handed out twice.
#[test]
fn receipts_derived_ahead_or_on_demand_find_their_tips() {
    for ahead in [0, 4] {
        let portal = Portal::start_with(PortalOptions {
            config: format!("submissions_per_minute = 1000000\nreceipts_ahead = {ahead}"),
            ..Default::default()
        });
        // Give the portal time to derive its receipts ahead, then take more than it holds.
        std::thread::sleep(std::time::Duration::from_millis(500));
        let receipts: Vec<String> = (0..6)
            .map(|_| submit_ok(&portal, &Tip::default()))
            .collect();
        let distinct: std::collections::HashSet<_> = receipts.iter().collect();
        assert_eq!(distinct.len(), receipts.len(), "a receipt was issued twice");
        for receipt in &receipts {
            let (status, page) = lookup(&portal, receipt, "en");
            assert_eq!(status, 200, "receipts_ahead = {ahead}");
            assert_eq!(
                element_text(&page, "tip-status").as_deref(),
                Some("received")
            );
        }
    }
}

/// The form's reward hint said rewards are claimed "with the receipt code". A reporter who
/// shows the receipt hands over the key to the tip's replies and follow-ups: the reward is
/// claimed with the claim code that the status page shows, and the hint must say so.
#[test]
fn regression_the_reward_hint_sends_reporters_to_the_claim_code_not_the_receipt() {
    let portal = Portal::start();
    for (lang, claim_code) in [
        ("zh-Hans", "领奖码"),
        ("zh-Hant", "領獎碼"),
        ("en", "claim code"),
    ] {
        let form = client()
            .get(portal.url(&format!("/submit?lang={lang}")))
            .send()
            .unwrap()
            .text()
            .unwrap();
        let hint = element_text(&form, "reward-hint").unwrap();
        assert!(hint.contains(claim_code), "{lang}: {hint}");
    }
}

#[test]
fn language_comes_from_query_then_accept_language_and_defaults_to_simplified_chinese() {
    let portal = Portal::start();
    let c = client();
    let get = |path: &str, accept: Option<&str>| {
        let mut req = c.get(portal.url(path));
        if let Some(a) = accept {
            req = req.header("Accept-Language", a);
        }
        req.send().unwrap().text().unwrap()
    };
    assert!(get("/submit", None).contains("<html lang=\"zh-Hans\""));
    assert!(get("/submit", Some("zh-TW,zh;q=0.8")).contains("<html lang=\"zh-Hant\""));
    assert!(get("/submit", Some("en-US,en;q=0.9")).contains("<html lang=\"en\""));
    assert!(get("/submit?lang=en", Some("zh-CN")).contains("<html lang=\"en\""));
    assert!(get("/submit", Some("fr-FR")).contains("<html lang=\"zh-Hans\""));
}

#[test]
fn receipt_input_is_normalized_spaces_dashes_full_width() {
    let portal = Portal::start();
    let receipt = submit_ok(&portal, &Tip::default());
    let digits: String = receipt.split(' ').collect();
    let dashed = receipt.replace(' ', "-");
    let full_width: String = digits
        .chars()
        .map(|c| char::from_u32('０' as u32 + c.to_digit(10).unwrap()).unwrap())
        .collect();
    for typed in [digits, dashed, full_width, format!("  {receipt}  ")] {
        let (status, page) = lookup(&portal, &typed, "en");
        assert_eq!(status, 200, "{typed}");
        assert_eq!(
            element_text(&page, "tip-status").as_deref(),
            Some("received")
        );
    }
}

#[test]
fn mistyped_receipt_is_caught_by_its_check_digit_and_unknown_gets_same_page_shape() {
    let portal = Portal::start();
    let receipt = submit_ok(&portal, &Tip::default());
    let mut digits: Vec<u8> = receipt.bytes().filter(u8::is_ascii_digit).collect();
    digits[5] = if digits[5] == b'9' {
        b'0'
    } else {
        digits[5] + 1
    };
    let typo = String::from_utf8(digits.clone()).unwrap();
    let (status, page) = lookup(&portal, &typo, "en");
    assert_eq!(status, 200);
    assert!(
        page.contains("check digit"),
        "typo must be explained kindly"
    );
    assert!(element_text(&page, "tip-status").is_none());
    // The typed code is kept in the form so it can be corrected.
    assert!(page.contains(&typo));

    // A well-formed code that was never issued: same form, 404, never 500.
    let unknown = ReceiptCode::generate();
    let (status, page) = lookup(&portal, unknown.digits(), "en");
    assert_eq!(status, 404);
    assert!(page.contains("No tip was found"));
    assert!(page.contains("id=\"receipt\""));

    for junk in [
        "",
        "abc",
        "１２３",
        &"9".repeat(5000),
        "<script>alert(1)</script>",
    ] {
        let (status, page) = lookup(&portal, junk, "zh-Hans");
        assert!(status == 200 || status == 404, "{status} for {junk:?}");
        assert!(!page.contains("<script>alert"), "input must be escaped");
    }
}

#[test]
fn lookup_flood_gets_429_and_never_starves_submissions() {
    // No rate limit: the bounded KDF queue (1 lookup worker, 8 waiting) is what must hold.
    let portal = Portal::start_with(PortalOptions {
        config: "submissions_per_minute = 1000000\nlookups_per_minute = 1000000\nkdf_workers = 2"
            .into(),
        ..Default::default()
    });
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flooders: Vec<_> = (0..24)
        .map(|_| {
            let url = portal.url("/status");
            let stop = stop.clone();
            std::thread::spawn(move || {
                let c = client();
                let mut statuses = Vec::new();
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    let code = ReceiptCode::generate();
                    let resp = c
                        .post(&url)
                        .form(&[("receipt", code.digits())])
                        .send()
                        .unwrap();
                    statuses.push(resp.status().as_u16());
                }
                statuses
            })
        })
        .collect();
    let receipts: Vec<String> = (0..4)
        .map(|_| submit_ok(&portal, &Tip::default()))
        .collect();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let statuses: Vec<u16> = flooders
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    assert!(
        statuses.iter().all(|s| *s == 404 || *s == 429),
        "unexpected statuses: {statuses:?}"
    );
    assert!(
        statuses.contains(&429),
        "24 parallel lookups should overflow the KDF queue"
    );
    assert_eq!(receipts.len(), 4);
}
