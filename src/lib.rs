//! briefing: news articles in, a cross-linked static briefing site out.
//!
//! The pipeline, one stage per module, each with a typed input and output:
//! `config` (site.toml → Config) → `source` (content/ → SourceFile) →
//! `parse` (SourceFile → Article) → `analyze` (&[Article] → Briefing) →
//! `render` (Briefing + templates → Page) → `output` (Pages → the output folder).
//! Only `source`, `output` and the loaders in this file touch the disk.

pub mod add;
pub mod analyze;
pub mod config;
pub mod diagnostics;
pub mod output;
pub mod parse;
pub mod render;
pub mod serve;
pub mod source;
pub mod svg;
pub mod template_check;
pub mod text;

use analyze::matcher::Matcher;
use analyze::Briefing;
use anyhow::Context as _;
use config::Config;
use diagnostics::{Diagnostic, Failed, Severity};
use parse::{Article, Highlighter, ParseOptions};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A project loaded and analysed: everything a build renders, and every
/// problem found on the way.
pub struct Loaded {
    pub config: Config,
    pub articles: Vec<Article>,
    pub matcher: Matcher,
    pub briefing: Briefing,
    /// Warnings only: a load with errors returns `Err(Failed)`.
    pub warnings: Vec<Diagnostic>,
}

/// Prints warnings to standard error, one per line.
pub fn print_warnings(warnings: &[Diagnostic]) {
    for warning in warnings {
        eprintln!("{warning}");
    }
}

/// Reads and validates `site.toml` under `root`.
pub fn load_config(root: &Path) -> Result<Config, Failed> {
    let path = root.join("site.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Failed(vec![Diagnostic::error(
            "site.toml",
            format!("cannot read {}: {e}", path.display()),
        )])
    })?;
    Config::parse(Path::new("site.toml"), &text).map_err(Failed)
}

/// How long each stage took, in pipeline order.
#[derive(Debug, Clone, Default)]
pub struct Timings(pub Vec<(&'static str, Duration)>);

impl Timings {
    pub fn lap(&mut self, stage: &'static str, since: &mut Instant) {
        let now = Instant::now();
        self.0.push((stage, now - *since));
        *since = now;
    }
}

/// Load → parse → analyse. Collects every problem; fails if any is an error.
pub fn load(root: &Path, base_url: Option<&str>) -> Result<Loaded, Failed> {
    load_timed(root, base_url, &mut Timings::default())
}

fn load_timed(root: &Path, base_url: Option<&str>, timings: &mut Timings) -> Result<Loaded, Failed> {
    let mut clock = Instant::now();
    let mut config = load_config(root)?;
    if let Some(url) = base_url {
        config.base_url = if url.ends_with('/') {
            url.to_string()
        } else {
            format!("{url}/")
        };
    }
    let (files, mut diagnostics) = source::read_content(root);
    timings.lap("read", &mut clock);
    let highlighter = Highlighter::new();
    let options = ParseOptions {
        allow_html: config.allow_html,
        highlighter: &highlighter,
    };
    let parsed: Vec<parse::ParseResult> = files
        .par_iter()
        .map(|file| parse::parse_article(file, &options))
        .collect();
    let mut articles = Vec::with_capacity(parsed.len());
    for result in parsed {
        match result {
            Ok((article, warnings)) => {
                diagnostics.extend(warnings);
                articles.push(article);
            }
            Err(errors) => diagnostics.extend(errors),
        }
    }
    timings.lap("parse", &mut clock);
    let mut slugs: BTreeMap<&str, &str> = BTreeMap::new();
    for article in &articles {
        if let Some(first) = slugs.insert(&article.slug, &article.file) {
            diagnostics.push(Diagnostic::error(
                &article.file,
                format!("two articles have the slug {:?} (the other is {first}): rename one file or set `slug` in its front matter", article.slug),
            ));
        }
    }
    let matcher = Matcher::new(&config.topics).map_err(|e| {
        Failed(vec![Diagnostic::error(
            "site.toml",
            format!("cannot compile the topic aliases: {e}"),
        )])
    })?;
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(Failed(diagnostics));
    }
    let briefing = analyze::analyze(&config, &articles, &matcher, timings);
    Ok(Loaded {
        config,
        articles,
        matcher,
        briefing,
        warnings: diagnostics,
    })
}

/// What `build` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Output folder; `None` means `site.toml`'s `output`, relative to the root.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
}

/// What a build did.
#[derive(Debug)]
pub struct BuildReport {
    pub output: PathBuf,
    pub files: usize,
    pub pages: usize,
    pub articles: usize,
    pub topics: usize,
    pub terms: usize,
    pub events: usize,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    pub timings: Timings,
}

/// Renders the loaded project with the project's templates, handing each page
/// to `emit` as it is made. Returns the number of HTML pages.
pub fn render_site(root: &Path, loaded: &Loaded, emit: render::Emit) -> anyhow::Result<usize> {
    let templates = render::Templates::load(&root.join("templates"))?;
    let pages = render::render(
        &render::RenderInput {
            config: &loaded.config,
            articles: &loaded.articles,
            briefing: &loaded.briefing,
            matcher: &loaded.matcher,
            templates: &templates,
        },
        emit,
    )?;
    // The default stylesheet, unless the project ships its own.
    if !root.join("static/assets/style.css").is_file() {
        emit(render::Page {
            path: "assets/style.css".into(),
            bytes: DEFAULT_STYLESHEET.as_bytes().to_vec(),
        })?;
    }
    Ok(pages)
}

pub const DEFAULT_STYLESHEET: &str = include_str!("../static/assets/style.css");

/// What a long build reports as it goes: the stage it is in, and how many
/// files it has written so far. Called from several threads.
pub type Progress<'p> = &'p (dyn Fn(&'static str, usize) + Sync);

/// The whole pipeline: load → analyse → render → write.
pub fn build(options: &BuildOptions) -> anyhow::Result<BuildReport> {
    build_with_progress(options, &|_, _| {})
}

/// `build`, telling `progress` what it is doing.
pub fn build_with_progress(options: &BuildOptions, progress: Progress) -> anyhow::Result<BuildReport> {
    let started = Instant::now();
    let mut timings = Timings::default();
    let root = &options.root;
    progress("reading and analysing", 0);
    let loaded = load_timed(root, options.base_url.as_deref(), &mut timings)?;
    let mut clock = Instant::now();
    progress("writing pages", 0);
    let output = match &options.output {
        Some(out) => out.clone(),
        None => root.join(&loaded.config.output),
    };
    output::check_output_dir(root, &output, options.output.is_some())?;
    // Pages are written as they are rendered, so no site is ever held in
    // memory whole; "swap in" is the rename that publishes the finished site.
    let staging = output::Staging::begin(&output, &root.join("static"))
        .with_context(|| format!("cannot write the site to {}", output.display()))?;
    let written = std::sync::atomic::AtomicUsize::new(0);
    let pages = render_site(root, &loaded, &|page| {
        staging.write(&page)?;
        progress(
            "writing pages",
            written.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
        );
        Ok(())
    })?;
    timings.lap("render and write", &mut clock);
    let files = staging
        .finish()
        .with_context(|| format!("cannot write the site to {}", output.display()))?;
    timings.lap("swap in", &mut clock);
    Ok(BuildReport {
        timings,
        output,
        files,
        pages,
        articles: loaded.articles.len(),
        topics: loaded.config.topics.len(),
        terms: loaded.briefing.glossary.terms.len(),
        events: loaded.briefing.timeline.len(),
        warnings: loaded.warnings,
        elapsed: started.elapsed(),
    })
}
