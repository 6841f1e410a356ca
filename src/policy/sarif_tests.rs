//! Validates `sarif::render` output against the OASIS SARIF 2.1.0 JSON schema
//! vendored in `tests/fixtures` (provenance in the README there), and checks
//! that waivers and citations survive into the log.

use std::sync::LazyLock;

use jsonschema::Validator;
use serde_json::Value;

use super::assess::{AppliedWaiver, Assessed, WaiverStatus};
use super::finding::{Finding, Outcome, RuleMetadata, Severity, State};
use super::sarif::render;
use crate::address::Address;

const SCHEMA_TEXT: &str = include_str!("../../tests/fixtures/sarif-schema-2.1.0.json");

const BLUEPRINT: &str = "blueprints/research-lab.toml";

/// The `language` pattern as the OASIS 2.1.0 schema spells it, with a stray
/// `]`. ECMA-262 (Annex B) reads a lone `]` as a literal, but `jsonschema` 0.61
/// rejects the pattern when it checks the schema against the draft-07
/// meta-schema, so the tests escape it, which keeps the meaning.
const LANGUAGE_PATTERN: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
const LANGUAGE_PATTERN_ESCAPED: &str = r"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\]?$";
const LANGUAGE_PATTERN_POINTERS: [&str; 2] = [
    "/definitions/run/properties/language/pattern",
    "/definitions/toolComponent/properties/language/pattern",
];

/// The schema compiled once for all tests. It declares draft-07, where
/// `format` is an assertion, and unknown formats are made an error so that a
/// format the validator cannot check fails loudly instead of passing.
static VALIDATOR: LazyLock<Validator> = LazyLock::new(|| {
    let mut schema: Value = serde_json::from_str(SCHEMA_TEXT).expect("vendored SARIF schema is not valid JSON");
    for pointer in LANGUAGE_PATTERN_POINTERS {
        let pattern = schema
            .pointer_mut(pointer)
            .unwrap_or_else(|| panic!("vendored SARIF schema has no {pointer}"));
        assert_eq!(pattern, LANGUAGE_PATTERN, "vendored SARIF schema changed at {pointer}");
        *pattern = LANGUAGE_PATTERN_ESCAPED.into();
    }
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .should_ignore_unknown_formats(false)
        .build(&schema)
        .expect("vendored SARIF schema does not compile as draft-07")
});

/// Parses `text` and asserts that it validates against the SARIF schema,
/// listing every error with its JSON pointer on failure.
fn validate(text: &str) -> Value {
    let log: Value = serde_json::from_str(text).expect("rendered SARIF is not valid JSON");
    let errors: Vec<String> = VALIDATOR
        .iter_errors(&log)
        .map(|error| format!("{}: {error}", error.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF log fails the 2.1.0 schema:\n{}",
        errors.join("\n")
    );
    log
}

fn rule(id: &str, severity: Severity, waivable: bool) -> RuleMetadata {
    RuleMetadata {
        id: id.into(),
        title: format!("Title of {id}"),
        severity,
        citations: vec!["45 CFR 164.312(a)(2)(iv)".into(), "45 CFR 164.312(e)(2)(ii)".into()],
        remediation: "Set the field to the compliant value.".into(),
        waivable,
    }
}

fn finding(rule: &RuleMetadata, outcome: Outcome, line: Option<usize>) -> Finding {
    Finding {
        rule: rule.clone(),
        outcome,
        address: Address::parse("bucket.raw").unwrap(),
        field: "encryption".into(),
        state: State::Desired,
        message: "objects are not encrypted with the customer managed key".into(),
        line,
    }
}

fn waiver(status: WaiverStatus) -> AppliedWaiver {
    AppliedWaiver {
        name: "waiver.raw_encryption".into(),
        status,
        reason: "The bucket holds only de-identified data.".into(),
        equivalent_control: "Object Lock with legal hold.".into(),
        approver: "ciso@hospital.example".into(),
        expires: "2027-06-30".into(),
    }
}

fn assessed(finding: Finding, waiver: Option<AppliedWaiver>) -> Assessed {
    Assessed { finding, waiver }
}

/// Renders `findings` with `rules` loaded, validates the log and returns it.
fn render_valid(rules: &[&RuleMetadata], findings: &[Assessed]) -> Value {
    validate(&render(rules, findings, BLUEPRINT))
}

fn results(log: &Value) -> &Vec<Value> {
    log["runs"][0]["results"].as_array().expect("run has no results array")
}

#[test]
fn high_violation_unwaived_is_valid() {
    let high = rule("HC-S3-02", Severity::High, true);
    let log = render_valid(
        &[&high],
        &[assessed(finding(&high, Outcome::Violation, Some(34)), None)],
    );

    let result = &results(&log)[0];
    assert_eq!(result["ruleId"], "HC-S3-02");
    assert_eq!(result["ruleIndex"], 0);
    assert_eq!(result["level"], "error");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        BLUEPRINT
    );
    assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 34);
    assert!(
        result.get("suppressions").is_none(),
        "unwaived result has suppressions: {result}"
    );
}

#[test]
fn medium_violation_is_warning() {
    let medium = rule("HC-S3-07", Severity::Medium, true);
    let log = render_valid(
        &[&medium],
        &[assessed(finding(&medium, Outcome::Violation, Some(12)), None)],
    );

    let result = &results(&log)[0];
    assert_eq!(result["level"], "warning");
    assert_eq!(
        log["runs"][0]["tool"]["driver"]["rules"][0]["defaultConfiguration"]["level"],
        "warning"
    );
}

#[test]
fn exception_is_informational() {
    let high = rule("HC-IAM-01", Severity::High, false);
    let log = render_valid(
        &[&high],
        &[assessed(finding(&high, Outcome::Exception, Some(50)), None)],
    );

    let result = &results(&log)[0];
    assert_eq!(result["kind"], "informational");
    assert_eq!(result["level"], "none");
    assert!(
        result.get("suppressions").is_none(),
        "exception has suppressions: {result}"
    );
}

#[test]
fn active_waiver_is_accepted_suppression() {
    let high = rule("HC-S3-02", Severity::High, true);
    let waived = assessed(
        finding(&high, Outcome::Violation, Some(34)),
        Some(waiver(WaiverStatus::Active)),
    );
    let log = render_valid(&[&high], &[waived]);

    let result = &results(&log)[0];
    let suppressions = result["suppressions"]
        .as_array()
        .expect("waived result has no suppressions");
    assert_eq!(suppressions.len(), 1);
    assert_eq!(suppressions[0]["kind"], "external");
    assert_eq!(suppressions[0]["status"], "accepted");
    let justification = suppressions[0]["justification"].as_str().unwrap();
    assert!(justification.contains("waiver.raw_encryption"), "{justification}");
    assert!(justification.contains("ciso@hospital.example"), "{justification}");
    assert!(justification.contains("2027-06-30"), "{justification}");
    // A waived finding stays a result at its original level.
    assert_eq!(result["level"], "error");
}

#[test]
fn expired_waiver_is_rejected_suppression() {
    let high = rule("HC-S3-02", Severity::High, true);
    let expired = assessed(
        finding(&high, Outcome::Violation, Some(34)),
        Some(waiver(WaiverStatus::Expired)),
    );
    let log = render_valid(&[&high], &[expired]);

    let result = &results(&log)[0];
    assert_eq!(result["suppressions"][0]["status"], "rejected");
    assert_eq!(result["level"], "error");
}

#[test]
fn unwaivable_rule_waiver_is_rejected() {
    let high = rule("HC-KMS-01", Severity::High, false);
    let not_waivable = assessed(
        finding(&high, Outcome::Violation, Some(8)),
        Some(waiver(WaiverStatus::NotWaivable)),
    );
    let log = render_valid(&[&high], &[not_waivable]);

    assert_eq!(results(&log)[0]["suppressions"][0]["status"], "rejected");
}

#[test]
fn finding_without_line_has_no_region() {
    let high = rule("HC-S3-02", Severity::High, true);
    let log = render_valid(&[&high], &[assessed(finding(&high, Outcome::Violation, None), None)]);

    let physical = &results(&log)[0]["locations"][0]["physicalLocation"];
    assert_eq!(physical["artifactLocation"]["uri"], BLUEPRINT);
    assert!(
        physical.get("region").is_none(),
        "location without a line has a region: {physical}"
    );
}

#[test]
fn mixed_findings_in_one_log_are_valid() {
    let high = rule("HC-S3-02", Severity::High, true);
    let medium = rule("HC-S3-07", Severity::Medium, true);
    let unwaivable = rule("HC-KMS-01", Severity::High, false);
    let unused = rule("HC-IAM-04", Severity::Medium, true);
    let findings = [
        assessed(finding(&high, Outcome::Violation, Some(34)), None),
        assessed(finding(&medium, Outcome::Violation, Some(12)), None),
        assessed(finding(&unwaivable, Outcome::Exception, Some(8)), None),
        assessed(
            finding(&high, Outcome::Violation, Some(40)),
            Some(waiver(WaiverStatus::Active)),
        ),
        assessed(
            finding(&high, Outcome::Violation, Some(41)),
            Some(waiver(WaiverStatus::Expired)),
        ),
        assessed(
            finding(&unwaivable, Outcome::Violation, None),
            Some(waiver(WaiverStatus::NotWaivable)),
        ),
    ];
    let log = render_valid(&[&high, &medium, &unwaivable, &unused], &findings);

    assert_eq!(results(&log).len(), findings.len());
    let statuses: Vec<&str> = results(&log)
        .iter()
        .filter_map(|result| result["suppressions"][0]["status"].as_str())
        .collect();
    assert_eq!(statuses, ["accepted", "rejected", "rejected"]);
}

#[test]
fn rule_indexes_point_at_descriptors() {
    let high = rule("HC-S3-02", Severity::High, true);
    let medium = rule("HC-IAM-04", Severity::Medium, true);
    // Loaded out of order: render sorts descriptors by id.
    let findings = [
        assessed(finding(&high, Outcome::Violation, Some(34)), None),
        assessed(finding(&medium, Outcome::Violation, Some(12)), None),
    ];
    let log = render_valid(&[&high, &medium], &findings);

    let descriptors = &log["runs"][0]["tool"]["driver"]["rules"];
    for result in results(&log) {
        let index = result["ruleIndex"].as_u64().expect("result has no ruleIndex") as usize;
        assert_eq!(descriptors[index]["id"], result["ruleId"]);
    }
}

#[test]
fn every_descriptor_has_citations() {
    let high = rule("HC-S3-02", Severity::High, true);
    let medium = rule("HC-S3-07", Severity::Medium, false);
    let mut unused = rule("HC-IAM-04", Severity::Medium, true);
    unused.citations = vec!["45 CFR 164.308(a)(4)(ii)(B)".into()];
    let loaded = [&high, &medium, &unused];
    let log = render_valid(&loaded, &[assessed(finding(&high, Outcome::Violation, Some(34)), None)]);

    let descriptors = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(descriptors.len(), loaded.len(), "every loaded rule gets a descriptor");
    for loaded_rule in loaded {
        let descriptor = descriptors
            .iter()
            .find(|d| d["id"] == loaded_rule.id.as_str())
            .unwrap_or_else(|| panic!("no descriptor for {}", loaded_rule.id));
        let citations: Vec<&str> = descriptor["properties"]["citations"]
            .as_array()
            .unwrap_or_else(|| panic!("descriptor {} has no citations property", loaded_rule.id))
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert_eq!(citations, loaded_rule.citations, "citations of {}", loaded_rule.id);
        assert_eq!(descriptor["properties"]["waivable"], loaded_rule.waivable);
    }
}

#[test]
fn blueprint_paths_become_uri_references() {
    let high = rule("HC-S3-02", Severity::High, true);
    let findings = [assessed(finding(&high, Outcome::Violation, Some(3)), None)];
    let cases = [
        ("blueprints/research-lab.toml", "blueprints/research-lab.toml"),
        ("/srv/blueprints/lab.toml", "/srv/blueprints/lab.toml"),
        ("my blueprints/lab 1.toml", "my%20blueprints/lab%201.toml"),
        ("lab#2.toml", "lab%232.toml"),
        ("100%.toml", "100%25.toml"),
        ("c:/lab.toml", "c%3A/lab.toml"),
        ("lab?.toml", "lab%3F.toml"),
        ("blüeprint.toml", "bl%C3%BCeprint.toml"),
    ];
    for (path, expected) in cases {
        let log = validate(&render(&[&high], &findings, path));

        let uri = &results(&log)[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"];
        assert_eq!(uri, expected, "URI for blueprint path {path:?}");
    }
}

#[test]
fn empty_log_is_valid() {
    let log = render_valid(&[], &[]);

    assert_eq!(log["version"], "2.1.0");
    assert!(results(&log).is_empty());
}

/// Guards against a validator that accepts anything: each mutation breaks one
/// requirement of the schema and must be reported.
#[test]
fn schema_rejects_invalid_logs() {
    let high = rule("HC-S3-02", Severity::High, true);
    let waived = assessed(
        finding(&high, Outcome::Violation, Some(34)),
        Some(waiver(WaiverStatus::Active)),
    );
    let valid = render_valid(&[&high], &[waived]);

    type Mutation = (&'static str, fn(&mut Value));
    let mutations: [Mutation; 5] = [
        ("missing version", |log| {
            log.as_object_mut().unwrap().remove("version");
        }),
        ("unknown suppression status", |log| {
            log["runs"][0]["results"][0]["suppressions"][0]["status"] = "waived".into();
        }),
        ("unknown level", |log| {
            log["runs"][0]["results"][0]["level"] = "critical".into();
        }),
        ("line zero", |log| {
            log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into();
        }),
        ("artifact uri not a URI reference", |log| {
            log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
                "a b.toml".into();
        }),
    ];
    for (case, mutate) in mutations {
        let mut log = valid.clone();
        mutate(&mut log);
        assert!(!VALIDATOR.is_valid(&log), "schema accepted a log with {case}");
    }
}
