//! Refused, busy and oversized forms: the reporter's text is kept and nothing is stored.

use super::*;

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
