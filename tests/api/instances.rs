//! Several stateless instances behind a load balancer: this test's app and a second
//! `fakewatch serve` process on the same database and secret, with one browser's requests
//! alternating between them. Nothing one instance keeps in memory is needed by the other.

use reqwest::{Client, Response};
use serde_json::Value;

use crate::helpers::{
    SecondServer, TestApp, client, csrf_token_in, manage_token_on, valid_form, valid_report,
};
use crate::moderation::PASSWORD;

#[tokio::test]
async fn a_reporters_and_a_moderators_requests_may_each_land_on_any_instance() {
    let app = TestApp::spawn().await;
    let second = SecondServer::start(&app, &[]).await;
    let (a, b) = (app.address.as_str(), second.address.as_str());
    // One browser; its cookies go with the host name whatever the port, as they would to a
    // load balancer's one address.
    let browser = client();

    // The form from A, posted to B: B takes A's CSRF token.
    let filed = post_report_form(&browser, a, b).await;
    assert_eq!(filed.status(), 303);
    let receipt_path = location(&filed).to_owned();
    let id = receipt_path.trim_start_matches("/reports/").to_owned();

    // The receipt, with its private link, from A; the manage page from B; withdrawn on A
    // with the form token B's page gave.
    let receipt = page(&browser, &format!("{a}{receipt_path}")).await;
    let token = manage_token_on(&receipt);
    let manage = page(&browser, &format!("{b}/reports/{id}/manage/{token}")).await;
    assert!(manage.contains("Neverfull MM tote"), "{manage}");
    let withdrawn = browser
        .post(format!("{a}/reports/{id}/withdraw"))
        .form(&[("csrf_token", csrf_token_in(&manage)), ("token", token)])
        .send()
        .await
        .expect("request");
    assert_eq!(withdrawn.status(), 303);
    let public = browser
        .get(format!("{b}{receipt_path}"))
        .send()
        .await
        .expect("request");
    assert_eq!(public.status(), 410);

    // A moderator signs in on A and verifies a report on B; the session is a row in the
    // database and its CSRF token a MAC under the shared secret, in neither process.
    let filed: Value = client()
        .post(format!("{b}/api/v1/reports"))
        .json(&valid_report())
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    let report = filed["id"].as_str().expect("id");
    app.add_moderator("ana@example.org", false).await;
    let moderator = client();
    let login = page(&moderator, &format!("{a}/moderation/login")).await;
    let signed_in = moderator
        .post(format!("{a}/moderation/login"))
        .form(&[
            ("csrf_token", csrf_token_in(&login).as_str()),
            ("email", "ana@example.org"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("request");
    assert_eq!(signed_in.status(), 303);
    let queue = page(&moderator, &format!("{b}/moderation")).await;
    assert!(queue.contains(report), "{queue}");
    let verified = moderator
        .post(format!("{b}/moderation/reports/{report}/verify"))
        .form(&[("csrf_token", csrf_token_in(&queue).as_str())])
        .send()
        .await
        .expect("request");
    assert_eq!(verified.status(), 303);
    let seller: Value = client()
        .get(format!("{a}/api/v1/sellers/aliexpress/1102345678"))
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    assert_eq!(seller["counts"]["verified"], 1, "{seller}");

    // Signing out on B ends the session on A too.
    let out = moderator
        .post(format!("{b}/moderation/logout"))
        .form(&[("csrf_token", csrf_token_in(&queue).as_str())])
        .send()
        .await
        .expect("request");
    assert_eq!(out.status(), 303);
    let after = moderator
        .get(format!("{a}/moderation"))
        .send()
        .await
        .expect("request");
    assert_eq!(after.status(), 303, "signed out everywhere");
}

#[tokio::test]
async fn instances_need_one_shared_secret_to_take_each_others_forms() {
    let app = TestApp::spawn().await;
    // Each instance generating its own secret (FAKEWATCH_SECRET unset, a data dir each) is
    // what this shows going wrong.
    let other = SecondServer::start(
        &app,
        &[(
            "FAKEWATCH_SECRET",
            "another-secret-another-secret-another-se",
        )],
    )
    .await;
    let browser = client();
    let refused = post_report_form(&browser, &app.address, &other.address).await;
    assert_eq!(refused.status(), 403);
    let reports: i64 = sqlx::query_scalar("select count(*) from report")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(reports, 0);
}

/// Gets the report form from `form_from` and posts it, filled in, to `post_to`.
async fn post_report_form(browser: &Client, form_from: &str, post_to: &str) -> Response {
    let form = page(browser, &format!("{form_from}/reports/new")).await;
    let mut multipart = reqwest::multipart::Form::new().text("csrf_token", csrf_token_in(&form));
    for (name, value) in valid_form() {
        multipart = multipart.text(name, value);
    }
    browser
        .post(format!("{post_to}/reports"))
        .multipart(multipart)
        .send()
        .await
        .expect("request")
}

/// The page at `url`, which must answer 200.
async fn page(browser: &Client, url: &str) -> String {
    let response = browser.get(url).send().await.expect("request");
    assert_eq!(response.status(), 200, "GET {url}");
    response.text().await.expect("body")
}

fn location(response: &Response) -> &str {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .expect("a redirect")
}
