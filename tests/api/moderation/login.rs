//! Signing in and out, sessions, and the guard in front of every moderation page.

use super::{PASSWORD, location};
use crate::helpers::TestApp;

#[tokio::test]
async fn the_right_password_starts_a_session_that_opens_the_queue() {
    let app = TestApp::spawn().await;
    app.add_moderator("ana@example.org", false).await;
    // The email is matched however it is typed.
    let (browser, answer) = app.try_sign_in("  Ana@Example.ORG ", PASSWORD).await;
    assert_eq!(answer.status(), 303);
    assert_eq!(location(&answer), "/moderation");
    let cookie = answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("fw_mod="))
        .expect("session cookie")
        .to_owned();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/moderation"), "{cookie}");
    // Served over http here: not Secure, or the browser would drop it.
    assert!(!cookie.contains("Secure"), "{cookie}");

    let queue = browser
        .get(app.url("/moderation"))
        .send()
        .await
        .expect("queue");
    assert_eq!(queue.status(), 200);
    assert_eq!(
        queue
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().ok()),
        Some(Some("no-store"))
    );
    let html = queue.text().await.expect("body");
    assert!(html.contains("Signed in as ana@example.org"), "{html}");

    let stored: Vec<u8> = sqlx::query_scalar("select token_hash from moderator_session")
        .fetch_one(&app.db)
        .await
        .expect("session row");
    let token = cookie["fw_mod=".len()..].split(';').next().expect("value");
    assert_ne!(stored, token.as_bytes(), "only a hash of the token is kept");
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = TestApp::spawn().await;
    app.add_moderator("ana@example.org", false).await;
    let (_, wrong_password) = app.try_sign_in("ana@example.org", "not the password").await;
    let (_, unknown) = app.try_sign_in("nobody@example.org", PASSWORD).await;
    assert_eq!(wrong_password.status(), 401);
    assert_eq!(unknown.status(), 401);
    assert!(
        wrong_password
            .headers()
            .get("set-cookie")
            .is_none_or(|c| { !c.to_str().unwrap_or_default().starts_with("fw_mod=") })
    );
    let a = wrong_password.text().await.expect("body");
    let b = unknown.text().await.expect("body");
    assert!(
        a.contains("The email address or the password is wrong."),
        "{a}"
    );
    assert!(
        b.contains("The email address or the password is wrong."),
        "{b}"
    );
    // The form comes back filled in, with a fresh CSRF field, ready to try again.
    assert!(a.contains("value=\"ana@example.org\""), "{a}");
    let sessions: i64 = sqlx::query_scalar("select count(*) from moderator_session")
        .fetch_one(&app.db)
        .await
        .expect("count");
    assert_eq!(sessions, 0);
}

#[tokio::test]
async fn the_sign_in_form_needs_its_csrf_field() {
    let app = TestApp::spawn().await;
    app.add_moderator("ana@example.org", false).await;
    let answer = app
        .client
        .post(app.url("/moderation/login"))
        .form(&[("email", "ana@example.org"), ("password", PASSWORD)])
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 403);
}

#[tokio::test]
async fn repeated_failures_on_one_account_are_refused_even_with_the_right_password() {
    let app = TestApp::spawn_with(|c| {
        c.login_failures_per_account = 3;
        c.login_failures_per_client = 100;
    })
    .await;
    app.add_moderator("ana@example.org", false).await;
    for _ in 0..3 {
        let (_, answer) = app
            .try_sign_in("ana@example.org", "guess guess guess")
            .await;
        assert_eq!(answer.status(), 401);
    }
    let (_, answer) = app.try_sign_in("ana@example.org", PASSWORD).await;
    assert_eq!(answer.status(), 429);
    let wait: u64 = answer
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    // Failures fade over the next two quarter hours (a sliding window).
    assert!(wait > 0 && wait <= 1800, "{wait}");
    let html = answer.text().await.expect("body");
    assert!(html.contains("Too many failed sign-ins"), "{html}");
    // Another account from the same client is not locked by it.
    app.add_moderator("bo@example.org", false).await;
    let (_, other) = app.try_sign_in("bo@example.org", PASSWORD).await;
    assert_eq!(other.status(), 303);
}

#[tokio::test]
async fn one_client_guessing_many_accounts_is_slowed_down() {
    let app = TestApp::spawn_with(|c| {
        c.login_failures_per_account = 100;
        c.login_failures_per_client = 4;
    })
    .await;
    app.add_moderator("ana@example.org", false).await;
    for n in 0..4 {
        let (_, answer) = app
            .try_sign_in(&format!("guess{n}@example.org"), "guess guess guess")
            .await;
        assert_eq!(answer.status(), 401);
    }
    let (_, answer) = app.try_sign_in("ana@example.org", PASSWORD).await;
    assert_eq!(answer.status(), 429);
}

#[tokio::test]
async fn a_disabled_moderator_cannot_sign_in_and_their_sessions_end() {
    let app = TestApp::spawn().await;
    let ana = app.moderator("ana@example.org", false).await;
    let mut conn = app.db.acquire().await.expect("connection");
    fakewatch::admin::disable_moderator(&mut conn, "ana@example.org", None)
        .await
        .expect("disabled");
    let queue = ana.get("/moderation").await;
    assert_eq!(queue.status(), 303);
    assert_eq!(location(&queue), "/moderation/login");
    let (_, answer) = app.try_sign_in("ana@example.org", PASSWORD).await;
    assert_eq!(answer.status(), 403);
    assert!(answer.text().await.expect("body").contains("disabled"));
    let (_, wrong) = app
        .try_sign_in("ana@example.org", "wrong wrong wrong")
        .await;
    assert_eq!(
        wrong.status(),
        401,
        "a wrong password says nothing about the account"
    );
    let audit: Vec<(Option<i64>, String, String)> = sqlx::query_as(
        "select moderator_id, action, subject_id from moderation_audit order by moderation_audit_id",
    )
    .fetch_all(&app.db)
    .await
    .expect("audit");
    assert_eq!(
        audit,
        vec![
            (None, "add_moderator".into(), "ana@example.org".into()),
            (None, "disable_moderator".into(), "ana@example.org".into()),
        ]
    );
}

#[tokio::test]
async fn an_expired_session_sends_back_to_the_sign_in_page() {
    let app = TestApp::spawn().await;
    let ana = app.moderator("ana@example.org", false).await;
    sqlx::query("update moderator_session set expires_at = now() - interval '1 second'")
        .execute(&app.db)
        .await
        .expect("expire");
    let queue = ana.get("/moderation").await;
    assert_eq!(queue.status(), 303);
    assert_eq!(location(&queue), "/moderation/login");
}

#[tokio::test]
async fn logout_ends_the_session_for_good() {
    let app = TestApp::spawn().await;
    let ana = app.moderator("ana@example.org", false).await;
    // Without the CSRF field, another site's page cannot sign a moderator out.
    let refused = ana.post_raw("/moderation/logout", &[]).await;
    assert_eq!(refused.status(), 403);
    let wrong = ana
        .post_raw("/moderation/logout", &[("csrf_token", "forged")])
        .await;
    assert_eq!(wrong.status(), 403);
    assert!(ana.page("/moderation").await.contains("Sign out"));

    let out = ana.post("/moderation/logout", &[]).await;
    assert_eq!(out.status(), 303);
    assert_eq!(location(&out), "/moderation/login");
    assert_eq!(ana.get("/moderation").await.status(), 303);
    let revoked: bool = sqlx::query_scalar("select revoked_at is not null from moderator_session")
        .fetch_one(&app.db)
        .await
        .expect("session");
    assert!(
        revoked,
        "the row is revoked, so a copied cookie is worthless too"
    );
}

#[tokio::test]
async fn every_moderation_path_without_a_session_goes_to_sign_in() {
    let app = TestApp::spawn().await;
    for path in [
        "/moderation",
        "/moderation/audit",
        "/moderation/replies",
        "/moderation/moderators",
        "/moderation/evidence/abc",
        "/moderation/no-such-page",
    ] {
        let answer = app.client.get(app.url(path)).send().await.expect("answer");
        assert_eq!(answer.status(), 303, "{path}");
        assert_eq!(location(&answer), "/moderation/login", "{path}");
    }
    for path in ["/moderation/reports/abc/verify", "/moderation/logout"] {
        let answer = app
            .client
            .post(app.url(path))
            .form(&[("csrf_token", "x")])
            .send()
            .await
            .expect("answer");
        assert_eq!(answer.status(), 303, "{path}");
    }
    let login = app.get("/moderation/login").await;
    assert_eq!(login.status(), 200);
}

#[tokio::test]
async fn a_signed_in_moderator_gets_a_404_for_pages_that_do_not_exist() {
    let app = TestApp::spawn().await;
    let ana = app.moderator("ana@example.org", false).await;
    assert_eq!(ana.get("/moderation/no-such-page").await.status(), 404);
    // And the sign-in page sends them on to the queue.
    let login = ana.get("/moderation/login").await;
    assert_eq!(login.status(), 303);
    assert_eq!(location(&login), "/moderation");
}

#[tokio::test]
async fn guesses_sent_all_at_once_get_no_more_tries_than_the_limit() {
    let app = TestApp::spawn_with(|c| {
        c.login_failures_per_account = 3;
        c.login_failures_per_client = 100;
    })
    .await;
    app.add_moderator("ana@example.org", false).await;
    let attempts = (0..12).map(|_| app.try_sign_in("ana@example.org", "guess guess guess"));
    let answers = futures_util::future::join_all(attempts).await;
    let checked = answers.iter().filter(|(_, a)| a.status() == 401).count();
    let refused = answers.iter().filter(|(_, a)| a.status() == 429).count();
    assert_eq!((checked, refused), (3, 9));
}

#[tokio::test]
async fn signing_in_again_ends_the_browsers_earlier_session() {
    let app = TestApp::spawn().await;
    let ana = app.moderator("ana@example.org", false).await;
    // A second tab left open on the sign-in form posts it again, with the browser's CSRF
    // cookie (any public form shows its token) and the old session's cookie.
    let form = ana
        .client
        .get(app.url("/reports/new"))
        .send()
        .await
        .expect("form")
        .text()
        .await
        .expect("body");
    let answer = ana
        .client
        .post(app.url("/moderation/login"))
        .form(&[
            ("csrf_token", crate::helpers::csrf_token_in(&form).as_str()),
            ("email", "ana@example.org"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 303);
    let (all, live): (i64, i64) = sqlx::query_as(
        "select count(*), count(*) filter (where revoked_at is null) from moderator_session",
    )
    .fetch_one(&app.db)
    .await
    .expect("count");
    assert_eq!((all, live), (2, 1), "the earlier session ended");
    assert_eq!(
        ana.get("/moderation").await.status(),
        200,
        "the new one works"
    );
}

#[tokio::test]
async fn a_nul_byte_anywhere_is_a_clear_400_not_a_500() {
    let app = TestApp::spawn().await;
    let (_, answer) = app.try_sign_in("ana\u{0}@example.org", PASSWORD).await;
    assert_eq!(answer.status(), 401);
    let ana = app.moderator("ana@example.org", false).await;
    for path in [
        "/moderation/evidence/%00",
        "/moderation/audit?subject=%00",
        "/moderation/sellers/aliexpress/%00",
    ] {
        let status = ana.get(path).await.status();
        assert!(status == 400 || status == 404, "{path}: {status}");
    }
    let verify = ana.post("/moderation/reports/%00/verify", &[]).await;
    assert!(
        matches!(verify.status().as_u16(), 400 | 404),
        "{}",
        verify.status()
    );
    let reply = app.get("/sellers/aliexpress/%00/reply").await;
    assert!(
        matches!(reply.status().as_u16(), 400 | 404),
        "{}",
        reply.status()
    );
}
