//! Import: reading an inbox or hand-over bundle into the ledger. Everything a bundle
//! carries is hostile input (ARCHITECTURE.md, invariant 8): it is checked where it enters,
//! the whole bundle is planned before anything is written, and a bundle only adds.

mod plan;
mod portal;
mod read;

pub(crate) use plan::{add_tip_item, fresh_entry, pack_blob, ItemFields};

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
        // The office's word on a new portal key holds for this one import.
        let new_portal_key = self.new_portal_key.take();
        // A refused bundle leaves the ledger as it was: say so for a damaged file too.
        let refused =
            match self.import_or_refuse(bundle, input, identities, progress, new_portal_key) {
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

    /// The import, as three named parts: [`read::read_bundle`] verifies the bundle and
    /// opens its new items, [`plan::plan`] decides in memory what they add, and
    /// [`Ledger::write_import`] writes it, in an order that keeps a crash harmless. Anything
    /// refused is refused before the write starts.
    fn import_or_refuse(
        &mut self,
        bundle: &Path,
        input: impl std::io::Read,
        identities: &[tipbox_core::keys::Identity],
        progress: impl FnMut(u64),
        new_portal_key: Option<[u8; 32]>,
    ) -> Result<ImportSummary, LedgerError> {
        use std::io::Read;

        // The head of the bundle (magic, version, header), read whole first: a pipe gives
        // 64 KiB at a time, and a header it cut was not checked below before the entries
        // (test `regression_a_piped_bundle_with_a_long_header_skipped_the_early_pin_check`).
        let mut input = input;
        let mut head = Vec::with_capacity(inbox::MAX_HEAD);
        (&mut input)
            .take(inbox::MAX_HEAD as u64)
            .read_to_end(&mut head)
            .map_err(io_err(bundle))?;
        // A file that is no inbox bundle at all (handed over by mistake) is refused before
        // anything is touched: the summary index is not marked dirty for it, which would
        // make the next command rebuild it.
        let magic = &inbox::MAGIC[..inbox::MAGIC.len() - 1];
        if head.len() >= magic.len() && !head.starts_with(magic) {
            return Err(BundleReadError::NotABundle("inbox").into());
        }
        // Which checksum each entry states (the workers check it); a bundle whose version
        // byte is anything else is refused by `verify_streaming` before this matters.
        let version = head
            .get(inbox::MAGIC.len() - 1)
            .map_or(inbox::FORMAT, |v| u32::from(*v));
        // The portal-key pin, on what the header claims, before any entry is read: a bundle
        // in a pinned portal's name that states another key, or none, is refused as that,
        // whatever else is wrong with it, and costs no more than its header (checked again
        // on the verified header below; test
        // `regression_a_forged_bundle_with_a_broken_item_was_refused_for_the_item`).
        if let Ok(claimed) = inbox::peek_header(&head) {
            let stated = claimed.stated_key()?;
            self.check_portal_key(&claimed.portal_id, stated, new_portal_key)?;
        }

        // The head read goes back in front of the rest.
        let input =
            std::io::BufReader::with_capacity(1 << 20, std::io::Cursor::new(head).chain(input));

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

        let mut pack = Pack::create(&self.root.join(BLOBS_DIR));
        let pack_name = pack.name.clone();
        let mut pack_writer =
            tipbox_core::durable::DirectWriter::new(pack.file()?).map_err(io_err(&pack.partial))?;

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
        let early = early_entries::EarlyEntries::new(
            self.tips.clone(),
            &pack_name,
            &written_to,
            std::mem::take(&mut known.portal_tips),
            std::mem::take(&mut record),
            next,
        );

        // 1. Verify: read and check the whole bundle, opening its new items.
        let window = DayWindow::today();
        let reading = read::Reading {
            bundle,
            version,
            identities,
            window: &window,
            known_blobs: &known.blobs,
            partial: &pack.partial,
            // Follow-ups' receipt signatures matter only where portals form a site (what
            // other portals list, and a follow-up from outside a site).
            hash_content: !self.sites()?.is_empty(),
        };
        // A damaged bundle is reported as such, before whatever its items did to the
        // workers. (On every early return, `written` removes the new tips' entries.)
        let read::Read {
            verified,
            early,
            already,
        } = read::read_bundle(input, progress, &reading, &mut pack_writer, early)?;
        let portal_id = verified.header.portal_id.clone();
        // Only the portal writes bundles in its name: once its key is pinned, a bundle
        // signed otherwise, or not at all, is refused here, before the bundle says anything
        // (what the portal holds included) (docs/design/sites.md, "Portal keys").
        let key = self.check_portal_key(&portal_id, verified.portal_key, new_portal_key)?;
        // A hand-over bundle says nothing about what a portal holds or has applied. One that
        // names a portal this ledger imports from directly is that portal's, whatever its
        // header says: otherwise a hostile portal could have its new tips
        // marked as another unit's, and left out of every export.
        let handover = verified.header.handover && !self.imports_directly_from(&portal_id)?;
        let portal = PortalWord {
            portal_id: &portal_id,
            handover,
            holds: &verified.entries,
            last_update: verified.header.last_update,
            site_id: verified.header.site_id.as_deref(),
        };
        let site = if handover {
            // Another unit's bundle: no site of this office.
            Default::default()
        } else {
            let mut members: std::collections::BTreeSet<String> =
                self.site_members(&portal_id)?.into_iter().collect();
            members.remove(&portal_id);
            members
        };
        let mut numbering = plan::Numbering {
            portal_tips: early.portal_tips,
            record: early.record,
            next: early.next,
            bundle_portal: portal_id.clone(),
            site,
        };
        let items = early.late;
        if early.written.is_empty()
            && items.is_empty()
            && numbering.record.portal_tips.is_empty()
            && numbering.record.blobs.is_empty()
        {
            // Everything is already here: an idempotent re-import writes no tip (and the
            // summary index, marked dirty above, is as it was), only what the portal
            // still holds and, perhaps, the caught-up numbering of updates.
            let site_id_differs_from = self.site_id_differs(&portal)?;
            self.record_portal_key(&portal_id, &key)?;
            let (caught_up, cleared) = self.record_portal_state(&portal)?;
            self.sync()?;
            self.audit_portal_key(&portal_id, &key)?;
            self.audit_catch_up(&portal_id, caught_up)?;
            self.audit_cleared_marks(&portal_id, cleared)?;
            let mut summary = ImportSummary {
                portal_id,
                handover,
                already_imported: already,
                updates_caught_up: caught_up,
                handover_marks_cleared: cleared,
                site_id_differs_from,
                ..Default::default()
            };
            key.tell(&mut summary);
            return Ok(summary);
        }

        // 2. Plan: every entry the import adds or changes, in memory.
        let mut planned = plan::plan(&items, &pack_name, &mut numbering, |id| {
            match self.get(id) {
                Ok(t) => Ok(Some(t)),
                Err(LedgerError::NoSuchTip(_)) => Ok(None),
                Err(e) => Err(e),
            }
        })?;
        if handover {
            plan::mark_handed_over(&mut planned.entries, &early.written, written.from);
        }
        let mut summary = ImportSummary {
            portal_id: portal_id.clone(),
            handover,
            already_imported: already,
            new_tips: early.new_tips + planned.new_tips,
            new_followups: planned.new_followups,
            tips_completed: planned.tips_completed,
            followup_tips: std::mem::take(&mut planned.followup_tips),
            left_out_tip_not_held: planned
                .left_out
                .iter()
                .filter(|l| **l == plan::LeftOut::TipNotHeld)
                .count() as u64,
            left_out_outside_site: planned
                .left_out
                .iter()
                .filter(|l| **l == plan::LeftOut::OutsideSiteNotProven)
                .count() as u64,
            ..Default::default()
        };

        // 3. Write. Only now, with everything verified and planned (nothing can refuse the
        // bundle any more): make the pack durable under its final name (unless all this
        // import does is adopt entries, and the pack is empty).
        let pack_file = pack_writer.finish().map_err(io_err(&pack.partial))?;
        if !items.is_empty() || !early.written.is_empty() {
            pack.keep(pack_file)?;
        }
        self.import_writing = true;
        summary.site_id_differs_from = self.site_id_differs(&portal)?;
        key.tell(&mut summary);
        self.record_portal_key(&portal_id, &key)?;
        let (caught_up, cleared) = self.record_portal_state(&portal)?;
        summary.updates_caught_up = caught_up;
        summary.handover_marks_cleared = cleared;
        if cleared > 0 {
            // The entries planned above were read before the marks were cleared.
            for t in planned
                .entries
                .iter_mut()
                .filter(|t| t.portal_id.as_deref() == Some(portal_id.as_str()))
            {
                t.handed_over = false;
            }
        }
        self.write_import(&early.written, &planned.entries, &pack_name, &numbering)?;
        // From here the entries are the ledger's: a crash before the sync leaves them to
        // be adopted by the next import.
        written.keep = true;
        self.sync()?;
        self.import_writing = false;
        self.audit_portal_key(&portal_id, &key)?;
        self.audit(
            Action::Import,
            None,
            &format!(
                "portal {}: {} new tips, {} new follow-ups, {} already imported",
                portal_id, summary.new_tips, summary.new_followups, summary.already_imported
            ),
        )?;
        if !planned.left_out.is_empty() {
            self.audit(
                Action::Import,
                None,
                &format!(
                    "portal {}: {} follow-up(s) for tips this ledger does not hold, {} for \
                     tips of portals outside its site not signed by their receipt: left out",
                    portal_id, summary.left_out_tip_not_held, summary.left_out_outside_site
                ),
            )?;
        }
        for (id, before, now) in &planned.completed {
            self.audit(
                Action::Import,
                Some(*id),
                &format!(
                    "portal {portal_id}: its own tip item arrived after its follow-ups; \
                     received {before} -> {now}"
                ),
            )?;
        }
        self.audit_catch_up(&portal_id, caught_up)?;
        self.audit_cleared_marks(&portal_id, cleared)?;
        Ok(summary)
    }

    /// Write a planned import, in an order that keeps a crash harmless: the entries, then
    /// this import's record, then the next id. Entries written without their record are
    /// adopted by the next import (see `imported`). Durable at the caller's sync.
    fn write_import(
        &mut self,
        early: &[TipEntry],
        entries: &[TipEntry],
        pack_name: &str,
        numbering: &plan::Numbering,
    ) -> Result<(), LedgerError> {
        // The early entries' summaries first: an entry changed since (a follow-up joined
        // it) is recorded again below, and the last record wins.
        let index = self.root.join("index");
        self.summaries.record(early).map_err(io_err(&index))?;
        self.put_all(entries)?;
        self.imports
            .insert(pack_name.as_bytes(), numbering.record.encode())
            .map_err(db_err)?;
        self.meta
            .insert(KEY_NEXT_ID, &numbering.next.to_be_bytes())
            .map_err(db_err)?;
        Ok(())
    }
}

/// This import's pack file: made under a partial name, removed again on every early
/// return unless [`Pack::keep`] made it durable under its own.
struct Pack {
    name: String,
    path: PathBuf,
    partial: PathBuf,
    kept: bool,
}

impl Pack {
    fn create(blobs_dir: &Path) -> Pack {
        let name = format!("pack-{}.age-pack", tipbox_core::vocab::new_id());
        let path = blobs_dir.join(&name);
        let partial = tipbox_core::durable::partial_path(&path);
        Pack {
            name,
            path,
            partial,
            kept: false,
        }
    }

    /// The partial file, created now.
    fn file(&self) -> Result<fs::File, LedgerError> {
        tipbox_core::durable::create_private_file(&self.partial).map_err(io_err(&self.partial))
    }

    fn keep(&mut self, file: fs::File) -> Result<(), LedgerError> {
        file.sync_all().map_err(io_err(&self.partial))?;
        drop(file);
        tipbox_core::durable::rename_into_place(&self.partial, &self.path)
            .map_err(io_err(&self.path))?;
        self.kept = true;
        Ok(())
    }
}

impl Drop for Pack {
    fn drop(&mut self) {
        if !self.kept {
            let _ = fs::remove_file(&self.partial);
        }
    }
}

/// What a bundle says of the portal that made it: the portal's own word (signed by it once
/// its key is pinned), so still hostile input (see `portal`).
struct PortalWord<'a> {
    portal_id: &'a str,
    handover: bool,
    /// The items the portal still holds.
    holds: &'a [inbox::EntryHeader],
    last_update: Option<u64>,
    /// The site id of the parameters it derives receipt keys with (checked syntax).
    site_id: Option<&'a str>,
}
