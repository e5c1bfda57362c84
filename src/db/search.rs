//! Finding sellers: by trigram similarity of their names and aliases, or exactly by the ids a
//! store or listing URL gives.

use sqlx::PgConnection;

use crate::db::sellers::SellerSummary;
use crate::domain::Marketplace;

/// Sellers whose name or alias resembles `folded` (already folded by `domain::fold`), best
/// first; ties by id, so pages are stable.
///
/// Ranks the names similar to the query (trigram similarity over the threshold, by the GIN
/// indexes), which for any real query are few next to the names that merely contain it: a
/// search for "shop" ranks the ~1 % of sellers whose name resembles "shop", not the ~10 % with
/// "shop" somewhere in it. Names that only contain the query are added, unranked among
/// themselves beyond their similarity, when the similar ones do not fill the page, and only
/// for three characters or more, which the trigram index can look for; a shorter query still
/// finds the names it resembles. Counts come from the sellers' summaries (migration 0016).
#[tracing::instrument(skip_all, fields(limit = limit, offset = offset, found))]
pub async fn by_name(
    conn: &mut PgConnection,
    folded: &str,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<SellerSummary>> {
    let like = containing(folded);
    let substrings = folded.chars().count() >= 3;
    let hits = sqlx::query_as!(
        SellerSummary,
        r#"with resembling as (
             select seller_id, similarity(lower(display_name), $1) as score
             from seller
             -- A merged seller is found under the seller it was merged into, which also
             -- took its spellings.
             where merged_into is null and lower(display_name) % $1
             union all
             -- A store's id typed as its name. The key index leads with the marketplace:
             -- one probe for each.
             select seller_id, 1
             from seller
             where merged_into is null and marketplace = any($6) and seller_key = $1
             union all
             -- Only spellings live reports gave: a withdrawn name finds nothing.
             select seller_id, similarity(lower(name), $1)
             from seller_alias
             where lower(name) % $1 and live_reports > 0
         ), containing as (
             (select seller_id, similarity(lower(display_name), $1) as score
              from seller
              where $5 and merged_into is null and lower(display_name) like $2
              limit $3::int8 + $4::int8)
             union all
             (select seller_id, similarity(lower(name), $1)
              from seller_alias
              where $5 and live_reports > 0 and lower(name) like $2
              limit $3::int8 + $4::int8)
         ), matches as (
             select seller_id, max(score) as score
             from (select * from resembling
                   union all
                   -- Decided before it runs: nothing is read when the similar names fill
                   -- the page.
                   select * from containing
                   where (select count(*) from resembling) < $3::int8 + $4::int8) m
             group by seller_id
         ), page as (
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
        substrings,
        &Marketplace::ALL[..] as &[Marketplace],
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

/// Brands whose name resembles `folded` (already folded), most similar first, at most `limit`: a
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
                 order by similarity(lower(display_name), $1) desc, brand_id
                 limit $3) b
           order by similarity(lower(b.display_name), $1) desc, b.brand_id"#,
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
