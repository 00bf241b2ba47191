#![no_main]
//! The tip container reader (what the reviewer decrypts) on arbitrary bytes.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = tipbox::tip::OpenedTip::read(data, 1 << 20);
});
