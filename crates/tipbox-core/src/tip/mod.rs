//! The tip: what a reporter sends, as a streamable container that is sealed with age.
//!
//! The container is written while the upload streams in, so it is a sequence of records
//! rather than one document: text fields as they arrive, each attachment as a start record,
//! data records and an end record, then a manifest, padding and an end marker. Everything
//! here is plaintext that only ever exists inside an age stream (see `seal`) or in the
//! reviewer's memory.
//!
//! ```text
//! container := MAGIC version:u8 record*
//! record    := tag:u8 length:u32be payload[length]
//! ```
//! Tags and payloads are documented in docs/formats.md. Readers reject unknown tags,
//! oversized records and anything after the end record, so a hostile container cannot make
//! the reviewer allocate without bound.
//!
//! Here: the format's constants and the records both sides share; `manifest.rs`: the
//! closing record and its checks, and what a follow-up's signature covers; `write.rs`:
//! writing a container (and the padding); `read.rs`: reading one back.

mod manifest;
mod read;
mod write;

use serde::{Deserialize, Serialize};

pub use manifest::{
    followup_signed_message, FollowupProof, Kind, Manifest, LANGUAGES, TYPED_IN_PORTAL,
};
pub use read::{
    AttachmentPiece, ContainerError, ContainerReader, OpenedAttachment, OpenedTip, Record,
};
pub use write::{padded_size, ContainerWriter};

pub const MAGIC: &[u8; 7] = b"TIPBOX\0";
pub const FORMAT_VERSION: u8 = 1;

const TAG_FIELD: u8 = 1;
const TAG_FILE_START: u8 = 2;
const TAG_FILE_DATA: u8 = 3;
const TAG_FILE_END: u8 = 4;
const TAG_MANIFEST: u8 = 5;
const TAG_PADDING: u8 = 6;
const TAG_END: u8 = 7;

/// Largest data record the writer emits and the reader accepts.
pub const MAX_DATA_RECORD: usize = 1 << 20;
/// Largest metadata record (fields, file headers, manifest).
pub const MAX_META_RECORD: usize = 1 << 20;
/// Padding is written in records of at most this size.
const MAX_PADDING_RECORD: usize = 1 << 20;
/// Smallest padded size: every short text tip looks the same on disk.
pub const MIN_PADDED_SIZE: u64 = 16 * 1024;

/// Header of one attachment inside the container.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileStart {
    pub index: u32,
    /// The name the reporter's browser sent. Untrusted: the reviewer CLI never uses it as a
    /// path.
    pub name: String,
    pub content_type: String,
}

/// Trailer of one attachment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEnd {
    pub index: u32,
    pub size: u64,
    /// True when image metadata (EXIF, XMP, GPS, comments) was removed before sealing.
    pub metadata_removed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Field {
    name: String,
    value: String,
}

/// What a follow-up's signature covers: BLAKE3 over its content records (text fields and
/// files, each as tag, length, payload; not the manifest, padding or end marker), kept
/// alike by the writer and the reader when asked for.
#[derive(Default)]
struct ContentHash(Option<blake3::Hasher>);

impl ContentHash {
    fn on() -> Self {
        ContentHash(Some(blake3::Hasher::new()))
    }
    fn record(&mut self, tag: u8, len: [u8; 4], payload: &[u8]) {
        let content = matches!(
            tag,
            TAG_FIELD | TAG_FILE_START | TAG_FILE_DATA | TAG_FILE_END
        );
        if let Some(h) = self.0.as_mut().filter(|_| content) {
            h.update(&[tag]);
            h.update(&len);
            h.update(payload);
        }
    }
    fn value(&self) -> Option<[u8; 32]> {
        self.0.as_ref().map(|h| *h.finalize().as_bytes())
    }
}

/// What the tests seal and read back: one manifest, one container with a text field and
/// a file of more than one data record.
#[cfg(test)]
mod samples {
    use super::*;

    pub(super) fn manifest() -> Manifest {
        Manifest {
            format: 1,
            kind: Kind::Tip,
            portal_id: "p".into(),
            tip_id: "t".into(),
            blob_id: "b".into(),
            day: "2026-11-22".into(),
            lang: "zh-Hans".into(),
            reply_public_key: Some("00".into()),
            claim_verifier: None,
            followup_verify_key: None,
            signature: None,
            fields: 1,
            attachments: 1,
        }
    }

    pub(super) fn sample() -> Vec<u8> {
        let mut w = ContainerWriter::new(Vec::new()).unwrap();
        w.field("description", "村霸强占土地").unwrap();
        w.file_start(&FileStart {
            index: 0,
            name: "../../etc/passwd".into(),
            content_type: "text/plain".into(),
        })
        .unwrap();
        w.file_data(&vec![7u8; MAX_DATA_RECORD + 10]).unwrap();
        w.file_end(&FileEnd {
            index: 0,
            size: MAX_DATA_RECORD as u64 + 10,
            metadata_removed: false,
        })
        .unwrap();
        w.finish(&manifest()).unwrap()
    }
}
