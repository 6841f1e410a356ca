//! Tests of the input builder, the engine, the Rego test runner and the
//! built-in HIPAA pack.

mod engine;
mod fixtures;
mod glue_sagemaker;
mod iam;
mod input;
mod kms;
mod rego;
mod research_lab;
mod s3;
