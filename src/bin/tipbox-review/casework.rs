//! Commands that record the office's decisions on a tip; the rules are in `tipbox_ledger::casework`.

use super::*;

/// What a casework action says, the same through the command line and the desk: lines
/// for the reviewer (standard output), and warnings (standard error).
#[derive(Default)]
pub(crate) struct Said {
    pub lines: Vec<String>,
    pub warnings: Vec<String>,
}

impl Said {
    pub(crate) fn line(message: String) -> Said {
        Said {
            lines: vec![message],
            warnings: Vec::new(),
        }
    }

    fn warned(mut self, warnings: &[ledger::casework::Warning]) -> Said {
        self.warnings.extend(warnings.iter().map(i18n::warning));
        self
    }

    /// On the terminal.
    pub(crate) fn print(&self) {
        for l in &self.lines {
            println!("{l}");
        }
        for w in &self.warnings {
            warn_text(w);
        }
    }
}

pub(crate) fn triage(ctx: &Ctx, a: &TriageArgs) -> Result<(), Failure> {
    let TriageArgs {
        tip,
        category,
        priority,
        credibility,
    } = a;
    let mut l = Ledger::open_telling(&ctx.cli.ledger, &ctx.who, &tell)?;
    let given = ledger::casework::Triage {
        category: category.clone(),
        priority: *priority,
        credibility: *credibility,
    };
    triage_on(&mut l, *tip, given)?.print();
    Ok(())
}

pub(crate) fn triage_on(
    l: &mut Ledger,
    tip: u64,
    given: ledger::casework::Triage,
) -> Result<Said, Failure> {
    let done = l.triage(tip, given)?;
    Ok(Said::line(t!(
        "cli-triaged",
        id = done.entry.id,
        status = i18n::status_word(done.entry.status.key())
    ))
    .warned(&done.warnings))
}

pub(crate) fn assign(ctx: &Ctx, a: &AssignArgs) -> Result<(), Failure> {
    let AssignArgs {
        tip,
        department,
        due,
    } = a;
    let mut l = Ledger::open_telling(&ctx.cli.ledger, &ctx.who, &tell)?;
    assign_on(&mut l, *tip, department, due.as_deref())?.print();
    Ok(())
}

pub(crate) fn assign_on(
    l: &mut Ledger,
    tip: u64,
    department: &str,
    due: Option<&str>,
) -> Result<Said, Failure> {
    let done = l.assign(tip, department, due)?;
    let t = &done.entry;
    Ok(Said::line(t!(
        "cli-assigned",
        id = t.id,
        department = t.department.as_deref().unwrap_or_default(),
        due = t.assignment_due.as_deref().unwrap_or_default()
    ))
    .warned(&done.warnings))
}

pub(crate) fn status(ctx: &Ctx, a: &StatusArgs) -> Result<(), Failure> {
    let StatusArgs {
        tip,
        status,
        public_note,
    } = a;
    let public_note = public_note.as_deref().map(text_or_stdin).transpose()?;
    let mut l = Ledger::open_telling(&ctx.cli.ledger, &ctx.who, &tell)?;
    status_on(
        &mut l,
        *tip,
        *status,
        public_note.as_deref().map(|n| n.as_str()),
    )?
    .print();
    Ok(())
}

pub(crate) fn status_on(
    l: &mut Ledger,
    tip: u64,
    status: Status,
    public_note: Option<&str>,
) -> Result<Said, Failure> {
    // A note of spaces would be published to the reporter as a blank message.
    if public_note.is_some_and(|n| n.trim().is_empty()) {
        return Err(Failure(EXIT_USAGE, t!("cli-public-note-blank")));
    }
    let (before, done) = l.set_status(tip, status, public_note)?;
    let t = &done.entry;
    Ok(Said::line(t!(
        "cli-status-set",
        id = t.id,
        before = i18n::status_word(before.key()),
        after = i18n::status_word(t.status.key()),
        public = i18n::public_word(t.status.public().key())
    ))
    .warned(&done.warnings))
}

pub(crate) fn reply(ctx: &Ctx, a: &ReplyArgs) -> Result<(), Failure> {
    let ReplyArgs { tip, message } = a;
    let message = text_or_stdin(message)?;
    let mut l = Ledger::open_telling(&ctx.cli.ledger, &ctx.who, &tell)?;
    reply_on(&mut l, *tip, &message)?.print();
    Ok(())
}

pub(crate) fn reply_on(l: &mut Ledger, tip: u64, message: &str) -> Result<Said, Failure> {
    let done = l.reply(tip, message)?;
    Ok(Said::line(t!("cli-replied", id = tip)).warned(&done.warnings))
}

pub(crate) fn reward(ctx: &Ctx, a: &RewardArgs) -> Result<(), Failure> {
    let RewardArgs {
        first,
        second,
        amount,
    } = a;
    let cli = ctx.cli;
    let who = &ctx.who;
    reward_decision(cli, who, first, second, *amount)
}

pub(crate) fn note(ctx: &Ctx, a: &NoteArgs) -> Result<(), Failure> {
    let NoteArgs { tip, text } = a;
    let text = text_or_stdin(text)?;
    let mut l = Ledger::open_telling(&ctx.cli.ledger, &ctx.who, &tell)?;
    note_on(&mut l, *tip, &text)?.print();
    Ok(())
}

pub(crate) fn note_on(l: &mut Ledger, tip: u64, text: &str) -> Result<Said, Failure> {
    l.add_note(tip, text)?;
    Ok(Said::line(t!("cli-noted", id = tip)))
}

pub(crate) fn link(ctx: &Ctx, a: &LinkArgs) -> Result<(), Failure> {
    let LinkArgs { tip, other } = a;
    let mut l = Ledger::open_telling(&ctx.cli.ledger, &ctx.who, &tell)?;
    link_on(&mut l, *tip, *other)?.print();
    Ok(())
}

pub(crate) fn link_on(l: &mut Ledger, tip: u64, other: u64) -> Result<Said, Failure> {
    Ok(Said::line(if l.link(tip, other)? {
        t!("cli-linked", id = tip, other = other)
    } else {
        t!("cli-already-linked", id = tip, other = other)
    }))
}

pub(crate) fn transfer(ctx: &Ctx, a: &TransferArgs) -> Result<(), Failure> {
    let TransferArgs {
        tip,
        department,
        recipient,
        out,
    } = a;
    let mut l = Ledger::open_telling(&ctx.cli.ledger, &ctx.who, &tell)?;
    transfer_on(
        &mut l,
        || ctx.unlock(),
        *tip,
        department,
        recipient.as_deref(),
        out.as_deref(),
    )?
    .print();
    Ok(())
}

/// Transfer (移送) to another unit, with a hand-over bundle of the tip's items re-sealed to
/// its `recipient` at `out`, or without (both or neither).
pub(crate) fn transfer_on<I: std::ops::Deref<Target = [tipbox::keys::Identity]>>(
    l: &mut Ledger,
    unlock: impl FnOnce() -> Result<I, Failure>,
    tip: u64,
    department: &str,
    recipient: Option<&str>,
    out: Option<&Path>,
) -> Result<Said, Failure> {
    let department = ledger::casework::department_name(department)?;
    let day = tipbox::vocab::today();
    let package = match (recipient, out) {
        (Some(r), Some(out)) => {
            file_only(out, &t!("cli-what-handover"))?;
            outside_ledger(l.root(), out)?;
            let r = tipbox::keys::parse_recipient(r)?;
            let ids = unlock()?;
            let entry = l.get(tip)?;
            let bar = spinner(t!("cli-resealing"));
            let written = l.write_handover(&entry, &ids, &r, out);
            bar.finish_and_clear();
            written?;
            Some((out.display().to_string(), r.to_string()))
        }
        (None, None) => None,
        _ => return Err(Failure(EXIT_USAGE, t!("cli-recipient-and-out"))),
    };
    l.transfer(
        tip,
        &department,
        &day,
        package.as_ref().map(|(file, r)| (file.clone(), r.as_str())),
    )?;
    let package = package.map(|(file, _)| file);
    let mut said = Said::line(t!("cli-transferred", id = tip, department = department));
    if let Some(p) = package {
        said.lines.push(t!("cli-handover-written", file = p));
    }
    Ok(said)
}

pub(crate) fn add(ctx: &Ctx, a: &AddArgs) -> Result<(), Failure> {
    let AddArgs {
        channel,
        category,
        received,
        text,
        text_file,
        attachments,
    } = a;
    let cli = ctx.cli;
    let who = &ctx.who;
    let content = match (text, text_file) {
        (Some(t), None) => Zeroizing::new(t.clone()),
        (None, Some(p)) if p == Path::new("-") => text_or_stdin("-")?,
        (None, Some(p)) => read_text(
            &p.display().to_string(),
            std::fs::File::open(p)
                .map_err(|e| t!("cli-cannot-read", file = p.display(), reason = e))?,
        )?,
        _ => return Err(Failure(EXIT_USAGE, t!("cli-add-no-content"))),
    };
    let mut l = Ledger::open_telling(&cli.ledger, who, &tell)?;
    let (said, _) = add_on(
        &mut l,
        ledger::casework::NewTip {
            channel: *channel,
            category,
            received: received.as_deref(),
            content: &content,
            attachments,
        },
    )?;
    said.print();
    Ok(())
}

/// Enter a tip that came by another channel, with its files: what was said, and its id.
pub(crate) fn add_on(
    l: &mut Ledger,
    given: ledger::casework::NewTip<'_>,
) -> Result<(Said, u64), Failure> {
    let (channel, files) = (given.channel, given.attachments.len());
    let done = l.add(given)?;
    let id = done.entry.id;
    let said = Said::line(if files == 0 {
        t!("cli-added", id = id, channel = channel.key())
    } else {
        t!(
            "cli-added-with-files",
            id = id,
            channel = channel.key(),
            files = files
        )
    });
    Ok((said.warned(&done.warnings), id))
}

pub(crate) fn notice(ctx: &Ctx, a: &NoticeArgs) -> Result<(), Failure> {
    let NoticeArgs {
        tip,
        department,
        summary,
        due,
        out,
    } = a;
    let cli = ctx.cli;
    let who = &ctx.who;
    let summary = summary.as_deref().map(text_or_stdin).transpose()?;
    let mut l = Ledger::open_telling(&cli.ledger, who, &tell)?;
    outside_ledger(l.root(), out)?;
    let draft = l.draft_notice(
        *tip,
        department,
        summary.as_ref().map(|s| s.as_str()),
        due.as_deref(),
    )?;
    // The file first: a notice number is never taken for a page that cannot be
    // written (the numbers are official, and a gap has to be explained).
    let pending = if is_stdout(out) {
        None
    } else {
        Some(
            tipbox::durable::AtomicFile::create(out)
                .map_err(|e| Failure(EXIT_USAGE, format!("cannot write {}: {e}", out.display())))?,
        )
    };
    let (notice, html) = issue_notice_page(&mut l, &draft)?;
    match pending {
        Some(file) => file
            .commit(html.as_bytes())
            .map_err(|e| Failure(EXIT_USAGE, format!("cannot write {}: {e}", out.display())))?,
        None => write_file_durably(out, html.as_bytes())?,
    }
    report_written(
        out,
        format!(
            "{} for tip {} to {}, due {} -> {}",
            notice.number,
            tip,
            draft.to,
            draft.due,
            out.display()
        ),
    );
    Ok(())
}

/// Take the notice's number (the ledger records it) and make its page: the command line
/// writes it to a file, the desk shows it to print.
pub(crate) fn issue_notice_page(
    l: &mut Ledger,
    draft: &ledger::casework::NoticeDraft<'_>,
) -> Result<(ledger::Notice, String), Failure> {
    let notice = l.issue_notice(draft)?;
    let entry = &draft.entry;
    let category = tipbox::vocab::default_categories()
        .into_iter()
        .find(|c| c.key == entry.category)
        .map(|c| c.zh_hans)
        .unwrap_or_else(|| entry.category.clone());
    let html = NoticePage {
        notice: &notice,
        tip_id: entry.id,
        category,
        received: entry.received.clone(),
        summary: draft.summary,
        office: l.config.office_name.clone(),
    }
    .render()
    .map_err(|e| format!("rendering the notice failed: {e}"))?;
    Ok((notice, html))
}

pub(crate) fn reward_decision(
    cli: &Cli,
    who: &str,
    first: &str,
    second: &str,
    amount: Option<u64>,
) -> Result<(), Failure> {
    if first == "verify" {
        let token = claim_token(second)?;
        let mut l = Ledger::open_telling(&cli.ledger, who, &tell)?;
        verify_claim_on(&mut l, &token)?.print();
        return Ok(());
    }
    let tip: u64 = first.parse().map_err(|_| {
        Failure(
            EXIT_USAGE,
            t!("cli-reward-not-a-tip", given = format!("{first:?}")),
        )
    })?;
    let mut l = Ledger::open_telling(&cli.ledger, who, &tell)?;
    reward_on(&mut l, tip, second, amount)?.print();
    Ok(())
}

/// A claim token as the reporter shows it (the portal's status page).
pub(crate) fn claim_token(given: &str) -> Result<tipbox::receipt::ClaimToken, Failure> {
    tipbox::receipt::ClaimToken::parse(given)
        .map_err(|e| Failure(EXIT_USAGE, t!("cli-not-a-claim-token", reason = e)))
}

/// Which tip a claim token is for, and what to do at the counter, said plainly: a paid
/// reward is not paid twice. No tip: [`EXIT_CHECK_FAILED`].
pub(crate) fn verify_claim_on(
    l: &mut Ledger,
    token: &tipbox::receipt::ClaimToken,
) -> Result<Said, Failure> {
    match l.verify_claim(token)? {
        Some(t) => {
            let state = match &t.reward {
                Some(r) if r.state == ledger::RewardState::Paid => t!(
                    "cli-claim-already-paid",
                    amount = r.amount,
                    on = r.paid_on.as_deref().unwrap_or("-")
                ),
                Some(r) => t!(
                    "cli-claim-unpaid",
                    amount = r.amount,
                    on = r.approved_on,
                    id = t.id
                ),
                None => t!("cli-claim-no-reward"),
            };
            Ok(Said::line(t!(
                "cli-claim-matches",
                id = t.id,
                state = state
            )))
        }
        None => Err(Failure(EXIT_CHECK_FAILED, t!("cli-claim-no-match"))),
    }
}

/// `approve` (with an amount) or `paid`, today.
pub(crate) fn reward_on(
    l: &mut Ledger,
    tip: u64,
    what: &str,
    amount: Option<u64>,
) -> Result<Said, Failure> {
    let today = tipbox::vocab::today();
    match (what, amount) {
        ("approve", Some(n)) => match l.approve_reward(tip, n, &today)? {
            (RewardApproval::AlreadyApproved { on }, _) => Ok(Said::line(t!(
                "cli-reward-already-approved",
                amount = n,
                id = tip,
                on = on
            ))),
            (outcome, done) => {
                let mut said = Said::default();
                if let RewardApproval::Changed { from } = outcome {
                    said.lines
                        .push(t!("cli-reward-changed", id = tip, from = from, amount = n));
                }
                said.lines
                    .push(t!("cli-reward-approved", amount = n, id = tip));
                Ok(said.warned(&done.warnings))
            }
        },
        ("approve", None) => Err(Failure(
            EXIT_USAGE,
            crate::i18n::refused(&ledger::Refused::NoAmount),
        )),
        ("paid", None) => {
            l.mark_reward_paid(tip, &today)?;
            Ok(Said::line(t!("cli-reward-paid", id = tip)))
        }
        _ => Err(Failure(EXIT_USAGE, t!("cli-reward-usage"))),
    }
}

#[derive(askama::Template)]
#[template(path = "notice.html")]
pub(crate) struct NoticePage<'a> {
    notice: &'a ledger::Notice,
    tip_id: u64,
    category: String,
    received: String,
    /// `None`: an empty box to fill in by hand.
    summary: Option<&'a str>,
    office: String,
}
