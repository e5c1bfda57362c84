//! Wish. Products and merchants are identified by 24-hex-digit ids; merchants also by name.

use super::site::{Page, user_name};
use super::{Listing, Marketplace, Store};

/// `/product/HEX24`, `/c/HEX24` (also deeper, e.g. `/feed/…/product/HEX24`), or `?pid=HEX24`.
pub(super) fn listing(page: &Page<'_>) -> Option<Listing> {
    let id = page
        .next_after("product")
        .and_then(hex24)
        .or_else(|| page.next_after("c").and_then(hex24))
        .or_else(|| page.param("pid").as_deref().and_then(hex24))?;
    Some(Listing {
        marketplace: Marketplace::Wish,
        canonical_url: format!("https://www.wish.com/product/{id}"),
        listing_id: id,
        seller_hint: None,
    })
}

/// `/merchant/NAME_OR_ID`.
pub(super) fn store(page: &Page<'_>) -> Option<Store> {
    let key = user_name(page.next_after("merchant")?)?.to_ascii_lowercase();
    Some(Store {
        marketplace: Marketplace::Wish,
        store_url: format!("https://www.wish.com/merchant/{key}"),
        seller_key: key,
    })
}

/// A MongoDB-style object id: 24 hex digits, lowercased.
fn hex24(s: &str) -> Option<String> {
    (s.len() == 24 && s.bytes().all(|b| b.is_ascii_hexdigit())).then(|| s.to_ascii_lowercase())
}
