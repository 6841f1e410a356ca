//! An owned TOML tree that keeps the byte span of every key and value, so that
//! errors found after parsing (and after merging environment overrides) still
//! point at the right line.

use std::ops::Range;

use toml::de::{DeTable, DeValue};

use super::diagnostic::{Diagnostic, Diagnostics};

#[derive(Clone, Debug)]
pub struct Node {
    pub value: Value,
    pub span: Range<usize>,
}

#[derive(Clone, Debug)]
pub enum Value {
    String(String),
    Integer(i64),
    Float(f64),
    Bool(bool),
    Datetime(String),
    Array(Vec<Node>),
    Table(Table),
}

/// A table entry's key with its span.
#[derive(Clone, Debug)]
pub struct Key {
    pub name: String,
    pub span: Range<usize>,
}

/// A TOML table in source order.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub entries: Vec<(Key, Node)>,
}

impl Table {
    pub fn get(&self, name: &str) -> Option<&Node> {
        self.entries
            .iter()
            .find(|(key, _)| key.name == name)
            .map(|(_, node)| node)
    }

    pub fn get_entry(&self, name: &str) -> Option<(&Key, &Node)> {
        self.entries
            .iter()
            .find(|(key, _)| key.name == name)
            .map(|(key, node)| (key, node))
    }

    pub fn remove(&mut self, name: &str) -> Option<(Key, Node)> {
        let index = self.entries.iter().position(|(key, _)| key.name == name)?;
        Some(self.entries.remove(index))
    }

    /// Deep-merges `overlay` into this table: tables merge key by key, every other
    /// value (arrays included) is replaced whole, and keeps the overlay's spans.
    pub fn merge(&mut self, overlay: Table) {
        for (key, node) in overlay.entries {
            match self.entries.iter_mut().find(|(existing, _)| existing.name == key.name) {
                Some((_, existing)) => match (&mut existing.value, node.value) {
                    (Value::Table(base), Value::Table(over)) => base.merge(over),
                    (_, value) => *existing = Node { value, span: node.span },
                },
                None => self.entries.push((key, node)),
            }
        }
    }
}

impl Value {
    /// The TOML type name used in "expected a string, found an integer".
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "a string",
            Value::Integer(_) => "an integer",
            Value::Float(_) => "a float",
            Value::Bool(_) => "a boolean",
            Value::Datetime(_) => "a date-time",
            Value::Array(_) => "an array",
            Value::Table(_) => "a table",
        }
    }
}

/// Parses TOML text into a spanned tree. A syntax error is returned as a
/// diagnostic; the TOML parser recovers, so several syntax errors can be reported.
pub fn parse(text: &str, diagnostics: &mut Diagnostics) -> Option<Table> {
    let (table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for error in errors {
            let message = format!("invalid TOML: {}", error.message().trim_end());
            diagnostics.push(
                Diagnostic::new(message, error.span())
                    .with_hint("fix the TOML syntax; see https://toml.io for the format"),
            );
        }
        return None;
    }
    let mut too_large = Vec::new();
    let root = convert_table(table.into_inner(), &mut too_large);
    for span in too_large {
        diagnostics.push(
            Diagnostic::new(
                "integer is too large: the largest TOML integer is 9223372036854775807",
                Some(span),
            )
            .with_hint("write a value in the range the field allows"),
        );
    }
    Some(root)
}

/// Converts a parsed table, recording the spans of integers that do not fit
/// in 64 bits (the TOML limit) in `too_large`.
fn convert_table(table: DeTable<'_>, too_large: &mut Vec<Range<usize>>) -> Table {
    let entries = table
        .into_iter()
        .map(|(key, value)| {
            let key = Key {
                name: key.get_ref().to_string(),
                span: key.span(),
            };
            (key, convert(value, too_large))
        })
        .collect();
    Table { entries }
}

fn convert(node: toml::Spanned<DeValue<'_>>, too_large: &mut Vec<Range<usize>>) -> Node {
    let span = node.span();
    let value = match node.into_inner() {
        DeValue::String(s) => Value::String(s.into_owned()),
        DeValue::Integer(i) => match i64::from_str_radix(&i.as_str().replace('_', ""), i.radix()) {
            Ok(n) => Value::Integer(n),
            Err(_) => {
                too_large.push(span.clone());
                Value::Integer(i64::MAX)
            }
        },
        DeValue::Float(f) => Value::Float(f.as_str().replace('_', "").parse().unwrap_or(f64::NAN)),
        DeValue::Boolean(b) => Value::Bool(b),
        DeValue::Datetime(d) => Value::Datetime(d.to_string()),
        DeValue::Array(items) => Value::Array(items.iter().cloned().map(|item| convert(item, too_large)).collect()),
        DeValue::Table(table) => Value::Table(convert_table(table, too_large)),
    };
    Node { value, span }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Table {
        let mut diagnostics = Diagnostics::default();
        parse(text, &mut diagnostics).expect("valid TOML")
    }

    #[test]
    fn keeps_value_spans() {
        let text = "[bucket.raw]\nname = \"x\"\n";
        let table = parse_ok(text);
        let Value::Table(bucket) = &table.get("bucket").unwrap().value else {
            panic!()
        };
        let Value::Table(raw) = &bucket.get("raw").unwrap().value else {
            panic!()
        };
        let name = raw.get("name").unwrap();
        assert_eq!(&text[name.span.clone()], "\"x\"");
    }

    #[test]
    fn merge_replaces_scalars_and_merges_tables() {
        let mut base = parse_ok("[a]\nx = 1\ny = [1, 2]\n[a.t]\nk = 1\n");
        let overlay = parse_ok("[a]\ny = [3]\n[a.t]\nm = 2\n");
        base.merge(overlay);
        let Value::Table(a) = &base.get("a").unwrap().value else {
            panic!()
        };
        assert!(matches!(a.get("x").unwrap().value, Value::Integer(1)));
        let Value::Array(y) = &a.get("y").unwrap().value else {
            panic!()
        };
        assert_eq!(y.len(), 1);
        let Value::Table(t) = &a.get("t").unwrap().value else {
            panic!()
        };
        assert!(t.get("k").is_some(), "base key kept");
        assert!(t.get("m").is_some(), "overlay key added");
    }

    #[test]
    fn syntax_errors_are_reported() {
        let mut diagnostics = Diagnostics::default();
        assert!(parse("[bucket\nname = 1", &mut diagnostics).is_none());
        assert!(!diagnostics.is_empty());
        assert!(diagnostics.items()[0].span.is_some());
    }
}
