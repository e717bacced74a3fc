//! Full-text search: topics, articles and glossary terms → a Pagefind index,
//! the files under `pagefind/` in the output, built at build time with
//! Pagefind's Rust API (no separate binary, no network).
//!
//! The index is built from the model, not from the rendered pages: each
//! topic, article and term becomes one small search record whose URL is its
//! real page (and passage anchor), so the index does not depend on the
//! project's templates or on the order pages are rendered in. Reads no files
//! and writes none: the caller writes the returned pages through `Staging`.

use crate::analyze::Briefing;
use crate::cache::Key;
use crate::config::Config;
use crate::parse::Article;
use crate::render::{article_url, topic_url, Emit, Page};
use crate::text::{escape_html, slugify};
use anyhow::Context as _;
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use xxhash_rust::xxh3::Xxh3;

/// Where the index goes in the output folder; the search page loads
/// `pagefind/pagefind.js` from here.
pub const BUNDLE_DIR: &str = "pagefind";

/// How strongly a word counts, by where it stands. Pagefind's weights run
/// from 0 to 10 (1 is plain text). A topic's title and aliases weigh most,
/// so searching an alias ("IPOI") finds the topic page before the passages
/// that mention it.
const TOPIC_NAME_WEIGHT: u8 = 10;
const TOPIC_SUMMARY_WEIGHT: u8 = 3;
const ARTICLE_TITLE_WEIGHT: u8 = 4;
const TERM_WEIGHT: u8 = 2;

/// Pagefind's own user interfaces are left out: the search page has its own
/// small script, and these would only add half a megabyte to every site.
const UNUSED_BUNDLE_FILES: [&str; 7] = [
    "pagefind-ui.js",
    "pagefind-ui.css",
    "pagefind-modular-ui.js",
    "pagefind-modular-ui.css",
    "pagefind-component-ui.js",
    "pagefind-component-ui.css",
    "pagefind-highlight.js",
];

/// One thing a reader can find: the page it lives on and the HTML Pagefind
/// reads (never published; only its words and excerpts end up in the index).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// Relative to the output root, as every link in the site is: Pagefind's
    /// script prefixes the folder the site is served from.
    pub url: String,
    pub html: String,
}

/// The language Pagefind indexes in: the primary subtag of `site.toml`'s
/// `language` ("pt" for "pt-BR"), or "unknown" when that is not 2–8 ASCII
/// letters. Pagefind picks its stemmer from it and puts it in file names; a
/// long or odd value made it panic (found by tests/hostile.rs).
fn index_language(language: &str) -> String {
    let primary = language.split(['-', '_']).next().unwrap_or_default();
    if (2..=8).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        primary.to_ascii_lowercase()
    } else {
        "unknown".to_string()
    }
}

/// How the index is split into parts, each a Pagefind index of its own that
/// the search page merges (Pagefind's `mergeIndex`).
///
/// Pagefind holds every record it indexes in memory, several times over
/// while it builds (about 45 times the records' size at its peak), and takes
/// about 0.3 s per megabyte of records: so parts are bounded, built two at a
/// time, and a part whose records did not change is not built again but kept
/// from the previous site. For that to pay as articles arrive, the split must
/// not move when one is added at the end: articles (in content order) are cut
/// into full blocks of `block`, then what is left into halves, quarters, …
/// down to `smallest`, then the rest, like the digits of a binary counter.
/// Adding an article changes only the last, small part, except on a carry
/// (every `smallest` articles), when the parts below it merge. Editing an
/// article changes only its part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartLimits {
    /// Articles in a full block.
    pub block: usize,
    /// The smallest tier: fewer articles than this form the last part.
    pub smallest: usize,
    /// Records in one part, at most (a block with more is cut greedily): what
    /// bounds memory when articles are long.
    pub bytes: usize,
}

/// A block of 2,048 synthetic articles is about 10 MB of records: about
/// 450 MB while Pagefind indexes it, and 3 s.
pub const PARTS: PartLimits = PartLimits {
    block: 2048,
    smallest: 64,
    bytes: 12_000_000,
};

/// Lists the extra parts for the search page, `{"parts":["part-2/", …]}`,
/// relative to `pagefind/`.
pub const PARTS_FILE: &str = "parts.json";

/// Bump when records or their indexing change without the crate version
/// changing, so that no part is kept from a site built the old way.
const FORMAT: u32 = 1;

/// The files of a part whose key matches the previous site's, if that site
/// still holds every one of them unchanged (see `output::Staging::kept_files`).
pub type Reuse<'r> = &'r (dyn Fn(Key) -> Option<Vec<String>> + Sync);

/// The articles of each part, as index ranges into the articles in content
/// order: full blocks, then binary tiers, then the rest (see [`PartLimits`]).
/// Cut further by bytes in `index_in_parts`.
pub fn article_blocks(count: usize, limits: PartLimits) -> Vec<std::ops::Range<usize>> {
    let mut blocks = Vec::new();
    let mut start = 0;
    while count - start >= limits.block {
        blocks.push(start..start + limits.block);
        start += limits.block;
    }
    let mut tier = limits.block / 2;
    while tier >= limits.smallest.max(1) {
        if count - start >= tier {
            blocks.push(start..start + tier);
            start += tier;
        }
        tier /= 2;
    }
    if start < count {
        blocks.push(start..count);
    }
    blocks
}

/// Builds the search index of the whole briefing, handing its files to
/// `emit`. The first part holds the topics and the glossary terms (so that
/// their weights rank them among each other) and carries the script; the
/// articles follow in parts (see [`PartLimits`]). Records are made in a
/// fixed order and parts are cut by counts and sizes alone, which is what
/// keeps two builds' indexes byte-identical.
pub fn index(
    config: &Config,
    articles: &[Article],
    briefing: &Briefing,
    reuse: Reuse,
    emit: Emit,
) -> anyhow::Result<()> {
    index_in_parts(config, articles, briefing, PARTS, reuse, emit)
}

/// `index`, split by `limits`.
pub fn index_in_parts(
    config: &Config,
    articles: &[Article],
    briefing: &Briefing,
    limits: PartLimits,
    reuse: Reuse,
    emit: Emit,
) -> anyhow::Result<()> {
    let language = index_language(&config.language);
    // Article records are made part by part, as each is indexed, so only the
    // records of the parts being indexed (one per core) are in memory.
    let mut parts: Vec<Vec<&Article>> = Vec::new();
    for block in article_blocks(articles.len(), limits) {
        let mut size = 0;
        let mut part: Vec<&Article> = Vec::new();
        for article in &articles[block] {
            let bytes = record_size(article);
            if size + bytes > limits.bytes && !part.is_empty() {
                parts.push(std::mem::take(&mut part));
                size = 0;
            }
            size += bytes;
            part.push(article);
        }
        parts.push(part);
    }
    let dirs: Vec<String> = (0..=parts.len())
        .map(|n| match n {
            0 => BUNDLE_DIR.to_string(),
            n => format!("{BUNDLE_DIR}/part-{}", n + 1),
        })
        .collect();
    let listed: Vec<String> = (2..=parts.len() + 1).map(|n| format!("\"part-{n}/\"")).collect();
    emit(Page::new(
        format!("{BUNDLE_DIR}/{PARTS_FILE}"),
        format!("{{\"parts\":[{}]}}\n", listed.join(",")).into_bytes(),
    ))?;
    let first = || {
        topic_records(&language, config)
            .into_iter()
            .chain(term_records(&language, briefing))
            .collect()
    };
    let jobs: Vec<(Option<&Vec<&Article>>, &String)> =
        std::iter::once(None).chain(parts.iter().map(Some)).zip(&dirs).collect();
    let index_one = |(part, dir): (Option<&Vec<&Article>>, &String)| -> anyhow::Result<()> {
        let records: Vec<Record> = match part {
            None => first(),
            Some(part) => part.iter().map(|a| article_record(&language, a)).collect(),
        };
        let key = part_key(&language, dir, &records);
        if let Some(paths) = reuse(key) {
            for path in paths {
                emit(Page::kept(path, key))?;
            }
            return Ok(());
        }
        for page in index_part(&language, records, dir, part.is_none())? {
            emit(page.with_key(key))?;
        }
        Ok(())
    };
    // Parts are taken by plain threads, one per core, not by rayon tasks:
    // Pagefind runs rayon inside, and a rayon worker waiting there would
    // steal and start another part, holding several parts in memory at once
    // (5.3 GB at 100,000 articles). Each thread gives Pagefind a one-thread
    // pool of its own, so a part is indexed on the thread that took it.
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let workers = rayon::current_num_threads().clamp(1, jobs.len());
    std::thread::scope(|scope| {
        let threads: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| -> anyhow::Result<()> {
                    let pool = rayon::ThreadPoolBuilder::new()
                        .num_threads(1)
                        .thread_name(|_| "search".to_string())
                        .build()
                        .context("cannot start the search indexer")?;
                    while !failed.load(Ordering::Relaxed) {
                        let Some(&job) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) else {
                            break;
                        };
                        pool.install(|| index_one(job))
                            .inspect_err(|_| failed.store(true, Ordering::Relaxed))?;
                    }
                    Ok(())
                })
            })
            .collect();
        threads.into_iter().try_for_each(|thread| {
            thread
                .join()
                .map_err(|_| anyhow::anyhow!("the search indexer crashed"))?
        })
    })
}

/// What a part's files are made from: its records, where it goes, and how
/// they are indexed.
fn part_key(language: &str, dir: &str, records: &[Record]) -> Key {
    let mut hasher = Xxh3::new();
    for text in [env!("CARGO_PKG_VERSION"), language, dir] {
        hasher.update(&(text.len() as u64).to_le_bytes());
        hasher.update(text.as_bytes());
    }
    hasher.update(&FORMAT.to_le_bytes());
    for record in records {
        for text in [&record.url, &record.html] {
            hasher.update(&(text.len() as u64).to_le_bytes());
            hasher.update(text.as_bytes());
        }
    }
    hasher.digest128()
}

/// One Pagefind index of `records`, its files under `dir`. The first part
/// carries the script and the WebAssembly; the others only their index, as
/// parts merged into the first one share its WebAssembly.
fn index_part(language: &str, records: Vec<Record>, dir: &str, first: bool) -> anyhow::Result<Vec<Page>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("cannot start the search indexer")?;
    let files = runtime.block_on(async {
        let options = PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language(language.to_string())
            .build();
        let mut index = PagefindIndex::new(Some(options))?;
        for record in records {
            index
                .add_html_file(None, Some(format!("/{}", record.url)), record.html)
                .await
                .with_context(|| format!("cannot index {}", record.url))?;
        }
        index.get_files().await
    })?;
    let names: Vec<String> = files
        .iter()
        .map(|file| file.filename.to_string_lossy().replace('\\', "/"))
        .collect();
    // The stemmer-less WebAssembly is needed only for a language Pagefind
    // has no stemmer for, when no `wasm.<language>.pagefind` is written.
    let has_language_wasm = names
        .iter()
        .any(|n| n.starts_with("wasm.") && n != "wasm.unknown.pagefind");
    Ok(files
        .into_iter()
        .zip(names)
        .filter_map(|(file, name)| {
            let script = name.starts_with("wasm.") || name == "pagefind.js" || name == "pagefind-worker.js";
            let unused = UNUSED_BUNDLE_FILES.contains(&name.as_str())
                || name.starts_with("playground/")
                || (has_language_wasm && name == "wasm.unknown.pagefind")
                || (!first && script);
            (!unused).then(|| Page::new(format!("{dir}/{name}"), file.contents))
        })
        .collect())
}

/// Every search record, in the order they are indexed: topics, articles, terms.
pub fn records(config: &Config, articles: &[Article], briefing: &Briefing) -> Vec<Record> {
    let language = &index_language(&config.language);
    let mut out = topic_records(language, config);
    out.extend(articles.iter().map(|a| article_record(language, a)));
    out.extend(term_records(language, briefing));
    out
}

fn topic_records(language: &str, config: &Config) -> Vec<Record> {
    let mut out = Vec::with_capacity(config.topics.len());
    for topic in &config.topics {
        let mut html = open(language, "Topic");
        tag(&mut html, "h1", TOPIC_NAME_WEIGHT, &topic.title);
        let aliases: Vec<&str> = topic
            .aliases
            .iter()
            .map(String::as_str)
            .filter(|alias| !alias.eq_ignore_ascii_case(&topic.title))
            .collect();
        if !topic.summary.is_empty() {
            tag(&mut html, "p", TOPIC_SUMMARY_WEIGHT, &topic.summary);
        }
        if !aliases.is_empty() {
            // After the summary, so that an excerpt around an alias reads
            // "…its connectivity pillar. Also called IPOI".
            tag(
                &mut html,
                "p",
                TOPIC_NAME_WEIGHT,
                &format!("Also called {}", aliases.join(", ")),
            );
            // Pagefind ranks a match in a page's metadata above any in its
            // text; the search page weighs `aliases` above the title.
            html.push_str("<p data-pagefind-ignore data-pagefind-meta=\"aliases\">");
            escape_html(&aliases.join(", "), &mut html);
            html.push_str("</p>");
        }
        out.push(Record {
            url: topic_url(&topic.slug),
            html: close(html),
        });
    }
    out
}

fn term_records(language: &str, briefing: &Briefing) -> Vec<Record> {
    let mut out = Vec::with_capacity(briefing.glossary.terms.len());
    for term in &briefing.glossary.terms {
        let mut html = open(language, "Glossary");
        html.push_str("<p data-pagefind-ignore data-pagefind-meta=\"title\">");
        escape_html(&term.short, &mut html);
        html.push_str("</p>");
        tag(&mut html, "p", TERM_WEIGHT, &format!("{}: {}", term.short, term.long));
        out.push(Record {
            url: format!("glossary/index.html#term-{}", slugify(&term.short)),
            html: close(html),
        });
    }
    out
}

/// Roughly the size of an article's record, without making it.
fn record_size(article: &Article) -> usize {
    256 + article.title.len() + article.passages.iter().map(|p| p.text.len() + 48).sum::<usize>()
}

/// An article's record: a sub-result per passage.
fn article_record(language: &str, article: &Article) -> Record {
    let mut html = open(language, "Source article");
    tag(&mut html, "h1", ARTICLE_TITLE_WEIGHT, &article.title);
    let about: Vec<String> = article
        .date
        .map(|d| format!("{} {} {}", d.day(), d.month(), d.year()))
        .into_iter()
        .chain(article.source.clone())
        .collect();
    if !about.is_empty() {
        // Shown with the result, not searched.
        html.push_str("<p data-pagefind-ignore data-pagefind-meta=\"about\">");
        escape_html(&about.join(" · "), &mut html);
        html.push_str("</p>");
    }
    for passage in &article.passages {
        // An element with an id and a title is a sub-result: a hit in
        // this passage links to it (`#p3`), not just to the article.
        let number = passage.id.trim_start_matches('p');
        html.push_str(&format!(
            "<p id=\"{}\" data-pagefind-title=\"¶{}\">",
            crate::text::escaped(&passage.id),
            crate::text::escaped(number)
        ));
        escape_html(&passage.text, &mut html);
        html.push_str("</p>");
    }
    Record {
        url: article_url(&article.slug),
        html: close(html),
    }
}

/// The start of a record: its language (Pagefind picks its stemmer from
/// `lang`) and what kind of page it is, shown with each result.
fn open(language: &str, kind: &str) -> String {
    format!(
        "<!doctype html><html lang=\"{}\"><body><p data-pagefind-ignore data-pagefind-meta=\"kind\">{kind}</p>",
        crate::text::escaped(language)
    )
}

fn close(mut html: String) -> String {
    html.push_str("</body></html>");
    html
}

fn tag(html: &mut String, name: &str, weight: u8, text: &str) {
    if weight == 1 {
        html.push_str(&format!("<{name}>"));
    } else {
        html.push_str(&format!("<{name} data-pagefind-weight=\"{weight}\">"));
    }
    escape_html(text, html);
    html.push_str(&format!("</{name}>"));
}

#[cfg(test)]
mod tests {

    #[test]
    fn index_language_is_a_short_tag_or_unknown() {
        assert_eq!(index_language("en"), "en");
        assert_eq!(index_language("pt-BR"), "pt");
        assert_eq!(index_language("en\" onmouseover=\"alert(1)"), "unknown");
        assert_eq!(index_language(&"x".repeat(60)), "unknown");
        assert_eq!(index_language(""), "unknown");
    }

    use super::*;

    fn bundled() -> anyhow::Result<crate::Loaded> {
        Ok(crate::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), None)?)
    }

    #[test]
    fn records_cover_topics_articles_and_terms_in_order() -> anyhow::Result<()> {
        let loaded = bundled()?;
        let (config, articles, briefing) = (&loaded.config, &loaded.articles, &loaded.briefing);
        let records = records(config, articles, briefing);
        let expected: Vec<String> = config
            .topics
            .iter()
            .map(|t| topic_url(&t.slug))
            .chain(articles.iter().map(|a| article_url(&a.slug)))
            .chain(
                briefing
                    .glossary
                    .terms
                    .iter()
                    .map(|t| format!("glossary/index.html#term-{}", slugify(&t.short))),
            )
            .collect();
        let urls: Vec<&str> = records.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(urls, expected);

        // The IPOI topic: its alias is weighted text and metadata.
        let ipoi = records
            .iter()
            .find(|r| r.url == "topics/ipoi/index.html")
            .ok_or_else(|| anyhow::anyhow!("no IPOI record"))?;
        assert!(ipoi.html.contains("data-pagefind-meta=\"aliases\""), "{}", ipoi.html);
        assert!(
            ipoi.html.contains("data-pagefind-weight=\"10\">Also called"),
            "{}",
            ipoi.html
        );

        // Every passage of an article is a sub-result anchored at its id.
        let article = &articles[0];
        let record = &records[config.topics.len()];
        for passage in &article.passages {
            let number = passage.id.trim_start_matches('p');
            let anchor = format!("<p id=\"{}\" data-pagefind-title=\"¶{number}\">", passage.id);
            assert!(record.html.contains(&anchor), "{anchor} missing");
        }
        Ok(())
    }

    /// The index's pages, none kept.
    fn pages(loaded: &crate::Loaded, limits: PartLimits) -> anyhow::Result<Vec<Page>> {
        pages_reusing(loaded, limits, &|_| None)
    }

    /// The index's pages in path order, taking what `reuse` offers.
    fn pages_reusing(loaded: &crate::Loaded, limits: PartLimits, reuse: Reuse) -> anyhow::Result<Vec<Page>> {
        let pages = std::sync::Mutex::new(Vec::new());
        index_in_parts(
            &loaded.config,
            &loaded.articles,
            &loaded.briefing,
            limits,
            reuse,
            &|page| {
                pages.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.push(page);
                Ok(())
            },
        )?;
        let mut pages = pages.into_inner().map_err(|_| anyhow::anyhow!("poisoned"))?;
        pages.sort_by(|a, b| a.path.cmp(&b.path));
        Ok(pages)
    }

    #[test]
    fn index_is_byte_identical_twice_and_leaves_out_pagefinds_own_ui() -> anyhow::Result<()> {
        let loaded = bundled()?;
        let first = pages(&loaded, PARTS)?;
        let second = pages(&loaded, PARTS)?;
        assert_eq!(first, second);
        let paths: Vec<&str> = first.iter().map(|p| p.path.as_str()).collect();
        for needed in [
            "pagefind/pagefind.js",
            "pagefind/pagefind-worker.js",
            "pagefind/pagefind-entry.json",
            "pagefind/wasm.en.pagefind",
            "pagefind/part-2/pagefind-entry.json",
        ] {
            assert!(paths.contains(&needed), "{needed} missing from {paths:?}");
        }
        for suffix in [".pf_meta", ".pf_index", ".pf_fragment"] {
            assert!(paths.iter().any(|p| p.ends_with(suffix)), "no {suffix} in {paths:?}");
        }
        for unused in UNUSED_BUNDLE_FILES.iter().chain(&["wasm.unknown.pagefind"]) {
            assert!(
                !paths.contains(&format!("{BUNDLE_DIR}/{unused}").as_str()),
                "{unused} written"
            );
        }
        assert!(paths
            .iter()
            .all(|p| p.starts_with("pagefind/") && !p.contains("playground")));
        let parts = first.iter().find(|p| p.path == "pagefind/parts.json");
        assert_eq!(
            parts.map(|p| p.bytes.as_slice()),
            Some(&b"{\"parts\":[\"part-2/\"]}\n"[..])
        );
        Ok(())
    }

    #[test]
    fn a_large_briefing_is_indexed_in_parts_that_share_the_first_ones_script() -> anyhow::Result<()> {
        let loaded = bundled()?;
        // Every article record is larger than 2 KB, so each is a part of its own.
        let limits = PartLimits { bytes: 2_000, ..PARTS };
        let pages = pages(&loaded, limits)?;
        let paths: Vec<&str> = pages.iter().map(|p| p.path.as_str()).collect();
        let listed = pages
            .iter()
            .find(|p| p.path == "pagefind/parts.json")
            .map(|p| String::from_utf8_lossy(&p.bytes).into_owned())
            .unwrap_or_default();
        let count = listed.matches("part-").count();
        assert_eq!(count, loaded.articles.len(), "{listed}");
        for k in 2..=count + 1 {
            let dir = format!("pagefind/part-{k}/");
            assert!(listed.contains(&format!("\"part-{k}/\"")), "{listed}");
            assert!(
                paths.contains(&format!("{dir}pagefind-entry.json").as_str()),
                "{dir}: no entry"
            );
            let script = |p: &&str| p.starts_with(&dir) && (p.contains("/wasm.") || p.ends_with(".js"));
            assert!(!paths.iter().any(script), "{dir} repeats the script");
        }
        assert_eq!(pages, self::pages(&loaded, limits)?);
        Ok(())
    }

    #[test]
    fn an_unchanged_part_is_kept_and_an_edit_rebuilds_only_its_own() -> anyhow::Result<()> {
        let mut loaded = bundled()?;
        let limits = PartLimits { bytes: 2_000, ..PARTS };
        let before = pages(&loaded, limits)?;
        // What a previous site's manifest would offer: the files made from a key.
        let reuse = |key: Key| {
            let paths: Vec<String> = before
                .iter()
                .filter(|p| p.key == Some(key))
                .map(|p| p.path.clone())
                .collect();
            (!paths.is_empty()).then_some(paths)
        };
        let again = pages_reusing(&loaded, limits, &reuse)?;
        let rebuilt: Vec<&str> = again.iter().filter(|p| !p.kept).map(|p| p.path.as_str()).collect();
        assert_eq!(rebuilt, ["pagefind/parts.json"]);
        let paths = |pages: &[Page]| pages.iter().map(|p| p.path.clone()).collect::<Vec<_>>();
        assert_eq!(paths(&again), paths(&before));

        // An edit to the last article: only its part (the last) is indexed again.
        let last = loaded.articles.len() + 1;
        if let Some(passage) = loaded.articles.last_mut().and_then(|a| a.passages.first_mut()) {
            passage.text.push_str(" Quokkas were also discussed.");
        }
        let edited = pages_reusing(&loaded, limits, &reuse)?;
        let rebuilt: Vec<&str> = edited
            .iter()
            .filter(|p| !p.kept && p.path != "pagefind/parts.json")
            .map(|p| p.path.as_str())
            .collect();
        assert!(!rebuilt.is_empty());
        let own = format!("pagefind/part-{last}/");
        assert!(rebuilt.iter().all(|p| p.starts_with(&own)), "{rebuilt:?}");
        Ok(())
    }

    #[test]
    fn article_blocks_cover_every_article_and_move_only_at_the_end() {
        let limits = PartLimits {
            block: 16,
            smallest: 2,
            bytes: usize::MAX,
        };
        let mut before = article_blocks(0, limits);
        assert!(before.is_empty());
        for count in 1..200 {
            let blocks = article_blocks(count, limits);
            // Contiguous, in order, covering 0..count, none larger than a block.
            let mut next = 0;
            for block in &blocks {
                assert_eq!(block.start, next, "{count}: {blocks:?}");
                assert!(!block.is_empty() && block.len() <= limits.block, "{count}: {blocks:?}");
                next = block.end;
            }
            assert_eq!(next, count);
            // Full blocks, one per tier at most (16 → 8, 4, 2), then the rest.
            assert!(blocks.len() <= count / 16 + 4, "{count}: {blocks:?}");
            // One more article changes only the last part, except on a carry.
            if count % limits.smallest != 0 {
                let kept = blocks.len() - 1;
                assert_eq!(blocks[..kept], before[..kept.min(before.len())], "{count}");
            }
            // The full blocks never move.
            let full = count / limits.block;
            assert!(blocks[..full].iter().all(|b| b.len() == limits.block));
            before = blocks;
        }
        assert_eq!(article_blocks(45, limits), [0..16, 16..32, 32..40, 40..44, 44..45]);
    }
}
