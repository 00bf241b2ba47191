#![no_main]
//! The backup archive reader (what `backup verify` and `restore` check after age decryption)
//! on arbitrary bytes: no panic, no unbounded allocation. A backup is sealed to the office's
//! public key, so anyone can hand a reviewer one whose archive is hostile.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Both formats: a signed one is checked against the key of seed [7; 32] (the seed
    // `seed-signed-small-ledger` is signed with it), an unsigned one accepted.
    let key = tipbox::crypto::SigningKey::from_seed(&[7; 32]).verify_key();
    let trust = tipbox::ledger::backup::Trust {
        verify_key: Some(&key),
        accept_unsigned: true,
    };
    let _ = tipbox::ledger::backup::verify_archive(data, trust);
});
