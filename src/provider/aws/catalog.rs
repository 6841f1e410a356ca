//! The account's Glue Data Catalog encryption: metadata at rest and connection
//! passwords, both under a blueprint key. This is an account-wide setting, not
//! a resource: it has no tags, is read only when the blueprint declares it, and
//! is never deleted.

use aws_sdk_glue::types::{
    CatalogEncryptionMode, ConnectionPasswordEncryption, DataCatalogEncryptionSettings, EncryptionAtRest,
};
use serde_json::{json, Value};

use super::context::Context;
use super::error::{classify, AwsError};
use super::Clients;
use crate::address::Address;
use crate::blueprint::GlueCatalogSpec;
use crate::state::{Desired, FieldValue, Observed};

pub fn desired(catalog: &GlueCatalogSpec, ctx: &Context) -> Desired {
    let key = ctx.key_arn(&catalog.key);
    Desired {
        address: catalog.address.clone(),
        cloud_name: format!("Data Catalog of account {}", ctx.account),
        fields: vec![
            ("encryption_mode".into(), FieldValue::Json(json!("SSE-KMS"))),
            ("encryption_key".into(), FieldValue::Json(json!(key))),
            ("password_encryption".into(), FieldValue::Json(json!(true))),
            ("password_key".into(), FieldValue::Json(json!(key))),
        ],
        tags: Default::default(),
        immutable: &[],
    }
}

/// Reads the settings: one call. The catalog always has settings, so the
/// result is never absent.
pub async fn read(clients: &Clients, address: &Address, account: &str) -> Result<Option<Observed>, AwsError> {
    let output = clients
        .glue
        .get_data_catalog_encryption_settings()
        .catalog_id(account)
        .send()
        .await
        .map_err(|e| classify("glue:GetDataCatalogEncryptionSettings", address, e))?;
    let settings = output.data_catalog_encryption_settings;
    let at_rest = settings.as_ref().and_then(|s| s.encryption_at_rest());
    let passwords = settings.as_ref().and_then(|s| s.connection_password_encryption());
    let text = |value: Option<&str>| value.map_or(Value::Null, |v| json!(v));
    let fields = vec![
        (
            "encryption_mode".into(),
            FieldValue::Json(json!(
                at_rest.map_or("DISABLED", |a| a.catalog_encryption_mode().as_str())
            )),
        ),
        (
            "encryption_key".into(),
            FieldValue::Json(text(at_rest.and_then(|a| a.sse_aws_kms_key_id()))),
        ),
        (
            "password_encryption".into(),
            FieldValue::Json(json!(
                passwords.is_some_and(|p| p.return_connection_password_encrypted())
            )),
        ),
        (
            "password_key".into(),
            FieldValue::Json(text(passwords.and_then(|p| p.aws_kms_key_id()))),
        ),
    ];
    let cloud_id = format!("Data Catalog of account {account}");
    Ok(Some(Observed::new(
        address.clone(),
        cloud_id,
        fields,
        Default::default(),
    )))
}

/// Writes all the settings in one call.
pub async fn configure(clients: &Clients, desired: &Desired, ctx: &Context) -> Result<(), AwsError> {
    let address = &desired.address;
    let key = desired
        .field("encryption_key")
        .and_then(|v| v.value().as_str().map(str::to_string))
        .unwrap_or_default();
    let at_rest = EncryptionAtRest::builder()
        .catalog_encryption_mode(CatalogEncryptionMode::Ssekms)
        .sse_aws_kms_key_id(&key)
        .build()
        .map_err(|e| AwsError::invalid_request("glue:PutDataCatalogEncryptionSettings", address, e))?;
    let passwords = ConnectionPasswordEncryption::builder()
        .return_connection_password_encrypted(true)
        .aws_kms_key_id(&key)
        .build();
    let settings = DataCatalogEncryptionSettings::builder()
        .encryption_at_rest(at_rest)
        .connection_password_encryption(passwords)
        .build();
    clients
        .glue
        .put_data_catalog_encryption_settings()
        .catalog_id(&ctx.account)
        .data_catalog_encryption_settings(settings)
        .send()
        .await
        .map_err(|e| classify("glue:PutDataCatalogEncryptionSettings", address, e))?;
    Ok(())
}
