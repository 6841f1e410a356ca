//! Runs Rego unit tests: every rule named `test_*` in the packages of
//! `*_test.rego` files, as `opa test` does. A test passes when its rule is
//! defined and not `false`.

use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;

use super::engine::{load_engine, to_json};
use super::error::PolicyError;
use super::pack::{builtin_files, directory_files, PolicyFile};

/// The result of one Rego test.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TestReport {
    /// The test file.
    pub file: String,
    /// The test's package, such as `hipcloud.tests.s3_encryption`.
    pub package: String,
    /// The test rule's name, such as `test_sse_s3_data_bucket_fails`.
    pub name: String,
    pub outcome: TestOutcome,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase", tag = "result", content = "detail")]
pub enum TestOutcome {
    Passed,
    /// The rule was undefined or `false`.
    Failed,
    /// Evaluating the rule failed, with the interpreter's message.
    Error(String),
}

/// Runs the tests of the built-in pack and, when `extra` is given, of every
/// `.rego` file under that directory. Rules and helpers load beside the tests
/// so tests can import them.
pub fn run_tests(extra: Option<&Path>) -> Result<Vec<TestReport>, PolicyError> {
    let mut files = builtin_files();
    if let Some(dir) = extra {
        files.extend(directory_files(dir)?);
    }
    run_tests_in(&files)
}

/// Runs the tests in `files`, sorted by file and then in source order.
pub fn run_tests_in(files: &[PolicyFile]) -> Result<Vec<TestReport>, PolicyError> {
    let mut engine = load_engine(files)?;
    let tests = declared_tests(&mut engine);
    let mut reports = Vec::new();
    for (file, package, name) in tests {
        let path = format!("data.{package}.{name}");
        let outcome = match engine.eval_rule(path) {
            Ok(regorus::Value::Undefined) => TestOutcome::Failed,
            Ok(value) if to_json(&value) == serde_json::Value::Bool(false) => TestOutcome::Failed,
            Ok(_) => TestOutcome::Passed,
            Err(error) => TestOutcome::Error(error.to_string()),
        };
        reports.push(TestReport {
            file,
            package,
            name,
            outcome,
        });
    }
    Ok(reports)
}

/// Lists `(file, package, rule name)` for every `test_*` rule of a
/// `*_test.rego` file. Functions and default rules are not tests.
// NOTE: regorus 0.14 has no stable API that lists a module's rules, so this
// reads the parsed modules through its hidden `unstable` module, which may
// change in any release.
fn declared_tests(engine: &mut regorus::Engine) -> Vec<(String, String, String)> {
    use regorus::unstable::{Parser, Rule, RuleHead};

    let mut tests = Vec::new();
    let mut seen = BTreeSet::new();
    for module in engine.get_modules() {
        let file = module.package.span.source.file().to_string();
        if !file.ends_with("_test.rego") {
            continue;
        }
        let Ok(package) = Parser::get_path_ref_components(&module.package.refr) else {
            continue;
        };
        let package = package.iter().map(|span| span.text()).collect::<Vec<_>>().join(".");
        for rule in &module.policy {
            let Rule::Spec { head, .. } = rule.as_ref() else {
                continue;
            };
            let refr = match head {
                RuleHead::Compr { refr, .. } | RuleHead::Set { refr, .. } => refr,
                RuleHead::Func { .. } => continue,
            };
            let Some(name) = Parser::get_path_ref_components(refr)
                .ok()
                .and_then(|parts| parts.first().map(|span| span.text().to_string()))
            else {
                continue;
            };
            // A test may have several bodies; it is one test.
            if name.starts_with("test_") && seen.insert((file.clone(), package.clone(), name.clone())) {
                tests.push((file.clone(), package.clone(), name));
            }
        }
    }
    tests
}
