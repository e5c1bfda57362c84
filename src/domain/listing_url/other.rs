//! Links to websites we have no parser for: the URL itself, cleaned, is the identity.

use url::Url;

use super::{Listing, MAX_KEY_LEN, Marketplace, Store};

/// Query parameters that only say how the visitor arrived (ads, affiliates, recommendation
/// slots, search position). Compared in lowercase. Removing them lets two buyers who arrived
/// differently report the same page.
const TRACKING_PARAMS: &[&str] = &[
    // Search engines, ad networks and social sites.
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "fbclid",
    "msclkid",
    "yclid",
    "igshid",
    "ttclid",
    "twclid",
    "li_fat_id",
    "srsltid",
    "_ga",
    "_gl",
    "mc_cid",
    "mc_eid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    // Alibaba group (AliExpress, Taobao, Tmall, Alibaba.com).
    "spm",
    "scm",
    "scm_id",
    "scm-url",
    "pvid",
    "algo_pvid",
    "algo_exp_id",
    "pdp_npi",
    "sk",
    "terminal_id",
    "gatewayadapt",
    "btsid",
    "ws_ab_test",
    "curpageloguid",
    // Amazon.
    "ref",
    "ref_",
    "psc",
    "th",
    "qid",
    "sr",
    "keywords",
    "crid",
    "sprefix",
    "dib",
    "dib_tag",
    "content-id",
    "refrid",
    "linkcode",
    "linkid",
    "camp",
    "creative",
    "creativeasin",
    // eBay.
    "_trkparms",
    "_trksid",
    "hash",
    "amdata",
    "mkevt",
    "mkcid",
    "mkrid",
    "campid",
    "toolid",
    "customid",
    "epid_trk",
];

/// Families of tracking parameters, compared in lowercase (`aff_` covers AliExpress's
/// `aff_platform`, `aff_trace_key`, `aff_fcid`, …).
const TRACKING_PREFIXES: &[&str] = &["utm_", "aff_", "_randl_", "pf_rd_", "pd_rd_"];

/// Whether a query parameter name (already percent-decoded) only tracks the visitor.
pub(super) fn is_tracking_param(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    TRACKING_PARAMS.contains(&key.as_str()) || TRACKING_PREFIXES.iter().any(|p| key.starts_with(p))
}

/// The link with its fragment and tracking parameters removed and the remaining parameters
/// sorted by name, so that the same page always gives the same string. The scheme, path and
/// parameter values are kept exactly: on an unknown website any of them may matter.
/// (The `url` crate has already lowercased the host and dropped a default port.)
pub(super) fn normalize(url: &Url) -> Url {
    let mut url = url.clone();
    url.set_fragment(None);
    if let Some(host) = url.host_str().filter(|h| h.ends_with('.')) {
        // A root-label dot names the same host; an error just keeps the dot.
        let host = host.trim_end_matches('.').to_owned();
        if !host.is_empty() {
            let _ = url.set_host(Some(&host));
        }
    }
    let mut kept: Vec<(String, &str)> = url
        .query()
        .unwrap_or_default()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter_map(|pair| {
            let key = url::form_urlencoded::parse(pair.as_bytes())
                .next()
                .map(|(k, _)| k.into_owned())
                .unwrap_or_default();
            (!is_tracking_param(&key)).then_some((key, pair))
        })
        .collect();
    // Stable sort: repeated keys ("?color=red&color=blue") keep their order, which may matter.
    kept.sort_by(|a, b| a.0.cmp(&b.0));
    let query = kept
        .iter()
        .map(|(_, pair)| *pair)
        .collect::<Vec<_>>()
        .join("&");
    url.set_query((!query.is_empty()).then_some(query.as_str()));
    url
}

/// A listing on an unknown website: its id is the cleaned URL without the scheme, so that the
/// http and https forms of a page are one listing.
pub(super) fn listing(url: &Url) -> Listing {
    let canonical = normalize(url);
    let without_scheme = canonical
        .as_str()
        .split_once("://")
        .map_or(canonical.as_str(), |(_, rest)| rest);
    Listing {
        marketplace: Marketplace::Other,
        listing_id: truncate(without_scheme, MAX_KEY_LEN).to_owned(),
        canonical_url: canonical.to_string(),
        seller_hint: None,
    }
}

/// A seller on an unknown website: the key is host (with a non-default port) and path, without
/// a trailing slash; query and fragment are left out of the key but kept in the URL.
pub(super) fn store(url: &Url) -> Store {
    let canonical = normalize(url);
    let host = canonical.host_str().unwrap_or_default();
    let mut key = match canonical.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    };
    key.push_str(canonical.path().trim_end_matches('/'));
    Store {
        marketplace: Marketplace::Other,
        seller_key: truncate(&key, MAX_KEY_LEN).to_owned(),
        store_url: canonical.to_string(),
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}
