//! Sealing: encrypting a tip to the office's age recipients while it streams in.
//!
//! The web handler reads the upload chunk by chunk and passes each chunk through a small
//! bounded channel to a blocking thread that owns the blob from start to end: it creates
//! the temp file, encrypts into it straight to the disk (`durable::DirectWriter`), and
//! commits it with its index entries. The async handler never waits on the file system
//! itself (file creation can take a millisecond or more; docs/performance.md, figure 3),
//! and a tip costs one hand-over to a blocking thread, not two. Memory per upload is therefore
//! the channel (a few chunks), age's 64 KiB chunk buffer and the disk writer's 1.5 MiB,
//! whatever the upload's size. Plaintext exists only in those buffers; the file gets
//! ciphertext only. The one exception is images: JPEG/PNG/WebP are held in memory (up to a
//! configured cap per image, and an [`ImageBudget`] shared by all uploads) so their
//! metadata can be removed before they are sealed.

use std::io::Write;
use std::sync::Arc;

use bytes::Bytes;
use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};
use zeroize::Zeroizing;

use crate::metadata::{self, ImageKind, SNIFF_LEN};
use crate::store::{OutboxRecord, Store, StoreError, TipRecord};
use tipbox_core::durable::DirectWriter;
use tipbox_core::receipt::LookupKey;
use tipbox_core::tip::{ContainerWriter, FileEnd, FileStart, Manifest};

pub use tipbox_core::keys::Recipients;

/// What the handler feeds the sealer.
pub enum SealInput {
    Field {
        name: &'static str,
        value: Zeroizing<String>,
    },
    FileStart {
        name: String,
        content_type: String,
    },
    /// Pieces of the current attachment as they came off the network, in order; batched
    /// so the sealer wakes once per few hundred KiB instead of once per network piece.
    FileData(Vec<Bytes>),
    FileEnd,
    /// Close the container with this manifest (blob id and counts are filled in by the
    /// sealer), then commit the blob.
    Finish(Box<Manifest>, Commit),
}

/// What comes with a finished item besides its ciphertext.
pub enum Commit {
    /// A new tip: its lookup entry.
    Tip(LookupKey, TipRecord),
    /// A follow-up: signed with the key derived from the receipt the reporter typed, over
    /// the hash of its content (the sealer must have been started with `Item::Followup`);
    /// its day joins the record of the tip under this lookup key.
    Followup(Box<tipbox_core::crypto::SigningKey>, LookupKey),
}

/// What a sealer is sealing.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Item {
    Tip,
    /// Hashes its content as it goes, for the signature (a tip does not pay for that).
    Followup,
}

/// Memory for images held whole while their metadata is removed, shared by every upload
/// (`image_memory_mib`), counted in KiB of image data. An image that does not fit is
/// refused at once as "busy" rather than waited for: two uploads each holding half the
/// budget and waiting for more would wait for ever.
#[derive(Clone)]
pub struct ImageBudget(Arc<Semaphore>);

impl ImageBudget {
    pub fn new(bytes: u64) -> Self {
        ImageBudget(Arc::new(Semaphore::new((bytes >> 10) as usize)))
    }

    /// Grow `held` to cover `bytes` of image data.
    fn cover(
        &self,
        held: &mut Option<OwnedSemaphorePermit>,
        bytes: usize,
    ) -> Result<(), SealError> {
        let needed = bytes.div_ceil(1024).max(1);
        let have = held.as_ref().map_or(0, |p| p.num_permits());
        if needed > have {
            let more = u32::try_from(needed - have).map_err(|_| SealError::Busy)?;
            let permit = self
                .0
                .clone()
                .try_acquire_many_owned(more)
                .map_err(|_| SealError::Busy)?;
            match held {
                Some(p) => p.merge(permit),
                None => *held = Some(permit),
            }
        }
        Ok(())
    }
}

/// An image being received: its pieces as they came (no copies), their total length, and
/// its share of the [`ImageBudget`], given back when it is dropped.
struct HeldImage {
    pieces: Vec<Bytes>,
    len: usize,
    budget: Option<OwnedSemaphorePermit>,
}

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("an image is larger than {limit} bytes and cannot be cleaned of its metadata")]
    ImageTooLarge { limit: u64 },
    /// The image named `name` (as the browser sent it: shown to the reporter only, never
    /// logged, so neither this message nor `Debug` carries it) could not be parsed.
    #[error("an image cannot be cleaned of its metadata: {source}")]
    ImageDamaged {
        name: ReporterText,
        #[source]
        source: metadata::StripError,
    },
    #[error("writing the sealed tip failed: {0}")]
    Io(#[from] std::io::Error),
    #[error("age refused the recipients: {0}")]
    Encrypt(String),
    #[error("the upload ended before it was complete")]
    Incomplete,
    #[error("the memory for cleaning images is taken by other uploads")]
    Busy,
    #[error("free disk space is below the reserve kept for text")]
    DiskReserve,
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Something the reporter sent (a file name) that a page may show back to them and that
/// must not reach a log: its `Debug` says only that it is there.
pub struct ReporterText(pub zeroize::Zeroizing<String>);

impl std::fmt::Debug for ReporterText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReporterText([redacted])")
    }
}

pub struct Limits {
    /// Largest image held in memory for metadata removal.
    pub max_image_bytes: u64,
    /// What all uploads together may hold of images.
    pub image_budget: ImageBudget,
    /// Free bytes kept for text: attachments stop when the data folder's file system has
    /// less (0: no reserve).
    pub disk_reserve: u64,
}

/// Refuse attachment data once free space is under the reserve. Checked at every file and
/// every batch (~256 KiB): a statvfs per batch costs well under a microsecond per KiB.
fn check_disk_reserve(store: &Store, limits: &Limits) -> Result<(), SealError> {
    if limits.disk_reserve == 0 {
        return Ok(());
    }
    // If the file system cannot be asked, the writes themselves will tell.
    let Ok(fs) = rustix::fs::statvfs(store.root()) else {
        return Ok(());
    };
    if fs.f_bavail.saturating_mul(fs.f_frsize) < limits.disk_reserve {
        // The portal tells the operator (once a minute, not once per refusal).
        return Err(SealError::DiskReserve);
    }
    Ok(())
}

/// Start a sealer thread for a new blob in `store`. It ends `Ok` once the blob and its
/// index entries are durable. Drop the sender without `Finish` to abort: the partial file
/// is removed. `slot` (the upload's share of `max_open_uploads`) is given back when the
/// thread ends, not when the handler does.
pub fn start(
    store: Arc<Store>,
    recipients: Recipients,
    limits: Limits,
    slot: OwnedSemaphorePermit,
    item: Item,
) -> (
    mpsc::Sender<SealInput>,
    tokio::task::JoinHandle<Result<(), SealError>>,
) {
    // Four chunks in flight: enough to overlap network and encryption, small enough that
    // memory does not depend on the upload size.
    let (tx, rx) = mpsc::channel(4);
    let join = tokio::task::spawn_blocking(move || {
        let result = run(&store, recipients, limits, rx, item);
        drop(slot);
        result
    });
    (tx, join)
}

enum FileState {
    None,
    /// Collecting the first bytes to recognise the type.
    Sniffing(FileStart, Zeroizing<Vec<u8>>),
    /// An image, held whole for metadata removal.
    Image(FileStart, ImageKind, HeldImage),
    /// Anything else, streamed straight through.
    Streaming(FileStart, u64),
}

fn run(
    store: &Store,
    recipients: Recipients,
    limits: Limits,
    mut rx: mpsc::Receiver<SealInput>,
    item: Item,
) -> Result<(), SealError> {
    let mut pending = store.begin_blob()?;
    // Ciphertext goes straight to the disk: sealed tips are read again only by an export.
    let file = DirectWriter::new(pending.take_file())?;
    let encryptor =
        age::Encryptor::with_recipients(recipients.list().iter().map(|r| r as &dyn age::Recipient))
            .map_err(|e| SealError::Encrypt(e.to_string()))?;
    let stream = encryptor.wrap_output(file)?;
    let mut w = ContainerWriter::new(stream)?;
    if item == Item::Followup {
        w = w.hashing();
    }
    let mut state = FileState::None;
    let mut next_index = 0u32;

    while let Some(input) = rx.blocking_recv() {
        match input {
            SealInput::Field { name, value } => w.field(name, &value)?,
            SealInput::FileStart { name, content_type } => {
                check_disk_reserve(store, &limits)?;
                let start = FileStart {
                    index: next_index,
                    name,
                    content_type,
                };
                next_index += 1;
                state = FileState::Sniffing(start, Zeroizing::new(Vec::new()));
            }
            SealInput::FileData(chunks) => {
                check_disk_reserve(store, &limits)?;
                for chunk in chunks {
                    state = match state {
                        FileState::None => return Err(SealError::Incomplete),
                        FileState::Sniffing(start, mut head) => {
                            head.extend_from_slice(&chunk);
                            if head.len() < SNIFF_LEN {
                                FileState::Sniffing(start, head)
                            } else {
                                begin_file(&mut w, start, head, &limits)?
                            }
                        }
                        FileState::Image(start, kind, mut image) => {
                            let len = image.len + chunk.len();
                            if len as u64 > limits.max_image_bytes {
                                return Err(SealError::ImageTooLarge {
                                    limit: limits.max_image_bytes,
                                });
                            }
                            limits.image_budget.cover(&mut image.budget, len)?;
                            image.len = len;
                            image.pieces.push(chunk);
                            FileState::Image(start, kind, image)
                        }
                        FileState::Streaming(start, size) => {
                            w.file_data(&chunk)?;
                            FileState::Streaming(start, size + chunk.len() as u64)
                        }
                    };
                }
            }
            SealInput::FileEnd => {
                let state_now = std::mem::replace(&mut state, FileState::None);
                let state_now = match state_now {
                    // A file shorter than the signature: whatever it is, it is no image.
                    FileState::Sniffing(start, head) => begin_file(&mut w, start, head, &limits)?,
                    other => other,
                };
                match state_now {
                    FileState::None | FileState::Sniffing(..) => return Err(SealError::Incomplete),
                    FileState::Streaming(start, size) => w.file_end(&FileEnd {
                        index: start.index,
                        size,
                        metadata_removed: false,
                    })?,
                    FileState::Image(start, kind, image) => {
                        // One buffer of the exact size, wiped when the last view of it (the
                        // parser's, inside `strip`) is dropped.
                        let mut whole = Zeroizing::new(Vec::with_capacity(image.len));
                        for piece in &image.pieces {
                            whole.extend_from_slice(piece);
                        }
                        drop(image.pieces);
                        let cleaned =
                            metadata::strip(kind, Bytes::from_owner(whole)).map_err(|source| {
                                SealError::ImageDamaged {
                                    name: ReporterText(zeroize::Zeroizing::new(start.name.clone())),
                                    source,
                                }
                            })?;
                        w.file_start(&start)?;
                        w.file_data(&cleaned)?;
                        w.file_end(&FileEnd {
                            index: start.index,
                            size: cleaned.len() as u64,
                            metadata_removed: true,
                        })?;
                        // `cleaned` shares no buffer with `whole`; both drop here and `whole`
                        // is zeroized. The image's budget is given back with `image.budget`.
                        drop(cleaned);
                    }
                }
            }
            SealInput::Finish(mut manifest, commit) => {
                if !matches!(state, FileState::None) {
                    return Err(SealError::Incomplete);
                }
                let (fields, attachments) = w.counts();
                manifest.blob_id = pending.blob_id.clone();
                manifest.fields = fields;
                manifest.attachments = attachments;
                if let Commit::Followup(signer, _) = &commit {
                    let hash = w.content_hash().ok_or(SealError::Incomplete)?;
                    let message = tipbox_core::tip::followup_signed_message(&manifest, &hash);
                    manifest.signature = Some(hex::encode(signer.sign(&message)));
                }
                let stream = w.finish(&manifest)?;
                let file = stream.finish()?.finish()?;
                let size = file.metadata()?.len();
                pending.put_file(file);
                let outbox = OutboxRecord {
                    format: 1,
                    kind: manifest.kind,
                    tip_id: manifest.tip_id,
                    day: manifest.day,
                    size,
                    sealed_to: recipients.fingerprint(),
                };
                let change = match &commit {
                    Commit::Tip(key, record) => crate::store::IndexChange::NewTip(key, record),
                    Commit::Followup(_, key) => crate::store::IndexChange::Followup(key),
                };
                store.commit(pending, &outbox, change)?;
                return Ok(());
            }
        }
    }
    // The handler went away without finishing (rejected form, client disconnected): the
    // pending blob is dropped here, which removes its ciphertext.
    Err(SealError::Incomplete)
}

fn begin_file<W: Write>(
    w: &mut ContainerWriter<W>,
    start: FileStart,
    head: Zeroizing<Vec<u8>>,
    limits: &Limits,
) -> Result<FileState, SealError> {
    match metadata::sniff(&head) {
        Some(kind) => {
            if head.len() as u64 > limits.max_image_bytes {
                return Err(SealError::ImageTooLarge {
                    limit: limits.max_image_bytes,
                });
            }
            let mut budget = None;
            limits.image_budget.cover(&mut budget, head.len())?;
            let image = HeldImage {
                len: head.len(),
                pieces: vec![Bytes::from_owner(head)],
                budget,
            };
            Ok(FileState::Image(start, kind, image))
        }
        None => {
            w.file_start(&start)?;
            w.file_data(&head)?;
            let size = head.len() as u64;
            Ok(FileState::Streaming(start, size))
        }
    }
}
