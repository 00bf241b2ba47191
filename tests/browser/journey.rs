//! The reporter's journey in Chromium with JavaScript off.

use super::*;

#[test]
fn reporter_journey_in_a_real_browser_without_javascript() {
    let driver = match start_driver() {
        Ok(d) => d,
        Err(why) => {
            eprintln!("SKIPPED reporter_journey_in_a_real_browser_without_javascript: {why}");
            return;
        }
    };
    let portal = Portal::start();
    let work = tempfile::tempdir().unwrap();
    let evidence = work.path().join("证据照片说明.txt");
    std::fs::write(&evidence, "BROWSER-ATTACHMENT-CANARY").unwrap();
    let profile = driver._profile.path().to_str().unwrap().to_owned();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                         "--disable-background-networking", "--disable-component-update", "--disable-sync",
                         "--disable-dev-shm-usage", "--hide-scrollbars", format!("--user-data-dir={profile}")],
                // JavaScript off, as in Tor Browser's "Safest" setting.
                "prefs": {"profile.managed_default_content_settings.javascript": 2}
            }
        });
        let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
        builder.capabilities(caps.as_object().unwrap().clone());
        let c = builder
            .connect(&format!("http://127.0.0.1:{}", driver.port))
            .await
            .expect("WebDriver session");
        for (lang, received) in [("zh-Hans", "已受理"), ("zh-Hant", "已受理"), ("en", "Received")] {
            for width in [1280u32, 390] {
                c.set_window_size(width, 1000).await.unwrap();
                c.goto(&portal.url(&format!("/?lang={lang}"))).await.unwrap();
                check_layout(&c, f64::from(width), &format!("{lang} home {width}")).await;
                shot(&c, &format!("{lang}-home-{width}")).await;
                c.goto(&portal.url(&format!("/submit?lang={lang}"))).await.unwrap();
                check_layout(&c, f64::from(width), &format!("{lang} submit {width}")).await;
                shot(&c, &format!("{lang}-submit-{width}")).await;
            }
            // The journey, at phone width.
            c.goto(&portal.url(&format!("/submit?lang={lang}"))).await.unwrap();
            c.find(Locator::Css("option[value='loan-shark']")).await.unwrap().click().await.unwrap();
            c.find(Locator::Id("location")).await.unwrap().send_keys("某县某镇").await.unwrap();
            c.find(Locator::Id("description")).await.unwrap().send_keys("BROWSER-CANARY 套路贷公司暴力催收，逼迫借款人签虚高借条").await.unwrap();
            c.find(Locator::Id("attachment")).await.unwrap().send_keys(evidence.to_str().unwrap()).await.unwrap();
            c.find(Locator::Id("reward")).await.unwrap().click().await.unwrap();
            c.find(Locator::Css("form button[type='submit']")).await.unwrap().click().await.unwrap();
            let receipt = wait_text(&c, "#receipt-code", |t| !t.is_empty()).await;
            assert_eq!(receipt.split_whitespace().count(), 7, "{lang}: receipt {receipt:?}");
            check_layout(&c, 390.0, &format!("{lang} receipt")).await;
            shot(&c, &format!("{lang}-receipt-390")).await;

            c.goto(&portal.url(&format!("/status?lang={lang}"))).await.unwrap();
            check_layout(&c, 390.0, &format!("{lang} status form")).await;
            c.find(Locator::Id("receipt")).await.unwrap().send_keys(&receipt).await.unwrap();
            c.find(Locator::Css("form button[type='submit']")).await.unwrap().click().await.unwrap();
            // The status key is for scripts, out of sight: its text content, not its
            // rendered text.
            wait_text(&c, "#tip-status", |_| true).await;
            let status = content_of(&c, "tip-status").await;
            assert_eq!(status, "received", "{lang}");
            assert!(c.source().await.unwrap().contains(received), "{lang}");
            check_layout(&c, 390.0, &format!("{lang} status")).await;
            shot(&c, &format!("{lang}-status-390")).await;

            c.find(Locator::Id("message")).await.unwrap().send_keys("BROWSER-FOLLOWUP 补充：催收人员车牌号已记下").await.unwrap();
            c.find(Locator::Id("attachment")).await.unwrap().send_keys(evidence.to_str().unwrap()).await.unwrap();
            c.find(Locator::Css("form[action^='/status/followup'] button")).await.unwrap().click().await.unwrap();
            let done = match lang {
                "en" => "Information added",
                "zh-Hant" => "補充資訊已提交",
                _ => "补充信息已提交",
            };
            wait_text(&c, "h1", |t| t == done).await;
        }
        c.close().await.unwrap();
    });
    // What the browser sent arrived, sealed.
    let opened: Vec<_> = blob_paths(&portal.data)
        .iter()
        .map(|p| open_blob(p).0)
        .collect();
    assert_eq!(opened.len(), 6, "three tips and three follow-ups");
    for t in &opened {
        assert_eq!(&t.attachments[0].data[..], b"BROWSER-ATTACHMENT-CANARY");
        assert_eq!(t.attachments[0].start.name, "证据照片说明.txt");
    }
    assert!(opened
        .iter()
        .any(|t| t.field("category") == Some("loan-shark") && t.field("reward") == Some("on")));
    assert!(files_containing(&portal.data, b"BROWSER-CANARY").is_empty());
}
