//! Admins manage moderators from the web.

use super::{PASSWORD, location};
use crate::helpers::TestApp;

#[tokio::test]
async fn an_admin_adds_a_moderator_who_can_then_sign_in() {
    let app = TestApp::spawn().await;
    let admin = app.moderator("root@example.org", true).await;
    let page = admin.page("/moderation/moderators").await;
    assert!(page.contains("root@example.org"), "{page}");

    let added = admin
        .post(
            "/moderation/moderators",
            &[("email", "Bo@Example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(added.status(), 201);
    assert!(
        added
            .text()
            .await
            .expect("body")
            .contains("Added bo@example.org.")
    );
    let (_, answer) = app.try_sign_in("bo@example.org", PASSWORD).await;
    assert_eq!(answer.status(), 303);

    let audit: (String, String, String) = sqlx::query_as(
        "select m.email, a.action, a.subject_id from moderation_audit a
         join moderator m using (moderator_id) order by a.moderation_audit_id desc limit 1",
    )
    .fetch_one(&app.db)
    .await
    .expect("audit row");
    assert_eq!(
        audit,
        (
            "root@example.org".into(),
            "add_moderator".into(),
            "bo@example.org".into()
        )
    );
}

#[tokio::test]
async fn a_bad_add_form_comes_back_with_its_errors_and_adds_nobody() {
    let app = TestApp::spawn().await;
    let admin = app.moderator("root@example.org", true).await;
    for (email, password, field_message) in [
        ("not-an-email", PASSWORD, "Enter an email address"),
        ("bo@example.org", "short", "at least 12 characters"),
        ("root@example.org", PASSWORD, "is a moderator already"),
    ] {
        let answer = admin
            .post(
                "/moderation/moderators",
                &[
                    ("email", email),
                    ("password", password),
                    ("is_admin", "yes"),
                ],
            )
            .await;
        assert_eq!(answer.status(), 422, "{email}");
        let html = answer.text().await.expect("body");
        assert!(html.contains(field_message), "{email}: {html}");
        assert!(html.contains("checked"), "the form keeps what was ticked");
    }
    let count: i64 = sqlx::query_scalar("select count(*) from moderator")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(count, 1);
}

#[tokio::test]
async fn an_admin_disables_a_moderator_and_their_session_ends() {
    let app = TestApp::spawn().await;
    let admin = app.moderator("root@example.org", true).await;
    let bo = app.moderator("bo@example.org", false).await;
    let done = admin
        .post(
            "/moderation/moderators/disable",
            &[("email", "bo@example.org")],
        )
        .await;
    assert_eq!(done.status(), 303);
    assert_eq!(location(&done), "/moderation/moderators");
    assert_eq!(bo.get("/moderation").await.status(), 303);
    let page = admin.page("/moderation/moderators").await;
    assert!(page.contains("Disabled on"), "{page}");

    // Not themselves, and nobody who doesn't exist.
    let own = admin
        .post(
            "/moderation/moderators/disable",
            &[("email", "root@example.org")],
        )
        .await;
    assert_eq!(own.status(), 422);
    let unknown = admin
        .post(
            "/moderation/moderators/disable",
            &[("email", "x@example.org")],
        )
        .await;
    assert_eq!(unknown.status(), 422);
}

#[tokio::test]
async fn moderators_who_are_not_admins_cannot_manage_moderators() {
    let app = TestApp::spawn().await;
    let bo = app.moderator("bo@example.org", false).await;
    app.add_moderator("cy@example.org", false).await;
    assert_eq!(bo.get("/moderation/moderators").await.status(), 403);
    let add = bo
        .post(
            "/moderation/moderators",
            &[("email", "dee@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(add.status(), 403);
    let disable = bo
        .post(
            "/moderation/moderators/disable",
            &[("email", "cy@example.org")],
        )
        .await;
    assert_eq!(disable.status(), 403);
    let (_, cy) = app.try_sign_in("cy@example.org", PASSWORD).await;
    assert_eq!(cy.status(), 303, "cy is still enabled");
    assert!(
        !bo.page("/moderation")
            .await
            .contains("/moderation/moderators")
    );
}

#[tokio::test]
async fn the_moderator_forms_need_the_session_csrf_token() {
    let app = TestApp::spawn().await;
    let admin = app.moderator("root@example.org", true).await;
    app.add_moderator("bo@example.org", false).await;
    let add = admin
        .post_raw(
            "/moderation/moderators",
            &[("email", "dee@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(add.status(), 403);
    let disable = admin
        .post_raw(
            "/moderation/moderators/disable",
            &[("csrf_token", "forged"), ("email", "bo@example.org")],
        )
        .await;
    assert_eq!(disable.status(), 403);
    let (count, disabled): (i64, i64) =
        sqlx::query_as("select count(*), count(disabled_at) from moderator")
            .fetch_one(&app.db)
            .await
            .expect("counts");
    assert_eq!((count, disabled), (2, 0));
}
