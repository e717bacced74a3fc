//! `briefing add`: file newly arrived articles under content/articles/.

use super::ProjectArgs;
use anyhow::Context as _;
use briefing::add::{add_article, AddOptions};
use std::io::Read as _;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub project: ProjectArgs,
    /// Article files to add, as they arrived (`-` reads standard input)
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Publication date, YYYY-MM-DD (default: the text's front matter, else today)
    #[arg(long, value_parser = parse_date)]
    pub date: Option<time::Date>,
    /// Title (default: the first heading, else the start of the first sentence)
    #[arg(long)]
    pub title: Option<String>,
    /// Who published it, e.g. "The Hindu"
    #[arg(long)]
    pub source: Option<String>,
    /// Where it was published
    #[arg(long)]
    pub url: Option<String>,
}

fn parse_date(text: &str) -> Result<time::Date, String> {
    briefing::parse::parse_iso_date(text).ok_or_else(|| format!("{text:?} is not a calendar date: expected YYYY-MM-DD"))
}

pub fn run(args: Args) -> anyhow::Result<()> {
    let root = &args.project.root;
    let config = briefing::load_config(root)?;
    let options = AddOptions {
        date: args.date,
        title: args.title,
        source: args.source,
        url: args.url,
    };
    let today = time::OffsetDateTime::now_utc().date();
    let mut failed = 0;
    for file in &args.files {
        let bytes = if file.as_os_str() == "-" {
            let mut bytes = Vec::new();
            std::io::stdin()
                .read_to_end(&mut bytes)
                .context("cannot read standard input")?;
            bytes
        } else {
            std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?
        };
        match add_article(root, &config, &bytes, &options, today) {
            Ok(added) => {
                let topics = if added.topics.is_empty() {
                    "no topic yet".to_string()
                } else {
                    added.topics.join(", ")
                };
                println!(
                    "added {} ({:?}, {}); feeds: {topics}",
                    added.path.display(),
                    added.title,
                    added.date
                );
            }
            Err(error) => {
                eprintln!("error: {}: {error:#}", file.display());
                failed += 1;
            }
        }
    }
    if failed > 0 {
        anyhow::bail!("{failed} of {} articles not added", args.files.len());
    }
    Ok(())
}
