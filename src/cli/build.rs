//! `briefing build`

use super::{print_diagnostics, ProjectArgs};
use briefing::BuildOptions;
use std::io::IsTerminal as _;
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
    let options = BuildOptions {
        root: args.project.root,
        output: args.output,
        base_url: args.base_url,
    };
    // A progress line only on a terminal, and only once a build has taken a
    // second: short builds and piped output stay quiet.
    let bar = indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::hidden());
    bar.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg}: {pos} files  {elapsed}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    let interactive = !args.quiet && std::io::stderr().is_terminal();
    let started = std::time::Instant::now();
    let shown = std::sync::atomic::AtomicBool::new(false);
    let progress = |stage: &'static str, files: usize| {
        if interactive
            && started.elapsed().as_secs_f64() > 1.0
            && !shown.swap(true, std::sync::atomic::Ordering::Relaxed)
        {
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
        }
        bar.set_message(stage);
        bar.set_position(files as u64);
    };
    let result = briefing::build_with_progress(&options, &progress);
    bar.finish_and_clear();
    let report = result?;
    if args.verbose {
        for (stage, took) in &report.timings.0 {
            eprintln!("{:>8.3} s  {stage}", took.as_secs_f64());
        }
        eprintln!(
            "read {} of {} (the others unchanged since the last build)",
            grouped(report.files_read),
            count(report.articles, "article file")
        );
    }
    if !args.quiet {
        print_diagnostics(&report.warnings);
        let unchanged = if report.kept > 0 {
            format!(
                " ({} written, {} unchanged)",
                count(report.files - report.kept, "file"),
                grouped(report.kept)
            )
        } else {
            String::new()
        };
        eprintln!(
            "built {} from {} ({}, {}, {}) in {:.2} s{unchanged} → {}",
            count(report.pages, "page"),
            count(report.articles, "article"),
            count(report.topics, "topic"),
            count(report.terms, "term"),
            count(report.events, "event"),
            report.elapsed.as_secs_f64(),
            report.output.join("index.html").display()
        );
    }
    Ok(())
}

/// "1 page", "10,014 pages".
fn count(n: usize, noun: &str) -> String {
    format!("{} {noun}{}", grouped(n), if n == 1 { "" } else { "s" })
}

/// "10,014": digits in groups of three.
fn grouped(n: usize) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

#[cfg(test)]
mod tests {
    #[test]
    fn counts_are_grouped_and_pluralised() {
        assert_eq!(super::count(1, "page"), "1 page");
        assert_eq!(super::count(0, "term"), "0 terms");
        assert_eq!(super::count(10014, "page"), "10,014 pages");
        assert_eq!(super::count(1234567, "event"), "1,234,567 events");
    }
}
