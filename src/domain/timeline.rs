//! The monthly report timeline, laid out as bars for an SVG drawn on the server (no JS).

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Month {
    pub year: i32,
    /// 1..=12
    pub month: u8,
}

impl Month {
    /// Parses `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Month> {
        let (year, month) = text.split_once('-')?;
        let month: u8 = month.parse().ok()?;
        (1..=12).contains(&month).then_some(Month {
            year: year.parse().ok()?,
            month,
        })
    }

    fn index(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    fn from_index(index: i64) -> Month {
        Month {
            year: i32::try_from(index.div_euclid(12)).unwrap_or(i32::MAX),
            month: u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1),
        }
    }

    pub fn label(self) -> String {
        format!("{:04}-{:02}", self.year, self.month)
    }
}

/// One month's bar, in SVG user units.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub month: String,
    pub reports: i64,
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// The whole chart: bars plus what the axis labels need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    pub bars: Vec<Bar>,
    pub max_reports: i64,
    pub total: i64,
    pub first_month: String,
    pub last_month: String,
    pub width: u32,
    pub height: u32,
}

/// Months shown: three years, the span of the demo data and of most sellers' histories.
pub const MAX_MONTHS: i64 = 36;
/// Never fewer, so that a new seller's single bar doesn't fill the chart.
pub const MIN_MONTHS: i64 = 12;
const BAR_WIDTH: u32 = 14;
const GAP: u32 = 4;
pub const CHART_HEIGHT: u32 = 120;

/// Lays out monthly counts (`YYYY-MM`, count) up to and including `current`, filling the
/// months without reports with empty bars. Counts outside the window or unparsable are left
/// out of the bars (but not of `total`, which is the caller's to show).
pub fn layout(counts: &[(String, i64)], current: Month) -> Timeline {
    let end = current.index();
    let parsed: Vec<(i64, i64)> = counts
        .iter()
        .filter_map(|(m, n)| Month::parse(m).map(|m| (m.index(), (*n).max(0))))
        .filter(|(i, _)| *i <= end)
        .collect();
    let earliest = parsed.iter().map(|(i, _)| *i).min().unwrap_or(end);
    let start = earliest.max(end - MAX_MONTHS + 1).min(end - MIN_MONTHS + 1);
    let max_reports = parsed
        .iter()
        .filter(|(i, _)| *i >= start)
        .map(|(_, n)| *n)
        .max()
        .unwrap_or(0);
    let bars = (start..=end)
        .enumerate()
        .map(|(slot, index)| {
            let reports: i64 = parsed
                .iter()
                .filter(|(i, _)| *i == index)
                .map(|(_, n)| n)
                .sum();
            // Scale to the busiest month; a month with any report gets at least a sliver.
            let height = if max_reports == 0 || reports == 0 {
                0
            } else {
                let scaled = reports.saturating_mul(i64::from(CHART_HEIGHT)) / max_reports;
                u32::try_from(scaled)
                    .unwrap_or(CHART_HEIGHT)
                    .clamp(2, CHART_HEIGHT)
            };
            let x = u32::try_from(slot).unwrap_or(0) * (BAR_WIDTH + GAP);
            Bar {
                month: Month::from_index(index).label(),
                reports,
                x,
                y: CHART_HEIGHT - height,
                width: BAR_WIDTH,
                height,
            }
        })
        .collect::<Vec<_>>();
    let slots = u32::try_from(bars.len()).unwrap_or(0);
    Timeline {
        first_month: Month::from_index(start).label(),
        last_month: current.label(),
        max_reports,
        total: parsed.iter().map(|(_, n)| n).sum(),
        width: slots * (BAR_WIDTH + GAP),
        height: CHART_HEIGHT,
        bars,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Month = Month {
        year: 2026,
        month: 11,
    };

    fn counts(items: &[(&str, i64)]) -> Vec<(String, i64)> {
        items.iter().map(|(m, n)| ((*m).to_owned(), *n)).collect()
    }

    #[test]
    fn months_parse_and_label_round_trip() {
        assert_eq!(
            Month::parse("2026-03"),
            Some(Month {
                year: 2026,
                month: 3
            })
        );
        assert_eq!(Month::parse("2026-13"), None);
        assert_eq!(Month::parse("March"), None);
        assert_eq!(
            Month::from_index(
                Month {
                    year: 2025,
                    month: 12
                }
                .index()
            )
            .label(),
            "2025-12"
        );
    }

    #[test]
    fn a_new_seller_gets_a_year_of_bars_with_gaps_filled() {
        let t = layout(&counts(&[("2026-11", 2)]), NOW);
        assert_eq!(t.bars.len(), 12);
        assert_eq!(t.first_month, "2025-12");
        assert_eq!(
            t.bars.last().map(|b| (b.reports, b.height)),
            Some((2, CHART_HEIGHT))
        );
        assert!(t.bars[..11].iter().all(|b| b.reports == 0 && b.height == 0));
    }

    #[test]
    fn long_histories_show_the_last_three_years() {
        let t = layout(
            &counts(&[("2019-01", 5), ("2024-06", 10), ("2026-10", 5)]),
            NOW,
        );
        assert_eq!(t.bars.len(), 36);
        assert_eq!(t.first_month, "2023-12");
        assert_eq!(t.max_reports, 10);
        assert_eq!(t.total, 20);
        let june = t.bars.iter().find(|b| b.month == "2024-06").expect("bar");
        assert_eq!(june.height, CHART_HEIGHT);
        let october = t.bars.iter().find(|b| b.month == "2026-10").expect("bar");
        assert_eq!(october.height, CHART_HEIGHT / 2);
        assert_eq!(october.y + october.height, CHART_HEIGHT);
    }

    #[test]
    fn small_months_stay_visible_next_to_big_ones() {
        let t = layout(&counts(&[("2026-01", 1000), ("2026-02", 1)]), NOW);
        let feb = t.bars.iter().find(|b| b.month == "2026-02").expect("bar");
        assert_eq!(feb.height, 2);
    }

    #[test]
    fn no_reports_draw_an_empty_year() {
        let t = layout(&[], NOW);
        assert_eq!(t.bars.len(), 12);
        assert_eq!(t.max_reports, 0);
        assert!(t.bars.iter().all(|b| b.height == 0));
        assert_eq!(t.width, 12 * (BAR_WIDTH + GAP));
    }

    #[test]
    fn bars_do_not_overlap() {
        let t = layout(&counts(&[("2025-01", 3), ("2026-11", 1)]), NOW);
        for pair in t.bars.windows(2) {
            assert!(pair[0].x + pair[0].width < pair[1].x);
        }
    }
}
