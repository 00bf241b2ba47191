//! The summary index: what `list` and `report` read, so that they answer on a million tips
//! in well under a second, without opening the database or parsing a million full entries.
//!
//! `index/summaries.bin` is derived from the database and can always be rebuilt from it.
//! It is an append-only log of compact records (postcard), one each time an entry is
//! written; the last record for an id wins. Its header says whether the log matches the
//! database: a command marks it *dirty* (durably) before its first database write and
//! *clean* after its final sync, so a command killed in between leaves it dirty, and the
//! next command that opens the ledger rebuilds it from the database. The log is never part
//! of a backup; a restored ledger rebuilds it on first use.
//!
//! `index/summaries.lock` orders access: a command that opens the ledger holds it
//! exclusively for its whole run; `list` and `report` hold it shared while they read.
//!
//! A summary holds the same clear-text ledger fields as the entry (status, category,
//! department, dates, counts), never tip content or reviewer text.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Channel, Credibility, Deadlines, Priority, Status, TipEntry};

const DIR: &str = "index";
const LOG_FILE: &str = "summaries.bin";
const LOCK_FILE: &str = "summaries.lock";
const MAGIC: &[u8; 8] = b"TBXSUMv1";
const HEADER_LEN: u64 = 40;
const CLEAN: u64 = 1;
const DIRTY: u64 = 0;
/// Largest record accepted when reading (a summary is ~100 bytes; links can add more).
const MAX_RECORD: usize = 1 << 20;

/// A day as a Julian day number: compared and counted without parsing strings.
pub type Day = i32;

/// `YYYY-MM-DD` to a day number.
pub fn day_number(s: &str) -> Option<Day> {
    super::parse_day(s).map(|d| d.to_julian_day())
}

/// A day number as `YYYY-MM-DD`.
pub fn day_string(day: Day) -> String {
    match time::Date::from_julian_day(day) {
        Ok(d) => {
            let (y, m, dd) = d.to_calendar_date();
            format!("{y:04}-{:02}-{dd:02}", m as u8)
        }
        Err(_) => "unknown".into(),
    }
}

/// The nearest deadline still running for a tip, if any: triage within
/// `acknowledge_days` of arrival while new, a first feedback to the reporter within
/// `feedback_days`, and the due date of the current assignment.
pub fn nearest_deadline(
    status: Status,
    received: Option<Day>,
    has_feedback: bool,
    assignment_due: Option<Day>,
    d: &Deadlines,
) -> Option<Day> {
    if status.is_finished() {
        return None;
    }
    let mut due: Option<Day> = assignment_due;
    let mut consider = |day: Option<Day>| {
        if let Some(day) = day {
            due = Some(due.map_or(day, |x| x.min(day)));
        }
    };
    if status == Status::New {
        consider(received.map(|r| r + d.acknowledge_days as Day));
    }
    if !has_feedback {
        consider(received.map(|r| r + d.feedback_days as Day));
    }
    due
}

/// The reward state, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RewardState {
    Approved,
    Paid,
}

/// What `list` and `report` need of one ledger entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TipSummary {
    pub id: u64,
    pub channel: Channel,
    pub received: Option<Day>,
    pub category: String,
    pub status: Status,
    pub priority: Option<Priority>,
    pub credibility: Option<Credibility>,
    pub department: Option<String>,
    pub assignment_due: Option<Day>,
    pub has_feedback: bool,
    pub links: Vec<u64>,
    /// Destination of every transfer, in order.
    pub transfers: Vec<String>,
    pub items: u32,
    pub reward_wanted: bool,
    /// Reward state and amount in yuan.
    pub reward: Option<(RewardState, u64)>,
}

impl TipSummary {
    pub fn of(t: &TipEntry) -> TipSummary {
        TipSummary {
            id: t.id,
            channel: t.channel,
            received: day_number(&t.received),
            category: t.category.clone(),
            status: t.status,
            priority: t.priority,
            credibility: t.credibility,
            department: t.department.clone(),
            assignment_due: t.assignment_due.as_deref().and_then(day_number),
            has_feedback: t.first_feedback.is_some(),
            links: t.links.clone(),
            transfers: t.transfers.iter().map(|x| x.to.clone()).collect(),
            items: t.blobs.len() as u32,
            reward_wanted: t.reward_wanted,
            reward: t.reward.as_ref().map(|r| {
                let state = if r.state == "paid" {
                    RewardState::Paid
                } else {
                    RewardState::Approved
                };
                (state, r.amount)
            }),
        }
    }

    pub fn due(&self, d: &Deadlines) -> Option<Day> {
        nearest_deadline(
            self.status,
            self.received,
            self.has_feedback,
            self.assignment_due,
            d,
        )
    }

    pub fn is_overdue(&self, d: &Deadlines, today: Day) -> bool {
        self.due(d).is_some_and(|due| due < today)
    }
}

/// The writer's side: held by an open ledger for its whole life.
pub struct SummaryLog {
    file: File,
    /// Holds the exclusive lock; released when dropped.
    _lock: File,
    /// End of the records that belong to the log.
    len: u64,
    records: u64,
    max_id: u64,
    dirty: bool,
}

struct Header {
    clean: bool,
    len: u64,
    records: u64,
    max_id: u64,
}

fn private_open(path: &Path) -> io::Result<File> {
    let mut o = OpenOptions::new();
    o.read(true).write(true).create(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
    o.open(path)
}

fn read_header(file: &File) -> io::Result<Option<Header>> {
    let mut buf = [0u8; HEADER_LEN as usize];
    match file.read_exact_at(&mut buf, 0) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    if &buf[..8] != MAGIC {
        return Ok(None);
    }
    let word = |i: usize| u64::from_le_bytes(buf[8 + 8 * i..16 + 8 * i].try_into().unwrap());
    Ok(Some(Header {
        clean: word(0) == CLEAN,
        len: word(1),
        records: word(2),
        max_id: word(3),
    }))
}

fn write_header(file: &File, h: &Header) -> io::Result<()> {
    let mut buf = Vec::with_capacity(HEADER_LEN as usize);
    buf.extend_from_slice(MAGIC);
    for w in [
        if h.clean { CLEAN } else { DIRTY },
        h.len,
        h.records,
        h.max_id,
    ] {
        buf.extend_from_slice(&w.to_le_bytes());
    }
    file.write_all_at(&buf, 0)
}

fn encode(s: &TipSummary, out: &mut Vec<u8>) {
    let body = postcard::to_allocvec(s).expect("summaries serialize");
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(&body);
}

/// Every live summary in `bytes` (records after the header, up to `len`), in id order.
fn decode_all(bytes: &[u8], len: u64) -> Option<Vec<TipSummary>> {
    let end = usize::try_from(len).ok()?.min(bytes.len());
    let mut at = HEADER_LEN as usize;
    let mut by_id: Vec<Option<TipSummary>> = Vec::new();
    while at < end {
        let n = u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize;
        if n > MAX_RECORD {
            return None;
        }
        let body = bytes.get(at + 4..at + 4 + n)?;
        let s: TipSummary = postcard::from_bytes(body).ok()?;
        let i = usize::try_from(s.id).ok()?;
        if i >= by_id.len() {
            by_id.resize(i + 1, None);
        }
        by_id[i] = Some(s);
        at += 4 + n;
    }
    Some(by_id.into_iter().flatten().collect())
}

fn paths(root: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let dir = root.join(DIR);
    (dir.join(LOG_FILE), dir.join(LOCK_FILE), dir)
}

/// Read every summary if the log is clean; `None` if it must be rebuilt first (missing,
/// dirty after an interrupted command, or from another version). Waits while a command
/// that writes the ledger runs.
pub fn read_clean(root: &Path) -> io::Result<Option<Vec<TipSummary>>> {
    let (log, lock, dir) = paths(root);
    if !dir.is_dir() {
        return Ok(None);
    }
    let lock = private_open(&lock)?;
    lock.lock_shared()?;
    let mut file = match File::open(&log) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let header = match read_header(&file)? {
        Some(h) if h.clean => h,
        _ => return Ok(None),
    };
    let mut bytes = Vec::with_capacity(header.len as usize);
    (&mut file).take(header.len).read_to_end(&mut bytes)?;
    Ok(decode_all(&bytes, header.len))
}

impl SummaryLog {
    /// Open the log for a command that may write the ledger, waiting for readers. When it
    /// is not clean, or holds more than half superseded records, it is rewritten from
    /// `entries` (called only then).
    pub fn open<I>(root: &Path, entries: impl FnOnce() -> I) -> io::Result<SummaryLog>
    where
        I: Iterator<Item = io::Result<TipSummary>>,
    {
        let (log_path, lock_path, dir) = paths(root);
        crate::durable::create_private_dir(&dir)?;
        let lock = private_open(&lock_path)?;
        lock.lock()?;
        let file = private_open(&log_path)?;
        let mut log = SummaryLog {
            file,
            _lock: lock,
            len: HEADER_LEN,
            records: 0,
            max_id: 0,
            dirty: false,
        };
        match read_header(&log.file)? {
            Some(h) if h.clean && h.records <= 2 * h.max_id + 4096 => {
                log.len = h.len;
                log.records = h.records;
                log.max_id = h.max_id;
            }
            _ => log.rewrite(entries())?,
        }
        Ok(log)
    }

    /// Replace the whole log with `entries`, durably, and mark it clean.
    fn rewrite(&mut self, entries: impl Iterator<Item = io::Result<TipSummary>>) -> io::Result<()> {
        self.mark_dirty()?;
        self.file.set_len(HEADER_LEN)?;
        self.len = HEADER_LEN;
        self.records = 0;
        self.max_id = 0;
        let mut buf = Vec::with_capacity(1 << 20);
        for s in entries {
            encode(&s?, &mut buf);
            self.records += 1;
            if buf.len() >= 1 << 20 {
                self.flush_buf(&mut buf)?;
            }
        }
        self.flush_buf(&mut buf)?;
        self.commit()
    }

    fn flush_buf(&mut self, buf: &mut Vec<u8>) -> io::Result<()> {
        self.file.write_all_at(buf, self.len)?;
        self.len += buf.len() as u64;
        buf.clear();
        Ok(())
    }

    fn header(&self, clean: bool) -> Header {
        Header {
            clean,
            len: self.len,
            records: self.records,
            max_id: self.max_id,
        }
    }

    /// Before the database changes: say so durably, so a crash leaves the log dirty.
    fn mark_dirty(&mut self) -> io::Result<()> {
        if !self.dirty {
            write_header(&self.file, &self.header(false))?;
            self.file.sync_data()?;
            self.dirty = true;
        }
        Ok(())
    }

    /// Record the new state of entries about to be written to the database.
    pub fn record<'a>(
        &mut self,
        entries: impl IntoIterator<Item = &'a TipEntry>,
    ) -> io::Result<()> {
        self.mark_dirty()?;
        let mut buf = Vec::new();
        for t in entries {
            encode(&TipSummary::of(t), &mut buf);
            self.records += 1;
            self.max_id = self.max_id.max(t.id);
        }
        self.flush_buf(&mut buf)
    }

    /// After the database is durable: the log matches it again.
    pub fn commit(&mut self) -> io::Result<()> {
        if self.dirty {
            self.file.sync_data()?;
            write_header(&self.file, &self.header(true))?;
            self.file.sync_data()?;
            self.dirty = false;
        }
        Ok(())
    }
}

/// Remove the log so the next command rebuilds it (e.g. after a restore).
pub fn discard(root: &Path) -> io::Result<()> {
    let (log, _, _) = paths(root);
    match fs::remove_file(log) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_match_the_rules() {
        let d = Deadlines::default();
        let r = day_number("2026-11-01").unwrap();
        assert_eq!(day_string(r), "2026-11-01");
        // New: triage within 7 days beats feedback within 30.
        assert_eq!(
            nearest_deadline(Status::New, Some(r), false, None, &d),
            Some(r + 7)
        );
        assert_eq!(
            nearest_deadline(Status::Assigned, Some(r), false, None, &d),
            Some(r + 30)
        );
        assert_eq!(
            nearest_deadline(Status::Assigned, Some(r), true, Some(r + 60), &d),
            Some(r + 60)
        );
        assert_eq!(
            nearest_deadline(Status::Closed, Some(r), false, Some(r), &d),
            None
        );
    }

    #[test]
    fn a_torn_or_foreign_log_is_not_trusted() {
        let mut bytes = vec![0u8; HEADER_LEN as usize];
        let s = TipSummary::of(&TipEntry::new(1, Channel::Web, "2026-11-01", "other"));
        encode(&s, &mut bytes);
        let full = bytes.len() as u64;
        assert_eq!(decode_all(&bytes, full).unwrap(), vec![s]);
        assert!(decode_all(&bytes[..bytes.len() - 1], full).is_none());
    }
}
