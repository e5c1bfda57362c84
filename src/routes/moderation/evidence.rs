//! Evidence files for moderators: `GET /moderation/evidence/{id}` serves any file, hidden or
//! not, through the server (the guard lets only a moderator session in; nothing else links to
//! it), and `POST /moderation/evidence/{id}/hide` and `/show` take one file out of brand
//! owners' exports, signed links and public counts, or put it back. Its reporter still sees it.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::{Form, WithRejection};
use serde::Deserialize;
use serde_json::json;
use sqlx::Acquire;

use super::ModeratorSession;
use super::session::back_to;
use crate::db;
use crate::db::audit::Change;
use crate::domain::moderation::Action;
use crate::domain::moderation::decision::change_visibility;
use crate::error::AppError;
use crate::routes::reports::manage::send_evidence;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/moderation/evidence/{id}", get(show_file))
        .route("/moderation/evidence/{id}/hide", post(hide))
        .route("/moderation/evidence/{id}/show", post(show))
}

/// `GET /moderation/evidence/{id}`: the file's bytes, with the headers every evidence download
/// gets (its own type, no sniffing, sandboxed, not stored by caches).
#[tracing::instrument(skip_all)]
async fn show_file(
    State(state): State<AppState>,
    _moderator: ModeratorSession,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let mut conn = state.db.acquire().await?;
    let row = db::evidence::find_any(&mut conn, &id)
        .await?
        .ok_or(AppError::EvidenceNotFound)?;
    drop(conn);
    send_evidence(&state, &row).await
}

#[derive(Debug, Deserialize)]
pub struct VisibilityForm {
    back: Option<String>,
}

/// `POST /moderation/evidence/{id}/hide`
#[tracing::instrument(skip_all, fields(moderator_id = moderator.moderator_id))]
async fn hide(
    State(state): State<AppState>,
    moderator: ModeratorSession,
    Path(id): Path<String>,
    WithRejection(Form(form), _): WithRejection<Form<VisibilityForm>, AppError>,
) -> Result<Redirect, AppError> {
    set_visibility(&state, &moderator, &id, true).await?;
    Ok(back_to(form.back.as_deref(), "/moderation"))
}

/// `POST /moderation/evidence/{id}/show`
#[tracing::instrument(skip_all, fields(moderator_id = moderator.moderator_id))]
async fn show(
    State(state): State<AppState>,
    moderator: ModeratorSession,
    Path(id): Path<String>,
    WithRejection(Form(form), _): WithRejection<Form<VisibilityForm>, AppError>,
) -> Result<Redirect, AppError> {
    set_visibility(&state, &moderator, &id, false).await?;
    Ok(back_to(form.back.as_deref(), "/moderation"))
}

/// Hides (`hide`) or shows file `public_id` in one transaction with its audit row.
async fn set_visibility(
    state: &AppState,
    moderator: &ModeratorSession,
    public_id: &str,
    hide: bool,
) -> Result<(), AppError> {
    let mut conn = state.db.acquire().await?;
    let mut tx = conn.begin().await?;
    let file = db::moderation::lock_evidence(&mut tx, public_id)
        .await?
        .ok_or(AppError::EvidenceNotFound)?;
    change_visibility(file.hidden, hide)
        .map_err(|refused| AppError::ModerationConflict(refused.0))?;
    db::moderation::set_hidden(&mut tx, file.evidence_id, hide, moderator.moderator_id).await?;
    let action = if hide {
        Action::HideEvidence
    } else {
        Action::ShowEvidence
    };
    db::audit::record(
        &mut tx,
        Some(moderator.moderator_id),
        &Change {
            action,
            subject_id: public_id,
            before: json!({ "hidden": file.hidden, "report": file.report_public_id }),
            after: json!({ "hidden": hide, "report": file.report_public_id }),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(action = action.as_str(), "evidence visibility changed");
    Ok(())
}
