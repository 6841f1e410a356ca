//! Secrets Manager secrets the blueprint refers to but does not manage: the
//! credentials of Glue connections and the secrets roles may read. hipcloud
//! reads their metadata only (`DescribeSecret`), never a secret value, to learn
//! which key encrypts each one and whether it rotates.

use std::collections::{BTreeMap, BTreeSet};

use super::error::{classify, AwsError, OrAbsent};
use super::Clients;
use crate::blueprint::Blueprint;

/// What `DescribeSecret` says of one secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretInfo {
    /// False when the secret does not exist (yet).
    pub found: bool,
    /// The KMS key as Secrets Manager reports it (ARN, id or alias), or `None`
    /// for the AWS managed key `aws/secretsmanager`.
    pub kms_key: Option<String>,
    pub rotation_enabled: bool,
}

impl SecretInfo {
    /// The customer managed key's ARN, when the secret names one that a policy
    /// can scope to. An alias cannot be a policy resource, so it gives `None`.
    pub fn customer_key_arn(&self, partition: &str, region: &str, account: &str) -> Option<String> {
        let key = self.kms_key.as_deref()?;
        if key.starts_with("arn:") {
            return key.contains(":key/").then(|| key.to_string());
        }
        if key.starts_with("alias/") {
            return None;
        }
        Some(format!("arn:{partition}:kms:{region}:{account}:key/{key}"))
    }

    /// True when the AWS managed key `aws/secretsmanager` encrypts the secret.
    pub fn uses_aws_managed_key(&self) -> bool {
        self.kms_key
            .as_deref()
            .is_none_or(|k| k.ends_with("alias/aws/secretsmanager"))
    }
}

/// Every secret ARN the blueprint refers to: role `read` grants and Glue
/// connection credentials.
pub fn referenced(blueprint: &Blueprint) -> BTreeSet<String> {
    let from_roles = blueprint.roles.iter().flat_map(|r| r.secrets.iter().cloned());
    let from_connections = blueprint.glue_connections.iter().map(|c| c.secret.clone());
    from_roles.chain(from_connections).collect()
}

/// Describes each secret concurrently. A secret that does not exist is
/// reported, not an error: a plan can still be made for the rest.
pub async fn describe(clients: &Clients, arns: &BTreeSet<String>) -> Result<BTreeMap<String, SecretInfo>, AwsError> {
    let lookups = arns.iter().map(|arn| async move {
        let output = clients
            .secrets
            .describe_secret()
            .secret_id(arn)
            .send()
            .await
            .map_err(|e| classify("secretsmanager:DescribeSecret", format!("secret {arn}"), e))
            .or_absent()?;
        let info = match output {
            Some(secret) => SecretInfo {
                found: true,
                kms_key: secret.kms_key_id().map(str::to_string),
                rotation_enabled: secret.rotation_enabled().unwrap_or(false),
            },
            None => SecretInfo {
                found: false,
                kms_key: None,
                rotation_enabled: false,
            },
        };
        Ok::<_, AwsError>((arn.clone(), info))
    });
    Ok(futures::future::try_join_all(lookups).await?.into_iter().collect())
}

/// Plan notes for secrets that are missing, under the AWS managed key, or not
/// rotating.
pub fn notes(secrets: &BTreeMap<String, SecretInfo>) -> Vec<String> {
    let mut notes = Vec::new();
    for (arn, info) in secrets {
        if !info.found {
            notes.push(format!("Secret {arn} was not found. Create it before anything uses it: Glue and the roles that read it will fail."));
            continue;
        }
        let alias = info
            .kms_key
            .as_deref()
            .filter(|k| k.starts_with("alias/") || k.contains(":alias/"));
        if let Some(alias) = alias.filter(|_| !info.uses_aws_managed_key()) {
            notes.push(format!(
                "Secret {arn} names its key by the alias {alias}, which a policy cannot name, so roles that read it get no kms:Decrypt; set the secret's key by ARN."
            ));
        }
        if info.uses_aws_managed_key() {
            notes.push(format!(
                "Secret {arn} is encrypted with the AWS managed key aws/secretsmanager, not a customer managed key; re-encrypt it with a blueprint key so its key policy controls who can decrypt it."
            ));
        }
        if !info.rotation_enabled {
            notes.push(format!(
                "Secret {arn} has rotation turned off; turn on rotation so leaked database credentials expire."
            ));
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(key: Option<&str>) -> SecretInfo {
        SecretInfo {
            found: true,
            kms_key: key.map(str::to_string),
            rotation_enabled: true,
        }
    }

    #[test]
    fn customer_key_arn_from_each_form() {
        let arn = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        assert_eq!(
            info(Some(arn))
                .customer_key_arn("aws", "us-east-1", "123456789012")
                .as_deref(),
            Some(arn)
        );
        let id = info(Some("1234abcd-12ab-34cd-56ef-1234567890ab"));
        assert_eq!(
            id.customer_key_arn("aws", "us-east-1", "123456789012").as_deref(),
            Some(arn)
        );
        assert_eq!(
            info(Some("alias/clinical")).customer_key_arn("aws", "us-east-1", "123456789012"),
            None
        );
        assert_eq!(info(None).customer_key_arn("aws", "us-east-1", "123456789012"), None);
    }

    #[test]
    fn aws_managed_key_is_reported() {
        assert!(info(None).uses_aws_managed_key());
        assert!(info(Some("arn:aws:kms:us-east-1:123456789012:alias/aws/secretsmanager")).uses_aws_managed_key());
        assert!(!info(Some("alias/clinical")).uses_aws_managed_key());
        let mut stale = info(None);
        stale.rotation_enabled = false;
        let notes = notes(&BTreeMap::from([("arn:s".to_string(), stale)]));
        assert_eq!(notes.len(), 2, "{notes:?}");
    }
}
