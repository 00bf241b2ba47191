//! Bundles: the files that cross the air gap on removable media.
//!
//! - [`inbox`]: portal -> ledger. Sealed tips and follow-ups, ciphertext only, with a
//!   checksum over the whole file so a truncated or damaged copy is refused before anything
//!   is imported.
//! - update bundles (ledger -> portal, signed by the office) follow in issue #4.
//!
//! Formats are documented in docs/formats.md.

pub mod inbox;
pub mod update;

use std::io::{self, Read, Write};

/// Length-prefixed JSON record: u32 big-endian length, then the JSON bytes.
pub(crate) fn write_json<W: Write, T: serde::Serialize>(
    w: &mut W,
    value: &T,
) -> io::Result<Vec<u8>> {
    let json = serde_json::to_vec(value).map_err(io::Error::other)?;
    let mut framed = (json.len() as u32).to_be_bytes().to_vec();
    framed.extend_from_slice(&json);
    w.write_all(&framed)?;
    Ok(framed)
}

/// Read a length-prefixed JSON record of at most `limit` bytes. Returns the value and the
/// raw framed bytes (for hashing).
pub(crate) fn read_json<R: Read, T: for<'de> serde::Deserialize<'de>>(
    r: &mut R,
    limit: usize,
) -> Result<(T, Vec<u8>), BundleReadError> {
    let mut len = [0u8; 4];
    read_exact(r, &mut len)?;
    let n = u32::from_be_bytes(len) as usize;
    if n > limit {
        return Err(BundleReadError::Malformed(
            "a header is larger than allowed",
        ));
    }
    let mut buf = vec![0u8; n];
    read_exact(r, &mut buf)?;
    let value = serde_json::from_slice(&buf)
        .map_err(|_| BundleReadError::Malformed("a header is not valid JSON"))?;
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
    #[error("reading the bundle failed: {0}")]
    Io(#[from] io::Error),
}
