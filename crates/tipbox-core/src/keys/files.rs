//! Making the office's key files and changing them: a new office, another identity,
//! retiring recipients, a new passphrase, a new signing key. What each change leaves when a
//! crash cuts it short is said with it.

use std::fs;
use std::io::Write;
use std::path::Path;

use age::secrecy::{ExposeSecret, SecretString};
use zeroize::Zeroizing;

use super::unlock::{read_key_file, read_secret};
use super::{
    load_identities, load_signing_key, Identity, KeyError, IDENTITY_FILE, RECIPIENT_FILE,
    RETIRED_RECIPIENTS_FILE, RETIRED_VERIFY_KEYS_FILE, SIGNING_KEY_FILE, VERIFY_KEY_FILE,
};
use crate::crypto::SigningKey;

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
    // 0700: the ledger and its keys are the office's alone (also the folders above it
    // that this creates, such as a new ledger's own).
    crate::durable::create_private_dir(dir).map_err(io(dir))?;
    for name in [IDENTITY_FILE, SIGNING_KEY_FILE] {
        let p = dir.join(name);
        if p.exists() {
            return Err(KeyError::Exists(p));
        }
    }
    let identity = Identity::generate();
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
    let identity = Identity::generate();
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
    crate::durable::rename_into_place(&tmp, &path).map_err(|source| KeyError::Io {
        path: path.clone(),
        source,
    })?;
    append_durably(&dir.join(RECIPIENT_FILE), &format!("{recipient}\n"))?;
    Ok(recipient)
}

/// Append `text` to the public key file `path` (made if missing) and sync it.
fn append_durably(path: &Path, text: &str) -> Result<(), KeyError> {
    fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut f| {
            f.write_all(text.as_bytes())?;
            f.sync_all()
        })
        .map_err(|source| KeyError::Io {
            path: path.to_owned(),
            source,
        })
}

/// Stop sealing to every recipient but `keep` (after `add_identity`, when the old
/// identities may have been copied): `recipient.txt` then names `keep` only, and the others
/// go to `retired-recipients.txt`. Their identities stay in `identity.age`, so what was
/// sealed to them stays readable here.
pub fn retire_other_recipients(dir: &Path, keep: &str, today: &str) -> Result<(), KeyError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| KeyError::Io { path, source }
    };
    let rpath = dir.join(RECIPIENT_FILE);
    let listed = fs::read_to_string(&rpath).map_err(io(&rpath))?;
    let retired: Vec<&str> = listed
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && *l != keep)
        .collect();
    if !retired.is_empty() {
        append_durably(
            &dir.join(RETIRED_RECIPIENTS_FILE),
            &format!("# retired {today}\n{}\n", retired.join("\n")),
        )?;
    }
    crate::durable::write_atomically(&rpath, format!("{keep}\n").as_bytes()).map_err(io(&rpath))
}

/// Change the passphrase that protects the office's identity and signing key (someone who
/// knew it has left, or it may have been seen).
///
/// Both files are read, written again under the new passphrase with temporary names and
/// synced, then renamed one after the other. A crash between the renames leaves one file
/// under each passphrase: running the change again with the same two passphrases finishes
/// it (a file the current passphrase does not open is tried with the new one), and so does
/// any command given the new passphrase (`read_key_file` finishes the rename).
pub fn change_passphrase(
    dir: &Path,
    current: &SecretString,
    new: &SecretString,
) -> Result<(), KeyError> {
    let mut plaintexts = Vec::new();
    for name in [IDENTITY_FILE, SIGNING_KEY_FILE] {
        let text = match read_key_file(dir, name, current) {
            Err(KeyError::WrongPassphrase(path)) => {
                read_secret(&path, new).map_err(|_| KeyError::WrongPassphrase(path))?
            }
            other => other?,
        };
        plaintexts.push((name, text));
    }
    for (name, text) in &plaintexts {
        let tmp = dir.join(format!("{name}.new"));
        let _ = fs::remove_file(&tmp);
        write_secret(&tmp, text, new)?;
    }
    for (name, _) in &plaintexts {
        let path = dir.join(name);
        crate::durable::rename_into_place(&dir.join(format!("{name}.new")), &path)
            .map_err(|source| KeyError::Io { path, source })?;
    }
    Ok(())
}

/// The two verify keys of a signing-key change.
pub struct ReplacedSigningKey {
    pub retired: String,
    pub current: String,
}

/// Replace the office's signing key (it may have leaked, or a holder of the passphrase has
/// left): a new one is encrypted with the same passphrase and takes the old one's place.
/// The old verify key is added to `retired-verify-keys.txt`; `verify-key.txt` names the new
/// one. The portal accepts nothing signed by the old key once its `verify_key` is changed.
///
/// Order, for a crash at any point: the new key is written and synced under a temporary
/// name; the old verify key is recorded as retired; then the rename makes the change.
/// Before the rename the old key is still the office's (a second run records it twice);
/// after it, `verify-key.txt` is brought up to date here or, failing that, by the next
/// [`load_signing_key`].
pub fn replace_signing_key(
    dir: &Path,
    passphrase: &SecretString,
    today: &str,
) -> Result<ReplacedSigningKey, KeyError> {
    let old = load_signing_key(dir, passphrase)?;
    let retired = hex::encode(old.verify_key());
    drop(old);
    let new = SigningKey::generate();
    let current = hex::encode(new.verify_key());
    let path = dir.join(SIGNING_KEY_FILE);
    let tmp = dir.join(format!("{SIGNING_KEY_FILE}.new"));
    let _ = fs::remove_file(&tmp);
    let seed_hex = Zeroizing::new(hex::encode(*new.seed()));
    write_secret(&tmp, seed_hex.as_bytes(), passphrase)?;
    append_durably(
        &dir.join(RETIRED_VERIFY_KEYS_FILE),
        &format!("# retired {today}\n{retired}\n"),
    )?;
    crate::durable::rename_into_place(&tmp, &path)
        .map_err(|source| KeyError::Io { path, source })?;
    sync_verify_key_file(dir, &new)?;
    Ok(ReplacedSigningKey { retired, current })
}

/// Make `verify-key.txt` name `key`'s verify key, if it does not already (after a
/// signing-key change cut short between its two files).
pub(super) fn sync_verify_key_file(dir: &Path, key: &SigningKey) -> Result<(), KeyError> {
    let path = dir.join(VERIFY_KEY_FILE);
    let expected = hex::encode(key.verify_key());
    if fs::read_to_string(&path).is_ok_and(|t| t.trim() == expected) {
        return Ok(());
    }
    crate::durable::write_atomically(&path, format!("{expected}\n").as_bytes())
        .map_err(|source| KeyError::Io { path, source })
}

fn write_secret(path: &Path, plaintext: &[u8], passphrase: &SecretString) -> Result<(), KeyError> {
    let io = |source| KeyError::Io {
        path: path.to_owned(),
        source,
    };
    let file = crate::durable::create_new_private_file(path).map_err(io)?;
    let encryptor = age::Encryptor::with_user_passphrase(passphrase.clone());
    let mut w = encryptor.wrap_output(file).map_err(io)?;
    w.write_all(plaintext).map_err(io)?;
    let file = w.finish().map_err(io)?;
    file.sync_all().map_err(io)
}
