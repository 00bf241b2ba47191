//! Ledger backups: a consistent, encrypted snapshot of the whole ledger, and its restore.
//!
//! The snapshot is logical, not a copy of sled's files: every tree's keys and values, plus
//! the ledger's own files (keys, settings, sealed items, audit log). It is taken while this
//! process holds the ledger's lock, so no other command writes meanwhile (they wait). The
//! archive is sealed with age to the office's recipients: restoring needs the office's
//! identity, not the passphrase of this machine.
//!
//! Sealing to a *public* key says nothing about who made a backup: anyone who knows the
//! office's recipient could hand the office a forged ledger to restore. So the archive is
//! also authenticated with the office identity itself: for each recipient it is sealed to,
//! a MAC keyed from that identity's secret ([`tipbox_core::keys::Identity::mac`]). Whoever can
//! open a backup can check it, with nothing more to carry; nobody else can make one.
//!
//! ```text
//! plaintext := MAGIC header-JSON-record item* end
//! item      := 0x01 path-len:u32 path size:u64 bytes        (a file)
//!            | 0x02 name-len:u32 name count:u64 (klen:u32 key vlen:u32 value)*   (a sled tree)
//! end       := 0x00 digest tag*
//! digest    := blake2b256(every plaintext byte before it, the 0x00 included)
//! tag       := the MAC of TAG_CONTEXT || digest by the identity of one recipient in the
//!              header's `authenticated_for`, in that order
//! ```
//!
//! Format 1 (before 2026-11-30) is the same without `authenticated_for` and tags; it is
//! read only when the reviewer vouches for the file (`--accept-unauthenticated`).
//!
//! Since 2026-12-01 the file also carries the office's keys, so that a backup restores
//! with nothing but itself and the passphrase (`restore FILE --ledger DIR`): before the
//! age file comes the ledger's `keys/identity.age`, which is sealed with the passphrase.
//!
//! ```text
//! file := KEYS_MAGIC length:u32 identity.age age-file     (since 2026-12-01)
//!       | age-file                                         (before; restore with --identity)
//! ```
//!
//! The carried keys are opened with the passphrase only ([`tipbox_core::keys::unlock_carried_identities`]):
//! a file that carries keys of someone else's choosing, sealed to another passphrase or
//! not sealed at all, does not open, so the tag keeps meaning "the office made this".

use std::fs;
use std::io::{self, BufReader, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{io_err, Action, Ledger, LedgerError};
use tipbox_core::crypto::{HashingReader, HashingWriter};

pub const MAGIC: &[u8; 15] = b"TIPBOX-BACKUP\0\x02";
/// How a backup file that carries the office's keys begins (then their length, u32be).
pub const KEYS_MAGIC: &[u8; 20] = b"TIPBOX-BACKUP-KEYS\0\x01";
/// An `identity.age` is a few hundred bytes per identity: a bound on a hostile length.
const MAX_CARRIED_KEYS: usize = 1 << 20;
pub const FORMAT: u32 = 2;
/// Backups made before they were authenticated.
const UNAUTHENTICATED_FORMAT: u32 = 1;
/// What the MAC key is derived for, and what the MAC covers besides the digest.
const TAG_PURPOSE: &[u8; 8] = b"tbBackup";
const TAG_CONTEXT: &[u8] = b"tipbox backup v2\n";
/// More recipients than any office has: a bound on a hostile header.
const MAX_TAGS: usize = 64;
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
    /// The recipients (`age1...`) whose identities authenticate the backup, one tag each;
    /// none in format 1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authenticated_for: Vec<String>,
}

/// What a backup's maker is checked with.
#[derive(Clone, Copy)]
pub struct Trust<'a> {
    /// The office identities being used to open the backup: one of them must have made
    /// its tag.
    pub identities: &'a [tipbox_core::keys::Identity],
    /// Also accept a backup made before backups were authenticated (format 1). Nothing then
    /// shows who made it: the reviewer vouches for where the file comes from.
    pub accept_unauthenticated: bool,
    /// Require the keys the file carries to be its own tagged `keys/identity.age`: always
    /// for `backup verify` (an OK must mean the passphrase restores it), and for `restore`
    /// with those keys; not for `restore --identity`, where the reviewer gives the keys.
    pub carried_keys_checked: bool,
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
    /// Write an encrypted backup of the whole ledger to `out`, authenticated with the
    /// office `identities` (atomically: temp file, fsync, rename).
    pub fn backup(
        &mut self,
        out: &Path,
        identities: &[tipbox_core::keys::Identity],
        mut progress: impl FnMut(u64),
    ) -> Result<BackupSummary, LedgerError> {
        // Recorded before the snapshot, so the restored audit log includes it.
        self.audit(Action::Backup, None, "")?;
        self.sync()?;
        let recipients = self.own_recipients()?;
        // A tag for every recipient the backup is sealed to: whoever opens it can check it.
        let mut taggers = Vec::new();
        for r in &recipients {
            let name = r.to_string();
            let identity = identities
                .iter()
                .find(|i| i.to_public().to_string() == name)
                .ok_or_else(|| LedgerError::IdentityMissingFor(name.clone()))?;
            taggers.push((name, identity));
        }
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
            authenticated_for: taggers.iter().map(|(name, _)| name.clone()).collect(),
        };
        // The office's keys as the ledger keeps them: sealed with the passphrase.
        let keys_path = self.keys_dir().join(tipbox_core::keys::IDENTITY_FILE);
        let carried = fs::read(&keys_path).map_err(io_err(&keys_path))?;
        if carried.is_empty() || carried.len() > MAX_CARRIED_KEYS {
            return Err(LedgerError::NotAnIdentityFile(keys_path));
        }
        tipbox_core::durable::check_replaceable(out).map_err(io_err(out))?;
        let tmp = tipbox_core::durable::partial_path(out);
        let file = tipbox_core::durable::create_private_file(&tmp).map_err(io_err(&tmp))?;
        let result = (|| -> Result<u64, LedgerError> {
            let io = |e| LedgerError::Io {
                path: tmp.clone(),
                source: e,
            };
            let mut file = BufWriter::with_capacity(256 * 1024, file);
            file.write_all(KEYS_MAGIC).map_err(io)?;
            file.write_all(&(carried.len() as u32).to_be_bytes())
                .map_err(io)?;
            file.write_all(&carried).map_err(io)?;
            let enc = age::Encryptor::with_recipients(
                recipients.iter().map(|r| r as &dyn age::Recipient),
            )?;
            let stream = enc.wrap_output(file).map_err(io_err(&tmp))?;
            let mut w = HashingWriter::new(stream);
            w.write_all(MAGIC).map_err(io)?;
            tipbox_core::bundle::write_json(&mut w, &header).map_err(io)?;
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
                    return Err(LedgerError::FileChangedDuringBackup(path));
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
                    return Err(LedgerError::LedgerChangedDuringBackup);
                }
            }
            w.write_all(&[TAG_END]).map_err(io)?;
            let digest = std::mem::take(&mut w.hasher).finalize();
            let mut stream = w.inner;
            stream.write_all(&digest).map_err(io)?;
            let message = [TAG_CONTEXT, &digest].concat();
            for (_, identity) in &taggers {
                stream
                    .write_all(&identity.mac(TAG_PURPOSE, &message))
                    .map_err(io)?;
            }
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
        tipbox_core::durable::rename_into_place(&tmp, out).map_err(io_err(out))?;
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
    #[error("this is not a tipbox backup (wrong file?)")]
    NotABackup,
    #[error("backup format version {0} is not supported; upgrade tipbox")]
    UnsupportedVersion(u32),
    #[error("the backup is truncated or damaged; use another copy")]
    Damaged,
    #[error("the backup holds an unsafe or unknown path; refusing it")]
    BadPath,
    #[error("the backup's checksum does not match; use another copy")]
    Checksum,
    #[error("this backup was made before backups were authenticated (format 1), so nothing shows who made it; if you are sure it is the office's own, add --accept-unauthenticated")]
    Unauthenticated,
    #[error("nothing in this backup shows that the office made it (it carries no authentication for the identities given): it may be forged; do not restore it")]
    NotAuthenticatedForUs,
    #[error("the backup's authentication does not match: it was altered or forged after it was made; use another copy")]
    BadAuthentication,
    #[error("the office keys this backup carries are not the keys/identity.age inside it: they were replaced after the backup was made, and this file is not the backup the office made. Do not restore it: use another copy")]
    CarriedKeysReplaced,
    #[error(transparent)]
    Ledger(#[from] LedgerError),
}

/// Open a backup file: the keys it carries, if any, and the file positioned at its age
/// layer.
fn open_file(path: &Path) -> Result<(Option<Vec<u8>>, BufReader<fs::File>), BackupError> {
    let unreadable = |source| BackupError::Io {
        path: path.to_owned(),
        source,
    };
    let file = fs::File::open(path).map_err(unreadable)?;
    let mut file = BufReader::with_capacity(256 * 1024, file);
    let mut magic = Vec::with_capacity(KEYS_MAGIC.len());
    (&mut file)
        .take(KEYS_MAGIC.len() as u64)
        .read_to_end(&mut magic)
        .map_err(unreadable)?;
    if magic != KEYS_MAGIC {
        // Made before backups carried keys, the age file starts at once; anything else
        // (an inbox or update bundle handed over by mistake) is no backup at all.
        if !magic.starts_with(b"age-encryption.org/") {
            return Err(BackupError::NotABackup);
        }
        file.seek(io::SeekFrom::Start(0)).map_err(unreadable)?;
        return Ok((None, file));
    }
    let mut len = [0u8; 4];
    file.read_exact(&mut len)
        .map_err(|_| BackupError::Damaged)?;
    let len = u32::from_be_bytes(len) as usize;
    if len == 0 || len > MAX_CARRIED_KEYS {
        return Err(BackupError::Damaged);
    }
    let mut keys = vec![0u8; len];
    file.read_exact(&mut keys)
        .map_err(|_| BackupError::Damaged)?;
    Ok((Some(keys), file))
}

/// The office keys a backup carries (its `identity.age`, sealed with the passphrase that
/// protected it when the backup was made), or `None` for a backup made before 2026-12-01.
/// Open them with [`tipbox_core::keys::unlock_carried_identities`].
pub fn carried_keys(path: &Path) -> Result<Option<Vec<u8>>, BackupError> {
    Ok(open_file(path)?.0)
}

fn read_backup(
    path: &Path,
    trust: Trust<'_>,
    each: impl FnMut(Item<'_>) -> Result<(), BackupError>,
) -> Result<BackupHeader, BackupError> {
    let (carried, file) = open_file(path)?;
    // Its age header is read with bounded work, like every sealed file the office opens.
    let plain = tipbox_core::keys::open_sealed(
        file,
        trust.identities.iter().map(|i| i as &dyn age::Identity),
    )
    .map_err(|e| match e {
        tipbox_core::keys::OpenError::NotOurs
        | tipbox_core::keys::OpenError::ExcessiveWork { .. } => BackupError::NotOurs,
        _ => BackupError::NotABackup,
    })?;
    read_archive(plain, trust, carried.as_deref(), each)
}

/// Read the archive inside a backup's age layer (format in the module comment), checking
/// everything, and hand each item to `each`. Anyone who knows the office's public recipient
/// can make an age file, so this reads hostile input: lengths are bounded, paths checked,
/// and the checksum covers every byte (fuzzed: `fuzz/fuzz_targets/backup_archive.rs`).
/// Who made it is known only at the end, from the tags: `each` must not make anything
/// lasting before this returns `Ok` (`restore` reads a backup twice).
fn read_archive<R: Read>(
    plain: R,
    trust: Trust<'_>,
    carried: Option<&[u8]>,
    mut each: impl FnMut(Item<'_>) -> Result<(), BackupError>,
) -> Result<BackupHeader, BackupError> {
    // The keys a backup carries in front of its age layer are outside the tag; the
    // archive's own copy of `keys/identity.age` is inside it. They must be the same file,
    // or whoever swapped the carried keys would have `backup verify` say OK for a backup
    // that the passphrase no longer restores.
    let keys_file = Path::new("keys").join(tipbox_core::keys::IDENTITY_FILE);
    let carried = carried.filter(|_| trust.carried_keys_checked);
    let mut keys_match = carried.is_none();
    let mut r = HashingReader::new(plain);
    let damaged = |_| BackupError::Damaged;
    let mut magic = [0u8; 15];
    r.read_exact(&mut magic).map_err(damaged)?;
    if magic[..14] != MAGIC[..14] {
        return Err(BackupError::NotABackup);
    }
    let version = u32::from(magic[14]);
    if version != FORMAT && version != UNAUTHENTICATED_FORMAT {
        return Err(BackupError::UnsupportedVersion(version));
    }
    let (header, _): (BackupHeader, _) =
        tipbox_core::bundle::read_json(&mut r, 64 * 1024).map_err(|_| BackupError::Damaged)?;
    if header.format != version {
        return Err(BackupError::Damaged);
    }
    // Printed and audited by `restore` and `backup verify` (a format-1 backup is not
    // authenticated at all): their syntax is checked before anything shows them.
    let time_format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    if time::PrimitiveDateTime::parse(&header.made, &time_format).is_err()
        || header.made.len() != 20
        || header
            .authenticated_for
            .iter()
            .any(|r| tipbox_core::keys::parse_recipient(r).is_err() || r.trim() != r)
    {
        return Err(BackupError::Damaged);
    }
    // Refuse early what no tag could make acceptable, before reading gigabytes: the tag to
    // check is that of the first identity given whose recipient the header names.
    let checker: Option<(usize, &tipbox_core::keys::Identity)> =
        if version == UNAUTHENTICATED_FORMAT {
            if !header.authenticated_for.is_empty() {
                return Err(BackupError::Damaged);
            }
            if !trust.accept_unauthenticated {
                return Err(BackupError::Unauthenticated);
            }
            None
        } else {
            let named = &header.authenticated_for;
            if named.is_empty() || named.len() > MAX_TAGS {
                return Err(BackupError::Damaged);
            }
            let found = trust.identities.iter().find_map(|i| {
                let ours = i.to_public().to_string();
                named.iter().position(|n| *n == ours).map(|at| (at, i))
            });
            Some(found.ok_or(BackupError::NotAuthenticatedForUs)?)
        };
    let u32_of = |r: &mut HashingReader<_>| -> Result<usize, BackupError> {
        let mut b = [0u8; 4];
        r.read_exact(&mut b).map_err(damaged)?;
        Ok(u32::from_be_bytes(b) as usize)
    };
    // What the header says it holds is printed and audited: it must be what is there.
    let (mut files, mut trees, mut tips) = (0u64, 0u64, 0u64);
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
                files += 1;
                let mut body = (&mut r).take(size);
                if let Some(carried) = carried.filter(|_| rel == keys_file) {
                    // At most MAX_CARRIED_KEYS: a larger one cannot equal what is carried.
                    let mut copy = Vec::new();
                    (&mut body)
                        .take(MAX_CARRIED_KEYS as u64 + 1)
                        .read_to_end(&mut copy)
                        .map_err(damaged)?;
                    keys_match = copy == carried && body.limit() == 0;
                    each(Item::File(
                        rel,
                        size,
                        &mut io::Read::chain(&copy[..], &mut body),
                    ))?;
                } else {
                    each(Item::File(rel, size, &mut body))?;
                }
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
                trees += 1;
                if name == super::TREE_TIPS.as_bytes() {
                    tips = u64::from_be_bytes(count);
                }
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
    if (files, trees, tips) != (header.files, header.trees, header.tips) {
        return Err(BackupError::Damaged);
    }
    let digest = std::mem::take(&mut r.hasher).finalize();
    let mut stored = [0u8; 32];
    r.inner.read_exact(&mut stored).map_err(damaged)?;
    if stored != digest {
        return Err(BackupError::Checksum);
    }
    if let Some((at, identity)) = checker {
        let mut tags = vec![[0u8; 32]; header.authenticated_for.len()];
        for tag in &mut tags {
            r.inner.read_exact(tag).map_err(damaged)?;
        }
        let expected = identity.mac(TAG_PURPOSE, &[TAG_CONTEXT, &digest].concat());
        if !tipbox_core::crypto::mac_eq(&tags[at], &expected) {
            return Err(BackupError::BadAuthentication);
        }
    }
    let mut probe = [0u8; 1];
    if r.inner.read(&mut probe).map_err(damaged)? != 0 {
        return Err(BackupError::Damaged);
    }
    if !keys_match {
        return Err(BackupError::CarriedKeysReplaced);
    }
    Ok(header)
}

/// Check a backup completely, its maker included, without writing anything.
pub fn verify(path: &Path, trust: Trust<'_>) -> Result<BackupSummary, BackupError> {
    let mut bytes = 0u64;
    let header = read_backup(path, trust, counting(&mut bytes))?;
    Ok(BackupSummary { header, bytes })
}

/// [`verify`] on an archive already decrypted (the fuzz target's way in).
pub fn verify_archive<R: Read>(plain: R, trust: Trust<'_>) -> Result<BackupSummary, BackupError> {
    let mut bytes = 0u64;
    let header = read_archive(plain, trust, None, counting(&mut bytes))?;
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
/// verified first, its maker included; then it is written, and checked again on the way
/// (the file could change in between: then nothing is left behind); the audit chain is
/// checked at the end.
pub fn restore(path: &Path, trust: Trust<'_>, target: &Path) -> Result<BackupSummary, BackupError> {
    if target.exists() {
        let mut entries = fs::read_dir(target).map_err(|source| BackupError::Io {
            path: target.to_owned(),
            source,
        })?;
        if entries.next().is_some() {
            return Err(LedgerError::RestoreTargetNotEmpty(target.to_owned()).into());
        }
    }
    let summary = verify(path, trust)?;
    super::create_private_dir(target)?;
    // An empty folder made beforehand by hand is usually open to every local user.
    super::make_private(target).map_err(|source| BackupError::Io {
        path: target.to_owned(),
        source,
    })?;
    let result =
        (|| -> Result<(), BackupError> {
            for dir in ["keys", "blobs", "db"] {
                super::create_private_dir(&target.join(dir))?;
            }
            let db = tipbox_core::durable::open_sled(&target.join("db"), sled::Config::new())
                .map_err(|source| LedgerError::Db {
                    path: target.join("db"),
                    source,
                })?;
            let mut tree: Option<sled::Tree> = None;
            read_backup(path, trust, |item| {
                match item {
                    Item::File(rel, _, body) => {
                        let dest = target.join(&rel);
                        // Owner-only like the ledger's own packs and keys (and never over a
                        // file or through a symlink).
                        let mut f = tipbox_core::durable::create_new_private_file(&dest).map_err(
                            |source| BackupError::Io {
                                path: dest.clone(),
                                source,
                            },
                        )?;
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
    use super::{carried_keys, safe_relative, BackupError, KEYS_MAGIC, MAX_CARRIED_KEYS};

    /// The keys in front of a backup are read before anything is checked: a hostile length
    /// or a cut-off file is refused without allocating what it claims.
    #[test]
    fn carried_keys_are_bounded_and_files_without_them_are_read_as_before() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, bytes: &[u8]| {
            let path = dir.path().join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        };
        let with = |len: u32, keys: &[u8]| {
            [
                &KEYS_MAGIC[..],
                &len.to_be_bytes(),
                keys,
                b"age-encryption.org/v1\n",
            ]
            .concat()
        };
        let ok = file("ok", &with(3, b"abc"));
        assert_eq!(carried_keys(&ok).unwrap().as_deref(), Some(&b"abc"[..]));
        for (name, bytes) in [
            ("huge", with(u32::MAX, b"abc")),
            ("over", with(MAX_CARRIED_KEYS as u32 + 1, b"abc")),
            ("empty", with(0, b"")),
            (
                "cut-in-keys",
                [&KEYS_MAGIC[..], &10u32.to_be_bytes(), b"abc"].concat(),
            ),
            ("cut-in-length", [&KEYS_MAGIC[..], &[0u8, 0][..]].concat()),
        ] {
            assert!(
                matches!(carried_keys(&file(name, &bytes)), Err(BackupError::Damaged)),
                "{name}"
            );
        }
        let older = file("older", b"age-encryption.org/v1\n-> X25519 ...");
        assert!(carried_keys(&older).unwrap().is_none());
        for (name, bytes) in [
            ("short", &b"TIPBOX"[..]),
            ("nothing", &b""[..]),
            ("inbox bundle", &b"TIPBOX-INBOX\0\x02..."[..]),
        ] {
            assert!(
                matches!(
                    carried_keys(&file(name, bytes)),
                    Err(BackupError::NotABackup)
                ),
                "{name}"
            );
        }
    }

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
