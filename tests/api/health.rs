use crate::helpers::{TestApp, valid_report};

#[tokio::test]
async fn healthz_answers_ok_when_the_database_answers() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn database_down_gives_503_with_retry_after_not_a_hang() {
    let (address, data_dir) = TestApp::spawn_with_database_down().await;
    let client = crate::helpers::client();
    let started = std::time::Instant::now();

    let health = client
        .get(format!("{address}/healthz"))
        .send()
        .await
        .expect("request");
    assert_eq!(health.status(), 503);
    assert!(health.headers().contains_key("retry-after"));

    let api = client
        .post(format!("{address}/api/v1/reports"))
        .json(&valid_report())
        .send()
        .await
        .expect("request");
    assert_eq!(api.status(), 503);
    assert_eq!(api.headers()["retry-after"], "30");
    assert_eq!(api.headers()["content-type"], "application/problem+json");

    let page = client
        .get(format!("{address}/reports/abc"))
        .send()
        .await
        .expect("request");
    assert_eq!(page.status(), 503);
    assert!(page.text().await.expect("body").contains("try again"));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
    let _ = std::fs::remove_dir_all(data_dir);
}

#[tokio::test]
async fn evidence_of_a_failed_submission_does_not_linger() {
    let (address, data_dir) = TestApp::spawn_with_database_down().await;
    let form = reqwest::multipart::Form::new()
        .text("report", valid_report().to_string())
        .part(
            "evidence",
            reqwest::multipart::Part::bytes(crate::helpers::fixture("photo_gps.jpg"))
                .file_name("p.jpg"),
        );
    let response = crate::helpers::client()
        .post(format!("{address}/api/v1/reports"))
        .multipart(form)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 503);
    let left = crate::helpers::files_under(&data_dir.join("evidence"));
    assert!(left.is_empty(), "files left behind: {left:?}");
    let _ = std::fs::remove_dir_all(data_dir);
}

#[tokio::test]
async fn responses_carry_security_headers_and_a_request_id() {
    let app = TestApp::spawn().await;
    let response = app.get("/reports/new").await;
    let headers = response.headers();
    let csp = headers["content-security-policy"].to_str().expect("ascii");
    assert!(csp.contains("frame-ancestors 'none'"));
    assert!(!csp.contains("unsafe-inline"));
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert!(headers.contains_key("x-request-id"));
}

#[tokio::test]
async fn static_files_are_cached_and_unknown_pages_are_friendly_404s() {
    let app = TestApp::spawn().await;
    let css = app.get("/static/css/site.css").await;
    assert_eq!(css.status(), 200);
    assert!(
        css.headers()["cache-control"]
            .to_str()
            .expect("ascii")
            .contains("immutable")
    );

    let page = app.get("/no/such/page").await;
    assert_eq!(page.status(), 404);
    assert!(
        page.text()
            .await
            .expect("body")
            .contains("Report a fake listing")
    );

    let api = app.get("/api/v1/nothing").await;
    assert_eq!(api.status(), 404);
    assert_eq!(api.headers()["content-type"], "application/problem+json");
}
