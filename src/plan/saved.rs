//! Saved plans: the plan a reviewer approved, written by `plan --out` and
//! applied by `apply PLAN`. A saved plan records what it was computed from:
//! the blueprint's digest, the environment, the account and a digest of the
//! live state at every address it changes. Apply uses them to reject a plan
//! that no longer describes the account. Plans contain no secrets.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::Plan;
use crate::address::Address;

/// The plan file format's version; bump it on any incompatible change.
pub const PLAN_FILE_VERSION: u32 = 1;

/// The largest plan file `read` accepts: far above any real plan, and small
/// enough that a wrong path cannot exhaust memory.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

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
    #[error("{path} was made by hipcloud {made_by} (plan format {format}); this is hipcloud {this}, which reads plan format 1")]
    Version {
        path: String,
        made_by: String,
        format: String,
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
        std::fs::rename(&temporary, path).inspect_err(|_| {
            let _ = std::fs::remove_file(&temporary);
        })
    }

    /// Reads a plan file. Plans made by another hipcloud version are refused:
    /// the desired state they were computed with may differ from this one's.
    pub fn read(path: &Path) -> Result<SavedPlan, ReadError> {
        let name = path.display().to_string();
        let io = |error| ReadError::Io {
            path: name.clone(),
            error,
        };
        let size = std::fs::metadata(path).map_err(io)?.len();
        if size > MAX_FILE_BYTES {
            return Err(ReadError::Format {
                path: name,
                reason: format!("it has {size} bytes, more than a plan file's limit of {MAX_FILE_BYTES}"),
            });
        }
        let text = std::fs::read_to_string(path).map_err(io)?;
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
        let format = value
            .get("format_version")
            .map_or("missing".to_string(), |v| v.to_string());
        if format != PLAN_FILE_VERSION.to_string() || made_by != env!("CARGO_PKG_VERSION") {
            return Err(ReadError::Version {
                path: name,
                made_by: made_by.to_string(),
                format,
                this: env!("CARGO_PKG_VERSION").to_string(),
            });
        }
        let saved: SavedPlan = serde_json::from_value(value).map_err(|e| ReadError::Format {
            path: name.clone(),
            reason: e.to_string(),
        })?;
        saved
            .check_consistent()
            .map_err(|reason| ReadError::Format { path: name, reason })?;
        Ok(saved)
    }

    /// Checks that the header agrees with the plan it carries, so `show` never
    /// displays a plan other than the one apply checks. Both must name the same
    /// account, region and environment, with one change and one live-state
    /// digest per address.
    fn check_consistent(&self) -> Result<(), String> {
        if self.plan.account != self.account || self.plan.region != self.region || self.plan.env != self.environment {
            return Err("its plan names another account, region or environment than its header".into());
        }
        let mut addresses: Vec<&Address> = self.plan.changes.iter().map(|c| &c.address).collect();
        addresses.sort();
        let count = addresses.len();
        addresses.dedup();
        if addresses.len() != count {
            return Err("it has more than one change for an address".into());
        }
        if !addresses.into_iter().eq(self.live_state.keys()) {
            return Err("its live_state does not list exactly the addresses it changes".into());
        }
        Ok(())
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
        if now.blueprint != self.plan.blueprint {
            reasons.push(format!(
                "the plan is for blueprint {}, but the file now declares {}",
                self.plan.blueprint, now.blueprint
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::plan::fixtures::{change, every_action, field, plain};
    use crate::plan::{Action, Reason};
    use crate::state::FieldValue;

    const BLUEPRINT_PATH: &str = "blueprints/lab.toml";
    const BLUEPRINT_DIGEST: &str = "0f1e2d3c4b5a";

    fn address(text: &str) -> Address {
        Address::parse(text).unwrap()
    }

    /// Returns the live digests a plan of `every_action` was made from:
    /// `None` for the bucket it creates, a digest for every other address.
    fn live_state(plan: &Plan) -> BTreeMap<Address, Option<String>> {
        plan.changes
            .iter()
            .map(|c| {
                let digest = (c.action != Action::Create).then(|| format!("digest-of-{}", c.address));
                (c.address.clone(), digest)
            })
            .collect()
    }

    fn saved() -> SavedPlan {
        let plan = every_action();
        let live = live_state(&plan);
        SavedPlan::new(plan, BLUEPRINT_PATH, BLUEPRINT_DIGEST.into(), live)
    }

    /// Returns the reasons `saved()` is stale against the unchanged plan and
    /// blueprint, with the live state edited by `edit`.
    fn stale_after_live_edit(edit: impl FnOnce(&mut BTreeMap<Address, Option<String>>)) -> Vec<String> {
        let saved = saved();
        let mut live = saved.live_state.clone();
        edit(&mut live);
        saved.staleness(BLUEPRINT_DIGEST, &every_action(), &live)
    }

    /// Writes `value` as JSON to `plan.json` in `dir` and returns the path.
    fn write_json(dir: &tempfile::TempDir, value: &serde_json::Value) -> std::path::PathBuf {
        let path = dir.path().join("plan.json");
        std::fs::write(&path, serde_json::to_string_pretty(value).unwrap()).unwrap();
        path
    }

    #[test]
    fn read_rejects_inconsistent_header() {
        let dir = tempfile::tempdir().unwrap();
        let mut value = serde_json::to_value(saved()).unwrap();
        value["plan"]["account"] = json!("999999999999");
        let path = write_json(&dir, &value);
        let error = SavedPlan::read(&path).unwrap_err().to_string();
        assert!(error.contains("another account"), "{error}");
    }

    #[test]
    fn read_rejects_duplicate_changes() {
        let dir = tempfile::tempdir().unwrap();
        let mut value = serde_json::to_value(saved()).unwrap();
        let first = value["plan"]["changes"][0].clone();
        value["plan"]["changes"].as_array_mut().unwrap().push(first);
        let path = write_json(&dir, &value);
        let error = SavedPlan::read(&path).unwrap_err().to_string();
        assert!(error.contains("more than one change"), "{error}");
    }

    #[test]
    fn read_rejects_missing_live_state() {
        let dir = tempfile::tempdir().unwrap();
        let mut value = serde_json::to_value(saved()).unwrap();
        value["live_state"] = json!({});
        let path = write_json(&dir, &value);
        let error = SavedPlan::read(&path).unwrap_err().to_string();
        assert!(error.contains("live_state"), "{error}");
    }

    #[test]
    fn write_then_read_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.json");
        let original = saved();
        original.write(&path).unwrap();

        let read = SavedPlan::read(&path).unwrap();
        assert_eq!(
            serde_json::to_value(&read).unwrap(),
            serde_json::to_value(&original).unwrap()
        );
        assert_eq!(read.kind, FILE_KIND);
        assert_eq!(read.format_version, PLAN_FILE_VERSION);
        assert_eq!(read.blueprint.path, BLUEPRINT_PATH);
        assert_eq!(read.blueprint.digest, BLUEPRINT_DIGEST);
        assert_eq!(read.environment.as_deref(), Some("prod"));
        assert_eq!(read.live_state, original.live_state);
        assert_eq!(read.live_state[&address("bucket.curated")], None);
        let files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(files, ["plan.json"], "no temporary file is left behind");
    }

    #[test]
    fn read_keeps_policy_documents() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.json");
        saved().write(&path).unwrap();
        let read = SavedPlan::read(&path).unwrap();

        let analyst = read.plan.change(&address("role.analyst")).unwrap();
        let grants = &analyst.fields[0];
        assert_eq!(grants.name, "inline_policy.hipcloud-grants");
        assert!(matches!(grants.before, Some(FieldValue::Policy(_))), "{grants:?}");
        assert!(matches!(grants.after, Some(FieldValue::Policy(_))), "{grants:?}");
        let tags = &analyst.fields[1];
        assert!(matches!(tags.after, Some(FieldValue::Json(_))), "{tags:?}");

        let reader = read.plan.change(&address("role.reader")).unwrap();
        let handmade = &reader.fields[1];
        assert_eq!(handmade.name, "inline_policy.handmade");
        assert!(matches!(handmade.before, Some(FieldValue::Policy(_))), "{handmade:?}");
        assert!(handmade.after.is_none(), "{handmade:?}");
    }

    #[test]
    fn read_plan_is_not_stale() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.json");
        let original = saved();
        original.write(&path).unwrap();
        let read = SavedPlan::read(&path).unwrap();
        let reasons = read.staleness(BLUEPRINT_DIGEST, &every_action(), &original.live_state);
        assert!(reasons.is_empty(), "{reasons:?}");
    }

    #[test]
    fn read_rejects_other_json() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_json(&dir, &json!({"name": "lab", "changes": []}));
        let error = SavedPlan::read(&path).unwrap_err();
        assert!(matches!(error, ReadError::Format { .. }), "{error:?}");
        assert!(error.to_string().contains("is not a hipcloud plan file"), "{error}");
    }

    #[test]
    fn read_rejects_non_json() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("lab.json");
        std::fs::write(&path, "name = \"lab\"\n").unwrap();
        let error = SavedPlan::read(&path).unwrap_err();
        assert!(matches!(error, ReadError::Format { .. }), "{error:?}");
    }

    #[test]
    fn read_reports_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let error = SavedPlan::read(&dir.path().join("absent.json")).unwrap_err();
        assert!(matches!(error, ReadError::Io { .. }), "{error:?}");
    }

    #[test]
    fn read_rejects_other_hipcloud_version() {
        let dir = tempfile::tempdir().unwrap();
        let mut value = serde_json::to_value(saved()).unwrap();
        value["hipcloud_version"] = json!("0.0.0-other");
        let path = write_json(&dir, &value);
        match SavedPlan::read(&path).unwrap_err() {
            ReadError::Version {
                made_by, format, this, ..
            } => {
                assert_eq!(made_by, "0.0.0-other");
                assert_eq!(format, PLAN_FILE_VERSION.to_string());
                assert_eq!(this, env!("CARGO_PKG_VERSION"));
            }
            error => panic!("expected a version error, got {error:?}"),
        }
    }

    #[test]
    fn read_rejects_other_format_version() {
        let dir = tempfile::tempdir().unwrap();
        let mut value = serde_json::to_value(saved()).unwrap();
        value["format_version"] = json!(PLAN_FILE_VERSION + 1);
        let path = write_json(&dir, &value);
        match SavedPlan::read(&path).unwrap_err() {
            ReadError::Version { made_by, format, .. } => {
                assert_eq!(made_by, env!("CARGO_PKG_VERSION"));
                assert_eq!(format, (PLAN_FILE_VERSION + 1).to_string());
            }
            error => panic!("expected a version error, got {error:?}"),
        }
    }

    #[test]
    fn staleness_empty_when_unchanged() {
        let saved = saved();
        let reasons = saved.staleness(BLUEPRINT_DIGEST, &every_action(), &saved.live_state);
        assert!(reasons.is_empty(), "{reasons:?}");
    }

    #[test]
    fn staleness_names_changed_resource() {
        let reasons = stale_after_live_edit(|live| {
            live.insert(address("key.phi"), Some("another-digest".into()));
        });
        assert_eq!(reasons, ["key.phi changed in the account since the plan was made"]);
    }

    #[test]
    fn staleness_names_created_resource() {
        let reasons = stale_after_live_edit(|live| {
            live.insert(address("bucket.curated"), Some("digest-of-bucket.curated".into()));
        });
        assert_eq!(
            reasons,
            ["bucket.curated was created in the account since the plan was made"]
        );
    }

    #[test]
    fn staleness_names_deleted_resource() {
        let reasons = stale_after_live_edit(|live| {
            live.insert(address("bucket.raw"), None);
        });
        assert_eq!(
            reasons,
            ["bucket.raw was deleted in the account since the plan was made"]
        );
        let reasons = stale_after_live_edit(|live| {
            live.remove(&address("bucket.raw"));
        });
        assert_eq!(
            reasons,
            ["bucket.raw was deleted in the account since the plan was made"],
            "an address missing from the live state counts as deleted"
        );
    }

    #[test]
    fn staleness_names_changed_blueprint() {
        let saved = saved();
        let reasons = saved.staleness("another-digest", &every_action(), &saved.live_state);
        assert_eq!(
            reasons,
            ["the blueprint blueprints/lab.toml changed since the plan was made"]
        );
    }

    #[test]
    fn staleness_names_other_account() {
        let saved = saved();
        let mut now = every_action();
        now.account = "210987654321".into();
        let reasons = saved.staleness(BLUEPRINT_DIGEST, &now, &saved.live_state);
        assert_eq!(
            reasons,
            ["the plan is for account 123456789012 in us-east-1, but the blueprint now targets account 210987654321 in us-east-1"]
        );
    }

    #[test]
    fn staleness_names_new_change() {
        let saved = saved();
        let mut now = every_action();
        now.changes.push(change(
            "sagemaker_user_profile.bob",
            Action::Create,
            Reason::New,
            vec![field("name", None, Some(plain(json!("bob"))))],
            vec![],
        ));
        let reasons = saved.staleness(BLUEPRINT_DIGEST, &now, &saved.live_state);
        assert_eq!(
            reasons,
            ["sagemaker_user_profile.bob now needs a change the plan does not have"]
        );
    }

    #[test]
    fn staleness_names_unneeded_change() {
        let saved = saved();
        let mut now = every_action();
        now.changes.retain(|c| c.address != address("key.phi"));
        let reasons = saved.staleness(BLUEPRINT_DIGEST, &now, &saved.live_state);
        assert_eq!(reasons, ["key.phi no longer needs the planned change"]);
    }

    #[test]
    fn staleness_names_different_change() {
        let saved = saved();
        let mut now = every_action();
        let etl = now
            .changes
            .iter_mut()
            .find(|c| c.address == address("role.etl"))
            .unwrap();
        etl.fields[0].after = Some(plain(json!("lab-etl-2")));
        let reasons = saved.staleness(BLUEPRINT_DIGEST, &now, &saved.live_state);
        assert_eq!(reasons, ["the change to role.etl is different now"]);
    }

    #[test]
    fn staleness_names_each_address_once() {
        let saved = saved();
        let mut now = every_action();
        now.changes.retain(|c| c.address != address("key.phi"));
        let mut live = saved.live_state.clone();
        live.insert(address("key.phi"), Some("another-digest".into()));
        let reasons = saved.staleness(BLUEPRINT_DIGEST, &now, &live);
        assert_eq!(reasons, ["key.phi changed in the account since the plan was made"]);
    }

    #[test]
    fn staleness_ignores_policy_list_order() {
        let saved = saved();
        let mut now = every_action();
        let analyst = now
            .changes
            .iter_mut()
            .find(|c| c.address == address("role.analyst"))
            .unwrap();
        let reordered = FieldValue::Policy(json!({
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Action": ["s3:GetObject"],
                "Resource": ["arn:aws:s3:::lab-curated/*"],
                "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}
            }
        }));
        analyst.fields[0].after = Some(reordered);
        let reasons = saved.staleness(BLUEPRINT_DIGEST, &now, &saved.live_state);
        assert!(reasons.is_empty(), "{reasons:?}");
    }

    #[test]
    fn is_plan_file_by_extension() {
        assert!(is_plan_file(Path::new("plans/prod.json")));
        assert!(is_plan_file(Path::new("PLAN.JSON")));
        assert!(!is_plan_file(Path::new("blueprints/lab.toml")));
        assert!(!is_plan_file(Path::new("plans/prod.json.bak")));
        assert!(!is_plan_file(Path::new("json")));
        assert!(
            !is_plan_file(Path::new("plans/.json")),
            "a hidden file has no extension"
        );
    }

    #[test]
    fn full_plan_hint_names_path() {
        assert_eq!(
            SavedPlan::full_plan_hint(Path::new("plans/large.json")),
            "the full plan is in `plans/large.json`; `hipcloud show plans/large.json` prints it"
        );
    }
}
