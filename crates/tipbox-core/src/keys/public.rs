//! The public halves of the office's keys, as a portal is given them: age recipients and
//! the verify key.

use std::str::FromStr;

use super::KeyError;

/// Parse an age X25519 recipient (`age1...`).
pub fn parse_recipient(s: &str) -> Result<age::x25519::Recipient, KeyError> {
    age::x25519::Recipient::from_str(s.trim()).map_err(|_| KeyError::BadRecipient(shorten(s)))
}

/// Parse an ed25519 verify key (64 hex characters).
pub fn parse_verify_key(s: &str) -> Result<[u8; 32], KeyError> {
    let bytes = hex::decode(s.trim()).map_err(|_| KeyError::BadVerifyKey(shorten(s)))?;
    bytes
        .try_into()
        .map_err(|_| KeyError::BadVerifyKey(shorten(s)))
}

fn shorten(s: &str) -> String {
    s.trim().chars().take(80).collect()
}

/// The office's age recipients a portal seals to. Every tip is sealed to all of them.
#[derive(Clone)]
pub struct Recipients(std::sync::Arc<Vec<age::x25519::Recipient>>);

impl Recipients {
    pub fn new(list: Vec<age::x25519::Recipient>) -> Option<Self> {
        if list.is_empty() {
            None
        } else {
            Some(Recipients(std::sync::Arc::new(list)))
        }
    }
    pub fn list(&self) -> &[age::x25519::Recipient] {
        &self.0
    }
    /// Short fingerprint of the recipient set, recorded with each blob so the ledger knows
    /// which keys sealed it after keys are rotated.
    pub fn fingerprint(&self) -> String {
        let mut all: Vec<String> = self.0.iter().map(|r| r.to_string()).collect();
        all.sort();
        hex::encode(&crate::crypto::hash256(all.join("\n").as_bytes())[..8])
    }
}
