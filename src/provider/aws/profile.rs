//! SageMaker user profiles: one per person in a domain, with notebook sharing
//! disabled and, where the blueprint says so, an execution role of their own.

use std::collections::BTreeMap;

use aws_sdk_sagemaker::types::{NotebookOutputOption, SharingSettings, Tag, UserSettings};
use serde_json::{json, Value};

use super::context::Context;
use super::error::{classify, AwsError, OrAbsent};
use super::Clients;
use crate::address::Address;
use crate::blueprint::{Blueprint, SageMakerUserProfileSpec};
use crate::state::{known_after_apply, Desired, FieldValue, Observed};

/// Fields `create` already sets, which `configure` skips after a create.
pub const SET_BY_CREATE: &[&str] = &["name", "domain_id", "execution_role", "notebook_sharing"];

/// The cloud id of a profile: its domain id and name, as in its ARN.
pub fn cloud_id(domain_id: &str, name: &str) -> String {
    format!("{domain_id}/{name}")
}

pub fn desired(
    blueprint: &Blueprint,
    profile: &SageMakerUserProfileSpec,
    ctx: &Context,
    tags: BTreeMap<String, String>,
) -> Desired {
    let domain_id = ctx
        .domain_ids
        .get(&profile.domain)
        .cloned()
        .unwrap_or_else(|| known_after_apply(&profile.domain));
    // Without a role of its own, the profile names the domain's role: AWS cannot
    // remove a profile's role once set, so leaving it unset could never undo one.
    let role_address = profile
        .execution_role
        .as_ref()
        .or_else(|| blueprint.sagemaker_domain(&profile.domain).map(|d| &d.execution_role));
    let role = role_address
        .and_then(|r| blueprint.role(r))
        .map_or(Value::Null, |r| json!(ctx.role_arn(r)));
    Desired {
        address: profile.address.clone(),
        cloud_name: cloud_id(&domain_id, &profile.name),
        fields: vec![
            ("name".into(), FieldValue::Json(json!(profile.name))),
            ("domain_id".into(), FieldValue::Json(json!(domain_id))),
            ("execution_role".into(), FieldValue::Json(role)),
            ("notebook_sharing".into(), FieldValue::Json(json!("Disabled"))),
        ],
        tags,
        immutable: &["name", "domain_id"],
    }
}

fn split(cloud_id: &str) -> (&str, &str) {
    cloud_id.split_once('/').unwrap_or((cloud_id, ""))
}

/// Reads a profile by `DOMAIN_ID/NAME`: one call.
pub async fn read(
    clients: &Clients,
    address: &Address,
    cloud_id: &str,
    tags: BTreeMap<String, String>,
) -> Result<Option<Observed>, AwsError> {
    let (domain_id, name) = split(cloud_id);
    let described = clients
        .sagemaker
        .describe_user_profile()
        .domain_id(domain_id)
        .user_profile_name(name)
        .send()
        .await
        .map_err(|e| classify("sagemaker:DescribeUserProfile", address, e))
        .or_absent()?;
    let Some(profile) = described else { return Ok(None) };
    let settings = profile.user_settings();
    let sharing = settings
        .and_then(|s| s.sharing_settings())
        .and_then(|s| s.notebook_output_option())
        .map_or(json!("Disabled"), |o| json!(o.as_str()));
    let fields = vec![
        ("name".into(), FieldValue::Json(json!(name))),
        ("domain_id".into(), FieldValue::Json(json!(domain_id))),
        (
            "execution_role".into(),
            FieldValue::Json(
                settings
                    .and_then(|s| s.execution_role())
                    .map_or(Value::Null, |r| json!(r)),
            ),
        ),
        ("notebook_sharing".into(), FieldValue::Json(sharing)),
    ];
    Ok(Some(Observed::new(address.clone(), cloud_id, fields, tags)))
}

fn settings(desired: &Desired, fields: Option<&[String]>) -> UserSettings {
    let wants = |name: &str| fields.is_none_or(|f| f.iter().any(|x| x == name));
    let mut settings = UserSettings::builder();
    if wants("execution_role") {
        settings = settings.set_execution_role(
            desired
                .field("execution_role")
                .and_then(|v| v.value().as_str().map(str::to_string)),
        );
    }
    if wants("notebook_sharing") {
        settings = settings.sharing_settings(
            SharingSettings::builder()
                .notebook_output_option(NotebookOutputOption::Disabled)
                .build(),
        );
    }
    settings.build()
}

pub async fn create(clients: &Clients, desired: &Desired) -> Result<(), AwsError> {
    let (domain_id, name) = split(&desired.cloud_name);
    let tags: Vec<Tag> = desired
        .tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    clients
        .sagemaker
        .create_user_profile()
        .domain_id(domain_id)
        .user_profile_name(name)
        .user_settings(settings(desired, None))
        .set_tags(Some(tags))
        .send()
        .await
        .map_err(|e| classify("sagemaker:CreateUserProfile", &desired.address, e))?;
    Ok(())
}

/// Sends one `UpdateUserProfile` with only the changed settings.
pub async fn configure(clients: &Clients, desired: &Desired, fields: &[String]) -> Result<(), AwsError> {
    if !fields.iter().any(|f| f == "execution_role" || f == "notebook_sharing") {
        return Ok(());
    }
    let (domain_id, name) = split(&desired.cloud_name);
    clients
        .sagemaker
        .update_user_profile()
        .domain_id(domain_id)
        .user_profile_name(name)
        .user_settings(settings(desired, Some(fields)))
        .send()
        .await
        .map_err(|e| classify("sagemaker:UpdateUserProfile", &desired.address, e))?;
    Ok(())
}

pub fn arn(ctx: &Context, cloud_id: &str) -> String {
    format!(
        "arn:{}:sagemaker:{}:{}:user-profile/{cloud_id}",
        ctx.partition, ctx.region, ctx.account
    )
}

/// Deletes the profile. AWS refuses while the person's apps or spaces exist;
/// the person's files stay on the domain's home EFS volume.
pub async fn delete(clients: &Clients, address: &Address, cloud_id: &str) -> Result<(), AwsError> {
    let (domain_id, name) = split(cloud_id);
    clients
        .sagemaker
        .delete_user_profile()
        .domain_id(domain_id)
        .user_profile_name(name)
        .send()
        .await
        .map_err(|e| classify("sagemaker:DeleteUserProfile", address, e))?;
    Ok(())
}
