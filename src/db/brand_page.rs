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

/// Sellers a page loads: a page of 20 and one more that says whether there is a next
/// (`routes::paging`).
pub const SELLER_ROWS: i64 = 21;
/// Newest reports loaded: what the feed shows; the page shows the first few.
pub const RECENT_ROWS: i64 = 50;

/// The brand page's statement with the sellers' offset given as `$offset`: `"0"` for the first
/// page, a literal, or `"$2"`. With a parameter there PostgreSQL costs the unknown offset as a
/// tenth of the brand's sellers, finds its generic plan dearer than a custom one, and plans
/// every call afresh; the first page, which nearly every visit and the feed ask for, keeps one
/// plan.
macro_rules! brand_page {
    ($offset:tt $(, $param:expr)*) => {
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
         ), totals as (
             -- Kept current by every write (migration 0016), in slots: add them up. Each part
             -- names the brand as `(select brand_id from b)`, known before it runs, so that it
             -- walks its index in order and stops at its limit rather than join and sort.
             select coalesce(sum(t.reports), 0)::int8 as reports,
                    coalesce(sum(t.reporters), 0)::int8 as distinct_reporters,
                    coalesce(sum(t.sellers), 0)::int8 as sellers_count
             from brand_summary t where t.brand_id = (select brand_id from b)
         ), per_marketplace as (
             select coalesce(json_agg(json_build_object('marketplace', marketplace,
                                                        'reports', n)
                                      order by n desc, marketplace), '[]') as j
             from (select m.marketplace, sum(m.reports) as n
                   from brand_marketplace m where m.brand_id = (select brand_id from b)
                   group by m.marketplace having sum(m.reports) > 0) t
         ), per_seller as (
             select coalesce(json_agg(json_build_object(
                        'marketplace', s.marketplace, 'seller_key', s.seller_key,
                        'name', s.display_name, 'name_based', s.name_based,
                        'reports', t.reports, 'distinct_reporters', t.reporters,
                        'last_reported', to_char(t.last_reported_at at time zone 'UTC',
                                                 'YYYY-MM-DD'))
                      order by t.reporters desc, t.reports desc, t.seller_id), '[]') as j
             from (select sb.seller_id, sb.reports, sb.reporters, sb.last_reported_at
                   from seller_brand sb
                   where sb.brand_id = (select brand_id from b) and sb.reports > 0
                   order by sb.reporters desc, sb.reports desc, sb.seller_id
                   limit 21 offset "# + $offset + r#") t
             join seller s on s.seller_id = t.seller_id
         ), recent as (
             -- The latest live reports, by report_live_brand_idx.
             select coalesce(json_agg(json_build_object(
                        'id', r.public_id, 'status', r.status, 'created_at', r.created_at,
                        'brand_slug', (select slug from b), 'brand_name', (select display_name from b),
                        'product_title', r.product_title, 'reasons', r.reasons,
                        'order_month', to_char(r.order_date, 'YYYY-MM'),
                        'description', r.description, 'listing_id', l.external_id,
                        'canonical_url', l.canonical_url,
                        'disputed', coalesce(lb.outcome = 'genuine', false),
                        'counts', r.confirmed_at is not null or r.status = 'verified')
                      order by t.created_at desc, t.report_id desc), '[]') as j
             from (select r.report_id, r.created_at from report r
                   where r.brand_id = (select brand_id from b) and r.status in ('unverified', 'verified')
                   order by r.created_at desc, r.report_id desc
                   limit 50) t
             join report r on r.report_id = t.report_id
             join listing l on l.listing_id = r.listing_id
             left join listing_brand lb
                 on lb.listing_id = r.listing_id and lb.brand_id = r.brand_id
         )
         select b.slug as "slug!", b.display_name as "display_name!",
                totals.reports as "reports!", totals.distinct_reporters as "distinct_reporters!",
                totals.sellers_count as "sellers_count!",
                per_marketplace.j as "marketplaces!: Json<Vec<MarketplaceCount>>",
                per_seller.j as "sellers!: Json<Vec<BrandSeller>>",
                recent.j as "recent!: Json<Vec<ReportSummary>>"
         from b, totals, per_marketplace, per_seller, recent"#,
            $($param),*
        )
    };
}

/// Loads a brand (by slug or alias slug, such as a merged brand's) with a page of its sellers
/// ([`SELLER_ROWS`] from `offset`), most reported by distinct buyers first, and its
/// [`RECENT_ROWS`] newest live reports. Both limits are literals in the statement: with
/// parameters there PostgreSQL cannot cost a generic plan and plans every call afresh (most of
/// the page's time at 10 M reports); with literals it keeps one plan.
#[tracing::instrument(skip_all, fields(slug = slug, offset = offset))]
pub async fn load(
    conn: &mut PgConnection,
    slug: &str,
    offset: i64,
) -> sqlx::Result<Option<BrandPage>> {
    if offset == 0 {
        brand_page!("0", slug).fetch_optional(conn).await
    } else {
        brand_page!("$2", slug, offset).fetch_optional(conn).await
    }
}

#[cfg(test)]
mod tests {
    use super::{RECENT_ROWS, SELLER_ROWS};

    #[test]
    fn the_statements_limits_are_the_constants() {
        let source = include_str!("brand_page.rs");
        assert!(source.contains(&format!("limit {SELLER_ROWS} offset \"#")));
        assert!(source.contains(&format!("limit {RECENT_ROWS}) t")));
    }
}
