//! Where a report stands.

use std::fmt;
use std::str::FromStr;

/// A report's status. Only `verified` means someone checked it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportStatus {
    Unverified,
    Verified,
    Rejected,
    Withdrawn,
}

impl ReportStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::Unverified => "unverified",
            ReportStatus::Verified => "verified",
            ReportStatus::Rejected => "rejected",
            ReportStatus::Withdrawn => "withdrawn",
        }
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

impl fmt::Display for ReportStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownStatus(pub String);

impl FromStr for ReportStatus {
    type Err = UnknownStatus;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "unverified" => Ok(ReportStatus::Unverified),
            "verified" => Ok(ReportStatus::Verified),
            "rejected" => Ok(ReportStatus::Rejected),
            "withdrawn" => Ok(ReportStatus::Withdrawn),
            other => Err(UnknownStatus(other.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for status in [
            ReportStatus::Unverified,
            ReportStatus::Verified,
            ReportStatus::Rejected,
            ReportStatus::Withdrawn,
        ] {
            assert_eq!(status.as_str().parse(), Ok(status));
        }
        assert!("deleted".parse::<ReportStatus>().is_err());
    }
}
