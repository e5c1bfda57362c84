//! Everything the public seller page shows, in one round trip: one statement that reads the
//! seller's summaries (migration 0016) and the indexes of its lists, and returns the lists as
//! JSON.

use serde::Deserialize;
use sqlx::PgConnection;
use sqlx::types::Json;
use time::OffsetDateTime;

use crate::db::replies::PublicReply;
use crate::db::types::json;
use crate::domain::Marketplace;
use crate::domain::order_month::OrderMonth;
use crate::domain::outcome::Outcome;
use crate::domain::reason::Reason;
use crate::domain::reputation::Signals;
use crate::domain::status::ReportStatus;

#[derive(Debug, Clone, Deserialize)]
pub struct BrandCount {
    pub slug: String,
    pub name: String,
    pub reports: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ListingCount {
    pub listing_id: String,
    pub canonical_url: String,
    pub reports: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MonthCount {
    /// `YYYY-MM`.
    pub month: String,
    pub reports: i64,
}

/// A live report as the seller page lists it: public fields only.
#[derive(Debug, Clone, Deserialize)]
pub struct ReportSummary {
    pub id: String,
    #[serde(deserialize_with = "json::parsed")]
    pub status: ReportStatus,
    /// RFC 3339.
    pub created_at: String,
    pub brand_slug: String,
    pub brand_name: String,
    pub product_title: Option<String>,
    #[serde(deserialize_with = "json::parsed_vec")]
    pub reasons: Vec<Reason>,
    /// Never the day (see `domain::order_month`).
    #[serde(default)]
    pub order_month: Option<OrderMonth>,
    pub description: String,
    pub listing_id: String,
    pub canonical_url: String,
    /// The brand owner declared the listing genuine: this report is disputed.
    #[serde(default)]
    pub disputed: bool,
    /// The reporter confirmed their address for it, or a moderator verified it.
    pub counts: bool,
}

/// A rights holder's outcome on one of the seller's listings.
#[derive(Debug, Clone, Deserialize)]
pub struct OutcomeEntry {
    pub listing_id: String,
    pub canonical_url: String,
    pub brand_slug: String,
    pub brand_name: String,
    #[serde(deserialize_with = "json::parsed")]
    pub outcome: Outcome,
    /// RFC 3339.
    pub decided_at: String,
}

/// The seller page's data. Rejected and withdrawn reports are not in any of it.
#[derive(Debug, Clone)]
pub struct SellerPage {
    pub marketplace: Marketplace,
    pub seller_key: String,
    pub display_name: String,
    pub name_based: bool,
    pub store_url: Option<String>,
    pub first_seen: OffsetDateTime,
    pub last_reported_at: Option<OffsetDateTime>,
    pub reports: i64,
    pub distinct_reporters: i64,
    /// Reporters who confirmed their address, or whose report a moderator verified.
    pub confirmed_reporters: i64,
    pub weighted_reporters: f64,
    pub verified_reports: i64,
    pub weighted_verified_reporters: f64,
    pub reporters_with_evidence: i64,
    pub last_30_days: i64,
    pub last_365_days: i64,
    pub aliases: Json<Vec<String>>,
    pub brands: Json<Vec<BrandCount>>,
    pub listings: Json<Vec<ListingCount>>,
    pub timeline: Json<Vec<MonthCount>>,
    pub recent: Json<Vec<ReportSummary>>,
    pub confirmed_listings: i64,
    pub removed_listings: i64,
    pub genuine_listings: i64,
    /// The 50 latest outcomes.
    pub outcomes: Json<Vec<OutcomeEntry>>,
    /// The seller's published reply: none or one.
    pub replies: Json<Vec<PublicReply>>,
}

impl SellerPage {
    /// What the reputation model needs, from the aggregates above.
    pub fn signals(&self) -> Signals {
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Signals {
            reports: count(self.reports),
            distinct_reporters: count(self.distinct_reporters),
            confirmed_reporters: count(self.confirmed_reporters),
            weighted_reporters: self.weighted_reporters,
            verified_reports: count(self.verified_reports),
            weighted_verified_reporters: self.weighted_verified_reporters,
            reporters_with_evidence: count(self.reporters_with_evidence),
            confirmed_listings: count(self.confirmed_listings),
            removed_listings: count(self.removed_listings),
            genuine_listings: count(self.genuine_listings),
        }
    }
}

/// The page's one statement (`seller_page.sql`). Public so that the benchmark runs exactly
/// this SQL in pgbench (`examples/seller_page_sql.rs`). Parameters: marketplace, seller key,
/// limit and offset of the recent reports.
pub const PAGE_SQL: &str = include_str!("seller_page.sql");

/// Loads a seller's page; `None` when no such seller exists, or it was merged into another.
/// `limit`/`offset` page through the recent reports (newest first, ties broken by id, so
/// pages are stable).
#[tracing::instrument(skip_all, fields(marketplace = %marketplace, limit = limit, offset = offset))]
pub async fn load(
    conn: &mut PgConnection,
    marketplace: Marketplace,
    seller_key: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Option<SellerPage>> {
    sqlx::query_file_as!(
        SellerPage,
        "src/db/seller_page.sql",
        marketplace as Marketplace,
        seller_key,
        limit,
        offset,
    )
    .fetch_optional(conn)
    .await
}
