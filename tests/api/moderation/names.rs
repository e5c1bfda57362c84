//! Moderators find sellers and brands and rename them: the name sticks, exports see it, and a
//! bad name changes nothing.

use serde_json::{Value, json};

use super::{Moderator, location};
use crate::helpers::TestApp;
use crate::takedowns::{export_json, file, holder, item, report, row_of};

const SELLER: &str = "/moderation/sellers/aliexpress/1102345678";
const SELLER_API: &str = "/api/v1/sellers/aliexpress/1102345678";

/// The last audit row: (moderator, action, subject, before, after).
pub async fn last_audit(app: &TestApp) -> (String, String, String, Value, Value) {
    sqlx::query_as(
        "select m.email, a.action, a.subject_id, a.before, a.after
         from moderation_audit a join moderator m using (moderator_id)
         order by a.moderation_audit_id desc limit 1",
    )
    .fetch_one(&app.db)
    .await
    .expect("an audit row")
}

pub async fn audit_rows(app: &TestApp) -> i64 {
    sqlx::query_scalar("select count(*) from moderation_audit where moderator_id is not null")
        .fetch_one(&app.db)
        .await
        .expect("count")
}

pub async fn json(app: &TestApp, path: &str) -> Value {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "GET {path}");
    response.json().await.expect("json")
}

/// Posts a form that must be refused with `422`; returns the page.
pub async fn refused(moderator: &Moderator, path: &str, fields: &[(&str, &str)]) -> String {
    let response = moderator.post(path, fields).await;
    let status = response.status();
    let body = response.text().await.expect("body");
    assert_eq!(status, 422, "POST {path} {fields:?}: {body}");
    body
}

#[tokio::test]
async fn a_seller_renamed_by_a_moderator_keeps_the_name_whatever_later_reports_call_it() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "LVMH", &["Louis Vuitton"]).await;
    file(&app, &report(1, "Louis Vuitton", "a@example.com")).await;
    let cursor = export_json(&app, &token, "brand=louis-vuitton").await["cursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    let ana = app.moderator("ana@example.org", false).await;
    let page = ana.page(SELLER).await;
    assert!(page.contains("Luxury Outlet Store"), "{page}");
    assert!(
        page.contains("The spelling most live reports gave"),
        "{page}"
    );

    let renamed = ana
        .post(
            &format!("{SELLER}/name"),
            &[
                ("display_name", "  LV Outlet\u{200B} (AliExpress) "),
                ("back", SELLER),
            ],
        )
        .await;
    assert_eq!(renamed.status(), 303);
    assert_eq!(location(&renamed), SELLER);
    assert_eq!(
        json(&app, SELLER_API).await["name"],
        "LV Outlet (AliExpress)"
    );
    let page = ana.page(SELLER).await;
    assert!(page.contains("Set by a moderator on"), "{page}");

    // Two more reports spelling it otherwise outvote the old name, but not the moderator's.
    for (n, email) in [(2, "b@example.com"), (3, "c@example.com")] {
        let mut other = report(n, "Louis Vuitton", email);
        other["seller_name"] = json!("Cheap Bags 4U");
        file(&app, &other).await;
    }
    let seller = json(&app, SELLER_API).await;
    assert_eq!(seller["name"], "LV Outlet (AliExpress)");
    assert_eq!(seller["counts"]["reports"], 3);

    // The export's rows show the seller's name: the rename reaches the next sync.
    let sync = export_json(&app, &token, &format!("brand=louis-vuitton&since={cursor}")).await;
    assert_eq!(
        row_of(&sync, &item(1))["seller_name"],
        "LV Outlet (AliExpress)"
    );

    let (who, action, subject, before, after) = last_audit(&app).await;
    assert_eq!(
        (who.as_str(), action.as_str(), subject.as_str()),
        ("ana@example.org", "rename_seller", "aliexpress/1102345678")
    );
    assert_eq!(before["display_name"], "Luxury Outlet Store");
    assert_eq!(before["set_by_moderator"], false);
    assert_eq!(after["display_name"], "LV Outlet (AliExpress)");
}

#[tokio::test]
async fn a_renamed_brand_keeps_its_address_and_reports_typing_the_new_name_join_it() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "LVMH", &["Louis Vuiton"]).await;
    file(&app, &report(1, "Louis Vuiton", "a@example.com")).await;
    let cursor = export_json(&app, &token, "brand=louis-vuiton").await["cursor"]
        .as_str()
        .expect("cursor")
        .to_owned();
    let ana = app.moderator("ana@example.org", false).await;
    let path = "/moderation/brands/louis-vuiton";
    assert!(ana.page(path).await.contains("Louis Vuiton"));

    let renamed = ana
        .post(
            &format!("{path}/name"),
            &[("display_name", "Louis Vuitton")],
        )
        .await;
    assert_eq!(renamed.status(), 303);
    assert_eq!(location(&renamed), path);
    assert_eq!(
        json(&app, "/api/v1/brands/louis-vuiton").await["name"],
        "Louis Vuitton"
    );

    // The new name's slug leads to the brand: a report typing it files under it, and the
    // slug's addresses lead to the brand's own.
    let filed = file(&app, &report(2, "Louis Vuitton", "b@example.com")).await;
    assert_eq!(filed["brand"]["slug"], "louis-vuiton", "{filed}");
    let moved = app.get("/api/v1/brands/louis-vuitton?page=1").await;
    assert_eq!(moved.status(), 301);
    assert_eq!(location(&moved), "/api/v1/brands/louis-vuiton?page=1");
    assert_eq!(
        json(&app, "/api/v1/brands/louis-vuiton").await["reports"],
        2
    );

    // Every row of the brand's list shows its name: the sync has the renamed row.
    let sync = export_json(&app, &token, &format!("brand=louis-vuiton&since={cursor}")).await;
    assert_eq!(
        row_of(&sync, &item(1))["brand_name"],
        "Louis Vuitton",
        "{sync}"
    );

    let (who, action, subject, before, after) = last_audit(&app).await;
    assert_eq!(
        (who.as_str(), action.as_str(), subject.as_str()),
        ("ana@example.org", "rename_brand", "louis-vuiton")
    );
    assert_eq!(before["display_name"], "Louis Vuiton");
    assert_eq!(after["display_name"], "Louis Vuitton");
    assert_eq!(after["alias_added"], "louis-vuitton");
}

#[tokio::test]
async fn empty_and_overlong_names_come_back_with_the_field_error_and_change_nothing() {
    let app = TestApp::spawn().await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    let ana = app.moderator("ana@example.org", false).await;
    let long_seller = "x".repeat(201);
    let long_brand = "x".repeat(101);
    for (path, name, message) in [
        (
            SELLER,
            "   ",
            "Give the name the seller should be shown under",
        ),
        (SELLER, long_seller.as_str(), "under 200 characters"),
        (
            "/moderation/brands/acme",
            "\u{200B}",
            "Give the name the brand",
        ),
        (
            "/moderation/brands/acme",
            long_brand.as_str(),
            "under 100 characters",
        ),
    ] {
        let page = refused(&ana, &format!("{path}/name"), &[("display_name", name)]).await;
        assert!(page.contains(message), "{path} {name:?}: {page}");
        assert!(page.contains("id=\"display_name-error\""), "{page}");
        assert!(page.contains("Nothing was changed"), "{page}");
    }
    assert_eq!(json(&app, SELLER_API).await["name"], "Luxury Outlet Store");
    assert_eq!(json(&app, "/api/v1/brands/acme").await["name"], "Acme");
    assert_eq!(audit_rows(&app).await, 0);
}

/// The form's own checks are stricter than the database's, so this calls the writes directly:
/// a name past the database's limit is the `display_name` field's error, not a failure.
#[tokio::test]
async fn names_the_database_refuses_are_the_display_name_fields_error() {
    use fakewatch::db::constraint::WriteError;

    let app = TestApp::spawn().await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    let (seller_id, brand_id): (i64, i64) = sqlx::query_as(
        "select s.seller_id, b.brand_id from seller s, brand b
         where s.seller_key = '1102345678' and b.slug = 'acme'",
    )
    .fetch_one(&app.db)
    .await
    .expect("the reported seller and brand");
    let mut conn = app.db.acquire().await.expect("connection");
    let seller =
        fakewatch::db::curation::rename_seller(&mut conn, seller_id, &"x".repeat(301)).await;
    let brand = fakewatch::db::curation::rename_brand(&mut conn, brand_id, &"x".repeat(121)).await;
    for (what, result) in [("seller", seller), ("brand", brand)] {
        match result {
            Err(WriteError::Refused(errors)) => {
                let message = errors.get("display_name").expect("names the field");
                assert!(message.contains(what), "{message}");
            }
            other => panic!("{what}: {other:?}"),
        }
    }
    drop(conn);
    assert_eq!(json(&app, SELLER_API).await["name"], "Luxury Outlet Store");
    assert_eq!(json(&app, "/api/v1/brands/acme").await["name"], "Acme");
}

#[tokio::test]
async fn unknown_sellers_and_brands_have_no_moderation_page_and_cannot_be_renamed() {
    let app = TestApp::spawn().await;
    let ana = app.moderator("ana@example.org", false).await;
    for path in [
        "/moderation/sellers/aliexpress/404",
        "/moderation/sellers/atlantis/1",
        "/moderation/brands/nobody",
    ] {
        assert_eq!(ana.get(path).await.status(), 404, "{path}");
        let renamed = ana
            .post(&format!("{path}/name"), &[("display_name", "Name")])
            .await;
        assert_eq!(renamed.status(), 404, "{path}");
    }
    assert_eq!(audit_rows(&app).await, 0);
}

#[tokio::test]
async fn moderators_find_sellers_and_brands_by_name_key_link_or_address() {
    let app = TestApp::spawn().await;
    file(&app, &report(1, "Acme", "a@example.com")).await;
    let ana = app.moderator("ana@example.org", false).await;
    for q in [
        "aliexpress/1102345678",
        "https://www.aliexpress.com/store/1102345678",
        "http://127.0.0.1/sellers/aliexpress/1102345678",
    ] {
        let found = ana
            .get(&format!("/moderation/find?q={}", urlencoding(q)))
            .await;
        assert_eq!(found.status(), 303, "{q}");
        assert_eq!(location(&found), SELLER, "{q}");
    }
    let listing = ana
        .get(&format!("/moderation/find?q={}", urlencoding(&item(1))))
        .await;
    assert_eq!(location(&listing), SELLER);
    let brand = ana.get("/moderation/find?q=%2Fbrands%2Facme").await;
    assert_eq!(location(&brand), "/moderation/brands/acme");

    let page = ana.page("/moderation/find?q=luxury").await;
    assert!(page.contains(&format!("href=\"{SELLER}\"")), "{page}");
    let page = ana.page("/moderation/find?q=acm").await;
    assert!(page.contains("href=\"/moderation/brands/acme\""), "{page}");
    let short = ana.get("/moderation/find?q=x").await;
    assert_eq!(short.status(), 422);
}

fn urlencoding(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
