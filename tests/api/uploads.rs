//! Uploads can't exhaust memory: evidence bytes held by all uploads in progress share one
//! budget (beyond it: 503 with Retry-After, nothing saved), and a forged form is refused
//! before any of its files is read.

use std::time::Duration;

use futures_util::future::join_all;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{TestApp, fixture, valid_report};

const MIB: usize = 1024 * 1024;

async fn report_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from report")
        .fetch_one(&app.db)
        .await
        .expect("count")
}

#[tokio::test]
async fn an_upload_beyond_the_memory_budget_gets_503_and_nothing_is_saved() {
    let app = TestApp::spawn_with(|config| config.upload_memory_bytes = MIB).await;
    let big = vec![0x42u8; 2 * MIB];
    let response = app
        .post_report_multipart(&valid_report(), &[("big.jpg", big)])
        .await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "30");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.expect("json");
    assert!(
        problem["detail"]
            .as_str()
            .expect("detail")
            .contains("Nothing was saved")
    );
    assert_eq!(report_count(&app).await, 0);
    assert!(app.stored_files().is_empty());

    // The form says the same in HTML.
    let (_, token) = app.get_report_form().await;
    let mut fields = vec![("csrf_token", token.as_str())];
    let form = crate::helpers::valid_form();
    fields.extend(form.iter().copied());
    let page = app
        .post_report_form_raw(&fields, &[("big.jpg", vec![0x42u8; 2 * MIB])])
        .await;
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        page.text()
            .await
            .expect("html")
            .contains("Nothing was saved")
    );

    // Within the budget, a report with a photo goes through, and gives its share back.
    let photo = fixture("photo_gps.jpg");
    assert!(photo.len() < MIB);
    let filed = app
        .post_report_multipart(&valid_report(), &[("photo.jpg", photo)])
        .await;
    assert_eq!(filed.status(), StatusCode::CREATED);
    assert_eq!(app.state.upload_memory.available_permits(), MIB);
}

#[tokio::test]
async fn a_flood_of_uploads_is_answered_within_the_budget_and_gives_all_of_it_back() {
    let budget = 8 * MIB;
    let app = TestApp::spawn_with(|config| config.upload_memory_bytes = budget).await;
    let uploads = (0..16).map(|n| {
        let client = app.client.clone();
        let url = app.url("/api/v1/reports");
        async move {
            let mut report = valid_report();
            report["email"] = format!("flood{n}@example.com").into();
            // Three files of 1.5 MiB each that are no image: refused once read (422), unless
            // the budget ran out first (503).
            let mut form = Form::new().text("report", report.to_string());
            for i in 0..3 {
                let junk = vec![b'a' + i; 3 * MIB / 2];
                form = form.part("evidence", Part::bytes(junk).file_name(format!("{i}.jpg")));
            }
            let response = client
                .post(url)
                .multipart(form)
                .send()
                .await
                .expect("answer");
            let status = response.status();
            let content_type = response.headers()["content-type"].clone();
            (status, content_type)
        }
    });
    let answers = join_all(uploads).await;
    for (status, content_type) in &answers {
        assert!(
            [
                StatusCode::UNPROCESSABLE_ENTITY,
                StatusCode::SERVICE_UNAVAILABLE
            ]
            .contains(status),
            "{status}"
        );
        assert_eq!(content_type, "application/problem+json");
    }
    assert!(
        answers
            .iter()
            .any(|(s, _)| *s == StatusCode::SERVICE_UNAVAILABLE),
        "16 uploads of 4.5 MiB at once must overrun an 8 MiB budget"
    );
    assert_eq!(report_count(&app).await, 0);
    assert_eq!(app.state.upload_memory.available_permits(), budget);
}

/// Sends the head of a multipart form and its first parts, up to the start of a file that
/// never finishes, and returns the status line of the answer.
async fn answer_to_a_half_sent_form(app: &TestApp, first_parts: &str) -> String {
    let address = app.address.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).await.expect("connect");
    let boundary = "XfakewatchX";
    let head = format!(
        "POST /reports HTTP/1.1\r\nHost: {address}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\n\
         Content-Length: {}\r\n\r\n",
        50 * MIB
    );
    let parts = first_parts.replace("{b}", boundary);
    let file_start = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"evidence\"; \
         filename=\"huge.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.expect("head");
    stream.write_all(parts.as_bytes()).await.expect("fields");
    stream.write_all(file_start.as_bytes()).await.expect("file");
    stream
        .write_all(&[0xFF; 64 * 1024])
        .await
        .expect("file bytes");
    // The rest of the 50 MiB never comes: only an answer given before the files are read
    // arrives.
    let mut answer = vec![0u8; 512];
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("answered before the body was complete")
        .expect("read");
    String::from_utf8_lossy(&answer[..read])
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_forged_form_is_refused_before_its_files_are_read() {
    let app = TestApp::spawn().await;
    let forged = answer_to_a_half_sent_form(
        &app,
        "--{b}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\nforged\r\n\
         --{b}\r\nContent-Disposition: form-data; name=\"listing_url\"\r\n\r\nhttps://x.example/1\r\n",
    )
    .await;
    assert_eq!(forged, "HTTP/1.1 403 Forbidden");
    // No token before the first file is no token at all.
    let missing = answer_to_a_half_sent_form(&app, "").await;
    assert_eq!(missing, "HTTP/1.1 403 Forbidden");
    assert_eq!(report_count(&app).await, 0);
}
