//! hipcloud plans and applies HIPAA-compliant data-science accounts from a
//! declarative TOML blueprint. The library contains the engine; the `hipcloud`
//! binary is a thin command-line front end over it.

pub mod address;
pub mod apply;
pub mod blueprint;
pub mod cli;
pub mod commands;
pub mod graph;
pub mod output;
pub mod plan;
pub mod policy;
pub mod policy_doc;
pub mod provider;
pub mod state;
