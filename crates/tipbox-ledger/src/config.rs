//! The ledger's settings (`LEDGER/ledger.toml`): deadlines, publishing, the office's name.
//! The file is the office's own, but a restored or copied ledger may bring one from
//! elsewhere: every number is bounded and every name checked where it is read.

use super::*;

/// Deadlines (事事有回音、件件有结果), in days. Set in `LEDGER/ledger.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Deadlines {
    /// A new tip must be triaged within this many days of arrival.
    pub acknowledge_days: u32,
    /// The reporter must get a first feedback (status change or reply) within this many days.
    pub feedback_days: u32,
    /// Default verification period of an assignment when `assign` has no `--due`.
    pub verify_days: u32,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            acknowledge_days: 7,
            feedback_days: 30,
            verify_days: 60,
        }
    }
}

/// The longest reply or public note published to a reporter, in characters (an official
/// reply, 答复, is a page or two).
pub const MAX_PUBLIC_TEXT_CHARS: usize = 10_000;

/// What `export` sends to the portal. Set in `LEDGER/ledger.toml`, section `[publishing]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Publishing {
    /// A tip the reporter sees as finished (closed, not accepted, transferred) whose public
    /// state has not changed for more than this many days is no longer sent. Why: every
    /// update bundle carries the whole public state of the tips it sends, so without this a
    /// bundle grows with the ledger's whole history, past what a portal accepts
    /// (`bundle::update::MAX_BUNDLE`); the portal has long had the final state, and it
    /// removes such a tip's record after its own `retention_days` (180 by default) anyway.
    pub finished_days: u32,
}

impl Default for Publishing {
    fn default() -> Self {
        Publishing { finished_days: 365 }
    }
}

/// The reviewer's desk (`tipbox-review desk`). Section `[desk]` of `LEDGER/ledger.toml`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DeskSettings {
    /// The office keys lock again after this many minutes without use (1 to 1440; the
    /// desk's `--lock-after-minutes` decides for one launch).
    pub lock_after_minutes: u32,
}

impl Default for DeskSettings {
    fn default() -> Self {
        DeskSettings {
            lock_after_minutes: 15,
        }
    }
}

/// The longest idle time `[desk] lock_after_minutes` may set: a day.
pub const MAX_LOCK_AFTER_MINUTES: u32 = 24 * 60;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LedgerConfig {
    pub deadlines: Deadlines,
    pub publishing: Publishing,
    pub desk: DeskSettings,
    /// The office's name, printed on supervision notices.
    pub office_name: String,
}

impl Default for LedgerConfig {
    fn default() -> Self {
        LedgerConfig {
            deadlines: Deadlines::default(),
            publishing: Publishing::default(),
            desk: DeskSettings::default(),
            office_name: "扫黑除恶专项斗争领导小组办公室".into(),
        }
    }
}

/// Open the ledger database, waiting up to a minute while another tipbox-review command
/// holds it (sled allows one process), so commands run one after the other, never at once.
/// High-throughput mode: imports write a hundred thousand entries at once, and sled's
/// space-saving mode made that about 40% slower; durability is the same in both modes.
pub(crate) fn load_config(root: &Path) -> Result<LedgerConfig, LedgerError> {
    let config_path = root.join(CONFIG_FILE);
    let config: LedgerConfig = match fs::read_to_string(&config_path) {
        Ok(text) => toml::from_str(&text).map_err(|e| LedgerError::Config {
            path: config_path.clone(),
            message: e.message().to_owned(),
        })?,
        Err(_) => return Ok(LedgerConfig::default()),
    };
    // Day counts become dates (a due date years past 9999 does not exist), and the office's
    // name is printed: both are checked here, where the file is read (a restored backup
    // brings its own).
    let d = config.deadlines;
    for (name, days) in [
        ("acknowledge_days", d.acknowledge_days),
        ("feedback_days", d.feedback_days),
        ("verify_days", d.verify_days),
        ("finished_days", config.publishing.finished_days),
    ] {
        if !(1..=MAX_CONFIG_DAYS).contains(&days) {
            return Err(LedgerError::Config {
                path: config_path,
                message: format!(
                    "{name} = {days} is outside 1 to {MAX_CONFIG_DAYS} days; set a number of days in that range"
                ),
            });
        }
    }
    if !(1..=MAX_LOCK_AFTER_MINUTES).contains(&config.desk.lock_after_minutes) {
        return Err(LedgerError::Config {
            path: config_path,
            message: format!(
                "[desk] lock_after_minutes = {} is outside 1 to {MAX_LOCK_AFTER_MINUTES} minutes; set a number of minutes in that range",
                config.desk.lock_after_minutes
            ),
        });
    }
    if config.office_name.chars().count() > 200
        || config
            .office_name
            .chars()
            .any(tipbox_core::safe_output::is_unsafe_char)
    {
        return Err(LedgerError::Config {
            path: config_path,
            message: "office_name must be at most 200 characters, with no control characters"
                .into(),
        });
    }
    Ok(config)
}

/// The most days a deadline or publishing setting of `ledger.toml` may name (ten years).
const MAX_CONFIG_DAYS: u32 = 3650;
