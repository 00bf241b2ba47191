//! Casework through the forms, each as the command line does it.

use super::*;

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
        // A path as given, as `add --attachment` takes it (regression: the desk trimmed it).
        &[
            ("channel", "letter"),
            ("text", text),
            ("files", &format!(" {scan_s}")),
        ],
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

/// Fixes from a black-box attack on the forms, each against what the command line does:
/// a form is read as the command line reads its arguments (not trimmed; `+500` is a
/// number, ` 500 ` is not; not UTF-8 or a NUL is refused), a blank public note is refused
/// by both, a long Chinese reply fits, a form too large is said in the page's language, a
/// pipe given as a bundle is refused (it held the whole desk), and nothing is written into
/// the ledger's own folder (an export over its audit log, attachments beside its
/// ciphertext).
#[test]
fn regression_forms_read_as_the_command_line_reads_its_arguments() {
    let (at_desk, work, bundle) = ledger_with(&[Tip::default(), Tip::default()]);
    let at_cli = TestLedger::new();
    at_cli.ok(&["import", bundle.to_str().unwrap()]);
    let desk = Desk::start(&at_desk, false, &["--as", "test-reviewer"]);
    let session = desk.session();
    let csrf = csrf_of(&desk.get(&session, "/tip/1").1);
    let post = |path: &str, form: &[(&str, &str)]| -> String {
        let mut form = form.to_vec();
        form.push(("csrf", &csrf));
        assert_eq!(desk.post(&session, path, &form).0, 303, "{path}");
        let back = if path.starts_with("/tip/1") {
            "/tip/1"
        } else {
            "/office"
        };
        desk.get(&session, back).1
    };
    let refused = |page: &str| page.contains("flash refused");
    assert!(!refused(&post("/tip/1/approve", &[("amount", "+500")])));
    assert!(refused(&post("/tip/1/approve", &[("amount", " 700 ")])));
    assert!(refused(&post(
        "/tip/1/status",
        &[("status", "verifying"), ("public_note", "   ")]
    )));
    let long = "中".repeat(9_000);
    assert!(!refused(&post("/tip/1/reply", &[("text", &long)])));
    // Not UTF-8, a NUL: refused before anything is read, in the page's language.
    for body in ["text=%FF%FE", "text=a%00b"] {
        let res = client()
            .post(format!("http://{}/tip/1/note", desk.host))
            .header("cookie", &session)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("{body}&csrf={csrf}"))
            .send()
            .unwrap();
        assert_eq!(res.status(), 422, "{body}");
        assert!(
            res.text().unwrap().contains("工作台无法读取此表单"),
            "{body}"
        );
    }
    let huge = "x".repeat(5 * 1024 * 1024);
    let (code, page) = desk.post(&session, "/tip/1/note", &[("csrf", &csrf), ("text", &huge)]);
    assert_eq!(code, 413);
    assert!(page.contains("表单内容过大"), "{page}");
    // A pipe is not a bundle: refused at once, and the desk still answers.
    let fifo = work.path().join("fifo");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    assert!(refused(&post(
        "/office/import",
        &[("file", fifo.to_str().unwrap())]
    )));
    // Inside the ledger's folder: refused, at the desk and on the command line.
    let inside = at_desk.path().join("audit.log");
    assert!(refused(&post(
        "/office/export",
        &[("file", inside.to_str().unwrap())]
    )));
    let inside = at_desk.path().join("blobs").join("evidence");
    let (code, _) = desk.post(
        &session,
        "/tip/1/attachments",
        &[("csrf", &csrf), ("file", inside.to_str().unwrap())],
    );
    assert_eq!(code, 303);
    assert!(refused(&desk.get(&session, "/tip/1").1));
    assert!(!inside.exists());
    desk.stop();
    at_desk.ok(&["audit", "verify"]);
    let out = at_desk.run(&[
        "export",
        "--out",
        at_desk.path().join("x.tbu").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("inside the ledger folder"));

    // The same through the command line.
    at_cli.ok(&["reward", "1", "approve", "--amount", "+500"]);
    assert_eq!(
        at_cli
            .run(&["reward", "1", "approve", "--amount", " 700 "])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        at_cli
            .run(&["status", "1", "verifying", "--public-note", "   "])
            .status
            .code(),
        Some(2)
    );
    at_cli.ok(&["reply", "1", "--message", &long]);
    assert_eq!(
        ledger_results(&at_desk, &["1", "2"]),
        ledger_results(&at_cli, &["1", "2"])
    );
    assert_eq!(audit_writes(&at_desk), audit_writes(&at_cli));
}

/// A field name from outside is shown quoted and marked as not the form's, and a follow-up's
/// proof is said again after its fields: a made-up "From the receipt holder: yes" field
/// cannot pass for the desk's own mark (regression: it read like a real field, below the
/// one real "not proven" line).
#[test]
fn regression_field_names_from_outside_cannot_pass_for_the_desks_marks() {
    use common::forge::*;
    let portal = "0123456789abcdef0123456789abcdef";
    let day = tipbox::store::today();
    let m = manifest(
        tipbox::tip::Kind::Tip,
        portal,
        "89abcdef0123456789abcdef01234567",
        &day,
    );
    let plain = container(
        &[
            ("description", "村霸张某强占集体土地。"),
            ("From the receipt holder", "yes"),
        ],
        &[],
        &m,
        None,
    );
    let entries = [Entry::sealed(&m.blob_id, &plain)];
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("inbox.tbx");
    std::fs::write(&file, bundle(&header(portal, entries.len()), &entries)).unwrap();
    let l = TestLedger::new();
    l.ok(&["import", file.to_str().unwrap()]);
    let desk = Desk::start(&l, false, &[]);
    let session = desk.session();
    let (_, page) = desk.get(&session, "/tip/1");
    assert!(
        page.contains("字段 &quot;From the receipt holder&quot;（不是表单中的字段）")
            || page.contains("字段 &#34;From the receipt holder&#34;（不是表单中的字段）"),
        "{page}"
    );
    assert!(
        page.contains("<dt class=\"text\"><bdi>description</bdi>"),
        "{page}"
    );
    desk.stop();
}
