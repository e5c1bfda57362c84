//! A moderator's corrections to sellers and brands: the display names they set, and which
//! seller or brand another is merged into, read from what a moderator types; and the rules
//! that refuse a merge.

use std::fmt;

use super::fold::{clean_display, slugify};
use super::listing_url::parse_store_url;
use super::marketplace::Marketplace;
use super::report::MAX_BRAND_CHARS;
use super::seller::{MAX_SELLER_NAME_CHARS, RecordedSeller, SellerIdentity};

/// A seller as moderators and URLs name it: `marketplace/seller_key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SellerRef {
    pub marketplace: Marketplace,
    pub seller_key: String,
}

impl fmt::Display for SellerRef {
    /// `marketplace/seller_key`, as the audit log names sellers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.marketplace.as_str(), self.seller_key)
    }
}

const SELLER_REF_HELP: &str = "Give the seller to merge into as marketplace/seller_key (for \
     example aliexpress/1102345678), as the address of its Fakewatch page, or as its store link";

/// Reads the seller a moderator names: `marketplace/seller_key`, the address (or path) of its
/// Fakewatch page, or its store link.
pub fn parse_seller_ref(raw: &str) -> Result<SellerRef, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(SELLER_REF_HELP.into());
    }
    // A page address: `/sellers/` and a marketplace, then the key as one percent-encoded
    // segment. (A store link of another site may have `/sellers/` in it too.)
    if let Some((marketplace, key)) = after_segment(text, "/sellers/")
        .map(page_path)
        .and_then(|rest| rest.split_once('/'))
        .filter(|(marketplace, _)| marketplace.parse::<Marketplace>().is_ok())
    {
        let key = key.strip_suffix("/feed.atom").unwrap_or(key);
        let key = percent_encoding::percent_decode_str(key)
            .decode_utf8()
            .map_err(|_| SELLER_REF_HELP.to_owned())?;
        return seller_ref(marketplace, &key);
    }
    // `marketplace/seller_key`; a first part with a dot is a host (a store link without its
    // scheme).
    if !text.contains("://")
        && let Some((marketplace, key)) = text.split_once('/')
        && !marketplace.is_empty()
        && !marketplace.contains('.')
    {
        return seller_ref(marketplace, key);
    }
    match parse_store_url(text) {
        Ok(store) => Ok(SellerRef {
            marketplace: store.marketplace,
            seller_key: store.seller_key,
        }),
        Err(_) => Err(SELLER_REF_HELP.into()),
    }
}

fn seller_ref(marketplace: &str, key: &str) -> Result<SellerRef, String> {
    let marketplace = marketplace.parse::<Marketplace>().map_err(|_| {
        format!("“{marketplace}” is not a marketplace Fakewatch knows. {SELLER_REF_HELP}")
    })?;
    if key.is_empty() {
        return Err(SELLER_REF_HELP.into());
    }
    Ok(SellerRef {
        marketplace,
        seller_key: key.to_owned(),
    })
}

const BRAND_REF_HELP: &str = "Give the brand to merge into as its slug (for example \
     louis-vuitton), its name, or the address of its Fakewatch page";

/// Reads the brand a moderator names as its slug: a slug, a name (slugified as intake does),
/// or the address (or path) of its Fakewatch page.
pub fn parse_brand_ref(raw: &str) -> Result<String, String> {
    let text = raw.trim();
    let slug = match after_segment(text, "/brands/") {
        Some(rest) => {
            let rest = page_path(rest);
            let slug = rest.strip_suffix("/feed.atom").unwrap_or(rest);
            percent_encoding::percent_decode_str(slug)
                .decode_utf8()
                .map_err(|_| BRAND_REF_HELP.to_owned())?
                .into_owned()
        }
        None => slugify(text),
    };
    if slug.is_empty() || slug.contains('/') {
        return Err(BRAND_REF_HELP.into());
    }
    Ok(slug)
}

/// What follows `segment` in `text` (the first time it appears), if it does.
fn after_segment<'a>(text: &'a str, segment: &str) -> Option<&'a str> {
    text.find(segment).map(|at| &text[at + segment.len()..])
}

/// A path without its query, fragment and trailing slash.
fn page_path(rest: &str) -> &str {
    let end = rest.find(['?', '#']).unwrap_or(rest.len());
    rest[..end].trim_end_matches('/')
}

/// A display name a moderator set: cleaned as intake cleans names (whitespace collapsed,
/// invisible characters removed), and not empty nor longer than `max` characters.
fn display_name(raw: &str, max: usize, what: &str) -> Result<String, String> {
    let name = clean_display(raw);
    if name.is_empty() {
        return Err(format!("Give the name the {what} should be shown under"));
    }
    if name.chars().count() > max {
        return Err(format!("Keep the {what}'s name under {max} characters"));
    }
    Ok(name)
}

/// The name a moderator gives a seller.
pub fn seller_display_name(raw: &str) -> Result<String, String> {
    display_name(raw, MAX_SELLER_NAME_CHARS, "seller")
}

/// The name a moderator gives a brand.
pub fn brand_display_name(raw: &str) -> Result<String, String> {
    display_name(raw, MAX_BRAND_CHARS, "brand")
}

/// One side of a merge as stored: its public id (`marketplace/seller_key` or a brand slug),
/// its marketplace (sellers only), and what it was merged into, if it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Side<'a> {
    pub id: &'a str,
    pub marketplace: Option<Marketplace>,
    pub merged_into: Option<&'a str>,
}

/// Why merging `source` into `requested` is refused, if it is. `kept` is where `requested`
/// leads: itself, or the seller or brand it was merged into (a merge into a merged one goes
/// to where that one went, as its old address does). `what` is "seller" or "brand".
///
/// Sellers of two marketplaces are never one store: a merge across marketplaces is refused.
pub fn merge_problem(source: &Side, requested: &Side, kept: &Side, what: &str) -> Option<String> {
    if let Some(into) = source.merged_into {
        return Some(format!(
            "This {what} was merged into {into} already; merge {into} instead."
        ));
    }
    if requested.id == source.id {
        return Some(format!("A {what} cannot be merged into itself."));
    }
    if kept.id == source.id {
        return Some(format!(
            "{} was merged into this {what} already.",
            requested.id
        ));
    }
    match (source.marketplace, kept.marketplace) {
        (Some(ours), Some(theirs)) if ours != theirs => Some(format!(
            "{} is a seller on {} and this one is on {}: only sellers of one marketplace can \
             be merged.",
            kept.id,
            theirs.display_name(),
            ours.display_name()
        )),
        _ => None,
    }
}

/// The identity a report naming a merged seller is filed under: the kept seller, with the
/// reporter's typed name still its vote and the report's basis unchanged.
pub fn follow_merge(identity: &SellerIdentity, kept: &RecordedSeller) -> SellerIdentity {
    SellerIdentity {
        marketplace: kept.marketplace,
        seller_key: kept.seller_key.clone(),
        name_based: kept.name_based,
        basis: identity.basis,
        display_name: kept.display_name.clone(),
        store_url: kept.store_url.clone(),
        name: identity.name.clone(),
    }
}

#[cfg(test)]
mod tests;
