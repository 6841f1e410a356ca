//! Secrets the blueprint refers to: hipcloud reads their metadata, grants roles
//! the value and the key, and reports weak settings, without reading a value.

use hipcloud::address::Address;
use hipcloud::apply::apply;
use hipcloud::policy_doc;

use crate::harness::Account;

#[tokio::test(flavor = "multi_thread")]
async fn connection_secret_is_granted_and_checked() {
    let account = Account::fresh().await;
    let kms = account.kms();
    let key = kms
        .create_key()
        .description("database credentials")
        .send()
        .await
        .unwrap()
        .key_metadata
        .unwrap();
    let secrets = aws_sdk_secretsmanager::Client::new(&account.config);
    let created = secrets
        .create_secret()
        .name("research-lab/clinical-db")
        .kms_key_id(&key.key_id)
        .secret_string(r#"{"username":"svc_cdw_reader","password":"not-a-real-password"}"#)
        .send()
        .await
        .unwrap();
    let secret_arn = created.arn.unwrap();
    let text = account.example().replace(
        &format!(
            "arn:aws:secretsmanager:us-east-1:{}:secret:research-lab/clinical-db-AbCdEf",
            account.id
        ),
        &secret_arn,
    );

    let provider = account.provider(&text);
    let snapshot = provider.plan().await.expect("plan");
    let notes = snapshot.plan.notes.join("\n");
    assert!(
        notes.contains(&format!("Secret {secret_arn} has rotation turned off")),
        "{notes}"
    );
    assert!(!notes.contains("not found"), "{notes}");
    assert!(
        !notes.contains("AWS managed key"),
        "a customer managed key encrypts it: {notes}"
    );
    let rendered = serde_json::to_string(&snapshot.plan).unwrap();
    assert!(
        !rendered.contains("not-a-real-password"),
        "no secret value reaches the plan"
    );
    assert!(!rendered.contains("svc_cdw_reader"), "no secret value reaches the plan");

    let report = apply(&snapshot.plan, &provider, 10, &[], |_| {}).await;
    assert!(report.succeeded(), "{:#?}", report.lines());
    let policy = account
        .iam()
        .get_role_policy()
        .role_name("research-lab-etl")
        .policy_name("hipcloud-grants")
        .send()
        .await
        .unwrap();
    let document = policy_doc::parse(&policy.policy_document).unwrap();
    let statement = |sid: &str| {
        document["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Sid"] == sid)
            .cloned()
    };
    let read = statement("ReadSecrets").expect("the ETL role reads its connection's secret");
    assert_eq!(read["Resource"], serde_json::json!([secret_arn]));
    let decrypt = statement("DecryptSecrets").expect("and decrypts it through Secrets Manager");
    assert_eq!(decrypt["Resource"], serde_json::json!([key.arn.unwrap()]));
    assert_eq!(
        decrypt["Condition"]["StringEquals"]["kms:ViaService"],
        "secretsmanager.us-east-1.amazonaws.com"
    );

    let after = account.provider(&text).plan().await.unwrap();
    assert!(
        after.plan.change(&Address::parse("role.etl").unwrap()).is_none(),
        "{:#?}",
        after.plan.changes
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_secret_is_reported() {
    let account = Account::fresh().await;
    let snapshot = account
        .provider(&account.example())
        .plan()
        .await
        .expect("a missing secret does not stop the plan");
    let notes = snapshot.plan.notes.join("\n");
    assert!(
        notes.contains("research-lab/clinical-db-AbCdEf was not found"),
        "{notes}"
    );
}
