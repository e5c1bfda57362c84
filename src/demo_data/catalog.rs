//! Marketplace sites, and sellers and listings shaped like the real ones on each: store ids,
//! ASINs, item numbers and canonical URLs exactly as `domain::listing_url` writes them, so that
//! a pasted link finds the generated listing.

mod stores;

use crate::domain::marketplace::Marketplace;
pub(super) use stores::{SellerShape, seller};

/// Currencies buyers pay in on cross-border marketplaces, with weights.
const GLOBAL: &[(&str, u32)] = &[
    ("USD", 50),
    ("EUR", 28),
    ("GBP", 12),
    ("CAD", 5),
    ("AUD", 5),
];

/// One country site of a marketplace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Site {
    pub marketplace: Marketplace,
    /// Domain suffix as `listing_url` keeps it in canonical URLs (`co.uk`).
    pub tld: &'static str,
    /// Share of sellers, in tenths of a percent.
    pub weight: u32,
    /// Currencies paid there, with weights.
    pub currencies: &'static [(&'static str, u32)],
}

const fn site(
    marketplace: Marketplace,
    tld: &'static str,
    weight: u32,
    currencies: &'static [(&'static str, u32)],
) -> Site {
    Site {
        marketplace,
        tld,
        weight,
        currencies,
    }
}

/// The sites sellers are drawn from: AliExpress most, then Amazon, eBay, Temu, DHgate, SHEIN,
/// Walmart, Etsy and unknown websites (Other); marketplaces without a site here get none.
pub(super) const SITES: &[Site] = &[
    site(Marketplace::AliExpress, "com", 300, GLOBAL),
    site(Marketplace::Amazon, "com", 100, &[("USD", 1)]),
    site(Marketplace::Amazon, "co.uk", 25, &[("GBP", 1)]),
    site(Marketplace::Amazon, "de", 20, &[("EUR", 1)]),
    site(Marketplace::Amazon, "fr", 10, &[("EUR", 1)]),
    site(Marketplace::Amazon, "ca", 10, &[("CAD", 1)]),
    site(Marketplace::Amazon, "it", 5, &[("EUR", 1)]),
    site(Marketplace::Ebay, "com", 80, &[("USD", 1)]),
    site(Marketplace::Ebay, "co.uk", 30, &[("GBP", 1)]),
    site(Marketplace::Ebay, "de", 15, &[("EUR", 1)]),
    site(Marketplace::Ebay, "com.au", 5, &[("AUD", 1)]),
    site(Marketplace::Temu, "com", 100, GLOBAL),
    site(Marketplace::DhGate, "com", 80, GLOBAL),
    site(Marketplace::Shein, "com", 50, GLOBAL),
    site(Marketplace::Shein, "co.uk", 10, &[("GBP", 1)]),
    site(Marketplace::Walmart, "com", 50, &[("USD", 1)]),
    site(Marketplace::Etsy, "com", 35, GLOBAL),
    site(Marketplace::Alibaba, "com", 25, &[("USD", 1)]),
    site(Marketplace::Wish, "com", 20, GLOBAL),
    site(Marketplace::Other, "", 30, GLOBAL),
];

/// Maps an index below `modulus` to a distinct, scattered-looking number below `modulus`
/// (`x ↦ (a·x + b) mod m` with `a` coprime to `m` is a bijection). Gives every seller and
/// listing its own store id or item number without keeping a set of those already used.
#[derive(Debug, Clone, Copy)]
pub(super) struct Scatter {
    modulus: u64,
    factor: u64,
    offset: u64,
}

impl Scatter {
    pub(super) fn new(modulus: u64, seed: u64) -> Self {
        // Near the golden ratio of the range, so that neighbours land far apart.
        let mut factor = ((modulus as f64 * 0.618_033_988_75) as u64) | 1;
        while gcd(factor, modulus) != 1 {
            factor += 2;
        }
        Scatter {
            modulus,
            factor,
            offset: seed % modulus,
        }
    }

    /// The image of `x`; distinct for distinct `x` below the modulus.
    pub(super) fn apply(self, x: u64) -> u64 {
        let m = u128::from(self.modulus);
        ((u128::from(self.factor) * u128::from(x % self.modulus) + u128::from(self.offset)) % m)
            as u64
    }
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Number ranges of the ids the generator makes; one [`Scatter`] each, keyed by seed.
#[derive(Debug, Clone, Copy)]
pub(super) struct IdSpaces {
    seller: [Scatter; 6],
    listing: [Scatter; 9],
}

impl IdSpaces {
    pub(super) fn new(seed: u64) -> Self {
        let s = |modulus, salt| Scatter::new(modulus, super::mix(seed, salt));
        IdSpaces {
            seller: [
                s(100_000_000, 1),   // AliExpress store
                s(36u64.pow(12), 2), // Amazon merchant
                s(1_000_000_000, 3), // Temu mall
                s(10_000_000, 4),    // DHgate store
                s(9_000_000_000, 5), // SHEIN store code
                s(100_000_000, 6),   // Walmart seller
            ],
            listing: [
                s(1_000_000_000_000, 11), // AliExpress item
                s(36u64.pow(8), 12),      // ASIN
                s(300_000_000_000, 13),   // eBay item
                s(1_000_000_000, 14),     // Temu goods
                s(100_000_000, 15),       // DHgate product
                s(90_000_000, 16),        // SHEIN goods
                s(1_000_000_000, 17),     // Walmart item, Alibaba product, Other page
                s(8_000_000_000, 18),     // Etsy listing
                s(u64::MAX, 19),          // Wish object id
            ],
        }
    }

    /// How many sellers and listings get distinct ids: the smallest range of each.
    #[cfg(test)]
    pub(super) fn capacity(&self) -> (u64, u64) {
        let smallest = |spaces: &[Scatter]| spaces.iter().map(|s| s.modulus).min().unwrap_or(0);
        (smallest(&self.seller), smallest(&self.listing))
    }
}

/// A listing's marketplace id and canonical URL on `site`, sold by `seller`; `x` is the
/// listing's index (distinct per listing). Listings on unknown websites are on the seller's own
/// website, and `product_slug` is their path.
pub(super) fn listing(
    ids: &IdSpaces,
    site: &Site,
    seller: &SellerShape,
    x: u64,
    product_slug: &str,
) -> (String, String) {
    let n = |i: usize| ids.listing[i].apply(x);
    // Most marketplaces number their listings: the number is the id, and in the URL.
    let numbered = |id: u64, url: String| (id.to_string(), url);
    match site.marketplace {
        Marketplace::AliExpress => {
            let id = 1_005_000_000_000_000 + n(0);
            numbered(id, format!("https://www.aliexpress.com/item/{id}.html"))
        }
        Marketplace::Amazon => {
            let asin = format!("B0{}", base36(n(1), 8));
            let url = format!("https://www.amazon.{}/dp/{asin}", site.tld);
            (asin, url)
        }
        Marketplace::Ebay => {
            let id = 100_000_000_000 + n(2);
            numbered(id, format!("https://www.ebay.{}/itm/{id}", site.tld))
        }
        Marketplace::Temu => {
            let id = 601_099_000_000_000 + n(3);
            numbered(id, format!("https://www.temu.com/goods.html?goods_id={id}"))
        }
        Marketplace::DhGate => {
            let id = 800_000_000 + n(4);
            numbered(id, format!("https://www.dhgate.com/product/{id}.html"))
        }
        Marketplace::Shein => {
            let id = 10_000_000 + n(5);
            numbered(
                id,
                format!("https://www.shein.{}/goods-p-{id}.html", site.tld),
            )
        }
        Marketplace::Walmart => {
            let id = 100_000_000 + n(6);
            numbered(id, format!("https://www.walmart.com/ip/{id}"))
        }
        Marketplace::Etsy => {
            let id = 1_000_000_000 + n(7);
            numbered(id, format!("https://www.etsy.com/listing/{id}"))
        }
        Marketplace::Alibaba => {
            let id = 1_600_000_000_000 + n(6);
            numbered(
                id,
                format!("https://www.alibaba.com/product-detail/_{id}.html"),
            )
        }
        Marketplace::Wish => {
            // A MongoDB object id: 4 bytes of time, then 8 unique bytes.
            let id = format!("{:08x}{:016x}", 0x5f00_0000 + (x % 0x0800_0000), n(8));
            (id.clone(), format!("https://www.wish.com/product/{id}"))
        }
        _ => {
            // The seller's key starts with its website's host ("host" or "host:name").
            let host = seller.key.split(':').next().unwrap_or_default();
            let path = format!("{host}/products/{product_slug}-{}", n(6));
            (path.clone(), format!("https://{path}"))
        }
    }
}

/// `value` in base 36 (digits, then capitals), left-padded with '0' to `width` characters.
fn base36(mut value: u64, width: usize) -> String {
    const DIGITS: &[u8; 36] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = DIGITS[(value % 36) as usize];
        value /= 36;
    }
    out.into_iter().map(char::from).collect()
}
