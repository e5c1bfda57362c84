//! Outcomes a rights holder reports, how they show in exports, the sync and the public seller
//! page, and the export log.

use fakewatch::config::RightsHolderCommand;
use serde_json::{Value, json};

use super::{
    SELLER_PAGE, admin, changes, export, export_csv, export_json, fields, file, holder, item,
    ok_text, post_outcomes, problem, report, row_of, token_id, urls,
};
use crate::helpers::TestApp;

#[tokio::test]
async fn outcomes_change_the_status_in_the_next_export_and_in_the_sync() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    for n in 1..=3 {
        file(&app, &report(n, "Acme", "a@example.com")).await;
    }
    let before = export_json(&app, &token, "brand=acme").await;
    let cursor = before["cursor"].as_str().expect("cursor").to_owned();

    let response = post_outcomes(
        &app,
        &token,
        json!([
            // Any spelling of the listing's address will do.
            {"brand": "acme", "listing_url": format!("{}?spm=a2g0o.detail", item(1)), "outcome": "removed", "note": "case 4411"},
            {"brand": "acme", "listing_url": item(2), "outcome": "genuine"}
        ]),
    )
    .await;
    let recorded: Value = serde_json::from_str(&ok_text(response).await).expect("json");
    assert_eq!(recorded["recorded"], 2);
    assert_eq!(recorded["outcomes"][0]["listing_url"], item(1));
    assert_eq!(recorded["outcomes"][0]["outcome"], "removed");
    assert!(recorded["outcomes"][0]["recorded_at"].is_string());

    let after = export_json(&app, &token, "brand=acme").await;
    assert_eq!(row_of(&after, &item(1))["status"], "removed");
    assert!(row_of(&after, &item(1))["outcome_at"].is_string());
    assert_eq!(row_of(&after, &item(2))["status"], "genuine");
    assert_eq!(row_of(&after, &item(3))["status"], "reported");
    assert_eq!(row_of(&after, &item(3))["outcome_at"], Value::Null);
    let table = export_csv(&app, &token, "brand=acme").await;
    assert_eq!(table.row("listing_url", &item(1)).get("status"), "removed");
    assert!(
        !table
            .row("listing_url", &item(1))
            .get("outcome_at")
            .is_empty()
    );
    assert_eq!(
        urls(&export_json(&app, &token, "brand=acme&status=genuine").await),
        [item(2)]
    );

    let sync = export_json(&app, &token, &format!("brand=acme&since={cursor}")).await;
    assert_eq!(
        changes(&sync),
        [
            (item(1), "removed".to_owned()),
            (item(2), "genuine".to_owned())
        ]
    );
    // A later outcome replaces the earlier one, and syncs again.
    let cursor = sync["cursor"].as_str().expect("cursor").to_owned();
    ok_text(
        post_outcomes(
            &app,
            &token,
            json!([{"brand": "acme", "listing_url": item(1), "outcome": "confirmed_counterfeit"}]),
        )
        .await,
    )
    .await;
    let sync = export_json(&app, &token, &format!("brand=acme&since={cursor}")).await;
    assert_eq!(
        changes(&sync),
        [(item(1), "confirmed_counterfeit".to_owned())]
    );
    let history: i64 = sqlx::query_scalar("select count(*) from listing_outcome")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(history, 3);
}

#[tokio::test]
async fn one_bad_outcome_records_none_of_them() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    file(&app, &report(2, "Globex", "a@example.com")).await;

    let response = post_outcomes(
        &app,
        &token,
        json!([
            {"brand": "acme", "listing_url": item(1), "outcome": "removed"},
            // Reported, but for another brand.
            {"brand": "acme", "listing_url": item(2), "outcome": "removed"},
            {"brand": "acme", "listing_url": item(1), "outcome": "vanished"},
            {"brand": "acme", "listing_url": "not a url", "outcome": "removed"},
            {"brand": "acme", "listing_url": item(1), "outcome": "removed", "note": "x".repeat(2001)}
        ]),
    )
    .await;
    let body = problem(response, 422).await;
    assert_eq!(
        fields(&body),
        [
            "outcomes[1].listing_url",
            "outcomes[2].outcome",
            "outcomes[3].listing_url",
            "outcomes[4].note"
        ]
    );
    assert!(!body.to_string().contains("Globex"));

    let recorded: i64 = sqlx::query_scalar("select count(*) from listing_outcome")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(recorded, 0);
    let list = export_json(&app, &token, "brand=acme").await;
    assert_eq!(row_of(&list, &item(1))["status"], "reported");
}

#[tokio::test]
async fn outcomes_for_brands_outside_the_scope_are_403_and_record_nothing() {
    let app = TestApp::spawn().await;
    let acme = holder(&app, "Acme Corp", &["Acme"]).await;
    holder(&app, "Globex", &["Globex"]).await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    file(&app, &report(2, "Globex", "a@example.com")).await;

    for brand in ["globex", "no-such-brand"] {
        let response = post_outcomes(
            &app,
            &acme,
            json!([
                {"brand": "acme", "listing_url": item(1), "outcome": "removed"},
                {"brand": brand, "listing_url": item(2), "outcome": "genuine"}
            ]),
        )
        .await;
        problem(response, 403).await;
    }
    let recorded: i64 = sqlx::query_scalar("select count(*) from listing_outcome")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(recorded, 0);
    problem(post_outcomes(&app, "garbage", json!([])).await, 401).await;
}

#[tokio::test]
async fn outcomes_show_on_the_public_seller_page() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    file(&app, &report(2, "Acme", "a@example.com")).await;
    file(&app, &report(3, "Acme", "a@example.com")).await;
    let before = app.get(SELLER_PAGE).await.text().await.expect("html");
    assert!(!before.contains("Confirmed counterfeit by the brand owner"));

    ok_text(
        post_outcomes(
            &app,
            &token,
            json!([
                {"brand": "acme", "listing_url": item(1), "outcome": "confirmed_counterfeit", "note": "private case note 7781"},
                {"brand": "acme", "listing_url": item(2), "outcome": "removed"}
            ]),
        )
        .await,
    )
    .await;
    let page = app.get(SELLER_PAGE).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("Confirmed counterfeit by the brand owner"),
        "{html}"
    );
    assert!(html.contains("Removed by the marketplace"));
    assert!(
        !html.contains("private case note 7781"),
        "notes are private"
    );
}

#[tokio::test]
async fn exports_are_logged_with_their_row_count_and_tokens_show_their_last_use() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let id = token_id(&token);
    for n in 1..=3 {
        file(&app, &report(n, "Acme", "a@example.com")).await;
    }
    let listed = admin(&app, RightsHolderCommand::List { exports: 5 }).await;
    assert!(listed.contains("no exports yet"), "{listed}");
    assert!(listed.contains(&format!("token {id}: active")), "{listed}");
    assert!(listed.contains("last used never"), "{listed}");

    let table = export_csv(&app, &token, "brand=acme").await;
    assert_eq!(table.rows.len(), 3);
    let cursor = export_json(&app, &token, "brand=acme&preset=aliexpress").await["cursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    ok_text(
        export(
            &app,
            &token,
            &format!("brand=acme&format=ndjson&since={cursor}"),
        )
        .await,
    )
    .await;

    let listed = admin(&app, RightsHolderCommand::List { exports: 5 }).await;
    let exports: Vec<&str> = listed
        .lines()
        .filter(|l| l.trim_start().starts_with("export "))
        .collect();
    assert_eq!(exports.len(), 3, "{listed}");
    // Newest first.
    assert!(
        exports[0].contains(" acme ndjson (since cursor): 0 rows by token "),
        "{listed}"
    );
    assert!(
        exports[1].contains(" acme json preset=aliexpress: 3 rows by token "),
        "{listed}"
    );
    assert!(
        exports[2].contains(" acme csv: 3 rows by token "),
        "{listed}"
    );
    assert!(exports.iter().all(|e| e.ends_with(&id)), "{listed}");
    assert!(!listed.contains("last used never"), "{listed}");
    assert!(!listed.contains(&token), "the secret is never shown again");

    let last_used: Option<time::OffsetDateTime> =
        sqlx::query_scalar("select last_used_at from api_token where public_id = $1")
            .bind(&id)
            .fetch_one(&app.db)
            .await
            .expect("token row");
    let age = time::OffsetDateTime::now_utc() - last_used.expect("last used is set");
    assert!(age < time::Duration::minutes(1), "{age}");

    let only_one = admin(&app, RightsHolderCommand::List { exports: 1 }).await;
    assert_eq!(only_one.matches("  export ").count(), 1, "{only_one}");
}

#[tokio::test]
async fn a_full_batch_of_a_thousand_outcomes_fits_in_one_request() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    let note = "é".repeat(200);
    let batch: Vec<Value> = (0..1000)
        .map(|i| {
            json!({"brand": "acme", "listing_url": item(1),
                   "outcome": if i % 2 == 0 { "removed" } else { "confirmed_counterfeit" },
                   "note": note})
        })
        .collect();
    let response = post_outcomes(&app, &token, Value::Array(batch)).await;
    let status = response.status();
    let body: Value = response.json().await.expect("JSON");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["recorded"], 1000);
    // The latest one is the listing's status.
    let document = export_json(&app, &token, "brand=acme").await;
    assert_eq!(
        row_of(&document, &item(1))["status"],
        "confirmed_counterfeit"
    );
    // Every one is in the history, in the order sent.
    let history: Vec<String> =
        sqlx::query_scalar("select outcome from listing_outcome order by listing_outcome_id")
            .fetch_all(&app.db)
            .await
            .expect("history");
    assert_eq!(history.len(), 1000);
    assert!(history.iter().enumerate().all(|(i, outcome)| {
        outcome
            == if i % 2 == 0 {
                "removed"
            } else {
                "confirmed_counterfeit"
            }
    }));
}
