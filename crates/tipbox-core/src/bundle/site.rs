//! The site file: the public parameters every portal of a site shares, so that a receipt
//! issued by any of them derives the same keys on all of them (docs/design/sites.md).
//!
//! ```json
//! {"format":1,"purpose":"tipbox-site","salt":"<32 lowercase hex>","kdf":{"passes":32,"memory":8388608}}
//! ```
//!
//! It comes from outside (an operator copies it between machines), so it is read strictly:
//! at most [`MAX_SITE_FILE`] bytes, unknown fields refused, one format, the salt exactly
//! [`SALT_LEN`] bytes as lowercase hex, the KDF parameters within the bounds a portal's
//! own `portal.json` is held to. The site id is derived from the parameters, never read.

use serde::{Deserialize, Serialize};

use crate::crypto::{self, KdfParams, SALT_LEN};

pub const FORMAT: u32 = 1;
pub const PURPOSE: &str = "tipbox-site";
/// Largest site file read (a real one is about 120 bytes).
pub const MAX_SITE_FILE: usize = 4096;

/// The site's public parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SiteParams {
    pub salt: [u8; SALT_LEN],
    pub kdf: KdfParams,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteKdf {
    passes: u64,
    memory: u64,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SiteFile {
    format: u32,
    purpose: String,
    salt: String,
    kdf: SiteKdf,
}

/// Why a site file is refused. Each message says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SiteError {
    #[error("it is larger than {MAX_SITE_FILE} bytes: it is not a tipbox site file")]
    TooLarge,
    #[error("it is not a tipbox site file (expected the JSON that `tipbox-portal site` writes)")]
    NotASiteFile,
    #[error("its format version {0} is not supported by this tipbox; upgrade tipbox-portal")]
    UnsupportedVersion(u32),
    #[error("its salt is not {} lowercase hexadecimal digits", SALT_LEN * 2)]
    BadSalt,
    #[error(
        "its argon2id parameters are out of range (1 to 65536 passes, 8 KiB to 4 GiB of memory)"
    )]
    BadKdf,
}

impl SiteParams {
    /// Read a site file's bytes, checking every field.
    pub fn parse(bytes: &[u8]) -> Result<SiteParams, SiteError> {
        if bytes.len() > MAX_SITE_FILE {
            return Err(SiteError::TooLarge);
        }
        let file: SiteFile = serde_json::from_slice(bytes).map_err(|_| SiteError::NotASiteFile)?;
        if file.purpose != PURPOSE {
            return Err(SiteError::NotASiteFile);
        }
        if file.format != FORMAT {
            return Err(SiteError::UnsupportedVersion(file.format));
        }
        if !super::is_lower_hex(&file.salt, SALT_LEN * 2) {
            return Err(SiteError::BadSalt);
        }
        let mut salt = [0u8; SALT_LEN];
        hex::decode_to_slice(&file.salt, &mut salt).map_err(|_| SiteError::BadSalt)?;
        let kdf = KdfParams {
            passes: file.kdf.passes,
            memory: usize::try_from(file.kdf.memory).map_err(|_| SiteError::BadKdf)?,
        };
        if !kdf.is_within_bounds() {
            return Err(SiteError::BadKdf);
        }
        Ok(SiteParams { salt, kdf })
    }

    /// The site file's bytes (what [`SiteParams::parse`] reads back).
    pub fn to_file(&self) -> Vec<u8> {
        let file = SiteFile {
            format: FORMAT,
            purpose: PURPOSE.into(),
            salt: hex::encode(self.salt),
            kdf: SiteKdf {
                passes: self.kdf.passes,
                memory: self.kdf.memory as u64,
            },
        };
        let mut out = serde_json::to_vec_pretty(&file).expect("site files serialize");
        out.push(b'\n');
        out
    }

    /// A short name for the site, derived from its parameters (16 hex digits), for
    /// operators to compare: two portals with the same id derive the same receipt keys.
    pub fn site_id(&self) -> String {
        let mut input = b"tipbox site id v1\n".to_vec();
        input.extend_from_slice(&self.salt);
        input.extend_from_slice(&self.kdf.passes.to_be_bytes());
        input.extend_from_slice(&(self.kdf.memory as u64).to_be_bytes());
        hex::encode(&crypto::hash256(&input)[..8])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SiteParams {
        SiteParams {
            salt: [7u8; SALT_LEN],
            kdf: KdfParams::DEFAULT,
        }
    }

    #[test]
    fn a_written_site_file_reads_back_and_names_the_same_site() {
        let p = sample();
        let back = SiteParams::parse(&p.to_file()).unwrap();
        assert_eq!(back, p);
        assert_eq!(back.site_id(), p.site_id());
        let other = SiteParams {
            salt: [8u8; SALT_LEN],
            ..p
        };
        assert_ne!(other.site_id(), p.site_id());
    }

    #[test]
    fn every_field_is_checked() {
        let salt = "07".repeat(SALT_LEN);
        let file = |format: &str, purpose: &str, salt: &str, passes: &str, memory: &str| {
            format!(
                r#"{{"format":{format},"purpose":"{purpose}","salt":"{salt}","kdf":{{"passes":{passes},"memory":{memory}}}}}"#
            )
        };
        let ok = file("1", PURPOSE, &salt, "32", "8388608");
        assert!(SiteParams::parse(ok.as_bytes()).is_ok());
        let cases = [
            (
                file("2", PURPOSE, &salt, "32", "8388608"),
                SiteError::UnsupportedVersion(2),
            ),
            (
                file("1", "tipbox-update", &salt, "32", "8388608"),
                SiteError::NotASiteFile,
            ),
            (
                file(
                    "1",
                    PURPOSE,
                    &salt.to_uppercase().replace('0', "A"),
                    "32",
                    "8388608",
                ),
                SiteError::BadSalt,
            ),
            (
                file("1", PURPOSE, &"07".repeat(SALT_LEN - 1), "32", "8388608"),
                SiteError::BadSalt,
            ),
            (
                file("1", PURPOSE, &format!("{salt}00"), "32", "8388608"),
                SiteError::BadSalt,
            ),
            (
                file("1", PURPOSE, "\\u001b[2J", "32", "8388608"),
                SiteError::BadSalt,
            ),
            (file("1", PURPOSE, &salt, "0", "8388608"), SiteError::BadKdf),
            (
                file("1", PURPOSE, &salt, "65537", "8388608"),
                SiteError::BadKdf,
            ),
            (file("1", PURPOSE, &salt, "32", "1024"), SiteError::BadKdf),
            (
                file("1", PURPOSE, &salt, "32", "18446744073709551615"),
                SiteError::BadKdf,
            ),
            (
                file("1", PURPOSE, &salt, "-1", "8388608"),
                SiteError::NotASiteFile,
            ),
            (ok.replace("}}", r#"},"extra":1}"#), SiteError::NotASiteFile),
            ("not json".into(), SiteError::NotASiteFile),
            // A raw control character is not JSON at all.
            (
                file("1", PURPOSE, "\u{1b}[2J", "32", "8388608"),
                SiteError::NotASiteFile,
            ),
            (" ".repeat(MAX_SITE_FILE + 1), SiteError::TooLarge),
        ];
        for (text, want) in cases {
            assert_eq!(SiteParams::parse(text.as_bytes()), Err(want), "{text:?}");
        }
    }
}
