#![no_main]
//! The backup archive reader (what `backup verify` and `restore` check after age decryption)
//! on arbitrary bytes: no panic, no unbounded allocation. A backup is sealed to the office's
//! public key, so anyone can hand a reviewer one whose archive is hostile.
use libfuzzer_sys::fuzz_target;

/// A fixed identity (made for this target only, never an office's): the seed
/// `seed-authenticated-small-ledger` carries its tag, so the fuzzer starts from an archive
/// that passes every check.
const IDENTITY: &str = "AGE-SECRET-KEY-13UYCG7JGPW8M97K9SPWGA80VLPVY5HK0XP9X4NQ7S4SEQSED7ZESVJMK99";

fuzz_target!(|data: &[u8]| {
    let identity: tipbox::keys::Identity = IDENTITY.parse().expect("a valid identity");
    // Both formats: an authenticated one is checked with the fixed identity, an
    // unauthenticated one accepted.
    let trust = tipbox::ledger::backup::Trust {
        identities: std::slice::from_ref(&identity),
        accept_unauthenticated: true,
        carried_keys_checked: true,
    };
    let _ = tipbox::ledger::backup::verify_archive(data, trust);
});
