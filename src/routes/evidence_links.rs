//! Signed, expiring links to evidence files, handed out in takedown exports so that a brand's
//! team can attach the files to complaints without sharing its API token.

use axum::extract::{Path, Query, State};
use axum::response::Response;
use serde::Deserialize;
use time::OffsetDateTime;

use super::reports::manage::send_evidence;
use crate::db;
use crate::error::AppError;
use crate::state::AppState;

/// A link to evidence file `id` valid until `now` plus the configured lifetime.
pub fn signed_url(state: &AppState, base: &str, id: &str, now: OffsetDateTime) -> String {
    let hours = i64::try_from(state.config.evidence_link_hours).unwrap_or(i64::MAX / 7200);
    let expires = now
        .unix_timestamp()
        .saturating_add(hours.saturating_mul(3600));
    let signature = state.secret.sign_evidence_link(id, expires);
    format!("{base}/evidence/{id}?expires={expires}&sig={signature}")
}

#[derive(Debug, Deserialize)]
pub struct LinkParams {
    expires: Option<String>,
    sig: Option<String>,
}

/// `GET /evidence/{id}?expires=…&sig=…`: the file, if the signature is ours and still valid.
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(params): Query<LinkParams>,
) -> Result<Response, AppError> {
    let expires = params
        .expires
        .as_deref()
        .and_then(|e| e.parse::<i64>().ok())
        .ok_or(AppError::EvidenceLinkInvalid)?;
    let signature = params.sig.as_deref().ok_or(AppError::EvidenceLinkInvalid)?;
    // The signature first: a tampered expiry must not be told apart from a wrong one.
    if !state.secret.verify_evidence_link(&id, expires, signature) {
        return Err(AppError::EvidenceLinkInvalid);
    }
    if OffsetDateTime::now_utc().unix_timestamp() > expires {
        return Err(AppError::EvidenceLinkExpired);
    }
    let mut conn = state.db.acquire().await?;
    let row = db::evidence::find_live(&mut conn, &id)
        .await?
        .ok_or(AppError::EvidenceNotFound)?;
    drop(conn);
    send_evidence(&state, &row).await
}
