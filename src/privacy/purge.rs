//! `fakewatch purge`: deletes personal data that has outlived its retention, in batches of
//! short transactions so that a large purge never holds many row locks for long. Safe to run
//! from cron at any interval, and beside the running service: a second run finds nothing.

use std::fmt;

use sqlx::PgPool;
use time::OffsetDateTime;

use crate::config::Config;
use crate::db;
use crate::db::privacy::QueuedMail;
use crate::evidence::EvidenceService;

/// Rows changed per transaction. A batch of withdrawn reports takes well under a second.
const BATCH: i64 = 500;

/// How long personal data is kept, in days (docs/privacy.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// An address never confirmed, counted from the report's filing.
    pub unconfirmed_days: u32,
    /// A withdrawn report's personal data, counted from its withdrawal.
    pub withdrawn_days: u32,
    /// Rights holders' export log.
    pub export_log_days: u32,
}

impl From<&Config> for Retention {
    fn from(config: &Config) -> Self {
        Retention {
            unconfirmed_days: config.retain_unconfirmed_days,
            withdrawn_days: config.retain_withdrawn_days,
            export_log_days: config.retain_export_log_days,
        }
    }
}

/// What one purge deleted, printed for the operator (and cron's mail).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PurgeSummary {
    pub withdrawn_reports: u64,
    pub unconfirmed_reports: u64,
    pub evidence_files_deleted: u64,
    pub evidence_files_shared: u64,
    pub evidence_files_failed: u64,
    pub mails: u64,
    pub confirmations: u64,
    pub expired_confirmations: u64,
    pub export_logs: u64,
    /// Rate-limit counters whose window has passed (the server also sweeps them).
    pub rate_limits: u64,
    /// Moderators' sessions that ended more than a day ago.
    pub moderator_sessions: u64,
    /// Contact addresses of sellers' replies rejected or replaced long enough ago.
    pub reply_contacts: u64,
}

impl fmt::Display for PurgeSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines = [
            ("withdrawn reports erased", self.withdrawn_reports),
            (
                "unconfirmed addresses removed from reports",
                self.unconfirmed_reports,
            ),
            ("evidence files deleted", self.evidence_files_deleted),
            (
                "evidence files kept (other reports hold them)",
                self.evidence_files_shared,
            ),
            (
                "evidence files that could not be deleted",
                self.evidence_files_failed,
            ),
            ("queued mails deleted", self.mails),
            ("email confirmations deleted", self.confirmations),
            (
                "expired email confirmations deleted",
                self.expired_confirmations,
            ),
            ("export log rows deleted", self.export_logs),
            ("expired rate-limit counters deleted", self.rate_limits),
            ("ended moderator sessions deleted", self.moderator_sessions),
            (
                "contacts of rejected or replaced seller replies deleted",
                self.reply_contacts,
            ),
        ];
        for (what, count) in lines {
            writeln!(f, "{what}: {count}")?;
        }
        Ok(())
    }
}

/// Deletes what has outlived `retention`: withdrawn reports' personal data and files,
/// unconfirmed addresses, export logs, expired confirmations, and the contacts of sellers'
/// replies rejected or replaced (as long ago as a withdrawal that is purged).
pub async fn purge(
    db: &PgPool,
    store: &EvidenceService,
    retention: &Retention,
) -> Result<PurgeSummary, sqlx::Error> {
    let mut summary = PurgeSummary::default();
    // The database's clock, which wrote every timestamp compared here.
    let withdrawn_before = days_ago(db, retention.withdrawn_days).await?;
    let unconfirmed_before = days_ago(db, retention.unconfirmed_days).await?;
    let export_log_before = days_ago(db, retention.export_log_days).await?;

    loop {
        let mut tx = db.begin().await?;
        let ids = db::privacy::withdrawn_before(&mut tx, withdrawn_before, BATCH).await?;
        let scrubbed = db::privacy::scrub(&mut tx, &ids, QueuedMail::KeepWhileHeld).await?;
        tx.commit().await?;
        let files = crate::evidence::delete_unreferenced(db, store, &scrubbed.storage_keys).await;
        summary.withdrawn_reports += scrubbed.reports;
        summary.mails += scrubbed.mails;
        summary.confirmations += scrubbed.confirmations;
        summary.evidence_files_deleted += files.deleted;
        summary.evidence_files_shared += files.kept;
        summary.evidence_files_failed += files.failed;
        if (ids.len() as i64) < BATCH {
            break;
        }
    }
    loop {
        let mut tx = db.begin().await?;
        let (reports, mails, confirmations) =
            db::privacy::forget_unconfirmed(&mut tx, unconfirmed_before, BATCH).await?;
        tx.commit().await?;
        summary.unconfirmed_reports += reports;
        summary.mails += mails;
        summary.confirmations += confirmations;
        if (reports as i64) < BATCH {
            break;
        }
    }
    summary.export_logs = in_batches(db, |conn| {
        Box::pin(db::privacy::delete_export_logs(
            conn,
            export_log_before,
            BATCH,
        ))
    })
    .await?;
    summary.expired_confirmations = in_batches(db, |conn| {
        Box::pin(db::privacy::delete_expired_confirmations(conn, BATCH))
    })
    .await?;
    in_batches(db, |conn| {
        Box::pin(db::privacy::delete_spent_budget(conn, BATCH))
    })
    .await?;
    summary.rate_limits = in_batches(db, |conn| {
        Box::pin(db::rate_limits::delete_expired(conn, BATCH))
    })
    .await?;
    summary.moderator_sessions = in_batches(db, |conn| {
        Box::pin(db::moderators::delete_ended_sessions(conn, BATCH))
    })
    .await?;
    // A rejected or replaced reply is never shown again; its author's address is kept as long
    // as a withdrawn report's, for questions about it, then goes.
    summary.reply_contacts = in_batches(db, |conn| {
        Box::pin(db::replies::forget_contacts(conn, withdrawn_before, BATCH))
    })
    .await?;
    Ok(summary)
}

type Batch<'c> = std::pin::Pin<Box<dyn Future<Output = sqlx::Result<u64>> + Send + 'c>>;

/// Runs a delete of up to [`BATCH`] rows, each in its own transaction, until one deletes
/// fewer. Returns the rows deleted in all.
async fn in_batches(
    db: &PgPool,
    delete: impl for<'c> Fn(&'c mut sqlx::PgConnection) -> Batch<'c>,
) -> sqlx::Result<u64> {
    let mut total = 0;
    loop {
        let mut conn = db.acquire().await?;
        let deleted = delete(&mut conn).await?;
        total += deleted;
        if deleted < BATCH as u64 {
            return Ok(total);
        }
    }
}

async fn days_ago(db: &PgPool, days: u32) -> sqlx::Result<OffsetDateTime> {
    let mut conn = db.acquire().await?;
    db::privacy::days_ago(&mut conn, days).await
}
