//! Limits per client (an IPv4 address or an IPv6 /64): filing attempts per hour and searches
//! per minute, counted in PostgreSQL so that several server processes share them. The client
//! address is driven through a trusted proxy (the tests' 127.0.0.1) and `X-Forwarded-For`.

use reqwest::Response;
use serde_json::{Value, json};

use crate::helpers::{SecondServer, TestApp, fixture, valid_form, valid_report, with_field};

/// An app that believes 127.0.0.1's `X-Forwarded-For` and allows `reports` filings an hour.
async fn behind_proxy(reports: u32) -> TestApp {
    TestApp::spawn_with(|config| {
        config.trusted_proxies =
            fakewatch::domain::client::TrustedProxies::parse("127.0.0.1/32").expect("cidr");
        config.rate_limit_reports = reports;
    })
    .await
}

/// `POST {base}/api/v1/reports` with `report`, as forwarded for `client`.
async fn file_from(base: &str, client: &str, report: &Value) -> Response {
    reqwest::Client::new()
        .post(format!("{base}/api/v1/reports"))
        .header("x-forwarded-for", client)
        .json(report)
        .send()
        .await
        .expect("request")
}

/// A valid report about listing `n`, so that every filing is a report of its own.
fn report(n: u32) -> Value {
    let mut report = valid_report();
    report["listing_url"] = json!(format!(
        "https://www.aliexpress.com/item/10050065432{n:05}.html"
    ));
    report
}

async fn reports_saved(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from report")
        .fetch_one(&app.db)
        .await
        .expect("count")
}

/// A sane `Retry-After`: whole seconds, at least 1, at most two windows.
fn retry_after(response: &Response, window_secs: u64) -> u64 {
    let value = response
        .headers()
        .get("retry-after")
        .expect("Retry-After on a 429")
        .to_str()
        .expect("ascii");
    let secs: u64 = value.parse().expect("Retry-After in whole seconds");
    assert!(
        (1..=2 * window_secs).contains(&secs),
        "Retry-After {secs} s for a {window_secs} s window"
    );
    secs
}

/// Asserts a 429 problem and returns its detail.
async fn too_many(response: Response, window_secs: u64) -> String {
    assert_eq!(response.status(), 429);
    retry_after(&response, window_secs);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.expect("problem details");
    assert_eq!(problem["status"], 429);
    problem["detail"].as_str().expect("detail").to_owned()
}

#[tokio::test]
async fn reports_past_the_limit_from_one_ipv4_address_get_429_and_nothing_is_saved() {
    let app = behind_proxy(3).await;
    for n in 0..3 {
        let response = file_from(&app.address, "203.0.113.5", &report(n)).await;
        assert_eq!(response.status(), 201, "filing {n}");
    }
    let detail = too_many(
        file_from(&app.address, "203.0.113.5", &report(3)).await,
        3600,
    )
    .await;
    assert!(
        detail.starts_with("You have filed 3 reports in the last hour from this network"),
        "{detail}"
    );
    assert!(detail.contains("try again in "), "{detail}");
    // With evidence, as multipart: refused too, and the file is never stored.
    let form = reqwest::multipart::Form::new()
        .text("report", report(6).to_string())
        .part(
            "evidence",
            reqwest::multipart::Part::bytes(fixture("photo.webp")).file_name("photo.webp"),
        );
    let with_file = reqwest::Client::new()
        .post(app.url("/api/v1/reports"))
        .header("x-forwarded-for", "203.0.113.5")
        .multipart(form)
        .send()
        .await
        .expect("request");
    too_many(with_file, 3600).await;
    assert_eq!(reports_saved(&app).await, 3);
    assert!(app.stored_files().is_empty());

    // Another address is another client; a refused attempt counts too, so the first client
    // stays refused.
    let other = file_from(&app.address, "203.0.113.6", &report(4)).await;
    assert_eq!(other.status(), 201);
    let again = file_from(&app.address, "203.0.113.5", &report(5)).await;
    assert_eq!(again.status(), 429);
    assert_eq!(reports_saved(&app).await, 4);
}

#[tokio::test]
async fn an_ipv6_slash_64_is_one_client_and_another_slash_64_is_not() {
    let app = behind_proxy(2).await;
    let same_64 = ["2001:db8:1:2::1", "2001:db8:1:2:ffff::2"];
    for (n, client) in same_64.iter().enumerate() {
        let response = file_from(&app.address, client, &report(n as u32)).await;
        assert_eq!(response.status(), 201, "{client}");
    }
    // A third address in the same /64, even written as a hop with a port.
    let third = file_from(&app.address, "[2001:db8:1:2:abcd::9]:443", &report(2)).await;
    too_many(third, 3600).await;
    let neighbour = file_from(&app.address, "2001:db8:1:3::1", &report(3)).await;
    assert_eq!(neighbour.status(), 201, "the next /64 is another client");
    assert_eq!(reports_saved(&app).await, 3);
}

#[tokio::test]
async fn an_untrusted_peers_forwarded_for_is_ignored() {
    // No trusted proxies (the default): whatever the header says, the client is 127.0.0.1.
    let app = TestApp::spawn_with(|config| config.rate_limit_reports = 2).await;
    for (n, forged) in ["198.51.100.1", "198.51.100.2"].iter().enumerate() {
        let response = file_from(&app.address, forged, &report(n as u32)).await;
        assert_eq!(response.status(), 201);
    }
    let third = file_from(&app.address, "198.51.100.3", &report(2)).await;
    too_many(third, 3600).await;
}

#[tokio::test]
async fn behind_a_trusted_proxy_anonymous_reporters_are_told_apart_by_the_forwarded_address() {
    let distinct_fingerprints = async |app: &TestApp| -> i64 {
        sqlx::query_scalar("select count(distinct reporter_fingerprint) from report")
            .fetch_one(&app.db)
            .await
            .expect("count")
    };
    let mut anonymous = report(0);
    anonymous.as_object_mut().expect("object").remove("email");

    let app = behind_proxy(10).await;
    for client in [
        "203.0.113.5",
        "203.0.113.6",
        "2001:db8:1:2::1",
        "2001:db8:1:2::2",
    ] {
        let response = file_from(&app.address, client, &anonymous).await;
        assert_eq!(response.status(), 201);
    }
    // Two IPv4 addresses and one IPv6 /64.
    assert_eq!(distinct_fingerprints(&app).await, 3);

    // Not trusting the proxy, they are all the proxy.
    let app = TestApp::spawn().await;
    for client in ["203.0.113.5", "203.0.113.6"] {
        let response = file_from(&app.address, client, &anonymous).await;
        assert_eq!(response.status(), 201);
    }
    assert_eq!(distinct_fingerprints(&app).await, 1);
}

#[tokio::test]
async fn two_server_processes_on_one_database_share_each_clients_limit() {
    let app = behind_proxy(4).await;
    let second = SecondServer::start(
        &app,
        &[
            ("FAKEWATCH_TRUSTED_PROXIES", "127.0.0.1/32"),
            ("FAKEWATCH_RATE_LIMIT_REPORTS", "4"),
        ],
    )
    .await;
    // One IPv6 /64 filing through both servers in turn, from two of its addresses.
    let servers = [app.address.as_str(), second.address.as_str()];
    let clients = ["2001:db8:77:1::a", "2001:db8:77:1::b"];
    for n in 0..4 {
        let response = file_from(servers[n % 2], clients[n / 2], &report(n as u32)).await;
        assert_eq!(response.status(), 201, "filing {n} on server {}", n % 2);
    }
    // Each server has seen two filings of four: only a shared count refuses the fifth, on
    // either of them.
    for server in servers {
        too_many(file_from(server, clients[0], &report(9)).await, 3600).await;
    }
    // An IPv4 client of its own on the second server is untouched by it.
    let other = file_from(servers[1], "192.0.2.44", &report(10)).await;
    assert_eq!(other.status(), 201);
    assert_eq!(reports_saved(&app).await, 5);
}

/// `POST /reports` in the order a browser sends the form: the text fields, the file input,
/// then the fields below it (the email and the honeypot).
async fn post_form_as_browser(
    app: &TestApp,
    fields: &[(&str, &str)],
    file: (&str, Vec<u8>),
    email: &str,
) -> Response {
    let (_, token) = app.get_report_form().await;
    let mut form = reqwest::multipart::Form::new().text("csrf_token", token);
    for (name, value) in fields {
        form = form.text(name.to_string(), value.to_string());
    }
    let part = reqwest::multipart::Part::bytes(file.1).file_name(file.0.to_owned());
    let form = form
        .part("evidence", part)
        .text("email", email.to_owned())
        .text("website", "");
    app.client
        .post(app.url("/reports"))
        .multipart(form)
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn the_form_past_the_limit_is_shown_again_with_the_text_kept_and_nothing_saved() {
    let app = TestApp::spawn_with(|config| config.rate_limit_reports = 1).await;
    let first = app.post_report_form(&valid_form(), &[]).await;
    assert_eq!(first.status(), 303);

    let description = "Second listing: the stitching is loose & the box has no hologram.";
    let form = with_field(&valid_form(), "description", Some(description));
    let form = with_field(
        &form,
        "listing_url",
        Some("https://www.aliexpress.com/item/1005006543299999.html"),
    );
    let form = with_field(&form, "email", None);
    let photo = ("photo.webp", fixture("photo.webp"));
    let refused = post_form_as_browser(&app, &form, photo, "second@example.com").await;
    assert_eq!(refused.status(), 429);
    retry_after(&refused, 3600);
    assert!(
        refused.headers()["content-type"]
            .to_str()
            .expect("ascii")
            .starts_with("text/html")
    );
    let html = refused.text().await.expect("body");
    assert!(html.contains("Your report was not sent"), "{html}");
    assert!(
        html.contains("You have filed 1 reports in the last hour from this network"),
        "{html}"
    );
    assert!(html.contains("attach them again"), "{html}");
    // What was typed, before the file input and after it (the email), is in the form again.
    assert!(
        html.contains("Second listing: the stitching is loose &#38; the box has no hologram."),
        "{html}"
    );
    assert!(html.contains("value=\"https://www.aliexpress.com/item/1005006543299999.html\""));
    assert!(html.contains("value=\"second@example.com\""), "{html}");
    assert!(html.contains("name=\"csrf_token\""));

    assert_eq!(reports_saved(&app).await, 1);
    assert!(app.stored_files().is_empty(), "the photo was never stored");
}

#[tokio::test]
async fn searches_and_lookups_past_the_limit_get_429_on_pages_and_the_api() {
    let app = TestApp::spawn_with(|config| config.rate_limit_search = 3).await;
    assert_eq!(app.post_report_json(&valid_report()).await.status(), 201);
    let seller_page = "/sellers/aliexpress/1102345678";

    // Three that ask the database: a name, a lookup and a store link on the page.
    assert_eq!(app.get("/api/v1/sellers?q=luxury").await.status(), 200);
    let lookup =
        "/api/v1/lookup?url=https%3A%2F%2Fwww.aliexpress.com%2Fitem%2F1005006543210987.html";
    assert_eq!(app.get(lookup).await.status(), 200);
    let by_link = app
        .get("/sellers?q=https%3A%2F%2Fwww.aliexpress.com%2Fstore%2F1102345678")
        .await;
    assert_eq!(by_link.status(), 303);
    // Neither the empty search page nor the seller pages count.
    for path in ["/sellers", "/sellers?q=", seller_page, seller_page] {
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }

    let detail = too_many(app.get("/api/v1/sellers?q=outlet").await, 60).await;
    assert!(
        detail.starts_with("You have made 3 searches in the last minute from this network"),
        "{detail}"
    );
    too_many(app.get(lookup).await, 60).await;

    let page = app.get("/sellers?q=outlet+store").await;
    assert_eq!(page.status(), 429);
    retry_after(&page, 60);
    let html = page.text().await.expect("body");
    assert!(html.contains("value=\"outlet store\""), "the query is kept");
    assert!(
        html.contains("You have made 3 searches in the last minute"),
        "{html}"
    );
    assert_eq!(app.get(seller_page).await.status(), 200);
}

#[tokio::test]
async fn expired_counters_are_deleted_and_live_ones_kept() {
    let app = TestApp::spawn_with(|config| config.rate_limit_search = 10).await;
    assert_eq!(app.get("/api/v1/sellers?q=luxury").await.status(), 200);
    // A counter from three hours ago, long past its use as anyone's previous window.
    sqlx::query(
        "insert into rate_limit (bucket, client_key, window_start, expires_at, hits)
         values ('reports', sha256('old'), now() - interval '3 hours', now() - interval '1 hour', 7)",
    )
    .execute(&app.db)
    .await
    .expect("old counter");
    let mut conn = app.db.acquire().await.expect("connection");
    let deleted = fakewatch::db::rate_limits::delete_expired(&mut conn, 100)
        .await
        .expect("purge");
    assert_eq!(deleted, 1);
    let left: Vec<String> = sqlx::query_scalar("select bucket from rate_limit")
        .fetch_all(&app.db)
        .await
        .expect("rows");
    assert_eq!(left, ["searches"]);
}
