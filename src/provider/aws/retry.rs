//! Bounded retry for one AWS race: a policy that names a role created moments
//! ago can be rejected as naming an invalid principal until IAM propagates the
//! role. Throttling and 5xx retries are the SDK's own (see `clients`).

use std::future::Future;
use std::time::Duration;

use super::context::Context;
use super::error::{AwsError, ErrorKind};
use crate::address::Address;

/// How long to keep retrying a policy that names a role created in this run.
#[derive(Clone, Copy, Debug)]
pub struct Propagation {
    pub attempts: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
}

impl Default for Propagation {
    /// Eight attempts with delays of 1, 2, 4, 8, 10, 10 and 10 seconds: about 45
    /// seconds in all, longer than IAM usually takes to propagate a new role.
    fn default() -> Self {
        Propagation {
            attempts: 8,
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(10),
        }
    }
}

/// Runs `call`, retrying while it fails with an invalid-principal error and
/// `policy` names a role this run created. Any other failure returns at once.
pub async fn retry_invalid_principal<T, F, Fut>(
    address: &Address,
    policy: &str,
    ctx: &Context,
    mut call: F,
) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let names_new_role = ctx.created_roles.iter().any(|arn| policy.contains(arn.as_str()));
    let mut delay = ctx.propagation.first_delay;
    let mut attempt = 1;
    loop {
        match call().await {
            Err(error)
                if error.kind == ErrorKind::InvalidPrincipal
                    && names_new_role
                    && attempt < ctx.propagation.attempts =>
            {
                tracing::warn!(%address, attempt, api = error.api, "a role created in this run is not visible yet; retrying");
                let jitter = fastrand::u64(0..=delay.as_millis() as u64 / 4);
                tokio::time::sleep(delay + Duration::from_millis(jitter)).await;
                delay = (delay * 2).min(ctx.propagation.max_delay);
                attempt += 1;
            }
            other => return other,
        }
    }
}
