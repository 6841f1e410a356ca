//! SageMaker Studio domains: always `VpcOnly`, the home EFS volume under a
//! blueprint key, a blueprint role as default execution role, and notebook
//! output sharing disabled.
//!
//! `UpdateDomainInput` sets the execution role, security groups, sharing,
//! `AppNetworkAccessType` and `SubnetIds` in place (the last two only while no
//! app runs). The name, `AuthMode` and `KmsKeyId` have no update field, and its
//! `VpcId` serves only Unified Studio domains created without a VPC, so those
//! four force a replacement.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_sagemaker::types::{
    AppNetworkAccessType, AppStatus, AuthMode, NotebookOutputOption, RetentionPolicy, RetentionType, SharingSettings,
    Tag, UserSettings,
};
use serde_json::{json, Value};

use super::context::Context;
use super::error::{classify, AwsError, OrAbsent};
use super::Clients;
use crate::address::Address;
use crate::blueprint::{Blueprint, SageMakerDomainSpec};
use crate::state::{Desired, FieldValue, Observed};

/// Fields `create` already sets, which `configure` skips after a create.
pub const SET_BY_CREATE: &[&str] = &[
    "name",
    "vpc_id",
    "auth_mode",
    "kms_key",
    "app_network_access_type",
    "subnet_ids",
    "default_security_groups",
    "execution_role",
    "notebook_sharing",
];

/// Fields AWS changes only while no app of the domain is running.
const NEED_NO_APPS: &[&str] = &["app_network_access_type", "subnet_ids"];

/// How long apply waits for a new domain to be `InService`, and how often it asks.
#[derive(Clone, Copy, Debug)]
pub struct Waiting {
    pub timeout: Duration,
    pub interval: Duration,
}

impl Default for Waiting {
    /// A domain is usually in service within a few minutes; 30 minutes leaves
    /// room for a slow VPC set-up.
    fn default() -> Self {
        Waiting {
            timeout: Duration::from_secs(30 * 60),
            interval: Duration::from_secs(15),
        }
    }
}

pub fn desired(
    blueprint: &Blueprint,
    domain: &SageMakerDomainSpec,
    ctx: &Context,
    tags: BTreeMap<String, String>,
) -> Desired {
    let sorted = |ids: &[String]| {
        let mut ids = ids.to_vec();
        ids.sort();
        json!(ids)
    };
    let role = blueprint
        .role(&domain.execution_role)
        .map_or(Value::Null, |r| json!(ctx.role_arn(r)));
    Desired {
        address: domain.address.clone(),
        cloud_name: domain.name.clone(),
        fields: vec![
            ("name".into(), FieldValue::Json(json!(domain.name))),
            ("vpc_id".into(), FieldValue::Json(json!(domain.vpc_id))),
            ("auth_mode".into(), FieldValue::Json(json!(domain.auth_mode))),
            ("kms_key".into(), FieldValue::Json(json!(ctx.key_arn(&domain.key)))),
            ("app_network_access_type".into(), FieldValue::Json(json!("VpcOnly"))),
            ("subnet_ids".into(), FieldValue::Json(sorted(&domain.subnet_ids))),
            (
                "default_security_groups".into(),
                FieldValue::Json(sorted(&domain.security_group_ids)),
            ),
            ("execution_role".into(), FieldValue::Json(role)),
            ("notebook_sharing".into(), FieldValue::Json(json!("Disabled"))),
        ],
        tags,
        immutable: &["name", "vpc_id", "auth_mode", "kms_key"],
    }
}

/// Reads a domain by id: one call. With `check_teardown`, also lists what must
/// be deleted before the domain can be (apps, spaces, user profiles).
pub async fn read(
    clients: &Clients,
    address: &Address,
    domain_id: &str,
    tags: BTreeMap<String, String>,
    check_teardown: bool,
) -> Result<Option<Observed>, AwsError> {
    let described = clients
        .sagemaker
        .describe_domain()
        .domain_id(domain_id)
        .send()
        .await
        .map_err(|e| classify("sagemaker:DescribeDomain", address, e))
        .or_absent()?;
    let Some(domain) = described else { return Ok(None) };
    if domain.status().is_some_and(|s| s.as_str() == "Deleting") {
        return Ok(None);
    }
    let settings = domain.default_user_settings();
    let mut subnets = domain.subnet_ids().to_vec();
    subnets.sort();
    let mut groups = settings.map(|s| s.security_groups().to_vec()).unwrap_or_default();
    groups.sort();
    let text = |value: Option<&str>| value.map_or(Value::Null, |v| json!(v));
    let sharing = settings
        .and_then(|s| s.sharing_settings())
        .and_then(|s| s.notebook_output_option())
        .map_or(json!("Disabled"), |o| json!(o.as_str()));
    let fields = vec![
        ("name".into(), FieldValue::Json(text(domain.domain_name()))),
        ("vpc_id".into(), FieldValue::Json(text(domain.vpc_id()))),
        (
            "auth_mode".into(),
            FieldValue::Json(domain.auth_mode().map_or(Value::Null, |m| json!(m.as_str()))),
        ),
        ("kms_key".into(), FieldValue::Json(text(domain.kms_key_id()))),
        (
            "app_network_access_type".into(),
            FieldValue::Json(
                domain
                    .app_network_access_type()
                    .map_or(Value::Null, |t| json!(t.as_str())),
            ),
        ),
        ("subnet_ids".into(), FieldValue::Json(json!(subnets))),
        ("default_security_groups".into(), FieldValue::Json(json!(groups))),
        (
            "execution_role".into(),
            FieldValue::Json(text(settings.and_then(|s| s.execution_role()))),
        ),
        ("notebook_sharing".into(), FieldValue::Json(sharing)),
    ];
    let dependents = if check_teardown {
        Some(dependents(clients, address, domain_id).await?)
    } else {
        None
    };
    let mut observed = Observed::new(address.clone(), domain_id, fields, tags);
    observed.dependents = dependents;
    observed.home_efs = domain.home_efs_file_system_id().map(str::to_string);
    Ok(Some(observed))
}

/// Lists, in the order they must be deleted, the apps, spaces and user
/// profiles of a domain: AWS refuses to delete a domain that still has them.
pub async fn dependents(clients: &Clients, address: &Address, domain_id: &str) -> Result<Vec<String>, AwsError> {
    let sagemaker = &clients.sagemaker;
    let mut found = Vec::new();
    let mut pages = sagemaker
        .list_apps()
        .domain_id_equals(domain_id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("sagemaker:ListApps", address, e))?;
        for app in page.apps().iter().filter(|a| a.status() != Some(&AppStatus::Deleted)) {
            let owner = app
                .user_profile_name()
                .map(|u| format!("user profile {u}"))
                .or_else(|| app.space_name().map(|s| format!("space {s}")));
            let kind = app.app_type().map_or("app", |t| t.as_str());
            found.push(format!(
                "app {} ({kind}) of {}",
                app.app_name().unwrap_or("?"),
                owner.unwrap_or_else(|| "the domain".into())
            ));
        }
    }
    let mut pages = sagemaker
        .list_spaces()
        .domain_id_equals(domain_id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("sagemaker:ListSpaces", address, e))?;
        found.extend(
            page.spaces()
                .iter()
                .filter_map(|s| s.space_name())
                .map(|s| format!("space {s}")),
        );
    }
    let mut pages = sagemaker
        .list_user_profiles()
        .domain_id_equals(domain_id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("sagemaker:ListUserProfiles", address, e))?;
        found.extend(
            page.user_profiles()
                .iter()
                .filter_map(|u| u.user_profile_name())
                .map(|u| format!("user profile {u}")),
        );
    }
    Ok(found)
}

fn text_field(desired: &Desired, name: &str) -> Option<String> {
    desired.field(name).and_then(|v| v.value().as_str().map(str::to_string))
}

fn list_field(desired: &Desired, name: &str) -> Vec<String> {
    desired
        .field(name)
        .and_then(|v| v.value().as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

fn sharing_disabled() -> SharingSettings {
    SharingSettings::builder()
        .notebook_output_option(NotebookOutputOption::Disabled)
        .build()
}

/// Creates the domain, then waits until it is in service. Returns the domain id.
pub async fn create(clients: &Clients, desired: &Desired, waiting: Waiting) -> Result<String, AwsError> {
    let address = &desired.address;
    let settings = UserSettings::builder()
        .set_execution_role(text_field(desired, "execution_role"))
        .set_security_groups(Some(list_field(desired, "default_security_groups")))
        .sharing_settings(sharing_disabled())
        .build();
    let tags: Vec<Tag> = desired
        .tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    let created = clients
        .sagemaker
        .create_domain()
        .domain_name(&desired.cloud_name)
        .auth_mode(AuthMode::from(
            text_field(desired, "auth_mode").unwrap_or_default().as_str(),
        ))
        .default_user_settings(settings)
        .set_subnet_ids(Some(list_field(desired, "subnet_ids")))
        .set_vpc_id(text_field(desired, "vpc_id"))
        .app_network_access_type(AppNetworkAccessType::VpcOnly)
        .set_kms_key_id(text_field(desired, "kms_key"))
        .set_tags(Some(tags))
        .send()
        .await
        .map_err(|e| classify("sagemaker:CreateDomain", address, e))?;
    let arn = created.domain_arn().unwrap_or_default();
    let domain_id = arn
        .rsplit_once("domain/")
        .map(|(_, id)| id.to_string())
        .unwrap_or_default();
    wait_in_service(clients, address, &domain_id, waiting).await?;
    Ok(domain_id)
}

async fn wait_in_service(
    clients: &Clients,
    address: &Address,
    domain_id: &str,
    waiting: Waiting,
) -> Result<(), AwsError> {
    let started = tokio::time::Instant::now();
    loop {
        let domain = clients
            .sagemaker
            .describe_domain()
            .domain_id(domain_id)
            .send()
            .await
            .map_err(|e| classify("sagemaker:DescribeDomain", address, e))?;
        let status = domain.status().map(|s| s.as_str().to_string()).unwrap_or_default();
        match status.as_str() {
            "InService" => return Ok(()),
            "Failed" | "Update_Failed" | "Delete_Failed" => {
                return Err(AwsError::new(
                    "sagemaker:CreateDomain",
                    address,
                    &format!("Domain{status}"),
                    format!(
                        "domain {domain_id} failed: {}",
                        domain.failure_reason().unwrap_or("no reason given")
                    ),
                ));
            }
            _ => {}
        }
        if started.elapsed() >= waiting.timeout {
            return Err(AwsError::new("sagemaker:DescribeDomain", address, "TimedOut", format!("domain {domain_id} is still {status} after {} minutes; run plan later to see when it is in service", waiting.timeout.as_secs() / 60)));
        }
        tracing::info!(%address, domain_id, status, "waiting for the domain to be in service");
        tokio::time::sleep(waiting.interval).await;
    }
}

/// Sends one `UpdateDomain` with only the changed fields, plus what the API
/// needs alongside them. Refuses while apps run if a field that needs no apps
/// changes.
pub async fn configure(
    clients: &Clients,
    desired: &Desired,
    domain_id: &str,
    fields: &[String],
) -> Result<(), AwsError> {
    let address = &desired.address;
    let changed = |name: &str| fields.iter().any(|f| f == name);
    if ![
        "app_network_access_type",
        "subnet_ids",
        "default_security_groups",
        "execution_role",
        "notebook_sharing",
    ]
    .iter()
    .any(|f| changed(f))
    {
        return Ok(());
    }
    if NEED_NO_APPS.iter().any(|f| changed(f)) {
        let running = running_apps(clients, address, domain_id).await?;
        if !running.is_empty() {
            return Err(AwsError::new("sagemaker:UpdateDomain", address, "AppsRunning", format!(
                    "AWS changes the network access type and subnets only while no app runs; still running: {}. Stop them, then apply again",
                    running.join(", ")
                )));
        }
    }

    let mut request = clients.sagemaker.update_domain().domain_id(domain_id);
    let mut settings = UserSettings::builder();
    let mut with_settings = false;
    if changed("app_network_access_type") {
        // VpcOnly needs the subnets and security groups it will use.
        request = request
            .app_network_access_type(AppNetworkAccessType::VpcOnly)
            .set_subnet_ids(Some(list_field(desired, "subnet_ids")));
        settings = settings.set_security_groups(Some(list_field(desired, "default_security_groups")));
        with_settings = true;
    }
    if changed("subnet_ids") {
        request = request.set_subnet_ids(Some(list_field(desired, "subnet_ids")));
    }
    if changed("default_security_groups") {
        settings = settings.set_security_groups(Some(list_field(desired, "default_security_groups")));
        with_settings = true;
    }
    if changed("execution_role") {
        settings = settings.set_execution_role(text_field(desired, "execution_role"));
        with_settings = true;
    }
    if changed("notebook_sharing") {
        settings = settings.sharing_settings(sharing_disabled());
        with_settings = true;
    }
    if with_settings {
        request = request.default_user_settings(settings.build());
    }
    request
        .send()
        .await
        .map_err(|e| classify("sagemaker:UpdateDomain", address, e))?;
    Ok(())
}

async fn running_apps(clients: &Clients, address: &Address, domain_id: &str) -> Result<Vec<String>, AwsError> {
    let mut running = Vec::new();
    let mut pages = clients
        .sagemaker
        .list_apps()
        .domain_id_equals(domain_id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("sagemaker:ListApps", address, e))?;
        let active = page.apps().iter().filter(|a| {
            matches!(
                a.status(),
                Some(AppStatus::InService | AppStatus::Pending | AppStatus::Deleting)
            )
        });
        running.extend(active.filter_map(|a| a.app_name()).map(str::to_string));
    }
    Ok(running)
}

pub async fn set_tags(
    clients: &Clients,
    address: &Address,
    arn: &str,
    live: &BTreeMap<String, String>,
    tags: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let stale: Vec<String> = live.keys().filter(|k| !tags.contains_key(*k)).cloned().collect();
    if !stale.is_empty() {
        clients
            .sagemaker
            .delete_tags()
            .resource_arn(arn)
            .set_tag_keys(Some(stale))
            .send()
            .await
            .map_err(|e| classify("sagemaker:DeleteTags", address, e))?;
    }
    let tags: Vec<Tag> = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    clients
        .sagemaker
        .add_tags()
        .resource_arn(arn)
        .set_tags(Some(tags))
        .send()
        .await
        .map_err(|e| classify("sagemaker:AddTags", address, e))?;
    Ok(())
}

/// Deletes the domain, keeping its home EFS volume (retention `Retain`): the
/// volume holds users' files, which can be PHI. The caller must have deleted
/// the domain's apps, spaces and user profiles; AWS refuses otherwise.
/// Returns the retained volume's id.
pub async fn delete(
    clients: &Clients,
    address: &Address,
    domain_id: &str,
    home_efs: Option<&str>,
) -> Result<Option<String>, AwsError> {
    let remaining = dependents(clients, address, domain_id).await?;
    if !remaining.is_empty() {
        return Err(AwsError::new(
            "sagemaker:DeleteDomain",
            address,
            "DomainNotEmpty",
            format!("delete these first, in this order: {}", remaining.join(", ")),
        ));
    }
    let retain = RetentionPolicy::builder()
        .home_efs_file_system(RetentionType::Retain)
        .build();
    clients
        .sagemaker
        .delete_domain()
        .domain_id(domain_id)
        .retention_policy(retain)
        .send()
        .await
        .map_err(|e| classify("sagemaker:DeleteDomain", address, e))?;
    Ok(home_efs.map(str::to_string))
}
