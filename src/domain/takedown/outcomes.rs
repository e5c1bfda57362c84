//! Outcomes a rights holder records for listings, checked in two steps: each item on its own
//! here ([`OutcomesInput::check`]), then, once the database has said which listing each one
//! names for its brand, the item as recorded ([`OutcomeDraft::finish`]). Problems are named
//! per item (`outcomes[2].listing_url`) in the order of the items.

use serde::Deserialize;

use crate::domain::listing_url::parse_listing_url;
use crate::domain::outcome::Outcome;
use crate::domain::validation::FieldErrors;

/// Outcomes one request may carry.
pub const MAX_OUTCOMES: usize = 1000;
pub const MAX_NOTE_CHARS: usize = 2000;

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

/// One item checked on its own: the brand and listing it names, and its problems so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeDraft {
    index: usize,
    /// The brand's slug as given, trimmed; the caller checks it against the token's scope.
    pub brand: String,
    /// The listing's canonical address; `None` when `listing_url` is not a listing's.
    pub canonical_url: Option<String>,
    outcome: Option<Outcome>,
    note: Option<String>,
    /// In the order they are named: `outcome`, `note`, `listing_url`.
    problems: Vec<(&'static str, String)>,
}

/// An item ready to record: every check passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadyOutcome {
    pub listing_id: i64,
    pub canonical_url: String,
    pub outcome: Outcome,
    pub note: Option<String>,
}

impl OutcomesInput {
    /// Checks the batch's size and each item on its own. An `Err` is about the whole batch;
    /// each item's own problems wait in its draft, so that a brand outside the token's scope
    /// is refused before any item's problem is told.
    pub fn check(self) -> Result<Vec<OutcomeDraft>, FieldErrors> {
        if self.outcomes.is_empty() || self.outcomes.len() > MAX_OUTCOMES {
            return Err(FieldErrors::single(
                "outcomes",
                format!("Send 1 to {MAX_OUTCOMES} outcomes"),
            ));
        }
        Ok(self
            .outcomes
            .into_iter()
            .enumerate()
            .map(|(index, item)| item.check(index))
            .collect())
    }
}

impl OutcomeInput {
    fn check(self, index: usize) -> OutcomeDraft {
        let mut problems = Vec::new();
        let outcome = self
            .outcome
            .parse::<Outcome>()
            .map_err(|e| problems.push(("outcome", e.to_string())))
            .ok();
        let note = self
            .note
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty());
        if note
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS)
        {
            problems.push((
                "note",
                format!("Keep the note under {MAX_NOTE_CHARS} characters"),
            ));
        }
        let canonical_url = parse_listing_url(self.listing_url.trim())
            .map(|listing| listing.canonical_url)
            .map_err(|e| problems.push(("listing_url", e.to_string())))
            .ok();
        OutcomeDraft {
            index,
            brand: self.brand.trim().to_owned(),
            canonical_url,
            outcome,
            note,
            problems,
        }
    }
}

impl OutcomeDraft {
    /// Adds this item's problems to `errors`, with the one only the database can tell: a
    /// listing nobody reported for the brand (`listing_id` is `None` for a valid address).
    /// Returns the item as recorded when it has none.
    pub fn finish(
        self,
        listing_id: Option<i64>,
        brand_name: &str,
        errors: &mut FieldErrors,
    ) -> Option<ReadyOutcome> {
        let field = |name: &str| format!("outcomes[{}].{name}", self.index);
        for (name, message) in &self.problems {
            errors.add(field(name), message.clone());
        }
        if self.canonical_url.is_some() && listing_id.is_none() {
            errors.add(
                field("listing_url"),
                format!("Nobody has reported this listing as a fake {brand_name}"),
            );
        }
        if !self.problems.is_empty() {
            return None;
        }
        Some(ReadyOutcome {
            listing_id: listing_id?,
            canonical_url: self.canonical_url?,
            outcome: self.outcome?,
            note: self.note,
        })
    }
}

#[cfg(test)]
mod tests;
