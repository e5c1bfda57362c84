//! `GET /healthz` for load balancers and orchestrators.

use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use crate::db;
use crate::state::AppState;

/// How long `/healthz` waits for the database.
const PING_TIMEOUT: Duration = Duration::from_secs(2);

#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The database answers"),
              (status = 503, description = "The database does not answer")))]
/// 200 when the database answers, 503 (with `Retry-After`) when it does not.
pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    // Answer within the `healthcheck` command's 3 s, even when the pool is busy for longer.
    let ping = tokio::time::timeout(PING_TIMEOUT, db::ping(&state.db)).await;
    match ping {
        Ok(Ok(())) => (StatusCode::OK, [(header::RETRY_AFTER, "0")], "ok"),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "30")],
                "database unavailable",
            )
        }
        Err(_) => {
            tracing::warn!("health check: no database connection within {PING_TIMEOUT:?}");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "30")],
                "database unavailable",
            )
        }
    }
}
