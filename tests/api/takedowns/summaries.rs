//! The per-listing summaries the export reads: each change to a listing's reports or files
//! shows in the next export and its sync exactly as a recomputation from the reports would,
//! and `fakewatch summaries check` finds nothing to repair after it.

use serde_json::{Value, json};

use super::{changes, export_json, file, holder, item, report, row_of, withdraw};
use crate::helpers::{TestApp, fixture};
use crate::moderation::merge::merge;

/// `report(n, brand, email)` with a product title, a price and reasons.
fn priced(
    n: u64,
    brand: &str,
    email: &str,
    title: &str,
    price: (&str, &str),
    reasons: &[&str],
) -> Value {
    let mut report = report(n, brand, email);
    report["product_title"] = json!(title);
    report["price"] = json!({"amount": price.0, "currency": price.1});
    report["reasons"] = json!(reasons);
    report
}

/// Files a report with these evidence files, as a reporter who confirms the address.
async fn file_with_files(app: &TestApp, report: &Value, files: &[(&str, &str)]) -> Value {
    let files: Vec<(&str, Vec<u8>)> = files
        .iter()
        .map(|(name, fixture_name)| (*name, fixture(fixture_name)))
        .collect();
    let response = app.post_report_multipart(report, &files).await;
    assert_eq!(response.status(), 201);
    let filed: Value = response.json().await.expect("json");
    app.confirm_address(report["email"].as_str().expect("email"))
        .await;
    filed
}

/// The ids of a receipt's files, in the order they were uploaded.
fn file_ids(filed: &Value) -> Vec<String> {
    filed["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .map(|f| f["id"].as_str().expect("id").to_owned())
        .collect()
}

/// The ids of the files an export row links to, in its order.
fn linked(row: &Value) -> Vec<String> {
    row["evidence"]
        .as_array()
        .expect("evidence")
        .iter()
        .map(|f| f["id"].as_str().expect("id").to_owned())
        .collect()
}

/// An export's rows without the files' signed links, whose expiry moves with the clock.
fn unsigned(export: &Value) -> Value {
    let mut rows = export["rows"].clone();
    for row in rows.as_array_mut().expect("rows") {
        for file in row["evidence"].as_array_mut().expect("evidence") {
            file.as_object_mut().expect("file").remove("url");
        }
    }
    rows
}

/// `(lowest_price, price_currency)` of an export row, as text.
fn price(row: &Value) -> (String, String) {
    let text = |v: &Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
    (text(&row["lowest_price"]), text(&row["price_currency"]))
}

/// The stored summaries equal their recomputation from the reports.
async fn assert_summaries_fresh(app: &TestApp) {
    let mut conn = app.db.acquire().await.expect("connection");
    let checked = fakewatch::db::summaries::check(&mut conn, 5)
        .await
        .expect("summaries check");
    assert_eq!(checked.differences, 0, "{:?}", checked.first);
}

fn cursor(export: &Value) -> String {
    export["cursor"].as_str().expect("cursor").to_owned()
}

#[tokio::test]
async fn withdrawing_one_of_two_reports_recomputes_the_listings_price_title_reasons_and_files() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let older = priced(
        1,
        "Acme",
        "a@example.com",
        "Older title",
        ("10.00", "EUR"),
        &["poor_quality"],
    );
    let older = file(&app, &older).await;
    let newer = priced(
        1,
        "Acme",
        "b@example.com",
        "Newer title",
        ("8.00", "EUR"),
        &["price_too_low", "poor_quality"],
    );
    let newer = file_with_files(&app, &newer, &[("photo.jpg", "photo_gps.jpg")]).await;
    file(&app, &report(2, "Acme", "c@example.com")).await;

    let before = export_json(&app, &token, "brand=acme").await;
    let row = row_of(&before, &item(1));
    assert_eq!(row["reports"], 2);
    assert_eq!(row["distinct_reporters"], 2);
    assert_eq!(row["product_title"], "Newer title");
    assert_eq!(price(row), ("8".into(), "EUR".into()));
    assert_eq!(
        row["reasons"],
        json!([{"reason": "poor_quality", "reports": 2}, {"reason": "price_too_low", "reports": 1}])
    );
    assert_eq!(linked(row), file_ids(&newer));
    assert_summaries_fresh(&app).await;

    withdraw(&app, &newer).await;
    let sync = export_json(
        &app,
        &token,
        &format!("brand=acme&since={}", cursor(&before)),
    )
    .await;
    assert_eq!(changes(&sync), [(item(1), "reported".into())]);
    let row = row_of(&sync, &item(1));
    assert_eq!(row["reports"], 1);
    assert_eq!(row["distinct_reporters"], 1);
    assert_eq!(row["product_title"], "Older title");
    assert_eq!(price(row), ("10".into(), "EUR".into()));
    assert_eq!(
        row["reasons"],
        json!([{"reason": "poor_quality", "reports": 1}])
    );
    assert_eq!(linked(row), Vec::<String>::new());
    assert_eq!(row["first_reported"], row["last_reported"]);
    assert_summaries_fresh(&app).await;

    withdraw(&app, &older).await;
    let last = export_json(&app, &token, &format!("brand=acme&since={}", cursor(&sync))).await;
    assert_eq!(changes(&last), [(item(1), "withdrawn".into())]);
    let row = row_of(&last, &item(1));
    assert_eq!(row["reports"], 0);
    assert_eq!(row["product_title"], Value::Null);
    assert_eq!(row["lowest_price"], Value::Null);
    assert_eq!(row["reasons"], json!([]));
    assert_eq!(row["first_reported"], Value::Null);
    assert_summaries_fresh(&app).await;
}

#[tokio::test]
async fn the_price_shown_is_the_lowest_in_the_most_used_currency_as_reports_come_and_go() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let reasons = ["price_too_low"];
    file(
        &app,
        &priced(
            1,
            "Acme",
            "a@example.com",
            "Tote",
            ("10.00", "EUR"),
            &reasons,
        ),
    )
    .await;
    let cheap = priced(
        1,
        "Acme",
        "b@example.com",
        "Tote",
        ("5.00", "USD"),
        &reasons,
    );
    let cheap = file(&app, &cheap).await;
    let shown = |export: &Value| price(row_of(export, &item(1)));

    // One report in each currency: the tie goes to the currency first in alphabetical order.
    let tie = export_json(&app, &token, "brand=acme").await;
    assert_eq!(shown(&tie), ("10".into(), "EUR".into()));

    file(
        &app,
        &priced(
            1,
            "Acme",
            "c@example.com",
            "Tote",
            ("7.00", "USD"),
            &reasons,
        ),
    )
    .await;
    let usd = export_json(&app, &token, &format!("brand=acme&since={}", cursor(&tie))).await;
    assert_eq!(shown(&usd), ("5".into(), "USD".into()));
    assert_summaries_fresh(&app).await;

    // The lowest price leaving is a change no running minimum could follow.
    withdraw(&app, &cheap).await;
    let back = export_json(&app, &token, &format!("brand=acme&since={}", cursor(&usd))).await;
    assert_eq!(changes(&back), [(item(1), "reported".into())]);
    assert_eq!(shown(&back), ("10".into(), "EUR".into()));
    assert_summaries_fresh(&app).await;
}

#[tokio::test]
async fn hiding_a_file_changes_only_its_listings_links_and_showing_it_restores_their_order() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let first = file_with_files(
        &app,
        &report(1, "Acme", "a@example.com"),
        &[
            ("photo.jpg", "photo_gps.jpg"),
            ("receipt.pdf", "receipt.pdf"),
        ],
    )
    .await;
    let second = file_with_files(
        &app,
        &report(1, "Acme", "b@example.com"),
        &[("photo.jpg", "photo_gps.jpg")],
    )
    .await;
    file_with_files(
        &app,
        &report(2, "Acme", "c@example.com"),
        &[("photo.jpg", "photo_gps.jpg")],
    )
    .await;
    let all: Vec<String> = file_ids(&first)
        .into_iter()
        .chain(file_ids(&second))
        .collect();
    let before = export_json(&app, &token, "brand=acme").await;
    assert_eq!(linked(row_of(&before, &item(1))), all);

    let ana = app.moderator("ana@example.org", false).await;
    let hidden = &file_ids(&first)[0];
    let response = ana
        .post(&format!("/moderation/evidence/{hidden}/hide"), &[])
        .await;
    assert_eq!(response.status(), 303);
    let sync = export_json(
        &app,
        &token,
        &format!("brand=acme&since={}", cursor(&before)),
    )
    .await;
    assert_eq!(changes(&sync), [(item(1), "reported".into())]);
    assert_eq!(linked(row_of(&sync, &item(1))), all[1..]);
    assert_summaries_fresh(&app).await;

    let response = ana
        .post(&format!("/moderation/evidence/{hidden}/show"), &[])
        .await;
    assert_eq!(response.status(), 303);
    let sync = export_json(&app, &token, &format!("brand=acme&since={}", cursor(&sync))).await;
    assert_eq!(changes(&sync), [(item(1), "reported".into())]);
    assert_eq!(linked(row_of(&sync, &item(1))), all);
    let after = export_json(&app, &token, "brand=acme").await;
    assert_eq!(unsigned(&after), unsigned(&before));
    assert_summaries_fresh(&app).await;
}

#[tokio::test]
async fn a_brand_merge_sums_both_brands_reports_of_a_listing_into_the_kept_brands_row() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Inc", &["Acme"]).await;
    let merged = file_with_files(
        &app,
        &priced(
            1,
            "Acme Corp",
            "a@example.com",
            "Corp tote",
            ("10.00", "EUR"),
            &["poor_quality"],
        ),
        &[("photo.jpg", "photo_gps.jpg")],
    )
    .await;
    let reasons = ["price_too_low"];
    let kept = file_with_files(
        &app,
        &priced(
            1,
            "Acme",
            "b@example.com",
            "Tote",
            ("12.00", "USD"),
            &reasons,
        ),
        &[("receipt.pdf", "receipt.pdf")],
    )
    .await;
    file(
        &app,
        &priced(
            1,
            "Acme",
            "c@example.com",
            "Tote",
            ("11.00", "USD"),
            &reasons,
        ),
    )
    .await;
    let before = export_json(&app, &token, "brand=acme").await;
    let row = row_of(&before, &item(1));
    assert_eq!(row["reports"], 2);
    assert_eq!(linked(row), file_ids(&kept));

    let ana = app.moderator("ana@example.org", false).await;
    let response = merge(&ana, "/moderation/brands/acme-corp", "Acme").await;
    assert_eq!(response.status(), 303);

    let sync = export_json(
        &app,
        &token,
        &format!("brand=acme&since={}", cursor(&before)),
    )
    .await;
    assert_eq!(changes(&sync), [(item(1), "reported".into())]);
    let row = row_of(&sync, &item(1));
    assert_eq!(row["reports"], 3);
    assert_eq!(row["distinct_reporters"], 3);
    assert_eq!(row["product_title"], "Tote");
    assert_eq!(price(row), ("11".into(), "USD".into()));
    assert_eq!(
        row["reasons"],
        json!([{"reason": "price_too_low", "reports": 2}, {"reason": "poor_quality", "reports": 1}])
    );
    let both: Vec<String> = file_ids(&merged)
        .into_iter()
        .chain(file_ids(&kept))
        .collect();
    assert_eq!(linked(row), both);
    assert_summaries_fresh(&app).await;
}
