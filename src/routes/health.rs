//! `GET /healthz` for load balancers and orchestrators.

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use crate::db;
use crate::state::AppState;

#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The database answers"),
              (status = 503, description = "The database does not answer")))]
/// 200 when the database answers, 503 (with `Retry-After`) when it does not.
pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match db::ping(&state.db).await {
        Ok(()) => (StatusCode::OK, [(header::RETRY_AFTER, "0")], "ok"),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::RETRY_AFTER, "30")],
                "database unavailable",
            )
        }
    }
}
