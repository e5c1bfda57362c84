//! A reporter edits their report through its manage link only: the edit page's form, and
//! `PATCH /api/v1/reports/{id}` with the manage token.

use serde_json::{Value, json};

use crate::helpers::{TestApp, csrf_token_in, valid_report};

async fn filed(app: &TestApp) -> (String, String) {
    let body: Value = app
        .post_report_json(&valid_report())
        .await
        .json()
        .await
        .expect("json");
    (
        body["id"].as_str().expect("id").to_owned(),
        body["manage_token"].as_str().expect("token").to_owned(),
    )
}

async fn patch(app: &TestApp, id: &str, token: Option<&str>, body: &Value) -> reqwest::Response {
    let mut request = app.client.patch(app.url(&format!("/api/v1/reports/{id}")));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.json(body).send().await.expect("request")
}

async fn content(app: &TestApp, id: &str) -> (Option<String>, String, Vec<String>, String) {
    sqlx::query_as(
        "select product_title, description, reasons, status from report where public_id = $1",
    )
    .bind(id)
    .fetch_one(&app.db)
    .await
    .expect("row")
}

#[tokio::test]
async fn the_manage_pages_edit_form_changes_the_report_and_keeps_input_on_errors() {
    let app = TestApp::spawn().await;
    let (id, token) = filed(&app).await;
    sqlx::query("update report set status = 'verified'")
        .execute(&app.db)
        .await
        .expect("verified");
    let manage = app
        .get(&format!("/reports/{id}/manage/{token}"))
        .await
        .text()
        .await
        .expect("page");
    let edit_path = format!("/reports/{id}/manage/{token}/edit");
    assert!(
        manage.contains(&edit_path),
        "the manage page links to the edit page"
    );
    let page = app.get(&edit_path).await.text().await.expect("page");
    assert!(
        page.contains("Neverfull MM tote"),
        "the form starts from the report"
    );
    assert!(page.contains("unverified again"));
    let csrf = csrf_token_in(&page);

    let mut form = vec![
        ("csrf_token", csrf.as_str()),
        ("token", token.as_str()),
        ("product_title", ""),
        ("price", "31.00"),
        ("currency", "EUR"),
        ("order_date", "2026-10-01"),
        ("reasons", "missing_or_invalid_serial"),
        ("reasons", "poor_quality"),
        ("description", "short"),
    ];
    let refused = app
        .client
        .post(app.url(&format!("/reports/{id}/edit")))
        .form(&form)
        .send()
        .await
        .expect("request");
    assert_eq!(refused.status(), 422);
    let again = refused.text().await.expect("page");
    assert!(
        again.contains("at least 10 characters"),
        "the message next to the field"
    );
    assert!(
        again.contains("31.00") && again.contains(">short</textarea>"),
        "input kept"
    );
    assert_eq!(content(&app, &id).await.3, "verified", "nothing saved");

    form.retain(|(k, _)| *k != "description");
    form.push((
        "description",
        "Second look: the serial number on the tag does not exist.",
    ));
    let saved = app
        .client
        .post(app.url(&format!("/reports/{id}/edit")))
        .form(&form)
        .send()
        .await
        .expect("request");
    assert_eq!(saved.status(), 303);
    assert_eq!(
        saved.headers()["location"],
        format!("/reports/{id}/manage/{token}").as_str()
    );
    let (title, description, reasons, status) = content(&app, &id).await;
    assert_eq!(title, None, "an empty field clears it");
    assert!(description.starts_with("Second look"));
    assert_eq!(reasons, ["poor_quality", "missing_or_invalid_serial"]);
    assert_eq!(status, "unverified", "changed content needs checking again");
    let price: (String, String) = sqlx::query_as(
        "select price_amount::text, price_currency from report where public_id = $1",
    )
    .bind(&id)
    .fetch_one(&app.db)
    .await
    .expect("price");
    assert_eq!(price, ("31.0000".to_owned(), "EUR".to_owned()));

    // Without the CSRF field, or with another report's token, nothing happens.
    form.retain(|(k, _)| *k != "csrf_token");
    let forged = app
        .client
        .post(app.url(&format!("/reports/{id}/edit")))
        .form(&form)
        .send()
        .await
        .expect("request");
    assert_eq!(forged.status(), 403);
}

#[tokio::test]
async fn patch_with_the_manage_token_changes_only_the_fields_given() {
    let app = TestApp::spawn().await;
    let (id, token) = filed(&app).await;
    let body = json!({"product_title": null, "reasons": ["other"]});
    assert_eq!(patch(&app, &id, None, &body).await.status(), 401);
    assert_eq!(patch(&app, &id, Some("guess"), &body).await.status(), 403);
    let response = patch(&app, &id, Some(&token), &body).await;
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.expect("json");
    assert_eq!(report["product_title"], Value::Null);
    assert_eq!(report["reasons"], json!(["other"]));
    assert_eq!(
        report["brand"]["name"], "Louis Vuitton",
        "the brand is not editable"
    );
    let (_, description, _, _) = content(&app, &id).await;
    assert!(
        description.starts_with("The monogram"),
        "left out, left alone"
    );

    // What can't be edited, and what doesn't check out.
    let brand = patch(&app, &id, Some(&token), &json!({"brand": "Gucci"})).await;
    assert_eq!(brand.status(), 422);
    let empty = patch(&app, &id, Some(&token), &json!({})).await;
    assert_eq!(empty.status(), 422);
    let bad = patch(
        &app,
        &id,
        Some(&token),
        &json!({"order_date": "2999-01-01"}),
    )
    .await;
    assert_eq!(bad.status(), 422);
    let problem: Value = bad.json().await.expect("problem");
    assert!(problem.to_string().contains("future"), "{problem}");

    // A rejected report stays as the moderator left it.
    sqlx::query("update report set status = 'rejected'")
        .execute(&app.db)
        .await
        .expect("rejected");
    let rejected = patch(
        &app,
        &id,
        Some(&token),
        &json!({"description": "Let me try again here."}),
    )
    .await;
    assert_eq!(rejected.status(), 409);
    assert_eq!(content(&app, &id).await.3, "rejected");
}
