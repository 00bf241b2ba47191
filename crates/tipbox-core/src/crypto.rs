//! The one place tipbox touches sodiumoxide (libsodium).
//!
//! sodiumoxide is deprecated upstream (RUSTSEC-2021-0137, see SECURITY.md); keeping every
//! call behind this small module means it can be swapped for another libsodium binding or
//! for RustCrypto crates without touching the rest of the code. Everything returned that is
//! secret comes back in a zeroizing type.

use std::sync::Once;

use sodiumoxide::crypto::{box_, kdf, pwhash::argon2id13, sealedbox, secretbox, sign};
use zeroize::Zeroizing;

/// Initialise libsodium once (it picks its fastest implementations and seeds its RNG).
pub fn init() {
    static INIT: Once = Once::new();
    INIT.call_once(|| {
        sodiumoxide::init().expect("libsodium failed to initialise");
    });
}

/// argon2id cost parameters. Stored in the portal's metadata so that a later change of the
/// defaults never breaks lookups of receipts issued earlier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KdfParams {
    /// Passes over memory (libsodium "opslimit").
    pub passes: u64,
    /// Memory in bytes (libsodium "memlimit").
    pub memory: usize,
}

impl KdfParams {
    /// 8 MiB, 32 passes (portals created by earlier versions keep the 64 MiB x 2 recorded
    /// in their `portal.json`). About 47 ms on one core of the benchmark machine (64 MiB x 2:
    /// 52-62 ms), and it scales over all cores, where 64 MiB derivations contend for memory
    /// bandwidth and the kernel's page work: both cores derive 26-40% more receipts per
    /// second, and each derivation holds 8 MiB instead of 64. Receipts carry 89.7 bits of
    /// entropy, so the KDF's job is to make a seized store's lookup keys costly to test at
    /// scale, not to stretch a weak password; the brute-force arithmetic and what the smaller
    /// memory costs are in SECURITY.md, the measurements in docs/performance.md
    /// (`bench/run --kdf`).
    pub const DEFAULT: KdfParams = KdfParams {
        passes: 32,
        memory: 8 * 1024 * 1024,
    };

    /// Parameters a portal may record: what libsodium accepts (at least 1 pass and 8 KiB),
    /// and at most 4 GiB and 65,536 passes. Far beyond any sensible choice, the upper bounds
    /// turn a damaged or mistyped `portal.json` into a clear refusal at startup, instead of
    /// every derivation failing, or one asking for more memory than the machine has.
    pub fn is_within_bounds(&self) -> bool {
        (1..=1 << 16).contains(&self.passes) && (8 << 10..=4 << 30).contains(&self.memory)
    }

    /// Cheap parameters for tests of code paths that do not care about KDF cost.
    pub const INSECURE_FOR_TESTS: KdfParams = KdfParams {
        passes: 1,
        memory: 8 * 1024,
    };
}

pub const SALT_LEN: usize = argon2id13::SALTBYTES;
pub const KEY_LEN: usize = 32;

/// argon2id(secret, salt) -> 32-byte master key.
pub fn argon2id(
    secret: &[u8],
    salt: &[u8; SALT_LEN],
    params: KdfParams,
) -> Result<Zeroizing<[u8; KEY_LEN]>, CryptoError> {
    init();
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    argon2id13::derive_key(
        &mut out[..],
        secret,
        &argon2id13::Salt(*salt),
        argon2id13::OpsLimit(params.passes as usize),
        argon2id13::MemLimit(params.memory),
    )
    .map_err(|()| CryptoError::Kdf)?;
    Ok(out)
}

/// Derive an independent 32-byte subkey from a master key (libsodium crypto_kdf, BLAKE2b).
/// Knowing one subkey reveals nothing about the master key or the other subkeys.
pub fn subkey(
    master: &[u8; KEY_LEN],
    id: u64,
    context: &[u8; 8],
) -> Result<Zeroizing<[u8; KEY_LEN]>, CryptoError> {
    init();
    let mut out = Zeroizing::new([0u8; KEY_LEN]);
    let key = kdf::blake2b::Key(*master);
    kdf::blake2b::derive_from_key(&mut out[..], id, *context, &key)
        .map_err(|()| CryptoError::Kdf)?;
    Ok(out)
}

/// BLAKE2b-256 of `data` (unkeyed): used for claim-token verifiers and content checksums.
pub fn hash256(data: &[u8]) -> [u8; 32] {
    let mut h = Hasher::new();
    h.update(data);
    h.finalize()
}

/// SHA-256 of `data`: where a standard names it (a Content-Security-Policy hash).
pub fn sha256(data: &[u8]) -> [u8; 32] {
    sodiumoxide::crypto::hash::sha256::hash(data).0
}

/// Keyed BLAKE2b-256 (a MAC): only holders of `key` can make or check it.
pub fn mac(key: &[u8; KEY_LEN], message: &[u8]) -> [u8; 32] {
    init();
    let mut state = sodiumoxide::crypto::generichash::State::new(Some(32), Some(&key[..]))
        .expect("32 is a valid BLAKE2b length and key length");
    state.update(message).expect("hash state is fresh");
    let digest = state.finalize().expect("hash state is fresh");
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// Compare two MACs in constant time.
pub fn mac_eq(a: &[u8; 32], b: &[u8; 32]) -> bool {
    ct_eq(a, b)
}

/// Whether two secrets (tokens, MACs) are equal, in time that does not depend on where
/// they differ (libsodium's `sodium_memcmp`; different lengths are simply unequal).
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    init();
    sodiumoxide::utils::memcmp(a, b)
}

/// Streaming BLAKE2b-256, for checksums over large files.
pub struct Hasher(sodiumoxide::crypto::generichash::State);

impl Hasher {
    pub fn new() -> Self {
        init();
        Hasher(
            sodiumoxide::crypto::generichash::State::new(Some(32), None)
                .expect("32 is a valid BLAKE2b length"),
        )
    }
    pub fn update(&mut self, data: &[u8]) {
        self.0.update(data).expect("hash state is fresh");
    }
    pub fn finalize(self) -> [u8; 32] {
        let digest = self.0.finalize().expect("hash state is fresh");
        let mut out = [0u8; 32];
        out.copy_from_slice(digest.as_ref());
        out
    }
}

impl Default for Hasher {
    fn default() -> Self {
        Self::new()
    }
}

/// A streaming checksum that [`HashingWriter`] can feed (BLAKE2b here, and the inbox
/// bundle's versioned checksum).
pub trait Checksummer {
    fn update(&mut self, data: &[u8]);
}

impl Checksummer for Hasher {
    fn update(&mut self, data: &[u8]) {
        Hasher::update(self, data)
    }
}

/// A writer that hashes everything written through it (bundle and backup checksums).
pub struct HashingWriter<W: std::io::Write, H: Checksummer = Hasher> {
    pub inner: W,
    pub hasher: H,
}

impl<W: std::io::Write> HashingWriter<W> {
    pub fn new(inner: W) -> Self {
        Self::with_hasher(inner, Hasher::new())
    }
}

impl<W: std::io::Write, H: Checksummer> HashingWriter<W, H> {
    pub fn with_hasher(inner: W, hasher: H) -> Self {
        HashingWriter { inner, hasher }
    }
}

impl<W: std::io::Write, H: Checksummer> std::io::Write for HashingWriter<W, H> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A reader that hashes everything read through it.
pub struct HashingReader<R: std::io::Read> {
    pub inner: R,
    pub hasher: Hasher,
}

impl<R: std::io::Read> HashingReader<R> {
    pub fn new(inner: R) -> Self {
        HashingReader {
            inner,
            hasher: Hasher::new(),
        }
    }
}

impl<R: std::io::Read> std::io::Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// X25519 public key for a secret scalar (the reporter's reply key pair).
pub fn x25519_public(secret: &[u8; KEY_LEN]) -> [u8; 32] {
    init();
    box_::SecretKey(*secret).public_key().0
}

/// X25519 (RFC 7748) of a secret scalar and a peer's public key: the shared secret, or
/// `None` when it is all zeros (a low-order peer key, which libsodium rejects, as age does).
pub fn x25519(secret: &[u8; KEY_LEN], public: &[u8; 32]) -> Option<Zeroizing<[u8; 32]>> {
    use sodiumoxide::crypto::scalarmult::curve25519 as x;
    use zeroize::Zeroize;
    init();
    let mut shared = x::scalarmult(&x::Scalar(*secret), &x::GroupElement(*public)).ok()?;
    let out = Zeroizing::new(shared.0);
    shared.0.zeroize();
    Some(out)
}

/// Seal `msg` to an X25519 public key (anonymous sender; libsodium sealed box).
pub fn seal_to(public: &[u8; 32], msg: &[u8]) -> Vec<u8> {
    init();
    sealedbox::seal(msg, &box_::PublicKey(*public))
}

/// Open a sealed box with the X25519 secret scalar.
pub fn open_sealed(
    secret: &[u8; KEY_LEN],
    sealed: &[u8],
) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    init();
    let sk = box_::SecretKey(*secret);
    let pk = sk.public_key();
    sealedbox::open(sealed, &pk, &sk)
        .map(Zeroizing::new)
        .map_err(|()| CryptoError::Open)
}

/// Encrypt `msg` with a 32-byte secret key (XSalsa20-Poly1305, libsodium secretbox); the
/// random nonce goes in front.
pub fn secretbox_seal(key: &[u8; 32], msg: &[u8]) -> Vec<u8> {
    init();
    let nonce = secretbox::gen_nonce();
    let mut out = nonce.0.to_vec();
    out.extend_from_slice(&secretbox::seal(msg, &nonce, &secretbox::Key(*key)));
    out
}

/// Open what [`secretbox_seal`] made with the same key.
pub fn secretbox_open(key: &[u8; 32], sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
    init();
    if sealed.len() < secretbox::NONCEBYTES {
        return Err(CryptoError::Open);
    }
    let (nonce, body) = sealed.split_at(secretbox::NONCEBYTES);
    let nonce = secretbox::Nonce::from_slice(nonce).ok_or(CryptoError::Open)?;
    secretbox::open(body, &nonce, &secretbox::Key(*key))
        .map(Zeroizing::new)
        .map_err(|()| CryptoError::Open)
}

/// An ed25519 signing key pair; the secret half zeroizes on drop (sodiumoxide's type does).
pub struct SigningKey {
    secret: sign::SecretKey,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey([redacted])")
    }
}

impl SigningKey {
    pub fn generate() -> Self {
        init();
        let (_, secret) = sign::gen_keypair();
        SigningKey { secret }
    }
    /// From the 32-byte seed (what tipbox stores, encrypted).
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        init();
        let (_, secret) = sign::keypair_from_seed(&sign::Seed(*seed));
        SigningKey { secret }
    }
    pub fn seed(&self) -> Zeroizing<[u8; 32]> {
        let mut out = Zeroizing::new([0u8; 32]);
        out.copy_from_slice(&self.secret.0[..32]);
        out
    }
    pub fn verify_key(&self) -> [u8; 32] {
        self.secret.public_key().0
    }
    pub fn sign(&self, msg: &[u8]) -> [u8; 64] {
        sign::sign_detached(msg, &self.secret).to_bytes()
    }
}

/// Check an ed25519 signature.
pub fn verify_signature(verify_key: &[u8; 32], msg: &[u8], signature: &[u8; 64]) -> bool {
    init();
    match sign::Signature::from_bytes(&signature[..]) {
        Ok(sig) => sign::verify_detached(&sig, msg, &sign::PublicKey(*verify_key)),
        Err(_) => false,
    }
}

/// Fill `buf` from the operating system's CSPRNG.
pub fn random_bytes(buf: &mut [u8]) {
    getrandom::fill(buf).expect("the operating system's random number generator failed");
}

#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    #[error("key derivation failed (out of memory?)")]
    Kdf,
    #[error("sealed message could not be opened")]
    Open,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subkeys_differ_by_id_and_are_deterministic() {
        let master = [7u8; 32];
        let a = subkey(&master, 1, b"tipboxRc").unwrap();
        let b = subkey(&master, 2, b"tipboxRc").unwrap();
        assert_ne!(*a, *b);
        assert_eq!(*a, *subkey(&master, 1, b"tipboxRc").unwrap());
    }

    #[test]
    fn sealed_box_round_trip() {
        let secret = [9u8; 32];
        let public = x25519_public(&secret);
        let sealed = seal_to(&public, b"reply");
        assert_eq!(&open_sealed(&secret, &sealed).unwrap()[..], b"reply");
        assert!(open_sealed(&[8u8; 32], &sealed).is_err());
    }

    #[test]
    fn signatures_verify_and_reject_tampering() {
        let key = SigningKey::generate();
        let sig = key.sign(b"bundle");
        assert!(verify_signature(&key.verify_key(), b"bundle", &sig));
        assert!(!verify_signature(&key.verify_key(), b"bundlE", &sig));
        let again = SigningKey::from_seed(&key.seed());
        assert_eq!(again.verify_key(), key.verify_key());
        assert_eq!(format!("{again:?}"), "SigningKey([redacted])");
    }
}
