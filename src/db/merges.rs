//! Merging a seller into another, or a brand into another, and following a merge: the merged
//! one keeps its row (and its key or slug keeps resolving) with `merged_into` naming the kept
//! one, which holds everything the merged one had.
//!
//! Run each merge in one transaction, after [`begin_merge`], with the audit row in the
//! same transaction. Merges repoint the sellers (brands) already merged into the one being
//! merged, so that `merged_into` never names a merged row: following it is one hop.

use sqlx::PgConnection;

use crate::domain::Marketplace;
use crate::domain::seller::RecordedSeller;

/// The advisory lock merges take, in the two-key form: PostgreSQL keeps it apart from the
/// one-key locks that evidence and confirmations take on hashes, so that none can collide
/// with it. The first key's bytes spell "mrge".
const MERGE_LOCK: (i32, i32) = (0x6d72_6765, 0);

/// Starts a merge in the caller's transaction: makes concurrent merges (of sellers or brands)
/// wait for each other until commit, so that what one checks (neither side merged, the target
/// not merged into the source) still holds when it writes, and gives its statements up to
/// `statement_timeout` instead of the pool's, which is for pages. Merges are rare; intake and
/// pages never take this lock.
///
/// Measured on a 200,000-report demo database (debug build): merging a seller with 2,493
/// reports took 0.4 s, a brand with 12,846 reports into one with 21,524 took 1.5 s; the
/// largest brands of the 1,000,000-report database are five times that.
#[tracing::instrument(skip_all, fields(timeout_ms = statement_timeout.as_millis()))]
pub async fn begin_merge(
    conn: &mut PgConnection,
    statement_timeout: std::time::Duration,
) -> sqlx::Result<()> {
    sqlx::query!(
        "select set_config('statement_timeout', $1, true)",
        format!("{}ms", statement_timeout.as_millis()),
    )
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query!(
        "select pg_advisory_xact_lock($1, $2)",
        MERGE_LOCK.0,
        MERGE_LOCK.1
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The seller that the seller with this key was merged into, if it was merged.
#[tracing::instrument(skip_all, fields(marketplace = marketplace.as_str()))]
pub async fn kept_seller(
    conn: &mut PgConnection,
    marketplace: Marketplace,
    seller_key: &str,
) -> sqlx::Result<Option<RecordedSeller>> {
    sqlx::query_as!(
        RecordedSeller,
        r#"select k.marketplace as "marketplace: Marketplace", k.seller_key, k.name_based,
                  k.display_name, k.store_url
           from seller s join seller k on k.seller_id = s.merged_into
           where s.marketplace = $1 and s.seller_key = $2"#,
        marketplace.as_str(),
        seller_key,
    )
    .fetch_optional(conn)
    .await
}

/// Locks two sellers in id order (as confirmations lock several), before any of their reports:
/// the order in which intake and withdrawal lock a seller and then its reports. Their replies
/// are locked before them: a moderator's decision on a reply locks the reply, then its seller
/// (`replies::lock`).
#[tracing::instrument(skip_all, fields(seller_ids = ?ids))]
pub async fn lock_sellers(conn: &mut PgConnection, ids: [i64; 2]) -> sqlx::Result<()> {
    sqlx::query!(
        "select seller_reply_id from seller_reply where seller_id = any($1)
         order by seller_reply_id for update",
        &ids[..],
    )
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query!(
        "select seller_id from seller where seller_id = any($1) order by seller_id for update",
        &ids[..],
    )
    .fetch_all(conn)
    .await?;
    Ok(())
}

/// Locks two brands in id order, before any of their reports: intake locks a brand
/// (`brands::upsert`) before it writes the report.
#[tracing::instrument(skip_all, fields(brand_ids = ?ids))]
pub async fn lock_brands(conn: &mut PgConnection, ids: [i64; 2]) -> sqlx::Result<()> {
    sqlx::query!(
        "select brand_id from brand where brand_id = any($1) order by brand_id for update",
        &ids[..],
    )
    .fetch_all(conn)
    .await?;
    Ok(())
}

/// What a seller merge moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SellerMoves {
    pub reports: u64,
    pub listings: u64,
    /// Spellings the kept seller did not have yet.
    pub new_spellings: u64,
    /// Sellers merged earlier into the merged one, now pointing at the kept one.
    pub repointed: u64,
    /// Replies from the merged store's owner, in any status.
    pub replies: u64,
}

/// Merges seller `from` into seller `into`: its reports, listings and name spellings move, and
/// it points at `into` from now on. Lock both first ([`lock_sellers`]); afterwards, recount the
/// kept seller's shown name (`sellers::refresh_shown_name`) in the same transaction.
///
/// Takedown exports see the move through the triggers of 0005: the moved reports mark their
/// (listing, brand) rows changed, and so does each listing whose seller changes; no other row.
#[tracing::instrument(
    skip_all,
    fields(from_seller_id = from, into_seller_id = into, reports, listings, replies)
)]
pub async fn merge_sellers(
    conn: &mut PgConnection,
    from: i64,
    into: i64,
) -> sqlx::Result<SellerMoves> {
    // The spellings go first: each report names one of its seller's spellings
    // (report_seller_name_fkey).
    let new_spellings = copy_spellings(conn, from, into).await?;
    let reports = sqlx::query!(
        "update report set seller_id = $2 where seller_id = $1",
        from,
        into
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let listings = sqlx::query!(
        "update listing set seller_id = $2 where seller_id = $1",
        from,
        into
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let replies = move_replies(conn, from, into).await?;
    // No report names these any more: the merged seller keeps no spellings of its own, so
    // that searching for them finds only the kept seller.
    sqlx::query!("delete from seller_alias where seller_id = $1", from)
        .execute(&mut *conn)
        .await?;
    let repointed = point_seller_at(conn, from, into).await?;
    let span = tracing::Span::current();
    span.record("reports", reports);
    span.record("listings", listings);
    span.record("replies", replies);
    Ok(SellerMoves {
        reports,
        listings,
        new_spellings,
        repointed,
        replies,
    })
}

/// Gives seller `into` the spellings of `from` that it lacks; returns how many. Their live
/// counts start at 0 and move over with the reports (trigger
/// report_count_seller_names_update), so that a spelling both had ends with the two counts
/// added together.
async fn copy_spellings(conn: &mut PgConnection, from: i64, into: i64) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "insert into seller_alias (seller_id, name, folded_name)
         select $2, name, folded_name from seller_alias where seller_id = $1
         order by seller_alias_id
         on conflict on constraint seller_alias_name_unique do nothing",
        from,
        into,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Moves the owner's replies from seller `from` to `into`: they answer the reports that moved.
/// A seller shows one published reply: of two, the one approved later stays, and the other
/// counts as replaced (as when an owner's newer reply is approved). Returns how many moved.
async fn move_replies(conn: &mut PgConnection, from: i64, into: i64) -> sqlx::Result<u64> {
    sqlx::query!(
        "update seller_reply set status = 'replaced', replaced_at = now()
         where seller_reply_id = (select seller_reply_id from seller_reply
                                  where seller_id in ($1, $2) and status = 'approved'
                                  order by decided_at, seller_reply_id
                                  limit 1)
           and (select count(*) from seller_reply
                where seller_id in ($1, $2) and status = 'approved') = 2",
        from,
        into,
    )
    .execute(&mut *conn)
    .await?;
    let done = sqlx::query!(
        "update seller_reply set seller_id = $2 where seller_id = $1",
        from,
        into
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Points seller `from`, and the sellers merged into it before, at `into`, so that following
/// `merged_into` stays one hop. Returns how many earlier ones were repointed.
async fn point_seller_at(conn: &mut PgConnection, from: i64, into: i64) -> sqlx::Result<u64> {
    let repointed = sqlx::query!(
        "update seller set merged_into = $2 where merged_into = $1",
        from,
        into
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query!(
        "update seller set merged_into = $2 where seller_id = $1",
        from,
        into
    )
    .execute(conn)
    .await?;
    Ok(repointed)
}

/// What a brand merge moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BrandMoves {
    pub reports: u64,
    /// (listing, brand) rows of takedown lists.
    pub listings: u64,
    /// Rights holders who gained the kept brand (those who held both already are not counted).
    pub new_scopes: u64,
    pub repointed: u64,
}

/// Merges brand `from` into brand `into`: its reports, takedown rows (with their outcomes)
/// and rights holders' scopes move, its slug and aliases lead to `into`, and it points at
/// `into` from now on. Lock both first ([`lock_brands`]).
#[tracing::instrument(
    skip_all,
    fields(from_brand_id = from, into_brand_id = into, reports, listings, new_scopes)
)]
pub async fn merge_brands(
    conn: &mut PgConnection,
    from: i64,
    into: i64,
) -> sqlx::Result<BrandMoves> {
    mark_rows_new_to_holders(conn, from, into).await?;
    let listings = copy_takedown_rows(conn, from, into).await?;
    sqlx::query!(
        "update listing_outcome set brand_id = $2 where brand_id = $1",
        from,
        into
    )
    .execute(&mut *conn)
    .await?;
    let reports = sqlx::query!(
        "update report set brand_id = $2 where brand_id = $1",
        from,
        into
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query!("delete from listing_brand where brand_id = $1", from)
        .execute(&mut *conn)
        .await?;
    let new_scopes = move_scopes(conn, from, into).await?;
    move_brand_aliases(conn, from, into).await?;
    let repointed = point_brand_at(conn, from, into).await?;
    let span = tracing::Span::current();
    span.record("reports", reports);
    span.record("listings", listings);
    span.record("new_scopes", new_scopes);
    Ok(BrandMoves {
        reports,
        listings,
        new_scopes,
        repointed,
    })
}

/// Marks brand `into`'s takedown rows changed when a holder of `from` did not hold `into`:
/// that holder now exports `into` with its old cursor, and its existing rows are new to them
/// (for its other holders, the rows come again unchanged: harmless to a sync).
async fn mark_rows_new_to_holders(
    conn: &mut PgConnection,
    from: i64,
    into: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update listing_brand set changed_xid = pg_current_xact_id()
         where brand_id = $2
           and exists (select 1 from rights_holder_brand h
                       where h.brand_id = $1
                         and not exists (select 1 from rights_holder_brand k
                                         where k.brand_id = $2
                                           and k.rights_holder_id = h.rights_holder_id))",
        from,
        into,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Copies brand `from`'s takedown rows to `into`; returns how many. One takedown row per
/// listing and brand: a listing reported for both keeps one row. Its outcome is the later of
/// the two, since `listing_brand.outcome` is the latest of the listing's outcome history, and
/// both histories move to the kept brand; the row counts as reported since the earlier of the
/// two.
async fn copy_takedown_rows(conn: &mut PgConnection, from: i64, into: i64) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "insert into listing_brand (listing_id, brand_id, outcome, outcome_at, created_at)
         select listing_id, $2, outcome, outcome_at, created_at
         from listing_brand where brand_id = $1
         on conflict (brand_id, listing_id) do update
             set changed_xid = pg_current_xact_id(),
                 outcome = case when listing_brand.outcome_at is null
                                  or excluded.outcome_at > listing_brand.outcome_at
                                then excluded.outcome else listing_brand.outcome end,
                 outcome_at = greatest(listing_brand.outcome_at, excluded.outcome_at),
                 created_at = least(listing_brand.created_at, excluded.created_at)",
        from,
        into,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Moves rights holders' scopes from brand `from` to `into`; returns how many holders gained
/// `into`. Holders keep their IP-right details for the brand; one who held both keeps the kept
/// brand's.
async fn move_scopes(conn: &mut PgConnection, from: i64, into: i64) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "with moved as (
             delete from rights_holder_brand where brand_id = $1
             returning rights_holder_id, ipr_registration_no, ipr_office
         )
         insert into rights_holder_brand (rights_holder_id, brand_id, ipr_registration_no,
                                          ipr_office)
         select rights_holder_id, $2, ipr_registration_no, ipr_office from moved
         on conflict (rights_holder_id, brand_id) do nothing",
        from,
        into,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Makes brand `from`'s aliases, and its own slug, lead to `into`: typing the merged brand's
/// name now files under the kept brand (`brands::upsert`).
async fn move_brand_aliases(conn: &mut PgConnection, from: i64, into: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "update brand_alias set brand_id = $2 where brand_id = $1",
        from,
        into
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "insert into brand_alias (alias_slug, brand_id)
         select slug, $2 from brand where brand_id = $1
         on conflict (alias_slug) do update set brand_id = excluded.brand_id",
        from,
        into,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Points brand `from`, and the brands merged into it before, at `into`. Returns how many
/// earlier ones were repointed.
async fn point_brand_at(conn: &mut PgConnection, from: i64, into: i64) -> sqlx::Result<u64> {
    let repointed = sqlx::query!(
        "update brand set merged_into = $2 where merged_into = $1",
        from,
        into
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    sqlx::query!(
        "update brand set merged_into = $2 where brand_id = $1",
        from,
        into
    )
    .execute(conn)
    .await?;
    Ok(repointed)
}
