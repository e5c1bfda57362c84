//! The seller's right of reply, public side: `GET` and `POST
//! /sellers/{marketplace}/{seller_key}/reply`. Anyone may write; the reply waits for a
//! moderator, who publishes it only after finding the code it was given in the store's own
//! description, which only the store's owner can edit.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::{CookieJar, Form, WithRejection};
use serde::Deserialize;
use sqlx::PgConnection;

use super::view::seller_path;
use crate::db;
use crate::db::replies::ReplyWrite;
use crate::db::sellers::SellerRef;
use crate::domain::Marketplace;
use crate::domain::rate_limit::Bucket;
use crate::domain::reply::{CODE_BYTES, MAX_STATEMENT_CHARS, ReplyInput, VerificationCode};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::routes::{ClientAddr, cache, csrf, rate_limit};
use crate::security::random_token;
use crate::state::AppState;

/// The seller a reply is for, as both pages name it.
pub struct ReplySeller {
    pub name: String,
    pub marketplace_name: &'static str,
    /// The seller page's path.
    pub path: String,
    pub store_url: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "sellers/reply.html")]
pub struct ReplyFormPage {
    pub seller: ReplySeller,
    pub csrf_token: String,
    pub values: ReplyInput,
    pub errors: FieldErrors,
    /// Why the whole submission was refused (a limit), shown above the form.
    pub notice: Option<String>,
    pub max_chars: usize,
}

/// What the author sees once, after sending: the code to put in the store's description.
#[derive(Template, WebTemplate)]
#[template(path = "sellers/reply_sent.html")]
pub struct ReplySentPage {
    pub seller: ReplySeller,
    pub code: VerificationCode,
}

/// The form's fields.
#[derive(Debug, Deserialize)]
pub struct ReplyForm {
    csrf_token: Option<String>,
    #[serde(default)]
    statement: String,
    #[serde(default)]
    email: String,
}

/// The seller at this address, or [`AppError::SellerNotFound`].
async fn find_seller(
    conn: &mut PgConnection,
    marketplace: &str,
    seller_key: &str,
) -> Result<(SellerRef, ReplySeller), AppError> {
    let marketplace: Marketplace = marketplace.parse().map_err(|_| AppError::SellerNotFound)?;
    let seller = db::sellers::find_by_key(conn, marketplace, seller_key)
        .await?
        .ok_or(AppError::SellerNotFound)?;
    // The code proves control of a store only where there is one: anyone could publish a
    // listing under a typed name on a site of their own and put the code there.
    if seller.name_based {
        return Err(AppError::ReplyNeedsStore);
    }
    let shown = ReplySeller {
        name: seller.display_name.clone(),
        marketplace_name: marketplace.display_name(),
        path: seller_path(marketplace.as_str(), &seller.seller_key),
        store_url: seller.store_url.clone(),
    };
    Ok((seller, shown))
}

impl ReplyFormPage {
    /// The limit as prose writes it, `2,000`.
    fn limit(&self) -> String {
        let digits = self.max_chars.to_string();
        let mut out = String::new();
        for (i, digit) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(digit);
        }
        out
    }
}

fn form_page(
    state: &AppState,
    jar: CookieJar,
    seller: ReplySeller,
    values: ReplyInput,
    errors: FieldErrors,
) -> (CookieJar, ReplyFormPage) {
    let (jar, csrf_token) = csrf::issue(jar, &state.secret, state.secure_cookies());
    let page = ReplyFormPage {
        seller,
        csrf_token,
        values,
        errors,
        notice: None,
        max_chars: MAX_STATEMENT_CHARS,
    };
    (jar, page)
}

/// `GET /sellers/{marketplace}/{seller_key}/reply`
#[tracing::instrument(skip_all)]
pub async fn show(
    State(state): State<AppState>,
    Path((marketplace, seller_key)): Path<(String, String)>,
    jar: CookieJar,
) -> Result<Response, AppError> {
    let mut conn = state.db.acquire().await?;
    let (found, seller) = find_seller(&mut conn, &marketplace, &seller_key).await?;
    if found.seller_key != seller_key {
        // A merged seller's form is the kept seller's (a reply sent to the old address is
        // filed there too).
        return Ok(cache::moved_permanently(&format!("{}/reply", seller.path)));
    }
    Ok(form_page(
        &state,
        jar,
        seller,
        ReplyInput::default(),
        FieldErrors::new(),
    )
    .into_response())
}

/// `POST /sellers/{marketplace}/{seller_key}/reply`: stores a pending reply and shows its
/// code, or shows the form again with what was typed and a message next to each field that
/// needs attention (422).
#[tracing::instrument(skip_all)]
pub async fn create(
    State(state): State<AppState>,
    Path((marketplace, seller_key)): Path<(String, String)>,
    jar: CookieJar,
    ClientAddr(ip): ClientAddr,
    WithRejection(Form(form), _): WithRejection<Form<ReplyForm>, AppError>,
) -> Result<Response, AppError> {
    csrf::verify(&jar, &state.secret, form.csrf_token.as_deref())?;
    let mut conn = state.db.acquire().await?;
    let (seller, shown) = find_seller(&mut conn, &marketplace, &seller_key).await?;
    let input = ReplyInput {
        statement: form.statement,
        email: form.email,
    };
    // Replies count against the same hourly allowance as reports: both put work in front of
    // moderators, and one budget per client keeps either from flooding them.
    if let Err(refusal) = rate_limit::spend_with(&state, &mut conn, ip, Bucket::Reports).await {
        let AppError::RateLimited(_) = refusal else {
            return Err(refusal);
        };
        let (jar, mut page) = form_page(&state, jar, shown, input, FieldErrors::new());
        page.notice = Some(format!("{refusal} What you typed is kept below."));
        let mut response = (refusal.status(), jar, page).into_response();
        refusal.decorate(&mut response);
        return Ok(response);
    }
    let reply = match input.validate() {
        Ok(reply) => reply,
        Err(errors) => {
            let page = form_page(&state, jar, shown, input, errors);
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };

    let mut bytes = [0u8; CODE_BYTES];
    rand::fill(&mut bytes);
    let code = VerificationCode::from_bytes(bytes);
    let public_id = random_token(12);
    db::replies::insert(
        &mut conn,
        &ReplyWrite {
            public_id: &public_id,
            seller_id: seller.seller_id,
            statement: &reply.statement,
            contact: &reply.email,
            code: &code,
        },
    )
    .await?;
    tracing::info!(reply = %public_id, "seller's reply received");
    // Shown once: no cache keeps it, and reloading does not show it again from one.
    Ok((
        [(header::CACHE_CONTROL, "no-store")],
        ReplySentPage {
            seller: shown,
            code,
        },
    )
        .into_response())
}
