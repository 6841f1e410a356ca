//! `hipcloud plan`: read the live account and show the changes. Never writes.

use std::time::Instant;

use crate::cli::{Format, GlobalArgs, PlanArgs};
use crate::output;
use crate::plan::markdown::Markdown;
use crate::plan::render::{Json, Render, Text};
use crate::provider::aws::{AwsProvider, PlanError, Snapshot};

use super::{connect, load, print_error, EXIT_CHANGES, EXIT_ERROR, EXIT_OK};

pub async fn run(global: &GlobalArgs, args: &PlanArgs) -> u8 {
    let Some(blueprint) = load(global, &args.blueprint.path()) else {
        return EXIT_ERROR;
    };
    let provider = connect(blueprint).await;
    let Some(snapshot) = read_plan(global, &provider).await else {
        return EXIT_ERROR;
    };

    let rendered = match args.format {
        Format::Text => Text {
            color: output::stdout_color(global.color),
        }
        .render(&snapshot.plan),
        Format::Json => Json.render(&snapshot.plan),
        Format::Markdown => Markdown::default().render(&snapshot.plan),
    };
    print!("{rendered}");
    if args.detailed_exitcode && snapshot.plan.has_changes() {
        EXIT_CHANGES
    } else {
        EXIT_OK
    }
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
        Ok(snapshot) => Some(snapshot),
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
