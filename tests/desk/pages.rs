//! What the pages show: a hostile tip as inert text, the ledger's filters and paging, the languages.

use super::*;

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

/// The received range: both ends inclusive, a day that is not a day refused on the page
/// (no tip shown, never every tip), and the range kept in the paging links.
#[test]
fn the_ledger_page_filters_by_the_days_tips_were_received() {
    let l = TestLedger::new();
    for day in ["2026-11-01", "2026-11-15", "2026-11-30"] {
        l.ok(&[
            "add",
            "--channel",
            "letter",
            "--received",
            day,
            "--text",
            "来信",
        ]);
    }
    let desk = Desk::start(&l, false, &[]);
    let session = desk.session();
    let shown = |q: &str| tip_links(&desk.get(&session, &format!("/?{q}")).1);
    assert_eq!(shown("from=2026-11-15").len(), 2);
    assert_eq!(shown("to=2026-11-15").len(), 2);
    assert_eq!(shown("from=2026-11-15&to=2026-11-15"), ["2"]);
    assert_eq!(shown("from=2026-12-01").len(), 0);
    let (_, page) = desk.get(&session, "/?from=yesterday");
    assert!(page.contains("日期格式不对"), "{page}");
    assert!(tip_links(&page).is_empty(), "{page}");
    assert!(page.contains("value=\"yesterday\""), "{page}");
    desk.stop();
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

/// Every page's title is text and every form is in its body (regression: the office
/// page's backup, audit and key forms were inside its `<title>`, so no browser showed
/// them).
#[test]
fn every_pages_forms_are_in_its_body() {
    let (l, _work, _) = ledger_with(&[Tip::default()]);
    let desk = Desk::start(&l, false, &[]);
    let session = desk.session();
    for path in ["/", "/tip/1", "/office", "/add", "/?lang=en"] {
        let (code, page) = desk.get(&session, path);
        assert_eq!(code, 200, "{path}");
        let title = &page[page.find("<title>").unwrap() + 7..page.find("</title>").unwrap()];
        assert!(!title.contains('<'), "{path}: {title}");
        let body = &page[page.find("<main>").unwrap()..page.find("</main>").unwrap()];
        assert_eq!(
            page.matches("<form").count(),
            body.matches("<form").count() + 1, // the Lock button, in the header
            "{path}"
        );
    }
    let (_, office) = desk.get(&session, "/office");
    let body = &office[office.find("<main>").unwrap()..];
    for action in [
        "import",
        "export",
        "claim",
        "backup",
        "verify-backup",
        "verify-audit",
        "passphrase",
        "add-key",
        "new-signing-key",
    ] {
        assert!(
            body.contains(&format!("action=\"/office/{action}\"")),
            "{action}"
        );
    }
    desk.stop();
}
