//! `GET /healthz` for load balancers and orchestrators.

use std::time::Duration;

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;

use crate::db;
use crate::db::replica::Replay;
use crate::state::AppState;

/// How long `/healthz` waits for each database (asked at once).
const PING_TIMEOUT: Duration = Duration::from_secs(2);

#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "The database answers. With a replica configured \
                (`FAKEWATCH_DATABASE_REPLICA_URL`), a second line says how far it is behind, \
                or that it does not answer"),
              (status = 503, description = "The database does not answer")))]
/// 200 when the primary answers, 503 (with `Retry-After`) when it does not. The replica's
/// state is reported in the body but does not change the status: every instance shares the
/// replica, so taking them all out of the load balancer would stop intake too, which the
/// primary can still serve.
pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    // Both at once, within the `healthcheck` command's 3 s, even when a pool is busy for
    // longer.
    let (primary, replica) = tokio::join!(
        tokio::time::timeout(PING_TIMEOUT, db::ping(&state.db)),
        replica_line(&state)
    );
    match primary {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: database unavailable");
            return unavailable();
        }
        Err(_) => {
            tracing::warn!("health check: no database connection within {PING_TIMEOUT:?}");
            return unavailable();
        }
    }
    let body = match replica {
        None => "ok".to_owned(),
        Some(line) => format!("ok\nreplica: {line}"),
    };
    (StatusCode::OK, [(header::RETRY_AFTER, "0")], body)
}

fn unavailable() -> (StatusCode, [(header::HeaderName, &'static str); 1], String) {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(header::RETRY_AFTER, "30")],
        "database unavailable".to_owned(),
    )
}

/// The replica's state in words (none without a replica), logged as a warning when it does
/// not answer.
async fn replica_line(state: &AppState) -> Option<String> {
    state.config.database_replica_url.as_ref()?;
    let replay = tokio::time::timeout(PING_TIMEOUT, async {
        let mut conn = state.public_reads.acquire().await?;
        db::replica::replay(&mut conn).await
    })
    .await;
    Some(match replay {
        Ok(Ok(Replay::Behind(seconds))) => format!("{seconds:.1} s behind"),
        Ok(Ok(Replay::NotAStandby)) => "not a standby (a primary answers)".to_owned(),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "health check: replica unavailable");
            "unavailable: public pages answer 503".to_owned()
        }
        Err(_) => {
            tracing::warn!("health check: no replica connection within {PING_TIMEOUT:?}");
            "unavailable: public pages answer 503".to_owned()
        }
    })
}
