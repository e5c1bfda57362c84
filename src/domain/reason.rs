//! Why a buyer suspects a fake: a fixed vocabulary, so reports can be counted and compared.

use std::fmt;
use std::str::FromStr;

/// One reason for suspicion. Slugs are stored in the database and used in forms and JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
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
    pub const ALL: [Reason; 8] = [
        Reason::PriceTooLow,
        Reason::LogoOrPackagingMismatch,
        Reason::PoorQuality,
        Reason::MissingOrInvalidSerial,
        Reason::MarketedAsReplica,
        Reason::SafetyHazard,
        Reason::BrandConfirmedFake,
        Reason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::PriceTooLow => "price_too_low",
            Reason::LogoOrPackagingMismatch => "logo_or_packaging_mismatch",
            Reason::PoorQuality => "poor_quality",
            Reason::MissingOrInvalidSerial => "missing_or_invalid_serial",
            Reason::MarketedAsReplica => "marketed_as_replica",
            Reason::SafetyHazard => "safety_hazard",
            Reason::BrandConfirmedFake => "brand_confirmed_fake",
            Reason::Other => "other",
        }
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

/// In the API document: one of the slugs.
impl utoipa::PartialSchema for Reason {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Reason::ALL.map(Reason::as_str)))
            .into()
    }
}

impl utoipa::ToSchema for Reason {}

/// As its slug, as stored.
impl serde::Serialize for Reason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reason slug that is not in the vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownReason(pub String);

impl FromStr for Reason {
    type Err = UnknownReason;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Reason::ALL
            .into_iter()
            .find(|r| r.as_str() == s)
            .ok_or_else(|| UnknownReason(s.to_owned()))
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
    fn unknown_slugs_are_refused() {
        assert!("fake".parse::<Reason>().is_err());
        assert!("Price_Too_Low".parse::<Reason>().is_err());
    }
}
