//! Reads `[glue_connection.NAME]` tables: JDBC connections from AWS Glue to
//! on-premises databases. SSL is always enforced, certificate validation can
//! never be skipped, and credentials come only from Secrets Manager.

use std::ops::Range;

use super::fields::Fields;
use super::load::{Reader, Refs};
use super::rules;
use super::spec::{glue_catalog_address, DatabaseEngine, GlueCatalogSpec, GlueConnectionSpec};
use crate::address::{Address, Kind};

pub(super) const FIELDS: &[&str] = &[
    "name",
    "description",
    "engine",
    "host",
    "port",
    "database",
    "secret",
    "subnet_id",
    "security_group_ids",
    "availability_zone",
    "custom_ca_certificate",
    "certificate_name_match",
    "skip_certificate_validation",
    "tags",
];

const CATALOG_FIELDS: &[&str] = &["key"];

impl Reader<'_> {
    /// Reads the `[glue_catalog]` table: the key that encrypts the account's
    /// Data Catalog and its connection passwords.
    pub(super) fn glue_catalog(&mut self, top: &Fields) -> Option<(GlueCatalogSpec, Refs)> {
        let (table, span) = top.table("glue_catalog", self.d)?;
        let f = Fields::new(table, "[glue_catalog]", CATALOG_FIELDS, self.d);
        let key = f.required_string(
            "key",
            &span,
            "add key = \"key.NAME\": the blueprint key that encrypts the Data Catalog",
            self.d,
        )?;
        let address = glue_catalog_address();
        self.spans.insert(address.clone(), span);
        let spec = GlueCatalogSpec {
            address,
            key: Address::parse(&key.value).unwrap_or_else(|| Address::new(Kind::Key, "")),
        };
        Some((
            spec,
            Refs {
                fields: vec![("key", key, Kind::Key)],
            },
        ))
    }

    pub(super) fn glue_connection(
        &mut self,
        blueprint: &str,
        region: &str,
        address: &Address,
        f: &Fields,
        span: &Range<usize>,
    ) -> Option<(GlueConnectionSpec, Refs)> {
        let context = address.to_string();
        let name = self.cloud_name(f, blueprint, address, span, rules::glue_connection_name);

        if let Some((key, _)) = f.entry("skip_certificate_validation") {
            self.d.error(
                &key.span,
                format!("{context}: field `skip_certificate_validation` is not allowed: hipcloud never skips certificate validation"),
                "for a database with a private CA, set custom_ca_certificate to the S3 URL of the CA's root certificate",
            );
        }

        let engine = match f.required_string(
            "engine",
            span,
            "add engine = \"postgresql\", \"sqlserver\", \"oracle\" or \"mysql\"",
            self.d,
        ) {
            Some(engine) => match DatabaseEngine::ALL.into_iter().find(|e| e.name() == engine.value) {
                Some(engine) => Some(engine),
                None => {
                    let names: Vec<&str> = DatabaseEngine::ALL.iter().map(|e| e.name()).collect();
                    self.d.error(
                        &engine.span,
                        format!("{context}: field `engine`: unknown engine {:?}", engine.value),
                        format!("supported engines: {}", names.join(", ")),
                    );
                    None
                }
            },
            None => None,
        };
        let host = f.required_string("host", span, "add host = \"ehr-db.hospital.internal\"", self.d);
        self.check(&host, &context, "host", rules::host);
        let port = match f.node("port") {
            None => {
                self.d.error(
                    span,
                    format!("{context}: missing required field `port`"),
                    "add the database port, such as port = 5432",
                );
                None
            }
            Some(_) => f.integer("port", self.d),
        };
        if let Some(p) = &port {
            if !(1..=65535).contains(&p.value) {
                self.d.error(
                    &p.span,
                    format!("{context}: field `port` is {}, outside 1 to 65535", p.value),
                    "write the database's TCP port",
                );
            }
        }
        let database = f.required_string(
            "database",
            span,
            "add the database (for Oracle, the service) name, such as database = \"clinical\"",
            self.d,
        );
        self.check(&database, &context, "database", rules::database_name);
        let secret = f.required_string(
            "secret",
            span,
            "add secret = \"arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME\"; the secret holds the username and password",
            self.d,
        );
        self.check(&secret, &context, "secret", rules::secret_arn);
        let subnet = f.required_string("subnet_id", span, "add the id of a private subnet that routes to the database, such as subnet_id = \"subnet-0a1b2c3d4e5f67890\"", self.d);
        self.check(&subnet, &context, "subnet_id", rules::subnet_id);
        let groups = f.string_list("security_group_ids", self.d);
        match &groups {
            None => self.d.error(
                span,
                format!("{context}: missing required field `security_group_ids`"),
                "add security_group_ids = [\"sg-0a1b2c3d4e5f67890\"]",
            ),
            Some(groups) if groups.is_empty() => self.d.error(
                span,
                format!("{context}: field `security_group_ids` is empty"),
                "Glue needs at least one security group for a connection in a VPC",
            ),
            Some(groups) => {
                for group in groups {
                    self.check(
                        &Some(group.clone()),
                        &context,
                        "security_group_ids",
                        rules::security_group_id,
                    );
                }
            }
        }
        let zone = f.required_string(
            "availability_zone",
            span,
            "add the subnet's availability zone, such as availability_zone = \"us-east-1a\"",
            self.d,
        );
        self.check(&zone, &context, "availability_zone", |z| {
            rules::availability_zone(z, region)
        });
        let certificate = f.string("custom_ca_certificate", self.d);
        self.check(&certificate, &context, "custom_ca_certificate", rules::s3_object_url);
        let name_match = f.string("certificate_name_match", self.d);

        let spec = GlueConnectionSpec {
            address: address.clone(),
            name: name.value,
            // Glue accepts connection descriptions of up to 2,048 characters.
            description: self.description(f, address, 2048, false),
            engine: engine?,
            host: host?.value,
            port: port?.value,
            database: database?.value,
            secret: secret?.value,
            subnet_id: subnet?.value,
            security_group_ids: groups.unwrap_or_default().into_iter().map(|g| g.value).collect(),
            availability_zone: zone?.value,
            custom_ca_certificate: certificate.map(|c| c.value),
            certificate_name_match: name_match.map(|n| n.value),
            tags: self.tags(f),
        };
        Some((spec, Refs { fields: Vec::new() }))
    }
}
