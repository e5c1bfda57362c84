//! Sellers' replies on the moderators' side: the list with the store and the code side by
//! side, approving (public at once, in place of the earlier reply) and rejecting, each with its
//! audit row; and refusals.

use serde_json::{Value, json};

use super::location;
use crate::helpers::TestApp;
use crate::seller_reply::{CONTACT, SELLER, STORE_URL};

const LIST: &str = "/moderation/replies";

async fn status_of(app: &TestApp, id: &str) -> (String, Option<String>) {
    sqlx::query_as("select status, reject_reason from seller_reply where public_id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("reply")
}

/// The audit rows about a reply: (action, moderator email, before, after).
async fn audit_of(app: &TestApp, id: &str) -> Vec<(String, String, Value, Value)> {
    sqlx::query_as(
        "select a.action, m.email, a.before, a.after from moderation_audit a
         join moderator m using (moderator_id)
         where a.subject_kind = 'reply' and a.subject_id = $1
         order by a.moderation_audit_id",
    )
    .bind(id)
    .fetch_all(&app.db)
    .await
    .expect("audit rows")
}

#[tokio::test]
async fn a_moderator_sees_the_store_link_beside_the_code_and_approving_publishes_the_reply() {
    let app = TestApp::spawn().await;
    app.reported_seller().await;
    let sent = app
        .send_reply("We sell only genuine stock.\nInvoices on request.")
        .await;
    let ana = app.moderator("ana@example.org", false).await;

    let list = ana.page(LIST).await;
    let store = list.find(STORE_URL).expect("store link");
    let code = list.find(&sent.code).expect("code");
    assert!(
        code > store && code - store < 300,
        "the code is right after the store link: {list}"
    );
    assert!(list.contains(&format!("href=\"{STORE_URL}\"")), "{list}");
    assert!(list.contains(&format!("href=\"{SELLER}\"")), "{list}");
    assert!(list.contains("We sell only genuine stock."), "{list}");
    assert!(list.contains("<label for=\"reason-"), "{list}");
    assert!(
        list.contains("name=\"back\" value=\"/moderation/replies\""),
        "{list}"
    );
    assert!(
        !list.contains(CONTACT),
        "moderators do not see the address either"
    );

    let answer = ana
        .post(
            &format!("{LIST}/{}/approve", sent.id),
            &[("back", "/moderation/replies?page=1")],
        )
        .await;
    assert_eq!(answer.status(), 303);
    assert_eq!(location(&answer), "/moderation/replies?page=1");
    assert_eq!(status_of(&app, &sent.id).await, ("approved".into(), None));
    assert!(
        !ana.page(LIST).await.contains(&sent.code),
        "no longer waiting"
    );

    let (page, json, feed) = app.public_views().await;
    let today = time::OffsetDateTime::now_utc().date().to_string();
    assert!(
        page.contains("<p>We sell only genuine stock.</p>"),
        "{page}"
    );
    assert!(
        page.contains("Reply from the seller, approved on"),
        "{page}"
    );
    assert!(page.contains(&today), "{page}");
    assert!(page.contains("Are you this seller? Reply"), "{page}");
    let replies = json["replies"].as_array().expect("replies");
    assert_eq!(replies.len(), 1, "{json}");
    let reply = replies[0].as_object().expect("object");
    let mut keys: Vec<&str> = reply.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        ["approved_at", "id", "statement"],
        "nothing about the author"
    );
    assert_eq!(reply["id"], json!(sent.id));
    assert_eq!(
        reply["statement"],
        json!("We sell only genuine stock.\nInvoices on request.")
    );
    assert!(
        reply["approved_at"]
            .as_str()
            .is_some_and(|t| t.starts_with(&today))
    );
    assert!(
        feed.contains("<title>Reply from the seller</title>"),
        "{feed}"
    );
    assert!(feed.contains("We sell only genuine stock."), "{feed}");
    assert!(feed.contains(&format!("#reply-{}</id>", sent.id)), "{feed}");

    for (what, body) in [
        ("page", &page),
        ("JSON", &json.to_string()),
        ("feed", &feed),
    ] {
        assert!(!body.contains(CONTACT), "the address is in the {what}");
        assert!(!body.contains(&sent.code), "the code is in the {what}");
    }
    let rows = audit_of(&app, &sent.id).await;
    assert_eq!(
        rows,
        [(
            "approve_reply".to_owned(),
            "ana@example.org".to_owned(),
            json!({"status": "pending"}),
            json!({"status": "approved", "replaces": null}),
        )]
    );
}

#[tokio::test]
async fn a_rejected_reply_stays_private_and_its_reason_is_recorded() {
    let app = TestApp::spawn().await;
    app.reported_seller().await;
    let sent = app.send_reply("You are all liars.").await;
    let ana = app.moderator("ana@example.org", false).await;
    let path = format!("{LIST}/{}/reject", sent.id);

    for (reason, message) in [
        (None, "Choose why the reply is rejected"),
        (Some("because"), "Unknown reason &#34;because&#34;"),
    ] {
        let mut fields = vec![("back", LIST)];
        fields.extend(reason.map(|r| ("reason", r)));
        let refused = ana.post(&path, &fields).await;
        assert_eq!(refused.status(), 422);
        let html = refused.text().await.expect("body");
        assert!(html.contains(message), "{html}");
        assert!(
            html.contains("could_not_verify_store"),
            "lists the reasons: {html}"
        );
    }
    assert_eq!(status_of(&app, &sent.id).await.0, "pending");

    let answer = ana
        .post(&path, &[("back", LIST), ("reason", "abusive")])
        .await;
    assert_eq!(answer.status(), 303);
    assert_eq!(location(&answer), LIST);
    assert_eq!(
        status_of(&app, &sent.id).await,
        ("rejected".into(), Some("abusive".into()))
    );
    let (page, json, feed) = app.public_views().await;
    assert!(!page.contains("liars"), "{page}");
    assert!(page.contains("The seller has not replied"), "{page}");
    assert_eq!(json["replies"], json!([]));
    assert!(!feed.contains("liars"), "{feed}");
    assert_eq!(
        audit_of(&app, &sent.id).await,
        [(
            "reject_reply".to_owned(),
            "ana@example.org".to_owned(),
            json!({"status": "pending"}),
            json!({"status": "rejected", "reason": "abusive"}),
        )]
    );
}

#[tokio::test]
async fn a_newer_approved_reply_replaces_the_published_one_and_moderators_see_the_history() {
    let app = TestApp::spawn().await;
    app.reported_seller().await;
    let ana = app.moderator("ana@example.org", false).await;
    let first = app.send_reply("First answer.").await;
    ana.post(&format!("{LIST}/{}/approve", first.id), &[]).await;
    let second = app.send_reply("Second answer.").await;

    // Until a moderator approves it, the first reply stays the public one.
    let (page, _, _) = app.public_views().await;
    assert!(page.contains("First answer.") && !page.contains("Second answer."));
    let list = ana.page(LIST).await;
    let history = &list[list
        .find("Earlier replies for this seller")
        .expect("history")..];
    assert!(history.contains("Published"), "{history}");
    assert!(history.contains("First answer."), "{history}");

    let approved = ana
        .post(&format!("{LIST}/{}/approve", second.id), &[])
        .await;
    assert_eq!(approved.status(), 303);
    assert_eq!(status_of(&app, &first.id).await.0, "replaced");
    assert_eq!(status_of(&app, &second.id).await.0, "approved");
    let (page, json, feed) = app.public_views().await;
    for body in [&page, &json.to_string(), &feed] {
        assert!(body.contains("Second answer."), "{body}");
        assert!(!body.contains("First answer."), "{body}");
    }
    assert_eq!(json["replies"].as_array().map(Vec::len), Some(1));
    let (after,): (Value,) = sqlx::query_as(
        "select after from moderation_audit where subject_id = $1 and action = 'approve_reply'",
    )
    .bind(&second.id)
    .fetch_one(&app.db)
    .await
    .expect("audit row");
    assert_eq!(after, json!({"status": "approved", "replaces": first.id}));

    // A third reply shows moderators the whole history, with dates.
    let third = app.send_reply("Third answer.").await;
    let list = ana.page(LIST).await;
    let history = &list[list
        .find("Earlier replies for this seller")
        .expect("history")..];
    for expected in [
        "Published, then replaced by a newer reply",
        "First answer.",
        "Second answer.",
        "replaced <time",
        "decided <time",
    ] {
        assert!(history.contains(expected), "{expected}: {history}");
    }
    assert!(
        history.find("Second answer.") < history.find("First answer."),
        "newest first"
    );
    assert!(!history.contains("Third answer."), "{history}");
    assert!(list.contains(&third.code));
}

#[tokio::test]
async fn deciding_a_reply_that_is_no_longer_pending_is_a_conflict() {
    let app = TestApp::spawn().await;
    app.reported_seller().await;
    let sent = app.send_reply("A fair answer.").await;
    let ana = app.moderator("ana@example.org", false).await;
    let approve = format!("{LIST}/{}/approve", sent.id);
    assert_eq!(ana.post(&approve, &[]).await.status(), 303);
    let again = ana.post(&approve, &[]).await;
    assert_eq!(again.status(), 409);
    let html = again.text().await.expect("body");
    assert!(
        html.contains("already decided on: it is approved"),
        "{html}"
    );
    let reject = ana
        .post(
            &format!("{LIST}/{}/reject", sent.id),
            &[("reason", "abusive")],
        )
        .await;
    assert_eq!(reject.status(), 409);
    assert_eq!(status_of(&app, &sent.id).await.0, "approved");
    assert_eq!(audit_of(&app, &sent.id).await.len(), 1);

    let unknown = ana.post(&format!("{LIST}/nosuchreply/approve"), &[]).await;
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn decisions_without_the_sessions_csrf_token_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    app.reported_seller().await;
    let sent = app.send_reply("A fair answer.").await;
    let ana = app.moderator("ana@example.org", false).await;
    for (action, fields) in [
        ("approve", vec![]),
        ("reject", vec![("reason", "abusive")]),
        ("approve", vec![("csrf_token", "forged")]),
    ] {
        let path = format!("{LIST}/{}/{action}", sent.id);
        let answer = ana.post_raw(&path, &fields).await;
        assert_eq!(answer.status(), 403, "{action} {fields:?}");
    }
    // Without a session at all, the guard sends to the sign-in page.
    let anonymous = crate::helpers::client();
    for answer in [
        anonymous.get(app.url(LIST)).send().await.expect("list"),
        anonymous
            .post(app.url(&format!("{LIST}/{}/approve", sent.id)))
            .form(&[("csrf_token", ana.csrf.as_str())])
            .send()
            .await
            .expect("approve"),
    ] {
        assert_eq!(answer.status(), 303);
        assert_eq!(location(&answer), "/moderation/login");
    }
    assert_eq!(status_of(&app, &sent.id).await, ("pending".into(), None));
    assert!(audit_of(&app, &sent.id).await.is_empty());
}

#[tokio::test]
async fn two_moderators_approving_two_replies_of_one_seller_at_once_leave_one_published() {
    let app = TestApp::spawn().await;
    app.reported_seller().await;
    let a = app.send_reply("Answer A.").await;
    let b = app.send_reply("Answer B.").await;
    let ana = app.moderator("ana@example.org", false).await;
    let bo = app.moderator("bo@example.org", false).await;
    let (path_a, path_b) = (
        format!("{LIST}/{}/approve", a.id),
        format!("{LIST}/{}/approve", b.id),
    );
    let (first, second) = tokio::join!(ana.post(&path_a, &[]), bo.post(&path_b, &[]));
    assert_eq!(
        (first.status().as_u16(), second.status().as_u16()),
        (303, 303)
    );
    let mut statuses = vec![
        status_of(&app, &a.id).await.0,
        status_of(&app, &b.id).await.0,
    ];
    statuses.sort();
    assert_eq!(statuses, ["approved", "replaced"]);
}

#[tokio::test]
async fn the_list_shows_twenty_replies_a_page_oldest_first() {
    let app = TestApp::spawn().await;
    app.reported_seller().await;
    let mut sent = Vec::new();
    for n in 0..21 {
        sent.push(app.send_reply(&format!("Answer number {n}.")).await);
    }
    let ana = app.moderator("ana@example.org", false).await;
    let first = ana.page(LIST).await;
    assert!(first.contains(&sent[0].code) && first.contains(&sent[19].code));
    assert!(!first.contains(&sent[20].code));
    assert!(
        first.find(&sent[0].code) < first.find(&sent[1].code),
        "oldest first"
    );
    assert!(
        first.contains("href=\"/moderation/replies?page=2\""),
        "{first}"
    );
    let second = ana.page(&format!("{LIST}?page=2")).await;
    assert!(second.contains(&sent[20].code));
    assert!(!second.contains(&sent[0].code));
    assert!(second.contains("name=\"back\" value=\"/moderation/replies?page=2\""));
    assert_eq!(ana.get(&format!("{LIST}?page=0")).await.status(), 422);
}
