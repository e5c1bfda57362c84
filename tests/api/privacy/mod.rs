//! Reporters' privacy: the order month on public surfaces, erasing a report's data,
//! `fakewatch purge`, and logs free of addresses, IPs and fingerprints.
//!
//! This file holds the helpers the topic files share; the tests live in the topic files.

mod erase;
mod logs;
mod order_month;
mod page;
mod purge;

use serde_json::Value;
use sqlx::PgPool;

use crate::helpers::{TestApp, fixture, valid_report};

/// A day no timestamp of a test run can fall on, so that finding it anywhere means the
/// order date leaked.
const ORDER_DATE: &str = "2025-07-19";

/// A report as filed: its public id and manage token.
pub struct Filed {
    pub id: String,
    pub token: String,
}

/// Files a report through the JSON API (multipart when it has files) with this address,
/// description and listing, ordered on [`ORDER_DATE`]; returns once the mail sender has
/// tried the mail it queued (see [`TestApp::mail_queue_settled`]).
pub async fn file(
    app: &TestApp,
    email: Option<&str>,
    description: &str,
    files: &[(&str, Vec<u8>)],
) -> Filed {
    let mut body = valid_report();
    body["order_date"] = ORDER_DATE.into();
    body["description"] = description.into();
    body["email"] = email.map_or(Value::Null, Value::from);
    let response = if files.is_empty() {
        app.post_report_json(&body).await
    } else {
        app.post_report_multipart(&body, files).await
    };
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
    let filed: Value = response.json().await.expect("json");
    app.mail_queue_settled().await;
    Filed {
        id: filed["id"].as_str().expect("id").to_owned(),
        token: filed["manage_token"].as_str().expect("token").to_owned(),
    }
}

/// A photo every test can attach.
pub fn photo() -> (&'static str, Vec<u8>) {
    ("photo.jpg", fixture("photo_gps.jpg"))
}

/// The report's fingerprint, as lowercase hex; `None` once deleted.
pub async fn fingerprint_hex(db: &PgPool, public_id: &str) -> Option<String> {
    let bytes: Option<Vec<u8>> =
        sqlx::query_scalar("select reporter_fingerprint from report where public_id = $1")
            .bind(public_id)
            .fetch_one(db)
            .await
            .expect("report");
    bytes.map(hex::encode)
}

/// Every row of every table in the public schema, as text (bytea as hex), one per line.
pub async fn dump_every_table(db: &PgPool) -> String {
    let tables: Vec<String> = sqlx::query_scalar(
        "select table_name::text from information_schema.tables
         where table_schema = 'public' and table_type = 'BASE TABLE' order by 1",
    )
    .fetch_all(db)
    .await
    .expect("tables");
    assert!(tables.len() > 10, "too few tables: {tables:?}");
    let mut dump = String::new();
    for table in tables {
        let sql = format!("select t::text from \"{table}\" t");
        let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_all(db)
            .await
            .expect("rows");
        for row in rows {
            dump.push_str(&table);
            dump.push_str(": ");
            dump.push_str(&row);
            dump.push('\n');
        }
    }
    dump
}

/// What a reporter gave, to look for in a dump of the database.
pub struct Traces {
    pub email: String,
    pub fingerprint: String,
    pub description: String,
}

impl Traces {
    fn markers(&self) -> [(&'static str, String); 4] {
        [
            ("email", self.email.to_lowercase()),
            ("fingerprint", self.fingerprint.clone()),
            ("order date", ORDER_DATE.to_owned()),
            ("description", self.description.to_lowercase()),
        ]
    }

    /// Each trace is in the dump: proof that [`Traces::assert_gone`] can see them.
    pub fn assert_present(&self, dump: &str) {
        let dump = dump.to_lowercase();
        for (what, marker) in self.markers() {
            assert!(dump.contains(&marker), "the {what} is not in the dump");
        }
    }

    pub fn assert_gone(&self, dump: &str) {
        let dump = dump.to_lowercase();
        for (what, marker) in self.markers() {
            let lines: Vec<&str> = dump.lines().filter(|l| l.contains(&marker)).collect();
            assert!(lines.is_empty(), "the {what} is still in: {lines:#?}");
        }
    }
}

/// The number a `select count(*) …` finds.
pub async fn count(db: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql.to_owned()))
        .fetch_one(db)
        .await
        .expect("count")
}
