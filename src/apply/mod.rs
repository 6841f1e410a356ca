//! The apply executor: runs a plan's changes in dependency order, independent
//! steps in parallel up to a limit, and stops starting new steps after the
//! first failure. It never looks at a change's reason, only at its action.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use futures::stream::FuturesUnordered;
use futures::StreamExt;

use crate::address::{Address, Kind};
use crate::plan::{Action, Change, Plan};
use crate::provider::{Need, Provider};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    /// Create the resource (after deleting the old one, for a replacement).
    Create,
    /// Set its fields and the digest tag.
    Configure,
    /// Delete a resource removed from the blueprint.
    Delete,
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

impl Stage {
    fn describe(self) -> &'static str {
        match self {
            Stage::Create => "create",
            Stage::Configure => "configure",
            Stage::Delete => "delete",
        }
    }
}

type Step = (Address, Stage);

/// What happened to each step.
#[derive(Debug, Default)]
pub struct Report {
    pub done: Vec<(Address, Stage, Duration)>,
    pub failed: Vec<(Address, Stage, String)>,
    pub not_started: Vec<(Address, Stage)>,
}

impl Report {
    pub fn succeeded(&self) -> bool {
        self.failed.is_empty() && self.not_started.is_empty()
    }

    /// Lines that report what was done and what was not, for the user.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for (address, stage, error) in &self.failed {
            lines.push(format!("failed: {address} ({}): {error}", stage.describe()));
        }
        for (address, stage, elapsed) in &self.done {
            lines.push(format!(
                "done: {address} ({}, {:.1}s)",
                stage.describe(),
                elapsed.as_secs_f64()
            ));
        }
        for (address, stage) in &self.not_started {
            lines.push(format!("not started: {address} ({})", stage.describe()));
        }
        lines
    }
}

/// Progress events, for the printer.
pub enum Event<'a> {
    Started(&'a Address, Stage),
    Finished(&'a Address, Stage, Duration),
    Failed(&'a Address, Stage, &'a str),
}

/// Builds the steps and the steps each waits for.
fn steps<P: Provider>(plan: &Plan, provider: &P) -> BTreeMap<Step, BTreeSet<Step>> {
    let mut graph: BTreeMap<Step, BTreeSet<Step>> = BTreeMap::new();
    let changed: BTreeMap<&Address, &Change> = plan.changes.iter().map(|c| (&c.address, c)).collect();
    for change in &plan.changes {
        let address = &change.address;
        match change.action {
            Action::Create | Action::Replace => {
                graph.entry((address.clone(), Stage::Create)).or_default();
                graph
                    .entry((address.clone(), Stage::Configure))
                    .or_default()
                    .insert((address.clone(), Stage::Create));
            }
            Action::Update => {
                graph.entry((address.clone(), Stage::Configure)).or_default();
            }
            Action::Delete => {
                graph.entry((address.clone(), Stage::Delete)).or_default();
            }
        }
    }
    // References: a step that configures X waits for what X refers to.
    for change in plan.changes.iter().filter(|c| c.action != Action::Delete) {
        let creates = matches!(change.action, Action::Create | Action::Replace);
        let stage = if creates && provider.creates_with_references(&change.address) {
            Stage::Create
        } else {
            Stage::Configure
        };
        let configure = (change.address.clone(), stage);
        for (dependency, need) in provider.dependencies(&change.address) {
            let Some(dependency_change) = changed.get(&dependency) else {
                continue;
            };
            let wait_for = match (need, dependency_change.action) {
                (_, Action::Delete) => continue,
                (Need::Exists, Action::Create | Action::Replace) => (dependency.clone(), Stage::Create),
                (Need::Exists, Action::Update) => continue,
                (Need::Configured, _) => (dependency.clone(), Stage::Configure),
            };
            if wait_for.0 != change.address {
                graph.entry(configure.clone()).or_default().insert(wait_for);
            }
        }
    }
    // Deletes run after every create and update, roles first and keys last, so
    // nothing is deleted while something the plan keeps still uses it.
    let others: Vec<Step> = graph
        .keys()
        .filter(|(_, stage)| *stage != Stage::Delete)
        .cloned()
        .collect();
    let deletes: Vec<Step> = graph
        .keys()
        .filter(|(_, stage)| *stage == Stage::Delete)
        .cloned()
        .collect();
    let rank = |kind: Kind| match kind {
        Kind::Role | Kind::GlueConnection | Kind::GlueCatalog | Kind::SageMakerUserProfile => 0,
        // A domain goes after its user profiles, which AWS deletes first.
        Kind::Bucket | Kind::SageMakerDomain => 1,
        Kind::Key => 2,
    };
    for delete in &deletes {
        let waits: BTreeSet<Step> = others
            .iter()
            .cloned()
            .chain(deletes.iter().filter(|d| rank(d.0.kind) < rank(delete.0.kind)).cloned())
            .collect();
        graph.entry(delete.clone()).or_default().extend(waits);
    }
    graph
}

/// Runs the plan. `allowed` lists the addresses the user allowed to lose data.
pub async fn apply<P: Provider>(
    plan: &Plan,
    provider: &P,
    parallelism: usize,
    allowed: &[Address],
    mut on_event: impl FnMut(Event<'_>),
) -> Report {
    let graph = steps(plan, provider);
    let changes: BTreeMap<&Address, &Change> = plan.changes.iter().map(|c| (&c.address, c)).collect();
    let mut waiting: BTreeMap<Step, BTreeSet<Step>> = graph.clone();
    let mut report = Report::default();
    let mut running = FuturesUnordered::new();
    let mut failed = false;

    loop {
        if !failed {
            let ready: Vec<Step> = waiting
                .iter()
                .filter(|(_, deps)| deps.is_empty())
                .map(|(step, _)| step.clone())
                .collect();
            for step in ready {
                if running.len() >= parallelism.max(1) {
                    break;
                }
                waiting.remove(&step);
                let change = changes[&step.0];
                let allow = allowed.contains(&step.0);
                on_event(Event::Started(&step.0, step.1));
                running.push(async move {
                    let started = Instant::now();
                    let result = match step.1 {
                        Stage::Create => provider.create(change, allow).await,
                        Stage::Configure => provider.configure(change).await,
                        Stage::Delete => provider.delete(change, allow).await,
                    };
                    (step, result.map_err(|e| e.to_string()), started.elapsed())
                });
            }
        }
        let Some((step, result, elapsed)) = running.next().await else {
            break;
        };
        match result {
            Ok(()) => {
                on_event(Event::Finished(&step.0, step.1, elapsed));
                for deps in waiting.values_mut() {
                    deps.remove(&step);
                }
                report.done.push((step.0, step.1, elapsed));
            }
            Err(error) => {
                tracing::error!(address = %step.0, stage = step.1.describe(), %error, "apply step failed");
                on_event(Event::Failed(&step.0, step.1, &error));
                report.failed.push((step.0, step.1, error));
                failed = true;
            }
        }
    }
    report.not_started = waiting.into_keys().collect();
    report
}
