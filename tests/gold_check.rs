//! The bundled briefing against its gold file, with only the Rust toolchain.
//!
//! `check_gold` is a port of `tests/gold/check_gold.py`: it reads only the generated HTML and checks it against
//! `tests/gold/seeds.toml`, with the same checks, counts and failure wording (each failure is the text the Python
//! prints after `FAIL `). Where python3 (3.11+) is installed, the tests also run the Python checker on the same
//! output and require the same results, which keeps the port faithful.
//!
//! The one known gap: the Python builds its tree with `html.parser` (a start tag opens an element unless it is void,
//! an end tag closes up to its nearest open namesake), while `scraper` builds the HTML5 tree (implied end tags, table
//! foster parenting, `<noscript>` as raw text). The two trees only differ on malformed markup; the Python's text rule
//! (inline children joined as they are, block-level ones padded with a space each side, no script/style/template
//! text) is reproduced exactly on top of scraper's tree.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};
use std::fs;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::process::Command;

use scraper::{ElementRef, Html, Node};
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::Deserialize;

// ---------------------------------------------------------------------------------------------------------------------
// The checker
// ---------------------------------------------------------------------------------------------------------------------

/// Tags whose text is padded with a space on each side (`BLOCK` in the Python).
#[rustfmt::skip]
const BLOCK: &[&str] = &[
    "p", "li", "dt", "dd", "div", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "td",
    "th", "br", "ul", "ol", "dl", "header", "footer", "nav", "main", "aside", "figure", "figcaption", "table", "pre",
    "hr", "details", "summary",
];

/// Checks the site built in `site` against the gold file `gold`, limited to `parts` (any of "topics", "glossary",
/// "timeline"; empty means all). Returns how many checks passed and, in order, the failed ones, worded as the
/// Python's `FAIL` lines (without the `FAIL ` prefix).
pub fn check_gold(site: &Path, gold: &Path, parts: &[&str]) -> (usize, Vec<String>) {
    let source = fs::read_to_string(gold).unwrap_or_else(|e| panic!("cannot read {}: {e}", gold.display()));
    let gold: Gold = toml::from_str(&source).unwrap_or_else(|e| panic!("cannot parse {}: {e}", gold.display()));
    let wanted = |part: &str| parts.is_empty() || parts.contains(&part);
    let mut r = Report::default();

    // Article pages: which one holds a fragment, to check the citation links.
    let mut articles = Vec::new();
    if let Ok(dir) = fs::read_dir(site.join("articles")) {
        for entry in dir.flatten() {
            let page = entry.path().join("index.html");
            if entry.path().is_dir() && page.exists() {
                let slug = entry.file_name().to_string_lossy().into_owned();
                articles.push((slug, fold(&text(parse(&page).root_element()))));
            }
        }
    }
    articles.sort();
    let home_of = |fragment: &str| -> Vec<String> {
        let f = fold(fragment);
        articles
            .iter()
            .filter(|(_, text)| text.contains(&f))
            .map(|(slug, _)| slug.clone())
            .collect()
    };

    if wanted("topics") {
        for (slug, topic) in &gold.topics.0 {
            let page = site.join("topics").join(slug).join("index.html");
            r.check(page.is_file(), format!("topic page topics/{slug}/index.html exists"));
            if !page.is_file() {
                continue;
            }
            let doc = parse(&page);
            let text = fold(&text(doc.root_element()));
            let hrefs: Vec<&str> = elements(&doc).filter(|a| a.value().name() == "a").map(href).collect();
            for fragment in &topic.must {
                let shown = repr(fragment);
                r.check(text.contains(&fold(fragment)), format!("[{slug}] must show: {shown}"));
                let homes = home_of(fragment);
                let found = format!("[{}]", homes.iter().map(|h| repr(h)).collect::<Vec<_>>().join(", "));
                r.check(
                    homes.len() == 1,
                    format!("[{slug}] exactly one article page holds: {shown} (found {found})"),
                );
                if let [home] = homes.as_slice() {
                    let target = format!("articles/{home}/");
                    let cited = hrefs.iter().any(|h| h.contains(&target) && h.contains('#'));
                    r.check(cited, format!("[{slug}] cites articles/{home}/#… for: {shown}"));
                }
            }
            for fragment in &topic.must_not {
                r.check(
                    !text.contains(&fold(fragment)),
                    format!("[{slug}] must not show: {}", repr(fragment)),
                );
            }
        }
    }

    if let Some(glossary) = gold.glossary.as_ref().filter(|g| wanted("glossary") && !g.is_empty()) {
        let page = site.join("glossary").join("index.html");
        r.check(page.is_file(), "glossary/index.html exists".to_owned());
        if page.is_file() {
            let doc = parse(&page);
            let nodes: Vec<ElementRef> = elements(&doc)
                .filter(|n| matches!(n.value().name(), "dt" | "dd"))
                .collect();
            // A dict in the Python: a repeated <dt> keeps its first place and takes the last <dd>.
            let mut pairs: Vec<(String, String)> = Vec::new();
            for (i, n) in nodes.iter().enumerate() {
                if n.value().name() == "dt" {
                    let dd = match nodes.get(i + 1) {
                        Some(next) if next.value().name() == "dd" => text(*next),
                        _ => String::new(),
                    };
                    let (dt, dd) = (fold(&text(*n)), fold(&dd));
                    match pairs.iter_mut().find(|(key, _)| *key == dt) {
                        Some(pair) => pair.1 = dd,
                        None => pairs.push((dt, dd)),
                    }
                }
            }
            let terms: Vec<(String, String)> = list(glossary, "terms");
            for (short, long) in &terms {
                let short_f = fold(short);
                let hit: Vec<&(String, String)> = pairs.iter().filter(|(dt, _)| contains_word(dt, &short_f)).collect();
                r.check(!hit.is_empty(), format!("[glossary] has a <dt> for {short}"));
                if !hit.is_empty() {
                    let long_f = fold(long).replace('\'', "");
                    let ok = hit.iter().any(|(dt, dd)| {
                        dd.replace('\'', "").contains(&long_f) || dt.replace('\'', "").contains(&long_f)
                    });
                    r.check(ok, format!("[glossary] {short} is expanded as {}", repr(long)));
                }
            }
            let not_terms: Vec<String> = list(glossary, "not_terms");
            for short in &not_terms {
                let short_f = fold(short);
                let bad = pairs.iter().any(|(dt, _)| is_only_word(dt, &short_f));
                r.check(!bad, format!("[glossary] {short} is not a term"));
            }
        }
    }

    if wanted("timeline") && !gold.timeline.is_empty() {
        let page = site.join("timeline").join("index.html");
        r.check(page.is_file(), "timeline/index.html exists".to_owned());
        if page.is_file() {
            let doc = parse(&page);
            let mut entries: Vec<(String, String, BTreeSet<String>)> = Vec::new();
            for node in elements(&doc) {
                let Some(datetime) = node.value().attr("datetime").filter(|_| node.value().name() == "time") else {
                    continue;
                };
                let li = node
                    .ancestors()
                    .filter_map(ElementRef::wrap)
                    .find(|e| e.value().name() == "li");
                if let Some(li) = li {
                    let links = li
                        .descendants()
                        .filter_map(ElementRef::wrap)
                        .filter(|a| a.value().name() == "a" && href(*a).contains("articles/"))
                        .map(|a| href(a).split('#').next().unwrap_or_default().to_owned())
                        .collect();
                    entries.push((datetime.to_owned(), fold(&text(li)), links));
                }
            }
            for ev in &gold.timeline {
                let (dt, mentions) = (repr(&ev.datetime), repr(&ev.mentions));
                let mention = fold(&ev.mentions);
                let hits: Vec<_> = entries
                    .iter()
                    .filter(|e| e.0 == ev.datetime && e.1.contains(&mention))
                    .collect();
                r.check(
                    !hits.is_empty(),
                    format!("[timeline] an entry <time datetime={dt}> mentions {mentions}"),
                );
                if let Some(most) = hits.iter().map(|e| e.2.len()).max() {
                    let what = format!(
                        "[timeline] {} {mentions} links {} source article(s) (found {most})",
                        ev.datetime, ev.sources
                    );
                    r.check(i64::try_from(most).unwrap_or(i64::MAX) >= ev.sources, what);
                }
            }
            if let Some(bounds) = gold.timeline_bounds.as_ref().filter(|b| !b.is_empty()) {
                for (dt, _, _) in &entries {
                    let (first, last) = (int(bounds, "first_year"), int(bounds, "last_year"));
                    let head: String = dt.chars().take(4).collect();
                    let year = if !head.is_empty() && head.chars().all(|c| c.is_ascii_digit()) {
                        head.parse().unwrap_or(-1)
                    } else {
                        -1
                    };
                    r.check(
                        (first..=last).contains(&year),
                        format!("[timeline] datetime {} within {first}-{last}", repr(dt)),
                    );
                }
            }
        }
    }

    (r.passed, r.failed)
}

#[derive(Default)]
struct Report {
    passed: usize,
    failed: Vec<String>,
}

impl Report {
    fn check(&mut self, ok: bool, what: String) {
        if ok {
            self.passed += 1;
        } else {
            self.failed.push(what);
        }
    }
}

/// The parts of the gold file the checks read; the rest (`article_date`, `title`, `may`) is ignored, as in the Python.
#[derive(Deserialize)]
struct Gold {
    #[serde(default)]
    topics: Ordered<Topic>,
    glossary: Option<toml::Table>,
    #[serde(default)]
    timeline: Vec<Event>,
    timeline_bounds: Option<toml::Table>,
}

#[derive(Deserialize)]
struct Topic {
    #[serde(default)]
    must: Vec<String>,
    #[serde(default)]
    must_not: Vec<String>,
}

#[derive(Deserialize)]
struct Event {
    datetime: String,
    mentions: String,
    sources: i64,
}

/// A TOML table in file order (`toml::Table` sorts its keys; the Python reports topics in file order).
struct Ordered<T>(Vec<(String, T)>);

impl<T> Default for Ordered<T> {
    fn default() -> Self {
        Self(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Ordered<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for Entries<T> {
            type Value = Ordered<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(Entries(PhantomData))
    }
}

/// `table[key]` as a list, empty when missing (the Python's `.get(key, [])`).
fn list<T: for<'de> Deserialize<'de>>(table: &toml::Table, key: &str) -> Vec<T> {
    table.get(key).map_or_else(Vec::new, |value| {
        value
            .clone()
            .try_into()
            .unwrap_or_else(|e| panic!("gold file: bad `{key}`: {e}"))
    })
}

/// `table[key]` as an integer (a `KeyError` in the Python when missing).
fn int(table: &toml::Table, key: &str) -> i64 {
    table
        .get(key)
        .and_then(toml::Value::as_integer)
        .unwrap_or_else(|| panic!("gold file: no integer `{key}`"))
}

fn parse(page: &Path) -> Html {
    let source = fs::read_to_string(page).unwrap_or_else(|e| panic!("cannot read {}: {e}", page.display()));
    Html::parse_document(&source)
}

/// Every element of the page in document order (the Python's `root.walk()`).
fn elements(doc: &Html) -> impl Iterator<Item = ElementRef<'_>> {
    doc.tree.root().descendants().filter_map(ElementRef::wrap)
}

fn href(a: ElementRef<'_>) -> &str {
    a.value().attr("href").unwrap_or_default()
}

/// The Python's `Node.text()`: text children as they are, block-level children padded with a space each side,
/// nothing from script, style or template.
fn text(element: ElementRef) -> String {
    fn push(element: ElementRef, out: &mut String) {
        for child in element.children() {
            match child.value() {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) if !matches!(e.name(), "script" | "style" | "template") => {
                    let block = BLOCK.contains(&e.name());
                    if let Some(child) = ElementRef::wrap(child) {
                        if block {
                            out.push(' ');
                        }
                        push(child, out);
                        if block {
                            out.push(' ');
                        }
                    }
                }
                _ => {}
            }
        }
    }
    let mut out = String::new();
    push(element, &mut out);
    out
}

/// The Python's `fold`: typographic quotes, dashes and no-break space made plain, white space runs made one space,
/// ends trimmed, then `str.casefold`.
fn fold(text: &str) -> String {
    let mut collapsed = String::with_capacity(text.len());
    let mut in_space = false;
    for c in text.chars() {
        let c = match c {
            '\u{2019}' | '\u{2018}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            '\u{2013}' | '\u{2014}' => '-',
            '\u{a0}' => ' ',
            c => c,
        };
        if is_py_space(c) {
            if !in_space {
                collapsed.push(' ');
            }
            in_space = true;
        } else {
            collapsed.push(c);
            in_space = false;
        }
    }
    casefold(collapsed.trim_matches(is_py_space))
}

/// Python's `str.isspace` (also `\s` and `strip()`): Rust's white space plus the four separators U+001C..U+001F.
fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `str.casefold`: per-character lowercasing (no final-sigma rule), except where full case folding differs.
fn casefold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            // Cherokee folds to its capital letters.
            '\u{13a0}'..='\u{13f5}' => out.push(c),
            '\u{13f8}'..='\u{13fd}' | '\u{ab70}'..='\u{abbf}' => {
                let upper = if c <= '\u{13fd}' {
                    c as u32 - 8
                } else {
                    c as u32 - 0xab70 + 0x13a0
                };
                out.extend(char::from_u32(upper));
            }
            _ => match CASEFOLD_NOT_LOWER.binary_search_by_key(&c, |&(from, _)| from) {
                Ok(i) => out.push_str(CASEFOLD_NOT_LOWER[i].1),
                Err(_) => out.extend(c.to_lowercase()),
            },
        }
    }
    out
}

/// Every character (Cherokee aside) whose `casefold()` is not its `lower()` in Python 3.11, sorted; generated with
/// `[(c, c.casefold()) for c in map(chr, range(0x110000)) if c.casefold() != c.lower()]`.
#[rustfmt::skip]
const CASEFOLD_NOT_LOWER: &[(char, &str)] = &[
    ('\u{b5}', "\u{3bc}"), ('\u{df}', "ss"), ('\u{149}', "\u{2bc}n"), ('\u{17f}', "s"), ('\u{1f0}', "j\u{30c}"),
    ('\u{345}', "\u{3b9}"), ('\u{390}', "\u{3b9}\u{308}\u{301}"), ('\u{3b0}', "\u{3c5}\u{308}\u{301}"),
    ('\u{3c2}', "\u{3c3}"), ('\u{3d0}', "\u{3b2}"), ('\u{3d1}', "\u{3b8}"), ('\u{3d5}', "\u{3c6}"),
    ('\u{3d6}', "\u{3c0}"), ('\u{3f0}', "\u{3ba}"), ('\u{3f1}', "\u{3c1}"), ('\u{3f5}', "\u{3b5}"),
    ('\u{587}', "\u{565}\u{582}"), ('\u{1c80}', "\u{432}"), ('\u{1c81}', "\u{434}"), ('\u{1c82}', "\u{43e}"),
    ('\u{1c83}', "\u{441}"), ('\u{1c84}', "\u{442}"), ('\u{1c85}', "\u{442}"), ('\u{1c86}', "\u{44a}"),
    ('\u{1c87}', "\u{463}"), ('\u{1c88}', "\u{a64b}"), ('\u{1e96}', "h\u{331}"), ('\u{1e97}', "t\u{308}"),
    ('\u{1e98}', "w\u{30a}"), ('\u{1e99}', "y\u{30a}"), ('\u{1e9a}', "a\u{2be}"), ('\u{1e9b}', "\u{1e61}"),
    ('\u{1e9e}', "ss"), ('\u{1f50}', "\u{3c5}\u{313}"), ('\u{1f52}', "\u{3c5}\u{313}\u{300}"),
    ('\u{1f54}', "\u{3c5}\u{313}\u{301}"), ('\u{1f56}', "\u{3c5}\u{313}\u{342}"), ('\u{1f80}', "\u{1f00}\u{3b9}"),
    ('\u{1f81}', "\u{1f01}\u{3b9}"), ('\u{1f82}', "\u{1f02}\u{3b9}"), ('\u{1f83}', "\u{1f03}\u{3b9}"),
    ('\u{1f84}', "\u{1f04}\u{3b9}"), ('\u{1f85}', "\u{1f05}\u{3b9}"), ('\u{1f86}', "\u{1f06}\u{3b9}"),
    ('\u{1f87}', "\u{1f07}\u{3b9}"), ('\u{1f88}', "\u{1f00}\u{3b9}"), ('\u{1f89}', "\u{1f01}\u{3b9}"),
    ('\u{1f8a}', "\u{1f02}\u{3b9}"), ('\u{1f8b}', "\u{1f03}\u{3b9}"), ('\u{1f8c}', "\u{1f04}\u{3b9}"),
    ('\u{1f8d}', "\u{1f05}\u{3b9}"), ('\u{1f8e}', "\u{1f06}\u{3b9}"), ('\u{1f8f}', "\u{1f07}\u{3b9}"),
    ('\u{1f90}', "\u{1f20}\u{3b9}"), ('\u{1f91}', "\u{1f21}\u{3b9}"), ('\u{1f92}', "\u{1f22}\u{3b9}"),
    ('\u{1f93}', "\u{1f23}\u{3b9}"), ('\u{1f94}', "\u{1f24}\u{3b9}"), ('\u{1f95}', "\u{1f25}\u{3b9}"),
    ('\u{1f96}', "\u{1f26}\u{3b9}"), ('\u{1f97}', "\u{1f27}\u{3b9}"), ('\u{1f98}', "\u{1f20}\u{3b9}"),
    ('\u{1f99}', "\u{1f21}\u{3b9}"), ('\u{1f9a}', "\u{1f22}\u{3b9}"), ('\u{1f9b}', "\u{1f23}\u{3b9}"),
    ('\u{1f9c}', "\u{1f24}\u{3b9}"), ('\u{1f9d}', "\u{1f25}\u{3b9}"), ('\u{1f9e}', "\u{1f26}\u{3b9}"),
    ('\u{1f9f}', "\u{1f27}\u{3b9}"), ('\u{1fa0}', "\u{1f60}\u{3b9}"), ('\u{1fa1}', "\u{1f61}\u{3b9}"),
    ('\u{1fa2}', "\u{1f62}\u{3b9}"), ('\u{1fa3}', "\u{1f63}\u{3b9}"), ('\u{1fa4}', "\u{1f64}\u{3b9}"),
    ('\u{1fa5}', "\u{1f65}\u{3b9}"), ('\u{1fa6}', "\u{1f66}\u{3b9}"), ('\u{1fa7}', "\u{1f67}\u{3b9}"),
    ('\u{1fa8}', "\u{1f60}\u{3b9}"), ('\u{1fa9}', "\u{1f61}\u{3b9}"), ('\u{1faa}', "\u{1f62}\u{3b9}"),
    ('\u{1fab}', "\u{1f63}\u{3b9}"), ('\u{1fac}', "\u{1f64}\u{3b9}"), ('\u{1fad}', "\u{1f65}\u{3b9}"),
    ('\u{1fae}', "\u{1f66}\u{3b9}"), ('\u{1faf}', "\u{1f67}\u{3b9}"), ('\u{1fb2}', "\u{1f70}\u{3b9}"),
    ('\u{1fb3}', "\u{3b1}\u{3b9}"), ('\u{1fb4}', "\u{3ac}\u{3b9}"), ('\u{1fb6}', "\u{3b1}\u{342}"),
    ('\u{1fb7}', "\u{3b1}\u{342}\u{3b9}"), ('\u{1fbc}', "\u{3b1}\u{3b9}"), ('\u{1fbe}', "\u{3b9}"),
    ('\u{1fc2}', "\u{1f74}\u{3b9}"), ('\u{1fc3}', "\u{3b7}\u{3b9}"), ('\u{1fc4}', "\u{3ae}\u{3b9}"),
    ('\u{1fc6}', "\u{3b7}\u{342}"), ('\u{1fc7}', "\u{3b7}\u{342}\u{3b9}"), ('\u{1fcc}', "\u{3b7}\u{3b9}"),
    ('\u{1fd2}', "\u{3b9}\u{308}\u{300}"), ('\u{1fd3}', "\u{3b9}\u{308}\u{301}"), ('\u{1fd6}', "\u{3b9}\u{342}"),
    ('\u{1fd7}', "\u{3b9}\u{308}\u{342}"), ('\u{1fe2}', "\u{3c5}\u{308}\u{300}"),
    ('\u{1fe3}', "\u{3c5}\u{308}\u{301}"), ('\u{1fe4}', "\u{3c1}\u{313}"), ('\u{1fe6}', "\u{3c5}\u{342}"),
    ('\u{1fe7}', "\u{3c5}\u{308}\u{342}"), ('\u{1ff2}', "\u{1f7c}\u{3b9}"), ('\u{1ff3}', "\u{3c9}\u{3b9}"),
    ('\u{1ff4}', "\u{3ce}\u{3b9}"), ('\u{1ff6}', "\u{3c9}\u{342}"), ('\u{1ff7}', "\u{3c9}\u{342}\u{3b9}"),
    ('\u{1ffc}', "\u{3c9}\u{3b9}"), ('\u{fb00}', "ff"), ('\u{fb01}', "fi"), ('\u{fb02}', "fl"), ('\u{fb03}', "ffi"),
    ('\u{fb04}', "ffl"), ('\u{fb05}', "st"), ('\u{fb06}', "st"), ('\u{fb13}', "\u{574}\u{576}"),
    ('\u{fb14}', "\u{574}\u{565}"), ('\u{fb15}', "\u{574}\u{56b}"), ('\u{fb16}', "\u{57e}\u{576}"),
    ('\u{fb17}', "\u{574}\u{56d}"),
];

/// A regex word character in Python (`\w`: alphanumeric or `_`); Rust's `is_alphanumeric` also counts the
/// Other_Alphabetic marks, which no glossary term borders.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// `re.search(rf"(^|\W){re.escape(word)}(\W|$)", text)`.
fn contains_word(text: &str, word: &str) -> bool {
    text.char_indices().map(|(i, _)| i).chain([text.len()]).any(|i| {
        text[i..].starts_with(word)
            && text[..i].chars().next_back().is_none_or(|c| !is_word(c))
            && text[i + word.len()..].chars().next().is_none_or(|c| !is_word(c))
    })
}

/// `re.fullmatch(rf"\W*{re.escape(word)}\W*", text)`.
fn is_only_word(text: &str, word: &str) -> bool {
    text.char_indices().map(|(i, _)| i).chain([text.len()]).any(|i| {
        text[i..].starts_with(word)
            && text[..i].chars().all(|c| !is_word(c))
            && text[i + word.len()..].chars().all(|c| !is_word(c))
    })
}

/// Python's `repr` of a string, as the `{x!r}` in the failure messages.
fn repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            c if c.is_ascii() || !is_py_printable(c) => {
                let n = c as u32;
                let _ = match n {
                    0..=0xff => write!(out, "\\x{n:02x}"),
                    0x100..=0xffff => write!(out, "\\u{n:04x}"),
                    _ => write!(out, "\\U{n:08x}"),
                };
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

/// Python's `str.isprintable` for a non-ASCII character: not a control, separator, format or private-use one
/// (unassigned code points, which Python also escapes, are not told apart).
fn is_py_printable(c: char) -> bool {
    !(c.is_control()
        || c.is_whitespace()
        || matches!(c as u32,
            0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E | 0x200B..=0x200F
            | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xE000..=0xF8FF | 0xFEFF | 0xFFF9..=0xFFFB
            | 0x110BD | 0x110CD | 0x13430..=0x13438 | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001
            | 0xE0020..=0xE007F | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD))
}

// ---------------------------------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------------------------------

const PARTS: [&str; 3] = ["topics", "glossary", "timeline"];

/// The passage the negative tests take away from the SCRI topic page.
const SCRI_MUST: &str = "'Japan proposed the Supply Chain Resilience Initiative (SCRI)'";

fn gold_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gold/seeds.toml")
}

/// Builds the bundled briefing into a fresh temporary folder; returns the folder (keep it alive) and the site in it.
fn build_bundled() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().expect("create a temporary folder");
    let site = tmp.path().join("public");
    briefing::build(&briefing::BuildOptions {
        root: PathBuf::from(env!("CARGO_MANIFEST_DIR")),
        output: Some(site.clone()),
        base_url: None,
    })
    .expect("the bundled briefing builds");
    (tmp, site)
}

fn print_result(label: &str, (passed, failures): &(usize, Vec<String>)) {
    for failure in failures {
        println!("FAIL {failure}");
    }
    println!("{label}: {passed} passed, {} failed", failures.len());
}

/// Whether a python3 able to run check_gold.py (3.11+, for `tomllib`) is installed; says so once when not.
fn python_available() -> bool {
    static AVAILABLE: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *AVAILABLE.get_or_init(
        || match Command::new("python3").args(["-c", "import tomllib"]).output() {
            Err(_) => {
                println!("skipped: python3 not found, Rust port only");
                false
            }
            Ok(out) if !out.status.success() => {
                println!("skipped: python3 has no tomllib (needs 3.11+), Rust port only");
                false
            }
            Ok(_) => true,
        },
    )
}

/// Runs `tests/gold/check_gold.py` on `site` and requires the same passed count and failures as the Rust port.
fn assert_same_as_python(site: &Path, parts: &[&str], rust: &(usize, Vec<String>)) {
    if !python_available() {
        return;
    }
    let mut command = Command::new("python3");
    command
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gold/check_gold.py"))
        .arg(site)
        .env("PYTHONIOENCODING", "utf-8")
        .env("PYTHONDONTWRITEBYTECODE", "1");
    for part in parts {
        command.args(["--part", part]);
    }
    let out = command.output().expect("run python3 tests/gold/check_gold.py");
    let stdout = String::from_utf8(out.stdout).expect("check_gold.py prints UTF-8");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "check_gold.py crashed:\n{stdout}\n{stderr}"
    );
    let failures: Vec<String> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("FAIL "))
        .map(str::to_owned)
        .collect();
    let passed: usize = stdout
        .lines()
        .last()
        .and_then(|summary| summary.split_once(" passed, "))
        .and_then(|(n, _)| n.parse().ok())
        .unwrap_or_else(|| panic!("no 'N passed, M failed' line from check_gold.py:\n{stdout}\n{stderr}"));
    println!(
        "python3 check_gold.py {}: {passed} passed, {} failed",
        parts.join(" "),
        failures.len()
    );
    assert_eq!(
        rust.0, passed,
        "the Rust port and check_gold.py count different passes ({parts:?})"
    );
    assert_eq!(
        rust.1, failures,
        "the Rust port and check_gold.py fail differently ({parts:?})"
    );
}

#[test]
fn bundled_briefing_matches_gold() {
    let (_tmp, site) = build_bundled();
    let all = check_gold(&site, &gold_file(), &[]);
    print_result("all parts", &all);
    assert!(
        all.1.is_empty(),
        "{} gold check(s) failed:\n{}",
        all.1.len(),
        all.1.join("\n")
    );
    assert!(all.0 > 0, "no gold checks ran");
    assert_same_as_python(&site, &[], &all);

    let mut passed_by_part = 0;
    for part in PARTS {
        let result = check_gold(&site, &gold_file(), &[part]);
        print_result(part, &result);
        assert!(
            result.1.is_empty(),
            "{part}: {} gold check(s) failed:\n{}",
            result.1.len(),
            result.1.join("\n")
        );
        assert!(result.0 > 0, "no {part} checks ran");
        assert_same_as_python(&site, &[part], &result);
        passed_by_part += result.0;
    }
    assert_eq!(passed_by_part, all.0, "the parts' checks do not add up to the whole");
}

#[test]
fn checker_reports_a_missing_must_passage() {
    let (_tmp, site) = build_bundled();
    let before = check_gold(&site, &gold_file(), &[]);
    assert!(
        before.1.is_empty(),
        "the bundled site already fails:\n{}",
        before.1.join("\n")
    );

    // Take the SCRI passage's opening words out of its topic page, wherever the page shows it.
    let page = site.join("topics/scri/index.html");
    let html = fs::read_to_string(&page).expect("read the SCRI topic page");
    assert!(
        html.contains("Japan proposed the "),
        "the SCRI topic page no longer shows the passage as plain text"
    );
    fs::write(&page, html.replace("Japan proposed the ", "")).expect("rewrite the SCRI topic page");

    let after = check_gold(&site, &gold_file(), &[]);
    print_result("without the SCRI passage", &after);
    assert_eq!(after.1, [format!("[scri] must show: {SCRI_MUST}")]);
    assert_eq!(after.0, before.0 - 1);
    assert_same_as_python(&site, &[], &after);
}

#[test]
fn checker_reports_a_missing_citation() {
    let (_tmp, site) = build_bundled();
    let before = check_gold(&site, &gold_file(), &["topics"]);
    assert!(
        before.1.is_empty(),
        "the bundled site already fails:\n{}",
        before.1.join("\n")
    );

    // Keep the SCRI passage on its topic page but cut the `#…` anchor from every link into the articles.
    let page = site.join("topics/scri/index.html");
    let html = fs::read_to_string(&page).expect("read the SCRI topic page");
    let mut rewritten = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(start) = rest.find("href=\"") {
        let (head, tail) = rest.split_at(start + "href=\"".len());
        let end = tail.find('"').unwrap_or(tail.len());
        let value = &tail[..end];
        rewritten.push_str(head);
        rewritten.push_str(if value.contains("articles/") {
            value.split('#').next().unwrap_or_default()
        } else {
            value
        });
        rest = &tail[end..];
    }
    rewritten.push_str(rest);
    assert_ne!(rewritten, html, "the SCRI topic page links to no article passage");
    fs::write(&page, rewritten).expect("rewrite the SCRI topic page");

    let after = check_gold(&site, &gold_file(), &["topics"]);
    print_result("without the SCRI citation", &after);
    assert_eq!(
        after.1.len(),
        1,
        "expected only the citation check to fail: {:?}",
        after.1
    );
    assert!(
        after.1[0].starts_with("[scri] cites articles/") && after.1[0].ends_with(&format!("/#… for: {SCRI_MUST}")),
        "unexpected failure: {}",
        after.1[0]
    );
    assert_eq!(after.0, before.0 - 1);
    assert_same_as_python(&site, &["topics"], &after);
}

/// The helpers against what Python gives for the same input (values taken from Python 3.11).
#[test]
fn helpers_follow_python() {
    assert_eq!(
        fold("  Japan\u{2019}s \u{201c}Quad\u{201d}\u{a0}\u{2013}\n\t2+2\u{2014}ok \u{1f} "),
        "japan's \"quad\" - 2+2-ok"
    );
    assert_eq!(
        fold("STRASSE Straße \u{3a3}\u{39f}\u{3a3} \u{fb01}n \u{b5}m \u{13f8}"),
        "strasse strasse σοσ fin μm \u{13f0}"
    );
    let html = "<!doctype html><html><head><title>T</title><style>s{}</style></head><body>\
                <div>a<b>b</b><p>c</p>d<br>e<script>x</script><template><p>t</p></template></div>\
                <ul><li>one</li><li>two</li></ul><span>f</span>g</body></html>";
    assert_eq!(
        text(Html::parse_document(html).root_element()),
        "T ab c d  e   one  two  fg"
    );
    // Malformed markup makes different trees (html5ever closes the <li> and the <p>), but the same folded text.
    let html = "<ul><li>one<li>two</ul><p>x<div>y</div>z</p>";
    assert_eq!(fold(&text(Html::parse_document(html).root_element())), "one two x y z");
    assert!(contains_word("ipoi (indo-pacific oceans initiative)", "ipoi"));
    assert!(contains_word("indo-pacific (ipoi)", "ipoi"));
    assert!(!contains_word("ipois", "ipoi"));
    assert!(!contains_word("i_ipoi", "ipoi"));
    assert!(is_only_word("(5g)", "5g"));
    assert!(!is_only_word("5g network", "5g"));
    assert!(is_only_word("2+2", "2+2"));
    assert_eq!(repr("plain"), "'plain'");
    assert_eq!(repr("Japan's"), "\"Japan's\"");
    assert_eq!(repr("a \"b\" c's\\"), "'a \"b\" c\\'s\\\\'");
    assert_eq!(
        repr("tab\there\u{a0}nbsp\u{200b}\u{2026}é"),
        "'tab\\there\\xa0nbsp\\u200b…é'"
    );
}
