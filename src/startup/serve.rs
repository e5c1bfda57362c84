//! The accept loop: `axum::serve`'s, plus caps on open connections, a header timeout, an idle
//! timeout, and a graceful shutdown that does not wait for connections that never ask anything.
//!
//! hyper's HTTP/1.1 `header_read_timeout` is not used. It starts only once the protocol has
//! been told from the first bytes (a client that sends nothing is never timed), it does not
//! exist for HTTP/2, and on a kept-alive connection hyper starts its clock when the previous
//! response ends (`State::idle` in hyper 1.12), which would make it the idle timeout as well.
//! One watchdog per connection covers both protocols instead: a connection must have a request
//! in progress within the header timeout of being accepted, and again within the idle timeout
//! of its last response ending (see [`Activity`]).

use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::{Service, ServiceBuilder};

use super::gate::{Admitted, Gate, Place};
use super::idle::Activity;

/// How long connections may wait and how many may be open.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// From accepting a connection to its first request's headers being read.
    pub header_timeout: Duration,
    /// From a response's end to the next request's headers being read.
    pub idle_timeout: Duration,
    pub max_connections: usize,
    /// 0: no cap per client address.
    pub max_connections_per_client: usize,
}

/// The answer to a client over its cap, written without waiting before the connection closes.
/// If the client had already sent its request, the kernel may answer with a reset instead.
const REFUSED: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
    content-type: text/plain; charset=utf-8\r\nretry-after: 10\r\nconnection: close\r\n\
    content-length: 40\r\n\r\nToo many connections from your address.\n";

/// Serves `app` on `listener` until `signal` resolves; then stops accepting, lets requests in
/// progress finish, and returns once every connection has closed.
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: Limits,
    signal: impl Future<Output = ()>,
) {
    let gate = Gate::new(limits.max_connections, limits.max_connections_per_client);
    let builder = Arc::new(Builder::new(TokioExecutor::new()));
    let mut make_service = app.into_make_service_with_connect_info::<SocketAddr>();
    // Each connection holds a receiver: a send asks them to close, and `closed` waits for them.
    let (closing, closing_rx) = watch::channel(());
    let (mut full, mut refusals) = (Warned::default(), Warned::default());
    let mut signal = pin!(signal);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut signal => break,
            accepted = accept(&listener) => accepted,
        };
        // Before a place is sought, so that a refused client never makes room.
        if !gate.within_share(peer.ip()) {
            refuse(&stream, &mut refusals);
            continue;
        }
        let place = tokio::select! {
            () = &mut signal => break,
            place = take_place(&gate, &mut full) => place,
        };
        let activity = Activity::default();
        let Some(admitted) = gate.admit(place, peer.ip(), activity.clone()) else {
            refuse(&stream, &mut refusals);
            continue;
        };
        let Ok(service) = make_service.call(peer).await;
        tokio::spawn(connection(
            stream,
            service,
            builder.clone(),
            limits,
            closing_rx.clone(),
            (admitted, activity),
        ));
    }
    drop(listener);
    drop(closing_rx);
    let _ = closing.send(());
    closing.closed().await;
}

/// Waits for a connection.
async fn accept(listener: &TcpListener) -> (TcpStream, SocketAddr) {
    loop {
        match listener.accept().await {
            Ok(accepted) => return accepted,
            Err(e) if is_connection_error(&e) => {}
            // Out of file descriptors, most likely: wait for some to close, as axum does.
            Err(e) => {
                tracing::error!(error = %e, "accept error");
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
        }
    }
}

/// A place under the total cap for a connection that has come, making room if need be (never
/// ahead of a connection). Meanwhile the next newcomers wait in the listen backlog.
async fn take_place(gate: &Gate, full: &mut Warned) -> Place {
    if let Some(place) = gate.try_place() {
        return place;
    }
    loop {
        let made_room = gate.make_room();
        if let Some(times) = full.due() {
            tracing::warn!(
                times,
                made_room,
                "FAKEWATCH_MAX_CONNECTIONS are open: closing the idlest to make room, \
                 or waiting for a request to end"
            );
        }
        // A connection asked to make room closes at once, unless a request started on it
        // meanwhile; then, or when all are busy, look again shortly.
        let retry = Duration::from_millis(if made_room { 100 } else { 250 });
        if let Ok(place) = tokio::time::timeout(retry, gate.place()).await {
            return place;
        }
    }
}

/// Answers a client over its cap and closes the connection.
fn refuse(stream: &TcpStream, refusals: &mut Warned) {
    let _ = stream.try_write(REFUSED);
    if let Some(refused) = refusals.due() {
        tracing::warn!(
            refused,
            "refused connections from addresses at FAKEWATCH_MAX_CONNECTIONS_PER_IP"
        );
    }
}

/// Serves one connection until it ends, is idle too long, or the server shuts down.
async fn connection<S>(
    stream: TcpStream,
    service: S,
    builder: Arc<Builder<TokioExecutor>>,
    limits: Limits,
    mut closing: watch::Receiver<()>,
    (admitted, activity): (Admitted, Activity),
) where
    S: Service<
            axum::http::Request<hyper::body::Incoming>,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
        > + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    let tracker = activity.clone();
    let service = ServiceBuilder::new()
        .map_future(move |future| tracker.track(future))
        .service(service);
    // No upgrades: the service has none, and an upgraded connection would escape the caps.
    let mut conn =
        pin!(builder.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service)));
    let mut asked_to_close = false;
    loop {
        // Once asked, an idle connection gets one header timeout to close by itself.
        let (before_first, after) = if asked_to_close {
            (limits.header_timeout, limits.header_timeout)
        } else {
            (limits.header_timeout, limits.idle_timeout)
        };
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                return;
            }
            () = activity.idle_for(before_first, after) => {
                // Nothing to finish: a connection that never sent a request's headers in time
                // (hyper's graceful shutdown would wait for one), or one that was asked to
                // close and did not.
                if asked_to_close || !activity.has_served() {
                    tracing::debug!(
                        asked_to_close,
                        "closed a connection that sent no request in time"
                    );
                    return;
                }
            }
            _ = closing.changed(), if !asked_to_close => {}
            () = admitted.asked_to_make_room() => {
                if activity.idle_since().is_some() {
                    tracing::debug!("closed an idle connection to make room for a new one");
                    return;
                }
                continue;
            }
        }
        // HTTP/1.1 closes once the response in progress (if any) has been sent; HTTP/2 sends
        // GOAWAY and closes once its streams are done.
        asked_to_close = true;
        conn.as_mut().graceful_shutdown();
    }
}

fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}

/// Counts events and says when to log them: at the first, then at most once a minute, so
/// that an attack does not flood the log.
#[derive(Default)]
struct Warned {
    logged_at: Option<Instant>,
    since: u64,
}

impl Warned {
    /// Counts one event; returns how many there were since the last log line, if one is due.
    fn due(&mut self) -> Option<u64> {
        self.since += 1;
        let due = self
            .logged_at
            .is_none_or(|at| at.elapsed() >= Duration::from_secs(60));
        due.then(|| {
            self.logged_at = Some(Instant::now());
            std::mem::take(&mut self.since)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_refusal_is_a_whole_response() {
        let text = std::str::from_utf8(REFUSED).expect("text");
        let (head, body) = text.split_once("\r\n\r\n").expect("head and body");
        let length = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length: "))
            .expect("a length");
        assert_eq!(length, body.len().to_string());
    }
}
