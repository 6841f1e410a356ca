//! The Rego test runner, on the built-in pack and on tests that fail.

use std::collections::BTreeSet;

use crate::policy::{builtin_files, run_tests, run_tests_in, PolicyFile, TestOutcome};

#[test]
fn builtin_rego_tests_pass() {
    let reports = run_tests(None).unwrap();

    let failures: Vec<String> = reports
        .iter()
        .filter(|r| r.outcome != TestOutcome::Passed)
        .map(|r| format!("{} {}: {:?}", r.package, r.name, r.outcome))
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(reports.len() >= 50, "only {} tests ran", reports.len());
}

#[test]
fn every_rule_file_has_a_test_file() {
    let files = builtin_files();
    let paths: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for file in files
        .iter()
        .filter(|f| !f.is_test() && f.text.contains("package hipcloud.rules."))
    {
        let test = file.path.replace(".rego", "_test.rego");
        assert!(paths.contains(test.as_str()), "{} has no {test}", file.path);
    }
}

#[test]
fn runner_reports_failures_and_errors() {
    let text = r#"package example_test

test_true if true

test_false if false

test_undefined if input.missing == 1

test_conflict := x if {
	some x in [1, 2]
}

helper(x) := x

not_a_test if true
"#;
    let files = vec![PolicyFile {
        path: "org/example_test.rego".to_string(),
        text: text.to_string(),
    }];

    let reports = run_tests_in(&files).unwrap();

    let outcomes: Vec<(&str, &TestOutcome)> = reports.iter().map(|r| (r.name.as_str(), &r.outcome)).collect();
    assert_eq!(outcomes.len(), 4, "{outcomes:?}");
    assert_eq!(outcomes[0], ("test_true", &TestOutcome::Passed));
    assert_eq!(outcomes[1], ("test_false", &TestOutcome::Failed));
    assert_eq!(outcomes[2], ("test_undefined", &TestOutcome::Failed));
    assert_eq!(outcomes[3].0, "test_conflict");
    assert!(matches!(outcomes[3].1, TestOutcome::Error(_)), "{:?}", outcomes[3].1);
    assert!(reports
        .iter()
        .all(|r| r.file == "org/example_test.rego" && r.package == "example_test"));
}

#[test]
fn runner_ignores_tests_outside_test_files() {
    let files = vec![PolicyFile {
        path: "org/rules.rego".to_string(),
        text: "package example\n\ntest_looks_like_a_test if false\n".to_string(),
    }];
    assert!(run_tests_in(&files).unwrap().is_empty());
}
