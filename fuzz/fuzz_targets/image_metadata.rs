#![no_main]
//! The image-metadata stripper on arbitrary bytes: no panic; what it returns is still an
//! image of the same kind.
use libfuzzer_sys::fuzz_target;
use tipbox::metadata;

fuzz_target!(|data: &[u8]| {
    if let Some(kind) = metadata::sniff(data) {
        if let Ok(clean) = metadata::strip(kind, bytes::Bytes::copy_from_slice(data)) {
            assert!(clean.len() <= data.len() + 64, "stripping must not grow an image much");
        }
    }
});
