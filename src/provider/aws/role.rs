//! IAM roles under the path `/hipcloud/BLUEPRINT/`: a trust policy from
//! `assumed_by`, one inline policy built from the grants, and nothing else.
//! Inline or attached policies added by hand are drift and are removed.

use std::collections::BTreeMap;

use aws_sdk_iam::types::Tag;
use serde_json::{json, Value};

use super::context::Context;
use super::documents;
use super::error::{classify, AwsError, OrAbsent};
use super::retry::retry_invalid_principal;
use super::Clients;
use crate::address::Address;
use crate::blueprint::{Blueprint, RoleSpec};
use crate::policy_doc;
use crate::state::{Desired, FieldValue, Observed};

/// The name of the inline policy hipcloud manages on each role.
pub const MANAGED_POLICY: &str = "hipcloud-grants";
/// Fields `create` already sets, which `configure` skips after a create.
pub const SET_BY_CREATE: &[&str] = &[
    "name",
    "path",
    "description",
    "trust_policy",
    "max_session_duration",
    "permissions_boundary",
    "attached_policies",
];
const INLINE_PREFIX: &str = "inline_policy.";

pub fn desired(blueprint: &Blueprint, role: &RoleSpec, ctx: &Context, tags: BTreeMap<String, String>) -> Desired {
    let mut fields = vec![
        ("name".into(), FieldValue::Json(json!(role.name))),
        ("path".into(), FieldValue::Json(json!(ctx.role_path()))),
        ("description".into(), FieldValue::Json(json!(role.description))),
        (
            "trust_policy".into(),
            FieldValue::Policy(documents::trust_policy(role, ctx)),
        ),
        (
            "max_session_duration".into(),
            FieldValue::Json(json!(role.max_session_hours * 3600)),
        ),
        (
            "permissions_boundary".into(),
            FieldValue::Json(role.permissions_boundary.as_ref().map_or(Value::Null, |b| json!(b))),
        ),
        ("attached_policies".into(), FieldValue::Json(json!([]))),
    ];
    if let Some(policy) = documents::role_policy(blueprint, role, ctx) {
        fields.push((format!("{INLINE_PREFIX}{MANAGED_POLICY}"), FieldValue::Policy(policy)));
    }
    Desired {
        address: role.address.clone(),
        cloud_name: role.name.clone(),
        fields,
        tags,
        immutable: &["name", "path"],
    }
}

/// Reads a role by name: 3 calls plus one per inline policy.
pub async fn read(clients: &Clients, address: &Address, name: &str) -> Result<Option<Observed>, AwsError> {
    let iam = &clients.iam;
    // The role, its inline policies and its attached policies are read at once,
    // so a role costs two round trips: the inline documents need their names.
    let (role, inline, attached) = tokio::try_join!(
        async {
            iam.get_role()
                .role_name(name)
                .send()
                .await
                .map_err(|e| classify("iam:GetRole", address, e))
                .or_absent()
        },
        async {
            let mut names = Vec::new();
            let mut pages = iam.list_role_policies().role_name(name).into_paginator().send();
            while let Some(page) = pages.next().await {
                match page
                    .map_err(|e| classify("iam:ListRolePolicies", address, e))
                    .or_absent()?
                {
                    Some(page) => names.extend(page.policy_names),
                    None => return Ok(None),
                }
            }
            let documents = futures::future::try_join_all(names.iter().map(|policy_name| async move {
                let output = iam
                    .get_role_policy()
                    .role_name(name)
                    .policy_name(policy_name)
                    .send()
                    .await
                    .map_err(|e| classify("iam:GetRolePolicy", address, e))?;
                let document = parse_document("iam:GetRolePolicy", address, &output.policy_document)?;
                Ok::<_, AwsError>((format!("{INLINE_PREFIX}{policy_name}"), FieldValue::Policy(document)))
            }))
            .await?;
            Ok::<_, AwsError>(Some(documents))
        },
        async {
            let mut arns = Vec::new();
            let mut pages = iam
                .list_attached_role_policies()
                .role_name(name)
                .into_paginator()
                .send();
            while let Some(page) = pages.next().await {
                match page
                    .map_err(|e| classify("iam:ListAttachedRolePolicies", address, e))
                    .or_absent()?
                {
                    Some(page) => arns.extend(
                        page.attached_policies()
                            .iter()
                            .filter_map(|p| p.policy_arn().map(str::to_string)),
                    ),
                    None => return Ok(None),
                }
            }
            arns.sort();
            Ok::<_, AwsError>(Some(arns))
        },
    )?;
    // A role deleted while it was being read is absent.
    let (Some(role), Some(inline), Some(attached)) = (role.and_then(|r| r.role), inline, attached) else {
        return Ok(None);
    };

    let trust = parse_document(
        "iam:GetRole",
        address,
        role.assume_role_policy_document().unwrap_or("{}"),
    )?;
    let tags: BTreeMap<String, String> = role
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    let mut fields = vec![
        ("name".into(), FieldValue::Json(json!(role.role_name()))),
        ("path".into(), FieldValue::Json(json!(role.path()))),
        (
            "description".into(),
            FieldValue::Json(json!(role.description().unwrap_or_default())),
        ),
        ("trust_policy".into(), FieldValue::Policy(trust)),
        (
            "max_session_duration".into(),
            FieldValue::Json(json!(role.max_session_duration().unwrap_or(3600))),
        ),
        (
            "permissions_boundary".into(),
            FieldValue::Json(
                role.permissions_boundary()
                    .and_then(|b| b.permissions_boundary_arn())
                    .map_or(Value::Null, |a| json!(a)),
            ),
        ),
        ("attached_policies".into(), FieldValue::Json(json!(attached))),
    ];
    // hipcloud writes one inline policy and attaches none: anything else was
    // added outside hipcloud.
    let mut unmanaged: Vec<String> = inline
        .iter()
        .map(|(name, _)| name.clone())
        .filter(|name| name != &format!("{INLINE_PREFIX}{MANAGED_POLICY}"))
        .collect();
    if !attached.is_empty() {
        unmanaged.push("attached_policies".into());
    }
    fields.extend(inline);
    let mut observed = Observed::new(address.clone(), role.role_name(), fields, tags);
    observed.unmanaged = unmanaged;
    Ok(Some(observed))
}

fn parse_document(api: &'static str, address: &Address, text: &str) -> Result<Value, AwsError> {
    policy_doc::parse(text).map_err(|e| AwsError::invalid_response(api, address, e))
}

fn text_field(desired: &Desired, name: &str) -> Option<String> {
    desired
        .field(name)
        .and_then(|v| v.canonical().as_str().map(str::to_string))
}

/// Creates the role with its trust policy and tags; the inline policy follows
/// in `configure`, once the keys it names exist. Returns the role's ARN.
pub async fn create(clients: &Clients, desired: &Desired, ctx: &Context) -> Result<String, AwsError> {
    let address = &desired.address;
    let trust = desired
        .field("trust_policy")
        .map(|v| v.value().to_string())
        .unwrap_or_default();
    let seconds = desired
        .field("max_session_duration")
        .and_then(|v| v.canonical().as_i64())
        .unwrap_or(3600) as i32;
    let created = retry_invalid_principal(address, &trust, ctx, || async {
        clients
            .iam
            .create_role()
            .role_name(&desired.cloud_name)
            .path(ctx.role_path())
            .assume_role_policy_document(&trust)
            .set_description(text_field(desired, "description"))
            .max_session_duration(seconds)
            .set_permissions_boundary(text_field(desired, "permissions_boundary"))
            .set_tags(Some(iam_tags(&desired.tags)))
            .send()
            .await
            .map_err(|e| classify("iam:CreateRole", address, e))
    })
    .await?;
    let arn = created
        .role
        .map(|r| r.arn)
        .ok_or_else(|| AwsError::invalid_response("iam:CreateRole", address, "the response has no Role"))?;
    Ok(arn)
}

/// Sets the listed fields. A field listed without a desired value (an inline
/// policy added by hand) is removed.
pub async fn configure(
    clients: &Clients,
    desired: &Desired,
    fields: &[String],
    observed: Option<&Observed>,
    ctx: &Context,
) -> Result<(), AwsError> {
    let address = &desired.address;
    let iam = &clients.iam;
    let name = desired.cloud_name.as_str();
    let wants = |field: &str| fields.iter().any(|f| f == field);

    if wants("trust_policy") {
        let trust = desired
            .field("trust_policy")
            .map(|v| v.value().to_string())
            .unwrap_or_default();
        retry_invalid_principal(address, &trust, ctx, || async {
            iam.update_assume_role_policy()
                .role_name(name)
                .policy_document(&trust)
                .send()
                .await
                .map_err(|e| classify("iam:UpdateAssumeRolePolicy", address, e))
        })
        .await?;
    }
    if wants("description") || wants("max_session_duration") {
        let seconds = desired
            .field("max_session_duration")
            .and_then(|v| v.canonical().as_i64())
            .unwrap_or(3600) as i32;
        iam.update_role()
            .role_name(name)
            .description(text_field(desired, "description").unwrap_or_default())
            .max_session_duration(seconds)
            .send()
            .await
            .map_err(|e| classify("iam:UpdateRole", address, e))?;
    }
    if wants("permissions_boundary") {
        match text_field(desired, "permissions_boundary") {
            Some(arn) => {
                iam.put_role_permissions_boundary()
                    .role_name(name)
                    .permissions_boundary(arn)
                    .send()
                    .await
                    .map_err(|e| classify("iam:PutRolePermissionsBoundary", address, e))?;
            }
            None => {
                iam.delete_role_permissions_boundary()
                    .role_name(name)
                    .send()
                    .await
                    .map_err(|e| classify("iam:DeleteRolePermissionsBoundary", address, e))?;
            }
        }
    }
    if wants("attached_policies") {
        let attached = observed
            .and_then(|o| o.field("attached_policies"))
            .map(FieldValue::canonical)
            .unwrap_or_else(|| json!([]));
        for arn in attached.as_array().into_iter().flatten().filter_map(Value::as_str) {
            iam.detach_role_policy()
                .role_name(name)
                .policy_arn(arn)
                .send()
                .await
                .map_err(|e| classify("iam:DetachRolePolicy", address, e))?;
        }
    }
    for field in fields.iter().filter(|f| f.starts_with(INLINE_PREFIX)) {
        let policy_name = &field[INLINE_PREFIX.len()..];
        match desired.field(field) {
            Some(policy) => {
                let document = policy.value().to_string();
                iam.put_role_policy()
                    .role_name(name)
                    .policy_name(policy_name)
                    .policy_document(document)
                    .send()
                    .await
                    .map_err(|e| classify("iam:PutRolePolicy", address, e))?;
            }
            None => {
                iam.delete_role_policy()
                    .role_name(name)
                    .policy_name(policy_name)
                    .send()
                    .await
                    .map_err(|e| classify("iam:DeleteRolePolicy", address, e))?;
            }
        }
    }
    Ok(())
}

pub async fn set_tags(
    clients: &Clients,
    address: &Address,
    name: &str,
    live: &BTreeMap<String, String>,
    tags: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let stale: Vec<String> = live.keys().filter(|k| !tags.contains_key(*k)).cloned().collect();
    if !stale.is_empty() {
        clients
            .iam
            .untag_role()
            .role_name(name)
            .set_tag_keys(Some(stale))
            .send()
            .await
            .map_err(|e| classify("iam:UntagRole", address, e))?;
    }
    clients
        .iam
        .tag_role()
        .role_name(name)
        .set_tags(Some(iam_tags(tags)))
        .send()
        .await
        .map_err(|e| classify("iam:TagRole", address, e))?;
    Ok(())
}

/// Removes inline and attached policies, then the role.
pub async fn delete(clients: &Clients, address: &Address, name: &str) -> Result<(), AwsError> {
    let iam = &clients.iam;
    let Some(observed) = read(clients, address, name).await? else {
        return Ok(());
    };
    for (field, _) in observed.fields.iter().filter(|(f, _)| f.starts_with(INLINE_PREFIX)) {
        let policy_name = &field[INLINE_PREFIX.len()..];
        iam.delete_role_policy()
            .role_name(name)
            .policy_name(policy_name)
            .send()
            .await
            .map_err(|e| classify("iam:DeleteRolePolicy", address, e))?;
    }
    let attached = observed
        .field("attached_policies")
        .map(FieldValue::canonical)
        .unwrap_or_else(|| json!([]));
    for arn in attached.as_array().into_iter().flatten().filter_map(Value::as_str) {
        iam.detach_role_policy()
            .role_name(name)
            .policy_arn(arn)
            .send()
            .await
            .map_err(|e| classify("iam:DetachRolePolicy", address, e))?;
    }
    iam.delete_role()
        .role_name(name)
        .send()
        .await
        .map_err(|e| classify("iam:DeleteRole", address, e))?;
    Ok(())
}

fn iam_tags(tags: &BTreeMap<String, String>) -> Vec<Tag> {
    tags.iter()
        .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
        .collect()
}
