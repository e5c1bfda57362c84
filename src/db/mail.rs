//! The mail queue: claiming a due mail (`for update skip locked`, so that several instances
//! share one queue), and recording what came of sending it. Intake queues confirmation mails
//! (`db::confirmations::queue_mail`); `mail::sender` works through them.

use sqlx::{PgConnection, PgPool, Row};

/// A mail due to be sent, locked by the transaction that claimed it until that commits.
#[derive(Debug, Clone)]
pub struct DueMail {
    pub mail_id: i64,
    pub to_address: String,
    /// Failed attempts so far.
    pub attempts: i32,
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

/// Claims the mail due longest, skipping those another sender holds. The row stays locked
/// until `conn`'s transaction ends: commit after recording the outcome; a crash or a dropped
/// transaction leaves the mail in the queue for the next attempt.
#[tracing::instrument(skip_all)]
pub async fn claim_due(conn: &mut PgConnection) -> sqlx::Result<Option<DueMail>> {
    let row = sqlx::query(
        "select m.mail_id, m.kind, m.to_address, m.attempts, m.email_confirmation_id,
                ec.reporter_key
         from mail m
         left join email_confirmation ec on ec.email_confirmation_id = m.email_confirmation_id
         where m.next_attempt_at <= now()
         order by m.next_attempt_at, m.mail_id
         limit 1
         for update of m skip locked",
    )
    .fetch_optional(conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let kind: String = row.try_get("kind")?;
    let kind = match kind.as_str() {
        // The table's constraints make both present for a confirmation.
        "confirmation" => DueKind::Confirmation {
            email_confirmation_id: row.try_get("email_confirmation_id")?,
            reporter_key: row.try_get("reporter_key")?,
        },
        other => {
            return Err(sqlx::Error::Decode(
                format!("unknown mail kind {other:?}").into(),
            ));
        }
    };
    Ok(Some(DueMail {
        mail_id: row.try_get("mail_id")?,
        to_address: row.try_get("to_address")?,
        attempts: row.try_get("attempts")?,
        kind,
    }))
}

/// The confirmation mail went out with the token whose hash this is: the token works for
/// `valid_days` from now, and the mail leaves the queue.
#[tracing::instrument(skip_all)]
pub async fn confirmation_sent(
    conn: &mut PgConnection,
    mail_id: i64,
    email_confirmation_id: i64,
    token_hash: &[u8],
    valid_days: i32,
) -> sqlx::Result<()> {
    // clock_timestamp(), not now(): the transaction began before the SMTP conversation. Read
    // once, so that the token lives exactly `valid_days` from sending.
    sqlx::query(
        "with sent as (
             update email_confirmation
             set token_hash = $2, sent_at = clock.at,
                 expires_at = clock.at + make_interval(days => $3)
             from (select clock_timestamp() as at) clock
             where email_confirmation_id = $1
         )
         delete from mail where mail_id = $4",
    )
    .bind(email_confirmation_id)
    .bind(token_hash)
    .bind(valid_days)
    .bind(mail_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// The mail server did not take the mail: try again in `delay_secs`, noting why (`error`
/// must name no address).
#[tracing::instrument(skip_all)]
pub async fn retry_later(
    conn: &mut PgConnection,
    mail_id: i64,
    delay_secs: u64,
    error: &str,
) -> sqlx::Result<()> {
    let error: String = error.chars().take(1000).collect();
    // Seconds fit a float exactly far beyond the hour the delay is capped at.
    let delay = delay_secs as f64;
    sqlx::query(
        "update mail
         set attempts = attempts + 1,
             next_attempt_at = clock_timestamp() + make_interval(secs => $2),
             last_error = $3
         where mail_id = $1",
    )
    .bind(mail_id)
    .bind(delay)
    .bind(error)
    .execute(conn)
    .await?;
    Ok(())
}

/// A confirmation mail that will never be sent (nothing left to confirm, or an address no
/// mail can go to): its row goes, and the mail with it, so that it neither counts towards
/// the address's daily mails nor stops the next report from queueing one.
#[tracing::instrument(skip_all)]
pub async fn discard_confirmation(
    conn: &mut PgConnection,
    email_confirmation_id: i64,
) -> sqlx::Result<()> {
    // mail.email_confirmation_id cascades.
    sqlx::query("delete from email_confirmation where email_confirmation_id = $1")
        .bind(email_confirmation_id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Seconds until the next mail that is waiting for a retry comes due; `None` when none is.
#[tracing::instrument(skip_all)]
pub async fn next_retry_in(pool: &PgPool) -> sqlx::Result<Option<f64>> {
    sqlx::query_scalar(
        "select extract(epoch from min(next_attempt_at) - now())::float8
         from mail where next_attempt_at > now()",
    )
    .fetch_one(pool)
    .await
}
