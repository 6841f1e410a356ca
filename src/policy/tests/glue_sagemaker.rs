//! HC-GLUE-01 to HC-GLUE-06 and HC-SM-01 to HC-SM-06 against passing and
//! failing Glue connections, catalog settings, SageMaker domains and user
//! profiles. HC-SM-07, the replace and delete guard, is the planner's.

use serde_json::{json, Value};

use super::fixtures::*;
use crate::policy::{Outcome, State};

const SECRET_ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:lab/clinical-db-AbCdEf";
const CATALOG_ARN: &str = "arn:aws:glue:us-east-1:123456789012:catalog";
const ETL_ARN: &str = "arn:aws:iam::123456789012:role/hipcloud/lab/lab-etl";
const SCIENTIST_ARN: &str = "arn:aws:iam::123456789012:role/hipcloud/lab/lab-scientist";
const GLUE_VIA: &str = "glue.us-east-1.amazonaws.com";

const CONNECTION: &str = "glue_connection.clinical";
const CATALOG: &str = "glue_catalog.settings";
const DOMAIN: &str = "sagemaker_domain.studio";
const PROFILE: &str = "sagemaker_user_profile.alice";

/// Returns a connection as hipcloud's desired state gives it: SSL enforced,
/// credentials from a secret, a private CA, a subnet and a security group.
fn connection() -> Value {
    json!({
        "name": "lab-clinical",
        "description": "Clinical data warehouse",
        "connection_type": "JDBC",
        "jdbc_url": "jdbc:postgresql://cdw.hospital.internal:5432/clinical",
        "enforce_ssl": "true",
        "secret_id": SECRET_ARN,
        "custom_jdbc_cert": "s3://lab-pki/hospital-root-ca.pem",
        "custom_jdbc_cert_string": "cdw.hospital.internal",
        "skip_certificate_validation": false,
        "unmanaged_properties": [],
        "subnet_id": "subnet-0a1b2c3d4e5f67890",
        "security_group_ids": ["sg-0a1b2c3d4e5f67890"],
        "availability_zone": "us-east-1a",
        "tags": {"hipcloud:address": CONNECTION}
    })
}

/// Returns catalog settings with metadata and passwords under the fixture key.
fn catalog() -> Value {
    json!({
        "encryption_mode": "SSE-KMS",
        "encryption_key": KEY_ARN,
        "password_encryption": true,
        "password_key": KEY_ARN,
        "tags": {}
    })
}

fn use_connection_statement() -> Value {
    json!({
        "Sid": "UseGlueConnectionClinical",
        "Effect": "Allow",
        "Action": ["glue:GetConnection"],
        "Resource": [CATALOG_ARN, "arn:aws:glue:us-east-1:123456789012:connection/lab-clinical"]
    })
}

fn decrypt_via_glue_statement() -> Value {
    json!({
        "Sid": "DecryptWithPhiViaGlue",
        "Effect": "Allow",
        "Action": ["kms:Decrypt"],
        "Resource": [KEY_ARN],
        "Condition": {"StringEquals": {"kms:ViaService": [GLUE_VIA]}}
    })
}

/// Returns the Glue role `lab-etl`, which reads the catalog and may decrypt
/// with the catalog key through Glue.
fn etl_role() -> Value {
    with_grants(
        service_role(),
        json!([use_connection_statement(), decrypt_via_glue_statement()]),
    )
}

/// Returns the fixture key, whose policy also lets `lab-etl` decrypt through Glue.
fn key_for_glue() -> Value {
    let glue_use = json!({
        "Sid": "DecryptViaGlue",
        "Effect": "Allow",
        "Principal": {"AWS": [ETL_ARN]},
        "Action": ["kms:Decrypt"],
        "Resource": ["*"],
        "Condition": {"StringEquals": {"kms:CallerAccount": ["123456789012"], "kms:ViaService": [GLUE_VIA]}}
    });
    let statements = json!([key_admin_statement(), key_use_statement(), glue_use]);
    with_field(
        key(),
        "policy",
        json!({"Version": "2012-10-17", "Statement": statements}),
    )
}

/// Builds a live key entry with the fixture key's ARN as its cloud id, so rules
/// can match it to the catalog key.
fn live_key(fields: Value) -> Value {
    let mut entry = live("key.phi", fields);
    entry["cloud_id"] = json!(KEY_ARN);
    entry
}

/// Returns the live Glue resources: catalog, key and role, all compliant.
fn live_glue() -> Vec<Value> {
    vec![
        live(CATALOG, catalog()),
        live_key(key_for_glue()),
        live("role.etl", etl_role()),
    ]
}

/// Returns the SageMaker execution role `lab-scientist`: service trust for
/// SageMaker, and a grant that names the fixture key only.
fn scientist_role() -> Value {
    let trust = json!({
        "Sid": "TrustServicesOfThisAccount",
        "Effect": "Allow",
        "Principal": {"Service": ["sagemaker.amazonaws.com"]},
        "Action": ["sts:AssumeRole"],
        "Condition": {
            "StringEquals": {"aws:SourceAccount": ["123456789012"]},
            "ArnLike": {"aws:SourceArn": ["arn:aws:sagemaker:us-east-1:123456789012:*"]}
        }
    });
    let mut role = with_grants(service_role(), json!([decrypt_statement()]));
    role["name"] = json!("lab-scientist");
    role["trust_policy"] = json!({"Version": "2012-10-17", "Statement": [trust]});
    role
}

/// Returns a VpcOnly SSO domain under the fixture key, running as `lab-scientist`.
fn domain() -> Value {
    json!({
        "name": "lab-studio",
        "vpc_id": "vpc-0a1b2c3d4e5f67890",
        "auth_mode": "SSO",
        "kms_key": KEY_ARN,
        "app_network_access_type": "VpcOnly",
        "subnet_ids": ["subnet-0a1b2c3d4e5f67890", "subnet-0f1e2d3c4b5a69788"],
        "default_security_groups": ["sg-0a1b2c3d4e5f67890"],
        "execution_role": SCIENTIST_ARN,
        "notebook_sharing": "Disabled",
        "tags": {"hipcloud:address": DOMAIN}
    })
}

fn profile() -> Value {
    json!({
        "name": "alice",
        "domain_id": "d-0a1b2c3d4e5f",
        "execution_role": SCIENTIST_ARN,
        "notebook_sharing": "Disabled",
        "tags": {"hipcloud:address": PROFILE}
    })
}

/// Returns the domain, a profile and their role, in both states.
fn sagemaker_input() -> Value {
    input(vec![
        resource("role.scientist", Some(scientist_role()), Some(scientist_role())),
        resource(DOMAIN, Some(domain()), Some(domain())),
        resource(PROFILE, Some(profile()), Some(profile())),
    ])
}

/// Returns the findings of one rule as (address, state, field) triples.
fn field_hits(input: &Value, rule_id: &str) -> Vec<(String, State, String)> {
    evaluate(input)
        .into_iter()
        .filter(|f| f.rule.id == rule_id)
        .map(|f| (f.address.to_string(), f.state, f.field))
        .collect()
}

fn field_hit(address: &str, state: State, field: &str) -> Vec<(String, State, String)> {
    vec![(address.to_string(), state, field.to_string())]
}

#[test]
fn compliant_glue_and_sagemaker_pass_every_rule() {
    let mut resources = vec![
        desired("bucket.logs", log_bucket()),
        desired("bucket.raw", data_bucket()),
        desired("role.analyst", people_role()),
        resource(CONNECTION, Some(connection()), Some(connection())),
    ];
    resources.extend(live_glue());
    resources.extend(sagemaker_input()["resources"].as_array().unwrap().iter().cloned());
    resources.sort_by_key(|r| r["address"].as_str().unwrap().to_string());
    let input = input(resources);

    let found: Vec<String> = evaluate(&input)
        .iter()
        .filter(|f| f.outcome == Outcome::Violation)
        .map(|f| format!("{} {} {}: {}", f.rule.id, f.address, f.field, f.message))
        .collect();
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn hc_glue_01_passes_enforced_ssl() {
    let input = input(vec![resource(CONNECTION, Some(connection()), Some(connection()))]);
    assert!(violations(&input, "HC-GLUE-01").is_empty());
}

#[test]
fn hc_glue_01_flags_ssl_false() {
    let input = input(vec![live(
        CONNECTION,
        with_field(connection(), "enforce_ssl", json!("false")),
    )]);
    assert_eq!(violations(&input, "HC-GLUE-01"), hit(CONNECTION, State::Live));
}

#[test]
fn hc_glue_01_flags_missing_property() {
    let input = input(vec![live(
        CONNECTION,
        with_field(connection(), "enforce_ssl", json!(null)),
    )]);
    assert_eq!(violations(&input, "HC-GLUE-01"), hit(CONNECTION, State::Live));
}

#[test]
fn hc_glue_02_passes_declared_ca() {
    let input = input(vec![resource(CONNECTION, Some(connection()), Some(connection()))]);
    assert!(violations(&input, "HC-GLUE-02").is_empty());
}

#[test]
fn hc_glue_02_flags_skipped_validation() {
    let fields = with_field(connection(), "skip_certificate_validation", json!(true));
    let input = input(vec![live(CONNECTION, fields)]);
    assert_eq!(violations(&input, "HC-GLUE-02"), hit(CONNECTION, State::Live));
}

#[test]
fn hc_glue_02_flags_undeclared_live_ca() {
    let live = with_field(connection(), "custom_jdbc_cert", json!("s3://elsewhere/ca.pem"));
    let input = input(vec![resource(CONNECTION, Some(connection()), Some(live))]);
    assert_eq!(
        field_hits(&input, "HC-GLUE-02"),
        field_hit(CONNECTION, State::Live, "custom_jdbc_cert")
    );
}

#[test]
fn hc_glue_03_passes_secret_only() {
    let input = input(vec![resource(CONNECTION, Some(connection()), Some(connection()))]);
    assert!(violations(&input, "HC-GLUE-03").is_empty());
}

#[test]
fn hc_glue_03_flags_password_property() {
    let fields = with_field(connection(), "unmanaged_properties", json!(["PASSWORD"]));
    let input = input(vec![live(CONNECTION, fields)]);
    assert_eq!(
        field_hits(&input, "HC-GLUE-03"),
        field_hit(CONNECTION, State::Live, "unmanaged_properties")
    );
}

#[test]
fn hc_glue_03_flags_username_property() {
    let fields = with_field(connection(), "unmanaged_properties", json!(["USERNAME"]));
    let input = input(vec![live(CONNECTION, fields)]);
    assert_eq!(violations(&input, "HC-GLUE-03"), hit(CONNECTION, State::Live));
}

#[test]
fn hc_glue_03_flags_missing_secret() {
    let input = input(vec![desired(
        CONNECTION,
        with_field(connection(), "secret_id", json!(null)),
    )]);
    assert_eq!(
        field_hits(&input, "HC-GLUE-03"),
        field_hit(CONNECTION, State::Desired, "secret_id")
    );
}

#[test]
fn hc_glue_03_flags_url_password() {
    let url = "jdbc:sqlserver://db:1433;databaseName=cdw;user=svc;PASSWORD=****";
    let input = input(vec![live(CONNECTION, with_field(connection(), "jdbc_url", json!(url)))]);
    assert_eq!(
        field_hits(&input, "HC-GLUE-03"),
        field_hit(CONNECTION, State::Live, "jdbc_url")
    );
}

#[test]
fn hc_glue_04_passes_customer_key_with_readers() {
    let input = input(live_glue());
    assert!(violations(&input, "HC-GLUE-04").is_empty());
}

#[test]
fn hc_glue_04_flags_disabled_encryption() {
    let input = input(vec![live(
        CATALOG,
        with_field(catalog(), "encryption_mode", json!("DISABLED")),
    )]);
    assert_eq!(
        field_hits(&input, "HC-GLUE-04"),
        field_hit(CATALOG, State::Live, "encryption_mode")
    );
}

#[test]
fn hc_glue_04_flags_aws_managed_key() {
    let input = input(vec![desired(
        CATALOG,
        with_field(catalog(), "encryption_key", json!(null)),
    )]);
    assert_eq!(
        field_hits(&input, "HC-GLUE-04"),
        field_hit(CATALOG, State::Desired, "encryption_key")
    );
}

#[test]
fn hc_glue_04_flags_password_encryption_off() {
    let input = input(vec![live(
        CATALOG,
        with_field(catalog(), "password_encryption", json!(false)),
    )]);
    assert_eq!(
        field_hits(&input, "HC-GLUE-04"),
        field_hit(CATALOG, State::Live, "password_encryption")
    );
}

#[test]
fn hc_glue_04_flags_reader_without_glue_decrypt() {
    let role = with_grants(service_role(), json!([use_connection_statement(), decrypt_statement()]));
    let input = input(vec![
        live(CATALOG, catalog()),
        live_key(key_for_glue()),
        live("role.etl", role),
    ]);
    assert_eq!(
        field_hits(&input, "HC-GLUE-04"),
        field_hit("role.etl", State::Live, "inline_policy.hipcloud-grants")
    );
}

#[test]
fn hc_glue_04_flags_key_policy_without_reader() {
    let input = input(vec![
        live(CATALOG, catalog()),
        live_key(key()),
        live("role.etl", etl_role()),
    ]);
    assert_eq!(
        field_hits(&input, "HC-GLUE-04"),
        field_hit("key.phi", State::Live, "policy")
    );
    let findings = evaluate(&input);
    let message = &findings.iter().find(|f| f.rule.id == "HC-GLUE-04").unwrap().message;
    assert!(
        message.starts_with("role.etl may read the Glue Data Catalog"),
        "{message}"
    );
}

#[test]
fn hc_glue_05_passes_declared_subnet() {
    let input = input(vec![resource(CONNECTION, Some(connection()), Some(connection()))]);
    assert!(violations(&input, "HC-GLUE-05").is_empty());
}

#[test]
fn hc_glue_05_flags_missing_subnet() {
    let input = input(vec![live(
        CONNECTION,
        with_field(connection(), "subnet_id", json!(null)),
    )]);
    assert_eq!(
        field_hits(&input, "HC-GLUE-05"),
        field_hit(CONNECTION, State::Live, "subnet_id")
    );
}

#[test]
fn hc_glue_05_flags_undeclared_live_subnet() {
    let live = with_field(connection(), "subnet_id", json!("subnet-0fffffffffffffff0"));
    let input = input(vec![resource(CONNECTION, Some(connection()), Some(live))]);
    assert_eq!(
        field_hits(&input, "HC-GLUE-05"),
        field_hit(CONNECTION, State::Live, "subnet_id")
    );
}

#[test]
fn hc_glue_06_passes_declared_secret_arn() {
    let input = input(vec![resource(CONNECTION, Some(connection()), Some(connection()))]);
    assert!(violations(&input, "HC-GLUE-06").is_empty());
}

#[test]
fn hc_glue_06_flags_partial_arn() {
    let arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:lab/clinical-db";
    let input = input(vec![desired(
        CONNECTION,
        with_field(connection(), "secret_id", json!(arn)),
    )]);
    assert_eq!(violations(&input, "HC-GLUE-06"), hit(CONNECTION, State::Desired));
}

#[test]
fn hc_glue_06_flags_other_live_secret() {
    let arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:lab/other-db-XyZaBc";
    let live = with_field(connection(), "secret_id", json!(arn));
    let input = input(vec![resource(CONNECTION, Some(connection()), Some(live))]);
    assert_eq!(violations(&input, "HC-GLUE-06"), hit(CONNECTION, State::Live));
}

#[test]
fn hc_sm_01_passes_vpc_only() {
    assert!(violations(&sagemaker_input(), "HC-SM-01").is_empty());
}

#[test]
fn hc_sm_01_flags_public_internet() {
    let fields = with_field(domain(), "app_network_access_type", json!("PublicInternetOnly"));
    let input = input(vec![live(DOMAIN, fields)]);
    assert_eq!(violations(&input, "HC-SM-01"), hit(DOMAIN, State::Live));
}

#[test]
fn hc_sm_02_passes_customer_key() {
    assert!(violations(&sagemaker_input(), "HC-SM-02").is_empty());
}

#[test]
fn hc_sm_02_passes_placeholder_key() {
    let fields = with_field(domain(), "kms_key", json!("(known after apply: key.phi)"));
    let input = input(vec![desired(DOMAIN, fields)]);
    assert!(violations(&input, "HC-SM-02").is_empty());
}

#[test]
fn hc_sm_02_flags_missing_key() {
    let input = input(vec![live(DOMAIN, with_field(domain(), "kms_key", json!(null)))]);
    assert_eq!(violations(&input, "HC-SM-02"), hit(DOMAIN, State::Live));
}

#[test]
fn hc_sm_03_passes_declared_network() {
    assert!(violations(&sagemaker_input(), "HC-SM-03").is_empty());
}

#[test]
fn hc_sm_03_flags_no_security_groups() {
    let fields = with_field(domain(), "default_security_groups", json!([]));
    let input = input(vec![desired(DOMAIN, fields)]);
    assert_eq!(
        field_hits(&input, "HC-SM-03"),
        field_hit(DOMAIN, State::Desired, "default_security_groups")
    );
}

#[test]
fn hc_sm_03_flags_undeclared_live_subnet() {
    let live = with_field(domain(), "subnet_ids", json!(["subnet-0fffffffffffffff0"]));
    let input = input(vec![resource(DOMAIN, Some(domain()), Some(live))]);
    assert_eq!(
        field_hits(&input, "HC-SM-03"),
        field_hit(DOMAIN, State::Live, "subnet_ids")
    );
}

#[test]
fn hc_sm_04_passes_blueprint_role() {
    assert!(violations(&sagemaker_input(), "HC-SM-04").is_empty());
}

#[test]
fn hc_sm_04_flags_foreign_role() {
    let role = "arn:aws:iam::123456789012:role/service-role/AmazonSageMaker-ExecutionRole";
    let input = input(vec![
        desired("role.scientist", scientist_role()),
        live(DOMAIN, with_field(domain(), "execution_role", json!(role))),
    ]);
    assert_eq!(violations(&input, "HC-SM-04"), hit(DOMAIN, State::Live));
}

#[test]
fn hc_sm_04_flags_role_with_full_access() {
    let policies = json!(["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"]);
    let role = with_field(scientist_role(), "attached_policies", policies);
    let input = input(vec![
        live("role.scientist", role),
        live(DOMAIN, domain()),
        live(PROFILE, profile()),
    ]);
    assert_eq!(
        violations(&input, "HC-SM-04"),
        vec![(DOMAIN.to_string(), State::Live), (PROFILE.to_string(), State::Live)]
    );
    let findings = evaluate(&input);
    let message = &findings.iter().find(|f| f.rule.id == "HC-SM-04").unwrap().message;
    assert_eq!(message, "the execution role role.scientist fails HC-IAM-02");
}

#[test]
fn hc_sm_05_passes_disabled_sharing() {
    assert!(violations(&sagemaker_input(), "HC-SM-05").is_empty());
}

#[test]
fn hc_sm_05_flags_profile_sharing() {
    let fields = with_field(profile(), "notebook_sharing", json!("Allowed"));
    let input = input(vec![live(DOMAIN, domain()), live(PROFILE, fields)]);
    assert_eq!(violations(&input, "HC-SM-05"), hit(PROFILE, State::Live));
}

#[test]
fn hc_sm_06_passes_sso() {
    assert!(violations(&sagemaker_input(), "HC-SM-06").is_empty());
}

#[test]
fn hc_sm_06_flags_iam_mode() {
    let input = input(vec![desired(DOMAIN, with_field(domain(), "auth_mode", json!("IAM")))]);
    assert_eq!(violations(&input, "HC-SM-06"), hit(DOMAIN, State::Desired));
}

#[test]
fn new_rules_have_catalogue_metadata() {
    let engine = crate::policy::PolicyEngine::load(None).unwrap();
    let expected = [
        ("HC-GLUE-01", "high", false),
        ("HC-GLUE-02", "high", false),
        ("HC-GLUE-03", "high", false),
        ("HC-GLUE-04", "high", true),
        ("HC-GLUE-05", "medium", true),
        ("HC-GLUE-06", "medium", true),
        ("HC-SM-01", "high", false),
        ("HC-SM-02", "high", true),
        ("HC-SM-03", "high", true),
        ("HC-SM-04", "high", true),
        ("HC-SM-05", "medium", true),
        ("HC-SM-06", "medium", true),
    ];
    for (id, severity, waivable) in expected {
        let rule = engine
            .rules()
            .into_iter()
            .find(|r| r.id == id)
            .unwrap_or_else(|| panic!("no rule {id}"));
        assert_eq!(rule.severity.as_str(), severity, "{id}");
        assert_eq!(rule.waivable, waivable, "{id}");
        assert!(!rule.citations.is_empty(), "{id}");
        assert!(
            rule.citations.iter().all(|c| c.starts_with("45 CFR 164.")),
            "{id}: {:?}",
            rule.citations
        );
    }
}
