//! The HIPAA policy checks through the binary: findings on hand changes in
//! drift reports, and an organisation's rule that blocks apply until waived.

use aws_sdk_s3::types::PublicAccessBlockConfiguration;
use serde_json::Value;

use crate::harness::{disable_rotation, hipcloud, stderr, stdout, write_blueprint, Account};

/// Returns the finding of `rule` at `address`, panicking with every finding.
fn finding<'a>(findings: &'a [Value], rule: &str, address: &str) -> &'a Value {
    findings
        .iter()
        .find(|f| f["rule"]["id"] == rule && f["address"] == address)
        .unwrap_or_else(|| panic!("no {rule} finding for {address} in {findings:#?}"))
}

fn cites(finding: &Value, section: &str) -> bool {
    finding["rule"]["citations"]
        .as_array()
        .is_some_and(|c| c.iter().any(|c| c == section))
}

#[tokio::test(flavor = "multi_thread")]
async fn drift_reports_policy_findings() {
    let account = Account::fresh().await;
    let (_dir, path) = write_blueprint(&account.example());
    let env = account.env();
    let apply = hipcloud(&["apply", &path, "--auto-approve"], &env);
    assert_eq!(apply.status.code(), Some(0), "{}", stderr(&apply));

    disable_rotation(&account).await;

    // The curated bucket's public access block loosened.
    let open = PublicAccessBlockConfiguration::builder()
        .block_public_acls(false)
        .ignore_public_acls(true)
        .block_public_policy(false)
        .restrict_public_buckets(true)
        .build();
    account
        .s3()
        .put_public_access_block()
        .bucket(format!("research-lab-phi-curated-{}", account.id))
        .public_access_block_configuration(open)
        .send()
        .await
        .unwrap();

    // A wildcard inline policy on the analyst role.
    let admin = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;
    account
        .iam()
        .put_role_policy()
        .role_name("research-lab-analyst")
        .policy_name("break-glass")
        .policy_document(admin)
        .send()
        .await
        .unwrap();

    let drift = hipcloud(&["drift", &path, "--format", "json"], &env);
    assert_eq!(drift.status.code(), Some(2), "{}", stderr(&drift));
    let report: Value = serde_json::from_str(&stdout(&drift)).unwrap();
    let findings = report["reports"][0]["policy"].as_array().unwrap().clone();

    let rotation = finding(&findings, "HC-KMS-02", "key.phi");
    assert_eq!(rotation["state"], "live");
    assert_eq!(rotation["outcome"], "violation");
    assert!(cites(rotation, "45 CFR 164.312(a)(2)(iv)"), "{rotation:#}");
    assert!(
        rotation["line"].as_u64().is_some(),
        "the finding carries the blueprint line"
    );

    let block = finding(&findings, "HC-S3-03", "bucket.curated");
    assert_eq!(block["state"], "live");
    assert!(cites(block, "45 CFR 164.312(a)(1)"), "{block:#}");

    let wildcard = finding(&findings, "HC-IAM-01", "role.analyst");
    assert_eq!(wildcard["state"], "live");
    assert!(cites(wildcard, "45 CFR 164.312(a)(1)"), "{wildcard:#}");

    let text = hipcloud(&["drift", &path], &env);
    assert!(stdout(&text).contains("HC-KMS-02"), "{}", stdout(&text));
}

const ORG_RULE: &str = r#"package hipcloud.rules.org_raw_owner

import data.hipcloud.lib

metadata := {
	"id": "ORG-OWNER-01",
	"title": "The raw bucket names its data owner",
	"severity": "high",
	"citations": ["45 CFR 164.308(a)(2)"],
	"remediation": "Add an owner tag to bucket.raw.",
	"waivable": true,
}

deny contains finding if {
	some state in lib.buckets
	state.address == "bucket.raw"
	not state.fields.tags.owner
	finding := lib.finding(state, "tags", "bucket.raw has no owner tag")
}
"#;

fn waiver(expires: &str) -> String {
    format!(
        r#"
[waiver.raw_owner]
rule = "ORG-OWNER-01"
address = "bucket.raw"
reason = "The owner is recorded in the data catalogue until tagging is automated."
equivalent_control = "Quarterly review of the data catalogue by the privacy office."
approver = "privacy-officer@hospital.example"
expires = {expires}
"#
    )
}

#[tokio::test(flavor = "multi_thread")]
async fn org_rule_blocks_apply_until_waived() {
    let account = Account::fresh().await;
    let text = account.example();
    let (dir, path) = write_blueprint(&text);
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(rules.join("raw_owner.rego"), ORG_RULE).unwrap();
    let rules = rules.to_string_lossy().into_owned();
    let env = account.env();

    let refused = hipcloud(&["--policy-dir", &rules, "apply", &path, "--auto-approve"], &env);
    assert_eq!(refused.status.code(), Some(1), "{}", stdout(&refused));
    assert!(
        stderr(&refused).contains("violates ORG-OWNER-01"),
        "{}",
        stderr(&refused)
    );
    let buckets = account.s3().list_buckets().send().await.unwrap();
    assert!(buckets.buckets().is_empty(), "nothing was created");

    // An expired waiver fails like no waiver.
    std::fs::write(&path, format!("{text}{}", waiver("2020-01-31"))).unwrap();
    let expired = hipcloud(&["--policy-dir", &rules, "apply", &path, "--auto-approve"], &env);
    assert_eq!(expired.status.code(), Some(1), "{}", stdout(&expired));
    assert!(stdout(&expired).contains("waiver expired"), "{}", stdout(&expired));

    // A waiver in force lets apply go ahead, and the finding stays visible.
    std::fs::write(&path, format!("{text}{}", waiver("2099-12-31"))).unwrap();
    let sarif = hipcloud(
        &["--policy-dir", &rules, "policy", "check", &path, "--format", "sarif"],
        &[],
    );
    assert_eq!(sarif.status.code(), Some(0), "{}", stderr(&sarif));
    let log: Value = serde_json::from_str(&stdout(&sarif)).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let waived = results
        .iter()
        .find(|r| r["ruleId"] == "ORG-OWNER-01")
        .expect("the waived finding is still a result");
    assert_eq!(waived["suppressions"][0]["status"], "accepted");

    let applied = hipcloud(&["--policy-dir", &rules, "apply", &path, "--auto-approve"], &env);
    assert_eq!(applied.status.code(), Some(0), "{}", stderr(&applied));
    assert!(stdout(&applied).contains("ORG-OWNER-01"), "{}", stdout(&applied));
    assert!(stdout(&applied).contains("waived"), "{}", stdout(&applied));
}
