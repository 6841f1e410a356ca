//! The AWS provider: KMS keys, S3 buckets, IAM roles, Glue connections and
//! catalog settings, and SageMaker domains and user profiles, read and written
//! with the AWS SDK for Rust. Planning lives in `planning`, apply's steps in
//! `steps`, and each resource kind in a file of its own.

mod bucket;
mod catalog;
pub mod clients;
mod context;
mod discover;
pub mod documents;
pub mod error;
mod glue;
mod key;
mod planning;
pub mod profile;
pub mod retry;
mod role;
pub mod sagemaker;
mod secrets;
mod steps;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub use clients::{CallCounter, Clients};
pub use context::Context;
pub use error::{AwsError, ErrorKind};

use super::{Need, Provider, ProviderError};
use crate::address::{Address, Kind};
use crate::blueprint::{Blueprint, BucketPurpose, PrincipalRef};
use crate::plan::{self, Action, Change, Plan};
use crate::state::{Desired, Observed, TAG_ADDRESS, TAG_APPLIED_AT, TAG_BLUEPRINT, TAG_DIGEST, TAG_PROTECT};

/// Why a plan could not be made. Nothing in the account was changed.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    /// The credentials belong to another account than the blueprint names.
    #[error("the credentials are for account {actual}, but the blueprint {blueprint} targets account {expected}")]
    WrongAccount {
        blueprint: String,
        expected: String,
        actual: String,
    },
    /// An AWS read failed; a failed read never counts as "absent".
    #[error(transparent)]
    Aws(#[from] AwsError),
    /// The live account is in a state hipcloud will not guess about.
    #[error("{0}")]
    Conflict(String),
}

/// The caller's identity from STS.
#[derive(Clone, Debug)]
pub struct Identity {
    pub account: String,
    pub arn: String,
}

/// A plan with the desired and observed state it was computed from.
#[derive(Debug)]
pub struct Snapshot {
    pub plan: Plan,
    pub desired: BTreeMap<Address, Desired>,
    pub observed: BTreeMap<Address, Observed>,
    /// Set when the caller is not the blueprint's `apply_principal`: apply must
    /// not change keys, because KMS would reject the calls part way.
    pub apply_principal_mismatch: Option<String>,
}

pub struct AwsProvider {
    pub clients: Clients,
    blueprint: Arc<Blueprint>,
    context: Mutex<Option<Context>>,
    observed: Mutex<BTreeMap<Address, Observed>>,
    /// Facts an apply must report, such as the home EFS volume a deleted
    /// domain left behind.
    notices: Mutex<Vec<String>>,
    pub domain_waiting: sagemaker::Waiting,
    /// How many reads run at once.
    pub read_concurrency: usize,
    pub propagation: retry::Propagation,
}

impl AwsProvider {
    pub fn new(clients: Clients, blueprint: Arc<Blueprint>) -> Self {
        AwsProvider {
            clients,
            blueprint,
            context: Mutex::new(None),
            observed: Mutex::new(BTreeMap::new()),
            notices: Mutex::new(Vec::new()),
            domain_waiting: sagemaker::Waiting::default(),
            read_concurrency: 10,
            propagation: retry::Propagation::default(),
        }
    }

    pub fn blueprint(&self) -> &Blueprint {
        &self.blueprint
    }

    /// The facts the last apply must report.
    pub fn notices(&self) -> Vec<String> {
        self.notices.lock().map(|n| n.clone()).unwrap_or_default()
    }

    /// The desired state of every blueprint resource under `ctx`.
    fn desired_all(&self, ctx: &Context) -> Vec<Desired> {
        desired_all(&self.blueprint, ctx)
    }

    /// The desired state of one blueprint resource under `ctx`.
    fn desired_for(&self, address: &Address, ctx: &Context) -> Option<Desired> {
        desired_for(&self.blueprint, address, ctx)
    }

    /// The desired state of one resource under the current apply context, which
    /// knows the ARNs of resources created so far in this run.
    fn desired_now(&self, address: &Address) -> Option<Desired> {
        let ctx = self.context.lock().ok()?.clone()?;
        self.desired_for(address, &ctx)
    }

    fn context(&self) -> Result<Context, ProviderError> {
        self.context
            .lock()
            .ok()
            .and_then(|c| c.clone())
            .ok_or_else(|| "apply ran before plan".into())
    }

    fn observed(&self, address: &Address) -> Option<Observed> {
        self.observed.lock().ok()?.get(address).cloned()
    }
}

/// Builds the desired state without any cloud call, for the checks `validate`
/// runs. Account facts come from the blueprint, and ARNs that exist only after
/// apply are placeholders.
pub fn offline_desired(bp: &Blueprint) -> BTreeMap<Address, Desired> {
    let ctx = Context {
        account: bp.account.clone(),
        region: bp.region.clone(),
        partition: planning::partition(&bp.region).into(),
        blueprint: bp.name.clone(),
        admin_principal: bp
            .apply_principal
            .clone()
            .unwrap_or_else(|| "(the principal that applies)".into()),
        key_arns: BTreeMap::new(),
        domain_ids: BTreeMap::new(),
        created_roles: Default::default(),
        propagation: retry::Propagation::default(),
        secrets: BTreeMap::new(),
    };
    desired_all(bp, &ctx)
        .into_iter()
        .map(|d| (d.address.clone(), d))
        .collect()
}

fn tags(
    bp: &Blueprint,
    address: &Address,
    resource_tags: &BTreeMap<String, String>,
    protect: bool,
) -> BTreeMap<String, String> {
    let mut tags = bp.tags.clone();
    tags.extend(resource_tags.clone());
    tags.insert(TAG_BLUEPRINT.into(), bp.name.clone());
    tags.insert(TAG_ADDRESS.into(), address.to_string());
    if protect {
        tags.insert(TAG_PROTECT.into(), "true".into());
    }
    tags
}

fn desired_all(bp: &Blueprint, ctx: &Context) -> Vec<Desired> {
    bp.addresses()
        .iter()
        .filter_map(|address| desired_for(bp, address, ctx))
        .collect()
}

fn desired_for(bp: &Blueprint, address: &Address, ctx: &Context) -> Option<Desired> {
    match address.kind {
        Kind::Key => bp
            .key(address)
            .map(|k| key::desired(bp, k, ctx, tags(bp, address, &k.tags, k.protect))),
        Kind::Bucket => bp
            .bucket(address)
            .map(|b| bucket::desired(bp, b, ctx, tags(bp, address, &b.tags, b.protect))),
        Kind::Role => bp
            .role(address)
            .map(|r| role::desired(bp, r, ctx, tags(bp, address, &r.tags, false))),
        Kind::GlueConnection => bp
            .glue_connection(address)
            .map(|c| glue::desired(bp, c, ctx, tags(bp, address, &c.tags, false))),
        Kind::GlueCatalog => bp.glue_catalog.as_ref().map(|c| catalog::desired(c, ctx)),
        Kind::SageMakerDomain => bp
            .sagemaker_domain(address)
            .map(|d| sagemaker::desired(bp, d, ctx, tags(bp, address, &d.tags, d.protect))),
        Kind::SageMakerUserProfile => bp
            .sagemaker_user_profile(address)
            .map(|p| profile::desired(bp, p, ctx, tags(bp, address, &p.tags, false))),
    }
}
