//! The other findings of the outside review, checked in a real browser.

use super::*;

/// A DevTools command through chromedriver's `goog/cdp/execute` (what WebDriver has no
/// command for: the request headers Tor Browser sends).
async fn cdp(driver: &Driver, c: &fantoccini::Client, cmd: &str, params: serde_json::Value) {
    let session = c.session_id().await.unwrap().unwrap();
    let url = format!(
        "http://127.0.0.1:{}/session/{session}/goog/cdp/execute",
        driver.port
    );
    let body = serde_json::json!({"cmd": cmd, "params": params});
    let status = tokio::task::spawn_blocking(move || {
        reqwest::blocking::Client::new()
            .post(url)
            .header("content-type", "application/json")
            .body(body.to_string())
            .send()
            .unwrap()
            .status()
    })
    .await
    .unwrap();
    assert!(status.is_success(), "{cmd}: {status}");
}

/// The other findings of the reporter-journey review, in Chromium with JavaScript off at
/// phone size: Tor Browser's spoofed Accept-Language gets the Chinese site (2); a damaged
/// image is named, with safe advice (5); what matters comes before the form (7); the text
/// limit is said, the English language links do not wrap, and the reporter's follow-ups are
/// listed with their day (8).
#[test]
fn the_other_findings_of_the_review_hold_in_a_real_browser() {
    let driver = match start_driver() {
        Ok(d) => d,
        Err(why) => {
            eprintln!("SKIPPED the_other_findings_of_the_review_hold_in_a_real_browser: {why}");
            return;
        }
    };
    let portal = Portal::start();
    let work = tempfile::tempdir().unwrap();
    let damaged = work.path().join("家门口-IMG_2041.jpg");
    std::fs::write(&damaged, b"\xff\xd8\xff\xe0 not a jpeg at all").unwrap();
    let profile = driver._profile.path().to_str().unwrap().to_owned();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let c = session(&driver, &profile, Mode::Safest).await;
        c.set_window_size(390, 844).await.unwrap();
        // (2) What Tor Browser sends, whatever its user reads.
        cdp(&driver, &c, "Network.enable", serde_json::json!({})).await;
        cdp(
            &driver,
            &c,
            "Network.setExtraHTTPHeaders",
            serde_json::json!({"headers": {"Accept-Language": "en-US,en;q=0.5"}}),
        )
        .await;
        c.goto(&portal.url("/submit")).await.unwrap();
        let html = c.source().await.unwrap();
        assert!(
            html.contains("lang=\"zh-Hans\""),
            "Tor Browser got another language"
        );
        // (7) The brief comes before the form, on screen too.
        let brief_y = c
            .find(Locator::Css(".brief"))
            .await
            .unwrap()
            .rectangle()
            .await
            .unwrap()
            .1;
        let form_y = c
            .find(Locator::Css("main form"))
            .await
            .unwrap()
            .rectangle()
            .await
            .unwrap()
            .1;
        assert!(brief_y < form_y, "the safety advice comes after the form");
        // (8) The limit is said by the box.
        let limit = c
            .find(Locator::Id("description-limit"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(limit.contains("87381"), "{limit}");
        shot(&c, "findings-zh-Hans-tor-form").await;
        // (5) A damaged image: named, and no archive advised.
        c.find(Locator::Id("description"))
            .await
            .unwrap()
            .send_keys("损坏的图片测试：村霸强占土地")
            .await
            .unwrap();
        c.find(Locator::Id("attachment"))
            .await
            .unwrap()
            .send_keys(damaged.to_str().unwrap())
            .await
            .unwrap();
        c.find(Locator::Css("form button[type='submit']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let error = wait_text(&c, ".errors", |t| !t.is_empty()).await;
        assert!(
            error.contains("家门口-IMG_2041.jpg") && error.contains("截屏"),
            "{error}"
        );
        assert!(!error.contains("打包为压缩文件后重试"), "{error}");
        shot(&c, "findings-zh-Hans-damaged-image").await;
        // (8) English language links on a phone: each on one line.
        c.goto(&portal.url("/?lang=zh-Hans")).await.unwrap();
        for link in c.find_all(Locator::Css("header nav a")).await.unwrap() {
            let (_, _, _, h) = link.rectangle().await.unwrap();
            assert!(h < 40.0, "a language link wraps ({h}px high)");
        }
        c.goto(&portal.url("/?lang=en")).await.unwrap();
        for link in c.find_all(Locator::Css("header nav a")).await.unwrap() {
            let (_, _, _, h) = link.rectangle().await.unwrap();
            assert!(h < 40.0, "a language link wraps ({h}px high)");
        }
        shot(&c, "findings-en-home").await;
        // (8) The reporter's follow-ups, listed with their day.
        c.goto(&portal.url("/submit?lang=en")).await.unwrap();
        c.find(Locator::Id("description"))
            .await
            .unwrap()
            .send_keys("FOLLOWUP-LIST a tip with follow-ups")
            .await
            .unwrap();
        c.find(Locator::Css("form button[type='submit']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let receipt = wait_text(&c, "#receipt-code", |t| !t.is_empty()).await;
        for n in 0..2 {
            c.goto(&portal.url("/status?lang=en")).await.unwrap();
            c.find(Locator::Id("receipt"))
                .await
                .unwrap()
                .send_keys(&receipt)
                .await
                .unwrap();
            c.find(Locator::Css("main form button[type='submit']"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_text(&c, "#tip-status", |_| true).await;
            c.find(Locator::Id("message"))
                .await
                .unwrap()
                .send_keys(&format!("follow-up {n}"))
                .await
                .unwrap();
            c.find(Locator::Css("form[action^='/status/followup'] button"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_text(&c, "h1", |t| t == "Information added").await;
        }
        c.goto(&portal.url("/status?lang=en")).await.unwrap();
        c.find(Locator::Id("receipt"))
            .await
            .unwrap()
            .send_keys(&receipt)
            .await
            .unwrap();
        c.find(Locator::Css("main form button[type='submit']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let list = wait_text(&c, "#followups", |t| !t.is_empty()).await;
        let today = tipbox::store::today();
        assert_eq!(
            list.matches(&format!("Added on {today}")).count(),
            2,
            "{list}"
        );
        shot(&c, "findings-en-status-followups").await;
        c.close().await.unwrap();
    });
}
