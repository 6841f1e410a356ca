//! End-to-end tests against the local AWS emulator (moto on 127.0.0.1).

mod cli;
mod drift;
mod harness;
mod lifecycle;
mod policy;
mod secrets;
mod workflow;
