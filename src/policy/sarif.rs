//! Renders findings as SARIF 2.1.0 for code scanning. Every loaded rule is
//! listed with its citations; each finding is a result located at the
//! blueprint line of its resource. Waived findings stay results, carrying a
//! suppression that records the waiver, as SARIF intends for accepted risks.

use serde_json::{json, Value};

use super::assess::{Assessed, WaiverStatus};
use super::finding::{Outcome, RuleMetadata, Severity};

/// The schema URI SARIF consumers use to recognise the version.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Renders a SARIF log with one run. `file` is the blueprint path results
/// point at, relative to the repository root when it was given that way.
pub fn render(rules: &[&RuleMetadata], findings: &[Assessed], file: &str) -> String {
    let mut rules: Vec<&RuleMetadata> = rules.to_vec();
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    let descriptors: Vec<Value> = rules.iter().map(|r| descriptor(r)).collect();
    let results: Vec<Value> = findings
        .iter()
        .map(|a| {
            let index = rules.iter().position(|r| r.id == a.finding.rule.id);
            result(a, index, file)
        })
        .collect();
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "hipcloud",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": descriptors,
                }
            },
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::High => "error",
        Severity::Medium => "warning",
    }
}

fn descriptor(rule: &RuleMetadata) -> Value {
    json!({
        "id": rule.id,
        "name": rule.id.replace('-', ""),
        "shortDescription": { "text": rule.title },
        "fullDescription": {
            "text": format!("{}. HIPAA Security Rule: {}.", rule.title, rule.citations.join("; "))
        },
        "help": { "text": rule.remediation },
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": {
            "tags": ["security", "hipaa"],
            "citations": rule.citations,
            "waivable": rule.waivable,
            // GitHub code scanning ranks results by this score (0.0 to 10.0).
            "security-severity": match rule.severity {
                Severity::High => "8.0",
                Severity::Medium => "5.0",
            },
        },
    })
}

fn result(assessed: &Assessed, rule_index: Option<usize>, file: &str) -> Value {
    let finding = &assessed.finding;
    let level = match finding.outcome {
        Outcome::Violation => level(finding.rule.severity),
        Outcome::Exception => "note",
    };
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": file },
        },
        "logicalLocations": [{
            "fullyQualifiedName": finding.address.to_string(),
            "kind": "resource",
        }],
    });
    if let Some(line) = finding.line {
        location["physicalLocation"]["region"] = json!({ "startLine": line });
    }
    let mut value = json!({
        "ruleId": finding.rule.id,
        "level": level,
        "message": {
            "text": format!("{} {}: {}", finding.address, finding.field, finding.message)
        },
        "locations": [location],
        "properties": {
            "address": finding.address.to_string(),
            "field": finding.field,
            "state": finding.state.as_str(),
            "citations": finding.rule.citations,
        },
    });
    if let Some(index) = rule_index {
        value["ruleIndex"] = json!(index);
    }
    if let Some(waiver) = &assessed.waiver {
        let status = match waiver.status {
            WaiverStatus::Active => "accepted",
            WaiverStatus::Expired | WaiverStatus::NotWaivable => "rejected",
        };
        value["suppressions"] = json!([{
            "kind": "external",
            "status": status,
            "justification": format!(
                "{}: {} Equivalent control: {} Approved by {} until {}.",
                waiver.name, waiver.reason, waiver.equivalent_control, waiver.approver, waiver.expires
            ),
        }]);
    }
    value
}
