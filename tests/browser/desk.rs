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
        open_desk(&c, &url).await;
        let html = c.source().await.unwrap();
        assert!(html.contains("<html lang=\"zh-Hans\">"), "{html}");
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

/// The one-time address, as the desktop's browser opens it: the desk's ledger page follows,
/// the token gone from the address bar.
async fn open_desk(c: &fantoccini::Client, url: &str) {
    c.goto(url).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while c.current_url().await.unwrap().as_str().contains("token")
        || c.find(Locator::Css("h1")).await.is_err()
    {
        assert!(Instant::now() < deadline, "the desk's page did not follow");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Click the button of the form posting to `action` and wait for the page it leads to:
/// what the action said, never a refusal.
async fn submit(c: &fantoccini::Client, action: &str) -> String {
    // The last page's message goes first: the one waited for is the next page's.
    c.execute(
        "document.querySelectorAll('.flash').forEach(e => e.remove()); return true;",
        vec![],
    )
    .await
    .unwrap();
    c.find(Locator::Css(&format!("form[action='{action}'] button")))
        .await
        .unwrap_or_else(|_| panic!("a form for {action}"))
        .click()
        .await
        .unwrap();
    let said = wait_text(c, ".flash", |t| !t.is_empty()).await;
    assert!(
        c.find_all(Locator::Css(".flash.refused"))
            .await
            .unwrap()
            .is_empty(),
        "{action}: {said}"
    );
    said
}

async fn fill(c: &fantoccini::Client, id: &str, text: &str) {
    let field = c.find(Locator::Css(&format!("#{id}"))).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

async fn choose(c: &fantoccini::Client, id: &str, value: &str) {
    c.find(Locator::Css(&format!("#{id}")))
        .await
        .unwrap()
        .select_by_value(value)
        .await
        .unwrap();
}

/// A reviewer's whole day done only through the desk in Chromium, in Simplified Chinese
/// and in English, at a laptop size: import from removable media, a claim at the counter,
/// triage, assign with the date picker, status with a public note, reply, note, link,
/// reward approved and paid, the report, export. Each page passes axe-core; screenshots in
/// target/screenshots/desk-day-*. The ledger left is the one the same day with the command
/// line leaves, byte for byte.
#[test]
fn a_full_day_at_the_desk_in_chromium_leaves_the_command_lines_ledger() {
    let driver = match start_driver() {
        Ok(d) => d,
        Err(why) => {
            eprintln!(
                "SKIPPED a_full_day_at_the_desk_in_chromium_leaves_the_command_lines_ledger: {why}"
            );
            return;
        }
    };
    let profile = driver._profile.path().to_str().unwrap().to_owned();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for lang in ["zh-Hans", "en"] {
        let mut inbox = Inbox::new();
        let wanted = inbox.tip(&Tip {
            reward: true,
            ..Tip::default()
        });
        inbox.tip(&Tip {
            category: "loan-shark",
            description: "某公司放高利贷，暴力催收。",
            ..Tip::default()
        });
        let work = tempfile::tempdir().unwrap();
        let bundle = work.path().join("inbox.tbx");
        inbox.write(&bundle);
        let bundle = bundle.to_str().unwrap().to_owned();
        let updates = work.path().join("updates.tbu");
        let updates = updates.to_str().unwrap().to_owned();
        let claim = wanted.keys.claim_token.digits().to_owned();
        let at_desk = TestLedger::new();
        let (mut desk, url, _stderr) =
            start_desk(&at_desk, false, &["--as", "test-reviewer", "--lang", lang]);
        let base = url.split("/?").next().unwrap().to_owned();
        let shot_name = |step: &str| format!("desk-day-{lang}-{step}");
        let (rewarded, other) = rt.block_on(async {
            let c = session(&driver, &profile, Mode::Audit).await;
            c.set_window_size(1366, 768).await.unwrap();
            open_desk(&c, &url).await;
            let html = c.source().await.unwrap();
            assert!(html.contains(&format!("<html lang=\"{lang}\">")), "{html}");
            c.find(Locator::Css("header a[href='/office']"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_text(&c, "h1", |t| !t.is_empty()).await;
            check_layout(&c, 1366.0, "desk office").await;
            axe(&c, &format!("desk office {lang}")).await;
            fill(&c, "i-file", &bundle).await;
            let said = submit(&c, "/office/import").await;
            assert!(said.contains('2'), "{said}");
            shot(&c, &shot_name("1-imported")).await;
            fill(&c, "c-token", &claim).await;
            let said = submit(&c, "/office/claim").await;
            // "领奖码对应线索 N：…" / "claim token matches tip N: …"
            let digits: String = said
                .split(|ch: char| !ch.is_ascii_digit())
                .find(|d| !d.is_empty())
                .unwrap()
                .to_owned();
            let rewarded = digits;
            let other = if rewarded == "1" { "2" } else { "1" }.to_owned();
            // The tip, from the ledger page.
            c.goto(&format!("{base}/")).await.unwrap();
            c.find(Locator::Css(&format!("tbody a[href='/tip/{rewarded}']")))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_text(&c, "h1", |t| t.contains(&rewarded)).await;
            check_layout(&c, 1366.0, "desk tip with its forms").await;
            axe(&c, &format!("desk tip forms {lang}")).await;
            shot(&c, &shot_name("2-tip")).await;
            let tip = |action: &str| format!("/tip/{rewarded}/{action}");
            choose(&c, "t-category", "umbrella").await;
            choose(&c, "t-priority", "high").await;
            choose(&c, "t-credibility", "medium").await;
            submit(&c, &tip("triage")).await;
            fill(&c, "a-department", DAY_DEPARTMENT).await;
            // The date picker, as the browser's own control fills it in.
            c.execute(
                "document.getElementById('a-due').value = arguments[0]; return true;",
                vec![DAY_DUE.into()],
            )
            .await
            .unwrap();
            submit(&c, &tip("assign")).await;
            choose(&c, "s-status", "verifying").await;
            fill(&c, "s-note", DAY_PUBLIC_NOTE).await;
            submit(&c, &tip("status")).await;
            fill(&c, "r-text", DAY_REPLY).await;
            submit(&c, &tip("reply")).await;
            fill(&c, "n-text", DAY_NOTE).await;
            submit(&c, &tip("note")).await;
            fill(&c, "l-other", &other).await;
            submit(&c, &tip("link")).await;
            fill(&c, "w-amount", DAY_AMOUNT).await;
            submit(&c, &tip("approve")).await;
            c.goto(&format!("{base}/office")).await.unwrap();
            fill(&c, "c-token", &claim).await;
            let said = submit(&c, "/office/claim").await;
            assert!(said.contains(DAY_AMOUNT), "{said}");
            c.goto(&format!("{base}/tip/{rewarded}")).await.unwrap();
            submit(&c, &tip("paid")).await;
            check_layout(&c, 1366.0, "desk tip after the day").await;
            axe(&c, &format!("desk tip after the day {lang}")).await;
            shot(&c, &shot_name("3-tip-done")).await;
            c.goto(&format!("{base}/tip/{other}")).await.unwrap();
            choose(&c, "t-priority", "low").await;
            submit(&c, &format!("/tip/{other}/triage")).await;
            // Refused, and said so on the page.
            fill(&c, "l-other", &other).await;
            c.execute(
                "document.querySelectorAll('.flash').forEach(e => e.remove()); return true;",
                vec![],
            )
            .await
            .unwrap();
            c.find(Locator::Css(&format!(
                "form[action='/tip/{other}/link'] button"
            )))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
            wait_text(&c, ".flash.refused", |t| !t.is_empty()).await;
            // The report of the day, in the page, then the export.
            c.goto(&format!("{base}/office")).await.unwrap();
            c.find(Locator::Css("form[action='/report'] button"))
                .await
                .unwrap()
                .click()
                .await
                .unwrap();
            wait_text(&c, "h1", |t| !t.is_empty()).await;
            check_layout(&c, 1366.0, "desk report").await;
            shot(&c, &shot_name("4-report")).await;
            c.goto(&format!("{base}/office")).await.unwrap();
            fill(&c, "e-file", &updates).await;
            let said = submit(&c, "/office/export").await;
            assert!(said.contains("updates.tbu"), "{said}");
            shot(&c, &shot_name("5-exported")).await;
            c.close().await.unwrap();
            (rewarded, other)
        });
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &desk.id().to_string()])
            .status();
        let _ = desk.wait();
        std::fs::remove_file(&updates).unwrap();
        let at_cli = TestLedger::new();
        the_day_on_the_command_line(&at_cli, &bundle, &claim, &rewarded, &other, &updates);
        assert_eq!(
            ledger_results(&at_desk, &["1", "2"]),
            ledger_results(&at_cli, &["1", "2"]),
            "{lang}"
        );
        assert_eq!(audit_writes(&at_desk), audit_writes(&at_cli), "{lang}");
    }
}
