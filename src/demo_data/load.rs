//! The `COPY`s: brands, sellers and listings from the plan, then the reports, written on a
//! blocking thread while the connection sends what it wrote before.

use std::sync::Arc;

use sqlx::PgConnection;
use tokio::sync::mpsc;

use super::plan::Plan;
use super::progress::Progress;
use super::rows::{self, CHUNK_REPORTS};
use super::{DemoSummary, rethrow, vocabulary};

/// Bytes collected before each `COPY` send.
const COPY_BUFFER: usize = 1 << 20;

/// Brands (and aliases of famous ones), sellers (and the names buyers typed), listings.
pub(super) async fn catalogue(
    conn: &mut PgConnection,
    plan: &Plan,
    progress: &Progress,
) -> Result<DemoSummary, sqlx::Error> {
    let brands = copy_rows(conn, rows::BRAND_COPY, &plan.brands, rows::brand_row).await?;
    progress.inc(brands);
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
    progress.inc(sellers);
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
    progress.inc(listings);
    Ok(DemoSummary {
        sellers,
        brands,
        listings,
        ..DemoSummary::default()
    })
}

/// The number of rows [`catalogue`] copies, for the progress bar.
pub(super) fn catalogue_len(plan: &Plan) -> u64 {
    (plan.brands.len() + plan.sellers.len() + plan.listings.len()) as u64
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
/// the previous ones. (Writing them costs about 3 s of one core per million reports, a tenth
/// of what PostgreSQL spends storing them: a second writer would not make the load faster.)
pub(super) async fn reports(
    conn: &mut PgConnection,
    plan: Arc<Plan>,
    seed: u64,
    progress: &Progress,
) -> Result<u64, sqlx::Error> {
    let chunks = plan.reports.len().div_ceil(CHUNK_REPORTS);
    let (sender, mut receiver) = mpsc::channel::<(String, usize)>(4);
    let writer = tokio::task::spawn_blocking(move || {
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
        progress.inc(rows as u64);
    }
    // Joined before `finish`, so that a writer that died half-way never commits a part.
    writer.await.map_err(rethrow)?;
    copy.finish().await
}
