//! `search`: find the tips whose decrypted content contains a text.
//!
//! Every item is decrypted in memory on every core at once (the work is age decryption);
//! attachment bytes are streamed past and dropped, only fields and file names are compared.
//! Plaintext, and the lowercased copies compared, are zeroized when dropped; nothing is
//! written anywhere.
//!
//! The ciphertext of small items is read ahead by the thread that hands tips out: for a
//! window of tips at a time, their items are sorted by place in the packs and read in a few
//! large direct reads ([`tipbox_core::durable::DirectReader`]), while the workers decrypt the
//! window before. Larger items are streamed by the worker itself.

use std::ops::Range;
use std::sync::{mpsc, Arc, Mutex};

use zeroize::Zeroizing;

use super::{decrypt_reader, io_err, Ledger, LedgerError, OpenPacks, Status, TipEntry, BLOBS_DIR};
use tipbox_core::tip::{ContainerReader, Record};

/// The form in which texts are compared: lowercase, and full-width letters, digits and
/// punctuation (what a Chinese input method types in its full-width mode: `１３８`,
/// `京Ａ`, `ＷＡＮＧ`) and the ideographic space as their ASCII forms, so that a phone
/// number or a plate is found however either side typed it. Not full NFKC: that costs per
/// character of every decrypted tip, and these are the forms that occur in tips.
fn fold(s: &str) -> Zeroizing<String> {
    if s.is_ascii() {
        return Zeroizing::new(s.to_ascii_lowercase());
    }
    let mut out = Zeroizing::new(String::with_capacity(s.len()));
    for c in s.chars() {
        let c = match c {
            // U+FF01..U+FF5E are U+0021..U+007E at a fixed offset.
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            c => c,
        };
        out.extend(c.to_lowercase());
    }
    out
}

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

/// A tip to search, with the ciphertext of those of its items that were read ahead (by
/// index in `tip.blobs`): where each is in a run read from a pack.
struct Job {
    tip: TipEntry,
    read_ahead: Vec<Option<(Arc<Run>, Range<usize>)>>,
}

/// The bytes of one read from a pack, shared by the items in it; the buffer goes back to
/// the reader for the next run when the last item is done (no allocation per read).
struct Run {
    bytes: Vec<u8>,
    give_back: mpsc::Sender<Vec<u8>>,
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = self.give_back.send(std::mem::take(&mut self.bytes));
    }
}

/// Tips per window, and the most ciphertext read ahead for one window.
const WINDOW_TIPS: usize = 256;
const WINDOW_BYTES: u64 = 8 << 20;
/// Items up to this size are read ahead; larger ones (attachments) are streamed.
const READ_AHEAD_ITEM: u64 = 256 << 10;
/// Items closer than this in a pack are read in one run (the gap is read and dropped).
const MAX_GAP: u64 = 64 << 10;
/// Tips go to the workers in batches of up to 64 tips or 1 MiB read ahead, and up to 16
/// batches wait: ~30 ms of work, enough to cover a slow read of the next window.
const BATCH_TIPS: usize = 64;
const BATCH_BYTES: usize = 1 << 20;
const BATCHES_WAITING: usize = 16;

impl Ledger {
    /// Search every tip's decrypted fields, attachment names and reviewer text for `needle`
    /// (case-insensitive, and full-width forms match ASCII ones: see `fold`). `progress` is
    /// called with the number of tips done.
    pub fn search(
        &self,
        identities: &[tipbox_core::keys::Identity],
        needle: &str,
        progress: impl Fn(u64) + Sync,
    ) -> Result<Vec<SearchHit>, LedgerError> {
        let needle = fold(needle);
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let (tx, rx) = mpsc::sync_channel::<Vec<Job>>(BATCHES_WAITING);
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
                            let n = batch.len() as u64;
                            for job in batch {
                                if let Some(hit) =
                                    self.search_one(job, identities, needle, &mut packs)?
                                {
                                    hits.push(hit);
                                }
                            }
                            progress(n);
                        }
                    })
                })
                .collect();
            let feed = || -> Result<(), LedgerError> {
                let mut reader = tipbox_core::durable::DirectReader::default();
                let (give_back, spare) = mpsc::channel();
                let mut tips = self.tips.iter();
                loop {
                    let mut window = Vec::with_capacity(WINDOW_TIPS);
                    let mut bytes = 0u64;
                    for r in tips.by_ref() {
                        let tip: TipEntry = serde_json::from_slice(&r.map_err(super::db_err)?.1)
                            .map_err(super::db_err)?;
                        bytes += tip
                            .blobs
                            .iter()
                            .filter_map(|b| b.pack.as_ref())
                            .map(|p| p.len)
                            .filter(|len| *len <= READ_AHEAD_ITEM)
                            .sum::<u64>();
                        window.push(Job {
                            read_ahead: vec![None; tip.blobs.len()],
                            tip,
                        });
                        if window.len() == WINDOW_TIPS || bytes >= WINDOW_BYTES {
                            break;
                        }
                    }
                    if window.is_empty() {
                        return Ok(());
                    }
                    self.read_ahead(&mut reader, &mut window, (&give_back, &spare))?;
                    let mut batch = Vec::with_capacity(BATCH_TIPS);
                    let mut batch_bytes = 0;
                    let last = window.len() - 1;
                    for (i, job) in window.into_iter().enumerate() {
                        batch_bytes += job
                            .read_ahead
                            .iter()
                            .flatten()
                            .map(|(_, r)| r.len())
                            .sum::<usize>();
                        batch.push(job);
                        if (i == last || batch.len() == BATCH_TIPS || batch_bytes >= BATCH_BYTES)
                            && tx.send(std::mem::take(&mut batch)).is_err()
                        {
                            // A worker failed; its error is reported below.
                            return Ok(());
                        }
                        if batch.is_empty() {
                            batch_bytes = 0;
                        }
                    }
                }
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

    /// Read the small pack items of a window of tips: sorted by place, in runs of nearby
    /// items, up to `WINDOW_BYTES` in all (the rest are read by the workers).
    fn read_ahead(
        &self,
        reader: &mut tipbox_core::durable::DirectReader,
        window: &mut [Job],
        (give_back, spare): (&mpsc::Sender<Vec<u8>>, &mpsc::Receiver<Vec<u8>>),
    ) -> Result<(), LedgerError> {
        // (pack file, offset, length, job, blob)
        let mut wanted: Vec<(&str, u64, u64, usize, usize)> = Vec::new();
        let mut budget = WINDOW_BYTES;
        for (j, job) in window.iter().enumerate() {
            for (b, blob) in job.tip.blobs.iter().enumerate() {
                if let Some(p) = &blob.pack {
                    if p.len <= READ_AHEAD_ITEM && p.len <= budget {
                        budget -= p.len;
                        wanted.push((&p.file, p.offset, p.len, j, b));
                    }
                }
            }
        }
        wanted.sort_unstable();
        let mut found: Vec<(usize, usize, Arc<Run>, Range<usize>)> =
            Vec::with_capacity(wanted.len());
        let mut i = 0;
        while i < wanted.len() {
            let (file, start, len, ..) = wanted[i];
            let mut end = start + len;
            let mut k = i + 1;
            while let Some(&(f, offset, len, ..)) = wanted.get(k) {
                if f != file || offset > end + MAX_GAP || offset + len - start > WINDOW_BYTES {
                    break;
                }
                end = end.max(offset + len);
                k += 1;
            }
            let path = self.root.join(BLOBS_DIR).join(file);
            let mut bytes = spare.try_recv().unwrap_or_default();
            let at = reader
                .read(&path, start, (end - start) as usize, &mut bytes)
                .map_err(io_err(&path))?
                .start;
            let run = Arc::new(Run {
                bytes,
                give_back: give_back.clone(),
            });
            for &(_, offset, len, j, b) in &wanted[i..k] {
                let from = at + (offset - start) as usize;
                found.push((j, b, run.clone(), from..from + len as usize));
            }
            i = k;
        }
        drop(wanted);
        for (j, b, run, range) in found {
            window[j].read_ahead[b] = Some((run, range));
        }
        Ok(())
    }

    fn search_one(
        &self,
        job: Job,
        identities: &[tipbox_core::keys::Identity],
        needle: &str,
        packs: &mut OpenPacks,
    ) -> Result<Option<SearchHit>, LedgerError> {
        let Job { tip: t, read_ahead } = job;
        let mut matched: Vec<String> = Vec::new();
        let mut note = |what: &str| {
            if !matched.iter().any(|m| m == what) {
                matched.push(what.to_owned());
            }
        };
        let contains = |s: &str| fold(s).contains(needle);
        for (blob, ahead) in t.blobs.iter().zip(&read_ahead) {
            let ciphertext: Box<dyn std::io::BufRead + Send + '_> = match ahead {
                Some((run, range)) => Box::new(&run.bytes[range.clone()]),
                None => self.blob_reader_in(blob, packs)?,
            };
            let plain =
                decrypt_reader(ciphertext, identities).map_err(|e| e.for_blob(self, blob))?;
            let bad = |e: tipbox_core::tip::ContainerError| LedgerError::damaged(blob, e);
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

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn full_width_forms_and_case_fold_to_one_form() {
        assert_eq!(&*fold("ＷＡＮＧ　１３８－００"), "wang 138-00");
        assert_eq!(&*fold("京Ａ１２３４５，王某某"), "京a12345,王某某");
        assert_eq!(&*fold("Haibin Road"), "haibin road");
        assert!(fold("车牌京Ａ８８８８８").contains(&*fold("京a88888")));
        // Not touched: ideographs, CJK punctuation outside the full-width block.
        assert_eq!(&*fold("扫黑除恶。"), "扫黑除恶。");
    }
}
