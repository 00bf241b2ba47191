//! Reading what the ledger keeps sealed: items (tips and follow-ups, in packs or one file
//! each) and reviewer texts, decrypted in memory with the office's identities, with the
//! work per item bounded (`keys::open_sealed`).

use super::*;

impl Ledger {
    pub(crate) fn blob_path(&self, blob: &BlobRef) -> PathBuf {
        match &blob.pack {
            Some(p) => self.root.join(BLOBS_DIR).join(&p.file),
            None => self
                .root
                .join(BLOBS_DIR)
                .join(format!("{}.age", blob.blob_id)),
        }
    }

    /// The ciphertext of one sealed item, as the portal sealed it.
    pub fn blob_reader(
        &self,
        blob: &BlobRef,
    ) -> Result<Box<dyn std::io::BufRead + Send>, LedgerError> {
        let path = self.blob_path(blob);
        let file = fs::File::open(&path).map_err(io_err(&path))?;
        Ok(match &blob.pack {
            Some(p) => Box::new(std::io::BufReader::with_capacity(
                64 * 1024,
                PackSlice::of(file, p),
            )),
            None => Box::new(std::io::BufReader::with_capacity(64 * 1024, file)),
        })
    }

    /// [`Ledger::blob_reader`] for many reads in a row: pack files stay open in `packs`
    /// (one open per pack, not one per item), and an item of up to 1 MiB is read whole into
    /// a buffer that `packs` keeps (one `pread` per item, no new buffer per item).
    pub fn blob_reader_in<'p>(
        &self,
        blob: &BlobRef,
        packs: &'p mut OpenPacks,
    ) -> Result<Box<dyn std::io::BufRead + Send + 'p>, LedgerError> {
        use std::os::unix::fs::FileExt;
        let Some(p) = &blob.pack else {
            return self.blob_reader(blob);
        };
        let path = || self.blob_path(blob);
        if !packs.files.contains_key(&p.file) {
            let file = fs::File::open(path()).map_err(io_err(&path()))?;
            packs.files.insert(p.file.clone(), file);
        }
        let file = &packs.files[&p.file];
        if p.len > 1 << 20 {
            return Ok(Box::new(std::io::BufReader::with_capacity(
                64 * 1024,
                PackSlice::of(file, p),
            )));
        }
        packs.buffer.resize(p.len as usize, 0);
        file.read_exact_at(&mut packs.buffer, p.offset)
            .map_err(io_err(&path()))?;
        Ok(Box::new(&packs.buffer[..]))
    }

    /// Decrypt a tip's items (the tip, then its follow-ups) in memory, handing their
    /// attachments to `sink` piece by piece with the item's position: memory does not grow
    /// with attachment sizes. The items come back without attachment bytes; their texts are
    /// zeroized when dropped.
    pub fn open_items<E: From<LedgerError>>(
        &self,
        tip: &TipEntry,
        identities: &[tipbox_core::keys::Identity],
        mut sink: impl FnMut(usize, tipbox_core::tip::AttachmentPiece<'_>) -> Result<(), E>,
    ) -> Result<Vec<OpenedItem>, E> {
        /// Keeps the sink's own errors apart from a damaged item's.
        enum Failed<E> {
            Item(tipbox_core::tip::ContainerError),
            Sink(E),
        }
        impl<E> From<tipbox_core::tip::ContainerError> for Failed<E> {
            fn from(e: tipbox_core::tip::ContainerError) -> Self {
                Failed::Item(e)
            }
        }
        let mut out = Vec::new();
        for (position, blob) in tip.blobs.iter().enumerate() {
            let plain = self.open_blob(blob, identities)?;
            let opened = tipbox_core::tip::OpenedTip::read_streaming(plain, |piece| {
                sink(position, piece).map_err(Failed::Sink)
            })
            .map_err(|e| match e {
                Failed::Item(e) => LedgerError::damaged(blob, e).into(),
                Failed::Sink(e) => e,
            })?;
            out.push(OpenedItem {
                blob: blob.clone(),
                tip: opened,
            });
        }
        Ok(out)
    }

    /// The plaintext of one sealed item in this ledger, decrypted as it is read.
    pub fn open_blob(
        &self,
        blob: &BlobRef,
        identities: &[tipbox_core::keys::Identity],
    ) -> Result<Box<dyn Read + '_>, LedgerError> {
        decrypt_reader(self.blob_reader(blob)?, identities).map_err(|e| e.for_blob(self, blob))
    }

    /// Open reviewer-written text.
    pub fn open_text(
        &self,
        text: &SealedText,
        identities: &[tipbox_core::keys::Identity],
    ) -> Result<Zeroizing<String>, LedgerError> {
        let bytes = hex::decode(&text.sealed).map_err(|_| LedgerError::NoteDamaged)?;
        let mut plain = Zeroizing::new(Vec::new());
        decrypt_reader(&bytes[..], identities)
            .and_then(|mut r| r.read_to_end(&mut plain).map_err(OpenFailure::Read))
            .map_err(|_| LedgerError::NoteNotOpened)?;
        String::from_utf8(plain.to_vec())
            .map(Zeroizing::new)
            .map_err(|_| LedgerError::NoteNotText)
    }

    // ---- changes -------------------------------------------------------------------------
}

/// Reads the pieces of a large item as the import's bundle reader sends them; the end of
/// the item (or of the bundle) is the end of input.
pub(crate) struct PiecesReader<'h> {
    pub(crate) pieces: std::sync::mpsc::Receiver<Vec<u8>>,
    pub(crate) current: Vec<u8>,
    pub(crate) at: usize,
    /// Every piece goes through it whole, as it arrives.
    pub(crate) hasher: &'h mut inbox::EntryHasher,
}

impl Read for PiecesReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.current.len() {
            match self.pieces.recv() {
                Ok(piece) => {
                    self.hasher.update(&piece);
                    self.current = piece;
                    self.at = 0;
                }
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Reads a slice of a pack file by position (`pread`).
pub(crate) struct PackSlice<F> {
    pub(crate) file: F,
    pub(crate) at: u64,
    pub(crate) end: u64,
}

impl<F> PackSlice<F> {
    pub(crate) fn of(file: F, p: &PackRef) -> Self {
        PackSlice {
            file,
            at: p.offset,
            end: p.offset + p.len,
        }
    }
}

/// Pack files kept open across reads, by name, and a buffer for the ciphertext of small
/// items (see [`Ledger::blob_reader_in`]).
#[derive(Default)]
pub struct OpenPacks {
    pub(crate) files: std::collections::HashMap<String, fs::File>,
    pub(crate) buffer: Vec<u8>,
}

impl<F: std::borrow::Borrow<fs::File>> Read for PackSlice<F> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let want = (self.end - self.at).min(buf.len() as u64) as usize;
        if want == 0 {
            return Ok(0);
        }
        let n = self.file.borrow().read_at(&mut buf[..want], self.at)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        self.at += n as u64;
        Ok(n)
    }
}

/// Why a sealed item could not be opened: the disk (say so, with the file), its age header,
/// or the keys.
pub(crate) enum OpenFailure {
    Read(std::io::Error),
    Malformed(&'static str),
    NotOurs,
}

impl From<tipbox_core::keys::OpenError> for OpenFailure {
    fn from(e: tipbox_core::keys::OpenError) -> Self {
        use tipbox_core::keys::OpenError;
        match e {
            OpenError::Io(e) => OpenFailure::Read(e),
            OpenError::Malformed(what) => OpenFailure::Malformed(what),
            // Items are sealed to X25519 keys; a passphrase stanza is not ours either.
            OpenError::NotOurs | OpenError::ExcessiveWork { .. } => OpenFailure::NotOurs,
        }
    }
}

impl OpenFailure {
    /// For an item of a bundle being imported.
    pub(crate) fn for_item(self, blob_id: &str, sealed_to: &str, path: &Path) -> LedgerError {
        match self {
            // The item's bytes were read from the bundle already (its checksums hold): what
            // ends early or fails is the item itself, not the disk.
            OpenFailure::Read(source) if source.kind() == std::io::ErrorKind::UnexpectedEof => {
                LedgerError::BadItem(
                    blob_id.to_owned(),
                    "it ends before its age file does".into(),
                )
            }
            OpenFailure::Read(source) => LedgerError::Io {
                path: path.to_owned(),
                source,
            },
            OpenFailure::Malformed(what) => {
                LedgerError::BadItem(blob_id.to_owned(), what.to_owned())
            }
            OpenFailure::NotOurs => LedgerError::NotOurs {
                blob: blob_id.to_owned(),
                sealed_to: sealed_to.to_owned(),
            },
        }
    }

    /// For an item already in the ledger (`show`, `search`).
    pub(crate) fn for_blob(self, ledger: &Ledger, blob: &BlobRef) -> LedgerError {
        match self {
            OpenFailure::Read(source) => LedgerError::Io {
                path: ledger.blob_path(blob),
                source,
            },
            OpenFailure::Malformed(what) => LedgerError::DamagedItem {
                blob: blob.blob_id.clone(),
                detail: what.to_owned(),
            },
            OpenFailure::NotOurs => LedgerError::CannotOpen {
                blob: blob.blob_id.clone(),
                sealed_to: blob.sealed_to.clone(),
            },
        }
    }
}

pub(crate) fn decrypt_reader<'a, R: std::io::BufRead + 'a>(
    input: R,
    identities: &[tipbox_core::keys::Identity],
) -> Result<Box<dyn Read + 'a>, OpenFailure> {
    let reader =
        tipbox_core::keys::open_sealed(input, identities.iter().map(|i| i as &dyn age::Identity))?;
    Ok(Box::new(reader))
}

/// Decrypt one item of a bundle being imported (read from `path`) for its manifest.
pub(crate) fn read_item(
    entry: &inbox::EntryHeader,
    reader: &mut dyn std::io::BufRead,
    path: &Path,
    identities: &[tipbox_core::keys::Identity],
    (window, hash_content): (&DayWindow, bool),
) -> Result<(Manifest, ItemFields), LedgerError> {
    let plain = decrypt_reader(reader, identities)
        .map_err(|e| e.for_item(&entry.blob_id, &entry.sealed_to, path))?;
    let bad = |e: tipbox_core::tip::ContainerError| {
        LedgerError::BadItem(entry.blob_id.clone(), e.to_string())
    };
    // Hashed as it is read when asked: a follow-up's receipt-key signature covers its
    // content (the kind is known only at the end, from the manifest).
    let mut container = ContainerReader::new(plain).map_err(bad)?;
    if hash_content {
        container = container.hashing();
    }
    let mut fields = ItemFields::default();
    let mut manifest = None;
    // Attachment data is read and dropped (zeroized); only the manifest and two fields stay.
    while let Some(record) = container.next_record().map_err(bad)? {
        match record {
            Record::Field { name, value } if name == "category" => {
                fields.category = Some(sanitize_key(&value))
            }
            Record::Field { name, value } if name == "reward" => {
                fields.reward = value.as_str() == "on"
            }
            // Set by hand-overs of typed-in tips (module `handover`).
            Record::Field { name, value } if name == "channel" => {
                fields.channel = Channel::from_key(&value).unwrap_or_default()
            }
            Record::Manifest(m) => manifest = Some(m),
            _ => {}
        }
    }
    let manifest = manifest
        .ok_or_else(|| LedgerError::BadItem(entry.blob_id.clone(), "no manifest".into()))?;
    // A follow-up says nothing about its tip (category, reward, channel); only a tip item
    // does, and a channel other than the web only a typed-in tip's hand-over.
    if manifest.kind == Kind::Followup {
        fields = ItemFields {
            content_hash: container.content_hash(),
            ..ItemFields::default()
        };
    } else if manifest.portal_id != tipbox_core::tip::TYPED_IN_PORTAL {
        fields.channel = Channel::default();
    }
    // Whoever sealed the item wrote the manifest: nothing of it is used or printed before
    // its syntax is checked, and its day must be one the ledger can track deadlines from.
    manifest
        .check()
        .map_err(|what| LedgerError::BadItem(entry.blob_id.clone(), what.into()))?;
    window
        .check(&manifest.day)
        .map_err(|what| LedgerError::BadItem(entry.blob_id.clone(), what))?;
    Ok((manifest, fields))
}
