//! Everything the public seller page shows, in one round trip: one statement whose CTEs
//! aggregate the seller's live reports and return the lists as JSON.

use serde::Deserialize;
use sqlx::PgConnection;
use sqlx::types::Json;
use time::OffsetDateTime;

use crate::db::replies::PublicReply;
use crate::domain::Marketplace;
use crate::domain::order_month::OrderMonth;
use crate::domain::reputation::{HALF_LIFE_DAYS, Signals};

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
    pub status: String,
    /// RFC 3339.
    pub created_at: String,
    pub brand_slug: String,
    pub brand_name: String,
    pub product_title: Option<String>,
    pub reasons: Vec<String>,
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
    pub outcome: String,
    /// RFC 3339.
    pub decided_at: String,
}

/// The seller page's data. Rejected and withdrawn reports are not in any of it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SellerPage {
    pub marketplace: String,
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

/// The page's one statement. Public so that the benchmark runs exactly this SQL in pgbench
/// (`examples/seller_page_sql.rs`). Parameters: marketplace, seller key, half-life in days,
/// limit and offset of the recent reports.
pub const PAGE_SQL: &str = "with s as (
             select seller_id, marketplace, seller_key, display_name, name_based, store_url,
                    created_at
             from seller
             -- A merged seller has no page: `merges::kept_seller` says where it went.
             where marketplace = $1 and seller_key = $2 and merged_into is null
         ), live as (
             -- Narrow on purpose: served from report_live_seller_idx alone.
             select r.report_id, r.listing_id, r.brand_id, r.status, r.reporter_fingerprint,
                    r.created_at,
                    -- Who counts in the reputation: an address confirmed for this report, or
                    -- a moderator's verification (docs/reputation.md).
                    (r.confirmed_at is not null or r.status = 'verified') as counts
             from report r
             join s on s.seller_id = r.seller_id
             where r.status in ('unverified', 'verified')
         ), per_reporter as (
             -- The reputation counts people, not reports (see docs/reputation.md).
             select count(*) as reports,
                    bool_or(counts) as counts,
                    count(*) filter (where status = 'verified') as verified_reports,
                    extract(epoch from now() - max(created_at) filter (where counts))::float8
                        / 86400 as age_days,
                    extract(epoch from now() - max(created_at) filter (where status = 'verified'))::float8
                        / 86400 as verified_age_days,
                    bool_or(counts and exists (select 1 from evidence e
                                               where e.report_id = live.report_id
                                                 and e.hidden_at is null))
                        as has_evidence
             from live
             group by reporter_fingerprint
         ), stats as (
             select coalesce(sum(reports), 0)::int8 as reports,
                    count(*)::int8 as distinct_reporters,
                    count(*) filter (where counts)::int8 as confirmed_reporters,
                    -- least(): power() raises an error on underflow.
                    coalesce(sum(power(0.5::float8, least(greatest(age_days, 0) / $3, 1000)))
                                 filter (where counts), 0)
                        as weighted_reporters,
                    coalesce(sum(verified_reports), 0)::int8 as verified_reports,
                    coalesce(sum(power(0.5::float8, least(greatest(verified_age_days, 0) / $3, 1000)))
                                 filter (where verified_age_days is not null), 0)
                        as weighted_verified_reporters,
                    count(*) filter (where has_evidence)::int8 as reporters_with_evidence
             from per_reporter
         ), windows as (
             select count(*) filter (where created_at > now() - interval '30 days')::int8
                        as last_30_days,
                    count(*) filter (where created_at > now() - interval '365 days')::int8
                        as last_365_days,
                    max(created_at) as last_reported_at
             from live
         ), brands as (
             -- Count by id first, then look up names for the top 50 only.
             select coalesce(json_agg(json_build_object('slug', b.slug, 'name', b.display_name,
                                                        'reports', t.n)
                                      order by t.n desc, b.slug), '[]') as j
             from (select brand_id, count(*) as n from live
                   group by brand_id order by n desc, brand_id limit 50) t
             join brand b on b.brand_id = t.brand_id
         ), listings as (
             select coalesce(json_agg(json_build_object('listing_id', l.external_id,
                                                        'canonical_url', l.canonical_url,
                                                        'reports', t.n)
                                      order by t.n desc, l.canonical_url), '[]') as j
             from (select listing_id, count(*) as n from live
                   group by listing_id order by n desc, listing_id limit 50) t
             join listing l on l.listing_id = t.listing_id
         ), timeline as (
             select coalesce(json_agg(json_build_object('month', to_char(m, 'YYYY-MM'),
                                                        'reports', n)
                                      order by m), '[]') as j
             from (select date_trunc('month', created_at, 'UTC') as m, count(*) as n
                   from live group by 1) t
         ), recent as (
             -- Pick the page of reports first; only those rows are read in full.
             select coalesce(json_agg(json_build_object(
                        'id', r.public_id, 'status', r.status, 'created_at', r.created_at,
                        'counts', r.confirmed_at is not null or r.status = 'verified',
                        'brand_slug', b.slug, 'brand_name', b.display_name,
                        'product_title', r.product_title, 'reasons', r.reasons,
                        'order_month', to_char(r.order_date, 'YYYY-MM'),
                        'description', r.description, 'listing_id', l.external_id,
                        'canonical_url', l.canonical_url,
                        'disputed', coalesce(lb.outcome = 'genuine', false))
                      order by t.created_at desc, t.report_id desc), '[]') as j
             from (select report_id, created_at from live
                   order by created_at desc, report_id desc
                   limit $4 offset $5) t
             join report r on r.report_id = t.report_id
             join brand b on b.brand_id = r.brand_id
             join listing l on l.listing_id = r.listing_id
             left join listing_brand lb
                 on lb.listing_id = r.listing_id and lb.brand_id = r.brand_id
         ), decided as (
             -- Rights holders' outcomes on this seller's listings (see docs/reputation.md).
             select lb.listing_id, lb.brand_id, lb.outcome, lb.outcome_at
             from listing l
             join s on s.seller_id = l.seller_id
             join listing_brand lb on lb.listing_id = l.listing_id
             where lb.outcome is not null
         ), outcome_counts as (
             select count(distinct listing_id) filter (where outcome = 'confirmed_counterfeit')::int8
                        as confirmed_listings,
                    count(distinct listing_id) filter (where outcome = 'removed')::int8
                        as removed_listings,
                    count(distinct listing_id) filter (where outcome = 'genuine')::int8
                        as genuine_listings
             from decided
         ), outcomes as (
             select coalesce(json_agg(json_build_object(
                        'listing_id', l.external_id, 'canonical_url', l.canonical_url,
                        'brand_slug', b.slug, 'brand_name', b.display_name,
                        'outcome', t.outcome, 'decided_at', t.outcome_at)
                      order by t.outcome_at desc, t.listing_id), '[]') as j
             from (select * from decided order by outcome_at desc, listing_id limit 50) t
             join listing l on l.listing_id = t.listing_id
             join brand b on b.brand_id = t.brand_id
         ), reply as (
             -- The published reply, if any: one row of seller_reply_one_approved. Nothing
             -- about its author but the statement.
             select coalesce(json_agg(json_build_object('id', r.public_id,
                                                        'statement', r.statement,
                                                        'approved_at', r.decided_at)), '[]') as j
             from seller_reply r join s on s.seller_id = r.seller_id
             where r.status = 'approved'
         ), aliases as (
             -- Spellings live reports gave, one per folded name (its most given), besides the
             -- name shown: what only withdrawn or rejected reports said is not repeated here.
             select coalesce(json_agg(t.name order by t.name), '[]') as j
             from (select distinct on (a.folded_name) a.name, a.folded_name
                   from seller_alias a join s on s.seller_id = a.seller_id
                   where a.live_reports > 0
                   order by a.folded_name, a.live_reports desc, a.seller_alias_id) t
             where t.folded_name is distinct from (
                       select x.folded_name from seller_alias x join s on x.seller_id = s.seller_id
                       where x.name = s.display_name)
         )
         select s.marketplace, s.seller_key, s.display_name, s.name_based, s.store_url,
                s.created_at as first_seen, windows.last_reported_at,
                stats.reports, stats.distinct_reporters, stats.confirmed_reporters,
                stats.weighted_reporters,
                stats.verified_reports, stats.weighted_verified_reporters,
                stats.reporters_with_evidence, windows.last_30_days, windows.last_365_days,
                aliases.j as aliases, brands.j as brands, listings.j as listings,
                timeline.j as timeline, recent.j as recent,
                outcome_counts.confirmed_listings, outcome_counts.removed_listings,
                outcome_counts.genuine_listings, outcomes.j as outcomes, reply.j as replies
         from s, stats, windows, brands, listings, timeline, recent, aliases, outcome_counts,
              outcomes, reply";

/// Loads a seller's page; `None` when no such seller exists, or it was merged into another. `limit`/`offset` page through the
/// recent reports (newest first, ties broken by id, so pages are stable).
#[tracing::instrument(skip_all, fields(marketplace = %marketplace))]
pub async fn load(
    conn: &mut PgConnection,
    marketplace: Marketplace,
    seller_key: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Option<SellerPage>> {
    sqlx::query_as(PAGE_SQL)
        .bind(marketplace.as_str())
        .bind(seller_key)
        .bind(HALF_LIFE_DAYS)
        .bind(limit)
        .bind(offset)
        .fetch_optional(conn)
        .await
}
