//! Sellers and brands for moderators: finding one (`/moderation/find`), its page
//! (`/moderation/sellers/{marketplace}/{seller_key}`, `/moderation/brands/{slug}`) with the
//! forms that rename and merge it (merging is in `merge.rs`), and renaming.
//!
//! A name a moderator gives a seller sticks: reporters' spellings no longer decide it. Brands'
//! names only ever change here.

mod find;
pub mod pages;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum_extra::extract::{Form, WithRejection};
use serde::Deserialize;
use serde_json::json;

use super::ModeratorSession;
use super::session::back_to;
use crate::db;
use crate::db::audit::Change;
use crate::domain::Marketplace;
use crate::domain::fold::slugify;
use crate::domain::merge::{SellerRef, brand_display_name, seller_display_name};
use crate::domain::moderation::Action;
use crate::error::AppError;
use crate::state::AppState;
use pages::{Filled, brand_page, brand_page_path, seller_page, seller_page_path, unprocessable};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/moderation/find", get(find::find))
        .route(
            "/moderation/sellers/{marketplace}/{seller_key}",
            get(show_seller),
        )
        .route(
            "/moderation/sellers/{marketplace}/{seller_key}/name",
            post(rename_seller),
        )
        .route("/moderation/brands/{slug}", get(show_brand))
        .route("/moderation/brands/{slug}/name", post(rename_brand))
}

/// The seller a moderation path names; an unknown marketplace names nobody.
pub fn seller_in_path(marketplace: &str, seller_key: String) -> Result<SellerRef, AppError> {
    let marketplace = marketplace
        .parse::<Marketplace>()
        .map_err(|_| AppError::SellerNotFound)?;
    Ok(SellerRef {
        marketplace,
        seller_key,
    })
}

/// `GET /moderation/sellers/{marketplace}/{seller_key}`
async fn show_seller(
    State(state): State<AppState>,
    moderator: ModeratorSession,
    Path((marketplace, seller_key)): Path<(String, String)>,
) -> Result<pages::SellerPage, AppError> {
    let seller = seller_in_path(&marketplace, seller_key)?;
    seller_page(&state, moderator, &seller, Filled::default()).await
}

/// `GET /moderation/brands/{slug}`
async fn show_brand(
    State(state): State<AppState>,
    moderator: ModeratorSession,
    Path(slug): Path<String>,
) -> Result<pages::BrandPage, AppError> {
    brand_page(&state, moderator, &slug, Filled::default()).await
}

#[derive(Debug, Deserialize)]
pub struct NameForm {
    #[serde(default)]
    display_name: String,
    /// Where to go afterwards: the page the form was on (only `/moderation` paths).
    back: Option<String>,
}

/// `POST /moderation/sellers/{marketplace}/{seller_key}/name` (field `display_name`): the name
/// the seller is shown under from now on, whatever later reports call it.
#[tracing::instrument(skip_all)]
async fn rename_seller(
    State(state): State<AppState>,
    moderator: ModeratorSession,
    Path((marketplace, seller_key)): Path<(String, String)>,
    WithRejection(Form(form), _): WithRejection<Form<NameForm>, AppError>,
) -> Result<Response, AppError> {
    let seller = seller_in_path(&marketplace, seller_key)?;
    let again = |message: String| Filled {
        display_name: Some(form.display_name.clone()),
        ..Filled::error("display_name", message)
    };
    let name = match seller_display_name(&form.display_name) {
        Ok(name) => name,
        Err(message) => {
            let page = seller_page(&state, moderator, &seller, again(message)).await?;
            return Ok(unprocessable(page));
        }
    };
    let mut tx = state.db.begin().await?;
    // Locked before it is read, so that the audit row's "before" is what the rename replaced
    // (intake recounts names under the same lock).
    db::curation::lock_seller(&mut tx, &seller)
        .await?
        .ok_or(AppError::SellerNotFound)?;
    let record = db::curation::seller(&mut tx, &seller)
        .await?
        .ok_or(AppError::SellerNotFound)?;
    if let Some(kept) = &record.merged_into {
        drop(tx);
        let message = format!("This seller was merged into {kept}; rename {kept} instead.");
        let page = seller_page(&state, moderator, &seller, again(message)).await?;
        return Ok(unprocessable(page));
    }
    db::curation::rename_seller(&mut tx, record.seller_id, &name).await?;
    let subject = seller.to_string();
    db::audit::record(
        &mut tx,
        Some(moderator.moderator_id),
        &Change {
            action: Action::RenameSeller,
            subject_id: &subject,
            before: json!({
                "display_name": record.display_name,
                "set_by_moderator": record.display_name_set_at.is_some(),
            }),
            after: json!({ "display_name": name, "set_by_moderator": true }),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(moderator_id = moderator.moderator_id, "seller renamed");
    Ok(back_to(form.back.as_deref(), &seller_page_path(&seller)).into_response())
}

/// `POST /moderation/brands/{slug}/name` (field `display_name`). The slug, and so the brand's
/// address, stays; the new name's slug becomes an alias, so that reports typing the new name
/// file under the brand.
#[tracing::instrument(skip_all)]
async fn rename_brand(
    State(state): State<AppState>,
    moderator: ModeratorSession,
    Path(slug): Path<String>,
    WithRejection(Form(form), _): WithRejection<Form<NameForm>, AppError>,
) -> Result<Response, AppError> {
    let again = |message: String| Filled {
        display_name: Some(form.display_name.clone()),
        ..Filled::error("display_name", message)
    };
    let name = match brand_display_name(&form.display_name) {
        Ok(name) => name,
        Err(message) => {
            let page = brand_page(&state, moderator, &slug, again(message)).await?;
            return Ok(unprocessable(page));
        }
    };
    let mut tx = state.db.begin().await?;
    db::curation::lock_brand(&mut tx, &slug)
        .await?
        .ok_or(AppError::BrandNotFound)?;
    let record = db::curation::brand(&mut tx, &slug)
        .await?
        .ok_or(AppError::BrandNotFound)?;
    if let Some(kept) = &record.merged_into {
        drop(tx);
        let message = format!("This brand was merged into {kept}; rename {kept} instead.");
        let page = brand_page(&state, moderator, &slug, again(message)).await?;
        return Ok(unprocessable(page));
    }
    db::curation::rename_brand(&mut tx, record.brand_id, &name).await?;
    let new_slug = slugify(&name);
    let alias_added = new_slug != record.slug
        && db::curation::add_brand_alias(&mut tx, record.brand_id, &new_slug).await?;
    db::audit::record(
        &mut tx,
        Some(moderator.moderator_id),
        &Change {
            action: Action::RenameBrand,
            subject_id: &record.slug,
            before: json!({ "display_name": record.display_name }),
            after: json!({
                "display_name": name,
                "alias_added": alias_added.then_some(&new_slug),
            }),
        },
    )
    .await?;
    tx.commit().await?;
    tracing::info!(moderator_id = moderator.moderator_id, "brand renamed");
    Ok(back_to(form.back.as_deref(), &brand_page_path(&record.slug)).into_response())
}
