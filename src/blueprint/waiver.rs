//! Reads `[waiver.NAME]` tables: documented risk decisions that let `apply`
//! go ahead despite a finding of a waivable rule. A waiver never turns the
//! finding into a pass; it stays visible, marked as waived.

use std::ops::Range;

use time::macros::format_description;
use time::Date;

use super::fields::Fields;
use super::load::Reader;
use super::node::Value;
use super::spec::Waiver;
use crate::address::{is_valid_name, Address};

pub(super) const FIELDS: &[&str] = &["rule", "address", "reason", "equivalent_control", "approver", "expires"];

/// Parses a calendar date written as `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<Date> {
    Date::parse(text, format_description!("[year]-[month]-[day]")).ok()
}

impl Reader<'_> {
    /// Reads every waiver. References to resources are checked against the
    /// addresses read so far, so call this after every resource kind.
    pub(super) fn waivers(&mut self, top: &Fields) -> Vec<Waiver> {
        let Some((table, _)) = top.table("waiver", self.d) else {
            return Vec::new();
        };
        let mut waivers = Vec::new();
        for (key, node) in &table.entries {
            let context = format!("waiver.{}", key.name);
            if !is_valid_name(&key.name) {
                self.d.error(
                    &key.span,
                    format!("invalid waiver name `{context}`"),
                    "use up to 40 lower-case letters, digits and underscores, starting with a letter",
                );
                continue;
            }
            let Value::Table(body) = &node.value else {
                self.d.error(
                    &node.span,
                    format!("{context} must be a table"),
                    format!("write it as [{context}]"),
                );
                continue;
            };
            let f = Fields::new(body, context.clone(), FIELDS, self.d);
            if let Some(waiver) = self.waiver(&f, &context, &key.span) {
                waivers.push(waiver);
            }
        }
        waivers
    }

    fn waiver(&mut self, f: &Fields, context: &str, span: &Range<usize>) -> Option<Waiver> {
        let rule = f.required_string(
            "rule",
            span,
            "add rule = \"HC-S3-07\": the id of the rule this waiver covers",
            self.d,
        );
        let address = f.required_string(
            "address",
            span,
            "add address = \"bucket.NAME\": the resource whose finding is waived",
            self.d,
        );
        let reason = f.required_string(
            "reason",
            span,
            "add reason = \"...\": why the rule cannot be met",
            self.d,
        );
        let control = f.required_string(
            "equivalent_control",
            span,
            "add equivalent_control = \"...\": the control that gives equivalent protection",
            self.d,
        );
        let approver = f.required_string(
            "approver",
            span,
            "add approver = \"...\": the person who accepted the risk",
            self.d,
        );
        let expires = self.expiry(f, context, span);

        if let Some(rule) = &rule {
            if rule.value.trim().is_empty() || rule.value.chars().any(char::is_whitespace) {
                self.d.error(
                    &rule.span,
                    format!("{context}: field `rule`: {:?} is not a rule id", rule.value),
                    "write the id a finding shows, such as HC-S3-07",
                );
            }
        }
        let parsed = address.as_ref().and_then(|a| match Address::parse(&a.value) {
            Some(parsed) if self.spans.contains_key(&parsed) => Some(parsed),
            Some(_) => {
                self.d.error(
                    &a.span,
                    format!(
                        "{context}: field `address`: `{}` is not declared in this blueprint",
                        a.value
                    ),
                    "waive findings of resources the blueprint declares, by their address",
                );
                None
            }
            None => {
                self.d.error(
                    &a.span,
                    format!("{context}: field `address`: `{}` is not an address", a.value),
                    "write the address as kind.name, such as bucket.access_logs",
                );
                None
            }
        });
        for text in [&reason, &control, &approver].into_iter().flatten() {
            if text.value.trim().is_empty() {
                self.d.error(
                    &text.span,
                    format!("{context}: a waiver needs a reason, an equivalent control and an approver"),
                    "fill in the empty field: a waiver records a documented risk decision",
                );
            }
        }
        Some(Waiver {
            name: context.to_string(),
            rule: rule?.value,
            address: parsed?,
            reason: reason?.value,
            equivalent_control: control?.value,
            approver: approver?.value,
            expires: expires?,
            span: span.clone(),
        })
    }

    fn expiry(&mut self, f: &Fields, context: &str, span: &Range<usize>) -> Option<Date> {
        let Some(node) = f.node("expires") else {
            self.d.error(
                span,
                format!("{context}: missing required field `expires`"),
                "add expires = 2027-06-30: every waiver ends, and an expired waiver counts as none",
            );
            return None;
        };
        let text = match &node.value {
            Value::Datetime(text) | Value::String(text) => text.clone(),
            other => {
                self.d.error(
                    &node.span,
                    format!("{context}: field `expires` must be a date, found {}", other.type_name()),
                    "write the date as expires = 2027-06-30",
                );
                return None;
            }
        };
        let date = parse_date(&text);
        if date.is_none() {
            self.d.error(
                &node.span,
                format!("{context}: field `expires`: `{text}` is not a date"),
                "write a calendar date as YYYY-MM-DD, such as 2027-06-30",
            );
        }
        date
    }
}

#[cfg(test)]
mod tests {
    use crate::blueprint::{load, Source};

    const EXAMPLE: &str = include_str!("../../blueprints/research-lab.toml");

    fn with(extra: &str) -> Result<crate::blueprint::Blueprint, String> {
        let source = Source {
            path: "lab.toml".into(),
            text: format!("{EXAMPLE}\n{extra}"),
        };
        load(source, None).map_err(|(source, d)| d.render(&source, false))
    }

    const VALID: &str = r#"
[waiver.log_bucket_logging]
rule = "HC-S3-07"
address = "bucket.access_logs"
reason = "The access-log bucket must not log to itself."
equivalent_control = "CloudTrail S3 data events cover the log bucket."
approver = "security@hospital.example"
expires = 2027-06-30
"#;

    #[test]
    fn valid_waiver_loads() {
        let blueprint = with(VALID).unwrap();
        let waiver = &blueprint.waivers[0];
        assert_eq!(waiver.name, "waiver.log_bucket_logging");
        assert_eq!(waiver.rule, "HC-S3-07");
        assert_eq!(waiver.address.to_string(), "bucket.access_logs");
        assert_eq!(waiver.expires.to_string(), "2027-06-30");
    }

    #[test]
    fn quoted_date_is_accepted() {
        let blueprint = with(&VALID.replace("2027-06-30", "\"2027-06-30\"")).unwrap();
        assert_eq!(blueprint.waivers[0].expires.to_string(), "2027-06-30");
    }

    #[test]
    fn invalid_date_is_rejected() {
        let error = with(&VALID.replace("2027-06-30", "\"next spring\"")).unwrap_err();
        assert!(
            error.contains("waiver.log_bucket_logging: field `expires`: `next spring` is not a date"),
            "{error}"
        );
    }

    #[test]
    fn undeclared_address_is_rejected() {
        let error = with(&VALID.replace("bucket.access_logs", "bucket.missing")).unwrap_err();
        assert!(
            error.contains("`bucket.missing` is not declared in this blueprint"),
            "{error}"
        );
    }

    #[test]
    fn missing_approver_is_rejected() {
        let text: String = VALID
            .lines()
            .filter(|l| !l.starts_with("approver"))
            .map(|l| format!("{l}\n"))
            .collect();
        let error = with(&text).unwrap_err();
        assert!(error.contains("missing required field `approver`"), "{error}");
        assert!(
            error.contains("lab.toml:"),
            "the error names the file and line: {error}"
        );
    }

    #[test]
    fn unknown_field_suggests_nearest() {
        let error = with(&VALID.replace("approver =", "aprover =")).unwrap_err();
        assert!(error.contains("did you mean `approver`?"), "{error}");
    }
}
