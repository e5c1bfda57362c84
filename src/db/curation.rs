//! What moderators see of one seller or brand (their pages under `/moderation/sellers` and
//! `/moderation/brands`), finding them, and renaming them.

use serde::Deserialize;
use sqlx::PgConnection;
use sqlx::types::Json;
use time::OffsetDateTime;

use super::constraint::{OnConstraint, WriteError};
use super::types::json;
use crate::domain::Marketplace;
use crate::domain::merge::SellerRef;

/// A spelling of a seller's name, with the live reports that gave it.
#[derive(Debug, Clone, Deserialize)]
pub struct Spelling {
    pub name: String,
    pub live_reports: i64,
}

/// A seller merged into another, as the kept one's page lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct MergedSeller {
    #[serde(deserialize_with = "json::parsed")]
    pub marketplace: Marketplace,
    pub seller_key: String,
    pub display_name: String,
}

/// The seller page's statement's row: the counts and lists as the statement makes them.
struct SellerRow {
    seller_id: i64,
    marketplace: Marketplace,
    seller_key: String,
    name_based: bool,
    display_name: String,
    display_name_set_at: Option<OffsetDateTime>,
    store_url: Option<String>,
    created_at: OffsetDateTime,
    kept_marketplace: Option<Marketplace>,
    kept_key: Option<String>,
    all_reports: i64,
    live_reports: i64,
    verified_reports: i64,
    distinct_reporters: i64,
    listings: i64,
    spellings: Json<Vec<Spelling>>,
    merged: Json<Vec<MergedSeller>>,
}

/// One seller as its moderation page shows it; every report counted, whatever its status.
#[derive(Debug, Clone)]
pub struct SellerRecord {
    pub seller_id: i64,
    pub reference: SellerRef,
    pub name_based: bool,
    pub display_name: String,
    /// When a moderator chose the display name; `None` while reporters' spellings decide it.
    pub display_name_set_at: Option<OffsetDateTime>,
    pub store_url: Option<String>,
    pub created_at: OffsetDateTime,
    /// The seller this one was merged into.
    pub merged_into: Option<SellerRef>,
    pub all_reports: i64,
    pub live_reports: i64,
    pub verified_reports: i64,
    pub distinct_reporters: i64,
    pub listings: i64,
    pub spellings: Vec<Spelling>,
    /// Sellers merged into this one.
    pub merged: Vec<MergedSeller>,
}

impl From<SellerRow> for SellerRecord {
    fn from(r: SellerRow) -> Self {
        let merged_into = match (r.kept_marketplace, r.kept_key) {
            (Some(marketplace), Some(seller_key)) => Some(SellerRef {
                marketplace,
                seller_key,
            }),
            _ => None,
        };
        SellerRecord {
            seller_id: r.seller_id,
            reference: SellerRef {
                marketplace: r.marketplace,
                seller_key: r.seller_key,
            },
            name_based: r.name_based,
            display_name: r.display_name,
            display_name_set_at: r.display_name_set_at,
            store_url: r.store_url,
            created_at: r.created_at,
            merged_into,
            all_reports: r.all_reports,
            live_reports: r.live_reports,
            verified_reports: r.verified_reports,
            distinct_reporters: r.distinct_reporters,
            listings: r.listings,
            spellings: r.spellings.0,
            merged: r.merged.0,
        }
    }
}

/// The seller with this key, merged or not.
#[tracing::instrument(
    skip_all,
    fields(marketplace = seller.marketplace.as_str(), seller_id, live_reports)
)]
pub async fn seller(
    conn: &mut PgConnection,
    seller: &SellerRef,
) -> sqlx::Result<Option<SellerRecord>> {
    let row = sqlx::query_as!(
        SellerRow,
        r#"select s.seller_id, s.marketplace as "marketplace: Marketplace", s.seller_key,
                  s.name_based, s.display_name, s.display_name_set_at, s.store_url, s.created_at,
                  k.marketplace as "kept_marketplace?: Marketplace", k.seller_key as "kept_key?",
                  c.all_reports as "all_reports!", c.live_reports as "live_reports!",
                  c.verified_reports as "verified_reports!",
                  c.distinct_reporters as "distinct_reporters!",
                  (select count(*) from listing l where l.seller_id = s.seller_id) as "listings!",
                  (select coalesce(json_agg(json_build_object('name', a.name,
                                                              'live_reports', a.live_reports)
                                            order by a.live_reports desc, a.seller_alias_id), '[]')
                   from seller_alias a where a.seller_id = s.seller_id)
                      as "spellings!: Json<Vec<Spelling>>",
                  (select coalesce(json_agg(json_build_object('marketplace', m.marketplace,
                                                              'seller_key', m.seller_key,
                                                              'display_name', m.display_name)
                                            order by m.seller_id), '[]')
                   from seller m where m.merged_into = s.seller_id)
                      as "merged!: Json<Vec<MergedSeller>>"
           from seller s
           left join seller k on k.seller_id = s.merged_into
           cross join lateral (
               select count(*) as all_reports,
                      count(*) filter (where r.status in ('unverified', 'verified'))
                          as live_reports,
                      count(*) filter (where r.status = 'verified') as verified_reports,
                      count(distinct r.reporter_fingerprint)
                          filter (where r.status in ('unverified', 'verified'))
                          as distinct_reporters
               from report r where r.seller_id = s.seller_id
           ) c
           where s.marketplace = $1 and s.seller_key = $2"#,
        seller.marketplace.as_str(),
        &seller.seller_key,
    )
    .fetch_optional(conn)
    .await?;
    if let Some(row) = &row {
        let span = tracing::Span::current();
        span.record("seller_id", row.seller_id);
        span.record("live_reports", row.live_reports);
    }
    Ok(row.map(SellerRecord::from))
}

/// Whether a seller with this key exists, merged or not.
#[tracing::instrument(skip_all, fields(marketplace = seller.marketplace.as_str(), exists))]
pub async fn seller_exists(conn: &mut PgConnection, seller: &SellerRef) -> sqlx::Result<bool> {
    let exists = sqlx::query_scalar!(
        r#"select exists (select 1 from seller where marketplace = $1 and seller_key = $2)
               as "exists!""#,
        seller.marketplace.as_str(),
        &seller.seller_key,
    )
    .fetch_one(conn)
    .await?;
    tracing::Span::current().record("exists", exists);
    Ok(exists)
}

/// A brand merged into another, as the kept one's page lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct MergedBrand {
    pub slug: String,
    pub display_name: String,
}

/// One brand as its moderation page shows it.
#[derive(Debug, Clone)]
pub struct BrandRecord {
    pub brand_id: i64,
    pub slug: String,
    pub display_name: String,
    pub created_at: OffsetDateTime,
    /// The slug of the brand this one was merged into.
    pub merged_into: Option<String>,
    pub all_reports: i64,
    pub live_reports: i64,
    pub sellers: i64,
    /// Its takedown rows: listings reported for it.
    pub listings: i64,
    /// Other spellings that lead to it (`brand_alias`).
    pub aliases: Vec<String>,
    /// Rights holders who export it.
    pub holders: Vec<String>,
    pub merged: Json<Vec<MergedBrand>>,
}

/// The brand with this slug, merged or not. Aliases are not followed: a merge names the
/// brand it merges, and [`aliased_slug`] says where an alias leads.
#[tracing::instrument(skip_all, fields(brand = slug, brand_id, live_reports))]
pub async fn brand(conn: &mut PgConnection, slug: &str) -> sqlx::Result<Option<BrandRecord>> {
    let record = sqlx::query_as!(
        BrandRecord,
        r#"select b.brand_id, b.slug, b.display_name, b.created_at, k.slug as "merged_into?",
                  c.all_reports as "all_reports!", c.live_reports as "live_reports!",
                  c.sellers as "sellers!",
                  (select count(*) from listing_brand lb where lb.brand_id = b.brand_id)
                      as "listings!",
                  array(select a.alias_slug from brand_alias a
                        where a.brand_id = b.brand_id order by a.alias_slug) as "aliases!",
                  array(select h.name from rights_holder_brand rb
                        join rights_holder h using (rights_holder_id)
                        where rb.brand_id = b.brand_id order by h.name) as "holders!",
                  (select coalesce(json_agg(json_build_object('slug', m.slug,
                                                              'display_name', m.display_name)
                                            order by m.slug), '[]')
                   from brand m where m.merged_into = b.brand_id)
                      as "merged!: Json<Vec<MergedBrand>>"
           from brand b
           left join brand k on k.brand_id = b.merged_into
           cross join lateral (
               select count(*) as all_reports,
                      count(*) filter (where r.status in ('unverified', 'verified'))
                          as live_reports,
                      count(distinct r.seller_id)
                          filter (where r.status in ('unverified', 'verified')) as sellers
               from report r where r.brand_id = b.brand_id
           ) c
           where b.slug = $1"#,
        slug,
    )
    .fetch_optional(conn)
    .await?;
    if let Some(record) = &record {
        let span = tracing::Span::current();
        span.record("brand_id", record.brand_id);
        span.record("live_reports", record.live_reports);
    }
    Ok(record)
}

/// The slug of the brand that `alias` (a `brand_alias`) leads to.
#[tracing::instrument(skip_all, fields(alias = alias))]
pub async fn aliased_slug(conn: &mut PgConnection, alias: &str) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar!(
        "select b.slug from brand_alias a join brand b using (brand_id) where a.alias_slug = $1",
        alias,
    )
    .fetch_optional(conn)
    .await
}

/// A brand found by name, with its live reports.
#[derive(Debug, Clone)]
pub struct BrandHit {
    pub slug: String,
    pub display_name: String,
    pub live_reports: i64,
}

/// Brands (not merged ones) whose name or slug contains `folded` or resembles it, best first.
/// Brands are few next to sellers, and only moderators search them: no index for this.
#[tracing::instrument(skip_all, fields(limit = limit, hits))]
pub async fn find_brands(
    conn: &mut PgConnection,
    folded: &str,
    limit: i64,
) -> sqlx::Result<Vec<BrandHit>> {
    let like = super::search::containing(folded);
    let hits = sqlx::query_as!(
        BrandHit,
        r#"select b.slug, b.display_name,
                  (select count(*) from report r
                   where r.brand_id = b.brand_id and r.status in ('unverified', 'verified'))
                      as "live_reports!"
           from brand b
           where b.merged_into is null
             and (lower(b.display_name) like $2 or b.slug like $2 or lower(b.display_name) % $1)
           order by similarity(lower(b.display_name), $1) desc, b.slug
           limit $3"#,
        folded,
        like,
        limit,
    )
    .fetch_all(conn)
    .await?;
    tracing::Span::current().record("hits", hits.len());
    Ok(hits)
}

/// Locks the seller with this key until commit, as intake does before it recounts the name;
/// its id, if it exists.
#[tracing::instrument(skip_all, fields(marketplace = seller.marketplace.as_str(), seller_id))]
pub async fn lock_seller(conn: &mut PgConnection, seller: &SellerRef) -> sqlx::Result<Option<i64>> {
    let seller_id = sqlx::query_scalar!(
        "select seller_id from seller where marketplace = $1 and seller_key = $2 for update",
        seller.marketplace.as_str(),
        &seller.seller_key,
    )
    .fetch_optional(conn)
    .await?;
    if let Some(id) = seller_id {
        tracing::Span::current().record("seller_id", id);
    }
    Ok(seller_id)
}

/// Locks the brand with this slug until commit; its id, if it exists.
#[tracing::instrument(skip_all, fields(brand = slug, brand_id))]
pub async fn lock_brand(conn: &mut PgConnection, slug: &str) -> sqlx::Result<Option<i64>> {
    let brand_id = sqlx::query_scalar!(
        "select brand_id from brand where slug = $1 for update",
        slug
    )
    .fetch_optional(conn)
    .await?;
    if let Some(id) = brand_id {
        tracing::Span::current().record("brand_id", id);
    }
    Ok(brand_id)
}

/// Sets the name a seller is shown under, for good: reporters' spellings no longer change it
/// (`sellers::refresh_shown_name`). A changed name marks the seller's takedown rows changed
/// (trigger `seller_touch_listing_brand`).
#[tracing::instrument(skip_all, fields(seller_id = seller_id))]
pub async fn rename_seller(
    conn: &mut PgConnection,
    seller_id: i64,
    name: &str,
) -> Result<(), WriteError> {
    sqlx::query!(
        "update seller set display_name = $2, display_name_set_at = now() where seller_id = $1",
        seller_id,
        name,
    )
    .execute(conn)
    .await
    .on_constraint(
        "seller_display_name_length",
        "display_name",
        "The seller's name must be 1 to 300 characters",
    )?;
    Ok(())
}

/// Sets the name a brand is shown under (intake never changes it). Every takedown row of the
/// brand shows the name, so a change marks them changed for incremental exports.
#[tracing::instrument(skip_all, fields(brand_id = brand_id, listings))]
pub async fn rename_brand(
    conn: &mut PgConnection,
    brand_id: i64,
    name: &str,
) -> Result<(), WriteError> {
    let done = sqlx::query!(
        "with renamed as (
             update brand set display_name = $2
             where brand_id = $1 and display_name is distinct from $2
             returning brand_id
         )
         update listing_brand set changed_xid = pg_current_xact_id()
         where brand_id in (select brand_id from renamed)",
        brand_id,
        name,
    )
    .execute(conn)
    .await
    .on_constraint(
        "brand_display_name_length",
        "display_name",
        "The brand's name must be 1 to 120 characters",
    )?;
    tracing::Span::current().record("listings", done.rows_affected());
    Ok(())
}

/// Makes `alias_slug` lead to the brand, so that reports typing the brand's new name file
/// under it, unless the slug is another brand's own (then a merge is what joins them) or
/// already an alias. Returns whether it was added.
#[tracing::instrument(skip_all, fields(brand_id = brand_id, alias = alias_slug, added))]
pub async fn add_brand_alias(
    conn: &mut PgConnection,
    brand_id: i64,
    alias_slug: &str,
) -> sqlx::Result<bool> {
    let added = sqlx::query!(
        "insert into brand_alias (alias_slug, brand_id)
         select $2, $1 where not exists (select 1 from brand where slug = $2)
         on conflict (alias_slug) do nothing",
        brand_id,
        alias_slug,
    )
    .execute(conn)
    .await?
    .rows_affected()
        == 1;
    tracing::Span::current().record("added", added);
    Ok(added)
}
