//! A plan's reads under faults. Throttling and 5xx are retried. A read that
//! still fails, or is denied, fails the plan and is never taken as "absent".

use aws_sdk_s3::operation::get_bucket_encryption::GetBucketEncryptionOutput;
use aws_sdk_s3::operation::get_bucket_lifecycle_configuration::GetBucketLifecycleConfigurationOutput;
use aws_sdk_s3::operation::get_bucket_logging::GetBucketLoggingOutput;
use aws_sdk_s3::operation::get_bucket_ownership_controls::GetBucketOwnershipControlsOutput;
use aws_sdk_s3::operation::get_bucket_policy::GetBucketPolicyOutput;
use aws_sdk_s3::operation::get_bucket_versioning::GetBucketVersioningOutput;
use aws_sdk_s3::operation::get_public_access_block::GetPublicAccessBlockOutput;
use aws_sdk_s3::types::PublicAccessBlockConfiguration;
use aws_smithy_mocks::{mock, Rule};
use hipcloud::provider::aws::{AwsProvider, ErrorKind, PlanError};

use crate::support;

const BLUEPRINT: &str = r#"
[blueprint]
name = "lab"
account = "123456789012"
region = "us-east-1"

[bucket.logs]
name = "lab-logs"
purpose = "access-logs"
"#;

fn provider(s3_rules: &[&Rule]) -> AwsProvider {
    support::provider(BLUEPRINT, &[("arn:aws:s3:::lab-logs", "bucket.logs")], s3_rules, &[])
}

/// Rules that return a healthy, matching bucket for every bucket read. Tests
/// replace the rules for the operations they fault.
fn healthy_reads() -> Vec<Rule> {
    vec![
        mock!(aws_sdk_s3::Client::get_bucket_encryption).then_output(|| GetBucketEncryptionOutput::builder().build()),
        mock!(aws_sdk_s3::Client::get_public_access_block).then_output(|| {
            let config = PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build();
            GetPublicAccessBlockOutput::builder()
                .public_access_block_configuration(config)
                .build()
        }),
        mock!(aws_sdk_s3::Client::get_bucket_ownership_controls)
            .then_output(|| GetBucketOwnershipControlsOutput::builder().build()),
        mock!(aws_sdk_s3::Client::get_bucket_versioning).then_output(|| GetBucketVersioningOutput::builder().build()),
        mock!(aws_sdk_s3::Client::get_bucket_policy).then_output(|| GetBucketPolicyOutput::builder().build()),
        mock!(aws_sdk_s3::Client::get_bucket_lifecycle_configuration)
            .then_output(|| GetBucketLifecycleConfigurationOutput::builder().build()),
        mock!(aws_sdk_s3::Client::get_bucket_logging).then_output(|| GetBucketLoggingOutput::builder().build()),
    ]
}

#[tokio::test]
async fn throttled_read_is_retried() {
    let slow_down = mock!(aws_sdk_s3::Client::get_bucket_versioning)
        .sequence()
        .http_response(|| support::error_response(503, "SlowDown"))
        .http_response(|| support::error_response(400, "ThrottlingException"))
        .output(|| GetBucketVersioningOutput::builder().build())
        .build();
    let rest = healthy_reads();
    let mut rules: Vec<&Rule> = vec![&slow_down];
    rules.extend(rest.iter().filter(|r| !format!("{r:?}").contains("versioning")));
    let provider = provider(&rules);
    let snapshot = provider.plan().await.expect("a throttled read succeeds on retry");
    assert_eq!(slow_down.num_calls(), 3);
    assert!(snapshot
        .plan
        .change(&hipcloud::address::Address::parse("bucket.logs").unwrap())
        .is_some());
}

#[tokio::test]
async fn failing_read_fails_the_plan() {
    let broken = mock!(aws_sdk_s3::Client::get_bucket_policy)
        .then_http_response(|| support::error_response(500, "InternalError"));
    let rest = healthy_reads();
    let mut rules: Vec<&Rule> = vec![&broken];
    rules.extend(rest.iter());
    let error = provider(&rules).plan().await.unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("s3:GetBucketPolicy failed for bucket.logs"),
        "{message}"
    );
    assert!(message.contains("InternalError"), "{message}");
    assert_eq!(broken.num_calls(), 3, "5xx is retried before the plan fails");
}

#[tokio::test]
async fn access_denied_is_not_absent() {
    let denied = mock!(aws_sdk_s3::Client::get_public_access_block)
        .then_http_response(|| support::error_response(403, "AccessDenied"));
    let rest = healthy_reads();
    let mut rules: Vec<&Rule> = vec![&denied];
    rules.extend(rest.iter());
    let error = provider(&rules).plan().await.unwrap_err();
    match error {
        PlanError::Aws(aws) => {
            assert_eq!(aws.kind, ErrorKind::AccessDenied);
            assert_eq!(aws.api, "s3:GetPublicAccessBlock");
            assert_eq!(aws.address, "bucket.logs");
        }
        other => panic!("expected an AWS error, got {other}"),
    }
    assert_eq!(denied.num_calls(), 1, "access denied is not retried");
}
