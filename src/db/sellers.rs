//! Sellers, the spellings reporters gave for them, and the name each is shown under.

use serde::Deserialize;
use sqlx::PgConnection;

use crate::db::constraint::{OnConstraint, WriteError};
use crate::db::types::json;
use crate::domain::Marketplace;
use crate::domain::fold::fold_name;
use crate::domain::seller::{SellerIdentity, Spelling, shown_name};

/// The seller a report is filed under, as stored.
#[derive(Debug, Clone)]
pub struct SellerRow {
    pub seller_id: i64,
    pub display_name: String,
    pub store_url: Option<String>,
    /// Set when a moderator merged this seller into another after the caller looked the key
    /// up (`merges::kept_seller`): nothing may be filed under it, start over.
    pub merged_into: Option<i64>,
}

/// A seller as lists of sellers show it (search results, a brand's sellers): where its page
/// is, the name it is shown under, and its live reports and the people who filed them,
/// counted over what the list is about (a brand's list counts that brand's reports only).
#[derive(Debug, Clone, Deserialize)]
pub struct SellerSummary {
    #[serde(deserialize_with = "json::parsed")]
    pub marketplace: Marketplace,
    pub seller_key: String,
    pub name: String,
    /// Known only by a name buyers typed, not by an id from a store URL.
    pub name_based: bool,
    pub reports: i64,
    pub distinct_reporters: i64,
}

/// A seller found by its public address, `/sellers/{marketplace}/{seller_key}`.
#[derive(Debug, Clone)]
pub struct SellerRef {
    pub seller_id: i64,
    pub seller_key: String,
    pub display_name: String,
    pub store_url: Option<String>,
    /// Known only by a name buyers typed: no store a reply's code could be checked on.
    pub name_based: bool,
}

/// The seller at `/sellers/{marketplace}/{seller_key}`, if any, or the one it was merged into;
/// by the marketplace and key index, for pages that need the seller but not its reports (the
/// reply form).
#[tracing::instrument(skip_all, fields(marketplace = %marketplace))]
pub async fn find_by_key(
    conn: &mut PgConnection,
    marketplace: Marketplace,
    seller_key: &str,
) -> sqlx::Result<Option<SellerRef>> {
    sqlx::query_as!(
        SellerRef,
        "select k.seller_id, k.seller_key, k.display_name, k.store_url, k.name_based
         from seller s join seller k on k.seller_id = coalesce(s.merged_into, s.seller_id)
         where s.marketplace = $1 and s.seller_key = $2",
        marketplace as Marketplace,
        seller_key,
    )
    .fetch_optional(conn)
    .await
}

/// What a seller key, display name or alias too long for its column says, on the field they
/// all come from.
const SELLER_TOO_LONG: &str = "The seller's name or store address is too long";

/// Finds or creates the seller and records the reporter's spelling of its name, in one round
/// trip. A store URL learnt later fills in one that was missing. The seller row stays locked
/// until commit (`do update` locks it even when nothing changes): reports on one seller are
/// counted one transaction at a time, so [`refresh_shown_name`] sees every earlier vote.
#[tracing::instrument(skip_all, fields(marketplace = %seller.marketplace))]
pub async fn upsert(
    conn: &mut PgConnection,
    seller: &SellerIdentity,
) -> Result<SellerRow, WriteError> {
    let folded = seller.name.as_deref().map(fold_name);
    sqlx::query_as!(
        SellerRow,
        r#"with s as (
             insert into seller (marketplace, seller_key, name_based, display_name, store_url)
             values ($1, $2, $3, $4, $5)
             on conflict on constraint seller_marketplace_key_unique do update
                 set store_url = coalesce(seller.store_url, excluded.store_url)
             returning seller_id, display_name, store_url, merged_into
         ), a as (
             insert into seller_alias (seller_id, name, folded_name)
             select seller_id, $6, $7 from s where $6::text is not null
             on conflict on constraint seller_alias_name_unique do nothing
         )
         select seller_id as "seller_id!", display_name as "display_name!",
                store_url, merged_into
         from s"#,
        seller.marketplace as Marketplace,
        &seller.seller_key,
        seller.name_based,
        &seller.display_name,
        seller.store_url.as_deref(),
        seller.name.as_deref(),
        folded.as_deref(),
    )
    .fetch_one(conn)
    .await
    .on_constraint("seller_key_length", "seller_name", SELLER_TOO_LONG)
    .on_constraint("seller_display_name_length", "seller_name", SELLER_TOO_LONG)
    .on_constraint("seller_alias_name_length", "seller_name", SELLER_TOO_LONG)
}

/// Sets the name a store identified by id is shown under to the spelling most live reports
/// gave (`domain::seller::shown_name`) and returns it. Call it in the transaction that filed
/// or withdrew a report, after locking the seller row (intake's [`upsert`], the withdrawal's
/// statement), so that two transactions never count from different votes. A seller known only
/// by a typed name keeps the name that is its identity, and one a moderator named keeps that
/// name (`curation::rename_seller`). A changed name marks the seller's
/// takedown rows changed (trigger `seller_touch_listing_brand`).
#[tracing::instrument(skip_all, fields(seller_id = seller_id))]
pub async fn refresh_shown_name(conn: &mut PgConnection, seller_id: i64) -> sqlx::Result<String> {
    let row = sqlx::query!(
        r#"select s.seller_key, s.name_based, s.display_name,
                s.display_name_set_at is not null as "set_by_moderator!",
                coalesce(array_agg(a.name order by a.seller_alias_id)
                             filter (where a.seller_alias_id is not null), '{}')
                    as "names!: Vec<String>",
                coalesce(array_agg(a.folded_name order by a.seller_alias_id)
                             filter (where a.seller_alias_id is not null), '{}')
                    as "folded!: Vec<String>",
                coalesce(array_agg(a.live_reports order by a.seller_alias_id)
                             filter (where a.seller_alias_id is not null), '{}')
                    as "live_reports!: Vec<i32>"
         from seller s
         left join seller_alias a on a.seller_id = s.seller_id and a.live_reports > 0
         where s.seller_id = $1
         group by s.seller_id"#,
        seller_id,
    )
    .fetch_one(&mut *conn)
    .await?;
    if row.name_based || row.set_by_moderator {
        return Ok(row.display_name);
    }
    let spellings: Vec<Spelling> = row
        .names
        .into_iter()
        .zip(row.folded)
        .zip(row.live_reports)
        .map(|((name, folded), live_reports)| Spelling {
            name,
            folded,
            live_reports: i64::from(live_reports),
        })
        .collect();
    let shown = shown_name(&spellings, &row.seller_key);
    if shown != row.display_name {
        sqlx::query!(
            "update seller set display_name = $2 where seller_id = $1",
            seller_id,
            &shown,
        )
        .execute(conn)
        .await?;
    }
    Ok(shown)
}
