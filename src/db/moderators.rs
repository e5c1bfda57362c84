//! Moderators' accounts and their sessions.

use sqlx::PgConnection;
use time::OffsetDateTime;

/// A moderator's account, as the CLI lists it and sign-in checks it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ModeratorRow {
    pub moderator_id: i64,
    pub email: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub disabled_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// The moderator a live session belongs to.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub moderator_session_id: i64,
    pub moderator_id: i64,
    pub email: String,
    pub is_admin: bool,
    pub last_seen_at: OffsetDateTime,
}

/// Creates a moderator; `None` when the email is taken.
#[tracing::instrument(skip_all, fields(is_admin))]
pub async fn create(
    conn: &mut PgConnection,
    email: &str,
    password_hash: &str,
    is_admin: bool,
) -> sqlx::Result<Option<ModeratorRow>> {
    sqlx::query_as(
        "insert into moderator (email, password_hash, is_admin) values ($1, $2, $3)
         on conflict on constraint moderator_email_unique do nothing
         returning moderator_id, email, password_hash, is_admin, disabled_at, created_at",
    )
    .bind(email)
    .bind(password_hash)
    .bind(is_admin)
    .fetch_optional(conn)
    .await
}

#[tracing::instrument(skip_all)]
pub async fn find_by_email(
    conn: &mut PgConnection,
    email: &str,
) -> sqlx::Result<Option<ModeratorRow>> {
    sqlx::query_as(
        "select moderator_id, email, password_hash, is_admin, disabled_at, created_at
         from moderator where email = $1",
    )
    .bind(email)
    .fetch_optional(conn)
    .await
}

/// Every moderator, enabled ones first, then by email.
#[tracing::instrument(skip_all)]
pub async fn list(conn: &mut PgConnection) -> sqlx::Result<Vec<ModeratorRow>> {
    sqlx::query_as(
        "select moderator_id, email, password_hash, is_admin, disabled_at, created_at
         from moderator order by disabled_at is not null, email",
    )
    .fetch_all(conn)
    .await
}

/// Disables a moderator and ends their sessions; `None` when there is no such moderator,
/// `Some(false)` when they were disabled already.
#[tracing::instrument(skip_all)]
pub async fn disable(conn: &mut PgConnection, email: &str) -> sqlx::Result<Option<bool>> {
    let row: Option<(i64, bool)> = sqlx::query_as(
        "with target as (
             select moderator_id, disabled_at is null as enabled from moderator
             where email = $1 for update
         ), disabled as (
             update moderator m set disabled_at = now()
             from target t where m.moderator_id = t.moderator_id and t.enabled
         ), ended as (
             update moderator_session s set revoked_at = now()
             from target t
             where s.moderator_id = t.moderator_id and s.revoked_at is null
         )
         select moderator_id, enabled from target",
    )
    .bind(email)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(_, was_enabled)| was_enabled))
}

/// Starts a session lasting `hours`; the caller keeps the token, the row only its hash.
#[tracing::instrument(skip_all)]
pub async fn start_session(
    conn: &mut PgConnection,
    moderator_id: i64,
    token_hash: &[u8],
    hours: u32,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into moderator_session (moderator_id, token_hash, expires_at)
         values ($1, $2, now() + make_interval(hours => $3))",
    )
    .bind(moderator_id)
    .bind(token_hash)
    .bind(i32::try_from(hours).unwrap_or(i32::MAX))
    .execute(conn)
    .await?;
    Ok(())
}

/// The session whose token hashes to `token_hash`, if it is live: not revoked, not expired,
/// its moderator not disabled.
#[tracing::instrument(skip_all)]
pub async fn find_session(
    conn: &mut PgConnection,
    token_hash: &[u8],
) -> sqlx::Result<Option<SessionRow>> {
    sqlx::query_as(
        "select s.moderator_session_id, m.moderator_id, m.email, m.is_admin, s.last_seen_at
         from moderator_session s join moderator m using (moderator_id)
         where s.token_hash = $1 and s.revoked_at is null and s.expires_at > now()
           and m.disabled_at is null",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await
}

/// Records that the session was used now.
#[tracing::instrument(skip_all)]
pub async fn touch_session(conn: &mut PgConnection, session_id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "update moderator_session set last_seen_at = now() where moderator_session_id = $1",
    )
    .bind(session_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends a session (logout).
#[tracing::instrument(skip_all)]
pub async fn end_session(conn: &mut PgConnection, session_id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "update moderator_session set revoked_at = now()
         where moderator_session_id = $1 and revoked_at is null",
    )
    .bind(session_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends the session whose token hashes to `token_hash`, if any (a browser signing in again).
#[tracing::instrument(skip_all)]
pub async fn end_session_by_token(conn: &mut PgConnection, token_hash: &[u8]) -> sqlx::Result<()> {
    sqlx::query(
        "update moderator_session set revoked_at = now()
         where token_hash = $1 and revoked_at is null",
    )
    .bind(token_hash)
    .execute(conn)
    .await?;
    Ok(())
}

/// Deletes up to `limit` sessions that ended more than a day ago; returns how many.
#[tracing::instrument(skip_all)]
pub async fn delete_ended_sessions(conn: &mut PgConnection, limit: i64) -> sqlx::Result<u64> {
    let done = sqlx::query(
        "delete from moderator_session where moderator_session_id in (
             select moderator_session_id from moderator_session
             where expires_at < now() - interval '1 day'
                or revoked_at < now() - interval '1 day'
             limit $1
         )",
    )
    .bind(limit)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
