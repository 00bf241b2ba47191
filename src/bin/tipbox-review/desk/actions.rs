//! The desk's actions: the casework forms of a tip's page and the office page (import,
//! export, a claim at the counter, the report). Each calls the function the command line
//! calls (`crate::casework`, `crate::exchange`), so the rules, the audit entries and the
//! words are the command line's; the desk only reads the form and shows what was said.
//!
//! A form is read as text and checked here as the command line's parser checks its
//! arguments (a tip id is digits, a status one of the statuses); everything else is the
//! ledger's to refuse. Texts typed by the reviewer (replies, notes) are held in zeroizing
//! strings from the form on.

use std::path::PathBuf;
use std::sync::Arc;

use askama::Template;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use tipbox::ledger::{self, Credibility, Keyed, Priority, Status};
use tipbox::vocab::Lang;
use zeroize::Zeroizing;

use super::pages::{inert, language, not_found_in, page, tip_id, unlock_page, words, Words};
use super::{forbidden, same, Desk, Flash, Unlocked};
use crate::casework::{self, Said};
use crate::error::{Failure, EXIT_USAGE};
use crate::i18n::t;

/// Every field any form of the desk has; a form sends the ones it has (missing is empty).
#[derive(Deserialize, Default)]
pub(crate) struct ActionForm {
    #[serde(default)]
    csrf: String,
    category: Option<String>,
    priority: Option<String>,
    credibility: Option<String>,
    department: Option<String>,
    due: Option<String>,
    status: Option<String>,
    public_note: Option<Typed>,
    text: Option<Typed>,
    other: Option<String>,
    amount: Option<String>,
    file: Option<String>,
    portal: Option<String>,
    recipient: Option<String>,
    summary: Option<Typed>,
    token: Option<Typed>,
    passphrase: Option<Typed>,
    new_passphrase: Option<Typed>,
    again: Option<Typed>,
    retire_old: Option<String>,
    channel: Option<String>,
    received: Option<String>,
    /// Files on this machine, one whole path a line.
    files: Option<String>,
}

/// A text the reviewer typed (a reply, a note, a claim token): moved from the form's
/// string into a zeroizing one, never copied.
#[derive(Deserialize)]
#[serde(from = "String")]
pub(crate) struct Typed(Zeroizing<String>);

impl From<String> for Typed {
    fn from(s: String) -> Self {
        Typed(Zeroizing::new(s))
    }
}

impl Typed {
    fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// A form as the command line would take its arguments: every name and value UTF-8 with
/// no NUL (axum's form reader replaces bad bytes with U+FFFD, and a NUL cannot be an
/// argument), else 422; then read as axum reads a form.
pub(crate) struct StrictForm<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> axum::extract::FromRequest<S>
    for StrictForm<T>
{
    type Rejection = Response;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        let bytes = axum::body::Bytes::from_request(
            axum::extract::Request::from_parts(parts.clone(), body),
            state,
        )
        .await
        .map_err(IntoResponse::into_response)?;
        let strict = bytes.split(|c| *c == b'&').all(|pair| {
            let spaced: Vec<u8> = pair
                .iter()
                .map(|&c| if c == b'+' { b' ' } else { c })
                .collect();
            percent_encoding::percent_decode(&spaced)
                .decode_utf8()
                .is_ok_and(|s| !s.contains('\0'))
        });
        if !strict {
            return Err((StatusCode::UNPROCESSABLE_ENTITY, "422\n").into_response());
        }
        let req = axum::extract::Request::from_parts(parts, axum::body::Body::from(bytes));
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|f| StrictForm(f.0))
            .map_err(IntoResponse::into_response)
    }
}

/// What an action did, for the next page: its words pass the filter tip text passes
/// (they may quote a name from outside), then the page escapes them.
fn flash_of(outcome: Result<Said, Failure>) -> Flash {
    let inert = |v: Vec<String>| v.iter().map(|s| inert(s)).collect();
    match outcome {
        Ok(said) => Flash {
            refused: false,
            lines: inert(said.lines),
            warnings: inert(said.warnings),
        },
        Err(Failure(_, why)) => Flash {
            refused: true,
            lines: inert(vec![why]),
            warnings: Vec::new(),
        },
    }
}

/// A field as given (the command line's argument: not trimmed), or nothing if empty.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().filter(|s| !s.is_empty())
}

/// A choice from a list (`--priority high`): one of `T::ALL`, or nothing if not given.
fn keyed<T: Keyed + Copy>(v: &Option<String>) -> Result<Option<T>, Failure> {
    match given(v) {
        None => Ok(None),
        Some(k) => T::from_key(k)
            .map(Some)
            .ok_or_else(|| Failure(EXIT_USAGE, t!("desk-not-a-choice"))),
    }
}

/// A text the form must have; as given otherwise (the ledger judges it, as it judges the
/// command line's).
fn required(given: &Option<Typed>) -> Result<&str, Failure> {
    given
        .as_ref()
        .map(Typed::as_str)
        .ok_or_else(|| Failure(EXIT_USAGE, t!("desk-field-missing")))
}

/// A file on this machine (removable media): an absolute path.
fn local_file(v: &Option<String>) -> Result<PathBuf, Failure> {
    let p = PathBuf::from(given(v).unwrap_or_default());
    if !p.is_absolute() {
        return Err(Failure(EXIT_USAGE, t!("desk-not-an-absolute-path")));
    }
    Ok(p)
}

/// A file the desk reads (a bundle, a backup): a regular file, never a pipe or a device
/// that would hold the desk (and the ledger) until something writes to it.
fn file_to_read(v: &Option<String>) -> Result<PathBuf, Failure> {
    let p = local_file(v)?;
    match std::fs::metadata(&p) {
        Ok(m) if !m.is_file() => Err(Failure(EXIT_USAGE, t!("desk-not-a-file"))),
        _ => Ok(p),
    }
}

/// A number the form must have (a tip id, an amount), read as the command line reads it.
fn number(v: &Option<String>) -> Result<u64, Failure> {
    given(v)
        .and_then(|s| s.parse::<u64>().ok())
        .ok_or_else(|| Failure(EXIT_USAGE, t!("desk-not-a-number")))
}

/// `POST /tip/ID/ACTION`: the casework of one tip (the actions listed below).
pub(crate) async fn tip_action(
    State(desk): State<Arc<Desk>>,
    headers: HeaderMap,
    UrlPath((id, action)): UrlPath<(String, String)>,
    StrictForm(form): StrictForm<ActionForm>,
) -> Response {
    if !same(&form.csrf, &desk.csrf) {
        return forbidden();
    }
    let (lang, _) = language(&desk, &headers, None);
    let Some(keys) = desk.identities() else {
        return unlock_page(&desk, lang, false, None);
    };
    const ACTIONS: [&str; 11] = [
        "triage",
        "assign",
        "status",
        "reply",
        "note",
        "link",
        "approve",
        "paid",
        "attachments",
        "transfer",
        "notice",
    ];
    let (Some(id), true) = (tip_id(&id), ACTIONS.contains(&action.as_str())) else {
        return not_found_in(&desk, lang);
    };
    let d2 = desk.clone();
    let done = tokio::task::spawn_blocking(move || {
        crate::i18n::in_lang(lang, || {
            let mut l = d2.ledger.lock().unwrap_or_else(|p| p.into_inner());
            let outcome = if action == "notice" {
                issue_notice(&mut l, id, &form).map(Ok)
            } else {
                act(&mut l, &keys, id, &action, &form).map(Err)
            };
            drop(l);
            d2.wrote();
            match outcome {
                Ok(Ok(page)) => Ok(page),
                Ok(Err(said)) => Err(flash_of(Ok(said))),
                Err(refused) => Err(flash_of(Err(refused))),
            }
        })
    })
    .await;
    match done {
        // A notice issued: its page to print (the number is taken: shown again on a
        // reload, never issued twice).
        Ok(Ok(page)) => {
            *desk.notice.lock().unwrap_or_else(|p| p.into_inner()) = Some((id, page));
            Redirect::to(&format!("/notice/{id}")).into_response()
        }
        Ok(Err(flash)) => {
            desk.tell(flash);
            Redirect::to(&format!("/tip/{id}")).into_response()
        }
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "500\n").into_response(),
    }
}

/// A supervision notice (交办单) for tip `id`: its number taken, its page made.
fn issue_notice(
    l: &mut ledger::Ledger,
    id: u64,
    f: &ActionForm,
) -> Result<Zeroizing<String>, Failure> {
    let summary = f
        .summary
        .as_ref()
        .map(Typed::as_str)
        .filter(|s| !s.is_empty());
    let draft = l.draft_notice(
        id,
        given(&f.department).unwrap_or_default(),
        summary,
        given(&f.due),
    )?;
    let (_, html) = casework::issue_notice_page(l, &draft)?;
    Ok(Zeroizing::new(html))
}

fn act(
    l: &mut ledger::Ledger,
    keys: &Unlocked,
    id: u64,
    action: &str,
    f: &ActionForm,
) -> Result<Said, Failure> {
    match action {
        "triage" => casework::triage_on(
            l,
            id,
            ledger::casework::Triage {
                category: given(&f.category).map(str::to_owned),
                priority: keyed::<Priority>(&f.priority)?,
                credibility: keyed::<Credibility>(&f.credibility)?,
            },
        ),
        "assign" => casework::assign_on(
            l,
            id,
            given(&f.department).unwrap_or_default(),
            given(&f.due),
        ),
        "status" => {
            let status = keyed::<Status>(&f.status)?
                .ok_or_else(|| Failure(EXIT_USAGE, t!("desk-not-a-choice")))?;
            let note = f
                .public_note
                .as_ref()
                .map(Typed::as_str)
                .filter(|n| !n.is_empty());
            casework::status_on(l, id, status, note)
        }
        "reply" => casework::reply_on(l, id, required(&f.text)?),
        "note" => casework::note_on(l, id, required(&f.text)?),
        "link" => casework::link_on(l, id, number(&f.other)?),
        "approve" => casework::reward_on(l, id, "approve", Some(number(&f.amount)?)),
        "paid" => casework::reward_on(l, id, "paid", None),
        "transfer" => {
            let out = match given(&f.file) {
                Some(_) => Some(local_file(&f.file)?),
                None => None,
            };
            casework::transfer_on(
                l,
                || Ok(&keys.ids[..]),
                id,
                given(&f.department).unwrap_or_default(),
                given(&f.recipient),
                out.as_deref(),
            )
        }
        "attachments" => {
            // As `show TIP --attachments-to FOLDER`: decrypted straight into new private
            // files, nothing kept in memory, a damaged item leaves no truncated copy.
            let dir = local_file(&f.file)?;
            let entry = l.get(id)?;
            let (_, written) =
                crate::show::open_writing_attachments(l, &entry, &keys.ids, Some(&dir))?;
            l.audit(
                ledger::Action::Show,
                Some(id),
                "decrypted, attachments written",
            )?;
            let mut said = Said::default();
            said.lines.push(t!(
                "desk-attachments-written",
                files = written.len(),
                folder = dir.display()
            ));
            said.lines
                .extend(written.into_iter().map(|(_, _, name)| name));
            Ok(said)
        }
        _ => Err(Failure(EXIT_USAGE, t!("desk-not-a-choice"))),
    }
}

/// The office page: import, export, a claim at the counter, the report.
#[derive(Template)]
#[template(path = "desk/office.html")]
struct OfficePage<'a> {
    w: Words<'a>,
    flash: Option<Flash>,
    today: String,
    /// The office's public keys (recipient.txt, verify-key.txt), to hand to portals.
    recipients: Vec<String>,
    verify_key: String,
    media: Vec<String>,
}

/// The folders of removable media mounted now (`/media/USER/LABEL`, `/run/media/USER/LABEL`,
/// `/media/LABEL`), offered in the file fields: a clerk picks the stick instead of typing
/// its path. A label is the stick's own: shown through the terminal-safe filter.
fn media_folders() -> Vec<String> {
    let mut found = Vec::new();
    let dirs = |p: &std::path::Path| -> Vec<PathBuf> {
        std::fs::read_dir(p)
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.is_dir())
                    .take(50)
                    .collect()
            })
            .unwrap_or_default()
    };
    for base in ["/media", "/run/media"] {
        for first in dirs(std::path::Path::new(base)) {
            let inner = dirs(&first);
            if inner.is_empty() {
                found.push(first);
            } else {
                found.extend(inner);
            }
        }
    }
    let mut shown: Vec<String> = found
        .iter()
        .filter_map(|p| p.to_str())
        .map(|p| inert(&format!("{p}/")))
        .collect();
    shown.sort();
    shown.dedup();
    shown
}

#[derive(Deserialize)]
pub(crate) struct LangQuery {
    lang: Option<String>,
}

pub(crate) async fn office(
    State(desk): State<Arc<Desk>>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    let (lang, remember) = language(&desk, &headers, q.lang.as_deref());
    if desk.identities().is_none() {
        return unlock_page(&desk, lang, remember, None);
    }
    let dir = desk
        .ledger
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .keys_dir();
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap_or_default();
    let recipients = read(tipbox::keys::RECIPIENT_FILE)
        .lines()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(inert)
        .collect();
    let verify_key = inert(read(tipbox::keys::VERIFY_KEY_FILE).trim());
    let page_html = OfficePage {
        w: words(&desk, lang),
        media: media_folders(),
        recipients,
        verify_key,
        flash: desk.told(),
        today: tipbox::vocab::today(),
    }
    .render();
    page(page_html, lang, remember)
}

/// `POST /office/ACTION`: entering a tip, the bundles, a claim, the records and the keys
/// (the actions listed below).
pub(crate) async fn office_action(
    State(desk): State<Arc<Desk>>,
    headers: HeaderMap,
    UrlPath(action): UrlPath<String>,
    StrictForm(form): StrictForm<ActionForm>,
) -> Response {
    if !same(&form.csrf, &desk.csrf) {
        return forbidden();
    }
    let (lang, _) = language(&desk, &headers, None);
    let Some(keys) = desk.identities() else {
        return unlock_page(&desk, lang, false, None);
    };
    const ACTIONS: [&str; 10] = [
        "add",
        "import",
        "export",
        "claim",
        "backup",
        "verify-backup",
        "verify-audit",
        "passphrase",
        "add-key",
        "new-signing-key",
    ];
    if !ACTIONS.contains(&action.as_str()) {
        return not_found_in(&desk, lang);
    }
    let d2 = desk.clone();
    let done = tokio::task::spawn_blocking(move || {
        crate::i18n::in_lang(lang, || {
            let mut l = d2.ledger.lock().unwrap_or_else(|p| p.into_inner());
            // A tip entered: its page next.
            let (outcome, to) = if action == "add" {
                match add(&mut l, &form) {
                    Ok((said, id)) => (Ok(said), format!("/tip/{id}")),
                    Err(e) => (Err(e), "/add".to_owned()),
                }
            } else {
                let outcome = office_act(&d2, &mut l, &keys, &action, &form);
                (outcome, "/office".to_owned())
            };
            drop(l);
            d2.wrote();
            (flash_of(outcome), to)
        })
    })
    .await;
    match done {
        Ok((flash, to)) => {
            desk.tell(flash);
            Redirect::to(&to).into_response()
        }
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, "500\n").into_response(),
    }
}

/// `add`: a tip that came by phone, letter, visit or mailbox, typed in, with its files (whole
/// paths on this machine, one a line).
fn add(l: &mut ledger::Ledger, f: &ActionForm) -> Result<(Said, u64), Failure> {
    let channel = keyed::<ledger::Channel>(&f.channel)?
        .filter(|c| ledger::Channel::TYPED_IN.contains(c))
        .ok_or_else(|| Failure(EXIT_USAGE, t!("desk-not-a-choice")))?;
    let mut files = Vec::new();
    // One path a line, as given (a browser ends a textarea's lines with CR LF).
    for line in f.files.as_deref().unwrap_or_default().lines() {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.is_empty() {
            continue;
        }
        let p = PathBuf::from(line);
        if !p.is_absolute() {
            return Err(Failure(EXIT_USAGE, t!("desk-not-an-absolute-path")));
        }
        files.push(p);
    }
    casework::add_on(
        l,
        ledger::casework::NewTip {
            channel,
            category: given(&f.category).unwrap_or("other"),
            received: given(&f.received),
            content: required(&f.text)?,
            attachments: &files,
        },
    )
}

/// The page to enter a tip that came by another channel.
#[derive(Template)]
#[template(path = "desk/add.html")]
struct AddPage<'a> {
    w: Words<'a>,
    flash: Option<Flash>,
    channels: Vec<(&'static str, String)>,
    categories: Vec<(String, String)>,
    today: String,
}

pub(crate) async fn add_page(
    State(desk): State<Arc<Desk>>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    let (lang, remember) = language(&desk, &headers, q.lang.as_deref());
    if desk.identities().is_none() {
        return unlock_page(&desk, lang, remember, None);
    }
    let w = words(&desk, lang);
    let page_html = AddPage {
        channels: ledger::Channel::TYPED_IN
            .iter()
            .map(|c| (c.key(), w.label("channel", c.key())))
            .collect(),
        categories: tipbox::vocab::default_categories()
            .into_iter()
            .map(|c| (c.key.to_owned(), c.label(lang).to_owned()))
            .collect(),
        today: tipbox::vocab::today(),
        flash: desk.told(),
        w,
    }
    .render();
    page(page_html, lang, remember)
}

/// The passphrase a form gives, as a secret (as typed: spaces are characters).
fn passphrase(v: &Option<Typed>) -> Result<age::secrecy::SecretString, Failure> {
    crate::io::passphrase_given(v.as_ref().map_or("", Typed::as_str))
}

/// The current passphrase a key form gives, checked first: a wrong one is on record, as
/// at the unlock page.
fn current_passphrase(
    l: &mut ledger::Ledger,
    v: &Option<Typed>,
) -> Result<age::secrecy::SecretString, Failure> {
    let pass = passphrase(v)?;
    match tipbox::keys::load_identities(&l.keys_dir(), &pass) {
        Err(e @ tipbox::keys::KeyError::WrongPassphrase(_)) => {
            l.audit(ledger::Action::UnlockFailed, None, "desk, key form")?;
            Err(e.into())
        }
        _ => Ok(pass),
    }
}

fn office_act(
    desk: &Desk,
    l: &mut ledger::Ledger,
    keys: &Unlocked,
    action: &str,
    f: &ActionForm,
) -> Result<Said, Failure> {
    // After a change of the keys, the desk holds them as they are now.
    let reopen = |l: &ledger::Ledger, pass: &age::secrecy::SecretString| {
        super::open_keys(&l.keys_dir(), pass)
            .map(|k| desk.unlock(k))
            .map_err(Failure::from)
    };
    match action {
        "backup" => crate::records::backup_on(l, &keys.ids, &local_file(&f.file)?),
        "verify-backup" => crate::records::verify_backup(&file_to_read(&f.file)?, &keys.ids, false),
        "verify-audit" => crate::records::verify_audit(l.root()),
        "passphrase" => {
            let current = current_passphrase(l, &f.passphrase)?;
            let new = passphrase(&f.new_passphrase)?;
            if f.again.as_ref().map(Typed::as_str) != f.new_passphrase.as_ref().map(Typed::as_str) {
                return Err(Failure(EXIT_USAGE, t!("cli-passphrases-differ")));
            }
            let said = crate::keys::change_passphrase_on(l, &current, &new)?;
            reopen(l, &new)?;
            Ok(said)
        }
        "add-key" => {
            let pass = current_passphrase(l, &f.passphrase)?;
            let retire = given(&f.retire_old) == Some("1");
            let recipient = crate::keys::add_key_on(l, &pass, retire)?;
            reopen(l, &pass)?;
            Ok(Said::line(if retire {
                t!(
                    "cli-key-added-old-retired",
                    recipient = recipient,
                    file = tipbox::keys::RETIRED_RECIPIENTS_FILE
                )
            } else {
                t!("cli-key-added", recipient = recipient)
            }))
        }
        "new-signing-key" => {
            let pass = current_passphrase(l, &f.passphrase)?;
            let current = crate::keys::replace_signing_key_on(l, &pass)?;
            reopen(l, &pass)?;
            let mut said = Said::line(t!(
                "cli-signing-key-replaced",
                file = tipbox::keys::RETIRED_VERIFY_KEYS_FILE
            ));
            said.lines.push(format!("verify-key: {current}"));
            Ok(said)
        }
        "import" => {
            let file = file_to_read(&f.file)?;
            let summary = l.import(&file, &keys.ids, |_| ())?;
            crate::exchange::import_said(l, &summary, &keys.ids)
        }
        "export" => {
            let file = local_file(&f.file)?;
            // A folder: every portal's bundle in it, as `export --out-dir` (a site).
            let targets = if file.is_dir() {
                crate::exchange::export_targets(l, &file)?
            } else {
                let portal = given(&f.portal).map(str::to_owned);
                vec![crate::exchange::ExportTarget::open(l, portal, file)?]
            };
            let said = crate::exchange::export_on(l, &keys.signing, targets)?;
            Ok(Said {
                lines: said.into_iter().map(|(_, line)| line).collect(),
                warnings: Vec::new(),
            })
        }
        "claim" => {
            let token = casework::claim_token(required(&f.token)?.trim())?;
            casework::verify_claim_on(l, &token)
        }
        _ => Err(Failure(EXIT_USAGE, t!("desk-not-a-choice"))),
    }
}

#[derive(Deserialize)]
pub(crate) struct ReportQuery {
    lang: Option<String>,
    from: Option<String>,
    to: Option<String>,
    format: Option<String>,
}

/// `GET /report?from=&to=&format=`: the office's report for the days, as
/// `tipbox-review report`: the HTML report shown in the page (`format=html`, the
/// default), or the CSV and JSON files downloaded.
pub(crate) async fn report(
    State(desk): State<Arc<Desk>>,
    headers: HeaderMap,
    Query(q): Query<ReportQuery>,
) -> Response {
    let (lang, remember) = language(&desk, &headers, q.lang.as_deref());
    if desk.identities().is_none() {
        return unlock_page(&desk, lang, remember, None);
    }
    let format = match given(&q.format).unwrap_or("html") {
        "html" => crate::cli::ReportFormat::Html,
        "csv" => crate::cli::ReportFormat::Csv,
        "json" => crate::cli::ReportFormat::Json,
        _ => return not_found_in(&desk, lang),
    };
    let d2 = desk.clone();
    let made = tokio::task::spawn_blocking(move || {
        crate::i18n::in_lang(lang, || {
            let l = d2.ledger.lock().unwrap_or_else(|p| p.into_inner());
            crate::list::report_text(&l, given(&q.from), given(&q.to), format, lang == Lang::En)
        })
    })
    .await;
    let text = match made {
        Ok(Ok(text)) => text,
        Ok(Err(Failure(_, why))) => {
            desk.tell(Flash {
                refused: true,
                lines: vec![why],
                warnings: Vec::new(),
            });
            return Redirect::to("/office").into_response();
        }
        Err(_) => return (StatusCode::INTERNAL_SERVER_ERROR, "500\n").into_response(),
    };
    let (kind, name) = match format {
        crate::cli::ReportFormat::Csv => ("text/csv; charset=utf-8", "report.csv"),
        crate::cli::ReportFormat::Json => ("application/json", "report.json"),
        _ => {
            // The report as the command line writes it, its own stylesheet allowed by its
            // hash (and nothing else: no script, nothing from elsewhere).
            let mut res = Html(text.clone()).into_response();
            if let Some(csp) = style_hash_csp(&text) {
                res.headers_mut()
                    .insert(header::CONTENT_SECURITY_POLICY, csp);
            }
            return res;
        }
    };
    let mut res = text.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// A CSP for a document of the command line's (the report, a notice) that allows its one
/// inline stylesheet by hash.
fn style_hash_csp(html: &str) -> Option<HeaderValue> {
    use base64::Engine as _;
    let start = html.find("<style>")? + "<style>".len();
    let end = start + html[start..].find("</style>")?;
    let hash = tipbox::crypto::sha256(&html.as_bytes()[start..end]);
    let b64 = base64::engine::general_purpose::STANDARD.encode(hash);
    HeaderValue::from_str(&format!(
        "default-src 'none'; style-src 'sha256-{b64}'; img-src 'self'; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'"
    ))
    .ok()
}

/// `GET /notice/ID`: the notice just issued for tip ID, the page the command line writes
/// to a file, to print (its stylesheet allowed by hash). Kept in memory for this launch
/// only (it may quote the reviewer's summary of the tip).
pub(crate) async fn notice(
    State(desk): State<Arc<Desk>>,
    headers: HeaderMap,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let (lang, _) = language(&desk, &headers, None);
    if desk.identities().is_none() {
        return unlock_page(&desk, lang, false, None);
    }
    let kept = desk.notice.lock().unwrap_or_else(|p| p.into_inner());
    match (kept.as_ref(), tip_id(&id)) {
        (Some((for_tip, html)), Some(id)) if *for_tip == id => {
            let mut res = Html(html.as_str().to_owned()).into_response();
            if let Some(csp) = style_hash_csp(html) {
                res.headers_mut()
                    .insert(header::CONTENT_SECURITY_POLICY, csp);
            }
            res
        }
        _ => not_found_in(&desk, lang),
    }
}
