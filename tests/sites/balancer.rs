//! Two and three real portal processes behind a real load balancer (HAProxy from Debian,
//! round-robin, health-checked), as Onionbalance puts portals behind one onion address:
//! tips submitted through the balancer land on any portal; once the office has processed
//! them and exported to every portal, every lookup, reply, claim token and follow-up
//! through the balancer is right, whichever portal answers, also with one portal stopped.

use std::collections::BTreeSet;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::*;

/// HAProxy in the foreground, killed on drop.
struct Balancer {
    child: Child,
    addr: String,
    _dir: tempfile::TempDir,
}

impl Drop for Balancer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn haproxy() -> Option<PathBuf> {
    let found = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .chain(["/usr/sbin".into(), "/usr/local/sbin".into()])
        .map(|d| d.join("haproxy"))
        .find(|p| p.is_file());
    if found.is_none() {
        println!(
            "SKIPPED: haproxy is not installed (Debian: apt-get install haproxy; .ci/run \
             installs it when it runs as root)"
        );
    }
    found
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Round-robin over the portals, each request on its own; a portal that stops answering
/// its health check is taken out within a second. Every answer names its portal
/// (`X-Served-By`), for the test to see that the balancer spread them.
fn start_balancer(bin: &Path, portals: &[&Portal]) -> Balancer {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut cfg = format!(
        "global\n  maxconn 256\n\
         defaults\n  mode http\n  option http-server-close\n  timeout connect 2s\n  \
         timeout client 60s\n  timeout server 60s\n  retries 2\n  option redispatch\n\
         frontend site\n  bind 127.0.0.1:{port}\n  default_backend portals\n\
         backend portals\n  balance roundrobin\n  option httpchk GET /healthz\n  \
         http-response set-header X-Served-By %s\n"
    );
    for (i, p) in portals.iter().enumerate() {
        cfg.push_str(&format!(
            "  server p{i} {} check inter 200ms fall 1 rise 1\n",
            p.addr
        ));
    }
    let path = dir.path().join("haproxy.cfg");
    std::fs::write(&path, cfg).unwrap();
    let child = Command::new(bin)
        .arg("-db")
        .arg("-f")
        .arg(&path)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(dir.path().join("out.log")).unwrap())
        .stderr(std::fs::File::create(dir.path().join("err.log")).unwrap())
        .spawn()
        .expect("start haproxy");
    let addr = format!("127.0.0.1:{port}");
    let balancer = Balancer {
        child,
        addr,
        _dir: dir,
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let ok = reqwest::blocking::get(format!("http://{}/healthz", balancer.addr))
            .is_ok_and(|r| r.status().as_u16() == 200);
        if ok {
            break;
        }
        assert!(Instant::now() < deadline, "haproxy did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    balancer
}

/// One request through the balancer: (status, page, portal that answered).
fn through(
    lb: &Balancer,
    req: impl FnOnce(&reqwest::blocking::Client, String) -> reqwest::blocking::RequestBuilder,
) -> (u16, String, String) {
    let resp = req(&client(), format!("http://{}", lb.addr))
        .send()
        .unwrap();
    let status = resp.status().as_u16();
    let by = resp
        .headers()
        .get("x-served-by")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, resp.text().unwrap(), by)
}

fn lb_lookup(lb: &Balancer, receipt: &str) -> (u16, String, String) {
    through(lb, |c, base| {
        c.post(format!("{base}/status?lang=en"))
            .form(&[("receipt", receipt)])
    })
}

/// The ledger id of the tip whose description carries `marker`.
fn ledger_id_of(ledger: &TestLedger, tips: usize, marker: &str) -> u64 {
    (1..=tips as u64)
        .find(|id| ledger.ok(&["show", &id.to_string()]).contains(marker))
        .unwrap_or_else(|| panic!("no tip holds {marker}"))
}

fn site_behind_a_balancer(portals: usize) {
    let Some(bin) = haproxy() else {
        return;
    };
    let work = tempfile::tempdir().unwrap();
    let first = Portal::start();
    let site = site_file_of(&first, work.path());
    let mut all = vec![first];
    for _ in 1..portals {
        all.push(start_in_site(&site));
    }
    let ids: Vec<String> = all.iter().map(|p| portal_id(&p.data)).collect();
    let lb = start_balancer(&bin, &all.iter().collect::<Vec<_>>());

    // Tips through the balancer: they land on the portals in turn.
    let tips = 2 * portals;
    let mut receipts = Vec::new();
    let mut takers = BTreeSet::new();
    for i in 0..tips {
        let description = format!("SITE-TIP-{i:02}-END 某镇有人强收保护费");
        let tip = Tip {
            description: &description,
            reward: true,
            ..Tip::default()
        };
        let (status, page, by) = through(&lb, |c, base| {
            c.post(format!("{base}/submit?lang=en"))
                .multipart(submit_form(&tip))
        });
        assert_eq!(status, 200, "{page}");
        receipts.push(element_text(&page, "receipt-code").expect("a receipt"));
        takers.insert(by);
    }
    assert_eq!(
        takers.len(),
        portals,
        "round-robin spread the tips: {takers:?}"
    );

    // The office: every portal's bundle imported, one site, a reply and a reward for each.
    let ledger = TestLedger::new();
    for (i, p) in all.iter().enumerate() {
        export_and_import(p, &ledger, work.path(), &format!("in-{i}.tbx"));
    }
    for id in &ids[1..] {
        ledger.ok(&["site", "add", id, "--with", &ids[0]]);
    }
    let mut ledger_ids = Vec::new();
    for i in 0..tips {
        let id = ledger_id_of(&ledger, tips, &format!("SITE-TIP-{i:02}-END")).to_string();
        ledger.ok(&["status", &id, "verifying"]);
        ledger.ok(&["reply", &id, "--message", &format!("REPLY-{i:02} 已收到")]);
        ledger.ok(&[
            "reward",
            &id,
            "approve",
            "--amount",
            &format!("{}", 100 + i),
        ]);
        ledger_ids.push(id);
    }
    let out = work.path().join("out-1");
    let files = export_all(&ledger, &out);
    assert_eq!(files.len(), portals);
    for (p, id) in all.iter().zip(&ids) {
        apply_ok(p, &out.join(format!("{id}.tbu")));
    }

    // Lookups, many times round: every answer is the receipt's own, from every portal.
    let check_all = |rounds: usize, alive: usize| {
        let mut answered = BTreeSet::new();
        for _ in 0..rounds {
            for (i, receipt) in receipts.iter().enumerate() {
                let (status, page, by) = lb_lookup(&lb, receipt);
                assert_eq!(status, 200, "tip {i} via {by}: {page}");
                assert_eq!(
                    element_text(&page, "tip-status").as_deref(),
                    Some("verifying")
                );
                assert!(
                    page.contains(&format!("REPLY-{i:02} 已收到")),
                    "tip {i} via {by}"
                );
                assert!(
                    page.contains(&format!("{} yuan", 100 + i)),
                    "tip {i} via {by}"
                );
                let others = (0..tips).filter(|j| *j != i);
                for j in others {
                    assert!(!page.contains(&format!("REPLY-{j:02}")), "tip {i} via {by}");
                }
                // The claim token shown is the one the ledger checks for this tip.
                let token = element_text(&page, "claim-token").expect("claim token");
                let verified = ledger.ok(&["reward", "verify", &token]);
                assert!(
                    verified.contains(&format!("matches tip {}", ledger_ids[i])),
                    "tip {i} via {by}: {verified}"
                );
                answered.insert(by);
            }
        }
        assert_eq!(
            answered.len(),
            alive,
            "every live portal answered: {answered:?}"
        );
    };
    check_all(2, portals);

    // Follow-ups through the balancer, on whichever portal: each joins its own tip.
    for (i, receipt) in receipts.iter().enumerate() {
        let message = format!("FOLLOW-{i:02} 补充线索");
        let (status, page, _) = through(&lb, |c, base| {
            c.post(format!("{base}/status/followup?lang=en")).multipart(
                reqwest::blocking::multipart::Form::new()
                    .text("receipt", receipt.clone())
                    .text("message", message.clone()),
            )
        });
        assert_eq!(status, 200, "{page}");
    }
    for (i, p) in all.iter().enumerate() {
        let said = export_and_import(p, &ledger, work.path(), &format!("in2-{i}.tbx"));
        assert!(!said.contains("NOT PROVEN"), "{said}");
    }
    assert_eq!(
        ledger.list_json().as_array().unwrap().len(),
        tips,
        "no new entry"
    );
    for (i, id) in ledger_ids.iter().enumerate() {
        let shown = ledger.ok(&["show", id]);
        assert!(
            shown.contains(&format!("FOLLOW-{i:02} 补充线索")),
            "{shown}"
        );
        assert_eq!(shown.matches("FOLLOW-").count(), 1, "{shown}");
        assert!(shown.contains("from the receipt holder: yes"), "{shown}");
        assert!(!shown.contains("NOT PROVEN"), "{shown}");
    }
    let out = work.path().join("out-2");
    export_all(&ledger, &out);
    for (p, id) in all.iter().zip(&ids) {
        apply_ok(p, &out.join(format!("{id}.tbu")));
        assert!(blob_paths(&p.data).is_empty(), "every item acknowledged");
    }

    // One portal stops: the others answer everything published.
    let mut stopped = all.pop().unwrap();
    stopped.kill9();
    std::thread::sleep(Duration::from_millis(1500));
    check_all(2, portals - 1);
    drop(stopped);
}

#[test]
fn two_portals_behind_haproxy_answer_every_receipt_of_the_site() {
    site_behind_a_balancer(2);
}

#[test]
fn three_portals_behind_haproxy_answer_every_receipt_of_the_site() {
    site_behind_a_balancer(3);
}
