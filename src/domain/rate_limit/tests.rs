use super::*;

fn hits(current: i64, previous: i64, elapsed: f64) -> Hits {
    Hits {
        current,
        previous,
        elapsed,
    }
}

fn retry_after(verdict: Verdict) -> u64 {
    match verdict {
        Verdict::Refused { retry_after } => retry_after,
        Verdict::Allowed => panic!("expected a refusal"),
    }
}

#[test]
fn up_to_the_limit_is_allowed_in_a_fresh_window() {
    for n in 1..=30 {
        assert_eq!(
            judge(Bucket::Reports, 30, hits(n, 0, 100.0)),
            Verdict::Allowed
        );
    }
    assert!(matches!(
        judge(Bucket::Reports, 30, hits(31, 0, 100.0)),
        Verdict::Refused { .. }
    ));
}

#[test]
fn the_previous_window_counts_for_the_part_still_within_the_hour() {
    // 30 reports in the previous hour; 15 minutes into this one, three quarters of them are
    // still "in the last hour": 22.5, so 7 more are allowed and the 8th is not.
    for n in 1..=7 {
        assert_eq!(
            judge(Bucket::Reports, 30, hits(n, 30, 900.0)),
            Verdict::Allowed,
            "{n}"
        );
    }
    assert!(matches!(
        judge(Bucket::Reports, 30, hits(8, 30, 900.0)),
        Verdict::Refused { .. }
    ));
}

#[test]
fn a_burst_across_the_boundary_is_not_twice_the_limit() {
    // 30 at the end of the previous hour: a minute into the next, almost nothing is allowed.
    let allowed = (1..=30)
        .take_while(|n| judge(Bucket::Reports, 30, hits(*n, 30, 60.0)) == Verdict::Allowed)
        .count();
    assert!(allowed <= 1, "{allowed} allowed right after the boundary");
}

#[test]
fn retry_after_within_the_window_is_when_enough_has_slid_out() {
    // Limit 30, previous window 30, this one 8 (refused) at 15 minutes. The next attempt is
    // the 9th: 9 + 30 × (3600 − t) / 3600 ≤ 30 when t ≥ 3600 × 9 / 30 = 1080 s, 180 s from now.
    let wait = retry_after(judge(Bucket::Reports, 30, hits(8, 30, 900.0)));
    assert_eq!(wait, 180);
    // And then it is indeed allowed.
    assert_eq!(
        judge(Bucket::Reports, 30, hits(9, 30, 900.0 + wait as f64)),
        Verdict::Allowed
    );
    assert!(matches!(
        judge(Bucket::Reports, 30, hits(9, 30, 900.0 + wait as f64 - 2.0)),
        Verdict::Refused { .. }
    ));
}

#[test]
fn retry_after_in_the_next_window_when_this_one_is_full() {
    // 31 attempts (the last refused) 48 minutes into the hour. In the next hour this one's 31
    // weigh (3600 − t) / 3600: 1 + 31 × (3600 − t) / 3600 ≤ 30 from t = 3600 × 2 / 31 ≈ 233 s.
    let wait = retry_after(judge(Bucket::Reports, 30, hits(31, 0, 2880.0)));
    assert_eq!(wait, 720 + 233);
    assert_eq!(
        judge(
            Bucket::Reports,
            30,
            hits(1, 31, wait as f64 - 720.0 /* into the next window */)
        ),
        Verdict::Allowed
    );
}

#[test]
fn retry_after_is_never_zero_nor_longer_than_two_windows() {
    for current in 1..200 {
        for previous in [0, 1, 29, 30, 31, 500] {
            for elapsed in [0.0, 0.4, 30.0, 59.9] {
                if let Verdict::Refused { retry_after } =
                    judge(Bucket::Searches, 30, hits(current, previous, elapsed))
                {
                    assert!(
                        (1..=120).contains(&retry_after),
                        "{current} {previous} {elapsed}: {retry_after}"
                    );
                }
            }
        }
    }
}

#[test]
fn hammering_past_the_limit_keeps_a_client_out_longer() {
    let polite = retry_after(judge(Bucket::Searches, 120, hits(121, 0, 30.0)));
    let hammering = retry_after(judge(Bucket::Searches, 120, hits(5000, 0, 30.0)));
    assert!(hammering > polite, "{hammering} vs {polite}");
}

#[test]
fn a_limit_of_zero_turns_the_limit_off() {
    assert_eq!(
        judge(Bucket::Reports, 0, hits(1_000_000, 1_000_000, 1.0)),
        Verdict::Allowed
    );
}

#[test]
fn messages_say_how_long_to_wait() {
    let refused = RateLimited {
        bucket: Bucket::Reports,
        limit: 30,
        retry_after: 690,
    };
    assert_eq!(
        refused.to_string(),
        "You have filed 30 reports in the last hour from this network, the most we accept. \
         Nothing was saved; please try again in 12 minutes."
    );
    let refused = RateLimited {
        bucket: Bucket::Searches,
        limit: 120,
        retry_after: 1,
    };
    assert!(refused.to_string().ends_with("try again in 1 second."));
    assert_eq!(human_wait(0), "1 second");
    assert_eq!(human_wait(59), "59 seconds");
    assert_eq!(human_wait(60), "1 minute");
    assert_eq!(human_wait(61), "2 minutes");
    assert_eq!(human_wait(7200), "120 minutes");
}

#[test]
fn bucket_names_are_the_stored_ones() {
    let names: Vec<&str> = <Bucket as strum::VariantArray>::VARIANTS
        .iter()
        .map(|b| b.as_str())
        .collect();
    assert_eq!(
        names,
        ["reports", "searches", "login-account", "login-client"]
    );
}
