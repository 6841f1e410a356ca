//! Reads `[sagemaker_domain.NAME]` tables: SageMaker Studio domains that are
//! always `VpcOnly`, with the home EFS volume under a blueprint key.

use std::ops::Range;

use super::fields::{Fields, Spanned};
use super::load::{Reader, Refs};
use super::rules;
use super::spec::{Network, SageMakerDomainSpec, SageMakerUserProfileSpec};
use crate::address::{Address, Kind};

pub(super) const FIELDS: &[&str] = &[
    "name",
    "vpc_id",
    "subnet_ids",
    "security_group_ids",
    "key",
    "auth_mode",
    "execution_role",
    "protect",
    "tags",
];

pub(super) const PROFILE_FIELDS: &[&str] = &["name", "domain", "execution_role", "tags"];

impl Reader<'_> {
    pub(super) fn sagemaker_user_profile(
        &mut self,
        address: &Address,
        f: &Fields,
        span: &Range<usize>,
    ) -> Option<(SageMakerUserProfileSpec, Refs)> {
        let context = address.to_string();
        let name = f
            .string("name", self.d)
            .unwrap_or_else(|| Spanned::new(address.name.replace('_', "-"), span.clone()));
        self.check(&Some(name.clone()), &context, "name", rules::sagemaker_domain_name);
        let mut refs = Refs { fields: Vec::new() };
        let domain = f.required_string("domain", span, "add domain = \"sagemaker_domain.NAME\"", self.d)?;
        refs.fields.push(("domain", domain.clone(), Kind::SageMakerDomain));
        let role = f.string("execution_role", self.d);
        if let Some(role) = &role {
            refs.fields.push(("execution_role", role.clone(), Kind::Role));
        }
        let spec = SageMakerUserProfileSpec {
            address: address.clone(),
            name: name.value,
            // An unparsable reference was reported by the reference checks; the
            // profile stays, so the blueprint cannot pass without it.
            domain: Address::parse(&domain.value).unwrap_or_else(|| Address::new(Kind::SageMakerDomain, "")),
            execution_role: role.and_then(|r| Address::parse(&r.value)),
            tags: self.tags(f),
        };
        Some((spec, refs))
    }

    pub(super) fn sagemaker_domain(
        &mut self,
        blueprint: &str,
        network: &Network,
        address: &Address,
        f: &Fields,
        span: &Range<usize>,
    ) -> Option<(SageMakerDomainSpec, Refs)> {
        let context = address.to_string();
        let name = self.cloud_name(f, blueprint, address, span, rules::sagemaker_domain_name);

        let vpc = f.string("vpc_id", self.d);
        self.check(&vpc, &context, "vpc_id", rules::vpc_id);
        let vpc_id = vpc.map(|v| v.value).or_else(|| network.vpc_id.clone());
        if vpc_id.is_none() {
            self.d.error(
                span,
                format!("{context}: no VPC: the domain has no `vpc_id` and [network] has none"),
                "set vpc_id on the domain or in [network]; a PHI domain is always VpcOnly",
            );
        }
        let subnets = self.id_list(
            f,
            &context,
            "subnet_ids",
            rules::subnet_id,
            &network.private_subnet_ids,
            span,
            "private_subnet_ids",
        );
        let groups = self.id_list(
            f,
            &context,
            "security_group_ids",
            rules::security_group_id,
            &network.security_group_ids,
            span,
            "security_group_ids",
        );

        let mut refs = Refs { fields: Vec::new() };
        let key = f.required_string(
            "key",
            span,
            "add key = \"key.NAME\": the blueprint key for the domain's home EFS volume",
            self.d,
        );
        if let Some(key) = &key {
            refs.fields.push(("key", key.clone(), Kind::Key));
        }
        let role = f.required_string(
            "execution_role",
            span,
            "add execution_role = \"role.NAME\", a blueprint role that SageMaker assumes",
            self.d,
        );
        if let Some(role) = &role {
            refs.fields.push(("execution_role", role.clone(), Kind::Role));
        }
        let auth_mode = match f.string("auth_mode", self.d) {
            None => "IAM".to_string(),
            Some(mode) if mode.value == "IAM" || mode.value == "SSO" => mode.value,
            Some(mode) => {
                self.d.error(
                    &mode.span,
                    format!("{context}: field `auth_mode` is {:?}", mode.value),
                    "write auth_mode = \"SSO\" (IAM Identity Center, preferred) or \"IAM\"",
                );
                "IAM".to_string()
            }
        };

        let spec = SageMakerDomainSpec {
            address: address.clone(),
            name: name.value,
            // A missing VPC was reported above; the other checks still run.
            vpc_id: vpc_id.unwrap_or_default(),
            subnet_ids: subnets,
            security_group_ids: groups,
            // Unparsable references were reported by the reference checks; the
            // domain stays, so the blueprint cannot pass without it.
            key: Address::parse(&key?.value).unwrap_or_else(|| Address::new(Kind::Key, "")),
            auth_mode,
            execution_role: Address::parse(&role?.value).unwrap_or_else(|| Address::new(Kind::Role, "")),
            protect: f.bool("protect", self.d).is_some_and(|p| p.value),
            tags: self.tags(f),
        };
        Some((spec, refs))
    }

    /// Reads a list of EC2 ids that falls back to a `[network]` list, and must
    /// not end up empty.
    #[allow(clippy::too_many_arguments)]
    fn id_list(
        &mut self,
        f: &Fields,
        context: &str,
        field: &str,
        rule: fn(&str) -> Result<(), rules::Invalid>,
        fallback: &[String],
        span: &Range<usize>,
        network_field: &str,
    ) -> Vec<String> {
        let ids: Vec<String> = match f.string_list(field, self.d) {
            Some(ids) => {
                for id in &ids {
                    self.check(&Some(id.clone()), context, field, rule);
                }
                ids.into_iter().map(|id| id.value).collect()
            }
            None => fallback.to_vec(),
        };
        if ids.is_empty() {
            self.d.error(
                span,
                format!("{context}: no `{field}`: the domain sets none and [network] has no `{network_field}`"),
                format!("set {field} on the domain or {network_field} in [network]"),
            );
        }
        ids
    }
}
