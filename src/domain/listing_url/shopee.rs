//! Shopee. A product is identified by its shop id and item id together, and each country site
//! (`shopee.sg`, `shopee.co.id`, …) is its own catalogue, so the canonical URL keeps the TLD.

use super::site::{Len, Page, digits};
use super::{Listing, Marketplace, Store};

const SHOP_LEN: Len = 1..=15;
const ITEM_LEN: Len = 1..=20;

/// First path segments that are Shopee pages rather than a shop's user name.
const ROUTES: &[&str] = &[
    "cart",
    "search",
    "mall",
    "flash_sale",
    "daily_discover",
    "user",
    "buyer",
    "seller",
    "checkout",
    "login",
    "signup",
    "verify",
    "m",
    "web",
    "api",
    "top_products",
    "product",
    "shop",
    "collections",
    "docs",
    "help",
    "notifications",
    "purchase",
    "me",
    "deals",
    "coupon",
    "find_similar_products",
    "universal-link",
    "recommend",
    "live",
    "video",
    "brands",
    "sitemap",
    "categories",
    "shopee-coins",
    "edu",
    "affiliate",
];

/// `/Product-Name-i.SHOPID.ITEMID` or `/product/SHOPID/ITEMID`; listing id "SHOPID.ITEMID",
/// and the shop is the seller hint.
pub(super) fn listing(page: &Page<'_>) -> Option<Listing> {
    let (shop, item) = match page.after("product") {
        [shop, item, ..] => (*shop, *item),
        _ => {
            let last = page.last()?;
            let ids = match last.rfind("-i.") {
                Some(at) => &last[at + 3..],
                None => last.strip_prefix("i.")?,
            };
            ids.split_once('.')?
        }
    };
    let (shop, item) = (digits(shop, SHOP_LEN)?, digits(item, ITEM_LEN)?);
    let tld = page.tld();
    Some(Listing {
        marketplace: Marketplace::Shopee,
        listing_id: format!("{shop}.{item}"),
        canonical_url: format!("https://shopee.{tld}/product/{shop}/{item}"),
        seller_hint: Some(shop_store(page, shop)),
    })
}

/// `/shop/SHOPID`, or `/USERNAME` (a single segment that is not a Shopee page; user names are
/// letters, digits, '.' and '_', so titles and `-cat.` category pages never match). A
/// product link gives its shop.
pub(super) fn store(page: &Page<'_>) -> Option<Store> {
    if let Some(listing) = listing(page) {
        return listing.seller_hint;
    }
    if let Some(id) = page.next_after("shop").and_then(|s| digits(s, SHOP_LEN)) {
        return Some(shop_store(page, id));
    }
    let [name] = page.segments() else {
        return None;
    };
    let name = name.to_ascii_lowercase();
    let valid = (2..=30).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_'))
        && name.bytes().any(|b| b.is_ascii_alphabetic())
        && !ROUTES.contains(&name.as_str());
    valid.then(|| Store {
        marketplace: Marketplace::Shopee,
        store_url: format!("https://shopee.{}/{name}", page.tld()),
        seller_key: name,
    })
}

fn shop_store(page: &Page<'_>, id: &str) -> Store {
    Store {
        marketplace: Marketplace::Shopee,
        seller_key: id.to_owned(),
        store_url: format!("https://shopee.{}/shop/{id}", page.tld()),
    }
}
