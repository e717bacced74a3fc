//! &Briefing + templates → pages. Builds one typed, serialisable context per
//! page and hands it to Tera. Reads no files (templates are loaded by the caller
//! through `Templates::load`) and writes none.

use crate::analyze::glossary::Glossary;
use crate::analyze::matcher::{on_word_boundaries, Matcher, Mention};
use crate::analyze::{Briefing, PassageRef};
use crate::cache::Key;
use crate::config::Config;
use crate::parse::{Article, Block, Run};
use crate::text::{escape_html, excerpt};
use anyhow::{anyhow, Context as _};
use rayon::prelude::*;
use serde::Serialize;
use std::path::Path;
use tera::{Context, Tera};
use time::Date;
use xxhash_rust::xxh3::Xxh3;

/// One output file, its path relative to the output folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub path: String,
    pub bytes: Vec<u8>,
    /// For pages whose inputs are fingerprinted (article pages and topic
    /// archive pages): the fingerprint. Equal keys give equal bytes.
    pub key: Option<Key>,
    /// The previous site holds this page made from the same key, so it was
    /// not rendered again: `bytes` is empty and the previous file is kept.
    pub kept: bool,
}

impl Page {
    /// A page rendered now, with no fingerprint.
    pub fn new(path: impl Into<String>, bytes: Vec<u8>) -> Page {
        Page {
            path: path.into(),
            bytes,
            key: None,
            kept: false,
        }
    }

    /// This page, made from inputs whose fingerprint is `key`.
    pub fn with_key(self, key: Key) -> Page {
        Page { key: Some(key), ..self }
    }

    /// A page not rendered again: the previous site's file at `path`, made
    /// from `key`, is kept.
    pub fn kept(path: impl Into<String>, key: Key) -> Page {
        Page {
            kept: true,
            ..Page::new(path, Vec::new()).with_key(key)
        }
    }
}

/// Does the previous site hold the page at this path, made from this key?
pub type Previous<'p> = &'p (dyn Fn(&str, Key) -> bool + Sync);

/// The default templates, compiled in so a project without `templates/` builds,
/// and so `briefing new` can write them out for editing.
pub const BUILTIN_TEMPLATES: [(&str, &str); 17] = [
    ("base.html", include_str!("../templates/base.html")),
    ("index.html", include_str!("../templates/index.html")),
    ("topic.html", include_str!("../templates/topic.html")),
    ("topics.html", include_str!("../templates/topics.html")),
    ("article.html", include_str!("../templates/article.html")),
    ("archive_nav.html", include_str!("../templates/archive_nav.html")),
    ("passage_tags.html", include_str!("../templates/passage_tags.html")),
    ("articles.html", include_str!("../templates/articles.html")),
    ("events.html", include_str!("../templates/events.html")),
    ("glossary.html", include_str!("../templates/glossary.html")),
    ("timeline.html", include_str!("../templates/timeline.html")),
    ("search.html", include_str!("../templates/search.html")),
    ("print.html", include_str!("../templates/print.html")),
    ("404.html", include_str!("../templates/404.html")),
    ("atom.xml", include_str!("../templates/atom.xml")),
    ("sitemap.xml", include_str!("../templates/sitemap.xml")),
    ("sitemap_index.xml", include_str!("../templates/sitemap_index.xml")),
];

/// Tera with the built-in templates, overridden by the project's `templates/`.
pub struct Templates {
    tera: Tera,
    /// A fingerprint of every template's source.
    key: Key,
    /// Whether `sitemap.xml` is the built-in template (see `sitemap_xml`).
    builtin_sitemap: bool,
}

impl Templates {
    /// Loads and compiles every template up front, so a syntax error stops the
    /// build before anything is rendered. Errors name the template and line.
    pub fn load(templates_dir: &Path) -> anyhow::Result<Templates> {
        let mut sources: Vec<(String, String)> = BUILTIN_TEMPLATES
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        let mut user = std::collections::BTreeSet::new();
        if templates_dir.is_dir() {
            let mut entries: Vec<_> = std::fs::read_dir(templates_dir)
                .with_context(|| format!("cannot read {}", templates_dir.display()))?
                .collect::<Result<_, _>>()
                .with_context(|| format!("cannot read {}", templates_dir.display()))?;
            entries.sort_by_key(|e| e.file_name());
            for entry in entries {
                let path = entry.path();
                let is_template = path
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| matches!(e, "html" | "xml"));
                if !is_template || !path.is_file() {
                    continue;
                }
                let name = entry.file_name().to_string_lossy().to_string();
                let source = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read template {}", path.display()))?;
                sources.retain(|(n, _)| n != &name);
                user.insert(name.clone());
                sources.push((name, source));
            }
        }
        let mut hasher = Xxh3::new();
        for (name, source) in &sources {
            hasher.update(name.as_bytes());
            hasher.update(&[0]);
            hasher.update(source.as_bytes());
            hasher.update(&[0]);
        }
        let key = hasher.digest128();
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default escaper also escapes `/`, which bloats every link and
        // is not needed for safety; ours escapes & < > " ' only.
        tera.set_escape_fn(escape_for_tera);
        crate::template_check::check(&tera, &sources, &user)?;
        let builtin_sitemap = !user.contains("sitemap.xml");
        tera.add_raw_templates(sources)
            .map_err(|e| anyhow!(tera_chain(&e)))
            .context("a template in templates/ has an error")?;
        Ok(Templates {
            tera,
            key,
            builtin_sitemap,
        })
    }

    fn render(&self, name: &str, context: &impl Serialize) -> anyhow::Result<Vec<u8>> {
        let mut context = Context::from_serialize(context).map_err(|e| anyhow!(tera_chain(&e)))?;
        // `root` beside `page.root`: every link starts with it, and Tera finds
        // a one-word name directly but walks a dotted one with two string
        // copies per step (3% of a build's instructions, counted at 1,000 articles).
        if let Some(root) = context.get("page").and_then(|page| page.get("root")).cloned() {
            context.insert("root", &root);
        }
        self.tera
            .render(name, &context)
            .map(String::into_bytes)
            .map_err(|e| anyhow!("templates/{name}: {}", tera_chain(&e)))
    }
}

fn escape_for_tera(text: &str) -> String {
    crate::text::escaped(text)
}

/// Tera keeps the useful detail (line, column, what was expected) deep in its
/// error chain; flatten it into one message.
fn tera_chain(error: &tera::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        parts.push(e.to_string());
        source = e.source();
    }
    parts.join(": ")
}

#[derive(Serialize)]
struct SiteView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: &'a str,
    language: &'a str,
}

#[derive(Serialize)]
struct PageView {
    /// Prefix that leads from this page back to the output root ("", "../", …).
    root: String,
    title: String,
    description: String,
    canonical: String,
    kind: &'static str,
}

#[derive(Serialize, Clone)]
struct TopicLink<'a> {
    slug: &'a str,
    title: &'a str,
    url: String,
}

#[derive(Serialize)]
struct TopicCard<'a> {
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    url: String,
    passages: usize,
    sources: usize,
    updated: Option<DateView>,
    updated_by: Option<ArticleLink<'a>>,
}

#[derive(Serialize, Clone)]
struct DateView {
    iso: String,
    text: String,
}

#[derive(Serialize, Clone)]
struct ArticleLink<'a> {
    slug: &'a str,
    title: &'a str,
    url: String,
}

#[derive(Serialize)]
struct ArticleCard<'a> {
    slug: &'a str,
    title: &'a str,
    url: String,
    date: Option<DateView>,
    source: Option<&'a str>,
    original_url: Option<&'a str>,
    passages: usize,
    topics: Vec<TopicLink<'a>>,
}

#[derive(Serialize)]
struct PassageView<'a> {
    id: &'a str,
    html: String,
    /// The passage on its article page, relative to the output root.
    href: String,
    topics: Vec<TopicLink<'a>>,
    /// Passages of other articles that state the same fact.
    also_reported_by: Vec<SourceCitations<'a>>,
}

/// A link to a place on an article page.
#[derive(Serialize)]
struct CitationView<'a> {
    title: &'a str,
    /// The title cut short, for citations inside running text.
    label: String,
    href: String,
    /// "¶8" for a passage, "§" for a heading.
    mark: String,
    date: Option<DateView>,
}

/// Several places in one article, cited together: "Title ¶2, ¶5".
#[derive(Serialize)]
struct SourceCitations<'a> {
    title: &'a str,
    label: String,
    links: Vec<CitationView<'a>>,
}

#[derive(Serialize)]
struct KeyPointView<'a> {
    html: String,
    cite: CitationView<'a>,
    /// Other articles that corroborate it.
    support: usize,
}

#[derive(Serialize)]
struct EventView<'a> {
    id: String,
    /// The event's entry on the timeline, relative to the output root.
    href: String,
    /// Sources beyond the ones listed.
    more_sources: usize,
    datetime: String,
    label: String,
    html: String,
    sources: Vec<SourceCitations<'a>>,
    topics: Vec<TopicLink<'a>>,
}

#[derive(Serialize)]
struct TermView<'a> {
    id: String,
    short: &'a str,
    long: &'a str,
    topic: Option<TopicLink<'a>>,
    defined_in: Vec<SourceCitations<'a>>,
    /// Places it is defined beyond the ones listed.
    more_definitions: usize,
}

#[derive(Serialize)]
struct SourceGroup<'a> {
    article: ArticleCard<'a>,
    passages: Vec<PassageView<'a>>,
}

#[derive(Serialize)]
struct RelatedView<'a> {
    topic: TopicLink<'a>,
    shared: usize,
}

/// Where a page stands among the archive pages of a long list.
#[derive(Serialize)]
struct Archive {
    /// The archive page shown, 1 = oldest; `None` on the front page.
    current: Option<usize>,
    /// Items on this page, and in the whole list on the front page; on an
    /// archive page, in the list up to the end of this page, so that archive
    /// pages do not change as items arrive (their page keys rely on it).
    shown: usize,
    total_items: usize,
    /// Position of this page's first item in the whole list, from 1.
    first: usize,
    front: String,
    prev: Option<String>,
    next: Option<String>,
    /// Links to archive pages; an entry without a number is a gap ("…").
    pages: Vec<PageLink>,
}

#[derive(Serialize)]
struct PageLink {
    number: Option<usize>,
    url: String,
    current: bool,
}

/// Limits that keep every page small however large the briefing grows.
const TOPIC_EVENTS: usize = 20;
const INDEX_TOPICS: usize = 50;
const TOPIC_SOURCES: usize = 20;
const RELATED_TOPICS: usize = 12;
const EVENT_SOURCES: usize = 6;
const TERM_CITATIONS: usize = 5;
const PRINT_PASSAGES: usize = 20;
/// Topics, key points and passages one print page holds (about 170 KB): a
/// briefing with more is printed in volumes, `print/index.html`, `print/2/…`.
const PRINT_VOLUME_ITEMS: usize = 240;
const PRINT_EVENTS: usize = 100;

/// The timeline's pages and the events each holds: one page while the
/// timeline is short, else a page per year (paged again when a year is long).
fn timeline_layout(
    events: &[crate::analyze::timeline::Event],
    per_page: usize,
) -> Vec<(String, std::ops::Range<usize>)> {
    if events.len() <= per_page {
        return vec![("timeline/index.html".to_string(), 0..events.len())];
    }
    let mut layout = Vec::new();
    let mut start = 0;
    while start < events.len() {
        let year = events[start].date.year;
        let end = start + events[start..].iter().take_while(|e| e.date.year == year).count();
        for (k, range) in archive_ranges(end - start, per_page).into_iter().enumerate() {
            let path = if k == 0 {
                format!("timeline/{year}/index.html")
            } else {
                format!("timeline/{year}/page-{}.html", k + 1)
            };
            layout.push((path, start + range.start..start + range.end));
        }
        start = end;
    }
    layout
}

/// Each event's anchor: its date, and its place among the events of that date
/// after the first (`event-2020-10-07`, `event-2020-10-07_2`). An event that
/// arrives moves no other date's anchors, so links to them keep working and the
/// timeline's other pages stay byte-identical. The place follows `_`, which no
/// date has: after `-`, the tenth event dated only 2019 would be `event-2019-10`,
/// October 2019's anchor.
fn event_ids(events: &[crate::analyze::timeline::Event]) -> Vec<String> {
    let mut ids = Vec::with_capacity(events.len());
    let (mut previous, mut same_date) = (String::new(), 0);
    for event in events {
        // Events are in date order: one date's are side by side.
        let date = event.date.datetime();
        same_date = if date == previous { same_date + 1 } else { 1 };
        ids.push(if same_date == 1 {
            format!("event-{date}")
        } else {
            format!("event-{date}_{same_date}")
        });
        previous = date;
    }
    ids
}

/// `n` items in pages of `per_page`, numbered from the oldest (index 0).
fn archive_ranges(n: usize, per_page: usize) -> Vec<std::ops::Range<usize>> {
    (0..n.div_ceil(per_page.max(1)))
        .map(|k| k * per_page..((k + 1) * per_page).min(n))
        .collect()
}

/// Links to pages 1..=total: the first, the last, and three either side of
/// the current one, with gaps between, so the list stays short.
fn page_links(total: usize, current: Option<usize>, url: impl Fn(usize) -> String) -> Vec<PageLink> {
    // The front page links every page (eliding the middle of long lists). An
    // archive page links only the first page and its neighbours, never the
    // last: the last page number grows as articles arrive, and an archive page
    // should stay byte-identical when they do. Only the pages shown are
    // visited: every archive page of a topic with 600 of them went through
    // all 600 (2% of the instructions of adding one article to 10,000).
    let shown: Vec<usize> = match current {
        None if total <= 9 => (1..=total).collect(),
        None => vec![1, total],
        Some(c) => std::iter::once(1)
            .chain(c.saturating_sub(3).max(2)..=c.saturating_add(3).min(total))
            .filter(|&k| k <= total)
            .collect(),
    };
    let mut links = Vec::with_capacity(shown.len() + 2);
    let mut last = 0;
    for k in shown {
        if k > last + 1 && last > 0 {
            links.push(PageLink::gap());
        }
        links.push(PageLink {
            number: Some(k),
            url: url(k),
            current: current == Some(k),
        });
        last = k;
    }
    // Pages after the last shown.
    if last > 0 && last < total {
        links.push(PageLink::gap());
    }
    links
}

impl PageLink {
    /// Where pages are left out.
    fn gap() -> PageLink {
        PageLink {
            number: None,
            url: String::new(),
            current: false,
        }
    }
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum BlockView<'a> {
    Heading {
        level: u8,
        id: &'a str,
        text: &'a str,
    },
    Paragraph {
        passage: PassageView<'a>,
    },
    List {
        ordered: bool,
        passages: Vec<PassageView<'a>>,
    },
    Html {
        html: &'a str,
    },
}

#[derive(Serialize)]
struct IndexContext<'a> {
    site: &'a SiteView<'a>,
    page: PageView,
    /// The first topics of `site.toml`, as cards; all of them are on topics/index.html.
    topics: Vec<TopicCard<'a>>,
    topics_total: usize,
    /// Topics and the passages they share, drawn as an inline SVG.
    topic_map: String,
    latest: Vec<ArticleCard<'a>>,
    article_count: usize,
}

#[derive(Serialize)]
struct TopicContext<'a> {
    site: &'a SiteView<'a>,
    page: PageView,
    topic: TopicCard<'a>,
    key_points: Vec<KeyPointView<'a>>,
    /// The topic's newest events, and how many it has in all.
    events: Vec<EventView<'a>>,
    events_total: usize,
    groups: Vec<SourceGroup<'a>>,
    related: Vec<RelatedView<'a>>,
    sources: Vec<ArticleCard<'a>>,
    archive: Archive,
}

#[derive(Serialize)]
struct ArticleContext<'a> {
    site: &'a SiteView<'a>,
    page: PageView,
    article: ArticleCard<'a>,
    blocks: Vec<BlockView<'a>>,
}

#[derive(Serialize)]
struct ListContext<'a> {
    site: &'a SiteView<'a>,
    page: PageView,
    articles: Vec<ArticleCard<'a>>,
    archive: Option<Archive>,
}

#[derive(Serialize)]
struct GlossaryContext<'a> {
    site: &'a SiteView<'a>,
    page: PageView,
    terms: Vec<TermView<'a>>,
}

#[derive(Serialize)]
struct TimelineContext<'a> {
    site: &'a SiteView<'a>,
    page: PageView,
    /// The whole timeline drawn as an inline SVG (front page only).
    picture: String,
    events: Vec<EventView<'a>>,
    /// Every event's count: on the front page only, so that a year's pages
    /// stay the same while events arrive in other years.
    events_total: Option<usize>,
    /// When the timeline is split by year: every year (with its event count
    /// on the front page).
    years: Vec<YearLink>,
    /// The year this page shows, when split; and its pages when a year is long.
    year: Option<i32>,
    pages: Vec<PageLink>,
}

/// The whole briefing on one page, for printing: every topic as its front
/// page shows it (capped, like every page), the glossary and the timeline.
#[derive(Serialize)]
struct PrintContext<'a> {
    site: &'a SiteView<'a>,
    page: PageView,
    topics: Vec<PrintTopic<'a>>,
    /// Topics in the briefing (those printed here are `topics`).
    topic_count: usize,
    /// All volumes, when there is more than one.
    volumes: Vec<PageLink>,
    /// The glossary and the timeline are printed in the last volume.
    terms: Vec<TermView<'a>>,
    events: Vec<EventView<'a>>,
    events_total: usize,
    article_count: usize,
}

#[derive(Serialize)]
struct PrintTopic<'a> {
    topic: TopicCard<'a>,
    key_points: Vec<KeyPointView<'a>>,
    groups: Vec<SourceGroup<'a>>,
    /// Passages printed (the newest), of `topic.passages`.
    shown: usize,
}

#[derive(Serialize)]
struct YearLink {
    year: i32,
    count: Option<usize>,
    url: String,
    current: bool,
}

#[derive(Serialize)]
struct FeedContext<'a> {
    site: &'a SiteView<'a>,
    updated: String,
    entries: Vec<FeedEntry>,
}

#[derive(Serialize)]
struct FeedEntry {
    title: String,
    url: String,
    /// Unique per entry: a topic's page is updated many times.
    id: String,
    updated: String,
    summary: String,
}

#[derive(Serialize)]
struct SitemapContext {
    urls: Vec<SitemapUrl>,
}

#[derive(Serialize)]
struct SitemapUrl {
    loc: String,
    lastmod: Option<String>,
}

/// A sitemap index: the URLs of the sitemaps.
#[derive(Serialize)]
struct SitemapIndexContext {
    sitemaps: Vec<String>,
}

/// The most URLs one sitemap may list (sitemaps.org; search engines refuse a
/// longer one). A site with more gets `sitemap.xml` as an index of
/// `sitemap-1.xml`, `sitemap-2.xml`, … each listing this many but the last.
const SITEMAP_URLS: usize = 50_000;

/// What the built-in `sitemap.xml` template makes of `context`, written
/// directly: Tera took 4.5 ms for the 12,700 URLs of a site of 10,000
/// articles, at the end of a build with one core idle. A project's own
/// template goes through Tera; a test keeps the two the same.
fn sitemap_xml(context: &SitemapContext) -> Vec<u8> {
    let mut out = String::with_capacity(128 + context.urls.iter().map(|u| u.loc.len() + 24).sum::<usize>());
    out.push_str(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for url in &context.urls {
        out.push_str("  <url><loc>");
        crate::text::escape_html(&url.loc, &mut out);
        out.push_str("</loc></url>\n");
    }
    out.push_str("</urlset>\n");
    out.into_bytes()
}

/// One file of the sitemap: a list of pages, or an index of such lists.
enum Sitemap {
    Urls(SitemapContext),
    Index(SitemapIndexContext),
}

/// The sitemaps of a site whose pages are `paths` (sorted): one, or when
/// there are more than `limit` pages, an index (first) and its parts.
fn sitemaps(base: &str, paths: &[String], limit: usize) -> Vec<(String, Sitemap)> {
    let urls: Vec<SitemapUrl> = paths
        .iter()
        .filter(|p| p.ends_with(".html") && p.as_str() != "404.html")
        .map(|p| SitemapUrl {
            loc: format!("{base}{}", p.strip_suffix("index.html").unwrap_or(p)),
            lastmod: None,
        })
        .collect();
    if urls.len() <= limit {
        return vec![("sitemap.xml".to_string(), Sitemap::Urls(SitemapContext { urls }))];
    }
    let mut parts = Vec::new();
    let mut urls = urls.into_iter().peekable();
    while urls.peek().is_some() {
        let part = format!("sitemap-{}.xml", parts.len() + 1);
        let urls = urls.by_ref().take(limit).collect();
        parts.push((part, Sitemap::Urls(SitemapContext { urls })));
    }
    let index = SitemapIndexContext {
        sitemaps: parts.iter().map(|(path, _)| format!("{base}{path}")).collect(),
    };
    std::iter::once(("sitemap.xml".to_string(), Sitemap::Index(index)))
        .chain(parts)
        .collect()
}

/// Everything rendering reads, borrowed.
pub struct RenderInput<'a> {
    pub config: &'a Config,
    pub articles: &'a [Article],
    pub briefing: &'a Briefing,
    pub matcher: &'a Matcher,
    /// Where each passage names a topic: `mentions[article][passage]`.
    pub mentions: &'a [Vec<Vec<Mention>>],
    pub templates: &'a Templates,
    /// Each article's source fingerprint (same index as `articles`).
    pub article_keys: &'a [Key],
    /// Asked before rendering a fingerprinted page; see [`Previous`].
    pub previous: Previous<'a>,
}

/// Feeds numbers to a hasher, with the list's length so lists cannot run together.
fn hash_usizes(hasher: &mut Xxh3, values: &[usize]) {
    hasher.update(&(values.len() as u64).to_le_bytes());
    for &v in values {
        hasher.update(&(v as u64).to_le_bytes());
    }
}

/// Finds the glossary's short forms in text, to wrap them in `<abbr>`.
struct TermFinder {
    automaton: Option<aho_corasick::AhoCorasick>,
}

impl TermFinder {
    fn new(glossary: &Glossary) -> TermFinder {
        let automaton = aho_corasick::AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::LeftmostLongest)
            .build(glossary.terms.iter().map(|t| t.short.as_str()))
            .ok()
            .filter(|_| !glossary.terms.is_empty());
        TermFinder { automaton }
    }

    /// (start, end, term) of each whole-word use of a short form.
    fn find(&self, text: &str) -> Vec<(usize, usize, usize)> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        automaton
            .find_iter(text)
            .filter(|m| on_word_boundaries(text, m.start(), m.end()))
            .map(|m| (m.start(), m.end(), m.pattern().as_usize()))
            .collect()
    }
}

/// Where rendered pages go, one at a time, from any thread.
pub type Emit<'e> = &'e (dyn Fn(Page) -> anyhow::Result<()> + Sync);

/// What every page shares: the input and the helpers built from it once.
struct Renderer<'a> {
    input: &'a RenderInput<'a>,
    emit: Emit<'a>,
    /// Paths of the pages emitted so far, for the sitemap.
    paths: std::sync::Mutex<Vec<String>>,
    terms: TermFinder,
    /// The timeline's pages and the events each lists (`timeline_layout`);
    /// then the page that lists each event, and its anchor there.
    timeline_pages: Vec<(String, std::ops::Range<usize>)>,
    event_pages: Vec<String>,
    event_ids: Vec<String>,
    /// Per article, computed once: the topics of its passages (sorted), and
    /// its title cut short for citations. Pages ask for these many times.
    article_topics: Vec<Vec<usize>>,
    citation_labels: Vec<String>,
    /// What every page depends on; see `page_hasher`.
    site_key: Key,
}

pub fn topic_url(slug: &str) -> String {
    format!("topics/{slug}/index.html")
}

pub fn article_url(slug: &str) -> String {
    format!("articles/{slug}/index.html")
}

fn root_of(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

fn date_view(date: Date) -> DateView {
    DateView {
        iso: format!("{:04}-{:02}-{:02}", date.year(), date.month() as u8, date.day()),
        text: format!("{} {} {}", date.day(), date.month(), date.year()),
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// What every page depends on: all settings, every template, and the
/// glossary's terms as passages show them (short form and expansion).
fn site_key(input: &RenderInput) -> Key {
    let terms: Vec<(&str, &str)> = input
        .briefing
        .glossary
        .terms
        .iter()
        .map(|t| (t.short.as_str(), t.long.as_str()))
        .collect();
    let mut hasher = Xxh3::new();
    hasher.update(&crate::cache::settings_key(&[input.config, &terms]).to_le_bytes());
    hasher.update(&input.templates.key.to_le_bytes());
    hasher.digest128()
}

/// Renders every page of the site, side by side: the order pages are
/// emitted in varies from build to build, what they hold does not.
///
/// Each page is handed to `emit` as soon as it is rendered, so a large site is
/// never held in memory whole; `emit` may be called from several threads.
/// Returns the number of HTML pages.
pub fn render(input: &RenderInput, emit: Emit) -> anyhow::Result<usize> {
    let timeline_pages = timeline_layout(&input.briefing.timeline, input.config.events_per_page);
    let renderer = Renderer {
        input,
        emit,
        paths: std::sync::Mutex::new(Vec::new()),
        terms: TermFinder::new(&input.briefing.glossary),
        event_pages: timeline_pages
            .iter()
            .flat_map(|(path, range)| range.clone().map(move |_| path.clone()))
            .collect(),
        timeline_pages,
        event_ids: event_ids(&input.briefing.timeline),
        article_topics: input
            .briefing
            .passage_topics
            .iter()
            .map(|passages| {
                let mut topics: Vec<usize> = passages.iter().flatten().copied().collect();
                topics.sort_unstable();
                topics.dedup();
                topics
            })
            .collect(),
        citation_labels: input.articles.iter().map(|a| excerpt(&a.title, 48)).collect(),
        site_key: site_key(input),
    };
    renderer.render_all()
}

impl<'a> Renderer<'a> {
    fn site(&self) -> SiteView<'a> {
        let config = self.input.config;
        SiteView {
            title: &config.title,
            description: &config.description,
            base_url: &config.base_url,
            language: &config.language,
        }
    }

    fn page_view(&self, path: &str, title: String, description: String, kind: &'static str) -> PageView {
        PageView {
            root: root_of(path),
            canonical: format!(
                "{}{}",
                self.input.config.base_url,
                path.strip_suffix("index.html").unwrap_or(path)
            ),
            title,
            description,
            kind,
        }
    }

    /// A hasher seeded with what every fingerprinted page depends on (the
    /// site's settings, the templates, the glossary's terms) and the page kind.
    fn page_hasher(&self, kind: &str) -> Xxh3 {
        let mut hasher = Xxh3::new();
        hasher.update(&self.site_key.to_le_bytes());
        hasher.update(kind.as_bytes());
        hasher
    }

    /// A hasher for archive page `number` of a list (`kind`), seeded with its
    /// place and the links it shows (`pages`, `next`); the caller adds what
    /// its items show.
    fn archive_hasher(
        &self,
        kind: &str,
        number: usize,
        range: &std::ops::Range<usize>,
        pages: &[PageLink],
        next: &Option<String>,
    ) -> Xxh3 {
        let mut hasher = self.page_hasher(kind);
        let place = [number, range.start, range.end, pages.len(), usize::from(next.is_some())];
        hash_usizes(&mut hasher, &place);
        hasher
    }

    /// Adds everything the passages' rendering reads beyond the site: each
    /// one's article (by source key: title, slug, date, text), its topics,
    /// and the articles that also report it. Keep in step with `passage_view`.
    ///
    /// The passages' bytes are gathered and hashed in one update: an update
    /// per number cost twice as much, and every page's key is made on every
    /// build (4% of the CPU time of adding one article to 10,000).
    fn hash_passages(&self, hasher: &mut Xxh3, passages: impl Iterator<Item = PassageRef>) {
        let briefing = self.input.briefing;
        let keys = self.input.article_keys;
        let mut bytes = Vec::with_capacity(1024);
        let number = |bytes: &mut Vec<u8>, n: usize| bytes.extend_from_slice(&(n as u64).to_le_bytes());
        for r in passages {
            bytes.extend_from_slice(&keys[r.article].to_le_bytes());
            number(&mut bytes, r.passage);
            let topics = &briefing.passage_topics[r.article][r.passage];
            number(&mut bytes, topics.len());
            topics.iter().for_each(|&t| number(&mut bytes, t));
            let others = &briefing.corroboration[r.article][r.passage];
            number(&mut bytes, others.len());
            for (other, _) in others {
                bytes.extend_from_slice(&keys[other.article].to_le_bytes());
                number(&mut bytes, other.passage);
            }
        }
        hasher.update(&bytes);
    }

    fn emit(&self, page: Page) -> anyhow::Result<()> {
        if let Ok(mut paths) = self.paths.lock() {
            paths.push(page.path.clone());
        }
        (self.emit)(page)
    }

    fn render_all(&self) -> anyhow::Result<usize> {
        let RenderInput {
            config,
            articles,
            briefing,
            templates,
            ..
        } = *self.input;
        let site = self.site();

        let description = if config.description.is_empty() {
            format!(
                "A briefing of {} from {}",
                plural(config.topics.len(), "topic"),
                plural(articles.len(), "article")
            )
        } else {
            config.description.clone()
        };
        // The index.
        let index = || -> anyhow::Result<()> {
            self.emit(Page::new(
                "index.html",
                templates.render(
                    "index.html",
                    &IndexContext {
                        site: &site,
                        page: self.page_view("index.html", config.title.clone(), description.clone(), "index"),
                        topics: (0..config.topics.len().min(INDEX_TOPICS))
                            .map(|t| self.topic_card(t))
                            .collect(),
                        topics_total: config.topics.len(),
                        topic_map: self.topic_map(""),
                        latest: briefing
                            .chronological
                            .iter()
                            .take(10)
                            .map(|&a| self.article_card(a))
                            .collect(),
                        article_count: articles.len(),
                    },
                )?,
            ))
        };
        // Every topic, in a compact list.
        let topics_index = || -> anyhow::Result<()> {
            self.emit(Page::new(
                "topics/index.html",
                templates.render(
                    "topics.html",
                    &IndexContext {
                        site: &site,
                        page: self.page_view(
                            "topics/index.html",
                            "All topics".into(),
                            format!("The {} of this briefing", plural(config.topics.len(), "topic")),
                            "topics",
                        ),
                        topics: (0..config.topics.len()).map(|t| self.topic_card(t)).collect(),
                        topics_total: config.topics.len(),
                        topic_map: String::new(),
                        latest: Vec::new(),
                        article_count: articles.len(),
                    },
                )?,
            ))
        };
        // Topic pages, each paged through when it has many passages.
        let topic_pages = || -> anyhow::Result<()> {
            (0..config.topics.len())
                .into_par_iter()
                .try_for_each(|t| self.render_topic(&site, t))
        };
        // Article pages.
        let article_pages = || -> anyhow::Result<()> {
            (0..articles.len())
                .into_par_iter()
                .try_for_each(|a| self.emit(self.render_article(&site, a)?))
        };
        // The list of sources: the newest on the front page, all in archive pages.
        let sources = || -> anyhow::Result<()> {
            let oldest_first: Vec<usize> = briefing.chronological.iter().rev().copied().collect();
            let ranges = archive_ranges(oldest_first.len(), config.articles_per_page);
            let archive_url = |k: usize| format!("articles/page-{k}.html");
            let paged = ranges.len() > 1;
            let newest: Vec<ArticleCard> = briefing
                .chronological
                .iter()
                .take(config.articles_per_page)
                .map(|&a| self.article_card(a))
                .collect();
            self.emit(Page::new(
                "articles/index.html",
                templates.render(
                    "articles.html",
                    &ListContext {
                        site: &site,
                        page: self.page_view(
                            "articles/index.html",
                            "Sources".into(),
                            format!("The {} of this briefing", plural(articles.len(), "source article")),
                            "articles",
                        ),
                        archive: paged.then(|| Archive {
                            current: None,
                            first: 1,
                            shown: newest.len(),
                            total_items: articles.len(),
                            front: "articles/index.html".into(),
                            prev: None,
                            next: None,
                            pages: page_links(ranges.len(), None, archive_url),
                        }),
                        articles: newest,
                    },
                )?,
            ))?;
            if paged {
                ranges.par_iter().enumerate().try_for_each(|(index, range)| {
                    let number = index + 1;
                    let path = archive_url(number);
                    let next = (number < ranges.len()).then(|| archive_url(number + 1));
                    let pages = page_links(ranges.len(), Some(number), archive_url);
                    let mut key = self.archive_hasher("articles", number, range, &pages, &next);
                    for &a in &oldest_first[range.clone()] {
                        // What the article's card shows: its file's title, date,
                        // source and passages, and its topics.
                        key.update(&self.input.article_keys[a].to_le_bytes());
                        hash_usizes(&mut key, &self.article_topics[a]);
                        key.update(b"|");
                    }
                    let key = key.digest128();
                    if (self.input.previous)(&path, key) {
                        return self.emit(Page::kept(path, key));
                    }
                    let bytes = templates.render(
                        "articles.html",
                        &ListContext {
                            site: &site,
                            page: self.page_view(
                                &path,
                                format!("Sources {}–{}", range.start + 1, range.end),
                                // No total: an archive page stays the same as articles arrive.
                                format!("Source articles {}–{}, oldest first", range.start + 1, range.end),
                                "articles",
                            ),
                            articles: oldest_first[range.clone()]
                                .iter()
                                .map(|&a| self.article_card(a))
                                .collect(),
                            archive: Some(Archive {
                                current: Some(number),
                                first: range.start + 1,
                                shown: range.len(),
                                total_items: range.end,
                                front: "articles/index.html".into(),
                                prev: (number > 1).then(|| archive_url(number - 1)),
                                next,
                                pages,
                            }),
                        },
                    )?;
                    self.emit(Page::new(path, bytes).with_key(key))
                })?;
            }
            Ok(())
        };
        // The glossary.
        let glossary = || -> anyhow::Result<()> {
            let path = "glossary/index.html";
            let terms = self.term_views();
            self.emit(Page::new(
                path,
                templates.render(
                    "glossary.html",
                    &GlossaryContext {
                        site: &site,
                        page: self.page_view(
                            path,
                            "Glossary".into(),
                            "Every acronym in the sources, expanded, with where it is defined".into(),
                            "glossary",
                        ),
                        terms,
                    },
                )?,
            ))
        };
        let timeline = || self.render_timeline(&site);
        let search_and_print = || self.render_search_and_print(&site);
        // The 404 page is served at any depth, so only absolute links work there.
        let not_found = || -> anyhow::Result<()> {
            let mut not_found = self.page_view("404.html", "Page not found".into(), description.clone(), "404");
            not_found.root = config.base_url.clone();
            self.emit(Page::new(
                "404.html",
                templates.render(
                    "404.html",
                    &ListContext {
                        site: &site,
                        page: not_found,
                        articles: Vec::new(),
                        archive: None,
                    },
                )?,
            ))
        };
        let feed = || self.emit(self.feed(&site)?);
        // Files that are not pages.
        let files = || -> anyhow::Result<()> {
            self.emit(Page::new(
                "robots.txt",
                format!("User-agent: *\nAllow: /\nSitemap: {}sitemap.xml\n", config.base_url).into_bytes(),
            ))?;
            self.emit(Page::new(".nojekyll", Vec::new()))?;
            self.emit(Page::new(
                "assets/highlight.css",
                crate::parse::Highlighter::stylesheet().into_bytes(),
            ))?;
            if let Some(domain) = &config.cname {
                self.emit(Page::new("CNAME", format!("{}\n", domain.trim()).into_bytes()))?;
            }
            Ok(())
        };

        // The parts are independent: side by side, so that neither core waits
        // while the other renders a long page alone (the timeline, the print
        // page, the feed), largest first.
        let parts: [&(dyn Fn() -> anyhow::Result<()> + Sync); 11] = [
            &article_pages,
            &topic_pages,
            &sources,
            &timeline,
            &search_and_print,
            &feed,
            &glossary,
            &index,
            &topics_index,
            &not_found,
            &files,
        ];
        parts.par_iter().try_for_each(|part| part())?;
        // The sitemap lists every page emitted: it comes last.
        self.sitemap()?;
        Ok(self
            .paths
            .lock()
            .map_or(0, |p| p.iter().filter(|p| p.ends_with(".html")).count()))
    }

    fn render_timeline(&self, site: &SiteView) -> anyhow::Result<()> {
        let timeline = &self.input.briefing.timeline;
        let layout = &self.timeline_pages;
        let description = "The dated events the sources report, in order".to_string();
        if layout.len() == 1 {
            let path = "timeline/index.html";
            let root = root_of(path);
            let context = TimelineContext {
                site,
                page: self.page_view(path, "Timeline".into(), description, "timeline"),
                picture: self.timeline_picture(&root),
                events: (0..timeline.len()).map(|e| self.event_view(e, &root, None)).collect(),
                events_total: Some(timeline.len()),
                years: Vec::new(),
                year: None,
                pages: Vec::new(),
            };
            return self.emit(Page::new(path, self.input.templates.render("timeline.html", &context)?));
        }
        let mut years: Vec<YearLink> = Vec::new();
        for (path, range) in layout {
            let year = timeline[range.start].date.year;
            match years.last_mut() {
                Some(YearLink {
                    year: y,
                    count: Some(count),
                    ..
                }) if *y == year => *count += range.len(),
                _ => years.push(YearLink {
                    year,
                    count: Some(range.len()),
                    url: path.clone(),
                    current: false,
                }),
            }
        }
        // The front page: every year, and the newest events.
        let path = "timeline/index.html";
        let root = root_of(path);
        let newest = timeline
            .len()
            .saturating_sub(self.input.config.events_per_page.div_ceil(2))..timeline.len();
        self.emit(Page::new(
            path,
            self.input.templates.render(
                "timeline.html",
                &TimelineContext {
                    site,
                    page: self.page_view(path, "Timeline".into(), description.clone(), "timeline"),
                    picture: self.timeline_picture(&root),
                    events: newest.map(|e| self.event_view(e, &root, None)).collect(),
                    events_total: Some(timeline.len()),
                    years: years
                        .iter()
                        .map(|y| YearLink {
                            url: y.url.clone(),
                            ..*y
                        })
                        .collect(),
                    year: None,
                    pages: Vec::new(),
                },
            )?,
        ))?;
        layout.par_iter().try_for_each(|(path, range)| {
            let year = timeline[range.start].date.year;
            let year_pages: Vec<&String> = layout
                .iter()
                .filter(|(_, r)| timeline[r.start].date.year == year)
                .map(|(p, _)| p)
                .collect();
            let current = year_pages.iter().position(|p| *p == path).map(|i| i + 1);
            let pages = if year_pages.len() > 1 {
                page_links(year_pages.len(), current, |k| year_pages[k - 1].clone())
            } else {
                Vec::new()
            };
            let years: Vec<YearLink> = years
                .iter()
                .map(|y| YearLink {
                    url: y.url.clone(),
                    current: y.year == year,
                    count: None,
                    year: y.year,
                })
                .collect();
            let key = self.year_page_key(path, &years, &pages, range.clone());
            if (self.input.previous)(path, key) {
                return self.emit(Page::kept(path.clone(), key));
            }
            let root = root_of(path);
            let context = TimelineContext {
                site,
                page: self.page_view(path, format!("Timeline: {year}"), description.clone(), "timeline"),
                picture: String::new(),
                events: range.clone().map(|e| self.event_view(e, &root, None)).collect(),
                events_total: None,
                years,
                year: Some(year),
                pages,
            };
            let bytes = self.input.templates.render("timeline.html", &context)?;
            self.emit(Page::new(path.clone(), bytes).with_key(key))
        })
    }

    /// The key of a page of one year's events: its place, the links it shows,
    /// and what each of its events shows. Keep in step with `event_view`.
    fn year_page_key(&self, path: &str, years: &[YearLink], pages: &[PageLink], events: std::ops::Range<usize>) -> Key {
        let mut hasher = self.page_hasher("timeline");
        let text = |hasher: &mut Xxh3, text: &str| {
            hasher.update(&(text.len() as u64).to_le_bytes());
            hasher.update(text.as_bytes());
        };
        text(&mut hasher, path);
        for y in years {
            hasher.update(&y.year.to_le_bytes());
            text(&mut hasher, &y.url);
            hasher.update(&[u8::from(y.current)]);
        }
        for p in pages {
            hash_usizes(&mut hasher, &[p.number.map_or(0, |n| n + 1), usize::from(p.current)]);
            text(&mut hasher, &p.url);
        }
        let keys = self.input.article_keys;
        for e in events {
            let event = &self.input.briefing.timeline[e];
            text(&mut hasher, &self.event_ids[e]);
            hasher.update(&event.date.year.to_le_bytes());
            // No month or day is 0, which no date has.
            hasher.update(&[event.date.month.unwrap_or(0), event.date.day.unwrap_or(0)]);
            text(&mut hasher, &event.text);
            // Every citation, though only the first few articles are listed:
            // the rest are counted.
            hasher.update(&(event.citations.len() as u64).to_le_bytes());
            for r in &event.citations {
                hasher.update(&keys[r.article].to_le_bytes());
                hasher.update(&(r.passage as u64).to_le_bytes());
            }
            hash_usizes(&mut hasher, &event.topics);
        }
        hasher.digest128()
    }

    /// The search page (its script loads the index `search::index` writes)
    /// and the whole briefing on one page for printing.
    fn render_search_and_print(&self, site: &SiteView) -> anyhow::Result<()> {
        let RenderInput {
            config,
            articles,
            briefing,
            templates,
            ..
        } = *self.input;
        let path = "search/index.html";
        self.emit(Page::new(
            path,
            templates.render(
                "search.html",
                &ListContext {
                    site,
                    page: self.page_view(
                        path,
                        "Search".into(),
                        "Search every topic, source article and glossary term of this briefing".into(),
                        "search",
                    ),
                    articles: Vec::new(),
                    archive: None,
                },
            )?,
        ))?;
        // Volumes: topics in order, cut when a volume would hold more than
        // PRINT_VOLUME_ITEMS topics, key points and passages.
        let cost = |t: usize| 1 + briefing.key_points[t].len() + briefing.topics[t].passages.len().min(PRINT_PASSAGES);
        let mut volumes: Vec<std::ops::Range<usize>> = Vec::new();
        let (mut start, mut items) = (0, 0);
        for t in 0..config.topics.len() {
            if items + cost(t) > PRINT_VOLUME_ITEMS && t > start {
                volumes.push(start..t);
                (start, items) = (t, 0);
            }
            items += cost(t);
        }
        volumes.push(start..config.topics.len());
        let volume_path = |v: usize| match v {
            0 => "print/index.html".to_string(),
            v => format!("print/{}/index.html", v + 1),
        };
        let count = volumes.len();
        for (v, range) in volumes.iter().enumerate() {
            let path = volume_path(v);
            let root = root_of(&path);
            let last = v + 1 == count;
            let topics = range
                .clone()
                .map(|t| {
                    let passages = &briefing.topics[t].passages;
                    let newest = &passages[..passages.len().min(PRINT_PASSAGES)];
                    PrintTopic {
                        topic: self.topic_card(t),
                        key_points: briefing.key_points[t]
                            .iter()
                            .map(|k| KeyPointView {
                                html: self.text_html(&k.sentence, &root, Some(t)),
                                cite: self.citation(k.citation.article, &self.passage_id(k.citation)),
                                support: k.support,
                            })
                            .collect(),
                        groups: self.source_groups(newest, &root, t),
                        shown: newest.len(),
                    }
                })
                .collect();
            let links = (0..count)
                .filter(|_| count > 1)
                .map(|w| PageLink {
                    number: Some(w + 1),
                    url: volume_path(w),
                    current: w == v,
                })
                .collect();
            let timeline = &briefing.timeline;
            let (title, description) = if count == 1 {
                (
                    "The whole briefing".to_string(),
                    format!(
                        "Every topic of {} with its passages, the glossary and the timeline, on one page for printing",
                        config.title
                    ),
                )
            } else {
                (
                    format!("The whole briefing, volume {} of {count}", v + 1),
                    format!(
                        "Topics {}–{} of {} with their passages{}, for printing",
                        range.start + 1,
                        range.end,
                        config.title,
                        if last { ", the glossary and the timeline" } else { "" }
                    ),
                )
            };
            self.emit(Page::new(
                path.clone(),
                templates.render(
                    "print.html",
                    &PrintContext {
                        site,
                        page: self.page_view(&path, title, description, "print"),
                        topics,
                        topic_count: config.topics.len(),
                        volumes: links,
                        terms: if last { self.term_views() } else { Vec::new() },
                        events: if last {
                            (timeline.len().saturating_sub(PRINT_EVENTS)..timeline.len())
                                .map(|e| self.event_view(e, &root, None))
                                .collect()
                        } else {
                            Vec::new()
                        },
                        events_total: timeline.len(),
                        article_count: articles.len(),
                    },
                )?,
            ))?;
        }
        Ok(())
    }

    /// The glossary's terms, each with the first places it is defined.
    fn term_views(&self) -> Vec<TermView<'a>> {
        self.input
            .briefing
            .glossary
            .terms
            .iter()
            .map(|term| TermView {
                id: format!("term-{}", crate::text::slugify(&term.short)),
                short: &term.short,
                long: &term.long,
                topic: term.topic.map(|t| self.topic_link(t)),
                defined_in: self.group(
                    term.citations
                        .iter()
                        .take(TERM_CITATIONS)
                        .map(|c| (c.article, c.anchor.as_str())),
                ),
                more_definitions: term.citations.len().saturating_sub(TERM_CITATIONS),
            })
            .collect()
    }

    /// Every event as a labelled mark on a time axis, linking to its entry.
    fn timeline_picture(&self, root: &str) -> String {
        let input = self.input;
        let labels: Vec<String> = input
            .briefing
            .timeline
            .iter()
            .map(|event| {
                // The alias the sentence itself mentions says most about the
                // event ("IPOI", "Huawei"); then its topic; then its opening words.
                match (input.matcher.find(&event.text).first(), event.topics.first()) {
                    (Some(m), _) => event.text[m.start..m.end].to_string(),
                    (None, Some(&t)) => input.config.topics[t].title.clone(),
                    (None, None) => excerpt(&event.text, 28),
                }
            })
            .collect();
        let hrefs: Vec<String> = (0..labels.len())
            .map(|e| format!("{root}{}", self.event_href(e)))
            .collect();
        let marks: Vec<crate::svg::TimelineMark> = input
            .briefing
            .timeline
            .iter()
            .zip(labels.iter().zip(&hrefs))
            .map(|(event, (label, href))| crate::svg::TimelineMark {
                year: event.date.year,
                month: event.date.month,
                day: event.date.day,
                label,
                href,
            })
            .collect();
        crate::svg::timeline(&marks, "timeline-picture")
    }

    /// Topics as circles sized by passages, joined by the passages they share.
    fn topic_map(&self, root: &str) -> String {
        let input = self.input;
        let hrefs: Vec<String> = input
            .config
            .topics
            .iter()
            .map(|t| format!("{root}{}", topic_url(&t.slug)))
            .collect();
        let nodes: Vec<crate::svg::MapNode> = input
            .config
            .topics
            .iter()
            .zip(&hrefs)
            .zip(&input.briefing.topics)
            .map(|((topic, href), summary)| crate::svg::MapNode {
                label: &topic.title,
                href,
                weight: summary.passages.len(),
            })
            .collect();
        let edges: Vec<crate::svg::MapEdge> = input
            .briefing
            .topics
            .iter()
            .enumerate()
            .flat_map(|(a, summary)| {
                summary
                    .related
                    .iter()
                    .filter(move |&&(b, _)| a < b)
                    .map(move |&(b, weight)| crate::svg::MapEdge { a, b, weight })
            })
            .collect();
        crate::svg::topic_map(&nodes, &edges, "topic-map")
    }

    fn render_article(&self, site: &SiteView, a: usize) -> anyhow::Result<Page> {
        let article = &self.input.articles[a];
        let path = article_url(&article.slug);
        let mut key = self.page_hasher("article");
        hash_usizes(&mut key, &self.article_topics[a]);
        self.hash_passages(
            &mut key,
            (0..article.passage_count()).map(|passage| PassageRef { article: a, passage }),
        );
        let key = key.digest128();
        if (self.input.previous)(&path, key) {
            return Ok(Page::kept(path, key));
        }
        let root = root_of(&path);
        let passage = |i: usize| self.passage_view(PassageRef { article: a, passage: i }, &root, None);
        let blocks = article
            .blocks()
            .iter()
            .map(|block| match block {
                Block::Heading { level, id, text } => BlockView::Heading {
                    level: *level,
                    id,
                    text,
                },
                Block::Paragraph { passage: p } => BlockView::Paragraph { passage: passage(*p) },
                Block::List { ordered, passages } => BlockView::List {
                    ordered: *ordered,
                    passages: passages.clone().map(passage).collect(),
                },
                Block::Html { html } => BlockView::Html { html },
            })
            .collect();
        let description = article
            .passages()
            .first()
            .map_or_else(String::new, |p| excerpt(&p.text, 160));
        let context = ArticleContext {
            site,
            page: self.page_view(&path, article.title.clone(), description, "article"),
            article: self.article_card(a),
            blocks,
        };
        Ok(Page::new(path, self.input.templates.render("article.html", &context)?).with_key(key))
    }

    fn render_topic(&self, site: &SiteView, t: usize) -> anyhow::Result<()> {
        let input = self.input;
        let topic = &input.config.topics[t];
        let summary = &input.briefing.topics[t];
        let per_page = input.config.passages_per_page;
        let description = if topic.summary.is_empty() {
            format!(
                "Every passage on {} from {}",
                topic.title,
                plural(summary.sources.len(), "source")
            )
        } else {
            topic.summary.clone()
        };
        // Archive pages hold the passages oldest first, numbered from the
        // oldest, so a page's URL keeps its passages as new articles arrive.
        let oldest_first: Vec<PassageRef> = summary.passages.iter().rev().copied().collect();
        let ranges = archive_ranges(oldest_first.len(), per_page);
        let archive_url = |k: usize| format!("topics/{}/page-{k}.html", topic.slug);

        // The front page: key points, the topic's timeline, the newest passages.
        let path = topic_url(&topic.slug);
        let root = root_of(&path);
        let key_points = input.briefing.key_points[t]
            .iter()
            .map(|k| KeyPointView {
                html: self.text_html(&k.sentence, &root, Some(t)),
                cite: self.citation(k.citation.article, &self.passage_id(k.citation)),
                support: k.support,
            })
            .collect();
        let topic_events: Vec<usize> = (0..input.briefing.timeline.len())
            .filter(|&e| input.briefing.timeline[e].topics.contains(&t))
            .collect();
        let events = topic_events[topic_events.len().saturating_sub(TOPIC_EVENTS)..]
            .iter()
            .map(|&e| self.event_view(e, &root, Some(t)))
            .collect();
        let newest = &summary.passages[..summary.passages.len().min(per_page)];
        let context = TopicContext {
            site,
            page: self.page_view(&path, topic.title.clone(), description.clone(), "topic"),
            topic: self.topic_card(t),
            key_points,
            events,
            events_total: topic_events.len(),
            groups: self.source_groups(newest, &root, t),
            related: summary
                .related
                .iter()
                .take(RELATED_TOPICS)
                .map(|&(other, shared)| RelatedView {
                    topic: self.topic_link(other),
                    shared,
                })
                .collect(),
            sources: summary
                .sources
                .iter()
                .take(TOPIC_SOURCES)
                .map(|&a| self.article_card(a))
                .collect(),
            archive: Archive {
                current: None,
                first: 1,
                shown: newest.len(),
                total_items: summary.passages.len(),
                front: path.clone(),
                prev: None,
                next: None,
                pages: if ranges.len() > 1 || newest.len() < summary.passages.len() {
                    page_links(ranges.len(), None, archive_url)
                } else {
                    Vec::new()
                },
            },
        };
        self.emit(Page::new(path, input.templates.render("topic.html", &context)?))?;

        if ranges.len() > 1 || newest.len() < summary.passages.len() {
            ranges.par_iter().enumerate().try_for_each(|(index, range)| {
                let number = index + 1;
                let path = archive_url(number);
                let root = root_of(&path);
                let passages = &oldest_first[range.clone()];
                let pages = page_links(ranges.len(), Some(number), archive_url);
                let next = (number < ranges.len()).then(|| archive_url(number + 1));
                let mut key = self.archive_hasher("archive", number, range, &pages, &next);
                hash_usizes(&mut key, &[t]);
                self.hash_passages(&mut key, passages.iter().copied());
                let key = key.digest128();
                if (input.previous)(&path, key) {
                    return self.emit(Page::kept(path, key));
                }
                let context = TopicContext {
                    site,
                    page: self.page_view(
                        &path,
                        format!("{} · passages {}–{}", topic.title, range.start + 1, range.end),
                        format!(
                            "Passages {}–{} on {}, oldest first",
                            range.start + 1,
                            range.end,
                            topic.title
                        ),
                        "topic",
                    ),
                    topic: self.topic_card(t),
                    key_points: Vec::new(),
                    events: Vec::new(),
                    events_total: 0,
                    groups: self.source_groups(passages, &root, t),
                    related: Vec::new(),
                    sources: Vec::new(),
                    archive: Archive {
                        current: Some(number),
                        first: range.start + 1,
                        shown: range.len(),
                        total_items: range.end,
                        front: topic_url(&topic.slug),
                        prev: (number > 1).then(|| archive_url(number - 1)),
                        next,
                        pages,
                    },
                };
                self.emit(Page::new(path, input.templates.render("topic.html", &context)?).with_key(key))
            })?;
        }
        Ok(())
    }

    /// Passages grouped by consecutive source article.
    fn source_groups(&self, passages: &[PassageRef], root: &str, t: usize) -> Vec<SourceGroup<'a>> {
        let mut groups: Vec<(usize, SourceGroup)> = Vec::new();
        for &r in passages {
            let view = self.passage_view(r, root, Some(t));
            match groups.last_mut() {
                Some((article, group)) if *article == r.article => group.passages.push(view),
                _ => groups.push((
                    r.article,
                    SourceGroup {
                        article: self.article_card(r.article),
                        passages: vec![view],
                    },
                )),
            }
        }
        groups.into_iter().map(|(_, g)| g).collect()
    }

    fn topic_link(&self, t: usize) -> TopicLink<'a> {
        let topic = &self.input.config.topics[t];
        TopicLink {
            slug: &topic.slug,
            title: &topic.title,
            url: topic_url(&topic.slug),
        }
    }

    fn topic_card(&self, t: usize) -> TopicCard<'a> {
        let topic = &self.input.config.topics[t];
        let summary = &self.input.briefing.topics[t];
        TopicCard {
            slug: &topic.slug,
            title: &topic.title,
            summary: &topic.summary,
            url: topic_url(&topic.slug),
            passages: summary.passages.len(),
            sources: summary.sources.len(),
            updated: summary.last_updated.map(|(d, _)| date_view(d)),
            updated_by: summary.last_updated.map(|(_, a)| self.article_link(a)),
        }
    }

    fn article_link(&self, a: usize) -> ArticleLink<'a> {
        let article = &self.input.articles[a];
        ArticleLink {
            slug: &article.slug,
            title: &article.title,
            url: article_url(&article.slug),
        }
    }

    fn citation(&self, a: usize, anchor: &str) -> CitationView<'a> {
        let article = &self.input.articles[a];
        CitationView {
            title: &article.title,
            label: self.citation_labels[a].clone(),
            href: format!("{}#{anchor}", article_url(&article.slug)),
            mark: match anchor.strip_prefix('p') {
                Some(number) if number.bytes().all(|b| b.is_ascii_digit()) => format!("¶{number}"),
                _ => "§".to_string(),
            },
            date: article.date.map(date_view),
        }
    }

    /// Citations grouped by article, in the order each article first appears.
    fn group<S: AsRef<str>>(&self, places: impl Iterator<Item = (usize, S)>) -> Vec<SourceCitations<'a>> {
        let mut groups: Vec<(usize, SourceCitations<'a>)> = Vec::new();
        for (a, anchor) in places {
            let citation = self.citation(a, anchor.as_ref());
            match groups.iter_mut().find(|(article, _)| *article == a) {
                Some((_, group)) => group.links.push(citation),
                None => groups.push((
                    a,
                    SourceCitations {
                        title: citation.title,
                        label: citation.label.clone(),
                        links: vec![citation],
                    },
                )),
            }
        }
        groups.into_iter().map(|(_, g)| g).collect()
    }

    /// A passage's anchor, known from its place without decoding its
    /// article: a year page of the timeline cites passages of thousands of
    /// articles (decoding them was three in four of an add-one rebuild's
    /// decodes).
    fn passage_id(&self, r: PassageRef) -> String {
        crate::parse::passage_anchor(r.passage)
    }

    /// An article as lists show it. Keep in step with the key of the
    /// articles' archive pages (in `render_all`).
    fn article_card(&self, a: usize) -> ArticleCard<'a> {
        let article = &self.input.articles[a];
        ArticleCard {
            slug: &article.slug,
            title: &article.title,
            url: article_url(&article.slug),
            date: article.date.map(date_view),
            source: article.source.as_deref(),
            original_url: article.url.as_deref().filter(|u| crate::parse::is_safe_url(u)),
            passages: article.passage_count(),
            topics: self.article_topics[a].iter().map(|&t| self.topic_link(t)).collect(),
        }
    }

    fn event_view(&self, e: usize, root: &str, current_topic: Option<usize>) -> EventView<'a> {
        let event = &self.input.briefing.timeline[e];
        let mut articles: Vec<usize> = event.citations.iter().map(|r| r.article).collect();
        articles.dedup();
        let shown: Vec<usize> = articles.iter().take(EVENT_SOURCES).copied().collect();
        let sources = self.group(
            event
                .citations
                .iter()
                .filter(|r| shown.contains(&r.article))
                .map(|&r| (r.article, self.passage_id(r))),
        );
        EventView {
            id: self.event_ids[e].clone(),
            href: self.event_href(e),
            more_sources: articles.len().saturating_sub(EVENT_SOURCES),
            datetime: event.date.datetime(),
            label: event.date.label(),
            html: self.text_html(&event.text, root, current_topic),
            sources,
            topics: event.topics.iter().map(|&t| self.topic_link(t)).collect(),
        }
    }

    /// Where event `e` is listed, relative to the output root.
    fn event_href(&self, e: usize) -> String {
        let page = self.event_pages.get(e).map_or("timeline/index.html", String::as_str);
        format!("{page}#{}", self.event_ids[e])
    }

    fn passage_view(&self, r: PassageRef, root: &str, current_topic: Option<usize>) -> PassageView<'a> {
        let input = self.input;
        let article = &input.articles[r.article];
        let passage = &article.passages()[r.passage];
        PassageView {
            id: &passage.id,
            html: self.passage_html(r, root, current_topic),
            href: format!("{}#{}", article_url(&article.slug), passage.id),
            topics: input.briefing.passage_topics[r.article][r.passage]
                .iter()
                .filter(|&&t| Some(t) != current_topic)
                .map(|&t| self.topic_link(t))
                .collect(),
            also_reported_by: self.group(
                input.briefing.corroboration[r.article][r.passage]
                    .iter()
                    .map(|&(o, _)| (o.article, self.passage_id(o))),
            ),
        }
    }

    /// A passage as HTML (see `text_html`), honouring Markdown runs.
    fn passage_html(&self, r: PassageRef, root: &str, current_topic: Option<usize>) -> String {
        let passage = &self.input.articles[r.article].passages()[r.passage];
        let mut linked: Vec<usize> = current_topic.into_iter().collect();
        let mut html = String::with_capacity(passage.text.len() + 64);
        if passage.runs.is_empty() {
            // The analysis found the mentions in this very text.
            let mentions = &self.input.mentions[r.article][r.passage];
            self.push_text(&passage.text, mentions, root, &mut linked, &mut html);
            return html;
        }
        let mut in_link = false;
        for run in &passage.runs {
            match run {
                // No topic link inside the article's own link.
                Run::Text(text) if in_link => self.push_text(text, &[], root, &mut linked, &mut html),
                Run::Text(text) => {
                    let mentions = self.input.matcher.find(text);
                    self.push_text(text, &mentions, root, &mut linked, &mut html);
                }
                Run::Markup(markup) => html.push_str(markup),
                Run::LinkStart(href) => {
                    in_link = true;
                    html.push_str("<a href=\"");
                    escape_html(href, &mut html);
                    html.push_str("\">");
                }
                Run::LinkEnd => {
                    in_link = false;
                    html.push_str("</a>");
                }
            }
        }
        html
    }

    /// Plain text as HTML: escaped, the first mention of each topic linked to
    /// its page (not the current topic's), defined acronyms in `<abbr>`.
    fn text_html(&self, text: &str, root: &str, current_topic: Option<usize>) -> String {
        let mut linked: Vec<usize> = current_topic.into_iter().collect();
        let mut html = String::with_capacity(text.len() + 64);
        self.push_text(text, &self.input.matcher.find(text), root, &mut linked, &mut html);
        html
    }

    /// Appends `text` as HTML, linking the first of its `mentions` of each
    /// topic not yet `linked`.
    fn push_text(&self, text: &str, mentions: &[Mention], root: &str, linked: &mut Vec<usize>, html: &mut String) {
        let glossary = &self.input.briefing.glossary;
        let mut links: Vec<(usize, usize, usize)> = Vec::new();
        for m in mentions {
            if !linked.contains(&m.topic) {
                linked.push(m.topic);
                links.push((m.start, m.end, m.topic));
            }
        }
        let abbrs = self.terms.find(text);
        let abbr_at = |start: usize, end: usize| abbrs.iter().find(|a| a.0 == start && a.1 == end).map(|a| a.2);
        let push_abbr = |term: usize, shown: &str, html: &mut String| {
            html.push_str("<abbr title=\"");
            escape_html(&glossary.terms[term].long, html);
            html.push_str("\">");
            escape_html(shown, html);
            html.push_str("</abbr>");
        };
        // Walk the text once, emitting links and abbreviations in order; an
        // abbreviation inside a longer link is left as plain text.
        let mut at = 0;
        let mut next_link = links.iter().peekable();
        let mut next_abbr = abbrs.iter().peekable();
        loop {
            let link_start = next_link.peek().map_or(usize::MAX, |l| l.0);
            let abbr_start = next_abbr.peek().map_or(usize::MAX, |a| a.0);
            if link_start == usize::MAX && abbr_start == usize::MAX {
                break;
            }
            if link_start <= abbr_start {
                let Some(&(start, end, topic)) = next_link.next() else {
                    break;
                };
                escape_html(&text[at..start], html);
                html.push_str(&format!(
                    "<a class=\"topic-link\" href=\"{root}{}\">",
                    topic_url(&self.input.config.topics[topic].slug)
                ));
                match abbr_at(start, end) {
                    Some(term) => push_abbr(term, &text[start..end], html),
                    None => escape_html(&text[start..end], html),
                }
                html.push_str("</a>");
                at = end;
                while next_abbr.peek().is_some_and(|a| a.0 < end) {
                    next_abbr.next();
                }
            } else {
                let Some(&(start, end, term)) = next_abbr.next() else {
                    break;
                };
                if start < at || link_start < end {
                    continue;
                }
                escape_html(&text[at..start], html);
                push_abbr(term, &text[start..end], html);
                at = end;
            }
        }
        escape_html(&text[at..], html);
    }

    fn feed(&self, site: &SiteView) -> anyhow::Result<Page> {
        let input = self.input;
        let base = &input.config.base_url;
        let rfc3339 = |d: Option<Date>| {
            d.map_or_else(
                || "1970-01-01T00:00:00Z".to_string(),
                |d| format!("{}T00:00:00Z", date_view(d).iso),
            )
        };
        // One entry per new article, and one per topic its newest article updated.
        let mut entries: Vec<FeedEntry> = input
            .briefing
            .chronological
            .iter()
            .take(50)
            .map(|&a| {
                let article = &input.articles[a];
                let url = format!("{base}{}", article_url(&article.slug));
                FeedEntry {
                    title: article.title.clone(),
                    id: url.clone(),
                    url,
                    updated: rfc3339(article.date),
                    summary: article
                        .passages()
                        .first()
                        .map_or_else(String::new, |p| excerpt(&p.text, 300)),
                }
            })
            .collect();
        for (topic, summary) in input.config.topics.iter().zip(&input.briefing.topics) {
            let Some((date, a)) = summary.last_updated else {
                continue;
            };
            let url = format!("{base}{}", topic_url(&topic.slug));
            let added = summary.passages.iter().filter(|r| r.article == a).count();
            entries.push(FeedEntry {
                title: format!("{} updated", topic.title),
                id: format!("{url}#updated-{}", date_view(date).iso),
                url,
                updated: rfc3339(Some(date)),
                summary: format!(
                    "{} from “{}”; {} in all from {}.",
                    plural(added, "passage"),
                    input.articles[a].title,
                    plural(summary.passages.len(), "passage"),
                    plural(summary.sources.len(), "source")
                ),
            });
        }
        entries.sort_by(|x, y| y.updated.cmp(&x.updated).then_with(|| x.id.cmp(&y.id)));
        // The feed's own date is its newest entry's: never the build time, so two builds are identical.
        let updated = input
            .briefing
            .chronological
            .first()
            .map_or_else(|| rfc3339(None), |&a| rfc3339(input.articles[a].date));
        Ok(Page::new(
            "atom.xml",
            input
                .templates
                .render("atom.xml", &FeedContext { site, updated, entries })?,
        ))
    }

    /// Every HTML page emitted so far, in sorted order (pages arrive from
    /// several threads, so their arrival order is not stable): the sitemap,
    /// or at more than `SITEMAP_URLS` pages, its index and its parts.
    fn sitemap(&self) -> anyhow::Result<()> {
        let mut paths: Vec<String> = self.paths.lock().map(|p| p.clone()).unwrap_or_default();
        paths.sort();
        for (path, context) in sitemaps(&self.input.config.base_url, &paths, SITEMAP_URLS) {
            let bytes = match context {
                Sitemap::Urls(urls) if self.input.templates.builtin_sitemap => sitemap_xml(&urls),
                Sitemap::Urls(urls) => self.input.templates.render("sitemap.xml", &urls)?,
                Sitemap::Index(index) => self.input.templates.render("sitemap_index.xml", &index)?,
            };
            (self.emit)(Page::new(path, bytes))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn page_links_are_those_of_a_walk_over_every_page() {
        // What page_links gave when it visited every page.
        fn every_page(total: usize, current: Option<usize>) -> Vec<(Option<usize>, bool)> {
            let shown = |k: usize| match current {
                None => k == 1 || k == total || total <= 9,
                Some(c) => k == 1 || k.abs_diff(c) <= 3,
            };
            let mut links: Vec<(Option<usize>, bool)> = Vec::new();
            for k in 1..=total {
                if shown(k) {
                    links.push((Some(k), current == Some(k)));
                } else if links.last().is_some_and(|l| l.0.is_some()) {
                    links.push((None, false));
                }
            }
            links
        }
        for total in 0..40 {
            for current in std::iter::once(None).chain((1..=total).map(Some)) {
                let links: Vec<(Option<usize>, bool)> = super::page_links(total, current, |k| format!("p{k}"))
                    .iter()
                    .map(|l| (l.number, l.current))
                    .collect();
                assert_eq!(links, every_page(total, current), "{total} pages, current {current:?}");
            }
        }
    }

    use super::*;

    #[test]
    fn a_sitemap_over_the_limit_becomes_an_index_of_parts() -> anyhow::Result<()> {
        let paths: Vec<String> = ["404.html", "a/index.html", "b.html", "c/index.html", "d.html", "x.js"]
            .map(String::from)
            .to_vec();
        let locs = |sitemap: &Sitemap| match sitemap {
            Sitemap::Urls(c) => c.urls.iter().map(|u| u.loc.clone()).collect::<Vec<_>>(),
            Sitemap::Index(i) => i.sitemaps.clone(),
        };
        let one = sitemaps("https://e.org/p/", &paths, 4);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].0, "sitemap.xml");
        assert_eq!(
            locs(&one[0].1),
            [
                "https://e.org/p/a/",
                "https://e.org/p/b.html",
                "https://e.org/p/c/",
                "https://e.org/p/d.html"
            ]
        );
        let split = sitemaps("https://e.org/p/", &paths, 3);
        let names: Vec<&str> = split.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["sitemap.xml", "sitemap-1.xml", "sitemap-2.xml"]);
        assert!(matches!(split[0].1, Sitemap::Index(_)));
        assert_eq!(
            locs(&split[0].1),
            ["https://e.org/p/sitemap-1.xml", "https://e.org/p/sitemap-2.xml"]
        );
        assert_eq!(locs(&split[1].1).len(), 3);
        assert_eq!(locs(&split[2].1), ["https://e.org/p/d.html"]);
        // The built-in index template names each part.
        let templates = Templates::load(Path::new("no templates here"))?;
        let Sitemap::Index(index) = &split[0].1 else {
            anyhow::bail!("not an index")
        };
        let xml = String::from_utf8(templates.render("sitemap_index.xml", index)?)?;
        assert!(
            xml.contains("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">"),
            "{xml}"
        );
        assert!(
            xml.contains("  <sitemap><loc>https://e.org/p/sitemap-2.xml</loc></sitemap>\n</sitemapindex>"),
            "{xml}"
        );
        // The built-in list is written without Tera, as Tera writes it.
        let odd = ["a&b/index.html", "c<d>\"e'.html"].map(String::from);
        for paths in [&paths[..], &odd[..], &[]] {
            let [(_, Sitemap::Urls(urls))] = &sitemaps("https://e.org/p/", paths, 10)[..] else {
                anyhow::bail!("not one list")
            };
            assert_eq!(
                String::from_utf8(sitemap_xml(urls))?,
                String::from_utf8(templates.render("sitemap.xml", urls)?)?
            );
        }
        Ok(())
    }
    use crate::analyze::dates::PartialDate;
    use crate::analyze::timeline::Event;

    fn event(year: i32, month: Option<u8>, day: Option<u8>) -> Event {
        Event {
            date: PartialDate { year, month, day },
            text: String::new(),
            citations: Vec::new(),
            topics: Vec::new(),
        }
    }

    #[test]
    fn events_are_anchored_by_date_and_place_within_it() {
        let events = [
            event(2019, None, None),
            event(2019, Some(11), None),
            event(2020, Some(10), Some(7)),
            event(2020, Some(10), Some(7)),
            event(2020, Some(10), Some(7)),
            event(2020, Some(10), Some(8)),
        ];
        assert_eq!(
            event_ids(&events),
            [
                "event-2019",
                "event-2019-11",
                "event-2020-10-07",
                "event-2020-10-07_2",
                "event-2020-10-07_3",
                "event-2020-10-08"
            ]
        );
        // Ten events dated only by the year, then one of October: all distinct.
        let mut year = vec![event(2019, None, None); 10];
        year.push(event(2019, Some(10), None));
        let ids = event_ids(&year);
        let distinct: std::collections::BTreeSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len(), "{ids:?}");
        // An event of another date, arriving first, moves no anchor.
        let mut more = vec![event(2018, Some(1), Some(1))];
        more.extend(events);
        assert_eq!(event_ids(&more)[1..], event_ids(&more[1..])[..]);
    }
}
