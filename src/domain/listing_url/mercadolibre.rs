//! Mercado Libre / Mercado Livre. Every id starts with its site's code (MLA Argentina, MLB
//! Brazil, MLM Mexico, …), so the canonical host comes from the id itself, whatever country
//! host the link was on. Item ids are normalised to "MLA123456789"; catalogue products, a
//! separate numbering, to "p:MLM12345".

use super::site::{Page, user_name};
use super::{Listing, Marketplace, Store};

/// Site code → (domain name, TLD).
const SITES: &[(&str, &str, &str)] = &[
    ("MLA", "mercadolibre", "com.ar"),
    ("MLB", "mercadolivre", "com.br"),
    ("MLM", "mercadolibre", "com.mx"),
    ("MCO", "mercadolibre", "com.co"),
    ("MLC", "mercadolibre", "cl"),
    ("MPE", "mercadolibre", "com.pe"),
    ("MLU", "mercadolibre", "com.uy"),
    ("MLV", "mercadolibre", "com.ve"),
    ("MEC", "mercadolibre", "com.ec"),
    ("MBO", "mercadolibre", "com.bo"),
    ("MPY", "mercadolibre", "com.py"),
    ("MRD", "mercadolibre", "com.do"),
    ("MCR", "mercadolibre", "co.cr"),
    ("MPA", "mercadolibre", "com.pa"),
    ("MGT", "mercadolibre", "com.gt"),
    ("MSV", "mercadolibre", "com.sv"),
    ("MHN", "mercadolibre", "com.hn"),
    ("MNI", "mercadolibre", "com.ni"),
];

/// `articulo.mercadolibre.com.ar/MLA-123456789-slug-_JM`, `produto.mercadolivre.com.br/MLB-…`,
/// and catalogue pages `www.mercadolibre.com.mx/slug/p/MLM12345`.
pub(super) fn listing(page: &Page<'_>) -> Option<Listing> {
    // Catalogue first: its id ("MLM19615375") would also read as an item id.
    if let Some(((code, name, tld), number)) =
        page.next_after("p").and_then(|s| id_parts(s, 3..=15))
    {
        return Some(Listing {
            marketplace: Marketplace::MercadoLibre,
            listing_id: format!("p:{code}{number}"),
            canonical_url: format!("https://www.{name}.{tld}/p/{code}{number}"),
            seller_hint: None,
        });
    }
    let ((code, name, tld), number) = page.segments().iter().find_map(|s| item_id(s))?;
    let host = if name == "mercadolivre" {
        "produto"
    } else {
        "articulo"
    };
    Some(Listing {
        marketplace: Marketplace::MercadoLibre,
        listing_id: format!("{code}{number}"),
        canonical_url: format!("https://{host}.{name}.{tld}/{code}-{number}-_JM"),
        seller_hint: None,
    })
}

/// `/pagina/NAME` on any host, and `perfil.mercadolibre.*/NAME`. Nicknames belong to one
/// country's site, so the store URL keeps the host's TLD.
pub(super) fn store(page: &Page<'_>) -> Option<Store> {
    let (name, tld) = (page.name(), page.tld());
    let (nick, url_of) = match page.next_after("pagina") {
        Some(nick) => (nick, format!("https://www.{name}.{tld}/pagina/")),
        None if page.sub() == "perfil" => (
            *page.segments().first()?,
            format!("https://perfil.{name}.{tld}/"),
        ),
        None => return None,
    };
    let key = user_name(nick)?.to_ascii_lowercase();
    Some(Store {
        marketplace: Marketplace::MercadoLibre,
        store_url: format!("{url_of}{key}"),
        seller_key: key,
    })
}

type Site = (&'static str, &'static str, &'static str);

/// An item id at the start of a segment: "MLA-123456789-slug-_JM", "MLA123456789".
fn item_id(segment: &str) -> Option<(Site, &str)> {
    let end = segment
        .char_indices()
        .skip(4)
        .find(|&(_, c)| !c.is_ascii_digit())
        .map_or(segment.len(), |(i, _)| i);
    let tail = &segment[end..];
    if !(tail.is_empty() || tail.starts_with('-')) {
        return None;
    }
    id_parts(&segment[..end], 6..=15)
}

/// Splits "MLA123", "mla-123" into the known site and the number.
fn id_parts(id: &str, len: std::ops::RangeInclusive<usize>) -> Option<(Site, &str)> {
    let code = id.get(..3)?;
    let number = id.get(3..)?;
    let number = number.strip_prefix('-').unwrap_or(number);
    let site = SITES
        .iter()
        .find(|(c, _, _)| c.eq_ignore_ascii_case(code))?;
    (len.contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit()))
        .then_some((*site, number))
}
