//! HC-S3-01 to HC-S3-08 against passing and failing buckets.

use serde_json::json;

use super::fixtures::*;
use crate::policy::State;

#[test]
fn hc_s3_01_passes_customer_key() {
    assert!(violations(&compliant(), "HC-S3-01").is_empty());
}

#[test]
fn hc_s3_01_flags_sse_s3_data_bucket() {
    let bucket = with_field(data_bucket(), "encryption", json!({"sse_algorithm": "AES256"}));
    let input = input(vec![live("bucket.raw", bucket)]);
    assert_eq!(violations(&input, "HC-S3-01"), hit("bucket.raw", State::Live));
}

#[test]
fn hc_s3_01_flags_aws_managed_key() {
    let encryption = json!({"sse_algorithm": "aws:kms", "kms_key": "arn:aws:kms:us-east-1:123456789012:alias/aws/s3"});
    let input = input(vec![desired(
        "bucket.raw",
        with_field(data_bucket(), "encryption", encryption),
    )]);
    assert_eq!(violations(&input, "HC-S3-01"), hit("bucket.raw", State::Desired));
}

#[test]
fn hc_s3_01_reports_access_log_exception() {
    let input = compliant();
    assert_eq!(exceptions(&input, "HC-S3-01"), hit("bucket.logs", State::Desired));
    assert!(violations(&input, "HC-S3-01").is_empty());
}

#[test]
fn hc_s3_02_passes_tls_deny() {
    assert!(violations(&compliant(), "HC-S3-02").is_empty());
}

#[test]
fn hc_s3_02_flags_missing_policy() {
    let input = input(vec![live(
        "bucket.raw",
        with_field(data_bucket(), "policy", json!(null)),
    )]);
    assert_eq!(violations(&input, "HC-S3-02"), hit("bucket.raw", State::Live));
}

#[test]
fn hc_s3_02_flags_objects_only_deny() {
    let mut statement = tls_statement("lab-raw");
    statement["Resource"] = json!(["arn:aws:s3:::lab-raw/*"]);
    let bucket = with_field(data_bucket(), "policy", json!({"Statement": [statement]}));
    let input = input(vec![desired("bucket.raw", bucket)]);
    assert_eq!(violations(&input, "HC-S3-02"), hit("bucket.raw", State::Desired));
}

#[test]
fn hc_s3_03_passes_all_flags() {
    assert!(violations(&compliant(), "HC-S3-03").is_empty());
}

#[test]
fn hc_s3_03_flags_one_flag_off() {
    let mut bucket = data_bucket();
    bucket["public_access_block"]["block_public_policy"] = json!(false);
    let input = input(vec![live("bucket.raw", bucket)]);
    assert_eq!(violations(&input, "HC-S3-03"), hit("bucket.raw", State::Live));
}

#[test]
fn hc_s3_04_passes_owner_enforced() {
    assert!(violations(&compliant(), "HC-S3-04").is_empty());
}

#[test]
fn hc_s3_04_flags_missing_ownership() {
    let input = input(vec![live(
        "bucket.raw",
        with_field(data_bucket(), "ownership", json!(null)),
    )]);
    assert_eq!(violations(&input, "HC-S3-04"), hit("bucket.raw", State::Live));
}

fn public_read(condition: serde_json::Value) -> serde_json::Value {
    let statement = json!({
        "Sid": "PublicRead",
        "Effect": "Allow",
        "Principal": "*",
        "Action": ["s3:GetObject"],
        "Resource": ["arn:aws:s3:::lab-raw/*"],
        "Condition": condition
    });
    with_field(
        data_bucket(),
        "policy",
        json!({"Statement": [tls_statement("lab-raw"), statement]}),
    )
}

#[test]
fn hc_s3_05_passes_account_limited_principal() {
    let bucket = public_read(json!({"StringEquals": {"aws:PrincipalAccount": ["123456789012"]}}));
    let input = input(vec![desired("bucket.raw", bucket)]);
    assert!(violations(&input, "HC-S3-05").is_empty());
}

#[test]
fn hc_s3_05_flags_ip_limited_principal() {
    let bucket = public_read(json!({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}));
    let input = input(vec![live("bucket.raw", bucket)]);
    assert_eq!(violations(&input, "HC-S3-05"), hit("bucket.raw", State::Live));
    let findings = evaluate(&input);
    let message = &findings.iter().find(|f| f.rule.id == "HC-S3-05").unwrap().message;
    assert!(message.contains("aws:SourceIp and aws:SourceVpce alone"), "{message}");
}

#[test]
fn hc_s3_06_passes_enabled_versioning() {
    assert!(violations(&compliant(), "HC-S3-06").is_empty());
}

#[test]
fn hc_s3_06_flags_suspended_versioning() {
    let input = input(vec![live(
        "bucket.raw",
        with_field(data_bucket(), "versioning", json!("Suspended")),
    )]);
    assert_eq!(violations(&input, "HC-S3-06"), hit("bucket.raw", State::Live));
}

#[test]
fn hc_s3_07_passes_logging_target() {
    assert!(violations(&compliant(), "HC-S3-07").is_empty());
}

#[test]
fn hc_s3_07_flags_logging_off() {
    let input = input(vec![
        desired("bucket.logs", log_bucket()),
        live("bucket.raw", with_field(data_bucket(), "logging", json!(null))),
    ]);
    assert_eq!(violations(&input, "HC-S3-07"), hit("bucket.raw", State::Live));
}

#[test]
fn hc_s3_07_flags_logging_to_itself() {
    let logging = json!({"target_bucket": "lab-raw", "target_prefix": ""});
    let input = input(vec![desired(
        "bucket.raw",
        with_field(data_bucket(), "logging", logging),
    )]);
    assert_eq!(violations(&input, "HC-S3-07"), hit("bucket.raw", State::Desired));
}

#[test]
fn hc_s3_08_passes_declared_retention() {
    let input = input(vec![resource("bucket.raw", Some(data_bucket()), Some(data_bucket()))]);
    assert!(violations(&input, "HC-S3-08").is_empty());
}

#[test]
fn hc_s3_08_flags_shorter_live_retention() {
    let live = with_field(data_bucket(), "lifecycle", lifecycle(30));
    let input = input(vec![resource("bucket.raw", Some(data_bucket()), Some(live))]);
    assert_eq!(violations(&input, "HC-S3-08"), hit("bucket.raw", State::Live));
}

#[test]
fn hc_s3_08_flags_undeclared_retention() {
    let input = input(vec![desired(
        "bucket.raw",
        with_field(data_bucket(), "lifecycle", json!(null)),
    )]);
    assert_eq!(violations(&input, "HC-S3-08"), hit("bucket.raw", State::Desired));
}
