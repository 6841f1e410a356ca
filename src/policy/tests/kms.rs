//! HC-KMS-01 to HC-KMS-05 against passing and failing keys and roles.

use serde_json::json;

use super::fixtures::*;
use crate::policy::State;

#[test]
fn hc_kms_01_passes_symmetric_key() {
    assert!(violations(&compliant(), "HC-KMS-01").is_empty());
}

#[test]
fn hc_kms_01_flags_imported_material() {
    let input = input(vec![live("key.phi", with_field(key(), "origin", json!("EXTERNAL")))]);
    assert_eq!(violations(&input, "HC-KMS-01"), hit("key.phi", State::Live));
}

#[test]
fn hc_kms_02_passes_rotation_on() {
    assert!(violations(&compliant(), "HC-KMS-02").is_empty());
}

#[test]
fn hc_kms_02_flags_rotation_off() {
    let input = input(vec![desired("key.phi", with_field(key(), "rotation", json!(false)))]);
    assert_eq!(violations(&input, "HC-KMS-02"), hit("key.phi", State::Desired));
}

/// Builds a live key in `state` whose ARN is the one `data_bucket` names.
fn live_key(state: &str) -> serde_json::Value {
    let mut entry = live("key.phi", with_field(key(), "key_state", json!(state)));
    entry["cloud_id"] = json!(KEY_ARN);
    entry
}

#[test]
fn hc_kms_03_passes_unused_pending_key() {
    let input = input(vec![live_key("PendingDeletion")]);
    assert!(violations(&input, "HC-KMS-03").is_empty());
}

#[test]
fn hc_kms_03_flags_disabled_key_in_use() {
    let input = input(vec![live_key("Disabled"), desired("bucket.raw", data_bucket())]);
    assert_eq!(violations(&input, "HC-KMS-03"), hit("key.phi", State::Live));
    let findings = evaluate(&input);
    let message = &findings.iter().find(|f| f.rule.id == "HC-KMS-03").unwrap().message;
    assert!(message.contains("bucket.raw use the key"), "{message}");
}

#[test]
fn hc_kms_04_passes_separated_policy() {
    assert!(violations(&compliant(), "HC-KMS-04").is_empty());
}

#[test]
fn hc_kms_04_flags_unlimited_public_principal() {
    let mut public = key_use_statement();
    public["Principal"] = json!({"AWS": ["*"]});
    public.as_object_mut().unwrap().remove("Condition");
    let policy = json!({"Statement": [key_admin_statement(), public]});
    let input = input(vec![live("key.phi", with_field(key(), "policy", policy))]);
    assert_eq!(violations(&input, "HC-KMS-04"), hit("key.phi", State::Live));
}

#[test]
fn hc_kms_04_flags_administrator_who_uses_key() {
    let mut admin = key_admin_statement();
    admin["Action"] = json!(["kms:*"]);
    let policy = json!({"Statement": [admin]});
    let input = input(vec![desired("key.phi", with_field(key(), "policy", policy))]);
    assert_eq!(violations(&input, "HC-KMS-04"), hit("key.phi", State::Desired));
}

#[test]
fn hc_kms_04_flags_policy_without_administrator() {
    let policy = json!({"Statement": [key_use_statement()]});
    let input = input(vec![desired("key.phi", with_field(key(), "policy", policy))]);
    assert_eq!(violations(&input, "HC-KMS-04"), hit("key.phi", State::Desired));
}

#[test]
fn hc_kms_05_passes_named_key() {
    assert!(violations(&compliant(), "HC-KMS-05").is_empty());
}

#[test]
fn hc_kms_05_flags_decrypt_on_every_resource() {
    let mut statement = decrypt_statement();
    statement["Resource"] = json!(["*"]);
    let input = input(vec![live("role.etl", with_grants(service_role(), json!([statement])))]);
    assert_eq!(violations(&input, "HC-KMS-05"), hit("role.etl", State::Live));
}

#[test]
fn hc_kms_05_flags_reencrypt_on_account_keys() {
    let statement =
        json!({"Effect": "Allow", "Action": ["kms:ReEncrypt*"], "Resource": ["arn:aws:kms:*:123456789012:key/*"]});
    let input = input(vec![desired(
        "role.etl",
        with_grants(service_role(), json!([statement])),
    )]);
    assert_eq!(violations(&input, "HC-KMS-05"), hit("role.etl", State::Desired));
}
