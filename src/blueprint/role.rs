//! Reads `[role.NAME]` tables: who may assume the role (`assumed_by`) and what
//! it may do (`grants`).

use std::ops::Range;

use super::fields::Fields;
use super::load::{Reader, Refs};
use super::node::{Table, Value};
use super::rules;
use super::spec::*;
use crate::address::{Address, Kind};

pub(super) const ROLE_FIELDS: &[&str] = &[
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

impl Reader<'_> {
    pub(super) fn role(
        &mut self,
        blueprint: &str,
        address: &Address,
        f: &Fields,
        span: &Range<usize>,
    ) -> Option<(RoleSpec, Refs)> {
        let context = address.to_string();
        let name = self.cloud_name(f, blueprint, address, span, rules::role_name);
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
}
