//! The rule model in Rust: each rule's metadata, and the findings that its
//! `deny` and `exceptions` sets produce.

use serde::Serialize;
use serde_json::Value;

use crate::address::Address;

/// How much a violation matters. A high violation blocks `apply` unless it is
/// waived, and a medium one warns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    High,
    Medium,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
        }
    }
}

/// The state of a resource that a finding is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// The state the blueprint requests, checked before anything is created.
    Desired,
    /// The state read from the account, checked for drift.
    Live,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Desired => "desired",
            State::Live => "live",
        }
    }
}

/// The kind of a finding: a violation from a rule's `deny` set, or a
/// documented exception from its `exceptions` set, which is reported but
/// meant never to block.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Violation,
    Exception,
}

/// A rule's `metadata` object.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleMetadata {
    /// Such as `HC-S3-01`; unique across all loaded rules.
    pub id: String,
    pub title: String,
    pub severity: Severity,
    /// Sections of the HIPAA Security Rule, such as `45 CFR 164.312(a)(1)`.
    pub citations: Vec<String>,
    /// One sentence on how to fix a violation.
    pub remediation: String,
    /// Whether a waiver may accept a violation of this rule.
    pub waivable: bool,
}

impl RuleMetadata {
    /// Reads and validates a `metadata` value. The error names the first
    /// problem found.
    pub fn from_value(value: &Value) -> Result<Self, String> {
        let Value::Object(object) = value else {
            return Err(format!("metadata must be an object, found {value}"));
        };
        let text = |key: &str| -> Result<String, String> {
            match object.get(key) {
                Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
                Some(other) => Err(format!(
                    "metadata field `{key}` must be a non-empty string, found {other}"
                )),
                None => Err(format!("metadata field `{key}` is missing")),
            }
        };
        let id = text("id")?;
        let title = text("title")?;
        let remediation = text("remediation")?;
        let severity = match text("severity")?.as_str() {
            "high" => Severity::High,
            "medium" => Severity::Medium,
            other => {
                return Err(format!(
                    "metadata field `severity` is {other:?}; expected \"high\" or \"medium\""
                ))
            }
        };
        let citations = match object.get("citations") {
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(format!("metadata field `citations` must list strings, found {other}")),
                })
                .collect::<Result<Vec<_>, _>>()?,
            Some(other) => return Err(format!("metadata field `citations` must be a list, found {other}")),
            None => return Err("metadata field `citations` is missing".to_string()),
        };
        let waivable = match object.get("waivable") {
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(format!(
                    "metadata field `waivable` must be true or false, found {other}"
                ))
            }
            None => return Err("metadata field `waivable` is missing".to_string()),
        };
        Ok(RuleMetadata {
            id,
            title,
            severity,
            citations,
            remediation,
            waivable,
        })
    }
}

/// One entry of a rule's `deny` or `exceptions` set, with the rule's metadata.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule: RuleMetadata,
    pub outcome: Outcome,
    pub address: Address,
    /// The field the finding is about, such as `encryption` or `inline_policy.NAME`.
    pub field: String,
    pub state: State,
    pub message: String,
    /// The 1-based line of the resource's table in the blueprint file, when
    /// the blueprint declares the resource.
    pub line: Option<usize>,
}

/// The parts of a `deny` or `exceptions` entry, before the rule's metadata
/// is attached.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub address: Address,
    pub field: String,
    pub state: State,
    pub message: String,
}

impl Entry {
    /// Reads one set entry. The error names the first problem found.
    pub fn from_value(value: &Value) -> Result<Self, String> {
        let Value::Object(object) = value else {
            return Err("an entry must be an object".to_string());
        };
        let text = |key: &str| -> Result<&str, String> {
            match object.get(key) {
                Some(Value::String(s)) => Ok(s.as_str()),
                Some(other) => Err(format!("field `{key}` must be a string, found {other}")),
                None => Err(format!("field `{key}` is missing")),
            }
        };
        let address_text = text("address")?;
        let address = Address::parse(address_text)
            .ok_or_else(|| format!("field `address` is {address_text:?}, which is not a resource address"))?;
        let state = match text("state")? {
            "desired" => State::Desired,
            "live" => State::Live,
            other => return Err(format!("field `state` is {other:?}; expected \"desired\" or \"live\"")),
        };
        Ok(Entry {
            address,
            field: text("field")?.to_string(),
            state,
            message: text("message")?.to_string(),
        })
    }
}
