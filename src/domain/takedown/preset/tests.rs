use rust_decimal::Decimal;
use time::macros::datetime;

use super::*;
use crate::domain::outcome::Outcome;
use crate::domain::takedown::row::{EvidenceFile, FULL_COLUMNS, ReasonCount};

fn row() -> TakedownRow {
    TakedownRow {
        marketplace: Marketplace::Amazon,
        listing_id: "B0ABCDEF12".into(),
        listing_url: "https://www.amazon.de/dp/B0ABCDEF12".into(),
        seller_key: "A1SELLER".into(),
        seller_name: "=Cheap Shop".into(),
        store_url: None,
        seller_page_url: "https://fakewatch.example/sellers/amazon/A1SELLER".into(),
        brand: "acme".into(),
        brand_name: "Acme".into(),
        product_title: Some("Acme Pro headphones".into()),
        reports: 4,
        distinct_reporters: 3,
        verified_reports: 1,
        reasons: vec![
            ReasonCount {
                reason: Reason::PriceTooLow,
                reports: 4,
            },
            ReasonCount {
                reason: Reason::LogoOrPackagingMismatch,
                reports: 2,
            },
        ],
        first_reported: Some(datetime!(2026-01-03 10:00 UTC)),
        last_reported: Some(datetime!(2026-11-20 08:30 UTC)),
        lowest_price: Some(Decimal::new(1250, 2)),
        price_currency: Some("EUR".into()),
        status: ListingStatus::Verified,
        outcome_at: None,
        evidence: vec![EvidenceFile {
            id: "ev1".into(),
            url: "https://fakewatch.example/evidence/ev1?expires=1&sig=x".into(),
            sha256: "ab".repeat(32),
            bytes: 1234,
            media_type: "image/jpeg".into(),
            uploaded_at: datetime!(2026-01-03 10:00 UTC),
        }],
        ipr_registration_no: Some("EU018000001".into()),
        ipr_office: None,
    }
}

#[test]
fn every_record_matches_its_columns() {
    let row = row();
    assert_eq!(row.full_record().len(), FULL_COLUMNS.len());
    for &preset in <Preset as strum::VariantArray>::VARIANTS {
        assert_eq!(
            preset.record(&row).len(),
            preset.columns().len(),
            "{preset}"
        );
        assert_eq!(preset.as_str().parse(), Ok(preset));
        assert_eq!(preset.to_string(), preset.as_str());
    }
    assert!("walmart".parse::<Preset>().is_err());
}

#[test]
fn preset_names_are_the_ones_clients_send() {
    let names: Vec<&str> = <Preset as strum::VariantArray>::VARIANTS
        .iter()
        .map(|p| p.as_str())
        .collect();
    assert_eq!(names, ["aliexpress", "amazon", "ebay", "dsa"]);
    assert_eq!(
        "walmart".parse::<Preset>(),
        Err("unknown preset \"walmart\"; use aliexpress, amazon, ebay or dsa".to_owned())
    );
    assert_eq!(EbayReasonHint::Counterfeit.as_str(), "counterfeit");
    assert_eq!(
        EbayReasonHint::TrademarkInListing.as_str(),
        "trademark_in_listing"
    );
}

fn cell<'a>(preset: Preset, row: &'a TakedownRow, column: &str) -> Cow<'a, str> {
    let at = preset
        .columns()
        .iter()
        .position(|c| *c == column)
        .expect("column exists");
    preset.record(row).swap_remove(at)
}

#[test]
fn amazon_leaves_the_test_buy_order_to_the_brand_and_names_the_site() {
    let row = row();
    assert_eq!(cell(Preset::Amazon, &row, "test_buy_order_id"), "");
    assert_eq!(
        cell(Preset::Amazon, &row, "marketplace_site"),
        "www.amazon.de"
    );
    assert_eq!(cell(Preset::Amazon, &row, "asin"), "B0ABCDEF12");
    assert_eq!(
        cell(Preset::Amazon, &row, "ipr_registration_no"),
        "EU018000001"
    );
}

#[test]
fn dsa_notice_leaves_the_notifiers_statements_blank() {
    let row = row();
    for column in ["notifier_name", "notifier_email", "good_faith_statement"] {
        assert_eq!(cell(Preset::Dsa, &row, column), "", "{column}");
    }
    assert_eq!(cell(Preset::Dsa, &row, "marketplace"), "Amazon");
    assert_eq!(cell(Preset::Dsa, &row, "url"), row.listing_url);
}

#[test]
fn explanation_is_substantiated_from_the_counts() {
    let text = explanation(&row());
    assert!(text.contains("Suspected counterfeit Acme"), "{text}");
    assert!(text.contains("3 different buyers (4 reports)"), "{text}");
    assert!(text.contains("between 2026-01-03 and 2026-11-20"), "{text}");
    assert!(
        text.contains("1 report was checked by a moderator"),
        "{text}"
    );
    assert!(
        text.contains("price far below the genuine product (4)"),
        "{text}"
    );
    assert!(text.contains("Lowest price reported: 12.5 EUR"), "{text}");
    assert!(text.contains("1 evidence file attached"), "{text}");

    let mut confirmed = row();
    confirmed.status = ListingStatus::Outcome(Outcome::ConfirmedCounterfeit);
    assert!(explanation(&confirmed).contains("Confirmed counterfeit by the brand owner"));
}

#[test]
fn ebay_hint_follows_what_buyers_saw() {
    let mut row = row();
    assert_eq!(ebay_reason_hint(&row), EbayReasonHint::Counterfeit);
    row.reasons.retain(|r| r.reason == Reason::PriceTooLow);
    assert_eq!(ebay_reason_hint(&row), EbayReasonHint::TrademarkInListing);
    row.status = ListingStatus::Outcome(Outcome::ConfirmedCounterfeit);
    assert_eq!(ebay_reason_hint(&row), EbayReasonHint::Counterfeit);
    assert_eq!(cell(Preset::Ebay, &row, "reason_code_hint"), "counterfeit");
}

#[test]
fn only_aliexpress_comes_in_parts() {
    assert_eq!(Preset::Aliexpress.part_rows(), Some(300));
    assert_eq!(Preset::Amazon.part_rows(), None);
    assert_eq!(Preset::Dsa.marketplace(), None);
    assert_eq!(Preset::Ebay.marketplace(), Some(Marketplace::Ebay));
}

#[test]
fn full_record_joins_lists_into_single_cells() {
    let row = row();
    let record = row.full_record();
    let at = |c: &str| FULL_COLUMNS.iter().position(|x| *x == c).expect("column");
    assert_eq!(
        record[at("reasons")],
        "price_too_low:4;logo_or_packaging_mismatch:2"
    );
    assert_eq!(record[at("lowest_price")], "12.5");
    assert_eq!(record[at("status")], "verified");
    assert_eq!(record[at("first_reported")], "2026-01-03T10:00:00Z");
    assert_eq!(record[at("evidence_sha256")], "ab".repeat(32));
    assert_eq!(
        record[at("evidence_manifest")],
        format!("{}:1234:image/jpeg:2026-01-03T10:00:00Z", "ab".repeat(32))
    );
}

#[test]
fn every_listing_status_name_parses_back() {
    for name in ListingStatus::NAMES {
        let status: ListingStatus = name.parse().expect("known");
        assert_eq!(status.as_str(), name);
    }
    assert_eq!(
        "removed".parse(),
        Ok(ListingStatus::Outcome(Outcome::Removed))
    );
    assert!("gone".parse::<ListingStatus>().is_err());
    for outcome in Outcome::ALL {
        assert_eq!(ListingStatus::Outcome(outcome).as_str(), outcome.as_str());
        assert!(ListingStatus::NAMES.contains(&outcome.as_str()));
    }
}
