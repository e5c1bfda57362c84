//! Finding sellers: by trigram similarity of their names and aliases, or exactly by the ids a
//! store or listing URL gives.

use sqlx::PgConnection;

use crate::db::sellers::SellerSummary;
use crate::domain::Marketplace;

/// Sellers whose name or alias resembles `folded` (already folded by `domain::fold`), best
/// first; ties by id, so pages are stable.
///
/// Each name index is walked nearest first (GiST trigram distance, `<->`) and stops after the
/// page's rows, so a query that matches half the sellers ("shop") costs a page, not a ranking
/// of every match; counts come from the sellers' summaries (migration 0016).
#[tracing::instrument(skip_all, fields(limit = limit, offset = offset, found))]
pub async fn by_name(
    conn: &mut PgConnection,
    folded: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<SellerSummary>> {
    // Trigrams need three characters; substring matching covers short names.
    let like = containing(folded);
    let hits = sqlx::query_as!(
        SellerSummary,
        r#"with matches as (
             select seller_id, max(score) as score
             from ((select seller_id, 1 - (lower(display_name) <-> $1) as score
                    from seller
                    -- A merged seller is found under the seller it was merged into, which
                    -- also took its spellings.
                    where merged_into is null
                      and (lower(display_name) % $1 or lower(display_name) like $2
                           or seller_key = $1)
                    order by lower(display_name) <-> $1, seller_id
                    limit $3::int8 + $4::int8)
                   union all
                   -- Only spellings live reports gave: a withdrawn name finds nothing.
                   (select seller_id, 1 - (lower(name) <-> $1)
                    from seller_alias
                    where (lower(name) % $1 or lower(name) like $2) and live_reports > 0
                    order by lower(name) <-> $1, seller_id
                    limit $3::int8 + $4::int8)) m
             group by seller_id
         ),
         page as (
             select seller_id, score
             from matches
             order by score desc, seller_id
             limit $3 offset $4
         )
         select s.marketplace as "marketplace: Marketplace", s.seller_key,
                s.display_name as name, s.name_based,
                coalesce(t.reports, 0) as "reports!",
                coalesce(t.distinct_reporters, 0) as "distinct_reporters!"
         from page p
         join seller s on s.seller_id = p.seller_id
         left join seller_summary t on t.seller_id = s.seller_id
         order by p.score desc, s.seller_id"#,
        folded,
        like,
        limit,
        offset,
    )
    .fetch_all(conn)
    .await?;
    tracing::Span::current().record("found", hits.len());
    Ok(hits)
}

/// A brand found by name: its page and its live reports.
#[derive(Debug, Clone)]
pub struct BrandHit {
    pub slug: String,
    pub name: String,
    pub reports: i64,
}

/// Brands whose name resembles `folded` (already folded), nearest first, at most `limit`: a
/// search for "nike" offers the Nike brand page besides the sellers.
#[tracing::instrument(skip_all, fields(found))]
pub async fn brands_by_name(
    conn: &mut PgConnection,
    folded: &str,
    limit: i64,
) -> sqlx::Result<Vec<BrandHit>> {
    let like = containing(folded);
    let hits = sqlx::query_as!(
        BrandHit,
        r#"select b.slug, b.display_name as name,
                  coalesce((select sum(t.reports) from brand_summary t
                            where t.brand_id = b.brand_id), 0)::int8 as "reports!"
           from (select brand_id, slug, display_name from brand
                 where merged_into is null
                   and (lower(display_name) % $1 or lower(display_name) like $2 or slug = $1)
                 order by lower(display_name) <-> $1, brand_id
                 limit $3) b
           order by lower(b.display_name) <-> $1, b.brand_id"#,
        folded,
        like,
        limit,
    )
    .fetch_all(conn)
    .await?;
    tracing::Span::current().record("found", hits.len());
    Ok(hits)
}

pub(super) fn containing(text: &str) -> String {
    format!(
        "%{}%",
        text.replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    )
}

/// The seller with this key, or the one it was merged into: (marketplace, seller key).
#[tracing::instrument(skip_all, fields(marketplace = %marketplace))]
pub async fn find_seller(
    conn: &mut PgConnection,
    marketplace: Marketplace,
    seller_key: &str,
) -> sqlx::Result<Option<(Marketplace, String)>> {
    let row = sqlx::query!(
        r#"select coalesce(k.marketplace, s.marketplace) as "marketplace!: Marketplace",
                  coalesce(k.seller_key, s.seller_key) as "seller_key!"
           from seller s left join seller k on k.seller_id = s.merged_into
           where s.marketplace = $1 and s.seller_key = $2"#,
        marketplace as Marketplace,
        seller_key,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|r| (r.marketplace, r.seller_key)))
}

/// The seller of a reported listing, by its canonical URL: (marketplace, seller key).
#[tracing::instrument(skip_all, fields(found))]
pub async fn seller_of_listing(
    conn: &mut PgConnection,
    canonical_url: &str,
) -> sqlx::Result<Option<(Marketplace, String)>> {
    let row = sqlx::query!(
        r#"select s.marketplace as "marketplace: Marketplace", s.seller_key
           from listing l join seller s on s.seller_id = l.seller_id
           where l.canonical_url = $1"#,
        canonical_url,
    )
    .fetch_optional(conn)
    .await?;
    tracing::Span::current().record("found", row.is_some());
    Ok(row.map(|r| (r.marketplace, r.seller_key)))
}

#[cfg(test)]
mod tests {
    use super::containing;

    #[test]
    fn a_pattern_looks_for_wildcards_and_backslashes_as_they_are() {
        assert_eq!(containing(r"100%_real\x"), r"%100\%\_real\\x%");
        assert_eq!(containing("plain"), "%plain%");
    }
}
