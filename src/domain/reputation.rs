//! A seller's reputation: what buyers' reports and what brand owners and marketplaces did, kept
//! as two separate numbers, a plain label, and the sentences that explain them.
//!
//! The model is written down for the public and for sellers in `docs/reputation.md`; a change
//! to a constant or a rule here is a change there. Pages, the API and exports all call
//! [`assess`], so everyone sees the same verdict for the same data.
//!
//! Reports are suspicions. The model is built so that one report, or one person filing many,
//! is never a verdict: it counts distinct reporters, lets old reports fade, and starts every
//! seller with a benefit of the doubt ([`PRIOR_REPORTERS`]). Only a brand owner's confirmation
//! gives the strongest label.

/// Days after which a report counts half as much: a year, so that last season's reports still
/// matter but a seller who cleaned up (or changed hands) is not marked forever.
pub const HALF_LIFE_DAYS: f64 = 365.0;
/// The benefit of the doubt every seller starts with, in recent unverified reporters: the
/// seller counts as "more likely not" until the weighted reports outweigh it.
pub const PRIOR_REPORTERS: f64 = 3.0;
/// How much a reporter with a moderator-verified report counts, against 1 for an unverified one.
/// Verification says the evidence supports the report, not that the item is fake.
pub const VERIFIED_WEIGHT: f64 = 2.5;
/// What attached evidence adds to a reporter's weight: a little, because anyone can upload a
/// photo, but it makes a report checkable.
pub const EVIDENCE_BONUS: f64 = 0.25;
/// "Repeated reports" needs at least this many different reporters...
pub const REPEATED_MIN_REPORTERS: u64 = 2;
/// ...and report confidence (or the outcome score) of at least this much.
pub const REPEATED_MIN_SCORE: f64 = 0.5;
/// Weight of a listing the brand owner confirmed as counterfeit, in the outcome score.
pub const CONFIRMED_WEIGHT: f64 = 2.0;
/// Weight of a listing the marketplace removed: marketplaces rarely say why, so it is a hint.
pub const REMOVED_WEIGHT: f64 = 0.5;
/// Weight, in the seller's favour, of a reported listing the brand owner declared genuine: the
/// brand owner's word counts the same both ways.
pub const GENUINE_WEIGHT: f64 = 2.0;
/// The outcome score's benefit of the doubt, so that a lone removal is not a verdict either.
pub const OUTCOME_PRIOR: f64 = 1.0;

/// Aggregates the SQL layer computes for one seller, excluding rejected and withdrawn reports.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Signals {
    /// Live reports (unverified or verified).
    pub reports: u64,
    /// Distinct reporter fingerprints among the live reports.
    pub distinct_reporters: u64,
    /// Distinct reporters who count: they confirmed their email address for a live report, or
    /// a moderator verified one. Only these move the numbers and the label; anyone can type
    /// fifty made-up addresses.
    pub confirmed_reporters: u64,
    /// Σ over confirmed reporters of the age weight of that reporter's most recent counting
    /// report (see [`age_weight`]); the SQL computes this with the same half-life constant.
    pub weighted_reporters: f64,
    /// Live reports a moderator verified.
    pub verified_reports: u64,
    /// Distinct reporters with at least one verified report, age-weighted likewise (by their
    /// most recent verified report).
    pub weighted_verified_reporters: f64,
    /// Confirmed reporters with at least one evidence file on a counting report.
    pub reporters_with_evidence: u64,
    /// Listings whose rights holder recorded the outcome `confirmed_counterfeit`.
    pub confirmed_listings: u64,
    /// Listings with the outcome `removed` (by the marketplace).
    pub removed_listings: u64,
    /// Listings with the outcome `genuine`: the brand owner disputes the reports on them.
    pub genuine_listings: u64,
}

/// Weight of a report `age_days` old: 1.0 today, 0.5 after [`HALF_LIFE_DAYS`], 0.25 after twice
/// that, …; never negative. An age below 0 (clock skew) counts as 0; an age that is not a
/// number counts as infinitely old, so a broken date can only help the seller.
pub fn age_weight(age_days: f64) -> f64 {
    if age_days.is_nan() {
        return 0.0;
    }
    (-age_days.max(0.0) / HALF_LIFE_DAYS).exp2()
}

/// The public label. [`Label::ALL`] lists them by severity; `docs/reputation.md` has the rules.
/// Its slug is the variant's name in snake case.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::Display,
    strum::VariantArray,
)]
#[strum(serialize_all = "snake_case")]
pub enum Label {
    /// No live reports.
    NoReports,
    /// Reports, but too few, too old, too weak or not confirmed, to show a pattern.
    SomeUnverifiedReports,
    /// Several different confirmed reporters, enough to outweigh the benefit of the doubt.
    RepeatedReports,
    /// A brand owner confirmed at least one listing as counterfeit.
    ConfirmedCounterfeits,
    /// A brand owner declared reported listings genuine and confirmed none as counterfeit.
    Disputed,
}

impl Label {
    /// Every label, in order of severity (ties in declaration order). Written out, unlike
    /// the other enums' `ALL`, because this order is not the declaration order.
    pub const ALL: [Label; 5] = [
        Label::NoReports,
        Label::SomeUnverifiedReports,
        Label::Disputed,
        Label::RepeatedReports,
        Label::ConfirmedCounterfeits,
    ];

    /// Stable slug for the API, exports and CSS classes. Never change one: clients store them.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The label as shown to people.
    pub fn title(self) -> &'static str {
        match self {
            Label::NoReports => "No reports",
            Label::SomeUnverifiedReports => "Some unconfirmed reports",
            Label::RepeatedReports => "Repeated reports",
            Label::ConfirmedCounterfeits => "Confirmed counterfeits",
            Label::Disputed => "Reports disputed by the brand",
        }
    }

    /// One plain sentence saying what the label means.
    pub fn summary(self) -> &'static str {
        match self {
            Label::NoReports => "Nobody has a live report against this seller.",
            Label::SomeUnverifiedReports => {
                "Buyers reported this seller, but too few who confirmed who they are, or too \
                 long ago, to show a pattern; reports are suspicions, not proof."
            }
            Label::RepeatedReports => {
                "Several different buyers who confirmed their email address reported this seller \
                 recently enough to count; these are still reports, not a brand owner's \
                 confirmation."
            }
            Label::ConfirmedCounterfeits => {
                "A brand owner confirmed at least one of this seller's listings as counterfeit."
            }
            Label::Disputed => {
                "Buyers reported this seller, but the brand owner declared reported listings \
                 genuine and has confirmed none as counterfeit."
            }
        }
    }

    /// 0 (nothing) ..= 3 (confirmed), for styling. "Disputed" ranks with "Some unconfirmed
    /// reports": something was reported, and the brand owner answered it.
    pub fn severity(self) -> u8 {
        match self {
            Label::NoReports => 0,
            Label::SomeUnverifiedReports | Label::Disputed => 1,
            Label::RepeatedReports => 2,
            Label::ConfirmedCounterfeits => 3,
        }
    }
}

/// A seller's assessment: the label, the two numbers behind it, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Reputation {
    pub label: Label,
    /// 0.0..=1.0: how strongly buyers' reports point to counterfeits, after the prior.
    pub report_confidence: f64,
    /// 0.0..=1.0: how strongly outcomes (brand owners, marketplaces) point to counterfeits.
    pub outcome_score: f64,
    /// Plain sentences for the "how is this computed" box, most important first.
    pub explanation: Vec<String>,
}

/// Assesses a seller. Total: any input, including NaN, infinite or inconsistent aggregates,
/// gives a label and two finite numbers in 0.0..=1.0.
///
/// `reports` and `verified_reports` only feed the explanation: the numbers and the label depend
/// on distinct reporters, so filing more reports never moves them.
pub fn assess(signals: &Signals) -> Reputation {
    let c = Clean::from(signals);
    let report_confidence = c.report_confidence();
    let outcome_score = c.outcome_score();
    let label = if c.confirmed > 0 {
        Label::ConfirmedCounterfeits
    } else if c.everyone == 0 {
        Label::NoReports
    } else if c.genuine > 0 && c.genuine >= c.removed {
        Label::Disputed
    } else if c.reporters >= REPEATED_MIN_REPORTERS
        && (reaches(report_confidence, REPEATED_MIN_SCORE)
            || reaches(outcome_score, REPEATED_MIN_SCORE))
    {
        Label::RepeatedReports
    } else {
        Label::SomeUnverifiedReports
    };
    Reputation {
        label,
        report_confidence,
        outcome_score,
        explanation: explain(signals, &c, report_confidence),
    }
}

/// Whether `score` reaches `threshold` as people read it: in whole percent, as pages show it.
/// Three buyers who reported a minute ago weigh 2.99999…, not 3; the page says 50 %, and so
/// must the rule that reads it.
fn reaches(score: f64, threshold: f64) -> bool {
    (score * 100.0).round() >= (threshold * 100.0).round()
}

/// Signals made consistent: weights finite, within 0..=their counts, verified within all.
/// The SQL produces consistent numbers; this makes `assess` total when it does not.
#[derive(Debug, Clone, Copy)]
struct Clean {
    /// Every distinct reporter, confirmed or not.
    everyone: u64,
    /// The reporters who count (confirmed or verified).
    reporters: u64,
    weighted: f64,
    weighted_verified: f64,
    with_evidence: f64,
    confirmed: u64,
    removed: u64,
    genuine: u64,
}

impl From<&Signals> for Clean {
    fn from(s: &Signals) -> Self {
        // A reporter who counts is a reporter.
        let reporters = s.confirmed_reporters;
        let everyone = s.distinct_reporters.max(reporters);
        // u64 → f64 rounds above 2^53; harmless for a count of people.
        let weighted = clamp_or_zero(s.weighted_reporters, reporters as f64);
        Clean {
            everyone,
            reporters,
            weighted,
            weighted_verified: clamp_or_zero(s.weighted_verified_reporters, weighted),
            with_evidence: s.reporters_with_evidence.min(reporters) as f64,
            confirmed: s.confirmed_listings,
            removed: s.removed_listings,
            genuine: s.genuine_listings,
        }
    }
}

/// `x` limited to 0.0..=max, with NaN as 0 (a weight we cannot read does not count).
fn clamp_or_zero(x: f64, max: f64) -> f64 {
    if x.is_nan() { 0.0 } else { x.clamp(0.0, max) }
}

impl Clean {
    /// Buyers' reports in "recent unverified reporter" units: every reporter counts their age
    /// weight, a verified one `VERIFIED_WEIGHT` times that, plus `EVIDENCE_BONUS` for each
    /// reporter with evidence. The SQL gives evidence as a plain count, so it is capped by the
    /// age-weighted reporters: evidence on old reports cannot count as new.
    fn report_mass(&self) -> f64 {
        self.weighted
            + (VERIFIED_WEIGHT - 1.0) * self.weighted_verified
            + EVIDENCE_BONUS * self.with_evidence.min(self.weighted)
    }

    /// `mass / (mass + prior)`, written as `1 - prior / (prior + mass)` because that form is
    /// monotone even after floating-point rounding, and exactly 0 with no reports.
    fn report_confidence(&self) -> f64 {
        1.0 - PRIOR_REPORTERS / (PRIOR_REPORTERS + self.report_mass())
    }

    /// Confirmations and removals against the prior plus the listings declared genuine.
    fn outcome_score(&self) -> f64 {
        let against =
            CONFIRMED_WEIGHT * self.confirmed as f64 + REMOVED_WEIGHT * self.removed as f64;
        let favour = OUTCOME_PRIOR + GENUINE_WEIGHT * self.genuine as f64;
        (1.0 - favour / (favour + against)).clamp(0.0, 1.0)
    }
}

/// The sentences of the "how is this computed" box: outcomes first (they are decisions),
/// then who reported, then how the reports were weighed.
fn explain(s: &Signals, c: &Clean, report_confidence: f64) -> Vec<String> {
    let mut out = Vec::new();
    if c.confirmed > 0 {
        out.push(format!(
            "The brand owner confirmed {} as counterfeit.",
            count(c.confirmed, "listing", "listings")
        ));
    }
    if c.genuine > 0 {
        out.push(format!(
            "The brand owner declared {} genuine: the reports on {} are disputed, and this \
             counts in the seller's favour.",
            count(c.genuine, "reported listing", "reported listings"),
            if c.genuine == 1 { "it" } else { "them" }
        ));
    }
    if c.removed > 0 {
        out.push(format!(
            "The marketplace removed {}. Marketplaces rarely say why, so this counts for less \
             than a brand owner's confirmation.",
            count(c.removed, "reported listing", "reported listings")
        ));
    }
    if c.everyone == 0 {
        out.push("No buyer has a live report against this seller.".to_owned());
    } else {
        explain_reports(s, c, report_confidence, &mut out);
    }
    out.push(
        "Reports rejected by a moderator or withdrawn by their author are not counted.".into(),
    );
    out
}

fn explain_reports(s: &Signals, c: &Clean, report_confidence: f64, out: &mut Vec<String>) {
    let buyers = if c.everyone == 1 {
        "1 buyer".to_owned()
    } else {
        format!("{} different buyers", c.everyone)
    };
    out.push(format!("{buyers} reported this seller."));
    if s.reports > c.everyone {
        out.push(format!(
            "{} came from {}: each buyer counts once, however many reports they file.",
            count(s.reports, "report", "reports"),
            count(c.everyone, "buyer", "buyers")
        ));
    }
    let unconfirmed = c.everyone - c.reporters;
    if unconfirmed > 0 {
        let who = match (unconfirmed, c.everyone) {
            (1, 1) => "This buyer has not".to_owned(),
            (n, m) if n == m => format!("None of the {m} buyers has"),
            (1, m) => format!("1 of the {m} buyers has not"),
            (n, m) => format!("{n} of the {m} buyers have not"),
        };
        out.push(format!(
            "{who} confirmed an email address, and no moderator has verified {} yet: such \
             reports are shown but not counted, because anyone can type made-up addresses.",
            if unconfirmed == 1 {
                "their report"
            } else {
                "their reports"
            }
        ));
    }
    if s.verified_reports > 0 {
        out.push(format!(
            "{} verified by a moderator, who checked that the evidence supports {}.",
            count(s.verified_reports, "report was", "reports were"),
            if s.verified_reports == 1 {
                "it"
            } else {
                "them"
            }
        ));
    } else {
        out.push("No report has been verified by a moderator yet.".to_owned());
    }
    let with_evidence = s.reporters_with_evidence.min(c.reporters);
    if with_evidence > 0 {
        // "confirmed" only where some buyers are not.
        let kind = if unconfirmed > 0 { "confirmed " } else { "" };
        let who = match (with_evidence, c.reporters) {
            (_, 1) => format!("The {kind}buyer"),
            (2, 2) => format!("Both {kind}buyers"),
            (e, n) if e == n => format!("All {n} {kind}buyers"),
            (e, n) => format!("{e} of the {n} {kind}buyers"),
        };
        out.push(format!(
            "{who} attached evidence, which counts a little more."
        ));
    }
    // One decimal is what the sentence shows; below that the difference is not worth a line.
    if c.reporters > 0 && c.reporters as f64 - c.weighted >= 0.05 {
        out.push(format!(
            "Older reports count for less: a report's weight halves every {HALF_LIFE_DAYS:.0} \
             days, so {} count as {:.1}.",
            match (c.reporters, unconfirmed) {
                (1, 0) => "this buyer",
                (1, _) => "the confirmed buyer",
                (_, 0) => "these buyers",
                _ => "the confirmed buyers",
            },
            c.weighted
        ));
    }
    out.push(format!(
        "One report is not a verdict: every seller starts with a benefit of the doubt worth \
         {PRIOR_REPORTERS:.0} recent reports, which puts report confidence at {:.0}%.",
        report_confidence * 100.0
    ));
}

/// "1 listing", "3 listings".
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests;
