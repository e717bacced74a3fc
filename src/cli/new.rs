//! `briefing new DIR`: a project skeleton that builds as it is.

use anyhow::{bail, Context as _};
use std::fs;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folder to create (must not exist, or be empty)
    pub dir: PathBuf,
}

const SITE_TOML: &str = r#"title = "My briefing"
description = "Every passage on each topic, from every source, with citations."
# The absolute URL the site is published at (used by the feed and sitemap only;
# every link inside the site is relative).
base_url = "https://example.github.io/my-briefing/"

[[topics]]
slug = "example-topic"
title = "Example topic"
summary = "What this topic covers, in one sentence."
# A passage belongs to the topic when it mentions one of these. One token with
# two capitals or a digit (MoC, 5G) is matched case-sensitively; phrases in any case.
aliases = ["example phrase", "EXT"]
"#;

const FIRST_ARTICLE: &str = r#"+++
title = "A first article"
date = 2024-01-15
source = "Example News"
+++
Briefing gathers every passage on a topic. This sentence mentions the example phrase, so it appears on the Example topic page.

What to do next
Add raw article text to content/articles/, named YYYY-MM-DD-slug.txt, and run briefing build.
"#;

pub fn run(args: Args) -> anyhow::Result<()> {
    let dir = &args.dir;
    if dir.exists() && fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true) {
        bail!("{} already exists and is not empty: choose a new folder", dir.display());
    }
    let write = |rel: &str, text: &str| -> anyhow::Result<()> {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
    };
    write("site.toml", SITE_TOML)?;
    write("content/articles/2024-01-15-a-first-article.txt", FIRST_ARTICLE)?;
    for (name, source) in briefing::render::BUILTIN_TEMPLATES {
        write(&format!("templates/{name}"), source)?;
    }
    write("static/assets/style.css", briefing::DEFAULT_STYLESHEET)?;
    write(".gitignore", "/public\n/.briefing\n")?;
    eprintln!(
        "created {}: run `briefing build --root {}`",
        dir.display(),
        dir.display()
    );
    Ok(())
}
