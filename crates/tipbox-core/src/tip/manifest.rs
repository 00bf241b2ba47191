//! The manifest, a container's closing record: what it says, the checks a reader makes
//! before using any of it, and what a follow-up's signature covers.

use serde::{Deserialize, Serialize};

use super::OpenedTip;

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
        match tip.followup_verify_key.as_deref() {
            None => FollowupProof::Unchecked,
            Some(key) => FollowupProof::check_signed(
                key,
                (&tip.portal_id, &tip.tip_id),
                &followup.manifest,
                followup.content_hash,
            ),
        }
    }

    /// Check a follow-up (its manifest, and the hash of its content) against the follow-up
    /// key (hex) of the tip `(portal_id, tip_id)`, as recorded from the tip's own item: the
    /// ledger records this at import, without the tip's item at hand.
    pub fn check_signed(
        followup_verify_key: &str,
        (portal_id, tip_id): (&str, &str),
        followup: &Manifest,
        content_hash: Option<[u8; 32]>,
    ) -> FollowupProof {
        let key: Option<[u8; 32]> = hex::decode(followup_verify_key)
            .ok()
            .and_then(|k| k.try_into().ok());
        let signature: Option<[u8; 64]> = followup
            .signature
            .as_deref()
            .and_then(|s| hex::decode(s).ok())
            .and_then(|s| s.try_into().ok());
        let same_tip = followup.portal_id == portal_id && followup.tip_id == tip_id;
        match (key, signature, content_hash) {
            (Some(key), Some(signature), Some(hash))
                if same_tip
                    && crate::crypto::verify_signature(
                        &key,
                        &followup_signed_message(followup, &hash),
                        &signature,
                    ) =>
            {
                FollowupProof::ReceiptHolder
            }
            _ => FollowupProof::NotProven,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::samples::manifest;
    use super::super::{ContainerWriter, FileEnd, FileStart};
    use super::*;

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
}
