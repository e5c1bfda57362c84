//! Pure logic: no I/O, no HTTP, no SQL. Everything here is unit-tested beside the code.

pub mod client;
pub mod cross_site;
pub mod excerpt;
pub mod fold;
pub mod listing_url;
pub mod lookup;
pub mod marketplace;
pub mod media_type;
pub mod merge;
pub mod moderation;
pub mod money;
pub mod order_month;
pub mod outcome;
pub mod rate_limit;
pub mod reason;
pub mod reply;
pub mod report;
pub mod reputation;
pub mod seller;
pub mod status;
pub mod takedown;
pub mod timeline;
pub mod validation;
pub mod variants;

pub use marketplace::Marketplace;
