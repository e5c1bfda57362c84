//! Finding sellers: by trigram similarity of their names and aliases, or exactly by the ids a
//! store or listing URL gives.

use sqlx::PgConnection;

use crate::domain::Marketplace;

/// One search result, with the counts a result list shows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SellerHit {
    pub marketplace: String,
    pub seller_key: String,
    pub display_name: String,
    pub name_based: bool,
    pub reports: i64,
    pub distinct_reporters: i64,
    pub score: f64,
}

/// Sellers whose name or alias resembles `folded` (already folded by `domain::fold`), best
/// first; ties by id, so pages are stable.
///
/// The page is cut before anything is counted: reports are counted for the (at most
/// `limit`) sellers shown, never for every match, so a query matching half the sellers
/// costs the ranking and no more. (Ties used to go to the seller with more reports, which
/// meant counting the reports of every match.)
#[tracing::instrument(skip_all)]
pub async fn by_name(
    conn: &mut PgConnection,
    folded: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<SellerHit>> {
    // Trigrams need three characters; substring matching covers short names.
    let like = format!(
        "%{}%",
        folded
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    sqlx::query_as(
        "with matches as (
             select seller_id, max(score) as score
             from (select seller_id, similarity(lower(display_name), $1) as score
                   from seller
                   -- A merged seller is found under the seller it was merged into, which
                   -- also took its spellings.
                   where merged_into is null
                     and (lower(display_name) % $1 or lower(display_name) like $2
                          or seller_key = $1)
                   union all
                   -- Only spellings live reports gave: a withdrawn name finds nothing.
                   select seller_id, similarity(lower(name), $1)
                   from seller_alias
                   where (lower(name) % $1 or lower(name) like $2) and live_reports > 0) m
             group by seller_id
         ),
         page as (
             select seller_id, score
             from matches
             order by score desc, seller_id
             limit $3 offset $4
         )
         select s.marketplace, s.seller_key, s.display_name, s.name_based,
                p.score::float8 as score, c.reports, c.distinct_reporters
         from page p
         join seller s on s.seller_id = p.seller_id
         cross join lateral (
             select count(*) as reports,
                    count(distinct r.reporter_fingerprint) as distinct_reporters
             from report r
             where r.seller_id = s.seller_id and r.status in ('unverified', 'verified')
         ) c
         order by p.score desc, s.seller_id",
    )
    .bind(folded)
    .bind(like)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await
}

/// The seller with this key, or the one it was merged into: (marketplace, seller key).
#[tracing::instrument(skip_all)]
pub async fn find_seller(
    conn: &mut PgConnection,
    marketplace: Marketplace,
    seller_key: &str,
) -> sqlx::Result<Option<(String, String)>> {
    sqlx::query_as(
        "select coalesce(k.marketplace, s.marketplace), coalesce(k.seller_key, s.seller_key)
         from seller s left join seller k on k.seller_id = s.merged_into
         where s.marketplace = $1 and s.seller_key = $2",
    )
    .bind(marketplace.as_str())
    .bind(seller_key)
    .fetch_optional(conn)
    .await
}

/// The seller of a reported listing, by its canonical URL: (marketplace, seller key).
#[tracing::instrument(skip_all)]
pub async fn seller_of_listing(
    conn: &mut PgConnection,
    canonical_url: &str,
) -> sqlx::Result<Option<(String, String)>> {
    sqlx::query_as(
        "select s.marketplace, s.seller_key
         from listing l join seller s on s.seller_id = l.seller_id
         where l.canonical_url = $1",
    )
    .bind(canonical_url)
    .fetch_optional(conn)
    .await
}
