//! Moderation's vocabulary: what a moderator can do (and the audit log records), to what, the
//! reasons a report can be rejected for, and the rules for moderators' accounts; which
//! decisions a report allows ([`decision`]) and the flags the queue raises ([`flags`]).

pub mod decision;
pub mod flags;

use std::fmt;

use strum::VariantArray;

/// Something a moderator or an operator changed. The name, the variant's in snake case, is
/// stored in `moderation_audit`: never rename a variant without a `#[strum(serialize = …)]`
/// that keeps its name.
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
pub enum Action {
    VerifyReport,
    RejectReport,
    HideEvidence,
    ShowEvidence,
    RenameSeller,
    RenameBrand,
    MergeSeller,
    MergeBrand,
    ApproveReply,
    RejectReply,
    AddModerator,
    DisableModerator,
}

impl Action {
    pub const ALL: [Action; Action::VARIANTS.len()] = super::variants::all();

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// What the action is called on the audit page.
    pub fn label(self) -> &'static str {
        match self {
            Action::VerifyReport => "Verified a report",
            Action::RejectReport => "Rejected a report",
            Action::HideEvidence => "Hid an evidence file",
            Action::ShowEvidence => "Showed an evidence file again",
            Action::RenameSeller => "Renamed a seller",
            Action::RenameBrand => "Renamed a brand",
            Action::MergeSeller => "Merged a seller into another",
            Action::MergeBrand => "Merged a brand into another",
            Action::ApproveReply => "Approved a seller's reply",
            Action::RejectReply => "Rejected a seller's reply",
            Action::AddModerator => "Added a moderator",
            Action::DisableModerator => "Disabled a moderator",
        }
    }

    /// The kind of thing the action changes.
    pub fn subject(self) -> SubjectKind {
        match self {
            Action::VerifyReport | Action::RejectReport => SubjectKind::Report,
            Action::HideEvidence | Action::ShowEvidence => SubjectKind::Evidence,
            Action::RenameSeller | Action::MergeSeller => SubjectKind::Seller,
            Action::RenameBrand | Action::MergeBrand => SubjectKind::Brand,
            Action::ApproveReply | Action::RejectReply => SubjectKind::Reply,
            Action::AddModerator | Action::DisableModerator => SubjectKind::Moderator,
        }
    }
}

/// What an audit row is about; stored in `moderation_audit` by name, as [`Action`] is.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    strum::IntoStaticStr,
    strum::EnumString,
    strum::VariantArray,
)]
#[strum(
    serialize_all = "snake_case",
    parse_err_ty = UnknownValue,
    parse_err_fn = UnknownValue::of
)]
pub enum SubjectKind {
    Report,
    Evidence,
    Seller,
    Brand,
    Reply,
    Moderator,
}

impl SubjectKind {
    pub const ALL: [SubjectKind; SubjectKind::VARIANTS.len()] = super::variants::all();

    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// Why a moderator rejected a report; shown to the reporter on the manage page and publicly
/// beside the rejected report. Stored by name, as [`Action`] is.
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
pub enum RejectReason {
    Spam,
    InsufficientEvidence,
    NotCounterfeit,
    PersonalData,
    Duplicate,
}

impl RejectReason {
    pub const ALL: [RejectReason; RejectReason::VARIANTS.len()] = super::variants::all();

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The reason in a sentence a reporter understands.
    pub fn label(self) -> &'static str {
        match self {
            RejectReason::Spam => "Spam or not a real report",
            RejectReason::InsufficientEvidence => "The evidence does not support the report",
            RejectReason::NotCounterfeit => "The item is not a counterfeit",
            RejectReason::PersonalData => "The report contains personal data",
            RejectReason::Duplicate => "A duplicate of another report",
        }
    }
}

// In JSON and in the API document: its name, as stored.
super::variants::json_as_name!(RejectReason);

/// A stored or submitted name that is none of an enum's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue(pub String);

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown value {:?}", self.0)
    }
}

impl std::error::Error for UnknownValue {}

impl UnknownValue {
    /// For strum's `parse_err_fn`.
    pub(crate) fn of(name: &str) -> Self {
        UnknownValue(name.to_owned())
    }
}

/// Passwords shorter than this are refused: moderators' accounts can hide reports.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longer passwords are refused before hashing, so that nobody makes the server hash megabytes.
pub const MAX_PASSWORD_CHARS: usize = 256;

/// Why a password cannot be set.
pub fn password_problem(password: &str) -> Option<String> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        Some(format!(
            "The password must be at least {MIN_PASSWORD_CHARS} characters long"
        ))
    } else if chars > MAX_PASSWORD_CHARS {
        Some(format!(
            "The password must be at most {MAX_PASSWORD_CHARS} characters long"
        ))
    } else {
        None
    }
}

/// A moderator's email as stored and compared: trimmed and lowercased, or why it can't be one.
pub fn moderator_email(raw: &str) -> Result<String, String> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && !domain.is_empty());
    if valid {
        Ok(email)
    } else {
        Err("Enter an email address such as name@example.org".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_action_reads_back_from_its_name() {
        for action in Action::ALL {
            assert_eq!(action.as_str().parse::<Action>(), Ok(action));
        }
        assert!("drop_table".parse::<Action>().is_err());
    }

    #[test]
    fn every_reject_reason_reads_back_and_has_a_label() {
        for reason in RejectReason::ALL {
            assert_eq!(reason.as_str().parse::<RejectReason>(), Ok(reason));
            assert!(!reason.label().is_empty());
        }
        assert!("because".parse::<RejectReason>().is_err());
    }

    #[test]
    fn subject_kinds_read_back() {
        for kind in SubjectKind::ALL {
            assert_eq!(kind.as_str().parse::<SubjectKind>(), Ok(kind));
        }
    }

    #[test]
    fn names_are_the_stored_ones() {
        assert_eq!(
            Action::ALL.map(Action::as_str),
            [
                "verify_report",
                "reject_report",
                "hide_evidence",
                "show_evidence",
                "rename_seller",
                "rename_brand",
                "merge_seller",
                "merge_brand",
                "approve_reply",
                "reject_reply",
                "add_moderator",
                "disable_moderator",
            ]
        );
        assert_eq!(
            SubjectKind::ALL.map(SubjectKind::as_str),
            [
                "report",
                "evidence",
                "seller",
                "brand",
                "reply",
                "moderator"
            ]
        );
        assert_eq!(
            RejectReason::ALL.map(RejectReason::as_str),
            [
                "spam",
                "insufficient_evidence",
                "not_counterfeit",
                "personal_data",
                "duplicate",
            ]
        );
        for action in Action::ALL {
            assert_eq!(action.to_string(), action.as_str());
        }
        for reason in RejectReason::ALL {
            assert_eq!(reason.to_string(), reason.as_str());
        }
        assert_eq!(
            "drop_table".parse::<Action>(),
            Err(UnknownValue("drop_table".into()))
        );
    }

    #[test]
    fn short_and_huge_passwords_are_refused() {
        assert!(password_problem("short").is_some());
        assert!(password_problem(&"x".repeat(MAX_PASSWORD_CHARS + 1)).is_some());
        assert!(password_problem("correct horse battery").is_none());
    }

    #[test]
    fn moderator_emails_are_folded_and_checked() {
        assert_eq!(
            moderator_email("  Ana@Example.ORG "),
            Ok("ana@example.org".into())
        );
        assert!(moderator_email("nobody").is_err());
        assert!(moderator_email("a b@example.org").is_err());
        assert!(moderator_email("@example.org").is_err());
        assert!(moderator_email("a\0@example.org").is_err());
    }
}
