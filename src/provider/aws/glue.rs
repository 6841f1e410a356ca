//! AWS Glue JDBC connections to on-premises databases. SSL is enforced
//! (`JDBC_ENFORCE_SSL`), credentials come only from `SECRET_ID`, and reads always
//! ask Glue to hide passwords, so no secret can reach a plan, a log or an output.
//! Connection properties hipcloud does not manage are shown by key only,
//! because their values may be credentials.

use std::collections::BTreeMap;

use aws_sdk_glue::types::{ConnectionInput, ConnectionPropertyKey, ConnectionType, PhysicalConnectionRequirements};
use serde_json::{json, Value};

use super::context::Context;
use super::error::{classify, AwsError, OrAbsent};
use super::Clients;
use crate::address::Address;
use crate::blueprint::{Blueprint, GlueConnectionSpec};
use crate::state::{Desired, FieldValue, Observed};

const JDBC_CONNECTION_URL: &str = "JDBC_CONNECTION_URL";
const JDBC_ENFORCE_SSL: &str = "JDBC_ENFORCE_SSL";
const SECRET_ID: &str = "SECRET_ID";
const CUSTOM_JDBC_CERT: &str = "CUSTOM_JDBC_CERT";
const CUSTOM_JDBC_CERT_STRING: &str = "CUSTOM_JDBC_CERT_STRING";
const SKIP_CUSTOM_JDBC_CERT_VALIDATION: &str = "SKIP_CUSTOM_JDBC_CERT_VALIDATION";
const MANAGED_PROPERTIES: &[&str] = &[
    JDBC_CONNECTION_URL,
    JDBC_ENFORCE_SSL,
    SECRET_ID,
    CUSTOM_JDBC_CERT,
    CUSTOM_JDBC_CERT_STRING,
    SKIP_CUSTOM_JDBC_CERT_VALIDATION,
];

/// Fields `create` already sets, which `configure` skips after a create.
pub const SET_BY_CREATE: &[&str] = &[
    "name",
    "description",
    "connection_type",
    "jdbc_url",
    "enforce_ssl",
    "secret_id",
    "custom_jdbc_cert",
    "custom_jdbc_cert_string",
    "skip_certificate_validation",
    "unmanaged_properties",
    "subnet_id",
    "security_group_ids",
    "availability_zone",
];

pub fn desired(
    _blueprint: &Blueprint,
    connection: &GlueConnectionSpec,
    _ctx: &Context,
    tags: BTreeMap<String, String>,
) -> Desired {
    let mut groups = connection.security_group_ids.clone();
    groups.sort();
    let optional = |value: &Option<String>| value.as_ref().map_or(Value::Null, |v| json!(v));
    Desired {
        address: connection.address.clone(),
        cloud_name: connection.name.clone(),
        fields: vec![
            ("name".into(), FieldValue::Json(json!(connection.name))),
            ("description".into(), FieldValue::Json(json!(connection.description))),
            ("connection_type".into(), FieldValue::Json(json!("JDBC"))),
            (
                "jdbc_url".into(),
                FieldValue::Json(json!(connection.engine.jdbc_url(
                    &connection.host,
                    connection.port,
                    &connection.database
                ))),
            ),
            ("enforce_ssl".into(), FieldValue::Json(json!("true"))),
            ("secret_id".into(), FieldValue::Json(json!(connection.secret))),
            (
                "custom_jdbc_cert".into(),
                FieldValue::Json(optional(&connection.custom_ca_certificate)),
            ),
            (
                "custom_jdbc_cert_string".into(),
                FieldValue::Json(optional(&connection.certificate_name_match)),
            ),
            ("skip_certificate_validation".into(), FieldValue::Json(json!(false))),
            ("unmanaged_properties".into(), FieldValue::Json(json!([]))),
            ("subnet_id".into(), FieldValue::Json(json!(connection.subnet_id))),
            ("security_group_ids".into(), FieldValue::Json(json!(groups))),
            (
                "availability_zone".into(),
                FieldValue::Json(json!(connection.availability_zone)),
            ),
        ],
        tags,
        immutable: &["name"],
    }
}

/// Reads a connection with `HidePassword`: one call.
pub async fn read(
    clients: &Clients,
    address: &Address,
    name: &str,
    tags: BTreeMap<String, String>,
) -> Result<Option<Observed>, AwsError> {
    let output = clients
        .glue
        .get_connection()
        .name(name)
        .hide_password(true)
        .send()
        .await
        .map_err(|e| classify("glue:GetConnection", address, e))
        .or_absent()?;
    let Some(connection) = output.and_then(|o| o.connection) else {
        return Ok(None);
    };

    let properties: BTreeMap<String, String> = connection
        .connection_properties()
        .map(|p| p.iter().map(|(k, v)| (k.as_str().to_string(), v.clone())).collect())
        .unwrap_or_default();
    let property = |key: &str| properties.get(key).map_or(Value::Null, |v| json!(v));
    // Glue stores these flags as strings in any case ("TRUE", "true").
    let flag = |key: &str| properties.get(key).map(|v| v.trim().to_ascii_lowercase());
    let enforce_ssl = flag(JDBC_ENFORCE_SSL).map_or(Value::Null, Value::String);
    let skip_validation = flag(SKIP_CUSTOM_JDBC_CERT_VALIDATION).is_some_and(|v| v == "true");
    let unmanaged: Vec<&String> = properties
        .keys()
        .filter(|k| !MANAGED_PROPERTIES.contains(&k.as_str()))
        .collect();
    let requirements = connection.physical_connection_requirements();
    let mut groups: Vec<String> = requirements
        .map(|r| r.security_group_id_list().to_vec())
        .unwrap_or_default();
    groups.sort();

    let fields = vec![
        (
            "name".into(),
            FieldValue::Json(json!(connection.name().unwrap_or(name))),
        ),
        (
            "description".into(),
            FieldValue::Json(json!(connection.description().unwrap_or_default())),
        ),
        (
            "connection_type".into(),
            FieldValue::Json(connection.connection_type().map_or(Value::Null, |t| json!(t.as_str()))),
        ),
        (
            "jdbc_url".into(),
            FieldValue::Json(
                properties
                    .get(JDBC_CONNECTION_URL)
                    .map_or(Value::Null, |url| json!(redact_url(url))),
            ),
        ),
        ("enforce_ssl".into(), FieldValue::Json(enforce_ssl)),
        ("secret_id".into(), FieldValue::Json(property(SECRET_ID))),
        ("custom_jdbc_cert".into(), FieldValue::Json(property(CUSTOM_JDBC_CERT))),
        (
            "custom_jdbc_cert_string".into(),
            FieldValue::Json(property(CUSTOM_JDBC_CERT_STRING)),
        ),
        (
            "skip_certificate_validation".into(),
            FieldValue::Json(json!(skip_validation)),
        ),
        ("unmanaged_properties".into(), FieldValue::Json(json!(unmanaged))),
        (
            "subnet_id".into(),
            FieldValue::Json(
                requirements
                    .and_then(|r| r.subnet_id())
                    .map_or(Value::Null, |s| json!(s)),
            ),
        ),
        ("security_group_ids".into(), FieldValue::Json(json!(groups))),
        (
            "availability_zone".into(),
            FieldValue::Json(
                requirements
                    .and_then(|r| r.availability_zone())
                    .map_or(Value::Null, |z| json!(z)),
            ),
        ),
    ];
    Ok(Some(Observed::new(address.clone(), name, fields, tags)))
}

/// Masks credential parameters that someone put into a JDBC URL by hand
/// (`;password=...`, `?pwd=...`), so the URL can be shown and compared.
fn redact_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    let mut rest = url;
    while let Some(at) = rest.find([';', '&', '?']) {
        let (segment, tail) = rest.split_at(at + 1);
        out.push_str(&redact_parameter(&segment[..segment.len() - 1]));
        out.push_str(&segment[segment.len() - 1..]);
        rest = tail;
    }
    out.push_str(&redact_parameter(rest));
    out
}

fn redact_parameter(parameter: &str) -> String {
    match parameter.split_once('=') {
        Some((key, _)) if ["password", "pwd", "passwd"].contains(&key.trim().to_ascii_lowercase().as_str()) => {
            format!("{key}=****")
        }
        _ => parameter.to_string(),
    }
}

/// The whole connection input from the desired state: Glue's update replaces
/// every property, which also removes properties added by hand.
fn connection_input(desired: &Desired) -> Result<ConnectionInput, AwsError> {
    let address = &desired.address;
    let text = |field: &str| {
        desired
            .field(field)
            .and_then(|v| v.value().as_str().map(str::to_string))
    };
    let mut input = ConnectionInput::builder()
        .name(&desired.cloud_name)
        .set_description(text("description"))
        .connection_type(ConnectionType::Jdbc)
        .connection_properties(
            ConnectionPropertyKey::from(JDBC_CONNECTION_URL),
            text("jdbc_url").unwrap_or_default(),
        )
        .connection_properties(ConnectionPropertyKey::from(JDBC_ENFORCE_SSL), "true")
        .connection_properties(
            ConnectionPropertyKey::from(SECRET_ID),
            text("secret_id").unwrap_or_default(),
        );
    if let Some(certificate) = text("custom_jdbc_cert") {
        input = input.connection_properties(ConnectionPropertyKey::from(CUSTOM_JDBC_CERT), certificate);
    }
    if let Some(name_match) = text("custom_jdbc_cert_string") {
        input = input.connection_properties(ConnectionPropertyKey::from(CUSTOM_JDBC_CERT_STRING), name_match);
    }
    let groups: Vec<String> = desired
        .field("security_group_ids")
        .and_then(|v| v.value().as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|g| g.as_str().map(str::to_string))
        .collect();
    let requirements = PhysicalConnectionRequirements::builder()
        .set_subnet_id(text("subnet_id"))
        .set_security_group_id_list(Some(groups))
        .set_availability_zone(text("availability_zone"))
        .build();
    input
        .physical_connection_requirements(requirements)
        .build()
        .map_err(|e| AwsError::invalid_request("glue:CreateConnection", address, e))
}

/// Creates the connection with its tags, so a later plan finds it.
pub async fn create(clients: &Clients, desired: &Desired) -> Result<String, AwsError> {
    let address = &desired.address;
    let tags: std::collections::HashMap<String, String> = desired.tags.clone().into_iter().collect();
    clients
        .glue
        .create_connection()
        .connection_input(connection_input(desired)?)
        .set_tags(Some(tags))
        .send()
        .await
        .map_err(|e| classify("glue:CreateConnection", address, e))?;
    Ok(desired.cloud_name.clone())
}

/// Updates the connection when any field other than tags changed. One call
/// sets them all, because Glue replaces the whole connection input.
pub async fn configure(clients: &Clients, desired: &Desired, fields: &[String]) -> Result<(), AwsError> {
    if fields.iter().all(|f| f == "tags") {
        return Ok(());
    }
    clients
        .glue
        .update_connection()
        .name(&desired.cloud_name)
        .connection_input(connection_input(desired)?)
        .send()
        .await
        .map_err(|e| classify("glue:UpdateConnection", &desired.address, e))?;
    Ok(())
}

pub async fn set_tags(
    clients: &Clients,
    address: &Address,
    arn: &str,
    live: &BTreeMap<String, String>,
    tags: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let stale: Vec<String> = live.keys().filter(|k| !tags.contains_key(*k)).cloned().collect();
    if !stale.is_empty() {
        clients
            .glue
            .untag_resource()
            .resource_arn(arn)
            .set_tags_to_remove(Some(stale))
            .send()
            .await
            .map_err(|e| classify("glue:UntagResource", address, e))?;
    }
    let tags: std::collections::HashMap<String, String> = tags.clone().into_iter().collect();
    clients
        .glue
        .tag_resource()
        .resource_arn(arn)
        .set_tags_to_add(Some(tags))
        .send()
        .await
        .map_err(|e| classify("glue:TagResource", address, e))?;
    Ok(())
}

pub async fn delete(clients: &Clients, address: &Address, name: &str) -> Result<(), AwsError> {
    clients
        .glue
        .delete_connection()
        .connection_name(name)
        .send()
        .await
        .map_err(|e| classify("glue:DeleteConnection", address, e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn url_credentials_are_masked() {
        let url = "jdbc:sqlserver://db:1433;databaseName=cdw;user=svc;password=UrlPwLeak_42";
        assert_eq!(
            redact_url(url),
            "jdbc:sqlserver://db:1433;databaseName=cdw;user=svc;password=****"
        );
        let url = "jdbc:postgresql://db:5432/cdw?user=svc&PWD=secret&ssl=true";
        assert_eq!(
            redact_url(url),
            "jdbc:postgresql://db:5432/cdw?user=svc&PWD=****&ssl=true"
        );
        assert_eq!(
            redact_url("jdbc:postgresql://db:5432/cdw"),
            "jdbc:postgresql://db:5432/cdw"
        );
    }
}
