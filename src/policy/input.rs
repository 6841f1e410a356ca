//! Builds the input document that rules read. The format is described in the
//! documentation of the `policy` module.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::address::Address;
use crate::blueprint::Blueprint;
use crate::state::{Desired, FieldValue, Observed};

/// The blueprint facts the input carries beside the resources.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlueprintFacts {
    pub name: String,
    pub account: String,
    pub region: String,
    /// The blueprint file's path, as it was given.
    pub file: String,
    /// The 1-based line of each resource's table header in the file.
    pub lines: BTreeMap<Address, usize>,
}

impl BlueprintFacts {
    pub fn from_blueprint(blueprint: &Blueprint) -> Self {
        let lines = blueprint
            .spans
            .iter()
            .map(|(address, span)| (address.clone(), blueprint.source.line_column(span.start).0))
            .collect();
        BlueprintFacts {
            name: blueprint.name.clone(),
            account: blueprint.account.clone(),
            region: blueprint.region.clone(),
            file: blueprint.source.path.clone(),
            lines,
        }
    }
}

/// Builds the input document from the desired state, the live state or both.
/// A resource appears once, with `null` for a state that was not given or
/// that lacks it.
pub fn build_input(
    facts: &BlueprintFacts,
    desired: Option<&BTreeMap<Address, Desired>>,
    observed: Option<&BTreeMap<Address, Observed>>,
) -> Value {
    let empty_desired = BTreeMap::new();
    let empty_observed = BTreeMap::new();
    let desired = desired.unwrap_or(&empty_desired);
    let observed = observed.unwrap_or(&empty_observed);

    // Sorted by the address text, which rule authors can predict without
    // knowing hipcloud's order of kinds.
    let addresses: BTreeMap<String, &Address> = desired
        .keys()
        .chain(observed.keys())
        .map(|address| (address.to_string(), address))
        .collect();

    let resources: Vec<Value> = addresses
        .iter()
        .map(|(text, address)| {
            let desired = desired.get(*address);
            let live = observed.get(*address);
            json!({
                "address": text,
                "kind": address.kind.as_str(),
                "name": address.name,
                "line": facts.lines.get(*address),
                "cloud_id": live.map(|o| o.cloud_id.clone()),
                "desired": desired.map(|d| state_object(&d.fields, &d.tags)),
                "live": live.map(|o| state_object(&o.fields, &o.tags)),
            })
        })
        .collect();

    json!({
        "blueprint": {
            "name": facts.name,
            "account": facts.account,
            "region": facts.region,
            "file": facts.file,
        },
        "resources": resources,
    })
}

/// Builds one state of a resource: each field in canonical form, then the tags.
fn state_object(fields: &[(String, FieldValue)], tags: &BTreeMap<String, String>) -> Value {
    let mut object = Map::new();
    for (name, value) in fields {
        object.insert(name.clone(), value.canonical());
    }
    let tags = tags
        .iter()
        .map(|(key, value)| (key.clone(), Value::String(value.clone())))
        .collect();
    object.insert("tags".to_string(), Value::Object(tags));
    Value::Object(object)
}
