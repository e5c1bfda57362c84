use super::*;

/// `n` different buyers who confirmed their address, one unverified report each, all filed
/// today.
fn buyers(n: u64) -> Signals {
    Signals {
        reports: n,
        distinct_reporters: n,
        confirmed_reporters: n,
        weighted_reporters: n as f64,
        ..Signals::default()
    }
}

/// One unverified report per buyer, filed `ages` days ago.
fn buyers_aged(ages: &[f64]) -> Signals {
    let n = ages.len() as u64;
    Signals {
        weighted_reporters: ages.iter().map(|&a| age_weight(a)).sum(),
        ..buyers(n)
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn a_seller_nobody_reported_has_no_reports() {
    let r = assess(&Signals::default());
    assert_eq!(r.label, Label::NoReports);
    assert_eq!(r.report_confidence, 0.0);
    assert_eq!(r.outcome_score, 0.0);
    assert!(r.explanation[0].contains("No buyer"));
}

#[test]
fn one_report_is_not_a_verdict() {
    let r = assess(&buyers(1));
    assert_eq!(r.label, Label::SomeUnverifiedReports);
    assert!(close(r.report_confidence, 0.25), "{}", r.report_confidence);
}

#[test]
fn one_reporter_can_never_reach_repeated_reports() {
    // The strongest a single person can be: verified, with evidence, today, and backed by
    // removals (which alone would tip two buyers into "Repeated reports").
    let one = Signals {
        weighted_verified_reporters: 1.0,
        verified_reports: 1,
        reporters_with_evidence: 1,
        removed_listings: 5,
        ..buyers(1)
    };
    let r = assess(&one);
    assert_eq!(r.label, Label::SomeUnverifiedReports);
    assert!(r.report_confidence < REPEATED_MIN_SCORE);
}

#[test]
fn many_reports_from_one_reporter_count_once() {
    let once = assess(&buyers(1));
    let spam = assess(&Signals {
        reports: 50,
        ..buyers(1)
    });
    assert_eq!(spam.label, once.label);
    assert_eq!(spam.report_confidence, once.report_confidence);
    assert_eq!(spam.outcome_score, once.outcome_score);
    assert!(
        spam.explanation
            .iter()
            .any(|l| l.starts_with("50 reports came from 1 buyer"))
    );
}

#[test]
fn two_recent_buyers_are_not_yet_repeated_reports() {
    let r = assess(&buyers(2));
    assert_eq!(r.label, Label::SomeUnverifiedReports);
    assert!(close(r.report_confidence, 0.4));
}

#[test]
fn three_recent_buyers_are_repeated_reports() {
    let r = assess(&buyers(3));
    assert_eq!(r.label, Label::RepeatedReports);
    assert!(close(r.report_confidence, 0.5));
    assert_eq!(r.explanation[0], "3 different buyers reported this seller.");
}

#[test]
fn more_distinct_reporters_raise_confidence() {
    let mut last = 0.0;
    for n in 0..50 {
        let c = assess(&buyers(n)).report_confidence;
        assert!(c >= last && c < 1.0, "{n} buyers: {c}");
        last = c;
    }
}

#[test]
fn verified_reports_weigh_more_than_unverified() {
    let unverified = assess(&buyers(2));
    let verified = assess(&Signals {
        verified_reports: 1,
        weighted_verified_reporters: 1.0,
        ..buyers(2)
    });
    assert!(verified.report_confidence > unverified.report_confidence);
    assert_eq!(verified.label, Label::RepeatedReports);
    assert!(
        verified.explanation.contains(
            &"1 report was verified by a moderator, who checked that the evidence supports it."
                .to_owned()
        )
    );
}

#[test]
fn evidence_counts_a_little_more_than_none() {
    let without = assess(&buyers(2)).report_confidence;
    let with = assess(&Signals {
        reporters_with_evidence: 2,
        ..buyers(2)
    })
    .report_confidence;
    let verified = assess(&Signals {
        weighted_verified_reporters: 2.0,
        ..buyers(2)
    })
    .report_confidence;
    assert!(
        without < with && with < verified,
        "{without} {with} {verified}"
    );
    let lines = |e: u64| {
        assess(&Signals {
            reporters_with_evidence: e,
            ..buyers(3)
        })
        .explanation
    };
    let said = |e: u64, line: &str| lines(e).iter().any(|l| l == line);
    assert!(said(
        1,
        "1 of the 3 buyers attached evidence, which counts a little more."
    ));
    assert!(said(
        3,
        "All 3 buyers attached evidence, which counts a little more."
    ));
    assert!(!lines(0).iter().any(|l| l.contains("evidence,")));
}

#[test]
fn evidence_on_old_reports_cannot_count_as_new() {
    let old = Signals {
        reporters_with_evidence: 4,
        ..buyers_aged(&[3.0 * HALF_LIFE_DAYS; 4])
    };
    // Four reports three half-lives old weigh 0.5 in all; the evidence bonus is capped by it.
    let expected_mass = 0.5 + EVIDENCE_BONUS * 0.5;
    let expected = expected_mass / (expected_mass + PRIOR_REPORTERS);
    assert!(close(assess(&old).report_confidence, expected));
}

#[test]
fn old_reports_count_for_less() {
    let recent = assess(&buyers(4));
    let old = assess(&buyers_aged(&[2.0 * HALF_LIFE_DAYS; 4]));
    assert_eq!(recent.label, Label::RepeatedReports);
    assert_eq!(old.label, Label::SomeUnverifiedReports);
    assert!(old.report_confidence < recent.report_confidence);
    assert!(old.explanation.iter().any(|l| l.starts_with(
        "Older reports count for less: a report's weight halves every 365 days, so these buyers \
         count as 1.0."
    )));
    assert!(!recent.explanation.iter().any(|l| l.starts_with("Older")));
}

#[test]
fn age_weight_halves_every_half_life() {
    assert_eq!(age_weight(0.0), 1.0);
    assert!(close(age_weight(HALF_LIFE_DAYS), 0.5));
    assert!(close(age_weight(2.0 * HALF_LIFE_DAYS), 0.25));
    assert!(age_weight(30.0) < 1.0 && age_weight(30.0) > age_weight(31.0));
    assert_eq!(age_weight(-10.0), 1.0, "future dates count as today");
    assert_eq!(age_weight(f64::NAN), 0.0);
    assert_eq!(age_weight(f64::INFINITY), 0.0);
    assert_eq!(age_weight(f64::NEG_INFINITY), 1.0);
    assert!(age_weight(1e9) >= 0.0);
}

#[test]
fn brand_confirmation_gives_confirmed_counterfeits() {
    let one_buyer = Signals {
        confirmed_listings: 1,
        ..buyers(1)
    };
    let r = assess(&one_buyer);
    assert_eq!(r.label, Label::ConfirmedCounterfeits);
    assert!(close(r.outcome_score, 2.0 / 3.0));
    assert_eq!(
        r.explanation[0],
        "The brand owner confirmed 1 listing as counterfeit."
    );
    // Reports the brand owner declared genuine elsewhere do not undo a confirmed fake.
    let mixed = assess(&Signals {
        genuine_listings: 3,
        ..one_buyer
    });
    assert_eq!(mixed.label, Label::ConfirmedCounterfeits);
    assert!(mixed.outcome_score < r.outcome_score);
}

#[test]
fn genuine_outcome_disputes_reports() {
    let reported = Signals {
        removed_listings: 1,
        ..buyers(5)
    };
    assert_eq!(assess(&reported).label, Label::RepeatedReports);
    let disputed = assess(&Signals {
        genuine_listings: 1,
        ..reported
    });
    assert_eq!(disputed.label, Label::Disputed);
    assert_eq!(
        disputed.report_confidence,
        assess(&reported).report_confidence
    );
    assert!(
        disputed.explanation[0].starts_with("The brand owner declared 1 reported listing genuine")
    );
}

#[test]
fn removals_outnumbering_genuine_listings_end_the_dispute() {
    let r = assess(&Signals {
        genuine_listings: 1,
        removed_listings: 2,
        ..buyers(2)
    });
    assert_eq!(r.label, Label::SomeUnverifiedReports);
}

#[test]
fn genuine_outcome_alone_is_not_a_report() {
    let r = assess(&Signals {
        genuine_listings: 2,
        ..Signals::default()
    });
    assert_eq!(r.label, Label::NoReports);
    assert_eq!(r.outcome_score, 0.0);
}

#[test]
fn a_removal_is_a_hint_not_a_confirmation() {
    let removed = assess(&Signals {
        removed_listings: 1,
        ..buyers(1)
    });
    assert_eq!(removed.label, Label::SomeUnverifiedReports);
    assert!(close(removed.outcome_score, 1.0 / 3.0));
    let confirmed = assess(&Signals {
        confirmed_listings: 1,
        ..buyers(1)
    });
    assert!(removed.outcome_score < confirmed.outcome_score);
}

#[test]
fn two_removals_and_two_buyers_are_repeated_reports() {
    let r = assess(&Signals {
        removed_listings: 2,
        ..buyers(2)
    });
    assert!(close(r.outcome_score, 0.5));
    assert_eq!(r.label, Label::RepeatedReports);
}

#[test]
fn confidence_is_bounded_and_never_nan() {
    let weights = [f64::NAN, f64::INFINITY, f64::NEG_INFINITY, -1.0, 0.0, 1e300];
    let counts = [0, 1, u64::MAX];
    for &w in &weights {
        for &wv in &weights {
            for &n in &counts {
                let s = Signals {
                    reports: n,
                    distinct_reporters: n,
                    confirmed_reporters: n,
                    weighted_reporters: w,
                    verified_reports: n,
                    weighted_verified_reporters: wv,
                    reporters_with_evidence: n,
                    confirmed_listings: n,
                    removed_listings: n,
                    genuine_listings: n,
                };
                let r = assess(&s);
                for x in [r.report_confidence, r.outcome_score] {
                    assert!(x.is_finite() && (0.0..=1.0).contains(&x), "{s:?} gave {x}");
                }
            }
        }
    }
}

#[test]
fn inconsistent_weights_are_clamped_to_the_counts() {
    let sane = assess(&Signals {
        weighted_verified_reporters: 2.0,
        reporters_with_evidence: 2,
        ..buyers(2)
    });
    let inflated = assess(&Signals {
        weighted_reporters: 40.0,
        weighted_verified_reporters: 90.0,
        reporters_with_evidence: 7,
        ..buyers(2)
    });
    assert_eq!(sane, inflated);
}

#[test]
fn labels_have_stable_slugs_and_ordered_severities() {
    let slugs: Vec<&str> = Label::ALL.iter().map(|l| l.as_str()).collect();
    assert_eq!(
        slugs,
        [
            "no_reports",
            "some_unverified_reports",
            "disputed",
            "repeated_reports",
            "confirmed_counterfeits"
        ]
    );
    for pair in Label::ALL.windows(2) {
        assert!(pair[0].severity() <= pair[1].severity());
    }
    let mut every: Vec<&str> = <Label as strum::VariantArray>::VARIANTS
        .iter()
        .map(|l| l.as_str())
        .collect();
    let mut listed = slugs.clone();
    every.sort_unstable();
    listed.sort_unstable();
    assert_eq!(listed, every, "ALL lists every label once");
    for label in Label::ALL {
        assert!(label.severity() <= 3);
        assert!(!label.title().is_empty() && label.summary().ends_with('.'));
        assert_eq!(label.to_string(), label.as_str());
    }
}

#[test]
fn every_explanation_says_rejected_and_withdrawn_reports_are_not_counted() {
    for s in [Signals::default(), buyers(3)] {
        let last = assess(&s).explanation.pop();
        assert_eq!(
            last.as_deref(),
            Some("Reports rejected by a moderator or withdrawn by their author are not counted.")
        );
    }
}

/// The worked examples in `docs/reputation.md`: if this fails, update the document too.
#[test]
fn the_documented_examples_hold() {
    let pct = |s: &Signals| (assess(s).report_confidence * 100.0).round();
    let one = buyers(1);
    assert_eq!(
        (assess(&one).label, pct(&one)),
        (Label::SomeUnverifiedReports, 25.0)
    );

    let mut five = buyers_aged(&[30.0, 150.0, 330.0, 500.0, 700.0]);
    five.reporters_with_evidence = 2;
    let r = assess(&five);
    assert!(close((five.weighted_reporters * 100.0).round(), 288.0));
    assert_eq!((r.label, pct(&five)), (Label::RepeatedReports, 53.0));

    let confirmed = Signals {
        confirmed_listings: 1,
        removed_listings: 1,
        ..buyers(2)
    };
    let r = assess(&confirmed);
    assert_eq!(r.label, Label::ConfirmedCounterfeits);
    assert_eq!((r.outcome_score * 100.0).round(), 71.0);
    assert_eq!(pct(&confirmed), 40.0);

    let spammer = Signals {
        reports: 50,
        ..buyers(1)
    };
    assert_eq!(
        (assess(&spammer).label, pct(&spammer)),
        (Label::SomeUnverifiedReports, 25.0)
    );

    let unconfirmed = Signals {
        confirmed_reporters: 0,
        weighted_reporters: 0.0,
        ..buyers(5)
    };
    let r = assess(&unconfirmed);
    assert_eq!(
        (r.label, pct(&unconfirmed)),
        (Label::SomeUnverifiedReports, 0.0)
    );
    assert!(r.explanation.iter().any(|l| l.starts_with(
        "None of the 5 buyers has confirmed an email address, and no moderator has verified \
         their reports yet"
    )));
    let three = Signals {
        confirmed_reporters: 3,
        weighted_reporters: 3.0,
        ..buyers(5)
    };
    let r = assess(&three);
    assert_eq!((r.label, pct(&three)), (Label::RepeatedReports, 50.0));
    assert!(
        r.explanation
            .iter()
            .any(|l| l.starts_with("2 of the 5 buyers have not confirmed an email address"))
    );
}

#[test]
fn thresholds_are_read_in_whole_percent_as_pages_show_them() {
    // Three buyers who reported a minute ago: 2.99999… recent reporters, shown as 50 %.
    let minute = 1.0 / 1440.0;
    let r = assess(&buyers_aged(&[minute, minute, minute]));
    assert!(r.report_confidence < 0.5);
    assert_eq!(r.label, Label::RepeatedReports);
    // 49.4 % is shown as 49 %: not enough.
    let r = assess(&Signals {
        weighted_reporters: 2.93,
        ..buyers(3)
    });
    assert_eq!((r.report_confidence * 100.0).round(), 49.0);
    assert_eq!(r.label, Label::SomeUnverifiedReports);
}

#[test]
fn unconfirmed_reporters_alone_never_go_beyond_some_unconfirmed_reports() {
    for n in [1, 2, 5, 50, 10_000] {
        let r = assess(&Signals {
            reports: n * 3,
            distinct_reporters: n,
            confirmed_reporters: 0,
            // Even if the SQL handed over weights, nobody confirmed: they must not count.
            weighted_reporters: n as f64,
            reporters_with_evidence: n,
            removed_listings: 5,
            ..Signals::default()
        });
        assert_eq!(
            r.label,
            Label::SomeUnverifiedReports,
            "{n} unconfirmed reporters"
        );
        assert_eq!(r.report_confidence, 0.0);
    }
}

#[test]
fn one_confirmed_reporter_among_many_unconfirmed_is_still_one() {
    let r = assess(&Signals {
        reports: 50,
        distinct_reporters: 50,
        confirmed_reporters: 1,
        weighted_reporters: 1.0,
        ..Signals::default()
    });
    assert_eq!(r.label, Label::SomeUnverifiedReports);
    assert!((r.report_confidence - 0.25).abs() < 1e-9);
}

mod properties;
