//! The progress bar of `fakewatch demo-data`: which phase the load is in, how far that phase
//! has got, and how long each phase took (logged, and returned in the summary).

use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// The phases, in order; the bar shows "phase 3/8: reports".
pub(super) const PHASES: [&str; 8] = [
    "planning",
    "catalogue",
    "reports",
    "trigger work",
    "indexes and keys",
    "summaries",
    "commit",
    "vacuum analyze",
];

/// A bar that goes through [`PHASES`], timing each.
pub(super) struct Progress {
    bar: ProgressBar,
    current: Option<(&'static str, Instant)>,
    timings: Vec<(&'static str, Duration)>,
}

impl Progress {
    /// A bar on stderr, or a hidden one that still times the phases.
    pub(super) fn new(visible: bool) -> Self {
        let bar = if visible {
            let bar = ProgressBar::new(1);
            // The template is a constant; should indicatif ever reject it, the default will do.
            let style = ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {prefix:<28} [{bar:32}] {human_pos}/{human_len} \
                 {msg} (eta {eta})",
            )
            .map(|style| style.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        } else {
            ProgressBar::hidden()
        };
        Progress {
            bar,
            current: None,
            timings: Vec::with_capacity(PHASES.len()),
        }
    }

    /// Ends the current phase and starts `name`, which has `len` steps of `unit` each.
    pub(super) fn phase(&mut self, name: &'static str, len: u64, unit: &'static str) {
        self.end_phase();
        let number = PHASES.iter().position(|&p| p == name).map_or(0, |i| i + 1);
        // Reset first: the previous phase's count must not show against this one's length.
        self.bar.reset();
        self.bar.set_length(len.max(1));
        self.bar
            .set_prefix(format!("phase {number}/{}: {name}", PHASES.len()));
        self.bar.set_message(unit);
        self.current = Some((name, Instant::now()));
    }

    /// `steps` more steps of the current phase are done.
    pub(super) fn inc(&self, steps: u64) {
        self.bar.inc(steps);
    }

    /// What the current step is (an index's name, a table's).
    pub(super) fn detail(&self, unit: &'static str, what: &str) {
        self.bar.set_message(format!("{unit} ({what})"));
    }

    /// Ends the last phase, clears the bar, and returns each phase's time.
    pub(super) fn finish(mut self) -> Vec<(&'static str, Duration)> {
        self.end_phase();
        self.bar.finish_and_clear();
        self.timings
    }

    fn end_phase(&mut self) {
        if let Some((name, started)) = self.current.take() {
            let elapsed = started.elapsed();
            self.bar
                .suspend(|| tracing::info!(phase = name, ?elapsed, "demo data phase done"));
            self.timings.push((name, elapsed));
        }
    }
}
