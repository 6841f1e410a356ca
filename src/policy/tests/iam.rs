//! HC-IAM-01 to HC-IAM-06 against passing and failing roles.

use serde_json::json;

use super::fixtures::*;
use crate::policy::State;

#[test]
fn hc_iam_01_passes_least_privilege() {
    assert!(violations(&compliant(), "HC-IAM-01").is_empty());
}

#[test]
fn hc_iam_01_flags_star_on_star() {
    let statement = json!({"Effect": "Allow", "Action": "*", "Resource": "*"});
    let input = input(vec![live("role.etl", with_grants(service_role(), json!([statement])))]);
    assert_eq!(violations(&input, "HC-IAM-01"), hit("role.etl", State::Live));
}

#[test]
fn hc_iam_01_flags_attached_administrator_access() {
    let role = with_field(
        service_role(),
        "attached_policies",
        json!(["arn:aws:iam::aws:policy/AdministratorAccess"]),
    );
    let input = input(vec![live("role.etl", role)]);
    assert_eq!(violations(&input, "HC-IAM-01"), hit("role.etl", State::Live));
}

#[test]
fn hc_iam_02_passes_named_actions() {
    assert!(violations(&compliant(), "HC-IAM-02").is_empty());
}

#[test]
fn hc_iam_02_flags_service_wildcard() {
    let statement =
        json!({"Effect": "Allow", "Action": ["glue:*"], "Resource": ["arn:aws:glue:us-east-1:123456789012:catalog"]});
    let input = input(vec![desired(
        "role.etl",
        with_grants(service_role(), json!([statement])),
    )]);
    assert_eq!(violations(&input, "HC-IAM-02"), hit("role.etl", State::Desired));
}

#[test]
fn hc_iam_03_passes_blueprint_buckets() {
    assert!(violations(&compliant(), "HC-IAM-03").is_empty());
}

#[test]
fn hc_iam_03_flags_every_resource() {
    let statement = json!({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*"]});
    let input = input(vec![live("role.etl", with_grants(service_role(), json!([statement])))]);
    assert_eq!(violations(&input, "HC-IAM-03"), hit("role.etl", State::Live));
}

#[test]
fn hc_iam_03_flags_bucket_outside_blueprint() {
    let statement = json!({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::other-bucket/*"]});
    let input = input(vec![
        desired("bucket.raw", data_bucket()),
        desired("role.etl", with_grants(service_role(), json!([statement]))),
    ]);
    assert_eq!(violations(&input, "HC-IAM-03"), hit("role.etl", State::Desired));
}

#[test]
fn hc_iam_03_flags_undeclared_live_prefix() {
    let statement =
        json!({"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::lab-raw/private/*"]});
    let live_role = with_grants(service_role(), json!([statement]));
    let input = input(vec![
        desired("bucket.raw", data_bucket()),
        resource("role.etl", Some(service_role()), Some(live_role)),
    ]);
    assert_eq!(violations(&input, "HC-IAM-03"), hit("role.etl", State::Live));
}

fn read_raw(condition: Option<serde_json::Value>) -> serde_json::Value {
    let mut statement = json!({"Sid": "ReadRaw", "Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::lab-raw/*"]});
    if let Some(condition) = condition {
        statement["Condition"] = condition;
    }
    statement
}

#[test]
fn hc_iam_04_passes_network_limited_people_role() {
    let input = input(vec![resource("role.analyst", Some(people_role()), Some(people_role()))]);
    assert!(violations(&input, "HC-IAM-04").is_empty());
}

#[test]
fn hc_iam_04_flags_people_role_without_network() {
    let role = with_grants(people_role(), json!([read_raw(None)]));
    let input = input(vec![desired("role.analyst", role)]);
    assert_eq!(violations(&input, "HC-IAM-04"), hit("role.analyst", State::Desired));
}

#[test]
fn hc_iam_04_flags_service_role_ip_key() {
    let condition = json!({"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}});
    let role = with_grants(service_role(), json!([read_raw(Some(condition))]));
    let input = input(vec![live("role.etl", role)]);
    assert_eq!(violations(&input, "HC-IAM-04"), hit("role.etl", State::Live));
}

#[test]
fn hc_iam_04_flags_changed_live_cidr() {
    let mut live_role = people_role();
    live_role["inline_policy.hipcloud-grants"]["Statement"][0]["Condition"]["IpAddress"]["aws:SourceIp"] =
        json!(["0.0.0.0/0"]);
    let input = input(vec![resource("role.analyst", Some(people_role()), Some(live_role))]);
    assert_eq!(violations(&input, "HC-IAM-04"), hit("role.analyst", State::Live));
}

#[test]
fn hc_iam_05_passes_guarded_trust() {
    assert!(violations(&compliant(), "HC-IAM-05").is_empty());
}

#[test]
fn hc_iam_05_flags_service_without_source_account() {
    let mut trust = service_trust_statement();
    trust.as_object_mut().unwrap().remove("Condition");
    let role = with_field(service_role(), "trust_policy", json!({"Statement": [trust]}));
    let input = input(vec![live("role.etl", role)]);
    assert_eq!(violations(&input, "HC-IAM-05"), hit("role.etl", State::Live));
}

#[test]
fn hc_iam_05_flags_principal_without_mfa() {
    let mut trust = people_trust_statement();
    trust["Condition"] = json!({"BoolIfExists": {"aws:MultiFactorAuthPresent": ["true"]}});
    let role = with_field(people_role(), "trust_policy", json!({"Statement": [trust]}));
    let input = input(vec![desired("role.analyst", role)]);
    assert_eq!(violations(&input, "HC-IAM-05"), hit("role.analyst", State::Desired));
}

#[test]
fn hc_iam_05_reports_federated_exception() {
    let trust = json!({
        "Effect": "Allow",
        "Principal": {"Federated": ["arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"]},
        "Action": ["sts:AssumeRoleWithWebIdentity"],
        "Condition": {"StringEquals": {"token.actions.githubusercontent.com:aud": ["sts.amazonaws.com"]}}
    });
    let role = with_field(people_role(), "trust_policy", json!({"Statement": [trust]}));
    let input = input(vec![desired("role.analyst", role)]);
    assert!(violations(&input, "HC-IAM-05").is_empty());
    assert_eq!(exceptions(&input, "HC-IAM-05"), hit("role.analyst", State::Desired));
}

#[test]
fn hc_iam_06_passes_managed_policy_only() {
    assert!(violations(&compliant(), "HC-IAM-06").is_empty());
}

#[test]
fn hc_iam_06_flags_hand_added_policy() {
    let role = with_field(
        service_role(),
        "inline_policy.debug",
        json!({"Version": "2012-10-17", "Statement": []}),
    );
    let input = input(vec![live("role.etl", role)]);
    assert_eq!(violations(&input, "HC-IAM-06"), hit("role.etl", State::Live));
    let findings = evaluate(&input);
    let finding = findings.iter().find(|f| f.rule.id == "HC-IAM-06").unwrap();
    assert_eq!(finding.field, "inline_policy.debug");
}
