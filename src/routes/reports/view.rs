//! How a report looks from outside: the JSON shape of the API, and the facts pages show.
//! Built from what the database holds, never from private columns.

use serde::Serialize;
use time::OffsetDateTime;

use super::intake::Filed;
use crate::db::evidence::EvidenceRow;
use crate::db::reports::PublicReport;
use crate::domain::moderation::RejectReason;
use crate::domain::money::Money;
use crate::domain::order_month::OrderMonth;
use crate::domain::outcome::Outcome;
use crate::domain::reason::Reason;
use crate::domain::status::ReportStatus;
use crate::routes::sellers::view::seller_path;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ReportListing)]
pub struct ListingJson {
    pub marketplace: &'static str,
    pub listing_id: String,
    pub canonical_url: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ReportSeller)]
pub struct SellerJson {
    pub marketplace: &'static str,
    pub seller_key: String,
    pub name: String,
    /// The seller is known only by the name buyers typed, not by an id from a store URL.
    pub name_based: bool,
    pub store_url: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ReportBrand)]
pub struct BrandJson {
    pub slug: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Price)]
pub struct PriceJson {
    pub amount: String,
    pub currency: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Evidence)]
pub struct EvidenceJson {
    pub id: String,
    pub media_type: &'static str,
    pub sha256: String,
    pub bytes: i32,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

impl From<&EvidenceRow> for EvidenceJson {
    fn from(row: &EvidenceRow) -> Self {
        EvidenceJson {
            id: row.public_id.clone(),
            media_type: row.media_type.mime(),
            sha256: hex::encode(&row.sha256),
            bytes: row.byte_size,
            width: row.width,
            height: row.height,
        }
    }
}

/// The public view of a report (`GET /api/v1/reports/{id}`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = Report)]
pub struct ReportJson {
    pub id: String,
    pub status: &'static str,
    pub listing: ListingJson,
    pub seller: SellerJson,
    pub brand: BrandJson,
    pub product_title: Option<String>,
    pub price: Option<PriceJson>,
    /// The month of the order, `YYYY-MM`; never its day, which could tell the seller whose
    /// order it was.
    #[schema(
        value_type = Option<String>,
        pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])$",
        example = "2026-03"
    )]
    pub order_month: Option<OrderMonth>,
    #[schema(value_type = Vec<String>)]
    pub reasons: Vec<Reason>,
    /// What the buyer wrote; empty once a moderator rejected the report, since the text may be
    /// what got it rejected (spam, someone's personal data).
    pub description: String,
    /// The brand owner's outcome for this listing: `removed`, `confirmed_counterfeit`,
    /// `genuine` or `rejected_by_marketplace`.
    #[schema(value_type = Option<String>)]
    pub outcome: Option<Outcome>,
    /// The brand owner declared the listing genuine, disputing this report.
    pub disputed: bool,
    /// Counts in the seller's reputation: its reporter confirmed their email address, or a
    /// moderator verified it. Other reports are published but marked "email not confirmed";
    /// rejected reports never count.
    pub counted: bool,
    /// Why a moderator rejected the report (`status` is `rejected`); null otherwise, and for
    /// reports rejected before reasons were recorded.
    pub rejection_reason: Option<RejectReason>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: OffsetDateTime,
}

impl From<&PublicReport> for ReportJson {
    fn from(r: &PublicReport) -> Self {
        // A rejected report's free text is not published: it may be why it was rejected.
        let rejected = r.status == ReportStatus::Rejected;
        ReportJson {
            id: r.public_id.clone(),
            status: r.status.as_str(),
            listing: ListingJson {
                marketplace: r.marketplace.as_str(),
                listing_id: r.listing_external_id.clone(),
                canonical_url: r.canonical_url.clone(),
            },
            seller: SellerJson {
                marketplace: r.marketplace.as_str(),
                seller_key: r.seller_key.clone(),
                name: r.seller_name.clone(),
                name_based: r.seller_name_based,
                store_url: r.store_url.clone(),
            },
            brand: BrandJson {
                slug: r.brand_slug.clone(),
                name: r.brand_name.clone(),
            },
            product_title: if rejected {
                None
            } else {
                r.product_title.clone()
            },
            counted: r.counts,
            rejection_reason: r.rejection_reason,
            price: price_of(r).map(|m| PriceJson {
                amount: m.amount_string(),
                currency: m.currency_code().to_owned(),
            }),
            order_month: r.order_month,
            reasons: r.reasons.clone(),
            description: if rejected {
                String::new()
            } else {
                r.description.clone()
            },
            outcome: r.outcome,
            disputed: r.outcome == Some(Outcome::Genuine),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// The answer to filing a report: what was recorded, and the manage token (shown once).
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = FiledReport)]
pub struct FiledJson {
    pub id: String,
    pub status: &'static str,
    pub listing: ListingJson,
    pub seller: SellerJson,
    pub brand: BrandJson,
    /// Only this submission's files.
    pub evidence: Vec<EvidenceJson>,
    /// Shown once: it opens the report for editing, withdrawing or erasing.
    pub manage_token: String,
    pub manage_url: String,
    pub url: String,
}

impl FiledJson {
    pub fn new(filed: &Filed, public_base: &str) -> Self {
        let r = &filed.report;
        FiledJson {
            id: filed.public_id.clone(),
            status: ReportStatus::Unverified.as_str(),
            listing: ListingJson {
                marketplace: r.listing.marketplace.as_str(),
                listing_id: r.listing.listing_id.clone(),
                canonical_url: r.listing.canonical_url.clone(),
            },
            seller: SellerJson {
                marketplace: r.seller.marketplace.as_str(),
                seller_key: r.seller.seller_key.clone(),
                name: filed.seller.display_name.clone(),
                name_based: r.seller.name_based,
                store_url: filed.seller.store_url.clone(),
            },
            brand: BrandJson {
                slug: filed.brand.slug.clone(),
                name: filed.brand.display_name.clone(),
            },
            evidence: filed.evidence.iter().map(EvidenceJson::from).collect(),
            manage_token: filed.manage_token.clone(),
            manage_url: manage_url(public_base, &filed.public_id, &filed.manage_token),
            url: format!("{public_base}/reports/{}", filed.public_id),
        }
    }
}

/// The reporter's private link.
pub fn manage_url(public_base: &str, public_id: &str, token: &str) -> String {
    format!("{public_base}/reports/{public_id}/manage/{token}")
}

/// Facts of a report for HTML templates, formatted for people.
#[derive(Debug, Clone)]
pub struct ReportFacts {
    pub id: String,
    pub status: ReportStatus,
    pub marketplace_name: &'static str,
    pub listing_id: String,
    pub canonical_url: String,
    pub seller_name: String,
    pub seller_name_based: bool,
    /// The seller's public page.
    pub seller_path: String,
    pub store_url: Option<String>,
    pub brand_name: String,
    pub brand_slug: String,
    pub product_title: Option<String>,
    pub price: Option<String>,
    pub order_month: Option<OrderMonth>,
    pub reasons: Vec<&'static str>,
    pub description: String,
    pub created: String,
    /// `YYYY-MM-DD` of the erasure of the reporter's data, if erased.
    pub erased_on: Option<String>,
    /// The brand owner's outcome for the listing, in words.
    pub outcome: Option<&'static str>,
    /// Counts in the seller's reputation: live, and its reporter confirmed their email
    /// address or a moderator verified it.
    pub counted: bool,
    /// Its reporter confirmed their email address for it.
    pub confirmed: bool,
    /// Why a moderator rejected it, in words.
    pub rejection_reason: Option<&'static str>,
}

impl From<&PublicReport> for ReportFacts {
    fn from(r: &PublicReport) -> Self {
        ReportFacts {
            id: r.public_id.clone(),
            status: r.status,
            marketplace_name: r.marketplace.display_name(),
            listing_id: r.listing_external_id.clone(),
            canonical_url: r.canonical_url.clone(),
            seller_name: r.seller_name.clone(),
            seller_name_based: r.seller_name_based,
            seller_path: seller_path(r.marketplace.as_str(), &r.seller_key),
            store_url: r.store_url.clone(),
            brand_name: r.brand_name.clone(),
            brand_slug: r.brand_slug.clone(),
            product_title: r.product_title.clone(),
            counted: r.counts,
            confirmed: r.confirmed,
            rejection_reason: r.rejection_reason.map(RejectReason::label),
            price: price_of(r).map(|m| format!("{} {}", m.amount_string(), m.currency_code())),
            order_month: r.order_month,
            reasons: r.reasons.iter().copied().map(Reason::label).collect(),
            description: r.description.clone(),
            created: r.created_at.date().to_string(),
            erased_on: r.erased_at.map(|at| at.date().to_string()),
            outcome: r.outcome.map(Outcome::public_label),
        }
    }
}

/// The stored price, with the currency's own number of decimals.
pub(super) fn price_of(r: &PublicReport) -> Option<Money> {
    let currency = iso_currency::Currency::from_code(r.price_currency.as_deref()?)?;
    Money::new(r.price_amount?, currency).ok()
}
