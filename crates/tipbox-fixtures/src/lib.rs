//! Sealed tips, follow-ups and inbox bundles made as a portal makes them, without running
//! one. Dev-only: the integration tests (`tests/common`) and the benchmarks' synthetic data
//! (`examples/generate.rs`) use it; neither program depends on it.
//!
//! Everything cryptographic or formatted is the library code the portal itself calls, not a
//! copy of it: the tip container and its Padmé padding ([`ContainerWriter`]), age to the
//! office's recipients, the receipt derivations ([`ReceiptCode::derive`]: reply key, claim
//! verifier, follow-up key), the follow-up signature ([`followup_signed_message`]), the
//! recipient fingerprint ([`Recipients::fingerprint`]) and the bundle writer
//! ([`InboxWriter`]). What is left out is what only the portal's web side does: checking
//! the form (a category it does not offer, an empty description), removing image metadata
//! (an image is sealed as given, `metadata_removed: false`), storing, rate limits. A test
//! about any of those needs the real portal.
//!
//! Two levels:
//! - [`seal`] seals one item from its records and manifest, as the portal's sealer
//!   (`crates/tipbox-portal/src/seal.rs`) seals an upload;
//! - [`Inbox`] is one portal's worth of tips and follow-ups, from what a reporter types
//!   ([`Tip`]), written as `tipbox-portal export` writes them.

use std::io::{self, Write};
use std::path::Path;

use tipbox_core::bundle::inbox::InboxWriter;
use tipbox_core::crypto::{KdfParams, SigningKey, SALT_LEN};
use tipbox_core::receipt::{ReceiptCode, ReceiptKeys};
use tipbox_core::tip::{followup_signed_message, padded_size, ContainerWriter};
use tipbox_core::tip::{FileEnd, FileStart, Kind, Manifest};
use tipbox_core::vocab::{new_id, today};

pub use tipbox_core::keys::Recipients;

/// The content type of every file a [`Tip`] attaches: what the tests' multipart form sends
/// (`tests/common`'s `submit_form`), so both ways of making a tip seal the same records.
pub const FILE_CONTENT_TYPE: &str = "application/octet-stream";

/// The demo office's recipients (`keys-example/recipient.txt`), whose identity the tests'
/// ledgers hold.
pub fn demo_recipients() -> Recipients {
    let line = include_str!("../../../keys-example/recipient.txt");
    let recipient = tipbox_core::keys::parse_recipient(line).expect("the demo recipient");
    Recipients::new(vec![recipient]).expect("one recipient")
}

/// One record of a container's content, in the order the portal received it.
#[derive(Debug, Clone, Copy)]
pub enum Part<'a> {
    /// A text field: name and value.
    Field(&'a str, &'a str),
    /// An attachment: the name the browser sent, its content type, its bytes.
    File {
        name: &'a str,
        content_type: &'a str,
        bytes: &'a [u8],
    },
}

/// Write a tip container of `parts` into `out`, closed by `manifest` with its counts set to
/// what was written and, with `signer`, signed over its content as the portal signs a
/// follow-up. Returns the output and the manifest as written. The item id is `manifest`'s.
pub fn write_container<W: Write>(
    out: W,
    parts: &[Part<'_>],
    manifest: &Manifest,
    signer: Option<&SigningKey>,
) -> io::Result<(W, Manifest)> {
    let mut w = ContainerWriter::new(out)?;
    if signer.is_some() {
        w = w.hashing();
    }
    let mut index = 0;
    for part in parts {
        match *part {
            Part::Field(name, value) => w.field(name, value)?,
            Part::File {
                name,
                content_type,
                bytes,
            } => {
                w.file_start(&FileStart {
                    index,
                    name: name.to_owned(),
                    content_type: content_type.to_owned(),
                })?;
                w.file_data(bytes)?;
                w.file_end(&FileEnd {
                    index,
                    size: bytes.len() as u64,
                    metadata_removed: false,
                })?;
                index += 1;
            }
        }
    }
    let (fields, attachments) = w.counts();
    let mut manifest = Manifest {
        fields,
        attachments,
        ..manifest.clone()
    };
    if let (Some(key), Some(hash)) = (signer, w.content_hash()) {
        let message = followup_signed_message(&manifest, &hash);
        manifest.signature = Some(hex::encode(key.sign(&message)));
    }
    Ok((w.finish(&manifest)?, manifest))
}

/// One sealed item, as a portal holds it: ciphertext only, and the fingerprint of the
/// recipients it was sealed to (the `sealed_to` of its bundle entry).
pub struct Sealed {
    /// The manifest inside it, as written (its item id, counts and signature filled in).
    pub manifest: Manifest,
    pub sealed_to: String,
    pub ciphertext: Vec<u8>,
}

/// Seal one item as the portal's sealer does: a new item id, the container of `parts`
/// closed by `manifest` (see [`write_container`]), padded, in age to every one of
/// `recipients`.
pub fn seal(
    recipients: &Recipients,
    parts: &[Part<'_>],
    manifest: &Manifest,
    signer: Option<&SigningKey>,
) -> io::Result<Sealed> {
    let manifest = Manifest {
        blob_id: new_id(),
        ..manifest.clone()
    };
    // Room for the padded container and age's overhead (a stanza per recipient, a tag per
    // 64 KiB chunk), so that the ciphertext is written without reallocating.
    let content: usize = parts
        .iter()
        .map(|p| match p {
            Part::Field(name, value) => name.len() + value.len() + 32,
            Part::File { name, bytes, .. } => name.len() + bytes.len() + 128,
        })
        .sum();
    let padded = padded_size(content as u64 + 1024) as usize;
    let capacity = padded + (padded >> 16) * 16 + 256 * (recipients.list().len() + 1);
    let encryptor =
        age::Encryptor::with_recipients(recipients.list().iter().map(|r| r as &dyn age::Recipient))
            .map_err(io::Error::other)?;
    let stream = encryptor.wrap_output(Vec::with_capacity(capacity))?;
    let (stream, manifest) = write_container(stream, parts, &manifest, signer)?;
    Ok(Sealed {
        manifest,
        sealed_to: recipients.fingerprint(),
        ciphertext: stream.finish()?,
    })
}

/// What a reporter types into the submission form.
pub struct Tip<'a> {
    pub category: &'a str,
    pub location: &'a str,
    pub description: &'a str,
    pub reward: bool,
    /// Attachments: the file name the browser sends, and the file's bytes.
    pub files: Vec<(String, Vec<u8>)>,
    /// The language of the form (`?lang=`).
    pub lang: &'a str,
}

impl Default for Tip<'_> {
    fn default() -> Self {
        Tip {
            category: "umbrella",
            location: "某县某镇",
            description: "村霸张某强占集体土地，镇干部收钱包庇。",
            reward: false,
            files: vec![],
            lang: "zh-Hans",
        }
    }
}

/// A tip an [`Inbox`] sealed, with what only the reporter and the portal knew of it.
pub struct SealedTip {
    /// The receipt the portal would have shown (`receipt.grouped()` as on its page).
    pub receipt: ReceiptCode,
    /// Everything the receipt derives with this inbox's portal salt.
    pub keys: ReceiptKeys,
    /// The tip item's manifest, as sealed.
    pub manifest: Manifest,
}

/// One portal's sealed items, made as it makes them, and written as its `export` writes
/// them. Panics on failure: it is for tests and synthetic data.
///
/// Like a new portal it has a random portal id and receipt salt; its receipts are derived
/// with [`KdfParams::INSECURE_FOR_TESTS`], which a portal may record in its `portal.json`
/// too (the ledger never sees the KDF's cost: only what the receipt derives). Items are
/// sealed to the demo office ([`demo_recipients`]) and dated today (UTC), until told
/// otherwise ([`Inbox::set_recipients`], [`Inbox::set_day`]).
pub struct Inbox {
    portal_id: String,
    salt: [u8; SALT_LEN],
    kdf: KdfParams,
    recipients: Recipients,
    day: String,
    items: Vec<Sealed>,
}

impl Default for Inbox {
    fn default() -> Self {
        Inbox::new()
    }
}

impl Inbox {
    pub fn new() -> Inbox {
        let mut salt = [0u8; SALT_LEN];
        tipbox_core::crypto::random_bytes(&mut salt);
        Inbox {
            portal_id: new_id(),
            salt,
            kdf: KdfParams::INSECURE_FOR_TESTS,
            recipients: demo_recipients(),
            day: today(),
            items: Vec::new(),
        }
    }

    /// The portal id its items and bundles name.
    pub fn portal_id(&self) -> &str {
        &self.portal_id
    }

    /// Seal what comes next to `recipients` (`age1...` lines), as a portal restarted with
    /// them as its `--recipient`s does.
    pub fn set_recipients(&mut self, recipients: &[&str]) {
        let list = recipients
            .iter()
            .map(|r| tipbox_core::keys::parse_recipient(r).expect("an age recipient"))
            .collect();
        self.recipients = Recipients::new(list).expect("at least one recipient");
    }

    /// Date what comes next `day` (`YYYY-MM-DD`): the portal's UTC day when it arrived.
    pub fn set_day(&mut self, day: &str) {
        self.day = day.to_owned();
    }

    /// What `receipt` derives on this portal (its salt and KDF cost).
    pub fn derive(&self, receipt: &ReceiptCode) -> ReceiptKeys {
        receipt
            .derive(&self.salt, self.kdf)
            .expect("receipt derivation")
    }

    /// A reporter submits `tip`: it is sealed as the portal seals the form (its text fields
    /// in the form's order, line ends as the portal normalizes them, then the files, then
    /// the reward box), with the keys a new receipt derives in its manifest.
    pub fn tip(&mut self, tip: &Tip<'_>) -> SealedTip {
        let receipt = ReceiptCode::generate();
        let keys = self.derive(&receipt);
        let (location, description) = (crlf(tip.location), crlf(tip.description));
        let mut parts = vec![
            Part::Field("category", tip.category),
            Part::Field("location", &location),
            Part::Field("description", &description),
        ];
        parts.extend(files(&tip.files));
        if tip.reward {
            parts.push(Part::Field("reward", "on"));
        }
        let mut manifest = self.manifest(Kind::Tip, &new_id(), tip.lang);
        manifest.reply_public_key = Some(hex::encode(keys.reply_public));
        manifest.claim_verifier = Some(keys.claim_token.verifier());
        manifest.followup_verify_key = Some(hex::encode(keys.followup_key.verify_key()));
        let manifest = self.add(&parts, &manifest, None);
        SealedTip {
            receipt,
            keys,
            manifest,
        }
    }

    /// The reporter of `tip` adds information through the follow-up form: `message`, then
    /// `files`, signed with the follow-up key of its receipt. Returns its manifest.
    pub fn followup(
        &mut self,
        tip: &SealedTip,
        message: &str,
        files_: &[(String, Vec<u8>)],
    ) -> Manifest {
        let message = crlf(message);
        let mut parts = vec![Part::Field("message", &message)];
        parts.extend(files(files_));
        let manifest = self.manifest(Kind::Followup, &tip.manifest.tip_id, &tip.manifest.lang);
        self.add(&parts, &manifest, Some(&tip.keys.followup_key))
    }

    /// Every item sealed so far, in the order they were made.
    pub fn items(&self) -> &[Sealed] {
        &self.items
    }

    /// The inbox bundle `tipbox-portal export` would write now: every item, in item-id
    /// order (the portal lists its `blobs/` folder sorted), made today.
    pub fn write_to<W: Write>(&self, out: W) -> io::Result<W> {
        let mut items: Vec<&Sealed> = self.items.iter().collect();
        items.sort_by(|a, b| a.manifest.blob_id.cmp(&b.manifest.blob_id));
        let mut w = InboxWriter::new(out, &self.portal_id, &today(), items.len() as u64)?;
        for s in items {
            w.entry(&s.manifest.blob_id, &s.sealed_to, &s.ciphertext)?;
        }
        w.finish()
    }

    /// [`Inbox::write_to`] a new file at `path`.
    pub fn write(&self, path: &Path) {
        let file = std::fs::File::create(path).expect("create the bundle");
        self.write_to(io::BufWriter::new(file))
            .expect("write the bundle");
    }

    fn manifest(&self, kind: Kind, tip_id: &str, lang: &str) -> Manifest {
        Manifest {
            kind,
            lang: lang.to_owned(),
            ..Manifest::without_receipt(&self.portal_id, tip_id, "", &self.day, (0, 0))
        }
    }

    fn add(
        &mut self,
        parts: &[Part<'_>],
        manifest: &Manifest,
        signer: Option<&SigningKey>,
    ) -> Manifest {
        let sealed = seal(&self.recipients, parts, manifest, signer).expect("seal an item");
        let manifest = sealed.manifest.clone();
        self.items.push(sealed);
        manifest
    }
}

/// Line ends as the portal stores a text the reporter wrote (browsers send CRLF).
fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n")
}

fn files(files: &[(String, Vec<u8>)]) -> impl Iterator<Item = Part<'_>> {
    files.iter().map(|(name, bytes)| Part::File {
        name,
        content_type: FILE_CONTENT_TYPE,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tipbox_core::tip::{FollowupProof, OpenedTip};

    fn open(sealed: &Sealed, identity: &age::x25519::Identity) -> OpenedTip {
        let reader = age::Decryptor::new_buffered(&sealed.ciphertext[..])
            .unwrap()
            .decrypt(std::iter::once(identity as &dyn age::Identity))
            .unwrap();
        OpenedTip::read(reader, u64::MAX).unwrap()
    }

    #[test]
    fn tips_and_followups_open_check_and_prove_their_reporter() {
        let identity = age::x25519::Identity::generate();
        let mut inbox = Inbox::new();
        inbox.set_recipients(&[&identity.to_public().to_string()]);
        inbox.set_day("2026-11-02");
        let tip = inbox.tip(&Tip {
            reward: true,
            description: "line\r\nnext",
            files: vec![("a.pdf".into(), b"PDF".to_vec())],
            ..Tip::default()
        });
        inbox.followup(&tip, "more", &[]);
        let [t, f] = inbox.items() else {
            panic!("two items")
        };
        let (t, f) = (open(t, &identity), open(f, &identity));
        for opened in [&t, &f] {
            opened.manifest.check().unwrap();
            assert_eq!(opened.manifest.day, "2026-11-02");
            assert_eq!(opened.manifest.portal_id, inbox.portal_id());
        }
        assert_eq!(t.manifest, tip.manifest);
        assert_eq!((t.manifest.fields, t.manifest.attachments), (4, 1));
        assert_eq!(t.field("description"), Some("line\nnext"));
        assert_eq!(t.field("reward"), Some("on"));
        assert_eq!(
            t.manifest.claim_verifier.as_deref(),
            Some(&*tip.keys.claim_token.verifier())
        );
        assert_eq!(f.manifest.tip_id, t.manifest.tip_id);
        assert_eq!(
            FollowupProof::check(&t.manifest, &f),
            FollowupProof::ReceiptHolder
        );
        // The receipt derives the same keys again.
        assert_eq!(
            inbox.derive(&tip.receipt).reply_public,
            tip.keys.reply_public
        );

        // The bundle: both items, in item-id order, each stating its recipients.
        let bundle = inbox.write_to(Vec::new()).unwrap();
        let read = tipbox_core::bundle::inbox::verify_reader(&bundle[..], |_| {}).unwrap();
        assert_eq!(read.header.portal_id, inbox.portal_id());
        let mut ids: Vec<&str> = inbox.items().iter().map(|s| &*s.manifest.blob_id).collect();
        ids.sort();
        let listed: Vec<&str> = read.entries.iter().map(|e| &*e.blob_id).collect();
        assert_eq!(listed, ids);
        assert!(read
            .entries
            .iter()
            .all(|e| e.sealed_to == inbox.items()[0].sealed_to));
    }
}
