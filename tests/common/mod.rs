//! Shared helpers for the integration tests: start the real `tipbox-portal` binary on a
//! random port with a temp data folder, talk to it over real HTTP, decrypt what it stored
//! with the real (demo) office key.
#![allow(dead_code)]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use age::secrecy::SecretString;
use tipbox::tip::OpenedTip;

pub const PORTAL_BIN: &str = env!("CARGO_BIN_EXE_tipbox-portal");
pub const REVIEW_BIN: &str = env!("CARGO_BIN_EXE_tipbox-review");

pub fn repo_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// A running portal. Killed (SIGKILL) on drop if still running.
pub struct Portal {
    pub child: Child,
    pub addr: String,
    pub data: PathBuf,
    pub tmpdir: PathBuf,
    pub stderr_path: PathBuf,
    pub stdout_path: PathBuf,
    _dir: Option<tempfile::TempDir>,
}

#[derive(Default)]
pub struct PortalOptions {
    /// Extra lines for a config file (the demo keys are always included).
    pub config: String,
    /// Reuse an existing data folder (for restarts).
    pub data: Option<PathBuf>,
    pub extra_args: Vec<String>,
    pub env: Vec<(String, String)>,
}

impl Portal {
    pub fn start() -> Portal {
        Portal::start_with(PortalOptions::default())
    }

    pub fn start_with(opts: PortalOptions) -> Portal {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().to_owned();
        let data = opts.data.clone().unwrap_or_else(|| root.join("data"));
        let tmpdir = root.join("tmp");
        std::fs::create_dir_all(&tmpdir).unwrap();
        let config_path = root.join("portal.toml");
        let demo = std::fs::read_to_string(repo_path("keys-example/portal.toml")).unwrap();
        std::fs::write(&config_path, format!("{demo}\n{}\n", opts.config)).unwrap();
        let stderr_path = root.join("stderr.log");
        let stdout_path = root.join("stdout.log");
        let mut cmd = Command::new(PORTAL_BIN);
        cmd.arg("serve")
            .arg("--config")
            .arg(&config_path)
            .arg("--listen")
            .arg("127.0.0.1:0")
            .arg("--data")
            .arg(&data)
            .args(&opts.extra_args)
            .env("TMPDIR", &tmpdir)
            .env("TIPBOX_LOG", "debug")
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout_path).unwrap())
            .stderr(std::fs::File::create(&stderr_path).unwrap());
        for (k, v) in &opts.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("start tipbox-portal");
        let addr = wait_for_address(&mut child, &stderr_path);
        Portal {
            child,
            addr,
            data,
            tmpdir,
            stderr_path,
            stdout_path,
            _dir: Some(dir),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn logs(&self) -> String {
        let mut s = std::fs::read_to_string(&self.stderr_path).unwrap_or_default();
        s.push_str(&std::fs::read_to_string(&self.stdout_path).unwrap_or_default());
        s
    }

    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Keep the temp folder alive beyond this portal (for restarts on the same data).
    pub fn take_dir(&mut self) -> tempfile::TempDir {
        self._dir.take().unwrap()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Drop for Portal {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Every test's canaries contain "CANARY": none may ever reach the portal's logs.
        if !std::thread::panicking() {
            assert_no_canary(&self.logs(), "the portal's logs");
        }
    }
}

/// Tip content planted by tests always contains "CANARY"; logs and error output must never
/// show it (ARCHITECTURE.md, invariants 1 and 7).
pub fn assert_no_canary(text: &str, what: &str) {
    if let Some(pos) = text.find("CANARY") {
        let start = text[..pos]
            .char_indices()
            .rev()
            .nth(60)
            .map_or(0, |(i, _)| i);
        panic!(
            "tip content reached {what}: ...{}...",
            &text[start..(pos + 20).min(text.len())]
        );
    }
}

/// The address the portal prints once it listens; fails at once if the portal exits first.
pub fn wait_for_address(child: &mut Child, stderr: &Path) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let text = std::fs::read_to_string(stderr).unwrap_or_default();
        // Whole lines only: the file may be read while the line is being written.
        if let Some(line) = text
            .split_inclusive('\n')
            .find(|l| l.ends_with('\n') && l.contains("listening on http://"))
        {
            return line.rsplit("http://").next().unwrap().trim().to_owned();
        }
        if let Some(status) = child.try_wait().unwrap() {
            panic!("portal exited ({status}) before listening; stderr:\n{text}");
        }
        assert!(
            Instant::now() < deadline,
            "portal did not start; stderr:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

pub fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(300))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Text content of the element with `id` (first occurrence), HTML-unescaped minimally.
pub fn element_text(html: &str, id: &str) -> Option<String> {
    let marker = format!("id=\"{id}\"");
    let start = html.find(&marker)?;
    let after = &html[start..];
    let open_end = after.find('>')? + 1;
    let close = after[open_end..].find('<')?;
    Some(after[open_end..open_end + close].trim().to_owned())
}

/// What a reporter types into the form: submitted to a running portal ([`submit_ok`]), or
/// sealed as a portal seals it by a fixture [`Inbox`], for tests that need tips in a
/// ledger and not the portal that took them.
pub use tipbox_fixtures::{Inbox, SealedTip, Tip};

pub fn submit_form(tip: &Tip) -> reqwest::blocking::multipart::Form {
    let mut form = reqwest::blocking::multipart::Form::new()
        .text("category", tip.category.to_owned())
        .text("location", tip.location.to_owned())
        .text("description", tip.description.to_owned());
    if tip.reward {
        form = form.text("reward", "on");
    }
    for (name, data) in &tip.files {
        let part = reqwest::blocking::multipart::Part::bytes(data.clone())
            .file_name(name.clone())
            .mime_str("application/octet-stream")
            .unwrap();
        form = form.part("attachment", part);
    }
    form
}

/// Submit a tip; returns (status, body).
pub fn submit(portal: &Portal, tip: &Tip) -> (u16, String) {
    let resp = client()
        .post(portal.url(&format!("/submit?lang={}", tip.lang)))
        .multipart(submit_form(tip))
        .send()
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.text().unwrap())
}

/// Submit a tip that must succeed; returns the receipt code as shown.
pub fn submit_ok(portal: &Portal, tip: &Tip) -> String {
    let (status, body) = submit(portal, tip);
    assert_eq!(status, 200, "submission failed: {body}");
    element_text(&body, "receipt-code").expect("receipt-code element")
}

/// The demo office's public age recipient.
pub fn demo_recipient() -> age::x25519::Recipient {
    std::fs::read_to_string(repo_path("keys-example/recipient.txt"))
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// Seal `plain` to the demo office into `file`, as anyone holding its public key can (a
/// hand-made item or backup).
pub fn seal_to_demo_office(plain: &[u8], file: &Path) {
    use std::io::Write;
    let mut w = age::Encryptor::with_recipients(std::iter::once(&demo_recipient() as _))
        .unwrap()
        .wrap_output(std::fs::File::create(file).unwrap())
        .unwrap();
    w.write_all(plain).unwrap();
    w.finish().unwrap();
}

/// Add information to a tip through the follow-up form (text only); returns (status, page).
pub fn post_followup(portal: &Portal, receipt: &str, message: &str) -> (u16, String) {
    let form = reqwest::blocking::multipart::Form::new()
        .text("receipt", receipt.to_owned())
        .text("message", message.to_owned());
    let resp = client()
        .post(portal.url("/status/followup?lang=en"))
        .multipart(form)
        .send()
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.text().unwrap())
}

pub fn lookup(portal: &Portal, receipt: &str, lang: &str) -> (u16, String) {
    let resp = client()
        .post(portal.url(&format!("/status?lang={lang}")))
        .form(&[("receipt", receipt)])
        .send()
        .unwrap();
    let status = resp.status().as_u16();
    (status, resp.text().unwrap())
}

/// The demo office's identities, unlocked once per test process (scrypt is slow on purpose).
pub fn demo_identities() -> &'static Vec<tipbox::keys::Identity> {
    static IDS: OnceLock<Vec<tipbox::keys::Identity>> = OnceLock::new();
    IDS.get_or_init(|| {
        let pass = std::fs::read_to_string(repo_path("keys-example/passphrase.txt")).unwrap();
        let pass = SecretString::from(pass.trim_end().to_owned());
        tipbox::keys::load_identities_file(&private_demo_identity(), &pass).unwrap()
    })
}

/// A private (0600) copy of the demo identity (a git checkout makes it 0644).
///
/// It lives under cargo's per-target scratch folder, one copy per test binary, and is
/// replaced on each run: a `TempDir` in a static is never dropped, so the earlier copy
/// in the system temp folder left one directory behind per test process.
pub fn private_demo_identity() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        use std::os::unix::fs::PermissionsExt;
        let binary = std::env::current_exe().unwrap();
        let binary = binary.file_stem().unwrap().to_string_lossy();
        // `backup-9956638ddaa8e081` -> `backup`: one folder per test file across rebuilds.
        let binary = binary
            .rsplit_once('-')
            .map_or(&*binary, |(name, _hash)| name);
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("demo-identity-{binary}"));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("identity.age");
        let partial = dir.join(format!("identity.age.{}", std::process::id()));
        std::fs::copy(repo_path("keys-example/identity.age"), &partial).unwrap();
        std::fs::set_permissions(&partial, std::fs::Permissions::from_mode(0o600)).unwrap();
        // Renamed into place, so a concurrent run of the same binary never sees half a file.
        std::fs::rename(&partial, &p).unwrap();
        p
    })
    .clone()
}

/// Decrypt one stored blob with the demo office key; also returns the plaintext length.
pub fn open_blob(path: &Path) -> (OpenedTip, usize) {
    let bytes = std::fs::read(path).unwrap();
    let decryptor = age::Decryptor::new_buffered(&bytes[..]).unwrap();
    let mut reader = decryptor
        .decrypt(demo_identities().iter().map(|i| i as &dyn age::Identity))
        .unwrap();
    let mut plain = Vec::new();
    reader.read_to_end(&mut plain).unwrap();
    let tip = OpenedTip::read(&plain[..], u64::MAX).unwrap();
    (tip, plain.len())
}

/// Every sealed blob in a data folder.
pub fn blob_paths(data: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(data.join("blobs"))
        .map(|rd| rd.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

/// Every regular file below `dir`, recursively.
pub fn all_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.is_file() {
                out.push(p);
            }
        }
    }
    out
}

/// Files below `dir` whose bytes contain `needle`.
pub fn files_containing(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    all_files(dir)
        .into_iter()
        .filter(|p| {
            std::fs::read(p)
                .map(|b| b.windows(needle.len()).any(|w| w == needle))
                .unwrap_or(false)
        })
        .collect()
}

/// The portal's peak resident memory (VmHWM) in KiB.
pub fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// A ledger holding the demo keys (their passphrase is in keys-example/).
pub struct TestLedger {
    pub dir: tempfile::TempDir,
}

impl TestLedger {
    pub fn new() -> TestLedger {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("ledger/keys");
        std::fs::create_dir_all(&keys).unwrap();
        for f in [
            "identity.age",
            "signing-key.age",
            "recipient.txt",
            "verify-key.txt",
        ] {
            std::fs::copy(repo_path("keys-example").join(f), keys.join(f)).unwrap();
        }
        // Git does not keep file modes: make the copied secret keys private again.
        for f in ["identity.age", "signing-key.age"] {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(keys.join(f), std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        TestLedger { dir }
    }
    pub fn path(&self) -> PathBuf {
        self.dir.path().join("ledger")
    }
    pub fn run(&self, args: &[&str]) -> Output {
        let out = self.run_unchecked(args);
        // Error output never carries tip content (stdout may: `show` prints it by design).
        assert_no_canary(
            &String::from_utf8_lossy(&out.stderr),
            "tipbox-review's error output",
        );
        out
    }
    pub fn run_unchecked(&self, args: &[&str]) -> Output {
        review_command(&self.path())
            .args(["--as", "test-reviewer"])
            .args(args)
            .output()
            .unwrap()
    }
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
    /// Like [`TestLedger::run`], with `input` on standard input.
    pub fn run_with_stdin(&self, args: &[&str], input: &[u8]) -> Output {
        use std::io::Write;
        let mut child = review_command(&self.path())
            .args(["--as", "test-reviewer"])
            .args(args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // A command that refuses early may close its input before reading it all.
        let _ = child.stdin.take().unwrap().write_all(input);
        let out = child.wait_with_output().unwrap();
        assert_no_canary(
            &String::from_utf8_lossy(&out.stderr),
            "tipbox-review's error output",
        );
        out
    }
    /// Like [`TestLedger::ok`], with `input` on standard input.
    pub fn ok_with_stdin(&self, args: &[&str], input: &str) -> String {
        let out = self.run_with_stdin(args, input.as_bytes());
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }
    pub fn list_json(&self) -> serde_json::Value {
        serde_json::from_str(&self.ok(&["list", "--json"])).unwrap()
    }
}

pub fn export(data: &Path, out: &Path) -> Output {
    if data.join(tipbox::store::META_FILE).is_file() {
        forge::owns(data);
    }
    Command::new(PORTAL_BIN)
        .args(["export", "--data"])
        .arg(data)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

pub fn portal_cmd(args: &[&str]) -> Output {
    Command::new(PORTAL_BIN).args(args).output().unwrap()
}

/// The reviewer program, in English whatever this machine's locale (the tests read its
/// English; `tests/review_language.rs` checks the other languages).
pub fn review_process() -> Command {
    let mut c = Command::new(REVIEW_BIN);
    c.env("LC_ALL", "C.UTF-8");
    c
}

/// What a running `tipbox-review desk` has said on stderr so far.
pub type DeskStderr = std::sync::Arc<std::sync::Mutex<String>>;

/// `tipbox-review desk --no-open --listen 127.0.0.1:0 EXTRA...` on `ledger`, unlocked with
/// the demo passphrase unless `locked`: the process, its one-time address, and its stderr
/// (read on a thread of its own, so that the desk never blocks on it).
pub fn start_desk(
    ledger: &TestLedger,
    locked: bool,
    extra: &[&str],
) -> (Child, String, DeskStderr) {
    use std::io::BufRead;
    let mut c = review_process();
    c.arg("--ledger").arg(ledger.path());
    if !locked {
        c.arg("--passphrase-file")
            .arg(repo_path("keys-example/passphrase.txt"));
    }
    let mut child = c
        .args(["desk", "--no-open", "--listen", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let seen = DeskStderr::default();
    let (tx, rx) = std::sync::mpsc::channel();
    let keep = seen.clone();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if let Some(url) = line.strip_prefix("tipbox-review: desk at ") {
                let _ = tx.send(url.to_owned());
            }
            keep.lock().unwrap().push_str(&(line + "\n"));
        }
    });
    let url = rx
        .recv_timeout(Duration::from_secs(120))
        .unwrap_or_else(|_| panic!("no desk address; stderr: {}", seen.lock().unwrap()));
    (child, url, seen)
}

/// `tipbox-review --ledger LEDGER --passphrase-file <demo passphrase>`, ready for its args.
pub fn review_command(ledger: &Path) -> Command {
    let mut c = review_process();
    c.arg("--ledger")
        .arg(ledger)
        .arg("--passphrase-file")
        .arg(repo_path("keys-example/passphrase.txt"));
    c
}

/// Run `tipbox-review` on `ledger` (demo passphrase); it must succeed. Returns its output.
pub fn review_ok(ledger: &Path, args: &[&str]) -> Output {
    let out = review_command(ledger).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A backup file's age layer: what follows the office keys it carries, if any.
pub fn backup_age_layer(file: &Path) -> Vec<u8> {
    let bytes = std::fs::read(file).unwrap();
    let skip = match tipbox::ledger::backup::carried_keys(file).unwrap() {
        Some(keys) => tipbox::ledger::backup::KEYS_MAGIC.len() + 4 + keys.len(),
        None => 0,
    };
    bytes[skip..].to_vec()
}

/// Where a test's inbox bundle comes from: a running portal, through `tipbox-portal export`,
/// or a fixture [`Inbox`], written as that export writes it.
pub trait Exports {
    /// Write the inbox bundle to `bundle`.
    fn export_to(&self, bundle: &Path);
}

impl Exports for Portal {
    fn export_to(&self, bundle: &Path) {
        let out = export(&self.data, bundle);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

impl Exports for Inbox {
    fn export_to(&self, bundle: &Path) {
        self.write(bundle);
    }
}

/// Export everything `from` holds and import it into a new demo-key ledger. Returns the
/// ledger, a work folder for the test's other files, and the inbox bundle's path.
pub fn import_into_new_ledger(from: &impl Exports) -> (TestLedger, tempfile::TempDir, PathBuf) {
    let work = tempfile::tempdir().unwrap();
    let bundle = work.path().join("inbox.tbx");
    from.export_to(&bundle);
    let ledger = TestLedger::new();
    ledger.ok(&["import", bundle.to_str().unwrap()]);
    (ledger, work, bundle)
}

/// A new demo-key ledger that imported `tips`, sealed by a fixture [`Inbox`] (no portal):
/// [`import_into_new_ledger`]'s ledger, work folder and bundle.
pub fn ledger_with(tips: &[Tip]) -> (TestLedger, tempfile::TempDir, PathBuf) {
    let mut inbox = Inbox::new();
    for tip in tips {
        inbox.tip(tip);
    }
    import_into_new_ledger(&inbox)
}

/// A new demo-key ledger holding one tip (reward wanted) and its reporter's follow-up
/// `message`, signed with the receipt's key, sealed by a fixture [`Inbox`]: the ledger, a
/// work folder, the tip as sealed and the follow-up's manifest.
pub fn ledger_with_a_followed_up_tip(
    message: &str,
) -> (
    TestLedger,
    tempfile::TempDir,
    SealedTip,
    tipbox::tip::Manifest,
) {
    let mut inbox = Inbox::new();
    let tip = inbox.tip(&Tip {
        reward: true,
        ..Tip::default()
    });
    let followup = inbox.followup(&tip, message, &[]);
    let (ledger, work, _) = import_into_new_ledger(&inbox);
    (ledger, work, tip, followup)
}

/// A minimal baseline JPEG (JFIF, one quantisation table, a 1x1 frame) whose scan data is
/// `scan`, with no metadata of its own. `scan` must not contain 0xFF.
pub fn jpeg_with_scan(scan: &[u8]) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8];
    b.extend_from_slice(&[
        0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0,
    ]);
    b.extend_from_slice(&[0xFF, 0xDB, 0, 67, 0]);
    b.extend_from_slice(&[1u8; 64]);
    b.extend_from_slice(&[0xFF, 0xC0, 0, 11, 8, 0, 1, 0, 1, 1, 1, 0x11, 0]);
    b.extend_from_slice(&[0xFF, 0xDA, 0, 8, 1, 1, 0, 0, 0x3F, 0]);
    b.extend_from_slice(scan);
    b.extend_from_slice(&[0xFF, 0xD9]);
    b
}

/// Hand-made sealed items and bundles, written from docs/formats.md alone, as anyone who
/// holds the office's public recipient can (a portal that was taken over above all).
pub mod forge {
    use super::*;
    use tipbox::tip::{Kind, Manifest};

    /// A tip container: `fields`, then `files` (name, bytes), then `manifest`; a follow-up
    /// is signed with `signer` as the portal signs it (over the content hash).
    pub fn container(
        fields: &[(&str, &str)],
        files: &[(&str, &[u8])],
        manifest: &Manifest,
        signer: Option<&tipbox::crypto::SigningKey>,
    ) -> Vec<u8> {
        use tipbox_fixtures::Part;
        let fields = fields.iter().map(|&(name, value)| Part::Field(name, value));
        let files = files.iter().map(|&(name, bytes)| Part::File {
            name,
            content_type: tipbox_fixtures::FILE_CONTENT_TYPE,
            bytes,
        });
        let parts: Vec<Part> = fields.chain(files).collect();
        tipbox_fixtures::write_container(Vec::new(), &parts, manifest, signer)
            .unwrap()
            .0
    }

    /// `plain` sealed to the demo office (age, X25519).
    pub fn seal(plain: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut out = Vec::new();
        let mut w = age::Encryptor::with_recipients(std::iter::once(&demo_recipient() as _))
            .unwrap()
            .wrap_output(&mut out)
            .unwrap();
        w.write_all(plain).unwrap();
        w.finish().unwrap();
        out
    }

    /// A manifest for portal `portal_id`'s tip `tip_id`, with a new item id.
    pub fn manifest(kind: Kind, portal_id: &str, tip_id: &str, day: &str) -> Manifest {
        Manifest {
            format: 1,
            kind,
            portal_id: portal_id.into(),
            tip_id: tip_id.into(),
            blob_id: tipbox::store::Store::new_id(),
            day: day.into(),
            lang: "zh-Hans".into(),
            reply_public_key: None,
            claim_verifier: None,
            followup_verify_key: None,
            signature: None,
            fields: 0,
            attachments: 0,
        }
    }

    /// One entry of a hand-made bundle.
    #[derive(Clone)]
    pub struct Entry {
        pub blob_id: String,
        pub sealed_to: String,
        pub ciphertext: Vec<u8>,
        /// The checksum to state; the right one when `None`.
        pub checksum: Option<String>,
    }

    impl Entry {
        /// `plain` sealed to the demo office, under the item id its manifest names.
        pub fn sealed(blob_id: &str, plain: &[u8]) -> Entry {
            Entry {
                blob_id: blob_id.into(),
                sealed_to: "0123456789abcdef".into(),
                ciphertext: seal(plain),
                checksum: None,
            }
        }
    }

    /// The header a portal writes (version 2).
    pub fn header(portal_id: &str, entries: usize) -> serde_json::Value {
        serde_json::json!({
            "format": 2, "portal_id": portal_id, "made": tipbox::store::today(),
            "entries": entries,
        })
    }

    /// An inbox bundle, version 2: the magic, `header` as given, the entries, and a correct
    /// BLAKE3 trailer over all of it.
    pub fn bundle(header: &serde_json::Value, entries: &[Entry]) -> Vec<u8> {
        let mut out = b"TIPBOX-INBOX\0\x02".to_vec();
        let framed = |out: &mut Vec<u8>, v: &serde_json::Value| {
            let j = serde_json::to_vec(v).unwrap();
            out.extend_from_slice(&(j.len() as u32).to_be_bytes());
            out.extend_from_slice(&j);
        };
        framed(&mut out, header);
        for e in entries {
            let checksum = e
                .checksum
                .clone()
                .unwrap_or_else(|| blake3::hash(&e.ciphertext).to_hex().to_string());
            framed(
                &mut out,
                &serde_json::json!({
                    "blob_id": e.blob_id, "size": e.ciphertext.len(),
                    "sealed_to": e.sealed_to, "checksum": checksum,
                }),
            );
            out.extend_from_slice(&e.ciphertext);
        }
        let digest = blake3::hash(&out);
        out.extend_from_slice(b"TIPBOX-END\0\x01");
        out.extend_from_slice(digest.as_bytes());
        out
    }

    /// The data folders of the real portals this test process exported from ([`export`]),
    /// by portal id:
    /// whoever controls a portal holds its bundle-signing key, so a hostile portal's
    /// hand-made bundles in its own name are signed ([`signed_by_owner`]).
    static OWNED: std::sync::Mutex<Vec<(String, PathBuf)>> = std::sync::Mutex::new(Vec::new());

    /// Record that the test controls the portal whose data folder is `data`.
    pub fn owns(data: &Path) {
        // (A test that damaged portal.json exports nothing anyone signs.)
        let Ok(meta) = tipbox::store::read_meta(data) else {
            return;
        };
        let id = meta.portal_id;
        let mut owned = OWNED.lock().unwrap();
        if !owned.iter().any(|(p, _)| *p == id) {
            owned.push((id, data.to_owned()));
        }
    }

    /// The bundle-signing key of the portal whose data folder is `data`.
    pub fn portal_key(data: &Path) -> tipbox::crypto::SigningKey {
        tipbox::store::read_signing_key(data).unwrap()
    }

    /// A hand-made version-2 `bundle`, signed with the key of the portal it names if this
    /// test controls that portal (as that portal's hostile owner can); unchanged otherwise.
    pub fn signed_by_owner(bundle: Vec<u8>) -> Vec<u8> {
        // Bundles too broken to sign (the tests of what a reader refuses) stay as they are.
        let header = bundle
            .get(14..18)
            .filter(|_| bundle.starts_with(b"TIPBOX-INBOX\0\x02"))
            .map(|l| u32::from_be_bytes(l.try_into().unwrap()) as usize)
            .and_then(|len| bundle.get(18..18 + len))
            .and_then(|h| serde_json::from_slice::<serde_json::Value>(h).ok());
        let Some(header) = header.filter(|_| bundle.len() >= 18 + 44) else {
            return bundle;
        };
        let named = header["portal_id"].as_str().unwrap_or_default().to_owned();
        let data = OWNED
            .lock()
            .unwrap()
            .iter()
            .find(|(id, _)| *id == named)
            .map(|(_, d)| d.clone());
        match data {
            Some(data) => signed(&bundle, &portal_key(&data)),
            None => bundle,
        }
    }

    /// A hand-made version-2 `bundle` with `header` (its framed bytes, as given) in place of
    /// its own, and the magic's version byte `version`; the BLAKE3 trailer made again over
    /// all of it. Returns the bundle and that checksum.
    pub fn reframed(bundle: &[u8], version: u8, header: &[u8]) -> (Vec<u8>, blake3::Hash) {
        let len = u32::from_be_bytes(bundle[14..18].try_into().unwrap()) as usize;
        let mut out = b"TIPBOX-INBOX\0".to_vec();
        out.push(version);
        out.extend_from_slice(&(header.len() as u32).to_be_bytes());
        out.extend_from_slice(header);
        out.extend_from_slice(&bundle[18 + len..bundle.len() - 44]);
        let digest = blake3::hash(&out);
        out.extend_from_slice(b"TIPBOX-END\0\x01");
        out.extend_from_slice(digest.as_bytes());
        (out, digest)
    }

    /// A hand-made version-2 `bundle` as a portal signs it (docs/formats.md, version 3):
    /// magic byte 3, the header with `"format":3` and the key's public half as
    /// `portal_key`, the same entries, the BLAKE3 trailer over all of it, then ed25519 by
    /// `key` over the signature context and that checksum.
    pub fn signed(bundle: &[u8], key: &tipbox::crypto::SigningKey) -> Vec<u8> {
        let len = u32::from_be_bytes(bundle[14..18].try_into().unwrap()) as usize;
        let mut header: serde_json::Value = serde_json::from_slice(&bundle[18..18 + len]).unwrap();
        header["format"] = 3.into();
        header["portal_key"] = hex::encode(key.verify_key()).into();
        let (mut out, digest) = reframed(bundle, 3, &serde_json::to_vec(&header).unwrap());
        let message = [
            &b"tipbox inbox bundle signature v1\n"[..],
            digest.as_bytes(),
        ]
        .concat();
        out.extend_from_slice(&key.sign(&message));
        out
    }

    /// The manifest of the tip item a portal holds (decrypted with the demo key).
    pub fn portal_tip_manifest(data: &Path) -> Manifest {
        blob_paths(data)
            .iter()
            .map(|p| open_blob(p).0.manifest)
            .find(|m| m.kind == Kind::Tip)
            .expect("the portal holds a tip")
    }

    /// The keys a receipt derives on portal `data` (its salt and KDF settings are public).
    pub fn receipt_keys(data: &Path, receipt: &str) -> tipbox::receipt::ReceiptKeys {
        let meta: tipbox::store::PortalMeta =
            serde_json::from_slice(&std::fs::read(data.join("portal.json")).unwrap()).unwrap();
        tipbox::receipt::ReceiptCode::parse(receipt)
            .unwrap()
            .derive(&meta.salt_bytes(), meta.kdf)
            .unwrap()
    }
}

/// Everything a ledger holds, to compare before and after a refused import: every tree of
/// its database, every file under `blobs/`, the audit log and the summary index, byte for
/// byte, and what `list --json` makes of them.
pub fn ledger_state(ledger: &TestLedger) -> Vec<(String, Vec<u8>)> {
    let mut state = Vec::new();
    let root = ledger.path();
    {
        let db = sled::open(root.join("db")).unwrap();
        let mut names = db.tree_names();
        names.sort();
        for name in names {
            let tree = db.open_tree(&name).unwrap();
            for kv in tree.iter() {
                let (k, v) = kv.unwrap();
                state.push((
                    format!("db {} {}", String::from_utf8_lossy(&name), hex::encode(&k)),
                    v.to_vec(),
                ));
            }
        }
    }
    let mut files = all_files(&root.join("blobs"));
    files.sort();
    for f in files {
        state.push((f.display().to_string(), std::fs::read(&f).unwrap()));
    }
    for f in ["audit.log", "index/summaries.bin"] {
        state.push((f.into(), std::fs::read(root.join(f)).unwrap_or_default()));
    }
    // Last: a command rebuilds an index left dirty, which the bytes above would hide.
    state.push((
        "list".to_owned(),
        ledger.ok(&["list", "--json"]).into_bytes(),
    ));
    state
}

/// Whether `text` holds a character that must never reach a terminal (escape sequences,
/// C1 controls, DEL, bidi controls): what `tipbox::safe_output` filters.
pub fn has_unsafe_char(text: &str) -> bool {
    text.chars().any(tipbox::safe_output::is_unsafe_char)
}

/// The reviewer's day that the desk's tests do through its forms (`tests/desk.rs` over
/// HTTP, `tests/browser/desk.rs` in Chromium), done here with the command line: import
/// `bundle`, find the reward claim's tip (`rewarded`) with `claim`, triage, assign, set a
/// status with a public note, reply, note, link it with `other`, approve its reward, check
/// the claim again, mark it paid, triage `other`, be refused linking `other` to itself,
/// export to `updates`.
pub fn the_day_on_the_command_line(
    l: &TestLedger,
    bundle: &str,
    claim: &str,
    rewarded: &str,
    other: &str,
    updates: &str,
) {
    for args in [
        &["import", bundle][..],
        &["reward", "verify", claim],
        &[
            "triage",
            rewarded,
            "--category",
            "umbrella",
            "--priority",
            "high",
            "--credibility",
            "medium",
        ],
        &["assign", rewarded, "--to", DAY_DEPARTMENT, "--due", DAY_DUE],
        &[
            "status",
            rewarded,
            "verifying",
            "--public-note",
            DAY_PUBLIC_NOTE,
        ],
        &["reply", rewarded, "--message", DAY_REPLY],
        &["note", rewarded, DAY_NOTE],
        &["link", rewarded, other],
        &["reward", rewarded, "approve", "--amount", DAY_AMOUNT],
        &["reward", "verify", claim],
        &["reward", rewarded, "paid"],
        &["triage", other, "--priority", "low"],
        &["export", "--out", updates],
    ] {
        l.ok(args);
    }
    assert_eq!(l.run(&["link", other, other]).status.code(), Some(2));
}

pub const DAY_DEPARTMENT: &str = "县公安局";
pub const DAY_DUE: &str = "2027-03-31";
pub const DAY_PUBLIC_NOTE: &str = "已转有关部门核查";
pub const DAY_REPLY: &str = "感谢您的举报，正在核查。";
pub const DAY_NOTE: &str = "与另一条线索同一公司";
pub const DAY_AMOUNT: &str = "500";

/// Every audit line of a ledger without its time and chain hash, reads (`show`, `search`)
/// left out (and so the line numbers): the desk shows a tip again after each action, the
/// command line does not.
pub fn audit_writes(l: &TestLedger) -> Vec<serde_json::Value> {
    std::fs::read_to_string(l.path().join("audit.log"))
        .unwrap()
        .lines()
        .map(|line| {
            let mut v: serde_json::Value = serde_json::from_str(line).unwrap();
            let o = v.as_object_mut().unwrap();
            o.retain(|k, _| !matches!(k.as_str(), "at" | "time" | "hash" | "prev" | "seq"));
            v
        })
        .filter(|v| !matches!(v["action"].as_str(), Some("show" | "search")))
        .collect()
}

/// The ledger as `list --json`, `show N --json` and `report --format csv` give it.
pub fn ledger_results(l: &TestLedger, tips: &[&str]) -> Vec<String> {
    let mut out = vec![l.ok(&["list", "--json"])];
    for id in tips {
        out.push(l.ok(&["show", id, "--json"]));
    }
    out.push(l.ok(&["report", "--format", "csv"]));
    out
}
