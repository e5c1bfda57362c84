//! Outgoing mail against a real SMTP server (aiosmtpd, `smtp_sink.rs`): the confirmation mail
//! and its link, the queue that outlives an SMTP outage, the daily cap per address, the outbox
//! when no server is configured, and TLS with SMTP AUTH.

use std::time::{Duration, Instant};

use fakewatch::security::hash_token;
use serde_json::Value;

use crate::helpers::{SecondServer, TestApp, capture_logs, client, valid_report};
use crate::smtp_sink::{Mail, SinkOptions, SmtpSink, TestCa, free_port};

/// Mail takes milliseconds here; the margin is for a busy CI machine.
const WITHIN: Duration = Duration::from_secs(20);

/// Polls `condition` until it holds; panics after [`WITHIN`].
async fn wait_until(what: &str, condition: impl AsyncFn() -> bool) {
    let start = Instant::now();
    while !condition().await {
        assert!(start.elapsed() < WITHIN, "not within {WITHIN:?}: {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn queued_mails(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from mail")
        .fetch_one(&app.db)
        .await
        .expect("count")
}

/// Waits for the queued mail's first failed attempt; returns its attempts and last error.
async fn failed_attempt(app: &TestApp) -> (i32, String) {
    let query = "select attempts, last_error from mail where attempts > 0";
    wait_until("a failed attempt is recorded", async || {
        let failed = sqlx::query(query)
            .fetch_optional(&app.db)
            .await
            .expect("query")
            .is_some();
        assert!(
            failed || queued_mails(app).await > 0,
            "the mail left the queue (sent or dropped) instead of failing"
        );
        failed
    })
    .await;
    let (attempts, error): (i32, Option<String>) =
        sqlx::query_as(query).fetch_one(&app.db).await.expect("row");
    (attempts, error.expect("last_error is kept"))
}

/// Tables with a row whose text holds `needle`.
async fn tables_holding(app: &TestApp, needle: &str) -> Vec<String> {
    let tables: Vec<String> = sqlx::query_scalar(
        "select table_name::text from information_schema.tables
         where table_schema = 'public' and table_type = 'BASE TABLE'",
    )
    .fetch_all(&app.db)
    .await
    .expect("tables");
    let mut holding = Vec::new();
    for table in tables {
        let sql = format!("select count(*) from \"{table}\" t where t::text like '%' || $1 || '%'");
        let rows: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(needle)
            .fetch_one(&app.db)
            .await
            .expect("count");
        if rows > 0 {
            holding.push(table);
        }
    }
    holding
}

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
