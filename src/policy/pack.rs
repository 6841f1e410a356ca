//! Rego source files: the built-in HIPAA pack, embedded in the binary, and
//! rule directories read at run time.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

use super::error::PolicyError;

/// The built-in pack, `policies/hipaa/` of the repository.
// NOTE: include_dir embeds the files present at build time. Cargo rebuilds
// when an embedded file changes, but not when a new file is added: touch this
// file after adding a rule.
static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/policies/hipaa");

/// The directory the built-in files are named under in messages.
const BUILTIN_ROOT: &str = "policies/hipaa";

/// One Rego file: the path it is named by in messages and results, and its text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyFile {
    pub path: String,
    pub text: String,
}

impl PolicyFile {
    /// True for a Rego test file, `*_test.rego`, which is never evaluated as
    /// a rule.
    pub fn is_test(&self) -> bool {
        self.path.ends_with("_test.rego")
    }
}

/// Returns every `.rego` file of the built-in pack, sorted by path.
pub fn builtin_files() -> Vec<PolicyFile> {
    let mut files = Vec::new();
    collect_embedded(&BUILTIN, &mut files);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files
}

fn collect_embedded(dir: &Dir<'static>, files: &mut Vec<PolicyFile>) {
    for file in dir.files() {
        if file.path().extension().is_some_and(|e| e == "rego") {
            files.push(PolicyFile {
                path: format!("{BUILTIN_ROOT}/{}", file.path().display()),
                text: file.contents_utf8().unwrap_or_default().to_string(),
            });
        }
    }
    for subdirectory in dir.dirs() {
        collect_embedded(subdirectory, files);
    }
}

/// Reads every `.rego` file under `root`, subdirectories included, sorted by path.
pub fn directory_files(root: &Path) -> Result<Vec<PolicyFile>, PolicyError> {
    let mut paths = Vec::new();
    collect_paths(root, &mut paths)?;
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).map_err(|source| PolicyError::ReadFile {
                path: path.clone(),
                source,
            })?;
            Ok(PolicyFile {
                path: path.display().to_string(),
                text,
            })
        })
        .collect()
}

fn collect_paths(dir: &Path, paths: &mut Vec<PathBuf>) -> Result<(), PolicyError> {
    let read_error = |source| PolicyError::ReadDirectory {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        if path.is_dir() {
            collect_paths(&path, paths)?;
        } else if path.extension().is_some_and(|e| e == "rego") {
            paths.push(path);
        }
    }
    Ok(())
}
