//! Reporters are confirmed people: filing again is a new report that tells nobody anything,
//! only confirmed (or verified) reporters count, and a confirmation link confirms only what
//! its page showed, and only by its button.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::helpers::{TestApp, valid_report};

/// The shape of a JSON value: its keys and the kinds of their values, recursively, so that two
/// answers can be compared without their values.
fn shape(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), shape(v)))
                .collect::<serde_json::Map<_, _>>(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(shape).collect()),
        Value::String(_) => json!("string"),
        Value::Number(_) => json!("number"),
        Value::Bool(_) => json!("bool"),
        Value::Null => json!("null"),
    }
}

/// A report by `email` on the AliExpress listing `item` of the default store.
fn report_by(email: &str, item: u64) -> Value {
    let mut report = valid_report();
    report["email"] = json!(email);
    report["listing_url"] = json!(format!(
        "https://www.aliexpress.com/item/{}.html",
        1005000000000000u64 + item
    ));
    report
}

async fn file(app: &TestApp, report: &Value) -> Value {
    let response = app.post_report_json(report).await;
    assert_eq!(response.status(), 201, "filed");
    response.json().await.expect("json")
}

async fn seller(app: &TestApp) -> Value {
    app.get("/api/v1/sellers/aliexpress/1102345678")
        .await
        .json()
        .await
        .expect("json")
}

async fn row(app: &TestApp, id: &str) -> BTreeMap<String, String> {
    let json: Value =
        sqlx::query_scalar("select to_jsonb(r) - 'updated_at' from report r where public_id = $1")
            .bind(id)
            .fetch_one(&app.db)
            .await
            .expect("row");
    json.as_object()
        .expect("object")
        .iter()
        .map(|(k, v)| (k.clone(), v.to_string()))
        .collect()
}

#[tokio::test]
async fn an_impostor_filing_again_with_someones_address_changes_nothing_and_learns_nothing() {
    let app = TestApp::spawn().await;
    let original = file(&app, &valid_report()).await;
    let original_id = original["id"].as_str().expect("id");
    sqlx::query("update report set status = 'verified'")
        .execute(&app.db)
        .await
        .expect("a moderator verified it");
    let before = row(&app, original_id).await;

    // Someone who knows the address files the same listing with other details.
    let mut impostor = valid_report();
    impostor["email"] = json!("BUYER@example.com");
    impostor["brand"] = json!("Gucci");
    impostor["product_title"] = json!("Something else");
    impostor["price"] = json!({"amount": "1.00", "currency": "EUR"});
    impostor["reasons"] = json!(["other"]);
    impostor["description"] = json!("Rewritten by someone who only knows the address.");
    impostor["listing_url"] =
        json!("https://de.aliexpress.com/item/1005006543210987.html?gatewayAdapt=glo2deu");
    let response = app.post_report_json(&impostor).await;
    assert_eq!(response.status(), 201, "the same answer as any new report");
    let answer: Value = response.json().await.expect("json");
    assert_ne!(
        answer["id"], original["id"],
        "a new id, never the earlier one's"
    );
    assert_ne!(answer["manage_token"], original["manage_token"]);
    assert!(
        answer["manage_token"]
            .as_str()
            .is_some_and(|t| t.len() > 30)
    );
    assert_eq!(
        shape(&answer),
        shape(&original),
        "indistinguishable from a first filing"
    );
    assert!(
        !answer.to_string().contains(original_id),
        "nothing points at the earlier report"
    );

    // The original is untouched: content, status, token, everything.
    assert_eq!(row(&app, original_id).await, before);
    let public: Value = app
        .get_report_api(original_id)
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(public["status"], "verified");
    assert_eq!(public["brand"]["name"], "Louis Vuitton");
    // The impostor's report is pending: it does not count until the address's owner confirms.
    assert_eq!(answer["status"], "unverified");
    let theirs: Value = app
        .get_report_api(answer["id"].as_str().expect("id"))
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(theirs["counted"], false);
    assert_eq!(public["counted"], true, "verified reports count");
}

#[tokio::test]
async fn five_unconfirmed_reporters_stay_some_unconfirmed_reports_until_three_confirm() {
    let app = TestApp::spawn().await;
    for n in 1..=5 {
        file(&app, &report_by(&format!("buyer{n}@example.com"), n)).await;
    }
    let before = seller(&app).await;
    assert_eq!(before["counts"]["reports"], 5);
    assert_eq!(before["counts"]["distinct_reporters"], 5);
    assert_eq!(before["counts"]["confirmed_reporters"], 0);
    assert_eq!(before["reputation"]["label"], "some_unverified_reports");
    assert_eq!(before["reputation"]["report_confidence"], 0.0);
    assert!(
        before["recent_reports"]
            .as_array()
            .expect("reports")
            .iter()
            .all(|r| r["counted"] == false)
    );
    let page = app
        .get("/sellers/aliexpress/1102345678")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Some unconfirmed reports"));
    assert_eq!(page.matches(">email not confirmed<").count(), 5);
    assert!(page.contains("None of the 5 buyers has confirmed an email address"));
    let feed = app
        .get("/sellers/aliexpress/1102345678/feed.atom")
        .await
        .text()
        .await
        .expect("feed");
    assert_eq!(feed.matches("Email not confirmed").count(), 5, "{feed}");

    for n in 1..=3 {
        app.confirm_address(&format!("buyer{n}@example.com")).await;
    }
    let after = seller(&app).await;
    assert_eq!(after["counts"]["distinct_reporters"], 5);
    assert_eq!(after["counts"]["confirmed_reporters"], 3);
    assert_eq!(after["reputation"]["label"], "repeated_reports");
    assert_eq!(after["reputation"]["report_confidence"], 0.5);
    let page = app
        .get("/sellers/aliexpress/1102345678")
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Repeated reports"));
    assert_eq!(page.matches(">email not confirmed<").count(), 2);
    let feed = app
        .get("/sellers/aliexpress/1102345678/feed.atom")
        .await
        .text()
        .await
        .expect("feed");
    assert_eq!(feed.matches("Email not confirmed").count(), 2);
}

#[tokio::test]
async fn anonymous_reports_are_published_but_never_count() {
    let app = TestApp::spawn().await;
    let mut anonymous = report_by("x@example.com", 1);
    anonymous["email"] = Value::Null;
    let filed = file(&app, &anonymous).await;
    let s = seller(&app).await;
    assert_eq!(s["counts"]["reports"], 1);
    assert_eq!(s["counts"]["confirmed_reporters"], 0);
    assert_eq!(s["reputation"]["label"], "some_unverified_reports");
    let page = app
        .get(&format!("/reports/{}", filed["id"].as_str().expect("id")))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("email not confirmed"));
}

#[tokio::test]
async fn a_confirmed_newer_report_replaces_the_reporters_earlier_one_on_the_listing() {
    let app = TestApp::spawn().await;
    let first = file(&app, &report_by("me@example.com", 1)).await;
    app.confirm_address("me@example.com").await;
    let mut newer = report_by("me@example.com", 1);
    newer["description"] = json!("Looked again: the stitching is wrong too.");
    let second = file(&app, &newer).await;
    // Until confirmed, the newer one waits and the earlier one stands.
    let s = seller(&app).await;
    assert_eq!(s["counts"]["reports"], 2);
    assert_eq!(s["counts"]["confirmed_reporters"], 1);

    app.confirm_address("me@example.com").await;
    let (id1, id2) = (
        first["id"].as_str().expect("id"),
        second["id"].as_str().expect("id"),
    );
    let states: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "select r.public_id, r.status, n.public_id from report r
         left join report n on n.report_id = r.replaced_by order by r.report_id",
    )
    .fetch_all(&app.db)
    .await
    .expect("rows");
    assert_eq!(
        states,
        [
            (id1.to_owned(), "withdrawn".to_owned(), Some(id2.to_owned())),
            (id2.to_owned(), "unverified".to_owned(), None),
        ]
    );
    let s = seller(&app).await;
    assert_eq!(s["counts"]["reports"], 1);
    assert_eq!(s["counts"]["confirmed_reporters"], 1);
}

#[tokio::test]
async fn a_rejected_report_stays_rejected_whatever_is_filed_later() {
    let app = TestApp::spawn().await;
    let first = file(&app, &report_by("me@example.com", 1)).await;
    app.confirm_address("me@example.com").await;
    sqlx::query("update report set status = 'rejected'")
        .execute(&app.db)
        .await
        .expect("a moderator rejected it");
    file(&app, &report_by("me@example.com", 1)).await;
    app.confirm_address("me@example.com").await;
    let status: String = sqlx::query_scalar("select status from report where public_id = $1")
        .bind(first["id"].as_str())
        .fetch_one(&app.db)
        .await
        .expect("row");
    assert_eq!(status, "rejected");
    let live: i64 = sqlx::query_scalar("select count(*) from report where status = 'unverified'")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(live, 1, "the new report stands beside the rejected one");
}

#[tokio::test]
async fn this_wasnt_me_withdraws_the_pending_reports_of_the_address() {
    let app = TestApp::spawn().await;
    let a = file(&app, &report_by("victim@example.com", 1)).await;
    let b = file(&app, &report_by("victim@example.com", 2)).await;
    let other = file(&app, &report_by("someone@example.com", 3)).await;
    let path = app.confirmation_path_for("victim@example.com").await;
    let page = app.get(&path).await.text().await.expect("page");
    // The page says what is being confirmed: listing, brand, the first words of the description.
    assert!(page.contains("https://www.aliexpress.com/item/1005000000000001.html"));
    assert!(page.contains("Louis Vuitton"));
    assert!(page.contains("The monogram pattern is misaligned at the seams and the price was…"));
    assert!(page.contains("This wasn't me"));

    let response = app.press_confirmation_button(&path, "/not-me").await;
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .expect("page")
            .contains("2 reports were withdrawn")
    );
    for id in [&a["id"], &b["id"]] {
        let r = app.get_report_api(id.as_str().expect("id")).await;
        assert_eq!(r.status(), 410, "withdrawn");
    }
    let r = app.get_report_api(other["id"].as_str().expect("id")).await;
    assert_eq!(r.status(), 200, "another address's report is untouched");
    // Nothing stays on the disowned reports: the victim's address least of all.
    let left: Vec<(Option<String>, bool)> = sqlx::query_as(
        "select reporter_email, erased_at is not null from report order by report_id",
    )
    .fetch_all(&app.db)
    .await
    .expect("rows");
    assert_eq!(
        left,
        [
            (None, true),
            (None, true),
            (Some("someone@example.com".to_owned()), false)
        ]
    );
}

#[tokio::test]
async fn opening_the_link_confirms_nothing_and_the_button_needs_its_form() {
    let app = TestApp::spawn().await;
    file(&app, &report_by("me@example.com", 1)).await;
    let path = app.confirmation_path_for("me@example.com").await;
    // A mail scanner opens the link, twice.
    for _ in 0..2 {
        let page = app.get(&path).await;
        assert_eq!(page.status(), 200);
        assert_eq!(page.headers()["cache-control"], "no-store");
        assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    }
    assert_eq!(seller(&app).await["counts"]["confirmed_reporters"], 0);

    // A POST without the form's CSRF field is refused.
    let forged = app
        .client
        .post(app.url(&path))
        .form(&[("report", "whatever")])
        .send()
        .await
        .expect("request");
    assert_eq!(forged.status(), 403);
    assert_eq!(seller(&app).await["counts"]["confirmed_reporters"], 0);

    // Unknown and expired tokens.
    let unknown = app.get("/confirm/not-a-token").await;
    assert_eq!(unknown.status(), 404);
    assert!(unknown.text().await.expect("page").contains("expired"));
    sqlx::query(
        "update email_confirmation set expires_at = now() - interval '1 second'
         where token_hash is not null",
    )
    .execute(&app.db)
    .await
    .expect("expire");
    assert_eq!(app.get(&path).await.status(), 404);
}

#[tokio::test]
async fn a_confirmation_confirms_only_the_reports_its_page_showed() {
    let app = TestApp::spawn().await;
    let shown = file(&app, &report_by("me@example.com", 1)).await;
    let path = app.confirmation_path_for("me@example.com").await;
    let page = app.get(&path).await.text().await.expect("page");
    let csrf = crate::helpers::csrf_token_in(&page);
    // Filed after the page was shown: an impostor's, perhaps.
    let later = file(&app, &report_by("me@example.com", 2)).await;
    let response = app
        .client
        .post(app.url(&path))
        .form(&[
            ("csrf_token", csrf.as_str()),
            ("report", shown["id"].as_str().expect("id")),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    let body = response.text().await.expect("page");
    assert!(body.contains("1 report is confirmed"), "{body}");
    // The page now lists the later report, still waiting.
    assert!(body.contains("1005000000000002"));
    let confirmed: Vec<(String, bool)> =
        sqlx::query_as("select public_id, confirmed_at is not null from report order by report_id")
            .fetch_all(&app.db)
            .await
            .expect("rows");
    assert_eq!(
        confirmed,
        [
            (shown["id"].as_str().expect("id").to_owned(), true),
            (later["id"].as_str().expect("id").to_owned(), false),
        ]
    );
}
