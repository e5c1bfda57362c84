use serde_json::Value;

use crate::helpers::TestApp;

/// The API routes as the route table declares them, read from its source, so that a route
/// added without documentation fails this test.
fn api_routes() -> Vec<String> {
    let source = include_str!("../../src/routes/mod.rs");
    // Every string literal of the file that names an API path.
    let mut routes: Vec<String> = source
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|path| path.starts_with("/api/v1/") || *path == "/healthz")
        .map(str::to_owned)
        .collect();
    routes.dedup();
    routes
}

#[tokio::test]
async fn every_public_api_route_is_in_the_openapi_document() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.expect("json");
    assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
    let paths = doc["paths"].as_object().expect("paths");
    let routes = api_routes();
    assert!(routes.len() >= 8, "found {routes:?}");
    for route in &routes {
        assert!(paths.contains_key(route), "{route} is not documented");
    }
    // And nothing is documented that the router does not serve.
    for documented in paths.keys() {
        assert!(
            routes.contains(documented),
            "{documented} is documented but not routed"
        );
    }
    let schemas = doc["components"]["schemas"].as_object().expect("schemas");
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
