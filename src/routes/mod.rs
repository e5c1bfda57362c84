//! HTTP handlers, grouped by audience, and the table of every route.

mod api;
mod bearer;
mod brands;
mod cache;
mod cross_site;
pub mod csrf;
mod evidence_links;
mod health;
pub mod moderation;
mod openapi;
mod pages;
mod paging;
pub mod rate_limit;
mod reports;
pub mod sellers;
mod takedowns;

use std::net::{IpAddr, SocketAddr};

use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::routing::{get, post};
use utoipa::OpenApi;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::state::AppState;
pub use api::problem_details;
pub use cross_site::refuse_cross_site;

/// Every route of the service: the pages, the documented API of [`api`] with its OpenAPI
/// document, and the moderators' side. Bodies are limited to a few kilobytes except on the two
/// routes that take evidence uploads, which get the configured upload limit.
pub fn routes(state: &AppState) -> Router<AppState> {
    let uploads = DefaultBodyLimit::max(state.config.max_request_bytes());
    let (api, document) = api(state).split_for_parts();
    Router::new()
        .route("/", get(pages::home))
        .route("/about/reputation", get(pages::reputation))
        .route("/about/privacy", get(pages::privacy))
        .route("/sellers", get(sellers::search))
        .route("/sellers/{marketplace}/{seller_key}", get(sellers::show))
        .route(
            "/sellers/{marketplace}/{seller_key}/feed.atom",
            get(sellers::feed),
        )
        .route(
            "/sellers/{marketplace}/{seller_key}/reply",
            get(sellers::reply::show).post(sellers::reply::create),
        )
        .route("/brands/{slug}", get(brands::show))
        .route("/brands/{slug}/feed.atom", get(brands::feed))
        .route("/evidence/{id}", get(evidence_links::show))
        .route("/api/openapi.json", openapi::serve(&document))
        .route("/reports/new", get(reports::form::new))
        .route("/reports", post(reports::form::create).layer(uploads))
        .route("/reports/{id}", get(reports::receipt::show))
        .route("/reports/{id}/manage/{token}", get(reports::manage::show))
        .route(
            "/reports/{id}/manage/{token}/evidence/{evidence_id}",
            get(reports::manage::evidence),
        )
        .route("/reports/{id}/withdraw", post(reports::manage::withdraw))
        .route("/reports/{id}/erase", post(reports::manage::erase))
        .route(
            "/reports/{id}/manage/{token}/edit",
            get(reports::edit::show),
        )
        .route("/reports/{id}/edit", post(reports::edit::update))
        .route(
            "/confirm/{token}",
            get(reports::confirm::show).post(reports::confirm::confirm),
        )
        .route("/confirm/{token}/not-me", post(reports::confirm::disown))
        .merge(api)
        .merge(moderation::routes(state))
        .fallback(pages::not_found)
        .layer(DefaultBodyLimit::max(SMALL_BODY_LIMIT))
}

/// The JSON API and `/healthz`: each route is a handler's `#[utoipa::path]`, so that this one
/// list both routes them and makes the OpenAPI document served at `/api/openapi.json`. One
/// `routes!` per path: the macro routes every handler it is given on every path among them.
pub fn api(state: &AppState) -> OpenApiRouter<AppState> {
    let uploads = DefaultBodyLimit::max(state.config.max_request_bytes());
    let mut api = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(health::healthz))
        .routes(routes!(sellers::search::search_api))
        .routes(routes!(sellers::show_api))
        .routes(routes!(sellers::search::lookup_api))
        .routes(routes!(brands::show_api))
        .routes(routes!(takedowns::export::export))
        .routes(
            routes!(takedowns::outcomes::record).layer(DefaultBodyLimit::max(OUTCOMES_BODY_LIMIT)),
        )
        .routes(routes!(takedowns::account::show))
        .routes(routes!(takedowns::account::set_ipr))
        .routes(routes!(reports::api::create).layer(uploads))
        .routes(routes!(
            reports::api::show,
            reports::api::withdraw,
            reports::edit::patch
        ))
        .routes(routes!(reports::api::evidence));
    openapi::finish(api.get_openapi_mut());
    api
}

/// Forms and JSON other than uploads are small.
const SMALL_BODY_LIMIT: usize = 64 * 1024;
/// A batch of outcomes: up to 1,000, each with a note of up to 2,000 characters.
const OUTCOMES_BODY_LIMIT: usize = 4 * 1024 * 1024;

/// The client's network address, when the server was started with connect info: the socket's
/// peer, or, when that is one of `FAKEWATCH_TRUSTED_PROXIES`, the client it forwarded for
/// (`domain::client::resolve`). Limits and reporter fingerprints both go by it.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() else {
            return Ok(ClientAddr(None));
        };
        let forwarded = parts
            .headers
            .get_all(X_FORWARDED_FOR)
            .iter()
            // Not text: not an address either, which ends the walk at the hop that sent it.
            .map(|value| value.to_str().unwrap_or("?"));
        Ok(ClientAddr(Some(crate::domain::client::resolve(
            peer.ip(),
            forwarded,
            state.config.trusted_proxies.as_slice(),
        ))))
    }
}

const X_FORWARDED_FOR: axum::http::HeaderName =
    axum::http::HeaderName::from_static("x-forwarded-for");

impl From<JsonRejection> for AppError {
    fn from(rejection: JsonRejection) -> Self {
        let message = rejection.body_text();
        match rejection.status() {
            StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType(
                "Send the body as JSON, with Content-Type: application/json.".into(),
            ),
            StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge(message),
            StatusCode::UNPROCESSABLE_ENTITY => {
                AppError::Validation(FieldErrors::single("body", message))
            }
            _ => AppError::BadRequest(message),
        }
    }
}

/// Form bodies that cannot be read: an HTML error page that says why.
impl From<FormRejection> for AppError {
    fn from(rejection: FormRejection) -> Self {
        unreadable_form(rejection.status(), rejection.body_text())
    }
}

fn unreadable_form(status: StatusCode, text: String) -> AppError {
    match status {
        StatusCode::UNSUPPORTED_MEDIA_TYPE => AppError::UnsupportedMediaType(
            "Send the form as application/x-www-form-urlencoded.".into(),
        ),
        StatusCode::PAYLOAD_TOO_LARGE => AppError::PayloadTooLarge(text),
        _ => AppError::BadRequest(format!("The form could not be read: {text}")),
    }
}

/// axum-extra's `Form`, for forms that repeat a field (`report=a&report=b`).
impl From<axum_extra::extract::FormRejection> for AppError {
    fn from(rejection: axum_extra::extract::FormRejection) -> Self {
        unreadable_form(rejection.status(), rejection.body_text())
    }
}

impl From<MultipartRejection> for AppError {
    fn from(rejection: MultipartRejection) -> Self {
        AppError::BadRequest(format!(
            "Send the report form as multipart/form-data: {}",
            rejection.body_text()
        ))
    }
}
