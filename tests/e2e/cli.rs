//! The hipcloud binary: exit codes, error output and the rendered plan.

use crate::harness::{endpoint, hipcloud, write_blueprint, Account};

#[tokio::test(flavor = "multi_thread")]
async fn plan_apply_replan_exit_codes() {
    let account = Account::fresh().await;
    let (_dir, path) = write_blueprint(&account.example());
    let env = account.env();

    let plan = hipcloud(&["plan", &path, "--detailed-exitcode"], &env);
    assert_eq!(plan.status.code(), Some(2), "{}", String::from_utf8_lossy(&plan.stderr));
    let text = String::from_utf8(plan.stdout).unwrap();
    insta::with_settings!({filters => vec![(account.id.as_str(), "[ACCOUNT]"), (r"\(/[^ ]*/research-lab\.toml:", "([BLUEPRINT]:")]}, {
        insta::assert_snapshot!("initial_plan", text);
    });

    let apply = hipcloud(&["apply", &path], &env);
    assert_eq!(
        apply.status.code(),
        Some(1),
        "apply without a terminal needs --auto-approve"
    );
    assert!(String::from_utf8_lossy(&apply.stderr).contains("--auto-approve"));

    let apply = hipcloud(&["apply", &path, "--auto-approve"], &env);
    assert_eq!(
        apply.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&apply.stderr)
    );
    assert!(String::from_utf8_lossy(&apply.stdout)
        .contains("Apply complete: 10 created, 1 updated, 0 replaced, 0 deleted."));

    let replan = hipcloud(&["plan", &path, "--detailed-exitcode", "-v"], &env);
    assert_eq!(
        replan.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&replan.stderr)
    );
    assert!(String::from_utf8_lossy(&replan.stdout).contains("No changes. The account matches the blueprint."));
    assert!(
        String::from_utf8_lossy(&replan.stderr).contains("API calls"),
        "-v reports the call count"
    );

    let markdown = hipcloud(&["plan", &path, "--format", "markdown"], &env);
    assert_eq!(markdown.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&markdown.stdout).contains("**No changes. The account matches the blueprint.**"));
}

#[test]
fn invalid_blueprint_reports_every_error() {
    let text = r#"
[blueprint]
name = "lab"
account = "12345"
region = "us-east-1"

[network]
public_cidrs = ["10.0.0.0/8"]

[key.phi]
deletion_window_days = 3

[bucket.raw]
name = "Raw_Data"
key = "key.phii"
versoning = true
acess_logs = "bucket.logs"

[role.etl]
assumed_by = { services = ["glue"] }
password = "hunter2"
grants = [{ read = "key.phi" }]
"#;
    let (_dir, path) = write_blueprint(text);
    let output = hipcloud(
        &["validate", &path],
        &[("AWS_ENDPOINT_URL", "http://127.0.0.1:9".into())],
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let expected = [
        "[blueprint]: field `account`: invalid AWS account id",
        "[network]: field `public_cidrs`: CIDR \"10.0.0.0/8\" is a private (RFC 1918) range",
        "key.phi: field `deletion_window_days` is 3, outside 7 to 30",
        "bucket.raw: field `name`: invalid S3 bucket name \"Raw_Data\"",
        "bucket.raw: field `key` refers to key.phii, which is not declared",
        "did you mean \"key.phi\"?",
        "bucket.raw: unknown field `versoning`",
        "bucket.raw: unknown field `acess_logs`",
        "hint: did you mean `access_logs`?",
        "role.etl: field `password` would store a secret",
        "role.etl: field `grants` must refer to a bucket, found key.phi",
        "research-lab.toml:4:11",
        "9 errors in",
    ];
    for fragment in expected {
        assert!(stderr.contains(fragment), "missing {fragment:?} in:\n{stderr}");
    }
    assert!(
        !stderr.contains("hunter2"),
        "a secret value must never be echoed:\n{stderr}"
    );
}

#[test]
fn wrong_environment_names_declared_ones() {
    let (_dir, path) = write_blueprint(crate::harness::EXAMPLE);
    let output = hipcloud(&["validate", &path, "--env", "staging"], &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("environment `staging` is not declared"), "{stderr}");
    assert!(stderr.contains("declared environments: prod"), "{stderr}");
    let _ = endpoint;
}

#[tokio::test(flavor = "multi_thread")]
async fn apply_as_other_principal_is_rejected() {
    let account = Account::fresh().await;
    let other = format!(
        "apply_principal = \"arn:aws:iam::{}:role/platform-apply\"\n",
        account.id
    );
    let text = account.example().replacen(
        "region = \"us-east-1\"\n",
        &format!("region = \"us-east-1\"\n{other}"),
        1,
    );
    let (_dir, path) = write_blueprint(&text);
    let env = account.env();

    let plan = hipcloud(&["plan", &path], &env);
    assert_eq!(plan.status.code(), Some(0), "{}", String::from_utf8_lossy(&plan.stderr));
    assert!(String::from_utf8_lossy(&plan.stdout).contains("is not the blueprint's apply_principal"));

    let apply = hipcloud(&["apply", &path, "--auto-approve"], &env);
    assert_eq!(apply.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&apply.stderr);
    assert!(stderr.contains("Run apply as arn:aws:iam::"), "{stderr}");
    assert!(stderr.contains("nothing was changed"), "{stderr}");

    let after = hipcloud(&["plan", &path, "--detailed-exitcode"], &env);
    assert_eq!(
        after.status.code(),
        Some(2),
        "the account is unchanged, so everything is still to create"
    );
    assert!(String::from_utf8_lossy(&after.stdout).contains("Plan: 10 to create"));
}

#[test]
fn invalid_glue_connection_is_rejected() {
    let text = r#"
[blueprint]
name = "lab"
account = "123456789012"
region = "us-east-1"

[glue_connection.cdw]
engine = "postgres"
host = "jdbc:postgresql://cdw:5432"
port = 70000
database = "clinical"
secret = "cdw-credentials"
username = "svc_reader"
password = "correct horse battery staple"
skip_certificate_validation = true
subnet_id = "private-subnet-a"
security_group_ids = ["glue-jobs"]
availability_zone = "eu-west-1a"
"#;
    let (_dir, path) = write_blueprint(text);
    let output = hipcloud(&["validate", &path], &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let expected = [
        "glue_connection.cdw: field `engine`: unknown engine \"postgres\"",
        "supported engines: postgresql, sqlserver, oracle, mysql",
        "glue_connection.cdw: field `host`: invalid host",
        "glue_connection.cdw: field `port` is 70000, outside 1 to 65535",
        "glue_connection.cdw: field `secret`: invalid Secrets Manager secret ARN",
        "glue_connection.cdw: field `username` would store a secret",
        "glue_connection.cdw: field `password` would store a secret",
        "hint: store credentials in AWS Secrets Manager",
        "glue_connection.cdw: field `skip_certificate_validation` is not allowed",
        "glue_connection.cdw: field `subnet_id`: \"private-subnet-a\" is not a subnet id",
        "glue_connection.cdw: field `security_group_ids`: \"glue-jobs\" is not a security group id",
        "glue_connection.cdw: field `availability_zone`: invalid availability zone \"eu-west-1a\" for region us-east-1",
    ];
    for fragment in expected {
        assert!(stderr.contains(fragment), "missing {fragment:?} in:\n{stderr}");
    }
    assert!(
        !stderr.contains("correct horse"),
        "a password must never be echoed:\n{stderr}"
    );
    assert!(
        !stderr.contains("svc_reader"),
        "a username must never be echoed:\n{stderr}"
    );
}

#[test]
fn secrets_are_masked_in_quoted_lines() {
    let text = r#"
[blueprint]
name = "lab"
account = "123456789012"
region = "us-east-1"
tags = { token = "SECRET-TAG-VALUE" }

[role.etl]
assumed_by = { services = ["ec2"], password = "SECRET-AAA" }
grants = [{ read = "bucket.nope", token = "SECRET-BBB" }]
"#;
    let (_dir, path) = write_blueprint(text);
    for args in [vec!["validate", path.as_str()], vec!["-vv", "validate", path.as_str()]] {
        let output = hipcloud(&args, &[]);
        assert_eq!(output.status.code(), Some(1));
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            all.contains("unknown service \"ec2\""),
            "the other errors are still reported:\n{all}"
        );
        assert!(all.contains("refers to bucket.nope"), "{all}");
        for secret in ["SECRET-AAA", "SECRET-BBB", "SECRET-TAG-VALUE"] {
            assert!(!all.contains(secret), "{secret} was printed:\n{all}");
        }
    }

    // A syntax error on a secret's line must not quote it either.
    let (_dir, path) = write_blueprint("[blueprint]\nname = \"lab\"\npassword = \"SECRET-CCC\n");
    let output = hipcloud(&["validate", &path], &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("invalid TOML"), "{stderr}");
    assert!(!stderr.contains("SECRET-CCC"), "{stderr}");
}

#[test]
fn usage_errors_exit_one() {
    let output = hipcloud(&["plan", "--detailed-exitcode", "--format", "yaml"], &[]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "2 means changes present, so usage errors must not use it"
    );
    let help = hipcloud(&["plan", "--help"], &[]);
    assert_eq!(help.status.code(), Some(0));
}

#[test]
fn validate_reports_every_environment() {
    let text = r#"
[blueprint]
name = "lab"
account = "123456789012"
region = "us-east-1"

[bucket.logs]
name = "lab-logs-0001"
purpose = "access-logs"

[env.staging.bucket.logs]
name = "Staging_Logs"

[env.prod.blueprint]
account = "12"
"#;
    let (_dir, path) = write_blueprint(text);
    let output = hipcloud(&["validate", &path], &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("With the overrides of environment `staging`:"),
        "{stderr}"
    );
    assert!(stderr.contains("invalid S3 bucket name \"Staging_Logs\""), "{stderr}");
    assert!(stderr.contains("With the overrides of environment `prod`:"), "{stderr}");
    assert!(stderr.contains("invalid AWS account id \"12\""), "{stderr}");

    let empty_env = hipcloud(&["validate", &path], &[("HIPCLOUD_ENV", String::new())]);
    assert!(
        String::from_utf8_lossy(&empty_env.stderr).contains("`staging`"),
        "an empty HIPCLOUD_ENV counts as unset"
    );
}

#[test]
fn reference_problems_are_reported_once_each() {
    let text = r#"
[blueprint]
name = "lab"
account = "123456789012"
region = "us-east-1"
deletion = 99999999999999999999

[bucket.a]
name = "lab-a-0001"
purpose = "access-logs"
access_logs = "bucket.b"

[bucket.b]
name = "lab-b-0001"
purpose = "access-logs"
access_logs = "bucket.a"

[bucket.c]
name = "lab-c-0001"
purpose = "access-logs"
access_logs = "bucket.d"

[bucket.d]
name = "lab-d-0001"
purpose = "access-logs"
access_logs = "bucket.c"

[bucket.e]
name = "lab-e-0001"
purpose = "access-logs"
access_logs = "bucket.e"
"#;
    let (_dir, path) = write_blueprint(text);
    let output = hipcloud(&["validate", &path], &[]);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("bucket.a -> bucket.b -> bucket.a"), "{stderr}");
    assert!(
        stderr.contains("bucket.c -> bucket.d -> bucket.c"),
        "both cycles are reported:\n{stderr}"
    );
    assert_eq!(stderr.matches("points at the bucket itself").count(), 1, "{stderr}");
    assert!(
        !stderr.contains("bucket.e -> bucket.e"),
        "the self-reference is not reported again as a cycle:\n{stderr}"
    );
    assert!(stderr.contains("integer is too large"), "{stderr}");
}

#[test]
fn invalid_sagemaker_domain_is_rejected() {
    let text = r#"
[blueprint]
name = "lab"
account = "123456789012"
region = "us-east-1"

[key.phi]

[role.analyst]
assumed_by = { accounts = ["123456789012"] }

[sagemaker_domain.studio]
key = "key.phi"
execution_role = "role.analyst"
auth_mode = "OIDC"
subnet_ids = ["private-a"]
"#;
    let (_dir, path) = write_blueprint(text);
    let output = hipcloud(&["validate", &path], &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let expected = [
        "sagemaker_domain.studio: no VPC",
        "sagemaker_domain.studio: field `subnet_ids`: \"private-a\" is not a subnet id",
        "sagemaker_domain.studio: no `security_group_ids`",
        "sagemaker_domain.studio: field `auth_mode` is \"OIDC\"",
        "sagemaker_domain.studio: field `execution_role`: role.analyst is not assumed by SageMaker",
    ];
    for fragment in expected {
        assert!(stderr.contains(fragment), "missing {fragment:?} in:\n{stderr}");
    }
}

#[test]
fn loose_references_and_secret_values_are_rejected() {
    let text = r#"
[blueprint]
name = "lab"
account = "123456789012"
region = "us-east-1"

[network]
vpc_id = "vpc-0a1b2c3d4e5f67890"
private_subnet_ids = ["subnet-0a1b2c3d4e5f67890"]
security_group_ids = ["sg-0a1b2c3d4e5f67890"]
public_cidrs = ["203.0.113.0/24"]

[key.phi]

[role.notebooks]
assumed_by = { services = ["sagemaker"] }
grants = [{ read = "arn:aws:secretsmanager:us-east-1:123456789012:secret:lab/db" }]

[role.analyst]
assumed_by = { accounts = ["123456789012"] }
grants = [{ use = "glue_connection.cdw" }]

[glue_connection.cdw]
engine = "postgresql"
host = "cdw.hospital.internal"
port = 5432
database = "clinical"
secret = "Sup3rS3cretPassw0rd!"
subnet_id = "subnet-0a1b2c3d4e5f67890"
security_group_ids = ["sg-0a1b2c3d4e5f67890"]
availability_zone = "us-east-1a"

[sagemaker_domain.studio]
key = "phi"
execution_role = "role.notebooks"

[sagemaker_user_profile.alice]
domain = "sagemaker_domain.studio"

[sagemaker_user_profile.alice_again]
name = "alice"
domain = "sagemaker_domain.studio"
"#;
    let (_dir, path) = write_blueprint(text);
    let output = hipcloud(&["validate", &path], &[]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8(output.stderr).unwrap();
    let expected = [
        "sagemaker_domain.studio: field `key`: \"phi\" is not an address",
        "incomplete Secrets Manager secret ARN",
        "glue_connection.cdw: field `secret`: invalid Secrets Manager secret ARN",
        "role.analyst: people assume this role, but it may read secrets or use a Glue connection's credentials",
        "user profile name \"alice\" is already used by sagemaker_user_profile.alice",
    ];
    for fragment in expected {
        assert!(stderr.contains(fragment), "missing {fragment:?} in:\n{stderr}");
    }
    assert!(
        !stderr.contains("Sup3rS3cretPassw0rd"),
        "a value in a secret field is never printed:\n{stderr}"
    );
}
