//! The blueprint after loading: typed, validated, with references checked.
//! Cloud names here are final; ARNs that depend on the live account are not.

use std::collections::BTreeMap;
use std::ops::Range;

use ipnet::IpNet;

use super::diagnostic::Source;
use crate::address::{Address, Kind};

#[derive(Clone, Debug)]
pub struct Blueprint {
    pub source: Source,
    /// The environment whose overrides were applied, if any.
    pub env: Option<String>,
    /// Used in ownership tags, role paths, key aliases and default cloud names.
    pub name: String,
    pub account: String,
    pub region: String,
    /// The IAM principal that applies this blueprint. Key policies keep it as an
    /// administrator; when unset, the caller that runs `plan` or `apply` is used.
    pub apply_principal: Option<String>,
    pub tags: BTreeMap<String, String>,
    pub network: Network,
    pub keys: Vec<KeySpec>,
    pub buckets: Vec<BucketSpec>,
    pub roles: Vec<RoleSpec>,
    pub glue_connections: Vec<GlueConnectionSpec>,
    /// The account's Glue Data Catalog encryption, when the blueprint manages it.
    pub glue_catalog: Option<GlueCatalogSpec>,
    pub sagemaker_domains: Vec<SageMakerDomainSpec>,
    pub sagemaker_user_profiles: Vec<SageMakerUserProfileSpec>,
    /// Documented risk decisions for findings of waivable rules.
    pub waivers: Vec<Waiver>,
    /// Where each resource's table starts, for errors found after loading.
    pub spans: BTreeMap<Address, Range<usize>>,
}

/// A waiver: one rule's finding at one address is accepted until `expires`,
/// with the reason, the equivalent control and who approved it.
#[derive(Clone, Debug)]
pub struct Waiver {
    /// `waiver.NAME`.
    pub name: String,
    pub rule: String,
    pub address: Address,
    pub reason: String,
    pub equivalent_control: String,
    pub approver: String,
    /// The last day the waiver applies, inclusive.
    pub expires: time::Date,
    pub span: Range<usize>,
}

/// Where people may reach PHI from.
#[derive(Clone, Debug, Default)]
pub struct Network {
    /// Public egress ranges of the organisation, used with `aws:SourceIp`.
    pub public_cidrs: Vec<IpNet>,
    /// VPC endpoint ids for callers inside a VPC, used with `aws:SourceVpce`.
    pub vpc_endpoints: Vec<String>,
    /// The VPC, private subnets and security groups that SageMaker domains use
    /// unless a domain sets its own.
    pub vpc_id: Option<String>,
    pub private_subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
}

impl Network {
    pub fn is_empty(&self) -> bool {
        self.public_cidrs.is_empty() && self.vpc_endpoints.is_empty()
    }
}

#[derive(Clone, Debug)]
pub struct KeySpec {
    pub address: Address,
    pub description: String,
    pub deletion_window_days: i32,
    /// Principals that may manage the key but not use it.
    pub administrators: Vec<PrincipalRef>,
    pub protect: bool,
    pub tags: BTreeMap<String, String>,
}

/// An IAM principal named in a blueprint: a blueprint role or an ARN.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PrincipalRef {
    Role(Address),
    Arn(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BucketPurpose {
    /// Holds data, possibly PHI: SSE-KMS with a blueprint key.
    Data,
    /// Receives S3 server access logs: SSE-S3, the only default encryption AWS
    /// supports for log delivery, and no logging of its own.
    AccessLogs,
}

#[derive(Clone, Debug)]
pub struct BucketSpec {
    pub address: Address,
    pub name: String,
    pub purpose: BucketPurpose,
    /// The key for SSE-KMS; set for data buckets, never for access-log buckets.
    pub key: Option<Address>,
    /// The access-log bucket this bucket logs to.
    pub access_logs: Option<Address>,
    pub noncurrent_version_retention_days: i32,
    pub protect: bool,
    pub tags: BTreeMap<String, String>,
}

#[derive(Clone, Debug)]
pub struct RoleSpec {
    pub address: Address,
    pub name: String,
    pub description: String,
    pub trust: Trust,
    pub grants: Vec<Grant>,
    /// Secrets Manager secret ARNs the role may read, from `read` grants that
    /// name an ARN.
    pub secrets: Vec<String>,
    pub max_session_hours: i32,
    pub permissions_boundary: Option<String>,
    pub tags: BTreeMap<String, String>,
}

/// Who may assume a role. Services and people never share a role, because
/// network conditions that protect people's sessions break service calls.
#[derive(Clone, Debug, Default)]
pub struct Trust {
    pub services: Vec<TrustedService>,
    pub accounts: Vec<String>,
    pub principals: Vec<String>,
    pub saml_providers: Vec<String>,
    pub oidc_providers: Vec<OidcTrust>,
}

impl Trust {
    /// True when people assume the role directly (accounts, IAM principals or
    /// federation), so data access carries network conditions.
    pub fn is_for_people(&self) -> bool {
        !(self.accounts.is_empty()
            && self.principals.is_empty()
            && self.saml_providers.is_empty()
            && self.oidc_providers.is_empty())
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum TrustedService {
    SageMaker,
    Glue,
}

impl TrustedService {
    pub const ALL: [TrustedService; 2] = [TrustedService::SageMaker, TrustedService::Glue];

    pub fn name(self) -> &'static str {
        match self {
            TrustedService::SageMaker => "sagemaker",
            TrustedService::Glue => "glue",
        }
    }

    pub fn principal(self) -> &'static str {
        match self {
            TrustedService::SageMaker => "sagemaker.amazonaws.com",
            TrustedService::Glue => "glue.amazonaws.com",
        }
    }
}

#[derive(Clone, Debug)]
pub struct OidcTrust {
    pub provider: String,
    pub audience: String,
    /// Optional `sub` claim patterns, such as a repository's branch.
    pub subjects: Vec<String>,
}

/// A JDBC connection from AWS Glue to an on-premises database. SSL is always
/// enforced and credentials come only from a Secrets Manager secret.
#[derive(Clone, Debug)]
pub struct GlueConnectionSpec {
    pub address: Address,
    pub name: String,
    pub description: String,
    pub engine: DatabaseEngine,
    pub host: String,
    pub port: i64,
    pub database: String,
    /// The ARN of the Secrets Manager secret with the username and password.
    pub secret: String,
    pub subnet_id: String,
    pub security_group_ids: Vec<String>,
    pub availability_zone: String,
    /// S3 URL of the root certificate of a private CA (`CUSTOM_JDBC_CERT`).
    pub custom_ca_certificate: Option<String>,
    /// The name the server certificate must match (`CUSTOM_JDBC_CERT_STRING`).
    pub certificate_name_match: Option<String>,
    pub tags: BTreeMap<String, String>,
}

/// A SageMaker Studio domain: always `VpcOnly`, its home EFS volume under a
/// blueprint key, notebook output sharing disabled.
#[derive(Clone, Debug)]
pub struct SageMakerDomainSpec {
    pub address: Address,
    pub name: String,
    pub vpc_id: String,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
    pub key: Address,
    /// `IAM` or `SSO`.
    pub auth_mode: String,
    /// The blueprint role Studio apps run as unless a user profile says otherwise.
    pub execution_role: Address,
    pub protect: bool,
    pub tags: BTreeMap<String, String>,
}

/// A person's profile in a SageMaker domain: one per person, so that activity
/// is attributable.
#[derive(Clone, Debug)]
pub struct SageMakerUserProfileSpec {
    pub address: Address,
    pub name: String,
    pub domain: Address,
    /// The role the person's apps run as; the domain's default when unset.
    pub execution_role: Option<Address>,
    pub tags: BTreeMap<String, String>,
}

/// Encryption of the account's Glue Data Catalog (metadata at rest and
/// connection passwords) with a blueprint key.
#[derive(Clone, Debug)]
pub struct GlueCatalogSpec {
    /// Always `glue_catalog.settings`.
    pub address: Address,
    pub key: Address,
}

/// The address of the blueprint's Glue Data Catalog settings.
pub fn glue_catalog_address() -> Address {
    Address::new(Kind::GlueCatalog, "settings")
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatabaseEngine {
    PostgreSql,
    SqlServer,
    Oracle,
    MySql,
}

impl DatabaseEngine {
    pub const ALL: [DatabaseEngine; 4] = [
        DatabaseEngine::PostgreSql,
        DatabaseEngine::SqlServer,
        DatabaseEngine::Oracle,
        DatabaseEngine::MySql,
    ];

    pub fn name(self) -> &'static str {
        match self {
            DatabaseEngine::PostgreSql => "postgresql",
            DatabaseEngine::SqlServer => "sqlserver",
            DatabaseEngine::Oracle => "oracle",
            DatabaseEngine::MySql => "mysql",
        }
    }

    /// Builds the JDBC URL in the form AWS Glue documents for the engine.
    pub fn jdbc_url(self, host: &str, port: i64, database: &str) -> String {
        match self {
            DatabaseEngine::PostgreSql => format!("jdbc:postgresql://{host}:{port}/{database}"),
            DatabaseEngine::MySql => format!("jdbc:mysql://{host}:{port}/{database}"),
            DatabaseEngine::SqlServer => format!("jdbc:sqlserver://{host}:{port};databaseName={database}"),
            DatabaseEngine::Oracle => format!("jdbc:oracle:thin://@{host}:{port}/{database}"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Permission {
    Read,
    Write,
    List,
    Decrypt,
    Encrypt,
    /// Use a Glue connection (`glue:GetConnection`).
    Use,
}

impl Permission {
    pub const ALL: [Permission; 6] = [
        Permission::Read,
        Permission::Write,
        Permission::List,
        Permission::Decrypt,
        Permission::Encrypt,
        Permission::Use,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Permission::Read => "read",
            Permission::Write => "write",
            Permission::List => "list",
            Permission::Decrypt => "decrypt",
            Permission::Encrypt => "encrypt",
            Permission::Use => "use",
        }
    }

    /// The kind of resource the permission applies to.
    pub fn target_kind(self) -> Kind {
        match self {
            Permission::Read | Permission::Write | Permission::List => Kind::Bucket,
            Permission::Decrypt | Permission::Encrypt => Kind::Key,
            Permission::Use => Kind::GlueConnection,
        }
    }
}

/// Services that call KMS on a principal's behalf, for `kms:ViaService`.
pub const VIA_SERVICES: &[&str] = &["s3", "secretsmanager", "glue", "sagemaker"];

#[derive(Clone, Debug)]
pub struct Grant {
    pub permission: Permission,
    pub target: Address,
    /// Object key prefixes for bucket grants; empty means the whole bucket.
    pub prefixes: Vec<String>,
    /// For key grants: the services through which the key may be used.
    pub via: Vec<String>,
}

impl Blueprint {
    /// Returns the SHA-256 of the blueprint file as read, in hex. A saved plan records
    /// it, so applying the plan after the file changed is refused.
    pub fn source_digest(&self) -> String {
        use sha2::{Digest, Sha256};
        hex::encode(Sha256::digest(self.source.text.as_bytes()))
    }

    pub fn key(&self, address: &Address) -> Option<&KeySpec> {
        self.keys.iter().find(|k| &k.address == address)
    }

    pub fn bucket(&self, address: &Address) -> Option<&BucketSpec> {
        self.buckets.iter().find(|b| &b.address == address)
    }

    pub fn role(&self, address: &Address) -> Option<&RoleSpec> {
        self.roles.iter().find(|r| &r.address == address)
    }

    pub fn sagemaker_domain(&self, address: &Address) -> Option<&SageMakerDomainSpec> {
        self.sagemaker_domains.iter().find(|d| &d.address == address)
    }

    pub fn sagemaker_user_profile(&self, address: &Address) -> Option<&SageMakerUserProfileSpec> {
        self.sagemaker_user_profiles.iter().find(|p| &p.address == address)
    }

    pub fn glue_connection(&self, address: &Address) -> Option<&GlueConnectionSpec> {
        self.glue_connections.iter().find(|c| &c.address == address)
    }

    /// Lists every declared address: keys, buckets, roles, Glue connections, the
    /// Glue Data Catalog settings, SageMaker domains, then user profiles.
    pub fn addresses(&self) -> Vec<Address> {
        let keys = self.keys.iter().map(|k| k.address.clone());
        let buckets = self.buckets.iter().map(|b| b.address.clone());
        let roles = self.roles.iter().map(|r| r.address.clone());
        let connections = self.glue_connections.iter().map(|c| c.address.clone());
        let catalog = self.glue_catalog.iter().map(|c| c.address.clone());
        let domains = self.sagemaker_domains.iter().map(|d| d.address.clone());
        let profiles = self.sagemaker_user_profiles.iter().map(|p| p.address.clone());
        keys.chain(buckets)
            .chain(roles)
            .chain(connections)
            .chain(catalog)
            .chain(domains)
            .chain(profiles)
            .collect()
    }

    pub fn location(&self, address: &Address) -> String {
        match self.spans.get(address) {
            Some(span) => self.source.location(span.start),
            None => self.source.path.clone(),
        }
    }
}
