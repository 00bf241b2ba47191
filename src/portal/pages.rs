//! The portal's pages: askama templates (in `templates/`) and the data each one shows.
//! Askama escapes every value for HTML; no page has inline script, and none loads anything
//! from another origin.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::i18n::{Lang, Texts};

/// What every page needs: the texts, the language (links and forms carry it), and whether
/// the demo banner shows.
pub struct Chrome {
    pub t: &'static Texts,
    pub lang: Lang,
    pub demo: bool,
    /// Path of this page, for the language links.
    pub path: &'static str,
}

impl Chrome {
    pub fn new(lang: Lang, demo: bool, path: &'static str) -> Self {
        Chrome {
            t: lang.texts(),
            lang,
            demo,
            path,
        }
    }
    /// A link to `path` in this page's language.
    pub fn href(&self, path: &str) -> String {
        format!("{path}?lang={}", self.lang.code())
    }
    /// Links to this page in every other language.
    pub fn other_languages(&self) -> Vec<(String, &'static str, &'static str)> {
        Lang::ALL
            .iter()
            .filter(|l| **l != self.lang)
            .map(|l| {
                (
                    format!("{}?lang={}", self.path, l.code()),
                    l.native_name(),
                    l.code(),
                )
            })
            .collect()
    }
}

/// Render a page with a status code. A template error is a bug: answer 500 with a plain page.
pub fn render<T: Template>(status: StatusCode, page: &T) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template rendering failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error").into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "index.html")]
pub struct IndexPage {
    pub c: Chrome,
}

pub struct CategoryOption {
    pub key: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "submit.html")]
pub struct SubmitPage {
    pub c: Chrome,
    pub categories: Vec<CategoryOption>,
    pub location: String,
    pub description: String,
    pub reward: bool,
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "receipt.html")]
pub struct ReceiptPage {
    pub c: Chrome,
    pub receipt: String,
}

#[derive(Template)]
#[template(path = "status_form.html")]
pub struct StatusFormPage {
    pub c: Chrome,
    pub receipt: String,
    /// A follow-up that could not be added: the page is then the follow-up form again, with
    /// the receipt editable and the message kept, so one click sends it once fixed.
    pub followup: bool,
    pub message: String,
    pub errors: Vec<String>,
}

/// A message from the office, opened with the reporter's reply key.
pub struct MessageView {
    pub label: &'static str,
    pub day: String,
    pub text: String,
}

pub struct RewardView {
    pub text: String,
    pub claim_token: String,
}

#[derive(Template)]
#[template(path = "status.html")]
pub struct StatusPage {
    pub c: Chrome,
    pub receipt: String,
    pub status_key: String,
    pub status_label: String,
    pub day: String,
    pub status_day: Option<String>,
    pub messages: Vec<MessageView>,
    pub reward: Option<RewardView>,
    pub message: String,
    pub errors: Vec<String>,
}

#[derive(Template)]
#[template(path = "followup_done.html")]
pub struct FollowupDonePage {
    pub c: Chrome,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub c: Chrome,
    pub message: String,
}
