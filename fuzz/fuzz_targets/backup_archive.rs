#![no_main]
//! The backup archive reader (what `backup verify` and `restore` check after age decryption)
//! on arbitrary bytes: no panic, no unbounded allocation. A backup is sealed to the office's
//! public key, so anyone can hand a reviewer one whose archive is hostile.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = tipbox::ledger::backup::verify_archive(data);
});
