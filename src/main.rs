use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    hipcloud::commands::run(hipcloud::cli::Cli::parse()).await
}
