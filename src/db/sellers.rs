//! Sellers and their aliases.

use sqlx::PgConnection;

use crate::domain::fold::fold_name;
use crate::domain::report::SellerIdentity;

/// The seller a report is filed under, as stored (its first-known name is kept).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SellerRow {
    pub seller_id: i64,
    pub display_name: String,
}

/// Finds or creates the seller and records the buyer's name for it as an alias, in one
/// round trip. A store URL learnt later fills in one that was missing.
#[tracing::instrument(skip_all, fields(marketplace = %seller.marketplace))]
pub async fn upsert(conn: &mut PgConnection, seller: &SellerIdentity) -> sqlx::Result<SellerRow> {
    let alias_folded = seller.alias.as_deref().map(fold_name);
    sqlx::query_as(
        "with s as (
             insert into seller (marketplace, seller_key, name_based, display_name, store_url)
             values ($1, $2, $3, $4, $5)
             on conflict on constraint seller_marketplace_key_unique do update
                 set store_url = coalesce(seller.store_url, excluded.store_url)
             returning seller_id, display_name
         ), a as (
             insert into seller_alias (seller_id, name, folded_name)
             select seller_id, $6, $7 from s where $6::text is not null
             on conflict on constraint seller_alias_unique do nothing
         )
         select seller_id, display_name from s",
    )
    .bind(seller.marketplace.as_str())
    .bind(&seller.seller_key)
    .bind(seller.name_based)
    .bind(&seller.display_name)
    .bind(&seller.store_url)
    .bind(&seller.alias)
    .bind(alias_folded)
    .fetch_one(conn)
    .await
}
