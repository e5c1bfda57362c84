//! `/moderation/replies`: sellers' replies waiting for a moderator, who looks for each reply's
//! code in the store's description and then approves it (it goes public at once, in place of
//! the seller's earlier reply) or rejects it with a reason. The author's contact address is
//! not shown here either.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::Redirect;
use axum::routing::{get, post};
use axum_extra::extract::{Form, WithRejection};
use serde::Deserialize;
use serde_json::json;
use sqlx::PgConnection;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

use super::{ModeratorSession, session};
use crate::db;
use crate::db::audit::Change;
use crate::db::replies::{Locked, PendingReply, ReplyRecord};
use crate::domain::moderation::Action;
use crate::domain::reply::{ReplyRejectReason, ReplyStatus};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::routes::paging::{self, PageQuery, Pager};
use crate::routes::sellers::view::seller_path;
use crate::state::AppState;

const LIST_PATH: &str = "/moderation/replies";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(LIST_PATH, get(list))
        .route("/moderation/replies/{id}/approve", post(approve))
        .route("/moderation/replies/{id}/reject", post(reject))
}

/// A pending reply, with the store and the code side by side.
pub struct PendingItem {
    pub id: String,
    pub seller_name: String,
    pub marketplace_name: &'static str,
    pub seller_path: String,
    pub store_url: Option<String>,
    pub code: String,
    pub statement: String,
    pub received: Moment,
    /// The seller's other replies, newest first.
    pub history: Vec<HistoryItem>,
}

/// One of the seller's other replies.
pub struct HistoryItem {
    pub id: String,
    pub status: &'static str,
    pub status_label: &'static str,
    pub reason_label: Option<&'static str>,
    pub received: Moment,
    pub decided: Option<Moment>,
    pub replaced: Option<Moment>,
    pub statement: String,
}

/// A time as the page shows it (UTC, to the minute) and as `<time datetime>` reads it.
pub struct Moment {
    pub text: String,
    pub iso: String,
}

impl From<OffsetDateTime> for Moment {
    fn from(at: OffsetDateTime) -> Self {
        let utc = at.to_offset(UtcOffset::UTC);
        Moment {
            text: utc
                .format(format_description!(
                    "[year]-[month]-[day] [hour]:[minute] UTC"
                ))
                .unwrap_or_default(),
            iso: utc.format(&Rfc3339).unwrap_or_default(),
        }
    }
}

/// One choice of the reject form's reason.
pub struct ReasonOption {
    pub value: &'static str,
    pub label: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "moderation/replies.html")]
pub struct RepliesPage {
    pub moderator: ModeratorSession,
    pub replies: Vec<PendingItem>,
    pub reasons: Vec<ReasonOption>,
    pub pager: Pager,
    /// This page's path and query, where each form sends the moderator back to.
    pub back: String,
}

/// `GET /moderation/replies?page=N`: pending replies, oldest first, 20 a page.
#[tracing::instrument(skip_all)]
async fn list(
    State(state): State<AppState>,
    moderator: ModeratorSession,
    Query(query): Query<PageQuery>,
) -> Result<RepliesPage, AppError> {
    let page = paging::page_number(query.page.as_deref())?;
    let (limit, offset) = paging::limit_offset(page);
    let mut conn = state.db.acquire().await?;
    let (pending, has_next) =
        paging::split_extra(db::replies::pending(&mut conn, limit, offset).await?);
    let mut seller_ids: Vec<i64> = pending.iter().map(|r| r.seller_id).collect();
    seller_ids.sort_unstable();
    seller_ids.dedup();
    let mut histories: HashMap<i64, Vec<ReplyRecord>> = HashMap::new();
    for record in db::replies::history(&mut conn, &seller_ids).await? {
        histories.entry(record.seller_id).or_default().push(record);
    }
    let replies = pending
        .into_iter()
        .map(|reply| pending_item(reply, &histories))
        .collect();
    let pager = Pager::new(LIST_PATH, page, has_next);
    let back = if page == 1 {
        LIST_PATH.to_owned()
    } else {
        format!("{LIST_PATH}?page={page}")
    };
    Ok(RepliesPage {
        moderator,
        replies,
        reasons: ReplyRejectReason::ALL
            .into_iter()
            .map(|r| ReasonOption {
                value: r.as_str(),
                label: r.label(),
            })
            .collect(),
        pager,
        back,
    })
}

fn pending_item(reply: PendingReply, histories: &HashMap<i64, Vec<ReplyRecord>>) -> PendingItem {
    let history = histories
        .get(&reply.seller_id)
        .into_iter()
        .flatten()
        .filter(|other| other.public_id != reply.public_id)
        .map(|other| HistoryItem {
            id: other.public_id.clone(),
            status: other.status.as_str(),
            status_label: other.status.label(),
            reason_label: other.reject_reason.map(ReplyRejectReason::label),
            received: other.created_at.into(),
            decided: other.decided_at.map(Moment::from),
            replaced: other.replaced_at.map(Moment::from),
            statement: other.statement.clone(),
        })
        .collect();
    PendingItem {
        marketplace_name: reply.marketplace.display_name(),
        seller_path: seller_path(reply.marketplace.as_str(), &reply.seller_key),
        id: reply.public_id,
        seller_name: reply.seller_name,
        store_url: reply.store_url,
        code: reply.code.to_string(),
        statement: reply.statement,
        received: reply.created_at.into(),
        history,
    }
}

/// The approve and reject forms' fields (the guard has checked `csrf_token`).
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    back: Option<String>,
    reason: Option<String>,
}

/// Locks the reply for a decision: [`AppError::ReplyNotFound`] when there is none, a `409`
/// when it is no longer pending.
async fn pending_reply(conn: &mut PgConnection, id: &str) -> Result<Locked, AppError> {
    let reply = db::replies::lock(conn, id)
        .await?
        .ok_or(AppError::ReplyNotFound)?;
    if reply.status != ReplyStatus::Pending {
        return Err(AppError::ReplyAlreadyDecided(reply.status));
    }
    Ok(reply)
}

/// `POST /moderation/replies/{id}/approve`: publishes the reply, in place of the seller's
/// earlier one, and records it in the audit log in the same transaction.
#[tracing::instrument(skip_all)]
async fn approve(
    State(state): State<AppState>,
    moderator: ModeratorSession,
    Path(id): Path<String>,
    WithRejection(Form(form), _): WithRejection<Form<DecisionForm>, AppError>,
) -> Result<Redirect, AppError> {
    let mut tx = state.db.begin().await?;
    let reply = pending_reply(&mut tx, &id).await?;
    let replaced = db::replies::approve(&mut tx, &reply, moderator.moderator_id).await?;
    let change = Change {
        action: Action::ApproveReply,
        subject_id: &id,
        before: json!({ "status": ReplyStatus::Pending.as_str() }),
        after: json!({ "status": ReplyStatus::Approved.as_str(), "replaces": replaced }),
    };
    db::audit::record(&mut tx, Some(moderator.moderator_id), &change).await?;
    tx.commit().await?;
    tracing::info!(reply = %id, "seller's reply approved");
    Ok(session::back_to(form.back.as_deref(), LIST_PATH))
}

/// `POST /moderation/replies/{id}/reject` (field `reason`): the reply is never published.
#[tracing::instrument(skip_all)]
async fn reject(
    State(state): State<AppState>,
    moderator: ModeratorSession,
    Path(id): Path<String>,
    WithRejection(Form(form), _): WithRejection<Form<DecisionForm>, AppError>,
) -> Result<Redirect, AppError> {
    let reason = reject_reason(form.reason.as_deref())?;
    let mut tx = state.db.begin().await?;
    let reply = pending_reply(&mut tx, &id).await?;
    db::replies::reject(&mut tx, &reply, moderator.moderator_id, reason).await?;
    let change = Change {
        action: Action::RejectReply,
        subject_id: &id,
        before: json!({ "status": ReplyStatus::Pending.as_str() }),
        after: json!({ "status": ReplyStatus::Rejected.as_str(), "reason": reason.as_str() }),
    };
    db::audit::record(&mut tx, Some(moderator.moderator_id), &change).await?;
    tx.commit().await?;
    tracing::info!(reply = %id, reason = reason.as_str(), "seller's reply rejected");
    Ok(session::back_to(form.back.as_deref(), LIST_PATH))
}

/// The form's `reason`, or a 422 that lists the reasons there are.
fn reject_reason(raw: Option<&str>) -> Result<ReplyRejectReason, AppError> {
    let known = || {
        ReplyRejectReason::ALL
            .into_iter()
            .map(ReplyRejectReason::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    };
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Err(FieldErrors::single(
            "reason",
            format!(
                "Choose why the reply is rejected (reason: one of {})",
                known()
            ),
        )
        .into()),
        Some(value) => value.parse().map_err(|_| {
            FieldErrors::single(
                "reason",
                format!("Unknown reason \"{value}\"; use one of: {}", known()),
            )
            .into()
        }),
    }
}
