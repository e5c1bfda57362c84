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
