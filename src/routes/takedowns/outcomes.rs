//! `POST /api/v1/takedowns/outcomes`: rights holders close the loop, per listing.

use std::collections::HashMap;

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use serde::Serialize;
use sqlx::PgConnection;
use time::OffsetDateTime;

use super::auth::Holder;
use crate::db;
use crate::db::rights_holders::ScopedBrand;
use crate::db::takedowns::{NewOutcome, Recorder};
use crate::domain::outcome::Outcome;
use crate::domain::takedown::outcomes::{OutcomeDraft, OutcomesInput, ReadyOutcome};
use crate::domain::validation::FieldErrors;
use crate::error::{ApiError, AppError, Problem};
use crate::state::AppState;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecordedJson {
    pub recorded: usize,
    pub outcomes: Vec<RecordedOutcome>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecordedOutcome {
    pub brand: String,
    pub listing_url: String,
    pub outcome: Outcome,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub recorded_at: OffsetDateTime,
}

#[utoipa::path(
    post,
    path = "/api/v1/takedowns/outcomes",
    tag = "rights holders",
    request_body = OutcomesInput,
    security(("api_token" = [])),
    responses(
        (status = 200, description = "All outcomes recorded", body = RecordedJson),
        (status = 400, description = "A body that is not JSON", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No token, or a token that is not valid", body = Problem, content_type = "application/problem+json",
            headers(("WWW-Authenticate" = String, description = "`Bearer`, or `Bearer error=\"invalid_token\"`"))),
        (status = 403, description = "A brand outside the token's scope, or a request sent by another website's page", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "A body over 4 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "A body that is not sent as application/json", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Errors per item (`outcomes[2].listing_url`), such as a listing nobody reported for that brand; nothing was recorded", body = Problem, content_type = "application/problem+json"),
    )
)]
/// Records what happened to listings: it shows on the seller's public page, feeds the
/// reputation, and changes the listing's status in later exports.
#[tracing::instrument(skip_all, fields(holder = holder.rights_holder_id))]
pub async fn record(
    State(state): State<AppState>,
    holder: Holder,
    input: Result<Json<OutcomesInput>, JsonRejection>,
) -> Result<Json<RecordedJson>, ApiError> {
    let Json(input) = input?;
    let drafts = input.check()?;
    let mut tx = state.db.begin().await?;
    let brands = brands_in_scope(&holder, &mut tx, &drafts).await?;
    let ready = ready_outcomes(&mut tx, drafts, brands).await?;
    let recorded_at = record_all(&mut tx, &holder, &ready).await?;
    tx.commit().await?;
    Ok(Json(RecordedJson {
        recorded: ready.len(),
        outcomes: ready
            .into_iter()
            .map(|(brand, item)| RecordedOutcome {
                brand: brand.slug,
                listing_url: item.canonical_url,
                outcome: item.outcome,
                recorded_at,
            })
            .collect(),
    }))
}

/// Each item's brand, in item order. Scope first: a brand the token may not see is refused
/// outright, so that per-item messages never say anything about other holders' listings.
/// One query per brand, however many items name it.
async fn brands_in_scope(
    holder: &Holder,
    conn: &mut PgConnection,
    drafts: &[OutcomeDraft],
) -> Result<Vec<ScopedBrand>, AppError> {
    let mut known: HashMap<&str, ScopedBrand> = HashMap::new();
    let mut brands = Vec::with_capacity(drafts.len());
    for draft in drafts {
        let brand = match known.get(draft.brand.as_str()) {
            Some(brand) => brand.clone(),
            None => {
                let brand = holder.brand(conn, &draft.brand).await?;
                known.insert(&draft.brand, brand.clone());
                brand
            }
        };
        brands.push(brand);
    }
    Ok(brands)
}

/// Looks every item's listing up for its brand, in one query, and finishes the items: all of
/// them ready, or every problem named.
async fn ready_outcomes(
    conn: &mut PgConnection,
    drafts: Vec<OutcomeDraft>,
    brands: Vec<ScopedBrand>,
) -> Result<Vec<(ScopedBrand, ReadyOutcome)>, AppError> {
    let wanted: Vec<(i64, Option<&str>)> = drafts
        .iter()
        .zip(&brands)
        .map(|(draft, brand)| (brand.brand_id, draft.canonical_url.as_deref()))
        .collect();
    let found = db::takedowns::find_listing_brands(conn, &wanted).await?;
    if found.len() != drafts.len() {
        return Err(AppError::internal(format!(
            "looked up {} listings and found {} answers",
            drafts.len(),
            found.len()
        )));
    }
    let mut errors = FieldErrors::new();
    let mut ready = Vec::with_capacity(drafts.len());
    for ((draft, brand), listing_id) in drafts.into_iter().zip(brands).zip(found) {
        if let Some(item) = draft.finish(listing_id, &brand.display_name, &mut errors) {
            ready.push((brand, item));
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(ready)
}

/// Records the whole batch, in one statement; returns when.
async fn record_all(
    conn: &mut PgConnection,
    holder: &Holder,
    ready: &[(ScopedBrand, ReadyOutcome)],
) -> Result<OffsetDateTime, AppError> {
    let by = Recorder {
        rights_holder_id: holder.rights_holder_id,
        api_token_id: holder.api_token_id,
    };
    let outcomes: Vec<NewOutcome<'_>> = ready
        .iter()
        .map(|(brand, item)| NewOutcome {
            brand_id: brand.brand_id,
            listing_id: item.listing_id,
            outcome: item.outcome,
            note: item.note.as_deref(),
        })
        .collect();
    Ok(db::takedowns::record_outcomes(conn, by, &outcomes).await?)
}
