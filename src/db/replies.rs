//! Sellers' replies: filing one, the moderators' list and decisions, and forgetting the
//! contacts of replies that will never be shown again. The published reply reaches the public
//! through the seller page's own statement (`db::seller_page::PAGE_SQL`).
//!
//! The contact address is written here and read by no query: neither public pages nor
//! moderators see it.

use std::str::FromStr;

use serde::Deserialize;
use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgConnection, Row};
use time::OffsetDateTime;

use crate::domain::moderation::UnknownValue;
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

/// Stores a pending reply.
#[tracing::instrument(skip_all)]
pub async fn insert(conn: &mut PgConnection, reply: &ReplyWrite<'_>) -> sqlx::Result<()> {
    // The seller row is read with a share lock: a merge moving this seller's replies commits
    // first, and the reply then goes to the seller it was merged into, not the alias left
    // behind (where nobody would ever see it).
    sqlx::query(
        "insert into seller_reply (public_id, seller_id, statement, contact_email,
                                   verification_code)
         select $1, coalesce(s.merged_into, s.seller_id), $3, $4, $5
         from seller s where s.seller_id = $2
         for share",
    )
    .bind(reply.public_id)
    .bind(reply.seller_id)
    .bind(reply.statement.as_str())
    .bind(reply.contact.as_str())
    .bind(reply.code.as_str())
    .execute(conn)
    .await?;
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
    pub marketplace: String,
    pub seller_key: String,
    pub seller_name: String,
    pub store_url: Option<String>,
    pub statement: String,
    pub code: VerificationCode,
    pub created_at: OffsetDateTime,
}

impl<'r> FromRow<'r, PgRow> for PendingReply {
    fn from_row(row: &'r PgRow) -> sqlx::Result<Self> {
        Ok(PendingReply {
            public_id: row.try_get("public_id")?,
            seller_id: row.try_get("seller_id")?,
            marketplace: row.try_get("marketplace")?,
            seller_key: row.try_get("seller_key")?,
            seller_name: row.try_get("seller_name")?,
            store_url: row.try_get("store_url")?,
            statement: row.try_get("statement")?,
            code: decode(row.try_get("verification_code")?)?,
            created_at: row.try_get("created_at")?,
        })
    }
}

/// Pending replies, oldest first: `limit` of them after skipping `offset`.
#[tracing::instrument(skip_all)]
pub async fn pending(
    conn: &mut PgConnection,
    limit: i64,
    offset: i64,
) -> sqlx::Result<Vec<PendingReply>> {
    sqlx::query_as(
        "select r.public_id, r.seller_id, s.marketplace, s.seller_key,
                s.display_name as seller_name, s.store_url, r.statement, r.verification_code,
                r.created_at
         from seller_reply r join seller s on s.seller_id = r.seller_id
         where r.status = 'pending'
         order by r.created_at, r.seller_reply_id
         limit $1 offset $2",
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await
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

impl<'r> FromRow<'r, PgRow> for ReplyRecord {
    fn from_row(row: &'r PgRow) -> sqlx::Result<Self> {
        let reason: Option<String> = row.try_get("reject_reason")?;
        Ok(ReplyRecord {
            public_id: row.try_get("public_id")?,
            seller_id: row.try_get("seller_id")?,
            statement: row.try_get("statement")?,
            status: decode(row.try_get("status")?)?,
            reject_reason: reason.map(decode).transpose()?,
            created_at: row.try_get("created_at")?,
            decided_at: row.try_get("decided_at")?,
            replaced_at: row.try_get("replaced_at")?,
        })
    }
}

/// How many of each seller's replies the history shows, newest first.
pub const HISTORY_PER_SELLER: i64 = 20;

/// The latest [`HISTORY_PER_SELLER`] replies of each of these sellers, newest first.
#[tracing::instrument(skip_all, fields(sellers = seller_ids.len()))]
pub async fn history(
    conn: &mut PgConnection,
    seller_ids: &[i64],
) -> sqlx::Result<Vec<ReplyRecord>> {
    sqlx::query_as(
        "select r.public_id, r.seller_id, r.statement, r.status, r.reject_reason,
                r.created_at, r.decided_at, r.replaced_at
         from unnest($1::int8[]) as s (seller_id)
         cross join lateral (
             select * from seller_reply x
             where x.seller_id = s.seller_id
             order by x.created_at desc, x.seller_reply_id desc
             limit $2
         ) r
         order by r.seller_id, r.created_at desc, r.seller_reply_id desc",
    )
    .bind(seller_ids)
    .bind(HISTORY_PER_SELLER)
    .fetch_all(conn)
    .await
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
#[tracing::instrument(skip_all)]
pub async fn lock(conn: &mut PgConnection, public_id: &str) -> sqlx::Result<Option<Locked>> {
    let row: Option<(i64, i64, String)> = sqlx::query_as(
        "select seller_reply_id, seller_id, status from seller_reply
         where public_id = $1
         for update",
    )
    .bind(public_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((seller_reply_id, seller_id, status)) = row else {
        return Ok(None);
    };
    sqlx::query("select 1 from seller where seller_id = $1 for no key update")
        .bind(seller_id)
        .execute(conn)
        .await?;
    Ok(Some(Locked {
        seller_reply_id,
        seller_id,
        status: decode(status)?,
    }))
}

/// Publishes a locked pending reply; the seller's reply published until now becomes
/// `replaced`. Returns that earlier reply's public id. Call it in the transaction of [`lock`].
#[tracing::instrument(skip_all)]
pub async fn approve(
    conn: &mut PgConnection,
    reply: &Locked,
    moderator_id: i64,
) -> sqlx::Result<Option<String>> {
    // Two statements, not one with a CTE: the unique index on approved replies is checked row
    // by row, so the earlier reply must have left `approved` before this one enters it.
    let previous: Option<(i64, String)> = sqlx::query_as(
        "update seller_reply set status = 'replaced', replaced_at = now()
         where seller_id = $1 and status = 'approved'
         returning seller_reply_id, public_id",
    )
    .bind(reply.seller_id)
    .fetch_optional(&mut *conn)
    .await?;
    sqlx::query(
        "update seller_reply
         set status = 'approved', decided_at = now(), decided_by = $2, replaces = $3
         where seller_reply_id = $1",
    )
    .bind(reply.seller_reply_id)
    .bind(moderator_id)
    .bind(previous.as_ref().map(|(id, _)| *id))
    .execute(conn)
    .await?;
    Ok(previous.map(|(_, public_id)| public_id))
}

/// Rejects a locked pending reply. Call it in the transaction of [`lock`].
#[tracing::instrument(skip_all, fields(reason = reason.as_str()))]
pub async fn reject(
    conn: &mut PgConnection,
    reply: &Locked,
    moderator_id: i64,
    reason: ReplyRejectReason,
) -> sqlx::Result<()> {
    sqlx::query(
        "update seller_reply
         set status = 'rejected', reject_reason = $2, decided_at = now(), decided_by = $3
         where seller_reply_id = $1",
    )
    .bind(reply.seller_reply_id)
    .bind(reason.as_str())
    .bind(moderator_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Clears the contact address of up to `limit` rejected or replaced replies decided (or
/// replaced) before `before`; rows another purge holds are skipped. Returns how many.
#[tracing::instrument(skip_all)]
pub async fn forget_contacts(
    conn: &mut PgConnection,
    before: OffsetDateTime,
    limit: i64,
) -> sqlx::Result<u64> {
    let done = sqlx::query(
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
    )
    .bind(before)
    .bind(limit)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// A stored name read into its domain type; a value the code does not know is an error, never
/// a silent fallback.
fn decode<T: FromStr<Err = UnknownValue>>(stored: String) -> sqlx::Result<T> {
    stored
        .parse()
        .map_err(|e: UnknownValue| sqlx::Error::Decode(Box::new(e)))
}
