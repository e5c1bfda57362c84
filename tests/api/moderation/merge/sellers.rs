//! Merging a seller into another: what moves, where its addresses lead, who finds it.

use serde_json::{Value, json};

use super::super::names::{json, last_audit};
use super::super::{Moderator, location};
use super::{at_store, cursor, merge, moved, two_stores};
use crate::helpers::{TestApp, csrf_token_in};
use crate::seller_reply::code_on;
use crate::takedowns::{changes, export_json, file, holder, item, report, row_of};

#[tokio::test]
async fn a_merged_sellers_reports_listings_and_names_move_and_its_addresses_answer_301() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    two_stores(&app).await;
    let before = cursor(&export_json(&app, &token, "brand=acme").await);
    let ana = app.moderator("ana@example.org", false).await;

    let merged = merge(
        &ana,
        "/moderation/sellers/aliexpress/1111",
        "aliexpress/2222",
    )
    .await;
    assert_eq!(merged.status(), 303);
    assert_eq!(location(&merged), "/moderation/sellers/aliexpress/2222");

    assert_eq!(
        moved(&app, "/sellers/aliexpress/1111").await,
        "/sellers/aliexpress/2222"
    );
    assert_eq!(
        moved(&app, "/sellers/aliexpress/1111/feed.atom").await,
        "/sellers/aliexpress/2222/feed.atom"
    );
    assert_eq!(
        moved(&app, "/api/v1/sellers/aliexpress/1111?page=1").await,
        "/api/v1/sellers/aliexpress/2222?page=1"
    );

    let kept = json(&app, "/api/v1/sellers/aliexpress/2222").await;
    assert_eq!(kept["counts"]["reports"], 6, "{kept}");
    assert_eq!(kept["counts"]["distinct_reporters"], 6);
    assert_eq!(kept["counts"]["confirmed_reporters"], 6);
    assert_eq!(kept["listings"].as_array().expect("listings").len(), 6);
    // "Shared Name" now has two votes against "Shop B"'s three.
    assert_eq!(kept["name"], "Shop B");
    assert_eq!(kept["aliases"], json!(["Shared Name", "Shop A"]));

    // Exactly the moved listings changed for the brand's owner, now under the kept seller.
    let sync = export_json(&app, &token, &format!("brand=acme&since={before}")).await;
    assert_eq!(
        changes(&sync),
        [(item(1), "reported".into()), (item(2), "reported".into())]
    );
    assert_eq!(row_of(&sync, &item(2))["seller_key"], "2222");
    assert_eq!(row_of(&sync, &item(2))["seller_name"], "Shop B");

    // Lookups find the kept seller only.
    let found = json(&app, "/api/v1/sellers?q=Shop%20A").await;
    let keys: Vec<&Value> = found["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| &r["seller_key"])
        .collect();
    assert_eq!(keys, [&json!("2222")], "{found}");
    for url in ["https://www.aliexpress.com/store/1111", item(1).as_str()] {
        let lookup = json(&app, &format!("/api/v1/lookup?url={url}")).await;
        assert_eq!(lookup["seller"]["seller_key"], "2222", "{url}");
    }
    let search = app
        .get("/sellers?q=https://www.aliexpress.com/store/1111")
        .await;
    assert_eq!(location(&search), "/sellers/aliexpress/2222");

    // New reports naming the merged store are filed under the kept one, on new listings and
    // on its moved ones alike.
    let filed = file(&app, &at_store(7, "1111", "Shop A", "c7@example.com")).await;
    assert_eq!(filed["seller"]["seller_key"], "2222", "{filed}");
    let filed = file(&app, &at_store(1, "1111", "Shop A", "c1@example.com")).await;
    assert_eq!(filed["seller"]["seller_key"], "2222", "{filed}");
    let kept = json(&app, "/api/v1/sellers/aliexpress/2222").await;
    assert_eq!(kept["counts"]["reports"], 8);

    // Moderators see where it went, and what was merged in.
    assert!(
        ana.page("/moderation/sellers/aliexpress/1111")
            .await
            .contains("href=\"/moderation/sellers/aliexpress/2222\"")
    );
    assert!(
        ana.page("/moderation/sellers/aliexpress/2222")
            .await
            .contains("href=\"/moderation/sellers/aliexpress/1111\"")
    );

    let (who, action, subject, before, after) = last_audit(&app).await;
    assert_eq!(
        (who.as_str(), action.as_str(), subject.as_str()),
        ("ana@example.org", "merge_seller", "aliexpress/1111")
    );
    assert_eq!(before["merged"]["seller"], "aliexpress/1111");
    assert_eq!(before["merged"]["live_reports"], 2);
    assert_eq!(before["kept"]["seller"], "aliexpress/2222");
    assert_eq!(before["kept"]["live_reports"], 4);
    assert_eq!(after["merged_into"], "aliexpress/2222");
    assert_eq!(after["kept"]["live_reports"], 6);
    assert_eq!(after["moved"]["reports"], 2);
    assert_eq!(after["moved"]["listings"], 2);
}

#[tokio::test]
async fn sellers_merged_into_a_seller_that_is_merged_later_redirect_in_one_hop() {
    let app = TestApp::spawn().await;
    for (n, store) in [(1, "1111"), (2, "2222"), (3, "3333"), (4, "4444")] {
        file(
            &app,
            &at_store(n, store, "Shop", &format!("r{n}@example.com")),
        )
        .await;
    }
    let ana = app.moderator("ana@example.org", false).await;
    let seller = |key: &str| format!("/moderation/sellers/aliexpress/{key}");
    assert_eq!(
        merge(&ana, &seller("1111"), "aliexpress/2222")
            .await
            .status(),
        303
    );
    assert_eq!(
        merge(&ana, &seller("2222"), "aliexpress/3333")
            .await
            .status(),
        303
    );
    assert_eq!(
        moved(&app, "/sellers/aliexpress/1111").await,
        "/sellers/aliexpress/3333"
    );

    // Into a merged seller: into the one it was merged into.
    let merged = merge(&ana, &seller("4444"), "/sellers/aliexpress/1111").await;
    assert_eq!(location(&merged), seller("3333"));
    let (_, _, _, _, after) = last_audit(&app).await;
    assert_eq!(after["merged_into"], "aliexpress/3333");
    assert_eq!(after["requested"], "aliexpress/1111");
    assert_eq!(
        json(&app, "/api/v1/sellers/aliexpress/3333").await["counts"]["reports"],
        4
    );
}

#[tokio::test]
async fn a_report_typing_a_merged_sellers_name_files_under_the_kept_seller() {
    let app = TestApp::spawn().await;
    // Known only by a typed name, then found to be store 2222.
    let mut typed = report(1, "Acme", "a@example.com");
    typed["seller_url"] = json!(null);
    typed["seller_name"] = json!("Cheap Bags 4U");
    let filed = file(&app, &typed).await;
    assert_eq!(filed["seller"]["name_based"], true, "{filed}");
    let key = filed["seller"]["seller_key"]
        .as_str()
        .expect("key")
        .to_owned();
    file(&app, &at_store(2, "2222", "Shop B", "b@example.com")).await;
    let ana = app.moderator("ana@example.org", false).await;
    let path = format!("/moderation/sellers/aliexpress/{}", key.replace(' ', "%20"));
    assert_eq!(merge(&ana, &path, "aliexpress/2222").await.status(), 303);

    let mut again = typed.clone();
    again["listing_url"] = json!(item(3));
    again["email"] = json!("c@example.com");
    let filed = file(&app, &again).await;
    assert_eq!(filed["seller"]["seller_key"], "2222", "{filed}");
    let kept = json(&app, "/api/v1/sellers/aliexpress/2222").await;
    assert_eq!(kept["counts"]["reports"], 3);
    // Two reports typed that name, one spelled the store "Shop B".
    assert_eq!(kept["name"], "Cheap Bags 4U", "{kept}");
}

/// Sends a reply to `seller`'s form and has `moderator` approve it.
async fn approved_reply(app: &TestApp, moderator: &Moderator, seller: &str, statement: &str) {
    let form = app.get(&format!("{seller}/reply")).await;
    assert_eq!(form.status(), 200);
    let token = csrf_token_in(&form.text().await.expect("body"));
    let fields = [
        ("csrf_token", token.as_str()),
        ("statement", statement),
        ("email", "owner@example.net"),
    ];
    let sent = app.post_reply_raw(seller, &fields).await;
    assert_eq!(sent.status(), 200);
    let code = code_on(&sent.text().await.expect("body"));
    let id: String =
        sqlx::query_scalar("select public_id from seller_reply where verification_code = $1")
            .bind(&code)
            .fetch_one(&app.db)
            .await
            .expect("reply");
    let approved = moderator
        .post(&format!("/moderation/replies/{id}/approve"), &[])
        .await;
    assert_eq!(approved.status(), 303);
}

#[tokio::test]
async fn a_merged_sellers_replies_move_and_the_later_approved_one_is_published() {
    let app = TestApp::spawn().await;
    file(&app, &at_store(1, "1111", "Shop A", "a@example.com")).await;
    file(&app, &at_store(2, "2222", "Shop B", "b@example.com")).await;
    let ana = app.moderator("ana@example.org", false).await;
    approved_reply(&app, &ana, "/sellers/aliexpress/2222", "B answers.").await;
    approved_reply(&app, &ana, "/sellers/aliexpress/1111", "A answers later.").await;
    let pending = app.get("/sellers/aliexpress/1111/reply").await;
    let token = csrf_token_in(&pending.text().await.expect("body"));
    let fields = [
        ("csrf_token", token.as_str()),
        ("statement", "A answers once more."),
        ("email", "owner@example.net"),
    ];
    let sent = app
        .post_reply_raw("/sellers/aliexpress/1111", &fields)
        .await;
    assert_eq!(sent.status(), 200);

    let merged = merge(
        &ana,
        "/moderation/sellers/aliexpress/1111",
        "aliexpress/2222",
    )
    .await;
    assert_eq!(merged.status(), 303);
    let kept = json(&app, "/api/v1/sellers/aliexpress/2222").await;
    let replies = kept["replies"].as_array().expect("replies");
    assert_eq!(replies.len(), 1, "{kept}");
    assert_eq!(replies[0]["statement"], "A answers later.");
    let statuses: Vec<(String, String)> = sqlx::query_as(
        "select r.statement, r.status from seller_reply r join seller s using (seller_id)
         where s.seller_key = '2222' order by r.seller_reply_id",
    )
    .fetch_all(&app.db)
    .await
    .expect("replies");
    let statuses: Vec<(&str, &str)> = statuses
        .iter()
        .map(|(s, t)| (s.as_str(), t.as_str()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("B answers.", "replaced"),
            ("A answers later.", "approved"),
            ("A answers once more.", "pending")
        ]
    );
    assert_eq!(
        moved(&app, "/sellers/aliexpress/1111/reply").await,
        "/sellers/aliexpress/2222/reply"
    );
    let (_, _, _, _, after) = last_audit(&app).await;
    assert_eq!(after["moved"]["replies"], 2);
}
