//! What the site serves that is not a page: the stylesheet (under a name that changes with
//! its content), the icon, and robots.txt.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

const STYLESHEET: &str = include_str!("../../../../templates/static/tipbox.css");
const FAVICON: &[u8] = include_bytes!("../../../../templates/static/favicon.ico");
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
