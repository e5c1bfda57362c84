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
use super::params::{ExportParams, ExportRequest};
use super::stream;
use crate::db;
use crate::db::rights_holders::ExportStart;
use crate::domain::takedown::Cursor;
use crate::domain::takedown::cursor::BadCursor;
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
    // One connection at a time: the export's own comes next.
    drop(conn);

    let max_duration = Duration::from_secs(state.config.export_max_secs.max(1));
    // One statement (the first fetch sorts the whole list) may take as long as a request
    // may wait for its first byte, never longer than the whole export may.
    let statement_timeout =
        Duration::from_secs(state.config.request_timeout_secs.max(1)).min(max_duration);
    let (mut tx, snapshot) = db::takedowns::begin_export(&state.db, statement_timeout).await?;
    // Parts after the first are read as of the first part's snapshot, and hand out its cursor:
    // the next incremental export must start from where the whole list was made.
    let cursor = match &request.of {
        Some(first_part) => first_part.clone(),
        None => Cursor::from_snapshot(&snapshot)
            .map_err(|_| AppError::internal(format!("unexpected snapshot text {snapshot:?}")))?,
    };
    let parts = plan_parts(&mut tx, brand.brand_id, &mut request, &cursor).await?;

    let base = state.config.public_base();
    let cursor = cursor.encode();
    let next = next_url(&base, &request, &cursor);
    let next_part = parts
        .as_ref()
        .and_then(|p| p.next_part.as_ref())
        .map(|(part, after)| {
            let count = parts.as_ref().map_or(*part, |p| p.count);
            part_url(&base, &request, (*part, count), &cursor, *after)
        });
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

    let response_headers = response_headers(
        &request,
        parts.as_ref(),
        Links {
            cursor: &cursor,
            next: &next,
            next_part: next_part.as_deref(),
        },
        &file_name(&brand.slug, &request, generated_at),
    )?;

    let context = stream::RowContext {
        base,
        brand,
        now: generated_at,
    };
    let slots = stream::Slots {
        server: server_slot,
        holder: holder_slot,
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

/// The links an export answers with.
struct Links<'a> {
    cursor: &'a str,
    next: &'a str,
    next_part: Option<&'a str>,
}

/// Type, links, part numbers, file name, and no caching: a list is private to its holder.
fn response_headers(
    request: &ExportRequest,
    parts: Option<&Parts>,
    links: Links<'_>,
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
    headers.insert("x-cursor", value(links.cursor.to_owned())?);
    if let (Some(part), Some(parts)) = (request.part, parts) {
        headers.insert("x-part", value(part.to_string())?);
        headers.insert("x-part-count", value(parts.count.to_string())?);
    }
    if let Some(url) = links.next_part {
        headers.insert("x-next-part", value(url.to_owned())?);
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
    // Counted once, on the first part; later parts carry the count in their links, so that
    // fetching every part does not recount the rest of the list each time.
    let count = match (part, request.parts) {
        (1, _) | (_, None) => {
            let rows = db::takedowns::count(tx, brand_id, &request.filter).await?;
            ((rows + rows_per_part - 1) / rows_per_part).max(1)
        }
        (_, Some(count)) => count,
    };
    let end = db::takedowns::part_end(tx, brand_id, &request.filter, rows_per_part).await?;
    request.filter.limit = Some(rows_per_part);
    Ok(Some(Parts {
        // Rows only leave a list read as of its first part, so it may end sooner than counted.
        count: if end.is_some() {
            count.max(part + 1)
        } else {
            part
        },
        next_part: end.map(|end| (part + 1, end)),
    }))
}

/// Filters a full list takes and a sync refuses.
const SYNC_IGNORES: [&str; 4] = [
    "status",
    "min_reporters",
    "reported_after",
    "reported_before",
];

/// This request again, with `since=<cursor>` and without `part` or filters (a sync takes none:
/// see `ExportParams::check`).
fn next_url(base: &str, request: &ExportRequest, cursor: &str) -> String {
    let repeated = request
        .repeat_query
        .iter()
        .filter(|(name, _)| !SYNC_IGNORES.contains(name))
        .map(|(name, value)| (*name, value.clone()));
    takedowns_url(base, repeated.chain([("since", cursor.to_owned())]))
}

/// The URL of a list's next part: this request, continued after `after` on the first part's
/// snapshot.
fn part_url(
    base: &str,
    request: &ExportRequest,
    (part, parts): (i64, i64),
    of: &str,
    after: i64,
) -> String {
    let repeated = request
        .repeat_query
        .iter()
        .map(|(name, value)| (*name, value.clone()))
        .chain(request.since_param.clone().map(|since| ("since", since)));
    takedowns_url(
        base,
        repeated.chain([
            ("part", part.to_string()),
            ("parts", parts.to_string()),
            ("of", of.to_owned()),
            ("after", after.to_string()),
        ]),
    )
}

fn takedowns_url(base: &str, pairs: impl Iterator<Item = (&'static str, String)>) -> String {
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
