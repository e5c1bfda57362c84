//! Deleting stored files that no report refers to any more: after a failed submission (its
//! freshly written files), and after an erasure or a purge (the reports' files). Files are
//! content-addressed and shared by every report that uploaded the same bytes, so a file goes
//! only when no evidence row names it.

use sqlx::PgPool;

use super::EvidenceService;
use crate::db;

/// What [`delete_unreferenced`] did with the files it was given.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Cleanup {
    pub deleted: u64,
    /// Another report still holds the file.
    pub kept: u64,
    /// The database or the store failed; the file stays (and is logged).
    pub failed: u64,
}

/// Deletes each file unless a report refers to it. Each file's lock is held exclusively from
/// the check until the file is gone, so a submission committing the same file waits and then
/// writes it again, and one that committed first is seen. When the database cannot be asked,
/// the file stays: a stray file is harmless, a lost one is not.
pub async fn delete_unreferenced(db: &PgPool, store: &EvidenceService, keys: &[String]) -> Cleanup {
    let mut cleanup = Cleanup::default();
    for key in keys {
        match delete_if_unreferenced(db, store, key).await {
            Ok(true) => cleanup.deleted += 1,
            Ok(false) => cleanup.kept += 1,
            Err(e) => {
                cleanup.failed += 1;
                tracing::warn!(error = %e, "cannot delete unreferenced evidence; keeping it");
            }
        }
    }
    cleanup
}

#[derive(Debug, thiserror::Error)]
enum CleanupError {
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("evidence store: {0}")]
    Store(#[from] object_store::Error),
}

async fn delete_if_unreferenced(
    db: &PgPool,
    store: &EvidenceService,
    key: &str,
) -> Result<bool, CleanupError> {
    let mut tx = db.begin().await?;
    db::evidence::lock_key_exclusive(&mut tx, key).await?;
    if db::evidence::is_referenced(&mut tx, key).await? {
        return Ok(false);
    }
    match store.delete(key).await {
        // Gone already: an earlier erasure of the same file, or a submission's clean-up.
        Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
        Err(e) => return Err(e.into()),
    }
    tx.commit().await?;
    Ok(true)
}
