//! Evidence rows: metadata of files kept in the object store.

use sqlx::PgConnection;
use time::OffsetDateTime;

use crate::domain::media_type::MediaType;

/// One file to record for a report.
#[derive(Debug)]
pub struct NewEvidence<'a> {
    pub public_id: &'a str,
    pub sha256: &'a [u8],
    pub media_type: MediaType,
    pub byte_size: i32,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub storage_key: &'a str,
}

#[derive(Debug, Clone)]
pub struct EvidenceRow {
    pub public_id: String,
    pub sha256: Vec<u8>,
    pub media_type: MediaType,
    pub byte_size: i32,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub storage_key: String,
    pub created_at: OffsetDateTime,
    /// When a moderator hid the file: it then leaves exports, signed links and public counts,
    /// and only its reporter and moderators still see it.
    pub hidden_at: Option<OffsetDateTime>,
}

/// Records the files in one statement. A file the report already has (same hash) is kept
/// once.
#[tracing::instrument(skip_all, fields(report_id = report_id, files = files.len()))]
pub async fn insert_all(
    conn: &mut PgConnection,
    report_id: i64,
    files: &[NewEvidence<'_>],
) -> sqlx::Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    let ids: Vec<&str> = files.iter().map(|f| f.public_id).collect();
    let hashes: Vec<&[u8]> = files.iter().map(|f| f.sha256).collect();
    let types: Vec<MediaType> = files.iter().map(|f| f.media_type).collect();
    let sizes: Vec<i32> = files.iter().map(|f| f.byte_size).collect();
    let widths: Vec<Option<i32>> = files.iter().map(|f| f.width).collect();
    let heights: Vec<Option<i32>> = files.iter().map(|f| f.height).collect();
    let keys: Vec<&str> = files.iter().map(|f| f.storage_key).collect();
    sqlx::query!(
        "insert into evidence (report_id, public_id, sha256, media_type, byte_size, width,
                               height, storage_key)
         select $1, * from unnest($2::text[], $3::bytea[], $4::text[], $5::int[], $6::int[],
                                  $7::int[], $8::text[])
         on conflict on constraint evidence_report_sha256_unique do nothing",
        report_id,
        &ids as &[&str],
        &hashes as &[&[u8]],
        &types as &[MediaType],
        &sizes,
        &widths as &[Option<i32>],
        &heights as &[Option<i32>],
        &keys as &[&str],
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Takes a stored file's lock in shared mode until the transaction ends: many submissions
/// may commit the same file at once.
#[tracing::instrument(skip_all, fields(storage_key = storage_key))]
pub async fn lock_key_shared(conn: &mut PgConnection, storage_key: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "select pg_advisory_xact_lock_shared(hashtextextended($1, 0))",
        storage_key,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

/// Takes a stored file's lock exclusively, before deciding to delete it.
#[tracing::instrument(skip_all, fields(storage_key = storage_key))]
pub async fn lock_key_exclusive(conn: &mut PgConnection, storage_key: &str) -> sqlx::Result<()> {
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended($1, 0))",
        storage_key,
    )
    .execute(conn)
    .await
    .map(|_| ())
}

#[tracing::instrument(skip_all, fields(report_id = report_id))]
pub async fn list_for_report(
    conn: &mut PgConnection,
    report_id: i64,
) -> sqlx::Result<Vec<EvidenceRow>> {
    sqlx::query_as!(
        EvidenceRow,
        r#"select public_id, sha256, media_type as "media_type: MediaType", byte_size, width, height,
                storage_key, created_at, hidden_at
         from evidence where report_id = $1 order by created_at, evidence_id"#,
        report_id,
    )
    .fetch_all(conn)
    .await
}

#[tracing::instrument(skip_all, fields(report_id = report_id, evidence_id = public_id))]
pub async fn find_for_report(
    conn: &mut PgConnection,
    report_id: i64,
    public_id: &str,
) -> sqlx::Result<Option<EvidenceRow>> {
    sqlx::query_as!(
        EvidenceRow,
        r#"select public_id, sha256, media_type as "media_type: MediaType", byte_size, width, height,
                storage_key, created_at, hidden_at
         from evidence where report_id = $1 and public_id = $2"#,
        report_id,
        public_id,
    )
    .fetch_optional(conn)
    .await
}

/// An evidence file of a live (unverified or verified) report, by its public id: what a signed
/// link may still serve. Withdrawn and rejected reports' files are not shared, nor are files a
/// moderator hid.
#[tracing::instrument(skip_all, fields(evidence_id = public_id))]
pub async fn find_live(
    conn: &mut PgConnection,
    public_id: &str,
) -> sqlx::Result<Option<EvidenceRow>> {
    sqlx::query_as!(
        EvidenceRow,
        r#"select e.public_id, e.sha256, e.media_type as "media_type: MediaType", e.byte_size,
                e.width, e.height, e.storage_key, e.created_at, e.hidden_at
         from evidence e join report r using (report_id)
         where e.public_id = $1 and r.status in ('unverified', 'verified')
           and e.hidden_at is null"#,
        public_id,
    )
    .fetch_optional(conn)
    .await
}

/// Any evidence file by its public id, hidden or not, whatever its report's status: what a
/// moderator may look at.
#[tracing::instrument(skip_all, fields(evidence_id = public_id))]
pub async fn find_any(
    conn: &mut PgConnection,
    public_id: &str,
) -> sqlx::Result<Option<EvidenceRow>> {
    sqlx::query_as!(
        EvidenceRow,
        r#"select public_id, sha256, media_type as "media_type: MediaType", byte_size, width, height,
                storage_key, created_at, hidden_at
         from evidence where public_id = $1"#,
        public_id,
    )
    .fetch_optional(conn)
    .await
}

/// Whether any report still points at a stored file, before deleting it.
#[tracing::instrument(skip_all, fields(storage_key = storage_key))]
pub async fn is_referenced(conn: &mut PgConnection, storage_key: &str) -> sqlx::Result<bool> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from evidence where storage_key = $1) as "referenced!""#,
        storage_key,
    )
    .fetch_one(conn)
    .await
}
