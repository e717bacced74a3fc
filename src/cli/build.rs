//! `briefing build`

use super::{print_diagnostics, ProjectArgs};
use briefing::BuildOptions;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Where to write the site (default: site.toml's `output`, else public/)
    #[arg(long, short = 'o', value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Absolute URL the site is published at, for the feed and sitemap
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Print nothing but errors
    #[arg(long, short = 'q', conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also print how long each stage took
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let report = briefing::build(&BuildOptions {
        root: args.project.root,
        output: args.output,
        base_url: args.base_url,
    })?;
    if args.verbose {
        for (stage, took) in &report.timings.0 {
            eprintln!("{:>8.3} s  {stage}", took.as_secs_f64());
        }
    }
    if !args.quiet {
        print_diagnostics(&report.warnings);
        eprintln!(
            "built {} pages from {} articles ({} topics) in {:.2} s → {}",
            report.pages,
            report.articles,
            report.topics,
            report.elapsed.as_secs_f64(),
            report.output.join("index.html").display()
        );
    }
    Ok(())
}
