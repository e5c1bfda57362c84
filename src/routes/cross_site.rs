//! The refusal of state-changing requests sent by other websites' pages (`domain::cross_site`),
//! as a middleware that answers before any handler or body is read.

use axum::extract::{Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::domain::cross_site::{Sender, is_cross_site, is_state_changing};
use crate::error::{ApiError, AppError};
use crate::state::AppState;

/// Answers `403` (problem details under `/api/`, a page elsewhere) to a POST, PUT, PATCH or
/// DELETE whose `Origin` names another site, or whose `Sec-Fetch-Site` is `cross-site`.
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if is_state_changing(request.method().as_str()) && sent_from_elsewhere(&state, &request) {
        tracing::info!("refused a state-changing request from another site");
        let refusal = AppError::CrossSiteRefused(state.config.public_base());
        return if request.uri().path().starts_with("/api/") {
            ApiError(refusal).into_response()
        } else {
            refusal.into_response()
        };
    }
    next.run(request).await
}

fn sent_from_elsewhere(state: &AppState, request: &Request) -> bool {
    let headers = request.headers();
    let origins: Vec<&str> = headers
        .get_all(header::ORIGIN)
        .iter()
        // An Origin that is not even text is nobody's page of ours.
        .map(|value| value.to_str().unwrap_or("null"))
        .collect();
    let sender = Sender {
        origins: &origins,
        fetch_site: headers
            .get("sec-fetch-site")
            .and_then(|value| value.to_str().ok()),
        host: headers
            .get(header::HOST)
            .and_then(|value| value.to_str().ok())
            .or_else(|| request.uri().authority().map(|a| a.as_str())),
    };
    is_cross_site(&sender, &state.config.public_base())
}
