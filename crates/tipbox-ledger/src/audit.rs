//! The reviewer audit log: append-only, hash-chained JSON lines in `LEDGER/audit.log`.
//!
//! Each line records one reviewer action (who, what, which tip, when) and the hash of the
//! line before it, so editing, deleting or reordering any line breaks the chain from there
//! on. It never holds tip content or anything about the reporter: only action names,
//! ledger ids, and reviewer-chosen values such as a status or a department.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use tipbox_core::crypto;

pub const AUDIT_FILE: &str = "audit.log";
/// `prev` of the first entry.
const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AuditEntry {
    pub seq: u64,
    /// UTC, to the second: the office's own actions, not the reporter's.
    pub time: String,
    pub actor: String,
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tip: Option<u64>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub detail: String,
    pub prev: String,
    pub hash: String,
}

impl AuditEntry {
    fn compute_hash(&self) -> String {
        let body = serde_json::json!({
            "seq": self.seq, "time": self.time, "actor": self.actor, "action": self.action,
            "tip": self.tip, "detail": self.detail, "prev": self.prev,
        });
        let mut input = b"tipbox audit v1\n".to_vec();
        input.extend_from_slice(body.to_string().as_bytes());
        hex::encode(crypto::hash256(&input))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("cannot write the audit log {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("audit log line {line} (entry {seq}) is not valid: {reason}")]
    Broken {
        line: usize,
        seq: u64,
        reason: String,
    },
}

pub struct AuditLog {
    path: PathBuf,
    last_seq: u64,
    last_hash: String,
}

impl AuditLog {
    /// Open the log and check the whole chain (a ledger whose log is broken refuses to
    /// write more entries to it).
    pub fn open(ledger: &Path) -> Result<AuditLog, AuditError> {
        let path = ledger.join(AUDIT_FILE);
        let (last_seq, last_hash) = verify_file(&path)?;
        Ok(AuditLog {
            path,
            last_seq,
            last_hash,
        })
    }

    pub fn append(
        &mut self,
        actor: &str,
        action: &str,
        tip: Option<u64>,
        detail: &str,
    ) -> Result<(), AuditError> {
        let mut entry = AuditEntry {
            seq: self.last_seq + 1,
            time: now_utc(),
            actor: actor.to_owned(),
            action: action.to_owned(),
            tip,
            detail: detail.to_owned(),
            prev: self.last_hash.clone(),
            hash: String::new(),
        };
        entry.hash = entry.compute_hash();
        let io = |source| AuditError::Io {
            path: self.path.clone(),
            source,
        };
        let mut options = OpenOptions::new();
        options.create(true).append(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(&self.path).map_err(io)?;
        let mut line = serde_json::to_string(&entry).expect("audit entries serialize");
        line.push('\n');
        f.write_all(line.as_bytes()).map_err(io)?;
        f.sync_data().map_err(io)?;
        self.last_seq = entry.seq;
        self.last_hash = entry.hash;
        Ok(())
    }
}

/// Check the chain; returns the last sequence number and hash.
pub fn verify_file(path: &Path) -> Result<(u64, String), AuditError> {
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((0, GENESIS.to_owned())),
        Err(source) => {
            return Err(AuditError::Io {
                path: path.to_owned(),
                source,
            })
        }
    };
    let mut prev = GENESIS.to_owned();
    let mut seq = 0;
    for (i, line) in BufReader::new(file).lines().enumerate() {
        let line_no = i + 1;
        let broken = |reason: &str| AuditError::Broken {
            line: line_no,
            seq: seq + 1,
            reason: reason.to_owned(),
        };
        let line = line.map_err(|_| broken("not readable text"))?;
        let entry: AuditEntry =
            serde_json::from_str(&line).map_err(|_| broken("not a valid entry"))?;
        if entry.seq != seq + 1 {
            return Err(broken("entries are missing or out of order"));
        }
        if entry.prev != prev {
            return Err(broken(
                "does not follow the entry before it (an entry was removed or changed)",
            ));
        }
        if entry.compute_hash() != entry.hash {
            return Err(broken("its content was changed after it was written"));
        }
        prev = entry.hash;
        seq = entry.seq;
    }
    Ok((seq, prev))
}

pub fn now_utc() -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::OffsetDateTime::now_utc()
        .format(&format)
        .expect("times format")
}
