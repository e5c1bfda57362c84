//! Lazada. Each country site is its own catalogue, so the canonical URL keeps the TLD.

use super::site::{Page, digits, strip_html, strip_prefix_ci, user_name};
use super::{Listing, Marketplace, Store};

/// `/products/slug-iITEMID-sSKU.html` (also `…-iITEMID.html`); the item id is the last
/// `-i<digits>` part, since the title itself may contain one ("core-i5").
pub(super) fn listing(page: &Page<'_>) -> Option<Listing> {
    if page.after("products").is_empty() {
        return None;
    }
    let id = strip_html(page.last()?)
        .rsplit('-')
        .find_map(|part| strip_prefix_ci(part, "i").and_then(|d| digits(d, 4..=20)))?
        .to_owned();
    Some(Listing {
        marketplace: Marketplace::Lazada,
        canonical_url: format!("https://www.lazada.{}/products/i{id}.html", page.tld()),
        listing_id: id,
        seller_hint: None,
    })
}

/// `/shop/NAME/`.
pub(super) fn store(page: &Page<'_>) -> Option<Store> {
    let key = user_name(page.next_after("shop")?)?.to_ascii_lowercase();
    Some(Store {
        marketplace: Marketplace::Lazada,
        store_url: format!("https://www.lazada.{}/shop/{key}", page.tld()),
        seller_key: key,
    })
}
