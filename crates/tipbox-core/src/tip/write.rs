//! Writing a container as the upload streams in, and padding it to its bucket size.

use std::io::{self, Write};

use serde::Serialize;
use zeroize::Zeroizing;

use super::{
    ContentHash, Field, FileEnd, FileStart, Manifest, FORMAT_VERSION, MAGIC, MAX_DATA_RECORD,
    MAX_META_RECORD, MAX_PADDING_RECORD, MIN_PADDED_SIZE, TAG_END, TAG_FIELD, TAG_FILE_DATA,
    TAG_FILE_END, TAG_FILE_START, TAG_MANIFEST, TAG_PADDING,
};

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

#[cfg(test)]
mod tests {
    use super::super::samples::{manifest, sample};
    use super::*;

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
}
