//! Uploads held open, trickled in, or too large for the shared image memory.

use super::*;

/// Start an upload over a raw connection and leave it open, as a client that stops or
/// trickles would: the head (promising far more body than it sends), the text fields and
/// the first bytes of one attachment.
fn hold_upload(portal: &Portal, description: &str, first_file_bytes: &[u8]) -> TcpStream {
    let mut body = format!(
        "--B\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nother\r\n\
         --B\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n{description}\r\n\
         --B\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"a.jpg\"\r\n\
         Content-Type: image/jpeg\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(first_file_bytes);
    let head = format!(
        "POST /submit HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=B\r\n\
         Content-Length: {}\r\n\r\n",
        body.len() + 10_000_000
    );
    let mut s = TcpStream::connect(&portal.addr).unwrap();
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(&body).unwrap();
    s
}

/// Submit until the portal takes it (slots and image memory come back a moment after the
/// connections holding them close); returns the last answer.
fn submit_when_free(portal: &Portal, tip: &Tip) -> (u16, String) {
    let mut answer = submit(portal, tip);
    for _ in 0..100 {
        if answer.0 == 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
        answer = submit(portal, tip);
    }
    answer
}

/// A JPEG of about `size` bytes that the metadata cleaner accepts.
fn large_jpeg(size: usize) -> Vec<u8> {
    // Entropy-coded data without 0xFF holds no marker.
    jpeg_with_scan(&vec![0x11; size.saturating_sub(120)])
}

#[test]
fn regression_uploads_held_open_stopped_every_submission_and_the_export() {
    // Each upload held a blocking thread and its buffers for as long as its client sent a
    // byte now and then: a few hundred such connections (minutes at the default rate limit)
    // took all 512 of tokio's blocking threads, and every submission and the operator's
    // export hung (with large images, the memory ran out first).
    let portal = Portal::start_with(PortalOptions {
        config: "max_open_uploads = 2\nsubmissions_per_minute = 100000".into(),
        ..Default::default()
    });
    let held: Vec<TcpStream> = (0..3)
        .map(|_| hold_upload(&portal, "held open by a slow client", &[0x5A; 300 * 1024]))
        .collect();
    std::thread::sleep(Duration::from_secs(1));

    let tip = Tip {
        description: "arriving while every upload slot is taken",
        ..Default::default()
    };
    let (status, page) = submit(&portal, &tip);
    assert_eq!(status, 429, "a full portal must say it is busy: {page}");
    assert!(element_text(&page, "receipt-code").is_none());
    assert!(
        page.contains("arriving while every upload slot is taken"),
        "the busy page keeps what the reporter typed"
    );
    // Follow-ups take the same slots.
    let resp = client()
        .post(portal.url("/status/followup"))
        .multipart(
            reqwest::blocking::multipart::Form::new()
                .text("receipt", "1234 5678")
                .text("message", "more detail while the portal is full"),
        )
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 429);
    assert!(resp
        .text()
        .unwrap()
        .contains("more detail while the portal is full"));
    // Two reporters turned away, one line for the operator (more would flood the log).
    // The minute may turn between the two: then there are two lines, never more.
    let warned = portal.logs().matches("every upload slot is in use").count();
    assert!((1..=2).contains(&warned), "{}", portal.logs());
    // The operator's export still runs (it needs a blocking thread too).
    let dir = tempfile::tempdir().unwrap();
    let out = export(&portal.data, &dir.path().join("inbox.tbx"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    drop(held);
    let (status, page) = submit_when_free(&portal, &tip);
    assert_eq!(status, 200, "the slots come back: {page}");
    assert_eq!(
        blob_paths(&portal.data).len(),
        1,
        "only the real tip is kept"
    );
    assert!(all_files(&portal.data.join("tmp")).is_empty());
}

#[test]
fn regression_a_byte_now_and_then_held_an_upload_open_for_ever() {
    // The idle timeout cut off bodies that stopped, not bodies that crawled.
    let portal = Portal::start_with(PortalOptions {
        config: "max_open_uploads = 1\nbody_idle_timeout_secs = 2\nmin_upload_kib_per_sec = 1"
            .into(),
        ..Default::default()
    });
    let mut s = hold_upload(&portal, "trickled in a few bytes at a time", b"0123456789");
    s.set_read_timeout(Some(Duration::from_secs(1))).unwrap();
    // Ten bytes a second: never idle for the 2 s timeout, far below 1 KiB/s.
    let mut answer = Vec::new();
    let mut cut_after = None;
    for second in 0..30 {
        if s.write_all(b"0123456789").is_err() {
            cut_after = Some(second);
            break;
        }
        let mut buf = [0u8; 4096];
        match s.read(&mut buf) {
            Ok(0) => {
                cut_after = Some(second);
                break;
            }
            Ok(n) => answer.extend_from_slice(&buf[..n]),
            Err(_) => {} // nothing yet: keep trickling
        }
        if !answer.is_empty() {
            cut_after = Some(second);
            let _ = s.read_to_end(&mut answer);
            break;
        }
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        cut_after.is_some(),
        "a body crawling at 10 bytes/s was kept open for 30 s"
    );
    // The reporter learns why, in their language, with the text kept.
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(answer.contains("网络太慢或中断了"), "{answer}");
    assert!(answer.contains("trickled in a few bytes at a time"));
    // Its slot is free again, and nothing of it was kept.
    let (status, page) = submit_when_free(&portal, &Tip::default());
    assert_eq!(status, 200, "{page}");
    assert_eq!(blob_paths(&portal.data).len(), 1);
    assert!(all_files(&portal.data.join("tmp")).is_empty());
}

#[test]
fn an_upload_slower_than_the_idle_timeout_but_above_the_minimum_rate_is_taken() {
    // The other side of the floor: a slow reporter who keeps up the minimum rate is never
    // cut off, however long the upload takes compared with the idle timeout.
    let portal = Portal::start_with(PortalOptions {
        config: "body_idle_timeout_secs = 1\nmin_upload_kib_per_sec = 1".into(),
        ..Default::default()
    });
    let prefix = "--B\r\nContent-Disposition: form-data; name=\"category\"\r\n\r\nother\r\n\
                  --B\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n\
                  sent slowly over a poor connection\r\n\
                  --B\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"a.bin\"\r\n\
                  Content-Type: application/octet-stream\r\n\r\n";
    let suffix = "\r\n--B--\r\n";
    // 2 KiB/s (twice the floor) for 5 s: five times the idle timeout.
    let piece = [0x5Au8; 512];
    let pieces = 20;
    let length = prefix.len() + piece.len() * pieces + suffix.len();
    let mut s = TcpStream::connect(&portal.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let head = format!(
        "POST /submit?lang=en HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
         Content-Type: multipart/form-data; boundary=B\r\nContent-Length: {length}\r\n\r\n"
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(prefix.as_bytes()).unwrap();
    let started = std::time::Instant::now();
    // A write refused means the server cut the upload off: the answer below says why.
    let mut sent = (0..pieces).all(|_| {
        std::thread::sleep(Duration::from_millis(250));
        s.write_all(&piece).is_ok()
    });
    sent = sent && s.write_all(suffix.as_bytes()).is_ok();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "sent whole: {sent}; {answer}"
    );
    assert!(started.elapsed() > Duration::from_secs(4));
    assert!(element_text(&answer, "receipt-code").is_some(), "{answer}");
    assert_eq!(blob_paths(&portal.data).len(), 1);
}

#[test]
fn images_beyond_the_shared_image_memory_get_the_busy_page() {
    // Images are held whole while their metadata is removed; all uploads together may
    // hold `image_memory_mib` of them.
    let portal = Portal::start_with(PortalOptions {
        config: "max_image_mib = 1\nimage_memory_mib = 1\nsubmissions_per_minute = 100000".into(),
        ..Default::default()
    });
    let jpeg = large_jpeg(600 * 1024);
    let held = hold_upload(
        &portal,
        "holds most of the image memory",
        &large_jpeg(900 * 1024),
    );
    std::thread::sleep(Duration::from_secs(1));
    let tip = Tip {
        description: "a photo sent while the image memory is taken",
        files: vec![("photo.jpg".into(), jpeg)],
        ..Default::default()
    };
    let (status, page) = submit(&portal, &tip);
    assert_eq!(status, 429, "{page}");
    assert!(element_text(&page, "receipt-code").is_none());
    assert!(page.contains("a photo sent while the image memory is taken"));
    assert!(portal
        .logs()
        .contains("the memory for cleaning images is taken"));

    drop(held);
    let (status, page) = submit_when_free(&portal, &tip);
    assert_eq!(status, 200, "the image memory comes back: {page}");
    assert_eq!(blob_paths(&portal.data).len(), 1);
}
