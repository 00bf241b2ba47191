//! The inbox bundle: every sealed tip and follow-up the portal holds that the office has
//! not yet acknowledged. Ciphertext only; the portal cannot read what it carries.
//!
//! ```text
//! bundle  := MAGIC header entry* trailer
//! header  := json(InboxHeader)                 (u32be length + JSON)
//! entry   := json(EntryHeader) ciphertext[size]
//! trailer := END_MAGIC checksum(everything before the trailer) [signature]
//! ```
//! Each entry also carries the checksum of its ciphertext. A reader checks the whole file
//! ([`verify`]) before importing any of it. The checksum is BLAKE3 in versions 3 and 2 and
//! BLAKE2b-256 in version 1 (still read).
//!
//! Version 3 (what a portal writes since 2026-12-08) is signed: its header states the
//! portal's bundle-signing key ([`InboxHeader::portal_key`], made with the data folder) and
//! the trailer ends with `ed25519(SIGNATURE_CONTEXT || checksum)`, 64 bytes, by that key. A
//! ledger pins the key at the first signed bundle of a portal and from then on refuses that
//! portal's bundles signed otherwise or not at all (docs/design/sites.md, "Portal keys"), so
//! that no other portal can write a bundle in its name. Version 2 (unsigned) is still
//! written for hand-overs between ledgers and by test generators, and read.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{read_exact, read_json, write_json, BundleReadError};
use crate::crypto::{self, Checksummer, HashingWriter, SigningKey};

/// `TIPBOX-INBOX\0` and the format version (of a signed bundle, the portals' own).
pub const MAGIC: &[u8; 14] = b"TIPBOX-INBOX\0\x03";
pub const END_MAGIC: &[u8; 12] = b"TIPBOX-END\0\x01";
/// The newest version, written by portals: signed. Versions 2 and 1 are still read.
pub const FORMAT: u32 = 3;
/// The version of an unsigned bundle (hand-overs, generators): BLAKE3, no signature.
pub const UNSIGNED_FORMAT: u32 = 2;
/// What a portal's signature covers, before the bundle's checksum.
pub const SIGNATURE_CONTEXT: &[u8] = b"tipbox inbox bundle signature v1\n";

/// The message a portal signs: the context, then the bundle's checksum.
fn signed_message(digest: &[u8; 32]) -> Vec<u8> {
    [SIGNATURE_CONTEXT, &digest[..]].concat()
}
/// Largest sealed blob accepted in a bundle (a 500 MiB upload plus padding and overhead).
pub const MAX_ENTRY_SIZE: u64 = 8 << 30;
const MAX_HEADER: usize = 64 * 1024;
/// The most bytes a bundle's magic, version and header take: what [`peek_header`] needs.
pub const MAX_HEAD: usize = 14 + 4 + MAX_HEADER;

/// The checksum of a bundle version. Version 2 uses BLAKE3 because import hashes every byte
/// of a bundle while it decrypts on the same cores: for a 1.6 GB bundle, BLAKE2b took 1.7 s
/// of a core and BLAKE3 (SIMD over many 1 KiB chunks at once) takes 0.3 s.
enum Checksum {
    V1(Box<crate::crypto::Hasher>),
    V2(Box<blake3::Hasher>),
}

impl Checksum {
    fn new(format: u32) -> Checksum {
        if format == 1 {
            Checksum::V1(Box::default())
        } else {
            Checksum::V2(Box::new(blake3::Hasher::new()))
        }
    }
    fn finalize(self) -> [u8; 32] {
        match self {
            Checksum::V1(h) => h.finalize(),
            Checksum::V2(h) => *h.finalize().as_bytes(),
        }
    }
}

impl Checksummer for Checksum {
    fn update(&mut self, data: &[u8]) {
        match self {
            Checksum::V1(h) => h.update(data),
            Checksum::V2(h) => {
                h.update(data);
            }
        }
    }
}

/// The checksum of one entry's ciphertext, as its header states it (`checksum`), for a
/// reader that hashes entries elsewhere than in [`verify_streaming`] (import hashes each
/// on the core that decrypts it).
pub struct EntryHasher(Checksum);

impl EntryHasher {
    /// For a bundle of format `version` (the byte after the magic).
    pub fn new(version: u32) -> Self {
        EntryHasher(Checksum::new(version))
    }
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data);
    }
    /// Whether what was hashed is the ciphertext `entry` describes.
    pub fn matches(self, entry: &EntryHeader) -> bool {
        hex::encode(self.0.finalize()) == entry.checksum
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxHeader {
    pub format: u32,
    pub portal_id: String,
    /// UTC day the bundle was made.
    pub made: String,
    pub entries: u64,
    /// The sequence number of the last update bundle the portal applied (since
    /// 2026-12-01; absent before, and from a portal that has applied none). A ledger
    /// restored from an older backup learns from it where to continue its numbering
    /// (`Ledger::import_from`). Not authenticated, like the rest of the header: the ledger
    /// only ever moves its numbering forward with it, within a bound.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_update: Option<u64>,
    /// A hand-over bundle from another unit's ledger (`tipbox-review transfer
    /// --recipient`), not a portal's export: its tips are answered by that unit, so the
    /// receiving ledger exports nothing for them (since 2026-12-01; absent: false).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub handover: bool,
    /// The site id of the parameters the portal derives receipt keys with
    /// ([`SiteParams::site_id`](super::site::SiteParams::site_id); since 2026-12-08).
    /// Not authenticated: the ledger compares it only to catch a portal put in a site it
    /// was not created for (a mistake), never to decide what a portal receives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    /// The portal's bundle-signing key (ed25519 verify key, 64 hex digits): present in
    /// every version-3 bundle, absent from older ones. The trailer's signature is by this
    /// key; that it is *the portal's* key only the ledger's pin says (the first signed
    /// bundle of a portal pins it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal_key: Option<String>,
}

impl InboxHeader {
    /// An unsigned header for `entries` entries ([`InboxWriter::new_signed`] makes it a
    /// signed one).
    pub fn new(portal_id: &str, made: &str, entries: u64) -> InboxHeader {
        InboxHeader {
            format: UNSIGNED_FORMAT,
            portal_id: portal_id.to_owned(),
            made: made.to_owned(),
            entries,
            last_update: None,
            handover: false,
            site_id: None,
            portal_key: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryHeader {
    pub blob_id: String,
    pub size: u64,
    /// Fingerprint of the recipient set that sealed it ("unknown" if the index lost it).
    pub sealed_to: String,
    /// Checksum (hex) of the ciphertext: BLAKE3 in version 2, BLAKE2b-256 in version 1.
    pub checksum: String,
}

impl InboxHeader {
    /// The syntax of every field a reader uses or prints: the header is not authenticated,
    /// and whoever writes a bundle chooses it.
    pub fn check(&self) -> Result<(), BundleReadError> {
        if !(super::is_lower_hex(&self.portal_id, 32)
            || self.portal_id == crate::tip::TYPED_IN_PORTAL)
        {
            return Err(BundleReadError::Malformed(
                "the header's portal id is not 32 hexadecimal digits",
            ));
        }
        if self.portal_id == crate::tip::TYPED_IN_PORTAL && !self.handover {
            return Err(BundleReadError::Malformed(
                "the header names no portal (typed-in) but is not a hand-over",
            ));
        }
        if super::strict_day(&self.made).is_none() {
            return Err(BundleReadError::Malformed(
                "the header's day is not a real day written YYYY-MM-DD",
            ));
        }
        if self
            .site_id
            .as_deref()
            .is_some_and(|id| !super::is_lower_hex(id, 16))
        {
            return Err(BundleReadError::Malformed(
                "the header's site id is not 16 hexadecimal digits",
            ));
        }
        match (&self.portal_key, self.format >= 3) {
            (Some(key), true) if super::is_lower_hex(key, 64) => {}
            (None, false) => {}
            (Some(_), true) => {
                return Err(BundleReadError::Malformed(
                    "the header's portal key is not 64 hexadecimal digits",
                ))
            }
            (None, true) => {
                return Err(BundleReadError::Malformed(
                    "a version-3 bundle states no portal key",
                ))
            }
            (Some(_), false) => {
                return Err(BundleReadError::Malformed(
                    "an unsigned bundle (version 1 or 2) states a portal key",
                ))
            }
        }
        // Hand-overs are written by another unit's ledger, which holds no portal key: a
        // signed one is made up, and would pin a key for a portal the office does not
        // import from (or for `typed-in`), refusing every genuine hand-over naming it
        // (test `regression_a_signed_hand_over_pinned_a_key_for_typed_in_tips`).
        if self.handover && self.portal_key.is_some() {
            return Err(BundleReadError::Malformed(
                "a hand-over bundle is signed, and hand-overs come from a ledger, which signs none",
            ));
        }
        Ok(())
    }
}

impl InboxHeader {
    /// The portal key the header states, as bytes (not yet checked against the signature).
    pub fn stated_key(&self) -> Result<Option<[u8; 32]>, BundleReadError> {
        let Some(key) = &self.portal_key else {
            return Ok(None);
        };
        // `check` made sure a version-3 header states a key of 64 hex digits.
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(key, &mut bytes)
            .map_err(|_| BundleReadError::Malformed("the header's portal key"))?;
        Ok(Some(bytes))
    }
}

impl EntryHeader {
    /// The syntax of an entry's fields: its id becomes a file name and is printed, its
    /// fingerprint is printed, its checksum is compared.
    pub fn check(&self) -> Result<(), BundleReadError> {
        if self.size > MAX_ENTRY_SIZE || !is_blob_id(&self.blob_id) {
            return Err(BundleReadError::Malformed(
                "an entry has an invalid id or size",
            ));
        }
        if !(super::is_lower_hex(&self.sealed_to, 16) || self.sealed_to == "unknown") {
            return Err(BundleReadError::Malformed(
                "an entry's key fingerprint is not 16 hexadecimal digits",
            ));
        }
        if !super::is_lower_hex(&self.checksum, 64) {
            return Err(BundleReadError::Malformed(
                "an entry's checksum is not 64 hexadecimal digits",
            ));
        }
        Ok(())
    }
}

/// Source of the entries to write: id, recipient-set fingerprint, path of the ciphertext.
pub struct Source<'a> {
    pub blob_id: &'a str,
    pub sealed_to: &'a str,
    pub path: &'a Path,
}

/// Write a bundle (the current version) of sealed blob files. Each file is read twice
/// (checksum, then copy) so memory stays flat whatever the sizes.
pub fn write<W: Write>(
    out: W,
    portal_id: &str,
    made: &str,
    sources: &[Source<'_>],
) -> io::Result<W> {
    write_with_last_update(out, portal_id, made, None, sources)
}

/// [`write()`] for a hand-over bundle (see [`InboxHeader::handover`]).
pub fn write_handover<W: Write>(
    out: W,
    portal_id: &str,
    made: &str,
    sources: &[Source<'_>],
) -> io::Result<W> {
    let header = InboxHeader {
        handover: true,
        ..InboxHeader::new(portal_id, made, sources.len() as u64)
    };
    write_sources(out, header, None, sources)
}

/// [`write()`], stating the last update bundle the portal applied (the portal's export).
pub fn write_with_last_update<W: Write>(
    out: W,
    portal_id: &str,
    made: &str,
    last_update: Option<u64>,
    sources: &[Source<'_>],
) -> io::Result<W> {
    let header = InboxHeader {
        last_update,
        ..InboxHeader::new(portal_id, made, sources.len() as u64)
    };
    write_sources(out, header, None, sources)
}

/// Write a bundle with `header` (its `entries` must be `sources.len()`), signed with the
/// portal's bundle-signing `key`: a portal's export with everything its header says.
pub fn write_signed<W: Write>(
    out: W,
    header: InboxHeader,
    key: &SigningKey,
    sources: &[Source<'_>],
) -> io::Result<W> {
    write_sources(
        out,
        header,
        Some(SigningKey::from_seed(&key.seed())),
        sources,
    )
}

fn write_sources<W: Write>(
    out: W,
    header: InboxHeader,
    signer: Option<SigningKey>,
    sources: &[Source<'_>],
) -> io::Result<W> {
    let mut w = InboxWriter::start(out, header, signer)?;
    for s in sources {
        w.entry_from_file(s.blob_id, s.sealed_to, s.path)?;
    }
    w.finish()
}

/// A bundle written one entry at a time: from sealed blob files (the portal's export) or
/// from ciphertext already in memory (the synthetic generator, which would otherwise write
/// and delete a file per tip). The header states the number of entries, so it is given up
/// front and [`InboxWriter::finish`] refuses a bundle that does not hold exactly that many.
pub struct InboxWriter<W: Write> {
    w: HashingWriter<W, Checksum>,
    declared: u64,
    written: u64,
    buf: Vec<u8>,
    /// The portal's key, for a signed (version-3) bundle.
    signer: Option<SigningKey>,
}

impl<W: Write> InboxWriter<W> {
    /// An unsigned (version-2) bundle.
    pub fn new(out: W, portal_id: &str, made: &str, entries: u64) -> io::Result<Self> {
        InboxWriter::start(out, InboxHeader::new(portal_id, made, entries), None)
    }

    /// A bundle with `header`, signed with the portal's bundle-signing `key` (version 3;
    /// the header's format and portal key are set here).
    pub fn new_signed(out: W, header: InboxHeader, key: &SigningKey) -> io::Result<Self> {
        InboxWriter::start(out, header, Some(SigningKey::from_seed(&key.seed())))
    }

    fn start(out: W, mut header: InboxHeader, signer: Option<SigningKey>) -> io::Result<Self> {
        let version = match &signer {
            Some(key) => {
                header.portal_key = Some(hex::encode(key.verify_key()));
                FORMAT
            }
            None => {
                header.portal_key = None;
                UNSIGNED_FORMAT
            }
        };
        header.format = version;
        let mut w = HashingWriter::with_hasher(out, Checksum::new(version));
        let mut magic = *MAGIC;
        magic[13] = version as u8;
        w.write_all(&magic)?;
        write_json(&mut w, &header)?;
        Ok(InboxWriter {
            w,
            declared: header.entries,
            written: 0,
            buf: Vec::new(),
            signer,
        })
    }

    /// Add one entry whose ciphertext is in memory.
    pub fn entry(&mut self, blob_id: &str, sealed_to: &str, ciphertext: &[u8]) -> io::Result<()> {
        let mut h = Checksum::new(FORMAT);
        h.update(ciphertext);
        self.entry_header(blob_id, sealed_to, ciphertext.len() as u64, h)?;
        self.w.write_all(ciphertext)
    }

    /// Add one entry from a sealed blob file, read twice (checksum, then copy).
    pub fn entry_from_file(
        &mut self,
        blob_id: &str,
        sealed_to: &str,
        path: &Path,
    ) -> io::Result<()> {
        // Without O_NOATIME, reading a blob would set its access time to the export's.
        let mut f = crate::durable::open_noatime(path)?;
        let size = f.metadata()?.len();
        let mut h = Checksum::new(FORMAT);
        self.buf.resize(256 * 1024, 0);
        loop {
            let n = f.read(&mut self.buf)?;
            if n == 0 {
                break;
            }
            h.update(&self.buf[..n]);
        }
        self.entry_header(blob_id, sealed_to, size, h)?;
        let mut f = crate::durable::open_noatime(path)?.take(size);
        let copied = io::copy(&mut f, &mut self.w)?;
        if copied != size {
            return Err(io::Error::other(
                "a sealed blob changed size while being exported",
            ));
        }
        Ok(())
    }

    fn entry_header(
        &mut self,
        blob_id: &str,
        sealed_to: &str,
        size: u64,
        checksum: Checksum,
    ) -> io::Result<()> {
        if self.written == self.declared {
            return Err(io::Error::other(format!(
                "the bundle's header announced {} entries; no more can be added",
                self.declared
            )));
        }
        self.written += 1;
        write_json(
            &mut self.w,
            &EntryHeader {
                blob_id: blob_id.to_owned(),
                size,
                sealed_to: sealed_to.to_owned(),
                checksum: hex::encode(checksum.finalize()),
            },
        )?;
        Ok(())
    }

    /// Write the trailer and hand back the output, flushed.
    pub fn finish(self) -> io::Result<W> {
        if self.written != self.declared {
            return Err(io::Error::other(format!(
                "the bundle's header announced {} entries but {} were written",
                self.declared, self.written
            )));
        }
        let HashingWriter { mut inner, hasher } = self.w;
        let digest = hasher.finalize();
        inner.write_all(END_MAGIC)?;
        inner.write_all(&digest)?;
        if let Some(key) = &self.signer {
            inner.write_all(&key.sign(&signed_message(&digest)))?;
        }
        inner.flush()?;
        Ok(inner)
    }
}

/// Summary of a verified bundle.
#[derive(Debug, Clone)]
pub struct Verified {
    pub header: InboxHeader,
    pub entries: Vec<EntryHeader>,
    /// The key whose signature over the bundle checked out (version 3); `None` for an
    /// unsigned bundle. Whether it is the named portal's key is the ledger's to say.
    pub portal_key: Option<[u8; 32]>,
}

/// Check a whole bundle: structure, every entry's checksum, the file checksum, and that
/// nothing follows the trailer. Reads the file once, in constant memory.
pub fn verify(path: &Path, progress: impl FnMut(u64)) -> Result<Verified, BundleReadError> {
    verify_streaming(
        BufReader::with_capacity(256 * 1024, File::open(path)?),
        progress,
        EntryChecks::Each,
        |_, _| Ok(()),
    )
}

/// The header alone, checked as [`verify`] checks it, from a bundle's first bytes (`head`:
/// at most [`MAX_HEAD`] of them are needed): so that a reader can refuse a bundle on what its header
/// claims (the ledger's portal-key pin) before it reads any entry. Nothing in it is
/// authenticated yet: a header that passes here may still be refused by [`verify`].
pub fn peek_header(mut head: &[u8]) -> Result<InboxHeader, BundleReadError> {
    read_head(&mut head).map(|(_, header, _)| header)
}

/// The magic and version, then the header, checked: returns the version and the header
/// with its framed bytes (for the file's checksum).
fn read_head<R: Read>(r: &mut R) -> Result<(u32, InboxHeader, Vec<u8>), BundleReadError> {
    let mut magic = [0u8; 14];
    read_exact(r, &mut magic).map_err(|_| BundleReadError::NotABundle("inbox"))?;
    if magic[..13] != MAGIC[..13] {
        return Err(BundleReadError::NotABundle("inbox"));
    }
    let version = u32::from(magic[13]);
    if !(1..=FORMAT).contains(&version) {
        return Err(BundleReadError::UnsupportedVersion(version));
    }
    let (header, raw): (InboxHeader, _) = read_json(r, MAX_HEADER)?;
    if header.format != version {
        return Err(BundleReadError::Malformed(
            "the header's format differs from the file's version",
        ));
    }
    if header.entries > 100_000_000 {
        return Err(BundleReadError::Malformed("implausible number of entries"));
    }
    header.check()?;
    Ok((version, header, raw))
}

/// [`verify`] over any reader (used by the fuzzer).
pub fn verify_reader<R: Read>(
    r: R,
    progress: impl FnMut(u64),
) -> Result<Verified, BundleReadError> {
    verify_streaming(
        BufReader::with_capacity(256 * 1024, r),
        progress,
        EntryChecks::Each,
        |_, _| Ok(()),
    )
}

/// What [`verify_streaming`] shows of each entry, in order.
pub enum EntryEvent<'a> {
    Start,
    /// The next piece of the entry's ciphertext (not yet checked).
    Data(&'a [u8]),
    /// The entry's checksum matched.
    End,
}

/// Whether [`verify_streaming`] checks each entry's own checksum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryChecks {
    /// Check every entry's checksum as well as the whole file's.
    Each,
    /// Rely on the whole-file checksum alone, which covers every byte of every entry: for
    /// readers that use nothing before the end (import), this halves the hashing.
    WholeFileOnly,
}

/// [`verify_reader`] that also hands every entry's ciphertext to `visit` as it goes by, so
/// a reader can verify and copy a bundle in one pass. Nothing seen through `visit` may be
/// used before this returns `Ok`: the whole-file checksum comes last. The pieces are
/// slices of `r`'s own buffer (no copy in between).
pub fn verify_streaming<R: BufRead>(
    mut r: R,
    mut progress: impl FnMut(u64),
    checks: EntryChecks,
    mut visit: impl FnMut(&EntryHeader, EntryEvent<'_>) -> io::Result<()>,
) -> Result<Verified, BundleReadError> {
    let (version, header, raw) = read_head(&mut r)?;
    let mut file_hash = Checksum::new(version);
    file_hash.update(&MAGIC[..13]);
    file_hash.update(&[version as u8]);
    file_hash.update(&raw);
    let mut entries = Vec::new();
    for _ in 0..header.entries {
        let (entry, raw): (EntryHeader, _) = read_json(&mut r, MAX_HEADER)?;
        file_hash.update(&raw);
        entry.check()?;
        let mut h = Checksum::new(version);
        let mut left = entry.size;
        visit(&entry, EntryEvent::Start)?;
        while left > 0 {
            let buffered = match r.fill_buf() {
                Ok([]) => return Err(BundleReadError::Truncated),
                Ok(buffered) => buffered,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(BundleReadError::Io(e)),
            };
            let piece = &buffered[..(buffered.len() as u64).min(left) as usize];
            if checks == EntryChecks::Each {
                h.update(piece);
            }
            file_hash.update(piece);
            visit(&entry, EntryEvent::Data(piece))?;
            let n = piece.len();
            r.consume(n);
            left -= n as u64;
            progress(n as u64);
        }
        if checks == EntryChecks::Each && hex::encode(h.finalize()) != entry.checksum {
            return Err(BundleReadError::Checksum);
        }
        visit(&entry, EntryEvent::End)?;
        entries.push(entry);
    }
    let mut end = [0u8; 12];
    read_exact(&mut r, &mut end)?;
    if &end != END_MAGIC {
        return Err(BundleReadError::Malformed("missing end marker"));
    }
    let mut digest = [0u8; 32];
    read_exact(&mut r, &mut digest)?;
    if digest != file_hash.finalize() {
        return Err(BundleReadError::Checksum);
    }
    let portal_key = match header.stated_key()? {
        Some(key) => {
            let mut signature = [0u8; 64];
            read_exact(&mut r, &mut signature)?;
            if !crypto::verify_signature(&key, &signed_message(&digest), &signature) {
                return Err(BundleReadError::BadSignature);
            }
            Some(key)
        }
        None => None,
    };
    let mut probe = [0u8; 1];
    if r.read(&mut probe)? != 0 {
        return Err(BundleReadError::Malformed(
            "data after the end of the bundle",
        ));
    }
    Ok(Verified {
        header,
        entries,
        portal_key,
    })
}

/// Read a verified bundle's entries one by one: `each(entry, ciphertext reader)`.
/// Call only after [`verify`] succeeded on the same file.
pub fn for_each_entry(
    path: &Path,
    mut each: impl FnMut(&EntryHeader, &mut dyn Read) -> io::Result<()>,
) -> Result<(), BundleReadError> {
    let mut r = BufReader::with_capacity(256 * 1024, File::open(path)?);
    let (_, header, _) = read_head(&mut r)?;
    for _ in 0..header.entries {
        let (entry, _): (EntryHeader, _) = read_json(&mut r, MAX_HEADER)?;
        let mut body = (&mut r).take(entry.size);
        each(&entry, &mut body)?;
        // Skip whatever the callback did not read.
        io::copy(&mut body, &mut io::sink())?;
    }
    Ok(())
}

/// Blob ids are 32 lowercase hex characters: they become file names, so nothing else passes.
pub fn is_blob_id(s: &str) -> bool {
    s.len() == 32
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PORTAL: &str = "0123456789abcdef0123456789abcdef";
    const FINGERPRINT: &str = "0123456789abcdef";

    fn sample(dir: &Path) -> std::path::PathBuf {
        let a = dir.join("a");
        let b = dir.join("b");
        std::fs::write(&a, vec![1u8; 300_000]).unwrap();
        std::fs::write(&b, b"second").unwrap();
        let ids = ["0".repeat(32), "f".repeat(32)];
        let sources = [
            Source {
                blob_id: &ids[0],
                sealed_to: FINGERPRINT,
                path: &a,
            },
            Source {
                blob_id: &ids[1],
                sealed_to: FINGERPRINT,
                path: &b,
            },
        ];
        let out = dir.join("bundle");
        write(File::create(&out).unwrap(), PORTAL, "2026-11-22", &sources).unwrap();
        out
    }

    /// A version-1 bundle (BLAKE2b checksums) made by tipbox before version 2: three
    /// synthetic tips sealed to the demo keys (`examples/generate.rs inbox --tips 3`).
    const V1_VECTOR: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/vectors/inbox-v1.tbx"
    );

    #[test]
    fn version_1_bundles_are_still_read_and_checked() {
        let v = verify(Path::new(V1_VECTOR), |_| {}).unwrap();
        assert_eq!(v.header.format, 1);
        assert_eq!(v.entries.len(), 3);
        let mut bytes = std::fs::read(V1_VECTOR).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let damaged = dir.path().join("damaged");
        let at = bytes.len() / 2;
        bytes[at] ^= 1;
        std::fs::write(&damaged, &bytes).unwrap();
        assert!(matches!(
            verify(&damaged, |_| {}),
            Err(BundleReadError::Checksum)
        ));
    }

    #[test]
    fn versions_are_checked_before_anything_else() {
        let dir = tempfile::tempdir().unwrap();
        let bytes = std::fs::read(sample(dir.path())).unwrap();
        assert_eq!(&bytes[..13], &MAGIC[..13]);
        assert_eq!(bytes[13], 2, "an unsigned bundle is version 2");
        let other = dir.path().join("other");
        // A newer version: the reader says to upgrade.
        let mut newer = bytes.clone();
        newer[13] = 4;
        std::fs::write(&other, &newer).unwrap();
        assert!(matches!(
            verify(&other, |_| {}),
            Err(BundleReadError::UnsupportedVersion(4))
        ));
        // A version-2 body under a version-1 magic is refused, not hashed the wrong way.
        let mut mixed = bytes.clone();
        mixed[13] = 1;
        std::fs::write(&other, &mixed).unwrap();
        assert!(matches!(
            verify(&other, |_| {}),
            Err(BundleReadError::Malformed(_))
        ));
    }

    #[test]
    fn entries_from_memory_make_the_same_bundle_as_entries_from_files() {
        let dir = tempfile::tempdir().unwrap();
        let from_files = std::fs::read(sample(dir.path())).unwrap();
        let mut w = InboxWriter::new(Vec::new(), PORTAL, "2026-11-22", 2).unwrap();
        w.entry(&"0".repeat(32), FINGERPRINT, &vec![1u8; 300_000])
            .unwrap();
        w.entry(&"f".repeat(32), FINGERPRINT, b"second").unwrap();
        assert_eq!(w.finish().unwrap(), from_files);
    }

    #[test]
    fn a_bundle_must_hold_exactly_the_entries_its_header_announces() {
        let mut w = InboxWriter::new(Vec::new(), PORTAL, "2026-11-22", 2).unwrap();
        w.entry(&"0".repeat(32), FINGERPRINT, b"one").unwrap();
        let short = w.finish().unwrap_err().to_string();
        assert!(short.contains("announced 2 entries but 1"), "{short}");

        let mut w = InboxWriter::new(Vec::new(), PORTAL, "2026-11-22", 1).unwrap();
        w.entry(&"0".repeat(32), FINGERPRINT, b"one").unwrap();
        let extra = w
            .entry(&"f".repeat(32), FINGERPRINT, b"two")
            .unwrap_err()
            .to_string();
        assert!(extra.contains("no more can be added"), "{extra}");
    }

    #[test]
    fn round_trip_and_any_damage_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = sample(dir.path());
        let v = verify(&path, |_| {}).unwrap();
        assert_eq!(v.entries.len(), 2);
        let mut seen = vec![];
        for_each_entry(&path, |e, r| {
            let mut data = vec![];
            r.read_to_end(&mut data)?;
            seen.push((e.blob_id.clone(), data.len()));
            Ok(())
        })
        .unwrap();
        assert_eq!(seen[0].1, 300_000);
        assert_eq!(seen[1].1, 6);

        let bytes = std::fs::read(&path).unwrap();
        let damaged = dir.path().join("damaged");
        for pos in (0..bytes.len())
            .step_by(bytes.len() / 97 + 1)
            .chain([bytes.len() - 1])
        {
            let mut b = bytes.clone();
            b[pos] ^= 0x40;
            std::fs::write(&damaged, &b).unwrap();
            assert!(verify(&damaged, |_| {}).is_err(), "flip at {pos} accepted");
        }
        for cut in [0, 10, 100, bytes.len() / 2, bytes.len() - 1] {
            std::fs::write(&damaged, &bytes[..cut]).unwrap();
            assert!(verify(&damaged, |_| {}).is_err(), "cut at {cut} accepted");
        }
        let mut extra = bytes.clone();
        extra.push(0);
        std::fs::write(&damaged, &extra).unwrap();
        assert!(verify(&damaged, |_| {}).is_err());
    }

    fn signed(key: &SigningKey) -> Vec<u8> {
        let header = InboxHeader::new(PORTAL, "2026-11-22", 2);
        let mut w = InboxWriter::new_signed(Vec::new(), header, key).unwrap();
        w.entry(&"0".repeat(32), FINGERPRINT, &vec![1u8; 300_000])
            .unwrap();
        w.entry(&"f".repeat(32), FINGERPRINT, b"second").unwrap();
        w.finish().unwrap()
    }

    #[test]
    fn a_signed_bundle_names_its_key_and_any_change_breaks_its_signature() {
        let dir = tempfile::tempdir().unwrap();
        let key = SigningKey::generate();
        let bytes = signed(&key);
        assert_eq!(&bytes[..14], MAGIC, "a signed bundle is version 3");
        let path = dir.path().join("signed");
        std::fs::write(&path, &bytes).unwrap();
        let v = verify(&path, |_| {}).unwrap();
        assert_eq!(v.portal_key, Some(key.verify_key()));
        assert_eq!(v.header.format, 3);
        assert_eq!(
            v.header.portal_key.as_deref(),
            Some(hex::encode(key.verify_key()).as_str())
        );
        // Unsigned bundles state no key, and are said to be unsigned.
        let unsigned = verify(&sample(dir.path()), |_| {}).unwrap();
        assert_eq!(unsigned.portal_key, None);

        // The signature itself, any of its bytes.
        let damaged = dir.path().join("damaged");
        for pos in [bytes.len() - 64, bytes.len() - 30, bytes.len() - 1] {
            let mut b = bytes.clone();
            b[pos] ^= 1;
            std::fs::write(&damaged, &b).unwrap();
            assert!(
                matches!(verify(&damaged, |_| {}), Err(BundleReadError::BadSignature)),
                "flip at {pos} of the signature accepted"
            );
        }
        // Without its signature: truncated.
        std::fs::write(&damaged, &bytes[..bytes.len() - 64]).unwrap();
        assert!(matches!(
            verify(&damaged, |_| {}),
            Err(BundleReadError::Truncated)
        ));
        // Made unsigned again (version byte 2, signature cut off): the header still names
        // a key, which only a signed bundle may.
        let mut downgraded = bytes[..bytes.len() - 64].to_vec();
        downgraded[13] = 2;
        std::fs::write(&damaged, &downgraded).unwrap();
        assert!(matches!(
            verify(&damaged, |_| {}),
            Err(BundleReadError::Malformed(_))
        ));
    }

    #[test]
    fn a_bundle_signed_by_one_key_cannot_claim_another() {
        // Whoever re-signs a bundle with their own key must name their own key: the
        // signature checks out only with the key the (checksummed) header states, so a
        // bundle can never be made to look signed by a key its writer does not hold.
        let ours = SigningKey::generate();
        let theirs = SigningKey::generate();
        let bytes = signed(&ours);
        let own = hex::encode(ours.verify_key());
        let at = bytes
            .windows(own.len())
            .position(|w| w == own.as_bytes())
            .expect("the header names the key");
        let mut swapped = bytes.clone();
        swapped[at..at + own.len()].copy_from_slice(hex::encode(theirs.verify_key()).as_bytes());
        assert!(matches!(
            verify_reader(&swapped[..], |_| {}),
            Err(BundleReadError::Checksum)
        ));
        // Re-checksummed after the swap: the signature is then the wrong key's.
        let trailer = bytes.len() - 64 - 32;
        let mut h = Checksum::new(3);
        h.update(&swapped[..trailer - END_MAGIC.len()]);
        let mut resummed = swapped.clone();
        resummed[trailer..trailer + 32].copy_from_slice(&h.finalize());
        assert!(matches!(
            verify_reader(&resummed[..], |_| {}),
            Err(BundleReadError::BadSignature)
        ));
    }
}
