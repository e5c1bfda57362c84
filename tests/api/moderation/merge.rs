//! Moderators merge two store records, or two spellings of a brand, into one: everything moves,
//! the old addresses answer 301, lookups and intake follow, exports see exactly what moved.

use serde_json::{Value, json};

use super::names::{audit_rows, json, last_audit, refused};
use super::{Moderator, location};
use crate::helpers::TestApp;
use crate::takedowns::{changes, export_json, file, holder, item, post_outcomes, report, row_of};

/// An Acme report on listing `n` from AliExpress store `store`, spelling the seller `name`.
fn at_store(n: u64, store: &str, name: &str, email: &str) -> Value {
    let mut report = report(n, "Acme", email);
    report["seller_url"] = json!(format!("https://www.aliexpress.com/store/{store}"));
    report["seller_name"] = json!(name);
    report
}

/// Store 1111 ("Shop A": 2 reports, the later spelled "Shared Name") and store 2222 ("Shop B": 4
/// reports, one spelled "Shared Name"), by six reporters who confirmed their address.
async fn two_stores(app: &TestApp) {
    file(app, &at_store(1, "1111", "Shop A", "a1@example.com")).await;
    file(app, &at_store(2, "1111", "Shared Name", "a2@example.com")).await;
    for (n, email) in [
        (3, "b3@example.com"),
        (4, "b4@example.com"),
        (5, "b5@example.com"),
    ] {
        file(app, &at_store(n, "2222", "Shop B", email)).await;
    }
    file(app, &at_store(6, "2222", "Shared Name", "b6@example.com")).await;
}

fn cursor(export: &Value) -> String {
    export["cursor"].as_str().expect("cursor").to_owned()
}

async fn moved(app: &TestApp, path: &str) -> String {
    let response = app.get(path).await;
    assert_eq!(response.status(), 301, "GET {path}");
    location(&response).to_owned()
}

async fn merge(moderator: &Moderator, path: &str, into: &str) -> reqwest::Response {
    moderator
        .post(&format!("{path}/merge"), &[("into", into)])
        .await
}

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
async fn bad_seller_merges_come_back_with_the_reason_and_change_nothing() {
    let app = TestApp::spawn().await;
    two_stores(&app).await;
    let mut amazon = report(9, "Acme", "z@example.com");
    amazon["listing_url"] = json!("https://www.amazon.de/dp/B08N5WRWNW?smid=A1B2C3D4E5F6G7");
    amazon["seller_url"] = json!("https://www.amazon.de/sp?seller=A1B2C3D4E5F6G7");
    file(&app, &amazon).await;
    let ana = app.moderator("ana@example.org", false).await;
    let path = "/moderation/sellers/aliexpress/1111/merge";
    for (into, message) in [
        ("aliexpress/1111", "cannot be merged into itself"),
        (
            "https://www.aliexpress.com/store/1111",
            "cannot be merged into itself",
        ),
        (
            "aliexpress/9999",
            "Nobody has reported a seller aliexpress/9999",
        ),
        ("", "marketplace/seller_key"),
        ("atlantis/1", "not a marketplace Fakewatch knows"),
        ("amazon/A1B2C3D4E5F6G7", "only sellers of one marketplace"),
    ] {
        let page = refused(&ana, path, &[("into", into)]).await;
        assert!(page.contains(message), "{into}: {page}");
        assert!(page.contains("id=\"into-error\""), "{page}");
    }
    assert_eq!(audit_rows(&app).await, 0);
    assert_eq!(
        json(&app, "/api/v1/sellers/aliexpress/1111").await["counts"]["reports"],
        2
    );

    // Back into its own alias, and a merged seller once more.
    assert_eq!(
        merge(
            &ana,
            "/moderation/sellers/aliexpress/1111",
            "aliexpress/2222"
        )
        .await
        .status(),
        303
    );
    let page = refused(
        &ana,
        "/moderation/sellers/aliexpress/2222/merge",
        &[("into", "aliexpress/1111")],
    )
    .await;
    assert!(
        page.contains("aliexpress/1111 was merged into this seller already"),
        "{page}"
    );
    let page = refused(&ana, path, &[("into", "amazon/A1B2C3D4E5F6G7")]).await;
    assert!(
        page.contains("merged into aliexpress/2222 already"),
        "{page}"
    );
    let page = refused(
        &ana,
        "/moderation/sellers/aliexpress/1111/name",
        &[("display_name", "New")],
    )
    .await;
    assert!(page.contains("rename aliexpress/2222 instead"), "{page}");
    assert_eq!(audit_rows(&app).await, 1);
    assert_eq!(
        json(&app, "/api/v1/sellers/aliexpress/2222").await["counts"]["reports"],
        6
    );
}

/// Acme Corp (slug acme-corp) on listings 1 and 2, Acme on listings 2 and 3; holder X exports
/// Acme Corp, holder Y exports Acme. Y marked listing 2 counterfeit, then X marked it removed.
async fn two_brands(app: &TestApp) -> (String, String) {
    let x = holder(app, "Corp Holdings", &["Acme Corp"]).await;
    let y = holder(app, "Acme Inc", &["Acme"]).await;
    file(app, &report(1, "Acme Corp", "a@example.com")).await;
    file(app, &report(2, "Acme Corp", "b@example.com")).await;
    file(app, &report(2, "Acme", "c@example.com")).await;
    file(app, &report(3, "Acme", "d@example.com")).await;
    let outcome = |brand: &str, outcome: &str| json!([{"brand": brand, "listing_url": item(2), "outcome": outcome}]);
    let answer = post_outcomes(app, &y, outcome("acme", "confirmed_counterfeit")).await;
    assert_eq!(answer.status(), 200);
    let answer = post_outcomes(app, &x, outcome("acme-corp", "removed")).await;
    assert_eq!(answer.status(), 200);
    (x, y)
}

#[tokio::test]
async fn a_merged_brands_reports_rows_and_rights_holders_move_and_its_addresses_answer_301() {
    let app = TestApp::spawn().await;
    let (x, y) = two_brands(&app).await;
    let x_cursor = cursor(&export_json(&app, &x, "brand=acme-corp").await);
    let y_cursor = cursor(&export_json(&app, &y, "brand=acme").await);
    let ana = app.moderator("ana@example.org", false).await;

    let merged = merge(&ana, "/moderation/brands/acme-corp", "Acme").await;
    assert_eq!(merged.status(), 303);
    assert_eq!(location(&merged), "/moderation/brands/acme");

    assert_eq!(
        moved(&app, "/brands/acme-corp?page=1").await,
        "/brands/acme?page=1"
    );
    assert_eq!(
        moved(&app, "/brands/acme-corp/feed.atom").await,
        "/brands/acme/feed.atom"
    );
    assert_eq!(
        moved(&app, "/api/v1/brands/acme-corp").await,
        "/api/v1/brands/acme"
    );
    let kept = json(&app, "/api/v1/brands/acme").await;
    assert_eq!(kept["reports"], 4, "{kept}");
    assert_eq!(kept["distinct_reporters"], 4);

    // X keeps exporting, under the kept brand: its sync brings the moved rows and the kept
    // brand's rows it never had. Listing 2 has one row, with the later outcome.
    let sync = export_json(&app, &x, &format!("brand=acme-corp&since={x_cursor}")).await;
    assert_eq!(
        changes(&sync),
        [
            (item(1), "reported".into()),
            (item(2), "removed".into()),
            (item(3), "reported".into())
        ]
    );
    assert_eq!(row_of(&sync, &item(2))["reports"], 2);
    assert_eq!(row_of(&sync, &item(2))["brand_name"], "Acme");
    let scope = json_as(&app, &x, "/api/v1/rights-holder").await;
    assert!(scope.to_string().contains("\"acme\""), "{scope}");
    let sync = export_json(&app, &y, &format!("brand=acme&since={y_cursor}")).await;
    assert!(
        changes(&sync).contains(&(item(1), "reported".into())),
        "{sync}"
    );
    assert!(
        changes(&sync).contains(&(item(2), "removed".into())),
        "{sync}"
    );

    // Typing the merged brand's name files under the kept brand.
    let filed = file(&app, &report(4, "Acme Corp", "e@example.com")).await;
    assert_eq!(filed["brand"]["slug"], "acme", "{filed}");

    let (who, action, subject, before, after) = last_audit(&app).await;
    assert_eq!(
        (who.as_str(), action.as_str(), subject.as_str()),
        ("ana@example.org", "merge_brand", "acme-corp")
    );
    assert_eq!(before["merged"]["live_reports"], 2);
    assert_eq!(before["kept"]["brand"], "acme");
    assert_eq!(after["merged_into"], "acme");
    assert_eq!(after["kept"]["live_reports"], 4);
    assert_eq!(
        after["kept"]["rights_holders"],
        json!(["Acme Inc", "Corp Holdings"])
    );
    assert_eq!(after["moved"]["reports"], 2);
    assert_eq!(after["moved"]["listings"], 2);
}

#[tokio::test]
async fn a_brand_merge_marks_only_the_moved_rows_changed_when_no_holder_gains_a_brand() {
    let app = TestApp::spawn().await;
    let y = holder(&app, "Acme Inc", &["Acme", "Acme Corp"]).await;
    file(&app, &report(1, "Acme Corp", "a@example.com")).await;
    file(&app, &report(3, "Acme", "d@example.com")).await;
    let before = cursor(&export_json(&app, &y, "brand=acme").await);
    let ana = app.moderator("ana@example.org", false).await;
    assert_eq!(
        merge(&ana, "/moderation/brands/acme-corp", "acme")
            .await
            .status(),
        303
    );
    let sync = export_json(&app, &y, &format!("brand=acme&since={before}")).await;
    assert_eq!(changes(&sync), [(item(1), "reported".into())]);
}

#[tokio::test]
async fn bad_brand_merges_come_back_with_the_reason_and_change_nothing() {
    let app = TestApp::spawn().await;
    two_brands(&app).await;
    let ana = app.moderator("ana@example.org", false).await;
    let path = "/moderation/brands/acme-corp/merge";
    for (into, message) in [
        ("acme-corp", "A brand cannot be merged into itself"),
        ("Acme Corp", "A brand cannot be merged into itself"),
        ("globex", "Nobody has reported a brand globex"),
        ("!!!", "its slug"),
    ] {
        let page = refused(&ana, path, &[("into", into)]).await;
        assert!(page.contains(message), "{into}: {page}");
    }
    assert_eq!(audit_rows(&app).await, 0);
    assert_eq!(json(&app, "/api/v1/brands/acme-corp").await["reports"], 2);
}

#[tokio::test]
async fn every_rename_and_merge_without_the_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    two_stores(&app).await;
    file(&app, &report(9, "Globex", "g@example.com")).await;
    let ana = app.moderator("ana@example.org", false).await;
    for (path, field, value) in [
        (
            "/moderation/sellers/aliexpress/1111/name",
            "display_name",
            "Renamed",
        ),
        (
            "/moderation/sellers/aliexpress/1111/merge",
            "into",
            "aliexpress/2222",
        ),
        ("/moderation/brands/acme/name", "display_name", "Renamed"),
        ("/moderation/brands/acme/merge", "into", "globex"),
    ] {
        let answer = ana.post_raw(path, &[(field, value)]).await;
        assert_eq!(answer.status(), 403, "{path}");
        let answer = ana
            .post_raw(path, &[("csrf_token", "forged"), (field, value)])
            .await;
        assert_eq!(answer.status(), 403, "{path}");
    }
    assert_eq!(audit_rows(&app).await, 0);
    assert_eq!(
        json(&app, "/api/v1/sellers/aliexpress/1111").await["name"],
        "Shop A"
    );
    assert_eq!(json(&app, "/api/v1/brands/acme").await["name"], "Acme");
    assert_eq!(json(&app, "/api/v1/brands/globex").await["reports"], 1);
}

/// A GET with a rights holder's token, as JSON.
async fn json_as(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app
        .client
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 200);
    response.json().await.expect("json")
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
    let mut blocker = app.db.begin().await.expect("transaction");
    sqlx::query("select 1 from seller where seller_key = '2222' for update")
        .execute(&mut *blocker)
        .await
        .expect("lock");
    let pause = |ms| tokio::time::sleep(std::time::Duration::from_millis(ms));
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
    let mut blocker = app.db.begin().await.expect("transaction");
    sqlx::query("select 1 from seller where seller_key = '1111' for update")
        .execute(&mut *blocker)
        .await
        .expect("lock");
    let pause = |ms| tokio::time::sleep(std::time::Duration::from_millis(ms));
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
