//! The export's query string, checked field by field.

use serde::Deserialize;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

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
    pub format: Option<String>,
    /// `aliexpress`, `amazon`, `ebay` or `dsa`: the columns of that complaint form.
    pub preset: Option<String>,
    /// Only this marketplace's listings (`aliexpress`, `amazon`, …).
    pub marketplace: Option<String>,
    /// `reported`, `verified`, `withdrawn`, `removed`, `confirmed_counterfeit`, `genuine` or
    /// `rejected_by_marketplace`.
    pub status: Option<String>,
    /// Only listings reported by at least this many different buyers.
    pub min_reporters: Option<String>,
    /// Only listings with a report at or after this date (`YYYY-MM-DD`) or time (RFC 3339).
    pub reported_after: Option<String>,
    /// Only listings with a report before this date or time.
    pub reported_before: Option<String>,
    /// The cursor of an earlier export: only listings new or changed since.
    pub since: Option<String>,
    /// With `preset=aliexpress`: which part of 300 listings (from 1). Parts after the first
    /// come from the `next_part` link of the part before (`X-Next-Part`, JSON `next_part`).
    pub part: Option<String>,
    /// Set by `next_part` links: the cursor of the list's first part.
    pub of: Option<String>,
    /// Set by `next_part` links: where the previous part ended.
    pub after: Option<String>,
    /// Set by `next_part` links: the part count the first part found.
    pub parts: Option<String>,
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
    pub fn check(self, accept: Option<&str>) -> Result<ExportRequest, AppError> {
        let mut errors = FieldErrors::new();
        let mut repeat = Vec::new();
        let blank = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };

        let brand = blank(&self.brand);
        if let Some(b) = &brand {
            repeat.push(("brand", b.clone()));
        }
        let format = match blank(&self.format) {
            Some(f) => match f.parse::<Format>() {
                Ok(format) => {
                    repeat.push(("format", f));
                    Some(format)
                }
                Err(e) => {
                    errors.add("format", e);
                    None
                }
            },
            None => match Format::from_accept(accept) {
                Some(format) => {
                    // Links must give the same format without the Accept header.
                    repeat.push(("format", format.as_str().to_owned()));
                    Some(format)
                }
                None => {
                    return Err(AppError::NotAcceptable(
                        "Takedown lists come as text/csv, application/json, \
                         application/x-ndjson or text/plain; or use format=csv|json|ndjson|txt."
                            .into(),
                    ));
                }
            },
        };
        let preset = blank(&self.preset).and_then(|p| match p.parse::<Preset>() {
            Ok(preset) => {
                repeat.push(("preset", p));
                Some(preset)
            }
            Err(e) => {
                errors.add("preset", e);
                None
            }
        });
        let mut marketplace = blank(&self.marketplace).and_then(|m| {
            match Marketplace::ALL.iter().find(|x| x.as_str() == m) {
                Some(found) => {
                    repeat.push(("marketplace", m));
                    Some(*found)
                }
                None => {
                    errors.add("marketplace", format!("Unknown marketplace {m:?}"));
                    None
                }
            }
        });
        if let Some(only) = preset.and_then(Preset::marketplace) {
            match marketplace {
                Some(m) if m != only => errors.add(
                    "marketplace",
                    format!(
                        "preset={} lists only {} listings",
                        preset.map(|p| p.as_str()).unwrap_or_default(),
                        only.as_str()
                    ),
                ),
                _ => marketplace = Some(only),
            }
        }
        let status = blank(&self.status).and_then(|s| {
            if ListingStatus::NAMES.contains(&s.as_str()) {
                repeat.push(("status", s.clone()));
                Some(s)
            } else {
                errors.add(
                    "status",
                    format!(
                        "Unknown status {s:?}; use one of {}",
                        ListingStatus::NAMES.join(", ")
                    ),
                );
                None
            }
        });
        let min_reporters = blank(&self.min_reporters).and_then(|n| match n.parse::<i64>() {
            Ok(v) if (1..=MAX_MIN_REPORTERS).contains(&v) => {
                repeat.push(("min_reporters", n));
                Some(v)
            }
            _ => {
                errors.add(
                    "min_reporters",
                    format!("Use a whole number from 1 to {MAX_MIN_REPORTERS}"),
                );
                None
            }
        });
        let mut time_param = |name: &'static str, value: &Option<String>| {
            blank(value).and_then(|v| match parse_time(&v) {
                Some(t) => {
                    repeat.push((name, v));
                    Some(t)
                }
                None => {
                    errors.add(
                        name,
                        "Use a date (2026-11-25) or an RFC 3339 time (2026-11-25T08:00:00Z)",
                    );
                    None
                }
            })
        };
        let reported_after = time_param("reported_after", &self.reported_after);
        let reported_before = time_param("reported_before", &self.reported_before);
        let since = blank(&self.since).and_then(|s| match Cursor::decode(&s) {
            Ok(cursor) => Some(cursor),
            Err(e) => {
                errors.add("since", e.to_string());
                None
            }
        });
        let part = match (blank(&self.part), preset.and_then(Preset::part_rows)) {
            (None, Some(_)) => Some(1),
            (None, None) => None,
            (Some(p), Some(_)) => match p.parse::<i64>() {
                Ok(v) if (1..=MAX_PART).contains(&v) => Some(v),
                _ => {
                    errors.add("part", format!("Parts are numbered from 1 to {MAX_PART}"));
                    None
                }
            },
            (Some(_), None) => {
                errors.add("part", "Only preset=aliexpress comes in parts");
                None
            }
        };
        // Parts after the first continue where the one before ended, on the same snapshot.
        let of = blank(&self.of).and_then(|s| match Cursor::decode(&s) {
            Ok(cursor) => Some(cursor),
            Err(e) => {
                errors.add("of", e.to_string());
                None
            }
        });
        let after = blank(&self.after).and_then(|a| match a.parse::<i64>() {
            Ok(v) if v >= 0 => Some(v),
            _ => {
                errors.add(
                    "after",
                    "after must be the listing number a next_part link gave",
                );
                None
            }
        });
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
        }
        if status.as_deref() == Some("withdrawn") && self.since.is_none() {
            errors.add(
                "status",
                "Full lists hold only listings with live reports; withdrawn ones come in \
                 incremental lists (since=), so that a synced copy can drop them",
            );
        }
        let parts = blank(&self.parts).and_then(|n| match n.parse::<i64>() {
            Ok(v) if (1..=MAX_PART).contains(&v) => Some(v),
            _ => {
                errors.add("parts", "parts must be the count a next_part link gave");
                None
            }
        });
        if part.is_some_and(|p| p > 1) && (of.is_none() || after.is_none()) && errors.is_empty() {
            errors.add(
                "part",
                "Fetch parts after the first through the next_part link of the part before \
                 (the X-Next-Part header, or next_part in JSON): it keeps the list as it was \
                 when part 1 was made, so no listing falls between two parts",
            );
        }
        if part.is_none_or(|p| p == 1)
            && (self.of.is_some() || self.after.is_some() || self.parts.is_some())
        {
            errors.add(
                "part",
                "of and after belong to next_part links of parts after the first",
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
            since_param: blank(&self.since),
            repeat_query: repeat,
        })
    }
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
