//! The moderation queue: unverified reports, oldest first, each with what a moderator needs
//! beside it (evidence, the reporter's other reports, the listing's and the seller's) and the
//! signals its flags are raised from (`domain::moderation::flags`).
//!
//! A page is one statement (`sql`). Every subquery is bounded (a `limit`, or a time window on
//! an index), so that a report of the largest seller or brand costs about what any other does.
//! Filtering by a flag evaluates the flag report by report, oldest first, over at most
//! [`FLAG_SCAN`] waiting reports per page; when fewer than a page of them carry the flag, a
//! second statement says how far the page looked, and where the next one goes on.
//!
//! Runtime SQL, unlike the rest of `db/`: the statement is assembled per request, from the
//! filters given (marketplace, brand, position each add a condition or none) and from the flag
//! chosen (each flag's condition is a different subquery), so there is no one static statement
//! for `query!` to check. The tests of `tests/api/moderation/queue.rs` and `flags.rs` run every
//! fragment against the schema instead.

mod sql;

use serde::Deserialize;
use sqlx::PgConnection;
use sqlx::types::Json;
use time::OffsetDateTime;

use super::types::json;
use crate::domain::Marketplace;
use crate::domain::moderation::flags::{Flag, Signals};
use crate::domain::reason::Reason;
use crate::domain::status::ReportStatus;

/// Reports on one page of the queue.
pub const PER_PAGE: i64 = 20;
/// Waiting reports a flag-filtered page looks through at most, oldest first: the page then
/// costs at most 0.25 s on the 100,000-report demo database (`routes::moderation::queue`).
pub const FLAG_SCAN: i64 = 200;

/// Which waiting reports a page shows.
#[derive(Debug, Clone, Default)]
pub struct QueueFilter {
    pub flag: Option<Flag>,
    pub marketplace: Option<Marketplace>,
    /// A brand's slug, or one of its aliases.
    pub brand_slug: Option<String>,
    /// Only reports after this one (its public id), in queue order.
    pub after: Option<String>,
}

/// Another report shown beside a queued one (never its reporter's address or fingerprint).
#[derive(Debug, Clone)]
pub struct OtherReport {
    pub public_id: String,
    pub status: ReportStatus,
    pub created_at: OffsetDateTime,
    pub seller_name: String,
    pub brand_name: String,
}

/// Some of a report's neighbours, and how many there are (stops at `flags::COUNT_CAP`).
#[derive(Debug, Clone)]
pub struct Others {
    pub count: i64,
    pub listed: Vec<OtherReport>,
}

/// One evidence file of a queued report.
#[derive(Debug, Clone, Deserialize)]
pub struct QueuedEvidence {
    pub id: String,
    pub media_type: String,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub hidden: bool,
}

/// A waiting report as the queue shows it.
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub public_id: String,
    pub created_at: OffsetDateTime,
    /// When it last changed: the version a decision is made on (`moderation::lock_report`).
    pub updated_at: OffsetDateTime,
    pub marketplace: Marketplace,
    pub listing_url: String,
    pub seller_key: String,
    pub seller_name: String,
    pub brand_slug: String,
    pub brand_name: String,
    pub product_title: Option<String>,
    pub reasons: Vec<Reason>,
    pub description: String,
    /// Its reporter confirmed their address for it.
    pub confirmed: bool,
    /// When a moderator last decided on it (it was verified once, then edited by its reporter).
    pub moderated_at: Option<OffsetDateTime>,
    pub evidence: Vec<QueuedEvidence>,
    pub same_reporter: Others,
    pub same_listing: Others,
    pub same_seller: Others,
    pub signals: Signals,
}

/// A page of the queue.
#[derive(Debug, Clone)]
pub struct QueuePage {
    pub items: Vec<QueueItem>,
    /// The public id to continue after, when there is more to look at.
    pub next_after: Option<String>,
    /// With a flag filter: how many waiting reports this page looked through.
    pub scanned: Option<i64>,
}

/// One page of the queue.
#[tracing::instrument(
    skip_all,
    fields(
        flag = filter.flag.map(Flag::as_str),
        marketplace = filter.marketplace.map(Marketplace::as_str),
        brand = filter.brand_slug.as_deref(),
        items,
        scanned,
    )
)]
pub async fn page(conn: &mut PgConnection, filter: &QueueFilter) -> sqlx::Result<QueuePage> {
    let rows: Vec<Row> = sql::page_query(filter)
        .build_query_as()
        .fetch_all(&mut *conn)
        .await?;
    let mut items: Vec<QueueItem> = rows.into_iter().map(QueueItem::from).collect();
    let more_matched = items.len() as i64 > PER_PAGE;
    items.truncate(PER_PAGE as usize);
    let last_shown = items.last().map(|i| i.public_id.clone());
    let (next_after, scanned) = match filter.flag {
        None => (last_shown.filter(|_| more_matched), None),
        Some(_) if more_matched => (last_shown, None),
        // Fewer than a page matched among the reports looked through: continue after the
        // last of those, if the scan stopped before the end of the queue.
        Some(_) => {
            let (scanned, last_scanned): (i64, Option<String>) = sql::scan_end_query(filter)
                .build_query_as()
                .fetch_one(conn)
                .await?;
            let next = last_scanned.filter(|_| scanned >= FLAG_SCAN);
            (next, Some(scanned))
        }
    };
    let span = tracing::Span::current();
    span.record("items", items.len());
    span.record("scanned", scanned);
    Ok(QueuePage {
        items,
        next_after,
        scanned,
    })
}

/// The SQL of a page with `filter`'s values as parameters: for EXPLAIN and the benchmark
/// example, which must time exactly what the page runs.
pub fn page_sql(filter: &QueueFilter) -> String {
    sql::page_query(filter).into_sql().as_str().to_owned()
}

/// A row of the page's statement (the three neighbour lists come as a count and JSON each).
#[derive(Debug, sqlx::FromRow)]
struct Row {
    public_id: String,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
    marketplace: Marketplace,
    listing_url: String,
    seller_key: String,
    seller_name: String,
    brand_slug: String,
    brand_name: String,
    product_title: Option<String>,
    reasons: Vec<Reason>,
    description: String,
    confirmed: bool,
    moderated_at: Option<OffsetDateTime>,
    evidence: Json<Vec<QueuedEvidence>>,
    same_reporter_count: i64,
    same_reporter_listed: Json<Vec<OtherJson>>,
    same_listing_count: i64,
    same_listing_listed: Json<Vec<OtherJson>>,
    same_seller_count: i64,
    same_seller_listed: Json<Vec<OtherJson>>,
    first_time: bool,
    burst_reports: i64,
    network_reports: i64,
    network_reporters: i64,
    similar_reports: Vec<String>,
    listing_now_under: Option<String>,
    contradicted_name: Option<String>,
    other_names: Vec<String>,
}

/// A neighbour as the statement lists it in JSON; it reads straight into [`OtherReport`].
#[derive(Debug, Deserialize)]
struct OtherJson {
    public_id: String,
    #[serde(deserialize_with = "json::parsed")]
    status: ReportStatus,
    #[serde(with = "time::serde::rfc3339")]
    created_at: OffsetDateTime,
    seller_name: String,
    brand_name: String,
}

fn others(count: i64, Json(listed): Json<Vec<OtherJson>>) -> Others {
    let listed = listed
        .into_iter()
        .map(|o| OtherReport {
            public_id: o.public_id,
            status: o.status,
            created_at: o.created_at,
            seller_name: o.seller_name,
            brand_name: o.brand_name,
        })
        .collect();
    Others { count, listed }
}

impl From<Row> for QueueItem {
    fn from(row: Row) -> Self {
        let contradicted_name = row.contradicted_name;
        QueueItem {
            public_id: row.public_id,
            created_at: row.created_at,
            updated_at: row.updated_at,
            marketplace: row.marketplace,
            listing_url: row.listing_url,
            seller_key: row.seller_key,
            seller_name: row.seller_name,
            brand_slug: row.brand_slug,
            brand_name: row.brand_name,
            product_title: row.product_title,
            reasons: row.reasons,
            description: row.description,
            confirmed: row.confirmed,
            moderated_at: row.moderated_at,
            evidence: row.evidence.0,
            same_reporter: others(row.same_reporter_count, row.same_reporter_listed),
            same_listing: others(row.same_listing_count, row.same_listing_listed),
            same_seller: others(row.same_seller_count, row.same_seller_listed),
            signals: Signals {
                first_time_reporter: row.first_time,
                first_time_reports_on_seller: row.burst_reports,
                network_reports: row.network_reports,
                network_reporters: row.network_reporters,
                similar_reports: row.similar_reports,
                listing_now_under: row.listing_now_under,
                names_given_by_others: if contradicted_name.is_some() {
                    row.other_names
                } else {
                    Vec::new()
                },
                contradicted_name,
            },
        }
    }
}
