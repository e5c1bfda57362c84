//! A seller's right of reply: the statement a seller publishes beside the reports about them,
//! the code that shows a moderator the author controls the store, and where a reply stands.
//!
//! Anybody can send a reply for any seller; it becomes public only once a moderator found the
//! reply's code in the store's own description, which only the store's owner can edit.

use std::fmt;
use std::str::FromStr;

use strum::VariantArray;

use super::moderation::UnknownValue;
use super::report::{Email, EmailProblem, MAX_EMAIL_CHARS};
use super::validation::FieldErrors;

/// The longest statement, in characters, after trimming.
pub const MAX_STATEMENT_CHARS: usize = 2000;

/// A reply as the form sent it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReplyInput {
    pub statement: String,
    pub email: String,
}

/// A reply that passed every check; built only by [`ReplyInput::validate`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReply {
    pub statement: Statement,
    /// Private: never shown, neither publicly nor to moderators.
    pub email: Email,
}

impl ReplyInput {
    /// Checks both fields and returns every problem at once.
    pub fn validate(&self) -> Result<NewReply, FieldErrors> {
        let mut errors = FieldErrors::new();
        let statement = Statement::parse(&self.statement)
            .map_err(|m| errors.add("statement", m))
            .ok();
        let email = parse_contact(&self.email)
            .map_err(|m| errors.add("email", m))
            .ok();
        match (statement, email) {
            (Some(statement), Some(email)) => Ok(NewReply { statement, email }),
            _ => Err(errors),
        }
    }
}

fn parse_contact(raw: &str) -> Result<Email, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(
            "Give an email address where we can reach you about this reply; it is never shown"
                .into(),
        );
    }
    Email::parse(raw).map_err(|problem| match problem {
        EmailProblem::TooLong => {
            format!("Email addresses have at most {MAX_EMAIL_CHARS} characters")
        }
        EmailProblem::Malformed => "Enter an email address like name@example.com".into(),
    })
}

/// What the seller says: trimmed, with Windows line breaks made plain, 1 to
/// [`MAX_STATEMENT_CHARS`] characters, no control characters but line breaks and tabs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement(String);

impl Statement {
    pub fn parse(raw: &str) -> Result<Statement, String> {
        let text = raw.trim().replace("\r\n", "\n");
        let chars = text.chars().count();
        if chars == 0 {
            return Err("Write your reply to the reports".into());
        }
        if chars > MAX_STATEMENT_CHARS {
            return Err(format!(
                "Keep the reply to {MAX_STATEMENT_CHARS} characters (it has {chars})"
            ));
        }
        if text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err("The reply contains control characters; paste it as plain text".into());
        }
        Ok(Statement(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The symbols of a code: Crockford's base 32, without I, L, O and U, so that nobody misreads
/// or mistypes one for another when copying it into a store's description.
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Random bytes a code is made of: 40 bits, eight symbols.
pub const CODE_BYTES: usize = 5;

/// The code the author puts in the store's description, `FW-7K3P-Q9XD`. Not a secret: it is
/// meant to be published on the store page, where only the store's owner can put it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct VerificationCode(String);

impl VerificationCode {
    /// The code spelt by `bytes` (from a CSPRNG): five bits per symbol.
    pub fn from_bytes(bytes: [u8; CODE_BYTES]) -> Self {
        let bits = bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let symbols: String = (0..8)
            .rev()
            .map(|i| char::from(CODE_ALPHABET[((bits >> (i * 5)) & 31) as usize]))
            .collect();
        VerificationCode(format!("FW-{}-{}", &symbols[..4], &symbols[4..]))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for VerificationCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for VerificationCode {
    type Err = UnknownValue;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let group = |g: &str| g.len() == 4 && g.bytes().all(|b| CODE_ALPHABET.contains(&b));
        let valid = s.strip_prefix("FW-").and_then(|rest| rest.split_once('-'));
        match valid {
            Some((a, b)) if group(a) && group(b) => Ok(VerificationCode(s.to_owned())),
            _ => Err(UnknownValue(s.to_owned())),
        }
    }
}

impl TryFrom<String> for VerificationCode {
    type Error = UnknownValue;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// Where a reply stands. Only `approved` is public. Stored by name, the variant's in snake
/// case: never rename a variant without a `#[strum(serialize = …)]` that keeps its name.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
#[strum(
    serialize_all = "snake_case",
    parse_err_ty = UnknownValue,
    parse_err_fn = UnknownValue::of
)]
pub enum ReplyStatus {
    /// Waiting for a moderator to look for the code in the store.
    Pending,
    /// Published on the seller's page, in its JSON and feed.
    Approved,
    Rejected,
    /// Was approved, until the seller's next approved reply took its place.
    Replaced,
}

impl ReplyStatus {
    pub const ALL: [ReplyStatus; ReplyStatus::VARIANTS.len()] = super::variants::all();

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The status as moderators read it in a reply's history.
    pub fn label(self) -> &'static str {
        match self {
            ReplyStatus::Pending => "Waiting for a moderator",
            ReplyStatus::Approved => "Published",
            ReplyStatus::Rejected => "Rejected",
            ReplyStatus::Replaced => "Published, then replaced by a newer reply",
        }
    }
}

impl TryFrom<String> for ReplyStatus {
    type Error = UnknownValue;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

/// Why a moderator did not publish a reply. Stored by name, as [`ReplyStatus`] is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::Display,
    strum::VariantArray,
)]
#[strum(
    serialize_all = "snake_case",
    parse_err_ty = UnknownValue,
    parse_err_fn = UnknownValue::of
)]
pub enum ReplyRejectReason {
    CouldNotVerifyStore,
    Abusive,
    PersonalData,
    OffTopic,
}

impl ReplyRejectReason {
    pub const ALL: [ReplyRejectReason; ReplyRejectReason::VARIANTS.len()] = super::variants::all();

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The reason in a sentence, for the reject form and the reply's history.
    pub fn label(self) -> &'static str {
        match self {
            ReplyRejectReason::CouldNotVerifyStore => "The code is not in the store's description",
            ReplyRejectReason::Abusive => "Abusive or threatening",
            ReplyRejectReason::PersonalData => "Contains personal data",
            ReplyRejectReason::OffTopic => "Not a reply to the reports",
        }
    }
}

impl TryFrom<String> for ReplyRejectReason {
    type Error = UnknownValue;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(statement: &str, email: &str) -> ReplyInput {
        ReplyInput {
            statement: statement.into(),
            email: email.into(),
        }
    }

    #[test]
    fn a_statement_is_trimmed_and_keeps_its_paragraphs() {
        let reply = input(
            "  We sell genuine stock.\r\n\r\nInvoices on request.  ",
            "a@b.co",
        )
        .validate()
        .expect("valid");
        assert_eq!(
            reply.statement.as_str(),
            "We sell genuine stock.\n\nInvoices on request."
        );
        assert_eq!(reply.email.as_str(), "a@b.co");
    }

    #[test]
    fn statements_are_one_to_two_thousand_characters_counted_as_characters() {
        assert!(Statement::parse(" \n ").is_err());
        let longest = "é".repeat(MAX_STATEMENT_CHARS);
        assert!(
            Statement::parse(&longest).is_ok(),
            "2,000 two-byte characters fit"
        );
        let message = Statement::parse(&"x".repeat(MAX_STATEMENT_CHARS + 1)).expect_err("long");
        assert!(message.contains("2001"), "{message}");
        // Trimmed first: spaces around a full statement do not count.
        assert!(Statement::parse(&format!("  {}  ", "x".repeat(MAX_STATEMENT_CHARS))).is_ok());
    }

    #[test]
    fn control_characters_other_than_line_breaks_and_tabs_are_refused() {
        assert!(Statement::parse("fine\tand\nfine").is_ok());
        assert!(Statement::parse("bell \u{7}").is_err());
    }

    #[test]
    fn both_fields_are_required_and_every_problem_is_reported() {
        let errors = input("", "").validate().expect_err("empty");
        assert!(errors.get("statement").is_some());
        assert!(errors.get("email").is_some());
        let errors = input("A reply.", "not an address")
            .validate()
            .expect_err("bad");
        assert_eq!(errors.as_slice().len(), 1);
        assert!(errors.get("email").is_some());
        let long = format!("{}@example.org", "a".repeat(MAX_EMAIL_CHARS));
        let message = input("A reply.", &long).validate().expect_err("long");
        assert!(message.get("email").is_some_and(|m| m.contains("254")));
    }

    #[test]
    fn codes_are_eight_unambiguous_symbols_in_two_groups() {
        let code = VerificationCode::from_bytes([0, 0, 0, 0, 0]);
        assert_eq!(code.as_str(), "FW-0000-0000");
        let code = VerificationCode::from_bytes([0xff; CODE_BYTES]);
        assert_eq!(code.as_str(), "FW-ZZZZ-ZZZZ");
        // 0x01 in the last byte is the last symbol's 1; bit 5 spills into the one before.
        let code = VerificationCode::from_bytes([0, 0, 0, 0, 0x21]);
        assert_eq!(code.as_str(), "FW-0000-0011");
        for bytes in [[1, 2, 3, 4, 5], [200, 100, 50, 25, 12], [0x7a; 5]] {
            let code = VerificationCode::from_bytes(bytes);
            assert_eq!(code.as_str().len(), 12);
            for ambiguous in ['I', 'L', 'O', 'U'] {
                assert!(!code.as_str()[3..].contains(ambiguous), "{code}");
            }
            assert_eq!(code.as_str().parse::<VerificationCode>(), Ok(code.clone()));
        }
    }

    #[test]
    fn different_bytes_make_different_codes() {
        let codes: std::collections::HashSet<_> = (0..=255u8)
            .map(|b| VerificationCode::from_bytes([b, b ^ 0x5a, 3, b, 9]).0)
            .collect();
        assert_eq!(codes.len(), 256);
    }

    #[test]
    fn malformed_codes_do_not_read_back() {
        for bad in [
            "",
            "FW-0000",
            "FW-00000-000",
            "fw-0000-0000",
            "FW-IIII-0000",
            "XX-0000-0000",
        ] {
            assert!(bad.parse::<VerificationCode>().is_err(), "{bad}");
        }
    }

    #[test]
    fn statuses_and_reasons_read_back_and_have_labels() {
        for status in ReplyStatus::ALL {
            assert_eq!(status.as_str().parse::<ReplyStatus>(), Ok(status));
            assert!(!status.label().is_empty());
        }
        assert!("deleted".parse::<ReplyStatus>().is_err());
        for reason in ReplyRejectReason::ALL {
            assert_eq!(reason.as_str().parse::<ReplyRejectReason>(), Ok(reason));
            assert!(!reason.label().is_empty());
        }
        assert!("because".parse::<ReplyRejectReason>().is_err());
    }

    #[test]
    fn names_are_the_stored_ones() {
        assert_eq!(
            ReplyStatus::ALL.map(ReplyStatus::as_str),
            ["pending", "approved", "rejected", "replaced"]
        );
        assert_eq!(
            ReplyRejectReason::ALL.map(ReplyRejectReason::as_str),
            [
                "could_not_verify_store",
                "abusive",
                "personal_data",
                "off_topic"
            ]
        );
        for status in ReplyStatus::ALL {
            assert_eq!(status.to_string(), status.as_str());
        }
        for reason in ReplyRejectReason::ALL {
            assert_eq!(reason.to_string(), reason.as_str());
        }
        assert_eq!(
            ReplyStatus::try_from("deleted".to_owned()),
            Err(UnknownValue("deleted".into()))
        );
    }
}
