#![no_main]
//! Structure-aware: sequences of well-formed, correctly sealed and checksummed inbox
//! bundles, built from generated manifests, imported one after the other into a real
//! ledger. Byte flips are refused by the checksums before any import logic runs; these
//! bundles reach it, as a hostile portal's would (anyone can seal to the office's key).
//!
//! After every import, the invariants of SECURITY.md ("What a hostile portal can and
//! cannot do") are checked:
//! - a refused bundle leaves the ledger byte for byte as it was (`Ledger::state_digest`);
//! - an accepted one adds exactly as many tips as it says ("new tip(s)");
//! - a tip's keys, content, category, day and reward flag, once its tip item is in, never
//!   change, and no item it held is lost;
//! - no message or summary carries a control character;
//! - an accepted bundle imported again adds nothing.
use std::io::Write;
use std::sync::OnceLock;

use libfuzzer_sys::arbitrary::{self, Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use tipbox::ledger::{Ledger, TipEntry};
use tipbox::tip::{ContainerWriter, FileEnd, FileStart, Kind, Manifest};

#[derive(Arbitrary, Debug)]
struct Scenario {
    bundles: Vec<BundleSpec>,
}

#[derive(Arbitrary, Debug)]
struct BundleSpec {
    /// Which of two portals writes it.
    portal: bool,
    /// The portal its header names, when not the writer's own.
    header_portal: Rare<Id, 8>,
    handover: bool,
    last_update: Option<u16>,
    made: Day,
    items: Vec<ItemSpec>,
    /// Import an earlier bundle of the scenario again instead.
    again: Rare<u8, 6>,
}

#[derive(Arbitrary, Debug)]
struct ItemSpec {
    followup: bool,
    /// One of a few tips, so that items of different bundles name the same tip.
    tip: Id,
    /// The portal its manifest names, when not the bundle's.
    manifest_portal: Rare<Id>,
    /// An earlier item's id (a duplicate, or a second item under one id).
    reuse_blob: Rare<u8, 6>,
    day: Day,
    category: Option<String>,
    description: String,
    reward: bool,
    channel: Option<String>,
    /// Which key set the tip names (reply key, claim verifier, follow-up key), if any.
    keys: Option<u8>,
    /// Which key set signs the follow-up, if any.
    signed_by: Option<u8>,
    lang: Lang,
    format: u8,
    files: Vec<(String, Vec<u8>)>,
    /// A manifest field made malformed.
    hostile: Rare<Hostile, 16>,
}

/// `Some` one time in `N`: malformed input is refused early, and a scenario is worth most
/// when most of it is well-formed enough to reach the import's own rules.
#[derive(Debug)]
struct Rare<T, const N: u8 = 32>(Option<T>);

impl<'a, T: Arbitrary<'a>, const N: u8> Arbitrary<'a> for Rare<T, N> {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        Ok(Rare(if u.ratio(1, N)? {
            Some(T::arbitrary(u)?)
        } else {
            None
        }))
    }
}

/// One of four well-formed ids, or (rarely) anything at all.
#[derive(Arbitrary, Debug)]
struct Id {
    known: u8,
    raw: Rare<String>,
}

/// A day: mostly recent ones, sometimes tomorrow or later, rarely anything at all.
#[derive(Arbitrary, Debug)]
struct Day {
    days_ago: u16,
    ahead: Rare<u8, 8>,
    raw: Rare<String, 64>,
}

#[derive(Arbitrary, Debug)]
struct Lang {
    which: u8,
    raw: Rare<String>,
}

#[derive(Arbitrary, Debug)]
enum Hostile {
    ReplyKey(String),
    ClaimVerifier(String),
    FollowupKey(String),
    Signature(String),
    BlobId(String),
}

fn hex_of(label: &str, n: u64, bytes: usize) -> String {
    let h = blake3::hash(format!("{label} {n}").as_bytes());
    hex::encode(&h.as_bytes()[..bytes])
}

fn id(i: &Id, label: &str) -> String {
    match &i.raw.0 {
        Some(s) => s.clone(),
        None => hex_of(label, u64::from(i.known % 4), 16),
    }
}

fn day(d: &Day) -> String {
    let today = time::OffsetDateTime::now_utc().date();
    match (&d.raw.0, d.ahead.0) {
        (Some(s), _) => s.clone(),
        (None, Some(n)) => (today + time::Duration::days(i64::from(n % 4))).to_string(),
        (None, None) => (today - time::Duration::days(i64::from(d.days_ago % 10_000))).to_string(),
    }
}

struct World {
    identity: Vec<tipbox::keys::Identity>,
    recipient: age::x25519::Recipient,
    parent: std::path::PathBuf,
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        tipbox::crypto::init();
        // Per-process folders under the fuzz crate's target folder; those of earlier runs
        // whose process is gone are removed (libFuzzer ends with exit(), so a crash or the
        // end of a run leaves the last one behind).
        let parent = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-data");
        std::fs::create_dir_all(&parent).unwrap();
        for entry in std::fs::read_dir(&parent).unwrap().flatten() {
            let name = entry.file_name();
            let pid = name
                .to_string_lossy()
                .strip_prefix("ledger_imports-")
                .map(str::to_owned);
            if let Some(pid) = pid {
                if !std::path::Path::new("/proc").join(&pid).exists() {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        let parent = parent.join(format!("ledger_imports-{}", std::process::id()));
        std::fs::create_dir_all(&parent).unwrap();
        let identity = tipbox::keys::Identity::generate();
        World {
            recipient: identity.to_public(),
            identity: vec![identity],
            parent,
        }
    })
}

fn seal(plain: &[u8], to: &age::x25519::Recipient) -> Vec<u8> {
    let mut out = Vec::new();
    let mut w = age::Encryptor::with_recipients(std::iter::once(to as &dyn age::Recipient))
        .unwrap()
        .wrap_output(&mut out)
        .unwrap();
    w.write_all(plain).unwrap();
    w.finish().unwrap();
    out
}

/// One item's container, under the blob id it returns.
fn item(spec: &ItemSpec, n: u64, portal: &str, blob_ids: &[String]) -> (String, Vec<u8>) {
    let blob_id = match spec.reuse_blob.0 {
        Some(k) if !blob_ids.is_empty() => blob_ids[k as usize % blob_ids.len()].clone(),
        _ => hex_of("blob", n, 16),
    };
    let mut w = ContainerWriter::new(Vec::new()).unwrap().hashing();
    if let Some(c) = &spec.category {
        w.field("category", c).unwrap();
    }
    if let Some(c) = &spec.channel {
        w.field("channel", c).unwrap();
    }
    w.field(
        if spec.followup {
            "message"
        } else {
            "description"
        },
        &spec.description,
    )
    .unwrap();
    if spec.reward {
        w.field("reward", "on").unwrap();
    }
    for (i, (name, bytes)) in spec.files.iter().take(3).enumerate() {
        let index = i as u32;
        w.file_start(&FileStart {
            index,
            name: name.clone(),
            content_type: "application/octet-stream".into(),
        })
        .unwrap();
        w.file_data(bytes).unwrap();
        w.file_end(&FileEnd {
            index,
            size: bytes.len() as u64,
            metadata_removed: false,
        })
        .unwrap();
    }
    let key_set = |k: u8| {
        (
            hex_of("reply", u64::from(k % 3), 32),
            hex_of("claim", u64::from(k % 3), 32),
            tipbox::crypto::SigningKey::from_seed(&[k % 3; 32]),
        )
    };
    let (fields, attachments) = w.counts();
    let mut m = Manifest {
        format: if spec.format == 255 { 2 } else { 1 },
        kind: if spec.followup {
            Kind::Followup
        } else {
            Kind::Tip
        },
        portal_id: spec
            .manifest_portal
            .0
            .as_ref()
            .map_or_else(|| portal.to_owned(), |p| id(p, "portal")),
        tip_id: id(&spec.tip, "tip"),
        blob_id: blob_id.clone(),
        day: day(&spec.day),
        lang: spec.lang.raw.0.clone().unwrap_or_else(|| {
            ["zh-Hans", "zh-Hant", "en", ""][usize::from(spec.lang.which % 4)].into()
        }),
        reply_public_key: None,
        claim_verifier: None,
        followup_verify_key: None,
        signature: None,
        fields,
        attachments,
    };
    if let (false, Some(k)) = (spec.followup, spec.keys) {
        let (reply, claim, follow) = key_set(k);
        m.reply_public_key = Some(reply);
        m.claim_verifier = Some(claim);
        m.followup_verify_key = Some(hex::encode(follow.verify_key()));
    }
    if let (true, Some(k)) = (spec.followup, spec.signed_by) {
        let (_, _, key) = key_set(k);
        let hash = w.content_hash().unwrap();
        m.signature = Some(hex::encode(
            key.sign(&tipbox::tip::followup_signed_message(&m, &hash)),
        ));
    }
    match &spec.hostile.0 {
        Some(Hostile::ReplyKey(s)) => m.reply_public_key = Some(s.clone()),
        Some(Hostile::ClaimVerifier(s)) => m.claim_verifier = Some(s.clone()),
        Some(Hostile::FollowupKey(s)) => m.followup_verify_key = Some(s.clone()),
        Some(Hostile::Signature(s)) => m.signature = Some(s.clone()),
        Some(Hostile::BlobId(s)) => m.blob_id = s.clone(),
        None => {}
    }
    (blob_id, w.finish(&m).unwrap())
}

/// An inbox bundle (version 2) as docs/formats.md describes it, with a correct checksum
/// per entry and over the whole file.
fn bundle(header: &serde_json::Value, entries: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = b"TIPBOX-INBOX\0\x02".to_vec();
    let framed = |out: &mut Vec<u8>, v: &serde_json::Value| {
        let j = serde_json::to_vec(v).unwrap();
        out.extend_from_slice(&(j.len() as u32).to_be_bytes());
        out.extend_from_slice(&j);
    };
    framed(&mut out, header);
    for (blob_id, ciphertext) in entries {
        framed(
            &mut out,
            &serde_json::json!({
                "blob_id": blob_id, "size": ciphertext.len(), "sealed_to": "0123456789abcdef",
                "checksum": blake3::hash(ciphertext).to_hex().to_string(),
            }),
        );
        out.extend_from_slice(ciphertext);
    }
    let digest = blake3::hash(&out);
    out.extend_from_slice(b"TIPBOX-END\0\x01");
    out.extend_from_slice(digest.as_bytes());
    out
}

fn unsafe_text(s: &str) -> bool {
    s.chars().any(tipbox::safe_output::is_unsafe_char)
}

fn entries(l: &Ledger) -> std::collections::BTreeMap<u64, TipEntry> {
    l.all().map(|t| t.unwrap()).map(|t| (t.id, t)).collect()
}

/// What a tip's first item established, once it is in: never to change.
fn established(t: &TipEntry) -> Option<String> {
    let item = t.blobs.iter().find(|b| b.kind == Kind::Tip)?;
    Some(format!(
        "{:?} {:?} {} {} {} {:?} {:?} {:?} {} {:?}",
        t.reply_public_key,
        t.claim_verifier,
        t.category,
        t.received,
        t.reward_wanted,
        t.channel,
        t.portal_id,
        t.portal_tip_id,
        item.blob_id,
        item.pack.as_ref().map(|p| (&p.file, p.offset, p.len)),
    ))
}

fuzz_target!(|scenario: Scenario| {
    let w = world();
    let dir = tempfile::tempdir_in(&w.parent).unwrap();
    let root = dir.path().join("ledger");
    let keys = root.join("keys");
    tipbox::durable::create_private_dir(&keys).unwrap();
    std::fs::write(keys.join("recipient.txt"), format!("{}\n", w.recipient)).unwrap();
    let mut ledger = Ledger::open(&root, "fuzz").unwrap();
    let mut accepted: Vec<std::path::PathBuf> = Vec::new();
    let mut n = 0u64;
    let mut blob_ids: Vec<String> = Vec::new();
    for (b, spec) in scenario.bundles.iter().take(5).enumerate() {
        let path = match spec.again.0 {
            Some(k) if !accepted.is_empty() => accepted[k as usize % accepted.len()].clone(),
            _ => {
                let portal = hex_of("portal", u64::from(spec.portal), 16);
                let mut items = Vec::new();
                for item_spec in spec.items.iter().take(6) {
                    n += 1;
                    let (blob_id, plain) = item(item_spec, n, &portal, &blob_ids);
                    blob_ids.push(blob_id.clone());
                    items.push((blob_id, seal(&plain, &w.recipient)));
                }
                let mut header = serde_json::json!({
                    "format": 2,
                    "portal_id": spec.header_portal.0.as_ref().map_or(portal, |p| id(p, "portal")),
                    "made": day(&spec.made),
                    "entries": items.len(),
                });
                if let Some(u) = spec.last_update {
                    header["last_update"] = u.into();
                }
                if spec.handover {
                    header["handover"] = true.into();
                }
                let path = dir.path().join(format!("bundle-{b}.tbx"));
                std::fs::write(&path, bundle(&header, &items)).unwrap();
                path
            }
        };
        let again = spec.again.0.is_some() && accepted.contains(&path);
        let before = entries(&ledger);
        let digest = ledger.state_digest().unwrap();
        match ledger.import(&path, &w.identity, |_| {}) {
            Err(e) => {
                let message = e.to_string();
                assert!(!unsafe_text(&message), "a control character in {message:?}");
                assert!(
                    !again,
                    "an accepted bundle was refused the second time: {message}"
                );
                assert_eq!(
                    ledger.state_digest().unwrap(),
                    digest,
                    "a refused bundle changed the ledger: {message}"
                );
            }
            Ok(summary) => {
                assert!(!unsafe_text(&summary.portal_id));
                let after = entries(&ledger);
                assert_eq!(
                    after.len() as u64,
                    before.len() as u64 + summary.new_tips,
                    "the tip count and \"new tip(s)\" disagree: {summary:?}"
                );
                if again {
                    assert_eq!(summary.new_tips + summary.new_followups, 0, "{summary:?}");
                }
                for (id, old) in &before {
                    let new = &after[id];
                    if let Some(was) = established(old) {
                        assert_eq!(
                            established(new).as_ref(),
                            Some(&was),
                            "tip {id} was rewritten by an import"
                        );
                    }
                    for item in &old.blobs {
                        assert!(
                            new.blobs.iter().any(|b| b.blob_id == item.blob_id),
                            "tip {id} lost an item"
                        );
                    }
                }
                if !accepted.contains(&path) {
                    accepted.push(path);
                }
            }
        }
    }
});
