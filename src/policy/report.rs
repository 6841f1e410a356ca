//! Renders assessed findings for people (text) and for pull-request comments
//! (Markdown). JSON outputs embed the findings as they serialize.

use std::fmt::Write as _;

use super::assess::Assessed;
use super::finding::{Outcome, Severity};

/// Counts findings for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub high: usize,
    pub medium: usize,
    pub waived: usize,
    pub exceptions: usize,
}

pub fn counts(findings: &[Assessed]) -> Counts {
    let mut counts = Counts::default();
    for a in findings {
        if a.finding.outcome == Outcome::Exception {
            counts.exceptions += 1;
        } else if a.is_waived() {
            counts.waived += 1;
        } else if a.finding.rule.severity == Severity::High {
            counts.high += 1;
        } else {
            counts.medium += 1;
        }
    }
    counts
}

/// Returns the summary line, such as `Policy: 1 high, 2 medium, 1 waived, 1 exception.`
pub fn summary_line(findings: &[Assessed]) -> String {
    let c = counts(findings);
    format!(
        "Policy: {} high, {} medium, {} waived, {} exception{}.",
        c.high,
        c.medium,
        c.waived,
        c.exceptions,
        if c.exceptions == 1 { "" } else { "s" }
    )
}

fn label(a: &Assessed) -> String {
    let base = match (a.finding.outcome, a.finding.rule.severity) {
        (Outcome::Exception, _) => "exception",
        (Outcome::Violation, Severity::High) => "HIGH",
        (Outcome::Violation, Severity::Medium) => "medium",
    };
    match a.waiver_label() {
        Some(waiver) => format!("{base}, {waiver}"),
        None => base.to_string(),
    }
}

/// Renders the findings as a text section: violations first, then waived
/// findings, then exceptions; each with its rule, citations, location and fix.
pub fn text(findings: &[Assessed], file: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "HIPAA policy checks. {}", summary_line(findings));
    for a in ordered(findings) {
        let f = &a.finding;
        let location = f.line.map(|l| format!(" ({})", at(file, l))).unwrap_or_default();
        let _ = writeln!(
            out,
            "  [{}] {} {}: {} {} ({} state){location}",
            label(a),
            f.rule.id,
            f.rule.title,
            f.address,
            f.field,
            f.state.as_str()
        );
        let _ = writeln!(out, "      {}", f.message);
        let _ = writeln!(out, "      cites: {}", f.rule.citations.join("; "));
        if f.outcome == Outcome::Violation {
            let _ = writeln!(out, "      fix: {}", f.rule.remediation);
        }
        if let Some(w) = &a.waiver {
            let _ = writeln!(
                out,
                "      {}: {} Equivalent control: {} Approved by {} until {}.",
                w.name, w.reason, w.equivalent_control, w.approver, w.expires
            );
        }
    }
    out
}

/// Renders the findings as a Markdown section with a table, for plan and
/// drift comments.
pub fn markdown(findings: &[Assessed], file: &str) -> String {
    let cell = |text: &str| text.replace('|', "\\|").replace('<', "&lt;").replace('\n', " ");
    let mut out = String::new();
    let _ = writeln!(out, "#### HIPAA policy checks\n\n**{}**\n", summary_line(findings));
    if findings.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "| Result | Rule | Address | Field | State | Message | Citations | Line |\n|---|---|---|---|---|---|---|---|"
    );
    for a in ordered(findings) {
        let f = &a.finding;
        let line = f.line.map(|l| format!("`{}`", at(file, l))).unwrap_or_default();
        let _ = writeln!(
            out,
            "| {} | `{}` {} | `{}` | `{}` | {} | {} | {} | {line} |",
            label(a),
            f.rule.id,
            cell(&f.rule.title),
            f.address,
            cell(&f.field),
            f.state.as_str(),
            cell(&f.message),
            cell(&f.rule.citations.join("; "))
        );
    }
    out.push('\n');
    out
}

/// Formats a location as `FILE:LINE`, or `line N` when the file is unknown.
fn at(file: &str, line: usize) -> String {
    if file.is_empty() {
        format!("line {line}")
    } else {
        format!("{file}:{line}")
    }
}

/// Orders findings for reading: unwaived violations by severity, then waived
/// ones, then exceptions, keeping the engine's order within each group.
fn ordered(findings: &[Assessed]) -> Vec<&Assessed> {
    let rank = |a: &Assessed| match (a.finding.outcome, a.is_waived(), a.finding.rule.severity) {
        (Outcome::Violation, false, Severity::High) => 0,
        (Outcome::Violation, false, Severity::Medium) => 1,
        (Outcome::Violation, true, _) => 2,
        (Outcome::Exception, _, _) => 3,
    };
    let mut ordered: Vec<&Assessed> = findings.iter().collect();
    ordered.sort_by_key(|a| rank(a));
    ordered
}
