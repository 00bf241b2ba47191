//! The process and its files: core dumps, broken data folders, permissions, outputs.

use super::*;

#[test]
fn core_dumps_are_disabled_in_both_binaries() {
    let portal = Portal::start();
    let limits = std::fs::read_to_string(format!("/proc/{}/limits", portal.pid())).unwrap();
    let line = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    let fields: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(&fields[4..6], &["0", "0"], "{line}");
    // tipbox-review: a long-running command (waiting for a passphrase on a pipe).
    let mut child = review_process()
        .args(["--ledger", "/nonexistent-ledger", "init"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    if let Ok(limits) = std::fs::read_to_string(format!("/proc/{}/limits", child.id())) {
        let line = limits
            .lines()
            .find(|l| l.starts_with("Max core file size"))
            .unwrap();
        assert!(line.split_whitespace().nth(4) == Some("0"), "{line}");
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn serve_exit(args: &[&str], data: &std::path::Path) -> (Option<i32>, String) {
    let out = std::process::Command::new(PORTAL_BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(data)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn broken_data_folders_give_a_clear_message_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    // The data path is a file.
    let file = dir.path().join("not-a-folder");
    std::fs::write(&file, "x").unwrap();
    let (code, err) = serve_exit(&[], &file);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("tipbox-portal: ") && err.contains("not-a-folder"),
        "{err}"
    );

    // An `onion_location` that is not an onion site's address (a mistyped or clearnet one
    // would send Tor Browser users elsewhere): refused at start, with what is expected.
    let config = dir.path().join("onion.toml");
    let demo = |f: &str| {
        std::fs::read_to_string(repo_path("keys-example").join(f))
            .unwrap()
            .trim()
            .to_owned()
    };
    std::fs::write(
        &config,
        format!(
            "recipients = [\"{}\"]\nverify_key = \"{}\"\nonion_location = \"http://tipbox.example.com/submit\"\n",
            demo("recipient.txt"),
            demo("verify-key.txt")
        ),
    )
    .unwrap();
    let (code, err) = serve_exit(
        &["--config", config.to_str().unwrap()],
        &dir.path().join("onion-data"),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("`onion_location` must be"), "{err}");

    // A damaged portal.json.
    let data = dir.path().join("data1");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("portal.json"), "{ not json").unwrap();
    let (code, err) = serve_exit(&[], &data);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("portal.json") && err.contains("damaged"),
        "{err}"
    );

    // argon2id parameters out of range (a mistyped or damaged portal.json): refused at
    // startup with the fix, not at every submission, and never an attempt to allocate 1 TiB.
    for (i, (passes, memory)) in [(2u64, 0usize), (0, 8 << 20), (2, 1 << 40)]
        .into_iter()
        .enumerate()
    {
        let data = dir.path().join(format!("kdf{i}"));
        std::fs::create_dir_all(&data).unwrap();
        let meta = serde_json::json!({
            "format": 1,
            "portal_id": "0123456789abcdef0123456789abcdef",
            "salt": "00112233445566778899aabbccddeeff",
            "kdf": { "passes": passes, "memory": memory },
        });
        std::fs::write(data.join("portal.json"), meta.to_string()).unwrap();
        let (code, err) = serve_exit(&[], &data);
        assert_eq!(code, Some(2), "{err}");
        assert!(
            err.contains("portal.json")
                && err.contains("argon2id parameters")
                && err.contains("Restore it from a backup")
                && !err.contains("panicked"),
            "{err}"
        );
    }

    // Parameters in range for which this machine cannot give the memory (here: a 2 GiB
    // address-space limit against 4 GiB): stopped at startup, before serving anyone.
    let data = dir.path().join("kdf-memory");
    std::fs::create_dir_all(&data).unwrap();
    let meta = serde_json::json!({
        "format": 1,
        "portal_id": "0123456789abcdef0123456789abcdef",
        "salt": "00112233445566778899aabbccddeeff",
        "kdf": { "passes": 1, "memory": 4u64 << 30 },
    });
    std::fs::write(data.join("portal.json"), meta.to_string()).unwrap();
    let out = std::process::Command::new("sh")
        .arg("-c")
        // `timeout`: a portal that started serving instead would fail the test, not hang it.
        .arg("ulimit -v 2097152 && exec timeout 30 \"$0\" serve --listen 127.0.0.1:0 --data \"$1\"")
        .arg(PORTAL_BIN)
        .arg(&data)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("cannot derive receipt keys") && err.contains("short of memory"),
        "{err}"
    );

    // A damaged index: a clear message, never a panic.
    let data = dir.path().join("data2");
    {
        let portal = Portal::start_with(PortalOptions {
            data: Some(data.clone()),
            ..Default::default()
        });
        submit_ok(&portal, &Tip::default());
    }
    for entry in std::fs::read_dir(data.join("index")).unwrap() {
        let p = entry.unwrap().path();
        if p.is_file() {
            std::fs::write(&p, vec![0xA5u8; 4096]).unwrap();
        }
    }
    let (code, err) = serve_exit(&[], &data);
    assert_eq!(code, Some(2), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("index"), "{err}");

    // Operator commands on a folder that holds no portal: named, with the fix.
    for args in [
        vec![
            "export",
            "--data",
            "/nonexistent/tipbox-data",
            "--out",
            "/tmp/never.tbx",
        ],
        vec![
            "apply",
            "--data",
            "/nonexistent/tipbox-data",
            "/nonexistent/update.tbu",
        ],
    ] {
        let out = portal_cmd(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("/nonexistent/"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }

    // Another portal already running on the same folder.
    let data = dir.path().join("data3");
    let _running = Portal::start_with(PortalOptions {
        data: Some(data.clone()),
        ..Default::default()
    });
    let (code, err) = serve_exit(&[], &data);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("another tipbox-portal"), "{err}");
}

#[test]
fn a_read_only_data_folder_is_refused_at_start_with_a_clear_message() {
    let Some(fs) = Tmpfs::new("16m") else {
        eprintln!("SKIPPED a_read_only_data_folder_is_refused_at_start_with_a_clear_message: cannot mount a tmpfs (needs root)");
        return;
    };
    let data = fs.path().join("data");
    {
        let portal = Portal::start_with(PortalOptions {
            data: Some(data.clone()),
            ..Default::default()
        });
        submit_ok(&portal, &Tip::default());
    }
    fs.remount("ro");
    let (code, err) = serve_exit(&[], &data);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("not writable") && err.contains("read-write"),
        "{err}"
    );
    // Operator commands say the same, and nothing panics.
    let out = portal_cmd(&[
        "export",
        "--data",
        data.to_str().unwrap(),
        "--out",
        "/tmp/never-written.tbx",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    fs.remount("rw");
}

#[test]
fn secret_key_files_readable_by_others_are_refused() {
    let ledger = TestLedger::new();
    use std::os::unix::fs::PermissionsExt;
    let identity = ledger.path().join("keys/identity.age");
    std::fs::set_permissions(&identity, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = ledger.run(&["search", "x"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("can be read by other users") && err.contains("chmod 600"),
        "{err}"
    );
    std::fs::set_permissions(&identity, std::fs::Permissions::from_mode(0o600)).unwrap();
    let signing = ledger.path().join("keys/signing-key.age");
    std::fs::set_permissions(&signing, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = ledger.run(&["export", "--out", "/tmp/x.tbu"]);
    assert_eq!(out.status.code(), Some(2));
    // A missing ledger is named, with the fix.
    let out = review_process()
        .args(["--ledger", "/nonexistent/ledger", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("init"));
}

/// `init` made the ledger folder, its keys/ folder and the audit log readable by every
/// user of the machine (umask 022): the audit log names tips, departments, transfers and
/// reward amounts. New ledgers are now private; an existing open one is made private on
/// the next command, and `restore` makes its target private too.
#[test]
fn regression_a_new_ledger_and_its_audit_log_were_readable_by_every_local_user() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let work = tempfile::tempdir().unwrap();
    let ledger = work.path().join("office/ledger");
    review_ok(&ledger, &["init"]);
    assert_eq!(mode(&ledger), 0o700);
    assert_eq!(mode(&ledger.join("keys")), 0o700);
    assert_eq!(mode(&ledger.join("audit.log")), 0o600);

    std::fs::set_permissions(&ledger, std::fs::Permissions::from_mode(0o755)).unwrap();
    let out = review_ok(&ledger, &["list"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("it is now private (mode 0700)"), "{err}");
    assert_eq!(mode(&ledger), 0o700);

    let backup = work.path().join("b.tbk");
    review_ok(&ledger, &["backup", "--out", backup.to_str().unwrap()]);
    let target = work.path().join("restored");
    std::fs::create_dir(&target).unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o755)).unwrap();
    review_ok(&target, &["restore", backup.to_str().unwrap()]);
    assert_eq!(mode(&target), 0o700);
}

/// `--out` used to write beside the name and rename over whatever had it: `report --out
/// /dev/null` run as root replaced the system's null device with a regular file, and a
/// symlink was replaced by a file rather than written through. Now every `--out` refuses
/// a destination that is not an ordinary file, and leaves it as it was.
#[test]
fn regression_out_never_replaces_a_device_a_link_or_a_folder() {
    use std::os::unix::fs::FileTypeExt;
    let portal = Portal::start();
    submit_ok(&portal, &Tip::default());
    let (ledger, work, _) = import_into_new_ledger(&portal);
    let dir = work.path().join("targets");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("target"), "keep").unwrap();
    std::os::unix::fs::symlink("target", dir.join("link")).unwrap();
    std::fs::create_dir(dir.join("folder")).unwrap();
    let recipient = std::fs::read_to_string(repo_path("keys-example/recipient.txt")).unwrap();
    let recipient = recipient.trim().to_string();
    let mut names = vec!["link", "folder"];
    // A character device like /dev/null (1, 3); making one needs root.
    let made = std::process::Command::new("mknod")
        .arg(dir.join("null"))
        .args(["c", "1", "3"])
        .output()
        .is_ok_and(|o| o.status.success());
    if made {
        names.push("null");
    } else {
        eprintln!("SKIPPED the device case of regression_out_never_replaces_a_device_a_link_or_a_folder: mknod needs root");
    }
    for name in names {
        let out_path = dir.join(name);
        let out = out_path.to_str().unwrap();
        let outputs = [
            ledger.run(&["report", "--out", out]),
            ledger.run(&["backup", "--out", out]),
            ledger.run(&["export", "--out", out]),
            ledger.run(&["notice", "1", "--to", "县公安局", "--out", out]),
            ledger.run(&[
                "transfer",
                "1",
                "--to",
                "县纪委监委",
                "--recipient",
                &recipient,
                "--out",
                out,
            ]),
            portal_cmd(&[
                "export",
                "--data",
                portal.data.to_str().unwrap(),
                "--out",
                out,
            ]),
        ];
        for (i, o) in outputs.iter().enumerate() {
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(2), "{name}, command {i}: {err}");
            assert!(
                err.contains("not an ordinary file"),
                "{name}, command {i}: {err}"
            );
        }
        let kind = std::fs::symlink_metadata(&out_path).unwrap().file_type();
        match name {
            "link" => assert!(kind.is_symlink()),
            "folder" => assert!(kind.is_dir()),
            _ => assert!(kind.is_char_device(), "the device was replaced"),
        }
        assert!(!dir.join(format!("{name}.partial")).exists());
    }
    assert_eq!(std::fs::read_to_string(dir.join("target")).unwrap(), "keep");
    // The refused transfers were not recorded.
    let shown: serde_json::Value =
        serde_json::from_str(&ledger.ok(&["show", "1", "--json"])).unwrap();
    assert_eq!(shown["transfers"], serde_json::json!([]), "{shown}");
    // An ordinary file is still replaced, as before.
    let file = dir.join("target");
    ledger.ok(&["report", "--out", file.to_str().unwrap()]);
    assert_ne!(std::fs::read_to_string(&file).unwrap(), "keep");
}
