//! The export's body: one task reads the database cursor a batch ahead, another encodes the
//! rows into chunks, and the response streams the chunks. Memory stays at two batches and a
//! few chunks whatever the list's length.

use std::sync::{Arc, Mutex, OnceLock};
use std::task::Poll;
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use sqlx::{Postgres, Transaction};
use time::OffsetDateTime;
use tokio::sync::{OwnedSemaphorePermit, mpsc, oneshot};

use super::encode::Encoder;
use crate::db;
use crate::db::rights_holders::ScopedBrand;
use crate::db::takedowns::ExportRow;
use crate::domain::takedown::row::{EvidenceFile, ReasonCount};
use crate::domain::takedown::{ExportFilter, ExportRequest, TakedownRow};
use crate::error::AppError;
use crate::limits::KeyedPermit;
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
        TakedownRow {
            seller_page_url: format!(
                "{}{}",
                self.base,
                seller_path(r.marketplace.as_str(), &r.seller_key)
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
                .map(|c| ReasonCount {
                    reason: c.reason,
                    reports: c.reports,
                })
                .collect(),
            first_reported: r.first_reported,
            last_reported: r.last_reported,
            lowest_price: r.lowest_price.map(|p| p.normalize()),
            price_currency: r.price_currency,
            status: r.status,
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

/// What an export holds while it runs: its place among all exports for as long as it holds
/// a database connection, and its place among its holder's until the last chunk has been
/// handed to the response (or the export ended otherwise), so that "two at a time" means
/// two downloads, however slow.
pub struct Slots {
    pub server: OwnedSemaphorePermit,
    pub holder: KeyedPermit<i64>,
}

type Chunks = mpsc::Sender<Result<Bytes, std::io::Error>>;

/// Tells the handler, once, how the export started: its first batch arrived (`Ok`), or
/// it failed, ran out of time or panicked before that, so that the client gets a proper
/// status instead of a list cut short. Shared by the encoder and its supervisor.
#[derive(Clone)]
struct Ready(Arc<Mutex<Option<Started>>>);

/// Where the handler learns how the export started.
type Started = oneshot::Sender<Result<(), AppError>>;

impl Ready {
    fn announced(&self) -> bool {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).is_none()
    }

    /// Sends `result` unless something was announced already; true when it did.
    fn announce(&self, result: Result<(), AppError>) -> bool {
        let sender = self.0.lock().unwrap_or_else(|e| e.into_inner()).take();
        match sender {
            Some(sender) => {
                let _ = sender.send(result);
                true
            }
            None => false,
        }
    }
}

/// Runs the query in its own task, which owns the transaction, and sends the encoded chunks
/// through a small channel: when the client reads slowly the channel fills, the task waits,
/// and the database connection applies backpressure in turn. Memory stays at a few chunks.
/// The export ends at `max_duration` however slowly its client reads, so that no one holds
/// a snapshot (and a connection) open for hours.
#[allow(clippy::too_many_arguments)]
pub async fn spawn(
    state: AppState,
    tx: Transaction<'static, Postgres>,
    request: ExportRequest,
    context: RowContext,
    encoder: Encoder,
    export_log_id: i64,
    slots: Slots,
    max_duration: Duration,
) -> Result<Body, AppError> {
    let (sender, receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(CHANNEL_CHUNKS);
    // Answers once the first batch (or the end) has arrived, so that a query that fails at
    // once gets a proper error status instead of a list cut short.
    let (ready, started) = oneshot::channel::<Result<(), AppError>>();
    let ready = Ready(Arc::new(Mutex::new(Some(ready))));
    let announce = ready.clone();
    // Two tasks, so that the database computes the next batch while this one is encoded.
    let Slots { server, holder } = slots;
    let batches = fetch_batches(tx, request.filter, context.brand.brand_id, server);
    // The supervisor holds a sender too, so the body cannot end before it has had its say:
    // a panic in the encoding task, or the deadline, would otherwise just close the channel,
    // and the client would get a list that ends cleanly but is cut short.
    let supervisor = sender.clone();
    let failure = Arc::new(OnceLock::<&'static str>::new());
    let failed = Arc::clone(&failure);
    // Held by the handler until the body exists, then by the body: when either is dropped
    // (a client that left, a request that timed out before the first row), the export stops.
    let (alive, gone) = oneshot::channel::<()>();
    let mut encoding = tokio::spawn(tokio::time::timeout(
        max_duration,
        encode(
            state,
            batches,
            context,
            encoder,
            export_log_id,
            sender,
            ready,
        ),
    ));
    tokio::spawn(async move {
        let result = tokio::select! {
            biased;
            result = &mut encoding => result,
            _ = gone => {
                encoding.abort();
                encoding.await
            }
        };
        // The encoder has ended one way or another: the holder may start another export.
        drop(holder);
        let reason = match result {
            Ok(Ok(Ok(()))) => return,
            Ok(Ok(Err(reason))) => reason,
            Ok(Err(_elapsed)) => {
                announce.announce(Err(AppError::ExportTooLong(max_duration.as_secs())));
                tracing::warn!(
                    export_log_id,
                    ?max_duration,
                    "takedown export took too long; ended it"
                );
                "the export exceeded its maximum duration"
            }
            Err(e) if e.is_panic() => {
                announce.announce(Err(AppError::internal("the export task panicked")));
                tracing::error!(export_log_id, "takedown export task panicked");
                "the export failed"
            }
            Err(_) => "the export was cancelled",
        };
        let _ = failed.set(reason);
        // Dropping the last sender wakes the body, which then finds the failure.
        drop(supervisor);
    });
    match started.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => return Err(e),
        Err(_) => {
            return Err(AppError::internal(
                "the export task ended before its first row",
            ));
        }
    }
    // Not `stream::unfold`: the compression layer polls a body again after its end, which a
    // finished `Unfold` answers with a panic (every gzip client's export was cut short). This
    // stream may be polled any number of times. A failure ends it with an error, which makes
    // the server cut the response short: the client sees an incomplete transfer rather than
    // a list that looks whole.
    let mut receiver = receiver;
    let mut reported = false;
    let stream = futures_util::stream::poll_fn(move |cx| {
        let _alive = &alive;
        if let Some(reason) = failure.get()
            && !reported
        {
            reported = true;
            return Poll::Ready(Some(Err(std::io::Error::other(*reason))));
        }
        if reported {
            return Poll::Ready(None);
        }
        receiver.poll_recv(cx)
    });
    Ok(Body::from_stream(stream))
}

/// Turns batches of rows into chunks of the response until the list ends, then logs the end.
/// An `Err` says why the list could not be sent whole.
async fn encode(
    state: AppState,
    mut batches: mpsc::Receiver<sqlx::Result<Vec<ExportRow>>>,
    context: RowContext,
    mut encoder: Encoder,
    export_log_id: i64,
    sender: Chunks,
    ready: Ready,
) -> Result<(), &'static str> {
    while let Some(batch) = batches.recv().await {
        let batch = match batch {
            Ok(batch) => batch,
            Err(e) => {
                if !ready.announced() {
                    ready.announce(Err(e.into()));
                    return Err("the export failed before its first row");
                }
                tracing::error!(error = %e, export_log_id, "takedown export failed mid-stream");
                return Err("the export failed");
            }
        };
        ready.announce(Ok(()));
        if batch.is_empty() {
            break;
        }
        for row in batch {
            encoder.write(&context.row(&state, row));
            if let Some(chunk) = encoder.chunk() {
                // On an error, dropping `batches` stops the fetching task, whose transaction
                // then closes the cursor: nothing more is read.
                send(&sender, chunk).await?;
            }
        }
    }
    let count = i64::try_from(encoder.rows()).unwrap_or(i64::MAX);
    send(&sender, encoder.finish()).await?;
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
    Ok(())
}

/// Reads the export's cursor batch by batch in its own task, one batch ahead of the encoder.
/// Ends after the empty batch that marks the end, after an error, or when the encoder has gone
/// (the client left); its transaction, and with it the cursor, closes then, and only then is
/// the export's slot free.
fn fetch_batches(
    tx: Transaction<'static, Postgres>,
    filter: ExportFilter,
    brand_id: i64,
    server_slot: OwnedSemaphorePermit,
) -> mpsc::Receiver<sqlx::Result<Vec<ExportRow>>> {
    let (batches, receiver) = mpsc::channel(1);
    tokio::spawn(async move {
        // Declared first, so dropped last: the slot is free only once the transaction is.
        let _server_slot = server_slot;
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

/// Hands a chunk to the response body; an error when the client went away or stopped
/// reading for [`STALLED_CLIENT`], which ends the export and frees its database connection.
async fn send(sender: &Chunks, chunk: Bytes) -> Result<(), &'static str> {
    match tokio::time::timeout(STALLED_CLIENT, sender.send(Ok(chunk))).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(_)) => {
            tracing::info!("client went away during a takedown export");
            Err("the client went away")
        }
        Err(_) => {
            tracing::warn!("client stopped reading a takedown export; ending it");
            Err("the client stopped reading")
        }
    }
}
