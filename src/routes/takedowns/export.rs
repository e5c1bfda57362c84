//! `GET /api/v1/takedowns`: a brand's takedown list, streamed from a database cursor to the
//! socket.

use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use sqlx::{Postgres, Transaction};
use time::OffsetDateTime;

use super::auth::Holder;
use super::encode::{Encoder, Envelope};
use super::stream;
use crate::db;
use crate::db::rights_holders::{ExportStart, ScopedBrand};
use crate::domain::takedown::cursor::BadCursor;
use crate::domain::takedown::parts::{Parts, part_count};
use crate::domain::takedown::{Cursor, ExportFilter, ExportParams, ExportRefused, ExportRequest};
use crate::domain::validation::FieldErrors;
use crate::error::{ApiError, AppError, Problem};
use crate::routes::api::ApiQuery;
use crate::state::AppState;

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
        (status = 400, description = "A parameter given twice", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or a token that is not valid", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer`, or `Bearer error=\"invalid_token\"`"))),
        (status = 403, description = "The brand is not in this token's scope", body = Problem, content_type = "application/problem+json"),
        (status = 406, description = "The Accept header names no format we produce", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A parameter is not valid: besides what the schema says, a cursor must come from an earlier export, dates must be dates, `since` takes no filters, and `part`, `of`, `after` and `parts` follow `next_part` links", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "This token's organisation already runs as many exports at once as allowed (FAKEWATCH_EXPORTS_PER_HOLDER); see Retry-After", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = String, description = "Seconds to wait before trying again"))),
    )
)]
#[tracing::instrument(skip_all, fields(holder = holder.rights_holder_id))]
pub async fn export(
    State(state): State<AppState>,
    holder: Holder,
    headers: HeaderMap,
    ApiQuery(params): ApiQuery<ExportParams>,
) -> Result<Response, ApiError> {
    let accept = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok());
    let mut request = params.check(accept)?;
    let slots = take_slots(&state, &holder)?;
    let (brand, export_log_id) = start(&state, &holder, &request).await?;

    let max_duration = Duration::from_secs(state.config.export_max_secs.max(1));
    // One statement (the first fetch sorts the whole list) may take as long as a request
    // may wait for its first byte, never longer than the whole export may.
    let statement_timeout =
        Duration::from_secs(state.config.request_timeout_secs.max(1)).min(max_duration);
    let (mut tx, snapshot) = db::takedowns::begin_export(&state.db, statement_timeout).await?;
    let cursor = list_cursor(&request, &snapshot)?;
    let parts = plan_parts(&mut tx, brand.brand_id, &mut request, &cursor).await?;

    let base = state.config.public_base();
    let links = Links::new(&base, &request, parts, cursor.encode());
    let generated_at = OffsetDateTime::now_utc();
    let encoder = encoder(&brand, &request, parts, &links, generated_at);
    let file_name = file_name(&brand.slug, &request, generated_at);
    let response_headers = response_headers(&request, parts, &links, &file_name)?;
    let context = stream::RowContext {
        base,
        brand,
        now: generated_at,
    };
    let body = stream::spawn(
        state,
        tx,
        request,
        context,
        encoder,
        export_log_id,
        slots,
        max_duration,
    )
    .await?;
    Ok((response_headers, body).into_response())
}

impl From<ExportRefused> for AppError {
    fn from(refused: ExportRefused) -> Self {
        match refused {
            ExportRefused::NotAcceptable => AppError::NotAcceptable(refused.to_string()),
            ExportRefused::Invalid(errors) => AppError::Validation(errors),
        }
    }
}

/// The export's places: among its holder's exports, then among all the server runs.
fn take_slots(state: &AppState, holder: &Holder) -> Result<stream::Slots, AppError> {
    let holder_slot = state
        .holder_exports
        .try_acquire(holder.rights_holder_id)
        .ok_or(AppError::TooManyExportsForHolder(
            state.holder_exports.per_key(),
        ))?;
    let server_slot = state
        .exports
        .clone()
        .try_acquire_owned()
        .map_err(|_| AppError::TooManyExports)?;
    Ok(stream::Slots {
        server: server_slot,
        holder: holder_slot,
    })
}

/// What comes before the export's own transaction, on a connection returned before that one
/// is taken (one connection at a time): the brand in scope, the client's cursors, and the
/// export's log entry.
async fn start(
    state: &AppState,
    holder: &Holder,
    request: &ExportRequest,
) -> Result<(ScopedBrand, i64), AppError> {
    let mut conn = state.db.acquire().await?;
    let brand = holder
        .brand_or_only(&mut conn, request.brand.as_deref())
        .await?;
    check_cursors(&mut conn, &request.filter).await?;
    let export_log_id = db::rights_holders::log_export_start(
        &mut conn,
        &ExportStart {
            rights_holder_id: holder.rights_holder_id,
            api_token_id: holder.api_token_id,
            brand_id: brand.brand_id,
            format: request.format,
            preset: request.preset,
            part: request.part.and_then(|p| i32::try_from(p).ok()),
            incremental: request.filter.since.is_some(),
        },
    )
    .await?;
    Ok((brand, export_log_id))
}

/// Refuses a cursor (`since`, or `of` from a part link) PostgreSQL would not take as a
/// snapshot, naming its parameter, before the list starts.
async fn check_cursors(
    conn: &mut sqlx::PgConnection,
    filter: &ExportFilter,
) -> Result<(), AppError> {
    for (field, cursor) in [("since", &filter.since), ("of", &filter.frozen)] {
        if let Some(cursor) = cursor
            && !db::takedowns::is_valid_snapshot(conn, cursor).await?
        {
            return Err(AppError::Validation(FieldErrors::single(
                field,
                BadCursor.to_string(),
            )));
        }
    }
    Ok(())
}

/// The cursor the export hands out. Parts after the first are read as of the first part's
/// snapshot, and hand out its cursor: the next incremental export must start from where the
/// whole list was made.
fn list_cursor(request: &ExportRequest, snapshot: &str) -> Result<Cursor, AppError> {
    match &request.of {
        Some(first_part) => Ok(first_part.clone()),
        None => Cursor::from_snapshot(snapshot)
            .map_err(|_| AppError::internal(format!("unexpected snapshot text {snapshot:?}"))),
    }
}

/// The links an export answers with.
struct Links {
    cursor: String,
    next: String,
    next_part: Option<String>,
}

impl Links {
    fn new(base: &str, request: &ExportRequest, parts: Option<Parts>, cursor: String) -> Links {
        let next = takedowns_url(base, request.sync_query(&cursor));
        let next_part = parts.and_then(|parts| {
            let (part, after) = parts.next_part?;
            let query = request.part_query((part, parts.count), &cursor, after);
            Some(takedowns_url(base, query))
        });
        Links {
            cursor,
            next,
            next_part,
        }
    }
}

/// Encodes the rows in the request's format, after the JSON document's envelope.
fn encoder(
    brand: &ScopedBrand,
    request: &ExportRequest,
    parts: Option<Parts>,
    links: &Links,
    generated_at: OffsetDateTime,
) -> Encoder {
    let envelope = Envelope {
        brand: &brand.slug,
        brand_name: &brand.display_name,
        format: request.format,
        preset: request.preset.map(|p| p.as_str()),
        columns: request.preset.map(|p| p.columns()),
        generated_at,
        cursor: &links.cursor,
        next: &links.next,
        part: request.part,
        parts: parts.map(|p| p.count),
        next_part: links.next_part.as_deref(),
    };
    Encoder::new(request.format, request.preset, &envelope)
}

/// Type, links, part numbers, file name, and no caching: a list is private to its holder.
fn response_headers(
    request: &ExportRequest,
    parts: Option<Parts>,
    links: &Links,
    file_name: &str,
) -> Result<HeaderMap, AppError> {
    let value = |text: String| HeaderValue::from_str(&text).map_err(AppError::internal);
    let mut headers = HeaderMap::new();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(request.format.content_type()),
    );
    headers.insert(
        header::LINK,
        value(format!("<{}>; rel=\"next\"", links.next))?,
    );
    headers.insert("x-cursor", value(links.cursor.clone())?);
    if let (Some(part), Some(parts)) = (request.part, parts) {
        headers.insert("x-part", value(part.to_string())?);
        headers.insert("x-part-count", value(parts.count.to_string())?);
    }
    if let Some(url) = &links.next_part {
        headers.insert("x-next-part", value(url.clone())?);
    }
    headers.insert(
        header::CONTENT_DISPOSITION,
        value(format!("attachment; filename=\"{file_name}\""))?,
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(headers)
}

/// For presets that come in parts: limits this request to its part, read as of the first
/// part's snapshot, and works out the part count and where the next part starts.
async fn plan_parts(
    tx: &mut Transaction<'static, Postgres>,
    brand_id: i64,
    request: &mut ExportRequest,
    cursor: &Cursor,
) -> Result<Option<Parts>, AppError> {
    let Some((part, rows_per_part)) = request.part_rows() else {
        return Ok(None);
    };
    request.read_as_part(cursor, rows_per_part);
    let counted = match request.carried_part_count() {
        Some(count) => count,
        None => {
            let rows = db::takedowns::count(tx, brand_id, &request.filter).await?;
            part_count(rows, rows_per_part)
        }
    };
    let end = db::takedowns::part_end(tx, brand_id, &request.filter, rows_per_part).await?;
    Ok(Some(Parts::new(part, counted, end)))
}

fn takedowns_url(base: &str, pairs: Vec<(&'static str, String)>) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs {
        query.append_pair(name, &value);
    }
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
