//! A floor under the speed of request bodies.
//!
//! The idle timeout (`body_idle_timeout_secs`) cuts off a body that stops, but a client
//! sending one byte every minute never stops: it holds one of the `max_open_uploads` slots
//! for as long as it likes, and a handful of such clients shut the form for everyone.
//! [`MinRateBody`] ends a body with an error once it falls behind `min_upload_kib_per_sec`.
//! It is a token bucket: the body starts with `grace` (the idle timeout) of time in hand,
//! each byte received earns `1 / rate` seconds more, and time in hand never exceeds
//! `grace`. So a client can pause at most `grace`, and cannot bank a fast start to
//! trickle for hours afterwards. The handler then drops the upload and its partial
//! ciphertext as for any broken upload.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use http_body::{Body as HttpBody, Frame, SizeHint};
use tokio::time::{Instant, Sleep};

/// The error a body too slow ends with. It carries nothing from the request.
#[derive(Debug, thiserror::Error)]
#[error("the request body arrived more slowly than the configured minimum rate")]
pub struct TooSlow;

pub struct MinRateBody {
    inner: Body,
    grace: Duration,
    /// Bytes per second; never zero (the config refuses 0).
    min_rate: u64,
    /// When the time in hand runs out.
    deadline: Instant,
    /// Wakes the body at or before `deadline`. It is reset only when it fires early, not
    /// for every piece of a fast upload (timer updates cost more than the arithmetic).
    timer: Pin<Box<Sleep>>,
}

impl MinRateBody {
    pub fn new(inner: Body, grace: Duration, min_rate: u64) -> Self {
        let deadline = Instant::now() + grace;
        MinRateBody {
            inner,
            grace,
            min_rate: min_rate.max(1),
            deadline,
            timer: Box::pin(tokio::time::sleep_until(deadline)),
        }
    }

    /// `bytes` more have arrived: move the deadline on.
    fn earn(&mut self, bytes: usize) {
        let earned = Duration::from_secs_f64(bytes as f64 / self.min_rate as f64);
        self.deadline = (self.deadline + earned).min(Instant::now() + self.grace);
    }

    /// Ready once the deadline has passed; otherwise the timer is armed to wake us.
    fn poll_expired(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        while self.timer.as_mut().poll(cx).is_ready() {
            if Instant::now() >= self.deadline {
                return Poll::Ready(());
            }
            let deadline = self.deadline;
            self.timer.as_mut().reset(deadline);
        }
        Poll::Pending
    }
}

impl HttpBody for MinRateBody {
    type Data = Bytes;
    type Error = axum::BoxError;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        let this = &mut *self;
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(data) = frame.data_ref() {
                    let bytes = data.len();
                    this.earn(bytes);
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => match this.poll_expired(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(TooSlow.into()))),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
