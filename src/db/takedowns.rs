//! Takedown lists: one row per listing reported for a brand, streamed from the database, and
//! the outcomes rights holders record.

use rust_decimal::Decimal;
use serde::Deserialize;
use sqlx::types::Json;
use sqlx::{PgConnection, Postgres, Transaction};
use time::OffsetDateTime;

use crate::domain::outcome::Outcome;

/// What an export selects, besides the brand.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    pub marketplace: Option<String>,
    /// Any of these statuses (`reported`, `verified`, an outcome, `withdrawn`).
    pub status: Option<Vec<String>>,
    pub min_reporters: Option<i64>,
    pub reported_after: Option<OffsetDateTime>,
    pub reported_before: Option<OffsetDateTime>,
    /// The previous export's snapshot (`pg_snapshot` text): only rows changed since.
    pub since: Option<String>,
    /// Numbered parts read the list as of their first part's snapshot: only rows whose last
    /// change that snapshot saw. Rows changed later are left to the next incremental export,
    /// so that a list changing between parts neither shifts rows out of every part nor sends
    /// a row twice.
    pub frozen: Option<String>,
    /// Keyset paging for parts: rows after this listing, and how many.
    pub after: Option<i64>,
    pub limit: Option<i64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReasonCount {
    pub reason: String,
    pub reports: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EvidenceEntry {
    pub id: String,
    pub sha256: String,
    pub bytes: i64,
    pub media_type: String,
    #[serde(with = "time::serde::rfc3339")]
    pub uploaded_at: OffsetDateTime,
}

/// One row as the database returns it; `routes::takedowns` adds links and IP-right columns.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ExportRow {
    pub marketplace: String,
    pub listing_id: String,
    pub listing_url: String,
    pub seller_key: String,
    pub seller_name: String,
    pub store_url: Option<String>,
    pub product_title: Option<String>,
    pub reports: i64,
    pub distinct_reporters: i64,
    pub verified_reports: i64,
    pub reasons: Json<Vec<ReasonCount>>,
    pub first_reported: Option<OffsetDateTime>,
    pub last_reported: Option<OffsetDateTime>,
    pub lowest_price: Option<Decimal>,
    pub price_currency: Option<String>,
    pub status: String,
    pub outcome_at: Option<OffsetDateTime>,
    pub evidence: Json<Vec<EvidenceEntry>>,
}

/// The rows of a takedown list, before ordering and paging; shared by the export and its
/// parts' counts and bounds, so that all of them select the same rows. Parameters: brand id, marketplace, status,
/// minimum distinct reporters, reported after, reported before, since-snapshot, frozen
/// snapshot, after-listing (all but the brand may be null).
macro_rules! export_rows {
    () => {
        "select l.marketplace, l.external_id as listing_id, l.canonical_url as listing_url,
        s.seller_key, s.display_name as seller_name, s.store_url,
        a.product_title, a.reports, a.distinct_reporters, a.verified_reports,
        coalesce(rs.j, '[]') as reasons, a.first_reported, a.last_reported,
        p.lowest_price, p.price_currency,
        case when lb.outcome is not null then lb.outcome
             when a.reports = 0 then 'withdrawn'
             when a.verified_reports > 0 then 'verified'
             else 'reported' end as status,
        lb.outcome_at, coalesce(ev.j, '[]') as evidence, lb.listing_id as sort_key
 from listing_brand lb
 join listing l on l.listing_id = lb.listing_id
 join seller s on s.seller_id = l.seller_id
 cross join lateral (
     select count(*) as reports,
            -- Reporters who confirmed their address (or were verified by a moderator): made-up
            -- addresses must not pass a brand owner's min_reporters filter.
            count(distinct r.reporter_fingerprint)
                filter (where r.confirmed_at is not null or r.status = 'verified')
                as distinct_reporters,
            count(*) filter (where r.status = 'verified') as verified_reports,
            min(r.created_at) as first_reported, max(r.created_at) as last_reported,
            (array_agg(r.product_title order by r.created_at desc)
                 filter (where r.product_title is not null))[1] as product_title
     from report r
     where r.listing_id = lb.listing_id and r.brand_id = $1
       and r.status in ('unverified', 'verified')
 ) a
 left join lateral (
     -- Mixed currencies cannot be compared: the lowest price in the most used currency.
     select min(r.price_amount) as lowest_price, r.price_currency
     from report r
     where r.listing_id = lb.listing_id and r.brand_id = $1
       and r.status in ('unverified', 'verified') and r.price_amount is not null
     group by r.price_currency
     order by count(*) desc, r.price_currency
     limit 1
 ) p on true
 left join lateral (
     select json_agg(json_build_object('reason', t.reason, 'reports', t.n)
                     order by t.n desc, t.reason) as j
     from (select reason, count(*) as n
           from report r, unnest(r.reasons) as reason
           where r.listing_id = lb.listing_id and r.brand_id = $1
             and r.status in ('unverified', 'verified')
           group by reason) t
 ) rs on true
 left join lateral (
     select json_agg(json_build_object('id', e.public_id, 'sha256', encode(e.sha256, 'hex'),
                                       'bytes', e.byte_size, 'media_type', e.media_type,
                                       'uploaded_at', e.created_at)
                     order by e.created_at, e.evidence_id) as j
     from report r join evidence e on e.report_id = r.report_id
     where r.listing_id = lb.listing_id and r.brand_id = $1
       and r.status in ('unverified', 'verified')
       -- A file a moderator hid leaves the list (its trigger marked the row changed).
       and e.hidden_at is null
 ) ev on true
 where lb.brand_id = $1
   and ($2::text is null or l.marketplace = $2)
   and ($4::int8 is null or a.distinct_reporters >= $4)
   and ($5::timestamptz is null or a.last_reported >= $5)
   and ($6::timestamptz is null or a.first_reported < $6)
   and case when $7::text is null
            -- A full list is of what is reported now; listings whose reports were all
            -- withdrawn only appear in incremental lists, so that synced copies drop them.
            then a.reports > 0
            -- Changed since: the snapshot could not see the row's last change.
            else lb.changed_xid >= pg_snapshot_xmin($7::pg_snapshot)
                 and not pg_visible_in_snapshot(lb.changed_xid, $7::pg_snapshot) end
   and ($8::pg_snapshot is null or pg_visible_in_snapshot(lb.changed_xid, $8::pg_snapshot))
   and ($9::int8 is null or lb.listing_id > $9)"
    };
}

/// The export's statement, in listing order so that parts can page by listing.
macro_rules! export_sql {
    () => {
        concat!(
            "select * from (",
            export_rows!(),
            ") t where ($3::text[] is null or t.status = any($3))
     order by t.sort_key limit $10"
        )
    };
}

/// The export's statement; public so that the benchmark times exactly this SQL with `psql`.
pub const EXPORT_SQL: &str = export_sql!();

/// The export runs as a server-side cursor read in batches, so that an export ended early
/// (the client went away) leaves at most one batch to discard, not the rest of the list.
const DECLARE_SQL: &str = concat!("declare export_rows no scroll cursor for ", export_sql!());

/// A batch of the cursor: large enough that round trips cost little next to the query.
const FETCH_SQL: &str = "fetch 1000 from export_rows";

/// How many rows the list has (for the number of parts, counted once, on the first part).
const COUNT_SQL: &str = concat!(
    "select count(*) from (",
    export_rows!(),
    ") t where ($3::text[] is null or t.status = any($3))"
);

/// The listings at positions `$10 + 1` and `$10 + 2` from `after` on: the last of this part
/// and the first of the next, if any. Only the rows up to there are aggregated.
const PART_END_SQL: &str = concat!(
    "select t.sort_key from (",
    export_rows!(),
    ") t where ($3::text[] is null or t.status = any($3))
     order by t.sort_key offset $10 limit 2"
);

/// Opens the read-only transaction an export runs in and returns its snapshot: the cursor
/// for the next incremental export. Everything the export reads afterwards in `tx` sees
/// exactly this snapshot.
pub async fn begin_export(
    pool: &sqlx::PgPool,
    statement_timeout: std::time::Duration,
) -> sqlx::Result<(Transaction<'static, Postgres>, String)> {
    let mut tx = pool.begin().await?;
    sqlx::query("set transaction isolation level repeatable read, read only")
        .execute(&mut *tx)
        .await?;
    // The pool's statement_timeout is for pages; an export's first fetch sorts the whole
    // list, and gets as long as the caller allows.
    sqlx::query("select set_config('statement_timeout', $1, true)")
        .bind(format!("{}ms", statement_timeout.as_millis()))
        .execute(&mut *tx)
        .await?;
    // The whole list is read, so plan the cursor as the whole query (as psql's \copy does),
    // not for its first rows.
    sqlx::query("set local cursor_tuple_fraction = 1.0")
        .execute(&mut *tx)
        .await?;
    // JIT-compiling the per-listing aggregates cost more than it saved: measured on the
    // largest demo brand, 2.2 s with JIT and 1.3 s without (benches/takedown.sh).
    sqlx::query("set local jit = off").execute(&mut *tx).await?;
    let snapshot: String = sqlx::query_scalar("select pg_current_snapshot()::text")
        .fetch_one(&mut *tx)
        .await?;
    Ok((tx, snapshot))
}

/// Binds the parameters [`EXPORT_SQL`], [`COUNT_SQL`] and [`PART_END_SQL`] share, in order.
macro_rules! bind_filter {
    ($query:expr, $brand_id:expr, $f:expr) => {
        $query
            .bind($brand_id)
            .bind($f.marketplace.as_deref())
            .bind($f.status.as_deref())
            .bind($f.min_reporters)
            .bind($f.reported_after)
            .bind($f.reported_before)
            .bind($f.since.as_deref())
            .bind($f.frozen.as_deref())
            .bind($f.after)
    };
}

/// Whether PostgreSQL takes a client's cursor as a snapshot: checked before the list starts,
/// so that a bad cursor is a 422 and not a list cut short. (Not in the export's transaction,
/// which an error would abort.)
pub async fn is_valid_snapshot(conn: &mut PgConnection, snapshot: &str) -> sqlx::Result<bool> {
    match sqlx::query("select $1::text::pg_snapshot")
        .bind(snapshot)
        .execute(conn)
        .await
    {
        Ok(_) => Ok(true),
        // invalid_text_representation
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("22P02") => Ok(false),
        Err(e) => Err(e),
    }
}

/// How many rows the filter selects.
pub async fn count(conn: &mut PgConnection, brand_id: i64, f: &ExportFilter) -> sqlx::Result<i64> {
    bind_filter!(sqlx::query_scalar(COUNT_SQL), brand_id, f)
        .persistent(false)
        .fetch_one(conn)
        .await
}

/// For numbered parts: the listing this part of `rows_per_part` rows (from `f.after` on) ends
/// at, when another part follows it.
pub async fn part_end(
    conn: &mut PgConnection,
    brand_id: i64,
    f: &ExportFilter,
    rows_per_part: i64,
) -> sqlx::Result<Option<i64>> {
    let keys: Vec<i64> = bind_filter!(sqlx::query_scalar(PART_END_SQL), brand_id, f)
        .bind(rows_per_part - 1)
        .persistent(false)
        .fetch_all(conn)
        .await?;
    Ok(match keys.as_slice() {
        [end, _next] => Some(*end),
        _ => None,
    })
}

/// Declares the export's cursor in the export's transaction; read it with [`fetch_rows`].
/// Not a prepared statement kept for reuse: every export gets a plan made for its own
/// parameters (a generic plan cannot use the index range of an incremental export).
pub async fn declare_rows(
    conn: &mut PgConnection,
    brand_id: i64,
    f: &ExportFilter,
) -> sqlx::Result<()> {
    bind_filter!(sqlx::query(DECLARE_SQL), brand_id, f)
        .bind(f.limit)
        .persistent(false)
        .execute(conn)
        .await?;
    Ok(())
}

/// The next batch of the declared cursor; empty at the end.
pub async fn fetch_rows(conn: &mut PgConnection) -> sqlx::Result<Vec<ExportRow>> {
    sqlx::query_as(FETCH_SQL).fetch_all(conn).await
}

/// A listing reported for a brand, found by its canonical URL, for recording an outcome.
pub async fn find_listing_brand(
    conn: &mut PgConnection,
    brand_id: i64,
    canonical_url: &str,
) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "select lb.listing_id from listing_brand lb join listing l using (listing_id)
         where lb.brand_id = $1 and l.canonical_url = $2",
    )
    .bind(brand_id)
    .bind(canonical_url)
    .fetch_optional(conn)
    .await
}

/// Who recorded an outcome.
#[derive(Debug, Clone, Copy)]
pub struct Recorder {
    pub rights_holder_id: i64,
    pub api_token_id: i64,
}

/// Records an outcome in the history and as the listing's current one for the brand, which
/// also marks the row changed for incremental exports. Returns when it was recorded.
pub async fn record_outcome(
    conn: &mut PgConnection,
    by: Recorder,
    brand_id: i64,
    listing_id: i64,
    outcome: Outcome,
    note: Option<&str>,
) -> sqlx::Result<OffsetDateTime> {
    sqlx::query_scalar(
        "with history as (
             insert into listing_outcome (listing_id, brand_id, outcome, note, rights_holder_id,
                                          api_token_id)
             values ($1, $2, $3, $4, $5, $6)
             returning created_at
         )
         update listing_brand
         set outcome = $3, outcome_at = (select created_at from history),
             changed_xid = pg_current_xact_id()
         where listing_id = $1 and brand_id = $2
         returning outcome_at",
    )
    .bind(listing_id)
    .bind(brand_id)
    .bind(outcome.as_str())
    .bind(note)
    .bind(by.rights_holder_id)
    .bind(by.api_token_id)
    .fetch_one(conn)
    .await
}
