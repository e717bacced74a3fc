//! SourceFile → Article: decodes the bytes, splits off the front matter, and
//! reads the body (plain text or Markdown) into blocks and passages.
//! Pure: reads no files; problems become diagnostics naming the file and line.

mod frontmatter;
mod markdown;
mod plaintext;

pub use frontmatter::{split_front_matter, FrontMatter};
pub use markdown::{is_safe_url, Highlighter};

use crate::diagnostics::{Diagnostic, Severity};
use crate::source::SourceFile;
use crate::text::{excerpt, slugify};
use std::ops::Range;
use std::sync::{Arc, OnceLock};
use time::Date;

/// One source article, parsed.
#[derive(Debug, Clone)]
pub struct Article {
    /// Path relative to the project root, for messages.
    pub file: String,
    /// URL-safe, unique among articles; the page is `articles/<slug>/index.html`.
    pub slug: String,
    pub title: String,
    pub date: Option<Date>,
    pub source: Option<String>,
    pub url: Option<String>,
    body: Body,
}

/// An article's blocks and passages.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Content {
    pub blocks: Vec<Block>,
    pub passages: Vec<Passage>,
}

/// An article's content, parsed, or as the build cache holds it (postcard,
/// then lz4) and decoded on first use. A rebuild reads the content of few
/// articles (those on the pages it renders again, the sentences of the
/// timeline's events): decoding the content of all 10,000 articles was about
/// a tenth of the CPU time of a rebuild that adds one (a third of that the
/// kernel zeroing the memory it took).
#[derive(Debug, Clone)]
struct Body {
    content: OnceLock<Content>,
    encoded: Option<EncodedContent>,
    /// How many passages `content` holds, known without decoding it.
    passages: usize,
}

impl Body {
    fn decoded(content: Content) -> Body {
        Body {
            passages: content.passages.len(),
            content: OnceLock::from(content),
            encoded: None,
        }
    }
}

/// An article's content still encoded: a range of a buffer (the build
/// cache's file) shared by many articles.
#[derive(Debug, Clone)]
pub struct EncodedContent {
    pub bytes: Arc<Vec<u8>>,
    pub range: Range<usize>,
}

impl EncodedContent {
    fn decode(&self) -> Option<Content> {
        let encoded = self.bytes.get(self.range.clone())?;
        let encoded = lz4_flex::decompress_size_prepended(encoded).ok()?;
        postcard::from_bytes(&encoded).ok()
    }
}

impl Content {
    /// The form `EncodedContent` decodes.
    pub fn encode(&self) -> anyhow::Result<Vec<u8>> {
        Ok(lz4_flex::compress_prepend_size(&postcard::to_stdvec(self)?))
    }
}

impl Article {
    pub fn new(head: ArticleHead, content: Content) -> Article {
        Article::from_parts(head, Body::decoded(content))
    }

    /// An article whose content is decoded when first read. The cache that
    /// gives it has checked its bytes (a checksum of each entry), and
    /// `passages` is how many passages they hold.
    pub fn encoded(head: ArticleHead, passages: usize, content: EncodedContent) -> Article {
        Article::from_parts(
            head,
            Body {
                content: OnceLock::new(),
                encoded: Some(content),
                passages,
            },
        )
    }

    fn from_parts(head: ArticleHead, body: Body) -> Article {
        let ArticleHead {
            file,
            slug,
            title,
            date,
            source,
            url,
        } = head;
        Article {
            file,
            slug,
            title,
            date,
            source,
            url,
            body,
        }
    }

    /// The article without its content.
    pub fn head(&self) -> ArticleHeadRef<'_> {
        ArticleHeadRef {
            file: &self.file,
            slug: &self.slug,
            title: &self.title,
            date: self.date,
            source: self.source.as_deref(),
            url: self.url.as_deref(),
        }
    }

    pub fn content(&self) -> &Content {
        self.body.content.get_or_init(|| self.decode())
    }

    fn decode(&self) -> Content {
        let decoded = self.body.encoded.as_ref().and_then(EncodedContent::decode);
        match decoded {
            Some(content) if content.passages.len() == self.body.passages => content,
            // The cache checked these bytes against the checksum it wrote
            // with them, by this version of the program: only a bug (or a
            // file made to pass the checksum) gets here. Going on with no
            // text would publish a wrong site.
            _ => panic!(
                "the build cache's copy of {} passed its checksum but does not decode: \
                 please report this, and delete .briefing/ to build without the cache",
                self.file
            ),
        }
    }

    pub fn passages(&self) -> &[Passage] {
        &self.content().passages
    }

    pub fn blocks(&self) -> &[Block] {
        &self.content().blocks
    }

    /// How many passages the article has, without decoding its content.
    pub fn passage_count(&self) -> usize {
        self.body.passages
    }

    /// Changes the content (tests).
    pub fn edit_content(&mut self, edit: impl FnOnce(&mut Content)) {
        let mut content = match std::mem::take(&mut self.body.content).into_inner() {
            Some(content) => content,
            None => self.decode(),
        };
        edit(&mut content);
        self.body = Body::decoded(content);
    }
}

impl PartialEq for Article {
    fn eq(&self, other: &Article) -> bool {
        self.head() == other.head() && self.content() == other.content()
    }
}

impl Eq for Article {}

/// The article's fields but its content (`Article::head`), as the build
/// cache stores them.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ArticleHead {
    pub file: String,
    pub slug: String,
    pub title: String,
    pub date: Option<Date>,
    pub source: Option<String>,
    pub url: Option<String>,
}

/// `ArticleHead` borrowed, encoded as it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct ArticleHeadRef<'a> {
    pub file: &'a str,
    pub slug: &'a str,
    pub title: &'a str,
    pub date: Option<Date>,
    pub source: Option<&'a str>,
    pub url: Option<&'a str>,
}

/// The article's structure, in reading order.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Block {
    Heading {
        level: u8,
        id: String,
        text: String,
    },
    /// One paragraph: a single passage.
    Paragraph {
        passage: usize,
    },
    /// A list: each item is a passage.
    List {
        ordered: bool,
        passages: Range<usize>,
    },
    /// Markup that holds no passage (highlighted code, a table, allowed HTML), already safe.
    Html {
        html: String,
    },
}

/// The anchor of an article's passage number `index` (from 0) on its page:
/// `p1`, `p2`, … in reading order, so adding a passage at the end never
/// changes the ids before it. Every parser names passages by it, so pages
/// can link a passage without decoding its article (`Article::content`).
pub fn passage_anchor(index: usize) -> String {
    format!("p{}", index + 1)
}

/// A paragraph or a bullet: the unit that topics gather and cite.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Passage {
    /// Anchor on the article page: `passage_anchor` of its place.
    pub id: String,
    /// 1-based line in the original file, front matter included.
    pub line: usize,
    /// The passage as plain text (what matching and extraction read).
    pub text: String,
    /// For Markdown: the passage as runs of text and safe markup. Empty for
    /// plain text, whose markup is `text` itself.
    pub runs: Vec<Run>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Run {
    /// Text still to be escaped (and linked) by the renderer.
    Text(String),
    /// Markup already safe to emit (`<em>`, a sanitised link, `<code>…</code>`).
    Markup(String),
    /// Opening or closing of a link: no topic links are added inside one.
    LinkStart(String),
    LinkEnd,
}

/// Settings that change how an article is read.
pub struct ParseOptions<'a> {
    pub allow_html: bool,
    pub highlighter: &'a Highlighter,
}

/// The parsed article and the warnings met on the way; or every error found.
pub type ParseResult = Result<(Article, Vec<Diagnostic>), Vec<Diagnostic>>;

pub fn parse_article(file: &SourceFile, options: &ParseOptions) -> ParseResult {
    let text = decode(&file.rel, &file.bytes).map_err(|d| vec![d])?;
    let text = normalise_line_ends(&text);
    let (front, body, body_line) = split_front_matter(&file.rel, &text).map_err(|d| vec![d])?;
    let mut warnings = Vec::new();

    let (stem, extension) = split_file_name(&file.rel);
    let is_markdown = matches!(extension.as_str(), "md" | "markdown");
    let parsed = if is_markdown {
        markdown::parse(body, body_line, options)
    } else {
        plaintext::parse(body, body_line)
    };

    let (date_prefix, stem_rest) = date_prefix(stem);
    if date_prefix.is_none() && looks_like_date(stem) {
        return Err(vec![Diagnostic::error(
            &file.rel,
            format!(
                "the file name starts with {}, which is not a calendar date: rename the file (YYYY-MM-DD-…)",
                &stem[..10]
            ),
        )]);
    }
    let date = front.date.or(date_prefix);
    if date.is_none() {
        warnings.push(Diagnostic::warning(
            &file.rel,
            "article has no date: add `date = YYYY-MM-DD` to its front matter or start its file name with YYYY-MM-DD-",
        ));
    }
    let title = front
        .title
        .clone()
        .or_else(|| parsed.title.clone())
        .or_else(|| parsed.passages.first().map(|p| first_sentence(&p.text)))
        .unwrap_or_else(|| stem_rest.replace(['-', '_'], " "));
    let slug = match &front.slug {
        Some(slug) => slug.clone(),
        None => {
            let from_name = slugify(stem_rest);
            if from_name.is_empty() {
                slugify(&title)
            } else {
                from_name
            }
        }
    };
    if slug.is_empty() {
        return Err(vec![Diagnostic::error(
            &file.rel,
            "cannot make a URL-safe slug from the file name or title: add `slug = \"…\"` to the front matter",
        )]);
    }
    if parsed.passages.is_empty() {
        warnings.push(Diagnostic::warning(&file.rel, "article has no text"));
    }
    let article = Article::new(
        ArticleHead {
            file: file.rel.clone(),
            slug,
            title,
            date,
            source: front.source,
            url: front.url,
        },
        Content {
            blocks: parsed.blocks,
            passages: parsed.passages,
        },
    );
    debug_assert!(warnings.iter().all(|w| w.severity == Severity::Warning));
    Ok((article, warnings))
}

/// What a body parser returns.
pub(crate) struct ParsedBody {
    pub title: Option<String>,
    pub blocks: Vec<Block>,
    pub passages: Vec<Passage>,
}

/// Decodes UTF-8 (a byte-order mark is dropped) or UTF-16 with a byte-order mark.
/// Invalid UTF-8 is an error naming the byte offset, never replaced silently.
pub fn decode(rel: &str, bytes: &[u8]) -> Result<String, Diagnostic> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return decode(rel, rest);
    }
    let utf16 = match bytes {
        [0xFF, 0xFE, rest @ ..] => Some((rest, true)),
        [0xFE, 0xFF, rest @ ..] => Some((rest, false)),
        _ => None,
    };
    if let Some((rest, little)) = utf16 {
        let units: Vec<u16> = rest
            .chunks(2)
            .map(|pair| match (pair, little) {
                ([a, b], true) => u16::from_le_bytes([*a, *b]),
                ([a, b], false) => u16::from_be_bytes([*a, *b]),
                _ => 0xFFFD,
            })
            .collect();
        return String::from_utf16(&units)
            .map_err(|_| Diagnostic::error(rel, "not valid UTF-16 although it starts with a UTF-16 byte-order mark"));
    }
    if bytes.contains(&0) {
        return Err(Diagnostic::error(rel, "binary file: articles must be text (UTF-8)"));
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.to_string()),
        Err(e) => {
            // Everything before the bad byte is valid, so its line and column
            // (in characters) can be counted as in any other message.
            let at = e.valid_up_to();
            let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
            let (line, column) = crate::diagnostics::line_column(before, at);
            Err(
                Diagnostic::error(rel, format!("invalid UTF-8 at byte {at}: save the file as UTF-8"))
                    .at(line, Some(column)),
            )
        }
    }
}

/// CRLF and lone CR become LF, so every later stage sees one kind of line end.
pub fn normalise_line_ends(text: &str) -> String {
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text.to_string()
    }
}

fn split_file_name(rel: &str) -> (&str, String) {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    match name.rsplit_once('.') {
        Some((stem, ext)) => (stem, ext.to_ascii_lowercase()),
        None => (name, String::new()),
    }
}

/// A `YYYY-MM-DD-` prefix of a file name: its date and the rest of the name.
pub fn date_prefix(stem: &str) -> (Option<Date>, &str) {
    let bytes = stem.as_bytes();
    if bytes.len() >= 10 && stem.is_char_boundary(10) {
        if let Some(date) = parse_iso_date(&stem[..10]) {
            let rest = stem[10..].trim_start_matches(['-', '_']);
            return (Some(date), rest);
        }
    }
    (None, stem)
}

/// True when `text` starts with the shape `NNNN-NN-NN`, a date or not.
fn looks_like_date(text: &str) -> bool {
    let shape = b"0000-00-00";
    text.len() >= shape.len()
        && text
            .bytes()
            .zip(shape)
            .all(|(b, &s)| if s == b'0' { b.is_ascii_digit() } else { b == s })
}

/// `YYYY-MM-DD` → a real calendar date (2020-02-30 is not one).
pub fn parse_iso_date(text: &str) -> Option<Date> {
    let mut parts = text.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// The start of the first sentence, short enough for a title.
fn first_sentence(text: &str) -> String {
    let first = crate::text::sentences(text)
        .first()
        .map_or(text, |range| &text[range.clone()]);
    excerpt(first.trim_end_matches(['.', '!', '?']), 90)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(rel: &str, text: &str) -> ParseResult {
        let highlighter = Highlighter::new();
        let options = ParseOptions {
            allow_html: false,
            highlighter: &highlighter,
        };
        parse_article(
            &SourceFile {
                rel: rel.to_string(),
                bytes: text.as_bytes().to_vec(),
            },
            &options,
        )
    }

    #[test]
    fn raw_text_takes_date_from_file_name_and_title_from_first_sentence() {
        let (article, warnings) = parse(
            "content/2020-10-07-talks.txt",
            "India and Japan held talks. More followed.\n",
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(warnings.is_empty());
        assert_eq!(article.slug, "talks");
        assert_eq!(article.title, "India and Japan held talks");
        let (article, _) = parse("content/2020-10-07-a.txt", "Mr. Modi met Mr. Suga. Talks followed.\n")
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(article.title, "Mr. Modi met Mr. Suga");
        assert_eq!(article.date, parse_iso_date("2020-10-07"));
    }

    #[test]
    fn every_parser_names_passages_by_their_place() {
        // Pages link a passage by `passage_anchor` of its place, without
        // decoding its article: the ids must be exactly those.
        let texts = [
            ("content/a.txt", "# Heading\n\nFirst.\n\n- one\n- two\n\nLast.\n"),
            (
                "content/b.md",
                "# Title\n\nFirst *para*.\n\n## Part\n\n1. one\n2. two\n\n```\ncode\n```\n\nLast.\n",
            ),
        ];
        for (rel, text) in texts {
            let (article, _) = parse(rel, text).unwrap_or_else(|e| panic!("{e:?}"));
            assert!(article.passage_count() >= 3, "{rel}");
            for (i, passage) in article.passages().iter().enumerate() {
                assert_eq!(passage.id, passage_anchor(i), "{rel}");
            }
        }
    }

    #[test]
    fn undated_article_warns() {
        let (article, warnings) = parse("content/talks.txt", "Text.\n").unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(article.date, None);
        assert!(warnings[0].message.contains("no date"));
    }

    #[test]
    fn invalid_utf8_names_the_byte() {
        let file = SourceFile {
            rel: "content/bad.txt".into(),
            bytes: b"ok\nbad \xff here".to_vec(),
        };
        let highlighter = Highlighter::new();
        let errors = parse_article(
            &file,
            &ParseOptions {
                allow_html: false,
                highlighter: &highlighter,
            },
        )
        .err()
        .unwrap_or_default();
        assert_eq!(
            errors[0].to_string(),
            "content/bad.txt:2:5: error: invalid UTF-8 at byte 7: save the file as UTF-8"
        );
    }

    #[test]
    fn bom_crlf_and_utf16_are_decoded() {
        let (article, _) = parse(
            "content/2020-01-01-a.txt",
            "\u{feff}First line here.\r\nSecond line here.\r\n",
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(article.passages().len(), 2);
        assert_eq!(article.passages()[1].line, 2);
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend("Hello there.".encode_utf16().flat_map(|u| u.to_le_bytes()));
        assert_eq!(decode("x", &bytes).ok().as_deref(), Some("Hello there."));
    }

    #[test]
    fn impossible_dates_are_not_dates() {
        assert!(parse_iso_date("2020-02-30").is_none());
        assert!(parse_iso_date("2020-02-29").is_some());
        let errors = parse("content/2020-02-30-talks.txt", "Text.\n")
            .err()
            .unwrap_or_default();
        assert_eq!(
            errors[0].to_string(),
            "content/2020-02-30-talks.txt: error: the file name starts with 2020-02-30, which is not a calendar date: rename the file (YYYY-MM-DD-…)"
        );
        assert!(parse("content/2020-10-07-talks.txt", "Text.\n").is_ok());
        assert!(parse("content/1234-talks.txt", "Text.\n").is_ok());
    }
}
