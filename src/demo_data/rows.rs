//! Rows in PostgreSQL's `COPY … (format text)` format: tab-separated fields, `\N` for NULL,
//! backslash escapes, one row per line.

use std::fmt::Write;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::rngs::StdRng;
use rand::{Rng, RngExt, SeedableRng};

use super::plan::{Brand, Listing, Plan, Seller};
use super::text;
use crate::domain::reason::Reason;

/// Reports generated (and sent) together; fixed, so that the data does not depend on how the
/// work is split.
pub(super) const CHUNK_REPORTS: usize = 8192;

pub(super) const BRAND_COPY: &str =
    "copy brand (brand_id, slug, display_name, created_at, updated_at) from stdin (format text)";
pub(super) const BRAND_ALIAS_COPY: &str =
    "copy brand_alias (alias_slug, brand_id, created_at) from stdin (format text)";
pub(super) const SELLER_COPY: &str = "copy seller (seller_id, marketplace, seller_key, name_based, \
     display_name, store_url, created_at, updated_at) from stdin (format text)";
pub(super) const SELLER_ALIAS_COPY: &str =
    "copy seller_alias (seller_id, name, folded_name, created_at) from stdin (format text)";
pub(super) const LISTING_COPY: &str = "copy listing (listing_id, marketplace, external_id, \
     canonical_url, seller_id, created_at, updated_at) from stdin (format text)";
pub(super) const REPORT_COPY: &str = "copy report (report_id, public_id, listing_id, seller_id, \
     brand_id, product_title, price_amount, price_currency, order_date, reasons, description, \
     reporter_email, reporter_key, reporter_fingerprint, status, manage_token_hash, created_at, \
     updated_at, seller_name, confirmed_at) from stdin (format text)";

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

/// Appends one row's fields to a buffer; [`Row::end`] finishes the line.
pub(super) struct Row<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Row<'a> {
    pub(super) fn new(out: &'a mut String) -> Self {
        Row { out, first: true }
    }

    fn sep(&mut self) -> &mut String {
        if !std::mem::take(&mut self.first) {
            self.out.push('\t');
        }
        self.out
    }

    pub(super) fn int(&mut self, value: u64) -> &mut Self {
        let _ = write!(self.sep(), "{value}");
        self
    }

    pub(super) fn bool(&mut self, value: bool) -> &mut Self {
        self.sep().push(if value { 't' } else { 'f' });
        self
    }

    pub(super) fn null(&mut self) -> &mut Self {
        self.sep().push_str("\\N");
        self
    }

    /// Text, escaped: a backslash, tab or line break in it would otherwise end the field.
    pub(super) fn text(&mut self, value: &str) -> &mut Self {
        let out = self.sep();
        for c in value.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c => out.push(c),
            }
        }
        self
    }

    pub(super) fn opt_text(&mut self, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.text(v),
            None => self.null(),
        }
    }

    /// Text written by `write`, which must not produce backslashes, tabs or line breaks.
    fn raw(&mut self, write: impl FnOnce(&mut String)) -> &mut Self {
        write(self.sep());
        self
    }

    /// `bytea` in hex form; the backslash of `\x` is itself escaped for COPY.
    pub(super) fn bytea(&mut self, bytes: &[u8]) -> &mut Self {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let out = self.sep();
        out.push_str("\\\\x");
        for b in bytes {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
        self
    }

    /// A `timestamptz` from Unix microseconds, in UTC.
    pub(super) fn timestamp(&mut self, micros: i64) -> &mut Self {
        let (days, rest) = (
            micros.div_euclid(86_400_000_000),
            micros.rem_euclid(86_400_000_000),
        );
        let (y, m, d) = civil_from_days(days);
        let secs = rest / 1_000_000;
        let _ = write!(
            self.sep(),
            "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}.{:06}+00",
            secs / 3600,
            secs / 60 % 60,
            secs % 60,
            rest % 1_000_000
        );
        self
    }

    /// A `date`, from days since 1970-01-01.
    pub(super) fn date(&mut self, days: i64) -> &mut Self {
        let (y, m, d) = civil_from_days(days);
        let _ = write!(self.sep(), "{y:04}-{m:02}-{d:02}");
        self
    }

    pub(super) fn end(&mut self) {
        self.out.push('\n');
    }
}

/// Proleptic Gregorian (year, month, day) of a day count since 1970-01-01 (H. Hinnant's
/// `civil_from_days`): pure arithmetic, so writing a timestamp cannot fail or allocate.
pub(super) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

pub(super) fn brand_row(out: &mut String, index: usize, brand: &Brand) {
    Row::new(out)
        .int(index as u64 + 1)
        .text(&brand.slug)
        .text(&brand.name)
        .timestamp(brand.created_us)
        .timestamp(brand.created_us)
        .end();
}

pub(super) fn seller_row(out: &mut String, index: usize, seller: &Seller) {
    Row::new(out)
        .int(index as u64 + 1)
        .text(seller.site.marketplace.as_str())
        .text(&seller.shape.key)
        .bool(seller.shape.name_based)
        .text(&seller.shape.display_name)
        .opt_text(seller.shape.store_url.as_deref())
        .timestamp(seller.created_us)
        .timestamp(seller.created_us)
        .end();
}

/// The seller's alias row, if a buyer typed a name for it.
pub(super) fn seller_alias_row(out: &mut String, index: usize, seller: &Seller) {
    if let Some(name) = &seller.shape.alias {
        Row::new(out)
            .int(index as u64 + 1)
            .text(name)
            .text(&text::fold(name))
            .timestamp(seller.created_us)
            .end();
    }
}

pub(super) fn listing_row(out: &mut String, index: usize, listing: &Listing, plan: &Plan) {
    let seller = &plan.sellers[listing.seller as usize];
    Row::new(out)
        .int(index as u64 + 1)
        .text(seller.site.marketplace.as_str())
        .text(&listing.external_id)
        .text(&listing.canonical_url)
        .int(u64::from(listing.seller) + 1)
        .timestamp(listing.created_us)
        .timestamp(listing.created_us)
        .end();
}

/// Writes the reports of chunk `chunk` (reports `chunk * CHUNK_REPORTS ..`) and returns how
/// many it wrote. Each chunk has its own random stream, derived from the seed and its number.
pub(super) fn report_chunk(plan: &Plan, seed: u64, chunk: usize, out: &mut String) -> usize {
    let start = chunk * CHUNK_REPORTS;
    let end = (start + CHUNK_REPORTS).min(plan.reports.len());
    let mut rng = StdRng::seed_from_u64(super::mix(seed, CHUNK_SALT + chunk as u64));
    for index in start..end {
        report_row(out, &mut rng, plan, seed, index);
    }
    end.saturating_sub(start)
}

fn report_row(out: &mut String, rng: &mut StdRng, plan: &Plan, seed: u64, index: usize) {
    let report = &plan.reports[index];
    let listing = &plan.listings[report.listing as usize];
    let seller = &plan.sellers[listing.seller as usize];
    let brand = &plan.brands[report.brand as usize];
    let listed_brand = &plan.brands[listing.brand as usize];
    let reporter = u64::from(report.reporter);
    let has_email = reporter_hash(seed, EMAIL_CHANCE, reporter) % 100 < EMAIL_PERCENT;
    let confirmed =
        has_email && reporter_hash(seed, CONFIRMED_CHANCE, reporter) % 100 < CONFIRMED_PERCENT;
    let status = weighted(rng, &STATUSES);
    let updated_us = if status == "unverified" {
        report.created_us
    } else {
        // Moderators get to it within hours to weeks.
        let delay = rng.random_range(2 * 3_600_000_000..30 * 86_400_000_000);
        (report.created_us + delay).min(plan.anchor_us - 1)
    };
    let mut row = Row::new(out);
    row.int(index as u64 + 1)
        .raw(|out| public_id(out, rng, seed, index as u64))
        .int(u64::from(report.listing) + 1)
        .int(u64::from(listing.seller) + 1)
        .int(u64::from(report.brand) + 1);
    if rng.random_bool(0.88) {
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
    let reasons = reasons(rng);
    row.raw(|out| {
        out.push('{');
        for (i, &r) in reasons.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(Reason::ALL[r].as_str());
        }
        out.push('}');
    })
    .raw(|out| text::write_description(out, rng, &brand.name, &reasons));
    if has_email {
        let hash = reporter_hash(seed, EMAIL_NAME, reporter);
        row.raw(|out| text::write_email(out, report.reporter, hash))
            .bytea(&derived_bytes(seed, REPORTER_KEY, reporter));
    } else {
        row.null().null();
    }
    let mut token_hash = [0u8; 32];
    rng.fill_bytes(&mut token_hash);
    row.bytea(&derived_bytes(seed, FINGERPRINT, reporter))
        .text(status)
        .bytea(&token_hash)
        .timestamp(report.created_us)
        .timestamp(updated_us)
        // Its reporters spell the seller as its alias does: that spelling is the one shown.
        .opt_text(seller.shape.alias.as_deref());
    if confirmed {
        // Within minutes to a day of filing, from the mail's link; never after "now".
        let delay =
            60_000_000 + reporter_hash(seed, CONFIRMED_CHANCE + 1, reporter) % 86_400_000_000;
        row.timestamp((report.created_us + delay as i64).min(plan.anchor_us - 1));
    } else {
        row.null();
    }
    row.end();
}

/// A random-looking, URL-safe 16-character id, like the service's own (12 random bytes in
/// base64url). The first 8 bytes are a bijection of the report number, so ids never collide.
pub(super) fn public_id(out: &mut String, rng: &mut impl Rng, seed: u64, index: u64) {
    let mut bytes = [0u8; 12];
    let unique = super::finalize(super::mix(seed, PUBLIC_ID).wrapping_add(index));
    bytes[..8].copy_from_slice(&unique.to_le_bytes());
    rng.fill_bytes(&mut bytes[8..]);
    URL_SAFE_NO_PAD.encode_string(bytes, out);
}

/// 32 bytes that stand for an HMAC of something about reporter `who`: the same for the same
/// reporter and purpose, different (in the first 8 bytes already) for different reporters.
pub(super) fn derived_bytes(seed: u64, purpose: u64, who: u64) -> [u8; 32] {
    let mut bytes = [0u8; 32];
    for (i, part) in bytes.chunks_exact_mut(8).enumerate() {
        part.copy_from_slice(&reporter_hash(seed, purpose + i as u64, who).to_le_bytes());
    }
    bytes
}

/// A fixed pseudo-random number per seed, purpose and reporter; distinct reporters get
/// distinct numbers (a bijection of `who` for each seed and purpose).
fn reporter_hash(seed: u64, purpose: u64, who: u64) -> u64 {
    super::finalize(super::mix(seed, purpose) ^ who)
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
