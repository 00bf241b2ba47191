//! The office's age identity (X25519), made to open many items: the public key computed
//! once, X25519 in libsodium, the stanza unwrapped exactly as age does.

use std::str::FromStr;

use age::secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

/// An office identity (age X25519), made to open many items.
///
/// Every item of a tip is sealed to the office with its own ephemeral key, so opening one
/// costs one X25519, and an import or a search opens a hundred thousand. age's own identity
/// also recomputes its public key (a base-point multiplication, ~13 µs) for every item and
/// runs X25519 in portable code (~40 µs); this one computes the public key once and runs
/// X25519 in libsodium (~33 µs), about a third less per item (see docs/performance.md).
/// It unwraps exactly the stanza age's does (c2sp.org/age, "X25519 recipient stanza"),
/// with age-core's own HKDF and AEAD; `tests` checks it against age's identity, hostile
/// stanzas included.
pub struct Identity {
    age: age::x25519::Identity,
    secret: Zeroizing<[u8; 32]>,
    public: [u8; 32],
}

/// The stanza's tag and its HKDF label, from the age specification.
const X25519_TAG: &str = "X25519";
const X25519_LABEL: &[u8] = b"age-encryption.org/v1/X25519";

impl Identity {
    /// A new random identity.
    pub fn generate() -> Self {
        Self::from(age::x25519::Identity::generate())
    }

    /// The recipient (`age1...`) that items for this identity are sealed to.
    pub fn to_public(&self) -> age::x25519::Recipient {
        self.age.to_public()
    }

    /// The secret key as age writes it (`AGE-SECRET-KEY-1...`).
    pub fn to_string(&self) -> SecretString {
        self.age.to_string()
    }

    /// A MAC over `message` that only holders of this identity can make or check: keyed
    /// BLAKE2b, with a key derived from the secret scalar for `purpose` alone (libsodium's
    /// BLAKE2b KDF), so it is independent of the X25519 use of the same secret.
    pub fn mac(&self, purpose: &[u8; 8], message: &[u8]) -> [u8; 32] {
        let key = crate::crypto::subkey(&self.secret, 1, purpose)
            .expect("BLAKE2b key derivation with valid lengths does not fail");
        crate::crypto::mac(&key, message)
    }
}

impl From<age::x25519::Identity> for Identity {
    fn from(age: age::x25519::Identity) -> Self {
        // age keeps the scalar private; its Bech32 string is the way out.
        let encoded = age.to_string();
        let secret = age_core::primitives::bech32_decode(
            encoded.expose_secret(),
            |_| (),
            |_| Ok(()),
            |_, bytes| {
                let mut secret = Zeroizing::new([0u8; 32]);
                let mut len = 0;
                for (slot, byte) in secret.iter_mut().zip(bytes) {
                    *slot = byte;
                    len += 1;
                }
                (len == 32).then_some(secret).ok_or(())
            },
        )
        .expect("age writes the identities it holds as valid 32-byte Bech32");
        let public = crate::crypto::x25519_public(&secret);
        Identity {
            age,
            secret,
            public,
        }
    }
}

impl FromStr for Identity {
    type Err = &'static str;

    /// Parse `AGE-SECRET-KEY-1...` (age does the parsing).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        age::x25519::Identity::from_str(s).map(Identity::from)
    }
}

impl age::Identity for Identity {
    fn unwrap_stanza(
        &self,
        stanza: &age_core::format::Stanza,
    ) -> Option<Result<age_core::format::FileKey, age::DecryptError>> {
        use base64::{prelude::BASE64_STANDARD_NO_PAD, Engine};
        if stanza.tag != X25519_TAG {
            return None;
        }
        let invalid = Some(Err(age::DecryptError::InvalidHeader));
        // Exactly one argument, the canonical unpadded base64 of 32 bytes, and a body of a
        // wrapped 16-byte file key plus its tag: as age requires.
        let [arg] = &stanza.args[..] else {
            return invalid;
        };
        let mut ephemeral = [0u8; 33];
        match BASE64_STANDARD_NO_PAD.decode_slice(arg, &mut ephemeral) {
            Ok(32) => {}
            _ => return invalid,
        }
        let ephemeral: [u8; 32] = ephemeral[..32].try_into().expect("32 bytes");
        if stanza.body.len() != 32 {
            return invalid;
        }
        // An all-zero shared secret (a low-order ephemeral key) is refused.
        let Some(shared) = crate::crypto::x25519(&self.secret, &ephemeral) else {
            return invalid;
        };
        let mut salt = [0u8; 64];
        salt[..32].copy_from_slice(&ephemeral);
        salt[32..].copy_from_slice(&self.public);
        let key = Zeroizing::new(age_core::primitives::hkdf(&salt, X25519_LABEL, &shared[..]));
        // Not ours (or damaged): another identity may still open it.
        let file_key =
            Zeroizing::new(age_core::primitives::aead_decrypt(&key, 16, &stanza.body).ok()?);
        Some(Ok(age_core::format::FileKey::init_with_mut(|k| {
            k.copy_from_slice(&file_key)
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use age::{Identity as _, Recipient as _};
    use age_core::format::{FileKey, Stanza};
    use base64::{prelude::BASE64_STANDARD_NO_PAD, Engine};

    /// A known answer computed independently (Python's hashlib): libsodium's BLAKE2b KDF
    /// (key = the secret scalar, salt = subkey id 1 little-endian, personal = the purpose)
    /// then keyed BLAKE2b-256. Backups made today must verify with tomorrow's code.
    #[test]
    fn identity_mac_matches_its_specification() {
        let id: Identity =
            "AGE-SECRET-KEY-13UYCG7JGPW8M97K9SPWGA80VLPVY5HK0XP9X4NQ7S4SEQSED7ZESVJMK99"
                .parse()
                .unwrap();
        assert_eq!(
            hex::encode(id.mac(b"tbBackup", b"abc")),
            "f7023863025d6bef646adf76db136a623efe12a02fd37f6d1f1c08fc2e7d19e0"
        );
        assert_ne!(id.mac(b"tbOther_", b"abc"), id.mac(b"tbBackup", b"abc"));
        assert_ne!(
            Identity::generate().mac(b"tbBackup", b"abc"),
            id.mac(b"tbBackup", b"abc")
        );
    }

    /// What an identity made of a stanza: not ours, refused, or this file key.
    fn outcome(r: Option<Result<FileKey, age::DecryptError>>) -> String {
        match r {
            None => "not ours".into(),
            Some(Err(e)) => format!("refused: {e:?}"),
            Some(Ok(k)) => format!("key {}", hex::encode(k.expose_secret())),
        }
    }

    /// Both identities, ours and age's, on the same stanza: they must agree exactly.
    fn agree(ours: &Identity, stanza: &Stanza) -> String {
        let theirs: age::x25519::Identity = ours.to_string().expose_secret().parse().unwrap();
        let a = outcome(ours.unwrap_stanza(stanza));
        let b = outcome(theirs.unwrap_stanza(stanza));
        assert_eq!(a, b, "tipbox's and age's identities disagree on {stanza:?}");
        a
    }

    fn file_key(byte: u8) -> FileKey {
        FileKey::new(Box::new([byte; 16]))
    }

    /// A stanza wrapping `key` for `public` as an X25519 recipient would, except that the
    /// ephemeral share is `share` and the shared secret is `shared` (crafted cases).
    fn crafted(share: [u8; 32], shared: &[u8; 32], public: &[u8; 32], key: &FileKey) -> Stanza {
        let mut salt = [0u8; 64];
        salt[..32].copy_from_slice(&share);
        salt[32..].copy_from_slice(public);
        let wrap = age_core::primitives::hkdf(&salt, X25519_LABEL, shared);
        Stanza {
            tag: X25519_TAG.into(),
            args: vec![BASE64_STANDARD_NO_PAD.encode(share)],
            body: age_core::primitives::aead_encrypt(&wrap, key.expose_secret()),
        }
    }

    #[test]
    fn identity_unwraps_what_age_wraps_and_agrees_with_age() {
        let ours = Identity::generate();
        let stranger = Identity::generate();
        for byte in 0..32u8 {
            let (stanzas, _) = ours.to_public().wrap_file_key(&file_key(byte)).unwrap();
            assert_eq!(
                agree(&ours, &stanzas[0]),
                format!("key {}", hex::encode([byte; 16]))
            );
            assert_eq!(agree(&stranger, &stanzas[0]), "not ours");
        }
        // And through a whole age file, as the ledger opens items.
        let mut sealed = vec![];
        let mut w = age::Encryptor::with_recipients(std::iter::once(
            &ours.to_public() as &dyn age::Recipient
        ))
        .unwrap()
        .wrap_output(&mut sealed)
        .unwrap();
        std::io::Write::write_all(&mut w, "举报材料".as_bytes()).unwrap();
        w.finish().unwrap();
        let mut plain = String::new();
        std::io::Read::read_to_string(
            &mut age::Decryptor::new(&sealed[..])
                .unwrap()
                .decrypt(std::iter::once(&ours as &dyn age::Identity))
                .unwrap(),
            &mut plain,
        )
        .unwrap();
        assert_eq!(plain, "举报材料");
    }

    #[test]
    fn identity_refuses_every_malformed_stanza_as_age_does() {
        let ours = Identity::generate();
        let (stanzas, _) = ours.to_public().wrap_file_key(&file_key(7)).unwrap();
        let good = stanzas.into_iter().next().unwrap();
        let arg = good.args[0].clone();
        let with = |f: &dyn Fn(&mut Stanza)| {
            let mut s = Stanza {
                tag: good.tag.clone(),
                args: good.args.clone(),
                body: good.body.clone(),
            };
            f(&mut s);
            s
        };
        let cases: Vec<(&str, Stanza)> = vec![
            ("another tag", with(&|s| s.tag = "scrypt".into())),
            ("no argument", with(&|s| s.args.clear())),
            ("two arguments", with(&|s| s.args.push(arg.clone()))),
            ("padded base64", with(&|s| s.args[0].push('='))),
            ("31 bytes", with(&|s| s.args[0].truncate(41))),
            (
                "33 bytes",
                with(&|s| s.args[0] = BASE64_STANDARD_NO_PAD.encode([1u8; 33])),
            ),
            (
                // The last character of 32 bytes in base64 carries two unused bits: set one.
                "non-canonical base64",
                with(&|s| {
                    const ALPHABET: &str =
                        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
                    let i = ALPHABET.find(s.args[0].pop().unwrap()).unwrap();
                    s.args[0].push(ALPHABET.as_bytes()[i ^ 1] as char);
                }),
            ),
            ("short body", with(&|s| s.body.truncate(31))),
            ("long body", with(&|s| s.body.push(0))),
            ("empty body", with(&|s| s.body.clear())),
            ("flipped body", with(&|s| s.body[3] ^= 1)),
        ];
        for (what, stanza) in &cases {
            let got = agree(&ours, stanza);
            // Another recipient type, or a wrap that does not open: maybe another key's.
            // Anything else malformed: the header is invalid.
            let expected = match *what {
                "another tag" | "flipped body" => "not ours",
                _ => "refused: InvalidHeader",
            };
            assert_eq!(got, expected, "{what}");
        }
        // Low-order ephemeral shares give an all-zero shared secret: refused by both.
        let low_order = [
            "0000000000000000000000000000000000000000000000000000000000000000",
            "0100000000000000000000000000000000000000000000000000000000000000",
            "ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f",
            "e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800",
            "5f9c95bca3508c24b1d0b1559c83ef5b04445cc4581c8e86d8224eddd09f1157",
        ];
        for hex_share in low_order {
            let share: [u8; 32] = hex::decode(hex_share).unwrap().try_into().unwrap();
            let stanza = with(&|s| s.args[0] = BASE64_STANDARD_NO_PAD.encode(share));
            assert!(agree(&ours, &stanza).starts_with("refused"), "{hex_share}");
        }
    }

    #[test]
    fn identity_reads_unusual_encodings_of_a_share_as_age_does() {
        // X25519 ignores the top bit of a share and reduces it modulo p. u = 9 (the base
        // point) written as p + 9, or with the top bit set, gives the shared secret
        // X25519(secret, 9): the recipient's own public key. Both must unwrap both.
        let ours = Identity::generate();
        let public = ours.public;
        let key = file_key(42);
        let mut nine = [0u8; 32];
        nine[0] = 9;
        let mut p_plus_nine = [0xffu8; 32];
        p_plus_nine[0] = 0xf6;
        p_plus_nine[31] = 0x7f;
        let mut top_bit = nine;
        top_bit[31] |= 0x80;
        for share in [nine, p_plus_nine, top_bit] {
            let stanza = crafted(share, &public, &public, &key);
            assert_eq!(
                agree(&ours, &stanza),
                format!("key {}", hex::encode([42u8; 16])),
                "{}",
                hex::encode(share)
            );
        }
    }

    #[test]
    fn identity_keeps_the_key_it_was_made_from() {
        let age_id = age::x25519::Identity::generate();
        let ours = Identity::from(age_id.clone());
        assert_eq!(ours.to_public().to_string(), age_id.to_public().to_string());
        assert_eq!(
            ours.to_string().expose_secret(),
            age_id.to_string().expose_secret()
        );
        let parsed: Identity = ours.to_string().expose_secret().parse().unwrap();
        assert_eq!(parsed.public, ours.public);
        assert!("AGE-SECRET-KEY-1NOTAKEY".parse::<Identity>().is_err());
    }
}
