//! Ledger backups: a consistent, encrypted snapshot of the whole ledger, and its restore.
//!
//! The snapshot is logical, not a copy of sled's files: every tree's keys and values, plus
//! the ledger's own files (keys, settings, sealed items, audit log). It is taken while this
//! process holds the ledger's lock, so no other command writes meanwhile (they wait). The
//! archive is sealed with age to the office's recipients: restoring needs the office's
//! identity, not the passphrase of this machine.
//!
//! Sealing to a *public* key says nothing about who made a backup, so the archive is also
//! signed with the office's signing key, and `restore` checks the signature against a
//! verify key the reviewer gives it. Without that, anyone who knows the office's recipient
//! could hand the office a forged ledger to restore.
//!
//! ```text
//! plaintext := MAGIC header-JSON-record item* end
//! item      := 0x01 path-len:u32 path size:u64 bytes        (a file)
//!            | 0x02 name-len:u32 name count:u64 (klen:u32 key vlen:u32 value)*   (a sled tree)
//! end       := 0x00 digest signature
//! digest    := blake2b256(every plaintext byte before it, the 0x00 included)
//! signature := ed25519(SIGNATURE_CONTEXT || digest), by the key named in the header
//! ```
//!
//! Format 1 (before 2026-11-30) is the same without `signature` and `signed_by`; it is
//! read only when the reviewer vouches for the file (`--accept-unsigned`).

use std::fs;
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{io_err, Ledger, LedgerError};
use crate::crypto::{HashingReader, HashingWriter};

pub const MAGIC: &[u8; 15] = b"TIPBOX-BACKUP\0\x02";
pub const FORMAT: u32 = 2;
/// Backups made before they were signed.
const UNSIGNED_FORMAT: u32 = 1;
/// Domain separation: a backup's signature can never pass for an update bundle's.
const SIGNATURE_CONTEXT: &[u8] = b"tipbox backup v2\n";
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
    /// The verify key (hex) of the signing key that signed the backup; none in format 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
}

/// Who `verify` and `restore` accept as the maker of a backup.
#[derive(Debug, Clone, Copy)]
pub struct Trust<'a> {
    /// The office's verify key: a backup must be signed by it.
    pub verify_key: Option<&'a [u8; 32]>,
    /// Also accept a backup made before backups were signed (format 1). Nothing then shows
    /// who made it: the reviewer vouches for where the file comes from.
    pub accept_unsigned: bool,
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
    /// Write an encrypted backup of the whole ledger to `out`, signed with `key`
    /// (atomically: temp file, fsync, rename).
    pub fn backup(
        &mut self,
        out: &Path,
        key: &crate::crypto::SigningKey,
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
            signed_by: Some(hex::encode(key.verify_key())),
        };
        crate::durable::check_replaceable(out).map_err(io_err(out))?;
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
            stream
                .write_all(&key.sign(&[SIGNATURE_CONTEXT, &digest].concat()))
                .map_err(io)?;
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
    #[error("this backup is signed; give the office's verify key with --verify-key HEX (the `verify_key` of the portal's config, or the `verify-key:` line `tipbox-review init` printed) so that its maker can be checked")]
    NeedVerifyKey,
    #[error("this backup was made before backups were signed (format 1), so nothing shows who made it; if you are sure it is the office's own, add --accept-unsigned")]
    Unsigned,
    #[error("this backup is signed by another key ({signed_by}), not by the verify key given; if the office has changed its signing key since the backup was made, give the verify key of that time; otherwise the backup is not the office's: do not restore it")]
    SignedByAnotherKey { signed_by: String },
    #[error("the backup's signature does not verify: it was altered or forged after it was made; use another copy")]
    BadSignature,
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

fn read_backup(
    path: &Path,
    identities: &[crate::keys::Identity],
    trust: Trust<'_>,
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
    read_archive(plain, trust, each)
}

/// Read the archive inside a backup's age layer (format in the module comment), checking
/// everything, and hand each item to `each`. Anyone who knows the office's public recipient
/// can make an age file, so this reads hostile input: lengths are bounded, paths checked,
/// and the checksum covers every byte (fuzzed: `fuzz/fuzz_targets/backup_archive.rs`).
/// Who made it is known only at the end, from the signature: `each` must not make
/// anything lasting before this returns `Ok` (`restore` reads a backup twice).
fn read_archive<R: Read>(
    plain: R,
    trust: Trust<'_>,
    mut each: impl FnMut(Item<'_>) -> Result<(), BackupError>,
) -> Result<BackupHeader, BackupError> {
    let mut r = HashingReader::new(plain);
    let damaged = |_| BackupError::Damaged;
    let mut magic = [0u8; 15];
    r.read_exact(&mut magic).map_err(damaged)?;
    if magic[..14] != MAGIC[..14] {
        return Err(BackupError::NotABackup);
    }
    let version = u32::from(magic[14]);
    if version != FORMAT && version != UNSIGNED_FORMAT {
        return Err(BackupError::UnsupportedVersion(version));
    }
    let (header, _): (BackupHeader, _) =
        crate::bundle::read_json(&mut r, 64 * 1024).map_err(|_| BackupError::Damaged)?;
    if header.format != version {
        return Err(BackupError::Damaged);
    }
    // Refuse early what no signature could make acceptable, before reading gigabytes.
    let signer: Option<[u8; 32]> = if version == UNSIGNED_FORMAT {
        if header.signed_by.is_some() {
            return Err(BackupError::Damaged);
        }
        if !trust.accept_unsigned {
            return Err(BackupError::Unsigned);
        }
        None
    } else {
        let named = header.signed_by.as_deref().ok_or(BackupError::Damaged)?;
        let trusted = trust.verify_key.ok_or(BackupError::NeedVerifyKey)?;
        if !named.eq_ignore_ascii_case(&hex::encode(trusted)) {
            return Err(BackupError::SignedByAnotherKey {
                signed_by: sanitize_key(named),
            });
        }
        Some(*trusted)
    };
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
    if let Some(verify_key) = signer {
        let mut signature = [0u8; 64];
        r.inner.read_exact(&mut signature).map_err(damaged)?;
        let message = [SIGNATURE_CONTEXT, &digest].concat();
        if !crate::crypto::verify_signature(&verify_key, &message, &signature) {
            return Err(BackupError::BadSignature);
        }
    }
    let mut probe = [0u8; 1];
    if r.inner.read(&mut probe).map_err(damaged)? != 0 {
        return Err(BackupError::Damaged);
    }
    Ok(header)
}

/// A key named by a hostile header, fit for an error message: hex digits only, shortened.
fn sanitize_key(named: &str) -> String {
    let hex: String = named
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(64)
        .collect();
    if hex.is_empty() {
        "an unreadable key".into()
    } else {
        format!("verify key {hex}")
    }
}

/// Check a backup completely, its maker included, without writing anything.
pub fn verify(
    path: &Path,
    identities: &[crate::keys::Identity],
    trust: Trust<'_>,
) -> Result<BackupSummary, BackupError> {
    let mut bytes = 0u64;
    let header = read_backup(path, identities, trust, counting(&mut bytes))?;
    Ok(BackupSummary { header, bytes })
}

/// [`verify`] on an archive already decrypted (the fuzz target's way in).
pub fn verify_archive<R: Read>(plain: R, trust: Trust<'_>) -> Result<BackupSummary, BackupError> {
    let mut bytes = 0u64;
    let header = read_archive(plain, trust, counting(&mut bytes))?;
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
/// verified first, its signature included; then it is written, and checked again on the
/// way (the file could change in between: then nothing is left behind); the audit chain
/// is checked at the end.
pub fn restore(
    path: &Path,
    identities: &[crate::keys::Identity],
    trust: Trust<'_>,
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
    let summary = verify(path, identities, trust)?;
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
        read_backup(path, identities, trust, |item| {
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
