//! The header timeout and the idle timeout, for HTTP/1.1 and HTTP/2; a long download is not idle.

use axum::http::Request;

use super::*;

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
