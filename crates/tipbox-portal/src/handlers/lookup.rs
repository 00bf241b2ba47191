//! Looking up a tip with its receipt: the status page shows only what the office signed,
//! verified again as it is shown (ARCHITECTURE.md, invariant 4).

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use zeroize::Zeroizing;

use super::{chrome, ReaderLang};
use crate::i18n::{Lang, LangExt, Texts};
use crate::kdf::KdfError;
use crate::pages::*;
use crate::store::TipRecord;
use crate::App;
use tipbox_core::bundle::update::TipUpdate;
use tipbox_core::receipt::{CodeError, ReceiptCode, ReceiptKeys};
use tipbox_core::vocab::{Keyed, PublicStatus};

pub async fn status_form(State(app): State<App>, ReaderLang(lang): ReaderLang) -> Response {
    render(
        StatusCode::OK,
        &StatusFormPage {
            c: chrome(&app, lang, "/status"),
            receipt: String::new(),
            followup: false,
            message: String::new(),
            errors: vec![],
            form_token: crate::submissions::new_token(),
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
pub(super) enum Lookup {
    Found(Box<ReceiptCode>, TipRecord, Box<ReceiptKeys>),
    Problem(StatusCode, String),
}

pub(super) async fn lookup(app: &App, t: &Texts, typed: &str) -> Lookup {
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
    // This portal's own tips first, then those other portals of its site received.
    let found = match app.store.find_tip(&keys.lookup_key) {
        Ok(None) => site_tip(app, &keys).map(|found| found.map(|(record, _)| record)),
        other => other,
    };
    match found {
        Ok(Some(record)) => Lookup::Found(Box::new(code), record, Box::new(keys)),
        // An expired record (closed more than `retention_days` ago) is unknown too: say so,
        // or a reporter whose tip was closed long ago would think the code was mistyped.
        // On a portal of a site, a tip received by another of its servers may not have
        // reached this one yet: the same words whether the receipt exists or not.
        Ok(None) => Lookup::Problem(
            StatusCode::NOT_FOUND,
            if app.in_site() {
                t.err_receipt_unknown_site
            } else {
                t.err_receipt_unknown
            }
            .replace("{days}", &app.settings.retention_days.to_string()),
        ),
        Err(e) => {
            tracing::error!(error = %e, "index read failed");
            Lookup::Problem(StatusCode::INTERNAL_SERVER_ERROR, t.err_internal.to_owned())
        }
    }
}

/// A tip another portal of the site received, found by the reply key the receipt derives:
/// its record (as this portal shows it) and its verified public state. Only a record the
/// office signed for this portal, naming this very reply key, counts.
fn site_tip(
    app: &App,
    keys: &ReceiptKeys,
) -> Result<Option<(TipRecord, TipUpdate)>, crate::store::StoreError> {
    let Some(signed) = app.store.find_site_tip(&keys.reply_public)? else {
        return Ok(None);
    };
    let own = &app.store.meta().portal_id;
    let Some(u) = signed.verify(&app.settings.verify_key, own) else {
        return Ok(None);
    };
    let Some(site) = u.site.clone().filter(|s| {
        s.is_well_formed() && &s.home_portal_id != own && s.reply_key() == Some(keys.reply_public)
    }) else {
        return Ok(None);
    };
    let record = TipRecord {
        format: 1,
        tip_id: u.tip_id.clone(),
        day: site.received,
        reply_public_key: site.reply_public_key,
        followups: site.followup_days,
        home_portal: Some(site.home_portal_id),
    };
    Ok(Some((record, u)))
}

/// The tip's public state: only what carries a valid office signature, verified again now
/// (a record written straight into the store is never shown). Messages and the reward
/// amount are opened with the reply key derived from the receipt just typed.
pub(super) fn status_page(
    app: &App,
    lang: Lang,
    code: &ReceiptCode,
    record: &TipRecord,
    keys: &ReceiptKeys,
    message: String,
    errors: Vec<String>,
) -> StatusPage {
    let t = lang.texts();
    let update = match &record.home_portal {
        // Another portal's tip: its record is its state, verified again now.
        Some(home) => site_tip(app, keys)
            .ok()
            .flatten()
            .filter(|(r, _)| r.tip_id == record.tip_id && r.home_portal.as_ref() == Some(home))
            .map(|(_, u)| u),
        None => app
            .store
            .signed_update(&record.tip_id)
            .ok()
            .flatten()
            .and_then(|signed| signed.verify(&app.settings.verify_key, &app.store.meta().portal_id))
            .filter(|u| u.tip_id == record.tip_id),
    };
    let open = |sealed: &str| -> Option<String> {
        let bytes = hex::decode(sealed).ok()?;
        let plain = tipbox_core::crypto::open_sealed(&keys.reply_secret, &bytes).ok()?;
        String::from_utf8(plain.to_vec()).ok()
    };
    let (status_key, status_day, messages, reward) = match &update {
        None => (PublicStatus::Received, None, vec![], None),
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
                let text = if r.state == tipbox_core::vocab::RewardState::Paid {
                    t.reward_paid
                } else {
                    t.reward_approved
                };
                Some(RewardView {
                    text: text.replace("{amount}", &amount),
                    claim_token: keys.claim_token.grouped().to_string(),
                })
            });
            // A status this portal does not know (from a newer office) shows as received.
            let key = PublicStatus::from_key(&u.status).unwrap_or(PublicStatus::Received);
            (key, Some(u.status_day.clone()), messages, reward)
        }
    };
    StatusPage {
        // Switching the language looks the tip up again, rather than dropping the code.
        c: chrome(app, lang, "/status")
            .with_forms("/status", vec![("receipt", code.grouped().to_string())]),
        receipt: code.grouped().to_string(),
        status_label: t.status_label(status_key).to_owned(),
        status_key: status_key.key().to_owned(),
        day: record.day.clone(),
        status_day,
        messages,
        reward,
        acknowledgement: update
            .as_ref()
            .and_then(|u| u.acknowledgement.as_ref())
            .filter(|a| a.verify(&app.settings.verify_key).is_some())
            .map(|a| a.to_document()),
        followups: {
            // On the tip's own portal: those it took, and those other portals of its site
            // took that the office's record lists (proven by the receipt). On another
            // portal of the site, the record's list is all of them.
            let mut days = record.followups.clone();
            if record.home_portal.is_none() {
                if let Some(site) = update.as_ref().and_then(|u| u.site.as_ref()).filter(|s| {
                    s.is_well_formed() && s.home_portal_id == app.store.meta().portal_id
                }) {
                    days.extend(site.followup_days.iter().cloned());
                    days.sort();
                }
            }
            days.iter()
                .map(|day| t.followup_on.replace("{day}", day))
                .collect()
        },
        message,
        errors,
        form_token: crate::submissions::new_token(),
    }
}

pub async fn status(
    State(app): State<App>,
    ReaderLang(lang): ReaderLang,
    form: Result<Form<LookupForm>, axum::extract::rejection::FormRejection>,
) -> Response {
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
                form_token: crate::submissions::new_token(),
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
