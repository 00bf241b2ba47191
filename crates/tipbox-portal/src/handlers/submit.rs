//! Submitting a tip: the form, the tip sealed as it arrives, and its receipt, shown only
//! once the tip is durable; the same receipt again for a form sent twice (one form, one
//! tip: ARCHITECTURE.md, invariant 9), in another language, for print, or closed.

use axum::extract::{Form, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use zeroize::Zeroizing;

use super::upload::{
    feed, item_manifest, open_upload, receive_upload, seal_and_commit, seal_problem,
    upload_problem, NewItem, UploadForm, UploadProblem,
};
use super::{chrome, error_page, notice, ReaderLang, MAX_TEXT_CHARS};
use crate::i18n::{Lang, LangExt, Texts};
use crate::kdf::NewReceipt;
use crate::pages::*;
use crate::seal::{self, SealInput};
use crate::store::{self, TipRecord};
use crate::submissions::{Found, TokenKeys};
use crate::App;

/// What the reporter typed, kept to show the form again if anything goes wrong.
#[derive(Default)]
pub(super) struct SubmitForm {
    pub(super) category: String,
    pub(super) location: Zeroizing<String>,
    pub(super) description: Zeroizing<String>,
    pub(super) reward: bool,
    pub(super) honeypot: bool,
    pub(super) attachments: u32,
    /// The form's token (a well-formed one only), kept when the form is shown again.
    pub(super) token: Option<String>,
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
        form_token: crate::submissions::new_token(),
        description_limit: lang
            .texts()
            .description_limit
            .replace("{max}", &MAX_TEXT_CHARS.to_string()),
    }
}

pub async fn submit_form(State(app): State<App>, ReaderLang(lang): ReaderLang) -> Response {
    render(
        StatusCode::OK,
        &submit_page(&app, lang, &SubmitForm::default(), vec![]),
    )
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
    ReaderLang(lang): ReaderLang,
    req: Request,
) -> Response {
    let t = lang.texts();
    let mut form = SubmitForm::default();
    let (mut multipart, oversize) = match open_upload(&app, lang, req).await {
        Ok(opened) => opened,
        Err(refused) => return refused,
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
        home_portal: None,
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
    ReaderLang(lang): ReaderLang,
    form: Result<Form<ReceiptForm>, axum::extract::rejection::FormRejection>,
) -> Response {
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
