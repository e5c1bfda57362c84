//! The shape of the data set, decided before anything is written: who sells what, which listing
//! each report is about, when, and by whom. Reports' own fields are filled in later, chunk by
//! chunk, from this plan (see `rows`).

use std::collections::HashSet;

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{RngExt, SeedableRng};

use super::catalog::{IdSpaces, SellerShape, Site};
use super::market;
use super::skew::{Weighted, report_times, spread};
use super::vocabulary::Category;

/// Chance that a report comes from a new reporter rather than from someone who reported before
/// (a Yule–Simon process: repeat reporters are picked in proportion to their reports so far,
/// which gives a few very active reporters and many one-off ones).
const NEW_REPORTER: f64 = 0.6;

/// How reports spread over sellers: Zipf–Mandelbrot offset and exponent (see
/// [`Weighted::zipf`]). With a tenth as many sellers as reports, the busiest ten have over 1%
/// each, and two thirds of the sellers have a single report.
pub(super) const SELLER_SKEW: (f64, f64) = (32.0, 1.5);
/// How reports spread over brands (famous brands first).
const BRAND_SKEW: (f64, f64) = (1.5, 1.05);

/// How many of each thing a data set of `reports` reports has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Sizes {
    pub reports: usize,
    pub sellers: usize,
    pub listings: usize,
    pub brands: usize,
}

impl Sizes {
    /// About one seller per ten reports and one listing per three; 300 to 1,000 brands.
    pub(super) fn for_reports(reports: usize) -> Sizes {
        let sellers = (reports / 10).max(1).min(reports);
        Sizes {
            reports,
            sellers,
            listings: (reports / 3).clamp(sellers, reports),
            brands: (reports / 1000).clamp(300, 1000),
        }
    }
}

/// A brand as stored; `created_us` is its first report's time.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Brand {
    pub slug: String,
    pub name: String,
    pub category: Category,
    pub created_us: i64,
}

/// A seller as stored, on one marketplace site; `created_us` is its first report's time.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Seller {
    pub site: &'static Site,
    pub shape: SellerShape,
    pub created_us: i64,
}

/// A listing as stored, plus what its reports' titles and prices are made from.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Listing {
    /// Index into [`Plan::sellers`].
    pub seller: u32,
    /// Index into [`Plan::brands`]: what the listing claims to be.
    pub brand: u32,
    pub external_id: String,
    pub canonical_url: String,
    /// Index into the brand category's products, and title decorations (see `text`).
    pub product: u8,
    pub prefix: u8,
    pub suffix: u8,
    pub price_cents: u32,
    pub created_us: i64,
}

/// One report's place in the data set; the rest of it is drawn when its row is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ReportPlan {
    pub created_us: i64,
    /// Index into [`Plan::listings`].
    pub listing: u32,
    /// Index into [`Plan::brands`]: usually the listing's, sometimes what the buyer thought.
    pub brand: u32,
    /// Reporter number: equal numbers are the same person (same fingerprint).
    pub reporter: u32,
}

/// Everything but the reports' own fields. Every vector is in id order (index + 1 is the id),
/// and ids follow first appearance in time, as they would have in a live database.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Plan {
    /// "Now": every timestamp is before it.
    pub anchor_us: i64,
    pub brands: Vec<Brand>,
    pub sellers: Vec<Seller>,
    pub listings: Vec<Listing>,
    /// Oldest first.
    pub reports: Vec<ReportPlan>,
}

impl Plan {
    /// Plans `reports` reports ending at `anchor_us` (Unix microseconds). The same arguments
    /// always give the same plan.
    pub(super) fn new(reports: usize, seed: u64, anchor_us: i64) -> Plan {
        let sizes = Sizes::for_reports(reports);
        let mut rng = StdRng::seed_from_u64(super::mix(seed, 0));
        if reports == 0 {
            return Plan {
                anchor_us,
                brands: Vec::new(),
                sellers: Vec::new(),
                listings: Vec::new(),
                reports: Vec::new(),
            };
        }
        let ids = IdSpaces::new(seed);
        let brands = market::brands(&mut rng, sizes.brands);
        let brand_weights = Weighted::zipf(brands.len(), BRAND_SKEW.0, BRAND_SKEW.1);
        let (offset, exponent) = SELLER_SKEW;
        let seller_reports = spread(&mut rng, sizes.sellers, reports, offset, exponent);
        let sellers = market::sellers(&mut rng, &ids, sizes.sellers);
        let (listings, listing_reports) = market::listings(
            &mut rng,
            &ids,
            &sellers,
            &brands,
            &brand_weights,
            &seller_reports,
            sizes,
        );
        let times = report_times(&mut rng, reports, anchor_us);
        let mut slots: Vec<u32> = listing_reports
            .iter()
            .enumerate()
            .flat_map(|(listing, &count)| std::iter::repeat_n(listing as u32, count as usize))
            .collect();
        slots.shuffle(&mut rng);
        let plans = report_plans(&mut rng, &listings, &brand_weights, &times, &slots);
        renumber(anchor_us, brands, sellers, listings, plans)
    }
}

/// Listing, brand and reporter of each report. A listing's first report names the listing's
/// brand; later ones sometimes another (buyers disagree). Nobody reports the same listing twice.
fn report_plans(
    rng: &mut StdRng,
    listings: &[Listing],
    brand_weights: &Weighted,
    times: &[i64],
    slots: &[u32],
) -> Vec<ReportPlan> {
    let mut seen_listing = vec![false; listings.len()];
    let mut pairs: HashSet<u64> = HashSet::with_capacity(slots.len());
    let mut next_reporter = 0u32;
    let mut plans: Vec<ReportPlan> = Vec::with_capacity(slots.len());
    for (&created_us, &listing) in times.iter().zip(slots) {
        let first = !std::mem::replace(&mut seen_listing[listing as usize], true);
        let brand = if !first && rng.random_bool(0.03) {
            brand_weights.sample(rng) as u32
        } else {
            listings[listing as usize].brand
        };
        let repeat = (!plans.is_empty() && !rng.random_bool(NEW_REPORTER))
            .then(|| plans[rng.random_range(0..plans.len())].reporter)
            .filter(|&r| !pairs.contains(&pair(listing, r)));
        let reporter = repeat.unwrap_or_else(|| {
            next_reporter += 1;
            next_reporter - 1
        });
        pairs.insert(pair(listing, reporter));
        plans.push(ReportPlan {
            created_us,
            listing,
            brand,
            reporter,
        });
    }
    plans
}

fn pair(listing: u32, reporter: u32) -> u64 {
    (u64::from(listing) << 32) | u64::from(reporter)
}

/// Renumbers brands, sellers and listings in order of first report, sets their creation times
/// to it, and drops brands no report names.
fn renumber(
    anchor_us: i64,
    brands: Vec<Brand>,
    sellers: Vec<Seller>,
    listings: Vec<Listing>,
    mut reports: Vec<ReportPlan>,
) -> Plan {
    let mut brand_ids = FirstSeen::new(brands.len());
    let mut seller_ids = FirstSeen::new(sellers.len());
    let mut listing_ids = FirstSeen::new(listings.len());
    for report in &mut reports {
        let listing = &listings[report.listing as usize];
        seller_ids.see(listing.seller, report.created_us);
        report.listing = listing_ids.see(report.listing, report.created_us);
        report.brand = brand_ids.see(report.brand, report.created_us);
    }
    let mut listings = listing_ids.reorder(listings, |l, t| l.created_us = t);
    for listing in &mut listings {
        listing.seller = seller_ids.new_id[listing.seller as usize];
        listing.brand = brand_ids.new_id[listing.brand as usize];
    }
    Plan {
        anchor_us,
        brands: brand_ids.reorder(brands, |b, t| b.created_us = t),
        sellers: seller_ids.reorder(sellers, |s, t| s.created_us = t),
        listings,
        reports,
    }
}

/// New numbers in order of first appearance, and the time of that appearance.
struct FirstSeen {
    new_id: Vec<u32>,
    first_us: Vec<i64>,
    next: u32,
}

impl FirstSeen {
    const UNSEEN: u32 = u32::MAX;

    fn new(len: usize) -> Self {
        FirstSeen {
            new_id: vec![Self::UNSEEN; len],
            first_us: Vec::with_capacity(len),
            next: 0,
        }
    }

    fn see(&mut self, old: u32, at_us: i64) -> u32 {
        let id = &mut self.new_id[old as usize];
        if *id == Self::UNSEEN {
            *id = self.next;
            self.next += 1;
            self.first_us.push(at_us);
        }
        *id
    }

    /// The items that were seen, in new-number order, each stamped with its first time.
    fn reorder<T>(&self, items: Vec<T>, mut stamp: impl FnMut(&mut T, i64)) -> Vec<T> {
        let mut numbered: Vec<(u32, T)> = self
            .new_id
            .iter()
            .copied()
            .zip(items)
            .filter(|(id, _)| *id != Self::UNSEEN)
            .collect();
        numbered.sort_unstable_by_key(|(id, _)| *id);
        numbered
            .into_iter()
            .map(|(id, mut item)| {
                stamp(&mut item, self.first_us[id as usize]);
                item
            })
            .collect()
    }
}
