//! A reporter edits their report, and only through its manage link: the edit page and its
//! form, and `PATCH /api/v1/reports/{id}` with the manage token. Filing again never edits
//! anything (knowing an address proves nothing).

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{CookieJar, Form, WithRejection};
use serde::Deserialize;
use time::{Date, OffsetDateTime};

use super::api::ManageToken;
use super::form::ReasonOption;
use super::manage::{authorize, authorize_form, open};
use super::view::{ReportJson, price_of};
use crate::db;
use crate::db::reports::PublicReport;
use crate::domain::report::PriceInput;
use crate::domain::report::edit::{ReportContent, ReportEdit};
use crate::domain::status::ReportStatus;
use crate::domain::validation::FieldErrors;
use crate::error::{ApiError, AppError};
use crate::routes::api::ApiPath;
use crate::routes::csrf;
use crate::state::AppState;

/// The report's current content, as the edit starts from it. The public view has only the
/// month of the order; the day comes from the private facts.
fn content_of(report: &PublicReport, order_date: Option<Date>) -> ReportContent {
    ReportContent {
        product_title: report.product_title.clone(),
        price: price_of(report),
        order_date,
        reasons: report.reasons.clone(),
        description: report.description.clone(),
    }
}

/// Checks the edit against the report as stored and writes it, in one transaction.
async fn save(
    state: &AppState,
    report_id: i64,
    id: &str,
    edit: &ReportEdit,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    let report = db::reports::find_public(&mut tx, id)
        .await?
        .ok_or(AppError::ReportNotFound)?;
    let order_date = db::reports::private_facts(&mut tx, report_id)
        .await?
        .order_date;
    let today = OffsetDateTime::now_utc().date();
    let content = edit.apply(&content_of(&report, order_date), today)?;
    if !db::reports::update_content(&mut tx, report_id, &content).await? {
        return Err(AppError::ReportNotEditable);
    }
    tx.commit().await?;
    Ok(())
}

/// The form's fields as typed, to show them again next to their errors.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EditForm {
    csrf_token: Option<String>,
    token: String,
    product_title: String,
    price: String,
    currency: String,
    order_date: String,
    reasons: Vec<String>,
    description: String,
}

impl EditForm {
    /// The form always sends every field: an empty one clears it.
    fn edit(&self) -> ReportEdit {
        ReportEdit {
            product_title: Some(Some(self.product_title.clone())),
            price: Some(Some(PriceInput {
                amount: self.price.clone(),
                currency: self.currency.clone(),
            })),
            order_date: Some(Some(self.order_date.clone())),
            reasons: Some(self.reasons.clone()),
            description: Some(self.description.clone()),
        }
    }

    fn from_report(report: &PublicReport, order_date: Option<Date>, token: String) -> Self {
        EditForm {
            csrf_token: None,
            token,
            product_title: report.product_title.clone().unwrap_or_default(),
            price: report
                .price_amount
                .map(|a| a.normalize().to_string())
                .unwrap_or_default(),
            currency: report.price_currency.clone().unwrap_or_default(),
            order_date: order_date.map(|d| d.to_string()).unwrap_or_default(),
            reasons: report
                .reasons
                .iter()
                .map(|reason| reason.as_str().to_owned())
                .collect(),
            description: report.description.clone(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/edit.html")]
pub struct EditPage {
    pub id: String,
    pub values: EditForm,
    pub reasons: Vec<ReasonOption>,
    pub errors: FieldErrors,
    pub csrf_token: String,
    pub verified: bool,
}

impl EditPage {
    fn new(id: String, values: EditForm, errors: FieldErrors, csrf_token: String) -> Self {
        let reasons = ReasonOption::all(&values.reasons);
        EditPage {
            id,
            values,
            reasons,
            errors,
            csrf_token,
            verified: false,
        }
    }
}

/// `GET /reports/{id}/manage/{token}/edit`
#[tracing::instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    Path((id, token)): Path<(String, String)>,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let mut conn = state.db.acquire().await?;
    let (report_id, report) = open(&mut conn, &id, &token).await?;
    if !matches!(
        report.status,
        ReportStatus::Unverified | ReportStatus::Verified
    ) {
        return Err(AppError::ReportNotEditable);
    }
    let order_date = db::reports::private_facts(&mut conn, report_id)
        .await?
        .order_date;
    let (jar, csrf_token) = csrf::issue(jar, &state.secret, state.secure_cookies());
    let values = EditForm::from_report(&report, order_date, token);
    let mut page = EditPage::new(id, values, FieldErrors::new(), csrf_token);
    page.verified = report.status == ReportStatus::Verified;
    Ok((jar, [(header::CACHE_CONTROL, "no-store")], page).into_response())
}

/// `POST /reports/{id}/edit`: saves the form, or shows it again with what needs attention.
#[tracing::instrument(skip_all)]
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    jar: CookieJar,
    WithRejection(Form(form), _): WithRejection<Form<EditForm>, AppError>,
) -> Result<Response, AppError> {
    let (conn, report_id) =
        authorize_form(&state, &jar, &id, form.csrf_token.as_deref(), &form.token).await?;
    drop(conn);
    match save(&state, report_id, &id, &form.edit()).await {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{id}/manage/{}", form.token)).into_response()),
        Err(AppError::Validation(errors)) => {
            let (jar, csrf_token) = csrf::issue(jar, &state.secret, state.secure_cookies());
            let page = EditPage::new(id, form, errors, csrf_token);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, jar, page).into_response())
        }
        Err(e) => Err(e),
    }
}

#[utoipa::path(patch, path = "/api/v1/reports/{id}", tag = "reports",
    params(("id" = String, Path, description = "The report's public id")),
    security(("manage_token" = [])),
    request_body(content = ReportEdit, content_type = "application/json"),
    responses(
        (status = 200, description = "The report as edited; unverified again", body = ReportJson),
        (status = 400, description = "A body that is not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 401, description = "No manage token", body = crate::error::Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer`"))),
        (status = 403, description = "Not this report's manage token", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 409, description = "Withdrawn or rejected: not editable", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 413, description = "Body too large", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not JSON", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields that need attention", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
/// `PATCH /api/v1/reports/{id}` with `Authorization: Bearer <manage_token>`: changes the
/// fields given (title, price, order date, reasons, description); `null` clears an optional one.
#[tracing::instrument(skip_all)]
pub async fn patch(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<String>,
    token: ManageToken,
    body: Result<Json<ReportEdit>, axum::extract::rejection::JsonRejection>,
) -> Result<Response, ApiError> {
    let report_id = {
        let mut conn = state.db.acquire().await?;
        authorize(&mut conn, &id, token.as_str()).await?
    };
    let Json(edit) = body.map_err(AppError::from)?;
    save(&state, report_id, &id, &edit).await?;
    let mut conn = state.db.acquire().await?;
    let report = db::reports::find_public(&mut conn, &id)
        .await?
        .ok_or(AppError::ReportNotFound)?;
    Ok(Json(ReportJson::from(&report)).into_response())
}
