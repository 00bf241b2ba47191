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

use std::io;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use tokio::sync::oneshot;

use crate::crypto::{KdfParams, SALT_LEN};
use crate::receipt::{ReceiptCode, ReceiptKeys};

#[derive(Debug, thiserror::Error)]
pub enum KdfError {
    #[error("too many lookups are waiting")]
    Busy,
    #[error("key derivation failed")]
    Failed,
}

/// The answer to one derivation, awaited by the request that asked for it.
pub type PendingKeys = oneshot::Receiver<Result<ReceiptKeys, KdfError>>;

struct Job {
    code: ReceiptCode,
    reply: oneshot::Sender<Result<ReceiptKeys, KdfError>>,
}

#[derive(Clone)]
pub struct KdfPool {
    inner: Arc<Inner>,
}

struct Inner {
    submit: mpsc::Sender<Job>,
    lookup: mpsc::Sender<Job>,
    lookups_queued: AtomicUsize,
    max_lookup_queue: usize,
}

impl KdfPool {
    /// `workers` threads derive for submissions and half as many (at least one) for
    /// lookups. Each thread takes the next job the moment it finishes one: no hand-over
    /// through the async runtime between two derivations, so the cores stay busy.
    pub fn new(salt: [u8; SALT_LEN], params: KdfParams, workers: usize) -> io::Result<Self> {
        let workers = workers.max(1);
        let lookup_workers = (workers / 2).max(1);
        Ok(KdfPool {
            inner: Arc::new(Inner {
                submit: spawn_workers("kdf-submit", workers, salt, params)?,
                lookup: spawn_workers("kdf-lookup", lookup_workers, salt, params)?,
                lookups_queued: AtomicUsize::new(0),
                // Under a second of queued work at ~35-120 ms per derivation.
                max_lookup_queue: lookup_workers * 8,
            }),
        })
    }

    /// Start deriving now (concurrently with the upload) and return the answer to await.
    pub fn derive_for_submission(&self, code: ReceiptCode) -> PendingKeys {
        enqueue(&self.inner.submit, code)
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
        enqueue(&inner.lookup, code)
            .await
            .unwrap_or(Err(KdfError::Failed))
    }
}

/// Queue a derivation and return where its answer will arrive.
fn enqueue(queue: &mpsc::Sender<Job>, code: ReceiptCode) -> PendingKeys {
    let (reply, pending) = oneshot::channel();
    // A send fails only if every worker thread is gone; the dropped `reply` then reads as
    // a closed channel (`Failed`) to the caller.
    let _ = queue.send(Job { code, reply });
    pending
}

/// Start `count` threads deriving the jobs sent to the returned queue, in order. They end
/// when the pool (the last sender) is dropped.
fn spawn_workers(
    name: &str,
    count: usize,
    salt: [u8; SALT_LEN],
    params: KdfParams,
) -> io::Result<mpsc::Sender<Job>> {
    let (jobs, queue) = mpsc::channel::<Job>();
    let queue = Arc::new(Mutex::new(queue));
    for i in 0..count {
        let queue = queue.clone();
        std::thread::Builder::new()
            .name(format!("{name}-{i}"))
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
                let keys = std::panic::catch_unwind(|| job.code.derive(&salt, params))
                    .ok()
                    .and_then(Result::ok)
                    .ok_or(KdfError::Failed);
                let _ = job.reply.send(keys);
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

    #[tokio::test]
    async fn the_pool_derives_the_same_keys_as_the_receipt_itself() {
        let pool = KdfPool::new(SALT, CHEAP, 2).unwrap();
        for _ in 0..5 {
            let code = ReceiptCode::generate();
            let direct = code.derive(&SALT, CHEAP).unwrap();
            let submitted = pool
                .derive_for_submission(code.clone())
                .await
                .unwrap()
                .unwrap();
            let looked_up = pool.derive_for_lookup(code).await.unwrap();
            for keys in [&submitted, &looked_up] {
                assert!(keys.lookup_key == direct.lookup_key);
                assert_eq!(keys.reply_public, direct.reply_public);
                assert_eq!(*keys.reply_secret, *direct.reply_secret);
            }
        }
    }

    #[tokio::test]
    async fn lookups_past_their_queue_are_busy_while_submissions_are_still_derived() {
        // One lookup thread, a queue of 8: of 40 lookups at once, some must be refused.
        let slow = KdfParams {
            passes: 4,
            memory: 1 << 20,
        };
        let pool = KdfPool::new(SALT, slow, 2).unwrap();
        let lookups: Vec<_> = (0..40)
            .map(|_| {
                let pool = pool.clone();
                tokio::spawn(async move { pool.derive_for_lookup(ReceiptCode::generate()).await })
            })
            .collect();
        tokio::task::yield_now().await;
        let submission = pool.derive_for_submission(ReceiptCode::generate());
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
