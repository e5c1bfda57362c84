//! Property-style checks without dependencies: every rule over a grid of consistent inputs.

use super::*;

/// Property-style: over a grid of inputs, the numbers stay in bounds and move the right way.
#[test]
fn bounds_and_monotonicity_hold_over_a_grid() {
    let mut checked = 0;
    for s in grid() {
        let r = assess(&s);
        for x in [r.report_confidence, r.outcome_score] {
            assert!(x.is_finite() && (0.0..=1.0).contains(&x), "{s:?}");
        }
        let at_least = |t: Signals, why: &str| {
            let q = assess(&t);
            assert!(q.report_confidence >= r.report_confidence, "{why}: {s:?}");
            assert!(q.outcome_score >= r.outcome_score, "{why}: {s:?}");
            assert!(q.label.severity() >= r.label.severity(), "{why}: {s:?}");
        };
        for w in [0.0, 0.1, 1.0] {
            let more = Signals {
                distinct_reporters: s.distinct_reporters + 1,
                confirmed_reporters: s.confirmed_reporters + 1,
                weighted_reporters: s.weighted_reporters + w,
                ..s
            };
            at_least(more, "another confirmed reporter");
            if s.confirmed_reporters < s.distinct_reporters {
                let confirms = Signals {
                    confirmed_reporters: s.confirmed_reporters + 1,
                    weighted_reporters: s.weighted_reporters + w,
                    ..s
                };
                at_least(confirms, "an address confirmed");
            }
        }
        let unconfirmed = assess(&Signals {
            reports: s.reports + 1,
            distinct_reporters: s.distinct_reporters + 1,
            ..s
        });
        assert_eq!(
            (unconfirmed.report_confidence, unconfirmed.outcome_score),
            (r.report_confidence, r.outcome_score),
            "an unconfirmed reporter moves no number: {s:?}"
        );
        if r.label != Label::NoReports {
            assert_eq!(unconfirmed.label, r.label, "nor the label: {s:?}");
        }
        let spare = s.weighted_reporters - s.weighted_verified_reporters;
        let verified = Signals {
            weighted_verified_reporters: s.weighted_verified_reporters + spare.min(0.5),
            ..s
        };
        at_least(verified, "a verification");
        let evidence = Signals {
            reporters_with_evidence: s.reporters_with_evidence + 1,
            ..s
        };
        at_least(evidence, "evidence");
        let confirmed = Signals {
            confirmed_listings: s.confirmed_listings + 1,
            ..s
        };
        at_least(confirmed, "a confirmation");
        assert_eq!(assess(&confirmed).label, Label::ConfirmedCounterfeits);
        let removed = Signals {
            removed_listings: s.removed_listings + 1,
            ..s
        };
        at_least(removed, "a removal");

        let genuine = assess(&Signals {
            genuine_listings: s.genuine_listings + 1,
            ..s
        });
        assert!(genuine.outcome_score <= r.outcome_score, "genuine: {s:?}");
        assert!(
            genuine.label.severity() <= r.label.severity(),
            "genuine: {s:?}"
        );
        let older = assess(&Signals {
            weighted_reporters: s.weighted_reporters * 0.5,
            ..s
        });
        assert!(
            older.report_confidence <= r.report_confidence,
            "older: {s:?}"
        );

        let spam = assess(&Signals {
            reports: s.reports * 10 + 40,
            verified_reports: s.verified_reports * 10,
            ..s
        });
        assert_eq!(
            (spam.label, spam.report_confidence, spam.outcome_score),
            (r.label, r.report_confidence, r.outcome_score),
            "spam: {s:?}"
        );
        checked += 1;
    }
    assert!(checked > 5_000, "{checked}");
}

/// Consistent signals: weights within counts, verified within all, some reporters who never
/// confirmed, a few outcomes.
fn grid() -> impl Iterator<Item = Signals> {
    let mut out = Vec::new();
    for n in 0..=5u64 {
        for freshness in [0.0, 0.3, 0.7, 1.0] {
            let weighted = n as f64 * freshness;
            for verified_share in [0.0, 0.5, 1.0] {
                for (evidence, unconfirmed) in (0..=n).flat_map(|e| [(e, 0), (e, 2)]) {
                    for confirmed in 0..=2 {
                        for removed in 0..=3 {
                            for genuine in 0..=2 {
                                out.push(Signals {
                                    reports: n + unconfirmed,
                                    distinct_reporters: n + unconfirmed,
                                    confirmed_reporters: n,
                                    weighted_reporters: weighted,
                                    verified_reports: (verified_share * n as f64).ceil() as u64,
                                    weighted_verified_reporters: weighted * verified_share,
                                    reporters_with_evidence: evidence,
                                    confirmed_listings: confirmed,
                                    removed_listings: removed,
                                    genuine_listings: genuine,
                                });
                            }
                        }
                    }
                }
            }
        }
    }
    out.into_iter()
}
