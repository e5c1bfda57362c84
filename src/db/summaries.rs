//! The summaries the public pages read (migration 0016): checked against and rebuilt from the
//! base tables they summarise. Triggers keep them current on every write; these are for the
//! operator (`fakewatch summaries check|rebuild`), demo data and tests.

use futures_util::TryStreamExt;
use sqlx::PgConnection;

/// One summary row that does not match its recomputation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The summary table, e.g. `seller_summary`.
    pub summary: String,
    /// Which row, e.g. `seller 42`.
    pub key: String,
    /// The row as stored, as text; `None` when there is none.
    pub stored: Option<String>,
    /// The row as recomputed, as text; `None` when there should be none.
    pub fresh: Option<String>,
}

/// What [`check`] found: every difference counted, the first `shown` of them kept.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    pub differences: u64,
    pub first: Vec<Difference>,
}

/// Recomputes every summary from the base tables and compares; keeps the first `shown`
/// differences. Reads everything once: minutes at 10 M reports.
#[tracing::instrument(skip_all, fields(differences))]
pub async fn check(conn: &mut PgConnection, shown: usize) -> sqlx::Result<Checked> {
    let mut checked = Checked::default();
    let mut rows = sqlx::query_file_as!(Difference, "src/db/summaries_check.sql").fetch(conn);
    while let Some(difference) = rows.try_next().await? {
        checked.differences += 1;
        if checked.first.len() < shown {
            checked.first.push(difference);
        }
    }
    tracing::Span::current().record("differences", checked.differences);
    Ok(checked)
}

/// Replaces every summary with its recomputation, in the caller's transaction; writes to
/// reports wait until it commits.
#[tracing::instrument(skip_all)]
pub async fn rebuild(conn: &mut PgConnection) -> sqlx::Result<()> {
    sqlx::query!("select summaries_rebuild()")
        .execute(conn)
        .await?;
    Ok(())
}
