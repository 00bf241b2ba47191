//! The receipt code: the reporter's only key to their tip.
//!
//! A receipt is 27 random decimal digits (89.7 bits from the OS CSPRNG) plus one Damm check
//! digit, shown as seven groups of four. Digits are what Chinese phone keyboards make easiest
//! to write down and type. The Damm check digit catches every single-digit typo and every
//! swap of neighbouring digits, so a mistyped code is caught before any lookup is made.
//!
//! The portal never stores a receipt. It runs argon2id once over it (with a per-portal salt)
//! and derives independent subkeys from that master key with BLAKE2b:
//! - the *lookup key* indexes the tip in the portal's store;
//! - the *reply key pair* (X25519): the portal stores the public half; the office seals
//!   replies to it; only someone holding the receipt can open them;
//! - the *claim token*: shown to the reporter once a reward is approved; the office holds
//!   only its verifier (inside the encrypted tip), so the portal cannot forge one;
//! - the *follow-up key* (ed25519): its public half goes inside the encrypted tip, and the
//!   portal signs a follow-up with it only from a receipt the reporter typed, so the office
//!   can tell follow-ups from ones the portal made up.

use std::fmt;

use zeroize::Zeroizing;

use crate::crypto::{self, KdfParams, KEY_LEN, SALT_LEN};

/// Random digits in a receipt (before the check digit).
const RANDOM_DIGITS: u32 = 27;
/// Digits in a full receipt code.
pub const RECEIPT_DIGITS: usize = RANDOM_DIGITS as usize + 1;
/// Random digits in a claim token (before the check digit).
const CLAIM_RANDOM_DIGITS: u32 = 23;

/// Context for the BLAKE2b subkey derivation (libsodium's kdf takes 8 bytes).
const SUBKEY_CONTEXT: &[u8; 8] = b"tbrcpt01";
const SUBKEY_LOOKUP: u64 = 1;
const SUBKEY_REPLY: u64 = 2;
const SUBKEY_CLAIM: u64 = 3;
const SUBKEY_FOLLOWUP: u64 = 4;

/// Why a typed receipt (or claim token) was not accepted. Each says what to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("the code is empty")]
    Empty,
    #[error("the code may contain only digits (spaces and dashes are ignored)")]
    NotDigits,
    #[error("the code has {got} digits; it should have {want}")]
    WrongLength { got: usize, want: usize },
    #[error(
        "the code's check digit does not match: one digit is probably mistyped or two are swapped"
    )]
    CheckDigit,
}

/// A receipt code. Holds the 28 canonical digits; zeroized on drop, never printed by Debug.
#[derive(Clone, PartialEq, Eq)]
pub struct ReceiptCode(Zeroizing<String>);

impl fmt::Debug for ReceiptCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReceiptCode([redacted])")
    }
}

impl ReceiptCode {
    /// A fresh receipt from the OS CSPRNG.
    pub fn generate() -> Self {
        ReceiptCode(Zeroizing::new(random_code(RANDOM_DIGITS)))
    }

    /// Parse what a reporter typed: spaces, dashes, full-width digits and letter case do not
    /// matter; the check digit must match.
    ///
    /// ```
    /// use tipbox_core::receipt::{CodeError, ReceiptCode};
    /// let code = ReceiptCode::generate();
    /// let typed = code.grouped().replace(' ', "-");
    /// assert_eq!(ReceiptCode::parse(&typed).unwrap(), code);
    /// assert_eq!(ReceiptCode::parse("１２３"), Err(CodeError::WrongLength { got: 3, want: 28 }));
    /// ```
    pub fn parse(input: &str) -> Result<Self, CodeError> {
        normalize_code(input, RECEIPT_DIGITS).map(ReceiptCode)
    }

    /// The canonical 28 digits, no separators.
    pub fn digits(&self) -> &str {
        &self.0
    }

    /// Grouped for display and writing down: `1234 5678 ... 5678`.
    pub fn grouped(&self) -> Zeroizing<String> {
        group_digits(&self.0)
    }

    /// The expensive part: argon2id over the receipt, then cheap subkeys. Run it on the
    /// bounded KDF pool, never on an async worker thread.
    pub fn derive(
        &self,
        salt: &[u8; SALT_LEN],
        params: KdfParams,
    ) -> Result<ReceiptKeys, crypto::CryptoError> {
        let master = crypto::argon2id(self.0.as_bytes(), salt, params)?;
        let lookup = crypto::subkey(&master, SUBKEY_LOOKUP, SUBKEY_CONTEXT)?;
        let reply_secret = crypto::subkey(&master, SUBKEY_REPLY, SUBKEY_CONTEXT)?;
        let claim = crypto::subkey(&master, SUBKEY_CLAIM, SUBKEY_CONTEXT)?;
        let followup = crypto::subkey(&master, SUBKEY_FOLLOWUP, SUBKEY_CONTEXT)?;
        let reply_public = crypto::x25519_public(&reply_secret);
        let claim_token = ClaimToken(Zeroizing::new(digits_from_bytes(
            &claim,
            CLAIM_RANDOM_DIGITS,
        )));
        Ok(ReceiptKeys {
            lookup_key: LookupKey(*lookup),
            reply_secret,
            reply_public,
            claim_token,
            followup_key: crypto::SigningKey::from_seed(&followup),
        })
    }
}

/// Index key of a tip in the portal's store. Not secret on its own (it is on the portal's
/// disk), but it can only be computed from the receipt.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct LookupKey(pub [u8; 32]);

impl fmt::Debug for LookupKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LookupKey([redacted])")
    }
}

/// Everything derived from a receipt.
pub struct ReceiptKeys {
    pub lookup_key: LookupKey,
    pub reply_secret: Zeroizing<[u8; KEY_LEN]>,
    pub reply_public: [u8; 32],
    pub claim_token: ClaimToken,
    /// Signs the tip's follow-ups, so the ledger can tell them from ones the portal made up.
    pub followup_key: crypto::SigningKey,
}

impl fmt::Debug for ReceiptKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ReceiptKeys([redacted])")
    }
}

/// The reward claim token: 23 digits derived from the receipt plus a Damm check digit.
#[derive(Clone, PartialEq, Eq)]
pub struct ClaimToken(Zeroizing<String>);

impl fmt::Debug for ClaimToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClaimToken([redacted])")
    }
}

impl ClaimToken {
    pub const DIGITS: usize = CLAIM_RANDOM_DIGITS as usize + 1;

    pub fn parse(input: &str) -> Result<Self, CodeError> {
        normalize_code(input, Self::DIGITS).map(ClaimToken)
    }
    pub fn digits(&self) -> &str {
        &self.0
    }
    pub fn grouped(&self) -> Zeroizing<String> {
        group_digits(&self.0)
    }
    /// What the encrypted tip carries for the ledger: BLAKE2b-256 of the token, hex.
    /// The ledger checks a presented token against it (`tipbox-review reward verify`).
    pub fn verifier(&self) -> String {
        let mut input = Zeroizing::new(b"tipbox claim token v1:".to_vec());
        input.extend_from_slice(self.0.as_bytes());
        hex::encode(crypto::hash256(&input))
    }
}

/// Uniform random number below 10^digits with its Damm check digit appended, zero-padded.
fn random_code(digits: u32) -> String {
    let bound = 10u128.pow(digits);
    let bits = 128 - bound.leading_zeros();
    let mask = (1u128 << bits) - 1;
    loop {
        let mut buf = Zeroizing::new([0u8; 16]);
        crypto::random_bytes(&mut buf[..]);
        let candidate = u128::from_le_bytes(*buf) & mask;
        // Rejection sampling keeps the distribution uniform (acceptance >= 1/2).
        if candidate < bound {
            return with_check_digit(candidate, digits);
        }
    }
}

/// Deterministic digits from key material (for the claim token).
fn digits_from_bytes(key: &[u8; 32], digits: u32) -> String {
    let mut first = [0u8; 16];
    first.copy_from_slice(&key[..16]);
    // 128 bits reduced modulo 10^23 (~2^76.4): the bias is below 2^-51, irrelevant here.
    let value = u128::from_le_bytes(first) % 10u128.pow(digits);
    with_check_digit(value, digits)
}

fn with_check_digit(value: u128, digits: u32) -> String {
    // Damm's table maps (0, 0) to 0, so leading zeros do not change the check digit and the
    // zero-padded string verifies exactly like the number.
    format!("{:0width$}", damm::id(value), width = digits as usize + 1)
}

fn normalize_code(input: &str, want: usize) -> Result<Zeroizing<String>, CodeError> {
    let mut out = Zeroizing::new(String::with_capacity(want));
    for c in input.chars() {
        match c {
            '0'..='9' => out.push(c),
            // Full-width digits from Chinese input methods.
            '０'..='９' => out.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            c if c.is_whitespace() => {}
            '-' | '－' | '‐' | '‑' | '‒' | '–' | '—' | '_' | '.' | '·' | '・' | '。' =>
                {}
            _ => return Err(CodeError::NotDigits),
        }
        if out.len() > 64 {
            return Err(CodeError::WrongLength {
                got: out.len(),
                want,
            });
        }
    }
    if out.is_empty() {
        return Err(CodeError::Empty);
    }
    if out.len() != want {
        return Err(CodeError::WrongLength {
            got: out.len(),
            want,
        });
    }
    let value: u128 = out.parse().map_err(|_| CodeError::NotDigits)?;
    if !damm::verify(value) {
        return Err(CodeError::CheckDigit);
    }
    Ok(out)
}

fn group_digits(digits: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(digits.len() + digits.len() / 4));
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && i % 4 == 0 {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_codes_parse_and_have_the_right_shape() {
        for _ in 0..200 {
            let code = ReceiptCode::generate();
            assert_eq!(code.digits().len(), RECEIPT_DIGITS);
            assert_eq!(ReceiptCode::parse(&code.grouped()).unwrap(), code);
        }
        // 27 random decimal digits carry at least 80 bits of entropy.
        assert!(f64::from(RANDOM_DIGITS) * 10f64.log2() >= 80.0);
    }

    #[test]
    fn normalization_ignores_spaces_dashes_and_full_width_digits() {
        let code = ReceiptCode::generate();
        let d = code.digits();
        let dashed = format!("{}-{}", &d[..10], &d[10..]);
        let full_width: String = d
            .chars()
            .map(|c| char::from_u32('０' as u32 + c.to_digit(10).unwrap()).unwrap())
            .collect();
        let spaced = format!("  {}\u{3000}{} ", &d[..4], &d[4..]);
        for variant in [dashed, full_width, spaced] {
            assert_eq!(ReceiptCode::parse(&variant).unwrap(), code, "{variant}");
        }
    }

    #[test]
    fn every_single_digit_typo_and_neighbour_swap_is_caught() {
        for _ in 0..20 {
            let code = ReceiptCode::generate();
            let d: Vec<u8> = code.digits().bytes().collect();
            for i in 0..d.len() {
                for wrong in b'0'..=b'9' {
                    if wrong == d[i] {
                        continue;
                    }
                    let mut typo = d.clone();
                    typo[i] = wrong;
                    let typed = String::from_utf8(typo).unwrap();
                    assert_eq!(ReceiptCode::parse(&typed), Err(CodeError::CheckDigit));
                }
                if i + 1 < d.len() && d[i] != d[i + 1] {
                    let mut swapped = d.clone();
                    swapped.swap(i, i + 1);
                    let typed = String::from_utf8(swapped).unwrap();
                    assert_eq!(ReceiptCode::parse(&typed), Err(CodeError::CheckDigit));
                }
            }
        }
    }

    #[test]
    fn wrong_length_and_letters_are_reported() {
        assert_eq!(ReceiptCode::parse(""), Err(CodeError::Empty));
        assert_eq!(ReceiptCode::parse(" - "), Err(CodeError::Empty));
        assert_eq!(
            ReceiptCode::parse("1234"),
            Err(CodeError::WrongLength { got: 4, want: 28 })
        );
        assert_eq!(ReceiptCode::parse("12a4"), Err(CodeError::NotDigits));
        assert!(matches!(
            ReceiptCode::parse(&"1".repeat(500)),
            Err(CodeError::WrongLength { .. })
        ));
    }

    #[test]
    fn derivation_is_deterministic_and_separates_keys() {
        let code = ReceiptCode::generate();
        let salt = [3u8; SALT_LEN];
        let a = code.derive(&salt, KdfParams::INSECURE_FOR_TESTS).unwrap();
        let b = code.derive(&salt, KdfParams::INSECURE_FOR_TESTS).unwrap();
        assert_eq!(a.lookup_key, b.lookup_key);
        assert_eq!(a.reply_public, b.reply_public);
        assert_eq!(a.claim_token, b.claim_token);
        assert_ne!(a.lookup_key.0, *a.reply_secret);
        assert_eq!(
            ClaimToken::parse(&a.claim_token.grouped()).unwrap(),
            a.claim_token
        );
        let other_salt = code
            .derive(&[4u8; SALT_LEN], KdfParams::INSECURE_FOR_TESTS)
            .unwrap();
        assert_ne!(a.lookup_key, other_salt.lookup_key);
    }

    #[test]
    fn debug_output_is_redacted() {
        let code = ReceiptCode::generate();
        let keys = code
            .derive(&[0u8; SALT_LEN], KdfParams::INSECURE_FOR_TESTS)
            .unwrap();
        for shown in [
            format!("{code:?}"),
            format!("{keys:?}"),
            format!("{:?}", keys.claim_token),
        ] {
            assert!(!shown.contains(code.digits()));
            assert!(shown.contains("redacted"));
        }
    }
}
