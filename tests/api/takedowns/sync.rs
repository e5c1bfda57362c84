//! The sync cursor: every changed listing once, the next link, and changes that commit while
//! an export runs.

use serde_json::json;

use super::{
    FULL_COLUMNS, Table, changes, export, export_json, file, header, holder, item, next_link,
    ok_text, report, reported, row_of, rows, urls, withdraw,
};
use crate::helpers::TestApp;

#[tokio::test]
async fn each_sync_returns_every_changed_listing_once_and_nothing_else() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let mut filed = Vec::new();
    for n in 1..=4 {
        filed.push(file(&app, &report(n, "Acme", "a@example.com")).await);
    }
    let full = export_json(&app, &token, "brand=acme").await;
    assert_eq!(full["row_count"], 4);
    let c1 = full["cursor"].as_str().expect("cursor").to_owned();

    // Nothing happened: an empty sync.
    let none = export_json(&app, &token, &format!("brand=acme&since={c1}")).await;
    assert_eq!(none["row_count"], 0);
    assert_eq!(rows(&none).len(), 0);

    // A new listing, a re-filed report, a second reporter, a withdrawal and another brand's
    // report; listing 4 is left alone.
    file(&app, &report(5, "Acme", "a@example.com")).await;
    let mut refiled = report(1, "Acme", "a@example.com");
    refiled["description"] = json!("Second look: the serial number on the tag does not exist.");
    assert_eq!(app.post_report_json(&refiled).await.status(), 201);
    app.confirm_address("a@example.com").await;
    file(&app, &report(2, "Acme", "b@example.com")).await;
    file(&app, &report(2, "Acme", "c@example.com")).await;
    withdraw(&app, &filed[2]).await;
    file(&app, &report(4, "Globex", "z@example.com")).await;

    let sync = export_json(&app, &token, &format!("brand=acme&since={c1}")).await;
    let mut expected = reported(&[item(1), item(2), item(5)]);
    expected.push((item(3), "withdrawn".to_owned()));
    expected.sort();
    assert_eq!(
        changes(&sync),
        expected,
        "each changed listing exactly once"
    );
    assert_eq!(row_of(&sync, &item(2))["reports"], 3);
    assert_eq!(row_of(&sync, &item(3))["reports"], 0);
    // The full list drops the withdrawn listing.
    let full = export_json(&app, &token, "brand=acme").await;
    assert_eq!(urls(&full), [item(1), item(2), item(4), item(5)]);

    // The same cursor again gives the same changes; the newer cursor gives none.
    let again = export_json(&app, &token, &format!("brand=acme&since={c1}")).await;
    assert_eq!(changes(&again), expected);
    let c2 = sync["cursor"].as_str().expect("cursor").to_owned();
    assert_ne!(c1, c2);
    let quiet = export_json(&app, &token, &format!("brand=acme&since={c2}")).await;
    assert_eq!(changes(&quiet), []);

    // Withdrawing twice changes nothing.
    withdraw(&app, &filed[2]).await;
    let quiet = export_json(&app, &token, &format!("brand=acme&since={c2}")).await;
    assert_eq!(changes(&quiet), []);

    // A report on listing 4 alone.
    file(&app, &report(4, "Acme", "d@example.com")).await;
    let sync = export_json(&app, &token, &format!("brand=acme&since={c2}")).await;
    assert_eq!(changes(&sync), reported(&[item(4)]));
}

#[tokio::test]
async fn a_report_refiled_for_another_brand_leaves_the_old_brands_list_through_the_sync() {
    let app = TestApp::spawn().await;
    let acme = holder(&app, "Acme Corp", &["Acme"]).await;
    let globex = holder(&app, "Globex", &["Globex"]).await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    let acme_cursor = export_json(&app, &acme, "").await["cursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    let globex_cursor = export_json(&app, &globex, "").await["cursor"]
        .as_str()
        .expect("cursor")
        .to_owned();

    // The same buyer corrects the brand of their report.
    let mut corrected = report(1, "Globex", "a@example.com");
    corrected["description"] = json!("Wrong brand before: the logo on it is Globex, not Acme.");
    assert_eq!(app.post_report_json(&corrected).await.status(), 201);
    // Once they confirm, the corrected report replaces the earlier one.
    app.confirm_address("a@example.com").await;

    let acme_sync = export_json(&app, &acme, &format!("since={acme_cursor}")).await;
    assert_eq!(changes(&acme_sync), [(item(1), "withdrawn".to_owned())]);
    assert_eq!(
        urls(&export_json(&app, &acme, "").await),
        Vec::<String>::new()
    );
    let globex_sync = export_json(&app, &globex, &format!("since={globex_cursor}")).await;
    assert_eq!(changes(&globex_sync), reported(&[item(1)]));
}

#[tokio::test]
async fn the_next_link_works_as_it_is_given() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme", "Acme Kids"]).await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    file(&app, &report(2, "Acme", "a@example.com")).await;

    let response = export(&app, &token, "brand=acme&format=csv&min_reporters=1").await;
    let next = next_link(&response);
    let cursor = header(&response, "x-cursor");
    assert_eq!(Table::parse(&ok_text(response).await).rows.len(), 2);
    let parsed = url::Url::parse(&next).expect("absolute URL");
    assert_eq!(parsed.path(), "/api/v1/takedowns");
    let query: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
    // Filters stay behind: a sync returns every change, so a copy can drop what left it.
    assert!(!query.iter().any(|(k, _)| k == "min_reporters"), "{next}");
    for expected in [
        ("brand", "acme"),
        ("format", "csv"),
        ("since", cursor.as_str()),
    ] {
        assert!(
            query
                .iter()
                .any(|(k, v)| (k.as_str(), v.as_str()) == expected),
            "{expected:?} not in {next}"
        );
    }

    let follow = |url: String| app.client.get(url).bearer_auth(&token).send();
    let empty = follow(next.clone()).await.expect("request");
    let then = next_link(&empty);
    let empty = Table::parse(&ok_text(empty).await);
    assert_eq!(empty.headers, FULL_COLUMNS);
    assert_eq!(empty.rows.len(), 0);

    file(&app, &report(3, "Acme", "a@example.com")).await;
    file(&app, &report(3, "Acme Kids", "b@example.com")).await;
    let changed = Table::parse(&ok_text(follow(then).await.expect("request")).await);
    assert_eq!(changed.column("listing_url"), [item(3)]);
    assert_eq!(changed.column("brand"), ["Acme"]);
}

#[tokio::test]
async fn a_change_committing_after_an_export_began_is_in_the_next_sync() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let filed = file(&app, &report(1, "Acme", "a@example.com")).await;
    file(&app, &report(2, "Acme", "a@example.com")).await;

    // A report change whose transaction started before the export and commits after it: a
    // cursor made of "the newest change id seen" would skip it for good.
    let mut slow = app.db.begin().await.expect("begin");
    sqlx::query("update report set description = 'Edited while an export ran, slowly.' where public_id = $1")
        .bind(filed["id"].as_str())
        .execute(&mut *slow)
        .await
        .expect("update");
    let during = export_json(&app, &token, "brand=acme").await;
    assert_eq!(during["row_count"], 2);
    file(&app, &report(3, "Acme", "a@example.com")).await;
    slow.commit().await.expect("commit");

    let cursor = during["cursor"].as_str().expect("cursor");
    let sync = export_json(&app, &token, &format!("brand=acme&since={cursor}")).await;
    assert_eq!(changes(&sync), reported(&[item(1), item(3)]));
    let cursor = sync["cursor"].as_str().expect("cursor");
    let quiet = export_json(&app, &token, &format!("brand=acme&since={cursor}")).await;
    assert_eq!(changes(&quiet), []);
}

#[tokio::test]
async fn a_change_of_the_sellers_shown_name_is_in_the_next_sync_and_a_mere_vote_is_not() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    // Listing 1 (Acme) and the seller's other listings (Globex) share the seller.
    file(&app, &report(1, "Acme", "a@example.com")).await;
    let full = export_json(&app, &token, "brand=acme").await;
    assert_eq!(
        row_of(&full, &item(1))["seller_name"],
        "Luxury Outlet Store"
    );
    let c1 = full["cursor"].as_str().expect("cursor").to_owned();

    // Two reports on another brand's listing spell the seller otherwise: the shown name
    // changes, and with it Acme's row.
    let mut renamed = Vec::new();
    for email in ["b@example.com", "c@example.com"] {
        let mut other = report(2, "Globex", email);
        other["seller_name"] = json!("LUX OUTLET OFFICIAL");
        renamed.push(file(&app, &other).await);
    }
    let sync = export_json(&app, &token, &format!("brand=acme&since={c1}")).await;
    assert_eq!(changes(&sync), reported(&[item(1)]));
    assert_eq!(
        row_of(&sync, &item(1))["seller_name"],
        "LUX OUTLET OFFICIAL"
    );
    let c2 = sync["cursor"].as_str().expect("cursor").to_owned();

    // Another vote that leaves the shown name as it is changes nothing for Acme.
    let mut vote = report(3, "Globex", "d@example.com");
    vote["seller_name"] = json!("LUX OUTLET OFFICIAL");
    file(&app, &vote).await;
    let quiet = export_json(&app, &token, &format!("brand=acme&since={c2}")).await;
    assert_eq!(changes(&quiet), []);
    let c3 = quiet["cursor"].as_str().expect("cursor").to_owned();

    // Withdrawing two of the three ties the count; the spelling given first wins.
    withdraw(&app, &renamed[0]).await;
    withdraw(&app, &renamed[1]).await;
    let sync = export_json(&app, &token, &format!("brand=acme&since={c3}")).await;
    assert_eq!(changes(&sync), reported(&[item(1)]));
    assert_eq!(
        row_of(&sync, &item(1))["seller_name"],
        "Luxury Outlet Store"
    );
}
