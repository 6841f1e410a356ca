use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = match hipcloud::cli::Cli::try_parse() {
        Ok(cli) => cli,
        // Usage errors exit 1, not clap's 2, which `plan --detailed-exitcode`
        // reserves for "changes present". Help and version exit 0.
        Err(error) => {
            let code = if error.use_stderr() {
                hipcloud::commands::EXIT_ERROR
            } else {
                hipcloud::commands::EXIT_OK
            };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    hipcloud::commands::run(cli).await
}
