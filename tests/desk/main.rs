//! The reviewer's desk (`tipbox-review desk`), driven as a process over real HTTP: who may
//! reach it, what its pages show of a hostile tip, and the casework and office forms, each
//! checked against what the command line does.

#[path = "../common/mod.rs"]
mod common;

mod access;
mod casework;
mod office;
mod pages;

use std::io::{Read, Write};
use std::process::Child;
use std::time::{Duration, Instant};

use common::*;

/// A running desk: its process, its address (`127.0.0.1:PORT`) and its one-time URL.
struct Desk {
    child: Child,
    host: String,
    url: String,
    stderr: DeskStderr,
}

impl Desk {
    /// `tipbox-review desk --no-open` on `ledger`, unlocked with the demo passphrase unless
    /// `locked`.
    fn start(ledger: &TestLedger, locked: bool, extra: &[&str]) -> Desk {
        let (child, url, seen) = start_desk(ledger, locked, extra);
        let host = url
            .strip_prefix("http://")
            .and_then(|r| r.split('/').next())
            .unwrap()
            .to_owned();
        Desk {
            child,
            host,
            url,
            stderr: seen,
        }
    }

    /// The session cookie the one-time URL gives.
    fn session(&self) -> String {
        let res = client().get(&self.url).send().unwrap();
        assert_eq!(res.status(), 200);
        let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Strict"), "{cookie}");
        cookie.split(';').next().unwrap().to_owned()
    }

    fn get(&self, session: &str, path: &str) -> (u16, String) {
        let res = client()
            .get(format!("http://{}{path}", self.host))
            .header("cookie", session)
            .send()
            .unwrap();
        (res.status().as_u16(), res.text().unwrap())
    }

    fn post(&self, session: &str, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let res = client()
            .post(format!("http://{}{path}", self.host))
            .header("cookie", session)
            .form(form)
            .send()
            .unwrap();
        (res.status().as_u16(), res.text().unwrap())
    }

    /// A raw request, every header as given (a browser after a DNS rebinding, a page of
    /// another site).
    fn raw(&self, request: &str) -> String {
        let mut s = std::net::TcpStream::connect(&self.host).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s.write_all(request.as_bytes()).unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    }

    /// Stop it as the desktop does (SIGTERM) and wait: it must stop cleanly.
    fn stop(mut self) -> String {
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "desk exited with {status}");
                break;
            }
            assert!(Instant::now() < deadline, "desk did not stop");
            std::thread::sleep(Duration::from_millis(50));
        }
        std::thread::sleep(Duration::from_millis(100));
        let text = self.stderr.lock().unwrap().clone();
        text
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The tips a ledger page links to, in its order.
fn tip_links(page: &str) -> Vec<String> {
    page.split("<a href=\"/tip/")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap().to_owned())
        .collect()
}

fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    page[at..at + 64].to_owned()
}
