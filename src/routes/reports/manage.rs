//! The reporter's private pages, opened by the manage token: see the report with its
//! evidence, download the files, withdraw the report or erase its data.

use askama::Template;
use askama_web::WebTemplate;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{CookieJar, WithRejection};
use serde::Deserialize;
use sqlx::pool::PoolConnection;
use sqlx::{Connection, Postgres};

use super::view::{EvidenceJson, ReportFacts};
use crate::db;
use crate::db::evidence::EvidenceRow;
use crate::db::reports::{Access, PublicReport};
use crate::domain::media_type::MediaType;
use crate::domain::status::ReportStatus;
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::routes::csrf;
use crate::security::hash_token;
use crate::state::AppState;

#[derive(Template, WebTemplate)]
#[template(path = "reports/manage.html")]
pub struct ManagePage {
    pub report: ReportFacts,
    pub token: String,
    pub email: Option<String>,
    /// The exact day of the order, `YYYY-MM-DD`: only the reporter sees it.
    pub order_date: Option<String>,
    pub evidence: Vec<ManagedEvidence>,
    pub csrf_token: String,
}

/// One of the reporter's files, and whether a moderator hid it.
pub struct ManagedEvidence {
    pub file: EvidenceJson,
    /// A PDF is linked; photos are shown.
    pub pdf: bool,
    pub hidden: bool,
}

/// Opens the report for its reporter, or says why not.
pub async fn authorize(
    conn: &mut sqlx::PgConnection,
    public_id: &str,
    token: &str,
) -> Result<i64, AppError> {
    match db::reports::authorize(conn, public_id, &hash_token(token)).await? {
        Access::Granted { report_id } => Ok(report_id),
        Access::WrongToken => Err(AppError::ManageTokenInvalid),
        Access::NoSuchReport => Err(AppError::ReportNotFound),
    }
}

/// Opens the report for a form its reporter posted: checks that one of our pages sent the
/// form, then the manage token it carries. Returns the connection that checked it (posts that
/// write go on with it) and the report's internal id.
pub async fn authorize_form(
    state: &AppState,
    jar: &CookieJar,
    public_id: &str,
    csrf_token: Option<&str>,
    token: &str,
) -> Result<(PoolConnection<Postgres>, i64), AppError> {
    csrf::verify(jar, &state.secret, csrf_token)?;
    let mut conn = state.db.acquire().await?;
    let report_id = authorize(&mut conn, public_id, token).await?;
    Ok((conn, report_id))
}

/// Opens the report for its reporter: its internal id and its public view.
pub async fn open(
    conn: &mut sqlx::PgConnection,
    public_id: &str,
    token: &str,
) -> Result<(i64, PublicReport), AppError> {
    let report_id = authorize(conn, public_id, token).await?;
    let report = db::reports::find_public(conn, public_id)
        .await?
        .ok_or(AppError::ReportNotFound)?;
    Ok((report_id, report))
}

/// Withdraws the report and, in the same transaction, recounts the name its seller is shown
/// under: a spelling only withdrawn reports gave is shown nowhere.
pub async fn withdraw_report(
    conn: &mut sqlx::PgConnection,
    report_id: i64,
) -> Result<(), AppError> {
    let mut tx = conn.begin().await?;
    if let Some(seller_id) = db::reports::withdraw(&mut tx, report_id).await? {
        db::sellers::refresh_shown_name(&mut tx, seller_id).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// `GET /reports/{id}/manage/{token}`
#[tracing::instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    Path((id, token)): Path<(String, String)>,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let mut conn = state.db.acquire().await?;
    let (report_id, report) = open(&mut conn, &id, &token).await?;
    let evidence = db::evidence::list_for_report(&mut conn, report_id).await?;
    let private = db::reports::private_facts(&mut conn, report_id).await?;
    let (jar, csrf_token) = csrf::issue(jar, &state.secret, state.secure_cookies());
    let page = ManagePage {
        report: ReportFacts::from(&report),
        token,
        email: private.reporter_email,
        order_date: private.order_date.map(|d| d.to_string()),
        evidence: evidence
            .iter()
            .map(|row| ManagedEvidence {
                file: EvidenceJson::from(row),
                pdf: row.media_type == MediaType::Pdf,
                hidden: row.hidden_at.is_some(),
            })
            .collect(),
        csrf_token,
    };
    // The page holds a secret link: keep it out of shared caches and history snapshots.
    Ok((jar, [(header::CACHE_CONTROL, "no-store")], page).into_response())
}

#[derive(Debug, Deserialize)]
pub struct WithdrawForm {
    csrf_token: Option<String>,
    token: String,
}

/// `POST /reports/{id}/withdraw`
#[tracing::instrument(skip_all)]
pub async fn withdraw(
    State(state): State<AppState>,
    Path(id): Path<String>,
    jar: CookieJar,
    WithRejection(Form(form), _): WithRejection<Form<WithdrawForm>, AppError>,
) -> Result<Response, AppError> {
    let (mut conn, report_id) =
        authorize_form(&state, &jar, &id, form.csrf_token.as_deref(), &form.token).await?;
    withdraw_report(&mut conn, report_id).await?;
    Ok(Redirect::to(&format!("/reports/{id}/manage/{}", form.token)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct EraseForm {
    csrf_token: Option<String>,
    token: String,
    /// The box saying the reporter understands that this cannot be undone.
    confirm: Option<String>,
}

/// `POST /reports/{id}/erase`: withdraws the report and erases what its reporter gave, then
/// shows the manage page, which says so.
#[tracing::instrument(skip_all)]
pub async fn erase(
    State(state): State<AppState>,
    Path(id): Path<String>,
    jar: CookieJar,
    WithRejection(Form(form), _): WithRejection<Form<EraseForm>, AppError>,
) -> Result<Response, AppError> {
    let (conn, report_id) =
        authorize_form(&state, &jar, &id, form.csrf_token.as_deref(), &form.token).await?;
    drop(conn);
    if form.confirm.is_none() {
        return Err(FieldErrors::single(
            "confirm",
            "Nothing was erased: tick the box to confirm that your data should be deleted for \
             good, then press the button again.",
        )
        .into());
    }
    crate::privacy::erase(&state.db, &state.evidence, report_id).await?;
    Ok(Redirect::to(&format!("/reports/{id}/manage/{}", form.token)).into_response())
}

/// `GET /reports/{id}/manage/{token}/evidence/{evidence_id}`
#[tracing::instrument(skip_all)]
pub async fn evidence(
    State(state): State<AppState>,
    Path((id, token, evidence_id)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    let mut conn = state.db.acquire().await?;
    let report_id = authorize(&mut conn, &id, &token).await?;
    serve_evidence(&state, &mut conn, report_id, &evidence_id).await
}

/// Sends one evidence file with headers that stop browsers from treating it as anything but
/// the type we re-encoded it to.
pub async fn serve_evidence(
    state: &AppState,
    conn: &mut sqlx::PgConnection,
    report_id: i64,
    evidence_id: &str,
) -> Result<Response, AppError> {
    let row: EvidenceRow = db::evidence::find_for_report(conn, report_id, evidence_id)
        .await?
        .ok_or(AppError::EvidenceNotFound)?;
    send_evidence(state, &row).await
}

/// The stored bytes of one evidence file, as an attachment-safe response.
pub async fn send_evidence(state: &AppState, row: &EvidenceRow) -> Result<Response, AppError> {
    let bytes = state
        .evidence
        .get(&row.storage_key)
        .await
        .map_err(AppError::internal)?;
    let disposition = match row.media_type {
        MediaType::Pdf => "attachment",
        MediaType::Jpeg | MediaType::Png | MediaType::Webp => "inline",
    };
    Ok((
        [
            (header::CONTENT_TYPE, row.media_type.mime().to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "{disposition}; filename=\"evidence-{}.{}\"",
                    row.public_id,
                    row.media_type.extension()
                ),
            ),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}
