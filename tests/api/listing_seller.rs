//! Issue 9: a report cannot move a listing to another seller. The listing's own link, or the
//! reports that first recorded it, say which store it belongs to; a report naming another store
//! is refused with a message naming the recorded one.

use serde_json::{Value, json};

use crate::helpers::{TestApp, valid_report};

const LISTING: &str = "https://www.aliexpress.com/item/1005006543210987.html";

/// `valid_report()` (store 1102345678, "Luxury Outlet Store") with `changes`.
fn report(changes: Value) -> Value {
    let mut report = valid_report();
    for (key, value) in changes.as_object().expect("object") {
        report[key] = value.clone();
    }
    report
}

async fn file(app: &TestApp, changes: Value) -> Value {
    let response = app.post_report_json(&report(changes)).await;
    let status = response.status();
    let body = response.text().await.expect("body");
    assert!(status.is_success(), "{status}: {body}");
    serde_json::from_str(&body).expect("json")
}

/// The `(field, message)` pairs of a 422 problem answer.
async fn refusal(response: reqwest::Response) -> Vec<(String, String)> {
    let status = response.status();
    let body: Value = response.json().await.expect("problem");
    assert_eq!(status, 422, "{body}");
    body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().expect("field").to_owned(),
                e["message"].as_str().expect("message").to_owned(),
            )
        })
        .collect()
}

/// `(marketplace, seller_key)` the listing is recorded under.
async fn recorded_seller(app: &TestApp, canonical_url: &str) -> (String, String) {
    sqlx::query_as(
        "select s.marketplace, s.seller_key from listing l join seller s using (seller_id)
         where l.canonical_url = $1",
    )
    .bind(canonical_url)
    .fetch_one(&app.db)
    .await
    .expect("listing")
}

#[tokio::test]
async fn a_store_url_naming_another_store_for_a_recorded_listing_is_refused_naming_the_recorded_store()
 {
    let app = TestApp::spawn().await;
    file(&app, json!({"email": "first@example.com"})).await;

    let response = app
        .post_report_json(&report(json!({
            "email": "rival@example.com",
            "seller_url": "https://www.aliexpress.com/store/999999",
            "seller_name": "Innocent Competitor",
        })))
        .await;
    let errors = refusal(response).await;
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (field, message) = &errors[0];
    assert_eq!(field, "seller_url");
    assert!(
        message.contains(
            "recorded under store “Luxury Outlet Store” (aliexpress.com/store/1102345678)"
        ),
        "{message}"
    );
    assert!(message.contains("moved to another store"), "{message}");

    // Nothing of the refused report was kept: no seller, no report, the listing unmoved.
    assert_eq!(
        app.get("/api/v1/sellers/aliexpress/999999").await.status(),
        404
    );
    let reports: i64 = sqlx::query_scalar("select count(*) from report")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(reports, 1);
    assert_eq!(
        recorded_seller(&app, LISTING).await,
        ("aliexpress".to_owned(), "1102345678".to_owned())
    );
}

#[tokio::test]
async fn a_store_url_cannot_take_over_a_listing_recorded_under_a_typed_name() {
    let app = TestApp::spawn().await;
    file(
        &app,
        json!({"email": "first@example.com", "seller_url": null, "seller_name": "Foo Shop"}),
    )
    .await;

    let response = app
        .post_report_json(&report(json!({
            "email": "rival@example.com",
            "seller_url": "https://www.aliexpress.com/store/999999",
        })))
        .await;
    let errors = refusal(response).await;
    assert_eq!(errors.len(), 1, "{errors:?}");
    let (field, message) = &errors[0];
    assert_eq!(field, "seller_url");
    assert!(
        message.contains("recorded under the seller “Foo Shop”"),
        "{message}"
    );
    assert_eq!(
        recorded_seller(&app, LISTING).await,
        ("aliexpress".to_owned(), "foo shop".to_owned())
    );
}
