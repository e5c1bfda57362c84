//! Signing in and out. Failed sign-ins are counted per account and per client (the limits of
//! `domain::rate_limit`), and a wrong email answers exactly like a wrong password, as slowly.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{CookieJar, Form, WithRejection};
use serde::Deserialize;

use super::session::{self, ModeratorSession};
use crate::db;
use crate::domain::moderation::{MAX_PASSWORD_CHARS, moderator_email};
use crate::domain::rate_limit::Bucket;
use crate::error::AppError;
use crate::routes::{ClientAddr, csrf, rate_limit};
use crate::security::{self, hash_token};
use crate::state::AppState;

/// MAC purpose of the per-account failure counters: the email is never stored there.
const ACCOUNT_KEY: &str = "login-account";

#[derive(Template, WebTemplate)]
#[template(path = "moderation/login.html")]
pub struct LoginPage {
    pub csrf_token: String,
    pub email: String,
    pub error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    csrf_token: Option<String>,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `GET /moderation/login`: the form, or the queue for a moderator signed in already.
pub async fn show(State(state): State<AppState>, jar: CookieJar) -> Result<Response, AppError> {
    if session::load(&state, &jar).await?.is_some() {
        return Ok(Redirect::to("/moderation").into_response());
    }
    let (jar, csrf_token) = csrf::issue(jar, &state.secret, state.secure_cookies());
    let page = LoginPage {
        csrf_token,
        email: String::new(),
        error: None,
    };
    Ok((jar, page).into_response())
}

/// `POST /moderation/login`: a session and `303` to the queue, or the form again (`401`, or
/// `429` past the limits) with a message that doesn't say which field was wrong.
#[tracing::instrument(skip_all)]
pub async fn login(
    State(state): State<AppState>,
    ClientAddr(client): ClientAddr,
    jar: CookieJar,
    WithRejection(Form(form), _): WithRejection<Form<LoginForm>, AppError>,
) -> Result<Response, AppError> {
    csrf::verify(&jar, &state.secret, form.csrf_token.as_deref())?;
    let again = |status: StatusCode, error: String, jar: CookieJar| {
        let (jar, csrf_token) = csrf::issue(jar, &state.secret, state.secure_cookies());
        let page = LoginPage {
            csrf_token,
            email: form.email.trim().chars().take(254).collect(),
            error: Some(error),
        };
        (status, jar, page).into_response()
    };

    let email = moderator_email(&form.email).unwrap_or_default();
    let client_key = rate_limit::client_key(&state, client);
    let account_key = state.secret.mac(ACCOUNT_KEY, email.as_bytes());
    let mut conn = state.db.acquire().await?;
    for (bucket, key) in [
        (Bucket::LoginClient, &client_key),
        (Bucket::LoginAccount, &account_key),
    ] {
        if let Err(refused) = rate_limit::check(&state, &mut conn, bucket, key).await {
            let mut response = again(StatusCode::TOO_MANY_REQUESTS, refused.to_string(), jar);
            refused.decorate(&mut response);
            return Ok(response);
        }
    }

    let account = db::moderators::find_by_email(&mut conn, &email).await?;
    let hash = account.as_ref().map_or_else(
        || security::decoy_password_hash().to_owned(),
        |a| a.password_hash.clone(),
    );
    let password = form.password.clone();
    // A password past the longest one can set is wrong; it is not hashed (nor is it cheap to).
    let matches = password.chars().count() <= MAX_PASSWORD_CHARS
        && tokio::task::spawn_blocking(move || security::verify_password(&password, &hash))
            .await
            .map_err(AppError::internal)?;
    let account = match account {
        Some(account) if matches => account,
        _ => {
            rate_limit::count(&state, &mut conn, Bucket::LoginClient, &client_key).await?;
            rate_limit::count(&state, &mut conn, Bucket::LoginAccount, &account_key).await?;
            tracing::info!("failed moderator sign-in");
            let message = "The email address or the password is wrong.".to_owned();
            return Ok(again(StatusCode::UNAUTHORIZED, message, jar));
        }
    };
    if account.disabled_at.is_some() {
        // Only someone who knows the password learns that the account is disabled.
        let message = "This moderator account is disabled. Ask an admin.".to_owned();
        return Ok(again(StatusCode::FORBIDDEN, message, jar));
    }

    let token = security::random_token(32);
    db::moderators::start_session(
        &mut conn,
        account.moderator_id,
        &hash_token(&token),
        state.config.moderator_session_hours,
    )
    .await?;
    tracing::info!(moderator_id = account.moderator_id, "moderator signed in");
    let jar = jar.add(session::cookie(token, state.secure_cookies()));
    Ok((jar, Redirect::to("/moderation")).into_response())
}

/// `POST /moderation/logout`: ends the session everywhere, not only in this browser.
pub async fn logout(
    State(state): State<AppState>,
    moderator: ModeratorSession,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let mut conn = state.db.acquire().await?;
    db::moderators::end_session(&mut conn, moderator.session_id).await?;
    Ok((session::forget(jar), Redirect::to(super::LOGIN_PATH)).into_response())
}
