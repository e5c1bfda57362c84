//! Takedown lists: one row per listing reported for a brand, streamed from the database, and
//! the outcomes rights holders record.

use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer};
use sqlx::types::Json;
use sqlx::{PgConnection, Postgres, Transaction};
use time::OffsetDateTime;

use super::constraint::{OnConstraint, WriteError};
use crate::domain::Marketplace;
use crate::domain::outcome::Outcome;
use crate::domain::reason::Reason;
use crate::domain::takedown::{Cursor, ExportFilter, ListingStatus};

/// A reason and how many live reports gave it; an unknown reason fails the row's decoding.
#[derive(Debug, Clone, Deserialize)]
pub struct ReasonCount {
    #[serde(deserialize_with = "reason")]
    pub reason: Reason,
    pub reports: i64,
}

fn reason<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Reason, D::Error> {
    let text = String::deserialize(deserializer)?;
    text.parse()
        .map_err(|_| serde::de::Error::custom(format!("{text:?} is not a Reason")))
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
    pub marketplace: Marketplace,
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
    pub status: ListingStatus,
    pub outcome_at: Option<OffsetDateTime>,
    pub evidence: Json<Vec<EvidenceEntry>>,
}

/// The rows of a takedown list, before ordering and paging; shared by the export and its
/// parts' counts and bounds, so that all of them select the same rows. Parameters: brand id,
/// marketplace, status, minimum distinct reporters, reported after, reported before,
/// since-snapshot, frozen snapshot, after-listing (all but the brand may be null).
///
/// Expands to `macro!(<before> "<the rows' select>" <after>)`, so that one text serves both
/// the runtime constant (`concat!` with commas) and the compile-time checked statements (the
/// `query!` macros take `"…" + "…"` and cannot call a macro for their text). Given a brand id
/// and an [`ExportFilter`], it passes the nine parameters in order, then any further ones.
macro_rules! export_rows {
    ($($macro:ident)::+ [$($before:tt)*] [$($after:tt)*]
     $(, $brand_id:expr, $f:expr $(, $more:expr)*)?) => {
        $($macro)::+!($($before)* "select l.marketplace, l.external_id as listing_id, l.canonical_url as listing_url,
        s.seller_key, s.display_name as seller_name, s.store_url,
        lb.product_title, lb.reports::int8 as reports,
        lb.distinct_reporters::int8 as distinct_reporters,
        lb.verified_reports::int8 as verified_reports,
        lb.reasons, lb.first_reported, lb.last_reported,
        lb.lowest_price, lb.price_currency,
        case when lb.outcome is not null then lb.outcome
             when lb.reports = 0 then 'withdrawn'
             when lb.verified_reports > 0 then 'verified'
             else 'reported' end as status,
        lb.outcome_at, lb.evidence, lb.listing_id as sort_key
 -- The live reports' aggregates are kept on the row by triggers (migration 0017), hidden
 -- files left out (hiding one marks the row changed).
 from listing_brand lb
 join listing l on l.listing_id = lb.listing_id
 join seller s on s.seller_id = l.seller_id
 where lb.brand_id = $1
   and ($2::text is null or l.marketplace = $2)
   and ($4::int8 is null or lb.distinct_reporters >= $4)
   and ($5::timestamptz is null or lb.last_reported >= $5)
   and ($6::timestamptz is null or lb.first_reported < $6)
   and case when $7::text is null
            -- A full list is of what is reported now; listings whose reports were all
            -- withdrawn only appear in incremental lists, so that synced copies drop them.
            then lb.reports > 0
            -- Changed since: the snapshot could not see the row's last change.
            else lb.changed_xid >= pg_snapshot_xmin($7::pg_snapshot)
                 and not pg_visible_in_snapshot(lb.changed_xid, $7::pg_snapshot) end
   and ($8::pg_snapshot is null or pg_visible_in_snapshot(lb.changed_xid, $8::pg_snapshot))
   and ($9::int8 is null or lb.listing_id > $9)"
            $($after)*
            $(,
                $brand_id,
                $f.marketplace.map(Marketplace::as_str),
                // Enums bind as text through `db::types`, which the macros cannot see.
                $f.status.as_deref() as _,
                $f.min_reporters,
                $f.reported_after,
                $f.reported_before,
                $f.since.as_ref().map(Cursor::snapshot),
                // A pg_snapshot has no Rust type: its text goes in, and PostgreSQL casts it.
                $f.frozen.as_ref().map(Cursor::snapshot) as _,
                $f.after
                $(, $more)*
            )?
        )
    };
}

/// The export's list: the rows with the status filter ($3), in listing order so that parts
/// can page by listing, at most $10 of them. `$sep` joins the pieces: `,` for `concat!`, `+`
/// for the `query!` macros.
macro_rules! export_list {
    ($sep:tt $($macro:ident)::+ [$($before:tt)*] [$($after:tt)*] $($parameters:tt)*) => {
        export_rows!($($macro)::+ [$($before)* "select * from (" $sep] [$sep
            ") t where ($3::text[] is null or t.status = any($3))
     order by t.sort_key limit $10" $($after)*] $($parameters)*)
    };
}

/// The export's statement; public so that the benchmark times exactly this SQL with `psql`.
pub const EXPORT_SQL: &str = export_list!(, concat [] []);

/// A batch of the export's cursor: large enough that round trips cost little next to the
/// query. Runtime SQL: the cursor exists only inside an export's transaction, so the build
/// cannot see the rows it returns; they decode by name into [`ExportRow`].
const FETCH_SQL: &str = "fetch 1000 from export_rows";

/// Opens the read-only transaction an export runs in and returns its snapshot: the cursor
/// for the next incremental export. Everything the export reads afterwards in `tx` sees
/// exactly this snapshot.
#[tracing::instrument(skip_all, fields(statement_timeout_ms = statement_timeout.as_millis()))]
pub async fn begin_export(
    pool: &sqlx::PgPool,
    statement_timeout: std::time::Duration,
) -> sqlx::Result<(Transaction<'static, Postgres>, String)> {
    let mut tx = pool.begin().await?;
    sqlx::query!("set transaction isolation level repeatable read, read only")
        .execute(&mut *tx)
        .await?;
    // The pool's statement_timeout is for pages; an export's first fetch sorts the whole
    // list, and gets as long as the caller allows.
    sqlx::query_scalar!(
        "select set_config('statement_timeout', $1, true)",
        format!("{}ms", statement_timeout.as_millis())
    )
    .fetch_one(&mut *tx)
    .await?;
    // The whole list is read, so plan the cursor as the whole query (as psql's \copy does),
    // not for its first rows.
    sqlx::query!("set local cursor_tuple_fraction = 1.0")
        .execute(&mut *tx)
        .await?;
    // JIT-compiling the per-listing aggregates cost more than it saved: measured on the
    // largest demo brand, 2.2 s with JIT and 1.3 s without (benches/takedown.sh).
    sqlx::query!("set local jit = off")
        .execute(&mut *tx)
        .await?;
    let snapshot = sqlx::query_scalar!(r#"select pg_current_snapshot()::text as "snapshot!""#)
        .fetch_one(&mut *tx)
        .await?;
    Ok((tx, snapshot))
}

/// Whether PostgreSQL takes a client's cursor as a snapshot: checked before the list starts,
/// so that a bad cursor is a 422 and not a list cut short. (Not in the export's transaction,
/// which an error would abort.)
#[tracing::instrument(skip_all)]
pub async fn is_valid_snapshot(conn: &mut PgConnection, cursor: &Cursor) -> sqlx::Result<bool> {
    match sqlx::query_scalar!(
        r#"select $1::text::pg_snapshot::text as "snapshot!""#,
        cursor.snapshot()
    )
    .fetch_one(conn)
    .await
    {
        Ok(_) => Ok(true),
        // invalid_text_representation
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("22P02") => Ok(false),
        Err(e) => Err(e),
    }
}

/// How many rows the filter selects. Not a prepared statement kept for reuse, as with
/// [`declare_rows`].
#[tracing::instrument(skip_all, fields(brand_id = brand_id))]
pub async fn count(conn: &mut PgConnection, brand_id: i64, f: &ExportFilter) -> sqlx::Result<i64> {
    export_rows!(sqlx::query_scalar [r#"select count(*) as "rows!" from ("# +] [+
        ") t where ($3::text[] is null or t.status = any($3))"], brand_id, f)
    .persistent(false)
    .fetch_one(conn)
    .await
}

/// For numbered parts: the listing this part of `rows_per_part` rows (from `f.after` on) ends
/// at, when another part follows it. Reads the listings at positions `rows_per_part` and
/// `rows_per_part + 1` from `after` on: the last of this part and the first of the next, if
/// any; only the rows up to there are aggregated.
#[tracing::instrument(
    skip_all,
    fields(
        brand_id = brand_id,
        rows_per_part = rows_per_part,
        after = f.after,
    )
)]
pub async fn part_end(
    conn: &mut PgConnection,
    brand_id: i64,
    f: &ExportFilter,
    rows_per_part: i64,
) -> sqlx::Result<Option<i64>> {
    let keys = export_rows!(sqlx::query_scalar [r#"select t.sort_key as "sort_key!" from ("# +] [+
        ") t where ($3::text[] is null or t.status = any($3))
     order by t.sort_key offset $10 limit 2"], brand_id, f, rows_per_part - 1)
    .persistent(false)
    .fetch_all(conn)
    .await?;
    Ok(match keys.as_slice() {
        [end, _next] => Some(*end),
        _ => None,
    })
}

/// Declares the export's cursor ([`EXPORT_SQL`]) in the export's transaction, as a server-side
/// cursor read in batches with [`fetch_rows`], so that an export ended early (the client went
/// away) leaves at most one batch to discard, not the rest of the list. Not a prepared
/// statement kept for reuse: every export gets a plan made for its own parameters (a generic
/// plan cannot use the index range of an incremental export).
#[tracing::instrument(
    skip_all,
    fields(
        brand_id = brand_id,
        incremental = f.since.is_some(),
        limit = f.limit,
    )
)]
pub async fn declare_rows(
    conn: &mut PgConnection,
    brand_id: i64,
    f: &ExportFilter,
) -> sqlx::Result<()> {
    export_list!(+ sqlx::query ["declare export_rows no scroll cursor for " +] [],
        brand_id, f, f.limit)
    .persistent(false)
    .execute(conn)
    .await?;
    Ok(())
}

/// The next batch of the declared cursor; empty at the end.
#[tracing::instrument(skip_all)]
pub async fn fetch_rows(conn: &mut PgConnection) -> sqlx::Result<Vec<ExportRow>> {
    sqlx::query_as(FETCH_SQL).fetch_all(conn).await
}

/// For each `(brand_id, canonical_url)`, in order, the listing reported for that brand at that
/// address; `None` where there is none (or no address). One statement for a whole batch.
#[tracing::instrument(skip_all, fields(count = items.len()))]
pub async fn find_listing_brands(
    conn: &mut PgConnection,
    items: &[(i64, Option<&str>)],
) -> sqlx::Result<Vec<Option<i64>>> {
    let brand_ids: Vec<i64> = items.iter().map(|(brand_id, _)| *brand_id).collect();
    let urls: Vec<Option<&str>> = items.iter().map(|(_, url)| *url).collect();
    sqlx::query_scalar!(
        r#"select lb.listing_id as "listing_id?"
           from unnest($1::int8[], $2::text[]) with ordinality as i (brand_id, canonical_url, n)
           left join listing l on l.canonical_url = i.canonical_url
           left join listing_brand lb on lb.listing_id = l.listing_id and lb.brand_id = i.brand_id
           order by i.n"#,
        &brand_ids,
        &urls as _,
    )
    .fetch_all(conn)
    .await
}

/// Who recorded an outcome.
#[derive(Debug, Clone, Copy)]
pub struct Recorder {
    pub rights_holder_id: i64,
    pub api_token_id: i64,
}

/// One outcome to record for a listing reported for a brand.
#[derive(Debug, Clone, Copy)]
pub struct NewOutcome<'a> {
    pub brand_id: i64,
    pub listing_id: i64,
    pub outcome: Outcome,
    pub note: Option<&'a str>,
}

/// Records outcomes in the history, in order, and each listing's last one as its current
/// outcome for the brand, which also marks the row changed for incremental exports. One
/// statement for a whole batch. Returns when they were recorded: every row of a transaction
/// is stamped with its start time (`now()`), so a batch shares one.
#[tracing::instrument(
    skip_all,
    fields(
        rights_holder_id = by.rights_holder_id,
        count = outcomes.len(),
    )
)]
pub async fn record_outcomes(
    conn: &mut PgConnection,
    by: Recorder,
    outcomes: &[NewOutcome<'_>],
) -> Result<OffsetDateTime, WriteError> {
    let brand_ids: Vec<i64> = outcomes.iter().map(|o| o.brand_id).collect();
    let listing_ids: Vec<i64> = outcomes.iter().map(|o| o.listing_id).collect();
    let names: Vec<&str> = outcomes.iter().map(|o| o.outcome.as_str()).collect();
    let notes: Vec<Option<&str>> = outcomes.iter().map(|o| o.note).collect();
    sqlx::query_scalar!(
        r#"with item as (
               select * from unnest($1::int8[], $2::int8[], $3::text[], $4::text[])
                   with ordinality as i (brand_id, listing_id, outcome, note, n)
           ),
           history as (
               insert into listing_outcome (listing_id, brand_id, outcome, note,
                                            rights_holder_id, api_token_id)
               select listing_id, brand_id, outcome, note, $5, $6 from item order by n
           ),
           -- A listing named twice ends with its last outcome, as if recorded one by one.
           latest as (
               select distinct on (brand_id, listing_id) brand_id, listing_id, outcome
               from item order by brand_id, listing_id, n desc
           ),
           current as (
               update listing_brand lb
               set outcome = latest.outcome, outcome_at = now(),
                   changed_xid = pg_current_xact_id()
               from latest
               where lb.brand_id = latest.brand_id and lb.listing_id = latest.listing_id
           )
           select now() as "recorded_at!""#,
        &brand_ids,
        &listing_ids,
        &names as _,
        &notes as _,
        by.rights_holder_id,
        by.api_token_id,
    )
    .fetch_one(conn)
    .await
    .on_constraint(
        "listing_outcome_note_length",
        "note",
        "The note must be 1 to 2000 characters",
    )
}
