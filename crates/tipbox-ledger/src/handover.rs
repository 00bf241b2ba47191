//! Hand-over bundles (移交): a tip re-sealed to another unit's key, written in the inbox
//! bundle format so that the receiving unit imports it with `tipbox-review import`.
//!
//! - A web tip's items (the tip and its follow-ups) are decrypted and sealed again to the
//!   receiving unit, unchanged: the same blob ids, portal id and manifests, so follow-up
//!   signatures still check out and a bundle written twice imports once.
//! - A typed-in tip (phone, letter, visit, mailbox) becomes one tip item: its typed text as
//!   the `description` field, its channel as the `channel` field, and the files sealed with
//!   it (`add --attachment`) as attachments. Its ids are derived from the tip's own sealed
//!   text, so the bundle written again is the same tip to the receiving unit.
//!
//! The header says `handover`, so the receiving ledger marks the tips as handed over: they
//! are answered by the sending office through its own portal, and the receiving ledger's
//! `export` leaves them out.

use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use super::{io_err, Ledger, LedgerError, Refused, TextKind, TipEntry};
use tipbox_core::tip::{ContainerReader, ContainerWriter, FileEnd, FileStart, Manifest, Record};

pub use tipbox_core::tip::TYPED_IN_PORTAL;

impl Ledger {
    /// Write tip `t`, re-sealed to `to`, as a hand-over bundle at `out` (written beside it,
    /// synced, then renamed: a file under that name is complete). `identities` open the
    /// tip's items here.
    pub fn write_handover(
        &self,
        t: &TipEntry,
        identities: &[tipbox_core::keys::Identity],
        to: &age::x25519::Recipient,
        out: &Path,
    ) -> Result<(), LedgerError> {
        let work = tempfile::Builder::new()
            .prefix(".handover-")
            .tempdir_in(self.root())
            .map_err(io_err(self.root()))?;
        let fingerprint =
            hex::encode(&tipbox_core::crypto::hash256(to.to_string().as_bytes())[..8]);
        let (portal_id, items) = match &t.portal_id {
            Some(portal_id) => (
                portal_id.clone(),
                self.reseal_items(t, identities, to, work.path())?,
            ),
            None => (
                TYPED_IN_PORTAL.to_owned(),
                vec![self.seal_typed_in(t, identities, to, work.path())?],
            ),
        };
        let sources: Vec<_> = items
            .iter()
            .map(|(id, p)| tipbox_core::bundle::inbox::Source {
                blob_id: id,
                sealed_to: &fingerprint,
                path: p,
            })
            .collect();
        tipbox_core::durable::check_replaceable(out).map_err(io_err(out))?;
        let partial = tipbox_core::durable::partial_path(out);
        let written = (|| -> std::io::Result<()> {
            let file = tipbox_core::durable::create_private_file(&partial)?;
            let file = tipbox_core::bundle::inbox::write_handover(
                BufWriter::new(file),
                &portal_id,
                &tipbox_core::vocab::today(),
                &sources,
            )?;
            file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            tipbox_core::durable::rename_into_place(&partial, out)
        })();
        if let Err(e) = written {
            let _ = fs::remove_file(&partial);
            return Err(io_err(out)(e));
        }
        Ok(())
    }

    /// A web tip's items, each decrypted and sealed again to `to` in `work`.
    fn reseal_items(
        &self,
        t: &TipEntry,
        identities: &[tipbox_core::keys::Identity],
        to: &age::x25519::Recipient,
        work: &Path,
    ) -> Result<Vec<(String, PathBuf)>, LedgerError> {
        let mut items = Vec::new();
        for blob in &t.blobs {
            let mut plain = self.open_blob(blob, identities)?;
            let dst = work.join(&blob.blob_id);
            let mut w = sealing_file(&dst, to)?;
            std::io::copy(&mut plain, &mut w).map_err(io_err(&dst))?;
            finish_sealed(w, &dst)?;
            items.push((blob.blob_id.clone(), dst));
        }
        Ok(items)
    }

    /// A typed-in tip as one tip item sealed to `to` in `work`: its text, its channel and
    /// its files.
    fn seal_typed_in(
        &self,
        t: &TipEntry,
        identities: &[tipbox_core::keys::Identity],
        to: &age::x25519::Recipient,
        work: &Path,
    ) -> Result<(String, PathBuf), LedgerError> {
        let sealed_text = t
            .texts
            .iter()
            .find(|x| x.kind == TextKind::Content)
            .ok_or(Refused::NothingToHandOver { id: t.id })?;
        let content = self.open_text(sealed_text, identities)?;
        // Stable ids: the same tip handed over twice is one tip to the receiving unit.
        let derive = |label: &str| {
            hex::encode(
                &tipbox_core::crypto::hash256(
                    format!("tipbox hand-over {label}\n{}", sealed_text.sealed).as_bytes(),
                )[..16],
            )
        };
        let blob_id = derive("blob");
        let dst = work.join(&blob_id);
        let mut w = ContainerWriter::new(sealing_file(&dst, to)?).map_err(io_err(&dst))?;
        let written = (|| -> Result<(), LedgerError> {
            w.field("category", &t.category).map_err(io_err(&dst))?;
            w.field("channel", t.channel.key()).map_err(io_err(&dst))?;
            w.field("description", &content).map_err(io_err(&dst))?;
            // The files sealed with the tip, copied record by record.
            let mut index = 0u32;
            for blob in &t.blobs {
                let plain = self.open_blob(blob, identities)?;
                let mut files =
                    ContainerReader::new(plain).map_err(|e| LedgerError::damaged(blob, e))?;
                while let Some(record) = files
                    .next_record()
                    .map_err(|e| LedgerError::damaged(blob, e))?
                {
                    match record {
                        Record::FileStart(start) => w.file_start(&FileStart { index, ..start }),
                        Record::FileData(data) => w.file_data(&data),
                        Record::FileEnd(end) => {
                            index += 1;
                            w.file_end(&FileEnd {
                                index: index - 1,
                                ..end
                            })
                        }
                        Record::Field { .. } | Record::Manifest(_) => Ok(()),
                    }
                    .map_err(io_err(&dst))?;
                }
            }
            Ok(())
        })();
        written?;
        let manifest = Manifest::without_receipt(
            TYPED_IN_PORTAL,
            &derive("tip"),
            &blob_id,
            &t.received,
            w.counts(),
        );
        let sealed = w.finish(&manifest).map_err(io_err(&dst))?;
        finish_sealed(sealed, &dst)?;
        Ok((blob_id, dst))
    }
}

type Sealing = age::stream::StreamWriter<BufWriter<fs::File>>;

/// A new file at `path`, written through age to `to`.
fn sealing_file(path: &Path, to: &age::x25519::Recipient) -> Result<Sealing, LedgerError> {
    let file = tipbox_core::durable::create_private_file(path).map_err(io_err(path))?;
    let encryptor = age::Encryptor::with_recipients(std::iter::once(to as &dyn age::Recipient))?;
    encryptor
        .wrap_output(BufWriter::new(file))
        .map_err(io_err(path))
}

fn finish_sealed(w: Sealing, path: &Path) -> Result<(), LedgerError> {
    w.finish().and_then(|mut f| f.flush()).map_err(io_err(path))
}

#[cfg(test)]
mod tests {
    use super::super::Channel;

    #[test]
    fn every_channel_a_hand_over_names_is_read_back() {
        for key in ["web", "phone", "letter", "visit", "mailbox"] {
            assert_eq!(Channel::from_key(key).map(Channel::key), Some(key));
        }
        assert_eq!(Channel::from_key("fax"), None);
    }
}
