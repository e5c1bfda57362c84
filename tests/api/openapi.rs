use axum::body::Body;
use axum::http::{HeaderValue, Method, Request};
use serde_json::Value;
use tower::ServiceExt;

use crate::helpers::TestApp;

/// Marks an answer as coming from one of the router's routes (not its fallback, not a 405).
async fn routed(mut response: axum::response::Response) -> axum::response::Response {
    response
        .headers_mut()
        .insert("x-routed", HeaderValue::from_static("yes"));
    response
}

/// `path` with every `{parameter}` filled in.
fn filled(path: &str) -> String {
    path.split('{')
        .enumerate()
        .map(|(i, part)| match part.split_once('}') {
            Some((_, rest)) if i > 0 => format!("x{rest}"),
            _ => part.to_owned(),
        })
        .collect()
}

/// The methods the document lists for a path item, upper case.
fn methods(item: &Value) -> Vec<String> {
    let mut methods: Vec<String> = item
        .as_object()
        .expect("path item")
        .keys()
        .filter(|key| ["get", "put", "post", "delete", "patch"].contains(&key.as_str()))
        .map(|key| key.to_uppercase())
        .collect();
    methods.sort();
    methods
}

#[tokio::test]
async fn the_served_document_is_the_one_the_api_router_was_built_with() {
    let app = TestApp::spawn().await;
    let (_, built) = fakewatch::routes::api(&app.state).split_for_parts();
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/json");
    let served: Value = response.json().await.expect("json");
    assert_eq!(
        served,
        serde_json::to_value(&built).expect("the built document")
    );
    assert!(
        served["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3."))
    );
    let paths = served["paths"].as_object().expect("paths");
    assert!(paths.len() >= 10, "found {:?}", paths.keys());
    assert!(paths.contains_key("/healthz"));
    assert!(
        paths
            .keys()
            .all(|p| p == "/healthz" || p.starts_with("/api/v1/"))
    );
    let schemas = served["components"]["schemas"]
        .as_object()
        .expect("schemas");
    for name in [
        "NewReport",
        "FiledReport",
        "Seller",
        "Reputation",
        "Brand",
        "Problem",
    ] {
        assert!(schemas.contains_key(name), "schema {name} missing");
    }
    let seller = &schemas["Seller"]["properties"];
    for field in [
        "marketplace",
        "seller_key",
        "name",
        "reputation",
        "counts",
        "brands",
        "listings",
    ] {
        assert!(seller.get(field).is_some(), "Seller.{field} missing");
    }
}

#[tokio::test]
async fn every_documented_operation_reaches_a_route_of_the_api_router() {
    let app = TestApp::spawn().await;
    let (router, document) = fakewatch::routes::api(&app.state).split_for_parts();
    let router = router
        .route_layer(axum::middleware::map_response(routed))
        .with_state(app.state.clone());
    let document = serde_json::to_value(&document).expect("document");
    let mut operations = 0;
    for (path, item) in document["paths"].as_object().expect("paths") {
        for method in methods(item) {
            let request = Request::builder()
                .method(Method::from_bytes(method.as_bytes()).expect("method"))
                .uri(filled(path))
                .body(Body::empty())
                .expect("request");
            let response = router.clone().oneshot(request).await.expect("infallible");
            assert_ne!(response.status(), 405, "{method} {path}");
            assert!(
                response.headers().contains_key("x-routed"),
                "{method} {path} is documented but not routed ({})",
                response.status()
            );
            operations += 1;
        }
    }
    assert!(operations >= 14, "only {operations} operations");
}

#[tokio::test]
async fn the_served_app_takes_exactly_the_documented_methods_on_each_documented_path() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let documented = methods(item);
        let other = ["PUT", "DELETE", "PATCH", "POST", "GET"]
            .into_iter()
            .find(|m| !documented.iter().any(|d| d == m))
            .expect("a method the path does not take");
        let refused = app
            .client
            .request(
                reqwest::Method::from_bytes(other.as_bytes()).expect("method"),
                app.url(&filled(path)),
            )
            .send()
            .await
            .expect("request");
        assert_eq!(refused.status(), 405, "{other} {path}");
        let mut allowed: Vec<String> = refused.headers()["allow"]
            .to_str()
            .expect("allow")
            .split(',')
            .map(|m| m.trim().to_owned())
            .filter(|m| m != "HEAD")
            .collect();
        allowed.sort();
        assert_eq!(allowed, documented, "{path}");
    }
}

async fn document(app: &TestApp) -> Value {
    app.get("/api/openapi.json")
        .await
        .json()
        .await
        .expect("the document")
}

/// The document's entry for query or path parameter `name` of `GET path`.
fn parameter<'a>(doc: &'a Value, path: &str, name: &str) -> &'a Value {
    doc["paths"][path]["get"]["parameters"]
        .as_array()
        .and_then(|params| params.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("GET {path} has no parameter {name}"))
}

/// Asserts problem details with `status`, and returns them.
async fn problem(response: reqwest::Response, status: u16) -> Value {
    assert_eq!(response.status(), status, "{}", response.url());
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json",
        "{}",
        response.url()
    );
    let body: Value = response.json().await.expect("problem details");
    assert_eq!(body["status"], status);
    body
}

/// The fields a 422 names.
fn fields(problem: &Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .expect("field errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect()
}

#[tokio::test]
async fn every_error_the_document_lists_is_problem_details() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let mut errors = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        if !path.starts_with("/api/") {
            continue;
        }
        for (method, operation) in item.as_object().expect("path item") {
            let responses = operation["responses"].as_object().expect("responses");
            for status in ["408", "500", "503"] {
                assert!(responses.contains_key(status), "{method} {path}: {status}");
            }
            if operation.get("security").is_some() {
                let challenge = &responses["401"]["headers"]["WWW-Authenticate"];
                assert!(
                    challenge.is_object(),
                    "{method} {path}: 401 WWW-Authenticate"
                );
            }
            for (status, response) in responses {
                if status.parse::<u16>().expect("a status") < 400 {
                    continue;
                }
                let content = response["content"].as_object();
                let media_types: Vec<&String> =
                    content.into_iter().flat_map(|c| c.keys()).collect();
                assert_eq!(
                    media_types,
                    ["application/problem+json"],
                    "{method} {path} {status}"
                );
                assert_eq!(
                    response["content"]["application/problem+json"]["schema"]["$ref"],
                    "#/components/schemas/Problem",
                    "{method} {path} {status}"
                );
                errors += 1;
            }
        }
    }
    assert!(errors >= 60, "only {errors} error responses found");
}

#[tokio::test]
async fn page_is_documented_as_1_to_500_and_anything_else_is_a_422() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    for path in [
        "/api/v1/sellers",
        "/api/v1/sellers/{marketplace}/{seller_key}",
        "/api/v1/brands/{slug}",
    ] {
        let schema = &parameter(&doc, path, "page")["schema"];
        assert_eq!(schema["type"], "integer", "{path}");
        assert_eq!(schema["minimum"], 1, "{path}");
        assert_eq!(schema["maximum"], 500, "{path}");
    }
    let last = app.get("/api/v1/sellers?q=moon&page=500").await;
    assert_eq!(last.status(), 200);
    for path in [
        "/api/v1/sellers?q=moon&page=",
        "/api/v1/sellers/aliexpress/912345?page=",
        "/api/v1/brands/acme?page=",
    ] {
        for page in ["0", "501", "-1", "two", ""] {
            let refused = problem(app.get(&format!("{path}{page}")).await, 422).await;
            assert_eq!(fields(&refused), ["page"], "{path}{page}");
        }
    }
}

#[tokio::test]
async fn q_and_url_are_documented_as_required_and_not_empty_and_refused_when_they_are() {
    let app = TestApp::spawn().await;
    let doc = document(&app).await;
    let q = parameter(&doc, "/api/v1/sellers", "q");
    assert_eq!(q["required"], true);
    assert_eq!(q["schema"]["minLength"], 2);
    let url = parameter(&doc, "/api/v1/lookup", "url");
    assert_eq!(url["required"], true);
    assert_eq!(url["schema"]["minLength"], 1);

    for query in ["", "?q=", "?q=a", "?q=%20a%20"] {
        let refused = problem(app.get(&format!("/api/v1/sellers{query}")).await, 422).await;
        assert_eq!(fields(&refused), ["q"], "{query:?}");
    }
    assert_eq!(app.get("/api/v1/sellers?q=ab").await.status(), 200);
    for query in ["", "?url="] {
        let refused = problem(app.get(&format!("/api/v1/lookup{query}")).await, 422).await;
        assert_eq!(fields(&refused), ["url"], "{query:?}");
    }
}

#[tokio::test]
async fn a_parameter_given_twice_is_a_400_with_problem_details() {
    let app = TestApp::spawn().await;
    for path in [
        "/api/v1/sellers?q=moon&q=star",
        "/api/v1/brands/acme?page=1&page=2",
        "/api/v1/sellers/aliexpress/912345?page=1&page=2",
        "/api/v1/lookup?url=a&url=b",
    ] {
        let refused = problem(app.get(path).await, 400).await;
        let detail = refused["detail"].as_str().expect("detail");
        assert!(detail.contains("duplicate field"), "{path}: {detail}");
    }
}

#[tokio::test]
async fn unknown_api_paths_and_wrong_methods_answer_with_problem_details_and_pages_with_html() {
    let app = TestApp::spawn().await;
    for path in ["/api/v1/nothing-here", "/api/v2/sellers", "/api/"] {
        problem(app.get(path).await, 404).await;
    }
    let post = app
        .client
        .post(app.url("/api/v1/sellers"))
        .send()
        .await
        .expect("request");
    assert!(
        post.headers()["allow"]
            .to_str()
            .expect("allow")
            .contains("GET")
    );
    problem(post, 405).await;
    let put = app
        .client
        .put(app.url("/api/v1/reports/abc"))
        .send()
        .await
        .expect("request");
    let allow = put.headers()["allow"].to_str().expect("allow").to_owned();
    assert!(
        allow.contains("GET") && allow.contains("DELETE") && allow.contains("PATCH"),
        "{allow}"
    );
    problem(put, 405).await;

    let page = app.get("/nothing-here").await;
    assert_eq!(page.status(), 404);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/html")
    );
    let page_post = app
        .client
        .post(app.url("/sellers"))
        .send()
        .await
        .expect("request");
    assert_eq!(page_post.status(), 405);
    assert!(
        page_post
            .headers()
            .get("content-type")
            .is_none_or(|t| t != "application/problem+json")
    );
}

#[tokio::test]
async fn a_request_that_runs_out_of_time_under_api_is_a_408_with_problem_details() {
    // With no time at all, any request that waits for the database times out.
    let app = TestApp::spawn_with(|config| config.request_timeout_secs = 0).await;
    let late = problem(app.get("/api/v1/sellers?q=moon").await, 408).await;
    assert!(late["detail"].as_str().expect("detail").contains("longer"));
    let page = app.get("/sellers?q=moon").await;
    assert_eq!(page.status(), 408);
    assert!(
        page.headers()
            .get("content-type")
            .is_none_or(|t| t != "application/problem+json")
    );
}
