//! State-changing requests sent by another website's page are refused before any handler
//! runs, so that another site can't make its visitors' browsers file or withdraw reports.

use reqwest::RequestBuilder;
use reqwest::multipart::Form;
use serde_json::Value;

use crate::helpers::{TestApp, valid_form, valid_report};

async fn reports_saved(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from report")
        .fetch_one(&app.db)
        .await
        .expect("count")
}

/// The report form, filled and with a valid CSRF token (the cookie is in the app's client,
/// as a visitor's browser would carry it), ready to be sent with the headers a test adds.
async fn report_form(app: &TestApp) -> RequestBuilder {
    let (_, token) = app.get_report_form().await;
    let mut form = Form::new().text("csrf_token", token);
    for (name, value) in valid_form() {
        form = form.text(name, value);
    }
    app.client.post(app.url("/reports")).multipart(form)
}

fn report_json(app: &TestApp) -> RequestBuilder {
    app.client
        .post(app.url("/api/v1/reports"))
        .json(&valid_report())
}

async fn send(request: RequestBuilder) -> reqwest::Response {
    request.send().await.expect("request")
}

#[tokio::test]
async fn the_report_form_sent_from_another_site_is_refused_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("origin", "null"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let response = send(report_form(&app).await.header(header, value)).await;
        assert_eq!(response.status(), 403, "{header}: {value}");
        assert!(
            response.headers()["content-type"]
                .to_str()
                .expect("ascii")
                .starts_with("text/html")
        );
        let html = response.text().await.expect("body");
        assert!(
            html.contains("This request was sent from another website"),
            "{html}"
        );
        assert!(html.contains(&app.address), "names where to go instead");
    }
    assert_eq!(reports_saved(&app).await, 0);

    // The same form from our own page is filed, also when the browser hides the page's
    // origin (Origin: null) but vouches for it with Sec-Fetch-Site.
    let same_origin = report_form(&app)
        .await
        .header("origin", &app.address)
        .header("sec-fetch-site", "same-origin");
    assert_eq!(send(same_origin).await.status(), 303);
    let hidden_origin = report_form(&app)
        .await
        .header("origin", "null")
        .header("sec-fetch-site", "same-origin");
    assert_eq!(send(hidden_origin).await.status(), 303);
    assert_eq!(reports_saved(&app).await, 2);
}

#[tokio::test]
async fn the_api_refuses_reports_from_another_site_with_problem_details() {
    let app = TestApp::spawn().await;
    for (header, value) in [
        ("origin", "https://evil.example"),
        ("origin", "null"),
        ("sec-fetch-site", "cross-site"),
    ] {
        let response = send(report_json(&app).header(header, value)).await;
        assert_eq!(response.status(), 403, "{header}: {value}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let problem: Value = response.json().await.expect("problem");
        assert_eq!(problem["status"], 403);
        let detail = problem["detail"].as_str().expect("detail");
        assert!(detail.contains("from another website"), "{detail}");
    }
    assert_eq!(reports_saved(&app).await, 0);

    // Our own origin, and scripts that send no Origin at all, are accepted.
    let own = send(report_json(&app).header("origin", &app.address)).await;
    assert_eq!(own.status(), 201);
    let script = send(report_json(&app)).await;
    assert_eq!(script.status(), 201);
    assert_eq!(reports_saved(&app).await, 2);
}

#[tokio::test]
async fn the_public_url_and_the_requests_own_host_are_both_our_origin() {
    // Published as https://fakewatch.example behind a proxy, and also reached directly.
    let app =
        TestApp::spawn_with(|config| config.public_url = Some("https://fakewatch.example".into()))
            .await;
    let direct = format!("http://{}", app.state.config.listen);
    let file = |origin: &str| {
        app.client
            .post(format!("{direct}/api/v1/reports"))
            .header("origin", origin)
            .json(&valid_report())
    };
    assert_eq!(send(file("https://fakewatch.example")).await.status(), 201);
    assert_eq!(send(file(&direct)).await.status(), 201);
    assert_eq!(send(file("https://evil.example")).await.status(), 403);
    assert_eq!(send(file("http://fakewatch.example")).await.status(), 403);
    assert_eq!(reports_saved(&app).await, 2);
}

#[tokio::test]
async fn withdrawing_from_another_site_is_refused() {
    let app = TestApp::spawn().await;
    let filed: Value = app
        .post_report_json(&valid_report())
        .await
        .json()
        .await
        .expect("filed");
    let id = filed["id"].as_str().expect("id");
    let token = filed["manage_token"].as_str().expect("token");
    let withdraw = || {
        app.client
            .delete(app.url(&format!("/api/v1/reports/{id}")))
            .bearer_auth(token)
    };

    let refused = send(withdraw().header("origin", "https://evil.example")).await;
    assert_eq!(refused.status(), 403);
    assert_eq!(app.get_report_api(id).await.status(), 200, "still live");

    // Reading is never refused, wherever the page that asks is.
    let read = send(
        app.client
            .get(app.url(&format!("/api/v1/reports/{id}")))
            .header("origin", "https://evil.example")
            .header("sec-fetch-site", "cross-site"),
    )
    .await;
    assert_eq!(read.status(), 200);

    assert_eq!(send(withdraw()).await.status(), 204);
}
