//! The desk's pages: unlock and lock, the ledger (台账) and a tip. Everything from outside
//! (a tip's fields, names, file names) reaches the page through askama's HTML escaping,
//! inside boxes that isolate its direction and wrap it (desk.css).

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use i18n_embed::fluent::FluentLanguageLoader;
use serde::Deserialize;
use tipbox::vocab::Lang;

use super::{cookie, forbidden, same, Desk, LANG_COOKIE};
use crate::list::{select, Filter};
use tipbox::ledger::{self, summary, Channel, Keyed, Status, TextKind};

/// Tips per page of the ledger.
const PAGE: usize = 50;

/// Text from outside as the page shows it: control, bidi and invisible characters become
/// U+FFFD, as on the terminal (askama then escapes the markup).
pub(crate) fn inert(s: &str) -> String {
    tipbox::safe_output::terminal_safe(s).as_str().to_owned()
}

/// A name from outside (a file name, a type, a field name): every character that could
/// pass for another shown as its escape (`\u{202e}`), as `show` prints it.
fn name(s: &str) -> String {
    s.escape_debug().to_string()
}

/// The words of a page in its language.
pub(crate) struct Words<'a> {
    pub lang: Lang,
    loader: &'a FluentLanguageLoader,
    pub csrf: &'a str,
}

impl Words<'_> {
    /// A message of the catalog.
    pub fn t(&self, id: &str) -> String {
        self.loader.get(id)
    }

    /// A message with its arguments.
    pub fn ta(&self, id: &str, args: &[(&str, String)]) -> String {
        let args: std::collections::HashMap<&str, String> = args.iter().cloned().collect();
        self.loader.get_args(id, args)
    }

    /// A status, channel or category key as the report names it in this language (the
    /// key itself where the catalog has no name).
    pub fn label(&self, section: &str, key: &str) -> String {
        crate::i18n::label_in(self.loader, self.lang, section, Some(key))
            .unwrap_or_else(|| key.to_owned())
    }

    pub fn code(&self) -> &'static str {
        self.lang.code()
    }

    /// The other languages, for the switch: (code, own name).
    pub fn others(&self) -> Vec<(&'static str, &'static str)> {
        [
            (Lang::ZhHans, "简体中文"),
            (Lang::ZhHant, "繁體中文"),
            (Lang::En, "English"),
        ]
        .into_iter()
        .filter(|(l, _)| *l != self.lang)
        .map(|(l, name)| (l.code(), name))
        .collect()
    }
}

/// The language of this request: `?lang=` (which the switch remembers in a cookie), the
/// cookie, else the desk's default.
pub(crate) fn language(desk: &Desk, headers: &HeaderMap, asked: Option<&str>) -> (Lang, bool) {
    if let Some(l) = asked.and_then(Lang::from_code) {
        return (l, true);
    }
    let kept = cookie(headers, LANG_COOKIE).and_then(Lang::from_code);
    (kept.unwrap_or(desk.default_lang), false)
}

pub(crate) fn words<'a>(desk: &'a Desk, lang: Lang) -> Words<'a> {
    Words {
        lang,
        loader: desk.loader(lang),
        csrf: &desk.csrf,
    }
}

/// A rendered page, with the language cookie when the switch was used.
pub(crate) fn page(html: Result<String, askama::Error>, lang: Lang, remember: bool) -> Response {
    let mut res = match html {
        Ok(html) => Html(html).into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "500\n").into_response(),
    };
    if remember {
        let v = format!(
            "{LANG_COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
            lang.code()
        );
        if let Ok(v) = HeaderValue::from_str(&v) {
            res.headers_mut().insert(header::SET_COOKIE, v);
        }
    }
    res
}

#[derive(Template)]
#[template(path = "desk/unlock.html")]
struct UnlockPage<'a> {
    w: Words<'a>,
    error: Option<String>,
}

pub(crate) fn unlock_page(
    desk: &Desk,
    lang: Lang,
    remember: bool,
    error: Option<String>,
) -> Response {
    let w = words(desk, lang);
    page(UnlockPage { w, error }.render(), lang, remember)
}

/// What the ledger page may be asked for (all optional; empty means "any").
#[derive(Deserialize, Default)]
pub(crate) struct LedgerQuery {
    lang: Option<String>,
    status: Option<String>,
    category: Option<String>,
    department: Option<String>,
    channel: Option<String>,
    overdue: Option<String>,
    q: Option<String>,
    /// Received from, to (YYYY-MM-DD, inclusive).
    from: Option<String>,
    to: Option<String>,
    page: Option<usize>,
}

/// One row of the ledger table.
pub(crate) struct LedgerRow {
    pub id: u64,
    pub received: String,
    pub channel: String,
    pub category: String,
    pub status: String,
    pub department: String,
    pub due: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "desk/ledger.html")]
struct LedgerPage<'a> {
    w: Words<'a>,
    counts: Vec<(String, u64)>,
    rows: Vec<LedgerRow>,
    shown_text: String,
    page_text: String,
    page: usize,
    pages: usize,
    /// The filters as given, to fill the form again and to build the paging links.
    f: LedgerQuery,
    statuses: Vec<(&'static str, String)>,
    channels: Vec<(&'static str, String)>,
    categories: Vec<(String, String)>,
    error: Option<String>,
    paging: String,
}

impl LedgerPage<'_> {
    fn status_is(&self, key: &str) -> bool {
        self.f.status.as_deref() == Some(key)
    }
    fn category_is(&self, key: &str) -> bool {
        self.f.category.as_deref() == Some(key)
    }
    fn channel_is(&self, key: &str) -> bool {
        self.f.channel.as_deref() == Some(key)
    }
    fn department(&self) -> String {
        inert(self.f.department.as_deref().unwrap_or(""))
    }
    fn overdue_on(&self) -> bool {
        self.f.overdue.as_deref() == Some("1")
    }
    fn q(&self) -> String {
        inert(self.f.q.as_deref().unwrap_or(""))
    }
    fn from(&self) -> String {
        inert(self.f.from.as_deref().unwrap_or(""))
    }
    fn to(&self) -> String {
        inert(self.f.to.as_deref().unwrap_or(""))
    }
}

/// A tip id from a page's address: digits, at most 19 of them.
pub(crate) fn tip_id(given: &str) -> Option<u64> {
    given
        .parse::<u64>()
        .ok()
        .filter(|_| given.len() <= 19 && given.bytes().all(|b| b.is_ascii_digit()))
}

pub(crate) fn nonempty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub(crate) async fn ledger(
    State(desk): State<Arc<Desk>>,
    headers: HeaderMap,
    Query(f): Query<LedgerQuery>,
) -> Response {
    let (lang, remember) = language(&desk, &headers, f.lang.as_deref());
    let Some(keys) = desk.identities() else {
        return unlock_page(&desk, lang, remember, None);
    };
    let d2 = desk.clone();
    let built = tokio::task::spawn_blocking(move || {
        crate::i18n::in_lang(lang, || build_ledger(&d2, keys, f, lang))
    })
    .await;
    match built {
        Ok(html) => page(html, lang, remember),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "500\n").into_response(),
    }
}

fn build_ledger(
    desk: &Desk,
    keys: Arc<super::Unlocked>,
    f: LedgerQuery,
    lang: Lang,
) -> Result<String, askama::Error> {
    let w = words(desk, lang);
    let mut l = desk.ledger.lock().unwrap_or_else(|p| p.into_inner());
    let mut error = None;
    let status = nonempty(&f.status).map(Status::from_key);
    let channel = nonempty(&f.channel).map(Channel::from_key);
    // A status or channel that is none of them matches no tip (as an unknown category).
    let unknown = matches!(status, Some(None)) || matches!(channel, Some(None));
    let (status, channel) = (status.flatten(), channel.flatten());
    // A received range: days, else an error and no tip (never "every tip").
    let day = |v: &Option<String>| nonempty(v).map(summary::day_number);
    let (from, to) = (day(&f.from), day(&f.to));
    let bad_day = matches!(from, Some(None)) || matches!(to, Some(None));
    if bad_day {
        error = Some(w.t("desk-not-a-day"));
    }
    let unknown = unknown || bad_day;
    let (received_from, received_to) = (from.flatten(), to.flatten());
    let category = nonempty(&f.category).map(str::to_owned);
    let department = nonempty(&f.department).map(str::to_owned);
    // The decrypted search, as `search`: the ids whose content holds the text.
    let found: Option<std::collections::HashSet<u64>> = match nonempty(&f.q) {
        Some(q) => match l.search(&keys.ids, q, |_| ()) {
            Ok(hits) => {
                match l.audit(
                    ledger::Action::Search,
                    None,
                    &format!("{} match(es)", hits.len()),
                ) {
                    Ok(()) => Some(hits.into_iter().map(|h| h.id).collect()),
                    Err(e) => {
                        error = Some(crate::i18n::ledger_error(&e));
                        Some(Default::default())
                    }
                }
            }
            Err(e) => {
                error = Some(crate::i18n::ledger_error(&e));
                Some(Default::default())
            }
        },
        None => None,
    };
    let today = summary::day_number(&tipbox::vocab::today()).unwrap_or(summary::DayNumber::MAX);
    let built = super::summaries(desk, &l).map(|cached| {
        let all = &cached.tips[..];
        let (finished, stage_closed, in_progress) = cached.stages;
        let categories = cached.categories.clone();
        let config = &cached;
        let (rows, overdue) = select(
            all,
            &config.deadlines,
            today,
            &Filter {
                status,
                category: category.as_deref(),
                department: department.as_deref(),
                channel,
                overdue: f.overdue.as_deref() == Some("1"),
                received_from,
                received_to,
            },
        );
        let rows = if unknown { Vec::new() } else { rows };
        let counts = vec![
            (w.t("desk-count-total"), all.len() as u64),
            (w.t("desk-count-finished"), finished),
            (w.t("desk-count-stage-closed"), stage_closed),
            (w.t("desk-count-in-progress"), in_progress),
            (w.t("desk-count-overdue"), overdue as u64),
        ];
        let rows: Vec<_> = match &found {
            Some(found) => rows
                .into_iter()
                .filter(|r| found.contains(&r.2.id))
                .collect(),
            None => rows,
        };
        let shown = rows.len();
        let pages = shown.div_ceil(PAGE).max(1);
        let page = f.page.unwrap_or(1).clamp(1, pages);
        let day = |d: Option<summary::DayNumber>| d.map_or_else(|| "-".into(), summary::day_string);
        let rows: Vec<LedgerRow> = rows
            .iter()
            .skip((page - 1) * PAGE)
            .take(PAGE)
            .map(|(key, due, t)| LedgerRow {
                id: t.id,
                received: day(t.received),
                channel: w.label("channel", t.channel.key()),
                category: inert(&w.label("category", &t.category)),
                status: w.label("status", t.status.key()),
                department: inert(t.department.as_deref().unwrap_or("-")),
                due: day(*due),
                overdue: !key.0,
            })
            .collect();
        (counts, rows, shown, page, pages, categories)
    });
    let (counts, rows, shown, page, pages, categories) = match built {
        Ok(b) => b,
        Err(e) => {
            error = Some(crate::i18n::ledger_error(&e));
            (Vec::new(), Vec::new(), 0, 1, 1, Vec::new())
        }
    };
    drop(l);
    let paging = paging_query(&f);
    LedgerPage {
        statuses: Status::ALL
            .iter()
            .map(|s| (s.key(), w.label("status", s.key())))
            .collect(),
        channels: Channel::ALL
            .iter()
            .map(|c| (c.key(), w.label("channel", c.key())))
            .collect(),
        categories: categories
            .into_iter()
            .map(|c| {
                let label = inert(&w.label("category", &c));
                (c, label)
            })
            .collect(),
        shown_text: w.ta("desk-shown", &[("tips", shown.to_string())]),
        page_text: w.ta(
            "desk-page-of",
            &[("page", page.to_string()), ("pages", pages.to_string())],
        ),
        w,
        counts,
        rows,
        page,
        pages,
        f,
        error,
        paging,
    }
    .render()
}

/// The filters as a query string for the paging links (without `page`), encoded.
fn paging_query(f: &LedgerQuery) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in [
        ("status", &f.status),
        ("category", &f.category),
        ("department", &f.department),
        ("channel", &f.channel),
        ("overdue", &f.overdue),
        ("from", &f.from),
        ("to", &f.to),
        ("q", &f.q),
    ] {
        if let Some(v) = nonempty(value) {
            query.append_pair(name, v);
        }
    }
    query.finish()
}

/// An item of a tip as the page shows it.
pub(crate) struct ItemView {
    pub followup: bool,
    pub day: String,
    pub proof: Option<String>,
    /// Name as shown, value, and whether the name is one of the form's: a name from
    /// outside is quoted and marked, so "From the receipt holder" cannot pass for a mark of
    /// the desk's.
    pub fields: Vec<(String, String, bool)>,
    /// Name, type, size (in words), metadata removed: listed, never served.
    pub attachments: Vec<(String, String, String, bool)>,
}

#[derive(Template)]
#[template(path = "desk/tip.html")]
struct TipPage<'a> {
    w: Words<'a>,
    title: String,
    facts: Vec<(String, String)>,
    items: Vec<ItemView>,
    notes: Vec<(String, String, String, String)>,
    history: Vec<(String, String, String, String)>,
    flash: Option<super::Flash>,
    id: u64,
    has_attachments: bool,
    /// The choices of the casework forms: (key, name).
    statuses: Vec<(&'static str, String)>,
    priorities: Vec<(&'static str, String)>,
    credibilities: Vec<(&'static str, String)>,
    categories: Vec<(String, String)>,
    /// What the forms start from: the tip's status and department, the reward's amount
    /// (a triage changes only what is chosen: "unchanged" first).
    status: &'static str,
    department: String,
    amount: String,
}

#[derive(Deserialize)]
pub(crate) struct LangQuery {
    lang: Option<String>,
}

pub(crate) async fn tip(
    State(desk): State<Arc<Desk>>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let (lang, remember) = language(&desk, &headers, q.lang.as_deref());
    let Some(keys) = desk.identities() else {
        return unlock_page(&desk, lang, remember, None);
    };
    let Some(id) = tip_id(&id) else {
        return not_found_in(&desk, lang);
    };
    let d2 = desk.clone();
    match tokio::task::spawn_blocking(move || {
        crate::i18n::in_lang(lang, || build_tip(&d2, &keys.ids, id, lang))
    })
    .await
    {
        Ok(Some(html)) => page(html, lang, remember),
        Ok(None) => not_found_in(&desk, lang),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "500\n").into_response(),
    }
}

fn build_tip(
    desk: &Desk,
    ids: &[tipbox::keys::Identity],
    id: u64,
    lang: Lang,
) -> Option<Result<String, askama::Error>> {
    let w = words(desk, lang);
    let mut l = desk.ledger.lock().unwrap_or_else(|p| p.into_inner());
    let t = l.get(id).ok()?;
    let items = match l.open_items(&t, ids, |_, _| Ok::<(), ledger::LedgerError>(())) {
        Ok(items) => items,
        Err(e) => return Some(Ok(error_text(&w, &crate::i18n::ledger_error(&e)))),
    };
    let proofs = ledger::followup_proofs(&items);
    let items: Vec<ItemView> = items
        .iter()
        .zip(proofs)
        .map(|(item, proof)| ItemView {
            followup: item.blob.kind == tipbox::tip::Kind::Followup,
            day: item.blob.day.clone(),
            proof: proof.map(|p| {
                w.t(match p {
                    tipbox::tip::FollowupProof::ReceiptHolder => "show-proof-holder",
                    tipbox::tip::FollowupProof::NotProven => "show-proof-not-proven",
                    tipbox::tip::FollowupProof::Unchecked => "show-proof-unchecked",
                })
            }),
            fields: item
                .tip
                .fields
                .iter()
                .map(|(k, v)| {
                    let known = crate::show::KNOWN_FIELDS.contains(&k.as_str());
                    let shown = if known {
                        name(k)
                    } else {
                        w.ta(
                            "desk-field-unknown",
                            &[("name", format!("\"{}\"", name(k)))],
                        )
                    };
                    (shown, inert(v), known)
                })
                .collect(),
            attachments: item
                .tip
                .attachments
                .iter()
                .map(|a| {
                    (
                        name(&a.start.name),
                        name(&a.start.content_type),
                        w.ta("desk-bytes", &[("size", a.end.size.to_string())]),
                        a.end.metadata_removed,
                    )
                })
                .collect(),
        })
        .collect();
    let mut notes = Vec::new();
    for text in &t.texts {
        let body = match l.open_text(text, ids) {
            Ok(b) => inert(b.as_str()),
            Err(e) => crate::i18n::ledger_error(&e),
        };
        let kind = w.t(match text.kind {
            TextKind::Note => "show-text-note",
            TextKind::Content => "show-text-content",
            TextKind::PublicNote => "show-text-public-note",
            TextKind::Reply => "show-text-reply",
            TextKind::Summary => "show-text-summary",
        });
        notes.push((kind, inert(&text.day), inert(&text.by), body));
    }
    let d = l.config.deadlines;
    let facts = vec![
        (w.t("desk-received"), t.received.clone()),
        (w.t("desk-channel"), w.label("channel", t.channel.key())),
        (
            w.t("desk-category"),
            inert(&w.label("category", &t.category)),
        ),
        (w.t("desk-status"), w.label("status", t.status.key())),
        (
            w.t("desk-public-status"),
            w.label("public_status", t.status.public().key()),
        ),
        (
            w.t("desk-department"),
            inert(t.department.as_deref().unwrap_or("-")),
        ),
        (w.t("desk-due"), t.due(&d).unwrap_or_else(|| "-".into())),
        (
            w.t("desk-reward"),
            match &t.reward {
                None => w.t("desk-reward-none"),
                Some(r) if r.state == ledger::RewardState::Paid => w.ta(
                    "desk-reward-is-paid",
                    &[
                        ("amount", r.amount.to_string()),
                        ("on", r.paid_on.clone().unwrap_or_default()),
                    ],
                ),
                Some(r) => w.ta(
                    "desk-reward-approved",
                    &[
                        ("amount", r.amount.to_string()),
                        ("on", r.approved_on.clone()),
                    ],
                ),
            },
        ),
        (
            w.t("desk-links"),
            if t.links.is_empty() {
                "-".into()
            } else {
                t.links
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ),
    ];
    let history = tip_history(&l, id);
    // Reading a tip is a reviewer action, as `show`: no audit line, no page.
    if let Err(e) = l.audit(ledger::Action::Show, Some(id), "decrypted") {
        return Some(Ok(error_text(&w, &crate::i18n::ledger_error(&e))));
    }
    drop(l);
    let mut categories: Vec<(String, String)> = tipbox::vocab::default_categories()
        .into_iter()
        .map(|c| (c.key.to_owned(), c.label(lang).to_owned()))
        .collect();
    if !categories.iter().any(|(k, _)| *k == t.category) {
        categories.push((t.category.clone(), inert(&t.category)));
    }
    Some(
        TipPage {
            title: w.ta("desk-tip-title", &[("id", id.to_string())]),
            flash: desk.told(),
            id,
            has_attachments: items.iter().any(|i| !i.attachments.is_empty()),
            statuses: Status::ALL
                .iter()
                .map(|s| (s.key(), w.label("status", s.key())))
                .collect(),
            priorities: ledger::Priority::ALL
                .iter()
                .map(|p| (p.key(), w.t(&format!("desk-priority-{}", p.key()))))
                .collect(),
            credibilities: ledger::Credibility::ALL
                .iter()
                .map(|c| (c.key(), w.t(&format!("desk-credibility-{}", c.key()))))
                .collect(),
            categories,
            status: t.status.key(),
            department: inert(t.department.as_deref().unwrap_or("")),
            amount: t
                .reward
                .as_ref()
                .map(|r| r.amount.to_string())
                .unwrap_or_default(),
            w,
            facts,
            items,
            notes,
            history,
        }
        .render(),
    )
}

/// The audit log's entries about tip `id`: time, who, action, detail (the last 200).
fn tip_history(l: &ledger::Ledger, id: u64) -> Vec<(String, String, String, String)> {
    let Ok(text) = std::fs::read_to_string(l.root().join(ledger::audit::AUDIT_FILE)) else {
        return Vec::new();
    };
    let mut out: Vec<_> = text
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|v| v.get("tip").and_then(serde_json::Value::as_u64) == Some(id))
        .map(|v| {
            let s = |k: &str| inert(v.get(k).and_then(|x| x.as_str()).unwrap_or(""));
            (s("time"), s("actor"), s("action"), s("detail"))
        })
        .collect();
    let skip = out.len().saturating_sub(200);
    out.drain(..skip);
    out
}

pub(crate) fn error_text(w: &Words<'_>, message: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <link rel=\"stylesheet\" href=\"/desk.css\"></head><body><main><p class=\"error\">{}</p>\
         <p><a href=\"/\">{}</a></p></main></body></html>",
        w.code(),
        html_escape(&w.t("desk-title")),
        html_escape(&inert(message)),
        html_escape(&w.t("desk-back"))
    )
}

fn html_escape(s: &str) -> String {
    askama::filters::escape(s, askama::filters::Html)
        .map(|e| e.to_string())
        .unwrap_or_default()
}

/// Fields missing from a form are empty (and a missing `csrf` is refused like a wrong one).
#[derive(Deserialize)]
pub(crate) struct UnlockForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    passphrase: String,
}

pub(crate) async fn unlock(
    State(desk): State<Arc<Desk>>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<UnlockForm>,
) -> Response {
    let UnlockForm { csrf, passphrase } = form;
    let passphrase = age::secrecy::SecretString::from(passphrase);
    if !same(&csrf, &desk.csrf) {
        return forbidden();
    }
    let (lang, _) = language(&desk, &headers, None);
    let dir = desk
        .ledger
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .keys_dir();
    let opened = tokio::task::spawn_blocking(move || super::open_keys(&dir, &passphrase)).await;
    match opened {
        Ok(Ok(keys)) => {
            desk.unlock(keys);
            Redirect::to("/").into_response()
        }
        Ok(Err(e)) => {
            let w = words(&desk, lang);
            let mut message = match e {
                tipbox::keys::KeyError::WrongPassphrase(_) => w.t("desk-wrong-passphrase"),
                other => crate::i18n::in_lang(lang, || crate::i18n::key_error(&other)),
            };
            // Every failed try is on record (the desk may be left open on a shared desktop).
            let mut l = desk.ledger.lock().unwrap_or_else(|p| p.into_inner());
            if let Err(e) = l.audit(ledger::Action::UnlockFailed, None, "desk") {
                message = crate::i18n::in_lang(lang, || crate::i18n::ledger_error(&e));
            }
            drop(l);
            unlock_page(&desk, lang, false, Some(message))
        }
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "500\n").into_response(),
    }
}

#[derive(Deserialize)]
pub(crate) struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub(crate) async fn lock(
    State(desk): State<Arc<Desk>>,
    axum::Form(form): axum::Form<CsrfForm>,
) -> Response {
    if !same(&form.csrf, &desk.csrf) {
        return forbidden();
    }
    desk.lock();
    Redirect::to("/").into_response()
}

pub(crate) async fn stylesheet() -> Response {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("../../../../templates/desk/desk.css"),
    )
        .into_response()
}

pub(crate) fn not_found_in(desk: &Desk, lang: Lang) -> Response {
    let w = words(desk, lang);
    (
        StatusCode::NOT_FOUND,
        Html(error_text(&w, &w.t("desk-not-found"))),
    )
        .into_response()
}

pub(crate) async fn not_found(State(desk): State<Arc<Desk>>, headers: HeaderMap) -> Response {
    let (lang, _) = language(&desk, &headers, None);
    not_found_in(&desk, lang)
}
