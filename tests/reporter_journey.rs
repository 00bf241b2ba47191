//! The reporter's journey on a slow, shared phone, over real HTTP: one form is one tip
//! whatever the browser sends again (ARCHITECTURE.md, invariant 9), the receipt survives a language
//! switch, nothing of it comes back once closed, and the pages say what a reporter needs to
//! know before pressing the button. `tests/browser/` walks the same paths in Chromium.

mod common;

use common::*;

/// The value of the hidden input `name` in a page.
fn hidden(page: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page.find(&marker)? + marker.len();
    Some(page[at..at + page[at..].find('"')?].to_owned())
}

/// A fresh submission form's token.
fn form_token(portal: &Portal, lang: &str) -> String {
    let page = client()
        .get(portal.url(&format!("/submit?lang={lang}")))
        .send()
        .unwrap()
        .text()
        .unwrap();
    hidden(&page, "form_token").expect("the form carries a token")
}

/// Post the submission form with `token` first, as a browser sends it (DOM order).
fn post_form(portal: &Portal, token: &str, tip: &Tip) -> (u16, String) {
    let form = reqwest::blocking::multipart::Form::new().text("form_token", token.to_owned());
    let mut form = form
        .text("category", tip.category.to_owned())
        .text("location", tip.location.to_owned())
        .text("description", tip.description.to_owned());
    if tip.reward {
        form = form.text("reward", "on");
    }
    for (name, data) in &tip.files {
        let part = reqwest::blocking::multipart::Part::bytes(data.clone())
            .file_name(name.clone())
            .mime_str("application/octet-stream")
            .unwrap();
        form = form.part("attachment", part);
    }
    let resp = client()
        .post(portal.url(&format!("/submit?lang={}", tip.lang)))
        .multipart(form)
        .send()
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.text().unwrap())
}

fn post_receipt(portal: &Portal, token: &str, action: &str, lang: &str) -> (u16, String) {
    let resp = client()
        .post(portal.url(&format!("/submit/receipt?lang={lang}")))
        .form(&[("form_token", token), ("action", action)])
        .send()
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.text().unwrap())
}

/// Post the follow-up form with `token` (as the status page gives it) for `receipt`; the page.
fn post_followup_form(portal: &Portal, token: &str, receipt: &str) -> String {
    let form = reqwest::blocking::multipart::Form::new()
        .text("form_token", token.to_owned())
        .text("receipt", receipt.to_owned())
        .text("message", "补充：车牌某A12345");
    client()
        .post(portal.url("/status/followup?lang=en"))
        .multipart(form)
        .send()
        .unwrap()
        .text()
        .unwrap()
}

/// Finding 3 of the reporter-journey review: reloading the receipt page stored a second
/// tip with a new code, and two taps on a slow link stored two tips while the reporter saw
/// only the second code. Now the form's token makes every copy of the form one tip with
/// one receipt: sent again after the commit, while another copy is still uploading, or at
/// once from several threads.
#[test]
fn regression_a_reload_or_a_second_tap_stored_a_second_tip() {
    let portal = Portal::start();
    let token = form_token(&portal, "zh-Hans");
    let tip = Tip {
        files: vec![("证据.bin".into(), vec![7u8; 2 << 20])],
        ..Tip::default()
    };
    // Two taps at once, and a third copy (a reload of the receipt page) afterwards.
    let copies: Vec<(u16, String)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..2)
            .map(|_| s.spawn(|| post_form(&portal, &token, &tip)))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let reload = post_form(&portal, &token, &tip);
    let receipts: Vec<String> = copies
        .iter()
        .chain([&reload])
        .map(|(status, page)| {
            assert_eq!(*status, 200, "{page}");
            element_text(page, "receipt-code").expect("a receipt")
        })
        .collect();
    assert!(
        receipts.iter().all(|r| *r == receipts[0]),
        "one form showed several receipts: {receipts:?}"
    );
    assert_eq!(
        blob_paths(&portal.data).len(),
        1,
        "one form stored more than one tip"
    );
    assert_eq!(lookup(&portal, &receipts[0], "zh-Hans").0, 200);

    // Another form is another tip.
    let other = post_form(
        &portal,
        &form_token(&portal, "en"),
        &Tip {
            lang: "en",
            ..Tip::default()
        },
    );
    assert_ne!(element_text(&other.1, "receipt-code").unwrap(), receipts[0]);
    assert_eq!(blob_paths(&portal.data).len(), 2);
    // A form posted without a token (a script) is one tip per post, as before.
    submit_ok(&portal, &Tip::default());
    assert_eq!(blob_paths(&portal.data).len(), 3);
}

/// Finding 1: switching the language on the receipt page led to an empty form, and the
/// code was gone for good. Now the language switch posts the form's token and the receipt
/// page comes back in the other language with the same code; it also prints (the code,
/// the site, the day, nothing else) and closes: once closed, neither the switch, nor a
/// reload, nor the form sent again shows the code, and nothing more is stored.
#[test]
fn regression_switching_language_on_the_receipt_page_lost_the_receipt() {
    let portal = Portal::start();
    let token = form_token(&portal, "zh-Hans");
    let (_, page) = post_form(&portal, &token, &Tip::default());
    let receipt = element_text(&page, "receipt-code").unwrap();
    assert!(page.contains("<html lang=\"zh-Hans\""));
    // The language switch on this page: forms that post the token, no links.
    for lang in ["zh-Hant", "en"] {
        assert!(
            page.contains(&format!("action=\"/submit/receipt?lang={lang}\"")),
            "{page}"
        );
        assert!(
            !page.contains(&format!("href=\"/submit?lang={lang}\"")),
            "{page}"
        );
    }
    assert_eq!(hidden(&page, "form_token").as_deref(), Some(token.as_str()));
    for lang in ["en", "zh-Hant", "zh-Hans"] {
        let (status, again) = post_receipt(&portal, &token, "", lang);
        assert_eq!(status, 200);
        assert!(again.contains(&format!("<html lang=\"{lang}\"")), "{again}");
        assert_eq!(
            element_text(&again, "receipt-code").as_deref(),
            Some(receipt.as_str())
        );
    }
    let (_, printed) = post_receipt(&portal, &token, "print", "en");
    assert_eq!(
        element_text(&printed, "receipt-code").as_deref(),
        Some(receipt.as_str())
    );
    assert_eq!(
        element_text(&printed, "receipt-day").as_deref(),
        Some(tipbox::store::today().as_str())
    );
    // No `site_address` configured: the print names no site (never the request's `Host`;
    // regression_the_printed_receipt_named_the_host_the_request_gave).
    assert_eq!(element_text(&printed, "receipt-site"), None);
    assert!(
        !printed.contains("<nav") && !printed.contains("<form"),
        "{printed}"
    );

    let (_, closed) = post_receipt(&portal, &token, "close", "en");
    assert!(closed.contains("Receipt code closed"), "{closed}");
    assert!(!closed.contains(&receipt));
    for (status, page) in [
        post_receipt(&portal, &token, "", "en"),
        post_receipt(&portal, &token, "print", "en"),
        post_form(
            &portal,
            &token,
            &Tip {
                lang: "en",
                ..Tip::default()
            },
        ),
    ] {
        assert_eq!(status, 200);
        assert!(
            !page.contains(&receipt),
            "the closed receipt came back: {page}"
        );
        assert!(element_text(&page, "receipt-code").is_none());
    }
    assert_eq!(
        blob_paths(&portal.data).len(),
        1,
        "the closed form stored a second tip"
    );
    // A token the portal does not know (or no token at all) shows nothing.
    let (_, unknown) = post_receipt(&portal, &tipbox::portal::submissions::new_token(), "", "en");
    assert!(element_text(&unknown, "receipt-code").is_none());
    assert_eq!(post_receipt(&portal, "nope", "", "en").0, 400);
}

/// Also finding 1: switching the language on a status result dropped the 28 typed digits.
/// Now it posts the receipt again. And finding 6: the status key (`id="tip-status"`, which
/// scripts read) is out of sight; the reporter sees the status in words.
#[test]
fn regression_switching_language_on_a_status_result_dropped_the_digits() {
    let portal = Portal::start();
    let receipt = submit_ok(&portal, &Tip::default());
    let (_, page) = lookup(&portal, &receipt, "zh-Hans");
    assert!(
        page.contains("<code id=\"tip-status\" hidden>received</code>"),
        "{page}"
    );
    assert!(page.contains("action=\"/status?lang=en\""), "{page}");
    assert_eq!(hidden(&page, "receipt").as_deref(), Some(receipt.as_str()));
    // What the English form posts: the receipt, to /status?lang=en.
    let (status, english) = lookup(&portal, &hidden(&page, "receipt").unwrap(), "en");
    assert_eq!(status, 200);
    assert!(english.contains("<html lang=\"en\"") && english.contains("Received"));
    // A mistyped code: the form comes back with the digits, and its switch keeps them.
    let last = receipt.chars().last().unwrap().to_digit(10).unwrap();
    let typo = format!("{}{}", &receipt[..receipt.len() - 1], (last + 1) % 10);
    let (_, wrong) = lookup(&portal, &typo, "zh-Hans");
    assert!(wrong.contains("action=\"/status?lang=zh-Hant\""), "{wrong}");
    assert!(
        wrong.matches(&format!("value=\"{typo}\"")).count() >= 2,
        "{wrong}"
    );
}

/// Finding 2: Tor Browser sends `Accept-Language: en-US,en;q=0.5` whatever its user reads,
/// so a Chinese-only reader got the English site. That header now counts as no preference.
#[test]
fn regression_tor_browser_users_got_the_english_site() {
    let portal = Portal::start();
    let get = |path: &str, accept: &str| {
        client()
            .get(portal.url(path))
            .header("Accept-Language", accept)
            .send()
            .unwrap()
            .text()
            .unwrap()
    };
    for spoofed in ["en-US,en;q=0.5", "en-US, en; q=0.5", "EN-us,en;q=0.5"] {
        assert!(
            get("/", spoofed).contains("<html lang=\"zh-Hans\""),
            "{spoofed}"
        );
    }
    assert!(get("/?lang=en", "en-US,en;q=0.5").contains("<html lang=\"en\""));
    assert!(get("/", "en-US,en;q=0.9").contains("<html lang=\"en\""));
    assert!(get("/", "zh-TW,zh;q=0.9").contains("<html lang=\"zh-Hant\""));
    assert!(get("/", "zh-CN,zh;q=0.9,en;q=0.8").contains("<html lang=\"zh-Hans\""));
}

/// Findings 4, 7 and 8 on the submission form: what matters comes before the form (Tor, no
/// work device, files carry metadata, pen and paper for the code), browsers are told not
/// to keep what was typed (Back on a shared phone), the text limit is said, and so is that
/// the button is pressed once and a large upload takes minutes.
#[test]
fn the_submission_form_says_what_matters_first_and_keeps_nothing() {
    let portal = Portal::start();
    for (lang, brief, pen) in [
        ("zh-Hans", "提交前请注意", "纸和笔"),
        ("zh-Hant", "提交前請注意", "紙和筆"),
        ("en", "Before you start", "pen and paper"),
    ] {
        let page = client()
            .get(portal.url(&format!("/submit?lang={lang}")))
            .send()
            .unwrap()
            .text()
            .unwrap();
        let form = page.find("<form").unwrap();
        for said in [brief, pen, "Tor"] {
            let at = page.find(said).unwrap_or_else(|| panic!("{lang}: {said}"));
            assert!(at < form, "{lang}: {said:?} comes after the form");
        }
        assert!(
            page.contains("autocomplete=\"off\" aria-describedby=\"description-hint"),
            "{lang}"
        );
        assert!(
            page[form..].starts_with("<form method=\"post\"")
                && page[form..form + 300].contains("autocomplete=\"off\"")
        );
        // 256 KiB a text box, in the UTF-16 units `maxlength` counts (three bytes each).
        let limit_at = page
            .find("87381")
            .unwrap_or_else(|| panic!("{lang}: the limit"));
        assert!(limit_at > form, "{lang}: the limit is said at the box");
        let button = page.find("<button type=\"submit\"").unwrap();
        assert!(page.find("id=\"submit-hint\"").unwrap() < button, "{lang}");
        // The token comes first in the form, before any file.
        let token_at = page.find("name=\"form_token\"").unwrap();
        assert!(token_at < page.find("name=\"attachment\"").unwrap());
    }
}

/// Finding 5: the damaged-image message advised sending the image as a zip, which skips
/// metadata removal and keeps the GPS position, and did not say which image failed.
#[test]
fn regression_the_damaged_image_message_advised_a_zip_and_named_no_file() {
    let portal = Portal::start();
    for (lang, screenshot) in [
        ("zh-Hans", "截屏"),
        ("zh-Hant", "截圖"),
        ("en", "screenshot"),
    ] {
        let (status, page) = submit(
            &portal,
            &Tip {
                files: vec![(
                    "家门口-IMG_2041.jpg".into(),
                    b"\xff\xd8\xff\xe0 not a jpeg".to_vec(),
                )],
                lang,
                ..Tip::default()
            },
        );
        assert_eq!(status, 422, "{page}");
        assert!(page.contains("家门口-IMG_2041.jpg"), "{lang}: which image");
        assert!(page.contains(screenshot), "{lang}: safe advice");
        for unsafe_advice in [
            "打包为压缩文件后重试",
            "打包為壓縮檔後重試",
            "put it into an archive",
        ] {
            assert!(!page.contains(unsafe_advice), "{lang}: {unsafe_advice}");
        }
    }
    assert!(blob_paths(&portal.data).is_empty());
}

/// Finding 8: the stylesheet was `no-store` (a Tor round trip per page); `/favicon.ico` and
/// `/robots.txt` were 404. The stylesheet now has a name that changes with its content and
/// is cached for a year; every page is still `no-store`.
#[test]
fn the_stylesheet_is_cached_under_its_fingerprint_and_icon_and_robots_answer() {
    let portal = Portal::start();
    let page = client().get(portal.url("/")).send().unwrap();
    assert_eq!(page.headers()["cache-control"], "no-store");
    let page = page.text().unwrap();
    let at = page.find("href=\"/static/tipbox-").unwrap() + "href=\"".len();
    let css_path = &page[at..at + page[at..].find('"').unwrap()];
    let css = client().get(portal.url(css_path)).send().unwrap();
    assert_eq!(css.status().as_u16(), 200);
    assert_eq!(
        css.headers()["cache-control"],
        "public, max-age=31536000, immutable"
    );
    assert!(css.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/css"));
    let old = client()
        .get(portal.url("/static/tipbox.css"))
        .send()
        .unwrap();
    assert_eq!(old.headers()["cache-control"], "no-store");
    assert_eq!(
        client()
            .get(portal.url("/static/other.css"))
            .send()
            .unwrap()
            .status()
            .as_u16(),
        404
    );
    let icon = client().get(portal.url("/favicon.ico")).send().unwrap();
    assert_eq!(icon.status().as_u16(), 200);
    assert_eq!(icon.headers()["content-type"], "image/x-icon");
    assert!(icon.bytes().unwrap().starts_with(&[0, 0, 1, 0]));
    let robots = client()
        .get(portal.url("/robots.txt"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert_eq!(robots, "User-agent: *\nDisallow: /\n");
    // Every answer still carries the security headers.
    for path in [css_path, "/favicon.ico", "/robots.txt"] {
        let r = client().get(portal.url(path)).send().unwrap();
        assert!(
            r.headers().contains_key("content-security-policy"),
            "{path}"
        );
    }
}

/// Finding 8: the reporter's own follow-ups were not listed on the status page. They are
/// now, one line each with its day; and the follow-up form, like the tip's, is one
/// follow-up however often it is sent.
#[test]
fn follow_ups_are_listed_with_their_day_and_one_form_is_one_follow_up() {
    let portal = Portal::start();
    let receipt = submit_ok(&portal, &Tip::default());
    let (_, page) = lookup(&portal, &receipt, "en");
    assert!(!page.contains("id=\"followups\""));
    let token = hidden(&page, "form_token").unwrap();
    for _ in 0..3 {
        assert!(post_followup_form(&portal, &token, &receipt).contains("Information added"));
    }
    assert_eq!(
        blob_paths(&portal.data).len(),
        2,
        "one tip and one follow-up"
    );
    assert_eq!(
        post_followup(&portal, &receipt, "second, without a token").0,
        200
    );
    let (_, page) = lookup(&portal, &receipt, "en");
    let list = &page[page.find("id=\"followups\"").unwrap()..];
    let today = tipbox::store::today();
    assert_eq!(
        list[..list.find("</ul>").unwrap()]
            .matches(&format!("Added on {today}"))
            .count(),
        2
    );
}

/// Beyond the peers: an acknowledgement of receipt (受理回执) signed by the office, that
/// the reporter can keep and anyone can check offline with the office's published verify
/// key: it proves the tip was received and on which day, with neither its content nor the
/// receipt. It comes with the first update bundle after the import, before the office has
/// done anything else with the tip.
#[test]
fn an_office_signed_acknowledgement_reaches_the_reporter_and_verifies_offline() {
    let portal = Portal::start();
    let receipt = submit_ok(&portal, &Tip::default());
    let (ledger, work, _) = import_into_new_ledger(&portal);
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
    let (_, page) = lookup(&portal, &receipt, "zh-Hans");
    assert!(page.contains("受理回执"), "{page}");
    let at =
        page.find("<pre id=\"acknowledgement\">").unwrap() + "<pre id=\"acknowledgement\">".len();
    let document = page[at..at + page[at..].find("</pre>").unwrap()].to_owned();
    let today = tipbox::store::today();
    assert!(
        document.starts_with(
            "tipbox acknowledgement v1\noffice: 扫黑除恶专项斗争领导小组办公室\nnumber: "
        ),
        "{document}"
    );
    assert!(
        document.contains(&format!("received: {today}\nsignature: ")),
        "{document}"
    );
    assert!(!document.contains(&receipt.replace(' ', "")) && !document.contains("村霸"));

    let kept = work.path().join("ack.txt");
    std::fs::write(&kept, format!("\n{}\n", document.replace('\n', "\r\n"))).unwrap();
    let verify_key = std::fs::read_to_string(repo_path("keys-example/verify-key.txt")).unwrap();
    // Anyone, with the published verify key and no ledger.
    let out = portal_less_verify(&kept, Some(verify_key.trim()));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("received {today}")));
    // In the ledger, with its own key.
    ledger.ok(&["verify-acknowledgement", kept.to_str().unwrap()]);
    // A changed day, or another key, does not hold.
    let earlier = document.replace(&format!("received: {today}"), "received: 2026-01-01");
    std::fs::write(&kept, earlier).unwrap();
    assert_eq!(
        portal_less_verify(&kept, Some(verify_key.trim()))
            .status
            .code(),
        Some(1)
    );
    std::fs::write(&kept, &document).unwrap();
    let other = hex::encode(tipbox::crypto::SigningKey::generate().verify_key());
    assert_eq!(
        portal_less_verify(&kept, Some(&other)).status.code(),
        Some(1)
    );
    std::fs::write(&kept, "not an acknowledgement").unwrap();
    assert_eq!(
        portal_less_verify(&kept, Some(verify_key.trim()))
            .status
            .code(),
        Some(1)
    );
}

/// `tipbox-review verify-acknowledgement FILE` away from any ledger.
fn portal_less_verify(file: &std::path::Path, key: Option<&str>) -> std::process::Output {
    let nowhere = tempfile::tempdir().unwrap();
    let mut c = review_process();
    c.arg("--ledger")
        .arg(nowhere.path().join("none"))
        .arg("verify-acknowledgement")
        .arg(file);
    if let Some(k) = key {
        c.args(["--verify-key", k]);
    }
    c.output().unwrap()
}

/// The black-box attack on the reporter's journey, finding 1: a form shown again after a
/// refused post carried the token the post chose. Another site could make a reporter's
/// browser post a bad form with a token of its own (no cookie stops a cross-site post);
/// the reporter then filled in a form carrying that token, and whoever chose it could read
/// the receipt from `/submit/receipt`, or store a tip first so that the reporter's was
/// never stored while they were shown a receipt. Now a form shown again always has a new
/// token, and browsers' cross-site posts are refused before anything is read.
#[test]
fn regression_a_token_another_site_chose_reached_the_reporters_form() {
    let portal = Portal::start();
    let planted = "5e".repeat(16);
    // Refused posts (too short, no description) with a chosen token: the form comes back
    // with the text kept and a token of the portal's own.
    for description in ["", "短"] {
        let tip = Tip {
            description,
            ..Tip::default()
        };
        let (status, page) = post_form(&portal, &planted, &tip);
        assert_eq!(status, 400, "{page}");
        let token = hidden(&page, "form_token").expect("the form again");
        assert_ne!(token, planted, "the chosen token came back");
        assert!(tipbox::bundle::is_lower_hex(&token, 32));
    }
    // The same for a follow-up form shown again after a mistyped receipt.
    let form = reqwest::blocking::multipart::Form::new()
        .text("form_token", planted.clone())
        .text("receipt", "1234 5678 9012 3456 7890 1234 5678")
        .text("message", "补充");
    let page = client()
        .post(portal.url("/status/followup?lang=en"))
        .multipart(form)
        .send()
        .unwrap()
        .text()
        .unwrap();
    let token = hidden(&page, "form_token").expect("the follow-up form again");
    assert_ne!(token, planted, "the chosen token came back");

    // A post a browser marks as coming from another site is refused, stores nothing, and
    // says why in the reporter's language.
    let before = blob_paths(&portal.data).len();
    let form = reqwest::blocking::multipart::Form::new()
        .text("form_token", planted.clone())
        .text("category", "umbrella")
        .text("description", Tip::default().description.to_owned());
    let resp = client()
        .post(portal.url("/submit?lang=en"))
        .header("Sec-Fetch-Site", "cross-site")
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 403);
    assert!(resp.text().unwrap().contains("sent from another web site"));
    for (path, from) in [
        ("/submit/receipt", "cross-site"),
        ("/status", "Cross-Site"),
        ("/status", "same-site"),
    ] {
        let resp = client()
            .post(portal.url(path))
            .header("Sec-Fetch-Site", from)
            .form(&[("form_token", planted.as_str()), ("receipt", "1")])
            .send()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 403, "{path}");
        assert!(resp.text().unwrap().contains("其他网站"), "{path}");
    }
    assert_eq!(blob_paths(&portal.data).len(), before);
    // The site's own posts go through, whatever the browser says of them.
    for site in ["same-origin", "none"] {
        let token = form_token(&portal, "en");
        let form = reqwest::blocking::multipart::Form::new()
            .text("form_token", token)
            .text("category", "umbrella")
            .text("description", Tip::default().description.to_owned());
        let resp = client()
            .post(portal.url("/submit?lang=en"))
            .header("Sec-Fetch-Site", site)
            .multipart(form)
            .send()
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200, "{site}");
        assert!(element_text(&resp.text().unwrap(), "receipt-code").is_some());
    }
}

/// Finding 2 of the same attack: tokens of tips and of follow-ups were one set, so a
/// follow-up form's token sent with the tip form showed "submitted" with an empty code and
/// stored nothing, and one used for a follow-up on one tip stored nothing on another.
#[test]
fn regression_a_follow_up_token_showed_an_empty_receipt_and_stored_nothing() {
    let portal = Portal::start();
    let first = submit_ok(&portal, &Tip::default());
    let second = submit_ok(&portal, &Tip::default());
    let (_, page) = lookup(&portal, &first, "en");
    let token = hidden(&page, "form_token").unwrap();
    let follow_up = |receipt: &str| post_followup_form(&portal, &token, receipt);
    assert!(follow_up(&first).contains("Information added"));
    assert_eq!(blob_paths(&portal.data).len(), 3);
    assert!(follow_up(&second).contains("Information added"));
    assert_eq!(
        blob_paths(&portal.data).len(),
        4,
        "the second tip's follow-up"
    );
    let (status, page) = post_form(&portal, &token, &Tip::default());
    assert_eq!(status, 200);
    let code = element_text(&page, "receipt-code").expect("a receipt");
    assert!(
        code.chars().filter(char::is_ascii_digit).count() >= 20,
        "{code:?}"
    );
    assert_eq!(blob_paths(&portal.data).len(), 5, "the tip was stored");
}

/// Finding 6 of the same attack: the receipt page asked for with a token the portal never
/// saw said "that time is over, your tip is stored"; it was never stored.
#[test]
fn regression_an_unknown_token_was_told_its_tip_is_stored() {
    let portal = Portal::start();
    let (status, page) = post_receipt(&portal, &"0f".repeat(16), "", "en");
    assert_eq!(status, 200);
    assert!(page.contains("There is no receipt to show"), "{page}");
    assert!(!page.contains("Your tip is stored"), "{page}");
    assert!(!page.contains("Your tip was submitted"), "{page}");
}

/// Finding 7 of the same attack: the printed receipt named whatever `Host` the request
/// gave, so a phishing proxy got its own name printed on a genuine receipt. Now it names
/// the configured `site_address` (or the onion address), or nothing.
#[test]
fn regression_the_printed_receipt_named_the_host_the_request_gave() {
    let print = |portal: &Portal| {
        let token = form_token(portal, "en");
        let (_, page) = post_form(portal, &token, &Tip::default());
        assert!(element_text(&page, "receipt-code").is_some());
        let resp = client()
            .post(portal.url("/submit/receipt?lang=en"))
            .header("Host", "evil.example")
            .form(&[("form_token", token.as_str()), ("action", "print")])
            .send()
            .unwrap();
        resp.text().unwrap()
    };
    let page = print(&Portal::start());
    assert!(element_text(&page, "receipt-code").is_some(), "{page}");
    assert!(!page.contains("evil.example"), "{page}");
    assert_eq!(element_text(&page, "receipt-site"), None);
    let configured = Portal::start_with(PortalOptions {
        config: "site_address = \"https://tips.example.org\"".into(),
        ..PortalOptions::default()
    });
    let page = print(&configured);
    assert_eq!(
        element_text(&page, "receipt-site").as_deref(),
        Some("https://tips.example.org")
    );
    assert!(!page.contains("evil.example"), "{page}");
}

/// Found as a flaky `regression_a_token_another_site_chose_reached_the_reporters_form`
/// under load: the portal refused a cross-site post before the client had sent its whole
/// body, so the client's request failed ("SendError Disconnected") instead of showing the
/// page that says why. Here the body comes slowly on purpose: the refusal must still
/// arrive.
#[test]
fn regression_a_refused_cross_site_post_failed_before_its_body_was_sent() {
    /// Half the body, a pause, the rest.
    struct Slow(Vec<u8>, usize);
    impl std::io::Read for Slow {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let half = self.0.len() / 2;
            if self.1 == half {
                std::thread::sleep(std::time::Duration::from_millis(300));
            }
            let end = if self.1 < half { half } else { self.0.len() };
            let n = buf.len().min(end - self.1);
            buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
            self.1 += n;
            Ok(n)
        }
    }
    let portal = Portal::start();
    let body = format!(
        "form_token={}&receipt=1&message={}",
        "5e".repeat(16),
        "x".repeat(4000)
    );
    let resp = client()
        .post(portal.url("/status?lang=en"))
        .header("Sec-Fetch-Site", "cross-site")
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body(reqwest::blocking::Body::new(Slow(body.into_bytes(), 0)))
        .send()
        .expect("the refusal arrives");
    assert_eq!(resp.status().as_u16(), 403);
    assert!(resp.text().unwrap().contains("sent from another web site"));
}
