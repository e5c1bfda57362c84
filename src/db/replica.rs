//! The streaming replica that public reads go to (`FAKEWATCH_DATABASE_REPLICA_URL`): its pool,
//! the check that it is a copy of our database, and how far its replay is behind.

use std::time::Duration;

use sqlx::{PgConnection, PgPool};

use super::{DbSetupError, MIGRATOR, pool_options, session_options, with_statement_timeout};
use crate::config::Config;
use crate::security::UrlWithPassword;

/// How often start-up asks a replica that lacks this build's latest migration again: it may
/// not have replayed what the primary applied a moment ago.
const CATCH_UP_POLL: Duration = Duration::from_millis(200);

/// Connects to the replica with the same pool settings and statement timeout as the primary's
/// serving pool. A standby is read-only: nothing is created or migrated there. Start-up waits
/// (up to twice `FAKEWATCH_DB_TIMEOUT_SECS`) until it has replayed this build's latest
/// migration, so that a replica of another database, or one that stopped following, is found
/// now rather than by the first visitor.
pub async fn connect(config: &Config, url: &UrlWithPassword) -> Result<PgPool, DbSetupError> {
    let redacted = url.redacted();
    let cannot_reach = |source| DbSetupError::Unreachable {
        url: redacted.clone(),
        source,
    };
    let timeout = Duration::from_secs(config.statement_timeout_secs.max(1));
    let options = with_statement_timeout(
        session_options("FAKEWATCH_DATABASE_REPLICA_URL", url)?,
        timeout,
    );
    let pool = pool_options(config)
        .connect_with(options)
        .await
        .map_err(cannot_reach)?;
    let Some(latest) = MIGRATOR.iter().map(|m| m.version).max() else {
        return Ok(pool);
    };
    let wait = Duration::from_secs(config.db_timeout_secs.max(1) * 2);
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let mut conn = pool.acquire().await.map_err(cannot_reach)?;
        if has_migration(&mut conn, latest)
            .await
            .map_err(cannot_reach)?
        {
            return Ok(pool);
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(DbSetupError::ReplicaBehind {
                url: redacted,
                version: latest,
            });
        }
        drop(conn);
        tokio::time::sleep(CATCH_UP_POLL).await;
    }
}

/// Whether the database has applied migration `version`; a database without our migrations
/// table has applied none.
async fn has_migration(conn: &mut PgConnection, version: i64) -> sqlx::Result<bool> {
    let applied = sqlx::query_scalar!(
        r#"select exists (select 1 from _sqlx_migrations where version = $1 and success)
             as "applied!""#,
        version
    )
    .fetch_one(conn)
    .await;
    match applied {
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("42P01") => Ok(false),
        other => other,
    }
}

/// Where the replica's replay stands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Replay {
    /// A standby, this many seconds behind the primary's last transaction it has seen (0 when
    /// it has replayed all it received).
    Behind(f64),
    /// The server is not in recovery: a primary itself (promoted, or configured by mistake),
    /// so it is current by definition.
    NotAStandby,
}

/// How far the replica's replay is behind. An idle primary sends no new transactions, so the
/// time since the last replayed one counts only while received WAL waits to be replayed.
pub async fn replay(conn: &mut PgConnection) -> sqlx::Result<Replay> {
    let row = sqlx::query!(
        r#"select pg_is_in_recovery() as "standby!",
                  case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
                       else coalesce(extract(epoch from now() - pg_last_xact_replay_timestamp()), 0)
                  end::float8 as "lag!""#
    )
    .fetch_one(conn)
    .await?;
    Ok(if row.standby {
        Replay::Behind(row.lag.max(0.0))
    } else {
        Replay::NotAStandby
    })
}
