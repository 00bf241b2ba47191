#![no_main]
//! The submit handler, through the real router in-process: arbitrary multipart bodies and
//! content types. The portal must answer (never panic) and store nothing but ciphertext.
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tower::ServiceExt;

struct World {
    rt: tokio::runtime::Runtime,
    router: axum::Router,
}

/// This process's data folder, under the fuzz crate's target folder. libFuzzer ends the
/// process with `exit()`, so a `TempDir` held in a static is never removed: each run left
/// a folder of hundreds of sealed blobs in the system temp folder. Instead, the folders of
/// earlier runs whose process is gone are removed here, at start-up.
fn data_folder() -> std::path::PathBuf {
    let parent = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/fuzz-data");
    std::fs::create_dir_all(&parent).unwrap();
    for entry in std::fs::read_dir(&parent).unwrap().flatten() {
        let name = entry.file_name();
        let pid = name.to_string_lossy().strip_prefix("submit_handler-").map(str::to_owned);
        if let Some(pid) = pid {
            if !std::path::Path::new("/proc").join(&pid).exists() {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let dir = parent.join(format!("submit_handler-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn world() -> &'static World {
    static W: OnceLock<World> = OnceLock::new();
    W.get_or_init(|| {
        let dir = data_folder();
        let mut file = tipbox::portal::ConfigFile::demo();
        file.max_upload_mib = Some(1);
        file.submissions_per_minute = Some(1_000_000);
        let settings = file
            .resolve(tipbox::portal::Overrides {
                data: Some(dir),
                ..Default::default()
            })
            .unwrap();
        // Cheap KDF parameters: the fuzzer explores parsing, not argon2id.
        let store = tipbox::store::Store::open(&settings.data, tipbox::crypto::KdfParams::INSECURE_FOR_TESTS).unwrap();
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        let router = rt.block_on(async { tipbox::portal::app(tipbox::portal::App::new(settings, store).unwrap()) });
        World { rt, router }
    })
}

fuzz_target!(|data: &[u8]| {
    let w = world();
    // First byte picks the content type; the rest is the body.
    let (ct, body) = match data.split_first() {
        Some((b, rest)) if b % 4 == 0 => ("multipart/form-data; boundary=X", rest),
        Some((b, rest)) if b % 4 == 1 => ("multipart/form-data; boundary=\"a b\"", rest),
        Some((b, rest)) if b % 4 == 2 => ("application/x-www-form-urlencoded", rest),
        Some((_, rest)) => ("text/plain", rest),
        None => ("multipart/form-data; boundary=X", data),
    };
    let req = axum::http::Request::post("/submit?lang=en")
        .header("content-type", ct)
        .body(axum::body::Body::from(body.to_vec()))
        .unwrap();
    let status = w.rt.block_on(async { w.router.clone().oneshot(req).await.unwrap().status() });
    assert!(!status.is_server_error(), "hostile input caused {status}");
});
