//! HTTP caching for public pages and API answers: a strong `ETag` from the body, `304` for
//! repeat visits, and a short shared `Cache-Control` so that CDNs can serve bursts.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

/// How long caches may serve a public answer without asking again.
const PUBLIC_MAX_AGE: &str = "public, max-age=60, stale-while-revalidate=300";

/// Answers with `body`, or `304 Not Modified` when the client already has it.
pub fn public(
    request: &HeaderMap,
    content_type: &'static str,
    body: impl Into<Vec<u8>>,
) -> Response {
    let body = body.into();
    let digest = Sha256::digest(&body);
    let etag = format!("\"{}\"", hex::encode(&digest[..12]));
    let matches = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim().trim_start_matches("W/") == etag)
        });
    let headers = [
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static(PUBLIC_MAX_AGE),
        ),
        (
            header::ETAG,
            HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\"")),
        ),
        (header::VARY, HeaderValue::from_static("accept-encoding")),
    ];
    if matches {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (
        headers,
        [(header::CONTENT_TYPE, HeaderValue::from_static(content_type))],
        body,
    )
        .into_response()
}

/// How long caches may keep a redirect from a merged seller's or brand's address: merges are
/// not undone, but an hour bounds what a mistaken one costs.
const MOVED_MAX_AGE: &str = "public, max-age=3600";

/// `301 Moved Permanently` to `location` (a path of ours): where a merged seller's or brand's
/// addresses lead.
pub fn moved_permanently(location: &str) -> Response {
    match HeaderValue::from_str(location) {
        Ok(location) => (
            StatusCode::MOVED_PERMANENTLY,
            [
                (header::LOCATION, location),
                (
                    header::CACHE_CONTROL,
                    HeaderValue::from_static(MOVED_MAX_AGE),
                ),
            ],
        )
            .into_response(),
        // Paths of ours are percent-encoded ASCII; anything else is a bug, not a redirect.
        Err(_) => {
            crate::error::AppError::internal("a redirect to a path that is not a header value")
                .into_response()
        }
    }
}

pub const HTML: &str = "text/html; charset=utf-8";
pub const JSON: &str = "application/json";
pub const ATOM: &str = "application/atom+xml; charset=utf-8";
