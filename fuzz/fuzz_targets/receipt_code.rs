#![no_main]
//! Receipt and claim-token parsing/normalization on arbitrary strings.
use libfuzzer_sys::fuzz_target;
use tipbox::receipt::{ClaimToken, ReceiptCode};

fuzz_target!(|data: &[u8]| {
    if let Ok(s) = std::str::from_utf8(data) {
        if let Ok(code) = ReceiptCode::parse(s) {
            // Whatever was accepted round-trips through its display form.
            assert_eq!(ReceiptCode::parse(&code.grouped()).unwrap(), code);
            assert_eq!(code.digits().len(), 28);
        }
        if let Ok(t) = ClaimToken::parse(s) {
            assert_eq!(ClaimToken::parse(&t.grouped()).unwrap(), t);
        }
    }
});
