//! The HTML report form: `GET /reports/new` and `POST /reports`. Works without JavaScript.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{CookieJar, WithRejection};

use super::intake::{self, Client};
use super::receipt;
use super::upload::{self, Gate, MultipartBody, human_bytes};
use crate::domain::rate_limit::Bucket;
use crate::domain::reason::Reason;
use crate::domain::report::{PriceInput, ReportInput};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::routes::ClientAddr;
use crate::routes::{csrf, rate_limit};
use crate::state::AppState;

/// A hidden field people never see; bots that fill every field fill this one too.
const HONEYPOT: &str = "website";

/// One reason checkbox.
pub struct ReasonOption {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

impl ReasonOption {
    /// Every reason as a checkbox, ticked where `checked` names it.
    pub fn all(checked: &[String]) -> Vec<ReasonOption> {
        Reason::ALL
            .into_iter()
            .map(|r| ReasonOption {
                value: r.as_str(),
                label: r.label(),
                checked: checked.iter().any(|v| v == r.as_str()),
            })
            .collect()
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "reports/new.html")]
pub struct NewReportPage {
    pub csrf_token: String,
    pub values: ReportInput,
    pub currency: String,
    pub reasons: Vec<ReasonOption>,
    pub errors: FieldErrors,
    /// Why the submission as a whole was refused, shown above the form.
    pub notice: Option<String>,
    pub max_files: usize,
    pub max_file_size: String,
}

impl NewReportPage {
    fn new(state: &AppState, csrf_token: String, values: ReportInput, errors: FieldErrors) -> Self {
        let currency = values
            .price
            .as_ref()
            .map(|p| p.currency.clone())
            .unwrap_or_default();
        let reasons = ReasonOption::all(&values.reasons);
        NewReportPage {
            csrf_token,
            values,
            currency,
            reasons,
            errors,
            notice: None,
            max_files: state.config.max_evidence_files,
            max_file_size: human_bytes(state.config.max_evidence_bytes),
        }
    }

    /// The value of an optional field, for `value="…"`.
    fn text<'a>(&self, value: &'a Option<String>) -> &'a str {
        value.as_deref().unwrap_or_default()
    }

    fn price_amount(&self) -> &str {
        self.values.price.as_ref().map_or("", |p| p.amount.as_str())
    }
}

/// Links from search results may fill in what is already known.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Prefill {
    listing_url: Option<String>,
    seller_url: Option<String>,
}

/// `GET /reports/new`
pub async fn new(
    State(state): State<AppState>,
    jar: CookieJar,
    Query(prefill): Query<Prefill>,
) -> impl IntoResponse {
    let (jar, token) = csrf::issue(jar, &state.secret, state.secure_cookies());
    let values = ReportInput {
        listing_url: prefill.listing_url.unwrap_or_default(),
        seller_url: prefill.seller_url,
        ..ReportInput::default()
    };
    let page = NewReportPage::new(&state, token, values, FieldErrors::new());
    (jar, page)
}

/// `POST /reports`: files the report and redirects to its receipt, or shows the form again
/// with the user's input and a message next to each field that needs attention.
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    jar: CookieJar,
    ClientAddr(ip): ClientAddr,
    WithRejection(multipart, _): WithRejection<Multipart, AppError>,
) -> Result<Response, AppError> {
    // The token comes first in the form, so a forged submission is refused before any of
    // its files is read. Then the attempt counts against the client's limit; past it, the
    // files are skipped unread and the text is kept to show the form again.
    let mut body = upload::read(
        multipart,
        upload::Limits::from(&*state.config),
        &state.upload_memory,
        async |fields| {
            csrf::verify(&jar, &state.secret, fields.get(csrf::FIELD))?;
            match rate_limit::spend(&state, ip, Bucket::Reports).await {
                Ok(()) => Ok(Gate::Open),
                Err(limited @ AppError::RateLimited(_)) => Ok(Gate::Skip(limited)),
                Err(other) => Err(other),
            }
        },
    )
    .await?;
    let input = input_from_form(&body);
    if let Some(refusal) = body.refused.take() {
        return Ok(show_refused(&state, jar, input, &refusal));
    }

    if body.get(HONEYPOT).is_some_and(|v| !v.is_empty()) {
        let errors = FieldErrors::single(
            HONEYPOT,
            "This submission looks automated. Leave the \"website\" field empty.",
        );
        return Ok(show_again(
            &state,
            jar,
            input,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    }
    if !body.problems.is_empty() {
        let status = if body.too_large {
            StatusCode::PAYLOAD_TOO_LARGE
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        };
        return Ok(show_again(&state, jar, input, body.problems, status));
    }

    match intake::file_report(&state, &input, body.files, Client { ip }, None).await {
        Ok(filed) => {
            let jar = receipt::remember_manage_token(jar, &filed, state.secure_cookies());
            Ok((jar, Redirect::to(&format!("/reports/{}", filed.public_id))).into_response())
        }
        Err(AppError::Validation(errors)) => Ok(show_again(
            &state,
            jar,
            input,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        Err(other) => Err(other),
    }
}

/// The form again, with what was typed, and why the whole submission was refused (a limit):
/// its files were not read, so they must be attached again.
fn show_refused(
    state: &AppState,
    jar: CookieJar,
    input: ReportInput,
    refusal: &AppError,
) -> Response {
    let (jar, token) = csrf::issue(jar, &state.secret, state.secure_cookies());
    let mut page = NewReportPage::new(state, token, input, FieldErrors::new());
    page.notice = Some(format!(
        "{refusal} What you typed is kept below; files are not kept, so attach them again when \
         you send it."
    ));
    let mut response = (refusal.status(), jar, page).into_response();
    refusal.decorate(&mut response);
    response
}

fn show_again(
    state: &AppState,
    jar: CookieJar,
    input: ReportInput,
    errors: FieldErrors,
    status: StatusCode,
) -> Response {
    let (jar, token) = csrf::issue(jar, &state.secret, state.secure_cookies());
    (status, jar, NewReportPage::new(state, token, input, errors)).into_response()
}

/// The form's fields, named as in the JSON API; `price` and `currency` are separate here.
fn input_from_form(body: &MultipartBody) -> ReportInput {
    let text = |name: &str| body.get(name).map(str::to_owned);
    let price = text("price").unwrap_or_default();
    let currency = text("currency").unwrap_or_default();
    ReportInput {
        listing_url: text("listing_url").unwrap_or_default(),
        seller_url: text("seller_url"),
        seller_name: text("seller_name"),
        brand: text("brand").unwrap_or_default(),
        product_title: text("product_title"),
        price: Some(PriceInput {
            amount: price,
            currency,
        }),
        order_date: text("order_date"),
        reasons: body.get_all("reasons"),
        description: text("description").unwrap_or_default(),
        email: text("email"),
    }
}
