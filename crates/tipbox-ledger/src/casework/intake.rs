//! Tips that arrived by phone, letter, visit or mailbox, typed in by the office (录入).

use std::fs;
use std::path::PathBuf;

use super::{category_key, Done, Warning};
use crate::{
    db_err, io_err, Action, BlobRef, Channel, Day, Ledger, LedgerError, Refused, TextKind,
    TipEntry, BLOBS_DIR, KEY_NEXT_ID,
};

/// A tip to enter: what [`Ledger::add`] records.
#[derive(Debug)]
pub struct NewTip<'a> {
    pub channel: Channel,
    /// A category key, or the name of a default category ([`category_key`]).
    pub category: &'a str,
    /// The day it arrived (`YYYY-MM-DD`); `None` is today.
    pub received: Option<&'a str>,
    pub content: &'a str,
    /// Files that came with it (a scanned letter, a visitor's photos), sealed into the
    /// ledger.
    pub attachments: &'a [PathBuf],
}

impl Ledger {
    /// Enter a tip that arrived by another channel. Refused, with nothing written: empty
    /// content, a day that is not a date or lies after tomorrow (the ledger's days are UTC;
    /// a day ahead is still today east of it, Beijing before 08:00; anything later is a typo
    /// in the year or month), a malformed category, an attachment that is not a readable
    /// file.
    pub fn add(&mut self, given: NewTip<'_>) -> Result<Done, LedgerError> {
        if given.content.trim().is_empty() {
            return Err(Refused::Empty(crate::Text::Content).into());
        }
        let today = tipbox_core::vocab::today();
        let received = match given.received {
            Some(d) => {
                let day = super::day_given("--received", d)?;
                let earliest = Day::from(crate::EARLIEST_DAY);
                if day < earliest {
                    return Err(Refused::DayOutOfRange {
                        flag: "--received",
                        given: d.trim().to_owned(),
                        earliest: earliest.to_string(),
                        latest: Day::today().next().to_string(),
                    }
                    .into());
                }
                if day > Day::today().next() {
                    return Err(Refused::DayInFuture {
                        flag: "--received",
                        given: d.to_owned(),
                        today,
                    }
                    .into());
                }
                day.to_string()
            }
            None => today,
        };
        let category = category_key(given.category)?;
        // Before the tip is added: afterwards it has the category itself.
        let mut warnings = Vec::new();
        if self.category_is_new(&category) {
            warnings.push(Warning::NewCategory(category.clone()));
        }
        if let Some(file) = given.attachments.iter().find(|f| !f.is_file()) {
            return Err(Refused::NotAFile(file.clone()).into());
        }
        let id = self.add_offline(
            given.channel,
            &category,
            &received,
            given.content,
            given.attachments,
        )?;
        Ok(Done {
            entry: self.get(id)?,
            warnings,
        })
    }

    /// Record a checked tip (see [`Ledger::add`]).
    fn add_offline(
        &mut self,
        channel: Channel,
        category: &str,
        received: &str,
        content: &str,
        attachments: &[PathBuf],
    ) -> Result<u64, LedgerError> {
        let id = self.next_id()?;
        let sealed = self.seal_text(TextKind::Content, content)?;
        let mut tip = TipEntry::new(id, channel, received, category);
        tip.texts.push(sealed);
        if !attachments.is_empty() {
            tip.blobs.push(self.seal_files(attachments, received)?);
        }
        self.put(&tip)?;
        self.meta
            .insert(KEY_NEXT_ID, &(id + 1).to_be_bytes())
            .map_err(db_err)?;
        self.sync()?;
        self.audit(Action::Add, Some(id), &format!("channel {}", channel.key()))?;
        Ok(id)
    }

    /// Seal files that came with a typed-in tip (a scanned letter, a visitor's photos) into
    /// one sealed item in `blobs/`, in the same container as a web tip's attachments, so
    /// that `show --attachments-to` and `search` treat them alike. Streams: the files are
    /// never held in memory. The item is durable before the caller records the tip; a crash
    /// in between leaves an unreferenced item (ciphertext), never a tip without its files.
    fn seal_files(&self, paths: &[PathBuf], day: &str) -> Result<BlobRef, LedgerError> {
        use tipbox_core::tip::{ContainerWriter, FileEnd, FileStart, Kind, Manifest};
        // Open every file first: a missing one is refused before anything is written.
        let files = paths
            .iter()
            .map(|p| fs::File::open(p).map(|f| (p, f)).map_err(io_err(p)))
            .collect::<Result<Vec<_>, _>>()?;
        let recipients = self.own_recipients()?;
        let blob_id = tipbox_core::vocab::new_id();
        let path = self.root.join(BLOBS_DIR).join(format!("{blob_id}.age"));
        let partial = tipbox_core::durable::partial_path(&path);
        let write = || -> std::io::Result<()> {
            let out = std::io::BufWriter::new(tipbox_core::durable::create_private_file(&partial)?);
            let encryptor = age::Encryptor::with_recipients(
                recipients.iter().map(|r| r as &dyn age::Recipient),
            )
            .map_err(std::io::Error::other)?;
            let mut w = ContainerWriter::new(encryptor.wrap_output(out)?)?;
            let mut buf = vec![0u8; 64 * 1024];
            for (index, (p, mut file)) in (0u32..).zip(files) {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                w.file_start(&FileStart {
                    index,
                    name,
                    content_type: "application/octet-stream".into(),
                })?;
                let mut size = 0u64;
                loop {
                    let n = std::io::Read::read(&mut file, &mut buf)?;
                    if n == 0 {
                        break;
                    }
                    w.file_data(&buf[..n])?;
                    size += n as u64;
                }
                w.file_end(&FileEnd {
                    index,
                    size,
                    metadata_removed: false,
                })?;
            }
            // Not from a portal: the item is the ledger's own.
            let manifest = Manifest::without_receipt("", "", &blob_id, day, w.counts());
            let file = w.finish(&manifest)?.finish()?.into_inner()?;
            file.sync_all()?;
            tipbox_core::durable::rename_into_place(&partial, &path)
        };
        if let Err(e) = write() {
            let _ = fs::remove_file(&partial);
            return Err(io_err(&path)(e));
        }
        Ok(BlobRef {
            blob_id,
            kind: Kind::Tip,
            day: day.to_owned(),
            sealed_to: tipbox_core::keys::Recipients::new(recipients)
                .map(|r| r.fingerprint())
                .unwrap_or_default(),
            pack: None,
            proven_at_import: false,
            taken_by: None,
        })
    }
}
