//! Adding information to a tip: a message and files, sealed as they arrive and signed with
//! the key derived from the receipt typed with them.

use axum::extract::{Multipart, Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use zeroize::Zeroizing;

use super::lookup::{lookup, status_page, Lookup};
use super::upload::{
    item_manifest, open_upload, read_long_text, read_text, receive_upload, seal_and_commit,
    seal_problem, upload_problem, NewItem, UploadForm, UploadProblem,
};
use super::{chrome, ReaderLang};
use crate::i18n::LangExt;
use crate::pages::*;
use crate::seal;
use crate::store;
use crate::submissions::{Found, TokenKeys};
use crate::App;

pub async fn followup(
    State(app): State<App>,
    ReaderLang(lang): ReaderLang,
    req: Request,
) -> Response {
    let t = lang.texts();
    let mut form = FollowupForm::default();
    let reshow = |app: &App, status: StatusCode, form: &FollowupForm, errors: Vec<String>| {
        render(
            status,
            &StatusFormPage {
                c: chrome(app, lang, "/status"),
                receipt: form.receipt.chars().take(80).collect(),
                followup: true,
                message: form.message.to_string(),
                errors,
                // A new token, never the request's (see `submit_page`).
                form_token: crate::submissions::new_token(),
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
    let (mut multipart, oversize) = match open_upload(&app, lang, req).await {
        Ok(opened) => opened,
        Err(refused) => return refused,
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
        return reshow(&app, status, &form, errors);
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
        return reshow(&app, status, &form, [vec![msg], reattach].concat());
    }
    let (code, record, keys) = match lookup(&app, t, &form.receipt).await {
        Lookup::Found(code, record, keys) => (code, record, keys),
        Lookup::Problem(status, msg) => {
            drop(tx);
            let _ = sealer.await;
            return reshow(&app, status, &form, [vec![msg], reattach].concat());
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
    let mut manifest = item_manifest(&app, NewItem::Followup, record.tip_id.clone(), &day, lang);
    // A tip another portal of the site received: the follow-up names that portal, so that
    // the ledger joins it to that tip and its signature covers that tip (the receipt's key
    // signs it either way). It travels in this portal's inbox bundle.
    if let Some(home) = &record.home_portal {
        manifest.portal_id = home.clone();
    }
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
pub(super) struct FollowupForm {
    pub(super) receipt: Zeroizing<String>,
    pub(super) message: Zeroizing<String>,
    /// The form's token. One form, one follow-up (`submissions`), checked at the commit; a
    /// form shown again gets a new token.
    pub(super) token: Option<String>,
    pub(super) attachments: u32,
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
