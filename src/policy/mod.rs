//! Policy-as-code checks: HIPAA rules written in Rego and evaluated in
//! process with the `regorus` interpreter.
//!
//! # Input document
//!
//! Every rule reads the same input, built by [`build_input`] from the
//! desired state, the live state or both:
//!
//! ```json
//! {
//!   "blueprint": {"name": "research-lab", "account": "123456789012",
//!                 "region": "us-east-1", "file": "blueprints/research-lab.toml"},
//!   "resources": [
//!     {
//!       "address": "bucket.raw",
//!       "kind": "bucket",
//!       "name": "raw",
//!       "line": 35,
//!       "cloud_id": "research-lab-phi-raw-123456789012",
//!       "desired": {"name": "research-lab-phi-raw-123456789012", "versioning": "Enabled", "...": "...",
//!                   "tags": {"hipcloud:address": "bucket.raw"}},
//!       "live": null
//!     }
//!   ]
//! }
//! ```
//!
//! - `resources` lists each address once, sorted by the address text.
//! - `kind` is the address's kind (`key`, `bucket`, `role`, `glue_connection`,
//!   `glue_catalog`, `sagemaker_domain`, `sagemaker_user_profile`) and `name`
//!   the part after the dot.
//! - `line` is the 1-based line of the resource's table header in the
//!   blueprint file, or `null` for a resource the blueprint no longer declares.
//! - `cloud_id` is the cloud's identifier of the live resource (bucket name,
//!   role name or key ARN), or `null` when there is no live state.
//! - `desired` and `live` are `null` when that state is absent or was not
//!   given. Otherwise they map each field name to its value, plus `tags`, an
//!   object of every tag. The field names and value shapes are the ones plans
//!   show. Policy documents (`policy`, `trust_policy`,
//!   `inline_policy.NAME`) are in display form: `Statement` is always a list,
//!   and `Action`, `Resource`, principal ids and condition values are sorted
//!   lists of strings, while `"Principal": "*"` stays a string.
//!
//! # Rule model
//!
//! A rule is a Rego v1 module whose package is under `hipcloud.rules`, such
//! as `package hipcloud.rules.s3_public_access_block`. It defines:
//!
//! - `metadata`, a constant object: `id` (unique, such as `HC-S3-03`),
//!   `title`, `severity` (`"high"` or `"medium"`), `citations` (a list of
//!   strings such as `"45 CFR 164.312(a)(1)"`), `remediation` (one sentence)
//!   and `waivable` (`true` or `false`).
//! - `deny`, a set of violations, each `{"address", "field", "state",
//!   "message"}` with `state` `"desired"` or `"live"`.
//! - optionally `exceptions`, a set of the same shape for documented
//!   exceptions, which are reported but do not block.
//!
//! Every package under `hipcloud.rules` is a rule, so helpers belong in other
//! packages, such as the built-in `hipcloud.lib`. Files named `*_test.rego`
//! are never evaluated as rules. [`run_tests`] runs their `test_*` rules.

pub mod assess;
mod engine;
mod error;
mod finding;
mod input;
mod pack;
pub mod report;
pub mod sarif;
mod testing;

pub use engine::PolicyEngine;
pub use error::PolicyError;
pub use finding::{Finding, Outcome, RuleMetadata, Severity, State};
pub use input::{build_input, BlueprintFacts};
pub use pack::{builtin_files, directory_files, PolicyFile};
pub use testing::{run_tests, run_tests_in, TestOutcome, TestReport};

#[cfg(test)]
mod sarif_tests;
#[cfg(test)]
mod tests;
