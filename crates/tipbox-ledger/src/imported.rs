//! What the ledger already holds from the portal, so that importing a bundle twice changes
//! nothing and a follow-up finds the tip it belongs to.
//!
//! Each import writes **one** record to the `imports` tree, keyed by the name of its pack
//! file: the portal tips it created and the sealed items it added. sled costs 10-17 µs per
//! insert, so the key per item that ledgers before this record used (the `blob-to-tip` and
//! `portal-tip-to-tip` trees, still read) took three seconds of a 100,000-tip import.
//! Loading every record at the start of an import took 30 ms for 100,000 items.
//!
//! An import writes its entries (each one whole, in batches), then its record, then the
//! next tip id. Entries at or past the next id that no record names were left by an import
//! that crashed in between: the next import adopts them ([`Known::adopt`]), so that
//! importing the bundle again neither duplicates nor overwrites them, and adds the rest.
//! (New tips' entries are written even before the pack is complete; those of an import
//! killed that early name a pack that does not exist, and opening the ledger removes them
//! first: see `early_entries`.)

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::{db_err, LedgerError, TipEntry};

/// What one import added.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct ImportRecord {
    /// `portal-id:portal-tip-id` of each new tip, and the ledger id it got.
    pub portal_tips: Vec<(String, u64)>,
    /// Blob id of each new sealed item, and the ledger id of its tip.
    pub blobs: Vec<(String, u64)>,
}

impl ImportRecord {
    pub fn encode(&self) -> Vec<u8> {
        postcard::to_allocvec(self).expect("import records serialize")
    }
}

/// Everything every import so far added.
#[derive(Debug, Default)]
pub struct Known {
    pub portal_tips: HashMap<String, u64>,
    pub blobs: HashSet<String>,
}

impl Known {
    /// Read the `imports` tree and the per-item trees of older ledgers.
    pub fn load(
        imports: &sled::Tree,
        legacy_blobs: &sled::Tree,
        legacy_portal_tips: &sled::Tree,
    ) -> Result<Known, LedgerError> {
        let mut known = Known::default();
        for kv in imports.iter() {
            let (pack, value) = kv.map_err(db_err)?;
            let record: ImportRecord = postcard::from_bytes(&value).map_err(|e| {
                LedgerError::DbOp(format!(
                    "the import record of {} is damaged ({e}); restore the latest backup",
                    String::from_utf8_lossy(&pack)
                ))
            })?;
            known.portal_tips.extend(record.portal_tips);
            known.blobs.extend(record.blobs.into_iter().map(|(b, _)| b));
        }
        for kv in legacy_portal_tips.iter() {
            let (key, id) = kv.map_err(db_err)?;
            let id = u64::from_be_bytes(id.as_ref().try_into().unwrap_or([0; 8]));
            known
                .portal_tips
                .insert(String::from_utf8_lossy(&key).into_owned(), id);
        }
        for kv in legacy_blobs.iter() {
            let (key, _) = kv.map_err(db_err)?;
            known
                .blobs
                .insert(String::from_utf8_lossy(&key).into_owned());
        }
        Ok(known)
    }

    /// Count an entry written by a crashed import as imported, and list it in `record`
    /// (the record of the import that adopts it).
    pub fn adopt(&mut self, orphan: &TipEntry, record: &mut ImportRecord) {
        if let (Some(portal), Some(tip)) = (&orphan.portal_id, &orphan.portal_tip_id) {
            let key = format!("{portal}:{tip}");
            self.portal_tips.insert(key.clone(), orphan.id);
            record.portal_tips.push((key, orphan.id));
        }
        for b in &orphan.blobs {
            self.blobs.insert(b.blob_id.clone());
            record.blobs.push((b.blob_id.clone(), orphan.id));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_legacy_trees_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::Config::new().path(dir.path()).open().unwrap();
        let (imports, blobs, portal) = (
            db.open_tree("imports").unwrap(),
            db.open_tree("blob-to-tip").unwrap(),
            db.open_tree("portal-tip-to-tip").unwrap(),
        );
        let record = ImportRecord {
            portal_tips: vec![("p:t1".into(), 1), ("p:t2".into(), 2)],
            blobs: vec![("a".repeat(32), 1), ("b".repeat(32), 2)],
        };
        imports.insert("pack-x", record.encode()).unwrap();
        blobs.insert("c".repeat(32), &3u64.to_be_bytes()).unwrap();
        portal.insert("p:t3", &3u64.to_be_bytes()).unwrap();
        let known = Known::load(&imports, &blobs, &portal).unwrap();
        assert_eq!(known.portal_tips.len(), 3);
        assert_eq!(known.portal_tips["p:t2"], 2);
        assert_eq!(known.portal_tips["p:t3"], 3);
        assert!(known.blobs.contains(&"a".repeat(32)));
        assert!(known.blobs.contains(&"c".repeat(32)));
        assert!(!known.blobs.contains(&"d".repeat(32)));

        imports.insert("pack-y", &b"\xff\xff"[..]).unwrap();
        let err = Known::load(&imports, &blobs, &portal).unwrap_err();
        assert!(
            err.to_string().contains("restore the latest backup"),
            "{err}"
        );
    }
}
