//! The `briefing` command: parses arguments, runs one subcommand, prints the
//! error chain once, and turns the outcome into an exit code
//! (0 success, 1 bad input, 2 bad usage).

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            cli::report_error(&error);
            ExitCode::from(1)
        }
    }
}
