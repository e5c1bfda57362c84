//! Turns takedown rows into the bytes of each format, a chunk at a time, so that an export of
//! any size streams in constant memory.

use std::io::Write;

use bytes::Bytes;
use serde::Serialize;
use serde::ser::SerializeMap;

use crate::domain::takedown::cell::neutralise;
use crate::domain::takedown::row::FULL_COLUMNS;
use crate::domain::takedown::{Format, Preset, TakedownRow};

/// The fields of the JSON document that come before the rows.
#[derive(Debug, Serialize)]
pub struct Envelope<'a> {
    pub brand: &'a str,
    pub brand_name: &'a str,
    pub format: Format,
    pub preset: Option<&'a str>,
    /// Column order of the preset's rows (JSON objects have none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<&'a [&'a str]>,
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: time::OffsetDateTime,
    /// Pass as `since=` to get only what is new or changed after this list.
    pub cursor: &'a str,
    /// The same request with `since=<cursor>`.
    pub next: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts: Option<i64>,
    /// The next part's URL (parts after the first continue where the one before ended).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_part: Option<&'a str>,
}

/// Writes rows; `take` hands over what has accumulated.
pub struct Encoder {
    format: Format,
    preset: Option<Preset>,
    csv: Option<csv::Writer<Vec<u8>>>,
    buf: Vec<u8>,
    rows: u64,
}

/// Bytes gathered before they are sent: big enough for few syscalls, small enough that memory
/// does not depend on the list's length.
pub const CHUNK_BYTES: usize = 64 * 1024;

impl Encoder {
    pub fn new(format: Format, preset: Option<Preset>, envelope: &Envelope<'_>) -> Self {
        let mut encoder = Encoder {
            format,
            preset,
            csv: None,
            buf: Vec::with_capacity(CHUNK_BYTES * 2),
            rows: 0,
        };
        match format {
            Format::Csv => {
                // A byte-order mark tells Excel the full list is UTF-8 (it assumes a legacy
                // code page otherwise). Preset files go to upload forms, which may not expect it.
                if preset.is_none() {
                    encoder.buf.extend_from_slice("\u{feff}".as_bytes());
                }
                let mut writer = csv_writer();
                let columns = preset.map_or(&FULL_COLUMNS[..], Preset::columns);
                // Writing into a Vec cannot fail.
                let _ = writer.write_record(columns);
                encoder.csv = Some(writer);
            }
            Format::Json => {
                // The envelope without its closing brace, then the rows array. (Serialising
                // strings and numbers cannot fail; if it did, the document would still parse.)
                let mut head = serde_json::to_vec(envelope).unwrap_or_else(|_| b"{}".to_vec());
                head.pop();
                if head.len() > 1 {
                    head.push(b',');
                }
                encoder.buf.extend_from_slice(&head);
                encoder.buf.extend_from_slice(b"\"rows\":[");
            }
            Format::Ndjson | Format::Txt => {}
        }
        encoder
    }

    pub fn write(&mut self, row: &TakedownRow) {
        match self.format {
            Format::Csv => {
                let record = match self.preset {
                    Some(preset) => preset.record(row),
                    None => row.full_record(),
                };
                if let Some(writer) = &mut self.csv {
                    let _ = writer
                        .write_record(record.iter().map(|cell| neutralise(cell).into_owned()));
                }
            }
            Format::Json => {
                if self.rows > 0 {
                    self.buf.push(b',');
                }
                self.buf.push(b'\n');
                self.json_row(row);
            }
            Format::Ndjson => {
                self.json_row(row);
                self.buf.push(b'\n');
            }
            Format::Txt => {
                self.buf.extend_from_slice(row.listing_url.as_bytes());
                self.buf.push(b'\n');
            }
        }
        self.rows += 1;
    }

    fn json_row(&mut self, row: &TakedownRow) {
        let written = match self.preset {
            Some(preset) => serde_json::to_writer(
                &mut self.buf,
                &PresetRecord {
                    columns: preset.columns(),
                    cells: preset.record(row),
                },
            ),
            None => serde_json::to_writer(&mut self.buf, row),
        };
        // Serialising strings and numbers into a Vec cannot fail.
        debug_assert!(written.is_ok());
    }

    pub fn rows(&self) -> u64 {
        self.rows
    }

    /// Bytes ready to send, if a chunk's worth has gathered.
    pub fn chunk(&mut self) -> Option<Bytes> {
        (self.pending() >= CHUNK_BYTES).then(|| self.take())
    }

    fn pending(&self) -> usize {
        self.buf.len() + self.csv.as_ref().map_or(0, |w| w.get_ref().len())
    }

    fn take(&mut self) -> Bytes {
        if let Some(writer) = self.csv.take() {
            // Hands over the written bytes; the next writer continues with the next record.
            if let Ok(mut written) = writer.into_inner() {
                self.buf.append(&mut written);
            }
            self.csv = Some(csv_writer());
        }
        Bytes::from(std::mem::replace(
            &mut self.buf,
            Vec::with_capacity(CHUNK_BYTES * 2),
        ))
    }

    /// The last bytes: what is buffered and the format's ending.
    pub fn finish(mut self) -> Bytes {
        if self.format == Format::Json {
            let mut tail = self.take().to_vec();
            let _ = write!(tail, "\n],\"row_count\":{}}}\n", self.rows);
            return Bytes::from(tail);
        }
        self.take()
    }
}

/// RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote or line break.
fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::with_capacity(CHUNK_BYTES * 2))
}

/// A preset row as a JSON object whose keys keep the form's column order.
struct PresetRecord<'a> {
    columns: &'a [&'a str],
    cells: Vec<std::borrow::Cow<'a, str>>,
}

impl Serialize for PresetRecord<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.columns.len()))?;
        for (column, cell) in self.columns.iter().zip(&self.cells) {
            map.serialize_entry(column, cell.as_ref())?;
        }
        map.end()
    }
}
