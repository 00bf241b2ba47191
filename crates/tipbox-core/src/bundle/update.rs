//! The update bundle: the office's answers going back to one portal. Signed with the office's
//! ed25519 key; the portal holds only the verify key, so it cannot forge what a reporter
//! reads.
//!
//! ```text
//! bundle := MAGIC  u32be len  body-JSON  signature[64]
//! signature = ed25519(BUNDLE_CONTEXT || body-JSON)
//! ```
//! The body names its purpose, the portal it is for and a sequence number (replays and
//! rollbacks are refused), and carries:
//! - one [`SignedTipUpdate`] per tip whose public state is not the default: each is signed
//!   on its own, so the portal can keep it and verify it again every time it is shown;
//! - the blob ids the ledger has imported, so the portal can delete their ciphertext.
//!
//! Everything meant for the reporter's eyes only (replies, public notes, the reward amount)
//! is sealed to the tip's reply key (X25519 sealed box), which only the receipt can open.

use serde::{Deserialize, Serialize};

use crate::crypto::{self, SigningKey};

pub const MAGIC: &[u8; 15] = b"TIPBOX-UPDATE\0\x01";
pub const FORMAT: u32 = 1;
pub const PURPOSE: &str = "tipbox-update-bundle";
pub const TIP_PURPOSE: &str = "tipbox-tip-update";
const BUNDLE_CONTEXT: &[u8] = b"tipbox update bundle v1\n";
const TIP_CONTEXT: &[u8] = b"tipbox tip update v1\n";
/// Largest bundle a portal reads.
pub const MAX_BUNDLE: usize = 256 << 20;

/// Whether a public status is final: the portal removes such a tip's record
/// `retention_days` after the last change the reporter could see ([`TipUpdate::last_change`]),
/// and the ledger stops sending it a while after.
/// (A key no [`PublicStatus`](crate::vocab::PublicStatus) has is not final.)
pub fn is_final_status(status: &str) -> bool {
    use crate::vocab::{Keyed, PublicStatus};
    PublicStatus::from_key(status).is_some_and(PublicStatus::is_final)
}

/// A message for the reporter, sealed to the tip's reply key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedMessage {
    /// `note` (published with a status) or `reply`.
    pub kind: String,
    pub day: String,
    /// libsodium sealed box, hex.
    pub sealed: String,
}

/// The office's reward decision for a tip, as its reporter sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RewardDecision {
    pub state: crate::vocab::RewardState,
    pub day: String,
    /// The amount, sealed to the reply key (hex).
    pub sealed_amount: String,
}

/// The whole public state of one tip, as the office decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TipUpdate {
    pub format: u32,
    pub purpose: String,
    pub portal_id: String,
    pub tip_id: String,
    /// Sequence number of the bundle that carried it: a portal never replaces a tip's
    /// state with an older one.
    pub revision: u64,
    /// Public status key (`received`, `verifying`, `stage-closed`, `closed`, `not-accepted`,
    /// `transferred`).
    pub status: String,
    pub status_day: String,
    #[serde(default)]
    pub messages: Vec<SealedMessage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward: Option<RewardDecision>,
    /// The office's acknowledgement of receipt (受理回执), signed on its own so that anyone
    /// holding the office's verify key can check it offline (since 2026-12-06).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledgement: Option<Acknowledgement>,
    /// Set when the tip was received by another portal of this portal's site (since
    /// 2026-12-07; docs/design/sites.md): what this portal needs to find and show it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site: Option<SiteTip>,
}

/// What a portal needs to answer the receipt of a tip another portal of its site received:
/// the tip is found by the reply public key the typed receipt derives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteTip {
    /// The portal that received the tip (its follow-ups name it).
    pub home_portal_id: String,
    /// The tip's reply public key (hex), from its first sealed item.
    pub reply_public_key: String,
    /// The day the tip was received.
    pub received: String,
    /// The days of the tip's follow-ups the office holds, oldest first.
    #[serde(default)]
    pub followup_days: Vec<String>,
}

/// Most follow-up days a site record lists.
pub const MAX_SITE_FOLLOWUP_DAYS: usize = 100;

impl SiteTip {
    /// Every field's syntax, as a portal checks it before storing the record.
    pub fn is_well_formed(&self) -> bool {
        use super::{is_lower_hex, strict_day};
        is_lower_hex(&self.home_portal_id, 32)
            && is_lower_hex(&self.reply_public_key, 64)
            && strict_day(&self.received).is_some()
            && self.followup_days.len() <= MAX_SITE_FOLLOWUP_DAYS
            && self.followup_days.iter().all(|d| strict_day(d).is_some())
    }

    /// The reply public key as bytes (after [`SiteTip::is_well_formed`]).
    pub fn reply_key(&self) -> Option<[u8; 32]> {
        hex::decode(&self.reply_public_key).ok()?.try_into().ok()
    }
}

/// An acknowledgement of receipt (受理回执): that the office received a tip, and on which
/// day, which its reporter can keep and show, and anyone can check with the office's
/// published verify key, without the tip's content or its receipt.
///
/// ```text
/// tipbox acknowledgement v1
/// office: <the office's name>
/// number: XXXX-XXXX-XXXX-XXXX
/// received: YYYY-MM-DD
/// signature: <128 hex digits>
/// ```
/// The signature is ed25519 over `"tipbox acknowledgement signature v1\n"` and the four
/// lines before it, each ended by `\n`. The number is derived from the tip's portal and
/// tip ids: the office (and the portal that holds the tip) can tell which tip it is; nobody
/// else learns more than that some tip reached the office that day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledgement {
    /// The four signed lines.
    pub text: String,
    pub signature: String,
}

const ACK_HEADER: &str = "tipbox acknowledgement v1";
const ACK_CONTEXT: &[u8] = b"tipbox acknowledgement signature v1\n";

/// What an acknowledgement says, once its signature checks out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Acknowledged {
    pub office: String,
    pub number: String,
    pub received: String,
}

impl Acknowledgement {
    /// The number of the acknowledgement of a portal's tip.
    pub fn number(portal_id: &str, tip_id: &str) -> String {
        let h = crypto::hash256(
            format!("tipbox acknowledgement number\n{portal_id}\n{tip_id}").as_bytes(),
        );
        let hex = hex::encode_upper(&h[..8]);
        format!(
            "{}-{}-{}-{}",
            &hex[0..4],
            &hex[4..8],
            &hex[8..12],
            &hex[12..16]
        )
    }

    pub fn sign(office: &str, number: &str, received: &str, key: &SigningKey) -> Self {
        // One line each: a name with a line break in it would make another statement.
        let office: String = office.trim().chars().filter(|c| !c.is_control()).collect();
        let text =
            format!("{ACK_HEADER}\noffice: {office}\nnumber: {number}\nreceived: {received}\n");
        let signature = hex::encode(key.sign(&[ACK_CONTEXT, text.as_bytes()].concat()));
        Acknowledgement { text, signature }
    }

    /// The acknowledgement as a reporter keeps it: its lines, then the signature's.
    pub fn to_document(&self) -> String {
        format!("{}signature: {}\n", self.text, self.signature)
    }

    /// Read a kept acknowledgement (as [`Acknowledgement::to_document`] wrote it; blank
    /// lines and spaces around it, and Windows line ends, do not matter).
    pub fn from_document(doc: &str) -> Option<Acknowledgement> {
        let lines: Vec<&str> = doc
            .lines()
            .map(|l| l.trim_end_matches('\r').trim())
            .filter(|l| !l.is_empty())
            .collect();
        let [header, office, number, received, signature] = lines[..] else {
            return None;
        };
        if header != ACK_HEADER || !office.starts_with("office: ") {
            return None;
        }
        let signature = signature.strip_prefix("signature: ")?.to_owned();
        Some(Acknowledgement {
            text: format!("{header}\n{office}\n{number}\n{received}\n"),
            signature,
        })
    }

    /// Check the signature with the office's verify key, and read what it says.
    pub fn verify(&self, verify_key: &[u8; 32]) -> Option<Acknowledged> {
        let sig: [u8; 64] = hex::decode(&self.signature).ok()?.try_into().ok()?;
        if !crypto::verify_signature(
            verify_key,
            &[ACK_CONTEXT, self.text.as_bytes()].concat(),
            &sig,
        ) {
            return None;
        }
        let mut lines = self.text.lines();
        (lines.next()? == ACK_HEADER).then_some(())?;
        let office = lines.next()?.strip_prefix("office: ")?.to_owned();
        let number = lines.next()?.strip_prefix("number: ")?.to_owned();
        let received = lines.next()?.strip_prefix("received: ")?.to_owned();
        (lines.next().is_none() && crate::bundle::strict_day(&received).is_some()).then_some(())?;
        Some(Acknowledged {
            office,
            number,
            received,
        })
    }
}

impl TipUpdate {
    /// The last day anything the reporter sees changed: the status, a message, the reward.
    /// A finished tip's record is kept `retention_days` from it, so that a reply or a
    /// reward decided after the tip was closed still has that long to reach its reporter.
    pub fn last_change(&self) -> &str {
        latest_day(
            &self.status_day,
            self.messages
                .iter()
                .map(|m| m.day.as_str())
                .chain(self.reward.iter().map(|r| r.day.as_str())),
        )
    }
}

/// The latest of `first` and `others`, days written `YYYY-MM-DD` (whose text order is their
/// calendar order): what the reporter saw change last, for the portal's retention and the
/// ledger's publishing window alike.
pub fn latest_day<'a>(first: &'a str, others: impl Iterator<Item = &'a str>) -> &'a str {
    others.fold(first, |last, day| if day > last { day } else { last })
}

/// A tip update with its own signature (what the portal stores and re-verifies).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedTipUpdate {
    /// The [`TipUpdate`] as JSON, exactly the bytes that were signed.
    pub update: String,
    /// ed25519 signature (hex) over TIP_CONTEXT || update.
    pub signature: String,
}

impl SignedTipUpdate {
    pub fn sign(update: &TipUpdate, key: &SigningKey) -> Self {
        let json = serde_json::to_string(update).expect("updates serialize");
        let signature = key.sign(&[TIP_CONTEXT, json.as_bytes()].concat());
        SignedTipUpdate {
            update: json,
            signature: hex::encode(signature),
        }
    }

    /// Verify and decode; `None` if the signature, purpose or portal is wrong.
    pub fn verify(&self, verify_key: &[u8; 32], portal_id: &str) -> Option<TipUpdate> {
        let sig: [u8; 64] = hex::decode(&self.signature).ok()?.try_into().ok()?;
        if !crypto::verify_signature(
            verify_key,
            &[TIP_CONTEXT, self.update.as_bytes()].concat(),
            &sig,
        ) {
            return None;
        }
        let u: TipUpdate = serde_json::from_str(&self.update).ok()?;
        (u.format == FORMAT && u.purpose == TIP_PURPOSE && u.portal_id == portal_id).then_some(u)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateBody {
    pub format: u32,
    pub purpose: String,
    pub portal_id: String,
    pub sequence: u64,
    pub made: String,
    pub tips: Vec<SignedTipUpdate>,
    /// Blob ids the ledger holds durably: the portal may delete their ciphertext.
    pub acknowledged: Vec<String>,
    /// The other portals of this portal's site, as the office records them now (since
    /// 2026-12-08; docs/design/sites.md): the portal keeps only the site records of tips
    /// these portals received, so a portal the office took out of the site stops being
    /// answered here. Every site record in the bundle must name one of them. `None` (a
    /// ledger from before): the portal keeps what it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_members: Option<Vec<String>>,
}

/// Most other portals a site's update bundle names (far beyond any real site).
pub const MAX_SITE_MEMBERS: usize = 1000;

/// Serialize and sign a bundle.
pub fn write(body: &UpdateBody, key: &SigningKey) -> Vec<u8> {
    let json = serde_json::to_vec(body).expect("bodies serialize");
    let signature = key.sign(&[BUNDLE_CONTEXT, &json].concat());
    let mut out = MAGIC.to_vec();
    out.extend_from_slice(&(json.len() as u32).to_be_bytes());
    out.extend_from_slice(&json);
    out.extend_from_slice(&signature);
    out
}

/// Why a portal refuses an update bundle. Nothing of a refused bundle is applied.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum UpdateError {
    #[error("this is not a tipbox update bundle (wrong file?)")]
    NotABundle,
    #[error("update bundle format version {0} is not supported; upgrade tipbox-portal")]
    UnsupportedVersion(u32),
    #[error("the update bundle is truncated or has extra bytes: copy it again")]
    Length,
    #[error("the update bundle's signature does not match the office's verify key: it was altered, damaged, or signed by another key. Nothing was applied")]
    BadSignature,
    #[error("the update bundle is for another portal ({0}), not this one. Nothing was applied")]
    WrongPortal(String),
    #[error("the update bundle is malformed: {0}")]
    Malformed(&'static str),
    #[error("update bundle {got} is older than bundle {last}, already applied: refusing a rollback. If the ledger was restored from a backup, it does not know of bundle {last}: export an inbox bundle from this portal (`tipbox-portal export`) and import it into the ledger, which then continues after {last}; then export again. Otherwise export a fresh bundle from the ledger")]
    Rollback { got: u64, last: u64 },
    #[error("a different update bundle with the same number {0} was already applied: refusing a replay. If the ledger was restored from a backup, export an inbox bundle from this portal and import it into the ledger first; it then continues after {0}")]
    Replay(u64),
}

/// Check a bundle's framing, signature, purpose and portal. Does not look at sequence
/// numbers (the store does, against what it applied).
pub fn verify(
    bytes: &[u8],
    verify_key: &[u8; 32],
    portal_id: &str,
) -> Result<UpdateBody, UpdateError> {
    if bytes.len() < MAGIC.len() || bytes[..MAGIC.len() - 1] != MAGIC[..MAGIC.len() - 1] {
        return Err(UpdateError::NotABundle);
    }
    if bytes[MAGIC.len() - 1] != MAGIC[MAGIC.len() - 1] {
        return Err(UpdateError::UnsupportedVersion(u32::from(
            bytes[MAGIC.len() - 1],
        )));
    }
    let rest = &bytes[MAGIC.len()..];
    if rest.len() < 4 {
        return Err(UpdateError::Length);
    }
    let len = u32::from_be_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
    if rest.len() != 4 + len + 64 {
        return Err(UpdateError::Length);
    }
    let json = &rest[4..4 + len];
    let sig: [u8; 64] = rest[4 + len..]
        .try_into()
        .map_err(|_| UpdateError::Length)?;
    if !crypto::verify_signature(verify_key, &[BUNDLE_CONTEXT, json].concat(), &sig) {
        return Err(UpdateError::BadSignature);
    }
    let body: UpdateBody = serde_json::from_slice(json)
        .map_err(|_| UpdateError::Malformed("body is not valid JSON"))?;
    if body.format != FORMAT {
        return Err(UpdateError::UnsupportedVersion(body.format));
    }
    if body.purpose != PURPOSE {
        return Err(UpdateError::Malformed("not an update bundle's purpose"));
    }
    if body.portal_id != portal_id {
        return Err(UpdateError::WrongPortal(body.portal_id));
    }
    if body.sequence == 0 {
        return Err(UpdateError::Malformed("sequence numbers start at 1"));
    }
    for t in &body.tips {
        let u = t
            .verify(verify_key, portal_id)
            .ok_or(UpdateError::BadSignature)?;
        if u.revision != body.sequence {
            return Err(UpdateError::Malformed(
                "a tip update carries another bundle's number",
            ));
        }
        if u.site.as_ref().is_some_and(|s| !s.is_well_formed()) {
            return Err(UpdateError::Malformed(
                "a site record's portal id, reply key or days are malformed",
            ));
        }
        if let (Some(site), Some(members)) = (&u.site, &body.site_members) {
            if site.home_portal_id != portal_id && !members.contains(&site.home_portal_id) {
                return Err(UpdateError::Malformed(
                    "a site record names a portal outside the bundle's site",
                ));
            }
        }
    }
    if let Some(members) = &body.site_members {
        let distinct: std::collections::BTreeSet<&String> = members.iter().collect();
        if members.len() > MAX_SITE_MEMBERS
            || distinct.len() != members.len()
            || !members
                .iter()
                .all(|p| super::is_lower_hex(p, 32) && p != portal_id)
        {
            return Err(UpdateError::Malformed(
                "the list of the site's other portals is malformed",
            ));
        }
    }
    if !body
        .acknowledged
        .iter()
        .all(|b| super::inbox::is_blob_id(b))
    {
        return Err(UpdateError::Malformed(
            "an acknowledged id is not a blob id",
        ));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(key: &SigningKey) -> Vec<u8> {
        let tip = TipUpdate {
            format: 1,
            purpose: TIP_PURPOSE.into(),
            portal_id: "p1".into(),
            tip_id: "t1".into(),
            revision: 3,
            status: "verifying".into(),
            status_day: "2026-11-22".into(),
            messages: vec![],
            reward: None,
            acknowledgement: None,
            site: None,
        };
        let body = UpdateBody {
            format: 1,
            purpose: PURPOSE.into(),
            portal_id: "p1".into(),
            sequence: 3,
            made: "2026-11-22".into(),
            tips: vec![SignedTipUpdate::sign(&tip, key)],
            acknowledged: vec!["a".repeat(32)],
            site_members: None,
        };
        write(&body, key)
    }

    #[test]
    fn verifies_and_rejects_every_single_byte_change() {
        let key = SigningKey::generate();
        let vk = key.verify_key();
        let bytes = sample(&key);
        let body = verify(&bytes, &vk, "p1").unwrap();
        assert_eq!(body.sequence, 3);
        for pos in 0..bytes.len() {
            let mut b = bytes.clone();
            b[pos] ^= 0x01;
            assert!(
                verify(&b, &vk, "p1").is_err(),
                "change at byte {pos} accepted"
            );
        }
        assert_eq!(
            verify(&bytes[..bytes.len() - 1], &vk, "p1"),
            Err(UpdateError::Length)
        );
        assert_eq!(
            verify(&bytes, &vk, "p2"),
            Err(UpdateError::WrongPortal("p1".into()))
        );
        let other = SigningKey::generate();
        assert_eq!(
            verify(&bytes, &other.verify_key(), "p1"),
            Err(UpdateError::BadSignature)
        );
    }

    /// A site record is checked where it enters: ids, key and days, before anything of
    /// the bundle is applied.
    #[test]
    fn a_bundle_with_a_malformed_site_record_is_refused() {
        let key = SigningKey::generate();
        let good = SiteTip {
            home_portal_id: "a".repeat(32),
            reply_public_key: "b".repeat(64),
            received: "2026-11-22".into(),
            followup_days: vec!["2026-11-23".into()],
        };
        let bundle = |site: SiteTip| {
            let tip = TipUpdate {
                format: 1,
                purpose: TIP_PURPOSE.into(),
                portal_id: "p1".into(),
                tip_id: "t1".into(),
                revision: 3,
                status: "verifying".into(),
                status_day: "2026-11-22".into(),
                messages: vec![],
                reward: None,
                acknowledgement: None,
                site: Some(site),
            };
            let body = UpdateBody {
                format: 1,
                purpose: PURPOSE.into(),
                portal_id: "p1".into(),
                sequence: 3,
                made: "2026-11-22".into(),
                tips: vec![SignedTipUpdate::sign(&tip, &key)],
                acknowledged: vec![],
                site_members: None,
            };
            verify(&write(&body, &key), &key.verify_key(), "p1")
        };
        assert!(bundle(good.clone()).is_ok());
        let bad = [
            SiteTip {
                home_portal_id: "\u{1b}[2J".into(),
                ..good.clone()
            },
            SiteTip {
                reply_public_key: "B".repeat(64),
                ..good.clone()
            },
            SiteTip {
                reply_public_key: "b".repeat(62),
                ..good.clone()
            },
            SiteTip {
                received: "2026-02-30".into(),
                ..good.clone()
            },
            SiteTip {
                followup_days: vec!["yesterday".into()],
                ..good.clone()
            },
            SiteTip {
                followup_days: vec!["2026-11-23".into(); MAX_SITE_FOLLOWUP_DAYS + 1],
                ..good.clone()
            },
        ];
        for site in bad {
            assert!(
                matches!(bundle(site.clone()), Err(UpdateError::Malformed(_))),
                "{site:?}"
            );
        }
    }

    #[test]
    fn tip_updates_are_bound_to_their_portal() {
        let key = SigningKey::generate();
        let body = verify(&sample(&key), &key.verify_key(), "p1").unwrap();
        assert!(body.tips[0].verify(&key.verify_key(), "p1").is_some());
        assert!(body.tips[0].verify(&key.verify_key(), "p2").is_none());
        let mut forged = body.tips[0].clone();
        forged.update = forged.update.replace("verifying", "closed");
        assert!(forged.verify(&key.verify_key(), "p1").is_none());
    }

    /// The office's list of a site's other portals is checked where it enters, and a site
    /// record must name one of them: a bundle cannot keep a portal the office took out of
    /// the site answered here by carrying its records.
    #[test]
    fn a_site_record_must_name_a_portal_the_bundle_lists_as_a_member() {
        let key = SigningKey::generate();
        let own = "c".repeat(32);
        let home = "a".repeat(32);
        let bundle = |members: Option<Vec<String>>, with_record: bool| {
            let tip = TipUpdate {
                format: 1,
                purpose: TIP_PURPOSE.into(),
                portal_id: own.clone(),
                tip_id: "t1".into(),
                revision: 3,
                status: "verifying".into(),
                status_day: "2026-11-22".into(),
                messages: vec![],
                reward: None,
                acknowledgement: None,
                site: Some(SiteTip {
                    home_portal_id: home.clone(),
                    reply_public_key: "b".repeat(64),
                    received: "2026-11-22".into(),
                    followup_days: vec![],
                }),
            };
            let body = UpdateBody {
                format: 1,
                purpose: PURPOSE.into(),
                portal_id: own.clone(),
                sequence: 3,
                made: "2026-11-22".into(),
                tips: if with_record {
                    vec![SignedTipUpdate::sign(&tip, &key)]
                } else {
                    vec![]
                },
                acknowledged: vec![],
                site_members: members,
            };
            verify(&write(&body, &key), &key.verify_key(), &own)
        };
        assert!(
            bundle(None, true).is_ok(),
            "a ledger from before sends no list"
        );
        assert!(bundle(Some(vec![home.clone()]), true).is_ok());
        assert!(bundle(Some(vec![]), false).is_ok(), "a site of one");
        let malformed =
            |r: Result<UpdateBody, UpdateError>| matches!(r, Err(UpdateError::Malformed(_)));
        assert!(
            malformed(bundle(Some(vec![]), true)),
            "a record of a non-member"
        );
        assert!(malformed(bundle(Some(vec!["d".repeat(32)]), true)));
        for members in [
            vec![home.clone(), home.clone()],
            vec!["\u{1b}[2J".into()],
            vec!["A".repeat(32)],
            vec![own.clone()],
            vec!["e".repeat(32); MAX_SITE_MEMBERS + 1],
        ] {
            assert!(
                malformed(bundle(Some(members.clone()), false)),
                "{members:?}"
            );
        }
    }
}
