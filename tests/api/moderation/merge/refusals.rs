//! Merges that are refused (and renames of what was merged): the form again with the reason,
//! and nothing changed; and every form without the CSRF token.

use serde_json::json;

use super::super::names::{audit_rows, json, refused};
use super::{merge, two_brands, two_stores};
use crate::helpers::TestApp;
use crate::takedowns::{file, report};

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
