//! The `briefing` command: parses arguments, runs one subcommand, prints the
//! error chain once, and turns the outcome into an exit code
//! (0 success, 1 bad input, 2 bad usage).

mod cli;

/// Building a site allocates millions of small strings across threads;
/// mimalloc does that markedly faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
