//! Drift reports: the changes someone made in the account outside hipcloud,
//! with the expected and live value of each field. A resource drifted when its
//! live state differs from the blueprint while its digest tag still matches
//! the blueprint: hipcloud applied exactly this desired state, so the account
//! moved. Pending blueprint changes are listed apart and are not drift.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;
use similar::{ChangeTag, TextDiff};

use super::diff::is_applied_state;
use super::{Action, Plan};
use crate::address::Address;
use crate::state::{Desired, Observed};

/// The JSON format's version; bump it on any incompatible change.
pub const DRIFT_FORMAT_VERSION: &str = "1.0";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A field hipcloud manages has another value than the one applied.
    Changed,
    /// Something hipcloud never writes was added, such as an inline policy.
    UnmanagedAddition,
}

#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub address: String,
    pub field: String,
    pub kind: FindingKind,
    /// The value the blueprint wants; `null` when the field should not exist.
    pub expected: Value,
    /// The value the account has; `null` when the field is missing.
    pub live: Value,
    /// When hipcloud last applied the resource (RFC 3339), where it recorded it.
    pub last_applied: Option<String>,
}

/// A blueprint change that has not been applied yet. It is not drift.
#[derive(Clone, Debug, Serialize)]
pub struct Pending {
    pub address: String,
    pub action: Action,
    pub reason: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Clean,
    Drift,
    Error,
}

/// The drift of one blueprint's account.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub blueprint_file: String,
    pub blueprint: Option<String>,
    pub environment: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    pub status: Status,
    pub error: Option<String>,
    pub findings: Vec<Finding>,
    pub pending: Vec<Pending>,
    /// True when pending blueprint changes count as drift (`--include-pending`).
    pub pending_is_drift: bool,
    /// The policy findings on the live state, waivers applied.
    pub policy: Vec<crate::policy::assess::Assessed>,
}

impl Report {
    /// Sorts a plan's changes into drift and pending blueprint changes.
    pub fn from_plan(
        blueprint_file: &str,
        plan: &Plan,
        desired: &BTreeMap<Address, Desired>,
        observed: &BTreeMap<Address, Observed>,
    ) -> Report {
        let mut findings = Vec::new();
        let mut pending = Vec::new();
        for change in &plan.changes {
            let want = desired.get(&change.address);
            let have = observed.get(&change.address);
            let drifted = match (want, have) {
                (Some(want), Some(have)) => is_applied_state(want, have),
                _ => false,
            };
            let unmanaged = have.map(|h| h.unmanaged.as_slice()).unwrap_or_default();
            let last_applied = have.and_then(|h| h.applied_at()).map(str::to_string);
            for field in &change.fields {
                let is_addition = unmanaged.contains(&field.name);
                if !drifted && !is_addition {
                    continue;
                }
                findings.push(Finding {
                    address: change.address.to_string(),
                    field: field.name.clone(),
                    kind: if is_addition {
                        FindingKind::UnmanagedAddition
                    } else {
                        FindingKind::Changed
                    },
                    expected: field.after.as_ref().map_or(Value::Null, |v| v.canonical()),
                    live: field.before.as_ref().map_or(Value::Null, |v| v.canonical()),
                    last_applied: last_applied.clone(),
                });
            }
            let blueprint_fields = change.fields.iter().any(|f| !unmanaged.contains(&f.name));
            if !drifted && (blueprint_fields || change.fields.is_empty()) {
                pending.push(Pending {
                    address: change.address.to_string(),
                    action: change.action,
                    reason: change.reason.describe(),
                });
            }
        }
        Report {
            blueprint_file: blueprint_file.to_string(),
            blueprint: Some(plan.blueprint.clone()),
            environment: plan.env.clone(),
            account: Some(plan.account.clone()),
            region: Some(plan.region.clone()),
            status: if findings.is_empty() {
                Status::Clean
            } else {
                Status::Drift
            },
            error: None,
            findings,
            pending,
            pending_is_drift: false,
            policy: Vec::new(),
        }
    }

    /// Counts pending blueprint changes as drift, for a schedule that watches
    /// a branch that is always applied: there a pending change is an unapplied
    /// merge or a digest tag rewritten by hand.
    pub fn count_pending_as_drift(&mut self) {
        self.pending_is_drift = true;
        if self.status == Status::Clean && !self.pending.is_empty() {
            self.status = Status::Drift;
        }
    }

    pub fn failed(blueprint_file: &str, environment: Option<String>, error: String) -> Report {
        Report {
            blueprint_file: blueprint_file.to_string(),
            blueprint: None,
            environment,
            account: None,
            region: None,
            status: Status::Error,
            error: Some(error),
            findings: Vec::new(),
            pending: Vec::new(),
            pending_is_drift: false,
            policy: Vec::new(),
        }
    }
}

/// Returns the exit code for a set of reports: 1 when any check failed, 2
/// when any account drifted, else 0.
pub fn exit_code(reports: &[Report]) -> u8 {
    if reports.iter().any(|r| r.status == Status::Error) {
        1
    } else if reports.iter().any(|r| r.status == Status::Drift) {
        2
    } else {
        0
    }
}

fn compact(value: &Value) -> String {
    match value {
        Value::Null => "(none)".to_string(),
        other => other.to_string(),
    }
}

fn title(report: &Report) -> String {
    let env = report
        .environment
        .as_deref()
        .map(|e| format!(", environment {e}"))
        .unwrap_or_default();
    match (&report.blueprint, &report.account, &report.region) {
        (Some(name), Some(account), Some(region)) => {
            format!("{name} ({}{env}, account {account}, {region})", report.blueprint_file)
        }
        _ => format!("{}{env}", report.blueprint_file),
    }
}

/// True when a value is a document or list better shown as a line diff.
fn is_structured(value: &Value) -> bool {
    matches!(value, Value::Object(_) | Value::Array(_))
}

/// Renders a line diff of two values as pretty JSON, `-` for expected and `+` for
/// live, with two lines of context, each line indented by `indent`.
fn value_diff(expected: &Value, live: &Value, indent: &str) -> String {
    let pretty = |v: &Value| match v {
        Value::Null => String::new(),
        other => serde_json::to_string_pretty(other).unwrap_or_default() + "\n",
    };
    let (expected, live) = (pretty(expected), pretty(live));
    let diff = TextDiff::from_lines(&expected, &live);
    let mut out = String::new();
    for (index, group) in diff.grouped_ops(2).iter().enumerate() {
        if index > 0 {
            let _ = writeln!(out, "{indent}  ...");
        }
        for op in group {
            for line in diff.iter_changes(op) {
                let sign = match line.tag() {
                    ChangeTag::Delete => "-",
                    ChangeTag::Insert => "+",
                    ChangeTag::Equal => " ",
                };
                let _ = writeln!(out, "{indent}{sign} {}", line.value().trim_end_matches('\n'));
            }
        }
    }
    out
}

fn describe(finding: &Finding) -> String {
    let when = finding
        .last_applied
        .as_deref()
        .map(|t| format!(" (last applied {t})"))
        .unwrap_or_default();
    let (expected, live) = (&finding.expected, &finding.live);
    match finding.kind {
        FindingKind::Changed if is_structured(expected) || is_structured(live) => format!(
            "{} {}: differs{when}; - expected, + live:\n{}",
            finding.address,
            finding.field,
            value_diff(expected, live, "      ").trim_end()
        ),
        FindingKind::Changed => format!(
            "{} {}: expected {}, live {}{when}",
            finding.address,
            finding.field,
            compact(expected),
            compact(live)
        ),
        FindingKind::UnmanagedAddition => format!(
            "{} {}: added outside hipcloud{when}:\n{}",
            finding.address,
            finding.field,
            value_diff(&Value::Null, live, "      ").trim_end()
        ),
    }
}

/// Renders the reports for people, one block per blueprint.
pub fn text(reports: &[Report]) -> String {
    let mut out = String::new();
    for report in reports {
        match report.status {
            Status::Clean => {
                let _ = writeln!(out, "{}: no drift.", title(report));
            }
            Status::Error => {
                let _ = writeln!(
                    out,
                    "{}: drift check failed: {}",
                    title(report),
                    report.error.as_deref().unwrap_or_default()
                );
            }
            Status::Drift if report.findings.is_empty() => {
                let _ = writeln!(
                    out,
                    "{}: drift: {} pending blueprint change(s), which --include-pending counts as drift.",
                    title(report),
                    report.pending.len()
                );
            }
            Status::Drift => {
                let _ = writeln!(out, "{}: {} drifted field(s):", title(report), report.findings.len());
                for finding in &report.findings {
                    let _ = writeln!(out, "  {}", describe(finding));
                }
            }
        }
        if !report.pending.is_empty() {
            let label = if report.pending_is_drift {
                "Pending blueprint changes (run hipcloud plan to see them):"
            } else {
                "Pending blueprint changes, not drift (run hipcloud plan to see them):"
            };
            let _ = writeln!(out, "  {label}");
            for pending in &report.pending {
                let _ = writeln!(
                    out,
                    "    {} will be {} ({})",
                    pending.address,
                    pending.action.verb(),
                    pending.reason
                );
            }
        }
        if !report.policy.is_empty() {
            for line in crate::policy::report::text(&report.policy, &report.blueprint_file).lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
    }
    out
}

/// Renders the reports for tools as versioned JSON, one entry per blueprint.
pub fn json(reports: &[Report]) -> String {
    let value = serde_json::json!({
        "format_version": DRIFT_FORMAT_VERSION,
        "hipcloud_version": env!("CARGO_PKG_VERSION"),
        "reports": reports,
    });
    serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
}

/// Renders the reports for an issue or chat message, a table of findings per blueprint.
pub fn markdown(reports: &[Report]) -> String {
    let mut out = String::from("### hipcloud drift\n\n");
    let cell = |text: &str| text.replace('|', "\\|").replace('`', "'").replace('<', "&lt;");
    for report in reports {
        let status = match report.status {
            Status::Clean => "no drift",
            Status::Drift => "**drift**",
            Status::Error => "**check failed**",
        };
        let _ = writeln!(out, "#### {}: {status}\n", cell(&title(report)));
        if let Some(error) = &report.error {
            let _ = writeln!(out, "{}\n", cell(error));
        }
        if !report.findings.is_empty() {
            let _ = writeln!(
                out,
                "| Address | Field | Finding | Expected | Live | Last applied |\n|---|---|---|---|---|---|"
            );
            let mut documents = String::new();
            for f in &report.findings {
                let kind = match f.kind {
                    FindingKind::Changed => "changed",
                    FindingKind::UnmanagedAddition => "added outside hipcloud",
                };
                let structured = is_structured(&f.expected) || is_structured(&f.live);
                let value = |v: &Value| {
                    if structured {
                        "see the diff below".to_string()
                    } else {
                        format!("`{}`", cell(&compact(v)))
                    }
                };
                let _ = writeln!(
                    out,
                    "| `{}` | `{}` | {kind} | {} | {} | {} |",
                    f.address,
                    cell(&f.field),
                    value(&f.expected),
                    value(&f.live),
                    f.last_applied.as_deref().unwrap_or("unknown")
                );
                if structured {
                    let _ = writeln!(
                        documents,
                        "<details><summary><code>{} {}</code>: - expected, + live</summary>\n\n```diff\n{}```\n\n</details>\n",
                        f.address,
                        cell(&f.field),
                        value_diff(&f.expected, &f.live, "").replace("```", "`\u{200b}``")
                    );
                }
            }
            out.push('\n');
            out.push_str(&documents);
        }
        if !report.pending.is_empty() {
            let label = if report.pending_is_drift {
                "Pending blueprint changes, counted as drift:"
            } else {
                "Pending blueprint changes, not drift:"
            };
            let _ = writeln!(out, "{label}\n");
            for p in &report.pending {
                let _ = writeln!(
                    out,
                    "- `{}` will be {} ({})",
                    p.address,
                    p.action.verb(),
                    cell(&p.reason)
                );
            }
            out.push('\n');
        }
        if !report.policy.is_empty() {
            out.push_str(&crate::policy::report::markdown(&report.policy, &report.blueprint_file));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::address::Kind;
    use crate::state::{FieldValue, TAG_ADDRESS, TAG_APPLIED_AT, TAG_BLUEPRINT, TAG_DIGEST};

    const APPLIED_AT: &str = "2024-05-01T12:00:00Z";
    const HANDMADE: &str = "inline_policy.handmade";

    fn trust_policy(services: &[&str]) -> FieldValue {
        FieldValue::Policy(json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Effect": "Allow",
                "Principal": {"Service": services},
                "Action": "sts:AssumeRole"
            }]
        }))
    }

    fn role() -> Desired {
        Desired {
            address: Address::new(Kind::Role, "analyst"),
            cloud_name: "lab-analyst".into(),
            fields: vec![
                ("name".into(), FieldValue::Json(json!("lab-analyst"))),
                ("max_session_duration".into(), FieldValue::Json(json!(3600))),
                ("trust_policy".into(), trust_policy(&["sagemaker.amazonaws.com"])),
            ],
            tags: BTreeMap::from([
                (TAG_ADDRESS.into(), "role.analyst".into()),
                (TAG_BLUEPRINT.into(), "research-lab".into()),
            ]),
            immutable: &["name"],
        }
    }

    fn bucket() -> Desired {
        Desired {
            address: Address::new(Kind::Bucket, "curated"),
            cloud_name: "lab-curated".into(),
            fields: vec![("versioning".into(), FieldValue::Json(json!("Enabled")))],
            tags: BTreeMap::from([
                (TAG_ADDRESS.into(), "bucket.curated".into()),
                (TAG_BLUEPRINT.into(), "research-lab".into()),
            ]),
            immutable: &[],
        }
    }

    /// Returns the live state right after hipcloud applied `desired`: the same
    /// fields, with the digest and applied-at tags.
    fn applied(desired: &Desired) -> Observed {
        let mut tags = desired.tags.clone();
        tags.insert(TAG_DIGEST.into(), desired.digest());
        tags.insert(TAG_APPLIED_AT.into(), APPLIED_AT.into());
        Observed::new(
            desired.address.clone(),
            &desired.cloud_name,
            desired.fields.clone(),
            tags,
        )
    }

    /// Returns the live state after hipcloud applied an older blueprint.
    fn applied_from_older_blueprint(desired: &Desired) -> Observed {
        let mut observed = applied(desired);
        observed.tags.insert(TAG_DIGEST.into(), "older-digest".into());
        observed
    }

    fn set_field(observed: &mut Observed, name: &str, value: FieldValue) {
        match observed.fields.iter_mut().find(|(n, _)| n == name) {
            Some((_, slot)) => *slot = value,
            None => observed.fields.push((name.into(), value)),
        }
    }

    /// Adds an inline policy that hipcloud does not manage, as someone would
    /// in the console.
    fn add_handmade_policy(observed: &mut Observed) {
        let policy = FieldValue::Policy(json!({
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
        }));
        set_field(observed, HANDMADE, policy);
        observed.unmanaged.push(HANDMADE.into());
    }

    /// Plans with the real planner and sorts the changes into a report.
    fn report(blueprint_file: &str, desired: Vec<Desired>, observed: Vec<Observed>) -> Report {
        let plan = Plan {
            blueprint: "research-lab".into(),
            env: Some("prod".into()),
            account: "123456789012".into(),
            region: "us-east-1".into(),
            changes: crate::plan::changes(&desired, &observed, &BTreeMap::new()),
            notes: vec![],
            findings: Vec::new(),
            blueprint_file: String::new(),
        };
        let desired = desired.into_iter().map(|d| (d.address.clone(), d)).collect();
        let observed = observed.into_iter().map(|o| (o.address.clone(), o)).collect();
        Report::from_plan(blueprint_file, &plan, &desired, &observed)
    }

    /// Returns three reports: one drifted, one clean with pending changes,
    /// and one whose check failed.
    fn report_set() -> Vec<Report> {
        let mut drifted = applied(&role());
        set_field(&mut drifted, "max_session_duration", FieldValue::Json(json!(43200)));
        set_field(
            &mut drifted,
            "trust_policy",
            trust_policy(&["sagemaker.amazonaws.com", "ec2.amazonaws.com"]),
        );
        add_handmade_policy(&mut drifted);

        let mut behind_blueprint = applied_from_older_blueprint(&role());
        set_field(
            &mut behind_blueprint,
            "max_session_duration",
            FieldValue::Json(json!(7200)),
        );

        vec![
            report("blueprints/lab.toml", vec![role()], vec![drifted]),
            report(
                "blueprints/staging.toml",
                vec![role(), bucket()],
                vec![behind_blueprint],
            ),
            Report::failed(
                "blueprints/broken.toml",
                Some("prod".into()),
                "the blueprint is invalid (2 problems); run `hipcloud validate blueprints/broken.toml` to see them"
                    .into(),
            ),
        ]
    }

    #[test]
    fn drifted_field_is_changed_finding() {
        let mut observed = applied(&role());
        set_field(&mut observed, "max_session_duration", FieldValue::Json(json!(43200)));
        let report = report("lab.toml", vec![role()], vec![observed]);

        assert_eq!(report.status, Status::Drift);
        assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
        let finding = &report.findings[0];
        assert_eq!(finding.address, "role.analyst");
        assert_eq!(finding.field, "max_session_duration");
        assert_eq!(finding.kind, FindingKind::Changed);
        assert_eq!(finding.expected, json!(3600));
        assert_eq!(finding.live, json!(43200));
        assert_eq!(finding.last_applied.as_deref(), Some(APPLIED_AT));
        assert!(report.pending.is_empty(), "{:?}", report.pending);
    }

    #[test]
    fn drift_without_applied_at_tag() {
        let mut observed = applied(&role());
        observed.tags.remove(TAG_APPLIED_AT);
        set_field(&mut observed, "max_session_duration", FieldValue::Json(json!(43200)));
        let report = report("lab.toml", vec![role()], vec![observed]);
        assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
        assert_eq!(report.findings[0].last_applied, None);
    }

    #[test]
    fn blueprint_change_is_pending() {
        let mut observed = applied_from_older_blueprint(&role());
        set_field(&mut observed, "max_session_duration", FieldValue::Json(json!(7200)));
        let report = report("lab.toml", vec![role()], vec![observed]);

        assert_eq!(report.status, Status::Clean);
        assert!(report.findings.is_empty(), "{:?}", report.findings);
        assert_eq!(report.pending.len(), 1, "{:?}", report.pending);
        assert_eq!(report.pending[0].address, "role.analyst");
        assert_eq!(report.pending[0].action, Action::Update);
        assert_eq!(report.pending[0].reason, "changed in the blueprint");
    }

    #[test]
    fn include_pending_counts_as_drift() {
        let mut observed = applied_from_older_blueprint(&role());
        set_field(&mut observed, "max_session_duration", FieldValue::Json(json!(7200)));
        let mut report = report("lab.toml", vec![role()], vec![observed]);
        report.count_pending_as_drift();

        assert_eq!(report.status, Status::Drift);
        assert!(report.findings.is_empty(), "{:?}", report.findings);
        assert!(text(&[report]).contains("which --include-pending counts as drift"));
    }

    #[test]
    fn removed_digest_tag_is_drift() {
        let mut observed = applied(&role());
        observed.tags.remove(TAG_DIGEST);
        set_field(&mut observed, "max_session_duration", FieldValue::Json(json!(7200)));
        let report = report("lab.toml", vec![role()], vec![observed]);

        assert_eq!(report.status, Status::Drift);
        assert!(report.findings.iter().any(|f| f.field == "max_session_duration"));
    }

    #[test]
    fn unmanaged_field_is_finding_when_pending() {
        let mut observed = applied_from_older_blueprint(&role());
        set_field(&mut observed, "max_session_duration", FieldValue::Json(json!(7200)));
        add_handmade_policy(&mut observed);
        let report = report("lab.toml", vec![role()], vec![observed]);

        assert_eq!(report.status, Status::Drift);
        assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
        let finding = &report.findings[0];
        assert_eq!(finding.field, HANDMADE);
        assert_eq!(finding.kind, FindingKind::UnmanagedAddition);
        assert_eq!(finding.expected, Value::Null);
        assert_eq!(
            finding.live["Statement"][0]["Action"],
            json!(["s3:*"]),
            "live is in display form"
        );
        assert_eq!(report.pending.len(), 1, "the blueprint change is still pending");
        assert_eq!(report.pending[0].address, "role.analyst");
    }

    #[test]
    fn unmanaged_field_alone_is_not_pending() {
        let mut observed = applied_from_older_blueprint(&role());
        add_handmade_policy(&mut observed);
        let report = report("lab.toml", vec![role()], vec![observed]);

        assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
        assert_eq!(report.findings[0].kind, FindingKind::UnmanagedAddition);
        assert!(report.pending.is_empty(), "{:?}", report.pending);
    }

    #[test]
    fn unmanaged_field_on_drifted_resource() {
        let mut observed = applied(&role());
        add_handmade_policy(&mut observed);
        let report = report("lab.toml", vec![role()], vec![observed]);

        assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
        assert_eq!(report.findings[0].kind, FindingKind::UnmanagedAddition);
        assert_eq!(report.findings[0].last_applied.as_deref(), Some(APPLIED_AT));
    }

    #[test]
    fn create_is_pending() {
        let report = report("lab.toml", vec![bucket()], vec![]);
        assert_eq!(report.status, Status::Clean);
        assert!(report.findings.is_empty(), "{:?}", report.findings);
        assert_eq!(report.pending.len(), 1, "{:?}", report.pending);
        assert_eq!(report.pending[0].address, "bucket.curated");
        assert_eq!(report.pending[0].action, Action::Create);
        assert_eq!(report.pending[0].reason, "new in the blueprint");
    }

    #[test]
    fn delete_is_pending() {
        let report = report("lab.toml", vec![], vec![applied(&bucket())]);
        assert_eq!(report.status, Status::Clean);
        assert!(report.findings.is_empty(), "{:?}", report.findings);
        assert_eq!(report.pending.len(), 1, "{:?}", report.pending);
        assert_eq!(report.pending[0].action, Action::Delete);
    }

    #[test]
    fn matching_account_is_clean() {
        let report = report("lab.toml", vec![role()], vec![applied(&role())]);
        assert_eq!(report.status, Status::Clean);
        assert!(report.findings.is_empty(), "{:?}", report.findings);
        assert!(report.pending.is_empty(), "{:?}", report.pending);
        assert_eq!(report.account.as_deref(), Some("123456789012"));
    }

    #[test]
    fn exit_code_by_status() {
        let [drifted, clean, failed] = <[Report; 3]>::try_from(report_set()).unwrap();
        assert_eq!(drifted.status, Status::Drift);
        assert_eq!(clean.status, Status::Clean);
        assert_eq!(failed.status, Status::Error);

        assert_eq!(exit_code(&[]), 0);
        assert_eq!(exit_code(std::slice::from_ref(&clean)), 0);
        assert_eq!(exit_code(&[clean.clone(), drifted.clone()]), 2);
        assert_eq!(exit_code(&[drifted.clone(), failed.clone()]), 1);
        assert_eq!(exit_code(&[failed, clean]), 1);
    }

    #[test]
    fn text_renders_report_set() {
        insta::assert_snapshot!(text(&report_set()));
    }

    #[test]
    fn markdown_renders_report_set() {
        insta::assert_snapshot!(markdown(&report_set()));
    }
}
