//! Short openings of reporters' text, for places that quote a report without showing it all
//! (the confirmation mail and page).

/// The first `n` words of `text`, whitespace collapsed, with an ellipsis when there were more.
pub fn first_words(text: &str, n: usize) -> String {
    let mut words = text.split_whitespace();
    let opening: Vec<&str> = words.by_ref().take(n).collect();
    let mut out = opening.join(" ");
    if words.next().is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::first_words;

    #[test]
    fn first_words_cuts_after_n_words_and_marks_the_cut() {
        assert_eq!(first_words("one two  three\nfour", 3), "one two three…");
        assert_eq!(first_words("one two three", 3), "one two three");
        assert_eq!(first_words("   ", 3), "");
    }
}
