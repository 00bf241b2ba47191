//! Daily casework through the CLI: typed-in tips, texts from files and standard input, triage, the audit log.

use super::*;

/// A fixture inbox puts in each tip what its receipt derives, as the portal does, so the
/// ledger's answers fit the receipt: the reporter's follow-up is proven, the claim token
/// verifies, and the update bundle `export` writes names the tip, carries the reply sealed
/// to the receipt's reply key, and acknowledges both items.
#[test]
fn a_fixture_tip_carries_what_its_receipt_derives() {
    let (ledger, work, tip, followup) = ledger_with_a_followed_up_tip("补充：车牌某A12345");
    let portal_id = &tip.manifest.portal_id;
    let shown = ledger.ok(&["show", "1"]);
    assert!(shown.contains("from the receipt holder: yes"), "{shown}");
    ledger.ok(&["reward", "1", "approve", "--amount", "800"]);
    let verified = ledger.run(&["reward", "verify", tip.keys.claim_token.digits()]);
    assert_eq!(verified.status.code(), Some(0));
    ledger.ok(&["reply", "1", "--message", "已转公安机关核查"]);

    let update = work.path().join("u.tbu");
    ledger.ok(&["export", "--out", update.to_str().unwrap()]);
    let key = std::fs::read_to_string(repo_path("keys-example/verify-key.txt")).unwrap();
    let key = tipbox::keys::parse_verify_key(&key).unwrap();
    let bytes = std::fs::read(&update).unwrap();
    let body = tipbox::bundle::update::verify(&bytes, &key, portal_id).unwrap();
    let mut acknowledged = body.acknowledged.clone();
    acknowledged.sort();
    let mut items = [tip.manifest.blob_id.clone(), followup.blob_id];
    items.sort();
    assert_eq!(acknowledged, items);
    let [signed] = &body.tips[..] else {
        panic!("one tip update: {:?}", body.tips);
    };
    let update = signed.verify(&key, portal_id).unwrap();
    assert_eq!(update.tip_id, tip.manifest.tip_id);
    let reply = update.messages.iter().find(|m| m.kind == "reply").unwrap();
    let sealed = hex::decode(&reply.sealed).unwrap();
    let opened = tipbox::crypto::open_sealed(&tip.keys.reply_secret, &sealed).unwrap();
    assert_eq!(&opened[..], "已转公安机关核查".as_bytes());
}

/// A letter often comes with a scan or photos, a visitor with files: `add --attachment`
/// seals them into the ledger like a web tip's attachments (never opened, never in the
/// clear on disk), and `show --attachments-to` and `search` treat them alike.
#[test]
fn typed_in_tips_carry_their_files_sealed_like_web_attachments() {
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let scan = work.path().join("来信扫描.jpg");
    let mut bytes = b"SCAN-CANARY".to_vec();
    bytes.extend((0..300_000u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8));
    std::fs::write(&scan, &bytes).unwrap();
    let pdf = work.path().join("evidence.pdf");
    std::fs::write(&pdf, b"%PDF-1.4 PDF-CANARY").unwrap();

    // A missing file is refused before anything is recorded.
    let out = ledger.run(&[
        "add",
        "--channel",
        "letter",
        "--text",
        "来信反映",
        "--attachment",
        work.path().join("missing.jpg").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.jpg"));
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 0);

    let added = ledger.ok(&[
        "add",
        "--channel",
        "letter",
        "--text",
        "来信反映村霸强占土地",
        "--attachment",
        scan.to_str().unwrap(),
        "--attachment",
        pdf.to_str().unwrap(),
    ]);
    assert!(
        added.contains("added tip 1 (letter) with 2 attachment(s)"),
        "{added}"
    );
    for canary in [b"SCAN-CANARY".as_slice(), b"PDF-CANARY"] {
        assert!(files_containing(&ledger.path(), canary).is_empty());
    }

    let target = work.path().join("out");
    let shown = ledger.ok(&["show", "1", "--attachments-to", target.to_str().unwrap()]);
    assert!(shown.contains("\"来信扫描.jpg\" (300011 bytes"), "{shown}");
    assert!(shown.contains("来信反映村霸强占土地"));
    assert_eq!(std::fs::read(target.join("tip1-1-1.jpg")).unwrap(), bytes);
    assert_eq!(
        std::fs::read(target.join("tip1-1-2.pdf")).unwrap(),
        b"%PDF-1.4 PDF-CANARY"
    );
    let found = ledger.ok(&["search", "evidence.pdf"]);
    assert!(
        found.contains("attachment name") && found.contains("1 tip(s) found"),
        "{found}"
    );

    // What a killed `add` leaves half-written is removed by the next command.
    let partial = ledger
        .path()
        .join("blobs/0123456789abcdef0123456789abcdef.age.partial");
    std::fs::write(&partial, b"half").unwrap();
    ledger.ok(&["note", "1", "已登记"]);
    assert!(!partial.exists());
}

/// Notes, replies, public notes, summaries and search terms given as `-` are read from
/// standard input, so they never sit in the shell's history file or the process list.
#[test]
fn texts_given_as_a_dash_are_read_from_standard_input() {
    let (ledger, work, _bundle) = ledger_with(&[Tip::default()]);
    ledger.ok_with_stdin(&["note", "1", "-"], "STDIN-NOTE 内部研判\n");
    // An empty note (an empty pipe, a stray "") is refused, not recorded.
    let empty = ledger.run_with_stdin(&["note", "1", "-"], b"  \n");
    assert_eq!(empty.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&empty.stderr).contains("the note is empty"));
    ledger.ok_with_stdin(
        &["reply", "1", "--message", "-"],
        "STDIN-REPLY 感谢举报\r\n",
    );
    ledger.ok_with_stdin(
        &["status", "1", "verifying", "--public-note", "-"],
        "STDIN-PUBLIC 核查中\n",
    );
    let notice = work.path().join("notice.html");
    let out = notice.to_str().unwrap();
    ledger.ok_with_stdin(
        &[
            "notice",
            "1",
            "--to",
            "县公安局",
            "--summary",
            "-",
            "--out",
            out,
        ],
        "STDIN-SUMMARY 反映强占土地\n",
    );
    assert!(std::fs::read_to_string(&notice)
        .unwrap()
        .contains("STDIN-SUMMARY 反映强占土地</div>"));
    let shown: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["show", "1", "--json"])).unwrap();
    let texts: Vec<&str> = shown["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["text"].as_str().unwrap())
        .collect();
    // Exactly as typed, less the line break that ended the input.
    for want in [
        "STDIN-NOTE 内部研判",
        "STDIN-REPLY 感谢举报",
        "STDIN-PUBLIC 核查中",
        "STDIN-SUMMARY 反映强占土地",
    ] {
        assert!(texts.contains(&want), "{want} not in {texts:?}");
    }
    let found: serde_json::Value =
        serde_json::from_str(&ledger.ok_with_stdin(&["search", "-", "--json"], "stdin-note\n"))
            .unwrap();
    assert_eq!(found.as_array().unwrap().len(), 1, "{found}");
    // A typed-in tip from standard input, and one from a file.
    let added = ledger.ok_with_stdin(
        &["add", "--channel", "phone", "--text-file", "-"],
        "STDIN-PHONE 电话反映\n第二行\n",
    );
    assert!(added.contains("added tip 2"), "{added}");
    let letter = work.path().join("letter.txt");
    std::fs::write(&letter, "FILE-LETTER 来信内容").unwrap();
    ledger.ok(&[
        "add",
        "--channel",
        "letter",
        "--text-file",
        letter.to_str().unwrap(),
    ]);
    assert!(ledger
        .ok(&["show", "2"])
        .contains("STDIN-PHONE 电话反映\n第二行"));
    assert!(ledger.ok(&["show", "3"]).contains("FILE-LETTER 来信内容"));
    let audit = std::fs::read_to_string(ledger.path().join("audit.log")).unwrap();
    assert!(!audit.contains("STDIN-"), "content in the audit log");
}

/// `triage --category " Loan-Shark "` wrote "category loan-shark" in the audit log but
/// stored the text as typed, so `list --category loan-shark` and the reports counted the
/// tip apart. Categories are now stored as keys; a default category's full name (as the
/// portal shows it, in any language) is taken for its key; a key that no tip has and that
/// is not a default one gets a warning (a typo would split the reports).
#[test]
fn regression_triage_stored_the_category_as_typed_instead_of_its_key() {
    let ledger = TestLedger::new();
    ledger.ok(&["add", "--channel", "letter", "--text", "信件举报"]);
    ledger.ok(&[
        "add",
        "--channel",
        "phone",
        "--category",
        "村霸、宗族恶势力",
        "--text",
        "电话举报",
    ]);
    let category = |id: u64| {
        ledger
            .list_json()
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .unwrap()["category"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(category(2), "village-tyrant");

    let out = ledger.run(&["triage", "1", "--category", " Loan-Shark "]);
    assert!(out.status.success());
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(category(1), "loan-shark");
    let listed = ledger.ok(&["list", "--category", "loan-shark", "--json"]);
    assert!(
        listed.contains("\"id\": 1") || listed.contains("\"id\":1"),
        "{listed}"
    );
    // The full name lists the same tips.
    assert_eq!(
        listed,
        ledger.ok(&[
            "list",
            "--category",
            "套路贷、非法高利放贷、暴力催收",
            "--json"
        ])
    );
    ledger.ok(&["triage", "1", "--category", "公職人員充當「保護傘」"]);
    assert_eq!(category(1), "umbrella");

    // A key nobody uses: taken, with a warning naming the known ones; nothing for a
    // default key or one already in use.
    let typo = ledger.run(&["triage", "1", "--category", "loan-sharks"]);
    assert!(typo.status.success());
    let err = String::from_utf8_lossy(&typo.stderr);
    assert!(
        err.contains("warning") && err.contains("loan-shark,"),
        "{err}"
    );
    assert_eq!(category(1), "loan-sharks");
    let again = ledger.run(&["triage", "2", "--category", "loan-sharks"]);
    assert!(
        again.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    // Not a key and not a name: refused, saying what would be taken.
    let bad = ledger.run(&["triage", "1", "--category", "涉黑涉恶"]);
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("is not a category") && err.contains("umbrella"),
        "{err}"
    );
    assert_eq!(category(1), "loan-sharks");
    let audit = std::fs::read_to_string(ledger.path().join("audit.log")).unwrap();
    assert!(audit.contains("category loan-shark\""), "{audit}");
}

#[test]
fn add_refuses_impossible_days_and_the_web_channel_and_assign_warns() {
    let ledger = TestLedger::new();
    // Web tips come only through `import`; a day after tomorrow (UTC) is a typo. Tomorrow
    // is still today east of UTC, where the offices are.
    let web = ledger.run(&["add", "--channel", "web", "--text", "x"]);
    assert_eq!(web.status.code(), Some(2));
    let err = String::from_utf8_lossy(&web.stderr);
    assert!(err.contains("phone, letter, visit, mailbox"), "{err}");
    let today = tipbox::store::today();
    let later = tipbox::ledger::add_days(&today, 2).unwrap();
    let future = ledger.run(&[
        "add",
        "--channel",
        "letter",
        "--received",
        &later,
        "--text",
        "x",
    ]);
    assert_eq!(future.status.code(), Some(2));
    let err = String::from_utf8_lossy(&future.stderr);
    assert!(
        err.starts_with("tipbox-review: ") && err.contains("is in the future"),
        "{err}"
    );
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 0);
    let tomorrow = tipbox::ledger::add_days(&today, 1).unwrap();
    ledger.ok(&[
        "add",
        "--channel",
        "visit",
        "--received",
        &tomorrow,
        "--text",
        "VISIT 来访",
    ]);
    let list = ledger.list_json();
    let visit = list
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == 1)
        .unwrap();
    assert_eq!(visit["received"], tomorrow.as_str());
    assert_eq!(visit["channel"], "visit");
    // A due day before it arrived is taken (the tip is overdue at once) with a warning.
    let early = ledger.run(&["assign", "1", "--to", "县公安局", "--due", &today]);
    assert_eq!(early.status.code(), Some(0));
    let err = String::from_utf8_lossy(&early.stderr);
    assert!(
        err.contains("warning: --due") && err.contains("is before tip 1 was received"),
        "{err}"
    );
    assert_eq!(ledger.list_json()[0]["due"], today.as_str());
    let fixed = ledger.run(&["assign", "1", "--to", "县公安局", "--due", &later]);
    assert!(fixed.status.success() && fixed.stderr.is_empty());
    assert_eq!(ledger.list_json()[0]["due"], later.as_str());
}

#[test]
fn daily_work_commands_and_audit_tampering() {
    let (ledger, _work, _bundle) = ledger_with(&[
        Tip::default(),
        Tip {
            category: "loan-shark",
            ..Tip::default()
        },
    ]);
    ledger.ok(&[
        "triage",
        "1",
        "--priority",
        "high",
        "--credibility",
        "medium",
    ]);
    ledger.ok(&["assign", "1", "--to", "县公安局", "--due", "2020-01-01"]);
    ledger.ok(&["note", "1", "NOTE-CANARY 内部研判意见"]);
    ledger.ok(&["link", "1", "2"]);
    // Linking again, either way round, changes nothing and is not audited twice.
    let again = ledger.ok(&["link", "2", "1"]);
    assert!(again.contains("already linked"), "{again}");
    ledger.ok(&[
        "status",
        "2",
        "verifying",
        "--public-note",
        "PUBLIC-CANARY 正在核查",
    ]);
    let added = ledger.ok(&[
        "add",
        "--channel",
        "letter",
        "--category",
        "village-tyrant",
        "--text",
        "LETTER-CANARY 来信反映",
    ]);
    assert!(added.contains("added tip 3"));
    ledger.ok(&["transfer", "3", "--to", "县纪委监委"]);

    let list = ledger.ok(&["list"]);
    assert!(
        list.starts_with("WARNING: 1 tip(s) past a deadline"),
        "{list}"
    );
    let overdue: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["list", "--overdue", "--json"])).unwrap();
    assert_eq!(overdue.as_array().unwrap().len(), 1);
    assert_eq!(overdue[0]["id"], 1);
    assert_eq!(overdue[0]["department"], "县公安局");
    assert_eq!(overdue[0]["priority"], "high");
    let by_status: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["list", "--status", "verifying", "--json"])).unwrap();
    assert_eq!(by_status[0]["id"], 2);
    assert_eq!(by_status[0]["public_status"], "verifying");
    assert_eq!(by_status[0]["links"], serde_json::json!([1]));
    let by_dept: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["list", "--department", "县公安局", "--json"])).unwrap();
    assert_eq!(by_dept.as_array().unwrap().len(), 1);
    let letter: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["show", "3", "--json"])).unwrap();
    assert_eq!(letter["channel"], "letter");
    assert_eq!(letter["status"], "transferred");
    assert_eq!(letter["texts"][0]["text"], "LETTER-CANARY 来信反映");
    let one = ledger.ok(&["show", "1"]);
    assert!(one.contains("NOTE-CANARY 内部研判意见"));

    // Notes and typed-in tips are sealed at rest; the audit log names actions only.
    for canary in [
        b"NOTE-CANARY".as_slice(),
        b"PUBLIC-CANARY",
        b"LETTER-CANARY",
    ] {
        assert!(files_containing(&ledger.path(), canary).is_empty());
    }
    let audit = std::fs::read_to_string(ledger.path().join("audit.log")).unwrap();
    assert!(audit.contains("\"actor\":\"test-reviewer\""));
    assert_eq!(audit.matches("\"action\":\"link\"").count(), 1);
    for action in [
        "import", "triage", "assign", "note", "link", "status", "add", "transfer",
    ] {
        assert!(
            audit.contains(&format!("\"action\":\"{action}\"")),
            "{action} not audited"
        );
    }
    assert!(
        audit.contains("\"action\":\"show\""),
        "reading a tip is audited"
    );
    assert!(ledger
        .ok(&["audit", "verify"])
        .contains("intact: 10 entries"));

    // Edit one entry: verify fails with exit 1 and names it.
    let tampered = audit.replacen("县公安局", "县财政局", 1);
    std::fs::write(ledger.path().join("audit.log"), tampered).unwrap();
    let out = ledger.run(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 3 (entry 3)"), "{err}");
    // Remove an entry: also caught.
    let lines: Vec<&str> = audit.lines().collect();
    let without: String = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 4)
        .map(|(_, l)| format!("{l}\n"))
        .collect();
    std::fs::write(ledger.path().join("audit.log"), without).unwrap();
    let out = ledger.run(&["audit", "verify"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 5"));
}

/// A letter typed on a Chinese Windows PC is often saved as ANSI, that is GBK: `add
/// --text-file` said only "stream did not contain valid UTF-8". It now says what the file
/// is most likely and how to convert it, for a file and for standard input alike.
#[test]
fn a_text_file_that_is_not_utf8_is_refused_with_the_way_to_convert_it() {
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let gbk = work.path().join("letter.txt");
    let bytes = b"\xc4\xe3\xba\xc3"; // 你好 in GBK
    std::fs::write(&gbk, bytes).unwrap();
    for (args, input) in [
        (
            vec![
                "add",
                "--channel",
                "letter",
                "--text-file",
                gbk.to_str().unwrap(),
            ],
            &b""[..],
        ),
        (
            vec!["add", "--channel", "letter", "--text-file", "-"],
            &bytes[..],
        ),
    ] {
        let out = ledger.run_with_stdin(&args, input);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("is not UTF-8") && err.contains("iconv -f GBK"),
            "{err}"
        );
    }
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 0);
}
