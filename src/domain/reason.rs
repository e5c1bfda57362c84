//! Why a buyer suspects a fake: a fixed vocabulary, so reports can be counted and compared.

use strum::VariantArray;

/// One reason for suspicion. Slugs, the variants' names in snake case, are stored in the
/// database and used in forms and JSON: never rename a variant without a
/// `#[strum(serialize = …)]` that keeps its slug.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
#[strum(
    serialize_all = "snake_case",
    parse_err_ty = UnknownReason,
    parse_err_fn = UnknownReason::of
)]
pub enum Reason {
    PriceTooLow,
    LogoOrPackagingMismatch,
    PoorQuality,
    MissingOrInvalidSerial,
    MarketedAsReplica,
    SafetyHazard,
    BrandConfirmedFake,
    Other,
}

impl Reason {
    pub const ALL: [Reason; Reason::VARIANTS.len()] = super::variants::all();

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Short label for checkboxes and public pages.
    pub fn label(self) -> &'static str {
        match self {
            Reason::PriceTooLow => "Price far below the genuine product",
            Reason::LogoOrPackagingMismatch => "Logo or packaging differs from the genuine one",
            Reason::PoorQuality => "Poor materials or workmanship",
            Reason::MissingOrInvalidSerial => "Serial number missing or invalid",
            Reason::MarketedAsReplica => "Sold as a replica, copy or \"1:1\"",
            Reason::SafetyHazard => "Safety hazard (battery, electrics, cosmetics, toys…)",
            Reason::BrandConfirmedFake => "The brand told me it is fake",
            Reason::Other => "Something else (explain below)",
        }
    }
}

// In JSON and in the API document: its name, as stored.
super::variants::json_as_name!(Reason);

/// A reason slug that is not in the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownReason(pub String);

impl UnknownReason {
    fn of(slug: &str) -> Self {
        UnknownReason(slug.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reason_round_trips_through_its_slug() {
        for reason in Reason::ALL {
            assert_eq!(reason.as_str().parse::<Reason>(), Ok(reason));
        }
    }

    #[test]
    fn slugs_are_the_stored_ones() {
        assert_eq!(
            Reason::ALL.map(Reason::as_str),
            [
                "price_too_low",
                "logo_or_packaging_mismatch",
                "poor_quality",
                "missing_or_invalid_serial",
                "marketed_as_replica",
                "safety_hazard",
                "brand_confirmed_fake",
                "other",
            ]
        );
        for reason in Reason::ALL {
            assert_eq!(reason.to_string(), reason.as_str());
        }
    }

    #[test]
    fn unknown_slugs_are_refused() {
        assert_eq!("fake".parse::<Reason>(), Err(UnknownReason("fake".into())));
        assert!("Price_Too_Low".parse::<Reason>().is_err());
    }
}
