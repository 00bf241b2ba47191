//! The bounded pool that runs argon2id for receipts.
//!
//! Each derivation holds its memory (8 MiB by default, 64 MiB on portals created by
//! earlier versions) and a core for ~50 ms, so they must not run unbounded.
//! Submissions and lookups have separate permits: a flood of lookups can fill its own
//! permits and queue, then gets "busy" (429), but never delays a submission's derivation.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::crypto::{KdfParams, SALT_LEN};
use crate::receipt::{ReceiptCode, ReceiptKeys};

#[derive(Debug, thiserror::Error)]
pub enum KdfError {
    #[error("too many lookups are waiting")]
    Busy,
    #[error("key derivation failed")]
    Failed,
}

#[derive(Clone)]
pub struct KdfPool {
    inner: Arc<Inner>,
}

struct Inner {
    salt: [u8; SALT_LEN],
    params: KdfParams,
    submit: Semaphore,
    lookup: Semaphore,
    lookups_queued: AtomicUsize,
    max_lookup_queue: usize,
}

impl KdfPool {
    pub fn new(salt: [u8; SALT_LEN], params: KdfParams, workers: usize) -> Self {
        let workers = workers.max(1);
        let lookup_workers = (workers / 2).max(1);
        KdfPool {
            inner: Arc::new(Inner {
                salt,
                params,
                submit: Semaphore::new(workers),
                lookup: Semaphore::new(lookup_workers),
                lookups_queued: AtomicUsize::new(0),
                // Under a second of queued work at ~50-120 ms per derivation.
                max_lookup_queue: lookup_workers * 8,
            }),
        }
    }

    /// Start deriving now (concurrently with the upload) and return a handle to await.
    pub fn derive_for_submission(
        &self,
        code: ReceiptCode,
    ) -> tokio::task::JoinHandle<Result<ReceiptKeys, KdfError>> {
        let inner = self.inner.clone();
        tokio::spawn(async move {
            let _permit = inner.submit.acquire().await.map_err(|_| KdfError::Failed)?;
            run_blocking(&inner, code).await
        })
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
        let _permit = inner.lookup.acquire().await.map_err(|_| KdfError::Failed)?;
        run_blocking(inner, code).await
    }
}

async fn run_blocking(inner: &Arc<Inner>, code: ReceiptCode) -> Result<ReceiptKeys, KdfError> {
    let salt = inner.salt;
    let params = inner.params;
    tokio::task::spawn_blocking(move || code.derive(&salt, params))
        .await
        .map_err(|_| KdfError::Failed)?
        .map_err(|_| KdfError::Failed)
}
