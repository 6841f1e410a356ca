//! The example blueprint's desired state, built offline, against the
//! built-in pack.

use crate::blueprint::load_file;
use crate::policy::{build_input, BlueprintFacts, Outcome, PolicyEngine, Severity};
use crate::provider::aws::offline_desired;

#[test]
fn research_lab_passes_every_high_rule() {
    let blueprint = load_file("blueprints/research-lab.toml", None).unwrap();
    let desired = offline_desired(&blueprint);
    let input = build_input(&BlueprintFacts::from_blueprint(&blueprint), Some(&desired), None);

    let findings = PolicyEngine::load(None).unwrap().evaluate(&input).unwrap();

    let high: Vec<String> = findings
        .iter()
        .filter(|f| f.outcome == Outcome::Violation && f.rule.severity == Severity::High)
        .map(|f| format!("{} {}: {}", f.rule.id, f.address, f.message))
        .collect();
    assert!(high.is_empty(), "{high:?}");
    let medium: Vec<&str> = findings
        .iter()
        .filter(|f| f.outcome == Outcome::Violation && f.rule.severity == Severity::Medium)
        .map(|f| f.rule.id.as_str())
        .collect();
    assert!(medium.is_empty(), "{medium:?}");
    let exceptions: Vec<(String, &str)> = findings
        .iter()
        .filter(|f| f.outcome == Outcome::Exception)
        .map(|f| (f.address.to_string(), f.rule.id.as_str()))
        .collect();
    assert_eq!(
        exceptions,
        [
            ("bucket.access_logs".to_string(), "HC-S3-01"),
            ("key.phi".to_string(), "HC-KMS-04")
        ]
    );
}
