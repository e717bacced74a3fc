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
use crate::config::Config;
use crate::parse::Article;
use crate::render::{article_url, topic_url, Page};
use crate::text::{escape_html, slugify};
use anyhow::Context as _;
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

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

/// Pagefind holds every record it indexes in memory, several times over
/// while it builds (about 45 times the records' size at its peak: 2.2 GB for
/// the 48 MB of records of 10,000 articles). So records are indexed in parts
/// of at most this many bytes, each written and dropped before the next; the
/// search page merges the parts (Pagefind's `mergeIndex`). The first part
/// holds the topics, so that their weights rank them among each other.
pub const PART_BYTES: usize = 12_000_000;

/// Lists the extra parts for the search page, `{"parts":["part-2/", …]}`,
/// relative to `pagefind/`.
pub const PARTS_FILE: &str = "parts.json";

/// Builds the search index of the whole briefing. Records are made in a fixed
/// order (topics as in `site.toml`, articles in content order, terms
/// alphabetically) and split into parts by size alone, which is what keeps
/// two builds' indexes byte-identical.
pub fn index(config: &Config, articles: &[Article], briefing: &Briefing) -> anyhow::Result<Vec<Page>> {
    index_in_parts(config, articles, briefing, PART_BYTES)
}

/// `index`, with parts of at most `part_bytes` of records (at least one
/// record each).
pub fn index_in_parts(
    config: &Config,
    articles: &[Article],
    briefing: &Briefing,
    part_bytes: usize,
) -> anyhow::Result<Vec<Page>> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .context("cannot start the search indexer")?;
    let mut parts: Vec<Vec<Record>> = vec![Vec::new()];
    let mut size = 0;
    for record in records(config, articles, briefing) {
        if size + record.html.len() > part_bytes && parts.last().is_some_and(|p| !p.is_empty()) {
            parts.push(Vec::new());
            size = 0;
        }
        size += record.html.len();
        if let Some(part) = parts.last_mut() {
            part.push(record);
        }
    }
    let mut pages = Vec::new();
    let mut extra = Vec::new();
    for (number, part) in parts.into_iter().enumerate() {
        let dir = if number == 0 {
            BUNDLE_DIR.to_string()
        } else {
            extra.push(format!("\"part-{}/\"", number + 1));
            format!("{BUNDLE_DIR}/part-{}", number + 1)
        };
        pages.extend(index_part(
            &runtime,
            &index_language(&config.language),
            part,
            &dir,
            number == 0,
        )?);
    }
    pages.push(Page::new(
        format!("{BUNDLE_DIR}/{PARTS_FILE}"),
        format!("{{\"parts\":[{}]}}\n", extra.join(",")).into_bytes(),
    ));
    Ok(pages)
}

/// One Pagefind index of `records`, its files under `dir`. The first part
/// carries the script and the WebAssembly; the others only their index, as
/// parts merged into the first one share its WebAssembly.
fn index_part(
    runtime: &tokio::runtime::Runtime,
    language: &str,
    records: Vec<Record>,
    dir: &str,
    first: bool,
) -> anyhow::Result<Vec<Page>> {
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

/// Every search record, in the order they are indexed.
pub fn records(config: &Config, articles: &[Article], briefing: &Briefing) -> Vec<Record> {
    let language = &index_language(&config.language);
    let mut out = Vec::with_capacity(config.topics.len() + articles.len() + briefing.glossary.terms.len());
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
    for article in articles {
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
        out.push(Record {
            url: article_url(&article.slug),
            html: close(html),
        });
    }
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

    #[test]
    fn index_is_byte_identical_twice_and_leaves_out_pagefinds_own_ui() -> anyhow::Result<()> {
        let loaded = bundled()?;
        let first = index(&loaded.config, &loaded.articles, &loaded.briefing)?;
        let second = index(&loaded.config, &loaded.articles, &loaded.briefing)?;
        assert_eq!(first, second);
        let paths: Vec<&str> = first.iter().map(|p| p.path.as_str()).collect();
        for needed in [
            "pagefind/pagefind.js",
            "pagefind/pagefind-worker.js",
            "pagefind/pagefind-entry.json",
            "pagefind/wasm.en.pagefind",
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
        assert_eq!(parts.map(|p| p.bytes.as_slice()), Some(&b"{\"parts\":[]}\n"[..]));
        Ok(())
    }

    #[test]
    fn a_large_briefing_is_indexed_in_parts_that_share_the_first_ones_script() -> anyhow::Result<()> {
        let loaded = bundled()?;
        let (config, articles, briefing) = (&loaded.config, &loaded.articles, &loaded.briefing);
        // Every article record is larger than 2 KB, so each is a part of its own.
        let pages = index_in_parts(config, articles, briefing, 2_000)?;
        let paths: Vec<&str> = pages.iter().map(|p| p.path.as_str()).collect();
        let listed = pages
            .iter()
            .find(|p| p.path == "pagefind/parts.json")
            .map(|p| String::from_utf8_lossy(&p.bytes).into_owned())
            .unwrap_or_default();
        let count = listed.matches("part-").count();
        assert!(count >= articles.len(), "{listed}");
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
        assert_eq!(pages, index_in_parts(config, articles, briefing, 2_000)?);
        Ok(())
    }
}
