//! The seller's right of reply, public side: the form, its checks, the one-time code, and the
//! published reply on the seller's page, in its JSON and in its feed, never with the author's
//! address; and the purge of the address once a reply will not be shown again. The moderators'
//! side is in `moderation/replies.rs`, which uses the helpers here.

use reqwest::Response;
use serde_json::Value;

use crate::helpers::{TestApp, csrf_token_in, valid_report};

/// The seller the helpers' report creates.
pub const SELLER: &str = "/sellers/aliexpress/1102345678";
pub const STORE_URL: &str = "https://www.aliexpress.com/store/1102345678";
/// The reply author's private address: it must appear in no answer, public or not.
pub const CONTACT: &str = "owner.private@example.net";

/// A reply that was sent: its one-time code, and its id as stored.
pub struct Sent {
    pub code: String,
    pub id: String,
}

impl TestApp {
    /// Files a report, which creates the seller at [`SELLER`].
    pub async fn reported_seller(&self) {
        let filed = self.post_report_json(&valid_report()).await;
        assert_eq!(filed.status(), 201, "report filed");
    }

    /// Posts the reply form of [`SELLER`] as a browser would, with the form page's CSRF token.
    pub async fn post_reply(&self, statement: &str, email: &str) -> Response {
        let form = self.get(&format!("{SELLER}/reply")).await;
        assert_eq!(form.status(), 200);
        let token = csrf_token_in(&form.text().await.expect("body"));
        self.post_reply_raw(
            SELLER,
            &[
                ("csrf_token", token.as_str()),
                ("statement", statement),
                ("email", email),
            ],
        )
        .await
    }

    /// Posts exactly these fields to `seller`'s reply form.
    pub async fn post_reply_raw(&self, seller: &str, fields: &[(&str, &str)]) -> Response {
        self.client
            .post(self.url(&format!("{seller}/reply")))
            .form(fields)
            .send()
            .await
            .expect("request")
    }

    /// Sends a reply from [`CONTACT`] that must be accepted.
    pub async fn send_reply(&self, statement: &str) -> Sent {
        let answer = self.post_reply(statement, CONTACT).await;
        assert_eq!(answer.status(), 200);
        let code = code_on(&answer.text().await.expect("body"));
        let id =
            sqlx::query_scalar("select public_id from seller_reply where verification_code = $1")
                .bind(&code)
                .fetch_one(&self.db)
                .await
                .expect("the reply is stored under the code shown");
        Sent { code, id }
    }

    /// The seller's page, JSON and feed, each of which must answer 200.
    pub async fn public_views(&self) -> (String, Value, String) {
        let mut bodies = Vec::new();
        for path in [
            SELLER.to_owned(),
            format!("/api/v1{SELLER}"),
            format!("{SELLER}/feed.atom"),
        ] {
            let answer = self.get(&path).await;
            assert_eq!(answer.status(), 200, "{path}");
            bodies.push(answer.text().await.expect("body"));
        }
        let json = serde_json::from_str(&bodies[1]).expect("JSON");
        let feed = bodies.pop().expect("feed");
        let page = bodies.swap_remove(0);
        (page, json, feed)
    }
}

/// The one code on a page, `FW-XXXX-XXXX`.
pub fn code_on(html: &str) -> String {
    let codes: Vec<&str> = html
        .match_indices("FW-")
        .map(|(at, _)| &html[at..at + 12])
        .filter(|c| c.as_bytes()[7] == b'-' && !c.contains("7K3P-Q9XD"))
        .collect();
    assert_eq!(codes.len(), 1, "one code on the page: {html}");
    codes[0].to_owned()
}

async fn stored_replies(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from seller_reply")
        .fetch_one(&app.db)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_reply_sent_through_the_form_waits_for_a_moderator_with_its_code_shown_once() {
    let app = TestApp::spawn().await;
    app.reported_seller().await;
    let (page, _, _) = app.public_views().await;
    assert!(page.contains("Are you this seller? Reply"), "{page}");
    assert!(page.contains(&format!("href=\"{SELLER}/reply\"")), "{page}");

    let form = app
        .get(&format!("{SELLER}/reply"))
        .await
        .text()
        .await
        .expect("body");
    assert!(
        form.contains("Reply to the reports about Luxury Outlet Store"),
        "{form}"
    );
    assert!(form.contains("maxlength=\"2000\""), "{form}");
    assert!(form.contains("Up to 2,000 characters"), "{form}");
    assert!(form.contains("name=\"csrf_token\""), "{form}");
    assert!(form.contains("Your email address is never shown"), "{form}");

    let answer = app
        .post_reply(
            "We sell only genuine stock.\r\n\r\nInvoices on request.",
            CONTACT,
        )
        .await;
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().ok()),
        Some(Some("no-store"))
    );
    let sent = answer.text().await.expect("body");
    let code = code_on(&sent);
    assert!(
        sent.contains("Put this code in your store's description"),
        "{sent}"
    );
    assert!(sent.contains("you can remove the code"), "{sent}");
    assert!(sent.contains(STORE_URL), "{sent}");

    let (status, statement, contact, stored_code): (String, String, Option<String>, String) =
        sqlx::query_as(
            "select status, statement, contact_email, verification_code from seller_reply",
        )
        .fetch_one(&app.db)
        .await
        .expect("one reply");
    assert_eq!(status, "pending");
    assert_eq!(
        statement,
        "We sell only genuine stock.\n\nInvoices on request."
    );
    assert_eq!(contact.as_deref(), Some(CONTACT));
    assert_eq!(stored_code, code);

    // Nothing is public before a moderator approves it.
    let (page, json, feed) = app.public_views().await;
    assert!(!page.contains("We sell only genuine stock"), "{page}");
    assert!(page.contains("The seller has not replied"), "{page}");
    assert_eq!(json["replies"], serde_json::json!([]));
    assert!(!feed.contains("genuine stock"), "{feed}");
}

#[tokio::test]
async fn the_api_document_describes_the_sellers_replies() {
    let app = TestApp::spawn().await;
    let doc: Value = app
        .get("/api/openapi.json")
        .await
        .json()
        .await
        .expect("document");
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["Seller"]["properties"]["replies"]["items"]["$ref"],
        "#/components/schemas/SellerReply"
    );
    let mut fields: Vec<&str> = schemas["SellerReply"]["properties"]
        .as_object()
        .expect("SellerReply is defined")
        .keys()
        .map(String::as_str)
        .collect();
    fields.sort_unstable();
    assert_eq!(fields, ["approved_at", "id", "statement"]);
}

#[tokio::test]
async fn a_reply_that_is_empty_too_long_or_without_a_real_address_is_refused_with_the_form_kept() {
    let app = TestApp::spawn().await;
    app.reported_seller().await;
    let too_long = "x".repeat(2001);
    let cases = [
        ("", CONTACT, "statement", "Write your reply to the reports"),
        (too_long.as_str(), CONTACT, "statement", "(it has 2001)"),
        (
            "A fair reply.",
            "owner at example",
            "email",
            "Enter an email address",
        ),
        ("A fair reply.", "  ", "email", "Give an email address"),
    ];
    for (statement, email, field, message) in cases {
        let answer = app.post_reply(statement, email).await;
        assert_eq!(answer.status(), 422, "{field}: {message}");
        let html = answer.text().await.expect("body");
        assert!(html.contains(message), "{message}: {html}");
        assert!(html.contains(&format!("id=\"{field}-error\"")), "{html}");
        assert!(html.contains("aria-invalid=\"true\""), "{html}");
        // What was typed comes back, and the form can be sent again.
        if !statement.is_empty() {
            assert!(html.contains(&format!(">{statement}</textarea>")), "{html}");
        }
        if !email.trim().is_empty() {
            assert!(html.contains(&format!("value=\"{email}\"")), "{html}");
        }
        assert!(html.contains("name=\"csrf_token\""));
    }
    assert_eq!(stored_replies(&app).await, 0);

    // Exactly 2,000 characters (after trimming) is fine.
    let longest = format!("  {}  ", "y".repeat(2000));
    assert_eq!(app.post_reply(&longest, CONTACT).await.status(), 200);
    assert_eq!(stored_replies(&app).await, 1);
}

#[tokio::test]
async fn the_reply_form_refuses_a_post_without_its_csrf_token() {
    let app = TestApp::spawn().await;
    app.reported_seller().await;
    // The browser has the CSRF cookie, but the form lacks the token, or has another one.
    let form = app.get(&format!("{SELLER}/reply")).await;
    assert_eq!(form.status(), 200);
    for fields in [
        vec![("statement", "Forged."), ("email", CONTACT)],
        vec![
            ("csrf_token", "forged"),
            ("statement", "Forged."),
            ("email", CONTACT),
        ],
    ] {
        let answer = app.post_reply_raw(SELLER, &fields).await;
        assert_eq!(answer.status(), 403);
        let html = answer.text().await.expect("body");
        assert!(html.contains("The form expired"), "{html}");
    }
    assert_eq!(stored_replies(&app).await, 0);
}

#[tokio::test]
async fn a_seller_nobody_reported_has_no_reply_form() {
    let app = TestApp::spawn().await;
    app.reported_seller().await;
    for path in [
        "/sellers/aliexpress/999/reply",
        "/sellers/nowhere/1102345678/reply",
    ] {
        let answer = app.get(path).await;
        assert_eq!(answer.status(), 404, "{path}");
        let html = answer.text().await.expect("body");
        assert!(html.contains("Nobody has reported this seller"), "{html}");
    }
    // With a valid token, so that it is the seller that is missing.
    let form = app
        .get(&format!("{SELLER}/reply"))
        .await
        .text()
        .await
        .expect("body");
    let token = csrf_token_in(&form);
    let fields = [
        ("csrf_token", token.as_str()),
        ("statement", "Hello."),
        ("email", CONTACT),
    ];
    let answer = app.post_reply_raw("/sellers/aliexpress/999", &fields).await;
    assert_eq!(answer.status(), 404);
    assert_eq!(stored_replies(&app).await, 0);
}

#[tokio::test]
async fn replies_count_against_the_clients_hourly_limit_and_keep_what_was_typed() {
    // The report that creates the seller spends one of the two.
    let app = TestApp::spawn_with(|config| config.rate_limit_reports = 2).await;
    app.reported_seller().await;
    assert_eq!(app.post_reply("First.", CONTACT).await.status(), 200);
    let refused = app.post_reply("Second, too soon.", CONTACT).await;
    assert_eq!(refused.status(), 429);
    assert!(refused.headers().get("retry-after").is_some());
    let html = refused.text().await.expect("body");
    assert!(html.contains("Your reply was not sent"), "{html}");
    assert!(html.contains(">Second, too soon.</textarea>"), "{html}");
    assert_eq!(stored_replies(&app).await, 1);
}

#[tokio::test]
async fn purge_forgets_the_contacts_of_replies_rejected_or_replaced_long_enough_ago() {
    let app = TestApp::spawn().await;
    app.reported_seller().await;
    let ana = app.moderator("ana@example.org", false).await;
    let replaced = app.send_reply("Old answer.").await;
    ana.post(&format!("/moderation/replies/{}/approve", replaced.id), &[])
        .await;
    let current = app.send_reply("New answer.").await;
    ana.post(&format!("/moderation/replies/{}/approve", current.id), &[])
        .await;
    let old_rejected = app.send_reply("Rejected long ago.").await;
    let new_rejected = app.send_reply("Rejected today.").await;
    for sent in [&old_rejected, &new_rejected] {
        let path = format!("/moderation/replies/{}/reject", sent.id);
        ana.post(&path, &[("reason", "off_topic")]).await;
    }
    let pending = app.send_reply("Still waiting.").await;
    sqlx::query(
        "update seller_reply set replaced_at = now() - interval '31 days',
                                 decided_at = now() - interval '32 days'
         where public_id = $1",
    )
    .bind(&replaced.id)
    .execute(&app.db)
    .await
    .expect("age the replaced reply");
    sqlx::query(
        "update seller_reply set decided_at = now() - interval '31 days' where public_id = $1",
    )
    .bind(&old_rejected.id)
    .execute(&app.db)
    .await
    .expect("age the rejection");

    let retention = fakewatch::privacy::Retention::from(&*app.state.config);
    let summary = fakewatch::privacy::purge(&app.db, &app.state.evidence, &retention)
        .await
        .expect("purge");
    assert_eq!(summary.reply_contacts, 2);
    assert!(
        summary
            .to_string()
            .contains("contacts of rejected or replaced seller replies deleted: 2")
    );
    for (sent, kept) in [
        (&replaced, false),
        (&old_rejected, false),
        (&current, true),
        (&new_rejected, true),
        (&pending, true),
    ] {
        let contact: Option<String> =
            sqlx::query_scalar("select contact_email from seller_reply where public_id = $1")
                .bind(&sent.id)
                .fetch_one(&app.db)
                .await
                .expect("reply");
        assert_eq!(contact.is_some(), kept, "{}", sent.id);
    }
    let again = fakewatch::privacy::purge(&app.db, &app.state.evidence, &retention)
        .await
        .expect("purge");
    assert_eq!(again.reply_contacts, 0);
}

#[tokio::test]
async fn a_seller_known_only_by_a_typed_name_takes_no_reply() {
    let app = TestApp::spawn().await;
    let mut report = crate::helpers::valid_report();
    report["seller_url"] = serde_json::Value::Null;
    report["seller_name"] = serde_json::json!("Sunshine Fashion Outlet");
    let filed: serde_json::Value = app
        .post_report_json(&report)
        .await
        .json()
        .await
        .expect("json");
    let seller = &filed["seller"];
    let path = format!(
        "/sellers/{}/{}",
        seller["marketplace"].as_str().expect("marketplace"),
        seller["seller_key"].as_str().expect("key")
    );
    let page = app.get(&path).await.text().await.expect("page");
    assert!(!page.contains("Are you this seller?"), "{page}");
    assert!(page.contains("replies cannot be checked"), "{page}");
    let form = app.get(&format!("{path}/reply")).await;
    assert_eq!(form.status(), 409);
    assert!(
        form.text()
            .await
            .expect("body")
            .contains("known only by the name")
    );
}
