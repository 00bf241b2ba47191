//! Invariants 1 and 3 (ARCHITECTURE.md): a receipt is shown only once its tip is durable, so killing the
//! portal at any moment loses no tip whose receipt was handed out; and memory does not grow
//! with the size of an upload.

mod common;

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::*;

const GENEROUS_LIMITS: &str = "submissions_per_minute = 1000000\nlookups_per_minute = 1000000";

#[test]
fn kill_9_during_concurrent_submissions_loses_no_receipt_that_was_shown() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut all_receipts: Vec<String> = Vec::new();
    // Kill points spread over the first seconds of load; each round restarts on the same data.
    for (round, kill_after_ms) in [350u64, 900, 1700, 120].into_iter().enumerate() {
        let mut portal = Portal::start_with(PortalOptions {
            config: GENEROUS_LIMITS.into(),
            data: Some(data.clone()),
            ..Default::default()
        });
        let stop = Arc::new(AtomicBool::new(false));
        let receipts = Arc::new(Mutex::new(Vec::new()));
        let workers: Vec<_> = (0..6)
            .map(|w| {
                let url = portal.url("/submit");
                let stop = stop.clone();
                let receipts = receipts.clone();
                std::thread::spawn(move || {
                    let c = client();
                    let mut i = 0;
                    while !stop.load(Ordering::SeqCst) {
                        i += 1;
                        let desc = format!("第{round}轮 第{w}号 第{i}条：村霸强占土地，干部包庇");
                        let tip = Tip {
                            description: &desc,
                            files: vec![("e.bin".into(), vec![w as u8; 50_000 * (i % 4)])],
                            ..Tip::default()
                        };
                        match c.post(&url).multipart(submit_form(&tip)).send() {
                            Ok(resp) if resp.status().as_u16() == 200 => {
                                if let Ok(body) = resp.text() {
                                    if let Some(r) = element_text(&body, "receipt-code") {
                                        receipts.lock().unwrap().push(r);
                                    }
                                }
                            }
                            Ok(_) => {}
                            Err(_) => break, // the portal is gone
                        }
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(kill_after_ms));
        portal.kill9();
        stop.store(true, Ordering::SeqCst);
        for w in workers {
            w.join().unwrap();
        }
        let shown = receipts.lock().unwrap().clone();
        all_receipts.extend(shown);
    }
    assert!(
        all_receipts.len() >= 10,
        "too few submissions to mean anything: {}",
        all_receipts.len()
    );

    // Restart and check every receipt ever shown.
    let portal = Portal::start_with(PortalOptions {
        config: GENEROUS_LIMITS.into(),
        data: Some(data.clone()),
        ..Default::default()
    });
    for r in &all_receipts {
        let (status, page) = lookup(&portal, r, "en");
        assert_eq!(status, 200, "receipt {r} was shown but its tip is gone");
        assert_eq!(
            element_text(&page, "tip-status").as_deref(),
            Some("received")
        );
    }
    // No half-written ciphertext survives a restart, and every stored blob is complete.
    assert!(all_files(&data.join("tmp")).is_empty());
    let blobs = blob_paths(&data);
    assert!(blobs.len() >= all_receipts.len());
    for b in &blobs {
        let (tip, _) = open_blob(b);
        assert!(tip.field("description").is_some());
    }
    eprintln!(
        "{} receipts shown over 4 kills, {} blobs on disk, all intact",
        all_receipts.len(),
        blobs.len()
    );
}

/// Generates `len` bytes of a pattern without holding them: byte `k` is `k % 251`.
struct Pattern {
    pos: u64,
    left: u64,
}

fn pattern_byte(k: u64) -> u8 {
    (k % 251) as u8
}

impl Read for Pattern {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = (buf.len() as u64).min(self.left) as usize;
        for (i, b) in buf[..n].iter_mut().enumerate() {
            *b = pattern_byte(self.pos + i as u64);
        }
        self.pos += n as u64;
        self.left -= n as u64;
        Ok(n)
    }
}

fn upload(portal: &Portal, len: u64) {
    let part =
        reqwest::blocking::multipart::Part::reader_with_length(Pattern { pos: 0, left: len }, len)
            .file_name("big.bin")
            .mime_str("application/octet-stream")
            .unwrap();
    let form = reqwest::blocking::multipart::Form::new()
        .text("category", "other")
        .text("description", "大文件上传测试：内存不随文件增长")
        .part("attachment", part);
    let resp = client()
        .post(portal.url("/submit"))
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
}

#[test]
fn memory_does_not_grow_with_upload_size() {
    let portal = Portal::start_with(PortalOptions {
        config: "max_upload_mib = 1024".into(),
        ..Default::default()
    });
    upload(&portal, 1 << 20);
    let small = peak_rss_kib(portal.pid());
    upload(&portal, 300 << 20);
    let large = peak_rss_kib(portal.pid());
    eprintln!("peak RSS after 1 MiB upload: {small} KiB; after 300 MiB upload: {large} KiB");
    assert!(
        large.saturating_sub(small) < 32 * 1024,
        "peak memory grew by {} KiB for a 300 MiB upload",
        large - small
    );
    let blobs = blob_paths(&portal.data);
    let biggest = blobs
        .iter()
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap();
    assert!(
        std::fs::metadata(biggest).unwrap().len() > 300 << 20,
        "the large upload was stored"
    );
    // Every byte arrived, in order, through the batched hand-over and the early writeback.
    let file = std::io::BufReader::new(std::fs::File::open(biggest).unwrap());
    let plain = age::Decryptor::new_buffered(file)
        .unwrap()
        .decrypt(demo_identities().iter().map(|i| i as &dyn age::Identity))
        .unwrap();
    let mut container = tipbox::tip::ContainerReader::new(plain).unwrap();
    let mut at = 0u64;
    while let Some(record) = container.next_record().unwrap() {
        if let tipbox::tip::Record::FileData(chunk) = record {
            for (i, b) in chunk.iter().enumerate() {
                assert_eq!(*b, pattern_byte(at + i as u64), "byte {}", at + i as u64);
            }
            at += chunk.len() as u64;
        }
    }
    assert_eq!(at, 300 << 20, "the whole attachment is in the sealed tip");
}
