//! The case ledger (台账) on the reviewer's air-gapped machine.
//!
//! ```text
//! LEDGER/
//!   keys/          office keys (see `keys`): identity and signing key, passphrase-encrypted
//!   ledger.toml    deadlines and other settings
//!   blobs/         sealed tips and follow-ups exactly as the portal sealed them: one
//!                  pack-<id>.age-pack per import, items one after the other (ledgers from
//!                  before packs: one <blob_id>.age per item)
//!   db/            sled: ledger entries, what each import added (`imported`), the next id,
//!                  what each portal still held at its last inbox bundle (no tip content)
//!   audit.log      hash-chained log of reviewer actions (see `audit`)
//!   index/         summaries that `list` and `report` read, rebuilt from db/ when needed
//!                  (see `summary`)
//! ```
//!
//! Tip content stays age-encrypted at rest; `show` and `search` decrypt in memory only.
//! Reviewer-written text (notes, summaries, public notes, replies) is sealed with age to the
//! office's own recipients, so writing it needs no passphrase and reading it does. Fields
//! used to list and count (status, category, department, dates) are kept in the clear so
//! that `list` and `report` never decrypt anything.

#![forbid(unsafe_code)]

mod action;
pub mod audit;
pub mod backup;
pub mod casework;
mod early_entries;
pub mod handover;
pub mod imported;
pub mod report;
pub mod search;
pub mod summary;

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

pub use action::Action;
use tipbox_core::bundle::{inbox, BundleReadError};
use tipbox_core::keys;
use tipbox_core::tip::{ContainerReader, Kind, Manifest, Record};
pub use tipbox_core::vocab::Keyed;

pub use audit::{AuditError, AuditLog};

const DB_DIR: &str = "db";
const BLOBS_DIR: &str = "blobs";
const CONFIG_FILE: &str = "ledger.toml";

const TREE_TIPS: &str = "tips";
const TREE_BLOBS: &str = "blob-to-tip";
const TREE_PORTAL_TIPS: &str = "portal-tip-to-tip";
const TREE_IMPORTS: &str = "imports";
const TREE_META: &str = "meta";
const KEY_NEXT_ID: &str = "next-tip-id";
/// Followed by a portal id: the items that portal held at its last inbox bundle.
const KEY_PORTAL_HOLDS: &str = "portal-holds:";
/// `handed-over-from:<portal>`: a bundle calling itself a hand-over named this portal.
const KEY_HANDOVER_FROM: &str = "handed-over-from:";

/// Where a tip came in. Web tips come through a portal; the rest are entered by reviewers
/// (`add`), so the ledger covers every channel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Channel {
    /// Only through `import`: not offered to `add --channel` (see [`Channel::TYPED_IN`]).
    #[default]
    Web,
    Phone,
    Letter,
    Visit,
    Mailbox,
}

impl Channel {
    pub fn key(self) -> &'static str {
        match self {
            Channel::Web => "web",
            Channel::Phone => "phone",
            Channel::Letter => "letter",
            Channel::Visit => "visit",
            Channel::Mailbox => "mailbox",
        }
    }

    /// The channels a reviewer types in with `add` (web tips come only through `import`).
    pub const TYPED_IN: &'static [Channel] = &[
        Channel::Phone,
        Channel::Letter,
        Channel::Visit,
        Channel::Mailbox,
    ];

    /// The channel whose [`Channel::key`] is `key` (web included).
    pub fn from_key(key: &str) -> Option<Channel> {
        <Channel as Keyed>::from_key(key)
    }
}

impl Keyed for Channel {
    const ALL: &'static [Channel] = &[
        Channel::Web,
        Channel::Phone,
        Channel::Letter,
        Channel::Visit,
        Channel::Mailbox,
    ];
    fn key(self) -> &'static str {
        Channel::key(self)
    }
}

/// Ledger statuses: richer than what the reporter sees (see [`Status::public`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Imported, not yet looked at.
    New,
    /// Read and classified (线索研判).
    Triaged,
    /// Routed to a department (分流/转办).
    Assigned,
    /// Being verified (核查中).
    Verifying,
    /// 阶段性查结.
    StageClosed,
    /// 已查结 / 销号.
    Closed,
    /// 不予受理.
    NotAccepted,
    /// 已移交 (e.g. to the discipline commission, 双移交).
    Transferred,
}

impl Status {
    pub fn key(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Triaged => "triaged",
            Status::Assigned => "assigned",
            Status::Verifying => "verifying",
            Status::StageClosed => "stage-closed",
            Status::Closed => "closed",
            Status::NotAccepted => "not-accepted",
            Status::Transferred => "transferred",
        }
    }

    /// What the reporter sees for this ledger status.
    pub fn public(self) -> &'static str {
        match self {
            Status::New | Status::Triaged | Status::Assigned => "received",
            Status::Verifying => "verifying",
            Status::StageClosed => "stage-closed",
            Status::Closed => "closed",
            Status::NotAccepted => "not-accepted",
            Status::Transferred => "transferred",
        }
    }

    /// No deadline runs any more.
    pub fn is_finished(self) -> bool {
        matches!(
            self,
            Status::StageClosed | Status::Closed | Status::NotAccepted | Status::Transferred
        )
    }
}

impl Keyed for Status {
    const ALL: &'static [Status] = &[
        Status::New,
        Status::Triaged,
        Status::Assigned,
        Status::Verifying,
        Status::StageClosed,
        Status::Closed,
        Status::NotAccepted,
        Status::Transferred,
    ];
    fn key(self) -> &'static str {
        Status::key(self)
    }
    fn help(self) -> Option<&'static str> {
        Some(match self {
            Status::New => "Imported, not yet looked at",
            Status::Triaged => "Read and classified (线索研判)",
            Status::Assigned => "Routed to a department (分流/转办)",
            Status::Verifying => "Being verified (核查中)",
            Status::StageClosed => "阶段性查结",
            Status::Closed => "已查结 / 销号",
            Status::NotAccepted => "不予受理",
            Status::Transferred => "已移交 (e.g. to the discipline commission, 双移交)",
        })
    }
}

impl FromStr for Status {
    type Err = String;
    /// A status by its key, in any case.
    fn from_str(s: &str) -> Result<Self, String> {
        Status::ALL
            .iter()
            .copied()
            .find(|v| v.key().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("invalid variant: {s}"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Priority {
    High,
    Normal,
    Low,
}

impl Keyed for Priority {
    const ALL: &'static [Priority] = &[Priority::High, Priority::Normal, Priority::Low];
    fn key(self) -> &'static str {
        match self {
            Priority::High => "high",
            Priority::Normal => "normal",
            Priority::Low => "low",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Credibility {
    High,
    Medium,
    Low,
    Unknown,
}

impl Keyed for Credibility {
    const ALL: &'static [Credibility] = &[
        Credibility::High,
        Credibility::Medium,
        Credibility::Low,
        Credibility::Unknown,
    ];
    fn key(self) -> &'static str {
        match self {
            Credibility::High => "high",
            Credibility::Medium => "medium",
            Credibility::Low => "low",
            Credibility::Unknown => "unknown",
        }
    }
}

/// One sealed item (tip or follow-up) belonging to a ledger entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobRef {
    pub blob_id: String,
    pub kind: Kind,
    pub day: String,
    pub sealed_to: String,
    /// Where the ciphertext is when it sits in a pack (one file per imported bundle);
    /// otherwise it is `blobs/<blob_id>.age`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pack: Option<PackRef>,
}

/// A slice of a pack file in `blobs/`: the ciphertext of one item, exactly as sealed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackRef {
    pub file: String,
    pub offset: u64,
    pub len: u64,
}

/// A transfer (移交) to another unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transfer {
    pub to: String,
    pub day: String,
    /// Hand-over package written for the receiving unit, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<String>,
}

/// Reviewer-written text, sealed with age to the office's recipients.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SealedText {
    pub kind: TextKind,
    pub day: String,
    pub by: String,
    /// age ciphertext, hex.
    pub sealed: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TextKind {
    /// Internal note (never published).
    Note,
    /// Text typed in for a tip that arrived by phone, letter, visit or mailbox.
    Content,
    /// A note for the reporter, published with a status change (the office's copy).
    PublicNote,
    /// A reply to the reporter (the office's copy).
    Reply,
    /// The reviewer's summary of the lead, as printed on a supervision notice.
    Summary,
}

/// A ledger entry. No tip content in the clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TipEntry {
    pub format: u32,
    pub id: u64,
    pub channel: Channel,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub portal_tip_id: Option<String>,
    /// Day the tip reached the office (the portal's day for web tips).
    pub received: String,
    pub category: String,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credibility: Option<Credibility>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// Verification due date of the current assignment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignment_due: Option<String>,
    /// Day the reporter first got feedback (a public status change or a reply).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_feedback: Option<String>,
    #[serde(default)]
    pub links: Vec<u64>,
    #[serde(default)]
    pub transfers: Vec<Transfer>,
    #[serde(default)]
    pub blobs: Vec<BlobRef>,
    #[serde(default)]
    pub reward_wanted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_public_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub claim_verifier: Option<String>,
    #[serde(default)]
    pub texts: Vec<SealedText>,
    /// Messages for the reporter (public notes, replies), sealed to the tip's reply key.
    #[serde(default)]
    pub public_messages: Vec<tipbox_core::bundle::update::SealedMessage>,
    /// Day the public status last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_day: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reward: Option<Reward>,
    /// Supervision notices (督办通知书) issued for this tip.
    #[serde(default)]
    pub notices: Vec<Notice>,
    /// Came in a hand-over bundle from another unit (module `handover`). That unit answers
    /// the reporter through its portal, so `export` leaves the tip out.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub handed_over: bool,
}

/// A supervision notice issued for a tip. Its summary is kept sealed in `texts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub number: String,
    pub to: String,
    pub day: String,
    pub due: String,
}

/// A reward decision (举报奖励).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reward {
    /// `approved` or `paid`.
    pub state: String,
    /// Amount in yuan.
    pub amount: u64,
    pub approved_on: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paid_on: Option<String>,
    /// The amount sealed to the reply key, for the reporter's status page.
    pub sealed_amount: String,
}

impl TipEntry {
    /// A new entry: status `new`, nothing decided yet.
    pub fn new(id: u64, channel: Channel, received: &str, category: &str) -> TipEntry {
        TipEntry {
            format: 1,
            id,
            channel,
            portal_id: None,
            portal_tip_id: None,
            received: received.to_owned(),
            category: category.to_owned(),
            status: Status::New,
            priority: None,
            credibility: None,
            department: None,
            assignment_due: None,
            first_feedback: None,
            links: vec![],
            transfers: vec![],
            blobs: vec![],
            reward_wanted: false,
            reply_public_key: None,
            claim_verifier: None,
            texts: vec![],
            public_messages: vec![],
            status_day: None,
            reward: None,
            notices: vec![],
            handed_over: false,
        }
    }

    /// True when the reporter would see anything beyond "received".
    /// The last day the reporter's view of this tip changed: its public status, a message
    /// published to the reporter, or its reward.
    pub fn last_public_change(&self) -> &str {
        tipbox_core::bundle::update::latest_day(
            self.status_day.as_deref().unwrap_or(&self.received),
            self.public_messages
                .iter()
                .map(|m| m.day.as_str())
                .chain(self.reward.iter().map(|r| r.approved_on.as_str()))
                .chain(self.reward.iter().filter_map(|r| r.paid_on.as_deref())),
        )
    }

    /// The last public change of this finished tip, when that is so long ago that a portal
    /// on its default retention has removed its public record: nothing published for it
    /// any more (a reply, a reward and its claim token) can reach its reporter. Called with
    /// the entry as it was before the new publication. The portal counts from the last
    /// public change too (`TipUpdate::last_change`); its `retention_days` is its own
    /// setting, so this is a warning only.
    pub fn public_record_probably_removed(&self, today: &str) -> Option<&str> {
        self.status_day.as_deref()?;
        let day = self.last_public_change();
        let gone_from = add_days(day, tipbox_core::vocab::DEFAULT_RETENTION_DAYS)?;
        (self.is_publicly_finished() && today >= gone_from.as_str()).then_some(day)
    }

    /// Whether the reporter sees this tip as finished (the portal's retention applies).
    pub fn is_publicly_finished(&self) -> bool {
        tipbox_core::bundle::update::is_final_status(self.status.public())
    }

    pub fn has_public_state(&self) -> bool {
        self.status.public() != "received"
            || !self.public_messages.is_empty()
            || self.reward.is_some()
    }

    /// The reporter's reply key, or why there is none.
    pub fn reply_key(&self) -> Result<[u8; 32], LedgerError> {
        if self.handed_over {
            return Err(LedgerError::Invalid(format!(
                "tip {} was handed over by another unit, which answers its reporter through its \
                 own portal: nothing published here would reach them. Send what the reporter \
                 should hear to that unit",
                self.id
            )));
        }
        self.reply_public_key
            .as_deref()
            .and_then(|k| hex::decode(k).ok())
            .and_then(|k| k.try_into().ok())
            .ok_or_else(|| {
                LedgerError::Invalid(format!(
                    "tip {} came by {}: it has no receipt, so nothing can be published to its reporter through the portal",
                    self.id,
                    self.channel.key()
                ))
            })
    }

    /// Seal a message for the reporter (only the receipt opens it). Longer than
    /// `MAX_PUBLIC_TEXT_CHARS` is refused: it is read on a phone, often over Tor, and it is
    /// sent again in every update bundle until the tip has been finished for a while.
    pub fn seal_for_reporter(
        &self,
        kind: &str,
        text: &str,
    ) -> Result<tipbox_core::bundle::update::SealedMessage, LedgerError> {
        let chars = text.chars().count();
        if chars > MAX_PUBLIC_TEXT_CHARS {
            return Err(LedgerError::Invalid(format!(
                "the text for the reporter is {chars} characters long, over the \
                 {MAX_PUBLIC_TEXT_CHARS} a status page shows: shorten it (was the wrong file \
                 given?); longer reasons belong in a `note`, which stays in the ledger"
            )));
        }
        let key = self.reply_key()?;
        Ok(tipbox_core::bundle::update::SealedMessage {
            kind: kind.to_owned(),
            day: tipbox_core::vocab::today(),
            sealed: hex::encode(tipbox_core::crypto::seal_to(&key, text.as_bytes())),
        })
    }
}

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

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LedgerConfig {
    pub deadlines: Deadlines,
    pub publishing: Publishing,
    /// The office's name, printed on supervision notices.
    pub office_name: String,
}

impl Default for LedgerConfig {
    fn default() -> Self {
        LedgerConfig {
            deadlines: Deadlines::default(),
            publishing: Publishing::default(),
            office_name: "扫黑除恶专项斗争领导小组办公室".into(),
        }
    }
}

impl TipEntry {
    /// Change the status. When that changes what the reporter sees, note the day: the
    /// portal shows it, and keeps a finished tip's status for `retention_days` from it;
    /// the first such change is also the reporter's first feedback.
    pub fn set_status(&mut self, status: Status, today: &str) {
        if self.status.public() != status.public() {
            self.status_day = Some(today.to_owned());
            if self.first_feedback.is_none() {
                self.first_feedback = Some(today.to_owned());
            }
        }
        self.status = status;
    }

    /// The nearest deadline still running, if any (see [`summary::nearest_deadline`]).
    pub fn due(&self, d: &Deadlines) -> Option<String> {
        summary::nearest_deadline(
            self.status,
            summary::day_number(&self.received),
            self.first_feedback.is_some(),
            self.assignment_due.as_deref().and_then(summary::day_number),
            d,
        )
        .map(summary::day_string)
    }

    pub fn is_overdue(&self, d: &Deadlines, today: &str) -> bool {
        self.due(d).is_some_and(|due| due.as_str() < today)
    }
}

/// Parse `YYYY-MM-DD`.
pub fn parse_day(s: &str) -> Option<time::Date> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.trim(), &format).ok()
}

pub fn format_day(d: time::Date) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    d.format(&format).expect("dates format")
}

pub fn add_days(day: &str, days: u32) -> Option<String> {
    parse_day(day).map(|d| format_day(d + time::Duration::days(i64::from(days))))
}

/// Make the ledger's folder its owner's alone (mode 0700) if it is not; returns whether it
/// had to change. Why: the audit log and the settings sit at its top, and a folder made by
/// hand (for `restore`, say) or by an older tipbox is usually open to every local user.
pub(crate) fn make_private(root: &Path) -> std::io::Result<bool> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(root)?.permissions().mode();
        if mode & 0o077 != 0 {
            fs::set_permissions(root, fs::Permissions::from_mode(0o700))?;
            return Ok(true);
        }
    }
    Ok(false)
}

/// A ledger is a folder with `keys/recipient.txt`; say which part is missing. A ledger
/// open to other local users is made private on the way.
fn check_is_ledger(root: &Path, tell: &dyn Fn(Progress)) -> Result<(), LedgerError> {
    let keys = root.join("keys");
    if keys.join(keys::RECIPIENT_FILE).is_file() {
        if make_private(root).map_err(io_err(root))? {
            tell(Progress::MadePrivate(root.to_owned()));
        }
        Ok(())
    } else if keys.is_dir() {
        Err(LedgerError::RecipientFileMissing(keys))
    } else {
        Err(LedgerError::NotALedger(root.to_owned()))
    }
}

/// What the ledger tells the person running a command while it works, without failing:
/// front-ends print these (the library never prints).
#[derive(Debug)]
pub enum Progress {
    MadePrivate(PathBuf),
    RebuildingSummaries,
    WaitingForLock,
}

impl std::fmt::Display for Progress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Progress::MadePrivate(root) => write!(
                f,
                "{} was open to other users of this machine; it is now private (mode 0700)",
                root.display()
            ),
            Progress::RebuildingSummaries => {
                f.write_str("rebuilding the summary index from the database...")
            }
            Progress::WaitingForLock => f.write_str(
                "waiting for another tipbox-review command to finish with this ledger...",
            ),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    #[error("{0} is not a tipbox ledger (no keys/ folder). Create one with `tipbox-review --ledger {0} init`, or pass the right --ledger / TIPBOX_LEDGER")]
    NotALedger(PathBuf),
    #[error("{0} has no recipient.txt (the office's public key, which `tipbox-review init` writes): copy it there; for the demo keys, `cp keys-example/*.txt {0}/`")]
    RecipientFileMissing(PathBuf),
    #[error("cannot open the ledger database in {path}: {source}. Is another tipbox-review command running on this ledger?")]
    Db {
        path: PathBuf,
        #[source]
        source: sled::Error,
    },
    #[error("the ledger database in {path} is damaged ({source}). Keep a copy of the folder as it is, then restore the latest backup into a new folder: `tipbox-review restore FILE --ledger NEW_FOLDER`")]
    DbDamaged {
        path: PathBuf,
        #[source]
        source: sled::Error,
    },
    #[error("the ledger database failed: {0}")]
    DbOp(String),
    #[error("cannot read or write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is not valid: {message}")]
    Config { path: PathBuf, message: String },
    #[error("no tip {0} in this ledger; `tipbox-review list` shows the ids")]
    NoSuchTip(u64),
    #[error(transparent)]
    Key(#[from] keys::KeyError),
    #[error(transparent)]
    Bundle(#[from] BundleReadError),
    #[error("{0}. Nothing was imported")]
    BundleRefused(BundleReadError),
    #[error(transparent)]
    Audit(#[from] AuditError),
    #[error("item {blob} in the bundle cannot be opened with this office's keys (sealed to key set {sealed_to}). Was it sealed to another office? Nothing was imported")]
    NotOurs { blob: String, sealed_to: String },
    #[error("item {0} in the bundle is not a valid sealed tip ({1}). Nothing was imported")]
    BadItem(String, String),
    #[error("item {blob} in the bundle is a second tip item for tip {tip}, whose own item an earlier import (or this bundle) already holds. A bundle may add to the ledger, new tips and follow-ups, but never replace what a tip's first item established: its keys, category, content and day. Nothing was imported. An honest portal never writes such an item: keep the bundle as evidence, have the portal checked, and read SECURITY.md, \"What a hostile portal can and cannot do\"")]
    SecondTipItem { blob: String, tip: u64 },
    #[error("sealed item {blob} in the ledger is damaged ({detail}); restore the latest backup")]
    DamagedItem { blob: String, detail: String },
    #[error("sealed item {blob} in the ledger cannot be opened with these keys (sealed to key set {sealed_to}): its file is damaged, or the key that opens it is missing from keys/; restore the latest backup")]
    CannotOpen { blob: String, sealed_to: String },
    #[error("{0}")]
    Invalid(String),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> LedgerError + '_ {
    move |source| LedgerError::Io {
        path: path.to_owned(),
        source,
    }
}

fn db_err(e: impl std::fmt::Display) -> LedgerError {
    LedgerError::DbOp(e.to_string())
}

pub struct Ledger {
    root: PathBuf,
    db: sled::Db,
    tips: sled::Tree,
    blobs: sled::Tree,
    portal_tips: sled::Tree,
    imports: sled::Tree,
    meta: sled::Tree,
    pub config: LedgerConfig,
    audit: AuditLog,
    summaries: summary::SummaryLog,
    actor: String,
    /// An import has begun its writes (past planning): a failure from here is not a
    /// refusal that leaves the ledger as it was.
    import_writing: bool,
}

/// What an import did.
#[derive(Debug, Default, Clone, Serialize)]
pub struct ImportSummary {
    pub portal_id: String,
    /// A hand-over bundle from another unit (its tips are marked handed over).
    pub handover: bool,
    pub new_tips: u64,
    pub new_followups: u64,
    /// The tips that new follow-ups joined: the reviewer looks at them again (a follow-up
    /// may reopen a closed case).
    pub followup_tips: std::collections::BTreeSet<u64>,
    /// Tips made earlier from follow-ups whose tip had not arrived, that received their own
    /// item now (counted in neither `new_tips` nor `new_followups`).
    pub tips_completed: u64,
    /// Tips of this portal that an earlier bundle calling itself another unit's hand-over
    /// had marked as handed over: this portal's own bundle shows they are its.
    pub handover_marks_cleared: u64,
    pub already_imported: u64,
    /// `(ours, theirs)` when the portal had applied update bundle `theirs` while this ledger
    /// had exported only up to `ours`: the ledger is older than what the portal last
    /// received (restored from an older backup, or a copy), and its numbering now continues
    /// after `theirs`.
    pub updates_caught_up: Option<(u64, u64)>,
}

/// How far an inbox bundle's (unauthenticated) `last_update` may move a ledger's update
/// numbering at once: far beyond any real gap (one export a day for centuries), and far
/// below an overflow however often a hostile portal tries.
const MAX_UPDATE_CATCH_UP: u64 = 100_000;

/// What an update export contains.
#[derive(Debug, Clone, Serialize)]
pub struct ExportedUpdates {
    pub portal_id: String,
    pub sequence: u64,
    pub tips: usize,
    pub acknowledged: usize,
    /// Finished tips left out: unchanged for more than `[publishing] finished_days`.
    pub finished_left_out: usize,
}

/// For each of a tip's opened items (in order): whether a follow-up was added by someone
/// holding the receipt, checked against the follow-up key named in the tip's own item;
/// `None` for the tip's own items.
pub fn followup_proofs(items: &[OpenedItem]) -> Vec<Option<tipbox_core::tip::FollowupProof>> {
    use tipbox_core::tip::{FollowupProof, Kind};
    let tip = items
        .iter()
        .find(|item| item.tip.manifest.kind == Kind::Tip)
        .map(|item| &item.tip.manifest);
    items
        .iter()
        .map(|item| match (item.tip.manifest.kind, tip) {
            (Kind::Followup, Some(tip)) => Some(FollowupProof::check(tip, &item.tip)),
            (Kind::Followup, None) => Some(FollowupProof::Unchecked),
            (Kind::Tip, _) => None,
        })
        .collect()
}

/// One decrypted tip or follow-up, for `show`.
pub struct OpenedItem {
    pub blob: BlobRef,
    pub tip: tipbox_core::tip::OpenedTip,
}

impl LedgerError {
    /// An item already in the ledger that decrypts but does not read to its end: its file
    /// was damaged after the import checked it.
    pub(crate) fn damaged(blob: &BlobRef, e: tipbox_core::tip::ContainerError) -> LedgerError {
        LedgerError::DamagedItem {
            blob: blob.blob_id.clone(),
            detail: e.to_string(),
        }
    }
}

impl Ledger {
    /// Create the ledger's folders (keys are made by `keys::generate`).
    pub fn create_layout(root: &Path) -> Result<(), LedgerError> {
        for dir in [root.to_owned(), root.join(BLOBS_DIR)] {
            create_private_dir(&dir)?;
        }
        let config = root.join(CONFIG_FILE);
        if !config.exists() {
            fs::write(
                &config,
                "# tipbox ledger settings\n[deadlines]\nacknowledge_days = 7   # triage new tips within\n\
                 feedback_days = 30     # first feedback to the reporter within\n\
                 verify_days = 60       # default verification period of an assignment\n\
                 [publishing]\n\
                 finished_days = 365    # send closed / not accepted / transferred tips to the portal\n\
                 \x20                      # until their public state is this many days old\n",
            )
            .map_err(io_err(&config))?;
        }
        Ok(())
    }

    /// Open the ledger in `root`, writing audit entries as `actor`; what it has to say on
    /// the way ([`Progress`]) is dropped: front-ends use [`Ledger::open_telling`].
    pub fn open(root: &Path, actor: &str) -> Result<Ledger, LedgerError> {
        Self::open_telling(root, actor, &|_| {})
    }

    /// [`Ledger::open`], passing each [`Progress`] to `tell`.
    pub fn open_telling(
        root: &Path,
        actor: &str,
        tell: &dyn Fn(Progress),
    ) -> Result<Ledger, LedgerError> {
        check_is_ledger(root, tell)?;
        Self::create_layout(root)?;
        let config = load_config(root)?;
        let path = root.join(DB_DIR);
        create_private_dir(&path)?;
        let db = open_waiting(&path, tell)?;
        let tree = |name: &str| {
            db.open_tree(name).map_err(|source| LedgerError::Db {
                path: path.clone(),
                source,
            })
        };
        let tips = tree(TREE_TIPS)?;
        let meta = tree(TREE_META)?;
        if early_entries::remove_unfinished(root, &tips, read_next_id(&meta)?)? > 0 {
            tipbox_core::durable::sync_sled(&db, &path).map_err(io_err(&path))?;
        }
        let blobs = root.join(BLOBS_DIR);
        early_entries::remove_partial_packs(&blobs).map_err(io_err(&blobs))?;
        let index = root.join("index");
        let summaries = summary::SummaryLog::open(root, || {
            if !tips.is_empty() {
                tell(Progress::RebuildingSummaries);
            }
            tips.iter().map(|r| {
                let (_, v) = r.map_err(std::io::Error::other)?;
                let t: TipEntry = serde_json::from_slice(&v).map_err(std::io::Error::other)?;
                Ok(summary::TipSummary::of(&t).into_owned())
            })
        })
        .map_err(io_err(&index))?;
        Ok(Ledger {
            tips,
            blobs: tree(TREE_BLOBS)?,
            portal_tips: tree(TREE_PORTAL_TIPS)?,
            imports: tree(TREE_IMPORTS)?,
            meta,
            audit: AuditLog::open(root)?,
            summaries,
            root: root.to_owned(),
            db,
            config,
            actor: actor.to_owned(),
            import_writing: false,
        })
    }

    /// Run `f` over the summaries of every tip, in id order (for `list` and `report`).
    /// Reads only the summary index; opens the database only if the index must be rebuilt
    /// first (after an interrupted command, or on a ledger that has none yet).
    pub fn with_summaries<R>(
        root: &Path,
        tell: &dyn Fn(Progress),
        f: impl FnOnce(&[summary::TipSummary<'_>], &LedgerConfig) -> R,
    ) -> Result<R, LedgerError> {
        check_is_ledger(root, tell)?;
        let config = load_config(root)?;
        let index = root.join("index");
        let bytes = match summary::read_clean(root).map_err(io_err(&index))? {
            Some(bytes) => bytes,
            None => {
                // Missing or dirty: opening the ledger rebuilds it.
                drop(Ledger::open_telling(root, "-", tell)?);
                summary::read_clean(root)
                    .map_err(io_err(&index))?
                    .unwrap_or_default()
            }
        };
        match summary::decode_all(&bytes) {
            Some(tips) => Ok(f(&tips, &config)),
            None => Err(LedgerError::Invalid(format!(
                "the summary index in {} is damaged; delete that folder and run the command again to rebuild it",
                index.display()
            ))),
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn keys_dir(&self) -> PathBuf {
        self.root.join("keys")
    }

    /// The office's own age recipients (to seal reviewer text).
    fn own_recipients(&self) -> Result<Vec<age::x25519::Recipient>, LedgerError> {
        let path = self.keys_dir().join(keys::RECIPIENT_FILE);
        let text = fs::read_to_string(&path).map_err(io_err(&path))?;
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| keys::parse_recipient(l).map_err(LedgerError::from))
            .collect()
    }

    fn blob_path(&self, blob: &BlobRef) -> PathBuf {
        match &blob.pack {
            Some(p) => self.root.join(BLOBS_DIR).join(&p.file),
            None => self
                .root
                .join(BLOBS_DIR)
                .join(format!("{}.age", blob.blob_id)),
        }
    }

    /// The ciphertext of one sealed item, as the portal sealed it.
    pub fn blob_reader(
        &self,
        blob: &BlobRef,
    ) -> Result<Box<dyn std::io::BufRead + Send>, LedgerError> {
        let path = self.blob_path(blob);
        let file = fs::File::open(&path).map_err(io_err(&path))?;
        Ok(match &blob.pack {
            Some(p) => Box::new(std::io::BufReader::with_capacity(
                64 * 1024,
                PackSlice::of(file, p),
            )),
            None => Box::new(std::io::BufReader::with_capacity(64 * 1024, file)),
        })
    }

    /// [`Ledger::blob_reader`] for many reads in a row: pack files stay open in `packs`
    /// (one open per pack, not one per item), and an item of up to 1 MiB is read whole into
    /// a buffer that `packs` keeps (one `pread` per item, no new buffer per item).
    pub fn blob_reader_in<'p>(
        &self,
        blob: &BlobRef,
        packs: &'p mut OpenPacks,
    ) -> Result<Box<dyn std::io::BufRead + Send + 'p>, LedgerError> {
        use std::os::unix::fs::FileExt;
        let Some(p) = &blob.pack else {
            return self.blob_reader(blob);
        };
        let path = || self.blob_path(blob);
        if !packs.files.contains_key(&p.file) {
            let file = fs::File::open(path()).map_err(io_err(&path()))?;
            packs.files.insert(p.file.clone(), file);
        }
        let file = &packs.files[&p.file];
        if p.len > 1 << 20 {
            return Ok(Box::new(std::io::BufReader::with_capacity(
                64 * 1024,
                PackSlice::of(file, p),
            )));
        }
        packs.buffer.resize(p.len as usize, 0);
        file.read_exact_at(&mut packs.buffer, p.offset)
            .map_err(io_err(&path()))?;
        Ok(Box::new(&packs.buffer[..]))
    }

    /// Record `action` (on tip `tip`, with `detail`: never content) in the audit log.
    pub fn audit(
        &mut self,
        action: Action,
        tip: Option<u64>,
        detail: &str,
    ) -> Result<(), LedgerError> {
        let actor = self.actor.clone();
        self.audit.append(&actor, action.key(), tip, detail)?;
        Ok(())
    }

    /// The id the next new tip will get.
    pub fn next_id(&self) -> Result<u64, LedgerError> {
        read_next_id(&self.meta)
    }

    pub fn get(&self, id: u64) -> Result<TipEntry, LedgerError> {
        let bytes = self
            .tips
            .get(id.to_be_bytes())
            .map_err(db_err)?
            .ok_or(LedgerError::NoSuchTip(id))?;
        serde_json::from_slice(&bytes).map_err(db_err)
    }

    /// Write an entry (durable at the next `sync`), and its summary.
    fn put(&mut self, entry: &TipEntry) -> Result<(), LedgerError> {
        self.put_all(std::slice::from_ref(entry))
    }

    /// Write entries (durable at the next `sync`), and their summaries. Each entry is
    /// written whole, in batches of a thousand: sled took 2.4 s for 100,000 entries in one
    /// batch and 1.1 s in batches of 1,000. A crash may leave some batches written and not
    /// others; `import` adopts such entries (see there).
    fn put_all(&mut self, entries: &[TipEntry]) -> Result<(), LedgerError> {
        let index = self.root.join("index");
        self.summaries.record(entries).map_err(io_err(&index))?;
        for chunk in entries.chunks(1000) {
            let mut batch = sled::Batch::default();
            for e in chunk {
                batch.insert(
                    &e.id.to_be_bytes(),
                    serde_json::to_vec(e).expect("entries serialize"),
                );
            }
            self.tips.apply_batch(batch).map_err(db_err)?;
        }
        Ok(())
    }

    /// Every entry, in id order.
    pub fn all(&self) -> impl Iterator<Item = Result<TipEntry, LedgerError>> + '_ {
        self.tips.iter().map(|r| {
            r.map_err(db_err)
                .and_then(|(_, v)| serde_json::from_slice(&v).map_err(db_err))
        })
    }

    /// Make everything written so far durable (see `durable::sync_sled`).
    /// The summary index is marked clean only after the database is durable.
    pub fn sync(&mut self) -> Result<(), LedgerError> {
        let dir = self.root.join(DB_DIR);
        tipbox_core::durable::sync_sled(&self.db, &dir).map_err(io_err(&dir))?;
        let index = self.root.join("index");
        self.summaries.commit().map_err(io_err(&index))
    }

    // ---- import --------------------------------------------------------------------------

    /// Import an inbox bundle in one pass: verify it (structure and whole-file checksum)
    /// while its new items are decrypted on every core to read their manifests and written
    /// into one pack file. New tips' entries are written as their items come back, past the
    /// next id, and removed again if anything fails (module `early_entries`); only when
    /// everything checked out is the pack made durable under its name and are the other
    /// entries, the import's record and the next id written. Importing the same bundle
    /// twice changes no tip.
    ///
    /// The pack is written past the page cache ([`tipbox_core::durable::DirectWriter`]): copying
    /// 1.6 GB into fresh page-cache pages cost more CPU than the copy is worth on the two
    /// cores that also decrypt, and `search` reads packs directly too.
    pub fn import(
        &mut self,
        bundle: &Path,
        identities: &[tipbox_core::keys::Identity],
        progress: impl FnMut(u64),
    ) -> Result<ImportSummary, LedgerError> {
        let file = fs::File::open(bundle).map_err(BundleReadError::from)?;
        // Pages of the bundle are dropped from the cache as they are read: it is read once.
        self.import_from(
            bundle,
            tipbox_core::bundle::DropBehind::new(file),
            identities,
            progress,
        )
    }

    /// [`Ledger::import`] from any reader (`tipbox-review import -` passes standard input);
    /// `bundle` names it in messages. The bundle is read once, front to back.
    pub fn import_from(
        &mut self,
        bundle: &Path,
        input: impl std::io::Read,
        identities: &[tipbox_core::keys::Identity],
        progress: impl FnMut(u64),
    ) -> Result<ImportSummary, LedgerError> {
        // A refused bundle leaves the ledger as it was: say so for a damaged file too.
        let refused = match self.import_or_refuse(bundle, input, identities, progress) {
            Ok(summary) => return Ok(summary),
            Err(LedgerError::Bundle(e)) => LedgerError::BundleRefused(e),
            Err(e) => e,
        };
        if !self.import_writing {
            // Refused (or failed) while reading or planning, before anything was written but
            // the new tips' early entries, which are gone again: the summary index, marked
            // dirty for them, is as it was. Marking it clean spares the next command a rebuild
            // and leaves the ledger byte for byte as before (best effort: a dirty index is
            // only rebuilt).
            let _ = self.sync();
        }
        self.import_writing = false;
        Err(refused)
    }

    /// A digest of everything the ledger holds: every tree of its database, every file
    /// under `blobs/`, the summary index and the audit log. Equal before and after an
    /// operation that must change nothing (a refused import); for tests and the fuzzers.
    #[doc(hidden)]
    pub fn state_digest(&self) -> Result<[u8; 32], LedgerError> {
        let mut h = blake3::Hasher::new();
        let mut framed = |part: &[u8]| {
            h.update(&(part.len() as u64).to_le_bytes());
            h.update(part);
        };
        let mut names = self.db.tree_names();
        names.sort();
        for name in names {
            framed(&name);
            let tree = self.db.open_tree(&name).map_err(db_err)?;
            for kv in tree.iter() {
                let (k, v) = kv.map_err(db_err)?;
                framed(&k);
                framed(&v);
            }
        }
        let blobs = self.root.join(BLOBS_DIR);
        let mut files: Vec<PathBuf> = fs::read_dir(&blobs)
            .map_err(io_err(&blobs))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        files.push(self.root.join("index").join("summaries.bin"));
        files.push(self.root.join(audit::AUDIT_FILE));
        for f in files {
            framed(f.to_string_lossy().as_bytes());
            match fs::read(&f) {
                Ok(bytes) => framed(&bytes),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => framed(b"(none)"),
                Err(e) => return Err(io_err(&f)(e)),
            }
        }
        Ok(*h.finalize().as_bytes())
    }

    fn import_or_refuse(
        &mut self,
        bundle: &Path,
        input: impl std::io::Read,
        identities: &[tipbox_core::keys::Identity],
        mut progress: impl FnMut(u64),
    ) -> Result<ImportSummary, LedgerError> {
        use std::io::BufRead;
        use std::sync::{mpsc, Mutex};

        // A file that is no inbox bundle at all (handed over by mistake) is refused before
        // anything is touched: the summary index is not marked dirty for it, which would
        // make the next command rebuild it.
        let mut input = std::io::BufReader::with_capacity(1 << 20, input);
        let head = input.fill_buf().map_err(io_err(bundle))?;
        let prefix = &inbox::MAGIC[..inbox::MAGIC.len() - 1];
        if head.len() >= prefix.len() && !head.starts_with(prefix) {
            return Err(BundleReadError::NotABundle("inbox").into());
        }
        // Which checksum each entry states (the workers check it); a bundle whose version
        // byte is anything else is refused by `verify_streaming` before this matters.
        let version = head
            .get(inbox::MAGIC.len() - 1)
            .map_or(inbox::FORMAT, |v| u32::from(*v));
        let window = DayWindow::today();
        let window = &window;

        let mut known = imported::Known::load(&self.imports, &self.blobs, &self.portal_tips)?;
        let mut record = imported::ImportRecord::default();
        let mut next = self.next_id()?;
        // Entries at or past the next id were written by an import that crashed before its
        // record (see `imported`).
        for kv in self.tips.range(next.to_be_bytes()..) {
            let (_, v) = kv.map_err(db_err)?;
            let orphan: TipEntry = serde_json::from_slice(&v).map_err(db_err)?;
            known.adopt(&orphan, &mut record);
            next = next.max(orphan.id + 1);
        }

        let blobs_dir = self.root.join(BLOBS_DIR);
        let pack_name = format!("pack-{}.age-pack", tipbox_core::vocab::new_id());
        let pack_path = blobs_dir.join(&pack_name);
        let partial = tipbox_core::durable::partial_path(&pack_path);
        let pack_file =
            tipbox_core::durable::create_private_file(&partial).map_err(io_err(&partial))?;
        // Removes the partial pack on every early return.
        struct Cleanup<'a>(&'a Path, bool);
        impl Drop for Cleanup<'_> {
            fn drop(&mut self) {
                if self.1 {
                    let _ = fs::remove_file(self.0);
                }
            }
        }
        let mut cleanup = Cleanup(&partial, true);

        /// An item to open: its order in the bundle, its entry, its place in the pack, and
        /// its ciphertext.
        struct Job {
            order: usize,
            entry: inbox::EntryHeader,
            offset: u64,
            bytes: JobBytes,
        }
        /// Items up to `IN_MEMORY` bytes go to a worker whole, in their batch's buffer; a
        /// larger one is streamed to its worker piece by piece as the bundle goes by
        /// (memory stays flat).
        enum JobBytes {
            Whole(std::ops::Range<usize>),
            Streamed(mpsc::Receiver<Vec<u8>>),
        }
        /// Jobs, and one buffer with the ciphertext of those that came whole. Buffers go
        /// back to the reading thread to be filled again: no allocation per item, and no
        /// memory freed on another thread than the one that took it.
        struct Batch {
            bytes: Vec<u8>,
            jobs: Vec<Job>,
        }
        const IN_MEMORY: u64 = 1 << 20;
        const STREAM_PIECES: usize = 4;
        type Opened = Result<early_entries::Opened, LedgerError>;
        // Items go to the workers in batches of up to 64 items or 1 MiB (one wake-up per
        // batch, not per item: 0.9 s of a 100,000-tip import), and at most 8 batches wait.
        const BATCH_ITEMS: usize = 64;
        let (job_tx, job_rx) = mpsc::sync_channel::<Batch>(8);
        let (give_back, spare) = mpsc::channel::<Vec<u8>>();
        let job_rx = Mutex::new(job_rx);
        // Results go back a batch at a time too: one wake-up of the collecting thread per
        // batch, not per item.
        let (done_tx, done_rx) = mpsc::channel::<Vec<Opened>>();
        let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
        let mut pack =
            tipbox_core::durable::DirectWriter::new(pack_file).map_err(io_err(&partial))?;
        let mut write_failure: Option<std::io::Error> = None;
        let mut pack_len = 0u64;
        let mut already = 0u64;
        let mut new_items = 0usize;
        // An item listed twice in one bundle is imported once.
        let mut seen: std::collections::HashSet<String> = Default::default();

        // New tips' entries are written as their items come back (see `early_entries`):
        // the summary index is marked dirty first, and a failed import removes them.
        let index = self.root.join("index");
        self.summaries
            .record(std::iter::empty())
            .map_err(io_err(&index))?;
        let written_to = std::sync::atomic::AtomicU64::new(next);
        let mut written = early_entries::Written {
            tips: self.tips.clone(),
            from: next,
            to: &written_to,
            keep: false,
        };
        let mut early = early_entries::EarlyEntries::new(
            self.tips.clone(),
            &pack_name,
            &written_to,
            std::mem::take(&mut known.portal_tips),
            std::mem::take(&mut record),
            next,
        );

        let (verified, early, bad_checksum) = std::thread::scope(|s| {
            for _ in 0..workers {
                let (job_rx, done_tx, give_back) = (&job_rx, done_tx.clone(), give_back.clone());
                s.spawn(move || loop {
                    let Ok(Ok(Batch { mut bytes, jobs })) = job_rx.lock().map(|rx| rx.recv())
                    else {
                        break;
                    };
                    let mut results = Vec::with_capacity(jobs.len());
                    for Job {
                        order,
                        entry,
                        offset,
                        bytes: job_bytes,
                    } in jobs
                    {
                        // Each entry's own checksum is checked here, on the core that
                        // opens it, besides the whole file's on the reading thread.
                        let mut hasher = inbox::EntryHasher::new(version);
                        let opened = match job_bytes {
                            JobBytes::Whole(range) => {
                                hasher.update(&bytes[range.clone()]);
                                read_item(&entry, &mut &bytes[range], bundle, identities, window)
                            }
                            JobBytes::Streamed(pieces) => {
                                let mut r = std::io::BufReader::new(PiecesReader {
                                    pieces,
                                    current: Vec::new(),
                                    at: 0,
                                    hasher: &mut hasher,
                                });
                                let opened = read_item(&entry, &mut r, bundle, identities, window);
                                // Whatever the item did not use still counts for its checksum.
                                let drained = std::io::copy(&mut r, &mut std::io::sink());
                                opened.and_then(|o| drained.map(|_| o).map_err(io_err(bundle)))
                            }
                        };
                        let opened = opened.and_then(|o| {
                            if hasher.matches(&entry) {
                                Ok(o)
                            } else {
                                Err(LedgerError::BadItem(
                                    entry.blob_id.clone(),
                                    "its checksum does not match its ciphertext".into(),
                                ))
                            }
                        });
                        let opened = opened.map(|(manifest, fields)| early_entries::Opened {
                            order,
                            entry,
                            offset,
                            manifest,
                            fields,
                        });
                        results.push(opened);
                    }
                    if done_tx.send(results).is_err() {
                        return;
                    }
                    bytes.clear();
                    let _ = give_back.send(bytes);
                });
            }
            drop(done_tx);
            drop(give_back);
            let collector = s.spawn(move || {
                for item in done_rx.into_iter().flatten() {
                    early.take(item);
                }
                early.finish()
            });
            let mut skip = false;
            // The checksum of an entry that is not opened (already imported, or listed
            // twice), and the first such entry whose checksum did not match.
            let mut skipped_hash: Option<inbox::EntryHasher> = None;
            let mut bad_checksum: Option<String> = None;
            let mut start = 0u64;
            // Where the item being read starts in `batch.bytes`, if it comes whole.
            let mut whole: Option<usize> = None;
            let mut stream: Option<mpsc::SyncSender<Vec<u8>>> = None;
            let new_batch = || Batch {
                bytes: spare
                    .try_recv()
                    .unwrap_or_else(|_| Vec::with_capacity(2 * IN_MEMORY as usize)),
                jobs: Vec::with_capacity(BATCH_ITEMS),
            };
            let mut batch = new_batch();
            let result = inbox::verify_streaming(
                input,
                &mut progress,
                inbox::EntryChecks::WholeFileOnly,
                |entry, event| {
                    match event {
                        inbox::EntryEvent::Start => {
                            skip = write_failure.is_some()
                                || known.blobs.contains(&entry.blob_id)
                                || !seen.insert(entry.blob_id.clone());
                            if skip {
                                already += 1;
                                // Not opened, but its checksum is still checked, here.
                                skipped_hash = write_failure
                                    .is_none()
                                    .then(|| inbox::EntryHasher::new(version));
                            }
                            start = pack_len;
                            whole = (!skip && entry.size <= IN_MEMORY).then_some(batch.bytes.len());
                            if !skip && entry.size > IN_MEMORY {
                                // Alone and at once, so that a worker takes it while the
                                // pieces come: the batches before it go first.
                                if !batch.jobs.is_empty() {
                                    let _ = job_tx.send(std::mem::replace(&mut batch, new_batch()));
                                }
                                let (tx, rx) = mpsc::sync_channel(STREAM_PIECES);
                                stream = Some(tx);
                                let _ = job_tx.send(Batch {
                                    bytes: Vec::new(),
                                    jobs: vec![Job {
                                        order: new_items,
                                        entry: entry.clone(),
                                        offset: start,
                                        bytes: JobBytes::Streamed(rx),
                                    }],
                                });
                            }
                        }
                        inbox::EntryEvent::Data(chunk) if !skip => {
                            if whole.is_some() {
                                batch.bytes.extend_from_slice(chunk);
                            }
                            if let Some(tx) = &stream {
                                // A worker that stopped reading has failed; its error is
                                // reported after the bundle's own checks.
                                let _ = tx.send(chunk.to_vec());
                            }
                            if let Err(e) = pack.write_all(chunk) {
                                write_failure = Some(e);
                                skip = true;
                            }
                            pack_len += chunk.len() as u64;
                        }
                        inbox::EntryEvent::End if !skip => {
                            // The end of a streamed item: its worker sees the end of input.
                            stream = None;
                            if let Some(from) = whole.take() {
                                batch.jobs.push(Job {
                                    order: new_items,
                                    entry: entry.clone(),
                                    offset: start,
                                    bytes: JobBytes::Whole(from..batch.bytes.len()),
                                });
                                if batch.jobs.len() == BATCH_ITEMS
                                    || batch.bytes.len() >= IN_MEMORY as usize
                                {
                                    let _ = job_tx.send(std::mem::replace(&mut batch, new_batch()));
                                }
                            }
                            new_items += 1;
                        }
                        inbox::EntryEvent::Data(chunk) => {
                            if let Some(h) = skipped_hash.as_mut() {
                                h.update(chunk);
                            }
                        }
                        inbox::EntryEvent::End => {
                            if let Some(h) = skipped_hash.take() {
                                if !h.matches(entry) && bad_checksum.is_none() {
                                    bad_checksum = Some(entry.blob_id.clone());
                                }
                            }
                        }
                    }
                    Ok(())
                },
            );
            if !batch.jobs.is_empty() {
                let _ = job_tx.send(batch);
            }
            // A bundle cut short in a large item: its worker sees the input end early.
            drop(stream);
            drop(job_tx);
            let early = collector
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (result, early, bad_checksum)
        });
        // A damaged bundle is reported as such, before whatever its items did to the workers.
        // (On every early return, `written` removes the new tips' entries.)
        let verified = verified?;
        if let Some(blob) = bad_checksum {
            return Err(LedgerError::BadItem(
                blob,
                "its checksum does not match its ciphertext".into(),
            ));
        }
        if let Some(e) = early.failure {
            return Err(e);
        }
        if let Some(e) = write_failure {
            return Err(LedgerError::Io {
                path: partial.clone(),
                source: e,
            });
        }
        let portal_id = verified.header.portal_id.clone();
        if let Some((_, blob_id)) = early.portal.filter(|(p, _)| *p != portal_id) {
            return Err(LedgerError::BadItem(
                blob_id,
                "its manifest names another item or portal".into(),
            ));
        }
        // A hand-over bundle says nothing about what a portal holds or has applied. One that
        // names a portal this ledger imports from directly is that portal's, whatever its
        // unauthenticated header says: otherwise a hostile portal could have its new tips
        // marked as another unit's, and left out of every export.
        let handover = verified.header.handover && !self.imports_directly_from(&portal_id)?;
        // What the portal holds and has applied: written with the import, once nothing can
        // refuse it any more (a refused bundle leaves the ledger as it was).
        // Returns the caught-up numbering and how many false hand-over marks were cleared.
        type PortalState = (Option<(u64, u64)>, u64);
        let portal_state = |l: &mut Ledger| -> Result<PortalState, LedgerError> {
            if handover {
                l.meta
                    .insert(
                        format!("{KEY_HANDOVER_FROM}{portal_id}").as_bytes(),
                        &[1u8][..],
                    )
                    .map_err(db_err)?;
                return Ok((None, 0));
            }
            l.record_portal_holdings(&portal_id, &verified.entries)?;
            let cleared = l.clear_false_handover_marks(&portal_id)?;
            // Without this, every export of a ledger restored from an older backup would be
            // refused by the portal as a rollback (its numbers were used already).
            Ok((
                l.catch_up_updates(&portal_id, verified.header.last_update)?,
                cleared,
            ))
        };
        known.portal_tips = early.portal_tips;
        record = early.record;
        next = early.next;
        let mut items = early.late;
        if early.written.is_empty()
            && items.is_empty()
            && record.portal_tips.is_empty()
            && record.blobs.is_empty()
        {
            // Everything is already here: an idempotent re-import writes no tip (and the
            // summary index, marked dirty above, is as it was), only what the portal
            // still holds and, perhaps, the caught-up numbering of updates.
            let (caught_up, cleared) = portal_state(self)?;
            self.sync()?;
            self.audit_catch_up(&portal_id, caught_up)?;
            self.audit_cleared_marks(&portal_id, cleared)?;
            return Ok(ImportSummary {
                portal_id,
                handover,
                already_imported: already,
                updates_caught_up: caught_up,
                handover_marks_cleared: cleared,
                ..Default::default()
            });
        }
        // Tips first, so follow-ups in the same bundle find them.
        items.sort_by_key(|o| o.manifest.kind != Kind::Tip);
        let mut summary = ImportSummary {
            portal_id: portal_id.clone(),
            handover,
            already_imported: already,
            new_tips: early.new_tips,
            ..Default::default()
        };
        // Build every change in memory, then write it in an order that keeps a crash
        // harmless: the entries, then this import's record, then the next id. Entries
        // written without their record are adopted by the next import (see `imported`).
        let mut touched: std::collections::BTreeMap<u64, TipEntry> = Default::default();
        for early_entries::Opened {
            entry,
            offset,
            manifest,
            fields,
            ..
        } in &items
        {
            let blob = pack_blob(entry, *offset, manifest, &pack_name);
            let fresh = |id| fresh_entry(id, manifest, fields);
            let portal_key = format!("{}:{}", manifest.portal_id, manifest.tip_id);
            let id = match known.portal_tips.get(&portal_key) {
                Some(id) => *id,
                None => {
                    // A follow-up whose tip has not arrived (tips new to the ledger were
                    // placed while the bundle was read): its entry is a new tip too.
                    let id = next;
                    next += 1;
                    known.portal_tips.insert(portal_key.clone(), id);
                    record.portal_tips.push((portal_key, id));
                    summary.new_tips += 1;
                    // A new id has no entry yet: nothing to read from the database.
                    touched.insert(id, fresh(id));
                    id
                }
            };
            if let std::collections::btree_map::Entry::Vacant(slot) = touched.entry(id) {
                slot.insert(match self.get(id) {
                    Ok(t) => t,
                    Err(LedgerError::NoSuchTip(_)) => fresh(id),
                    Err(e) => return Err(e),
                });
            }
            let tip = touched.get_mut(&id).expect("just inserted");
            record.blobs.push((entry.blob_id.clone(), id));
            if manifest.kind == Kind::Tip {
                // A tip's keys, content, category and day come from its first tip item
                // only (SECURITY.md, "What a hostile portal can and cannot do"): a second
                // one, from this bundle or any other, would rewrite what an earlier item
                // established. Only an entry made from follow-ups whose tip had not yet
                // arrived takes its tip item here.
                if tip.blobs.iter().any(|b| b.kind == Kind::Tip) {
                    return Err(LedgerError::SecondTipItem {
                        blob: entry.blob_id.clone(),
                        tip: id,
                    });
                }
                summary.tips_completed += 1;
                // Its follow-ups, imported before it, can be checked now: name the tip.
                summary.followup_tips.insert(id);
                add_tip_item(tip, blob, manifest, fields);
            } else {
                summary.new_followups += 1;
                summary.followup_tips.insert(id);
                tip.blobs.push(blob);
            }
        }
        let mut entries: Vec<TipEntry> = touched.into_values().collect();
        if handover {
            // The tips this import created (some written early, before the header's word
            // was known): not tips of this ledger's own portal being handed back.
            let first_new = written.from;
            let ids: std::collections::HashSet<u64> = entries.iter().map(|t| t.id).collect();
            entries.extend(
                early
                    .written
                    .iter()
                    .filter(|t| !ids.contains(&t.id))
                    .cloned(),
            );
            for t in entries.iter_mut().filter(|t| t.id >= first_new) {
                t.handed_over = true;
            }
        }
        // Only now, with everything verified and planned (nothing can refuse the bundle any
        // more): make the pack durable under its final name
        // (unless all this import does is adopt entries, and the pack is empty).
        let pack_file = pack.finish().map_err(io_err(&partial))?;
        if !items.is_empty() || !early.written.is_empty() {
            pack_file.sync_all().map_err(io_err(&partial))?;
            drop(pack_file);
            tipbox_core::durable::rename_into_place(&partial, &pack_path)
                .map_err(io_err(&pack_path))?;
            cleanup.1 = false;
        }

        self.import_writing = true;
        let (caught_up, cleared) = portal_state(self)?;
        summary.updates_caught_up = caught_up;
        summary.handover_marks_cleared = cleared;
        if cleared > 0 {
            // The entries planned above were read before the marks were cleared.
            for t in entries
                .iter_mut()
                .filter(|t| t.portal_id.as_deref() == Some(portal_id.as_str()))
            {
                t.handed_over = false;
            }
        }
        // The early entries' summaries first: an entry changed since (a follow-up joined
        // it) is recorded again below, and the last record wins.
        self.summaries
            .record(&early.written)
            .map_err(io_err(&index))?;
        self.put_all(&entries)?;
        self.imports
            .insert(pack_name.as_bytes(), record.encode())
            .map_err(db_err)?;
        self.meta
            .insert(KEY_NEXT_ID, &next.to_be_bytes())
            .map_err(db_err)?;
        // From here the entries are the ledger's: a crash before the sync leaves them to
        // be adopted by the next import.
        written.keep = true;
        self.sync()?;
        self.import_writing = false;
        self.audit(
            Action::Import,
            None,
            &format!(
                "portal {}: {} new tips, {} new follow-ups, {} already imported",
                portal_id, summary.new_tips, summary.new_followups, summary.already_imported
            ),
        )?;
        self.audit_catch_up(&portal_id, caught_up)?;
        self.audit_cleared_marks(&portal_id, cleared)?;
        Ok(summary)
    }

    /// A bundle that is a portal's own export: tips of that portal that an earlier bundle
    /// calling itself a hand-over marked as another unit's (and so left unanswered) are
    /// the portal's. Only a ledger that imported such a bundle naming the portal looks.
    /// Returns how many marks were cleared; written with the import, synced by the caller.
    fn clear_false_handover_marks(&mut self, portal_id: &str) -> Result<u64, LedgerError> {
        let key = format!("{KEY_HANDOVER_FROM}{portal_id}");
        if self.meta.get(key.as_bytes()).map_err(db_err)?.is_none() {
            return Ok(0);
        }
        let mut fixed = Vec::new();
        for t in self.all() {
            let mut t = t?;
            if t.handed_over && t.portal_id.as_deref() == Some(portal_id) {
                t.handed_over = false;
                fixed.push(t);
            }
        }
        self.put_all(&fixed)?;
        self.meta.remove(key.as_bytes()).map_err(db_err)?;
        Ok(fixed.len() as u64)
    }

    fn audit_cleared_marks(&mut self, portal_id: &str, cleared: u64) -> Result<(), LedgerError> {
        if cleared == 0 {
            return Ok(());
        }
        self.audit(
            Action::HandoverMarksCleared,
            None,
            &format!(
                "{cleared} tips of portal {portal_id} came in a bundle that called itself another \
                 unit's hand-over; this portal's own bundle shows they are its"
            ),
        )
    }

    /// Remember which items the portal still held when it wrote the inbox bundle just
    /// imported: a portal lists every item it holds until an acknowledgement of it has
    /// been applied, so these are the items the next update bundle must acknowledge.
    /// Written with the import, synced by the caller.
    fn record_portal_holdings(
        &mut self,
        portal_id: &str,
        entries: &[inbox::EntryHeader],
    ) -> Result<(), LedgerError> {
        let mut ids = Vec::with_capacity(entries.len() * 16);
        for e in entries {
            // Every id was checked to be 32 hex digits when the bundle was read.
            let raw = hex::decode(&e.blob_id).map_err(db_err)?;
            ids.extend_from_slice(&raw);
        }
        self.meta
            .insert(format!("{KEY_PORTAL_HOLDS}{portal_id}").as_bytes(), ids)
            .map_err(db_err)?;
        Ok(())
    }

    /// Whether this ledger has imported a portal's own bundles or exported to it.
    fn imports_directly_from(&self, portal_id: &str) -> Result<bool, LedgerError> {
        Ok(self.portal_holdings(portal_id)?.is_some() || self.update_sequence(portal_id)? > 0)
    }

    /// The items the portal held when it wrote the last inbox bundle imported from it;
    /// `None` for a ledger whose last import from it predates this record.
    fn portal_holdings(
        &self,
        portal_id: &str,
    ) -> Result<Option<std::collections::HashSet<String>>, LedgerError> {
        let Some(raw) = self
            .meta
            .get(format!("{KEY_PORTAL_HOLDS}{portal_id}").as_bytes())
            .map_err(db_err)?
        else {
            return Ok(None);
        };
        Ok(Some(raw.chunks_exact(16).map(hex::encode).collect()))
    }

    /// The last update bundle this ledger exported to `portal_id` (0: none).
    fn update_sequence(&self, portal_id: &str) -> Result<u64, LedgerError> {
        Ok(self
            .meta
            .get(format!("update-sequence:{portal_id}").as_bytes())
            .map_err(db_err)?
            .map(|v| u64::from_be_bytes(v.as_ref().try_into().unwrap_or([0; 8])))
            .unwrap_or(0))
    }

    /// If the portal has applied a later update bundle (`theirs`) than this ledger exported
    /// to it, continue the numbering after it (written with the import, synced by the
    /// caller). Returns `(ours, theirs)` when it moved.
    fn catch_up_updates(
        &mut self,
        portal_id: &str,
        theirs: Option<u64>,
    ) -> Result<Option<(u64, u64)>, LedgerError> {
        let Some(theirs) = theirs else {
            return Ok(None);
        };
        let ours = self.update_sequence(portal_id)?;
        if theirs <= ours || theirs - ours > MAX_UPDATE_CATCH_UP {
            return Ok(None);
        }
        self.meta
            .insert(
                format!("update-sequence:{portal_id}").as_bytes(),
                &theirs.to_be_bytes(),
            )
            .map_err(db_err)?;
        Ok(Some((ours, theirs)))
    }

    fn audit_catch_up(
        &mut self,
        portal_id: &str,
        caught_up: Option<(u64, u64)>,
    ) -> Result<(), LedgerError> {
        let Some((ours, theirs)) = caught_up else {
            return Ok(());
        };
        self.audit(
            Action::UpdateCatchUp,
            None,
            &format!(
                "portal {portal_id} had applied update bundle {theirs}; this ledger had exported \
                 up to {ours}, so it is older than what the portal last received"
            ),
        )
    }

    /// Write ready-made entries in bulk, for the synthetic ledgers of the benchmarks
    /// (`examples/generate.rs`). Their ids must continue the ledger's numbering; they are
    /// durable after the next [`Ledger::sync`].
    pub fn insert_generated(&mut self, entries: &[TipEntry]) -> Result<(), LedgerError> {
        let mut next = self.next_id()?;
        for e in entries {
            if e.id != next {
                return Err(LedgerError::Invalid(format!(
                    "generated entry {} does not continue the ledger's numbering at {next}",
                    e.id
                )));
            }
            next += 1;
        }
        self.put_all(entries)?;
        self.meta
            .insert(KEY_NEXT_ID, &next.to_be_bytes())
            .map_err(db_err)?;
        Ok(())
    }

    // ---- reading -------------------------------------------------------------------------

    /// Decrypt a tip's items (the tip, then its follow-ups) in memory, handing their
    /// attachments to `sink` piece by piece with the item's position: memory does not grow
    /// with attachment sizes. The items come back without attachment bytes; their texts are
    /// zeroized when dropped.
    pub fn open_items<E: From<LedgerError>>(
        &self,
        tip: &TipEntry,
        identities: &[tipbox_core::keys::Identity],
        mut sink: impl FnMut(usize, tipbox_core::tip::AttachmentPiece<'_>) -> Result<(), E>,
    ) -> Result<Vec<OpenedItem>, E> {
        /// Keeps the sink's own errors apart from a damaged item's.
        enum Failed<E> {
            Item(tipbox_core::tip::ContainerError),
            Sink(E),
        }
        impl<E> From<tipbox_core::tip::ContainerError> for Failed<E> {
            fn from(e: tipbox_core::tip::ContainerError) -> Self {
                Failed::Item(e)
            }
        }
        let mut out = Vec::new();
        for (position, blob) in tip.blobs.iter().enumerate() {
            let plain = self.open_blob(blob, identities)?;
            let opened = tipbox_core::tip::OpenedTip::read_streaming(plain, |piece| {
                sink(position, piece).map_err(Failed::Sink)
            })
            .map_err(|e| match e {
                Failed::Item(e) => LedgerError::damaged(blob, e).into(),
                Failed::Sink(e) => e,
            })?;
            out.push(OpenedItem {
                blob: blob.clone(),
                tip: opened,
            });
        }
        Ok(out)
    }

    /// The plaintext of one sealed item in this ledger, decrypted as it is read.
    pub fn open_blob(
        &self,
        blob: &BlobRef,
        identities: &[tipbox_core::keys::Identity],
    ) -> Result<Box<dyn Read + '_>, LedgerError> {
        decrypt_reader(self.blob_reader(blob)?, identities).map_err(|e| e.for_blob(self, blob))
    }

    /// Open reviewer-written text.
    pub fn open_text(
        &self,
        text: &SealedText,
        identities: &[tipbox_core::keys::Identity],
    ) -> Result<Zeroizing<String>, LedgerError> {
        let bytes = hex::decode(&text.sealed)
            .map_err(|_| LedgerError::Invalid("a sealed note is damaged".into()))?;
        let mut plain = Zeroizing::new(Vec::new());
        decrypt_reader(&bytes[..], identities)
            .and_then(|mut r| r.read_to_end(&mut plain).map_err(OpenFailure::Read))
            .map_err(|_| {
                LedgerError::Invalid("a sealed note cannot be opened with these keys".into())
            })?;
        String::from_utf8(plain.to_vec())
            .map(Zeroizing::new)
            .map_err(|_| LedgerError::Invalid("a sealed note is not text".into()))
    }

    // ---- changes -------------------------------------------------------------------------

    fn seal_text(&self, kind: TextKind, text: &str) -> Result<SealedText, LedgerError> {
        let recipients = self.own_recipients()?;
        let encryptor =
            age::Encryptor::with_recipients(recipients.iter().map(|r| r as &dyn age::Recipient))
                .map_err(|e| LedgerError::Invalid(e.to_string()))?;
        let mut out = Vec::new();
        let mut w = encryptor
            .wrap_output(&mut out)
            .map_err(|e| LedgerError::Invalid(e.to_string()))?;
        w.write_all(text.as_bytes())
            .and_then(|_| w.finish().map(|_| ()))
            .map_err(|e| LedgerError::Invalid(e.to_string()))?;
        Ok(SealedText {
            kind,
            day: tipbox_core::vocab::today(),
            by: self.actor.clone(),
            sealed: hex::encode(out),
        })
    }

    /// Apply `change` to tip `id`, store it durably, and record `action` in the audit log.
    pub fn update(
        &mut self,
        id: u64,
        action: Action,
        detail: &str,
        change: impl FnOnce(&mut TipEntry) -> Result<(), LedgerError>,
    ) -> Result<TipEntry, LedgerError> {
        let mut tip = self.get(id)?;
        change(&mut tip)?;
        self.put(&tip)?;
        self.sync()?;
        self.audit(action, Some(id), detail)?;
        Ok(tip)
    }

    /// Seal reviewer text of any kind for tip `id` (the caller records the action).
    pub fn seal(&self, kind: TextKind, text: &str) -> Result<SealedText, LedgerError> {
        self.seal_text(kind, text)
    }

    pub fn add_note(&mut self, id: u64, text: &str) -> Result<(), LedgerError> {
        let sealed = self.seal_text(TextKind::Note, text)?;
        self.update(id, Action::Note, "", |t| {
            t.texts.push(sealed);
            Ok(())
        })?;
        Ok(())
    }

    /// Enter a tip that arrived by phone, letter, visit or mailbox.
    pub fn add_offline(
        &mut self,
        channel: Channel,
        category: &str,
        received: &str,
        content: &str,
        attachments: &[PathBuf],
    ) -> Result<u64, LedgerError> {
        let id = self.next_id()?;
        let sealed = self.seal_text(TextKind::Content, content)?;
        let mut tip = TipEntry::new(id, channel, received, category);
        tip.texts.push(sealed);
        if !attachments.is_empty() {
            tip.blobs.push(self.seal_files(attachments, received)?);
        }
        self.put(&tip)?;
        self.meta
            .insert(KEY_NEXT_ID, &(id + 1).to_be_bytes())
            .map_err(db_err)?;
        self.sync()?;
        self.audit(Action::Add, Some(id), &format!("channel {}", channel.key()))?;
        Ok(id)
    }

    /// Seal files that came with a typed-in tip (a scanned letter, a visitor's photos) into
    /// one sealed item in `blobs/`, in the same container as a web tip's attachments, so
    /// that `show --attachments-to` and `search` treat them alike. Streams: the files are
    /// never held in memory. The item is durable before the caller records the tip; a crash
    /// in between leaves an unreferenced item (ciphertext), never a tip without its files.
    fn seal_files(&self, paths: &[PathBuf], day: &str) -> Result<BlobRef, LedgerError> {
        use tipbox_core::tip::{ContainerWriter, FileEnd, FileStart, Kind, Manifest};
        // Open every file first: a missing one is refused before anything is written.
        let files = paths
            .iter()
            .map(|p| fs::File::open(p).map(|f| (p, f)).map_err(io_err(p)))
            .collect::<Result<Vec<_>, _>>()?;
        let recipients = self.own_recipients()?;
        let blob_id = tipbox_core::vocab::new_id();
        let path = self.root.join(BLOBS_DIR).join(format!("{blob_id}.age"));
        let partial = tipbox_core::durable::partial_path(&path);
        let write = || -> std::io::Result<()> {
            let out = std::io::BufWriter::new(tipbox_core::durable::create_private_file(&partial)?);
            let encryptor = age::Encryptor::with_recipients(
                recipients.iter().map(|r| r as &dyn age::Recipient),
            )
            .map_err(std::io::Error::other)?;
            let mut w = ContainerWriter::new(encryptor.wrap_output(out)?)?;
            let mut buf = vec![0u8; 64 * 1024];
            for (index, (p, mut file)) in (0u32..).zip(files) {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                w.file_start(&FileStart {
                    index,
                    name,
                    content_type: "application/octet-stream".into(),
                })?;
                let mut size = 0u64;
                loop {
                    let n = std::io::Read::read(&mut file, &mut buf)?;
                    if n == 0 {
                        break;
                    }
                    w.file_data(&buf[..n])?;
                    size += n as u64;
                }
                w.file_end(&FileEnd {
                    index,
                    size,
                    metadata_removed: false,
                })?;
            }
            // Not from a portal: the item is the ledger's own.
            let manifest = Manifest::without_receipt("", "", &blob_id, day, w.counts());
            let file = w.finish(&manifest)?.finish()?.into_inner()?;
            file.sync_all()?;
            tipbox_core::durable::rename_into_place(&partial, &path)
        };
        if let Err(e) = write() {
            let _ = fs::remove_file(&partial);
            return Err(io_err(&path)(e));
        }
        Ok(BlobRef {
            blob_id,
            kind: Kind::Tip,
            day: day.to_owned(),
            sealed_to: tipbox_core::keys::Recipients::new(recipients)
                .map(|r| r.fingerprint())
                .unwrap_or_default(),
            pack: None,
        })
    }

    /// Write a signed update bundle for one portal: the public state of every tip from it
    /// that has any, and acknowledgements of the items it still held at the last inbox
    /// bundle imported from it (all items imported from it, for a ledger that has not
    /// imported from it since it began to keep that record). Numbers bundles per portal so
    /// the portal refuses replays and rollbacks.
    ///
    /// Acknowledging only what the portal still holds keeps bundles from growing with the
    /// office's whole history (about 35 bytes an item). An acknowledgement that never
    /// arrives (a bundle lost on the way) costs nothing: the portal keeps listing the item
    /// in its inbox bundles, and the next import puts it back on the list.
    pub fn export_updates(
        &mut self,
        portal: Option<&str>,
        key: &tipbox_core::crypto::SigningKey,
    ) -> Result<(Vec<u8>, ExportedUpdates), LedgerError> {
        use tipbox_core::bundle::update::{self, SignedTipUpdate, TipUpdate, UpdateBody};
        let entries: Vec<TipEntry> = self.all().collect::<Result<_, _>>()?;
        // Tips handed over by another unit are answered by that unit's portal.
        let mut portals: Vec<&str> = entries
            .iter()
            .filter(|t| !t.handed_over)
            .filter_map(|t| t.portal_id.as_deref())
            .collect();
        portals.sort_unstable();
        portals.dedup();
        let portal_id =
            match (portal, portals.as_slice()) {
                (Some(p), _) if portals.contains(&p) => p.to_owned(),
                (Some(p), _) => {
                    return Err(LedgerError::Invalid(format!(
                        "no tip in this ledger came from portal {}",
                        tipbox_core::safe_output::label_safe(p)
                    )))
                }
                (None, [one]) => (*one).to_owned(),
                (None, []) => return Err(LedgerError::Invalid(
                    "no web tip has been imported from a portal of this office yet (tips handed \
                     over by other units are answered by them): there is nothing to send to a \
                     portal"
                        .into(),
                )),
                (None, many) => {
                    return Err(LedgerError::Invalid(format!(
                        "tips came from several portals; choose one with --portal: {}",
                        // Checked when imported; a ledger from before that may hold anything.
                        many.iter()
                            .map(|p| tipbox_core::safe_output::label_safe(p))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            };
        let sequence = self.update_sequence(&portal_id)? + 1;
        let holds = self.portal_holdings(&portal_id)?;
        let today = tipbox_core::vocab::today();
        let finished_days = self.config.publishing.finished_days;
        let publish_since = parse_day(&today)
            .map(|d| format_day(d - time::Duration::days(i64::from(finished_days))))
            .unwrap_or_default();
        let mut tips = Vec::new();
        let mut acknowledged = Vec::new();
        let mut finished_left_out = 0;
        for t in entries
            .iter()
            .filter(|t| !t.handed_over && t.portal_id.as_deref() == Some(portal_id.as_str()))
        {
            // Only items imported from this portal: the list of holdings only narrows that.
            acknowledged.extend(
                t.blobs
                    .iter()
                    .filter(|b| holds.as_ref().is_none_or(|h| h.contains(&b.blob_id)))
                    .map(|b| b.blob_id.clone()),
            );
            // A tip whose item the portal still holds is sent even with nothing else to
            // say: it carries the office's acknowledgement of receipt, which the portal
            // keeps and shows (a portal keeps a tip's last state until it sends another).
            let new_here = t
                .blobs
                .iter()
                .any(|b| holds.as_ref().is_some_and(|h| h.contains(&b.blob_id)));
            if !t.has_public_state() && !new_here {
                continue;
            }
            if t.has_public_state()
                && t.is_publicly_finished()
                && t.last_public_change() < publish_since.as_str()
            {
                finished_left_out += 1;
                continue;
            }
            let Some(tip_id) = t.portal_tip_id.clone() else {
                continue;
            };
            let acknowledgement = Some(update::Acknowledgement::sign(
                &self.config.office_name,
                &update::Acknowledgement::number(&portal_id, &tip_id),
                &t.received,
                key,
            ));
            let u = TipUpdate {
                format: update::FORMAT,
                purpose: update::TIP_PURPOSE.into(),
                portal_id: portal_id.clone(),
                tip_id,
                revision: sequence,
                status: t.status.public().into(),
                status_day: t.status_day.clone().unwrap_or_else(|| t.received.clone()),
                messages: t.public_messages.clone(),
                reward: t.reward.as_ref().map(|r| update::RewardState {
                    state: r.state.clone(),
                    day: r.paid_on.clone().unwrap_or_else(|| r.approved_on.clone()),
                    sealed_amount: r.sealed_amount.clone(),
                }),
                acknowledgement,
            };
            tips.push(SignedTipUpdate::sign(&u, key));
        }
        acknowledged.sort();
        let body = UpdateBody {
            format: update::FORMAT,
            purpose: update::PURPOSE.into(),
            portal_id: portal_id.clone(),
            sequence,
            made: tipbox_core::vocab::today(),
            tips,
            acknowledged,
        };
        let bytes = update::write(&body, key);
        if bytes.len() > update::MAX_BUNDLE {
            return Err(LedgerError::Invalid(format!(
                "the update bundle would be {} MiB, over the {} MiB a portal accepts: lower \
                 `finished_days` under [publishing] in {} (now {finished_days}) so that \
                 finished tips are sent for a shorter time",
                bytes.len() >> 20,
                update::MAX_BUNDLE >> 20,
                self.root.join(CONFIG_FILE).display()
            )));
        }
        let summary = ExportedUpdates {
            portal_id,
            sequence,
            tips: body.tips.len(),
            acknowledged: body.acknowledged.len(),
            finished_left_out,
        };
        Ok((bytes, summary))
    }

    /// Record that bundle `sequence` for `portal_id` was written (after the file is safe).
    pub fn commit_export(&mut self, e: &ExportedUpdates) -> Result<(), LedgerError> {
        let seq_key = format!("update-sequence:{}", e.portal_id);
        self.meta
            .insert(seq_key.as_bytes(), &e.sequence.to_be_bytes())
            .map_err(db_err)?;
        self.sync()?;
        self.audit(
            Action::Export,
            None,
            &format!(
                "update bundle {} for portal {}: {} tip(s), {} acknowledgement(s)",
                e.sequence, e.portal_id, e.tips, e.acknowledged
            ),
        )
    }

    /// Issue a supervision notice (督办通知书): returns the notice with its new number.
    pub fn issue_notice(
        &mut self,
        id: u64,
        to: &str,
        summary: Option<&str>,
        due: &str,
    ) -> Result<Notice, LedgerError> {
        let day = tipbox_core::vocab::today();
        let year = &day[..4];
        let key = format!("notice-sequence:{year}");
        let n = self
            .meta
            .get(key.as_bytes())
            .map_err(db_err)?
            .map(|v| u64::from_be_bytes(v.as_ref().try_into().unwrap_or([0; 8])))
            .unwrap_or(0)
            + 1;
        let notice = Notice {
            number: format!("督字〔{year}〕第{n:04}号"),
            to: to.to_owned(),
            day,
            due: due.to_owned(),
        };
        let sealed = summary
            .map(|s| self.seal_text(TextKind::Summary, s))
            .transpose()?;
        self.meta
            .insert(key.as_bytes(), &n.to_be_bytes())
            .map_err(db_err)?;
        let n2 = notice.clone();
        self.update(
            id,
            Action::Notice,
            &format!("{} to {}, due {}", notice.number, to, due),
            move |t| {
                t.notices.push(n2);
                t.texts.extend(sealed);
                Ok(())
            },
        )?;
        Ok(notice)
    }

    /// Find the tip whose claim-token verifier matches.
    pub fn find_claim(
        &self,
        token: &tipbox_core::receipt::ClaimToken,
    ) -> Result<Option<TipEntry>, LedgerError> {
        let verifier = token.verifier();
        for t in self.all() {
            let t = t?;
            if t.claim_verifier.as_deref() == Some(verifier.as_str()) {
                return Ok(Some(t));
            }
        }
        Ok(None)
    }

    /// Link two tips (串并): recorded on both.
    /// Link two tips (串并), both ways. Returns false, writing nothing, when they already were.
    pub fn link(&mut self, a: u64, b: u64) -> Result<bool, LedgerError> {
        if a == b {
            return Err(LedgerError::Invalid(
                "a tip cannot be linked to itself".into(),
            ));
        }
        self.get(b)?;
        let mut ta = self.get(a)?;
        let mut tb = self.get(b)?;
        if ta.links.contains(&b) && tb.links.contains(&a) {
            return Ok(false);
        }
        if !ta.links.contains(&b) {
            ta.links.push(b);
            ta.links.sort_unstable();
        }
        if !tb.links.contains(&a) {
            tb.links.push(a);
            tb.links.sort_unstable();
        }
        self.put(&ta)?;
        self.put(&tb)?;
        self.sync()?;
        self.audit(Action::Link, Some(a), &format!("linked with {b}"))?;
        Ok(true)
    }
}

fn read_next_id(meta: &sled::Tree) -> Result<u64, LedgerError> {
    let next = meta
        .get(KEY_NEXT_ID)
        .map_err(db_err)?
        .map(|v| u64::from_be_bytes(v.as_ref().try_into().unwrap_or([0; 8])))
        .unwrap_or(1);
    Ok(next.max(1))
}

/// Where an imported item is: in this import's pack.
fn pack_blob(entry: &inbox::EntryHeader, offset: u64, manifest: &Manifest, pack: &str) -> BlobRef {
    BlobRef {
        blob_id: entry.blob_id.clone(),
        kind: manifest.kind,
        day: manifest.day.clone(),
        sealed_to: entry.sealed_to.clone(),
        pack: Some(PackRef {
            file: pack.to_owned(),
            offset,
            len: entry.size,
        }),
    }
}

/// The entry of a web tip the ledger has not seen, before its items are added. A follow-up
/// whose tip never arrived gets one too: nothing is lost.
fn fresh_entry(id: u64, manifest: &Manifest, fields: &ItemFields) -> TipEntry {
    let mut t = TipEntry::new(
        id,
        fields.channel,
        &manifest.day,
        fields.category.as_deref().unwrap_or("other"),
    );
    t.portal_id = Some(manifest.portal_id.clone());
    t.portal_tip_id = Some(manifest.tip_id.clone());
    t
}

/// Add a tip's own item (not a follow-up) to its entry: it comes first, and sets the
/// tip's fields.
fn add_tip_item(tip: &mut TipEntry, blob: BlobRef, manifest: &Manifest, fields: &ItemFields) {
    if let Some(c) = &fields.category {
        tip.category = c.clone();
    }
    tip.received = manifest.day.clone();
    tip.channel = fields.channel;
    tip.reward_wanted = fields.reward;
    tip.reply_public_key = manifest.reply_public_key.clone();
    tip.claim_verifier = manifest.claim_verifier.clone();
    tip.blobs.insert(0, blob);
}

/// The fields import reads from an item besides its manifest.
#[derive(Default)]
struct ItemFields {
    category: Option<String>,
    reward: bool,
    /// Web, unless a hand-over of a typed-in tip names another channel.
    channel: Channel,
}

/// Reads the pieces of a large item as the import's bundle reader sends them; the end of
/// the item (or of the bundle) is the end of input.
struct PiecesReader<'h> {
    pieces: std::sync::mpsc::Receiver<Vec<u8>>,
    current: Vec<u8>,
    at: usize,
    /// Every piece goes through it whole, as it arrives.
    hasher: &'h mut inbox::EntryHasher,
}

impl Read for PiecesReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.current.len() {
            match self.pieces.recv() {
                Ok(piece) => {
                    self.hasher.update(&piece);
                    self.current = piece;
                    self.at = 0;
                }
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Reads a slice of a pack file by position (`pread`).
struct PackSlice<F> {
    file: F,
    at: u64,
    end: u64,
}

impl<F> PackSlice<F> {
    fn of(file: F, p: &PackRef) -> Self {
        PackSlice {
            file,
            at: p.offset,
            end: p.offset + p.len,
        }
    }
}

/// Pack files kept open across reads, by name, and a buffer for the ciphertext of small
/// items (see [`Ledger::blob_reader_in`]).
#[derive(Default)]
pub struct OpenPacks {
    files: std::collections::HashMap<String, fs::File>,
    buffer: Vec<u8>,
}

impl<F: std::borrow::Borrow<fs::File>> Read for PackSlice<F> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        use std::os::unix::fs::FileExt;
        let want = (self.end - self.at).min(buf.len() as u64) as usize;
        if want == 0 {
            return Ok(0);
        }
        let n = self.file.borrow().read_at(&mut buf[..want], self.at)?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        self.at += n as u64;
        Ok(n)
    }
}

/// Why a sealed item could not be opened: the disk (say so, with the file), its age header,
/// or the keys.
enum OpenFailure {
    Read(std::io::Error),
    Malformed(&'static str),
    NotOurs,
}

impl From<tipbox_core::keys::OpenError> for OpenFailure {
    fn from(e: tipbox_core::keys::OpenError) -> Self {
        use tipbox_core::keys::OpenError;
        match e {
            OpenError::Io(e) => OpenFailure::Read(e),
            OpenError::Malformed(what) => OpenFailure::Malformed(what),
            // Items are sealed to X25519 keys; a passphrase stanza is not ours either.
            OpenError::NotOurs | OpenError::ExcessiveWork { .. } => OpenFailure::NotOurs,
        }
    }
}

impl OpenFailure {
    /// For an item of a bundle being imported.
    fn for_item(self, blob_id: &str, sealed_to: &str, path: &Path) -> LedgerError {
        match self {
            // The item's bytes were read from the bundle already (its checksums hold): what
            // ends early or fails is the item itself, not the disk.
            OpenFailure::Read(source) if source.kind() == std::io::ErrorKind::UnexpectedEof => {
                LedgerError::BadItem(
                    blob_id.to_owned(),
                    "it ends before its age file does".into(),
                )
            }
            OpenFailure::Read(source) => LedgerError::Io {
                path: path.to_owned(),
                source,
            },
            OpenFailure::Malformed(what) => {
                LedgerError::BadItem(blob_id.to_owned(), what.to_owned())
            }
            OpenFailure::NotOurs => LedgerError::NotOurs {
                blob: blob_id.to_owned(),
                sealed_to: sealed_to.to_owned(),
            },
        }
    }

    /// For an item already in the ledger (`show`, `search`).
    fn for_blob(self, ledger: &Ledger, blob: &BlobRef) -> LedgerError {
        match self {
            OpenFailure::Read(source) => LedgerError::Io {
                path: ledger.blob_path(blob),
                source,
            },
            OpenFailure::Malformed(what) => LedgerError::DamagedItem {
                blob: blob.blob_id.clone(),
                detail: what.to_owned(),
            },
            OpenFailure::NotOurs => LedgerError::CannotOpen {
                blob: blob.blob_id.clone(),
                sealed_to: blob.sealed_to.clone(),
            },
        }
    }
}

fn decrypt_reader<'a, R: std::io::BufRead + 'a>(
    input: R,
    identities: &[tipbox_core::keys::Identity],
) -> Result<Box<dyn Read + 'a>, OpenFailure> {
    let reader =
        tipbox_core::keys::open_sealed(input, identities.iter().map(|i| i as &dyn age::Identity))?;
    Ok(Box::new(reader))
}

/// Decrypt one item of a bundle being imported (read from `path`) for its manifest.
fn read_item(
    entry: &inbox::EntryHeader,
    reader: &mut dyn std::io::BufRead,
    path: &Path,
    identities: &[tipbox_core::keys::Identity],
    window: &DayWindow,
) -> Result<(Manifest, ItemFields), LedgerError> {
    let plain = decrypt_reader(reader, identities)
        .map_err(|e| e.for_item(&entry.blob_id, &entry.sealed_to, path))?;
    let bad = |e: tipbox_core::tip::ContainerError| {
        LedgerError::BadItem(entry.blob_id.clone(), e.to_string())
    };
    let mut container = ContainerReader::new(plain).map_err(bad)?;
    let mut fields = ItemFields::default();
    let mut manifest = None;
    // Attachment data is read and dropped (zeroized); only the manifest and two fields stay.
    while let Some(record) = container.next_record().map_err(bad)? {
        match record {
            Record::Field { name, value } if name == "category" => {
                fields.category = Some(sanitize_key(&value))
            }
            Record::Field { name, value } if name == "reward" => {
                fields.reward = value.as_str() == "on"
            }
            // Set by hand-overs of typed-in tips (module `handover`).
            Record::Field { name, value } if name == "channel" => {
                fields.channel = Channel::from_key(&value).unwrap_or_default()
            }
            Record::Manifest(m) => manifest = Some(m),
            _ => {}
        }
    }
    let manifest = manifest
        .ok_or_else(|| LedgerError::BadItem(entry.blob_id.clone(), "no manifest".into()))?;
    // A follow-up says nothing about its tip (category, reward, channel); only a tip item
    // does, and a channel other than the web only a typed-in tip's hand-over.
    if manifest.kind == Kind::Followup {
        fields = ItemFields::default();
    } else if manifest.portal_id != tipbox_core::tip::TYPED_IN_PORTAL {
        fields.channel = Channel::default();
    }
    // Whoever sealed the item wrote the manifest: nothing of it is used or printed before
    // its syntax is checked, and its day must be one the ledger can track deadlines from.
    manifest
        .check()
        .map_err(|what| LedgerError::BadItem(entry.blob_id.clone(), what.into()))?;
    window
        .check(&manifest.day)
        .map_err(|what| LedgerError::BadItem(entry.blob_id.clone(), what))?;
    Ok((manifest, fields))
}

/// The days an imported item may name: from [`EARLIEST_DAY`] to tomorrow by this
/// machine's clock (a portal's UTC day may be ahead of the office's, never by more). A
/// hostile portal could otherwise keep a tip out of deadline tracking with a day that does
/// not exist or lies far in the future (no due date, never overdue, reported under week
/// "unknown").
pub struct DayWindow {
    earliest: time::Date,
    latest: time::Date,
}

/// No tip tipbox imports arrived before this day (typed-in tips handed over from another
/// unit keep the day their letter or call came, which may be years before tipbox).
pub const EARLIEST_DAY: time::Date = time::macros::date!(2000 - 01 - 01);

impl DayWindow {
    pub fn today() -> DayWindow {
        let today = time::OffsetDateTime::now_utc().date();
        DayWindow {
            earliest: EARLIEST_DAY,
            latest: today.next_day().unwrap_or(today),
        }
    }

    /// Whether `day` (already checked to be a real `YYYY-MM-DD`) is within the window.
    pub fn check(&self, day: &str) -> Result<(), String> {
        let Some(d) = tipbox_core::bundle::strict_day(day) else {
            return Err("its manifest's day is not a real day written YYYY-MM-DD".into());
        };
        if d < self.earliest {
            return Err(format!(
                "its manifest's day {day} is before {}: no tip in a ledger is that old",
                format_day(self.earliest)
            ));
        }
        if d > self.latest {
            return Err(format!(
                "its manifest's day {day} is after tomorrow ({}) by this machine's clock. If \
                 this machine's date is wrong, set it right and import again; if it is right, \
                 whoever made this bundle is not an honest portal",
                format_day(self.latest)
            ));
        }
        Ok(())
    }
}

/// Category keys come from the reporter's form: keep them to a safe shape.
fn sanitize_key(s: &str) -> String {
    let k: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(40)
        .collect::<String>()
        .to_ascii_lowercase();
    if k.is_empty() {
        "other".into()
    } else {
        k
    }
}

/// Open the ledger database, waiting up to a minute while another tipbox-review command
/// holds it (sled allows one process), so commands run one after the other, never at once.
/// High-throughput mode: imports write a hundred thousand entries at once, and sled's
/// space-saving mode made that about 40% slower; durability is the same in both modes.
fn load_config(root: &Path) -> Result<LedgerConfig, LedgerError> {
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

fn open_waiting(path: &Path, tell: &dyn Fn(Progress)) -> Result<sled::Db, LedgerError> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let mut told = false;
    loop {
        match tipbox_core::durable::open_sled(
            path,
            sled::Config::new().mode(sled::Mode::HighThroughput),
        ) {
            Ok(db) => return Ok(db),
            // sled reports a held lock as an I/O error whose message says so.
            Err(sled::Error::Io(e))
                if (e.kind() == std::io::ErrorKind::WouldBlock
                    || e.to_string().contains("could not acquire lock"))
                    && std::time::Instant::now() < deadline =>
            {
                if !told {
                    tell(Progress::WaitingForLock);
                    told = true;
                }
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            Err(source @ sled::Error::Corruption { .. }) => {
                return Err(LedgerError::DbDamaged {
                    path: path.to_owned(),
                    source,
                })
            }
            Err(source) => {
                return Err(LedgerError::Db {
                    path: path.to_owned(),
                    source,
                })
            }
        }
    }
}

fn create_private_dir(dir: &Path) -> Result<(), LedgerError> {
    tipbox_core::durable::create_private_dir(dir).map_err(io_err(dir))
}
