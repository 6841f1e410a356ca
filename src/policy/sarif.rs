//! Renders findings as SARIF 2.1.0 for code scanning. Every loaded rule is
//! listed with its citations; each finding is a result located at the
//! blueprint line of its resource. Waived findings stay results, carrying a
//! suppression that records the waiver, as SARIF intends for accepted risks.

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::{json, Value};

use super::assess::{Assessed, WaiverStatus};
use super::finding::{Outcome, RuleMetadata, Severity};

/// The schema URI SARIF consumers use to recognise the version.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Bytes that may not appear as they are in a URI path (RFC 3986 `pchar`),
/// other than the `/` separator. `%` is escaped so that a literal percent sign
/// is not read as an escape, and `:` so that a first segment such as `c:` is
/// not read as a scheme. Non-ASCII bytes are always escaped.
const PATH_ESCAPES: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b':')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Renders a SARIF log with one run. `file` is the blueprint path results
/// point at, relative to the repository root when it was given that way. It
/// is written percent-encoded, because SARIF requires a URI reference there.
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
    // A documented exception is not a failure: SARIF's `informational` kind,
    // whose level must be `none`.
    let (kind, level) = match finding.outcome {
        Outcome::Violation => ("fail", level(finding.rule.severity)),
        Outcome::Exception => ("informational", "none"),
    };
    let mut location = json!({
        "physicalLocation": {
            "artifactLocation": { "uri": utf8_percent_encode(file, PATH_ESCAPES).to_string() },
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
        "kind": kind,
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
