#![no_main]
//! The inbox-bundle reader on arbitrary bytes: no panic, no unbounded allocation.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = tipbox::bundle::inbox::verify_reader(data, |_| {});
});
