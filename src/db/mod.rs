//! All SQL lives here: small named functions taking a connection or transaction.
//! Handlers open transactions and orchestrate; this layer knows SQL and domain types only.

pub mod brand_page;
pub mod brands;
pub mod evidence;
pub mod home;
pub mod listings;
pub mod reports;
pub mod rights_holders;
pub mod search;
pub mod seller_page;
pub mod sellers;
pub mod takedowns;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{ConnectOptions, Connection, PgConnection, PgPool};

use crate::config::Config;

/// Why the database could not be made ready; messages name the URL without its password.
#[derive(Debug, thiserror::Error)]
pub enum DbSetupError {
    #[error("DATABASE_URL is not a valid PostgreSQL URL ({url}): {source}")]
    BadUrl { url: String, source: sqlx::Error },
    #[error("cannot reach PostgreSQL at {url}: {source}")]
    Unreachable { url: String, source: sqlx::Error },
    #[error("cannot create database {name:?} at {url}: {source}")]
    CreateFailed {
        name: String,
        url: String,
        source: sqlx::Error,
    },
    #[error("migrating the database at {url} failed: {source}")]
    Migrate {
        url: String,
        source: sqlx::migrate::MigrateError,
    },
}

/// The migrations compiled into the binary.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();

/// Creates the database if needed, migrates it, and returns a pool.
pub async fn prepare(config: &Config) -> Result<PgPool, DbSetupError> {
    prepare_with(config, None).await
}

/// As [`prepare`], for serving: no statement may run longer than a request
/// (`statement_timeout`). A handler's future is dropped when its request times out or its
/// client leaves, but PostgreSQL goes on running a statement already sent; this bounds it.
pub async fn prepare_for_serving(config: &Config) -> Result<PgPool, DbSetupError> {
    let limit = Duration::from_secs(config.request_timeout_secs);
    prepare_with(config, Some(limit)).await
}

async fn prepare_with(
    config: &Config,
    statement_timeout: Option<Duration>,
) -> Result<PgPool, DbSetupError> {
    let url = config.redacted_database_url();
    let options = PgConnectOptions::from_str(&config.database_url)
        .map_err(|source| DbSetupError::BadUrl {
            url: url.clone(),
            source,
        })?
        .log_statements(tracing::log::LevelFilter::Debug);
    // A host that drops packets would otherwise hang start-up for minutes.
    let connect_timeout = Duration::from_secs(config.db_timeout_secs.max(1) * 2);
    tokio::time::timeout(connect_timeout, create_database_if_missing(&options, &url))
        .await
        .map_err(|_| DbSetupError::Unreachable {
            url: url.clone(),
            source: sqlx::Error::PoolTimedOut,
        })??;
    let pool = connect_pool(config, options.clone(), &url).await?;
    MIGRATOR
        .run(&pool)
        .await
        .map_err(|source| DbSetupError::Migrate {
            url: url.clone(),
            source,
        })?;
    let Some(limit) = statement_timeout else {
        return Ok(pool);
    };
    // A migration may take longer than any request: the timeout is for a fresh pool.
    pool.close().await;
    let limit = format!("{}ms", limit.as_millis());
    connect_pool(
        config,
        options.options([("statement_timeout", limit)]),
        &url,
    )
    .await
}

async fn connect_pool(
    config: &Config,
    options: PgConnectOptions,
    url: &str,
) -> Result<PgPool, DbSetupError> {
    PgPoolOptions::new()
        .max_connections(config.db_connections)
        .acquire_timeout(Duration::from_secs(config.db_timeout_secs))
        .connect_with(options)
        .await
        .map_err(|source| DbSetupError::Unreachable {
            url: url.to_owned(),
            source,
        })
}

/// Connects to the server's maintenance database to create ours when it is missing, so that
/// a fresh machine needs no manual `createdb`.
async fn create_database_if_missing(
    options: &PgConnectOptions,
    url: &str,
) -> Result<(), DbSetupError> {
    let name = options.get_database().unwrap_or("postgres").to_owned();
    let mut conn = match PgConnection::connect_with(&options.clone().database("postgres")).await {
        Ok(conn) => conn,
        // Some hosted servers refuse connections to `postgres`; try ours directly then.
        Err(err @ sqlx::Error::Database(_)) => {
            return match PgConnection::connect_with(options).await {
                Ok(conn) => conn
                    .close()
                    .await
                    .map_err(|source| DbSetupError::Unreachable {
                        url: url.to_owned(),
                        source,
                    }),
                Err(_) => Err(DbSetupError::Unreachable {
                    url: url.to_owned(),
                    source: err,
                }),
            };
        }
        Err(source) => {
            return Err(DbSetupError::Unreachable {
                url: url.to_owned(),
                source,
            });
        }
    };
    let exists: bool =
        sqlx::query_scalar("select exists (select 1 from pg_database where datname = $1)")
            .bind(&name)
            .fetch_one(&mut conn)
            .await
            .map_err(|source| DbSetupError::Unreachable {
                url: url.to_owned(),
                source,
            })?;
    if !exists {
        // Identifiers cannot be bound as parameters; quote it as PostgreSQL does.
        let quoted = format!("\"{}\"", name.replace('"', "\"\""));
        let created = sqlx::query(sqlx::AssertSqlSafe(format!("create database {quoted}")))
            .execute(&mut conn)
            .await;
        match created {
            Ok(_) => tracing::info!(database = %name, "created database"),
            // Another instance created it in the meantime: fine.
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P04") => {}
            Err(source) => {
                return Err(DbSetupError::CreateFailed {
                    name,
                    url: url.to_owned(),
                    source,
                });
            }
        }
    }
    let _ = conn.close().await;
    Ok(())
}

/// Answers whether the database responds, for `/healthz`.
pub async fn ping(pool: &PgPool) -> Result<(), sqlx::Error> {
    sqlx::query("select 1").execute(pool).await.map(|_| ())
}
