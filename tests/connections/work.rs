//! Graceful shutdown, and the work of a request whose client left or that timed out.

use super::*;

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
