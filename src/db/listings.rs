//! Marketplace listings.

use sqlx::PgConnection;

use crate::domain::listing_url::Listing;

/// Finds or creates the listing. A seller identified by URL replaces one known only by a
/// typed name: it is the better identity for the same listing.
#[tracing::instrument(skip_all, fields(marketplace = %listing.marketplace))]
pub async fn upsert(
    conn: &mut PgConnection,
    listing: &Listing,
    seller_id: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into listing (marketplace, external_id, canonical_url, seller_id)
         values ($1, $2, $3, $4)
         on conflict on constraint listing_canonical_url_unique do update
             set seller_id = case
                 when listing.seller_id <> excluded.seller_id
                      and (select name_based from seller where seller_id = listing.seller_id)
                      and not (select name_based from seller where seller_id = excluded.seller_id)
                 then excluded.seller_id
                 else listing.seller_id
             end
         returning listing_id",
    )
    .bind(listing.marketplace.as_str())
    .bind(&listing.listing_id)
    .bind(&listing.canonical_url)
    .bind(seller_id)
    .fetch_one(conn)
    .await
}
