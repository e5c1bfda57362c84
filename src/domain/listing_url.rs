//! Turns listing and store links pasted by buyers into marketplace identifiers.
//!
//! A buyer pastes whatever the browser or the marketplace's share button gave them: tracking
//! parameters, mobile or country hosts, title slugs, sometimes no scheme. Parsing reduces all of
//! that to the marketplace, the id the marketplace itself uses for the listing (or seller), and a
//! canonical `https` URL, so that two reports of the same listing meet in the database.
//!
//! Nothing here does I/O: short links (`amzn.to`, `a.aliexpress.com`, `etsy.me`, …) cannot be
//! followed, so they are kept as [`Marketplace::Other`] links rather than guessed at.
//!
//! Known-marketplace parsing lives in one file per marketplace under `listing_url/`; `site`
//! recognises hosts and `other` normalises links to every other website.

mod alibaba;
mod aliexpress;
mod amazon;
mod dhgate;
mod ebay;
mod etsy;
mod lazada;
mod mercadolibre;
mod other;
mod shein;
mod shopee;
mod site;
mod taobao;
mod temu;
mod walmart;
mod wish;

use std::fmt;

use url::{Host, Url};

use super::marketplace::Marketplace;
use site::Page;

/// Longest link accepted, in bytes, both as typed and once parsed (percent-encoded).
/// Real listing links are far shorter; anything longer is tracking junk or abuse.
pub const MAX_URL_LEN: usize = 2048;

/// Longest `listing_id` / `seller_key` made from a link to an unknown website, in bytes.
pub const MAX_KEY_LEN: usize = 512;

/// A single listing (product page) on a marketplace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listing {
    /// [`Marketplace::Other`] for every website without a parser of its own.
    pub marketplace: Marketplace,
    /// The marketplace's own id for the listing (ASIN, eBay item number, …), normalised so that
    /// equal listings have equal ids. For [`Marketplace::Other`] it is the canonical URL without
    /// its scheme, cut to [`MAX_KEY_LEN`].
    pub listing_id: String,
    /// Stable `https` address of the listing, free of tracking parameters.
    pub canonical_url: String,
    /// The seller, when the pasted link names one (Amazon `smid=`, eBay `_ssn=`, Shopee shop id
    /// in the path, …). It is extra information from that link and is not always recoverable
    /// from `canonical_url`.
    pub seller_hint: Option<Store>,
}

/// A seller's shop on a marketplace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Store {
    /// [`Marketplace::Other`] for every website without a parser of its own.
    pub marketplace: Marketplace,
    /// The marketplace's own id or user name for the seller, normalised (case folded where the
    /// marketplace ignores case).
    pub seller_key: String,
    /// Stable `https` address of the shop.
    pub store_url: String,
}

/// Why a pasted link was not accepted. `Display` gives a message to show next to the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlError {
    /// Nothing but whitespace.
    Empty,
    /// Not an absolute URL, nor a `host/path` we could complete with `https://`.
    NotAUrl,
    /// A scheme other than http/https (`javascript:`, `data:`, `file:`, …), cut to 32 characters.
    NotHttp { scheme: String },
    /// The link carries a user name or password.
    HasCredentials,
    /// No host name in the link.
    NoHost,
    /// Longer than [`MAX_URL_LEN`].
    TooLong,
    /// A known marketplace, but not a single listing (home page, search, category, short link).
    NotAListing { marketplace: Marketplace },
    /// A known marketplace, but no seller could be read from the link.
    NotAStore { marketplace: Marketplace },
}

impl fmt::Display for UrlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlError::Empty => f.write_str("Paste the address of the page, starting with https://"),
            UrlError::NotAUrl => {
                f.write_str("Enter the full address of the page, starting with https://")
            }
            UrlError::NotHttp { scheme } => write!(
                f,
                "Only http and https links can be reported (this one starts with {scheme}:)"
            ),
            UrlError::HasCredentials => {
                f.write_str("Remove the user name and password from the link")
            }
            UrlError::NoHost => f.write_str(
                "This link has no website name in it. Copy the full address from the address bar",
            ),
            UrlError::TooLong => write!(
                f,
                "This link is too long (over {MAX_URL_LEN} characters). \
                 Remove everything after the \"?\" and try again"
            ),
            UrlError::NotAListing { marketplace } => write!(
                f,
                "This {} link doesn't point to a single listing. \
                 Open the product page and copy its address",
                marketplace.display_name()
            ),
            UrlError::NotAStore { marketplace } => write!(
                f,
                "This {} link doesn't point to a seller. \
                 Open the seller's shop page and copy its address",
                marketplace.display_name()
            ),
        }
    }
}

impl std::error::Error for UrlError {}

/// Reads a listing link. Known marketplaces give their own listing id and a canonical URL; any
/// other website is accepted as [`Marketplace::Other`] with its URL cleaned of tracking
/// parameters. A known marketplace's link that is not a listing is
/// [`UrlError::NotAListing`].
pub fn parse_listing_url(input: &str) -> Result<Listing, UrlError> {
    let url = prepare(input)?;
    let Some(page) = Page::new(&url) else {
        return Ok(other::listing(&url));
    };
    listing_on(&page).ok_or(UrlError::NotAListing {
        marketplace: page.marketplace(),
    })
}

/// Reads a seller/shop link. A listing link that names its seller (Amazon `?smid=`, eBay
/// `?_ssn=`, a Shopee product, …) is accepted too and gives that seller. For
/// [`Marketplace::Other`], the seller key is the host and path of the link.
pub fn parse_store_url(input: &str) -> Result<Store, UrlError> {
    let url = prepare(input)?;
    let Some(page) = Page::new(&url) else {
        return Ok(other::store(&url));
    };
    store_on(&page)
        .or_else(|| listing_on(&page).and_then(|listing| listing.seller_hint))
        .ok_or(UrlError::NotAStore {
            marketplace: page.marketplace(),
        })
}

fn listing_on(page: &Page<'_>) -> Option<Listing> {
    match page.marketplace() {
        Marketplace::AliExpress => aliexpress::listing(page),
        Marketplace::Amazon => amazon::listing(page),
        Marketplace::Ebay => ebay::listing(page),
        Marketplace::Temu => temu::listing(page),
        Marketplace::Shein => shein::listing(page),
        Marketplace::DhGate => dhgate::listing(page),
        Marketplace::Alibaba => alibaba::listing(page),
        Marketplace::Wish => wish::listing(page),
        Marketplace::Etsy => etsy::listing(page),
        Marketplace::Walmart => walmart::listing(page),
        Marketplace::Shopee => shopee::listing(page),
        Marketplace::Lazada => lazada::listing(page),
        Marketplace::MercadoLibre => mercadolibre::listing(page),
        Marketplace::Taobao | Marketplace::Tmall => taobao::listing(page),
        // `Page::new` never classifies a host as Other.
        Marketplace::Other => None,
    }
}

fn store_on(page: &Page<'_>) -> Option<Store> {
    match page.marketplace() {
        Marketplace::AliExpress => aliexpress::store(page),
        Marketplace::Amazon => amazon::store(page),
        Marketplace::Ebay => ebay::store(page),
        Marketplace::Temu => temu::store(page),
        Marketplace::Shein => shein::store(page),
        Marketplace::DhGate => dhgate::store(page),
        Marketplace::Alibaba => alibaba::store(page),
        Marketplace::Wish => wish::store(page),
        Marketplace::Etsy => etsy::store(page),
        Marketplace::Walmart => walmart::store(page),
        Marketplace::Shopee => shopee::store(page),
        Marketplace::Lazada => lazada::store(page),
        Marketplace::MercadoLibre => mercadolibre::store(page),
        Marketplace::Taobao | Marketplace::Tmall => taobao::store(page),
        Marketplace::Other => None,
    }
}

/// Checks the raw input and parses it into an absolute http(s) URL with a host.
fn prepare(input: &str) -> Result<Url, UrlError> {
    let text = unwrap_pasted(input);
    if text.is_empty() {
        return Err(UrlError::Empty);
    }
    if text.len() > MAX_URL_LEN {
        return Err(UrlError::TooLong);
    }
    let url = match Url::parse(text) {
        // "amazon.com:8080/dp/…" parses with the scheme "amazon.com"; a real scheme has no dot.
        Ok(url) if url.scheme().contains('.') && looks_like_host_path(text) => with_https(text)?,
        Ok(url) => url,
        Err(url::ParseError::RelativeUrlWithoutBase) if text.starts_with("//") => {
            Url::parse(&format!("https:{text}")).map_err(parse_error)?
        }
        Err(url::ParseError::RelativeUrlWithoutBase) if looks_like_host_path(text) => {
            with_https(text)?
        }
        Err(e) => return Err(parse_error(e)),
    };
    if !matches!(url.scheme(), "http" | "https") {
        let scheme = url.scheme().chars().take(32).collect();
        return Err(UrlError::NotHttp { scheme });
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(UrlError::HasCredentials);
    }
    match url.host() {
        None => return Err(UrlError::NoHost),
        Some(Host::Domain(d)) if d.trim_matches('.').is_empty() => {
            return Err(UrlError::NoHost);
        }
        Some(_) => {}
    }
    // Percent-encoding can triple non-ASCII text; the limit holds for what we store too.
    if url.as_str().len() > MAX_URL_LEN {
        return Err(UrlError::TooLong);
    }
    Ok(url)
}

/// The input without surrounding whitespace and invisible characters, and without one pair of
/// brackets or quotes around it, as links come when copied out of e-mails and chat messages
/// ("<https://…>", "“https://…”").
fn unwrap_pasted(input: &str) -> &str {
    let text = trim_pasted(input);
    let pairs = [('<', '>'), ('"', '"'), ('\'', '\''), ('“', '”'), ('«', '»')];
    pairs
        .iter()
        .find_map(|&(open, close)| text.strip_prefix(open)?.strip_suffix(close))
        .map_or(text, trim_pasted)
}

fn trim_pasted(s: &str) -> &str {
    s.trim_matches(|c: char| {
        c.is_whitespace() || matches!(c, '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}')
    })
}

fn with_https(text: &str) -> Result<Url, UrlError> {
    Url::parse(&format!("https://{text}")).map_err(parse_error)
}

fn parse_error(e: url::ParseError) -> UrlError {
    match e {
        url::ParseError::EmptyHost => UrlError::NoHost,
        _ => UrlError::NotAUrl,
    }
}

/// Whether schemeless input such as "www.amazon.com/dp/…" or "ebay.de" names a host: the part
/// before the first '/', '?' or '#' contains a dot, no whitespace, and ends in a label that
/// starts with a letter (so "3.5" or "1.2.3" are not taken for hosts).
fn looks_like_host_path(text: &str) -> bool {
    let first = text.split(['/', '?', '#']).next().unwrap_or_default();
    let host = first.rsplit_once(':').map_or(first, |(host, _port)| host);
    let host = host.strip_suffix('.').unwrap_or(host);
    let tld = host.rsplit('.').next().unwrap_or_default();
    host.contains('.')
        && !host.starts_with('.')
        && !first.chars().any(char::is_whitespace)
        && tld.chars().next().is_some_and(char::is_alphabetic)
}

#[cfg(test)]
mod tests;
