//! Marketplace presets: each form's columns in order, IP-right details stored once, and
//! ready-to-file lists.

use serde_json::{Value, json};

use super::{
    AMAZON_LISTING, EBAY_LISTING, export, export_csv, export_json, fields, file, get_as, holder,
    item, ok_text, post_outcomes, problem, report, rows, sorted, three_marketplaces,
};
use crate::helpers::TestApp;

/// Checks that a JSON preset row's keys come in the form's order in the raw text.
fn assert_keys_in_order(raw: &str, columns: &[&str]) {
    let first_row = raw
        .split("\"rows\":[")
        .nth(1)
        .and_then(|rest| rest.split('}').next())
        .expect("a row");
    let positions: Vec<usize> = columns
        .iter()
        .map(|c| {
            first_row
                .find(&format!("\"{c}\":"))
                .unwrap_or_else(|| panic!("{c} missing from {first_row}"))
        })
        .collect();
    assert!(positions.is_sorted(), "keys out of order: {first_row}");
}

#[tokio::test]
async fn each_preset_has_its_forms_columns_in_order() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    three_marketplaces(&app).await;
    // Each preset: its columns, the column holding the listing's URL, the listings it has.
    let presets: [(&str, &[&str], &str, Vec<String>); 4] = [
        (
            "aliexpress",
            &[
                "product_url",
                "product_id",
                "store_name",
                "store_url",
                "brand",
                "ipr_type",
                "ipr_registration_no",
                "ipr_office",
                "complaint_type",
                "description",
                "evidence_urls",
            ],
            "product_url",
            vec![item(1)],
        ),
        (
            "amazon",
            &[
                "asin",
                "product_url",
                "marketplace_site",
                "brand",
                "ipr_type",
                "ipr_registration_no",
                "ipr_office",
                "infringement_type",
                "test_buy_order_id",
                "seller_name",
                "seller_id",
                "description",
                "evidence_urls",
            ],
            "product_url",
            vec![AMAZON_LISTING.to_owned()],
        ),
        (
            "ebay",
            &[
                "item_number",
                "item_url",
                "seller_user_id",
                "reason_code_hint",
                "brand",
                "ipr_registration_no",
                "ipr_office",
                "description",
                "evidence_urls",
            ],
            "item_url",
            vec![EBAY_LISTING.to_owned()],
        ),
        (
            "dsa",
            &[
                "url",
                "marketplace",
                "listing_id",
                "brand",
                "explanation",
                "ipr_registration_no",
                "ipr_office",
                "evidence_urls",
                "notifier_name",
                "notifier_email",
                "good_faith_statement",
            ],
            "url",
            sorted(vec![
                item(1),
                AMAZON_LISTING.to_owned(),
                EBAY_LISTING.to_owned(),
            ]),
        ),
    ];
    for (preset, columns, url_column, listings) in &presets {
        let table = export_csv(&app, &token, &format!("brand=acme&preset={preset}")).await;
        assert_eq!(&table.headers, columns, "{preset}");
        assert_eq!(
            sorted(
                table
                    .column(url_column)
                    .into_iter()
                    .map(str::to_owned)
                    .collect()
            ),
            *listings,
            "{preset}"
        );
        assert!(table.column("brand").iter().all(|b| *b == "Acme"));
        let described = table.index(if *preset == "dsa" {
            "explanation"
        } else {
            "description"
        });
        assert!(
            table.rows.iter().all(|r| !r[described].is_empty()),
            "{preset}"
        );

        let raw = ok_text(
            export(
                &app,
                &token,
                &format!("brand=acme&preset={preset}&format=json"),
            )
            .await,
        )
        .await;
        let document: Value = serde_json::from_str(&raw).expect("json");
        assert_eq!(document["preset"], *preset);
        assert_eq!(document["columns"], json!(columns));
        assert_eq!(rows(&document).len(), listings.len());
        assert_keys_in_order(&raw, columns);
        for row in rows(&document) {
            assert_eq!(row.as_object().expect("object").len(), columns.len());
        }
    }

    let aliexpress = export_csv(&app, &token, "brand=acme&preset=aliexpress").await;
    let row = aliexpress.row("product_url", &item(1));
    assert_eq!(row.get("product_id"), "1005000000000001");
    assert_eq!(row.get("store_name"), "Luxury Outlet Store");
    assert_eq!(
        row.get("store_url"),
        "https://www.aliexpress.com/store/1102345678"
    );
    assert_eq!(row.get("ipr_type"), "trademark");
    assert_eq!(row.get("complaint_type"), "counterfeit");

    let amazon = export_csv(&app, &token, "brand=acme&preset=amazon").await;
    let row = amazon.row("asin", "B08N5WRWNW");
    assert_eq!(row.get("product_url"), AMAZON_LISTING);
    assert_eq!(row.get("marketplace_site"), "www.amazon.de");
    assert_eq!(
        row.get("test_buy_order_id"),
        "",
        "only the brand has its test buy"
    );
    assert_eq!(row.get("seller_name"), "Best Deals DE");
    assert_eq!(row.get("seller_id"), "A1B2C3D4E5F6G7");
    assert_eq!(row.get("infringement_type"), "counterfeit");

    let ebay = export_csv(&app, &token, "brand=acme&preset=ebay").await;
    let row = ebay.row("item_number", "285123456789");
    assert_eq!(row.get("item_url"), EBAY_LISTING);
    assert_eq!(row.get("seller_user_id"), "best_deals-usa");
    assert!(!row.get("reason_code_hint").is_empty());

    let dsa = export_csv(&app, &token, "brand=acme&preset=dsa").await;
    for url in [item(1), AMAZON_LISTING.to_owned(), EBAY_LISTING.to_owned()] {
        let row = dsa.row("url", &url);
        for blank in ["notifier_name", "notifier_email", "good_faith_statement"] {
            assert_eq!(row.get(blank), "", "{blank} is the notifier's to fill");
        }
    }
    assert_eq!(dsa.row("url", &item(1)).get("marketplace"), "AliExpress");
    assert_eq!(
        dsa.row("url", &item(1)).get("listing_id"),
        "1005000000000001"
    );
}

#[tokio::test]
async fn ip_right_details_stored_once_fill_every_export_of_the_brand() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    three_marketplaces(&app).await;
    let response = app
        .client
        .put(app.url("/api/v1/rights-holder/brands/acme"))
        .bearer_auth(&token)
        .json(&json!({"ipr_registration_no": "EU 018 123 456", "ipr_office": "EUIPO"}))
        .send()
        .await
        .expect("request");
    let stored: Value = serde_json::from_str(&ok_text(response).await).expect("json");
    assert_eq!(stored["ipr_registration_no"], "EU 018 123 456");
    let account: Value = get_as(&app, &token, "/api/v1/rights-holder")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        account["brands"],
        json!([{"slug": "acme", "name": "Acme", "ipr_registration_no": "EU 018 123 456", "ipr_office": "EUIPO"}])
    );

    for query in [
        "",
        "&preset=aliexpress",
        "&preset=amazon",
        "&preset=ebay",
        "&preset=dsa",
    ] {
        let table = export_csv(&app, &token, &format!("brand=acme{query}")).await;
        assert!(!table.rows.is_empty(), "{query}");
        assert!(
            table
                .column("ipr_registration_no")
                .iter()
                .all(|v| *v == "EU 018 123 456"),
            "{query}"
        );
        assert!(
            table.column("ipr_office").iter().all(|v| *v == "EUIPO"),
            "{query}"
        );
    }
    let document = export_json(&app, &token, "brand=acme").await;
    assert!(rows(&document).iter().all(|r| r["ipr_office"] == "EUIPO"));

    let too_long = app
        .client
        .put(app.url("/api/v1/rights-holder/brands/acme"))
        .bearer_auth(&token)
        .json(&json!({"ipr_registration_no": "x".repeat(101), "ipr_office": "EUIPO"}))
        .send()
        .await
        .expect("request");
    assert_eq!(
        fields(&problem(too_long, 422).await),
        ["ipr_registration_no"]
    );

    // Null clears them.
    let cleared = app
        .client
        .put(app.url("/api/v1/rights-holder/brands/acme"))
        .bearer_auth(&token)
        .json(&json!({"ipr_registration_no": null, "ipr_office": null}))
        .send()
        .await
        .expect("request");
    ok_text(cleared).await;
    let table = export_csv(&app, &token, "brand=acme").await;
    assert!(table.column("ipr_office").iter().all(|v| v.is_empty()));
}

#[tokio::test]
async fn ready_to_file_lists_leave_out_listings_with_nothing_to_file_against() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    for n in 1..=4 {
        file(&app, &report(n, "Acme", "a@example.com")).await;
    }
    let recorded = post_outcomes(
        &app,
        &token,
        json!([
            {"brand": "acme", "listing_url": item(1), "outcome": "genuine"},
            {"brand": "acme", "listing_url": item(2), "outcome": "removed"},
            {"brand": "acme", "listing_url": item(3), "outcome": "confirmed_counterfeit"},
        ]),
    )
    .await;
    assert_eq!(recorded.status(), 200);

    // Filing against a listing the brand called genuine, or one already gone, makes no sense.
    let filing = export_csv(&app, &token, "brand=acme&preset=aliexpress").await;
    let urls: Vec<String> = filing
        .column("product_url")
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(sorted(urls), sorted(vec![item(3), item(4)]));
    // Asking for a status still shows them, and the full list keeps every listing.
    let genuine = export_csv(&app, &token, "brand=acme&preset=aliexpress&status=genuine").await;
    assert_eq!(genuine.column("product_url"), [item(1)]);
    assert_eq!(export_csv(&app, &token, "brand=acme").await.rows.len(), 4);
}
