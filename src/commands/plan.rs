//! `hipcloud plan`: read the live account and show the changes. Never writes.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use crate::address::Address;
use crate::cli::{Format, GlobalArgs, PlanArgs};
use crate::output;
use crate::plan::markdown::Markdown;
use crate::plan::render::{Json, Render, Text};
use crate::plan::saved::{is_plan_file, SavedPlan};
use crate::plan::Plan;
use crate::provider::aws::{AwsProvider, PlanError, Snapshot};

use super::{connect, load, print_error, EXIT_CHANGES, EXIT_ERROR, EXIT_OK};

pub async fn run(global: &GlobalArgs, args: &PlanArgs) -> u8 {
    let path = args.blueprint.path();
    if let Some(out) = &args.out {
        if let Err((message, hint)) = check_out_path(out, &path) {
            print_error(global, &message, Some(hint));
            return EXIT_ERROR;
        }
    }
    let Some(blueprint) = load(global, &path) else {
        return EXIT_ERROR;
    };
    let blueprint_digest = blueprint.source_digest();
    let provider = connect(blueprint).await;
    let Some(snapshot) = read_plan(global, &provider).await else {
        return EXIT_ERROR;
    };

    let mut markdown = Markdown::default();
    if let Some(out) = &args.out {
        let addresses: Vec<Address> = snapshot.plan.changes.iter().map(|c| c.address.clone()).collect();
        let saved = SavedPlan::new(
            snapshot.plan.clone(),
            &path.to_string_lossy(),
            blueprint_digest,
            live_state(&snapshot, &addresses),
        );
        if let Err(error) = saved.write(out) {
            print_error(
                global,
                &format!("cannot write the plan to {}: {error}", out.display()),
                Some("pass a path in an existing, writable directory, such as plans/NAME.json"),
            );
            return EXIT_ERROR;
        }
        eprintln!(
            "Saved the plan to {0}. To apply exactly this plan: hipcloud apply {0}",
            out.display()
        );
        markdown.full_plan_hint = SavedPlan::full_plan_hint(out);
    }
    print!("{}", render(global, args.format, &markdown, &snapshot.plan));
    if args.detailed_exitcode && snapshot.plan.has_changes() {
        EXIT_CHANGES
    } else {
        EXIT_OK
    }
}

/// Rejects a plan path that `apply` would not read as a plan, or that would
/// overwrite the blueprint.
fn check_out_path(out: &Path, blueprint: &Path) -> Result<(), (String, &'static str)> {
    if !is_plan_file(out) {
        return Err((
            format!("--out {} does not end in .json", out.display()),
            "name plan files NAME.json, such as plans/pr-42.json: apply reads a .json argument as a plan and anything else as a blueprint",
        ));
    }
    let same = match (std::fs::canonicalize(out), std::fs::canonicalize(blueprint)) {
        (Ok(a), Ok(b)) => a == b,
        _ => out == blueprint,
    };
    if same {
        return Err((
            format!("--out {} is the blueprint itself", out.display()),
            "write the plan to another file, such as plans/NAME.json",
        ));
    }
    Ok(())
}

/// Renders a plan in the chosen format. Shared with `show`.
pub fn render(global: &GlobalArgs, format: Format, markdown: &Markdown, plan: &Plan) -> String {
    match format {
        Format::Text => Text {
            color: output::stdout_color(global.color),
        }
        .render(plan),
        Format::Json => Json.render(plan),
        Format::Markdown => markdown.render(plan),
    }
}

/// Returns the digest of the live state at each address, `None` where nothing exists.
pub fn live_state(snapshot: &Snapshot, addresses: &[Address]) -> BTreeMap<Address, Option<String>> {
    addresses
        .iter()
        .map(|a| (a.clone(), snapshot.observed.get(a).map(|o| o.digest())))
        .collect()
}

/// Computes the plan, printing a failure with its fix. Shared with `apply`.
pub async fn read_plan(global: &GlobalArgs, provider: &AwsProvider) -> Option<Snapshot> {
    let started = Instant::now();
    if output::show_progress() {
        eprintln!("Reading the account...");
    }
    let result = provider.plan().await;
    let calls = &provider.clients.calls;
    tracing::debug!(calls = calls.total(), by_operation = ?calls.by_operation(), "plan read the account");
    if global.verbose > 0 {
        eprintln!(
            "Read the account in {} API calls ({:.2}s).",
            calls.total(),
            started.elapsed().as_secs_f64()
        );
    }
    match result {
        Ok(mut snapshot) => {
            let (_, findings) = super::policy::evaluate(
                global,
                provider.blueprint(),
                Some(&snapshot.desired),
                Some(&snapshot.observed),
            )?;
            snapshot.plan.findings = findings;
            Some(snapshot)
        }
        Err(error) => {
            let hint = match &error {
                PlanError::WrongAccount { .. } => Some("use credentials for the blueprint's account, or select the right environment with --env"),
                PlanError::Aws(e) if e.kind == crate::provider::aws::ErrorKind::AccessDenied => {
                    Some("the credentials lack a permission hipcloud needs; README lists the IAM permissions for plan and apply")
                }
                // No service error code: the request never got an answer from AWS.
                PlanError::Aws(e) if e.code == "Error" => Some(
                    "hipcloud got no usable answer from AWS: check the credentials (AWS_PROFILE, `aws sts get-caller-identity`) and the network; with AWS_ENDPOINT_URL, check that the endpoint runs and supports this API. Nothing was changed",
                ),
                PlanError::Aws(_) => Some("nothing was changed; run the plan again, or use -v for details"),
                PlanError::Conflict(_) => None,
            };
            print_error(global, &error.to_string(), hint);
            None
        }
    }
}
