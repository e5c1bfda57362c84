//! The decay kept in O(1) (`reputation_growth` sums against a fixed epoch) gives the numbers
//! the per-report formula, `domain::reputation::age_weight`, gives.

use fakewatch::domain::Marketplace;
use fakewatch::domain::reputation::{HALF_LIFE_DAYS, Signals, age_weight, assess};
use serde_json::{Value, json};

use super::{SELLER_API, assert_consistent, json};
use crate::helpers::{TestApp, fixture};
use crate::takedowns::report;

#[tokio::test]
async fn reputation_growth_in_sql_halves_with_the_half_life_the_domain_uses() {
    let app = TestApp::spawn().await;
    for days in [
        0.0,
        1.0,
        30.5,
        200.0,
        HALF_LIFE_DAYS,
        2.0 * HALF_LIFE_DAYS,
        3650.0,
    ] {
        let (ratio, per_half_life): (f64, f64) = sqlx::query_as(
            "select reputation_growth(t - make_interval(secs => $1 * 86400))
                        / reputation_growth(t),
                    reputation_growth(t + make_interval(secs => $2 * 86400))
                        / reputation_growth(t)
             from (select now() as t) now",
        )
        .bind(days)
        .bind(HALF_LIFE_DAYS)
        .fetch_one(&app.db)
        .await
        .expect("growth");
        let expected = age_weight(days);
        assert!(
            (ratio - expected).abs() <= 1e-12 * expected,
            "{days} days: SQL {ratio}, domain {expected}"
        );
        assert!((per_half_life - 2.0).abs() < 1e-12, "{per_half_life}");
    }
}

/// A reporter in the seller test below: the ages in days of their reports, whether they
/// confirm their address, and what a moderator and the evidence add.
struct Reporter {
    email: &'static str,
    ages: &'static [f64],
    confirms: bool,
    verified: bool,
    evidence: bool,
}

const REPORTERS: [Reporter; 6] = [
    Reporter {
        email: "today@example.com",
        ages: &[0.0],
        confirms: true,
        verified: false,
        evidence: false,
    },
    Reporter {
        email: "spring@example.com",
        ages: &[200.0],
        confirms: true,
        verified: false,
        evidence: true,
    },
    Reporter {
        email: "twice@example.com",
        ages: &[900.0, 400.0],
        confirms: true,
        verified: false,
        evidence: false,
    },
    Reporter {
        email: "silent@example.com",
        ages: &[10.0],
        confirms: false,
        verified: false,
        evidence: false,
    },
    Reporter {
        email: "checked@example.com",
        ages: &[700.0],
        confirms: false,
        verified: true,
        evidence: false,
    },
    Reporter {
        email: "both@example.com",
        ages: &[50.0],
        confirms: true,
        verified: true,
        evidence: false,
    },
];

#[tokio::test]
async fn the_seller_pages_weighted_numbers_are_the_per_report_formulas_for_reports_of_any_age() {
    let app = TestApp::spawn().await;
    let ana = app.moderator("ana@example.org", false).await;
    let mut listing = 0;
    let mut expected = Signals::default();
    let (mut last_30, mut last_365) = (0, 0);
    for reporter in &REPORTERS {
        for &age in reporter.ages {
            listing += 1;
            let body = report(listing, "Acme", reporter.email);
            let filed = if reporter.evidence {
                let photo = [("screenshot.png", fixture("screenshot.png"))];
                let answer = app.post_report_multipart(&body, &photo).await;
                assert_eq!(answer.status(), 201);
                answer.json::<Value>().await.expect("receipt")
            } else {
                let answer = app.post_report_json(&body).await;
                assert_eq!(answer.status(), 201);
                answer.json::<Value>().await.expect("receipt")
            };
            let id = filed["id"].as_str().expect("id");
            if reporter.verified {
                let answer = ana
                    .post(
                        &format!("/moderation/reports/{id}/verify"),
                        &[("back", "/moderation")],
                    )
                    .await;
                assert_eq!(answer.status(), 303);
            }
            // The API cannot backdate: the report is made older where it is stored.
            sqlx::query(
                "update report set created_at = now() - make_interval(secs => $1 * 86400)
                 where public_id = $2",
            )
            .bind(age)
            .bind(id)
            .execute(&app.db)
            .await
            .expect("backdate");
            expected.reports += 1;
            last_30 += i64::from(age < 30.0);
            last_365 += i64::from(age < 365.0);
        }
        if reporter.confirms {
            app.confirm_address(reporter.email).await;
        }
        // Per reporter: the latest counting report's weight.
        let latest = reporter.ages.iter().copied().fold(f64::INFINITY, f64::min);
        expected.distinct_reporters += 1;
        if reporter.confirms || reporter.verified {
            expected.confirmed_reporters += 1;
            expected.weighted_reporters += age_weight(latest);
            expected.reporters_with_evidence += u64::from(reporter.evidence);
        }
        if reporter.verified {
            expected.verified_reports += reporter.ages.len() as u64;
            expected.weighted_verified_reporters += age_weight(latest);
        }
    }
    assert_consistent(&app, "filing, confirming, verifying and backdating").await;

    let seller = json(&app, SELLER_API).await;
    let counts = &seller["counts"];
    assert_eq!(counts["reports"], expected.reports, "{seller}");
    assert_eq!(counts["verified"], expected.verified_reports);
    assert_eq!(counts["distinct_reporters"], expected.distinct_reporters);
    assert_eq!(counts["confirmed_reporters"], expected.confirmed_reporters);
    assert_eq!(counts["last_30_days"], last_30);
    assert_eq!(counts["last_365_days"], last_365);

    // The summaries' weighted sums, as the page's statement reads them, against the formula.
    let mut conn = app.db.acquire().await.expect("connection");
    let page =
        fakewatch::db::seller_page::load(&mut conn, Marketplace::AliExpress, "1102345678", 0)
            .await
            .expect("page")
            .expect("the seller");
    let close = |got: f64, want: f64| (got - want).abs() <= 1e-6 * want.max(1.0);
    assert!(
        close(page.weighted_reporters, expected.weighted_reporters),
        "weighted reporters: summaries {}, formula {}",
        page.weighted_reporters,
        expected.weighted_reporters
    );
    assert!(
        close(
            page.weighted_verified_reporters,
            expected.weighted_verified_reporters
        ),
        "weighted verified: summaries {}, formula {}",
        page.weighted_verified_reporters,
        expected.weighted_verified_reporters
    );
    assert_eq!(page.reporters_with_evidence, 1);

    // And what the API shows is the model's verdict on the formula's numbers.
    let verdict = assess(&expected);
    let reputation = &seller["reputation"];
    assert_eq!(reputation["label"], verdict.label.as_str(), "{reputation}");
    let shown = reputation["report_confidence"]
        .as_f64()
        .expect("confidence");
    assert!(
        (shown - verdict.report_confidence).abs() <= 0.0005 + 1e-9,
        "API {shown}, formula {}",
        verdict.report_confidence
    );
    assert_eq!(reputation["explanation"], json!(verdict.explanation));
}
