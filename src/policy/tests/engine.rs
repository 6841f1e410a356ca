//! Loading rules, the rule model's error cases, and evaluation details.

use std::fs;

use serde_json::json;

use super::fixtures;
use crate::policy::{Outcome, PolicyEngine, PolicyError, PolicyFile, Severity, State};

fn file(path: &str, text: &str) -> PolicyFile {
    PolicyFile {
        path: path.to_string(),
        text: text.to_string(),
    }
}

/// Builds a rule with `metadata` that flags every desired bucket without an
/// owner tag.
fn rule_with_metadata(metadata: &str) -> String {
    format!(
        r#"package hipcloud.rules.org_bucket_tags

metadata := {metadata}

deny contains {{"address": r.address, "field": "tags", "state": "desired", "message": "missing owner tag"}} if {{
	some r in input.resources
	r.kind == "bucket"
	r.desired != null
	not r.desired.tags.owner
}}
"#
    )
}

const VALID_METADATA: &str = r#"{"id": "ORG-01", "title": "Buckets name an owner", "severity": "medium",
	"citations": [], "remediation": "Add an owner tag.", "waivable": true}"#;

fn load_error(files: Vec<PolicyFile>) -> String {
    match PolicyEngine::from_files(files) {
        Ok(_) => panic!("the files loaded"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn builtin_pack_has_every_catalogue_rule() {
    let engine = PolicyEngine::load(None).unwrap();
    let mut ids: Vec<&str> = engine.rules().iter().map(|r| r.id.as_str()).collect();
    ids.sort();
    let expected = [
        "HC-GLUE-01",
        "HC-GLUE-02",
        "HC-GLUE-03",
        "HC-GLUE-04",
        "HC-GLUE-05",
        "HC-GLUE-06",
        "HC-IAM-01",
        "HC-IAM-02",
        "HC-IAM-03",
        "HC-IAM-04",
        "HC-IAM-05",
        "HC-IAM-06",
        "HC-KMS-01",
        "HC-KMS-02",
        "HC-KMS-03",
        "HC-KMS-04",
        "HC-KMS-05",
        "HC-S3-01",
        "HC-S3-02",
        "HC-S3-03",
        "HC-S3-04",
        "HC-S3-05",
        "HC-S3-06",
        "HC-S3-07",
        "HC-S3-08",
        "HC-SM-01",
        "HC-SM-02",
        "HC-SM-03",
        "HC-SM-04",
        "HC-SM-05",
        "HC-SM-06",
    ];
    assert_eq!(ids, expected);
    let medium: Vec<&str> = engine
        .rules()
        .iter()
        .filter(|r| r.severity == Severity::Medium)
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(medium.len(), 7, "{medium:?}");
}

#[test]
fn syntax_error_names_file_and_line() {
    let text = "package hipcloud.rules.broken\n\nmetadata := {\"id\": \"X-1\"\n\ndeny contains x if {\n";
    let error = load_error(vec![file("org/broken.rego", text)]);
    assert!(error.contains("invalid Rego in org/broken.rego"), "{error}");
    assert!(error.contains("--> org/broken.rego:"), "{error}");
}

#[test]
fn missing_id_is_an_error_naming_file() {
    let metadata = r#"{"title": "t", "severity": "high", "citations": [], "remediation": "r", "waivable": true}"#;
    let error = load_error(vec![file("org/tags.rego", &rule_with_metadata(metadata))]);
    assert!(error.contains("org/tags.rego"), "{error}");
    assert!(error.contains("`id` is missing"), "{error}");
}

#[test]
fn unknown_severity_is_an_error() {
    let metadata =
        r#"{"id": "ORG-01", "title": "t", "severity": "low", "citations": [], "remediation": "r", "waivable": true}"#;
    let error = load_error(vec![file("org/tags.rego", &rule_with_metadata(metadata))]);
    assert!(error.contains("org/tags.rego"), "{error}");
    assert!(error.contains(r#"`severity` is "low""#), "{error}");
}

#[test]
fn missing_waivable_is_an_error() {
    let metadata = r#"{"id": "ORG-01", "title": "t", "severity": "high", "citations": [], "remediation": "r"}"#;
    let error = load_error(vec![file("org/tags.rego", &rule_with_metadata(metadata))]);
    assert!(error.contains("`waivable` is missing"), "{error}");
}

#[test]
fn rule_without_deny_is_an_error() {
    let text = format!("package hipcloud.rules.org_empty\n\nmetadata := {VALID_METADATA}\n");
    let error = load_error(vec![file("org/empty.rego", &text)]);
    assert!(error.contains("org/empty.rego"), "{error}");
    assert!(error.contains("defines no `deny` set"), "{error}");
}

#[test]
fn metadata_reading_input_is_an_error() {
    let metadata =
        r#"{"id": input.id, "title": "t", "severity": "high", "citations": [], "remediation": "r", "waivable": true}"#;
    let error = load_error(vec![file("org/tags.rego", &rule_with_metadata(metadata))]);
    assert!(error.contains("`metadata` is undefined"), "{error}");
}

#[test]
fn duplicate_id_is_an_error() {
    let mut files = vec![file("org/tags.rego", &rule_with_metadata(VALID_METADATA))];
    let copy = rule_with_metadata(VALID_METADATA).replace("org_bucket_tags", "org_bucket_tags_copy");
    files.push(file("org/copy.rego", &copy));
    let error = load_error(files);
    assert!(error.contains("ORG-01"), "{error}");
    assert!(
        error.contains("org/tags.rego") && error.contains("org/copy.rego"),
        "{error}"
    );
}

#[test]
fn invalid_deny_entry_is_an_error() {
    let text = format!(
        "package hipcloud.rules.org_bad_entry\n\nmetadata := {VALID_METADATA}\n\n\
         deny contains {{\"address\": \"bucket.raw\", \"field\": \"tags\", \"state\": \"planned\", \"message\": \"m\"}}\n"
    );
    let engine = PolicyEngine::from_files(vec![file("org/bad_entry.rego", &text)]).unwrap();
    let error = engine.evaluate(&fixtures::input(vec![])).unwrap_err();
    assert!(matches!(error, PolicyError::InvalidRule { .. }), "{error}");
    assert!(error.to_string().contains(r#"`state` is "planned""#), "{error}");
}

#[test]
fn deny_array_is_an_error() {
    let text = format!("package hipcloud.rules.org_array\n\nmetadata := {VALID_METADATA}\n\ndeny := []\n");
    let engine = PolicyEngine::from_files(vec![file("org/array.rego", &text)]).unwrap();
    let error = engine.evaluate(&fixtures::input(vec![])).unwrap_err().to_string();
    assert!(error.contains("`deny` must be a set"), "{error}");
}

#[test]
fn missing_directory_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let error = PolicyEngine::load(Some(&missing)).err().unwrap();
    assert!(matches!(error, PolicyError::ReadDirectory { .. }), "{error}");
}

#[test]
fn extra_directory_adds_rules_and_skips_tests() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("buckets")).unwrap();
    fs::write(dir.path().join("buckets/tags.rego"), rule_with_metadata(VALID_METADATA)).unwrap();
    // A test file that would be an invalid rule if it were evaluated.
    fs::write(
        dir.path().join("buckets/tags_test.rego"),
        "package hipcloud.rules.org_bucket_tags_test\n\ntest_nothing if true\n",
    )
    .unwrap();
    let engine = PolicyEngine::load(Some(dir.path())).unwrap();
    let mut resource = fixtures::desired("bucket.raw", fixtures::data_bucket());
    resource["line"] = json!(35);

    let findings = engine.evaluate(&fixtures::input(vec![resource])).unwrap();

    let finding = findings
        .iter()
        .find(|f| f.rule.id == "ORG-01")
        .expect("the organisation rule ran");
    assert_eq!(finding.address.to_string(), "bucket.raw");
    assert_eq!(finding.state, State::Desired);
    assert_eq!(finding.field, "tags");
    assert_eq!(finding.line, Some(35));
    assert_eq!(finding.outcome, Outcome::Violation);
    assert_eq!(finding.rule.severity, Severity::Medium);
}

#[test]
fn findings_are_sorted_by_address_then_rule() {
    let encryption = json!({"sse_algorithm": "AES256"});
    let input = fixtures::input(vec![
        fixtures::live(
            "role.etl",
            fixtures::with_field(
                fixtures::service_role(),
                "attached_policies",
                json!(["arn:aws:iam::aws:policy/AdministratorAccess"]),
            ),
        ),
        fixtures::live(
            "bucket.raw",
            fixtures::with_field(fixtures::data_bucket(), "encryption", encryption),
        ),
        fixtures::live(
            "bucket.other",
            fixtures::with_field(fixtures::data_bucket(), "versioning", json!("Suspended")),
        ),
    ]);

    let findings = fixtures::evaluate(&input);

    let keys: Vec<(String, String)> = findings
        .iter()
        .map(|f| (f.address.to_string(), f.rule.id.clone()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(keys.contains(&("bucket.other".into(), "HC-S3-06".into())));
    assert!(keys.contains(&("bucket.raw".into(), "HC-S3-01".into())));
    assert!(keys.contains(&("role.etl".into(), "HC-IAM-01".into())));
}

#[test]
fn findings_carry_rule_metadata() {
    let input = fixtures::input(vec![fixtures::live(
        "bucket.raw",
        fixtures::with_field(fixtures::data_bucket(), "versioning", json!("Suspended")),
    )]);

    let findings = fixtures::evaluate(&input);

    let finding = findings.iter().find(|f| f.rule.id == "HC-S3-06").unwrap();
    assert_eq!(finding.rule.severity, Severity::High);
    assert!(finding.rule.waivable);
    assert_eq!(finding.rule.citations[0], "45 CFR 164.308(a)(7)(ii)(A)");
    assert_eq!(finding.field, "versioning");
    assert_eq!(finding.message, "versioning is Suspended, not Enabled");
    assert_eq!(finding.line, Some(1));
}
