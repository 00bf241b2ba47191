//! A full disk, the disk reserve and a folder where nothing can be created (on a small tmpfs).

use super::*;

/// A portal whose data folder is on a fresh tmpfs mounted with `opts`, and the receipt of
/// one tip stored on it; `None`, after a SKIPPED line naming `test`, when no tmpfs can be
/// mounted (not root).
fn portal_on_tmpfs(test: &str, opts: &str) -> Option<(Tmpfs, std::path::PathBuf, Portal, String)> {
    portal_on_tmpfs_with(test, opts, "")
}

/// [`portal_on_tmpfs`] with more lines of configuration.
fn portal_on_tmpfs_with(
    test: &str,
    opts: &str,
    config: &str,
) -> Option<(Tmpfs, std::path::PathBuf, Portal, String)> {
    let Some(fs) = Tmpfs::with_options(opts) else {
        eprintln!("SKIPPED {test}: cannot mount a tmpfs (needs root)");
        return None;
    };
    let data = fs.path().join("data");
    let portal = Portal::start_with(PortalOptions {
        data: Some(data.clone()),
        // These file systems are smaller than the default reserve kept for text.
        config: format!("disk_reserve_mib = 0\n{config}"),
        ..Default::default()
    });
    let receipt = submit_ok(&portal, &Tip::default());
    Some((fs, data, portal, receipt))
}

/// Submit `text` and `files` in English to a portal that cannot store them, and check the
/// answer: a server error in the reporter's language, the text kept in the form, no
/// receipt, and nothing left in the portal's `tmp/`.
fn submit_unstorable(
    portal: &Portal,
    data: &std::path::Path,
    text: &str,
    files: Vec<(String, Vec<u8>)>,
) {
    let (status, page) = submit(
        portal,
        &Tip {
            description: text,
            files,
            lang: "en",
            ..Tip::default()
        },
    );
    assert!(status >= 500, "{status}");
    assert!(
        element_text(&page, "receipt-code").is_none(),
        "no receipt without a stored tip"
    );
    assert!(
        page.contains("The server had a problem"),
        "a localized message"
    );
    assert!(page.contains(text), "the text is kept");
    assert!(
        all_files(&data.join("tmp")).is_empty(),
        "no partial ciphertext left behind"
    );
}

/// After such a failure: the tip stored `before` it is intact, and once `free` has given
/// the resource back, `tip` is stored without a restart.
fn assert_intact_then_recovers(portal: &Portal, before: &str, free: impl FnOnce(), tip: &Tip) {
    let (s, p) = lookup(portal, before, "en");
    assert_eq!(s, 200);
    assert_eq!(element_text(&p, "tip-status").as_deref(), Some("received"));
    free();
    let after = submit_ok(portal, tip);
    assert_eq!(lookup(portal, &after, "en").0, 200);
    assert_eq!(lookup(portal, before, "en").0, 200);
    still_serving(portal);
}

#[test]
fn a_full_disk_gives_a_localized_error_no_receipt_and_recovers() {
    let Some((fs, data, portal, before)) = portal_on_tmpfs(
        "a_full_disk_gives_a_localized_error_no_receipt_and_recovers",
        "size=12m",
    ) else {
        return;
    };
    // Fill the disk, leaving less than the next upload needs.
    let filler = fs.path().join("filler");
    {
        let mut f = std::fs::File::create(&filler).unwrap();
        let chunk = vec![0u8; 64 * 1024];
        while f.write_all(&chunk).is_ok() {}
    }
    // Free a little, so small writes work and the upload does not.
    let len = std::fs::metadata(&filler).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&filler)
        .unwrap()
        .set_len(len - 512 * 1024)
        .unwrap();
    let big = vec![("big.bin".to_owned(), vec![7u8; 4 << 20])];
    submit_unstorable(&portal, &data, "磁盘已满时的线索文字", big.clone());
    // Space comes back: the portal works again without a restart.
    assert_intact_then_recovers(
        &portal,
        &before,
        || std::fs::remove_file(&filler).unwrap(),
        &Tip {
            files: big,
            ..Tip::default()
        },
    );
}

#[test]
fn below_the_disk_reserve_attachments_are_refused_and_text_still_gets_through() {
    // Filling the portal's disk with large uploads must not silence it: the last
    // `disk_reserve_mib` are kept for text-only tips and follow-ups.
    let Some(fs) = Tmpfs::new("48m") else {
        eprintln!("SKIPPED below_the_disk_reserve...: cannot mount a tmpfs (needs root)");
        return;
    };
    let data = fs.path().join("data");
    let portal = Portal::start_with(PortalOptions {
        data: Some(data.clone()),
        config: "disk_reserve_mib = 24".into(),
        ..Default::default()
    });
    let with_file = |text| Tip {
        description: text,
        files: vec![("evidence.bin".to_owned(), vec![7u8; 1 << 20])],
        lang: "en",
        ..Tip::default()
    };
    let before = submit_ok(&portal, &with_file("stored while the disk had room"));
    // Leave ~16 MiB free: under the reserve, far from full.
    let filler = fs.path().join("filler");
    std::fs::write(&filler, vec![0u8; 28 << 20]).unwrap();

    let (status, page) = submit(&portal, &with_file("an attachment into the reserve"));
    assert_eq!(status, 507, "{page}");
    assert!(element_text(&page, "receipt-code").is_none());
    assert!(page.contains("cannot take attachments right now"), "{page}");
    assert!(
        page.contains("an attachment into the reserve"),
        "the text is kept"
    );
    assert!(all_files(&data.join("tmp")).is_empty());
    // Text alone still gets through, and so does a text-only follow-up.
    let text_only = submit_ok(
        &portal,
        &Tip {
            description: "text only, while attachments are refused",
            ..Tip::default()
        },
    );
    let resp = client()
        .post(portal.url("/status/followup"))
        .multipart(
            reqwest::blocking::multipart::Form::new()
                .text("receipt", before.clone())
                .text("message", "a text-only follow-up under the reserve"),
        )
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert_eq!(blob_paths(&data).len(), 3);
    assert!(portal.logs().contains("below disk_reserve_mib"));

    // Space comes back: attachments are taken again without a restart.
    std::fs::remove_file(&filler).unwrap();
    submit_ok(&portal, &with_file("stored once space was freed"));
    for receipt in [&before, &text_only] {
        assert_eq!(lookup(&portal, receipt, "en").0, 200);
    }
}

/// Since session 10 the sealer's thread creates each tip's file, not the request handler.
/// When no file can be created at all (no inodes left), the reporter still gets the
/// localized error page with the text kept and no receipt, and the portal recovers as soon
/// as files can be created again.
#[test]
fn no_file_can_be_created_gives_a_localized_error_no_receipt_and_recovers() {
    // No files made ahead either (`spare_files = 0`): with them, a tip still finds a file.
    let Some((fs, data, portal, before)) = portal_on_tmpfs_with(
        "no_file_can_be_created_gives_a_localized_error_no_receipt_and_recovers",
        "size=32m,nr_inodes=400",
        "spare_files = 0",
    ) else {
        return;
    };
    // Use up every inode left.
    let filler = fs.path().join("filler");
    std::fs::create_dir(&filler).unwrap();
    let mut made = 0;
    while std::fs::File::create(filler.join(made.to_string())).is_ok() {
        made += 1;
    }
    assert!(made > 0 && made < 400, "{made}");
    for files in [vec![], vec![("note.txt".to_owned(), b"evidence".to_vec())]] {
        submit_unstorable(&portal, &data, "无法建立文件时的线索文字", files);
    }
    // Inodes come back: the portal works again without a restart.
    assert_intact_then_recovers(
        &portal,
        &before,
        || std::fs::remove_dir_all(&filler).unwrap(),
        &Tip::default(),
    );
}
