//! `GET /api/v1/takedowns`: a brand's takedown list, streamed from a database cursor to the
//! socket.

use std::time::Duration;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::StreamExt;
use sqlx::{Postgres, Transaction};
use time::OffsetDateTime;
use tokio::sync::{OwnedSemaphorePermit, mpsc, oneshot};

use super::auth::Holder;
use super::encode::{Encoder, Envelope};
use super::params::{ExportParams, ExportRequest};
use crate::db;
use crate::db::rights_holders::{ExportStart, ScopedBrand};
use crate::db::takedowns::ExportRow;
use crate::domain::reason::Reason;
use crate::domain::takedown::cursor::BadCursor;
use crate::domain::takedown::row::{EvidenceFile, ReasonCount};
use crate::domain::takedown::{Cursor, ListingStatus, TakedownRow};
use crate::domain::validation::FieldErrors;
use crate::error::{ApiError, AppError};
use crate::routes::evidence_links;
use crate::routes::sellers::view::seller_path;
use crate::state::AppState;

/// Chunks in flight between the database task and the socket: the memory bound.
const CHANNEL_CHUNKS: usize = 4;
/// How long an export waits for a client that reads nothing before giving up.
const STALLED_CLIENT: Duration = Duration::from_secs(120);

#[utoipa::path(
    get,
    path = "/api/v1/takedowns",
    tag = "rights holders",
    params(ExportParams),
    security(("api_token" = [])),
    responses(
        (status = 200, description = "The takedown list: CSV, JSON, NDJSON or plain URLs. \
            `Link: <…>; rel=\"next\"` carries the incremental-sync URL; with preset=aliexpress, \
            `X-Part` and `X-Part-Count` number the 300-row parts."),
        (status = 401, description = "No token, or a token that is not valid", body = crate::error::Problem),
        (status = 403, description = "The brand is not in this token's scope", body = crate::error::Problem),
        (status = 406, description = "The Accept header names no format we produce", body = crate::error::Problem),
        (status = 422, description = "A parameter is not valid", body = crate::error::Problem),
        (status = 503, description = "Too many exports running, or the database is down; see Retry-After", body = crate::error::Problem),
    )
)]
pub async fn export(
    State(state): State<AppState>,
    holder: Holder,
    headers: HeaderMap,
    Query(params): Query<ExportParams>,
) -> Result<Response, ApiError> {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let mut request = params.check(accept)?;
    let permit = state
        .exports
        .clone()
        .try_acquire_owned()
        .map_err(|_| AppError::TooManyExports)?;
    let mut conn = state.db.acquire().await?;
    let brand = holder
        .brand_or_only(&mut conn, request.brand.as_deref())
        .await?;

    for client_snapshot in [&request.filter.since, &request.filter.frozen]
        .into_iter()
        .flatten()
    {
        if !db::takedowns::is_valid_snapshot(&mut conn, client_snapshot).await? {
            let field = if request.filter.since.as_ref() == Some(client_snapshot) {
                "since"
            } else {
                "of"
            };
            return Err(
                AppError::Validation(FieldErrors::single(field, BadCursor.to_string())).into(),
            );
        }
    }

    let (mut tx, snapshot) = db::takedowns::begin_export(&state.db).await?;
    // Parts after the first are read as of the first part's snapshot, and hand out its cursor:
    // the next incremental export must start from where the whole list was made.
    let cursor = match &request.of {
        Some(first_part) => first_part.clone(),
        None => Cursor::from_snapshot(&snapshot)
            .map_err(|_| AppError::internal(format!("unexpected snapshot text {snapshot:?}")))?,
    };
    let parts = plan_parts(&mut tx, brand.brand_id, &mut request, &cursor).await?;

    let export_log_id = db::rights_holders::log_export_start(
        &mut conn,
        &ExportStart {
            rights_holder_id: holder.rights_holder_id,
            api_token_id: holder.api_token_id,
            brand_id: brand.brand_id,
            format: request.format.as_str(),
            preset: request.preset.map(|p| p.as_str()),
            part: request.part.and_then(|p| i32::try_from(p).ok()),
            incremental: request.filter.since.is_some(),
        },
    )
    .await?;
    drop(conn);

    let base = state.config.public_base();
    let cursor = cursor.encode();
    let next = next_url(&base, &request, &cursor);
    let next_part = parts
        .as_ref()
        .and_then(|p| p.next_part.as_ref())
        .map(|(part, after)| part_url(&base, &request, *part, &cursor, *after));
    let generated_at = OffsetDateTime::now_utc();
    let envelope = Envelope {
        brand: &brand.slug,
        brand_name: &brand.display_name,
        format: request.format,
        preset: request.preset.map(|p| p.as_str()),
        columns: request.preset.map(|p| p.columns()),
        generated_at,
        cursor: &cursor,
        next: &next,
        part: request.part,
        parts: parts.as_ref().map(|p| p.count),
        next_part: next_part.as_deref(),
    };
    let encoder = Encoder::new(request.format, request.preset, &envelope);

    let mut response_headers = HeaderMap::new();
    let value = |text: String| HeaderValue::from_str(&text).map_err(AppError::internal);
    response_headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(request.format.content_type()),
    );
    response_headers.insert(header::LINK, value(format!("<{next}>; rel=\"next\""))?);
    response_headers.insert("x-cursor", value(cursor.clone())?);
    if let (Some(part), Some(parts)) = (request.part, &parts) {
        response_headers.insert("x-part", value(part.to_string())?);
        response_headers.insert("x-part-count", value(parts.count.to_string())?);
    }
    if let Some(url) = &next_part {
        response_headers.insert("x-next-part", value(url.clone())?);
    }
    response_headers.insert(
        header::CONTENT_DISPOSITION,
        value(format!(
            "attachment; filename=\"{}\"",
            file_name(&brand.slug, &request, generated_at)
        ))?,
    );
    response_headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );

    let context = RowContext {
        base,
        brand,
        now: generated_at,
    };
    let body = spawn_stream(state, tx, request, context, encoder, export_log_id, permit).await?;
    Ok((response_headers, body).into_response())
}

/// What turns a database row into a takedown row.
struct RowContext {
    base: String,
    brand: ScopedBrand,
    now: OffsetDateTime,
}

impl RowContext {
    fn row(&self, state: &AppState, r: ExportRow) -> TakedownRow {
        let status = r.status.parse().unwrap_or(ListingStatus::Reported);
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
async fn spawn_stream(
    state: AppState,
    mut tx: Transaction<'static, Postgres>,
    request: ExportRequest,
    context: RowContext,
    mut encoder: Encoder,
    export_log_id: i64,
    permit: OwnedSemaphorePermit,
) -> Result<Body, AppError> {
    let (sender, receiver) = mpsc::channel::<Result<Bytes, std::io::Error>>(CHANNEL_CHUNKS);
    // Answers once the first row (or the end) has arrived, so that a query that fails at
    // once gets a proper error status instead of a list cut short.
    let (ready, started) = oneshot::channel::<Result<(), sqlx::Error>>();
    tokio::spawn(async move {
        let _permit = permit;
        let mut ready = Some(ready);
        let brand_id = context.brand.brand_id;
        let mut rows = db::takedowns::rows(&mut tx, brand_id, &request.filter);
        while let Some(row) = rows.next().await {
            match row {
                Ok(row) => {
                    encoder.write(&context.row(&state, row));
                    if let Some(ready) = ready.take() {
                        let _ = ready.send(Ok(()));
                    }
                }
                Err(e) => {
                    if let Some(ready) = ready.take() {
                        let _ = ready.send(Err(e));
                        return;
                    }
                    tracing::error!(error = %e, "takedown export failed mid-stream");
                    // An error in the body makes the server cut the response short, so the
                    // client sees an incomplete transfer rather than a list that looks whole.
                    let _ = sender
                        .send(Err(std::io::Error::other("export failed")))
                        .await;
                    return;
                }
            }
            if let Some(chunk) = encoder.chunk()
                && !send(&sender, chunk).await
            {
                return;
            }
        }
        drop(rows);
        if let Some(ready) = ready.take() {
            let _ = ready.send(Ok(()));
        }
        let count = i64::try_from(encoder.rows()).unwrap_or(i64::MAX);
        if !send(&sender, encoder.finish()).await {
            return;
        }
        // The read-only transaction has nothing to keep.
        let _ = tx.rollback().await;
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
    let stream = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    });
    Ok(Body::from_stream(stream))
}

/// Where the parts of a list stand: how many there are and where the next one starts.
struct Parts {
    count: i64,
    /// The next part's number and the listing it starts after; `None` for the last part.
    next_part: Option<(i64, i64)>,
}

/// For presets that come in parts: limits this request to its part, reads it as of the first
/// part's snapshot, and works out the part count and where the next part starts.
async fn plan_parts(
    tx: &mut Transaction<'static, Postgres>,
    brand_id: i64,
    request: &mut ExportRequest,
    cursor: &Cursor,
) -> Result<Option<Parts>, AppError> {
    let (Some(part), Some(rows_per_part)) =
        (request.part, request.preset.and_then(|p| p.part_rows()))
    else {
        return Ok(None);
    };
    request.filter.frozen = Some(cursor.snapshot().to_owned());
    let (remaining, part_end) =
        db::takedowns::part_bounds(tx, brand_id, &request.filter, rows_per_part).await?;
    request.filter.limit = Some(rows_per_part);
    let more = remaining > rows_per_part;
    Ok(Some(Parts {
        count: part - 1 + ((remaining + rows_per_part - 1) / rows_per_part).max(1),
        next_part: part_end.filter(|_| more).map(|end| (part + 1, end)),
    }))
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

/// This request again, with `since=<cursor>` and without `part`.
fn next_url(base: &str, request: &ExportRequest, cursor: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in &request.repeat_query {
        query.append_pair(name, value);
    }
    query.append_pair("since", cursor);
    format!("{base}/api/v1/takedowns?{}", query.finish())
}

/// The URL of a list's next part: this request, continued after `after` on the first part's
/// snapshot.
fn part_url(base: &str, request: &ExportRequest, part: i64, of: &str, after: i64) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in &request.repeat_query {
        query.append_pair(name, value);
    }
    if let Some(since) = &request.since_param {
        query.append_pair("since", since);
    }
    query.append_pair("part", &part.to_string());
    query.append_pair("of", of);
    query.append_pair("after", &after.to_string());
    format!("{base}/api/v1/takedowns?{}", query.finish())
}

/// `takedowns-acme-aliexpress-part-2-2026-11-25.csv`.
fn file_name(brand: &str, request: &ExportRequest, at: OffsetDateTime) -> String {
    let mut name = format!("takedowns-{brand}");
    if let Some(preset) = request.preset {
        name.push('-');
        name.push_str(preset.as_str());
    }
    if let Some(part) = request.part {
        name.push_str(&format!("-part-{part}"));
    }
    if request.filter.since.is_some() {
        name.push_str("-changes");
    }
    name.push_str(&format!("-{}.{}", at.date(), request.format.as_str()));
    // Brand slugs are lowercase letters, digits and dashes; keep the header plain ASCII.
    name.retain(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'));
    name
}
