//! Report rows: who reported, what they bought and why they suspect it, and what happened to
//! the report since, drawn chunk by chunk from the seed.

use std::fmt::Write;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::rngs::StdRng;
use rand::{Rng, RngExt, SeedableRng};

use super::super::plan::{Plan, ReportPlan};
use super::super::{finalize, mix, text};
use super::{CHUNK_REPORTS, Row};
use crate::domain::reason::Reason;

/// Statuses with their shares in percent.
const STATUSES: [(&str, u32); 4] = [
    ("unverified", 85),
    ("verified", 10),
    ("rejected", 3),
    ("withdrawn", 2),
];
/// How often buyers tick each reason, in `Reason::ALL` order.
const REASON_WEIGHTS: [u32; 8] = [30, 25, 30, 8, 10, 5, 3, 6];
/// Share of reporters who gave an e-mail address (they get a `reporter_key` too). Most do:
/// only confirmed addresses count in a seller's reputation, and the form says so.
const EMAIL_PERCENT: u64 = 70;
/// Share of those who then confirmed it (all their reports: one confirmation confirms every
/// pending report of the address).
const CONFIRMED_PERCENT: u64 = 85;

/// Salts for `mix`, one per use of the seed here (`plan` and `catalog` use those below 100).
const PUBLIC_ID: u64 = 100;
const EMAIL_CHANCE: u64 = 101;
const EMAIL_NAME: u64 = 102;
const CONFIRMED_CHANCE: u64 = 103;
/// Four salts each, one per 8 bytes.
const FINGERPRINT: u64 = 110;
const REPORTER_KEY: u64 = 120;
/// Plus the chunk number.
const CHUNK_SALT: u64 = 1 << 32;

/// Writes the reports of chunk `chunk` (reports `chunk * CHUNK_REPORTS ..`) and returns how
/// many it wrote. Each chunk has its own random stream, derived from the seed and its number.
pub(in crate::demo_data) fn report_chunk(
    plan: &Plan,
    seed: u64,
    chunk: usize,
    out: &mut String,
) -> usize {
    let start = chunk * CHUNK_REPORTS;
    let end = (start + CHUNK_REPORTS).min(plan.reports.len());
    let mut rng = StdRng::seed_from_u64(mix(seed, CHUNK_SALT + chunk as u64));
    for index in start..end {
        report_row(out, &mut rng, plan, seed, index);
    }
    end.saturating_sub(start)
}

/// Report `index`'s row. Its steps draw from `rng` in the order of the row's columns: the same
/// seed must give the same rows.
fn report_row(out: &mut String, rng: &mut StdRng, plan: &Plan, seed: u64, index: usize) {
    let report = &plan.reports[index];
    let listing = &plan.listings[report.listing as usize];
    let reporter = Reporter::new(seed, report.reporter);
    let (status, updated_us) = moderation(rng, plan, report);
    let mut row = Row::new(out);
    row.int(index as u64 + 1)
        .raw(|out| public_id(out, rng, seed, index as u64))
        .int(u64::from(report.listing) + 1)
        .int(u64::from(listing.seller) + 1)
        .int(u64::from(report.brand) + 1);
    what_was_bought(&mut row, rng, plan, report);
    let reasons = reasons(rng);
    let brand = &plan.brands[report.brand as usize].name;
    row.raw(|out| write_reasons(out, &reasons))
        .raw(|out| text::write_description(out, rng, brand, &reasons));
    if reporter.has_email {
        let hash = reporter_hash(seed, EMAIL_NAME, reporter.who);
        row.raw(|out| text::write_email(out, report.reporter, hash))
            .bytea(&derived_bytes(seed, REPORTER_KEY, reporter.who));
    } else {
        row.null().null();
    }
    let mut token_hash = [0u8; 32];
    rng.fill_bytes(&mut token_hash);
    let seller = &plan.sellers[listing.seller as usize];
    row.bytea(&derived_bytes(seed, FINGERPRINT, reporter.who))
        .text(status)
        .bytea(&token_hash)
        .timestamp(report.created_us)
        .timestamp(updated_us)
        // Its reporters spell the seller as its alias does: that spelling is the one shown.
        .opt_text(seller.shape.alias.as_deref());
    if reporter.confirmed {
        // Within minutes to a day of filing, from the mail's link; never after "now".
        let delay =
            60_000_000 + reporter_hash(seed, CONFIRMED_CHANCE + 1, reporter.who) % 86_400_000_000;
        row.timestamp((report.created_us + delay as i64).min(plan.anchor_us - 1));
    } else {
        row.null();
    }
    row.end();
}

/// What the seed decides about a reporter, the same for each of their reports.
struct Reporter {
    who: u64,
    /// Gave an email address (and so has a `reporter_key`).
    has_email: bool,
    /// And confirmed it.
    confirmed: bool,
}

impl Reporter {
    fn new(seed: u64, reporter: u32) -> Self {
        let who = u64::from(reporter);
        let has_email = reporter_hash(seed, EMAIL_CHANCE, who) % 100 < EMAIL_PERCENT;
        let confirmed =
            has_email && reporter_hash(seed, CONFIRMED_CHANCE, who) % 100 < CONFIRMED_PERCENT;
        Reporter {
            who,
            has_email,
            confirmed,
        }
    }
}

/// The report's status, and when it last changed: at filing while unverified, else when a
/// moderator (or the reporter) got to it, within hours to weeks.
fn moderation(rng: &mut StdRng, plan: &Plan, report: &ReportPlan) -> (&'static str, i64) {
    let status = weighted(rng, &STATUSES);
    let updated_us = if status == "unverified" {
        report.created_us
    } else {
        let delay = rng.random_range(2 * 3_600_000_000..30 * 86_400_000_000);
        (report.created_us + delay).min(plan.anchor_us - 1)
    };
    (status, updated_us)
}

/// The listing's title as the buyer saw it, the price and currency paid, and the order's
/// date: each given by most buyers, not all.
fn what_was_bought(row: &mut Row<'_>, rng: &mut StdRng, plan: &Plan, report: &ReportPlan) {
    let listing = &plan.listings[report.listing as usize];
    if rng.random_bool(0.88) {
        let listed_brand = &plan.brands[listing.brand as usize];
        let product = listed_brand.category.products()[usize::from(listing.product)];
        row.raw(|out| {
            let name = &listed_brand.name;
            text::write_title(out, name, product, listing.prefix, listing.suffix);
        });
    } else {
        row.null();
    }
    if rng.random_bool(0.8) {
        let cents = listing.price_cents;
        row.raw(|out| {
            let _ = write!(out, "{}.{:02}", cents / 100, cents % 100);
        });
        let seller = &plan.sellers[listing.seller as usize];
        row.text(weighted(rng, seller.site.currencies));
    } else {
        row.null().null();
    }
    if rng.random_bool(0.65) {
        let ordered_us = report.created_us - rng.random_range(2..=45) * 86_400_000_000;
        row.date(ordered_us.div_euclid(86_400_000_000));
    } else {
        row.null();
    }
}

/// `reasons` (indexes into `Reason::ALL`) as a PostgreSQL array of their slugs.
fn write_reasons(out: &mut String, reasons: &[usize]) {
    out.push('{');
    for (i, &r) in reasons.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(Reason::ALL[r].as_str());
    }
    out.push('}');
}

/// A random-looking, URL-safe 16-character id, like the service's own (12 random bytes in
/// base64url). The first 8 bytes are a bijection of the report number, so ids never collide.
pub(in crate::demo_data) fn public_id(out: &mut String, rng: &mut impl Rng, seed: u64, index: u64) {
    let mut bytes = [0u8; 12];
    let unique = finalize(mix(seed, PUBLIC_ID).wrapping_add(index));
    bytes[..8].copy_from_slice(&unique.to_le_bytes());
    rng.fill_bytes(&mut bytes[8..]);
    URL_SAFE_NO_PAD.encode_string(bytes, out);
}

/// 32 bytes that stand for an HMAC of something about reporter `who`: the same for the same
/// reporter and purpose, different (in the first 8 bytes already) for different reporters.
fn derived_bytes(seed: u64, purpose: u64, who: u64) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    for (i, part) in bytes.chunks_exact_mut(8).enumerate() {
        part.copy_from_slice(&reporter_hash(seed, purpose + i as u64, who).to_le_bytes());
    }
    bytes
}

/// A fixed pseudo-random number per seed, purpose and reporter; distinct reporters get
/// distinct numbers (a bijection of `who` for each seed and purpose).
fn reporter_hash(seed: u64, purpose: u64, who: u64) -> u64 {
    finalize(mix(seed, purpose) ^ who)
}

/// One to three distinct reasons, as indexes into `Reason::ALL`, in that order.
fn reasons(rng: &mut impl RngExt) -> Vec<usize> {
    let count = match rng.random_range(0..100) {
        0..45 => 1,
        45..80 => 2,
        _ => 3,
    };
    let total: u32 = REASON_WEIGHTS.iter().sum();
    let mut picked = Vec::with_capacity(count);
    while picked.len() < count {
        let mut x = rng.random_range(0..total);
        let reason = REASON_WEIGHTS
            .iter()
            .position(|&w| {
                let hit = x < w;
                x = x.saturating_sub(w);
                hit
            })
            .unwrap_or(0);
        if !picked.contains(&reason) {
            picked.push(reason);
        }
    }
    picked.sort_unstable();
    picked
}

/// A value from a non-empty list with integer weights.
fn weighted<T: Copy>(rng: &mut impl RngExt, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0..total.max(1));
    for &(value, weight) in choices {
        if x < weight {
            return value;
        }
        x -= weight;
    }
    choices[choices.len() - 1].0
}
