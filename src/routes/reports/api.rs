//! The reports API: `POST /api/v1/reports` (JSON, or multipart with a `report` JSON part and
//! `evidence` files), `GET` and `DELETE /api/v1/reports/{id}`. Errors are problem details.

use std::net::IpAddr;

use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Multipart, Request, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{
    AdditionalProperties, ArrayBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};

use super::intake::{self, Client};
use super::manage::{authorize, serve_evidence, withdraw_report};
use super::upload::{self, Gate, human_bytes};
use super::view::{FiledJson, ReportJson};
use crate::db;
use crate::domain::rate_limit::Bucket;
use crate::domain::report::ReportInput;
use crate::domain::status::ReportStatus;
use crate::domain::validation::FieldErrors;
use crate::error::{ApiError, AppError, Problem};
use crate::routes::api::{ApiPath, ApiQuery};
use crate::routes::bearer::{self, Presented};
use crate::routes::{ClientAddr, rate_limit};
use crate::state::AppState;

/// Largest JSON report body: the longest fields together take about 30 KiB.
const MAX_JSON_BYTES: usize = 256 * 1024;

/// The multipart part holding the report's JSON.
const REPORT_PART: &str = "report";

/// The multipart form of a report, as the document states it: a `report` part holding the
/// JSON, `evidence` parts holding files, and no other parts.
struct ReportUpload;

impl utoipa::PartialSchema for ReportUpload {
    fn schema() -> RefOr<Schema> {
        let report = ObjectBuilder::new()
            .schema_type(Type::String)
            .content_media_type("application/json")
            .description(Some(
                "The report as JSON, exactly as the JSON body would be (a `NewReport`)",
            ));
        let file = ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)));
        let evidence = ArrayBuilder::new().items(file).description(Some(
            "Photos (JPEG, PNG, WebP) or PDFs, each in a part of its own named `evidence`",
        ));
        ObjectBuilder::new()
            .property(REPORT_PART, report)
            .required(REPORT_PART)
            .property(upload::EVIDENCE_FIELD, evidence)
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .into()
    }
}

impl utoipa::ToSchema for ReportUpload {
    fn name() -> std::borrow::Cow<'static, str> {
        "NewReportUpload".into()
    }
}

#[utoipa::path(post, path = "/api/v1/reports", tag = "reports",
    request_body(content(
        (ReportInput = "application/json"),
        (ReportUpload = "multipart/form-data")
    )),
    responses(
        (status = 201, description = "Filed; Location names the report", body = FiledJson),
        (status = 200, description = "Updated the same reporter's earlier report on this listing", body = FiledJson),
        (status = 400, description = "A body that cannot be read as JSON or multipart", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body or a file too large", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor multipart", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Field errors: besides what the schema says, the listing URL must be a product page, the seller must be identified (by `seller_url`, `seller_name` or a listing URL that names it) and must be the store the listing is recorded under, the brand needs a letter or digit, the price a known currency, the order date must not be in the future", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Sent by another website's page (its `Origin`, or `Sec-Fetch-Site: cross-site`)", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "This client (IPv4 address or IPv6 /64) has filed as many reports this past hour as it may; nothing was saved", body = Problem, content_type = "application/problem+json",
            headers(("Retry-After" = u64, description = "Seconds until it may file again"))),
    ))]
/// `POST /api/v1/reports`
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    request: Request,
) -> Result<Response, ApiError> {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase();
    let (input, files, conn) = if content_type.starts_with("application/json") {
        // The route allows uploads of many megabytes; a JSON report needs a few kilobytes.
        let body = axum::body::to_bytes(request.into_body(), MAX_JSON_BYTES)
            .await
            .map_err(|_| {
                AppError::PayloadTooLarge(format!(
                    "A JSON report may be at most {}; send evidence as multipart parts.",
                    human_bytes(MAX_JSON_BYTES)
                ))
            })?;
        // Every attempt whose body could be read counts, before anything else is done, on the
        // connection that then runs the report's transaction.
        let mut conn = state.db.acquire().await.map_err(AppError::from)?;
        rate_limit::spend_with(&state, &mut conn, ip, Bucket::Reports).await?;
        let Json(input) = Json::<ReportInput>::from_bytes(&body).map_err(AppError::from)?;
        (input, Vec::new(), Some(conn))
    } else if content_type.starts_with("multipart/form-data") {
        let multipart = Multipart::from_request(request, &state)
            .await
            .map_err(AppError::from)?;
        let (input, files) = read_multipart(&state, multipart, ip).await?;
        (input, files, None)
    } else {
        return Err(AppError::UnsupportedMediaType(format!(
            "Send the report as application/json, or as multipart/form-data with a \"report\" \
             JSON part and \"evidence\" file parts (got {:?}).",
            if content_type.is_empty() {
                "no Content-Type"
            } else {
                &content_type
            }
        ))
        .into());
    };

    let filed = intake::file_report(&state, &input, files, Client { ip }, conn).await?;
    let body = FiledJson::new(&filed, &state.config.public_base());
    let status = StatusCode::CREATED;
    let location = format!("/api/v1/reports/{}", filed.public_id);
    Ok((status, [(header::LOCATION, location)], Json(body)).into_response())
}

/// Reads a multipart report. The attempt counts against the client's limit once the parts
/// before the first file are read; past the limit, the files are skipped unread and the
/// answer is 429.
async fn read_multipart(
    state: &AppState,
    multipart: Multipart,
    ip: Option<IpAddr>,
) -> Result<(ReportInput, Vec<upload::Upload>), AppError> {
    let body = upload::read(
        multipart,
        upload::Limits::from(&*state.config),
        &state.upload_memory,
        async |_| match rate_limit::spend(state, ip, Bucket::Reports).await {
            Ok(()) => Ok(Gate::Open),
            Err(limited @ AppError::RateLimited(_)) => Ok(Gate::Skip(limited)),
            Err(other) => Err(other),
        },
    )
    .await?;
    if let Some(refusal) = body.refused {
        return Err(refusal);
    }
    if body.too_large {
        return Err(AppError::PayloadTooLarge(format!(
            "Each evidence file may be at most {}. {}",
            human_bytes(state.config.max_evidence_bytes),
            body.problems
                .get(upload::EVIDENCE_FIELD)
                .unwrap_or_default()
        )));
    }
    if !body.problems.is_empty() {
        return Err(AppError::Validation(body.problems));
    }
    if let Some((name, _)) = body.text.iter().find(|(name, _)| name != REPORT_PART) {
        return Err(AppError::BadRequest(format!(
            "Unknown part {name:?}: send the report as a \"report\" JSON part and files as \
             \"evidence\" parts."
        )));
    }
    let json = body.get(REPORT_PART).ok_or_else(|| {
        AppError::BadRequest(
            "The multipart body needs a \"report\" part holding the report's JSON.".into(),
        )
    })?;
    // The body was read; what one of its fields holds is a field error, as in the JSON body.
    let input = serde_json::from_str(json).map_err(|e| {
        FieldErrors::single(REPORT_PART, format!("This is not a valid report: {e}"))
    })?;
    Ok((input, body.files))
}

#[utoipa::path(get, path = "/api/v1/reports/{id}", tag = "reports",
    params(("id" = String, Path, description = "The report's public id")),
    responses(
        (status = 200, body = ReportJson),
        (status = 400, description = "A path that is not UTF-8", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "Withdrawn by its reporter (or erased: nothing its reporter gave is kept)", body = Problem, content_type = "application/problem+json"),
    ))]
/// `GET /api/v1/reports/{id}`: the public view, or 410 once the reporter has withdrawn it.
#[tracing::instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, ApiError> {
    let mut conn = state.db.acquire().await?;
    let report = db::reports::find_public(&mut conn, &id)
        .await?
        .ok_or(AppError::ReportNotFound)?;
    if report.erased_at.is_some() {
        return Err(AppError::ReportErased.into());
    }
    if report.status == ReportStatus::Withdrawn {
        return Err(AppError::ReportWithdrawn.into());
    }
    Ok(Json(ReportJson::from(&report)).into_response())
}

/// The query of `DELETE /api/v1/reports/{id}`.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteParams {
    /// `true`: also erase the reporter's data — email, confirmation, fingerprint, order
    /// details, description, product title, evidence files (unless another report holds the
    /// same file), and mails still queued for the address. Cannot be undone; the public API
    /// then answers 410 for the report.
    #[serde(default)]
    erase: bool,
}

#[utoipa::path(delete, path = "/api/v1/reports/{id}", tag = "reports",
    params(("id" = String, Path, description = "The report's public id"), DeleteParams),
    security(("manage_token" = [])),
    responses(
        (status = 204, description = "Withdrawn (and erased, with `erase=true`); doing it again changes nothing"),
        (status = 400, description = "A path that is not UTF-8, or `erase` that is not `true` or `false`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No manage token", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
        (status = 403, description = "Not this report's manage token, or a request sent by another website's page", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
/// `DELETE /api/v1/reports/{id}[?erase=true]` with `Authorization: Bearer <manage_token>`:
/// withdraws it, and with `erase=true` erases its reporter's data too.
#[tracing::instrument(skip_all, fields(erase = params.erase))]
pub async fn withdraw(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    ApiQuery(params): ApiQuery<DeleteParams>,
    token: ManageToken,
) -> Result<StatusCode, ApiError> {
    let mut conn = state.db.acquire().await?;
    let report_id = authorize(&mut conn, &id, token.as_str()).await?;
    if params.erase {
        drop(conn);
        crate::privacy::erase(&state.db, &state.evidence, report_id).await?;
    } else {
        withdraw_report(&mut conn, report_id).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/reports/{id}/evidence/{evidence_id}", tag = "reports",
    params(("id" = String, Path), ("evidence_id" = String, Path)),
    security(("manage_token" = [])),
    responses(
        (status = 200, description = "The file, re-encoded: image/jpeg, image/png, image/webp or application/pdf"),
        (status = 400, description = "A path that is not UTF-8", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No manage token", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
        (status = 403, description = "Not this report's manage token", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
/// `GET /api/v1/reports/{id}/evidence/{evidence_id}` with the manage token.
#[tracing::instrument(skip_all)]
pub async fn evidence(
    State(state): State<AppState>,
    ApiPath((id, evidence_id)): ApiPath<(String, String)>,
    token: ManageToken,
) -> Result<Response, ApiError> {
    let mut conn = state.db.acquire().await?;
    let report_id = authorize(&mut conn, &id, token.as_str()).await?;
    Ok(serve_evidence(&state, &mut conn, report_id, &evidence_id).await?)
}

/// The manage token, from `Authorization: Bearer <manage_token>`. Every refusal is problem
/// details, never the extractor's plain-text rejection: no token (no header, another scheme,
/// nothing after "Bearer") is a 401 asking for one with `WWW-Authenticate: Bearer`; a header
/// that is not text, which no token of ours could be, is a 403 as a wrong token is.
pub struct ManageToken(String);

impl ManageToken {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ManageToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        match bearer::presented(parts, state).await {
            Presented::Token(token) if !token.is_empty() => Ok(ManageToken(token)),
            Presented::Unreadable => Err(AppError::ManageTokenInvalid.into()),
            Presented::Token(_) | Presented::Missing => Err(AppError::ManageTokenMissing.into()),
        }
    }
}
