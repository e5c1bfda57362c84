//! TLS and SMTP AUTH: a password goes only over STARTTLS to a certificate a trusted CA signed;
//! and a refusal that quotes the address leaves it out of the queue's error and the log.

use super::{WITHIN, failed_attempt};
use crate::helpers::{TestApp, valid_report};
use crate::log_capture::capture_logs;
use crate::smtp_sink::{SinkOptions, SmtpSink, TestCa};

#[tokio::test]
async fn smtp_auth_goes_over_starttls_to_a_server_with_a_private_ca() {
    let ca = TestCa::generate();
    let sink = SmtpSink::start(SinkOptions {
        starttls: Some(ca.server_files()),
        auth: Some(("fakewatch".into(), "s3cret pass".into())),
        ..SinkOptions::default()
    })
    .await;
    // No ?tls=: a password alone makes STARTTLS required.
    let url = format!("smtp://fakewatch:s3cret%20pass@127.0.0.1:{}", sink.port);
    let app = TestApp::spawn_with_smtp(&url, |config| {
        config.smtp_ca_file = Some(ca.ca_file());
    })
    .await;
    assert_eq!(app.post_report_json(&valid_report()).await.status(), 201);

    let mails = sink.wait_for_mails(1, WITHIN).await;
    assert_eq!(mails[0].header("to").as_deref(), Some("buyer@example.com"));
    assert_eq!(sink.auth_attempts(), ["ok tls"]);
}

#[tokio::test]
async fn smtp_credentials_are_never_sent_to_a_server_without_starttls() {
    // This server would take the password in clear, and the mail after it.
    let sink = SmtpSink::start(SinkOptions {
        auth: Some(("fakewatch".into(), "s3cret".into())),
        ..SinkOptions::default()
    })
    .await;
    let url = format!("smtp://fakewatch:s3cret@127.0.0.1:{}", sink.port);
    let app = TestApp::spawn_with_smtp(&url, |_| {}).await;
    assert_eq!(app.post_report_json(&valid_report()).await.status(), 201);

    let (_, error) = failed_attempt(&app).await;
    assert!(error.to_lowercase().contains("starttls"), "{error}");
    assert_eq!(sink.auth_attempts(), Vec::<String>::new());
    assert!(sink.mails().is_empty());
}

#[tokio::test]
async fn an_smtp_server_whose_certificate_no_trusted_ca_signed_gets_no_mail() {
    let ca = TestCa::generate();
    let sink = SmtpSink::start(SinkOptions {
        starttls: Some(ca.server_files()),
        auth: Some(("fakewatch".into(), "s3cret".into())),
        ..SinkOptions::default()
    })
    .await;
    // No FAKEWATCH_SMTP_CA_FILE: the system's CAs don't know this one.
    let url = format!("smtp://fakewatch:s3cret@127.0.0.1:{}", sink.port);
    let app = TestApp::spawn_with_smtp(&url, |_| {}).await;
    assert_eq!(app.post_report_json(&valid_report()).await.status(), 201);

    let (_, error) = failed_attempt(&app).await;
    assert!(error.to_lowercase().contains("certificate"), "{error}");
    assert_eq!(sink.auth_attempts(), Vec::<String>::new());
    assert!(sink.mails().is_empty());
}

#[tokio::test]
async fn a_refused_recipient_is_logged_and_kept_without_the_address() {
    let (logs, _guard) = capture_logs();
    let sink = SmtpSink::start(SinkOptions {
        reject_recipients: true,
        ..SinkOptions::default()
    })
    .await;
    let app = TestApp::spawn_with_smtp(&sink.url(), |_| {}).await;
    let mut report = valid_report();
    report["email"] = "Jane.Roe+fakes@Example.org".into();
    assert_eq!(app.post_report_json(&report).await.status(), 201);

    let (_, error) = failed_attempt(&app).await;
    assert!(error.contains("550"), "{error}");
    assert!(error.contains("Recipient address rejected"), "{error}");
    assert!(!error.to_lowercase().contains("jane.roe"), "{error}");
    let log = logs.text();
    assert!(log.contains("mail not sent"), "{log}");
    assert!(log.contains("Recipient address rejected"), "{log}");
    assert!(!log.to_lowercase().contains("jane.roe"), "{log}");
}
