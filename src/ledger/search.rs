//! `search`: find the tips whose decrypted content contains a text.
//!
//! Every item is decrypted in memory on every core at once (the work is age decryption);
//! attachment bytes are streamed past and dropped, only fields and file names are compared.
//! Plaintext, and the lowercased copies compared, are zeroized when dropped; nothing is
//! written anywhere.

use std::sync::{mpsc, Mutex};

use zeroize::Zeroizing;

use super::{decrypt_reader, Ledger, LedgerError, OpenPacks, Status, TipEntry};
use crate::tip::{ContainerReader, Record};

/// One tip that matched, and where.
#[derive(Debug, Clone, serde::Serialize)]
pub struct SearchHit {
    pub id: u64,
    pub status: Status,
    pub category: String,
    pub received: String,
    /// Field names (`description`, `place`...), `attachment name`, or reviewer text kinds.
    pub matched: Vec<String>,
}

impl Ledger {
    /// Search every tip's decrypted fields, attachment names and reviewer text for `needle`
    /// (case-insensitive). `progress` is called with the number of tips done.
    pub fn search(
        &self,
        identities: &[crate::keys::Identity],
        needle: &str,
        progress: impl Fn(u64) + Sync,
    ) -> Result<Vec<SearchHit>, LedgerError> {
        let needle = Zeroizing::new(needle.to_lowercase());
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let (tx, rx) = mpsc::sync_channel::<Vec<sled::IVec>>(workers * 4);
        let rx = Mutex::new(rx);
        let results: Vec<Result<Vec<SearchHit>, LedgerError>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    let (rx, needle, progress) = (&rx, &needle, &progress);
                    s.spawn(move || {
                        let mut hits = Vec::new();
                        // Pack files stay open for the whole search: one open per pack,
                        // not one per item.
                        let mut packs = OpenPacks::default();
                        loop {
                            let batch = match rx.lock().map(|r| r.recv()) {
                                Ok(Ok(batch)) => batch,
                                _ => return Ok(hits),
                            };
                            for raw in &batch {
                                let t: TipEntry =
                                    serde_json::from_slice(raw).map_err(super::db_err)?;
                                if let Some(hit) =
                                    self.search_one(&t, identities, needle, &mut packs)?
                                {
                                    hits.push(hit);
                                }
                            }
                            progress(batch.len() as u64);
                        }
                    })
                })
                .collect();
            let feed = || -> Result<(), LedgerError> {
                let mut batch = Vec::with_capacity(64);
                for r in self.tips.iter() {
                    batch.push(r.map_err(super::db_err)?.1);
                    if batch.len() == 64 && tx.send(std::mem::take(&mut batch)).is_err() {
                        // A worker failed; its error is reported below.
                        return Ok(());
                    }
                }
                let _ = tx.send(batch);
                Ok(())
            };
            let fed = feed();
            drop(tx);
            let mut out: Vec<_> = handles
                .into_iter()
                .map(|h| h.join().expect("search worker"))
                .collect();
            out.push(fed.map(|()| Vec::new()));
            out
        });
        let mut hits = Vec::new();
        for r in results {
            hits.extend(r?);
        }
        hits.sort_by_key(|h| h.id);
        Ok(hits)
    }

    fn search_one(
        &self,
        t: &TipEntry,
        identities: &[crate::keys::Identity],
        needle: &str,
        packs: &mut OpenPacks,
    ) -> Result<Option<SearchHit>, LedgerError> {
        let mut matched: Vec<String> = Vec::new();
        let mut note = |what: &str| {
            if !matched.iter().any(|m| m == what) {
                matched.push(what.to_owned());
            }
        };
        let contains = |s: &str| Zeroizing::new(s.to_lowercase()).contains(needle);
        for blob in &t.blobs {
            let ciphertext = self.blob_reader_in(blob, packs)?;
            let plain =
                decrypt_reader(ciphertext, identities).map_err(|e| e.for_blob(self, blob))?;
            let bad = |e: crate::tip::ContainerError| {
                LedgerError::BadItem(blob.blob_id.clone(), e.to_string())
            };
            let mut container = ContainerReader::new(plain).map_err(bad)?;
            while let Some(record) = container.next_record().map_err(bad)? {
                match record {
                    Record::Field { name, value } if contains(&value) => note(&name),
                    Record::FileStart(start) if contains(&start.name) => note("attachment name"),
                    _ => {}
                }
            }
        }
        for text in &t.texts {
            if contains(&self.open_text(text, identities)?) {
                note(&format!("{:?}", text.kind).to_lowercase());
            }
        }
        Ok((!matched.is_empty()).then(|| SearchHit {
            id: t.id,
            status: t.status,
            category: t.category.clone(),
            received: t.received.clone(),
            matched,
        }))
    }
}
