//! Fault injection with `aws-smithy-mocks`: throttling, 5xx, access denied and
//! the invalid-principal race, which the emulator cannot produce.

mod glue;
mod plan_reads;
mod principal_race;
mod sagemaker;
mod support;
