#![no_main]
//! The update-bundle verifier on arbitrary bytes, with a fixed office key.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let key = tipbox::crypto::SigningKey::from_seed(&[7u8; 32]);
    let vk = key.verify_key();
    if let Ok(body) = tipbox::bundle::update::verify(data, &vk, "fuzz-portal") {
        // Only a correctly signed bundle gets here; its tips must verify too.
        for t in &body.tips {
            assert!(t.verify(&vk, "fuzz-portal").is_some());
        }
    }
    // Stored per-tip records are parsed from JSON too.
    if let Ok(signed) = serde_json_from(data) {
        let _ = signed.verify(&vk, "fuzz-portal");
    }
});

fn serde_json_from(data: &[u8]) -> Result<tipbox::bundle::update::SignedTipUpdate, ()> {
    let s = std::str::from_utf8(data).map_err(|_| ())?;
    let (update, signature) = s.split_once('\n').ok_or(())?;
    Ok(tipbox::bundle::update::SignedTipUpdate {
        update: update.to_owned(),
        signature: signature.to_owned(),
    })
}
