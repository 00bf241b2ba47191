//! tipbox-portal: the public web site and its operator commands.
//!
//! Exit codes: 0 success, 1 a check failed, 2 usage or input error.
#![forbid(unsafe_code)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tipbox::portal::{self, ConfigFile, Overrides};
use tipbox::store::Store;

const EXIT_CHECK_FAILED: u8 = 1;
const EXIT_USAGE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "tipbox-portal",
    version,
    about = "The public tipbox portal: takes tips, seals them, never reads them",
    after_help = "Exit codes: 0 success; 1 a check failed (apply refused a bundle); \
                  2 usage or input error (bad key, unreadable config, a site file refused or contradicting \
                  the data folder, data folder not writable, port in use)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web site.
    ///
    /// With no --config and no --recipient it runs on the DEMO keys from keys-example/
    /// (anyone can decrypt what is sent to it). Examples:
    ///
    ///   tipbox-portal serve
    ///
    ///   tipbox-portal serve --config /etc/tipbox/portal.toml
    ///
    ///   tipbox-portal serve --recipient age1... --verify-key 3f2a... --data /var/lib/tipbox
    Serve {
        /// TOML config file (docs/operator-guide.md lists every option).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Address to listen on [default: 127.0.0.1:8080]. Use port 0 for any free port.
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// Data folder [default: ./tipbox-data].
        #[arg(long)]
        data: Option<PathBuf>,
        /// The office's age recipient (repeatable); replaces the config's list.
        #[arg(long = "recipient", value_name = "AGE_RECIPIENT")]
        recipients: Vec<String>,
        /// The office's verify key, as printed by `tipbox-review init`.
        #[arg(long, value_name = "KEY")]
        verify_key: Option<String>,
        /// The site file of the site this portal serves (written by `tipbox-portal site`):
        /// a new data folder takes its salt and argon2id parameters, so the receipts of
        /// every portal of the site work here; an existing one must already have them.
        /// Replaces the config's `site`.
        #[arg(long, value_name = "FILE")]
        site: Option<PathBuf>,
    },
    /// Write the site file of an existing portal: the public parameters (receipt salt and
    /// argon2id settings) every portal of its site must share. Give it to a new portal with
    /// `serve --site FILE` (or `site = "FILE"`) at its first start. Public, not secret.
    ///
    /// Example: tipbox-portal site --data /var/lib/tipbox --out /media/usb/site.json
    Site {
        /// The portal's data folder.
        #[arg(long, default_value = "tipbox-data")]
        data: PathBuf,
        /// Where to write the site file; `-` for standard output.
        #[arg(long)]
        out: PathBuf,
    },
    /// Write an inbox bundle: every sealed tip and follow-up not yet acknowledged by the
    /// office (ciphertext only). Works whether or not `serve` is running on DIR.
    ///
    /// Example: tipbox-portal export --data /var/lib/tipbox --out /media/usb/inbox-2026-11-22.tbx
    Export {
        /// The portal's data folder.
        #[arg(long, default_value = "tipbox-data")]
        data: PathBuf,
        /// Where to write the bundle; `-` for standard output.
        #[arg(long)]
        out: PathBuf,
    },
    /// Verify and apply a signed update bundle from the office: statuses, replies, reward
    /// decisions, and acknowledgements (acknowledged tips' ciphertext is then deleted).
    /// Works whether or not `serve` is running on DIR. Exit 1 if the bundle is refused.
    ///
    /// Example: tipbox-portal apply --data /var/lib/tipbox /media/usb/update.tbu
    Apply {
        #[arg(long, default_value = "tipbox-data")]
        data: PathBuf,
        /// The update bundle (`-` for standard input).
        file: PathBuf,
        /// The office's verify key [default: the one `serve` last ran with].
        #[arg(long, value_name = "KEY")]
        verify_key: Option<String>,
        /// Config file (for verify_key and retention_days when the portal is not running).
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    // Before anything secret is in memory.
    if let Err(e) = tipbox::process::disable_core_dumps() {
        eprintln!("tipbox-portal: warning: cannot disable core dumps: {e}");
    }
    let cli = Cli::parse();
    if let Err(message) = init_logging() {
        eprintln!(
            "tipbox-portal: {}",
            tipbox::safe_output::terminal_safe(&message).as_str()
        );
        return ExitCode::from(EXIT_USAGE);
    }
    let result = match cli.command {
        Command::Serve {
            config,
            listen,
            data,
            recipients,
            verify_key,
            site,
        } => serve(
            config,
            Overrides {
                site,
                listen,
                data,
                recipients,
                verify_key,
            },
        ),
        Command::Export { data, out } => export(&data, &out),
        Command::Site { data, out } => site_file(&data, &out),
        Command::Apply {
            data,
            file,
            verify_key,
            config,
        } => return apply(&data, &file, verify_key, config),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!(
                "tipbox-portal: {}",
                tipbox::safe_output::terminal_safe(&message).as_str()
            );
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// Logs go to stderr. `TIPBOX_LOG` sets the level of tipbox's own lines only (default
/// `info`); every dependency is capped at `warn` whatever it says. Their debug and trace
/// output (hyper's request heads, sled's every index write and read, with microsecond
/// times, lookup keys and tip ids) would tie tips to exact times or reveal requests; and no
/// level of tipbox's own logging writes a line per submission or per lookup (test
/// `regression_trace_logs_tied_tips_to_exact_times`).
fn init_logging() -> Result<(), String> {
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::prelude::*;
    // Set but empty counts as not set (it used to turn the start-up lines off).
    let wanted = std::env::var("TIPBOX_LOG")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "info".into());
    let level: LevelFilter = wanted.trim().parse().map_err(|_| {
        format!(
            "TIPBOX_LOG={wanted:?} is not a log level: use off, error, warn, info, debug or trace. \
             It sets tipbox's own logging; dependencies are always capped at warn"
        )
    })?;
    // `tipbox` matches the library's targets and the binary's (`tipbox_portal`).
    let filter = Targets::new()
        .with_default(LevelFilter::WARN.min(level))
        .with_target("tipbox", level);
    tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(std::io::stderr)
                .with_target(false)
                .with_filter(filter),
        )
        .init();
    Ok(())
}

fn serve(config: Option<PathBuf>, overrides: Overrides) -> Result<(), String> {
    let file = match &config {
        Some(path) => ConfigFile::load(path).map_err(|e| e.to_string())?,
        None if overrides.recipients.is_empty() => ConfigFile::demo(),
        None => ConfigFile::parse("", std::path::Path::new("(command line)"))
            .map_err(|e| e.to_string())?,
    };
    let settings = file.resolve(overrides).map_err(|e| e.to_string())?;
    if settings.demo {
        eprintln!(
            "tipbox-portal: WARNING: running on the DEMO keys from keys-example/. Anyone can \
             decrypt what is submitted. Never use this for real tips: create keys with \
             `tipbox-review init` and pass --recipient and --verify-key, or --config."
        );
    }
    let store = Store::open_in_site(&settings.data, settings.kdf, settings.site.as_ref())
        .map_err(|e| e.to_string())?;
    if let Some(site) = &settings.site {
        tracing::info!(site = %site.site_id(), "serving a site of several portals");
    }
    // Derive once now: parameters libsodium refuses, or memory the machine cannot give,
    // should stop the portal here with a message, not fail every submission later.
    let meta = store.meta();
    tipbox::crypto::argon2id(b"tipbox-portal startup check", &meta.salt_bytes(), meta.kdf)
        .map_err(|_| {
            format!(
                "cannot derive receipt keys with the argon2id parameters recorded in {} \
                 ({} passes, {} bytes of memory). Is the machine short of memory?",
                settings.data.join(tipbox::store::META_FILE).display(),
                meta.kdf.passes,
                meta.kdf.memory
            )
        })?;
    // Record the verify key so `apply` works while the portal is stopped, and let closed
    // tips past their retention expire.
    tipbox::store::write_durably(
        &settings.data.join(tipbox::store::VERIFY_KEY_FILE),
        format!("{}\n", hex::encode(settings.verify_key)).as_bytes(),
    )
    .map_err(|e| e.to_string())?;
    store
        .expire_closed(settings.retention_days, &settings.verify_key)
        .map_err(|e| e.to_string())?;
    let listen = settings.listen;
    let data = settings.data.clone();
    let state = portal::App::new(settings, store)
        .map_err(|e| format!("cannot start the key-derivation threads: {e}"))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen)
            .await
            .map_err(|e| format!("cannot listen on {listen}: {e}. Is another program using it?"))?;
        let local = listener
            .local_addr()
            .map_err(|e| format!("cannot read the listening address: {e}"))?;
        // Tests and scripts read this line to find the port when listening on port 0. One
        // write: eprintln! may write the pieces of its format one by one, and a reader
        // polling the file could take "http://" without the address.
        {
            use std::io::Write;
            let line = format!("tipbox-portal: listening on http://{local}\n");
            let _ = std::io::stderr().lock().write_all(line.as_bytes());
        }
        tracing::info!(
            data = %data.display(),
            max_open_uploads = state.settings.max_open_uploads,
            image_memory_mib = state.settings.image_memory_bytes >> 20,
            "portal started"
        );
        portal::admin::spawn(
            state.store.clone(),
            state.settings.verify_key,
            state.settings.retention_days,
        )
        .map_err(|e| format!("cannot create the admin socket in the data folder: {e}"))?;
        portal::run(listener, state, shutdown_signal())
            .await
            .map_err(|e| format!("the server stopped: {e}"))?;
        tracing::info!("portal stopped");
        Ok(())
    })
}

fn export(data: &std::path::Path, out: &std::path::Path) -> Result<(), String> {
    use std::io::Write;
    if out == std::path::Path::new("-") {
        let stdout = std::io::stdout();
        let mut lock = stdout.lock();
        portal::admin::export(data, &mut lock)?;
        return lock
            .flush()
            .map_err(|e| format!("writing to standard output failed: {e}"));
    }
    // Write beside the target, fsync, check the bundle, then rename: a bundle that exists
    // under its final name is complete.
    tipbox::durable::check_replaceable(out).map_err(|e| {
        format!(
            "cannot write {}: {e} (`--out -` writes to standard output)",
            out.display()
        )
    })?;
    let partial = tipbox::durable::partial_path(out);
    let mut file = tipbox::durable::create_private_file(&partial)
        .map_err(|e| format!("cannot create {}: {e}", partial.display()))?;
    let result = (|| {
        let mut w = std::io::BufWriter::with_capacity(256 * 1024, &mut file);
        portal::admin::export(data, &mut w)?;
        w.flush()
            .map_err(|e| format!("writing {} failed: {e}", partial.display()))?;
        drop(w);
        file.sync_all()
            .map_err(|e| format!("writing {} failed: {e}", partial.display()))?;
        tipbox::bundle::inbox::verify(&partial, |_| {}).map_err(|e| {
            format!("the bundle just written does not check out ({e}); nothing was exported")
        })
    })();
    let verified = match result {
        Ok(v) => v,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    tipbox::durable::rename_into_place(&partial, out)
        .map_err(|e| format!("cannot rename to {}: {e}", out.display()))?;
    let bytes: u64 = verified.entries.iter().map(|e| e.size).sum();
    eprintln!(
        "tipbox-portal: exported {} sealed item(s), {}, from portal {} to {}, signed with portal key {}",
        verified.entries.len(),
        indicatif::BinaryBytes(bytes),
        verified.header.portal_id,
        out.display(),
        verified.portal_key.map(hex::encode).unwrap_or_default()
    );
    Ok(())
}

/// `tipbox-portal site`: the site file of an existing portal, read from its `portal.json`
/// (nothing else is opened, so it works while `serve` runs).
fn site_file(data: &std::path::Path, out: &std::path::Path) -> Result<(), String> {
    let meta = tipbox::store::read_meta(data).map_err(|e| e.to_string())?;
    let site = meta.site();
    // A file no portal would take: say so here, not at the new portal's start.
    site.check_kdf().map_err(|e| {
        format!(
            "{} cannot be shared as a site file: {e}. Start the site from a portal whose \
             portal.json tipbox created unchanged",
            data.join(tipbox::store::META_FILE).display()
        )
    })?;
    let file = site.to_file();
    if out == std::path::Path::new("-") {
        use std::io::Write;
        return std::io::stdout()
            .write_all(&file)
            .map_err(|e| format!("writing to standard output failed: {e}"));
    }
    tipbox::durable::write_atomically(out, &file)
        .map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    eprintln!(
        "tipbox-portal: wrote the site file of site {} (portal {}) to {}",
        site.site_id(),
        meta.portal_id,
        out.display()
    );
    Ok(())
}

fn apply(
    data: &std::path::Path,
    file: &std::path::Path,
    verify_key: Option<String>,
    config: Option<PathBuf>,
) -> ExitCode {
    let fail = |code: u8, msg: String| {
        eprintln!("tipbox-portal: {msg}");
        ExitCode::from(code)
    };
    let mut bytes = Vec::new();
    let read = if file == std::path::Path::new("-") {
        std::io::Read::read_to_end(
            &mut std::io::Read::take(
                std::io::stdin(),
                tipbox::bundle::update::MAX_BUNDLE as u64 + 1,
            ),
            &mut bytes,
        )
    } else {
        std::fs::File::open(file).and_then(|f| {
            std::io::Read::read_to_end(
                &mut std::io::Read::take(f, tipbox::bundle::update::MAX_BUNDLE as u64 + 1),
                &mut bytes,
            )
        })
    };
    if let Err(e) = read {
        return fail(EXIT_USAGE, format!("cannot read {}: {e}", file.display()));
    }
    let (key, retention) = match config.map(|c| ConfigFile::load(&c)) {
        Some(Err(e)) => return fail(EXIT_USAGE, e.to_string()),
        Some(Ok(cfg)) => (
            verify_key.or(cfg.verify_key),
            cfg.retention_days.unwrap_or(180),
        ),
        None => (verify_key, 180),
    };
    let key = match key.map(|k| tipbox::keys::parse_verify_key(&k)).transpose() {
        Ok(k) => k,
        Err(e) => return fail(EXIT_USAGE, e.to_string()),
    };
    match portal::admin::apply(data, &bytes, key, retention) {
        Ok(portal::admin::ApplyOutcome::Applied(s)) if s.already_applied => {
            eprintln!(
                "tipbox-portal: update bundle {} was already applied; nothing changed",
                s.sequence
            );
            ExitCode::SUCCESS
        }
        Ok(portal::admin::ApplyOutcome::Applied(s)) => {
            eprintln!(
                "tipbox-portal: applied update bundle {}: {} tip(s) updated, {} of other portals of the site, {} acknowledged, {} sealed item(s) deleted, {} expired{}",
                s.sequence,
                s.tips_updated,
                s.site_tips,
                s.acknowledged,
                s.purged,
                s.expired,
                if s.unknown_tips > 0 { format!(", {} for tips this portal no longer has", s.unknown_tips) } else { String::new() }
            );
            if s.site_tips_dropped > 0 {
                eprintln!(
                    "tipbox-portal: {} record(s) of tips received by portals the office took out of this site were removed: their receipts are answered only by the portal that received them",
                    s.site_tips_dropped
                );
            }
            ExitCode::SUCCESS
        }
        Ok(portal::admin::ApplyOutcome::Refused(msg)) => fail(EXIT_CHECK_FAILED, msg),
        Err(msg) => fail(EXIT_USAGE, msg),
    }
}

/// SIGTERM (systemd, kill) or Ctrl-C: stop accepting, finish what is in flight, exit.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
