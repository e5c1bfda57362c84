//! Caps on open connections: slow clients by the hundred, from one address and from many.

use super::*;

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
    // A seller page, not a search: searches also queue for their slots (a quarter of the
    // pool), and this is about the connection cap.
    let search = format!(
        "GET /sellers/aliexpress/1102345678 HTTP/1.1\r\nHost: {}\r\n\r\n",
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
        assert!(read_head(stream).await.0.starts_with("HTTP/1.1 404"));
    }
    let answer = tokio::time::timeout(Duration::from_secs(5), read_response(&mut newcomer))
        .await
        .expect("served once a request ended");
    assert!(answer.starts_with("HTTP/1.1 200"), "answered {answer:?}");
}

#[tokio::test]
async fn a_client_over_its_share_is_refused_without_closing_anyone_elses_connection() {
    let app = TestApp::spawn_with(|c| {
        c.header_timeout_secs = 30;
        c.max_connections = 2;
        c.max_connections_per_ip = 1;
    })
    .await;
    let ordinary = connect_from(&app, ORDINARY).await;
    let _slow = connect_from(&app, SLOW).await;
    tokio::time::sleep(Duration::from_millis(300)).await;

    let mut extra = connect_from(&app, SLOW).await;
    let (answer, _) = read_until_closed(&mut extra, Instant::now(), Duration::from_secs(2))
        .await
        .expect("closed at once");
    assert!(String::from_utf8_lossy(&answer).starts_with("HTTP/1.1 503"));
    let mut byte = [0u8; 1];
    let read = tokio::time::timeout(Duration::from_millis(500), ordinary.peek(&mut byte)).await;
    assert!(read.is_err(), "the ordinary client's connection was closed");
}
