//! `fakewatch purge`, run as the real binary against a test's database: it deletes exactly
//! what has outlived its retention, prints counts, exits 0, and a second run finds nothing.

use std::process::Command;

use fakewatch::config::RightsHolderCommand;

use super::{count, file, photo};
use crate::helpers::TestApp;

/// Runs `fakewatch purge` on the app's database and data dir with these extra settings, and
/// returns what it printed. It must succeed.
fn purge(app: &TestApp, settings: &[(&str, &str)]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_fakewatch"))
        .arg("purge")
        .env_remove("FAKEWATCH_RETAIN_UNCONFIRMED_DAYS")
        .env_remove("FAKEWATCH_RETAIN_WITHDRAWN_DAYS")
        .env_remove("FAKEWATCH_RETAIN_EXPORT_LOG_DAYS")
        .env("DATABASE_URL", app.state.config.database_url.expose())
        .env("FAKEWATCH_DATA_DIR", &app.data_dir)
        .env(
            "FAKEWATCH_SECRET",
            "test-secret-test-secret-test-secret-test",
        )
        .env("RUST_LOG", "warn")
        .envs(settings.iter().copied())
        .output()
        .expect("run fakewatch purge");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "purge failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// The count a purge printed on the line starting with `what`.
fn printed(output: &str, what: &str) -> u64 {
    output
        .lines()
        .find_map(|line| line.strip_prefix(what)?.strip_prefix(": ")?.parse().ok())
        .unwrap_or_else(|| panic!("no {what:?} in {output}"))
}

/// Sets columns of one report, e.g. `"created_at = now() - interval '31 days'"`.
async fn set(app: &TestApp, public_id: &str, columns: &str) {
    let statement = format!("update report set {columns} where public_id = $1");
    sql(app, &statement, public_id).await;
}

/// Runs a statement of the test's own, with the report's public id as `$1`.
async fn sql(app: &TestApp, statement: &str, public_id: &str) {
    sqlx::query(sqlx::AssertSqlSafe(statement.to_owned()))
        .bind(public_id)
        .execute(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
}

/// Runs a statement of the test's own.
async fn exec(app: &TestApp, statement: &str) {
    sqlx::raw_sql(sqlx::AssertSqlSafe(statement.to_owned()))
        .execute(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{statement}: {e}"));
}

async fn email_of(app: &TestApp, public_id: &str) -> Option<String> {
    sqlx::query_scalar("select reporter_email from report where public_id = $1")
        .bind(public_id)
        .fetch_one(&app.db)
        .await
        .expect("report")
}

async fn erased(app: &TestApp, public_id: &str) -> bool {
    sqlx::query_scalar("select erased_at is not null from report where public_id = $1")
        .bind(public_id)
        .fetch_one(&app.db)
        .await
        .expect("report")
}

#[tokio::test]
async fn purge_removes_exactly_what_outlived_its_retention() {
    let app = TestApp::spawn_with_mail_server_down().await;
    let text = "A report that waits for the purge to come by.";
    let old_unconfirmed = file(&app, Some("old-unconfirmed@example.com"), text, &[]).await;
    set(
        &app,
        &old_unconfirmed.id,
        "created_at = now() - interval '31 days'",
    )
    .await;
    let young_unconfirmed = file(&app, Some("young-unconfirmed@example.com"), text, &[]).await;
    set(
        &app,
        &young_unconfirmed.id,
        "created_at = now() - interval '29 days'",
    )
    .await;
    let old_confirmed = file(&app, Some("old-confirmed@example.com"), text, &[]).await;
    set(
        &app,
        &old_confirmed.id,
        "created_at = now() - interval '40 days', confirmed_at = now() - interval '40 days'",
    )
    .await;
    let old_withdrawn = file(&app, Some("old-withdrawn@example.com"), text, &[photo()]).await;
    app.delete_report_api(&old_withdrawn.id, Some(&old_withdrawn.token))
        .await;
    set(
        &app,
        &old_withdrawn.id,
        "withdrawn_at = now() - interval '31 days'",
    )
    .await;
    let young_withdrawn = file(&app, Some("young-withdrawn@example.com"), text, &[]).await;
    app.delete_report_api(&young_withdrawn.id, Some(&young_withdrawn.token))
        .await;
    set(
        &app,
        &young_withdrawn.id,
        "withdrawn_at = now() - interval '29 days'",
    )
    .await;
    // Withdrawn before migration 0010, which has no withdrawn_at: counted from updated_at.
    let legacy_withdrawn = file(&app, None, text, &[]).await;
    app.delete_report_api(&legacy_withdrawn.id, Some(&legacy_withdrawn.token))
        .await;
    exec(&app, "alter table report disable trigger report_updated_at").await;
    set(
        &app,
        &legacy_withdrawn.id,
        "withdrawn_at = null, updated_at = now() - interval '31 days'",
    )
    .await;
    exec(&app, "alter table report enable trigger report_updated_at").await;
    let old_fingerprint = super::fingerprint_hex(&app.db, &old_unconfirmed.id).await;

    let holder = fakewatch::admin::rights_holder(
        &app.db,
        RightsHolderCommand::Add {
            name: "Purge Test Brands".into(),
            brands: vec!["Louis Vuitton".into()],
            label: None,
        },
    )
    .await
    .expect("holder");
    assert!(holder.contains("fwt_"));
    for days in [366, 364] {
        let statement = format!(
            "insert into export_log (rights_holder_id, brand_id, format, incremental, created_at)
             select rights_holder_id, brand_id, 'csv', false, now() - interval '{days} days'
             from rights_holder_brand"
        );
        exec(&app, &statement).await;
    }
    for (hours_expired, token) in [(48, "a"), (12, "b")] {
        let statement = format!(
            "insert into email_confirmation (reporter_key, token_hash, sent_at, expires_at,
                                             created_at)
             values (sha256('someone'::bytea), sha256('{token}'::bytea),
                     now() - interval '{hours_expired} hours' - interval '1 day',
                     now() - interval '{hours_expired} hours',
                     now() - interval '{hours_expired} hours' - interval '1 day')"
        );
        exec(&app, &statement).await;
    }
    for hours in [25, 1] {
        let statement = format!(
            "insert into confirmation_budget (budget_key, counted_from)
             values (sha256('spent'::bytea), now() - interval '{hours} hours')"
        );
        exec(&app, &statement).await;
    }

    // Rate-limit counters: one whose window has passed, one still read.
    for (start, expires) in [
        ("now() - interval '3 hours'", "now() - interval '1 hour'"),
        ("now()", "now() + interval '2 hours'"),
    ] {
        let statement = format!(
            "insert into rate_limit (bucket, client_key, window_start, expires_at, hits)
             values ('reports', sha256('client'::bytea), {start}, {expires}, 3)"
        );
        exec(&app, &statement).await;
    }

    // Moderators' sessions: one ended two days ago, one ended an hour ago, one live.
    app.add_moderator("ana@example.org", false).await;
    for (n, ends) in [
        (1, "now() - interval '2 days'"),
        (2, "now() - interval '1 hour'"),
        (3, "now() + interval '1 hour'"),
    ] {
        let statement = format!(
            "insert into moderator_session (moderator_id, token_hash, expires_at)
             select moderator_id, sha256('{n}'::bytea), {ends} from moderator"
        );
        exec(&app, &statement).await;
    }

    let output = purge(&app, &[]);
    let expected = [
        ("withdrawn reports erased", 2),
        ("unconfirmed addresses removed from reports", 1),
        ("evidence files deleted", 1),
        ("evidence files kept (other reports hold them)", 0),
        ("queued mails deleted", 2),
        ("email confirmations deleted", 2),
        ("expired email confirmations deleted", 1),
        ("export log rows deleted", 1),
        ("expired rate-limit counters deleted", 1),
        ("ended moderator sessions deleted", 1),
    ];
    for (what, n) in expected {
        assert_eq!(printed(&output, what), n, "{what}: {output}");
    }

    // The unconfirmed address is gone; the report stays public, anonymous, its text intact,
    // under a fingerprint that no longer derives from the address.
    assert_eq!(email_of(&app, &old_unconfirmed.id).await, None);
    let new_fingerprint = super::fingerprint_hex(&app.db, &old_unconfirmed.id).await;
    assert!(new_fingerprint.is_some() && new_fingerprint != old_fingerprint);
    let public = app.get_report_api(&old_unconfirmed.id).await;
    assert_eq!(public.status(), 200);
    assert!(public.text().await.expect("body").contains(text));
    let mails_left: Vec<String> = sqlx::query_scalar("select to_address from mail order by 1")
        .fetch_all(&app.db)
        .await
        .expect("mail");
    assert_eq!(
        mails_left,
        [
            "old-confirmed@example.com",
            "young-unconfirmed@example.com",
            "young-withdrawn@example.com"
        ]
    );

    for kept in [&young_unconfirmed, &old_confirmed, &young_withdrawn] {
        assert!(
            email_of(&app, &kept.id).await.is_some(),
            "{} lost its address",
            kept.id
        );
        assert!(!erased(&app, &kept.id).await);
    }
    for gone in [&old_withdrawn, &legacy_withdrawn] {
        assert!(erased(&app, &gone.id).await, "{} was not erased", gone.id);
        assert_eq!(email_of(&app, &gone.id).await, None);
        assert_eq!(app.get_report_api(&gone.id).await.status(), 410);
    }
    assert_eq!(app.stored_files(), Vec::<std::path::PathBuf>::new());
    assert_eq!(count(&app.db, "select count(*) from export_log").await, 1);
    let sent = "select count(*) from email_confirmation where token_hash is not null";
    assert_eq!(count(&app.db, sent).await, 1);
    let spent = "select count(*) from confirmation_budget where budget_key = sha256('spent')";
    assert_eq!(count(&app.db, spent).await, 1);
    // The two forgotten addresses' confirmations of today still count against their budget.
    let budget = "select count(*) from confirmation_budget";
    assert_eq!(count(&app.db, budget).await, 3);

    // Idempotent: nothing left to do.
    let again = purge(&app, &[]);
    for (what, _) in expected {
        assert_eq!(printed(&again, what), 0, "{what}: {again}");
    }
}

#[tokio::test]
async fn purge_follows_its_retention_settings() {
    let app = TestApp::spawn_with_mail_server_down().await;
    let withdrawn = file(
        &app,
        Some("now@example.com"),
        "Withdrawn a moment ago, purged at once.",
        &[],
    )
    .await;
    app.delete_report_api(&withdrawn.id, Some(&withdrawn.token))
        .await;
    let live = file(
        &app,
        Some("live@example.com"),
        "Filed a moment ago, never confirmed.",
        &[],
    )
    .await;

    let defaults = purge(&app, &[]);
    assert_eq!(printed(&defaults, "withdrawn reports erased"), 0);
    assert_eq!(
        printed(&defaults, "unconfirmed addresses removed from reports"),
        0
    );

    let output = purge(
        &app,
        &[
            ("FAKEWATCH_RETAIN_WITHDRAWN_DAYS", "0"),
            ("FAKEWATCH_RETAIN_UNCONFIRMED_DAYS", "0"),
        ],
    );
    assert_eq!(printed(&output, "withdrawn reports erased"), 1, "{output}");
    assert_eq!(
        printed(&output, "unconfirmed addresses removed from reports"),
        1,
        "{output}"
    );
    assert!(erased(&app, &withdrawn.id).await);
    assert_eq!(email_of(&app, &live.id).await, None);
    assert_eq!(app.get_report_api(&live.id).await.status(), 200);
}

#[tokio::test]
async fn purge_works_through_more_rows_than_fit_in_one_batch() {
    let app = TestApp::spawn_with_mail_server_down().await;
    let model = file(&app, None, "The model row the bulk reports copy.", &[]).await;
    for status in ["withdrawn", "unverified"] {
        let statement = format!(
            "insert into report (public_id, listing_id, seller_id, brand_id, reasons, description,
                                 reporter_email, reporter_key, reporter_fingerprint,
                                 manage_token_hash, status, withdrawn_at, created_at)
             select '{status}' || g, listing_id, seller_id, brand_id, reasons,
                    'Bulk report number ' || g, 'bulk' || g || '@example.com',
                    sha256(('{status}' || g)::bytea), sha256(('{status}' || g)::bytea),
                    sha256(('token' || '{status}' || g)::bytea), '{status}',
                    case when '{status}' = 'withdrawn' then now() - interval '40 days' end,
                    now() - interval '40 days'
             from report, generate_series(1, 1100) g where public_id = $1"
        );
        sql(&app, &statement, &model.id).await;
    }

    let output = purge(&app, &[]);
    assert_eq!(
        printed(&output, "withdrawn reports erased"),
        1100,
        "{output}"
    );
    assert_eq!(
        printed(&output, "unconfirmed addresses removed from reports"),
        1100
    );
    let left = "select count(*) from report where reporter_email is not null";
    assert_eq!(count(&app.db, left).await, 0);
}
