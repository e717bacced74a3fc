//! `briefing add`: files a newly arrived article under `content/articles/` with
//! a dated, slugged name and a front-matter block. Never overwrites a file and
//! refuses a text that is already in the briefing.

use crate::analyze::matcher::Matcher;
use crate::config::Config;
use crate::parse::{self, Highlighter, ParseOptions};
use crate::source::SourceFile;
use crate::text::slugify;
use anyhow::{bail, Context as _};
use rustc_hash::FxHasher;
use std::fs;
use std::hash::Hasher;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use time::Date;

/// What the user said about the article, beyond its text.
#[derive(Debug, Clone, Default)]
pub struct AddOptions {
    pub date: Option<Date>,
    pub title: Option<String>,
    pub source: Option<String>,
    pub url: Option<String>,
}

/// Where an article went and what it feeds.
#[derive(Debug, Clone)]
pub struct Added {
    pub path: PathBuf,
    pub title: String,
    pub date: Date,
    pub topics: Vec<String>,
}

/// Slugs longer than this are cut at a hyphen: file names stay readable.
const MAX_SLUG: usize = 60;

/// Adds one article's raw bytes to the project at `root`. `today` is the date
/// used when neither the options nor the text give one.
pub fn add_article(
    root: &Path,
    config: &Config,
    bytes: &[u8],
    options: &AddOptions,
    today: Date,
) -> anyhow::Result<Added> {
    let text = parse::decode("the new article", bytes).map_err(|d| anyhow::anyhow!(d.message))?;
    let text = parse::normalise_line_ends(&text);
    if text.trim().is_empty() {
        bail!("the article is empty");
    }
    let (front, body, _) =
        parse::split_front_matter("the new article", &text).map_err(|d| anyhow::anyhow!(d.to_string()))?;
    let folder = root.join("content/articles");
    let fingerprint = fingerprint(body);
    if let Some(existing) = find_same_text(&folder, fingerprint)? {
        bail!(
            "the same text is already in the briefing as {}: not added again",
            existing.display()
        );
    }

    // Read the text as `build` would, to guess a title and see its topics.
    let highlighter = Highlighter::new();
    let probe = SourceFile {
        rel: "new.txt".into(),
        bytes: body.as_bytes().to_vec(),
    };
    let parse_options = ParseOptions {
        allow_html: config.allow_html,
        highlighter: &highlighter,
    };
    let (article, _) = parse::parse_article(&probe, &parse_options)
        .map_err(|errors| anyhow::anyhow!(errors.into_iter().map(|d| d.message).collect::<Vec<_>>().join("; ")))?;
    let title = options
        .title
        .clone()
        .or(front.title.clone())
        .unwrap_or(article.title.clone());
    let date = options.date.or(front.date).unwrap_or(today);
    let source = options.source.clone().or(front.source.clone());
    let url = options.url.clone().or(front.url.clone());

    let matcher = Matcher::new(&config.topics)?;
    let mut topics: Vec<usize> = article
        .passages()
        .iter()
        .flat_map(|p| matcher.topics_in(&p.text))
        .collect();
    topics.sort_unstable();
    topics.dedup();

    let mut table = toml::Table::new();
    table.insert("title".into(), toml::Value::String(title.clone()));
    let date_text = format!("{:04}-{:02}-{:02}", date.year(), date.month() as u8, date.day());
    let toml_date: toml::value::Datetime = date_text.parse().context("cannot write the date")?;
    table.insert("date".into(), toml::Value::Datetime(toml_date));
    if let Some(source) = source {
        table.insert("source".into(), toml::Value::String(source));
    }
    if let Some(url) = url {
        table.insert("url".into(), toml::Value::String(url));
    }
    let front_matter = toml::to_string(&table).context("cannot write the front matter")?;
    let contents = format!("+++\n{front_matter}+++\n{body}");

    fs::create_dir_all(&folder).with_context(|| format!("cannot create {}", folder.display()))?;
    let mut slug = slugify(&title);
    if slug.len() > MAX_SLUG {
        let cut = slug[..MAX_SLUG].rfind('-').unwrap_or(MAX_SLUG);
        slug.truncate(cut);
    }
    if slug.is_empty() {
        slug = "article".into();
    }
    // `create_new` makes the "never overwrite" promise hold even against a
    // file that appears between our check and our write.
    for n in 1.. {
        let name = if n == 1 {
            format!("{date_text}-{slug}.txt")
        } else {
            format!("{date_text}-{slug}-{n}.txt")
        };
        let path = folder.join(name);
        match fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut file) => {
                file.write_all(contents.as_bytes())
                    .with_context(|| format!("cannot write {}", path.display()))?;
                return Ok(Added {
                    path,
                    title,
                    date,
                    topics: topics.into_iter().map(|t| config.topics[t].slug.clone()).collect(),
                });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e).with_context(|| format!("cannot create {}", path.display())),
        }
    }
    unreachable!("the loop above returns")
}

/// A fingerprint of an article's body, blind to line ends and surrounding
/// white space, so the same text pasted twice is recognised.
fn fingerprint(body: &str) -> u64 {
    let mut hasher = FxHasher::default();
    for line in body.trim().lines() {
        hasher.write(line.trim_end().as_bytes());
        hasher.write_u8(b'\n');
    }
    hasher.finish()
}

/// An existing article whose body has the same fingerprint.
fn find_same_text(folder: &Path, fingerprint_of_new: u64) -> anyhow::Result<Option<PathBuf>> {
    if !folder.is_dir() {
        return Ok(None);
    }
    for entry in walkdir::WalkDir::new(folder).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read {}", folder.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let Ok(bytes) = fs::read(entry.path()) else { continue };
        let Ok(text) = parse::decode("", &bytes) else { continue };
        let text = parse::normalise_line_ends(&text);
        let body = parse::split_front_matter("", &text).map_or(text.as_str(), |(_, body, _)| body);
        if fingerprint(body) == fingerprint_of_new {
            return Ok(Some(entry.into_path()));
        }
    }
    Ok(None)
}
