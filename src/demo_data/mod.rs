//! Synthetic data for development and benchmarks (`fakewatch demo-data --reports N`).
//!
//! Fills a freshly migrated, empty database with brands, sellers, listings and reports shaped
//! like real ones, skewed the way real reports are: a few sellers, brands, listings and
//! reporters account for much of the volume, and most appear once. Store ids, item numbers and
//! canonical URLs follow each marketplace's format exactly as `domain::listing_url` writes them,
//! and every CHECK constraint of the schema holds.
//!
//! Speed: everything is planned in memory first (ids are chosen here, in order of first report,
//! so no ids have to be read back), then written with `COPY` in one transaction, reports
//! streamed from two writer threads while PostgreSQL stores the previous chunk. Indexes, keys
//! and insert triggers are set aside meanwhile and put back before commit (`deferred`), and
//! the summaries are rebuilt in one pass. The same seed gives the same rows, except that
//! timestamps are relative to the start of the current UTC day.
//!
//! Evidence files are not generated: they need objects in the evidence store.

mod catalog;
mod deferred;
mod load;
mod market;
mod plan;
mod progress;
mod rows;
mod skew;
#[cfg(test)]
mod tests;
mod text;
mod vocabulary;

use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::{AssertSqlSafe, ConnectOptions, Connection, PgConnection, PgPool};
use tokio::task::JoinError;

use plan::Plan;
use progress::Progress;

/// What to generate.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// Number of reports; sellers (about a tenth), listings (about a third) and brands (300 to
    /// 1,000) follow from it. At most [`MAX_REPORTS`].
    pub reports: u64,
    /// The same seed gives the same data (timestamps relative to the day it runs).
    pub seed: u64,
    /// Show a progress bar on stderr.
    pub progress: bool,
}

/// What was written (rows per table), and how long it took, in all and per phase.
#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub sellers: u64,
    pub brands: u64,
    pub listings: u64,
    pub reports: u64,
    pub elapsed: Duration,
    pub phases: Vec<(&'static str, Duration)>,
}

/// The largest data set [`generate`] makes: it is planned in memory (about 175 MB per million
/// reports), and the id formats (store and item numbers) have room for about twice as many.
pub const MAX_REPORTS: u64 = 10_000_000;

/// For the load's transaction only: index builds sort in memory rather than in temporary files
/// (the report table's largest index sorts about 100 bytes a row), and the set-based trigger
/// work hashes in memory.
const LOAD_SETTINGS: &str = "set local maintenance_work_mem = '1GB'; set local work_mem = '256MB'";

/// Generates `options.reports` reports with their brands, sellers and listings, in one
/// transaction, then vacuums and analyses the tables so that the planner and index-only scans
/// see the new rows at once.
///
/// The database must be freshly migrated: if `seller`, `brand`, `listing` or `report` already
/// has rows, nothing is written and the error is [`sqlx::Error::InvalidArgument`]. (Appending
/// would mean drawing ids from the sequences and reading them back, and merging with existing
/// sellers and URLs; a fresh database is what development and benchmarks need.) The tables are
/// locked, against reads too (their indexes are rebuilt), until the data is committed.
pub async fn generate(pool: &PgPool, options: &DemoOptions) -> Result<DemoSummary, sqlx::Error> {
    let started = Instant::now();
    let reports = usize::try_from(options.reports)
        .ok()
        .filter(|&n| n as u64 <= MAX_REPORTS)
        .ok_or_else(|| {
            sqlx::Error::InvalidArgument(format!("demo data: at most {MAX_REPORTS} reports"))
        })?;
    let mut progress = Progress::new(options.progress);
    progress.phase("planning", 1, "plan");

    // A connection of its own, whose statements are not logged: index builds and the summaries'
    // rebuild take seconds to minutes by design, and warnings about them would break the bar.
    let quiet = pool
        .connect_options()
        .as_ref()
        .clone()
        .disable_statement_logging();
    let mut conn = PgConnection::connect_with(&quiet).await?;
    let mut tx = conn.begin().await?;
    lock_and_check_empty(&mut tx).await?;
    // Emptied in this transaction (they are empty already), the report table takes its rows
    // frozen: the vacuum after the load then has no need to visit its pages again.
    sqlx::query("truncate report, evidence")
        .execute(&mut *tx)
        .await?;
    sqlx::raw_sql(LOAD_SETTINGS).execute(&mut *tx).await?;
    let deferred = deferred::set_aside(&mut tx).await?;
    let seed = options.seed;
    let anchor_us = start_of_today_us();
    let plan = tokio::task::spawn_blocking(move || Plan::new(reports, seed, anchor_us))
        .await
        .map_err(rethrow)?;
    let plan = Arc::new(plan);

    progress.phase("catalogue", load::catalogue_len(&plan), "rows");
    let mut summary = load::catalogue(&mut tx, &plan, &progress).await?;
    progress.phase("reports", plan.reports.len() as u64, "reports");
    summary.reports = load::reports(&mut tx, Arc::clone(&plan), seed, &progress).await?;
    drop(plan);

    progress.phase("trigger work", 1, "statements");
    deferred::derive_trigger_work(&mut tx).await?;
    sync_identities(&mut tx).await?;
    progress.phase("indexes and keys", deferred.tables.len() as u64, "built");
    restore_all(&mut tx, &deferred.tables, &progress).await?;
    progress.phase("summaries", 1 + deferred.summaries.len() as u64, "steps");
    progress.detail("steps", "rebuild");
    crate::db::summaries::rebuild(&mut tx).await?;
    progress.inc(1);
    restore_all(&mut tx, &deferred.summaries, &progress).await?;
    deferred::enable_triggers(&mut tx).await?;
    progress.phase("commit", 1, "commit");
    tx.commit().await?;

    // Vacuum, not just analyze: it also sets hint bits and the visibility map, which the first
    // benchmark run would otherwise pay for (and index-only scans need).
    let tables = || deferred::TABLES.iter().chain(deferred::SUMMARY_TABLES);
    progress.phase("vacuum analyze", tables().count() as u64, "tables");
    // One by one, for the progress bar (`vacuum` cannot run in a transaction).
    for table in tables() {
        progress.detail("tables", table);
        // The table names are this module's constants.
        sqlx::raw_sql(AssertSqlSafe(format!("vacuum (analyze) {table}")))
            .execute(&mut conn)
            .await?;
        progress.inc(1);
    }
    summary.phases = progress.finish();
    summary.elapsed = started.elapsed();
    tracing::debug!(elapsed = ?summary.elapsed, "demo data committed and vacuumed");
    Ok(summary)
}

/// Puts back what [`deferred::set_aside`] dropped, one statement at a time.
async fn restore_all(
    conn: &mut PgConnection,
    items: &[deferred::Restore],
    progress: &Progress,
) -> Result<(), sqlx::Error> {
    for item in items {
        progress.detail("built", &item.name);
        deferred::restore(&mut *conn, item).await?;
        progress.inc(1);
    }
    Ok(())
}

/// Keeps other writers out until commit, so that the ids chosen here stay free, then checks
/// that there is nothing to collide with.
async fn lock_and_check_empty(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query("lock table seller, brand, listing, report in exclusive mode")
        .execute(&mut *conn)
        .await?;
    let occupied: Option<String> = sqlx::query_scalar(
        "select case
             when exists (select from report) then 'report'
             when exists (select from listing) then 'listing'
             when exists (select from seller) then 'seller'
             when exists (select from brand) then 'brand'
         end",
    )
    .fetch_one(&mut *conn)
    .await?;
    match occupied {
        None => Ok(()),
        Some(table) => Err(sqlx::Error::InvalidArgument(format!(
            "demo data needs an empty, freshly migrated database, but table {table} has rows; \
             point DATABASE_URL at a new database"
        ))),
    }
}

/// `COPY` wrote the identity columns itself; the sequences must continue after those ids.
async fn sync_identities(conn: &mut PgConnection) -> Result<(), sqlx::Error> {
    sqlx::query(
        "select setval(pg_get_serial_sequence('brand', 'brand_id'),
                       (select coalesce(max(brand_id), 0) + 1 from brand), false),
                setval(pg_get_serial_sequence('seller', 'seller_id'),
                       (select coalesce(max(seller_id), 0) + 1 from seller), false),
                setval(pg_get_serial_sequence('listing', 'listing_id'),
                       (select coalesce(max(listing_id), 0) + 1 from listing), false),
                setval(pg_get_serial_sequence('report', 'report_id'),
                       (select coalesce(max(report_id), 0) + 1 from report), false)",
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Midnight UTC today, in Unix microseconds: "now" for the generated data, fixed for a day so
/// that a seed gives the same rows all day.
fn start_of_today_us() -> i64 {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    now.div_euclid(86_400) * 86_400 * 1_000_000
}

/// A panic on a generator thread is a bug: let it go on unwinding here. Cancellation only
/// happens when the runtime shuts down.
fn rethrow(error: JoinError) -> sqlx::Error {
    match error.try_into_panic() {
        Ok(panic) => std::panic::resume_unwind(panic),
        Err(error) => sqlx::Error::Io(std::io::Error::other(error)),
    }
}

/// SplitMix64's finaliser: a bijection on `u64` that scatters the bits of its input.
fn finalize(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// An independent 64-bit value for one purpose (`salt`) from the user's seed.
fn mix(seed: u64, salt: u64) -> u64 {
    finalize(finalize(seed) ^ salt.wrapping_mul(0x9e37_79b9_7f4a_7c15))
}
