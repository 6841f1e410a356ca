//! Plans for the renderers' and saved plans' tests: one with every action,
//! reason and guard kind, and one large enough to be truncated in a comment.

use serde_json::{json, Value};

use super::{Action, Change, FieldChange, Guard, Plan, Reason};
use crate::address::Address;
use crate::state::FieldValue;

/// Builds a change at `address` whose cloud id is `id-of-ADDRESS`.
pub(crate) fn change(
    address: &str,
    action: Action,
    reason: Reason,
    fields: Vec<FieldChange>,
    guards: Vec<Guard>,
) -> Change {
    Change {
        address: Address::parse(address).unwrap(),
        action,
        reason,
        cloud_id: format!("id-of-{address}"),
        fields,
        guards,
    }
}

/// Builds a field change. A `None` before means the field is new, and a
/// `None` after means it is removed.
pub(crate) fn field(name: &str, before: Option<FieldValue>, after: Option<FieldValue>) -> FieldChange {
    FieldChange {
        name: name.into(),
        before,
        after,
    }
}

/// Wraps a value that compares exactly, as every field but a policy does.
pub(crate) fn plain(value: Value) -> FieldValue {
    FieldValue::Json(value)
}

/// Builds the tags field's value from `(key, value)` pairs.
pub(crate) fn tags(pairs: &[(&str, &str)]) -> FieldValue {
    let map: serde_json::Map<String, Value> = pairs.iter().map(|(k, v)| (k.to_string(), json!(v))).collect();
    FieldValue::Json(Value::Object(map))
}

/// Builds an IAM policy that lets the source range `cidr` read `bucket`. The
/// action and the range are single strings, as a hand-written document has
/// them, so the display form differs from the document as built.
pub(crate) fn read_policy(bucket: &str, cidr: &str) -> FieldValue {
    FieldValue::Policy(json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": format!("arn:aws:s3:::{bucket}/*"),
            "Condition": {"IpAddress": {"aws:SourceIp": cidr}}
        }]
    }))
}

/// Builds a plan with every action, every reason and every guard kind, a
/// policy document diff, a field removed from the account, tags and notes.
/// Changes are in address order, as the planner makes them.
pub(crate) fn every_action() -> Plan {
    let lab_tags = |address: &str, team: &str| {
        tags(&[
            ("hipcloud:address", address),
            ("hipcloud:blueprint", "research-lab"),
            ("team", team),
        ])
    };
    let handmade = FieldValue::Policy(json!({
        "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    }));
    Plan {
        blueprint: "research-lab".into(),
        env: Some("prod".into()),
        account: "123456789012".into(),
        region: "us-east-1".into(),
        changes: vec![
            change(
                "key.archive",
                Action::Delete,
                Reason::RemovedFromBlueprint,
                vec![],
                vec![
                    Guard::KeyDeletion { window_days: 7 },
                    Guard::KeyInUse {
                        users: vec!["bucket.curated".into(), "glue_connection.warehouse".into()],
                    },
                ],
            ),
            change(
                "key.phi",
                Action::Update,
                Reason::Drifted,
                vec![field("rotation", Some(plain(json!(false))), Some(plain(json!(true))))],
                vec![],
            ),
            change(
                "bucket.curated",
                Action::Create,
                Reason::New,
                vec![
                    field("versioning", None, Some(plain(json!("Enabled")))),
                    field(
                        "encryption",
                        None,
                        Some(plain(json!({
                            "algorithm": "aws:kms",
                            "key": "arn:aws:kms:us-east-1:123456789012:key/phi",
                            "bucket_key": true
                        }))),
                    ),
                    field("tags", None, Some(lab_tags("bucket.curated", "data"))),
                ],
                vec![],
            ),
            change(
                "bucket.raw",
                Action::Delete,
                Reason::RemovedFromBlueprint,
                vec![],
                vec![Guard::Protected, Guard::BucketHoldsData],
            ),
            change(
                "role.analyst",
                Action::Update,
                Reason::BlueprintChanged,
                vec![
                    field(
                        "inline_policy.hipcloud-grants",
                        Some(read_policy("lab-curated", "203.0.0.0/16")),
                        Some(read_policy("lab-curated", "203.0.113.0/24")),
                    ),
                    field(
                        "tags",
                        Some(lab_tags("role.analyst", "data")),
                        Some(lab_tags("role.analyst", "analytics")),
                    ),
                ],
                vec![],
            ),
            change(
                "role.etl",
                Action::Replace,
                Reason::ReplacementForced { field: "name".into() },
                vec![field(
                    "name",
                    Some(plain(json!("old-etl"))),
                    Some(plain(json!("lab-etl"))),
                )],
                vec![],
            ),
            change(
                "role.reader",
                Action::Update,
                Reason::Drifted,
                vec![
                    field(
                        "max_session_duration",
                        Some(plain(json!(43200))),
                        Some(plain(json!(3600))),
                    ),
                    field("inline_policy.handmade", Some(handmade), None),
                ],
                vec![],
            ),
            change(
                "sagemaker_domain.studio",
                Action::Delete,
                Reason::RemovedFromBlueprint,
                vec![],
                vec![Guard::DomainDeletion {
                    dependents: vec![
                        "app default (JupyterServer) of user profile alice".into(),
                        "space shared".into(),
                        "user profile alice".into(),
                    ],
                    home_efs: Some("fs-0123456789abcdef0".into()),
                }],
            ),
        ],
        notes: vec![
            "bucket.access_logs uses SSE-S3 <not a key>.".into(),
            "key.archive keeps the shortest deletion window | 7 days.".into(),
        ],
        findings: Vec::new(),
        blueprint_file: String::new(),
    }
}

/// Builds a plan that creates `count` buckets, each with a lifecycle rule of
/// about 150 bytes, so that a section takes about 310 bytes of markdown and
/// some 200 sections fill a GitHub comment.
pub(crate) fn many_buckets(count: usize) -> Plan {
    let changes = (0..count)
        .map(|i| {
            let lifecycle = plain(json!({
                "abort_incomplete_upload_days": 7,
                "expire_noncurrent_days": 90 + i % 5,
                "transition_days": 30,
                "storage_class": "GLACIER_IR"
            }));
            change(
                &format!("bucket.b{i:03}"),
                Action::Create,
                Reason::New,
                vec![field("lifecycle", None, Some(lifecycle))],
                vec![],
            )
        })
        .collect();
    Plan {
        blueprint: "research-lab".into(),
        env: None,
        account: "123456789012".into(),
        region: "us-east-1".into(),
        changes,
        notes: vec![],
        findings: Vec::new(),
        blueprint_file: String::new(),
    }
}
