//! Builds the IAM policy documents for keys, buckets and roles from the
//! blueprint. Pure functions: no AWS calls.
//!
//! Network conditions follow where AWS evaluates them. `aws:SourceIp` and
//! `aws:SourceVpce` go only on S3 data access by roles that people assume;
//! services such as SageMaker call from their own networks, where those keys are
//! absent and an Allow on them never matches. Each network alternative is its
//! own statement, because keys in one condition block must all match. KMS use is
//! limited with `kms:ViaService`, because S3 and Secrets Manager call KMS on the
//! caller's behalf.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::context::Context;
use crate::address::Address;
use crate::blueprint::{Blueprint, BucketPurpose, BucketSpec, KeySpec, Permission, PrincipalRef, RoleSpec};

pub const VERSION: &str = "2012-10-17";

/// Key administration without use: no Encrypt, Decrypt or GenerateDataKey.
pub const KEY_ADMIN_ACTIONS: &[&str] = &[
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:DisableKeyRotation",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListAliases",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RevokeGrant",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
];

const DECRYPT_ACTIONS: &[&str] = &["kms:Decrypt"];
/// S3 needs `kms:Decrypt` too when it completes a multipart upload under SSE-KMS.
const ENCRYPT_ACTIONS: &[&str] = &["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"];

/// Who may use a key, through which services, derived from role grants: explicit
/// key grants, and bucket grants on buckets the key encrypts.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeyUse {
    pub key: Address,
    pub encrypt: bool,
    pub via: Vec<String>,
}

pub fn key_uses(blueprint: &Blueprint, role: &RoleSpec) -> Vec<KeyUse> {
    let mut uses = Vec::new();
    for grant in &role.grants {
        let (key, encrypt, via) = match grant.permission {
            Permission::Decrypt | Permission::Encrypt => (
                Some(grant.target.clone()),
                grant.permission == Permission::Encrypt,
                grant.via.clone(),
            ),
            Permission::Read | Permission::Write => {
                let key = blueprint.bucket(&grant.target).and_then(|b| b.key.clone());
                (key, grant.permission == Permission::Write, vec!["s3".to_string()])
            }
            // Reading a connection reads the Data Catalog, which Glue decrypts
            // on the caller's behalf when the blueprint encrypts it.
            Permission::Use => (
                blueprint.glue_catalog.as_ref().map(|c| c.key.clone()),
                false,
                vec!["glue".to_string()],
            ),
            Permission::List => (None, false, Vec::new()),
        };
        if let Some(key) = key {
            let mut via = via;
            via.sort();
            via.dedup();
            uses.push(KeyUse { key, encrypt, via });
        }
    }
    uses.sort();
    uses.dedup();
    uses
}

/// The secrets a role may read: its secret grants, and the credentials of each
/// Glue connection it may use, which Glue reads with the job's role.
pub fn secret_reads(blueprint: &Blueprint, role: &RoleSpec) -> Vec<String> {
    let connections = role
        .grants
        .iter()
        .filter(|g| g.permission == Permission::Use)
        .filter_map(|g| blueprint.glue_connection(&g.target))
        .map(|c| c.secret.clone());
    let mut secrets: Vec<String> = role.secrets.iter().cloned().chain(connections).collect();
    secrets.sort();
    secrets.dedup();
    secrets
}

fn string_list(items: impl IntoIterator<Item = String>) -> Value {
    let mut items: Vec<String> = items.into_iter().collect();
    items.sort();
    items.dedup();
    Value::Array(items.into_iter().map(Value::String).collect())
}

fn actions(list: &[&str]) -> Value {
    string_list(list.iter().map(|s| s.to_string()))
}

/// The key policy: administrators (the declared ones and the principal hipcloud
/// applies with, so KMS's lockout check always passes) separate from users,
/// and users only through the services their grants name.
pub fn key_policy(blueprint: &Blueprint, key: &KeySpec, ctx: &Context) -> Value {
    let mut admins = vec![ctx.admin_principal.clone()];
    for admin in &key.administrators {
        match admin {
            PrincipalRef::Arn(arn) => admins.push(arn.clone()),
            PrincipalRef::Role(role) => admins.extend(ctx.role_arn_by_address(blueprint, role)),
        }
    }
    let mut statements = vec![json!({
        "Sid": "KeyAdministration",
        "Effect": "Allow",
        "Principal": {"AWS": string_list(admins)},
        "Action": actions(KEY_ADMIN_ACTIONS),
        "Resource": "*",
    })];

    // Group users by (encrypt, via) so each statement's condition fits all of them.
    let mut groups: BTreeMap<(bool, Vec<String>), Vec<String>> = BTreeMap::new();
    for role in &blueprint.roles {
        for key_use in key_uses(blueprint, role).into_iter().filter(|u| u.key == key.address) {
            groups
                .entry((key_use.encrypt, key_use.via))
                .or_default()
                .push(ctx.role_arn(role));
        }
    }
    // hipcloud writes Glue connections into the catalog this key encrypts, and
    // Glue uses the key with the caller's permissions.
    if blueprint.glue_catalog.as_ref().is_some_and(|c| c.key == key.address) {
        statements.push(json!({
            "Sid": "GlueCatalogUseByApplyPrincipal",
            "Effect": "Allow",
            "Principal": {"AWS": ctx.admin_principal},
            "Action": actions(ENCRYPT_ACTIONS),
            "Resource": "*",
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": ctx.via_service("glue"),
                    "kms:CallerAccount": ctx.account,
                }
            }
        }));
    }
    // A domain's home EFS volume is encrypted with the key through SageMaker and
    // EFS, which create grants with the permissions of whoever creates the domain.
    if blueprint.sagemaker_domains.iter().any(|d| d.key == key.address) {
        statements.push(json!({
            "Sid": "SageMakerDomainUseByApplyPrincipal",
            "Effect": "Allow",
            "Principal": {"AWS": ctx.admin_principal},
            // EFS also asks for a data key without plaintext when it creates the volume.
            "Action": actions(&["kms:CreateGrant", "kms:Decrypt", "kms:GenerateDataKey", "kms:GenerateDataKeyWithoutPlaintext"]),
            "Resource": "*",
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": string_list([ctx.via_service("sagemaker"), ctx.via_service("elasticfilesystem")]),
                    "kms:CallerAccount": ctx.account,
                }
            }
        }));
    }
    // Roles that read a secret this key encrypts use it through Secrets Manager.
    if let Some(arn) = ctx.key_arns.get(&key.address) {
        for role in &blueprint.roles {
            if secret_reads(blueprint, role)
                .iter()
                .any(|s| ctx.secret_key_arn(s).as_ref() == Some(arn))
            {
                groups
                    .entry((false, vec!["secretsmanager".to_string()]))
                    .or_default()
                    .push(ctx.role_arn(role));
            }
        }
    }
    for ((encrypt, via), principals) in groups {
        let verb = if encrypt { "Encrypt" } else { "Decrypt" };
        let services: Vec<String> = via.iter().map(|s| ctx.via_service(s)).collect();
        let sid = format!("{verb}Via{}", via.iter().map(|s| pascal(s)).collect::<String>());
        statements.push(json!({
            "Sid": sid,
            "Effect": "Allow",
            "Principal": {"AWS": string_list(principals)},
            "Action": actions(if encrypt { ENCRYPT_ACTIONS } else { DECRYPT_ACTIONS }),
            "Resource": "*",
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": string_list(services),
                    "kms:CallerAccount": ctx.account,
                }
            }
        }));
    }
    json!({"Version": VERSION, "Statement": statements})
}

/// The bucket policy. Every bucket denies requests without TLS. Data buckets
/// also deny uploads that ask for any encryption but their own key. Access-log
/// buckets admit S3 log delivery from this account's source buckets only.
pub fn bucket_policy(blueprint: &Blueprint, bucket: &BucketSpec, ctx: &Context) -> Value {
    let arn = ctx.bucket_arn(&bucket.name);
    let objects = format!("{arn}/*");
    let mut statements = Vec::new();

    if bucket.purpose == BucketPurpose::AccessLogs {
        let sources: Vec<String> = blueprint
            .buckets
            .iter()
            .filter(|b| b.access_logs.as_ref() == Some(&bucket.address))
            .map(|b| ctx.bucket_arn(&b.name))
            .collect();
        if !sources.is_empty() {
            // Principal.Service and Resource stay single strings: S3 log delivery
            // documents this shape, and moto 5.2.5 accepts no other.
            statements.push(json!({
                "Sid": "AllowServerAccessLogDelivery",
                "Effect": "Allow",
                "Principal": {"Service": "logging.s3.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": objects,
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ctx.account},
                    "ArnLike": {"aws:SourceArn": string_list(sources)},
                }
            }));
        }
    }

    statements.push(json!({
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "s3:*",
        "Resource": [arn, objects],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    }));

    if let Some(key) = &bucket.key {
        statements.push(json!({
            "Sid": "DenyOtherEncryption",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "s3:PutObject",
            "Resource": objects,
            "Condition": {"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption": ["aws:kms", "aws:kms:dsse"]}}
        }));
        statements.push(json!({
            "Sid": "DenyOtherKmsKeys",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": "s3:PutObject",
            "Resource": objects,
            "Condition": {"StringNotEqualsIfExists": {"s3:x-amz-server-side-encryption-aws-kms-key-id": ctx.key_arn(key)}}
        }));
    }
    json!({"Version": VERSION, "Statement": statements})
}

/// The trust policy from `assumed_by`.
pub fn trust_policy(role: &RoleSpec, ctx: &Context) -> Value {
    let trust = &role.trust;
    let mut statements = Vec::new();
    if !trust.services.is_empty() {
        let services = trust.services.iter().map(|s| s.principal().to_string());
        let sources = trust
            .services
            .iter()
            .map(|s| format!("arn:{}:{}:{}:{}:*", ctx.partition, s.name(), ctx.region, ctx.account));
        statements.push(json!({
            "Sid": "TrustServicesOfThisAccount",
            "Effect": "Allow",
            "Principal": {"Service": string_list(services)},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": ctx.account},
                "ArnLike": {"aws:SourceArn": string_list(sources)},
            }
        }));
    }
    let mut people: Vec<String> = trust
        .accounts
        .iter()
        .map(|a| format!("arn:{}:iam::{a}:root", ctx.partition))
        .collect();
    people.extend(trust.principals.iter().cloned());
    if !people.is_empty() {
        statements.push(json!({
            "Sid": "TrustPrincipalsWithMfa",
            "Effect": "Allow",
            "Principal": {"AWS": string_list(people)},
            "Action": "sts:AssumeRole",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
        }));
    }
    if !trust.saml_providers.is_empty() {
        // MFA for federated users belongs to the identity provider: an MFA key
        // here would lock them out.
        statements.push(json!({
            "Sid": "TrustSamlProviders",
            "Effect": "Allow",
            "Principal": {"Federated": string_list(trust.saml_providers.iter().cloned())},
            "Action": "sts:AssumeRoleWithSAML",
            "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}}
        }));
    }
    for (index, oidc) in trust.oidc_providers.iter().enumerate() {
        let host = oidc.provider.split_once("oidc-provider/").map_or("", |(_, h)| h);
        let mut condition = json!({"StringEquals": {format!("{host}:aud"): oidc.audience}});
        if !oidc.subjects.is_empty() {
            condition["StringLike"] = json!({format!("{host}:sub"): string_list(oidc.subjects.iter().cloned())});
        }
        statements.push(json!({
            "Sid": format!("TrustOidcProvider{}", index + 1),
            "Effect": "Allow",
            "Principal": {"Federated": oidc.provider},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": condition
        }));
    }
    json!({"Version": VERSION, "Statement": statements})
}

/// The one inline policy hipcloud manages on a role, from its grants.
pub fn role_policy(blueprint: &Blueprint, role: &RoleSpec, ctx: &Context) -> Option<Value> {
    if role.grants.is_empty() && role.secrets.is_empty() {
        return None;
    }
    let network = network_alternatives(blueprint, role);
    let mut statements: Vec<Value> = Vec::new();
    let mut sids: BTreeMap<String, usize> = BTreeMap::new();
    let mut unique_sid = |base: String| {
        let count = sids.entry(base.clone()).or_default();
        *count += 1;
        if *count == 1 {
            base
        } else {
            format!("{base}{count}")
        }
    };

    for grant in &role.grants {
        let Some(bucket) = blueprint.bucket(&grant.target) else {
            continue;
        };
        let arn = ctx.bucket_arn(&bucket.name);
        let objects: Vec<String> = if grant.prefixes.is_empty() {
            vec![format!("{arn}/*")]
        } else {
            grant.prefixes.iter().map(|p| format!("{arn}/{p}*")).collect()
        };
        let (actions_list, resource, condition): (&[&str], Value, Value) = match grant.permission {
            Permission::Read => (
                &["s3:GetObject", "s3:GetObjectVersion"],
                string_list(objects),
                json!({}),
            ),
            Permission::Write => (
                &["s3:AbortMultipartUpload", "s3:PutObject"],
                string_list(objects),
                json!({}),
            ),
            Permission::List => {
                let condition = if grant.prefixes.is_empty() {
                    json!({})
                } else {
                    json!({"StringLike": {"s3:prefix": string_list(grant.prefixes.iter().map(|p| format!("{p}*")))}})
                };
                (&["s3:ListBucket"], Value::String(arn.clone()), condition)
            }
            Permission::Decrypt | Permission::Encrypt | Permission::Use => continue,
        };
        let base = format!("{}{}", pascal(grant.permission.name()), pascal(&bucket.address.name));
        if network.is_empty() {
            let mut statement = json!({"Sid": unique_sid(base), "Effect": "Allow", "Action": actions(actions_list), "Resource": resource});
            if condition.as_object().is_some_and(|c| !c.is_empty()) {
                statement["Condition"] = condition;
            }
            statements.push(statement);
            continue;
        }
        for (suffix, operator, key, values) in &network {
            let mut block = condition.clone();
            block[*operator] = merge(block.get(*operator), json!({*key: values.clone()}));
            statements.push(json!({
                "Sid": unique_sid(format!("{base}{suffix}")),
                "Effect": "Allow",
                "Action": actions(actions_list),
                "Resource": resource.clone(),
                "Condition": block,
            }));
        }
    }

    // Glue reads a connection's definition on the job's behalf with the job's
    // role; the Data Catalog ARN is required alongside the connection's.
    for grant in role.grants.iter().filter(|g| g.permission == Permission::Use) {
        let Some(connection) = blueprint.glue_connection(&grant.target) else {
            continue;
        };
        statements.push(json!({
            "Sid": unique_sid(format!("UseGlueConnection{}", pascal(&connection.address.name))),
            "Effect": "Allow",
            "Action": actions(&["glue:GetConnection"]),
            "Resource": string_list([ctx.glue_catalog_arn(), ctx.glue_connection_arn(&connection.name)]),
        }));
    }

    let secrets = secret_reads(blueprint, role);
    if !secrets.is_empty() {
        statements.push(json!({
            "Sid": unique_sid("ReadSecrets".to_string()),
            "Effect": "Allow",
            "Action": actions(&["secretsmanager:GetSecretValue"]),
            "Resource": string_list(secrets.iter().cloned()),
        }));
        let keys: Vec<String> = secrets.iter().filter_map(|s| ctx.secret_key_arn(s)).collect();
        if !keys.is_empty() {
            statements.push(json!({
                "Sid": unique_sid("DecryptSecrets".to_string()),
                "Effect": "Allow",
                "Action": actions(DECRYPT_ACTIONS),
                "Resource": string_list(keys),
                "Condition": {"StringEquals": {"kms:ViaService": ctx.via_service("secretsmanager")}}
            }));
        }
    }

    for key_use in key_uses(blueprint, role) {
        let verb = if key_use.encrypt { "Encrypt" } else { "Decrypt" };
        let services: Vec<String> = key_use.via.iter().map(|s| ctx.via_service(s)).collect();
        statements.push(json!({
            "Sid": unique_sid(format!("{verb}With{}", pascal(&key_use.key.name))),
            "Effect": "Allow",
            "Action": actions(if key_use.encrypt { ENCRYPT_ACTIONS } else { DECRYPT_ACTIONS }),
            "Resource": ctx.key_arn(&key_use.key),
            "Condition": {"StringEquals": {"kms:ViaService": string_list(services)}}
        }));
    }
    Some(json!({"Version": VERSION, "Statement": statements}))
}

type Alternative = (&'static str, &'static str, &'static str, Value);

/// The network alternatives for a role's data access: none for service roles,
/// one statement suffix per alternative for roles people assume.
fn network_alternatives(blueprint: &Blueprint, role: &RoleSpec) -> Vec<Alternative> {
    if !role.trust.is_for_people() {
        return Vec::new();
    }
    let network = &blueprint.network;
    let mut alternatives = Vec::new();
    if !network.public_cidrs.is_empty() {
        let cidrs = string_list(network.public_cidrs.iter().map(|c| c.to_string()));
        alternatives.push(("FromCidrs", "IpAddress", "aws:SourceIp", cidrs));
    }
    if !network.vpc_endpoints.is_empty() {
        let endpoints = string_list(network.vpc_endpoints.iter().cloned());
        alternatives.push(("FromVpcEndpoints", "StringEquals", "aws:SourceVpce", endpoints));
    }
    alternatives
}

fn merge(existing: Option<&Value>, extra: Value) -> Value {
    let mut base = existing.cloned().unwrap_or_else(|| json!({}));
    if let (Some(base), Value::Object(extra)) = (base.as_object_mut(), extra) {
        base.extend(extra);
    }
    base
}

/// `phi_raw` to `PhiRaw`, for statement ids, which allow only letters and digits.
fn pascal(name: &str) -> String {
    name.split(['_', '-', '.'])
        .map(|part| {
            let mut chars = part.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect()
}
