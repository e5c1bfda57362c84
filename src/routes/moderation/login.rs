//! Signing in and out. Failed sign-ins are counted per account and per client (the limits of
//! `domain::rate_limit`), and a wrong email answers exactly like a wrong password, as slowly.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::{CookieJar, Form, WithRejection};
use serde::Deserialize;
use sqlx::PgConnection;

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
    let buckets = [
        (Bucket::LoginClient, client_key.as_slice()),
        (Bucket::LoginAccount, account_key.as_slice()),
    ];
    let mut conn = state.db.acquire().await?;
    // Every attempt is counted before its password is checked, and a success is refunded:
    // attempts sent all at once cannot all slip under the limit while the others hash.
    for (bucket, key) in buckets {
        if let Err(refused) = rate_limit::spend_key(&state, &mut conn, bucket, key).await {
            let mut response = again(StatusCode::TOO_MANY_REQUESTS, refused.to_string(), jar);
            refused.decorate(&mut response);
            return Ok(response);
        }
    }

    let account = db::moderators::find_by_email(&mut conn, &email).await?;
    // No connection is held while the password is checked.
    drop(conn);
    let matches = password_matches(&state, &form.password, account.as_ref()).await?;
    let mut conn = state.db.acquire().await?;
    let account = match account {
        Some(account) if matches => account,
        _ => {
            tracing::info!("failed moderator sign-in");
            let message = "The email address or the password is wrong.".to_owned();
            return Ok(again(StatusCode::UNAUTHORIZED, message, jar));
        }
    };
    for (bucket, key) in buckets {
        rate_limit::refund(&state, &mut conn, bucket, key).await?;
    }
    if account.disabled_at.is_some() {
        // Only someone who knows the password learns that the account is disabled.
        let message = "This moderator account is disabled. Ask an admin.".to_owned();
        return Ok(again(StatusCode::FORBIDDEN, message, jar));
    }
    start_session(&state, &mut conn, jar, account.moderator_id).await
}

/// Starts a session for `moderator_id` and sends the browser to the queue with its cookie. A
/// browser that signs in again gets a new session; the one its old cookie named ends.
async fn start_session(
    state: &AppState,
    conn: &mut PgConnection,
    jar: CookieJar,
    moderator_id: i64,
) -> Result<Response, AppError> {
    if let Some(old) = jar.get(session::COOKIE) {
        db::moderators::end_session_by_token(conn, &hash_token(old.value())).await?;
    }
    let token = security::random_token(32);
    db::moderators::start_session(
        conn,
        moderator_id,
        &hash_token(&token),
        state.config.moderator_session_hours,
    )
    .await?;
    tracing::info!(moderator_id, "moderator signed in");
    let jar = jar.add(session::cookie(token, state.secure_cookies()));
    Ok((jar, Redirect::to("/moderation")).into_response())
}

/// Whether `password` is the account's (always false without an account, after as long a
/// check against a decoy). Checks run off the async runtime, a few at a time: each holds
/// ~19 MiB and a core, and a flood of them waits its turn for at most a few seconds.
async fn password_matches(
    state: &AppState,
    password: &str,
    account: Option<&db::moderators::ModeratorRow>,
) -> Result<bool, AppError> {
    // A password past the longest one can set is wrong; it is not hashed (nor is it cheap to).
    if password.chars().count() > MAX_PASSWORD_CHARS {
        return Ok(false);
    }
    let hash = account.map_or_else(
        || security::decoy_password_hash().to_owned(),
        |a| a.password_hash.clone(),
    );
    let permit = tokio::time::timeout(
        PASSWORD_CHECK_WAIT,
        state.password_checks.clone().acquire_owned(),
    )
    .await
    .map_err(|_| AppError::SignInsBusy)?
    .map_err(AppError::internal)?;
    let password = password.to_owned();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        security::verify_password(&password, &hash)
    })
    .await
    .map_err(AppError::internal)
}

/// How long a sign-in waits for a free password check before it is told to come back.
const PASSWORD_CHECK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

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
