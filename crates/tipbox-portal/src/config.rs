//! `tipbox-portal serve` configuration: a TOML file, overridden by command-line flags, with
//! the demo keys as the fallback. Every option is documented in docs/operator-guide.md, section 2.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use tipbox_core::keys::Recipients;
use tipbox_core::keys::{self, KeyError};

/// The demo configuration compiled into the binary, so `tipbox-portal serve` works from
/// any folder. The matching secret keys are in keys-example/ for anyone to read.
pub const DEMO_CONFIG: &str = include_str!("../../../keys-example/portal.toml");

/// How long a finished tip's public record stays, by default (`retention_days`).
pub use tipbox_core::vocab::{default_categories, Category, DEFAULT_RETENTION_DAYS};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Address to listen on. Default 127.0.0.1:8080 (loopback: put Tor or a reverse proxy
    /// in front).
    pub listen: Option<SocketAddr>,
    /// Data folder. Default ./tipbox-data.
    pub data: Option<PathBuf>,
    /// The office's age recipients (age1...). Every tip is sealed to all of them.
    #[serde(default)]
    pub recipients: Vec<String>,
    /// The office's ed25519 verify key (64 hex characters) for update bundles.
    pub verify_key: Option<String>,
    /// Sent as the `Onion-Location` header, e.g. `http://xyz.onion`, followed by the path
    /// of the page asked for (so Tor Browser offers the same page on the onion site).
    pub onion_location: Option<String>,
    /// The site's public address as reporters type it (e.g. `https://tips.example.org`),
    /// printed on the printable receipt. Default: the onion address (`onion_location`) if
    /// there is one, otherwise none (never the `Host` a request names, which anyone can choose).
    pub site_address: Option<String>,
    /// Largest upload per submission or follow-up, in MiB. Default 500.
    pub max_upload_mib: Option<u64>,
    /// Largest image cleaned of metadata in memory, in MiB. Default 32.
    pub max_image_mib: Option<u64>,
    /// Image data held in memory for metadata removal across all uploads at once, in MiB.
    /// An image that does not fit gets the busy page (text kept). Default 128; at least
    /// `max_image_mib`.
    pub image_memory_mib: Option<u64>,
    /// Free space, in MiB, kept in the data folder's file system for text: below it,
    /// attachments are refused (text-only tips and follow-ups are still taken), so that
    /// filling the disk with uploads does not silence the portal. Default 1024; 0 turns it off.
    pub disk_reserve_mib: Option<u64>,
    /// Most attachments per submission. Default 50.
    pub max_attachments: Option<u32>,
    /// Uploads (submissions and follow-ups) received at once; more get the busy page with
    /// their text kept. Bounds the portal's memory and threads. Default 16, at most 256.
    pub max_open_uploads: Option<u32>,
    /// Shortest accepted description, in characters. Default 10.
    pub min_description_chars: Option<usize>,
    /// Submissions accepted per minute across all clients. Default 120.
    pub submissions_per_minute: Option<u32>,
    /// Receipt lookups accepted per minute across all clients. Default 240.
    pub lookups_per_minute: Option<u32>,
    /// argon2id derivations run at once. Default: the number of CPU cores.
    pub kdf_workers: Option<usize>,
    /// Receipts derived ahead while no submission is open, so that a submission need not
    /// wait for argon2id. Default 1, at most 16; 0 turns it off. Each lives in memory only,
    /// for at most a minute (SECURITY.md).
    pub receipts_ahead: Option<usize>,
    /// Empty files kept ready for the blobs of a day, made at start-up and every UTC
    /// midnight, so that a blob's birth time says nothing about when its upload began.
    /// Default 256, at most 100,000; 0 turns it off (SECURITY.md).
    pub spare_files: Option<usize>,
    /// Seconds a client may take to send its request headers (slow-loris). Default 30.
    pub header_timeout_secs: Option<u64>,
    /// Seconds an upload may stall between two pieces of its body. Default 120 (Tor
    /// circuits are slow, but not silent that long).
    pub body_idle_timeout_secs: Option<u64>,
    /// Slowest sustained speed, in KiB per second, at which a request body may arrive. A
    /// body may fall behind it by at most `body_idle_timeout_secs`. Default 8 (a slow phone
    /// over Tor manages far more); it stops a client from holding an upload slot open with
    /// a byte now and then.
    pub min_upload_kib_per_sec: Option<u64>,
    /// Days a closed tip's public record (status, replies) stays on the portal after its
    /// last public change (closed, not accepted or transferred, or a later reply or
    /// reward). Default 180; 0 removes it at the next apply.
    pub retention_days: Option<u32>,
    /// Tip categories offered on the form. Default: the campaign's categories.
    pub categories: Option<Vec<Category>>,
    /// The site file (`tipbox-portal site` writes it): a new data folder is created with
    /// its salt and KDF parameters, and an existing one must have them
    /// (docs/design/sites.md). A relative path is taken from the config file's folder.
    pub site: Option<PathBuf>,
    /// Marks the built-in demo configuration (shows a banner on every page).
    #[serde(default)]
    pub demo: bool,
}

/// Highest `max_open_uploads`: well under tokio's 512 blocking threads.
pub const MAX_OPEN_UPLOADS_LIMIT: u64 = 256;
/// Most receipts kept derived ahead: each is a future reporter's secret held in memory.
pub const MAX_RECEIPTS_AHEAD: usize = 16;
/// Spare files made ahead by default, and at most (`spare_files`).
pub const DEFAULT_SPARE_FILES: usize = 256;
pub const MAX_SPARE_FILES: usize = 100_000;

/// Settings the portal runs with, after merging file, flags and defaults.
#[derive(Clone)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data: PathBuf,
    pub recipients: Recipients,
    pub verify_key: [u8; 32],
    pub onion_location: Option<String>,
    pub site_address: Option<String>,
    pub max_upload_bytes: u64,
    pub max_image_bytes: u64,
    pub image_memory_bytes: u64,
    pub disk_reserve_bytes: u64,
    pub max_attachments: u32,
    pub max_open_uploads: u32,
    pub min_description_chars: usize,
    pub submissions_per_minute: u32,
    pub lookups_per_minute: u32,
    pub kdf_workers: usize,
    pub receipts_ahead: usize,
    pub spare_files: usize,
    pub header_timeout: std::time::Duration,
    pub body_idle_timeout: std::time::Duration,
    /// Bytes per second.
    pub min_upload_rate: u64,
    pub retention_days: u32,
    pub kdf: tipbox_core::crypto::KdfParams,
    pub categories: Vec<Category>,
    /// The site's parameters, when a site file is configured.
    pub site: Option<tipbox_core::bundle::site::SiteParams>,
    pub demo: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the config file {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the config file {path} is not valid: {message}")]
    Parse { path: PathBuf, message: String },
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("no age recipient is configured: set `recipients` in the config file or pass --recipient age1...")]
    NoRecipients,
    #[error(
        "no verify key is configured: set `verify_key` in the config file or pass --verify-key"
    )]
    NoVerifyKey,
    #[error("`{0}` must be greater than zero")]
    Zero(&'static str),
    #[error("`{name}` must be at most {max}")]
    TooLarge { name: &'static str, max: u64 },
    #[error("`image_memory_mib` ({memory}) must be at least `max_image_mib` ({image}), or no image of the largest allowed size could ever be cleaned")]
    ImageMemory { memory: u64, image: u64 },
    #[error("the category list must not be empty and keys must be unique, lowercase letters, digits and dashes")]
    Categories,
    #[error("`onion_location` must be the onion site's address alone, like http://xyz...onion (the path of each page is added to it): {0:?} is not")]
    OnionLocation(String),
    #[error("the site file {path} cannot be read: {source}")]
    SiteRead {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the site file {path} is not a regular file (a pipe, a device or a folder): give the path of the file `tipbox-portal site --data DIR --out FILE` wrote on a portal of the site")]
    SiteNotAFile { path: PathBuf },
    #[error("the site file {path} is refused: {source}. Write it again with `tipbox-portal site --data DIR --out FILE` on a portal of the site")]
    Site {
        path: PathBuf,
        #[source]
        source: tipbox_core::bundle::site::SiteError,
    },
    #[error("`site_address` must be the site's address alone, like https://tips.example.org (letters, digits, dots, dashes, an optional :port): {0:?} is not")]
    SiteAddress(String),
}

/// Check `site_address`: `http(s)://HOST[:PORT]`, HOST of letters, digits, dots and dashes,
/// at most 200 characters; returned without a trailing slash.
fn site_base(value: &str) -> Result<String, ConfigError> {
    let bad = || ConfigError::SiteAddress(value.to_owned());
    let (trimmed, host) = split_address(value).ok_or_else(bad)?;
    let (name, port) = host.split_once(':').unwrap_or((host, "1"));
    let name_ok = !name.is_empty()
        && name.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    let port_ok = port.parse::<u16>().is_ok_and(|p| p > 0);
    if trimmed.len() > 200 || !name_ok || !port_ok {
        return Err(bad());
    }
    Ok(trimmed.to_owned())
}

/// A site address without its trailing slash, and what follows `http://` or `https://`.
fn split_address(value: &str) -> Option<(&str, &str)> {
    let trimmed = value.trim().trim_end_matches('/');
    let host = trimmed
        .strip_prefix("http://")
        .or_else(|| trimmed.strip_prefix("https://"))?;
    Some((trimmed, host))
}

/// Check `onion_location` and return it without a trailing slash: `http(s)://NAME.onion`,
/// where NAME is letters and digits (a v3 address is 56 of them).
fn onion_base(value: &str) -> Result<String, ConfigError> {
    let bad = || ConfigError::OnionLocation(value.to_owned());
    let (trimmed, host) = split_address(value).ok_or_else(bad)?;
    let name = host.strip_suffix(".onion").ok_or_else(bad)?;
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(bad());
    }
    Ok(trimmed.to_owned())
}

/// Read and check a site file (input from outside: bounded, strictly parsed). Only a
/// regular file: a FIFO given as the site file held the start until something wrote to it
/// (test `a_fifo_given_as_the_site_file_is_refused_at_once_and_leaves_no_data_folder`).
/// The path is looked at before it is opened, and opened without blocking, in case it was
/// swapped for a FIFO in between; the opened file is looked at again.
pub fn read_site_file(path: &Path) -> Result<tipbox_core::bundle::site::SiteParams, ConfigError> {
    use std::io::Read;
    use std::os::unix::fs::OpenOptionsExt;
    let read_err = |source| ConfigError::SiteRead {
        path: path.to_owned(),
        source,
    };
    let not_a_file = || ConfigError::SiteNotAFile {
        path: path.to_owned(),
    };
    if !std::fs::metadata(path).map_err(read_err)?.is_file() {
        return Err(not_a_file());
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
        .map_err(read_err)?;
    if !file.metadata().map_err(read_err)?.is_file() {
        return Err(not_a_file());
    }
    let limit = tipbox_core::bundle::site::MAX_SITE_FILE as u64 + 1;
    let mut bytes = Vec::new();
    file.take(limit).read_to_end(&mut bytes).map_err(read_err)?;
    tipbox_core::bundle::site::SiteParams::parse(&bytes).map_err(|source| ConfigError::Site {
        path: path.to_owned(),
        source,
    })
}

/// Command-line overrides.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    /// `--site FILE`: replaces the config's `site`.
    pub site: Option<PathBuf>,
    pub listen: Option<SocketAddr>,
    pub data: Option<PathBuf>,
    pub recipients: Vec<String>,
    pub verify_key: Option<String>,
}

impl ConfigFile {
    pub fn load(path: &Path) -> Result<ConfigFile, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        let mut file = Self::parse(&text, path)?;
        if let (Some(site), Some(dir)) = (&file.site, path.parent()) {
            if site.is_relative() {
                file.site = Some(dir.join(site));
            }
        }
        Ok(file)
    }

    pub fn parse(text: &str, path: &Path) -> Result<ConfigFile, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_owned(),
            message: e.message().to_owned(),
        })
    }

    pub fn demo() -> ConfigFile {
        Self::parse(DEMO_CONFIG, Path::new("keys-example/portal.toml"))
            .expect("the demo config is valid")
    }

    /// Merge with command-line overrides and defaults.
    pub fn resolve(self, o: Overrides) -> Result<Settings, ConfigError> {
        // Demo mode ends as soon as real keys are given on the command line.
        let demo = self.demo && o.recipients.is_empty() && o.verify_key.is_none();
        let recipient_strings = if o.recipients.is_empty() {
            self.recipients
        } else {
            o.recipients
        };
        let recipients = recipient_strings
            .iter()
            .map(|r| keys::parse_recipient(r))
            .collect::<Result<Vec<_>, _>>()?;
        let recipients = Recipients::new(recipients).ok_or(ConfigError::NoRecipients)?;
        let verify_key = o
            .verify_key
            .or(self.verify_key)
            .ok_or(ConfigError::NoVerifyKey)?;
        let verify_key = keys::parse_verify_key(&verify_key)?;
        let categories = self.categories.unwrap_or_else(default_categories);
        let mut keys_seen = std::collections::HashSet::new();
        if categories.is_empty()
            || !categories.iter().all(|c| {
                !c.key.is_empty()
                    && c.key
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && keys_seen.insert(c.key.clone())
            })
        {
            return Err(ConfigError::Categories);
        }
        let positive = |v: Option<u64>, default: u64, name: &'static str| match v {
            Some(0) => Err(ConfigError::Zero(name)),
            Some(v) => Ok(v),
            None => Ok(default),
        };
        let max_image_mib = positive(self.max_image_mib, 32, "max_image_mib")?;
        let image_memory_mib = positive(self.image_memory_mib, 128, "image_memory_mib")?;
        if image_memory_mib < max_image_mib {
            return Err(ConfigError::ImageMemory {
                memory: image_memory_mib,
                image: max_image_mib,
            });
        }
        let max_open_uploads =
            positive(self.max_open_uploads.map(u64::from), 16, "max_open_uploads")?;
        // Each open upload holds one of tokio's 512 blocking threads while it is sealed;
        // the rest stay free for the operator's export and apply.
        if max_open_uploads > MAX_OPEN_UPLOADS_LIMIT {
            return Err(ConfigError::TooLarge {
                name: "max_open_uploads",
                max: MAX_OPEN_UPLOADS_LIMIT,
            });
        }
        let receipts_ahead = self.receipts_ahead.unwrap_or(1);
        if receipts_ahead > MAX_RECEIPTS_AHEAD {
            return Err(ConfigError::TooLarge {
                name: "receipts_ahead",
                max: MAX_RECEIPTS_AHEAD as u64,
            });
        }
        let spare_files = self.spare_files.unwrap_or(DEFAULT_SPARE_FILES);
        if spare_files > MAX_SPARE_FILES {
            return Err(ConfigError::TooLarge {
                name: "spare_files",
                max: MAX_SPARE_FILES as u64,
            });
        }
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Ok(Settings {
            listen: o
                .listen
                .or(self.listen)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            data: o
                .data
                .or(self.data)
                .unwrap_or_else(|| PathBuf::from("tipbox-data")),
            recipients,
            verify_key,
            onion_location: self.onion_location.as_deref().map(onion_base).transpose()?,
            site_address: self.site_address.as_deref().map(site_base).transpose()?,
            max_upload_bytes: positive(self.max_upload_mib, 500, "max_upload_mib")? << 20,
            max_image_bytes: max_image_mib << 20,
            image_memory_bytes: image_memory_mib << 20,
            // 0 is allowed: no reserve.
            disk_reserve_bytes: self.disk_reserve_mib.unwrap_or(1024) << 20,
            max_open_uploads: max_open_uploads as u32,
            max_attachments: positive(self.max_attachments.map(u64::from), 50, "max_attachments")?
                as u32,
            min_description_chars: self.min_description_chars.unwrap_or(10),
            submissions_per_minute: positive(
                self.submissions_per_minute.map(u64::from),
                120,
                "submissions_per_minute",
            )? as u32,
            lookups_per_minute: positive(
                self.lookups_per_minute.map(u64::from),
                240,
                "lookups_per_minute",
            )? as u32,
            kdf_workers: positive(
                self.kdf_workers.map(|v| v as u64),
                cores as u64,
                "kdf_workers",
            )? as usize,
            // 0 is allowed: nothing derived ahead.
            receipts_ahead,
            spare_files,
            header_timeout: std::time::Duration::from_secs(positive(
                self.header_timeout_secs,
                30,
                "header_timeout_secs",
            )?),
            body_idle_timeout: std::time::Duration::from_secs(positive(
                self.body_idle_timeout_secs,
                120,
                "body_idle_timeout_secs",
            )?),
            min_upload_rate: positive(self.min_upload_kib_per_sec, 8, "min_upload_kib_per_sec")?
                << 10,
            // 0 is allowed: closed tips' records go at the next apply or restart.
            retention_days: self.retention_days.unwrap_or(DEFAULT_RETENTION_DAYS),
            kdf: tipbox_core::crypto::KdfParams::DEFAULT,
            categories,
            site: o
                .site
                .or(self.site)
                .map(|path| read_site_file(&path))
                .transpose()?,
            demo,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_site_address_is_an_address_alone() {
        for good in [
            "https://tips.example.org",
            "http://127.0.0.1:8080/",
            "https://a-b.cn",
        ] {
            assert!(site_base(good).is_ok(), "{good}");
        }
        for bad in [
            "tips.example.org",
            "https://",
            "https://evil.example/<script>",
            "https://a..b",
            "https://a.b:0",
            "https://a.b:99999",
            "https://exa mple.org",
            "https://\u{202e}gro.elpmaxe",
        ] {
            assert!(site_base(bad).is_err(), "{bad}");
        }
    }

    fn resolve(extra: &str) -> Result<Settings, ConfigError> {
        let text = format!("{DEMO_CONFIG}\n{extra}\n");
        ConfigFile::parse(&text, Path::new("test.toml"))
            .unwrap()
            .resolve(Overrides::default())
    }

    #[test]
    fn upload_bounds_have_safe_defaults_and_refuse_nonsense() {
        let s = resolve("").unwrap();
        assert_eq!(s.max_open_uploads, 16);
        assert_eq!(s.image_memory_bytes, 128 << 20);
        assert_eq!(s.min_upload_rate, 8 << 10);
        assert_eq!(s.disk_reserve_bytes, 1024 << 20);
        assert_eq!(
            resolve("disk_reserve_mib = 0").unwrap().disk_reserve_bytes,
            0
        );

        assert!(matches!(
            resolve("max_open_uploads = 257"),
            Err(ConfigError::TooLarge {
                name: "max_open_uploads",
                max: 256
            })
        ));
        assert!(resolve("max_open_uploads = 256").is_ok());
        assert_eq!(s.receipts_ahead, 1);
        assert_eq!(resolve("receipts_ahead = 0").unwrap().receipts_ahead, 0);
        assert_eq!(s.spare_files, DEFAULT_SPARE_FILES);
        assert_eq!(resolve("spare_files = 0").unwrap().spare_files, 0);
        assert!(matches!(
            resolve("spare_files = 100001"),
            Err(ConfigError::TooLarge {
                name: "spare_files",
                ..
            })
        ));
        assert!(matches!(
            resolve("receipts_ahead = 17"),
            Err(ConfigError::TooLarge {
                name: "receipts_ahead",
                max: 16
            })
        ));
        assert!(matches!(
            resolve("max_open_uploads = 0"),
            Err(ConfigError::Zero("max_open_uploads"))
        ));
        assert!(matches!(
            resolve("min_upload_kib_per_sec = 0"),
            Err(ConfigError::Zero("min_upload_kib_per_sec"))
        ));
        // Room for at least one image of the largest size.
        let err = resolve("max_image_mib = 64\nimage_memory_mib = 32")
            .err()
            .unwrap();
        assert!(matches!(
            err,
            ConfigError::ImageMemory {
                memory: 32,
                image: 64
            }
        ));
        assert!(err.to_string().contains("at least `max_image_mib`"));
        assert!(resolve("max_image_mib = 64\nimage_memory_mib = 64").is_ok());
    }
}
