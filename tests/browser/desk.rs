//! The reviewer's desk in Chromium at a laptop size: the ledger and a hostile tip's page,
//! in Simplified Chinese and English, and the unlock page: nothing overflows the window,
//! every control has its label, axe-core finds no serious or critical violation.
//! Screenshots: target/screenshots/desk-*.png.

use super::*;

#[test]
fn the_desk_in_a_real_browser_at_a_laptop_size() {
    let driver = match start_driver() {
        Ok(d) => d,
        Err(why) => {
            eprintln!("SKIPPED the_desk_in_a_real_browser_at_a_laptop_size: {why}");
            return;
        }
    };
    let long = format!(
        "<b>markup</b> \u{202e}override {} {}",
        "很长的一段举报内容".repeat(200),
        "x".repeat(3000)
    );
    let hostile = Tip {
        category: "loan-shark",
        description: &long,
        files: vec![("<i>name</i>\u{202e}gpj.exe".into(), b"MZ".to_vec())],
        ..Tip::default()
    };
    let (l, _work, _bundle) = ledger_with(&[hostile, Tip::default()]);
    let profile = driver._profile.path().to_str().unwrap().to_owned();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (mut desk, url, _stderr) = start_desk(&l, false, &[]);
    rt.block_on(async {
        let c = session(&driver, &profile, Mode::Audit).await;
        c.set_window_size(1366, 768).await.unwrap();
        c.goto(&url).await.unwrap();
        let html = c.source().await.unwrap();
        assert!(html.contains("<html lang=\"zh-Hans\">"), "{html}");
        // The token left the address bar.
        assert!(!c.current_url().await.unwrap().as_str().contains("token"));
        check_layout(&c, 1366.0, "desk ledger zh-Hans").await;
        axe(&c, "desk ledger zh-Hans").await;
        shot(&c, "desk-ledger-zh-Hans").await;
        // The hostile tip (loan-shark) through the category filter, then its page.
        c.goto(&format!(
            "{}?category=loan-shark",
            url.split('?').next().unwrap()
        ))
        .await
        .unwrap();
        c.find(Locator::Css("tbody a"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, "h1", |t| t.contains("线索")).await;
        check_layout(&c, 1366.0, "desk hostile tip").await;
        axe(&c, "desk hostile tip").await;
        shot(&c, "desk-tip-zh-Hans").await;
        // Its markup is text: no <b> or <i> element came from it.
        assert!(c
            .find_all(Locator::Css("main b, main i"))
            .await
            .unwrap()
            .is_empty());
        c.find(Locator::Css("a[hreflang='en']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, "h1", |t| t.starts_with("Tip ")).await;
        axe(&c, "desk tip en").await;
        shot(&c, "desk-tip-en").await;
        c.find(Locator::Css("form.lock button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, "h1", |t| t.contains("Unlock")).await;
        check_layout(&c, 1366.0, "desk unlock en").await;
        axe(&c, "desk unlock en").await;
        shot(&c, "desk-unlock-en").await;
        c.close().await.unwrap();
    });
    let _ = desk.kill();
    let _ = desk.wait();
}
