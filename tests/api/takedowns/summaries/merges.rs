//! Merges move reports between brands and stores: the rows they touch show what a
//! recomputation from the moved reports gives.

use serde_json::json;

use super::{assert_summaries_fresh, cursor, file_ids, file_with_files, linked, price, priced};
use crate::helpers::TestApp;
use crate::moderation::merge::{at_store, merge};
use crate::takedowns::{changes, export_json, file, holder, item, row_of};

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

#[tokio::test]
async fn a_seller_merge_moves_a_listings_row_to_the_kept_store_with_its_figures_unchanged() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let mut first = at_store(1, "1111", "Shop A", "a@example.com");
    first["price"] = json!({"amount": "12.50", "currency": "EUR"});
    file_with_files(&app, &first, &[("photo.jpg", "photo_gps.jpg")]).await;
    file(&app, &at_store(1, "1111", "Shop A", "b@example.com")).await;
    file(&app, &at_store(2, "2222", "Shop B", "c@example.com")).await;
    let before = export_json(&app, &token, "brand=acme").await;

    let ana = app.moderator("ana@example.org", false).await;
    let merged = merge(
        &ana,
        "/moderation/sellers/aliexpress/1111",
        "aliexpress/2222",
    )
    .await;
    assert_eq!(merged.status(), 303);

    let sync = export_json(
        &app,
        &token,
        &format!("brand=acme&since={}", cursor(&before)),
    )
    .await;
    assert!(
        changes(&sync).contains(&(item(1), "reported".into())),
        "{sync}"
    );
    let (was, now) = (row_of(&before, &item(1)), row_of(&sync, &item(1)));
    assert_eq!(now["seller_key"], "2222");
    for figure in [
        "reports",
        "distinct_reporters",
        "verified_reports",
        "reasons",
        "first_reported",
        "last_reported",
        "product_title",
        "lowest_price",
        "price_currency",
    ] {
        assert_eq!(now[figure], was[figure], "{figure}");
    }
    assert_eq!(linked(now), linked(was));
    assert_summaries_fresh(&app).await;
}
