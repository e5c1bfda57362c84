//! AliExpress. Item and store ids are global, so every country site (`es.`, `aliexpress.ru`,
//! `aliexpress.us`, `m.`) maps to `www.aliexpress.com`.

use super::site::{Len, Page, digits, strip_html};
use super::{Listing, Marketplace, Store};

const ITEM_LEN: Len = 6..=20;
const STORE_LEN: Len = 3..=15;

/// `/item/ID.html`, `/i/ID.html`, `/item/anything/ID.html`, the legacy
/// `/store/product/Title/STOREID_ITEMID.html`, or `?productId=ID` on app pages.
pub(super) fn listing(page: &Page<'_>) -> Option<Listing> {
    let (item, store) = if page.starts_with("store") && page.segment_is(1, "product") {
        let (store, item) = strip_html(page.last()?).split_once('_')?;
        (
            digits(item, ITEM_LEN)?.to_owned(),
            digits(store, STORE_LEN).map(str::to_owned),
        )
    } else {
        let marked = !page.after("item").is_empty() || !page.after("i").is_empty();
        let in_path = marked
            .then(|| page.last())
            .flatten()
            .and_then(|s| digits(strip_html(s), ITEM_LEN))
            .map(str::to_owned);
        let item = in_path.or_else(|| id_param(page, "productId", ITEM_LEN))?;
        (item, id_param(page, "storeId", STORE_LEN))
    };
    Some(Listing {
        marketplace: Marketplace::AliExpress,
        canonical_url: format!("https://www.aliexpress.com/item/{item}.html"),
        listing_id: item,
        seller_hint: store.map(store_for),
    })
}

/// `/store/ID`, `/store/ID/anything`, `/store/all-wholesale-products/ID.html` (and the other
/// `/store/{section}/ID.html` pages), or a store page with `?storeId=` / `?shopId=`.
pub(super) fn store(page: &Page<'_>) -> Option<Store> {
    if !page.starts_with("store") {
        return None;
    }
    let id = match page.after("store") {
        [first, ..] if digits(first, STORE_LEN).is_some() => Some((*first).to_owned()),
        [section, id, ..] if !section.eq_ignore_ascii_case("product") => {
            digits(strip_html(id), STORE_LEN).map(str::to_owned)
        }
        _ => None,
    };
    id.or_else(|| id_param(page, "storeId", STORE_LEN))
        .or_else(|| id_param(page, "shopId", STORE_LEN))
        .map(store_for)
}

fn id_param(page: &Page<'_>, key: &str, len: Len) -> Option<String> {
    page.param(key).filter(|v| digits(v, len).is_some())
}

fn store_for(id: String) -> Store {
    Store {
        marketplace: Marketplace::AliExpress,
        store_url: format!("https://www.aliexpress.com/store/{id}"),
        seller_key: id,
    }
}
