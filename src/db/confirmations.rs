//! Email confirmation: queueing the mail that carries the link, finding an address's pending
//! reports, and confirming or disowning them. The token itself is made when the mail is sent
//! (`db::mail`), so that nothing in the queue is a usable secret.

use sqlx::PgConnection;
use time::OffsetDateTime;

use crate::domain::Marketplace;

/// At most this many confirmation mails per address per 24 hours, whatever is filed: the
/// service must not become a way to flood someone's mailbox.
pub const MAILS_PER_DAY: i64 = 5;

/// Queues a confirmation mail for the address unless one is already waiting to be sent (it
/// will list this report too) or the address had [`MAILS_PER_DAY`] in the last 24 hours.
/// Returns whether a mail was queued. Call it in the transaction that files the report.
#[tracing::instrument(skip_all, fields(queued))]
pub async fn queue_mail(
    conn: &mut PgConnection,
    reporter_key: &[u8],
    email: &str,
) -> sqlx::Result<bool> {
    // Serialises the check and the insert per address (two filings at once must not both
    // see room for the fifth mail); released at commit.
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended(encode($1, 'hex'), 8))",
        reporter_key,
    )
    .execute(&mut *conn)
    .await?;
    let queued = sqlx::query_scalar!(
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
        reporter_key,
        email,
        MAILS_PER_DAY,
    )
    .fetch_optional(&mut *conn)
    .await?;
    tracing::Span::current().record("queued", queued.is_some());
    Ok(queued.is_some())
}

/// A report waiting for its reporter to confirm the address, as the mail and the
/// confirmation page describe it.
#[derive(Debug, Clone)]
pub struct PendingReport {
    pub report_id: i64,
    pub public_id: String,
    pub canonical_url: String,
    pub marketplace: Marketplace,
    pub brand_name: String,
    pub seller_name: String,
    pub description: String,
    pub created_at: OffsetDateTime,
}

/// The address's live reports that are not confirmed yet, oldest first.
#[tracing::instrument(skip_all, fields(found))]
pub async fn pending_reports(
    conn: &mut PgConnection,
    reporter_key: &[u8],
) -> sqlx::Result<Vec<PendingReport>> {
    let pending = sqlx::query_as!(
        PendingReport,
        r#"select r.report_id, r.public_id, l.canonical_url,
                l.marketplace as "marketplace: Marketplace",
                b.display_name as brand_name, s.display_name as seller_name, r.description,
                r.created_at
         from report r
         join listing l on l.listing_id = r.listing_id
         join brand b on b.brand_id = r.brand_id
         join seller s on s.seller_id = r.seller_id
         where r.reporter_key = $1 and r.confirmed_at is null
           and r.status in ('unverified', 'verified')
         order by r.created_at, r.report_id"#,
        reporter_key,
    )
    .fetch_all(conn)
    .await?;
    tracing::Span::current().record("found", pending.len());
    Ok(pending)
}

/// The address a confirmation token stands for, while the token is valid.
#[tracing::instrument(skip_all, fields(valid))]
pub async fn reporter_for_token(
    conn: &mut PgConnection,
    token_hash: &[u8],
) -> sqlx::Result<Option<Vec<u8>>> {
    let key = sqlx::query_scalar!(
        "select reporter_key from email_confirmation
         where token_hash = $1 and expires_at > now()",
        token_hash,
    )
    .fetch_optional(conn)
    .await?;
    tracing::Span::current().record("valid", key.is_some());
    Ok(key)
}

/// What a confirmation or a disowning changed.
#[derive(Debug, Default)]
pub struct Changed {
    /// Reports now confirmed (or, for [`disown`], withdrawn).
    pub reports: u64,
    /// For [`disown`]: the reports withdrawn.
    pub withdrawn: Vec<i64>,
    /// Sellers whose live reports changed: their shown name must be recounted in the same
    /// transaction (`sellers::refresh_shown_name`).
    pub sellers: Vec<i64>,
}

/// Locks the sellers of the address's pending reports among `public_ids`, in id order: intake
/// and withdrawal lock the seller before its reports, and so must we.
async fn lock_sellers(
    conn: &mut PgConnection,
    reporter_key: &[u8],
    public_ids: &[String],
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        "select s.seller_id from seller s
         where s.seller_id in (
             select r.seller_id from report r
             where r.reporter_key = $1 and r.public_id = any($2)
               and r.confirmed_at is null and r.status in ('unverified', 'verified')
             union
             -- The earlier confirmed reports that the confirmation will replace.
             select old.seller_id from report r
             join report old on old.listing_id = r.listing_id and old.reporter_key = r.reporter_key
             where r.reporter_key = $1 and r.public_id = any($2)
               and r.confirmed_at is null and r.status in ('unverified', 'verified')
               and old.status in ('unverified', 'verified'))
         order by s.seller_id
         for update",
        reporter_key,
        public_ids,
    )
    .fetch_all(conn)
    .await
}

/// Confirms the address for those of `public_ids` that are its pending reports (the ones the
/// confirmation page showed: a report filed since is not confirmed unseen). Per listing, the
/// newest of them becomes the address's one live confirmed report: its earlier reports there,
/// confirmed or among these, are withdrawn as replaced by it. Rejected reports stay rejected.
#[tracing::instrument(skip_all, fields(reports = public_ids.len()))]
pub async fn confirm(
    conn: &mut PgConnection,
    reporter_key: &[u8],
    public_ids: &[String],
) -> sqlx::Result<Changed> {
    let sellers = lock_sellers(&mut *conn, reporter_key, public_ids).await?;
    // The unique index allows one live confirmed report per address and listing: replace
    // first, then confirm.
    // Both statements choose the same reports: the address's pending ones among `public_ids`
    // (the second no longer finds those the first withdrew).
    sqlx::query!(
        "with chosen as (
             select report_id, listing_id, created_at from report
             where reporter_key = $1 and public_id = any($2)
               and confirmed_at is null and status in ('unverified', 'verified')
         ),
         newest as (
             select distinct on (listing_id) report_id, listing_id from chosen
             order by listing_id, created_at desc, report_id desc
         )
         update report r set status = 'withdrawn', replaced_by = n.report_id
         from newest n
         where r.listing_id = n.listing_id and r.reporter_key = $1
           and r.report_id <> n.report_id
           and r.status in ('unverified', 'verified')
           and (r.confirmed_at is not null
                or r.report_id in (select report_id from chosen))",
        reporter_key,
        public_ids,
    )
    .execute(&mut *conn)
    .await?;
    let confirmed = sqlx::query!(
        "update report set confirmed_at = now()
         where reporter_key = $1 and public_id = any($2)
           and confirmed_at is null and status in ('unverified', 'verified')",
        reporter_key,
        public_ids,
    )
    .execute(&mut *conn)
    .await?;
    Ok(Changed {
        reports: confirmed.rows_affected(),
        withdrawn: Vec::new(),
        sellers,
    })
}

/// "This wasn't me": withdraws those of `public_ids` that are the address's pending reports.
#[tracing::instrument(skip_all, fields(reports = public_ids.len()))]
pub async fn disown(
    conn: &mut PgConnection,
    reporter_key: &[u8],
    public_ids: &[String],
) -> sqlx::Result<Changed> {
    let sellers = lock_sellers(&mut *conn, reporter_key, public_ids).await?;
    let withdrawn = sqlx::query_scalar!(
        "update report set status = 'withdrawn'
         where reporter_key = $1 and public_id = any($2)
           and confirmed_at is null and status in ('unverified', 'verified')
         returning report_id",
        reporter_key,
        public_ids,
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(Changed {
        reports: withdrawn.len() as u64,
        withdrawn,
        sellers,
    })
}
