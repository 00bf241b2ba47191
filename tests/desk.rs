//! The reviewer's desk (`tipbox-review desk`), driven as a process over real HTTP: who may
//! reach it, what a hostile tip can do to its pages, locking, languages.

mod common;

use std::io::{Read, Write};
use std::process::Child;
use std::time::{Duration, Instant};

use common::*;

/// A running desk: its process, its address (`127.0.0.1:PORT`) and its one-time URL.
struct Desk {
    child: Child,
    host: String,
    url: String,
    stderr: DeskStderr,
}

impl Desk {
    /// `tipbox-review desk --no-open` on `ledger`, unlocked with the demo passphrase unless
    /// `locked`.
    fn start(ledger: &TestLedger, locked: bool, extra: &[&str]) -> Desk {
        let (child, url, seen) = start_desk(ledger, locked, extra);
        let host = url
            .strip_prefix("http://")
            .and_then(|r| r.split('/').next())
            .unwrap()
            .to_owned();
        Desk {
            child,
            host,
            url,
            stderr: seen,
        }
    }

    /// The session cookie the one-time URL gives.
    fn session(&self) -> String {
        let res = client().get(&self.url).send().unwrap();
        assert_eq!(res.status(), 303);
        let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Strict"), "{cookie}");
        cookie.split(';').next().unwrap().to_owned()
    }

    fn get(&self, session: &str, path: &str) -> (u16, String) {
        let res = client()
            .get(format!("http://{}{path}", self.host))
            .header("cookie", session)
            .send()
            .unwrap();
        (res.status().as_u16(), res.text().unwrap())
    }

    fn post(&self, session: &str, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let res = client()
            .post(format!("http://{}{path}", self.host))
            .header("cookie", session)
            .form(form)
            .send()
            .unwrap();
        (res.status().as_u16(), res.text().unwrap())
    }

    /// A raw request, every header as given (a browser after a DNS rebinding, a page of
    /// another site).
    fn raw(&self, request: &str) -> String {
        let mut s = std::net::TcpStream::connect(&self.host).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(request.as_bytes()).unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    }

    /// Stop it as the desktop does (SIGTERM) and wait: it must stop cleanly.
    fn stop(mut self) -> String {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "desk exited with {status}");
                break;
            }
            assert!(Instant::now() < deadline, "desk did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(100));
        let text = self.stderr.lock().unwrap().clone();
        text
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The tips a ledger page links to, in its order.
fn tip_links(page: &str) -> Vec<String> {
    page.split("<a href=\"/tip/")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    page[at..at + 64].to_owned()
}

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

/// A tip's attachments are written where the reviewer says, as `show --attachments-to`
/// writes them (safe names, private files), never served to the browser; the page lists
/// what was written. A folder that is not a whole path is refused.
#[test]
fn attachments_are_written_to_the_folder_the_reviewer_chooses() {
    let evidence = b"%PDF-1.4 evidence".to_vec();
    let (l, work, _) = ledger_with(&[Tip {
        files: vec![("../../etc/\u{202e}fdp.exe".into(), evidence.clone())],
        ..Tip::default()
    }]);
    let folder = work.path().join("evidence");
    let desk = Desk::start(&l, false, &[]);
    let session = desk.session();
    let (_, page) = desk.get(&session, "/tip/1");
    assert!(page.contains("action=\"/tip/1/attachments\""), "{page}");
    let csrf = csrf_of(&page);
    let (code, _) = desk.post(
        &session,
        "/tip/1/attachments",
        &[("csrf", &csrf), ("file", "evidence")],
    );
    assert_eq!(code, 303);
    let (_, page) = desk.get(&session, "/tip/1");
    assert!(page.contains("flash refused"), "{page}");
    let (code, _) = desk.post(
        &session,
        "/tip/1/attachments",
        &[("csrf", &csrf), ("file", folder.to_str().unwrap())],
    );
    assert_eq!(code, 303);
    let (_, page) = desk.get(&session, "/tip/1");
    assert!(page.contains("已将 1 个附件写入"), "{page}");
    assert!(!page.contains('\u{202e}'), "{page}");
    desk.stop();
    let written: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(written.len(), 1, "{written:?}");
    assert_eq!(std::fs::read(&written[0]).unwrap(), evidence);
    let name = written[0].file_name().unwrap().to_str().unwrap().to_owned();
    assert!(!has_unsafe_char(&name) && !name.contains('/'), "{name}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&written[0]).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "{mode:o}");
    assert!(std::fs::read_to_string(l.path().join("audit.log"))
        .unwrap()
        .contains("decrypted, attachments written"));
}

/// A supervision notice and a transfer with its hand-over bundle, at the desk: the notice
/// page is the file `notice` writes, byte for byte (the number taken once, the page shown
/// again on a reload), the hand-over bundle imports at the other unit, and the ledger is
/// the one the command line leaves.
#[test]
fn a_notice_and_a_transfer_at_the_desk_are_the_command_lines() {
    let tips = [Tip::default(), Tip::default()];
    let (at_desk, work, _) = ledger_with(&tips);
    let bundle = work.path().join("inbox.tbx");
    let at_cli = TestLedger::new();
    at_cli.ok(&["import", bundle.to_str().unwrap()]);
    let handover = work.path().join("handover.tbx");
    let handover_s = handover.to_str().unwrap().to_owned();
    let recipient = demo_recipient().to_string();
    let summary = "反映某村村霸强占集体土地，镇干部包庇，请核查。";

    let desk = Desk::start(&at_desk, false, &["--as", "test-reviewer"]);
    let session = desk.session();
    let csrf = csrf_of(&desk.get(&session, "/tip/1").1);
    let res = client()
        .post(format!("http://{}/tip/1/notice", desk.host))
        .header("cookie", &session)
        .form(&[
            ("csrf", csrf.as_str()),
            ("department", DAY_DEPARTMENT),
            ("due", DAY_DUE),
            ("summary", summary),
        ])
        .send()
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/notice/1");
    let (code, from_desk) = desk.get(&session, "/notice/1");
    assert_eq!(code, 200);
    assert_eq!(desk.get(&session, "/notice/1").1, from_desk);
    assert_eq!(desk.get(&session, "/notice/2").0, 404);
    let (code, _) = desk.post(
        &session,
        "/tip/2/transfer",
        &[
            ("csrf", &csrf),
            ("department", "市纪委监委"),
            ("recipient", &recipient),
            ("file", &handover_s),
        ],
    );
    assert_eq!(code, 303);
    let (_, page) = desk.get(&session, "/tip/2");
    assert!(page.contains("市纪委监委"), "{page}");
    assert!(!page.contains("flash refused"), "{page}");
    desk.stop();
    let other_unit = TestLedger::new();
    other_unit.ok(&["import", &handover_s]);
    assert_eq!(other_unit.list_json().as_array().unwrap().len(), 1);
    std::fs::remove_file(&handover).unwrap();

    let notice = work.path().join("notice.html");
    at_cli.ok(&[
        "notice",
        "1",
        "--to",
        DAY_DEPARTMENT,
        "--due",
        DAY_DUE,
        "--summary",
        summary,
        "--out",
        notice.to_str().unwrap(),
    ]);
    at_cli.ok(&[
        "transfer",
        "2",
        "--to",
        "市纪委监委",
        "--recipient",
        &recipient,
        "--out",
        &handover_s,
    ]);
    assert_eq!(from_desk, std::fs::read_to_string(&notice).unwrap());
    assert_eq!(
        ledger_results(&at_desk, &["1", "2"]),
        ledger_results(&at_cli, &["1", "2"])
    );
    assert_eq!(audit_writes(&at_desk), audit_writes(&at_cli));
}

/// The office page's records and keys: a backup that checks (and a damaged one that does
/// not), the audit log checked, the passphrase changed (the old one opens nothing after),
/// a new identity and a new signing key, each as the command line does it.
#[test]
fn backups_the_audit_log_and_the_keys_from_the_office_page() {
    let (l, work, _) = ledger_with(&[Tip::default()]);
    let backup = work.path().join("ledger.tbk");
    let backup_s = backup.to_str().unwrap().to_owned();
    let damaged = work.path().join("damaged.tbk");
    let damaged_s = damaged.to_str().unwrap().to_owned();
    let desk = Desk::start(&l, false, &[]);
    let session = desk.session();
    let csrf = csrf_of(&desk.get(&session, "/office").1);
    let office = |path: &str, form: &[(&str, &str)]| {
        let mut form = form.to_vec();
        form.push(("csrf", &csrf));
        assert_eq!(desk.post(&session, path, &form).0, 303, "{path}");
        desk.get(&session, "/office").1
    };
    let said = office("/office/backup", &[("file", &backup_s)]);
    assert!(
        !said.contains("flash refused") && said.contains("ledger.tbk"),
        "{said}"
    );
    let said = office("/office/verify-backup", &[("file", &backup_s)]);
    assert!(!said.contains("flash refused"), "{said}");
    let mut bytes = std::fs::read(&backup).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 1;
    std::fs::write(&damaged, bytes).unwrap();
    let said = office("/office/verify-backup", &[("file", &damaged_s)]);
    assert!(said.contains("flash refused"), "{said}");
    let said = office("/office/verify-audit", &[]);
    assert!(!said.contains("flash refused"), "{said}");
    // The passphrase: the new one twice, or nothing changes.
    let old = std::fs::read_to_string(repo_path("keys-example/passphrase.txt")).unwrap();
    let old = old.trim_end();
    let new = "a new passphrase for the office";
    let said = office(
        "/office/passphrase",
        &[
            ("passphrase", old),
            ("new_passphrase", new),
            ("again", "typo"),
        ],
    );
    assert!(said.contains("flash refused"), "{said}");
    let said = office(
        "/office/passphrase",
        &[("passphrase", old), ("new_passphrase", new), ("again", new)],
    );
    assert!(!said.contains("flash refused"), "{said}");
    assert_eq!(
        said.matches("<code class=\"text\">age1").count(),
        1,
        "{said}"
    );
    let said = office("/office/add-key", &[("passphrase", new)]);
    assert!(!said.contains("flash refused"), "{said}");
    assert_eq!(
        said.matches("<code class=\"text\">age1").count(),
        2,
        "{said}"
    );
    let verify_key =
        |page: &str| page.split("<code class=\"text\">").last().unwrap()[..64].to_owned();
    let before = verify_key(&said);
    let said = office("/office/new-signing-key", &[("passphrase", new)]);
    assert!(!said.contains("flash refused"), "{said}");
    assert_ne!(verify_key(&said), before);
    // Still unlocked with the keys as they are now: the tip opens.
    assert!(desk.get(&session, "/tip/1").1.contains("村霸张某"));
    desk.stop();
    let new_file = work.path().join("new-passphrase.txt");
    std::fs::write(&new_file, new).unwrap();
    let with = |pass: &std::path::Path| {
        review_process()
            .arg("--ledger")
            .arg(l.path())
            .arg("--passphrase-file")
            .arg(pass)
            .args(["show", "1"])
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(with(&new_file), Some(0));
    assert_ne!(with(&repo_path("keys-example/passphrase.txt")), Some(0));
    let log = std::fs::read_to_string(l.path().join("audit.log")).unwrap();
    for action in ["backup", "passphrase", "add-key", "new-signing-key"] {
        assert!(log.contains(&format!("\"{action}\"")), "{action}: {log}");
    }
}

/// A tip that came by letter, typed in at the desk with its scanned file, is the tip `add`
/// enters; the web channel is the portal's only, and a file must be a whole path.
#[test]
fn a_typed_in_tip_with_its_file_is_the_one_add_enters() {
    let work = tempfile::tempdir().unwrap();
    let scan = work.path().join("letter-scan.pdf");
    std::fs::write(&scan, b"%PDF-1.4 a scanned letter").unwrap();
    let scan_s = scan.to_str().unwrap().to_owned();
    let text = "来信反映：某镇干部为赌场充当保护伞。";
    let at_desk = TestLedger::new();
    let desk = Desk::start(&at_desk, false, &["--as", "test-reviewer"]);
    let session = desk.session();
    let csrf = csrf_of(&desk.get(&session, "/add").1);
    let add = |form: &[(&str, &str)]| {
        let mut form = form.to_vec();
        form.push(("csrf", &csrf));
        let res = client()
            .post(format!("http://{}/office/add", desk.host))
            .header("cookie", &session)
            .form(&form)
            .send()
            .unwrap();
        assert_eq!(res.status(), 303);
        res.headers()["location"].to_str().unwrap().to_owned()
    };
    for refused in [
        &[("channel", "web"), ("text", text)][..],
        &[
            ("channel", "letter"),
            ("text", text),
            ("files", "letter-scan.pdf"),
        ],
        &[("channel", "letter"), ("text", " ")],
    ] {
        assert_eq!(add(refused), "/add", "{refused:?}");
        assert!(desk.get(&session, "/add").1.contains("flash refused"));
    }
    let to = add(&[
        ("channel", "letter"),
        ("category", "umbrella"),
        ("received", "2026-12-01"),
        ("text", text),
        ("files", &format!("{scan_s}\n")),
    ]);
    assert_eq!(to, "/tip/1");
    let (_, page) = desk.get(&session, "/tip/1");
    assert!(page.contains("某镇干部为赌场充当保护伞"), "{page}");
    assert!(page.contains("letter-scan.pdf"), "{page}");
    desk.stop();
    let at_cli = TestLedger::new();
    at_cli.ok(&[
        "add",
        "--channel",
        "letter",
        "--category",
        "umbrella",
        "--received",
        "2026-12-01",
        "--text",
        text,
        "--attachment",
        &scan_s,
    ]);
    assert_eq!(
        ledger_results(&at_desk, &["1"]),
        ledger_results(&at_cli, &["1"])
    );
    assert_eq!(audit_writes(&at_desk), audit_writes(&at_cli));
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

/// The report shown in the page is the command line's HTML report, its stylesheet allowed
/// by its hash only (no inline style or script beyond it); CSV and JSON are downloads.
#[test]
fn the_report_is_the_command_lines_under_a_strict_policy() {
    let (l, _work, _) = ledger_with(&[Tip::default()]);
    let html_cli = l.ok(&["report", "--format", "html"]);
    let json_cli = l.ok(&["report", "--format", "json"]);
    let desk = Desk::start(&l, false, &[]);
    let session = desk.session();
    let get = |path: &str| {
        client()
            .get(format!("http://{}{path}", desk.host))
            .header("cookie", &session)
            .send()
            .unwrap()
    };
    let res = get("/report");
    assert_eq!(res.status(), 200);
    let csp = res.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.starts_with("default-src 'none'; style-src 'sha256-"),
        "{csp}"
    );
    assert!(!csp.contains("unsafe"), "{csp}");
    assert_eq!(res.text().unwrap(), html_cli);
    let res = get("/report?format=json");
    assert_eq!(
        res.headers()["content-disposition"],
        "attachment; filename=\"report.json\""
    );
    assert_eq!(res.text().unwrap(), json_cli);
    // A day that is not a day: the office page says why.
    let res = get("/report?from=tomorrow");
    assert_eq!(res.status(), 303);
    let (_, office) = desk.get(&session, "/office");
    assert!(office.contains("tomorrow"), "{office}");
    assert_eq!(get("/report?format=exe").status(), 404);
    desk.stop();
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

/// A hostile tip's content (markup, scripts, bidi overrides, an enormous field, a file name
/// that is markup) reaches the page as text inside its own box, and another tip's view
/// does not change.
#[test]
fn a_hostile_tips_content_is_inert_text_on_its_page() {
    let hostile = format!(
        "<script>alert(1)</script><img src=x onerror=alert(2)>\u{202e}gnp.exe\u{202c} </div></dd></dl><h1>forged</h1>{}",
        "字".repeat(60_000)
    );
    let tip = Tip {
        category: "loan-shark",
        description: &hostile,
        files: vec![
            ("<b>x</b>.jpg".into(), b"\xff\xd8\xff".to_vec()),
            ("evil\u{202e}gpj.exe".into(), b"MZ".to_vec()),
        ],
        ..Tip::default()
    };
    let plain = Tip {
        category: "vice",
        description: "一条普通的线索",
        ..Tip::default()
    };
    let (l, _work, _bundle) = ledger_with(&[tip, plain]);
    let desk = Desk::start(&l, false, &[]);
    let session = desk.session();
    let hostile_id = tip_links(&desk.get(&session, "/?category=loan-shark").1).remove(0);
    let plain_id = tip_links(&desk.get(&session, "/?category=vice").1).remove(0);
    let (code, page) = desk.get(&session, &format!("/tip/{hostile_id}"));
    assert_eq!(code, 200);
    for raw in ["<script>", "<img", "<h1>forged", "<b>x</b>"] {
        assert!(!page.contains(raw), "{raw} reached the page raw");
    }
    let main = &page[page.find("<main>").unwrap()..];
    assert!(
        page.contains("&#60;script&#62;alert(1)"),
        "escaped text missing: {}",
        main.chars().take(3000).collect::<String>()
    );
    // Control and bidi characters are replaced, as on the terminal: the text cannot
    // reorder itself (regression: `evil\u{202e}gpj.exe` showed as `evilexe.jpg`).
    assert!(
        !page.contains('\u{202e}'),
        "a bidi override reached the page"
    );
    assert!(
        page.contains("\u{fffd}gnp.exe"),
        "the text is shown, its override replaced"
    );
    assert!(page.contains("class=\"content\" dir=\"auto\" tabindex=\"0\""));
    // A file name is shown with its escapes, as `show` prints it.
    assert!(
        page.contains("evil\\u{202e}gpj.exe"),
        "the name's escape is shown"
    );
    // The other tip's page is what it would be alone.
    let (_, other) = desk.get(&session, &format!("/tip/{plain_id}"));
    assert!(other.contains("一条普通的线索"));
    assert!(!other.contains("forged"));
    // Ids are digits.
    for path in [
        "/tip/-1",
        "/tip/1%3Cx",
        "/tip/99999999999999999999",
        "/tip/7",
    ] {
        assert_eq!(desk.get(&session, path).0, 404, "{path}");
    }
}

#[test]
fn the_ledger_page_filters_searches_and_pages() {
    let texts: Vec<String> = (0..60)
        .map(|i| format!("线索内容 {i} {}", if i == 7 { "非法采砂" } else { "" }))
        .collect();
    let tips: Vec<Tip> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| Tip {
            category: if i % 2 == 0 { "loan-shark" } else { "vice" },
            description: text,
            ..Tip::default()
        })
        .collect();
    let (l, _work, _bundle) = ledger_with(&tips);
    let desk = Desk::start(&l, false, &[]);
    let session = desk.session();
    let (_, page) = desk.get(&session, "/");
    assert!(page.contains("共 60 条线索"), "{page}");
    assert!(page.contains("第 1 页，共 2 页"), "{page}");
    assert_eq!(page.matches("<a href=\"/tip/").count(), 50);
    let (_, page) = desk.get(&session, "/?page=2");
    assert_eq!(page.matches("<a href=\"/tip/").count(), 10);
    let (_, page) = desk.get(&session, "/?category=vice");
    assert!(page.contains("共 30 条线索"), "{page}");
    // A status or channel that is none shows no tip (it showed every tip), and only
    // `overdue=1` (the checkbox) filters.
    for path in ["/?status=bogus", "/?channel=%3Cb%3E"] {
        assert!(desk.get(&session, path).1.contains("共 0 条线索"), "{path}");
    }
    assert!(desk.get(&session, "/?overdue=0").1.contains("共 60 条线索"));
    let (_, page) = desk.get(&session, "/?q=%E9%9D%9E%E6%B3%95%E9%87%87%E7%A0%82");
    assert!(page.contains("共 1 条线索"), "{page}");
    let found = tip_links(&page);
    assert_eq!(found.len(), 1, "{page}");
    let (_, shown) = desk.get(&session, &format!("/tip/{}", found[0]));
    assert!(shown.contains("非法采砂"), "{shown}");
    // Searching and reading are in the audit log, as with the command line.
    let audit = std::fs::read_to_string(l.path().join("audit.log")).unwrap();
    assert!(audit.contains("\"action\":\"search\""), "{audit}");
    let audit = std::fs::read_to_string(l.path().join("audit.log")).unwrap();
    let shown = format!("\"action\":\"show\",\"tip\":{}", found[0]);
    assert!(audit.contains(&shown), "{audit}");
}

#[test]
fn the_desk_speaks_traditional_chinese_and_english_when_asked() {
    let l = TestLedger::new();
    let desk = Desk::start(&l, false, &[]);
    let session = desk.session();
    let res = client()
        .get(format!("http://{}/?lang=zh-Hant", desk.host))
        .header("cookie", &session)
        .send()
        .unwrap();
    let kept = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    let page = res.text().unwrap();
    assert!(page.contains("<html lang=\"zh-Hant\">"), "{page}");
    assert!(page.contains("線索台帳"), "{page}");
    // The switch is remembered.
    let both = format!("{session}; {}", kept.split(';').next().unwrap());
    let (_, page) = desk.get(&both, "/");
    assert!(page.contains("<html lang=\"zh-Hant\">"), "{page}");
    let (_, page) = desk.get(&session, "/?lang=en");
    assert!(
        page.contains("<html lang=\"en\">") && page.contains("Case ledger"),
        "{page}"
    );
    drop(desk);
    let desk = Desk::start(&l, false, &["--lang", "en"]);
    let (_, page) = desk.get(&desk.session(), "/");
    assert!(page.contains("<html lang=\"en\">"), "{page}");
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

/// A day's casework done through the desk's forms only leaves the ledger, its report and
/// its audit trail exactly as the same day done with the command line; and the desk says
/// what the command line says, in the page's language.
#[test]
fn a_day_at_the_desk_leaves_the_ledger_the_command_line_leaves() {
    let mut inbox = Inbox::new();
    let first = inbox.tip(&Tip {
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
    let claim = first.keys.claim_token.digits().to_owned();

    // Through the desk (its default language, Simplified Chinese).
    let at_desk = TestLedger::new();
    let desk = Desk::start(&at_desk, false, &["--as", "test-reviewer"]);
    let session = desk.session();
    let csrf = csrf_of(&desk.get(&session, "/").1);
    let post = |path: &str, form: &[(&str, &str)]| {
        let mut form = form.to_vec();
        form.push(("csrf", &csrf));
        let (code, _) = desk.post(&session, path, &form);
        assert_eq!(code, 303, "{path}");
    };
    post("/office/import", &[("file", &bundle)]);
    let office = desk.get(&session, "/office").1;
    assert!(office.contains("新线索 2 条"), "{office}");
    // Which tip the reporter who wants a reward sent: the claim token says.
    post("/office/claim", &[("token", &claim)]);
    let office = desk.get(&session, "/office").1;
    let said = office.split("领奖码对应线索 ").nth(1).expect(&office);
    let rewarded = said[..said.find('：').unwrap()].to_owned();
    let other = if rewarded == "1" { "2" } else { "1" };
    post(
        &format!("/tip/{rewarded}/triage"),
        &[
            ("category", "umbrella"),
            ("priority", "high"),
            ("credibility", "medium"),
        ],
    );
    let page = desk.get(&session, &format!("/tip/{rewarded}")).1;
    // The triage form changes only what is chosen: nothing is chosen for the reviewer
    // (regression: the category select sent the tip's category, an audit line the
    // command line does not write).
    let triage_form = page.split("/triage\"").nth(1).unwrap();
    let triage_form = &triage_form[..triage_form.find("</form>").unwrap()];
    assert!(!triage_form.contains("selected"), "{triage_form}");
    assert!(
        triage_form.contains("name=\"category\"><option value=\"\">"),
        "{triage_form}"
    );
    assert!(
        page.contains(&format!("线索 {rewarded}：已研判（triaged）")),
        "{page}"
    );
    post(
        &format!("/tip/{rewarded}/assign"),
        &[("department", DAY_DEPARTMENT), ("due", DAY_DUE)],
    );
    post(
        &format!("/tip/{rewarded}/status"),
        &[("status", "verifying"), ("public_note", DAY_PUBLIC_NOTE)],
    );
    post(&format!("/tip/{rewarded}/reply"), &[("text", DAY_REPLY)]);
    post(&format!("/tip/{rewarded}/note"), &[("text", DAY_NOTE)]);
    post(&format!("/tip/{rewarded}/link"), &[("other", other)]);
    post(
        &format!("/tip/{rewarded}/approve"),
        &[("amount", DAY_AMOUNT)],
    );
    post("/office/claim", &[("token", &claim)]);
    let office = desk.get(&session, "/office").1;
    assert!(office.contains("500"), "{office}");
    post(&format!("/tip/{rewarded}/paid"), &[]);
    post(&format!("/tip/{other}/triage"), &[("priority", "low")]);
    // Refused as the command line refuses, in the page's language; nothing written.
    post(&format!("/tip/{other}/link"), &[("other", other)]);
    let page = desk.get(&session, &format!("/tip/{other}")).1;
    assert!(page.contains("线索不能与自身串并"), "{page}");
    post("/office/export", &[("file", &updates)]);
    let office = desk.get(&session, "/office").1;
    assert!(office.contains("updates.tbu"), "{office}");
    let csv = desk.get(&session, "/report?format=csv").1;
    desk.stop();
    let from_desk = std::fs::read(&updates).unwrap();
    assert!(!from_desk.is_empty());
    std::fs::remove_file(&updates).unwrap();

    // The same day with the command line.
    let at_cli = TestLedger::new();
    the_day_on_the_command_line(&at_cli, &bundle, &claim, &rewarded, other, &updates);

    assert_eq!(
        ledger_results(&at_desk, &["1", "2"]),
        ledger_results(&at_cli, &["1", "2"])
    );
    assert_eq!(csv, at_cli.ok(&["report", "--format", "csv"]));
    assert_eq!(audit_writes(&at_desk), audit_writes(&at_cli));
}
