//! The reporter's journey in a real browser (Debian's chromium through chromedriver), with
//! JavaScript disabled as in Tor Browser's "Safest" mode: submit with an attachment, read
//! the receipt, look it up, add a follow-up, in zh-Hans, zh-Hant and en, at phone (390 px)
//! and desktop (1280 px) widths. Screenshots go to target/screenshots/.
//!
//! `.ci/run` installs chromium and chromium-driver; without them this test says it is
//! skipped and why.

#[path = "../common/mod.rs"]
mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use fantoccini::{ClientBuilder, Locator};

mod desk;
mod findings;
mod journey;
mod slow_phone;

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
    const AXE: &str = include_str!("../vendor/axe-core/axe.min.js");
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
