//! Input documents for rule tests: one compliant resource of each kind, in
//! the shape `build_input` gives them, and helpers to change one field.

use serde_json::{json, Value};

use crate::policy::{Finding, Outcome, PolicyEngine, State};

pub const KEY_ARN: &str = "arn:aws:kms:us-east-1:123456789012:key/0b3f7c1e-2d4a-4b5c-9e8f-1a2b3c4d5e6f";
const ADMIN_ARN: &str = "arn:aws:iam::123456789012:role/hipcloud/lab/lab-admin";
const ANALYST_ARN: &str = "arn:aws:iam::123456789012:role/hipcloud/lab/lab-analyst";

thread_local! {
    static ENGINE: PolicyEngine = PolicyEngine::load(None).expect("the built-in pack loads");
}

/// Evaluates the built-in pack against `input`.
pub fn evaluate(input: &Value) -> Vec<Finding> {
    ENGINE.with(|engine| engine.evaluate(input).expect("the built-in pack evaluates"))
}

/// Returns the violations of one rule, as (address, state) pairs in finding order.
pub fn violations(input: &Value, rule_id: &str) -> Vec<(String, State)> {
    hits(input, rule_id, Outcome::Violation)
}

/// Returns the exceptions of one rule, as (address, state) pairs in finding order.
pub fn exceptions(input: &Value, rule_id: &str) -> Vec<(String, State)> {
    hits(input, rule_id, Outcome::Exception)
}

fn hits(input: &Value, rule_id: &str, outcome: Outcome) -> Vec<(String, State)> {
    evaluate(input)
        .into_iter()
        .filter(|f| f.rule.id == rule_id && f.outcome == outcome)
        .map(|f| (f.address.to_string(), f.state))
        .collect()
}

pub fn hit(address: &str, state: State) -> Vec<(String, State)> {
    vec![(address.to_string(), state)]
}

pub fn input(resources: Vec<Value>) -> Value {
    json!({
        "blueprint": {"name": "lab", "account": "123456789012", "region": "us-east-1", "file": "lab.toml"},
        "resources": resources,
    })
}

/// Builds a resource entry with the given states; either may be `None`.
pub fn resource(address: &str, desired: Option<Value>, live: Option<Value>) -> Value {
    let (kind, name) = address.split_once('.').expect("an address has a dot");
    json!({
        "address": address,
        "kind": kind,
        "name": name,
        "line": 1,
        "cloud_id": null,
        "desired": desired,
        "live": live,
    })
}

pub fn desired(address: &str, fields: Value) -> Value {
    resource(address, Some(fields), None)
}

pub fn live(address: &str, fields: Value) -> Value {
    resource(address, None, Some(fields))
}

/// Returns `fields` with one field set to `value`.
pub fn with_field(mut fields: Value, name: &str, value: Value) -> Value {
    fields[name] = value;
    fields
}

/// Returns a role's fields with its managed inline policy replaced by `statements`.
pub fn with_grants(role: Value, statements: Value) -> Value {
    with_field(
        role,
        "inline_policy.hipcloud-grants",
        json!({"Version": "2012-10-17", "Statement": statements}),
    )
}

/// Returns every compliant resource in desired state: the baseline that no
/// rule flags.
pub fn compliant() -> Value {
    input(vec![
        desired("bucket.logs", log_bucket()),
        desired("bucket.raw", data_bucket()),
        desired("key.phi", key()),
        desired("role.analyst", people_role()),
        desired("role.etl", service_role()),
    ])
}

pub fn tls_statement(bucket: &str) -> Value {
    json!({
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": {"AWS": ["*"]},
        "Action": ["s3:*"],
        "Resource": [format!("arn:aws:s3:::{bucket}"), format!("arn:aws:s3:::{bucket}/*")],
        "Condition": {"Bool": {"aws:SecureTransport": ["false"]}}
    })
}

fn public_access_block() -> Value {
    json!({
        "block_public_acls": true,
        "ignore_public_acls": true,
        "block_public_policy": true,
        "restrict_public_buckets": true
    })
}

pub fn lifecycle(days: i64) -> Value {
    json!([{
        "id": "hipcloud-retention",
        "status": "Enabled",
        "noncurrent_version_expiration_days": days,
        "abort_incomplete_multipart_upload_days": 7
    }])
}

/// Returns a data bucket `lab-raw` under the blueprint key, logging to `lab-logs`.
pub fn data_bucket() -> Value {
    json!({
        "name": "lab-raw",
        "ownership": "BucketOwnerEnforced",
        "public_access_block": public_access_block(),
        "encryption": {"sse_algorithm": "aws:kms", "kms_key": KEY_ARN, "bucket_key": true},
        "versioning": "Enabled",
        "policy": {"Version": "2012-10-17", "Statement": [tls_statement("lab-raw")]},
        "lifecycle": lifecycle(2190),
        "logging": {"target_bucket": "lab-logs", "target_prefix": "lab-raw/"},
        "tags": {"hipcloud:address": "bucket.raw"}
    })
}

/// Returns the access-log bucket `lab-logs`, which uses SSE-S3 and admits S3
/// log delivery.
pub fn log_bucket() -> Value {
    json!({
        "name": "lab-logs",
        "ownership": "BucketOwnerEnforced",
        "public_access_block": public_access_block(),
        "encryption": {"sse_algorithm": "AES256"},
        "versioning": "Enabled",
        "policy": {"Version": "2012-10-17", "Statement": [
            {
                "Sid": "AllowServerAccessLogDelivery",
                "Effect": "Allow",
                "Principal": {"Service": ["logging.s3.amazonaws.com"]},
                "Action": ["s3:PutObject"],
                "Resource": ["arn:aws:s3:::lab-logs/*"],
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": ["123456789012"]},
                    "ArnLike": {"aws:SourceArn": ["arn:aws:s3:::lab-raw"]}
                }
            },
            tls_statement("lab-logs")
        ]},
        "lifecycle": lifecycle(2190),
        "logging": null,
        "tags": {"hipcloud:address": "bucket.logs"}
    })
}

pub fn key_admin_statement() -> Value {
    json!({
        "Sid": "KeyAdministration",
        "Effect": "Allow",
        "Principal": {"AWS": [ADMIN_ARN]},
        "Action": ["kms:DescribeKey", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion"],
        "Resource": ["*"]
    })
}

pub fn key_use_statement() -> Value {
    json!({
        "Sid": "DecryptViaS3",
        "Effect": "Allow",
        "Principal": {"AWS": [ANALYST_ARN]},
        "Action": ["kms:Decrypt"],
        "Resource": ["*"],
        "Condition": {"StringEquals": {
            "kms:CallerAccount": ["123456789012"],
            "kms:ViaService": ["s3.us-east-1.amazonaws.com"]
        }}
    })
}

/// Returns the blueprint key, administered by one role and used by another
/// through S3.
pub fn key() -> Value {
    json!({
        "description": "Encrypts PHI",
        "key_spec": "SYMMETRIC_DEFAULT",
        "key_usage": "ENCRYPT_DECRYPT",
        "origin": "AWS_KMS",
        "key_state": "Enabled",
        "rotation": true,
        "alias": "alias/hipcloud/lab/phi",
        "policy": {"Version": "2012-10-17", "Statement": [key_admin_statement(), key_use_statement()]},
        "tags": {"hipcloud:address": "key.phi"}
    })
}

pub fn service_trust_statement() -> Value {
    json!({
        "Sid": "TrustServicesOfThisAccount",
        "Effect": "Allow",
        "Principal": {"Service": ["glue.amazonaws.com"]},
        "Action": ["sts:AssumeRole"],
        "Condition": {
            "StringEquals": {"aws:SourceAccount": ["123456789012"]},
            "ArnLike": {"aws:SourceArn": ["arn:aws:glue:us-east-1:123456789012:*"]}
        }
    })
}

pub fn people_trust_statement() -> Value {
    json!({
        "Sid": "TrustPrincipalsWithMfa",
        "Effect": "Allow",
        "Principal": {"AWS": ["arn:aws:iam::123456789012:root"]},
        "Action": ["sts:AssumeRole"],
        "Condition": {"Bool": {"aws:MultiFactorAuthPresent": ["true"]}}
    })
}

pub fn decrypt_statement() -> Value {
    json!({
        "Sid": "DecryptWithPhi",
        "Effect": "Allow",
        "Action": ["kms:Decrypt"],
        "Resource": [KEY_ARN],
        "Condition": {"StringEquals": {"kms:ViaService": ["s3.us-east-1.amazonaws.com"]}}
    })
}

fn role(name: &str, trust: Value, statements: Value) -> Value {
    json!({
        "name": name,
        "path": "/hipcloud/lab/",
        "description": "A test role",
        "trust_policy": {"Version": "2012-10-17", "Statement": [trust]},
        "max_session_duration": 3600,
        "permissions_boundary": null,
        "attached_policies": [],
        "inline_policy.hipcloud-grants": {"Version": "2012-10-17", "Statement": statements},
        "tags": {}
    })
}

/// Returns a Glue role that reads `lab-raw`, with service trust and no network
/// conditions.
pub fn service_role() -> Value {
    let read = json!({
        "Sid": "ReadRaw",
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:GetObjectVersion"],
        "Resource": ["arn:aws:s3:::lab-raw/*"]
    });
    role("lab-etl", service_trust_statement(), json!([read, decrypt_statement()]))
}

/// Returns an analyst role with MFA trust that reads `lab-raw/reports/` from a
/// CIDR or a VPC endpoint, one statement each.
pub fn people_role() -> Value {
    let from_cidrs = json!({
        "Sid": "ReadRawFromCidrs",
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:GetObjectVersion"],
        "Resource": ["arn:aws:s3:::lab-raw/reports/*"],
        "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}
    });
    let from_endpoints = json!({
        "Sid": "ReadRawFromVpcEndpoints",
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:GetObjectVersion"],
        "Resource": ["arn:aws:s3:::lab-raw/reports/*"],
        "Condition": {"StringEquals": {"aws:SourceVpce": ["vpce-0a1b2c3d4e5f67890"]}}
    });
    role(
        "lab-analyst",
        people_trust_statement(),
        json!([from_cidrs, from_endpoints, decrypt_statement()]),
    )
}
