//! Checks across resources: dangling references, references to the wrong kind,
//! duplicate cloud names, logging cycles, SageMaker execution roles and network
//! conditions for roles that people assume.

use std::collections::{BTreeMap, BTreeSet};

use super::diagnostic::Diagnostics;
use super::fields::{nearest, Spanned};
use super::load::Refs;
use super::spec::*;
use crate::address::{Address, Kind};

/// Cross-resource checks: dangling references, wrong kinds, duplicate cloud
/// names, logging cycles and network conditions for people's roles.
pub(super) struct References<'a> {
    pub(super) keys: &'a [(KeySpec, Refs)],
    pub(super) buckets: &'a [(BucketSpec, Refs)],
    pub(super) roles: &'a [(RoleSpec, Refs)],
    pub(super) connections: &'a [(GlueConnectionSpec, Refs)],
    pub(super) catalog: Option<&'a (GlueCatalogSpec, Refs)>,
    pub(super) domains: &'a [(SageMakerDomainSpec, Refs)],
    pub(super) profiles: &'a [(SageMakerUserProfileSpec, Refs)],
}

impl References<'_> {
    pub(super) fn check(&self, blueprint: &Blueprint, d: &mut Diagnostics) {
        // Every table the file has counts as declared, even one with errors of its
        // own, so a broken table does not also make its references dangle.
        let declared: BTreeSet<Address> = blueprint
            .addresses()
            .into_iter()
            .chain(blueprint.spans.keys().cloned())
            .collect();
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
        for role in blueprint.roles.iter().filter(|r| r.trust.is_for_people()) {
            // Database credentials belong to the service roles of jobs, not to
            // sessions people open, which would carry them to any laptop.
            if !role.secrets.is_empty() || role.grants.iter().any(|g| g.permission == Permission::Use) {
                let span = blueprint.spans.get(&role.address).cloned().unwrap_or(0..0);
                d.error(
                    &span,
                    format!(
                        "{}: people assume this role, but it may read secrets or use a Glue connection's credentials",
                        role.address
                    ),
                    "give secret reads and `use` grants to a role that a service (Glue, SageMaker) assumes",
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
        for (domain, _) in self.domains {
            if let Some(first) = seen.insert(domain.name.clone(), &domain.address) {
                let span = blueprint.spans.get(&domain.address).cloned().unwrap_or(0..0);
                d.error(
                    &span,
                    format!(
                        "{}: domain name {:?} is already used by {first}",
                        domain.address, domain.name
                    ),
                    "give each domain its own `name`",
                );
            }
        }
        let mut seen: BTreeMap<(Address, String), &Address> = BTreeMap::new();
        for (profile, _) in self.profiles {
            if let Some(first) = seen.insert((profile.domain.clone(), profile.name.clone()), &profile.address) {
                let span = blueprint.spans.get(&profile.address).cloned().unwrap_or(0..0);
                d.error(
                    &span,
                    format!(
                        "{}: user profile name {:?} is already used by {first} in {}",
                        profile.address, profile.name, profile.domain
                    ),
                    "give each person's profile its own `name`",
                );
            }
        }
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
