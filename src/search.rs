//! Full-text search: topics, articles and glossary terms → a small inverted
//! index of script files under `search/data/`, which the search page
//! (`templates/search.html`) loads on demand.
//!
//! Written by hand rather than with Pagefind (which the first versions used),
//! because of what it cost and what it could not do, both measured:
//! - Pagefind took 12.4 s of a 14.2 s build of 10,000 articles (71% of the
//!   CPU time), most of it gzipping each of its ~10,000 files at the best
//!   level, which its API cannot change, and in creating those files;
//! - its index is fetched, so search did not work from `file://`.
//!
//! This index is made from the model (records, not rendered pages) and is a
//! few hundred files. Each is one call, `briefingSearch("<name>",<JSON>);`,
//! so the page loads it with a `<script>` element, from a server or from disk
//! alike:
//! - `meta.js`: `{"format","records","chunk","prefix","segments"}`, the
//!   segments being `[name, first id, shard prefix, [shard, …]]`, each with
//!   every term shard it has;
//! - `t/<segment>-<shard>.js`: `{"<term>":[id,weight,Δid,weight,…]}`, the
//!   terms of one segment's records whose first characters (the segment's
//!   shard prefix) are the shard (see [`shard_key`]), each with the records
//!   of the segment it is in (ids from the segment's first, ascending, each
//!   after the first as the difference from the one before: a segment's
//!   files do not change when the records before it do) and its weight in
//!   each. A term's postings are those of every segment, in segment order;
//! - `d/<n>.js`: records `n × CHUNK …` in id order, each
//!   `{"u":url,"t":title,"k":kind,"a":about,"p":[[anchor,label,text],…]}`.
//!
//! The records are split into segments (see [`segments`]): the articles in
//! runs of [`SEGMENT`] records, whole runs of [`MERGED`] of those as one,
//! then the topics and glossary terms (`x`). An article arriving at the end
//! changes only the last segment's shard files: the others are kept by
//! their keys without their postings being read (a rebuild of 10,000
//! articles read, copied and wrote 11 MB of postings for one new article).
//!
//! Reads no files and writes none: the caller writes the returned pages
//! through `Staging`, which keeps every file whose bytes did not change, and
//! hands in and saves the postings of the segments (see [`Segments`]).

use crate::analyze::Briefing;
use crate::cache::Key;
use crate::config::Config;
use crate::parse::Article;
use crate::render::{article_url, topic_url, Emit, Page, Previous};
use crate::text::slugify;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hash::BuildHasher as _;
use xxhash_rust::xxh3::Xxh3;

/// Where the index goes in the output folder.
pub const DATA_DIR: &str = "search/data";

/// Bump when the files' layout or meaning changes.
pub const FORMAT: u32 = 2;

/// Article records per segment of the index: an article arriving at the end
/// rewrites the shard files of its segment, which holds at most this many.
#[cfg(not(test))]
pub const SEGMENT: usize = 512;
#[cfg(test)]
pub const SEGMENT: usize = 4;

/// Once the articles fill this many segments in a row, the run becomes one
/// segment: a query loads a shard of every segment, so their number stays
/// small (28 at most at 100,000 articles). The articles of the run are
/// gathered once more when it closes, once every 8,192 arrivals.
#[cfg(not(test))]
pub const MERGED: usize = 16;
#[cfg(test)]
pub const MERGED: usize = 3;

/// The segments of `articles` article records, in id order: runs of
/// `SEGMENT × MERGED` records, then of `SEGMENT`, the last perhaps shorter.
/// Depends on the count alone, so a rebuild cuts as a build from nothing does.
pub fn segments(articles: usize) -> Vec<std::ops::Range<usize>> {
    let merged = SEGMENT * MERGED;
    let closed = articles / merged * merged;
    let mut out: Vec<std::ops::Range<usize>> = (0..closed).step_by(merged).map(|s| s..s + merged).collect();
    out.extend(
        (closed..articles)
            .step_by(SEGMENT)
            .map(|s| s..(s + SEGMENT).min(articles)),
    );
    out
}

/// The name of the segment of the topics and glossary terms.
const TAIL_SEGMENT: &str = "x";

/// The characters a segment's shards are named by: `PREFIX` for a merged
/// segment, `SHORT_PREFIX` for the others (see `SHORT_PREFIX`).
fn segment_prefix(range: &std::ops::Range<usize>) -> usize {
    if range.len() >= SEGMENT * MERGED {
        PREFIX
    } else {
        SHORT_PREFIX
    }
}

/// Records per chunk file: the page loads the chunk of each result it shows,
/// so a chunk is small (64 synthetic articles are about 250 KB of text).
pub const CHUNK: usize = 64;

/// A term's shard is named by its first `PREFIX` characters: few enough files
/// to write quickly, and a query loads only the shards of its words. A word
/// this long finds every term it starts; a shorter one, only itself.
pub const PREFIX: usize = 2;

/// The shards of a segment of `SEGMENT` records, and of the topics and terms,
/// are named by the first character alone: an arrival rewrites the files of
/// the last segment, a few dozen rather than the 160 two-character shards of
/// English text.
const SHORT_PREFIX: usize = 1;

/// Records whose terms are gathered at a time (see `index`); small in unit
/// tests, so that the bundled briefing spans several blocks. A block's term
/// lists stay in the processor's cache. Side by side, medians of 6 first
/// builds of 10,000 articles: 4,096 records (39 MB of lists) → 1,024 took the
/// CPU time from 5.63 to 5.49 s and the peak memory from 405 to 360 MB;
/// 1,024 → 256, 5.91 to 5.66 s (a noisier hour).
#[cfg(not(test))]
const TERMS_BLOCK: usize = 256;
#[cfg(test)]
const TERMS_BLOCK: usize = 5;

/// Groups of terms whose postings are merged side by side (see `index`).
const MERGE_PARTS: usize = 4;

/// The group a term's postings are merged in.
fn merge_part(term: &str) -> usize {
    (rustc_hash::FxBuildHasher.hash_one(term) % MERGE_PARTS as u64) as usize
}

/// How much an occurrence of a word counts, by where it stands. A topic's
/// title and aliases weigh most, so searching an alias ("IPOI") finds the
/// topic before the articles that mention it.
const TOPIC_NAME_WEIGHT: u32 = 50;
const TOPIC_SUMMARY_WEIGHT: u32 = 5;
const ARTICLE_TITLE_WEIGHT: u32 = 8;
const PASSAGE_WEIGHT: u32 = 1;
const TERM_SHORT_WEIGHT: u32 = 20;
const TERM_LONG_WEIGHT: u32 = 5;

/// One thing a reader can find: a topic, an article or a glossary term.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record<'a> {
    /// Relative to the output root, as every link in the site is.
    pub url: String,
    pub title: &'a str,
    /// Shown with the result: "Topic", "Source article", "Glossary".
    pub kind: &'static str,
    /// Shown with the result: an article's date and source.
    pub about: Option<String>,
    /// Searched but not shown (the title, a topic's aliases), with weights.
    pub names: Vec<(&'a str, u32)>,
    /// Searched and shown: an excerpt of each that matches.
    pub texts: Vec<Text<'a>>,
}

/// A searchable text of a record: an article's passage, a topic's summary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<'a> {
    /// Where a hit in it links to within the record's page ("p3"), or "".
    pub anchor: String,
    /// How the link reads ("¶3"), or "".
    pub label: String,
    pub text: Cow<'a, str>,
    /// 0: shown, not searched (its words are among the names already).
    pub weight: u32,
}

/// Every search record in id order: articles (content order), topics, terms.
/// Articles come first so that an article arriving at the end moves no id.
pub fn records<'a>(config: &'a Config, articles: &'a [Article], briefing: &'a Briefing) -> Vec<Record<'a>> {
    let mut out: Vec<Record> = articles.par_iter().map(article_record).collect();
    out.extend(tail_records(config, briefing));
    out
}

/// The records after the articles': topics, then glossary terms.
fn tail_records<'a>(config: &'a Config, briefing: &'a Briefing) -> Vec<Record<'a>> {
    let topics = config.topics.iter().map(|topic| {
        let aliases: Vec<&str> = topic
            .aliases
            .iter()
            .map(String::as_str)
            .filter(|alias| !alias.eq_ignore_ascii_case(&topic.title))
            .collect();
        let mut names = vec![(topic.title.as_str(), TOPIC_NAME_WEIGHT)];
        names.extend(aliases.iter().map(|alias| (*alias, TOPIC_NAME_WEIGHT)));
        let mut texts = Vec::new();
        if !topic.summary.is_empty() {
            texts.push(Text::plain(Cow::Borrowed(&topic.summary), TOPIC_SUMMARY_WEIGHT));
        }
        if !aliases.is_empty() {
            let also = format!("Also called {}", aliases.join(", "));
            texts.push(Text::plain(Cow::Owned(also), 0));
        }
        Record {
            url: topic_url(&topic.slug),
            title: &topic.title,
            kind: "Topic",
            about: None,
            names,
            texts,
        }
    });
    let terms = briefing.glossary.terms.iter().map(|term| Record {
        url: format!("glossary/index.html#term-{}", slugify(&term.short)),
        title: &term.short,
        kind: "Glossary",
        about: None,
        names: vec![(&term.short, TERM_SHORT_WEIGHT), (&term.long, TERM_LONG_WEIGHT)],
        texts: vec![Text::plain(Cow::Owned(format!("{}: {}", term.short, term.long)), 0)],
    });
    topics.chain(terms).collect()
}

impl<'a> Text<'a> {
    fn plain(text: Cow<'a, str>, weight: u32) -> Text<'a> {
        Text {
            anchor: String::new(),
            label: String::new(),
            text,
            weight,
        }
    }
}

fn article_record(article: &Article) -> Record<'_> {
    let about: Vec<String> = article
        .date
        .map(|d| format!("{} {} {}", d.day(), d.month(), d.year()))
        .into_iter()
        .chain(article.source.clone())
        .collect();
    Record {
        url: article_url(&article.slug),
        title: &article.title,
        kind: "Source article",
        about: (!about.is_empty()).then(|| about.join(" · ")),
        names: vec![(&article.title, ARTICLE_TITLE_WEIGHT)],
        texts: article
            .passages()
            .iter()
            .map(|passage| Text {
                label: format!("¶{}", passage.id.trim_start_matches('p')),
                anchor: passage.id.clone(),
                text: Cow::Borrowed(&passage.text),
                weight: PASSAGE_WEIGHT,
            })
            .collect(),
    }
}

/// The words of `text` as the index and the page's script see them: runs of
/// letters and digits, lower-cased. (The script splits on
/// `[\p{Alphabetic}\p{N}]+`, which is what `char::is_alphanumeric` holds for.)
pub fn words(text: &str) -> impl Iterator<Item = Cow<'_, str>> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            if word.bytes().any(|b| b.is_ascii_uppercase() || !b.is_ascii()) {
                Cow::Owned(word.to_lowercase())
            } else {
                Cow::Borrowed(word)
            }
        })
}

/// A record's terms with their weight in it (the sum over occurrences), in
/// no particular order. `weights` is scratch space, handed back empty.
pub fn record_terms<'r>(record: &'r Record, weights: &mut FxHashMap<Cow<'r, str>, u32>) -> Vec<(Cow<'r, str>, u32)> {
    let names = record.names.iter().copied();
    let texts = record.texts.iter().map(|t| (t.text.as_ref(), t.weight));
    for (text, weight) in names.chain(texts).filter(|&(_, weight)| weight > 0) {
        for word in words(text) {
            *weights.entry(word).or_default() += weight;
        }
    }
    weights.drain().collect()
}

/// The shard a term goes in: the lowercase hex of its first `prefix`
/// characters' UTF-8 bytes ("ipoi" → "6970"), safe as a file name anywhere.
pub fn shard_key(term: &str, prefix: usize) -> String {
    let end = term.char_indices().nth(prefix).map_or(term.len(), |(i, _)| i);
    let mut key = String::with_capacity(end * 2);
    for byte in term[..end].bytes() {
        let _ = write!(key, "{byte:02x}");
    }
    key
}

/// Terms with their weight in one record.
type TermList<'t> = Vec<(Cow<'t, str>, u32)>;

/// Terms → (the last record id coded, the coded postings), see `index`.
type PostingMap<'t> = FxHashMap<Cow<'t, str>, (u32, Coded)>;

/// A term's postings as a shard file holds them, without the brackets:
/// record ids ascending, each after the first as the difference from the
/// one before, each followed by the term's weight in the record
/// (`3,1,4,2`: record 3 with weight 1, then record 7 with weight 2). Kept as
/// this text from one build to the next: a rebuild appends the new articles'
/// postings and copies the rest into the shard files as they are. Kept as
/// numbers, the 5 million of 10,000 articles were decoded from the build
/// cache, formatted again for the shards and encoded again for the cache:
/// about half of the search index's time in a rebuild.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, serde::Deserialize)]
pub struct Coded(pub(crate) String);

impl Coded {
    /// Appends a record, by its id's difference from the last one, and its weight.
    fn push(&mut self, delta: u32, weight: u32) {
        let mut digits = itoa::Buffer::new();
        if !self.0.is_empty() {
            self.0.push(',');
        }
        self.0.push_str(digits.format(delta));
        self.0.push(',');
        self.0.push_str(digits.format(weight));
    }

    /// The numbers, in order, or `None` if the text is not a list of
    /// numbers of 32 bits.
    #[cfg(test)]
    fn numbers(&self) -> Option<Vec<u32>> {
        if self.0.is_empty() {
            return Some(Vec::new());
        }
        self.0
            .split(',')
            .map(|n| n.parse().ok().filter(|_| !n.starts_with('+')))
            .collect()
    }

    /// Whether this reads as what `push` writes: pairs of numbers, digits
    /// only, without leading zeros, of at most ten digits. A build cache that
    /// passed its checksum but holds anything else is not used, as this text
    /// goes into the site's scripts as it is. (Checked byte by byte: parsing
    /// every number took as long as the numbers' old decoding.)
    pub fn is_sound(&self) -> bool {
        let (mut numbers, mut digits, mut leading_zero) = (0usize, 0usize, false);
        for &byte in self.0.as_bytes() {
            match byte {
                b'0'..=b'9' => {
                    if leading_zero || digits == 10 {
                        return false;
                    }
                    leading_zero = digits == 0 && byte == b'0';
                    digits += 1;
                }
                b',' if digits > 0 => {
                    (numbers, digits, leading_zero) = (numbers + 1, 0, false);
                }
                _ => return false,
            }
        }
        if self.0.is_empty() {
            return true;
        }
        digits > 0 && (numbers + 1) % 2 == 0
    }

    /// These postings cut to the records before `end`, with the last id
    /// kept, given `last`, the last id coded; `None` when none is before it.
    fn before(self, last: u32, end: u32) -> Option<(u32, Coded)> {
        if last < end {
            return Some((last, self));
        }
        // Only when an article before the last changed: read number by number.
        let (mut id, mut kept, mut cut) = (0u32, None, 0);
        let mut at = 0;
        let mut numbers = self.0.split(',');
        while let (Some(delta), Some(weight)) = (numbers.next(), numbers.next()) {
            id = id.saturating_add(delta.parse().unwrap_or(u32::MAX));
            if id >= end {
                break;
            }
            at += delta.len() + 1 + weight.len();
            (kept, cut) = (Some(id), at);
            at += 1;
        }
        let mut text = self.0;
        text.truncate(cut);
        kept.map(|last| (last, Coded(text)))
    }
}

/// The postings of one segment's article records as a build left them, for
/// the next build to start from (the build cache keeps them). Articles
/// arrive at the end of the content order, so the next build takes every
/// posting of the segment's articles before the first one that changed, and
/// gathers terms only from there on: adding one article gathers the terms of
/// one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct ArticlePostings {
    /// Each article record's source key, in id order.
    pub articles: Vec<Key>,
    /// Each term: the last id coded and the coded postings (see `Coded`).
    pub terms: Vec<(String, u32, Coded)>,
}

impl ArticlePostings {
    /// Whether every term's postings are sound (see `Coded::is_sound`).
    pub fn is_sound(&self) -> bool {
        self.terms.par_iter().all(|(_, _, coded)| coded.is_sound())
    }
}

/// What a build wrote of one segment of articles: enough for the next build
/// to keep its shard files without reading its postings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct SegmentRecord {
    /// The segment's first record id (its name).
    pub first: u32,
    /// What its files were made from (`segment_key`).
    pub key: Key,
    /// Its shard files' keys, sorted.
    pub shards: Vec<String>,
}

/// What the build cache holds of an earlier build's index.
pub struct Earlier<'a> {
    /// The segments it wrote.
    pub segments: &'a [SegmentRecord],
    /// The postings of the segment that starts at an id, or none: read only
    /// for a segment whose files are made again.
    pub postings: &'a (dyn Fn(u32) -> ArticlePostings + Sync),
}

/// What `index` leaves for the next build.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Segments {
    /// Every segment of articles, in id order.
    pub segments: Vec<SegmentRecord>,
    /// The postings of each segment whose postings changed, by first id.
    pub changed: Vec<(u32, ArticlePostings)>,
}

/// Adds the terms of `records` (ids from `first` on, ascending and above
/// every id already in `parts`) to the postings. Records are read in blocks,
/// each in parallel, so that only one block's term lists are in memory.
/// Terms are split by a hash into `MERGE_PARTS` groups whose postings are
/// merged side by side: merged on one thread, 25 million entries at 100,000
/// articles kept the index running seconds after the pages were done.
fn gather<'r>(parts: &mut [PostingMap<'r>], records: &'r [Record<'r>], first: u32) {
    for (n, block) in records.chunks(TERMS_BLOCK).enumerate() {
        let start = first + (n * TERMS_BLOCK) as u32;
        let terms: Vec<Vec<TermList>> = block
            .par_iter()
            .map_init(FxHashMap::default, |weights, record| {
                let mut split: Vec<TermList> = vec![Vec::new(); MERGE_PARTS];
                for (term, weight) in record_terms(record, weights) {
                    split[merge_part(&term)].push((term, weight));
                }
                split
            })
            .collect();
        let mut by_part: Vec<Vec<(u32, TermList)>> = (0..MERGE_PARTS).map(|_| Vec::new()).collect();
        for (id, split) in (start..).zip(terms) {
            for (part, list) in by_part.iter_mut().zip(split) {
                part.push((id, list));
            }
        }
        parts.par_iter_mut().zip(by_part).for_each(|(postings, lists)| {
            for (id, list) in lists {
                for (term, weight) in list {
                    let (last, coded) = postings.entry(term).or_default();
                    coded.push(id - *last, weight);
                    *last = id;
                }
            }
        });
    }
}

/// A shard file: `briefingSearch("t/<segment>-<key>",{"<term>":[…],…});`,
/// written by hand to copy each term's postings as they are (see `Coded`);
/// serde_json writes the same bytes for the same terms and numbers, which a
/// test checks.
fn shard_file(segment: &str, key: &str, terms: &[(&str, &str)]) -> anyhow::Result<Page> {
    let name = format!("t/{segment}-{key}");
    let size: usize = terms.iter().map(|(t, p)| t.len() + p.len() + 8).sum();
    let mut bytes = Vec::with_capacity(size + 32);
    bytes.extend_from_slice(b"briefingSearch(");
    serde_json::to_writer(&mut bytes, &name)?;
    bytes.extend_from_slice(b",{");
    for (i, (term, postings)) in terms.iter().enumerate() {
        if i > 0 {
            bytes.push(b',');
        }
        serde_json::to_writer(&mut bytes, term)?;
        bytes.extend_from_slice(b":[");
        bytes.extend_from_slice(postings.as_bytes());
        bytes.push(b']');
    }
    bytes.extend_from_slice(b"});\n");
    Ok(Page::new(shard_path(segment, key), bytes))
}

/// Where a segment's shard file goes.
fn shard_path(segment: &str, key: &str) -> String {
    format!("{DATA_DIR}/t/{segment}-{key}.js")
}

/// Emits the shard files of one segment's postings, by the first `prefix`
/// characters of each term (with `key`, if the segment has one), and returns
/// their keys, sorted.
fn emit_shards(
    segment: &str,
    prefix: usize,
    parts: &[PostingMap],
    key: Option<Key>,
    emit: Emit,
) -> anyhow::Result<Vec<String>> {
    let mut shards: BTreeMap<String, Vec<(&str, &str)>> = BTreeMap::new();
    for (term, (_, coded)) in parts.iter().flatten() {
        shards
            .entry(shard_key(term, prefix))
            .or_default()
            .push((term, &coded.0));
    }
    shards.par_iter_mut().try_for_each(|(shard, terms)| {
        terms.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let page = shard_file(segment, shard, terms)?;
        emit(match key {
            Some(key) => page.with_key(key),
            None => page,
        })
    })?;
    Ok(shards.into_keys().collect())
}

/// What `meta.js` holds.
#[derive(Serialize)]
struct Meta<'a> {
    format: u32,
    records: usize,
    chunk: usize,
    prefix: usize,
    /// Each segment's name, first id, shard prefix and shards, in id order.
    segments: Vec<(String, usize, usize, &'a [String])>,
}

/// A record as a chunk file holds it.
#[derive(Serialize)]
struct RecordFile<'r> {
    u: &'r str,
    t: &'r str,
    k: &'r str,
    #[serde(skip_serializing_if = "Option::is_none")]
    a: Option<&'r str>,
    p: Vec<(&'r str, &'r str, &'r str)>,
}

/// One data file: `briefingSearch("<name>",<json>);` and a newline.
fn data_file(name: &str, value: &impl Serialize) -> anyhow::Result<Page> {
    let mut bytes = b"briefingSearch(".to_vec();
    serde_json::to_writer(&mut bytes, name)?;
    bytes.push(b',');
    serde_json::to_writer(&mut bytes, value)?;
    bytes.extend_from_slice(b");\n");
    Ok(Page::new(format!("{DATA_DIR}/{name}.js"), bytes))
}

/// What the search index is made from.
pub struct SearchInput<'a> {
    pub config: &'a Config,
    pub articles: &'a [Article],
    /// Each article's source fingerprint (same index as `articles`).
    pub article_keys: &'a [Key],
    pub briefing: &'a Briefing,
    /// Which chunk and shard files need not be written again.
    pub previous: Previous<'a>,
}

/// What a chunk of articles alone is made from: the settings (`settings`,
/// hashed once per build) and each article's source. A chunk that also holds
/// topics or terms has no key.
fn chunk_key(settings: Key, number: usize, article_keys: &[Key]) -> Key {
    let mut hasher = Xxh3::new();
    hasher.update(&settings.to_le_bytes());
    hasher.update(&(number as u64).to_le_bytes());
    for key in article_keys {
        hasher.update(&key.to_le_bytes());
    }
    hasher.digest128()
}

/// What a segment of articles' shard files are made from: the settings, the
/// segment's place and each of its articles' source.
fn segment_key(settings: Key, range: &std::ops::Range<usize>, article_keys: &[Key]) -> Key {
    let mut hasher = Xxh3::new();
    hasher.update(b"segment");
    hasher.update(&settings.to_le_bytes());
    hasher.update(&(range.start as u64).to_le_bytes());
    hasher.update(&(range.end as u64).to_le_bytes());
    for key in article_keys {
        hasher.update(&key.to_le_bytes());
    }
    hasher.digest128()
}

/// Builds the search index of the whole briefing, handing its files to
/// `emit`, and returns what the next build starts from. A segment of
/// articles whose files the previous site holds unchanged (by the segment's
/// key) is kept as it is, its postings not read; any other is made from
/// `earlier`'s postings of its articles up to the first whose source key
/// differs, and from the records of the rest. Records are made in a fixed
/// order and every map is sorted before it is written, which keeps two
/// builds' indexes byte-identical, whatever `earlier` held. A chunk of
/// articles the previous site holds unchanged is not written again.
pub fn index(input: &SearchInput, earlier: &Earlier, emit: Emit) -> anyhow::Result<Segments> {
    let SearchInput {
        config,
        articles,
        article_keys,
        briefing,
        previous,
    } = *input;
    let tail = tail_records(config, briefing);
    let article_count = u32::try_from(articles.len())?;
    let total = article_count as usize + tail.len();
    u32::try_from(total)?;
    // The settings' `Debug` text is long with many topics: hashed once here.
    let settings = crate::cache::settings_key(&[config, &FORMAT, &CHUNK]);

    let ranges = segments(articles.len());
    let made: Vec<(SegmentRecord, Option<ArticlePostings>)> = ranges
        .par_iter()
        .map(|range| article_segment(input, settings, range.clone(), earlier, emit))
        .collect::<anyhow::Result<_>>()?;
    // The topics and terms: a few records, gathered every build.
    let mut rest: Vec<PostingMap> = (0..MERGE_PARTS).map(|_| FxHashMap::default()).collect();
    gather(&mut rest, &tail, 0);
    let tail_shards = emit_shards(TAIL_SEGMENT, SHORT_PREFIX, &rest, None, emit)?;

    let mut listed: Vec<(String, usize, usize, &[String])> = made
        .iter()
        .zip(&ranges)
        .map(|((segment, _), range)| {
            let first = range.start;
            (first.to_string(), first, segment_prefix(range), &segment.shards[..])
        })
        .collect();
    listed.push((TAIL_SEGMENT.to_string(), articles.len(), SHORT_PREFIX, &tail_shards));
    let meta = Meta {
        format: FORMAT,
        records: total,
        chunk: CHUNK,
        prefix: PREFIX,
        segments: listed,
    };
    emit(data_file("meta", &meta)?)?;
    (0..total.div_ceil(CHUNK)).into_par_iter().try_for_each(|n| {
        let path = format!("{DATA_DIR}/d/{n}.js");
        let sources = article_keys.get(n * CHUNK..(n + 1) * CHUNK);
        let key = sources.map(|sources| chunk_key(settings, n, sources));
        if let Some(key) = key.filter(|&key| previous(&path, key)) {
            return emit(Page::kept(path, key));
        }
        // Made again here rather than kept from the terms: most chunks of a
        // rebuild are kept, and the records borrow little.
        let ids = n * CHUNK..((n + 1) * CHUNK).min(total);
        let made: Vec<Record> = articles[ids.start.min(articles.len())..ids.end.min(articles.len())]
            .iter()
            .map(article_record)
            .collect();
        let from_tail = &tail[ids.start.saturating_sub(articles.len())..ids.end.saturating_sub(articles.len())];
        let files: Vec<RecordFile> = made
            .iter()
            .chain(from_tail)
            .map(|r| RecordFile {
                u: &r.url,
                t: r.title,
                k: r.kind,
                a: r.about.as_deref(),
                p: r.texts
                    .iter()
                    .map(|t| (&*t.anchor, &*t.label, t.text.as_ref()))
                    .collect(),
            })
            .collect();
        let page = data_file(&format!("d/{n}"), &files)?;
        emit(match key {
            Some(key) => page.with_key(key),
            None => page,
        })
    })?;
    let mut out = Segments::default();
    for (segment, postings) in made {
        if let Some(postings) = postings {
            out.changed.push((segment.first, postings));
        }
        out.segments.push(segment);
    }
    Ok(out)
}

/// The shard files of the articles `range`: kept, when the previous site
/// holds every one as `earlier` lists them; else made, from `earlier`'s
/// postings of the segment as far as they hold, and from the records of the
/// rest. Returns what was written, and the segment's postings when they are
/// not `earlier`'s.
fn article_segment(
    input: &SearchInput,
    settings: Key,
    range: std::ops::Range<usize>,
    earlier: &Earlier,
    emit: Emit,
) -> anyhow::Result<(SegmentRecord, Option<ArticlePostings>)> {
    let first = u32::try_from(range.start)?;
    let name = first.to_string();
    let keys = &input.article_keys[range.clone()];
    let key = segment_key(settings, &range, keys);
    if let Some(known) = earlier.segments.iter().find(|s| s.first == first && s.key == key) {
        let paths: Vec<String> = known.shards.iter().map(|shard| shard_path(&name, shard)).collect();
        if paths.iter().all(|path| (input.previous)(path, key)) {
            for path in paths {
                emit(Page::kept(path, key))?;
            }
            return Ok((known.clone(), None));
        }
    }
    let cached = (earlier.postings)(first);
    let reused = cached.articles.iter().zip(keys).take_while(|(a, b)| a == b).count();
    let unchanged = reused == cached.articles.len() && reused == keys.len();
    // Ids from the segment's first.
    let cut = reused as u32;
    let fresh: Vec<Record> = input.articles[range.start + reused..range.end]
        .par_iter()
        .map(article_record)
        .collect();
    let mut parts: Vec<PostingMap> = (0..MERGE_PARTS).map(|_| FxHashMap::default()).collect();
    for (term, last, coded) in cached.terms {
        if let Some(postings) = coded.before(last, cut) {
            parts[merge_part(&term)].insert(Cow::Owned(term), postings);
        }
    }
    gather(&mut parts, &fresh, cut);
    let shards = emit_shards(&name, segment_prefix(&range), &parts, Some(key), emit)?;
    let postings = (!unchanged).then(|| ArticlePostings {
        articles: keys.to_vec(),
        terms: parts
            .into_iter()
            .flatten()
            .map(|(term, (last, coded))| (term.into_owned(), last, coded))
            .collect(),
    });
    Ok((SegmentRecord { first, key, shards }, postings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[test]
    fn coded_postings_append_cut_and_read_back() {
        let mut coded = Coded::default();
        for (delta, weight) in [(3, 1), (4, 20), (u32::MAX - 7, 5)] {
            coded.push(delta, weight);
        }
        assert_eq!(coded.0, "3,1,4,20,4294967288,5");
        assert!(coded.is_sound());
        assert_eq!(coded.numbers(), Some(vec![3, 1, 4, 20, u32::MAX - 7, 5]));
        // Records 3, 7 and u32::MAX: cut before each.
        assert_eq!(
            coded.clone().before(u32::MAX, u32::MAX),
            Some((7, Coded("3,1,4,20".into())))
        );
        assert_eq!(coded.clone().before(u32::MAX, 7), Some((3, Coded("3,1".into()))));
        assert_eq!(coded.clone().before(u32::MAX, 3), None);
        assert_eq!(coded.clone().before(u32::MAX, 4), Some((3, Coded("3,1".into()))));
        // Ending before `end` already: kept whole without reading it.
        assert_eq!(coded.clone().before(7, 8), Some((7, coded.clone())));
        assert!(Coded::default().is_sound());
    }

    #[test]
    fn a_shard_file_is_what_serde_json_writes() -> anyhow::Result<()> {
        let terms = [("dé\"j\u{1}à", "5,1,2,3"), ("ipoi", "9,50"), ("none", "")];
        let page = shard_file("8192", "6970", &terms)?;
        assert_eq!(page.path, "search/data/t/8192-6970.js");
        let mut expected = serde_json::Map::new();
        expected.insert("dé\"j\u{1}à".into(), serde_json::json!([5, 1, 2, 3]));
        expected.insert("ipoi".into(), serde_json::json!([9, 50]));
        expected.insert("none".into(), serde_json::json!([]));
        let mut bytes = b"briefingSearch(\"t/8192-6970\",".to_vec();
        // In the order given (serde_json's own map is sorted).
        bytes.push(b'{');
        for (i, (term, _)) in terms.iter().enumerate() {
            if i > 0 {
                bytes.push(b',');
            }
            serde_json::to_writer(&mut bytes, term)?;
            bytes.push(b':');
            serde_json::to_writer(&mut bytes, &expected[*term])?;
        }
        bytes.extend_from_slice(b"});\n");
        assert_eq!(String::from_utf8(page.bytes)?, String::from_utf8(bytes)?);
        Ok(())
    }

    #[test]
    fn segments_are_runs_of_merged_segments_then_segments() {
        let (small, big) = (SEGMENT, SEGMENT * MERGED);
        assert!(segments(0).is_empty());
        assert_eq!(segments(1), vec![0..1]);
        assert_eq!(segments(small + 1), [0..small, small..small + 1]);
        assert_eq!(segments(big - 1).len(), MERGED);
        assert_eq!(segments(big), vec![0..big]);
        assert_eq!(
            segments(2 * big + small),
            [0..big, big..2 * big, 2 * big..2 * big + small]
        );
        for n in 0..3 * big {
            let cut = segments(n);
            assert!(cut.windows(2).all(|w| w[0].end == w[1].start), "{n}");
            assert_eq!(cut.last().map_or(0, |r| r.end), n);
        }
    }

    fn bundled() -> anyhow::Result<crate::Loaded> {
        Ok(crate::load(std::path::Path::new(env!("CARGO_MANIFEST_DIR")), None)?)
    }

    /// The index's files in path order, as text.
    fn files(loaded: &crate::Loaded) -> anyhow::Result<BTreeMap<String, String>> {
        emitted(loaded, &|_, _| false)?
            .into_iter()
            .map(|page| Ok((page.path, String::from_utf8(page.bytes)?)))
            .collect()
    }

    fn sorted_terms(record: &Record) -> Vec<(String, u32)> {
        let mut terms: Vec<(String, u32)> = record_terms(record, &mut FxHashMap::default())
            .into_iter()
            .map(|(term, weight)| (term.into_owned(), weight))
            .collect();
        terms.sort_unstable();
        terms
    }

    /// The JSON a data file carries, checking the call around it.
    fn payload(path: &str, text: &str) -> anyhow::Result<serde_json::Value> {
        let name = path
            .strip_prefix("search/data/")
            .and_then(|p| p.strip_suffix(".js"))
            .ok_or_else(|| anyhow::anyhow!("{path}: not a data file"))?;
        let head = format!("briefingSearch({},", serde_json::to_string(name)?);
        let body = text
            .strip_prefix(&head)
            .and_then(|t| t.strip_suffix(");\n"))
            .ok_or_else(|| anyhow::anyhow!("{path}: not one briefingSearch call: {text:.80}"))?;
        Ok(serde_json::from_str(body)?)
    }

    #[test]
    fn words_are_lowercased_runs_of_letters_and_digits() {
        let got: Vec<String> = words("India–Japan's 13th MoC, «Ünïcode» IPOI!")
            .map(Cow::into_owned)
            .collect();
        assert_eq!(got, ["india", "japan", "s", "13th", "moc", "ünïcode", "ipoi"]);
        assert_eq!(shard_key("ipoi", 2), "6970");
        assert_eq!(shard_key("ipoi", 1), "69");
        assert_eq!(shard_key("x", 2), "78");
        assert_eq!(shard_key("ünïcode", 2), "c3bc6e");
    }

    #[test]
    fn records_cover_articles_topics_and_terms_in_order() -> anyhow::Result<()> {
        let loaded = bundled()?;
        let (config, articles, briefing) = (&loaded.config, &loaded.articles, &loaded.briefing);
        let records = records(config, articles, briefing);
        let expected: Vec<String> = articles
            .iter()
            .map(|a| article_url(&a.slug))
            .chain(config.topics.iter().map(|t| topic_url(&t.slug)))
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
        // Every passage of an article is a text anchored at its id.
        let anchors: Vec<&str> = records[0].texts.iter().map(|t| t.anchor.as_str()).collect();
        let ids: Vec<&str> = articles[0].passages().iter().map(|p| p.id.as_str()).collect();
        assert_eq!(anchors, ids);
        Ok(())
    }

    #[test]
    fn the_index_is_byte_identical_twice_and_finds_every_record_by_its_words() -> anyhow::Result<()> {
        // One segment of articles, and several (one of them merged).
        for loaded in [bundled()?, many(SEGMENT * MERGED + 2 * SEGMENT + 1)?] {
            let files = files(&loaded)?;
            assert_eq!(files, self::files(&loaded)?);
            let records = records(&loaded.config, &loaded.articles, &loaded.briefing);

            let meta = payload("search/data/meta.js", &files["search/data/meta.js"])?;
            assert_eq!(meta["format"], FORMAT);
            assert_eq!(meta["records"], records.len());
            let listed: Vec<(String, u32, usize, Vec<String>)> = serde_json::from_value(meta["segments"].clone())?;
            let names: Vec<&str> = listed.iter().map(|(name, ..)| name.as_str()).collect();
            let mut expected: Vec<String> = segments(loaded.articles.len())
                .iter()
                .map(|r| r.start.to_string())
                .collect();
            expected.push(TAIL_SEGMENT.into());
            assert_eq!(names, expected);
            let shard_paths: Vec<String> = listed
                .iter()
                .flat_map(|(name, _, _, shards)| shards.iter().map(move |shard| shard_path(name, shard)))
                .collect();
            let mut written: Vec<String> = files.keys().filter(|p| p.contains("/t/")).cloned().collect();
            let mut sorted = shard_paths.clone();
            sorted.sort();
            written.sort();
            assert_eq!(sorted, written, "meta lists exactly the shards written");

            // Decode every posting back: each record's terms, with their weights.
            let mut decoded: Vec<Vec<(String, u32)>> = vec![Vec::new(); records.len()];
            for ((segment, first, prefix, shards), range) in listed.iter().zip(
                segments(loaded.articles.len())
                    .into_iter()
                    .chain(std::iter::once(loaded.articles.len()..records.len())),
            ) {
                assert_eq!(*first as usize, range.start);
                assert_eq!(*prefix, if range.len() == SEGMENT * MERGED { PREFIX } else { 1 });
                for key in shards {
                    let path = shard_path(segment, key);
                    let terms: BTreeMap<String, Vec<u32>> = serde_json::from_value(payload(&path, &files[&path])?)?;
                    for (term, coded) in terms {
                        assert_eq!(shard_key(&term, *prefix), *key, "{term} in the wrong shard");
                        let mut id = *first;
                        for pair in coded.chunks(2) {
                            id += pair[0];
                            assert!(range.contains(&(id as usize)), "{term}: {id} not in segment {segment}");
                            decoded[id as usize].push((term.clone(), pair[1]));
                        }
                    }
                }
            }
            for (record, terms) in records.iter().zip(&mut decoded) {
                terms.sort_unstable();
                assert_eq!(*terms, sorted_terms(record), "{}", record.url);
            }

            // Chunks hold the records in id order.
            let chunk: Vec<serde_json::Value> =
                serde_json::from_value(payload("search/data/d/0.js", &files["search/data/d/0.js"])?)?;
            assert_eq!(chunk.len(), records.len().min(CHUNK));
            assert_eq!(chunk[0]["u"], records[0].url);
            assert_eq!(chunk[0]["p"][0][0], "p1");
            assert_eq!(chunk[0]["p"][0][1], "¶1");
        }
        Ok(())
    }

    #[test]
    fn a_topic_alias_outweighs_every_mention_in_an_article() -> anyhow::Result<()> {
        let loaded = bundled()?;
        let records = records(&loaded.config, &loaded.articles, &loaded.briefing);
        let weight = |record: &Record| {
            sorted_terms(record)
                .into_iter()
                .find(|(term, _)| term == "ipoi")
                .map_or(0, |(_, w)| w)
        };
        let topic = records
            .iter()
            .find(|r| r.url == "topics/ipoi/index.html")
            .ok_or_else(|| anyhow::anyhow!("no IPOI topic"))?;
        let most = records.iter().filter(|r| r.kind == "Source article").map(weight).max();
        assert!(weight(topic) > most.unwrap_or(0), "{} vs {most:?}", weight(topic));
        Ok(())
    }

    /// The bundled briefing with its articles repeated to fill `count`.
    fn many(count: usize) -> anyhow::Result<crate::Loaded> {
        let mut loaded = bundled()?;
        let (articles, keys) = (loaded.articles.clone(), loaded.article_keys.clone());
        loaded.articles.clear();
        loaded.article_keys.clear();
        for n in 0..count {
            let mut article = articles[n % articles.len()].clone();
            article.slug = format!("{}-{n}", article.slug);
            loaded.articles.push(article);
            loaded.article_keys.push(keys[n % keys.len()] ^ n as u128);
        }
        Ok(loaded)
    }

    /// What the build cache holds of a search index: its segments, and the
    /// postings of each.
    #[derive(Debug, Clone, Default, PartialEq)]
    struct Cached {
        segments: Vec<SegmentRecord>,
        postings: BTreeMap<u32, ArticlePostings>,
    }

    impl Cached {
        /// The cache after a build that left `now`.
        fn after(&self, now: &Segments) -> Cached {
            let mut postings = self.postings.clone();
            for (first, changed) in &now.changed {
                let mut changed = changed.clone();
                changed.terms.sort_unstable();
                postings.insert(*first, changed);
            }
            postings.retain(|first, _| now.segments.iter().any(|s| s.first == *first));
            Cached {
                segments: now.segments.clone(),
                postings,
            }
        }
    }

    /// Every page `index` emits, with `previous` answering for kept ones.
    fn emitted(loaded: &crate::Loaded, previous: Previous) -> anyhow::Result<Vec<Page>> {
        Ok(emitted_from(loaded, previous, &Cached::default(), &Mutex::default())?.0)
    }

    /// `emitted`, starting from `earlier`; also what `index` returned. The
    /// segments whose postings were read are added to `read`.
    fn emitted_from(
        loaded: &crate::Loaded,
        previous: Previous,
        earlier: &Cached,
        read: &Mutex<Vec<u32>>,
    ) -> anyhow::Result<(Vec<Page>, Segments)> {
        let pages = Mutex::new(Vec::new());
        let input = SearchInput {
            config: &loaded.config,
            articles: &loaded.articles,
            article_keys: &loaded.article_keys,
            briefing: &loaded.briefing,
            previous,
        };
        let postings = |first: u32| {
            if let Ok(mut read) = read.lock() {
                read.push(first);
            }
            earlier.postings.get(&first).cloned().unwrap_or_default()
        };
        let from = Earlier {
            segments: &earlier.segments,
            postings: &postings,
        };
        let segments = index(&input, &from, &|page| {
            pages.lock().map_err(|_| anyhow::anyhow!("poisoned"))?.push(page);
            Ok(())
        })?;
        let mut pages = pages.into_inner().map_err(|_| anyhow::anyhow!("poisoned"))?;
        pages.sort_by(|a, b| a.path.cmp(&b.path));
        Ok((pages, segments))
    }

    /// What the cache holds after a build from nothing.
    fn cached_after(loaded: &crate::Loaded) -> anyhow::Result<Cached> {
        let (_, segments) = emitted_from(loaded, &|_, _| false, &Cached::default(), &Mutex::default())?;
        Ok(Cached::default().after(&segments))
    }

    #[test]
    fn postings_from_any_earlier_build_give_the_index_of_a_build_from_nothing() -> anyhow::Result<()> {
        // Several segments, one of them merged, several term blocks
        // (`TERMS_BLOCK` is 5 in tests), and chunk files.
        let count = SEGMENT * MERGED + 2 * SEGMENT + 2;
        let loaded = many(count)?;
        let expected = emitted(&loaded, &|_, _| false)?;
        let cached = cached_after(&loaded)?;
        let keys: Vec<Key> = cached.postings.values().flat_map(|p| p.articles.clone()).collect();
        assert_eq!(keys, loaded.article_keys);
        // As the build cache stores them.
        let postings = &cached.postings[&0];
        let stored: ArticlePostings = postcard::from_bytes(&postcard::to_stdvec(postings)?)?;
        assert_eq!(stored, *postings);
        let mut damaged = postcard::to_stdvec(postings)?;
        damaged.truncate(damaged.len() - 1);
        assert!(postcard::from_bytes::<ArticlePostings>(&damaged).is_err());
        let mut edited = many(count)?;
        edited.articles[7].edit_content(|c| c.passages[0].text.push_str(" Zanzibar"));
        edited.article_keys[7] ^= 1 << 100;
        let mut first_edited = many(count)?;
        first_edited.article_keys[0] ^= 1;
        let earlier = [
            ("fewer articles", cached_after(&many(count - 6)?)?),
            ("more articles", cached_after(&many(count + 4)?)?),
            ("one edited in the middle", cached_after(&edited)?),
            ("the first edited", cached_after(&first_edited)?),
            ("the same articles", cached.clone()),
        ];
        for (case, earlier) in earlier {
            assert!(
                earlier
                    .postings
                    .values()
                    .any(|p| p.terms.iter().any(|(_, last, _)| *last > 0)),
                "{case}: postings to reuse"
            );
            let (pages, again) = emitted_from(&loaded, &|_, _| false, &earlier, &Mutex::default())?;
            assert_eq!(pages, expected, "{case}");
            assert_eq!(again.changed.is_empty(), case == "the same articles", "{case}");
            assert_eq!(earlier.after(&again), cached, "{case}");
        }
        let (_, edited_segments) = emitted_from(&edited, &|_, _| false, &cached, &Mutex::default())?;
        assert_eq!(edited_segments.changed.len(), 1, "the edited article's segment alone");
        assert!(edited_segments.changed[0]
            .1
            .terms
            .iter()
            .any(|(term, _, _)| term == "zanzibar"));
        Ok(())
    }

    #[test]
    fn an_arrival_rewrites_only_the_last_segment_and_reads_only_its_postings() -> anyhow::Result<()> {
        let count = SEGMENT * MERGED + SEGMENT + 1;
        let loaded = many(count)?;
        let (first_pages, first) = emitted_from(&loaded, &|_, _| false, &Cached::default(), &Mutex::default())?;
        let cached = Cached::default().after(&first);
        let keyed: Vec<(String, Key)> = first_pages
            .iter()
            .filter_map(|p| Some((p.path.clone(), p.key?)))
            .collect();
        let previous = |path: &str, key: Key| keyed.iter().any(|(p, k)| p == path && *k == key);
        let shards_of = |pages: &[Page], kept: bool| -> Vec<String> {
            pages
                .iter()
                .filter(|p| p.path.contains("/t/") && p.kept == kept)
                .map(|p| p.path.clone())
                .collect()
        };

        // The same articles: every segment kept, no postings read.
        let read = Mutex::default();
        let (pages, again) = emitted_from(&loaded, &previous, &cached, &read)?;
        assert!(read.lock().is_ok_and(|read| read.is_empty()));
        assert!(again.changed.is_empty());
        assert_eq!(again.segments, first.segments);
        let segment_shards = shards_of(&first_pages, false);
        let article_shards: Vec<&String> = segment_shards.iter().filter(|p| !p.contains("/t/x-")).collect();
        assert_eq!(shards_of(&pages, true).iter().collect::<Vec<_>>(), article_shards);

        // One more article: the last segment's shards written, from its postings.
        let arrived = many(count + 1)?;
        let read = Mutex::default();
        let (pages, after) = emitted_from(&arrived, &previous, &cached, &read)?;
        let last = (SEGMENT * MERGED + SEGMENT) as u32;
        assert!(read.lock().is_ok_and(|read| *read == [last]));
        assert_eq!(after.changed.len(), 1);
        assert_eq!(after.changed[0].0, last);
        let written = shards_of(&pages, false);
        assert!(!written.is_empty());
        assert!(
            written
                .iter()
                .all(|p| p.contains(&format!("/t/{last}-")) || p.contains("/t/x-")),
            "{written:?}"
        );
        // What is kept and written is what a build from nothing writes.
        let fresh = emitted(&arrived, &|_, _| false)?;
        for page in &pages {
            let made = fresh.iter().find(|p| p.path == page.path);
            let made = made.ok_or_else(|| anyhow::anyhow!("{}: not in a build from nothing", page.path))?;
            let bytes = if page.kept {
                &first_pages
                    .iter()
                    .find(|p| p.path == page.path)
                    .map(|p| p.bytes.clone())
                    .unwrap_or_default()
            } else {
                &page.bytes
            };
            assert_eq!(*bytes, made.bytes, "{}", page.path);
        }
        assert_eq!(pages.len(), fresh.len());
        Ok(())
    }

    #[test]
    fn a_chunk_of_unchanged_articles_is_kept_and_an_edit_writes_only_its_own() -> anyhow::Result<()> {
        let mut loaded = many(2 * CHUNK + 5)?;
        let before = emitted(&loaded, &|_, _| false)?;
        let chunk = |n: usize| format!("{DATA_DIR}/d/{n}.js");
        // Shard files of segments have keys too: the chunks' alone here.
        let keyed: Vec<(String, Key)> = before
            .iter()
            .filter(|p| p.path.contains("/d/"))
            .filter_map(|p| Some((p.path.clone(), p.key?)))
            .collect();
        // Two chunks hold articles alone; the third also the topics and terms.
        let paths: Vec<&str> = keyed.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, [chunk(0), chunk(1)]);
        let previous = |path: &str, key: Key| keyed.iter().any(|(p, k)| p == path && *k == key);
        let kept =
            |pages: &[Page]| -> Vec<String> { pages.iter().filter(|p| p.kept).map(|p| p.path.clone()).collect() };
        assert_eq!(keyed.len(), 2);
        assert_eq!(kept(&emitted(&loaded, &previous)?), [chunk(0), chunk(1)]);

        // An edit in the second chunk: the first is kept, the second written.
        loaded.articles[CHUNK + 3].title.push_str(" (corrected)");
        loaded.article_keys[CHUNK + 3] ^= 1 << 100;
        let after = emitted(&loaded, &previous)?;
        assert_eq!(kept(&after), [chunk(0)]);
        let written = after.iter().find(|p| p.path == chunk(1));
        assert!(written.is_some_and(|p| String::from_utf8_lossy(&p.bytes).contains("(corrected)")));
        // What is kept is what a build from nothing would write.
        let fresh = emitted(&loaded, &|_, _| false)?;
        assert_eq!(
            fresh[..].iter().find(|p| p.path == chunk(0)),
            before.iter().find(|p| p.path == chunk(0))
        );
        Ok(())
    }

    #[test]
    fn hostile_text_stays_inside_the_json_string() -> anyhow::Result<()> {
        let mut loaded = bundled()?;
        let payload_text = "\");alert(1);//</script><script>alert(2)</script>\u{2028}";
        loaded.articles[0].edit_content(|c| c.passages[0].text = payload_text.to_string());
        let files = files(&loaded)?;
        let chunk = payload("search/data/d/0.js", &files["search/data/d/0.js"])?;
        assert_eq!(chunk[0]["p"][0][2], payload_text);
        Ok(())
    }
}
