//! Marketplace listings and the seller each is recorded under.

use sqlx::PgConnection;

use crate::domain::Marketplace;
use crate::domain::listing_url::Listing;
use crate::domain::seller::RecordedSeller;

/// A listing already reported, with the seller it is recorded under.
#[derive(Debug, Clone)]
pub struct KnownListing {
    pub listing_id: i64,
    pub seller: RecordedSeller,
}

#[derive(sqlx::FromRow)]
struct KnownRow {
    listing_id: i64,
    marketplace: String,
    seller_key: String,
    name_based: bool,
    display_name: String,
    store_url: Option<String>,
}

/// The listing with this canonical URL and its seller, if anyone reported it before. A
/// listing's seller only changes when a moderator merges its seller into another, and intake
/// notices that when it locks the seller (`sellers::upsert` returns `merged_into`): no lock
/// is needed here.
#[tracing::instrument(skip_all)]
pub async fn find(
    conn: &mut PgConnection,
    canonical_url: &str,
) -> sqlx::Result<Option<KnownListing>> {
    let row: Option<KnownRow> = sqlx::query_as(
        "select l.listing_id, s.marketplace, s.seller_key, s.name_based, s.display_name,
                s.store_url
         from listing l join seller s on s.seller_id = l.seller_id
         where l.canonical_url = $1",
    )
    .bind(canonical_url)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        let marketplace = r.marketplace.parse::<Marketplace>().map_err(|_| {
            sqlx::Error::Decode(format!("unknown marketplace {:?}", r.marketplace).into())
        })?;
        Ok(KnownListing {
            listing_id: r.listing_id,
            seller: RecordedSeller {
                marketplace,
                seller_key: r.seller_key,
                name_based: r.name_based,
                display_name: r.display_name,
                store_url: r.store_url,
            },
        })
    })
    .transpose()
}

/// Records a new listing under its first reports' seller. `None` when another submission
/// recorded the same listing first (this waits for it to commit): the caller starts over, so
/// that the listing's seller is checked against that one.
#[tracing::instrument(skip_all, fields(marketplace = %listing.marketplace))]
pub async fn insert(
    conn: &mut PgConnection,
    listing: &Listing,
    seller_id: i64,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "insert into listing (marketplace, external_id, canonical_url, seller_id)
         values ($1, $2, $3, $4)
         on conflict on constraint listing_canonical_url_unique do nothing
         returning listing_id",
    )
    .bind(listing.marketplace.as_str())
    .bind(&listing.listing_id)
    .bind(&listing.canonical_url)
    .bind(seller_id)
    .fetch_optional(conn)
    .await
}
