//! `GET /reports/{id}`: the public page of a report. Right after filing it is also the
//! receipt, showing the private manage link once.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum_extra::extract::CookieJar;
use axum_extra::extract::cookie::{Cookie, SameSite};
use time::Duration;

use super::intake::Filed;
use super::view::{ReportFacts, manage_url};
use crate::db;
use crate::domain::status::ReportStatus;
use crate::error::AppError;
use crate::state::AppState;

/// Carries the manage token across the redirect after filing, for this one report page.
const MANAGE_COOKIE: &str = "fw_manage";

#[derive(Template, WebTemplate)]
#[template(path = "reports/show.html")]
pub struct ReportPage {
    pub report: ReportFacts,
    /// Present only on the receipt, right after filing.
    pub manage_url: Option<String>,
}

/// Keeps the token for the receipt page: short-lived, scoped to the report's path, unreadable
/// by scripts, and removed when the receipt shows it.
pub fn remember_manage_token(jar: CookieJar, filed: &Filed, secure: bool) -> CookieJar {
    let cookie = Cookie::build((MANAGE_COOKIE, filed.manage_token.clone()))
        .path(format!("/reports/{}", filed.public_id))
        .http_only(true)
        .secure(secure)
        .same_site(SameSite::Strict)
        .max_age(Duration::minutes(15))
        .build();
    jar.add(cookie)
}

/// `GET /reports/{id}`
#[tracing::instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let mut conn = state.db.acquire().await?;
    let report = db::reports::find_public(&mut conn, &id)
        .await?
        .ok_or(AppError::ReportNotFound)?;
    let facts = ReportFacts::from(&report);
    let manage = jar
        .get(MANAGE_COOKIE)
        .map(|c| c.value().to_owned())
        .map(|token| manage_url(&state.config.public_base(), &id, &token));
    let jar = jar.remove(Cookie::build(MANAGE_COOKIE).path(format!("/reports/{id}")));
    let status = if facts.status == ReportStatus::Withdrawn && manage.is_none() {
        StatusCode::GONE
    } else {
        StatusCode::OK
    };
    let page = ReportPage {
        report: facts,
        manage_url: manage,
    };
    Ok((status, jar, [("cache-control", "no-store")], page).into_response())
}
