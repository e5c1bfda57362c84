//! Public reads on a real streaming replica: the test runs a small PostgreSQL primary of its
//! own and a standby made from it with `pg_basebackup -R`, each in a temporary directory on a
//! free port, and shows which pages read which server by pausing the standby's replay.

mod cluster;

use serde_json::{Value, json};
use sqlx::{Connection, PgConnection};

use crate::helpers::{TestApp, valid_report};
use cluster::Cluster;

const SELLER: &str = "/sellers/aliexpress/1102345678";

#[tokio::test]
async fn public_pages_read_the_replica_while_a_reporters_own_pages_read_the_primary() {
    let cluster = Cluster::start();
    let app = TestApp::spawn_against(&cluster.primary_url("fakewatch"), |config| {
        config.database_replica_url = Some(cluster.standby_url("fakewatch").into());
    })
    .await;
    assert_eq!(
        app.state.config.redacted_replica_url(),
        Some(cluster.standby_url("fakewatch"))
    );

    let (first, _) = file(
        &app,
        "First tote",
        "https://www.aliexpress.com/item/1005000000000001.html",
    )
    .await;
    cluster.wait_for_replay().await;
    assert!(seller_page(&app).await.contains(&first));
    assert_eq!(seller_report_ids(&app).await, std::slice::from_ref(&first));
    let health = app.get("/healthz").await.text().await.expect("body");
    assert_eq!(health, "ok\nreplica: 0.0 s behind");

    // Replay paused, the standby stays where it is while the primary takes a second report.
    cluster.pause_replay().await;
    let (second, token) = file(
        &app,
        "Second tote",
        "https://www.aliexpress.com/item/1005000000000002.html",
    )
    .await;

    // The reporter sees it at once: the report's page, the manage page and the API's report
    // are the primary's.
    let receipt = app.get(&format!("/reports/{second}")).await;
    assert_eq!(receipt.status(), 200);
    let receipt = receipt.text().await.expect("receipt");
    assert!(receipt.contains("Second tote"), "{receipt}");
    let manage = app.get(&format!("/reports/{second}/manage/{token}")).await;
    assert_eq!(manage.status(), 200);
    assert!(manage.text().await.expect("page").contains("Second tote"));
    assert_eq!(app.get_report_api(&second).await.status(), 200);

    // The public pages are the replica's, which has not seen it.
    assert!(!seller_page(&app).await.contains(&second));
    assert_eq!(seller_report_ids(&app).await, std::slice::from_ref(&first));
    let feed = app
        .get(&format!("{SELLER}/feed.atom"))
        .await
        .text()
        .await
        .expect("feed");
    assert!(feed.contains(&first) && !feed.contains(&second), "{feed}");
    assert_eq!(public_counts(&app).await, [1, 1, 1]);
    // Until the standby has received the second report's WAL, it has nothing to be behind
    // on: ask again for a few seconds.
    let mut health = String::new();
    for _ in 0..50 {
        health = app.get("/healthz").await.text().await.expect("body");
        if seconds_behind(&health) > 0.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(seconds_behind(&health) > 0.0, "{health}");

    // Replay resumes, and the public pages catch up.
    cluster.resume_replay().await;
    cluster.wait_for_replay().await;
    assert!(seller_page(&app).await.contains(&second));
    let mut ids = seller_report_ids(&app).await;
    ids.sort();
    let mut both = [first.clone(), second.clone()];
    both.sort();
    assert_eq!(ids, both);
    let feed = app
        .get(&format!("{SELLER}/feed.atom"))
        .await
        .text()
        .await
        .expect("feed");
    assert!(feed.contains(&second), "{feed}");
    assert_eq!(public_counts(&app).await, [2, 2, 2]);

    // Without the standby, public pages answer 503 and say so; filing still works, and the
    // health check says what is wrong without taking the instance out of a load balancer.
    cluster.stop_standby();
    let page = app.get(SELLER).await;
    assert_eq!(page.status(), 503);
    let filed = app.post_report_json(&valid_report()).await;
    assert!(filed.status().is_success(), "{}", filed.status());
    let health = app.get("/healthz").await;
    assert_eq!(health.status(), 200);
    assert_eq!(
        health.text().await.expect("body"),
        "ok\nreplica: unavailable: public pages answer 503"
    );
}

#[tokio::test]
async fn a_replica_url_that_is_not_a_replica_of_the_database_stops_start_up() {
    let cluster = Cluster::start_primary_only();
    let mut other = PgConnection::connect(&cluster.primary_url("postgres"))
        .await
        .expect("connect");
    sqlx::query("create database unrelated")
        .execute(&mut other)
        .await
        .expect("create database");
    let data_dir = cluster.dir().join("data");
    let mut config = crate::helpers::test_config(&cluster.primary_url("fakewatch"), &data_dir);
    config.database_replica_url = Some(cluster.primary_url("unrelated").into());
    config.db_timeout_secs = 1;
    let error = fakewatch::startup::build_state(config)
        .await
        .expect_err("refused")
        .to_string();
    assert!(
        error.contains("is FAKEWATCH_DATABASE_REPLICA_URL a streaming replica of DATABASE_URL"),
        "{error}"
    );
    assert!(error.contains("/unrelated"), "{error}");
}

/// Files a report about `listing` with this title through the API; returns its id and manage
/// token. Without
/// an address: no confirmation mail, whose sending would write to the primary meanwhile.
async fn file(app: &TestApp, title: &str, listing: &str) -> (String, String) {
    let mut report = valid_report();
    report["product_title"] = json!(title);
    report["listing_url"] = json!(listing);
    report.as_object_mut().expect("object").remove("email");
    let response = app.post_report_json(&report).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    let field = |name: &str| body[name].as_str().expect(name).to_owned();
    (field("id"), field("manage_token"))
}

async fn seller_page(app: &TestApp) -> String {
    let page = app.get(SELLER).await;
    assert_eq!(page.status(), 200);
    page.text().await.expect("page")
}

/// The ids of the seller's recent reports, as the public API lists them.
async fn seller_report_ids(app: &TestApp) -> Vec<String> {
    let seller: Value = app
        .get(&format!("/api/v1{SELLER}"))
        .await
        .json()
        .await
        .expect("json");
    seller["recent_reports"]
        .as_array()
        .expect("recent reports")
        .iter()
        .map(|r| r["id"].as_str().expect("id").to_owned())
        .collect()
}

/// The published reports the home page counts, and the seller's in the name search and on
/// the brand's page (the public JSON API).
async fn public_counts(app: &TestApp) -> [i64; 3] {
    let home = app.get("/").await.text().await.expect("home");
    let on_home = home
        .split("</strong> published reports")
        .next()
        .and_then(|before| before.rsplit("<strong>").next())
        .and_then(|count| count.parse().ok())
        .unwrap_or_else(|| panic!("no count of published reports on {home}"));
    let json = async |path: &str| -> Value { app.get(path).await.json().await.expect("json") };
    let search = json("/api/v1/sellers?q=luxury%20outlet").await;
    let brand = json("/api/v1/brands/louis-vuitton").await;
    [
        on_home,
        search["results"][0]["reports"]
            .as_i64()
            .expect("search count"),
        brand["reports"].as_i64().expect("brand count"),
    ]
}

/// The replica's lag in `/healthz`'s body.
fn seconds_behind(health: &str) -> f64 {
    health
        .strip_prefix("ok\nreplica: ")
        .and_then(|rest| rest.strip_suffix(" s behind"))
        .and_then(|seconds| seconds.parse().ok())
        .unwrap_or_else(|| panic!("no lag in {health:?}"))
}
