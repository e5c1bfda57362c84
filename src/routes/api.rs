//! What every `/api/` route shares: extractors whose rejections are problem details, and a
//! middleware that makes every other error answer under `/api/` problem details too.

use axum::body::to_bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query, Request};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::error::{ApiError, AppError, PROBLEM_JSON, problem};

/// `Query<T>` for API handlers: a parameter given twice, or one that does not fit `T`, is
/// answered with problem details.
#[derive(Debug, FromRequestParts)]
#[from_request(via(Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

/// `Path<T>` for API handlers: a segment that is not valid UTF-8 once decoded is answered with
/// problem details.
#[derive(Debug, FromRequestParts)]
#[from_request(via(Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

impl From<QueryRejection> for AppError {
    fn from(rejection: QueryRejection) -> Self {
        AppError::BadRequest(rejection.body_text())
    }
}

impl From<PathRejection> for AppError {
    fn from(rejection: PathRejection) -> Self {
        if rejection.status().is_server_error() {
            // A route and its handler disagree about the parameters: our bug, not the client's.
            AppError::internal(rejection.body_text())
        } else {
            AppError::BadRequest(rejection.body_text())
        }
    }
}

/// Error bodies longer than this are not worth quoting as the problem's detail.
const MAX_QUOTED_BYTES: usize = 16 * 1024;

/// Answers made outside the API's handlers — 405 for a method a route does not have, 408 from
/// the request timeout, a rejection from one of axum's own extractors (such as a 413 at the body
/// limit) — come as plain text or with no body at all. Under `/api/` this turns them into
/// problem details, keeping their headers (`Allow`, …) and quoting a plain-text body as the
/// detail. Pages keep their HTML errors.
pub async fn problem_details(request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with("/api/") {
        return next.run(request).await;
    }
    let response = next.run(request).await;
    let status = response.status();
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !(status.is_client_error() || status.is_server_error())
        || content_type.starts_with(PROBLEM_JSON)
    {
        return response;
    }
    let plain_text = content_type.starts_with("text/plain");
    let (parts, body) = response.into_parts();
    let quoted = if plain_text {
        to_bytes(body, MAX_QUOTED_BYTES)
            .await
            .ok()
            .and_then(|bytes| String::from_utf8(bytes.to_vec()).ok())
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty())
    } else {
        None
    };
    let detail = quoted.unwrap_or_else(|| default_detail(status));
    let mut answer = problem(status, detail, &[]);
    for (name, value) in &parts.headers {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            answer.headers_mut().append(name, value.clone());
        }
    }
    answer
}

/// The detail for an answer that came without words.
fn default_detail(status: StatusCode) -> String {
    match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            "This path does not take this method; the Allow header lists the ones it takes.".into()
        }
        StatusCode::REQUEST_TIMEOUT => {
            "The request took longer than the server allows. Please try again.".into()
        }
        StatusCode::PAYLOAD_TOO_LARGE => "The request body is too large.".into(),
        StatusCode::NOT_FOUND => AppError::PageNotFound.to_string(),
        _ => status.canonical_reason().unwrap_or("Error").to_owned(),
    }
}
