//! A store identified by id is shown under the spelling most live reports gave, and
//! a spelling only withdrawn (or rejected) reports gave is shown nowhere.

use serde_json::{Value, json};

use crate::helpers::{TestApp, valid_report};

const SELLER_API: &str = "/api/v1/sellers/aliexpress/1102345678";

/// Files `valid_report()` (store 1102345678) on listing `n`, by `email`, spelling the seller
/// `name`; returns the answer.
async fn file(app: &TestApp, n: u64, email: &str, name: &str) -> Value {
    let mut report = valid_report();
    report["listing_url"] = json!(format!(
        "https://www.aliexpress.com/item/{}.html",
        1_005_000_000_000_000 + n
    ));
    report["email"] = json!(email);
    report["seller_name"] = json!(name);
    let response = app.post_report_json(&report).await;
    let status = response.status();
    let body = response.text().await.expect("body");
    assert!(status.is_success(), "{status}: {body}");
    serde_json::from_str(&body).expect("json")
}

async fn withdraw(app: &TestApp, filed: &Value) {
    let response = app
        .delete_report_api(
            filed["id"].as_str().expect("id"),
            filed["manage_token"].as_str(),
        )
        .await;
    assert_eq!(response.status(), 204);
}

/// The seller's `(name, aliases)` as the JSON API shows them.
async fn shown(app: &TestApp) -> (String, Vec<String>) {
    let seller: Value = app.get(SELLER_API).await.json().await.expect("json");
    let aliases = seller["aliases"]
        .as_array()
        .expect("aliases")
        .iter()
        .map(|a| a.as_str().expect("alias").to_owned())
        .collect();
    (seller["name"].as_str().expect("name").to_owned(), aliases)
}

fn names(name: &str, aliases: &[&str]) -> (String, Vec<String>) {
    (
        name.to_owned(),
        aliases.iter().map(|a| a.to_string()).collect(),
    )
}

#[tokio::test]
async fn the_name_shown_is_the_spelling_most_live_reports_gave_not_the_first_typed() {
    let app = TestApp::spawn().await;
    file(&app, 1, "a@example.com", "Luxury Outlet Stor").await;
    assert_eq!(shown(&app).await, names("Luxury Outlet Stor", &[]));
    let b = file(&app, 2, "b@example.com", "Luxury Outlet Store").await;
    // A tie: the spelling given first stays.
    assert_eq!(b["seller"]["name"], "Luxury Outlet Stor");
    let c = file(&app, 3, "c@example.com", "Luxury Outlet Store").await;
    assert_eq!(c["seller"]["name"], "Luxury Outlet Store");
    assert_eq!(
        shown(&app).await,
        names("Luxury Outlet Store", &["Luxury Outlet Stor"])
    );
    // Spellings that differ only in case are votes for different spellings but one alias.
    file(&app, 4, "d@example.com", "LUXURY OUTLET STOR").await;
    file(&app, 5, "e@example.com", "LUXURY OUTLET STOR").await;
    assert_eq!(
        shown(&app).await,
        names("LUXURY OUTLET STOR", &["Luxury Outlet Store"])
    );

    // The report page and the search show the same name.
    let report: Value = app
        .get_report_api(b["id"].as_str().expect("id"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(report["seller"]["name"], "LUXURY OUTLET STOR");
}

#[tokio::test]
async fn withdrawing_takes_a_vote_back_and_a_withdrawn_only_alias_disappears_everywhere() {
    let app = TestApp::spawn().await;
    let honest = file(&app, 1, "a@example.com", "Honest Outlet").await;
    let troll = file(&app, 2, "troll@example.com", "Scammer Crooks Inc").await;
    let troll2 = file(&app, 3, "troll2@example.com", "Scammer Crooks Inc").await;
    assert_eq!(
        shown(&app).await,
        names("Scammer Crooks Inc", &["Honest Outlet"])
    );
    let found: Value = app
        .get("/api/v1/sellers?q=scammer%20crooks")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(found["results"].as_array().expect("results").len(), 1);

    withdraw(&app, &troll).await;
    withdraw(&app, &troll2).await;
    assert_eq!(shown(&app).await, names("Honest Outlet", &[]));
    let page = app
        .get("/sellers/aliexpress/1102345678")
        .await
        .text()
        .await
        .expect("html");
    assert!(page.contains("Honest Outlet"));
    assert!(!page.contains("Scammer"), "withdrawn spelling on the page");
    let found: Value = app
        .get("/api/v1/sellers?q=scammer%20crooks")
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        found["results"],
        json!([]),
        "a withdrawn spelling still finds the seller"
    );

    // With every report withdrawn, no reporter's spelling is shown: the store id is.
    withdraw(&app, &honest).await;
    assert_eq!(shown(&app).await, names("1102345678", &[]));
}

#[tokio::test]
async fn a_rejected_reports_spelling_is_not_listed_as_an_alias() {
    let app = TestApp::spawn().await;
    file(&app, 1, "a@example.com", "Honest Outlet").await;
    let rejected = file(&app, 2, "b@example.com", "Rude Words Here").await;
    assert_eq!(
        shown(&app).await,
        names("Honest Outlet", &["Rude Words Here"])
    );
    // As moderation will: any status change recounts the spelling's live reports.
    sqlx::query("update report set status = 'rejected' where public_id = $1")
        .bind(rejected["id"].as_str())
        .execute(&app.db)
        .await
        .expect("reject");
    assert_eq!(shown(&app).await, names("Honest Outlet", &[]));
}

#[tokio::test]
async fn a_refiled_report_once_confirmed_moves_its_reporters_vote_to_the_new_spelling() {
    let app = TestApp::spawn().await;
    file(&app, 1, "a@example.com", "Alpha Store").await;
    file(&app, 2, "b@example.com", "Beta Store").await;
    file(&app, 3, "c@example.com", "Beta Store").await;
    assert_eq!(shown(&app).await, names("Beta Store", &["Alpha Store"]));
    // c files listing 3 again, spelling it like a.
    let mut again = valid_report();
    again["listing_url"] = json!("https://www.aliexpress.com/item/1005000000000003.html");
    again["email"] = json!("c@example.com");
    again["seller_name"] = json!("Alpha Store");
    let response = app.post_report_json(&again).await;
    assert_eq!(response.status(), 201);
    // c confirms the address: the newer report replaces the earlier one, and its vote with it.
    app.confirm_address("c@example.com").await;
    assert_eq!(shown(&app).await, names("Alpha Store", &["Beta Store"]));
    let counts: Vec<(String, i32)> =
        sqlx::query_as("select name, live_reports from seller_alias order by seller_alias_id")
            .fetch_all(&app.db)
            .await
            .expect("counts");
    assert_eq!(
        counts,
        [("Alpha Store".to_owned(), 2), ("Beta Store".to_owned(), 1)]
    );
}

#[tokio::test]
async fn reports_from_before_the_upgrade_vote_for_the_name_their_store_is_shown_under() {
    let app = TestApp::spawn().await;
    for n in 1..=3 {
        file(
            &app,
            n,
            &format!("old{n}@example.com"),
            "Luxury Outlet Store",
        )
        .await;
    }
    // As the upgrade to 0006 left them: no spelling recorded, so no votes.
    sqlx::query("update report set seller_name = null")
        .execute(&app.db)
        .await
        .expect("as before 0006");
    sqlx::raw_sql(include_str!(
        "../../migrations/0007_seller_name_votes_backfill.sql"
    ))
    .execute(&app.db)
    .await
    .expect("the backfill runs");
    let votes: i32 = sqlx::query_scalar(
        "select live_reports from seller_alias where name = 'Luxury Outlet Store'",
    )
    .fetch_one(&app.db)
    .await
    .expect("the shown name is a spelling");
    assert_eq!(votes, 3);
    // One new report with another spelling does not rename the store its three reports named.
    file(&app, 4, "new@example.com", "LUX OUTLET").await;
    assert_eq!(shown(&app).await.0, "Luxury Outlet Store");
}
