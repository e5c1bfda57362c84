//! Public pages, feeds and the public API show the month of the order, never its day.

use serde_json::Value;

use super::{ORDER_DATE, file};
use crate::helpers::TestApp;

async fn text(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.text().await.expect("body")
}

#[tokio::test]
async fn public_pages_feeds_and_the_api_show_the_order_month_never_the_day() {
    let app = TestApp::spawn().await;
    let filed = file(
        &app,
        Some("month@example.com"),
        "Ordered mid-July; the logo is wrong.",
        &[],
    )
    .await;
    let api: Value = app
        .get_report_api(&filed.id)
        .await
        .json()
        .await
        .expect("json");
    let seller_path = format!(
        "/sellers/{}/{}",
        api["seller"]["marketplace"].as_str().expect("marketplace"),
        api["seller"]["seller_key"].as_str().expect("seller key")
    );
    let brand_path = format!("/brands/{}", api["brand"]["slug"].as_str().expect("slug"));

    assert_eq!(api["order_month"], "2025-07");
    assert!(api.get("order_date").is_none(), "{api}");

    let report_page = text(&app, &format!("/reports/{}", filed.id)).await;
    assert!(
        report_page.contains("<time datetime=\"2025-07\">July 2025</time>"),
        "{report_page}"
    );
    let seller_page = text(&app, &seller_path).await;
    assert!(seller_page.contains("ordered <time datetime=\"2025-07\">July 2025</time>"));
    for feed in [&seller_path, &brand_path] {
        let atom = text(&app, &format!("{feed}/feed.atom")).await;
        assert!(atom.contains("Ordered in July 2025."), "{atom}");
    }
    let seller_api: Value = app
        .get(&format!("/api/v1{seller_path}"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(seller_api["recent_reports"][0]["order_month"], "2025-07");
    // Nowhere public, in any form of the page or answer, is the day.
    for path in [
        format!("/reports/{}", filed.id),
        format!("/api/v1/reports/{}", filed.id),
        seller_path.clone(),
        format!("{seller_path}/feed.atom"),
        format!("/api/v1{seller_path}"),
        brand_path.clone(),
        format!("{brand_path}/feed.atom"),
        format!("/api/v1{brand_path}"),
    ] {
        let body = text(&app, &path).await;
        assert!(!body.contains(ORDER_DATE), "{path} shows the day: {body}");
        assert!(
            !body.contains("July 19") && !body.contains("19 July"),
            "{path}"
        );
    }
    // Only the reporter's own page does.
    let manage = text(
        &app,
        &format!("/reports/{}/manage/{}", filed.id, filed.token),
    )
    .await;
    assert!(manage.contains(ORDER_DATE));
}

#[tokio::test]
async fn the_openapi_document_describes_the_order_month_and_erasing() {
    let app = TestApp::spawn().await;
    let doc: Value = app
        .get("/api/openapi.json")
        .await
        .json()
        .await
        .expect("json");
    let schemas = &doc["components"]["schemas"];
    for schema in ["Report", "ReportItem"] {
        let properties = &schemas[schema]["properties"];
        assert!(
            properties.get("order_date").is_none(),
            "{schema}: {properties}"
        );
        let month = &properties["order_month"];
        assert!(month["pattern"].as_str().is_some(), "{schema}: {month}");
    }
    let delete = &doc["paths"]["/api/v1/reports/{id}"]["delete"];
    let erase = delete["parameters"]
        .as_array()
        .and_then(|params| params.iter().find(|p| p["name"] == "erase"))
        .unwrap_or_else(|| panic!("no erase parameter: {delete}"));
    assert_eq!(erase["in"], "query");
}
