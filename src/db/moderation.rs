//! Moderators' decisions: verifying and rejecting reports, hiding and showing evidence files.
//! Each function runs inside the caller's transaction, which also writes the audit row
//! (`db::audit::record`).

use sqlx::PgConnection;

use crate::domain::moderation::RejectReason;
use crate::domain::moderation::decision::Standing;
use crate::domain::status::ReportStatus;

/// A report locked for a decision.
#[derive(Debug, Clone)]
pub struct LockedReport {
    pub report_id: i64,
    pub updated_at: time::OffsetDateTime,
    pub seller_id: i64,
    pub status: ReportStatus,
    pub rejection_reason: Option<RejectReason>,
}

impl LockedReport {
    pub fn standing(&self) -> Standing {
        Standing {
            status: self.status,
            reason: self.rejection_reason,
        }
    }
}

/// Locks the report with this public id for a decision: its seller's row first, then the
/// report, in the order intake and withdrawal lock them, so that the recount of the seller's
/// shown name that follows never runs beside another of the seller's votes.
#[tracing::instrument(skip_all, fields(report = public_id, report_id, seller_id))]
pub async fn lock_report(
    conn: &mut PgConnection,
    public_id: &str,
) -> sqlx::Result<Option<LockedReport>> {
    loop {
        let locked = sqlx::query_as!(
            LockedReport,
            r#"with seller as (
                   select s.seller_id from report r join seller s on s.seller_id = r.seller_id
                   where r.public_id = $1
                   for update of s
               )
               select r.report_id, r.updated_at, r.seller_id, r.status as "status: ReportStatus",
                      r.rejection_reason as "rejection_reason: RejectReason"
               from report r
               where r.public_id = $1 and r.seller_id = (select seller_id from seller)
               for update"#,
            public_id,
        )
        .fetch_optional(&mut *conn)
        .await?;
        if let Some(report) = &locked {
            let span = tracing::Span::current();
            span.record("report_id", report.report_id);
            span.record("seller_id", report.seller_id);
            return Ok(locked);
        }
        // Nothing locked: either there is no such report, or a moderator's merge moved it to
        // another seller while this waited for the old one's lock. Then lock the new seller
        // and try again; each round needs another merge to have committed meanwhile.
        let exists = sqlx::query_scalar!(
            r#"select exists (select 1 from report where public_id = $1) as "exists!""#,
            public_id,
        )
        .fetch_one(&mut *conn)
        .await?;
        if !exists {
            return Ok(None);
        }
    }
}

/// Records `moderator_id`'s decision: the report's new status and rejection reason. The
/// report's (listing, brand) is marked changed by the report's own update trigger.
///
/// Verifying a rejected report makes it live again, which its reporter's newer confirmed
/// report on the same listing forbids: the caller turns that refusal
/// (`report_confirmed_reporter_listing_unique`) into a conflict, not a field error.
#[tracing::instrument(
    skip_all,
    fields(report_id = report_id, moderator_id = moderator_id, status = standing.status.as_str())
)]
pub async fn decide(
    conn: &mut PgConnection,
    report_id: i64,
    standing: Standing,
    moderator_id: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update report
         set status = $2, rejection_reason = $3, moderated_at = now(), moderated_by = $4
         where report_id = $1",
        report_id,
        standing.status.as_str(),
        standing.reason.map(RejectReason::as_str),
        moderator_id,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// An evidence file locked to be hidden or shown.
#[derive(Debug, Clone)]
pub struct LockedEvidence {
    pub evidence_id: i64,
    pub hidden: bool,
    /// The public id of the report it belongs to, for the audit row.
    pub report_public_id: String,
}

/// Locks the evidence file with this public id to hide or show it.
#[tracing::instrument(skip_all, fields(evidence = public_id))]
pub async fn lock_evidence(
    conn: &mut PgConnection,
    public_id: &str,
) -> sqlx::Result<Option<LockedEvidence>> {
    sqlx::query_as!(
        LockedEvidence,
        r#"select e.evidence_id, e.hidden_at is not null as "hidden!",
                  r.public_id as report_public_id
           from evidence e join report r on r.report_id = e.report_id
           where e.public_id = $1
           for update of e"#,
        public_id,
    )
    .fetch_optional(conn)
    .await
}

/// Hides the file (as `moderator_id`) or shows it again. Its trigger marks the report's
/// (listing, brand) changed for brand owners' incremental exports.
#[tracing::instrument(skip_all, fields(evidence_id = evidence_id, hide = hide, moderator_id = moderator_id))]
pub async fn set_hidden(
    conn: &mut PgConnection,
    evidence_id: i64,
    hide: bool,
    moderator_id: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update evidence
         set hidden_at = case when $2 then now() end,
             hidden_by = case when $2 then $3::int8 end
         where evidence_id = $1",
        evidence_id,
        hide,
        moderator_id,
    )
    .execute(conn)
    .await
    .map(|_| ())
}
