//! The update bundles of a site (issue #30): bundle size and apply time per portal as the
//! site grows from 1 to 8 portals, each portal having received the same number of tips,
//! against the one-portal site measured in the same run. The whole table of figure 7;
//! `bench/run --site` prints the same figures in the benchmarks' table.
//!
//! `cargo run --release --example site_bench [TIPS_PER_PORTAL]` (default 500). What it
//! measures and how: examples/bench/site.rs.

#[path = "bench/site.rs"]
mod site;

fn main() {
    let per_portal: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse().expect("a number of tips per portal"))
        .unwrap_or(500);
    std::fs::create_dir_all("target/bench").unwrap();
    let dir = tempfile::tempdir_in("target/bench").unwrap();
    let steps = site::measure(dir.path(), per_portal, 3);
    println!(
        "\nupdate bundles of a site: {per_portal} answered tips received by each portal \
         (status, public note, reply); per portal, best of 3 applies"
    );
    println!(
        "{:>8} {:>12} {:>14} {:>12} {:>16} {:>14}",
        "portals", "tips/bundle", "bundle KiB", "x 1-portal", "apply ms (max)", "x 1-portal"
    );
    let one = &steps[0];
    for s in &steps {
        println!(
            "{:>8} {:>12} {:>14.0} {:>12.2} {:>16.1} {:>14.2}",
            s.portals,
            s.records,
            s.bundle_bytes / 1024.0,
            s.bundle_bytes / one.bundle_bytes,
            s.apply_ms,
            s.apply_ms / one.apply_ms
        );
    }
}
