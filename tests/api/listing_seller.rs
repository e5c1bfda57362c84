//! A report cannot move a listing to another seller. The listing's own link, or the
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

#[tokio::test]
async fn a_store_url_contradicting_the_store_in_the_listing_link_is_refused() {
    let app = TestApp::spawn().await;
    let response = app
        .post_report_json(&report(json!({
            "listing_url": format!("{LISTING}?storeId=111111&spm=a2g0o"),
            "seller_url": "https://www.aliexpress.com/store/222222",
        })))
        .await;
    let errors = refusal(response).await;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "seller_url");
    assert!(
        errors[0].1.contains("aliexpress.com/store/111111")
            && errors[0].1.contains("aliexpress.com/store/222222"),
        "{}",
        errors[0].1
    );
    let listings: i64 = sqlx::query_scalar("select count(*) from listing")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(listings, 0);

    // The store in the link alone is the listing's seller.
    let filed = file(
        &app,
        json!({"listing_url": format!("{LISTING}?storeId=111111"), "seller_url": null}),
    )
    .await;
    assert_eq!(filed["seller"]["seller_key"], "111111");
    assert_eq!(filed["listing"]["canonical_url"], LISTING);
}

#[tokio::test]
async fn a_listing_link_naming_another_store_than_the_recorded_one_is_refused() {
    let app = TestApp::spawn().await;
    file(&app, json!({"email": "first@example.com"})).await;
    let response = app
        .post_report_json(&report(json!({
            "email": "second@example.com",
            "listing_url": format!("{LISTING}?storeId=222222"),
            "seller_url": null,
        })))
        .await;
    let errors = refusal(response).await;
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "listing_url");
    assert!(
        errors[0].1.contains(
            "recorded under store “Luxury Outlet Store” (aliexpress.com/store/1102345678)"
        ),
        "{}",
        errors[0].1
    );
}

#[tokio::test]
async fn a_seller_name_alone_joins_the_store_the_listing_is_recorded_under() {
    let app = TestApp::spawn().await;
    file(&app, json!({"email": "first@example.com"})).await;
    let filed = file(
        &app,
        json!({"email": "second@example.com", "seller_url": null, "seller_name": "LUXURY OUTLET"}),
    )
    .await;
    assert_eq!(filed["seller"]["seller_key"], "1102345678");
    assert_eq!(filed["seller"]["name_based"], false);
    assert_eq!(
        filed["seller"]["store_url"],
        "https://www.aliexpress.com/store/1102345678"
    );
    // One vote each: the spelling given first is shown, the other is an alias.
    assert_eq!(filed["seller"]["name"], "Luxury Outlet Store");
    let seller: Value = app
        .get("/api/v1/sellers/aliexpress/1102345678")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(seller["counts"]["reports"], 2);
    assert_eq!(seller["aliases"], json!(["LUXURY OUTLET"]));
    // No seller was made of the typed name.
    assert_eq!(
        app.get("/api/v1/sellers/aliexpress/luxury%20outlet")
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn a_seller_name_alone_joins_a_seller_recorded_by_name_as_an_alias() {
    let app = TestApp::spawn().await;
    file(
        &app,
        json!({"email": "first@example.com", "seller_url": null, "seller_name": "Foo Shop"}),
    )
    .await;
    let filed = file(
        &app,
        json!({"email": "second@example.com", "seller_url": null, "seller_name": "Foo Shop Official"}),
    )
    .await;
    assert_eq!(filed["seller"]["seller_key"], "foo shop");
    assert_eq!(filed["seller"]["name"], "Foo Shop");
    let seller: Value = app
        .get("/api/v1/sellers/aliexpress/foo%20shop")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(seller["counts"]["reports"], 2);
    assert_eq!(seller["aliases"], json!(["Foo Shop Official"]));
}

#[tokio::test]
async fn the_form_shows_the_recorded_store_next_to_the_store_field() {
    let app = TestApp::spawn().await;
    file(&app, json!({"email": "first@example.com"})).await;
    let mut form = crate::helpers::with_field(
        &crate::helpers::valid_form(),
        "seller_url",
        Some("https://www.aliexpress.com/store/999999"),
    );
    form = crate::helpers::with_field(&form, "email", Some("rival@example.com"));
    let response = app.post_report_form(&form, &[]).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.expect("body");
    let error = html
        .split("id=\"seller_url-error\"")
        .nth(1)
        .expect("an error next to the store field");
    assert!(
        error.contains("This listing is recorded under store “Luxury Outlet Store”"),
        "{error}"
    );
    // The input is kept for correcting.
    assert!(html.contains("value=\"https://www.aliexpress.com/store/999999\""));
}

#[tokio::test]
async fn concurrent_first_reports_never_record_a_listing_under_two_sellers() {
    let app = TestApp::spawn().await;
    for n in 0..6u64 {
        let listing = format!(
            "https://www.aliexpress.com/item/{}.html",
            1_005_000_000_000_100 + n
        );
        let a = report(json!({
            "listing_url": listing,
            "email": format!("a{n}@example.com"),
            "seller_url": "https://www.aliexpress.com/store/111111",
        }));
        // Every other round, the rival only types a name: it must join whichever seller won.
        let b = if n % 2 == 0 {
            report(json!({
                "listing_url": listing,
                "email": format!("b{n}@example.com"),
                "seller_url": "https://www.aliexpress.com/store/222222",
            }))
        } else {
            report(json!({
                "listing_url": listing,
                "email": format!("b{n}@example.com"),
                "seller_url": null,
                "seller_name": "Typed Name",
            }))
        };
        let (ra, rb) = tokio::join!(app.post_report_json(&a), app.post_report_json(&b));
        let (sa, sb) = (ra.status().as_u16(), rb.status().as_u16());
        let (_, recorded) = recorded_seller(&app, &listing).await;
        if n % 2 == 0 {
            let mut statuses = [sa, sb];
            statuses.sort();
            assert_eq!(statuses, [201, 422], "round {n}");
            let winner = if sa == 201 { "111111" } else { "222222" };
            assert_eq!(recorded, winner, "round {n}");
        } else {
            assert_eq!(sb, 201, "round {n}: a name alone is never refused");
            assert_eq!(sa == 201, recorded == "111111", "round {n}");
        }
        let sellers: Vec<i64> = sqlx::query_scalar(
            "select distinct r.seller_id from report r join listing l using (listing_id)
             where l.canonical_url = $1",
        )
        .bind(&listing)
        .fetch_all(&app.db)
        .await
        .expect("sellers");
        assert_eq!(sellers.len(), 1, "round {n}: reports under one seller");
    }
    // No seller was left behind by a submission that lost the race.
    let orphans: i64 = sqlx::query_scalar(
        "select count(*) from seller s where not exists (select from report r where r.seller_id = s.seller_id)",
    )
    .fetch_one(&app.db)
    .await
    .expect("count");
    assert_eq!(orphans, 0);
}
