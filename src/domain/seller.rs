//! Which seller a report is about, and under which name a seller is shown.
//!
//! A listing belongs to one store. When its own link names the store (a Shopee product, an
//! AliExpress link with `storeId=`, an Amazon link with `smid=`, …), that store is the listing's,
//! and a store link contradicting it is refused. Otherwise the first report records the store,
//! and a later report naming another store is refused with a message that names the recorded
//! one: one reporter must not be able to move a listing, with its reports and its brand
//! owners' outcomes, onto somebody else's store. A report that gives only a name joins the
//! recorded seller, and its name becomes one vote for how that seller is spelled.

use super::fold::fold_name;
use super::listing_url::{Listing, Store};
use super::marketplace::Marketplace;

/// Longest seller name a reporter may type, and longest name shown for a seller.
pub const MAX_SELLER_NAME_CHARS: usize = 200;
/// Folded names become keys; the database allows 600 characters.
const MAX_SELLER_KEY_CHARS: usize = 400;

/// Where a report's seller identity comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    /// The store link the reporter gave (`seller_url`).
    StoreUrl,
    /// The listing's own link, which names its store.
    ListingUrl,
    /// Only the name the reporter typed.
    Name,
    /// The seller the listing was already recorded under.
    Recorded,
}

/// The seller a report is about, as far as the buyer's input lets us identify it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SellerIdentity {
    pub marketplace: Marketplace,
    pub seller_key: String,
    /// The key is a typed name, not an id read from a URL.
    pub name_based: bool,
    pub basis: Basis,
    /// The name a new seller row starts with: the typed name, else the start of the store id.
    pub display_name: String,
    pub store_url: Option<String>,
    /// The name the reporter typed, if any: one vote for how the seller is spelled.
    pub name: Option<String>,
}

/// The seller a listing is recorded under, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedSeller {
    pub marketplace: Marketplace,
    pub seller_key: String,
    pub name_based: bool,
    pub display_name: String,
    pub store_url: Option<String>,
}

/// Why a report's seller was refused: the field to show it next to, and what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SellerConflict {
    pub field: &'static str,
    pub message: String,
}

/// Picks the seller identity of one report. The store the listing's link names wins: a store
/// link naming another store is refused. Then the store link, then the typed name. The typed
/// name is kept as the name vote either way.
pub fn resolve(
    listing: &Listing,
    store: Option<Store>,
    name: Option<String>,
) -> Result<SellerIdentity, SellerConflict> {
    if let Some(store) = &store
        && store.marketplace != listing.marketplace
    {
        return Err(SellerConflict {
            field: "seller_url",
            message: format!(
                "This store is on {} but the listing is on {}; give the store of the listing's seller",
                store.marketplace.display_name(),
                listing.marketplace.display_name()
            ),
        });
    }
    let (store, basis) = match (store, listing.seller_hint.clone()) {
        (Some(given), Some(named)) if given.seller_key != named.seller_key => {
            return Err(SellerConflict {
                field: "seller_url",
                message: format!(
                    "The listing's link names its store ({}), and this is another store ({}). \
                     Give the listing's own store, or leave the store address empty.",
                    short_url(&named.store_url),
                    short_url(&given.store_url)
                ),
            });
        }
        (Some(given), _) => (Some(given), Basis::StoreUrl),
        (None, Some(named)) => (Some(named), Basis::ListingUrl),
        (None, None) => (None, Basis::Name),
    };
    if let Some(store) = store {
        return Ok(SellerIdentity {
            marketplace: store.marketplace,
            display_name: name
                .clone()
                .unwrap_or_else(|| key_as_name(&store.seller_key)),
            seller_key: store.seller_key,
            name_based: false,
            basis,
            store_url: Some(store.store_url),
            name,
        });
    }
    let Some(name) = name else {
        return Err(SellerConflict {
            field: "seller_name",
            message: "Give the store's link or the seller's name as shown on the listing".into(),
        });
    };
    let folded = fold_name(&name);
    // Unicode normalisation can lengthen text, so the key gets its own bound.
    if folded.chars().count() > MAX_SELLER_KEY_CHARS {
        return Err(SellerConflict {
            field: "seller_name",
            message: "The seller name is too long".into(),
        });
    }
    // Names are only unique within one site; for unknown marketplaces the host is the site.
    let seller_key = match listing.marketplace {
        Marketplace::Other => format!("{}:{folded}", host_of(&listing.canonical_url)),
        _ => folded,
    };
    Ok(SellerIdentity {
        marketplace: listing.marketplace,
        seller_key,
        name_based: true,
        basis,
        display_name: name.clone(),
        store_url: None,
        name: Some(name),
    })
}

impl SellerIdentity {
    /// The identity a report on a listing recorded under `recorded` is filed under: that
    /// seller, with this report's typed name as its vote. A report that names a store (by
    /// either link) must name the recorded one; a report that only names the seller joins it.
    /// A store cannot be attached to a seller recorded by name alone either: that would move
    /// the listing just the same.
    pub fn on_recorded(&self, recorded: &RecordedSeller) -> Result<SellerIdentity, SellerConflict> {
        let same = self.marketplace == recorded.marketplace
            && self.seller_key == recorded.seller_key
            && self.name_based == recorded.name_based;
        if same || self.name_based {
            return Ok(SellerIdentity {
                marketplace: recorded.marketplace,
                seller_key: recorded.seller_key.clone(),
                name_based: recorded.name_based,
                basis: Basis::Recorded,
                display_name: recorded.display_name.clone(),
                store_url: recorded.store_url.clone(),
                name: self.name.clone(),
            });
        }
        let field = match self.basis {
            Basis::ListingUrl => "listing_url",
            _ => "seller_url",
        };
        let ours = self.store_url.as_deref().map(short_url).unwrap_or_default();
        let message = match &recorded.store_url {
            Some(url) if !recorded.name_based => format!(
                "This listing is recorded under store “{name}” ({recorded}), and {this} names \
                 another store ({ours}). If the listing moved to another store, report the \
                 listing link that store shows now; if you bought from “{name}”, {fix}.",
                name = recorded.display_name,
                recorded = short_url(url),
                this = this_link(self.basis),
                fix = fix(self.basis),
            ),
            _ => format!(
                "This listing is recorded under the seller “{name}”, named by earlier reports \
                 without a store address, and a report cannot tie it to a store ({ours}). If you \
                 bought from “{name}”, {fix}; if the listing moved to another store, report the \
                 listing link that store shows now.",
                name = recorded.display_name,
                fix = fix(self.basis),
            ),
        };
        Err(SellerConflict { field, message })
    }
}

fn this_link(basis: Basis) -> &'static str {
    match basis {
        Basis::ListingUrl => "the link you gave",
        _ => "the store address you gave",
    }
}

fn fix(basis: Basis) -> &'static str {
    match basis {
        Basis::ListingUrl => "give the listing's address without its store part",
        _ => "leave the store address empty and your report joins it",
    }
}

/// One spelling of a seller's name, with how many live reports gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spelling {
    pub name: String,
    /// [`fold_name`] of `name`: spellings that fold alike are one name typed differently.
    pub folded: String,
    pub live_reports: i64,
}

/// The name a store identified by id is shown under: the name most live reports gave, counting
/// spellings that fold alike ("LUXURY OUTLET", "Luxury Outlet") as one name, shown in its
/// spelling most of them used. Ties go to what was given first (`spellings` come in the order
/// they were first given). With no live spelling, the start of the store's id: a name that
/// only withdrawn or rejected reports gave is not shown.
pub fn shown_name(spellings: &[Spelling], seller_key: &str) -> String {
    let live: Vec<&Spelling> = spellings.iter().filter(|s| s.live_reports > 0).collect();
    let votes = |folded: &str| -> i64 {
        live.iter()
            .filter(|s| s.folded == folded)
            .map(|s| s.live_reports)
            .sum()
    };
    let Some(name) = first_max_by_key(live.iter().copied(), |s| votes(&s.folded)) else {
        return key_as_name(seller_key);
    };
    let spelling = first_max_by_key(
        live.iter().copied().filter(|s| s.folded == name.folded),
        |s| s.live_reports,
    );
    spelling.unwrap_or(name).name.clone()
}

/// The first item with the largest key (`Iterator::max_by_key` returns the last).
fn first_max_by_key<'a>(
    items: impl Iterator<Item = &'a Spelling>,
    key: impl Fn(&Spelling) -> i64,
) -> Option<&'a Spelling> {
    let mut best: Option<(&Spelling, i64)> = None;
    for item in items {
        let k = key(item);
        if best.is_none_or(|(_, b)| k > b) {
            best = Some((item, k));
        }
    }
    best.map(|(item, _)| item)
}

/// A store id can be longer than a name may be; show its start.
fn key_as_name(seller_key: &str) -> String {
    seller_key.chars().take(MAX_SELLER_NAME_CHARS).collect()
}

/// A store address as messages show it: without scheme and `www.`.
fn short_url(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    rest.strip_prefix("www.").unwrap_or(rest)
}

fn host_of(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests;
