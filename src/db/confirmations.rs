//! Email confirmation: queueing the mail that carries the link, finding an address's pending
//! reports, and confirming or disowning them. The token itself is made when the mail is sent
//! (`db::mail`), so that nothing in the queue is a usable secret.

use sqlx::PgConnection;
use time::OffsetDateTime;

/// At most this many confirmation mails per address per 24 hours, whatever is filed: the
/// service must not become a way to flood someone's mailbox.
pub const MAILS_PER_DAY: i64 = 5;

/// Queues a confirmation mail for the address unless one is already waiting to be sent (it
/// will list this report too) or the address had [`MAILS_PER_DAY`] in the last 24 hours.
/// Returns whether a mail was queued. Call it in the transaction that files the report.
#[tracing::instrument(skip_all)]
pub async fn queue_mail(
    conn: &mut PgConnection,
    reporter_key: &[u8],
    email: &str,
) -> sqlx::Result<bool> {
    // Serialises the check and the insert per address (two filings at once must not both
    // see room for the fifth mail); released at commit.
    sqlx::query("select pg_advisory_xact_lock(hashtextextended(encode($1, 'hex'), 8))")
        .bind(reporter_key)
        .execute(&mut *conn)
        .await?;
    let queued: Option<i64> = sqlx::query_scalar(
        "with budget as (
             select count(*)
                    -- Confirmations of the address's erased reports still count (0010).
                    + (select count(*) from confirmation_budget
                       where budget_key = confirmation_budget_key($1)
                         and counted_from > now() - interval '24 hours') as sent_today,
                    count(*) filter (where sent_at is null) as waiting
             from email_confirmation
             where reporter_key = $1 and created_at > now() - interval '24 hours'
         ),
         confirmation as (
             insert into email_confirmation (reporter_key)
             select $1 from budget where sent_today < $3 and waiting = 0
             returning email_confirmation_id
         )
         insert into mail (kind, to_address, reporter_key, email_confirmation_id)
         select 'confirmation', $2, $1, email_confirmation_id from confirmation
         returning mail_id",
    )
    .bind(reporter_key)
    .bind(email)
    .bind(MAILS_PER_DAY)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(queued.is_some())
}

/// A report waiting for its reporter to confirm the address, as the mail and the
/// confirmation page describe it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingReport {
    pub report_id: i64,
    pub public_id: String,
    pub canonical_url: String,
    pub marketplace: String,
    pub brand_name: String,
    pub seller_name: String,
    pub description: String,
    pub created_at: OffsetDateTime,
}

/// The address's live reports that are not confirmed yet, oldest first.
#[tracing::instrument(skip_all)]
pub async fn pending_reports(
    conn: &mut PgConnection,
    reporter_key: &[u8],
) -> sqlx::Result<Vec<PendingReport>> {
    sqlx::query_as(
        "select r.report_id, r.public_id, l.canonical_url, l.marketplace,
                b.display_name as brand_name, s.display_name as seller_name, r.description,
                r.created_at
         from report r
         join listing l on l.listing_id = r.listing_id
         join brand b on b.brand_id = r.brand_id
         join seller s on s.seller_id = r.seller_id
         where r.reporter_key = $1 and r.confirmed_at is null
           and r.status in ('unverified', 'verified')
         order by r.created_at, r.report_id",
    )
    .bind(reporter_key)
    .fetch_all(conn)
    .await
}

/// The address a confirmation token stands for, while the token is valid.
#[tracing::instrument(skip_all)]
pub async fn reporter_for_token(
    conn: &mut PgConnection,
    token_hash: &[u8],
) -> sqlx::Result<Option<Vec<u8>>> {
    sqlx::query_scalar(
        "select reporter_key from email_confirmation
         where token_hash = $1 and expires_at > now()",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await
}
