//! Merging a seller into another (`POST /moderation/sellers/{marketplace}/{seller_key}/merge`,
//! field `into`) or a brand into another (`POST /moderation/brands/{slug}/merge`): two store
//! records, or two spellings of a brand, that are one. The merged one's reports, listings (or
//! takedown rows and rights holders) move to the kept one in one transaction with its audit
//! row; its addresses answer `301` to the kept one's from then on.

use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum_extra::extract::{Form, WithRejection};
use serde::Deserialize;
use serde_json::{Value, json};
use sqlx::PgConnection;

use super::ModeratorSession;
use super::names::pages::{
    Filled, brand_page, brand_page_path, seller_page, seller_page_path, unprocessable,
};
use super::names::seller_in_path;
use super::session::back_to;
use crate::db;
use crate::db::audit::Change;
use crate::db::curation::{BrandRecord, SellerRecord};
use crate::db::merges::{BrandMoves, SellerMoves};
use crate::domain::merge::{Side, merge_problem, parse_brand_ref, parse_seller_ref};
use crate::domain::moderation::Action;
use crate::error::AppError;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/moderation/sellers/{marketplace}/{seller_key}/merge",
            post(merge_seller),
        )
        .route("/moderation/brands/{slug}/merge", post(merge_brand))
}

/// How long a merge's statements may run: moving a large brand's reports takes seconds, more
/// than the pool's limit for pages, and the moderator waits for the answer.
fn merge_time(state: &AppState) -> Duration {
    Duration::from_secs(
        state
            .config
            .request_timeout_secs
            .max(state.config.statement_timeout_secs),
    )
}

#[derive(Debug, Deserialize)]
pub struct MergeForm {
    #[serde(default)]
    into: String,
    /// Where to go afterwards (only `/moderation` paths); else the kept one's page.
    back: Option<String>,
}

fn seller_side<'a>(id: &'a str, seller: &SellerRecord, merged_into: Option<&'a str>) -> Side<'a> {
    Side {
        id,
        marketplace: Some(seller.reference.marketplace),
        merged_into,
    }
}

/// What the audit row says of one side of a seller merge.
fn seller_facts(seller: &SellerRecord) -> Value {
    json!({
        "seller": seller.reference.to_string(),
        "display_name": seller.display_name,
        "live_reports": seller.live_reports,
        "listings": seller.listings,
    })
}

/// `POST /moderation/sellers/{marketplace}/{seller_key}/merge`: the seller becomes an alias of
/// the one `into` names (`marketplace/seller_key`, its page or its store link).
#[tracing::instrument(skip_all, fields(moderator_id = moderator.moderator_id))]
async fn merge_seller(
    State(state): State<AppState>,
    moderator: ModeratorSession,
    Path((marketplace, seller_key)): Path<(String, String)>,
    WithRejection(Form(form), _): WithRejection<Form<MergeForm>, AppError>,
) -> Result<Response, AppError> {
    let seller = seller_in_path(&marketplace, seller_key)?;
    let mut tx = state.db.begin().await?;
    db::merges::begin_merge(&mut tx, merge_time(&state)).await?;
    let source = db::curation::seller(&mut tx, &seller)
        .await?
        .ok_or(AppError::SellerNotFound)?;
    let (requested, kept) = match checked_seller_target(&mut tx, &source, &form.into).await? {
        Ok(target) => target,
        Err(message) => {
            drop(tx);
            let refused = Filled {
                into: form.into.clone(),
                ..Filled::error("into", message)
            };
            let page = seller_page(&state, moderator, &seller, refused).await?;
            return Ok(unprocessable(page));
        }
    };
    let moves =
        apply_seller_merge(&mut tx, moderator.moderator_id, &source, &requested, &kept).await?;
    tx.commit().await?;
    tracing::info!(
        reports = moves.reports,
        listings = moves.listings,
        "seller merged"
    );
    let kept_page = seller_page_path(&kept.reference);
    Ok(back_to(form.back.as_deref(), &kept_page).into_response())
}

/// The seller `into` names and the one it leads to, when `source` may be merged into it; or
/// why not.
async fn checked_seller_target(
    conn: &mut PgConnection,
    source: &SellerRecord,
    into: &str,
) -> Result<Result<(SellerRecord, SellerRecord), String>, AppError> {
    let (requested, kept) = match seller_target(conn, into).await? {
        Ok(target) => target,
        Err(message) => return Ok(Err(message)),
    };
    let (source_id, requested_id, kept_id) = (
        source.reference.to_string(),
        requested.reference.to_string(),
        kept.reference.to_string(),
    );
    let (source_into, requested_into) = (
        source.merged_into.as_ref().map(ToString::to_string),
        requested.merged_into.as_ref().map(ToString::to_string),
    );
    match merge_problem(
        &seller_side(&source_id, source, source_into.as_deref()),
        &seller_side(&requested_id, &requested, requested_into.as_deref()),
        &seller_side(&kept_id, &kept, None),
        "seller",
    ) {
        Some(message) => Ok(Err(message)),
        None => Ok(Ok((requested, kept))),
    }
}

/// Merges `source` into `kept` (which `requested` led to) under both sellers' locks, recounts
/// the kept seller's shown name, and writes the audit row of `moderator_id`'s merge.
async fn apply_seller_merge(
    tx: &mut PgConnection,
    moderator_id: i64,
    source: &SellerRecord,
    requested: &SellerRecord,
    kept: &SellerRecord,
) -> Result<SellerMoves, AppError> {
    db::merges::lock_sellers(tx, [source.seller_id, kept.seller_id]).await?;
    // Read again under the locks: intake may have filed a report (and renamed) meanwhile.
    let reread = async |tx: &mut PgConnection, record: &SellerRecord| {
        db::curation::seller(tx, &record.reference)
            .await?
            .ok_or_else(|| AppError::internal("a locked seller vanished"))
    };
    let (source, kept) = (reread(tx, source).await?, reread(tx, kept).await?);
    let moves = db::merges::merge_sellers(tx, source.seller_id, kept.seller_id).await?;
    db::sellers::refresh_shown_name(tx, kept.seller_id).await?;
    let after = reread(tx, &kept).await?;
    let (source_id, kept_id, requested_id) = (
        source.reference.to_string(),
        kept.reference.to_string(),
        requested.reference.to_string(),
    );
    let change = Change {
        action: Action::MergeSeller,
        subject_id: &source_id,
        before: json!({ "merged": seller_facts(&source), "kept": seller_facts(&kept) }),
        after: json!({
            "merged_into": kept_id,
            "requested": (requested_id != kept_id).then_some(&requested_id),
            "kept": seller_facts(&after),
            "moved": {
                "reports": moves.reports,
                "listings": moves.listings,
                "new_spellings": moves.new_spellings,
                "repointed_sellers": moves.repointed,
                "replies": moves.replies,
            },
        }),
    };
    db::audit::record(tx, Some(moderator_id), &change).await?;
    Ok(moves)
}

/// The seller `into` names, and the one it leads to (itself, or the one it was merged into);
/// or why there is none.
async fn seller_target(
    conn: &mut PgConnection,
    into: &str,
) -> Result<Result<(SellerRecord, SellerRecord), String>, AppError> {
    let reference = match parse_seller_ref(into) {
        Ok(reference) => reference,
        Err(message) => return Ok(Err(message)),
    };
    let Some(requested) = db::curation::seller(conn, &reference).await? else {
        return Ok(Err(format!(
            "Nobody has reported a seller {reference}: check the marketplace and key on its \
             Fakewatch page."
        )));
    };
    let kept = match &requested.merged_into {
        Some(kept) => db::curation::seller(conn, kept)
            .await?
            .ok_or_else(|| AppError::internal("a seller merged into one that does not exist"))?,
        None => requested.clone(),
    };
    Ok(Ok((requested, kept)))
}

fn brand_side(brand: &BrandRecord) -> Side<'_> {
    Side {
        id: &brand.slug,
        marketplace: None,
        merged_into: brand.merged_into.as_deref(),
    }
}

/// What the audit row says of one side of a brand merge.
fn brand_facts(brand: &BrandRecord) -> Value {
    json!({
        "brand": brand.slug,
        "display_name": brand.display_name,
        "live_reports": brand.live_reports,
        "listings": brand.listings,
        "rights_holders": brand.holders,
    })
}

/// `POST /moderation/brands/{slug}/merge`: the brand becomes an alias of the one `into` names
/// (its slug, its name or its page).
#[tracing::instrument(skip_all, fields(moderator_id = moderator.moderator_id))]
async fn merge_brand(
    State(state): State<AppState>,
    moderator: ModeratorSession,
    Path(slug): Path<String>,
    WithRejection(Form(form), _): WithRejection<Form<MergeForm>, AppError>,
) -> Result<Response, AppError> {
    let mut tx = state.db.begin().await?;
    db::merges::begin_merge(&mut tx, merge_time(&state)).await?;
    let source = db::curation::brand(&mut tx, &slug)
        .await?
        .ok_or(AppError::BrandNotFound)?;
    let (requested, kept) = match checked_brand_target(&mut tx, &source, &form.into).await? {
        Ok(target) => target,
        Err(message) => {
            drop(tx);
            let refused = Filled {
                into: form.into.clone(),
                ..Filled::error("into", message)
            };
            let page = brand_page(&state, moderator, &slug, refused).await?;
            return Ok(unprocessable(page));
        }
    };
    let moves =
        apply_brand_merge(&mut tx, moderator.moderator_id, &source, &requested, &kept).await?;
    tx.commit().await?;
    tracing::info!(
        reports = moves.reports,
        listings = moves.listings,
        "brand merged"
    );
    Ok(back_to(form.back.as_deref(), &brand_page_path(&kept.slug)).into_response())
}

/// The brand `into` names and the one it leads to, when `source` may be merged into it; or
/// why not.
async fn checked_brand_target(
    conn: &mut PgConnection,
    source: &BrandRecord,
    into: &str,
) -> Result<Result<(BrandRecord, BrandRecord), String>, AppError> {
    let (requested, kept) = match brand_target(conn, into).await? {
        Ok(target) => target,
        Err(message) => return Ok(Err(message)),
    };
    let kept_side = Side {
        merged_into: None,
        ..brand_side(&kept)
    };
    match merge_problem(
        &brand_side(source),
        &brand_side(&requested),
        &kept_side,
        "brand",
    ) {
        Some(message) => Ok(Err(message)),
        None => Ok(Ok((requested, kept))),
    }
}

/// Merges `source` into `kept` (which `requested` led to) under both brands' locks, and writes
/// the audit row of `moderator_id`'s merge.
async fn apply_brand_merge(
    tx: &mut PgConnection,
    moderator_id: i64,
    source: &BrandRecord,
    requested: &BrandRecord,
    kept: &BrandRecord,
) -> Result<BrandMoves, AppError> {
    db::merges::lock_brands(tx, [source.brand_id, kept.brand_id]).await?;
    let reread = async |tx: &mut PgConnection, slug: &str| {
        db::curation::brand(tx, slug)
            .await?
            .ok_or_else(|| AppError::internal("a locked brand vanished"))
    };
    let (source, kept) = (
        reread(tx, &source.slug).await?,
        reread(tx, &kept.slug).await?,
    );
    let moves = db::merges::merge_brands(tx, source.brand_id, kept.brand_id).await?;
    let after = reread(tx, &kept.slug).await?;
    let change = Change {
        action: Action::MergeBrand,
        subject_id: &source.slug,
        before: json!({ "merged": brand_facts(&source), "kept": brand_facts(&kept) }),
        after: json!({
            "merged_into": kept.slug,
            "requested": (requested.slug != kept.slug).then_some(&requested.slug),
            "kept": brand_facts(&after),
            "moved": {
                "reports": moves.reports,
                "listings": moves.listings,
                "new_rights_holders": moves.new_scopes,
                "repointed_brands": moves.repointed,
            },
        }),
    };
    db::audit::record(tx, Some(moderator_id), &change).await?;
    Ok(moves)
}

/// The brand `into` names (by its slug, or a spelling that is an alias of one), and the one it
/// leads to (itself, or the one it was merged into); or why there is none.
async fn brand_target(
    conn: &mut PgConnection,
    into: &str,
) -> Result<Result<(BrandRecord, BrandRecord), String>, AppError> {
    let slug = match parse_brand_ref(into) {
        Ok(slug) => slug,
        Err(message) => return Ok(Err(message)),
    };
    let requested = match db::curation::brand(conn, &slug).await? {
        Some(brand) => brand,
        None => match db::curation::aliased_slug(conn, &slug).await? {
            Some(aliased) => db::curation::brand(conn, &aliased)
                .await?
                .ok_or_else(|| AppError::internal("an alias of a brand that does not exist"))?,
            None => {
                return Ok(Err(format!(
                    "Nobody has reported a brand {slug}: check the slug in its Fakewatch page's \
                     address."
                )));
            }
        },
    };
    let kept = match &requested.merged_into {
        Some(kept) => db::curation::brand(conn, kept)
            .await?
            .ok_or_else(|| AppError::internal("a brand merged into one that does not exist"))?,
        None => requested.clone(),
    };
    Ok(Ok((requested, kept)))
}
