//! `fakewatch summaries check|rebuild` as an operator runs them: the real binary against the
//! test's database.

use std::process::Output;

use super::{SELLER_API, json};
use crate::helpers::TestApp;
use crate::takedowns::{file, report};

/// `fakewatch summaries <command>` against `app`'s database.
async fn summaries(app: &TestApp, command: &str) -> Output {
    tokio::process::Command::new(env!("CARGO_BIN_EXE_fakewatch"))
        .args(["summaries", command])
        .env("DATABASE_URL", app.state.config.database_url.expose())
        .env("FAKEWATCH_DATA_DIR", &app.data_dir)
        .env_remove("RUST_LOG")
        .output()
        .await
        .expect("the binary runs")
}

fn printed(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn check_exits_1_listing_a_corrupted_summary_until_rebuild_repairs_it() {
    let app = TestApp::spawn().await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    file(&app, &report(2, "Acme", "b@example.com")).await;

    let checked = summaries(&app, "check").await;
    let (stdout, stderr) = printed(&checked);
    assert_eq!(checked.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("Summaries match the reports"), "{stdout}");

    let seller_id: i64 = sqlx::query_scalar(
        "update seller_summary set reports = reports + 1 where reports > 0 returning seller_id",
    )
    .fetch_one(&app.db)
    .await
    .expect("one seller's summary corrupted");
    // The page reads the summary: the corruption shows.
    assert_eq!(json(&app, SELLER_API).await["counts"]["reports"], 3);

    let checked = summaries(&app, "check").await;
    let (stdout, stderr) = printed(&checked);
    assert_eq!(checked.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains(&format!("seller_summary: seller {seller_id}: stored (3,")),
        "{stderr}"
    );
    assert!(stderr.contains("recomputed (2,"), "{stderr}");
    assert!(
        stderr.contains("1 summary rows differ from a recomputation"),
        "{stderr}"
    );
    assert!(!stdout.contains("match"), "{stdout}");

    let rebuilt = summaries(&app, "rebuild").await;
    let (stdout, stderr) = printed(&rebuilt);
    assert_eq!(rebuilt.status.code(), Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("Summaries rebuilt from the reports"),
        "{stdout}"
    );

    let checked = summaries(&app, "check").await;
    let (stdout, stderr) = printed(&checked);
    assert_eq!(checked.status.code(), Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("Summaries match the reports"), "{stdout}");
    assert_eq!(json(&app, SELLER_API).await["counts"]["reports"], 2);
}

#[tokio::test]
async fn check_lists_a_missing_summary_row_and_a_stray_one_until_rebuild() {
    let app = TestApp::spawn().await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    // A row deleted from a per-(seller, brand) summary, and a month nobody reported in.
    sqlx::query("delete from seller_brand")
        .execute(&app.db)
        .await
        .expect("delete");
    sqlx::query(
        "insert into seller_month (seller_id, month, reports)
         select seller_id, date '2001-01-01', 4 from seller",
    )
    .execute(&app.db)
    .await
    .expect("insert");

    let checked = summaries(&app, "check").await;
    let (stdout, stderr) = printed(&checked);
    assert_eq!(checked.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("seller_brand: seller "), "{stderr}");
    assert!(stderr.contains("recomputed (1,1,"), "{stderr}");
    assert!(
        stderr.contains(", 2001-01: stored 4, recomputed nothing"),
        "{stderr}"
    );
    assert!(stderr.contains("2 summary rows differ"), "{stderr}");

    let rebuilt = summaries(&app, "rebuild").await;
    assert_eq!(rebuilt.status.code(), Some(0), "{:?}", printed(&rebuilt));
    let checked = summaries(&app, "check").await;
    assert_eq!(checked.status.code(), Some(0), "{:?}", printed(&checked));
}
