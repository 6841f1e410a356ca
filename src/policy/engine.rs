//! Loads Rego files into the interpreter, finds the rule packages under
//! `hipcloud.rules`, checks their metadata, and evaluates them against an
//! input document.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use super::error::PolicyError;
use super::finding::{Entry, Finding, Outcome, RuleMetadata};
use super::pack::{builtin_files, directory_files, PolicyFile};

/// The package prefix that makes a package a rule.
const RULE_PREFIX: [&str; 2] = ["hipcloud", "rules"];

/// The loaded rules, ready to evaluate any number of inputs.
#[derive(Clone)]
pub struct PolicyEngine {
    engine: regorus::Engine,
    rules: Vec<LoadedRule>,
}

#[derive(Clone, Debug)]
struct LoadedRule {
    /// The package's components, such as `["hipcloud", "rules", "s3_encryption"]`.
    package: Vec<String>,
    /// The files that declare the package, for messages.
    files: String,
    metadata: RuleMetadata,
    has_exceptions: bool,
}

impl PolicyEngine {
    /// Loads the built-in pack and, when `extra` is given, every `.rego` file
    /// under that directory. Test files (`*_test.rego`) are skipped.
    pub fn load(extra: Option<&Path>) -> Result<Self, PolicyError> {
        let mut files = builtin_files();
        if let Some(dir) = extra {
            files.extend(directory_files(dir)?);
        }
        Self::from_files(files.into_iter().filter(|f| !f.is_test()).collect())
    }

    /// Loads exactly `files`, test files included if given. Every package
    /// under `hipcloud.rules` must meet the rule model: a constant `metadata`
    /// object and a `deny` set, with an optional `exceptions` set.
    pub fn from_files(files: Vec<PolicyFile>) -> Result<Self, PolicyError> {
        let mut engine = load_engine(&files)?;
        let mut rules = Vec::new();
        let mut ids: BTreeMap<String, String> = BTreeMap::new();
        for (package, package_files) in rule_packages(&engine)? {
            let rule = load_rule(&mut engine, package, &package_files)?;
            if let Some(first) = ids.insert(rule.metadata.id.clone(), rule.files.clone()) {
                return Err(PolicyError::DuplicateId {
                    id: rule.metadata.id,
                    first,
                    second: rule.files,
                });
            }
            rules.push(rule);
        }
        Ok(PolicyEngine { engine, rules })
    }

    /// Lists the metadata of every loaded rule, in package order.
    pub fn rules(&self) -> Vec<&RuleMetadata> {
        self.rules.iter().map(|r| &r.metadata).collect()
    }

    /// Evaluates every rule against `input`, a document in the format
    /// `build_input` produces. Findings are sorted by address, rule id,
    /// state, field, message and outcome.
    pub fn evaluate(&self, input: &Value) -> Result<Vec<Finding>, PolicyError> {
        let mut engine = self.engine.clone();
        engine.set_input(regorus::Value::from(input.clone()));
        let lines = lines_by_address(input);

        let mut findings = Vec::new();
        for rule in &self.rules {
            let mut sets = vec![("deny", Outcome::Violation)];
            if rule.has_exceptions {
                sets.push(("exceptions", Outcome::Exception));
            }
            for (set, outcome) in sets {
                for entry in evaluate_set(&mut engine, rule, set)? {
                    let line = lines.get(&entry.address.to_string()).copied();
                    findings.push(Finding {
                        rule: rule.metadata.clone(),
                        outcome,
                        address: entry.address,
                        field: entry.field,
                        state: entry.state,
                        message: entry.message,
                        line,
                    });
                }
            }
        }
        findings.sort_by(|a, b| {
            (
                a.address.to_string(),
                &a.rule.id,
                a.state,
                &a.field,
                &a.message,
                a.outcome,
            )
                .cmp(&(
                    b.address.to_string(),
                    &b.rule.id,
                    b.state,
                    &b.field,
                    &b.message,
                    b.outcome,
                ))
        });
        Ok(findings)
    }
}

/// Parses every file into a new interpreter, in Rego v1 syntax.
pub(super) fn load_engine(files: &[PolicyFile]) -> Result<regorus::Engine, PolicyError> {
    let mut engine = regorus::Engine::new();
    // Builtin errors, such as a type error in a comparison, make an
    // expression undefined as in OPA, instead of failing the evaluation.
    engine.set_strict_builtin_errors(false);
    for file in files {
        engine
            .add_policy(file.path.clone(), file.text.clone())
            .map_err(|error| PolicyError::Parse {
                path: file.path.clone(),
                message: error.to_string().trim().to_string(),
            })?;
    }
    Ok(engine)
}

/// Groups the loaded files by package, keeping the packages under
/// `hipcloud.rules`.
fn rule_packages(engine: &regorus::Engine) -> Result<BTreeMap<Vec<String>, Vec<String>>, PolicyError> {
    let components = engine
        .get_policy_package_components()
        .map_err(|error| PolicyError::Parse {
            path: "(all files)".to_string(),
            message: error.to_string(),
        })?;
    let mut packages: BTreeMap<Vec<String>, Vec<String>> = BTreeMap::new();
    for package in components {
        let is_rule = package.components.len() > RULE_PREFIX.len()
            && package.components.iter().zip(RULE_PREFIX).all(|(a, b)| a == b);
        if is_rule {
            packages
                .entry(package.components)
                .or_default()
                .push(package.source_file);
        }
    }
    Ok(packages)
}

fn load_rule(engine: &mut regorus::Engine, package: Vec<String>, files: &[String]) -> Result<LoadedRule, PolicyError> {
    let files_text = files.join(", ");
    let invalid = |problem: String| PolicyError::InvalidRule {
        package: package.join("."),
        files: files_text.clone(),
        problem,
    };
    let declares = |engine: &regorus::Engine, name: &str| {
        files
            .iter()
            .any(|file| engine.has_declared_rule_rooted_at(file, name).unwrap_or(false))
    };
    if !declares(engine, "metadata") {
        return Err(invalid("it defines no `metadata`".to_string()));
    }
    if !declares(engine, "deny") {
        return Err(invalid("it defines no `deny` set".to_string()));
    }
    let has_exceptions = declares(engine, "exceptions");

    let value = engine
        .eval_rule(rule_path(&package, "metadata"))
        .map_err(|error| invalid(format!("evaluating `metadata` failed: {error}")))?;
    if value == regorus::Value::Undefined {
        return Err(invalid(
            "`metadata` is undefined; it must be a constant object that does not read the input".to_string(),
        ));
    }
    let metadata = RuleMetadata::from_value(&to_json(&value)).map_err(invalid)?;
    Ok(LoadedRule {
        package,
        files: files_text,
        metadata,
        has_exceptions,
    })
}

/// Evaluates one set of a rule and reads its entries.
fn evaluate_set(engine: &mut regorus::Engine, rule: &LoadedRule, set: &str) -> Result<Vec<Entry>, PolicyError> {
    let path = rule_path(&rule.package, set);
    let value = engine
        .eval_rule(path.clone())
        .map_err(|error| PolicyError::Evaluation {
            rule: path.clone(),
            files: rule.files.clone(),
            message: error.to_string(),
        })?;
    let invalid = |problem: String| PolicyError::InvalidRule {
        package: rule.package.join("."),
        files: rule.files.clone(),
        problem,
    };
    let items = match &value {
        regorus::Value::Undefined => return Ok(Vec::new()),
        regorus::Value::Set(items) => items,
        other => return Err(invalid(format!("`{set}` must be a set, found {}", to_json(other)))),
    };
    items
        .iter()
        .map(|item| {
            let json = to_json(item);
            Entry::from_value(&json).map_err(|problem| invalid(format!("`{set}` contains {json}: {problem}")))
        })
        .collect()
}

/// Builds the path of a rule in a package, such as
/// `data.hipcloud.rules.s3_encryption.deny`. Components that are not plain
/// identifiers use bracket notation.
fn rule_path(package: &[String], rule: &str) -> String {
    let mut path = String::from("data");
    for component in package.iter().map(String::as_str).chain([rule]) {
        let plain = component
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && component.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if plain {
            path.push('.');
            path.push_str(component);
        } else {
            path.push_str(&format!("[{}]", Value::String(component.to_string())));
        }
    }
    path
}

/// Converts an interpreter value to JSON. Sets become arrays.
pub(super) fn to_json(value: &regorus::Value) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

fn lines_by_address(input: &Value) -> BTreeMap<String, usize> {
    let Some(resources) = input.get("resources").and_then(Value::as_array) else {
        return BTreeMap::new();
    };
    resources
        .iter()
        .filter_map(|resource| {
            let address = resource.get("address")?.as_str()?;
            let line = resource.get("line")?.as_u64()?;
            Some((address.to_string(), usize::try_from(line).ok()?))
        })
        .collect()
}
