use fakewatch::demo_data::{DemoOptions, generate};
use serde_json::Value;

use crate::helpers::TestApp;

#[tokio::test]
async fn demo_data_fills_a_skewed_database_that_the_pages_can_show() {
    let app = TestApp::spawn().await;
    let options = DemoOptions {
        reports: 3_000,
        seed: 7,
        progress: false,
    };
    let summary = generate(&app.db, &options).await.expect("generated");
    assert_eq!(summary.reports, 3_000);
    assert!(summary.sellers > 50 && summary.brands > 10);
    let (top, median): (i64, f64) = sqlx::query_as(
        "select max(n), percentile_cont(0.5) within group (order by n)
         from (select count(*) as n from report group by seller_id) t",
    )
    .fetch_one(&app.db)
    .await
    .expect("skew");
    assert!(top as f64 >= 5.0 * median, "top {top}, median {median}");

    let (marketplace, key): (String, String) = sqlx::query_as(
        "select s.marketplace, s.seller_key from seller s join report r using (seller_id)
         group by s.seller_id order by count(*) desc limit 1",
    )
    .fetch_one(&app.db)
    .await
    .expect("largest seller");
    let path = format!(
        "/api/v1/sellers/{marketplace}/{}",
        fakewatch::routes::sellers::view::path_segment(&key)
    );
    let seller: Value = app.get(&path).await.json().await.expect("json");
    assert!(seller["counts"]["reports"].as_i64().expect("count") > 10);
    let html = app.get(path.trim_start_matches("/api/v1")).await;
    assert_eq!(html.status(), 200);
    // A second run refuses to mix with existing data.
    assert!(generate(&app.db, &options).await.is_err());
}
