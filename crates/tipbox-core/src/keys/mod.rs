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
//!
//! - `identity.rs`: the office's age identity, made to open many items ([`Identity`]);
//! - `sealed.rs`: [`open_sealed`], the bounded reader of every age file from outside;
//! - `files.rs`: making the key files and changing them (new identities, retired
//!   recipients, a new passphrase, a new signing key);
//! - `unlock.rs`: opening the key files with the passphrase;
//! - `public.rs`: the public halves a portal is given ([`Recipients`], verify keys).

mod files;
mod identity;
mod public;
mod sealed;
mod unlock;

use std::path::PathBuf;

pub use files::{
    add_identity, change_passphrase, generate, replace_signing_key, retire_other_recipients,
    PublicKeys, ReplacedSigningKey,
};
pub use identity::Identity;
pub use public::{parse_recipient, parse_verify_key, Recipients};
pub use sealed::{open_sealed, OpenError, Opened, MAX_AGE_HEADER, MAX_STANZAS};
pub use unlock::{
    load_identities, load_identities_file, load_signing_key, unlock_carried_identities,
    MAX_SCRYPT_WORK_FACTOR,
};

pub const IDENTITY_FILE: &str = "identity.age";
pub const SIGNING_KEY_FILE: &str = "signing-key.age";
pub const RECIPIENT_FILE: &str = "recipient.txt";
pub const VERIFY_KEY_FILE: &str = "verify-key.txt";
/// Recipients the office no longer seals to (`init --add-key --retire-old`), with the day.
pub const RETIRED_RECIPIENTS_FILE: &str = "retired-recipients.txt";
/// The office's earlier verify keys, one per line under a comment with the day each was
/// retired: the record of which keys portals were once given.
pub const RETIRED_VERIFY_KEYS_FILE: &str = "retired-verify-keys.txt";

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
    #[error("{path} asks for more passphrase work (scrypt 2^{required}) than tipbox accepts (2^{max}); it was not written by tipbox: use the office's own key file", max = MAX_SCRYPT_WORK_FACTOR)]
    ExcessiveWork { path: PathBuf, required: u8 },
    #[error("{0} can be read by other users (mode {1:o}); a secret key must be private. Fix it with: chmod 600 {0}")]
    TooOpen(PathBuf, u32),
    #[error("{0} is damaged: it decrypts but does not hold a valid key")]
    Damaged(PathBuf),
    #[error("'{0}' is not an age recipient; it should look like age1... as printed by `tipbox-review init`")]
    BadRecipient(String),
    #[error("'{0}' is not a verify key; it should be 64 hexadecimal characters as printed by `tipbox-review init`")]
    BadVerifyKey(String),
}
