//! Erasing: the API's `?erase=true` and the manage page's button leave nothing of the reporter
//! in any table or in the evidence store, except files another report holds.

use serde_json::Value;

use super::{Traces, count, dump_every_table, file, fingerprint_hex, photo};
use crate::helpers::TestApp;

const EMAIL: &str = "Erase.Me+fakes@Example.ORG";
const DESCRIPTION: &str =
    "Stitching on the strap came apart in a week; the serial tag was printed, not embossed.";

/// Files the report to erase, with a photo, and checks that the traces are where a dump sees
/// them.
async fn file_and_trace(app: &TestApp) -> (super::Filed, Traces) {
    let filed = file(app, Some(EMAIL), DESCRIPTION, &[photo()]).await;
    let traces = Traces {
        email: EMAIL.to_owned(),
        fingerprint: fingerprint_hex(&app.db, &filed.id)
            .await
            .expect("fingerprint"),
        description: DESCRIPTION.to_owned(),
    };
    traces.assert_present(&dump_every_table(&app.db).await);
    assert_eq!(app.stored_files().len(), 1);
    let mails = "select count(*) from mail where lower(to_address) = 'erase.me+fakes@example.org'";
    assert_eq!(
        count(&app.db, mails).await,
        1,
        "a confirmation mail is queued"
    );
    (filed, traces)
}

/// After an erasure: gone from every table and the store, 410 on the API, and the pages say so.
async fn assert_erased(app: &TestApp, filed: &super::Filed, traces: &Traces) {
    traces.assert_gone(&dump_every_table(&app.db).await);
    assert_eq!(app.stored_files(), Vec::<std::path::PathBuf>::new());
    for table in ["mail", "email_confirmation", "evidence"] {
        let sql = format!("select count(*) from {table}");
        assert_eq!(count(&app.db, &sql).await, 0, "{table} still has rows");
    }
    // The row stays as a withdrawn tombstone, so that counts and exports see the change.
    let (status, erased): (String, bool) =
        sqlx::query_as("select status, erased_at is not null from report where public_id = $1")
            .bind(&filed.id)
            .fetch_one(&app.db)
            .await
            .expect("tombstone");
    assert_eq!((status.as_str(), erased), ("withdrawn", true));

    let api = app.get_report_api(&filed.id).await;
    assert_eq!(api.status(), 410);
    let problem: Value = api.json().await.expect("problem");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("erased"),
        "{problem}"
    );
    let page = app.get(&format!("/reports/{}", filed.id)).await;
    assert_eq!(page.status(), 410);
    assert!(page.text().await.expect("page").contains("has been erased"));
    let manage = app
        .get(&format!("/reports/{}/manage/{}", filed.id, filed.token))
        .await;
    assert_eq!(manage.status(), 200);
    let manage = manage.text().await.expect("page");
    assert!(manage.contains("Your data is gone"), "{manage}");
    assert!(!manage.contains("Erase my data</button>"));
}

#[tokio::test]
async fn erasing_through_the_api_leaves_nothing_of_the_reporter_in_any_table() {
    let app = TestApp::spawn_with_mail_server_down().await;
    let (filed, traces) = file_and_trace(&app).await;

    let response = app.erase_report_api(&filed.id, &filed.token).await;
    assert_eq!(response.status(), 204);
    assert_erased(&app, &filed, &traces).await;

    // Twice is harmless, and so is a plain withdrawal afterwards.
    assert_eq!(
        app.erase_report_api(&filed.id, &filed.token).await.status(),
        204
    );
    let withdraw = app.delete_report_api(&filed.id, Some(&filed.token)).await;
    assert_eq!(withdraw.status(), 204);
    assert_erased(&app, &filed, &traces).await;
}

#[tokio::test]
async fn erasing_needs_the_reports_own_manage_token() {
    let app = TestApp::spawn_with_mail_server_down().await;
    let (filed, traces) = file_and_trace(&app).await;
    let other = file(
        &app,
        None,
        "Another buyer's report about the same listing.",
        &[],
    )
    .await;

    assert_eq!(
        app.erase_report_api(&filed.id, &other.token).await.status(),
        403
    );
    let no_token = app
        .client
        .delete(app.url(&format!("/api/v1/reports/{}?erase=true", filed.id)))
        .send()
        .await
        .expect("request");
    assert_eq!(no_token.status(), 401);
    assert_eq!(app.get_report_api(&filed.id).await.status(), 200);
    traces.assert_present(&dump_every_table(&app.db).await);
}

#[tokio::test]
async fn withdrawing_without_erase_keeps_the_data_for_the_retention_period() {
    let app = TestApp::spawn_with_mail_server_down().await;
    let (filed, traces) = file_and_trace(&app).await;

    let withdraw = app.delete_report_api(&filed.id, Some(&filed.token)).await;
    assert_eq!(withdraw.status(), 204);
    let api: Value = app
        .get_report_api(&filed.id)
        .await
        .json()
        .await
        .expect("json");
    assert!(
        api["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("withdrawn")
    );
    traces.assert_present(&dump_every_table(&app.db).await);
    assert_eq!(app.stored_files().len(), 1);
}

#[tokio::test]
async fn the_manage_pages_button_erases_only_once_the_box_is_ticked() {
    let app = TestApp::spawn_with_mail_server_down().await;
    let (filed, traces) = file_and_trace(&app).await;
    let manage = app
        .get(&format!("/reports/{}/manage/{}", filed.id, filed.token))
        .await
        .text()
        .await
        .expect("page");
    assert!(manage.contains(&format!("action=\"/reports/{}/erase\"", filed.id)));
    assert!(manage.contains("cannot be undone"));
    // The reporter, and only the reporter, sees the day of the order.
    assert!(manage.contains(super::ORDER_DATE), "{manage}");

    let unticked = app.post_erase_form(&filed.id, &filed.token, false).await;
    assert_eq!(unticked.status(), 422);
    assert!(
        unticked
            .text()
            .await
            .expect("page")
            .contains("Nothing was erased")
    );
    traces.assert_present(&dump_every_table(&app.db).await);

    let erased = app.post_erase_form(&filed.id, &filed.token, true).await;
    assert_eq!(erased.status(), 303);
    assert_eq!(
        erased.headers()["location"],
        format!("/reports/{}/manage/{}", filed.id, filed.token).as_str()
    );
    assert_erased(&app, &filed, &traces).await;
}

#[tokio::test]
async fn the_erase_form_needs_its_csrf_token() {
    let app = TestApp::spawn_with_mail_server_down().await;
    let (filed, traces) = file_and_trace(&app).await;
    let response = app
        .client
        .post(app.url(&format!("/reports/{}/erase", filed.id)))
        .form(&[("token", filed.token.as_str()), ("confirm", "yes")])
        .send()
        .await
        .expect("request");
    assert_eq!(response.status(), 403);
    traces.assert_present(&dump_every_table(&app.db).await);
}

#[tokio::test]
async fn an_evidence_file_another_report_holds_stays_until_that_one_is_erased_too() {
    let app = TestApp::spawn_with_mail_server_down().await;
    let first = file(
        &app,
        Some("first@example.com"),
        "The logo is off-centre on the box.",
        &[photo()],
    )
    .await;
    let second = file(
        &app,
        Some("second@example.com"),
        "Same photo: the logo is off-centre.",
        &[photo()],
    )
    .await;
    assert_eq!(app.stored_files().len(), 1, "one file, shared");

    assert_eq!(
        app.erase_report_api(&first.id, &first.token).await.status(),
        204
    );
    assert_eq!(
        app.stored_files().len(),
        1,
        "the second report still holds it"
    );
    let manage = app
        .get_report_api(&second.id)
        .await
        .json::<Value>()
        .await
        .expect("json");
    assert_eq!(manage["status"], "unverified");
    let evidence_id: String = sqlx::query_scalar(
        "select e.public_id from evidence e join report r using (report_id) where r.public_id = $1",
    )
    .bind(&second.id)
    .fetch_one(&app.db)
    .await
    .expect("evidence row");
    let download = app
        .get_evidence_api(&second.id, &evidence_id, &second.token)
        .await;
    assert_eq!(download.status(), 200);
    assert!(!download.bytes().await.expect("bytes").is_empty());

    assert_eq!(
        app.erase_report_api(&second.id, &second.token)
            .await
            .status(),
        204
    );
    assert_eq!(app.stored_files(), Vec::<std::path::PathBuf>::new());
}

#[tokio::test]
async fn erasing_deletes_the_mail_queued_for_that_address_only() {
    let app = TestApp::spawn_with_mail_server_down().await;
    let mine = file(
        &app,
        Some("mine@example.com"),
        "The zipper pull has no maker's mark.",
        &[],
    )
    .await;
    file(
        &app,
        Some("yours@example.com"),
        "The dust bag smells of solvent glue.",
        &[],
    )
    .await;

    assert_eq!(
        app.erase_report_api(&mine.id, &mine.token).await.status(),
        204
    );
    let left: Vec<String> = sqlx::query_scalar("select to_address from mail")
        .fetch_all(&app.db)
        .await
        .expect("mail");
    assert_eq!(left, ["yours@example.com"]);
    let confirmations = "select count(*) from email_confirmation";
    assert_eq!(count(&app.db, confirmations).await, 1);
}

#[tokio::test]
async fn erasing_does_not_give_an_address_more_than_its_daily_confirmation_mails() {
    let app = TestApp::spawn_with_mail_server_down().await;
    let victim = "victim@example.com";
    let queued = "select count(*) from mail where to_address = 'victim@example.com'";
    // Someone files with another person's address, erases, and files again: each time a
    // mail is queued, until the address's daily budget of five is spent.
    for round in 1..=5 {
        let filed = file(
            &app,
            Some(victim),
            "Filed again and again to mail someone.",
            &[],
        )
        .await;
        assert_eq!(
            count(&app.db, queued).await,
            1,
            "round {round} queues a mail"
        );
        assert_eq!(
            app.erase_report_api(&filed.id, &filed.token).await.status(),
            204
        );
        assert_eq!(count(&app.db, queued).await, 0);
    }
    file(
        &app,
        Some(victim),
        "Filed again and again to mail someone.",
        &[],
    )
    .await;
    assert_eq!(count(&app.db, queued).await, 0, "a sixth mail was queued");
    // And the budget is kept under a hash, not the address's key (the fingerprint).
    let budget = "select count(*) from confirmation_budget";
    assert_eq!(count(&app.db, budget).await, 5);
}

#[tokio::test]
async fn erasing_a_report_erases_the_earlier_versions_it_replaced() {
    let app = TestApp::spawn_with_mail_server_down().await;
    let earlier = file(
        &app,
        Some(EMAIL),
        "My first, shorter version of the report.",
        &[photo()],
    )
    .await;
    let (newer, traces) = {
        let newer = file(&app, Some(EMAIL), DESCRIPTION, &[]).await;
        let fingerprint = fingerprint_hex(&app.db, &newer.id)
            .await
            .expect("fingerprint");
        (
            newer,
            Traces {
                email: EMAIL.to_owned(),
                fingerprint,
                description: DESCRIPTION.to_owned(),
            },
        )
    };
    // What a confirmation does: the newer report replaces the earlier one.
    sqlx::query(
        "update report set status = 'withdrawn',
             replaced_by = (select report_id from report where public_id = $2)
         where public_id = $1",
    )
    .bind(&earlier.id)
    .bind(&newer.id)
    .execute(&app.db)
    .await
    .expect("replace");

    assert_eq!(
        app.erase_report_api(&newer.id, &newer.token).await.status(),
        204
    );
    let dump = dump_every_table(&app.db).await;
    traces.assert_gone(&dump);
    assert!(!dump.contains("My first, shorter version"));
    assert_eq!(app.stored_files(), Vec::<std::path::PathBuf>::new());
}
