//! Reporters' privacy: erasing a report's personal data at its reporter's request, and
//! purging what has outlived its retention (`fakewatch purge`). docs/privacy.md says what is
//! kept, why and for how long.

pub mod purge;

use sqlx::PgPool;

use crate::db;
use crate::db::privacy::{QueuedMail, Scrubbed};
use crate::evidence::{Cleanup, EvidenceService};

pub use purge::{PurgeSummary, Retention, purge};

/// What an erasure deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Erased {
    pub scrubbed: Scrubbed,
    pub files: Cleanup,
}

/// Erases a report at its reporter's request: in one transaction it is withdrawn (its seller's
/// shown name recounted, as a withdrawal does), and it and the earlier versions it replaced
/// lose everything their reporter gave; the address's queued mail goes too. Then the evidence
/// files no other report holds are deleted. Erasing again does nothing more.
#[tracing::instrument(skip_all)]
pub async fn erase(
    db: &PgPool,
    store: &EvidenceService,
    report_id: i64,
) -> Result<Erased, sqlx::Error> {
    let mut tx = db.begin().await?;
    if let Some(seller_id) = db::reports::withdraw(&mut tx, report_id).await? {
        db::sellers::refresh_shown_name(&mut tx, seller_id).await?;
    }
    let versions = db::privacy::with_earlier_versions(&mut tx, report_id).await?;
    let scrubbed = db::privacy::scrub(&mut tx, &versions, QueuedMail::Delete).await?;
    tx.commit().await?;
    let files = crate::evidence::delete_unreferenced(db, store, &scrubbed.storage_keys).await;
    tracing::info!(
        reports = scrubbed.reports,
        files_deleted = files.deleted,
        files_shared = files.kept,
        mails = scrubbed.mails,
        "erased a report at its reporter's request"
    );
    Ok(Erased { scrubbed, files })
}
