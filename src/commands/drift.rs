//! `hipcloud drift`: read-only drift detection for one or more blueprints,
//! read concurrently, each with its own result. Exit 0 when every account is
//! clean, 2 when any drifted, 1 when any check failed.

use futures::future::join_all;

use crate::blueprint::{self, LoadError};
use crate::cli::{DriftArgs, Format, GlobalArgs};
use crate::plan::drift::{self, Report};

use super::connect;
use super::policy::{assess_with, load_engine};
use super::{print_error, EXIT_ERROR};

pub async fn run(global: &GlobalArgs, args: &DriftArgs) -> u8 {
    let env = global.environment();
    // The rules are parsed once and shared by every blueprint's check.
    let engine = match load_engine(global) {
        Ok(engine) => engine,
        Err(error) => {
            print_error(
                global,
                &error.to_string(),
                Some("fix the rule file, or run `hipcloud policy test`"),
            );
            return EXIT_ERROR;
        }
    };
    let engine = &engine;
    let checks = args.blueprints.iter().map(|path| {
        let path = path.to_string_lossy().into_owned();
        let env = env.clone();
        async move {
            let blueprint = match blueprint::load_file(&path, env.as_deref()) {
                Ok(blueprint) => blueprint,
                Err(LoadError::Invalid { diagnostics, .. }) => {
                    let count = diagnostics.len();
                    let problems = if count == 1 { "problem" } else { "problems" };
                    let (with_env, env_flag) = match env.as_deref() {
                        Some(e) => (format!(" with environment {e}"), format!(" --env {e}")),
                        None => (String::new(), String::new()),
                    };
                    let message = format!(
                        "the blueprint is invalid{with_env} ({count} {problems}); run `hipcloud validate{env_flag} {path}` to see them"
                    );
                    return Report::failed(&path, env, message);
                }
                Err(error) => return Report::failed(&path, env, error.to_string()),
            };
            let (name, account, region) = (
                blueprint.name.clone(),
                blueprint.account.clone(),
                blueprint.region.clone(),
            );
            let provider = connect(blueprint).await;
            match provider.plan().await {
                Ok(snapshot) => {
                    let mut report = Report::from_plan(&path, &snapshot.plan, &snapshot.desired, &snapshot.observed);
                    match assess_with(engine, provider.blueprint(), None, Some(&snapshot.observed)) {
                        Ok(findings) => report.policy = findings,
                        Err(error) => {
                            report.status = drift::Status::Error;
                            report.error = Some(format!("the policy checks failed: {error}"));
                        }
                    }
                    report
                }
                Err(error) => {
                    let mut report = Report::failed(&path, env, error.to_string());
                    report.blueprint = Some(name);
                    report.account = Some(account);
                    report.region = Some(region);
                    report
                }
            }
        }
    });
    let mut reports = join_all(checks).await;
    if args.include_pending {
        reports.iter_mut().for_each(Report::count_pending_as_drift);
    }

    let rendered = match args.format {
        Format::Text => drift::text(&reports),
        Format::Json => drift::json(&reports),
        Format::Markdown => drift::markdown(&reports),
    };
    print!("{rendered}");
    drift::exit_code(&reports)
}
