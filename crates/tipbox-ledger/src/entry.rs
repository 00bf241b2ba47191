//! A ledger entry (台账 line): one tip with everything the office recorded about it, and
//! the words it is filed under (channel, status, priority, credibility). Days are
//! `YYYY-MM-DD` in UTC.

use super::*;

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
    pub fn public(self) -> PublicStatus {
        match self {
            Status::New | Status::Triaged | Status::Assigned => PublicStatus::Received,
            Status::Verifying => PublicStatus::Verifying,
            Status::StageClosed => PublicStatus::StageClosed,
            Status::Closed => PublicStatus::Closed,
            Status::NotAccepted => PublicStatus::NotAccepted,
            Status::Transferred => PublicStatus::Transferred,
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
    /// A follow-up whose receipt-key signature import checked and found good (since
    /// 2026-12-08): signed with the tip's follow-up key, so written by its receipt's
    /// holder. False for every other item, for a follow-up imported before its tip's item
    /// or before this was recorded, and for a made-up one. Only these are counted in what
    /// other portals of a site show (docs/design/sites.md); a reviewer sees every
    /// follow-up's proof, checked again whenever it is opened.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub proven_at_import: bool,
    /// The portal that took this follow-up, when it is not the tip's own (another portal
    /// of its site relayed it; since 2026-12-08): the tip's own portal lists such
    /// follow-ups from the office's record, as it lists its own from its store.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_by: Option<String>,
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
    /// The key the tip's follow-ups are signed with (hex), from its first tip item (since
    /// 2026-12-08): import checks each later follow-up against it
    /// ([`BlobRef::proven_at_import`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followup_verify_key: Option<String>,
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
    pub state: RewardState,
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
            followup_verify_key: None,
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
        self.status.public().is_final()
    }

    pub fn has_public_state(&self) -> bool {
        self.status.public() != PublicStatus::Received
            || !self.public_messages.is_empty()
            || self.reward.is_some()
    }

    /// The reporter's reply key, or why there is none.
    pub fn reply_key(&self) -> Result<[u8; 32], LedgerError> {
        if self.handed_over {
            return Err(Refused::AnsweredByOtherUnit { id: self.id }.into());
        }
        self.reply_public_key
            .as_deref()
            .and_then(|k| hex::decode(k).ok())
            .and_then(|k| k.try_into().ok())
            .ok_or_else(|| {
                Refused::NoReceipt {
                    id: self.id,
                    channel: self.channel.key(),
                }
                .into()
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
            return Err(Refused::TooLongForReporter { chars }.into());
        }
        let key = self.reply_key()?;
        Ok(tipbox_core::bundle::update::SealedMessage {
            kind: kind.to_owned(),
            day: tipbox_core::vocab::today(),
            sealed: hex::encode(tipbox_core::crypto::seal_to(&key, text.as_bytes())),
        })
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

    pub fn is_overdue(&self, d: &Deadlines, today: Day) -> bool {
        self.due(d)
            .and_then(|due| Day::parse(&due))
            .is_some_and(|due| due < today)
    }
}

/// Parse `YYYY-MM-DD` as a person or a record wrote it ([`Day::parse`]).
pub fn parse_day(s: &str) -> Option<time::Date> {
    Day::parse(s).map(Day::date)
}

/// `YYYY-MM-DD`.
pub fn format_day(d: time::Date) -> String {
    Day::from(d).to_string()
}

/// The day `days` after `day`, as text: for the days records keep as text.
pub fn add_days(day: &str, days: u32) -> Option<String> {
    Day::parse(day)?
        .plus(i64::from(days))
        .map(|d| d.to_string())
}

/// Category keys come from the reporter's form: keep them to a safe shape.
pub(crate) fn sanitize_key(s: &str) -> String {
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
