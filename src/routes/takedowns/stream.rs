//! The export's body: one task reads the database cursor a batch ahead, another encodes the
//! rows into chunks, and the response streams the chunks. Memory stays at two batches and a
//! few chunks whatever the list's length.

use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use sqlx::{Postgres, Transaction};
use time::OffsetDateTime;
use tokio::sync::{OwnedSemaphorePermit, mpsc, oneshot};

use super::encode::Encoder;
use super::params::ExportRequest;
use crate::db;
use crate::db::rights_holders::ScopedBrand;
use crate::db::takedowns::{ExportFilter, ExportRow};
use crate::domain::reason::Reason;
use crate::domain::takedown::row::{EvidenceFile, ReasonCount};
use crate::domain::takedown::{ListingStatus, TakedownRow};
use crate::error::AppError;
use crate::routes::evidence_links;
use crate::routes::sellers::view::seller_path;
use crate::state::AppState;

/// Chunks in flight between the encoding task and the socket.
const CHANNEL_CHUNKS: usize = 4;
/// How long an export waits for a client that reads nothing before giving up.
const STALLED_CLIENT: Duration = Duration::from_secs(120);

/// What turns a database row into a takedown row.
pub struct RowContext {
    pub base: String,
    pub brand: ScopedBrand,
    pub now: OffsetDateTime,
}

impl RowContext {
    fn row(&self, state: &AppState, r: ExportRow) -> TakedownRow {
        // The SQL only produces known statuses; should that change, say so rather than guess.
        let status = r.status.parse().unwrap_or_else(|e| {
            tracing::warn!(status = %r.status, error = %e, "unknown listing status in an export");
            ListingStatus::Reported
        });
        TakedownRow {
            seller_page_url: format!(
                "{}{}",
                self.base,
                seller_path(&r.marketplace, &r.seller_key)
            ),
            marketplace: r.marketplace,
            listing_id: r.listing_id,
            listing_url: r.listing_url,
            seller_key: r.seller_key,
            seller_name: r.seller_name,
            store_url: r.store_url,
            brand: self.brand.slug.clone(),
            brand_name: self.brand.display_name.clone(),
            product_title: r.product_title,
            reports: r.reports,
            distinct_reporters: r.distinct_reporters,
            verified_reports: r.verified_reports,
            reasons: r
                .reasons
                .0
                .into_iter()
                .filter_map(|c| {
                    Some(ReasonCount {
                        reason: c.reason.parse::<Reason>().ok()?,
                        reports: c.reports,
                    })
                })
                .collect(),
            first_reported: r.first_reported,
            last_reported: r.last_reported,
            lowest_price: r.lowest_price.map(|p| p.normalize()),
            price_currency: r.price_currency,
            status,
            outcome_at: r.outcome_at,
            evidence: r
                .evidence
                .0
                .into_iter()
                .map(|e| EvidenceFile {
                    url: evidence_links::signed_url(state, &self.base, &e.id, self.now),
                    id: e.id,
                    sha256: e.sha256,
                    bytes: e.bytes,
                    media_type: e.media_type,
                    uploaded_at: e.uploaded_at,
                })
                .collect(),
            ipr_registration_no: self.brand.ipr_registration_no.clone(),
            ipr_office: self.brand.ipr_office.clone(),
        }
    }
}

/// Runs the query in its own task, which owns the transaction, and sends the encoded chunks
/// through a small channel: when the client reads slowly the channel fills, the task waits,
/// and the database connection applies backpressure in turn. Memory stays at a few chunks.
pub async fn spawn(
    state: AppState,
    tx: Transaction<'static, Postgres>,
    request: ExportRequest,
    context: RowContext,
    mut encoder: Encoder,
    export_log_id: i64,
    permit: OwnedSemaphorePermit,
) -> Result<Body, AppError> {
    let (sender, receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(CHANNEL_CHUNKS);
    // Answers once the first batch (or the end) has arrived, so that a query that fails at
    // once gets a proper error status instead of a list cut short.
    let (ready, started) = oneshot::channel::<Result<(), sqlx::Error>>();
    // Two tasks, so that the database computes the next batch while this one is encoded.
    let batches = fetch_batches(tx, request.filter, context.brand.brand_id, permit);
    tokio::spawn(async move {
        let mut batches = batches;
        let mut ready = Some(ready);
        while let Some(batch) = batches.recv().await {
            let batch = match batch {
                Ok(batch) => batch,
                Err(e) => {
                    if let Some(ready) = ready.take() {
                        let _ = ready.send(Err(e));
                        return;
                    }
                    tracing::error!(error = %e, export_log_id, "takedown export failed mid-stream");
                    // An error in the body makes the server cut the response short, so the
                    // client sees an incomplete transfer rather than a list that looks whole.
                    let _ = sender
                        .send(Err(std::io::Error::other("export failed")))
                        .await;
                    return;
                }
            };
            if let Some(ready) = ready.take() {
                let _ = ready.send(Ok(()));
            }
            if batch.is_empty() {
                break;
            }
            for row in batch {
                encoder.write(&context.row(&state, row));
                if let Some(chunk) = encoder.chunk()
                    && !send(&sender, chunk).await
                {
                    // Dropping `batches` stops the fetching task, whose transaction then
                    // closes the cursor: nothing more is read.
                    return;
                }
            }
        }
        let count = i64::try_from(encoder.rows()).unwrap_or(i64::MAX);
        if !send(&sender, encoder.finish()).await {
            return;
        }
        match state.db.acquire().await {
            Ok(mut conn) => {
                if let Err(e) =
                    db::rights_holders::log_export_finished(&mut conn, export_log_id, count).await
                {
                    tracing::warn!(error = %e, "could not log the end of an export");
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not log the end of an export"),
        }
    });
    match started.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(e.into()),
        Err(_) => {
            return Err(AppError::internal(
                "the export task ended before its first row",
            ));
        }
    }
    // Fused: tower-http's compression polls the body once more after its end, and an
    // `unfold` stream panics when polled after it returned `None`.
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    Ok(Body::from_stream(futures_util::StreamExt::fuse(stream)))
}

/// Reads the export's cursor batch by batch in its own task, one batch ahead of the encoder.
/// Ends after the empty batch that marks the end, after an error, or when the encoder has gone
/// (the client left); its transaction, and with it the cursor, closes then, and only then is
/// the export's slot free.
fn fetch_batches(
    tx: Transaction<'static, Postgres>,
    filter: ExportFilter,
    brand_id: i64,
    permit: OwnedSemaphorePermit,
) -> mpsc::Receiver<sqlx::Result<Vec<ExportRow>>> {
    let (batches, receiver) = mpsc::channel(1);
    tokio::spawn(async move {
        // Declared first, so dropped last: the slot is free only once the transaction is.
        let _permit = permit;
        let mut tx = tx;
        if let Err(e) = db::takedowns::declare_rows(&mut tx, brand_id, &filter).await {
            let _ = batches.send(Err(e)).await;
            return;
        }
        loop {
            let batch = db::takedowns::fetch_rows(&mut tx).await;
            let last = batch.as_ref().map_or(true, Vec::is_empty);
            if batches.send(batch).await.is_err() || last {
                break;
            }
        }
        // The read-only transaction has nothing to keep.
        let _ = tx.rollback().await;
    });
    receiver
}

/// Hands a chunk to the response body; false when the client went away or stopped reading
/// for [`STALLED_CLIENT`], which ends the export and frees its database connection.
async fn send(sender: &mpsc::Sender<Result<Bytes, std::io::Error>>, chunk: Bytes) -> bool {
    match tokio::time::timeout(STALLED_CLIENT, sender.send(Ok(chunk))).await {
        Ok(Ok(())) => true,
        Ok(Err(_)) => {
            tracing::info!("client went away during a takedown export");
            false
        }
        Err(_) => {
            tracing::warn!("client stopped reading a takedown export; ending it");
            false
        }
    }
}
