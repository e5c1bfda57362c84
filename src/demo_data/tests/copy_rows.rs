//! The rows as `COPY` reads them: the schema's checks, the escaping, and the exact data of a
//! seed.

use std::collections::HashSet;

use rand::SeedableRng;
use rand::rngs::StdRng;

use super::super::plan::Plan;
use super::super::rows::{self, Row};
use super::{ANCHOR_US, plan, report_rows};
use crate::domain::reason::Reason;

#[test]
fn public_ids_are_unique_url_safe_and_as_long_as_the_services_own() {
    let mut rng = StdRng::seed_from_u64(3);
    let mut seen = HashSet::new();
    for index in 0..200_000 {
        let mut id = String::new();
        rows::public_id(&mut id, &mut rng, 9, index);
        assert_eq!(id.len(), 16);
        assert!(
            id.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert!(seen.insert(id));
    }
}

#[test]
fn report_rows_satisfy_the_schema_checks() {
    let plan = plan(20_000);
    let rows = report_rows(&plan);
    assert_eq!(rows.len(), 20_000);
    let mut public_ids = HashSet::new();
    for (i, row) in rows.iter().enumerate() {
        check_report_row(&plan, i, row);
        assert!(public_ids.insert(row[1].clone()));
    }
}

/// Report row `i` of `plan`, field by field, against the `report` table's constraints.
fn check_report_row(plan: &Plan, i: usize, row: &[String]) {
    assert_eq!(row.len(), 20, "{row:?}");
    assert_eq!(row[0], (i + 1).to_string());
    assert!(row[5] == "\\N" || (1..=300).contains(&row[5].chars().count()));
    assert_eq!(
        row[6] == "\\N",
        row[7] == "\\N",
        "price and currency go together"
    );
    if row[6] != "\\N" {
        assert!(row[6].parse::<f64>().is_ok_and(|p| p > 0.0), "{}", row[6]);
        assert!(row[7].len() == 3 && row[7].bytes().all(|b| b.is_ascii_uppercase()));
    }
    let reasons: Vec<&str> = row[9].trim_matches(['{', '}']).split(',').collect();
    assert!((1..=3).contains(&reasons.len()), "{}", row[9]);
    assert!(
        reasons
            .iter()
            .all(|r| Reason::ALL.iter().any(|v| v.as_str() == *r))
    );
    assert!((10..=5000).contains(&row[10].len()), "{}", row[10]);
    assert!(row[11] == "\\N" || (row[11].len() <= 254 && row[11].contains("@example.")));
    assert_eq!(
        row[11] == "\\N",
        row[12] == "\\N",
        "a key exactly when an e-mail"
    );
    for bytes in [&row[13], &row[15]] {
        assert!(
            bytes.starts_with("\\\\x") && bytes.len() == 3 + 64,
            "{bytes}"
        );
    }
    assert!(
        ["unverified", "verified", "rejected", "withdrawn"].contains(&row[14].as_str()),
        "{row:?}"
    );
    assert!(row[17] >= row[16], "updated_at after created_at");
    // The seller name is the seller's alias (the foreign key to seller_alias), if any.
    let seller: usize = row[3].parse().expect("seller id");
    let alias = plan.sellers[seller - 1].shape.alias.as_deref();
    assert_eq!(row[18], alias.unwrap_or("\\N"), "{row:?}");
    if row[19] != "\\N" {
        assert_ne!(
            row[12], "\\N",
            "a confirmed report has a reporter key: {row:?}"
        );
        assert!(row[19] >= row[16], "confirmed after filing: {row:?}");
    }
}

#[test]
fn statuses_emails_and_confirmations_come_in_realistic_shares() {
    let rows = report_rows(&plan(20_000));
    let share = |matching: &dyn Fn(&Vec<String>) -> bool| {
        rows.iter().filter(|r| matching(r)).count() as f64 / rows.len() as f64
    };
    let per_status =
        ["unverified", "verified", "rejected", "withdrawn"].map(|s| share(&|r| r[14] == s));
    assert!((0.83..0.87).contains(&per_status[0]), "{per_status:?}");
    assert!((0.08..0.12).contains(&per_status[1]), "{per_status:?}");
    assert!(
        per_status[2] > 0.02 && per_status[3] > 0.01,
        "{per_status:?}"
    );
    let emails = share(&|r| r[11] != "\\N");
    assert!(
        (0.55..0.85).contains(&emails),
        "most reporters give an e-mail: {emails}"
    );
    let confirmed = share(&|r| r[19] != "\\N");
    assert!(
        (0.45..0.75).contains(&confirmed),
        "most of them confirm it: {confirmed}"
    );
}

#[test]
fn timestamps_and_dates_are_written_as_postgres_reads_them() {
    for days in [-1, 0, 59, 10_957, 19_000, 20_513, 2_932_896] {
        let date = time::Date::from_julian_day(2_440_588 + days as i32).expect("in range");
        let (y, m, d) = rows::civil_from_days(days);
        assert_eq!(
            (y as i32, m as u8, d as u8),
            (date.year(), date.month() as u8, date.day())
        );
    }
    let mut out = String::new();
    Row::new(&mut out)
        .timestamp(ANCHOR_US + 3_723_000_042)
        .date(0)
        .end();
    assert_eq!(out, "2025-06-01 01:02:03.000042+00\t1970-01-01\n");
}

#[test]
fn text_fields_are_escaped_and_nulls_and_bytes_are_marked() {
    let mut out = String::new();
    Row::new(&mut out)
        .text("a\tb\\c\nd")
        .opt_text(None)
        .bytea(&[0, 255])
        .bool(true)
        .end();
    assert_eq!(out, "a\\tb\\\\c\\nd\t\\N\t\\\\x00ff\tt\n");
}

/// Every row [`super::generate`] would copy for `plan` (bar the brand aliases, which are the
/// brands' names again), as the `COPY` text.
fn all_rows(plan: &Plan, seed: u64) -> String {
    let mut out = String::new();
    for (i, brand) in plan.brands.iter().enumerate() {
        rows::brand_row(&mut out, i, brand);
    }
    for (i, seller) in plan.sellers.iter().enumerate() {
        rows::seller_row(&mut out, i, seller);
        rows::seller_alias_row(&mut out, i, seller);
    }
    for (i, listing) in plan.listings.iter().enumerate() {
        rows::listing_row(&mut out, i, listing, plan);
    }
    for chunk in 0..plan.reports.len().div_ceil(rows::CHUNK_REPORTS) {
        rows::report_chunk(plan, seed, chunk, &mut out);
    }
    out
}

/// The data for a seed never changes: benchmarks compare runs on it, and a pasted link must
/// keep finding its listing. A change to the generator that changes the data on purpose
/// updates these digests, and says so.
#[test]
fn the_data_of_a_seed_is_the_data_it_always_was() {
    use sha2::{Digest, Sha256};
    for (seed, reports, expected) in [
        (
            42,
            20_000,
            "fb03c023ce434b07e654262a27cd6e91b62590d9d51598002e0bc3c41dec2603",
        ),
        (
            7,
            3_000,
            "bbb99339c708d4f1124536f4c1cc0a90ff9f03051241312d223cff314a236639",
        ),
    ] {
        let rows = all_rows(&Plan::new(reports, seed, ANCHOR_US), seed);
        let digest = hex::encode(Sha256::digest(rows.as_bytes()));
        assert_eq!(digest, expected, "seed {seed}, {reports} reports");
    }
}
