//! The office's key files.
//!
//! ```text
//! KEYS/
//!   identity.age     age X25519 identity, encrypted with the passphrase (age scrypt)
//!   signing-key.age  ed25519 seed (hex), encrypted with the passphrase (age scrypt)
//!   recipient.txt    the public age recipient, for the portal's config
//!   verify-key.txt   the public ed25519 verify key (hex), for the portal's config
//! ```
//! Secret files are written 0600 and never overwritten. The public halves are what the
//! portal holds: it can seal tips and check signatures, never open tips or sign.

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use age::secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use crate::crypto::SigningKey;

pub const IDENTITY_FILE: &str = "identity.age";
pub const SIGNING_KEY_FILE: &str = "signing-key.age";
pub const RECIPIENT_FILE: &str = "recipient.txt";
pub const VERIFY_KEY_FILE: &str = "verify-key.txt";

#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("{0} already exists; refusing to overwrite a key. Use another folder or move the old keys away first")]
    Exists(PathBuf),
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("wrong passphrase for {0} (or the file is not a tipbox key file)")]
    WrongPassphrase(PathBuf),
    #[error("{0} can be read by other users (mode {1:o}); a secret key must be private. Fix it with: chmod 600 {0}")]
    TooOpen(PathBuf, u32),
    #[error("{0} is damaged: it decrypts but does not hold a valid key")]
    Damaged(PathBuf),
    #[error("'{0}' is not an age recipient; it should look like age1... as printed by `tipbox-review init`")]
    BadRecipient(String),
    #[error("'{0}' is not a verify key; it should be 64 hexadecimal characters as printed by `tipbox-review init`")]
    BadVerifyKey(String),
}

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

/// The public halves, as printed by `tipbox-review init`.
pub struct PublicKeys {
    pub recipient: String,
    pub verify_key: String,
}

/// Create a new identity and signing key in `dir`, both encrypted with `passphrase`.
pub fn generate(dir: &Path, passphrase: &SecretString) -> Result<PublicKeys, KeyError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| KeyError::Io { path, source }
    };
    fs::create_dir_all(dir).map_err(io(dir))?;
    for name in [IDENTITY_FILE, SIGNING_KEY_FILE] {
        let p = dir.join(name);
        if p.exists() {
            return Err(KeyError::Exists(p));
        }
    }
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let signing = SigningKey::generate();
    let verify_key = hex::encode(signing.verify_key());

    let identity_text = Zeroizing::new(format!(
        "# tipbox office identity\n# public key: {recipient}\n{}\n",
        identity.to_string().expose_secret()
    ));
    let seed_hex = Zeroizing::new(hex::encode(*signing.seed()));
    write_secret(
        &dir.join(IDENTITY_FILE),
        identity_text.as_bytes(),
        passphrase,
    )?;
    write_secret(&dir.join(SIGNING_KEY_FILE), seed_hex.as_bytes(), passphrase)?;
    fs::write(dir.join(RECIPIENT_FILE), format!("{recipient}\n"))
        .map_err(io(&dir.join(RECIPIENT_FILE)))?;
    fs::write(dir.join(VERIFY_KEY_FILE), format!("{verify_key}\n"))
        .map_err(io(&dir.join(VERIFY_KEY_FILE)))?;
    Ok(PublicKeys {
        recipient,
        verify_key,
    })
}

/// Add a new age identity to an existing office (key rotation, or one more reviewer key):
/// the old identities stay in `identity.age`, so tips sealed to them remain readable.
/// Returns the new recipient; `recipient.txt` then lists every recipient.
pub fn add_identity(dir: &Path, passphrase: &SecretString) -> Result<String, KeyError> {
    let old = load_identities(dir, passphrase)?;
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public().to_string();
    let mut text = Zeroizing::new(String::from("# tipbox office identities (newest last)\n"));
    for id in old.iter().chain(std::iter::once(&identity)) {
        text.push_str(&format!(
            "# public key: {}\n{}\n",
            id.to_public(),
            id.to_string().expose_secret()
        ));
    }
    let path = dir.join(IDENTITY_FILE);
    let tmp = dir.join(format!("{IDENTITY_FILE}.new"));
    let _ = fs::remove_file(&tmp);
    write_secret(&tmp, text.as_bytes(), passphrase)?;
    fs::rename(&tmp, &path).map_err(|source| KeyError::Io {
        path: path.clone(),
        source,
    })?;
    let rpath = dir.join(RECIPIENT_FILE);
    let mut f = fs::OpenOptions::new()
        .append(true)
        .open(&rpath)
        .map_err(|source| KeyError::Io {
            path: rpath.clone(),
            source,
        })?;
    writeln!(f, "{recipient}").map_err(|source| KeyError::Io {
        path: rpath.clone(),
        source,
    })?;
    Ok(recipient)
}

fn write_secret(path: &Path, plaintext: &[u8], passphrase: &SecretString) -> Result<(), KeyError> {
    let io = |source| KeyError::Io {
        path: path.to_owned(),
        source,
    };
    let mut opts = fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let file = opts.open(path).map_err(io)?;
    let encryptor = age::Encryptor::with_user_passphrase(passphrase.clone());
    let mut w = encryptor.wrap_output(file).map_err(io)?;
    w.write_all(plaintext).map_err(io)?;
    let file = w.finish().map_err(io)?;
    file.sync_all().map_err(io)
}

fn read_secret(path: &Path, passphrase: &SecretString) -> Result<Zeroizing<Vec<u8>>, KeyError> {
    check_private(path)?;
    let bytes = fs::read(path).map_err(|source| KeyError::Io {
        path: path.to_owned(),
        source,
    })?;
    let decryptor = age::Decryptor::new_buffered(&bytes[..])
        .map_err(|_| KeyError::WrongPassphrase(path.to_owned()))?;
    let identity = age::scrypt::Identity::new(passphrase.clone());
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|_| KeyError::WrongPassphrase(path.to_owned()))?;
    let mut out = Zeroizing::new(Vec::new());
    reader
        .read_to_end(&mut out)
        .map_err(|_| KeyError::Damaged(path.to_owned()))?;
    Ok(out)
}

/// A secret key file must be readable by its owner only: refuse it otherwise, saying how
/// to fix it (like ssh does for private keys).
fn check_private(path: &Path) -> Result<(), KeyError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = fs::metadata(path).map_err(|source| KeyError::Io {
            path: path.to_owned(),
            source,
        })?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(KeyError::TooOpen(path.to_owned(), mode));
        }
    }
    Ok(())
}

/// Unlock the office's age identities (one per non-comment line of identity.age).
pub fn load_identities(
    dir: &Path,
    passphrase: &SecretString,
) -> Result<Vec<age::x25519::Identity>, KeyError> {
    load_identities_file(&dir.join(IDENTITY_FILE), passphrase)
}

/// Unlock the identities in a passphrase-encrypted identity file (e.g. a copy kept for
/// restoring backups).
pub fn load_identities_file(
    path: &Path,
    passphrase: &SecretString,
) -> Result<Vec<age::x25519::Identity>, KeyError> {
    let path = path.to_owned();
    let text = read_secret(&path, passphrase)?;
    let text = std::str::from_utf8(&text).map_err(|_| KeyError::Damaged(path.clone()))?;
    let ids: Vec<_> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(age::x25519::Identity::from_str)
        .collect::<Result<_, _>>()
        .map_err(|_| KeyError::Damaged(path.clone()))?;
    if ids.is_empty() {
        return Err(KeyError::Damaged(path));
    }
    Ok(ids)
}

/// Unlock the office's signing key.
pub fn load_signing_key(dir: &Path, passphrase: &SecretString) -> Result<SigningKey, KeyError> {
    let path = dir.join(SIGNING_KEY_FILE);
    let text = read_secret(&path, passphrase)?;
    let seed = hex::decode(text.trim_ascii()).map_err(|_| KeyError::Damaged(path.clone()))?;
    let seed = Zeroizing::new(seed);
    let seed: &[u8; 32] = seed[..]
        .try_into()
        .map_err(|_| KeyError::Damaged(path.clone()))?;
    Ok(SigningKey::from_seed(seed))
}
