//! Expensive reads are bounded: name searches need two characters and share half the pool,
//! and every statement a visitor's request runs ends at the statement timeout.

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{TestApp, valid_report};

const SELLER_PAGE: &str = "/sellers/aliexpress/1102345678";

#[tokio::test]
async fn a_one_letter_search_is_refused_with_a_message_instead_of_ranking_every_seller() {
    let app = TestApp::spawn().await;
    let page = app.get("/sellers?q=a").await;
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = page.text().await.expect("body");
    assert!(html.contains("Type at least 2 characters"), "{html}");

    let api = app.get("/api/v1/sellers?q=%20a%20").await;
    assert_eq!(api.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(api.headers()["content-type"], "application/problem+json");
    let problem: Value = api.json().await.expect("json");
    assert_eq!(problem["errors"][0]["field"], "q");
    assert!(
        problem["errors"][0]["message"]
            .as_str()
            .expect("message")
            .contains("at least 2 characters")
    );
    assert_eq!(app.get("/api/v1/sellers?q=lu").await.status(), 200);
}

#[tokio::test]
async fn when_every_search_slot_is_taken_searches_get_503_and_pages_are_still_served() {
    let app = TestApp::spawn().await;
    assert!(
        app.post_report_json(&valid_report())
            .await
            .status()
            .is_success()
    );
    // Searches in flight hold every slot (a quarter of the test pool's 4 connections).
    let slots = app.state.searches.available_permits();
    assert_eq!(slots, 1);
    let held = app
        .state
        .searches
        .clone()
        .acquire_many_owned(u32::try_from(slots).expect("small"))
        .await
        .expect("slots");

    let started = Instant::now();
    let busy = app.get("/api/v1/sellers?q=luxury").await;
    assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(busy.headers()["retry-after"], "5");
    assert_eq!(busy.headers()["content-type"], "application/problem+json");
    assert!(started.elapsed() < Duration::from_secs(10));
    let page = app.get("/sellers?q=luxury").await;
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        page.text()
            .await
            .expect("body")
            .contains("Too many searches")
    );

    // Everything else still has connections: pages, and searches by link, which are lookups.
    assert_eq!(app.get(SELLER_PAGE).await.status(), 200);
    assert_eq!(app.get("/").await.status(), 200);
    let by_link = app
        .get("/api/v1/sellers?q=https%3A%2F%2Fwww.aliexpress.com%2Fstore%2F1102345678")
        .await;
    assert_eq!(by_link.status(), 200);

    drop(held);
    assert_eq!(app.get("/api/v1/sellers?q=luxury").await.status(), 200);
}

#[tokio::test]
async fn a_flood_of_searches_gets_answers_or_503s_while_seller_pages_keep_being_served() {
    let app = TestApp::spawn().await;
    app.demo_data(5_000, 3).await;
    let (marketplace, key): (String, String) =
        sqlx::query_as("select marketplace, seller_key from seller order by seller_id limit 1")
            .fetch_one(&app.db)
            .await
            .expect("a seller");
    let seller_page = format!(
        "/sellers/{marketplace}/{}",
        fakewatch::routes::sellers::view::path_segment(&key)
    );

    let queries = [
        "sh", "st", "of", "ma", "tr", "an", "store", "shop", "mall", "outlet",
    ];
    // 48 at once: a flood for the search slots, within one address's connection cap.
    let searches = (0..48).map(|i| {
        let url = app.url(&format!(
            "/api/v1/sellers?q={}&page={}",
            queries[i % queries.len()],
            1 + i % 3
        ));
        let client = app.client.clone();
        async move {
            let response = client.get(url).send().await.expect("answered");
            let status = response.status();
            let retry_after = response.headers().get("retry-after").cloned();
            let body = response.text().await.expect("whole body");
            (status, retry_after, body)
        }
    });
    let pages = async {
        let mut statuses = Vec::new();
        for _ in 0..20 {
            statuses.push(app.get(&seller_page).await.status());
        }
        statuses
    };
    let (searched, pages) = tokio::join!(join_all(searches), pages);
    for (status, retry_after, body) in &searched {
        match *status {
            StatusCode::OK => {
                serde_json::from_str::<Value>(body).expect("results");
            }
            StatusCode::SERVICE_UNAVAILABLE => assert!(retry_after.is_some()),
            other => panic!("a search answered {other}: {body}"),
        }
    }
    assert!(searched.iter().any(|(s, _, _)| *s == StatusCode::OK));
    assert!(pages.iter().all(|s| *s == StatusCode::OK), "{pages:?}");
}

#[tokio::test]
async fn a_query_that_runs_past_the_statement_timeout_is_answered_503_and_frees_its_connection() {
    let app = TestApp::spawn_with(|config| config.statement_timeout_secs = 1).await;
    assert!(
        app.post_report_json(&valid_report())
            .await
            .status()
            .is_success()
    );
    // A table locked by someone else makes every read of it wait: the statement timeout
    // must end the wait.
    let mut locker = app.db.begin().await.expect("transaction");
    sqlx::query("lock table seller in access exclusive mode")
        .execute(&mut *locker)
        .await
        .expect("lock");
    for (path, content_type) in [
        (SELLER_PAGE, "text/html; charset=utf-8"),
        (
            "/api/v1/sellers/aliexpress/1102345678",
            "application/problem+json",
        ),
        ("/sellers?q=luxury", "text/html; charset=utf-8"),
        ("/brands/louis-vuitton", "text/html; charset=utf-8"),
    ] {
        let started = Instant::now();
        let response = app.get(path).await;
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(response.headers()["retry-after"], "30", "{path}");
        assert_eq!(response.headers()["content-type"], content_type, "{path}");
        assert!(
            response
                .text()
                .await
                .expect("body")
                .contains("took too long"),
            "{path}"
        );
        assert!(started.elapsed() < Duration::from_secs(5), "{path}");
    }
    locker.rollback().await.expect("unlock");
    assert_eq!(app.get(SELLER_PAGE).await.status(), 200);
}
