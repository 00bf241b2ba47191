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

use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

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

/// What a container holds: an original tip, or information added to one later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Tip,
    Followup,
}

/// Closing record of a container: identifiers and the values derived from the receipt that
/// the ledger needs (reply key, claim-token verifier). Never holds the receipt itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub kind: Kind,
    pub portal_id: String,
    pub tip_id: String,
    pub blob_id: String,
    /// UTC day of arrival, `YYYY-MM-DD`; never a time of day.
    pub day: String,
    /// Language the reporter used, so replies can be written in it.
    pub lang: String,
    /// X25519 public key (hex) that replies to this tip are sealed to. Tips only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_public_key: Option<String>,
    /// Verifier (hex) of the reward claim token. Tips only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_verifier: Option<String>,
    /// Ed25519 key (hex) derived from the receipt that the tip's follow-ups are signed
    /// with. Tips only; absent in tips from before 2026-12-01.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followup_verify_key: Option<String>,
    /// Follow-ups only: ed25519 signature (hex) by the tip's follow-up key over
    /// [`followup_signed_message`], made by the portal from the receipt the reporter typed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
    pub fields: u32,
    pub attachments: u32,
}

impl Manifest {
    /// The manifest of a tip item a ledger makes itself (the files of a typed-in tip, the
    /// hand-over of one): there is no receipt, so no reply key, claim verifier or follow-up
    /// key, and no language to answer in.
    pub fn without_receipt(
        portal_id: &str,
        tip_id: &str,
        blob_id: &str,
        day: &str,
        (fields, attachments): (u32, u32),
    ) -> Manifest {
        Manifest {
            format: 1,
            kind: Kind::Tip,
            portal_id: portal_id.to_owned(),
            tip_id: tip_id.to_owned(),
            blob_id: blob_id.to_owned(),
            day: day.to_owned(),
            lang: String::new(),
            reply_public_key: None,
            claim_verifier: None,
            followup_verify_key: None,
            signature: None,
            fields,
            attachments,
        }
    }
}

/// The portal id that hand-overs of typed-in tips name: they came from no portal
/// (`ledger::handover`).
pub const TYPED_IN_PORTAL: &str = "typed-in";

/// The languages a reporter can write in (`lang`); empty in items a ledger makes itself.
pub const LANGUAGES: &[&str] = &["zh-Hans", "zh-Hant", "en"];

impl Manifest {
    /// Check every field's syntax, as a reader must before anything of it is used or
    /// printed (a manifest is written by whoever sealed the item: anyone holding the
    /// office's public key). Returns what is wrong, in words for the reviewer.
    ///
    /// - `format` 1 (the only version there is);
    /// - `portal_id`: 32 lowercase hex digits, or `typed-in` (a hand-over of a typed-in tip);
    /// - `tip_id` and `blob_id`: 32 lowercase hex digits;
    /// - `day`: a real day, `YYYY-MM-DD` (whether it is plausible is the reader's call);
    /// - `lang`: one of [`LANGUAGES`], or empty;
    /// - `reply_public_key`, `claim_verifier`, `followup_verify_key`: 64 hex digits, and only
    ///   on a tip; `signature`: 128 hex digits, and only on a follow-up.
    pub fn check(&self) -> Result<(), &'static str> {
        use crate::bundle::{is_lower_hex, strict_day};
        if self.format != 1 {
            return Err(
                "its manifest has a format version this tipbox does not know; upgrade tipbox",
            );
        }
        if !(is_lower_hex(&self.portal_id, 32) || self.portal_id == TYPED_IN_PORTAL) {
            return Err("its manifest's portal id is not 32 hexadecimal digits");
        }
        if !is_lower_hex(&self.tip_id, 32) {
            return Err("its manifest's tip id is not 32 hexadecimal digits");
        }
        if !is_lower_hex(&self.blob_id, 32) {
            return Err("its manifest's item id is not 32 hexadecimal digits");
        }
        if strict_day(&self.day).is_none() {
            return Err("its manifest's day is not a real day written YYYY-MM-DD");
        }
        if !(self.lang.is_empty() || LANGUAGES.contains(&self.lang.as_str())) {
            return Err("its manifest names a language tipbox does not have");
        }
        let keys = [
            &self.reply_public_key,
            &self.claim_verifier,
            &self.followup_verify_key,
        ];
        if keys
            .iter()
            .any(|k| k.as_deref().is_some_and(|k| !is_lower_hex(k, 64)))
        {
            return Err("its manifest holds a key that is not 64 hexadecimal digits");
        }
        if self
            .signature
            .as_deref()
            .is_some_and(|s| !is_lower_hex(s, 128))
        {
            return Err("its manifest's signature is not 128 hexadecimal digits");
        }
        match self.kind {
            Kind::Tip if self.signature.is_some() => {
                Err("its manifest is a tip's but carries a follow-up's signature")
            }
            Kind::Followup if keys.iter().any(|k| k.is_some()) => {
                Err("its manifest is a follow-up's but carries a tip's keys")
            }
            _ => Ok(()),
        }
    }
}

/// What a follow-up's signature covers: where it belongs, and a hash of every record the
/// container holds before its manifest (its text fields and files, as written).
pub fn followup_signed_message(manifest: &Manifest, content_hash: &[u8; 32]) -> Vec<u8> {
    format!(
        "tipbox follow-up v1\n{}\n{}\n{}\n{}\n{}",
        manifest.portal_id,
        manifest.tip_id,
        manifest.blob_id,
        manifest.day,
        hex::encode(content_hash)
    )
    .into_bytes()
}

/// Whether a follow-up was added by someone who held the tip's receipt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FollowupProof {
    /// Signed with the key derived from the tip's receipt.
    ReceiptHolder,
    /// The tip predates follow-up signatures: nothing to check against.
    Unchecked,
    /// The tip has a follow-up key, and this follow-up carries no valid signature by it:
    /// not written through the receipt (e.g. added by whoever controlled the portal).
    NotProven,
}

impl FollowupProof {
    /// Check `followup` against the manifest of the tip it joins.
    pub fn check(tip: &Manifest, followup: &OpenedTip) -> FollowupProof {
        let Some(key) = tip.followup_verify_key.as_deref() else {
            return FollowupProof::Unchecked;
        };
        let key: Option<[u8; 32]> = hex::decode(key).ok().and_then(|k| k.try_into().ok());
        let signature: Option<[u8; 64]> = followup
            .manifest
            .signature
            .as_deref()
            .and_then(|s| hex::decode(s).ok())
            .and_then(|s| s.try_into().ok());
        let same_tip =
            followup.manifest.portal_id == tip.portal_id && followup.manifest.tip_id == tip.tip_id;
        match (key, signature, followup.content_hash) {
            (Some(key), Some(signature), Some(hash))
                if same_tip
                    && crate::crypto::verify_signature(
                        &key,
                        &followup_signed_message(&followup.manifest, &hash),
                        &signature,
                    ) =>
            {
                FollowupProof::ReceiptHolder
            }
            _ => FollowupProof::NotProven,
        }
    }
}

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

/// Size every sealed container is padded to: Padmé (at most ~12% overhead, leaks O(log log n)
/// bits of the length), and never less than [`MIN_PADDED_SIZE`].
///
/// ```
/// use tipbox_core::tip::padded_size;
/// assert_eq!(padded_size(10), 16 * 1024);
/// assert_eq!(padded_size(1_000_000), 1_015_808);
/// ```
pub fn padded_size(len: u64) -> u64 {
    let len = len.max(MIN_PADDED_SIZE);
    let e = 63 - len.leading_zeros() as u64; // floor(log2 len)
    let s = 64 - e.leading_zeros() as u64; // floor(log2 e) + 1
    let last_bits = e - s;
    let mask = (1u64 << last_bits) - 1;
    (len + mask) & !mask
}

/// Writes a container into any `Write` (in tipbox: an age stream).
pub struct ContainerWriter<W: Write> {
    inner: W,
    written: u64,
    fields: u32,
    attachments: u32,
    /// Off unless asked for (follow-ups): it would cost every large upload.
    hash: ContentHash,
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

impl<W: Write> ContainerWriter<W> {
    pub fn new(mut inner: W) -> io::Result<Self> {
        inner.write_all(MAGIC)?;
        inner.write_all(&[FORMAT_VERSION])?;
        Ok(ContainerWriter {
            inner,
            written: MAGIC.len() as u64 + 1,
            fields: 0,
            attachments: 0,
            hash: ContentHash::default(),
        })
    }

    /// Hash the content as it is written, for [`ContainerWriter::content_hash`].
    pub fn hashing(self) -> Self {
        ContainerWriter {
            hash: ContentHash::on(),
            ..self
        }
    }

    /// The hash of the content written so far (all of it, once [`ContainerWriter::finish`]
    /// is next), if [`ContainerWriter::hashing`] was asked for.
    pub fn content_hash(&self) -> Option<[u8; 32]> {
        self.hash.value()
    }

    fn record(&mut self, tag: u8, payload: &[u8]) -> io::Result<()> {
        let len = u32::try_from(payload.len()).map_err(|_| io::Error::other("record too large"))?;
        self.hash.record(tag, len.to_be_bytes(), payload);
        self.inner.write_all(&[tag])?;
        self.inner.write_all(&len.to_be_bytes())?;
        self.inner.write_all(payload)?;
        self.written += 5 + payload.len() as u64;
        Ok(())
    }

    fn json_record<T: Serialize>(&mut self, tag: u8, value: &T) -> io::Result<()> {
        let json = Zeroizing::new(serde_json::to_vec(value).map_err(io::Error::other)?);
        if json.len() > MAX_META_RECORD {
            return Err(io::Error::other("metadata record too large"));
        }
        self.record(tag, &json)
    }

    pub fn field(&mut self, name: &str, value: &str) -> io::Result<()> {
        self.fields += 1;
        self.json_record(
            TAG_FIELD,
            &Field {
                name: name.to_owned(),
                value: value.to_owned(),
            },
        )
    }

    pub fn file_start(&mut self, start: &FileStart) -> io::Result<()> {
        self.attachments += 1;
        self.json_record(TAG_FILE_START, start)
    }

    pub fn file_data(&mut self, mut data: &[u8]) -> io::Result<()> {
        while !data.is_empty() {
            let n = data.len().min(MAX_DATA_RECORD);
            self.record(TAG_FILE_DATA, &data[..n])?;
            data = &data[n..];
        }
        Ok(())
    }

    pub fn file_end(&mut self, end: &FileEnd) -> io::Result<()> {
        self.json_record(TAG_FILE_END, end)
    }

    pub fn counts(&self) -> (u32, u32) {
        (self.fields, self.attachments)
    }

    /// Write the manifest, pad to the bucket size, close, and hand back the inner writer.
    pub fn finish(mut self, manifest: &Manifest) -> io::Result<W> {
        self.json_record(TAG_MANIFEST, manifest)?;
        // Two record headers still to come at most (padding, end), plus the padding body.
        let target = padded_size(self.written + 10);
        let mut remaining = target.saturating_sub(self.written + 10);
        let zeros = vec![0u8; MAX_PADDING_RECORD.min(remaining as usize)];
        while remaining > 0 {
            let n = (remaining as usize).min(MAX_PADDING_RECORD);
            self.record(TAG_PADDING, &zeros[..n])?;
            remaining -= n as u64;
        }
        self.record(TAG_END, &[])?;
        self.inner.flush()?;
        Ok(self.inner)
    }
}

/// One record as read back.
pub enum Record {
    Field {
        name: String,
        value: Zeroizing<String>,
    },
    FileStart(FileStart),
    FileData(Zeroizing<Vec<u8>>),
    FileEnd(FileEnd),
    Manifest(Manifest),
}

#[derive(Debug, thiserror::Error)]
pub enum ContainerError {
    #[error("not a tipbox container (bad magic)")]
    BadMagic,
    #[error("container format version {0} is not supported by this build; upgrade tipbox")]
    UnsupportedVersion(u8),
    #[error("container is truncated")]
    Truncated,
    #[error("container has an unknown record type {0}")]
    UnknownTag(u8),
    #[error("container record of {0} bytes exceeds the limit")]
    RecordTooLarge(usize),
    #[error("container record is malformed: {0}")]
    Malformed(&'static str),
    #[error("reading the container failed: {0}")]
    Io(#[source] io::Error),
}

/// Reads a container record by record, checking structure as it goes.
pub struct ContainerReader<R: Read> {
    inner: R,
    done: bool,
    open_file: Option<u32>,
    saw_manifest: bool,
    hash: ContentHash,
}

impl<R: Read> ContainerReader<R> {
    pub fn new(mut inner: R) -> Result<Self, ContainerError> {
        let mut head = [0u8; 8];
        read_exact(&mut inner, &mut head)?;
        if &head[..7] != MAGIC {
            return Err(ContainerError::BadMagic);
        }
        if head[7] != FORMAT_VERSION {
            return Err(ContainerError::UnsupportedVersion(head[7]));
        }
        Ok(ContainerReader {
            inner,
            done: false,
            open_file: None,
            saw_manifest: false,
            hash: ContentHash::default(),
        })
    }

    /// Hash the content as it is read (see [`ContainerWriter::hashing`]).
    pub fn hashing(self) -> Self {
        ContainerReader {
            hash: ContentHash::on(),
            ..self
        }
    }

    /// The hash of the content read so far, if hashing was asked for.
    pub fn content_hash(&self) -> Option<[u8; 32]> {
        self.hash.value()
    }

    /// Next meaningful record, or `None` after the end record. Padding is skipped.
    pub fn next_record(&mut self) -> Result<Option<Record>, ContainerError> {
        loop {
            if self.done {
                return Ok(None);
            }
            let mut head = [0u8; 5];
            read_exact(&mut self.inner, &mut head)?;
            let tag = head[0];
            let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as usize;
            let limit = match tag {
                TAG_FILE_DATA => MAX_DATA_RECORD,
                TAG_PADDING => MAX_PADDING_RECORD,
                TAG_END => 0,
                TAG_FIELD | TAG_FILE_START | TAG_FILE_END | TAG_MANIFEST => MAX_META_RECORD,
                other => return Err(ContainerError::UnknownTag(other)),
            };
            if len > limit {
                return Err(ContainerError::RecordTooLarge(len));
            }
            if tag == TAG_PADDING {
                // Zeros that make every short tip the same size: nothing to keep and
                // nothing to zeroize, so they are checked through a small buffer of their
                // own (a 16 KiB tip is mostly padding; import and search read 1.5 GB of it
                // per 100,000 tips). Padding is zeros and nothing else: a byte that is not
                // is refused, so padding cannot carry anything a reader would not see.
                self.skip_padding(len)?;
                continue;
            }
            let mut payload = Zeroizing::new(vec![0u8; len]);
            read_exact(&mut self.inner, &mut payload)?;
            if self.saw_manifest && tag != TAG_END {
                return Err(ContainerError::Malformed("record after the manifest"));
            }
            self.hash
                .record(tag, [head[1], head[2], head[3], head[4]], &payload);
            match tag {
                TAG_END => {
                    if !self.saw_manifest {
                        return Err(ContainerError::Malformed("end without a manifest"));
                    }
                    // Nothing may follow the end record.
                    let mut probe = [0u8; 1];
                    match self.inner.read(&mut probe) {
                        Ok(0) => {}
                        Ok(_) => {
                            return Err(ContainerError::Malformed("data after the end record"))
                        }
                        Err(e) => return Err(ContainerError::Io(e)),
                    }
                    self.done = true;
                    return Ok(None);
                }
                TAG_FIELD => {
                    self.expect_no_open_file()?;
                    let field: Field = parse_json(&payload)?;
                    return Ok(Some(Record::Field {
                        name: field.name,
                        value: Zeroizing::new(field.value),
                    }));
                }
                TAG_FILE_START => {
                    self.expect_no_open_file()?;
                    let start: FileStart = parse_json(&payload)?;
                    self.open_file = Some(start.index);
                    return Ok(Some(Record::FileStart(start)));
                }
                TAG_FILE_DATA => {
                    if self.open_file.is_none() {
                        return Err(ContainerError::Malformed("file data outside a file"));
                    }
                    return Ok(Some(Record::FileData(payload)));
                }
                TAG_FILE_END => {
                    let end: FileEnd = parse_json(&payload)?;
                    if self.open_file != Some(end.index) {
                        return Err(ContainerError::Malformed(
                            "file end does not match its start",
                        ));
                    }
                    self.open_file = None;
                    return Ok(Some(Record::FileEnd(end)));
                }
                TAG_MANIFEST => {
                    self.expect_no_open_file()?;
                    self.saw_manifest = true;
                    return Ok(Some(Record::Manifest(parse_json(&payload)?)));
                }
                _ => unreachable!("tags were checked above"),
            }
        }
    }

    fn skip_padding(&mut self, len: usize) -> Result<(), ContainerError> {
        let mut buf = [0u8; 8192];
        let mut left = len;
        while left > 0 {
            let n = left.min(buf.len());
            read_exact(&mut self.inner, &mut buf[..n])?;
            // An OR over the block rather than a search: the compiler vectorises it.
            if buf[..n].iter().fold(0u8, |acc, b| acc | b) != 0 {
                return Err(ContainerError::Malformed("padding that is not zeros"));
            }
            left -= n;
        }
        Ok(())
    }

    fn expect_no_open_file(&self) -> Result<(), ContainerError> {
        match self.open_file {
            Some(_) => Err(ContainerError::Malformed(
                "record inside an unfinished file",
            )),
            None => Ok(()),
        }
    }
}

fn read_exact<R: Read>(r: &mut R, buf: &mut [u8]) -> Result<(), ContainerError> {
    r.read_exact(buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => ContainerError::Truncated,
        _ => ContainerError::Io(e),
    })
}

fn parse_json<T: for<'de> Deserialize<'de>>(payload: &[u8]) -> Result<T, ContainerError> {
    serde_json::from_slice(payload).map_err(|_| ContainerError::Malformed("invalid JSON metadata"))
}

/// A container's fields and attachment descriptions; the attachments' bytes are held only
/// by [`OpenedTip::read`] (small tips, tests), while [`OpenedTip::read_streaming`] hands
/// them to a sink as they are decrypted, so memory does not grow with their size.
pub struct OpenedTip {
    pub fields: Vec<(String, Zeroizing<String>)>,
    pub attachments: Vec<OpenedAttachment>,
    pub manifest: Manifest,
    /// BLAKE3 of the records before the manifest (what a follow-up's signature covers).
    pub content_hash: Option<[u8; 32]>,
}

pub struct OpenedAttachment {
    pub start: FileStart,
    pub end: FileEnd,
    /// Empty when the container was read with [`OpenedTip::read_streaming`].
    pub data: Zeroizing<Vec<u8>>,
}

/// An attachment as it goes by, for the sink of [`OpenedTip::read_streaming`]: its start,
/// its pieces in order (none for an empty file), then its end.
pub enum AttachmentPiece<'a> {
    Start(&'a FileStart),
    Data(&'a [u8]),
    End(&'a FileEnd),
}

impl OpenedTip {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Read a whole container, holding at most `max_attachment_bytes` of attachment data.
    pub fn read<R: Read>(reader: R, max_attachment_bytes: u64) -> Result<Self, ContainerError> {
        let mut total = 0u64;
        let mut held: Vec<Zeroizing<Vec<u8>>> = Vec::new();
        let mut tip = Self::read_streaming(reader, |piece| {
            match piece {
                AttachmentPiece::Start(_) => held.push(Zeroizing::new(Vec::new())),
                AttachmentPiece::Data(bytes) => {
                    total += bytes.len() as u64;
                    if total > max_attachment_bytes {
                        return Err(ContainerError::RecordTooLarge(total as usize));
                    }
                    if let Some(data) = held.last_mut() {
                        data.extend_from_slice(bytes);
                    }
                }
                AttachmentPiece::End(_) => {}
            }
            Ok(())
        })?;
        for (attachment, data) in tip.attachments.iter_mut().zip(held) {
            attachment.data = data;
        }
        Ok(tip)
    }

    /// Read a whole container, checking its structure, and hand every attachment to
    /// `sink` piece by piece instead of holding it. The sink's errors end the reading.
    pub fn read_streaming<R: Read, E: From<ContainerError>>(
        reader: R,
        mut sink: impl FnMut(AttachmentPiece<'_>) -> Result<(), E>,
    ) -> Result<Self, E> {
        let mut reader = ContainerReader::new(reader)?.hashing();
        let mut fields = Vec::new();
        let mut attachments = Vec::new();
        let mut current: Option<FileStart> = None;
        let mut manifest = None;
        while let Some(record) = reader.next_record()? {
            match record {
                Record::Field { name, value } => fields.push((name, value)),
                Record::FileStart(start) => {
                    sink(AttachmentPiece::Start(&start))?;
                    current = Some(start);
                }
                // The reader refuses data outside a file.
                Record::FileData(chunk) => sink(AttachmentPiece::Data(&chunk))?,
                Record::FileEnd(end) => {
                    let start = current
                        .take()
                        .ok_or(ContainerError::Malformed("file end without start"))?;
                    sink(AttachmentPiece::End(&end))?;
                    attachments.push(OpenedAttachment {
                        start,
                        end,
                        data: Zeroizing::new(Vec::new()),
                    });
                }
                Record::Manifest(m) => manifest = Some(m),
            }
        }
        let manifest = manifest.ok_or(ContainerError::Malformed("no manifest"))?;
        Ok(OpenedTip {
            fields,
            attachments,
            manifest,
            content_hash: reader.content_hash(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest() -> Manifest {
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

    /// The writer and the reader hash the same bytes, and any change to the content
    /// changes the hash; a signed follow-up verifies only against its own tip.
    #[test]
    fn followup_signatures_cover_the_content_and_the_tip() {
        let key = crate::crypto::SigningKey::generate();
        let tip = Manifest {
            followup_verify_key: Some(hex::encode(key.verify_key())),
            ..manifest()
        };
        let seal = |text: &str, signer: &crate::crypto::SigningKey| {
            let mut w = ContainerWriter::new(Vec::new()).unwrap().hashing();
            w.field("message", text).unwrap();
            w.file_start(&FileStart {
                index: 0,
                name: "a.jpg".into(),
                content_type: "image/jpeg".into(),
            })
            .unwrap();
            w.file_data(&[1, 2, 3]).unwrap();
            w.file_end(&FileEnd {
                index: 0,
                size: 3,
                metadata_removed: true,
            })
            .unwrap();
            let mut m = Manifest {
                kind: Kind::Followup,
                blob_id: "f".into(),
                reply_public_key: None,
                ..manifest()
            };
            let hash = w.content_hash().unwrap();
            m.signature = Some(hex::encode(
                signer.sign(&followup_signed_message(&m, &hash)),
            ));
            w.finish(&m).unwrap()
        };
        let genuine = OpenedTip::read(&seal("补充", &key)[..], u64::MAX).unwrap();
        assert_eq!(
            FollowupProof::check(&tip, &genuine),
            FollowupProof::ReceiptHolder
        );
        let forged = OpenedTip::read(
            &seal("补充", &crate::crypto::SigningKey::generate())[..],
            u64::MAX,
        )
        .unwrap();
        assert_eq!(
            FollowupProof::check(&tip, &forged),
            FollowupProof::NotProven
        );
        // The same signature over other content: the reader's hash differs.
        let mut swapped = seal("补充", &key);
        let at = swapped
            .windows(6)
            .position(|w| w == "补充".as_bytes())
            .unwrap();
        swapped[at..at + 6].copy_from_slice("举报".as_bytes());
        let swapped = OpenedTip::read(&swapped[..], u64::MAX).unwrap();
        assert_eq!(
            FollowupProof::check(&tip, &swapped),
            FollowupProof::NotProven
        );
        // Another tip's follow-up, validly signed for that tip.
        let other = Manifest {
            tip_id: "another".into(),
            ..tip.clone()
        };
        assert_eq!(
            FollowupProof::check(&other, &genuine),
            FollowupProof::NotProven
        );
        let old_tip = Manifest {
            followup_verify_key: None,
            ..tip
        };
        assert_eq!(
            FollowupProof::check(&old_tip, &forged),
            FollowupProof::Unchecked
        );
    }

    fn sample() -> Vec<u8> {
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

    #[test]
    fn round_trip() {
        let bytes = sample();
        let tip = OpenedTip::read(&bytes[..], u64::MAX).unwrap();
        assert_eq!(tip.field("description"), Some("村霸强占土地"));
        assert_eq!(tip.attachments.len(), 1);
        assert_eq!(tip.attachments[0].data.len(), MAX_DATA_RECORD + 10);
        assert_eq!(tip.manifest, manifest());
    }

    #[test]
    fn containers_are_padded_to_buckets() {
        assert_eq!(sample().len() as u64, padded_size(sample().len() as u64));
        let mut w = ContainerWriter::new(Vec::new()).unwrap();
        w.field("description", "short").unwrap();
        let short = w.finish(&manifest()).unwrap();
        let mut w = ContainerWriter::new(Vec::new()).unwrap();
        w.field("description", &"long ".repeat(2000)).unwrap();
        let long = w.finish(&manifest()).unwrap();
        assert_eq!(short.len(), long.len(), "short texts share one bucket");
        assert_eq!(short.len() as u64, MIN_PADDED_SIZE);
    }

    #[test]
    fn padme_overhead_is_bounded() {
        for len in [1u64, 20_000, 1 << 20, 100 << 20, (500 << 20) + 12345] {
            let p = padded_size(len);
            assert!(p >= len);
            assert!(p >= MIN_PADDED_SIZE);
            if len > MIN_PADDED_SIZE {
                assert!((p - len) as f64 / len as f64 <= 0.12, "{len} -> {p}");
            }
        }
    }

    #[test]
    fn every_truncation_is_rejected() {
        let bytes = sample();
        for cut in (0..bytes.len()).step_by(997) {
            assert!(
                OpenedTip::read(&bytes[..cut], u64::MAX).is_err(),
                "cut at {cut}"
            );
        }
        let mut extra = bytes.clone();
        extra.push(0);
        assert!(OpenedTip::read(&extra[..], u64::MAX).is_err());
    }

    #[test]
    fn padding_is_skipped_but_a_cut_inside_it_is_still_truncation() {
        let bytes = sample();
        // The end record is the last 5 bytes; just before it, padding.
        let end = bytes.len() - 5;
        assert_eq!(bytes[end], TAG_END);
        assert!(bytes[end - 100..end].iter().all(|b| *b == 0), "padding");
        assert!(OpenedTip::read(&bytes[..], u64::MAX).is_ok());
        for cut in [end - 100, end - 1] {
            assert!(
                matches!(
                    OpenedTip::read(&bytes[..cut], u64::MAX),
                    Err(ContainerError::Truncated)
                ),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn hostile_lengths_do_not_allocate() {
        let mut bytes = MAGIC.to_vec();
        bytes.push(FORMAT_VERSION);
        bytes.push(TAG_FILE_DATA);
        bytes.extend_from_slice(&u32::MAX.to_be_bytes());
        assert!(matches!(
            OpenedTip::read(&bytes[..], u64::MAX),
            Err(ContainerError::RecordTooLarge(_))
        ));
    }
}
