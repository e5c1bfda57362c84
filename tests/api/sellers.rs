use serde_json::{Value, json};

use crate::helpers::{TestApp, valid_report};

/// Files a report through the API and returns its JSON answer.
async fn file(app: &TestApp, changes: Value) -> Value {
    let mut report = valid_report();
    for (key, value) in changes.as_object().expect("object") {
        report[key] = value.clone();
    }
    let response = app.post_report_json(&report).await;
    assert!(
        response.status().is_success(),
        "{}",
        response.text().await.unwrap_or_default()
    );
    response.json().await.expect("json")
}

const SELLER: &str = "/sellers/aliexpress/1102345678";

#[tokio::test]
async fn the_seller_page_counts_people_brands_and_listings_but_not_rejected_or_withdrawn_reports() {
    let app = TestApp::spawn().await;
    file(&app, json!({"email": "a@example.com"})).await;
    // The same buyer on another listing: two reports, one reporter.
    file(&app, json!({"email": "a@example.com", "listing_url": "https://www.aliexpress.com/item/1005000000000002.html", "brand": "Gucci"})).await;
    file(&app, json!({"email": "b@example.com"})).await;
    let rejected = file(&app, json!({"email": "c@example.com", "brand": "Rolex"})).await;
    let withdrawn = file(&app, json!({"email": "d@example.com", "brand": "Chanel"})).await;
    sqlx::query("update report set status = 'rejected' where public_id = $1")
        .bind(rejected["id"].as_str())
        .execute(&app.db)
        .await
        .expect("reject");
    let token = withdrawn["manage_token"].as_str().expect("token");
    app.delete_report_api(withdrawn["id"].as_str().expect("id"), Some(token))
        .await;

    let seller: Value = app
        .get(&format!("/api/v1{SELLER}"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(seller["counts"]["reports"], 3);
    assert_eq!(seller["counts"]["distinct_reporters"], 2);
    assert_eq!(seller["counts"]["verified"], 0);
    assert_eq!(seller["counts"]["last_30_days"], 3);
    assert_eq!(seller["name"], "Luxury Outlet Store");
    // Two different buyers: not yet "repeated" under the prior (see docs/reputation.md).
    assert_eq!(seller["reputation"]["label"], "some_unverified_reports");
    assert!(
        seller["reputation"]["explanation"]
            .as_array()
            .is_some_and(|e| !e.is_empty())
    );
    let brands: Vec<&str> = seller["brands"]
        .as_array()
        .expect("brands")
        .iter()
        .map(|b| b["slug"].as_str().expect("slug"))
        .collect();
    assert_eq!(brands, vec!["louis-vuitton", "gucci"]);
    assert_eq!(seller["listings"].as_array().expect("listings").len(), 2);
    assert_eq!(
        seller["recent_reports"].as_array().expect("recent").len(),
        3
    );
    let text = seller.to_string();
    for hidden in ["Rolex", "Chanel", "a@example.com", "manage"] {
        assert!(!text.contains(hidden), "{hidden} leaked: {text}");
    }

    let page = app.get(SELLER).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    assert!(html.contains("Some unconfirmed reports"));
    assert!(html.contains("How is this computed?"));
    assert!(html.contains("<svg"));
    assert!(html.contains("rel=\"nofollow ugc noopener noreferrer\""));
    assert!(!html.contains("Rolex") && !html.contains("Chanel"));
    assert!(html.contains("unverified"));
}

#[tokio::test]
async fn searching_by_store_or_listing_url_goes_straight_to_the_seller() {
    let app = TestApp::spawn().await;
    file(&app, json!({})).await;
    for q in [
        "https://www.aliexpress.com/store/1102345678",
        "https://fr.aliexpress.com/item/1005006543210987.html?spm=abc",
        "aliexpress.com/store/1102345678",
    ] {
        let response = app
            .client
            .get(app.url("/sellers"))
            .query(&[("q", q)])
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 303, "{q}");
        assert_eq!(response.headers()["location"], SELLER, "{q}");
    }
    let unknown = app
        .client
        .get(app.url("/sellers"))
        .query(&[("q", "https://www.aliexpress.com/item/1005009999999999.html")])
        .send()
        .await
        .expect("request");
    assert_eq!(unknown.status(), 200);
    let html = unknown.text().await.expect("body");
    assert!(html.contains("No reports about this listing yet"));
    assert!(html.contains("/reports/new?listing_url="));

    let broken = app
        .client
        .get(app.url("/sellers"))
        .query(&[("q", "javascript://x")])
        .send()
        .await
        .expect("request");
    assert_eq!(broken.status(), 422);
}

#[tokio::test]
async fn searching_by_name_finds_similar_names_and_aliases_ranked_and_paginated() {
    let app = TestApp::spawn().await;
    file(
        &app,
        json!({"seller_url": null, "seller_name": "Sunshine Fashion Outlet"}),
    )
    .await;
    file(&app, json!({"seller_url": "https://www.aliexpress.com/store/555", "seller_name": "Moonlight Bags", "listing_url": "https://www.aliexpress.com/item/1005000000000555.html"})).await;
    let found: Value = app
        .get("/api/v1/sellers?q=sunshine%20fashion")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(found["results"][0]["name"], "Sunshine Fashion Outlet");
    assert_eq!(found["results"][0]["name_based"], true);
    let misspelt: Value = app
        .get("/api/v1/sellers?q=sunshin%20fashon")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(misspelt["results"][0]["name"], "Sunshine Fashion Outlet");
    let html = app
        .get("/sellers?q=moonlight")
        .await
        .text()
        .await
        .expect("body");
    assert!(html.contains("Moonlight Bags"));
    let nothing = app
        .get("/sellers?q=zzzzqqq")
        .await
        .text()
        .await
        .expect("body");
    assert!(nothing.contains("No seller matches"));
    assert!(nothing.contains("/reports/new"));

    assert_eq!(app.get("/sellers?q=moon&page=0").await.status(), 422);
    assert_eq!(app.get("/sellers?q=moon&page=abc").await.status(), 422);
    let beyond: Value = app
        .get("/api/v1/sellers?q=moon&page=9")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(beyond["results"], json!([]));
    assert_eq!(beyond["next_page"], Value::Null);
}

#[tokio::test]
async fn recent_reports_paginate_with_stable_order() {
    let app = TestApp::spawn().await;
    for i in 0..23 {
        file(&app, json!({"email": format!("p{i}@example.com"), "listing_url": format!("https://www.aliexpress.com/item/10050000000{i:05}.html")})).await;
    }
    let first = app.get(SELLER).await.text().await.expect("body");
    assert!(first.contains("?page=2"));
    assert!(!first.contains("rel=\"prev\""));
    let one: Value = app
        .get(&format!("/api/v1{SELLER}"))
        .await
        .json()
        .await
        .expect("json");
    let two: Value = app
        .get(&format!("/api/v1{SELLER}?page=2"))
        .await
        .json()
        .await
        .expect("json");
    let ids = |v: &Value| -> Vec<String> {
        v["recent_reports"]
            .as_array()
            .expect("list")
            .iter()
            .map(|r| r["id"].as_str().expect("id").to_owned())
            .collect()
    };
    assert_eq!(ids(&one).len(), 20);
    assert_eq!(ids(&two).len(), 3);
    assert!(ids(&two).iter().all(|id| !ids(&one).contains(id)));
    let second = app
        .get(&format!("{SELLER}?page=2"))
        .await
        .text()
        .await
        .expect("body");
    assert!(second.contains("rel=\"prev\"") && !second.contains("rel=\"next\""));
}

#[tokio::test]
async fn hostile_names_are_escaped_and_direction_overrides_removed() {
    let app = TestApp::spawn().await;
    file(
        &app,
        json!({
            "seller_url": null,
            "seller_name": "<script>alert(1)</script>\u{202E}gnp.exe",
            "brand": "<img src=x onerror=alert(2)>",
            "description": "Nice <b>fake</b> \" onmouseover=\"alert(3)"
        }),
    )
    .await;
    let found: Value = app
        .get("/api/v1/sellers?q=script")
        .await
        .json()
        .await
        .expect("json");
    let path = found["results"][0]["path"]
        .as_str()
        .expect("path")
        .to_owned();
    let html = app.get(&path).await.text().await.expect("body");
    assert!(!html.contains("<script>alert"), "script not escaped");
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || html.contains("&lt;script&gt;alert(1)")
    );
    assert!(!html.contains("<img src=x"));
    assert!(!html.contains("<b>fake</b>"));
    assert!(!html.contains('\u{202E}'));
    let brand_slug = app
        .get(&format!("/api/v1{path}"))
        .await
        .json::<Value>()
        .await
        .expect("json")["brands"][0]["slug"]
        .as_str()
        .expect("slug")
        .to_owned();
    let brand_page = app
        .get(&format!("/brands/{brand_slug}"))
        .await
        .text()
        .await
        .expect("body");
    assert!(!brand_page.contains("<img src=x"));
    let feed = app
        .get(&format!("{path}/feed.atom"))
        .await
        .text()
        .await
        .expect("body");
    assert!(!feed.contains("<script>") && !feed.contains("<b>fake"));
}

#[tokio::test]
async fn unknown_sellers_and_brands_are_friendly_404s() {
    let app = TestApp::spawn().await;
    for path in [
        "/sellers/aliexpress/404404",
        "/sellers/nosuchmarket/1",
        "/brands/no-such-brand",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        assert!(
            response
                .text()
                .await
                .expect("body")
                .contains("Report a fake listing")
        );
    }
    for path in [
        "/api/v1/sellers/aliexpress/404404",
        "/api/v1/brands/nope",
        "/api/v1/lookup?url=https://www.aliexpress.com/store/4040404",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
    }
    assert_eq!(
        app.get("/api/v1/lookup?url=not%20a%20url").await.status(),
        422
    );
}

#[tokio::test]
async fn lookup_resolves_a_listing_url_to_its_seller_and_listing() {
    let app = TestApp::spawn().await;
    file(&app, json!({})).await;
    let body: Value = app
        .get("/api/v1/lookup?url=https%3A%2F%2Fes.aliexpress.com%2Fitem%2F1005006543210987.html%3Fspm%3Dx")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(body["seller"]["seller_key"], "1102345678");
    assert_eq!(body["seller"]["counts"]["reports"], 1);
    assert_eq!(body["listing"]["listing_id"], "1005006543210987");
}

#[tokio::test]
async fn brand_pages_list_sellers_with_counts_per_marketplace() {
    let app = TestApp::spawn().await;
    file(&app, json!({"email": "a@example.com"})).await;
    file(&app, json!({"email": "b@example.com", "brand": "LOUIS  VUITTON", "listing_url": "https://www.ebay.com/itm/256789012345", "seller_url": "https://www.ebay.com/usr/fakes4u"})).await;
    let brand: Value = app
        .get("/api/v1/brands/louis-vuitton")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(brand["reports"], 2);
    assert_eq!(brand["sellers_count"], 2);
    let markets: Vec<&str> = brand["marketplaces"]
        .as_array()
        .expect("list")
        .iter()
        .map(|m| m["marketplace"].as_str().expect("m"))
        .collect();
    assert!(markets.contains(&"aliexpress") && markets.contains(&"ebay"));
    let html = app
        .get("/brands/louis-vuitton")
        .await
        .text()
        .await
        .expect("body");
    assert!(html.contains("fakes4u") && html.contains("Luxury Outlet Store"));
    let feed = app.get("/brands/louis-vuitton/feed.atom").await;
    assert_eq!(
        feed.headers()["content-type"],
        "application/atom+xml; charset=utf-8"
    );
    let xml = feed.text().await.expect("body");
    assert!(xml.starts_with("<?xml"));
    assert_eq!(xml.matches("<entry>").count(), 2);
}

#[tokio::test]
async fn public_answers_carry_etags_and_repeat_visits_get_304() {
    let app = TestApp::spawn().await;
    file(&app, json!({})).await;
    for path in [
        SELLER,
        "/api/v1/sellers/aliexpress/1102345678",
        "/brands/louis-vuitton",
        "/",
    ] {
        let first = app.get(path).await;
        assert_eq!(first.status(), 200, "{path}");
        assert!(
            first.headers()["cache-control"]
                .to_str()
                .expect("ascii")
                .contains("max-age")
        );
        let etag = first.headers()["etag"].clone();
        let again = app
            .client
            .get(app.url(path))
            .header("if-none-match", etag)
            .send()
            .await
            .expect("request");
        assert_eq!(again.status(), 304, "{path}");
    }
}

#[tokio::test]
async fn the_home_page_has_search_counts_and_recent_activity() {
    let app = TestApp::spawn().await;
    file(&app, json!({})).await;
    let html = app.get("/").await.text().await.expect("body");
    assert!(html.contains("action=\"/sellers\""));
    assert!(html.contains("<strong>1</strong> published reports"));
    assert!(html.contains("Luxury Outlet Store"));
    assert!(html.contains("/brands/louis-vuitton"));
    let about = app.get("/about/reputation").await;
    assert_eq!(about.status(), 200);
    assert!(about.text().await.expect("body").contains("<h1"));
}

#[tokio::test]
async fn a_name_search_offers_the_brand_pages_the_name_resembles() {
    let app = TestApp::spawn().await;
    file(&app, json!({"brand": "Nike", "seller_name": "Sole Shop"})).await;
    file(&app, json!({"brand": "Nike", "seller_name": "Sole Shop"})).await;

    let found: Value = app
        .get("/api/v1/sellers?q=nike")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        found["brands"],
        json!([{"slug": "nike", "name": "Nike", "reports": 2, "path": "/brands/nike"}]),
        "{found}"
    );
    // No seller is called anything like Nike: the brand is what the visitor was after.
    assert_eq!(found["results"], json!([]));
    let html = app
        .get("/sellers?q=nikee")
        .await
        .text()
        .await
        .expect("body");
    assert!(
        html.contains(r#"<a href="/brands/nike"><strong>Nike</strong></a>"#),
        "{html}"
    );
    assert!(html.contains("2 reports about its products"));

    // Later pages are about sellers only, and a name like no brand offers none.
    let second: Value = app
        .get("/api/v1/sellers?q=nike&page=2")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(second["brands"], json!([]));
    let shop: Value = app
        .get("/api/v1/sellers?q=sole%20shop")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(shop["brands"], json!([]));
    assert_eq!(shop["results"][0]["reports"], 2);
}

#[tokio::test]
async fn the_last_30_and_365_days_count_to_the_second_across_the_boundary_day() {
    let app = TestApp::spawn().await;
    // A minute inside and a minute outside each window: the summary counts whole days, and
    // the day a window starts in is counted report by report.
    let ages = [
        (30 * 86_400 - 60, "1005000000000301"),
        (30 * 86_400 + 60, "1005000000000302"),
        (365 * 86_400 - 60, "1005000000000303"),
        (365 * 86_400 + 60, "1005000000000304"),
    ];
    for (seconds, item) in ages {
        let url = format!("https://www.aliexpress.com/item/{item}.html");
        let filed = file(&app, json!({"listing_url": url})).await;
        sqlx::query(
            "update report set created_at = now() - make_interval(secs => $1) where public_id = $2",
        )
        .bind(f64::from(seconds))
        .bind(filed["id"].as_str())
        .execute(&app.db)
        .await
        .expect("backdate");
    }
    let seller: Value = app
        .get(&format!("/api/v1{SELLER}"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(seller["counts"]["reports"], 4);
    assert_eq!(seller["counts"]["last_30_days"], 1, "{seller}");
    assert_eq!(seller["counts"]["last_365_days"], 3, "{seller}");
}
