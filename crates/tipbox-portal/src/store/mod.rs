//! The portal's store: sealed blobs as files, sled as their index.
//!
//! ```text
//! DATA/
//!   portal.json     portal id, receipt salt, KDF parameters (written once, fsync'd)
//!   bundle-signing.key  the portal's bundle-signing key (secret; signs every export)
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
//!
//! Here: the layout, the records and opening the store; `blobs.rs`: writing and committing
//! sealed blobs; `exchange.rs`: exports and applied update bundles.

mod blobs;
mod exchange;

use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use tipbox_core::bundle::site::SiteParams;
use tipbox_core::crypto::{self, KdfParams, SALT_LEN};
use tipbox_core::durable;
use tipbox_core::receipt::LookupKey;
use tipbox_core::tip::Kind;

pub use blobs::{IndexChange, PendingBlob};
pub use exchange::{ApplyError, ApplySummary, ExportSummary};

pub const META_FILE: &str = "portal.json";
/// The portal's bundle-signing key: the ed25519 seed, 64 hex digits and a newline, mode
/// 0600. Made with the data folder (or at the first start of one made before 2026-12-08);
/// it signs every inbox bundle, and the office's ledger pins its public half at the first
/// signed bundle, so that no other portal can write a bundle in this one's name
/// (docs/design/sites.md, "Portal keys"). Back it up with the data folder: a portal that
/// loses it makes a new one, which the office must accept by hand (`import --new-portal-key`).
pub const SIGNING_KEY_FILE: &str = "bundle-signing.key";
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
/// Signed public records of tips other portals of the site received, by reply public key.
const TREE_SITE_TIPS: &str = "site-tips-by-reply-key";
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
    #[error("cannot derive receipt keys with the site file's argon2id parameters ({passes} passes, {memory} bytes of memory) on this machine; nothing was written to the data folder. Is the machine short of memory (or limited by ulimit -v)? Free some, or run the portal where the derivation fits")]
    SiteCannotDerive { passes: u64, memory: usize },
    #[error("the site file given (site {given}) is not the site this portal was created in (site {own}, recorded in {path}). A portal's receipts work only with the salt it was created with: give it its own site's file (`tipbox-portal site --data DIR --out FILE` on a portal of that site), or start a new data folder to join site {given}")]
    OtherSite {
        path: PathBuf,
        own: String,
        given: String,
    },
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
    /// The site this portal belongs to: its own salt and KDF parameters (a portal created
    /// without a site file is a site of its own, which others can join).
    pub fn site(&self) -> SiteParams {
        SiteParams {
            salt: self.salt_bytes(),
            kdf: self.kdf,
        }
    }

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
    /// Set only in memory, for a tip another portal of the site received: that portal's id
    /// (its follow-ups name it), and the record comes from the site tree, never `tips`.
    #[serde(skip)]
    pub home_portal: Option<String>,
}

/// Most follow-up days a tip's record lists (the oldest are dropped first).
pub const MAX_FOLLOWUP_DAYS: usize = 100;

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
    site_tips: sled::Tree,
    signing_key: crypto::SigningKey,
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
        Self::open_in_site(root, kdf, None)
    }

    /// Open (or create) the store of a portal of a site: a new one takes the site's salt
    /// and KDF parameters instead of fresh ones; an existing one must already have them
    /// (docs/design/sites.md), or it is refused with [`StoreError::OtherSite`].
    pub fn open_in_site(
        root: &Path,
        kdf: KdfParams,
        site: Option<&SiteParams>,
    ) -> Result<Store, StoreError> {
        // A new portal of a site: derive once with the site's parameters before anything
        // is made, so that parameters this machine cannot derive with leave no data folder
        // behind, nor a portal.json holding the portal to them (test
        // `a_site_file_this_machine_cannot_derive_with_leaves_no_data_folder`).
        if let Some(site) = site {
            let new = matches!(fs::symlink_metadata(root.join(META_FILE)),
                Err(e) if e.kind() == io::ErrorKind::NotFound);
            if new {
                crypto::argon2id(b"tipbox-portal site check", &site.salt, site.kdf).map_err(
                    |_| StoreError::SiteCannotDerive {
                        passes: site.kdf.passes,
                        memory: site.kdf.memory,
                    },
                )?;
            }
        }
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
        let meta = load_or_create_meta(root, kdf, site)?;
        let signing_key = load_or_create_signing_key(root)?;
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
            site_tips: open_tree(TREE_SITE_TIPS)?,
            root: root.to_owned(),
            spares: Default::default(),
            meta,
            db,
            signing_key,
        };
        // Finish any purge a crash interrupted (acknowledged blobs are deleted for good).
        store.purge_acknowledged()?;
        Ok(store)
    }

    pub fn meta(&self) -> &PortalMeta {
        &self.meta
    }

    /// The public half of the portal's bundle-signing key (what `export` prints, and the
    /// office compares with what its ledger pinned).
    pub fn portal_key(&self) -> [u8; 32] {
        self.signing_key.verify_key()
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    /// A fresh random id (128 bits, hex) for a tip or blob.
    pub fn new_id() -> String {
        tipbox_core::vocab::new_id()
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
        self.read_record(&self.tips, &key.0, "tip record")
    }

    /// The signed record of a tip another portal of the site received, by the reply public
    /// key a typed receipt derives (verify it before showing it).
    pub fn find_site_tip(
        &self,
        reply_public: &[u8; 32],
    ) -> Result<Option<tipbox_core::bundle::update::SignedTipUpdate>, StoreError> {
        self.read_record(&self.site_tips, reply_public, "site record")
    }

    /// Whether this portal holds records of tips other portals of its site received.
    pub fn has_site_tips(&self) -> bool {
        !self.site_tips.is_empty()
    }

    /// The JSON record under `key` in `tree`, if there is one; `what` names it in the error
    /// if it does not parse.
    fn read_record<T: serde::de::DeserializeOwned>(
        &self,
        tree: &sled::Tree,
        key: &[u8],
        what: &str,
    ) -> Result<Option<T>, StoreError> {
        match tree
            .get(key)
            .map_err(|e| StoreError::IndexWrite(e.to_string()))?
        {
            None => Ok(None),
            Some(bytes) => {
                serde_json::from_slice(&bytes)
                    .map(Some)
                    .map_err(|e| StoreError::Corrupt {
                        path: self.root.join(INDEX_DIR),
                        reason: format!("{what}: {e}"),
                    })
            }
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
}

fn load_or_create_meta(
    root: &Path,
    kdf: KdfParams,
    site: Option<&SiteParams>,
) -> Result<PortalMeta, StoreError> {
    let path = root.join(META_FILE);
    match fs::read(&path) {
        Ok(bytes) => {
            let meta = parse_meta(&path, &bytes)?;
            if let Some(site) = site {
                let own = meta.site();
                if own != *site {
                    return Err(StoreError::OtherSite {
                        path,
                        own: own.site_id(),
                        given: site.site_id(),
                    });
                }
            }
            Ok(meta)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            let (salt, kdf) = match site {
                Some(site) => (site.salt, site.kdf),
                None => {
                    let mut salt = [0u8; SALT_LEN];
                    crypto::random_bytes(&mut salt);
                    (salt, kdf)
                }
            };
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

/// The data folder's bundle-signing key ([`SIGNING_KEY_FILE`]), made if there is none.
fn load_or_create_signing_key(root: &Path) -> Result<crypto::SigningKey, StoreError> {
    match read_signing_key(root) {
        Err(StoreError::Io { source, .. }) if source.kind() == io::ErrorKind::NotFound => {
            let key = crypto::SigningKey::generate();
            let text = zeroize::Zeroizing::new(format!("{}\n", hex::encode(*key.seed())));
            write_durably(&root.join(SIGNING_KEY_FILE), text.as_bytes())?;
            Ok(key)
        }
        other => other,
    }
}

/// Read a data folder's bundle-signing key ([`SIGNING_KEY_FILE`]).
/// Only an ordinary file in the data folder itself is read (no link followed), and at most
/// 128 bytes of it (a FIFO put in its place hung the portal, a link to /dev/zero filled its
/// memory, a link to another portal's key signed with that one); a key readable by others
/// (copied back from a backup with the umask's mode) is made the owner's alone again.
pub fn read_signing_key(root: &Path) -> Result<crypto::SigningKey, StoreError> {
    use std::io::Read;
    use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
    let path = root.join(SIGNING_KEY_FILE);
    let not_ordinary = |path: PathBuf| StoreError::Corrupt {
        path,
        reason: "it is not an ordinary file (a link, a device, a FIFO or a folder). Restore \
                 the key file from the data folder's backup"
            .into(),
    };
    // Not opened if it is a link (O_NOFOLLOW), nor waited on if it is a FIFO (O_NONBLOCK);
    // what was opened is checked, not the name.
    let file = match fs::OpenOptions::new()
        .read(true)
        .custom_flags((rustix::fs::OFlags::NOFOLLOW | rustix::fs::OFlags::NONBLOCK).bits() as i32)
        .open(&path)
    {
        Ok(file) => file,
        Err(e) if e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) => {
            return Err(not_ordinary(path))
        }
        Err(e) => return Err(io_err(&path)(e)),
    };
    let meta = file.metadata().map_err(io_err(&path))?;
    if !meta.is_file() {
        return Err(not_ordinary(path));
    }
    if meta.permissions().mode() & 0o077 != 0 {
        file.set_permissions(fs::Permissions::from_mode(0o600))
            .map_err(io_err(&path))?;
    }
    let mut text = zeroize::Zeroizing::new(Vec::with_capacity(256));
    file.take(128)
        .read_to_end(&mut text)
        .map_err(io_err(&path))?;
    let mut seed = zeroize::Zeroizing::new([0u8; 32]);
    let trimmed = text.strip_suffix(b"\n").unwrap_or(&text);
    if hex::decode_to_slice(trimmed, &mut seed[..]).is_err() {
        return Err(StoreError::Corrupt {
            path,
            reason: "it is not a key of 64 hexadecimal digits. Restore it from the data \
                     folder's backup: the office's ledger accepts only bundles signed with \
                     the key it knows this portal by"
                .into(),
        });
    }
    Ok(crypto::SigningKey::from_seed(&seed))
}

/// Read a data folder's `portal.json` (operator commands that need nothing else).
pub fn read_meta(root: &Path) -> Result<PortalMeta, StoreError> {
    let path = root.join(META_FILE);
    match fs::read(&path) {
        Ok(bytes) => parse_meta(&path, &bytes),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            Err(StoreError::NotAPortal(root.to_owned()))
        }
        Err(e) => Err(StoreError::Io { path, source: e }),
    }
}

/// `portal.json`'s contents, checked: format, salt, KDF parameters within bounds.
fn parse_meta(path: &Path, bytes: &[u8]) -> Result<PortalMeta, StoreError> {
    let path = path.to_owned();
    let meta: PortalMeta = serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt {
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
