//! A key policy that names a role created moments earlier can be rejected until
//! IAM propagates the role. hipcloud retries that, bounded, only for roles it
//! created in the same run.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_sdk_kms::error::ErrorMetadata;
use aws_sdk_kms::operation::put_key_policy::{PutKeyPolicyError, PutKeyPolicyOutput};
use aws_sdk_kms::types::error::MalformedPolicyDocumentException;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use hipcloud::address::Address;
use hipcloud::provider::aws::error::{classify, ErrorKind};
use hipcloud::provider::aws::retry::{retry_invalid_principal, Propagation};
use hipcloud::provider::aws::Context;

const NEW_ROLE: &str = "arn:aws:iam::123456789012:role/hipcloud/lab/lab-analyst";

fn context(created: &[&str]) -> Context {
    Context {
        account: "123456789012".into(),
        region: "us-east-1".into(),
        partition: "aws".into(),
        blueprint: "lab".into(),
        admin_principal: "arn:aws:iam::123456789012:user/admin".into(),
        key_arns: BTreeMap::new(),
        domain_ids: BTreeMap::new(),
        created_roles: created.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>(),
        propagation: Propagation {
            attempts: 5,
            first_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(4),
        },
        secrets: BTreeMap::new(),
    }
}

/// The error KMS returns, with the metadata its deserializer would attach.
fn invalid_principal() -> PutKeyPolicyError {
    let message = "Policy contains a statement with one or more invalid principals.";
    let meta = ErrorMetadata::builder()
        .code("MalformedPolicyDocumentException")
        .message(message)
        .build();
    PutKeyPolicyError::MalformedPolicyDocumentException(
        MalformedPolicyDocumentException::builder()
            .message(message)
            .meta(meta)
            .build(),
    )
}

async fn put_policy(ctx: &Context, client: &aws_sdk_kms::Client) -> Result<(), hipcloud::provider::aws::AwsError> {
    let address = Address::parse("key.phi").unwrap();
    let policy = format!(r#"{{"Statement":[{{"Principal":{{"AWS":"{NEW_ROLE}"}}}}]}}"#);
    retry_invalid_principal(&address, &policy, ctx, || async {
        client
            .put_key_policy()
            .key_id("k")
            .policy_name("default")
            .policy(&policy)
            .send()
            .await
            .map_err(|e| classify("kms:PutKeyPolicy", &address, e))
    })
    .await
    .map(|_| ())
}

#[tokio::test]
async fn new_role_principal_is_retried() {
    let rule = mock!(aws_sdk_kms::Client::put_key_policy)
        .sequence()
        .error(invalid_principal)
        .times(2)
        .output(|| PutKeyPolicyOutput::builder().build())
        .build();
    let client = mock_client!(aws_sdk_kms, RuleMode::Sequential, [&rule]);
    put_policy(&context(&[NEW_ROLE]), &client)
        .await
        .expect("succeeds once the role propagates");
    assert_eq!(rule.num_calls(), 3);
}

#[tokio::test]
async fn unknown_principal_fails_fast() {
    let rule = mock!(aws_sdk_kms::Client::put_key_policy).then_error(invalid_principal);
    let client = mock_client!(aws_sdk_kms, RuleMode::MatchAny, [&rule]);
    let error = put_policy(&context(&[]), &client).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::InvalidPrincipal);
    assert!(
        error
            .to_string()
            .contains("kms:PutKeyPolicy failed for key.phi: MalformedPolicyDocumentException"),
        "{error}"
    );
    assert_eq!(
        rule.num_calls(),
        1,
        "a principal this run did not create is not retried"
    );
}

#[tokio::test]
async fn propagation_retries_are_bounded() {
    let rule = mock!(aws_sdk_kms::Client::put_key_policy).then_error(invalid_principal);
    let client = mock_client!(aws_sdk_kms, RuleMode::MatchAny, [&rule]);
    let error = put_policy(&context(&[NEW_ROLE]), &client).await.unwrap_err();
    assert_eq!(error.kind, ErrorKind::InvalidPrincipal);
    assert_eq!(rule.num_calls(), 5);
}
