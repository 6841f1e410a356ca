//! `hipcloud policy check` and `hipcloud policy test`, and the policy
//! evaluation that validate, plan, apply and drift share.

use std::collections::BTreeMap;
use std::path::Path;

use crate::address::Address;
use crate::blueprint::Blueprint;
use crate::cli::{GlobalArgs, PolicyCheckArgs, PolicyFormat, PolicyTestArgs};
use crate::policy::assess::{assess, today, Assessed};
use crate::policy::{build_input, report, run_tests, sarif, BlueprintFacts, PolicyEngine, PolicyError, TestOutcome};
use crate::provider::aws::offline_desired;
use crate::state::{Desired, Observed};

use super::{load, print_error, EXIT_CHANGES, EXIT_ERROR, EXIT_OK};

/// Loads the built-in pack and the organisation's rules from `--policy-dir`.
pub fn load_engine(global: &GlobalArgs) -> Result<PolicyEngine, PolicyError> {
    PolicyEngine::load(global.policy_dir().as_deref())
}

/// Evaluates loaded rules against the given states and applies the
/// blueprint's waivers.
pub fn assess_with(
    engine: &PolicyEngine,
    blueprint: &Blueprint,
    desired: Option<&BTreeMap<Address, Desired>>,
    observed: Option<&BTreeMap<Address, Observed>>,
) -> Result<Vec<Assessed>, PolicyError> {
    let input = build_input(&BlueprintFacts::from_blueprint(blueprint), desired, observed);
    let findings = engine.evaluate(&input)?;
    Ok(assess(findings, &blueprint.waivers, today()))
}

/// Loads the rules and evaluates them against the given states.
pub fn try_evaluate(
    global: &GlobalArgs,
    blueprint: &Blueprint,
    desired: Option<&BTreeMap<Address, Desired>>,
    observed: Option<&BTreeMap<Address, Observed>>,
) -> Result<(PolicyEngine, Vec<Assessed>), PolicyError> {
    let engine = load_engine(global)?;
    let findings = assess_with(&engine, blueprint, desired, observed)?;
    Ok((engine, findings))
}

/// Runs `try_evaluate`, printing the error and returning `None` when a rule
/// cannot be loaded or evaluated.
pub fn evaluate(
    global: &GlobalArgs,
    blueprint: &Blueprint,
    desired: Option<&BTreeMap<Address, Desired>>,
    observed: Option<&BTreeMap<Address, Observed>>,
) -> Option<(PolicyEngine, Vec<Assessed>)> {
    try_evaluate(global, blueprint, desired, observed)
        .map_err(|error| {
            print_error(
                global,
                &error.to_string(),
                Some("fix the rule file, or run `hipcloud policy test` to see which rules fail"),
            )
        })
        .ok()
}

/// Prints the findings that stop apply, returning true when there are any.
pub fn report_blocking(global: &GlobalArgs, findings: &[Assessed]) -> bool {
    let blocking: Vec<&Assessed> = findings.iter().filter(|a| a.blocks_apply()).collect();
    for a in &blocking {
        let f = &a.finding;
        print_error(
            global,
            &format!(
                "{} {} violates {} ({}, high severity): {}",
                f.address, f.field, f.rule.id, f.rule.title, f.message
            ),
            Some(&f.rule.remediation),
        );
    }
    !blocking.is_empty()
}

/// Checks the blueprint's desired state without calling the cloud. Exit 2
/// when a high-severity violation has no waiver in force.
pub fn check(global: &GlobalArgs, args: &PolicyCheckArgs) -> u8 {
    let Some(blueprint) = load(global, &args.blueprint.path()) else {
        return EXIT_ERROR;
    };
    let desired = offline_desired(&blueprint);
    let Some((engine, findings)) = evaluate(global, &blueprint, Some(&desired), None) else {
        return EXIT_ERROR;
    };
    let file = blueprint.source.path.as_str();
    let rendered = match args.format {
        PolicyFormat::Text => report::text(&findings, file),
        PolicyFormat::Json => {
            let value = serde_json::json!({
                "format_version": "1.0",
                "hipcloud_version": env!("CARGO_PKG_VERSION"),
                "blueprint_file": file,
                "findings": findings,
            });
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
        }
        PolicyFormat::Sarif => sarif::render(&engine.rules(), &findings, file),
    };
    print!("{rendered}");
    if findings.iter().any(Assessed::blocks_apply) {
        EXIT_CHANGES
    } else {
        EXIT_OK
    }
}

/// Runs the Rego tests of the built-in pack and of `--policy-dir`.
pub fn test(global: &GlobalArgs, _args: &PolicyTestArgs) -> u8 {
    let dir = global.policy_dir();
    let reports = match run_tests(dir.as_deref().map(Path::new)) {
        Ok(reports) => reports,
        Err(error) => {
            print_error(global, &error.to_string(), Some("fix the Rego file named above"));
            return EXIT_ERROR;
        }
    };
    let mut failed = 0;
    for r in &reports {
        let outcome = match &r.outcome {
            TestOutcome::Passed => "PASS".to_string(),
            TestOutcome::Failed => {
                failed += 1;
                "FAIL".to_string()
            }
            TestOutcome::Error(message) => {
                failed += 1;
                format!("ERROR: {message}")
            }
        };
        println!("{outcome} {}: data.{}.{}", r.file, r.package, r.name);
    }
    println!(
        "{} tests, {} passed, {failed} failed.",
        reports.len(),
        reports.len() - failed
    );
    if failed > 0 {
        EXIT_ERROR
    } else {
        EXIT_OK
    }
}
