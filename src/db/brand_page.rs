//! The public brand page: sellers reported for a brand, in one round trip.

use serde::Deserialize;
use sqlx::PgConnection;
use sqlx::types::Json;

use super::seller_page::ReportSummary;
use super::sellers::SellerSummary;
use super::types::json;
use crate::domain::Marketplace;

/// One of the brand's sellers, its counts being of the brand's live reports.
#[derive(Debug, Clone, Deserialize)]
pub struct BrandSeller {
    #[serde(flatten)]
    pub seller: SellerSummary,
    /// `YYYY-MM-DD` of its newest live report of the brand.
    pub last_reported: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MarketplaceCount {
    #[serde(deserialize_with = "json::parsed")]
    pub marketplace: Marketplace,
    pub reports: i64,
}

#[derive(Debug, Clone)]
pub struct BrandPage {
    pub slug: String,
    pub display_name: String,
    pub reports: i64,
    pub distinct_reporters: i64,
    pub sellers_count: i64,
    pub marketplaces: Json<Vec<MarketplaceCount>>,
    pub sellers: Json<Vec<BrandSeller>>,
    pub recent: Json<Vec<ReportSummary>>,
}

/// Loads a brand (by slug or alias slug, such as a merged brand's) with a page of its sellers,
/// most reported by distinct buyers first, and its `recent` newest live reports.
#[tracing::instrument(skip_all, fields(slug = slug, limit = limit, offset = offset))]
pub async fn load(
    conn: &mut PgConnection,
    slug: &str,
    limit: i64,
    offset: i64,
    recent: i64,
) -> sqlx::Result<Option<BrandPage>> {
    sqlx::query_as!(
        BrandPage,
        r#"with b as (
             select brand_id, slug, display_name from brand
             -- A merged brand's slug is an alias of the kept brand, which is the one shown.
             where merged_into is null
               and (slug = $1
                    or brand_id = (select brand_id from brand_alias where alias_slug = $1))
             -- A brand's own slug wins over another brand's alias spelled the same.
             order by slug = $1 desc
             limit 1
         ), live as (
             select r.report_id, r.public_id, r.seller_id, r.listing_id, r.brand_id, r.status,
                    r.reporter_fingerprint, r.created_at, r.product_title, r.reasons,
                    r.description, r.order_date, r.confirmed_at
             from report r join b on b.brand_id = r.brand_id
             where r.status in ('unverified', 'verified')
         ), totals as (
             select count(*)::int8 as reports,
                    count(distinct reporter_fingerprint)::int8 as distinct_reporters,
                    count(distinct seller_id)::int8 as sellers_count
             from live
         ), per_marketplace as (
             select coalesce(json_agg(json_build_object('marketplace', marketplace,
                                                        'reports', n)
                                      order by n desc, marketplace), '[]') as j
             from (select s.marketplace, count(*) as n
                   from live join seller s on s.seller_id = live.seller_id
                   group by s.marketplace) t
         ), per_seller as (
             select coalesce(json_agg(json_build_object(
                        'marketplace', marketplace, 'seller_key', seller_key,
                        'name', display_name, 'name_based', name_based, 'reports', n,
                        'distinct_reporters', people,
                        'last_reported', to_char(last_at at time zone 'UTC', 'YYYY-MM-DD'))
                      order by people desc, n desc, seller_id), '[]') as j
             from (select s.seller_id, s.marketplace, s.seller_key, s.display_name,
                          s.name_based, count(*) as n,
                          count(distinct live.reporter_fingerprint) as people,
                          max(live.created_at) as last_at
                   from live join seller s on s.seller_id = live.seller_id
                   group by s.seller_id
                   order by people desc, n desc, s.seller_id
                   limit $2 offset $3) t
         ), recent as (
             select coalesce(json_agg(json_build_object(
                        'id', public_id, 'status', status, 'created_at', created_at,
                        'brand_slug', (select slug from b), 'brand_name', (select display_name from b),
                        'product_title', product_title, 'reasons', reasons,
                        'order_month', to_char(order_date, 'YYYY-MM'),
                        'description', description, 'listing_id', external_id,
                        'canonical_url', canonical_url, 'disputed', disputed,
                        'counts', confirmed_at is not null or status = 'verified')
                      order by created_at desc, report_id desc), '[]') as j
             from (select live.*, l.external_id, l.canonical_url,
                          coalesce(lb.outcome = 'genuine', false) as disputed
                   from live join listing l on l.listing_id = live.listing_id
                   left join listing_brand lb
                       on lb.listing_id = live.listing_id and lb.brand_id = live.brand_id
                   order by live.created_at desc, live.report_id desc
                   limit $4) t
         )
         select b.slug as "slug!", b.display_name as "display_name!",
                totals.reports as "reports!", totals.distinct_reporters as "distinct_reporters!",
                totals.sellers_count as "sellers_count!",
                per_marketplace.j as "marketplaces!: Json<Vec<MarketplaceCount>>",
                per_seller.j as "sellers!: Json<Vec<BrandSeller>>",
                recent.j as "recent!: Json<Vec<ReportSummary>>"
         from b, totals, per_marketplace, per_seller, recent"#,
        slug,
        limit,
        offset,
        recent,
    )
    .fetch_optional(conn)
    .await
}
