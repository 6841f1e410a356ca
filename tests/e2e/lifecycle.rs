//! Apply, re-plan, delete: the main job against the emulator.

use hipcloud::address::{Address, Kind};
use hipcloud::apply::apply;
use hipcloud::plan::{Action, Guard, Reason};
use hipcloud::provider::aws::PlanError;

use crate::harness::Account;

fn address(text: &str) -> Address {
    Address::parse(text).unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_then_replan_is_empty() {
    let account = Account::fresh().await;
    let text = account.example();

    let provider = account.provider(&text);
    let snapshot = provider.plan().await.expect("plan");
    let summary = snapshot.plan.summary();
    assert_eq!(summary.create, 10, "{:#?}", snapshot.plan.changes);
    assert_eq!(summary.update, 1, "the account's Data Catalog settings already exist");
    assert_eq!(summary.replace + summary.delete, 0);
    let writes_before = provider.clients.calls.writes();
    assert_eq!(
        writes_before,
        0,
        "plan must not write: {:?}",
        provider.clients.calls.by_operation()
    );

    let report = apply(&snapshot.plan, &provider, 10, &[], |_| {}).await;
    assert!(report.succeeded(), "{:#?}", report.lines());
    let key = account
        .kms()
        .describe_key()
        .key_id("alias/hipcloud/research-lab/phi")
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap();
    let glue = aws_sdk_glue::Client::new(&account.config);
    let settings = glue
        .get_data_catalog_encryption_settings()
        .send()
        .await
        .unwrap()
        .data_catalog_encryption_settings
        .unwrap();
    assert_eq!(
        settings.encryption_at_rest().and_then(|e| e.sse_aws_kms_key_id()),
        key.arn.as_deref()
    );
    assert_eq!(
        settings
            .connection_password_encryption()
            .and_then(|p| p.aws_kms_key_id()),
        key.arn.as_deref()
    );

    let replan = account.provider(&text);
    let snapshot = replan.plan().await.expect("re-plan");
    assert!(!snapshot.plan.has_changes(), "{:#?}", snapshot.plan.changes);
    // Identity and the caller's role path (2), discovery (2), 4 per key, 7 per
    // bucket, 3 + N per role with N inline policies, 1 per Glue connection, 1
    // for the Data Catalog settings, 1 per referenced secret, 1 per domain.
    let floor = 2 + 2 + 4 + 3 * 7 + 3 * 4 + 3 + 1 + 1 + 1 + 1;
    assert_eq!(
        replan.clients.calls.total(),
        floor,
        "{:?}",
        replan.clients.calls.by_operation()
    );

    let report = apply(&snapshot.plan, &replan, 10, &[], |_| {}).await;
    assert!(report.succeeded());
    assert_eq!(
        replan.clients.calls.writes(),
        0,
        "a clean apply makes no writes: {:?}",
        replan.clients.calls.by_operation()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn removed_role_is_planned_for_deletion() {
    let account = Account::fresh().await;
    let text = account.example();
    let provider = account.provider(&text);
    let snapshot = provider.plan().await.unwrap();
    assert!(apply(&snapshot.plan, &provider, 10, &[], |_| {}).await.succeeded());

    let start = text.find("# Administers the key").unwrap();
    let end = text.find("# The research Studio domain").unwrap();
    let without_admin =
        format!("{}{}", &text[..start], &text[end..]).replace("administrators = [\"role.platform_admin\"]\n", "");
    let provider = account.provider(&without_admin);
    let snapshot = provider.plan().await.unwrap();
    let change = snapshot
        .plan
        .change(&address("role.platform_admin"))
        .expect("role planned");
    assert_eq!(change.action, Action::Delete);
    assert_eq!(change.reason, Reason::RemovedFromBlueprint);
    let key = snapshot.plan.change(&address("key.phi")).expect("key policy planned");
    assert_eq!(key.action, Action::Update);
    assert_eq!(
        key.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
        vec!["policy"]
    );

    assert!(apply(&snapshot.plan, &provider, 10, &[], |_| {}).await.succeeded());
    let after = account.provider(&without_admin).plan().await.unwrap();
    assert!(!after.plan.has_changes(), "{:#?}", after.plan.changes);
    let gone = account
        .iam()
        .get_role()
        .role_name("research-lab-platform-admin")
        .send()
        .await;
    assert!(gone.is_err(), "the role should be deleted");
}

const SMALL: &str = r#"
[blueprint]
name = "small-lab"
account = "ACCOUNT"
region = "us-east-1"

[key.data]
deletion_window_days = 7

[bucket.logs]
name = "small-lab-logs-ACCOUNT"
purpose = "access-logs"

[bucket.data]
name = "small-lab-data-ACCOUNT"
key = "key.data"
access_logs = "bucket.logs"
"#;

#[tokio::test(flavor = "multi_thread")]
async fn deleting_data_needs_explicit_permission() {
    let account = Account::fresh().await;
    let text = SMALL.replace("ACCOUNT", &account.id);
    let provider = account.provider(&text);
    let snapshot = provider.plan().await.unwrap();
    assert!(apply(&snapshot.plan, &provider, 4, &[], |_| {}).await.succeeded());

    let s3 = account.s3();
    let bucket = format!("small-lab-data-{}", account.id);
    // The bucket policy denies requests without TLS, and the emulator speaks
    // plain HTTP: lift the policy by hand to store one object.
    s3.delete_bucket_policy().bucket(&bucket).send().await.unwrap();
    s3.put_object()
        .bucket(&bucket)
        .key("patients/0001.csv")
        .body(b"id,name\n".to_vec().into())
        .send()
        .await
        .unwrap();

    let start = text.find("[key.data]").unwrap();
    let end = text.find("[bucket.logs]").unwrap();
    let only_logs = format!("{}{}", &text[..start], &text[end..]);
    let only_logs = &only_logs[..only_logs.find("[bucket.data]").unwrap()];
    let provider = account.provider(only_logs);
    let snapshot = provider.plan().await.unwrap();
    let data = snapshot.plan.change(&address("bucket.data")).unwrap();
    assert_eq!(data.action, Action::Delete);
    assert_eq!(data.guards, vec![Guard::BucketHoldsData]);
    let key = snapshot.plan.change(&address("key.data")).unwrap();
    assert!(
        key.guards.contains(&Guard::KeyDeletion { window_days: 30 }),
        "{:?}",
        key.guards
    );

    let blocked = snapshot.plan.blocking_guards(&[]);
    assert_eq!(blocked.len(), 2, "{blocked:?}");
    assert!(
        !blocked.iter().any(|b| b.contains("patients/0001.csv")),
        "object keys must never be printed"
    );
    assert!(snapshot
        .plan
        .blocking_guards(&[address("bucket.data"), address("key.data")])
        .is_empty());

    let allowed = [address("bucket.data"), address("key.data")];
    let report = apply(&snapshot.plan, &provider, 4, &allowed, |_| {}).await;
    assert!(report.succeeded(), "{:#?}", report.lines());
    assert!(
        s3.head_bucket().bucket(&bucket).send().await.is_err(),
        "bucket should be gone"
    );
    let after = account.provider(only_logs).plan().await.unwrap();
    assert!(!after.plan.has_changes(), "{:#?}", after.plan.changes);
}

#[tokio::test(flavor = "multi_thread")]
async fn wrong_account_stops_before_reading() {
    let account = Account::fresh().await;
    let text = account
        .example()
        .replace(&format!("account = \"{}\"", account.id), "account = \"111122223333\"");
    let provider = account.provider(&text);
    let error = provider.plan().await.unwrap_err();
    assert!(matches!(error, PlanError::WrongAccount { .. }), "{error}");
    assert_eq!(
        provider.clients.calls.total(),
        1,
        "only STS is called: {:?}",
        provider.clients.calls.by_operation()
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn untagged_bucket_with_same_name_is_not_taken_over() {
    let account = Account::fresh().await;
    let text = SMALL.replace("ACCOUNT", &account.id);
    account
        .s3()
        .create_bucket()
        .bucket(format!("small-lab-logs-{}", account.id))
        .send()
        .await
        .unwrap();
    let error = account.provider(&text).plan().await.unwrap_err();
    let message = error.to_string();
    assert!(message.contains("bucket.logs"), "{message}");
    assert!(message.contains("not tagged"), "{message}");
    let _ = Kind::Bucket;
}
