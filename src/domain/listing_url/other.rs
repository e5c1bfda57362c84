//! Links to websites we have no parser for: the URL itself, cleaned down to what names the
//! product (or seller), is the identity.

use url::Url;

use super::{Listing, MAX_KEY_LEN, Marketplace, Store};

/// Query parameters that name a product on shops we have no parser for, compared in lowercase
/// (after percent-decoding). Only these are kept in a canonical listing URL: everything else a
/// pasted link carries (session and cart ids, order numbers, tokens, tracking, sort order,
/// colour and size pickers) is dropped, because canonical URLs are published on every page
/// that lists the listing, and because two buyers of one product should meet in one listing.
const PRODUCT_PARAMS: &[&str] = &[
    // Product and item ids as shop software names them: generic shops, Magento (`id`),
    // WooCommerce/WordPress (`p`, `product`, `post_type`), PrestaShop (`id_product`,
    // `id_product_attribute`), OpenCart (`product_id`), osCommerce/Zen Cart (`products_id`),
    // Shopify (`variant`), Chinese storefronts (`goods_id`).
    "id",
    "p",
    "pid",
    "item",
    "itemid",
    "item_id",
    "itemno",
    "item_no",
    "product",
    "productid",
    "product_id",
    "products_id",
    "prodid",
    "id_product",
    "id_product_attribute",
    "goods_id",
    "goodsid",
    "sku",
    "variant",
    "variant_id",
    "model",
    "article",
    "artnr",
    "offer",
    "offerid",
    "offer_id",
    "listing",
    "listingid",
    "listing_id",
    // Trade identifiers some shops link by.
    "asin",
    "ean",
    "gtin",
    "upc",
    "isbn",
];

/// Query parameters that pick which page a shop's script shows (OpenCart's
/// `route=product/product`, PrestaShop's `controller=product`, Zen Cart's
/// `main_page=product_info`, WordPress's `post_type=product`): without them the product id
/// opens the home page. They name a page, never a visitor.
const PAGE_PARAMS: &[&str] = &["route", "controller", "main_page", "post_type"];

/// Query parameters that name a seller on websites we have no parser for; store URLs keep
/// only these (and [`PAGE_PARAMS`]).
const STORE_PARAMS: &[&str] = &[
    "id",
    "seller",
    "seller_id",
    "sellerid",
    "shop",
    "shop_id",
    "shopid",
    "store",
    "store_id",
    "storeid",
    "vendor",
    "vendor_id",
    "vendorid",
    "merchant",
    "merchant_id",
    "merchantid",
    // Chinese-built storefronts, as on Temu and SHEIN.
    "mall_id",
    "store_code",
];

/// Whether a canonical listing URL keeps this query parameter (name percent-decoded).
pub(super) fn is_product_param(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    PRODUCT_PARAMS.contains(&key.as_str()) || PAGE_PARAMS.contains(&key.as_str())
}

/// Whether a store URL keeps this query parameter (name percent-decoded).
pub(super) fn is_store_param(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    STORE_PARAMS.contains(&key.as_str()) || PAGE_PARAMS.contains(&key.as_str())
}

/// The link with its fragment, session ids in the path, and every query parameter `keep`
/// refuses removed, and the remaining parameters sorted by name, so that the same page always
/// gives the same string. The scheme, the rest of the path and the kept parameters' values
/// are kept exactly: on an unknown website any of them may matter. (The `url` crate has
/// already lowercased the host and dropped a default port.)
pub(super) fn normalize(url: &Url, keep: fn(&str) -> bool) -> Url {
    let mut url = url.clone();
    url.set_fragment(None);
    if let Some(host) = url.host_str().filter(|h| h.ends_with('.')) {
        // A root-label dot names the same host; an error just keeps the dot.
        let host = host.trim_end_matches('.').to_owned();
        if !host.is_empty() {
            let _ = url.set_host(Some(&host));
        }
    }
    if let Some(path) = path_without_sessions(url.path()) {
        url.set_path(&path);
    }
    let mut kept: Vec<(String, &str)> = url
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter_map(|pair| {
            let key = url::form_urlencoded::parse(pair.as_bytes())
                .next()
                .map(|(k, _)| k.into_owned())
                .unwrap_or_default();
            keep(&key).then_some((key, pair))
        })
        .collect();
    // Stable sort: repeated keys ("?id=1&id=2") keep their order, which may matter.
    kept.sort_by(|a, b| a.0.cmp(&b.0));
    let query = kept
        .iter()
        .map(|(_, pair)| *pair)
        .collect::<Vec<_>>()
        .join("&");
    url.set_query((!query.is_empty()).then_some(query.as_str()));
    url
}

/// Path parameters that carry a session: Java servlets' `;jsessionid=…` (also `;sid=`,
/// `;phpsessid=`) at the end of a segment, and ASP.NET's cookieless `/(S(…))/` segment.
/// `None` when the path has none.
fn path_without_sessions(path: &str) -> Option<String> {
    const SESSION_PATH_PARAMS: &[&str] = &[";jsessionid=", ";sid=", ";phpsessid=", ";sessionid="];
    let mut segments = Vec::new();
    let mut changed = false;
    for segment in path.split('/') {
        if segment.len() > 5 && segment.starts_with("(S(") && segment.ends_with("))") {
            changed = true;
            continue;
        }
        // ASCII lowercasing keeps byte offsets.
        let lower = segment.to_ascii_lowercase();
        match SESSION_PATH_PARAMS.iter().find_map(|p| lower.find(p)) {
            Some(at) => {
                changed = true;
                segments.push(&segment[..at]);
            }
            None => segments.push(segment),
        }
    }
    changed.then(|| segments.join("/"))
}

/// A listing on an unknown website: its id is the cleaned URL without the scheme, so that the
/// http and https forms of a page are one listing.
pub(super) fn listing(url: &Url) -> Listing {
    let canonical = normalize(url, is_product_param);
    let without_scheme = canonical
        .as_str()
        .split_once("://")
        .map_or(canonical.as_str(), |(_, rest)| rest);
    Listing {
        marketplace: Marketplace::Other,
        listing_id: truncate(without_scheme, MAX_KEY_LEN).to_owned(),
        canonical_url: canonical.to_string(),
        seller_hint: None,
    }
}

/// A seller on an unknown website: the key is host (with a non-default port) and path, without
/// a trailing slash; the query is left out of the key, and the URL keeps only the parameters
/// that name a seller.
pub(super) fn store(url: &Url) -> Store {
    let canonical = normalize(url, is_store_param);
    let host = canonical.host_str().unwrap_or_default();
    let mut key = match canonical.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    key.push_str(canonical.path().trim_end_matches('/'));
    Store {
        marketplace: Marketplace::Other,
        seller_key: truncate(&key, MAX_KEY_LEN).to_owned(),
        store_url: canonical.to_string(),
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
