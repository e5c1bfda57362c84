//! Confirming a reporter's email address: the link in the confirmation mail opens a page that
//! lists what would be confirmed; only its button (a POST) confirms, so that mail scanners
//! which open links confirm nothing. "This wasn't me" withdraws those reports instead.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::{CookieJar, Form, WithRejection};
use serde::Deserialize;
use sqlx::PgConnection;

use crate::db;
use crate::db::confirmations::{Changed, PendingReport};
use crate::db::privacy::QueuedMail;
use crate::domain::excerpt::first_words;
use crate::error::AppError;
use crate::routes::csrf;
use crate::security::hash_token;
use crate::state::AppState;

/// How many words of each description the page shows: enough to recognise one's own report.
pub const DESCRIPTION_WORDS: usize = 12;

/// One pending report as the page lists it.
pub struct PendingItem {
    pub id: String,
    pub listing_url: String,
    pub marketplace_name: &'static str,
    pub brand: String,
    pub seller: String,
    pub opening: String,
    pub filed: String,
}

impl From<PendingReport> for PendingItem {
    fn from(r: PendingReport) -> Self {
        PendingItem {
            marketplace_name: r.marketplace.display_name(),
            opening: first_words(&r.description, DESCRIPTION_WORDS),
            filed: r.created_at.date().to_string(),
            id: r.public_id,
            listing_url: r.canonical_url,
            brand: r.brand_name,
            seller: r.seller_name,
        }
    }
}

/// What the page says after a button was pressed.
pub enum Done {
    Confirmed(u64),
    Disowned(u64),
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/confirm.html")]
pub struct ConfirmPage {
    pub token: String,
    pub pending: Vec<PendingItem>,
    pub done: Option<Done>,
    pub csrf_token: String,
}

/// The buttons' form: the reports the page listed, so that a report filed after the page was
/// shown is never confirmed unseen.
#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    csrf_token: Option<String>,
    #[serde(default)]
    report: Vec<String>,
}

async fn reporter_key(conn: &mut PgConnection, token: &str) -> Result<Vec<u8>, AppError> {
    db::confirmations::reporter_for_token(conn, &hash_token(token))
        .await?
        .ok_or(AppError::ConfirmationLinkInvalid)
}

async fn render(
    state: &AppState,
    conn: &mut PgConnection,
    jar: CookieJar,
    token: String,
    key: &[u8],
    done: Option<Done>,
) -> Result<Response, AppError> {
    let pending = db::confirmations::pending_reports(conn, key).await?;
    let (jar, csrf_token) = csrf::issue(jar, &state.secret, state.secure_cookies());
    let page = ConfirmPage {
        token,
        pending: pending.into_iter().map(PendingItem::from).collect(),
        done,
        csrf_token,
    };
    // The address holds a secret: keep it out of caches, and out of Referer headers.
    Ok((
        jar,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        page,
    )
        .into_response())
}

/// `GET /confirm/{token}`: what would be confirmed, and the two buttons. Changes nothing.
#[tracing::instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    Path(token): Path<String>,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let mut conn = state.db.acquire().await?;
    let key = reporter_key(&mut conn, &token).await?;
    render(&state, &mut conn, jar, token, &key, None).await
}

/// `POST /confirm/{token}`: confirms the listed reports.
#[tracing::instrument(skip_all)]
pub async fn confirm(
    State(state): State<AppState>,
    Path(token): Path<String>,
    jar: CookieJar,
    WithRejection(Form(form), _): WithRejection<Form<ConfirmForm>, AppError>,
) -> Result<Response, AppError> {
    press(&state, token, jar, &form, Button::Confirm).await
}

/// `POST /confirm/{token}/not-me`: withdraws the listed reports, and erases what they hold:
/// the address's owner says someone else gave it, so it must not stay on them for the
/// retention period, and neither must what that someone uploaded.
#[tracing::instrument(skip_all)]
pub async fn disown(
    State(state): State<AppState>,
    Path(token): Path<String>,
    jar: CookieJar,
    WithRejection(Form(form), _): WithRejection<Form<ConfirmForm>, AppError>,
) -> Result<Response, AppError> {
    press(&state, token, jar, &form, Button::NotMe).await
}

/// The page's two buttons.
#[derive(Debug, Clone, Copy)]
enum Button {
    Confirm,
    NotMe,
}

/// Does what the button says to the listed reports, in one transaction, and shows the page
/// again with what was done.
async fn press(
    state: &AppState,
    token: String,
    jar: CookieJar,
    form: &ConfirmForm,
    button: Button,
) -> Result<Response, AppError> {
    csrf::verify(&jar, &state.secret, form.csrf_token.as_deref())?;
    let mut tx = state.db.begin().await?;
    let key = reporter_key(&mut tx, &token).await?;
    let changed = match button {
        Button::Confirm => db::confirmations::confirm(&mut tx, &key, &form.report).await?,
        Button::NotMe => db::confirmations::disown(&mut tx, &key, &form.report).await?,
    };
    recount_names(&mut tx, &changed).await?;
    let scrubbed =
        db::privacy::scrub(&mut tx, &changed.withdrawn, QueuedMail::KeepWhileHeld).await?;
    tx.commit().await?;
    crate::evidence::delete_unreferenced(&state.db, &state.evidence, &scrubbed.storage_keys).await;
    let done = match button {
        Button::Confirm => {
            tracing::info!(
                reports = changed.reports,
                "reporter confirmed their address"
            );
            Done::Confirmed(changed.reports)
        }
        Button::NotMe => {
            tracing::info!(
                reports = changed.reports,
                "reports disowned by the address owner"
            );
            Done::Disowned(changed.reports)
        }
    };
    let mut conn = state.db.acquire().await?;
    render(state, &mut conn, jar, token, &key, Some(done)).await
}

/// Withdrawn or replaced reports take their seller-name votes with them.
async fn recount_names(conn: &mut PgConnection, changed: &Changed) -> Result<(), AppError> {
    for &seller_id in &changed.sellers {
        db::sellers::refresh_shown_name(conn, seller_id).await?;
    }
    Ok(())
}
