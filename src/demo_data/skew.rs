//! The skew of the data: Zipf–Mandelbrot draws (a few sellers, brands and listings get most
//! reports, most get one) and report times that grow denser towards the present.

use rand::RngExt;

/// One year, in microseconds.
const YEAR_US: f64 = 365.25 * 86_400.0 * 1e6;
/// How far back reports go.
pub(super) const SPAN_US: i64 = (3.0 * YEAR_US) as i64;
/// Report volume doubles every year, so recent months are the busiest (as for a growing site).
const GROWTH_PER_YEAR: f64 = 2.0;

/// Draws indexes with probability proportional to their weights (binary search in the running
/// sums). Never empty, so drawing cannot fail.
#[derive(Debug, Clone)]
pub(super) struct Weighted {
    cumulative: Vec<f64>,
}

impl Weighted {
    /// Zipf–Mandelbrot weights over `n` ranks: rank `i` (from 0) weighs `(i + 1 + offset)^-s`.
    /// The offset flattens the very top, so the first rank is big but not all-consuming.
    pub(super) fn zipf(n: usize, offset: f64, exponent: f64) -> Self {
        Self::new((0..n.max(1)).map(|i| (i as f64 + 1.0 + offset).powf(-exponent)))
    }

    /// Weights must be non-negative with a positive sum; an empty list acts as `[1.0]`.
    pub(super) fn new(weights: impl IntoIterator<Item = f64>) -> Self {
        let mut total = 0.0;
        let mut cumulative: Vec<f64> = weights
            .into_iter()
            .map(|w| {
                total += w;
                total
            })
            .collect();
        if cumulative.is_empty() {
            cumulative.push(1.0);
        }
        Weighted { cumulative }
    }

    /// An index, drawn in proportion to its weight.
    pub(super) fn sample(&self, rng: &mut impl RngExt) -> usize {
        let total = self.cumulative[self.cumulative.len() - 1];
        let x = rng.random::<f64>() * total;
        self.cumulative
            .partition_point(|&c| c <= x)
            .min(self.cumulative.len() - 1)
    }
}

/// Splits `total` among `n` ranks: one each, the rest drawn from a Zipf–Mandelbrot law. Ranks
/// come first with thousands, the long tail with exactly one.
pub(super) fn spread(
    rng: &mut impl RngExt,
    n: usize,
    total: usize,
    offset: f64,
    exponent: f64,
) -> Vec<u32> {
    let mut counts = vec![1u32; n];
    let weights = Weighted::zipf(n, offset, exponent);
    for _ in n..total {
        counts[weights.sample(rng)] += 1;
    }
    counts
}

/// `count` report times over the last three years, oldest first, denser towards `anchor_us`
/// (density grows by [`GROWTH_PER_YEAR`]; drawn by inverting its distribution function).
pub(super) fn report_times(rng: &mut impl RngExt, count: usize, anchor_us: i64) -> Vec<i64> {
    let g = GROWTH_PER_YEAR.ln() / YEAR_US;
    let span = SPAN_US as f64;
    let full = (g * span).exp_m1();
    let start = anchor_us - SPAN_US;
    let mut times: Vec<i64> = (0..count)
        .map(|_| {
            let t = (rng.random::<f64>() * full).ln_1p() / g;
            (start + t as i64).min(anchor_us - 1)
        })
        .collect();
    times.sort_unstable();
    times
}
