//! What a search box query means: a store URL, a listing URL, or a seller's name.

use super::fold::fold_name;
use super::listing_url::{Listing, Store, UrlError, parse_listing_url, parse_store_url};

/// A parsed search query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    Empty,
    Store(Store),
    Listing(Listing),
    /// A name, folded for comparison.
    Name(String),
}

/// Shortest query worth searching for: one letter matches too many names to be useful.
pub const MIN_QUERY_CHARS: usize = 2;

/// Longest name query worth searching for; seller names are at most 200 characters.
pub const MAX_NAME_QUERY_CHARS: usize = 200;

/// Reads a query. Something shaped like a link must parse as one (its error explains why
/// not); anything else is a name.
pub fn parse_query(raw: &str) -> Result<Query, UrlError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Ok(Query::Empty);
    }
    if looks_like_url(trimmed) {
        // A store link, or a listing link that names its seller, identifies the seller
        // directly; otherwise it is a listing, whose seller we may know from reports.
        if let Ok(store) = parse_store_url(trimmed) {
            return Ok(Query::Store(store));
        }
        return parse_listing_url(trimmed).map(Query::Listing);
    }
    let folded: String = fold_name(trimmed)
        .chars()
        .take(MAX_NAME_QUERY_CHARS)
        .collect();
    Ok(if folded.is_empty() {
        Query::Empty
    } else {
        Query::Name(folded)
    })
}

/// `https://…`, `www.…/…`, `aliexpress.com/item/…`: a scheme, or a dotted host followed by a
/// path, with no spaces. "Shop.Co Official" stays a name.
fn looks_like_url(text: &str) -> bool {
    if text.contains("://") {
        return true;
    }
    if text.chars().any(char::is_whitespace) {
        return false;
    }
    let host = text.split('/').next().unwrap_or_default();
    host.contains('.') && (text.contains('/') || host.starts_with("www."))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Marketplace;

    #[test]
    fn store_links_find_the_seller() {
        let q = parse_query(" https://www.aliexpress.com/store/912345 ").expect("parses");
        assert!(matches!(q, Query::Store(s) if s.seller_key == "912345"));
    }

    #[test]
    fn listing_links_without_a_seller_are_listings() {
        let q =
            parse_query("https://de.aliexpress.com/item/1005001234567890.html?spm=x").expect("ok");
        assert!(matches!(q, Query::Listing(l) if l.listing_id == "1005001234567890"));
    }

    #[test]
    fn listing_links_naming_their_seller_find_the_seller() {
        let q = parse_query("https://www.amazon.de/dp/B08N5WRWNW?smid=A1B2C3D4E5F6G7").expect("ok");
        assert!(matches!(q, Query::Store(s) if s.marketplace == Marketplace::Amazon));
    }

    #[test]
    fn links_without_a_scheme_are_links() {
        let q = parse_query("www.ebay.com/usr/cheap_bags").expect("ok");
        assert!(matches!(q, Query::Store(s) if s.seller_key == "cheap_bags"));
        assert!(matches!(
            parse_query("aliexpress.com/item/1005001234567890.html"),
            Ok(Query::Listing(_))
        ));
    }

    #[test]
    fn names_are_folded() {
        assert_eq!(
            parse_query("  Best   DEALS "),
            Ok(Query::Name("best deals".into()))
        );
        assert_eq!(
            parse_query("Shop.Co Official"),
            Ok(Query::Name("shop.co official".into()))
        );
        assert_eq!(parse_query("   "), Ok(Query::Empty));
    }

    #[test]
    fn broken_links_explain_themselves() {
        assert!(parse_query("javascript://alert(1)").is_err());
        assert!(parse_query("https://user:pw@www.amazon.com/dp/B08N5WRWNW").is_err());
    }

    #[test]
    fn very_long_names_are_cut() {
        let q = parse_query(&"a".repeat(5000)).expect("ok");
        assert!(matches!(q, Query::Name(n) if n.len() == MAX_NAME_QUERY_CHARS));
    }
}
