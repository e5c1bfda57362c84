//! Sellers shaped like each marketplace's stores: ids, user names and shop names as that
//! marketplace has them, and the link a buyer would paste.

use rand::RngExt;

use super::super::text::{fold, pick, pseudo_word};
use super::super::vocabulary::{CITIES, OTHER_TLDS, SHOP_WORDS};
use super::{IdSpaces, Site, base36};
use crate::domain::marketplace::Marketplace;

/// A seller as the service stores it from its first report: key, name, shop link, and the name
/// that buyer typed, which becomes a `seller_alias`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::demo_data) struct SellerShape {
    pub key: String,
    pub display_name: String,
    pub store_url: Option<String>,
    pub name_based: bool,
    pub alias: Option<String>,
}

/// A seller on `site`; `x` is the seller's index (distinct per seller).
///
/// As in `domain::report`: a seller given by link is keyed by its store id, named by what the
/// buyer typed (kept as an alias too) or else by the key; a name-based seller, which buyers could
/// only name, has no store URL and its folded name for key (prefixed with the website's host on
/// unknown websites, where names are only unique per site) and no alias.
///
/// The steps draw from `rng` in a fixed order (words, then the store, then whether the buyer
/// typed a name): the same seed must give the same sellers.
pub(in crate::demo_data) fn seller(
    rng: &mut impl RngExt,
    ids: &IdSpaces,
    site: &Site,
    x: u64,
    name_based: bool,
) -> SellerShape {
    let words = Words::draw(rng);
    let store = store(rng, ids, site, x, &words);
    if name_based {
        name_based_seller(site, store)
    } else {
        linked_seller(rng, store)
    }
}

/// Words a made-up store name is built from: two shop words and a made-up brand-like word,
/// drawn for every seller whether its name uses them or not.
struct Words {
    a: &'static str,
    b: &'static str,
    made_up: String,
}

impl Words {
    fn draw(rng: &mut impl RngExt) -> Self {
        let a = pick(rng, SHOP_WORDS);
        let b = pick(rng, SHOP_WORDS);
        let made_up = pseudo_word(rng);
        Words { a, b, made_up }
    }
}

/// A store as its marketplace shows it: its id or user name, its name, and the link to it.
struct Store {
    key: String,
    name: String,
    url: String,
}

/// Seller `x`'s store on `site`, in the shape of that marketplace's stores.
fn store(rng: &mut impl RngExt, ids: &IdSpaces, site: &Site, x: u64, words: &Words) -> Store {
    let Words { a, b, made_up } = words;
    let id = |space: usize, first: u64| first + ids.seller[space].apply(x);
    match site.marketplace {
        Marketplace::AliExpress => aliexpress_store(rng, id(0, 1_100_000_000), words),
        Marketplace::Amazon => amazon_store(rng, id(1, 0), site, words),
        Marketplace::Ebay | Marketplace::Etsy | Marketplace::Wish => {
            user_name_store(rng, site, words)
        }
        Marketplace::Temu => {
            let id = id(2, 634_418_000_000_000);
            let name = format!("{made_up} {a}");
            numbered(
                id,
                name,
                format!("https://www.temu.com/mall.html?mall_id={id}"),
            )
        }
        Marketplace::DhGate => {
            let id = id(3, 20_000_000);
            let suffix = pick(rng, &["888", "666", "2019", "store", "_shop", ""]);
            let name = format!("{}{}{suffix}", a.to_lowercase(), b.to_lowercase());
            numbered(id, name, format!("https://www.dhgate.com/store/{id}"))
        }
        Marketplace::Shein => {
            let id = id(4, 1_000_000_000);
            let line = pick(rng, &["Curve", "Basics", "Kids", "Home", "Luxe", "Style"]);
            let url = format!("https://www.shein.{}/store/home?store_code={id}", site.tld);
            numbered(id, format!("{made_up} {line}"), url)
        }
        Marketplace::Walmart => {
            let id = id(5, 101_000_000);
            let form = pick(rng, &["LLC", "Inc", "Co", "Ltd"]);
            let name = format!("{made_up} {a} {form}");
            numbered(id, name, format!("https://www.walmart.com/seller/{id}"))
        }
        Marketplace::Alibaba => alibaba_store(rng, words),
        _ => own_website(rng, words),
    }
}

/// A store known by its number `id`.
fn numbered(id: u64, name: String, url: String) -> Store {
    Store {
        key: id.to_string(),
        name,
        url,
    }
}

/// An Alibaba supplier: a company with its own subdomain, keyed by it.
fn alibaba_store(rng: &mut impl RngExt, words: &Words) -> Store {
    let city = pick(rng, CITIES);
    let made_up = &words.made_up;
    let key = format!("{}{}", city[..2].to_lowercase(), made_up.to_lowercase());
    Store {
        url: format!("https://{key}.en.alibaba.com/"),
        name: format!("{city} {made_up} Technology Co., Ltd."),
        key,
    }
}

/// A seller on a website we have no parser for: its own shop, keyed by its domain.
fn own_website(rng: &mut impl RngExt, words: &Words) -> Store {
    let Words { a, made_up, .. } = words;
    let tld = pick(rng, OTHER_TLDS);
    let domain = format!("{}-{}.{tld}", made_up.to_lowercase(), a.to_lowercase());
    Store {
        url: format!("https://{domain}/"),
        name: format!("{made_up} {a}"),
        key: domain,
    }
}

/// An AliExpress store: numbered, and named in one of the ways sellers there name theirs.
fn aliexpress_store(rng: &mut impl RngExt, id: u64, words: &Words) -> Store {
    let Words { a, b, made_up } = words;
    let name = match rng.random_range(0..4) {
        0 => format!("Shop{id} Store"),
        1 => format!("{made_up} Official Store"),
        2 => format!("{} {a} Trading Store", pick(rng, CITIES)),
        _ => format!("{a} {b} Store"),
    };
    Store {
        key: id.to_string(),
        name,
        url: format!("https://www.aliexpress.com/store/{id}"),
    }
}

/// An Amazon merchant: a 14-character merchant id from `n`, on the site's own domain.
fn amazon_store(rng: &mut impl RngExt, n: u64, site: &Site, words: &Words) -> Store {
    let Words { a, made_up, .. } = words;
    let id = format!(
        "A{}{}",
        base36(n, 12),
        char::from(pick(rng, b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"))
    );
    let name = match rng.random_range(0..3) {
        0 => format!("{}-US", made_up.to_uppercase()),
        1 => format!("{made_up} Direct"),
        _ => format!("{made_up}{a} Store"),
    };
    Store {
        url: format!("https://www.amazon.{}/sp?seller={id}", site.tld),
        key: id,
        name,
    }
}

/// A store known by its user name (eBay, Etsy, Wish): the name, lower-cased, is its key.
fn user_name_store(rng: &mut impl RngExt, site: &Site, words: &Words) -> Store {
    let Words { a, b, made_up } = words;
    let name = match (site.marketplace, rng.random_range(0..3)) {
        (Marketplace::Etsy, _) => format!(
            "{made_up}{a}{}",
            pick(rng, &["Studio", "Finds", "Shop", "Co"])
        ),
        (_, 0) => format!(
            "{}_{}{}",
            a.to_lowercase(),
            made_up.to_lowercase(),
            rng.random_range(1..100)
        ),
        (_, 1) => format!("{}-{}", made_up.to_lowercase(), b.to_lowercase()),
        _ => format!(
            "{}{}{}",
            a.to_lowercase(),
            b.to_lowercase(),
            rng.random_range(1..1000)
        ),
    };
    let key = name.to_ascii_lowercase();
    let url = match site.marketplace {
        Marketplace::Ebay => format!("https://www.ebay.{}/usr/{key}", site.tld),
        Marketplace::Etsy => format!("https://www.etsy.com/shop/{key}"),
        _ => format!("https://www.wish.com/merchant/{key}"),
    };
    Store { key, name, url }
}

/// A seller buyers could only name: keyed by the folded name (on unknown websites, after the
/// website's host), without a link or an alias.
fn name_based_seller(site: &Site, store: Store) -> SellerShape {
    let folded = fold(&store.name);
    SellerShape {
        key: match site.marketplace {
            Marketplace::Other => format!("{}:{folded}", store.key),
            _ => folded,
        },
        display_name: store.name,
        store_url: None,
        name_based: true,
        alias: None,
    }
}

/// A seller given by link. Most buyers type the seller's name as well as its link; that name is
/// shown, and kept as an alias.
fn linked_seller(rng: &mut impl RngExt, store: Store) -> SellerShape {
    let typed = rng.random_bool(0.8).then_some(store.name);
    SellerShape {
        display_name: typed.clone().unwrap_or_else(|| store.key.clone()),
        key: store.key,
        store_url: Some(store.url),
        name_based: false,
        alias: typed,
    }
}
