//! Moderators' accounts and their sessions. Emails, passwords and session tokens never go into
//! a span: the spans carry the moderator's and the session's ids.

use sqlx::PgConnection;
use time::OffsetDateTime;

/// A moderator's account, as the CLI lists it and sign-in checks it.
#[derive(Debug, Clone)]
pub struct ModeratorRow {
    pub moderator_id: i64,
    pub email: String,
    pub password_hash: String,
    pub is_admin: bool,
    pub disabled_at: Option<OffsetDateTime>,
    pub created_at: OffsetDateTime,
}

/// The moderator a live session belongs to.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub moderator_session_id: i64,
    pub moderator_id: i64,
    pub email: String,
    pub is_admin: bool,
    pub last_seen_at: OffsetDateTime,
}

/// Records the moderator a statement found in the current span.
fn record_moderator(row: Option<&ModeratorRow>) {
    if let Some(row) = row {
        tracing::Span::current().record("moderator_id", row.moderator_id);
    }
}

/// Creates a moderator; `None` when the email is taken.
#[tracing::instrument(skip_all, fields(is_admin = is_admin, moderator_id))]
pub async fn create(
    conn: &mut PgConnection,
    email: &str,
    password_hash: &str,
    is_admin: bool,
) -> sqlx::Result<Option<ModeratorRow>> {
    let row = sqlx::query_as!(
        ModeratorRow,
        "insert into moderator (email, password_hash, is_admin) values ($1, $2, $3)
         on conflict on constraint moderator_email_unique do nothing
         returning moderator_id, email, password_hash, is_admin, disabled_at, created_at",
        email,
        password_hash,
        is_admin,
    )
    .fetch_optional(conn)
    .await?;
    record_moderator(row.as_ref());
    Ok(row)
}

/// The moderator with this (folded) email, enabled or not.
#[tracing::instrument(skip_all, fields(moderator_id))]
pub async fn find_by_email(
    conn: &mut PgConnection,
    email: &str,
) -> sqlx::Result<Option<ModeratorRow>> {
    let row = sqlx::query_as!(
        ModeratorRow,
        "select moderator_id, email, password_hash, is_admin, disabled_at, created_at
         from moderator where email = $1",
        email,
    )
    .fetch_optional(conn)
    .await?;
    record_moderator(row.as_ref());
    Ok(row)
}

/// Every moderator, enabled ones first, then by email.
#[tracing::instrument(skip_all, fields(moderators))]
pub async fn list(conn: &mut PgConnection) -> sqlx::Result<Vec<ModeratorRow>> {
    let rows = sqlx::query_as!(
        ModeratorRow,
        "select moderator_id, email, password_hash, is_admin, disabled_at, created_at
         from moderator order by disabled_at is not null, email",
    )
    .fetch_all(conn)
    .await?;
    tracing::Span::current().record("moderators", rows.len());
    Ok(rows)
}

/// Disables a moderator and ends their sessions; `None` when there is no such moderator,
/// `Some(false)` when they were disabled already.
#[tracing::instrument(skip_all, fields(moderator_id))]
pub async fn disable(conn: &mut PgConnection, email: &str) -> sqlx::Result<Option<bool>> {
    let row = sqlx::query!(
        r#"with target as (
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
           select moderator_id as "moderator_id!", enabled as "enabled!" from target"#,
        email,
    )
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|row| {
        tracing::Span::current().record("moderator_id", row.moderator_id);
        row.enabled
    }))
}

/// Starts a session lasting `hours`; the caller keeps the token, the row only its hash.
#[tracing::instrument(skip_all, fields(moderator_id = moderator_id, hours = hours))]
pub async fn start_session(
    conn: &mut PgConnection,
    moderator_id: i64,
    token_hash: &[u8],
    hours: u32,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into moderator_session (moderator_id, token_hash, expires_at)
         values ($1, $2, now() + make_interval(hours => $3))",
        moderator_id,
        token_hash,
        i32::try_from(hours).unwrap_or(i32::MAX),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The session whose token hashes to `token_hash`, if it is live: not revoked, not expired,
/// its moderator not disabled.
#[tracing::instrument(skip_all, fields(session_id, moderator_id))]
pub async fn find_session(
    conn: &mut PgConnection,
    token_hash: &[u8],
) -> sqlx::Result<Option<SessionRow>> {
    let row = sqlx::query_as!(
        SessionRow,
        "select s.moderator_session_id, m.moderator_id, m.email, m.is_admin, s.last_seen_at
         from moderator_session s join moderator m using (moderator_id)
         where s.token_hash = $1 and s.revoked_at is null and s.expires_at > now()
           and m.disabled_at is null",
        token_hash,
    )
    .fetch_optional(conn)
    .await?;
    if let Some(row) = &row {
        let span = tracing::Span::current();
        span.record("session_id", row.moderator_session_id);
        span.record("moderator_id", row.moderator_id);
    }
    Ok(row)
}

/// Records that the session was used now.
#[tracing::instrument(skip_all, fields(session_id = session_id))]
pub async fn touch_session(conn: &mut PgConnection, session_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "update moderator_session set last_seen_at = now() where moderator_session_id = $1",
        session_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends a session (logout).
#[tracing::instrument(skip_all, fields(session_id = session_id))]
pub async fn end_session(conn: &mut PgConnection, session_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "update moderator_session set revoked_at = now()
         where moderator_session_id = $1 and revoked_at is null",
        session_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Ends the session whose token hashes to `token_hash`, if any (a browser signing in again).
#[tracing::instrument(skip_all, fields(ended))]
pub async fn end_session_by_token(conn: &mut PgConnection, token_hash: &[u8]) -> sqlx::Result<()> {
    let done = sqlx::query!(
        "update moderator_session set revoked_at = now()
         where token_hash = $1 and revoked_at is null",
        token_hash,
    )
    .execute(conn)
    .await?;
    tracing::Span::current().record("ended", done.rows_affected());
    Ok(())
}

/// Deletes up to `limit` sessions that ended more than a day ago; returns how many.
#[tracing::instrument(skip_all, fields(limit = limit, deleted))]
pub async fn delete_ended_sessions(conn: &mut PgConnection, limit: i64) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "delete from moderator_session where moderator_session_id in (
             select moderator_session_id from moderator_session
             where expires_at < now() - interval '1 day'
                or revoked_at < now() - interval '1 day'
             limit $1
         )",
        limit,
    )
    .execute(conn)
    .await?;
    tracing::Span::current().record("deleted", done.rows_affected());
    Ok(done.rows_affected())
}
