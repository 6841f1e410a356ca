//! Typed reads of blueprint tables that record every problem instead of stopping
//! at the first, so `validate` reports all of a file's errors in one run.

use std::collections::BTreeMap;
use std::ops::Range;

use super::diagnostic::{Diagnostic, Diagnostics};
use super::node::{Node, Table, Value};

/// A value with the byte span it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Range<usize>,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Range<usize>) -> Self {
        Spanned { value, span }
    }
}

/// Field names that would carry a credential. Blueprints are committed to
/// version control, so such a field is an error that points to Secrets Manager.
const SECRET_FIELDS: &[&str] = &[
    "password",
    "passwd",
    "pass",
    "secret",
    "secret_key",
    "secret_access_key",
    "access_key",
    "private_key",
    "token",
    "api_key",
    "credentials",
    "username",
    "user_name",
];

/// Returns the byte spans of values assigned to secret-like keys anywhere in
/// the text (`password = "…"`, also inside inline tables), found by scanning
/// rather than parsing, so that even a file with syntax errors never has such
/// a value quoted back in an error.
pub fn secret_assignments(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let bytes = text.as_bytes();
    let is_key_char = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let mut start = 0;
    while start < bytes.len() {
        if !is_key_char(bytes[start]) || (start > 0 && is_key_char(bytes[start - 1])) {
            start += 1;
            continue;
        }
        let mut end = start;
        while end < bytes.len() && is_key_char(bytes[end]) {
            end += 1;
        }
        let key = text[start..end].trim_matches('"').to_ascii_lowercase();
        let mut cursor = end;
        while cursor < bytes.len() && (bytes[cursor] == b' ' || bytes[cursor] == b'\t' || bytes[cursor] == b'"') {
            cursor += 1;
        }
        if SECRET_FIELDS.contains(&key.as_str()) && cursor < bytes.len() && bytes[cursor] == b'=' {
            let value_start = cursor + 1;
            let mut value_end = value_start;
            while value_end < bytes.len() && !matches!(bytes[value_end], b'\n' | b',' | b'}') {
                value_end += 1;
            }
            spans.push(value_start..value_end);
            start = value_end;
        } else {
            start = end;
        }
    }
    spans
}

/// True when a field or tag name suggests it holds a credential.
pub fn is_secret_name(name: &str) -> bool {
    SECRET_FIELDS.contains(&name.to_ascii_lowercase().as_str())
}

/// One blueprint table, read field by field against the list of fields it allows.
pub struct Fields<'a> {
    table: &'a Table,
    context: String,
}

impl<'a> Fields<'a> {
    /// Starts reading `table`. `context` names it in messages (`bucket.raw`,
    /// `[blueprint]`); any key not in `known` is reported, with the nearest known
    /// name as a hint.
    pub fn new(table: &'a Table, context: impl Into<String>, known: &[&str], d: &mut Diagnostics) -> Self {
        let context = context.into();
        for (key, _) in &table.entries {
            let name = key.name.as_str();
            if known.contains(&name) {
                continue;
            }
            if SECRET_FIELDS.contains(&name.to_ascii_lowercase().as_str()) {
                d.mask(table.get(name).map_or(key.span.clone(), |value| value.span.clone()));
                d.push(
                    Diagnostic::new(format!("{context}: field `{name}` would store a secret in the blueprint"), Some(key.span.clone()))
                        .with_hint("store credentials in AWS Secrets Manager and reference the secret's ARN; blueprints never hold secrets"),
                );
                continue;
            }
            let hint = match nearest(name, known) {
                Some(candidate) => format!("did you mean `{candidate}`? Allowed fields: {}", known.join(", ")),
                None => format!("allowed fields: {}", known.join(", ")),
            };
            d.error(&key.span, format!("{context}: unknown field `{name}`"), hint);
        }
        Fields { table, context }
    }

    pub fn context(&self) -> &str {
        &self.context
    }

    pub fn node(&self, name: &str) -> Option<&'a Node> {
        self.table.get(name)
    }

    pub fn entry(&self, name: &str) -> Option<(&'a super::node::Key, &'a Node)> {
        self.table.get_entry(name)
    }

    fn wrong_type(&self, name: &str, node: &Node, expected: &str, d: &mut Diagnostics) {
        d.error(
            &node.span,
            format!(
                "{}: field `{name}` must be {expected}, found {}",
                self.context,
                node.value.type_name()
            ),
            format!("write `{name}` as {expected}"),
        );
    }

    pub fn string(&self, name: &str, d: &mut Diagnostics) -> Option<Spanned<String>> {
        let node = self.table.get(name)?;
        match &node.value {
            Value::String(s) => Some(Spanned::new(s.clone(), node.span.clone())),
            _ => {
                self.wrong_type(name, node, "a string", d);
                None
            }
        }
    }

    /// Reads a string that must be present; `hint` says what to write.
    pub fn required_string(
        &self,
        name: &str,
        table_span: &Range<usize>,
        hint: &str,
        d: &mut Diagnostics,
    ) -> Option<Spanned<String>> {
        if self.table.get(name).is_none() {
            d.error(
                table_span,
                format!("{}: missing required field `{name}`", self.context),
                hint,
            );
            return None;
        }
        self.string(name, d)
    }

    pub fn integer(&self, name: &str, d: &mut Diagnostics) -> Option<Spanned<i64>> {
        let node = self.table.get(name)?;
        match &node.value {
            Value::Integer(n) => Some(Spanned::new(*n, node.span.clone())),
            _ => {
                self.wrong_type(name, node, "an integer", d);
                None
            }
        }
    }

    pub fn bool(&self, name: &str, d: &mut Diagnostics) -> Option<Spanned<bool>> {
        let node = self.table.get(name)?;
        match &node.value {
            Value::Bool(b) => Some(Spanned::new(*b, node.span.clone())),
            _ => {
                self.wrong_type(name, node, "a boolean (true or false)", d);
                None
            }
        }
    }

    /// Reads an array of strings. A single string is rejected rather than taken
    /// as a one-element list, so a typo cannot silently change a list's meaning.
    pub fn string_list(&self, name: &str, d: &mut Diagnostics) -> Option<Vec<Spanned<String>>> {
        let node = self.table.get(name)?;
        let Value::Array(items) = &node.value else {
            self.wrong_type(name, node, "an array of strings", d);
            return None;
        };
        let mut values = Vec::new();
        for item in items {
            match &item.value {
                Value::String(s) => values.push(Spanned::new(s.clone(), item.span.clone())),
                _ => self.wrong_type(name, item, "an array of strings", d),
            }
        }
        Some(values)
    }

    pub fn table(&self, name: &str, d: &mut Diagnostics) -> Option<(&'a Table, Range<usize>)> {
        let node = self.table.get(name)?;
        match &node.value {
            Value::Table(t) => Some((t, node.span.clone())),
            _ => {
                self.wrong_type(name, node, "a table", d);
                None
            }
        }
    }

    /// Reads a table of string values, such as `tags`, with each key's span.
    pub fn string_map(&self, name: &str, d: &mut Diagnostics) -> BTreeMap<String, (Range<usize>, Spanned<String>)> {
        let mut map = BTreeMap::new();
        let Some((table, _)) = self.table(name, d) else {
            return map;
        };
        for (key, node) in &table.entries {
            match &node.value {
                Value::String(s) => {
                    map.insert(
                        key.name.clone(),
                        (key.span.clone(), Spanned::new(s.clone(), node.span.clone())),
                    );
                }
                _ => d.push(
                    Diagnostic::new(
                        format!(
                            "{}: `{name}.{}` must be a string, found {}",
                            self.context,
                            key.name,
                            node.value.type_name()
                        ),
                        Some(node.span.clone()),
                    )
                    .with_hint("quote the value"),
                ),
            }
        }
        map
    }
}

/// Returns the known name closest to `name`, when it is close enough to be a typo.
pub fn nearest<'k>(name: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|candidate| (strsim::jaro_winkler(name, candidate), *candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::blueprint::node::parse;

    #[test]
    fn nearest_suggests_typos_only() {
        assert_eq!(nearest("nmae", &["name", "key"]), Some("name"));
        assert_eq!(nearest("versoning", &["versioning", "key"]), Some("versioning"));
        assert_eq!(nearest("zzz", &["name", "key"]), None);
    }

    #[test]
    fn unknown_and_secret_fields_are_reported() {
        let mut d = Diagnostics::default();
        let table = parse("nmae = \"x\"\npassword = \"hunter2\"\n", &mut d).unwrap();
        let _ = Fields::new(&table, "bucket.raw", &["name"], &mut d);
        assert_eq!(d.len(), 2);
        assert!(d.items()[0].message.contains("unknown field `nmae`"));
        assert!(d.items()[0].hint.as_deref().unwrap().contains("did you mean `name`?"));
        assert!(d.items()[1].message.contains("would store a secret"));
        assert!(!d.items()[1].message.contains("hunter2"));
    }

    #[test]
    fn secret_assignments_cover_broken_and_inline_values() {
        let text = "password = \"abc\nx = 1\ngrants = [{ read = \"b\", token = \"xyz\" }]\n";
        let spans = secret_assignments(text);
        let values: Vec<&str> = spans.iter().map(|s| text[s.clone()].trim()).collect();
        assert_eq!(values, vec!["\"abc", "\"xyz\""]);
    }

    #[test]
    fn wrong_types_are_reported() {
        let mut d = Diagnostics::default();
        let table = parse("name = 3\nlist = \"a\"\n", &mut d).unwrap();
        let fields = Fields::new(&table, "bucket.raw", &["name", "list"], &mut d);
        assert!(fields.string("name", &mut d).is_none());
        assert!(fields.string_list("list", &mut d).is_none());
        assert_eq!(d.len(), 2);
        assert!(d.items()[0].message.contains("must be a string, found an integer"));
    }
}
