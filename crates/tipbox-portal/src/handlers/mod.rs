//! Request handlers, one function per route. Each reads only the headers it needs
//! (Accept-Language, Content-Length), never stores or logs them, and answers every failure
//! with a page in the reporter's language that keeps what they typed.
//!
//! - `submit.rs`: the tip form, its receipt, and the receipt shown again;
//! - `lookup.rs`: a tip's status, looked up with its receipt;
//! - `followup.rs`: information added to a tip;
//! - `upload.rs`: reading an upload form while it is sealed, shared by tips and follow-ups;
//! - `assets.rs`: what is not a page (the stylesheet, the icon, robots.txt).
//!
//! Here: what every page needs (the language, the chrome, error pages) and the routes that
//! are no form (the index, not found, the refusal of cross-site posts).

mod assets;
mod followup;
mod lookup;
mod submit;
mod upload;

use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use serde::Deserialize;

use crate::i18n::{Lang, LangExt};
use crate::pages::*;
use crate::App;

pub use assets::{favicon, robots, stylesheet, stylesheet_path};
pub use followup::followup;
pub use lookup::{status, status_form};
pub use submit::{receipt_again, submit, submit_form};

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

/// The reporter's language, for a handler: `?lang=` if it names one, else Accept-Language
/// (see [`Lang::negotiate`]). These two are all it reads.
pub struct ReaderLang(pub Lang);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ReaderLang {
    type Rejection = axum::extract::rejection::QueryRejection;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let Query(q) = Query::<LangQuery>::from_request_parts(parts, state).await?;
        Ok(ReaderLang(negotiate(&q, &parts.headers)))
    }
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

pub async fn index(State(app): State<App>, ReaderLang(lang): ReaderLang) -> Response {
    let c = chrome(&app, lang, "/");
    render(StatusCode::OK, &IndexPage { c })
}

pub async fn not_found(State(app): State<App>, ReaderLang(lang): ReaderLang) -> Response {
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
    // Take (and drop) what the browser is still sending before answering, up to a small
    // bound: an answer while the body still comes reaches the client as a broken
    // connection instead of this page (seen as a flaky test). A larger or slower body is
    // cut off with the connection.
    let _ = tokio::time::timeout(
        std::time::Duration::from_secs(5),
        axum::body::to_bytes(req.into_body(), REFUSED_BODY_DRAIN),
    )
    .await;
    error_page(
        &app,
        lang,
        StatusCode::FORBIDDEN,
        lang.texts().err_cross_site.to_owned(),
    )
}

/// How much of a refused cross-site post is read before the refusal is sent: a form's
/// text fields, not an upload.
const REFUSED_BODY_DRAIN: usize = 64 * 1024;

fn error_page(app: &App, lang: Lang, status: StatusCode, message: String) -> Response {
    render(
        status,
        &ErrorPage {
            c: chrome(app, lang, "/"),
            message,
        },
    )
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
