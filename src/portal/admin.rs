//! The local admin socket: lets `tipbox-portal export` (and later `apply`) work while
//! `serve` holds the store (sled allows one process per store).
//!
//! The socket is `DATA/admin.sock`, mode 0600 inside the 0700 data folder: only the
//! portal's own user can connect. The protocol is one request line, then the answer:
//! `export\n` -> `ok\n` followed by the inbox bundle, or `error: MESSAGE\n`.

use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::store::{ExportSummary, Store};

pub const SOCKET_NAME: &str = "admin.sock";

pub fn socket_path(data: &Path) -> PathBuf {
    data.join(SOCKET_NAME)
}

/// Bind the socket (replacing a stale one: we hold the store's lock, so no other portal
/// can be using it) and serve requests until the runtime stops.
pub fn spawn(store: Arc<Store>) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let path = socket_path(store.root());
    let _ = std::fs::remove_file(&path);
    let listener = tokio::net::UnixListener::bind(&path)?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            let store = store.clone();
            // Each request runs on a blocking thread: bundles can be large.
            tokio::task::spawn_blocking(move || {
                if let Ok(stream) = stream.into_std() {
                    let _ = stream.set_nonblocking(false);
                    if let Err(e) = handle(&store, stream) {
                        tracing::warn!(error = %e, "admin request failed");
                    }
                }
            });
        }
    });
    Ok(())
}

fn handle(store: &Store, stream: UnixStream) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    (&mut reader).take(256).read_line(&mut line)?;
    let mut out = std::io::BufWriter::with_capacity(256 * 1024, stream);
    match line.trim() {
        "export" => {
            // The bundle is written after "ok"; a failure midway leaves a bundle without
            // its trailer, which every reader refuses as truncated.
            out.write_all(b"ok\n")?;
            match store.write_inbox(&mut out) {
                Ok((_, summary)) => {
                    tracing::info!(entries = summary.entries, "inbox bundle exported")
                }
                Err(e) => tracing::error!(error = %e, "export failed"),
            }
            out.flush()
        }
        other => {
            let shown: String = other
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .take(32)
                .collect();
            writeln!(out, "error: unknown admin request '{shown}'")?;
            out.flush()
        }
    }
}

/// Ask a running portal for an inbox bundle. `Ok(None)` when no portal answers.
pub fn request_export(data: &Path, out: &mut dyn Write) -> Result<Option<()>, String> {
    let path = socket_path(data);
    let Ok(mut stream) = UnixStream::connect(&path) else {
        return Ok(None);
    };
    stream
        .write_all(b"export\n")
        .map_err(|e| format!("the running portal's admin socket failed: {e}"))?;
    let mut reader = BufReader::with_capacity(256 * 1024, stream);
    let mut status = String::new();
    reader
        .by_ref()
        .take(4096)
        .read_line(&mut status)
        .map_err(|e| format!("the running portal's admin socket failed: {e}"))?;
    if status.trim() != "ok" {
        return Err(format!("the running portal refused: {}", status.trim()));
    }
    std::io::copy(&mut reader, out).map_err(|e| format!("receiving the bundle failed: {e}"))?;
    Ok(Some(()))
}

/// Export whether or not `serve` runs on `data`.
pub fn export(data: &Path, out: &mut dyn Write) -> Result<Option<ExportSummary>, String> {
    if request_export(data, out)?.is_some() {
        return Ok(None);
    }
    let store = Store::open_existing(data).map_err(|e| e.to_string())?;
    let (_, summary) = store.write_inbox(out).map_err(|e| e.to_string())?;
    Ok(Some(summary))
}
