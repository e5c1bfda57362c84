//! Rights holders, the brands they may export, their API tokens and their export log.

use sqlx::PgConnection;
use time::OffsetDateTime;

use crate::db::constraint::WriteError;
use crate::domain::report::BrandName;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HolderRow {
    pub rights_holder_id: i64,
    pub slug: String,
    pub name: String,
}

/// A brand in a holder's scope, with the IP-right details its complaints carry.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ScopedBrand {
    pub brand_id: i64,
    pub slug: String,
    pub display_name: String,
    pub ipr_registration_no: Option<String>,
    pub ipr_office: Option<String>,
}

/// A presented token's row, for authentication.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub api_token_id: i64,
    pub rights_holder_id: i64,
    pub holder_name: String,
    pub secret_hash: Vec<u8>,
    pub revoked: bool,
}

#[tracing::instrument(skip_all, fields(slug = %slug))]
pub async fn create(conn: &mut PgConnection, slug: &str, name: &str) -> sqlx::Result<HolderRow> {
    sqlx::query_as(
        "insert into rights_holder (slug, name) values ($1, $2)
         returning rights_holder_id, slug, name",
    )
    .bind(slug)
    .bind(name)
    .fetch_one(conn)
    .await
}

pub async fn find(conn: &mut PgConnection, slug: &str) -> sqlx::Result<Option<HolderRow>> {
    sqlx::query_as("select rights_holder_id, slug, name from rights_holder where slug = $1")
        .bind(slug)
        .fetch_optional(conn)
        .await
}

/// Adds a brand to a holder's scope (creating the brand if nobody has reported it yet, so
/// that future reports land in scope). Returns the stored brand.
#[tracing::instrument(skip_all, fields(brand = %brand.slug))]
pub async fn add_brand(
    conn: &mut PgConnection,
    rights_holder_id: i64,
    brand: &BrandName,
) -> sqlx::Result<super::brands::BrandRow> {
    // `BrandName::parse` checked the name, so the database refuses none of it; were it to,
    // the error says which rule.
    let stored = super::brands::upsert(&mut *conn, brand)
        .await
        .map_err(|e| match e {
            WriteError::Db(e) => e,
            refused @ WriteError::Refused(_) => sqlx::Error::InvalidArgument(refused.to_string()),
        })?;
    sqlx::query(
        "insert into rights_holder_brand (rights_holder_id, brand_id) values ($1, $2)
         on conflict do nothing",
    )
    .bind(rights_holder_id)
    .bind(stored.brand_id)
    .execute(conn)
    .await?;
    Ok(stored)
}

pub async fn create_token(
    conn: &mut PgConnection,
    rights_holder_id: i64,
    public_id: &str,
    secret_hash: &[u8],
    label: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "insert into api_token (public_id, rights_holder_id, secret_hash, label)
         values ($1, $2, $3, $4)",
    )
    .bind(public_id)
    .bind(rights_holder_id)
    .bind(secret_hash)
    .bind(label)
    .execute(conn)
    .await?;
    Ok(())
}

/// Revokes a token by its public id; false when there is no such live token.
pub async fn revoke_token(conn: &mut PgConnection, public_id: &str) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "update api_token set revoked_at = now() where public_id = $1 and revoked_at is null",
    )
    .bind(public_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

#[tracing::instrument(skip_all)]
pub async fn find_token(
    conn: &mut PgConnection,
    public_id: &str,
) -> sqlx::Result<Option<TokenRow>> {
    sqlx::query_as(
        "select t.api_token_id, t.rights_holder_id, h.name as holder_name, t.secret_hash,
                t.revoked_at is not null as revoked
         from api_token t join rights_holder h using (rights_holder_id)
         where t.public_id = $1",
    )
    .bind(public_id)
    .fetch_optional(conn)
    .await
}

/// Records use, at most once a minute per token, so that a busy client does not turn every
/// read into a write.
pub async fn touch_token(conn: &mut PgConnection, api_token_id: i64) -> sqlx::Result<()> {
    sqlx::query(
        "update api_token set last_used_at = now()
         where api_token_id = $1
           and (last_used_at is null or last_used_at < now() - interval '1 minute')",
    )
    .bind(api_token_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// A brand by slug or alias, if it is in the holder's scope. Out of scope and unknown look the
/// same, so that a token cannot probe for other holders' brands.
#[tracing::instrument(skip_all, fields(slug = %slug))]
pub async fn scoped_brand(
    conn: &mut PgConnection,
    rights_holder_id: i64,
    slug: &str,
) -> sqlx::Result<Option<ScopedBrand>> {
    sqlx::query_as(
        "select b.brand_id, b.slug, b.display_name, rb.ipr_registration_no, rb.ipr_office
         from rights_holder_brand rb join brand b using (brand_id)
         where rb.rights_holder_id = $1
           and (b.slug = $2
                or b.brand_id = (select brand_id from brand_alias where alias_slug = $2))",
    )
    .bind(rights_holder_id)
    .bind(slug)
    .fetch_optional(conn)
    .await
}

pub async fn scope(
    conn: &mut PgConnection,
    rights_holder_id: i64,
) -> sqlx::Result<Vec<ScopedBrand>> {
    sqlx::query_as(
        "select b.brand_id, b.slug, b.display_name, rb.ipr_registration_no, rb.ipr_office
         from rights_holder_brand rb join brand b using (brand_id)
         where rb.rights_holder_id = $1
         order by b.slug",
    )
    .bind(rights_holder_id)
    .fetch_all(conn)
    .await
}

/// Stores the IP-right defaults that fill a brand's complaint columns. Every row of the brand
/// shows them, so a change marks the brand's rows changed for incremental exports.
pub async fn set_ipr(
    conn: &mut PgConnection,
    rights_holder_id: i64,
    brand_id: i64,
    registration_no: Option<&str>,
    office: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query(
        "with changed as (
             update rights_holder_brand set ipr_registration_no = $3, ipr_office = $4
             where rights_holder_id = $1 and brand_id = $2
               and (ipr_registration_no, ipr_office) is distinct from ($3, $4)
             returning brand_id
         )
         update listing_brand set changed_xid = pg_current_xact_id()
         where brand_id in (select brand_id from changed)",
    )
    .bind(rights_holder_id)
    .bind(brand_id)
    .bind(registration_no)
    .bind(office)
    .execute(conn)
    .await?;
    Ok(())
}

/// What an export is, logged before its first row.
#[derive(Debug, Clone)]
pub struct ExportStart<'a> {
    pub rights_holder_id: i64,
    pub api_token_id: i64,
    pub brand_id: i64,
    pub format: &'a str,
    pub preset: Option<&'a str>,
    pub part: Option<i32>,
    pub incremental: bool,
}

pub async fn log_export_start(conn: &mut PgConnection, e: &ExportStart<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "insert into export_log (rights_holder_id, api_token_id, brand_id, format, preset, part,
                                 incremental)
         values ($1, $2, $3, $4, $5, $6, $7)
         returning export_log_id",
    )
    .bind(e.rights_holder_id)
    .bind(e.api_token_id)
    .bind(e.brand_id)
    .bind(e.format)
    .bind(e.preset)
    .bind(e.part)
    .bind(e.incremental)
    .fetch_one(conn)
    .await
}

/// Called after the last row went out; an export cut short keeps a null row count.
pub async fn log_export_finished(
    conn: &mut PgConnection,
    export_log_id: i64,
    rows: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "update export_log set row_count = $2, finished_at = now() where export_log_id = $1",
    )
    .bind(export_log_id)
    .bind(rows)
    .execute(conn)
    .await?;
    Ok(())
}

/// One holder as `fakewatch rights-holder list` shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct HolderSummary {
    pub slug: String,
    pub name: String,
    pub brands: Vec<String>,
    pub tokens: sqlx::types::Json<Vec<TokenSummary>>,
    pub exports: sqlx::types::Json<Vec<ExportSummary>>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct TokenSummary {
    pub id: String,
    pub label: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct ExportSummary {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub brand: String,
    pub format: String,
    pub preset: Option<String>,
    pub incremental: bool,
    pub rows: Option<i64>,
    pub token: Option<String>,
}

/// Every holder with brands, tokens and its last `recent_exports` pulls.
pub async fn list(
    conn: &mut PgConnection,
    recent_exports: i64,
) -> sqlx::Result<Vec<HolderSummary>> {
    sqlx::query_as(
        "select h.slug, h.name,
                array(select b.slug from rights_holder_brand rb join brand b using (brand_id)
                      where rb.rights_holder_id = h.rights_holder_id order by b.slug) as brands,
                (select coalesce(json_agg(json_build_object(
                            'id', t.public_id, 'label', t.label, 'created_at', t.created_at,
                            'last_used_at', t.last_used_at, 'revoked_at', t.revoked_at)
                        order by t.created_at), '[]')
                 from api_token t where t.rights_holder_id = h.rights_holder_id) as tokens,
                (select coalesce(json_agg(json_build_object(
                            'at', e.created_at, 'brand', b.slug, 'format', e.format,
                            'preset', e.preset, 'incremental', e.incremental,
                            'rows', e.row_count, 'token', t.public_id)
                        order by e.created_at desc), '[]')
                 from (select * from export_log
                       where rights_holder_id = h.rights_holder_id
                       order by created_at desc limit $1) e
                 join brand b using (brand_id)
                 left join api_token t using (api_token_id)) as exports
         from rights_holder h
         order by h.slug",
    )
    .bind(recent_exports)
    .fetch_all(conn)
    .await
}
