//! The site file: the public parameters every portal of a site shares, so that a receipt
//! issued by any of them derives the same keys on all of them (docs/design/sites.md).
//!
//! ```json
//! {"format":1,"purpose":"tipbox-site","salt":"<32 lowercase hex>","kdf":{"passes":32,"memory":8388608}}
//! ```
//!
//! It comes from outside (an operator copies it between machines), so it is read strictly:
//! at most [`MAX_SITE_FILE`] bytes, unknown fields refused, one format, the salt exactly
//! [`SALT_LEN`] bytes as lowercase hex, the KDF parameters within the bounds of a site
//! ([`SiteParams::check_kdf`], tighter than those of a portal's own `portal.json`). The
//! site id is derived from the parameters, never read.

use serde::{Deserialize, Serialize};

use crate::crypto::{self, KdfParams, SALT_LEN};

pub const FORMAT: u32 = 1;
pub const PURPOSE: &str = "tipbox-site";
/// Largest site file read (a real one is about 120 bytes).
pub const MAX_SITE_FILE: usize = 4096;

/// Most argon2id passes a site file may ask for.
pub const MAX_SITE_PASSES: u64 = 256;
/// Least memory a site file may ask for: the default's 8 MiB.
pub const MIN_SITE_MEMORY: usize = 8 << 20;
/// Most memory a site file may ask for: 256 MiB.
pub const MAX_SITE_MEMORY: usize = 256 << 20;
/// Most work a site file may ask for, as passes x memory in bytes: 4 GiB, 16 times the
/// default's (32 x 8 MiB).
pub const MAX_SITE_WORK: u64 = 4 << 30;

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
        "its argon2id parameters ({passes} passes, {memory} bytes of memory) are out of range \
         for a site: 1 to {MAX_SITE_PASSES} passes, {} to {} MiB of memory, and passes x \
         memory at most {} GiB (16 times the default, 32 passes x 8 MiB)",
        MIN_SITE_MEMORY >> 20,
        MAX_SITE_MEMORY >> 20,
        MAX_SITE_WORK >> 30
    )]
    BadKdf { passes: u64, memory: u64 },
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
        let bad = SiteError::BadKdf {
            passes: file.kdf.passes,
            memory: file.kdf.memory,
        };
        let kdf = KdfParams {
            passes: file.kdf.passes,
            memory: usize::try_from(file.kdf.memory).map_err(|_| bad.clone())?,
        };
        let site = SiteParams { salt, kdf };
        site.check_kdf()?;
        Ok(site)
    }

    /// Whether the KDF parameters are within the bounds of a site, tighter than
    /// [`KdfParams::is_within_bounds`] (what a portal's own `portal.json` may record):
    /// 1 to [`MAX_SITE_PASSES`] passes, [`MIN_SITE_MEMORY`] to [`MAX_SITE_MEMORY`], and
    /// passes x memory at most [`MAX_SITE_WORK`].
    ///
    /// Why these: every lookup and every submission on every portal of the site derives
    /// argon2id with them, on `kdf_workers` threads for submissions and half as many for
    /// lookups, each holding the memory while it runs. A site file comes from
    /// `tipbox-portal site` on an existing portal, so an honest one holds what tipbox has
    /// ever recorded: 8 MiB x 32 passes (the default, ~47 ms on one core of the benchmark
    /// machine, SECURITY.md) or 64 MiB x 2 (portals created before 2026-11-23, 52-62 ms).
    /// The bounds leave room around both and refuse what would make the site unusable.
    /// A derivation's cost grows with passes x memory, and faster than that at more memory
    /// (measured once on the 2-core test VM, best of 3: 8 MiB x 32 54 ms, 8 MiB x 256
    /// 0.42 s, 16 MiB x 256 0.95 s, 256 MiB x 16 2.1 s, 1 GiB x 4 3.0 s), so at the work
    /// bound a lookup takes 1-2 s and two cores take about one tip a second: slow, still
    /// a portal; the `portal.json` bounds (65,536 passes, 4 GiB) allow minutes per lookup.
    /// 256 MiB is four times the most tipbox ever recorded; at three derivations at once
    /// on a two-core server it is 768 MiB, where 4 GiB would be 12 GiB. Less than 8 MiB
    /// would make a seized store's lookup keys cheaper to test than on any portal tipbox
    /// creates.
    pub fn check_kdf(&self) -> Result<(), SiteError> {
        let KdfParams { passes, memory } = self.kdf;
        let within = (1..=MAX_SITE_PASSES).contains(&passes)
            && (MIN_SITE_MEMORY..=MAX_SITE_MEMORY).contains(&memory)
            && passes.saturating_mul(memory as u64) <= MAX_SITE_WORK;
        if within {
            Ok(())
        } else {
            Err(SiteError::BadKdf {
                passes,
                memory: memory as u64,
            })
        }
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
            (
                file("1", PURPOSE, &salt, "0", "8388608"),
                bad_kdf(0, 8388608),
            ),
            (
                file("1", PURPOSE, &salt, "65537", "8388608"),
                bad_kdf(65537, 8388608),
            ),
            (file("1", PURPOSE, &salt, "32", "1024"), bad_kdf(32, 1024)),
            (
                file("1", PURPOSE, &salt, "32", "18446744073709551615"),
                bad_kdf(32, u64::MAX),
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

    fn bad_kdf(passes: u64, memory: u64) -> SiteError {
        SiteError::BadKdf { passes, memory }
    }

    fn with_kdf(passes: u64, memory: u64) -> Vec<u8> {
        format!(
            r#"{{"format":1,"purpose":"tipbox-site","salt":"{}","kdf":{{"passes":{passes},"memory":{memory}}}}}"#,
            "07".repeat(SALT_LEN)
        )
        .into_bytes()
    }

    #[test]
    fn regression_a_site_file_could_ask_for_65536_passes_or_4_gib_per_derivation() {
        const MIB: u64 = 1 << 20;
        // Within what a portal's own portal.json may record, and absurd for a site: every
        // lookup on every portal of it would take minutes, or 4 GiB per derivation.
        for (passes, memory) in [
            (65536, 8 * MIB),
            (32, 4096 * MIB),
            (257, 8 * MIB),
            (32, 8 * MIB - 1),
            (1, 8 << 10),
            (2, 256 * MIB + 1),
            (17, 256 * MIB),
            (256, 32 * MIB),
        ] {
            let params = KdfParams {
                passes,
                memory: memory as usize,
            };
            assert!(params.is_within_bounds(), "{params:?}");
            let err = SiteParams::parse(&with_kdf(passes, memory)).unwrap_err();
            assert_eq!(err, bad_kdf(passes, memory));
            // The message gives the values and the allowed range.
            let said = err.to_string();
            assert!(
                said.contains(&format!("({passes} passes, {memory} bytes of memory)"))
                    && said.contains("1 to 256 passes, 8 to 256 MiB of memory")
                    && said.contains("passes x memory at most 4 GiB"),
                "{said}"
            );
        }
        // What tipbox has recorded (the default, and 64 MiB x 2 of portals created before
        // 2026-11-23), and the edges of the bounds, are site parameters.
        for (passes, memory) in [
            (32, 8 * MIB),
            (2, 64 * MIB),
            (1, 8 * MIB),
            (256, 8 * MIB),
            (256, 16 * MIB),
            (16, 256 * MIB),
        ] {
            let site = SiteParams::parse(&with_kdf(passes, memory)).unwrap();
            assert_eq!(site.kdf.passes, passes);
            assert_eq!(site.kdf.memory as u64, memory);
            assert_eq!(SiteParams::parse(&site.to_file()), Ok(site));
        }
    }
}
