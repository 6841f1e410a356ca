//! `hipcloud apply`: plan, show, confirm, and carry out the changes.

use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};

use crate::address::Address;
use crate::apply::{self, Event};
use crate::cli::{ApplyArgs, GlobalArgs};
use crate::output;
use crate::plan::render::{Render, Text};
use crate::plan::saved::{is_plan_file, SavedPlan};

use super::plan::{live_state, read_plan};
use super::{connect, load_env, print_error, EXIT_ERROR, EXIT_OK};

pub async fn run(global: &GlobalArgs, args: &ApplyArgs) -> u8 {
    let mut allowed = Vec::new();
    for text in &args.allow_destroy {
        match Address::parse(text) {
            Some(address) => allowed.push(address),
            None => {
                print_error(
                    global,
                    &format!("--allow-destroy {text:?} is not an address"),
                    Some("write the address as kind.name, such as bucket.raw"),
                );
                return EXIT_ERROR;
            }
        }
    }
    let target = args.target();
    let saved = if is_plan_file(&target) {
        match read_saved(global, &target) {
            Some(saved) => Some(saved),
            None => return EXIT_ERROR,
        }
    } else {
        None
    };
    let (path, env) = match &saved {
        Some(saved) => (PathBuf::from(&saved.blueprint.path), saved.environment.clone()),
        None => (target.clone(), global.environment()),
    };
    let Some(blueprint) = load_env(global, &path, env.as_deref()) else {
        if saved.is_some() {
            eprintln!(
                "The plan {} was made from the blueprint {}.",
                target.display(),
                path.display()
            );
        }
        return EXIT_ERROR;
    };
    let blueprint_digest = blueprint.source_digest();
    let provider = connect(blueprint).await;
    let Some(snapshot) = read_plan(global, &provider).await else {
        return EXIT_ERROR;
    };
    if let Some(saved) = &saved {
        let addresses: Vec<Address> = saved.live_state.keys().cloned().collect();
        let reasons = saved.staleness(&blueprint_digest, &snapshot.plan, &live_state(&snapshot, &addresses));
        if !reasons.is_empty() {
            print_error(
                global,
                &format!("plan is stale: {} no longer describes the account", target.display()),
                None,
            );
            for reason in &reasons {
                eprintln!("  - {reason}");
            }
            let env_flag = env.as_deref().map(|e| format!(" --env {e}")).unwrap_or_default();
            eprintln!(
                "hint: make a new plan with `hipcloud plan{env_flag} {} --out {}`, review it, and apply that. Nothing was changed.",
                path.display(),
                target.display()
            );
            return EXIT_ERROR;
        }
    }
    let plan = &snapshot.plan;

    print!(
        "{}",
        Text {
            color: output::stdout_color(global.color)
        }
        .render(plan)
    );
    if !plan.has_changes() {
        return EXIT_OK;
    }
    for address in &allowed {
        let lifts_a_guard = plan
            .change(address)
            .is_some_and(|c| c.guards.iter().any(|g| g.can_be_allowed()));
        if !lifts_a_guard {
            eprintln!(
                "warning: --allow-destroy {address} has no effect: the plan does not delete data at that address"
            );
        }
    }
    if super::policy::report_blocking(global, &plan.findings) {
        eprintln!("Apply rejected by the HIPAA policy checks above; nothing was changed. Fix the blueprint, or add a [waiver.NAME] where the rule allows one.");
        return EXIT_ERROR;
    }
    let mut blocked = plan.blocking_guards(&allowed);
    let changes_keys = plan.changes.iter().any(|c| c.address.kind == crate::address::Kind::Key);
    if let (Some(warning), true) = (&snapshot.apply_principal_mismatch, changes_keys) {
        blocked.push(warning.clone());
    }
    if !blocked.is_empty() {
        for reason in &blocked {
            print_error(global, reason, None);
        }
        eprintln!("Apply rejected; nothing was changed.");
        return EXIT_ERROR;
    }
    // A saved plan was reviewed before it was applied, and it still holds.
    if saved.is_none() && !args.auto_approve && !confirm(global) {
        return EXIT_ERROR;
    }

    let progress = output::show_progress();
    let report = apply::apply(plan, &provider, usize::from(args.parallelism), &allowed, |event| {
        if !progress {
            return;
        }
        match event {
            Event::Started(address, stage) => eprintln!("{address}: {stage} started"),
            Event::Finished(address, stage, elapsed) => {
                eprintln!("{address}: {stage} done after {:.1}s", elapsed.as_secs_f64())
            }
            Event::Failed(address, stage, _) => eprintln!("{address}: {stage} failed"),
        }
    })
    .await;

    // Facts that outlive the run, such as a kept home EFS volume, are printed
    // whether or not the apply finished.
    for notice in provider.notices() {
        println!("Note: {notice}");
    }
    let calls = &provider.clients.calls;
    if global.verbose > 0 {
        eprintln!(
            "Made {} API calls in all, plan reads included; {} of them were writes.",
            calls.total(),
            calls.writes()
        );
    }
    if report.succeeded() {
        let s = plan.summary();
        println!(
            "Apply complete: {} created, {} updated, {} replaced, {} deleted.",
            s.create, s.update, s.replace, s.delete
        );
        return EXIT_OK;
    }
    println!("Apply failed part way. What was done and what was not:");
    for line in report.lines() {
        println!("  {line}");
    }
    print_error(
        global,
        "apply did not finish",
        Some("fix the cause above, then run `hipcloud plan` to see what remains and `hipcloud apply` to finish"),
    );
    EXIT_ERROR
}

/// Reads a saved plan; the environment it was made for must be the selected one.
pub(super) fn read_saved(global: &GlobalArgs, path: &Path) -> Option<SavedPlan> {
    let saved = match SavedPlan::read(path) {
        Ok(saved) => saved,
        Err(error) => {
            print_error(
                global,
                &error.to_string(),
                Some("make the plan again with `hipcloud plan BLUEPRINT --out FILE` and apply that file"),
            );
            return None;
        }
    };
    if let Some(env) = global.environment() {
        if saved.environment.as_deref() != Some(env.as_str()) {
            let made_for = saved.environment.as_deref().unwrap_or("no environment");
            print_error(
                global,
                &format!("{} was made for {made_for}, not for environment {env}", path.display()),
                Some("drop --env (and HIPCLOUD_ENV) to apply the plan as made, or make a plan for this environment"),
            );
            return None;
        }
    }
    Some(saved)
}

/// Asks for `yes` on a terminal. Without a terminal, apply needs --auto-approve.
fn confirm(global: &GlobalArgs) -> bool {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        print_error(
            global,
            "apply needs confirmation, but stdin is not a terminal",
            Some("review the plan above and pass --auto-approve to apply it"),
        );
        return false;
    }
    print!("\nDo you want to make these changes? Only 'yes' is accepted: ");
    let _ = std::io::stdout().flush();
    let mut answer = String::new();
    if stdin.lock().read_line(&mut answer).is_err() || answer.trim() != "yes" {
        eprintln!("Apply cancelled; nothing was changed.");
        return false;
    }
    true
}
