//! DHgate. Product and store ids are numbers at the end of the path; all country and mobile
//! hosts share them.

use super::site::{Len, Page, digits, strip_html};
use super::{Listing, Marketplace, Store};

const PRODUCT_LEN: Len = 6..=12;
const STORE_LEN: Len = 5..=12;

/// `/product/slug/123456789.html` (also on `m.` and country hosts).
pub(super) fn listing(page: &Page<'_>) -> Option<Listing> {
    if page.after("product").is_empty() {
        return None;
    }
    let id = digits(strip_html(page.last()?), PRODUCT_LEN)?.to_owned();
    Some(Listing {
        marketplace: Marketplace::DhGate,
        canonical_url: format!("https://www.dhgate.com/product/{id}.html"),
        listing_id: id,
        seller_hint: None,
    })
}

/// `/store/ID`, `/store/ID.html`, `/store/top-selling/ID.html` and other store sections.
pub(super) fn store(page: &Page<'_>) -> Option<Store> {
    if !page.starts_with("store") {
        return None;
    }
    let id = page
        .after("store")
        .iter()
        .take(2)
        .find_map(|s| digits(strip_html(s), STORE_LEN))?
        .to_owned();
    Some(Store {
        marketplace: Marketplace::DhGate,
        store_url: format!("https://www.dhgate.com/store/{id}"),
        seller_key: id,
    })
}
