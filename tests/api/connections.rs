//! Slow and idle connections (issue 9): the header and idle timeouts, the caps on open
//! connections, graceful shutdown, and what becomes of the work of a request that timed out or
//! whose client left. Real sockets against the real server; timeouts of a second or two, and
//! bounds with wide margins, since the machine may be busy.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::{Duration, Instant};

use axum::http::Request;
use sqlx::{PgPool, Postgres, Transaction};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use crate::helpers::TestApp;

/// Where slow clients connect from: the whole of 127.0.0.0/8 is loopback on Linux.
const SLOW: IpAddr = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
const ORDINARY: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

#[tokio::test]
async fn a_client_that_sends_half_a_request_line_is_disconnected_after_the_header_timeout() {
    let app = TestApp::spawn_with(|c| {
        c.header_timeout_secs = 1;
        c.idle_timeout_secs = 30;
    })
    .await;
    let mut half = connect_from(&app, ORDINARY).await;
    // Sending nothing at all leaves the server unable to tell HTTP/1.1 from HTTP/2.
    let mut silent = connect_from(&app, ORDINARY).await;
    let sent = Instant::now();
    half.write_all(b"GET /healthz HT").await.expect("write");

    for stream in [&mut half, &mut silent] {
        let (answer, after) = read_until_closed(stream, sent, Duration::from_secs(10))
            .await
            .expect("closed within 10 s");
        assert!(
            answer.is_empty(),
            "answered {:?}",
            String::from_utf8_lossy(&answer)
        );
        assert!(
            after >= Duration::from_millis(900),
            "closed after {after:?}"
        );
    }
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed_after_the_idle_timeout() {
    let app = TestApp::spawn_with(|c| {
        c.header_timeout_secs = 1;
        c.idle_timeout_secs = 3;
    })
    .await;
    let mut stream = connect_from(&app, ORDINARY).await;
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {}\r\n\r\n", server(&app));
    stream.write_all(request.as_bytes()).await.expect("write");
    assert!(read_response(&mut stream).await.starts_with("HTTP/1.1 200"));
    // Waiting for the next request longer than the header timeout is fine on a kept-alive
    // connection: its headers, once they come, arrive at once.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    stream.write_all(request.as_bytes()).await.expect("write");
    assert!(read_response(&mut stream).await.starts_with("HTTP/1.1 200"));
    let answered = Instant::now();

    let (_, idle) = read_until_closed(&mut stream, answered, Duration::from_secs(15))
        .await
        .expect("closed within 15 s");
    assert!(idle >= Duration::from_millis(2500), "closed after {idle:?}");
}

#[tokio::test]
async fn http2_with_prior_knowledge_is_served_and_closed_with_goaway_when_idle() {
    let app = TestApp::spawn_with(|c| {
        c.header_timeout_secs = 1;
        c.idle_timeout_secs = 2;
    })
    .await;
    let stream = connect_from(&app, ORDINARY).await;
    let (client, connection) = h2::client::handshake(stream).await.expect("h2 handshake");
    let connection = tokio::spawn(connection);
    let mut client = client.ready().await.expect("ready");
    let request = Request::get(app.url("/healthz")).body(()).expect("request");
    let (response, _) = client.send_request(request, true).expect("send");
    let response = response.await.expect("response");
    assert_eq!(response.status(), 200);
    let body = response
        .into_body()
        .data()
        .await
        .expect("a body")
        .expect("data");
    assert_eq!(&body[..], b"ok");
    let answered = Instant::now();

    let ended = tokio::time::timeout(Duration::from_secs(15), connection)
        .await
        .expect("closed within 15 s")
        .expect("connection task");
    let idle = answered.elapsed();
    assert!(idle >= Duration::from_millis(1500), "closed after {idle:?}");
    // A GOAWAY, not a dropped socket: the client knows nothing it sent was lost.
    ended.expect("a clean close");
    drop(client);
}

#[tokio::test]
async fn hundreds_of_trickling_connections_do_not_keep_an_ordinary_client_waiting() {
    let app = TestApp::spawn_with(|c| {
        c.header_timeout_secs = 2;
        c.max_connections = 1_000;
        c.max_connections_per_ip = 0;
    })
    .await;
    let slow: Vec<_> = (0..300)
        .map(|_| tokio::spawn(trickle(server(&app), SLOW)))
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;

    let client = browser_like_client();
    for _ in 0..3 {
        assert_served_promptly(&app, &client).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    for cut in slow {
        let after = cut.await.expect("task").expect("cut off within 15 s");
        assert!(
            after >= Duration::from_millis(1500),
            "cut off after {after:?}"
        );
    }
}

#[tokio::test]
async fn slow_connections_filling_the_cap_make_room_for_an_ordinary_client() {
    let app = TestApp::spawn_with(|c| {
        c.header_timeout_secs = 10;
        c.max_connections = 50;
        c.max_connections_per_ip = 0;
    })
    .await;
    let slow: Vec<_> = (0..200)
        .map(|_| tokio::spawn(trickle(server(&app), SLOW)))
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;

    // A new connection per request, as after the browser closed its kept-alive ones.
    for _ in 0..3 {
        let client = browser_like_client();
        assert_served_promptly(&app, &client).await;
    }

    for cut in slow {
        let after = cut.await.expect("task").expect("cut off within 15 s");
        assert!(after < Duration::from_secs(12), "cut off after {after:?}");
    }
}

#[tokio::test]
async fn one_address_gets_only_its_share_of_connections_and_others_are_still_served() {
    const SHARE: usize = 10;
    let app = TestApp::spawn_with(|c| {
        c.header_timeout_secs = 3;
        c.max_connections = 30;
        c.max_connections_per_ip = SHARE as u32;
    })
    .await;
    let slow: Vec<_> = (0..100)
        .map(|_| tokio::spawn(trickle(server(&app), SLOW)))
        .collect();
    tokio::time::sleep(Duration::from_millis(500)).await;

    let client = browser_like_client();
    assert_served_promptly(&app, &client).await;
    // Over its share, the address is answered at once.
    let mut extra = connect_from(&app, SLOW).await;
    let (answer, after) = read_until_closed(&mut extra, Instant::now(), Duration::from_secs(2))
        .await
        .expect("closed at once");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 503"), "answered {answer:?}");
    assert!(after < Duration::from_secs(2));

    let mut held = 0;
    for cut in slow {
        let after = cut.await.expect("task").expect("cut off within 15 s");
        if after >= Duration::from_millis(1500) {
            held += 1;
        }
    }
    assert!((1..=SHARE).contains(&held), "{held} slow connections held");
}

#[tokio::test]
async fn at_the_connection_cap_a_newcomer_takes_the_place_of_the_connection_idle_longest() {
    let app = TestApp::spawn_with(|c| {
        c.header_timeout_secs = 30;
        c.max_connections = 3;
        c.max_connections_per_ip = 0;
    })
    .await;
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(connect_from(&app, ORDINARY).await);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let mut newcomer = connect_from(&app, ORDINARY).await;
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {}\r\n\r\n", server(&app));
    newcomer.write_all(request.as_bytes()).await.expect("write");
    let answer = tokio::time::timeout(Duration::from_secs(5), read_response(&mut newcomer))
        .await
        .expect("served at once");
    assert!(answer.starts_with("HTTP/1.1 200"), "answered {answer:?}");

    let (_, after) = read_until_closed(&mut open[0], Instant::now(), Duration::from_secs(1))
        .await
        .expect("the oldest was closed");
    assert!(after < Duration::from_secs(1));
    for later in &mut open[1..] {
        let mut byte = [0u8; 1];
        let read = tokio::time::timeout(Duration::from_millis(300), later.peek(&mut byte)).await;
        assert!(read.is_err(), "a later connection was closed");
    }
}

#[tokio::test]
async fn when_every_connection_at_the_cap_has_a_request_newcomers_wait_for_one_to_end() {
    let app = TestApp::spawn_with(|c| {
        c.max_connections = 2;
        c.max_connections_per_ip = 0;
    })
    .await;
    let lock = lock_sellers(&app.db).await;
    let search = format!(
        "GET /sellers?q=acme HTTP/1.1\r\nHost: {}\r\n\r\n",
        server(&app)
    );
    let mut busy = Vec::new();
    for _ in 0..2 {
        let mut stream = connect_from(&app, ORDINARY).await;
        stream.write_all(search.as_bytes()).await.expect("write");
        busy.push(stream);
    }
    wait_for_lock_waiters(&app.db, 2).await;

    // Connected, but not served until a place frees.
    let mut newcomer = connect_from(&app, ORDINARY).await;
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {}\r\n\r\n", server(&app));
    newcomer.write_all(request.as_bytes()).await.expect("write");
    let mut byte = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_secs(1), newcomer.peek(&mut byte)).await;
    assert!(early.is_err(), "answered while every place had a request");

    lock.rollback().await.expect("unlock");
    for stream in &mut busy {
        assert!(read_head(stream).await.0.starts_with("HTTP/1.1 200"));
    }
    let answer = tokio::time::timeout(Duration::from_secs(5), read_response(&mut newcomer))
        .await
        .expect("served once a request ended");
    assert!(answer.starts_with("HTTP/1.1 200"), "answered {answer:?}");
}

#[tokio::test]
async fn shutting_down_finishes_the_request_in_progress_and_closes_idle_connections() {
    let (app, stop) = TestApp::spawn_stoppable(|c| {
        c.header_timeout_secs = 30;
        c.idle_timeout_secs = 30;
    })
    .await;
    let lock = lock_sellers(&app.db).await;
    let client = crate::helpers::client();
    let url = app.url("/sellers?q=acme");
    let slow = tokio::spawn(async move { client.get(url).send().await.map(|r| r.status()) });
    wait_for_lock_waiters(&app.db, 1).await;
    // One connection kept alive after a request, one that never sent anything.
    let mut kept_alive = connect_from(&app, ORDINARY).await;
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {}\r\n\r\n", server(&app));
    kept_alive
        .write_all(request.as_bytes())
        .await
        .expect("write");
    read_response(&mut kept_alive).await;
    let mut silent = connect_from(&app, ORDINARY).await;
    tokio::time::sleep(Duration::from_millis(200)).await;

    let asked = Instant::now();
    let stopped = stop.now();
    for stream in [&mut kept_alive, &mut silent] {
        let (_, after) = read_until_closed(stream, asked, Duration::from_secs(10))
            .await
            .expect("closed");
        assert!(after < Duration::from_secs(5), "closed after {after:?}");
    }
    assert!(
        TcpStream::connect(server(&app)).await.is_err(),
        "still accepting"
    );
    assert!(!stopped.is_finished(), "stopped with a request in progress");

    lock.rollback().await.expect("unlock");
    let status = slow.await.expect("task").expect("an answer");
    assert_eq!(status, 200);
    tokio::time::timeout(Duration::from_secs(5), stopped)
        .await
        .expect("stopped once the request was answered")
        .expect("server task")
        .expect("server");
}

#[tokio::test]
async fn a_client_that_leaves_mid_request_frees_its_place_and_its_query_is_bounded() {
    let app = TestApp::spawn_with(|c| {
        c.request_timeout_secs = 6;
        c.max_connections = 1;
        c.max_connections_per_ip = 0;
    })
    .await;
    let lock = lock_sellers(&app.db).await;
    let mut leaving = connect_from(&app, ORDINARY).await;
    let request = format!(
        "GET /sellers?q=acme HTTP/1.1\r\nHost: {}\r\n\r\n",
        server(&app)
    );
    leaving.write_all(request.as_bytes()).await.expect("write");
    wait_for_lock_waiters(&app.db, 1).await;
    let waiting_since = Instant::now();
    drop(leaving);

    // The only place is free again: hyper saw the client leave and dropped the connection and
    // the handler, while the handler's query was still waiting.
    let status = crate::helpers::client()
        .get(app.url("/healthz"))
        .send()
        .await
        .expect("served")
        .status();
    assert_eq!(status, 200);
    assert_eq!(lock_waiters(&app.db).await, 1, "the query no longer waits");
    assert!(waiting_since.elapsed() < Duration::from_secs(5));

    // PostgreSQL does not know: the query runs on until the statement timeout ends it, though
    // the lock it waits for is still held.
    wait_for_lock_waiters(&app.db, 0).await;
    assert!(waiting_since.elapsed() >= Duration::from_secs(4));
    lock.rollback().await.expect("unlock");
}

#[tokio::test]
async fn a_request_that_times_out_is_answered_408_and_its_query_ends_too() {
    let app = TestApp::spawn_with(|c| {
        c.request_timeout_secs = 2;
        // Shorter than the request: a request in progress is not idle.
        c.header_timeout_secs = 1;
        c.idle_timeout_secs = 1;
    })
    .await;
    let lock = lock_sellers(&app.db).await;
    let started = Instant::now();
    let response = app.get("/sellers?q=acme").await;
    assert_eq!(response.status(), 408);
    assert!(started.elapsed() >= Duration::from_millis(1900));
    wait_for_lock_waiters(&app.db, 0).await;
    lock.rollback().await.expect("unlock");
}

#[tokio::test]
async fn a_download_read_slowly_is_not_cut_by_the_idle_timeout() {
    const SIZE: usize = 16 * 1024 * 1024;
    let static_dir = std::env::temp_dir().join(format!(
        "fakewatch_static_{}",
        fakewatch::security::random_token(6)
    ));
    std::fs::create_dir_all(&static_dir).expect("static dir");
    let content: Vec<u8> = (0..SIZE).map(|i| (i * 7919 % 251) as u8).collect();
    std::fs::write(static_dir.join("big.bin"), &content).expect("file");
    let app = TestApp::spawn_with(|c| {
        c.header_timeout_secs = 1;
        c.idle_timeout_secs = 1;
        c.static_dir = static_dir.clone();
    })
    .await;

    // A small receive buffer, or the kernel would take in the whole file at once.
    let socket = TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(64 * 1024).expect("buffer size");
    let mut stream = socket.connect(server(&app)).await.expect("connect");
    let started = Instant::now();
    let request = format!(
        "GET /static/big.bin HTTP/1.1\r\nHost: {}\r\n\r\n",
        server(&app)
    );
    stream.write_all(request.as_bytes()).await.expect("write");
    let (head, mut body) = read_head(&mut stream).await;
    assert!(head.starts_with("HTTP/1.1 200"), "answered {head:?}");
    // Read at about 3 MiB/s: the server is still sending long after the idle timeout.
    let mut received = 0;
    let mut buf = vec![0u8; 64 * 1024];
    while received < SIZE {
        assert_eq!(
            body,
            content[received..received + body.len()],
            "at {received}"
        );
        received += body.len();
        if received % (256 * 1024) < body.len() {
            tokio::time::sleep(Duration::from_millis(80)).await;
        }
        let n = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut buf))
            .await
            .expect("more within 10 s")
            .unwrap_or(0);
        if received < SIZE {
            assert!(n > 0, "cut after {received} bytes, {:?}", started.elapsed());
        }
        body = buf[..n].to_vec();
    }
    assert!(started.elapsed() >= Duration::from_secs(4));
    let _ = std::fs::remove_dir_all(static_dir);
}

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
