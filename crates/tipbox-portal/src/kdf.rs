//! The bounded pool that runs argon2id for receipts.
//!
//! Each derivation holds its memory (8 MiB by default, 64 MiB on portals created by
//! earlier versions) and a core for ~35-50 ms, so they must not run unbounded: a fixed
//! number of threads derive, and requests queue for them. Submissions and lookups have
//! their own threads and queues: a flood of lookups can fill its queue, then gets "busy"
//! (429), but never delays a submission's derivation.
//!
//! Dedicated threads rather than the async runtime's blocking pool: a thread that finishes
//! one derivation takes the next queued one at once. Handing each derivation through a
//! semaphore and `spawn_blocking` left a core idle between two derivations and moved the
//! work between threads; at saturation that cost ~7% of the tips per second
//! (docs/performance.md, figure 3).
//!
//! Receipts derived ahead: while no submission is open, the submission threads make the
//! next receipt (`receipts_ahead` of them, 1 by default) so that a submission does not
//! spend a core on argon2id while its upload streams in; on two cores that derivation
//! took ~40 ms of a 100 MiB upload's wall time (docs/performance.md, figure 1). Such a
//! receipt lives only in memory and is thrown away unused after [`READY_FOR`], so a
//! snapshot of the portal's memory reveals at most the receipts of the next
//! `receipts_ahead` tips, and only of those submitted within that minute (SECURITY.md).
//! A receipt handed to a request is never handed out again, whatever becomes of it.
use std::collections::VecDeque;
use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use tipbox_core::crypto::{KdfParams, SALT_LEN};
use tipbox_core::receipt::{ReceiptCode, ReceiptKeys};

/// How long a receipt derived ahead may wait for its submission before it is thrown away
/// (and, if the portal is still idle, replaced). Bounds what a snapshot of the portal's
/// memory reveals to the tips submitted within this time after it. Re-deriving once a
/// minute while idle costs well under 0.1% of a core.
pub const READY_FOR: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error)]
pub enum KdfError {
    #[error("too many lookups are waiting")]
    Busy,
    #[error("key derivation failed")]
    Failed,
}

/// A new receipt for a submission and everything derived from it.
pub struct NewReceipt {
    pub code: ReceiptCode,
    pub keys: ReceiptKeys,
    /// When the code was generated: a receipt derived ahead is never handed out older
    /// than [`READY_FOR`].
    pub made: Instant,
}

/// The new receipt a submission awaits: ready at once if one was derived ahead.
pub type PendingReceipt = oneshot::Receiver<Result<NewReceipt, KdfError>>;

struct Job {
    code: ReceiptCode,
    reply: oneshot::Sender<Result<ReceiptKeys, KdfError>>,
}

#[derive(Clone)]
pub struct KdfPool {
    inner: Arc<Inner>,
}

struct Inner {
    submit: Arc<SubmitSide>,
    lookup: mpsc::Sender<Job>,
    lookups_queued: AtomicUsize,
    max_lookup_queue: usize,
}

impl Drop for Inner {
    fn drop(&mut self) {
        // The submission threads end; the lookup threads end with their queue's sender.
        self.submit.lock().closed = true;
        self.submit.work.notify_all();
    }
}

/// The submission threads' shared state: submissions waiting for a receipt, and the
/// receipts derived ahead.
struct SubmitSide {
    state: Mutex<SubmitState>,
    /// Wakes a submission thread: a submission is waiting, the last open one ended, or the
    /// pool closed.
    work: Condvar,
    /// How many receipts to keep derived ahead (0: none).
    ahead: usize,
    /// How long a receipt derived ahead stays usable ([`READY_FOR`]; shorter in tests).
    ready_for: Duration,
    salt: [u8; SALT_LEN],
    params: KdfParams,
    /// Derivations started, ahead or on demand (tests).
    derivations: AtomicUsize,
}

#[derive(Default)]
struct SubmitState {
    waiting: VecDeque<oneshot::Sender<Result<NewReceipt, KdfError>>>,
    ready: VecDeque<NewReceipt>,
    deriving_ahead: usize,
    /// Submissions between their start and their answer: nothing is derived ahead while
    /// one is open, so that the derivation never competes with an upload for the cores.
    open: usize,
    closed: bool,
}

impl SubmitSide {
    fn lock(&self) -> MutexGuard<'_, SubmitState> {
        // The lock is never held across a derivation or anything else that can panic.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Generate a code and derive its keys (the expensive part).
    fn derive_new(&self) -> Result<NewReceipt, KdfError> {
        self.derivations.fetch_add(1, Ordering::Relaxed);
        let made = Instant::now();
        let code = ReceiptCode::generate();
        let keys = derive_keys(&code, &self.salt, self.params)?;
        Ok(NewReceipt { code, keys, made })
    }

    fn wants_one_ahead(&self, state: &SubmitState) -> bool {
        state.open == 0
            && state.waiting.is_empty()
            && state.ready.len() + state.deriving_ahead < self.ahead
    }
}

/// Held by a submission from its start until it has answered. While any is held, no
/// receipt is derived ahead; when the last one goes, the pool is refilled.
pub struct OpenSubmission {
    side: Arc<SubmitSide>,
}

impl Drop for OpenSubmission {
    fn drop(&mut self) {
        let mut state = self.side.lock();
        state.open -= 1;
        if state.open == 0 {
            self.side.work.notify_all();
        }
    }
}

impl KdfPool {
    /// `workers` threads derive for submissions and half as many (at least one) for
    /// lookups. Each thread takes the next job the moment it finishes one: no hand-over
    /// through the async runtime between two derivations, so the cores stay busy. While
    /// no submission is open, the submission threads keep `ahead` receipts derived ahead.
    pub fn new(
        salt: [u8; SALT_LEN],
        params: KdfParams,
        workers: usize,
        ahead: usize,
    ) -> io::Result<Self> {
        Self::with_ready_for(salt, params, workers, ahead, READY_FOR)
    }

    fn with_ready_for(
        salt: [u8; SALT_LEN],
        params: KdfParams,
        workers: usize,
        ahead: usize,
        ready_for: Duration,
    ) -> io::Result<Self> {
        let workers = workers.max(1);
        let lookup_workers = (workers / 2).max(1);
        let submit = Arc::new(SubmitSide {
            state: Mutex::new(SubmitState::default()),
            work: Condvar::new(),
            ahead,
            ready_for,
            salt,
            params,
            derivations: AtomicUsize::new(0),
        });
        for i in 0..workers {
            let side = submit.clone();
            std::thread::Builder::new()
                .name(format!("kdf-submit-{i}"))
                .spawn(move || submission_thread(&side))?;
        }
        Ok(KdfPool {
            inner: Arc::new(Inner {
                submit,
                lookup: spawn_lookup_workers(lookup_workers, salt, params)?,
                lookups_queued: AtomicUsize::new(0),
                // Under a second of queued work at ~35-120 ms per derivation.
                max_lookup_queue: lookup_workers * 8,
            }),
        })
    }

    /// A new receipt for a submission that starts now: one derived ahead if there is one,
    /// otherwise derived now, concurrently with the upload. Hold the returned
    /// `OpenSubmission` until the submission has answered.
    pub fn receipt_for_submission(&self) -> (OpenSubmission, PendingReceipt) {
        let side = &self.inner.submit;
        let (reply, pending) = oneshot::channel();
        let mut state = side.lock();
        state.open += 1;
        let now = Instant::now();
        while let Some(ready) = state.ready.pop_front() {
            if now.duration_since(ready.made) < side.ready_for {
                let _ = reply.send(Ok(ready));
                return (OpenSubmission { side: side.clone() }, pending);
            }
        }
        state.waiting.push_back(reply);
        side.work.notify_one();
        (OpenSubmission { side: side.clone() }, pending)
    }

    /// Derive for a lookup; refuses with `Busy` when too many lookups are already queued.
    pub async fn derive_for_lookup(&self, code: ReceiptCode) -> Result<ReceiptKeys, KdfError> {
        let inner = &self.inner;
        let queued = inner.lookups_queued.fetch_add(1, Ordering::SeqCst);
        struct Dequeue<'a>(&'a AtomicUsize);
        impl Drop for Dequeue<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::SeqCst);
            }
        }
        let _dequeue = Dequeue(&inner.lookups_queued);
        if queued >= inner.max_lookup_queue {
            return Err(KdfError::Busy);
        }
        let (reply, pending) = oneshot::channel();
        // A send fails only if every worker thread is gone; the dropped `reply` then reads
        // as a closed channel (`Failed`).
        let _ = inner.lookup.send(Job { code, reply });
        pending.await.unwrap_or(Err(KdfError::Failed))
    }

    /// Receipts derived ahead and not yet handed out (tests).
    #[cfg(test)]
    fn ready_ahead(&self) -> usize {
        self.inner.submit.lock().ready.len()
    }
}

/// Derive a receipt's keys on a pool thread: a panic inside the derivation is a failure
/// answered to the request, not a lost thread.
fn derive_keys(
    code: &ReceiptCode,
    salt: &[u8; SALT_LEN],
    params: KdfParams,
) -> Result<ReceiptKeys, KdfError> {
    std::panic::catch_unwind(|| code.derive(salt, params))
        .ok()
        .and_then(Result::ok)
        .ok_or(KdfError::Failed)
}

/// One submission thread: answer waiting submissions first; when none is open, keep the
/// receipts derived ahead fresh and numerous enough; otherwise sleep.
fn submission_thread(side: &SubmitSide) {
    let mut state = side.lock();
    loop {
        if state.closed {
            return;
        }
        // A submission that arrives while a receipt is being derived ahead waits for that
        // one: it is done sooner than a new derivation would be, and a third derivation
        // beside it and a lookup's would slow all three (a lookup flood's submissions
        // took ~95 ms instead of ~55 at the 99th percentile before this rule).
        if state.waiting.len() > state.deriving_ahead {
            let Some(reply) = state.waiting.pop_front() else {
                continue;
            };
            if reply.is_closed() {
                continue; // the request has gone (client left): nobody to derive for
            }
            drop(state);
            let _ = reply.send(side.derive_new());
            state = side.lock();
            continue;
        }
        let now = Instant::now();
        // Dropped receipts are zeroized (`ReceiptCode`, `ReceiptKeys`).
        state
            .ready
            .retain(|r| now.duration_since(r.made) < side.ready_for);
        if side.wants_one_ahead(&state) {
            state.deriving_ahead += 1;
            drop(state);
            let made = side.derive_new();
            state = side.lock();
            state.deriving_ahead -= 1;
            if made.is_err() {
                // Whoever waited for this one needs another thread to derive for them.
                side.work.notify_all();
            }
            // A submission that started meanwhile takes it at once; else it waits ready.
            let mut unclaimed = made.ok();
            while let Some(receipt) = unclaimed.take() {
                match state.waiting.pop_front() {
                    // A request that has gone gives the receipt back for the next one.
                    Some(reply) => unclaimed = reply.send(Ok(receipt)).err().and_then(Result::ok),
                    None => state.ready.push_back(receipt),
                }
            }
            continue;
        }
        // Sleep until there is work, or until the oldest receipt derived ahead expires.
        state = match state.ready.front() {
            Some(oldest) => {
                let left = side
                    .ready_for
                    .saturating_sub(now.duration_since(oldest.made));
                side.work
                    .wait_timeout(state, left)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0
            }
            None => side
                .work
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner),
        };
    }
}
/// Start `count` threads deriving the lookups sent to the returned queue, in order. They
/// end when the pool (the last sender) is dropped.
fn spawn_lookup_workers(
    count: usize,
    salt: [u8; SALT_LEN],
    params: KdfParams,
) -> io::Result<mpsc::Sender<Job>> {
    let (jobs, queue) = mpsc::channel::<Job>();
    let queue = Arc::new(Mutex::new(queue));
    for i in 0..count {
        let queue = queue.clone();
        std::thread::Builder::new()
            .name(format!("kdf-lookup-{i}"))
            .spawn(move || loop {
                // One idle thread waits on the queue; the others wait for the lock.
                let next = match queue.lock() {
                    Ok(queue) => queue.recv(),
                    Err(_) => return,
                };
                let Ok(job) = next else { return };
                if job.reply.is_closed() {
                    continue; // the request has gone (client left): nobody to derive for
                }
                let _ = job.reply.send(derive_keys(&job.code, &salt, params));
            })?;
    }
    Ok(jobs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SALT: [u8; SALT_LEN] = [7; SALT_LEN];
    /// Cheap parameters: these tests are about the pool, not about argon2id's cost.
    const CHEAP: KdfParams = KdfParams {
        passes: 1,
        memory: 64 * 1024,
    };

    /// Wait (at most 10 s) until `pool` holds `n` receipts derived ahead.
    fn wait_ready(pool: &KdfPool, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while pool.ready_ahead() != n {
            assert!(Instant::now() < deadline, "never {n} receipts ahead");
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    #[tokio::test]
    async fn the_pool_derives_the_same_keys_as_the_receipt_itself() {
        for ahead in [0, 1] {
            let pool = KdfPool::new(SALT, CHEAP, 2, ahead).unwrap();
            for _ in 0..5 {
                wait_ready(&pool, ahead);
                let (_open, pending) = pool.receipt_for_submission();
                let NewReceipt { code, keys, .. } = pending.await.unwrap().unwrap();
                let direct = code.derive(&SALT, CHEAP).unwrap();
                let looked_up = pool.derive_for_lookup(code).await.unwrap();
                for keys in [&keys, &looked_up] {
                    assert!(keys.lookup_key == direct.lookup_key);
                    assert_eq!(keys.reply_public, direct.reply_public);
                    assert_eq!(*keys.reply_secret, *direct.reply_secret);
                }
            }
        }
    }

    #[tokio::test]
    async fn receipts_are_derived_ahead_only_while_no_submission_is_open() {
        let pool = KdfPool::new(SALT, CHEAP, 2, 3).unwrap();
        wait_ready(&pool, 3);
        let (open, first) = pool.receipt_for_submission();
        // Handed out at once, without a derivation.
        let first = first.await.unwrap().unwrap();
        let (open2, second) = pool.receipt_for_submission();
        let second = second.await.unwrap().unwrap();
        assert_eq!(pool.ready_ahead(), 1);
        // While a submission is open, nothing is derived ahead: the cores are its upload's.
        drop(open);
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(pool.ready_ahead(), 1);
        // With the last one answered, the pool refills.
        drop(open2);
        wait_ready(&pool, 3);
        // Every receipt handed out is a new one.
        let mut codes = std::collections::HashSet::new();
        codes.insert(first.code.digits().to_owned());
        codes.insert(second.code.digits().to_owned());
        for _ in 0..10 {
            let (_open, pending) = pool.receipt_for_submission();
            let new = pending.await.unwrap().unwrap();
            assert!(
                codes.insert(new.code.digits().to_owned()),
                "a receipt was handed out twice"
            );
        }
    }

    #[tokio::test]
    async fn a_submission_takes_the_receipt_being_derived_ahead_instead_of_deriving_another() {
        let slow = KdfParams {
            passes: 8,
            memory: 1 << 20,
        };
        for _ in 0..5 {
            let pool = KdfPool::new(SALT, slow, 2, 1).unwrap();
            let side = &pool.inner.submit;
            // Catch the pool while (or just after) it derives its first receipt ahead.
            while side.derivations.load(Ordering::Relaxed) == 0 {
                std::thread::yield_now();
            }
            let (open, pending) = pool.receipt_for_submission();
            let new = pending.await.unwrap().unwrap();
            assert!(new.code.derive(&SALT, slow).unwrap().lookup_key == new.keys.lookup_key);
            // One derivation in all: a second one beside it would only have slowed both.
            assert_eq!(side.derivations.load(Ordering::Relaxed), 1);
            drop(open);
        }
    }

    #[tokio::test]
    async fn no_receipt_is_derived_ahead_when_turned_off() {
        let pool = KdfPool::new(SALT, CHEAP, 2, 0).unwrap();
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(pool.ready_ahead(), 0);
        let (open, pending) = pool.receipt_for_submission();
        assert!(pending.await.unwrap().is_ok());
        drop(open);
        std::thread::sleep(Duration::from_millis(200));
        assert_eq!(pool.ready_ahead(), 0);
    }

    #[tokio::test]
    async fn a_receipt_derived_ahead_is_replaced_once_it_has_waited_too_long() {
        // SECURITY.md: a memory snapshot reveals receipts only of the tips submitted
        // within `ready_for` after it.
        let ready_for = Duration::from_millis(100);
        let pool = KdfPool::with_ready_for(SALT, CHEAP, 1, 1, ready_for).unwrap();
        for _ in 0..5 {
            wait_ready(&pool, 1);
            std::thread::sleep(Duration::from_millis(70));
            let (_open, pending) = pool.receipt_for_submission();
            let new = pending.await.unwrap().unwrap();
            assert!(
                new.made.elapsed() < ready_for + Duration::from_millis(50),
                "handed out a receipt made {:?} ago",
                new.made.elapsed()
            );
        }
        // Left idle, the receipt is thrown away and replaced, not kept.
        wait_ready(&pool, 1);
        let before = pool.inner.submit.lock().ready[0].made;
        std::thread::sleep(ready_for * 3);
        wait_ready(&pool, 1);
        let after = pool.inner.submit.lock().ready[0].made;
        assert!(
            after > before,
            "the receipt derived ahead was kept past its time"
        );
        assert!(after.elapsed() < ready_for * 2);
    }

    #[tokio::test]
    async fn lookups_past_their_queue_are_busy_while_submissions_are_still_derived() {
        // One lookup thread, a queue of 8: of 40 lookups at once, some must be refused.
        let slow = KdfParams {
            passes: 4,
            memory: 1 << 20,
        };
        let pool = KdfPool::new(SALT, slow, 2, 0).unwrap();
        let lookups: Vec<_> = (0..40)
            .map(|_| {
                let pool = pool.clone();
                tokio::spawn(async move { pool.derive_for_lookup(ReceiptCode::generate()).await })
            })
            .collect();
        tokio::task::yield_now().await;
        let (_open, submission) = pool.receipt_for_submission();
        let mut busy = 0;
        let mut derived = 0;
        for lookup in lookups {
            match lookup.await.unwrap() {
                Ok(_) => derived += 1,
                Err(KdfError::Busy) => busy += 1,
                Err(KdfError::Failed) => panic!("a lookup's derivation failed"),
            }
        }
        assert!(busy > 0, "no lookup was refused");
        assert!(derived >= 8, "only {derived} lookups were derived");
        assert!(submission.await.unwrap().is_ok());
    }
}
