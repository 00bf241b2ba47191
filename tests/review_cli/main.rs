//! The reviewer CLI, driven as a process against real ledgers, bundles and keys.

#[path = "../common/mod.rs"]
mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use common::*;

mod casework;
mod import;
mod keys;
mod search;
mod transfer;

/// Every file below `dir` (for before/after comparisons).
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut v: Vec<_> = all_files(dir)
        .into_iter()
        .map(|p| {
            let b = std::fs::read(&p).unwrap();
            (p, b)
        })
        .collect();
    v.sort();
    v
}

/// Another unit's ledger, with its own keys, that receives hand-over bundles.
struct ReceivingUnit {
    ledger: std::path::PathBuf,
    pass: std::path::PathBuf,
    recipient: String,
}

impl ReceivingUnit {
    fn new(dir: &std::path::Path) -> ReceivingUnit {
        let unit = ReceivingUnit {
            ledger: dir.join("commission"),
            pass: dir.join("commission-pass"),
            recipient: String::new(),
        };
        std::fs::write(&unit.pass, "commission passphrase\n").unwrap();
        let printed = unit.ok(&["init"]);
        assert!(printed.lines().any(|l| l.starts_with("verify-key: ")));
        let recipient = printed
            .lines()
            .find_map(|l| l.strip_prefix("recipient: "))
            .unwrap()
            .to_owned();
        ReceivingUnit { recipient, ..unit }
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        review_process()
            .arg("--ledger")
            .arg(&self.ledger)
            .arg("--passphrase-file")
            .arg(&self.pass)
            .args(args)
            .output()
            .unwrap()
    }

    /// `office` transfers its tip 1 to this unit, writing the hand-over bundle to `out`.
    fn handed_tip_1_by(&self, office: &TestLedger, out: &std::path::Path) -> String {
        office.ok(&[
            "transfer",
            "1",
            "--to",
            "县纪委监委",
            "--recipient",
            &self.recipient,
            "--out",
            out.to_str().unwrap(),
        ])
    }

    /// `export` is refused: no tip of this unit's own portal.
    fn has_nothing_to_export(&self, dir: &std::path::Path) {
        let out = self.run(&["export", "--out", dir.join("u.tbu").to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("nothing to send to a portal"), "{err}");
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
}
