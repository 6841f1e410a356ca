//! Errors from loading and evaluating Rego rules. Each names the file or rule
//! package at fault.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum PolicyError {
    #[error("cannot read policy directory {}: {source}", path.display())]
    ReadDirectory { path: PathBuf, source: std::io::Error },

    #[error("cannot read policy file {}: {source}", path.display())]
    ReadFile { path: PathBuf, source: std::io::Error },

    /// A syntax or semantic error found while parsing. `message` is the
    /// interpreter's own, which starts with `--> FILE:LINE:COLUMN` and quotes
    /// the line.
    #[error("invalid Rego in {path}: {message}")]
    Parse { path: String, message: String },

    /// A package under `hipcloud.rules` that does not meet the rule model.
    #[error("rule package {package} in {files} is invalid: {problem}")]
    InvalidRule {
        package: String,
        files: String,
        problem: String,
    },

    #[error("rule id {id} is defined by both {first} and {second}; give each rule its own id")]
    DuplicateId { id: String, first: String, second: String },

    /// Evaluation failed, for example on conflicting values of a complete rule.
    #[error("evaluating {rule} in {files} failed: {message}")]
    Evaluation {
        rule: String,
        files: String,
        message: String,
    },
}
