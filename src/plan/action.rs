//! What a plan does to one address, and why. The executor branches on the
//! action only; the reason exists to explain the change to people.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
    Replace,
    Delete,
}

impl Action {
    /// The symbol plans print before the address, as Terraform does.
    pub fn symbol(self) -> &'static str {
        match self {
            Action::Create => "+",
            Action::Update => "~",
            Action::Replace => "-/+",
            Action::Delete => "-",
        }
    }

    pub fn verb(self) -> &'static str {
        match self {
            Action::Create => "created",
            Action::Update => "updated in place",
            Action::Replace => "replaced",
            Action::Delete => "deleted",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// The blueprint declares it and the account does not have it.
    New,
    /// The blueprint changed since the last apply.
    BlueprintChanged,
    /// The blueprint did not change, but the account did: someone changed it
    /// outside hipcloud.
    Drifted,
    /// The account has a resource tagged for this blueprint that it no longer declares.
    RemovedFromBlueprint,
    /// A field that cannot change in place differs.
    ReplacementForced { field: String },
}

impl Reason {
    pub fn describe(&self) -> String {
        match self {
            Reason::New => "new in the blueprint".to_string(),
            Reason::BlueprintChanged => "changed in the blueprint".to_string(),
            Reason::Drifted => "drifted: changed in the account outside hipcloud".to_string(),
            Reason::RemovedFromBlueprint => "removed from the blueprint".to_string(),
            Reason::ReplacementForced { field } => {
                format!("`{field}` cannot change in place, which forces replacement")
            }
        }
    }
}
