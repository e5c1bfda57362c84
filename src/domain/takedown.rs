//! Takedown lists: what a rights holder downloads to file complaints with marketplaces, and
//! the outcomes and IP-right details they send back.
//! Pure: the rows come from `db::takedowns`, the bytes go out through `routes::takedowns`.

pub mod cell;
pub mod cursor;
pub mod format;
pub mod ipr;
pub mod outcomes;
pub mod parts;
pub mod preset;
pub mod request;
pub mod row;

pub use cursor::Cursor;
pub use format::Format;
pub use preset::Preset;
pub use request::{ExportFilter, ExportParams, ExportRefused, ExportRequest};
pub use row::{EvidenceFile, ListingStatus, TakedownRow};
