//! Mocked AWS clients for a small account: the caller, the tagged resources the
//! discovery call returns, no roles, and test-supplied rules for S3 and Glue.

use std::sync::Arc;
use std::time::Duration;

use aws_sdk_resourcegroupstagging::operation::get_resources::GetResourcesOutput;
use aws_sdk_resourcegroupstagging::types::{ResourceTagMapping, Tag};
use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput;
use aws_smithy_async::rt::sleep::TokioSleep;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use aws_smithy_types::body::SdkBody;
use hipcloud::blueprint::{self, Source};
use hipcloud::provider::aws::{AwsProvider, CallCounter, Clients};

pub const ACCOUNT: &str = "123456789012";

/// A retry configuration like the real one, with millisecond backoff.
pub fn retry() -> aws_sdk_s3::config::retry::RetryConfig {
    aws_sdk_s3::config::retry::RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(1))
}

/// An XML error response in the shape S3 and the query-protocol services use.
pub fn error_response(status: u16, code: &str) -> aws_smithy_runtime_api::http::Response {
    let body = format!(
        "<Error><Code>{code}</Code><Message>{code} for this test</Message><RequestId>test-request</RequestId></Error>"
    );
    aws_smithy_runtime_api::http::Response::new(status.try_into().unwrap(), SdkBody::from(body))
}

/// Builds a provider for `blueprint` whose discovery finds `tagged` (ARN and
/// address pairs) and whose S3 and Glue calls go to the given rules.
pub fn provider(blueprint: &str, tagged: &[(&str, &str)], s3_rules: &[&Rule], glue_rules: &[&Rule]) -> AwsProvider {
    provider_with(blueprint, tagged, s3_rules, glue_rules, &[])
}

/// Like `provider`, with SageMaker calls going to `sagemaker_rules` too.
pub fn provider_with(
    blueprint: &str,
    tagged: &[(&str, &str)],
    s3_rules: &[&Rule],
    glue_rules: &[&Rule],
    sagemaker_rules: &[&Rule],
) -> AwsProvider {
    let clients = clients(tagged, s3_rules, glue_rules, sagemaker_rules);
    let source = Source {
        path: "lab.toml".into(),
        text: blueprint.into(),
    };
    let blueprint = blueprint::load(source, None)
        .map_err(|(_, d)| format!("{d:?}"))
        .unwrap();
    AwsProvider::new(clients, Arc::new(blueprint))
}

/// Mocked clients: the caller, discovery of `tagged`, no roles, secrets that
/// exist and rotate, and the given rules for S3, Glue and SageMaker.
pub fn clients(
    tagged: &[(&str, &str)],
    s3_rules: &[&Rule],
    glue_rules: &[&Rule],
    sagemaker_rules: &[&Rule],
) -> Clients {
    let identity = mock!(aws_sdk_sts::Client::get_caller_identity).then_output(|| {
        GetCallerIdentityOutput::builder()
            .account(ACCOUNT)
            .arn(format!("arn:aws:iam::{ACCOUNT}:user/admin"))
            .build()
    });
    let mappings: Vec<(String, String)> = tagged
        .iter()
        .map(|(arn, address)| (arn.to_string(), address.to_string()))
        .collect();
    let discovery = mock!(aws_sdk_resourcegroupstagging::Client::get_resources).then_output(move || {
        let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build().unwrap();
        let list = mappings
            .iter()
            .map(|(arn, address)| {
                ResourceTagMapping::builder()
                    .resource_arn(arn)
                    .tags(tag("hipcloud:blueprint", "lab"))
                    .tags(tag("hipcloud:address", address))
                    .build()
            })
            .collect();
        GetResourcesOutput::builder()
            .set_resource_tag_mapping_list(Some(list))
            .build()
    });
    // Every referenced secret exists, under a customer managed key, and rotates.
    let secret = mock!(aws_sdk_secretsmanager::Client::describe_secret).then_output(|| {
        aws_sdk_secretsmanager::operation::describe_secret::DescribeSecretOutput::builder()
            .kms_key_id(format!(
                "arn:aws:kms:us-east-1:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            ))
            .rotation_enabled(true)
            .build()
    });
    let roles = mock!(aws_sdk_iam::Client::list_roles).then_output(|| {
        aws_sdk_iam::operation::list_roles::ListRolesOutput::builder()
            .set_roles(Some(vec![]))
            .build()
            .unwrap()
    });

    let calls = CallCounter::default();
    let s3 = mock_client!(aws_sdk_s3, RuleMode::MatchAny, s3_rules, |c| c
        .retry_config(retry())
        .sleep_impl(TokioSleep::new())
        .interceptor(calls.clone()));
    let glue = mock_client!(aws_sdk_glue, RuleMode::MatchAny, glue_rules, |c| c
        .interceptor(calls.clone()));
    let sagemaker = mock_client!(aws_sdk_sagemaker, RuleMode::MatchAny, sagemaker_rules, |c| c
        .interceptor(calls.clone()));
    Clients {
        s3,
        glue,
        sagemaker,
        iam: mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&roles]),
        secrets: mock_client!(aws_sdk_secretsmanager, RuleMode::MatchAny, [&secret]),
        kms: mock_client!(aws_sdk_kms, RuleMode::MatchAny, Vec::<&Rule>::new()),
        sts: mock_client!(aws_sdk_sts, RuleMode::MatchAny, [&identity]),
        tagging: mock_client!(aws_sdk_resourcegroupstagging, RuleMode::MatchAny, [&discovery]),
        calls,
    }
}
