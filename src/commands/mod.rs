//! One file per subcommand: gather inputs, call the engine, render, and return
//! the exit code. No cloud logic lives here.

mod apply;
mod drift;
mod plan;
mod policy;
mod show;
mod validate;

use std::process::ExitCode;
use std::sync::Arc;

use crate::blueprint::{self, Blueprint, LoadError};
use crate::cli::{Cli, Command, GlobalArgs, PolicyCommand};
use crate::output;
use crate::provider::aws::{AwsProvider, Clients};

/// Exit codes, the same for every command and compatible with Terraform's
/// `-detailed-exitcode`.
pub const EXIT_OK: u8 = 0;
pub const EXIT_ERROR: u8 = 1;
pub const EXIT_CHANGES: u8 = 2;

pub async fn run(cli: Cli) -> ExitCode {
    output::init_logging(cli.global.verbose);
    let code = match &cli.command {
        Command::Validate(args) => validate::run(&cli.global, args),
        Command::Plan(args) => plan::run(&cli.global, args).await,
        Command::Drift(args) => drift::run(&cli.global, args).await,
        Command::Apply(args) => apply::run(&cli.global, args).await,
        Command::Show(args) => show::run(&cli.global, args),
        Command::Policy(PolicyCommand::Check(args)) => policy::check(&cli.global, args),
        Command::Policy(PolicyCommand::Test(args)) => policy::test(&cli.global, args),
    };
    ExitCode::from(code)
}

/// Prints an error and its fix on stderr, in the one format every command uses.
pub fn print_error(global: &GlobalArgs, message: &str, hint: Option<&str>) {
    let color = output::stderr_color(global.color);
    let label = if color { "\u{1b}[1;31merror\u{1b}[0m" } else { "error" };
    eprintln!("{label}: {message}");
    if let Some(hint) = hint {
        eprintln!("hint: {hint}");
    }
}

/// Loads the blueprint with the selected environment, printing every problem
/// when it is invalid.
fn load(global: &GlobalArgs, path: &std::path::Path) -> Option<Blueprint> {
    load_env(global, path, global.environment().as_deref())
}

/// Loads the blueprint with `env`'s overrides, printing every problem, under a
/// line that names the environment, when it is invalid.
fn load_env(global: &GlobalArgs, path: &std::path::Path, env: Option<&str>) -> Option<Blueprint> {
    match blueprint::load_file(&path.to_string_lossy(), env) {
        Ok(blueprint) => Some(blueprint),
        Err(LoadError::Invalid { file, diagnostics }) => {
            if let Some(env) = env {
                eprintln!("With the overrides of environment `{env}`:");
            }
            eprint!("{}", diagnostics.render(&file, output::stderr_color(global.color)));
            None
        }
        Err(error @ LoadError::Read { .. }) => {
            let hint = match error.source_kind() {
                Some(std::io::ErrorKind::InvalidData) => "save the blueprint as UTF-8 text",
                _ => "pass the path of a blueprint file, such as blueprints/research-lab.toml",
            };
            print_error(global, &error.to_string(), Some(hint));
            None
        }
    }
}

/// Connects to AWS with the standard credential chain for the blueprint's region.
async fn connect(blueprint: Blueprint) -> AwsProvider {
    let clients = Clients::from_environment(&blueprint.region).await;
    AwsProvider::new(clients, Arc::new(blueprint))
}
