//! The plan as Markdown for a pull-request comment: the summary first, a table
//! by kind, destructive changes and their guards where no reviewer can miss
//! them, then one collapsible section per resource. The output has no
//! timestamps and a fixed order, so an unchanged plan renders byte for byte
//! the same, and it stays under GitHub's comment limit.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use similar::{ChangeTag, TextDiff};

use super::render::{show, summary_line, Render, NO_CHANGES};
use super::{Action, Change, FieldChange, Plan};
use crate::address::Kind;

/// GitHub rejects comments longer than 65,536 characters.
pub const GITHUB_COMMENT_LIMIT: usize = 65_536;

/// Room kept for the truncation marker and the closing lines.
const RESERVE: usize = 1_024;

pub struct Markdown {
    /// The maximum length of the output, in bytes.
    pub limit: usize,
    /// The location of the full plan, for the truncation marker: the CI job's
    /// log or a saved plan file.
    pub full_plan_hint: String,
}

impl Default for Markdown {
    fn default() -> Self {
        Markdown {
            limit: GITHUB_COMMENT_LIMIT,
            full_plan_hint: "`hipcloud plan --format text` prints the full plan".to_string(),
        }
    }
}

impl Render for Markdown {
    fn render(&self, plan: &Plan) -> String {
        let mut head = String::new();
        let env = plan
            .env
            .as_deref()
            .map(|e| format!(", environment `{e}`"))
            .unwrap_or_default();
        let _ = writeln!(head, "### hipcloud plan: `{}`{env}\n", plan.blueprint);
        let _ = writeln!(head, "Account `{}`, region `{}`.\n", plan.account, plan.region);
        if !plan.has_changes() {
            let _ = writeln!(head, "**{NO_CHANGES}**\n");
            notes(&mut head, plan);
            findings(&mut head, plan);
            return head;
        }
        let _ = writeln!(head, "**{}**\n", summary_line(plan.summary()));
        table(&mut head, plan);

        let guarded: Vec<&Change> = plan.changes.iter().filter(|c| !c.guards.is_empty()).collect();
        if !guarded.is_empty() {
            let _ = writeln!(
                head,
                "> [!CAUTION]\n> **Destructive changes that apply will refuse until they are allowed or resolved:**\n>"
            );
            // The guards come before any section, so they get at most half of
            // the comment; the rest are counted and left to the full plan.
            let lines: Vec<String> = guarded
                .iter()
                .flat_map(|c| c.guards.iter().map(|g| escape(&g.describe(&c.address))))
                .collect();
            for (index, line) in lines.iter().enumerate() {
                if head.len() + line.len() + RESERVE > self.limit / 2 {
                    let _ = writeln!(
                        head,
                        "> - **{} more guards are left out here; {}.**",
                        lines.len() - index,
                        self.full_plan_hint
                    );
                    break;
                }
                let _ = writeln!(head, "> - {line}");
            }
            head.push('\n');
        }
        notes(&mut head, plan);
        findings(&mut head, plan);

        // Destructive changes first, then the rest, each group in address order.
        let (destructive, other): (Vec<&Change>, Vec<&Change>) = plan.changes.iter().partition(|c| c.is_destructive());
        let ordered: Vec<&Change> = destructive.into_iter().chain(other).collect();
        let mut out = head;
        for (index, change) in ordered.iter().enumerate() {
            let section = section(change);
            if out.len() + section.len() + RESERVE > self.limit {
                let left_out = ordered.len() - index;
                let _ = writeln!(
                    out,
                    "\n---\n**Truncated:** {left_out} of {} resources are left out to stay under the comment limit; {}.",
                    ordered.len(),
                    self.full_plan_hint
                );
                return out;
            }
            out.push_str(&section);
        }
        out
    }
}

fn table(out: &mut String, plan: &Plan) {
    let mut counts: BTreeMap<Kind, [usize; 4]> = BTreeMap::new();
    for change in &plan.changes {
        let row = counts.entry(change.address.kind).or_default();
        let column = match change.action {
            Action::Create => 0,
            Action::Update => 1,
            Action::Replace => 2,
            Action::Delete => 3,
        };
        row[column] += 1;
    }
    let _ = writeln!(
        out,
        "| Kind | Create | Update | Replace | Delete |\n|---|---:|---:|---:|---:|"
    );
    for (kind, [create, update, replace, delete]) in counts {
        let _ = writeln!(out, "| `{kind}` | {create} | {update} | {replace} | {delete} |");
    }
    out.push('\n');
}

fn findings(out: &mut String, plan: &Plan) {
    if !plan.findings.is_empty() {
        out.push_str(&crate::policy::report::markdown(&plan.findings, &plan.blueprint_file));
    }
}

fn notes(out: &mut String, plan: &Plan) {
    if plan.notes.is_empty() {
        return;
    }
    let _ = writeln!(out, "<details><summary>Notes ({})</summary>\n", plan.notes.len());
    for note in &plan.notes {
        let _ = writeln!(out, "- {}", escape(note));
    }
    let _ = writeln!(out, "\n</details>\n");
}

fn section(change: &Change) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<details><summary><code>{} {}</code> will be {} ({})</summary>\n",
        change.action.symbol(),
        change.address,
        change.action.verb(),
        escape(&change.reason.describe())
    );
    let _ = writeln!(out, "Cloud id: `{}`\n", change.cloud_id);
    if !change.fields.is_empty() {
        let _ = writeln!(out, "```diff");
        for field in &change.fields {
            field_diff(&mut out, field);
        }
        let _ = writeln!(out, "```");
    }
    let _ = writeln!(out, "\n</details>\n");
    out
}

fn field_diff(out: &mut String, field: &FieldChange) {
    let before = field.before.as_ref().map(show).unwrap_or_default();
    let after = field.after.as_ref().map(show).unwrap_or_default();
    let _ = writeln!(out, "@@ {} @@", field.name);
    let diff = TextDiff::from_lines(&before, &after);
    for change in diff.iter_all_changes() {
        let sign = match change.tag() {
            ChangeTag::Delete => "-",
            ChangeTag::Insert => "+",
            ChangeTag::Equal => " ",
        };
        let _ = writeln!(
            out,
            "{sign} {}",
            change.value().trim_end_matches('\n').replace("```", "`\u{200b}``")
        );
    }
}

/// Keeps text from opening HTML tags or ending a table cell in the comment.
fn escape(text: &str) -> String {
    text.replace('<', "&lt;").replace('>', "&gt;").replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::plan::fixtures::{every_action, many_buckets};
    use crate::plan::saved::SavedPlan;
    use crate::plan::{Guard, Reason};

    /// Renders the 300-bucket plan as `plan --out plans/large.json` does.
    fn large_markdown() -> String {
        let markdown = Markdown {
            full_plan_hint: SavedPlan::full_plan_hint(Path::new("plans/large.json")),
            ..Markdown::default()
        };
        markdown.render(&many_buckets(300))
    }

    #[test]
    fn every_action_kind_renders() {
        insta::assert_snapshot!(Markdown::default().render(&every_action()));
    }

    #[test]
    fn rendering_is_deterministic() {
        let plan = every_action();
        assert_eq!(Markdown::default().render(&plan), Markdown::default().render(&plan));
    }

    #[test]
    fn large_plan_truncated_snapshot() {
        insta::assert_snapshot!(large_markdown());
    }

    #[test]
    fn large_plan_fits_comment_limit() {
        let text = large_markdown();
        assert!(text.len() <= GITHUB_COMMENT_LIMIT, "{} bytes", text.len());
        assert!(
            text.len() > GITHUB_COMMENT_LIMIT - 2 * RESERVE,
            "the plan fills the comment: {} bytes",
            text.len()
        );
    }

    #[test]
    fn many_guards_stay_under_limit() {
        let mut plan = many_buckets(2_000);
        for change in &mut plan.changes {
            change.action = Action::Delete;
            change.reason = Reason::RemovedFromBlueprint;
            change.guards = vec![Guard::BucketHoldsData];
        }
        let text = Markdown::default().render(&plan);
        assert!(text.len() <= GITHUB_COMMENT_LIMIT, "{} bytes", text.len());
        assert!(text.contains("more guards are left out here"), "the guard list is cut");
        assert!(text.contains("**Truncated:**"), "the sections are cut");
    }

    #[test]
    fn truncation_marker_counts_left_out() {
        let text = large_markdown();
        let sections_shown = text.matches("<details><summary><code>+ bucket.").count();
        assert!(sections_shown > 0, "some resources are shown");
        assert!(sections_shown < 300, "some resources are left out");
        let marker = format!(
            "**Truncated:** {} of 300 resources are left out to stay under the comment limit; \
             the full plan is in `plans/large.json`; `hipcloud show plans/large.json` prints it.",
            300 - sections_shown
        );
        assert!(text.contains(&marker), "the marker counts what is left out");
        assert!(text.trim_end().ends_with(&marker), "the marker comes last");
        assert!(
            text.contains("Plan: 300 to create"),
            "the summary covers the whole plan"
        );
    }

    #[test]
    fn no_changes_says_so() {
        let mut plan = every_action();
        plan.changes.clear();
        let text = Markdown::default().render(&plan);
        assert!(text.contains(NO_CHANGES));
        assert!(!text.contains("| Kind |"));
    }
}
