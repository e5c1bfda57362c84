//! Folding of human-typed names (brands, sellers) into comparison keys, slugs and clean
//! display forms.
//!
//! Buyers type brand and seller names in every possible way: upper case, full-width letters from
//! an Asian keyboard, doubled or non-breaking spaces, and sometimes invisible characters picked up
//! while copying from a web page (zero-width spaces, bidi overrides). Those last ones are also a
//! spoofing tool: "Nike\u{202E}" renders like "Nike" but would not compare equal. Everything here
//! removes them before doing anything else.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Folds a human-typed name into a comparison key: Unicode NFKC (so full-width letters become
/// ASCII), lowercase (full Unicode), whitespace runs (incl. NBSP, ideographic space) collapsed to
/// one ASCII space, trimmed; control and zero-width / bidi-override characters (U+200B..U+200F,
/// U+202A..U+202E, U+2066..U+2069, U+FEFF, plus the invisible U+00AD soft hyphen and U+2060 word
/// joiner) removed.
///
/// Trademark signs (™ ℠ ® ©) are removed too: buyers copy them from product titles, and without
/// this NFKC would turn "Off-White™" into "off-whitetm".
///
/// The result is a fixed point: `fold_name(&fold_name(s)) == fold_name(s)`.
pub fn fold_name(input: &str) -> String {
    // Invisible characters go first: left in place, one between a letter and its combining
    // accent would stop NFKC from composing them, and a second fold would then give a different
    // key.
    let visible: String = input
        .chars()
        .filter(|&c| !is_invisible(c) && !is_trademark_sign(c))
        .collect();
    // NFKC again after lowercasing, because lowercasing can produce a sequence NFKC would
    // rewrite (e.g. U+0130 'İ' becomes 'i' + U+0307), and keys must be stable.
    let folded: String = visible.nfkc().flat_map(char::to_lowercase).nfkc().collect();
    collapse_whitespace(&folded)
}

/// Brand slug for our URLs: [`fold_name`], then Unicode letters, digits and combining accents are
/// kept, apostrophes are dropped ("Levi's" → "levis"), and every other run of characters becomes
/// a single '-', with none at either end.
///
/// Accented and non-Latin letters are kept as they are rather than transliterated ("Moët &
/// Chandon" → "moët-chandon", "資生堂" → "資生堂"): transliteration is language-dependent and lossy,
/// and browsers display such paths fine. The result can be empty (for "!!!"); callers decide
/// whether that is acceptable.
pub fn slugify(input: &str) -> String {
    let mut slug = String::with_capacity(input.len());
    let mut pending_dash = false;
    // Whether the previous input character made it into the slug: a combining accent is only
    // kept on a letter it was already attached to, never on one it would newly touch.
    let mut prev_kept = false;
    for c in fold_name(input).chars() {
        // Checked first: U+02BC counts as a letter for `is_alphanumeric`.
        if is_apostrophe(c) {
            prev_kept = false;
            continue;
        }
        let keep = c.is_alphanumeric() || (is_combining_mark(c) && prev_kept);
        prev_kept = keep;
        if keep {
            if pending_dash {
                slug.push('-');
                pending_dash = false;
            }
            slug.push(c);
        } else if !slug.is_empty() && !is_combining_mark(c) {
            // A stray accent is noise rather than a word break.
            pending_dash = true;
        }
    }
    // Dropping an apostrophe can bring together characters that compose (Hangul jamo); compose
    // them now so that slugifying a slug changes nothing.
    slug.nfc().collect()
}

/// Display form of a name: trims, collapses whitespace, removes control, bidi-override and
/// zero-width characters (the same set as [`fold_name`]), but keeps case and full-width forms.
/// The text is put in NFC so that the same name typed on two systems is stored identically.
/// Used to store display names.
pub fn clean_display(input: &str) -> String {
    let visible: String = input.chars().filter(|&c| !is_invisible(c)).nfc().collect();
    collapse_whitespace(&visible)
}

/// Characters that are removed outright: control characters other than whitespace, and the
/// format characters that render as nothing but change comparison or display direction.
fn is_invisible(c: char) -> bool {
    (c.is_control() && !c.is_whitespace())
        || matches!(
            c,
            '\u{00AD}'
                | '\u{200B}'..='\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2060}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
        )
}

fn is_trademark_sign(c: char) -> bool {
    matches!(c, '\u{2122}' | '\u{2120}' | '\u{00AE}' | '\u{00A9}')
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{02BC}' | '`')
}

/// Replaces every run of Unicode whitespace (tabs, newlines, NBSP, ideographic space, …) by one
/// ASCII space and trims both ends.
fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split(char::is_whitespace).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests;
