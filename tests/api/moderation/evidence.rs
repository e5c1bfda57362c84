//! Evidence files and moderators: the files are served to a moderator session and nobody else
//! (besides the reporter and a signed link); a hidden file leaves brand owners' exports, its
//! signed link and the reputation's evidence count, and stays listed for its reporter.

use reqwest::Response;
use serde_json::{Value, json};

use super::location;
use super::reports::{SELLER_API, audit_count, audit_rows, id_of, json};
use crate::helpers::{TestApp, client, fixture};
use crate::takedowns::{export_json, holder, item, report, row_of};

/// Files an Acme report on listing 1 with a photo and a PDF; returns the receipt.
async fn file_with_evidence(app: &TestApp) -> Value {
    let response = app
        .post_report_multipart(
            &report(1, "Acme", "a@example.com"),
            &[
                ("photo.jpg", fixture("photo_gps.jpg")),
                ("receipt.pdf", fixture("receipt.pdf")),
            ],
        )
        .await;
    assert_eq!(response.status(), 201);
    let filed: Value = response.json().await.expect("json");
    app.confirm_address("a@example.com").await;
    filed
}

fn evidence_ids(filed: &Value) -> (String, String) {
    let files = filed["evidence"].as_array().expect("evidence");
    let id = |media: &str| {
        files
            .iter()
            .find(|f| f["media_type"] == media)
            .and_then(|f| f["id"].as_str())
            .expect("file")
            .to_owned()
    };
    (id("image/jpeg"), id("application/pdf"))
}

fn header(response: &Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn evidence_files_are_served_to_a_moderator_session_and_to_nobody_without_one() {
    let app = TestApp::spawn().await;
    let filed = file_with_evidence(&app).await;
    let (photo, pdf) = evidence_ids(&filed);
    let token = filed["manage_token"].as_str().expect("token");

    let anonymous = client()
        .get(app.url(&format!("/moderation/evidence/{photo}")))
        .send()
        .await
        .expect("request");
    assert_eq!(anonymous.status(), 303);
    assert_eq!(location(&anonymous), "/moderation/login");

    let ana = app.moderator("ana@example.org", false).await;
    for (id, media_type) in [(&photo, "image/jpeg"), (&pdf, "application/pdf")] {
        let served = ana.get(&format!("/moderation/evidence/{id}")).await;
        assert_eq!(served.status(), 200);
        assert_eq!(header(&served, "content-type"), media_type);
        assert_eq!(header(&served, "x-content-type-options"), "nosniff");
        assert!(header(&served, "cache-control").contains("no-store"));
        let bytes = served.bytes().await.expect("bytes");
        // The very bytes the reporter gets through their manage token.
        let own = app.get_evidence_api(id_of(&filed), id, token).await;
        assert_eq!(bytes, own.bytes().await.expect("bytes"));
    }
    assert_eq!(
        ana.get("/moderation/evidence/nosuchfile").await.status(),
        404
    );
}

#[tokio::test]
async fn a_hidden_file_leaves_exports_and_its_signed_link_and_comes_back_when_shown() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let filed = file_with_evidence(&app).await;
    let (photo, pdf) = evidence_ids(&filed);
    let full = export_json(&app, &token, "brand=acme").await;
    let evidence = row_of(&full, &item(1))["evidence"]
        .as_array()
        .expect("evidence")
        .clone();
    assert_eq!(evidence.len(), 2);
    let link = |id: &str| {
        evidence
            .iter()
            .find(|f| f["id"] == id)
            .and_then(|f| f["url"].as_str())
            .expect("link")
            .to_owned()
    };
    let (photo_link, pdf_link) = (link(&photo), link(&pdf));
    let anyone = client();
    let status = |url: String| {
        let anyone = &anyone;
        async move { anyone.get(url).send().await.expect("request").status() }
    };
    assert_eq!(status(photo_link.clone()).await, 200);
    let c1 = full["cursor"].as_str().expect("cursor").to_owned();
    let explained = |seller: &Value| seller["reputation"]["explanation"].to_string();
    assert!(explained(&json(&app, SELLER_API).await).contains("attached evidence"));

    let ana = app.moderator("ana@example.org", false).await;
    let back = "/moderation?flag=burst";
    let hidden = ana
        .post(
            &format!("/moderation/evidence/{photo}/hide"),
            &[("back", back)],
        )
        .await;
    assert_eq!(hidden.status(), 303);
    assert_eq!(location(&hidden), back);

    // Gone from the signed link and from the lists; the other file stays.
    assert_eq!(status(photo_link.clone()).await, 404);
    assert_eq!(status(pdf_link.clone()).await, 200);
    let ids = |export: &Value| -> Vec<String> {
        row_of(export, &item(1))["evidence"]
            .as_array()
            .expect("evidence")
            .iter()
            .map(|f| f["id"].as_str().expect("id").to_owned())
            .collect()
    };
    assert_eq!(
        ids(&export_json(&app, &token, "brand=acme").await),
        [pdf.as_str()]
    );
    // The incremental export carries the changed row.
    let sync = export_json(&app, &token, &format!("brand=acme&since={c1}")).await;
    assert_eq!(ids(&sync), [pdf.as_str()]);
    let c2 = sync["cursor"].as_str().expect("cursor").to_owned();
    // The reporter still sees it, marked.
    let manage = app
        .get(&format!(
            "/reports/{}/manage/{}",
            id_of(&filed),
            filed["manage_token"].as_str().expect("token")
        ))
        .await
        .text()
        .await
        .expect("manage page");
    assert_eq!(
        manage.matches("Hidden by a moderator").count(),
        1,
        "{manage}"
    );
    assert!(manage.contains(&photo));
    // Moderators still see it.
    assert_eq!(
        ana.get(&format!("/moderation/evidence/{photo}"))
            .await
            .status(),
        200
    );

    // With both files hidden, the report no longer counts as one with evidence.
    let hidden = ana
        .post(&format!("/moderation/evidence/{pdf}/hide"), &[])
        .await;
    assert_eq!(hidden.status(), 303);
    assert_eq!(location(&hidden), "/moderation");
    assert!(!explained(&json(&app, SELLER_API).await).contains("attached evidence"));

    let shown = ana
        .post(&format!("/moderation/evidence/{photo}/show"), &[])
        .await;
    assert_eq!(shown.status(), 303);
    assert_eq!(status(photo_link).await, 200);
    let sync = export_json(&app, &token, &format!("brand=acme&since={c2}")).await;
    assert_eq!(ids(&sync), [photo.as_str()]);

    let rows = audit_rows(&app, &photo).await;
    let report_id = id_of(&filed);
    assert_eq!(
        rows,
        [
            (
                Some("ana@example.org".to_owned()),
                "hide_evidence".to_owned(),
                Some(json!({"hidden": false, "report": report_id})),
                Some(json!({"hidden": true, "report": report_id})),
            ),
            (
                Some("ana@example.org".to_owned()),
                "show_evidence".to_owned(),
                Some(json!({"hidden": true, "report": report_id})),
                Some(json!({"hidden": false, "report": report_id})),
            ),
        ]
    );
}

#[tokio::test]
async fn hiding_twice_is_a_409_and_hiding_or_showing_without_the_csrf_token_a_403() {
    let app = TestApp::spawn().await;
    let filed = file_with_evidence(&app).await;
    let (photo, _) = evidence_ids(&filed);
    let ana = app.moderator("ana@example.org", false).await;
    let hidden = || async {
        sqlx::query_scalar::<_, bool>(
            "select hidden_at is not null from evidence where public_id = $1",
        )
        .bind(&photo)
        .fetch_one(&app.db)
        .await
        .expect("file")
    };

    for action in ["hide", "show"] {
        let path = format!("/moderation/evidence/{photo}/{action}");
        assert_eq!(ana.post_raw(&path, &[]).await.status(), 403, "{action}");
        let wrong = ana.post_raw(&path, &[("csrf_token", "forged")]).await;
        assert_eq!(wrong.status(), 403, "{action}");
    }
    assert!(!hidden().await);
    assert_eq!(audit_count(&app).await, 0);

    let show = ana
        .post(&format!("/moderation/evidence/{photo}/show"), &[])
        .await;
    assert_eq!(show.status(), 409);
    assert!(show.text().await.expect("page").contains("not hidden"));
    let path = format!("/moderation/evidence/{photo}/hide");
    assert_eq!(ana.post(&path, &[]).await.status(), 303);
    let again = ana.post(&path, &[]).await;
    assert_eq!(again.status(), 409);
    assert!(again.text().await.expect("page").contains("hidden already"));
    assert!(hidden().await);
    assert_eq!(audit_count(&app).await, 1);
    assert_eq!(
        ana.post("/moderation/evidence/nosuchfile/hide", &[])
            .await
            .status(),
        404
    );
}
