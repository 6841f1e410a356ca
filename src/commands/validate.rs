//! `hipcloud validate`: every check that needs no cloud call.

use crate::blueprint::{self, Diagnostic, LoadError};
use crate::cli::{BlueprintArg, GlobalArgs};
use crate::output;

use super::{policy, print_error, EXIT_ERROR, EXIT_OK};
use crate::policy::report;
use crate::provider::aws::offline_desired;

/// Checks the blueprint with the selected environment. Without one, checks the
/// base file and every declared environment, and reports each environment's
/// errors that the base file does not already have.
pub fn run(global: &GlobalArgs, args: &BlueprintArg) -> u8 {
    let path = args.path();
    let path_text = path.to_string_lossy().into_owned();
    let color = output::stderr_color(global.color);
    let selected = global.environment();

    let base = blueprint::load_file(&path_text, selected.as_deref());
    let base_problems: Vec<Diagnostic> = match &base {
        Err(LoadError::Invalid { diagnostics, .. }) => diagnostics.items().to_vec(),
        _ => Vec::new(),
    };
    let mut failed = false;
    let mut checked = Vec::new();
    let source = match &base {
        Ok(blueprint) => blueprint.source.clone(),
        Err(LoadError::Invalid { file, diagnostics }) => {
            if let Some(env) = &selected {
                eprintln!("With the overrides of environment `{env}`:");
            }
            eprint!("{}", diagnostics.render(file, color));
            failed = true;
            file.clone()
        }
        Err(error) => {
            print_error(
                global,
                &error.to_string(),
                Some("pass the path of a blueprint file, such as blueprints/research-lab.toml"),
            );
            return EXIT_ERROR;
        }
    };
    checked.push(
        selected
            .as_ref()
            .map_or("base".to_string(), |env| format!("environment {env}")),
    );

    if selected.is_none() {
        for env in blueprint::environments(&source) {
            match blueprint::load(source.clone(), Some(&env)) {
                Ok(_) => checked.push(format!("environment {env}")),
                Err((file, mut diagnostics)) => {
                    diagnostics.retain(|d| !base_problems.contains(d));
                    if !diagnostics.is_empty() {
                        eprintln!("With the overrides of environment `{env}`:");
                        eprint!("{}", diagnostics.render(&file, color));
                    }
                    failed = true;
                }
            }
        }
    }
    let Ok(base) = base
        .as_ref()
        .map_err(|_| ())
        .and_then(|b| if failed { Err(()) } else { Ok(b) })
    else {
        return EXIT_ERROR;
    };
    let counts = [
        (base.keys.len(), "key"),
        (base.buckets.len(), "bucket"),
        (base.roles.len(), "role"),
        (base.glue_connections.len(), "Glue connection"),
        (base.sagemaker_domains.len(), "SageMaker domain"),
        (base.sagemaker_user_profiles.len(), "SageMaker user profile"),
    ];
    let mut summary: Vec<String> = counts
        .iter()
        .filter(|(count, _)| *count > 0)
        .map(|(count, noun)| format!("{count} {noun}{}", if *count == 1 { "" } else { "s" }))
        .collect();
    if base.glue_catalog.is_some() {
        summary.push("Glue catalog encryption".to_string());
    }
    println!(
        "{} is valid ({}): {}.",
        path.display(),
        checked.join(", "),
        summary.join(", ")
    );

    // The policy rules see the desired state of the selected environment (or
    // the base file), built without any cloud call.
    let desired = offline_desired(base);
    let Some((_, findings)) = policy::evaluate(global, base, Some(&desired), None) else {
        return EXIT_ERROR;
    };
    print!("{}", report::text(&findings, &path_text));
    if policy::report_blocking(global, &findings) {
        return EXIT_ERROR;
    }
    EXIT_OK
}
