//! IAM policy documents compared as IAM reads them, not as text.
//!
//! Two documents are equivalent when their normal forms are equal. The normal
//! form decodes a URL-encoded document exactly once, treats a missing `Version`
//! as `2008-10-17`, a single statement or string as a one-element list, and
//! compares `Action`, `Resource`, `Principal` and condition values as sets. An
//! account id principal equals `arn:aws:iam::ID:root`, statement ids (`Sid`) are
//! ignored because IAM does not use them to evaluate a policy, and action names
//! and condition keys compare without case. A principal
//! that comes back as a unique id (`AROA…`) stays different from the ARN it
//! replaced: that role was deleted and recreated, which is real drift.

use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};

/// The `Version` IAM assumes when a document has none.
const DEFAULT_VERSION: &str = "2008-10-17";

#[derive(Debug, thiserror::Error)]
#[error("policy document is not valid JSON: {0}")]
pub struct ParseError(#[from] serde_json::Error);

/// Parses a document as an AWS API returns it, URL-encoded or not.
pub fn parse(raw: &str) -> Result<Value, ParseError> {
    let trimmed = raw.trim_start();
    if trimmed.starts_with('{') {
        return Ok(serde_json::from_str(trimmed)?);
    }
    let decoded = percent_decode_str(trimmed).decode_utf8_lossy();
    Ok(serde_json::from_str(&decoded)?)
}

/// True when IAM would read both documents the same way.
pub fn equivalent(a: &Value, b: &Value) -> bool {
    normalize(a, true) == normalize(b, true)
}

/// The form shown in plans: lists sorted, one-element lists spelled as lists,
/// account ids as root ARNs, so a line diff shows only real differences.
pub fn display_form(doc: &Value) -> Value {
    normalize(doc, false)
}

/// Pretty JSON of the display form, for line diffs.
pub fn pretty(doc: &Value) -> String {
    serde_json::to_string_pretty(&display_form(doc)).unwrap_or_default()
}

fn normalize(doc: &Value, for_comparison: bool) -> Value {
    let Value::Object(object) = doc else { return doc.clone() };
    let mut out = Map::new();
    for (key, value) in object {
        match key.as_str() {
            "Statement" => {
                let mut statements: Vec<Value> = as_list(value).iter().map(|s| statement(s, for_comparison)).collect();
                statements.sort_by_key(sort_key);
                statements.dedup();
                out.insert(key.clone(), Value::Array(statements));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    out.entry("Version")
        .or_insert_with(|| Value::String(DEFAULT_VERSION.to_string()));
    Value::Object(out)
}

fn sort_key(statement: &Value) -> String {
    let sid = statement.get("Sid").and_then(Value::as_str).unwrap_or("");
    format!("{sid}\u{0}{statement}")
}

fn statement(statement: &Value, for_comparison: bool) -> Value {
    let Value::Object(object) = statement else {
        return statement.clone();
    };
    let mut out = Map::new();
    for (key, value) in object {
        let normalized = match key.as_str() {
            "Sid" if for_comparison || value.as_str() == Some("") => continue,
            "Action" | "NotAction" => string_set(value, for_comparison),
            "Resource" | "NotResource" => string_set(value, false),
            "Principal" | "NotPrincipal" => principal(value, for_comparison),
            "Condition" => condition(value, for_comparison),
            _ => value.clone(),
        };
        out.insert(key.clone(), normalized);
    }
    Value::Object(out)
}

fn as_list(value: &Value) -> Vec<Value> {
    match value {
        Value::Array(items) => items.clone(),
        other => vec![other.clone()],
    }
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn string_set(value: &Value, lowercase: bool) -> Value {
    let mut items: Vec<String> = as_list(value)
        .iter()
        .map(|v| {
            if lowercase {
                scalar_text(v).to_ascii_lowercase()
            } else {
                scalar_text(v)
            }
        })
        .collect();
    items.sort();
    items.dedup();
    Value::Array(items.into_iter().map(Value::String).collect())
}

fn principal(value: &Value, for_comparison: bool) -> Value {
    let Value::Object(object) = value else {
        return value.clone();
    };
    if for_comparison && object.len() == 1 && object.get("AWS").map(as_list) == Some(vec![Value::String("*".into())]) {
        return Value::String("*".into());
    }
    let mut out = Map::new();
    for (kind, ids) in object {
        let mut items: Vec<String> = as_list(ids)
            .iter()
            .map(scalar_text)
            .map(|id| if kind == "AWS" { account_root(&id) } else { id })
            .collect();
        items.sort();
        items.dedup();
        out.insert(
            kind.clone(),
            Value::Array(items.into_iter().map(Value::String).collect()),
        );
    }
    Value::Object(out)
}

/// Spells a bare 12-digit account id as the account's root ARN, which IAM treats
/// as the same principal.
fn account_root(id: &str) -> String {
    if id.len() == 12 && id.chars().all(|c| c.is_ascii_digit()) {
        format!("arn:aws:iam::{id}:root")
    } else {
        id.to_string()
    }
}

fn condition(value: &Value, for_comparison: bool) -> Value {
    let Value::Object(operators) = value else {
        return value.clone();
    };
    let mut out = Map::new();
    for (operator, keys) in operators {
        let Value::Object(keys) = keys else {
            out.insert(operator.clone(), keys.clone());
            continue;
        };
        let mut normalized = Map::new();
        for (key, values) in keys {
            let key = if for_comparison {
                key.to_ascii_lowercase()
            } else {
                key.clone()
            };
            normalized.insert(key, string_set(values, false));
        }
        out.insert(operator.clone(), Value::Object(normalized));
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn desired_trust() -> Value {
        json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "",
                "Effect": "Allow",
                "Principal": {"Service": ["sagemaker.amazonaws.com", "glue.amazonaws.com"]},
                "Action": ["sts:AssumeRole"],
                "Condition": {"StringEquals": {"aws:SourceAccount": ["123456789012"]}}
            }]
        })
    }

    #[test]
    fn url_encoded_compact_document_is_equivalent() {
        let live = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%5B%22glue.amazonaws.com%22%2C%22sagemaker.amazonaws.com%22%5D%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%2C%22Condition%22%3A%7B%22StringEquals%22%3A%7B%22aws%3ASourceAccount%22%3A%22123456789012%22%7D%7D%7D%5D%7D";
        let live = parse(live).unwrap();
        assert!(equivalent(&desired_trust(), &live));
    }

    #[test]
    fn single_statement_and_strings_equal_lists() {
        let live = json!({
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Principal": {"Service": ["glue.amazonaws.com", "sagemaker.amazonaws.com"]},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"AWS:SourceAccount": "123456789012"}}
            }
        });
        assert!(equivalent(&desired_trust(), &live));
    }

    #[test]
    fn account_id_principal_equals_root_arn() {
        let a = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole"}]});
        let b = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::123456789012:root"]}, "Action": ["sts:AssumeRole"]}]});
        assert!(equivalent(&a, &b));
    }

    #[test]
    fn cidr_order_is_ignored_but_prefix_change_is_not() {
        let doc = |cidrs: Value| json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*", "Condition": {"IpAddress": {"aws:SourceIp": cidrs}}}]});
        let desired = doc(json!(["203.0.113.0/24", "198.51.100.0/24"]));
        assert!(equivalent(&desired, &doc(json!(["198.51.100.0/24", "203.0.113.0/24"]))));
        assert!(!equivalent(&desired, &doc(json!(["198.51.100.0/24", "203.0.0.0/16"]))));
    }

    #[test]
    fn missing_version_is_the_old_default() {
        let a = json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]});
        let b = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]});
        assert!(!equivalent(&a, &b));
        let c = json!({"Version": "2008-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]});
        assert!(equivalent(&a, &c));
    }

    #[test]
    fn unique_id_principal_is_drift() {
        let a = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:role/analyst"}, "Action": "kms:Decrypt", "Resource": "*"}]});
        let b = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "AROAEXAMPLEID1234567"}, "Action": "kms:Decrypt", "Resource": "*"}]});
        assert!(!equivalent(&a, &b));
    }

    #[test]
    fn statement_order_and_action_case_are_ignored() {
        let s1 = json!({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"});
        let s2 = json!({"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"});
        let a = json!({"Version": "2012-10-17", "Statement": [s1, s2]});
        let s1_upper = json!({"Effect": "Allow", "Action": "S3:getobject", "Resource": "arn:aws:s3:::b/*"});
        let b = json!({"Version": "2012-10-17", "Statement": [s2, s1_upper]});
        assert!(equivalent(&a, &b));
    }
}
