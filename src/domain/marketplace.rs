//! The marketplaces Fakewatch knows how to read listing and store links from.

use std::fmt;

use strum::VariantArray;

/// An online marketplace a reported listing or seller belongs to.
///
/// `Other` covers every website we have no specific parser for; its links are still accepted.
///
/// Its slug is the variant's name in lower case (`MercadoLibre`: `mercadolibre`); `Display`
/// writes it, so that `to_string()` round-trips through `from_str`. Parsing is deliberately
/// strict (no case folding): slugs come from our own database and URLs, and accepting
/// variants would give one page several addresses.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
#[strum(
    serialize_all = "lowercase",
    parse_err_ty = UnknownMarketplace,
    parse_err_fn = UnknownMarketplace::of
)]
pub enum Marketplace {
    AliExpress,
    Amazon,
    Ebay,
    Temu,
    Shein,
    DhGate,
    Alibaba,
    Wish,
    Etsy,
    Walmart,
    Shopee,
    Lazada,
    MercadoLibre,
    Taobao,
    Tmall,
    Other,
}

impl Marketplace {
    /// Every marketplace, in declaration order (for menus and exhaustive tests).
    pub const ALL: [Marketplace; Marketplace::VARIANTS.len()] = super::variants::all();

    /// Stable slug, stored in the database and used in our own URLs. Never change one.
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Name as the marketplace writes it, for people to read.
    pub fn display_name(self) -> &'static str {
        match self {
            Marketplace::AliExpress => "AliExpress",
            Marketplace::Amazon => "Amazon",
            Marketplace::Ebay => "eBay",
            Marketplace::Temu => "Temu",
            Marketplace::Shein => "SHEIN",
            Marketplace::DhGate => "DHgate",
            Marketplace::Alibaba => "Alibaba.com",
            Marketplace::Wish => "Wish",
            Marketplace::Etsy => "Etsy",
            Marketplace::Walmart => "Walmart",
            Marketplace::Shopee => "Shopee",
            Marketplace::Lazada => "Lazada",
            Marketplace::MercadoLibre => "Mercado Libre",
            Marketplace::Taobao => "Taobao",
            Marketplace::Tmall => "Tmall",
            Marketplace::Other => "Other",
        }
    }
}

/// The text given to [`Marketplace::from_str`] is not one of the slugs of [`Marketplace::as_str`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownMarketplace;

impl fmt::Display for UnknownMarketplace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("unknown marketplace")
    }
}

impl std::error::Error for UnknownMarketplace {}

impl UnknownMarketplace {
    fn of(_slug: &str) -> Self {
        UnknownMarketplace
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_slug_round_trips_through_from_str_and_display() {
        for m in Marketplace::ALL {
            assert_eq!(m.as_str().parse::<Marketplace>(), Ok(m));
            assert_eq!(m.to_string(), m.as_str());
        }
    }

    #[test]
    fn slugs_and_display_names_are_unique() {
        let mut slugs: Vec<_> = Marketplace::ALL.iter().map(|m| m.as_str()).collect();
        let mut names: Vec<_> = Marketplace::ALL.iter().map(|m| m.display_name()).collect();
        slugs.sort_unstable();
        slugs.dedup();
        names.sort_unstable();
        names.dedup();
        assert_eq!(slugs.len(), Marketplace::ALL.len());
        assert_eq!(names.len(), Marketplace::ALL.len());
    }

    #[test]
    fn slugs_are_lowercase_ascii_letters() {
        for m in Marketplace::ALL {
            assert!(m.as_str().bytes().all(|b| b.is_ascii_lowercase()), "{m:?}");
        }
    }

    #[test]
    fn slugs_are_the_stored_ones() {
        assert_eq!(
            Marketplace::ALL.map(Marketplace::as_str),
            [
                "aliexpress",
                "amazon",
                "ebay",
                "temu",
                "shein",
                "dhgate",
                "alibaba",
                "wish",
                "etsy",
                "walmart",
                "shopee",
                "lazada",
                "mercadolibre",
                "taobao",
                "tmall",
                "other",
            ]
        );
    }

    #[test]
    fn all_is_in_declaration_order_so_it_is_sorted() {
        assert!(Marketplace::ALL.is_sorted());
    }

    #[test]
    fn known_slugs_parse() {
        assert_eq!("ebay".parse(), Ok(Marketplace::Ebay));
        assert_eq!("mercadolibre".parse(), Ok(Marketplace::MercadoLibre));
        assert_eq!("dhgate".parse(), Ok(Marketplace::DhGate));
    }

    #[test]
    fn unknown_or_differently_cased_slugs_are_rejected() {
        for s in [
            "",
            "Amazon",
            "AMAZON",
            " amazon",
            "amazon ",
            "e-bay",
            "mercado-libre",
            "x",
        ] {
            assert_eq!(s.parse::<Marketplace>(), Err(UnknownMarketplace), "{s:?}");
        }
        assert_eq!(UnknownMarketplace.to_string(), "unknown marketplace");
    }

    #[test]
    fn display_names_follow_the_marketplaces_own_spelling() {
        assert_eq!(Marketplace::Ebay.display_name(), "eBay");
        assert_eq!(Marketplace::AliExpress.display_name(), "AliExpress");
        assert_eq!(Marketplace::DhGate.display_name(), "DHgate");
        assert_eq!(Marketplace::MercadoLibre.display_name(), "Mercado Libre");
    }
}
