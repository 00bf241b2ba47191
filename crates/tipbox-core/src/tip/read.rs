//! Reading a container back, record by record, checking its structure as it goes: unknown
//! tags, oversized records and anything after the end record are refused, so a hostile
//! container cannot make the reviewer allocate without bound.

use std::io::{self, Read};

use serde::Deserialize;
use zeroize::Zeroizing;

use super::{
    ContentHash, Field, FileEnd, FileStart, Manifest, FORMAT_VERSION, MAGIC, MAX_DATA_RECORD,
    MAX_META_RECORD, MAX_PADDING_RECORD, TAG_END, TAG_FIELD, TAG_FILE_DATA, TAG_FILE_END,
    TAG_FILE_START, TAG_MANIFEST, TAG_PADDING,
};

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
    /// The bytes of the open file so far: its end record must state them.
    open_bytes: u64,
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
            open_bytes: 0,
            saw_manifest: false,
            hash: ContentHash::default(),
        })
    }

    /// Hash the content as it is read (see
    /// [`ContainerWriter::hashing`](super::ContainerWriter::hashing)).
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
                    self.open_bytes = 0;
                    return Ok(Some(Record::FileStart(start)));
                }
                TAG_FILE_DATA => {
                    if self.open_file.is_none() {
                        return Err(ContainerError::Malformed("file data outside a file"));
                    }
                    self.open_bytes += payload.len() as u64;
                    return Ok(Some(Record::FileData(payload)));
                }
                TAG_FILE_END => {
                    let end: FileEnd = parse_json(&payload)?;
                    if self.open_file != Some(end.index) {
                        return Err(ContainerError::Malformed(
                            "file end does not match its start",
                        ));
                    }
                    // What `show` prints as the file's size is what arrived, not a claim.
                    if end.size != self.open_bytes {
                        return Err(ContainerError::Malformed(
                            "file end states another size than its data",
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
    use super::super::samples::{manifest, sample};
    use super::*;

    #[test]
    fn round_trip() {
        let bytes = sample();
        let tip = OpenedTip::read(&bytes[..], u64::MAX).unwrap();
        assert_eq!(tip.field("description"), Some("村霸强占土地"));
        assert_eq!(tip.attachments.len(), 1);
        assert_eq!(tip.attachments[0].data.len(), MAX_DATA_RECORD + 10);
        assert_eq!(tip.manifest, manifest());
    }

    /// Found by a black-box attack: a file end claiming 99,999,999,999 bytes after one
    /// byte of data was accepted, and `show` printed the claim as the file's size.
    #[test]
    fn regression_a_file_end_could_claim_a_size_its_data_did_not_have() {
        for claimed in [0, 1, 99_999_999_999] {
            let mut w = super::super::ContainerWriter::new(Vec::new()).unwrap();
            w.file_start(&FileStart {
                index: 0,
                name: "a.jpg".into(),
                content_type: "image/jpeg".into(),
            })
            .unwrap();
            w.file_data(b"xy").unwrap();
            w.file_end(&FileEnd {
                index: 0,
                size: claimed,
                metadata_removed: false,
            })
            .unwrap();
            let bytes = w.finish(&manifest()).unwrap();
            assert!(
                matches!(
                    OpenedTip::read(&bytes[..], u64::MAX),
                    Err(ContainerError::Malformed(_))
                ),
                "{claimed}"
            );
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
