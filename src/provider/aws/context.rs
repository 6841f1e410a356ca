//! Facts about the target account that desired state depends on: ids, the
//! administrator principal, and ARNs known only once resources exist.

use std::collections::{BTreeMap, BTreeSet};

use crate::address::Address;
use crate::blueprint::{Blueprint, RoleSpec};
use crate::state::known_after_apply;

#[derive(Clone, Debug)]
pub struct Context {
    pub account: String,
    pub region: String,
    pub partition: String,
    pub blueprint: String,
    /// The IAM principal kept as administrator in every key policy.
    pub admin_principal: String,
    /// ARNs of keys that exist now.
    pub key_arns: BTreeMap<Address, String>,
    /// Ids of SageMaker domains that exist now.
    pub domain_ids: BTreeMap<Address, String>,
    /// Role ARNs created during this apply: a policy naming one of them may be
    /// rejected until IAM propagates it, which is worth retrying.
    pub created_roles: BTreeSet<String>,
    pub propagation: super::retry::Propagation,
    /// The secrets the blueprint refers to, as `DescribeSecret` reports them.
    pub secrets: BTreeMap<String, super::secrets::SecretInfo>,
}

impl Context {
    /// The key's ARN, or a placeholder when the key does not exist yet.
    pub fn key_arn(&self, key: &Address) -> String {
        self.key_arns
            .get(key)
            .cloned()
            .unwrap_or_else(|| known_after_apply(key))
    }

    pub fn role_path(&self) -> String {
        role_path(&self.blueprint)
    }

    pub fn role_arn(&self, role: &RoleSpec) -> String {
        format!(
            "arn:{}:iam::{}:role{}{}",
            self.partition,
            self.account,
            self.role_path(),
            role.name
        )
    }

    pub fn bucket_arn(&self, name: &str) -> String {
        format!("arn:{}:s3:::{name}", self.partition)
    }

    pub fn glue_connection_arn(&self, name: &str) -> String {
        format!(
            "arn:{}:glue:{}:{}:connection/{name}",
            self.partition, self.region, self.account
        )
    }

    /// The customer managed key of a secret, when one can be named in a policy.
    pub fn secret_key_arn(&self, secret: &str) -> Option<String> {
        self.secrets
            .get(secret)?
            .customer_key_arn(&self.partition, &self.region, &self.account)
    }

    pub fn sagemaker_domain_arn(&self, domain_id: &str) -> String {
        format!(
            "arn:{}:sagemaker:{}:{}:domain/{domain_id}",
            self.partition, self.region, self.account
        )
    }

    pub fn glue_catalog_arn(&self) -> String {
        format!("arn:{}:glue:{}:{}:catalog", self.partition, self.region, self.account)
    }

    pub fn alias(&self, key: &Address) -> String {
        format!("alias/hipcloud/{}/{}", self.blueprint, key.name)
    }

    /// The endpoint name `kms:ViaService` uses for a service in this region.
    /// China regions use the `amazonaws.com.cn` domain.
    pub fn via_service(&self, service: &str) -> String {
        let domain = if self.partition == "aws-cn" {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        };
        format!("{service}.{}.{domain}", self.region)
    }

    pub fn role_arn_by_address(&self, blueprint: &Blueprint, role: &Address) -> Option<String> {
        blueprint.role(role).map(|r| self.role_arn(r))
    }
}

/// Every role of a blueprint lives under this IAM path, which is how `plan`
/// finds roles removed from the blueprint with one `ListRoles` call.
pub fn role_path(blueprint: &str) -> String {
    format!("/hipcloud/{blueprint}/")
}
