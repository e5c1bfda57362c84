//! Outgoing mail against a real SMTP server (aiosmtpd, `smtp_sink.rs`): the confirmation mail
//! and its link, and the outbox when no server is configured (`delivery`); the queue that
//! outlives an SMTP outage, the daily cap per address, and two servers sharing one queue
//! (`queue`); TLS, SMTP AUTH and addresses kept out of errors and logs (`security`).

mod delivery;
mod queue;
mod security;

use std::time::{Duration, Instant};

use crate::helpers::TestApp;

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
