//! Synthetic data for the benchmarks (docs/performance.md), made with tipbox's own code.
//!
//! ```text
//! cargo run --release --example generate -- inbox  --tips 100000  --out inbox.tbx
//! cargo run --release --example generate -- ledger --tips 1000000 --ledger DIR
//! ```
//!
//! `inbox` seals N tips exactly as the portal does (tip container, Padmé padding, age to the
//! demo recipient `keys-example/recipient.txt`: `tipbox_fixtures::seal`, which the tests'
//! fixture tips use too) and writes them as one inbox bundle that `tipbox-review import`
//! accepts. One tip in 100 mentions 王某某, the needle of the search
//! benchmark; the others use the same vocabulary without it.
//!
//! `ledger` makes a ledger on the demo keys with N entries whose fields follow a plausible
//! office's mix (channels, categories, statuses, departments, deadlines, transfers, links,
//! rewards over three years). The entries carry no sealed content: they exist to time
//! `list` and `report`, which never decrypt anything.
//!
//! Both are deterministic for a given N (a fixed-seed generator), apart from the random
//! identifiers and the age encryption itself.

use std::path::{Path, PathBuf};

use tipbox::ledger::{
    Channel, Credibility, Ledger, Priority, Reward, RewardState, Status, TipEntry, Transfer,
};
use tipbox::tip::Manifest;
use tipbox_fixtures::{Part, Recipients, Sealed};

/// SplitMix64: a small, well-known generator; plenty for synthetic fields.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
    fn hex(&mut self, bytes: usize) -> String {
        (0..bytes)
            .map(|_| format!("{:02x}", self.below(256)))
            .collect()
    }
}

const CATEGORIES: &[&str] = &[
    "umbrella",
    "village-tyrant",
    "gang-violence",
    "extortion",
    "illegal-lending",
    "gambling-drugs",
    "market-monopoly",
    "other",
];
const DEPARTMENTS: &[&str] = &[
    "市公安局刑侦支队",
    "县公安局",
    "市纪委监委",
    "区纪委监委",
    "市场监管局",
    "自然资源局",
    "住建局",
    "交通运输局",
    "农业农村局",
    "街道办事处",
];
const PLACES: &[&str] = &[
    "城关镇",
    "东湖村",
    "西山乡",
    "南门街道",
    "北岸工业园",
    "新区",
];
const DEEDS: &[&str] = &[
    "强占集体土地",
    "垄断砂石运输",
    "暴力讨债",
    "开设赌场",
    "欺行霸市",
    "操纵村委选举",
    "敲诈勒索商户",
];
const NEEDLE_NAME: &str = "王某某";
const OTHER_NAMES: &[&str] = &["李某", "张某", "刘某", "陈某", "赵某", "孙某"];

fn day(base: time::Date, offset: u64) -> String {
    (base + time::Duration::days(offset as i64)).to_string()
}

fn usage() -> ! {
    eprintln!(
        "usage: generate inbox --tips N --out FILE\n       generate ledger --tips N --ledger DIR"
    );
    std::process::exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let tips: u64 = flag("--tips")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| usage());
    match args.first().map(String::as_str) {
        Some("inbox") => inbox(
            tips,
            &PathBuf::from(flag("--out").unwrap_or_else(|| usage())),
        ),
        Some("ledger") => ledger(
            tips,
            &PathBuf::from(flag("--ledger").unwrap_or_else(|| usage())),
        ),
        _ => usage(),
    }
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One sealed tip, as the portal would store it.
fn seal_tip(i: u64, portal_id: &str, recipients: &Recipients) -> std::io::Result<Sealed> {
    let mut rng = Rng(i.wrapping_mul(7919) ^ 0x7469_7062_6f78);
    let who = if i % 100 == 7 {
        NEEDLE_NAME
    } else {
        rng.pick(OTHER_NAMES)
    };
    let description = format!(
        "{}的{}长期{}，群众敢怒不敢言。第{i}号线索：{}在{}一带活动，另有{}协助，时间大约从去年开始，请组织调查。",
        rng.pick(PLACES),
        who,
        rng.pick(DEEDS),
        who,
        rng.pick(PLACES),
        rng.pick(OTHER_NAMES),
    );
    let parts = [
        Part::Field("category", rng.pick(CATEGORIES)),
        Part::Field("place", rng.pick(PLACES)),
        Part::Field("description", &description),
        Part::Field("reward", if rng.below(3) == 0 { "on" } else { "off" }),
    ];
    let tip_id = rng.hex(16);
    // Over the three years up to today: a ledger refuses days after tomorrow.
    let day = day(
        time::OffsetDateTime::now_utc().date() - time::Duration::days(3 * 365),
        rng.below(3 * 365),
    );
    let manifest = Manifest {
        lang: "zh-Hans".into(),
        reply_public_key: Some(rng.hex(32)),
        claim_verifier: Some(rng.hex(32)),
        ..Manifest::without_receipt(portal_id, &tip_id, "", &day, (0, 0))
    };
    tipbox_fixtures::seal(recipients, &parts, &manifest, None)
}

fn inbox(tips: u64, out: &Path) {
    let recipients = tipbox_fixtures::demo_recipients();
    // Portal ids are 32 hex digits (a ledger refuses anything else): a fixed one here.
    let portal_id = "5e7a1c0d2b9f4e3a8c6d0b1a2f3e4d5c".to_owned();
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get()) as u64;
    let t = std::time::Instant::now();
    let file = std::fs::File::create(out).expect("create the bundle");
    let mut bundle = tipbox::bundle::inbox::InboxWriter::new(
        std::io::BufWriter::with_capacity(1 << 20, file),
        &portal_id,
        &tipbox::store::today(),
        tips,
    )
    .expect("write the bundle");
    // Sealed in memory, a round at a time on every core, and written in order. Not via a
    // file per tip: creating and deleting 100,000 files makes every file created on the
    // same file system in the next minutes slower when it has no journal (ext4 skips
    // recently freed inodes one by one; docs/performance.md, figure 3).
    const ROUND: u64 = 4096;
    for round in (0..tips).step_by(ROUND as usize) {
        let end = (round + ROUND).min(tips);
        let mut sealed: Vec<(u64, Sealed)> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..cores)
                .map(|w| {
                    let (recipients, portal_id) = (&recipients, &portal_id);
                    s.spawn(move || {
                        (round + w..end)
                            .step_by(cores as usize)
                            .map(|i| (i, seal_tip(i, portal_id, recipients).expect("seal")))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("sealer"))
                .collect()
        });
        sealed.sort_by_key(|(i, _)| *i);
        for (_, s) in &sealed {
            bundle
                .entry(&s.manifest.blob_id, &s.sealed_to, &s.ciphertext)
                .expect("write the bundle");
        }
    }
    bundle.finish().expect("write the bundle");
    eprintln!(
        "generate: {tips} sealed tips in {} ({:.1} s)",
        out.display(),
        t.elapsed().as_secs_f64()
    );
}

fn ledger(tips: u64, dir: &Path) {
    // Private from the start, as `tipbox-review init` makes it (or every command notes it).
    tipbox::durable::create_private_dir(&dir.join("keys")).expect("create the ledger folder");
    for f in [
        "identity.age",
        "signing-key.age",
        "recipient.txt",
        "verify-key.txt",
    ] {
        let to = dir.join("keys").join(f);
        std::fs::copy(repo().join("keys-example").join(f), &to).expect("copy the demo keys");
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&to, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    }
    Ledger::create_layout(dir).expect("ledger layout");
    let mut l = Ledger::open(dir, "generator").expect("open the ledger");
    let first: u64 = l.next_id().expect("read the ledger");
    let base = time::macros::date!(2024 - 01 - 01);
    let today = tipbox::store::today();
    let t = std::time::Instant::now();
    let mut rng = Rng(0x6c65_6467_6572);
    let mut chunk = Vec::with_capacity(10_000);
    for id in first..first + tips {
        let received_offset = rng.below(3 * 365);
        let received = day(base, received_offset);
        let channel = rng.pick(&[
            Channel::Web,
            Channel::Web,
            Channel::Web,
            Channel::Phone,
            Channel::Letter,
            Channel::Visit,
            Channel::Mailbox,
        ]);
        let mut e = TipEntry::new(id, channel, &received, rng.pick(CATEGORIES));
        e.status = rng.pick(&[
            Status::New,
            Status::Triaged,
            Status::Assigned,
            Status::Verifying,
            Status::Verifying,
            Status::StageClosed,
            Status::Closed,
            Status::Closed,
            Status::Closed,
            Status::NotAccepted,
            Status::Transferred,
        ]);
        if e.status != Status::New {
            e.priority = Some(rng.pick(&[Priority::High, Priority::Normal, Priority::Low]));
            e.credibility = Some(rng.pick(&[
                Credibility::High,
                Credibility::Medium,
                Credibility::Low,
                Credibility::Unknown,
            ]));
            e.first_feedback = Some(day(base, received_offset + rng.below(40)));
        }
        if !matches!(e.status, Status::New | Status::Triaged) {
            e.department = Some(rng.pick(DEPARTMENTS).to_string());
            e.assignment_due = Some(day(base, received_offset + 30 + rng.below(60)));
        }
        if e.status == Status::Transferred {
            e.transfers.push(Transfer {
                to: rng
                    .pick(&["市纪委监委", "区纪委监委", "市公安局"])
                    .to_string(),
                day: day(base, received_offset + rng.below(30)),
                package: None,
            });
        }
        if rng.below(50) == 0 && id > first {
            e.links.push(first + rng.below(id - first));
        }
        e.reward_wanted = rng.below(3) == 0;
        if e.reward_wanted && e.status == Status::Closed && rng.below(4) == 0 {
            let paid = rng.below(2) == 0;
            e.reward = Some(Reward {
                state: if paid {
                    RewardState::Paid
                } else {
                    RewardState::Approved
                },
                amount: 1000 * (1 + rng.below(50)),
                approved_on: day(base, received_offset + 90),
                paid_on: paid.then(|| day(base, received_offset + 120)),
                sealed_amount: String::new(),
            });
        }
        e.status_day = Some(today.clone());
        chunk.push(e);
        if chunk.len() == chunk.capacity() {
            l.insert_generated(&chunk).expect("insert");
            chunk.clear();
        }
    }
    l.insert_generated(&chunk).expect("insert");
    l.sync().expect("sync");
    l.audit(
        tipbox::ledger::Action::Add,
        None,
        &format!("{tips} synthetic entries (examples/generate.rs)"),
    )
    .expect("audit");
    eprintln!(
        "generate: {tips} entries in {} ({:.1} s)",
        dir.display(),
        t.elapsed().as_secs_f64()
    );
}
