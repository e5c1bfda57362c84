//! Names and free text put together from the `vocabulary`: brands, slugs, product titles,
//! buyers' descriptions and e-mail addresses.
//!
//! Everything is ASCII or precomposed Latin, so that the small [`slugify`] and [`fold`] here give
//! the same result as `domain::fold` for these inputs.

use std::fmt::Write;

use rand::RngExt;

use super::vocabulary::{
    BRAND_SUFFIXES, CLOSERS, CODAS, FIRST_NAMES, LAST_NAMES, ONSETS, OPENERS, REASON_SENTENCES,
    TITLE_PREFIXES, TITLE_SUFFIXES, VOWELS,
};

/// A pronounceable made-up word of two or three syllables, capitalised ("Vexora", "Trandil").
pub(super) fn pseudo_word(rng: &mut impl RngExt) -> String {
    let mut word = String::new();
    for _ in 0..rng.random_range(2..=3) {
        word.push_str(pick(rng, ONSETS));
        word.push_str(pick(rng, VOWELS));
    }
    word.push_str(pick(rng, CODAS));
    capitalise(&word)
}

/// A made-up brand: a word, sometimes with a place or trade after it or two words joined.
pub(super) fn brand_name(rng: &mut impl RngExt) -> String {
    let word = pseudo_word(rng);
    match rng.random_range(0..10) {
        0..=5 => word,
        6 | 7 => format!("{word} {}", pick(rng, BRAND_SUFFIXES)),
        8 => format!("{word} & {}", pseudo_word(rng)),
        _ => format!("{} {word}", pseudo_word(rng)),
    }
}

/// Slug as `domain::fold::slugify` makes it for these names: lowercase, apostrophes dropped,
/// letters and digits kept, every other run of characters one '-'.
pub(super) fn slugify(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    let mut dash = false;
    for c in name.chars().flat_map(char::to_lowercase) {
        if matches!(c, '\'' | '\u{2019}') {
            continue;
        }
        if c.is_alphanumeric() {
            if dash && !slug.is_empty() {
                slug.push('-');
            }
            dash = false;
            slug.push(c);
        } else {
            dash = true;
        }
    }
    slug
}

/// An ASCII slug for a web shop's product path, as shop systems make them ("hermes-…"): like
/// [`slugify`], with accents dropped, so that the URL needs no percent-encoding.
pub(super) fn url_slug(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| match c {
            'à' | 'á' | 'â' | 'ä' => 'a',
            'ç' => 'c',
            'è' | 'é' | 'ê' | 'ë' => 'e',
            'í' | 'î' | 'ï' => 'i',
            'ó' | 'ô' | 'ö' => 'o',
            'ú' | 'û' | 'ü' => 'u',
            c if c.is_ascii() => c,
            _ => ' ',
        })
        .collect();
    slugify(&ascii)
}

/// Comparison key as `domain::fold::fold_name` makes it for these names: lowercase, single
/// spaces.
pub(super) fn fold(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The word with its first letter in upper case.
fn capitalise(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A uniformly chosen element of a non-empty constant list.
pub(super) fn pick<T: Copy>(rng: &mut impl RngExt, list: &[T]) -> T {
    list[rng.random_range(0..list.len())]
}

/// Writes a product title: prefix, brand, product, suffix.
pub(super) fn write_title(out: &mut String, brand: &str, product: &str, prefix: u8, suffix: u8) {
    let prefix = TITLE_PREFIXES[usize::from(prefix) % TITLE_PREFIXES.len()];
    let suffix = TITLE_SUFFIXES[usize::from(suffix) % TITLE_SUFFIXES.len()];
    // Writing to a String cannot fail.
    let _ = write!(out, "{prefix}{brand} {product}{suffix}");
}

/// Writes a buyer's description: maybe an opener, one sentence per reason (`reasons` are
/// indexes into `Reason::ALL`), maybe a closer. Always at least one sentence, so well over the
/// schema's minimum length.
pub(super) fn write_description(
    out: &mut String,
    rng: &mut impl RngExt,
    brand: &str,
    reasons: &[usize],
) {
    let mut sentences: Vec<&str> = Vec::with_capacity(reasons.len() + 2);
    if rng.random_bool(0.4) {
        sentences.push(pick(rng, OPENERS));
    }
    for &reason in reasons {
        sentences.push(pick(rng, REASON_SENTENCES[reason % REASON_SENTENCES.len()]));
    }
    if rng.random_bool(0.6) {
        sentences.push(pick(rng, CLOSERS));
    }
    for (i, sentence) in sentences.into_iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let mut parts = sentence.split("{brand}");
        out.push_str(parts.next().unwrap_or_default());
        for part in parts {
            out.push_str(brand);
            out.push_str(part);
        }
    }
}

/// A private e-mail address on the reserved example domains (RFC 2606), unique per reporter.
pub(super) fn write_email(out: &mut String, reporter: u32, hash: u64) {
    let first = FIRST_NAMES[(hash % FIRST_NAMES.len() as u64) as usize];
    let last = LAST_NAMES[((hash >> 16) % LAST_NAMES.len() as u64) as usize];
    let domain = ["com", "net", "org"][((hash >> 32) % 3) as usize];
    let _ = write!(out, "{first}.{last}{reporter}@example.{domain}");
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;
    use crate::demo_data::vocabulary::{BRAND_ALIASES, FAMOUS_BRANDS};

    #[test]
    fn slugs_follow_the_fold_rules_for_the_famous_brands() {
        assert_eq!(slugify("Louis Vuitton"), "louis-vuitton");
        assert_eq!(slugify("Levi's"), "levis");
        assert_eq!(slugify("Tiffany & Co."), "tiffany-co");
        assert_eq!(slugify("Hermès"), "hermès");
        assert_eq!(slugify("L'Oréal"), "loréal");
        assert_eq!(slugify("  Dr. Martens "), "dr-martens");
        assert_eq!(fold("  Shop  Best Store "), "shop best store");
        assert_eq!(url_slug("Hermès Mini Bag"), "hermes-mini-bag");
        assert_eq!(
            url_slug("Estée Lauder Serum 30ml"),
            "estee-lauder-serum-30ml"
        );
    }

    #[test]
    fn every_alias_points_at_a_famous_brand() {
        let slugs: Vec<String> = FAMOUS_BRANDS.iter().map(|(n, _)| slugify(n)).collect();
        for (alias, target) in BRAND_ALIASES {
            assert!(slugs.iter().any(|s| s == target), "{target}");
            assert!(!slugs.iter().any(|s| s == alias), "{alias} is a brand");
        }
    }

    #[test]
    fn made_up_brands_are_plausible_and_mostly_distinct() {
        let mut rng = StdRng::seed_from_u64(7);
        let names: Vec<String> = (0..2000).map(|_| brand_name(&mut rng)).collect();
        let mut slugs: Vec<String> = names.iter().map(|n| slugify(n)).collect();
        for (name, slug) in names.iter().zip(&slugs) {
            assert!((2..=120).contains(&name.len()), "{name}");
            assert!(name.starts_with(|c: char| c.is_ascii_uppercase()), "{name}");
            assert_eq!(slug, &slug.to_lowercase());
        }
        slugs.sort();
        slugs.dedup();
        assert!(slugs.len() > 1900, "only {} distinct", slugs.len());
    }

    #[test]
    fn descriptions_mention_the_brand_and_are_long_enough() {
        let mut rng = StdRng::seed_from_u64(1);
        for reason in 0..8 {
            let mut text = String::new();
            write_description(&mut text, &mut rng, "Gucci", &[reason]);
            assert!(text.len() >= 10, "{text}");
            assert!(!text.contains("{brand}"), "{text}");
            assert!(!text.contains(['\t', '\n', '\\']), "{text}");
        }
    }
}
