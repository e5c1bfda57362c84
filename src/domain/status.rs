//! Where a report stands.

/// A report's status. Only `verified` means someone checked it. The name, stored in
/// `report.status`, is the variant's in snake case: never rename a variant without a
/// `#[strum(serialize = …)]` that keeps its name.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
#[strum(
    serialize_all = "snake_case",
    parse_err_ty = UnknownStatus,
    parse_err_fn = UnknownStatus::of
)]
pub enum ReportStatus {
    Unverified,
    Verified,
    Rejected,
    Withdrawn,
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// What the status means, in a sentence for public pages.
    pub fn explanation(self) -> &'static str {
        match self {
            ReportStatus::Unverified => {
                "Unverified: this is what a buyer told us. Nobody has checked it yet."
            }
            ReportStatus::Verified => {
                "Verified: a moderator checked the evidence and found it supports the report."
            }
            ReportStatus::Rejected => {
                "Rejected by a moderator: it no longer counts in the seller's reputation or in \
                 brand owners' takedown lists."
            }
            ReportStatus::Withdrawn => "Withdrawn by the person who filed it.",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownStatus(pub String);

impl UnknownStatus {
    fn of(name: &str) -> Self {
        UnknownStatus(name.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use strum::VariantArray;

    #[test]
    fn statuses_round_trip() {
        for &status in ReportStatus::VARIANTS {
            assert_eq!(status.as_str().parse(), Ok(status));
            assert_eq!(status.to_string(), status.as_str());
        }
        assert_eq!(
            "deleted".parse::<ReportStatus>(),
            Err(UnknownStatus("deleted".into()))
        );
    }

    #[test]
    fn names_are_the_stored_ones() {
        let names: Vec<&str> = ReportStatus::VARIANTS.iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["unverified", "verified", "rejected", "withdrawn"]);
    }
}
