//! Glue connections where the emulator cannot go: moto lacks UpdateConnection
//! and DeleteConnection, and cannot turn SSL enforcement off by hand. These
//! tests read live state from mocked GetConnection responses and record the
//! update and delete requests.

use std::sync::{Arc, Mutex};

use aws_sdk_glue::operation::delete_connection::DeleteConnectionOutput;
use aws_sdk_glue::operation::get_connection::GetConnectionOutput;
use aws_sdk_glue::operation::tag_resource::TagResourceOutput;
use aws_sdk_glue::operation::update_connection::UpdateConnectionOutput;
use aws_sdk_glue::types::{
    Connection, ConnectionInput, ConnectionPropertyKey, ConnectionType, PhysicalConnectionRequirements,
};
use aws_smithy_mocks::mock;
use hipcloud::address::Address;
use hipcloud::apply::apply;
use hipcloud::plan::render::{Render, Text};
use hipcloud::plan::Action;

use crate::support;

const SECRET: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:lab/cdw-AbCdEf";
const ARN: &str = "arn:aws:glue:us-east-1:123456789012:connection/lab-cdw";

const BLUEPRINT: &str = r#"
[blueprint]
name = "lab"
account = "123456789012"
region = "us-east-1"

[glue_connection.cdw]
name = "lab-cdw"
description = "Clinical data warehouse"
engine = "postgresql"
host = "cdw.hospital.internal"
port = 5432
database = "clinical"
secret = "arn:aws:secretsmanager:us-east-1:123456789012:secret:lab/cdw-AbCdEf"
subnet_id = "subnet-0a1b2c3d4e5f67890"
security_group_ids = ["sg-0a1b2c3d4e5f67890"]
availability_zone = "us-east-1a"
"#;

/// The live connection as Glue returns it, with extra properties set by hand.
fn live(enforce_ssl: &str, extra: &[(&str, &str)]) -> Connection {
    let mut connection = Connection::builder()
        .name("lab-cdw")
        .description("Clinical data warehouse")
        .connection_type(ConnectionType::Jdbc)
        .connection_properties(
            ConnectionPropertyKey::JdbcConnectionUrl,
            "jdbc:postgresql://cdw.hospital.internal:5432/clinical",
        )
        .connection_properties(ConnectionPropertyKey::JdbcEnforceSsl, enforce_ssl)
        .connection_properties(ConnectionPropertyKey::SecretId, SECRET)
        .physical_connection_requirements(
            PhysicalConnectionRequirements::builder()
                .subnet_id("subnet-0a1b2c3d4e5f67890")
                .security_group_id_list("sg-0a1b2c3d4e5f67890")
                .availability_zone("us-east-1a")
                .build(),
        );
    for (key, value) in extra {
        connection = connection.connection_properties(ConnectionPropertyKey::from(*key), *value);
    }
    connection.build()
}

#[tokio::test]
async fn ssl_turned_off_is_planned_back() {
    let get = mock!(aws_sdk_glue::Client::get_connection)
        .match_requests(|req| req.hide_password() == Some(true))
        .then_output(|| {
            GetConnectionOutput::builder()
                .connection(live("false", &[("USERNAME", "svc_cdw_reader")]))
                .build()
        });
    let recorded: Arc<Mutex<Option<ConnectionInput>>> = Arc::default();
    let sink = recorded.clone();
    let update = mock!(aws_sdk_glue::Client::update_connection)
        .match_requests(move |req| {
            *sink.lock().unwrap() = req.connection_input().cloned();
            req.name() == Some("lab-cdw")
        })
        .then_output(|| UpdateConnectionOutput::builder().build());
    let tag = mock!(aws_sdk_glue::Client::tag_resource).then_output(|| TagResourceOutput::builder().build());
    let provider = support::provider(BLUEPRINT, &[(ARN, "glue_connection.cdw")], &[], &[&get, &update, &tag]);

    let snapshot = provider.plan().await.expect("plan");
    let change = snapshot
        .plan
        .change(&Address::parse("glue_connection.cdw").unwrap())
        .expect("connection planned");
    assert_eq!(change.action, Action::Update);
    let names: Vec<&str> = change.fields.iter().map(|f| f.name.as_str()).collect();
    assert!(names.contains(&"enforce_ssl"), "{names:?}");
    assert!(names.contains(&"unmanaged_properties"), "{names:?}");
    let rendered = Text { color: false }.render(&snapshot.plan);
    assert!(rendered.contains("enforce_ssl"), "{rendered}");
    assert!(
        rendered.contains("\"USERNAME\""),
        "the hand-added property is named: {rendered}"
    );
    assert!(
        !rendered.contains("svc_cdw_reader"),
        "property values never reach the plan: {rendered}"
    );
    assert_eq!(
        get.num_calls(),
        1,
        "one GetConnection per connection, always with HidePassword"
    );

    let report = apply(&snapshot.plan, &provider, 4, &[], |_| {}).await;
    assert!(report.succeeded(), "{:#?}", report.lines());
    assert_eq!(update.num_calls(), 1);
    let input = recorded.lock().unwrap().clone().expect("recorded request");
    let properties = input.connection_properties();
    assert_eq!(
        properties
            .get(&ConnectionPropertyKey::JdbcEnforceSsl)
            .map(String::as_str),
        Some("true")
    );
    assert_eq!(
        properties.get(&ConnectionPropertyKey::SecretId).map(String::as_str),
        Some(SECRET)
    );
    assert!(
        !properties.contains_key(&ConnectionPropertyKey::from("USERNAME")),
        "the update drops the hand-added property"
    );
    assert!(!properties.contains_key(&ConnectionPropertyKey::SkipCustomJdbcCertValidation));
    assert_eq!(input.connection_type(), &ConnectionType::Jdbc);
    let requirements = input.physical_connection_requirements().expect("network settings");
    assert_eq!(requirements.subnet_id(), Some("subnet-0a1b2c3d4e5f67890"));
    assert_eq!(requirements.security_group_id_list(), ["sg-0a1b2c3d4e5f67890"]);
    assert_eq!(tag.num_calls(), 1, "the digest tag is written after the update");
}

#[tokio::test]
async fn ssl_flag_compares_without_case() {
    let get = mock!(aws_sdk_glue::Client::get_connection)
        .then_output(|| GetConnectionOutput::builder().connection(live("TRUE", &[])).build());
    let provider = support::provider(BLUEPRINT, &[(ARN, "glue_connection.cdw")], &[], &[&get]);
    let snapshot = provider.plan().await.expect("plan");
    let change = snapshot.plan.change(&Address::parse("glue_connection.cdw").unwrap());
    assert!(change.is_none(), "{change:#?}");
}

#[tokio::test]
async fn skipped_validation_is_drift() {
    let get = mock!(aws_sdk_glue::Client::get_connection).then_output(|| {
        GetConnectionOutput::builder()
            .connection(live("true", &[("SKIP_CUSTOM_JDBC_CERT_VALIDATION", "True")]))
            .build()
    });
    let provider = support::provider(BLUEPRINT, &[(ARN, "glue_connection.cdw")], &[], &[&get]);
    let snapshot = provider.plan().await.expect("plan");
    let change = snapshot
        .plan
        .change(&Address::parse("glue_connection.cdw").unwrap())
        .expect("connection planned");
    let names: Vec<&str> = change.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["skip_certificate_validation"]);
}

#[tokio::test]
async fn removed_connection_is_deleted() {
    let without = &BLUEPRINT[..BLUEPRINT.find("[glue_connection.cdw]").unwrap()];
    let get = mock!(aws_sdk_glue::Client::get_connection)
        .then_output(|| GetConnectionOutput::builder().connection(live("true", &[])).build());
    let delete = mock!(aws_sdk_glue::Client::delete_connection)
        .match_requests(|req| req.connection_name() == Some("lab-cdw"))
        .then_output(|| DeleteConnectionOutput::builder().build());
    let provider = support::provider(without, &[(ARN, "glue_connection.cdw")], &[], &[&get, &delete]);

    let snapshot = provider.plan().await.expect("plan");
    let change = snapshot
        .plan
        .change(&Address::parse("glue_connection.cdw").unwrap())
        .expect("connection planned");
    assert_eq!(change.action, Action::Delete);
    assert!(
        change.guards.is_empty(),
        "a connection holds no data: {:?}",
        change.guards
    );

    let report = apply(&snapshot.plan, &provider, 4, &[], |_| {}).await;
    assert!(report.succeeded(), "{:#?}", report.lines());
    assert_eq!(delete.num_calls(), 1);
}
