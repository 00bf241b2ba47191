//! The reviewer's decisions on a tip, one function per action: triage (研判), assignment
//! (分流/转办), status (with the public note the reporter reads), replies, notes, transfers
//! (移交), supervision notices (督办, in `notice`), tips typed in from other channels (in
//! `intake`) and rewards (奖励, in `rewards`). Each enforces its rules, writes its own audit
//! entry ([`Action`]) and returns what it did with the [`Warning`]s a reviewer should hear.
//! The rules keep the ledger's record straight against the slips of a tired reviewer (a
//! command run twice, a typo in a key, a day or an amount); what they refuse is a
//! [`Refused`], whose message says what to do instead. Front-ends parse, call these, and
//! print what they report.

mod intake;
mod notice;
mod rewards;

pub use intake::NewTip;
pub use notice::NoticeDraft;
pub use rewards::{RewardApproval, MAX_REWARD_YUAN};

use super::{
    add_days, Action, Credibility, Day, Keyed, Ledger, LedgerError, Priority, Refused, Status,
    TextKind, TipEntry, Transfer,
};
use tipbox_core::vocab::default_categories;

/// The category key for what the reviewer typed: a key (lowercase letters, digits and
/// dashes), or the name of one of the portal's default categories in any of its languages
/// (`套路贷、非法高利放贷、暴力催收` is `loan-shark`).
pub fn category_key(given: &str) -> Result<String, LedgerError> {
    let s = given.trim();
    if let Some(c) = default_categories()
        .into_iter()
        .find(|c| c.zh_hans == s || c.zh_hant == s || c.en.eq_ignore_ascii_case(s))
    {
        return Ok(c.key);
    }
    let key = s.to_ascii_lowercase();
    let well_formed = !key.is_empty()
        && key.len() <= 40
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !well_formed {
        return Err(Refused::NotACategory {
            given: given.to_owned(),
        }
        .into());
    }
    Ok(key)
}

/// The portal's default category keys, for messages.
pub fn default_category_keys() -> String {
    default_categories()
        .into_iter()
        .map(|c| c.key)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Department names: any text, no control characters, at most this many characters.
pub const MAX_DEPARTMENT_CHARS: usize = 100;

/// What [`Ledger::triage`] sets (线索研判); `None` leaves a field as it is.
#[derive(Debug, Default, Clone)]
pub struct Triage {
    /// A category key, or the name of a default category in any language
    /// ([`category_key`]).
    pub category: Option<String>,
    pub priority: Option<Priority>,
    pub credibility: Option<Credibility>,
}

/// What a casework action did: the tip as it is now, and what the reviewer should hear.
#[derive(Debug)]
pub struct Done {
    pub entry: TipEntry,
    pub warnings: Vec<Warning>,
}

/// Something a reviewer should know about what they just did, which is not wrong enough to
/// refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// No other tip has this category and it is not a default one: most likely a typo,
    /// which every report would count apart (a portal may define categories of its own).
    NewCategory(String),
    /// The due day is before the tip arrived, so it is overdue at once.
    DueBeforeReceived {
        id: u64,
        due: String,
        received: String,
    },
    /// Marked transferred with no transfer recorded: reports cannot count where it went.
    TransferredNowhere { id: u64 },
    /// The tip is finished and its public record is probably gone from the portal.
    PublicRecordRemoved { id: u64, day: String },
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Warning::NewCategory(key) => write!(
                f,
                "no other tip has the category \"{key}\", and it is not one of the default \
                 ones ({}): check the spelling, reports count each spelling apart",
                default_category_keys()
            ),
            Warning::DueBeforeReceived { id, due, received } => write!(
                f,
                "--due {due} is before tip {id} was received ({received}), so it is overdue \
                 already; if that is a typo, assign it again with the right day"
            ),
            Warning::TransferredNowhere { id } => write!(
                f,
                "tip {id} is marked transferred, but the ledger does not say where to: \
                 `tipbox-review transfer {id} --to DEPT` records it, and reports count it"
            ),
            Warning::PublicRecordRemoved { id, day } => write!(
                f,
                "tip {id} is finished, and what its reporter sees last changed on {day}; a \
                 portal removes a finished tip's public record {} days after that (its \
                 retention_days, unless the operator changed it): its reporter will probably \
                 never see this",
                tipbox_core::vocab::DEFAULT_RETENTION_DAYS
            ),
        }
    }
}

/// A department's name as given: trimmed, 1-100 characters, no control, bidi or invisible
/// characters (a name with U+202E or U+200B reads as another unit's, and counts apart in
/// every report).
pub fn department_name(given: &str) -> Result<String, LedgerError> {
    let t = given.trim();
    if t.is_empty()
        || t.chars().count() > MAX_DEPARTMENT_CHARS
        || t.chars()
            .any(|c| c.is_control() || tipbox_core::safe_output::is_unsafe_char(c))
    {
        return Err(Refused::NotADepartment.into());
    }
    Ok(t.to_owned())
}

/// A day a reviewer gives as `flag` (`--due`, `--received`): exactly `YYYY-MM-DD` (spaces
/// around it allowed), a real day, from [`crate::EARLIEST_DAY`] to ten years from today (a
/// due day of 9999 would keep a tip out of deadline tracking for good). Returned in that
/// form.
pub fn given_day(flag: &'static str, given: &str) -> Result<String, LedgerError> {
    let day = day_given(flag, given)?;
    let earliest = Day::from(crate::EARLIEST_DAY);
    let latest = Day::today().plus(MAX_YEARS_AHEAD * 366).unwrap_or(day);
    if day < earliest || day > latest {
        return Err(Refused::DayOutOfRange {
            flag,
            given: given.trim().to_owned(),
            earliest: earliest.to_string(),
            latest: latest.to_string(),
        }
        .into());
    }
    Ok(day.to_string())
}

/// A day as a reviewer must write it: exactly `YYYY-MM-DD`, spaces around it allowed.
pub(crate) fn day_given(flag: &'static str, given: &str) -> Result<Day, LedgerError> {
    Day::strict(given.trim()).ok_or_else(|| {
        Refused::NotADate {
            flag,
            given: given.to_owned(),
        }
        .into()
    })
}

/// How far ahead a day a reviewer gives may lie.
const MAX_YEARS_AHEAD: i64 = 10;

impl Ledger {
    /// Whether `key` is a category no tip has and not a default one (see
    /// [`Warning::NewCategory`]). Reads the summary index; on any doubt, says no.
    /// (Found as a hang by `regression_triage_stored_the_category_as_typed_instead_of_its_key`
    /// when this first read the index through `summary::read_clean`.)
    pub fn category_is_new(&self, key: &str) -> bool {
        if default_categories().iter().any(|c| c.key == key) {
            return false;
        }
        // Through the open log: `summary::read_clean` would wait for this ledger's own lock.
        match self.summaries.bytes() {
            Ok(bytes) => super::summary::decode_all(&bytes)
                .is_some_and(|all| !all.iter().any(|t| t.category == key)),
            Err(_) => false,
        }
    }

    /// Classify tip `id` (线索研判): category, priority, credibility. A new tip becomes
    /// triaged.
    pub fn triage(&mut self, id: u64, given: Triage) -> Result<Done, LedgerError> {
        let category = given.category.as_deref().map(category_key).transpose()?;
        let mut warnings = Vec::new();
        if let Some(c) = category.as_deref().filter(|c| self.category_is_new(c)) {
            warnings.push(Warning::NewCategory(c.to_owned()));
        }
        let mut detail = Vec::new();
        if let Some(c) = &category {
            detail.push(format!("category {c}"));
        }
        if let Some(p) = given.priority {
            detail.push(format!("priority {}", p.key()));
        }
        if let Some(c) = given.credibility {
            detail.push(format!("credibility {}", c.key()));
        }
        let entry = self.update(id, Action::Triage, &detail.join(", "), |t| {
            if let Some(c) = &category {
                t.category = c.clone();
            }
            if given.priority.is_some() {
                t.priority = given.priority;
            }
            if given.credibility.is_some() {
                t.credibility = given.credibility;
            }
            if t.status == Status::New {
                t.status = Status::Triaged;
            }
            Ok(())
        })?;
        Ok(Done { entry, warnings })
    }

    /// Route tip `id` to `department` (分流/转办), due on `due` or after the ledger's
    /// `verify_days`. A new or triaged tip becomes assigned. A due day before the tip
    /// arrived is taken as given (a case entered late may be overdue at once), with a
    /// warning: it is most likely a typo in the year.
    pub fn assign(
        &mut self,
        id: u64,
        department: &str,
        due: Option<&str>,
    ) -> Result<Done, LedgerError> {
        let department = department_name(department)?;
        let due = match due {
            Some(d) => given_day("--due", d)?,
            None => add_days(
                &tipbox_core::vocab::today(),
                self.config.deadlines.verify_days,
            )
            .expect("today is a date"),
        };
        let detail = format!("to {department}, due {due}");
        let entry = self.update(id, Action::Assign, &detail, |t| {
            t.department = Some(department.clone());
            t.assignment_due = Some(due.clone());
            if matches!(t.status, Status::New | Status::Triaged) {
                t.status = Status::Assigned;
            }
            Ok(())
        })?;
        let mut warnings = Vec::new();
        let received = Day::parse(&entry.received);
        if received.is_some_and(|r| Day::parse(&due).is_some_and(|d| d < r)) {
            warnings.push(Warning::DueBeforeReceived {
                id,
                due,
                received: entry.received.clone(),
            });
        }
        Ok(Done { entry, warnings })
    }

    /// Set tip `id`'s status, with an optional public note for its reporter: the office
    /// keeps its own copy (sealed to the office), the reporter's is sealed to the tip's
    /// reply key. Returns the status before, and what was done.
    pub fn set_status(
        &mut self,
        id: u64,
        status: Status,
        public_note: Option<&str>,
    ) -> Result<(Status, Done), LedgerError> {
        let before = self.get(id)?;
        let sealed = public_note
            .map(|n| -> Result<_, LedgerError> {
                let office = self.seal(TextKind::PublicNote, n)?;
                let reporter = before.seal_for_reporter("note", n)?;
                Ok((office, reporter))
            })
            .transpose()?;
        let today = tipbox_core::vocab::today();
        let entry = self.update(id, Action::Status, status.key(), |t| {
            t.set_status(status, &today);
            if let Some((office, reporter)) = sealed {
                t.texts.push(office);
                t.public_messages.push(reporter);
            }
            Ok(())
        })?;
        let mut warnings = Vec::new();
        if status == Status::Transferred && entry.transfers.is_empty() {
            warnings.push(Warning::TransferredNowhere { id });
        }
        Ok((before.status, Done { entry, warnings }))
    }

    /// Answer tip `id`'s reporter: sealed to the tip's reply key (and a copy to the office),
    /// published with the next export. The first reply is the tip's first feedback (首次反馈).
    pub fn reply(&mut self, id: u64, message: &str) -> Result<Done, LedgerError> {
        let before = self.get(id)?;
        if message.trim().is_empty() {
            return Err(Refused::Empty(crate::Text::Reply).into());
        }
        let reporter = before.seal_for_reporter("reply", message)?;
        let office = self.seal(TextKind::Reply, message)?;
        let today = tipbox_core::vocab::today();
        let entry = self.update(id, Action::Reply, "", |t| {
            t.public_messages.push(reporter);
            t.texts.push(office);
            if t.first_feedback.is_none() {
                t.first_feedback = Some(today.clone());
            }
            Ok(())
        })?;
        let warnings = before
            .public_record_probably_removed(&today)
            .map(|day| Warning::PublicRecordRemoved {
                id,
                day: day.to_owned(),
            })
            .into_iter()
            .collect();
        Ok(Done { entry, warnings })
    }

    /// Whether tip `id` was already transferred to `to` on `day`: run twice by mistake (the
    /// shell's history), a transfer would be counted twice.
    fn transferred_on(&self, id: u64, to: &str, day: &str) -> Result<bool, LedgerError> {
        Ok(self
            .get(id)?
            .transfers
            .iter()
            .any(|x| x.to == to && x.day == day))
    }

    /// Record that tip `id` went to `to` on `day` (with the hand-over bundle written for it,
    /// if any), and show the reporter "transferred". The same unit on the same day is
    /// recorded once: without a bundle that is refused as a slip; with one, the bundle was
    /// written again and the record notes it.
    pub fn transfer(
        &mut self,
        id: u64,
        to: &str,
        day: &str,
        handover: Option<(String, &str)>,
    ) -> Result<(), LedgerError> {
        // The hand-over bundle's file, and the recipient its items were re-sealed to (on
        // record: a tip's whole content went to that key).
        let (package, sealed_to) = match handover {
            Some((file, recipient)) => (Some(file), Some(recipient)),
            None => (None, None),
        };
        let repeated = self.transferred_on(id, to, day)?;
        if repeated && package.is_none() {
            return Err(Refused::AlreadyTransferred {
                id,
                to: to.to_owned(),
            }
            .into());
        }
        let detail = format!(
            "to {to}{}",
            match (sealed_to, repeated) {
                (Some(r), false) => format!(", hand-over package written, sealed to {r}"),
                (Some(r), true) => format!(", hand-over package written again, sealed to {r}"),
                (None, _) => String::new(),
            }
        );
        self.update(id, Action::Transfer, &detail, |t| {
            match t
                .transfers
                .iter_mut()
                .find(|x| repeated && x.to == to && x.day == day)
            {
                Some(earlier) => earlier.package = package,
                None => t.transfers.push(Transfer {
                    to: to.to_owned(),
                    day: day.to_owned(),
                    package,
                }),
            }
            t.set_status(Status::Transferred, day);
            Ok(())
        })?;
        Ok(())
    }

    /// Add a note to tip `id` (sealed to the office; it stays in the ledger).
    pub fn add_note(&mut self, id: u64, text: &str) -> Result<(), LedgerError> {
        if text.trim().is_empty() {
            return Err(Refused::Empty(crate::Text::Note).into());
        }
        let sealed = self.seal_text(TextKind::Note, text)?;
        self.update(id, Action::Note, "", |t| {
            t.texts.push(sealed);
            Ok(())
        })?;
        Ok(())
    }

    /// Link two tips (串并), both ways. Returns false, writing nothing, when they already were.
    pub fn link(&mut self, a: u64, b: u64) -> Result<bool, LedgerError> {
        if a == b {
            return Err(Refused::LinkedToItself.into());
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

#[cfg(test)]
mod tests;
