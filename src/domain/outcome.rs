//! What happened to a reported listing, as its brand owner records it.

use std::fmt;
use std::str::FromStr;

/// A rights holder's outcome for one listing reported for one of their brands.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
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
    pub const ALL: [Outcome; 4] = [
        Outcome::Removed,
        Outcome::ConfirmedCounterfeit,
        Outcome::Genuine,
        Outcome::RejectedByMarketplace,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Removed => "removed",
            Outcome::ConfirmedCounterfeit => "confirmed_counterfeit",
            Outcome::Genuine => "genuine",
            Outcome::RejectedByMarketplace => "rejected_by_marketplace",
        }
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

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownOutcome(pub String);

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

impl FromStr for Outcome {
    type Err = UnknownOutcome;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Outcome::ALL
            .into_iter()
            .find(|o| o.as_str() == s)
            .ok_or_else(|| UnknownOutcome(s.to_owned()))
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
        assert!("deleted".parse::<Outcome>().is_err());
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
