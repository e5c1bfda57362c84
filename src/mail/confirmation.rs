//! The confirmation mail: which reports the address is asked to confirm, and the link.
//!
//! Plain text only: the mail is a list and a link, and user text (brand, seller, the
//! description's first words) in plain text can't become markup.

use askama::Template;
use lettre::Message;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, SinglePart};

use crate::db::confirmations::PendingReport;
use crate::domain::excerpt::first_words;
use crate::security::random_token;

/// How long a confirmation link works.
pub const LINK_VALID_DAYS: i32 = 7;

pub const SUBJECT: &str = "Confirm your Fakewatch report";

/// Reports listed by name in one mail; the rest are counted.
const LISTED: usize = 10;

/// Words of the description quoted for each report: as many as the confirmation page shows
/// (`routes::reports::confirm::DESCRIPTION_WORDS`), so that the two read the same.
const QUOTED_WORDS: usize = 12;

/// A longer word is cut: the quote is there to be recognised, not read.
const MAX_WORD_CHARS: usize = 30;

#[derive(Template)]
#[template(path = "mail/confirmation.txt")]
struct ConfirmationText<'a> {
    site: &'a str,
    link: &'a str,
    total: usize,
    reports: Vec<ReportLine>,
    more: usize,
    valid_days: i32,
}

struct ReportLine {
    url: String,
    brand: String,
    seller: String,
    words: String,
}

/// Why a mail could not be put together; retrying would not help.
#[derive(Debug, thiserror::Error)]
pub enum ComposeError {
    #[error("the recipient address is not one a mail can be sent to")]
    BadAddress,
    #[error("cannot build the mail: {0}")]
    Build(String),
}

/// The mail asking `to` to confirm `reports` (not empty) with `link`, the absolute
/// `{public base}/confirm/{token}`.
pub fn compose(
    from: &Mailbox,
    to: &str,
    reports: &[PendingReport],
    site: &str,
    link: &str,
) -> Result<Message, ComposeError> {
    let to: Mailbox = to.parse().map_err(|_| ComposeError::BadAddress)?;
    let text = ConfirmationText {
        site,
        link,
        total: reports.len(),
        reports: reports.iter().take(LISTED).map(line).collect(),
        more: reports.len().saturating_sub(LISTED),
        valid_days: LINK_VALID_DAYS,
    }
    .render()
    .map_err(|e| ComposeError::Build(e.to_string()))?;
    let message_id = format!("<{}@{}>", random_token(18), from.email.domain());
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(SUBJECT)
        .message_id(Some(message_id))
        // RFC 3834: out-of-office replies and other robots leave it alone.
        .raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str("Auto-Submitted"),
            "auto-generated".to_owned(),
        ))
        .singlepart(
            SinglePart::builder()
                .header(ContentType::TEXT_PLAIN)
                .body(text),
        )
        .map_err(|e| ComposeError::Build(e.to_string()))
}

fn line(report: &PendingReport) -> ReportLine {
    ReportLine {
        url: one_line(&report.canonical_url),
        brand: one_line(&report.brand_name),
        seller: one_line(&report.seller_name),
        words: quoted_words(&report.description, QUOTED_WORDS),
    }
}

/// User text on one line: whitespace runs become one space, control characters go.
fn one_line(text: &str) -> String {
    text.split_whitespace()
        .map(|word| word.chars().filter(|c| !c.is_control()).collect::<String>())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The first `count` words of a description, to recognise it by, as the confirmation page
/// quotes them, except that links become `[link]`: the mail goes to an address anyone may
/// type, and must not carry someone else's link to click under our name.
pub fn quoted_words(description: &str, count: usize) -> String {
    let words: Vec<String> = description
        .split_whitespace()
        .take(count + 1)
        .map(|word| {
            let word: String = word.chars().filter(|c| !c.is_control()).collect();
            if looks_like_link(&word) {
                "[link]".to_owned()
            } else if word.chars().count() > MAX_WORD_CHARS {
                word.chars().take(MAX_WORD_CHARS).chain(['…']).collect()
            } else {
                word
            }
        })
        .collect();
    first_words(&words.join(" "), count)
}

/// What a mail program would turn into a link: a scheme, `www.`, or a dotted name
/// (`example.com/login`); not a number such as `29.90`.
fn looks_like_link(word: &str) -> bool {
    let word = word.trim_matches(|c: char| !c.is_alphanumeric());
    let lower = word.to_lowercase();
    if lower.contains("://") || lower.starts_with("www.") || lower.contains('@') {
        return true;
    }
    let chars: Vec<char> = word.chars().collect();
    chars.windows(3).any(|w| {
        w[1] == '.' && w[0].is_alphanumeric() && w[2].is_alphabetic() && !w[0].is_ascii_digit()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;

    fn pending(description: &str) -> PendingReport {
        PendingReport {
            report_id: 1,
            public_id: "abc".into(),
            canonical_url: "https://www.aliexpress.com/item/1005006543210987.html".into(),
            marketplace: crate::domain::Marketplace::AliExpress,
            brand_name: "Louis Vuitton".into(),
            seller_name: "Luxury\nOutlet Store".into(),
            description: description.into(),
            created_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn body(reports: &[PendingReport]) -> String {
        let from: Mailbox = "Fakewatch <noreply@fakewatch.example>"
            .parse()
            .expect("from");
        let message = compose(
            &from,
            "buyer@example.com",
            reports,
            "https://fakewatch.example",
            "https://fakewatch.example/confirm/TOKEN",
        )
        .expect("composed");
        // Headers as they are, the body as a person reads it (an ellipsis makes it
        // quoted-printable).
        let raw = String::from_utf8(message.formatted()).expect("ascii");
        let (head, body) = raw.split_once("\r\n\r\n").expect("head and body");
        if !head.contains("Content-Transfer-Encoding: quoted-printable") {
            return raw;
        }
        let body = quoted_printable::decode(body, quoted_printable::ParseMode::Strict)
            .expect("quoted-printable");
        format!("{head}\r\n\r\n{}", String::from_utf8(body).expect("utf-8"))
    }

    #[test]
    fn the_mail_names_the_report_and_carries_the_link() {
        let mail = body(&[pending(
            "The monogram pattern is misaligned at the seams and the price was a tenth of retail.",
        )]);
        assert!(
            mail.contains("Subject: Confirm your Fakewatch report"),
            "{mail}"
        );
        assert!(
            mail.contains("From: Fakewatch <noreply@fakewatch.example>"),
            "{mail}"
        );
        assert!(mail.contains("To: buyer@example.com"), "{mail}");
        assert!(mail.contains("Auto-Submitted: auto-generated"), "{mail}");
        assert!(mail.contains("https://www.aliexpress.com/item/1005006543210987.html"));
        assert!(mail.contains("Brand: Louis Vuitton"), "{mail}");
        assert!(mail.contains("Seller: Luxury Outlet Store"), "{mail}");
        assert!(
            mail.contains("\"The monogram pattern is misaligned at the seams and the price was…\""),
            "{mail}"
        );
        assert!(
            mail.contains("\r\nhttps://fakewatch.example/confirm/TOKEN\r\n"),
            "{mail}"
        );
        assert!(mail.contains("choose \"This wasn't me\""), "{mail}");
        assert!(mail.contains("a report about"), "{mail}");
    }

    #[test]
    fn many_reports_are_counted_beyond_the_first_ten() {
        let reports: Vec<_> = (0..13)
            .map(|_| pending("Fake stitching on the strap"))
            .collect();
        let mail = body(&reports);
        assert!(mail.contains("13 reports about"), "{mail}");
        assert_eq!(mail.matches("Brand: Louis Vuitton").count(), 10);
        assert!(mail.contains("- and 3 more."), "{mail}");
    }

    #[test]
    fn an_address_lettre_cannot_send_to_is_refused() {
        let from: Mailbox = "noreply@fakewatch.example".parse().expect("from");
        let result = compose(&from, "not an address", &[pending("x")], "s", "l");
        assert!(matches!(result, Err(ComposeError::BadAddress)));
    }

    #[test]
    fn quoted_words_stop_at_the_count() {
        assert_eq!(quoted_words("one two  three\nfour", 3), "one two three…");
        assert_eq!(quoted_words("one two", 3), "one two");
        assert_eq!(quoted_words("", 3), "");
    }

    #[test]
    fn links_in_the_description_are_not_passed_on() {
        assert_eq!(
            quoted_words(
                "Log in at https://evil.example/login or www.evil.example now",
                12
            ),
            "Log in at [link] or [link] now"
        );
        assert_eq!(quoted_words("see evil.example/login.", 12), "see [link]");
        assert_eq!(quoted_words("mail me@evil.example", 12), "mail [link]");
        assert_eq!(
            quoted_words("It cost 29.90 USD, not 1.200,00. Seams.Bad", 12),
            "It cost 29.90 USD, not 1.200,00. [link]"
        );
    }

    #[test]
    fn long_words_are_cut() {
        let long = "a".repeat(100);
        assert_eq!(quoted_words(&long, 12), format!("{}…", "a".repeat(30)));
    }
}
