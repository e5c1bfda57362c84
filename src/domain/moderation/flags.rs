//! Flags the moderation queue raises by itself on a waiting report, each explained in words:
//! a burst of first-time reporters against one seller, many reports from one network, a
//! description nearly identical to another reporter's, and a seller name that contradicts the
//! other reports of the same listing.
//!
//! The database measures ([`Signals`], `db::moderation_queue`); the thresholds below decide.
//! The queue's flag filter asks the database with the same thresholds (bound as parameters),
//! so that a filtered page lists exactly the reports these rules flag.

use strum::VariantArray;

use super::UnknownValue;

/// A burst: this many reports against one seller, or more, from reporters seen for the first
/// time, within [`BURST_WINDOW_HOURS`] of each other. Five strangers in a day is rare for a
/// genuine seller and cheap for a competitor with a few addresses.
pub const BURST_MIN_REPORTS: i64 = 5;
/// How far before and after a report the burst counts.
pub const BURST_WINDOW_HOURS: i32 = 24;

/// One network: this many reports or more sent from one network (an IPv4 address or an IPv6
/// /64) within [`NETWORK_WINDOW_MINUTES`] of a report. A household or an office rarely files
/// five reports in an hour; a script does.
pub const NETWORK_MIN_REPORTS: i64 = 5;
/// How far before and after a report the network count reaches.
pub const NETWORK_WINDOW_MINUTES: i32 = 60;

/// Near-identical: pg_trgm `similarity` above this between two descriptions. Measured on
/// sentences of about 100 characters: a copy with one word or its punctuation changed scores
/// 0.97 to 1, the same complaints in another order 0.88, a shortened paraphrase 0.76. Above
/// 0.9 is a copy, not two buyers who saw the same fault.
pub const SIMILARITY_THRESHOLD: f32 = 0.9;
/// Descriptions compared: those of other reporters' reports on the same seller or brand filed
/// within this many days of the report…
pub const SIMILARITY_WINDOW_DAYS: i32 = 30;
/// …the most recent this many of each (seller, brand), so that a big brand costs no more
/// than a small one.
pub const SIMILARITY_CANDIDATES: i64 = 50;

/// Every count the queue makes stops here: past it, the exact number changes no decision.
pub const COUNT_CAP: i64 = 1000;

/// A flag the queue can raise and filter by. Its name, in the queue's `flag=` filter, is the
/// variant's in snake case.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
#[strum(
    serialize_all = "snake_case",
    parse_err_ty = UnknownValue,
    parse_err_fn = UnknownValue::of
)]
pub enum Flag {
    Burst,
    Network,
    NearIdentical,
    Contradiction,
}

impl Flag {
    pub const ALL: [Flag; Flag::VARIANTS.len()] = crate::domain::variants::all();

    /// The name in the queue's `flag=` filter.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The flag's name on the page.
    pub fn label(self) -> &'static str {
        match self {
            Flag::Burst => "Burst of new reporters",
            Flag::Network => "Many reports from one network",
            Flag::NearIdentical => "Near-identical description",
            Flag::Contradiction => "Contradicts other reports of the listing",
        }
    }
}

/// What the database measured about one waiting report. Counts stop at [`COUNT_CAP`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Signals {
    /// This report's reporter (fingerprint) had filed nothing before it.
    pub first_time_reporter: bool,
    /// Reports against the same seller within [`BURST_WINDOW_HOURS`] of this one, this one
    /// included, whose reporters had filed nothing before them.
    pub first_time_reports_on_seller: i64,
    /// Reports from this report's network within [`NETWORK_WINDOW_MINUTES`], this one
    /// included; 0 when the network is not known.
    pub network_reports: i64,
    /// How many reporters (fingerprints) sent them.
    pub network_reporters: i64,
    /// Public ids of other reporters' reports, on the same seller or brand, whose description
    /// is near-identical to this one's; the most similar first.
    pub similar_reports: Vec<String>,
    /// The seller the listing is recorded under now, when it is not the one the report was
    /// filed under (the listing was moved to another store since).
    pub listing_now_under: Option<String>,
    /// The seller name this report's reporter typed, when other reports on the listing typed
    /// names and none of them folds to the same name.
    pub contradicted_name: Option<String>,
    /// The names those other reports typed (a few).
    pub names_given_by_others: Vec<String>,
}

/// A flag raised on a report, with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Raised {
    pub flag: Flag,
    pub explanation: String,
}

/// The flags `signals` raise, in [`Flag::ALL`] order.
pub fn raise(signals: &Signals) -> Vec<Raised> {
    let mut raised = Vec::new();
    if is_burst(signals) {
        raised.push(Raised {
            flag: Flag::Burst,
            explanation: format!(
                "This reporter had never reported before, and {} reports against this seller \
                 (this one included) came from first-time reporters within {BURST_WINDOW_HOURS} \
                 hours of it.",
                at_least(signals.first_time_reports_on_seller)
            ),
        });
    }
    if is_network(signals) {
        let reporters = match signals.network_reporters {
            1 => "all by one reporter".to_owned(),
            n => format!("by {} different reporters", at_least(n)),
        };
        raised.push(Raised {
            flag: Flag::Network,
            explanation: format!(
                "{} reports (this one included) were sent from the same network within \
                 {NETWORK_WINDOW_MINUTES} minutes of it, {reporters}.",
                at_least(signals.network_reports)
            ),
        });
    }
    if !signals.similar_reports.is_empty() {
        let n = signals.similar_reports.len();
        raised.push(Raised {
            flag: Flag::NearIdentical,
            explanation: format!(
                "Its description is nearly word for word the same as {} by other reporters \
                 on the same seller or brand, filed within {SIMILARITY_WINDOW_DAYS} days of it.",
                if n == 1 {
                    "1 report".to_owned()
                } else {
                    format!("{n} reports")
                }
            ),
        });
    }
    if let Some(explanation) = contradiction(signals) {
        raised.push(Raised {
            flag: Flag::Contradiction,
            explanation,
        });
    }
    raised
}

fn is_burst(s: &Signals) -> bool {
    s.first_time_reporter && s.first_time_reports_on_seller >= BURST_MIN_REPORTS
}

fn is_network(s: &Signals) -> bool {
    s.network_reports >= NETWORK_MIN_REPORTS
}

fn contradiction(s: &Signals) -> Option<String> {
    let mut parts = Vec::new();
    if let Some(now) = &s.listing_now_under {
        parts.push(format!(
            "It was filed under another seller than the one its listing is recorded under now \
             (“{now}”)."
        ));
    }
    if let Some(name) = &s.contradicted_name
        && !s.names_given_by_others.is_empty()
    {
        let others: Vec<String> = s
            .names_given_by_others
            .iter()
            .map(|n| format!("“{n}”"))
            .collect();
        parts.push(format!(
            "Its reporter names the seller “{name}”, while the other reports of the same \
             listing name it {}.",
            others.join(" or ")
        ));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A capped count in words: "at least 1000" once it reached the cap.
fn at_least(n: i64) -> String {
    if n >= COUNT_CAP {
        format!("at least {COUNT_CAP}")
    } else {
        n.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(signals: &Signals) -> Vec<Flag> {
        raise(signals).into_iter().map(|r| r.flag).collect()
    }

    #[test]
    fn nothing_unusual_raises_nothing() {
        assert_eq!(raise(&Signals::default()), []);
        let ordinary = Signals {
            first_time_reporter: true,
            first_time_reports_on_seller: 1,
            network_reports: 1,
            network_reporters: 1,
            ..Signals::default()
        };
        assert_eq!(flags(&ordinary), []);
    }

    #[test]
    fn a_burst_needs_enough_first_time_reports_and_this_reporter_new() {
        let burst = Signals {
            first_time_reporter: true,
            first_time_reports_on_seller: BURST_MIN_REPORTS,
            ..Signals::default()
        };
        assert_eq!(flags(&burst), [Flag::Burst]);
        assert!(raise(&burst)[0].explanation.contains("5 reports"));
        let one_short = Signals {
            first_time_reports_on_seller: BURST_MIN_REPORTS - 1,
            ..burst.clone()
        };
        assert_eq!(flags(&one_short), []);
        // A known reporter's report is not part of the burst, however many strangers joined.
        let known = Signals {
            first_time_reporter: false,
            ..burst
        };
        assert_eq!(flags(&known), []);
    }

    #[test]
    fn many_reports_from_one_network_raise_the_network_flag() {
        let network = Signals {
            network_reports: NETWORK_MIN_REPORTS,
            network_reporters: 3,
            ..Signals::default()
        };
        assert_eq!(flags(&network), [Flag::Network]);
        assert!(
            raise(&network)[0]
                .explanation
                .contains("by 3 different reporters")
        );
        let one = Signals {
            network_reporters: 1,
            ..network.clone()
        };
        assert!(raise(&one)[0].explanation.contains("all by one reporter"));
        let fewer = Signals {
            network_reports: NETWORK_MIN_REPORTS - 1,
            ..network
        };
        assert_eq!(flags(&fewer), []);
    }

    #[test]
    fn capped_counts_read_as_at_least() {
        let network = Signals {
            network_reports: COUNT_CAP,
            network_reporters: COUNT_CAP,
            ..Signals::default()
        };
        let text = &raise(&network)[0].explanation;
        assert!(text.starts_with("at least 1000 reports"), "{text}");
    }

    #[test]
    fn similar_descriptions_raise_near_identical() {
        let similar = Signals {
            similar_reports: vec!["abc".into(), "def".into()],
            ..Signals::default()
        };
        assert_eq!(flags(&similar), [Flag::NearIdentical]);
        assert!(raise(&similar)[0].explanation.contains("2 reports"));
    }

    #[test]
    fn a_contradicted_name_or_a_moved_listing_raise_contradiction() {
        let named = Signals {
            contradicted_name: Some("Bargain Shop".into()),
            names_given_by_others: vec!["Luxury Outlet".into(), "LUX Outlet".into()],
            ..Signals::default()
        };
        assert_eq!(flags(&named), [Flag::Contradiction]);
        let text = &raise(&named)[0].explanation;
        assert!(text.contains("“Bargain Shop”"), "{text}");
        assert!(text.contains("“Luxury Outlet” or “LUX Outlet”"), "{text}");
        // A name nobody else contradicts is no contradiction.
        let alone = Signals {
            names_given_by_others: Vec::new(),
            ..named
        };
        assert_eq!(flags(&alone), []);
        let moved = Signals {
            listing_now_under: Some("Other Store".into()),
            ..Signals::default()
        };
        assert_eq!(flags(&moved), [Flag::Contradiction]);
    }

    #[test]
    fn flags_come_in_a_fixed_order_and_read_back_from_their_names() {
        let all = Signals {
            first_time_reporter: true,
            first_time_reports_on_seller: 9,
            network_reports: 9,
            network_reporters: 2,
            similar_reports: vec!["x".into()],
            listing_now_under: Some("S".into()),
            ..Signals::default()
        };
        assert_eq!(flags(&all), Flag::ALL);
        for flag in Flag::ALL {
            assert_eq!(flag.as_str().parse::<Flag>(), Ok(flag));
            assert!(!flag.label().is_empty());
        }
        assert!("spam".parse::<Flag>().is_err());
    }

    #[test]
    fn names_are_the_filter_values() {
        assert_eq!(
            Flag::ALL.map(Flag::as_str),
            ["burst", "network", "near_identical", "contradiction"]
        );
        for flag in Flag::ALL {
            assert_eq!(flag.to_string(), flag.as_str());
        }
    }
}
