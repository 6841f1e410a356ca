//! The boundary between the cloud-neutral engine and a cloud. A provider reads
//! the live account into `Observed` state, turns the blueprint into `Desired`
//! state, and carries out the executor's steps. AWS is the first provider;
//! Azure role definitions and assignments plug in behind the same trait.

pub mod aws;

use std::future::Future;

use crate::address::Address;
use crate::plan::Change;

pub type ProviderError = Box<dyn std::error::Error + Send + Sync>;

/// What a step needs of a resource it refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    /// The referenced resource must exist (its ARN goes into a policy).
    Exists,
    /// The referenced resource must be fully configured (an access-log target's
    /// policy must admit log delivery before logging is turned on).
    Configured,
}

pub trait Provider: Send + Sync {
    /// The resources `address` refers to, and what it needs of each.
    fn dependencies(&self, address: &Address) -> Vec<(Address, Need)>;

    /// True when creating `address` already needs what it refers to, because the
    /// create call sets fields that cannot change later (a domain's key). Such a
    /// resource's create step waits for its dependencies; others wait only in
    /// their configure step, which keeps mutual references (a key policy naming
    /// a role whose policy names the key) free of cycles.
    fn creates_with_references(&self, address: &Address) -> bool;

    /// Makes the resource exist: deletes the old one first for a replacement,
    /// then creates it with its ownership tags.
    fn create(&self, change: &Change, allow_data_loss: bool) -> impl Future<Output = Result<(), ProviderError>> + Send;

    /// Sets the changed fields (every field after a create), then the digest tag.
    fn configure(&self, change: &Change) -> impl Future<Output = Result<(), ProviderError>> + Send;

    /// Deletes a resource removed from the blueprint.
    fn delete(&self, change: &Change, allow_data_loss: bool) -> impl Future<Output = Result<(), ProviderError>> + Send;
}
