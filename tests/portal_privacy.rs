//! Invariants 1 and 2 (ARCHITECTURE.md): no tip plaintext and nothing identifying ever reaches the
//! portal's disk, temp files or logs. Real server, real HTTP, canaries searched for in every
//! byte the portal wrote.

mod common;

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::*;
use img_parts::ImageEXIF;

const IP_CANARY: &str = "203.0.113.77";
const IP_CANARY_2: &str = "198.51.100.23";
const UA_CANARY: &str = "CanaryBrowser/9.9 (ua-canary-58e1)";

#[test]
fn identifying_headers_and_tip_content_never_reach_disk_or_logs() {
    let portal = Portal::start();
    let desc = "desc-canary-91c4 村霸王某 desc-canary-91c4";
    let loc = "loc-canary-2b77";
    let fname = "fname-canary-6d0e.docx";
    let content = b"content-canary-a3f9 secret ledger pages".to_vec();
    let followup_msg = "followup-canary-0c5d";
    let c = client();
    let identifying = |req: reqwest::blocking::RequestBuilder| {
        req.header("X-Forwarded-For", format!("{IP_CANARY}, {IP_CANARY_2}"))
            .header("X-Real-IP", IP_CANARY)
            .header("Forwarded", format!("for={IP_CANARY}"))
            .header("User-Agent", UA_CANARY)
            .header("Cookie", "session=cookie-canary-44aa")
            .header("Referer", "http://referer-canary.example/page")
    };
    let form = submit_form(&Tip {
        description: desc,
        location: loc,
        files: vec![(fname.into(), content.clone())],
        reward: true,
        ..Tip::default()
    });
    let resp = identifying(c.post(portal.url("/submit")))
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.headers().get("set-cookie").is_none());
    let receipt = element_text(&resp.text().unwrap(), "receipt-code").unwrap();
    let resp = identifying(c.post(portal.url("/status")))
        .form(&[("receipt", receipt.as_str())])
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let form = reqwest::blocking::multipart::Form::new()
        .text("receipt", receipt.clone())
        .text("message", followup_msg);
    let resp = identifying(c.post(portal.url("/status/followup")))
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    // A failed lookup and a rejected form too: error paths must not log input either.
    identifying(c.post(portal.url("/status")))
        .form(&[("receipt", "123 desc-canary-91c4")])
        .send()
        .unwrap();
    let form = submit_form(&Tip {
        description: "desc-canary-91c4",
        ..Tip::default()
    })
    .text("website", "x");
    identifying(c.post(portal.url("/submit")))
        .multipart(form)
        .send()
        .unwrap();

    let digits: String = receipt.split(' ').collect();
    let canaries: Vec<&[u8]> = vec![
        desc.as_bytes(),
        b"desc-canary-91c4",
        loc.as_bytes(),
        b"fname-canary-6d0e",
        b"content-canary-a3f9",
        followup_msg.as_bytes(),
        IP_CANARY.as_bytes(),
        IP_CANARY_2.as_bytes(),
        b"ua-canary-58e1",
        b"CanaryBrowser",
        b"cookie-canary-44aa",
        b"referer-canary",
        digits.as_bytes(),
        receipt.as_bytes(),
        "村霸王某".as_bytes(),
    ];
    let logs = portal.logs();
    for canary in &canaries {
        let shown = String::from_utf8_lossy(canary);
        assert!(
            files_containing(&portal.data, canary).is_empty(),
            "{shown} found in the data folder: {:?}",
            files_containing(&portal.data, canary)
        );
        assert!(
            files_containing(&portal.tmpdir, canary).is_empty(),
            "{shown} found in TMPDIR"
        );
        assert!(
            !logs.contains(&*shown),
            "{shown} found in the logs:\n{logs}"
        );
    }
    // The client's address as seen on the socket is never stored either.
    assert!(files_containing(&portal.data, b"127.0.0.1").is_empty());
    assert!(
        all_files(&portal.tmpdir).is_empty(),
        "the portal writes nothing to TMPDIR"
    );

    // The content really is there, sealed: the office key opens it.
    let opened: Vec<_> = blob_paths(&portal.data)
        .iter()
        .map(|p| open_blob(p).0)
        .collect();
    assert!(opened.iter().any(|t| t.field("description") == Some(desc)));
    assert!(opened
        .iter()
        .any(|t| t.field("message") == Some(followup_msg)));

    // No exact time: stored files carry midnight UTC of the day, never the time of day.
    for blob in blob_paths(&portal.data) {
        let modified = std::fs::metadata(&blob).unwrap().modified().unwrap();
        let secs = modified
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs();
        assert_eq!(secs % 86_400, 0, "{} has a time of day", blob.display());
    }
}

#[test]
fn upload_is_ciphertext_on_disk_while_it_is_still_arriving() {
    let portal = Portal::start();
    let boundary = "----tipboxStreamBoundary";
    let pattern = b"STREAM-CANARY-5e2b-0123456789abcdef ";
    let file_len = 24 << 20;
    let mut head = String::new();
    for (name, value) in [
        ("category", "umbrella"),
        ("description", "流式上传测试：明文不得落盘"),
    ] {
        head.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    head.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"stream.bin\"\r\n\
         Content-Type: application/octet-stream\r\n\r\n"
    ));
    let tail = format!("\r\n--{boundary}--\r\n");
    let total = head.len() + file_len + tail.len();
    let mut s = std::net::TcpStream::connect(&portal.addr).unwrap();
    write!(
        s,
        "POST /submit HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {total}\r\n\r\n{head}"
    )
    .unwrap();
    let body: Vec<u8> = pattern.iter().copied().cycle().take(file_len).collect();
    let half = file_len / 2;
    s.write_all(&body[..half]).unwrap();

    // Wait until the portal has written part of it to its temp folder, then look.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let written: u64 = all_files(&portal.data.join("tmp"))
            .iter()
            .map(|p| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0))
            .sum();
        if written >= 4 << 20 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "nothing reached tmp/ while uploading ({written} bytes)"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        files_containing(&portal.data, b"STREAM-CANARY-5e2b").is_empty(),
        "plaintext on disk mid-upload"
    );
    assert!(files_containing(&portal.tmpdir, b"STREAM-CANARY-5e2b").is_empty());
    assert!(files_containing(&portal.data, "明文不得落盘".as_bytes()).is_empty());

    s.write_all(&body[half..]).unwrap();
    s.write_all(tail.as_bytes()).unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "{}",
        &answer[..answer.len().min(300)]
    );
    assert!(files_containing(&portal.data, b"STREAM-CANARY-5e2b").is_empty());
    let (tip, _) = open_blob(&blob_paths(&portal.data)[0]);
    assert_eq!(tip.attachments[0].data.len(), file_len);
    assert_eq!(&tip.attachments[0].data[..pattern.len()], pattern);
}

// ---- images -----------------------------------------------------------------------------

const GPS_CANARY: &[u8] = b"GPS-CANARY 39.9042N 116.4074E";
/// Stand-in for compressed pixel data; must survive byte for byte.
const PIXELS: &[u8] = &[
    0xD2, 0xCF, 0x20, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAB,
];

fn jpeg_with_metadata() -> Vec<u8> {
    let b = jpeg_with_scan(PIXELS);
    let mut jpeg = img_parts::jpeg::Jpeg::from_bytes(Bytes::from(b)).unwrap();
    let mut exif = b"MM\0*".to_vec();
    exif.extend_from_slice(GPS_CANARY);
    jpeg.set_exif(Some(Bytes::from(exif)));
    let mut xmp = b"http://ns.adobe.com/xap/1.0/\0".to_vec();
    xmp.extend_from_slice(GPS_CANARY);
    let segments = jpeg.segments_mut();
    segments.insert(
        1,
        img_parts::jpeg::JpegSegment::new_with_contents(0xE1, Bytes::from(xmp)),
    );
    segments.insert(
        1,
        img_parts::jpeg::JpegSegment::new_with_contents(0xFE, Bytes::from_static(GPS_CANARY)),
    );
    segments.insert(
        1,
        img_parts::jpeg::JpegSegment::new_with_contents(0xED, Bytes::from_static(GPS_CANARY)),
    );
    let mut out = jpeg.encoder().bytes().to_vec();
    // Phones append preview images after the end marker, each with its own EXIF.
    out.extend_from_slice(&[0xFF, 0xD8, 0xFF, 0xE1]);
    out.extend_from_slice(GPS_CANARY);
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

fn png_with_metadata() -> Vec<u8> {
    let chunk = |kind: &[u8; 4], data: &[u8]| {
        img_parts::png::PngChunk::new(*kind, Bytes::copy_from_slice(data))
            .encoder()
            .bytes()
            .to_vec()
    };
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &[0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
    out.extend(chunk(
        b"tEXt",
        &[b"Comment\0".as_slice(), GPS_CANARY].concat(),
    ));
    out.extend(chunk(b"eXIf", &[b"MM\0*".as_slice(), GPS_CANARY].concat()));
    out.extend(chunk(
        b"iTXt",
        &[b"XML:com.adobe.xmp\0\0\0\0\0".as_slice(), GPS_CANARY].concat(),
    ));
    out.extend(chunk(b"tIME", &[7, 234, 11, 22, 2, 3, 4]));
    out.extend(chunk(b"IDAT", PIXELS));
    out.extend(chunk(b"IEND", &[]));
    out
}

fn webp_with_metadata() -> Vec<u8> {
    let chunk = |id: &[u8; 4], data: &[u8]| {
        let mut c = id.to_vec();
        c.extend_from_slice(&(data.len() as u32).to_le_bytes());
        c.extend_from_slice(data);
        if data.len() % 2 == 1 {
            c.push(0);
        }
        c
    };
    // VP8X: flags with EXIF (0x08) and XMP (0x04), 3 reserved bytes, canvas 1x1.
    let mut body = b"WEBP".to_vec();
    body.extend(chunk(b"VP8X", &[0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    let mut vp8l = vec![0x2F, 0, 0, 0, 0];
    vp8l.extend_from_slice(PIXELS);
    body.extend(chunk(b"VP8L", &vp8l));
    body.extend(chunk(b"EXIF", &[b"MM\0*".as_slice(), GPS_CANARY].concat()));
    body.extend(chunk(b"XMP ", GPS_CANARY));
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend(body);
    out
}

#[test]
fn jpeg_png_webp_lose_their_metadata_and_keep_their_pixels() {
    let portal = Portal::start();
    let images = [
        ("photo.jpg", jpeg_with_metadata()),
        ("screen.png", png_with_metadata()),
        ("chat.webp", webp_with_metadata()),
    ];
    for (_, data) in &images {
        assert!(
            data.windows(GPS_CANARY.len()).any(|w| w == GPS_CANARY),
            "fixture has metadata"
        );
    }
    let mut files: Vec<(String, Vec<u8>)> = images
        .iter()
        .map(|(n, d)| (n.to_string(), d.clone()))
        .collect();
    // A document is kept exactly as sent (the form warns about it).
    files.push((
        "notes.txt".into(),
        [b"doc ".as_slice(), GPS_CANARY].concat(),
    ));
    submit_ok(
        &portal,
        &Tip {
            files,
            ..Tip::default()
        },
    );
    let (tip, _) = open_blob(&blob_paths(&portal.data)[0]);
    assert_eq!(tip.attachments.len(), 4);
    for att in &tip.attachments[..3] {
        let name = &att.start.name;
        assert!(att.end.metadata_removed, "{name}");
        assert!(
            !att.data.windows(GPS_CANARY.len()).any(|w| w == GPS_CANARY),
            "{name} still has metadata"
        );
        assert!(
            att.data.windows(PIXELS.len()).any(|w| w == PIXELS),
            "{name} lost its pixels"
        );
        assert_eq!(att.end.size, att.data.len() as u64);
    }
    assert!(
        tip.attachments[0].data.ends_with(&[0xFF, 0xD9]),
        "JPEG ends at its end marker"
    );
    img_parts::jpeg::Jpeg::from_bytes(Bytes::from(tip.attachments[0].data.to_vec()))
        .expect("JPEG still parses");
    img_parts::png::Png::from_bytes(Bytes::from(tip.attachments[1].data.to_vec()))
        .expect("PNG still parses");
    img_parts::webp::WebP::from_bytes(Bytes::from(tip.attachments[2].data.to_vec()))
        .expect("WebP still parses");
    let doc = &tip.attachments[3];
    assert!(!doc.end.metadata_removed);
    assert_eq!(
        &doc.data[..],
        &[b"doc ".as_slice(), GPS_CANARY].concat()[..]
    );
}

#[test]
fn damaged_or_oversized_images_are_refused_with_the_text_kept() {
    let portal = Portal::start_with(PortalOptions {
        config: "max_image_mib = 1".into(),
        ..Default::default()
    });
    // Looks like a JPEG, is not one: it cannot be cleaned, so it is not stored.
    let broken = vec![
        0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x40, b'E', b'x', b'i', b'f', 0, 0, 1, 2, 3,
    ];
    let (status, page) = submit(
        &portal,
        &Tip {
            description: "损坏图片测试文字保留",
            files: vec![("broken.jpg".into(), broken)],
            lang: "en",
            ..Tip::default()
        },
    );
    assert_eq!(status, 422);
    assert!(page.contains("damaged"));
    assert!(page.contains("损坏图片测试文字保留"));
    let mut big = jpeg_with_metadata();
    big.extend(vec![0u8; 2 << 20]);
    let (status, page) = submit(
        &portal,
        &Tip {
            files: vec![("big.jpg".into(), big)],
            lang: "en",
            ..Tip::default()
        },
    );
    assert_eq!(status, 413);
    assert!(page.contains("too large"));
    assert!(blob_paths(&portal.data).is_empty());
    assert!(all_files(&portal.data.join("tmp")).is_empty());
}

/// Finding 2 of the outside attack (medium): with `TIPBOX_LOG=trace`, sled logged every
/// index write and read with microsecond timestamps (lookup keys, tip ids, blob ids, reply
/// keys as byte lists, and a "getting key" line on each status lookup), and at `debug`
/// there was still one "wrote lsns" line per submission. Now every dependency is capped at
/// `warn` whatever TIPBOX_LOG says, and no level of tipbox's own logging writes a line per
/// submission, lookup or follow-up: at every level, a day of reporters leaves the log as
/// it was after start-up.
#[test]
fn regression_trace_logs_tied_tips_to_exact_times() {
    for level in ["trace", "debug", "info"] {
        let portal = Portal::start_with(PortalOptions {
            env: vec![("TIPBOX_LOG".into(), level.into())],
            ..PortalOptions::default()
        });
        let receipt = submit_ok(&portal, &Tip::default());
        // Start-up may log (the address, the keys in use); it is done once the first
        // answer came. From here on, nothing a reporter does may add a line.
        std::thread::sleep(Duration::from_millis(300));
        let after_start = portal.logs();
        for i in 0..3 {
            let r = submit_ok(
                &portal,
                &Tip {
                    files: vec![(format!("e{i}.bin"), vec![i as u8; 70_000])],
                    ..Tip::default()
                },
            );
            assert_eq!(lookup(&portal, &r, "zh-Hans").0, 200);
        }
        assert_eq!(lookup(&portal, &receipt, "en").0, 200);
        let unknown = tipbox::receipt::ReceiptCode::generate();
        lookup(&portal, unknown.digits(), "en");
        assert_eq!(post_followup(&portal, &receipt, "补充信息").0, 200);
        std::thread::sleep(Duration::from_millis(300));
        let logs = portal.logs();
        let added = &logs[after_start.len().min(logs.len())..];
        assert!(
            added.is_empty(),
            "TIPBOX_LOG={level}: reporters' requests were logged: {:?}...",
            added.chars().take(600).collect::<String>()
        );
        assert!(logs.starts_with(&after_start));
        for dependency in ["sled", "hyper", "tower", "axum", "lsn", "getting key"] {
            assert!(
                !logs.contains(dependency),
                "TIPBOX_LOG={level}: {dependency} logged"
            );
        }
    }
    // Directives that would lift a dependency's cap are refused, with the fix.
    let out = std::process::Command::new(PORTAL_BIN)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("TIPBOX_LOG", "info,sled=trace")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not a log level") && err.contains("trace"),
        "{err}"
    );
}

/// Finding 7 (low): the file system kept exact times. Each blob kept its birth time (when
/// its upload started, on ext4 through statx), its access time became the time of the next
/// export, and the folders' and `index/`'s times gave the latest arrival. Now blobs are
/// written into files made ahead (at start-up and at midnight UTC), exports read with
/// O_NOATIME, and the folders' and index files' access and modification times say the
/// day. What no program can set, the change time (ctime), SECURITY.md documents.
#[test]
fn regression_the_file_system_kept_exact_times() {
    use std::time::{SystemTime, UNIX_EPOCH};
    let portal = Portal::start();
    // Well after start-up, when the spare files were made.
    std::thread::sleep(Duration::from_secs(2));
    let submitted = SystemTime::now();
    submit_ok(
        &portal,
        &Tip {
            files: vec![("e.bin".into(), vec![7u8; 100_000])],
            ..Tip::default()
        },
    );
    let today = time::OffsetDateTime::now_utc().date();
    let midnight =
        UNIX_EPOCH + Duration::from_secs(today.midnight().assume_utc().unix_timestamp() as u64);
    let blob = blob_paths(&portal.data).pop().unwrap();
    let meta = std::fs::metadata(&blob).unwrap();
    match meta.created() {
        Ok(born) => assert!(
            born + Duration::from_secs(1) < submitted,
            "the blob was born when its upload began"
        ),
        Err(e) => println!("SKIPPED: the birth-time check (this file system has none: {e})"),
    }
    let exported = tempfile::tempdir().unwrap();
    assert!(export(&portal.data, &exported.path().join("b.tbx"))
        .status
        .success());
    let meta = std::fs::metadata(&blob).unwrap();
    assert_eq!(
        meta.accessed().unwrap(),
        midnight,
        "the export set the access time"
    );
    assert_eq!(meta.modified().unwrap(), midnight);
    let mut paths = vec![
        portal.data.join("blobs"),
        portal.data.join("tmp"),
        portal.data.join("spare"),
        portal.data.join("index"),
    ];
    paths.extend(all_files(&portal.data.join("index")));
    for p in paths {
        let meta = std::fs::metadata(&p).unwrap();
        assert_eq!(
            meta.modified().unwrap(),
            midnight,
            "{} says when the tip arrived",
            p.display()
        );
    }
}
