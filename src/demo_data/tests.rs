//! Tests of the pure parts: sizes, distributions, id and URL shapes, and the rows as the schema's
//! CHECK constraints see them.

mod copy_rows;

use std::collections::HashSet;

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::catalog::{IdSpaces, SITES, Scatter};
use super::plan::{Plan, SELLER_SKEW, Sizes};
use super::rows;
use super::skew::{self, SPAN_US};
use super::{MAX_REPORTS, text};
use crate::domain::marketplace::Marketplace;

/// 2025-06-01T00:00:00Z: tests do not depend on the day they run.
const ANCHOR_US: i64 = 1_748_736_000_000_000;

fn plan(reports: usize) -> Plan {
    Plan::new(reports, 42, ANCHOR_US)
}

/// Every report row of a plan, split into fields.
fn report_rows(plan: &Plan) -> Vec<Vec<String>> {
    let mut out = String::new();
    for chunk in 0..plan.reports.len().div_ceil(rows::CHUNK_REPORTS) {
        rows::report_chunk(plan, 42, chunk, &mut out);
    }
    out.lines()
        .map(|line| line.split('\t').map(str::to_owned).collect())
        .collect()
}

#[test]
fn sizes_follow_the_number_of_reports() {
    let big = Sizes::for_reports(1_000_000);
    assert_eq!(
        (big.sellers, big.listings, big.brands),
        (100_000, 333_333, 1000)
    );
    let small = Sizes::for_reports(20_000);
    assert_eq!(
        (small.sellers, small.listings, small.brands),
        (2000, 6666, 300)
    );
    let tiny = Sizes::for_reports(2);
    assert_eq!((tiny.sellers, tiny.listings), (1, 1));
}

#[test]
fn tiny_data_sets_are_complete_too() {
    for reports in [0, 1, 2, 9, 31] {
        let plan = plan(reports);
        assert_eq!(plan.reports.len(), reports);
        assert_eq!(report_rows(&plan).len(), reports);
        assert_eq!(plan.sellers.is_empty(), reports == 0);
        assert!(plan.listings.len() <= reports.max(1));
    }
}

#[test]
fn the_id_formats_have_room_for_the_largest_data_set() {
    let largest = Sizes::for_reports(MAX_REPORTS as usize);
    let (sellers, listings) = IdSpaces::new(1).capacity();
    assert!(largest.sellers as u64 <= sellers);
    assert!(largest.listings as u64 <= listings);
}

#[test]
fn scatter_gives_distinct_numbers_in_its_range() {
    for modulus in [10, 36, 1000, 9000] {
        let scatter = Scatter::new(modulus, 12345);
        let seen: HashSet<u64> = (0..modulus).map(|x| scatter.apply(x)).collect();
        assert_eq!(seen.len() as u64, modulus);
        assert!(seen.iter().all(|&y| y < modulus));
    }
}

#[test]
fn a_few_sellers_have_thousands_of_reports_and_most_have_one() {
    let mut rng = StdRng::seed_from_u64(1);
    let (offset, exponent) = SELLER_SKEW;
    let mut counts = skew::spread(&mut rng, 100_000, 1_000_000, offset, exponent);
    assert_eq!(counts.iter().map(|&c| u64::from(c)).sum::<u64>(), 1_000_000);
    counts.sort_unstable_by(|a, b| b.cmp(a));
    assert!(counts[9] > 5_000, "10th busiest seller: {}", counts[9]);
    assert!(counts[0] < 50_000, "busiest seller: {}", counts[0]);
    assert_eq!(counts[counts.len() / 2], 1, "median");
    let ones = counts.iter().filter(|&&c| c == 1).count();
    assert!(ones > 50_000, "{ones} sellers with one report");
}

#[test]
fn the_same_seed_gives_the_same_data_and_another_seed_other_data() {
    let a = Plan::new(3000, 7, ANCHOR_US);
    assert_eq!(a, Plan::new(3000, 7, ANCHOR_US));
    assert_ne!(a, Plan::new(3000, 8, ANCHOR_US));
    assert_eq!(report_rows(&a), report_rows(&Plan::new(3000, 7, ANCHOR_US)));
}

#[test]
fn every_seller_listing_and_brand_has_a_report_and_ids_follow_first_reports() {
    let plan = plan(20_000);
    let mut seller_reports = vec![0u32; plan.sellers.len()];
    let mut listing_reports = vec![0u32; plan.listings.len()];
    let mut brand_reports = vec![0u32; plan.brands.len()];
    let mut first_listing_report = vec![None; plan.listings.len()];
    for report in &plan.reports {
        let listing = report.listing as usize;
        listing_reports[listing] += 1;
        seller_reports[plan.listings[listing].seller as usize] += 1;
        brand_reports[report.brand as usize] += 1;
        first_listing_report[listing].get_or_insert(report.created_us);
    }
    assert!(seller_reports.iter().all(|&n| n > 0));
    assert!(listing_reports.iter().all(|&n| n > 0));
    assert!(brand_reports.iter().all(|&n| n > 0));
    assert_eq!(plan.brands.len(), 300, "every brand is used");
    for (listing, first) in plan.listings.iter().zip(first_listing_report) {
        assert_eq!(Some(listing.created_us), first);
        assert!(plan.sellers[listing.seller as usize].created_us <= listing.created_us);
    }
    assert!(plan.listings.is_sorted_by_key(|l| l.created_us));
    assert!(plan.sellers.is_sorted_by_key(|s| s.created_us));
    assert!(plan.brands.is_sorted_by_key(|b| b.created_us));
}

#[test]
fn famous_brands_lead_and_brands_are_skewed() {
    let plan = plan(20_000);
    let mut counts: Vec<(u32, &str)> = plan
        .brands
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let n = plan
                .reports
                .iter()
                .filter(|r| r.brand as usize == i)
                .count();
            (n as u32, b.name.as_str())
        })
        .collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    let top: Vec<&str> = counts.iter().take(5).map(|(_, name)| *name).collect();
    assert!(
        top.contains(&"Nike") || top.contains(&"Louis Vuitton"),
        "{top:?}"
    );
    assert!(counts[0].0 > 20 * counts[counts.len() / 2].0, "{counts:?}");
    let slugs: HashSet<&str> = plan.brands.iter().map(|b| b.slug.as_str()).collect();
    assert_eq!(slugs.len(), plan.brands.len());
}

#[test]
fn reports_span_three_years_and_recent_ones_are_more_frequent() {
    let plan = plan(20_000);
    let times: Vec<i64> = plan.reports.iter().map(|r| r.created_us).collect();
    assert!(times.is_sorted());
    assert!(times[0] >= ANCHOR_US - SPAN_US && times[times.len() - 1] < ANCHOR_US);
    let year = SPAN_US / 3;
    let first = times.iter().filter(|&&t| t < ANCHOR_US - 2 * year).count();
    let last = times.iter().filter(|&&t| t >= ANCHOR_US - year).count();
    assert!(first > 1000, "{first} in the first year");
    assert!(
        last > 3 * first,
        "{last} in the last year, {first} in the first"
    );
}

#[test]
fn reporters_are_fewer_than_reports_and_never_report_a_listing_twice() {
    let plan = plan(20_000);
    let mut pairs = HashSet::new();
    let mut per_reporter = std::collections::HashMap::<u32, u32>::new();
    for report in &plan.reports {
        assert!(pairs.insert((report.listing, report.reporter)));
        *per_reporter.entry(report.reporter).or_default() += 1;
    }
    assert!(per_reporter.len() < plan.reports.len() * 3 / 4);
    assert!(per_reporter.len() > plan.reports.len() / 3);
    assert!(
        per_reporter.values().any(|&n| n >= 20),
        "some very active reporters"
    );
}

#[test]
fn most_sellers_are_on_aliexpress_and_all_marketplaces_appear() {
    let plan = plan(20_000);
    let count = |m: Marketplace| {
        plan.sellers
            .iter()
            .filter(|s| s.site.marketplace == m)
            .count()
    };
    let aliexpress = count(Marketplace::AliExpress);
    for site in SITES {
        assert!(count(site.marketplace) > 0, "{:?}", site.marketplace);
        assert!(count(site.marketplace) <= aliexpress);
    }
}

/// The listing's id and canonical URL as `domain::listing_url` would produce them.
fn check_listing_shape(marketplace: Marketplace, tld: &str, id: &str, url: &str) {
    let digits = |len: std::ops::RangeInclusive<usize>| {
        assert!(
            len.contains(&id.len()) && id.bytes().all(|b| b.is_ascii_digit()),
            "{id}"
        );
    };
    let expected = match marketplace {
        Marketplace::AliExpress => {
            digits(16..=16);
            assert!(id.starts_with("1005"));
            format!("https://www.aliexpress.com/item/{id}.html")
        }
        Marketplace::Amazon => {
            assert!(id.len() == 10 && id.starts_with("B0"), "{id}");
            assert!(
                id.bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase())
            );
            format!("https://www.amazon.{tld}/dp/{id}")
        }
        Marketplace::Ebay => {
            digits(12..=12);
            format!("https://www.ebay.{tld}/itm/{id}")
        }
        Marketplace::Temu => {
            digits(15..=15);
            format!("https://www.temu.com/goods.html?goods_id={id}")
        }
        Marketplace::DhGate => {
            digits(9..=9);
            format!("https://www.dhgate.com/product/{id}.html")
        }
        Marketplace::Shein => {
            digits(8..=8);
            format!("https://www.shein.{tld}/goods-p-{id}.html")
        }
        Marketplace::Walmart => {
            digits(9..=10);
            format!("https://www.walmart.com/ip/{id}")
        }
        Marketplace::Etsy => {
            digits(10..=10);
            format!("https://www.etsy.com/listing/{id}")
        }
        Marketplace::Alibaba => {
            digits(13..=13);
            format!("https://www.alibaba.com/product-detail/_{id}.html")
        }
        Marketplace::Wish => {
            assert!(
                id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit()),
                "{id}"
            );
            assert_eq!(id, id.to_lowercase());
            format!("https://www.wish.com/product/{id}")
        }
        _ => {
            assert!(id.contains("/products/") && !id.contains("://"), "{id}");
            format!("https://{id}")
        }
    };
    assert_eq!(url, expected);
}

#[test]
fn listing_ids_and_urls_are_shaped_like_each_marketplace_and_unique() {
    let plan = plan(30_000);
    let mut urls = HashSet::new();
    for listing in &plan.listings {
        let site = plan.sellers[listing.seller as usize].site;
        check_listing_shape(
            site.marketplace,
            site.tld,
            &listing.external_id,
            &listing.canonical_url,
        );
        assert!(urls.insert(listing.canonical_url.as_str()));
        assert!(listing.canonical_url.len() <= 2048);
    }
}

#[test]
fn seller_keys_are_unique_per_marketplace_and_fit_the_schema() {
    let plan = plan(30_000);
    let mut keys = HashSet::new();
    for seller in &plan.sellers {
        let shape = &seller.shape;
        assert!(keys.insert((seller.site.marketplace, shape.key.as_str())));
        assert!((1..=600).contains(&shape.key.len()), "{shape:?}");
        assert!((1..=300).contains(&shape.display_name.len()), "{shape:?}");
        match &shape.store_url {
            None => {
                assert!(shape.name_based && shape.alias.is_none());
                let folded = text::fold(&shape.display_name);
                match seller.site.marketplace {
                    Marketplace::Other => assert!(shape.key.ends_with(&format!(":{folded}"))),
                    _ => assert_eq!(shape.key, folded),
                }
            }
            Some(url) => {
                assert!(!shape.name_based);
                assert!(
                    url.starts_with("https://") && url.contains(&shape.key),
                    "{shape:?}"
                );
                assert!(!url.contains(char::is_whitespace), "{url}");
                let shown = shape.alias.as_ref().unwrap_or(&shape.key);
                assert_eq!(&shape.display_name, shown);
            }
        }
    }
    let linked = plan
        .sellers
        .iter()
        .filter(|s| s.shape.store_url.is_some())
        .count();
    assert!(
        linked > plan.sellers.len() * 7 / 10,
        "store URLs for most sellers"
    );
}
