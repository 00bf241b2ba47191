//! Decrypted search, and items too large to hold in memory.

use super::*;

#[test]
fn search_finds_text_in_fields_attachment_names_and_notes_on_every_core() {
    let mut inbox = Inbox::new();
    // Enough tips to be spread over several workers' batches; the matches sit at the ends.
    let plain = Tip::default();
    inbox.tip(&Tip {
        description: "The NeedleCo quarry boss threatens villagers at night.",
        ..Tip::default()
    });
    for _ in 0..150 {
        inbox.tip(&plain);
    }
    inbox.tip(&Tip {
        files: vec![("needle-ledger.txt".into(), b"accounts".to_vec())],
        ..Tip::default()
    });
    let (ledger, _work, _inbox) = import_into_new_ledger(&inbox);
    ledger.ok(&["note", "77", "Cross-check with the NEEDLE case file"]);
    let hits: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["search", "needle", "--json"])).unwrap();
    let found: Vec<(u64, Vec<String>)> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let matched = h["matched"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m.as_str().unwrap().to_owned())
                .collect();
            (h["id"].as_u64().unwrap(), matched)
        })
        .collect();
    let ids: Vec<u64> = found.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids.len(), 3, "{found:?}");
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "hits in id order");
    let of = |id: u64| found.iter().find(|(i, _)| *i == id).map(|(_, m)| m.clone());
    assert_eq!(of(77), Some(vec!["note".to_owned()]));
    let all: Vec<String> = found.iter().flat_map(|(_, m)| m.clone()).collect();
    assert!(all.contains(&"description".to_owned()), "{found:?}");
    assert!(all.contains(&"attachment name".to_owned()), "{found:?}");
    // Nothing matches a text no tip holds; the plain tips are not hits.
    let none: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["search", "no such text", "--json"])).unwrap();
    assert_eq!(none.as_array().unwrap().len(), 0);

    // Full-width digits and letters (a Chinese input method's full-width mode) match their
    // ASCII forms, either way round.
    ledger.ok(&[
        "add",
        "--channel",
        "phone",
        "--text",
        "车牌京Ａ８８８８８，电话１３８００１３８０００",
    ]);
    for needle in [
        "京a88888",
        "13800138000",
        "１３８００１３８０００",
        "京Ａ８８８８８",
    ] {
        let hits: serde_json::Value =
            serde_json::from_str(&ledger.ok(&["search", needle, "--json"])).unwrap();
        let ids: Vec<u64> = hits
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_u64().unwrap())
            .collect();
        assert_eq!(ids, [153], "{needle}");
    }
}

/// Items over 1 MiB are streamed to a decrypting worker during import (not held whole), and
/// items over 256 KiB are not read ahead by `search`; small ones are read ahead in runs,
/// straight from the disk. Every path must give back the very bytes the reporter sent, and
/// a bundle cut off inside a large item must leave nothing behind.
#[test]
fn large_items_are_streamed_through_import_and_search() {
    let mut inbox = Inbox::new();
    // Not compressible, so the sealed item is as large as the file.
    let mut video = Vec::with_capacity(3 << 20);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    while video.len() < 3 << 20 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        video.extend_from_slice(&x.to_le_bytes());
    }
    let medium: Vec<u8> = video[..600 << 10].iter().map(|b| b ^ 0x5a).collect();
    for _ in 0..10 {
        inbox.tip(&Tip::default());
    }
    inbox.tip(&Tip {
        description: "plain words only",
        files: vec![("needle-video.bin".into(), video.clone())],
        ..Tip::default()
    });
    inbox.tip(&Tip {
        description: "the NEEDLE in a medium item",
        files: vec![("scan.bin".into(), medium.clone())],
        ..Tip::default()
    });
    for _ in 0..10 {
        inbox.tip(&Tip::default());
    }
    inbox.tip(&Tip {
        description: "a small needle",
        ..Tip::default()
    });
    let work = tempfile::tempdir().unwrap();
    let bundle = work.path().join("inbox.tbx");
    inbox.write(&bundle);

    // Cut off inside the large item: refused, and no entry or ciphertext left behind.
    let ledger = TestLedger::new();
    let bytes = std::fs::read(&bundle).unwrap();
    assert!(bytes.len() > 3 << 20);
    let cut = work.path().join("cut.tbx");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let out = ledger.run(&["import", cut.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("truncated"));
    assert_eq!(ledger.list_json().as_array().unwrap().len(), 0);
    assert_eq!(
        std::fs::read_dir(ledger.path().join("blobs"))
            .unwrap()
            .count(),
        0
    );

    let out = ledger.ok(&["import", bundle.to_str().unwrap()]);
    assert!(out.contains("23 new tip(s)"), "{out}");
    ledger.ok(&[
        "add",
        "--channel",
        "letter",
        "--text",
        "a letter about the needle factory",
    ]);
    let hits: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["search", "needle", "--json"])).unwrap();
    let hits: Vec<(u64, String)> = hits
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["id"].as_u64().unwrap(), h["matched"][0].to_string()))
        .collect();
    // The bundle holds the tips in the store's order, not the order they were sent in.
    let mut kinds: Vec<&str> = hits.iter().map(|(_, m)| m.as_str()).collect();
    kinds.sort();
    assert_eq!(
        kinds,
        [
            "\"attachment name\"",
            "\"content\"",
            "\"description\"",
            "\"description\""
        ],
        "the large, medium, small and offline tips: {hits:?}"
    );
    let mut attachments = Vec::new();
    for (id, _) in &hits {
        let id = id.to_string();
        let files = work.path().join(format!("att{id}"));
        ledger.ok(&["show", &id, "--attachments-to", files.to_str().unwrap()]);
        if let Ok(got) = std::fs::read(files.join(format!("tip{id}-1-1.bin"))) {
            attachments.push(got);
        }
    }
    attachments.sort_by_key(Vec::len);
    assert!(
        attachments == [medium, video],
        "the attachments came back changed"
    );
}
