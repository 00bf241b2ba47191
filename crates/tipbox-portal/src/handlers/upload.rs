//! Reading an upload form (a tip, a follow-up) while it streams in: text fields and files go
//! to the sealer as they arrive, nothing of them to disk in the clear (ARCHITECTURE.md,
//! invariant 1); what went wrong, in the reporter's words; the manifest that closes the
//! sealed item and the wait until it is durable.

use axum::body::Body;
use axum::extract::multipart::{Field, MultipartError};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use zeroize::Zeroizing;

use super::followup::FollowupForm;
use super::submit::SubmitForm;
use super::{error_page, MAX_TEXT_BYTES, MAX_TEXT_CHARS};
use crate::i18n::{Lang, LangExt, Texts};
use crate::seal::{self, SealError, SealInput};
use crate::submissions::{Found, TokenKeys};
use crate::{App, FORM_OVERHEAD};
use tipbox_core::receipt::ReceiptKeys;
use tipbox_core::tip::{Kind, Manifest};

fn mib(bytes: u64) -> String {
    format!("{} MiB", bytes >> 20)
}

/// Why reading an upload stopped early.
pub(super) enum UploadProblem {
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
        if e.is::<crate::min_rate::TooSlow>() || e.is::<tower_http::timeout::TimeoutError>() {
            return true;
        }
        cause = e.source();
    }
    false
}

/// Message and status for an upload problem, in the reporter's language.
pub(super) fn upload_problem(app: &App, t: &Texts, p: &UploadProblem) -> (StatusCode, String) {
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

pub(super) fn seal_problem(app: &App, t: &Texts, e: &SealError) -> (StatusCode, String) {
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
/// answer is 413 (ARCHITECTURE.md, invariant 6). Returns the form and whether it is over
/// the limit; a request that is no multipart form gets its 400 page, in `lang`.
pub(super) async fn open_upload(
    app: &App,
    lang: Lang,
    req: Request,
) -> Result<(Multipart, bool), Response> {
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
    match Multipart::from_request(req, app).await {
        Ok(multipart) => Ok((multipart, oversize)),
        Err(_) => Err(error_page(
            app,
            lang,
            StatusCode::BAD_REQUEST,
            lang.texts().err_bad_request.to_owned(),
        )),
    }
}

/// Read a short text field (a category, a receipt code, a checkbox), refusing more than
/// `MAX_TEXT_BYTES`. The value never leaves zeroizing memory except to the sealer and the
/// re-shown form.
pub(super) async fn read_text(field: &mut Field<'_>) -> Result<Zeroizing<String>, UploadProblem> {
    match read_long_text(field).await? {
        (value, false) => Ok(value),
        (_, true) => Err(UploadProblem::TextTooLong),
    }
}

/// Read a text the reporter wrote (location, description, message) to the end of its
/// field. Returns it and whether it was over `MAX_TEXT_BYTES`: then only its first
/// `MAX_TEXT_BYTES` (whole characters) are kept, for the form shown again, so that a
/// reporter whose browser ignored `maxlength` loses only what did not fit.
pub(super) async fn read_long_text(
    field: &mut Field<'_>,
) -> Result<(Zeroizing<String>, bool), UploadProblem> {
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
pub(super) async fn feed(
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
pub(super) enum UploadForm<'a> {
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
pub(super) async fn receive_upload(
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

/// What the portal is sealing, for its manifest.
pub(super) enum NewItem<'a> {
    /// A tip, with the keys derived from its new receipt: the ledger needs its reply key,
    /// claim verifier and follow-up key.
    Tip(&'a ReceiptKeys),
    /// Information added to a tip: nothing of the receipt (the sealer signs it instead).
    Followup,
}

/// The manifest the portal closes an item with. The blob id and the counts are the
/// sealer's to fill in, and so is a follow-up's signature, over the content it sealed.
pub(super) fn item_manifest(
    app: &App,
    item: NewItem<'_>,
    tip_id: String,
    day: &str,
    lang: Lang,
) -> Manifest {
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
pub(super) async fn seal_and_commit(
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
