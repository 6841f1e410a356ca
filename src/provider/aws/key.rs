//! KMS keys: symmetric, rotation on, an alias under `alias/hipcloud/BLUEPRINT/`,
//! and a key policy generated from the blueprint.

use std::collections::BTreeMap;

use aws_sdk_kms::types::{KeySpec, KeyState, KeyUsageType, Tag};
use serde_json::{json, Value};

use super::context::Context;
use super::documents;
use super::error::{classify, AwsError, OrAbsent};
use super::retry::retry_invalid_principal;
use super::Clients;
use crate::address::Address;
use crate::blueprint::{Blueprint, KeySpec as KeyBlueprint};
use crate::policy_doc;
use crate::state::{Desired, FieldValue, Observed};

/// Fields `create` already sets, which `configure` skips after a create.
pub const SET_BY_CREATE: &[&str] = &["description", "key_spec", "key_usage", "origin", "key_state", "alias"];

/// AWS accepts a policy of up to 32 KB; the name of the only key policy is `default`.
const POLICY_NAME: &str = "default";

pub fn desired(blueprint: &Blueprint, key: &KeyBlueprint, ctx: &Context, tags: BTreeMap<String, String>) -> Desired {
    let policy = documents::key_policy(blueprint, key, ctx);
    Desired {
        address: key.address.clone(),
        cloud_name: ctx.alias(&key.address),
        fields: vec![
            ("description".into(), FieldValue::Json(json!(key.description))),
            ("key_spec".into(), FieldValue::Json(json!("SYMMETRIC_DEFAULT"))),
            ("key_usage".into(), FieldValue::Json(json!("ENCRYPT_DECRYPT"))),
            ("origin".into(), FieldValue::Json(json!("AWS_KMS"))),
            ("key_state".into(), FieldValue::Json(json!("Enabled"))),
            ("rotation".into(), FieldValue::Json(json!(true))),
            ("alias".into(), FieldValue::Json(json!(ctx.alias(&key.address)))),
            ("policy".into(), FieldValue::Policy(policy)),
        ],
        tags,
        immutable: &["key_spec", "key_usage", "origin"],
    }
}

/// Reads a key by ARN. Returns `None` for a key that is gone. A key pending
/// deletion is returned with only its state read (KMS rejects most reads of
/// such a key), so a plan can cancel a deletion someone scheduled by hand.
pub async fn read(
    clients: &Clients,
    address: &Address,
    arn: &str,
    tags: BTreeMap<String, String>,
) -> Result<Option<Observed>, AwsError> {
    let described = clients
        .kms
        .describe_key()
        .key_id(arn)
        .send()
        .await
        .map_err(|e| classify("kms:DescribeKey", address, e))
        .or_absent()?;
    let Some(metadata) = described.and_then(|d| d.key_metadata) else {
        return Ok(None);
    };
    let described = vec![
        (
            "description".to_string(),
            FieldValue::Json(json!(metadata.description.clone().unwrap_or_default())),
        ),
        (
            "key_spec".to_string(),
            FieldValue::Json(json!(metadata.key_spec.as_ref().map(|s| s.as_str()).unwrap_or(""))),
        ),
        (
            "key_usage".to_string(),
            FieldValue::Json(json!(metadata.key_usage.as_ref().map(|s| s.as_str()).unwrap_or(""))),
        ),
        (
            "origin".to_string(),
            FieldValue::Json(json!(metadata.origin.as_ref().map(|s| s.as_str()).unwrap_or(""))),
        ),
        (
            "key_state".to_string(),
            FieldValue::Json(json!(metadata.key_state.as_ref().map(|s| s.as_str()).unwrap_or(""))),
        ),
    ];
    if matches!(
        metadata.key_state,
        Some(KeyState::PendingDeletion) | Some(KeyState::PendingReplicaDeletion)
    ) {
        let cloud_id = metadata.arn.unwrap_or_else(|| arn.to_string());
        return Ok(Some(Observed::new(address.clone(), cloud_id, described, tags)));
    }
    let key_id = metadata.key_id.clone();
    let (policy, rotation, aliases) = tokio::try_join!(
        async {
            clients
                .kms
                .get_key_policy()
                .key_id(&key_id)
                .policy_name(POLICY_NAME)
                .send()
                .await
                .map_err(|e| classify("kms:GetKeyPolicy", address, e))
        },
        async {
            clients
                .kms
                .get_key_rotation_status()
                .key_id(&key_id)
                .send()
                .await
                .map_err(|e| classify("kms:GetKeyRotationStatus", address, e))
        },
        async {
            clients
                .kms
                .list_aliases()
                .key_id(&key_id)
                .send()
                .await
                .map_err(|e| classify("kms:ListAliases", address, e))
        },
    )?;
    let policy = match policy.policy() {
        Some(text) => {
            policy_doc::parse(text).map_err(|e| AwsError::invalid_response("kms:GetKeyPolicy", address, e))?
        }
        None => Value::Null,
    };
    let alias = aliases
        .aliases()
        .iter()
        .filter_map(|a| a.alias_name())
        .find(|name| name.starts_with("alias/hipcloud/"))
        .map(str::to_string);
    let mut fields = described;
    fields.extend([
        (
            "rotation".into(),
            FieldValue::Json(json!(rotation.key_rotation_enabled)),
        ),
        (
            "alias".into(),
            FieldValue::Json(alias.map_or(Value::Null, Value::String)),
        ),
        ("policy".into(), FieldValue::Policy(policy)),
    ]);
    Ok(Some(Observed::new(
        address.clone(),
        metadata.arn.unwrap_or_else(|| arn.to_string()),
        fields,
        tags,
    )))
}

/// Creates the key with a policy that makes only the applying principal an
/// administrator, tagged so a later plan finds it even if the next step fails.
/// The full policy follows in `configure`, once the roles it names exist.
pub async fn create(clients: &Clients, desired: &Desired, ctx: &Context) -> Result<String, AwsError> {
    let address = &desired.address;
    let bootstrap = json!({
        "Version": documents::VERSION,
        "Statement": [{
            "Sid": "KeyAdministration",
            "Effect": "Allow",
            "Principal": {"AWS": ctx.admin_principal},
            "Action": documents::KEY_ADMIN_ACTIONS,
            "Resource": "*"
        }]
    });
    let description = desired
        .field("description")
        .and_then(|v| v.canonical().as_str().map(str::to_string))
        .unwrap_or_default();
    let created = clients
        .kms
        .create_key()
        .description(description)
        .key_spec(KeySpec::SymmetricDefault)
        .key_usage(KeyUsageType::EncryptDecrypt)
        .policy(bootstrap.to_string())
        .bypass_policy_lockout_safety_check(false)
        .set_tags(Some(kms_tags(&desired.tags)))
        .send()
        .await
        .map_err(|e| classify("kms:CreateKey", address, e))?;
    let metadata = created
        .key_metadata
        .ok_or_else(|| AwsError::invalid_response("kms:CreateKey", address, "the response has no KeyMetadata"))?;
    let arn = metadata
        .arn
        .ok_or_else(|| AwsError::invalid_response("kms:CreateKey", address, "the response has no Arn"))?;
    clients
        .kms
        .create_alias()
        .alias_name(ctx.alias(address))
        .target_key_id(&metadata.key_id)
        .send()
        .await
        .map_err(|e| classify("kms:CreateAlias", address, e))?;
    Ok(arn)
}

/// Sets the listed fields (all of them after a create) to their desired values.
pub async fn configure(
    clients: &Clients,
    desired: &Desired,
    key_arn: &str,
    fields: &[String],
    ctx: &Context,
) -> Result<(), AwsError> {
    let address = &desired.address;
    let key_arn = key_id(key_arn);
    let wants = |name: &str| fields.iter().any(|f| f == name);
    if wants("key_state") {
        let state = clients
            .kms
            .describe_key()
            .key_id(key_arn)
            .send()
            .await
            .map_err(|e| classify("kms:DescribeKey", address, e))?;
        let state = state.key_metadata.and_then(|m| m.key_state);
        if state == Some(KeyState::PendingDeletion) {
            clients
                .kms
                .cancel_key_deletion()
                .key_id(key_arn)
                .send()
                .await
                .map_err(|e| classify("kms:CancelKeyDeletion", address, e))?;
        }
        if state != Some(KeyState::Enabled) {
            clients
                .kms
                .enable_key()
                .key_id(key_arn)
                .send()
                .await
                .map_err(|e| classify("kms:EnableKey", address, e))?;
        }
    }
    if wants("description") {
        let description = desired
            .field("description")
            .and_then(|v| v.canonical().as_str().map(str::to_string))
            .unwrap_or_default();
        clients
            .kms
            .update_key_description()
            .key_id(key_arn)
            .description(description)
            .send()
            .await
            .map_err(|e| classify("kms:UpdateKeyDescription", address, e))?;
    }
    if wants("rotation") {
        clients
            .kms
            .enable_key_rotation()
            .key_id(key_arn)
            .send()
            .await
            .map_err(|e| classify("kms:EnableKeyRotation", address, e))?;
    }
    if wants("alias") {
        let alias = ctx.alias(address);
        let updated = clients
            .kms
            .update_alias()
            .alias_name(&alias)
            .target_key_id(key_arn)
            .send()
            .await
            .map_err(|e| classify("kms:UpdateAlias", address, e));
        if matches!(&updated, Err(e) if e.kind == super::error::ErrorKind::NotFound) {
            clients
                .kms
                .create_alias()
                .alias_name(&alias)
                .target_key_id(key_arn)
                .send()
                .await
                .map_err(|e| classify("kms:CreateAlias", address, e))?;
        } else {
            updated?;
        }
    }
    if wants("policy") {
        let policy = desired
            .field("policy")
            .map(|v| v.value().to_string())
            .unwrap_or_default();
        retry_invalid_principal(address, &policy, ctx, || async {
            clients
                .kms
                .put_key_policy()
                .key_id(key_arn)
                .policy_name(POLICY_NAME)
                .policy(&policy)
                .bypass_policy_lockout_safety_check(false)
                .send()
                .await
                .map_err(|e| classify("kms:PutKeyPolicy", address, e))
        })
        .await?;
    }
    Ok(())
}

/// Replaces the key's tags with `tags`.
pub async fn set_tags(
    clients: &Clients,
    address: &Address,
    key_arn: &str,
    live: &BTreeMap<String, String>,
    tags: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let key_arn = key_id(key_arn);
    let stale: Vec<String> = live.keys().filter(|k| !tags.contains_key(*k)).cloned().collect();
    if !stale.is_empty() {
        clients
            .kms
            .untag_resource()
            .key_id(key_arn)
            .set_tag_keys(Some(stale))
            .send()
            .await
            .map_err(|e| classify("kms:UntagResource", address, e))?;
    }
    clients
        .kms
        .tag_resource()
        .key_id(key_arn)
        .set_tags(Some(kms_tags(tags)))
        .send()
        .await
        .map_err(|e| classify("kms:TagResource", address, e))?;
    Ok(())
}

/// Schedules the key for deletion after `window_days` and removes its alias.
pub async fn delete(clients: &Clients, address: &Address, key_arn: &str, window_days: i32) -> Result<(), AwsError> {
    let key_arn = key_id(key_arn);
    let aliases = clients
        .kms
        .list_aliases()
        .key_id(key_arn)
        .send()
        .await
        .map_err(|e| classify("kms:ListAliases", address, e))?;
    for alias in aliases
        .aliases()
        .iter()
        .filter_map(|a| a.alias_name())
        .filter(|n| n.starts_with("alias/hipcloud/"))
    {
        clients
            .kms
            .delete_alias()
            .alias_name(alias)
            .send()
            .await
            .map_err(|e| classify("kms:DeleteAlias", address, e))?;
    }
    clients
        .kms
        .schedule_key_deletion()
        .key_id(key_arn)
        .pending_window_in_days(window_days)
        .send()
        .await
        .map_err(|e| classify("kms:ScheduleKeyDeletion", address, e))?;
    Ok(())
}

/// The key id part of a key ARN. KMS accepts either, but moto 5.2.5 fails with
/// HTTP 500 on some operations (EnableKey, ScheduleKeyDeletion) given an ARN.
fn key_id(arn: &str) -> &str {
    arn.rsplit_once(":key/").map_or(arn, |(_, id)| id)
}

fn kms_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .filter_map(|(k, v)| Tag::builder().tag_key(k).tag_value(v).build().ok())
        .collect()
}
