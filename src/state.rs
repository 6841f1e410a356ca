//! Desired and observed resource state, in the cloud-neutral shape the planner
//! compares: an ordered list of named fields per resource, plus tags.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::address::Address;
use crate::policy_doc;

/// Ownership tags. Everything hipcloud creates carries the first two. The digest
/// records the desired state last applied, so a plan can tell drift (the live
/// state changed while the digest still matches the blueprint) from a blueprint
/// change.
pub const TAG_BLUEPRINT: &str = "hipcloud:blueprint";
pub const TAG_ADDRESS: &str = "hipcloud:address";
pub const TAG_DIGEST: &str = "hipcloud:digest";
/// When hipcloud last wrote the resource, in RFC 3339 UTC. Written with the
/// digest and, like it, never compared with the blueprint.
pub const TAG_APPLIED_AT: &str = "hipcloud:applied-at";
/// The tags hipcloud writes for its own bookkeeping, which the blueprint never declares.
pub const BOOKKEEPING_TAGS: [&str; 2] = [TAG_DIGEST, TAG_APPLIED_AT];
/// Present with value `true` on protected resources, so protection survives the
/// resource's removal from the blueprint.
pub const TAG_PROTECT: &str = "hipcloud:protect";

/// A field's value. Policy documents compare semantically, everything else exactly.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum FieldValue {
    Json(Value),
    Policy(Value),
}

impl FieldValue {
    pub fn same_as(&self, other: &FieldValue) -> bool {
        match (self, other) {
            (FieldValue::Policy(a), FieldValue::Policy(b)) => policy_doc::equivalent(a, b),
            (FieldValue::Json(a), FieldValue::Json(b)) => a == b,
            _ => false,
        }
    }

    /// The value exactly as built, for sending to the cloud. Policy documents
    /// keep their single strings: some services accept no other shape.
    pub fn value(&self) -> &Value {
        match self {
            FieldValue::Json(v) | FieldValue::Policy(v) => v,
        }
    }

    /// The value as it is shown and hashed: policy documents in display form.
    pub fn canonical(&self) -> Value {
        match self {
            FieldValue::Json(v) => v.clone(),
            FieldValue::Policy(v) => policy_doc::display_form(v),
        }
    }
}

/// The state the blueprint requests at one address.
#[derive(Clone, Debug)]
pub struct Desired {
    pub address: Address,
    /// The name in the cloud: bucket name, role name or key alias.
    pub cloud_name: String,
    pub fields: Vec<(String, FieldValue)>,
    /// Every tag to set, ownership tags included, the digest excluded.
    pub tags: BTreeMap<String, String>,
    /// Fields whose change forces a replacement.
    pub immutable: &'static [&'static str],
}

impl Desired {
    /// A short hash of the fields and tags, stored in the digest tag on apply.
    pub fn digest(&self) -> String {
        short_hash(&(canonical(&self.fields), &self.tags))
    }

    pub fn field(&self, name: &str) -> Option<&FieldValue> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }
}

/// The state the live account has at one address.
#[derive(Clone, Debug)]
pub struct Observed {
    pub address: Address,
    /// The cloud's identifier: bucket name, role name or key ARN.
    pub cloud_id: String,
    pub fields: Vec<(String, FieldValue)>,
    pub tags: BTreeMap<String, String>,
    /// For buckets: whether any object version or delete marker exists. Read only
    /// for buckets a plan may delete.
    pub holds_data: Option<bool>,
    /// For SageMaker domains: the apps, spaces and user profiles that must be
    /// deleted first, in order. Read only for domains a plan may delete.
    pub dependents: Option<Vec<String>>,
    /// For SageMaker domains: the home EFS volume, which deletion keeps.
    pub home_efs: Option<String>,
    /// Fields hipcloud never writes, such as an inline policy added by hand:
    /// additions to a managed resource made outside hipcloud.
    pub unmanaged: Vec<String>,
}

impl Observed {
    pub fn new(
        address: Address,
        cloud_id: impl Into<String>,
        fields: Vec<(String, FieldValue)>,
        tags: BTreeMap<String, String>,
    ) -> Self {
        Observed {
            address,
            cloud_id: cloud_id.into(),
            fields,
            tags,
            holds_data: None,
            dependents: None,
            home_efs: None,
            unmanaged: Vec::new(),
        }
    }

    pub fn field(&self, name: &str) -> Option<&FieldValue> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// Hashes everything read: fields, tags and the facts guards
    /// use. A saved plan records it per change; a different digest at apply
    /// time means the account changed since the plan was made.
    pub fn digest(&self) -> String {
        short_hash(&(
            &self.cloud_id,
            canonical(&self.fields),
            &self.tags,
            self.holds_data,
            &self.dependents,
            &self.home_efs,
        ))
    }

    /// When hipcloud last applied this resource, if it recorded it.
    pub fn applied_at(&self) -> Option<&str> {
        self.tags.get(TAG_APPLIED_AT).map(String::as_str)
    }

    pub fn is_protected(&self) -> bool {
        self.tags.get(TAG_PROTECT).is_some_and(|v| v == "true")
    }
}

/// Returns the fields with policy documents in canonical form, for hashing.
fn canonical(fields: &[(String, FieldValue)]) -> Vec<(&String, Value)> {
    fields.iter().map(|(name, value)| (name, value.canonical())).collect()
}

/// Hashes a value's JSON with SHA-256, keeping the first 12 bytes in hex.
fn short_hash(value: &impl Serialize) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    hex::encode(&Sha256::digest(text.as_bytes())[..12])
}

/// The placeholder for a value that only exists once `address` is created.
pub fn known_after_apply(address: &Address) -> String {
    format!("(known after apply: {address})")
}
