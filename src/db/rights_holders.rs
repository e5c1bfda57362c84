//! Rights holders, the brands they may export, their API tokens and their export log.

use sqlx::PgConnection;
use sqlx::types::Json;
use time::OffsetDateTime;

use super::constraint::{OnConstraint, WriteError};
use crate::domain::report::BrandName;
use crate::domain::takedown::{Format, Preset};

#[derive(Debug, Clone)]
pub struct HolderRow {
    pub rights_holder_id: i64,
    pub slug: String,
    pub name: String,
}

/// A brand in a holder's scope, with the IP-right details its complaints carry.
#[derive(Debug, Clone)]
pub struct ScopedBrand {
    pub brand_id: i64,
    pub slug: String,
    pub display_name: String,
    pub ipr_registration_no: Option<String>,
    pub ipr_office: Option<String>,
}

/// A presented token's row, for authentication.
#[derive(Debug, Clone)]
pub struct TokenRow {
    pub api_token_id: i64,
    pub rights_holder_id: i64,
    pub holder_name: String,
    pub secret_hash: Vec<u8>,
    pub revoked: bool,
}

/// Creates a rights holder; `None` when one with this slug exists already (the unique
/// constraint decides, so that two operators adding the same holder at once get one each way).
#[tracing::instrument(skip_all, fields(slug = %slug))]
pub async fn create(
    conn: &mut PgConnection,
    slug: &str,
    name: &str,
) -> sqlx::Result<Option<HolderRow>> {
    sqlx::query_as!(
        HolderRow,
        "insert into rights_holder (slug, name) values ($1, $2)
         on conflict on constraint rights_holder_slug_unique do nothing
         returning rights_holder_id, slug, name",
        slug,
        name,
    )
    .fetch_optional(conn)
    .await
}

#[tracing::instrument(skip_all, fields(slug = %slug))]
pub async fn find(conn: &mut PgConnection, slug: &str) -> sqlx::Result<Option<HolderRow>> {
    sqlx::query_as!(
        HolderRow,
        "select rights_holder_id, slug, name from rights_holder where slug = $1",
        slug,
    )
    .fetch_optional(conn)
    .await
}

/// Adds a brand to a holder's scope (creating the brand if nobody has reported it yet, so
/// that future reports land in scope). Returns the stored brand.
#[tracing::instrument(skip_all, fields(rights_holder_id = rights_holder_id, brand = %brand.slug))]
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
    sqlx::query!(
        "insert into rights_holder_brand (rights_holder_id, brand_id) values ($1, $2)
         on conflict do nothing",
        rights_holder_id,
        stored.brand_id,
    )
    .execute(conn)
    .await?;
    Ok(stored)
}

#[tracing::instrument(
    skip_all,
    fields(
        rights_holder_id = rights_holder_id,
        public_id = %public_id,
    )
)]
pub async fn create_token(
    conn: &mut PgConnection,
    rights_holder_id: i64,
    public_id: &str,
    secret_hash: &[u8],
    label: Option<&str>,
) -> sqlx::Result<()> {
    sqlx::query!(
        "insert into api_token (public_id, rights_holder_id, secret_hash, label)
         values ($1, $2, $3, $4)",
        public_id,
        rights_holder_id,
        secret_hash,
        label,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// Revokes a token by its public id; false when there is no such live token.
#[tracing::instrument(skip_all, fields(public_id = %public_id))]
pub async fn revoke_token(conn: &mut PgConnection, public_id: &str) -> sqlx::Result<bool> {
    let done = sqlx::query!(
        "update api_token set revoked_at = now() where public_id = $1 and revoked_at is null",
        public_id,
    )
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The token's row by its public id (the non-secret part, which names it in lists and logs).
#[tracing::instrument(skip_all)]
pub async fn find_token(
    conn: &mut PgConnection,
    public_id: &str,
) -> sqlx::Result<Option<TokenRow>> {
    sqlx::query_as!(
        TokenRow,
        r#"select t.api_token_id, t.rights_holder_id, h.name as holder_name, t.secret_hash,
                  t.revoked_at is not null as "revoked!"
           from api_token t join rights_holder h using (rights_holder_id)
           where t.public_id = $1"#,
        public_id,
    )
    .fetch_optional(conn)
    .await
}

/// Records use, at most once a minute per token, so that a busy client does not turn every
/// read into a write.
#[tracing::instrument(skip_all, fields(api_token_id = api_token_id))]
pub async fn touch_token(conn: &mut PgConnection, api_token_id: i64) -> sqlx::Result<()> {
    sqlx::query!(
        "update api_token set last_used_at = now()
         where api_token_id = $1
           and (last_used_at is null or last_used_at < now() - interval '1 minute')",
        api_token_id,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// A brand by slug or alias, if it is in the holder's scope. Out of scope and unknown look the
/// same, so that a token cannot probe for other holders' brands.
#[tracing::instrument(skip_all, fields(rights_holder_id = rights_holder_id, slug = %slug))]
pub async fn scoped_brand(
    conn: &mut PgConnection,
    rights_holder_id: i64,
    slug: &str,
) -> sqlx::Result<Option<ScopedBrand>> {
    sqlx::query_as!(
        ScopedBrand,
        "select b.brand_id, b.slug, b.display_name, rb.ipr_registration_no, rb.ipr_office
         from rights_holder_brand rb join brand b using (brand_id)
         where rb.rights_holder_id = $1
           and (b.slug = $2
                or b.brand_id = (select brand_id from brand_alias where alias_slug = $2))",
        rights_holder_id,
        slug,
    )
    .fetch_optional(conn)
    .await
}

/// Every brand in the holder's scope, by slug.
#[tracing::instrument(skip_all, fields(rights_holder_id = rights_holder_id))]
pub async fn scope(
    conn: &mut PgConnection,
    rights_holder_id: i64,
) -> sqlx::Result<Vec<ScopedBrand>> {
    sqlx::query_as!(
        ScopedBrand,
        "select b.brand_id, b.slug, b.display_name, rb.ipr_registration_no, rb.ipr_office
         from rights_holder_brand rb join brand b using (brand_id)
         where rb.rights_holder_id = $1
         order by b.slug",
        rights_holder_id,
    )
    .fetch_all(conn)
    .await
}

/// Stores the IP-right defaults that fill a brand's complaint columns. Every row of the brand
/// shows them, so a change marks the brand's rows changed for incremental exports.
#[tracing::instrument(skip_all, fields(rights_holder_id = rights_holder_id, brand_id = brand_id))]
pub async fn set_ipr(
    conn: &mut PgConnection,
    rights_holder_id: i64,
    brand_id: i64,
    registration_no: Option<&str>,
    office: Option<&str>,
) -> Result<(), WriteError> {
    sqlx::query!(
        "with changed as (
             update rights_holder_brand set ipr_registration_no = $3, ipr_office = $4
             where rights_holder_id = $1 and brand_id = $2
               and (ipr_registration_no, ipr_office) is distinct from ($3, $4)
             returning brand_id
         )
         update listing_brand set changed_xid = pg_current_xact_id()
         where brand_id in (select brand_id from changed)",
        rights_holder_id,
        brand_id,
        registration_no,
        office,
    )
    .execute(conn)
    .await
    .on_constraint(
        "rights_holder_brand_ipr_registration_no_length",
        "ipr_registration_no",
        "The registration number must be 1 to 100 characters",
    )
    .on_constraint(
        "rights_holder_brand_ipr_office_length",
        "ipr_office",
        "The IP office must be 1 to 100 characters",
    )?;
    Ok(())
}

/// What an export is, logged before its first row.
#[derive(Debug, Clone)]
pub struct ExportStart {
    pub rights_holder_id: i64,
    pub api_token_id: i64,
    pub brand_id: i64,
    pub format: Format,
    pub preset: Option<Preset>,
    pub part: Option<i32>,
    pub incremental: bool,
}

#[tracing::instrument(
    skip_all,
    fields(
        rights_holder_id = e.rights_holder_id,
        brand_id = e.brand_id,
        format = e.format.as_str(),
        incremental = e.incremental,
    )
)]
pub async fn log_export_start(conn: &mut PgConnection, e: &ExportStart) -> sqlx::Result<i64> {
    sqlx::query_scalar!(
        "insert into export_log (rights_holder_id, api_token_id, brand_id, format, preset, part,
                                 incremental)
         values ($1, $2, $3, $4, $5, $6, $7)
         returning export_log_id",
        e.rights_holder_id,
        e.api_token_id,
        e.brand_id,
        e.format.as_str(),
        e.preset.map(Preset::as_str),
        e.part,
        e.incremental,
    )
    .fetch_one(conn)
    .await
}

/// Called after the last row went out; an export cut short keeps a null row count.
#[tracing::instrument(skip_all, fields(export_log_id = export_log_id, rows = rows))]
pub async fn log_export_finished(
    conn: &mut PgConnection,
    export_log_id: i64,
    rows: i64,
) -> sqlx::Result<()> {
    sqlx::query!(
        "update export_log set row_count = $2, finished_at = now() where export_log_id = $1",
        export_log_id,
        rows,
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// One holder as `fakewatch rights-holder list` shows it.
#[derive(Debug, Clone)]
pub struct HolderSummary {
    pub slug: String,
    pub name: String,
    pub brands: Vec<String>,
    pub tokens: Json<Vec<TokenSummary>>,
    pub exports: Json<Vec<ExportSummary>>,
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
#[tracing::instrument(skip_all, fields(recent_exports = recent_exports))]
pub async fn list(
    conn: &mut PgConnection,
    recent_exports: i64,
) -> sqlx::Result<Vec<HolderSummary>> {
    sqlx::query_as!(
        HolderSummary,
        r#"select h.slug, h.name,
                  array(select b.slug from rights_holder_brand rb join brand b using (brand_id)
                        where rb.rights_holder_id = h.rights_holder_id order by b.slug)
                      as "brands!",
                  (select coalesce(json_agg(json_build_object(
                              'id', t.public_id, 'label', t.label, 'created_at', t.created_at,
                              'last_used_at', t.last_used_at, 'revoked_at', t.revoked_at)
                          order by t.created_at), '[]')
                   from api_token t where t.rights_holder_id = h.rights_holder_id)
                      as "tokens!: Json<Vec<TokenSummary>>",
                  (select coalesce(json_agg(json_build_object(
                              'at', e.created_at, 'brand', b.slug, 'format', e.format,
                              'preset', e.preset, 'incremental', e.incremental,
                              'rows', e.row_count, 'token', t.public_id)
                          order by e.created_at desc), '[]')
                   from (select * from export_log
                         where rights_holder_id = h.rights_holder_id
                         order by created_at desc limit $1) e
                   join brand b using (brand_id)
                   left join api_token t using (api_token_id)) as "exports!: Json<Vec<ExportSummary>>"
           from rights_holder h
           order by h.slug"#,
        recent_exports,
    )
    .fetch_all(conn)
    .await
}
