//! The export's query string, checked field by field.

use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};
use utoipa::openapi::schema::{
    AnyOfBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};

use crate::db::takedowns::ExportFilter;
use crate::domain::Marketplace;
use crate::domain::takedown::cursor::Cursor;
use crate::domain::takedown::{Format, ListingStatus, Preset};
use crate::domain::validation::FieldErrors;
use crate::error::AppError;

/// `GET /api/v1/takedowns` parameters, all optional and checked by [`ExportParams::check`].
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
    #[param(schema_with = min_reporters_schema)]
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
    #[param(schema_with = part_schema)]
    pub part: Option<String>,
    /// Set by `next_part` links: the cursor of the list's first part.
    pub of: Option<String>,
    /// Set by `next_part` links: where the previous part ended.
    #[param(schema_with = after_schema)]
    pub after: Option<String>,
    /// Set by `next_part` links: the part count the first part found.
    #[param(schema_with = parts_schema)]
    pub parts: Option<String>,
}

/// How the document states a number parameter: a whole number from `min` to `max`, or blank,
/// which is as if it were left out (as with every export parameter). utoipa leaves the field's
/// doc comment out of a `schema_with` parameter, so the description comes along here.
fn number_or_blank(min: i64, max: i64, description: &str) -> Schema {
    let number = ObjectBuilder::new()
        .schema_type(Type::Integer)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Int64)))
        .minimum(Some(min))
        .maximum(Some(max));
    let blank = ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(0));
    let either = AnyOfBuilder::new().item(number).item(blank);
    Schema::AnyOf(either.description(Some(description)).build())
}

fn min_reporters_schema() -> Schema {
    number_or_blank(
        1,
        MAX_MIN_REPORTERS,
        "Only listings reported by at least this many different buyers; not with `since`.",
    )
}

fn part_schema() -> Schema {
    number_or_blank(
        1,
        MAX_PART,
        "With `preset=aliexpress`: which part of 300 listings (from 1); parts after the first \
         come from the `next_part` link of the part before.",
    )
}

fn parts_schema() -> Schema {
    number_or_blank(
        1,
        MAX_PART,
        "Set by `next_part` links: the part count the first part found.",
    )
}

fn after_schema() -> Schema {
    number_or_blank(
        0,
        i64::MAX,
        "Set by `next_part` links: where the previous part ended.",
    )
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

const MAX_MIN_REPORTERS: i64 = 1_000_000;
/// More parts than any brand could have; keeps part arithmetic far from overflow.
const MAX_PART: i64 = 1_000_000;
/// The statuses a preset (ready-to-file) list shows unless `status=` says otherwise.
pub const FILEABLE: [&str; 3] = ["reported", "verified", "confirmed_counterfeit"];

impl ExportParams {
    /// Checks every field, naming each bad one, and the rules between them.
    pub fn check(self, accept: Option<&str>) -> Result<ExportRequest, AppError> {
        let mut f = Fields::default();
        let brand = f.parse("brand", &self.brand, Repeat::Yes, |b| {
            Ok::<_, String>(b.to_owned())
        });
        let format = if non_blank(&self.format).is_some() {
            f.parse("format", &self.format, Repeat::Yes, str::parse::<Format>)
        } else {
            let format = Format::from_accept(accept).ok_or_else(|| {
                AppError::NotAcceptable(
                    "Takedown lists come as text/csv, application/json, application/x-ndjson \
                     or text/plain; or use format=csv|json|ndjson|txt."
                        .into(),
                )
            })?;
            // Links must give the same format without the Accept header.
            f.repeat.push(("format", format.as_str().to_owned()));
            Some(format)
        };
        let preset = f.parse("preset", &self.preset, Repeat::Yes, str::parse::<Preset>);
        let mut marketplace = f.parse("marketplace", &self.marketplace, Repeat::Yes, |m| {
            Marketplace::ALL
                .into_iter()
                .find(|x| x.as_str() == m)
                .ok_or_else(|| format!("Unknown marketplace {m:?}"))
        });
        if let Some((preset, only)) = preset.and_then(|p| Some((p, p.marketplace()?))) {
            match marketplace {
                Some(m) if m != only => f.errors.add(
                    "marketplace",
                    format!("preset={preset} lists only {} listings", only.as_str()),
                ),
                _ => marketplace = Some(only),
            }
        }
        let status = f.parse("status", &self.status, Repeat::Yes, |s| {
            if ListingStatus::NAMES.contains(&s) {
                Ok(s.to_owned())
            } else {
                Err(format!(
                    "Unknown status {s:?}; use one of {}",
                    ListingStatus::NAMES.join(", ")
                ))
            }
        });
        let min_reporters = f.parse(
            "min_reporters",
            &self.min_reporters,
            Repeat::Yes,
            number_in(1, MAX_MIN_REPORTERS, "Use a whole number from 1 to 1000000"),
        );
        let reported_after = f.parse("reported_after", &self.reported_after, Repeat::Yes, time);
        let reported_before = f.parse("reported_before", &self.reported_before, Repeat::Yes, time);
        let since = f.parse("since", &self.since, Repeat::No, cursor);
        let part = match preset.and_then(Preset::part_rows) {
            Some(_) if non_blank(&self.part).is_none() => Some(1),
            Some(_) => f.parse(
                "part",
                &self.part,
                Repeat::No,
                number_in(1, MAX_PART, "Parts are numbered from 1 to 1000000"),
            ),
            None => {
                if non_blank(&self.part).is_some() {
                    f.errors
                        .add("part", "Only preset=aliexpress comes in parts");
                }
                None
            }
        };
        // Set by next_part links: parts after the first continue where the one before ended,
        // on the first part's snapshot.
        let of = f.parse("of", &self.of, Repeat::No, cursor);
        let after = f.parse(
            "after",
            &self.after,
            Repeat::No,
            number_in(
                0,
                i64::MAX,
                "after must be the listing number a next_part link gave",
            ),
        );
        let parts = f.parse(
            "parts",
            &self.parts,
            Repeat::No,
            number_in(1, MAX_PART, "parts must be the count a next_part link gave"),
        );

        let mut errors = f.errors;
        // A sync returns every listing that changed, whatever it became, so that a synced copy
        // can update or drop it; a filter would hide exactly the rows that left the list.
        if since.is_some() {
            for (field, given) in [
                ("status", status.is_some()),
                ("min_reporters", min_reporters.is_some()),
                ("reported_after", reported_after.is_some()),
                ("reported_before", reported_before.is_some()),
            ] {
                if given {
                    errors.add(
                        field,
                        "since= returns every listing that changed, with its status, so that a \
                         synced copy can update or drop it: filter full lists instead",
                    );
                }
            }
        } else if status.as_deref() == Some("withdrawn") {
            errors.add(
                "status",
                "Full lists hold only listings with live reports; withdrawn ones come in \
                 incremental lists (since=), so that a synced copy can drop them",
            );
        }
        if part.is_some_and(|p| p > 1) && (of.is_none() || after.is_none()) && errors.is_empty() {
            errors.add(
                "part",
                "Fetch parts after the first through the next_part link of the part before \
                 (the X-Next-Part header, or next_part in JSON): it keeps the list as it was \
                 when part 1 was made, so no listing falls between two parts",
            );
        }
        if part.is_none_or(|p| p == 1)
            && [&self.of, &self.after, &self.parts]
                .into_iter()
                .any(|given| non_blank(given).is_some())
        {
            errors.add(
                "part",
                "of, after and parts belong to next_part links of parts after the first",
            );
        }
        if !errors.is_empty() {
            return Err(AppError::Validation(errors));
        }
        Ok(ExportRequest {
            brand,
            format: format.unwrap_or(Format::Json),
            preset,
            filter: ExportFilter {
                marketplace: marketplace.map(|m| m.as_str().to_owned()),
                // Ready-to-file lists leave out listings there is nothing to file against: taken
                // down, declared genuine, refused by the marketplace, or withdrawn. An explicit
                // status filter still shows them.
                status: match (status, preset) {
                    (Some(status), _) => Some(vec![status]),
                    (None, Some(_)) => Some(FILEABLE.iter().map(|s| (*s).to_owned()).collect()),
                    (None, None) => None,
                },
                min_reporters,
                reported_after,
                reported_before,
                since: since.map(|c| c.snapshot().to_owned()),
                frozen: of.as_ref().map(|c| c.snapshot().to_owned()),
                after,
                limit: None,
            },
            part,
            of,
            parts,
            since_param: non_blank(&self.since).map(str::to_owned),
            repeat_query: f.repeat,
        })
    }
}

/// Whether a parameter goes into the links an export hands out.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Repeat {
    Yes,
    No,
}

/// Collects every field's error, so that one answer names them all, and the parameters the
/// export's links repeat.
#[derive(Default)]
struct Fields {
    errors: FieldErrors,
    repeat: Vec<(&'static str, String)>,
}

impl Fields {
    /// The parameter, trimmed and parsed; `None` when it is absent, blank or (recorded as an
    /// error) not valid.
    fn parse<T, E: ToString>(
        &mut self,
        name: &'static str,
        raw: &Option<String>,
        repeat: Repeat,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Option<T> {
        let value = non_blank(raw)?;
        match parse(value) {
            Ok(parsed) => {
                if repeat == Repeat::Yes {
                    self.repeat.push((name, value.to_owned()));
                }
                Some(parsed)
            }
            Err(e) => {
                self.errors.add(name, e.to_string());
                None
            }
        }
    }
}

fn non_blank(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A whole number in `min..=max`, or `message`.
fn number_in(
    min: i64,
    max: i64,
    message: &'static str,
) -> impl FnOnce(&str) -> Result<i64, &'static str> {
    move |text| {
        text.parse::<i64>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .ok_or(message)
    }
}

fn cursor(text: &str) -> Result<Cursor, String> {
    Cursor::decode(text).map_err(|e| e.to_string())
}

fn time(text: &str) -> Result<OffsetDateTime, &'static str> {
    parse_time(text).ok_or("Use a date (2026-11-25) or an RFC 3339 time (2026-11-25T08:00:00Z)")
}

/// A day (its start, UTC) or an RFC 3339 time.
fn parse_time(text: &str) -> Option<OffsetDateTime> {
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(t);
    }
    Date::parse(text, format_description!("[year]-[month]-[day]"))
        .ok()
        .map(|d| d.midnight().assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> ExportParams {
        let query: String = pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&");
        from_query(&query)
    }

    fn from_query(query: &str) -> ExportParams {
        let mut p = ExportParams::default();
        for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
            let v = Some(v.into_owned());
            match k.as_ref() {
                "brand" => p.brand = v,
                "format" => p.format = v,
                "preset" => p.preset = v,
                "marketplace" => p.marketplace = v,
                "status" => p.status = v,
                "min_reporters" => p.min_reporters = v,
                "reported_after" => p.reported_after = v,
                "reported_before" => p.reported_before = v,
                "since" => p.since = v,
                "part" => p.part = v,
                "of" => p.of = v,
                "after" => p.after = v,
                "parts" => p.parts = v,
                _ => {}
            }
        }
        p
    }

    fn errors(result: Result<ExportRequest, AppError>) -> Vec<String> {
        match result {
            Err(AppError::Validation(e)) => {
                e.as_slice().iter().map(|e| e.field.to_string()).collect()
            }
            other => panic!("expected validation errors, got {other:?}"),
        }
    }

    #[test]
    fn format_param_wins_over_accept() {
        let r = params(&[("format", "csv")])
            .check(Some("application/json"))
            .expect("ok");
        assert_eq!(r.format, Format::Csv);
        let r = params(&[]).check(Some("application/x-ndjson")).expect("ok");
        assert_eq!(r.format, Format::Ndjson);
        assert!(matches!(
            params(&[]).check(Some("image/png")),
            Err(AppError::NotAcceptable(_))
        ));
    }

    #[test]
    fn presets_restrict_the_marketplace_and_aliexpress_has_parts() {
        let r = params(&[("preset", "aliexpress")]).check(None).expect("ok");
        assert_eq!(r.filter.marketplace.as_deref(), Some("aliexpress"));
        assert_eq!(r.part, Some(1));
        let r = params(&[("preset", "dsa"), ("marketplace", "temu")])
            .check(None)
            .expect("ok");
        assert_eq!(r.filter.marketplace.as_deref(), Some("temu"));
        assert_eq!(r.part, None);
        assert_eq!(
            errors(params(&[("preset", "amazon"), ("marketplace", "ebay")]).check(None)),
            ["marketplace"]
        );
        assert_eq!(
            errors(params(&[("preset", "ebay"), ("part", "2")]).check(None)),
            ["part"]
        );
        assert_eq!(
            errors(params(&[("preset", "aliexpress"), ("part", "0")]).check(None)),
            ["part"]
        );
        // Later parts come from next_part links, which carry where to continue.
        assert_eq!(
            errors(params(&[("preset", "aliexpress"), ("part", "2")]).check(None)),
            ["part"]
        );
        let cursor = Cursor::from_snapshot("10:10:").expect("snapshot").encode();
        let r = params(&[
            ("preset", "aliexpress"),
            ("part", "2"),
            ("of", &cursor),
            ("after", "41"),
        ])
        .check(None)
        .expect("ok");
        assert_eq!((r.part, r.filter.after), (Some(2), Some(41)));
        assert_eq!(r.filter.frozen.as_deref(), Some("10:10:"));
        assert_eq!(
            errors(params(&[("preset", "aliexpress"), ("of", &cursor)]).check(None)),
            ["part"]
        );
    }

    #[test]
    fn every_bad_field_is_named() {
        let fields = errors(
            params(&[
                ("format", "xlsx"),
                ("preset", "wish"),
                ("marketplace", "mars"),
                ("status", "gone"),
                ("min_reporters", "-1"),
                ("reported_after", "yesterday"),
                ("reported_before", "2026-13-01"),
                ("since", "1:2:"),
            ])
            .check(None),
        );
        assert_eq!(
            fields,
            [
                "format",
                "preset",
                "marketplace",
                "status",
                "min_reporters",
                "reported_after",
                "reported_before",
                "since"
            ]
        );
    }

    #[test]
    fn dates_and_times_both_parse() {
        let r = params(&[
            ("reported_after", "2026-11-01"),
            ("reported_before", "2026-11-25T08:00:00Z"),
        ])
        .check(None)
        .expect("ok");
        assert_eq!(
            r.filter.reported_after.map(|t| t.unix_timestamp()),
            Some(1_793_491_200)
        );
        assert!(r.filter.reported_before.is_some());
        assert_eq!(
            r.repeat_query,
            [
                ("format", "json".to_owned()),
                ("reported_after", "2026-11-01".to_owned()),
                ("reported_before", "2026-11-25T08:00:00Z".to_owned())
            ]
        );
    }
}
