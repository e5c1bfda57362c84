//! Takedown lists: what a rights holder downloads to file complaints with marketplaces.
//! Pure: the rows come from `db::takedowns`, the bytes go out through `routes::takedowns`.

pub mod cell;
pub mod cursor;
pub mod format;
pub mod preset;
pub mod row;

pub use cursor::Cursor;
pub use format::Format;
pub use preset::Preset;
pub use row::{EvidenceFile, ListingStatus, TakedownRow};
