//! Rows in PostgreSQL's `COPY … (format text)` format: tab-separated fields, `\N` for NULL,
//! backslash escapes, one row per line.

mod reports;

use std::fmt::Write;

use super::plan::{Brand, Listing, Plan, Seller};
use super::text;
#[cfg(test)]
pub(super) use reports::public_id;
pub(super) use reports::report_chunk;

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
     updated_at, seller_name, confirmed_at) from stdin (format text, freeze)";

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
