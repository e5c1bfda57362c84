//! Operator commands run from the shell (`fakewatch rights-holder …`). Each returns the text to
//! print, so that tests can check what an operator sees.

mod moderator;
mod summaries;

use std::fmt::Write as _;

use sqlx::PgPool;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::config::RightsHolderCommand;
use crate::db;
use crate::db::rights_holders::HolderRow;
use crate::domain::fold::slugify;
use crate::domain::report::BrandName;
use crate::security::ApiToken;
pub use moderator::{PasswordSource, add_moderator, disable_moderator, moderator, moderator_with};
pub use summaries::summaries;

/// What an operator got wrong, or what failed underneath.
#[derive(Debug, thiserror::Error)]
pub enum AdminError {
    #[error("{0}")]
    Invalid(String),
    #[error("no rights holder {0:?}; `fakewatch rights-holder list` shows them")]
    UnknownHolder(String),
    #[error("a rights holder named {0:?} already exists")]
    HolderExists(String),
    #[error("no live token {0:?}; `fakewatch rights-holder list` shows them")]
    UnknownToken(String),
    #[error("a moderator with the email {0:?} already exists")]
    ModeratorExists(String),
    #[error("no moderator {0:?}; `fakewatch moderator list` shows them")]
    UnknownModerator(String),
    #[error("cannot read the password: {0}")]
    Password(std::io::Error),
    #[error(
        "{listed}{differences} summary rows differ from a recomputation from the reports; \
         `fakewatch summaries rebuild` replaces them"
    )]
    SummariesDiffer { differences: u64, listed: String },
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

const MAX_NAME_CHARS: usize = 200;
const MAX_LABEL_CHARS: usize = 100;

pub async fn rights_holder(
    pool: &PgPool,
    command: RightsHolderCommand,
) -> Result<String, AdminError> {
    match command {
        RightsHolderCommand::Add {
            name,
            brands,
            label,
        } => add(pool, &name, &brands, label).await,
        RightsHolderCommand::Token { holder, label } => {
            let mut conn = pool.acquire().await?;
            let holder = find(&mut conn, &holder).await?;
            let label = check_label(label)?;
            let token = issue_token(&mut conn, &holder, label.as_deref()).await?;
            Ok(show_token(&holder, &token))
        }
        RightsHolderCommand::Revoke { token } => {
            let public_id = ApiToken::parse(&token)
                .map(|t| t.public_id)
                .unwrap_or_else(|| token.clone());
            let mut conn = pool.acquire().await?;
            if db::rights_holders::revoke_token(&mut conn, &public_id).await? {
                Ok(format!("Revoked token {public_id}.\n"))
            } else {
                Err(AdminError::UnknownToken(public_id))
            }
        }
        RightsHolderCommand::Grant { holder, brands } => {
            let brands = parse_brands(&brands)?;
            let mut tx = pool.begin().await?;
            let holder = find(&mut tx, &holder).await?;
            let mut granted = Vec::new();
            for brand in &brands {
                let stored =
                    db::rights_holders::add_brand(&mut tx, holder.rights_holder_id, brand).await?;
                granted.push(stored.slug);
            }
            tx.commit().await?;
            Ok(format!(
                "{} may now export: {}\n",
                holder.slug,
                granted.join(", ")
            ))
        }
        RightsHolderCommand::List { exports } => list(pool, exports.clamp(0, 1000)).await,
    }
}

async fn add(
    pool: &PgPool,
    name: &str,
    brands: &[String],
    label: Option<String>,
) -> Result<String, AdminError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(AdminError::Invalid(format!(
            "--name must be 1 to {MAX_NAME_CHARS} characters"
        )));
    }
    let slug = slugify(name);
    if slug.is_empty() || slug.chars().count() > 120 {
        return Err(AdminError::Invalid(
            "--name needs at least one letter or digit (and fewer than 120 in its slug)".into(),
        ));
    }
    let brands = parse_brands(brands)?;
    let label = check_label(label)?;

    let mut tx = pool.begin().await?;
    let holder = db::rights_holders::create(&mut tx, &slug, name)
        .await?
        .ok_or(AdminError::HolderExists(slug))?;
    let mut scope = Vec::new();
    for brand in &brands {
        let stored = db::rights_holders::add_brand(&mut tx, holder.rights_holder_id, brand).await?;
        scope.push(stored.slug);
    }
    let token = issue_token(&mut tx, &holder, label.as_deref()).await?;
    tx.commit().await?;
    Ok(format!(
        "Created rights holder {} ({}) for brands: {}\n{}",
        holder.slug,
        holder.name,
        scope.join(", "),
        show_token(&holder, &token)
    ))
}

fn parse_brands(raw: &[String]) -> Result<Vec<BrandName>, AdminError> {
    raw.iter()
        .map(|b| {
            BrandName::parse(b).map_err(|e| AdminError::Invalid(format!("--brand {b:?}: {e}")))
        })
        .collect()
}

fn check_label(label: Option<String>) -> Result<Option<String>, AdminError> {
    let label = label.map(|l| l.trim().to_owned()).filter(|l| !l.is_empty());
    if label
        .as_ref()
        .is_some_and(|l| l.chars().count() > MAX_LABEL_CHARS)
    {
        return Err(AdminError::Invalid(format!(
            "--label must be at most {MAX_LABEL_CHARS} characters"
        )));
    }
    Ok(label)
}

async fn find(conn: &mut sqlx::PgConnection, slug: &str) -> Result<HolderRow, AdminError> {
    db::rights_holders::find(conn, slug)
        .await?
        .ok_or_else(|| AdminError::UnknownHolder(slug.to_owned()))
}

async fn issue_token(
    conn: &mut sqlx::PgConnection,
    holder: &HolderRow,
    label: Option<&str>,
) -> Result<ApiToken, AdminError> {
    let token = ApiToken::generate();
    db::rights_holders::create_token(
        conn,
        holder.rights_holder_id,
        &token.public_id,
        &token.secret_hash(),
        label,
    )
    .await?;
    Ok(token)
}

fn show_token(holder: &HolderRow, token: &ApiToken) -> String {
    format!(
        "New API token {} for {}. It is shown only now; store it safely:\n\n    {}\n\n\
         Use it as: Authorization: Bearer <token>\n",
        token.public_id,
        holder.slug,
        token.reveal()
    )
}

async fn list(pool: &PgPool, exports: i64) -> Result<String, AdminError> {
    let mut conn = pool.acquire().await?;
    let holders = db::rights_holders::list(&mut conn, exports).await?;
    if holders.is_empty() {
        return Ok("No rights holders yet. Add one with `fakewatch rights-holder add`.\n".into());
    }
    let mut out = String::new();
    for h in holders {
        let _ = writeln!(out, "{} ({})", h.slug, h.name);
        let _ = writeln!(out, "  brands: {}", h.brands.join(", "));
        for t in h.tokens.iter() {
            let state = match t.revoked_at {
                Some(at) => format!("revoked {}", when(at)),
                None => "active".to_owned(),
            };
            let _ = writeln!(
                out,
                "  token {}{}: {state}, created {}, last used {}",
                t.id,
                t.label
                    .as_deref()
                    .map(|l| format!(" ({l})"))
                    .unwrap_or_default(),
                when(t.created_at),
                t.last_used_at.map(when).unwrap_or_else(|| "never".into()),
            );
        }
        if h.exports.is_empty() {
            let _ = writeln!(out, "  no exports yet");
        }
        for e in h.exports.iter() {
            let _ = writeln!(
                out,
                "  export {} {} {}{}{}: {} by token {}",
                when(e.at),
                e.brand,
                e.format,
                e.preset
                    .as_deref()
                    .map(|p| format!(" preset={p}"))
                    .unwrap_or_default(),
                if e.incremental { " (since cursor)" } else { "" },
                e.rows
                    .map(|n| format!("{n} rows"))
                    .unwrap_or_else(|| "not finished".into()),
                e.token.as_deref().unwrap_or("-"),
            );
        }
    }
    Ok(out)
}

fn when(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}
