//! The queue: mail outlives an SMTP outage, at most five a day per address, nothing sent for
//! reports withdrawn meanwhile, and two servers sharing one queue.

use std::time::Duration;

use serde_json::Value;

use super::{WITHIN, failed_attempt, queued_mails, wait_until};
use crate::helpers::{SecondServer, TestApp, client, valid_report};
use crate::smtp_sink::{SinkOptions, SmtpSink, free_port};

#[tokio::test]
async fn mail_waits_in_the_queue_while_the_smtp_server_is_down() {
    let port = free_port();
    let app = TestApp::spawn_with_smtp(&format!("smtp://127.0.0.1:{port}"), |_| {}).await;
    assert_eq!(app.post_report_json(&valid_report()).await.status(), 201);

    let (attempts, error) = failed_attempt(&app).await;
    assert!(attempts >= 1);
    assert!(
        error.to_lowercase().contains("connection refused"),
        "{error}"
    );
    let sent: Option<bool> =
        sqlx::query_scalar("select sent_at is not null from email_confirmation")
            .fetch_one(&app.db)
            .await
            .expect("row");
    assert_eq!(sent, Some(false));

    // The server comes up on that port: the retry (1 s, 2 s, 4 s… here) delivers the mail.
    let sink = SmtpSink::start_on(port, SinkOptions::default()).await;
    let mails = sink.wait_for_mails(1, WITHIN).await;
    assert_eq!(mails[0].header("to").as_deref(), Some("buyer@example.com"));
    mails[0].confirmation_token(&app.address);
    wait_until("the queue is empty", async || queued_mails(&app).await == 0).await;
}

#[tokio::test]
async fn an_address_gets_at_most_five_confirmation_mails_a_day() {
    let sink = SmtpSink::start(SinkOptions::default()).await;
    let app = TestApp::spawn_with_smtp(&sink.url(), |_| {}).await;
    for filed in 1..=5 {
        assert_eq!(app.post_report_json(&valid_report()).await.status(), 201);
        // Each mail is out before the next report: one still queued would list the next
        // report too, rather than a new mail being queued.
        sink.wait_for_mails(filed, WITHIN).await;
        wait_until("the queue is empty", async || queued_mails(&app).await == 0).await;
    }
    assert_eq!(app.post_report_json(&valid_report()).await.status(), 201);
    assert_eq!(
        queued_mails(&app).await,
        0,
        "the sixth report queues no mail"
    );

    tokio::time::sleep(Duration::from_secs(1)).await;
    let mails = sink.mails();
    assert_eq!(mails.len(), 5);
    // Each mail lists every report still waiting for confirmation.
    assert!(
        mails[4].body.contains("5 reports about"),
        "{}",
        mails[4].body
    );
}

#[tokio::test]
async fn a_mail_whose_reports_were_all_withdrawn_is_dropped_unsent() {
    let port = free_port();
    let app = TestApp::spawn_with_smtp(&format!("smtp://127.0.0.1:{port}"), |_| {}).await;
    let body: Value = app
        .post_report_json(&valid_report())
        .await
        .json()
        .await
        .expect("json");
    failed_attempt(&app).await;
    let (id, token) = (body["id"].as_str(), body["manage_token"].as_str());
    let withdrawn = app.delete_report_api(id.expect("id"), token).await.status();
    assert_eq!(withdrawn, 204);

    let sink = SmtpSink::start_on(port, SinkOptions::default()).await;
    wait_until("the mail is dropped", async || {
        let rows: i64 = sqlx::query_scalar("select count(*) from email_confirmation")
            .fetch_one(&app.db)
            .await
            .expect("count");
        rows == 0 && queued_mails(&app).await == 0
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(sink.mails().is_empty());

    // Dropped, it neither counts nor waits: the next report gets its mail.
    assert_eq!(app.post_report_json(&valid_report()).await.status(), 201);
    let mails = sink.wait_for_mails(1, WITHIN).await;
    assert!(
        mails[0].body.contains("a report about"),
        "{}",
        mails[0].body
    );
}

#[tokio::test]
async fn two_server_processes_on_one_database_send_each_queued_mail_once() {
    let port = free_port();
    let smtp_url = format!("smtp://127.0.0.1:{port}");
    let app = TestApp::spawn_with_smtp(&smtp_url, |_| {}).await;
    let second = SecondServer::start(
        &app,
        &[
            ("FAKEWATCH_SMTP_URL", &smtp_url),
            ("FAKEWATCH_MAIL_RETRY_SECS", "1"),
            // Its failed attempts are expected: no warnings in the test's output.
            ("RUST_LOG", "error"),
        ],
    )
    .await;
    // Eight addresses file through both servers while the mail server is down.
    let addresses: Vec<String> = (0..8).map(|n| format!("buyer{n}@example.com")).collect();
    for (n, address) in addresses.iter().enumerate() {
        let mut report = valid_report();
        report["email"] = address.as_str().into();
        let server = [&app.address, &second.address][n % 2];
        let response = client()
            .post(format!("{server}/api/v1/reports"))
            .json(&report)
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 201);
    }
    app.mail_queue_settled().await;

    // The mail server comes up, slow to take each mail: both senders retry at once, and
    // each mail still goes out once.
    let sink = SmtpSink::start_on(
        port,
        SinkOptions {
            slow: Some(Duration::from_millis(300)),
            ..SinkOptions::default()
        },
    )
    .await;
    sink.wait_for_mails(addresses.len(), WITHIN).await;
    wait_until("the queue is empty", async || queued_mails(&app).await == 0).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut recipients: Vec<String> = sink
        .mails()
        .iter()
        .map(|mail| mail.header("to").expect("to"))
        .collect();
    recipients.sort();
    assert_eq!(recipients, addresses);
}
