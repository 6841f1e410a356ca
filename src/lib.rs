//! hipcloud plans and applies HIPAA-compliant data-science accounts from a
//! declarative TOML blueprint. The library holds the engine; the `hipcloud`
//! binary is a thin command-line front end over it.

pub mod address;
pub mod blueprint;
pub mod graph;
