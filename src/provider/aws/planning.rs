//! Planning: the account check, discovery, reads, name checks and the notes a
//! plan carries. Makes no writes.

use std::collections::BTreeMap;

use futures::future::BoxFuture;
use futures::{FutureExt, StreamExt, TryStreamExt};

use super::*;

impl AwsProvider {
    /// Reads the caller's identity and stops unless it is in the blueprint's account.
    pub async fn check_account(&self) -> Result<Identity, PlanError> {
        let output = self
            .clients
            .sts
            .get_caller_identity()
            .send()
            .await
            .map_err(|e| error::classify("sts:GetCallerIdentity", "the caller", e))?;
        let identity = Identity {
            account: output.account.unwrap_or_default(),
            arn: output.arn.unwrap_or_default(),
        };
        if identity.account != self.blueprint.account {
            return Err(PlanError::WrongAccount {
                blueprint: self.blueprint.name.clone(),
                expected: self.blueprint.account.clone(),
                actual: identity.account,
            });
        }
        Ok(identity)
    }

    /// Returns the caller as an IAM principal ARN that a key policy can name, or
    /// `None` for a federated user, which no key policy can name.
    async fn caller_principal(&self, identity: &Identity) -> Result<Option<String>, PlanError> {
        let arn = &identity.arn;
        // An assumed-role session ARN drops the role's path, so read it from IAM.
        if let Some(rest) = arn.split(":assumed-role/").nth(1) {
            let role_name = rest.split('/').next().unwrap_or_default();
            let role = self
                .clients
                .iam
                .get_role()
                .role_name(role_name)
                .send()
                .await
                .map_err(|e| error::classify("iam:GetRole", "the caller", e))?;
            return Ok(role.role.map(|r| r.arn));
        }
        if arn.contains(":federated-user/") {
            return Ok(None);
        }
        Ok(Some(arn.replace(":sts::", ":iam::")))
    }

    /// Chooses the principal every key policy keeps as administrator: the
    /// blueprint's `apply_principal`, or else the caller. Also returns a warning
    /// when the caller is not that principal, because KMS then rejects the
    /// caller's key changes.
    async fn admin_principal(&self, identity: &Identity) -> Result<(String, Option<String>), PlanError> {
        let caller = self.caller_principal(identity).await?;
        match (&self.blueprint.apply_principal, caller) {
            (Some(principal), caller) if caller.as_ref() == Some(principal) => Ok((principal.clone(), None)),
            (Some(principal), _) => {
                let warning = format!(
                    "the caller {} is not the blueprint's apply_principal {principal}; key policies name only the apply principal as administrator, so KMS rejects this caller's key changes. Run apply as {principal}",
                    identity.arn
                );
                Ok((principal.clone(), Some(warning)))
            }
            (None, Some(caller)) => Ok((caller, None)),
            (None, None) => Err(PlanError::Conflict(format!(
                "the caller {} is a federated user, which a key policy cannot name; set apply_principal in [blueprint]",
                identity.arn
            ))),
        }
    }

    /// Reads the live account and computes the plan. Makes no writes.
    pub async fn plan(&self) -> Result<Snapshot, PlanError> {
        // The account check comes first: nothing is read from a wrong account.
        let identity = self.check_account().await?;
        let bp = &*self.blueprint;
        let (principal, found) = tokio::try_join!(self.admin_principal(&identity), async {
            Ok(discover::discover(&self.clients, &bp.name).await?)
        })?;
        let (admin_principal, principal_warning) = principal;

        // Every resource is read in one pool: reads need no ARN of another
        // resource, only the desired state does.
        let mut reads: Vec<BoxFuture<'_, Result<Option<Observed>, AwsError>>> = Vec::new();
        for (address, keys) in &found.keys {
            reads.extend(
                keys.iter()
                    .map(|k| key::read(&self.clients, address, &k.arn, k.tags.clone()).boxed()),
            );
        }
        for (address, buckets) in &found.buckets {
            for (name, tagged) in buckets {
                let keeps_name = bp.bucket(address).is_some_and(|b| &b.name == name);
                reads.push(bucket::read(&self.clients, address, name, tagged.tags.clone(), !keeps_name).boxed());
            }
        }
        for (address, connections) in &found.glue_connections {
            for (name, tagged) in connections {
                reads.push(glue::read(&self.clients, address, name, tagged.tags.clone()).boxed());
            }
        }
        if let Some(settings) = &bp.glue_catalog {
            reads.push(catalog::read(&self.clients, &settings.address, &bp.account).boxed());
        }
        for (address, profiles) in &found.sagemaker_user_profiles {
            reads.extend(
                profiles
                    .iter()
                    .map(|(id, tagged)| profile::read(&self.clients, address, id, tagged.tags.clone()).boxed()),
            );
        }
        for (address, domains) in &found.sagemaker_domains {
            for (id, tagged) in domains {
                // The teardown list is needed only when the plan may delete the domain.
                let check_teardown = bp.sagemaker_domain(address).is_none();
                reads.push(sagemaker::read(&self.clients, address, id, tagged.tags.clone(), check_teardown).boxed());
            }
        }
        for name in &found.roles {
            reads.push(
                async move {
                    // The real address comes from the role's tag once it is read;
                    // until then, errors name the role by its IAM name.
                    let scope = Address::new(Kind::Role, name.as_str());
                    Ok(role::read(&self.clients, &scope, name).await?.and_then(readdress))
                }
                .boxed(),
            );
        }
        let referenced = secrets::referenced(bp);
        let (read, secret_infos) =
            tokio::try_join!(self.run_reads(reads), secrets::describe(&self.clients, &referenced))?;
        let (keys, others): (Vec<Observed>, Vec<Observed>) =
            read.into_iter().partition(|o| o.address.kind == Kind::Key);

        let mut observed: BTreeMap<Address, Observed> = BTreeMap::new();
        for key in keys {
            let pending = is_pending_deletion(&key);
            // A key already pending deletion is on its way out unless the blueprint
            // still declares it, and a live key wins over one pending deletion.
            if pending && (bp.key(&key.address).is_none() || observed.contains_key(&key.address)) {
                continue;
            }
            if observed.get(&key.address).is_some_and(is_pending_deletion) {
                observed.insert(key.address.clone(), key);
                continue;
            }
            if let Some(other) = observed.get(&key.address) {
                return Err(PlanError::Conflict(format!(
                    "{}: two enabled keys carry this address ({} and {}); schedule one for deletion or remove its hipcloud tags",
                    key.address, other.cloud_id, key.cloud_id
                )));
            }
            observed.insert(key.address.clone(), key);
        }
        for item in others {
            if let Some(other) = observed.get(&item.address) {
                return Err(PlanError::Conflict(format!(
                    "{}: two resources carry this address ({} and {}); remove the hipcloud tags from the one that is not managed",
                    item.address, other.cloud_id, item.cloud_id
                )));
            }
            observed.insert(item.address.clone(), item);
        }
        let ctx = Context {
            account: bp.account.clone(),
            region: bp.region.clone(),
            partition: partition(&bp.region).into(),
            blueprint: bp.name.clone(),
            admin_principal,
            key_arns: observed
                .values()
                .filter(|o| o.address.kind == Kind::Key)
                .map(|k| (k.address.clone(), k.cloud_id.clone()))
                .collect(),
            domain_ids: observed
                .values()
                .filter(|o| o.address.kind == Kind::SageMakerDomain)
                .map(|d| (d.address.clone(), d.cloud_id.clone()))
                .collect(),
            created_roles: Default::default(),
            propagation: self.propagation,
            secrets: secret_infos,
        };

        let desired = self.desired_all(&ctx);
        self.check_names_free(&desired, &observed, &ctx).await?;
        let windows = bp
            .keys
            .iter()
            .map(|k| (k.address.clone(), k.deletion_window_days))
            .collect();
        let observed_list: Vec<Observed> = observed.values().cloned().collect();
        let mut changes = plan::changes(&desired, &observed_list, &windows);
        let mut notes = principal_warning
            .iter()
            .cloned()
            .chain(self.notes())
            .chain(secrets::notes(&ctx.secrets))
            .collect::<Vec<_>>();

        // A domain being replaced needs the same teardown list as one being
        // deleted; it is read only now, once the plan knows about the replacement.
        for change in changes
            .iter_mut()
            .filter(|c| c.address.kind == Kind::SageMakerDomain && c.action == plan::Action::Replace)
        {
            let dependents = sagemaker::dependents(&self.clients, &change.address, &change.cloud_id).await?;
            for guard in &mut change.guards {
                if let plan::Guard::DomainDeletion { dependents: listed, .. } = guard {
                    *listed = dependents.clone();
                }
            }
        }
        // Profiles this plan deletes itself (before the domain) are not in the
        // way; the rest of the teardown list is up to people.
        let deleted_profiles: Vec<String> = changes
            .iter()
            .filter(|c| c.address.kind == Kind::SageMakerUserProfile && c.action == plan::Action::Delete)
            .map(|c| c.cloud_id.clone())
            .collect();
        for change in changes.iter_mut().filter(|c| c.address.kind == Kind::SageMakerDomain) {
            let domain_id = change.cloud_id.clone();
            for guard in &mut change.guards {
                if let plan::Guard::DomainDeletion { dependents, .. } = guard {
                    dependents.retain(|d| {
                        let profile = d
                            .strip_prefix("user profile ")
                            .map(|name| profile::cloud_id(&domain_id, name));
                        profile.is_none_or(|p| !deleted_profiles.contains(&p))
                    });
                }
            }
        }
        for change in changes
            .iter()
            .filter(|c| c.address.kind == Kind::SageMakerDomain && c.action == plan::Action::Update)
        {
            if change
                .fields
                .iter()
                .any(|f| f.name == "app_network_access_type" || f.name == "subnet_ids")
            {
                notes.push(format!(
                    "{}: AWS changes a domain's network access type and subnets only while none of its apps runs; apply checks first and stops, naming the running apps.",
                    change.address
                ));
            }
        }
        let catalog_was_plain = observed.values().any(|o| {
            o.address.kind == Kind::GlueCatalog && o.field("encryption_mode").is_some_and(|m| m.value() == "DISABLED")
        });
        if catalog_was_plain && changes.iter().any(|c| c.address.kind == Kind::GlueCatalog) {
            notes.push(
                "glue_catalog.settings turns on Data Catalog encryption. Catalog objects written before stay unencrypted until they are written again, and every role that reads the catalog needs kms:Decrypt on the key (hipcloud grants it to roles with a `use` grant)."
                    .into(),
            );
        }

        let plan = Plan {
            blueprint: bp.name.clone(),
            env: bp.env.clone(),
            account: bp.account.clone(),
            region: bp.region.clone(),
            changes,
            notes,
            findings: Vec::new(),
            blueprint_file: bp.source.path.clone(),
        };
        *self.context.lock().expect("context lock") = Some(ctx);
        *self.observed.lock().expect("observed lock") = observed.clone();
        Ok(Snapshot {
            plan,
            desired: desired.into_iter().map(|d| (d.address.clone(), d)).collect(),
            observed,
            apply_principal_mismatch: principal_warning,
        })
    }

    async fn run_reads(
        &self,
        reads: Vec<BoxFuture<'_, Result<Option<Observed>, AwsError>>>,
    ) -> Result<Vec<Observed>, AwsError> {
        let results: Vec<Option<Observed>> = futures::stream::iter(reads)
            .buffer_unordered(self.read_concurrency.max(1))
            .try_collect()
            .await?;
        Ok(results.into_iter().flatten().collect())
    }

    /// Stops the plan when a resource it would create already exists without
    /// this blueprint's tags: hipcloud never takes over an untagged resource.
    /// The lookups for different resources run concurrently.
    async fn check_names_free(
        &self,
        desired: &[Desired],
        observed: &BTreeMap<Address, Observed>,
        ctx: &Context,
    ) -> Result<(), PlanError> {
        let new = desired.iter().filter(|d| !observed.contains_key(&d.address));
        let lookups = new.map(|d| async move {
            // Renaming a bucket's or role's address while keeping its cloud name
            // would create the new address before deleting the old one, which
            // cannot work. Key aliases follow the address, so keys never clash.
            let same_name = |o: &&Observed| o.address.kind == d.address.kind && o.address.kind != Kind::Key && o.cloud_id == d.cloud_name;
            if let Some(owner) = observed.values().find(same_name) {
                return Err(PlanError::Conflict(format!(
                    "{}: {} {:?} belongs to {} of this blueprint; renaming an address replaces the resource, so keep the old address or give the new one another name",
                    d.address, d.address.kind, d.cloud_name, owner.address
                )));
            }
            let taken = match d.address.kind {
                Kind::Bucket => bucket::name_taken(&self.clients, &d.address, &d.cloud_name).await?,
                Kind::Role => {
                    let role = self.clients.iam.get_role().role_name(&d.cloud_name).send().await;
                    let role = role.map_err(|e| error::classify("iam:GetRole", &d.address, e));
                    error::OrAbsent::or_absent(role)?.is_some()
                }
                // The catalog settings always exist, so they are never created.
                Kind::GlueCatalog => false,
                Kind::SageMakerUserProfile => {
                    // A profile in a domain that does not exist yet cannot exist either.
                    let (domain_id, name) = d.cloud_name.split_once('/').unwrap_or_default();
                    if domain_id.starts_with("(known after apply") {
                        false
                    } else {
                        let found = self.clients.sagemaker.describe_user_profile().domain_id(domain_id).user_profile_name(name).send().await;
                        let found = found.map_err(|e| error::classify("sagemaker:DescribeUserProfile", &d.address, e));
                        error::OrAbsent::or_absent(found)?.is_some()
                    }
                }
                Kind::SageMakerDomain => {
                    let mut taken = false;
                    let mut pages = self.clients.sagemaker.list_domains().into_paginator().send();
                    while let Some(page) = pages.next().await {
                        let page = page.map_err(|e| error::classify("sagemaker:ListDomains", &d.address, e))?;
                        taken |= page.domains().iter().any(|domain| domain.domain_name() == Some(d.cloud_name.as_str()));
                    }
                    taken
                }
                Kind::GlueConnection => {
                    let connection = self.clients.glue.get_connection().name(&d.cloud_name).hide_password(true).send().await;
                    let connection = connection.map_err(|e| error::classify("glue:GetConnection", &d.address, e));
                    error::OrAbsent::or_absent(connection)?.is_some()
                }
                Kind::Key => {
                    let alias = self.clients.kms.describe_key().key_id(ctx.alias(&d.address)).send().await;
                    let alias = alias.map_err(|e| error::classify("kms:DescribeKey", &d.address, e));
                    error::OrAbsent::or_absent(alias)?.is_some()
                }
            };
            if !taken {
                return Ok(());
            }
            let fix = match d.address.kind {
                Kind::Role => format!(
                    "rename it in the blueprint, or delete the existing role: hipcloud manages only roles under the path {}",
                    ctx.role_path()
                ),
                _ => format!(
                    "rename it in the blueprint, or adopt the existing resource by tagging it {TAG_BLUEPRINT} = {:?} and {TAG_ADDRESS} = {:?}",
                    self.blueprint.name,
                    d.address.to_string()
                ),
            };
            Err(PlanError::Conflict(format!(
                "{}: {} {:?} already exists but is not tagged as part of blueprint {}; {fix}",
                d.address, d.address.kind, d.cloud_name, self.blueprint.name
            )))
        });
        futures::future::try_join_all(lookups).await?;
        Ok(())
    }

    fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        for bucket in self
            .blueprint
            .buckets
            .iter()
            .filter(|b| b.purpose == BucketPurpose::AccessLogs)
        {
            notes.push(format!(
                "{} uses SSE-S3, not a blueprint key: S3 delivers server access logs only to SSE-S3 buckets. Its logs record requesters and object keys, which can themselves be PHI, so it keeps every other protection.",
                bucket.address
            ));
        }
        notes.push("Account prerequisites hipcloud does not manage: a signed BAA, CloudTrail S3 data events for PHI buckets, and the account-level S3 public access block.".into());
        notes
    }
}

fn is_pending_deletion(key: &Observed) -> bool {
    key.field("key_state")
        .is_some_and(|state| state.value().as_str().is_some_and(|s| s.starts_with("Pending")))
}

/// The ARN partition of a region.
pub(super) fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// Takes a role's address from its ownership tag. A role under the blueprint's
/// path without the tag is not managed and is left alone.
fn readdress(mut observed: Observed) -> Option<Observed> {
    let address = observed
        .tags
        .get(TAG_ADDRESS)
        .and_then(|a| Address::parse(a))
        .filter(|a| a.kind == Kind::Role);
    match address {
        Some(address) => {
            observed.address = address;
            Some(observed)
        }
        None => {
            tracing::warn!(
                role = observed.cloud_id,
                "role under the blueprint's path has no {TAG_ADDRESS} tag; left alone"
            );
            None
        }
    }
}
