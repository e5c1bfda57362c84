//! Merging a brand into another: reports, takedown rows with their outcomes, and rights
//! holders move; its addresses and its name lead to the kept brand.

use serde_json::json;

use super::super::location;
use super::super::names::{json, last_audit};
use super::{cursor, json_as, merge, moved, two_brands};
use crate::helpers::TestApp;
use crate::takedowns::{changes, export_json, file, holder, item, report, row_of};

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
