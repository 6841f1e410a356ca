//! The blueprint: the TOML file format, environment overrides, validation and
//! the typed result. Nothing here makes a network call.

pub mod diagnostic;
mod fields;
mod glue;
mod load;
pub mod node;
mod references;
mod role;
pub mod rules;
mod sagemaker;
pub mod spec;
pub mod waiver;

pub use diagnostic::{Diagnostic, Diagnostics, Source};
pub use load::{environments, load};
pub use spec::*;

/// Reads and loads a blueprint file.
pub fn load_file(path: &str, env: Option<&str>) -> Result<Blueprint, LoadError> {
    let text = std::fs::read_to_string(path).map_err(|error| LoadError::Read {
        path: path.to_string(),
        error,
    })?;
    load(
        Source {
            path: path.to_string(),
            text,
        },
        env,
    )
    .map_err(|(file, diagnostics)| LoadError::Invalid { file, diagnostics })
}

impl LoadError {
    /// The I/O error kind when the file could not be read.
    pub fn source_kind(&self) -> Option<std::io::ErrorKind> {
        match self {
            LoadError::Read { error, .. } => Some(error.kind()),
            LoadError::Invalid { .. } => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read blueprint {path}: {error}")]
    Read { path: String, error: std::io::Error },
    /// The file was read and has problems; `diagnostics` lists every one.
    #[error("{} is invalid", file.path)]
    Invalid { file: Source, diagnostics: Diagnostics },
}
