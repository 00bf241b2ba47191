//! The case ledger (台账) on the reviewer's air-gapped machine.
//!
//! ```text
//! LEDGER/
//!   keys/          office keys (see `keys`): identity and signing key, passphrase-encrypted
//!   ledger.toml    deadlines and other settings
//!   blobs/         sealed tips and follow-ups exactly as the portal sealed them: one
//!                  pack-<id>.age-pack per import, items one after the other (ledgers from
//!                  before packs: one <blob_id>.age per item)
//!   db/            sled: ledger entries, what each import added (`imported`), the next id,
//!                  what each portal still held at its last inbox bundle (no tip content)
//!   audit.log      hash-chained log of reviewer actions (see `audit`)
//!   index/         summaries that `list` and `report` read, rebuilt from db/ when needed
//!                  (see `summary`)
//! ```
//!
//! Tip content stays age-encrypted at rest; `show` and `search` decrypt in memory only.
//! Reviewer-written text (notes, summaries, public notes, replies) is sealed with age to the
//! office's own recipients, so writing it needs no passphrase and reading it does. Fields
//! used to list and count (status, category, department, dates) are kept in the clear so
//! that `list` and `report` never decrypt anything.

#![forbid(unsafe_code)]

mod action;
pub mod audit;
pub mod backup;
pub mod casework;
mod config;
mod early_entries;
mod entry;
mod error;
pub mod handover;
mod import;
pub mod imported;
mod items;
mod publish;
pub mod report;
pub mod search;
mod site;
pub mod summary;

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

pub use action::Action;
pub use config::*;
pub use entry::*;
pub use error::*;
use import::*;
pub use items::OpenPacks;
use items::*;
pub use site::SiteChange;
use tipbox_core::bundle::{inbox, BundleReadError};
use tipbox_core::keys;
use tipbox_core::tip::{ContainerReader, Kind, Manifest, Record};
pub use tipbox_core::vocab::{Day, Keyed, PublicStatus, RewardState};

pub use audit::{AuditError, AuditLog};

const DB_DIR: &str = "db";
const BLOBS_DIR: &str = "blobs";
const CONFIG_FILE: &str = "ledger.toml";

const TREE_TIPS: &str = "tips";
const TREE_BLOBS: &str = "blob-to-tip";
const TREE_PORTAL_TIPS: &str = "portal-tip-to-tip";
const TREE_IMPORTS: &str = "imports";
const TREE_META: &str = "meta";
const KEY_NEXT_ID: &str = "next-tip-id";
/// Followed by a portal id: the items that portal held at its last inbox bundle.
const KEY_PORTAL_HOLDS: &str = "portal-holds:";
/// `handed-over-from:<portal>`: a bundle calling itself a hand-over named this portal.
const KEY_HANDOVER_FROM: &str = "handed-over-from:";
/// `portal-key:<portal>`: the portal's bundle-signing key (32 bytes), pinned at its first
/// signed inbox bundle (`import::portal_key`).
const KEY_PORTAL_KEY: &str = "portal-key:";

/// Make the ledger's folder its owner's alone (mode 0700) if it is not; returns whether it
/// had to change. Why: the audit log and the settings sit at its top, and a folder made by
/// hand (for `restore`, say) or by an older tipbox is usually open to every local user.
pub(crate) fn make_private(root: &Path) -> std::io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(root)?.permissions().mode();
        if mode & 0o077 != 0 {
            fs::set_permissions(root, fs::Permissions::from_mode(0o700))?;
            return Ok(true);
        }
    }
    Ok(false)
}

/// A ledger is a folder with `keys/recipient.txt`; say which part is missing. A ledger
/// open to other local users is made private on the way.
fn check_is_ledger(root: &Path, tell: &dyn Fn(Progress)) -> Result<(), LedgerError> {
    let keys = root.join("keys");
    if keys.join(keys::RECIPIENT_FILE).is_file() {
        if make_private(root).map_err(io_err(root))? {
            tell(Progress::MadePrivate(root.to_owned()));
        }
        Ok(())
    } else if keys.is_dir() {
        Err(LedgerError::RecipientFileMissing(keys))
    } else {
        Err(LedgerError::NotALedger(root.to_owned()))
    }
}

/// What the ledger tells the person running a command while it works, without failing:
/// front-ends print these (the library never prints).
#[derive(Debug)]
pub enum Progress {
    MadePrivate(PathBuf),
    RebuildingSummaries,
    WaitingForLock,
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Progress::MadePrivate(root) => write!(
                f,
                "{} was open to other users of this machine; it is now private (mode 0700)",
                root.display()
            ),
            Progress::RebuildingSummaries => {
                f.write_str("rebuilding the summary index from the database...")
            }
            Progress::WaitingForLock => f.write_str(
                "waiting for another tipbox-review command to finish with this ledger...",
            ),
        }
    }
}

pub struct Ledger {
    root: PathBuf,
    db: sled::Db,
    tips: sled::Tree,
    blobs: sled::Tree,
    portal_tips: sled::Tree,
    imports: sled::Tree,
    meta: sled::Tree,
    pub config: LedgerConfig,
    audit: AuditLog,
    summaries: summary::SummaryLog,
    actor: String,
    /// An import has begun its writes (past planning): a failure from here is not a
    /// refusal that leaves the ledger as it was.
    import_writing: bool,
    /// The bundle-signing key the office accepts for the next import in place of the one
    /// pinned for its portal (`import --new-portal-key`; [`Ledger::accept_new_portal_key`]).
    new_portal_key: Option<[u8; 32]>,
}

/// What an import did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ImportSummary {
    pub portal_id: String,
    /// A hand-over bundle from another unit (its tips are marked handed over).
    pub handover: bool,
    pub new_tips: u64,
    pub new_followups: u64,
    /// The tips that new follow-ups joined: the reviewer looks at them again (a follow-up
    /// may reopen a closed case).
    pub followup_tips: std::collections::BTreeSet<u64>,
    /// Tips made earlier from follow-ups whose tip had not arrived, that received their own
    /// item now (counted in neither `new_tips` nor `new_followups`).
    pub tips_completed: u64,
    /// Tips of this portal that an earlier bundle calling itself another unit's hand-over
    /// had marked as handed over: this portal's own bundle shows they are its.
    pub handover_marks_cleared: u64,
    pub already_imported: u64,
    /// `(ours, theirs)` when the portal had applied update bundle `theirs` while this ledger
    /// had exported only up to `ours`: the ledger is older than what the portal last
    /// received (restored from an older backup, or a copy), and its numbering now continues
    /// after `theirs`.
    pub updates_caught_up: Option<(u64, u64)>,
    /// Follow-ups the portal took for other portals' tips that were not imported (they
    /// stay on the portal): for tips this ledger does not hold with their own item, and
    /// for tips of portals outside its site that their receipt did not sign.
    pub left_out_tip_not_held: u64,
    pub left_out_outside_site: u64,
    /// A portal of the bundle portal's site whose bundles state another site id: the two
    /// derive receipt keys differently, so neither finds the other's receipts (one was
    /// not created with the site's file).
    pub site_id_differs_from: Option<String>,
    /// The portal's bundle-signing key (hex), pinned by this import: its first signed
    /// bundle. From now on the ledger refuses its bundles signed otherwise or not at all.
    pub portal_key_pinned: Option<String>,
    /// The key pinned before (hex), replaced by this import's at the office's word
    /// (`--new-portal-key`).
    pub portal_key_replaced: Option<String>,
    /// A portal's own bundle without a signature: from a portal older than 2026-12-08,
    /// whose name anyone can write bundles in until it signs (upgrade it).
    pub unsigned: bool,
}

/// How far an inbox bundle's `last_update` (the portal's word, hostile input) may move a ledger's update
/// numbering at once: far beyond any real gap (one export a day for centuries), and far
/// below an overflow however often a hostile portal tries.
const MAX_UPDATE_CATCH_UP: u64 = 100_000;

/// What an update export contains.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedUpdates {
    pub portal_id: String,
    pub sequence: u64,
    pub tips: usize,
    pub acknowledged: usize,
    /// Finished tips left out: unchanged for more than `[publishing] finished_days`.
    pub finished_left_out: usize,
}

/// For each of a tip's opened items (in order): whether a follow-up was added by someone
/// holding the receipt, checked against the follow-up key named in the tip's own item;
/// `None` for the tip's own items.
pub fn followup_proofs(items: &[OpenedItem]) -> Vec<Option<tipbox_core::tip::FollowupProof>> {
    use tipbox_core::tip::{FollowupProof, Kind};
    let tip = items
        .iter()
        .find(|item| item.tip.manifest.kind == Kind::Tip)
        .map(|item| &item.tip.manifest);
    items
        .iter()
        .map(|item| match (item.tip.manifest.kind, tip) {
            (Kind::Followup, Some(tip)) => Some(FollowupProof::check(tip, &item.tip)),
            (Kind::Followup, None) => Some(FollowupProof::Unchecked),
            (Kind::Tip, _) => None,
        })
        .collect()
}

/// One decrypted tip or follow-up, for `show`.
pub struct OpenedItem {
    pub blob: BlobRef,
    pub tip: tipbox_core::tip::OpenedTip,
}

impl LedgerError {
    /// An item already in the ledger that decrypts but does not read to its end: its file
    /// was damaged after the import checked it.
    pub(crate) fn damaged(blob: &BlobRef, e: tipbox_core::tip::ContainerError) -> LedgerError {
        LedgerError::DamagedItem {
            blob: blob.blob_id.clone(),
            detail: e.to_string(),
        }
    }
}

impl Ledger {
    /// Create the ledger's folders (keys are made by `keys::generate`).
    pub fn create_layout(root: &Path) -> Result<(), LedgerError> {
        for dir in [root.to_owned(), root.join(BLOBS_DIR)] {
            create_private_dir(&dir)?;
        }
        let config = root.join(CONFIG_FILE);
        if !config.exists() {
            fs::write(
                &config,
                "# tipbox ledger settings\n[deadlines]\nacknowledge_days = 7   # triage new tips within\n\
                 feedback_days = 30     # first feedback to the reporter within\n\
                 verify_days = 60       # default verification period of an assignment\n\
                 [publishing]\n\
                 finished_days = 365    # send closed / not accepted / transferred tips to the portal\n\
                 \x20                      # until their public state is this many days old\n",
            )
            .map_err(io_err(&config))?;
        }
        Ok(())
    }

    /// Open the ledger in `root`, writing audit entries as `actor`; what it has to say on
    /// the way ([`Progress`]) is dropped: front-ends use [`Ledger::open_telling`].
    pub fn open(root: &Path, actor: &str) -> Result<Ledger, LedgerError> {
        Self::open_telling(root, actor, &|_| {})
    }

    /// [`Ledger::open`], passing each [`Progress`] to `tell`.
    pub fn open_telling(
        root: &Path,
        actor: &str,
        tell: &dyn Fn(Progress),
    ) -> Result<Ledger, LedgerError> {
        check_is_ledger(root, tell)?;
        Self::create_layout(root)?;
        let config = load_config(root)?;
        let path = root.join(DB_DIR);
        create_private_dir(&path)?;
        let db = open_waiting(&path, tell)?;
        let tree = |name: &str| {
            db.open_tree(name).map_err(|source| LedgerError::Db {
                path: path.clone(),
                source,
            })
        };
        let tips = tree(TREE_TIPS)?;
        let meta = tree(TREE_META)?;
        if early_entries::remove_unfinished(root, &tips, read_next_id(&meta)?)? > 0 {
            tipbox_core::durable::sync_sled(&db, &path).map_err(io_err(&path))?;
        }
        let blobs = root.join(BLOBS_DIR);
        early_entries::remove_partial_packs(&blobs).map_err(io_err(&blobs))?;
        let index = root.join("index");
        let summaries = summary::SummaryLog::open(root, || {
            if !tips.is_empty() {
                tell(Progress::RebuildingSummaries);
            }
            tips.iter().map(|r| {
                let (_, v) = r.map_err(std::io::Error::other)?;
                let t: TipEntry = serde_json::from_slice(&v).map_err(std::io::Error::other)?;
                Ok(summary::TipSummary::of(&t).into_owned())
            })
        })
        .map_err(io_err(&index))?;
        Ok(Ledger {
            tips,
            blobs: tree(TREE_BLOBS)?,
            portal_tips: tree(TREE_PORTAL_TIPS)?,
            imports: tree(TREE_IMPORTS)?,
            meta,
            audit: AuditLog::open(root)?,
            summaries,
            root: root.to_owned(),
            db,
            config,
            actor: actor.to_owned(),
            import_writing: false,
            new_portal_key: None,
        })
    }

    /// Run `f` over the summaries of every tip, in id order (for `list` and `report`).
    /// Reads only the summary index; opens the database only if the index must be rebuilt
    /// first (after an interrupted command, or on a ledger that has none yet).
    pub fn with_summaries<R>(
        root: &Path,
        tell: &dyn Fn(Progress),
        f: impl FnOnce(&[summary::TipSummary<'_>], &LedgerConfig) -> R,
    ) -> Result<R, LedgerError> {
        check_is_ledger(root, tell)?;
        let config = load_config(root)?;
        let index = root.join("index");
        let bytes = match summary::read_clean(root).map_err(io_err(&index))? {
            Some(bytes) => bytes,
            None => {
                // Missing or dirty: opening the ledger rebuilds it.
                drop(Ledger::open_telling(root, "-", tell)?);
                summary::read_clean(root)
                    .map_err(io_err(&index))?
                    .unwrap_or_default()
            }
        };
        match summary::decode_all(&bytes) {
            Some(tips) => Ok(f(&tips, &config)),
            None => Err(LedgerError::SummaryIndexDamaged(index)),
        }
    }

    /// [`Ledger::with_summaries`] for a ledger this process holds open (a front-end that
    /// keeps it open, such as the reviewer's desk): reads the open summary log, since
    /// `with_summaries` would wait for the lock this ledger holds.
    pub fn summaries_now<R>(
        &self,
        f: impl FnOnce(&[summary::TipSummary<'_>], &LedgerConfig) -> R,
    ) -> Result<R, LedgerError> {
        let index = self.root.join("index");
        let bytes = self.summaries.bytes().map_err(io_err(&index))?;
        match summary::decode_all(&bytes) {
            Some(tips) => Ok(f(&tips, &self.config)),
            None => Err(LedgerError::SummaryIndexDamaged(index)),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn keys_dir(&self) -> PathBuf {
        self.root.join("keys")
    }

    /// The office's own age recipients (to seal reviewer text).
    fn own_recipients(&self) -> Result<Vec<age::x25519::Recipient>, LedgerError> {
        let path = self.keys_dir().join(keys::RECIPIENT_FILE);
        let text = fs::read_to_string(&path).map_err(io_err(&path))?;
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| keys::parse_recipient(l).map_err(LedgerError::from))
            .collect()
    }

    /// Record `action` (on tip `tip`, with `detail`: never content) in the audit log.
    pub fn audit(
        &mut self,
        action: Action,
        tip: Option<u64>,
        detail: &str,
    ) -> Result<(), LedgerError> {
        let actor = self.actor.clone();
        self.audit.append(&actor, action.key(), tip, detail)?;
        Ok(())
    }

    /// The id the next new tip will get.
    pub fn next_id(&self) -> Result<u64, LedgerError> {
        read_next_id(&self.meta)
    }

    pub fn get(&self, id: u64) -> Result<TipEntry, LedgerError> {
        let bytes = self
            .tips
            .get(id.to_be_bytes())
            .map_err(db_err)?
            .ok_or(LedgerError::NoSuchTip(id))?;
        serde_json::from_slice(&bytes).map_err(db_err)
    }

    /// Write an entry (durable at the next `sync`), and its summary.
    fn put(&mut self, entry: &TipEntry) -> Result<(), LedgerError> {
        self.put_all(std::slice::from_ref(entry))
    }

    /// Write entries (durable at the next `sync`), and their summaries. Each entry is
    /// written whole, in batches of a thousand: sled took 2.4 s for 100,000 entries in one
    /// batch and 1.1 s in batches of 1,000. A crash may leave some batches written and not
    /// others; `import` adopts such entries (see there).
    fn put_all(&mut self, entries: &[TipEntry]) -> Result<(), LedgerError> {
        let index = self.root.join("index");
        self.summaries.record(entries).map_err(io_err(&index))?;
        for chunk in entries.chunks(1000) {
            let mut batch = sled::Batch::default();
            for e in chunk {
                batch.insert(
                    &e.id.to_be_bytes(),
                    serde_json::to_vec(e).expect("entries serialize"),
                );
            }
            self.tips.apply_batch(batch).map_err(db_err)?;
        }
        Ok(())
    }

    /// Every entry, in id order.
    pub fn all(&self) -> impl Iterator<Item = Result<TipEntry, LedgerError>> + '_ {
        self.tips.iter().map(|r| {
            r.map_err(db_err)
                .and_then(|(_, v)| serde_json::from_slice(&v).map_err(db_err))
        })
    }

    /// Make everything written so far durable (see `durable::sync_sled`).
    /// The summary index is marked clean only after the database is durable.
    pub fn sync(&mut self) -> Result<(), LedgerError> {
        let dir = self.root.join(DB_DIR);
        tipbox_core::durable::sync_sled(&self.db, &dir).map_err(io_err(&dir))?;
        let index = self.root.join("index");
        self.summaries.commit().map_err(io_err(&index))
    }

    // ---- import --------------------------------------------------------------------------

    /// Write ready-made entries in bulk, for the synthetic ledgers of the benchmarks
    /// (`examples/generate.rs`). Their ids must continue the ledger's numbering; they are
    /// durable after the next [`Ledger::sync`].
    pub fn insert_generated(&mut self, entries: &[TipEntry]) -> Result<(), LedgerError> {
        let mut next = self.next_id()?;
        for e in entries {
            if e.id != next {
                return Err(LedgerError::GeneratedOutOfOrder { id: e.id, next });
            }
            next += 1;
        }
        self.put_all(entries)?;
        self.meta
            .insert(KEY_NEXT_ID, &next.to_be_bytes())
            .map_err(db_err)?;
        Ok(())
    }

    // ---- reading -------------------------------------------------------------------------

    fn seal_text(&self, kind: TextKind, text: &str) -> Result<SealedText, LedgerError> {
        let recipients = self.own_recipients()?;
        let encryptor =
            age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))?;
        let mut out = Vec::new();
        // Writing to memory: the only failures are the encryptor's own.
        let mut w = encryptor
            .wrap_output(&mut out)
            .map_err(LedgerError::SealWrite)?;
        w.write_all(text.as_bytes())
            .and_then(|_| w.finish().map(|_| ()))
            .map_err(LedgerError::SealWrite)?;
        Ok(SealedText {
            kind,
            day: tipbox_core::vocab::today(),
            by: self.actor.clone(),
            sealed: hex::encode(out),
        })
    }

    /// Apply `change` to tip `id`, store it durably, and record `action` in the audit log.
    pub fn update(
        &mut self,
        id: u64,
        action: Action,
        detail: &str,
        change: impl FnOnce(&mut TipEntry) -> Result<(), LedgerError>,
    ) -> Result<TipEntry, LedgerError> {
        let mut tip = self.get(id)?;
        change(&mut tip)?;
        self.put(&tip)?;
        self.sync()?;
        self.audit(action, Some(id), detail)?;
        Ok(tip)
    }

    /// Seal reviewer text of any kind for tip `id` (the caller records the action).
    pub fn seal(&self, kind: TextKind, text: &str) -> Result<SealedText, LedgerError> {
        self.seal_text(kind, text)
    }
}

fn read_next_id(meta: &sled::Tree) -> Result<u64, LedgerError> {
    let next = meta
        .get(KEY_NEXT_ID)
        .map_err(db_err)?
        .map(|v| u64::from_be_bytes(v.as_ref().try_into().unwrap_or([0; 8])))
        .unwrap_or(1);
    Ok(next.max(1))
}

/// The days an imported item may name: from [`EARLIEST_DAY`] to tomorrow by this
/// machine's clock (a portal's UTC day may be ahead of the office's, never by more). A
/// hostile portal could otherwise keep a tip out of deadline tracking with a day that does
/// not exist or lies far in the future (no due date, never overdue, reported under week
/// "unknown").
pub struct DayWindow {
    earliest: Day,
    latest: Day,
}

/// No tip tipbox imports arrived before this day (typed-in tips handed over from another
/// unit keep the day their letter or call came, which may be years before tipbox).
pub const EARLIEST_DAY: time::Date = time::macros::date!(2000 - 01 - 01);

impl DayWindow {
    pub fn today() -> DayWindow {
        DayWindow {
            earliest: Day::from(EARLIEST_DAY),
            latest: Day::today().next(),
        }
    }

    /// Whether `day` (already checked to be a real `YYYY-MM-DD`) is within the window.
    pub fn check(&self, day: &str) -> Result<(), String> {
        let Some(d) = Day::strict(day) else {
            return Err("its manifest's day is not a real day written YYYY-MM-DD".into());
        };
        if d < self.earliest {
            return Err(format!(
                "its manifest's day {day} is before {}: no tip in a ledger is that old",
                self.earliest
            ));
        }
        if d > self.latest {
            return Err(format!(
                "its manifest's day {day} is after tomorrow ({}) by this machine's clock. If \
                 this machine's date is wrong, set it right and import again; if it is right, \
                 whoever made this bundle is not an honest portal",
                self.latest
            ));
        }
        Ok(())
    }
}

fn open_waiting(path: &Path, tell: &dyn Fn(Progress)) -> Result<sled::Db, LedgerError> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut told = false;
    loop {
        match tipbox_core::durable::open_sled(
            path,
            sled::Config::new().mode(sled::Mode::HighThroughput),
        ) {
            Ok(db) => return Ok(db),
            // sled reports a held lock as an I/O error whose message says so.
            Err(sled::Error::Io(e))
                if (e.kind() == std::io::ErrorKind::WouldBlock
                    || e.to_string().contains("could not acquire lock"))
                    && std::time::Instant::now() < deadline =>
            {
                if !told {
                    tell(Progress::WaitingForLock);
                    told = true;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(source @ sled::Error::Corruption { .. }) => {
                return Err(LedgerError::DbDamaged {
                    path: path.to_owned(),
                    source,
                })
            }
            Err(source) => {
                return Err(LedgerError::Db {
                    path: path.to_owned(),
                    source,
                })
            }
        }
    }
}

fn create_private_dir(dir: &Path) -> Result<(), LedgerError> {
    tipbox_core::durable::create_private_dir(dir).map_err(io_err(dir))
}
