//! Reads a blueprint file: TOML syntax, environment overrides, typed fields,
//! value rules and references. Every problem is collected before returning.

use std::collections::BTreeMap;
use std::ops::Range;

use super::diagnostic::{Diagnostic, Diagnostics, Source};
use super::fields::{Fields, Spanned};
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
    "waiver",
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
    let waivers = reader.waivers(&top);
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
        waivers,
        spans,
    };
    let references = super::references::References {
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
                Kind::Role => super::role::ROLE_FIELDS,
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
        let name = self.cloud_name(f, blueprint, address, span, rules::bucket_name);
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

    /// Reads `name`, or derives `BLUEPRINT-NAME` (underscores as hyphens) when
    /// it is absent, and checks it with `rule`. A derived name that fails says so,
    /// because the user never wrote it.
    pub(super) fn cloud_name(
        &mut self,
        f: &Fields,
        blueprint: &str,
        address: &Address,
        span: &Range<usize>,
        rule: impl Fn(&str) -> Result<(), rules::Invalid>,
    ) -> Spanned<String> {
        if let Some(name) = f.string("name", self.d) {
            self.check(&Some(name.clone()), &address.to_string(), "name", rule);
            return name;
        }
        let derived = format!("{blueprint}-{}", address.name.replace('_', "-"));
        if let Err((problem, _)) = rule(&derived) {
            self.d.error(
                span,
                format!("{address}: the name derived from the blueprint and the address is invalid: {problem}"),
                "set `name` explicitly",
            );
        }
        Spanned::new(derived, span.clone())
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
