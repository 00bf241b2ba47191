//! Ledger backups: a consistent, encrypted snapshot of the whole ledger, and its restore.
//!
//! The snapshot is logical, not a copy of sled's files: every tree's keys and values, plus
//! the ledger's own files (keys, settings, sealed items, audit log). It is taken while this
//! process holds the ledger's lock, so no other command writes meanwhile (they wait). The
//! archive is sealed with age to the office's recipients: restoring needs the office's
//! identity, not the passphrase of this machine.
//!
//! ```text
//! plaintext := MAGIC header-JSON-record item* end
//! item      := 0x01 path-len:u32 path size:u64 bytes        (a file)
//!            | 0x02 name-len:u32 name count:u64 (klen:u32 key vlen:u32 value)*   (a sled tree)
//! end       := 0x00 blake2b256(every plaintext byte before the hash, the 0x00 included)
//! ```

use std::fs;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{io_err, Ledger, LedgerError};
use crate::crypto::{HashingReader, HashingWriter};

pub const MAGIC: &[u8; 15] = b"TIPBOX-BACKUP\0\x01";
pub const FORMAT: u32 = 1;
const TAG_END: u8 = 0;
const TAG_FILE: u8 = 1;
const TAG_TREE: u8 = 2;
const MAX_PATH: usize = 256;
const MAX_KV: usize = 64 << 20;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BackupHeader {
    pub format: u32,
    /// UTC time the snapshot was taken.
    pub made: String,
    pub files: u64,
    pub trees: u64,
    pub tips: u64,
}

/// What a verified backup holds.
#[derive(Debug, Clone, Serialize)]
pub struct BackupSummary {
    pub header: BackupHeader,
    pub bytes: u64,
}

/// Files of the ledger that go into a backup (relative paths). The database goes in as trees.
fn ledger_files(root: &Path) -> Result<Vec<PathBuf>, LedgerError> {
    let mut out = Vec::new();
    for name in ["ledger.toml", super::audit::AUDIT_FILE] {
        if root.join(name).is_file() {
            out.push(PathBuf::from(name));
        }
    }
    for dir in ["keys", "blobs"] {
        let d = root.join(dir);
        if !d.is_dir() {
            continue;
        }
        let mut names: Vec<_> = fs::read_dir(&d)
            .map_err(io_err(&d))?
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .map(|e| e.file_name())
            .collect();
        names.sort();
        for n in names {
            let name = n.to_string_lossy().into_owned();
            // Leftovers of an interrupted write are not part of the ledger.
            if !name.ends_with(".partial") && !name.ends_with(".new") {
                out.push(Path::new(dir).join(name));
            }
        }
    }
    Ok(out)
}

/// A path inside a backup must be one of the ledger's own: `name` or `keys|blobs/name`,
/// names of plain characters. Anything else is refused (a hostile backup cannot write
/// outside the target folder).
fn safe_relative(path: &str) -> Option<PathBuf> {
    let ok_name = |n: &str| {
        !n.is_empty()
            && n.len() <= 128
            && n != "."
            && n != ".."
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    };
    match path.split('/').collect::<Vec<_>>().as_slice() {
        [name] if ok_name(name) => Some(PathBuf::from(name)),
        [dir, name] if (*dir == "keys" || *dir == "blobs") && ok_name(name) => {
            Some(Path::new(dir).join(name))
        }
        _ => None,
    }
}

impl Ledger {
    /// Write an encrypted backup of the whole ledger to `out` (atomically: temp file,
    /// fsync, rename). Returns the number of plaintext bytes.
    pub fn backup(
        &mut self,
        out: &Path,
        mut progress: impl FnMut(u64),
    ) -> Result<BackupSummary, LedgerError> {
        // Recorded before the snapshot, so the restored audit log includes it.
        self.audit("backup", None, "")?;
        self.sync()?;
        let recipients = self.own_recipients()?;
        let files = ledger_files(&self.root)?;
        let trees: Vec<Vec<u8>> = self
            .db
            .tree_names()
            .into_iter()
            .map(|n| n.to_vec())
            .collect();
        let header = BackupHeader {
            format: FORMAT,
            made: super::audit::now_utc(),
            files: files.len() as u64,
            trees: trees.len() as u64,
            tips: self.tips.len() as u64,
        };
        let tmp = crate::durable::partial_path(out);
        let file = crate::durable::create_private_file(&tmp).map_err(io_err(&tmp))?;
        let result = (|| -> Result<u64, LedgerError> {
            let enc = age::Encryptor::with_recipients(
                recipients.iter().map(|r| r as &dyn age::Recipient),
            )
            .map_err(|e| LedgerError::Invalid(e.to_string()))?;
            let stream = enc
                .wrap_output(BufWriter::with_capacity(256 * 1024, file))
                .map_err(io_err(&tmp))?;
            let mut w = HashingWriter::new(stream);
            let io = |e| LedgerError::Io {
                path: tmp.clone(),
                source: e,
            };
            w.write_all(MAGIC).map_err(io)?;
            crate::bundle::write_json(&mut w, &header).map_err(io)?;
            let mut total = 0u64;
            for rel in &files {
                let path = self.root.join(rel);
                let mut f = fs::File::open(&path).map_err(io_err(&path))?;
                let size = f.metadata().map_err(io_err(&path))?.len();
                let name = rel.to_string_lossy().replace('\\', "/");
                w.write_all(&[TAG_FILE]).map_err(io)?;
                w.write_all(&(name.len() as u32).to_be_bytes())
                    .map_err(io)?;
                w.write_all(name.as_bytes()).map_err(io)?;
                w.write_all(&size.to_be_bytes()).map_err(io)?;
                let copied = io::copy(&mut (&mut f).take(size), &mut w).map_err(io)?;
                if copied != size {
                    return Err(LedgerError::Invalid(format!(
                        "{} changed during the backup",
                        path.display()
                    )));
                }
                total += size;
                progress(size);
            }
            for name in &trees {
                let tree = self.db.open_tree(name).map_err(super::db_err)?;
                w.write_all(&[TAG_TREE]).map_err(io)?;
                w.write_all(&(name.len() as u32).to_be_bytes())
                    .map_err(io)?;
                w.write_all(name).map_err(io)?;
                w.write_all(&(tree.len() as u64).to_be_bytes())
                    .map_err(io)?;
                let mut count = 0u64;
                for kv in tree.iter() {
                    let (k, v) = kv.map_err(super::db_err)?;
                    w.write_all(&(k.len() as u32).to_be_bytes()).map_err(io)?;
                    w.write_all(&k).map_err(io)?;
                    w.write_all(&(v.len() as u32).to_be_bytes()).map_err(io)?;
                    w.write_all(&v).map_err(io)?;
                    count += 1;
                    total += (k.len() + v.len()) as u64;
                }
                if count != tree.len() as u64 {
                    return Err(LedgerError::Invalid(
                        "the ledger changed during the backup".into(),
                    ));
                }
            }
            w.write_all(&[TAG_END]).map_err(io)?;
            let digest = std::mem::take(&mut w.hasher).finalize();
            let mut stream = w.inner;
            stream.write_all(&digest).map_err(io)?;
            let buffered = stream.finish().map_err(io)?;
            let file = buffered.into_inner().map_err(|e| LedgerError::Io {
                path: tmp.clone(),
                source: e.into_error(),
            })?;
            file.sync_all().map_err(io)?;
            Ok(total)
        })();
        let bytes = match result {
            Ok(b) => b,
            Err(e) => {
                let _ = fs::remove_file(&tmp);
                return Err(e);
            }
        };
        crate::durable::rename_into_place(&tmp, out).map_err(io_err(out))?;
        Ok(BackupSummary { header, bytes })
    }
}

/// What a backup reader hands to its consumer.
enum Item<'a> {
    File(PathBuf, u64, &'a mut dyn Read),
    Tree(Vec<u8>),
    Entry(Vec<u8>, Vec<u8>),
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("the backup cannot be opened with this identity (is it this office's backup, and the right --identity?)")]
    NotOurs,
    #[error("this is not a tipbox backup")]
    NotABackup,
    #[error("backup format version {0} is not supported; upgrade tipbox")]
    UnsupportedVersion(u32),
    #[error("the backup is truncated or damaged; use another copy")]
    Damaged,
    #[error("the backup holds an unsafe or unknown path; refusing it")]
    BadPath,
    #[error("the backup's checksum does not match; use another copy")]
    Checksum,
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

fn read_backup(
    path: &Path,
    identities: &[crate::keys::Identity],
    each: impl FnMut(Item<'_>) -> Result<(), BackupError>,
) -> Result<BackupHeader, BackupError> {
    let file = fs::File::open(path).map_err(|source| BackupError::Io {
        path: path.to_owned(),
        source,
    })?;
    let decryptor = age::Decryptor::new_buffered(BufReader::with_capacity(256 * 1024, file))
        .map_err(|_| BackupError::NotABackup)?;
    let plain = decryptor
        .decrypt(identities.iter().map(|i| i as &dyn age::Identity))
        .map_err(|_| BackupError::NotOurs)?;
    read_archive(plain, each)
}

/// Read the archive inside a backup's age layer (format in the module comment), checking
/// everything, and hand each item to `each`. Anyone who knows the office's public recipient
/// can make an age file, so this reads hostile input: lengths are bounded, paths checked,
/// and the checksum covers every byte (fuzzed: `fuzz/fuzz_targets/backup_archive.rs`).
fn read_archive<R: Read>(
    plain: R,
    mut each: impl FnMut(Item<'_>) -> Result<(), BackupError>,
) -> Result<BackupHeader, BackupError> {
    let mut r = HashingReader::new(plain);
    let damaged = |_| BackupError::Damaged;
    let mut magic = [0u8; 15];
    r.read_exact(&mut magic).map_err(damaged)?;
    if magic[..14] != MAGIC[..14] {
        return Err(BackupError::NotABackup);
    }
    if magic[14] != MAGIC[14] {
        return Err(BackupError::UnsupportedVersion(u32::from(magic[14])));
    }
    let (header, _): (BackupHeader, _) =
        crate::bundle::read_json(&mut r, 64 * 1024).map_err(|_| BackupError::Damaged)?;
    if header.format != FORMAT {
        return Err(BackupError::UnsupportedVersion(header.format));
    }
    let u32_of = |r: &mut HashingReader<_>| -> Result<usize, BackupError> {
        let mut b = [0u8; 4];
        r.read_exact(&mut b).map_err(damaged)?;
        Ok(u32::from_be_bytes(b) as usize)
    };
    loop {
        let mut tag = [0u8; 1];
        r.read_exact(&mut tag).map_err(damaged)?;
        match tag[0] {
            TAG_END => break,
            TAG_FILE => {
                let n = u32_of(&mut r)?;
                if n > MAX_PATH {
                    return Err(BackupError::BadPath);
                }
                let mut name = vec![0u8; n];
                r.read_exact(&mut name).map_err(damaged)?;
                let name = String::from_utf8(name).map_err(|_| BackupError::BadPath)?;
                let rel = safe_relative(&name).ok_or(BackupError::BadPath)?;
                let mut size = [0u8; 8];
                r.read_exact(&mut size).map_err(damaged)?;
                let size = u64::from_be_bytes(size);
                let mut body = (&mut r).take(size);
                each(Item::File(rel, size, &mut body))?;
                let rest = io::copy(&mut body, &mut io::sink()).map_err(damaged)?;
                if body.limit() != 0 || rest > size {
                    return Err(BackupError::Damaged);
                }
            }
            TAG_TREE => {
                let n = u32_of(&mut r)?;
                if n > MAX_PATH {
                    return Err(BackupError::Damaged);
                }
                let mut name = vec![0u8; n];
                r.read_exact(&mut name).map_err(damaged)?;
                let mut count = [0u8; 8];
                r.read_exact(&mut count).map_err(damaged)?;
                each(Item::Tree(name))?;
                for _ in 0..u64::from_be_bytes(count) {
                    let kl = u32_of(&mut r)?;
                    if kl > MAX_KV {
                        return Err(BackupError::Damaged);
                    }
                    let mut k = vec![0u8; kl];
                    r.read_exact(&mut k).map_err(damaged)?;
                    let vl = u32_of(&mut r)?;
                    if vl > MAX_KV {
                        return Err(BackupError::Damaged);
                    }
                    let mut v = vec![0u8; vl];
                    r.read_exact(&mut v).map_err(damaged)?;
                    each(Item::Entry(k, v))?;
                }
            }
            _ => return Err(BackupError::Damaged),
        }
    }
    let digest = std::mem::take(&mut r.hasher).finalize();
    let mut stored = [0u8; 32];
    r.inner.read_exact(&mut stored).map_err(damaged)?;
    if stored != digest {
        return Err(BackupError::Checksum);
    }
    let mut probe = [0u8; 1];
    if r.inner.read(&mut probe).map_err(damaged)? != 0 {
        return Err(BackupError::Damaged);
    }
    Ok(header)
}

/// Check a backup completely without writing anything.
pub fn verify(
    path: &Path,
    identities: &[crate::keys::Identity],
) -> Result<BackupSummary, BackupError> {
    let mut bytes = 0u64;
    let header = read_backup(path, identities, counting(&mut bytes))?;
    Ok(BackupSummary { header, bytes })
}

/// [`verify`] on an archive already decrypted (the fuzz target's way in).
pub fn verify_archive<R: Read>(plain: R) -> Result<BackupSummary, BackupError> {
    let mut bytes = 0u64;
    let header = read_archive(plain, counting(&mut bytes))?;
    Ok(BackupSummary { header, bytes })
}

/// Adds up the plaintext bytes of the items that go by.
fn counting(bytes: &mut u64) -> impl FnMut(Item<'_>) -> Result<(), BackupError> + '_ {
    move |item| {
        match item {
            Item::File(_, size, _) => *bytes += size,
            Item::Entry(k, v) => *bytes += (k.len() + v.len()) as u64,
            Item::Tree(_) => {}
        }
        Ok(())
    }
}

/// Restore a backup into `target`, which must be empty or not exist. The whole backup is
/// verified first; then it is written; the audit chain is checked at the end.
pub fn restore(
    path: &Path,
    identities: &[crate::keys::Identity],
    target: &Path,
) -> Result<BackupSummary, BackupError> {
    if target.exists() {
        let mut entries = fs::read_dir(target).map_err(|source| BackupError::Io {
            path: target.to_owned(),
            source,
        })?;
        if entries.next().is_some() {
            return Err(LedgerError::Invalid(format!(
                "{} is not empty: restore only into an empty or new folder, never over a ledger",
                target.display()
            ))
            .into());
        }
    }
    let summary = verify(path, identities)?;
    super::create_private_dir(target)?;
    let result = (|| -> Result<(), BackupError> {
        for dir in ["keys", "blobs", "db"] {
            super::create_private_dir(&target.join(dir))?;
        }
        let db = crate::durable::open_sled(&target.join("db"), sled::Config::new()).map_err(
            |source| LedgerError::Db {
                path: target.join("db"),
                source,
            },
        )?;
        let mut tree: Option<sled::Tree> = None;
        read_backup(path, identities, |item| {
            match item {
                Item::File(rel, _, body) => {
                    let dest = target.join(&rel);
                    // Owner-only like the ledger's own packs and keys (and never over a
                    // file or through a symlink).
                    let mut f =
                        crate::durable::create_new_private_file(&dest).map_err(|source| {
                            BackupError::Io {
                                path: dest.clone(),
                                source,
                            }
                        })?;
                    io::copy(body, &mut f).map_err(|source| BackupError::Io {
                        path: dest.clone(),
                        source,
                    })?;
                    f.sync_all()
                        .map_err(|source| BackupError::Io { path: dest, source })?;
                }
                Item::Tree(name) => {
                    tree = Some(
                        db.open_tree(name)
                            .map_err(|e| LedgerError::DbOp(e.to_string()))?,
                    )
                }
                Item::Entry(k, v) => {
                    let t = tree.as_ref().ok_or(BackupError::Damaged)?;
                    t.insert(k, v)
                        .map_err(|e| LedgerError::DbOp(e.to_string()))?;
                }
            }
            Ok(())
        })?;
        db.flush().map_err(|e| LedgerError::DbOp(e.to_string()))?;
        drop(tree);
        drop(db);
        super::audit::verify_file(&target.join(super::audit::AUDIT_FILE))
            .map_err(LedgerError::from)?;
        Ok(())
    })();
    if let Err(e) = result {
        // Leave no half-restored ledger behind.
        let _ = fs::remove_dir_all(target);
        return Err(e);
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::safe_relative;

    #[test]
    fn only_the_ledgers_own_paths_are_accepted() {
        for ok in [
            "audit.log",
            "ledger.toml",
            "keys/identity.age",
            "blobs/ab12.age",
        ] {
            assert!(safe_relative(ok).is_some(), "{ok}");
        }
        for bad in [
            "../x",
            "/etc/passwd",
            "keys/../../x",
            "db/x",
            "a/b/c",
            "",
            "keys/",
            "keys/..",
            "x\0y",
            "blobs/a b",
        ] {
            assert!(safe_relative(bad).is_none(), "{bad:?}");
        }
    }
}
