//! What happened to a reported listing, as its brand owner records it.

use std::fmt;

use strum::VariantArray;

/// A rights holder's outcome for one listing reported for one of their brands.
// Its name, the variant's in snake case, is stored and used in JSON (not in the doc comment
// above, which the API document shows).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    utoipa::ToSchema,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(
    serialize_all = "snake_case",
    parse_err_ty = UnknownOutcome,
    parse_err_fn = UnknownOutcome::of
)]
pub enum Outcome {
    /// The marketplace took the listing down.
    Removed,
    /// The brand owner confirmed the item is counterfeit.
    ConfirmedCounterfeit,
    /// The brand owner says the item is genuine: the reports on it are disputed.
    Genuine,
    /// The marketplace refused the complaint.
    RejectedByMarketplace,
}

impl Outcome {
    pub const ALL: [Outcome; Outcome::VARIANTS.len()] = super::variants::all();

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// How public pages say it, naming who decided.
    pub fn public_label(self) -> &'static str {
        match self {
            Outcome::Removed => "Removed by the marketplace",
            Outcome::ConfirmedCounterfeit => "Confirmed counterfeit by the brand owner",
            Outcome::Genuine => "Declared genuine by the brand owner: reports disputed",
            Outcome::RejectedByMarketplace => "Complaint rejected by the marketplace",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownOutcome(pub String);

impl UnknownOutcome {
    fn of(name: &str) -> Self {
        UnknownOutcome(name.to_owned())
    }
}

impl fmt::Display for UnknownOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown outcome {:?}; use one of: removed, confirmed_counterfeit, genuine, \
             rejected_by_marketplace",
            self.0
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_round_trip_through_text_and_json() {
        for outcome in Outcome::ALL {
            assert_eq!(outcome.as_str().parse(), Ok(outcome));
            let json = serde_json::to_string(&outcome).expect("serialises");
            assert_eq!(json, format!("\"{outcome}\""));
        }
        assert_eq!(
            "deleted".parse::<Outcome>().map_err(|e| e.to_string()),
            Err(
                "unknown outcome \"deleted\"; use one of: removed, confirmed_counterfeit, \
                 genuine, rejected_by_marketplace"
                    .to_owned()
            )
        );
    }

    #[test]
    fn names_are_the_stored_ones() {
        assert_eq!(
            Outcome::ALL.map(Outcome::as_str),
            [
                "removed",
                "confirmed_counterfeit",
                "genuine",
                "rejected_by_marketplace"
            ]
        );
    }

    #[test]
    fn public_labels_name_who_decided() {
        assert!(
            Outcome::ConfirmedCounterfeit
                .public_label()
                .contains("brand owner")
        );
        assert!(Outcome::Removed.public_label().contains("marketplace"));
    }
}
