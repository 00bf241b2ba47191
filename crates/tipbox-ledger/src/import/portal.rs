//! What an import records of the portal that sent the bundle: its bundle-signing key
//! (pinned at its first signed bundle), the items it still holds (acknowledged in the next
//! update bundle), the update numbering it has applied, and which portals only ever sent
//! hand-overs.

use crate::*;

/// What an import does with the key its bundle is signed with (decided by
/// [`Ledger::check_portal_key`] before the bundle is believed in anything).
pub(super) enum PortalKey {
    /// Signed with the key pinned for the portal.
    Known,
    /// The portal's first signed bundle: its key is pinned.
    Pin([u8; 32]),
    /// Signed with another key than the pinned one, which the office accepted
    /// (`--new-portal-key`): the pin moves to it.
    Replace { old: [u8; 32], new: [u8; 32] },
    /// Not signed, from a portal with no key pinned (older than 2026-12-08, or a hand-over).
    Unsigned,
}

impl PortalKey {
    pub(super) fn tell(&self, summary: &mut ImportSummary) {
        match self {
            PortalKey::Known => {}
            PortalKey::Pin(k) => summary.portal_key_pinned = Some(hex::encode(k)),
            PortalKey::Replace { old, new } => {
                summary.portal_key_pinned = Some(hex::encode(new));
                summary.portal_key_replaced = Some(hex::encode(old));
            }
            // (`summary.handover` is set before: a hand-over is unsigned by design.)
            PortalKey::Unsigned => summary.unsigned = !summary.handover,
        }
    }
}

impl Ledger {
    /// The bundle-signing key pinned for `portal_id`: that of its first signed bundle.
    pub fn portal_key_of(&self, portal_id: &str) -> Result<Option<[u8; 32]>, LedgerError> {
        Ok(self
            .meta
            .get(format!("{KEY_PORTAL_KEY}{portal_id}").as_bytes())
            .map_err(db_err)?
            .and_then(|v| v.as_ref().try_into().ok()))
    }

    /// Accept `key` for the next import in place of the key pinned for its portal: the
    /// office's word, after checking on the portal itself that it signs with `key` (a
    /// portal that lost its key file). The import is refused unless its bundle is signed
    /// with exactly this key.
    pub fn accept_new_portal_key(&mut self, key: [u8; 32]) {
        self.new_portal_key = Some(key);
    }

    /// Whether a bundle naming `portal_id`, signed with `signed` (checked against the key
    /// its header states), is that portal's: the first signed bundle pins its key; after
    /// that, a bundle signed with another key, or unsigned, is refused, unless the office
    /// accepted that other key (`new`).
    pub(super) fn check_portal_key(
        &self,
        portal_id: &str,
        signed: Option<[u8; 32]>,
        new: Option<[u8; 32]>,
    ) -> Result<PortalKey, LedgerError> {
        if let Some(new) = new {
            if signed != Some(new) {
                return Err(LedgerError::NewPortalKeyNotThis {
                    expected: hex::encode(new),
                    signed: signed.map(hex::encode),
                });
            }
        }
        let pinned = self.portal_key_of(portal_id)?;
        Ok(match (pinned, signed) {
            (Some(p), Some(k)) if p == k => PortalKey::Known,
            (Some(old), Some(k)) if new.is_some() => PortalKey::Replace { old, new: k },
            (Some(p), Some(k)) => {
                return Err(LedgerError::PortalKeyDiffers {
                    portal: portal_id.to_owned(),
                    pinned: hex::encode(p),
                    given: hex::encode(k),
                })
            }
            (Some(p), None) => {
                return Err(LedgerError::PortalBundleUnsigned {
                    portal: portal_id.to_owned(),
                    pinned: hex::encode(p),
                })
            }
            (None, Some(k)) => PortalKey::Pin(k),
            (None, None) => PortalKey::Unsigned,
        })
    }

    /// Pin or move the portal's key (written with the import, synced by the caller).
    pub(super) fn record_portal_key(
        &mut self,
        portal_id: &str,
        key: &PortalKey,
    ) -> Result<(), LedgerError> {
        if let PortalKey::Pin(k) | PortalKey::Replace { new: k, .. } = key {
            self.meta
                .insert(format!("{KEY_PORTAL_KEY}{portal_id}").as_bytes(), &k[..])
                .map_err(db_err)?;
        }
        Ok(())
    }

    pub(super) fn audit_portal_key(
        &mut self,
        portal_id: &str,
        key: &PortalKey,
    ) -> Result<(), LedgerError> {
        let detail = match key {
            PortalKey::Pin(k) => format!(
                "portal {portal_id}: first signed bundle; its bundle-signing key {} is pinned",
                hex::encode(k)
            ),
            PortalKey::Replace { old, new } => format!(
                "portal {portal_id}: bundle-signing key {} replaced by {} at the office's word \
                 (--new-portal-key)",
                hex::encode(old),
                hex::encode(new)
            ),
            PortalKey::Known | PortalKey::Unsigned => return Ok(()),
        };
        self.audit(Action::Import, None, &detail)
    }

    /// What the portal holds and has applied: written with the import, once nothing can
    /// refuse it any more (a refused bundle leaves the ledger as it was). A hand-over
    /// bundle only marks that its portal sent one. Returns the caught-up numbering and how
    /// many false hand-over marks were cleared.
    pub(super) fn record_portal_state(
        &mut self,
        word: &super::PortalWord<'_>,
    ) -> Result<(Option<(u64, u64)>, u64), LedgerError> {
        if word.handover {
            self.meta
                .insert(
                    format!("{KEY_HANDOVER_FROM}{}", word.portal_id).as_bytes(),
                    &[1u8][..],
                )
                .map_err(db_err)?;
            return Ok((None, 0));
        }
        self.record_portal_holdings(word.portal_id, word.holds)?;
        if let Some(site_id) = word.site_id {
            self.record_site_id(word.portal_id, site_id)?;
        }
        let cleared = self.clear_false_handover_marks(word.portal_id)?;
        // Without this, every export of a ledger restored from an older backup would be
        // refused by the portal as a rollback (its numbers were used already).
        Ok((
            self.catch_up_updates(word.portal_id, word.last_update)?,
            cleared,
        ))
    }

    /// The other portal of `word`'s site whose last bundle stated another site id than
    /// this one does (mistake check only: headers are not authenticated).
    pub(super) fn site_id_differs(
        &self,
        word: &super::PortalWord<'_>,
    ) -> Result<Option<String>, LedgerError> {
        let Some(site_id) = word.site_id.filter(|_| !word.handover) else {
            return Ok(None);
        };
        for p in self.site_members(word.portal_id)? {
            if p != word.portal_id && self.site_id_of(&p)?.is_some_and(|s| s != site_id) {
                return Ok(Some(p));
            }
        }
        Ok(None)
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

    pub(super) fn audit_cleared_marks(
        &mut self,
        portal_id: &str,
        cleared: u64,
    ) -> Result<(), LedgerError> {
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
    pub(super) fn imports_directly_from(&self, portal_id: &str) -> Result<bool, LedgerError> {
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

    pub(super) fn audit_catch_up(
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
