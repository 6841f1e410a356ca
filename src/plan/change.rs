//! One planned change: the address, what happens to it, why, and the field-level
//! before and after values.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::action::{Action, Reason};
use crate::address::Address;
use crate::state::FieldValue;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Change {
    pub address: Address,
    pub action: Action,
    pub reason: Reason,
    /// The cloud's identifier of the live resource, or the name it will get.
    pub cloud_id: String,
    pub fields: Vec<FieldChange>,
    /// Data-loss guards on a delete or replace; apply refuses until they are met.
    pub guards: Vec<Guard>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(into = "FieldChangeJson", from = "FieldChangeJson")]
pub struct FieldChange {
    pub name: String,
    /// `None`: the field does not exist yet (create) or is unset.
    pub before: Option<FieldValue>,
    /// `None`: the field will be removed.
    pub after: Option<FieldValue>,
}

/// A field change as JSON. Values keep the shape they were built or read in.
/// `policy_document` marks IAM-style documents, which compare semantically,
/// so a saved plan reads back exactly as it was written.
#[derive(Serialize, Deserialize)]
struct FieldChangeJson {
    name: String,
    before: Option<Value>,
    after: Option<Value>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    policy_document: bool,
}

impl From<FieldChange> for FieldChangeJson {
    fn from(field: FieldChange) -> Self {
        let policy_document = [&field.before, &field.after]
            .into_iter()
            .flatten()
            .any(|v| matches!(v, FieldValue::Policy(_)));
        FieldChangeJson {
            name: field.name,
            before: field.before.map(|v| v.value().clone()),
            after: field.after.map(|v| v.value().clone()),
            policy_document,
        }
    }
}

impl From<FieldChangeJson> for FieldChange {
    fn from(json: FieldChangeJson) -> Self {
        let wrap = |v: Value| {
            if json.policy_document {
                FieldValue::Policy(v)
            } else {
                FieldValue::Json(v)
            }
        };
        FieldChange {
            name: json.name,
            before: json.before.map(wrap),
            after: json.after.map(wrap),
        }
    }
}

/// Why a destructive change cannot simply go ahead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Guard {
    /// The bucket contains object versions or delete markers (PHI, possibly); they
    /// are deleted with it. Allowed by `--allow-destroy ADDRESS`.
    BucketHoldsData,
    /// The key will be scheduled for deletion; data encrypted under it becomes
    /// unreadable once the window ends. Allowed by `--allow-destroy ADDRESS`.
    KeyDeletion { window_days: i32 },
    /// The resource is protected; no flag overrides this.
    Protected,
    /// The key still encrypts these resources; no flag overrides this.
    KeyInUse { users: Vec<String> },
    /// Deleting or replacing the domain orphans its users' home folders. The
    /// listed apps, spaces and user profiles must be deleted first, in order;
    /// the home EFS volume is kept. Allowed by `--allow-destroy ADDRESS`.
    DomainDeletion {
        dependents: Vec<String>,
        home_efs: Option<String>,
    },
}

impl Guard {
    /// True when `--allow-destroy` can lift the guard; otherwise apply refuses.
    pub fn can_be_allowed(&self) -> bool {
        match self {
            Guard::BucketHoldsData | Guard::KeyDeletion { .. } => true,
            // hipcloud never deletes people's apps, spaces or profiles it does
            // not manage, so the flag helps only once they are gone.
            Guard::DomainDeletion { dependents, .. } => dependents.is_empty(),
            Guard::Protected | Guard::KeyInUse { .. } => false,
        }
    }

    pub fn describe(&self, address: &Address) -> String {
        match self {
            Guard::BucketHoldsData => format!(
                "{address} contains object versions or delete markers; deleting it destroys them. Pass --allow-destroy {address} to allow it"
            ),
            Guard::KeyDeletion { window_days } => format!(
                "{address} will be scheduled for deletion in {window_days} days; data encrypted under it becomes unreadable. Pass --allow-destroy {address} to allow it"
            ),
            Guard::Protected => format!(
                "{address} is protected and will not be deleted or replaced. To delete it, set protect = false in the blueprint and apply, then remove it"
            ),
            Guard::KeyInUse { users } => format!(
                "{address} still encrypts {}; move them to another key first",
                users.join(", ")
            ),
            Guard::DomainDeletion { dependents, home_efs } => {
                let efs = home_efs.as_deref().unwrap_or("the home EFS volume");
                let next = if dependents.is_empty() {
                    format!("Pass --allow-destroy {address} to allow it")
                } else {
                    format!(
                        "First delete, in this order: {}; then plan again and pass --allow-destroy {address}",
                        dependents.join(", ")
                    )
                };
                format!(
                    "{address} will be deleted, orphaning its users' home folders; {efs} is kept and still holds their files, possibly PHI, under the domain's key. {next}"
                )
            }
        }
    }
}

impl Change {
    /// True when this change may destroy data or make it unreadable.
    pub fn is_destructive(&self) -> bool {
        matches!(self.action, Action::Delete | Action::Replace)
    }
}
