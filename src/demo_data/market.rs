//! The market before any report: brands in popularity order, sellers on their sites, and each
//! seller's listings with their share of the seller's reports.

use std::collections::HashSet;

use rand::RngExt;
use rand::rngs::StdRng;

use super::catalog::{self, IdSpaces, SITES};
use super::plan::{Brand, Listing, Seller, Sizes};
use super::skew::{Weighted, spread};
use super::text::{self, slugify};
use super::vocabulary::{self, BRAND_ALIASES, Category, FAMOUS_BRANDS};

/// Famous brands first, then made-up ones, `count` in all, in popularity order.
pub(super) fn brands(rng: &mut StdRng, count: usize) -> Vec<Brand> {
    let mut taken: HashSet<String> = BRAND_ALIASES
        .iter()
        .map(|(alias, _)| (*alias).to_owned())
        .collect();
    let mut brands = Vec::with_capacity(count);
    for (name, category) in FAMOUS_BRANDS.iter().take(count) {
        taken.insert(slugify(name));
        brands.push(Brand {
            slug: slugify(name),
            name: (*name).to_owned(),
            category: *category,
            created_us: 0,
        });
    }
    while brands.len() < count {
        let name = text::brand_name(rng);
        let slug = slugify(&name);
        if taken.insert(slug.clone()) {
            let category = text::pick(rng, &Category::ALL);
            brands.push(Brand {
                slug,
                name,
                category,
                created_us: 0,
            });
        }
    }
    brands
}

/// `count` sellers on sites drawn by weight, keys unique per marketplace.
pub(super) fn sellers(rng: &mut StdRng, ids: &IdSpaces, count: usize) -> Vec<Seller> {
    let site_weights = Weighted::new(SITES.iter().map(|s| f64::from(s.weight)));
    let mut taken: HashSet<(&'static str, String)> = HashSet::with_capacity(count);
    (0..count)
        .map(|x| {
            let site = &SITES[site_weights.sample(rng)];
            // Buyers can only name, not link, about one seller in five.
            let name_based = rng.random_bool(0.2);
            let mut shape = catalog::seller(rng, ids, site, x as u64, name_based);
            for attempt in 0.. {
                if taken.insert((site.marketplace.as_str(), shape.key.clone())) {
                    break;
                }
                shape = catalog::seller(rng, ids, site, x as u64, name_based);
                if attempt > 20 {
                    // Practically unreachable; a unique suffix ends the loop for sure.
                    shape.key = format!("{}-{x}", shape.key);
                }
            }
            Seller {
                site,
                shape,
                created_us: 0,
            }
        })
        .collect()
}

/// Each seller's listings (at least one, more for busy sellers) and each listing's number of
/// reports (at least one, a few hot listings per seller).
pub(super) fn listings(
    rng: &mut StdRng,
    ids: &IdSpaces,
    sellers: &[Seller],
    brands: &[Brand],
    brand_weights: &Weighted,
    seller_reports: &[u32],
    sizes: Sizes,
) -> (Vec<Listing>, Vec<u32>) {
    let extra_reports = (sizes.reports - sizes.sellers).max(1) as f64;
    let share = (sizes.listings - sizes.sellers) as f64 / extra_reports;
    // Who sells which brand first, so that brands can be spread before titles are written.
    let capacity = sizes.listings + sizes.listings / 8;
    let mut owners: Vec<(u32, u32)> = Vec::with_capacity(capacity);
    let mut counts = Vec::with_capacity(capacity);
    for (s, &reports) in seller_reports.iter().enumerate() {
        let reports = reports as usize;
        let p = (share * rng.random_range(0.5..1.5)).min(1.0);
        let own = 1 + (1..reports).filter(|_| rng.random_bool(p)).count();
        counts.extend(spread(rng, own, reports, 1.0, 1.2));
        // Sellers specialise: half of a seller's listings fake its favourite brand.
        let favourite = brand_weights.sample(rng);
        for _ in 0..own {
            let brand = if rng.random_bool(0.5) {
                favourite
            } else {
                brand_weights.sample(rng)
            };
            owners.push((s as u32, brand as u32));
        }
    }
    cover_brands(rng, &mut owners, brands.len());
    let listings = owners
        .iter()
        .enumerate()
        .map(|(x, &owner)| listing(rng, ids, sellers, brands, owner, x))
        .collect();
    (listings, counts)
}

/// Listing number `x` of `owner` (seller and brand indexes): product, price, id and URL.
fn listing(
    rng: &mut StdRng,
    ids: &IdSpaces,
    sellers: &[Seller],
    brands: &[Brand],
    (seller_index, brand_index): (u32, u32),
    x: usize,
) -> Listing {
    let seller = &sellers[seller_index as usize];
    let brand = &brands[brand_index as usize];
    let products = brand.category.products();
    let product = rng.random_range(0..products.len());
    let (low, high) = brand.category.price_range();
    // Log-uniform: cheap fakes are more common than dear ones.
    let price = (low.ln() + rng.random::<f64>() * (high / low).ln()).exp();
    // Most prices end in .99; the rest are whatever a currency conversion gave.
    let price_cents = if rng.random_bool(0.6) {
        price.floor() as u32 * 100 + 99
    } else {
        (price * 100.0).round() as u32
    };
    let slug = text::url_slug(&format!("{} {}", brand.name, products[product]));
    let (external_id, canonical_url) =
        catalog::listing(ids, seller.site, &seller.shape, x as u64, &slug);
    Listing {
        seller: seller_index,
        brand: brand_index,
        external_id,
        canonical_url,
        product: product as u8,
        prefix: if rng.random_bool(0.3) {
            rng.random_range(1..vocabulary::TITLE_PREFIXES.len()) as u8
        } else {
            0
        },
        suffix: if rng.random_bool(0.5) {
            rng.random_range(1..vocabulary::TITLE_SUFFIXES.len()) as u8
        } else {
            0
        },
        price_cents,
        created_us: 0,
    }
}

/// Gives every brand nobody fakes yet one listing, taken from a brand that has several, so that
/// no brand row is left without reports. `owners` holds (seller, brand) per listing. There are
/// always listings to spare, except in tiny data sets, which keep some brands unused.
fn cover_brands(rng: &mut StdRng, owners: &mut [(u32, u32)], brands: usize) {
    let mut per_brand = vec![0u32; brands];
    for &(_, brand) in owners.iter() {
        per_brand[brand as usize] += 1;
    }
    for brand in 0..brands {
        if per_brand[brand] > 0 {
            continue;
        }
        for _ in 0..64 {
            let (_, owner_brand) = &mut owners[rng.random_range(0..owners.len())];
            let old = *owner_brand as usize;
            if per_brand[old] > 1 {
                per_brand[old] -= 1;
                per_brand[brand] = 1;
                *owner_brand = brand as u32;
                break;
            }
        }
    }
}
