//! Walmart (walmart.com and walmart.ca, which are separate catalogues: walmart.com item ids are
//! numbers, walmart.ca ids are letters and digits).

use super::site::Page;
use super::{Listing, Marketplace, Store};

/// `/ip/slug/ID` or `/ip/ID` (walmart.ca: `/en/ip/slug/ID`). `selectedSellerId=` gives the
/// seller.
pub(super) fn listing(page: &Page<'_>) -> Option<Listing> {
    let id = page
        .after("ip")
        .iter()
        .take(2)
        .rev()
        .find_map(|s| item_id(page, s))?;
    Some(Listing {
        marketplace: Marketplace::Walmart,
        canonical_url: format!("{}/ip/{id}", site_root(page)),
        listing_id: id,
        seller_hint: page
            .param("selectedSellerId")
            .as_deref()
            .and_then(seller_id)
            .map(|id| store_for(page, id)),
    })
}

/// `/seller/ID` (also `/global/seller/ID`).
pub(super) fn store(page: &Page<'_>) -> Option<Store> {
    let id = seller_id(page.next_after("seller")?)?;
    Some(store_for(page, id))
}

fn store_for(page: &Page<'_>, id: String) -> Store {
    Store {
        marketplace: Marketplace::Walmart,
        store_url: format!("{}/seller/{id}", site_root(page)),
        seller_key: id,
    }
}

fn site_root(page: &Page<'_>) -> &'static str {
    if page.tld() == "ca" {
        "https://www.walmart.ca/en"
    } else {
        "https://www.walmart.com"
    }
}

/// walmart.com: 5 to 15 digits. walmart.ca: 5 to 20 letters and digits with at least one digit
/// (so that a one-word title slug is not taken for an id), uppercased.
fn item_id(page: &Page<'_>, s: &str) -> Option<String> {
    let ok = (5..=20).contains(&s.len())
        && if page.tld() == "ca" {
            s.bytes().all(|b| b.is_ascii_alphanumeric()) && s.bytes().any(|b| b.is_ascii_digit())
        } else {
            s.len() <= 15 && s.bytes().all(|b| b.is_ascii_digit())
        };
    ok.then(|| s.to_ascii_uppercase())
}

/// Seller ids are numbers on walmart.com; letters are allowed for walmart.ca. Uppercased.
fn seller_id(s: &str) -> Option<String> {
    ((1..=32).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| s.to_ascii_uppercase())
}
