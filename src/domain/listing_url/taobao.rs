//! Taobao and Tmall, which share one item numbering but are different marketplaces. Shops live
//! on subdomains: `shop{ID}.taobao.com` and `{name}.tmall.com`.

use super::site::{Len, Page, digits, strip_html};
use super::{Listing, Marketplace, Store};

const ITEM_LEN: Len = 6..=20;
const SHOP_LEN: Len = 3..=15;

/// Tmall's own subdomains, which are not shops.
const TMALL_SERVICES: &[&str] = &[
    "www", "detail", "m", "list", "login", "pages", "err", "help", "service", "vip", "chaoshi",
    "ju", "mdetail", "h5", "g", "gw", "pre", "ai", "brand", "jx", "wujin", "shop",
];

/// Any page with `id=` (`item.taobao.com/item.htm?id=`, `m.intl.taobao.com/detail/detail.html`,
/// `h5.m.taobao.com/awp/core/detail.htm`, `detail.tmall.com/item.htm`, `detail.tmall.hk`), or
/// `world.taobao.com/item/ID.htm`. A shop subdomain gives the seller hint.
pub(super) fn listing(page: &Page<'_>) -> Option<Listing> {
    let id = page
        .param("id")
        .filter(|v| digits(v, ITEM_LEN).is_some())
        .or_else(|| {
            let segment = page.next_after("item")?;
            digits(strip_html(segment), ITEM_LEN).map(str::to_owned)
        })?;
    let (marketplace, canonical_url) = match page.marketplace() {
        Marketplace::Tmall => (
            Marketplace::Tmall,
            format!("https://detail.tmall.{}/item.htm?id={id}", page.tld()),
        ),
        _ => (
            Marketplace::Taobao,
            format!("https://item.taobao.com/item.htm?id={id}"),
        ),
    };
    Some(Listing {
        marketplace,
        listing_id: id,
        canonical_url,
        seller_hint: store(page),
    })
}

/// `shop{ID}.taobao.com` (also `shop{ID}.m.taobao.com`, or `?shop_id=` on a Taobao shop page)
/// and `{name}.tmall.com` / `{name}.m.tmall.com`.
pub(super) fn store(page: &Page<'_>) -> Option<Store> {
    let label = page.sub().split('.').next().unwrap_or_default();
    let rest_ok = matches!(page.sub().split_once('.'), None | Some((_, "m")));
    if page.marketplace() == Marketplace::Tmall {
        let name =
            (rest_ok && !label.is_empty() && !TMALL_SERVICES.contains(&label)).then_some(label)?;
        return Some(Store {
            marketplace: Marketplace::Tmall,
            seller_key: name.to_owned(),
            store_url: format!("https://{name}.tmall.{}/", page.tld()),
        });
    }
    let id = label
        .strip_prefix("shop")
        .filter(|_| rest_ok)
        .and_then(|d| digits(d, SHOP_LEN))
        .map(str::to_owned)
        .or_else(|| {
            ["shop_id", "shopId"]
                .iter()
                .find_map(|key| page.param(key).filter(|v| digits(v, SHOP_LEN).is_some()))
        })?;
    Some(Store {
        marketplace: Marketplace::Taobao,
        store_url: format!("https://shop{id}.taobao.com/"),
        seller_key: id,
    })
}
