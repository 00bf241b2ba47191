//! Request handlers. Each reads only the headers it needs (Accept-Language,
//! Content-Length), never stores or logs them, and answers every failure with a page in the
//! reporter's language that keeps what they typed.

use axum::body::Body;
use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::{Form, FromRequest, Multipart, Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use zeroize::Zeroizing;

use super::i18n::{Lang, LangExt, Texts};
use super::kdf::{KdfError, NewReceipt};
use super::pages::*;
use super::submissions::{Found, TokenKeys};
use super::{App, FORM_OVERHEAD};
use crate::seal::{self, SealError, SealInput};
use crate::store::{self, TipRecord};
use tipbox_core::receipt::{CodeError, ReceiptCode, ReceiptKeys};
use tipbox_core::tip::{Kind, Manifest};

/// Longest text field accepted (location, description, message), in bytes.
const MAX_TEXT_BYTES: usize = 256 * 1024;
/// The forms' `maxlength` for long texts, so a browser never sends more than
/// `MAX_TEXT_BYTES`: `maxlength` counts UTF-16 units, and none takes more than three bytes
/// of UTF-8 (a line break sent as CRLF takes two).
pub const MAX_TEXT_CHARS: usize = MAX_TEXT_BYTES / 3;

#[derive(Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

fn negotiate(q: &LangQuery, headers: &HeaderMap) -> Lang {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    Lang::negotiate(q.lang.as_deref(), accept)
}

fn chrome(app: &App, lang: Lang, path: &'static str) -> Chrome {
    Chrome::new(lang, app.settings.demo, path)
}

pub async fn index(
    State(app): State<App>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let c = chrome(&app, negotiate(&q, &headers), "/");
    render(StatusCode::OK, &IndexPage { c })
}

const STYLESHEET: &str = include_str!("../../../templates/static/tipbox.css");
const FAVICON: &[u8] = include_bytes!("../../../templates/static/favicon.ico");
/// A year: what a fingerprinted name may be cached for (it changes with its content).
const CACHE_FOREVER: &str = "public, max-age=31536000, immutable";

/// Where pages load the stylesheet from: a name that changes with its content, so that
/// browsers keep it (a Tor round trip per page saved) and never use a stale one.
pub fn stylesheet_path() -> &'static str {
    static PATH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    PATH.get_or_init(|| {
        let hash = blake3::hash(STYLESHEET.as_bytes()).to_hex();
        format!("/static/tipbox-{}.css", &hash[..16])
    })
}

pub async fn stylesheet(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    let fingerprinted = stylesheet_path().strip_prefix("/static/") == Some(name.as_str());
    if !fingerprinted && name != "tipbox.css" {
        return StatusCode::NOT_FOUND.into_response();
    }
    // The old unversioned name still answers, uncached (the security layer's no-store).
    let cache = if fingerprinted {
        CACHE_FOREVER
    } else {
        "no-store"
    };
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, cache),
        ],
        STYLESHEET,
    )
        .into_response()
}

pub async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/x-icon"),
            (header::CACHE_CONTROL, "public, max-age=604800"),
        ],
        FAVICON,
    )
        .into_response()
}

/// No search engine is to list the site (nor its pages with a receipt form).
pub async fn robots() -> Response {
    (
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "User-agent: *\nDisallow: /\n",
    )
        .into_response()
}

pub async fn not_found(
    State(app): State<App>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = negotiate(&q, &headers);
    error_page(
        &app,
        lang,
        StatusCode::NOT_FOUND,
        lang.texts().err_not_found.to_owned(),
    )
}

/// Forms posted from another site are refused before anything is read: such a post could
/// store a tip the reporter never wrote, or show the reporter a page carrying values the
/// other site chose. Browsers say where a post comes from (`Sec-Fetch-Site`): anything but
/// `same-origin` or `none` is refused. One that says nothing (an old browser, a script) is
/// let through, since the form's own checks hold without this (found by the black-box attack on the reporter's journey).
pub async fn same_site_posts_only(
    State(app): State<App>,
    req: Request,
    next: axum::middleware::Next,
) -> Response {
    // The site's own forms post `same-origin` (CSP `form-action 'self'`); `none` is a post
    // the user started (a bookmark). `same-site` is a sibling site (another subdomain of a
    // clearnet domain), and as foreign as any other.
    let cross_site = req.method() == axum::http::Method::POST
        && req.headers().get_all("sec-fetch-site").iter().any(|v| {
            let v = v.as_bytes().trim_ascii();
            !(v.eq_ignore_ascii_case(b"same-origin") || v.eq_ignore_ascii_case(b"none"))
        });
    if !cross_site {
        return next.run(req).await;
    }
    let q = Query::<LangQuery>::try_from_uri(req.uri())
        .map(|Query(q)| q)
        .unwrap_or(LangQuery { lang: None });
    let lang = negotiate(&q, req.headers());
    error_page(
        &app,
        lang,
        StatusCode::FORBIDDEN,
        lang.texts().err_cross_site.to_owned(),
    )
}

fn error_page(app: &App, lang: Lang, status: StatusCode, message: String) -> Response {
    render(
        status,
        &ErrorPage {
            c: chrome(app, lang, "/"),
            message,
        },
    )
}

fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes >> 20)
}

// ---------------------------------------------------------------------------------------
// Submitting a tip
// ---------------------------------------------------------------------------------------

/// What the reporter typed, kept to show the form again if anything goes wrong.
#[derive(Default)]
struct SubmitForm {
    category: String,
    location: Zeroizing<String>,
    description: Zeroizing<String>,
    reward: bool,
    honeypot: bool,
    attachments: u32,
    /// The form's token (a well-formed one only), kept when the form is shown again.
    token: Option<String>,
}

fn submit_page(app: &App, lang: Lang, form: &SubmitForm, errors: Vec<String>) -> SubmitPage {
    let categories = app
        .settings
        .categories
        .iter()
        .map(|cat| CategoryOption {
            key: cat.key.clone(),
            label: cat.label(lang).to_owned(),
            selected: cat.key == form.category,
        })
        .collect();
    SubmitPage {
        c: chrome(app, lang, "/submit"),
        categories,
        location: form.location.to_string(),
        description: form.description.to_string(),
        reward: form.reward,
        errors,
        // Always a new token, never the one the refused request carried: a token a request
        // chose must not reach a form the reporter fills in (another site could plant its
        // own, then read the receipt or store its tip first). A refused request stored
        // nothing, so nothing is lost.
        form_token: super::submissions::new_token(),
        description_limit: lang
            .texts()
            .description_limit
            .replace("{max}", &MAX_TEXT_CHARS.to_string()),
    }
}

pub async fn submit_form(
    State(app): State<App>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = negotiate(&q, &headers);
    render(
        StatusCode::OK,
        &submit_page(&app, lang, &SubmitForm::default(), vec![]),
    )
}

/// Why reading an upload stopped early.
enum UploadProblem {
    TooLarge,
    TooManyFiles,
    /// A text field over `MAX_TEXT_BYTES` (a client that ignored the form's `maxlength`).
    TextTooLong,
    BadRequest,
    /// The body stalled (`body_idle_timeout_secs`) or fell behind `min_upload_kib_per_sec`.
    TooSlow,
    /// The sealer stopped (its error is collected from its join handle).
    SealerStopped,
    /// This form was submitted before (its token is known): nothing more is stored.
    AlreadySent(Box<Found>),
}

impl UploadProblem {
    fn from_multipart(e: MultipartError) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            UploadProblem::TooLarge
        } else if caused_by_slowness(&e) {
            UploadProblem::TooSlow
        } else {
            UploadProblem::BadRequest
        }
    }
}

/// Whether a body error comes from one of our own deadlines (idle timeout or minimum rate)
/// rather than from a malformed request.
fn caused_by_slowness(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(e);
    while let Some(e) = cause {
        if e.is::<super::min_rate::TooSlow>() || e.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// Message and status for an upload problem, in the reporter's language.
fn upload_problem(app: &App, t: &Texts, p: &UploadProblem) -> (StatusCode, String) {
    match p {
        UploadProblem::TooLarge => (
            StatusCode::PAYLOAD_TOO_LARGE,
            t.err_too_large
                .replace("{max}", &mib(app.settings.max_upload_bytes)),
        ),
        UploadProblem::TooManyFiles => (
            StatusCode::PAYLOAD_TOO_LARGE,
            t.err_too_many_files
                .replace("{max}", &app.settings.max_attachments.to_string()),
        ),
        UploadProblem::TextTooLong => (
            StatusCode::PAYLOAD_TOO_LARGE,
            t.err_text_too_long
                .replace("{max}", &MAX_TEXT_CHARS.to_string()),
        ),
        UploadProblem::BadRequest | UploadProblem::SealerStopped => {
            (StatusCode::BAD_REQUEST, t.err_bad_request.to_owned())
        }
        // Answered by the callers with the receipt; here only for completeness.
        UploadProblem::AlreadySent(_) => (StatusCode::OK, t.already_submitted.to_owned()),
        // 400, not 408: browsers may send a request again on their own after a 408.
        UploadProblem::TooSlow => (StatusCode::BAD_REQUEST, t.err_too_slow.to_owned()),
    }
}

fn seal_problem(app: &App, t: &Texts, e: &SealError) -> (StatusCode, String) {
    app.warn_sealing_refused(e);
    match e {
        SealError::ImageTooLarge { .. } => (
            StatusCode::PAYLOAD_TOO_LARGE,
            t.err_image_too_large
                .replace("{max}", &mib(app.settings.max_image_bytes)),
        ),
        SealError::ImageDamaged { name, .. } => (
            StatusCode::UNPROCESSABLE_ENTITY,
            // The name as the reporter's browser sent it, shortened, with control and
            // direction characters replaced (a right-to-left override would make the page
            // lie about the name); the page escapes the rest.
            t.err_image_damaged.replace(
                "{name}",
                &tipbox_core::safe_output::terminal_safe(
                    &name.0.chars().take(80).collect::<String>(),
                ),
            ),
        ),
        SealError::Incomplete => (StatusCode::BAD_REQUEST, t.err_bad_request.to_owned()),
        SealError::Busy => (StatusCode::TOO_MANY_REQUESTS, t.err_busy.to_owned()),
        SealError::DiskReserve => (
            StatusCode::INSUFFICIENT_STORAGE,
            t.err_disk_reserve.to_owned(),
        ),
        SealError::Io(_) | SealError::Encrypt(_) | SealError::Store(_) => {
            // Details go to the log (they never hold tip content: an OS error or a path of
            // our own); the reporter gets a kind page.
            tracing::error!(error = %e, "sealing failed");
            (StatusCode::INTERNAL_SERVER_ERROR, t.err_internal.to_owned())
        }
    }
}

fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
}

/// Body budget when the announced length is already over the limit: enough for the text
/// fields (which come before files in our forms) so they can be shown again, nothing more.
const OVERSIZE_TEXT_BUDGET: usize = 2 * MAX_TEXT_BYTES + 64 * 1024;

/// Open an upload form. When Content-Length is over the limit, the body is cut to a small
/// budget: the text fields are read back for the form, the files are never read, and the
/// answer is 413 (ARCHITECTURE.md, invariant 6).
async fn open_upload(app: &App, req: Request) -> (Result<Multipart, MultipartRejection>, bool) {
    let oversize = content_length(req.headers())
        .is_some_and(|n| n > app.settings.max_upload_bytes + FORM_OVERHEAD);
    let req = if oversize {
        let (parts, body) = req.into_parts();
        Request::from_parts(
            parts,
            Body::new(http_body_util::Limited::new(body, OVERSIZE_TEXT_BUDGET)),
        )
    } else {
        req
    };
    (Multipart::from_request(req, app).await, oversize)
}

/// Read a short text field (a category, a receipt code, a checkbox), refusing more than
/// `MAX_TEXT_BYTES`. The value never leaves zeroizing memory except to the sealer and the
/// re-shown form.
async fn read_text(field: &mut Field<'_>) -> Result<Zeroizing<String>, UploadProblem> {
    match read_long_text(field).await? {
        (value, false) => Ok(value),
        (_, true) => Err(UploadProblem::TextTooLong),
    }
}

/// Read a text the reporter wrote (location, description, message) to the end of its
/// field. Returns it and whether it was over `MAX_TEXT_BYTES`: then only its first
/// `MAX_TEXT_BYTES` (whole characters) are kept, for the form shown again, so that a
/// reporter whose browser ignored `maxlength` loses only what did not fit.
async fn read_long_text(field: &mut Field<'_>) -> Result<(Zeroizing<String>, bool), UploadProblem> {
    let mut buf = Zeroizing::new(Vec::new());
    let mut cut = false;
    while let Some(chunk) = field.chunk().await.map_err(UploadProblem::from_multipart)? {
        let room = MAX_TEXT_BYTES - buf.len();
        if chunk.len() > room {
            cut = true;
        }
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
    }
    let text = match std::str::from_utf8(&buf) {
        Ok(s) => s,
        // Cut inside a character: keep the whole ones before it.
        Err(e) if cut && e.error_len().is_none() => {
            std::str::from_utf8(&buf[..e.valid_up_to()]).expect("valid up to here")
        }
        Err(_) => return Err(UploadProblem::BadRequest),
    };
    // Normalise line endings as browsers send them (CRLF) so stored text is stable.
    Ok((Zeroizing::new(text.replace("\r\n", "\n")), cut))
}

/// Read a field to its end and drop what it held (unknown fields, files not being kept).
async fn skip_field(field: &mut Field<'_>) -> Result<(), UploadProblem> {
    while field
        .chunk()
        .await
        .map_err(UploadProblem::from_multipart)?
        .is_some()
    {}
    Ok(())
}

/// Send one input to the sealer; a closed channel means the sealer stopped with an error.
async fn feed(
    tx: &tokio::sync::mpsc::Sender<SealInput>,
    input: SealInput,
) -> Result<(), UploadProblem> {
    tx.send(input)
        .await
        .map_err(|_| UploadProblem::SealerStopped)
}

/// Stream one attachment into the sealer. Returns false for the empty part browsers send
/// when no file was chosen.
async fn feed_attachment(
    field: &mut Field<'_>,
    tx: &tokio::sync::mpsc::Sender<SealInput>,
) -> Result<bool, UploadProblem> {
    let name: String = field.file_name().unwrap_or("").chars().take(255).collect();
    let content_type: String = field
        .content_type()
        .unwrap_or("")
        .chars()
        .take(127)
        .collect();
    let first = field.chunk().await.map_err(UploadProblem::from_multipart)?;
    let Some(first) = first.filter(|c| !c.is_empty()) else {
        if name.is_empty() {
            return Ok(false);
        }
        // An empty file with a name: keep it (it is what the reporter chose).
        feed(tx, SealInput::FileStart { name, content_type }).await?;
        feed(tx, SealInput::FileEnd).await?;
        return Ok(true);
    };
    feed(tx, SealInput::FileStart { name, content_type }).await?;
    // Hand pieces over in batches of ~256 KiB: one wake-up of the sealer per batch. With
    // the channel's four slots this keeps at most ~1.25 MiB of an upload in memory.
    const BATCH_BYTES: usize = 256 * 1024;
    let mut batched = first.len();
    let mut batch = vec![first];
    while let Some(chunk) = field.chunk().await.map_err(UploadProblem::from_multipart)? {
        batched += chunk.len();
        batch.push(chunk);
        if batched >= BATCH_BYTES {
            feed(tx, SealInput::FileData(std::mem::take(&mut batch))).await?;
            batched = 0;
        }
    }
    if !batch.is_empty() {
        feed(tx, SealInput::FileData(batch)).await?;
    }
    feed(tx, SealInput::FileEnd).await?;
    Ok(true)
}

/// An upload form being read by [`receive_upload`]: where the text of each field goes.
enum UploadForm<'a> {
    Tip(&'a mut SubmitForm),
    Followup(&'a mut FollowupForm),
}

impl UploadForm<'_> {
    /// The files received so far: sealed, or (when not sealing) skipped and counted.
    fn attachments(&mut self) -> &mut u32 {
        match self {
            UploadForm::Tip(form) => &mut form.attachments,
            UploadForm::Followup(form) => &mut form.attachments,
        }
    }
}

/// Read an upload form (a tip, a follow-up), passing text and files to the sealer as they
/// arrive; without a sealer (busy or oversize), text is kept for the form and files are
/// skipped, counted, never kept.
async fn receive_upload(
    app: &App,
    multipart: &mut Multipart,
    tx: Option<&tokio::sync::mpsc::Sender<SealInput>>,
    mut form: UploadForm<'_>,
) -> Result<(), UploadProblem> {
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(UploadProblem::from_multipart)?
    {
        let name = field.name().unwrap_or("").to_owned();
        match (&mut form, name.as_str()) {
            (_, "attachment") => match tx {
                Some(tx) => {
                    if *form.attachments() >= app.settings.max_attachments {
                        return Err(UploadProblem::TooManyFiles);
                    }
                    if feed_attachment(&mut field, tx).await? {
                        *form.attachments() += 1;
                    }
                }
                // Not sealing (busy or oversize): skip file contents without keeping them.
                None => {
                    if field.file_name().is_some_and(|n| !n.is_empty()) {
                        *form.attachments() += 1;
                    }
                    skip_field(&mut field).await?
                }
            },
            (UploadForm::Tip(form), "category") => {
                let value = read_text(&mut field).await?;
                form.category = value.chars().take(64).collect();
                seal_field(tx, "category", value).await?;
            }
            (UploadForm::Tip(form), "location") => {
                read_long_field(&mut field, "location", &mut form.location, tx).await?
            }
            (UploadForm::Tip(form), "description") => {
                read_long_field(&mut field, "description", &mut form.description, tx).await?
            }
            (UploadForm::Tip(form), "reward") => {
                let value = read_text(&mut field).await?;
                form.reward = value.as_str() == "on";
            }
            (UploadForm::Tip(form), "website") => {
                form.honeypot = !read_text(&mut field).await?.trim().is_empty();
            }
            (UploadForm::Tip(form), "form_token") => {
                let token = read_text(&mut field).await?;
                if let Some(keys) = TokenKeys::for_tip(&token) {
                    form.token = Some(token.to_string());
                    match app.submissions.begin(&keys) {
                        Found::Fresh => {}
                        found => return Err(UploadProblem::AlreadySent(Box::new(found))),
                    }
                }
            }
            // Checked at the commit, once the receipt says which tip it is for.
            (UploadForm::Followup(form), "form_token") => {
                form.token = Some(read_text(&mut field).await?.to_string())
            }
            (UploadForm::Followup(form), "receipt") => form.receipt = read_text(&mut field).await?,
            (UploadForm::Followup(form), "message") => {
                read_long_field(&mut field, "message", &mut form.message, tx).await?
            }
            // `lang` and anything unknown: read and drop.
            _ => skip_field(&mut field).await?,
        }
    }
    Ok(())
}

/// Pass a text field to the sealer, if sealing.
async fn seal_field(
    tx: Option<&tokio::sync::mpsc::Sender<SealInput>>,
    name: &'static str,
    value: Zeroizing<String>,
) -> Result<(), UploadProblem> {
    match tx {
        Some(tx) => feed(tx, SealInput::Field { name, value }).await,
        None => Ok(()),
    }
}

/// Read a long text (location, description, message) into `kept`, which the form shows
/// again even when the text is too long, and pass it to the sealer as the field `name`.
async fn read_long_field(
    field: &mut Field<'_>,
    name: &'static str,
    kept: &mut Zeroizing<String>,
    tx: Option<&tokio::sync::mpsc::Sender<SealInput>>,
) -> Result<(), UploadProblem> {
    let (value, cut) = read_long_text(field).await?;
    *kept = value.clone();
    if cut {
        return Err(UploadProblem::TextTooLong);
    }
    seal_field(tx, name, value).await
}

fn validate_submission(app: &App, t: &Texts, form: &SubmitForm) -> Vec<String> {
    let mut errors = Vec::new();
    if form.honeypot {
        errors.push(t.err_rejected.to_owned());
    }
    if !app
        .settings
        .categories
        .iter()
        .any(|c| c.key == form.category)
    {
        errors.push(t.err_category.to_owned());
    }
    let chars = form.description.trim().chars().count();
    if chars == 0 {
        errors.push(t.err_description_required.to_owned());
    } else if chars < app.settings.min_description_chars {
        errors.push(
            t.err_description_short
                .replace("{min}", &app.settings.min_description_chars.to_string()),
        );
    }
    errors
}

fn reattach_note(t: &Texts, form: &SubmitForm, errors: &mut Vec<String>) {
    if form.attachments > 0 {
        errors.push(t.err_reattach.to_owned());
    }
}

pub async fn submit(
    State(app): State<App>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    req: Request,
) -> Response {
    let lang = negotiate(&q, &headers);
    let t = lang.texts();
    let mut form = SubmitForm::default();
    let (multipart, oversize) = open_upload(&app, req).await;
    let Ok(mut multipart) = multipart else {
        return error_page(
            &app,
            lang,
            StatusCode::BAD_REQUEST,
            t.err_bad_request.to_owned(),
        );
    };
    if oversize {
        // Read the text back for the form; seal nothing; never read the files.
        if let Err(UploadProblem::AlreadySent(found)) =
            receive_upload(&app, &mut multipart, None, UploadForm::Tip(&mut form)).await
        {
            return already_sent(&app, lang, *found, &form);
        }
        let (status, msg) = upload_problem(&app, t, &UploadProblem::TooLarge);
        let mut errors = vec![msg];
        reattach_note(t, &form, &mut errors);
        return render(status, &submit_page(&app, lang, &form, errors));
    }

    let Some(slot) = app.upload_slot() else {
        // Busy: read the text back into the form, seal nothing, ask to retry.
        let result = receive_upload(&app, &mut multipart, None, UploadForm::Tip(&mut form)).await;
        let mut errors = vec![t.err_busy.to_owned()];
        match result {
            Err(UploadProblem::AlreadySent(found)) => {
                let _ =
                    receive_upload(&app, &mut multipart, None, UploadForm::Tip(&mut form)).await;
                return already_sent(&app, lang, *found, &form);
            }
            Err(p) => errors.push(upload_problem(&app, t, &p).1),
            Ok(()) => {}
        }
        reattach_note(t, &form, &mut errors);
        return render(
            StatusCode::TOO_MANY_REQUESTS,
            &submit_page(&app, lang, &form, errors),
        );
    };

    // A receipt derived ahead, or its derivation (~50 ms) running while the upload
    // streams in. `_open` keeps receipts from being derived ahead until we have answered.
    let (_open, receipt) = app.kdf.receipt_for_submission();
    let (tx, sealer) = seal::start(
        app.store.clone(),
        app.settings.recipients.clone(),
        app.seal_limits(),
        slot,
        seal::Item::Tip,
    );

    let received =
        receive_upload(&app, &mut multipart, Some(&tx), UploadForm::Tip(&mut form)).await;
    let mut errors = Vec::new();
    let mut status = StatusCode::BAD_REQUEST;
    match received {
        Ok(()) => errors = validate_submission(&app, t, &form),
        Err(UploadProblem::AlreadySent(found)) => {
            // Sent before, and stored: read the rest of the body, store nothing more.
            drop(tx);
            let _ = receive_upload(&app, &mut multipart, None, UploadForm::Tip(&mut form)).await;
            let _ = sealer.await;
            return already_sent(&app, lang, *found, &form);
        }
        Err(UploadProblem::SealerStopped) => {
            drop(tx);
            // Read (and discard) the rest of the bounded body before answering, so the
            // browser gets this page rather than a reset connection; later text fields are
            // kept for the form.
            let _ = receive_upload(&app, &mut multipart, None, UploadForm::Tip(&mut form)).await;
            let (s, msg) = match sealer.await {
                Ok(Err(e)) => seal_problem(&app, t, &e),
                _ => (StatusCode::INTERNAL_SERVER_ERROR, t.err_internal.to_owned()),
            };
            let mut errors = vec![msg];
            reattach_note(t, &form, &mut errors);
            return render(s, &submit_page(&app, lang, &form, errors));
        }
        Err(p) => {
            if matches!(p, UploadProblem::TooManyFiles | UploadProblem::TextTooLong) {
                let _ =
                    receive_upload(&app, &mut multipart, None, UploadForm::Tip(&mut form)).await;
            }
            let (s, msg) = upload_problem(&app, t, &p);
            status = s;
            errors.push(msg);
        }
    }
    if !errors.is_empty() {
        // The sealer stops and removes its partial ciphertext before we answer.
        drop(tx);
        let _ = sealer.await;
        reattach_note(t, &form, &mut errors);
        return render(status, &submit_page(&app, lang, &form, errors));
    }

    let NewReceipt {
        code: receipt,
        keys,
        ..
    } = match receipt.await {
        Ok(Ok(new)) => new,
        _ => {
            tracing::error!("receipt key derivation failed");
            return internal_error_form(&app, lang, &form, &"key derivation");
        }
    };
    // The same form may be arriving twice (a second tap, a reload): the first to get here
    // stores the tip, the others show its receipt and store nothing.
    let token_keys = form.token.as_deref().and_then(TokenKeys::for_tip);
    if let Some(keys) = &token_keys {
        match app.submissions.claim(keys).await {
            Found::Fresh => {}
            found => {
                drop(tx);
                let _ = sealer.await;
                return already_sent(&app, lang, found, &form);
            }
        }
    }
    let tip_id = store::Store::new_id();
    let day = store::today();
    if form.reward {
        let _ = feed(
            &tx,
            SealInput::Field {
                name: "reward",
                value: Zeroizing::new("on".into()),
            },
        )
        .await;
    }
    let manifest = item_manifest(&app, NewItem::Tip(&keys), tip_id.clone(), &day, lang);
    let record = TipRecord {
        format: 1,
        tip_id,
        day: day.clone(),
        reply_public_key: hex::encode(keys.reply_public),
        followups: Vec::new(),
    };
    let committed = seal_and_commit(
        tx,
        sealer,
        manifest,
        seal::Commit::Tip(keys.lookup_key, record),
    )
    .await;
    if let Some(keys) = &token_keys {
        match &committed {
            Ok(()) => app.submissions.done(keys, &receipt.grouped(), &day),
            Err(_) => app.submissions.abandon(keys),
        }
    }
    match committed {
        Ok(()) => {}
        Err(Some(e)) => {
            let (s, msg) = seal_problem(&app, t, &e);
            let mut errors = vec![msg];
            reattach_note(t, &form, &mut errors);
            return render(s, &submit_page(&app, lang, &form, errors));
        }
        Err(None) => return internal_error_form(&app, lang, &form, &"sealer task"),
    }
    // Durable: only now is the receipt shown (ARCHITECTURE.md, invariant 3).
    receipt_page(&app, lang, &receipt.grouped(), form.token.as_deref())
}

/// The receipt page; with the form's token, its language switch, print and close buttons
/// post the token (the receipt comes back from `submissions`, never from the URL).
fn receipt_page(app: &App, lang: Lang, receipt: &str, token: Option<&str>) -> Response {
    let mut c = chrome(app, lang, "/submit");
    if let Some(token) = token {
        c = c.with_forms("/submit/receipt", vec![("form_token", token.to_owned())]);
    }
    render(
        StatusCode::OK,
        &ReceiptPage {
            c,
            receipt: receipt.to_owned(),
            form_token: token.map(str::to_owned),
        },
    )
}

/// The answer to a form sent again after its tip was stored: the same receipt while it is
/// shown, or a page saying the tip is stored and the code no longer shown.
fn already_sent(app: &App, lang: Lang, found: Found, form: &SubmitForm) -> Response {
    match found {
        Found::Receipt(shown) => receipt_page(app, lang, &shown.receipt, form.token.as_deref()),
        Found::Closed | Found::Fresh => notice(
            app,
            lang,
            lang.texts().receipt_title,
            lang.texts().already_submitted,
        ),
    }
}

fn notice(app: &App, lang: Lang, title: &str, text: &str) -> Response {
    render(
        StatusCode::OK,
        &NoticePage {
            c: chrome(app, lang, "/status"),
            title: title.to_owned(),
            text: text.to_owned(),
        },
    )
}

#[derive(Deserialize)]
pub struct ReceiptForm {
    #[serde(default)]
    form_token: String,
    #[serde(default)]
    action: String,
}

/// The receipt page of a form just submitted, again: in another language, for print, or
/// closed for good (`submissions`).
pub async fn receipt_again(
    State(app): State<App>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    form: Result<Form<ReceiptForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let lang = negotiate(&q, &headers);
    let t = lang.texts();
    let Some((f, keys)) = form
        .ok()
        .and_then(|Form(f)| TokenKeys::for_tip(&f.form_token).map(|k| (f, k)))
    else {
        return error_page(
            &app,
            lang,
            StatusCode::BAD_REQUEST,
            t.err_bad_request.to_owned(),
        );
    };
    let shown = match app.submissions.begin(&keys) {
        Found::Receipt(shown) => shown,
        Found::Closed if f.action == "close" => {
            return notice(&app, lang, t.receipt_closed_title, t.receipt_closed)
        }
        Found::Closed => return notice(&app, lang, t.receipt_title, t.receipt_gone),
        // Never stored with this token (or so long ago that it is forgotten): do not claim
        // a tip is stored (found by the black-box attack on the reporter's journey).
        Found::Fresh => return notice(&app, lang, t.receipt_unknown_title, t.receipt_unknown),
    };
    match f.action.as_str() {
        "close" => {
            app.submissions.close(&keys);
            notice(&app, lang, t.receipt_closed_title, t.receipt_closed)
        }
        "print" => render(
            StatusCode::OK,
            &ReceiptPrintPage {
                c: chrome(&app, lang, "/submit"),
                receipt: shown.receipt.to_string(),
                site: site_address(&app),
                day: shown.day,
            },
        ),
        _ => receipt_page(&app, lang, &shown.receipt, Some(&f.form_token)),
    }
}

/// The site's address for the printed receipt: the configured `site_address`, else the
/// onion address when one is configured, else none. Never the `Host` of the request: anyone
/// can send any (a phishing proxy would get its own name printed on a genuine receipt).
fn site_address(app: &App) -> Option<String> {
    app.settings
        .site_address
        .clone()
        .or_else(|| app.settings.onion_location.clone())
}

/// What the portal is sealing, for its manifest.
enum NewItem<'a> {
    /// A tip, with the keys derived from its new receipt: the ledger needs its reply key,
    /// claim verifier and follow-up key.
    Tip(&'a ReceiptKeys),
    /// Information added to a tip: nothing of the receipt (the sealer signs it instead).
    Followup,
}

/// The manifest the portal closes an item with. The blob id and the counts are the
/// sealer's to fill in, and so is a follow-up's signature, over the content it sealed.
fn item_manifest(app: &App, item: NewItem<'_>, tip_id: String, day: &str, lang: Lang) -> Manifest {
    let (kind, keys) = match item {
        NewItem::Tip(keys) => (Kind::Tip, Some(keys)),
        NewItem::Followup => (Kind::Followup, None),
    };
    Manifest {
        format: 1,
        kind,
        portal_id: app.store.meta().portal_id.clone(),
        tip_id,
        blob_id: String::new(), // the sealer's
        day: day.to_owned(),
        lang: lang.code().to_owned(),
        reply_public_key: keys.map(|k| hex::encode(k.reply_public)),
        claim_verifier: keys.map(|k| k.claim_token.verifier()),
        followup_verify_key: keys.map(|k| hex::encode(k.followup_key.verify_key())),
        signature: None, // follow-ups only: the sealer's, over the content it sealed
        fields: 0,
        attachments: 0,
    }
}

/// Close the container with `manifest` and wait until the sealer has made the blob and
/// its index entries durable. Only after `Ok` may the reporter be told it is stored.
/// `Err(None)`: the sealer's thread itself failed (a panic), with nothing more to say.
async fn seal_and_commit(
    tx: tokio::sync::mpsc::Sender<SealInput>,
    sealer: tokio::task::JoinHandle<Result<(), SealError>>,
    manifest: Manifest,
    commit: seal::Commit,
) -> Result<(), Option<SealError>> {
    let _ = feed(&tx, SealInput::Finish(Box::new(manifest), commit)).await;
    drop(tx);
    match sealer.await {
        Ok(result) => result.map_err(Some),
        Err(_) => Err(None),
    }
}

fn internal_error_form(
    app: &App,
    lang: Lang,
    form: &SubmitForm,
    cause: &dyn std::fmt::Display,
) -> Response {
    // The cause names a component or an OS error about our own files, never request data.
    tracing::error!(cause = %cause, "submission failed");
    let t = lang.texts();
    let mut errors = vec![t.err_internal.to_owned()];
    reattach_note(t, form, &mut errors);
    render(
        StatusCode::INTERNAL_SERVER_ERROR,
        &submit_page(app, lang, form, errors),
    )
}

// ---------------------------------------------------------------------------------------
// Looking up a tip
// ---------------------------------------------------------------------------------------

pub async fn status_form(
    State(app): State<App>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
) -> Response {
    let lang = negotiate(&q, &headers);
    render(
        StatusCode::OK,
        &StatusFormPage {
            c: chrome(&app, lang, "/status"),
            receipt: String::new(),
            followup: false,
            message: String::new(),
            errors: vec![],
            form_token: super::submissions::new_token(),
        },
    )
}

#[derive(Deserialize)]
pub struct LookupForm {
    #[serde(default)]
    receipt: String,
}

fn code_error_message(t: &Texts, e: CodeError) -> String {
    match e {
        CodeError::Empty => t.err_receipt_empty.to_owned(),
        CodeError::NotDigits => t.err_receipt_chars.to_owned(),
        CodeError::WrongLength { got, want } => t
            .err_receipt_length
            .replace("{want}", &want.to_string())
            .replace("{got}", &got.to_string()),
        CodeError::CheckDigit => t.err_receipt_check.to_owned(),
    }
}

/// The outcome of resolving a typed receipt to a stored tip.
enum Lookup {
    Found(Box<ReceiptCode>, TipRecord, Box<ReceiptKeys>),
    Problem(StatusCode, String),
}

async fn lookup(app: &App, t: &Texts, typed: &str) -> Lookup {
    let code = match ReceiptCode::parse(typed) {
        Ok(code) => code,
        Err(e) => return Lookup::Problem(StatusCode::OK, code_error_message(t, e)),
    };
    let keys = match app.kdf.derive_for_lookup(code.clone()).await {
        Ok(keys) => keys,
        Err(KdfError::Busy) => {
            return Lookup::Problem(StatusCode::TOO_MANY_REQUESTS, t.err_busy.to_owned())
        }
        Err(KdfError::Failed) => {
            tracing::error!("receipt key derivation failed");
            return Lookup::Problem(StatusCode::INTERNAL_SERVER_ERROR, t.err_internal.to_owned());
        }
    };
    match app.store.find_tip(&keys.lookup_key) {
        Ok(Some(record)) => Lookup::Found(Box::new(code), record, Box::new(keys)),
        // An expired record (closed more than `retention_days` ago) is unknown too: say so,
        // or a reporter whose tip was closed long ago would think the code was mistyped.
        Ok(None) => Lookup::Problem(
            StatusCode::NOT_FOUND,
            t.err_receipt_unknown
                .replace("{days}", &app.settings.retention_days.to_string()),
        ),
        Err(e) => {
            tracing::error!(error = %e, "index read failed");
            Lookup::Problem(StatusCode::INTERNAL_SERVER_ERROR, t.err_internal.to_owned())
        }
    }
}

/// The tip's public state: only what carries a valid office signature, verified again now
/// (a record written straight into the store is never shown). Messages and the reward
/// amount are opened with the reply key derived from the receipt just typed.
fn status_page(
    app: &App,
    lang: Lang,
    code: &ReceiptCode,
    record: &TipRecord,
    keys: &ReceiptKeys,
    message: String,
    errors: Vec<String>,
) -> StatusPage {
    let t = lang.texts();
    let update = app
        .store
        .signed_update(&record.tip_id)
        .ok()
        .flatten()
        .and_then(|signed| signed.verify(&app.settings.verify_key, &app.store.meta().portal_id))
        .filter(|u| u.tip_id == record.tip_id);
    let open = |sealed: &str| -> Option<String> {
        let bytes = hex::decode(sealed).ok()?;
        let plain = tipbox_core::crypto::open_sealed(&keys.reply_secret, &bytes).ok()?;
        String::from_utf8(plain.to_vec()).ok()
    };
    let (status_key, status_day, messages, reward) = match &update {
        None => ("received".to_owned(), None, vec![], None),
        Some(u) => {
            let messages = u
                .messages
                .iter()
                .filter_map(|m| {
                    let label = if m.kind == "reply" {
                        t.reply_label
                    } else {
                        t.note_label
                    };
                    open(&m.sealed).map(|text| MessageView {
                        label,
                        day: m.day.clone(),
                        text,
                    })
                })
                .collect();
            let reward = u.reward.as_ref().and_then(|r| {
                let amount = open(&r.sealed_amount)?;
                let text = if r.state == "paid" {
                    t.reward_paid
                } else {
                    t.reward_approved
                };
                Some(RewardView {
                    text: text.replace("{amount}", &amount),
                    claim_token: keys.claim_token.grouped().to_string(),
                })
            });
            let known = [
                "received",
                "verifying",
                "stage-closed",
                "closed",
                "not-accepted",
                "transferred",
            ];
            let key = if known.contains(&u.status.as_str()) {
                u.status.clone()
            } else {
                "received".into()
            };
            (key, Some(u.status_day.clone()), messages, reward)
        }
    };
    StatusPage {
        // Switching the language looks the tip up again, rather than dropping the code.
        c: chrome(app, lang, "/status")
            .with_forms("/status", vec![("receipt", code.grouped().to_string())]),
        receipt: code.grouped().to_string(),
        status_label: t.status_label(&status_key).to_owned(),
        status_key,
        day: record.day.clone(),
        status_day,
        messages,
        reward,
        acknowledgement: update
            .as_ref()
            .and_then(|u| u.acknowledgement.as_ref())
            .filter(|a| a.verify(&app.settings.verify_key).is_some())
            .map(|a| a.to_document()),
        followups: record
            .followups
            .iter()
            .map(|day| t.followup_on.replace("{day}", day))
            .collect(),
        message,
        errors,
        form_token: super::submissions::new_token(),
    }
}

pub async fn status(
    State(app): State<App>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    form: Result<Form<LookupForm>, axum::extract::rejection::FormRejection>,
) -> Response {
    let lang = negotiate(&q, &headers);
    let t = lang.texts();
    let typed = Zeroizing::new(form.map(|Form(f)| f.receipt).unwrap_or_default());
    let form_page = |status: StatusCode, msg: String| {
        let receipt: String = typed.chars().take(80).collect();
        // Switching the language keeps what was typed.
        let c =
            chrome(&app, lang, "/status").with_forms("/status", vec![("receipt", receipt.clone())]);
        render(
            status,
            &StatusFormPage {
                c,
                receipt,
                followup: false,
                message: String::new(),
                errors: vec![msg],
                form_token: super::submissions::new_token(),
            },
        )
    };
    if app.lookup_limiter.check().is_err() {
        return form_page(StatusCode::TOO_MANY_REQUESTS, t.err_busy.to_owned());
    }
    match lookup(&app, t, &typed).await {
        Lookup::Found(code, record, keys) => render(
            StatusCode::OK,
            &status_page(&app, lang, &code, &record, &keys, String::new(), vec![]),
        ),
        Lookup::Problem(status, msg) => form_page(status, msg),
    }
}

// ---------------------------------------------------------------------------------------
// Adding information to a tip
// ---------------------------------------------------------------------------------------

pub async fn followup(
    State(app): State<App>,
    Query(q): Query<LangQuery>,
    headers: HeaderMap,
    req: Request,
) -> Response {
    let lang = negotiate(&q, &headers);
    let t = lang.texts();
    let mut form = FollowupForm::default();
    let reshow =
        |app: &App, status: StatusCode, receipt: &str, message: &str, errors: Vec<String>| {
            render(
                status,
                &StatusFormPage {
                    c: chrome(app, lang, "/status"),
                    receipt: receipt.chars().take(80).collect(),
                    followup: true,
                    message: message.to_owned(),
                    errors,
                    // A new token, never the request's (see `submit_page`).
                    form_token: super::submissions::new_token(),
                },
            )
        };
    let done = |app: &App| {
        render(
            StatusCode::OK,
            &FollowupDonePage {
                c: chrome(app, lang, "/status"),
            },
        )
    };
    let (multipart, oversize) = open_upload(&app, req).await;
    let Ok(mut multipart) = multipart else {
        return error_page(
            &app,
            lang,
            StatusCode::BAD_REQUEST,
            t.err_bad_request.to_owned(),
        );
    };
    let slot = if oversize { None } else { app.upload_slot() };
    let Some(slot) = slot else {
        // Read the text back (files are skipped, never stored), then explain.
        let files = read_followup_text_only(&mut multipart, &mut form).await;
        let (status, msg) = if oversize {
            upload_problem(&app, t, &UploadProblem::TooLarge)
        } else {
            (StatusCode::TOO_MANY_REQUESTS, t.err_busy.to_owned())
        };
        let mut errors = vec![msg];
        if files > 0 {
            errors.push(t.err_reattach.to_owned());
        }
        return reshow(&app, status, &form.receipt, &form.message, errors);
    };
    let (tx, sealer) = seal::start(
        app.store.clone(),
        app.settings.recipients.clone(),
        app.seal_limits(),
        slot,
        seal::Item::Followup,
    );
    let received = receive_upload(
        &app,
        &mut multipart,
        Some(&tx),
        UploadForm::Followup(&mut form),
    )
    .await;
    let mut reattach = Vec::new();
    if form.attachments > 0 {
        reattach.push(t.err_reattach.to_owned());
    }
    if let Err(p) = received {
        drop(tx);
        if !matches!(
            p,
            UploadProblem::TooLarge | UploadProblem::BadRequest | UploadProblem::TooSlow
        ) {
            // Drain the rest of the bounded body so the browser gets the page.
            read_followup_text_only(&mut multipart, &mut form).await;
        }
        let (status, msg) = match p {
            UploadProblem::SealerStopped => match sealer.await {
                Ok(Err(e)) => seal_problem(&app, t, &e),
                _ => (StatusCode::INTERNAL_SERVER_ERROR, t.err_internal.to_owned()),
            },
            p => upload_problem(&app, t, &p),
        };
        return reshow(
            &app,
            status,
            &form.receipt,
            &form.message,
            [vec![msg], reattach].concat(),
        );
    }
    let (code, record, keys) = match lookup(&app, t, &form.receipt).await {
        Lookup::Found(code, record, keys) => (code, record, keys),
        Lookup::Problem(status, msg) => {
            drop(tx);
            let _ = sealer.await;
            return reshow(
                &app,
                status,
                &form.receipt,
                &form.message,
                [vec![msg], reattach].concat(),
            );
        }
    };
    if form.message.trim().is_empty() && form.attachments == 0 {
        drop(tx);
        let _ = sealer.await;
        let page = status_page(
            &app,
            lang,
            &code,
            &record,
            &keys,
            String::new(),
            vec![t.err_message_required.to_owned()],
        );
        return render(StatusCode::BAD_REQUEST, &page);
    }
    let day = store::today();
    let manifest = item_manifest(&app, NewItem::Followup, record.tip_id.clone(), &day, lang);
    let token_keys = form
        .token
        .as_deref()
        .and_then(|t| TokenKeys::for_followup(t, &keys.lookup_key));
    if let Some(k) = &token_keys {
        if !matches!(app.submissions.claim(k).await, Found::Fresh) {
            // Another copy of this form was stored first.
            drop(tx);
            let _ = sealer.await;
            return done(&app);
        }
    }
    let signer = Box::new(tipbox_core::crypto::SigningKey::from_seed(
        &keys.followup_key.seed(),
    ));
    let committed = seal_and_commit(
        tx,
        sealer,
        manifest,
        seal::Commit::Followup(signer, keys.lookup_key),
    )
    .await;
    if let Some(k) = &token_keys {
        match &committed {
            Ok(()) => app.submissions.done(k, "", &day),
            Err(_) => app.submissions.abandon(k),
        }
    }
    match committed {
        Ok(()) => done(&app),
        Err(problem) => {
            let (status, msg) = match problem {
                Some(e) => seal_problem(&app, t, &e),
                None => {
                    tracing::error!("follow-up failed: sealer task");
                    (StatusCode::INTERNAL_SERVER_ERROR, t.err_internal.to_owned())
                }
            };
            let errors = [vec![msg], reattach].concat();
            let page = status_page(
                &app,
                lang,
                &code,
                &record,
                &keys,
                form.message.to_string(),
                errors,
            );
            render(status, &page)
        }
    }
}

/// What the reporter typed into the follow-up form, kept to show it again.
#[derive(Default)]
struct FollowupForm {
    receipt: Zeroizing<String>,
    message: Zeroizing<String>,
    /// The form's token. One form, one follow-up (`submissions`), checked at the commit; a
    /// form shown again gets a new token.
    token: Option<String>,
    attachments: u32,
}

/// Read a follow-up form's text fields and skip its files (never stored). Returns how many
/// files were skipped.
async fn read_followup_text_only(multipart: &mut Multipart, form: &mut FollowupForm) -> u32 {
    let mut files = 0;
    while let Ok(Some(mut field)) = multipart.next_field().await {
        match field.name().unwrap_or("") {
            "receipt" => form.receipt = read_text(&mut field).await.unwrap_or_default(),
            "message" => {
                form.message = read_long_text(&mut field)
                    .await
                    .map(|(text, _)| text)
                    .unwrap_or_default()
            }
            _ => {
                files += u32::from(field.file_name().is_some_and(|n| !n.is_empty()));
                while let Ok(Some(_)) = field.chunk().await {}
            }
        }
    }
    files
}
