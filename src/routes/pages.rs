//! Site-wide pages: the home page and the friendly 404.

use askama::Template;
use askama_web::WebTemplate;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, AppError};

#[derive(Template, WebTemplate)]
#[template(path = "home.html")]
pub struct HomePage;

/// `GET /`
pub async fn home() -> HomePage {
    HomePage
}

/// Unknown paths: problem details under `/api/`, a page elsewhere.
pub async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError(AppError::PageNotFound).into_response()
    } else {
        AppError::PageNotFound.into_response()
    }
}
