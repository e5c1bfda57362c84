//! Rights holders authenticate with `Authorization: Bearer fwt_…`; every takedown route takes
//! a [`Holder`] and checks each brand against its scope.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use crate::db;
use crate::db::rights_holders::ScopedBrand;
use crate::error::{ApiError, AppError};
use crate::routes::bearer::{self, Presented};
use crate::security::ApiToken;
use crate::state::AppState;

/// The rights holder behind a valid, unrevoked token.
#[derive(Debug, Clone)]
pub struct Holder {
    pub rights_holder_id: i64,
    pub api_token_id: i64,
    pub name: String,
}

impl FromRequestParts<AppState> for Holder {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = match bearer::presented(parts, state).await {
            Presented::Token(token) => ApiToken::parse(&token).ok_or(AppError::ApiTokenInvalid)?,
            Presented::Missing => return Err(AppError::ApiTokenMissing.into()),
            Presented::Unreadable => return Err(AppError::ApiTokenInvalid.into()),
        };
        let mut conn = state.db.acquire().await?;
        let row = db::rights_holders::find_token(&mut conn, &token.public_id)
            .await?
            .ok_or(AppError::ApiTokenInvalid)?;
        // Compare before looking at `revoked`, so both failures take the same time.
        if !token.matches(&row.secret_hash) || row.revoked {
            return Err(AppError::ApiTokenInvalid.into());
        }
        db::rights_holders::touch_token(&mut conn, row.api_token_id).await?;
        Ok(Holder {
            rights_holder_id: row.rights_holder_id,
            api_token_id: row.api_token_id,
            name: row.holder_name,
        })
    }
}

impl Holder {
    /// The brand if this holder may see it. Unknown brands get the same answer as other
    /// holders' brands, so a token learns nothing about what it may not see.
    pub async fn brand(
        &self,
        conn: &mut sqlx::PgConnection,
        slug: &str,
    ) -> Result<ScopedBrand, AppError> {
        db::rights_holders::scoped_brand(conn, self.rights_holder_id, slug)
            .await?
            .ok_or_else(|| AppError::BrandNotInScope(slug.to_owned()))
    }

    /// The brand named by `brand=`, or the holder's only brand when it has one.
    pub async fn brand_or_only(
        &self,
        conn: &mut sqlx::PgConnection,
        slug: Option<&str>,
    ) -> Result<ScopedBrand, AppError> {
        if let Some(slug) = slug {
            return self.brand(conn, slug).await;
        }
        let mut scope = db::rights_holders::scope(conn, self.rights_holder_id).await?;
        if scope.len() == 1 {
            return Ok(scope.remove(0));
        }
        let slugs: Vec<String> = scope.into_iter().map(|b| b.slug).collect();
        Err(AppError::Validation(
            crate::domain::validation::FieldErrors::single(
                "brand",
                format!("Name the brand: brand=<slug>, one of {}", slugs.join(", ")),
            ),
        ))
    }
}
