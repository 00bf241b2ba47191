//! Invariant 10 (ARCHITECTURE.md): the crates depend on each other one way only. The air-gapped
//! side's crate never pulls in the web stack or the portal, and the portal never pulls in the
//! ledger, as `cargo tree` shows it. The compiler then enforces the rest: code cannot use a
//! crate it does not depend on.

use std::collections::BTreeSet;
use std::process::Command;

/// What sits on the public, networked side: none of it may reach the air-gapped program.
const WEB_STACK: &[&str] = &[
    "axum",
    "axum-core",
    "hyper",
    "hyper-util",
    "tower",
    "tower-http",
    "tokio",
    "governor",
    "tipbox-portal",
];

/// The crates in `package`'s normal and build dependency tree (with the given feature
/// arguments), by name.
fn dependencies(package: &str, features: &[&str]) -> BTreeSet<String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args([
            "tree",
            "--offline",
            "--locked",
            "--quiet",
            "--prefix",
            "none",
        ])
        .args(["--edges", "normal,build", "--package", package])
        .args(features)
        .arg("--manifest-path")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
        .output()
        .expect("run cargo tree");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let names: BTreeSet<String> = String::from_utf8(out.stdout)
        .expect("cargo tree prints UTF-8")
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_owned)
        .collect();
    assert!(
        names.contains(package),
        "{package} is not in its own tree: {names:?}"
    );
    names
}

fn assert_none_of(package: &str, features: &[&str], forbidden: &[&str]) {
    let deps = dependencies(package, features);
    let found: Vec<&&str> = forbidden.iter().filter(|f| deps.contains(**f)).collect();
    assert!(
        found.is_empty(),
        "{package} {features:?} depends on {found:?}"
    );
}

#[test]
fn the_ledger_crate_has_no_web_stack_no_portal_and_no_command_line_parser() {
    let mut forbidden = WEB_STACK.to_vec();
    forbidden.push("clap");
    assert_none_of("tipbox-ledger", &[], &forbidden);
}

#[test]
fn the_portal_crate_does_not_depend_on_the_ledger() {
    assert_none_of("tipbox-portal", &[], &["tipbox-ledger"]);
}

#[test]
fn the_shared_crate_depends_on_neither_side_nor_the_web_stack() {
    let mut forbidden = WEB_STACK.to_vec();
    forbidden.extend(["tipbox-ledger", "clap", "askama"]);
    assert_none_of("tipbox-core", &[], &forbidden);
}

#[test]
fn the_air_gapped_program_builds_without_the_web_stack() {
    assert_none_of(
        "tipbox",
        &["--no-default-features", "--features", "review"],
        WEB_STACK,
    );
}

/// A check that finds nothing proves nothing: the portal's own tree must show the web stack
/// this test looks for, under the names it looks for.
#[test]
fn the_check_sees_the_web_stack_where_it_is() {
    let deps = dependencies("tipbox-portal", &[]);
    for name in ["axum", "hyper", "tokio", "governor", "tower-http"] {
        assert!(deps.contains(name), "{name} missing from the portal's tree");
    }
}
