//! Import: reading an inbox or hand-over bundle into the ledger. Everything a bundle
//! carries is hostile input (ARCHITECTURE.md, invariant 8): it is checked where it enters,
//! the whole bundle is planned before anything is written, and a bundle only adds.

use super::*;

impl Ledger {
    /// Import an inbox bundle in one pass: verify it (structure and whole-file checksum)
    /// while its new items are decrypted on every core to read their manifests and written
    /// into one pack file. New tips' entries are written as their items come back, past the
    /// next id, and removed again if anything fails (module `early_entries`); only when
    /// everything checked out is the pack made durable under its name and are the other
    /// entries, the import's record and the next id written. Importing the same bundle
    /// twice changes no tip.
    ///
    /// The pack is written past the page cache ([`tipbox_core::durable::DirectWriter`]): copying
    /// 1.6 GB into fresh page-cache pages cost more CPU than the copy is worth on the two
    /// cores that also decrypt, and `search` reads packs directly too.
    pub fn import(
        &mut self,
        bundle: &Path,
        identities: &[tipbox_core::keys::Identity],
        progress: impl FnMut(u64),
    ) -> Result<ImportSummary, LedgerError> {
        let file = fs::File::open(bundle).map_err(BundleReadError::from)?;
        // Pages of the bundle are dropped from the cache as they are read: it is read once.
        self.import_from(
            bundle,
            tipbox_core::bundle::DropBehind::new(file),
            identities,
            progress,
        )
    }

    /// [`Ledger::import`] from any reader (`tipbox-review import -` passes standard input);
    /// `bundle` names it in messages. The bundle is read once, front to back.
    pub fn import_from(
        &mut self,
        bundle: &Path,
        input: impl std::io::Read,
        identities: &[tipbox_core::keys::Identity],
        progress: impl FnMut(u64),
    ) -> Result<ImportSummary, LedgerError> {
        // A refused bundle leaves the ledger as it was: say so for a damaged file too.
        let refused = match self.import_or_refuse(bundle, input, identities, progress) {
            Ok(summary) => return Ok(summary),
            Err(LedgerError::Bundle(e)) => LedgerError::BundleRefused(e),
            Err(e) => e,
        };
        if !self.import_writing {
            // Refused (or failed) while reading or planning, before anything was written but
            // the new tips' early entries, which are gone again: the summary index, marked
            // dirty for them, is as it was. Marking it clean spares the next command a rebuild
            // and leaves the ledger byte for byte as before (best effort: a dirty index is
            // only rebuilt).
            let _ = self.sync();
        }
        self.import_writing = false;
        Err(refused)
    }

    /// A digest of everything the ledger holds: every tree of its database, every file
    /// under `blobs/`, the summary index and the audit log. Equal before and after an
    /// operation that must change nothing (a refused import); for tests and the fuzzers.
    #[doc(hidden)]
    pub fn state_digest(&self) -> Result<[u8; 32], LedgerError> {
        let mut h = blake3::Hasher::new();
        let mut framed = |part: &[u8]| {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part);
        };
        let mut names = self.db.tree_names();
        names.sort();
        for name in names {
            framed(&name);
            let tree = self.db.open_tree(&name).map_err(db_err)?;
            for kv in tree.iter() {
                let (k, v) = kv.map_err(db_err)?;
                framed(&k);
                framed(&v);
            }
        }
        let blobs = self.root.join(BLOBS_DIR);
        let mut files: Vec<PathBuf> = fs::read_dir(&blobs)
            .map_err(io_err(&blobs))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        files.push(self.root.join("index").join("summaries.bin"));
        files.push(self.root.join(audit::AUDIT_FILE));
        for f in files {
            framed(f.to_string_lossy().as_bytes());
            match fs::read(&f) {
                Ok(bytes) => framed(&bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => framed(b"(none)"),
                Err(e) => return Err(io_err(&f)(e)),
            }
        }
        Ok(*h.finalize().as_bytes())
    }

    fn import_or_refuse(
        &mut self,
        bundle: &Path,
        input: impl std::io::Read,
        identities: &[tipbox_core::keys::Identity],
        mut progress: impl FnMut(u64),
    ) -> Result<ImportSummary, LedgerError> {
        use std::io::BufRead;
        use std::sync::{mpsc, Mutex};

        // A file that is no inbox bundle at all (handed over by mistake) is refused before
        // anything is touched: the summary index is not marked dirty for it, which would
        // make the next command rebuild it.
        let mut input = std::io::BufReader::with_capacity(1 << 20, input);
        let head = input.fill_buf().map_err(io_err(bundle))?;
        let prefix = &inbox::MAGIC[..inbox::MAGIC.len() - 1];
        if head.len() >= prefix.len() && !head.starts_with(prefix) {
            return Err(BundleReadError::NotABundle("inbox").into());
        }
        // Which checksum each entry states (the workers check it); a bundle whose version
        // byte is anything else is refused by `verify_streaming` before this matters.
        let version = head
            .get(inbox::MAGIC.len() - 1)
            .map_or(inbox::FORMAT, |v| u32::from(*v));
        let window = DayWindow::today();
        let window = &window;

        let mut known = imported::Known::load(&self.imports, &self.blobs, &self.portal_tips)?;
        let mut record = imported::ImportRecord::default();
        let mut next = self.next_id()?;
        // Entries at or past the next id were written by an import that crashed before its
        // record (see `imported`).
        for kv in self.tips.range(next.to_be_bytes()..) {
            let (_, v) = kv.map_err(db_err)?;
            let orphan: TipEntry = serde_json::from_slice(&v).map_err(db_err)?;
            known.adopt(&orphan, &mut record);
            next = next.max(orphan.id + 1);
        }

        let blobs_dir = self.root.join(BLOBS_DIR);
        let pack_name = format!("pack-{}.age-pack", tipbox_core::vocab::new_id());
        let pack_path = blobs_dir.join(&pack_name);
        let partial = tipbox_core::durable::partial_path(&pack_path);
        let pack_file =
            tipbox_core::durable::create_private_file(&partial).map_err(io_err(&partial))?;
        // Removes the partial pack on every early return.
        struct Cleanup<'a>(&'a Path, bool);
        impl Drop for Cleanup<'_> {
            fn drop(&mut self) {
                if self.1 {
                    let _ = fs::remove_file(self.0);
                }
            }
        }
        let mut cleanup = Cleanup(&partial, true);

        /// An item to open: its order in the bundle, its entry, its place in the pack, and
        /// its ciphertext.
        struct Job {
            order: usize,
            entry: inbox::EntryHeader,
            offset: u64,
            bytes: JobBytes,
        }
        /// Items up to `IN_MEMORY` bytes go to a worker whole, in their batch's buffer; a
        /// larger one is streamed to its worker piece by piece as the bundle goes by
        /// (memory stays flat).
        enum JobBytes {
            Whole(std::ops::Range<usize>),
            Streamed(mpsc::Receiver<Vec<u8>>),
        }
        /// Jobs, and one buffer with the ciphertext of those that came whole. Buffers go
        /// back to the reading thread to be filled again: no allocation per item, and no
        /// memory freed on another thread than the one that took it.
        struct Batch {
            bytes: Vec<u8>,
            jobs: Vec<Job>,
        }
        const IN_MEMORY: u64 = 1 << 20;
        const STREAM_PIECES: usize = 4;
        type Opened = Result<early_entries::Opened, LedgerError>;
        // Items go to the workers in batches of up to 64 items or 1 MiB (one wake-up per
        // batch, not per item: 0.9 s of a 100,000-tip import), and at most 8 batches wait.
        const BATCH_ITEMS: usize = 64;
        let (job_tx, job_rx) = mpsc::sync_channel::<Batch>(8);
        let (give_back, spare) = mpsc::channel::<Vec<u8>>();
        let job_rx = Mutex::new(job_rx);
        // Results go back a batch at a time too: one wake-up of the collecting thread per
        // batch, not per item.
        let (done_tx, done_rx) = mpsc::channel::<Vec<Opened>>();
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let mut pack =
            tipbox_core::durable::DirectWriter::new(pack_file).map_err(io_err(&partial))?;
        let mut write_failure: Option<std::io::Error> = None;
        let mut pack_len = 0u64;
        let mut already = 0u64;
        let mut new_items = 0usize;
        // An item listed twice in one bundle is imported once.
        let mut seen: std::collections::HashSet<String> = Default::default();

        // New tips' entries are written as their items come back (see `early_entries`):
        // the summary index is marked dirty first, and a failed import removes them.
        let index = self.root.join("index");
        self.summaries
            .record(std::iter::empty())
            .map_err(io_err(&index))?;
        let written_to = std::sync::atomic::AtomicU64::new(next);
        let mut written = early_entries::Written {
            tips: self.tips.clone(),
            from: next,
            to: &written_to,
            keep: false,
        };
        let mut early = early_entries::EarlyEntries::new(
            self.tips.clone(),
            &pack_name,
            &written_to,
            std::mem::take(&mut known.portal_tips),
            std::mem::take(&mut record),
            next,
        );

        let (verified, early, bad_checksum) = std::thread::scope(|s| {
            for _ in 0..workers {
                let (job_rx, done_tx, give_back) = (&job_rx, done_tx.clone(), give_back.clone());
                s.spawn(move || loop {
                    let Ok(Ok(Batch { mut bytes, jobs })) = job_rx.lock().map(|rx| rx.recv())
                    else {
                        break;
                    };
                    let mut results = Vec::with_capacity(jobs.len());
                    for Job {
                        order,
                        entry,
                        offset,
                        bytes: job_bytes,
                    } in jobs
                    {
                        // Each entry's own checksum is checked here, on the core that
                        // opens it, besides the whole file's on the reading thread.
                        let mut hasher = inbox::EntryHasher::new(version);
                        let opened = match job_bytes {
                            JobBytes::Whole(range) => {
                                hasher.update(&bytes[range.clone()]);
                                read_item(&entry, &mut &bytes[range], bundle, identities, window)
                            }
                            JobBytes::Streamed(pieces) => {
                                let mut r = std::io::BufReader::new(PiecesReader {
                                    pieces,
                                    current: Vec::new(),
                                    at: 0,
                                    hasher: &mut hasher,
                                });
                                let opened = read_item(&entry, &mut r, bundle, identities, window);
                                // Whatever the item did not use still counts for its checksum.
                                let drained = std::io::copy(&mut r, &mut std::io::sink());
                                opened.and_then(|o| drained.map(|_| o).map_err(io_err(bundle)))
                            }
                        };
                        let opened = opened.and_then(|o| {
                            if hasher.matches(&entry) {
                                Ok(o)
                            } else {
                                Err(LedgerError::BadItem(
                                    entry.blob_id.clone(),
                                    "its checksum does not match its ciphertext".into(),
                                ))
                            }
                        });
                        let opened = opened.map(|(manifest, fields)| early_entries::Opened {
                            order,
                            entry,
                            offset,
                            manifest,
                            fields,
                        });
                        results.push(opened);
                    }
                    if done_tx.send(results).is_err() {
                        return;
                    }
                    bytes.clear();
                    let _ = give_back.send(bytes);
                });
            }
            drop(done_tx);
            drop(give_back);
            let collector = s.spawn(move || {
                for item in done_rx.into_iter().flatten() {
                    early.take(item);
                }
                early.finish()
            });
            let mut skip = false;
            // The checksum of an entry that is not opened (already imported, or listed
            // twice), and the first such entry whose checksum did not match.
            let mut skipped_hash: Option<inbox::EntryHasher> = None;
            let mut bad_checksum: Option<String> = None;
            let mut start = 0u64;
            // Where the item being read starts in `batch.bytes`, if it comes whole.
            let mut whole: Option<usize> = None;
            let mut stream: Option<mpsc::SyncSender<Vec<u8>>> = None;
            let new_batch = || Batch {
                bytes: spare
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(2 * IN_MEMORY as usize)),
                jobs: Vec::with_capacity(BATCH_ITEMS),
            };
            let mut batch = new_batch();
            let result = inbox::verify_streaming(
                input,
                &mut progress,
                inbox::EntryChecks::WholeFileOnly,
                |entry, event| {
                    match event {
                        inbox::EntryEvent::Start => {
                            skip = write_failure.is_some()
                                || known.blobs.contains(&entry.blob_id)
                                || !seen.insert(entry.blob_id.clone());
                            if skip {
                                already += 1;
                                // Not opened, but its checksum is still checked, here.
                                skipped_hash = write_failure
                                    .is_none()
                                    .then(|| inbox::EntryHasher::new(version));
                            }
                            start = pack_len;
                            whole = (!skip && entry.size <= IN_MEMORY).then_some(batch.bytes.len());
                            if !skip && entry.size > IN_MEMORY {
                                // Alone and at once, so that a worker takes it while the
                                // pieces come: the batches before it go first.
                                if !batch.jobs.is_empty() {
                                    let _ = job_tx.send(std::mem::replace(&mut batch, new_batch()));
                                }
                                let (tx, rx) = mpsc::sync_channel(STREAM_PIECES);
                                stream = Some(tx);
                                let _ = job_tx.send(Batch {
                                    bytes: Vec::new(),
                                    jobs: vec![Job {
                                        order: new_items,
                                        entry: entry.clone(),
                                        offset: start,
                                        bytes: JobBytes::Streamed(rx),
                                    }],
                                });
                            }
                        }
                        inbox::EntryEvent::Data(chunk) if !skip => {
                            if whole.is_some() {
                                batch.bytes.extend_from_slice(chunk);
                            }
                            if let Some(tx) = &stream {
                                // A worker that stopped reading has failed; its error is
                                // reported after the bundle's own checks.
                                let _ = tx.send(chunk.to_vec());
                            }
                            if let Err(e) = pack.write_all(chunk) {
                                write_failure = Some(e);
                                skip = true;
                            }
                            pack_len += chunk.len() as u64;
                        }
                        inbox::EntryEvent::End if !skip => {
                            // The end of a streamed item: its worker sees the end of input.
                            stream = None;
                            if let Some(from) = whole.take() {
                                batch.jobs.push(Job {
                                    order: new_items,
                                    entry: entry.clone(),
                                    offset: start,
                                    bytes: JobBytes::Whole(from..batch.bytes.len()),
                                });
                                if batch.jobs.len() == BATCH_ITEMS
                                    || batch.bytes.len() >= IN_MEMORY as usize
                                {
                                    let _ = job_tx.send(std::mem::replace(&mut batch, new_batch()));
                                }
                            }
                            new_items += 1;
                        }
                        inbox::EntryEvent::Data(chunk) => {
                            if let Some(h) = skipped_hash.as_mut() {
                                h.update(chunk);
                            }
                        }
                        inbox::EntryEvent::End => {
                            if let Some(h) = skipped_hash.take() {
                                if !h.matches(entry) && bad_checksum.is_none() {
                                    bad_checksum = Some(entry.blob_id.clone());
                                }
                            }
                        }
                    }
                    Ok(())
                },
            );
            if !batch.jobs.is_empty() {
                let _ = job_tx.send(batch);
            }
            // A bundle cut short in a large item: its worker sees the input end early.
            drop(stream);
            drop(job_tx);
            let early = collector
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (result, early, bad_checksum)
        });
        // A damaged bundle is reported as such, before whatever its items did to the workers.
        // (On every early return, `written` removes the new tips' entries.)
        let verified = verified?;
        if let Some(blob) = bad_checksum {
            return Err(LedgerError::BadItem(
                blob,
                "its checksum does not match its ciphertext".into(),
            ));
        }
        if let Some(e) = early.failure {
            return Err(e);
        }
        if let Some(e) = write_failure {
            return Err(LedgerError::Io {
                path: partial.clone(),
                source: e,
            });
        }
        let portal_id = verified.header.portal_id.clone();
        if let Some((_, blob_id)) = early.portal.filter(|(p, _)| *p != portal_id) {
            return Err(LedgerError::BadItem(
                blob_id,
                "its manifest names another item or portal".into(),
            ));
        }
        // A hand-over bundle says nothing about what a portal holds or has applied. One that
        // names a portal this ledger imports from directly is that portal's, whatever its
        // unauthenticated header says: otherwise a hostile portal could have its new tips
        // marked as another unit's, and left out of every export.
        let handover = verified.header.handover && !self.imports_directly_from(&portal_id)?;
        // What the portal holds and has applied: written with the import, once nothing can
        // refuse it any more (a refused bundle leaves the ledger as it was).
        // Returns the caught-up numbering and how many false hand-over marks were cleared.
        type PortalState = (Option<(u64, u64)>, u64);
        let portal_state = |l: &mut Ledger| -> Result<PortalState, LedgerError> {
            if handover {
                l.meta
                    .insert(
                        format!("{KEY_HANDOVER_FROM}{portal_id}").as_bytes(),
                        &[1u8][..],
                    )
                    .map_err(db_err)?;
                return Ok((None, 0));
            }
            l.record_portal_holdings(&portal_id, &verified.entries)?;
            let cleared = l.clear_false_handover_marks(&portal_id)?;
            // Without this, every export of a ledger restored from an older backup would be
            // refused by the portal as a rollback (its numbers were used already).
            Ok((
                l.catch_up_updates(&portal_id, verified.header.last_update)?,
                cleared,
            ))
        };
        known.portal_tips = early.portal_tips;
        record = early.record;
        next = early.next;
        let mut items = early.late;
        if early.written.is_empty()
            && items.is_empty()
            && record.portal_tips.is_empty()
            && record.blobs.is_empty()
        {
            // Everything is already here: an idempotent re-import writes no tip (and the
            // summary index, marked dirty above, is as it was), only what the portal
            // still holds and, perhaps, the caught-up numbering of updates.
            let (caught_up, cleared) = portal_state(self)?;
            self.sync()?;
            self.audit_catch_up(&portal_id, caught_up)?;
            self.audit_cleared_marks(&portal_id, cleared)?;
            return Ok(ImportSummary {
                portal_id,
                handover,
                already_imported: already,
                updates_caught_up: caught_up,
                handover_marks_cleared: cleared,
                ..Default::default()
            });
        }
        // Tips first, so follow-ups in the same bundle find them.
        items.sort_by_key(|o| o.manifest.kind != Kind::Tip);
        let mut summary = ImportSummary {
            portal_id: portal_id.clone(),
            handover,
            already_imported: already,
            new_tips: early.new_tips,
            ..Default::default()
        };
        // Build every change in memory, then write it in an order that keeps a crash
        // harmless: the entries, then this import's record, then the next id. Entries
        // written without their record are adopted by the next import (see `imported`).
        let mut touched: std::collections::BTreeMap<u64, TipEntry> = Default::default();
        for early_entries::Opened {
            entry,
            offset,
            manifest,
            fields,
            ..
        } in &items
        {
            let blob = pack_blob(entry, *offset, manifest, &pack_name);
            let fresh = |id| fresh_entry(id, manifest, fields);
            let portal_key = format!("{}:{}", manifest.portal_id, manifest.tip_id);
            let id = match known.portal_tips.get(&portal_key) {
                Some(id) => *id,
                None => {
                    // A follow-up whose tip has not arrived (tips new to the ledger were
                    // placed while the bundle was read): its entry is a new tip too.
                    let id = next;
                    next += 1;
                    known.portal_tips.insert(portal_key.clone(), id);
                    record.portal_tips.push((portal_key, id));
                    summary.new_tips += 1;
                    // A new id has no entry yet: nothing to read from the database.
                    touched.insert(id, fresh(id));
                    id
                }
            };
            if let std::collections::btree_map::Entry::Vacant(slot) = touched.entry(id) {
                slot.insert(match self.get(id) {
                    Ok(t) => t,
                    Err(LedgerError::NoSuchTip(_)) => fresh(id),
                    Err(e) => return Err(e),
                });
            }
            let tip = touched.get_mut(&id).expect("just inserted");
            record.blobs.push((entry.blob_id.clone(), id));
            if manifest.kind == Kind::Tip {
                // A tip's keys, content, category and day come from its first tip item
                // only (SECURITY.md, "What a hostile portal can and cannot do"): a second
                // one, from this bundle or any other, would rewrite what an earlier item
                // established. Only an entry made from follow-ups whose tip had not yet
                // arrived takes its tip item here.
                if tip.blobs.iter().any(|b| b.kind == Kind::Tip) {
                    return Err(LedgerError::SecondTipItem {
                        blob: entry.blob_id.clone(),
                        tip: id,
                    });
                }
                summary.tips_completed += 1;
                // Its follow-ups, imported before it, can be checked now: name the tip.
                summary.followup_tips.insert(id);
                add_tip_item(tip, blob, manifest, fields);
            } else {
                summary.new_followups += 1;
                summary.followup_tips.insert(id);
                tip.blobs.push(blob);
            }
        }
        let mut entries: Vec<TipEntry> = touched.into_values().collect();
        if handover {
            // The tips this import created (some written early, before the header's word
            // was known): not tips of this ledger's own portal being handed back.
            let first_new = written.from;
            let ids: std::collections::HashSet<u64> = entries.iter().map(|t| t.id).collect();
            entries.extend(
                early
                    .written
                    .iter()
                    .filter(|t| !ids.contains(&t.id))
                    .cloned(),
            );
            for t in entries.iter_mut().filter(|t| t.id >= first_new) {
                t.handed_over = true;
            }
        }
        // Only now, with everything verified and planned (nothing can refuse the bundle any
        // more): make the pack durable under its final name
        // (unless all this import does is adopt entries, and the pack is empty).
        let pack_file = pack.finish().map_err(io_err(&partial))?;
        if !items.is_empty() || !early.written.is_empty() {
            pack_file.sync_all().map_err(io_err(&partial))?;
            drop(pack_file);
            tipbox_core::durable::rename_into_place(&partial, &pack_path)
                .map_err(io_err(&pack_path))?;
            cleanup.1 = false;
        }

        self.import_writing = true;
        let (caught_up, cleared) = portal_state(self)?;
        summary.updates_caught_up = caught_up;
        summary.handover_marks_cleared = cleared;
        if cleared > 0 {
            // The entries planned above were read before the marks were cleared.
            for t in entries
                .iter_mut()
                .filter(|t| t.portal_id.as_deref() == Some(portal_id.as_str()))
            {
                t.handed_over = false;
            }
        }
        // The early entries' summaries first: an entry changed since (a follow-up joined
        // it) is recorded again below, and the last record wins.
        self.summaries
            .record(&early.written)
            .map_err(io_err(&index))?;
        self.put_all(&entries)?;
        self.imports
            .insert(pack_name.as_bytes(), record.encode())
            .map_err(db_err)?;
        self.meta
            .insert(KEY_NEXT_ID, &next.to_be_bytes())
            .map_err(db_err)?;
        // From here the entries are the ledger's: a crash before the sync leaves them to
        // be adopted by the next import.
        written.keep = true;
        self.sync()?;
        self.import_writing = false;
        self.audit(
            Action::Import,
            None,
            &format!(
                "portal {}: {} new tips, {} new follow-ups, {} already imported",
                portal_id, summary.new_tips, summary.new_followups, summary.already_imported
            ),
        )?;
        self.audit_catch_up(&portal_id, caught_up)?;
        self.audit_cleared_marks(&portal_id, cleared)?;
        Ok(summary)
    }

    /// A bundle that is a portal's own export: tips of that portal that an earlier bundle
    /// calling itself a hand-over marked as another unit's (and so left unanswered) are
    /// the portal's. Only a ledger that imported such a bundle naming the portal looks.
    /// Returns how many marks were cleared; written with the import, synced by the caller.
    fn clear_false_handover_marks(&mut self, portal_id: &str) -> Result<u64, LedgerError> {
        let key = format!("{KEY_HANDOVER_FROM}{portal_id}");
        if self.meta.get(key.as_bytes()).map_err(db_err)?.is_none() {
            return Ok(0);
        }
        let mut fixed = Vec::new();
        for t in self.all() {
            let mut t = t?;
            if t.handed_over && t.portal_id.as_deref() == Some(portal_id) {
                t.handed_over = false;
                fixed.push(t);
            }
        }
        self.put_all(&fixed)?;
        self.meta.remove(key.as_bytes()).map_err(db_err)?;
        Ok(fixed.len() as u64)
    }

    fn audit_cleared_marks(&mut self, portal_id: &str, cleared: u64) -> Result<(), LedgerError> {
        if cleared == 0 {
            return Ok(());
        }
        self.audit(
            Action::HandoverMarksCleared,
            None,
            &format!(
                "{cleared} tips of portal {portal_id} came in a bundle that called itself another \
                 unit's hand-over; this portal's own bundle shows they are its"
            ),
        )
    }

    /// Remember which items the portal still held when it wrote the inbox bundle just
    /// imported: a portal lists every item it holds until an acknowledgement of it has
    /// been applied, so these are the items the next update bundle must acknowledge.
    /// Written with the import, synced by the caller.
    fn record_portal_holdings(
        &mut self,
        portal_id: &str,
        entries: &[inbox::EntryHeader],
    ) -> Result<(), LedgerError> {
        let mut ids = Vec::with_capacity(entries.len() * 16);
        for e in entries {
            // Every id was checked to be 32 hex digits when the bundle was read.
            let raw = hex::decode(&e.blob_id).map_err(db_err)?;
            ids.extend_from_slice(&raw);
        }
        self.meta
            .insert(format!("{KEY_PORTAL_HOLDS}{portal_id}").as_bytes(), ids)
            .map_err(db_err)?;
        Ok(())
    }

    /// Whether this ledger has imported a portal's own bundles or exported to it.
    fn imports_directly_from(&self, portal_id: &str) -> Result<bool, LedgerError> {
        Ok(self.portal_holdings(portal_id)?.is_some() || self.update_sequence(portal_id)? > 0)
    }

    /// The items the portal held when it wrote the last inbox bundle imported from it;
    /// `None` for a ledger whose last import from it predates this record.
    pub(crate) fn portal_holdings(
        &self,
        portal_id: &str,
    ) -> Result<Option<std::collections::HashSet<String>>, LedgerError> {
        let Some(raw) = self
            .meta
            .get(format!("{KEY_PORTAL_HOLDS}{portal_id}").as_bytes())
            .map_err(db_err)?
        else {
            return Ok(None);
        };
        Ok(Some(raw.chunks_exact(16).map(hex::encode).collect()))
    }

    /// The last update bundle this ledger exported to `portal_id` (0: none).
    pub(crate) fn update_sequence(&self, portal_id: &str) -> Result<u64, LedgerError> {
        Ok(self
            .meta
            .get(format!("update-sequence:{portal_id}").as_bytes())
            .map_err(db_err)?
            .map(|v| u64::from_be_bytes(v.as_ref().try_into().unwrap_or([0; 8])))
            .unwrap_or(0))
    }

    /// If the portal has applied a later update bundle (`theirs`) than this ledger exported
    /// to it, continue the numbering after it (written with the import, synced by the
    /// caller). Returns `(ours, theirs)` when it moved.
    fn catch_up_updates(
        &mut self,
        portal_id: &str,
        theirs: Option<u64>,
    ) -> Result<Option<(u64, u64)>, LedgerError> {
        let Some(theirs) = theirs else {
            return Ok(None);
        };
        let ours = self.update_sequence(portal_id)?;
        if theirs <= ours || theirs - ours > MAX_UPDATE_CATCH_UP {
            return Ok(None);
        }
        self.meta
            .insert(
                format!("update-sequence:{portal_id}").as_bytes(),
                &theirs.to_be_bytes(),
            )
            .map_err(db_err)?;
        Ok(Some((ours, theirs)))
    }

    fn audit_catch_up(
        &mut self,
        portal_id: &str,
        caught_up: Option<(u64, u64)>,
    ) -> Result<(), LedgerError> {
        let Some((ours, theirs)) = caught_up else {
            return Ok(());
        };
        self.audit(
            Action::UpdateCatchUp,
            None,
            &format!(
                "portal {portal_id} had applied update bundle {theirs}; this ledger had exported \
                 up to {ours}, so it is older than what the portal last received"
            ),
        )
    }
}

/// Where an imported item is: in this import's pack.
pub(crate) fn pack_blob(
    entry: &inbox::EntryHeader,
    offset: u64,
    manifest: &Manifest,
    pack: &str,
) -> BlobRef {
    BlobRef {
        blob_id: entry.blob_id.clone(),
        kind: manifest.kind,
        day: manifest.day.clone(),
        sealed_to: entry.sealed_to.clone(),
        pack: Some(PackRef {
            file: pack.to_owned(),
            offset,
            len: entry.size,
        }),
    }
}

/// The entry of a web tip the ledger has not seen, before its items are added. A follow-up
/// whose tip never arrived gets one too: nothing is lost.
pub(crate) fn fresh_entry(id: u64, manifest: &Manifest, fields: &ItemFields) -> TipEntry {
    let mut t = TipEntry::new(
        id,
        fields.channel,
        &manifest.day,
        fields.category.as_deref().unwrap_or("other"),
    );
    t.portal_id = Some(manifest.portal_id.clone());
    t.portal_tip_id = Some(manifest.tip_id.clone());
    t
}

/// Add a tip's own item (not a follow-up) to its entry: it comes first, and sets the
/// tip's fields.
pub(crate) fn add_tip_item(
    tip: &mut TipEntry,
    blob: BlobRef,
    manifest: &Manifest,
    fields: &ItemFields,
) {
    if let Some(c) = &fields.category {
        tip.category = c.clone();
    }
    tip.received = manifest.day.clone();
    tip.channel = fields.channel;
    tip.reward_wanted = fields.reward;
    tip.reply_public_key = manifest.reply_public_key.clone();
    tip.claim_verifier = manifest.claim_verifier.clone();
    tip.blobs.insert(0, blob);
}

/// The fields import reads from an item besides its manifest.
#[derive(Default)]
pub(crate) struct ItemFields {
    pub(crate) category: Option<String>,
    pub(crate) reward: bool,
    /// Web, unless a hand-over of a typed-in tip names another channel.
    pub(crate) channel: Channel,
}
