//! Temu. Goods and mall (store) ids are long numbers that appear after `-g-` and `-m-` at the
//! end of the slug, or as `goods_id=` / `mall_id=` parameters on app and share pages.

use super::site::{Len, Page, digits, strip_html};
use super::{Listing, Marketplace, Store};

const ID_LEN: Len = 6..=20;

/// `/title-g-601099512345678.html` (with or without a country prefix such as `/uk/`), or any
/// page with `goods_id=`. A `mall_id=` parameter gives the seller.
pub(super) fn listing(page: &Page<'_>) -> Option<Listing> {
    let id = slug_id(page, "-g-").or_else(|| id_param(page, "goods_id"))?;
    Some(Listing {
        marketplace: Marketplace::Temu,
        canonical_url: format!("https://www.temu.com/goods.html?goods_id={id}"),
        listing_id: id,
        seller_hint: id_param(page, "mall_id").map(store_for),
    })
}

/// `/store-name-m-634418212345678.html`, or any page with `mall_id=`.
pub(super) fn store(page: &Page<'_>) -> Option<Store> {
    slug_id(page, "-m-")
        .or_else(|| id_param(page, "mall_id"))
        .map(store_for)
}

fn store_for(id: String) -> Store {
    Store {
        marketplace: Marketplace::Temu,
        store_url: format!("https://www.temu.com/mall.html?mall_id={id}"),
        seller_key: id,
    }
}

/// The number after the last `marker` in the final segment, which must end the slug.
fn slug_id(page: &Page<'_>, marker: &str) -> Option<String> {
    // Lowercased so that a link typed in capitals ("-G-") still matches.
    let stem = strip_html(page.last()?).to_ascii_lowercase();
    let (_, id) = stem.rsplit_once(marker)?;
    digits(id, ID_LEN).map(str::to_owned)
}

fn id_param(page: &Page<'_>, key: &str) -> Option<String> {
    page.param(key).filter(|v| digits(v, ID_LEN).is_some())
}
