//! The file formats a takedown list comes in, chosen by `format=` or the `Accept` header.

/// A format's name is the variant's in lower case; `ndjson` is also read as `jsonl`.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    serde::Serialize,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(
    serialize_all = "lowercase",
    parse_err_ty = String,
    parse_err_fn = unknown_format
)]
pub enum Format {
    /// RFC 4180, UTF-8, header row; what spreadsheets and bulk-upload forms take.
    Csv,
    /// One document with the rows and the paging fields.
    Json,
    /// One JSON object per line, for streaming consumers.
    #[strum(to_string = "ndjson", serialize = "jsonl")]
    Ndjson,
    /// Listing URLs, one per line, for complaint forms' paste boxes.
    Txt,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8; header=present",
            Format::Json => "application/json",
            Format::Ndjson => "application/x-ndjson",
            Format::Txt => "text/plain; charset=utf-8",
        }
    }

    /// The format an `Accept` header asks for: the first media range we can serve, in the
    /// client's order of preference (q-values), JSON for `*/*` or no header.
    pub fn from_accept(accept: Option<&str>) -> Option<Format> {
        let Some(accept) = accept else {
            return Some(Format::Json);
        };
        let mut ranges: Vec<(f32, usize, &str)> = accept
            .split(',')
            .enumerate()
            .filter_map(|(position, range)| {
                let mut params = range.split(';');
                let media = params.next()?.trim();
                let q = params
                    .filter_map(|p| p.trim().strip_prefix("q="))
                    .find_map(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                (q > 0.0 && !media.is_empty()).then_some((q, position, media))
            })
            .collect();
        // Highest q first; equal q keeps the client's order.
        ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranges
            .into_iter()
            .find_map(|(_, _, media)| match media.to_ascii_lowercase().as_str() {
                "text/csv" | "application/csv" => Some(Format::Csv),
                "application/json" | "application/*" | "*/*" => Some(Format::Json),
                "application/x-ndjson"
                | "application/ndjson"
                | "application/jsonl"
                | "application/x-jsonlines" => Some(Format::Ndjson),
                "text/plain" | "text/*" => Some(Format::Txt),
                _ => None,
            })
    }
}

fn unknown_format(name: &str) -> String {
    format!("unknown format {name:?}; use csv, json, ndjson or txt")
}

#[cfg(test)]
mod tests {
    use super::*;

    use strum::VariantArray;

    #[test]
    fn names_parse() {
        for &format in Format::VARIANTS {
            assert_eq!(format.as_str().parse(), Ok(format));
            assert_eq!(format.to_string(), format.as_str());
            let json = serde_json::to_string(&format).expect("serialises");
            assert_eq!(json, format!("\"{format}\""));
        }
        let names: Vec<&str> = Format::VARIANTS.iter().map(|f| f.as_str()).collect();
        assert_eq!(names, ["csv", "json", "ndjson", "txt"]);
        assert_eq!("jsonl".parse(), Ok(Format::Ndjson));
        assert_eq!(
            "xlsx".parse::<Format>(),
            Err("unknown format \"xlsx\"; use csv, json, ndjson or txt".to_owned())
        );
    }

    #[test]
    fn accept_header_picks_by_preference() {
        assert_eq!(Format::from_accept(None), Some(Format::Json));
        assert_eq!(Format::from_accept(Some("*/*")), Some(Format::Json));
        assert_eq!(Format::from_accept(Some("text/csv")), Some(Format::Csv));
        assert_eq!(
            Format::from_accept(Some("application/x-ndjson")),
            Some(Format::Ndjson)
        );
        assert_eq!(
            Format::from_accept(Some("text/plain;q=0.5, text/csv;q=0.9")),
            Some(Format::Csv)
        );
        assert_eq!(
            Format::from_accept(Some("image/png, text/csv; charset=utf-8")),
            Some(Format::Csv)
        );
        assert_eq!(
            Format::from_accept(Some("TEXT/CSV;q=0, application/json")),
            Some(Format::Json)
        );
        assert_eq!(Format::from_accept(Some("image/png")), None);
    }
}
