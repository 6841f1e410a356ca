//! Compares desired and observed state for one address and produces a change.

use super::action::{Action, Reason};
use super::change::{Change, FieldChange};
use crate::state::{Desired, FieldValue, Observed, BOOKKEEPING_TAGS, TAG_APPLIED_AT, TAG_DIGEST};

/// Returns the change that makes `observed` match `desired`, or `None` when
/// they already match. The planner adds deletion guards, because they depend on
/// other resources.
pub fn diff(desired: Option<&Desired>, observed: Option<&Observed>) -> Option<Change> {
    match (desired, observed) {
        (None, None) => None,
        (Some(desired), None) => Some(Change {
            address: desired.address.clone(),
            action: Action::Create,
            reason: Reason::New,
            cloud_id: desired.cloud_name.clone(),
            fields: desired
                .fields
                .iter()
                .map(|(name, value)| FieldChange {
                    name: name.clone(),
                    before: None,
                    after: Some(value.clone()),
                })
                .chain(std::iter::once(FieldChange {
                    name: "tags".into(),
                    before: None,
                    after: Some(tags_value(&desired.tags)),
                }))
                .collect(),
            guards: Vec::new(),
        }),
        (None, Some(observed)) => Some(Change {
            address: observed.address.clone(),
            action: Action::Delete,
            reason: Reason::RemovedFromBlueprint,
            cloud_id: observed.cloud_id.clone(),
            fields: Vec::new(),
            guards: Vec::new(),
        }),
        (Some(desired), Some(observed)) => update(desired, observed),
    }
}

fn update(desired: &Desired, observed: &Observed) -> Option<Change> {
    let mut fields = Vec::new();
    for (name, want) in &desired.fields {
        let have = observed.field(name);
        if have.is_none_or(|have| !want.same_as(have)) {
            fields.push(FieldChange {
                name: name.clone(),
                before: have.cloned(),
                after: Some(want.clone()),
            });
        }
    }
    // Fields the account has and the blueprint does not, such as an inline policy
    // added by hand, are removed.
    for (name, have) in &observed.fields {
        if desired.field(name).is_none() {
            fields.push(FieldChange {
                name: name.clone(),
                before: Some(have.clone()),
                after: None,
            });
        }
    }
    let mut live_tags = observed.tags.clone();
    live_tags.retain(|name, _| !BOOKKEEPING_TAGS.contains(&name.as_str()));
    if live_tags != desired.tags {
        fields.push(FieldChange {
            name: "tags".into(),
            before: Some(tags_value(&live_tags)),
            after: Some(tags_value(&desired.tags)),
        });
    }
    if fields.is_empty() {
        return None;
    }

    let forced = fields.iter().find(|f| desired.immutable.contains(&f.name.as_str()));
    let (action, reason) = match forced {
        Some(field) => (
            Action::Replace,
            Reason::ReplacementForced {
                field: field.name.clone(),
            },
        ),
        None if is_applied_state(desired, observed) => (Action::Update, Reason::Drifted),
        None => (Action::Update, Reason::BlueprintChanged),
    };
    Some(Change {
        address: desired.address.clone(),
        action,
        reason,
        cloud_id: observed.cloud_id.clone(),
        fields,
        guards: Vec::new(),
    })
}

/// Returns true when the live resource was last applied with exactly this
/// desired state, so any difference is drift. hipcloud writes the digest and
/// applied-at tags together: applied-at without a digest means someone removed
/// the digest by hand, which is drift too. A digest rewritten by hand to another
/// value looks exactly like a blueprint change, so only
/// `drift --include-pending` catches that case.
pub fn is_applied_state(desired: &Desired, observed: &Observed) -> bool {
    match observed.tags.get(TAG_DIGEST) {
        Some(digest) => digest == &desired.digest(),
        None => observed.tags.contains_key(TAG_APPLIED_AT),
    }
}

fn tags_value(tags: &std::collections::BTreeMap<String, String>) -> FieldValue {
    FieldValue::Json(serde_json::to_value(tags).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::address::{Address, Kind};
    use serde_json::json;
    use std::collections::BTreeMap;

    fn desired() -> Desired {
        Desired {
            address: Address::new(Kind::Bucket, "raw"),
            cloud_name: "lab-raw".into(),
            fields: vec![
                ("name".into(), FieldValue::Json(json!("lab-raw"))),
                ("versioning".into(), FieldValue::Json(json!("Enabled"))),
            ],
            tags: BTreeMap::from([("hipcloud:address".into(), "bucket.raw".into())]),
            immutable: &["name"],
        }
    }

    fn observed_like(desired: &Desired) -> Observed {
        let mut tags = desired.tags.clone();
        tags.insert(TAG_DIGEST.into(), desired.digest());
        Observed::new(desired.address.clone(), "lab-raw", desired.fields.clone(), tags)
    }

    #[test]
    fn matching_state_is_no_change() {
        let d = desired();
        assert!(diff(Some(&d), Some(&observed_like(&d))).is_none());
    }

    #[test]
    fn live_change_with_same_digest_is_drift() {
        let d = desired();
        let mut o = observed_like(&d);
        o.fields[1].1 = FieldValue::Json(json!("Suspended"));
        let change = diff(Some(&d), Some(&o)).unwrap();
        assert_eq!(change.action, Action::Update);
        assert_eq!(change.reason, Reason::Drifted);
        assert_eq!(change.fields.len(), 1);
        assert_eq!(change.fields[0].name, "versioning");
    }

    #[test]
    fn blueprint_change_is_not_drift() {
        let d = desired();
        let mut o = observed_like(&d);
        o.tags.insert(TAG_DIGEST.into(), "older".into());
        o.fields[1].1 = FieldValue::Json(json!("Suspended"));
        assert_eq!(diff(Some(&d), Some(&o)).unwrap().reason, Reason::BlueprintChanged);
    }

    #[test]
    fn removed_digest_tag_is_drift() {
        let d = desired();
        let mut o = observed_like(&d);
        o.tags.remove(TAG_DIGEST);
        o.tags.insert(TAG_APPLIED_AT.into(), "2026-12-04T22:00:00Z".into());
        o.fields[1].1 = FieldValue::Json(json!("Suspended"));
        assert_eq!(diff(Some(&d), Some(&o)).unwrap().reason, Reason::Drifted);
    }

    #[test]
    fn immutable_field_forces_replacement() {
        let d = desired();
        let mut o = observed_like(&d);
        o.fields[0].1 = FieldValue::Json(json!("lab-raw-old"));
        let change = diff(Some(&d), Some(&o)).unwrap();
        assert_eq!(change.action, Action::Replace);
        assert_eq!(change.reason, Reason::ReplacementForced { field: "name".into() });
    }

    #[test]
    fn extra_live_field_is_removed() {
        let d = desired();
        let mut o = observed_like(&d);
        o.fields
            .push(("inline_policy.handmade".into(), FieldValue::Policy(json!({}))));
        let change = diff(Some(&d), Some(&o)).unwrap();
        assert_eq!(change.fields[0].name, "inline_policy.handmade");
        assert!(change.fields[0].after.is_none());
    }
}
