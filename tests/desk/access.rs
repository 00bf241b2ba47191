//! Who may reach the desk, and when: the token, the session, Host and Origin, CSRF, the locked keys, the idle time.

use super::*;

#[test]
fn the_desk_answers_only_its_token_its_session_and_its_own_address() {
    let l = TestLedger::new();
    let desk = Desk::start(&l, false, &[]);
    assert!(desk.url.starts_with("http://127.0.0.1:"), "{}", desk.url);
    assert!(desk.url.contains("/?token="), "{}", desk.url);
    // No token, a wrong token, a made-up session: 403.
    assert_eq!(desk.get("", "/").0, 403);
    assert_eq!(desk.get("", "/?token=00").0, 403);
    assert_eq!(desk.get("tipbox_desk=00", "/").0, 403);
    assert_eq!(desk.get("", "/tip/1").0, 403);
    let session = desk.session();
    let (code, page) = desk.get(&session, "/");
    assert_eq!(code, 200);
    assert!(page.contains("<html lang=\"zh-Hans\">"), "{page}");
    // The token works once (regression: it gave a session to every later visit, and the
    // address lingers in the browser's history and, through xdg-open, in a process list).
    assert_eq!(client().get(&desk.url).send().unwrap().status(), 403);
    // Two Host headers, or an absolute target naming another host: 421.
    let port = desk.host.rsplit(':').next().unwrap().to_owned();
    for request in [
        format!("GET / HTTP/1.1\r\nHost: {}\r\nHost: evil.example\r\nCookie: {session}\r\nConnection: close\r\n\r\n", desk.host),
        format!("GET http://evil.example:{port}/ HTTP/1.1\r\nHost: {}\r\nCookie: {session}\r\nConnection: close\r\n\r\n", desk.host),
    ] {
        let answer = desk.raw(&request);
        assert!(answer.starts_with("HTTP/1.1 421"), "{request}: {answer}");
    }
    // Another Host (a DNS rebinding: evil.example resolving to 127.0.0.1): 421, even with
    // the session.
    let answer = desk.raw(&format!(
        "GET / HTTP/1.1\r\nHost: evil.example:{}\r\nCookie: {session}\r\nConnection: close\r\n\r\n",
        desk.host.rsplit(':').next().unwrap()
    ));
    assert!(answer.starts_with("HTTP/1.1 421"), "{answer}");
    let answer = desk.raw("GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert!(answer.starts_with("HTTP/1.1 421"), "{answer}");
    // Every answer: strict CSP, not stored.
    let res = client()
        .get(format!("http://{}/", desk.host))
        .header("cookie", &session)
        .send()
        .unwrap();
    let h = res.headers();
    assert_eq!(h["cache-control"], "no-store");
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert!(!csp.contains("script-src"), "{csp}");
    assert_eq!(h["x-frame-options"], "DENY");
    let text = desk.stop();
    assert!(text.contains("desk stopped"), "{text}");
}

#[test]
fn forms_need_their_csrf_field_and_this_origin() {
    let l = TestLedger::new();
    let desk = Desk::start(&l, false, &[]);
    let session = desk.session();
    let (_, page) = desk.get(&session, "/");
    let csrf = csrf_of(&page);
    assert_eq!(desk.post(&session, "/lock", &[]).0, 403);
    assert_eq!(desk.post(&session, "/lock", &[("csrf", "0")]).0, 403);
    // A page of another site posting with the session cookie (a browser would not send a
    // SameSite=Strict cookie, but the desk does not rely on that alone).
    for origin in ["Origin: http://evil.example", "Sec-Fetch-Site: cross-site"] {
        let body = format!("csrf={csrf}");
        let answer = desk.raw(&format!(
            "POST /lock HTTP/1.1\r\nHost: {}\r\nCookie: {session}\r\n{origin}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            desk.host,
            body.len()
        ));
        assert!(answer.starts_with("HTTP/1.1 403"), "{origin}: {answer}");
    }
    // `Origin: null` (what Chromium sends with its own forms under no-referrer) only with
    // `Sec-Fetch-Site: same-origin` (regression: the Lock button got 403 in Chromium).
    let post = |headers: &str| {
        let body = format!("csrf={csrf}");
        desk.raw(&format!(
            "POST /lock HTTP/1.1\r\nHost: {}\r\nCookie: {session}\r\n{headers}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            desk.host,
            body.len()
        ))
    };
    for refused in [
        "Origin: null\r\n",
        "Origin: null\r\nSec-Fetch-Site: cross-site\r\n",
        "Origin: null\r\nSec-Fetch-Site: none\r\n",
    ] {
        assert!(post(refused).starts_with("HTTP/1.1 403"), "{refused}");
    }
    // Still unlocked: nothing above locked it.
    assert!(desk.get(&session, "/").1.contains("<table>"));
    let answer = post("Origin: null\r\nSec-Fetch-Site: same-origin\r\n");
    assert!(answer.starts_with("HTTP/1.1 303"), "{answer}");
    let (_, page) = desk.get(&session, "/");
    assert!(page.contains("name=\"passphrase\""), "{page}");
}

/// Every form that writes the ledger: without its CSRF field (or with a wrong one) it is
/// refused and nothing is written; an action the desk does not have is a 404; a locked
/// desk asks for the passphrase and writes nothing either.
#[test]
fn every_casework_form_needs_its_csrf_field_and_unlocked_keys() {
    let (l, work, _) = ledger_with(&[Tip::default()]);
    let bundle = work.path().join("inbox.tbx");
    let bundle = bundle.to_str().unwrap();
    let out = work.path().join("updates.tbu");
    let out = out.to_str().unwrap();
    let forms: [(&str, &[(&str, &str)]); 11] = [
        ("/tip/1/triage", &[("priority", "high")]),
        ("/tip/1/assign", &[("department", "县公安局")]),
        ("/tip/1/status", &[("status", "verifying")]),
        ("/tip/1/reply", &[("text", "收到")]),
        ("/tip/1/note", &[("text", "备注")]),
        ("/tip/1/link", &[("other", "1")]),
        ("/tip/1/approve", &[("amount", "100")]),
        ("/tip/1/paid", &[]),
        ("/office/import", &[("file", bundle)]),
        ("/office/export", &[("file", out)]),
        ("/office/claim", &[("token", "0000")]),
    ];
    let before = ledger_state(&l);
    let desk = Desk::start(&l, false, &[]);
    let session = desk.session();
    let csrf = csrf_of(&desk.get(&session, "/").1);
    for (path, form) in forms {
        assert_eq!(desk.post(&session, path, form).0, 403, "{path}");
        let mut wrong = form.to_vec();
        wrong.push(("csrf", "00"));
        assert_eq!(desk.post(&session, path, &wrong).0, 403, "{path}");
    }
    for path in [
        "/tip/1/delete",
        "/tip/1/show",
        "/office/restore",
        "/tip/x/triage",
    ] {
        assert_eq!(
            desk.post(&session, path, &[("csrf", &csrf)]).0,
            404,
            "{path}"
        );
    }
    // Locked: the passphrase page, and nothing done.
    assert_eq!(desk.post(&session, "/lock", &[("csrf", &csrf)]).0, 303);
    for (path, form) in forms {
        let mut given = form.to_vec();
        given.push(("csrf", &csrf));
        let (code, page) = desk.post(&session, path, &given);
        assert_eq!(code, 200, "{path}");
        assert!(page.contains("name=\"passphrase\""), "{path}: {page}");
    }
    desk.stop();
    assert!(!std::path::Path::new(out).exists());
    assert_eq!(ledger_state(&l), before);
}

#[test]
fn a_locked_desk_asks_for_the_passphrase_and_a_wrong_one_opens_nothing() {
    let l = TestLedger::new();
    l.ok(&[
        "add",
        "--channel",
        "phone",
        "--category",
        "loan-shark",
        "--text",
        "来电反映某公司暴力催收",
    ]);
    let desk = Desk::start(&l, true, &[]);
    let session = desk.session();
    let (code, page) = desk.get(&session, "/tip/1");
    assert_eq!(code, 200);
    assert!(page.contains("name=\"passphrase\""), "{page}");
    assert!(!page.contains("暴力催收"), "{page}");
    let csrf = csrf_of(&page);
    let (code, page) = desk.post(
        &session,
        "/unlock",
        &[("csrf", &csrf), ("passphrase", "not the passphrase")],
    );
    assert_eq!(code, 200);
    assert!(page.contains("口令不正确"), "{page}");
    let pass = std::fs::read_to_string(repo_path("keys-example/passphrase.txt")).unwrap();
    assert_eq!(
        desk.post(&session, "/unlock", &[("passphrase", &pass)]).0,
        403
    );
    let (code, _) = desk.post(
        &session,
        "/unlock",
        &[("csrf", &csrf), ("passphrase", pass.trim_end())],
    );
    assert_eq!(code, 303);
    let (_, page) = desk.get(&session, "/tip/1");
    assert!(page.contains("来电反映某公司暴力催收"), "{page}");
    desk.stop();
    // The wrong try is on record, and the audit log still verifies.
    let log = std::fs::read_to_string(l.path().join("audit.log")).unwrap();
    let failed: Vec<&str> = log
        .lines()
        .filter(|line| line.contains("\"unlock-failed\""))
        .collect();
    assert_eq!(failed.len(), 1, "{log}");
    assert!(!failed[0].contains("not the passphrase"), "{log}");
    l.ok(&["audit", "verify"]);
}

#[test]
fn the_desk_refuses_an_address_other_machines_can_reach() {
    let l = TestLedger::new();
    let out = review_command(&l.path())
        .args(["desk", "--no-open", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a loopback address"), "{err}");
}

/// How long the keys stay unlocked without use is the office's setting (`[desk]
/// lock_after_minutes` in ledger.toml), checked where it is read; the flag decides for
/// one launch. Each desk here is stopped as soon as it gives its address, and stops
/// cleanly (regression: a SIGTERM before its handlers were in place killed it).
#[test]
fn the_idle_lock_time_is_the_offices_setting() {
    let l = TestLedger::new();
    let said = |desk: Desk| {
        let text = desk.stop();
        text.lines()
            .find(|line| line.contains("lock again after"))
            .unwrap_or_else(|| panic!("{text}"))
            .to_owned()
    };
    assert!(said(Desk::start(&l, false, &[])).contains(" 15 minutes"));
    std::fs::write(
        l.path().join("ledger.toml"),
        "[desk]\nlock_after_minutes = 7\n",
    )
    .unwrap();
    assert!(said(Desk::start(&l, false, &[])).contains(" 7 minutes"));
    let flag = Desk::start(&l, false, &["--lock-after-minutes", "3"]);
    assert!(said(flag).contains(" 3 minutes"));
    for bad in ["0", "1441", "\"soon\""] {
        std::fs::write(
            l.path().join("ledger.toml"),
            format!("[desk]\nlock_after_minutes = {bad}\n"),
        )
        .unwrap();
        let out = review_command(&l.path())
            .args(["desk", "--no-open", "--listen", "127.0.0.1:0"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{bad}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("ledger.toml"), "{bad}: {err}");
    }
}

/// A page of another port of this machine is the same *site*: its requests carry the
/// SameSite cookie. Reading a tip decrypts it, writes the audit log and keeps the keys from
/// locking, so only the desk's own pages and the reviewer's typed address may ask
/// (regression: an `<img>` on 127.0.0.1:8099 made the desk decrypt every tip).
#[test]
fn a_page_of_another_port_cannot_read_through_the_desk() {
    let (l, _work, _) = ledger_with(&[Tip::default()]);
    let desk = Desk::start(&l, false, &[]);
    // The token may come from anywhere (the opener file is a `file:` page).
    let res = client()
        .get(&desk.url)
        .header("sec-fetch-site", "cross-site")
        .send()
        .unwrap();
    assert_eq!(res.status(), 200);
    let session = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let before = std::fs::read_to_string(l.path().join("audit.log")).unwrap();
    for site in ["same-site", "cross-site", "same-site, same-origin"] {
        for method in [reqwest::Method::GET, reqwest::Method::HEAD] {
            let res = client()
                .request(method.clone(), format!("http://{}/tip/1", desk.host))
                .header("cookie", &session)
                .header("sec-fetch-site", site)
                .send()
                .unwrap();
            assert_eq!(res.status(), 403, "{method} {site}");
        }
    }
    let res = client()
        .get(format!("http://{}/?q=%E6%9D%91%E9%9C%B8", desk.host))
        .header("cookie", &session)
        .header("sec-fetch-site", "same-site")
        .send()
        .unwrap();
    assert_eq!(res.status(), 403);
    let after = std::fs::read_to_string(l.path().join("audit.log")).unwrap();
    assert_eq!(before, after);
    for site in ["same-origin", "none"] {
        let res = client()
            .get(format!("http://{}/tip/1", desk.host))
            .header("cookie", &session)
            .header("sec-fetch-site", site)
            .send()
            .unwrap();
        assert_eq!(res.status(), 200, "{site}");
    }
    desk.stop();
}

/// The desktop's browser is sent to the desk through a file only this user can read, never
/// with the token on a command line (regression: `xdg-open URL` showed the token to every
/// user of the machine in `/proc/PID/cmdline`, and whoever used it first had the desk). The
/// file is gone once the token is spent.
#[test]
fn the_browser_gets_the_address_through_a_private_file() {
    use std::os::unix::fs::PermissionsExt;
    let l = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let bin = work.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let seen = work.path().join("xdg-open-args");
    let fake = bin.join("xdg-open");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > {}\n", seen.display()),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let runtime = work.path().join("run");
    std::fs::create_dir(&runtime).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let mut child = review_command(&l.path())
        .env("PATH", path)
        .env("XDG_RUNTIME_DIR", &runtime)
        .args(["desk", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|line| {
            line.strip_prefix("tipbox-review: desk at ")
                .map(str::to_owned)
        })
        .unwrap();
    std::thread::spawn(move || lines.for_each(drop));
    let deadline = Instant::now() + Duration::from_secs(30);
    while !seen.exists() {
        assert!(Instant::now() < deadline, "xdg-open was not run");
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(100));
    let args = std::fs::read_to_string(&seen).unwrap();
    let token = url.split("token=").nth(1).unwrap();
    assert!(!args.contains(token), "{args}");
    let opener = std::path::PathBuf::from(args.trim());
    assert!(opener.starts_with(&runtime), "{args}");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&opener), 0o600);
    assert_eq!(mode(opener.parent().unwrap()), 0o700);
    assert!(std::fs::read_to_string(&opener).unwrap().contains(&url));
    assert_eq!(client().get(&url).send().unwrap().status(), 200);
    assert!(!opener.exists());
    assert!(!opener.parent().unwrap().exists());
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(child.wait().unwrap().success());
}

/// The opener file is made only in a folder nobody else can rename it out of (this user's
/// and not writable by others, or sticky like /tmp); otherwise the browser is not opened
/// and the reviewer is told to open the printed address (regression: in a world-writable
/// XDG_RUNTIME_DIR another user could swap in a page of theirs).
#[test]
fn no_opener_file_in_a_folder_others_can_write() {
    use std::os::unix::fs::PermissionsExt;
    let l = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let bin = work.path().join("bin");
    std::fs::create_dir(&bin).unwrap();
    let seen = work.path().join("xdg-open-args");
    let fake = bin.join("xdg-open");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\nprintf '%s\\n' \"$@\" > {}\n", seen.display()),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let open_to_all = work.path().join("run");
    std::fs::create_dir(&open_to_all).unwrap();
    std::fs::set_permissions(&open_to_all, std::fs::Permissions::from_mode(0o777)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let mut child = review_command(&l.path())
        .env("PATH", path)
        .env("XDG_RUNTIME_DIR", &open_to_all)
        .args(["desk", "--listen", "127.0.0.1:0"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
    let said: Vec<String> = lines.by_ref().map_while(Result::ok).take(4).collect();
    std::thread::spawn(move || lines.for_each(drop));
    let said = said.join("\n");
    assert!(said.contains("open the address above"), "{said}");
    std::thread::sleep(Duration::from_millis(300));
    assert!(!seen.exists());
    assert_eq!(std::fs::read_dir(&open_to_all).unwrap().count(), 0);
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

/// The desk resolves its ledger's folder once: a link swapped while it runs cannot send its
/// audit entries to another file (regression: a decryption was logged outside the ledger,
/// and its own chain still verified).
#[test]
fn a_swapped_ledger_link_cannot_take_the_audit_log_elsewhere() {
    let (l, work, _) = ledger_with(&[Tip::default()]);
    let link = work.path().join("ledger-link");
    std::os::unix::fs::symlink(l.path(), &link).unwrap();
    let (mut child, url, _seen) = {
        let mut c = review_process();
        c.arg("--ledger")
            .arg(&link)
            .arg("--passphrase-file")
            .arg(repo_path("keys-example/passphrase.txt"));
        let mut child = c
            .args(["desk", "--no-open", "--listen", "127.0.0.1:0"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
        let url = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| {
                line.strip_prefix("tipbox-review: desk at ")
                    .map(str::to_owned)
            })
            .unwrap();
        std::thread::spawn(move || lines.for_each(drop));
        (child, url, ())
    };
    let elsewhere = work.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    let res = client().get(&url).send().unwrap();
    let session = res.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let host = url
        .strip_prefix("http://")
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let page = client()
        .get(format!("http://{host}/tip/1"))
        .header("cookie", &session)
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(page.contains("村霸张某"), "{page}");
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    assert!(child.wait().unwrap().success());
    assert!(!elsewhere.join("audit.log").exists());
    let log = std::fs::read_to_string(l.path().join("audit.log")).unwrap();
    assert!(log.contains("\"action\":\"show\",\"tip\":1"), "{log}");
    l.ok(&["audit", "verify"]);
}
