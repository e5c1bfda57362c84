//! Deleting reporters' personal data: erasing a report at its reporter's request, and purging
//! what has outlived its retention (`fakewatch purge`). What is kept and why: docs/privacy.md.
//!
//! An erased report stays as a withdrawn row (counts, seller-name votes and brand owners'
//! incremental exports see it go) that holds nothing its reporter gave.

use sqlx::PgConnection;
use time::OffsetDateTime;

/// What [`scrub`] deleted. The evidence files are still in the store: delete them after the
/// transaction has committed, unless another report holds them (`evidence::delete_unreferenced`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Scrubbed {
    pub reports: u64,
    /// Storage keys of the evidence rows deleted.
    pub storage_keys: Vec<String>,
    pub mails: u64,
    pub confirmations: u64,
}

/// Mail still waiting for an address whose report is scrubbed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueuedMail {
    /// The reporter asked to erase: the address's queued mail goes, whatever else it holds.
    Delete,
    /// Retention: the mail goes only with the address's last report.
    KeepWhileHeld,
}

/// The report and the earlier versions of it that it replaced (`replaced_by`), which are the
/// same reporter's and withdrawn: erasing a report erases them too.
#[tracing::instrument(skip_all, fields(report_id = report_id))]
pub async fn with_earlier_versions(
    conn: &mut PgConnection,
    report_id: i64,
) -> sqlx::Result<Vec<i64>> {
    sqlx::query_scalar!(
        r#"with recursive versions (report_id) as (
             select $1::int8
             union
             select r.report_id from report r join versions v on r.replaced_by = v.report_id
         )
         select report_id as "report_id!" from versions"#,
        report_id,
    )
    .fetch_all(conn)
    .await
}

/// Deletes the personal data of those of `report_ids` that are withdrawn: address, reporter
/// key, confirmation, fingerprint, network hash, order details, free text and evidence rows; and the
/// address's mail and confirmations as `queued` says. Marks them erased. Reports already
/// erased are scrubbed again at no harm. Call it in a transaction.
#[tracing::instrument(skip_all, fields(reports = report_ids.len(), ?queued))]
pub async fn scrub(
    conn: &mut PgConnection,
    report_ids: &[i64],
    queued: QueuedMail,
) -> sqlx::Result<Scrubbed> {
    // The old keys come from the locked snapshot, before the update clears them.
    let rows = sqlx::query!(
        r#"with target as (
             select report_id, reporter_key from report
             where report_id = any($1) and status = 'withdrawn'
             for update
         )
         update report r set
             reporter_email = null, reporter_key = null, confirmed_at = null,
             reporter_fingerprint = null, reporter_network = null, order_date = null,
             price_amount = null,
             price_currency = null, description = '', product_title = null,
             replaced_by = null, erased_at = coalesce(r.erased_at, now())
         from target
         where r.report_id = target.report_id
         returning r.report_id, target.reporter_key as "reporter_key?""#,
        report_ids,
    )
    .fetch_all(&mut *conn)
    .await?;
    let scrubbed: Vec<i64> = rows.iter().map(|row| row.report_id).collect();
    let mut keys: Vec<Vec<u8>> = rows
        .into_iter()
        .filter_map(|row| row.reporter_key)
        .collect();
    keys.sort();
    keys.dedup();

    let storage_keys = sqlx::query_scalar!(
        r#"with deleted as (
             delete from evidence where report_id = any($1) returning storage_key
         )
         select distinct storage_key as "storage_key!" from deleted"#,
        &scrubbed,
    )
    .fetch_all(&mut *conn)
    .await?;
    let (mails, confirmations) = forget_addresses(conn, &keys, queued).await?;
    Ok(Scrubbed {
        reports: scrubbed.len() as u64,
        storage_keys,
        mails,
        confirmations,
    })
}

/// Deletes queued mail and confirmations of these reporter keys (sorted): all queued mail and
/// unsent confirmations when the reporter erases, and everything of a key that no report holds
/// any more. Confirmations of the last 24 hours keep counting against the address's mail
/// budget under a hash of its key (`confirmation_budget`, migration 0010). Returns (mails,
/// confirmations) deleted.
#[tracing::instrument(skip_all, fields(addresses = keys.len()))]
async fn forget_addresses(
    conn: &mut PgConnection,
    keys: &[Vec<u8>],
    queued: QueuedMail,
) -> sqlx::Result<(u64, u64)> {
    if keys.is_empty() {
        return Ok((0, 0));
    }
    let erase = queued == QueuedMail::Delete;
    // The lock `confirmations::queue_mail` takes per address, so that a filing of the same
    // address counts its budget either before or after this, never half-way. In key order
    // (the caller sorted them), so that two purges never wait for each other in a circle.
    sqlx::query_scalar!(
        "select count(pg_advisory_xact_lock(hashtextextended(encode(k, 'hex'), 8)))
         from unnest($1::bytea[]) k",
        keys,
    )
    .fetch_one(&mut *conn)
    .await?;
    let mails = sqlx::query!(
        "delete from mail m
         where m.reporter_key = any($1)
           and ($2 or not exists (select 1 from report r where r.reporter_key = m.reporter_key))",
        keys,
        erase,
    )
    .execute(&mut *conn)
    .await?
    .rows_affected();
    let confirmations = sqlx::query_scalar!(
        r#"with gone as (
             delete from email_confirmation c
             where c.reporter_key = any($1)
               and (($2 and c.sent_at is null)
                    or not exists (select 1 from report r where r.reporter_key = c.reporter_key))
             returning c.reporter_key, c.created_at
         ), carried as (
             insert into confirmation_budget (budget_key, counted_from)
             select confirmation_budget_key(reporter_key), created_at from gone
             where created_at > now() - interval '24 hours'
         )
         select count(*) as "deleted!" from gone"#,
        keys,
        erase,
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok((mails, u64::try_from(confirmations).unwrap_or(0)))
}

/// Up to `limit` withdrawn reports not yet scrubbed whose withdrawal is older than `before`,
/// locked for this transaction; rows another purge holds are skipped.
#[tracing::instrument(skip_all, fields(limit = limit))]
pub async fn withdrawn_before(
    conn: &mut PgConnection,
    before: OffsetDateTime,
    limit: i64,
) -> sqlx::Result<Vec<i64>> {
    // Reports withdrawn before migration 0010 have no withdrawn_at: updated_at stands in.
    sqlx::query_scalar!(
        "select report_id from report
         where status = 'withdrawn' and erased_at is null
           and coalesce(withdrawn_at, updated_at) < $1
         order by coalesce(withdrawn_at, updated_at)
         limit $2
         for update skip locked",
        before,
        limit,
    )
    .fetch_all(conn)
    .await
}

/// Forgets the address of up to `limit` reports filed before `before` whose reporter never
/// confirmed it: the email, reporter key and network hash go, and the fingerprint (a keyed hash of the
/// address) is replaced by a random one, shared by the batch's reports of the same address so
/// that they still count as one reporter. The report stays public as an anonymous one. Returns
/// how many reports, and how many of the addresses' mails and confirmations were deleted.
#[tracing::instrument(skip_all, fields(limit = limit))]
pub async fn forget_unconfirmed(
    conn: &mut PgConnection,
    before: OffsetDateTime,
    limit: i64,
) -> sqlx::Result<(u64, u64, u64)> {
    let mut keys = sqlx::query_scalar!(
        r#"with batch as (
             select report_id, reporter_key from report
             where confirmed_at is null and reporter_key is not null and created_at < $1
             order by created_at
             limit $2
             for update skip locked
         ), fresh as (
             select reporter_key, sha256(uuid_send(gen_random_uuid())) as fingerprint
             from (select distinct reporter_key from batch) k
         )
         update report r set
             reporter_email = null, reporter_key = null, reporter_fingerprint = fresh.fingerprint,
             reporter_network = null
         from batch join fresh using (reporter_key)
         where r.report_id = batch.report_id
         returning batch.reporter_key as "reporter_key!""#,
        before,
        limit,
    )
    .fetch_all(&mut *conn)
    .await?;
    let reports = keys.len() as u64;
    keys.sort();
    keys.dedup();
    let (mails, confirmations) = forget_addresses(conn, &keys, QueuedMail::KeepWhileHeld).await?;
    Ok((reports, mails, confirmations))
}

/// Deletes up to `limit` export log rows written before `before`.
#[tracing::instrument(skip_all, fields(limit = limit))]
pub async fn delete_export_logs(
    conn: &mut PgConnection,
    before: OffsetDateTime,
    limit: i64,
) -> sqlx::Result<u64> {
    sqlx::query!(
        "delete from export_log where export_log_id in (
             select export_log_id from export_log where created_at < $1
             order by created_at limit $2
         )",
        before,
        limit,
    )
    .execute(conn)
    .await
    .map(|done| done.rows_affected())
}

/// Deletes up to `limit` confirmations whose link expired more than a day ago (their mail,
/// if still queued, goes with them).
#[tracing::instrument(skip_all, fields(limit = limit))]
pub async fn delete_expired_confirmations(
    conn: &mut PgConnection,
    limit: i64,
) -> sqlx::Result<u64> {
    sqlx::query!(
        "delete from email_confirmation where email_confirmation_id in (
             select email_confirmation_id from email_confirmation
             where expires_at < now() - interval '1 day'
             order by expires_at limit $1
         )",
        limit,
    )
    .execute(conn)
    .await
    .map(|done| done.rows_affected())
}

/// Deletes up to `limit` rows of erased addresses' mail budget that no longer count.
#[tracing::instrument(skip_all, fields(limit = limit))]
pub async fn delete_spent_budget(conn: &mut PgConnection, limit: i64) -> sqlx::Result<u64> {
    sqlx::query!(
        "delete from confirmation_budget where confirmation_budget_id in (
             select confirmation_budget_id from confirmation_budget
             where counted_from < now() - interval '24 hours'
             limit $1
         )",
        limit,
    )
    .execute(conn)
    .await
    .map(|done| done.rows_affected())
}

/// The database's clock `days` days ago: the cut-off of a retention, on the clock that wrote
/// the timestamps it is compared with.
#[tracing::instrument(skip_all, fields(days = days))]
pub async fn days_ago(conn: &mut PgConnection, days: u32) -> sqlx::Result<OffsetDateTime> {
    sqlx::query_scalar!(
        r#"select now() - make_interval(days => $1) as "cut_off!""#,
        i32::try_from(days).unwrap_or(i32::MAX),
    )
    .fetch_one(conn)
    .await
}
