//! The operations the property test draws, over small pools of stores, listings, brands and
//! reporters, so that random sequences keep hitting the same summary rows from every side.

use proptest::prelude::*;
use serde_json::{Value, json};

/// Stores: three on AliExpress (which moderators may merge into each other) and one on eBay,
/// so that a brand's per-marketplace counts have two rows.
pub const STORES: usize = 4;
/// The AliExpress stores: the ones merges pick from.
pub const MERGEABLE_STORES: usize = 3;
/// Listings: listing `n` is sold by store `n % STORES`, as a listing belongs to one store.
pub const LISTINGS: usize = 8;
pub const BRANDS: [&str; 3] = ["Acme", "Bolt", "Coda"];
/// Reporters with an address; a report without one is anonymous (all anonymous reports here
/// come from 127.0.0.1, so they share one fingerprint).
pub const REPORTERS: usize = 4;
pub const OUTCOMES: [&str; 4] = [
    "confirmed_counterfeit",
    "removed",
    "genuine",
    "rejected_by_marketplace",
];
pub const REJECT_REASONS: [&str; 3] = ["spam", "duplicate", "not_counterfeit"];

/// One write, as a person would make it. `report` picks among the reports filed so far
/// (modulo their number), so that shrinking keeps a sequence meaningful.
#[derive(Debug, Clone)]
pub enum Op {
    File {
        listing: usize,
        brand: usize,
        reporter: Option<usize>,
        evidence: bool,
    },
    /// The reporter follows the link of their confirmation mail and confirms.
    Confirm {
        reporter: usize,
    },
    /// The reporter follows the link and answers "This wasn't me".
    Disown {
        reporter: usize,
    },
    /// Through the manage page's form, or the API with the manage token.
    Withdraw {
        report: usize,
        by_form: bool,
    },
    Erase {
        report: usize,
    },
    Verify {
        report: usize,
    },
    Reject {
        report: usize,
        reason: usize,
    },
    /// A moderator hides an evidence file, or shows a hidden one again.
    ToggleEvidence {
        report: usize,
    },
    MergeSellers {
        from: usize,
        into: usize,
    },
    MergeBrands {
        from: usize,
        into: usize,
    },
    /// The rights holder records an outcome for the listing and brand of a filed report.
    Outcome {
        report: usize,
        outcome: usize,
    },
}

pub fn op() -> impl Strategy<Value = Op> {
    let pick = 0..64usize;
    prop_oneof![
        8 => (0..LISTINGS, 0..BRANDS.len(), proptest::option::weighted(0.8, 0..REPORTERS),
              proptest::bool::weighted(0.3))
            .prop_map(|(listing, brand, reporter, evidence)| Op::File {
                listing, brand, reporter, evidence
            }),
        4 => (0..REPORTERS).prop_map(|reporter| Op::Confirm { reporter }),
        2 => (0..REPORTERS).prop_map(|reporter| Op::Disown { reporter }),
        2 => (pick.clone(), any::<bool>())
            .prop_map(|(report, by_form)| Op::Withdraw { report, by_form }),
        1 => pick.clone().prop_map(|report| Op::Erase { report }),
        2 => pick.clone().prop_map(|report| Op::Verify { report }),
        2 => (pick.clone(), 0..REJECT_REASONS.len())
            .prop_map(|(report, reason)| Op::Reject { report, reason }),
        2 => pick.prop_map(|report| Op::ToggleEvidence { report }),
        2 => (0..MERGEABLE_STORES, 0..MERGEABLE_STORES)
            .prop_map(|(from, into)| Op::MergeSellers { from, into }),
        2 => (0..BRANDS.len(), 0..BRANDS.len())
            .prop_map(|(from, into)| Op::MergeBrands { from, into }),
        2 => (0..64usize, 0..OUTCOMES.len())
            .prop_map(|(report, outcome)| Op::Outcome { report, outcome }),
    ]
}

impl Op {
    /// The operation's name, for the tally of what a run did.
    pub fn kind(&self) -> &'static str {
        match self {
            Op::File { .. } => "file",
            Op::Confirm { .. } => "confirm",
            Op::Disown { .. } => "disown",
            Op::Withdraw { .. } => "withdraw",
            Op::Erase { .. } => "erase",
            Op::Verify { .. } => "verify",
            Op::Reject { .. } => "reject",
            Op::ToggleEvidence { .. } => "hide or show evidence",
            Op::MergeSellers { .. } => "merge sellers",
            Op::MergeBrands { .. } => "merge brands",
            Op::Outcome { .. } => "outcome",
        }
    }

    /// Every kind, for the check that a run did each at least once.
    pub const KINDS: [&'static str; 11] = [
        "file",
        "confirm",
        "disown",
        "withdraw",
        "erase",
        "verify",
        "reject",
        "hide or show evidence",
        "merge sellers",
        "merge brands",
        "outcome",
    ];
}

pub fn email(reporter: usize) -> String {
    format!("reporter{reporter}@example.com")
}

/// The store of listing `n`.
pub fn store_of(listing: usize) -> usize {
    listing % STORES
}

/// The address of store `s`, as a seller URL.
pub fn store_url(store: usize) -> String {
    if store < MERGEABLE_STORES {
        format!("https://www.aliexpress.com/store/{}", 1111 * (store + 1))
    } else {
        "https://www.ebay.com/usr/best_deals-usa".to_owned()
    }
}

/// The seller's path under `/moderation/sellers/` and its `into` form: `marketplace/key`.
pub fn store_path(store: usize) -> String {
    format!("aliexpress/{}", 1111 * (store + 1))
}

/// The canonical address of listing `n`.
pub fn listing_url(listing: usize) -> String {
    if store_of(listing) < MERGEABLE_STORES {
        format!(
            "https://www.aliexpress.com/item/{}.html",
            1_005_000_000_000_000 + listing as u64
        )
    } else {
        format!(
            "https://www.ebay.com/itm/{}",
            285_123_456_700 + listing as u64
        )
    }
}

/// A complete report on listing `n` for `brand`, by `reporter` (anonymous when `None`).
pub fn report(listing: usize, brand: usize, reporter: Option<usize>) -> Value {
    let mut report = crate::helpers::valid_report();
    report["listing_url"] = json!(listing_url(listing));
    report["seller_url"] = json!(store_url(store_of(listing)));
    report["seller_name"] = json!(format!("Store {}", store_of(listing)));
    report["brand"] = json!(BRANDS[brand]);
    match reporter {
        Some(r) => report["email"] = json!(email(r)),
        None => {
            report.as_object_mut().expect("object").remove("email");
        }
    }
    report
}
