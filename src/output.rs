//! Output routing: results on stdout, progress and errors on stderr, colour
//! only where it helps, and logs through `tracing`, never mixed with results.

use std::io::IsTerminal;

use crate::cli::ColorChoice;

/// Decides whether a stream gets colour: `auto` colours terminals unless
/// NO_COLOR is set to a non-empty value.
pub fn use_color(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

pub fn stdout_color(choice: ColorChoice) -> bool {
    use_color(choice, std::io::stdout().is_terminal())
}

pub fn stderr_color(choice: ColorChoice) -> bool {
    use_color(choice, std::io::stderr().is_terminal())
}

/// Progress lines go to stderr only when it is a terminal and not under CI, so
/// logs and piped output stay clean.
pub fn show_progress() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()
}

/// Sets up `tracing` on stderr: warnings by default, more with -v. Secrets are
/// never passed to the logger, whatever the level.
pub fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "hipcloud=debug,warn",
        _ => "hipcloud=trace,aws_smithy_runtime=debug,warn",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let ansi = use_color(ColorChoice::Auto, std::io::stderr().is_terminal());
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(ansi)
        .try_init();
}
