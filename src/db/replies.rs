//! Sellers' replies: filing one, the moderators' list and decisions, and forgetting the
//! contacts of replies that will never be shown again. The published reply reaches the public
//! through the seller page's own statement (`db::seller_page::PAGE_SQL`).
//!
//! The contact address is written here and read by no query: neither public pages nor
//! moderators see it.

use serde::Deserialize;
use sqlx::PgConnection;
use time::OffsetDateTime;

use super::constraint::{OnConstraint, WriteError};
use crate::domain::Marketplace;
use crate::domain::reply::{ReplyRejectReason, ReplyStatus, Statement, VerificationCode};
use crate::domain::report::Email;

/// A reply to store, as the form made it.
#[derive(Debug, Clone)]
pub struct ReplyWrite<'a> {
    pub public_id: &'a str,
    pub seller_id: i64,
    pub statement: &'a Statement,
    pub contact: &'a Email,
    pub code: &'a VerificationCode,
}

/// Stores a pending reply. The form's checks come first; the database's length rules are the
/// net under them.
#[tracing::instrument(skip_all, fields(reply = reply.public_id, seller_id = reply.seller_id))]
pub async fn insert(conn: &mut PgConnection, reply: &ReplyWrite<'_>) -> Result<(), WriteError> {
    // The seller row is read with a share lock: a merge moving this seller's replies commits
    // first, and the reply then goes to the seller it was merged into, not the alias left
    // behind (where nobody would ever see it).
    sqlx::query!(
        "insert into seller_reply (public_id, seller_id, statement, contact_email,
                                   verification_code)
         select $1, coalesce(s.merged_into, s.seller_id), $3, $4, $5
         from seller s where s.seller_id = $2
         for share",
        reply.public_id,
        reply.seller_id,
        reply.statement.as_str(),
        reply.contact.as_str(),
        reply.code.as_str(),
    )
    .execute(conn)
    .await
    .on_constraint(
        "seller_reply_statement_length",
        "statement",
        "The reply must be 1 to 2000 characters",
    )
    .on_constraint(
        "seller_reply_contact_email_length",
        "email",
        "Email addresses have at most 254 characters",
    )?;
    Ok(())
}

/// A seller's published reply, as the seller page's statement returns it: nothing about its
/// author but the statement.
#[derive(Debug, Clone, Deserialize)]
pub struct PublicReply {
    pub id: String,
    pub statement: String,
    /// RFC 3339: when a moderator approved it.
    pub approved_at: String,
}

/// A reply waiting for a moderator, with what the moderator checks it against.
#[derive(Debug, Clone)]
pub struct PendingReply {
    pub public_id: String,
    pub seller_id: i64,
    pub marketplace: Marketplace,
    pub seller_key: String,
    pub seller_name: String,
    pub store_url: Option<String>,
    pub statement: String,
    pub code: VerificationCode,
    pub created_at: OffsetDateTime,
}

/// Pending replies, oldest first: `limit` of them after skipping `offset`.
#[tracing::instrument(skip_all, fields(limit = limit, offset = offset, replies))]
pub async fn pending(
    conn: &mut PgConnection,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<PendingReply>> {
    let replies = sqlx::query_as!(
        PendingReply,
        r#"select r.public_id, r.seller_id, s.marketplace as "marketplace: Marketplace",
                  s.seller_key, s.display_name as seller_name, s.store_url, r.statement,
                  r.verification_code as "code: VerificationCode", r.created_at
           from seller_reply r join seller s on s.seller_id = r.seller_id
           where r.status = 'pending'
           order by r.created_at, r.seller_reply_id
           limit $1 offset $2"#,
        limit,
        offset,
    )
    .fetch_all(conn)
    .await?;
    tracing::Span::current().record("replies", replies.len());
    Ok(replies)
}

/// One of a seller's replies, in any status, for the history moderators see.
#[derive(Debug, Clone)]
pub struct ReplyRecord {
    pub public_id: String,
    pub seller_id: i64,
    pub statement: String,
    pub status: ReplyStatus,
    pub reject_reason: Option<ReplyRejectReason>,
    pub created_at: OffsetDateTime,
    pub decided_at: Option<OffsetDateTime>,
    pub replaced_at: Option<OffsetDateTime>,
}

/// How many of each seller's replies the history shows, newest first.
pub const HISTORY_PER_SELLER: i64 = 20;

/// The latest [`HISTORY_PER_SELLER`] replies of each of these sellers, newest first.
#[tracing::instrument(skip_all, fields(sellers = seller_ids.len(), replies))]
pub async fn history(
    conn: &mut PgConnection,
    seller_ids: &[i64],
) -> sqlx::Result<Vec<ReplyRecord>> {
    let replies = sqlx::query_as!(
        ReplyRecord,
        r#"select r.public_id as "public_id!", r.seller_id as "seller_id!",
                  r.statement as "statement!", r.status as "status!: ReplyStatus",
                  r.reject_reason as "reject_reason?: ReplyRejectReason",
                  r.created_at as "created_at!", r.decided_at as "decided_at?",
                  r.replaced_at as "replaced_at?"
           from unnest($1::int8[]) as s (seller_id)
           cross join lateral (
               select * from seller_reply x
               where x.seller_id = s.seller_id
               order by x.created_at desc, x.seller_reply_id desc
               limit $2
           ) r
           order by r.seller_id, r.created_at desc, r.seller_reply_id desc"#,
        seller_ids,
        HISTORY_PER_SELLER,
    )
    .fetch_all(conn)
    .await?;
    tracing::Span::current().record("replies", replies.len());
    Ok(replies)
}

/// A reply locked for a decision.
#[derive(Debug, Clone)]
pub struct Locked {
    pub seller_reply_id: i64,
    pub seller_id: i64,
    pub status: ReplyStatus,
}

/// Locks the reply with this public id until the transaction ends, then its seller's row, so
/// that two moderators approving two replies of one seller at once take turns (each sees the
/// other's published reply and replaces it). `None` when there is no such reply.
#[tracing::instrument(skip_all, fields(reply = public_id, seller_reply_id, seller_id))]
pub async fn lock(conn: &mut PgConnection, public_id: &str) -> sqlx::Result<Option<Locked>> {
    let locked = sqlx::query_as!(
        Locked,
        r#"select seller_reply_id, seller_id, status as "status: ReplyStatus" from seller_reply
           where public_id = $1
           for update"#,
        public_id,
    )
    .fetch_optional(&mut *conn)
    .await?;
    let Some(reply) = locked else {
        return Ok(None);
    };
    let span = tracing::Span::current();
    span.record("seller_reply_id", reply.seller_reply_id);
    span.record("seller_id", reply.seller_id);
    sqlx::query!(
        "select 1 as locked from seller where seller_id = $1 for no key update",
        reply.seller_id,
    )
    .fetch_optional(conn)
    .await?;
    Ok(Some(reply))
}

/// Publishes a locked pending reply; the seller's reply published until now becomes
/// `replaced`. Returns that earlier reply's public id. Call it in the transaction of [`lock`].
#[tracing::instrument(
    skip_all,
    fields(
        seller_reply_id = reply.seller_reply_id,
        seller_id = reply.seller_id,
        moderator_id = moderator_id,
        replaced,
    )
)]
pub async fn approve(
    conn: &mut PgConnection,
    reply: &Locked,
    moderator_id: i64,
) -> sqlx::Result<Option<String>> {
    // Two statements, not one with a CTE: the unique index on approved replies is checked row
    // by row, so the earlier reply must have left `approved` before this one enters it.
    let previous = sqlx::query!(
        "update seller_reply set status = 'replaced', replaced_at = now()
         where seller_id = $1 and status = 'approved'
         returning seller_reply_id, public_id",
        reply.seller_id,
    )
    .fetch_optional(&mut *conn)
    .await?;
    sqlx::query!(
        "update seller_reply
         set status = 'approved', decided_at = now(), decided_by = $2, replaces = $3
         where seller_reply_id = $1",
        reply.seller_reply_id,
        moderator_id,
        previous.as_ref().map(|p| p.seller_reply_id),
    )
    .execute(conn)
    .await?;
    tracing::Span::current().record("replaced", previous.is_some());
    Ok(previous.map(|p| p.public_id))
}

/// Rejects a locked pending reply. Call it in the transaction of [`lock`].
#[tracing::instrument(
    skip_all,
    fields(
        seller_reply_id = reply.seller_reply_id,
        moderator_id = moderator_id,
        reason = reason.as_str(),
    )
)]
pub async fn reject(
    conn: &mut PgConnection,
    reply: &Locked,
    moderator_id: i64,
    reason: ReplyRejectReason,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update seller_reply
         set status = 'rejected', reject_reason = $2, decided_at = now(), decided_by = $3
         where seller_reply_id = $1",
        reply.seller_reply_id,
        reason.as_str(),
        moderator_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Clears the contact address of up to `limit` rejected or replaced replies decided (or
/// replaced) before `before`; rows another purge holds are skipped. Returns how many.
#[tracing::instrument(skip_all, fields(limit = limit, cleared))]
pub async fn forget_contacts(
    conn: &mut PgConnection,
    before: OffsetDateTime,
    limit: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query!(
        "with batch as (
             select seller_reply_id from seller_reply
             where contact_email is not null and status in ('rejected', 'replaced')
               and coalesce(replaced_at, decided_at) < $1
             order by coalesce(replaced_at, decided_at)
             limit $2
             for update skip locked
         )
         update seller_reply r set contact_email = null
         from batch
         where r.seller_reply_id = batch.seller_reply_id",
        before,
        limit,
    )
    .execute(conn)
    .await?;
    tracing::Span::current().record("cleared", done.rows_affected());
    Ok(done.rows_affected())
}
