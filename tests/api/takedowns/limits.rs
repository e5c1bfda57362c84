//! Exports are bounded: at most `FAKEWATCH_EXPORTS_PER_HOLDER` at once per rights holder,
//! and none runs longer than `FAKEWATCH_EXPORT_MAX_SECS`, however slowly its client reads.
//! The slow readers here are real sockets with a tiny receive buffer that stop reading.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

use super::{export, holder, largest_brand};
use crate::helpers::TestApp;

/// An app with demo data whose largest brand's JSON list is far larger than what the
/// kernel's socket buffers (up to 4 MiB for the sender on Linux) and the export's channel
/// hold, so that a reader who stops keeps the export running. Twenty evidence files per report
/// of the brand make its rows large without making the test slow.
async fn app_with_a_large_brand(
    adjust: impl FnOnce(&mut fakewatch::config::Config),
) -> (TestApp, String) {
    let app = TestApp::spawn_with(adjust).await;
    app.demo_data(20_000, 5).await;
    let brand = largest_brand(&app).await;
    sqlx::query(
        "insert into evidence (public_id, report_id, sha256, media_type, byte_size, storage_key)
         select md5(r.report_id || '/' || g), r.report_id,
                sha256(convert_to(r.report_id || '/' || g, 'UTF8')), 'image/jpeg', 100000,
                'synthetic/' || r.report_id || '/' || g || '.jpg'
         from report r join brand b using (brand_id), generate_series(1, 20) g
         where b.slug = $1",
    )
    .bind(&brand)
    .execute(&app.db)
    .await
    .expect("evidence rows");
    (app, brand)
}

/// Starts an export and reads only its head, through a socket whose receive buffer is a few
/// KiB: a client that then stops reading.
async fn stalled_export(app: &TestApp, token: &str, brand: &str) -> TcpStream {
    let address = app.address.trim_start_matches("http://").to_owned();
    let socket = TcpSocket::new_v4().expect("socket");
    socket.set_recv_buffer_size(4096).expect("small buffer");
    let mut stream = socket
        .connect(address.parse().expect("address"))
        .await
        .expect("connect");
    let request = format!(
        "GET /api/v1/takedowns?brand={brand}&format=json HTTP/1.1\r\nHost: {address}\r\n\
         Authorization: Bearer {token}\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).await.expect("head");
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.to_ascii_lowercase()
            .contains("transfer-encoding: chunked")
    );
    stream
}

#[tokio::test]
async fn a_holder_runs_at_most_two_exports_at_once_and_other_holders_are_not_held_up() {
    let (app, brand) = app_with_a_large_brand(|config| config.db_connections = 8).await;
    let token = holder(&app, "Brand Owner", &[&brand]).await;
    let other = holder(&app, "Other Owner", &[&brand]).await;
    let first = stalled_export(&app, &token, &brand).await;
    let _second = stalled_export(&app, &token, &brand).await;

    let third = export(&app, &token, &format!("brand={brand}&format=txt")).await;
    assert_eq!(third.status(), 429);
    assert_eq!(third.headers()["retry-after"], "30");
    assert_eq!(third.headers()["content-type"], "application/problem+json");
    let problem = third.text().await.expect("body");
    assert!(problem.contains("already runs 2 exports"), "{problem}");

    let others = export(&app, &other, &format!("brand={brand}&format=txt")).await;
    assert_eq!(others.status(), 200);
    assert!(!others.text().await.expect("whole list").is_empty());

    // A client that hangs up frees its slot: the export stops and its transaction closes.
    drop(first);
    let started = Instant::now();
    loop {
        let again = export(&app, &token, &format!("brand={brand}&format=txt")).await;
        if again.status() == 200 {
            assert!(!again.text().await.expect("whole list").is_empty());
            break;
        }
        assert_eq!(again.status(), 429);
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the slot of a client that left was not freed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn an_export_that_outlasts_its_maximum_duration_is_cut_short_and_frees_its_slot() {
    let (app, brand) = app_with_a_large_brand(|config| {
        config.db_connections = 8;
        config.export_max_secs = 3;
        // One at a time: the second export below proves the first freed its slot.
        config.exports_per_holder = 1;
    })
    .await;
    let token = holder(&app, "Brand Owner", &[&brand]).await;
    let mut stalled = stalled_export(&app, &token, &brand).await;
    // The reader stops for longer than an export may last…
    tokio::time::sleep(Duration::from_secs(5)).await;
    // …and the export has ended: the holder's slot is free again although the client is
    // still connected.
    let again = export(&app, &token, &format!("brand={brand}&format=txt")).await;
    assert_eq!(again.status(), 200);
    // What the client then reads ends without the last chunk: a transfer cut short, not a
    // list that looks whole.
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(20), stalled.read_to_end(&mut rest))
        .await
        .expect("the server ends the connection");
    let _ = read; // a reset instead of an orderly close is fine too
    assert!(!rest.is_empty());
    assert!(
        !rest.ends_with(b"0\r\n\r\n"),
        "the export arrived whole; it should have been ended at its maximum duration"
    );
    let finished: Option<time::OffsetDateTime> =
        sqlx::query_scalar("select finished_at from export_log order by export_log_id limit 1")
            .fetch_one(&app.db)
            .await
            .expect("the export is logged");
    assert_eq!(finished, None, "a cut export is not logged as finished");
}
