//! Filters by marketplace, status, reporters and dates, and the 422s for bad parameters.

use super::{
    AMAZON_LISTING, EBAY_LISTING, export, export_json, fields, file, file_unconfirmed, holder,
    item, problem, report, row_of, three_marketplaces, urls,
};
use crate::helpers::TestApp;

#[tokio::test]
async fn filters_select_by_marketplace_status_reporters_and_dates() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    three_marketplaces(&app).await;
    file(&app, &report(2, "Acme", "a@example.com")).await;
    file(&app, &report(2, "Acme", "b@example.com")).await;
    let old = file(&app, &report(3, "Acme", "a@example.com")).await;
    sqlx::query("update report set created_at = '2026-01-15T10:00:00Z' where public_id = $1")
        .bind(old["id"].as_str())
        .execute(&app.db)
        .await
        .expect("backdate");
    sqlx::query(
        "update report set status = 'verified'
         where listing_id = (select listing_id from listing where canonical_url = $1)",
    )
    .bind(EBAY_LISTING)
    .execute(&app.db)
    .await
    .expect("verify");

    let all = export_json(&app, &token, "brand=acme").await;
    assert_eq!(urls(&all).len(), 5);
    let select = |query: &'static str| {
        let app = &app;
        let token = &token;
        async move { urls(&export_json(app, token, &format!("brand=acme&{query}")).await) }
    };
    assert_eq!(select("marketplace=amazon").await, [AMAZON_LISTING]);
    assert_eq!(
        select("marketplace=aliexpress").await,
        [item(1), item(2), item(3)]
    );
    assert_eq!(select("marketplace=temu").await, Vec::<String>::new());
    assert_eq!(select("status=verified").await, [EBAY_LISTING]);
    assert_eq!(row_of(&all, EBAY_LISTING)["status"], "verified");
    assert_eq!(row_of(&all, EBAY_LISTING)["verified_reports"], 1);
    assert_eq!(select("status=reported").await.len(), 4);
    assert_eq!(select("status=removed").await, Vec::<String>::new());
    assert_eq!(select("min_reporters=2").await, [item(2)]);
    assert_eq!(select("min_reporters=3").await, Vec::<String>::new());
    assert_eq!(select("reported_before=2026-02-01").await, [item(3)]);
    assert_eq!(select("reported_after=2026-02-01").await.len(), 4);
    assert!(!select("reported_after=2026-02-01").await.contains(&item(3)));
    assert_eq!(
        select("reported_after=2026-01-15T09:00:00Z&reported_before=2026-01-15T11:00:00Z").await,
        [item(3)]
    );
    assert_eq!(
        select("reported_after=2026-01-15T10:00:01%2B00:00")
            .await
            .len(),
        4,
        "RFC 3339 with an offset"
    );
    assert_eq!(
        select("marketplace=aliexpress&min_reporters=2&status=reported").await,
        [item(2)]
    );

    // Made-up addresses that nobody confirms are in `reports`, never in `distinct_reporters`.
    for n in 0..3 {
        file_unconfirmed(&app, &report(1, "Acme", &format!("made.up{n}@example.com"))).await;
    }
    let all = export_json(&app, &token, "brand=acme").await;
    assert_eq!(row_of(&all, &item(1))["reports"], 4);
    assert_eq!(row_of(&all, &item(1))["distinct_reporters"], 1);
    assert_eq!(select("min_reporters=2").await, [item(2)]);
}

#[tokio::test]
async fn bad_parameters_are_422_naming_each_one() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let response = export(
        &app,
        &token,
        "brand=acme&format=xlsx&preset=wish&marketplace=mars&status=gone&min_reporters=0\
         &reported_after=yesterday&reported_before=2026-13-01&since=not-a-cursor",
    )
    .await;
    let body = problem(response, 422).await;
    assert_eq!(
        fields(&body),
        [
            "format",
            "preset",
            "marketplace",
            "status",
            "min_reporters",
            "reported_after",
            "reported_before",
            "since"
        ]
    );
    // Each parameter's own rules are unit tests of `domain::takedown::request`.
    // Parameters are checked before the brand, and blank ones are as if left out.
    let response = export(&app, &token, "brand=nope&status=gone").await;
    assert_eq!(fields(&problem(response, 422).await), ["status"]);
    let blank = export(&app, &token, "brand=acme&format=&status=&since=").await;
    assert_eq!(blank.status(), 200);
}

#[tokio::test]
async fn a_forged_cursor_is_422_not_a_list_cut_off_halfway() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    // Cursors are opaque, but anyone can make one. These pass the cursor's own checks and
    // PostgreSQL refuses them: "xmin must be > 0" and "in-progress ids in order".
    for snapshot in ["0:0:", "5:9:7,6"] {
        use base64::Engine as _;
        let cursor = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(snapshot);
        let response = export(&app, &token, &format!("brand=acme&since=c1.{cursor}")).await;
        let status = response.status();
        let body = response.text().await;
        assert_eq!(status, 422, "since=c1.{cursor} ({snapshot}): {body:?}");
    }
}

#[tokio::test]
async fn a_sync_takes_no_filters_so_listings_that_leave_a_filtered_list_come_back() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    let second = file(&app, &report(1, "Acme", "b@example.com")).await;
    file(&app, &report(2, "Acme", "a@example.com")).await;

    let filtered = export_json(&app, &token, "brand=acme&min_reporters=2").await;
    assert_eq!(urls(&filtered), [item(1)]);
    // The next link leaves the filter behind...
    let next = filtered["next"].as_str().expect("next").to_owned();
    assert!(!next.contains("min_reporters"), "{next}");
    // (A sync with a filter is refused, naming it: a unit test of `domain::takedown::request`.)

    // Listing 1 drops to one reporter: it leaves the filtered list, and the sync says so.
    super::withdraw(&app, &second).await;
    let sync: serde_json::Value =
        serde_json::from_str(&super::ok_text(super::fetch(&app, &token, &next).await).await)
            .expect("JSON");
    let row = row_of(&sync, &item(1));
    assert_eq!(row["distinct_reporters"], 1);
    assert_eq!(urls(&sync), [item(1)]);
}
