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
            let status = wait_text(&c, "#tip-status", |t| !t.is_empty()).await;
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
