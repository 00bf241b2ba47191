//! What the portal stores: sealed to the office, padded, follow-ups joined to their tip.

use super::*;

#[test]
fn sealed_tip_holds_everything_and_opens_only_with_the_office_key() {
    let portal = Portal::start();
    let file = b"evidence bytes \x00\x01\x02 end".to_vec();
    let receipt = submit_ok(
        &portal,
        &Tip {
            reward: true,
            files: vec![
                ("账本.xlsx".into(), file.clone()),
                ("second.bin".into(), vec![0x42; 70_000]),
            ],
            ..Tip::default()
        },
    );
    let blobs = blob_paths(&portal.data);
    assert_eq!(blobs.len(), 1);
    let (tip, plain_len) = open_blob(&blobs[0]);
    assert_eq!(tip.field("category"), Some("umbrella"));
    assert_eq!(tip.field("location"), Some("某县某镇"));
    assert_eq!(
        tip.field("description"),
        Some("村霸张某强占集体土地，镇干部收钱包庇。")
    );
    assert_eq!(tip.field("reward"), Some("on"));
    assert_eq!(tip.attachments.len(), 2);
    assert_eq!(tip.attachments[0].start.name, "账本.xlsx");
    assert_eq!(&tip.attachments[0].data[..], &file[..]);
    assert_eq!(tip.attachments[1].data.len(), 70_000);
    assert!(!tip.attachments[0].end.metadata_removed);
    assert_eq!(tip.manifest.kind, Kind::Tip);
    assert_eq!(tip.manifest.attachments, 2);
    assert_eq!(tip.manifest.lang, "zh-Hans");
    assert_eq!(
        plain_len as u64,
        tipbox::tip::padded_size(plain_len as u64),
        "padded to a bucket"
    );

    // The reply key and claim verifier inside the tip are the ones derived from the receipt
    // with this portal's salt: the ledger can reply and check claims without the receipt.
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(portal.data.join("portal.json")).unwrap()).unwrap();
    let salt: [u8; 16] = hex::decode(meta["salt"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let params: KdfParams = serde_json::from_value(meta["kdf"].clone()).unwrap();
    let keys = ReceiptCode::parse(&receipt)
        .unwrap()
        .derive(&salt, params)
        .unwrap();
    assert_eq!(
        tip.manifest.reply_public_key,
        Some(hex::encode(keys.reply_public))
    );
    assert_eq!(
        tip.manifest.claim_verifier,
        Some(keys.claim_token.verifier())
    );
    assert_eq!(tip.manifest.portal_id, meta["portal_id"].as_str().unwrap());

    // Another key cannot open it.
    let stranger = age::x25519::Identity::generate();
    let bytes = std::fs::read(&blobs[0]).unwrap();
    let d = age::Decryptor::new_buffered(&bytes[..]).unwrap();
    assert!(d
        .decrypt(std::iter::once(&stranger as &dyn age::Identity))
        .is_err());
}

#[test]
fn short_tips_are_padded_to_the_same_size() {
    let portal = Portal::start();
    submit_ok(
        &portal,
        &Tip {
            description: "短描述但足够十个字了吧",
            ..Tip::default()
        },
    );
    submit_ok(
        &portal,
        &Tip {
            description: &"很长的描述".repeat(800),
            ..Tip::default()
        },
    );
    let sizes: Vec<usize> = blob_paths(&portal.data)
        .iter()
        .map(|p| open_blob(p).1)
        .collect();
    assert_eq!(sizes, vec![MIN_PADDED_SIZE as usize; 2]);
}

#[test]
fn followup_is_sealed_and_joined_to_its_tip() {
    let portal = Portal::start();
    let receipt = submit_ok(&portal, &Tip::default());
    let form = reqwest::blocking::multipart::Form::new()
        .text("receipt", receipt.clone())
        .text("message", "补充：二号证人是村会计")
        .part(
            "attachment",
            reqwest::blocking::multipart::Part::bytes(b"more".to_vec()).file_name("more.txt"),
        );
    let resp = client()
        .post(portal.url("/status/followup?lang=en"))
        .multipart(form)
        .send()
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    assert!(resp.text().unwrap().contains("Information added"));

    let opened: Vec<_> = blob_paths(&portal.data)
        .iter()
        .map(|p| open_blob(p).0)
        .collect();
    let tip = opened
        .iter()
        .find(|t| t.manifest.kind == Kind::Tip)
        .unwrap();
    let followup = opened
        .iter()
        .find(|t| t.manifest.kind == Kind::Followup)
        .unwrap();
    assert_eq!(followup.manifest.tip_id, tip.manifest.tip_id);
    assert_eq!(followup.field("message"), Some("补充：二号证人是村会计"));
    assert_eq!(&followup.attachments[0].data[..], b"more");
    assert!(followup.manifest.reply_public_key.is_none());

    // A follow-up with an unknown receipt stores nothing and keeps the message on the page.
    let before = blob_paths(&portal.data).len();
    let (status, page) = post_followup(
        &portal,
        ReceiptCode::generate().digits(),
        "lost words must come back",
    );
    assert_eq!(status, 404);
    assert!(page.contains("lost words must come back"));
    assert_eq!(blob_paths(&portal.data).len(), before);
    assert!(
        all_files(&portal.data.join("tmp")).is_empty(),
        "rejected follow-up leaves no temp file"
    );
}

/// The receipt KDF's parameters are recorded in `portal.json` when a portal is created, and a
/// portal always derives with the recorded ones: changing `KdfParams::DEFAULT` (as from
/// 64 MiB x 2 to 8 MiB x 32) must never orphan receipts issued before the change.
#[test]
fn a_portal_keeps_the_argon2id_parameters_it_was_created_with() {
    let mut portal = Portal::start();
    let meta_path = portal.data.join("portal.json");
    let mut meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&meta_path).unwrap()).unwrap();
    let recorded: KdfParams = serde_json::from_value(meta["kdf"].clone()).unwrap();
    assert_eq!(
        recorded,
        KdfParams::DEFAULT,
        "a new portal records the defaults"
    );

    // Make it a portal created with the earlier defaults, then restart it.
    let old = KdfParams {
        passes: 2,
        memory: 64 * 1024 * 1024,
    };
    assert_ne!(old, KdfParams::DEFAULT);
    portal.kill9();
    let dir = portal.take_dir();
    meta["kdf"] = serde_json::to_value(old).unwrap();
    std::fs::write(&meta_path, serde_json::to_vec_pretty(&meta).unwrap()).unwrap();
    let portal = Portal::start_with(PortalOptions {
        data: Some(portal.data.clone()),
        ..PortalOptions::default()
    });
    let receipt = submit_ok(&portal, &Tip::default());

    // The tip's reply key is the one the recorded (old) parameters give, not the defaults'.
    let salt: [u8; 16] = hex::decode(meta["salt"].as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap();
    let code = ReceiptCode::parse(&receipt).unwrap();
    let with_old = code.derive(&salt, old).unwrap();
    let with_default = code.derive(&salt, KdfParams::DEFAULT).unwrap();
    let (tip, _) = open_blob(&blob_paths(&portal.data)[0]);
    assert_eq!(
        tip.manifest.reply_public_key,
        Some(hex::encode(with_old.reply_public))
    );
    assert_ne!(with_old.reply_public, with_default.reply_public);
    let (status, _) = lookup(&portal, &receipt, "en");
    assert_eq!(
        status, 200,
        "a receipt is found with the recorded parameters"
    );
    let kept: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&meta_path).unwrap()).unwrap();
    assert_eq!(kept["kdf"], serde_json::to_value(old).unwrap());
    drop(dir);
}
