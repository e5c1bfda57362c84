//! One takedown-list row: a listing reported for one brand, with everything a complaint needs.

use std::borrow::Cow;

use rust_decimal::Decimal;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::domain::Marketplace;
use crate::domain::outcome::Outcome;
use crate::domain::reason::Reason;

/// Where a listing stands for its brand: the rights holder's outcome when there is one, else
/// what the reports say. Its name is the variant's in snake case, or the outcome's.
///
/// strum writes the names but does not read them: `EnumString` cannot parse into the
/// `Outcome` a variant carries, so [`FromStr`](std::str::FromStr) is written out below.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum ListingStatus {
    /// Reported by buyers; no moderator has verified a report yet.
    Reported,
    /// At least one report was verified by a moderator.
    Verified,
    /// Every report on it was withdrawn or rejected (only incremental exports show these, so
    /// that a synced copy can drop them).
    Withdrawn,
    #[strum(transparent)]
    Outcome(Outcome),
}

impl ListingStatus {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Every value of the `status` filter.
    pub const NAMES: [&'static str; 7] = [
        "reported",
        "verified",
        "withdrawn",
        "removed",
        "confirmed_counterfeit",
        "genuine",
        "rejected_by_marketplace",
    ];
}

/// One evidence file of the listing's live reports: a signed link and what identifies the file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EvidenceFile {
    pub id: String,
    /// Signed and expiring: works without the API token.
    pub url: String,
    /// Hex SHA-256 of the stored bytes, so a marketplace can check it got the reported file.
    pub sha256: String,
    pub bytes: i64,
    pub media_type: String,
    #[serde(with = "time::serde::rfc3339")]
    pub uploaded_at: OffsetDateTime,
}

/// A reason and how many live reports gave it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReasonCount {
    pub reason: Reason,
    pub reports: i64,
}

impl std::str::FromStr for ListingStatus {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "reported" => Ok(ListingStatus::Reported),
            "verified" => Ok(ListingStatus::Verified),
            "withdrawn" => Ok(ListingStatus::Withdrawn),
            other => other
                .parse::<Outcome>()
                .map(ListingStatus::Outcome)
                .map_err(|e| e.to_string()),
        }
    }
}

/// As its one-word name, as in CSV.
impl Serialize for ListingStatus {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A listing reported for a brand. Serialised as is for `format=json|ndjson` without a preset.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TakedownRow {
    #[serde(serialize_with = "slug")]
    pub marketplace: Marketplace,
    /// The marketplace's id: AliExpress item id, ASIN, eBay item number, …
    pub listing_id: String,
    pub listing_url: String,
    pub seller_key: String,
    pub seller_name: String,
    pub store_url: Option<String>,
    pub seller_page_url: String,
    pub brand: String,
    pub brand_name: String,
    pub product_title: Option<String>,
    pub reports: i64,
    /// Reporters who confirmed their email address or whose report a moderator verified;
    /// unconfirmed reports are in `reports` only.
    pub distinct_reporters: i64,
    pub verified_reports: i64,
    /// Most given first.
    pub reasons: Vec<ReasonCount>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub first_reported: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_reported: Option<OffsetDateTime>,
    /// The lowest price reported, in the currency most reports used.
    pub lowest_price: Option<Decimal>,
    pub price_currency: Option<String>,
    pub status: ListingStatus,
    #[serde(with = "time::serde::rfc3339::option")]
    pub outcome_at: Option<OffsetDateTime>,
    pub evidence: Vec<EvidenceFile>,
    pub ipr_registration_no: Option<String>,
    pub ipr_office: Option<String>,
}

/// A marketplace as its slug, as in CSV.
fn slug<S: serde::Serializer>(marketplace: &Marketplace, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(marketplace.as_str())
}

/// The full list's columns, in order.
pub const FULL_COLUMNS: [&str; 24] = [
    "marketplace",
    "listing_id",
    "listing_url",
    "seller_key",
    "seller_name",
    "store_url",
    "seller_page_url",
    "brand",
    "product_title",
    "reports",
    "distinct_reporters",
    "verified_reports",
    "reasons",
    "first_reported",
    "last_reported",
    "lowest_price",
    "price_currency",
    "status",
    "outcome_at",
    "evidence_urls",
    "evidence_sha256",
    "evidence_manifest",
    "ipr_registration_no",
    "ipr_office",
];

impl TakedownRow {
    /// Cells of the full list, matching [`FULL_COLUMNS`].
    pub fn full_record(&self) -> Vec<Cow<'_, str>> {
        vec![
            self.marketplace.as_str().into(),
            self.listing_id.as_str().into(),
            self.listing_url.as_str().into(),
            self.seller_key.as_str().into(),
            self.seller_name.as_str().into(),
            opt(&self.store_url),
            self.seller_page_url.as_str().into(),
            self.brand_name.as_str().into(),
            opt(&self.product_title),
            self.reports.to_string().into(),
            self.distinct_reporters.to_string().into(),
            self.verified_reports.to_string().into(),
            self.reasons_text().into(),
            date_time(self.first_reported),
            date_time(self.last_reported),
            self.lowest_price
                .map(|p| p.normalize().to_string())
                .unwrap_or_default()
                .into(),
            opt(&self.price_currency),
            self.status.as_str().into(),
            date_time(self.outcome_at),
            self.evidence_urls().into(),
            self.evidence
                .iter()
                .map(|e| e.sha256.as_str())
                .collect::<Vec<_>>()
                .join(" ")
                .into(),
            self.evidence_manifest().into(),
            opt(&self.ipr_registration_no),
            opt(&self.ipr_office),
        ]
    }

    /// `price_too_low:3;poor_quality:1`: one cell, still easy to split.
    pub fn reasons_text(&self) -> String {
        self.reasons
            .iter()
            .map(|r| format!("{}:{}", r.reason.as_str(), r.reports))
            .collect::<Vec<_>>()
            .join(";")
    }

    /// Each file as `sha256:bytes:media_type:uploaded_at`, space-separated, in the order of
    /// the links: what a marketplace needs to check that a file is the one reported.
    pub fn evidence_manifest(&self) -> String {
        self.evidence
            .iter()
            .map(|e| {
                format!(
                    "{}:{}:{}:{}",
                    e.sha256,
                    e.bytes,
                    e.media_type,
                    e.uploaded_at.format(&Rfc3339).unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The signed evidence links, space-separated (URLs contain no spaces).
    pub fn evidence_urls(&self) -> String {
        self.evidence
            .iter()
            .map(|e| e.url.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

fn opt(value: &Option<String>) -> Cow<'_, str> {
    value.as_deref().unwrap_or_default().into()
}

fn date_time(value: Option<OffsetDateTime>) -> Cow<'static, str> {
    value
        .and_then(|t| t.format(&Rfc3339).ok())
        .unwrap_or_default()
        .into()
}
