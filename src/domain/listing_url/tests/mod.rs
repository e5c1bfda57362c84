//! Tests of listing/store URL parsing: one file per marketplace, plus input checks, unknown
//! websites and property tests. Every accepted case also checks that the canonical URL parses
//! back to the same listing (or store).

use super::*;

mod alibaba;
mod aliexpress;
mod amazon;
mod dhgate;
mod ebay;
mod etsy;
mod input;
mod lazada;
mod mercadolibre;
mod other;
mod properties;
mod shein;
mod shopee;
mod taobao;
mod temu;
mod walmart;
mod wish;

/// Parses `input` as a listing and checks marketplace, id and canonical URL, then checks that
/// the canonical URL is a fixed point.
#[track_caller]
fn assert_listing(input: &str, marketplace: Marketplace, id: &str, canonical: &str) -> Listing {
    let listing =
        parse_listing_url(input).unwrap_or_else(|e| panic!("{input:?} was refused: {e:?} ({e})"));
    assert_eq!(
        (
            listing.marketplace,
            listing.listing_id.as_str(),
            listing.canonical_url.as_str()
        ),
        (marketplace, id, canonical),
        "for {input:?}"
    );
    let again = parse_listing_url(canonical)
        .unwrap_or_else(|e| panic!("canonical {canonical:?} was refused: {e:?}"));
    assert_eq!(
        (again.marketplace, again.listing_id, again.canonical_url),
        (marketplace, id.to_owned(), canonical.to_owned()),
        "canonical of {input:?} does not re-parse to itself"
    );
    listing
}

/// Every input gives the same listing id and canonical URL.
#[track_caller]
fn assert_listings(inputs: &[&str], marketplace: Marketplace, id: &str, canonical: &str) {
    for input in inputs {
        assert_listing(input, marketplace, id, canonical);
    }
}

/// Parses `input` as a listing and checks its seller hint (`None`, or seller key and store URL).
#[track_caller]
fn assert_hint(input: &str, hint: Option<(&str, &str)>) {
    let listing =
        parse_listing_url(input).unwrap_or_else(|e| panic!("{input:?} was refused: {e:?}"));
    let got = listing
        .seller_hint
        .as_ref()
        .map(|s| (s.seller_key.as_str(), s.store_url.as_str()));
    assert_eq!(got, hint, "for {input:?}");
    if let Some(store) = &listing.seller_hint {
        assert_eq!(store.marketplace, listing.marketplace, "for {input:?}");
        // The hint's URL is a store link in its own right.
        assert_eq!(parse_store_url(&store.store_url).as_ref(), Ok(store));
    }
}

/// Parses `input` as a store and checks marketplace, key and URL, then checks that the store
/// URL is a fixed point.
#[track_caller]
fn assert_store(input: &str, marketplace: Marketplace, key: &str, url: &str) {
    let store =
        parse_store_url(input).unwrap_or_else(|e| panic!("{input:?} was refused: {e:?} ({e})"));
    assert_eq!(
        (
            store.marketplace,
            store.seller_key.as_str(),
            store.store_url.as_str()
        ),
        (marketplace, key, url),
        "for {input:?}"
    );
    assert_eq!(
        parse_store_url(url).as_ref(),
        Ok(&store),
        "store URL of {input:?} does not re-parse to itself"
    );
}

/// Every input gives the same store.
#[track_caller]
fn assert_stores(inputs: &[&str], marketplace: Marketplace, key: &str, url: &str) {
    for input in inputs {
        assert_store(input, marketplace, key, url);
    }
}

#[track_caller]
fn assert_not_listing(inputs: &[&str], marketplace: Marketplace) {
    for input in inputs {
        assert_eq!(
            parse_listing_url(input),
            Err(UrlError::NotAListing { marketplace }),
            "for {input:?}"
        );
    }
}

#[track_caller]
fn assert_not_store(inputs: &[&str], marketplace: Marketplace) {
    for input in inputs {
        assert_eq!(
            parse_store_url(input),
            Err(UrlError::NotAStore { marketplace }),
            "for {input:?}"
        );
    }
}

/// The inputs are accepted, but as links to an unknown website.
#[track_caller]
fn assert_other(inputs: &[&str]) {
    for input in inputs {
        let listing =
            parse_listing_url(input).unwrap_or_else(|e| panic!("{input:?} was refused: {e:?}"));
        assert_eq!(listing.marketplace, Marketplace::Other, "for {input:?}");
    }
}
