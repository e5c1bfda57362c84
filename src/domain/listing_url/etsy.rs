//! Etsy. Listing ids are global numbers; shop names are case-insensitive and also serve as
//! subdomains (`{shop}.etsy.com`). Short `etsy.me` links are a different domain and stay Other.

use super::site::{Len, Page, digits, user_name};
use super::{Listing, Marketplace, Store};

const LISTING_LEN: Len = 3..=15;

/// Etsy's own subdomains, which are not shops.
const RESERVED_SUBDOMAINS: &[&str] = &[
    "www",
    "m",
    "help",
    "blog",
    "community",
    "api",
    "openapi",
    "developer",
    "developers",
    "img",
    "i",
    "static",
    "shop",
    "admin",
    "app",
    "support",
    "ads",
    "business",
    "investors",
];

/// `/listing/ID/slug`, with or without a country/language prefix (`/uk/`, `/de/`); on a shop
/// subdomain the shop becomes the seller hint.
pub(super) fn listing(page: &Page<'_>) -> Option<Listing> {
    let id = digits(page.next_after("listing")?, LISTING_LEN)?.to_owned();
    Some(Listing {
        marketplace: Marketplace::Etsy,
        canonical_url: format!("https://www.etsy.com/listing/{id}"),
        listing_id: id,
        seller_hint: shop_subdomain(page).map(store_for),
    })
}

/// `/shop/NAME` (with optional country prefix) or `NAME.etsy.com`.
pub(super) fn store(page: &Page<'_>) -> Option<Store> {
    page.next_after("shop")
        .and_then(user_name)
        .or_else(|| shop_subdomain(page))
        .map(store_for)
}

fn shop_subdomain<'a>(page: &Page<'a>) -> Option<&'a str> {
    let sub = page.sub();
    (!sub.contains('.') && !RESERVED_SUBDOMAINS.contains(&sub))
        .then(|| user_name(sub))
        .flatten()
}

fn store_for(name: &str) -> Store {
    let key = name.to_ascii_lowercase();
    Store {
        marketplace: Marketplace::Etsy,
        store_url: format!("https://www.etsy.com/shop/{key}"),
        seller_key: key,
    }
}
