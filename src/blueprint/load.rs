//! Reads a blueprint file: TOML syntax, environment overrides, typed fields,
//! value rules and references. Every problem is collected before returning.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use super::diagnostic::{Diagnostic, Diagnostics, Source};
use super::fields::{nearest, Fields, Spanned};
use super::node::{self, Node, Table, Value};
use super::rules;
use super::spec::*;
use crate::address::{is_valid_name, Address, Kind};

const TOP_LEVEL: &[&str] = &[
    "blueprint",
    "network",
    "key",
    "bucket",
    "role",
    "glue_connection",
    "glue_catalog",
    "sagemaker_domain",
    "sagemaker_user_profile",
    "env",
];
const BLUEPRINT_FIELDS: &[&str] = &["name", "account", "region", "apply_principal", "tags"];
const NETWORK_FIELDS: &[&str] = &[
    "public_cidrs",
    "vpc_endpoints",
    "vpc_id",
    "private_subnet_ids",
    "security_group_ids",
];
const KEY_FIELDS: &[&str] = &[
    "description",
    "deletion_window_days",
    "administrators",
    "protect",
    "tags",
];
const BUCKET_FIELDS: &[&str] = &[
    "name",
    "purpose",
    "key",
    "access_logs",
    "noncurrent_version_retention_days",
    "protect",
    "tags",
];
const ROLE_FIELDS: &[&str] = &[
    "name",
    "description",
    "assumed_by",
    "grants",
    "max_session_hours",
    "permissions_boundary",
    "tags",
];
const TRUST_FIELDS: &[&str] = &["services", "accounts", "principals", "saml_providers", "oidc_providers"];
const OIDC_FIELDS: &[&str] = &["provider", "audience", "subjects"];
const GRANT_FIELDS: &[&str] = &["read", "write", "list", "decrypt", "encrypt", "use", "prefixes", "via"];

/// Loads and validates a blueprint. `env` selects `[env.NAME]` overrides.
pub fn load(source: Source, env: Option<&str>) -> Result<Blueprint, (Source, Diagnostics)> {
    let mut d = Diagnostics::default();
    for span in super::fields::secret_assignments(&source.text) {
        d.mask(span);
    }
    let blueprint = node::parse(&source.text, &mut d).and_then(|root| read(&source, root, env, &mut d));
    match blueprint {
        Some(blueprint) if d.is_empty() => Ok(blueprint),
        _ => {
            d.sort();
            Err((source, d))
        }
    }
}

/// Lists the environments a blueprint declares, in file order.
pub fn environments(source: &Source) -> Vec<String> {
    let mut d = Diagnostics::default();
    let Some(root) = node::parse(&source.text, &mut d) else {
        return Vec::new();
    };
    match root.get("env").map(|n| &n.value) {
        Some(Value::Table(envs)) => envs.entries.iter().map(|(k, _)| k.name.clone()).collect(),
        _ => Vec::new(),
    }
}

fn read(source: &Source, mut root: Table, env: Option<&str>, d: &mut Diagnostics) -> Option<Blueprint> {
    let envs = root.remove("env");
    let whole_file = 0..source.text.len().min(1);
    check_env_names(envs.as_ref().map(|(_, n)| n), d);
    if let Some(name) = env {
        let overlay = envs.as_ref().and_then(|(_, n)| match &n.value {
            Value::Table(t) => t.get(name),
            _ => None,
        });
        match overlay {
            Some(Node {
                value: Value::Table(overlay),
                ..
            }) => {
                if let Some((key, _)) = overlay.get_entry("env") {
                    d.error(
                        &key.span,
                        format!("env.{name}: environments cannot be nested"),
                        "move the overrides up one level",
                    );
                }
                root.merge(overlay.clone());
            }
            Some(other) => d.error(
                &other.span,
                format!("env.{name} must be a table"),
                format!("write overrides under [env.{name}.blueprint], [env.{name}.bucket.NAME], ..."),
            ),
            None => {
                let declared = envs
                    .as_ref()
                    .map(|(_, n)| match &n.value {
                        Value::Table(t) => t.entries.iter().map(|(k, _)| k.name.clone()).collect::<Vec<_>>(),
                        _ => Vec::new(),
                    })
                    .unwrap_or_default();
                let hint = if declared.is_empty() {
                    format!("the blueprint declares no environments; add an [env.{name}] table, or remove --env (or HIPCLOUD_ENV)")
                } else {
                    format!("declared environments: {}", declared.join(", "))
                };
                // The environment comes from the command line, so no line of the file is at fault.
                d.push(
                    Diagnostic::new(format!("environment `{name}` is not declared in {}", source.path), None)
                        .with_hint(hint),
                );
                return None;
            }
        }
    }

    let top = Fields::new(&root, "blueprint file", TOP_LEVEL, d);
    let mut reader = Reader {
        d,
        spans: BTreeMap::new(),
        whole_file,
    };
    let header = reader.header(&top)?;
    let network = reader.network(&top);
    let keys = reader.resources(&top, Kind::Key, |r, name, fields, span| r.key(name, fields, span));
    let buckets = reader.resources(&top, Kind::Bucket, |r, name, fields, span| {
        r.bucket(&header.0, name, fields, span)
    });
    let roles = reader.resources(&top, Kind::Role, |r, name, fields, span| {
        r.role(&header.0, name, fields, span)
    });
    let connections = reader.resources(&top, Kind::GlueConnection, |r, name, fields, span| {
        r.glue_connection(&header.0, &header.2, name, fields, span)
    });
    let catalog = reader.glue_catalog(&top);
    let domains = reader.resources(&top, Kind::SageMakerDomain, |r, name, fields, span| {
        r.sagemaker_domain(&header.0, &network, name, fields, span)
    });
    let profiles = reader.resources(&top, Kind::SageMakerUserProfile, |r, name, fields, span| {
        r.sagemaker_user_profile(name, fields, span)
    });
    let spans = reader.spans;

    let (name, account, region, apply_principal, tags) = header;
    let blueprint = Blueprint {
        source: source.clone(),
        env: env.map(str::to_string),
        name,
        account,
        region,
        apply_principal,
        tags,
        network,
        keys: keys.iter().map(|(k, _)| k.clone()).collect(),
        buckets: buckets.iter().map(|(b, _)| b.clone()).collect(),
        roles: roles.iter().map(|(r, _)| r.clone()).collect(),
        glue_connections: connections.iter().map(|(c, _)| c.clone()).collect(),
        glue_catalog: catalog.as_ref().map(|(c, _)| c.clone()),
        sagemaker_domains: domains.iter().map(|(d, _)| d.clone()).collect(),
        sagemaker_user_profiles: profiles.iter().map(|(p, _)| p.clone()).collect(),
        spans,
    };
    let references = References {
        keys: &keys,
        buckets: &buckets,
        roles: &roles,
        connections: &connections,
        catalog: catalog.as_ref(),
        domains: &domains,
        profiles: &profiles,
    };
    references.check(&blueprint, d);
    Some(blueprint)
}

fn check_env_names(envs: Option<&Node>, d: &mut Diagnostics) {
    let Some(node) = envs else { return };
    let Value::Table(table) = &node.value else {
        d.error(
            &node.span,
            "`env` must be a table of environments",
            "write overrides as [env.prod.blueprint], [env.prod.network], ...",
        );
        return;
    };
    for (key, value) in &table.entries {
        if !is_valid_name(&key.name) {
            d.error(
                &key.span,
                format!("invalid environment name `{}`", key.name),
                "use lower-case letters, digits and underscores, starting with a letter",
            );
        }
        if !matches!(value.value, Value::Table(_)) {
            d.error(
                &value.span,
                format!("env.{} must be a table", key.name),
                "write overrides under [env.NAME.blueprint], [env.NAME.bucket.X], ...",
            );
        }
    }
}

type Header = (String, String, String, Option<String>, BTreeMap<String, String>);

/// Where each reference field points, kept with spans for reference checks.
pub(super) struct Refs {
    pub(super) fields: Vec<(&'static str, Spanned<String>, Kind)>,
}

pub(super) struct Reader<'d> {
    pub(super) d: &'d mut Diagnostics,
    pub(super) spans: BTreeMap<Address, Range<usize>>,
    whole_file: Range<usize>,
}

impl Reader<'_> {
    fn header(&mut self, top: &Fields) -> Option<Header> {
        let Some((table, span)) = top.table("blueprint", self.d) else {
            // A `blueprint` that is not a table was reported by `table` already.
            if top.node("blueprint").is_none() {
                self.d.error(
                    &self.whole_file,
                    "missing [blueprint] table",
                    "add [blueprint] with name, account and region",
                );
            }
            return None;
        };
        let f = Fields::new(table, "[blueprint]", BLUEPRINT_FIELDS, self.d);
        let name = f.required_string("name", &span, "add name = \"research-lab\"", self.d);
        let account = f.required_string("account", &span, "add account = \"123456789012\"", self.d);
        let region = f.required_string("region", &span, "add region = \"us-east-1\"", self.d);
        self.check(&name, "[blueprint]", "name", rules::blueprint_name);
        self.check(&account, "[blueprint]", "account", rules::account_id);
        self.check(&region, "[blueprint]", "region", rules::region);
        let apply_principal = f.string("apply_principal", self.d);
        self.check(
            &apply_principal,
            "[blueprint]",
            "apply_principal",
            rules::iam_principal_arn,
        );
        let tags = self.tags(&f);
        Some((
            name?.value,
            account?.value,
            region?.value,
            apply_principal.map(|p| p.value),
            tags,
        ))
    }

    fn network(&mut self, top: &Fields) -> Network {
        let Some((table, _)) = top.table("network", self.d) else {
            return Network::default();
        };
        let f = Fields::new(table, "[network]", NETWORK_FIELDS, self.d);
        let mut network = Network::default();
        for cidr in f.string_list("public_cidrs", self.d).unwrap_or_default() {
            match rules::public_cidr(&cidr.value) {
                Ok(net) => network.public_cidrs.push(net),
                Err((problem, hint)) => {
                    self.d
                        .error(&cidr.span, format!("[network]: field `public_cidrs`: {problem}"), hint)
                }
            }
        }
        let vpc = f.string("vpc_id", self.d);
        self.check(&vpc, "[network]", "vpc_id", rules::vpc_id);
        network.vpc_id = vpc.map(|v| v.value);
        for subnet in f.string_list("private_subnet_ids", self.d).unwrap_or_default() {
            self.check(
                &Some(subnet.clone()),
                "[network]",
                "private_subnet_ids",
                rules::subnet_id,
            );
            network.private_subnet_ids.push(subnet.value);
        }
        for group in f.string_list("security_group_ids", self.d).unwrap_or_default() {
            self.check(
                &Some(group.clone()),
                "[network]",
                "security_group_ids",
                rules::security_group_id,
            );
            network.security_group_ids.push(group.value);
        }
        for id in f.string_list("vpc_endpoints", self.d).unwrap_or_default() {
            self.check(&Some(id.clone()), "[network]", "vpc_endpoints", rules::vpc_endpoint_id);
            network.vpc_endpoints.push(id.value);
        }
        network
    }

    /// Reads every `[KIND.NAME]` table with `read_one`.
    fn resources<T>(
        &mut self,
        top: &Fields,
        kind: Kind,
        mut read_one: impl FnMut(&mut Self, &Address, &Fields, &Range<usize>) -> Option<(T, Refs)>,
    ) -> Vec<(T, Refs)> {
        let Some((table, _)) = top.table(kind.as_str(), self.d) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, node) in &table.entries {
            if !is_valid_name(&key.name) {
                self.d.error(
                    &key.span,
                    format!("invalid resource name `{}.{}`", kind, key.name),
                    "use up to 40 lower-case letters, digits and underscores, starting with a letter",
                );
                continue;
            }
            let address = Address::new(kind, &key.name);
            let Value::Table(body) = &node.value else {
                self.d.error(
                    &node.span,
                    format!("{address} must be a table"),
                    format!("write it as [{address}]"),
                );
                continue;
            };
            let known = match kind {
                Kind::Key => KEY_FIELDS,
                Kind::Bucket => BUCKET_FIELDS,
                Kind::Role => ROLE_FIELDS,
                Kind::GlueConnection => super::glue::FIELDS,
                // Read by `glue_catalog`, never as `[glue_catalog.NAME]` tables.
                Kind::GlueCatalog => &[],
                Kind::SageMakerDomain => super::sagemaker::FIELDS,
                Kind::SageMakerUserProfile => super::sagemaker::PROFILE_FIELDS,
            };
            self.spans.insert(address.clone(), key.span.clone());
            let fields = Fields::new(body, address.to_string(), known, self.d);
            if let Some(item) = read_one(self, &address, &fields, &key.span) {
                out.push(item);
            }
        }
        out
    }

    fn key(&mut self, address: &Address, f: &Fields, _span: &Range<usize>) -> Option<(KeySpec, Refs)> {
        // KMS accepts descriptions of up to 8,192 characters.
        let description = self.description(f, address, 8192, false);
        let window = f.integer("deletion_window_days", self.d);
        if let Some(w) = &window {
            if !(7..=30).contains(&w.value) {
                self.d.error(
                    &w.span,
                    format!(
                        "{address}: field `deletion_window_days` is {}, outside 7 to 30",
                        w.value
                    ),
                    "KMS accepts a deletion window of 7 to 30 days; 30 gives the most time to cancel",
                );
            }
        }
        let mut refs = Refs { fields: Vec::new() };
        let mut administrators = Vec::new();
        for admin in f.string_list("administrators", self.d).unwrap_or_default() {
            if admin.value.starts_with("arn:") {
                self.check(
                    &Some(admin.clone()),
                    &address.to_string(),
                    "administrators",
                    rules::iam_principal_arn,
                );
                administrators.push(PrincipalRef::Arn(admin.value));
            } else {
                refs.fields.push(("administrators", admin.clone(), Kind::Role));
                if let Some(role) = Address::parse(&admin.value) {
                    administrators.push(PrincipalRef::Role(role));
                }
            }
        }
        let spec = KeySpec {
            address: address.clone(),
            description,
            deletion_window_days: window.map_or(30, |w| w.value as i32),
            administrators,
            protect: f.bool("protect", self.d).is_some_and(|p| p.value),
            tags: self.tags(f),
        };
        Some((spec, refs))
    }

    fn bucket(
        &mut self,
        blueprint: &str,
        address: &Address,
        f: &Fields,
        span: &Range<usize>,
    ) -> Option<(BucketSpec, Refs)> {
        let name = f
            .string("name", self.d)
            .unwrap_or_else(|| Spanned::new(format!("{blueprint}-{}", address.name.replace('_', "-")), span.clone()));
        self.check(&Some(name.clone()), &address.to_string(), "name", rules::bucket_name);
        let purpose = match f.string("purpose", self.d) {
            None => BucketPurpose::Data,
            Some(p) if p.value == "data" => BucketPurpose::Data,
            Some(p) if p.value == "access-logs" => BucketPurpose::AccessLogs,
            Some(p) => {
                self.d.error(
                    &p.span,
                    format!("{address}: field `purpose` is {:?}", p.value),
                    "write purpose = \"data\" (the default) or \"access-logs\"",
                );
                BucketPurpose::Data
            }
        };
        let mut refs = Refs { fields: Vec::new() };
        let key = f.string("key", self.d);
        match (&key, purpose) {
            (None, BucketPurpose::Data) => self.d.error(
                span,
                format!("{address}: missing required field `key`"),
                "data buckets are encrypted with a blueprint key: add key = \"key.NAME\"",
            ),
            (Some(k), BucketPurpose::AccessLogs) => self.d.error(
                &k.span,
                format!("{address}: field `key` is not allowed on an access-log bucket"),
                "S3 delivers server access logs only to buckets encrypted with SSE-S3; remove `key`",
            ),
            (Some(k), BucketPurpose::Data) => refs.fields.push(("key", k.clone(), Kind::Key)),
            (None, BucketPurpose::AccessLogs) => {}
        }
        let access_logs = f.string("access_logs", self.d);
        if let Some(target) = &access_logs {
            if target.value == address.to_string() {
                self.d.error(
                    &target.span,
                    format!("{address}: field `access_logs` points at the bucket itself"),
                    "a bucket must not log to itself: every log write would create another log record",
                );
            } else {
                refs.fields.push(("access_logs", target.clone(), Kind::Bucket));
            }
        }
        let retention = f.integer("noncurrent_version_retention_days", self.d);
        if let Some(r) = &retention {
            if !(1..=36500).contains(&r.value) {
                self.d.error(
                    &r.span,
                    format!(
                        "{address}: field `noncurrent_version_retention_days` is {}, outside 1 to 36500",
                        r.value
                    ),
                    "keep noncurrent versions for the retention your records policy requires, such as 2190 (six years)",
                );
            }
        }
        let spec = BucketSpec {
            address: address.clone(),
            name: name.value,
            purpose,
            key: key.and_then(|k| Address::parse(&k.value)),
            // A bucket that names itself was reported above and is left without logging.
            access_logs: access_logs
                .and_then(|a| Address::parse(&a.value))
                .filter(|a| a != address),
            noncurrent_version_retention_days: retention.map_or(365, |r| r.value as i32),
            protect: f.bool("protect", self.d).is_some_and(|p| p.value),
            tags: self.tags(f),
        };
        Some((spec, refs))
    }

    fn role(
        &mut self,
        blueprint: &str,
        address: &Address,
        f: &Fields,
        span: &Range<usize>,
    ) -> Option<(RoleSpec, Refs)> {
        let context = address.to_string();
        let name = f
            .string("name", self.d)
            .unwrap_or_else(|| Spanned::new(format!("{blueprint}-{}", address.name.replace('_', "-")), span.clone()));
        self.check(&Some(name.clone()), &context, "name", rules::role_name);
        let trust = match f.table("assumed_by", self.d) {
            Some((table, trust_span)) => self.trust(&context, table, &trust_span),
            None => {
                self.d.error(
                    span,
                    format!("{context}: missing required field `assumed_by`"),
                    "add assumed_by = { services = [\"sagemaker\"] } or { accounts = [\"123456789012\"] }",
                );
                Trust::default()
            }
        };
        let mut refs = Refs { fields: Vec::new() };
        let mut secrets = Vec::new();
        let grants = self.grants(&context, f, &mut refs, &mut secrets);
        let hours = f.integer("max_session_hours", self.d);
        if let Some(h) = &hours {
            if !(1..=12).contains(&h.value) {
                self.d.error(
                    &h.span,
                    format!("{context}: field `max_session_hours` is {}, outside 1 to 12", h.value),
                    "IAM allows sessions of 1 to 12 hours; shorter sessions limit the use of leaked credentials",
                );
            }
        }
        let boundary = f.string("permissions_boundary", self.d);
        self.check(&boundary, &context, "permissions_boundary", |arn| {
            rules::iam_arn(arn, "policy")
        });
        let spec = RoleSpec {
            address: address.clone(),
            name: name.value,
            // IAM accepts up to 1,000 characters, Latin-1 only.
            description: self.description(f, address, 1000, true),
            trust,
            grants,
            secrets,
            max_session_hours: hours.map_or(1, |h| h.value as i32),
            permissions_boundary: boundary.map(|b| b.value),
            tags: self.tags(f),
        };
        Some((spec, refs))
    }

    fn trust(&mut self, context: &str, table: &Table, span: &Range<usize>) -> Trust {
        let context = format!("{context}.assumed_by");
        let f = Fields::new(table, &context, TRUST_FIELDS, self.d);
        let mut trust = Trust::default();
        let mut unknown_service = false;
        for service in f.string_list("services", self.d).unwrap_or_default() {
            match TrustedService::ALL.into_iter().find(|s| s.name() == service.value) {
                Some(s) => trust.services.push(s),
                None => {
                    unknown_service = true;
                    let names: Vec<&str> = TrustedService::ALL.iter().map(|s| s.name()).collect();
                    self.d.error(
                        &service.span,
                        format!("{context}: unknown service {:?}", service.value),
                        format!("supported services: {}", names.join(", ")),
                    );
                }
            }
        }
        for account in f.string_list("accounts", self.d).unwrap_or_default() {
            self.check(&Some(account.clone()), &context, "accounts", rules::account_id);
            trust.accounts.push(account.value);
        }
        for principal in f.string_list("principals", self.d).unwrap_or_default() {
            self.check(
                &Some(principal.clone()),
                &context,
                "principals",
                rules::iam_principal_arn,
            );
            trust.principals.push(principal.value);
        }
        for provider in f.string_list("saml_providers", self.d).unwrap_or_default() {
            self.check(&Some(provider.clone()), &context, "saml_providers", |arn| {
                rules::iam_arn(arn, "saml-provider")
            });
            trust.saml_providers.push(provider.value);
        }
        if let Some(node) = f.node("oidc_providers") {
            let Value::Array(items) = &node.value else {
                self.d.error(
                    &node.span,
                    format!("{context}: field `oidc_providers` must be an array of tables"),
                    "write oidc_providers = [{ provider = \"arn:...\", audience = \"sts.amazonaws.com\" }]",
                );
                return trust;
            };
            for item in items {
                let Value::Table(t) = &item.value else {
                    self.d.error(
                        &item.span,
                        format!("{context}: each `oidc_providers` entry must be a table"),
                        "write { provider = \"arn:...\", audience = \"...\" }",
                    );
                    continue;
                };
                let o = Fields::new(t, format!("{context}.oidc_providers"), OIDC_FIELDS, self.d);
                let provider = o.required_string(
                    "provider",
                    &item.span,
                    "add provider = \"arn:aws:iam::ACCOUNT:oidc-provider/HOST\"",
                    self.d,
                );
                self.check(&provider, &context, "oidc_providers.provider", |arn| {
                    rules::iam_arn(arn, "oidc-provider")
                });
                let audience = o.required_string(
                    "audience",
                    &item.span,
                    "add the audience your identity provider puts in tokens, such as \"sts.amazonaws.com\"",
                    self.d,
                );
                let subjects = o
                    .string_list("subjects", self.d)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|s| s.value)
                    .collect();
                if let (Some(provider), Some(audience)) = (provider, audience) {
                    trust.oidc_providers.push(OidcTrust {
                        provider: provider.value,
                        audience: audience.value,
                        subjects,
                    });
                }
            }
        }
        let people = trust.is_for_people();
        // An unknown service was reported already; saying that no one is trusted
        // as well would only repeat it.
        if trust.services.is_empty() && !people && !unknown_service {
            self.d.error(
                span,
                format!("{context}: names no one who may assume the role"),
                "list services, accounts, principals, saml_providers or oidc_providers",
            );
        }
        if !trust.services.is_empty() && people {
            self.d.error(span, format!("{context}: mixes services and people"), "split it into a role for services and a role for people: network conditions that protect people's sessions break service calls");
        }
        trust
    }

    fn grants(&mut self, context: &str, f: &Fields, refs: &mut Refs, secrets: &mut Vec<String>) -> Vec<Grant> {
        let Some(node) = f.node("grants") else {
            return Vec::new();
        };
        let Value::Array(items) = &node.value else {
            self.d.error(
                &node.span,
                format!("{context}: field `grants` must be an array of tables"),
                "write grants = [{ read = \"bucket.NAME\" }, { decrypt = \"key.NAME\" }]",
            );
            return Vec::new();
        };
        let mut grants = Vec::new();
        for item in items {
            let Value::Table(t) = &item.value else {
                self.d.error(
                    &item.span,
                    format!("{context}: each grant must be a table"),
                    "write { read = \"bucket.NAME\", prefixes = [\"PREFIX/\"] }",
                );
                continue;
            };
            let g = Fields::new(t, format!("{context}.grants"), GRANT_FIELDS, self.d);
            let present: Vec<Permission> = Permission::ALL
                .into_iter()
                .filter(|p| t.get(p.name()).is_some())
                .collect();
            let [permission] = present[..] else {
                self.d.error(
                    &item.span,
                    format!("{context}: a grant needs exactly one of read, write, list, decrypt, encrypt, use"),
                    "write one grant per permission, such as { read = \"bucket.curated\" }",
                );
                continue;
            };
            let Some(target) = g.string(permission.name(), self.d) else {
                continue;
            };
            // `read` of a Secrets Manager ARN grants the secret's value.
            if permission == Permission::Read && target.value.starts_with("arn:") {
                self.check(
                    &Some(target.clone()),
                    &format!("{context}.grants"),
                    "read",
                    rules::secret_arn,
                );
                for extra in ["prefixes", "via"] {
                    if let Some((key, _)) = g.entry(extra) {
                        self.d.error(
                            &key.span,
                            format!("{context}.grants: `{extra}` does not apply to a secret"),
                            format!("remove `{extra}` from the secret grant"),
                        );
                    }
                }
                secrets.push(target.value);
                continue;
            }
            refs.fields.push(("grants", target.clone(), permission.target_kind()));
            let prefixes = g.string_list("prefixes", self.d).unwrap_or_default();
            if permission.target_kind() != Kind::Bucket && !prefixes.is_empty() {
                self.d.error(
                    &prefixes[0].span,
                    format!("{context}: `prefixes` applies to bucket grants only"),
                    format!("remove `prefixes` from the {} grant", permission.name()),
                );
            }
            for prefix in &prefixes {
                self.check(
                    &Some(prefix.clone()),
                    &format!("{context}.grants"),
                    "prefixes",
                    rules::key_prefix,
                );
            }
            let via = g.string_list("via", self.d);
            if let Some(via) = &via {
                if via.is_empty() && permission.target_kind() == Kind::Key {
                    self.d.error(&item.span, format!("{context}.grants: `via` is empty"), "name the services that may use the key, such as via = [\"s3\"], or drop `via` for the default [\"s3\"]");
                }
                if permission.target_kind() != Kind::Key {
                    if let Some(first) = via.first() {
                        self.d.error(
                            &first.span,
                            format!("{context}: `via` applies to key grants only"),
                            format!("remove `via` from the {} grant", permission.name()),
                        );
                    }
                }
                for service in via {
                    if !VIA_SERVICES.contains(&service.value.as_str()) {
                        self.d.error(
                            &service.span,
                            format!("{context}.grants: unknown service {:?} in `via`", service.value),
                            format!("supported services: {}", VIA_SERVICES.join(", ")),
                        );
                    }
                }
            }
            let Some(target) = Address::parse(&target.value) else {
                continue;
            };
            grants.push(Grant {
                permission,
                target,
                prefixes: prefixes.into_iter().map(|p| p.value).collect(),
                via: via
                    .map(|v| v.into_iter().map(|s| s.value).collect())
                    .unwrap_or_else(|| vec!["s3".to_string()]),
            });
        }
        grants
    }

    pub(super) fn tags(&mut self, f: &Fields) -> BTreeMap<String, String> {
        let map = f.string_map("tags", self.d);
        let mut tags = BTreeMap::new();
        for (key, (key_span, value)) in map {
            if super::fields::is_secret_name(&key) {
                self.d.mask(value.span.clone());
                self.d.error(
                    &key_span,
                    format!(
                        "{}: tag `{key}` would store a secret in a tag, which anyone who can list tags reads",
                        f.context()
                    ),
                    "keep credentials in AWS Secrets Manager; tags are not secret",
                );
                continue;
            }
            if let Err((problem, hint)) = rules::tag_key(&key) {
                self.d
                    .error(&key_span, format!("{}: field `tags`: {problem}", f.context()), hint);
            }
            if let Err((problem, hint)) = rules::tag_value(&value.value) {
                self.d.error(
                    &value.span,
                    format!("{}: field `tags.{key}`: {problem}", f.context()),
                    hint,
                );
            }
            tags.insert(key, value.value);
        }
        tags
    }

    /// Reads `description`, checked against the cloud's limit for the kind.
    pub(super) fn description(&mut self, f: &Fields, address: &Address, max: usize, latin1_only: bool) -> String {
        let Some(text) = f.string("description", self.d) else {
            return format!("hipcloud {address}");
        };
        if let Err((problem, hint)) = rules::description(&text.value, max, latin1_only) {
            self.d
                .error(&text.span, format!("{address}: field `description`: {problem}"), hint);
        }
        text.value
    }

    pub(super) fn check(
        &mut self,
        value: &Option<Spanned<String>>,
        context: &str,
        field: &str,
        rule: impl Fn(&str) -> Result<(), rules::Invalid>,
    ) {
        if let Some(value) = value {
            if let Err((problem, hint)) = rule(&value.value) {
                self.d
                    .error(&value.span, format!("{context}: field `{field}`: {problem}"), hint);
            }
        }
    }
}

/// Cross-resource checks: dangling references, wrong kinds, duplicate cloud
/// names, logging cycles and network conditions for people's roles.
struct References<'a> {
    keys: &'a [(KeySpec, Refs)],
    buckets: &'a [(BucketSpec, Refs)],
    roles: &'a [(RoleSpec, Refs)],
    connections: &'a [(GlueConnectionSpec, Refs)],
    catalog: Option<&'a (GlueCatalogSpec, Refs)>,
    domains: &'a [(SageMakerDomainSpec, Refs)],
    profiles: &'a [(SageMakerUserProfileSpec, Refs)],
}

impl References<'_> {
    fn check(&self, blueprint: &Blueprint, d: &mut Diagnostics) {
        let declared: BTreeSet<Address> = blueprint.addresses().into_iter().collect();
        let keys = self.keys.iter().map(|(k, r)| (&k.address, r));
        let buckets = self.buckets.iter().map(|(b, r)| (&b.address, r));
        let catalog = self.catalog.iter().map(|(c, r)| (&c.address, r));
        let domains = self
            .domains
            .iter()
            .map(|(d, r)| (&d.address, r))
            .chain(self.profiles.iter().map(|(p, r)| (&p.address, r)));
        let roles = self.roles.iter().map(|(r, refs)| (&r.address, refs));
        let all_refs = keys.chain(buckets).chain(catalog).chain(domains).chain(roles);
        for (owner, refs) in all_refs {
            for (field, target, kind) in &refs.fields {
                check_reference(owner, field, target, *kind, &declared, d);
            }
        }
        for (bucket, refs) in self.buckets {
            if let Some(target) = bucket.access_logs.as_ref().and_then(|a| blueprint.bucket(a)) {
                if target.purpose != BucketPurpose::AccessLogs {
                    let span = refs
                        .fields
                        .iter()
                        .find(|(f, ..)| *f == "access_logs")
                        .map(|(_, s, _)| s.span.clone())
                        .unwrap_or(0..0);
                    d.error(
                        &span,
                        format!(
                            "{}: field `access_logs` points at {}, which is not an access-log bucket",
                            bucket.address, target.address
                        ),
                        format!(
                            "set purpose = \"access-logs\" on {} or point at an access-log bucket",
                            target.address
                        ),
                    );
                }
            }
        }
        self.duplicate_names(blueprint, d);
        for cycle in crate::graph::logging_cycles(blueprint) {
            let span = blueprint.spans.get(&cycle[0]).cloned().unwrap_or(0..0);
            let names: Vec<String> = cycle.iter().map(Address::to_string).collect();
            d.error(
                &span,
                format!("reference cycle through `access_logs`: {}", names.join(" -> ")),
                "break the cycle: an access-log bucket should not log back into a bucket that logs to it",
            );
        }
        let execution_roles = self
            .domains
            .iter()
            .map(|(domain, refs)| (&domain.address, Some(&domain.execution_role), refs))
            .chain(
                self.profiles
                    .iter()
                    .map(|(profile, refs)| (&profile.address, profile.execution_role.as_ref(), refs)),
            );
        for (owner, role, refs) in execution_roles {
            let Some(role) = role.and_then(|r| blueprint.role(r)) else {
                continue;
            };
            if !role.trust.services.contains(&TrustedService::SageMaker) {
                let span = refs
                    .fields
                    .iter()
                    .find(|(f, ..)| *f == "execution_role")
                    .map_or(0..0, |(_, s, _)| s.span.clone());
                d.error(
                    &span,
                    format!(
                        "{owner}: field `execution_role`: {} is not assumed by SageMaker",
                        role.address
                    ),
                    format!(
                        "add assumed_by = {{ services = [\"sagemaker\"] }} to {}, or name a role SageMaker assumes",
                        role.address
                    ),
                );
            }
        }
        for role in &blueprint.roles {
            if role.trust.is_for_people()
                && blueprint.network.is_empty()
                && role.grants.iter().any(|g| g.permission.target_kind() == Kind::Bucket)
            {
                let span = blueprint.spans.get(&role.address).cloned().unwrap_or(0..0);
                d.error(&span, format!("{}: people assume this role, but [network] lists no public_cidrs or vpc_endpoints", role.address), "add the organisation's public egress CIDRs or VPC endpoint ids to [network], so data access is limited to those networks");
            }
        }
    }

    fn duplicate_names(&self, blueprint: &Blueprint, d: &mut Diagnostics) {
        let mut seen: BTreeMap<String, &Address> = BTreeMap::new();
        for (bucket, _) in self.buckets {
            if let Some(first) = seen.insert(bucket.name.clone(), &bucket.address) {
                let span = blueprint.spans.get(&bucket.address).cloned().unwrap_or(0..0);
                d.error(
                    &span,
                    format!(
                        "{}: bucket name {:?} is already used by {first}",
                        bucket.address, bucket.name
                    ),
                    "give each bucket its own `name`",
                );
            }
        }
        let mut seen: BTreeMap<String, &Address> = BTreeMap::new();
        for (connection, _) in self.connections {
            if let Some(first) = seen.insert(connection.name.clone(), &connection.address) {
                let span = blueprint.spans.get(&connection.address).cloned().unwrap_or(0..0);
                d.error(
                    &span,
                    format!(
                        "{}: Glue connection name {:?} is already used by {first}",
                        connection.address, connection.name
                    ),
                    "give each connection its own `name`",
                );
            }
        }
        let mut seen: BTreeMap<String, &Address> = BTreeMap::new();
        for (role, _) in self.roles {
            // IAM role names are unique without regard to case.
            if let Some(first) = seen.insert(role.name.to_ascii_lowercase(), &role.address) {
                let span = blueprint.spans.get(&role.address).cloned().unwrap_or(0..0);
                d.error(
                    &span,
                    format!("{}: role name {:?} is already used by {first}", role.address, role.name),
                    "give each role its own `name`; IAM role names ignore case",
                );
            }
        }
    }
}

fn check_reference(
    owner: &Address,
    field: &str,
    target: &Spanned<String>,
    kind: Kind,
    declared: &BTreeSet<Address>,
    d: &mut Diagnostics,
) {
    let Some(address) = Address::parse(&target.value) else {
        d.error(
            &target.span,
            format!("{owner}: field `{field}`: {:?} is not an address", target.value),
            format!("write a {kind} address such as \"{kind}.NAME\""),
        );
        return;
    };
    if address.kind != kind {
        d.error(
            &target.span,
            format!("{owner}: field `{field}` must refer to a {kind}, found {address}"),
            format!("write a {kind} address such as \"{kind}.NAME\""),
        );
        return;
    }
    if !declared.contains(&address) {
        let same_kind: Vec<String> = declared
            .iter()
            .filter(|a| a.kind == kind)
            .map(Address::to_string)
            .collect();
        let names: Vec<&str> = same_kind.iter().map(String::as_str).collect();
        let hint = match nearest(&target.value, &names) {
            Some(candidate) => format!("did you mean \"{candidate}\"?"),
            None if names.is_empty() => format!("the blueprint declares no {kind}; add [{address}]"),
            None => format!("declared: {}", names.join(", ")),
        };
        d.error(
            &target.span,
            format!("{owner}: field `{field}` refers to {address}, which is not declared"),
            hint,
        );
    }
}
