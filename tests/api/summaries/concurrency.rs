//! Many writers on one seller and one brand at once: intake, confirmations and withdrawals
//! interleave in the database, and the summaries still equal their recomputation, with no
//! deadlock and no error answered.

use std::time::Duration;

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::Value;

use super::{SELLER_API, assert_consistent, json};
use crate::helpers::{TestApp, client, csrf_token_in};
use crate::takedowns::report;

/// Intakes at once, each on a connection of the test client's keep-alive pool.
const INTAKES: usize = 32;
/// Reporters filed earlier who confirm their address, and whose reports are withdrawn,
/// during the burst.
const EARLIER: usize = 12;

#[tokio::test]
async fn concurrent_intake_confirmations_and_withdrawals_on_one_seller_keep_the_summaries_exact() {
    // Enough connections that the writers really meet in the database, and time to wait.
    let app = TestApp::spawn_with(|config| {
        config.db_connections = 16;
        config.db_timeout_secs = 30;
    })
    .await;
    let mut earlier = Vec::new();
    for n in 0..EARLIER {
        let answer = app
            .post_report_json(&report(n as u64, "Acme", &format!("early{n}@example.com")))
            .await;
        assert_eq!(answer.status(), 201);
        earlier.push(answer.json::<Value>().await.expect("receipt"));
    }
    // The earlier reports' second thoughts: half are withdrawn, half confirmed.
    let (withdrawn, confirming) = earlier.split_at(EARLIER / 2);

    let intakes = (0..INTAKES).map(|n| {
        // Some on listings of the earlier reports, some by their reporters: re-filing and
        // new reporters on the same summary rows.
        let listing = (n % 20) as u64;
        let email = format!("early{}@example.com", n % (EARLIER + 4));
        let app = &app;
        async move {
            let answer = app.post_report_json(&report(listing, "Acme", &email)).await;
            (
                format!("intake {n}"),
                answer.status(),
                answer.text().await.unwrap_or_default(),
            )
        }
    });
    let withdrawals = withdrawn.iter().map(|filed| {
        let app = &app;
        async move {
            let id = filed["id"].as_str().expect("id");
            let answer = app
                .delete_report_api(id, filed["manage_token"].as_str())
                .await;
            (
                format!("withdraw {id}"),
                answer.status(),
                answer.text().await.unwrap_or_default(),
            )
        }
    });
    let confirmations = (EARLIER / 2..EARLIER).map(|n| {
        let app = &app;
        async move {
            let (status, body) =
                confirm_in_own_browser(app, &format!("early{n}@example.com")).await;
            (format!("confirm {n}"), status, body)
        }
    });
    let (intakes, withdrawals, confirmations) = futures_util::join!(
        join_all(intakes),
        join_all(withdrawals),
        join_all(confirmations)
    );
    assert_eq!(confirming.len(), confirmations.len());
    for (what, status, body) in intakes {
        assert_eq!(status, StatusCode::CREATED, "{what}: {body}");
    }
    for (what, status, body) in withdrawals {
        assert_eq!(status, StatusCode::NO_CONTENT, "{what}: {body}");
    }
    for (what, status, body) in confirmations {
        assert_eq!(status, StatusCode::OK, "{what}: {body}");
    }

    assert_consistent(&app, "the concurrent writes").await;
    let live: i64 = sqlx::query_scalar(
        "select count(*) from report where status in ('unverified', 'verified')",
    )
    .fetch_one(&app.db)
    .await
    .expect("count");
    assert_eq!(
        json(&app, SELLER_API).await["counts"]["reports"],
        live,
        "the page shows every live report"
    );
    assert_eq!(
        live,
        (EARLIER + INTAKES - EARLIER / 2) as i64 - replaced(&app).await,
        "each withdrawal and each replaced report left the counts"
    );

    // A deadlock PostgreSQL broke would have been a 500 above; its counter says so too
    // (statistics reach it within a second).
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let deadlocks: i64 = sqlx::query_scalar(
        "select deadlocks from pg_stat_database where datname = current_database()",
    )
    .fetch_one(&app.db)
    .await
    .expect("statistics");
    assert_eq!(deadlocks, 0);
}

/// Reports a confirmation withdrew as replaced by a newer one of the same reporter.
async fn replaced(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from report where replaced_by is not null")
        .fetch_one(&app.db)
        .await
        .expect("count")
}

/// Confirms the address's pending reports from a browser of its own: the CSRF cookie is per
/// browser, and confirmations sharing the test's client would overwrite each other's.
async fn confirm_in_own_browser(app: &TestApp, email: &str) -> (StatusCode, String) {
    let path = app.confirmation_path_for(email).await;
    let browser = client();
    let page = browser
        .get(app.url(&path))
        .send()
        .await
        .expect("confirmation page");
    assert_eq!(page.status(), 200, "confirmation page of {email}");
    let page = page.text().await.expect("page");
    let mut form = vec![("csrf_token".to_owned(), csrf_token_in(&page))];
    let marker = "name=\"report\" value=\"";
    form.extend(page.split(marker).skip(1).map(|rest| {
        let id = rest.split('"').next().expect("value");
        ("report".to_owned(), id.to_owned())
    }));
    let answer = browser
        .post(app.url(&path))
        .form(&form)
        .send()
        .await
        .expect("confirm");
    (answer.status(), answer.text().await.unwrap_or_default())
}
