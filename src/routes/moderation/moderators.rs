//! `/moderation/moderators`: admins add and disable moderators from the web, as operators do
//! with `fakewatch moderator`; the same functions write the same audit rows.

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::{Form, WithRejection};
use serde::Deserialize;

use super::ModeratorSession;
use crate::admin::{self, AdminError};
use crate::db;
use crate::db::moderators::ModeratorRow;
use crate::domain::moderation::{MIN_PASSWORD_CHARS, moderator_email};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;
use crate::state::AppState;

const PATH: &str = "/moderation/moderators";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH, get(show).post(add))
        .route("/moderation/moderators/disable", post(disable))
}

/// One moderator as the list shows it.
pub struct ModeratorItem {
    pub email: String,
    pub is_admin: bool,
    pub disabled_on: Option<String>,
    pub added_on: String,
}

impl From<ModeratorRow> for ModeratorItem {
    fn from(row: ModeratorRow) -> Self {
        ModeratorItem {
            email: row.email,
            is_admin: row.is_admin,
            disabled_on: row.disabled_at.map(|at| at.date().to_string()),
            added_on: row.created_at.date().to_string(),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "moderation/moderators.html")]
pub struct ModeratorsPage {
    pub moderator: ModeratorSession,
    pub moderators: Vec<ModeratorItem>,
    /// What the add form was filled with, when it comes back with errors.
    pub email: String,
    pub is_admin: bool,
    pub errors: FieldErrors,
    pub min_password_chars: usize,
    /// What was just done, for the status line.
    pub notice: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct AddForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// A checkbox: present ("yes") when ticked.
    is_admin: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct DisableForm {
    #[serde(default)]
    email: String,
}

async fn page(
    state: &AppState,
    moderator: ModeratorSession,
    form: Option<(&AddForm, FieldErrors)>,
) -> Result<ModeratorsPage, AppError> {
    let mut conn = state.db.acquire().await?;
    let moderators = db::moderators::list(&mut conn).await?;
    let (email, is_admin, errors) = match form {
        Some((form, errors)) => (
            form.email.trim().chars().take(254).collect(),
            form.is_admin.is_some(),
            errors,
        ),
        None => (String::new(), false, FieldErrors::new()),
    };
    Ok(ModeratorsPage {
        moderator,
        moderators: moderators.into_iter().map(ModeratorItem::from).collect(),
        email,
        is_admin,
        errors,
        min_password_chars: MIN_PASSWORD_CHARS,
        notice: None,
    })
}

/// `GET /moderation/moderators` (admins only).
async fn show(
    State(state): State<AppState>,
    moderator: ModeratorSession,
) -> Result<ModeratorsPage, AppError> {
    moderator.require_admin()?;
    page(&state, moderator, None).await
}

/// `POST /moderation/moderators`: adds a moderator; the form again (`422`) when a field is
/// wrong or the email is taken.
#[tracing::instrument(skip_all)]
async fn add(
    State(state): State<AppState>,
    moderator: ModeratorSession,
    WithRejection(Form(form), _): WithRejection<Form<AddForm>, AppError>,
) -> Result<Response, AppError> {
    moderator.require_admin()?;
    let by = Some(moderator.moderator_id);
    let mut conn = state.db.acquire().await?;
    let result = admin::add_moderator(
        &mut conn,
        &form.email,
        &form.password,
        form.is_admin.is_some(),
        by,
    )
    .await;
    drop(conn);
    let errors = match result {
        Ok(added) => {
            let mut page = page(&state, moderator, None).await?;
            page.notice = Some(format!("Added {}.", added.email));
            return Ok((StatusCode::CREATED, page).into_response());
        }
        Err(AdminError::ModeratorExists(email)) => {
            FieldErrors::single("email", format!("{email} is a moderator already"))
        }
        Err(AdminError::Invalid(message)) if moderator_email(&form.email).is_err() => {
            FieldErrors::single("email", message)
        }
        Err(AdminError::Invalid(message)) => FieldErrors::single("password", message),
        Err(AdminError::Database(e)) => return Err(e.into()),
        Err(other) => return Err(AppError::internal(other)),
    };
    let page = page(&state, moderator, Some((&form, errors))).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response())
}

/// `POST /moderation/moderators/disable`: disables a moderator and ends their sessions.
#[tracing::instrument(skip_all)]
async fn disable(
    State(state): State<AppState>,
    moderator: ModeratorSession,
    WithRejection(Form(form), _): WithRejection<Form<DisableForm>, AppError>,
) -> Result<Response, AppError> {
    moderator.require_admin()?;
    let email = moderator_email(&form.email)
        .map_err(|message| AppError::Validation(FieldErrors::single("email", message)))?;
    if email == moderator.email {
        // An admin locking themselves out would leave nobody to undo it from the web.
        return Err(AppError::Validation(FieldErrors::single(
            "email",
            "You cannot disable your own account; ask another admin.",
        )));
    }
    let mut conn = state.db.acquire().await?;
    match admin::disable_moderator(&mut conn, &email, Some(moderator.moderator_id)).await {
        Ok(_) => Ok(Redirect::to(PATH).into_response()),
        Err(AdminError::UnknownModerator(_)) => Err(AppError::Validation(FieldErrors::single(
            "email",
            format!("There is no moderator {email}."),
        ))),
        Err(AdminError::Database(e)) => Err(e.into()),
        Err(other) => Err(AppError::internal(other)),
    }
}
