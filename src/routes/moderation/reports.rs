//! Verifying and rejecting reports: `POST /moderation/reports/{id}/verify` and
//! `POST /moderation/reports/{id}/reject` (field `reason`). Each runs one transaction: the
//! status, the recount of the seller's shown name (a rejected report's spelling no longer
//! votes), and the audit row; then `303` back to where the moderator was.

use axum::Router;
use axum::extract::{Path, State};
use axum::response::Redirect;
use axum::routing::post;
use axum_extra::extract::{Form, WithRejection};
use serde::Deserialize;
use serde_json::json;
use sqlx::Acquire;

use super::ModeratorSession;
use super::session::back_to;
use crate::db;
use crate::db::audit::Change;
use crate::domain::moderation::decision::{self, Decision, Standing};
use crate::domain::moderation::{Action, RejectReason};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/moderation/reports/{id}/verify", post(verify))
        .route("/moderation/reports/{id}/reject", post(reject))
}

#[derive(Debug, Deserialize)]
pub struct VerifyForm {
    back: Option<String>,
    /// The version of the report the moderator's page showed ([`version`]).
    seen: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RejectForm {
    reason: Option<String>,
    back: Option<String>,
    seen: Option<String>,
}

/// `POST /moderation/reports/{id}/verify`
#[tracing::instrument(skip_all, fields(moderator_id = moderator.moderator_id))]
async fn verify(
    State(state): State<AppState>,
    moderator: ModeratorSession,
    Path(id): Path<String>,
    WithRejection(Form(form), _): WithRejection<Form<VerifyForm>, AppError>,
) -> Result<Redirect, AppError> {
    apply(
        &state,
        &moderator,
        &id,
        form.seen.as_deref(),
        Decision::Verify,
    )
    .await?;
    Ok(back_to(form.back.as_deref(), "/moderation"))
}

/// `POST /moderation/reports/{id}/reject`
#[tracing::instrument(skip_all, fields(moderator_id = moderator.moderator_id))]
async fn reject(
    State(state): State<AppState>,
    moderator: ModeratorSession,
    Path(id): Path<String>,
    WithRejection(Form(form), _): WithRejection<Form<RejectForm>, AppError>,
) -> Result<Redirect, AppError> {
    let reason = reject_reason(form.reason.as_deref())?;
    apply(
        &state,
        &moderator,
        &id,
        form.seen.as_deref(),
        Decision::Reject(reason),
    )
    .await?;
    Ok(back_to(form.back.as_deref(), "/moderation"))
}

/// The submitted `reason`, or a field error that lists the reasons there are.
fn reject_reason(raw: Option<&str>) -> Result<RejectReason, AppError> {
    let choices: Vec<String> = RejectReason::ALL
        .iter()
        .map(|r| format!("{} ({})", r.as_str(), r.label()))
        .collect();
    let message = |start: &str| {
        FieldErrors::single(
            "reason",
            format!(
                "{start} Choose one of: {}. Nothing was changed.",
                choices.join(", ")
            ),
        )
    };
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Err(message("Say why the report is rejected.").into()),
        Some(text) => text.parse().map_err(|_| {
            message("This is not one of the reasons a report can be rejected for.").into()
        }),
    }
}

/// The version of a report a moderator decides on: when it last changed, to the microsecond.
/// A decision sent with another version is refused, so that nobody verifies text that its
/// reporter edited, or a decision another moderator made, after their page was shown.
pub fn version(updated_at: time::OffsetDateTime) -> String {
    (updated_at.unix_timestamp_nanos() / 1000).to_string()
}

/// Makes `decision` on report `public_id` in one transaction, with its audit row; `seen`, when
/// the form sent it, must be the report's current [`version`].
async fn apply(
    state: &AppState,
    moderator: &ModeratorSession,
    public_id: &str,
    seen: Option<&str>,
    decision: Decision,
) -> Result<(), AppError> {
    let mut conn = state.db.acquire().await?;
    let mut tx = conn.begin().await?;
    let report = db::moderation::lock_report(&mut tx, public_id)
        .await?
        .ok_or(AppError::ReportNotFound)?;
    if seen.is_some_and(|seen| seen != version(report.updated_at)) {
        return Err(AppError::ModerationConflict(
            "The report changed after your page showed it: its reporter edited it, or another              moderator decided on it. Nothing was changed; look at it again."
                .into(),
        ));
    }
    let before = report.standing();
    let after = decision::decide(before, decision)
        .map_err(|refused| AppError::ModerationConflict(refused.0))?;
    if let Err(err) =
        db::moderation::decide(&mut tx, report.report_id, after, moderator.moderator_id).await
    {
        return Err(live_again_conflict(err));
    }
    db::sellers::refresh_shown_name(&mut tx, report.seller_id).await?;
    let action = match decision {
        Decision::Verify => Action::VerifyReport,
        Decision::Reject(_) => Action::RejectReport,
    };
    db::audit::record(
        &mut tx,
        Some(moderator.moderator_id),
        &Change {
            action,
            subject_id: public_id,
            before: standing_json(before),
            after: standing_json(after),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(action = action.as_str(), "report moderated");
    Ok(())
}

/// Verifying a rejected report makes it live again, which its reporter's newer confirmed report
/// on the same listing forbids (one live confirmed report per reporter and listing).
fn live_again_conflict(err: sqlx::Error) -> AppError {
    let unique = match &err {
        sqlx::Error::Database(db) => {
            db.constraint() == Some("report_confirmed_reporter_listing_unique")
        }
        _ => false,
    };
    if unique {
        AppError::ModerationConflict(
            "Its reporter has filed a newer report on the same listing since, which counts \
             instead of this one: moderate that one. Nothing was changed."
                .into(),
        )
    } else {
        err.into()
    }
}

/// What the audit row keeps of a report's standing.
fn standing_json(standing: Standing) -> serde_json::Value {
    json!({
        "status": standing.status.as_str(),
        "reason": standing.reason.map(RejectReason::as_str),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_are_read_and_missing_or_unknown_ones_name_the_field() {
        assert_eq!(reject_reason(Some("spam")).ok(), Some(RejectReason::Spam));
        assert_eq!(
            reject_reason(Some(" duplicate ")).ok(),
            Some(RejectReason::Duplicate)
        );
        for bad in [None, Some(""), Some("because"), Some("SPAM")] {
            match reject_reason(bad) {
                Err(AppError::Validation(errors)) => {
                    let message = errors.get("reason").expect("names the field");
                    assert!(message.contains("insufficient_evidence"), "{message}");
                }
                other => panic!("{bad:?}: {other:?}"),
            }
        }
    }
}
