//! SHEIN. Goods ids follow `-p-` in the slug; the country sites (`us.`, `fr.`, `m.`) share one
//! catalogue per domain, so the canonical host is `www.shein.{tld}`.

use super::site::{Len, Page, digits, strip_html};
use super::{Listing, Marketplace, Store};

const GOODS_LEN: Len = 4..=15;
const STORE_LEN: Len = 1..=20;

/// `/Title-p-12345678.html`, `/Title-p-12345678-cat-1234.html`, or `goods_id=`. A
/// `store_code=` parameter gives the seller.
pub(super) fn listing(page: &Page<'_>) -> Option<Listing> {
    let id = page
        .last()
        .and_then(|s| slug_goods_id(&s.to_ascii_lowercase()).map(str::to_owned))
        .or_else(|| {
            page.param("goods_id")
                .filter(|v| digits(v, GOODS_LEN).is_some())
        })?;
    Some(Listing {
        marketplace: Marketplace::Shein,
        canonical_url: format!("https://www.shein.{}/goods-p-{id}.html", page.tld()),
        listing_id: id,
        seller_hint: store(page),
    })
}

/// `/store/home?store_code=NNN` (the parameter is read on any page).
pub(super) fn store(page: &Page<'_>) -> Option<Store> {
    let code = page
        .param("store_code")
        .filter(|v| digits(v, STORE_LEN).is_some())?;
    Some(Store {
        marketplace: Marketplace::Shein,
        store_url: format!(
            "https://www.shein.{}/store/home?store_code={code}",
            page.tld()
        ),
        seller_key: code,
    })
}

/// The digits after the last `-p-` that is followed by digits and then nothing or `-cat-…`
/// (a title may itself contain "-p-"). `segment` is lowercased.
fn slug_goods_id(segment: &str) -> Option<&str> {
    let stem = strip_html(segment);
    stem.rmatch_indices("-p-").find_map(|(at, marker)| {
        let rest = &stem[at + marker.len()..];
        let end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let (id, tail) = rest.split_at(end);
        (tail.is_empty() || tail.starts_with("-cat-"))
            .then(|| digits(id, GOODS_LEN))
            .flatten()
    })
}
