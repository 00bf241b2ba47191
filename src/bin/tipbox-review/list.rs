//! Lists and statistics: list and report, from the summary index (nothing decrypted).

use super::*;

pub(crate) fn report(ctx: &Ctx, a: &ReportArgs) -> Result<(), Failure> {
    let ReportArgs {
        from,
        to,
        format,
        out,
    } = a;
    let cli = ctx.cli;
    check_report_days(from.as_deref(), to.as_deref())?;
    let bar = spinner(t!("cli-counting"));
    let r = Ledger::with_summaries(&cli.ledger, &tell, |tips, config| {
        compute_report(tips, config, from.as_deref(), to.as_deref())
    })?;
    bar.finish_and_clear();
    // The office's documents are Chinese unless English is asked for.
    let text = report_as(&r, *format, cli.lang == Some(tipbox::vocab::Lang::En))?;
    match out {
        Some(path) => {
            write_file_durably(path, text.as_bytes())?;
            if !is_stdout(path) {
                eprintln!(
                    "tipbox-review: {}",
                    t!("cli-report-written", file = path.display())
                );
            }
        }
        None => print!("{text}"),
    }
    Ok(())
}

/// Both days, if given, are days, and in order.
fn check_report_days(from: Option<&str>, to: Option<&str>) -> Result<(), Failure> {
    for d in [from, to].into_iter().flatten() {
        if ledger::parse_day(d).is_none() {
            return Err(Failure(
                EXIT_USAGE,
                t!("cli-report-not-a-date", given = format!("{d:?}")),
            ));
        }
    }
    if let (Some(f), Some(t)) = (from, to) {
        if ledger::parse_day(f) > ledger::parse_day(t) {
            return Err(Failure(
                EXIT_USAGE,
                t!("cli-report-from-after-to", from = f, to = t),
            ));
        }
    }
    Ok(())
}

fn compute_report(
    tips: &[TipSummary<'_>],
    config: &ledger::LedgerConfig,
    from: Option<&str>,
    to: Option<&str>,
) -> ledger::report::Report {
    ledger::report::compute(
        tips.iter(),
        from,
        to,
        &config.deadlines,
        &tipbox::vocab::today(),
    )
}

fn report_as(
    r: &ledger::report::Report,
    format: ReportFormat,
    english: bool,
) -> Result<String, Failure> {
    Ok(match format {
        ReportFormat::Table => r.to_table_with(i18n::report_label),
        ReportFormat::Csv => r.to_csv(),
        ReportFormat::Json => to_json_string(r, true).expect("json") + "\n",
        ReportFormat::Html => r
            .to_html(english)
            .map_err(|e| t!("cli-report-render-failed", reason = e))?,
    })
}

/// The report of an open ledger (the desk's), as `report` writes it.
#[cfg(feature = "desk")]
pub(crate) fn report_text(
    l: &Ledger,
    from: Option<&str>,
    to: Option<&str>,
    format: ReportFormat,
    english: bool,
) -> Result<String, Failure> {
    check_report_days(from, to)?;
    let r = l.summaries_now(|tips, config| compute_report(tips, config, from, to))?;
    report_as(&r, format, english)
}

pub(crate) fn list_tips(ledger: &Path, args: &ListArgs) -> Result<(), Failure> {
    Ledger::with_summaries(ledger, &tell, |all, config| print_list(all, config, args))?
}

/// Which tips a list shows (`list`, the desk's ledger page).
#[derive(Default)]
pub(crate) struct Filter<'a> {
    pub status: Option<Status>,
    pub category: Option<&'a str>,
    pub department: Option<&'a str>,
    pub channel: Option<Channel>,
    pub overdue: bool,
    /// Received on or after, on or before these days (the desk's range).
    pub received_from: Option<summary::DayNumber>,
    pub received_to: Option<summary::DayNumber>,
}

/// One tip of a list: (sort key: not overdue, deadline, id), its nearest deadline, the tip.
pub(crate) type Row<'a, 'b> = (
    (bool, summary::DayNumber, u64),
    Option<summary::DayNumber>,
    &'a TipSummary<'b>,
);

/// The tips `filter` keeps, overdue first, then by the nearest deadline, then by id (each
/// deadline computed once), and how many tips of the whole ledger are overdue.
pub(crate) fn select<'a, 'b>(
    all: &'a [TipSummary<'b>],
    d: &ledger::Deadlines,
    today: summary::DayNumber,
    filter: &Filter<'_>,
) -> (Vec<Row<'a, 'b>>, usize) {
    let mut overdue_total = 0;
    let mut rows: Vec<Row> = all
        .iter()
        .filter_map(|t| {
            let due = t.due(d);
            let overdue = due.is_some_and(|x| x < today);
            overdue_total += usize::from(overdue);
            let wanted = filter.status.is_none_or(|s| s == t.status)
                && filter.category.is_none_or(|c| c == t.category)
                && filter
                    .department
                    .is_none_or(|dep| t.department.as_deref() == Some(dep))
                && filter.channel.is_none_or(|c| c == t.channel)
                && (!filter.overdue || overdue)
                && filter
                    .received_from
                    .is_none_or(|from| t.received.is_some_and(|r| r >= from))
                && filter
                    .received_to
                    .is_none_or(|to| t.received.is_some_and(|r| r <= to));
            wanted.then_some((
                (!overdue, due.unwrap_or(summary::DayNumber::MAX), t.id),
                due,
                t,
            ))
        })
        .collect();
    rows.sort_unstable_by_key(|(key, _, _)| *key);
    (rows, overdue_total)
}

pub(crate) fn print_list(
    all: &[TipSummary<'_>],
    config: &ledger::LedgerConfig,
    args: &ListArgs,
) -> Result<(), Failure> {
    let category = args.category.as_deref().map(category_key).transpose()?;
    let d = config.deadlines;
    let today = summary::day_number(&tipbox::vocab::today()).unwrap_or(summary::DayNumber::MAX);
    let (rows, overdue_total) = select(
        all,
        &d,
        today,
        &Filter {
            status: args.status,
            category: category.as_deref(),
            department: args.department.as_deref(),
            channel: None,
            overdue: args.overdue,
            ..Filter::default()
        },
    );
    let names = summary::DayNames::covering(
        rows.iter()
            .flat_map(|(_, due, t)| [t.received, *due])
            .flatten(),
    );
    let day = |d: Option<summary::DayNumber>, none: &'static str| {
        d.map_or(std::borrow::Cow::Borrowed(none), |d| names.get(d))
    };
    // Straight to the file descriptor: stdout's own line buffering would scan every byte
    // for newlines, which shows on a million rows.
    let stdout: std::fs::File = std::io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .map_err(|e| t!("cli-stdout-failed", reason = e))?
        .into();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout);
    if args.json {
        // Pretty for people; one line for scripts, serialized on every core (a million
        // tips print in a fraction of a second that way).
        if std::io::stdout().is_terminal() {
            tipbox::safe_output::to_json_writer(
                &mut out,
                &JsonSeq::new(
                    rows.iter()
                        .map(|(_, due, t)| list_row(t, *due, today, &names)),
                ),
                true,
            )
            .map_err(|e| t!("cli-stdout-failed", reason = e))?;
        } else {
            let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
            let parts: Vec<Vec<u8>> = std::thread::scope(|s| {
                let handles: Vec<_> = rows
                    .chunks(rows.len().div_ceil(cores).max(1))
                    .map(|chunk| {
                        s.spawn(|| {
                            let mut buf = Vec::with_capacity(chunk.len() * 256);
                            for (i, (_, due, t)) in chunk.iter().enumerate() {
                                if i > 0 {
                                    buf.push(b',');
                                }
                                tipbox::safe_output::to_json_writer(
                                    &mut buf,
                                    &list_row(t, *due, today, &names),
                                    false,
                                )
                                .expect("rows serialize");
                            }
                            buf
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().expect("list worker"))
                    .collect()
            });
            let mut write = || -> std::io::Result<()> {
                out.write_all(b"[")?;
                for (i, part) in parts.iter().enumerate() {
                    if i > 0 {
                        out.write_all(b",")?;
                    }
                    out.write_all(part)?;
                }
                out.write_all(b"]\n")?;
                out.flush()
            };
            write().map_err(|e| t!("cli-stdout-failed", reason = e))?;
            return Ok(());
        }
        let _ = writeln!(out);
        return Ok(());
    }
    if overdue_total > 0 {
        let _ = writeln!(out, "{}", t!("list-overdue-warning", tips = overdue_total));
    }
    // Headings padded by terminal columns (a Chinese character takes two).
    let cell = |id: &str, width: usize, right: bool| {
        let text = crate::i18n::loader().get(id);
        let pad =
            " ".repeat(width.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str())));
        if right {
            pad + &text
        } else {
            text + &pad
        }
    };
    let _ = writeln!(
        out,
        "{}  {}  {}  {}  {}  {}  {}",
        cell("list-head-id", 6, true),
        cell("list-head-received", 10, false),
        cell("list-head-channel", 7, false),
        cell("list-head-category", 14, false),
        cell("list-head-status", 12, false),
        cell("list-head-due", 10, false),
        crate::i18n::loader().get("list-head-department"),
    );
    for (_, due, t) in &rows {
        let due = *due;
        let mark = if due.is_some_and(|x| x < today) {
            "!"
        } else {
            " "
        };
        let _ = writeln!(
            out,
            "{:>6}  {:<10}  {:<7}  {:<14}  {:<12}  {:<10}{mark} {}",
            t.id,
            day(t.received, "unknown"),
            t.channel.key(),
            label_safe(&t.category),
            t.status.key(),
            day(due, "-"),
            label_safe(t.department.as_deref().unwrap_or_default()),
        );
    }
    let _ = writeln!(out, "{}", t!("list-count", tips = rows.len()));
    Ok(())
}

/// One object of `list --json`.
#[derive(serde::Serialize)]
pub(crate) struct ListRow<'a> {
    id: u64,
    status: &'static str,
    public_status: &'static str,
    category: &'a str,
    department: Option<&'a str>,
    received: std::borrow::Cow<'a, str>,
    due: Option<std::borrow::Cow<'a, str>>,
    overdue: bool,
    channel: &'static str,
    priority: Option<ledger::Priority>,
    credibility: Option<ledger::Credibility>,
    links: &'a [u64],
    reward_wanted: bool,
    items: u32,
    /// Present (true) only for a tip handed over by another unit, which answers its reporter.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    handed_over: bool,
}

pub(crate) fn list_row<'a>(
    t: &'a TipSummary<'_>,
    due: Option<summary::DayNumber>,
    today: summary::DayNumber,
    names: &'a summary::DayNames,
) -> ListRow<'a> {
    ListRow {
        id: t.id,
        status: t.status.key(),
        public_status: t.status.public().key(),
        category: &t.category,
        department: t.department.as_deref(),
        received: t
            .received
            .map_or(std::borrow::Cow::Borrowed("unknown"), |x| names.get(x)),
        due: due.map(|x| names.get(x)),
        overdue: due.is_some_and(|x| x < today),
        channel: t.channel.key(),
        priority: t.priority,
        credibility: t.credibility,
        links: &t.links,
        reward_wanted: t.reward_wanted,
        items: t.items,
        handed_over: t.handed_over,
    }
}

/// Serialize an iterator as a JSON array without collecting it first.
pub(crate) struct JsonSeq<I>(std::cell::Cell<Option<I>>);

impl<I> JsonSeq<I> {
    fn new(items: I) -> Self {
        JsonSeq(std::cell::Cell::new(Some(items)))
    }
}

impl<I: Iterator<Item = T>, T: serde::Serialize> serde::Serialize for JsonSeq<I> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.take().into_iter().flatten())
    }
}
