//! Headers, pages without script, the command line and stopping.

use super::*;

#[test]
fn security_headers_on_every_response_and_no_cookies() {
    let portal = Portal::start_with(PortalOptions {
        config: "onion_location = \"http://exampleonionaddressxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion\""
            .into(),
        ..Default::default()
    });
    let c = client();
    let receipt = submit_ok(&portal, &Tip::default());
    let responses = vec![
        c.get(portal.url("/")).send().unwrap(),
        c.get(portal.url("/submit?lang=en")).send().unwrap(),
        c.get(portal.url("/status")).send().unwrap(),
        c.get(portal.url("/healthz")).send().unwrap(),
        c.get(portal.url("/static/tipbox.css")).send().unwrap(),
        c.get(portal.url("/no-such-page")).send().unwrap(),
        c.post(portal.url("/status"))
            .form(&[("receipt", receipt.as_str())])
            .send()
            .unwrap(),
        c.post(portal.url("/status"))
            .form(&[("receipt", "1")])
            .send()
            .unwrap(),
        c.post(portal.url("/submit"))
            .body("not multipart")
            .send()
            .unwrap(),
        c.delete(portal.url("/submit")).send().unwrap(),
    ];
    for resp in responses {
        let h = resp.headers();
        let url = resp.url().to_string();
        let csp = h["content-security-policy"].to_str().unwrap();
        for directive in [
            "default-src 'none'",
            "style-src 'self'",
            "img-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
        ] {
            assert!(csp.contains(directive), "{url}: CSP lacks {directive}");
        }
        assert_eq!(h["x-frame-options"], "DENY", "{url}");
        assert_eq!(h["referrer-policy"], "no-referrer", "{url}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{url}");
        assert_eq!(h["cache-control"], "no-store", "{url}");
        assert_eq!(h["cross-origin-opener-policy"], "same-origin", "{url}");
        let pp = h["permissions-policy"].to_str().unwrap();
        for feature in [
            "camera=()",
            "microphone=()",
            "geolocation=()",
            "accelerometer=()",
            "gyroscope=()",
            "magnetometer=()",
        ] {
            assert!(
                pp.contains(feature),
                "{url}: Permissions-Policy lacks {feature}"
            );
        }
        assert!(h.get("set-cookie").is_none(), "{url} sets a cookie");
        // The same page on the onion site: its address, then the path and query asked for.
        let asked = &url[url.find("/127.0.0.1:").map(|i| i + 1).unwrap()..];
        let path = &asked[asked.find('/').unwrap()..];
        assert_eq!(
            h["onion-location"],
            format!("http://exampleonionaddressxxxxxxxxxxxxxxxxxxxxxxxxxxxx.onion{path}"),
            "{url}"
        );
        let status = resp.status().as_u16();
        assert!(status < 500, "{url} answered {status}");
    }
    assert_eq!(
        c.get(portal.url("/healthz"))
            .send()
            .unwrap()
            .text()
            .unwrap(),
        "ok"
    );
}

#[test]
fn pages_need_no_script_and_load_nothing_from_elsewhere() {
    let portal = Portal::start();
    let receipt = submit_ok(&portal, &Tip::default());
    let c = client();
    let mut pages = vec![];
    for lang in ["zh-Hans", "zh-Hant", "en"] {
        for path in ["/", "/submit", "/status"] {
            pages.push(
                c.get(portal.url(&format!("{path}?lang={lang}")))
                    .send()
                    .unwrap()
                    .text()
                    .unwrap(),
            );
        }
        pages.push(lookup(&portal, &receipt, lang).1);
    }
    for page in pages {
        let lower = page.to_lowercase();
        assert!(!lower.contains("<script"), "no script");
        assert!(
            !lower.contains(" on") || !lower.contains("onclick="),
            "no inline handlers"
        );
        for attr in [
            "src=\"http",
            "href=\"http",
            "src=\"//",
            "href=\"//",
            "action=\"http",
        ] {
            assert!(!lower.contains(attr), "no third-party resource ({attr})");
        }
        // Every form control has a label.
        for id in [
            "category",
            "location",
            "description",
            "attachment",
            "reward",
            "receipt",
            "message",
        ] {
            if page.contains(&format!("id=\"{id}\"")) {
                assert!(
                    page.contains(&format!("for=\"{id}\"")),
                    "control {id} has no label"
                );
            }
        }
    }
}

#[test]
fn command_line_keys_override_config_and_bad_keys_exit_2() {
    let recipient = std::fs::read_to_string(repo_path("keys-example/recipient.txt")).unwrap();
    let verify = std::fs::read_to_string(repo_path("keys-example/verify-key.txt")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    // Started from what `tipbox-review init` prints: no config file at all, no demo banner.
    let mut child = std::process::Command::new(PORTAL_BIN)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--recipient",
            recipient.trim(),
            "--verify-key",
            verify.trim(),
            "--data",
        ])
        .arg(dir.path().join("data"))
        .stderr(std::fs::File::create(dir.path().join("err")).unwrap())
        .spawn()
        .unwrap();
    let addr = wait_for_address(&mut child, &dir.path().join("err"));
    let text = std::fs::read_to_string(dir.path().join("err")).unwrap();
    assert!(!text.contains("DEMO"), "no demo warning with real keys");
    let page = client()
        .get(format!("http://{addr}/"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(!page.contains("class=\"demo\""));
    child.kill().unwrap();
    child.wait().unwrap();

    for args in [
        vec![
            "serve",
            "--recipient",
            "age1notarecipient",
            "--verify-key",
            verify.trim(),
        ],
        vec![
            "serve",
            "--recipient",
            recipient.trim(),
            "--verify-key",
            "zz",
        ],
        vec!["serve", "--config", "/nonexistent/portal.toml"],
    ] {
        let out = std::process::Command::new(PORTAL_BIN)
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("tipbox-portal: "), "{err}");
    }
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "recipients = []\nlisten_port = 3\n").unwrap();
    let out = std::process::Command::new(PORTAL_BIN)
        .args(["serve", "--config"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("listen_port"),
        "unknown keys are named"
    );
}

#[test]
fn sigterm_stops_the_portal_cleanly() {
    let mut portal = Portal::start();
    submit_ok(&portal, &Tip::default());
    let status = std::process::Command::new("kill")
        .args(["-TERM", &portal.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        if let Some(code) = portal.child.try_wait().unwrap() {
            assert!(code.success(), "exit status {code:?}");
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "portal ignored SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(portal.logs().contains("portal stopped"));
}

#[test]
fn every_page_weighs_under_30_kb_with_its_stylesheet() {
    let portal = Portal::start();
    let receipt = submit_ok(&portal, &Tip::default());
    let c = client();
    let css = c
        .get(portal.url("/static/tipbox.css"))
        .send()
        .unwrap()
        .bytes()
        .unwrap()
        .len();
    for lang in ["zh-Hans", "zh-Hant", "en"] {
        let mut pages = vec![];
        for path in ["/", "/submit", "/status"] {
            pages.push((
                path.to_owned(),
                c.get(portal.url(&format!("{path}?lang={lang}")))
                    .send()
                    .unwrap()
                    .bytes()
                    .unwrap()
                    .len(),
            ));
        }
        pages.push((
            "status page".into(),
            lookup(&portal, &receipt, lang).1.len(),
        ));
        for (name, size) in pages {
            assert!(
                size + css < 30 * 1024,
                "{lang} {name}: {size} + {css} bytes of CSS"
            );
        }
    }
}
