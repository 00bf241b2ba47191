//! What a hostile portal can and cannot do to the ledger and to reporters: the tests behind
//! the table in SECURITY.md, "What a hostile portal can and cannot do".
//!
//! Every bundle here is built by hand from docs/formats.md and sealed to the office's
//! public recipient, as anyone who holds it can, and as a portal that was taken over does
//! naturally. It is correctly sealed and checksummed: only the ledger's own rules stand
//! between it and the ledger.

#[path = "../common/mod.rs"]
mod common;

use common::forge::{self, Entry};
use common::*;
use tipbox::tip::Kind;

mod items;
mod portal_keys;
mod terminal;
mod tips;

/// A portal with one genuine tip (reward wanted, category `umbrella`) and the reporter's
/// own signed follow-up, imported into a new ledger.
struct Imported {
    portal: Portal,
    receipt: String,
    ledger: TestLedger,
    work: tempfile::TempDir,
    tip: tipbox::tip::Manifest,
}

fn imported() -> Imported {
    let portal = Portal::start();
    let receipt = submit_ok(
        &portal,
        &Tip {
            reward: true,
            ..Tip::default()
        },
    );
    let (status, _) = post_followup(&portal, &receipt, "GENUINE 补充：他的车牌是某A12345");
    assert_eq!(status, 200);
    let tip = forge::portal_tip_manifest(&portal.data);
    let (ledger, work, _) = import_into_new_ledger(&portal);
    Imported {
        portal,
        receipt,
        ledger,
        work,
        tip,
    }
}

/// Write `bundle` into the work folder and import it; returns (exit code, stdout, stderr).
/// A bundle naming a portal the test runs is signed with that portal's key first: the
/// hostile portal holds it.
fn import(ledger: &TestLedger, work: &std::path::Path, bundle: &[u8]) -> (i32, String, String) {
    import_as_is(ledger, work, &forge::signed_by_owner(bundle.to_vec()))
}

/// [`import`] of exactly `bundle`, signed or not as it is.
fn import_as_is(
    ledger: &TestLedger,
    work: &std::path::Path,
    bundle: &[u8],
) -> (i32, String, String) {
    let path = work.join(format!("hand-made-{}.tbx", tipbox::store::Store::new_id()));
    std::fs::write(&path, bundle).unwrap();
    let out = ledger.run(&["import", path.to_str().unwrap()]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        !has_unsafe_char(&stdout) && !has_unsafe_char(&stderr),
        "import printed a control character: {stdout:?} {stderr:?}"
    );
    (out.status.code().unwrap_or(-1), stdout, stderr)
}

/// The import is refused (exit 2) with a message containing `why`, and the ledger is left
/// exactly as it was.
fn refused(ledger: &TestLedger, work: &std::path::Path, bundle: &[u8], why: &str) {
    refused_as_is(ledger, work, &forge::signed_by_owner(bundle.to_vec()), why)
}

/// [`refused`] for exactly `bundle`, signed or not as it is.
fn refused_as_is(ledger: &TestLedger, work: &std::path::Path, bundle: &[u8], why: &str) {
    // A command first, so that the summary index exists and is clean.
    ledger.ok(&["list"]);
    let before = ledger_state(ledger);
    let (code, stdout, stderr) = import_as_is(ledger, work, bundle);
    assert_eq!(code, 2, "accepted: {stdout} {stderr}");
    assert!(stderr.contains(why), "expected {why:?} in: {stderr}");
    assert!(stderr.contains("Nothing was imported"), "{stderr}");
    let after = ledger_state(ledger);
    let changed: Vec<&String> = after
        .iter()
        .filter(|kv| !before.contains(kv))
        .chain(before.iter().filter(|kv| !after.contains(kv)))
        .map(|(k, _)| k)
        .collect();
    assert!(
        changed.is_empty(),
        "a refused bundle changed the ledger ({why}): {changed:?}"
    );
}

/// A tip item of portal `portal_id` for a new tip, with `fields` and `files`.
fn new_tip(
    portal_id: &str,
    fields: &[(&str, &str)],
    files: &[(&str, &[u8])],
) -> (tipbox::tip::Manifest, Vec<u8>) {
    let m = forge::manifest(
        Kind::Tip,
        portal_id,
        &tipbox::store::Store::new_id(),
        &tipbox::store::today(),
    );
    let plain = forge::container(fields, files, &m, None);
    (m, plain)
}

// ---- What a black-box attack on these fixes found (each reproduced first) -------------
