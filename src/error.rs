//! One error type for the whole service, answered as an HTML page or, through [`ApiError`],
//! as RFC 9457 problem details.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::domain::rate_limit::RateLimited;
use crate::domain::reply::ReplyStatus;
use crate::domain::validation::{FieldError, FieldErrors};
use crate::templates::ErrorPage;

/// Everything a request can fail with. User errors carry a message a person can act on;
/// internal ones are logged with their cause and answered with a generic message.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("Some fields need attention")]
    Validation(FieldErrors),
    #[error("The form expired or did not come from this site. Reload the page and try again.")]
    CsrfRejected,
    #[error("Only an admin can do this.")]
    AdminOnly,
    #[error(
        "This seller is known only by the name buyers typed, not by a store on the \
         marketplace, so a moderator could not check that a reply comes from its owner. Once a \
         report links the seller's store, its page offers a reply."
    )]
    ReplyNeedsStore,
    #[error("No report with this id exists.")]
    ReportNotFound,
    #[error("This report was withdrawn by its reporter.")]
    ReportWithdrawn,
    #[error("This report was withdrawn and its reporter's data erased.")]
    ReportErased,
    #[error("Nobody has reported this seller on Fakewatch yet.")]
    SellerNotFound,
    #[error("Nobody has reported this brand on Fakewatch yet.")]
    BrandNotFound,
    #[error("No evidence file with this id belongs to this report.")]
    EvidenceNotFound,
    #[error("There is no page at this address.")]
    PageNotFound,
    #[error("No seller's reply with this id exists.")]
    ReplyNotFound,
    /// A moderator decided on a reply that is no longer pending (another moderator was first,
    /// or the form was sent twice).
    #[error(
        "This reply was already decided on: it is {0} now. Nothing was changed; reload the \
         list of replies to see what is still waiting."
    )]
    ReplyAlreadyDecided(ReplyStatus),
    #[error("This request needs the report's manage token: Authorization: Bearer <token>.")]
    ManageTokenMissing,
    #[error("This manage link or token is not valid for this report.")]
    ManageTokenInvalid,
    #[error(
        "This confirmation link is not valid: it has expired (links work for 7 days) or was \
         mistyped. File again, or use a newer mail from us, to get a fresh link."
    )]
    ConfirmationLinkInvalid,
    #[error(
        "This report can no longer be edited: it was withdrawn, or a moderator rejected it. \
         File a new report instead."
    )]
    ReportNotEditable,
    /// A moderator's decision that the report's or file's state does not allow (verifying a
    /// withdrawn report, hiding a hidden file); the message says why.
    #[error("{0}")]
    ModerationConflict(String),
    #[error("This request needs an API token: Authorization: Bearer <token>.")]
    ApiTokenMissing,
    #[error("This API token is not valid: it is mistyped, revoked or unknown.")]
    ApiTokenInvalid,
    #[error(
        "This token does not cover brand {0:?}. The brands it covers: GET /api/v1/rights-holder."
    )]
    BrandNotInScope(String),
    #[error("This evidence link is not valid. Ask for a new export to get fresh links.")]
    EvidenceLinkInvalid,
    #[error("This evidence link has expired. Ask for a new export to get fresh links.")]
    EvidenceLinkExpired,
    #[error("{0}")]
    NotAcceptable(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("The database is not reachable right now. Please try again in a minute.")]
    DatabaseUnavailable(#[source] sqlx::Error),
    #[error("As many exports as the server allows are running. Please try again in a minute.")]
    TooManyExports,
    #[error(
        "This token's organisation already runs {0} exports at once, the most allowed. Wait \
         for one to finish, then try again."
    )]
    TooManyExportsForHolder(usize),
    #[error(
        "This list took longer than one export may take ({0} s) before its first row. Narrow \
         it with filters (marketplace, reported_after) or try again later."
    )]
    ExportTooLong(u64),
    #[error("The database took too long to answer this request. Please try again in a minute.")]
    QueryTimedOut(#[source] sqlx::Error),
    /// The database cancelled the statement for another's sake: a deadlock between writers, or
    /// on a read replica, a conflict with the changes it was replaying. Nothing was changed.
    #[error(
        "The database had to cancel this request because of other changes at the same time; \
         nothing was changed. Please try again."
    )]
    Contended(#[source] sqlx::Error),
    #[error("Too many searches are running right now. Please try again in a few seconds.")]
    SearchesBusy,
    #[error(
        "The server is receiving as many uploads as it can hold right now. Nothing was saved; \
         please send the report again in a minute."
    )]
    UploadsBusy,
    #[error(
        "The server is checking as many sign-ins as it can right now. Please try again in a few seconds."
    )]
    SignInsBusy,
    /// Past a limit per client (`domain::rate_limit`); the message says how long to wait.
    #[error("{0}")]
    RateLimited(RateLimited),
    /// A state-changing request sent by a page of another website (`domain::cross_site`);
    /// carries the service's public URL.
    #[error(
        "This request was sent from another website, and Fakewatch only accepts changes made \
         on its own pages. Nothing was changed; to file or change a report, open {0} and use \
         its forms."
    )]
    CrossSiteRefused(String),
    #[error("Something went wrong on our side. It has been logged.")]
    Internal(#[source] Box<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::CsrfRejected | AppError::AdminOnly => StatusCode::FORBIDDEN,
            AppError::ReportNotFound
            | AppError::SellerNotFound
            | AppError::BrandNotFound
            | AppError::EvidenceNotFound
            | AppError::ConfirmationLinkInvalid
            | AppError::PageNotFound
            | AppError::ReplyNotFound => StatusCode::NOT_FOUND,
            AppError::ReplyAlreadyDecided(_) => StatusCode::CONFLICT,
            AppError::ManageTokenMissing => StatusCode::UNAUTHORIZED,
            AppError::ManageTokenInvalid => StatusCode::FORBIDDEN,
            AppError::ReportNotEditable
            | AppError::ModerationConflict(_)
            | AppError::ReplyNeedsStore => StatusCode::CONFLICT,
            AppError::ApiTokenMissing | AppError::ApiTokenInvalid => StatusCode::UNAUTHORIZED,
            AppError::BrandNotInScope(_) | AppError::EvidenceLinkInvalid => StatusCode::FORBIDDEN,
            AppError::EvidenceLinkExpired | AppError::ReportWithdrawn | AppError::ReportErased => {
                StatusCode::GONE
            }
            AppError::NotAcceptable(_) => StatusCode::NOT_ACCEPTABLE,
            AppError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::BadRequest(_) => StatusCode::BAD_REQUEST,
            AppError::DatabaseUnavailable(_)
            | AppError::TooManyExports
            | AppError::QueryTimedOut(_)
            | AppError::Contended(_)
            | AppError::SearchesBusy
            | AppError::UploadsBusy
            | AppError::SignInsBusy
            | AppError::ExportTooLong(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::TooManyExportsForHolder(_) | AppError::RateLimited(_) => {
                StatusCode::TOO_MANY_REQUESTS
            }
            AppError::CrossSiteRefused(_) => StatusCode::FORBIDDEN,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn internal(err: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        AppError::Internal(err.into())
    }

    fn log(&self) {
        match self {
            AppError::Internal(source) => {
                tracing::error!(error = %ErrorChain(source.as_ref()), "internal error");
            }
            AppError::DatabaseUnavailable(source) => {
                tracing::warn!(error = %ErrorChain(source), "database unavailable");
            }
            AppError::QueryTimedOut(source) => {
                tracing::warn!(error = %ErrorChain(source), "statement timed out");
            }
            AppError::Contended(source) => {
                tracing::warn!(error = %ErrorChain(source), "statement cancelled by a conflict");
            }
            _ => {}
        }
    }

    /// Extra headers: a 503 or 429 tells clients when to come back. Pages that answer an
    /// error with a page of their own (a form shown again) add them with this too.
    pub(crate) fn decorate(&self, response: &mut Response) {
        let retry_after = match self {
            AppError::DatabaseUnavailable(_)
            | AppError::TooManyExports
            | AppError::TooManyExportsForHolder(_)
            | AppError::QueryTimedOut(_)
            | AppError::ExportTooLong(_)
            | AppError::UploadsBusy => Some(30),
            AppError::SearchesBusy | AppError::SignInsBusy => Some(5),
            AppError::Contended(_) => Some(1),
            AppError::RateLimited(limited) => Some(limited.retry_after),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        let challenge = match self {
            AppError::ManageTokenMissing | AppError::ApiTokenMissing => Some("Bearer"),
            AppError::ApiTokenInvalid => Some("Bearer error=\"invalid_token\""),
            _ => None,
        };
        if let Some(challenge) = challenge {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
    }
}

impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::Io(_)
            | sqlx::Error::Tls(_) => AppError::DatabaseUnavailable(err),
            sqlx::Error::Database(db) => {
                let code = db.code().unwrap_or_default().into_owned();
                if is_unavailable(&code) {
                    return AppError::DatabaseUnavailable(err);
                }
                // A NUL byte (or other bytes a text value cannot hold) in a path, query or field:
                // the client's mistake, not ours.
                if code == "22021" {
                    return AppError::BadRequest(
                        "The request contains a character that cannot be stored (a NUL byte)."
                            .into(),
                    );
                }
                // statement_timeout (or an operator's pg_cancel_backend) ended the query.
                if code == "57014" {
                    return AppError::QueryTimedOut(err);
                }
                // serialization_failure (a replica cancelling a read that conflicts with
                // recovery) and deadlock_detected: worth trying again at once.
                if matches!(code.as_str(), "40001" | "40P01") {
                    return AppError::Contended(err);
                }
                // Each query maps the constraints users can break to a field error next to
                // itself (`db::constraint`); one that is not mapped still gets a 422 rather
                // than a 500, and the log names it so that it can be mapped.
                if matches!(code.as_str(), "23514" | "23505" | "22001") {
                    tracing::warn!(constraint = ?db.constraint(), "unmapped constraint refused input");
                    return AppError::Validation(FieldErrors::single(
                        "body",
                        "A value could not be stored; check the lengths of the fields",
                    ));
                }
                AppError::Internal(Box::new(err))
            }
            _ => AppError::Internal(Box::new(err)),
        }
    }
}

impl From<crate::db::constraint::WriteError> for AppError {
    fn from(err: crate::db::constraint::WriteError) -> Self {
        match err {
            crate::db::constraint::WriteError::Refused(errors) => AppError::Validation(errors),
            crate::db::constraint::WriteError::Db(err) => err.into(),
        }
    }
}

/// SQLSTATEs that mean "the database is not there right now": connection exceptions (class
/// 08), shutdowns and restarts (57P01–57P03), too many connections (53300).
fn is_unavailable(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300")
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        AppError::Validation(errors)
    }
}

/// Pages: a friendly HTML error page with the right status.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log();
        let status = self.status();
        let page = ErrorPage {
            status: status.as_u16(),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            message: self.to_string(),
            errors: match &self {
                AppError::Validation(errors) => errors.as_slice().to_vec(),
                _ => Vec::new(),
            },
        };
        let mut response = (status, page).into_response();
        self.decorate(&mut response);
        response
    }
}

/// API handlers return this so that errors come back as `application/problem+json`.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for ApiError {
    fn from(err: E) -> Self {
        ApiError(err.into())
    }
}

/// RFC 9457 problem details, with the field errors as an extension member.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldError],
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let err = self.0;
        err.log();
        let errors = match &err {
            AppError::Validation(errors) => errors.as_slice(),
            _ => &[],
        };
        let mut response = problem(err.status(), err.to_string(), errors);
        err.decorate(&mut response);
        response
    }
}

/// A problem-details answer. [`ApiError`] makes its answers with it, and so does the
/// middleware that rewrites answers made outside our handlers under `/api/`.
pub fn problem(status: StatusCode, detail: String, errors: &[FieldError]) -> Response {
    let problem = Problem {
        kind: if errors.is_empty() {
            "about:blank"
        } else {
            "urn:fakewatch:problem:validation"
        },
        title: status.canonical_reason().unwrap_or("Error"),
        status: status.as_u16(),
        detail,
        errors,
    };
    let mut response = (status, Json(problem)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    response
}

/// The media type of every error answer of the API (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Displays an error with its causes, for logs.
struct ErrorChain<'a>(&'a (dyn std::error::Error + 'static));

impl std::fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            write!(f, ": {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}
