//! Statistics for superiors (收集线索 N 条, 查结, 阶段性查结, 正在核查, 办结率), computed from
//! ledger fields only: nothing is decrypted, no tip content can leak into a report.

use std::collections::BTreeMap;

use serde::Serialize;

use super::summary::{self, DayNumber, TipSummary};
use super::{Deadlines, Status};
use tipbox_core::vocab::{Keyed, RewardState};

#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Money {
    pub count: u64,
    /// Yuan.
    pub amount: u64,
}

/// Where a tip stands for the headline counts (收集 = all three): 查结 (closed, not
/// accepted or transferred), 阶段性查结, or 正在核查 (everything before).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Finished,
    StageClosed,
    InProgress,
}

impl Stage {
    pub fn of(status: Status) -> Stage {
        match status {
            Status::Closed | Status::NotAccepted | Status::Transferred => Stage::Finished,
            Status::StageClosed => Stage::StageClosed,
            _ => Stage::InProgress,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Report {
    pub from: Option<String>,
    pub to: Option<String>,
    /// Day the deadlines were evaluated on.
    pub as_of: String,
    /// 收集线索: tips received in the period.
    pub total: u64,
    /// 查结 + 不予受理 + 已移交: tips whose handling is finished here.
    pub finished: u64,
    /// 阶段性查结.
    pub stage_closed: u64,
    /// 正在核查 and earlier: everything not finished or stage-closed.
    pub in_progress: u64,
    /// finished / total (0 when there are no tips).
    pub closure_rate: f64,
    pub overdue: u64,
    pub by_public_status: BTreeMap<String, u64>,
    pub by_status: BTreeMap<String, u64>,
    pub by_category: BTreeMap<String, u64>,
    pub by_channel: BTreeMap<String, u64>,
    pub by_department: BTreeMap<String, u64>,
    /// ISO week (`2026-W47`) -> tips received.
    pub per_week: BTreeMap<String, u64>,
    pub transfers: u64,
    pub transfers_by_destination: BTreeMap<String, u64>,
    /// Tips handed over by other units (imported from their hand-over bundles).
    pub received_from_other_units: u64,
    /// Approved or paid.
    pub rewards_approved: Money,
    pub rewards_paid: Money,
}

/// ISO week of a day (`2026-W47`).
fn iso_week(day: Option<DayNumber>) -> String {
    match day.and_then(|d| time::Date::from_julian_day(d).ok()) {
        Some(d) => {
            let (y, w, _) = d.to_iso_week_date();
            format!("{y}-W{w:02}")
        }
        None => "unknown".into(),
    }
}

/// Counts by a borrowed key (cheap per tip), merged into the report's sorted maps at the end.
#[derive(Default)]
struct Tally<'a>(std::collections::HashMap<&'a str, u64>);

impl<'a> Tally<'a> {
    fn bump(&mut self, key: &'a str) {
        *self.0.entry(key).or_default() += 1;
    }
    fn into(self, map: &mut BTreeMap<String, u64>) {
        for (k, n) in self.0 {
            *map.entry(k.to_owned()).or_default() += n;
        }
    }
}

/// Compute the report over the tips received between `from` and `to` (inclusive).
pub fn compute<'a, 'b: 'a>(
    tips: impl Iterator<Item = &'a TipSummary<'b>>,
    from: Option<&str>,
    to: Option<&str>,
    deadlines: &Deadlines,
    today: &str,
) -> Report {
    let mut r = Report {
        from: from.map(str::to_owned),
        to: to.map(str::to_owned),
        as_of: today.to_owned(),
        ..Default::default()
    };
    for &s in Status::ALL {
        r.by_status.insert(s.key().into(), 0);
        r.by_public_status
            .entry(s.public().key().into())
            .or_insert(0);
    }
    let from_day = from.and_then(summary::day_number);
    let to_day = to.and_then(summary::day_number);
    let today = summary::day_number(today).unwrap_or(DayNumber::MAX);
    // Tips per received day; turned into ISO weeks once at the end.
    let mut per_day: std::collections::HashMap<Option<DayNumber>, u64> = Default::default();
    let (mut by_status, mut by_public, mut by_category, mut by_channel, mut by_department) = (
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
    );
    let mut by_destination = Tally::default();
    for t in tips {
        // A tip without a readable day is outside every bounded period.
        if (from_day.is_some() && t.received.is_none_or(|d| Some(d) < from_day))
            || (to_day.is_some() && t.received.is_none_or(|d| Some(d) > to_day))
        {
            continue;
        }
        r.total += 1;
        by_status.bump(t.status.key());
        by_public.bump(t.status.public().key());
        by_category.bump(&t.category);
        by_channel.bump(t.channel.key());
        by_department.bump(t.department.as_deref().unwrap_or("-"));
        *per_day.entry(t.received).or_default() += 1;
        match Stage::of(t.status) {
            Stage::Finished => r.finished += 1,
            Stage::StageClosed => r.stage_closed += 1,
            Stage::InProgress => r.in_progress += 1,
        }
        if t.is_overdue(deadlines, today) {
            r.overdue += 1;
        }
        if t.handed_over {
            r.received_from_other_units += 1;
        }
        if !t.transfers.is_empty() {
            r.transfers += 1;
            // Tips per destination: one transferred twice to the same unit counts once.
            for (i, to) in t.transfers.iter().enumerate() {
                if !t.transfers[..i].contains(to) {
                    by_destination.bump(to);
                }
            }
        }
        if let Some((state, amount)) = t.reward {
            r.rewards_approved.count += 1;
            r.rewards_approved.amount += amount;
            if state == RewardState::Paid {
                r.rewards_paid.count += 1;
                r.rewards_paid.amount += amount;
            }
        }
    }
    by_status.into(&mut r.by_status);
    by_public.into(&mut r.by_public_status);
    by_category.into(&mut r.by_category);
    by_channel.into(&mut r.by_channel);
    by_department.into(&mut r.by_department);
    by_destination.into(&mut r.transfers_by_destination);
    for (day, n) in per_day {
        *r.per_week.entry(iso_week(day)).or_default() += n;
    }
    r.closure_rate = if r.total == 0 {
        0.0
    } else {
        (r.finished as f64 / r.total as f64 * 1000.0).round() / 1000.0
    };
    r
}

impl Report {
    /// Rows of (section, key, value) for the table and CSV outputs.
    pub fn rows(&self) -> Vec<(String, String, String)> {
        let mut rows = vec![
            (
                "summary".into(),
                "from".into(),
                self.from.clone().unwrap_or_else(|| "-".into()),
            ),
            (
                "summary".into(),
                "to".into(),
                self.to.clone().unwrap_or_else(|| "-".into()),
            ),
            ("summary".into(), "as_of".into(), self.as_of.clone()),
            ("summary".into(), "total".into(), self.total.to_string()),
            (
                "summary".into(),
                "finished".into(),
                self.finished.to_string(),
            ),
            (
                "summary".into(),
                "stage_closed".into(),
                self.stage_closed.to_string(),
            ),
            (
                "summary".into(),
                "in_progress".into(),
                self.in_progress.to_string(),
            ),
            (
                "summary".into(),
                "closure_rate".into(),
                format!("{:.1}%", self.closure_rate * 100.0),
            ),
            ("summary".into(), "overdue".into(), self.overdue.to_string()),
            (
                "summary".into(),
                "transfers".into(),
                self.transfers.to_string(),
            ),
            (
                "summary".into(),
                "received_from_other_units".into(),
                self.received_from_other_units.to_string(),
            ),
            (
                "rewards".into(),
                "approved_count".into(),
                self.rewards_approved.count.to_string(),
            ),
            (
                "rewards".into(),
                "approved_amount".into(),
                self.rewards_approved.amount.to_string(),
            ),
            (
                "rewards".into(),
                "paid_count".into(),
                self.rewards_paid.count.to_string(),
            ),
            (
                "rewards".into(),
                "paid_amount".into(),
                self.rewards_paid.amount.to_string(),
            ),
        ];
        let sections: [(&str, &BTreeMap<String, u64>); 7] = [
            ("public_status", &self.by_public_status),
            ("status", &self.by_status),
            ("category", &self.by_category),
            ("channel", &self.by_channel),
            ("department", &self.by_department),
            ("week", &self.per_week),
            ("transferred_to", &self.transfers_by_destination),
        ];
        for (name, map) in sections {
            for (k, v) in map {
                rows.push((name.into(), k.clone(), v.to_string()));
            }
        }
        rows
    }

    pub fn to_csv(&self) -> String {
        // A UTF-8 byte-order mark so Excel and WPS open the Chinese text correctly.
        let mut out = String::from("\u{FEFF}section,key,value\r\n");
        let quote = |s: &str| {
            // Quote, and defuse formula injection in spreadsheet apps (OWASP's list of
            // leading characters: a tab or carriage return also starts a formula in some).
            let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) && s.parse::<f64>().is_err()
            {
                format!("'{s}")
            } else {
                s.to_owned()
            };
            format!("\"{}\"", s.replace('"', "\"\""))
        };
        for (a, b, c) in self.rows() {
            out.push_str(&format!("{},{},{}\r\n", quote(&a), quote(&b), quote(&c)));
        }
        out
    }

    pub fn to_table(&self) -> String {
        self.to_table_with(|_, _| None)
    }

    /// The table with the words a front-end gives for a section (`label(section, None)`)
    /// or a row's key (`label(section, Some(key))`); `None` keeps the word as CSV writes
    /// it (department names, weeks and categories without a label are data).
    pub fn to_table_with(&self, label: impl Fn(&str, Option<&str>) -> Option<String>) -> String {
        let mut out = String::new();
        let mut last = String::new();
        for (section, key, value) in self.rows() {
            if section != last {
                let title = label(&section, None).unwrap_or_else(|| section.clone());
                out.push_str(&format!("\n[{title}]\n"));
                last = section.clone();
            }
            let key = label(&section, Some(&key)).unwrap_or(key);
            // Pad by terminal columns, not chars: a Chinese department name takes two
            // columns per character and would push its value out of line.
            let pad = 28usize.saturating_sub(unicode_width::UnicodeWidthStr::width(key.as_str()));
            out.push_str(&format!("  {key}{:pad$} {value:>10}\n", ""));
        }
        out
    }
}

/// One horizontal bar of a chart.
pub struct Bar {
    pub label: String,
    pub value: u64,
    pub y: u32,
    pub width: u32,
}

/// A horizontal bar chart, drawn as inline SVG by the template.
pub struct BarChart {
    pub title: &'static str,
    pub bars: Vec<Bar>,
    pub height: u32,
}

/// One column of the weekly trend.
pub struct Column {
    pub label: String,
    pub value: u64,
    pub x: u32,
    pub y: u32,
    pub height: u32,
}

pub struct Trend {
    pub title: &'static str,
    pub columns: Vec<Column>,
    pub width: u32,
}

const BAR_MAX: u32 = 380;
const ROW: u32 = 26;

fn bar_chart(title: &'static str, rows: Vec<(String, u64)>) -> BarChart {
    let max = rows.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let bars: Vec<Bar> = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, value))| Bar {
            label,
            value,
            y: i as u32 * ROW,
            width: ((value as f64 / max as f64) * f64::from(BAR_MAX)).round() as u32,
        })
        .collect();
    BarChart {
        title,
        height: (bars.len() as u32).max(1) * ROW,
        bars,
    }
}

/// Labels of the HTML report in one language.
pub struct ReportTexts {
    pub lang: &'static str,
    pub title: &'static str,
    pub confidential: &'static str,
    pub period: &'static str,
    pub as_of: &'static str,
    pub total: &'static str,
    pub finished: &'static str,
    pub stage_closed: &'static str,
    pub in_progress: &'static str,
    pub closure_rate: &'static str,
    pub overdue: &'static str,
    pub transfers: &'static str,
    pub received_from_other_units: &'static str,
    pub rewards_approved: &'static str,
    pub rewards_paid: &'static str,
    pub yuan: &'static str,
    pub funnel: &'static str,
    pub trend: &'static str,
    pub categories: &'static str,
    pub departments: &'static str,
    pub channels: &'static str,
    pub statuses: &'static str,
    pub footer: &'static str,
}

pub static REPORT_ZH: ReportTexts = ReportTexts {
    lang: "zh-Hans",
    title: "涉黑涉恶线索办理情况统计",
    confidential: "内部资料 注意保密",
    period: "统计期间",
    as_of: "截至",
    total: "收集线索",
    finished: "查结（含不予受理、已移交）",
    stage_closed: "阶段性查结",
    in_progress: "正在核查",
    closure_rate: "办结率",
    overdue: "逾期未办",
    transfers: "移交线索",
    received_from_other_units: "其他单位移交",
    rewards_approved: "批准奖励",
    rewards_paid: "已发放奖励",
    yuan: "元",
    funnel: "办理进度",
    trend: "每周新收线索",
    categories: "线索类别",
    departments: "承办单位",
    channels: "线索来源",
    statuses: "台账状态",
    footer: "本报表仅根据台账字段统计，不含线索内容及举报人信息。",
};

pub static REPORT_EN: ReportTexts = ReportTexts {
    lang: "en",
    title: "Tip handling statistics",
    confidential: "INTERNAL - CONFIDENTIAL",
    period: "Period",
    as_of: "As of",
    total: "Tips received",
    finished: "Closed (incl. not accepted, transferred)",
    stage_closed: "Closed for this stage",
    in_progress: "Being verified",
    closure_rate: "Closure rate",
    overdue: "Overdue",
    transfers: "Transferred",
    received_from_other_units: "Handed over by other units",
    rewards_approved: "Rewards approved",
    rewards_paid: "Rewards paid",
    yuan: "yuan",
    funnel: "Progress",
    trend: "New tips per week",
    categories: "Categories",
    departments: "Departments",
    channels: "Channels",
    statuses: "Ledger statuses",
    footer: "Computed from ledger fields only; no tip content and nothing about reporters.",
};

#[derive(askama::Template)]
#[template(path = "report.html")]
struct ReportPage<'a> {
    t: &'static ReportTexts,
    r: &'a Report,
    period: String,
    closure: String,
    charts: Vec<BarChart>,
    trend: Trend,
}

fn status_label(key: &str, zh: bool) -> String {
    let zh_label = match key {
        "new" => "新收",
        "triaged" => "已研判",
        "assigned" => "已分流",
        "verifying" => "核查中",
        "stage-closed" => "阶段性查结",
        "closed" => "已查结",
        "not-accepted" => "不予受理",
        "transferred" => "已移交",
        "received" => "已受理",
        other => other,
    };
    if zh {
        zh_label.to_owned()
    } else {
        key.to_owned()
    }
}

fn channel_label(key: &str, zh: bool) -> String {
    if !zh {
        return key.to_owned();
    }
    match key {
        "web" => "网络举报",
        "phone" => "电话",
        "letter" => "来信",
        "visit" => "来访",
        "mailbox" => "举报信箱",
        other => other,
    }
    .to_owned()
}

impl Report {
    /// One self-contained HTML file (inline CSS and SVG, nothing loaded from anywhere).
    pub fn to_html(&self, english: bool) -> Result<String, askama::Error> {
        use askama::Template;
        let t = if english { &REPORT_EN } else { &REPORT_ZH };
        let zh = !english;
        let categories = tipbox_core::vocab::default_categories();
        let category_label = |key: &str| {
            categories
                .iter()
                .find(|c| c.key == key)
                .map(|c| if zh { c.zh_hans.clone() } else { c.en.clone() })
                .unwrap_or_else(|| key.to_owned())
        };
        let sorted = |m: &BTreeMap<String, u64>, label: &dyn Fn(&str) -> String| {
            let mut v: Vec<(String, u64)> = m.iter().map(|(k, v)| (label(k), *v)).collect();
            v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            v
        };
        let funnel = bar_chart(
            t.funnel,
            vec![
                (t.total.to_owned(), self.total),
                (t.in_progress.to_owned(), self.in_progress),
                (t.stage_closed.to_owned(), self.stage_closed),
                (t.finished.to_owned(), self.finished),
            ],
        );
        // Workflow order, not alphabetical.
        let order = [
            "new",
            "triaged",
            "assigned",
            "verifying",
            "stage-closed",
            "closed",
            "not-accepted",
            "transferred",
        ];
        let statuses = bar_chart(
            t.statuses,
            order
                .iter()
                .map(|k| {
                    (
                        status_label(k, zh),
                        self.by_status.get(*k).copied().unwrap_or(0),
                    )
                })
                .collect(),
        );
        let unassigned = if zh { "未分流" } else { "unassigned" };
        let charts = vec![
            funnel,
            bar_chart(t.categories, sorted(&self.by_category, &category_label)),
            bar_chart(
                t.departments,
                sorted(&self.by_department, &|k: &str| {
                    if k == "-" {
                        unassigned.to_owned()
                    } else {
                        k.to_owned()
                    }
                }),
            ),
            bar_chart(
                t.channels,
                sorted(&self.by_channel, &|k: &str| channel_label(k, zh)),
            ),
            statuses,
        ];
        let max = self.per_week.values().copied().max().unwrap_or(0).max(1);
        let columns: Vec<Column> = self
            .per_week
            .iter()
            .enumerate()
            .map(|(i, (week, n))| {
                let height = ((*n as f64 / max as f64) * 120.0).round() as u32;
                Column {
                    label: week
                        .trim_start_matches(|c: char| c.is_ascii_digit())
                        .trim_start_matches('-')
                        .to_owned(),
                    value: *n,
                    x: i as u32 * 34,
                    y: 140 - height,
                    height,
                }
            })
            .collect();
        let trend = Trend {
            title: t.trend,
            width: (columns.len() as u32 * 34).max(34),
            columns,
        };
        ReportPage {
            t,
            r: self,
            period: format!(
                "{} – {}",
                self.from.as_deref().unwrap_or("…"),
                self.to.as_deref().unwrap_or("…")
            ),
            closure: format!("{:.1}%", self.closure_rate * 100.0),
            charts,
            trend,
        }
        .render()
    }
}
