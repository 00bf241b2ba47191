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

use crate::store::{ApplyError, ApplySummary, ExportSummary, Store};

pub const SOCKET_NAME: &str = "admin.sock";

pub fn socket_path(data: &Path) -> PathBuf {
    data.join(SOCKET_NAME)
}

/// Bind the socket (replacing a stale one: we hold the store's lock, so no other portal
/// can be using it) and serve requests until the runtime stops.
pub fn spawn(store: Arc<Store>, verify_key: [u8; 32], retention_days: u32) -> std::io::Result<()> {
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
                    if let Err(e) = handle(&store, stream, &verify_key, retention_days) {
                        tracing::warn!(error = %e, "admin request failed");
                    }
                }
            });
        }
    });
    Ok(())
}

fn handle(
    store: &Store,
    stream: UnixStream,
    verify_key: &[u8; 32],
    retention_days: u32,
) -> std::io::Result<()> {
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
        "apply" => {
            let mut bytes = Vec::new();
            (&mut reader)
                .take(tipbox_core::bundle::update::MAX_BUNDLE as u64 + 1)
                .read_to_end(&mut bytes)?;
            let answer = apply_answer(store, &bytes, verify_key, retention_days);
            out.write_all(answer.as_bytes())?;
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

fn apply_answer(store: &Store, bytes: &[u8], verify_key: &[u8; 32], retention_days: u32) -> String {
    if bytes.len() > tipbox_core::bundle::update::MAX_BUNDLE {
        return "refused: the update bundle is larger than any tipbox makes\n".into();
    }
    match store.apply(bytes, verify_key, retention_days) {
        Ok(summary) => {
            tracing::info!(sequence = summary.sequence, "update bundle applied");
            format!(
                "ok {}\n",
                serde_json::to_string(&summary).expect("summaries serialize")
            )
        }
        Err(ApplyError::Refused(e)) => format!("refused: {e}\n"),
        Err(ApplyError::Store(e)) => {
            tracing::error!(error = %e, "apply failed");
            format!("error: {e}\n")
        }
    }
}

/// Outcome of `apply` as the CLI sees it.
pub enum ApplyOutcome {
    Applied(ApplySummary),
    Refused(String),
}

/// Apply an update bundle, through a running portal if there is one, else on the store.
pub fn apply(
    data: &Path,
    bytes: &[u8],
    verify_key: Option<[u8; 32]>,
    retention_days: u32,
) -> Result<ApplyOutcome, String> {
    if let Ok(mut stream) = UnixStream::connect(socket_path(data)) {
        stream
            .write_all(b"apply\n")
            .and_then(|_| stream.write_all(bytes))
            .and_then(|_| stream.shutdown(std::net::Shutdown::Write))
            .map_err(|e| format!("the running portal's admin socket failed: {e}"))?;
        let mut answer = String::new();
        BufReader::new(stream)
            .take(1 << 20)
            .read_line(&mut answer)
            .map_err(|e| format!("the running portal's admin socket failed: {e}"))?;
        let answer = answer.trim_end();
        return if let Some(json) = answer.strip_prefix("ok ") {
            serde_json::from_str(json)
                .map(ApplyOutcome::Applied)
                .map_err(|_| "the running portal gave an unreadable answer".to_owned())
        } else if let Some(msg) = answer.strip_prefix("refused: ") {
            Ok(ApplyOutcome::Refused(msg.to_owned()))
        } else {
            Err(format!("the running portal answered: {answer}"))
        };
    }
    let store = Store::open_existing(data).map_err(|e| e.to_string())?;
    let verify_key = match verify_key {
        Some(k) => k,
        None => {
            let path = data.join(crate::store::VERIFY_KEY_FILE);
            let text = std::fs::read_to_string(&path).map_err(|_| {
                format!("no verify key: pass --verify-key (or --config), or start `serve` once so it records {}", path.display())
            })?;
            tipbox_core::keys::parse_verify_key(&text).map_err(|e| e.to_string())?
        }
    };
    match store.apply(bytes, &verify_key, retention_days) {
        Ok(s) => Ok(ApplyOutcome::Applied(s)),
        Err(ApplyError::Refused(e)) => Ok(ApplyOutcome::Refused(e.to_string())),
        Err(ApplyError::Store(e)) => Err(e.to_string()),
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
