//! Invariants 4 and 5 (ARCHITECTURE.md): the portal shows only what the office signed, refuses tampered,
//! replayed, rolled-back or misdirected bundles whole, and deletes ciphertext only after
//! the ledger acknowledged it. Real binaries, real server, real keys.

#[path = "../common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};

use common::*;

mod exchange;
mod refusals;
mod reporter_view;

fn apply(data: &Path, bundle: &Path) -> std::process::Output {
    portal_cmd(&[
        "apply",
        "--data",
        data.to_str().unwrap(),
        bundle.to_str().unwrap(),
    ])
}

fn status_of(portal: &Portal, receipt: &str) -> (u16, String) {
    lookup(portal, receipt, "en")
}

/// Submit, export and import one rewarded tip; returns (portal, ledger, receipt, work dir).
fn setup() -> (Portal, TestLedger, String, tempfile::TempDir) {
    let portal = Portal::start();
    let receipt = submit_ok(
        &portal,
        &Tip {
            reward: true,
            ..Tip::default()
        },
    );
    let (ledger, work, _inbox) = import_into_new_ledger(&portal);
    (portal, ledger, receipt, work)
}

/// Apply `bundle`, which must be accepted, and return the status the reporter then sees.
fn apply_and_look(portal: &Portal, bundle: &Path, receipt: &str) -> Option<String> {
    let out = apply(&portal.data, bundle);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    element_text(&status_of(portal, receipt).1, "tip-status")
}

fn update_bundle(ledger: &TestLedger, dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    ledger.ok(&["export", "--out", path.to_str().unwrap()]);
    path
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}
