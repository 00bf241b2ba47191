//! The entries of an import's new tips, written while the bundle is still being decrypted.
//!
//! Why: writing 100,000 entries to sled takes ~0.8 s, and done after the decryption it ran
//! on one core while the other idled (docs/performance.md). So the items come back from
//! the workers to one thread that puts them in bundle order and writes the entry of every
//! tip the ledger has never seen (a tip item whose portal tip is new) at once, in batches.
//! Everything else (follow-ups, tips the ledger already holds) waits for the end of the
//! import, as before.
//!
//! Such an entry exists before its bundle is verified and before its pack is complete,
//! hence three rules:
//! - its id is at or past the ledger's next id, which moves only when the import is done;
//! - an import that fails removes the entries it wrote ([`Written`]);
//! - an import that was killed leaves entries past the next id whose pack file does not
//!   exist: opening the ledger removes them ([`remove_unfinished`]), before anything reads
//!   them or the summary index is rebuilt from them, and deletes the partial pack file
//!   ([`remove_partial_packs`]). Entries past the next id whose pack exists belong to an
//!   import killed after its pack was complete: the next import adopts them (see
//!   `imported`).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use super::{db_err, imported::ImportRecord, LedgerError, TipEntry, BLOBS_DIR};
use tipbox_core::bundle::inbox;
use tipbox_core::tip::{Kind, Manifest};

/// An item the workers opened: its order in the bundle, its bundle entry, its place in the
/// pack, its manifest and the fields import reads.
pub(super) struct Opened {
    pub order: usize,
    pub entry: inbox::EntryHeader,
    pub offset: u64,
    pub manifest: Manifest,
    pub fields: super::ItemFields,
}

/// Entries per sled batch (sled's cost per entry was lowest between 100 and 250).
const BATCH: usize = 250;

/// Takes opened items in any order and writes new tips' entries in bundle order.
pub(super) struct EarlyEntries<'a> {
    tips: sled::Tree,
    pack_name: &'a str,
    written_to: &'a AtomicU64,
    /// Portal tips the ledger holds, and this import's record (taken from the import and
    /// given back by [`EarlyEntries::finish`]).
    pub portal_tips: HashMap<String, u64>,
    pub record: ImportRecord,
    pub next: u64,
    waiting: BTreeMap<usize, Opened>,
    expected: usize,
    batch: Vec<TipEntry>,
    /// The entries written, for the summary index at the end.
    pub written: Vec<TipEntry>,
    /// The items left for the end of the import, in bundle order.
    pub late: Vec<Opened>,
    /// The portal every manifest named so far, and the first item that named it: all must
    /// be the bundle's, which is known only when the whole bundle is verified.
    pub portal: Option<(String, String)>,
    pub new_tips: u64,
    /// The first item that could not be opened or does not belong; nothing more is written
    /// after it.
    pub failure: Option<LedgerError>,
}

impl<'a> EarlyEntries<'a> {
    pub fn new(
        tips: sled::Tree,
        pack_name: &'a str,
        written_to: &'a AtomicU64,
        portal_tips: HashMap<String, u64>,
        record: ImportRecord,
        next: u64,
    ) -> Self {
        EarlyEntries {
            tips,
            pack_name,
            written_to,
            portal_tips,
            record,
            next,
            waiting: BTreeMap::new(),
            expected: 0,
            batch: Vec::with_capacity(BATCH),
            written: Vec::new(),
            late: Vec::new(),
            portal: None,
            new_tips: 0,
            failure: None,
        }
    }

    /// One item back from a worker (in any order).
    pub fn take(&mut self, item: Result<Opened, LedgerError>) {
        if self.failure.is_some() {
            return;
        }
        let item = match item {
            Ok(item) => item,
            Err(e) => {
                self.failure = Some(e);
                return;
            }
        };
        self.waiting.insert(item.order, item);
        while let Some(item) = self.waiting.remove(&self.expected) {
            self.expected += 1;
            if let Err(e) = self.place(item) {
                self.failure = Some(e);
                return;
            }
        }
    }

    fn place(&mut self, item: Opened) -> Result<(), LedgerError> {
        let Opened {
            entry, manifest, ..
        } = &item;
        // Every tip item names the bundle's portal (checked against its header once the
        // bundle is read). A follow-up may name another portal of the bundle portal's site,
        // for a tip that portal received: `plan` checks it against the office's sites.
        let names_other_portal = match manifest.kind {
            Kind::Tip => {
                let portal = self
                    .portal
                    .get_or_insert_with(|| (manifest.portal_id.clone(), entry.blob_id.clone()));
                manifest.portal_id != portal.0
            }
            Kind::Followup => false,
        };
        if manifest.blob_id != entry.blob_id || names_other_portal {
            return Err(LedgerError::BadItem(
                entry.blob_id.clone(),
                "its manifest names another item or portal".into(),
            ));
        }
        let portal_key = format!("{}:{}", manifest.portal_id, manifest.tip_id);
        if manifest.kind != Kind::Tip || self.portal_tips.contains_key(&portal_key) {
            self.late.push(item);
            return Ok(());
        }
        let id = self.next;
        self.next += 1;
        self.portal_tips.insert(portal_key.clone(), id);
        self.record.portal_tips.push((portal_key, id));
        self.record.blobs.push((entry.blob_id.clone(), id));
        self.new_tips += 1;
        let mut tip = super::fresh_entry(id, manifest, &item.fields);
        super::add_tip_item(
            &mut tip,
            super::pack_blob(entry, item.offset, manifest, self.pack_name),
            manifest,
            &item.fields,
        );
        self.batch.push(tip);
        if self.batch.len() == BATCH {
            self.write()?;
        }
        Ok(())
    }

    fn write(&mut self) -> Result<(), LedgerError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        // First the mark, then the entries: a failed import removes up to the mark.
        self.written_to.fetch_max(self.next, Ordering::SeqCst);
        let mut batch = sled::Batch::default();
        for t in &self.batch {
            batch.insert(
                &t.id.to_be_bytes(),
                serde_json::to_vec(t).expect("entries serialize"),
            );
        }
        self.tips.apply_batch(batch).map_err(db_err)?;
        self.written.append(&mut self.batch);
        Ok(())
    }

    /// After the last item: write what is left of the batch.
    pub fn finish(mut self) -> Self {
        if self.failure.is_none() {
            if let Err(e) = self.write() {
                self.failure = Some(e);
            }
        }
        self
    }
}

/// Removes the entries an import wrote early (ids `from..` up to the mark) unless the import
/// completed ([`Written::keep`]).
pub(super) struct Written<'a> {
    pub tips: sled::Tree,
    pub from: u64,
    pub to: &'a AtomicU64,
    pub keep: bool,
}

impl Drop for Written<'_> {
    fn drop(&mut self) {
        if self.keep {
            return;
        }
        let to = self.to.load(Ordering::SeqCst);
        for id in self.from..to {
            // Left behind on an error, they are removed when the ledger is next opened.
            let _ = self.tips.remove(id.to_be_bytes());
        }
        let _ = self.tips.flush();
    }
}

/// Remove the entries a killed import wrote before its pack was complete: past the next id,
/// naming a pack file that does not exist. Returns how many were removed.
pub(super) fn remove_unfinished(
    root: &Path,
    tips: &sled::Tree,
    next_id: u64,
) -> Result<usize, LedgerError> {
    let mut doomed = Vec::new();
    for kv in tips.range(next_id.to_be_bytes()..) {
        let (key, v) = kv.map_err(db_err)?;
        let t: TipEntry = serde_json::from_slice(&v).map_err(db_err)?;
        // Missing for sure: a pack that cannot be checked (permissions) is left alone.
        let unfinished = t
            .blobs
            .iter()
            .filter_map(|b| b.pack.as_ref())
            .any(|p| matches!(root.join(BLOBS_DIR).join(&p.file).try_exists(), Ok(false)));
        if unfinished {
            doomed.push(key);
        }
    }
    for key in &doomed {
        tips.remove(key).map_err(db_err)?;
    }
    Ok(doomed.len())
}

/// Delete the partial files of killed commands (an import's pack, an `add`'s sealed files):
/// ciphertext that nothing refers to, and that should not stay on the reviewer's disk. Safe
/// only under the database's lock, which both hold for as long as they write. Returns how
/// many were deleted.
pub(super) fn remove_partial_packs(blobs: &Path) -> std::io::Result<usize> {
    let listing = match std::fs::read_dir(blobs) {
        Ok(listing) => listing,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut removed = 0;
    for entry in listing {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        // Unfinished packs of an import, and unfinished items of an `add` with files.
        if name.ends_with(".partial") {
            std::fs::remove_file(entry.path())?;
            removed += 1;
        }
    }
    if removed > 0 {
        tipbox_core::durable::sync_dir(blobs)?;
    }
    Ok(removed)
}
