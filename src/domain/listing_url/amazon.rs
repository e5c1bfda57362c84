//! Amazon. ASINs and merchant ids belong to one Amazon site (amazon.de and amazon.fr list
//! different offers), so the canonical URL keeps the TLD the link was on.

use super::site::Page;
use super::{Listing, Marketplace, Store};

/// Path segments that are followed by an ASIN: `/dp/`, `/gp/product/`, `/gp/aw/d/`,
/// `/exec/obidos/ASIN/`, `/exec/obidos/tg/detail/-/`, `/o/`, `/gp/offer-listing/`, `/gp/aw/ol/`,
/// `/product-reviews/`.
const ASIN_MARKERS: &[&str] = &[
    "dp",
    "product",
    "d",
    "asin",
    "-",
    "o",
    "offer-listing",
    "ol",
    "product-reviews",
];

/// Query parameters naming the merchant, most specific first: `smid` is the seller of the
/// offer being shown.
const SELLER_PARAMS: &[&str] = &["smid", "seller", "me"];

/// Anything with an ASIN in the path (title slugs and `ref=` segments are skipped) or an
/// `asin=` parameter. The merchant from `smid=`, `seller=` or `me=` becomes the seller hint.
pub(super) fn listing(page: &Page<'_>) -> Option<Listing> {
    let asin = page
        .segments()
        .windows(2)
        .find_map(|pair| {
            let is_marker = ASIN_MARKERS.iter().any(|m| pair[0].eq_ignore_ascii_case(m));
            is_marker.then(|| asin(pair[1])).flatten()
        })
        .or_else(|| page.param("asin").as_deref().and_then(asin))?;
    let tld = page.tld();
    Some(Listing {
        marketplace: Marketplace::Amazon,
        canonical_url: format!("https://www.amazon.{tld}/dp/{asin}"),
        listing_id: asin,
        seller_hint: seller_from_params(page),
    })
}

/// `/sp?seller=ID`, `/s?me=ID`, `/shops/ID`, or any page with a `seller=` (or `me=`, `smid=`).
pub(super) fn store(page: &Page<'_>) -> Option<Store> {
    match page.next_after("shops").and_then(merchant) {
        Some(id) => Some(store_for(page, id)),
        None => seller_from_params(page),
    }
}

fn seller_from_params(page: &Page<'_>) -> Option<Store> {
    SELLER_PARAMS
        .iter()
        .find_map(|key| page.param(key).as_deref().and_then(merchant))
        .map(|id| store_for(page, id))
}

fn store_for(page: &Page<'_>, id: String) -> Store {
    Store {
        marketplace: Marketplace::Amazon,
        store_url: format!("https://www.amazon.{}/sp?seller={id}", page.tld()),
        seller_key: id,
    }
}

/// An ASIN: 10 letters and digits with at least one digit (so that a 10-letter word in a path is
/// not taken for one; ISBN-10 ASINs are all digits, except a final 'X'), uppercased.
fn asin(s: &str) -> Option<String> {
    (s.len() == 10
        && s.bytes().all(|b| b.is_ascii_alphanumeric())
        && s.bytes().any(|b| b.is_ascii_digit()))
    .then(|| s.to_ascii_uppercase())
}

/// A merchant id ("A1B2C3D4E5F6G7"): 8 to 20 letters and digits, uppercased.
fn merchant(s: &str) -> Option<String> {
    ((8..=20).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| s.to_ascii_uppercase())
}
