//! Reading a bundle (verify): one pass over the file that checks its structure and
//! checksums while the new items are decrypted on every core to read their manifests, and
//! their ciphertext is copied into this import's pack. What it returns has been checked;
//! nothing but the pack (not yet durable, under its partial name) and the new tips' early
//! entries (module `early_entries`, removed again if the import fails) was written.

use std::collections::HashSet;
use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::{mpsc, Mutex};

use tipbox_core::bundle::inbox;

use crate::early_entries::{self, EarlyEntries};
use crate::items::{read_item, PiecesReader};
use crate::{io_err, DayWindow, LedgerError};

/// What the reader needs to know.
pub(super) struct Reading<'a> {
    /// Names the bundle in messages.
    pub bundle: &'a Path,
    /// The bundle's format version (which checksum its entries state).
    pub version: u32,
    pub identities: &'a [tipbox_core::keys::Identity],
    pub window: &'a DayWindow,
    /// Items the ledger holds already: not opened again, only their checksums checked.
    pub known_blobs: &'a HashSet<String>,
    /// The pack's partial file, for messages.
    pub partial: &'a Path,
    /// Hash each item's content, so that a follow-up's receipt signature can be checked
    /// (`ItemFields::content_hash`): a ledger with no site pays nothing for it.
    pub hash_content: bool,
}

/// A bundle read and checked.
pub(super) struct Read<'e> {
    pub verified: inbox::Verified,
    pub early: EarlyEntries<'e>,
    /// Items the bundle listed that the ledger already holds (or that it listed twice).
    pub already: u64,
}

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

/// Read the whole bundle from `input`, opening its new items on every core and copying
/// them into `pack`; `early` takes each opened item as it comes back. Refuses (with the
/// item named) a damaged bundle, an item that does not open or belong, and an item whose
/// manifest names another portal than the bundle's header.
pub(super) fn read_bundle<'e>(
    input: impl BufRead,
    mut progress: impl FnMut(u64),
    reading: &Reading<'_>,
    pack: &mut tipbox_core::durable::DirectWriter,
    mut early: EarlyEntries<'e>,
) -> Result<Read<'e>, LedgerError> {
    let Reading {
        bundle,
        version,
        identities,
        window,
        known_blobs,
        hash_content,
        ..
    } = *reading;
    let (job_tx, job_rx) = mpsc::sync_channel::<Batch>(8);
    let (give_back, spare) = mpsc::channel::<Vec<u8>>();
    let job_rx = Mutex::new(job_rx);
    // Results go back a batch at a time too: one wake-up of the collecting thread per
    // batch, not per item.
    let (done_tx, done_rx) = mpsc::channel::<Vec<Opened>>();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut write_failure: Option<std::io::Error> = None;
    let mut pack_len = 0u64;
    let mut already = 0u64;
    let mut new_items = 0usize;
    // An item listed twice in one bundle is imported once.
    // Each with the checksum it was listed with: the same id with other contents is a
    // bundle no honest portal writes, and is refused (the second would be dropped unseen).
    let mut seen: std::collections::HashMap<String, String> = Default::default();
    let mut listed_twice: Option<String> = None;
    let (verified, mut early, bad_checksum) = std::thread::scope(|s| {
        for _ in 0..workers {
            let (job_rx, done_tx, give_back) = (&job_rx, done_tx.clone(), give_back.clone());
            s.spawn(move || loop {
                let Ok(Ok(Batch { mut bytes, jobs })) = job_rx.lock().map(|rx| rx.recv()) else {
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
                            read_item(
                                &entry,
                                &mut &bytes[range],
                                bundle,
                                identities,
                                (window, hash_content),
                            )
                        }
                        JobBytes::Streamed(pieces) => {
                            let mut r = std::io::BufReader::new(PiecesReader {
                                pieces,
                                current: Vec::new(),
                                at: 0,
                                hasher: &mut hasher,
                            });
                            let opened = read_item(
                                &entry,
                                &mut r,
                                bundle,
                                identities,
                                (window, hash_content),
                            );
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
                            || known_blobs.contains(&entry.blob_id)
                            || match seen.get(&entry.blob_id) {
                                Some(checksum) => {
                                    if *checksum != entry.checksum && listed_twice.is_none() {
                                        listed_twice = Some(entry.blob_id.clone());
                                    }
                                    true
                                }
                                None => {
                                    seen.insert(entry.blob_id.clone(), entry.checksum.clone());
                                    false
                                }
                            };
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
    if let Some(e) = early.failure.take() {
        return Err(e);
    }
    if let Some(e) = write_failure {
        return Err(LedgerError::Io {
            path: reading.partial.to_owned(),
            source: e,
        });
    }
    if let Some(blob) = listed_twice {
        return Err(LedgerError::BadItem(
            blob,
            "it is listed twice in the bundle, with different contents".into(),
        ));
    }
    let portal_id = &verified.header.portal_id;
    if let Some((_, blob_id)) = early.portal.take().filter(|(p, _)| p != portal_id) {
        return Err(LedgerError::BadItem(
            blob_id,
            "its manifest names another item or portal".into(),
        ));
    }
    Ok(Read {
        verified,
        early,
        already,
    })
}
