//! Sealed blobs: writing one in `tmp/` (in a spare file made ahead), committing it with its
//! index entries (steps 1 and 2 of the module's durability order), and finding them again.

use std::fs::{self, File};
use std::path::PathBuf;

use sled::Transactional;

use super::{
    blur_times, io_err, set_times_to_day, sync_dir, today, OutboxRecord, Store, StoreError,
    TipRecord, BLOBS_DIR, BLOB_SUFFIX, MAX_FOLLOWUP_DAYS, SPARE_DIR, TMP_DIR,
};
use tipbox_core::durable;
use tipbox_core::receipt::LookupKey;

/// What a commit adds to the index besides the blob's outbox entry.
pub enum IndexChange<'a> {
    /// A new tip: its lookup entry.
    NewTip(&'a LookupKey, &'a TipRecord),
    /// A follow-up to the tip under this lookup key: its day joins the tip's record.
    Followup(&'a LookupKey),
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

impl Store {
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

    pub fn blob_path(&self, blob_id: &str) -> PathBuf {
        self.root
            .join(BLOBS_DIR)
            .join(format!("{blob_id}{BLOB_SUFFIX}"))
    }

    pub fn outbox_record(&self, blob_id: &str) -> Result<Option<OutboxRecord>, StoreError> {
        self.read_record(&self.outbox, blob_id.as_bytes(), "outbox record")
    }
}
