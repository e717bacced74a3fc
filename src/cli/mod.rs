//! Command-line interface: clap definitions and one thin `run` per subcommand.
//! Subcommands parse their arguments and call the library; they hold no pipeline logic.

mod add;
mod build;
mod check;
mod new;
mod serve;

use briefing::diagnostics::{Diagnostic, Failed};
use clap::{Parser, Subcommand};
use std::io::Write;
use std::path::PathBuf;

/// Turns news articles into a static briefing site: one page per topic gathering
/// every passage on it from every source, with citations.
#[derive(Debug, Parser)]
#[command(name = "briefing", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site from content/, site.toml, templates/ and static/
    Build(build::Args),
    /// Build, serve on 127.0.0.1, rebuild on change and reload open pages
    Serve(serve::Args),
    /// Validate config, content and templates; list passages that match no topic
    Check(check::Args),
    /// Create a new briefing project that builds as it is
    New(new::Args),
    /// File newly arrived articles under content/articles/, dated and named
    Add(add::Args),
}

/// Options every project command shares.
#[derive(Debug, clap::Args)]
pub struct ProjectArgs {
    /// The project folder (holding site.toml)
    #[arg(long, short = 'r', default_value = ".", value_name = "DIR")]
    pub root: PathBuf,
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Build(args) => build::run(args),
        Command::Serve(args) => serve::run(args),
        Command::Check(args) => check::run(args),
        Command::New(args) => new::run(args),
        Command::Add(args) => add::run(args),
    }
}

/// Prints diagnostics to standard error, one per line.
pub fn print_diagnostics(diagnostics: &[Diagnostic]) {
    let mut err = std::io::stderr().lock();
    for d in diagnostics {
        let _ = writeln!(err, "{d}");
    }
}

/// Prints a failed command's error: every diagnostic, or the whole error chain.
pub fn report_error(error: &anyhow::Error) {
    if let Some(Failed(diagnostics)) = error.downcast_ref::<Failed>() {
        print_diagnostics(diagnostics);
    }
    eprintln!("error: {error:#}");
}

#[cfg(test)]
mod tests {
    #[test]
    fn cli_definition_is_valid() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
