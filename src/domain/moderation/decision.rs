//! Which decisions a moderator can make on a report or an evidence file in the state it is in.
//!
//! A waiting report can be verified or rejected. A decision can be changed later (a rejected
//! report verified after all, a verified one rejected, a rejection's reason corrected), since
//! moderators err too and every change is in the audit log; a withdrawn report is its
//! reporter's decision and stays withdrawn.

use std::fmt;

use super::RejectReason;
use crate::domain::status::ReportStatus;

/// What a moderator decides about a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Verify,
    Reject(RejectReason),
}

/// Where a report stands as far as moderation is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Standing {
    pub status: ReportStatus,
    /// Set only when `status` is rejected (and not always then: older rejections have none).
    pub reason: Option<RejectReason>,
}

/// Why a decision cannot be made; the message says what the moderator sees instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused(pub String);

impl fmt::Display for Refused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The standing `decision` gives a report that stands at `now`, or why it cannot be made.
pub fn decide(now: Standing, decision: Decision) -> Result<Standing, Refused> {
    match (now.status, decision) {
        (ReportStatus::Withdrawn, _) => Err(Refused(
            "This report was withdrawn by its reporter, so it can no longer be verified or \
             rejected. Nothing was changed."
                .into(),
        )),
        (ReportStatus::Verified, Decision::Verify) => Err(Refused(
            "This report is verified already (perhaps by another moderator just now). Nothing \
             was changed."
                .into(),
        )),
        (ReportStatus::Rejected, Decision::Reject(reason)) if now.reason == Some(reason) => {
            Err(Refused(format!(
                "This report is rejected already, for this reason: {}. Nothing was changed.",
                reason.label()
            )))
        }
        (_, Decision::Verify) => Ok(Standing {
            status: ReportStatus::Verified,
            reason: None,
        }),
        (_, Decision::Reject(reason)) => Ok(Standing {
            status: ReportStatus::Rejected,
            reason: Some(reason),
        }),
    }
}

/// Whether an evidence file may be hidden (`hide`) or shown again, given whether it is hidden.
pub fn change_visibility(hidden: bool, hide: bool) -> Result<(), Refused> {
    match (hidden, hide) {
        (true, true) => Err(Refused(
            "This evidence file is hidden already. Nothing was changed.".into(),
        )),
        (false, false) => Err(Refused(
            "This evidence file is not hidden. Nothing was changed.".into(),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn standing(status: ReportStatus, reason: Option<RejectReason>) -> Standing {
        Standing { status, reason }
    }

    #[test]
    fn a_waiting_report_can_be_verified_or_rejected() {
        let waiting = standing(ReportStatus::Unverified, None);
        assert_eq!(
            decide(waiting, Decision::Verify),
            Ok(standing(ReportStatus::Verified, None))
        );
        assert_eq!(
            decide(waiting, Decision::Reject(RejectReason::Spam)),
            Ok(standing(ReportStatus::Rejected, Some(RejectReason::Spam)))
        );
    }

    #[test]
    fn decisions_can_be_reversed_and_reasons_corrected() {
        let rejected = standing(ReportStatus::Rejected, Some(RejectReason::Spam));
        assert_eq!(
            decide(rejected, Decision::Verify),
            Ok(standing(ReportStatus::Verified, None))
        );
        assert_eq!(
            decide(rejected, Decision::Reject(RejectReason::Duplicate)),
            Ok(standing(
                ReportStatus::Rejected,
                Some(RejectReason::Duplicate)
            ))
        );
        let verified = standing(ReportStatus::Verified, None);
        assert_eq!(
            decide(verified, Decision::Reject(RejectReason::NotCounterfeit)),
            Ok(standing(
                ReportStatus::Rejected,
                Some(RejectReason::NotCounterfeit)
            ))
        );
        // An old rejection without a reason gets one.
        let old = standing(ReportStatus::Rejected, None);
        assert!(decide(old, Decision::Reject(RejectReason::Spam)).is_ok());
    }

    #[test]
    fn repeating_a_decision_or_deciding_on_a_withdrawn_report_is_refused() {
        let verified = standing(ReportStatus::Verified, None);
        let refused = decide(verified, Decision::Verify).expect_err("refused");
        assert!(refused.0.contains("verified already"), "{refused}");
        let rejected = standing(ReportStatus::Rejected, Some(RejectReason::Spam));
        let refused = decide(rejected, Decision::Reject(RejectReason::Spam)).expect_err("refused");
        assert!(refused.0.contains(RejectReason::Spam.label()), "{refused}");
        let withdrawn = standing(ReportStatus::Withdrawn, None);
        for decision in [Decision::Verify, Decision::Reject(RejectReason::Spam)] {
            let refused = decide(withdrawn, decision).expect_err("refused");
            assert!(refused.0.contains("withdrawn"), "{refused}");
        }
    }

    #[test]
    fn evidence_is_hidden_or_shown_only_when_that_changes_something() {
        assert_eq!(change_visibility(false, true), Ok(()));
        assert_eq!(change_visibility(true, false), Ok(()));
        assert!(change_visibility(true, true).is_err());
        assert!(change_visibility(false, false).is_err());
    }
}
