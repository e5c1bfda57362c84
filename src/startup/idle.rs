//! Knowing when a connection has no request in progress, and for how long.
//!
//! A request is in progress from the moment hyper hands its head to the service until its
//! response body has been sent to the end or dropped, so a long streamed export keeps its
//! connection busy while a client reads it, and a connection waiting for a request's headers
//! (or for the next request) is idle.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use http_body::{Frame, SizeHint};
use tokio::sync::watch;
use tokio::time::Instant;

/// Requests on one connection: those in progress, how many ever started, and since when none
/// has been in progress.
#[derive(Debug, Clone, Copy)]
struct Requests {
    in_progress: usize,
    started: u64,
    idle_since: Instant,
}

/// The requests of one connection, shared by its service, its watchdog and the [`Gate`].
///
/// [`Gate`]: super::gate::Gate
#[derive(Debug, Clone)]
pub struct Activity(Arc<watch::Sender<Requests>>);

impl Default for Activity {
    fn default() -> Activity {
        Activity(Arc::new(watch::Sender::new(Requests {
            in_progress: 0,
            started: 0,
            idle_since: Instant::now(),
        })))
    }
}

impl Activity {
    /// Counts a request in progress until the returned guard is dropped.
    pub(super) fn start(&self) -> InProgress {
        self.0.send_modify(|r| {
            r.in_progress += 1;
            r.started += 1;
        });
        InProgress(self.clone())
    }

    /// Whether any request has started on this connection.
    pub fn has_served(&self) -> bool {
        self.0.borrow().started > 0
    }

    /// Since when the connection has had no request in progress; `None` while it has one.
    pub fn idle_since(&self) -> Option<Instant> {
        let requests = self.0.borrow();
        (requests.in_progress == 0).then_some(requests.idle_since)
    }

    /// Resolves once the connection has had no request in progress for `before_first` (if it
    /// never had one) or `after` (once it has): the clock starts when the last response ends,
    /// or when this is called if that is later, and restarts whenever a request starts.
    pub async fn idle_for(&self, before_first: Duration, after: Duration) {
        let mut requests = self.0.subscribe();
        loop {
            let Ok(started) = requests
                .wait_for(|r| r.in_progress == 0)
                .await
                .map(|r| r.started)
            else {
                return;
            };
            let limit = if started == 0 { before_first } else { after };
            let next = requests.wait_for(|r| r.started != started);
            if tokio::time::timeout(limit, next).await.is_err() {
                return;
            }
        }
    }

    /// Wraps a response so that the request stays in progress until its body has been sent.
    pub fn track<F>(&self, future: F) -> impl Future<Output = F::Output> + use<F>
    where
        F: Future<Output = Result<Response, std::convert::Infallible>>,
    {
        let guard = self.start();
        async move {
            let response = future.await?;
            Ok(response.map(|body| {
                Body::new(TrackedBody {
                    body,
                    _guard: guard,
                })
            }))
        }
    }
}

/// One request in progress; dropping it ends the request.
#[derive(Debug)]
pub(super) struct InProgress(Activity);

impl Drop for InProgress {
    fn drop(&mut self) {
        self.0.0.send_modify(|r| {
            r.in_progress -= 1;
            if r.in_progress == 0 {
                r.idle_since = Instant::now();
            }
        });
    }
}

/// A response body that holds its request's [`InProgress`] guard until it is dropped.
struct TrackedBody {
    body: Body,
    _guard: InProgress,
}

impl http_body::Body for TrackedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        Pin::new(&mut self.body).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.body.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.body.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    const SHORT: Duration = Duration::from_millis(100);
    const LONG: Duration = Duration::from_secs(3600);

    /// Whether `elapsed` is `expected`, give or take a busy machine.
    fn about(elapsed: Duration, expected: Duration) -> bool {
        elapsed >= expected && elapsed < expected + Duration::from_secs(2)
    }

    #[tokio::test]
    async fn a_fresh_connection_is_idle_after_the_first_limit() {
        let activity = Activity::default();
        let started = Instant::now();
        activity.idle_for(SHORT, LONG).await;
        assert!(about(started.elapsed(), SHORT), "{:?}", started.elapsed());
    }

    #[tokio::test]
    async fn a_request_in_progress_keeps_the_connection_busy() {
        let activity = Activity::default();
        let guard = activity.start();
        let idle = tokio::time::timeout(SHORT * 3, activity.idle_for(SHORT, SHORT)).await;
        assert!(idle.is_err(), "idle while a request was in progress");
        drop(guard);
        let started = Instant::now();
        activity.idle_for(LONG, SHORT).await;
        assert!(about(started.elapsed(), SHORT), "{:?}", started.elapsed());
    }

    #[tokio::test]
    async fn a_request_that_starts_and_ends_restarts_the_clock() {
        let activity = Activity::default();
        let watcher = activity.clone();
        let started = Instant::now();
        let idle = tokio::spawn(async move { watcher.idle_for(SHORT * 3, SHORT * 3).await });
        tokio::time::sleep(SHORT * 2).await;
        drop(activity.start());
        idle.await.expect("watchdog");
        assert!(
            about(started.elapsed(), SHORT * 5),
            "{:?}",
            started.elapsed()
        );
    }
}
