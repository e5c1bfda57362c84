//! The confirmation mail as the reporter gets it: through SMTP, or into the outbox.

use std::time::Duration;

use fakewatch::security::hash_token;

use super::{WITHIN, queued_mails, tables_holding, wait_until};
use crate::helpers::{TestApp, valid_report};
use crate::log_capture::capture_logs;
use crate::smtp_sink::{Mail, SinkOptions, SmtpSink};

#[tokio::test]
async fn a_report_with_an_email_sends_one_confirmation_mail_through_smtp() {
    let sink = SmtpSink::start(SinkOptions::default()).await;
    let app = TestApp::spawn_with_smtp(&sink.url(), |config| {
        config.mail_from = "Fakewatch Test <noreply@fakewatch.test>"
            .parse()
            .expect("mailbox");
    })
    .await;
    assert_eq!(app.post_report_json(&valid_report()).await.status(), 201);

    let mails = sink.wait_for_mails(1, WITHIN).await;
    let mail = &mails[0];
    assert_eq!(
        mail.header("from").as_deref(),
        Some("\"Fakewatch Test\" <noreply@fakewatch.test>")
    );
    assert_eq!(mail.header("to").as_deref(), Some("buyer@example.com"));
    // The SMTP envelope, as the server saw it.
    assert_eq!(
        mail.header("x-rcptto").as_deref(),
        Some("buyer@example.com")
    );
    assert_eq!(
        mail.header("x-mailfrom").as_deref(),
        Some("noreply@fakewatch.test")
    );
    assert_eq!(
        mail.header("subject").as_deref(),
        Some("Confirm your Fakewatch report")
    );
    for what in [
        "https://www.aliexpress.com/item/1005006543210987.html",
        "Brand: Louis Vuitton",
        "Seller: Luxury Outlet Store",
        "\"The monogram pattern is misaligned at the seams and the price was…\"",
        "choose \"This wasn't me\"",
    ] {
        assert!(mail.body.contains(what), "{what:?} in:\n{}", mail.body);
    }
    // An absolute link on the public URL, on a line of its own.
    let token = mail.confirmation_token(&app.address);
    assert!(token.len() >= 40, "{token}");
    let link = format!("\n{}/confirm/{token}\n", app.address);
    assert!(mail.body.contains(&link), "{link:?} in:\n{}", mail.body);

    // Only the token's hash is kept, valid for 7 days from sending; the mail left the queue.
    wait_until("the queue is empty", async || queued_mails(&app).await == 0).await;
    let (hash, lifetime): (Vec<u8>, f64) = sqlx::query_as(
        "select token_hash, extract(epoch from expires_at - sent_at)::float8
         from email_confirmation",
    )
    .fetch_one(&app.db)
    .await
    .expect("confirmation row");
    assert_eq!(hash, hash_token(&token));
    assert_eq!(lifetime, 7.0 * 24.0 * 3600.0);
    let mut conn = app.db.acquire().await.expect("connection");
    let reporter = fakewatch::db::confirmations::reporter_for_token(&mut conn, &hash_token(&token))
        .await
        .expect("query");
    let report_reporter: Vec<u8> = sqlx::query_scalar("select reporter_key from report")
        .fetch_one(&app.db)
        .await
        .expect("report");
    assert_eq!(
        reporter,
        Some(report_reporter),
        "the link confirms this reporter"
    );
    assert_eq!(tables_holding(&app, &token).await, Vec::<String>::new());

    // The link opens the confirmation page, whose button confirms the report.
    let path = format!("/confirm/{token}");
    let page = app.get(&path).await.text().await.expect("page");
    assert!(page.contains("1005006543210987"), "{page}");
    let confirmed = app.press_confirmation_button(&path, "").await;
    assert_eq!(confirmed.status(), 200);
    let confirmed_at: Option<time::OffsetDateTime> =
        sqlx::query_scalar("select confirmed_at from report")
            .fetch_one(&app.db)
            .await
            .expect("report");
    assert!(confirmed_at.is_some());

    // One mail, not more, a moment later.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.mails().len(), 1);
}

#[tokio::test]
async fn without_an_smtp_server_mails_are_written_to_the_outbox() {
    let (logs, _guard) = capture_logs();
    let app = TestApp::spawn().await;
    let outbox = app.data_dir.join("outbox");
    let log = logs.text();
    assert!(
        log.lines()
            .any(|line| line.contains("FAKEWATCH_SMTP_URL is not set")
                && line.contains(&outbox.display().to_string())),
        "{log}"
    );
    assert_eq!(app.post_report_json(&valid_report()).await.status(), 201);

    let link = format!("{}/confirm/", app.address);
    wait_until("an .eml file with the link is in the outbox", async || {
        app.outbox()
            .iter()
            .any(|raw| Mail::parse(raw).body.contains(&link))
    })
    .await;
    let mails = app.outbox();
    assert_eq!(mails.len(), 1);
    let mail = Mail::parse(&mails[0]);
    assert_eq!(mail.header("to").as_deref(), Some("buyer@example.com"));
    let token = mail.confirmation_token(&app.address);
    wait_until("the queue is empty", async || queued_mails(&app).await == 0).await;
    let hash: Vec<u8> = sqlx::query_scalar("select token_hash from email_confirmation")
        .fetch_one(&app.db)
        .await
        .expect("row");
    assert_eq!(hash, hash_token(&token));
}
