//! Recognising marketplace hosts, and small helpers to read paths and queries.

use std::ops::RangeInclusive;

use url::{Host, Url};

use super::Marketplace;

/// A registrable domain of a marketplace: `name` followed by one of `tlds`, with any subdomain.
struct Domain {
    marketplace: Marketplace,
    name: &'static str,
    tlds: &'static [&'static str],
    /// Subdomains that only redirect (short links, affiliate click-through). What they point to
    /// cannot be known without following them, so they are left to [`Marketplace::Other`].
    redirectors: &'static [&'static str],
}

/// Only the TLDs each marketplace really operates: a lookalike such as `amazon.shop` is
/// somebody else's website and must not be reported as Amazon.
const DOMAINS: &[Domain] = &[
    Domain {
        marketplace: Marketplace::AliExpress,
        name: "aliexpress",
        tlds: &["com", "us", "ru"],
        redirectors: &["a", "click", "s.click", "star"],
    },
    Domain {
        marketplace: Marketplace::Amazon,
        name: "amazon",
        tlds: &[
            "com", "co.uk", "de", "fr", "it", "es", "nl", "se", "pl", "com.be", "com.tr", "ae",
            "sa", "eg", "in", "co.jp", "com.au", "com.mx", "com.br", "ca", "sg", "cn", "ie",
            "co.za",
        ],
        redirectors: &[],
    },
    Domain {
        marketplace: Marketplace::Ebay,
        name: "ebay",
        tlds: &[
            "com", "co.uk", "de", "fr", "it", "es", "com.au", "ca", "at", "ch", "ie", "nl", "be",
            "pl", "com.hk", "com.sg", "com.my", "ph",
        ],
        redirectors: &["rover"],
    },
    Domain {
        marketplace: Marketplace::Temu,
        name: "temu",
        tlds: &["com"],
        redirectors: &["share"],
    },
    Domain {
        marketplace: Marketplace::Shein,
        name: "shein",
        tlds: &["com", "co.uk", "com.mx", "com.au"],
        redirectors: &["api-shein", "onelink"],
    },
    Domain {
        marketplace: Marketplace::DhGate,
        name: "dhgate",
        tlds: &["com"],
        redirectors: &["s"],
    },
    Domain {
        marketplace: Marketplace::Alibaba,
        name: "alibaba",
        tlds: &["com"],
        redirectors: &["s", "click"],
    },
    Domain {
        marketplace: Marketplace::Wish,
        name: "wish",
        tlds: &["com"],
        redirectors: &[],
    },
    Domain {
        marketplace: Marketplace::Etsy,
        name: "etsy",
        tlds: &["com"],
        redirectors: &[],
    },
    Domain {
        marketplace: Marketplace::Walmart,
        name: "walmart",
        tlds: &["com", "ca"],
        redirectors: &["affil", "goto"],
    },
    Domain {
        marketplace: Marketplace::Shopee,
        name: "shopee",
        tlds: &[
            "sg", "com.my", "co.th", "ph", "vn", "co.id", "tw", "com.br", "com.mx", "cl", "com.co",
        ],
        redirectors: &["s"],
    },
    Domain {
        marketplace: Marketplace::Lazada,
        name: "lazada",
        tlds: &["sg", "com.my", "co.th", "com.ph", "vn", "co.id"],
        redirectors: &["s", "c"],
    },
    Domain {
        marketplace: Marketplace::MercadoLibre,
        name: "mercadolibre",
        tlds: &[
            "com", "com.ar", "com.mx", "com.co", "cl", "com.pe", "com.uy", "com.ve", "com.ec",
            "com.bo", "com.py", "com.do", "co.cr", "com.pa", "com.gt", "com.sv", "com.hn",
            "com.ni",
        ],
        redirectors: &["click1"],
    },
    Domain {
        marketplace: Marketplace::MercadoLibre,
        name: "mercadolivre",
        tlds: &["com.br"],
        redirectors: &["click1"],
    },
    Domain {
        marketplace: Marketplace::Taobao,
        name: "taobao",
        tlds: &["com"],
        redirectors: &["s.click"],
    },
    Domain {
        marketplace: Marketplace::Tmall,
        name: "tmall",
        tlds: &["com", "hk"],
        redirectors: &["s.click"],
    },
];

/// A parsed link on a known marketplace, with what the per-marketplace parsers need to read.
pub(super) struct Page<'a> {
    url: &'a Url,
    marketplace: Marketplace,
    /// Labels left of the marketplace's domain ("es", "shop123", "acme.en"); "" when none.
    sub: &'a str,
    name: &'static str,
    tld: &'static str,
    /// Path segments, still percent-encoded, without empty ones (double or trailing slashes).
    segments: Vec<&'a str>,
}

impl<'a> Page<'a> {
    /// `None` when the host is not a known marketplace (or is one of its redirectors).
    pub(super) fn new(url: &'a Url) -> Option<Self> {
        let Some(Host::Domain(host)) = url.host() else {
            return None;
        };
        let host = host.trim_end_matches('.');
        let (domain, tld, sub) = DOMAINS.iter().find_map(|d| {
            d.tlds
                .iter()
                .find_map(|tld| split_host(host, d.name, tld).map(|sub| (d, *tld, sub)))
        })?;
        if domain.redirectors.contains(&sub) {
            return None;
        }
        let segments = url
            .path_segments()
            .map(|s| s.filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        Some(Page {
            url,
            marketplace: domain.marketplace,
            sub,
            name: domain.name,
            tld,
            segments,
        })
    }

    pub(super) fn marketplace(&self) -> Marketplace {
        self.marketplace
    }

    /// Subdomain labels left of the marketplace's own domain, lowercase; "" for the bare domain.
    pub(super) fn sub(&self) -> &'a str {
        self.sub
    }

    /// The domain name without TLD, e.g. "mercadolivre".
    pub(super) fn name(&self) -> &'static str {
        self.name
    }

    /// The marketplace TLD the link was on, e.g. "co.uk".
    pub(super) fn tld(&self) -> &'static str {
        self.tld
    }

    pub(super) fn segments(&self) -> &[&'a str] {
        &self.segments
    }

    /// Whether the first path segment is `word` (ignoring ASCII case).
    pub(super) fn starts_with(&self, word: &str) -> bool {
        self.segment_is(0, word)
    }

    /// Whether path segment `i` is `word` (ignoring ASCII case).
    pub(super) fn segment_is(&self, i: usize, word: &str) -> bool {
        self.segments
            .get(i)
            .is_some_and(|s| s.eq_ignore_ascii_case(word))
    }

    /// The segments after the first one equal to `marker` (ignoring ASCII case).
    pub(super) fn after(&self, marker: &str) -> &[&'a str] {
        self.segments
            .iter()
            .position(|s| s.eq_ignore_ascii_case(marker))
            .map_or(&[], |i| &self.segments[i + 1..])
    }

    /// The segment right after the first one equal to `marker`.
    pub(super) fn next_after(&self, marker: &str) -> Option<&'a str> {
        self.after(marker).first().copied()
    }

    pub(super) fn last(&self) -> Option<&'a str> {
        self.segments.last().copied()
    }

    /// The first non-empty value of a query parameter, percent-decoded. Keys are matched
    /// ignoring ASCII case, as marketplaces themselves are inconsistent ("ASIN", "asin").
    pub(super) fn param(&self, key: &str) -> Option<String> {
        self.url
            .query_pairs()
            .find(|(k, v)| k.eq_ignore_ascii_case(key) && !v.trim().is_empty())
            .map(|(_, v)| v.trim().to_owned())
    }
}

/// `Some(subdomain)` when `host` is `name.tld` or a subdomain of it.
fn split_host<'h>(host: &'h str, name: &str, tld: &str) -> Option<&'h str> {
    let rest = host
        .strip_suffix(tld)?
        .strip_suffix('.')?
        .strip_suffix(name)?;
    if rest.is_empty() {
        Some("")
    } else {
        rest.strip_suffix('.')
    }
}

/// Allowed lengths of an id.
pub(super) type Len = RangeInclusive<usize>;

/// `s` if it is all ASCII digits with a length in `len`.
pub(super) fn digits(s: &str, len: Len) -> Option<&str> {
    (len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())).then_some(s)
}

/// `s` without a trailing ".html" or ".htm" (any case).
pub(super) fn strip_html(s: &str) -> &str {
    strip_suffix_ci(s, ".html")
        .or_else(|| strip_suffix_ci(s, ".htm"))
        .unwrap_or(s)
}

/// `s` without `suffix`, matched ignoring ASCII case.
pub(super) fn strip_suffix_ci<'s>(s: &'s str, suffix: &str) -> Option<&'s str> {
    let cut = s.len().checked_sub(suffix.len())?;
    let (head, tail) = (s.get(..cut)?, s.get(cut..)?);
    tail.eq_ignore_ascii_case(suffix).then_some(head)
}

/// `s` without `prefix`, matched ignoring ASCII case.
pub(super) fn strip_prefix_ci<'s>(s: &'s str, prefix: &str) -> Option<&'s str> {
    let (head, tail) = (s.get(..prefix.len())?, s.get(prefix.len()..)?);
    head.eq_ignore_ascii_case(prefix).then_some(tail)
}

/// A seller's user name as marketplaces allow them in URLs: ASCII letters, digits and `._-`,
/// 1 to 64 characters. Percent-encoded or other characters are refused rather than guessed at.
pub(super) fn user_name(s: &str) -> Option<&str> {
    ((1..=64).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
        && s.bytes().any(|b| b.is_ascii_alphanumeric()))
    .then_some(s)
}
