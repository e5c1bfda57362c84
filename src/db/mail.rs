//! The mail queue: claiming a due mail (`for update skip locked`, so that several instances
//! share one queue), and recording what came of sending it. Intake queues confirmation mails
//! (`db::confirmations::queue_mail`); `mail::sender` works through them.
//!
//! A claim is a lease, not a lock held while the mail server is talked to: claiming moves the
//! mail's `next_attempt_at` a few minutes ahead, so that no other sender takes it meanwhile,
//! and each statement commits on its own. Erasing or purging an address therefore never waits
//! for a slow mail server, and a sender that dies mid-send leaves the mail to be tried again
//! once the lease has run out. The outcome is recorded only while the lease is still the
//! sender's (`next_attempt_at` as claimed): a mail erased meanwhile stays erased.

use sqlx::PgConnection;
use time::OffsetDateTime;

/// A mail due to be sent, leased to the sender that claimed it until `claimed_until`.
#[derive(Debug, Clone)]
pub struct DueMail {
    pub mail_id: i64,
    pub to_address: String,
    /// Failed attempts so far.
    pub attempts: i32,
    /// The lease: the row's `next_attempt_at` as the claim set it.
    pub claimed_until: OffsetDateTime,
    pub kind: DueKind,
}

/// What the mail is, with what its kind needs.
#[derive(Debug, Clone)]
pub enum DueKind {
    /// A confirmation link for the address's pending reports.
    Confirmation {
        email_confirmation_id: i64,
        reporter_key: Vec<u8>,
    },
}

/// Leases the mail due longest for `lease_secs`, skipping rows another sender is claiming at
/// the same moment.
#[tracing::instrument(skip_all, fields(mail_id))]
pub async fn claim_due(conn: &mut PgConnection, lease_secs: u64) -> sqlx::Result<Option<DueMail>> {
    // Seconds fit a float exactly far beyond any lease.
    let lease = lease_secs as f64;
    let row = sqlx::query!(
        r#"with due as (
             select mail_id from mail
             where next_attempt_at <= now()
             order by next_attempt_at, mail_id
             limit 1
             for update skip locked
         )
         update mail m
         set next_attempt_at = clock_timestamp() + make_interval(secs => $1)
         from due
         where m.mail_id = due.mail_id
         returning m.mail_id, m.kind, m.to_address, m.attempts, m.next_attempt_at,
                   m.email_confirmation_id,
                   (select ec.reporter_key from email_confirmation ec
                    where ec.email_confirmation_id = m.email_confirmation_id) as reporter_key"#,
        lease,
    )
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    tracing::Span::current().record("mail_id", row.mail_id);
    let kind = match (
        row.kind.as_str(),
        row.email_confirmation_id,
        row.reporter_key,
    ) {
        // The table's constraints make both present for a confirmation.
        ("confirmation", Some(email_confirmation_id), Some(reporter_key)) => {
            DueKind::Confirmation {
                email_confirmation_id,
                reporter_key,
            }
        }
        (other, ..) => {
            return Err(sqlx::Error::Decode(
                format!("unknown mail kind {other:?}, or one missing what it needs").into(),
            ));
        }
    };
    Ok(Some(DueMail {
        mail_id: row.mail_id,
        to_address: row.to_address,
        attempts: row.attempts,
        claimed_until: row.next_attempt_at,
        kind,
    }))
}

/// The confirmation mail went out with the token whose hash this is: the token works for
/// `valid_days` from now, and the mail leaves the queue. `false` when the mail was no longer
/// the sender's (erased meanwhile): then the token is not stored, and the link leads nowhere.
#[tracing::instrument(skip_all, fields(mail_id = mail.mail_id))]
pub async fn confirmation_sent(
    conn: &mut PgConnection,
    mail: &DueMail,
    email_confirmation_id: i64,
    token_hash: &[u8],
    valid_days: i32,
) -> sqlx::Result<bool> {
    // The clock read once, so that the token lives exactly `valid_days` from sending.
    let stored = sqlx::query_scalar!(
        "with ours as (
             delete from mail where mail_id = $1 and next_attempt_at = $2
             returning mail_id
         )
         update email_confirmation
         set token_hash = $4, sent_at = clock.at,
             expires_at = clock.at + make_interval(days => $5)
         from ours, (select clock_timestamp() as at) clock
         where email_confirmation_id = $3
         returning email_confirmation_id",
        mail.mail_id,
        mail.claimed_until,
        email_confirmation_id,
        token_hash,
        valid_days,
    )
    .fetch_optional(conn)
    .await?;
    Ok(stored.is_some())
}

/// The mail server did not take the mail: try again in `delay_secs`, noting why (`error`
/// must name no address).
#[tracing::instrument(skip_all, fields(mail_id = mail.mail_id, attempts = mail.attempts + 1))]
pub async fn retry_later(
    conn: &mut PgConnection,
    mail: &DueMail,
    delay_secs: u64,
    error: &str,
) -> sqlx::Result<()> {
    let error: String = error.chars().take(1000).collect();
    let delay = delay_secs as f64;
    sqlx::query!(
        "update mail
         set attempts = attempts + 1,
             next_attempt_at = clock_timestamp() + make_interval(secs => $3),
             last_error = $4
         where mail_id = $1 and next_attempt_at = $2",
        mail.mail_id,
        mail.claimed_until,
        delay,
        error,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A confirmation mail that will never be sent (nothing left to confirm, or an address no
/// mail can go to): its row goes, and the mail with it, so that it neither counts towards
/// the address's daily mails nor stops the next report from queueing one.
#[tracing::instrument(skip_all, fields(mail_id = mail.mail_id))]
pub async fn discard_confirmation(
    conn: &mut PgConnection,
    mail: &DueMail,
    email_confirmation_id: i64,
) -> sqlx::Result<()> {
    // mail.email_confirmation_id cascades.
    sqlx::query!(
        "delete from email_confirmation
         where email_confirmation_id = $1
           and exists (select 1 from mail where mail_id = $2 and next_attempt_at = $3)",
        email_confirmation_id,
        mail.mail_id,
        mail.claimed_until,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Seconds until the next mail waiting for a retry (or held by a sender) comes due; `None`
/// when the queue is empty or everything in it is due.
#[tracing::instrument(skip_all)]
pub async fn next_due_in(conn: &mut PgConnection) -> sqlx::Result<Option<f64>> {
    sqlx::query_scalar!(
        "select extract(epoch from min(next_attempt_at) - now())::float8
         from mail where next_attempt_at > now()",
    )
    .fetch_one(conn)
    .await
}
