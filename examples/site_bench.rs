//! The update bundles of a site (issue #30): bundle size and apply time per portal as the
//! site grows from 1 to 8 portals, each portal having received the same number of tips,
//! against the one-portal site measured in the same run.
//!
//! `cargo run --release --example site_bench [TIPS_PER_PORTAL]` (default 500). Runs in
//! process on the library: the real ledger (demo keys), real sealed tips (the fixtures),
//! real portal stores; no HTTP. Each tip has a status, a public note and a reply, so its
//! record carries two sealed messages, as an answered tip does.

use std::path::Path;
use std::time::Instant;

use age::secrecy::SecretString;
use tipbox::ledger::{Ledger, Status};
use tipbox::store::{PortalMeta, Store};
use tipbox_fixtures::{Inbox, Tip};

const PORTALS: usize = 8;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn main() {
    let per_portal: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse().expect("a number of tips per portal"))
        .unwrap_or(500);
    std::fs::create_dir_all("target/bench").unwrap();
    let dir = tempfile::tempdir_in("target/bench").unwrap();
    let ledger_dir = dir.path().join("ledger");
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

    // Eight portals, each with its store and its tips, imported into one ledger.
    eprintln!("sealing and importing {PORTALS} x {per_portal} tips...");
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
        let bundle = dir.path().join(format!("inbox-{p}.tbx"));
        inbox.write(&bundle);
        ledger.import(&bundle, &identities, |_| {}).unwrap();
        // The portal's own store, under the id its tips name.
        let data = dir.path().join(format!("portal-{p}"));
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
    for id in 1..=tips {
        ledger
            .set_status(id, Status::Verifying, Some("已转县公安局核查"))
            .unwrap();
        ledger.reply(id, "感谢您的举报，我们已开始核查。").unwrap();
    }

    println!(
        "\nupdate bundles of a site: {per_portal} answered tips received by each portal \
         (status, public note, reply); per portal, best of 3 applies"
    );
    println!(
        "{:>8} {:>12} {:>14} {:>12} {:>16} {:>14}",
        "portals", "tips/bundle", "bundle KiB", "x 1-portal", "apply ms (max)", "x 1-portal"
    );
    let mut baseline: Option<(f64, f64)> = None;
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
            // A fresh copy of the portal's store each time: the apply of a portal that had
            // applied nothing of the site before (the costliest one).
            let mut best = f64::MAX;
            for round in 0..3 {
                let copy = dir.path().join(format!("apply-{n}-{round}"));
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
                let store = Store::open_existing(&copy).unwrap();
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
        let size = sizes.iter().sum::<f64>() / sizes.len() as f64;
        let apply = applies.iter().cloned().fold(0.0, f64::max);
        let (size1, apply1) = *baseline.get_or_insert((size, apply));
        println!(
            "{:>8} {:>12} {:>14.0} {:>12.2} {:>16.1} {:>14.2}",
            n,
            records,
            size / 1024.0,
            size / size1,
            apply,
            apply / apply1
        );
    }
}
