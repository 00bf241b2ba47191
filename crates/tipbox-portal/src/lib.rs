//! The public web site: `tipbox-portal serve`.
//!
//! `app(state)` builds the router; `run(listener, state, shutdown)` serves it, so tests bind
//! port 0 and the binary handles SIGTERM. Nothing here ever sees the client's address (no
//! `ConnectInfo`), and nothing logs requests: the only log lines are start-up, shutdown,
//! internal faults and (once a minute at most) that reporters get the busy page, none of
//! which carry request data.

#![forbid(unsafe_code)]

pub mod metadata;
pub mod seal;
pub mod store;

pub mod admin;
pub mod config;
mod handlers;
pub mod i18n;
mod kdf;
mod min_rate;
mod pages;
pub mod submissions;

use std::future::Future;
use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderName, HeaderValue};
use axum::routing::get;
use axum::Router;
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tower_http::set_header::SetResponseHeaderLayer;

pub use config::{ConfigFile, Overrides, Settings};
pub use kdf::KdfPool;

use crate::store::Store;

/// Multipart framing and text fields on top of the attachment limit.
const FORM_OVERHEAD: u64 = 4 << 20;
/// Body limit for the url-encoded receipt lookup form.
const LOOKUP_FORM_LIMIT: usize = 16 * 1024;

/// Shared state of the running portal.
#[derive(Clone)]
pub struct App {
    pub settings: Arc<Settings>,
    pub store: Arc<Store>,
    kdf: KdfPool,
    /// Rate limits are global, not per client: behind Tor every client is 127.0.0.1, and
    /// keying on addresses would mean keeping them.
    submit_limiter: Arc<DefaultDirectRateLimiter>,
    lookup_limiter: Arc<DefaultDirectRateLimiter>,
    /// One permit per upload being received and sealed (`max_open_uploads`). Without a
    /// bound, uploads kept open by a byte now and then piled up until they held every
    /// blocking thread (submissions and the operator's export hung) and the memory.
    upload_slots: Arc<tokio::sync::Semaphore>,
    /// Image bytes held for metadata removal, across all uploads (`image_memory_mib`).
    image_budget: seal::ImageBudget,
    /// When the operator was last told that reporters get busy pages, and why.
    load_warnings: Arc<LoadWarnings>,
    /// Forms already submitted: one form, one tip (`submissions`).
    submissions: Arc<submissions::Submissions>,
}

/// Operator warnings about load, at most once a minute each: a reporter turned away is
/// worth a line in the log (an attack, or limits set too low), but whoever causes it
/// thousands of times must not flood the log. They carry no request data.
#[derive(Default)]
struct LoadWarnings {
    slots_full: OncePerMinute,
    submission_rate: OncePerMinute,
    image_memory: OncePerMinute,
    disk_reserve: OncePerMinute,
}

#[derive(Default)]
struct OncePerMinute(std::sync::atomic::AtomicU64);

impl OncePerMinute {
    /// True at most once per clock minute.
    fn ready(&self) -> bool {
        use std::sync::atomic::Ordering::Relaxed;
        let minute = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() / 60)
            + 1;
        let last = self.0.load(Relaxed);
        last != minute
            && self
                .0
                .compare_exchange(last, minute, Relaxed, Relaxed)
                .is_ok()
    }
}

impl App {
    /// Fails only if the key-derivation threads cannot be started.
    pub fn new(settings: Settings, store: Store) -> std::io::Result<App> {
        let meta = store.meta().clone();
        let kdf = KdfPool::new(
            meta.salt_bytes(),
            meta.kdf,
            settings.kdf_workers,
            settings.receipts_ahead,
        )?;
        let per_minute = |n: u32| {
            let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
            // A burst of a tenth of the minute's allowance, at least one.
            let burst = NonZeroU32::new((n.get() / 10).max(1)).unwrap_or(NonZeroU32::MIN);
            Arc::new(RateLimiter::direct(Quota::per_minute(n).allow_burst(burst)))
        };
        Ok(App {
            submit_limiter: per_minute(settings.submissions_per_minute),
            lookup_limiter: per_minute(settings.lookups_per_minute),
            upload_slots: Arc::new(tokio::sync::Semaphore::new(
                settings.max_open_uploads as usize,
            )),
            image_budget: seal::ImageBudget::new(settings.image_memory_bytes),
            load_warnings: Arc::default(),
            submissions: Arc::default(),
            settings: Arc::new(settings),
            store: Arc::new(store),
            kdf,
        })
    }
}

impl App {
    /// Whether this portal serves a site of several portals: a site file is configured,
    /// the office's last update bundle named other portals of its site, or the office sent
    /// it records of tips other portals received. (A failed read counts as in a site: the
    /// page that says less.)
    pub fn in_site(&self) -> bool {
        self.settings.site.is_some()
            || self.store.office_says_in_site().unwrap_or(true)
            || self.store.has_site_tips()
    }

    /// Room to receive one more upload: a free slot of `max_open_uploads` and the
    /// submission rate allows it. `None` means busy: the form is shown again with its text.
    fn upload_slot(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        // The slot first, so a full portal does not also use up the rate allowance.
        let Ok(slot) = self.upload_slots.clone().try_acquire_owned() else {
            if self.load_warnings.slots_full.ready() {
                tracing::warn!(
                    max_open_uploads = self.settings.max_open_uploads,
                    "every upload slot is in use: reporters get the busy page"
                );
            }
            return None;
        };
        if self.submit_limiter.check().is_err() {
            if self.load_warnings.submission_rate.ready() {
                tracing::warn!(
                    submissions_per_minute = self.settings.submissions_per_minute,
                    "the submission rate limit is reached: reporters get the busy page"
                );
            }
            return None;
        }
        Some(slot)
    }

    /// Tell the operator why an upload was refused for lack of room (once a minute).
    fn warn_sealing_refused(&self, e: &seal::SealError) {
        match e {
            seal::SealError::Busy if self.load_warnings.image_memory.ready() => tracing::warn!(
                image_memory_mib = self.settings.image_memory_bytes >> 20,
                "the memory for cleaning images is taken: reporters with images get the busy page"
            ),
            seal::SealError::DiskReserve if self.load_warnings.disk_reserve.ready() => {
                tracing::warn!(
                    disk_reserve_mib = self.settings.disk_reserve_bytes >> 20,
                    "free space in the data folder is below disk_reserve_mib: attachments are \
                     refused until an acknowledged export frees space or the disk grows"
                )
            }
            _ => {}
        }
    }

    fn seal_limits(&self) -> seal::Limits {
        seal::Limits {
            max_image_bytes: self.settings.max_image_bytes,
            image_budget: self.image_budget.clone(),
            disk_reserve: self.settings.disk_reserve_bytes,
        }
    }
}

/// Content-Security-Policy: nothing from anywhere but this origin, no scripts at all.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'";

/// The router with every route and the security headers on every response.
pub fn app(state: App) -> Router {
    let upload_limit = (state.settings.max_upload_bytes + FORM_OVERHEAD) as usize;
    let onion: Option<Arc<str>> = state.settings.onion_location.as_deref().map(Arc::from);
    let uploads = Router::new()
        .route("/submit", get(handlers::submit_form).post(handlers::submit))
        .route("/status/followup", axum::routing::post(handlers::followup))
        .layer(DefaultBodyLimit::max(upload_limit));
    let mut router = Router::new()
        .route("/", get(handlers::index))
        .route("/status", get(handlers::status_form).post(handlers::status))
        .route("/healthz", get(|| async { "ok" }))
        .route("/static/{name}", get(handlers::stylesheet))
        .route("/favicon.ico", get(handlers::favicon))
        .route("/robots.txt", get(handlers::robots))
        .route(
            "/submit/receipt",
            axum::routing::post(handlers::receipt_again),
        )
        .layer(DefaultBodyLimit::max(LOOKUP_FORM_LIMIT))
        .merge(uploads)
        .fallback(handlers::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            handlers::same_site_posts_only,
        ))
        .with_state(state);
    let headers: [(HeaderName, &str); 8] = [
        (header::CONTENT_SECURITY_POLICY, CSP),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
        (
            HeaderName::from_static("permissions-policy"),
            "accelerometer=(), ambient-light-sensor=(), camera=(), geolocation=(), gyroscope=(), \
             magnetometer=(), microphone=(), interest-cohort=()",
        ),
        (header::SERVER, "tipbox"),
    ];
    for (name, value) in headers {
        router = router.layer(SetResponseHeaderLayer::overriding(
            name,
            HeaderValue::from_static(value),
        ));
    }
    // Nothing is cached, but what says otherwise itself: the stylesheet and icon under
    // their fingerprinted names (they hold nothing private, and a Tor round trip per page
    // is a second on a slow circuit).
    router = router.layer(SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static("no-store"),
    ));
    if let Some(onion) = onion {
        router = router.layer(axum::middleware::from_fn_with_state(onion, onion_location));
    }
    router
}

/// `Onion-Location: <onion site><path and query asked for>`, so that Tor Browser offers
/// the same page on the onion site (a reporter who came to /submit lands on its form).
async fn onion_location(
    axum::extract::State(onion): axum::extract::State<Arc<str>>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = req
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    let mut res = next.run(req).await;
    // A path is visible ASCII once parsed; anything else simply gets no header.
    if let Ok(value) = HeaderValue::from_str(&format!("{onion}{path}")) {
        res.headers_mut()
            .insert(HeaderName::from_static("onion-location"), value);
    }
    res
}

/// Largest request head (request line and headers) accepted; larger gets 431.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// How long in-flight requests may take to finish after a shutdown signal.
const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// Serve until `shutdown` resolves; in-flight requests finish first (up to 30 s).
///
/// How long until a second past the next midnight UTC.
fn until_next_utc_midnight() -> std::time::Duration {
    let now = time::OffsetDateTime::now_utc();
    let next = now
        .date()
        .next_day()
        .map_or(now, |d| d.midnight().assume_utc());
    let left = (next - now).whole_milliseconds().max(0) as u64;
    std::time::Duration::from_millis(left + 1000)
}

/// hyper-util is used directly, rather than `axum::serve`, for the protections a public
/// site needs: a deadline for request headers (slow-loris), a bound on their size, an
/// idle timeout on request bodies and a minimum average rate (`min_rate`). The peer address returned by `accept` is dropped
/// unread: nothing in tipbox ever sees a client's address.
pub async fn run(
    listener: tokio::net::TcpListener,
    state: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    let header_timeout = state.settings.header_timeout;
    let body_idle = state.settings.body_idle_timeout;
    let min_rate = state.settings.min_upload_rate;
    let state_store = state.store.clone();
    let spare_count = state.settings.spare_files;
    let router = app(state).layer(axum::middleware::map_request(
        move |req: axum::extract::Request| async move {
            req.map(|body| {
                let body =
                    axum::body::Body::new(tower_http::timeout::TimeoutBody::new(body_idle, body));
                axum::body::Body::new(min_rate::MinRateBody::new(body, body_idle, min_rate))
            })
        },
    ));
    // Spare files for the blobs of the day, made now and at every UTC midnight, times that
    // say nothing about when a tip arrived (`Store::make_spares`).
    let store = state_store.clone();
    let count = spare_count;
    let spares = tokio::spawn(async move {
        loop {
            let s = store.clone();
            if let Ok(Err(e)) = tokio::task::spawn_blocking(move || s.make_spares(count)).await {
                tracing::warn!(error = %e, "spare files for new tips could not be made");
            }
            tokio::time::sleep(until_next_utc_midnight()).await;
        }
    });
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout)
        .max_buf_size(MAX_HEAD_BYTES);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let stream = match accepted {
                    Ok((stream, _peer_address_never_used)) => stream,
                    // Out of file descriptors and the like: back off briefly, keep serving.
                    Err(_) => {
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let service = hyper_util::service::TowerToHyperService::new(router.clone());
                let conn = builder.serve_connection_with_upgrades(TokioIo::new(stream), service).into_owned();
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            _ = &mut shutdown => break,
        }
    }
    drop(listener);
    spares.abort();
    tokio::select! {
        _ = graceful.shutdown() => {}
        _ = tokio::time::sleep(SHUTDOWN_GRACE) => {}
    }
    Ok(())
}
