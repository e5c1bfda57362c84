//! Marketplace listings and the seller each is recorded under.

use sqlx::PgConnection;

use crate::db::constraint::{OnConstraint, WriteError};
use crate::domain::Marketplace;
use crate::domain::listing_url::Listing;
use crate::domain::seller::RecordedSeller;

/// A listing already reported, with the seller it is recorded under.
#[derive(Debug, Clone)]
pub struct KnownListing {
    pub listing_id: i64,
    pub seller: RecordedSeller,
}

/// The listing with this canonical URL and its seller, if anyone reported it before. A
/// listing's seller only changes when a moderator merges its seller into another, and intake
/// notices that when it locks the seller (`sellers::upsert` returns `merged_into`): no lock
/// is needed here.
#[tracing::instrument(skip_all, fields(known))]
pub async fn find(
    conn: &mut PgConnection,
    canonical_url: &str,
) -> sqlx::Result<Option<KnownListing>> {
    let row = sqlx::query!(
        r#"select l.listing_id, s.marketplace as "marketplace: Marketplace", s.seller_key,
                  s.name_based, s.display_name, s.store_url
           from listing l join seller s on s.seller_id = l.seller_id
           where l.canonical_url = $1"#,
        canonical_url,
    )
    .fetch_optional(&mut *conn)
    .await?;
    tracing::Span::current().record("known", row.is_some());
    Ok(row.map(|r| KnownListing {
        listing_id: r.listing_id,
        seller: RecordedSeller {
            marketplace: r.marketplace,
            seller_key: r.seller_key,
            name_based: r.name_based,
            display_name: r.display_name,
            store_url: r.store_url,
        },
    }))
}

/// Records a new listing under its first reports' seller. `None` when another submission
/// recorded the same listing first (this waits for it to commit): the caller starts over, so
/// that the listing's seller is checked against that one.
#[tracing::instrument(skip_all, fields(marketplace = %listing.marketplace, seller_id = seller_id))]
pub async fn insert(
    conn: &mut PgConnection,
    listing: &Listing,
    seller_id: i64,
) -> Result<Option<i64>, WriteError> {
    // The conflict target is the canonical URL's unique constraint: a conflict is another
    // submission's row, never a refusal.
    sqlx::query_scalar!(
        "insert into listing (marketplace, external_id, canonical_url, seller_id)
         values ($1, $2, $3, $4)
         on conflict on constraint listing_canonical_url_unique do nothing
         returning listing_id",
        listing.marketplace as Marketplace,
        &listing.listing_id,
        &listing.canonical_url,
        seller_id,
    )
    .fetch_optional(conn)
    .await
    .on_constraint(
        "listing_external_id_length",
        "listing_url",
        "The listing address is too long",
    )
}
