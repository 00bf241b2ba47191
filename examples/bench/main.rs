//! The benchmark behind `bench/run`: drives the release binaries over loopback and prints
//! one table. Each figure is a ratio against a baseline measured in the same run, so
//! results compare across machines. See docs/performance.md for what bounds each figure.

use age::secrecy::ExposeSecret;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod portal;
mod reviewer;
mod site;

use portal::*;
use reviewer::*;

const RELEASE: &str = "target/release";

fn rand_id() -> String {
    let mut b = [0u8; 6];
    tipbox::crypto::random_bytes(&mut b);
    hex_encode(&b)
}

fn hex_encode(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn peak_rss_kib(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    s.lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

fn best_of<T: PartialOrd + Copy>(n: usize, mut f: impl FnMut() -> T) -> T {
    let mut best = f();
    for _ in 1..n {
        let v = f();
        if v < best {
            best = v;
        }
    }
    best
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let idx = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[idx]
}

struct Row {
    name: &'static str,
    measured: String,
    baseline: String,
    ratio: f64,
    target: &'static str,
    ok: bool,
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let has = |flag: &str| args.iter().any(|a| a == flag);
    let quick = has("--quick");
    const FLAGS: [&str; 7] = [
        "--quick",
        "--repeat",
        "--upload",
        "--small",
        "--reviewer",
        "--site",
        "--kdf",
    ];
    for (i, a) in args.iter().enumerate() {
        let is_count = i > 0 && args[i - 1] == "--repeat";
        if !FLAGS.contains(&a.as_str()) && !is_count {
            eprintln!(
                "bench: unknown argument {a:?}. Usage: bench/run [--quick] [--repeat N] \
                 [--upload] [--small] [--reviewer] [--site] | bench/run --kdf \
                 (no group named: all but --kdf; --site alone takes about 1.5 minutes)"
            );
            std::process::exit(2);
        }
    }
    let repeat = match args.iter().position(|a| a == "--repeat") {
        None => 1,
        Some(i) => match args.get(i + 1).and_then(|n| n.parse::<usize>().ok()) {
            Some(n) if n >= 1 => n,
            _ => {
                eprintln!("bench: --repeat takes a number of runs, e.g. --repeat 5");
                std::process::exit(2);
            }
        },
    };
    // Big synthetic data goes beside the repository (target/), not to a small /tmp.
    std::fs::create_dir_all("target/bench").unwrap();
    let dir = tempfile::tempdir_in("target/bench").unwrap();
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    if has("--kdf") {
        kdf_scaling(cores, quick);
        return;
    }
    // No group named: all of them. Groups can be combined (`--upload --small`).
    let all = !["--upload", "--small", "--reviewer", "--site"]
        .iter()
        .any(|g| has(g));
    let (upload, small, reviewer_side, site_side) = (
        all || has("--upload"),
        all || has("--small"),
        all || has("--reviewer"),
        all || has("--site"),
    );
    let c = client();
    // The portal's figures of every run first, then the reviewer's: in one run the reviewer
    // figures come last, and repeated runs keep that order for each figure. (Until session
    // 10 the reviewer figures also slowed a figure 3 measured after them: the generator
    // created and deleted 100,000 files, see `file_creation_time`.)
    let mut runs: Vec<Vec<Row>> = Vec::new();
    for run in 1..=repeat {
        let mut rows = Vec::new();
        if upload {
            settle_disk();
            uploads(&mut rows, dir.path(), quick);
        }
        if small {
            settle_disk();
            small_tips(&mut rows, &c, dir.path(), quick, cores);
        }
        if repeat > 1 && !rows.is_empty() {
            println!("\nportal figures, run {run} of {repeat}");
            print_table(&rows, cores, quick);
        }
        runs.push(rows);
    }
    for (run, rows) in runs.iter_mut().enumerate() {
        if reviewer_side {
            // 6. Reviewer side, on synthetic data made by examples/generate.rs: ~2 GB per
            // run, a handful of large files, removed at once so repeats do not fill the disk.
            let data = dir.path().join(format!("reviewer-{run}"));
            std::fs::create_dir_all(&data).unwrap();
            settle_disk();
            reviewer(rows, &data, quick, cores);
            std::fs::remove_dir_all(&data).unwrap();
        }
        if site_side {
            let data = dir.path().join(format!("site-{run}"));
            std::fs::create_dir_all(&data).unwrap();
            settle_disk();
            site_figures(rows, &data, quick);
            std::fs::remove_dir_all(&data).unwrap();
        }
    }
    for (run, rows) in runs.iter().enumerate() {
        if repeat > 1 {
            println!("\nrun {} of {repeat}", run + 1);
        }
        print_table(rows, cores, quick);
    }
    if repeat > 1 {
        print_summary(&runs);
    }
}

/// Figure 7 (issue #30): each portal's update bundle as a site grows from 1 to 8 portals
/// of the same number of answered tips (examples/bench/site.rs), against the one-portal
/// site measured in the same run. Every bundle carries the public records of the whole
/// site, so both figures should grow linearly with the site's tips: the target is 1.25 x
/// the number of portals (a record of another portal's tip is larger than an own one: its
/// home portal, reply key and days). Quadratic work would show at once.
fn site_figures(rows: &mut Vec<Row>, dir: &Path, quick: bool) {
    let per_portal = if quick { 100 } else { 500 };
    let steps = site::measure(dir, per_portal, 3);
    let one = &steps[0];
    // The table's names and targets are static strings; these few live until the end.
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    for s in &steps[1..] {
        let n = s.portals;
        let target = 1.25 * n as f64;
        let size = s.bundle_bytes / one.bundle_bytes;
        rows.push(Row {
            name: leak(format!("7a. site of {n} portals: bundle size / 1 portal")),
            measured: format!("{:.0} KiB, {} records", s.bundle_bytes / 1024.0, s.records),
            baseline: format!(
                "1-portal site: {:.0} KiB, {} records ({per_portal} tips each)",
                one.bundle_bytes / 1024.0,
                one.records
            ),
            ratio: size,
            target: leak(format!("<= {target:.2}")),
            ok: size <= target,
        });
        let apply = s.apply_ms / one.apply_ms;
        rows.push(Row {
            name: leak(format!(
                "7b. site of {n} portals: apply, slowest / 1 portal"
            )),
            measured: format!("{:.1} ms (best of 3, fresh store)", s.apply_ms),
            baseline: format!("1-portal site: {:.1} ms", one.apply_ms),
            ratio: apply,
            target: leak(format!("<= {target:.2}")),
            ok: apply <= target,
        });
    }
}

/// Write back what earlier figures left in the page cache (the reviewer's data is ~2 GB)
/// before the next group starts, so that no figure pays for another's writeback.
fn settle_disk() {
    rustix::fs::sync();
    std::thread::sleep(Duration::from_secs(1));
}

fn print_table(rows: &[Row], cores: usize, quick: bool) {
    println!(
        "\ntipbox benchmarks ({cores} cores{})",
        if quick { ", --quick" } else { "" }
    );
    println!(
        "{:<50} {:<44} {:<58} {:>8}  {:<14} met",
        "figure", "measured", "baseline (same run)", "ratio", "target"
    );
    for r in rows {
        println!(
            "{:<50} {:<44} {:<58} {:>8.3}  {:<14} {}",
            r.name,
            r.measured,
            r.baseline,
            r.ratio,
            r.target,
            if r.ok { "yes" } else { "NO" }
        );
    }
}

/// `--repeat N`: each figure's ratio over the runs, and in how many runs it was met.
fn print_summary(runs: &[Vec<Row>]) {
    println!("\nratios over {} runs", runs.len());
    println!(
        "{:<50} {:>8} {:>8} {:>8}  {:<14} met",
        "figure", "min", "median", "max", "target"
    );
    for (i, first) in runs[0].iter().enumerate() {
        let mut ratios: Vec<f64> = runs.iter().map(|rows| rows[i].ratio).collect();
        let met = runs.iter().filter(|rows| rows[i].ok).count();
        ratios.sort_by(|a, b| a.total_cmp(b));
        let median = if ratios.len() % 2 == 1 {
            ratios[ratios.len() / 2]
        } else {
            (ratios[ratios.len() / 2 - 1] + ratios[ratios.len() / 2]) / 2.0
        };
        println!(
            "{:<50} {:>8.3} {:>8.3} {:>8.3}  {:<14} {met} of {}",
            first.name,
            ratios[0],
            median,
            ratios[ratios.len() - 1],
            first.target,
            runs.len()
        );
    }
}
