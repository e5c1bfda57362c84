//! Every answer reaches ordinary clients whole. Browsers, curl `--compressed`, Python
//! `requests` and most HTTP libraries ask for compressed answers; a plain client asks for
//! none. Each route family is read both ways, with every encoding we serve, over keep-alive
//! connections: once with the encoding asked for by hand and nothing decoded (the server
//! must really use it, and the transfer must end cleanly), once decoded (the content must be
//! the same as the plain client's).

use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING, CONTENT_TYPE};
use reqwest::{Client, Method, StatusCode, redirect};
use serde_json::Value;

use crate::helpers::{TestApp, valid_report};

/// What a client may ask for; `identity` is the plain client.
pub const ENCODINGS: [&str; 5] = ["identity", "gzip", "br", "deflate", "zstd"];

/// A client that asks for `encoding` and leaves the answer as sent (no decoding).
fn raw_client(encoding: &str) -> Client {
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert(ACCEPT_ENCODING, encoding.parse().expect("header value"));
    Client::builder()
        .no_gzip()
        .no_brotli()
        .no_deflate()
        .no_zstd()
        .default_headers(headers)
        .redirect(redirect::Policy::none())
        .build()
        .expect("client")
}

/// A client like the common ones: asks for `encoding` and decodes it.
fn decoding_client(encoding: &str) -> Client {
    Client::builder()
        .gzip(encoding == "gzip")
        .brotli(encoding == "br")
        .deflate(encoding == "deflate")
        .zstd(encoding == "zstd")
        .redirect(redirect::Policy::none())
        .build()
        .expect("client")
}

/// One request the way `encoding`'s clients make it.
pub struct Fetched {
    pub status: StatusCode,
    pub content_type: String,
    pub body: String,
}

/// Fetches `url` with `encoding` twice: raw (the answer must be in that encoding, or in none
/// when it is too small or of a type not worth compressing, and must arrive whole) and
/// decoded (returned). `bearer` is sent as an API token.
pub async fn fetch_both_ways(
    method: Method,
    url: &str,
    encoding: &str,
    bearer: Option<&str>,
    json: Option<&Value>,
) -> Fetched {
    let send = |client: &Client| {
        let mut request = client.request(method.clone(), url);
        if let Some(token) = bearer {
            request = request.bearer_auth(token);
        }
        if let Some(json) = json {
            request = request.json(json);
        }
        request.send()
    };
    let raw_client = raw_client(encoding);
    let raw = send(&raw_client).await.expect("raw request");
    let raw_status = raw.status();
    let used = raw
        .headers()
        .get(CONTENT_ENCODING)
        .map(|v| v.to_str().expect("ascii").to_owned());
    if let Some(used) = &used {
        assert_eq!(used, encoding, "{url}: asked for {encoding}, got {used}");
    }
    // An answer cut short (a panic under the compression layer) fails here.
    let raw_body = raw
        .bytes()
        .await
        .unwrap_or_else(|e| panic!("{url} with {encoding}: the answer was cut short: {e}"));

    let client = decoding_client(encoding);
    let response = send(&client).await.expect("request");
    let status = response.status();
    // Filing twice is not idempotent (the second updates the first: 200, not 201).
    if method == Method::GET {
        assert_eq!(status, raw_status, "{url} with {encoding}");
    }
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .map(|v| v.to_str().expect("ascii").to_owned())
        .unwrap_or_default();
    let body = response
        .text()
        .await
        .unwrap_or_else(|e| panic!("{url} with {encoding}: the answer was cut short: {e}"));
    if used.is_some() {
        assert!(
            !raw_body.is_empty(),
            "{url} with {encoding}: an empty compressed answer"
        );
    }
    Fetched {
        status,
        content_type,
        body,
    }
}

/// Checks that a body is a whole document of its type.
pub fn assert_whole(url: &str, fetched: &Fetched) {
    let body = fetched.body.trim_end();
    let kind = fetched.content_type.as_str();
    if kind.starts_with("text/html") {
        assert!(body.ends_with("</html>"), "{url}: HTML cut short");
    } else if kind.starts_with("application/atom+xml") {
        assert!(body.ends_with("</feed>"), "{url}: feed cut short");
    } else if kind.contains("json") {
        serde_json::from_str::<Value>(body)
            .unwrap_or_else(|e| panic!("{url}: JSON does not parse: {e}"));
    } else if kind.starts_with("text/css") {
        assert!(body.ends_with('}'), "{url}: stylesheet cut short");
    }
}

/// A report with a receipt and manage link, plus the pages and API answers about it.
async fn app_with_a_report() -> (TestApp, Vec<(Method, String, StatusCode)>) {
    let app = TestApp::spawn().await;
    let filed: Value = app
        .post_report_json(&valid_report())
        .await
        .json()
        .await
        .expect("json");
    let id = filed["id"].as_str().expect("id").to_owned();
    let token = filed["manage_token"].as_str().expect("token").to_owned();
    let receipt = app.get(&format!("/reports/{id}")).await;
    assert_eq!(receipt.status(), 200);
    let stylesheet = {
        let home = app.get("/").await.text().await.expect("home");
        let start = home.find("/static/").expect("a stylesheet link");
        let end = start + home[start..].find('"').expect("link ends");
        home[start..end].replace("&amp;", "&")
    };
    let get = |path: String, status: StatusCode| (Method::GET, path, status);
    let routes = vec![
        get("/".into(), StatusCode::OK),
        get("/reports/new".into(), StatusCode::OK),
        get(format!("/reports/{id}"), StatusCode::OK),
        get(format!("/reports/{id}/manage/{token}"), StatusCode::OK),
        get("/sellers?q=Luxury+Outlet".into(), StatusCode::OK),
        get("/sellers/aliexpress/1102345678".into(), StatusCode::OK),
        get(
            "/sellers/aliexpress/1102345678/feed.atom".into(),
            StatusCode::OK,
        ),
        get("/brands/louis-vuitton".into(), StatusCode::OK),
        get("/brands/louis-vuitton/feed.atom".into(), StatusCode::OK),
        get("/about/reputation".into(), StatusCode::OK),
        get("/no/such/page".into(), StatusCode::NOT_FOUND),
        get(stylesheet, StatusCode::OK),
        get("/healthz".into(), StatusCode::OK),
        get("/api/openapi.json".into(), StatusCode::OK),
        get("/api/v1/sellers?q=Luxury+Outlet".into(), StatusCode::OK),
        get(
            "/api/v1/sellers/aliexpress/1102345678".into(),
            StatusCode::OK,
        ),
        get("/api/v1/brands/louis-vuitton".into(), StatusCode::OK),
        get(
            "/api/v1/lookup?url=https%3A%2F%2Fwww.aliexpress.com%2Fstore%2F1102345678".into(),
            StatusCode::OK,
        ),
        get(format!("/api/v1/reports/{id}"), StatusCode::OK),
        get("/api/v1/sellers/aliexpress/0".into(), StatusCode::NOT_FOUND),
    ];
    (app, routes)
}

#[tokio::test]
async fn every_page_and_api_answer_arrives_whole_with_every_encoding() {
    let (app, routes) = app_with_a_report().await;
    for (method, path, expected) in routes {
        let url = app.url(&path);
        let plain = fetch_both_ways(method.clone(), &url, "identity", None, None).await;
        assert_eq!(plain.status, expected, "{path}");
        assert_whole(&path, &plain);
        for encoding in &ENCODINGS[1..] {
            let fetched = fetch_both_ways(method.clone(), &url, encoding, None, None).await;
            assert_eq!(fetched.status, expected, "{path} with {encoding}");
            assert_eq!(fetched.content_type, plain.content_type, "{path}");
            assert_whole(&path, &fetched);
            // Pages carry per-request tokens (CSRF); JSON and feeds are the same bytes.
            if !plain.content_type.starts_with("text/html") {
                assert_eq!(fetched.body, plain.body, "{path} with {encoding}");
            }
        }
    }
}

#[tokio::test]
async fn reports_are_filed_and_answered_whole_with_every_encoding() {
    let app = TestApp::spawn().await;
    for (n, encoding) in ENCODINGS.iter().enumerate() {
        let mut report = valid_report();
        report["listing_url"] =
            format!("https://www.aliexpress.com/item/100500654321{n:04}.html").into();
        report["email"] = format!("buyer{n}@example.com").into();
        let url = app.url("/api/v1/reports");
        // Raw, then decoded: the second files the same listing again, a second report.
        let fetched = fetch_both_ways(Method::POST, &url, encoding, None, Some(&report)).await;
        assert!(fetched.status.is_success(), "{encoding}: {}", fetched.body);
        assert!(fetched.content_type.contains("json"));
        assert_whole(&url, &fetched);
        let problem = fetch_both_ways(
            Method::POST,
            &url,
            encoding,
            None,
            Some(&serde_json::json!({"listing_url": ""})),
        )
        .await;
        assert_eq!(
            problem.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{encoding}"
        );
        assert_eq!(problem.content_type, "application/problem+json");
        assert_whole(&url, &problem);
    }
}

async fn panics() -> &'static str {
    panic!("a bug in a handler")
}

#[tokio::test]
async fn a_panic_in_a_handler_is_a_500_answer_and_the_connection_goes_on_serving() {
    let app = TestApp::spawn().await;
    // The real routes and middleware, plus two routes that panic.
    let routes = fakewatch::routes::routes(&app.state)
        .route("/boom", axum::routing::get(panics))
        .route("/api/v1/boom", axum::routing::get(panics));
    let router = fakewatch::startup::with_middleware(routes, app.state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    tokio::spawn(async move { axum::serve(listener, router).await });

    for encoding in ENCODINGS {
        let page =
            fetch_both_ways(Method::GET, &format!("{base}/boom"), encoding, None, None).await;
        assert_eq!(page.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(page.content_type.starts_with("text/html"));
        assert!(page.body.contains("Something went wrong on our side"));
        assert!(
            !page.body.contains("a bug in a handler"),
            "no internals shown"
        );
        assert_whole("/boom", &page);

        let api = fetch_both_ways(
            Method::GET,
            &format!("{base}/api/v1/boom"),
            encoding,
            None,
            None,
        )
        .await;
        assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(api.content_type, "application/problem+json");
        let problem: Value = serde_json::from_str(&api.body).expect("problem");
        assert_eq!(problem["status"], 500);
    }
    // One keep-alive client: the panic ended neither its connection nor the server.
    let client = crate::helpers::client();
    for path in ["/boom", "/", "/boom", "/healthz"] {
        let response = client
            .get(format!("{base}{path}"))
            .send()
            .await
            .expect("answer");
        let expected = if path == "/boom" { 500 } else { 200 };
        assert_eq!(response.status(), expected, "{path}");
        response.text().await.expect("whole body");
    }
}
