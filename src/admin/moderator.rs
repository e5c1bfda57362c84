//! `fakewatch moderator add|list|disable`, and the account changes that admins also make from
//! the web (`routes::moderation::moderators`): both write the same audit rows.

use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal};

use serde_json::json;
use sqlx::{PgConnection, PgPool};

use super::AdminError;
use crate::config::ModeratorCommand;
use crate::db;
use crate::db::audit::Change;
use crate::db::moderators::ModeratorRow;
use crate::domain::moderation::{Action, moderator_email, password_problem};
use crate::security;

/// Where `moderator add` reads the password from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PasswordSource {
    /// Asked twice on the terminal, not echoed.
    Terminal,
    /// The first line of standard input (`--password-stdin`).
    Stdin,
}

pub async fn moderator(pool: &PgPool, command: ModeratorCommand) -> Result<String, AdminError> {
    let source = match &command {
        ModeratorCommand::Add {
            password_stdin: true,
            ..
        } => PasswordSource::Stdin,
        _ => PasswordSource::Terminal,
    };
    moderator_with(pool, command, || read_password(source)).await
}

/// [`moderator`] with the password read by `read_password`.
pub async fn moderator_with(
    pool: &PgPool,
    command: ModeratorCommand,
    read_password: impl FnOnce() -> Result<String, AdminError>,
) -> Result<String, AdminError> {
    let mut conn = pool.acquire().await?;
    match command {
        ModeratorCommand::Add { email, admin, .. } => {
            // The email is checked before the password is asked for.
            let email = moderator_email(&email).map_err(AdminError::Invalid)?;
            if db::moderators::find_by_email(&mut conn, &email)
                .await?
                .is_some()
            {
                return Err(AdminError::ModeratorExists(email));
            }
            let password = read_password()?;
            let added = add_moderator(&mut conn, &email, &password, admin, None).await?;
            let role = if added.is_admin { "admin" } else { "moderator" };
            Ok(format!(
                "Added {role} {}. They sign in at /moderation/login.\n",
                added.email
            ))
        }
        ModeratorCommand::List => {
            let rows = db::moderators::list(&mut conn).await?;
            Ok(list(&rows))
        }
        ModeratorCommand::Disable { email } => {
            let email = moderator_email(&email).map_err(AdminError::Invalid)?;
            if disable_moderator(&mut conn, &email, None).await? {
                Ok(format!("Disabled {email}; their sessions have ended.\n"))
            } else {
                Ok(format!("{email} was disabled already.\n"))
            }
        }
    }
}

/// Creates a moderator and its audit row (`by`: the admin who did, `None` for the command
/// line), checking the email and the password first.
pub async fn add_moderator(
    conn: &mut PgConnection,
    email: &str,
    password: &str,
    is_admin: bool,
    by: Option<i64>,
) -> Result<ModeratorRow, AdminError> {
    let email = moderator_email(email).map_err(AdminError::Invalid)?;
    if let Some(problem) = password_problem(password) {
        return Err(AdminError::Invalid(problem));
    }
    let password = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || security::hash_password(&password))
        .await
        .map_err(|e| AdminError::Invalid(format!("hashing failed: {e}")))?
        .map_err(|e| AdminError::Invalid(format!("hashing failed: {e}")))?;
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let added = db::moderators::create(&mut tx, &email, &hash, is_admin)
        .await?
        .ok_or_else(|| AdminError::ModeratorExists(email.clone()))?;
    let change = Change {
        action: Action::AddModerator,
        subject_id: &added.email,
        before: serde_json::Value::Null,
        after: json!({ "email": added.email, "is_admin": added.is_admin }),
    };
    db::audit::record(&mut tx, by, &change).await?;
    tx.commit().await?;
    Ok(added)
}

/// Disables a moderator, ends their sessions and writes the audit row; `false` when they
/// were disabled already (no row then).
pub async fn disable_moderator(
    conn: &mut PgConnection,
    email: &str,
    by: Option<i64>,
) -> Result<bool, AdminError> {
    let mut tx = sqlx::Connection::begin(&mut *conn).await?;
    let was_enabled = db::moderators::disable(&mut tx, email)
        .await?
        .ok_or_else(|| AdminError::UnknownModerator(email.to_owned()))?;
    if was_enabled {
        let change = Change {
            action: Action::DisableModerator,
            subject_id: email,
            before: json!({ "disabled": false }),
            after: json!({ "disabled": true }),
        };
        db::audit::record(&mut tx, by, &change).await?;
    }
    tx.commit().await?;
    Ok(was_enabled)
}

fn list(rows: &[ModeratorRow]) -> String {
    if rows.is_empty() {
        return "No moderators yet: `fakewatch moderator add --email … --admin` makes the first.\n"
            .into();
    }
    let mut out = String::new();
    for row in rows {
        let role = if row.is_admin { "admin" } else { "moderator" };
        let state = match row.disabled_at {
            Some(at) => format!("disabled {}", at.date()),
            None => "active".into(),
        };
        let _ = writeln!(
            out,
            "{:<40} {:<9} {:<20} added {}",
            row.email,
            role,
            state,
            row.created_at.date()
        );
    }
    out
}

fn read_password(source: PasswordSource) -> Result<String, AdminError> {
    match source {
        PasswordSource::Stdin => {
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(AdminError::Password)?;
            Ok(line.trim_end_matches(['\r', '\n']).to_owned())
        }
        PasswordSource::Terminal => {
            if !std::io::stdin().is_terminal() {
                return Err(AdminError::Invalid(
                    "no terminal to ask for the password on: pass it on standard input with \
                     --password-stdin"
                        .into(),
                ));
            }
            let first = rpassword::prompt_password("Password: ").map_err(AdminError::Password)?;
            let again =
                rpassword::prompt_password("Password again: ").map_err(AdminError::Password)?;
            if first != again {
                return Err(AdminError::Invalid("the two passwords differ".into()));
            }
            Ok(first)
        }
    }
}
