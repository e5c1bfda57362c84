use serde_json::{Value, json};

use crate::helpers::{TestApp, valid_report};

async fn problem(response: reqwest::Response) -> Value {
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    response.json().await.expect("problem details")
}

#[tokio::test]
async fn a_json_report_is_created_with_location_and_what_was_recorded() {
    let app = TestApp::spawn().await;
    let response = app.post_report_json(&valid_report()).await;
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    let body: Value = response.json().await.expect("json");
    let id = body["id"].as_str().expect("id");
    assert_eq!(location, format!("/api/v1/reports/{id}"));
    assert!(id.len() >= 16, "public ids are long random strings");
    assert_eq!(body["status"], "unverified");
    assert_eq!(body["listing"]["marketplace"], "aliexpress");
    assert_eq!(body["listing"]["listing_id"], "1005006543210987");
    assert_eq!(
        body["listing"]["canonical_url"],
        "https://www.aliexpress.com/item/1005006543210987.html"
    );
    assert_eq!(body["seller"]["seller_key"], "1102345678");
    assert_eq!(body["seller"]["name"], "Luxury Outlet Store");
    assert_eq!(
        body["brand"],
        json!({"slug": "louis-vuitton", "name": "Louis Vuitton"})
    );
    assert_eq!(body["evidence"], json!([]));
    let token = body["manage_token"].as_str().expect("token");
    assert!(token.len() >= 40);

    // Durable, and the token is stored only as a hash.
    let stored: (Vec<u8>, String) =
        sqlx::query_as("select manage_token_hash, public_id from report")
            .fetch_one(&app.db)
            .await
            .expect("row");
    assert_eq!(stored.1, id);
    use sha2::Digest;
    assert_eq!(stored.0, sha2::Sha256::digest(token.as_bytes()).to_vec());

    let public: Value = app.get_report_api(id).await.json().await.expect("json");
    assert_eq!(public["id"], id);
    assert_eq!(
        public["price"],
        json!({"amount": "29.90", "currency": "USD"})
    );
    assert_eq!(
        public["reasons"],
        json!(["price_too_low", "logo_or_packaging_mismatch"])
    );
    let text = public.to_string();
    assert!(!text.contains("buyer@example.com"), "email leaked: {text}");
    assert!(!text.contains("manage"), "token leaked: {text}");
}

#[tokio::test]
async fn validation_errors_are_problem_details_listing_each_field() {
    let app = TestApp::spawn().await;
    let response = app
        .post_report_json(&json!({
            "listing_url": "data:text/html,hi",
            "brand": "",
            "reasons": [],
            "description": "x",
            "price": {"amount": "-1", "currency": "USD"}
        }))
        .await;
    assert_eq!(response.status(), 422);
    let body = problem(response).await;
    assert_eq!(body["status"], 422);
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field"))
        .collect();
    for field in [
        "listing_url",
        "seller_name",
        "brand",
        "reasons",
        "description",
        "price",
    ] {
        assert!(fields.contains(&field), "{field} missing from {fields:?}");
    }
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
}

#[tokio::test]
async fn wrong_shapes_unknown_fields_bad_enums_and_content_types_are_4xx_with_a_message() {
    let app = TestApp::spawn().await;
    let mut unknown = valid_report();
    unknown["colour"] = json!("red");
    let mut bad_enum = valid_report();
    bad_enum["reasons"] = json!(["looks_fake"]);
    let mut wrong_type = valid_report();
    wrong_type["reasons"] = json!("price_too_low");
    let mut float_price = valid_report();
    float_price["price"] = json!({"amount": 19.99, "currency": "USD"});
    for (body, status, needle) in [
        (unknown, 422, "colour"),
        (bad_enum, 422, "looks_fake"),
        (wrong_type, 422, "reasons"),
        (float_price, 422, "amount"),
        (json!([1, 2, 3]), 422, "invalid type"),
    ] {
        let response = app.post_report_json(&body).await;
        assert_eq!(response.status(), status, "{body}");
        let text = problem(response).await.to_string();
        assert!(text.contains(needle), "{needle} not in {text}");
    }

    let malformed = app
        .client
        .post(app.url("/api/v1/reports"))
        .header("content-type", "application/json")
        .body("{\"listing_url\": ")
        .send()
        .await
        .expect("request");
    assert_eq!(malformed.status(), 400);
    problem(malformed).await;

    let text = app
        .client
        .post(app.url("/api/v1/reports"))
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .expect("request");
    assert_eq!(text.status(), 415);
    assert!(
        problem(text).await["detail"]
            .as_str()
            .expect("detail")
            .contains("application/json")
    );

    let no_report_part = app
        .client
        .post(app.url("/api/v1/reports"))
        .multipart(reqwest::multipart::Form::new().text("other", "x"))
        .send()
        .await
        .expect("request");
    assert_eq!(no_report_part.status(), 400);
    problem(no_report_part).await;
}

#[tokio::test]
async fn withdrawing_needs_the_right_manage_token() {
    let app = TestApp::spawn().await;
    let body: Value = app
        .post_report_json(&valid_report())
        .await
        .json()
        .await
        .expect("json");
    let id = body["id"].as_str().expect("id");
    let token = body["manage_token"].as_str().expect("token");

    let none = app.delete_report_api(id, None).await;
    assert_eq!(none.status(), 401);
    assert_eq!(none.headers()["www-authenticate"], "Bearer");
    problem(none).await;
    let wrong = app.delete_report_api(id, Some("not-the-token")).await;
    assert_eq!(wrong.status(), 403);
    problem(wrong).await;
    let missing = app.delete_report_api("nope", Some(token)).await;
    assert_eq!(missing.status(), 404);

    let ok = app.delete_report_api(id, Some(token)).await;
    assert_eq!(ok.status(), 204);
    let gone = app.get_report_api(id).await;
    assert_eq!(gone.status(), 410);
    assert!(
        problem(gone).await["detail"]
            .as_str()
            .expect("detail")
            .contains("withdrawn")
    );
    // Withdrawing twice is harmless.
    assert_eq!(app.delete_report_api(id, Some(token)).await.status(), 204);
}

#[tokio::test]
async fn an_authorization_header_without_a_bearer_token_is_answered_with_problem_details() {
    use reqwest::header::{AUTHORIZATION, HeaderValue};
    let app = TestApp::spawn().await;
    let body: Value = app
        .post_report_json(&valid_report())
        .await
        .json()
        .await
        .expect("json");
    let id = body["id"].as_str().expect("id");
    let token = body["manage_token"].as_str().expect("token");
    let send = |value: HeaderValue| {
        app.client
            .delete(app.url(&format!("/api/v1/reports/{id}")))
            .header(AUTHORIZATION, value)
            .send()
    };

    // Another scheme, or nothing after "Bearer ": as if there were no token.
    for value in [
        format!("Basic {token}"),
        format!("Token {token}"),
        format!("Bearer\t{token}"),
        "Bearer".to_owned(),
    ] {
        let header = HeaderValue::from_str(&value).expect("header");
        let response = send(header).await.expect("request");
        assert_eq!(response.status(), 401, "{value}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        problem(response).await;
    }
    // A header that is not text cannot hold a token of ours.
    let header = HeaderValue::from_bytes(b"Bearer \xfftoken").expect("header");
    let response = send(header).await.expect("request");
    assert_eq!(response.status(), 403);
    problem(response).await;
    // The scheme in any case, and spaces before the token, are fine.
    let header = HeaderValue::from_str(&format!("bearer   {token}")).expect("header");
    assert_eq!(send(header).await.expect("request").status(), 204);
}

#[tokio::test]
async fn sellers_and_brands_are_shared_between_reports() {
    let app = TestApp::spawn().await;
    let mut a = valid_report();
    a["email"] = json!("a@example.com");
    a["brand"] = json!("LOUIS  VUITTON");
    let mut b = valid_report();
    b["email"] = json!("b@example.com");
    b["listing_url"] = json!("https://aliexpress.us/item/1005000000000001.html");
    b["brand"] = json!("louis vuitton");
    assert_eq!(app.post_report_json(&a).await.status(), 201);
    assert_eq!(app.post_report_json(&b).await.status(), 201);
    let counts: (i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from seller), (select count(*) from brand), (select count(*) from listing)",
    )
    .fetch_one(&app.db)
    .await
    .expect("counts");
    assert_eq!(counts, (1, 1, 2));
}

#[tokio::test]
async fn an_oversized_json_body_is_413() {
    let app = TestApp::spawn().await;
    let mut report = valid_report();
    report["description"] = json!("x".repeat(300 * 1024));
    let response = app.post_report_json(&report).await;
    assert_eq!(response.status(), 413);
    problem(response).await;
}

#[tokio::test]
async fn an_unknown_shops_links_are_published_without_session_or_order_ids() {
    let app = TestApp::spawn().await;
    let mut report = valid_report();
    report["listing_url"] = json!(
        "https://shop.example/product.php?orderId=998877&id=42&sessionid=S3CR3T&utm_source=mail&token=S3CR3T"
    );
    report["seller_url"] = json!("https://shop.example/vendor.php?vendor=7&sid=S3CR3T&cart=S3CR3T");
    let response = app.post_report_json(&report).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    assert_eq!(
        body["listing"]["canonical_url"],
        "https://shop.example/product.php?id=42"
    );
    assert_eq!(
        body["seller"]["store_url"],
        "https://shop.example/vendor.php?vendor=7"
    );
    let public = app
        .get_report_api(body["id"].as_str().expect("id"))
        .await
        .text()
        .await
        .expect("body");
    assert!(
        !public.contains("S3CR3T") && !public.contains("998877"),
        "{public}"
    );
    let seller_path = format!(
        "/api/v1/sellers/other/{}",
        fakewatch::routes::sellers::view::path_segment(
            body["seller"]["seller_key"].as_str().expect("key")
        )
    );
    let seller = app.get(&seller_path).await.text().await.expect("body");
    assert!(seller.contains("product.php?id=42"), "{seller}");
    assert!(
        !seller.contains("S3CR3T") && !seller.contains("998877"),
        "{seller}"
    );
}
