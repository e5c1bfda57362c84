//! Ready-to-file lists: for each marketplace's IP complaint (bulk) form, the columns it asks
//! for, in its order, filled from a [`TakedownRow`]. Columns the brand must fill itself (its
//! test-buy order id, the notifier's name) are there and blank, so the file is the form.

use std::borrow::Cow;

use crate::domain::Marketplace;
use crate::domain::reason::Reason;

use super::row::{ListingStatus, TakedownRow};

/// A preset's name, in `preset=`, is the variant's in lower case.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
#[strum(
    serialize_all = "lowercase",
    parse_err_ty = String,
    parse_err_fn = unknown_preset
)]
pub enum Preset {
    /// AliExpress IPP batch complaint.
    Aliexpress,
    /// Amazon "Report Infringement" (counterfeit).
    Amazon,
    /// eBay VeRO bulk notice of claimed infringement.
    Ebay,
    /// An EU Digital Services Act Art. 16 notice, for any marketplace.
    Dsa,
}

/// AliExpress IPP accepts at most this many links per complaint.
pub const ALIEXPRESS_PART_ROWS: i64 = 300;

impl Preset {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The marketplace whose listings the preset is for; `None` for notices that apply to any.
    pub fn marketplace(self) -> Option<Marketplace> {
        match self {
            Preset::Aliexpress => Some(Marketplace::AliExpress),
            Preset::Amazon => Some(Marketplace::Amazon),
            Preset::Ebay => Some(Marketplace::Ebay),
            Preset::Dsa => None,
        }
    }

    /// Rows per complaint, when the form limits them.
    pub fn part_rows(self) -> Option<i64> {
        match self {
            Preset::Aliexpress => Some(ALIEXPRESS_PART_ROWS),
            _ => None,
        }
    }

    pub fn columns(self) -> &'static [&'static str] {
        match self {
            Preset::Aliexpress => &[
                "product_url",
                "product_id",
                "store_name",
                "store_url",
                "brand",
                "ipr_type",
                "ipr_registration_no",
                "ipr_office",
                "complaint_type",
                "description",
                "evidence_urls",
            ],
            Preset::Amazon => &[
                "asin",
                "product_url",
                "marketplace_site",
                "brand",
                "ipr_type",
                "ipr_registration_no",
                "ipr_office",
                "infringement_type",
                "test_buy_order_id",
                "seller_name",
                "seller_id",
                "description",
                "evidence_urls",
            ],
            Preset::Ebay => &[
                "item_number",
                "item_url",
                "seller_user_id",
                "reason_code_hint",
                "brand",
                "ipr_registration_no",
                "ipr_office",
                "description",
                "evidence_urls",
            ],
            Preset::Dsa => &[
                "url",
                "marketplace",
                "listing_id",
                "brand",
                "explanation",
                "ipr_registration_no",
                "ipr_office",
                "evidence_urls",
                "notifier_name",
                "notifier_email",
                "good_faith_statement",
            ],
        }
    }

    /// The row's cells, matching [`Preset::columns`].
    pub fn record(self, row: &TakedownRow) -> Vec<Cow<'_, str>> {
        let text = |s: &'static str| Cow::Borrowed(s);
        let opt = |s: &Option<String>| Cow::Owned(s.clone().unwrap_or_default());
        let blank = || Cow::Borrowed("");
        match self {
            Preset::Aliexpress => vec![
                row.listing_url.as_str().into(),
                row.listing_id.as_str().into(),
                row.seller_name.as_str().into(),
                opt(&row.store_url),
                row.brand_name.as_str().into(),
                text("trademark"),
                opt(&row.ipr_registration_no),
                opt(&row.ipr_office),
                text("counterfeit"),
                explanation(row).into(),
                row.evidence_urls().into(),
            ],
            Preset::Amazon => vec![
                row.listing_id.as_str().into(),
                row.listing_url.as_str().into(),
                site(&row.listing_url).into(),
                row.brand_name.as_str().into(),
                text("trademark"),
                opt(&row.ipr_registration_no),
                opt(&row.ipr_office),
                text("counterfeit"),
                // Amazon wants the brand's own test-buy order; only the brand has one.
                blank(),
                row.seller_name.as_str().into(),
                row.seller_key.as_str().into(),
                explanation(row).into(),
                row.evidence_urls().into(),
            ],
            Preset::Ebay => vec![
                row.listing_id.as_str().into(),
                row.listing_url.as_str().into(),
                row.seller_key.as_str().into(),
                text(ebay_reason_hint(row).as_str()),
                row.brand_name.as_str().into(),
                opt(&row.ipr_registration_no),
                opt(&row.ipr_office),
                explanation(row).into(),
                row.evidence_urls().into(),
            ],
            Preset::Dsa => vec![
                row.listing_url.as_str().into(),
                text(row.marketplace.display_name()),
                row.listing_id.as_str().into(),
                row.brand_name.as_str().into(),
                explanation(row).into(),
                opt(&row.ipr_registration_no),
                opt(&row.ipr_office),
                row.evidence_urls().into(),
                // The notifier's own statements (DSA Art. 16(2)(c) and (d)): theirs to make.
                blank(),
                blank(),
                blank(),
            ],
        }
    }
}

fn unknown_preset(name: &str) -> String {
    format!("unknown preset {name:?}; use aliexpress, amazon, ebay or dsa")
}

/// eBay VeRO reason codes a row most likely fits. Only a hint: the brand files the notice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, strum::IntoStaticStr)]
#[strum(serialize_all = "snake_case")]
pub enum EbayReasonHint {
    /// "Item(s) is a counterfeit product": buyers saw the item itself, or it is sold as a copy.
    Counterfeit,
    /// "Listing(s) contains unlawful use of trademark": only the listing looked wrong (price).
    TrademarkInListing,
}

impl EbayReasonHint {
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Reports never say whether a listing copied the brand's photos, so "copied image" is left to
/// the brand; anything a buyer saw on the item itself, or a listing selling "replicas", points
/// to a counterfeit product.
pub fn ebay_reason_hint(row: &TakedownRow) -> EbayReasonHint {
    let item_evidence = row
        .reasons
        .iter()
        .any(|r| !matches!(r.reason, Reason::PriceTooLow | Reason::Other) && r.reports > 0);
    let confirmed = matches!(
        row.status,
        ListingStatus::Outcome(crate::domain::outcome::Outcome::ConfirmedCounterfeit)
    );
    if item_evidence || confirmed {
        EbayReasonHint::Counterfeit
    } else {
        EbayReasonHint::TrademarkInListing
    }
}

/// The substantiated explanation a notice needs, from the counts and reasons: what was
/// reported, by how many different buyers, how much of it was checked, and what they saw.
pub fn explanation(row: &TakedownRow) -> String {
    let mut text = format!(
        "Suspected counterfeit {} offered at {}. Reported on Fakewatch by {}",
        row.brand_name,
        row.listing_url,
        plural(
            row.distinct_reporters,
            "different buyer",
            "different buyers"
        ),
    );
    if row.reports != row.distinct_reporters {
        text.push_str(&format!(" ({})", plural(row.reports, "report", "reports")));
    }
    if let (Some(first), Some(last)) = (row.first_reported, row.last_reported) {
        if first.date() == last.date() {
            text.push_str(&format!(" on {}", first.date()));
        } else {
            text.push_str(&format!(" between {} and {}", first.date(), last.date()));
        }
    }
    text.push('.');
    if row.verified_reports > 0 {
        text.push_str(&format!(
            " {} checked by a moderator, who found the evidence supports it.",
            plural_verb(row.verified_reports)
        ));
    }
    if !row.reasons.is_empty() {
        let reasons: Vec<String> = row
            .reasons
            .iter()
            .map(|r| format!("{} ({})", lowercase_first(r.reason.label()), r.reports))
            .collect();
        text.push_str(&format!(" What buyers saw: {}.", reasons.join("; ")));
    }
    if let (Some(price), Some(currency)) = (row.lowest_price, &row.price_currency) {
        text.push_str(&format!(
            " Lowest price reported: {} {currency}.",
            price.normalize()
        ));
    }
    if !row.evidence.is_empty() {
        text.push_str(&format!(
            " {} attached.",
            plural(
                i64::try_from(row.evidence.len()).unwrap_or(i64::MAX),
                "evidence file",
                "evidence files"
            )
        ));
    }
    if let ListingStatus::Outcome(outcome) = row.status {
        text.push_str(&format!(" Status: {}.", outcome.public_label()));
    }
    text
}

fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn plural_verb(n: i64) -> String {
    if n == 1 {
        "1 report was".to_owned()
    } else {
        format!("{n} reports were")
    }
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The marketplace site a URL is on (`www.amazon.de`), which Amazon's form asks for.
fn site(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
