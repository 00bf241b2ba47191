//! Sites (issue #30, docs/design/sites.md): several portals behind one address, and every
//! receipt of the site works on every one of them. Real portal processes, real HTTP, the
//! real ledger CLI; the update bundles are the only channel between the portals.

#[path = "../common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;

mod balancer;
mod exchange;
mod out_dir;
mod site_file;

/// `tipbox-portal site --data DATA --out OUT`.
fn write_site_file(data: &Path, out: &Path) -> Output {
    portal_cmd(&[
        "site",
        "--data",
        data.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ])
}

/// The site file of a running portal, written into `dir`.
fn site_file_of(portal: &Portal, dir: &Path) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let out = dir.join("site.json");
    let written = write_site_file(&portal.data, &out);
    assert!(
        written.status.success(),
        "{}",
        String::from_utf8_lossy(&written.stderr)
    );
    out
}

/// A new portal that joins the site of `site` at its first start.
fn start_in_site(site: &Path) -> Portal {
    Portal::start_with(PortalOptions {
        extra_args: vec!["--site".into(), site.to_str().unwrap().into()],
        ..Default::default()
    })
}

fn meta(data: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(data.join("portal.json")).unwrap()).unwrap()
}

fn portal_id(data: &Path) -> String {
    meta(data)["portal_id"].as_str().unwrap().to_owned()
}

/// `serve` on `data` with these extra arguments, expected to refuse to start: its output.
fn serve_refused(data: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--data",
        data.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let out = portal_cmd(&args);
    assert_eq!(
        out.status.code(),
        Some(2),
        "serve should refuse to start: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Export the portal's inbox bundle into `dir/NAME` and import it: the import's output.
fn export_and_import(portal: &Portal, ledger: &TestLedger, dir: &Path, name: &str) -> String {
    let bundle = dir.join(name);
    let out = export(&portal.data, &bundle);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ledger.ok(&["import", bundle.to_str().unwrap()])
}

/// `tipbox-portal apply` on the portal's data folder.
fn apply(portal: &Portal, bundle: &Path) -> Output {
    portal_cmd(&[
        "apply",
        "--data",
        portal.data.to_str().unwrap(),
        bundle.to_str().unwrap(),
    ])
}

fn apply_ok(portal: &Portal, bundle: &Path) -> String {
    let out = apply(portal, bundle);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `export --out-dir DIR` and the bundle of each portal in it.
fn export_all(ledger: &TestLedger, dir: &Path) -> Vec<PathBuf> {
    std::fs::create_dir_all(dir).unwrap();
    ledger.ok(&["export", "--out-dir", dir.to_str().unwrap()]);
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// The page without what differs between any two answers (the receipt echoed back, the
/// form's random token), to compare two answers for an oracle.
fn normalized(page: &str, receipt: &str) -> String {
    let grouped = tipbox::receipt::ReceiptCode::parse(receipt)
        .map(|c| c.grouped().to_string())
        .unwrap_or_default();
    page.lines()
        .filter(|l| !l.contains("form_token"))
        .map(|l| l.replace(receipt, "RECEIPT").replace(&grouped, "RECEIPT"))
        .collect::<Vec<_>>()
        .join("\n")
}
