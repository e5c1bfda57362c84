//! All SQL lives here: small named functions taking a connection or transaction.
//! Handlers open transactions and orchestrate; this layer knows SQL and domain types only.
//!
//! - Static statements use `query!`, `query_as!` and `query_scalar!`: the compiler checks
//!   them against the schema through the committed `.sqlx/` data (see `.cargo/config.toml`),
//!   so a renamed column or a wrong type fails the build, not a request.
//! - Runtime SQL (`sqlx::query*` with a string) remains only where the build cannot know the
//!   statement, and each place says why next to it: the moderation queue's page
//!   (`moderation_queue/sql.rs`, assembled per request from the chosen filters and flag), and
//!   the takedown export's `fetch` from a cursor that exists only inside the export's
//!   transaction (`takedowns.rs`). Outside this module, `demo_data` locks tables and loads
//!   rows with `COPY`, which the macros do not cover.
//! - Text columns holding a domain enum decode into the enum here ([`types`]); constraint
//!   refusals become field errors next to the query that can raise them ([`constraint`]).

pub mod audit;
pub mod brand_page;
pub mod brands;
pub mod confirmations;
pub mod constraint;
pub mod curation;
pub mod evidence;
pub mod home;
pub mod listings;
pub mod mail;
pub mod merges;
pub mod moderation;
pub mod moderation_queue;
pub mod moderators;
pub mod privacy;
pub mod rate_limits;
pub mod replica;
pub mod replies;
pub mod reports;
pub mod rights_holders;
pub mod search;
pub mod seller_page;
pub mod sellers;
pub mod summaries;
pub mod takedowns;
pub mod types;

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::MigrateDatabase;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool, Postgres};

use crate::config::Config;
use crate::security::UrlWithPassword;

/// Why the database could not be made ready; messages name the URL without its password.
#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("{setting} is not a valid PostgreSQL URL ({url}): {source}")]
    BadUrl {
        setting: &'static str,
        url: String,
        source: sqlx::Error,
    },
    #[error("cannot reach PostgreSQL at {url}: {source}")]
    Unreachable { url: String, source: sqlx::Error },
    #[error("cannot create database {name:?} at {url}: {source}")]
    CreateFailed {
        name: String,
        url: String,
        source: sqlx::Error,
    },
    #[error(
        "the replica at {url} has not applied migration {version}, which DATABASE_URL has: \
         is FAKEWATCH_DATABASE_REPLICA_URL a streaming replica of DATABASE_URL, and is it \
         replaying?"
    )]
    ReplicaBehind { url: String, version: i64 },
    #[error("migrating the database at {url} failed: {source}")]
    Migrate {
        url: String,
        source: sqlx::migrate::MigrateError,
    },
}

/// The migrations compiled into the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// Creates the database if needed, migrates it, and returns a pool for operator commands
/// (migrations, demo data, rights holders), whose statements may run as long as they need.
pub async fn prepare(config: &Config) -> Result<PgPool, DbSetupError> {
    prepare_with(config, None).await
}

/// As [`prepare`], for the web service: every statement of every request runs under the
/// configured `statement_timeout`, so that no query a visitor can trigger holds a pooled
/// connection for long (exports raise it in their own transaction).
pub async fn prepare_for_serving(config: &Config) -> Result<PgPool, DbSetupError> {
    let timeout = Duration::from_secs(config.statement_timeout_secs.max(1));
    prepare_with(config, Some(timeout)).await
}

async fn prepare_with(
    config: &Config,
    statement_timeout: Option<Duration>,
) -> Result<PgPool, DbSetupError> {
    let url = config.redacted_database_url();
    let options = session_options("DATABASE_URL", &config.database_url)?;
    // A host that drops packets would otherwise hang start-up for minutes.
    let connect_timeout = Duration::from_secs(config.db_timeout_secs.max(1) * 2);
    tokio::time::timeout(
        connect_timeout,
        create_database_if_missing(config.database_url.expose(), &url),
    )
    .await
    .map_err(|_| DbSetupError::Unreachable {
        url: url.clone(),
        source: sqlx::Error::PoolTimedOut,
    })??;
    // Migrations run on a connection of their own, free of the service's statement timeout.
    let mut conn = PgConnection::connect_with(&options)
        .await
        .map_err(|source| DbSetupError::Unreachable {
            url: url.to_owned(),
            source,
        })?;
    MIGRATOR
        .run(&mut conn)
        .await
        .map_err(|source| DbSetupError::Migrate {
            url: url.clone(),
            source,
        })?;
    let _ = conn.close().await;
    let options = match statement_timeout {
        Some(timeout) => with_statement_timeout(options, timeout),
        None => options,
    };
    pool_options(config)
        .connect_with(options)
        .await
        .map_err(|source| DbSetupError::Unreachable { url, source })
}

/// How every connection of ours talks to a server: the URL's settings, quiet notices, and
/// statements logged at debug level.
fn session_options(
    setting: &'static str,
    url: &UrlWithPassword,
) -> Result<PgConnectOptions, DbSetupError> {
    Ok(PgConnectOptions::from_str(url.expose())
        .map_err(|source| DbSetupError::BadUrl {
            setting,
            url: url.redacted(),
            source,
        })?
        // Notices such as "relation already exists, skipping" are not news to anyone.
        .options([("client_min_messages", "warning")])
        .log_statements(tracing::log::LevelFilter::Debug))
}

fn with_statement_timeout(options: PgConnectOptions, timeout: Duration) -> PgConnectOptions {
    options.options([("statement_timeout", format!("{}ms", timeout.as_millis()))])
}

fn pool_options(config: &Config) -> PgPoolOptions {
    PgPoolOptions::new()
        .max_connections(config.db_connections)
        .acquire_timeout(Duration::from_secs(config.db_timeout_secs))
}

/// Creates our database when it is missing, so that a fresh machine needs no manual
/// `createdb`.
async fn create_database_if_missing(database_url: &str, url: &str) -> Result<(), DbSetupError> {
    let exists = match Postgres::database_exists(database_url).await {
        Ok(exists) => exists,
        // Some hosted servers refuse connections to their maintenance database: ours may
        // exist all the same, and the migrations' connection that follows says if it doesn't.
        Err(sqlx::Error::Database(_)) => return Ok(()),
        Err(source) => {
            return Err(DbSetupError::Unreachable {
                url: url.to_owned(),
                source,
            });
        }
    };
    if !exists {
        match Postgres::create_database(database_url).await {
            Ok(()) => tracing::info!(%url, "created database"),
            // Another instance created it in the meantime: fine.
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
            Err(source) => {
                let name = PgConnectOptions::from_str(database_url)
                    .ok()
                    .and_then(|o| o.get_database().map(str::to_owned))
                    .unwrap_or_default();
                return Err(DbSetupError::CreateFailed {
                    name,
                    url: url.to_owned(),
                    source,
                });
            }
        }
    }
    Ok(())
}

/// Answers whether the database responds, for `/healthz`.
pub async fn ping(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query!("select 1 as alive")
        .fetch_one(pool)
        .await
        .map(|_| ())
}
