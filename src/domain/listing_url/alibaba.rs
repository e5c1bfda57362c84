//! Alibaba.com. Product ids are global; suppliers have their own subdomain
//! (`{company}.en.alibaba.com`), which is the only place a supplier can be read from.

use super::site::{Len, Page, digits, strip_html};
use super::{Listing, Marketplace, Store};

const PRODUCT_LEN: Len = 6..=20;

/// `/product-detail/Slug_1600123456789.html` (id after the last '_'), `m.alibaba.com/product/ID/…`,
/// and `{company}.en.alibaba.com/product/ID-GROUP/Slug.html`, which also gives the supplier.
pub(super) fn listing(page: &Page<'_>) -> Option<Listing> {
    let id = if page.after("product-detail").is_empty() {
        let segment = strip_html(page.next_after("product")?);
        segment.split('-').next()
    } else {
        let stem = strip_html(page.last()?);
        Some(stem.rsplit_once('_').map_or(stem, |(_, id)| id))
    };
    let id = digits(id?, PRODUCT_LEN)?.to_owned();
    Some(Listing {
        marketplace: Marketplace::Alibaba,
        canonical_url: format!("https://www.alibaba.com/product-detail/_{id}.html"),
        listing_id: id,
        seller_hint: store(page),
    })
}

/// `{company}.en.alibaba.com` (or `{company}.m.en.alibaba.com`), any path.
pub(super) fn store(page: &Page<'_>) -> Option<Store> {
    let company = page
        .sub()
        .strip_suffix(".en")
        .map(|s| s.strip_suffix(".m").unwrap_or(s))
        .filter(|s| !s.is_empty() && !s.contains('.') && !matches!(*s, "www" | "m"))?;
    Some(Store {
        marketplace: Marketplace::Alibaba,
        seller_key: company.to_owned(),
        store_url: format!("https://{company}.en.alibaba.com/"),
    })
}
