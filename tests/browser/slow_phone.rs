//! A slow shared phone: one receipt per tip, nothing left behind for the next user.

use super::*;

/// The reporter-journey review (#27), in Chromium with JavaScript off, at phone size
/// (390x844), in zh-Hans and en: the receipt survives a language switch and a reload,
/// Back brings nothing of the tip back, a closed receipt never comes back, two taps on a
/// throttled link store one tip, the print page holds the code alone. Screenshots in
/// target/screenshots/journey-*.png; axe-core on every page state.
#[test]
fn a_slow_shared_phone_keeps_one_receipt_and_gives_nothing_back() {
    let driver = match start_driver() {
        Ok(d) => d,
        Err(why) => {
            eprintln!(
                "SKIPPED a_slow_shared_phone_keeps_one_receipt_and_gives_nothing_back: {why}"
            );
            return;
        }
    };
    let portal = Portal::start();
    let slow = throttled_proxy(&portal.addr, 256 * 1024);
    let work = tempfile::tempdir().unwrap();
    let evidence = work.path().join("evidence.bin");
    std::fs::write(&evidence, vec![0x42u8; 1 << 20]).unwrap();
    let profile = driver._profile.path().to_str().unwrap().to_owned();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut receipts = Vec::new();
    rt.block_on(async {
        let c = session(&driver, &profile, Mode::Safest).await;
        c.set_window_size(390, 844).await.unwrap();
        for (lang, other, other_name) in
            [("zh-Hans", "en", "English"), ("en", "zh-Hans", "简体中文")]
        {
            let tag = |what: &str| format!("journey-{lang}-{what}");
            c.goto(&portal.url(&format!("/submit?lang={lang}")))
                .await
                .unwrap();
            shot(&c, &tag("form")).await;
            c.find(Locator::Id("description"))
                .await
                .unwrap()
                .send_keys("SHARED-PHONE-CANARY 村霸强占土地，镇干部包庇")
                .await
                .unwrap();
            c.find(Locator::Id("reward"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            c.find(Locator::Css("form button[type='submit']"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            let receipt = wait_text(&c, "#receipt-code", |t| !t.is_empty()).await;
            shot(&c, &tag("receipt")).await;

            // The language switch keeps the receipt.
            c.find(Locator::Css(&format!("nav button[lang='{other}']")))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_text(&c, "#receipt-code", |t| t == receipt).await;
            let html = c.source().await.unwrap();
            assert!(
                html.contains(&format!("lang=\"{other}\"")),
                "{lang} -> {other_name}"
            );
            shot(&c, &tag("receipt-switched")).await;
            // A reload shows the same receipt and stores nothing.
            let before = blob_paths(&portal.data).len();
            c.refresh().await.unwrap();
            wait_text(&c, "#receipt-code", |t| t == receipt).await;
            assert_eq!(
                blob_paths(&portal.data).len(),
                before,
                "{lang}: a reload stored a tip"
            );

            // The print page, in a new tab: the code, the site, the day; nothing else.
            let receipt_tab = c.window().await.unwrap();
            c.find(Locator::Css("button[value='print']"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            let print_tab = wait_for_new_tab(&c, &receipt_tab).await;
            c.switch_to_window(print_tab).await.unwrap();
            wait_text(&c, "#receipt-code", |t| t == receipt).await;
            assert!(
                c.find(Locator::Css("nav, footer, form")).await.is_err(),
                "{lang}: print page"
            );
            let pdf = c
                .print(fantoccini::wd::PrintConfiguration::default())
                .await
                .unwrap();
            std::fs::write(
                screenshots_dir().join(format!("{}.pdf", tag("print"))),
                &pdf,
            )
            .unwrap();
            assert!(pdf.starts_with(b"%PDF"));
            pdf_holds(
                &pdf,
                &[&receipt, &tipbox::store::today()],
                &["SHARED-PHONE-CANARY"],
            );
            c.close_window().await.unwrap();
            c.switch_to_window(receipt_tab).await.unwrap();
            wait_text(&c, "#receipt-code", |t| t == receipt).await;

            // Closed: no way back to the code.
            c.find(Locator::Css("button[value='close']"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            // The receipt page's own h1 is there until the slow link brings the next page
            // (the check ran on it once, under load).
            let deadline = Instant::now() + Duration::from_secs(30);
            while c.find(Locator::Css("#receipt-code")).await.is_ok() {
                assert!(Instant::now() < deadline, "{lang}: the receipt page stayed");
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            wait_text(&c, "h1", |t| !t.is_empty()).await;
            assert!(!c.source().await.unwrap().contains(&receipt));
            shot(&c, &tag("closed")).await;
            for step in 0..4 {
                c.back().await.unwrap();
                tokio::time::sleep(Duration::from_millis(300)).await;
                let html = c.source().await.unwrap();
                assert!(
                    !html.contains(&receipt),
                    "{lang}: Back {step} showed the closed receipt"
                );
                assert!(
                    !html.contains("SHARED-PHONE-CANARY"),
                    "{lang}: Back {step} showed the tip"
                );
                if let Ok(d) = c.find(Locator::Id("description")).await {
                    // Back on the form: nothing of the tip is in it.
                    assert_eq!(
                        d.prop("value").await.unwrap().unwrap_or_default(),
                        "",
                        "{lang}"
                    );
                    assert!(!c
                        .find(Locator::Id("reward"))
                        .await
                        .unwrap()
                        .is_selected()
                        .await
                        .unwrap());
                    break;
                }
            }
            receipts.push(receipt);
        }
        // The status page: the key is there for scripts, out of sight for people; the
        // language switch keeps the code.
        c.goto(&portal.url("/status?lang=zh-Hans")).await.unwrap();
        c.find(Locator::Id("receipt"))
            .await
            .unwrap()
            .send_keys(&receipts[0])
            .await
            .unwrap();
        c.find(Locator::Css("main form button[type='submit']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, "h1", |t| t == "办理进展").await;
        assert_eq!(content_of(&c, "tip-status").await, "received");
        assert!(!c
            .find(Locator::Id("tip-status"))
            .await
            .unwrap()
            .is_displayed()
            .await
            .unwrap());
        c.find(Locator::Css("nav button[lang='en']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, "h1", |t| t == "Progress").await;
        assert_eq!(content_of(&c, "tip-status").await, "received");
        shot(&c, "journey-en-status").await;
        c.close().await.unwrap();

        // Two taps over a slow link (256 KiB/s, a 1 MiB file): one tip, and the code shown
        // is that tip's.
        let c = session(&driver, &profile, Mode::SafestEagerClicks).await;
        c.set_window_size(390, 844).await.unwrap();
        c.goto(&format!("http://{slow}/submit?lang=zh-Hans"))
            .await
            .unwrap();
        wait_text(&c, "h1", |t| !t.is_empty()).await;
        c.find(Locator::Id("description"))
            .await
            .unwrap()
            .send_keys("DOUBLE-TAP 慢速网络上连点两次")
            .await
            .unwrap();
        c.find(Locator::Id("attachment"))
            .await
            .unwrap()
            .send_keys(evidence.to_str().unwrap())
            .await
            .unwrap();
        let before = blob_paths(&portal.data).len();
        c.find(Locator::Css("form button[type='submit']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_millis(1500)).await;
        if let Ok(button) = c.find(Locator::Css("form button[type='submit']")).await {
            let _ = button.click().await;
        }
        let receipt = wait_text(&c, "#receipt-code", |t| !t.is_empty()).await;
        shot(&c, "journey-zh-Hans-double-tap").await;
        c.close().await.unwrap();
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(
            blob_paths(&portal.data).len(),
            before + 1,
            "two taps stored two tips"
        );
        // (reqwest's blocking client may not run on the runtime's own thread.)
        let (status, page) =
            std::thread::scope(|s| s.spawn(|| lookup(&portal, &receipt, "en")).join().unwrap());
        assert_eq!(status, 200, "the code shown is the stored tip's");
        assert!(page.contains("Received"));

        // axe-core on every page state of the journey, in both languages.
        // A profile of its own: the others keep JavaScript off in their preferences.
        let audit_profile = tempfile::tempdir().unwrap();
        let c = session(&driver, audit_profile.path().to_str().unwrap(), Mode::Audit).await;
        c.set_window_size(390, 844).await.unwrap();
        for lang in ["zh-Hans", "en"] {
            let audited = |what: &str| format!("{lang} {what}");
            for path in ["/", "/submit", "/status"] {
                c.goto(&portal.url(&format!("{path}?lang={lang}")))
                    .await
                    .unwrap();
                axe(&c, &audited(path)).await;
            }
            c.goto(&portal.url(&format!("/submit?lang={lang}")))
                .await
                .unwrap();
            c.find(Locator::Id("description"))
                .await
                .unwrap()
                .send_keys("AUDIT 审计用的线索描述")
                .await
                .unwrap();
            c.find(Locator::Css("form button[type='submit']"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            let receipt = wait_text(&c, "#receipt-code", |t| !t.is_empty()).await;
            axe(&c, &audited("receipt")).await;
            let receipt_tab = c.window().await.unwrap();
            c.find(Locator::Css("button[value='print']"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            let print_tab = wait_for_new_tab(&c, &receipt_tab).await;
            c.switch_to_window(print_tab).await.unwrap();
            wait_text(&c, "#receipt-code", |t| t == receipt).await;
            axe(&c, &audited("print")).await;
            c.close_window().await.unwrap();
            c.switch_to_window(receipt_tab).await.unwrap();
            c.find(Locator::Css("button[value='close']"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_text(&c, "h1", |t| !t.is_empty()).await;
            axe(&c, &audited("closed")).await;
            // A form with errors, a status result, a mistyped code, a follow-up.
            c.goto(&portal.url(&format!("/submit?lang={lang}")))
                .await
                .unwrap();
            c.find(Locator::Id("description"))
                .await
                .unwrap()
                .send_keys("短")
                .await
                .unwrap();
            c.find(Locator::Css("form button[type='submit']"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_text(&c, ".errors", |t| !t.is_empty()).await;
            axe(&c, &audited("form with errors")).await;
            for (typed, what) in [(receipt.as_str(), "status"), ("1234", "mistyped code")] {
                c.goto(&portal.url(&format!("/status?lang={lang}")))
                    .await
                    .unwrap();
                c.find(Locator::Id("receipt"))
                    .await
                    .unwrap()
                    .send_keys(typed)
                    .await
                    .unwrap();
                c.find(Locator::Css("main form button[type='submit']"))
                    .await
                    .unwrap()
                    .click()
                    .await
                    .unwrap();
                wait_text(&c, "h1", |t| !t.is_empty()).await;
                axe(&c, &audited(what)).await;
            }
            c.goto(&portal.url(&format!("/status?lang={lang}")))
                .await
                .unwrap();
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
                .send_keys("AUDIT 补充")
                .await
                .unwrap();
            c.find(Locator::Css("form[action^='/status/followup'] button"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_text(&c, "h1", |t| !t.is_empty()).await;
            axe(&c, &audited("follow-up added")).await;
        }
        c.close().await.unwrap();
    });
}
