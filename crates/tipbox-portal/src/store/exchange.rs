//! What crosses the air gap: inbox bundles of the blobs not yet acknowledged (exports), and
//! signed update bundles applied (each tip's signed public state, acknowledgements that let
//! blobs be deleted, retention).

use std::fs;
use std::io;

use serde::{Deserialize, Serialize};
use sled::Transactional;

use super::{
    io_err, sync_dir, today, Store, StoreError, BLOBS_DIR, META_LAST_HASH, META_LAST_SEQUENCE,
};

/// How many other portals the office's last update bundle named as this portal's site
/// (`UpdateBody::site_members`): the office's signed word that this portal serves a site,
/// kept whatever the configuration says on a later start.
const META_SITE_MEMBERS: &str = "site-members";

/// What an export wrote.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct ExportSummary {
    pub entries: u64,
    pub bytes: u64,
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
    /// Records of tips other portals of the site received (docs/design/sites.md).
    #[serde(default)]
    pub site_tips: u64,
    /// Records of tips of portals the office took out of the site, dropped.
    #[serde(default)]
    pub site_tips_dropped: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    #[error(transparent)]
    Refused(#[from] tipbox_core::bundle::update::UpdateError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
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
        use tipbox_core::bundle::inbox;
        let header = inbox::InboxHeader {
            last_update,
            // So that the office notices a portal put in a site it was not made for.
            site_id: Some(self.meta.site().site_id()),
            ..inbox::InboxHeader::new(&self.meta.portal_id, &today(), sources.len() as u64)
        };
        let out =
            inbox::write_signed(out, header, &self.signing_key, &sources).map_err(|source| {
                StoreError::Io {
                    path: self.root.join(BLOBS_DIR),
                    source,
                }
            })?;
        Ok((
            out,
            ExportSummary {
                entries: sources.len() as u64,
                bytes,
            },
        ))
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
        // Tips other portals of the site received, by reply key (docs/design/sites.md).
        let mut site_writes: Vec<([u8; 32], Vec<u8>)> = Vec::new();
        for signed in &body.tips {
            let u = signed
                .verify(verify_key, &self.meta.portal_id)
                .ok_or(UpdateError::BadSignature)?;
            if let Some(site) = u
                .site
                .as_ref()
                .filter(|s| s.home_portal_id != self.meta.portal_id)
            {
                // Well formed: `update::verify` checked it.
                let key = site.reply_key().ok_or(UpdateError::Malformed(
                    "a site record's reply key is malformed",
                ))?;
                site_writes.push((key, serde_json::to_vec(signed).expect("updates serialize")));
                continue;
            }
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
        summary.site_tips = site_writes.len() as u64;
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
        // The office's list of the site's other portals, when the bundle has one: the
        // records of tips the portals no longer in it received are dropped (a portal taken
        // out of the site is no longer answered here).
        let site_drops = match &body.site_members {
            None => Vec::new(),
            Some(members) => self.site_records_outside(members, verify_key)?,
        };
        summary.site_tips_dropped = site_drops.len() as u64;
        let day = today();
        (&self.updates, &self.acked, &self.meta_tree, &self.site_tips)
            .transaction(|(updates, acked, meta, site_tips)| {
                for (tip_id, value) in &writes {
                    updates.insert(tip_id.as_bytes(), value.clone())?;
                }
                for key in &site_drops {
                    site_tips.remove(&key[..])?;
                }
                for (key, value) in &site_writes {
                    site_tips.insert(&key[..], value.clone())?;
                }
                for blob in &to_purge {
                    acked.insert(blob.as_bytes(), day.as_bytes())?;
                }
                meta.insert(META_LAST_SEQUENCE, &body.sequence.to_be_bytes())?;
                if let Some(members) = &body.site_members {
                    meta.insert(META_SITE_MEMBERS, &(members.len() as u64).to_be_bytes())?;
                }
                meta.insert(META_LAST_HASH, &hash[..])?;
                Ok::<(), sled::transaction::ConflictableTransactionError<()>>(())
            })
            .map_err(|e| StoreError::IndexWrite(format!("{e:?}")))?;
        self.durable_flush()?;
        summary.purged = self.purge_acknowledged()?;
        summary.expired = self.expire_closed(retention_days, verify_key)?;
        Ok(summary)
    }

    /// Whether the office's last update bundle said this portal serves a site with others.
    pub fn office_says_in_site(&self) -> Result<bool, StoreError> {
        Ok(self.meta_u64(META_SITE_MEMBERS)? > 0)
    }

    /// The keys of the site records held here whose tip was received by a portal not in
    /// `members` (or that no longer verify for this portal: nothing would show them).
    fn site_records_outside(
        &self,
        members: &[String],
        verify_key: &[u8; 32],
    ) -> Result<Vec<sled::IVec>, StoreError> {
        let members: std::collections::HashSet<&str> = members.iter().map(String::as_str).collect();
        let mut outside = Vec::new();
        for item in self.site_tips.iter() {
            let (key, value) = item.map_err(|e| StoreError::IndexWrite(e.to_string()))?;
            let home =
                serde_json::from_slice::<tipbox_core::bundle::update::SignedTipUpdate>(&value)
                    .ok()
                    .and_then(|signed| signed.verify(verify_key, &self.meta.portal_id))
                    .and_then(|u| u.site)
                    .map(|site| site.home_portal_id);
            if !home.is_some_and(|h| members.contains(h.as_str())) {
                outside.push(key);
            }
        }
        Ok(outside)
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
        // A record the office signed for this portal, finished, last changed before the
        // cutoff: the portal's own tips' and the site's alike.
        let past_retention = |value: &[u8]| {
            serde_json::from_slice::<tipbox_core::bundle::update::SignedTipUpdate>(value)
                .ok()
                .and_then(|signed| signed.verify(verify_key, &self.meta.portal_id))
                .is_some_and(|u| {
                    tipbox_core::bundle::update::is_final_status(&u.status)
                        && time::Date::parse(u.last_change(), &format).is_ok_and(|d| d <= cutoff)
                })
        };
        let mut expired = 0;
        for item in self.updates.iter() {
            let (tip_id, value) = item.map_err(|e| StoreError::IndexWrite(e.to_string()))?;
            if past_retention(&value) {
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
        for item in self.site_tips.iter() {
            let (key, value) = item.map_err(|e| StoreError::IndexWrite(e.to_string()))?;
            if past_retention(&value) {
                self.site_tips
                    .remove(&key)
                    .map_err(|e| StoreError::IndexWrite(e.to_string()))?;
                expired += 1;
            }
        }
        if expired > 0 {
            self.durable_flush()?;
        }
        Ok(expired)
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use tipbox_core::bundle::update::{self, UpdateBody};
    use tipbox_core::crypto::{self, KdfParams};

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
            site_members: None,
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
