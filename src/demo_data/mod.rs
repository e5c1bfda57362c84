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
//! streamed from a generator thread while PostgreSQL writes the previous chunk. The same seed
//! gives the same rows, except that timestamps are relative to the start of the current UTC day.
//!
//! Evidence files are not generated: they need objects in the evidence store.

mod catalog;
mod market;
mod plan;
mod rows;
mod skew;
#[cfg(test)]
mod tests;
mod text;
mod vocabulary;

use std::sync::Arc;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use sqlx::{PgConnection, PgPool};
use tokio::task::JoinError;

use plan::Plan;
use rows::CHUNK_REPORTS;

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

/// What was written (rows per table), and how long it took in all.
#[derive(Debug, Clone, Default)]
pub struct DemoSummary {
    pub sellers: u64,
    pub brands: u64,
    pub listings: u64,
    pub reports: u64,
    pub elapsed: Duration,
}

/// The largest data set [`generate`] makes: it is planned in memory (about 175 MB per million
/// reports), and the id formats (store and item numbers) have room for about twice as many.
pub const MAX_REPORTS: u64 = 10_000_000;

/// Run after loading (outside the transaction: `vacuum` cannot run in one).
const VACUUM: &str =
    "vacuum (analyze) seller, seller_alias, brand, brand_alias, listing, report, listing_brand";

/// Bytes collected before each `COPY` send.
const COPY_BUFFER: usize = 1 << 20;

/// Generates `options.reports` reports with their brands, sellers and listings, in one
/// transaction, then vacuums and analyses the tables so that the planner and index-only scans
/// see the new rows at once.
///
/// The database must be freshly migrated: if `seller`, `brand`, `listing` or `report` already
/// has rows, nothing is written and the error is [`sqlx::Error::InvalidArgument`]. (Appending
/// would mean drawing ids from the sequences and reading them back, and merging with existing
/// sellers and URLs; a fresh database is what development and benchmarks need.) The tables are
/// locked against writes (not reads) until the data is committed.
pub async fn generate(pool: &PgPool, options: &DemoOptions) -> Result<DemoSummary, sqlx::Error> {
    let started = Instant::now();
    let reports = usize::try_from(options.reports)
        .ok()
        .filter(|&n| n as u64 <= MAX_REPORTS)
        .ok_or_else(|| {
            sqlx::Error::InvalidArgument(format!("demo data: at most {MAX_REPORTS} reports"))
        })?;
    let bar = progress_bar(options);
    bar.set_message("planning");

    let mut tx = pool.begin().await?;
    lock_and_check_empty(&mut tx).await?;
    let seed = options.seed;
    let anchor_us = start_of_today_us();
    let plan = tokio::task::spawn_blocking(move || Plan::new(reports, seed, anchor_us))
        .await
        .map_err(rethrow)?;
    let plan = Arc::new(plan);
    tracing::debug!(elapsed = ?started.elapsed(), "demo data planned");

    bar.set_message("catalogue");
    let mut summary = load_catalogue(&mut tx, &plan).await?;
    tracing::debug!(elapsed = ?started.elapsed(), "brands, sellers and listings copied");
    bar.set_message("reports");
    summary.reports = load_reports(&mut tx, Arc::clone(&plan), seed, &bar).await?;
    sync_identities(&mut tx).await?;
    tracing::debug!(elapsed = ?started.elapsed(), "reports copied");
    bar.set_message("committing");
    tx.commit().await?;

    // Vacuum, not just analyze: it also sets hint bits and the visibility map, which the first
    // benchmark run would otherwise pay for (and index-only scans need).
    bar.set_message("vacuum analyze");
    sqlx::raw_sql(VACUUM).execute(pool).await?;
    bar.finish_and_clear();
    summary.elapsed = started.elapsed();
    tracing::debug!(elapsed = ?summary.elapsed, "demo data committed and vacuumed");
    Ok(summary)
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

/// Brands (and aliases of famous ones), sellers (and the names buyers typed), listings.
async fn load_catalogue(conn: &mut PgConnection, plan: &Plan) -> Result<DemoSummary, sqlx::Error> {
    let brands = copy_rows(conn, rows::BRAND_COPY, &plan.brands, rows::brand_row).await?;
    let aliases: Vec<(&str, usize)> = vocabulary::BRAND_ALIASES
        .iter()
        .filter_map(|&(alias, target)| {
            let brand = plan.brands.iter().position(|b| b.slug == target)?;
            Some((alias, brand))
        })
        .collect();
    copy_rows(
        conn,
        rows::BRAND_ALIAS_COPY,
        &aliases,
        |out, _, &(alias, brand)| {
            rows::Row::new(out)
                .text(alias)
                .int(brand as u64 + 1)
                .timestamp(plan.brands[brand].created_us)
                .end();
        },
    )
    .await?;
    let sellers = copy_rows(conn, rows::SELLER_COPY, &plan.sellers, rows::seller_row).await?;
    copy_rows(
        conn,
        rows::SELLER_ALIAS_COPY,
        &plan.sellers,
        rows::seller_alias_row,
    )
    .await?;
    let listings = copy_rows(
        conn,
        rows::LISTING_COPY,
        &plan.listings,
        |out, i, listing| {
            rows::listing_row(out, i, listing, plan);
        },
    )
    .await?;
    Ok(DemoSummary {
        sellers,
        brands,
        listings,
        ..DemoSummary::default()
    })
}

/// Streams `items` into one `COPY`, written by `write` (which gets each item's index).
async fn copy_rows<T>(
    conn: &mut PgConnection,
    statement: &str,
    items: &[T],
    mut write: impl FnMut(&mut String, usize, &T),
) -> Result<u64, sqlx::Error> {
    let mut copy = conn.copy_in_raw(statement).await?;
    let mut buffer = String::with_capacity(COPY_BUFFER + 4096);
    for (index, item) in items.iter().enumerate() {
        write(&mut buffer, index, item);
        if buffer.len() >= COPY_BUFFER {
            copy.send(buffer.as_bytes()).await?;
            buffer.clear();
        }
    }
    if !buffer.is_empty() {
        copy.send(buffer.as_bytes()).await?;
    }
    copy.finish().await
}

/// Reports are most of the work: a blocking thread writes chunks of rows while this task sends
/// the previous ones, so that on two cores the generator and the PostgreSQL backend each keep
/// one busy.
async fn load_reports(
    conn: &mut PgConnection,
    plan: Arc<Plan>,
    seed: u64,
    bar: &ProgressBar,
) -> Result<u64, sqlx::Error> {
    let chunks = plan.reports.len().div_ceil(CHUNK_REPORTS);
    let (sender, mut receiver) = tokio::sync::mpsc::channel::<(String, usize)>(4);
    let producer = tokio::task::spawn_blocking(move || {
        for chunk in 0..chunks {
            let mut out = String::with_capacity(CHUNK_REPORTS * 640);
            let rows = rows::report_chunk(&plan, seed, chunk, &mut out);
            // A closed channel means the COPY failed; its error is reported by the other side.
            if sender.blocking_send((out, rows)).is_err() {
                break;
            }
        }
    });
    let mut copy = conn.copy_in_raw(rows::REPORT_COPY).await?;
    while let Some((data, rows)) = receiver.recv().await {
        copy.send(data.into_bytes()).await?;
        bar.inc(rows as u64);
    }
    // Joined before `finish`, so that a generator that died half-way never commits a part.
    producer.await.map_err(rethrow)?;
    copy.finish().await
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

fn progress_bar(options: &DemoOptions) -> ProgressBar {
    if !options.progress {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(options.reports);
    // The template is a constant; should indicatif ever reject it, the default style will do.
    let style = ProgressStyle::with_template(
        "{spinner} {msg:<15} [{bar:32}] {human_pos}/{human_len} reports ({per_sec}, eta {eta})",
    )
    .map(|style| style.progress_chars("=> "))
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
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
