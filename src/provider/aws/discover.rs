//! Finds the resources a blueprint owns in the live account: buckets and keys by
//! their `hipcloud:blueprint` tag (one paged Resource Groups Tagging API call),
//! roles by their IAM path (one paged `ListRoles` call).

use std::collections::BTreeMap;

use aws_sdk_resourcegroupstagging::types::TagFilter;

use super::context::role_path;
use super::error::{classify, AwsError};
use super::Clients;
use crate::address::{Address, Kind};
use crate::state::{TAG_ADDRESS, TAG_BLUEPRINT};

/// A tagged resource: its ARN and tags.
#[derive(Clone, Debug)]
pub struct Tagged {
    pub arn: String,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Default)]
pub struct Discovered {
    /// Keys by address. More than one key can carry an address: keys pending
    /// deletion keep their tags.
    pub keys: BTreeMap<Address, Vec<Tagged>>,
    /// Buckets by address, with their names.
    pub buckets: BTreeMap<Address, Vec<(String, Tagged)>>,
    /// Role names under the blueprint's path.
    pub roles: Vec<String>,
    /// SageMaker domains by address, with their ids.
    pub sagemaker_domains: BTreeMap<Address, Vec<(String, Tagged)>>,
    /// SageMaker user profiles by address, with their `DOMAIN_ID/NAME` ids.
    pub sagemaker_user_profiles: BTreeMap<Address, Vec<(String, Tagged)>>,
    /// Glue connections by address, with their names.
    pub glue_connections: BTreeMap<Address, Vec<(String, Tagged)>>,
}

pub async fn discover(clients: &Clients, blueprint: &str) -> Result<Discovered, AwsError> {
    let (tagged, roles) = tokio::try_join!(tagged_resources(clients, blueprint), roles_on_path(clients, blueprint))?;
    let mut found = Discovered {
        roles,
        ..Discovered::default()
    };
    for (arn, tags) in tagged {
        let Some(address) = tags.get(TAG_ADDRESS).and_then(|a| Address::parse(a)) else {
            tracing::warn!(
                arn,
                "resource carries the blueprint tag but no valid {TAG_ADDRESS} tag; ignored"
            );
            continue;
        };
        let kind_in_arn = arn.split(':').nth(2).unwrap_or_default();
        match (address.kind, kind_in_arn) {
            (Kind::Key, "kms") => found.keys.entry(address).or_default().push(Tagged { arn, tags }),
            (Kind::Bucket, "s3") => {
                let name = arn.rsplit(':').next().unwrap_or_default().to_string();
                found
                    .buckets
                    .entry(address)
                    .or_default()
                    .push((name, Tagged { arn, tags }));
            }
            (Kind::SageMakerDomain, "sagemaker") => {
                let id = arn
                    .rsplit_once(":domain/")
                    .map(|(_, id)| id.to_string())
                    .unwrap_or_default();
                found
                    .sagemaker_domains
                    .entry(address)
                    .or_default()
                    .push((id, Tagged { arn, tags }));
            }
            (Kind::SageMakerUserProfile, "sagemaker") => {
                let id = arn
                    .rsplit_once(":user-profile/")
                    .map(|(_, id)| id.to_string())
                    .unwrap_or_default();
                found
                    .sagemaker_user_profiles
                    .entry(address)
                    .or_default()
                    .push((id, Tagged { arn, tags }));
            }
            (Kind::GlueConnection, "glue") => {
                let name = arn
                    .rsplit_once(":connection/")
                    .map(|(_, n)| n.to_string())
                    .unwrap_or_default();
                found
                    .glue_connections
                    .entry(address)
                    .or_default()
                    .push((name, Tagged { arn, tags }));
            }
            _ => tracing::warn!(arn, %address, "tagged resource does not match the kind of its address; ignored"),
        }
    }
    Ok(found)
}

/// Buckets, keys and Glue connections tagged for the blueprint, with all their tags.
async fn tagged_resources(
    clients: &Clients,
    blueprint: &str,
) -> Result<Vec<(String, BTreeMap<String, String>)>, AwsError> {
    let scope = format!("blueprint {blueprint}");
    let filter = TagFilter::builder().key(TAG_BLUEPRINT).values(blueprint).build();
    let mut pages = clients
        .tagging
        .get_resources()
        .tag_filters(filter)
        .resource_type_filters("s3:bucket")
        .resource_type_filters("kms:key")
        .resource_type_filters("glue:connection")
        .resource_type_filters("sagemaker:domain")
        .resource_type_filters("sagemaker:user-profile")
        .into_paginator()
        .send();
    let mut resources = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("tag:GetResources", &scope, e))?;
        for mapping in page.resource_tag_mapping_list() {
            let Some(arn) = mapping.resource_arn() else { continue };
            let tags = mapping
                .tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect();
            resources.push((arn.to_string(), tags));
        }
    }
    Ok(resources)
}

/// Names of the roles under the blueprint's IAM path.
async fn roles_on_path(clients: &Clients, blueprint: &str) -> Result<Vec<String>, AwsError> {
    let scope = format!("blueprint {blueprint}");
    let path = role_path(blueprint);
    let mut pages = clients.iam.list_roles().path_prefix(&path).into_paginator().send();
    let mut names = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify("iam:ListRoles", &scope, e))?;
        // PathPrefix matches any path that starts with it; keep the exact path only.
        names.extend(
            page.roles()
                .iter()
                .filter(|r| r.path() == path)
                .map(|r| r.role_name().to_string()),
        );
    }
    Ok(names)
}
