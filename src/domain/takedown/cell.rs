//! Spreadsheet-safe cells.

use std::borrow::Cow;

/// Neutralises a cell that a spreadsheet would run as a formula ("CSV injection"): a value
/// starting with `=`, `+`, `-`, `@`, a tab or a carriage return (or the full-width `＝＋－＠`,
/// which some spreadsheets in East Asian locales read the same way) gets a leading apostrophe,
/// which spreadsheets show as text and do not evaluate. Everything else is left as it is, so
/// URLs and ids copy cleanly into complaint forms.
pub fn neutralise(value: &str) -> Cow<'_, str> {
    match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠') => {
            Cow::Owned(format!("'{value}"))
        }
        _ => Cow::Borrowed(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        for bad in [
            "=HYPERLINK(\"http://evil\")",
            "+1+1",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "＝1+1",
            "＠SUM(A1)",
        ] {
            let cell = neutralise(bad);
            assert!(cell.starts_with('\''), "{bad:?} -> {cell:?}");
            assert_eq!(&cell[1..], bad);
        }
    }

    #[test]
    fn ordinary_values_are_untouched() {
        for good in [
            "",
            "https://www.aliexpress.com/item/1005001.html",
            "Acme Pro",
            "12.50",
            "a=b",
        ] {
            assert!(matches!(neutralise(good), Cow::Borrowed(_)), "{good:?}");
        }
    }
}
