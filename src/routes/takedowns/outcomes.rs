//! `POST /api/v1/takedowns/outcomes`: rights holders close the loop, per listing.

use axum::Json;
use axum::extract::State;
use axum::extract::rejection::JsonRejection;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::auth::Holder;
use crate::db;
use crate::db::rights_holders::ScopedBrand;
use crate::db::takedowns::Recorder;
use crate::domain::listing_url::parse_listing_url;
use crate::domain::outcome::Outcome;
use crate::domain::validation::FieldErrors;
use crate::error::{ApiError, AppError, Problem};
use crate::state::AppState;

/// Outcomes one request may carry.
const MAX_OUTCOMES: usize = 1000;
const MAX_NOTE_CHARS: usize = 2000;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomesInput {
    /// Up to 1000; all are recorded or, if any is wrong, none.
    #[schema(min_items = 1, max_items = 1000)]
    pub outcomes: Vec<OutcomeInput>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OutcomeInput {
    /// A brand in the token's scope.
    pub brand: String,
    /// The listing as it appears in the takedown list (`listing_url`); other spellings of the
    /// same listing's address work too.
    pub listing_url: String,
    /// What happened to the listing.
    #[schema(value_type = Outcome)]
    pub outcome: String,
    /// Optional, private: a case number or what the marketplace said.
    #[schema(max_length = 2000)]
    pub note: Option<String>,
}

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

/// One outcome, checked: which listing, for which of the holder's brands.
struct Checked {
    brand: ScopedBrand,
    listing_id: i64,
    canonical_url: String,
    outcome: Outcome,
    note: Option<String>,
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
    if input.outcomes.is_empty() || input.outcomes.len() > MAX_OUTCOMES {
        return Err(AppError::Validation(FieldErrors::single(
            "outcomes",
            format!("Send 1 to {MAX_OUTCOMES} outcomes"),
        ))
        .into());
    }

    let mut tx = state.db.begin().await?;
    let mut errors = FieldErrors::new();
    let mut checked = Vec::with_capacity(input.outcomes.len());
    for (i, item) in input.outcomes.into_iter().enumerate() {
        // Scope first: a brand the token may not see is refused outright, so that per-item
        // messages never say anything about other holders' listings.
        let brand = holder.brand(&mut tx, item.brand.trim()).await?;
        let field = |name: &str| format!("outcomes[{i}].{name}");
        let outcome = match item.outcome.parse::<Outcome>() {
            Ok(o) => Some(o),
            Err(e) => {
                errors.add(field("outcome"), e.to_string());
                None
            }
        };
        let note = item
            .note
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        if note
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
        {
            errors.add(
                field("note"),
                format!("Keep the note under {MAX_NOTE_CHARS} characters"),
            );
        }
        let listing = match parse_listing_url(item.listing_url.trim()) {
            Ok(listing) => {
                let id = db::takedowns::find_listing_brand(
                    &mut tx,
                    brand.brand_id,
                    &listing.canonical_url,
                )
                .await?;
                if id.is_none() {
                    errors.add(
                        field("listing_url"),
                        format!(
                            "Nobody has reported this listing as a fake {}",
                            brand.display_name
                        ),
                    );
                }
                id.map(|id| (id, listing.canonical_url))
            }
            Err(e) => {
                errors.add(field("listing_url"), e.to_string());
                None
            }
        };
        if let (Some(outcome), Some((listing_id, canonical_url))) = (outcome, listing) {
            checked.push(Checked {
                brand,
                listing_id,
                canonical_url,
                outcome,
                note,
            });
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors).into());
    }

    let by = Recorder {
        rights_holder_id: holder.rights_holder_id,
        api_token_id: holder.api_token_id,
    };
    let mut recorded = Vec::with_capacity(checked.len());
    for c in checked {
        let at = db::takedowns::record_outcome(
            &mut tx,
            by,
            c.brand.brand_id,
            c.listing_id,
            c.outcome,
            c.note.as_deref(),
        )
        .await?;
        recorded.push(RecordedOutcome {
            brand: c.brand.slug,
            listing_url: c.canonical_url,
            outcome: c.outcome,
            recorded_at: at,
        });
    }
    tx.commit().await?;
    Ok(Json(RecordedJson {
        recorded: recorded.len(),
        outcomes: recorded,
    }))
}
