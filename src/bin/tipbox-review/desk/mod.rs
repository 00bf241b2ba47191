//! `tipbox-review desk`: the reviewer's desk, a local web interface over the ledger for an
//! office that does not use a terminal. One more front-end beside the command line: the
//! same casework library, the same message catalog, the same audit entries.
//!
//! Reachable from this machine and this launch only:
//! - it listens on a loopback address only (refused otherwise);
//! - every request needs the per-launch token (in the address printed at start, once) or
//!   the session cookie the token was exchanged for (`HttpOnly`, `SameSite=Strict`), else 403;
//! - a `Host` other than the address it listens on gets 421 (DNS rebinding);
//! - a form post needs its CSRF field, and a cross-site `Origin` or `Sec-Fetch-Site` is
//!   refused (403);
//! - strict CSP (nothing but this origin, no script), `no-store`, no referrer;
//! - the desk holds the ledger open for its whole run (the ledger lock: one desk, and no
//!   command, on a ledger at a time) and locks the office keys again after an idle time.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use i18n_embed::fluent::FluentLanguageLoader;
use tipbox::vocab::Lang;

use super::*;

mod actions;
mod pages;

/// What the desk holds while it runs.
pub(crate) struct Desk {
    /// The ledger, open (and locked) for the whole run.
    ledger: Mutex<Ledger>,
    /// The office keys while unlocked, and when they were last used.
    keys: Mutex<Option<(Arc<Unlocked>, Instant)>>,
    /// In the printed address; exchanged for the session cookie once, then gone (the
    /// address may linger in a browser's history or a process list).
    token: Mutex<Option<String>>,
    /// The session cookie's value.
    session: String,
    /// Every form's hidden `csrf` field.
    csrf: String,
    /// `127.0.0.1:PORT`: the only `Host` answered.
    host: String,
    lock_after: Duration,
    /// The ledger's summaries, decoded once: while the desk runs nothing else writes the
    /// ledger (it holds the lock) but the desk's own actions, which empty it
    /// ([`Desk::wrote`]). (A page decodes a million summaries in ~0.3 s; from here, it
    /// filters and sorts them only.)
    summaries: Mutex<Option<Arc<Summaries>>>,
    /// What the last action said, for the page it leads to (one reviewer, one desk).
    flash: Mutex<Option<Flash>>,
    /// The file that sent the desktop's browser to the token's address (`open_browser`),
    /// removed once the token is spent.
    opener: Mutex<Option<PathBuf>>,
    /// The last notice issued (its tip, its page), to print and print again.
    notice: Mutex<Option<(u64, zeroize::Zeroizing<String>)>>,
    default_lang: Lang,
}

/// The office keys, unlocked: the identities (decrypting) and the signing key (update
/// bundles). Both zeroize when dropped, at lock time.
pub(crate) struct Unlocked {
    pub ids: Vec<tipbox::keys::Identity>,
    pub signing: tipbox::crypto::SigningKey,
}

/// What an action said: done (its lines and warnings), or refused (why).
pub(crate) struct Flash {
    pub refused: bool,
    pub lines: Vec<String>,
    pub warnings: Vec<String>,
}

/// The largest form body the desk reads.
const FORM_LIMIT: usize = 4 * 1024 * 1024;

/// The session cookie's name.
const COOKIE: &str = "tipbox_desk";
/// The language cookie's name (set by the language switch).
const LANG_COOKIE: &str = "tipbox_desk_lang";

/// Content-Security-Policy: this origin only, no script, no frames, forms to this origin.
const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; \
                   frame-ancestors 'none'; base-uri 'none'";

fn random_hex() -> String {
    let mut b = [0u8; 32];
    tipbox::crypto::random_bytes(&mut b);
    hex::encode(b)
}

/// Equal, in time that does not depend on where they differ.
fn same(a: &str, b: &str) -> bool {
    tipbox::crypto::ct_eq(a.as_bytes(), b.as_bytes())
}

impl Desk {
    /// The office identities if unlocked and used within the idle time (which they then
    /// start again); locked (and dropped) otherwise.
    fn identities(&self) -> Option<Arc<Unlocked>> {
        let mut keys = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        match keys.as_mut() {
            Some((ids, used)) if used.elapsed() < self.lock_after => {
                *used = Instant::now();
                Some(ids.clone())
            }
            _ => {
                *keys = None;
                None
            }
        }
    }

    fn unlock(&self, keys: Unlocked) {
        *self.keys.lock().unwrap_or_else(|p| p.into_inner()) =
            Some((Arc::new(keys), Instant::now()));
    }

    /// An action wrote the ledger: the kept summaries are out of date.
    fn wrote(&self) {
        *self.summaries.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    fn tell(&self, flash: Flash) {
        *self.flash.lock().unwrap_or_else(|p| p.into_inner()) = Some(flash);
    }

    fn told(&self) -> Option<Flash> {
        self.flash.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    fn lock(&self) {
        *self.keys.lock().unwrap_or_else(|p| p.into_inner()) = None;
    }

    fn loader(&self, lang: Lang) -> &'static FluentLanguageLoader {
        crate::i18n::static_loader(lang)
    }
}

/// What the ledger page needs of every tip, kept between pages.
pub(crate) struct Summaries {
    pub tips: Vec<summary::TipSummary<'static>>,
    pub deadlines: ledger::Deadlines,
    /// 查结, 阶段性查结, 正在核查 (see `ledger::report::Stage`).
    pub stages: (u64, u64, u64),
    /// Every category some tip has, sorted.
    pub categories: Vec<String>,
}

/// The summaries, decoded on first use.
pub(crate) fn summaries(desk: &Desk, l: &Ledger) -> Result<Arc<Summaries>, ledger::LedgerError> {
    let mut kept = desk.summaries.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(s) = kept.as_ref() {
        return Ok(s.clone());
    }
    let made = l.summaries_now(|all, config| {
        let mut stages = (0u64, 0u64, 0u64);
        let mut seen = std::collections::HashSet::new();
        for t in all {
            match ledger::report::Stage::of(t.status) {
                ledger::report::Stage::Finished => stages.0 += 1,
                ledger::report::Stage::StageClosed => stages.1 += 1,
                ledger::report::Stage::InProgress => stages.2 += 1,
            }
            seen.insert(&*t.category);
        }
        let mut categories: Vec<String> = seen.into_iter().map(str::to_owned).collect();
        categories.sort_unstable();
        Summaries {
            tips: all
                .iter()
                .cloned()
                .map(summary::TipSummary::into_owned)
                .collect(),
            deadlines: config.deadlines,
            stages,
            categories,
        }
    })?;
    let made = Arc::new(made);
    *kept = Some(made.clone());
    Ok(made)
}

/// The desk's language when none was chosen: `--lang`, else a Traditional Chinese or an
/// English locale, else Simplified Chinese (an office's desk, in the office's language).
fn default_lang(given: Option<Lang>) -> Lang {
    if let Some(l) = given {
        return l;
    }
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    let l = locale.to_ascii_lowercase();
    if l.starts_with("zh_tw") || l.starts_with("zh_hk") || l.starts_with("zh_mo") {
        Lang::ZhHant
    } else if l.starts_with("en") {
        Lang::En
    } else {
        Lang::ZhHans
    }
}

pub(crate) fn desk(ctx: &Ctx, a: &DeskArgs) -> Result<(), Failure> {
    let DeskArgs {
        listen,
        no_open,
        lock_after_minutes,
    } = a;
    let cli = ctx.cli;
    if !listen.ip().is_loopback() {
        return Err(Failure(
            EXIT_USAGE,
            t!("desk-not-loopback", address = listen),
        ));
    }
    if lock_after_minutes.is_some_and(|m| m == 0 || m > ledger::MAX_LOCK_AFTER_MINUTES) {
        return Err(Failure(EXIT_USAGE, t!("desk-bad-lock-after")));
    }
    // The ledger's folder resolved once: a link swapped while the desk runs cannot send its
    // audit entries elsewhere.
    let root = cli
        .ledger
        .canonicalize()
        .unwrap_or_else(|_| cli.ledger.clone());
    let ledger = Ledger::open_telling(&root, &ctx.who, &tell)?;
    // The office's setting (ledger.toml, checked where it is read), unless this launch says.
    let lock_after_minutes = lock_after_minutes.unwrap_or(ledger.config.desk.lock_after_minutes);
    // Unlocked at start for scripts and tests; otherwise the first page asks.
    let keys = match &cli.passphrase_file {
        Some(file) => {
            let pass = read_passphrase(Some(file), false)?;
            Some((
                Arc::new(open_keys(&ledger.keys_dir(), &pass)?),
                Instant::now(),
            ))
        }
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| t!("desk-cannot-start", reason = e))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| t!("desk-cannot-listen", address = listen, reason = e))?;
        let addr: SocketAddr = listener
            .local_addr()
            .map_err(|e| t!("desk-cannot-listen", address = listen, reason = e))?;
        let desk = Arc::new(Desk {
            ledger: Mutex::new(ledger),
            keys: Mutex::new(keys),
            token: Mutex::new(Some(random_hex())),
            session: random_hex(),
            csrf: random_hex(),
            host: addr.to_string(),
            lock_after: Duration::from_secs(u64::from(lock_after_minutes) * 60),
            summaries: Mutex::new(None),
            flash: Mutex::new(None),
            notice: Mutex::new(None),
            opener: Mutex::new(None),
            default_lang: default_lang(cli.lang),
        });
        let token = desk
            .token
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .unwrap_or_default();
        // Listening for the signals before the address is out: a script that stops the desk
        // as soon as it has the address stops it cleanly too.
        let stop = stop_signal()?;
        let url = format!("http://{addr}/?token={token}");
        eprintln!("tipbox-review: desk at {url}");
        eprintln!(
            "tipbox-review: {}",
            t!("desk-locks-after", minutes = lock_after_minutes)
        );
        if !no_open {
            *desk.opener.lock().unwrap_or_else(|p| p.into_inner()) = open_browser(&url);
        }
        let served = axum::serve(listener, app(desk.clone()))
            .with_graceful_shutdown(stop)
            .await
            .map_err(|e| t!("desk-cannot-start", reason = e));
        remove_opener(&desk);
        served
    })?;
    eprintln!("tipbox-review: {}", t!("desk-stopped"));
    Ok(())
}

/// The office keys, with the passphrase.
fn open_keys(dir: &Path, pass: &SecretString) -> Result<Unlocked, tipbox::keys::KeyError> {
    Ok(Unlocked {
        ids: tipbox::keys::load_identities(dir, pass)?,
        signing: tipbox::keys::load_signing_key(dir, pass)?,
    })
}

/// The desktop's browser, if there is one (`xdg-open`); the address is printed either way.
/// The browser is given a file only this user can read, which sends it on to the address:
/// a command line is visible to every user of the machine (`ps`, `/proc/PID/cmdline`), and
/// whoever used the token first would have the desk.
fn open_browser(url: &str) -> Option<PathBuf> {
    let file = opener_file(url).ok();
    let opened = file.as_ref().map(|f| {
        std::process::Command::new("xdg-open")
            .arg(f)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
    });
    if !matches!(opened, Some(Ok(_))) {
        eprintln!("tipbox-review: {}", t!("desk-open-it"));
    }
    file
}

/// `open.html`, in a new folder of this user's only (mode 0700, made here: never one that
/// already exists), sending the browser to `url`. The folder it is made in must be one
/// nobody else can rename it out of (this user's and not writable by others, or sticky
/// like /tmp): else another user could put a page of theirs in its place.
fn opener_file(url: &str) -> std::io::Result<PathBuf> {
    use std::io::Write as _;
    use std::os::unix::fs::{DirBuilderExt, MetadataExt};
    let base = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute() && p.is_dir())
        .unwrap_or_else(std::env::temp_dir);
    let dir = base.join(format!("tipbox-desk-{}", &random_hex()[..16]));
    std::fs::DirBuilder::new().mode(0o700).create(&dir)?;
    let (ours, parent) = (std::fs::metadata(&dir)?, std::fs::metadata(&base)?);
    let sticky = parent.mode() & 0o1000 != 0;
    let private = parent.uid() == ours.uid() && parent.mode() & 0o022 == 0;
    if !sticky && !private {
        let _ = std::fs::remove_dir(&dir);
        return Err(std::io::Error::other("the runtime folder is not safe"));
    }
    let path = dir.join("open.html");
    let mut f = tipbox::durable::create_new_private_file(&path)?;
    writeln!(
        f,
        "<!DOCTYPE html><meta charset=\"utf-8\"><meta name=\"referrer\" content=\"no-referrer\">\
         <meta http-equiv=\"refresh\" content=\"0;url={url}\"><title>tipbox</title>\
         <a href=\"{url}\">tipbox desk</a>"
    )?;
    Ok(path)
}

/// The opener file and its folder, gone (the token in it is spent, or the desk stopped).
fn remove_opener(desk: &Desk) {
    if let Some(file) = desk.opener.lock().unwrap_or_else(|p| p.into_inner()).take() {
        let _ = std::fs::remove_file(&file);
        if let Some(dir) = file.parent() {
            let _ = std::fs::remove_dir(dir);
        }
    }
}

/// Ctrl-C, SIGTERM or SIGHUP (its terminal closed): finish the requests in flight, then
/// stop. The handlers are in place when this returns; the future waits for one.
fn stop_signal() -> Result<impl std::future::Future<Output = ()>, String> {
    use tokio::signal::unix::{signal, SignalKind};
    let handler = |kind| signal(kind).map_err(|e| t!("desk-cannot-start", reason = e));
    let mut int = handler(SignalKind::interrupt())?;
    let mut term = handler(SignalKind::terminate())?;
    let mut hup = handler(SignalKind::hangup())?;
    Ok(async move {
        tokio::select! {
            _ = int.recv() => {}
            _ = term.recv() => {}
            _ = hup.recv() => {}
        }
    })
}

/// Every route, behind the guard, with the security headers on every response.
pub(crate) fn app(desk: Arc<Desk>) -> Router {
    Router::new()
        .route("/", axum::routing::get(pages::ledger))
        .route("/tip/{id}", axum::routing::get(pages::tip))
        .route(
            "/tip/{id}/{action}",
            axum::routing::post(actions::tip_action),
        )
        .route("/office", axum::routing::get(actions::office))
        .route("/add", axum::routing::get(actions::add_page))
        .route(
            "/office/{action}",
            axum::routing::post(actions::office_action),
        )
        .route("/report", axum::routing::get(actions::report))
        .route("/notice/{id}", axum::routing::get(actions::notice))
        .route("/unlock", axum::routing::post(pages::unlock))
        .route("/lock", axum::routing::post(pages::lock))
        .route("/desk.css", axum::routing::get(pages::stylesheet))
        .fallback(pages::not_found)
        // A form's text is percent-encoded (a Chinese character is 9 bytes): room for a
        // long letter typed in, or a reply of the ledger's longest (10,000 characters).
        .layer(axum::extract::DefaultBodyLimit::max(FORM_LIMIT))
        .layer(axum::middleware::from_fn_with_state(desk.clone(), guard))
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(desk)
}

async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    // A page may bring a stricter policy of its own (the report allows its stylesheet's
    // hash); every other page gets the desk's.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        );
    }
    for (name, value) in [
        (header::CACHE_CONTROL, "no-store"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    res
}

/// The value of cookie `name`, if the request carries it.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// Host (421), then the token or session (403), then for posts where they come from (403).
async fn guard(State(desk): State<Arc<Desk>>, req: Request, next: Next) -> Response {
    let headers = req.headers();
    // Exactly one Host, the address listened on; an absolute request target must name it too.
    let mut hosts = headers.get_all(header::HOST).iter();
    let host = hosts.next().and_then(|h| h.to_str().ok());
    let authority_ok = req
        .uri()
        .authority()
        .is_none_or(|a| a.as_str() == desk.host);
    if host != Some(desk.host.as_str()) || hosts.next().is_some() || !authority_ok {
        return (StatusCode::MISDIRECTED_REQUEST, "421 Misdirected Request\n").into_response();
    }
    let token = req
        .uri()
        .query()
        .into_iter()
        .flat_map(|q| q.split('&'))
        .find_map(|kv| kv.strip_prefix("token="));
    if let Some(token) = token {
        // Once only: the first visit takes the token, any later one gets 403.
        let mut kept = desk.token.lock().unwrap_or_else(|p| p.into_inner());
        if !kept.as_deref().is_some_and(|t| same(token, t)) {
            return forbidden();
        }
        *kept = None;
        drop(kept);
        remove_opener(&desk);
        // The token leaves the address bar (and the history) at once: a session cookie
        // holds from here on. Sent on by a page of the desk's own, not a redirect: the
        // browser may have come from the opener file (a `file:` page, another site), and
        // a redirect would carry that on to the next request.
        let mut res = (
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<!DOCTYPE html><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" \
             content=\"0;url=/\"><title>tipbox</title><a href=\"/\">tipbox</a>\n",
        )
            .into_response();
        let value = format!(
            "{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
            desk.session
        );
        if let Ok(v) = HeaderValue::from_str(&value) {
            res.headers_mut().insert(header::SET_COOKIE, v);
        }
        return res;
    }
    if !cookie(headers, COOKIE).is_some_and(|s| same(s, &desk.session)) {
        return forbidden();
    }
    // Only the desk's own pages, or the reviewer typing its address: a page of another
    // port of this machine is the same *site* (it gets the SameSite cookie), and a GET of a
    // tip decrypts it, writes the audit log and keeps the keys from locking.
    if !headers
        .get_all("sec-fetch-site")
        .iter()
        .all(|v| *v == "same-origin" || *v == "none")
    {
        return forbidden();
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let expected = format!("http://{}", desk.host);
        let sites: Vec<&HeaderValue> = headers.get_all("sec-fetch-site").iter().collect();
        let site_ok = sites.iter().all(|v| *v == "same-origin" || *v == "none");
        let same_origin = !sites.is_empty() && sites.iter().all(|v| *v == "same-origin");
        // Under `Referrer-Policy: no-referrer` a browser sends `Origin: null` with its own
        // forms: taken only where it also says `Sec-Fetch-Site: same-origin` (which no page
        // can set).
        let origin_ok = headers
            .get(header::ORIGIN)
            .is_none_or(|o| o.as_bytes() == expected.as_bytes() || (o == "null" && same_origin));
        if !origin_ok || !site_ok {
            return forbidden();
        }
    }
    let (lang, _) = pages::language(&desk, req.headers(), None);
    let res = next.run(req).await;
    // A form the desk could not read (too large, not a form, a field twice): said in the
    // page's language, not as the web framework's English line.
    let status = res.status();
    if matches!(status.as_u16(), 400 | 413 | 415 | 422) {
        let w = pages::words(&desk, lang);
        let why = w.t(if status == StatusCode::PAYLOAD_TOO_LARGE {
            "desk-form-too-large"
        } else {
            "desk-form-unreadable"
        });
        return (status, axum::response::Html(pages::error_text(&w, &why))).into_response();
    }
    res
}

fn forbidden() -> Response {
    (StatusCode::FORBIDDEN, "403 Forbidden\n").into_response()
}
