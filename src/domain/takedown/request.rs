//! An export request: the query string as a rights holder sends it, checked field by field and
//! then by the rules between fields, into the request the export runs.

use std::fmt;

use serde::Deserialize;
use time::OffsetDateTime;

use super::cursor::Cursor;
use super::format::Format;
use super::preset::Preset;
use super::row::ListingStatus;
use crate::domain::Marketplace;
use crate::domain::outcome::Outcome;
use crate::domain::validation::FieldErrors;
use parser::{Parser, Repeat, cursor, non_blank, number_in, status, time};

mod parser;
mod schema;
#[cfg(test)]
mod tests;

/// `GET /api/v1/takedowns` parameters, all optional and checked by [`ExportParams::check`].
/// Text as sent, so that a bad value becomes a message naming its parameter.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    /// Brand slug (or alias); may be left out when the token covers one brand.
    pub brand: Option<String>,
    /// `csv`, `json`, `ndjson` or `txt` (listing URLs, one per line); else the `Accept` header.
    #[param(pattern = "^(csv|json|ndjson|jsonl|txt)?$")]
    pub format: Option<String>,
    /// `aliexpress`, `amazon`, `ebay` or `dsa`: the columns of that complaint form.
    #[param(pattern = "^(aliexpress|amazon|ebay|dsa)?$")]
    pub preset: Option<String>,
    /// Only this marketplace's listings (`aliexpress`, `amazon`, …).
    #[param(
        pattern = "^(aliexpress|amazon|ebay|temu|shein|dhgate|alibaba|wish|etsy|walmart|shopee|lazada|mercadolibre|taobao|tmall|other)?$"
    )]
    pub marketplace: Option<String>,
    /// `reported`, `verified`, `withdrawn` (only with `since`), `removed`,
    /// `confirmed_counterfeit`, `genuine` or `rejected_by_marketplace`; not with `since`.
    #[param(
        pattern = "^(reported|verified|withdrawn|removed|confirmed_counterfeit|genuine|rejected_by_marketplace)?$"
    )]
    pub status: Option<String>,
    /// Only listings reported by at least this many different buyers who confirmed their email
    /// address (or whose report a moderator verified); not with `since`.
    #[param(schema_with = schema::min_reporters)]
    pub min_reporters: Option<String>,
    /// Only listings with a report at or after this date (`YYYY-MM-DD`) or time (RFC 3339);
    /// not with `since`.
    pub reported_after: Option<String>,
    /// Only listings with a report before this date or time; not with `since`.
    pub reported_before: Option<String>,
    /// The cursor of an earlier export: only listings new or changed since.
    pub since: Option<String>,
    /// With `preset=aliexpress`: which part of 300 listings (from 1). Parts after the first
    /// come from the `next_part` link of the part before (`X-Next-Part`, JSON `next_part`).
    #[param(schema_with = schema::part)]
    pub part: Option<String>,
    /// Set by `next_part` links: the cursor of the list's first part.
    pub of: Option<String>,
    /// Set by `next_part` links: where the previous part ended.
    #[param(schema_with = schema::after)]
    pub after: Option<String>,
    /// Set by `next_part` links: the part count the first part found.
    #[param(schema_with = schema::parts)]
    pub parts: Option<String>,
}

/// What an export selects, besides the brand.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportFilter {
    pub marketplace: Option<Marketplace>,
    /// Any of these statuses.
    pub status: Option<Vec<ListingStatus>>,
    pub min_reporters: Option<i64>,
    pub reported_after: Option<OffsetDateTime>,
    pub reported_before: Option<OffsetDateTime>,
    /// The previous export's snapshot: only rows changed since.
    pub since: Option<Cursor>,
    /// Numbered parts read the list as of their first part's snapshot: only rows whose last
    /// change that snapshot saw. Rows changed later are left to the next incremental export,
    /// so that a list changing between parts neither shifts rows out of every part nor sends
    /// a row twice.
    pub frozen: Option<Cursor>,
    /// Keyset paging for parts: rows after this listing, and how many.
    pub after: Option<i64>,
    pub limit: Option<i64>,
}

/// A checked export request.
#[derive(Debug, Clone)]
pub struct ExportRequest {
    pub brand: Option<String>,
    pub format: Format,
    pub preset: Option<Preset>,
    pub filter: ExportFilter,
    pub part: Option<i64>,
    /// For parts after the first: the first part's cursor; the whole list is read as of it.
    pub of: Option<Cursor>,
    /// For parts after the first: the part count the first part found.
    pub parts: Option<i64>,
    /// The `since` cursor as given, for next-part links.
    pub since_param: Option<String>,
    /// The query string to repeat in the next incremental call (without `since` and `part`).
    pub repeat_query: Vec<(&'static str, String)>,
}

/// Why a query string is not an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportRefused {
    /// No `format=`, and an `Accept` header that names no format we produce.
    NotAcceptable,
    /// Parameters that are not valid, each named.
    Invalid(FieldErrors),
}

impl fmt::Display for ExportRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportRefused::NotAcceptable => f.write_str(
                "Takedown lists come as text/csv, application/json, application/x-ndjson \
                 or text/plain; or use format=csv|json|ndjson|txt.",
            ),
            ExportRefused::Invalid(_) => f.write_str("Some parameters need attention"),
        }
    }
}

pub const MAX_MIN_REPORTERS: i64 = 1_000_000;
/// More parts than any brand could have; keeps part arithmetic far from overflow.
pub const MAX_PART: i64 = 1_000_000;

/// The statuses a preset (ready-to-file) list shows unless `status=` says otherwise: listings
/// there is something to file against. Taken down, declared genuine, refused by the
/// marketplace and withdrawn ones are left out.
pub const FILEABLE: [ListingStatus; 3] = [
    ListingStatus::Reported,
    ListingStatus::Verified,
    ListingStatus::Outcome(Outcome::ConfirmedCounterfeit),
];

/// Filters a full list takes and a sync refuses: a sync returns every listing that changed,
/// whatever it became, so that a synced copy can update or drop it; a filter would hide
/// exactly the rows that left the list. Its `next` links leave them out too.
pub const SYNC_IGNORES: [&str; 4] = [
    "status",
    "min_reporters",
    "reported_after",
    "reported_before",
];

/// Each parameter on its own: parsed, or `None` when absent, blank or (with an error) invalid.
struct Fields {
    brand: Option<String>,
    format: Option<Format>,
    preset: Option<Preset>,
    marketplace: Option<Marketplace>,
    status: Option<ListingStatus>,
    min_reporters: Option<i64>,
    reported_after: Option<OffsetDateTime>,
    reported_before: Option<OffsetDateTime>,
    since: Option<Cursor>,
    part: Option<i64>,
    of: Option<Cursor>,
    after: Option<i64>,
    parts: Option<i64>,
}

impl ExportParams {
    /// Checks every field, naming each bad one, and the rules between them. `accept` (the
    /// `Accept` header) picks the format when `format=` does not.
    pub fn check(self, accept: Option<&str>) -> Result<ExportRequest, ExportRefused> {
        let mut parser = Parser::default();
        let fields = self.parse_each(&mut parser, accept)?;
        let Parser { mut errors, repeat } = parser;
        sync_rules(&fields, &repeat, &mut errors);
        self.paging_rules(&fields, &mut errors);
        if !errors.is_empty() {
            return Err(ExportRefused::Invalid(errors));
        }
        Ok(fields.into_request(non_blank(&self.since), repeat))
    }

    /// Every parameter on its own, in the order errors name them.
    fn parse_each(&self, p: &mut Parser, accept: Option<&str>) -> Result<Fields, ExportRefused> {
        let brand = p.parse("brand", &self.brand, Repeat::Yes, |b| {
            Ok::<_, String>(b.to_owned())
        });
        let format = p.format(&self.format, accept)?;
        let preset = p.parse("preset", &self.preset, Repeat::Yes, str::parse::<Preset>);
        let marketplace = p.marketplace(&self.marketplace, preset);
        let status = p.parse("status", &self.status, Repeat::Yes, status);
        let min_reporters = p.parse(
            "min_reporters",
            &self.min_reporters,
            Repeat::Yes,
            number_in(1, MAX_MIN_REPORTERS, "Use a whole number from 1 to 1000000"),
        );
        let reported_after = p.parse("reported_after", &self.reported_after, Repeat::Yes, time);
        let reported_before = p.parse("reported_before", &self.reported_before, Repeat::Yes, time);
        let since = p.parse("since", &self.since, Repeat::No, cursor);
        let part = p.part(&self.part, preset);
        // Set by next_part links: parts after the first continue where the one before ended,
        // on the first part's snapshot.
        let of = p.parse("of", &self.of, Repeat::No, cursor);
        let after = p.parse(
            "after",
            &self.after,
            Repeat::No,
            number_in(
                0,
                i64::MAX,
                "after must be the listing number a next_part link gave",
            ),
        );
        let parts = p.parse(
            "parts",
            &self.parts,
            Repeat::No,
            number_in(1, MAX_PART, "parts must be the count a next_part link gave"),
        );
        Ok(Fields {
            brand,
            format,
            preset,
            marketplace,
            status,
            min_reporters,
            reported_after,
            reported_before,
            since,
            part,
            of,
            after,
            parts,
        })
    }

    /// Parts after the first come only from `next_part` links, and only they carry `of`,
    /// `after` and `parts`.
    fn paging_rules(&self, fields: &Fields, errors: &mut FieldErrors) {
        let later_part = fields.part.is_some_and(|p| p > 1);
        if later_part && (fields.of.is_none() || fields.after.is_none()) && errors.is_empty() {
            errors.add(
                "part",
                "Fetch parts after the first through the next_part link of the part before \
                 (the X-Next-Part header, or next_part in JSON): it keeps the list as it was \
                 when part 1 was made, so no listing falls between two parts",
            );
        }
        let link_fields_given = [&self.of, &self.after, &self.parts]
            .into_iter()
            .any(|given| non_blank(given).is_some());
        if !later_part && link_fields_given {
            errors.add(
                "part",
                "of, after and parts belong to next_part links of parts after the first",
            );
        }
    }
}

/// A sync takes no filters (see [`SYNC_IGNORES`]); withdrawn listings are only in syncs.
fn sync_rules(fields: &Fields, repeat: &[(&'static str, String)], errors: &mut FieldErrors) {
    if fields.since.is_some() {
        for filter in SYNC_IGNORES {
            // A filter is repeated in links exactly when it was given and valid.
            if repeat.iter().any(|(name, _)| *name == filter) {
                errors.add(
                    filter,
                    "since= returns every listing that changed, with its status, so that a \
                     synced copy can update or drop it: filter full lists instead",
                );
            }
        }
    } else if fields.status == Some(ListingStatus::Withdrawn) {
        errors.add(
            "status",
            "Full lists hold only listings with live reports; withdrawn ones come in \
             incremental lists (since=), so that a synced copy can drop them",
        );
    }
}

impl Fields {
    fn into_request(
        self,
        since_param: Option<&str>,
        repeat: Vec<(&'static str, String)>,
    ) -> ExportRequest {
        ExportRequest {
            brand: self.brand,
            format: self.format.unwrap_or(Format::Json),
            preset: self.preset,
            filter: ExportFilter {
                marketplace: self.marketplace,
                // An explicit status filter shows any listing; a ready-to-file list shows the
                // fileable ones.
                status: match (self.status, self.preset) {
                    (Some(status), _) => Some(vec![status]),
                    (None, Some(_)) => Some(FILEABLE.to_vec()),
                    (None, None) => None,
                },
                min_reporters: self.min_reporters,
                reported_after: self.reported_after,
                reported_before: self.reported_before,
                since: self.since,
                frozen: self.of.clone(),
                after: self.after,
                limit: None,
            },
            part: self.part,
            of: self.of,
            parts: self.parts,
            since_param: since_param.map(str::to_owned),
            repeat_query: repeat,
        }
    }
}

impl ExportRequest {
    /// The query of the `next` link: this request again with `since=<cursor>`, without `part`
    /// or filters (a sync takes none).
    pub fn sync_query(&self, cursor: &str) -> Vec<(&'static str, String)> {
        self.repeat_query
            .iter()
            .filter(|(name, _)| !SYNC_IGNORES.contains(name))
            .cloned()
            .chain([("since", cursor.to_owned())])
            .collect()
    }

    /// The query of a list's next part: this request, continued after listing `after` on the
    /// first part's snapshot `of`, carrying the part count.
    pub fn part_query(
        &self,
        (part, parts): (i64, i64),
        of: &str,
        after: i64,
    ) -> Vec<(&'static str, String)> {
        self.repeat_query
            .iter()
            .cloned()
            .chain(self.since_param.clone().map(|since| ("since", since)))
            .chain([
                ("part", part.to_string()),
                ("parts", parts.to_string()),
                ("of", of.to_owned()),
                ("after", after.to_string()),
            ])
            .collect()
    }
}
