//! Matches findings with the blueprint's waivers and decides what blocks
//! `apply`. A waiver records a risk decision: it lets apply go ahead, but the
//! finding stays a finding, shown everywhere and marked as waived.

use serde::Serialize;
use time::Date;

use super::finding::{Finding, Outcome, Severity, State};
use crate::blueprint::Waiver;

/// The effect of a matching waiver on a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WaiverStatus {
    /// In force: the finding no longer blocks.
    Active,
    /// Past its expiry date: the finding blocks as if there were no waiver.
    Expired,
    /// The rule cannot be waived: the finding blocks.
    NotWaivable,
}

/// The waiver that matched a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AppliedWaiver {
    /// `waiver.NAME`.
    pub name: String,
    pub status: WaiverStatus,
    pub reason: String,
    pub equivalent_control: String,
    pub approver: String,
    /// The last day the waiver applies, as `YYYY-MM-DD`.
    pub expires: String,
}

/// A finding with the waiver that covers it, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assessed {
    #[serde(flatten)]
    pub finding: Finding,
    pub waiver: Option<AppliedWaiver>,
}

impl Assessed {
    /// Returns true when this finding stops `apply`: a high-severity violation
    /// of the desired state without a waiver in force. Violations of the live
    /// state are what apply puts right, so they never block it.
    pub fn blocks_apply(&self) -> bool {
        self.finding.rule.severity == Severity::High
            && self.finding.outcome == Outcome::Violation
            && self.finding.state == State::Desired
            && !self.is_waived()
    }

    /// Returns true when an active waiver covers the finding.
    pub fn is_waived(&self) -> bool {
        self.waiver.as_ref().is_some_and(|w| w.status == WaiverStatus::Active)
    }

    /// Returns a short label for reports: `waived`, `waiver expired`, or nothing.
    pub fn waiver_label(&self) -> Option<&'static str> {
        self.waiver.as_ref().map(|w| match w.status {
            WaiverStatus::Active => "waived",
            WaiverStatus::Expired => "waiver expired",
            WaiverStatus::NotWaivable => "not waivable",
        })
    }
}

/// Pairs each violation with the waiver for its rule and address. A waiver
/// is in force through its expiry date, inclusive, in UTC.
pub fn assess(findings: Vec<Finding>, waivers: &[Waiver], today: Date) -> Vec<Assessed> {
    findings
        .into_iter()
        .map(|finding| {
            let waiver = (finding.outcome == Outcome::Violation)
                .then(|| {
                    waivers
                        .iter()
                        .find(|w| w.rule == finding.rule.id && w.address == finding.address)
                })
                .flatten()
                .map(|w| AppliedWaiver {
                    name: w.name.clone(),
                    status: if !finding.rule.waivable {
                        WaiverStatus::NotWaivable
                    } else if w.expires < today {
                        WaiverStatus::Expired
                    } else {
                        WaiverStatus::Active
                    },
                    reason: w.reason.clone(),
                    equivalent_control: w.equivalent_control.clone(),
                    approver: w.approver.clone(),
                    expires: w.expires.to_string(),
                });
            Assessed { finding, waiver }
        })
        .collect()
}

/// Returns today's date in UTC, for waiver expiry.
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address::Address;
    use crate::blueprint::waiver::parse_date;
    use crate::policy::RuleMetadata;

    fn finding(waivable: bool, severity: Severity, state: State) -> Finding {
        Finding {
            rule: RuleMetadata {
                id: "HC-S3-07".into(),
                title: "Server access logging".into(),
                severity,
                citations: vec!["45 CFR 164.312(b)".into()],
                remediation: "Turn on access logging.".into(),
                waivable,
            },
            outcome: Outcome::Violation,
            address: Address::parse("bucket.raw").unwrap(),
            field: "logging".into(),
            state,
            message: "no access logging".into(),
            line: Some(12),
        }
    }

    fn waiver(expires: &str) -> Waiver {
        Waiver {
            name: "waiver.raw_logging".into(),
            rule: "HC-S3-07".into(),
            address: Address::parse("bucket.raw").unwrap(),
            reason: "Logs go to the SIEM.".into(),
            equivalent_control: "CloudTrail data events.".into(),
            approver: "ciso@hospital.example".into(),
            expires: parse_date(expires).unwrap(),
            span: 0..1,
        }
    }

    fn day(text: &str) -> Date {
        parse_date(text).unwrap()
    }

    #[test]
    fn active_waiver_lifts_block() {
        let assessed = assess(
            vec![finding(true, Severity::High, State::Desired)],
            &[waiver("2027-06-30")],
            day("2027-06-30"),
        );
        assert!(assessed[0].is_waived());
        assert!(!assessed[0].blocks_apply());
        assert_eq!(assessed[0].waiver_label(), Some("waived"));
    }

    #[test]
    fn expired_waiver_blocks() {
        let assessed = assess(
            vec![finding(true, Severity::High, State::Desired)],
            &[waiver("2027-06-30")],
            day("2027-07-01"),
        );
        assert!(!assessed[0].is_waived());
        assert!(assessed[0].blocks_apply());
        assert_eq!(assessed[0].waiver_label(), Some("waiver expired"));
    }

    #[test]
    fn unwaivable_rule_blocks() {
        let assessed = assess(
            vec![finding(false, Severity::High, State::Desired)],
            &[waiver("2027-06-30")],
            day("2027-01-01"),
        );
        assert!(assessed[0].blocks_apply());
        assert_eq!(assessed[0].waiver_label(), Some("not waivable"));
    }

    #[test]
    fn medium_and_live_never_block() {
        let medium = assess(
            vec![finding(true, Severity::Medium, State::Desired)],
            &[],
            day("2027-01-01"),
        );
        assert!(!medium[0].blocks_apply());
        let live = assess(vec![finding(true, Severity::High, State::Live)], &[], day("2027-01-01"));
        assert!(!live[0].blocks_apply());
    }

    #[test]
    fn waiver_for_other_address_does_not_match() {
        let mut other = waiver("2027-06-30");
        other.address = Address::parse("bucket.curated").unwrap();
        let assessed = assess(
            vec![finding(true, Severity::High, State::Desired)],
            &[other],
            day("2027-01-01"),
        );
        assert!(assessed[0].waiver.is_none());
        assert!(assessed[0].blocks_apply());
    }
}
