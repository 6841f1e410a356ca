//! The plan: every change that makes the account match the blueprint, with the
//! guards that keep data from being lost silently. The plan model never renders
//! itself; see `render`.

pub mod action;
pub mod change;
pub mod diff;
pub mod drift;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod markdown;
pub mod render;
pub mod saved;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use action::{Action, Reason};
pub use change::{Change, FieldChange, Guard};

use crate::address::{Address, Kind};
use crate::state::{Desired, Observed};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Plan {
    pub blueprint: String,
    pub env: Option<String>,
    pub account: String,
    pub region: String,
    /// Changes in address order: keys, then buckets, then roles.
    pub changes: Vec<Change>,
    /// Facts a reviewer should see that are not changes, such as the SSE-S3
    /// exception of access-log buckets.
    pub notes: Vec<String>,
    /// The policy findings on the desired and the live state, waivers applied.
    /// Saved plans record them for readers; `show` does not read them back.
    #[serde(default, skip_deserializing, skip_serializing_if = "Vec::is_empty")]
    pub findings: Vec<crate::policy::assess::Assessed>,
    /// The blueprint file, for the locations of findings. Not part of the JSON.
    #[serde(skip)]
    pub blueprint_file: String,
}

/// Counts of changes by action, for the summary line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub replace: usize,
    pub delete: usize,
}

impl Plan {
    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for change in &self.changes {
            match change.action {
                Action::Create => summary.create += 1,
                Action::Update => summary.update += 1,
                Action::Replace => summary.replace += 1,
                Action::Delete => summary.delete += 1,
            }
        }
        summary
    }

    pub fn has_changes(&self) -> bool {
        !self.changes.is_empty()
    }

    pub fn change(&self, address: &Address) -> Option<&Change> {
        self.changes.iter().find(|c| &c.address == address)
    }

    /// Guards that block apply given the addresses the user allowed to be
    /// destroyed, each with its explanation.
    pub fn blocking_guards(&self, allowed: &[Address]) -> Vec<String> {
        let mut blocked = Vec::new();
        for change in &self.changes {
            for guard in &change.guards {
                if !guard.can_be_allowed() || !allowed.contains(&change.address) {
                    blocked.push(guard.describe(&change.address));
                }
            }
        }
        blocked
    }
}

/// Builds the changes for every address in `desired` or `observed`.
/// `deletion_windows` gives the declared deletion window of each key.
pub fn changes(desired: &[Desired], observed: &[Observed], deletion_windows: &BTreeMap<Address, i32>) -> Vec<Change> {
    let mut addresses: Vec<&Address> = desired
        .iter()
        .map(|d| &d.address)
        .chain(observed.iter().map(|o| &o.address))
        .collect();
    addresses.sort();
    addresses.dedup();

    let mut changes = Vec::new();
    for address in addresses {
        let want = desired.iter().find(|d| &d.address == address);
        let have = observed.iter().find(|o| &o.address == address);
        let Some(mut change) = diff::diff(want, have) else {
            continue;
        };
        if change.is_destructive() {
            if let Some(have) = have {
                change.guards = guards(have, deletion_windows.get(address).copied(), desired);
            }
        }
        changes.push(change);
    }
    changes
}

fn guards(have: &Observed, window: Option<i32>, desired: &[Desired]) -> Vec<Guard> {
    let mut guards = Vec::new();
    if have.is_protected() {
        guards.push(Guard::Protected);
    }
    if have.holds_data == Some(true) {
        guards.push(Guard::BucketHoldsData);
    }
    if have.address.kind == Kind::SageMakerDomain {
        guards.push(Guard::DomainDeletion {
            dependents: have.dependents.clone().unwrap_or_default(),
            home_efs: have.home_efs.clone(),
        });
    }
    if have.address.kind == Kind::Key {
        guards.push(Guard::KeyDeletion {
            window_days: window.unwrap_or(30),
        });
        let users = key_users(&have.cloud_id, &have.address, desired);
        if !users.is_empty() {
            guards.push(Guard::KeyInUse { users });
        }
    }
    guards
}

/// Addresses whose desired fields still name the key's ARN. Resources that the
/// plan deletes or moves to another key are not users: updates run before deletes.
fn key_users(key_arn: &str, key: &Address, desired: &[Desired]) -> Vec<String> {
    desired
        .iter()
        .filter(|d| &d.address != key)
        .filter(|d| {
            d.fields
                .iter()
                .any(|(_, value)| value.canonical().to_string().contains(key_arn))
        })
        .map(|d| d.address.to_string())
        .collect()
}
