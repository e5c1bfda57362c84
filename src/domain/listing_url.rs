// TEMPORARY STUB
use super::marketplace::Marketplace;
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing { pub marketplace: Marketplace, pub listing_id: String, pub canonical_url: String, pub seller_hint: Option<Store> }
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store { pub marketplace: Marketplace, pub seller_key: String, pub store_url: String }
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlError { Empty }
impl std::fmt::Display for UrlError { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("bad") } }
pub fn parse_listing_url(_: &str) -> Result<Listing, UrlError> { Err(UrlError::Empty) }
pub fn parse_store_url(_: &str) -> Result<Store, UrlError> { Err(UrlError::Empty) }
