//! The parameters one by one: trimmed, blank ones left out, each error recorded against its
//! parameter, and the valid ones the export's links repeat.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime};

use super::{ExportRefused, MAX_PART};
use crate::domain::Marketplace;
use crate::domain::takedown::cursor::Cursor;
use crate::domain::takedown::format::Format;
use crate::domain::takedown::preset::Preset;
use crate::domain::takedown::row::ListingStatus;
use crate::domain::validation::FieldErrors;

/// Whether a parameter goes into the links an export hands out.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Repeat {
    Yes,
    No,
}

/// Collects every field's error, so that one answer names them all, and the parameters the
/// export's links repeat.
#[derive(Default)]
pub(super) struct Parser {
    pub(super) errors: FieldErrors,
    pub(super) repeat: Vec<(&'static str, String)>,
}

impl Parser {
    /// The parameter, trimmed and parsed; `None` when it is absent, blank or (recorded as an
    /// error) not valid.
    pub(super) fn parse<T, E: ToString>(
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

    /// `format=`, else the format the `Accept` header asks for, which links then repeat as
    /// `format=` so that they give the same format without the header.
    pub(super) fn format(
        &mut self,
        raw: &Option<String>,
        accept: Option<&str>,
    ) -> Result<Option<Format>, ExportRefused> {
        if non_blank(raw).is_some() {
            return Ok(self.parse("format", raw, Repeat::Yes, str::parse::<Format>));
        }
        let format = Format::from_accept(accept).ok_or(ExportRefused::NotAcceptable)?;
        self.repeat.push(("format", format.as_str().to_owned()));
        Ok(Some(format))
    }

    /// `marketplace=`, which a marketplace's preset implies and must not contradict.
    pub(super) fn marketplace(
        &mut self,
        raw: &Option<String>,
        preset: Option<Preset>,
    ) -> Option<Marketplace> {
        let given = self.parse("marketplace", raw, Repeat::Yes, |m| {
            m.parse::<Marketplace>()
                .map_err(|_| format!("Unknown marketplace {m:?}"))
        });
        let Some((preset, only)) = preset.and_then(|p| Some((p, p.marketplace()?))) else {
            return given;
        };
        match given {
            Some(m) if m != only => {
                self.errors.add(
                    "marketplace",
                    format!("preset={preset} lists only {} listings", only.as_str()),
                );
                given
            }
            _ => Some(only),
        }
    }

    /// `part=`: only presets that come in parts take it, and they start at part 1.
    pub(super) fn part(&mut self, raw: &Option<String>, preset: Option<Preset>) -> Option<i64> {
        let in_parts = preset.and_then(Preset::part_rows).is_some();
        match (in_parts, non_blank(raw)) {
            (true, None) => Some(1),
            (true, Some(_)) => self.parse(
                "part",
                raw,
                Repeat::No,
                number_in(1, MAX_PART, "Parts are numbered from 1 to 1000000"),
            ),
            (false, given) => {
                if given.is_some() {
                    self.errors
                        .add("part", "Only preset=aliexpress comes in parts");
                }
                None
            }
        }
    }
}

pub(super) fn non_blank(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A whole number in `min..=max`, or `message`.
pub(super) fn number_in(
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

pub(super) fn status(text: &str) -> Result<ListingStatus, String> {
    text.parse().map_err(|_| {
        format!(
            "Unknown status {text:?}; use one of {}",
            ListingStatus::NAMES.join(", ")
        )
    })
}

pub(super) fn cursor(text: &str) -> Result<Cursor, String> {
    Cursor::decode(text).map_err(|e| e.to_string())
}

pub(super) fn time(text: &str) -> Result<OffsetDateTime, &'static str> {
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
