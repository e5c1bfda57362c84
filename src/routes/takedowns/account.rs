//! What a token may do: its holder, brands and the IP-right defaults per brand.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use serde::Serialize;

use super::auth::Holder;
use crate::db;
use crate::db::rights_holders::ScopedBrand;
use crate::domain::takedown::ipr::IprInput;
use crate::error::{ApiError, Problem};
use crate::routes::api::ApiPath;
use crate::state::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AccountJson {
    pub rights_holder: String,
    pub brands: Vec<BrandScopeJson>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BrandScopeJson {
    pub slug: String,
    pub name: String,
    /// Fills the `ipr_registration_no` column of every export of this brand.
    pub ipr_registration_no: Option<String>,
    /// Fills the `ipr_office` column (e.g. EUIPO, USPTO).
    pub ipr_office: Option<String>,
}

impl From<ScopedBrand> for BrandScopeJson {
    fn from(b: ScopedBrand) -> Self {
        BrandScopeJson {
            slug: b.slug,
            name: b.display_name,
            ipr_registration_no: b.ipr_registration_no,
            ipr_office: b.ipr_office,
        }
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/rights-holder",
    tag = "rights holders",
    security(("api_token" = [])),
    responses(
        (status = 200, description = "The token's holder and the brands it may export", body = AccountJson),
        (status = 401, description = "No token, or a token that is not valid", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer`, or `Bearer error=\"invalid_token\"`"))),
    )
)]
pub async fn show(
    State(state): State<AppState>,
    holder: Holder,
) -> Result<Json<AccountJson>, ApiError> {
    let mut conn = state.db.acquire().await?;
    let brands = db::rights_holders::scope(&mut conn, holder.rights_holder_id).await?;
    Ok(Json(AccountJson {
        rights_holder: holder.name,
        brands: brands.into_iter().map(Into::into).collect(),
    }))
}

#[utoipa::path(
    put,
    path = "/api/v1/rights-holder/brands/{slug}",
    tag = "rights holders",
    params(("slug" = String, Path, description = "A brand in the token's scope")),
    request_body = IprInput,
    security(("api_token" = [])),
    responses(
        (status = 200, description = "Stored; exports of this brand now carry these values", body = BrandScopeJson),
        (status = 400, description = "A body that is not JSON, or a path that is not UTF-8", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or a token that is not valid", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer`, or `Bearer error=\"invalid_token\"`"))),
        (status = 403, description = "The brand is not in this token's scope, or a request sent by another website's page", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A body over 64 KiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A body that is not sent as application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A value of the wrong type, or longer than 100 characters", body = Problem, content_type = "application/problem+json"),
    )
)]
/// Stores the IP-right details that fill a brand's complaint columns.
pub async fn set_ipr(
    State(state): State<AppState>,
    holder: Holder,
    ApiPath(slug): ApiPath<String>,
    input: Result<Json<IprInput>, JsonRejection>,
) -> Result<Json<BrandScopeJson>, ApiError> {
    let Json(input) = input?;
    let ipr = input.check()?;
    let mut conn = state.db.acquire().await?;
    let brand = holder.brand(&mut conn, &slug).await?;
    db::rights_holders::set_ipr(
        &mut conn,
        holder.rights_holder_id,
        brand.brand_id,
        ipr.registration_no.as_deref(),
        ipr.office.as_deref(),
    )
    .await?;
    Ok(Json(BrandScopeJson {
        slug: brand.slug,
        name: brand.display_name,
        ipr_registration_no: ipr.registration_no,
        ipr_office: ipr.office,
    }))
}
