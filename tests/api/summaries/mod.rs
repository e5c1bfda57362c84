//! The summaries the pages read, proved against their recomputation from the base tables
//! (`db::summaries::check`): after every step of random write sequences through the real
//! routes (`property`), under concurrent intake on one seller and one brand (`concurrency`),
//! by the operator's command (`cli`), and the decayed reputation numbers against the
//! per-report formula (`reputation`).

mod cli;
mod concurrency;
mod property;
mod reputation;

use serde_json::Value;

use crate::helpers::TestApp;

/// The JSON of the seller every `takedowns::report` is filed under.
const SELLER_API: &str = "/api/v1/sellers/aliexpress/1102345678";

/// A JSON answer that must be 200.
async fn json(app: &TestApp, path: &str) -> Value {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "GET {path}");
    response.json().await.expect("json")
}

/// Differences printed when a check fails; the rest are counted.
const SHOWN: usize = 30;

/// The differences between the summaries and their recomputation, one line each; empty
/// when they match.
pub async fn differences(app: &TestApp) -> Vec<String> {
    let mut conn = app.db.acquire().await.expect("connection");
    let checked = fakewatch::db::summaries::check(&mut conn, SHOWN)
        .await
        .expect("summaries check runs");
    let mut lines: Vec<String> = checked
        .first
        .iter()
        .map(|d| {
            format!(
                "{}: {}: stored {}, recomputed {}",
                d.summary,
                d.key,
                d.stored.as_deref().unwrap_or("nothing"),
                d.fresh.as_deref().unwrap_or("nothing"),
            )
        })
        .collect();
    if checked.differences > SHOWN as u64 {
        lines.push(format!("… and {} more", checked.differences - SHOWN as u64));
    }
    lines
}

/// Panics with the differences, if any, after `what`.
pub async fn assert_consistent(app: &TestApp, what: &str) {
    let found = differences(app).await;
    assert!(
        found.is_empty(),
        "summaries differ after {what}:\n{}",
        found.join("\n")
    );
}
