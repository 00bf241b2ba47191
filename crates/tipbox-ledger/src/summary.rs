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

use std::borrow::Cow;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Channel, Credibility, Deadlines, Priority, RewardState, Status, TipEntry};

const DIR: &str = "index";
const LOG_FILE: &str = "summaries.bin";
const LOCK_FILE: &str = "summaries.lock";
/// v2 (2026-12-01) added `handed_over`; an index of another version is rebuilt from the
/// entries when a command opens the ledger.
const MAGIC: &[u8; 8] = b"TBXSUMv2";
const HEADER_LEN: u64 = 40;
const CLEAN: u64 = 1;
const DIRTY: u64 = 0;
/// Largest record accepted when reading (a summary is ~100 bytes; links can add more).
const MAX_RECORD: usize = 1 << 20;

/// A day as a Julian day number: compared and counted without parsing strings.
pub type DayNumber = i32;

/// `YYYY-MM-DD` to a day number.
pub fn day_number(s: &str) -> Option<DayNumber> {
    tipbox_core::vocab::Day::parse(s).map(tipbox_core::vocab::Day::number)
}

/// A day number as `YYYY-MM-DD`.
pub fn day_string(day: DayNumber) -> String {
    tipbox_core::vocab::Day::from_number(day).map_or_else(|| "unknown".into(), |d| d.to_string())
}

/// `YYYY-MM-DD` for every day in a range, formatted once: a ledger spans a few thousand
/// days, and `list` prints millions of dates.
pub struct DayNames {
    first: DayNumber,
    names: Vec<String>,
}

impl DayNames {
    /// Names for `days` (any order); days far outside their bulk are formatted on demand.
    pub fn covering(days: impl Iterator<Item = DayNumber>) -> DayNames {
        let (mut lo, mut hi) = (DayNumber::MAX, DayNumber::MIN);
        for d in days {
            lo = lo.min(d);
            hi = hi.max(d);
        }
        if lo > hi || i64::from(hi) - i64::from(lo) > 100_000 {
            return DayNames {
                first: 0,
                names: Vec::new(),
            };
        }
        DayNames {
            first: lo,
            names: (lo..=hi).map(day_string).collect(),
        }
    }

    pub fn get(&self, day: DayNumber) -> Cow<'_, str> {
        match usize::try_from(i64::from(day) - i64::from(self.first))
            .ok()
            .and_then(|i| self.names.get(i))
        {
            Some(name) => Cow::Borrowed(name),
            None => Cow::Owned(day_string(day)),
        }
    }
}

/// The nearest deadline still running for a tip, if any: triage within
/// `acknowledge_days` of arrival while new, a first feedback to the reporter within
/// `feedback_days`, and the due date of the current assignment.
pub fn nearest_deadline(
    status: Status,
    received: Option<DayNumber>,
    has_feedback: bool,
    assignment_due: Option<DayNumber>,
    d: &Deadlines,
) -> Option<DayNumber> {
    if status.is_finished() {
        return None;
    }
    let mut due: Option<DayNumber> = assignment_due;
    let mut consider = |day: Option<DayNumber>| {
        if let Some(day) = day {
            due = Some(due.map_or(day, |x| x.min(day)));
        }
    };
    if status == Status::New {
        consider(received.map(|r| r + d.acknowledge_days as DayNumber));
    }
    if !has_feedback {
        consider(received.map(|r| r + d.feedback_days as DayNumber));
    }
    due
}

/// What `list` and `report` need of one ledger entry. Strings borrow from the index file
/// when read (a million tips decode without a million allocations).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TipSummary<'a> {
    /// First, so that readers can find superseded records without decoding them.
    pub id: u64,
    pub channel: Channel,
    pub received: Option<DayNumber>,
    #[serde(borrow)]
    pub category: Cow<'a, str>,
    pub status: Status,
    pub priority: Option<Priority>,
    pub credibility: Option<Credibility>,
    #[serde(borrow)]
    pub department: Option<Cow<'a, str>>,
    pub assignment_due: Option<DayNumber>,
    pub has_feedback: bool,
    pub links: Vec<u64>,
    /// Destination of every transfer, in order.
    #[serde(borrow)]
    pub transfers: Vec<Cow<'a, str>>,
    pub items: u32,
    pub reward_wanted: bool,
    /// Reward state and amount in yuan.
    pub reward: Option<(RewardState, u64)>,
    /// Came in a hand-over bundle from another unit.
    pub handed_over: bool,
}

impl<'a> TipSummary<'a> {
    pub fn of(t: &'a TipEntry) -> TipSummary<'a> {
        TipSummary {
            id: t.id,
            channel: t.channel,
            received: day_number(&t.received),
            category: Cow::Borrowed(&t.category),
            status: t.status,
            priority: t.priority,
            credibility: t.credibility,
            department: t.department.as_deref().map(Cow::Borrowed),
            assignment_due: t.assignment_due.as_deref().and_then(day_number),
            has_feedback: t.first_feedback.is_some(),
            links: t.links.clone(),
            transfers: t
                .transfers
                .iter()
                .map(|x| Cow::Borrowed(x.to.as_str()))
                .collect(),
            items: t.blobs.len() as u32,
            reward_wanted: t.reward_wanted,
            reward: t.reward.as_ref().map(|r| (r.state, r.amount)),
            handed_over: t.handed_over,
        }
    }

    pub fn into_owned(self) -> TipSummary<'static> {
        TipSummary {
            category: Cow::Owned(self.category.into_owned()),
            department: self.department.map(|d| Cow::Owned(d.into_owned())),
            transfers: self
                .transfers
                .into_iter()
                .map(|x| Cow::Owned(x.into_owned()))
                .collect(),
            ..self
        }
    }

    pub fn due(&self, d: &Deadlines) -> Option<DayNumber> {
        nearest_deadline(
            self.status,
            self.received,
            self.has_feedback,
            self.assignment_due,
            d,
        )
    }

    pub fn is_overdue(&self, d: &Deadlines, today: DayNumber) -> bool {
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

/// The id a record starts with (postcard writes a u64 as a LEB128 varint).
fn record_id(body: &[u8]) -> Option<u64> {
    let mut id = 0u64;
    for (i, b) in body.iter().take(10).enumerate() {
        id |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            return Some(id);
        }
    }
    None
}

/// Every live summary in `bytes` (the whole file, header included), in id order: a first
/// pass finds the last record of each id from the ids alone, a second decodes only those.
/// `None` if anything is malformed.
pub fn decode_all(bytes: &[u8]) -> Option<Vec<TipSummary<'_>>> {
    let end = bytes.len();
    let mut at = HEADER_LEN as usize;
    let mut last: Vec<usize> = Vec::new();
    while at < end {
        let n = u32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?) as usize;
        if n > MAX_RECORD {
            return None;
        }
        let body = bytes.get(at + 4..at + 4 + n)?;
        let i = usize::try_from(record_id(body)?).ok()?;
        if i >= last.len() {
            // Ids are dense, so this stays about as long as the ledger; but never trust a
            // damaged file with a huge allocation.
            if i > 4 * (end / 8) + 1024 {
                return None;
            }
            last.resize(i + 1, 0);
        }
        last[i] = at + 4;
        at += 4 + n;
    }
    last.into_iter()
        .filter(|&o| o != 0)
        .map(|o| {
            let n = u32::from_le_bytes(bytes[o - 4..o].try_into().ok()?) as usize;
            postcard::from_bytes(&bytes[o..o + n]).ok()
        })
        .collect()
}

fn paths(root: &Path) -> (PathBuf, PathBuf, PathBuf) {
    let dir = root.join(DIR);
    (dir.join(LOG_FILE), dir.join(LOCK_FILE), dir)
}

/// The bytes of the summary log if it is clean (decode them with [`decode_all`]); `None` if
/// it must be rebuilt first (missing, dirty after an interrupted command, or from another
/// version). Waits while a command that writes the ledger runs. Never call it from a
/// process that has the ledger open: its exclusive lock is held through another open file,
/// and `flock` would wait for the process itself.
pub fn read_clean(root: &Path) -> io::Result<Option<Vec<u8>>> {
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
    if (bytes.len() as u64) < header.len {
        return Ok(None);
    }
    Ok(Some(bytes))
}

impl SummaryLog {
    /// Open the log for a command that may write the ledger, waiting for readers. When it
    /// is not clean, or holds more than half superseded records, it is rewritten from
    /// `entries` (called only then).
    pub fn open<I>(root: &Path, entries: impl FnOnce() -> I) -> io::Result<SummaryLog>
    where
        I: Iterator<Item = io::Result<TipSummary<'static>>>,
    {
        let (log_path, lock_path, dir) = paths(root);
        tipbox_core::durable::create_private_dir(&dir)?;
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
    fn rewrite(
        &mut self,
        entries: impl Iterator<Item = io::Result<TipSummary<'static>>>,
    ) -> io::Result<()> {
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

    /// The log as it stands, header included (decode with [`decode_all`]): how a command
    /// that has the ledger open reads it, since [`read_clean`] would wait for the lock this
    /// log holds.
    pub fn bytes(&self) -> io::Result<Vec<u8>> {
        let mut buf = vec![0u8; self.len as usize];
        self.file.read_exact_at(&mut buf, 0)?;
        Ok(buf)
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
        let mut t = TipEntry::new(300, Channel::Web, "2026-11-01", "other");
        encode(&TipSummary::of(&t), &mut bytes);
        t.category = "umbrella".into();
        encode(&TipSummary::of(&t), &mut bytes);
        // The later record of id 300 wins.
        assert_eq!(decode_all(&bytes).unwrap(), vec![TipSummary::of(&t)]);
        assert!(decode_all(&bytes[..bytes.len() - 1]).is_none());
    }
}
