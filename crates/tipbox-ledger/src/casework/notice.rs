//! Supervision notices (督办通知书): numbered per year, sent to the unit that must act on a
//! tip by a due day.

use super::{department_name, given_day};
use crate::{add_days, db_err, Action, Ledger, LedgerError, Notice, Refused, TextKind, TipEntry};

/// A notice checked and ready to issue ([`Ledger::draft_notice`]); nothing is numbered or
/// written until [`Ledger::issue_notice`]. Two steps, so that a front-end can first make
/// sure it can write the printed page: the numbers are official, and a gap would have to be
/// explained.
#[derive(Debug)]
pub struct NoticeDraft<'a> {
    /// The tip, as it is before the notice.
    pub entry: TipEntry,
    pub to: String,
    pub due: String,
    /// The office's summary of the lead; `None` leaves the box on the page empty, to fill
    /// in by hand.
    pub summary: Option<&'a str>,
}

/// A summary shorter than this is not one.
const MIN_SUMMARY_CHARS: usize = 4;

impl Ledger {
    /// Check a notice for tip `id` to `to`, due on `due` (or the tip's assignment due day,
    /// or after the ledger's `verify_days`).
    pub fn draft_notice<'a>(
        &self,
        id: u64,
        to: &str,
        summary: Option<&'a str>,
        due: Option<&str>,
    ) -> Result<NoticeDraft<'a>, LedgerError> {
        let to = department_name(to)?;
        if summary.is_some_and(|s| s.trim().chars().count() < MIN_SUMMARY_CHARS) {
            return Err(Refused::SummaryTooShort.into());
        }
        let entry = self.get(id)?;
        let due = match due {
            Some(d) => given_day("--due", d)?,
            None => entry.assignment_due.clone().unwrap_or_else(|| {
                add_days(
                    &tipbox_core::vocab::today(),
                    self.config.deadlines.verify_days,
                )
                .expect("today is a date")
            }),
        };
        Ok(NoticeDraft {
            entry,
            to,
            due,
            summary,
        })
    }

    /// Issue the notice `draft` describes: returns it with its new number, the next of
    /// this year's sequence.
    pub fn issue_notice(&mut self, draft: &NoticeDraft<'_>) -> Result<Notice, LedgerError> {
        let (id, to, summary, due) = (draft.entry.id, &draft.to, draft.summary, &draft.due);
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
            to: to.clone(),
            day,
            due: due.clone(),
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
}
