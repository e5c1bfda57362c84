//! eBay. Item numbers are global, but the canonical URL keeps the site's TLD so that the page
//! opens in the buyer's language and currency. User names are case-insensitive.

use super::site::{Len, Page, digits, strip_html, user_name};
use super::{Listing, Marketplace, Store};

const ITEM_LEN: Len = 8..=19;
const PRODUCT_LEN: Len = 3..=19;

/// `/itm/ID`, `/itm/title-slug/ID`, legacy `ViewItem&item=ID`, and catalog products `/p/ID`
/// (id "p:ID", since product and item numbers are different series). `_ssn=` gives the seller.
pub(super) fn listing(page: &Page<'_>) -> Option<Listing> {
    let tld = page.tld();
    let legacy = page
        .last()
        .is_some_and(|s| s.eq_ignore_ascii_case("eBayISAPI.dll"));
    let item = number_after(page, "itm", ITEM_LEN).or_else(|| {
        legacy
            .then(|| page.param("item"))
            .flatten()
            .filter(|v| digits(v, ITEM_LEN).is_some())
    });
    let (listing_id, canonical_url) = match item {
        Some(id) => (id.clone(), format!("https://www.ebay.{tld}/itm/{id}")),
        None => {
            let id = number_after(page, "p", PRODUCT_LEN)?;
            (format!("p:{id}"), format!("https://www.ebay.{tld}/p/{id}"))
        }
    };
    Some(Listing {
        marketplace: Marketplace::Ebay,
        listing_id,
        canonical_url,
        seller_hint: seller_param(page),
    })
}

/// `/usr/NAME`, `/str/NAME` (a shop name, kept as a `/str/` link), `/sch/i.html?_ssn=NAME`,
/// `/sch/NAME/m.html`, `/fdbk/feedback_profile/NAME`.
pub(super) fn store(page: &Page<'_>) -> Option<Store> {
    if let Some(name) = page.next_after("str").and_then(user_name) {
        return Some(store_for(page, "str", name));
    }
    let from_path = if page.starts_with("sch") && page.segment_is(2, "m.html") {
        page.segments().get(1).copied()
    } else {
        page.next_after("usr")
            .or_else(|| page.next_after("feedback_profile"))
    };
    match from_path.and_then(user_name) {
        Some(name) => Some(store_for(page, "usr", name)),
        None => seller_param(page),
    }
}

fn seller_param(page: &Page<'_>) -> Option<Store> {
    let name = page.param("_ssn")?;
    Some(store_for(page, "usr", user_name(&name)?))
}

fn store_for(page: &Page<'_>, route: &str, name: &str) -> Store {
    let key = name.to_ascii_lowercase();
    Store {
        marketplace: Marketplace::Ebay,
        store_url: format!("https://www.ebay.{}/{route}/{key}", page.tld()),
        seller_key: key,
    }
}

/// The number in one of the two segments after `marker` (`/itm/ID` or `/itm/slug/ID`).
fn number_after(page: &Page<'_>, marker: &str, len: Len) -> Option<String> {
    page.after(marker)
        .iter()
        .take(2)
        .find_map(|s| digits(strip_html(s), len.clone()))
        .map(str::to_owned)
}
