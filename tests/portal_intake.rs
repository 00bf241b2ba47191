//! The public portal's intake, over real HTTP against the real binary on a random port.
//! Each test names the SPEC invariant or issue requirement it protects.

mod common;

use common::*;
use tipbox::crypto::KdfParams;
use tipbox::receipt::ReceiptCode;
use tipbox::tip::{Kind, MIN_PADDED_SIZE};

#[test]
fn submit_then_look_up_in_every_language() {
    let portal = Portal::start();
    for (lang, word) in [
        ("zh-Hans", "已受理"),
        ("zh-Hant", "已受理"),
        ("en", "Received"),
    ] {
        let receipt = submit_ok(
            &portal,
            &Tip {
                lang,
                ..Tip::default()
            },
        );
        // Seven groups of four digits; the code parses with its check digit.
        assert_eq!(receipt.split(' ').count(), 7, "{receipt}");
        assert!(receipt
            .split(' ')
            .all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_digit())));
        ReceiptCode::parse(&receipt).unwrap();

        let (status, page) = lookup(&portal, &receipt, lang);
        assert_eq!(status, 200);
        assert_eq!(
            element_text(&page, "tip-status").as_deref(),
            Some("received")
        );
        assert!(page.contains(word), "{lang} status page should say {word}");
        assert!(page.contains(&format!("<html lang=\"{lang}\"")));
    }
}

/// Receipts derived ahead (while the portal is idle) and receipts derived during the
/// submission both find their tip, and none is ever handed out twice.
#[test]
fn receipts_derived_ahead_or_on_demand_find_their_tips() {
    for ahead in [0, 4] {
        let portal = Portal::start_with(PortalOptions {
            config: format!("submissions_per_minute = 1000000\nreceipts_ahead = {ahead}"),
            ..Default::default()
        });
        // Give the portal time to derive its receipts ahead, then take more than it holds.
        std::thread::sleep(std::time::Duration::from_millis(500));
        let receipts: Vec<String> = (0..6)
            .map(|_| submit_ok(&portal, &Tip::default()))
            .collect();
        let distinct: std::collections::HashSet<_> = receipts.iter().collect();
        assert_eq!(distinct.len(), receipts.len(), "a receipt was issued twice");
        for receipt in &receipts {
            let (status, page) = lookup(&portal, receipt, "en");
            assert_eq!(status, 200, "receipts_ahead = {ahead}");
            assert_eq!(
                element_text(&page, "tip-status").as_deref(),
                Some("received")
            );
        }
    }
}

/// The form's reward hint said rewards are claimed "with the receipt code". A reporter who
/// shows the receipt hands over the key to the tip's replies and follow-ups: the reward is
/// claimed with the claim code that the status page shows, and the hint must say so.
#[test]
fn regression_the_reward_hint_sends_reporters_to_the_claim_code_not_the_receipt() {
    let portal = Portal::start();
    for (lang, claim_code) in [
        ("zh-Hans", "领奖码"),
        ("zh-Hant", "領獎碼"),
        ("en", "claim code"),
    ] {
        let form = client()
            .get(portal.url(&format!("/submit?lang={lang}")))
            .send()
            .unwrap()
            .text()
            .unwrap();
        let hint = element_text(&form, "reward-hint").unwrap();
        assert!(hint.contains(claim_code), "{lang}: {hint}");
    }
}

#[test]
fn language_comes_from_query_then_accept_language_and_defaults_to_simplified_chinese() {
    let portal = Portal::start();
    let c = client();
    let get = |path: &str, accept: Option<&str>| {
        let mut req = c.get(portal.url(path));
        if let Some(a) = accept {
            req = req.header("Accept-Language", a);
        }
        req.send().unwrap().text().unwrap()
    };
    assert!(get("/submit", None).contains("<html lang=\"zh-Hans\""));
    assert!(get("/submit", Some("zh-TW,zh;q=0.8")).contains("<html lang=\"zh-Hant\""));
    assert!(get("/submit", Some("en-US,en;q=0.9")).contains("<html lang=\"en\""));
    assert!(get("/submit?lang=en", Some("zh-CN")).contains("<html lang=\"en\""));
    assert!(get("/submit", Some("fr-FR")).contains("<html lang=\"zh-Hans\""));
}

#[test]
fn receipt_input_is_normalized_spaces_dashes_full_width() {
    let portal = Portal::start();
    let receipt = submit_ok(&portal, &Tip::default());
    let digits: String = receipt.split(' ').collect();
    let dashed = receipt.replace(' ', "-");
    let full_width: String = digits
        .chars()
        .map(|c| char::from_u32('０' as u32 + c.to_digit(10).unwrap()).unwrap())
        .collect();
    for typed in [digits, dashed, full_width, format!("  {receipt}  ")] {
        let (status, page) = lookup(&portal, &typed, "en");
        assert_eq!(status, 200, "{typed}");
        assert_eq!(
            element_text(&page, "tip-status").as_deref(),
            Some("received")
        );
    }
}

#[test]
fn mistyped_receipt_is_caught_by_its_check_digit_and_unknown_gets_same_page_shape() {
    let portal = Portal::start();
    let receipt = submit_ok(&portal, &Tip::default());
    let mut digits: Vec<u8> = receipt.bytes().filter(u8::is_ascii_digit).collect();
    digits[5] = if digits[5] == b'9' {
        b'0'
    } else {
        digits[5] + 1
    };
    let typo = String::from_utf8(digits.clone()).unwrap();
    let (status, page) = lookup(&portal, &typo, "en");
    assert_eq!(status, 200);
    assert!(
        page.contains("check digit"),
        "typo must be explained kindly"
    );
    assert!(element_text(&page, "tip-status").is_none());
    // The typed code is kept in the form so it can be corrected.
    assert!(page.contains(&typo));

    // A well-formed code that was never issued: same form, 404, never 500.
    let unknown = ReceiptCode::generate();
    let (status, page) = lookup(&portal, unknown.digits(), "en");
    assert_eq!(status, 404);
    assert!(page.contains("No tip was found"));
    assert!(page.contains("id=\"receipt\""));

    for junk in [
        "",
        "abc",
        "１２３",
        &"9".repeat(5000),
        "<script>alert(1)</script>",
    ] {
        let (status, page) = lookup(&portal, junk, "zh-Hans");
        assert!(status == 200 || status == 404, "{status} for {junk:?}");
        assert!(!page.contains("<script>alert"), "input must be escaped");
    }
}

#[test]
fn sealed_tip_holds_everything_and_opens_only_with_the_office_key() {
    let portal = Portal::start();
    let file = b"evidence bytes \x00\x01\x02 end".to_vec();
    let receipt = submit_ok(
        &portal,
        &Tip {
            reward: true,
            files: vec![
                ("账本.xlsx".into(), file.clone()),
                ("second.bin".into(), vec![0x42; 70_000]),
            ],
            ..Tip::default()
        },
    );
    let blobs = blob_paths(&portal.data);
    assert_eq!(blobs.len(), 1);
    let (tip, plain_len) = open_blob(&blobs[0]);
    assert_eq!(tip.field("category"), Some("umbrella"));
    assert_eq!(tip.field("location"), Some("某县某镇"));
    assert_eq!(
        tip.field("description"),
        Some("村霸张某强占集体土地，镇干部收钱包庇。")
    );
    assert_eq!(tip.field("reward"), Some("on"));
    assert_eq!(tip.attachments.len(), 2);
    assert_eq!(tip.attachments[0].start.name, "账本.xlsx");
    assert_eq!(&tip.attachments[0].data[..], &file[..]);
    assert_eq!(tip.attachments[1].data.len(), 70_000);
    assert!(!tip.attachments[0].end.metadata_removed);
    assert_eq!(tip.manifest.kind, Kind::Tip);
    assert_eq!(tip.manifest.attachments, 2);
    assert_eq!(tip.manifest.lang, "zh-Hans");
    assert_eq!(
        plain_len as u64,
        tipbox::tip::padded_size(plain_len as u64),
        "padded to a bucket"
    );

    // The reply key and claim verifier inside the tip are the ones derived from the receipt
    // with this portal's salt: the ledger can reply and check claims without the receipt.
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(portal.data.join("portal.json")).unwrap()).unwrap();
    let salt: [u8; 16] = hex::decode(meta["salt"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let params: KdfParams = serde_json::from_value(meta["kdf"].clone()).unwrap();
    let keys = ReceiptCode::parse(&receipt)
        .unwrap()
        .derive(&salt, params)
        .unwrap();
    assert_eq!(
        tip.manifest.reply_public_key,
        Some(hex::encode(keys.reply_public))
    );
    assert_eq!(
        tip.manifest.claim_verifier,
        Some(keys.claim_token.verifier())
    );
    assert_eq!(tip.manifest.portal_id, meta["portal_id"].as_str().unwrap());

    // Another key cannot open it.
    let stranger = age::x25519::Identity::generate();
    let bytes = std::fs::read(&blobs[0]).unwrap();
    let d = age::Decryptor::new_buffered(&bytes[..]).unwrap();
    assert!(d
        .decrypt(std::iter::once(&stranger as &dyn age::Identity))
        .is_err());
}

#[test]
fn short_tips_are_padded_to_the_same_size() {
    let portal = Portal::start();
    submit_ok(
        &portal,
        &Tip {
            description: "短描述但足够十个字了吧",
            ..Tip::default()
        },
    );
    submit_ok(
        &portal,
        &Tip {
            description: &"很长的描述".repeat(800),
            ..Tip::default()
        },
    );
    let sizes: Vec<usize> = blob_paths(&portal.data)
        .iter()
        .map(|p| open_blob(p).1)
        .collect();
    assert_eq!(sizes, vec![MIN_PADDED_SIZE as usize; 2]);
}

#[test]
fn followup_is_sealed_and_joined_to_its_tip() {
    let portal = Portal::start();
    let receipt = submit_ok(&portal, &Tip::default());
    let form = reqwest::blocking::multipart::Form::new()
        .text("receipt", receipt.clone())
        .text("message", "补充：二号证人是村会计")
        .part(
            "attachment",
            reqwest::blocking::multipart::Part::bytes(b"more".to_vec()).file_name("more.txt"),
        );
    let resp = client()
        .post(portal.url("/status/followup?lang=en"))
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.text().unwrap().contains("Information added"));

    let opened: Vec<_> = blob_paths(&portal.data)
        .iter()
        .map(|p| open_blob(p).0)
        .collect();
    let tip = opened
        .iter()
        .find(|t| t.manifest.kind == Kind::Tip)
        .unwrap();
    let followup = opened
        .iter()
        .find(|t| t.manifest.kind == Kind::Followup)
        .unwrap();
    assert_eq!(followup.manifest.tip_id, tip.manifest.tip_id);
    assert_eq!(followup.field("message"), Some("补充：二号证人是村会计"));
    assert_eq!(&followup.attachments[0].data[..], b"more");
    assert!(followup.manifest.reply_public_key.is_none());

    // A follow-up with an unknown receipt stores nothing and keeps the message on the page.
    let before = blob_paths(&portal.data).len();
    let (status, page) = post_followup(
        &portal,
        ReceiptCode::generate().digits(),
        "lost words must come back",
    );
    assert_eq!(status, 404);
    assert!(page.contains("lost words must come back"));
    assert_eq!(blob_paths(&portal.data).len(), before);
    assert!(
        all_files(&portal.data.join("tmp")).is_empty(),
        "rejected follow-up leaves no temp file"
    );
}

#[test]
fn rejected_forms_keep_the_text_and_store_nothing() {
    let portal = Portal::start();
    // Too short.
    let (status, page) = submit(
        &portal,
        &Tip {
            description: "太短",
            lang: "en",
            ..Tip::default()
        },
    );
    assert_eq!(status, 400);
    assert!(page.contains("too short"));
    assert!(page.contains("太短"), "typed text is kept");
    assert!(page.contains("某县某镇"));
    // Missing description.
    let (status, page) = submit(
        &portal,
        &Tip {
            description: "",
            lang: "en",
            ..Tip::default()
        },
    );
    assert_eq!(status, 400);
    assert!(page.contains("Please describe what happened"));
    // Unknown category.
    let (status, page) = submit(
        &portal,
        &Tip {
            category: "nope",
            lang: "en",
            ..Tip::default()
        },
    );
    assert_eq!(status, 400);
    assert!(page.contains("choose the kind of tip"));
    // Honeypot filled in (a bot), with an attachment: the reporter is told to re-attach.
    let form = submit_form(&Tip {
        files: vec![("a.txt".into(), b"x".to_vec())],
        ..Tip::default()
    })
    .text("website", "http://spam.example");
    let resp = client()
        .post(portal.url("/submit?lang=en"))
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 400);
    let page = resp.text().unwrap();
    assert!(page.contains("could not be accepted"));
    assert!(page.contains("choose your attachments again"));
    assert!(element_text(&page, "receipt-code").is_none());

    assert!(
        blob_paths(&portal.data).is_empty(),
        "nothing stored for rejected forms"
    );
    assert!(
        all_files(&portal.data.join("tmp")).is_empty(),
        "no partial ciphertext left"
    );
}

/// The text inside `<textarea id="ID" ...>`, and its `maxlength`.
fn textarea(page: &str, id: &str) -> (String, Option<usize>) {
    let start = page
        .find(&format!("<textarea id=\"{id}\""))
        .unwrap_or_else(|| panic!("no textarea {id}"));
    let tag_end = start + page[start..].find('>').unwrap();
    let max = page[start..tag_end]
        .split("maxlength=\"")
        .nth(1)
        .map(|v| v[..v.find('"').unwrap()].parse().unwrap());
    let end = tag_end + page[tag_end..].find("</textarea>").unwrap();
    (page[tag_end + 1..end].to_owned(), max)
}

/// A follow-up refused for a fixable reason (here a mistyped receipt) was shown back in a
/// read-only box above the *lookup* form: fixing the code and clicking led to the status
/// page with an empty box, and the text was gone unless the reporter had copied it.
#[test]
fn regression_a_refused_followups_text_was_lost_at_the_next_click() {
    let portal = Portal::start();
    let receipt = submit_ok(&portal, &Tip::default());
    let digits: String = receipt.chars().filter(char::is_ascii_digit).collect();
    // Swap two neighbouring digits that differ: the check digit catches it.
    let i = (0..digits.len() - 1)
        .find(|&i| digits.as_bytes()[i] != digits.as_bytes()[i + 1])
        .unwrap();
    let mut typo = digits.clone().into_bytes();
    typo.swap(i, i + 1);
    let typo = String::from_utf8(typo).unwrap();
    let (_, page) = post_followup(&portal, &typo, "他们明天在码头交易");
    assert!(page.contains("check digit does not match"), "{page}");
    // The page is the follow-up form again: it posts to /status/followup, the receipt is
    // editable and holds what was typed, the message is in the box that is sent.
    let form_tag = &page[page.find("<form").unwrap()..];
    let form_tag = &form_tag[..form_tag.find('>').unwrap()];
    assert!(
        form_tag.contains("action=\"/status/followup") && form_tag.contains("multipart/form-data"),
        "{form_tag}"
    );
    assert!(page.contains("name=\"receipt\" type=\"text\""));
    assert!(page.contains(&format!("value=\"{typo}\"")));
    let (kept, max) = textarea(&page, "message");
    assert_eq!(kept, "他们明天在码头交易");
    assert!(max.is_some());

    // Fixing the code and sending that form adds the follow-up, with the kept text.
    assert_eq!(post_followup(&portal, &digits, &kept).0, 200);
    let followup = blob_paths(&portal.data)
        .iter()
        .map(|p| open_blob(p).0)
        .find(|t| t.manifest.kind == Kind::Followup)
        .expect("the follow-up was stored");
    assert_eq!(followup.field("message"), Some("他们明天在码头交易"));
}

#[test]
fn regression_an_over_long_description_was_called_an_upload_over_500_mib() {
    let portal = Portal::start();
    // The form's limit: what a browser sends at `maxlength` fits the portal's limit even
    // when every character takes three bytes of UTF-8.
    let form = client()
        .get(portal.url("/submit?lang=en"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let max = textarea(&form, "description")
        .1
        .expect("description has a maxlength");
    let longest = "张".repeat(max);
    submit_ok(
        &portal,
        &Tip {
            description: &longest,
            ..Tip::default()
        },
    );
    let stored = blob_paths(&portal.data).len();

    // A client that ignores `maxlength`: the page names the text limit (not the upload
    // limit), keeps the beginning of the text and everything else typed, stores nothing.
    let too_long = "张".repeat(max + 2_000);
    let (status, page) = submit(
        &portal,
        &Tip {
            description: &too_long,
            files: vec![("a.txt".into(), b"x".to_vec())],
            lang: "en",
            ..Tip::default()
        },
    );
    assert_eq!(status, 413);
    assert!(
        page.contains(&format!("at most {max} characters")),
        "the text limit is named"
    );
    assert!(!page.contains("MiB"), "not the upload's limit");
    assert!(page.contains("choose your attachments again"));
    assert!(page.contains("某县某镇"), "the location is kept");
    let (kept, _) = textarea(&page, "description");
    assert_eq!(
        kept,
        "张".repeat(max),
        "the beginning is kept, cut at whole characters"
    );
    assert_eq!(blob_paths(&portal.data).len(), stored, "nothing stored");
    assert!(all_files(&portal.data.join("tmp")).is_empty());

    // The same for a follow-up's message.
    let receipt = submit_ok(&portal, &Tip::default());
    let (_, status_page) = lookup(&portal, &receipt, "en");
    let max = textarea(&status_page, "message")
        .1
        .expect("message has a maxlength");
    let (status, page) = post_followup(&portal, &receipt, &"事".repeat(max + 1));
    assert_eq!(status, 413);
    assert!(page.contains(&format!("at most {max} characters")));
    assert!(
        page.contains(&"事".repeat(max)),
        "the message's beginning is kept"
    );
    assert!(all_files(&portal.data.join("tmp")).is_empty());
}

#[test]
fn busy_portal_reshows_the_form_with_the_text_kept() {
    let portal = Portal::start_with(PortalOptions {
        config: "submissions_per_minute = 1\nlookups_per_minute = 1".into(),
        ..Default::default()
    });
    let receipt = submit_ok(&portal, &Tip::default());
    let (status, page) = submit(
        &portal,
        &Tip {
            description: "第二条线索的文字必须保留下来",
            lang: "en",
            ..Tip::default()
        },
    );
    assert_eq!(status, 429);
    assert!(page.contains("Many people are submitting"));
    assert!(page.contains("第二条线索的文字必须保留下来"));
    assert_eq!(blob_paths(&portal.data).len(), 1);
    // The operator learns that reporters are turned away (once a minute, not per request).
    assert_eq!(submit(&portal, &Tip::default()).0, 429);
    // (Two lines if the clock's minute turned between the two; never one per request.)
    let logs = portal.logs();
    let warned = logs.matches("the submission rate limit is reached").count();
    assert!((1..=2).contains(&warned), "{logs}");

    let (status, _) = lookup(&portal, &receipt, "en");
    assert_eq!(status, 200);
    let (status, page) = lookup(&portal, &receipt, "en");
    assert_eq!(status, 429);
    assert!(page.contains(&receipt), "the typed receipt is kept");
}

#[test]
fn oversized_upload_gets_413_before_it_is_buffered() {
    let portal = Portal::start_with(PortalOptions {
        config: "max_upload_mib = 1".into(),
        ..Default::default()
    });
    // A form announcing a 10 GiB body: answered 413 after the text fields, long before 10 GiB
    // could be read (the writer stops when the server closes the connection).
    let (page, sent) = raw_multipart_post(&portal.addr, "/submit?lang=en", 10 << 30, true);
    assert!(
        page.starts_with("HTTP/1.1 413"),
        "{}",
        &page[..page.len().min(200)]
    );
    assert!(
        sent < 256 << 20,
        "the server kept reading: {sent} bytes accepted"
    );

    // A browser's form with a too-large file: Content-Length is over the limit. The text
    // fields (sent first) come back in the form; the file is never read.
    let (page, _) = raw_multipart_post(&portal.addr, "/submit?lang=en", 8 << 20, true);
    assert!(
        page.starts_with("HTTP/1.1 413"),
        "{}",
        &page[..page.len().min(200)]
    );
    assert!(page.contains("too large"));
    assert!(
        page.contains("这段文字在超限时必须保留"),
        "typed text is kept"
    );
    assert!(page.contains("某县某镇"));

    // No length announced (chunked): the limit is hit while streaming; same answer.
    let (page, _) = raw_multipart_post(&portal.addr, "/submit?lang=en", 8 << 20, false);
    assert!(
        page.starts_with("HTTP/1.1 413"),
        "{}",
        &page[..page.len().min(200)]
    );
    assert!(page.contains("这段文字在超限时必须保留"));
    assert!(blob_paths(&portal.data).is_empty());
    assert!(all_files(&portal.data.join("tmp")).is_empty());
}

fn send_end(w: &mut std::net::TcpStream) -> std::io::Result<()> {
    use std::io::Write;
    w.write_all(b"0\r\n\r\n")
}

/// POST a multipart form with text fields first and one `file_len`-byte file, from a
/// writer thread, and read the whole answer (the server may answer before the body ends).
/// Returns the answer and how many file bytes were written before the server closed.
fn raw_multipart_post(
    addr: &str,
    path: &str,
    file_len: usize,
    announce_length: bool,
) -> (String, usize) {
    use std::io::{Read, Write};
    let boundary = "----tipboxTestBoundary";
    let mut head = String::new();
    for (name, value) in [
        ("category", "umbrella"),
        ("location", "某县某镇"),
        ("description", "这段文字在超限时必须保留"),
    ] {
        head.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    head.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"big.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    ));
    let tail = format!("\r\n--{boundary}--\r\n");
    let total = head.len() + file_len + tail.len();
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    let length_header = if announce_length {
        format!("Content-Length: {total}\r\n")
    } else {
        "Transfer-Encoding: chunked\r\n".to_owned()
    };
    let request_head = format!(
        "POST {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\n{length_header}\r\n"
    );
    let mut writer = s.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        if writer.write_all(request_head.as_bytes()).is_err() {
            return 0;
        }
        let mut send = |bytes: &[u8]| -> std::io::Result<()> {
            if announce_length {
                writer.write_all(bytes)
            } else {
                write!(writer, "{:x}\r\n", bytes.len())?;
                writer.write_all(bytes)?;
                writer.write_all(b"\r\n")
            }
        };
        if send(head.as_bytes()).is_err() {
            return 0;
        }
        let chunk = vec![0x5Au8; 64 * 1024];
        let mut left = file_len;
        while left > 0 {
            let n = left.min(chunk.len());
            if send(&chunk[..n]).is_err() {
                return file_len - left;
            }
            left -= n;
        }
        let _ = send(tail.as_bytes());
        if !announce_length {
            // The zero-length chunk ends a chunked body.
            let _ = send_end(&mut writer);
        }
        file_len
    });
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let sent = sender.join().unwrap();
    (String::from_utf8_lossy(&answer).into_owned(), sent)
}

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
fn lookup_flood_gets_429_and_never_starves_submissions() {
    // No rate limit: the bounded KDF queue (1 lookup worker, 8 waiting) is what must hold.
    let portal = Portal::start_with(PortalOptions {
        config: "submissions_per_minute = 1000000\nlookups_per_minute = 1000000\nkdf_workers = 2"
            .into(),
        ..Default::default()
    });
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flooders: Vec<_> = (0..24)
        .map(|_| {
            let url = portal.url("/status");
            let stop = stop.clone();
            std::thread::spawn(move || {
                let c = client();
                let mut statuses = Vec::new();
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    let code = ReceiptCode::generate();
                    let resp = c
                        .post(&url)
                        .form(&[("receipt", code.digits())])
                        .send()
                        .unwrap();
                    statuses.push(resp.status().as_u16());
                }
                statuses
            })
        })
        .collect();
    let receipts: Vec<String> = (0..4)
        .map(|_| submit_ok(&portal, &Tip::default()))
        .collect();
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let statuses: Vec<u16> = flooders
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    assert!(
        statuses.iter().all(|s| *s == 404 || *s == 429),
        "unexpected statuses: {statuses:?}"
    );
    assert!(
        statuses.contains(&429),
        "24 parallel lookups should overflow the KDF queue"
    );
    assert_eq!(receipts.len(), 4);
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

/// The receipt KDF's parameters are recorded in `portal.json` when a portal is created, and a
/// portal always derives with the recorded ones: changing `KdfParams::DEFAULT` (as from
/// 64 MiB x 2 to 8 MiB x 32) must never orphan receipts issued before the change.
#[test]
fn a_portal_keeps_the_argon2id_parameters_it_was_created_with() {
    let mut portal = Portal::start();
    let meta_path = portal.data.join("portal.json");
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&meta_path).unwrap()).unwrap();
    let recorded: KdfParams = serde_json::from_value(meta["kdf"].clone()).unwrap();
    assert_eq!(
        recorded,
        KdfParams::DEFAULT,
        "a new portal records the defaults"
    );

    // Make it a portal created with the earlier defaults, then restart it.
    let old = KdfParams {
        passes: 2,
        memory: 64 * 1024 * 1024,
    };
    assert_ne!(old, KdfParams::DEFAULT);
    portal.kill9();
    let dir = portal.take_dir();
    meta["kdf"] = serde_json::to_value(old).unwrap();
    std::fs::write(&meta_path, serde_json::to_vec_pretty(&meta).unwrap()).unwrap();
    let portal = Portal::start_with(PortalOptions {
        data: Some(portal.data.clone()),
        ..PortalOptions::default()
    });
    let receipt = submit_ok(&portal, &Tip::default());

    // The tip's reply key is the one the recorded (old) parameters give, not the defaults'.
    let salt: [u8; 16] = hex::decode(meta["salt"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let code = ReceiptCode::parse(&receipt).unwrap();
    let with_old = code.derive(&salt, old).unwrap();
    let with_default = code.derive(&salt, KdfParams::DEFAULT).unwrap();
    let (tip, _) = open_blob(&blob_paths(&portal.data)[0]);
    assert_eq!(
        tip.manifest.reply_public_key,
        Some(hex::encode(with_old.reply_public))
    );
    assert_ne!(with_old.reply_public, with_default.reply_public);
    let (status, _) = lookup(&portal, &receipt, "en");
    assert_eq!(
        status, 200,
        "a receipt is found with the recorded parameters"
    );
    let kept: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&meta_path).unwrap()).unwrap();
    assert_eq!(kept["kdf"], serde_json::to_value(old).unwrap());
    drop(dir);
}
