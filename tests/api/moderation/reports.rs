//! Verifying and rejecting reports: each decision shows at once in the seller's JSON, on the
//! public and the reporter's pages and in brand owners' incremental exports, and writes its
//! audit row; a decision the report's state does not allow, or a form without its reason or
//! its CSRF token, changes nothing.

use serde_json::{Value, json};

use super::{Moderator, location};
use crate::helpers::TestApp;
use crate::takedowns::{changes, export_json, file, holder, item, report};

/// The seller of every report here (`valid_report()`'s store).
pub const SELLER_API: &str = "/api/v1/sellers/aliexpress/1102345678";

/// Files `report` through the API and returns the receipt (`id`, `manage_token`, …); its
/// reporter does not confirm the address.
pub async fn file_unconfirmed(app: &TestApp, report: &Value) -> Value {
    let response = app.post_report_json(report).await;
    let status = response.status();
    let body = response.text().await.expect("body");
    assert!(status.is_success(), "{status}: {body}");
    serde_json::from_str(&body).expect("json")
}

pub fn id_of(filed: &Value) -> &str {
    filed["id"].as_str().expect("id")
}

pub async fn json(app: &TestApp, path: &str) -> Value {
    let response = app.get(path).await;
    assert_eq!(response.status(), 200, "GET {path}");
    response.json().await.expect("json")
}

/// The report's status and rejection reason as stored.
pub async fn standing(app: &TestApp, id: &str) -> (String, Option<String>) {
    sqlx::query_as("select status, rejection_reason from report where public_id = $1")
        .bind(id)
        .fetch_one(&app.db)
        .await
        .expect("report")
}

/// The audit rows about `subject`, oldest first: (moderator's email, action, before, after).
pub async fn audit_rows(
    app: &TestApp,
    subject: &str,
) -> Vec<(Option<String>, String, Option<Value>, Option<Value>)> {
    sqlx::query_as(
        "select m.email, a.action, a.before, a.after
         from moderation_audit a left join moderator m using (moderator_id)
         where a.subject_id = $1 order by a.moderation_audit_id",
    )
    .bind(subject)
    .fetch_all(&app.db)
    .await
    .expect("audit rows")
}

/// Audit rows about reports and evidence files (adding moderators writes rows too).
pub async fn audit_count(app: &TestApp) -> i64 {
    sqlx::query_scalar(
        "select count(*) from moderation_audit where subject_kind in ('report', 'evidence')",
    )
    .fetch_one(&app.db)
    .await
    .expect("count")
}

/// Posts a decision on report `id` and expects the `303` back to `back`.
pub async fn decide(moderator: &Moderator, id: &str, action: &str, reason: Option<&str>) {
    let back = "/moderation?marketplace=aliexpress";
    let mut fields = vec![("back", back)];
    if let Some(reason) = reason {
        fields.push(("reason", reason));
    }
    let answer = moderator
        .post(&format!("/moderation/reports/{id}/{action}"), &fields)
        .await;
    assert_eq!(answer.status(), 303, "{action} {id}");
    assert_eq!(location(&answer), back);
}

#[tokio::test]
async fn verifying_makes_unconfirmed_reporters_count_at_once_and_writes_the_audit_row() {
    let app = TestApp::spawn().await;
    let mut filed = Vec::new();
    for n in 1..=3 {
        filed.push(file_unconfirmed(&app, &report(n, "Acme", &format!("r{n}@example.com"))).await);
    }
    let before = json(&app, SELLER_API).await;
    assert_eq!(before["counts"]["reports"], 3);
    assert_eq!(before["counts"]["verified"], 0);
    assert_eq!(before["counts"]["confirmed_reporters"], 0);
    assert_eq!(before["reputation"]["label"], "some_unverified_reports");
    let report_before = json(&app, &format!("/api/v1/reports/{}", id_of(&filed[0]))).await;
    assert_eq!(report_before["counted"], false);

    let ana = app.moderator("ana@example.org", false).await;
    decide(&ana, id_of(&filed[0]), "verify", None).await;
    let one = json(&app, SELLER_API).await;
    assert_eq!(one["counts"]["verified"], 1);
    assert_eq!(one["counts"]["confirmed_reporters"], 1);
    let report_after = json(&app, &format!("/api/v1/reports/{}", id_of(&filed[0]))).await;
    assert_eq!(report_after["status"], "verified");
    assert_eq!(report_after["counted"], true);
    assert_eq!(report_after["rejection_reason"], Value::Null);

    for f in &filed[1..] {
        decide(&ana, id_of(f), "verify", None).await;
    }
    let all = json(&app, SELLER_API).await;
    assert_eq!(all["counts"]["verified"], 3);
    assert_eq!(all["counts"]["confirmed_reporters"], 3);
    assert_eq!(all["reputation"]["label"], "repeated_reports");

    let rows = audit_rows(&app, id_of(&filed[0])).await;
    assert_eq!(
        rows,
        [(
            Some("ana@example.org".to_owned()),
            "verify_report".to_owned(),
            Some(json!({"status": "unverified", "reason": null})),
            Some(json!({"status": "verified", "reason": null})),
        )]
    );
    let kind: String = sqlx::query_scalar(
        "select subject_kind from moderation_audit where action = 'verify_report' limit 1",
    )
    .fetch_one(&app.db)
    .await
    .expect("kind");
    assert_eq!(kind, "report");
}

#[tokio::test]
async fn rejecting_takes_a_report_out_of_the_counts_and_every_page_says_why() {
    let app = TestApp::spawn().await;
    let kept = file(&app, &report(1, "Acme", "a@example.com")).await;
    let rejected = file(&app, &report(2, "Acme", "b@example.com")).await;
    assert_eq!(json(&app, SELLER_API).await["counts"]["reports"], 2);

    let ana = app.moderator("ana@example.org", false).await;
    decide(&ana, id_of(&rejected), "reject", Some("personal_data")).await;
    let seller = json(&app, SELLER_API).await;
    assert_eq!(seller["counts"]["reports"], 1);
    assert_eq!(seller["counts"]["confirmed_reporters"], 1);
    assert_eq!(
        standing(&app, id_of(&kept)).await,
        ("unverified".to_owned(), None)
    );

    // The API: rejected, why, not counted, and the text that may be the problem withheld.
    let id = id_of(&rejected);
    let api = json(&app, &format!("/api/v1/reports/{id}")).await;
    assert_eq!(api["status"], "rejected");
    assert_eq!(api["rejection_reason"], "personal_data");
    assert_eq!(api["counted"], false);
    assert_eq!(api["description"], "");
    assert_eq!(api["product_title"], serde_json::Value::Null);
    // The public page.
    let page = app.get(&format!("/reports/{id}")).await;
    assert_eq!(page.status(), 200);
    let page = page.text().await.expect("page");
    assert!(page.contains("Rejected by a moderator"), "{page}");
    assert!(page.contains("The report contains personal data"), "{page}");
    assert!(
        !page.contains("The monogram pattern is misaligned"),
        "{page}"
    );
    assert!(
        !page.contains("Neverfull MM tote"),
        "the title is free text too"
    );
    assert!(!page.contains("email not confirmed"), "{page}");
    // The reporter's own page: the status, the reason, and their text.
    let token = rejected["manage_token"].as_str().expect("token");
    let manage = app.get(&format!("/reports/{id}/manage/{token}")).await;
    let manage = manage.text().await.expect("manage page");
    assert!(manage.contains("status-rejected"), "{manage}");
    assert!(
        manage.contains("The moderator's reason:</strong> The report contains personal data"),
        "{manage}"
    );
    assert!(manage.contains("The monogram pattern is misaligned"));
    assert!(
        manage.contains("<span class=\"badge\">confirmed</span>"),
        "{manage}"
    );

    // The reason can be corrected, and the rejection undone; each with its audit row.
    decide(&ana, id, "reject", Some("duplicate")).await;
    assert_eq!(
        standing(&app, id).await,
        ("rejected".to_owned(), Some("duplicate".to_owned()))
    );
    decide(&ana, id, "verify", None).await;
    assert_eq!(standing(&app, id).await, ("verified".to_owned(), None));
    assert_eq!(json(&app, SELLER_API).await["counts"]["reports"], 2);
    let rows = audit_rows(&app, id).await;
    let steps: Vec<(&str, &Value, &Value)> = rows
        .iter()
        .map(|(_, action, before, after)| {
            (
                action.as_str(),
                before.as_ref().expect("before"),
                after.as_ref().expect("after"),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            (
                "reject_report",
                &json!({"status": "unverified", "reason": null}),
                &json!({"status": "rejected", "reason": "personal_data"})
            ),
            (
                "reject_report",
                &json!({"status": "rejected", "reason": "personal_data"}),
                &json!({"status": "rejected", "reason": "duplicate"})
            ),
            (
                "verify_report",
                &json!({"status": "rejected", "reason": "duplicate"}),
                &json!({"status": "verified", "reason": null})
            ),
        ]
    );
}

#[tokio::test]
async fn a_rejected_report_moves_the_sellers_shown_name_back_to_the_live_reports_spelling() {
    let app = TestApp::spawn().await;
    let mut rude = report(1, "Acme", "a@example.com");
    rude["seller_name"] = json!("Rude Words Shop");
    let rude = file(&app, &rude).await;
    file(&app, &report(2, "Acme", "b@example.com")).await;
    // One vote each: the spelling given first wins.
    assert_eq!(json(&app, SELLER_API).await["name"], "Rude Words Shop");

    let ana = app.moderator("ana@example.org", false).await;
    decide(&ana, id_of(&rude), "reject", Some("spam")).await;
    assert_eq!(json(&app, SELLER_API).await["name"], "Luxury Outlet Store");
    decide(&ana, id_of(&rude), "verify", None).await;
    assert_eq!(json(&app, SELLER_API).await["name"], "Rude Words Shop");
}

#[tokio::test]
async fn a_rejection_without_a_known_reason_is_a_422_naming_the_field_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let filed = file_unconfirmed(&app, &report(1, "Acme", "a@example.com")).await;
    let id = id_of(&filed);
    let ana = app.moderator("ana@example.org", false).await;
    for fields in [
        vec![],
        vec![("reason", "")],
        vec![("reason", "because")],
        vec![("reason", "Spam")],
    ] {
        let answer = ana
            .post(&format!("/moderation/reports/{id}/reject"), &fields)
            .await;
        assert_eq!(answer.status(), 422, "{fields:?}");
        assert!(
            answer
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .is_some_and(|t| t.starts_with("text/html"))
        );
        let page = answer.text().await.expect("page");
        assert!(page.contains("<strong>reason</strong>"), "{page}");
        assert!(page.contains("insufficient_evidence"), "{page}");
    }
    assert_eq!(standing(&app, id).await, ("unverified".to_owned(), None));
    assert_eq!(audit_count(&app).await, 0);
}

#[tokio::test]
async fn decisions_the_reports_state_does_not_allow_are_refused_with_a_409() {
    let app = TestApp::spawn().await;
    let verified = file_unconfirmed(&app, &report(1, "Acme", "a@example.com")).await;
    let withdrawn = file_unconfirmed(&app, &report(2, "Acme", "b@example.com")).await;
    let ana = app.moderator("ana@example.org", false).await;
    decide(&ana, id_of(&verified), "verify", None).await;
    let again = ana
        .post(
            &format!("/moderation/reports/{}/verify", id_of(&verified)),
            &[],
        )
        .await;
    assert_eq!(again.status(), 409);
    assert!(
        again
            .text()
            .await
            .expect("page")
            .contains("verified already")
    );

    let response = app
        .delete_report_api(id_of(&withdrawn), withdrawn["manage_token"].as_str())
        .await;
    assert_eq!(response.status(), 204);
    for (action, reason) in [("verify", None), ("reject", Some("spam"))] {
        let mut fields = Vec::new();
        if let Some(reason) = reason {
            fields.push(("reason", reason));
        }
        let answer = ana
            .post(
                &format!("/moderation/reports/{}/{action}", id_of(&withdrawn)),
                &fields,
            )
            .await;
        assert_eq!(answer.status(), 409, "{action}");
        let page = answer.text().await.expect("page");
        assert!(page.contains("withdrawn by its reporter"), "{page}");
    }
    assert_eq!(
        standing(&app, id_of(&withdrawn)).await,
        ("withdrawn".to_owned(), None)
    );
    let unknown = ana
        .post("/moderation/reports/nosuchreport/verify", &[])
        .await;
    assert_eq!(unknown.status(), 404);
    // Only the one verification was recorded.
    assert_eq!(audit_count(&app).await, 1);
}

#[tokio::test]
async fn a_withdrawal_after_a_rejection_drops_the_reason() {
    let app = TestApp::spawn().await;
    let filed = file_unconfirmed(&app, &report(1, "Acme", "a@example.com")).await;
    let ana = app.moderator("ana@example.org", false).await;
    decide(&ana, id_of(&filed), "reject", Some("spam")).await;
    let response = app
        .delete_report_api(id_of(&filed), filed["manage_token"].as_str())
        .await;
    assert_eq!(response.status(), 204);
    assert_eq!(
        standing(&app, id_of(&filed)).await,
        ("withdrawn".to_owned(), None)
    );
}

#[tokio::test]
async fn decisions_without_the_sessions_csrf_token_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let filed = file_unconfirmed(&app, &report(1, "Acme", "a@example.com")).await;
    let id = id_of(&filed);
    let ana = app.moderator("ana@example.org", false).await;
    let other = app.moderator("bo@example.org", false).await;
    for (action, reason) in [("verify", "spam"), ("reject", "spam")] {
        let path = format!("/moderation/reports/{id}/{action}");
        let without = ana.post_raw(&path, &[("reason", reason)]).await;
        assert_eq!(without.status(), 403, "{action} without a token");
        // Another session's token is no better.
        let foreign = ana
            .post_raw(
                &path,
                &[("csrf_token", other.csrf.as_str()), ("reason", reason)],
            )
            .await;
        assert_eq!(
            foreign.status(),
            403,
            "{action} with another session's token"
        );
    }
    assert_eq!(standing(&app, id).await, ("unverified".to_owned(), None));
    assert_eq!(audit_count(&app).await, 0);
}

#[tokio::test]
async fn a_rejected_or_verified_report_shows_in_the_next_incremental_export() {
    let app = TestApp::spawn().await;
    let token = holder(&app, "Acme Corp", &["Acme"]).await;
    let filed = file(&app, &report(1, "Acme", "a@example.com")).await;
    file(&app, &report(2, "Acme", "b@example.com")).await;
    let full = export_json(&app, &token, "brand=acme").await;
    let c1 = full["cursor"].as_str().expect("cursor").to_owned();

    let ana = app.moderator("ana@example.org", false).await;
    decide(&ana, id_of(&filed), "reject", Some("not_counterfeit")).await;
    let sync = export_json(&app, &token, &format!("brand=acme&since={c1}")).await;
    // Its only report rejected, the listing leaves synced copies as withdrawn ones do.
    assert_eq!(changes(&sync), [(item(1), "withdrawn".to_owned())]);
    let c2 = sync["cursor"].as_str().expect("cursor").to_owned();

    decide(&ana, id_of(&filed), "verify", None).await;
    let sync = export_json(&app, &token, &format!("brand=acme&since={c2}")).await;
    assert_eq!(changes(&sync), [(item(1), "verified".to_owned())]);
}

/// The `seen` field of the queue's forms for report `id`.
async fn version_shown(moderator: &Moderator, id: &str) -> String {
    let page = moderator.page("/moderation").await;
    let form = page
        .split(&format!("action=\"/moderation/reports/{id}/verify\""))
        .nth(1)
        .expect("the report's verify form");
    let marker = "name=\"seen\" value=\"";
    let start = form.find(marker).expect("seen field") + marker.len();
    form[start..start + form[start..].find('"').expect("end")].to_owned()
}

#[tokio::test]
async fn a_decision_on_a_report_that_changed_since_the_page_showed_it_is_refused() {
    let app = TestApp::spawn().await;
    let ana = app.moderator("ana@example.org", false).await;
    let bo = app.moderator("bo@example.org", false).await;
    let filed = file_unconfirmed(&app, &crate::helpers::valid_report()).await;
    let id = id_of(&filed);
    let seen = version_shown(&ana, id).await;

    // The reporter rewrites the description after the moderator's page was shown.
    let edited = app
        .client
        .patch(app.url(&format!("/api/v1/reports/{id}")))
        .bearer_auth(filed["manage_token"].as_str().expect("token"))
        .json(&json!({ "description": "Something else entirely, which nobody has read." }))
        .send()
        .await
        .expect("edit");
    assert_eq!(edited.status(), 200);
    let verify = format!("/moderation/reports/{id}/verify");
    let stale = ana.post(&verify, &[("seen", seen.as_str())]).await;
    assert_eq!(stale.status(), 409);
    assert!(
        stale
            .text()
            .await
            .expect("body")
            .contains("changed after your page")
    );
    assert_eq!(standing(&app, id).await, ("unverified".into(), None));

    // Shown again, it can be decided; and a second moderator's stale page is refused then.
    let fresh = version_shown(&ana, id).await;
    let other = version_shown(&bo, id).await;
    assert_eq!(
        ana.post(&verify, &[("seen", fresh.as_str())])
            .await
            .status(),
        303
    );
    let reject = bo
        .post(
            &format!("/moderation/reports/{id}/reject"),
            &[("reason", "spam"), ("seen", other.as_str())],
        )
        .await;
    assert_eq!(reject.status(), 409);
    assert_eq!(standing(&app, id).await, ("verified".into(), None));
}
