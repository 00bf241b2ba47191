//! One form, one tip, one receipt (ARCHITECTURE.md, invariant 9), whatever the browser sends again.
//!
//! Every submission form carries a random **form token** (a hidden field, new each time
//! the form is shown). A browser that sends the form twice (a second tap on a slow link, a
//! reload of the receipt page, Back and "resubmit") sends the same token, and:
//!
//! - the first submission to reach its commit stores the tip; any other one with the same
//!   token stores nothing and shows the same receipt ([`Submissions::claim`]);
//! - a request that arrives after the commit is answered from here at once, before its
//!   upload is read ([`Submissions::begin`]);
//! - for [`RECEIPT_MINUTES`] after the commit, the receipt page can be shown again with the
//!   token (to switch its language, to print the code), until the reporter closes it;
//!   after that, or once closed, the form still stores nothing more for
//!   [`TOMBSTONE_HOURS`] and says so.
//!
//! What is kept, in memory only, and bounded (SECURITY.md, "One form, one tip"): per token,
//! a BLAKE2b hash of it (never the token) and the receipt sealed (secretbox) with a key
//! derived from the token, which only the reporter's browser holds; the minute it expires;
//! at most [`MAX_RECEIPTS`] receipts and [`MAX_TOMBSTONES`] hashes, the oldest dropped
//! first. This table gives neither the tokens nor the receipts, only how many forms were
//! sent in the last day, to the minute of their expiry (the HTTP stack's own buffers are
//! another matter: SECURITY.md, "One form, one tip").
//!
//! Only the portal's own tokens reach a form: a form shown again after a refused post gets
//! a new token, never the one the post carried, and a follow-up's token is bound to its
//! tip ([`TokenKeys::for_followup`]).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use tipbox_core::receipt::LookupKey;
use zeroize::Zeroizing;

/// How long after a commit the receipt page can be shown again with the form's token.
pub const RECEIPT_MINUTES: u32 = 15;
/// How long a used form token is remembered (it stores nothing more, and says so).
pub const TOMBSTONE_HOURS: u32 = 24;
/// Most receipts kept at once (beyond: the oldest become tombstones early).
pub const MAX_RECEIPTS: usize = 10_000;
/// Most used tokens remembered at once (beyond: the oldest are forgotten).
pub const MAX_TOMBSTONES: usize = 100_000;

/// A form token as the page carries it: 128 random bits, 32 lowercase hex digits.
pub fn new_token() -> String {
    let mut t = [0u8; 16];
    tipbox_core::crypto::random_bytes(&mut t);
    hex::encode(t)
}

/// What the portal keeps for a token: its hash (the map key) and the key its receipt is
/// sealed with, both derived from the token. `None` for anything that is not a token.
pub struct TokenKeys {
    id: [u8; 32],
    seal: Zeroizing<[u8; 32]>,
}

impl TokenKeys {
    /// The keys of a new-tip form's token.
    pub fn for_tip(token: &str) -> Option<TokenKeys> {
        Self::derive(token, "tip")
    }

    /// The keys of a follow-up form's token, for the tip whose lookup key is `lookup`: a
    /// follow-up token is never a tip's, and one tip's never another's.
    pub fn for_followup(token: &str, lookup: &LookupKey) -> Option<TokenKeys> {
        Self::derive(token, &format!("follow-up {}", hex::encode(lookup.0)))
    }

    fn derive(token: &str, purpose: &str) -> Option<TokenKeys> {
        if !tipbox_core::bundle::is_lower_hex(token, 32) {
            return None;
        }
        let derive = |label: &str| {
            tipbox_core::crypto::hash256(
                format!("tipbox form token v2 {purpose} {label}\n{token}").as_bytes(),
            )
        };
        Some(TokenKeys {
            id: derive("id"),
            seal: Zeroizing::new(derive("receipt key")),
        })
    }
}

/// A receipt shown for a form: the code (grouped, as shown) and the day it was stored.
pub struct Shown {
    pub receipt: Zeroizing<String>,
    pub day: String,
}

/// What a request with a token finds.
pub enum Found {
    /// Nothing yet: go on (read the upload).
    Fresh,
    /// The tip of this form is stored: show this receipt, store nothing.
    Receipt(Shown),
    /// The tip of this form is stored, and its receipt is no longer shown (closed by the
    /// reporter, or older than [`RECEIPT_MINUTES`]): store nothing, and say so.
    Closed,
}

enum Entry {
    /// A request is storing this form's tip right now.
    Committing,
    Done {
        sealed: Vec<u8>,
        day: String,
        until: u32,
    },
    Closed {
        until: u32,
    },
}

#[derive(Default)]
struct State {
    entries: HashMap<[u8; 32], Entry>,
    /// Done entries in the order they were made, with their expiry (for the bounds).
    receipts: VecDeque<([u8; 32], u32)>,
    tombstones: VecDeque<([u8; 32], u32)>,
}

#[derive(Default)]
pub struct Submissions {
    state: Mutex<State>,
    changed: tokio::sync::Notify,
}

/// Minutes since the Unix epoch: the only clock this module keeps.
fn minute_now() -> u32 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    u32::try_from(secs / 60).unwrap_or(u32::MAX)
}

impl State {
    fn expire(&mut self, now: u32) {
        while let Some(&(id, until)) = self.receipts.front() {
            let over = self.receipts.len() > MAX_RECEIPTS;
            if until > now && !over {
                break;
            }
            self.receipts.pop_front();
            if matches!(self.entries.get(&id), Some(Entry::Done { until: u, .. }) if *u == until) {
                self.bury(id, now);
            }
        }
        while let Some(&(id, until)) = self.tombstones.front() {
            if until > now && self.tombstones.len() <= MAX_TOMBSTONES {
                break;
            }
            self.tombstones.pop_front();
            if matches!(self.entries.get(&id), Some(Entry::Closed { until: u }) if *u == until) {
                self.entries.remove(&id);
            }
        }
    }

    fn bury(&mut self, id: [u8; 32], now: u32) {
        let until = now.saturating_add(TOMBSTONE_HOURS * 60);
        self.entries.insert(id, Entry::Closed { until });
        self.tombstones.push_back((id, until));
    }

    fn find(&self, keys: &TokenKeys) -> Option<Found> {
        match self.entries.get(&keys.id)? {
            Entry::Committing => None,
            Entry::Closed { .. } => Some(Found::Closed),
            Entry::Done { sealed, day, .. } => {
                let opened = tipbox_core::crypto::secretbox_open(&keys.seal, sealed).ok()?;
                let receipt = Zeroizing::new(String::from_utf8(opened.to_vec()).ok()?);
                Some(Found::Receipt(Shown {
                    receipt,
                    day: day.clone(),
                }))
            }
        }
    }
}

impl Submissions {
    /// What a request carrying `keys` finds when it starts: a stored tip's receipt, a
    /// closed one, or nothing (a tip being stored right now counts as nothing yet: the
    /// request goes on, and [`Submissions::claim`] settles it).
    pub fn begin(&self, keys: &TokenKeys) -> Found {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.expire(minute_now());
        s.find(keys).unwrap_or(Found::Fresh)
    }

    /// At the commit: `Fresh` means this request stores the tip (then [`Submissions::done`]
    /// or [`Submissions::abandon`]); otherwise another request with the same token stored
    /// it, and this one stores nothing. Waits while another request is committing.
    pub async fn claim(&self, keys: &TokenKeys) -> Found {
        loop {
            let changed = self.changed.notified();
            {
                let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
                s.expire(minute_now());
                match s.entries.get(&keys.id) {
                    None => {
                        s.entries.insert(keys.id, Entry::Committing);
                        return Found::Fresh;
                    }
                    Some(Entry::Committing) => {}
                    Some(_) => return s.find(keys).unwrap_or(Found::Closed),
                }
            }
            changed.await;
        }
    }

    /// The tip of the form is stored, with `receipt` (as shown).
    pub fn done(&self, keys: &TokenKeys, receipt: &str, day: &str) {
        let now = minute_now();
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let until = now.saturating_add(RECEIPT_MINUTES);
        let sealed = tipbox_core::crypto::secretbox_seal(&keys.seal, receipt.as_bytes());
        s.entries.insert(
            keys.id,
            Entry::Done {
                sealed,
                day: day.to_owned(),
                until,
            },
        );
        s.receipts.push_back((keys.id, until));
        s.expire(now);
        drop(s);
        self.changed.notify_waiters();
    }

    /// Storing the tip failed: another request with the token may try.
    pub fn abandon(&self, keys: &TokenKeys) {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if matches!(s.entries.get(&keys.id), Some(Entry::Committing)) {
            s.entries.remove(&keys.id);
        }
        drop(s);
        self.changed.notify_waiters();
    }

    /// The reporter wrote the code down: the receipt page is not shown again.
    pub fn close(&self, keys: &TokenKeys) {
        let now = minute_now();
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        if matches!(s.entries.get(&keys.id), Some(Entry::Done { .. })) {
            s.bury(keys.id, now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::for_tip(&new_token()).unwrap()
    }

    #[tokio::test]
    async fn one_token_stores_one_tip_and_shows_its_receipt_again() {
        let s = Submissions::default();
        let k = keys();
        assert!(matches!(s.begin(&k), Found::Fresh));
        assert!(matches!(s.claim(&k).await, Found::Fresh));
        s.done(&k, "1234 5678", "2026-12-06");
        for found in [s.begin(&k), s.claim(&k).await] {
            match found {
                Found::Receipt(shown) => {
                    assert_eq!(shown.receipt.as_str(), "1234 5678");
                    assert_eq!(shown.day, "2026-12-06");
                }
                _ => panic!("the receipt was not found again"),
            }
        }
        // Another form is another tip.
        assert!(matches!(s.claim(&keys()).await, Found::Fresh));
        s.close(&k);
        assert!(matches!(s.begin(&k), Found::Closed));
        assert!(matches!(s.claim(&k).await, Found::Closed));
    }

    #[tokio::test]
    async fn a_second_request_waits_for_the_first_commit_then_stores_nothing() {
        let s = std::sync::Arc::new(Submissions::default());
        let k = TokenKeys::for_tip(&"ab".repeat(16)).unwrap();
        assert!(matches!(s.claim(&k).await, Found::Fresh));
        let waiter = {
            let s = s.clone();
            tokio::spawn(async move {
                let k = TokenKeys::for_tip(&"ab".repeat(16)).unwrap();
                match s.claim(&k).await {
                    Found::Receipt(shown) => shown.receipt.to_string(),
                    _ => "nothing".into(),
                }
            })
        };
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(!waiter.is_finished(), "it waits while the first commits");
        s.done(&k, "0000 1111", "2026-12-06");
        assert_eq!(waiter.await.unwrap(), "0000 1111");
    }

    #[tokio::test]
    async fn a_failed_commit_lets_the_next_request_store_the_tip() {
        let s = Submissions::default();
        let k = keys();
        assert!(matches!(s.claim(&k).await, Found::Fresh));
        s.abandon(&k);
        assert!(matches!(s.claim(&k).await, Found::Fresh));
    }

    #[test]
    fn only_tokens_are_tokens_and_nothing_kept_reveals_one() {
        assert!(TokenKeys::for_tip("not a token").is_none());
        assert!(TokenKeys::for_tip(&"AB".repeat(16)).is_none());
        let s = Submissions::default();
        let token = new_token();
        let k = TokenKeys::for_tip(&token).unwrap();
        s.done(&k, "5555 6666", "2026-12-06");
        let state = s.state.lock().unwrap();
        let (id, entry) = state.entries.iter().next().unwrap();
        assert_ne!(&id[..16], &hex::decode(&token).unwrap()[..]);
        let Entry::Done { sealed, .. } = entry else {
            panic!()
        };
        assert!(!sealed.windows(4).any(|w| w == b"5555"), "sealed");
    }

    /// A follow-up form's token used for a new tip (or for another tip's follow-up) is a
    /// token never seen: it stores, rather than showing an empty receipt or a success
    /// that stored nothing (found by the black-box attack on the reporter's journey).
    #[tokio::test]
    async fn regression_a_follow_up_token_blocked_a_tip_and_other_tips_follow_ups() {
        let s = Submissions::default();
        let token = new_token();
        let (a, b) = (LookupKey([1; 32]), LookupKey([2; 32]));
        let on_a = TokenKeys::for_followup(&token, &a).unwrap();
        assert!(matches!(s.claim(&on_a).await, Found::Fresh));
        s.done(&on_a, "", "2026-12-07");
        assert!(matches!(s.begin(&on_a), Found::Receipt(_)));
        let as_tip = TokenKeys::for_tip(&token).unwrap();
        assert!(matches!(s.begin(&as_tip), Found::Fresh));
        assert!(matches!(s.claim(&as_tip).await, Found::Fresh));
        let on_b = TokenKeys::for_followup(&token, &b).unwrap();
        assert!(matches!(s.claim(&on_b).await, Found::Fresh));
    }

    #[test]
    fn receipts_and_tombstones_are_bounded() {
        let s = Submissions::default();
        for _ in 0..MAX_RECEIPTS + 10 {
            s.done(&keys(), "1", "2026-12-06");
        }
        let state = s.state.lock().unwrap();
        let receipts = state
            .entries
            .values()
            .filter(|e| matches!(e, Entry::Done { .. }))
            .count();
        assert_eq!(receipts, MAX_RECEIPTS);
        assert_eq!(state.tombstones.len(), 10);
    }
}
