//! Hardening (issue #7): the portal under hostile HTTP and broken start-up conditions.
//! Every case must be answered cleanly, bounded, and leave the portal serving.

#[path = "../common/mod.rs"]
mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use common::*;

mod disk;
mod requests;
mod startup;
mod uploads;

fn raw(portal: &Portal, request: &[u8]) -> String {
    let mut s = TcpStream::connect(&portal.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    let _ = s.write_all(request);
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    String::from_utf8_lossy(&out).into_owned()
}

fn still_serving(portal: &Portal) {
    assert_eq!(
        client()
            .get(portal.url("/healthz"))
            .send()
            .unwrap()
            .text()
            .unwrap(),
        "ok"
    );
}

/// A small tmpfs made by the test (root only); `None` (and a SKIPPED line) otherwise.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn new(size: &str) -> Option<Tmpfs> {
        Self::with_options(&format!("size={size}"))
    }
    fn with_options(opts: &str) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", opts, "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        ok.then_some(Tmpfs { dir })
    }
    fn path(&self) -> &std::path::Path {
        self.dir.path()
    }
    fn remount(&self, opts: &str) {
        let st = std::process::Command::new("mount")
            .args(["-o", &format!("remount,{opts}")])
            .arg(self.dir.path())
            .status()
            .unwrap();
        assert!(st.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}
