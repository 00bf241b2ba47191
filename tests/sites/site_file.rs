//! The site file: written from an existing portal, taken by a new one at its first start,
//! refused when it contradicts what a portal was created with, or when it is malformed.

use super::*;

#[test]
fn a_new_portal_started_with_the_site_file_takes_the_first_portals_public_parameters() {
    let a = Portal::start();
    let dir = tempfile::tempdir().unwrap();
    let site = site_file_of(&a, dir.path());
    let file: serde_json::Value = serde_json::from_slice(&std::fs::read(&site).unwrap()).unwrap();
    let a_meta = meta(&a.data);
    assert_eq!(file["format"], 1);
    assert_eq!(file["purpose"], "tipbox-site");
    assert_eq!(file["salt"], a_meta["salt"]);
    assert_eq!(file["kdf"], a_meta["kdf"]);
    assert_eq!(
        file.as_object().unwrap().len(),
        4,
        "public parameters only: {file}"
    );
    // `-` writes it to standard output, byte for byte the same.
    let out = portal_cmd(&["site", "--data", a.data.to_str().unwrap(), "--out", "-"]);
    assert!(out.status.success());
    assert_eq!(out.stdout, std::fs::read(&site).unwrap());

    let mut b = start_in_site(&site);
    let b_meta = meta(&b.data);
    assert_eq!(b_meta["salt"], a_meta["salt"]);
    assert_eq!(b_meta["kdf"], a_meta["kdf"]);
    assert_ne!(
        b_meta["portal_id"], a_meta["portal_id"],
        "its own portal id"
    );
    assert!(b.logs().contains("serving a site of several portals"));
    // Started again with the same file (now from its config), it runs as before.
    b.kill9();
    let data = b.data.clone();
    let _keep = b.take_dir();
    let b = Portal::start_with(PortalOptions {
        data: Some(data),
        config: format!("site = {:?}", site.to_str().unwrap()),
        ..Default::default()
    });
    assert_eq!(meta(&b.data), b_meta, "portal.json is written once");
    // The site file of the second portal is the first one's.
    let again = site_file_of(&b, &dir.path().join("b"));
    assert_eq!(std::fs::read(again).unwrap(), std::fs::read(&site).unwrap());
}

#[test]
fn a_portal_refuses_a_site_file_that_contradicts_the_one_it_was_created_with() {
    let a = Portal::start();
    let other = Portal::start();
    let dir = tempfile::tempdir().unwrap();
    let site_a = site_file_of(&a, &dir.path().join("a"));
    let site_other = site_file_of(&other, &dir.path().join("other"));
    let mut b = start_in_site(&site_a);
    b.kill9();
    let b_data = b.data.clone();
    let _keep = b.take_dir();
    let before = std::fs::read(b_data.join("portal.json")).unwrap();
    let out = serve_refused(&b_data, &["--site", site_other.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("is not the site this portal was created in"),
        "{said}"
    );
    assert_eq!(std::fs::read(b_data.join("portal.json")).unwrap(), before);
    // An existing portal created without a site file is its own site: another's is refused.
    drop(a);
    let a_data = dir.path().join("a-data");
    let mut fresh = Portal::start_with(PortalOptions {
        data: Some(a_data.clone()),
        ..Default::default()
    });
    fresh.kill9();
    let out = serve_refused(&a_data, &["--site", site_other.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not the site this portal"));
}

#[test]
fn malformed_and_hostile_site_files_are_refused_before_a_data_folder_is_made() {
    let dir = tempfile::tempdir().unwrap();
    let salt = "07".repeat(16);
    let file = |salt: &str, passes: &str, memory: &str| {
        format!(
            r#"{{"format":1,"purpose":"tipbox-site","salt":"{salt}","kdf":{{"passes":{passes},"memory":{memory}}}}}"#
        )
    };
    let cases = [
        ("short-salt", file(&"07".repeat(15), "32", "8388608")),
        ("upper-salt", file(&"AB".repeat(16), "32", "8388608")),
        (
            "escape-salt",
            file("\\u001b]52;c;aGk=\\u0007", "32", "8388608"),
        ),
        ("no-passes", file(&salt, "0", "8388608")),
        ("huge-memory", file(&salt, "32", "4294967297")),
        ("tiny-memory", file(&salt, "32", "1024")),
        (
            "extra-field",
            file(&salt, "32", "8388608").replace("}}", r#"},"portal_id":"x"}"#),
        ),
        (
            "other-format",
            file(&salt, "32", "8388608").replace(r#""format":1"#, r#""format":2"#),
        ),
        (
            "other-purpose",
            file(&salt, "32", "8388608").replace("tipbox-site", "tipbox-update"),
        ),
        ("not-json", "\u{1b}[2J\u{1b}]0;owned\u{7}".to_owned()),
        (
            "huge",
            format!("{}{}", " ".repeat(1 << 20), file(&salt, "32", "8388608")),
        ),
    ];
    for (name, text) in cases {
        let site = dir.path().join(format!("{name}.json"));
        std::fs::write(&site, text).unwrap();
        let data = dir.path().join(format!("data-{name}"));
        let out = serve_refused(&data, &["--site", site.to_str().unwrap()]);
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.contains("site file"), "{name}: {said}");
        assert!(!has_unsafe_char(&said), "{name}: {said:?}");
        assert!(
            !data.join("portal.json").exists(),
            "{name}: a portal was made"
        );
    }
    // A missing file, and a folder that is no portal for `site`.
    let out = serve_refused(
        &dir.path().join("data-missing"),
        &["--site", dir.path().join("nothing.json").to_str().unwrap()],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot be read"));
    let out = write_site_file(&dir.path().join("nowhere"), &dir.path().join("s.json"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no portal.json"));
    assert!(!dir.path().join("s.json").exists());
}

#[test]
fn regression_site_wrote_a_site_file_from_parameters_no_site_accepts() {
    // A portal.json within a portal's own bounds (65,536 passes, 4 GiB) but beyond a
    // site's: `site` wrote a file that every new portal then refused.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let meta = serde_json::json!({
        "format": 1,
        "portal_id": "0123456789abcdef0123456789abcdef",
        "salt": "07".repeat(16),
        "kdf": { "passes": 300, "memory": 8 << 20 },
    });
    std::fs::write(data.join("portal.json"), meta.to_string()).unwrap();
    let out_file = dir.path().join("site.json");
    let out = write_site_file(&data, &out_file);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("cannot be shared as a site file")
            && said.contains("(300 passes, 8388608 bytes of memory)")
            && said.contains("1 to 256 passes"),
        "{said}"
    );
    assert!(!out_file.exists());
}

#[test]
fn a_fifo_given_as_the_site_file_is_refused_at_once_and_leaves_no_data_folder() {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("site.json");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    // Whatever opens the FIFO to read it gets this and an end of file (the code before
    // opened it, waited for a writer, and read it as a site file; with no writer it
    // waited for ever).
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            if let Ok(mut w) = std::fs::OpenOptions::new().write(true).open(&fifo) {
                let _ = w.write_all(b"not a site file");
            }
        })
    };
    let data = dir.path().join("data");
    let out = serve_refused(&data, &["--site", fifo.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("is not a regular file") && said.contains("tipbox-portal site"),
        "{said}"
    );
    assert!(!data.exists(), "a data folder was made");
    // From the config file too.
    let config = dir.path().join("portal.toml");
    let demo = std::fs::read_to_string(repo_path("keys-example/portal.toml")).unwrap();
    std::fs::write(
        &config,
        format!("{demo}\nsite = {:?}\n", fifo.to_str().unwrap()),
    )
    .unwrap();
    let out = serve_refused(&data, &["--config", config.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a regular file"));
    assert!(!data.exists(), "a data folder was made");
    // A folder is no site file either.
    let out = serve_refused(&data, &["--site", dir.path().to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a regular file"));
    assert!(!data.exists(), "a data folder was made");
    // Let the writer go: open the reading end without blocking, and hold it until the
    // writer is done.
    let _reader = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(&fifo)
        .unwrap();
    writer.join().unwrap();
}

#[test]
fn a_site_file_this_machine_cannot_derive_with_leaves_no_data_folder() {
    // 256 MiB per derivation, within a site's bounds, for a portal limited to less
    // address space than that (`ulimit -v`): the first derivation fails. The code before
    // wrote the data folder and its portal.json first, holding the folder to parameters
    // it could not use.
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site.json");
    std::fs::write(
        &site,
        format!(
            r#"{{"format":1,"purpose":"tipbox-site","salt":"{}","kdf":{{"passes":1,"memory":{}}}}}"#,
            "07".repeat(16),
            256u64 << 20
        ),
    )
    .unwrap();
    let data = dir.path().join("data");
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 196608 && exec \"$0\" \"$@\"")
        .arg(PORTAL_BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(&data)
        .arg("--site")
        .arg(&site)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{said}");
    assert!(
        said.contains("cannot derive receipt keys with the site file's argon2id parameters")
            && said.contains("(1 passes, 268435456 bytes of memory)")
            && said.contains("nothing was written to the data folder"),
        "{said}"
    );
    assert!(!data.exists(), "a data folder was made");
    // With the memory it needs, the same file makes a portal.
    let mut portal = start_in_site(&site);
    assert_eq!(meta(&portal.data)["kdf"]["memory"], 256u64 << 20);
    portal.kill9();
}
