//! Merges beside other writes: another merge, a withdrawal, a report being filed. A row lock
//! the test holds makes each interleaving happen, not just possibly happen.

use serde_json::Value;

use super::super::location;
use super::super::names::json;
use super::{at_store, merge, moved};
use crate::helpers::TestApp;
use crate::takedowns::file;

/// A transaction holding store `key`'s seller row: what runs beside it queues behind it, in
/// the order it started, until the transaction rolls back.
async fn hold_store(app: &TestApp, key: &str) -> sqlx::Transaction<'static, sqlx::Postgres> {
    let mut blocker = app.db.begin().await.expect("transaction");
    sqlx::query("select 1 from seller where seller_key = $1 for update")
        .bind(key)
        .execute(&mut *blocker)
        .await
        .expect("lock");
    blocker
}

fn pause(ms: u64) -> tokio::time::Sleep {
    tokio::time::sleep(std::time::Duration::from_millis(ms))
}

#[tokio::test]
async fn concurrent_merges_along_a_chain_still_leave_every_merged_seller_one_hop_away() {
    let app = TestApp::spawn().await;
    let ana = app.moderator("ana@example.org", false).await;
    let bo = app.moderator("bo@example.org", false).await;
    for (n, store) in [(1, "1111"), (2, "2222"), (3, "3333")] {
        file(
            &app,
            &at_store(n, store, "Shop", &format!("r{n}@example.com")),
        )
        .await;
    }
    // Holding store 2222's row, both merges (2222 into 3333, then 1111 into 2222) read what
    // they check before either can write.
    let blocker = hold_store(&app, "2222").await;
    let (first, second, ()) = tokio::join!(
        merge(
            &bo,
            "/moderation/sellers/aliexpress/2222",
            "aliexpress/3333"
        ),
        async {
            pause(150).await;
            merge(
                &ana,
                "/moderation/sellers/aliexpress/1111",
                "aliexpress/2222",
            )
            .await
        },
        async {
            pause(600).await;
            blocker.rollback().await.expect("rollback");
        }
    );
    assert_eq!(first.status(), 303);
    assert_eq!(second.status(), 303);
    assert_eq!(location(&second), "/moderation/sellers/aliexpress/3333");
    assert_eq!(
        moved(&app, "/sellers/aliexpress/1111").await,
        "/sellers/aliexpress/3333"
    );
    let chains: i64 = sqlx::query_scalar(
        "select count(*) from seller s join seller k on k.seller_id = s.merged_into
         where k.merged_into is not null",
    )
    .fetch_one(&app.db)
    .await
    .expect("count");
    assert_eq!(chains, 0);
    assert_eq!(
        json(&app, "/api/v1/sellers/aliexpress/3333").await["counts"]["reports"],
        3
    );
}

#[tokio::test]
async fn a_report_withdrawn_while_a_merge_moves_it_is_withdrawn_all_the_same() {
    let app = TestApp::spawn().await;
    let ana = app.moderator("ana@example.org", false).await;
    let filed = file(&app, &at_store(1, "1111", "Shop A", "a@example.com")).await;
    file(&app, &at_store(2, "2222", "Shop B", "b@example.com")).await;
    // Holding store 1111's row, the merge waits for it first and the withdrawal after it.
    let blocker = hold_store(&app, "1111").await;
    let id = filed["id"].as_str().expect("id");
    let token = filed["manage_token"].as_str();
    let (merged, withdrawn, ()) = tokio::join!(
        merge(
            &ana,
            "/moderation/sellers/aliexpress/1111",
            "aliexpress/2222"
        ),
        async {
            pause(150).await;
            app.delete_report_api(id, token).await
        },
        async {
            pause(600).await;
            blocker.rollback().await.expect("rollback");
        }
    );
    assert_eq!(merged.status(), 303);
    assert_eq!(withdrawn.status(), 204);
    let status: String = sqlx::query_scalar("select status from report where public_id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("status");
    assert_eq!(status, "withdrawn");
    let kept = json(&app, "/api/v1/sellers/aliexpress/2222").await;
    assert_eq!(kept["counts"]["reports"], 1, "{kept}");
}

#[tokio::test]
async fn a_report_filed_while_its_seller_is_being_merged_lands_under_the_kept_seller() {
    let app = TestApp::spawn().await;
    let ana = app.moderator("ana@example.org", false).await;
    file(&app, &at_store(1, "1111", "Shop A", "a@example.com")).await;
    file(&app, &at_store(2, "2222", "Shop B", "b@example.com")).await;
    // Holding store 1111's row: the merge waits for it first, then the report looks the store
    // up (not merged yet) and waits for it too.
    let blocker = hold_store(&app, "1111").await;
    let (merged, filed, ()) = tokio::join!(
        merge(
            &ana,
            "/moderation/sellers/aliexpress/1111",
            "aliexpress/2222"
        ),
        async {
            pause(150).await;
            app.post_report_json(&at_store(3, "1111", "Shop A", "c@example.com"))
                .await
        },
        async {
            pause(600).await;
            blocker.rollback().await.expect("rollback");
        }
    );
    assert_eq!(merged.status(), 303);
    assert_eq!(filed.status(), 201);
    let filed: Value = filed.json().await.expect("json");
    assert_eq!(filed["seller"]["seller_key"], "2222", "{filed}");
    let kept = json(&app, "/api/v1/sellers/aliexpress/2222").await;
    assert_eq!(kept["counts"]["reports"], 3, "{kept}");
}

#[tokio::test]
async fn a_report_verified_while_a_merge_moves_it_is_verified_all_the_same() {
    let app = TestApp::spawn().await;
    let ana = app.moderator("ana@example.org", false).await;
    let bo = app.moderator("bo@example.org", false).await;
    let filed = file(&app, &at_store(1, "1111", "Shop A", "a@example.com")).await;
    file(&app, &at_store(2, "2222", "Shop B", "b@example.com")).await;
    // Holding store 1111's row, the merge waits for it first and the verification after it:
    // once the merge commits, the report belongs to store 2222.
    let blocker = hold_store(&app, "1111").await;
    let id = filed["id"].as_str().expect("id");
    let verify = format!("/moderation/reports/{id}/verify");
    let (merged, verified, ()) = tokio::join!(
        merge(
            &ana,
            "/moderation/sellers/aliexpress/1111",
            "aliexpress/2222"
        ),
        async {
            pause(150).await;
            bo.post(&verify, &[]).await
        },
        async {
            pause(600).await;
            blocker.rollback().await.expect("rollback");
        }
    );
    assert_eq!(merged.status(), 303);
    assert_eq!(verified.status(), 303, "verified, not a 404");
    let kept = json(&app, "/api/v1/sellers/aliexpress/2222").await;
    assert_eq!(kept["counts"]["verified"], 1, "{kept}");
}

#[tokio::test]
async fn a_reply_sent_while_its_seller_is_being_merged_goes_to_the_kept_seller() {
    let app = TestApp::spawn().await;
    let ana = app.moderator("ana@example.org", false).await;
    file(&app, &at_store(1, "1111", "Shop A", "a@example.com")).await;
    file(&app, &at_store(2, "2222", "Shop B", "b@example.com")).await;
    let form = app
        .get("/sellers/aliexpress/1111/reply")
        .await
        .text()
        .await
        .expect("form");
    let csrf = crate::helpers::csrf_token_in(&form);
    let blocker = hold_store(&app, "1111").await;
    let (merged, sent, ()) = tokio::join!(
        merge(
            &ana,
            "/moderation/sellers/aliexpress/1111",
            "aliexpress/2222"
        ),
        async {
            pause(150).await;
            app.client
                .post(app.url("/sellers/aliexpress/1111/reply"))
                .form(&[
                    ("csrf_token", csrf.as_str()),
                    ("statement", "Our goods are genuine."),
                    ("email", "owner@example.net"),
                ])
                .send()
                .await
                .expect("reply")
        },
        async {
            pause(600).await;
            blocker.rollback().await.expect("rollback");
        }
    );
    assert_eq!(merged.status(), 303);
    assert_eq!(sent.status(), 200);
    let under: String = sqlx::query_scalar(
        "select s.seller_key from seller_reply r join seller s using (seller_id)",
    )
    .fetch_one(&app.db)
    .await
    .expect("reply");
    assert_eq!(under, "2222");
}
