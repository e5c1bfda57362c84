//! Brands and their aliases.

use sqlx::PgConnection;

use crate::db::constraint::{OnConstraint, WriteError};
use crate::domain::report::BrandName;

/// The brand a report is filed under, as stored (an alias may lead to another spelling).
#[derive(Debug, Clone)]
pub struct BrandRow {
    pub brand_id: i64,
    pub slug: String,
    pub display_name: String,
}

/// Resolves a brand through its aliases, creating it when it is new, in one round trip. A
/// merged brand's slug is an alias of the kept brand; the kept brand is also what comes back
/// when a merge committed while this statement waited for the brand row's lock.
#[tracing::instrument(skip_all, fields(slug = %brand.slug))]
pub async fn upsert(conn: &mut PgConnection, brand: &BrandName) -> Result<BrandRow, WriteError> {
    sqlx::query_as!(
        BrandRow,
        r#"with alias as (
             select b.brand_id, b.slug, b.display_name
             from brand_alias a
             join brand b on b.brand_id = a.brand_id
             where a.alias_slug = $1
         ), created as (
             insert into brand (slug, display_name)
             select $1, $2 where not exists (select 1 from alias)
             on conflict on constraint brand_slug_unique do update set slug = excluded.slug
             returning brand_id, slug, display_name, merged_into
         )
         select brand_id as "brand_id!", slug as "slug!", display_name as "display_name!"
         from alias
         union all
         select k.brand_id, k.slug, k.display_name
         from created c join brand k on k.brand_id = c.merged_into
         union all
         select brand_id, slug, display_name from created where merged_into is null"#,
        &brand.slug,
        &brand.display_name,
    )
    .fetch_one(conn)
    .await
    .on_constraint("brand_slug_format", "brand", "The brand name is too long")
    .on_constraint(
        "brand_display_name_length",
        "brand",
        "The brand name is too long",
    )
}
