//! Slow and idle connections: the header and idle timeouts, the caps on open
//! connections, graceful shutdown, and what becomes of the work of a request that timed out or
//! whose client left. Real sockets against the real server; timeouts of a second or two, and
//! bounds with wide margins, since the machine may be busy.

// A test binary of its own, run after the others rather than beside them: these tests time
// connections against timeouts of a second or two, and the `api` binary's hundred tests at
// once (demo data, exports, uploads) kept a 2-core machine busy enough to skew them. They
// share the `api` binary's `TestApp`, of which they use a part.
#![allow(dead_code)]

#[path = "../api/helpers.rs"]
mod helpers;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use sqlx::{PgPool, Postgres, Transaction};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::helpers::TestApp;

/// Where slow clients connect from: the whole of 127.0.0.0/8 is loopback on Linux.
const SLOW: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
const ORDINARY: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

mod caps;
mod timeouts;
mod work;

fn server(app: &TestApp) -> SocketAddr {
    app.address
        .trim_start_matches("http://")
        .parse()
        .expect("address")
}

/// Keeps connections alive and asks for gzip, as browsers do.
fn browser_like_client() -> reqwest::Client {
    reqwest::Client::builder()
        .gzip(true)
        .build()
        .expect("client")
}

async fn connect_from(app: &TestApp, from: IpAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().expect("socket");
    socket
        .bind(SocketAddr::new(from, 0))
        .expect("bind the source address");
    socket.connect(server(app)).await.expect("connect")
}

/// The home page and an API answer, each within three seconds.
async fn assert_served_promptly(app: &TestApp, client: &reqwest::Client) {
    for path in ["/", "/api/v1/sellers?q=acme"] {
        let started = Instant::now();
        let response = client.get(app.url(path)).send().await.expect("answer");
        assert_eq!(response.status(), 200, "{path}");
        response.bytes().await.expect("body");
        let took = started.elapsed();
        assert!(took < Duration::from_secs(3), "{path} took {took:?}");
    }
}

/// A slowloris connection: a request line, then one header byte every 200 ms. Returns how
/// long the server let it go on, or `None` if it still did after 15 s.
async fn trickle(server: SocketAddr, from: IpAddr) -> Option<Duration> {
    let socket = TcpSocket::new_v4().ok()?;
    socket.bind(SocketAddr::new(from, 0)).ok()?;
    let stream = socket.connect(server).await.ok()?;
    let started = Instant::now();
    let (mut reader, mut writer) = stream.into_split();
    let writing = async {
        writer
            .write_all(b"GET / HTTP/1.1\r\nHost: fakewatch\r\nX-Slow: ")
            .await?;
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            writer.write_all(b"a").await?;
        }
        #[allow(unreachable_code)]
        Ok::<(), std::io::Error>(())
    };
    let reading = async {
        let mut buf = [0u8; 512];
        while let Ok(1..) = reader.read(&mut buf).await {}
    };
    let cut = async {
        tokio::select! {
            _ = writing => {},
            () = reading => {},
        }
    };
    tokio::time::timeout(Duration::from_secs(15), cut)
        .await
        .ok()?;
    Some(started.elapsed())
}

/// Reads until the server closes the connection or resets it; what it sent, and how long after
/// `since` it closed. `None` if it was still open after `within`.
async fn read_until_closed(
    stream: &mut TcpStream,
    since: Instant,
    within: Duration,
) -> Option<(Vec<u8>, Duration)> {
    let mut received = Vec::new();
    let mut buf = [0u8; 4096];
    let read = async {
        while let Ok(n @ 1..) = stream.read(&mut buf).await {
            received.extend_from_slice(&buf[..n]);
        }
    };
    tokio::time::timeout(within, read).await.ok()?;
    Some((received, since.elapsed()))
}

/// Reads a response's head from a raw HTTP/1.1 connection: the head, and what came after it.
async fn read_head(stream: &mut TcpStream) -> (String, Vec<u8>) {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&data[..end]).into_owned();
            return (head, data[end + 4..].to_vec());
        }
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .expect("an answer within 10 s")
            .expect("read");
        assert!(n > 0, "closed before the whole answer");
        data.extend_from_slice(&buf[..n]);
    }
}

/// Reads one response with a `content-length` from a raw HTTP/1.1 connection; its head.
async fn read_response(stream: &mut TcpStream) -> String {
    let (head, mut body) = read_head(stream).await;
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .expect("a content-length");
    let mut buf = [0u8; 4096];
    while body.len() < length {
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .expect("the whole answer within 10 s")
            .expect("read");
        assert!(n > 0, "closed before the whole answer");
        body.extend_from_slice(&buf[..n]);
    }
    head
}

/// Holds an exclusive lock on `seller`, so that a search waits in PostgreSQL until released.
async fn lock_sellers(db: &PgPool) -> Transaction<'static, Postgres> {
    let mut tx = db.begin().await.expect("begin");
    sqlx::query("lock table seller in access exclusive mode")
        .execute(&mut *tx)
        .await
        .expect("lock");
    tx
}

async fn lock_waiters(db: &PgPool) -> i64 {
    sqlx::query_scalar(
        "select count(*) from pg_stat_activity
         where datname = current_database() and wait_event_type = 'Lock'",
    )
    .fetch_one(db)
    .await
    .expect("pg_stat_activity")
}

/// Waits (up to 15 s) until `count` queries wait for a lock in the test's database.
async fn wait_for_lock_waiters(db: &PgPool, count: i64) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while lock_waiters(db).await != count {
        assert!(
            Instant::now() < deadline,
            "{count} queries never waited for a lock"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
