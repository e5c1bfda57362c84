//! The moderators' side, under `/moderation`: sign-in, the queue of reports, the actions on
//! reports, evidence, sellers and brands, sellers' replies, the audit log, and (for admins)
//! the moderators themselves.
//!
//! Every route but the sign-in page passes [`guard`]: no live session, a `303` to the sign-in
//! page; a state-changing request without the session's CSRF token, a `403`. Handlers take
//! the session as a [`ModeratorSession`] argument and cannot forget either check.

mod audit;
mod evidence;
mod login;
mod merge;
mod moderators;
mod names;
mod queue;
mod replies;
mod reports;
pub mod session;

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{any, get, post};
use axum_extra::extract::CookieJar;

use crate::error::AppError;
use crate::routes::csrf;
use crate::state::AppState;
pub use session::ModeratorSession;

/// The sign-in page: the one page under `/moderation` open without a session.
pub const LOGIN_PATH: &str = "/moderation/login";
/// Moderation forms are small; the guard reads them whole to check the CSRF field.
const FORM_LIMIT: usize = 64 * 1024;

/// Every moderation route, behind the guard.
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(LOGIN_PATH, get(login::show).post(login::login))
        .route("/moderation/logout", post(login::logout))
        .merge(queue::routes())
        .merge(evidence::routes())
        .merge(reports::routes())
        .merge(names::routes())
        .merge(merge::routes())
        .merge(replies::routes())
        .merge(audit::routes())
        .merge(moderators::routes())
        // Unknown pages under /moderation pass the guard too: without a session they send to
        // the sign-in page like every other, and say nothing about what exists.
        .route("/moderation/{*rest}", any(not_found))
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), guard))
}

async fn not_found() -> AppError {
    AppError::PageNotFound
}

/// Lets a request through only with a live session, and a state-changing one only with the
/// session's CSRF token in its form; marks every answer `no-store`, since moderation pages show
/// what the public doesn't see.
async fn guard(
    State(state): State<AppState>,
    jar: CookieJar,
    request: Request,
    next: Next,
) -> Response {
    let mut response = if request.uri().path() == LOGIN_PATH {
        next.run(request).await
    } else {
        match admit(&state, &jar, request).await {
            Ok(request) => next.run(request).await,
            Err(refusal) => refusal,
        }
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

async fn admit(state: &AppState, jar: &CookieJar, request: Request) -> Result<Request, Response> {
    let Some((session, token)) = session::load(state, jar)
        .await
        .map_err(IntoResponse::into_response)?
    else {
        return Err(Redirect::to(LOGIN_PATH).into_response());
    };
    let mut request = if matches!(*request.method(), Method::GET | Method::HEAD) {
        request
    } else {
        let (parts, body) = request.into_parts();
        let bytes = axum::body::to_bytes(body, FORM_LIMIT).await.map_err(|_| {
            AppError::PayloadTooLarge(format!(
                "A moderation form may be at most {} KiB.",
                FORM_LIMIT / 1024
            ))
            .into_response()
        })?;
        let submitted = url::form_urlencoded::parse(&bytes)
            .find(|(name, _)| name == csrf::FIELD)
            .map(|(_, value)| value.into_owned());
        if !session::csrf_matches(&state.secret, &token, submitted.as_deref()) {
            return Err(AppError::CsrfRejected.into_response());
        }
        Request::from_parts(parts, Body::from(bytes))
    };
    request.extensions_mut().insert(session);
    Ok(request)
}
