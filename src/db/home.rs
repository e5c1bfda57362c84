//! Headline figures and recent activity for the home page, in one round trip.

use serde::Deserialize;
use sqlx::PgConnection;
use sqlx::types::Json;

use super::types::json;
use crate::domain::Marketplace;

/// A seller reported lately: a link to its page, without counts (counting the reports of
/// each would cost the home page a count per seller, for numbers it does not show).
#[derive(Debug, Clone, Deserialize)]
pub struct RecentSeller {
    #[serde(deserialize_with = "json::parsed")]
    pub marketplace: Marketplace,
    pub seller_key: String,
    pub name: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RecentBrand {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Home {
    pub reports: i64,
    pub sellers: i64,
    pub brands: i64,
    pub recent_sellers: Json<Vec<RecentSeller>>,
    pub recent_brands: Json<Vec<RecentBrand>>,
}

/// Counts of live reports and of the sellers and brands they name, and the sellers and
/// brands reported most recently. Walks the newest reports by index, not the whole table.
#[tracing::instrument(skip_all)]
pub async fn load(conn: &mut PgConnection) -> sqlx::Result<Home> {
    sqlx::query_as!(
        Home,
        r#"with latest as (
             select seller_id, brand_id, created_at, report_id
             from report
             where status in ('unverified', 'verified')
             order by created_at desc, report_id desc
             limit 200
         ), site as (
             -- Kept current by every write (migration 0016), in slots: add them up.
             select sum(reports)::int8 as reports, sum(sellers)::int8 as sellers,
                    sum(brands)::int8 as brands
             from site_summary
         )
         select
             (select reports from site) as "reports!",
             (select sellers from site) as "sellers!",
             (select brands from site) as "brands!",
             (select coalesce(json_agg(json_build_object('marketplace', s.marketplace,
                                                         'seller_key', s.seller_key,
                                                         'name', s.display_name)
                                       order by t.at desc), '[]')
              from (select seller_id, max(created_at) as at from latest
                    group by seller_id order by at desc limit 8) t
              join seller s on s.seller_id = t.seller_id)
                 as "recent_sellers!: Json<Vec<RecentSeller>>",
             (select coalesce(json_agg(json_build_object('slug', b.slug, 'name', b.display_name)
                                       order by t.at desc), '[]')
              from (select brand_id, max(created_at) as at from latest
                    group by brand_id order by at desc limit 8) t
              join brand b on b.brand_id = t.brand_id)
                 as "recent_brands!: Json<Vec<RecentBrand>>""#,
    )
    .fetch_one(conn)
    .await
}
