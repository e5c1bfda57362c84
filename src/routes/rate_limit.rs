//! Spending a client's allowance of a limit (`domain::rate_limit`): one statement per request.

use std::net::IpAddr;

use sqlx::PgConnection;

use crate::db;
use crate::domain::client::ClientNet;
use crate::domain::rate_limit::{Bucket, RateLimited, Verdict, judge};
use crate::error::AppError;
use crate::state::AppState;

/// MAC purpose of the client keys in `rate_limit`: unlinkable to reporter fingerprints.
const CLIENT_KEY: &str = "rate-limit-client";

/// Counts one request of `client` against `bucket`'s limit, and refuses it past the limit with
/// [`AppError::RateLimited`]. A request with no known address (served without connect info)
/// counts against one shared client. With the limit at 0, nothing is counted.
pub async fn spend(
    state: &AppState,
    client: Option<IpAddr>,
    bucket: Bucket,
) -> Result<(), AppError> {
    if state.config.rate_limit(bucket) == 0 {
        return Ok(());
    }
    let mut conn = state.db.acquire().await?;
    spend_with(state, &mut conn, client, bucket).await
}

/// [`spend`] on a connection the caller holds and goes on using: a request that then runs a
/// transaction spends one round trip on its limit, not a second trip to the pool (which pings
/// the connection it hands out).
pub async fn spend_with(
    state: &AppState,
    conn: &mut PgConnection,
    client: Option<IpAddr>,
    bucket: Bucket,
) -> Result<(), AppError> {
    let limit = state.config.rate_limit(bucket);
    if limit == 0 {
        return Ok(());
    }
    spend_key(state, conn, bucket, &client_key(state, client)).await
}

/// The key a client's counters are kept under: a MAC of its network, never the address.
pub fn client_key(state: &AppState, client: Option<IpAddr>) -> [u8; 32] {
    let network = client
        .map(|ip| ClientNet::of(ip).to_string())
        .unwrap_or_default();
    state.secret.mac(CLIENT_KEY, network.as_bytes())
}

/// Counts an attempt under `key` in `bucket` and refuses it past the limit, like [`spend`]
/// for keys other than the client's network (a moderator account's failed sign-ins).
/// Counting first, in the same statement that reads the counters, means that attempts sent
/// all at once are each judged with the others counted.
pub async fn spend_key(
    state: &AppState,
    conn: &mut PgConnection,
    bucket: Bucket,
    key: &[u8],
) -> Result<(), AppError> {
    let limit = state.config.rate_limit(bucket);
    if limit == 0 {
        return Ok(());
    }
    let hits = db::rate_limits::hit(conn, bucket, key).await?;
    verdict(bucket, limit, hits)
}

/// Takes back an attempt [`spend_key`] counted, for limits that count only failures (a
/// sign-in that succeeded).
pub async fn refund(
    state: &AppState,
    conn: &mut PgConnection,
    bucket: Bucket,
    key: &[u8],
) -> Result<(), AppError> {
    if state.config.rate_limit(bucket) != 0 {
        db::rate_limits::refund(conn, bucket, key).await?;
    }
    Ok(())
}

fn verdict(
    bucket: Bucket,
    limit: u32,
    hits: crate::domain::rate_limit::Hits,
) -> Result<(), AppError> {
    match judge(bucket, limit, hits) {
        Verdict::Allowed => Ok(()),
        Verdict::Refused { retry_after } => {
            // No address in the log: the bucket and the wait say enough.
            tracing::info!(
                bucket = bucket.as_str(),
                retry_after,
                "client over its limit"
            );
            Err(AppError::RateLimited(RateLimited {
                bucket,
                limit,
                retry_after,
            }))
        }
    }
}
