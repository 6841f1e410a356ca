//! Saved plans: the plan a reviewer approved, written by `plan --out` and
//! applied by `apply PLAN`. A saved plan records what it was computed from
//! (the blueprint's digest, the environment, the account and a digest of the
//! live state at every address it changes), so that apply can refuse a plan
//! that no longer describes the account. It holds no secret: plans never do.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Plan;
use crate::address::Address;

/// The plan file format's version; bump it on any incompatible change.
pub const PLAN_FILE_VERSION: u32 = 1;

/// Marks a JSON file as a hipcloud plan.
const FILE_KIND: &str = "hipcloud-plan";

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SavedPlan {
    pub kind: String,
    pub format_version: u32,
    pub hipcloud_version: String,
    pub blueprint: BlueprintSource,
    pub environment: Option<String>,
    pub account: String,
    pub region: String,
    /// The digest of the live state each change was computed from, by
    /// address; `null` where the resource did not exist.
    pub live_state: BTreeMap<Address, Option<String>>,
    pub plan: Plan,
}

/// The blueprint file a plan was made from.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BlueprintSource {
    /// The path as given to `plan`, relative to the directory it ran in.
    pub path: String,
    /// SHA-256 of the file's bytes, in hex.
    pub digest: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read plan file {path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error("{path} is not a hipcloud plan file: {reason}")]
    Format { path: String, reason: String },
    #[error("{path} was made by hipcloud {made_by} (plan format {format}); this is hipcloud {this}")]
    Version {
        path: String,
        made_by: String,
        format: u32,
        this: String,
    },
}

impl SavedPlan {
    pub fn new(
        plan: Plan,
        blueprint_path: &str,
        blueprint_digest: String,
        live_state: BTreeMap<Address, Option<String>>,
    ) -> SavedPlan {
        SavedPlan {
            kind: FILE_KIND.to_string(),
            format_version: PLAN_FILE_VERSION,
            hipcloud_version: env!("CARGO_PKG_VERSION").to_string(),
            blueprint: BlueprintSource {
                path: blueprint_path.to_string(),
                digest: blueprint_digest,
            },
            environment: plan.env.clone(),
            account: plan.account.clone(),
            region: plan.region.clone(),
            live_state,
            plan,
        }
    }

    /// Writes the plan to `path` through a temporary file, so that a reader
    /// never sees half a plan.
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)? + "\n";
        let mut temporary = path.as_os_str().to_owned();
        temporary.push(".partial");
        std::fs::write(&temporary, text)?;
        std::fs::rename(&temporary, path)
    }

    /// Reads a plan file. Plans made by another hipcloud version are refused:
    /// the desired state they were computed with may differ from this one's.
    pub fn read(path: &Path) -> Result<SavedPlan, ReadError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| ReadError::Io {
            path: name.clone(),
            error,
        })?;
        let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| ReadError::Format {
            path: name.clone(),
            reason: e.to_string(),
        })?;
        if value.get("kind").and_then(|k| k.as_str()) != Some(FILE_KIND) {
            return Err(ReadError::Format {
                path: name,
                reason: format!("it has no \"kind\": \"{FILE_KIND}\""),
            });
        }
        let made_by = value
            .get("hipcloud_version")
            .and_then(|v| v.as_str())
            .unwrap_or("unknown");
        let format = value.get("format_version").and_then(|v| v.as_u64()).unwrap_or(0) as u32;
        if format != PLAN_FILE_VERSION || made_by != env!("CARGO_PKG_VERSION") {
            return Err(ReadError::Version {
                path: name,
                made_by: made_by.to_string(),
                format,
                this: env!("CARGO_PKG_VERSION").to_string(),
            });
        }
        serde_json::from_value(value).map_err(|e| ReadError::Format {
            path: name,
            reason: e.to_string(),
        })
    }

    /// Lists why this plan no longer describes the account, comparing it with a
    /// plan made now from the same blueprint file. An empty list means the plan
    /// is still valid, so apply carries out the fresh plan, which has exactly
    /// these changes.
    pub fn staleness(
        &self,
        blueprint_digest: &str,
        now: &Plan,
        live_state: &BTreeMap<Address, Option<String>>,
    ) -> Vec<String> {
        let mut reasons = Vec::new();
        if blueprint_digest != self.blueprint.digest {
            reasons.push(format!(
                "the blueprint {} changed since the plan was made",
                self.blueprint.path
            ));
        }
        if now.account != self.account || now.region != self.region {
            reasons.push(format!(
                "the plan is for account {} in {}, but the blueprint now targets account {} in {}",
                self.account, self.region, now.account, now.region
            ));
        }
        for (address, then) in &self.live_state {
            let current = live_state.get(address).cloned().flatten();
            if &current != then {
                let what = match (then, &current) {
                    (None, Some(_)) => "was created",
                    (Some(_), None) => "was deleted",
                    _ => "changed",
                };
                reasons.push(format!("{address} {what} in the account since the plan was made"));
            }
        }
        let saved: BTreeMap<String, String> = changes_by_address(&self.plan);
        let fresh: BTreeMap<String, String> = changes_by_address(now);
        for (address, change) in &fresh {
            match saved.get(address) {
                None => reasons.push(format!("{address} now needs a change the plan does not have")),
                Some(planned) if planned != change && !self.names(address, &reasons) => {
                    reasons.push(format!("the change to {address} is different now"))
                }
                _ => {}
            }
        }
        for address in saved.keys().filter(|a| !fresh.contains_key(*a)) {
            if !self.names(address, &reasons) {
                reasons.push(format!("{address} no longer needs the planned change"));
            }
        }
        reasons
    }

    /// True when a reason already explains what happened at `address`.
    fn names(&self, address: &str, reasons: &[String]) -> bool {
        let prefix = format!("{address} ");
        reasons.iter().any(|r| r.starts_with(&prefix))
    }

    /// Returns where the full plan is, for the markdown truncation marker.
    pub fn full_plan_hint(path: &Path) -> String {
        format!(
            "the full plan is in `{0}`; `hipcloud show {0}` prints it",
            path.display()
        )
    }
}

/// Serializes each change by address, with policy documents in canonical
/// form, so that the same change compares equal however the cloud ordered a
/// document's lists.
fn changes_by_address(plan: &Plan) -> BTreeMap<String, String> {
    plan.changes
        .iter()
        .map(|c| {
            let fields: Vec<_> = c
                .fields
                .iter()
                .map(|f| {
                    (
                        &f.name,
                        f.before.as_ref().map(|v| v.canonical()),
                        f.after.as_ref().map(|v| v.canonical()),
                    )
                })
                .collect();
            let value = serde_json::json!([c.action, c.reason, c.cloud_id, c.guards, fields]);
            (c.address.to_string(), value.to_string())
        })
        .collect()
}

/// True when `path` names a saved plan rather than a blueprint: plan files are
/// JSON, blueprints TOML.
pub fn is_plan_file(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json"))
}
