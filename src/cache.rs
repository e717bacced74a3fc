//! The build cache in `.briefing/cache/` (gitignored): what earlier builds
//! learnt, so a rebuild parses and analyses only new or changed articles and
//! keeps the output files whose bytes did not change.
//!
//! The cache is a speed-up only. Every entry is keyed by a hash of everything
//! that made it (an article's path and bytes; the settings in the file header)
//! and carries a checksum; an entry that is missing, damaged, or from another
//! version of briefing is simply not used, so a build with any cache gives the
//! same output as one with none.
//!
//! Five kinds of file, each written whole through a temporary file and a rename
//! (but for what is appended to `articles.bin`):
//! - `articles.bin`: each article as parsed, with its warnings and its facts
//!   (new articles are appended to it; it is rewritten only when damaged or
//!   mostly stale).
//! - `pages-<output>.bin`: for one output folder, what each file was made from
//!   (see [`Manifest`]).
//! - `search.bin`: the search index's postings of the articles (see
//!   [`ArticlePostings`]), for the next build to start from.
//! - `sources.bin`: each article file's [`Stamp`] and source key, so that a
//!   rebuild reads only the files whose stamp changed (see [`SourceStamps`]).
//! - `timeline.bin`: how each date's reports were merged into events, so that
//!   a rebuild merges only the dates whose reports changed (see
//!   `timeline::Merged`).
//!
//! The framing (magic, version, length-prefixed entries with checksums) is
//! written by hand: it is a few lines, and lets a build decode only the entries
//! it needs, in parallel, straight from the file's bytes. Entries themselves
//! are serde values encoded with postcard; an article's content is then
//! compressed with lz4 (lz4_flex), which costs little CPU time and makes the
//! file smaller (a rebuild reads it whole). Its head is not: every rebuild
//! decodes every head, and their numbers (term hashes, mostly) hardly
//! compress: 4 MB more at 10,000 articles (50 MB), where decompressing them
//! took a quarter of reading the cache (110 of 414 million instructions).

use crate::analyze::facts::{ArticleFacts, FactsRef};
use crate::analyze::similarity::Frequencies;
use crate::analyze::timeline::Merged;
use crate::diagnostics::Diagnostic;
use crate::output::remove_if_there;
use crate::parse::{Article, ArticleHead, ArticleHeadRef, EncodedContent};
use crate::search::{ArticlePostings, SegmentRecord, Segments};
use crate::source::Stamp;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use xxhash_rust::xxh3::{xxh3_128, xxh3_64, Xxh3};

/// Where the cache lives, under the project root.
pub const CACHE_DIR: &str = ".briefing/cache";
const ARTICLES_FILE: &str = "articles.bin";
const SEARCH_FILE: &str = "search.bin";
const SOURCES_FILE: &str = "sources.bin";
const TIMELINE_FILE: &str = "timeline.bin";
const FREQUENCIES_FILE: &str = "frequencies.bin";
const MAGIC: &[u8; 8] = b"BRFCACHE";
/// Bumped whenever a cached type changes shape; with the crate version, it
/// makes every older cache unusable rather than misread.
const FORMAT: u32 = 16;

/// A 128-bit fingerprint.
pub type Key = u128;

/// The warning a build gives when it could not update the cache: it goes on,
/// only the next build is slower.
pub fn not_updated(error: &anyhow::Error) -> Diagnostic {
    Diagnostic::warning(CACHE_DIR, format!("cannot update the build cache: {error:#}"))
}

/// The fingerprint of an article file: its path (which gives its slug and
/// possibly its date) and its bytes.
pub fn source_key(rel: &str, bytes: &[u8]) -> Key {
    let mut hasher = Xxh3::new();
    hasher.update(rel.as_bytes());
    hasher.update(&[0]);
    hasher.update(bytes);
    hasher.digest128()
}

/// A fingerprint of settings, built from their `Debug` text: the settings
/// types are plain data, and the crate version is mixed in by the callers, so
/// the text is stable for a given briefing.
pub fn settings_key(parts: &[&dyn std::fmt::Debug]) -> Key {
    let mut hasher = Xxh3::new();
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    hasher.update(&FORMAT.to_le_bytes());
    for part in parts {
        hasher.update(format!("{part:?}").as_bytes());
        hasher.update(&[0]);
    }
    hasher.digest128()
}

/// What an article's cached form depends on besides its file: the settings
/// that change how it is parsed or what facts it yields.
pub fn article_settings(config: &crate::config::Config) -> Key {
    settings_key(&[&config.allow_html, &config.topics])
}

/// One article as an earlier build read it.
#[derive(Debug, Clone)]
pub struct CachedArticle {
    pub article: Article,
    pub warnings: Vec<Diagnostic>,
    pub facts: ArticleFacts,
}

/// A `CachedArticle` borrowed from the build's own vectors, for saving, so
/// the articles need not be gathered into entries first.
#[derive(Debug, Clone, Copy)]
pub struct CachedArticleRef<'a> {
    pub article: &'a Article,
    pub warnings: &'a [Diagnostic],
    pub facts: FactsRef<'a>,
}

/// What an entry holds besides the article's content, as stored.
#[derive(Serialize)]
struct StoredHead<'a> {
    article: ArticleHeadRef<'a>,
    passages: usize,
    warnings: &'a [Diagnostic],
    facts: FactsRef<'a>,
}

/// `StoredHead` as decoded.
#[derive(Deserialize)]
struct DecodedHead {
    article: ArticleHead,
    passages: usize,
    warnings: Vec<Diagnostic>,
    facts: ArticleFacts,
}

impl CachedArticleRef<'_> {
    /// The entry as stored: the length of its head (8 bytes), the head (all
    /// but the content: postcard), then the content
    /// (`Content::encode`), which a rebuild decodes only where it reads it.
    fn encode(&self) -> anyhow::Result<Vec<u8>> {
        let head = StoredHead {
            article: self.article.head(),
            passages: self.article.passage_count(),
            warnings: self.warnings,
            facts: self.facts,
        };
        let head = postcard::to_stdvec(&head)?;
        let content = self.article.content().encode()?;
        let mut entry = Vec::with_capacity(8 + head.len() + content.len());
        entry.extend_from_slice(&(head.len() as u64).to_le_bytes());
        entry.extend_from_slice(&head);
        entry.extend_from_slice(&content);
        Ok(entry)
    }
}

/// The articles of earlier builds, still encoded, by source key.
pub struct ArticleCache {
    path: PathBuf,
    settings: Key,
    bytes: Arc<Vec<u8>>,
    /// key → range of `bytes` holding the encoded entry (checksum verified on use).
    entries: FxHashMap<Key, (usize, usize, u64)>,
    /// The file read to its end without damage (appending to it is safe).
    sound: bool,
}

impl ArticleCache {
    /// Opens the cache of the project at `root` for builds with `settings`.
    /// Never fails: an unreadable or unusable file is an empty cache.
    pub fn open(root: &Path, settings: Key) -> ArticleCache {
        let path = root.join(CACHE_DIR).join(ARTICLES_FILE);
        let bytes = Arc::new(fs::read(&path).unwrap_or_default());
        let (entries, sound) = read_frames(&bytes, settings);
        ArticleCache {
            path,
            settings,
            bytes,
            entries,
            sound,
        }
    }

    /// A cache with nothing in it, that saves nowhere useful: for `check`.
    pub fn empty(settings: Key) -> ArticleCache {
        ArticleCache {
            path: PathBuf::new(),
            settings,
            bytes: Arc::default(),
            entries: FxHashMap::default(),
            sound: true,
        }
    }

    /// The cached article for `key`, if there is a sound one. Its content
    /// stays encoded until read (`Article::content`).
    pub fn get(&self, key: Key) -> Option<CachedArticle> {
        let &(start, end, checksum) = self.entries.get(&key)?;
        let entry = self.bytes.get(start..end)?;
        if xxh3_64(entry) != checksum {
            return None;
        }
        let (length, rest) = entry.split_first_chunk::<8>()?;
        let length = usize::try_from(u64::from_le_bytes(*length)).ok()?;
        let head = rest.get(..length)?;
        let head: DecodedHead = postcard::from_bytes(head).ok()?;
        let content = EncodedContent {
            bytes: Arc::clone(&self.bytes),
            range: start + 8 + length..end,
        };
        Some(CachedArticle {
            article: Article::encoded(head.article, head.passages, content),
            warnings: head.warnings,
            facts: head.facts,
        })
    }

    /// The encoded entry for `key`, as stored, to carry into the next file.
    fn raw(&self, key: Key) -> Option<&[u8]> {
        let &(start, end, _) = self.entries.get(&key)?;
        self.bytes.get(start..end)
    }

    /// Records the articles this build parsed. New entries are appended to
    /// the file; it is rewritten whole (keeping only this build's articles)
    /// when it is damaged or when most of it is articles that are gone.
    pub fn save(&self, articles: &[(Key, Option<CachedArticleRef>)]) -> anyhow::Result<()> {
        let fresh: Vec<(Key, CachedArticleRef)> = articles.iter().filter_map(|&(k, f)| Some((k, f?))).collect();
        let live = articles.len() - fresh.len();
        let dead = self.entries.len().saturating_sub(live);
        if fresh.is_empty() && dead <= live {
            return Ok(());
        }
        let rewrite = !self.sound || dead > live;
        // Frames go out in chunks, each encoded in parallel (encoding is most
        // of the cost on a first build) and written whole: an encoded copy of
        // every article at once would be about 1 GB at 100,000 articles. Each
        // chunk is whole frames, so appends from two builds at once interleave
        // only between frames.
        let write_fresh = |file: &mut dyn std::io::Write| -> anyhow::Result<()> {
            for chunk in fresh.chunks(SAVE_CHUNK) {
                let encoded: Vec<Vec<u8>> = chunk
                    .par_iter()
                    .map(|(_, article)| article.encode())
                    .collect::<anyhow::Result<_>>()?;
                let mut out = Vec::with_capacity(encoded.iter().map(|e| e.len() + 40).sum());
                for ((key, _), entry) in chunk.iter().zip(&encoded) {
                    write_frame(&mut out, *key, entry)?;
                }
                file.write_all(&out)?;
            }
            Ok(())
        };
        if rewrite || self.bytes.is_empty() {
            write_atomically(&self.path, |file| {
                file.write_all(&header(self.settings))?;
                if rewrite {
                    for (key, fresh) in articles {
                        if let (None, Some(raw)) = (fresh, self.raw(*key)) {
                            write_frame(file, *key, raw)?;
                        }
                    }
                }
                write_fresh(file)
            })
        } else {
            let mut file = fs::OpenOptions::new().append(true).open(&self.path)?;
            write_fresh(&mut file)
        }
    }
}

/// Articles encoded and written at a time when the cache is saved: a chunk's
/// encoded bytes (about 2 MB) stay in the processor's cache until written.
/// With 1,024 (9 MB), a first build of 10,000 articles took 12 MB more memory
/// and 2% more CPU time (medians of 6 side by side).
const SAVE_CHUNK: usize = 256;

fn header(settings: Key) -> Vec<u8> {
    let mut out = Vec::with_capacity(28);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&settings.to_le_bytes());
    out
}

/// One entry as stored: key, length, checksum, then the encoded entry.
fn write_frame(out: &mut (impl Write + ?Sized), key: Key, entry: &[u8]) -> std::io::Result<()> {
    out.write_all(&key.to_le_bytes())?;
    out.write_all(&(entry.len() as u64).to_le_bytes())?;
    out.write_all(&xxh3_64(entry).to_le_bytes())?;
    out.write_all(entry)
}

/// Reads the frames of an articles file written for `settings`: the entries,
/// and whether the file is sound to the end (a build killed while appending
/// leaves a partial frame, after which nothing is read).
fn read_frames(bytes: &[u8], settings: Key) -> (FxHashMap<Key, (usize, usize, u64)>, bool) {
    fn take<'b>(rest: &mut &'b [u8], n: usize) -> Option<&'b [u8]> {
        let (head, tail) = rest.split_at_checked(n)?;
        *rest = tail;
        Some(head)
    }
    fn number<const N: usize>(rest: &mut &[u8]) -> Option<[u8; N]> {
        take(rest, N)?.try_into().ok()
    }
    let mut entries = FxHashMap::default();
    let mut rest = bytes;
    if take(&mut rest, 28) != Some(&header(settings)[..]) {
        return (entries, false);
    }
    while !rest.is_empty() {
        let mut frame = || {
            let key = u128::from_le_bytes(number(&mut rest)?);
            let len = usize::try_from(u64::from_le_bytes(number(&mut rest)?)).ok()?;
            let checksum = u64::from_le_bytes(number(&mut rest)?);
            let start = bytes.len() - rest.len();
            take(&mut rest, len)?;
            Some((key, (start, start + len, checksum)))
        };
        match frame() {
            Some((key, entry)) => {
                entries.insert(key, entry);
            }
            None => return (entries, false),
        }
    }
    (entries, true)
}

/// What one file of the output was made from, and how it looked when written,
/// so a later build can tell that the file is still the one it wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRecord {
    /// The page key (for pages whose inputs are fingerprinted), else 0.
    pub key: Key,
    /// xxh3-128 of the bytes.
    pub content: Key,
    pub size: u64,
    /// Modification time in nanoseconds since the epoch.
    pub mtime: i128,
    /// The inode number: with size and time, tells that the file is the one
    /// recorded; and a hard link to it from a copy.
    pub inode: u64,
}

/// The files of one output folder as the last build left them.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub files: FxHashMap<String, FileRecord>,
    /// The files of the site before it, which that build moved to the spare
    /// folder, sorted: the next build starts from that folder, and when the
    /// folder is that site still (its marker says so) it removes what the new
    /// site lacks without walking the folder.
    pub spare: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct ManifestFile {
    output: String,
    files: Vec<(String, FileRecord)>,
    spare: Vec<String>,
}

impl Manifest {
    fn path(root: &Path, output: &Path) -> PathBuf {
        let id = xxh3_64(output.to_string_lossy().as_bytes());
        root.join(CACHE_DIR).join(format!("pages-{id:016x}.bin"))
    }

    /// The manifest of `output`, or an empty one if there is none that is sound.
    pub fn load(root: &Path, output: &Path) -> Manifest {
        match read_checked::<ManifestFile>(&Manifest::path(root, output)) {
            Some(file) if file.output == output.to_string_lossy() => Manifest {
                files: file.files.into_iter().collect(),
                spare: file.spare,
            },
            _ => Manifest::default(),
        }
    }

    pub fn save(&self, root: &Path, output: &Path) -> anyhow::Result<()> {
        let mut files: Vec<(String, FileRecord)> = self.files.iter().map(|(p, r)| (p.clone(), *r)).collect();
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let manifest = ManifestFile {
            output: output.to_string_lossy().to_string(),
            files,
            spare: self.spare.clone(),
        };
        write_checked(&Manifest::path(root, output), &manifest)
    }
}

/// Each article file's stamp, with the source key of the bytes read under
/// it, as the last build saw them: only stamps of files that had settled
/// (see [`Stamp::settled`]), so an equal stamp now means the same bytes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SourceStamps {
    files: FxHashMap<String, (Stamp, Key)>,
}

#[derive(Serialize, Deserialize)]
struct SourcesFile {
    files: Vec<(String, Stamp, Key)>,
}

impl SourceStamps {
    /// The stamps the last build saved, or none.
    pub fn load(root: &Path) -> SourceStamps {
        match read_checked::<SourcesFile>(&root.join(CACHE_DIR).join(SOURCES_FILE)) {
            Some(file) => SourceStamps {
                files: file
                    .files
                    .into_iter()
                    .map(|(rel, stamp, key)| (rel, (stamp, key)))
                    .collect(),
            },
            _ => SourceStamps::default(),
        }
    }

    /// The stamp recorded for the file at `rel`, and the source key of the
    /// bytes read under it.
    pub fn recorded(&self, rel: &str) -> Option<(Stamp, Key)> {
        self.files.get(rel).copied()
    }

    /// Records a file's stamp and key, if it had settled at `now`.
    pub fn record(&mut self, rel: &str, stamp: Stamp, key: Key, now: i128) {
        if stamp.settled(now) {
            self.files.insert(rel.to_string(), (stamp, key));
        }
    }

    pub fn save(&self, root: &Path) -> anyhow::Result<()> {
        let mut files: Vec<(String, Stamp, Key)> = self.files.iter().map(|(r, &(s, k))| (r.clone(), s, k)).collect();
        files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let file = SourcesFile { files };
        write_checked(&root.join(CACHE_DIR).join(SOURCES_FILE), &file)
    }
}

/// The search index's segments as the last build left them (see
/// [`search::Segments`]), for articles cached under `settings`.
#[derive(Serialize, Deserialize)]
struct SearchFile {
    search_format: u32,
    settings: Key,
    segments: Vec<SegmentRecord>,
}

/// The postings of one segment of the search index (`search-<first>.bin`):
/// read as `ArticlePostings`, written from a borrowed one.
#[derive(Serialize, Deserialize)]
struct SegmentFile<P> {
    search_format: u32,
    settings: Key,
    first: u32,
    postings: P,
}

fn segment_path(root: &Path, first: u32) -> PathBuf {
    root.join(CACHE_DIR).join(format!("search-{first}.bin"))
}

/// The segments an earlier build's search index wrote, for articles read
/// with `settings`, or none.
pub fn load_search(root: &Path, settings: Key) -> Vec<SegmentRecord> {
    match read_checked::<SearchFile>(&root.join(CACHE_DIR).join(SEARCH_FILE)) {
        Some(file) if file.search_format == crate::search::FORMAT && file.settings == settings => file.segments,
        _ => Vec::new(),
    }
}

/// The postings an earlier build saved of the segment that starts at
/// `first`, for articles read with `settings`, or none. Any sound file will
/// do: it names the articles it covers.
pub fn load_segment(root: &Path, settings: Key, first: u32) -> ArticlePostings {
    match read_checked::<SegmentFile<ArticlePostings>>(&segment_path(root, first)) {
        Some(file)
            if file.search_format == crate::search::FORMAT
                && file.settings == settings
                && file.first == first
                && file.postings.is_sound() =>
        {
            file.postings
        }
        _ => ArticlePostings::default(),
    }
}

/// Saves what a build's search index left (`now`), where it differs from
/// what the cache held (`known`: its segments), and removes the postings of
/// segments that are gone.
pub fn save_search(root: &Path, settings: Key, known: &[SegmentRecord], now: &Segments) -> anyhow::Result<()> {
    for (first, postings) in &now.changed {
        let file = SegmentFile {
            search_format: crate::search::FORMAT,
            settings,
            first: *first,
            postings,
        };
        write_checked(&segment_path(root, *first), &file)?;
    }
    if known != now.segments {
        let file = SearchFile {
            search_format: crate::search::FORMAT,
            settings,
            segments: now.segments.clone(),
        };
        write_checked(&root.join(CACHE_DIR).join(SEARCH_FILE), &file)?;
        let live: Vec<u32> = now.segments.iter().map(|s| s.first).collect();
        for old in known.iter().filter(|s| !live.contains(&s.first)) {
            remove_if_there(&segment_path(root, old.first))?;
        }
    }
    Ok(())
}

/// How the last build merged the timeline's reports into events, for
/// articles cached under `settings` (see `timeline::Merged`).
#[derive(Serialize, Deserialize)]
struct TimelineFile<M> {
    settings: Key,
    merged: M,
}

/// What the last build merged into the timeline, or nothing.
pub fn load_timeline(root: &Path, settings: Key) -> Merged {
    match read_checked::<TimelineFile<Merged>>(&root.join(CACHE_DIR).join(TIMELINE_FILE)) {
        Some(file) if file.settings == settings => file.merged,
        _ => Merged::default(),
    }
}

pub fn save_timeline(root: &Path, settings: Key, merged: &Merged) -> anyhow::Result<()> {
    let file = TimelineFile { settings, merged };
    write_checked(&root.join(CACHE_DIR).join(TIMELINE_FILE), &file)
}

/// The document frequencies of the last build's articles, as stored:
/// sorted by term, so that the file is the same for the same counts. The
/// articles are read as a `Vec`, written from a borrowed slice.
#[derive(Serialize, Deserialize)]
struct FrequenciesFile<A> {
    settings: Key,
    articles: A,
    terms: Vec<(crate::analyze::similarity::TermId, u32)>,
}

/// The document frequencies an earlier build counted for articles read with
/// `settings` (see `similarity::Frequencies`), or none.
pub fn load_frequencies(root: &Path, settings: Key) -> Option<Frequencies> {
    let file = read_checked::<FrequenciesFile<Vec<Key>>>(&root.join(CACHE_DIR).join(FREQUENCIES_FILE))?;
    let sorted = file.articles.windows(2).all(|w| w[0] < w[1]);
    (file.settings == settings && sorted).then(|| Frequencies {
        articles: file.articles,
        terms: file.terms.into_iter().collect(),
    })
}

pub fn save_frequencies(root: &Path, settings: Key, df: &Frequencies) -> anyhow::Result<()> {
    let mut terms: Vec<(crate::analyze::similarity::TermId, u32)> = df.terms.iter().map(|(&t, &n)| (t, n)).collect();
    terms.sort_unstable();
    let file = FrequenciesFile {
        settings,
        articles: &df.articles[..],
        terms,
    };
    write_checked(&root.join(CACHE_DIR).join(FREQUENCIES_FILE), &file)
}

/// What every cache file but `articles.bin` (which has its own header)
/// starts with: the cache format and the version of briefing that wrote it.
#[derive(Serialize, Deserialize, PartialEq)]
struct FileHeader<'a> {
    format: u32,
    version: &'a str,
}

/// This build's `FileHeader`.
const HEADER: FileHeader = FileHeader {
    format: FORMAT,
    version: env!("CARGO_PKG_VERSION"),
};

/// A value written by [`write_checked`], read back; `None` if the file is
/// missing, damaged, of another format or version of briefing, or of
/// another shape.
fn read_checked<T: serde::de::DeserializeOwned>(path: &Path) -> Option<T> {
    let bytes = fs::read(path).ok()?;
    let (body, checksum) = bytes.split_last_chunk::<8>()?;
    if xxh3_64(body).to_le_bytes() != *checksum {
        return None;
    }
    let (header, value) = postcard::take_from_bytes::<FileHeader>(body).ok()?;
    if header != HEADER {
        return None;
    }
    postcard::from_bytes(value).ok()
}

/// Writes `value` atomically: `HEADER`, the value, both encoded with
/// postcard, then the xxh3-64 of the encoding.
fn write_checked(path: &Path, value: &impl Serialize) -> anyhow::Result<()> {
    let mut bytes = postcard::to_stdvec(&HEADER)?;
    bytes.extend(postcard::to_stdvec(value)?);
    let checksum = xxh3_64(&bytes);
    bytes.extend_from_slice(&checksum.to_le_bytes());
    write_atomically(path, |file| Ok(file.write_all(&bytes)?))
}

/// xxh3-128 of a file's bytes.
pub fn content_key(bytes: &[u8]) -> Key {
    xxh3_128(bytes)
}

/// Writes `path` through a temporary file and a rename, so a reader sees the
/// old file or the new one, never half of one; `write` fills the file.
fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    use anyhow::Context as _;
    let dir = path.parent().context("cache file without a folder")?;
    fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    // Unique per process and thread: builds running side by side (tests, or
    // `serve` next to `build`) never share a temporary file.
    let thread = format!("{:?}", std::thread::current().id());
    let thread: String = thread.chars().filter(char::is_ascii_digit).collect();
    let temp = dir.join(format!(".{name}.tmp-{}-{thread}", std::process::id()));
    let file = fs::File::create(&temp).with_context(|| format!("cannot write {}", temp.display()))?;
    let mut file = std::io::BufWriter::new(file);
    write(&mut file).with_context(|| format!("cannot write {}", temp.display()))?;
    file.into_inner()
        .map_err(|e| e.into_error())
        .with_context(|| format!("cannot write {}", temp.display()))?;
    fs::rename(&temp, path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_or_foreign_frames_are_not_read() -> std::io::Result<()> {
        assert!(!read_frames(b"", 1).1);
        assert!(!read_frames(b"BRFCACHE", 1).1);
        let mut file = header(7);
        assert_eq!(read_frames(&file, 7).0.len(), 0);
        assert!(read_frames(&file, 7).1);
        assert!(!read_frames(&file, 8).1, "other settings");
        write_frame(&mut file, 1, b"one")?;
        let sound = file.len();
        write_frame(&mut file, 2, b"two")?;
        let (entries, ok) = read_frames(&file, 7);
        assert!(ok);
        assert_eq!(entries.len(), 2);
        let (entries, ok) = read_frames(&file[..file.len() - 1], 7);
        assert!(!ok, "truncated entry");
        assert_eq!(entries.keys().copied().collect::<Vec<_>>(), [1]);
        assert_eq!(read_frames(&file[..sound], 7).0.len(), 1);
        Ok(())
    }

    #[test]
    fn a_small_cache_file_is_read_only_by_its_own_format_and_version() -> anyhow::Result<()> {
        let dir = tempfile::tempdir()?;
        let path = dir.path().join("x.bin");
        write_checked(&path, &(7u32, "seven"))?;
        assert_eq!(read_checked::<(u32, String)>(&path), Some((7, "seven".to_string())));
        for header in [
            FileHeader {
                format: FORMAT + 1,
                ..HEADER
            },
            FileHeader {
                version: "0.0.0-other",
                ..HEADER
            },
        ] {
            // Checksummed as `write_checked` does: only the header differs.
            let mut bytes = postcard::to_stdvec(&header)?;
            bytes.extend(postcard::to_stdvec(&(7u32, "seven"))?);
            let checksum = xxh3_64(&bytes);
            bytes.extend_from_slice(&checksum.to_le_bytes());
            fs::write(&path, &bytes)?;
            assert_eq!(read_checked::<(u32, String)>(&path), None);
        }
        Ok(())
    }

    #[test]
    fn stored_postings_come_back_whole_or_not_at_all() -> anyhow::Result<()> {
        use crate::search::Coded;
        let dir = tempfile::tempdir()?;
        let postings = ArticlePostings {
            articles: vec![1, 2],
            terms: vec![
                ("quad".into(), 1, Coded("0,3,1,200".into())),
                ("scri".into(), u32::MAX, Coded("4294967295,127".into())),
                ("none".into(), 0, Coded::default()),
            ],
        };
        let segment = |first: u32| SegmentRecord {
            first,
            key: u128::from(first) + 1,
            shards: vec!["7175".into(), "7363".into()],
        };
        let save = |known: &[SegmentRecord], segments: Vec<SegmentRecord>, postings: &ArticlePostings| {
            let changed = vec![(segments[0].first, postings.clone())];
            save_search(dir.path(), 7, known, &Segments { segments, changed })
        };
        save(&[], vec![segment(0), segment(12)], &postings)?;
        assert_eq!(load_search(dir.path(), 7), [segment(0), segment(12)]);
        assert_eq!(load_segment(dir.path(), 7, 0), postings);
        assert_eq!(load_search(dir.path(), 8), [], "other settings");
        assert_eq!(
            load_segment(dir.path(), 8, 0),
            ArticlePostings::default(),
            "other settings"
        );
        assert_eq!(
            load_segment(dir.path(), 7, 12),
            ArticlePostings::default(),
            "never saved"
        );
        // Text that passed the checksum but is not postings is not used: it
        // would go into the site's scripts.
        for text in ["1,2,3", "1,,2", "01,2", "1,2</script>", "12345678901,1", "1,2,"] {
            let mut odd = postings.clone();
            odd.terms[0].2 = Coded(text.into());
            save(&[], vec![segment(0)], &odd)?;
            assert_eq!(load_segment(dir.path(), 7, 0), ArticlePostings::default(), "{text}");
        }
        // The postings of a segment that is gone are removed with it.
        save(&[], vec![segment(0), segment(12)], &postings)?;
        fs::copy(segment_path(dir.path(), 0), segment_path(dir.path(), 12))?;
        save(&[segment(0), segment(12)], vec![segment(0)], &postings)?;
        assert!(!segment_path(dir.path(), 12).exists());
        assert_eq!(load_search(dir.path(), 7), [segment(0)]);
        Ok(())
    }

    #[test]
    fn an_entry_in_two_parts_encodes_as_one_and_reads_back() -> anyhow::Result<()> {
        let article = crate::parse::parse_article(
            &crate::source::SourceFile {
                rel: "content/articles/a.md".into(),
                bytes: b"---\ntitle: A\ndate: 2020-10-07\n---\nThe Quad met on 6 October 2020 (QUAD) in Tokyo.\n\nSCRI was launched.\n".to_vec(),
            },
            &crate::parse::ParseOptions {
                allow_html: false,
                highlighter: &crate::parse::Highlighter::new(),
            },
        )
        .map_err(|e| anyhow::anyhow!("{e:?}"))?
        .0;
        let config = crate::config::Config::parse(
            Path::new("site.toml"),
            "title = \"T\"\n[[topics]]\nslug = \"quad\"\ntitle = \"Quad\"\naliases = [\"Quad\"]\n",
        )
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let matcher = crate::analyze::matcher::Matcher::new(&config.topics)?;
        let vectorizer = crate::analyze::similarity::Vectorizer::default();
        let mut stems = crate::analyze::similarity::StemCache::default();
        let facts = crate::analyze::facts::article_facts(&article, &matcher, &vectorizer, &mut stems);
        assert!(!facts.passage_mentions.iter().all(Vec::is_empty) && !facts.reports.is_empty());
        let mut apart = facts.clone();
        let mentions = std::mem::take(&mut apart.passage_mentions);
        let whole = CachedArticleRef {
            article: &article,
            warnings: &[],
            facts: FactsRef::new(&facts, &facts.passage_mentions),
        };
        let split = CachedArticleRef {
            facts: FactsRef::new(&apart, &mentions),
            ..whole
        };
        let encoded = split.encode()?;
        assert_eq!(encoded, whole.encode()?);
        // Read back through a cache file holding the entry.
        let mut file = header(7);
        write_frame(&mut file, 42, &encoded)?;
        let open = |bytes: Vec<u8>| {
            let (entries, sound) = read_frames(&bytes, 7);
            ArticleCache {
                path: PathBuf::new(),
                settings: 7,
                bytes: Arc::new(bytes),
                entries,
                sound,
            }
        };
        let cached = open(file.clone())
            .get(42)
            .ok_or_else(|| anyhow::anyhow!("the entry does not read back"))?;
        assert_eq!(cached.facts, facts);
        assert_eq!(cached.article.passage_count(), article.passage_count());
        assert_eq!(cached.article, article, "the content, decoded when read");
        // A changed byte of the content fails the entry's checksum.
        let last = file.len() - 1;
        file[last] ^= 1;
        assert!(open(file).get(42).is_none());
        Ok(())
    }
}
