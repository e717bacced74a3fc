//! briefing: news articles in, a cross-linked static briefing site out.
//!
//! The pipeline, one stage per module, each with a typed input and output:
//! `config` (site.toml → Config) → `source` (content/ → SourceFile) →
//! `parse` (SourceFile → Article) → `analyze` (&[Article] → Briefing) →
//! `render` (Briefing + templates → Page) → `output` (Pages → the output folder).
//! Only `source`, `output` and the loaders in this file touch the disk.

pub mod add;
pub mod analyze;
pub mod cache;
pub mod config;
pub mod diagnostics;
pub mod output;
pub mod parse;
pub mod render;
pub mod search;
pub mod serve;
pub mod source;
pub mod svg;
pub mod template_check;
pub mod text;
mod varint;

use analyze::matcher::{Matcher, Mention};
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
    /// Each article's source fingerprint (same index as `articles`).
    pub article_keys: Vec<cache::Key>,
    /// What the articles' cached forms depend on besides their files
    /// (`cache::article_settings`), hashed once.
    pub article_settings: cache::Key,
    pub matcher: Matcher,
    /// Where each passage names a topic: `mentions[article][passage]`.
    pub mentions: Vec<Vec<Vec<Mention>>>,
    pub briefing: Briefing,
    /// Article files read from disk: all, but for a rebuild those whose
    /// stamps show them unchanged (see `source::Stamp`).
    pub files_read: usize,
    /// Warnings only: a load with errors returns `Err(Failed)`.
    pub warnings: Vec<Diagnostic>,
}

/// Drops `value` on a thread of its own. Freeing what a build of 10,000
/// articles holds (millions of small allocations) took about 70 ms on the
/// build's one thread; a command that exits after the build need not wait.
pub(crate) fn drop_later<T: Send + 'static>(value: T) {
    // If no thread can be started, the value is dropped here, with the error.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
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

/// What `work` returns, and how long it took: for stages run side by side,
/// whose times overlap and so are not laps of one clock.
pub(crate) fn timed<T>(work: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let value = work();
    (value, start.elapsed())
}

/// Load → parse → analyse. Collects every problem; fails if any is an error.
/// Reads no cache: what `check` uses.
pub fn load(root: &Path, base_url: Option<&str>) -> Result<Loaded, Failed> {
    Ok(load_timed(root, base_url, false, &mut Timings::default())?.0)
}

/// `load`, taking what it can from the build cache when `use_cache` is set,
/// and then returning what the cache has still to save.
fn load_timed(
    root: &Path,
    base_url: Option<&str>,
    use_cache: bool,
    timings: &mut Timings,
) -> Result<(Loaded, Option<CacheSave>), Failed> {
    let mut clock = Instant::now();
    let mut config = load_config(root)?;
    if let Some(url) = base_url {
        config.base_url = if url.ends_with('/') {
            url.to_string()
        } else {
            format!("{url}/")
        };
    }
    let matcher = Matcher::new(&config.topics).map_err(|e| {
        Failed(vec![Diagnostic::error(
            "site.toml",
            format!("cannot compile the topic aliases: {e}"),
        )])
    })?;
    // Taken before any file is read: see `source::Stamp::settled`.
    let now = source::now_nanos();
    // An article's cached form depends on its file and on these settings only.
    let settings = cache::article_settings(&config);
    // The cache files are read while the content folder is walked, the
    // articles' (50 MB at 10,000 articles) beside the two small ones.
    let ((listed, mut diagnostics), (cache, (stamps, merged))) = rayon::join(
        || source::list_content(root),
        || {
            if use_cache {
                rayon::join(
                    || cache::ArticleCache::open(root, settings),
                    || (cache::SourceStamps::load(root), cache::load_timeline(root, settings)),
                )
            } else {
                (
                    cache::ArticleCache::empty(settings),
                    (cache::SourceStamps::default(), analyze::timeline::Merged::default()),
                )
            }
        },
    );
    // Each article file not in the cache is read, parsed and analysed on its
    // own, one after another on a worker: its bytes are freed before the next
    // file is read, rather than every file's bytes held until all are parsed
    // (600 MB at 100,000 articles, all of it memory the kernel zeroes first).
    let highlighter = Highlighter::new();
    let options = ParseOptions {
        allow_html: config.allow_html,
        highlighter: &highlighter,
    };
    let vectorizer = analyze::similarity::Vectorizer::default();
    let reader = ArticleReader {
        options: &options,
        matcher: &matcher,
        vectorizer: &vectorizer,
    };
    let found: Vec<Result<Found, Diagnostic>> = listed
        .par_iter()
        .map_init(analyze::similarity::StemCache::default, |stems, l| {
            find(l, &stamps, &cache, &reader, stems)
        })
        .collect();
    let mut entries: Vec<(cache::Key, cache::CachedArticle, bool)> = Vec::with_capacity(listed.len());
    let mut new_stamps = cache::SourceStamps::default();
    let mut files_read = 0;
    for (listed, found) in listed.iter().zip(found) {
        match found {
            Ok(found) => {
                if let Some(stamp) = found.stamp {
                    new_stamps.record(&listed.rel, stamp, found.key, now);
                }
                files_read += usize::from(found.read);
                match found.article {
                    Ok(entry) => entries.push((found.key, entry, found.fresh)),
                    Err(errors) => diagnostics.extend(errors),
                }
            }
            Err(d) => diagnostics.push(d),
        }
    }
    let stamps = (new_stamps != stamps).then_some(new_stamps);
    timings.lap("read, parse and analyse each article", &mut clock);

    let mut articles = Vec::with_capacity(entries.len());
    let mut facts = Vec::with_capacity(entries.len());
    let mut article_keys = Vec::with_capacity(entries.len());
    let mut warnings = Vec::with_capacity(entries.len());
    let mut fresh = Vec::with_capacity(entries.len());
    for (key, entry, is_fresh) in entries {
        articles.push(entry.article);
        facts.push(entry.facts);
        warnings.push(entry.warnings);
        article_keys.push(key);
        fresh.push(is_fresh);
    }
    diagnostics.extend(warnings.iter().flatten().cloned());

    let mut slugs: BTreeMap<&str, &str> = BTreeMap::new();
    for article in &articles {
        if let Some(first) = slugs.insert(&article.slug, &article.file) {
            diagnostics.push(Diagnostic::error(
                &article.file,
                format!("two articles have the slug {:?} (the other is {first}): rename one file or set `slug` in its front matter", article.slug),
            ));
        }
    }
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(Failed(diagnostics));
    }
    // The document frequencies of the last build, brought to these articles
    // (the facts of those that left come from the article cache), or counted.
    let mut clock = Instant::now();
    let stored = use_cache.then(|| cache::load_frequencies(root, settings)).flatten();
    let earlier_articles = stored.as_ref().map(|df| df.articles.clone());
    let df = stored
        .and_then(|df| df.update(&facts, &article_keys, |key| cache.get(key).map(|c| c.facts)))
        .unwrap_or_else(|| analyze::similarity::Frequencies::count(&facts, &article_keys));
    let df_changed = earlier_articles.as_ref() != Some(&df.articles);
    timings.lap("document frequencies", &mut clock);
    // The term counts of the articles taken from the cache serve the tf-idf
    // index alone, which weighs them in place; a parsed article's stay in
    // its facts, which the cache saves.
    let mut taken: Vec<Option<analyze::facts::PerPassage<(analyze::similarity::TermId, u32)>>> = facts
        .iter_mut()
        .zip(&fresh)
        .map(|(facts, &fresh)| (!fresh).then(|| std::mem::take(&mut facts.term_counts)))
        .collect();
    let counts = taken
        .iter_mut()
        .zip(&facts)
        .map(|(taken, facts)| match taken.take() {
            Some(counts) => analyze::similarity::Counts::Owned(counts),
            None => analyze::similarity::Counts::Borrowed(&facts.term_counts),
        })
        .collect();
    let input = analyze::AnalysisInput {
        config: &config,
        articles: &articles,
        facts: &facts,
        keys: &article_keys,
        matcher: &matcher,
        merged: &merged,
        df: &df,
    };
    let (briefing, now_merged) = analyze::analyze(&input, counts, timings);
    // The mentions go to the pages; the rest of the facts only to the cache.
    let mentions = facts
        .iter_mut()
        .map(|f| std::mem::take(&mut f.passage_mentions))
        .collect();
    let save = use_cache.then_some(CacheSave {
        cache,
        stamps,
        timeline: (!now_merged.same_dates(&merged)).then_some(now_merged),
        frequencies: df_changed.then_some(df),
        facts,
        warnings,
        fresh,
    });
    let loaded = Loaded {
        config,
        articles,
        article_keys,
        article_settings: settings,
        matcher,
        mentions,
        briefing,
        files_read,
        warnings: diagnostics,
    };
    Ok((loaded, save))
}

/// What the build cache has still to record once the articles are loaded:
/// the new articles, with their warnings and facts. `build` saves it beside
/// the pages, as it only reads the articles; saved beside the analysis, it
/// outlasted it and left a core idle (0.17 s of a first build of 10,000
/// articles).
struct CacheSave {
    cache: cache::ArticleCache,
    /// The article files' stamps, when they differ from the saved ones.
    stamps: Option<cache::SourceStamps>,
    /// How the timeline was merged, when other dates were merged than last time.
    timeline: Option<analyze::timeline::Merged>,
    /// The document frequencies, when they count other articles than last time.
    frequencies: Option<analyze::similarity::Frequencies>,
    /// Each article's facts, without the passage mentions (`Loaded::mentions`).
    facts: Vec<analyze::facts::ArticleFacts>,
    warnings: Vec<Vec<Diagnostic>>,
    /// Whether each article was parsed by this build (the rest are cached).
    fresh: Vec<bool>,
}

impl CacheSave {
    fn save(&self, root: &Path, loaded: &Loaded) -> anyhow::Result<()> {
        let listing: Vec<(cache::Key, Option<cache::CachedArticleRef>)> = (0..loaded.articles.len())
            .map(|i| {
                let entry = cache::CachedArticleRef {
                    article: &loaded.articles[i],
                    warnings: &self.warnings[i],
                    facts: analyze::facts::FactsRef::new(&self.facts[i], &loaded.mentions[i]),
                };
                (loaded.article_keys[i], self.fresh[i].then_some(entry))
            })
            .collect();
        self.cache.save(&listing)?;
        if let Some(merged) = &self.timeline {
            cache::save_timeline(root, loaded.article_settings, merged)?;
        }
        if let Some(df) = &self.frequencies {
            cache::save_frequencies(root, loaded.article_settings, df)?;
        }
        match &self.stamps {
            Some(stamps) => stamps.save(root),
            None => Ok(()),
        }
    }
}

/// An article file's source key, and its article: from the cache, or read,
/// parsed and analysed now.
struct Found {
    key: cache::Key,
    stamp: Option<source::Stamp>,
    /// The article, or the errors that stopped it being read.
    article: Result<cache::CachedArticle, Vec<Diagnostic>>,
    /// Read by this build (not taken from the cache).
    fresh: bool,
    /// Whether the file was read (else its stamp vouched for its key).
    read: bool,
}

/// What reading an article file needs besides the file.
struct ArticleReader<'a> {
    options: &'a ParseOptions<'a>,
    matcher: &'a Matcher,
    vectorizer: &'a analyze::similarity::Vectorizer,
}

impl ArticleReader<'_> {
    /// The article in `file`, parsed, with its facts.
    fn read(
        &self,
        file: &source::SourceFile,
        stems: &mut analyze::similarity::StemCache,
    ) -> Result<cache::CachedArticle, Vec<Diagnostic>> {
        let (article, warnings) = parse::parse_article(file, self.options)?;
        let facts = analyze::facts::article_facts(&article, self.matcher, self.vectorizer, stems);
        Ok(cache::CachedArticle {
            article,
            warnings,
            facts,
        })
    }
}

/// Finds a listed file's article in the cache, reading the file only when
/// its stamp is not the one recorded with its key (or the cache lacks that
/// key): adding one article to 10,000 reads one file.
fn find(
    listed: &source::Listed,
    stamps: &cache::SourceStamps,
    cache: &cache::ArticleCache,
    reader: &ArticleReader,
    stems: &mut analyze::similarity::StemCache,
) -> Result<Found, Diagnostic> {
    // A file with no recorded stamp (every file, in a first build) is read
    // without a stat first.
    if let Some((recorded, key)) = stamps.recorded(&listed.rel) {
        if source::stamp(listed) == Some(recorded) {
            if let Some(cached) = cache.get(key) {
                return Ok(Found {
                    key,
                    stamp: Some(recorded),
                    article: Ok(cached),
                    fresh: false,
                    read: false,
                });
            }
        }
    }
    let (file, stamp) = source::read(listed)?;
    let key = cache::source_key(&file.rel, &file.bytes);
    let (article, fresh) = match cache.get(key) {
        Some(cached) => (Ok(cached), false),
        None => (reader.read(&file, stems), true),
    };
    Ok(Found {
        key,
        stamp,
        article,
        fresh,
        read: true,
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
    /// Files carried over unchanged from the previous site.
    pub kept: usize,
    pub pages: usize,
    pub articles: usize,
    /// Article files read from disk (the rest were known by their stamps).
    pub files_read: usize,
    pub topics: usize,
    pub terms: usize,
    pub events: usize,
    pub warnings: Vec<Diagnostic>,
    pub elapsed: Duration,
    pub timings: Timings,
}

/// Renders the loaded project with the project's templates, handing each page
/// to `emit` as it is made; `previous` tells which pages need not be rendered
/// again (see [`render::Previous`]). Returns the number of HTML pages.
pub fn render_site(
    root: &Path,
    loaded: &Loaded,
    previous: render::Previous,
    emit: render::Emit,
) -> anyhow::Result<usize> {
    let templates = render::Templates::load(&root.join("templates"))?;
    let pages = render::render(
        &render::RenderInput {
            config: &loaded.config,
            articles: &loaded.articles,
            briefing: &loaded.briefing,
            matcher: &loaded.matcher,
            mentions: &loaded.mentions,
            templates: &templates,
            article_keys: &loaded.article_keys,
            previous,
        },
        emit,
    )?;
    // The default stylesheet, unless the project ships its own.
    if !root.join("static/assets/style.css").is_file() {
        emit(render::Page::new(
            "assets/style.css",
            DEFAULT_STYLESHEET.as_bytes().to_vec(),
        ))?;
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
    let (mut loaded, cache_save) = load_timed(root, options.base_url.as_deref(), true, &mut timings)?;
    let mut clock = Instant::now();
    progress("writing pages", 0);
    let output = match &options.output {
        Some(out) => out.clone(),
        None => root.join(&loaded.config.output),
    };
    output::check_output_dir(root, &output, options.output.is_some())?;
    // Pages are written as they are rendered, so no site is ever held in
    // memory whole; "swap in" is the rename that publishes the finished site.
    // What the site now at `output` was made from: pages whose inputs did
    // not change are kept from it rather than rendered and written again.
    let output = output::normalise(&output);
    let previous = cache::Manifest::load(root, &output);
    let staging = output::Staging::begin(&output, &root.join("static"), previous)
        .with_context(|| format!("cannot write the site to {}", output.display()))?;
    let written = std::sync::atomic::AtomicUsize::new(0);
    let emit = |page: render::Page| {
        staging.write(&page)?;
        progress(
            "writing pages",
            written.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
        );
        Ok(())
    };
    // The search index (it needs only the model, and its files go through
    // the same staging) and the article cache are made beside the pages,
    // joined with them in the rayon pool. From threads of their own, each
    // of their parallel steps waited in the pool's queue until the pages
    // were done (48 ms for the terms of one new article; the cache of
    // 100,000 articles was saved seconds after the last page), where now
    // idle workers steal their work.
    let search = || {
        let input = search::SearchInput {
            config: &loaded.config,
            articles: &loaded.articles,
            article_keys: &loaded.article_keys,
            briefing: &loaded.briefing,
            previous: &|path, key| staging.has(path, key),
        };
        let settings = loaded.article_settings;
        let known = cache::load_search(root, settings);
        let earlier = search::Earlier {
            segments: &known,
            postings: &|first| cache::load_segment(root, settings, first),
        };
        search::index(&input, &earlier, &emit).map(|segments| {
            // The cache only saves time: a build goes on without it.
            cache::save_search(root, settings, &known, &segments)
                .err()
                .map(|e| cache::not_updated(&e))
        })
    };
    let render = || render_site(root, &loaded, &|path, key| staging.has(path, key), &emit);
    let save = || cache_save.as_ref().map(|save| timed(|| save.save(root, &loaded)));
    let ((pages, rendered), ((indexed, indexing), saved)) =
        rayon::join(|| timed(render), || rayon::join(|| timed(search), save));
    let pages = pages?;
    let not_cached = indexed?;
    timings.lap("render, index and write", &mut clock);
    timings.0.push(("  of which pages (beside the index)", rendered));
    timings.0.push(("  of which search index", indexing));
    let mut warnings = std::mem::take(&mut loaded.warnings);
    if let Some((result, took)) = saved {
        timings.0.push(("  of which the article cache", took));
        // The cache only saves time: a build goes on without it.
        if let Err(e) = result {
            warnings.push(cache::not_updated(&e));
        }
    }
    let written = staging
        .finish()
        .with_context(|| format!("cannot write the site to {}", output.display()))?;
    timings.lap("swap in", &mut clock);
    warnings.extend(not_cached);
    if let Err(e) = written.manifest.save(root, &output) {
        warnings.push(cache::not_updated(&e));
    }
    let report = BuildReport {
        timings,
        output,
        files: written.files,
        kept: written.kept,
        pages,
        articles: loaded.articles.len(),
        files_read: loaded.files_read,
        topics: loaded.config.topics.len(),
        terms: loaded.briefing.glossary.terms.len(),
        events: loaded.briefing.timeline.len(),
        warnings,
        elapsed: started.elapsed(),
    };
    drop_later((loaded, written.manifest, cache_save));
    Ok(report)
}
