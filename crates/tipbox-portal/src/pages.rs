//! The portal's pages: askama templates (in `templates/`) and the data each one shows.
//! Askama escapes every value for HTML; no page has inline script, and none loads anything
//! from another origin.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::i18n::{Lang, LangExt, Texts};

/// What every page needs: the texts, the language (links and forms carry it), and whether
/// the demo banner shows.
pub struct Chrome {
    pub t: &'static Texts,
    pub lang: Lang,
    pub demo: bool,
    /// Path of this page, for the language links.
    pub path: &'static str,
    /// On pages that show what a form carried (a receipt just issued, a status looked up),
    /// the language switch posts it again instead of linking to an empty page.
    pub forms: Option<LanguageForms>,
}

/// The language switch as small forms: `action` in each other language, with `hidden`.
pub struct LanguageForms {
    pub action: &'static str,
    pub hidden: Vec<(&'static str, String)>,
}

impl Chrome {
    pub fn new(lang: Lang, demo: bool, path: &'static str) -> Self {
        Chrome {
            t: lang.texts(),
            lang,
            demo,
            path,
            forms: None,
        }
    }

    /// The language switch posts `hidden` to `action` (see [`LanguageForms`]).
    pub fn with_forms(self, action: &'static str, hidden: Vec<(&'static str, String)>) -> Self {
        Chrome {
            forms: Some(LanguageForms { action, hidden }),
            ..self
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
    /// One form, one tip (`portal::submissions`).
    pub form_token: String,
    pub description_limit: String,
}

#[derive(Template)]
#[template(path = "receipt.html")]
pub struct ReceiptPage {
    pub c: Chrome,
    pub receipt: String,
    /// The form's token, for printing and closing the receipt (absent when the form had
    /// none: a script's post).
    pub form_token: Option<String>,
}

/// The receipt code alone, for paper: the code, the site, the day.
#[derive(Template)]
#[template(path = "receipt_print.html")]
pub struct ReceiptPrintPage {
    pub c: Chrome,
    pub receipt: String,
    pub site: Option<String>,
    pub day: String,
}

/// A page that says one thing.
#[derive(Template)]
#[template(path = "notice_page.html")]
pub struct NoticePage {
    pub c: Chrome,
    pub title: String,
    pub text: String,
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
    pub form_token: String,
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
    /// The reporter's own follow-ups, one line each with its day.
    pub followups: Vec<String>,
    /// The office's signed acknowledgement of receipt, as the reporter keeps it.
    pub acknowledgement: Option<String>,
    pub message: String,
    pub errors: Vec<String>,
    pub form_token: String,
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
