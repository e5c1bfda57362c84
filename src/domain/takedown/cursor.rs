//! The incremental-sync cursor: the database snapshot an export was read in.
//!
//! Every (listing, brand) row remembers the last transaction that changed it; the next export
//! returns the rows whose last change the previous export's snapshot could not see. Unlike a
//! timestamp or a sequence number, a snapshot also knows which transactions were still running,
//! so a change that commits late is neither lost nor sent twice.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// A PostgreSQL `pg_snapshot` in its text form, `xmin:xmax:xip,xip,…`, checked so that it can be
/// bound as a parameter and cast without the database ever seeing malformed input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor(String);

/// Cursors are opaque to clients; this prefix versions the encoding.
const PREFIX: &str = "c1.";
/// A snapshot lists the transactions in progress; a cursor longer than this is not ours.
const MAX_ENCODED: usize = 8192;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadCursor;

impl fmt::Display for BadCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "since must be a cursor returned by an earlier export (the Link rel=\"next\" \
             header or the JSON field \"cursor\")",
        )
    }
}

impl Cursor {
    /// From the database's `pg_current_snapshot()::text`.
    pub fn from_snapshot(snapshot: &str) -> Result<Self, BadCursor> {
        if is_snapshot(snapshot) {
            Ok(Cursor(snapshot.to_owned()))
        } else {
            Err(BadCursor)
        }
    }

    /// The snapshot text, for `$1::pg_snapshot`.
    pub fn snapshot(&self) -> &str {
        &self.0
    }

    /// What clients see and send back.
    pub fn encode(&self) -> String {
        format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(self.0.as_bytes()))
    }

    pub fn decode(encoded: &str) -> Result<Self, BadCursor> {
        if encoded.len() > MAX_ENCODED {
            return Err(BadCursor);
        }
        let body = encoded.strip_prefix(PREFIX).ok_or(BadCursor)?;
        let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| BadCursor)?;
        let text = String::from_utf8(bytes).map_err(|_| BadCursor)?;
        Self::from_snapshot(&text)
    }
}

/// `xmin:xmax:xip,…` with `1 <= xmin <= every xip < xmax` and the xips ascending, all 64-bit
/// transaction ids: what PostgreSQL's `pg_snapshot` input accepts.
fn is_snapshot(text: &str) -> bool {
    let mut parts = text.split(':');
    let (Some(xmin), Some(xmax), Some(xip), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    let Some(xmin) = parse_xid(xmin) else {
        return false;
    };
    let Some(xmax) = parse_xid(xmax) else {
        return false;
    };
    if xmin == 0 || xmin > xmax {
        return false;
    }
    if xip.is_empty() {
        return true;
    }
    let mut previous = None;
    xip.split(',').all(|x| {
        let ok = parse_xid(x)
            .is_some_and(|x| xmin <= x && x < xmax && previous.is_none_or(|p: u64| p < x));
        previous = parse_xid(x);
        ok
    })
}

fn parse_xid(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 20 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_round_trip() {
        for snapshot in ["748:748:", "100:105:101,103", "1:2:1"] {
            let cursor = Cursor::from_snapshot(snapshot).expect("valid");
            let encoded = cursor.encode();
            assert!(encoded.starts_with("c1."));
            assert_eq!(Cursor::decode(&encoded), Ok(cursor));
        }
    }

    #[test]
    fn malformed_snapshots_are_refused() {
        for bad in [
            "",
            "1:2",
            "1:2:3:4",
            "a:2:",
            "5:4:",
            "1:5:7",
            "1:5:0",
            "1:5:2,,3",
            "-1:5:",
            "1:99999999999999999999999:",
            "1 :5:",
            "0:0:",
            "5:9:7,6",
            "5:9:6,6",
        ] {
            assert_eq!(Cursor::from_snapshot(bad), Err(BadCursor), "{bad:?}");
        }
    }

    #[test]
    fn foreign_cursors_are_refused() {
        for bad in ["", "748:748:", "c1.", "c1.!!!", "c2.NzQ4Ojc0ODo", "c1.//8"] {
            assert_eq!(Cursor::decode(bad), Err(BadCursor), "{bad:?}");
        }
        assert_eq!(Cursor::decode(&"c1.A".repeat(3000)), Err(BadCursor));
    }
}
