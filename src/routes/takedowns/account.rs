//! What a token may do: its holder, brands and the IP-right defaults per brand.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use serde::{Deserialize, Serialize};

use super::auth::Holder;
use crate::db;
use crate::db::rights_holders::ScopedBrand;
use crate::domain::validation::FieldErrors;
use crate::error::{ApiError, AppError, Problem};
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

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IprInput {
    /// The trademark's registration number; null or empty clears it.
    #[schema(max_length = 100)]
    pub ipr_registration_no: Option<String>,
    /// The office that registered it (EUIPO, USPTO, CNIPA, …); null or empty clears it.
    #[schema(max_length = 100)]
    pub ipr_office: Option<String>,
}

const MAX_IPR_CHARS: usize = 100;

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
    let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let registration_no = clean(input.ipr_registration_no);
    let office = clean(input.ipr_office);
    let mut errors = FieldErrors::new();
    for (field, value) in [
        ("ipr_registration_no", &registration_no),
        ("ipr_office", &office),
    ] {
        if value
            .as_ref()
            .is_some_and(|v| v.chars().count() > MAX_IPR_CHARS)
        {
            errors.add(field, format!("Keep it under {MAX_IPR_CHARS} characters"));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors).into());
    }
    let mut conn = state.db.acquire().await?;
    let brand = holder.brand(&mut conn, &slug).await?;
    db::rights_holders::set_ipr(
        &mut conn,
        holder.rights_holder_id,
        brand.brand_id,
        registration_no.as_deref(),
        office.as_deref(),
    )
    .await?;
    Ok(Json(BrandScopeJson {
        slug: brand.slug,
        name: brand.display_name,
        ipr_registration_no: registration_no,
        ipr_office: office,
    }))
}
