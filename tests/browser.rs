//! The reporter's journey in a real browser (Debian's chromium through chromedriver), with
//! JavaScript disabled as in Tor Browser's "Safest" mode: submit with an attachment, read
//! the receipt, look it up, add a follow-up, in zh-Hans, zh-Hant and en, at phone (390 px)
//! and desktop (1280 px) widths. Screenshots go to target/screenshots/.
//!
//! `.ci/run` installs chromium and chromium-driver; without them this test says it is
//! skipped and why.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use fantoccini::{ClientBuilder, Locator};

struct Driver {
    child: Child,
    port: u16,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn find_exe(names: &[&str]) -> Option<PathBuf> {
    names.iter().map(PathBuf::from).find(|p| p.is_file())
}

fn start_driver() -> Result<Driver, String> {
    let driver = find_exe(&["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"])
        .ok_or("chromedriver is not installed (apt-get install chromium-driver)")?;
    find_exe(&["/usr/bin/chromium"])
        .ok_or("chromium is not installed (apt-get install chromium)")?;
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start chromedriver: {e}"))?;
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err("chromedriver did not start".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(Driver {
        child,
        port,
        _profile: tempfile::tempdir().unwrap(),
    })
}

fn screenshots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Nothing is wider than the window, and every visible form control has a label.
async fn check_layout(c: &fantoccini::Client, width: f64, what: &str) {
    let (_, _, html_width, _) = c
        .find(Locator::Css("html"))
        .await
        .unwrap()
        .rectangle()
        .await
        .unwrap();
    assert!(
        html_width <= width + 0.5,
        "{what}: page is {html_width}px wide in a {width}px window"
    );
    for el in c.find_all(Locator::Css("main *")).await.unwrap() {
        let (x, _, w, _) = el.rectangle().await.unwrap();
        assert!(
            x + w <= width + 0.5,
            "{what}: an element overflows ({x}+{w} > {width})"
        );
    }
    for el in c
        .find_all(Locator::Css("input, select, textarea"))
        .await
        .unwrap()
    {
        let kind = el.attr("type").await.unwrap().unwrap_or_default();
        let id = el.attr("id").await.unwrap().unwrap_or_default();
        if kind == "hidden" || id == "website" {
            continue;
        }
        assert!(!id.is_empty(), "{what}: a control without id");
        let labels = c
            .find_all(Locator::Css(&format!("label[for='{id}']")))
            .await
            .unwrap();
        assert!(!labels.is_empty(), "{what}: control #{id} has no label");
    }
}

/// Wait (after a click that navigates) until `css` exists and its text satisfies `ok`.
async fn wait_text(c: &fantoccini::Client, css: &str, ok: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(el) = c.find(Locator::Css(css)).await {
            if let Ok(text) = el.text().await {
                if ok(&text) {
                    return text;
                }
            }
        }
        assert!(Instant::now() < deadline, "timed out waiting for {css}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn shot(c: &fantoccini::Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(screenshots_dir().join(format!("{name}.png")), png).unwrap();
}

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

/// A TCP proxy to `target` that passes what the browser sends at `bytes_per_sec` (a slow
/// phone link over Tor) and what comes back at full speed. Stops with the test process.
fn throttled_proxy(target: &str, bytes_per_sec: usize) -> String {
    use std::io::{Read, Write};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let target = target.to_owned();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = std::net::TcpStream::connect(&target) else {
                continue;
            };
            let (mut c_read, mut s_write) =
                (client.try_clone().unwrap(), server.try_clone().unwrap());
            let (mut s_read, mut c_write) = (server, client);
            std::thread::spawn(move || {
                let mut buf = vec![0u8; bytes_per_sec / 10];
                loop {
                    match c_read.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            if s_write.write_all(&buf[..n]).is_err() {
                                break;
                            }
                            std::thread::sleep(Duration::from_millis(100));
                        }
                    }
                }
                let _ = s_write.shutdown(std::net::Shutdown::Write);
            });
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut s_read, &mut c_write);
                let _ = c_write.shutdown(std::net::Shutdown::Write);
            });
        }
    });
    addr
}

/// How a test session's browser runs.
#[derive(Clone, Copy, PartialEq)]
enum Mode {
    /// JavaScript off, as on Tor Browser's "Safest" setting.
    Safest,
    /// The same, and a click that starts a navigation returns at once (to tap twice).
    SafestEagerClicks,
    /// JavaScript on, only for the axe-core audit (the pages have no script of their
    /// own, so they are the same pages; axe needs the page's event loop).
    Audit,
}

async fn session(driver: &Driver, profile: &str, mode: Mode) -> fantoccini::Client {
    let mut caps = serde_json::json!({
        "goog:chromeOptions": {
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--disable-dev-shm-usage", "--hide-scrollbars", format!("--user-data-dir={profile}")],
            "prefs": {"profile.managed_default_content_settings.javascript": 2}
        }
    });
    if mode == Mode::SafestEagerClicks {
        caps["pageLoadStrategy"] = "none".into();
    }
    if mode == Mode::Audit {
        caps["goog:chromeOptions"]["prefs"] = serde_json::json!({});
    }
    let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
    builder.capabilities(caps.as_object().unwrap().clone());
    builder
        .connect(&format!("http://127.0.0.1:{}", driver.port))
        .await
        .expect("WebDriver session")
}

/// axe-core (vendored, `tests/vendor/axe-core`) on the page as it is: no serious or
/// critical violation. Injected through WebDriver; the page itself runs no script.
async fn axe(c: &fantoccini::Client, what: &str) {
    const AXE: &str = include_str!("vendor/axe-core/axe.min.js");
    c.execute(&format!("{AXE};return true;"), vec![])
        .await
        .unwrap();
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {resultTypes: ['violations']}).then(r => done(
               r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.map(n => n.target.join(' ')).join(', '))));",
            vec![],
        )
        .await
        .unwrap();
    let found: Vec<String> = serde_json::from_value(found).unwrap();
    assert!(found.is_empty(), "axe-core, {what}: {found:#?}");
}

/// The tab a click just opened beside `current`.
async fn wait_for_new_tab(
    c: &fantoccini::Client,
    current: &fantoccini::wd::WindowHandle,
) -> fantoccini::wd::WindowHandle {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(w) = c
            .windows()
            .await
            .unwrap()
            .into_iter()
            .find(|w| w != current)
        {
            return w;
        }
        assert!(Instant::now() < deadline, "no new tab opened");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// What a printed page says holds every one of `wanted` and none of `unwanted` (its text,
/// by pdftotext); SKIPPED where poppler-utils is missing.
fn pdf_holds(pdf: &[u8], wanted: &[&str], unwanted: &[&str]) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("page.pdf");
    std::fs::write(&path, pdf).unwrap();
    let Ok(out) = Command::new("pdftotext")
        .arg("-raw")
        .arg(&path)
        .arg("-")
        .output()
    else {
        eprintln!("SKIPPED the printed page's text check: pdftotext is not installed (apt-get install poppler-utils)");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    // pdftotext may break a grouped code across spaces: compare without them.
    let flat: String = text.split_whitespace().collect();
    for w in wanted {
        let w: String = w.split_whitespace().collect();
        assert!(flat.contains(&w), "the printed page lacks {w:?}: {text}");
    }
    for u in unwanted {
        assert!(!text.contains(u), "the printed page holds {u:?}");
    }
}

/// The value the element with `id` holds, hidden or not (`textContent`, what scripts read).
async fn content_of(c: &fantoccini::Client, id: &str) -> String {
    c.find(Locator::Id(id))
        .await
        .unwrap()
        .prop("textContent")
        .await
        .unwrap()
        .unwrap_or_default()
}

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
