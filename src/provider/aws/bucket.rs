//! S3 buckets with every secure default: SSE-KMS under a blueprint key with
//! bucket keys (SSE-S3 for access-log buckets), all four public access block
//! flags, `BucketOwnerEnforced`, versioning, a TLS-only policy, noncurrent
//! version retention and access logging.

use std::collections::BTreeMap;

use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, BucketLoggingStatus, BucketVersioningStatus,
    CreateBucketConfiguration, Delete, ExpirationStatus, LifecycleRule, LifecycleRuleFilter, LoggingEnabled,
    NoncurrentVersionExpiration, ObjectIdentifier, ObjectOwnership, OwnershipControls, OwnershipControlsRule,
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule, Tag, Tagging, VersioningConfiguration,
};
use serde_json::{json, Value};

use super::context::Context;
use super::documents;
use super::error::{classify, AwsError, ErrorKind, OrAbsent};
use super::retry::retry_invalid_principal;
use super::Clients;
use crate::address::Address;
use crate::blueprint::{Blueprint, BucketPurpose, BucketSpec};
use crate::policy_doc;
use crate::state::{Desired, FieldValue, Observed};

/// Fields `create` already sets, which `configure` skips after a create.
pub const SET_BY_CREATE: &[&str] = &["name", "ownership"];

pub const LIFECYCLE_RULE_ID: &str = "hipcloud-retention";
const ABORT_MULTIPART_DAYS: i32 = 7;

/// The order `configure` sets fields in: ownership controls before anything that
/// could touch ACLs, the public access block before the policy, and logging
/// last, after the target bucket admits log delivery.
const FIELD_ORDER: &[&str] = &[
    "ownership",
    "public_access_block",
    "encryption",
    "versioning",
    "policy",
    "lifecycle",
    "logging",
];

pub fn desired(blueprint: &Blueprint, bucket: &BucketSpec, ctx: &Context, tags: BTreeMap<String, String>) -> Desired {
    let encryption = match (&bucket.purpose, &bucket.key) {
        (BucketPurpose::Data, Some(key)) => {
            json!({"sse_algorithm": "aws:kms", "kms_key": ctx.key_arn(key), "bucket_key": true})
        }
        _ => json!({"sse_algorithm": "AES256"}),
    };
    let logging = match bucket.access_logs.as_ref().and_then(|a| blueprint.bucket(a)) {
        Some(target) => json!({"target_bucket": target.name, "target_prefix": format!("{}/", bucket.name)}),
        None => Value::Null,
    };
    Desired {
        address: bucket.address.clone(),
        cloud_name: bucket.name.clone(),
        fields: vec![
            ("name".into(), FieldValue::Json(json!(bucket.name))),
            ("ownership".into(), FieldValue::Json(json!("BucketOwnerEnforced"))),
            (
                "public_access_block".into(),
                FieldValue::Json(public_access_block(true, true, true, true)),
            ),
            ("encryption".into(), FieldValue::Json(encryption)),
            ("versioning".into(), FieldValue::Json(json!("Enabled"))),
            (
                "policy".into(),
                FieldValue::Policy(documents::bucket_policy(blueprint, bucket, ctx)),
            ),
            (
                "lifecycle".into(),
                FieldValue::Json(lifecycle(bucket.noncurrent_version_retention_days)),
            ),
            ("logging".into(), FieldValue::Json(logging)),
        ],
        tags,
        immutable: &["name"],
    }
}

fn public_access_block(acls: bool, ignore: bool, policy: bool, restrict: bool) -> Value {
    json!({"block_public_acls": acls, "ignore_public_acls": ignore, "block_public_policy": policy, "restrict_public_buckets": restrict})
}

fn lifecycle(noncurrent_days: i32) -> Value {
    json!([{
        "id": LIFECYCLE_RULE_ID,
        "status": "Enabled",
        "noncurrent_version_expiration_days": noncurrent_days,
        "abort_incomplete_multipart_upload_days": ABORT_MULTIPART_DAYS,
    }])
}

/// Reads every managed field of a bucket. `check_data` also reads whether the
/// bucket contains any object version, for buckets the plan may delete.
pub async fn read(
    clients: &Clients,
    address: &Address,
    name: &str,
    tags: BTreeMap<String, String>,
    check_data: bool,
) -> Result<Option<Observed>, AwsError> {
    let s3 = &clients.s3;
    let (encryption, access_block, ownership, versioning, policy, lifecycle_rules, logging) = tokio::try_join!(
        async {
            s3.get_bucket_encryption()
                .bucket(name)
                .send()
                .await
                .map_err(|e| classify("s3:GetBucketEncryption", address, e))
                .or_absent()
        },
        async {
            s3.get_public_access_block()
                .bucket(name)
                .send()
                .await
                .map_err(|e| classify("s3:GetPublicAccessBlock", address, e))
                .or_absent()
        },
        async {
            s3.get_bucket_ownership_controls()
                .bucket(name)
                .send()
                .await
                .map_err(|e| classify("s3:GetBucketOwnershipControls", address, e))
                .or_absent()
        },
        async {
            s3.get_bucket_versioning()
                .bucket(name)
                .send()
                .await
                .map_err(|e| classify("s3:GetBucketVersioning", address, e))
                .or_absent()
        },
        async {
            s3.get_bucket_policy()
                .bucket(name)
                .send()
                .await
                .map_err(|e| classify("s3:GetBucketPolicy", address, e))
                .or_absent()
        },
        async {
            s3.get_bucket_lifecycle_configuration()
                .bucket(name)
                .send()
                .await
                .map_err(|e| classify("s3:GetBucketLifecycleConfiguration", address, e))
                .or_absent()
        },
        async {
            s3.get_bucket_logging()
                .bucket(name)
                .send()
                .await
                .map_err(|e| classify("s3:GetBucketLogging", address, e))
                .or_absent()
        },
    )?;
    // These two always succeed for an existing bucket, so "not found" means the
    // bucket itself is gone (the tagging API can list it for a while after).
    let (Some(versioning), Some(logging)) = (versioning, logging) else {
        return Ok(None);
    };

    let encryption = encryption
        .and_then(|e| e.server_side_encryption_configuration)
        .and_then(|c| c.rules.into_iter().next())
        .map_or(Value::Null, |rule| {
            let default = rule.apply_server_side_encryption_by_default;
            let algorithm = default
                .as_ref()
                .map(|d| d.sse_algorithm.as_str().to_string())
                .unwrap_or_default();
            if algorithm == "AES256" {
                json!({"sse_algorithm": algorithm})
            } else {
                json!({
                    "sse_algorithm": algorithm,
                    "kms_key": default.and_then(|d| d.kms_master_key_id),
                    "bucket_key": rule.bucket_key_enabled.unwrap_or(false),
                })
            }
        });
    let access_block = access_block.and_then(|b| b.public_access_block_configuration).map_or(
        public_access_block(false, false, false, false),
        |c| {
            public_access_block(
                c.block_public_acls.unwrap_or(false),
                c.ignore_public_acls.unwrap_or(false),
                c.block_public_policy.unwrap_or(false),
                c.restrict_public_buckets.unwrap_or(false),
            )
        },
    );
    let ownership = ownership
        .and_then(|o| o.ownership_controls)
        .and_then(|c| c.rules.into_iter().next())
        .map_or(Value::Null, |r| json!(r.object_ownership.as_str()));
    let versioning = versioning.status.map_or(json!("Disabled"), |s| json!(s.as_str()));
    let policy = match policy.and_then(|p| p.policy) {
        Some(text) => {
            policy_doc::parse(&text).map_err(|e| AwsError::invalid_response("s3:GetBucketPolicy", address, e))?
        }
        None => Value::Null,
    };
    let lifecycle_rules =
        lifecycle_rules.map_or(Value::Null, |l| Value::Array(l.rules().iter().map(rule_json).collect()));
    let logging = logging.logging_enabled.map_or(
        Value::Null,
        |l| json!({"target_bucket": l.target_bucket, "target_prefix": l.target_prefix}),
    );

    let holds_data = if check_data {
        Some(holds_data(clients, address, name).await?)
    } else {
        None
    };
    let fields = vec![
        ("name".into(), FieldValue::Json(json!(name))),
        ("ownership".into(), FieldValue::Json(ownership)),
        ("public_access_block".into(), FieldValue::Json(access_block)),
        ("encryption".into(), FieldValue::Json(encryption)),
        ("versioning".into(), FieldValue::Json(versioning)),
        ("policy".into(), FieldValue::Policy(policy)),
        ("lifecycle".into(), FieldValue::Json(lifecycle_rules)),
        ("logging".into(), FieldValue::Json(logging)),
    ];
    let mut observed = Observed::new(address.clone(), name, fields, tags);
    observed.holds_data = holds_data;
    Ok(Some(observed))
}

fn rule_json(rule: &LifecycleRule) -> Value {
    let mut value = json!({"id": rule.id(), "status": rule.status().as_str()});
    if let Some(days) = rule.noncurrent_version_expiration().and_then(|n| n.noncurrent_days()) {
        value["noncurrent_version_expiration_days"] = json!(days);
    }
    if let Some(days) = rule
        .abort_incomplete_multipart_upload()
        .and_then(|a| a.days_after_initiation())
    {
        value["abort_incomplete_multipart_upload_days"] = json!(days);
    }
    if let Some(days) = rule.expiration().and_then(|e| e.days()) {
        value["expiration_days"] = json!(days);
    }
    if !rule.transitions().is_empty() {
        value["transitions"] = json!(rule.transitions().len());
    }
    if let Some(prefix) = rule.filter().and_then(|f| f.prefix()).filter(|p| !p.is_empty()) {
        value["prefix"] = json!(prefix);
    }
    value
}

/// True when the bucket contains any object version or delete marker. Object keys
/// are never logged or printed: they may hold PHI.
pub async fn holds_data(clients: &Clients, address: &Address, name: &str) -> Result<bool, AwsError> {
    let page = clients
        .s3
        .list_object_versions()
        .bucket(name)
        .max_keys(1)
        .send()
        .await
        .map_err(|e| classify("s3:ListObjectVersions", address, e))?;
    Ok(!page.versions().is_empty() || !page.delete_markers().is_empty())
}

/// Creates the bucket and tags it at once, so a later plan finds it even when a
/// following step fails.
pub async fn create(clients: &Clients, desired: &Desired, ctx: &Context) -> Result<String, AwsError> {
    let address = &desired.address;
    let name = &desired.cloud_name;
    let mut request = clients
        .s3
        .create_bucket()
        .bucket(name)
        .object_ownership(ObjectOwnership::BucketOwnerEnforced);
    if ctx.region != "us-east-1" {
        let location = CreateBucketConfiguration::builder()
            .location_constraint(ctx.region.as_str().into())
            .build();
        request = request.create_bucket_configuration(location);
    }
    request
        .send()
        .await
        .map_err(|e| classify("s3:CreateBucket", address, e))?;

    // Without its tags the bucket would be invisible to the next plan, which
    // would then refuse its name as taken. The new bucket is empty, so
    // deleting it again loses nothing.
    if let Err(mut error) = set_tags(clients, address, name, &desired.tags).await {
        match clients.s3.delete_bucket().bucket(name).send().await {
            Ok(_) => error.message.push_str("; the new bucket was deleted again, so the next plan creates it afresh"),
            Err(_) => error.message.push_str(&format!(
                "; the new bucket {name} could not be deleted again: delete it by hand, or tag it {} = {:?} and {} = {:?}",
                crate::state::TAG_BLUEPRINT,
                desired.tags.get(crate::state::TAG_BLUEPRINT).cloned().unwrap_or_default(),
                crate::state::TAG_ADDRESS,
                address.to_string()
            )),
        }
        return Err(error);
    }
    Ok(name.clone())
}

pub async fn configure(clients: &Clients, desired: &Desired, fields: &[String], ctx: &Context) -> Result<(), AwsError> {
    let address = &desired.address;
    let name = desired.cloud_name.as_str();
    let s3 = &clients.s3;
    for field in FIELD_ORDER.iter().filter(|f| fields.iter().any(|x| x == *f)) {
        let value = desired.field(field).map(|v| v.value().clone()).unwrap_or(Value::Null);
        match *field {
            "ownership" => {
                let rule = OwnershipControlsRule::builder()
                    .object_ownership(ObjectOwnership::BucketOwnerEnforced)
                    .build()
                    .map_err(|e| AwsError::invalid_request("s3 request", address, e))?;
                let controls = OwnershipControls::builder()
                    .rules(rule)
                    .build()
                    .map_err(|e| AwsError::invalid_request("s3 request", address, e))?;
                s3.put_bucket_ownership_controls()
                    .bucket(name)
                    .ownership_controls(controls)
                    .send()
                    .await
                    .map_err(|e| classify("s3:PutBucketOwnershipControls", address, e))?;
            }
            "public_access_block" => {
                let config = PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .ignore_public_acls(true)
                    .block_public_policy(true)
                    .restrict_public_buckets(true)
                    .build();
                s3.put_public_access_block()
                    .bucket(name)
                    .public_access_block_configuration(config)
                    .send()
                    .await
                    .map_err(|e| classify("s3:PutPublicAccessBlock", address, e))?;
            }
            "encryption" => {
                let algorithm = value["sse_algorithm"].as_str().unwrap_or("AES256");
                let mut default =
                    ServerSideEncryptionByDefault::builder().sse_algorithm(ServerSideEncryption::from(algorithm));
                if let Some(key) = value["kms_key"].as_str() {
                    default = default.kms_master_key_id(key);
                }
                let rule = ServerSideEncryptionRule::builder()
                    .apply_server_side_encryption_by_default(
                        default
                            .build()
                            .map_err(|e| AwsError::invalid_request("s3 request", address, e))?,
                    )
                    .bucket_key_enabled(value["bucket_key"].as_bool().unwrap_or(false))
                    .build();
                let config = ServerSideEncryptionConfiguration::builder()
                    .rules(rule)
                    .build()
                    .map_err(|e| AwsError::invalid_request("s3 request", address, e))?;
                s3.put_bucket_encryption()
                    .bucket(name)
                    .server_side_encryption_configuration(config)
                    .send()
                    .await
                    .map_err(|e| classify("s3:PutBucketEncryption", address, e))?;
            }
            "versioning" => {
                let config = VersioningConfiguration::builder()
                    .status(BucketVersioningStatus::Enabled)
                    .build();
                s3.put_bucket_versioning()
                    .bucket(name)
                    .versioning_configuration(config)
                    .send()
                    .await
                    .map_err(|e| classify("s3:PutBucketVersioning", address, e))?;
            }
            "policy" => {
                let policy = value.to_string();
                retry_invalid_principal(address, &policy, ctx, || async {
                    s3.put_bucket_policy()
                        .bucket(name)
                        .policy(&policy)
                        .send()
                        .await
                        .map_err(|e| classify("s3:PutBucketPolicy", address, e))
                })
                .await?;
            }
            "lifecycle" => {
                let days = value[0]["noncurrent_version_expiration_days"].as_i64().unwrap_or(365) as i32;
                let rule = LifecycleRule::builder()
                    .id(LIFECYCLE_RULE_ID)
                    .status(ExpirationStatus::Enabled)
                    .filter(LifecycleRuleFilter::builder().prefix("").build())
                    .noncurrent_version_expiration(NoncurrentVersionExpiration::builder().noncurrent_days(days).build())
                    .abort_incomplete_multipart_upload(
                        AbortIncompleteMultipartUpload::builder()
                            .days_after_initiation(ABORT_MULTIPART_DAYS)
                            .build(),
                    )
                    .build()
                    .map_err(|e| AwsError::invalid_request("s3 request", address, e))?;
                let config = BucketLifecycleConfiguration::builder()
                    .rules(rule)
                    .build()
                    .map_err(|e| AwsError::invalid_request("s3 request", address, e))?;
                s3.put_bucket_lifecycle_configuration()
                    .bucket(name)
                    .lifecycle_configuration(config)
                    .send()
                    .await
                    .map_err(|e| classify("s3:PutBucketLifecycleConfiguration", address, e))?;
            }
            "logging" => {
                let mut status = BucketLoggingStatus::builder();
                if let Some(target) = value["target_bucket"].as_str() {
                    let prefix = value["target_prefix"].as_str().unwrap_or_default();
                    let enabled = LoggingEnabled::builder()
                        .target_bucket(target)
                        .target_prefix(prefix)
                        .build()
                        .map_err(|e| AwsError::invalid_request("s3 request", address, e))?;
                    status = status.logging_enabled(enabled);
                }
                s3.put_bucket_logging()
                    .bucket(name)
                    .bucket_logging_status(status.build())
                    .send()
                    .await
                    .map_err(|e| classify("s3:PutBucketLogging", address, e))?;
            }
            _ => {}
        }
    }
    Ok(())
}

pub async fn set_tags(
    clients: &Clients,
    address: &Address,
    name: &str,
    tags: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let tag_set: Vec<Tag> = tags
        .iter()
        .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
        .collect();
    let tagging = Tagging::builder()
        .set_tag_set(Some(tag_set))
        .build()
        .map_err(|e| AwsError::invalid_request("s3 request", address, e))?;
    clients
        .s3
        .put_bucket_tagging()
        .bucket(name)
        .tagging(tagging)
        .send()
        .await
        .map_err(|e| classify("s3:PutBucketTagging", address, e))?;
    Ok(())
}

/// Deletes every object version and delete marker (only when the plan allowed
/// it), then the bucket. Keys are never printed.
pub async fn delete(clients: &Clients, address: &Address, name: &str, allow_data_loss: bool) -> Result<(), AwsError> {
    let s3 = &clients.s3;
    if allow_data_loss {
        // ListObjectVersions has no SDK paginator; page with the key and version markers.
        let (mut key_marker, mut version_marker) = (None::<String>, None::<String>);
        loop {
            let page = s3
                .list_object_versions()
                .bucket(name)
                .set_key_marker(key_marker.clone())
                .set_version_id_marker(version_marker.clone())
                .send()
                .await
                .map_err(|e| classify("s3:ListObjectVersions", address, e))?;
            let versions = page.versions().iter().map(|v| (v.key(), v.version_id()));
            let markers = page.delete_markers().iter().map(|m| (m.key(), m.version_id()));
            let objects: Vec<ObjectIdentifier> = versions
                .chain(markers)
                .filter_map(|(key, version)| {
                    ObjectIdentifier::builder()
                        .set_key(key.map(str::to_string))
                        .set_version_id(version.map(str::to_string))
                        .build()
                        .ok()
                })
                .collect();
            // ListObjectVersions returns at most 1,000 entries a page, the most DeleteObjects takes.
            if !objects.is_empty() {
                let delete = Delete::builder()
                    .set_objects(Some(objects))
                    .quiet(true)
                    .build()
                    .map_err(|e| AwsError::invalid_request("s3 request", address, e))?;
                let output = s3
                    .delete_objects()
                    .bucket(name)
                    .delete(delete)
                    .send()
                    .await
                    .map_err(|e| classify("s3:DeleteObjects", address, e))?;
                // DeleteObjects succeeds as a call even when single objects fail;
                // their keys are not reported, because they may hold PHI.
                if let Some(first) = output.errors().first() {
                    return Err(AwsError::new(
                        "s3:DeleteObjects",
                        address,
                        first.code().unwrap_or("Error"),
                        format!(
                            "{} of the bucket's object versions could not be deleted: {}",
                            output.errors().len(),
                            first.message().unwrap_or_default()
                        ),
                    ));
                }
            }
            if page.is_truncated() != Some(true) {
                break;
            }
            key_marker = page.next_key_marker().map(str::to_string);
            version_marker = page.next_version_id_marker().map(str::to_string);
        }
    }
    s3.delete_bucket()
        .bucket(name)
        .send()
        .await
        .map_err(|e| classify("s3:DeleteBucket", address, e))?;
    Ok(())
}

/// True when the bucket name exists anywhere (S3 names are global), so creating
/// it would fail or, worse, the name belongs to someone else.
pub async fn name_taken(clients: &Clients, address: &Address, name: &str) -> Result<bool, AwsError> {
    match clients
        .s3
        .head_bucket()
        .bucket(name)
        .send()
        .await
        .map_err(|e| classify("s3:HeadBucket", address, e))
    {
        Ok(_) => Ok(true),
        Err(error) if error.kind == ErrorKind::NotFound => Ok(false),
        Err(error) if error.kind == ErrorKind::AccessDenied => Ok(true),
        Err(error) => Err(error),
    }
}
