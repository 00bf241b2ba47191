//! The portal's store: sealed blobs as files, sled as their index.
//!
//! ```text
//! DATA/
//!   portal.json     portal id, receipt salt, KDF parameters (written once, fsync'd)
//!   blobs/<id>.age  one sealed container per tip or follow-up (age ciphertext only)
//!   tmp/            ciphertext being written; emptied at start-up
//!   spare/          empty files made ahead (at start-up, at midnight) for the next blobs
//!   index/          sled: lookup key -> tip record, blob id -> outbox record
//! ```
//!
//! Durability (ARCHITECTURE.md, invariant 3). sled's `flush()` uses `sync_file_range`, which neither
//! forces file metadata nor the drive's cache, and sled keeps whole values in memory, so:
//! 1. ciphertext streams into `tmp/`, then `fsync`, `rename` into `blobs/`, `fsync(blobs/)`;
//! 2. the index entries go into sled in one transaction, then `flush()`, then we `fsync`
//!    every file of sled's directory and the directory itself;
//! 3. only then does the caller show the receipt.
//!
//! A crash before step 3 shows no receipt; a blob without an index entry is still exported
//! (export takes every file in `blobs/`), so even then the office receives the tip.

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sled::Transactional;

use tipbox_core::crypto::{self, KdfParams, SALT_LEN};
use tipbox_core::durable;
use tipbox_core::receipt::LookupKey;
use tipbox_core::tip::Kind;

pub const META_FILE: &str = "portal.json";
const BLOBS_DIR: &str = "blobs";
const TMP_DIR: &str = "tmp";
/// Empty files made ahead of need (see [`Store::make_spares`]).
const SPARE_DIR: &str = "spare";
const INDEX_DIR: &str = "index";
pub const BLOB_SUFFIX: &str = ".age";

const TREE_TIPS: &str = "tips-by-lookup-key";
const TREE_OUTBOX: &str = "outbox";
const TREE_LOOKUP_BY_TIP: &str = "lookup-key-by-tip";
const TREE_UPDATES: &str = "signed-updates-by-tip";
const TREE_ACKED: &str = "acknowledged-blobs";
const TREE_META: &str = "meta";
const META_LAST_SEQUENCE: &str = "last-update-sequence";
const META_LAST_HASH: &str = "last-update-hash";
/// The verify key `serve` was last started with, so `apply` can run without a config.
pub const VERIFY_KEY_FILE: &str = "verify-key.txt";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create or write the data folder {path}: {source}. Check that it exists, is writable by this user, and that the disk is not full")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("the index in {path} cannot be opened: {source}. Is another tipbox-portal running on this data folder?")]
    Index {
        path: PathBuf,
        #[source]
        source: sled::Error,
    },
    #[error("{path} is damaged or from an incompatible version: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    #[error("the data folder {path} is not writable ({source}). Check that the disk is mounted read-write, is not full, and belongs to this user")]
    NotWritable {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{0} holds no portal data (no portal.json). Check --data")]
    NotAPortal(PathBuf),
    #[error("the index could not be updated: {0}")]
    IndexWrite(String),
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_owned(),
        source,
    }
}

/// The portal's identity and receipt salt. Public values, but they must never change:
/// a new salt would orphan every receipt issued so far.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PortalMeta {
    pub format: u32,
    /// Random id; bundles name it so one ledger can serve several portals.
    pub portal_id: String,
    /// argon2id salt for receipts (hex).
    pub salt: String,
    pub kdf: KdfParams,
}

impl PortalMeta {
    pub fn salt_bytes(&self) -> [u8; SALT_LEN] {
        let mut out = [0u8; SALT_LEN];
        if let Ok(bytes) = hex::decode(&self.salt) {
            if bytes.len() == SALT_LEN {
                out.copy_from_slice(&bytes);
            }
        }
        out
    }
}

/// What the portal keeps about a tip, keyed by its lookup key. No content, no time of day.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct TipRecord {
    pub format: u32,
    pub tip_id: String,
    /// UTC day of arrival.
    pub day: String,
    /// X25519 public key (hex) replies are sealed to.
    pub reply_public_key: String,
    /// The UTC day of each follow-up the reporter added, oldest first (at most
    /// [`MAX_FOLLOWUP_DAYS`]), shown on the status page. Absent in records from before
    /// 2026-12-06.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub followups: Vec<String>,
}

/// Most follow-up days a tip's record lists (the oldest are dropped first).
pub const MAX_FOLLOWUP_DAYS: usize = 100;

/// What a commit adds to the index besides the blob's outbox entry.
pub enum IndexChange<'a> {
    /// A new tip: its lookup entry.
    NewTip(&'a LookupKey, &'a TipRecord),
    /// A follow-up to the tip under this lookup key: its day joins the tip's record.
    Followup(&'a LookupKey),
}

/// A sealed blob waiting to be exported and acknowledged.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct OutboxRecord {
    pub format: u32,
    pub kind: Kind,
    pub tip_id: String,
    pub day: String,
    pub size: u64,
    /// Fingerprint of the recipient set that sealed the blob, so the ledger knows which
    /// office keys open it after keys are rotated.
    pub sealed_to: String,
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct ExportSummary {
    pub entries: u64,
    pub bytes: u64,
}

/// A blob being written: ciphertext only, in `tmp/`, removed on drop unless committed.
pub struct PendingBlob {
    pub blob_id: String,
    tmp_path: PathBuf,
    file: Option<File>,
}

impl PendingBlob {
    /// The file to stream ciphertext into.
    pub fn file(&mut self) -> &mut File {
        self.file.as_mut().expect("pending blob already closed")
    }
    pub fn take_file(&mut self) -> File {
        self.file.take().expect("pending blob already closed")
    }
    pub fn put_file(&mut self, file: File) {
        self.file = Some(file);
    }
}

impl Drop for PendingBlob {
    fn drop(&mut self) {
        // Not committed (rejected form, client gone, error): remove the ciphertext.
        if !self.tmp_path.as_os_str().is_empty() {
            let _ = fs::remove_file(&self.tmp_path);
        }
    }
}

pub struct Store {
    root: PathBuf,
    /// Empty files in `tmp/`, made ahead, for the next blobs.
    spares: std::sync::Mutex<Vec<PathBuf>>,
    meta: PortalMeta,
    db: sled::Db,
    tips: sled::Tree,
    outbox: sled::Tree,
    lookup_by_tip: sled::Tree,
    updates: sled::Tree,
    acked: sled::Tree,
    meta_tree: sled::Tree,
}

/// What applying an update bundle did.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct ApplySummary {
    pub sequence: u64,
    /// The same bundle was applied before: nothing changed.
    pub already_applied: bool,
    pub tips_updated: u64,
    pub unknown_tips: u64,
    pub acknowledged: u64,
    pub purged: u64,
    pub expired: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(transparent)]
    Refused(#[from] tipbox_core::bundle::update::UpdateError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    /// Open an existing store (operator commands): refuses a folder that holds no portal.
    pub fn open_existing(root: &Path) -> Result<Store, StoreError> {
        if !root.join(META_FILE).is_file() {
            return Err(StoreError::NotAPortal(root.to_owned()));
        }
        Self::open(root, KdfParams::DEFAULT)
    }

    /// Open (or create) the store. Creates the salt and portal id on first use.
    pub fn open(root: &Path, kdf: KdfParams) -> Result<Store, StoreError> {
        create_private_dir(root)?;
        for sub in [BLOBS_DIR, TMP_DIR, SPARE_DIR, INDEX_DIR] {
            create_private_dir(&root.join(sub))?;
        }
        // Anything in tmp/ is an upload that never finished: no receipt was shown for it.
        let tmp = root.join(TMP_DIR);
        // Fail early and clearly on a read-only or full data folder.
        let probe = tmp.join(".write-probe");
        fs::write(&probe, b"probe").map_err(|source| StoreError::NotWritable {
            path: root.to_owned(),
            source,
        })?;
        let _ = fs::remove_file(&probe);
        for entry in fs::read_dir(&tmp).map_err(io_err(&tmp))? {
            let entry = entry.map_err(io_err(&tmp))?;
            let _ = fs::remove_file(entry.path());
        }
        let meta = load_or_create_meta(root, kdf)?;
        let index = root.join(INDEX_DIR);
        let db = tipbox_core::durable::open_sled(
            &index,
            sled::Config::new().mode(sled::Mode::HighThroughput),
        )
        .map_err(|source| StoreError::Index {
            path: index.clone(),
            source,
        })?;
        let open_tree = |name: &str| {
            db.open_tree(name).map_err(|source| StoreError::Index {
                path: index.clone(),
                source,
            })
        };
        let store = Store {
            tips: open_tree(TREE_TIPS)?,
            outbox: open_tree(TREE_OUTBOX)?,
            lookup_by_tip: open_tree(TREE_LOOKUP_BY_TIP)?,
            updates: open_tree(TREE_UPDATES)?,
            acked: open_tree(TREE_ACKED)?,
            meta_tree: open_tree(TREE_META)?,
            root: root.to_owned(),
            spares: Default::default(),
            meta,
            db,
        };
        // Finish any purge a crash interrupted (acknowledged blobs are deleted for good).
        store.purge_acknowledged()?;
        Ok(store)
    }

    pub fn meta(&self) -> &PortalMeta {
        &self.meta
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A fresh random id (128 bits, hex) for a tip or blob.
    pub fn new_id() -> String {
        tipbox_core::vocab::new_id()
    }

    /// Start writing a new blob in `tmp/`: in a spare file made ahead (see
    /// [`Store::make_spares`]) while there is one, so that the blob's birth time (statx)
    /// is not the time its upload began.
    pub fn begin_blob(&self) -> Result<PendingBlob, StoreError> {
        let blob_id = Self::new_id();
        let tmp_path = self
            .root
            .join(TMP_DIR)
            .join(format!("{blob_id}{BLOB_SUFFIX}"));
        let spare = self.spares.lock().map(|mut s| s.pop()).unwrap_or(None);
        let file = match spare.map(|p| fs::rename(&p, &tmp_path)) {
            Some(Ok(())) => fs::OpenOptions::new()
                .write(true)
                .open(&tmp_path)
                .map_err(io_err(&tmp_path))?,
            // No spare left today (or it vanished): a new file, born now.
            _ => durable::create_private_file(&tmp_path).map_err(io_err(&tmp_path))?,
        };
        Ok(PendingBlob {
            blob_id,
            tmp_path,
            file: Some(file),
        })
    }

    /// Make empty spare files in `spare/` until there are `count`, for the blobs to
    /// come ([`Store::begin_blob`] moves one into `tmp/`; a rename keeps its birth time).
    /// The portal calls it at start-up and at every UTC midnight, times that say nothing
    /// about when a tip arrived. Blocking.
    pub fn make_spares(&self, count: usize) -> Result<(), StoreError> {
        let dir = self.root.join(SPARE_DIR);
        let mut spares = self
            .spares
            .lock()
            .map_err(|_| StoreError::IndexWrite("the spare files' list was poisoned".into()))?;
        if spares.is_empty() {
            // Spares left by an earlier run are as good as new ones.
            for entry in fs::read_dir(&dir).map_err(io_err(&dir))?.flatten() {
                spares.push(entry.path());
            }
        }
        let before = spares.len();
        while spares.len() < count {
            let path = dir.join(format!("{}{BLOB_SUFFIX}", Self::new_id()));
            durable::create_private_file(&path).map_err(io_err(&path))?;
            spares.push(path);
        }
        if spares.len() > before {
            sync_dir(&dir)?;
        }
        blur_times(&dir, &today());
        Ok(())
    }

    /// Make a blob and its index entries durable. Blocking: call from a blocking thread.
    pub fn commit(
        &self,
        mut pending: PendingBlob,
        outbox: &OutboxRecord,
        change: IndexChange<'_>,
    ) -> Result<(), StoreError> {
        let file = pending.take_file();
        // The exact time of arrival must not survive on disk: the file's times say the day.
        set_times_to_day(&file, &outbox.day);
        file.sync_all().map_err(io_err(&pending.tmp_path))?;
        drop(file);
        let final_path = self.blob_path(&pending.blob_id);
        fs::rename(&pending.tmp_path, &final_path).map_err(io_err(&final_path))?;
        pending.tmp_path = PathBuf::new(); // committed: Drop must not remove anything
        sync_dir(&self.root.join(BLOBS_DIR))?;
        // The folders' times would say when the latest blob arrived: the day only.
        for dir in [BLOBS_DIR, TMP_DIR, SPARE_DIR] {
            blur_times(&self.root.join(dir), &outbox.day);
        }

        let outbox_value = serde_json::to_vec(outbox).expect("records serialize");
        (&self.tips, &self.outbox, &self.lookup_by_tip)
            .transaction(|(tips, out, by_tip)| {
                out.insert(pending.blob_id.as_bytes(), outbox_value.clone())?;
                match &change {
                    IndexChange::NewTip(key, rec) => {
                        let value = serde_json::to_vec(rec).expect("records serialize");
                        tips.insert(&key.0[..], value)?;
                        by_tip.insert(rec.tip_id.as_bytes(), &key.0[..])?;
                    }
                    // Read and written in the transaction: two follow-ups at once both count.
                    IndexChange::Followup(key) => {
                        let current = tips.get(key.0)?;
                        if let Some(mut rec) =
                            current.and_then(|v| serde_json::from_slice::<TipRecord>(&v).ok())
                        {
                            rec.followups.push(outbox.day.clone());
                            let over = rec.followups.len().saturating_sub(MAX_FOLLOWUP_DAYS);
                            rec.followups.drain(..over);
                            let value = serde_json::to_vec(&rec).expect("records serialize");
                            tips.insert(&key.0[..], value)?;
                        }
                    }
                }
                Ok::<(), sled::transaction::ConflictableTransactionError<()>>(())
            })
            .map_err(|e| StoreError::IndexWrite(format!("{e:?}")))?;
        self.durable_flush()
    }

    /// sled's flush, then a real fsync of its files (see the module comment); then their
    /// access and modification times are set to today's midnight, so that they say the
    /// day of the latest write, not its time.
    pub fn durable_flush(&self) -> Result<(), StoreError> {
        let index = self.root.join(INDEX_DIR);
        durable::sync_sled(&self.db, &index).map_err(|e| StoreError::IndexWrite(e.to_string()))?;
        let day = today();
        if let Ok(listing) = fs::read_dir(&index) {
            for entry in listing.flatten() {
                blur_times(&entry.path(), &day);
            }
        }
        blur_times(&index, &day);
        Ok(())
    }

    pub fn find_tip(&self, key: &LookupKey) -> Result<Option<TipRecord>, StoreError> {
        match self
            .tips
            .get(key.0)
            .map_err(|e| StoreError::IndexWrite(e.to_string()))?
        {
            None => Ok(None),
            Some(bytes) => {
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|e| StoreError::Corrupt {
                        path: self.root.join(INDEX_DIR),
                        reason: format!("tip record: {e}"),
                    })
            }
        }
    }

    /// The stored, signed public state of a tip (verify it before showing it).
    pub fn signed_update(
        &self,
        tip_id: &str,
    ) -> Result<Option<tipbox_core::bundle::update::SignedTipUpdate>, StoreError> {
        match self
            .updates
            .get(tip_id.as_bytes())
            .map_err(|e| StoreError::IndexWrite(e.to_string()))?
        {
            None => Ok(None),
            Some(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
        }
    }

    fn meta_u64(&self, key: &str) -> Result<u64, StoreError> {
        Ok(self
            .meta_tree
            .get(key)
            .map_err(|e| StoreError::IndexWrite(e.to_string()))?
            .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes))
            .unwrap_or(0))
    }

    /// Verify and apply a signed update bundle: all of it or nothing. The same bundle again
    /// changes nothing; an older or different one with a used number is refused.
    pub fn apply(
        &self,
        bytes: &[u8],
        verify_key: &[u8; 32],
        retention_days: u32,
    ) -> Result<ApplySummary, ApplyError> {
        use tipbox_core::bundle::update::{self, UpdateError};
        let body = update::verify(bytes, verify_key, &self.meta.portal_id)?;
        let hash = tipbox_core::crypto::hash256(bytes);
        let last = self.meta_u64(META_LAST_SEQUENCE)?;
        let mut summary = ApplySummary {
            sequence: body.sequence,
            ..Default::default()
        };
        if body.sequence < last {
            return Err(UpdateError::Rollback {
                got: body.sequence,
                last,
            }
            .into());
        }
        if body.sequence == last {
            let last_hash = self
                .meta_tree
                .get(META_LAST_HASH)
                .map_err(|e| StoreError::IndexWrite(e.to_string()))?;
            if last_hash.as_deref() != Some(&hash[..]) {
                return Err(UpdateError::Replay(body.sequence).into());
            }
            summary.already_applied = true;
            summary.purged = self.purge_acknowledged()?;
            return Ok(summary);
        }
        // Everything verified: now write it in one transaction.
        let mut writes: Vec<(String, Vec<u8>)> = Vec::new();
        for signed in &body.tips {
            let u = signed
                .verify(verify_key, &self.meta.portal_id)
                .ok_or(UpdateError::BadSignature)?;
            if self
                .lookup_by_tip
                .contains_key(u.tip_id.as_bytes())
                .map_err(|e| StoreError::IndexWrite(e.to_string()))?
            {
                writes.push((
                    u.tip_id,
                    serde_json::to_vec(signed).expect("updates serialize"),
                ));
            } else {
                summary.unknown_tips += 1;
            }
        }
        summary.tips_updated = writes.len() as u64;
        summary.acknowledged = body.acknowledged.len() as u64;
        // A bundle may acknowledge items deleted long ago (a ledger from before 2026-12-01
        // acknowledges every item it ever imported from this portal); only those still here
        // need recording. Why: a ledger of a million items would otherwise make every apply
        // one transaction of a million writes, and a purge of as many.
        let held: std::collections::HashSet<String> = self.blob_ids()?.into_iter().collect();
        let to_purge: Vec<&String> = body
            .acknowledged
            .iter()
            .filter(|b| held.contains(b.as_str()))
            .collect();
        let day = today();
        (&self.updates, &self.acked, &self.meta_tree)
            .transaction(|(updates, acked, meta)| {
                for (tip_id, value) in &writes {
                    updates.insert(tip_id.as_bytes(), value.clone())?;
                }
                for blob in &to_purge {
                    acked.insert(blob.as_bytes(), day.as_bytes())?;
                }
                meta.insert(META_LAST_SEQUENCE, &body.sequence.to_be_bytes())?;
                meta.insert(META_LAST_HASH, &hash[..])?;
                Ok::<(), sled::transaction::ConflictableTransactionError<()>>(())
            })
            .map_err(|e| StoreError::IndexWrite(format!("{e:?}")))?;
        self.durable_flush()?;
        summary.purged = self.purge_acknowledged()?;
        summary.expired = self.expire_closed(retention_days, verify_key)?;
        Ok(summary)
    }

    /// Delete the ciphertext of every blob the office acknowledged, then forget the
    /// acknowledgement (once the deletion is durable: a crash before that repeats the purge
    /// at the next start-up). Idempotent.
    pub fn purge_acknowledged(&self) -> Result<u64, StoreError> {
        let mut purged = 0;
        let mut done = Vec::new();
        for item in self.acked.iter() {
            let (id, _) = item.map_err(|e| StoreError::IndexWrite(e.to_string()))?;
            let Ok(id) = std::str::from_utf8(&id) else {
                continue;
            };
            if !tipbox_core::bundle::inbox::is_blob_id(id) {
                continue;
            }
            let path = self.blob_path(id);
            match fs::remove_file(&path) {
                Ok(()) => purged += 1,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(StoreError::Io { path, source: e }),
            }
            self.outbox
                .remove(id.as_bytes())
                .map_err(|e| StoreError::IndexWrite(e.to_string()))?;
            done.push(id.to_owned());
        }
        if purged > 0 {
            sync_dir(&self.root.join(BLOBS_DIR))?;
        }
        if !done.is_empty() {
            for id in &done {
                self.acked
                    .remove(id.as_bytes())
                    .map_err(|e| StoreError::IndexWrite(e.to_string()))?;
            }
            self.durable_flush()?;
        }
        Ok(purged)
    }

    /// Remove the public records of tips closed, not accepted or transferred whose last
    /// public change ([`tipbox_core::bundle::update::TipUpdate::last_change`]) is more than `days`
    /// ago (retention). Their receipts then find nothing.
    pub fn expire_closed(&self, days: u32, verify_key: &[u8; 32]) -> Result<u64, StoreError> {
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let cutoff = time::OffsetDateTime::now_utc().date() - time::Duration::days(i64::from(days));
        let mut expired = 0;
        for item in self.updates.iter() {
            let (tip_id, value) = item.map_err(|e| StoreError::IndexWrite(e.to_string()))?;
            let Ok(signed) =
                serde_json::from_slice::<tipbox_core::bundle::update::SignedTipUpdate>(&value)
            else {
                continue;
            };
            let Some(u) = signed.verify(verify_key, &self.meta.portal_id) else {
                continue;
            };
            let finished = tipbox_core::bundle::update::is_final_status(&u.status);
            let old = time::Date::parse(u.last_change(), &format).is_ok_and(|d| d <= cutoff);
            if finished && old {
                if let Some(key) = self
                    .lookup_by_tip
                    .remove(&tip_id)
                    .map_err(|e| StoreError::IndexWrite(e.to_string()))?
                {
                    self.tips
                        .remove(key)
                        .map_err(|e| StoreError::IndexWrite(e.to_string()))?;
                }
                self.updates
                    .remove(&tip_id)
                    .map_err(|e| StoreError::IndexWrite(e.to_string()))?;
                expired += 1;
            }
        }
        if expired > 0 {
            self.durable_flush()?;
        }
        Ok(expired)
    }

    /// Ids of every sealed blob on disk (whether or not indexed), sorted.
    pub fn blob_ids(&self) -> Result<Vec<String>, StoreError> {
        let dir = self.root.join(BLOBS_DIR);
        let mut ids = Vec::new();
        for entry in fs::read_dir(&dir).map_err(io_err(&dir))? {
            let name = entry.map_err(io_err(&dir))?.file_name();
            if let Some(id) = name.to_str().and_then(|n| n.strip_suffix(BLOB_SUFFIX)) {
                ids.push(id.to_owned());
            }
        }
        ids.sort();
        Ok(ids)
    }

    pub fn outbox_record(&self, blob_id: &str) -> Result<Option<OutboxRecord>, StoreError> {
        match self
            .outbox
            .get(blob_id.as_bytes())
            .map_err(|e| StoreError::IndexWrite(e.to_string()))?
        {
            None => Ok(None),
            Some(bytes) => {
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|e| StoreError::Corrupt {
                        path: self.root.join(INDEX_DIR),
                        reason: format!("outbox record: {e}"),
                    })
            }
        }
    }

    /// Write an inbox bundle of every sealed blob not yet acknowledged (every file in
    /// `blobs/`: a blob whose index entry was lost in a crash is exported too).
    pub fn write_inbox<W: std::io::Write>(&self, out: W) -> Result<(W, ExportSummary), StoreError> {
        let ids = self.blob_ids()?;
        let mut fingerprints = Vec::with_capacity(ids.len());
        let mut paths = Vec::with_capacity(ids.len());
        let mut bytes = 0;
        for id in &ids {
            let sealed_to = self
                .outbox_record(id)?
                .map(|r| r.sealed_to)
                .unwrap_or_else(|| "unknown".into());
            let path = self.blob_path(id);
            bytes += fs::metadata(&path).map_err(io_err(&path))?.len();
            fingerprints.push(sealed_to);
            paths.push(path);
        }
        let sources: Vec<_> = ids
            .iter()
            .zip(&fingerprints)
            .zip(&paths)
            .filter(|((id, _), _)| tipbox_core::bundle::inbox::is_blob_id(id))
            .map(|((id, fp), path)| tipbox_core::bundle::inbox::Source {
                blob_id: id,
                sealed_to: fp,
                path,
            })
            .collect();
        let last_update = Some(self.meta_u64(META_LAST_SEQUENCE)?).filter(|&n| n > 0);
        let out = tipbox_core::bundle::inbox::write_with_last_update(
            out,
            &self.meta.portal_id,
            &today(),
            last_update,
            &sources,
        )
        .map_err(|source| StoreError::Io {
            path: self.root.join(BLOBS_DIR),
            source,
        })?;
        Ok((
            out,
            ExportSummary {
                entries: sources.len() as u64,
                bytes,
            },
        ))
    }

    pub fn blob_path(&self, blob_id: &str) -> PathBuf {
        self.root
            .join(BLOBS_DIR)
            .join(format!("{blob_id}{BLOB_SUFFIX}"))
    }
}

fn load_or_create_meta(root: &Path, kdf: KdfParams) -> Result<PortalMeta, StoreError> {
    let path = root.join(META_FILE);
    match fs::read(&path) {
        Ok(bytes) => {
            let meta: PortalMeta =
                serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
            if meta.format != 1 || hex::decode(&meta.salt).map(|s| s.len()) != Ok(SALT_LEN) {
                return Err(StoreError::Corrupt {
                    path,
                    reason: "unknown format or bad salt".into(),
                });
            }
            if !meta.kdf.is_within_bounds() {
                return Err(StoreError::Corrupt {
                    path,
                    reason: format!(
                        "its argon2id parameters ({} passes, {} bytes of memory) are out of \
                         range. Restore it from a backup: receipts issued so far can only be \
                         looked up with the parameters the portal was created with",
                        meta.kdf.passes, meta.kdf.memory
                    ),
                });
            }
            Ok(meta)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let mut salt = [0u8; SALT_LEN];
            crypto::random_bytes(&mut salt);
            let meta = PortalMeta {
                format: 1,
                portal_id: Store::new_id(),
                salt: hex::encode(salt),
                kdf,
            };
            let json = serde_json::to_vec_pretty(&meta).expect("meta serializes");
            write_durably(&path, &json)?;
            Ok(meta)
        }
        Err(e) => Err(StoreError::Io { path, source: e }),
    }
}

/// Write a small file atomically and durably (see [`tipbox_core::durable`]).
pub fn write_durably(path: &Path, contents: &[u8]) -> Result<(), StoreError> {
    durable::write_atomically(path, contents).map_err(io_err(path))
}

fn sync_dir(dir: &Path) -> Result<(), StoreError> {
    durable::sync_dir(dir).map_err(io_err(dir))
}

fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    durable::create_private_dir(dir).map_err(io_err(dir))
}

fn set_times_to_day(file: &File, day: &str) {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    if let Ok(date) = time::Date::parse(day, &format) {
        let midnight = date.midnight().assume_utc();
        let t = std::time::SystemTime::UNIX_EPOCH
            + std::time::Duration::from_secs(midnight.unix_timestamp().max(0) as u64);
        let _ = file.set_times(fs::FileTimes::new().set_accessed(t).set_modified(t));
    }
}

/// [`set_times_to_day`] for a path (a folder, or a file of sled's), best effort: the
/// kernel still sets its change time (ctime) to now, which nothing but the clock changes
/// (SECURITY.md, "What the file system keeps").
fn blur_times(path: &Path, day: &str) {
    if let Ok(f) = durable::open_noatime(path) {
        set_times_to_day(&f, day);
    }
}

/// Today's UTC date as `YYYY-MM-DD`: the finest time tipbox stores.
pub use tipbox_core::vocab::today;

#[cfg(test)]
mod tests {
    use super::*;
    use tipbox_core::bundle::update::{self, UpdateBody};

    /// Acknowledgements of items that are no longer here (every item the ledger ever
    /// imported) are not recorded, and those that are here are forgotten once purged: the
    /// acknowledgement tree stays the size of what is waiting, not of the office's history.
    #[test]
    fn acknowledgements_are_recorded_only_for_blobs_still_here_and_forgotten_after_purge() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), KdfParams::DEFAULT).unwrap();
        let held = Store::new_id();
        fs::write(store.blob_path(&held), b"ciphertext").unwrap();
        let key = crypto::SigningKey::generate();
        let mut acknowledged: Vec<String> = (0..1000).map(|_| Store::new_id()).collect();
        acknowledged.push(held.clone());
        let body = UpdateBody {
            format: update::FORMAT,
            purpose: update::PURPOSE.into(),
            portal_id: store.meta().portal_id.clone(),
            sequence: 1,
            made: today(),
            tips: vec![],
            acknowledged,
        };
        let summary = store
            .apply(&update::write(&body, &key), &key.verify_key(), 180)
            .unwrap();
        assert_eq!(summary.acknowledged, 1001, "the bundle's count is reported");
        assert_eq!(summary.purged, 1);
        assert!(!store.blob_path(&held).exists());
        assert_eq!(store.acked.len(), 0, "nothing is kept once purged");
    }
}
