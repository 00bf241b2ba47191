//! Bundles: the files that cross the air gap on removable media.
//!
//! - [`inbox`]: portal -> ledger. Sealed tips and follow-ups, ciphertext only, with a
//!   checksum over the whole file so a truncated or damaged copy is refused before anything
//!   is imported.
//! - [`update`]: ledger -> portal, signed by the office.
//!
//! Formats are documented in docs/formats.md.

pub mod inbox;
pub mod site;
pub mod update;

/// Whether `s` is exactly `len` lowercase hexadecimal digits: the only form the random
/// identifiers, keys and checksums that bundles carry take (docs/formats.md).
pub fn is_lower_hex(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A day as bundles write it (see [`crate::vocab::Day::strict`]).
pub fn strict_day(s: &str) -> Option<time::Date> {
    crate::vocab::Day::strict(s).map(crate::vocab::Day::date)
}

use std::io::{self, Read, Write};

/// Reads a bundle once, front to back, and drops what it has read from the page cache.
///
/// A bundle is a transfer file: the import reads it once and keeps what it needs in the
/// ledger's pack. Dropped as they are read, its pages are reused for the next ones instead
/// of new pages being taken (on the 2-core test VM, where first touches of memory are
/// expensive, this took ~0.4 s and about 1 s of kernel time off a 1.6 GB import), and the
/// kernel's own readahead still runs ahead of us: reading the bundle with `O_DIRECT`
/// instead was slower (docs/performance.md).
pub struct DropBehind {
    file: std::fs::File,
    read: u64,
    dropped: u64,
}

/// Drop the pages read every this many bytes.
const DROP_EVERY: u64 = 16 << 20;

impl DropBehind {
    pub fn new(file: std::fs::File) -> Self {
        DropBehind {
            file,
            read: 0,
            dropped: 0,
        }
    }
}

impl Read for DropBehind {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buf)?;
        self.read += n as u64;
        if self.read - self.dropped >= DROP_EVERY || (n == 0 && self.read > self.dropped) {
            // Advice only: if the kernel does not take it, the pages stay cached.
            let _ = rustix::fs::fadvise(
                &self.file,
                self.dropped,
                std::num::NonZeroU64::new(self.read - self.dropped),
                rustix::fs::Advice::DontNeed,
            );
            self.dropped = self.read;
        }
        Ok(n)
    }
}

/// Length-prefixed JSON record: u32 big-endian length, then the JSON bytes.
pub fn write_json<W: Write, T: serde::Serialize>(w: &mut W, value: &T) -> io::Result<Vec<u8>> {
    let json = serde_json::to_vec(value).map_err(io::Error::other)?;
    let mut framed = (json.len() as u32).to_be_bytes().to_vec();
    framed.extend_from_slice(&json);
    w.write_all(&framed)?;
    Ok(framed)
}

/// Read a length-prefixed JSON record of at most `limit` bytes. Returns the value and the
/// raw framed bytes (for hashing).
pub fn read_json<R: Read, T: for<'de> serde::Deserialize<'de>>(
    r: &mut R,
    limit: usize,
) -> Result<(T, Vec<u8>), BundleReadError> {
    let mut len = [0u8; 4];
    read_exact(r, &mut len)?;
    let n = u32::from_be_bytes(len) as usize;
    if n > limit {
        return Err(BundleReadError::Malformed(
            "a header or entry record is larger than allowed",
        ));
    }
    let mut buf = vec![0u8; n];
    read_exact(r, &mut buf)?;
    let value = serde_json::from_slice(&buf)
        .map_err(|_| BundleReadError::Malformed("a header or entry record is not valid JSON"))?;
    let mut framed = len.to_vec();
    framed.extend_from_slice(&buf);
    Ok((value, framed))
}

pub(crate) fn read_exact<R: Read>(r: &mut R, buf: &mut [u8]) -> Result<(), BundleReadError> {
    r.read_exact(buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => BundleReadError::Truncated,
        _ => BundleReadError::Io(e),
    })
}

/// What can be wrong with a bundle file. Each message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum BundleReadError {
    #[error("this is not a tipbox {0} bundle (wrong file?)")]
    NotABundle(&'static str),
    #[error(
        "bundle format version {0} is not supported by this tipbox; upgrade tipbox on this machine"
    )]
    UnsupportedVersion(u32),
    #[error("the bundle is truncated: copy it again from the source (was the USB stick removed too early?)")]
    Truncated,
    #[error("the bundle is damaged (checksum mismatch): copy it again from the source")]
    Checksum,
    #[error("the bundle is malformed: {0}")]
    Malformed(&'static str),
    /// A signed inbox bundle (version 3) whose signature does not check out with the
    /// portal key its own header states: altered after it was signed, or made up.
    #[error("the bundle's portal signature does not check out: it was altered after the portal signed it, or made up. Copy it again from the portal; if that one is refused too, keep it as evidence and have the portal checked")]
    BadSignature,
    #[error("reading the bundle failed: {0}")]
    Io(#[from] io::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_real_days_in_their_one_form_pass() {
        assert_eq!(
            strict_day("2026-02-28"),
            Some(time::macros::date!(2026 - 02 - 28))
        );
        assert_eq!(
            strict_day("2024-02-29"),
            Some(time::macros::date!(2024 - 02 - 29))
        );
        for bad in [
            "2026-02-30",
            "2025-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-01-00",
            "+275760-09-13",
            "+2026-01-01",
            " 2026-01-01",
            "2026-01-01 ",
            "2026-1-01",
            "2026/01/01",
            "2026-01-01T00:00",
            "\u{1b}[8m",
            "２０２６-01-01",
            "",
        ] {
            assert_eq!(strict_day(bad), None, "{bad:?}");
        }
        assert!(is_lower_hex(&"0a".repeat(16), 32));
        assert!(!is_lower_hex(&"0A".repeat(16), 32));
        assert!(!is_lower_hex(&"0a".repeat(15), 32));
        assert!(!is_lower_hex("synthetic-portal", 16));
    }

    #[test]
    fn drop_behind_passes_every_byte_through_in_order() {
        // Across several drop points and an odd read size, as `import` reads bundles.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bundle");
        let data: Vec<u8> = (0..(2 * DROP_EVERY + 12_345) as usize)
            .map(|i| (i % 251) as u8 ^ (i >> 20) as u8)
            .collect();
        std::fs::write(&path, &data).unwrap();
        let mut r = io::BufReader::with_capacity(
            (1 << 20) + 7,
            DropBehind::new(std::fs::File::open(&path).unwrap()),
        );
        let mut back = Vec::new();
        r.read_to_end(&mut back).unwrap();
        assert!(back == data, "bytes differ");
        assert_eq!(r.get_ref().read, data.len() as u64);
        assert_eq!(
            r.get_ref().dropped,
            data.len() as u64,
            "the tail was not dropped"
        );
    }
}
