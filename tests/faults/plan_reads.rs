//! A plan's reads under faults. Throttling and 5xx are retried. A read that
//! still fails, or is denied, fails the plan and is never taken as "absent".

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_resourcegroupstagging::operation::get_resources::GetResourcesOutput;
use aws_sdk_resourcegroupstagging::types::{ResourceTagMapping, Tag};
use aws_sdk_s3::operation::get_bucket_encryption::GetBucketEncryptionOutput;
use aws_sdk_s3::operation::get_bucket_lifecycle_configuration::GetBucketLifecycleConfigurationOutput;
use aws_sdk_s3::operation::get_bucket_logging::GetBucketLoggingOutput;
use aws_sdk_s3::operation::get_bucket_ownership_controls::GetBucketOwnershipControlsOutput;
use aws_sdk_s3::operation::get_bucket_policy::GetBucketPolicyOutput;
use aws_sdk_s3::operation::get_bucket_versioning::GetBucketVersioningOutput;
use aws_sdk_s3::operation::get_public_access_block::GetPublicAccessBlockOutput;
use aws_sdk_s3::types::PublicAccessBlockConfiguration;
use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput;
use aws_smithy_async::rt::sleep::TokioSleep;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use aws_smithy_types::body::SdkBody;
use hipcloud::blueprint::{self, Source};
use hipcloud::provider::aws::{AwsProvider, CallCounter, Clients, ErrorKind, PlanError};

const BLUEPRINT: &str = r#"
[blueprint]
name = "lab"
account = "123456789012"
region = "us-east-1"

[bucket.logs]
name = "lab-logs"
purpose = "access-logs"
"#;

fn retry() -> aws_sdk_s3::config::retry::RetryConfig {
    aws_sdk_s3::config::retry::RetryConfig::standard().with_max_attempts(3).with_initial_backoff(Duration::from_millis(1))
}

fn error_response(status: u16, code: &str) -> aws_smithy_runtime_api::http::Response {
    let body = format!("<Error><Code>{code}</Code><Message>{code} for this test</Message><RequestId>test-request</RequestId></Error>");
    aws_smithy_runtime_api::http::Response::new(status.try_into().unwrap(), SdkBody::from(body))
}

/// The provider with every client mocked: the bucket `lab-logs` is discovered,
/// and `s3_rules` return its reads.
fn provider(s3_rules: &[&Rule]) -> AwsProvider {
    let identity = mock!(aws_sdk_sts::Client::get_caller_identity)
        .then_output(|| GetCallerIdentityOutput::builder().account("123456789012").arn("arn:aws:iam::123456789012:user/admin").build());
    let tagged = mock!(aws_sdk_resourcegroupstagging::Client::get_resources).then_output(|| {
        let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build().unwrap();
        GetResourcesOutput::builder()
            .resource_tag_mapping_list(
                ResourceTagMapping::builder()
                    .resource_arn("arn:aws:s3:::lab-logs")
                    .tags(tag("hipcloud:blueprint", "lab"))
                    .tags(tag("hipcloud:address", "bucket.logs"))
                    .build(),
            )
            .build()
    });
    let roles = mock!(aws_sdk_iam::Client::list_roles).then_output(|| aws_sdk_iam::operation::list_roles::ListRolesOutput::builder().set_roles(Some(vec![])).build().unwrap());

    let calls = CallCounter::default();
    let s3 = mock_client!(aws_sdk_s3, RuleMode::MatchAny, s3_rules, |c| c
        .retry_config(retry())
        .sleep_impl(TokioSleep::new())
        .interceptor(calls.clone()));
    let clients = Clients {
        s3,
        iam: mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&roles]),
        kms: mock_client!(aws_sdk_kms, RuleMode::MatchAny, Vec::<&Rule>::new()),
        sts: mock_client!(aws_sdk_sts, RuleMode::MatchAny, [&identity]),
        tagging: mock_client!(aws_sdk_resourcegroupstagging, RuleMode::MatchAny, [&tagged]),
        calls,
    };
    let source = Source { path: "lab.toml".into(), text: BLUEPRINT.into() };
    let blueprint = blueprint::load(source, None).map_err(|(_, d)| format!("{d:?}")).unwrap();
    AwsProvider::new(clients, Arc::new(blueprint))
}

/// Rules that return a healthy, matching bucket for every bucket read. Tests
/// replace the rules for the operations they fault.
fn healthy_reads() -> Vec<Rule> {
    vec![
        mock!(aws_sdk_s3::Client::get_bucket_encryption).then_output(|| GetBucketEncryptionOutput::builder().build()),
        mock!(aws_sdk_s3::Client::get_public_access_block).then_output(|| {
            let config = PublicAccessBlockConfiguration::builder().block_public_acls(true).ignore_public_acls(true).block_public_policy(true).restrict_public_buckets(true).build();
            GetPublicAccessBlockOutput::builder().public_access_block_configuration(config).build()
        }),
        mock!(aws_sdk_s3::Client::get_bucket_ownership_controls).then_output(|| GetBucketOwnershipControlsOutput::builder().build()),
        mock!(aws_sdk_s3::Client::get_bucket_versioning).then_output(|| GetBucketVersioningOutput::builder().build()),
        mock!(aws_sdk_s3::Client::get_bucket_policy).then_output(|| GetBucketPolicyOutput::builder().build()),
        mock!(aws_sdk_s3::Client::get_bucket_lifecycle_configuration).then_output(|| GetBucketLifecycleConfigurationOutput::builder().build()),
        mock!(aws_sdk_s3::Client::get_bucket_logging).then_output(|| GetBucketLoggingOutput::builder().build()),
    ]
}

#[tokio::test]
async fn throttled_read_is_retried() {
    let slow_down = mock!(aws_sdk_s3::Client::get_bucket_versioning)
        .sequence()
        .http_response(|| error_response(503, "SlowDown"))
        .http_response(|| error_response(400, "ThrottlingException"))
        .output(|| GetBucketVersioningOutput::builder().build())
        .build();
    let rest = healthy_reads();
    let mut rules: Vec<&Rule> = vec![&slow_down];
    rules.extend(rest.iter().filter(|r| !format!("{r:?}").contains("versioning")));
    let provider = provider(&rules);
    let snapshot = provider.plan().await.expect("a throttled read succeeds on retry");
    assert_eq!(slow_down.num_calls(), 3);
    assert!(snapshot.plan.change(&hipcloud::address::Address::parse("bucket.logs").unwrap()).is_some());
}

#[tokio::test]
async fn failing_read_fails_the_plan() {
    let broken = mock!(aws_sdk_s3::Client::get_bucket_policy).then_http_response(|| error_response(500, "InternalError"));
    let rest = healthy_reads();
    let mut rules: Vec<&Rule> = vec![&broken];
    rules.extend(rest.iter());
    let error = provider(&rules).plan().await.unwrap_err();
    let message = error.to_string();
    assert!(message.contains("s3:GetBucketPolicy failed for bucket.logs"), "{message}");
    assert!(message.contains("InternalError"), "{message}");
    assert_eq!(broken.num_calls(), 3, "5xx is retried before the plan fails");
}

#[tokio::test]
async fn access_denied_is_not_absent() {
    let denied = mock!(aws_sdk_s3::Client::get_public_access_block).then_http_response(|| error_response(403, "AccessDenied"));
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
