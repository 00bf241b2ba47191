//! A bundle in **another** portal's name. Every portal signs its inbox bundles with a key
//! made with its data folder; the ledger pins it at the portal's first signed bundle and
//! refuses, whole and before believing anything the bundle says, one in that portal's name
//! signed otherwise or not at all (docs/design/sites.md, "Portal keys").

use super::*;
use std::process::Command;

/// Two real portals, A and B, each exported and imported once (so both keys are pinned);
/// A holds one tip the office has not acknowledged yet.
fn two_portals() -> (Portal, Portal, TestLedger, tempfile::TempDir) {
    let a = Portal::start();
    let b = Portal::start();
    submit_ok(&a, &Tip::default());
    submit_ok(&b, &Tip::default());
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    for (p, name) in [(&a, "a.tbx"), (&b, "b.tbx")] {
        let bundle = work.path().join(name);
        assert!(export(&p.data, &bundle).status.success());
        let out = ledger.run(&["import", bundle.to_str().unwrap()]);
        assert!(out.status.success());
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(said.contains("signs its bundles with portal key"), "{said}");
    }
    (a, b, ledger, work)
}

fn id_of(p: &Portal) -> String {
    tipbox::store::read_meta(&p.data).unwrap().portal_id
}

fn key_of(p: &Portal) -> String {
    hex::encode(forge::portal_key(&p.data).verify_key())
}

#[test]
fn a_bundle_in_another_portals_name_is_refused_once_that_portal_signs() {
    let (a, b, ledger, work) = two_portals();
    let (a_id, b_key) = (id_of(&a), forge::portal_key(&b.data));
    // What B's hostile owner writes in A's name: a new tip, and a list of held items
    // without A's (which would have the next export to A acknowledge nothing it holds).
    let (m, plain) = new_tip(&a_id, &[("description", "FORGED IN A'S NAME")], &[]);
    let in_a_name = forge::bundle(
        &forge::header(&a_id, 1),
        &[Entry::sealed(&m.blob_id, &plain)],
    );
    let empty = forge::bundle(&forge::header(&a_id, 0), &[]);
    for bundle in [&in_a_name, &empty] {
        // Signed with B's own key: A's pinned key is named, and B's.
        refused(
            &ledger,
            work.path(),
            &forge::signed(bundle, &b_key),
            &format!("this ledger knows that portal by key {}", key_of(&a)),
        );
        // Signed with a key made for the purpose.
        refused(
            &ledger,
            work.path(),
            &forge::signed(bundle, &tipbox::crypto::SigningKey::generate()),
            "is signed with portal key",
        );
    }
    // A's next genuine bundle is imported, and the export to A acknowledges its tip.
    let bundle = work.path().join("a2.tbx");
    assert!(export(&a.data, &bundle).status.success());
    let out = ledger.ok(&["import", bundle.to_str().unwrap()]);
    assert!(out.contains("0 new tip(s)"), "{out}");
    let update = work.path().join("a.tbu");
    let out = ledger.ok(&[
        "export",
        "--out",
        update.to_str().unwrap(),
        "--portal",
        &a_id,
    ]);
    assert!(out.contains("1 acknowledgement(s)"), "{out}");
}

#[test]
fn an_unsigned_bundle_in_a_signing_portals_name_is_refused() {
    let (a, _b, ledger, work) = two_portals();
    let a_id = id_of(&a);
    let (m, plain) = new_tip(&a_id, &[("description", "UNSIGNED")], &[]);
    let entries = [Entry::sealed(&m.blob_id, &plain)];
    let mut handover = forge::header(&a_id, 1);
    handover["handover"] = true.into();
    for header in [forge::header(&a_id, 1), handover] {
        // Not through `refused`'s own signing: this bundle names a portal no test owns.
        let path = work.path().join("unsigned.tbx");
        std::fs::write(&path, forge::bundle(&header, &entries)).unwrap();
        ledger.ok(&["list"]);
        let before = ledger_state(&ledger);
        let out = ledger.run(&["import", path.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("is not signed, and that portal signs"),
            "{err}"
        );
        assert!(err.contains(&key_of(&a)), "{err}");
        assert!(err.contains("Nothing was imported"), "{err}");
        assert_eq!(
            before,
            ledger_state(&ledger),
            "a refused bundle changed the ledger"
        );
    }
    // In Chinese too.
    let path = work.path().join("unsigned.tbx");
    let out = review_command(&ledger.path())
        .env("LC_ALL", "zh_CN.UTF-8")
        .args(["import", path.to_str().unwrap()])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("但未签名"), "{err}");

    // A portal whose key no bundle has pinned (a tipbox older than 2026-12-08): accepted
    // as before, with a warning at each import.
    let old = tipbox::store::Store::new_id();
    let (m, plain) = new_tip(&old, &[("description", "OLD PORTAL")], &[]);
    let path = work.path().join("old.tbx");
    std::fs::write(
        &path,
        forge::bundle(
            &forge::header(&old, 1),
            &[Entry::sealed(&m.blob_id, &plain)],
        ),
    )
    .unwrap();
    let out = ledger.run(&["import", path.to_str().unwrap()]);
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("portal {old}'s bundle is not signed")),
        "{err}"
    );
}

#[test]
fn a_portal_that_lost_its_key_is_accepted_again_only_with_the_key_it_prints() {
    let (mut a, _b, ledger, work) = two_portals();
    let a_id = id_of(&a);
    let old_key = forge::portal_key(&a.data);
    // The portal loses its key file; at its next start (here: the next export, with the
    // portal stopped) it makes a new one, and says which.
    a.kill9();
    std::fs::remove_file(a.data.join(tipbox::store::SIGNING_KEY_FILE)).unwrap();
    let bundle = work.path().join("a-new-key.tbx");
    let out = export(&a.data, &bundle);
    assert!(out.status.success());
    let new_key = key_of(&a);
    assert_ne!(new_key, hex::encode(old_key.verify_key()));
    let printed = String::from_utf8_lossy(&out.stderr);
    assert!(
        printed.contains(&format!("signed with portal key {new_key}")),
        "{printed}"
    );
    // Refused as it is, naming both keys and the way out.
    ledger.ok(&["list"]);
    let before = ledger_state(&ledger);
    let out = ledger.run(&["import", bundle.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!("--new-portal-key {new_key}")),
        "{err}"
    );
    assert!(err.contains(&hex::encode(old_key.verify_key())), "{err}");
    // With another key than the bundle's: refused.
    let other = hex::encode(tipbox::crypto::SigningKey::generate().verify_key());
    let out = ledger.run(&[
        "import",
        bundle.to_str().unwrap(),
        "--new-portal-key",
        &other,
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("--new-portal-key {other} was given")),
        "{err}"
    );
    // Not a key at all: refused before the ledger is opened, the input filtered.
    let out = ledger.run(&[
        "import",
        bundle.to_str().unwrap(),
        "--new-portal-key",
        "\x1b[31mabc",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!has_unsafe_char(&String::from_utf8_lossy(&out.stderr)));
    assert_eq!(
        before,
        ledger_state(&ledger),
        "a refused import changed the ledger"
    );
    // With the key the portal printed: imported, said and audited.
    let out = ledger.run(&[
        "import",
        bundle.to_str().unwrap(),
        "--new-portal-key",
        &new_key,
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("was replaced by"), "{err}");
    let audit = std::fs::read_to_string(ledger.path().join("audit.log")).unwrap();
    assert!(audit.contains(&format!("replaced by {new_key}")), "{audit}");
    // From now on the new key is the portal's, and the old one is refused.
    let again = ledger.ok(&["import", bundle.to_str().unwrap()]);
    assert!(again.contains(&a_id), "{again}");
    let (m, plain) = new_tip(&a_id, &[("description", "OLD KEY")], &[]);
    let with_old = forge::signed(
        &forge::bundle(
            &forge::header(&a_id, 1),
            &[Entry::sealed(&m.blob_id, &plain)],
        ),
        &old_key,
    );
    refused(
        &ledger,
        work.path(),
        &with_old,
        &format!("this ledger knows that portal by key {new_key}"),
    );
}

/// An unsigned bundle in `portal_id`'s name whose one item is no sealed tip at all.
fn with_a_broken_item(portal_id: &str) -> Vec<u8> {
    let broken = Entry {
        blob_id: "ab".repeat(16),
        sealed_to: "0123456789abcdef".into(),
        ciphertext: b"not an age file at all".to_vec(),
        checksum: None,
    };
    forge::bundle(&forge::header(portal_id, 1), &[broken])
}

#[test]
fn regression_a_forged_bundle_with_a_broken_item_was_refused_for_the_item() {
    // The pin was checked on the verified bundle only: a bundle in A's name with a broken
    // item was refused as a broken item ("copy it again"), never as written in A's name,
    // and only after every byte of it was read.
    let (a, b, ledger, work) = two_portals();
    let a_id = id_of(&a);
    let bundle = with_a_broken_item(&a_id);
    refused(
        &ledger,
        work.path(),
        &forge::signed(&bundle, &forge::portal_key(&b.data)),
        &format!("this ledger knows that portal by key {}", key_of(&a)),
    );
    refused_as_is(&ledger, work.path(), &bundle, "but is not signed");
    // Its header alone decides: one whose items are cut off is refused the same way.
    let mut cut = forge::signed(&bundle, &tipbox::crypto::SigningKey::generate());
    cut.truncate(cut.len() - 120);
    refused(&ledger, work.path(), &cut, "is signed with portal key");
}

#[test]
fn regression_a_signed_hand_over_pinned_a_key_for_typed_in_tips() {
    // Hand-overs come from another unit's ledger, unsigned. A signed "hand-over" (anyone
    // can write one, with no item, for `typed-in` or another unit's portal) pinned its key,
    // and every genuine hand-over naming that portal was refused from then on.
    let ledger = TestLedger::new();
    let work = tempfile::tempdir().unwrap();
    let other_units_portal = "cd".repeat(16);
    for portal in [tipbox::tip::TYPED_IN_PORTAL, other_units_portal.as_str()] {
        let mut header = forge::header(portal, 0);
        header["handover"] = true.into();
        let genuine = forge::bundle(&header, &[]);
        refused(
            &ledger,
            work.path(),
            &forge::signed(&genuine, &tipbox::crypto::SigningKey::generate()),
            "a hand-over bundle is signed",
        );
        // Nothing was pinned: the unit's own, unsigned hand-over is imported.
        let (code, stdout, stderr) = import(&ledger, work.path(), &genuine);
        assert_eq!(code, 0, "{stdout} {stderr}");
    }
}

#[test]
fn regression_a_fifo_or_an_endless_file_as_the_key_file_hung_the_portal() {
    // The key file was read whole whatever it was: a FIFO in its place hung `export` and
    // `serve` for ever, a link to /dev/zero filled the memory.
    use std::os::unix::fs::PermissionsExt;
    let mut p = Portal::start();
    p.kill9();
    let key = p.data.join(tipbox::store::SIGNING_KEY_FILE);
    let genuine = std::fs::read(&key).unwrap();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("x.tbx");
    let odd: [(&str, &dyn Fn()); 2] = [
        ("a FIFO", &|| {
            assert!(Command::new("mkfifo").arg(&key).status().unwrap().success());
        }),
        ("a link to /dev/zero", &|| {
            std::os::unix::fs::symlink("/dev/zero", &key).unwrap();
        }),
    ];
    for (what, make) in odd {
        std::fs::remove_file(&key).unwrap();
        make();
        let mut child = Command::new(PORTAL_BIN)
            .args(["export", "--data"])
            .arg(&p.data)
            .arg("--out")
            .arg(&out)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // A guard against the hang, not a measurement: the refusal takes milliseconds.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if std::time::Instant::now() > deadline {
                child.kill().unwrap();
                panic!("export with {what} as its key file did not end");
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        };
        let mut said = String::new();
        std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut said).unwrap();
        assert!(!status.success(), "{what}: {said}");
        assert!(said.contains("is not an ordinary file"), "{what}: {said}");
        assert!(!out.exists(), "{what}: a bundle was written");
    }
    // A link to a key elsewhere (another portal's) is not followed, and its mode is left.
    let elsewhere = work.path().join("other.key");
    std::fs::write(&elsewhere, &genuine).unwrap();
    std::fs::set_permissions(&elsewhere, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::remove_file(&key).unwrap();
    std::os::unix::fs::symlink(&elsewhere, &key).unwrap();
    let linked = export(&p.data, &out);
    assert!(!linked.status.success());
    assert!(String::from_utf8_lossy(&linked.stderr).contains("is not an ordinary file"));
    assert_eq!(
        std::fs::metadata(&elsewhere).unwrap().permissions().mode() & 0o777,
        0o644
    );
    // A key file readable by others (copied back from a backup with the umask's mode) is
    // used, and is the owner's alone again.
    std::fs::remove_file(&key).unwrap();
    std::fs::write(&key, &genuine).unwrap();
    std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
    let exported = export(&p.data, &out);
    assert!(exported.status.success());
    assert_eq!(
        std::fs::read(&key).unwrap(),
        genuine,
        "the key was replaced"
    );
    assert_eq!(
        std::fs::metadata(&key).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn regression_a_piped_bundle_with_a_long_header_skipped_the_early_pin_check() {
    // The early check read what one read gave: from a pipe, 64 KiB, so a header padded to
    // just under its limit was not whole, and the bundle's entries were read and judged
    // before the pin.
    let (a, _b, ledger, _work) = two_portals();
    let a_id = id_of(&a);
    let bundle = with_a_broken_item(&a_id);
    // The same header, padded with JSON's white space to 65,530 bytes.
    let len = u32::from_be_bytes(bundle[14..18].try_into().unwrap()) as usize;
    let mut header = bundle[18..18 + len].to_vec();
    header.resize(65_530, b' ');
    let (padded, _) = forge::reframed(&bundle, 2, &header);
    ledger.ok(&["list"]);
    let before = ledger_state(&ledger);
    let out = ledger.run_with_stdin(&["import", "-"], &padded);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("but is not signed"), "{err}");
    assert_eq!(before, ledger_state(&ledger), "the ledger changed");
}
