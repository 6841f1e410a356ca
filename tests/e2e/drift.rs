//! Hand changes made with the SDK show up in the next plan, field by field.

use aws_sdk_s3::types::PublicAccessBlockConfiguration;
use hipcloud::address::Address;
use hipcloud::apply::apply;
use hipcloud::plan::{Action, Reason};
use hipcloud::policy_doc;
use serde_json::Value;

use crate::harness::Account;

async fn applied(account: &Account) -> String {
    let text = account.example();
    let provider = account.provider(&text);
    let snapshot = provider.plan().await.unwrap();
    let report = apply(&snapshot.plan, &provider, 10, &[], |_| {}).await;
    assert!(report.succeeded(), "{:#?}", report.lines());
    text
}

#[tokio::test(flavor = "multi_thread")]
async fn hand_changes_are_planned_back() {
    let account = Account::fresh().await;
    let text = applied(&account).await;

    // Key rotation turned off.
    let kms = account.kms();
    let key = kms
        .describe_key()
        .key_id("alias/hipcloud/research-lab/phi")
        .send()
        .await
        .unwrap();
    let key_id = key.key_metadata.unwrap().key_id;
    kms.disable_key_rotation().key_id(&key_id).send().await.unwrap();

    // A CIDR widened in the analyst's managed policy, and an inline policy added.
    let iam = account.iam();
    let role = "research-lab-analyst";
    let policy = iam
        .get_role_policy()
        .role_name(role)
        .policy_name("hipcloud-grants")
        .send()
        .await
        .unwrap();
    let mut document = policy_doc::parse(&policy.policy_document).unwrap();
    for statement in document["Statement"].as_array_mut().unwrap() {
        if let Some(cidrs) = statement.pointer_mut("/Condition/IpAddress/aws:SourceIp") {
            *cidrs = serde_json::json!(["198.51.100.0/26", "203.0.0.0/16"]);
        }
    }
    iam.put_role_policy()
        .role_name(role)
        .policy_name("hipcloud-grants")
        .policy_document(document.to_string())
        .send()
        .await
        .unwrap();
    let extra = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;
    iam.put_role_policy()
        .role_name(role)
        .policy_name("quick-fix")
        .policy_document(extra)
        .send()
        .await
        .unwrap();

    // One public access block flag loosened.
    let loose = PublicAccessBlockConfiguration::builder()
        .block_public_acls(true)
        .ignore_public_acls(true)
        .block_public_policy(false)
        .restrict_public_buckets(true)
        .build();
    let raw = format!("research-lab-phi-raw-{}", account.id);
    account
        .s3()
        .put_public_access_block()
        .bucket(&raw)
        .public_access_block_configuration(loose)
        .send()
        .await
        .unwrap();

    let provider = account.provider(&text);
    let snapshot = provider.plan().await.unwrap();
    let plan = &snapshot.plan;
    assert_eq!(plan.changes.len(), 3, "{:#?}", plan.changes);

    let key = plan.change(&Address::parse("key.phi").unwrap()).unwrap();
    assert_eq!((key.action, &key.reason), (Action::Update, &Reason::Drifted));
    assert_eq!(key.fields.len(), 1);
    assert_eq!(key.fields[0].name, "rotation");

    let analyst = plan.change(&Address::parse("role.analyst").unwrap()).unwrap();
    assert_eq!(analyst.reason, Reason::Drifted);
    let names: Vec<&str> = analyst.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["inline_policy.hipcloud-grants", "inline_policy.quick-fix"]);
    assert!(analyst.fields[1].after.is_none(), "the hand-added policy is removed");
    let before = analyst.fields[0].before.as_ref().unwrap().canonical().to_string();
    assert!(before.contains("203.0.0.0/16"), "{before}");

    let bucket = plan.change(&Address::parse("bucket.raw").unwrap()).unwrap();
    assert_eq!(bucket.fields.len(), 1);
    assert_eq!(bucket.fields[0].name, "public_access_block");
    assert_eq!(
        bucket.fields[0].before.as_ref().unwrap().canonical()["block_public_policy"],
        Value::Bool(false)
    );

    let report = apply(plan, &provider, 10, &[], |_| {}).await;
    assert!(report.succeeded(), "{:#?}", report.lines());
    let after = account.provider(&text).plan().await.unwrap();
    assert!(!after.plan.has_changes(), "{:#?}", after.plan.changes);
}

#[tokio::test(flavor = "multi_thread")]
async fn equivalent_documents_plan_no_change() {
    let account = Account::fresh().await;
    let text = applied(&account).await;

    // Rewrite the data scientist's trust policy in a form IAM treats as equal:
    // compacted, one-element lists as strings, services reordered, an empty Sid.
    let iam = account.iam();
    let role = "research-lab-data-scientist";
    let live = iam.get_role().role_name(role).send().await.unwrap().role.unwrap();
    let document = policy_doc::parse(live.assume_role_policy_document().unwrap()).unwrap();
    let mut statement = document["Statement"][0].clone();
    statement["Sid"] = Value::String(String::new());
    statement["Action"] = Value::String("sts:AssumeRole".into());
    statement["Principal"]["Service"] = Value::String("sagemaker.amazonaws.com".into());
    let account_id = statement["Condition"]["StringEquals"]["aws:SourceAccount"].clone();
    statement["Condition"]["StringEquals"] = serde_json::json!({"AWS:SOURCEACCOUNT": account_id});
    let rewritten = serde_json::json!({"Version": "2012-10-17", "Statement": statement});
    iam.update_assume_role_policy()
        .role_name(role)
        .policy_document(rewritten.to_string())
        .send()
        .await
        .unwrap();

    let snapshot = account.provider(&text).plan().await.unwrap();
    assert!(!snapshot.plan.has_changes(), "{:#?}", snapshot.plan.changes);

    // A real change to one value still shows on that field.
    let mut changed = rewritten.clone();
    changed["Statement"]["Condition"]["StringEquals"]["AWS:SOURCEACCOUNT"] = Value::String("999999999999".into());
    iam.update_assume_role_policy()
        .role_name(role)
        .policy_document(changed.to_string())
        .send()
        .await
        .unwrap();
    let snapshot = account.provider(&text).plan().await.unwrap();
    let change = snapshot
        .plan
        .change(&Address::parse("role.data_scientist").unwrap())
        .unwrap();
    assert_eq!(change.fields.len(), 1);
    assert_eq!(change.fields[0].name, "trust_policy");
}

#[tokio::test(flavor = "multi_thread")]
async fn key_deletion_by_hand_is_cancelled() {
    let account = Account::fresh().await;
    let text = applied(&account).await;
    let kms = account.kms();
    let key = kms
        .describe_key()
        .key_id("alias/hipcloud/research-lab/phi")
        .send()
        .await
        .unwrap();
    let key_id = key.key_metadata.unwrap().key_id;
    kms.schedule_key_deletion()
        .key_id(&key_id)
        .pending_window_in_days(7)
        .send()
        .await
        .unwrap();

    let provider = account.provider(&text);
    let snapshot = provider.plan().await.unwrap();
    let change = snapshot
        .plan
        .change(&Address::parse("key.phi").unwrap())
        .expect("key planned");
    assert_eq!(change.action, Action::Update);
    assert_eq!(change.fields[0].name, "key_state");
    assert_eq!(
        change.fields[0].before.as_ref().unwrap().value(),
        &Value::String("PendingDeletion".into())
    );

    let report = apply(&snapshot.plan, &provider, 10, &[], |_| {}).await;
    assert!(report.succeeded(), "{:#?}", report.lines());
    let state = kms
        .describe_key()
        .key_id(&key_id)
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap()
        .key_state;
    assert_eq!(state, Some(aws_sdk_kms::types::KeyState::Enabled));
    let after = account.provider(&text).plan().await.unwrap();
    assert!(!after.plan.has_changes(), "{:#?}", after.plan.changes);
}
