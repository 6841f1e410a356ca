//! The command line: flags, environment variables and help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Plan and apply HIPAA-compliant data-science accounts from a TOML blueprint.
///
/// hipcloud reads the live account (there is no state file), compares it with
/// the blueprint and shows the changes; `apply` makes them.
///
/// Exit codes: 0 success (and no changes, with --detailed-exitcode; no drift,
/// for drift), 1 error, usage errors included, 2 changes present (plan with
/// --detailed-exitcode) or drift found (drift).
///
/// Environment: AWS credentials come from the standard AWS chain (environment,
/// profiles, SSO). AWS_ENDPOINT_URL points hipcloud at an emulator.
/// HIPCLOUD_BLUEPRINT names the blueprint file when no argument does.
/// HIPCLOUD_ENV selects an environment when --env is not given.
/// HIPCLOUD_MAX_ATTEMPTS sets the attempts per AWS call (1 to 10, default 5).
/// NO_COLOR turns colour off. CI hides progress lines. RUST_LOG replaces the
/// log filter that -v sets. An empty variable counts as unset.
#[derive(Debug, Parser)]
#[command(name = "hipcloud", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub global: GlobalArgs,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Apply the blueprint's [env.NAME] overrides [env: HIPCLOUD_ENV].
    #[arg(long, global = true, value_name = "NAME")]
    pub env: Option<String>,

    /// When to colour output. `auto` colours only terminals and honours NO_COLOR.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    /// Add the Rego rules in DIR (every *.rego file below it) to the built-in
    /// HIPAA pack [env: HIPCLOUD_POLICY_DIR].
    #[arg(long, global = true, value_name = "DIR")]
    pub policy_dir: Option<PathBuf>,

    /// Log decisions and API activity to stderr (-v: debug, -vv: trace). RUST_LOG overrides.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a blueprint without calling any cloud API: syntax, fields,
    /// references, names and network ranges. Checks every environment unless
    /// --env names one.
    Validate(BlueprintArg),
    /// Read the live account and show what apply would change. Makes no changes.
    Plan(PlanArgs),
    /// Plan, show the plan, ask for confirmation, then make the changes; or
    /// apply a plan saved by `plan --out`, exactly as it was reviewed.
    Apply(ApplyArgs),
    /// Render a plan saved by `plan --out`. Reads no account.
    Show(ShowArgs),
    /// Report changes made in the account outside hipcloud, for one or more
    /// blueprints at once. Read-only. Exit 0 when clean, 2 when any account
    /// drifted, 1 when any check failed.
    Drift(DriftArgs),
    /// Check a blueprint against the HIPAA policy rules, or test the rules.
    #[command(subcommand)]
    Policy(PolicyCommand),
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Check the blueprint's desired state against every rule without calling
    /// the cloud. Exit 2 when a high-severity violation has no waiver in force.
    Check(PolicyCheckArgs),
    /// Run the rules' own Rego tests (`test_*` rules in *_test.rego files) of
    /// the built-in pack and of --policy-dir. Exit 1 when any test fails.
    Test(PolicyTestArgs),
}

#[derive(Debug, Args)]
pub struct PolicyCheckArgs {
    #[command(flatten)]
    pub blueprint: BlueprintArg,

    /// Output format: `sarif` writes SARIF 2.1.0 for code scanning.
    #[arg(long, value_enum, default_value_t = PolicyFormat::Text)]
    pub format: PolicyFormat,
}

#[derive(Debug, Args)]
pub struct PolicyTestArgs {}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PolicyFormat {
    Text,
    Json,
    Sarif,
}

#[derive(Debug, Args)]
pub struct DriftArgs {
    /// The blueprint files to check; they are read concurrently.
    #[arg(required = true, value_name = "BLUEPRINT")]
    pub blueprints: Vec<PathBuf>,

    /// Count pending blueprint changes as drift too. For a schedule that
    /// watches a branch that is always applied: there a pending change means
    /// an unapplied merge, or a digest tag someone rewrote by hand to hide a
    /// change.
    #[arg(long)]
    pub include_pending: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The plan file written by `hipcloud plan --out`.
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct BlueprintArg {
    /// The blueprint file [default: $HIPCLOUD_BLUEPRINT, else blueprint.toml].
    #[arg(value_name = "BLUEPRINT")]
    pub blueprint: Option<PathBuf>,
}

impl BlueprintArg {
    /// The blueprint path: the argument, else a non-empty `HIPCLOUD_BLUEPRINT`,
    /// else `blueprint.toml`.
    pub fn path(&self) -> PathBuf {
        or_default_blueprint(self.blueprint.as_ref())
    }
}

impl ApplyArgs {
    /// Returns the blueprint or plan file, with the same defaults as a blueprint argument.
    pub fn target(&self) -> PathBuf {
        or_default_blueprint(self.target.as_ref())
    }
}

fn or_default_blueprint(path: Option<&PathBuf>) -> PathBuf {
    path.cloned()
        .or_else(|| non_empty_env("HIPCLOUD_BLUEPRINT").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("blueprint.toml"))
}

impl GlobalArgs {
    /// Returns the organisation's rule directory: `--policy-dir`, else a
    /// non-empty `HIPCLOUD_POLICY_DIR`.
    pub fn policy_dir(&self) -> Option<PathBuf> {
        self.policy_dir
            .clone()
            .or_else(|| non_empty_env("HIPCLOUD_POLICY_DIR").map(PathBuf::from))
    }

    /// The environment: `--env`, else a non-empty `HIPCLOUD_ENV`.
    pub fn environment(&self) -> Option<String> {
        self.env
            .clone()
            .filter(|e| !e.is_empty())
            .or_else(|| non_empty_env("HIPCLOUD_ENV"))
    }
}

/// Reads an environment variable, treating an empty value as unset.
pub fn non_empty_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub blueprint: BlueprintArg,

    /// Exit 2 when the plan has changes, 0 when it has none, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Also save the plan to FILE (JSON, such as plans/NAME.json), for
    /// `hipcloud show` and for `hipcloud apply FILE`, which applies exactly
    /// this plan or refuses when the account or the blueprint changed since.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    /// For a pull-request comment or an issue. A plan shows its summary, a
    /// table, the guards, then collapsible sections, under GitHub's
    /// 65,536-character limit. A drift report shows a table per blueprint.
    Markdown,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// A blueprint file, or a plan file saved by `plan --out` (a .json file).
    /// A saved plan is applied without a question, exactly as reviewed: apply
    /// re-reads the account and refuses the plan as stale when anything it
    /// covers changed [default: $HIPCLOUD_BLUEPRINT, else blueprint.toml].
    #[arg(value_name = "BLUEPRINT|PLAN")]
    pub target: Option<PathBuf>,

    /// Apply without asking for confirmation. Required when stdin is not a
    /// terminal, unless a saved plan is applied.
    #[arg(long)]
    pub auto_approve: bool,

    /// The maximum number of resource operations in flight at once, from 1 to 64.
    #[arg(long, default_value_t = 10, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallelism: u16,

    /// Allow a destructive change to ADDRESS that loses data: deleting a bucket
    /// that contains object versions, or scheduling a key for deletion. Repeat for
    /// each address. Protected resources and keys still in use stay refused.
    #[arg(long = "allow-destroy", value_name = "ADDRESS")]
    pub allow_destroy: Vec<String>,
}
