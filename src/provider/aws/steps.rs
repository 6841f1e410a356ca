//! The steps apply runs: create, configure and delete for each resource kind,
//! and the tag write that records the applied digest.

use std::collections::BTreeMap;

use super::*;

impl AwsProvider {
    async fn write_tags(
        &self,
        desired: &Desired,
        cloud_id: &str,
        live: &BTreeMap<String, String>,
        ctx: &Context,
    ) -> Result<(), AwsError> {
        let mut tags = desired.tags.clone();
        tags.insert(TAG_DIGEST.into(), desired.digest());
        // Whole seconds: enough to tell applies apart, and shorter in reports.
        let now = aws_smithy_types::DateTime::from(std::time::SystemTime::now()).secs();
        if let Ok(stamp) = aws_smithy_types::DateTime::from_secs(now).fmt(aws_smithy_types::date_time::Format::DateTime)
        {
            tags.insert(TAG_APPLIED_AT.into(), stamp);
        }
        let address = &desired.address;
        match address.kind {
            Kind::Key => key::set_tags(&self.clients, address, cloud_id, live, &tags).await,
            Kind::Bucket => bucket::set_tags(&self.clients, address, cloud_id, &tags).await,
            Kind::Role => role::set_tags(&self.clients, address, cloud_id, live, &tags).await,
            Kind::GlueConnection => {
                glue::set_tags(&self.clients, address, &ctx.glue_connection_arn(cloud_id), live, &tags).await
            }
            // Account settings carry no tags.
            Kind::GlueCatalog => Ok(()),
            Kind::SageMakerDomain => {
                sagemaker::set_tags(&self.clients, address, &ctx.sagemaker_domain_arn(cloud_id), live, &tags).await
            }
            Kind::SageMakerUserProfile => {
                sagemaker::set_tags(&self.clients, address, &profile::arn(ctx, cloud_id), live, &tags).await
            }
        }
    }

    async fn delete_observed(&self, observed: &Observed, allow_data_loss: bool) -> Result<(), AwsError> {
        let address = &observed.address;
        match address.kind {
            Kind::Key => {
                let window = self.blueprint.key(address).map_or(30, |k| k.deletion_window_days);
                key::delete(&self.clients, address, &observed.cloud_id, window).await
            }
            Kind::Bucket => bucket::delete(&self.clients, address, &observed.cloud_id, allow_data_loss).await,
            Kind::Role => role::delete(&self.clients, address, &observed.cloud_id).await,
            Kind::GlueConnection => glue::delete(&self.clients, address, &observed.cloud_id).await,
            // Only read when the blueprint declares them, so never planned for deletion.
            Kind::GlueCatalog => Ok(()),
            Kind::SageMakerUserProfile => profile::delete(&self.clients, address, &observed.cloud_id).await,
            Kind::SageMakerDomain => {
                let kept =
                    sagemaker::delete(&self.clients, address, &observed.cloud_id, observed.home_efs.as_deref()).await?;
                if let (Some(efs), Ok(mut notices)) = (kept, self.notices.lock()) {
                    notices.push(format!(
                        "{address}: the home EFS volume {efs} was kept. It holds the users' files, possibly PHI, still encrypted under the domain's key: keep that key until the volume is deleted."
                    ));
                }
                Ok(())
            }
        }
    }
}

impl Provider for AwsProvider {
    fn creates_with_references(&self, address: &Address) -> bool {
        matches!(
            address.kind,
            Kind::SageMakerDomain | Kind::SageMakerUserProfile | Kind::GlueConnection
        )
    }

    fn dependencies(&self, address: &Address) -> Vec<(Address, Need)> {
        let bp = &*self.blueprint;
        let mut deps = Vec::new();
        match address.kind {
            Kind::Key => {
                if let Some(key) = bp.key(address) {
                    deps.extend(key.administrators.iter().filter_map(|a| match a {
                        PrincipalRef::Role(role) => Some((role.clone(), Need::Exists)),
                        PrincipalRef::Arn(_) => None,
                    }));
                }
                let ctx = self.context.lock().ok().and_then(|c| c.clone());
                let key_arn = ctx.as_ref().and_then(|c| c.key_arns.get(address).cloned());
                for role in &bp.roles {
                    let uses_key = documents::key_uses(bp, role).iter().any(|u| &u.key == address);
                    let reads_secret_under_key = ctx.as_ref().is_some_and(|c| {
                        documents::secret_reads(bp, role)
                            .iter()
                            .any(|s| key_arn.is_some() && c.secret_key_arn(s) == key_arn)
                    });
                    if uses_key || reads_secret_under_key {
                        deps.push((role.address.clone(), Need::Exists));
                    }
                }
            }
            Kind::Bucket => {
                if let Some(bucket) = bp.bucket(address) {
                    deps.extend(bucket.key.iter().map(|k| (k.clone(), Need::Exists)));
                    deps.extend(bucket.access_logs.iter().map(|b| (b.clone(), Need::Configured)));
                }
            }
            Kind::Role => {
                if let Some(role) = bp.role(address) {
                    deps.extend(documents::key_uses(bp, role).into_iter().map(|u| (u.key, Need::Exists)));
                }
            }
            // A connection lives in the Data Catalog: once the catalog is encrypted,
            // Glue needs the key policy to admit the caller before it can write.
            Kind::GlueConnection => {
                if let Some(settings) = &bp.glue_catalog {
                    deps.push((settings.address.clone(), Need::Configured));
                }
            }
            Kind::SageMakerUserProfile => {
                if let Some(profile) = bp.sagemaker_user_profile(address) {
                    deps.push((profile.domain.clone(), Need::Exists));
                    deps.extend(profile.execution_role.iter().map(|r| (r.clone(), Need::Exists)));
                }
            }
            Kind::SageMakerDomain => {
                if let Some(domain) = bp.sagemaker_domain(address) {
                    // The key policy must admit SageMaker's use of the key first.
                    deps.push((domain.key.clone(), Need::Configured));
                    deps.push((domain.execution_role.clone(), Need::Exists));
                }
            }
            // The key policy must admit Glue use before the catalog switches to the key.
            Kind::GlueCatalog => {
                if let Some(settings) = &bp.glue_catalog {
                    deps.push((settings.key.clone(), Need::Configured));
                }
            }
        }
        deps
    }

    async fn create(&self, change: &Change, allow_data_loss: bool) -> Result<(), ProviderError> {
        if change.action == Action::Replace {
            if let Some(old) = self.observed(&change.address) {
                self.delete_observed(&old, allow_data_loss).await?;
            }
        }
        let ctx = self.context()?;
        let desired = self
            .desired_now(&change.address)
            .ok_or("no desired state for the address")?;
        match change.address.kind {
            Kind::Key => {
                let arn = key::create(&self.clients, &desired, &ctx).await?;
                if let Ok(mut guard) = self.context.lock() {
                    if let Some(c) = guard.as_mut() {
                        c.key_arns.insert(change.address.clone(), arn);
                    }
                }
            }
            Kind::Bucket => {
                bucket::create(&self.clients, &desired, &ctx).await?;
            }
            Kind::Role => {
                let arn = role::create(&self.clients, &desired, &ctx).await?;
                if let Ok(mut guard) = self.context.lock() {
                    if let Some(c) = guard.as_mut() {
                        c.created_roles.insert(arn);
                    }
                }
            }
            Kind::GlueConnection => {
                glue::create(&self.clients, &desired).await?;
            }
            // Never created: the catalog's settings always exist and are updated.
            Kind::GlueCatalog => {}
            Kind::SageMakerUserProfile => profile::create(&self.clients, &desired).await?,
            Kind::SageMakerDomain => {
                let id = sagemaker::create(&self.clients, &desired, self.domain_waiting).await?;
                if let Ok(mut guard) = self.context.lock() {
                    if let Some(c) = guard.as_mut() {
                        c.domain_ids.insert(change.address.clone(), id);
                    }
                }
            }
        }
        Ok(())
    }

    async fn configure(&self, change: &Change) -> Result<(), ProviderError> {
        let ctx = self.context()?;
        let desired = self
            .desired_now(&change.address)
            .ok_or("no desired state for the address")?;
        let created = matches!(change.action, Action::Create | Action::Replace);
        let observed = if created { None } else { self.observed(&change.address) };
        let fields: Vec<String> = if created {
            let set_by_create = match change.address.kind {
                Kind::Key => key::SET_BY_CREATE,
                Kind::Bucket => bucket::SET_BY_CREATE,
                Kind::Role => role::SET_BY_CREATE,
                Kind::GlueConnection => glue::SET_BY_CREATE,
                Kind::GlueCatalog => &[],
                Kind::SageMakerDomain => sagemaker::SET_BY_CREATE,
                Kind::SageMakerUserProfile => profile::SET_BY_CREATE,
            };
            desired
                .fields
                .iter()
                .map(|(name, _)| name.clone())
                .filter(|name| !set_by_create.contains(&name.as_str()))
                .collect()
        } else {
            change.fields.iter().map(|f| f.name.clone()).collect()
        };
        let cloud_id = match change.address.kind {
            Kind::Key => ctx
                .key_arns
                .get(&change.address)
                .cloned()
                .ok_or("the key's ARN is unknown")?,
            Kind::SageMakerDomain => ctx
                .domain_ids
                .get(&change.address)
                .cloned()
                .ok_or("the domain's id is unknown")?,
            _ => desired.cloud_name.clone(),
        };
        match change.address.kind {
            Kind::Key => key::configure(&self.clients, &desired, &cloud_id, &fields, &ctx).await?,
            Kind::Bucket => bucket::configure(&self.clients, &desired, &fields, &ctx).await?,
            Kind::Role => role::configure(&self.clients, &desired, &fields, observed.as_ref(), &ctx).await?,
            Kind::GlueConnection => glue::configure(&self.clients, &desired, &fields).await?,
            Kind::GlueCatalog => catalog::configure(&self.clients, &desired, &ctx).await?,
            Kind::SageMakerDomain => sagemaker::configure(&self.clients, &desired, &cloud_id, &fields).await?,
            Kind::SageMakerUserProfile => profile::configure(&self.clients, &desired, &fields).await?,
        }
        let live_tags = if created {
            desired.tags.clone()
        } else {
            observed.map(|o| o.tags).unwrap_or_default()
        };
        self.write_tags(&desired, &cloud_id, &live_tags, &ctx).await?;
        Ok(())
    }

    async fn delete(&self, change: &Change, allow_data_loss: bool) -> Result<(), ProviderError> {
        let observed = self
            .observed(&change.address)
            .ok_or("the resource was not read by the plan")?;
        self.delete_observed(&observed, allow_data_loss).await?;
        Ok(())
    }
}
