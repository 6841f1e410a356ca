//! Renders plans for people (text, in Terraform's idiom) and for tools (JSON).
//! The summary line's wording is fixed because scripts parse it.

use std::fmt::Write as _;

use anstyle::{AnsiColor, Style};
use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use super::{Action, Change, FieldChange, Plan, Summary};
use crate::state::FieldValue;

/// One renderer per output format.
pub trait Render {
    fn render(&self, plan: &Plan) -> String;
}

/// The human-readable plan.
pub struct Text {
    pub color: bool,
}

/// The plan as versioned JSON for tools.
pub struct Json;

/// The JSON format's version; bump it on any incompatible change.
pub const JSON_FORMAT_VERSION: &str = "1.0";

impl Render for Json {
    fn render(&self, plan: &Plan) -> String {
        let value = serde_json::json!({
            "format_version": JSON_FORMAT_VERSION,
            "hipcloud_version": env!("CARGO_PKG_VERSION"),
            "plan": plan,
            "summary": plan.summary(),
        });
        serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
    }
}

/// The summary line, for example `Plan: 3 to create, 1 to update, 0 to replace, 0 to delete.`
pub fn summary_line(summary: Summary) -> String {
    format!(
        "Plan: {} to create, {} to update, {} to replace, {} to delete.",
        summary.create, summary.update, summary.replace, summary.delete
    )
}

/// What plan and apply print when the account already matches.
pub const NO_CHANGES: &str = "No changes. The account matches the blueprint.";

impl Text {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    fn action_style(action: Action) -> Style {
        let color = match action {
            Action::Create => AnsiColor::Green,
            Action::Update => AnsiColor::Yellow,
            Action::Replace | Action::Delete => AnsiColor::Red,
        };
        Style::new().fg_color(Some(color.into()))
    }

    fn change(&self, out: &mut String, change: &Change) {
        let style = Self::action_style(change.action);
        let bold = Style::new().bold();
        let _ = writeln!(
            out,
            "  {} {} will be {} ({})",
            self.paint(bold, "#"),
            self.paint(bold, &change.address.to_string()),
            change.action.verb(),
            change.reason.describe()
        );
        for guard in &change.guards {
            let warning = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
            let _ = writeln!(
                out,
                "  {} {}",
                self.paint(warning, "!"),
                guard.describe(&change.address)
            );
        }
        let _ = writeln!(
            out,
            "  {} {}  ({})",
            self.paint(style, change.action.symbol()),
            change.address,
            change.cloud_id
        );
        let width = change.fields.iter().map(|f| f.name.len()).max().unwrap_or(0);
        for field in &change.fields {
            self.field(out, field, width);
        }
        out.push('\n');
    }

    fn field(&self, out: &mut String, field: &FieldChange, width: usize) {
        let name = format!("{:width$}", field.name);
        match (&field.before, &field.after) {
            (None, Some(after)) => {
                let symbol = self.paint(Self::action_style(Action::Create), "+");
                let _ = writeln!(out, "      {symbol} {name} = {}", indent_block(&show(after), 10));
            }
            (Some(before), None) => {
                let symbol = self.paint(Self::action_style(Action::Delete), "-");
                let _ = writeln!(out, "      {symbol} {name} = {}", indent_block(&show(before), 10));
            }
            (Some(before), Some(after)) => {
                let symbol = self.paint(Self::action_style(Action::Update), "~");
                if matches!(after, FieldValue::Policy(_)) || is_multiline(before) || is_multiline(after) {
                    let _ = writeln!(out, "      {symbol} {}:", field.name);
                    self.line_diff(out, &show(before), &show(after));
                } else {
                    let _ = writeln!(out, "      {symbol} {name} = {} -> {}", show(before), show(after));
                }
            }
            (None, None) => {}
        }
    }

    /// Writes a unified line diff with three lines of context per hunk.
    fn line_diff(&self, out: &mut String, before: &str, after: &str) {
        let diff = TextDiff::from_lines(before, after);
        for (index, group) in diff.grouped_ops(3).iter().enumerate() {
            if index > 0 {
                let _ = writeln!(out, "            ...");
            }
            for op in group {
                for line in diff.iter_changes(op) {
                    let text = line.value().trim_end_matches('\n');
                    let rendered = match line.tag() {
                        ChangeTag::Delete => self.paint(Self::action_style(Action::Delete), &format!("-   {text}")),
                        ChangeTag::Insert => self.paint(Self::action_style(Action::Create), &format!("+   {text}")),
                        ChangeTag::Equal => format!("    {text}"),
                    };
                    let _ = writeln!(out, "          {rendered}");
                }
            }
        }
    }
}

impl Render for Text {
    fn render(&self, plan: &Plan) -> String {
        let mut out = String::new();
        let env = plan
            .env
            .as_deref()
            .map(|e| format!(", environment {e}"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "Blueprint {}{env}: account {}, region {}.\n",
            plan.blueprint, plan.account, plan.region
        );
        for note in &plan.notes {
            let _ = writeln!(out, "Note: {note}");
        }
        if !plan.notes.is_empty() {
            out.push('\n');
        }
        if !plan.has_changes() {
            let _ = writeln!(out, "{NO_CHANGES}");
            findings(&mut out, plan);
            return out;
        }
        let _ = writeln!(out, "hipcloud will perform the following actions:\n");
        // Destructive changes come first so that no reviewer can miss them.
        let (destructive, other): (Vec<&Change>, Vec<&Change>) = plan.changes.iter().partition(|c| c.is_destructive());
        for change in destructive.into_iter().chain(other) {
            self.change(&mut out, change);
        }
        let _ = writeln!(out, "{}", summary_line(plan.summary()));
        findings(&mut out, plan);
        out
    }
}

/// Appends the policy findings, after a blank line, when there are any.
fn findings(out: &mut String, plan: &Plan) {
    if !plan.findings.is_empty() {
        out.push('\n');
        out.push_str(&crate::policy::report::text(&plan.findings, &plan.blueprint_file));
    }
}

pub(super) fn show(value: &FieldValue) -> String {
    match value {
        FieldValue::Policy(_) => serde_json::to_string_pretty(&value.canonical()).unwrap_or_default(),
        FieldValue::Json(Value::Object(map)) if map.len() > 2 => {
            serde_json::to_string_pretty(&value.canonical()).unwrap_or_default()
        }
        FieldValue::Json(v) => v.to_string(),
    }
}

fn is_multiline(value: &FieldValue) -> bool {
    show(value).contains('\n')
}

fn indent_block(text: &str, spaces: usize) -> String {
    let pad = " ".repeat(spaces);
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            if i == 0 {
                line.to_string()
            } else {
                format!("\n{pad}{line}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::fixtures::every_action;

    /// An insta filter that replaces the crate version in rendered JSON, so
    /// that a version bump leaves the snapshots alone.
    const VERSION_FILTER: (&str, &str) = (r#""hipcloud_version": "[^"]*""#, r#""hipcloud_version": "[version]""#);

    #[test]
    fn text_renders_every_action() {
        insta::assert_snapshot!(Text { color: false }.render(&every_action()));
    }

    #[test]
    fn json_renders_every_action() {
        insta::with_settings!({ filters => vec![VERSION_FILTER] }, {
            insta::assert_snapshot!(Json.render(&every_action()));
        });
    }

    #[test]
    fn json_plan_reads_back() {
        let plan = every_action();
        let rendered: Value = serde_json::from_str(&Json.render(&plan)).unwrap();
        assert_eq!(rendered["format_version"], JSON_FORMAT_VERSION);
        assert_eq!(rendered["hipcloud_version"], env!("CARGO_PKG_VERSION"));

        let read: Plan = serde_json::from_value(rendered["plan"].clone()).unwrap();
        assert_eq!(
            serde_json::to_value(&read).unwrap(),
            serde_json::to_value(&plan).unwrap()
        );
        let grants = &read.changes[4].fields[0];
        assert_eq!(grants.name, "inline_policy.hipcloud-grants");
        assert!(matches!(grants.after, Some(FieldValue::Policy(_))), "{grants:?}");
    }

    #[test]
    fn text_without_changes_says_so() {
        let mut plan = every_action();
        plan.changes.clear();
        let text = Text { color: false }.render(&plan);
        assert!(text.contains(NO_CHANGES), "{text}");
        assert!(!text.contains("Plan: "), "{text}");
    }

    #[test]
    fn color_only_when_asked() {
        let plan = every_action();
        let plain = Text { color: false }.render(&plan);
        let colored = Text { color: true }.render(&plan);
        assert!(!plain.contains('\u{1b}'), "plain text has no escape codes");
        assert!(colored.contains('\u{1b}'), "colored text has escape codes");
    }
}
