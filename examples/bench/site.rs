//! Figure 7, the update bundles of a site (issue #30): bundle size and apply time per portal
//! as the site grows from 1 to [`PORTALS`] portals, each portal having received the same
//! number of tips. Shared by `bench/run --site` (examples/bench) and
//! `cargo run --release --example site_bench` (examples/site_bench.rs, the whole table).
//!
//! In process, on the library: the real ledger (demo keys), real sealed tips (the
//! fixtures), real portal stores; no HTTP. Each tip has a status, a public note and a
//! reply, so its record carries two sealed messages, as an answered tip does.

use std::path::Path;
use std::time::Instant;

use age::secrecy::SecretString;
use tipbox::ledger::{Ledger, Status};
use tipbox::store::{PortalMeta, Store};
use tipbox_fixtures::{Inbox, Tip};

/// The largest site measured.
pub const PORTALS: usize = 8;

/// The site at one size: what each of its portals' bundles holds and costs.
pub struct SiteStep {
    pub portals: usize,
    /// Tip records in each portal's bundle (its own and the site's other portals').
    pub records: usize,
    /// Mean size of the portals' bundles.
    pub bundle_bytes: f64,
    /// The slowest portal's apply, best of `rounds`, each on a fresh copy of its store.
    pub apply_ms: f64,
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Make a ledger of [`PORTALS`] portals with `per_portal` answered tips each in `dir`, then
/// grow the site from 1 to [`PORTALS`] portals (`Ledger::site_add`) and at each size
/// export every member's bundle and apply it to a fresh copy of its store (the costliest
/// apply: nothing of the site applied before), best of `rounds`.
pub fn measure(dir: &Path, per_portal: usize, rounds: usize) -> Vec<SiteStep> {
    let ledger_dir = dir.join("ledger");
    std::fs::create_dir_all(ledger_dir.join("keys")).unwrap();
    for f in [
        "identity.age",
        "signing-key.age",
        "recipient.txt",
        "verify-key.txt",
    ] {
        let to = ledger_dir.join("keys").join(f);
        std::fs::copy(repo().join("keys-example").join(f), &to).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600)).unwrap();
    }
    let pass = std::fs::read_to_string(repo().join("keys-example/passphrase.txt")).unwrap();
    let pass = SecretString::from(pass.trim_end().to_owned());
    Ledger::create_layout(&ledger_dir).unwrap();
    let mut ledger = Ledger::open(&ledger_dir, "bench").unwrap();
    let keys = ledger.keys_dir();
    let identities = tipbox::keys::load_identities(&keys, &pass).unwrap();
    let signing = tipbox::keys::load_signing_key(&keys, &pass).unwrap();
    let verify_key = signing.verify_key();

    // The portals, each with its store and its tips, imported into one ledger.
    eprintln!("site: sealing and importing {PORTALS} x {per_portal} tips...");
    let mut stores = Vec::new();
    for p in 0..PORTALS {
        let mut inbox = Inbox::new();
        let mut own = Vec::new();
        for i in 0..per_portal {
            let description = format!("portal {p} tip {i}: 某镇有人强收保护费，已持续半年");
            let sealed = inbox.tip(&Tip {
                description: &description,
                reward: i % 4 == 0,
                ..Tip::default()
            });
            own.push((sealed.manifest.tip_id, sealed.keys.lookup_key.0));
        }
        let bundle = dir.join(format!("inbox-{p}.tbx"));
        inbox.write(&bundle);
        ledger.import(&bundle, &identities, |_| {}).unwrap();
        // The portal's own store, under the id its tips name.
        let data = dir.join(format!("portal-{p}"));
        std::fs::create_dir_all(&data).unwrap();
        let meta = PortalMeta {
            format: 1,
            portal_id: inbox.portal_id().to_owned(),
            salt: "00".repeat(tipbox::crypto::SALT_LEN),
            kdf: tipbox::crypto::KdfParams::DEFAULT,
        };
        std::fs::write(
            data.join(tipbox::store::META_FILE),
            serde_json::to_vec(&meta).unwrap(),
        )
        .unwrap();
        stores.push((inbox.portal_id().to_owned(), data, own));
    }
    let tips = (PORTALS * per_portal) as u64;
    eprintln!("site: answering {tips} tips...");
    for id in 1..=tips {
        ledger
            .set_status(id, Status::Verifying, Some("已转县公安局核查"))
            .unwrap();
        ledger.reply(id, "感谢您的举报，我们已开始核查。").unwrap();
    }

    let mut steps = Vec::new();
    for n in 1..=PORTALS {
        if n > 1 {
            ledger.site_add(&stores[n - 1].0, &stores[0].0).unwrap();
        }
        let mut sizes = Vec::new();
        let mut applies = Vec::new();
        let mut records = 0;
        for (id, data, own) in &stores[..n] {
            let (bytes, summary) = ledger.export_updates(Some(id), &signing).unwrap();
            ledger.commit_export(&summary).unwrap();
            records = summary.tips;
            sizes.push(bytes.len() as f64);
            let mut best = f64::MAX;
            for round in 0..rounds {
                let copy = dir.join(format!("apply-{n}-{round}"));
                let _ = std::fs::remove_dir_all(&copy);
                std::fs::create_dir_all(&copy).unwrap();
                std::fs::copy(
                    data.join(tipbox::store::META_FILE),
                    copy.join(tipbox::store::META_FILE),
                )
                .unwrap();
                // The portal knows its own tips (as if they had been submitted to it), so
                // that their records are stored, not skipped as unknown.
                {
                    let db = sled::open(copy.join("index")).unwrap();
                    let by_tip = db.open_tree("lookup-key-by-tip").unwrap();
                    for (tip_id, key) in own {
                        by_tip.insert(tip_id.as_bytes(), &key[..]).unwrap();
                    }
                    db.flush().unwrap();
                }
                // sled lets go of its lock once its flusher thread has seen the drop:
                // until then the store's own open finds the folder locked.
                let store = (0..500)
                    .find_map(|_| match Store::open_existing(&copy) {
                        Err(tipbox::store::StoreError::Index { .. }) => {
                            std::thread::sleep(std::time::Duration::from_millis(10));
                            None
                        }
                        other => Some(other.unwrap()),
                    })
                    .expect("the copy's index stayed locked");
                let t = Instant::now();
                let applied = store.apply(&bytes, &verify_key, 180).unwrap();
                best = best.min(t.elapsed().as_secs_f64() * 1e3);
                assert_eq!(applied.site_tips as usize, (n - 1) * per_portal);
                assert_eq!(applied.tips_updated as usize, per_portal);
                drop(store);
                std::fs::remove_dir_all(&copy).unwrap();
            }
            applies.push(best);
        }
        steps.push(SiteStep {
            portals: n,
            records,
            bundle_bytes: sizes.iter().sum::<f64>() / sizes.len() as f64,
            apply_ms: applies.iter().cloned().fold(0.0, f64::max),
        });
    }
    steps
}
