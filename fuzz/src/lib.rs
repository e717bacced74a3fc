//! The checks behind each fuzz target: feed arbitrary bytes to one entry point
//! of the library and assert the invariants its callers rely on (no panic,
//! spans inside the input and on character boundaries, order, URL-safe slugs,
//! no live markup). Shared with `tests/fuzz_corpus.rs`, which replays the
//! committed corpora through these same functions on stable Rust, so this file
//! uses nothing but `briefing` and `std`.

use briefing::analyze::acronyms::{find_acronyms, find_definitions};
use briefing::analyze::dates::find_dates;
use briefing::parse::{parse_article, split_front_matter, Block, Highlighter, ParseOptions, Run};
use briefing::source::SourceFile;
use briefing::text::is_url_safe_slug;
use std::sync::OnceLock;
use time::{Date, Duration, Month};

/// Text for the targets that take a `&str`: invalid UTF-8 is replaced rather
/// than rejected, so every input exercises the code.
fn text(data: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(data)
}

/// A span `start..end` of `text` that is in bounds and on character boundaries.
fn assert_span(text: &str, start: usize, end: usize, what: &str) {
    assert!(
        start <= end && end <= text.len(),
        "{what}: span {start}..{end} outside 0..{}",
        text.len()
    );
    assert!(
        text.is_char_boundary(start) && text.is_char_boundary(end),
        "{what}: span {start}..{end} not on character boundaries"
    );
}

/// True when `html` holds a `<script>` (or `<iframe>`, `<object>`, `<embed>`)
/// element, an event-handler attribute, or a link or source with a scriptable
/// scheme. A small tokenizer, enough for the markup the parser emits: escaped
/// text never holds `<` followed by a letter, so every tag found is real.
fn has_live_script(html: &str) -> bool {
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' || !bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        // Tag name.
        let mut j = i + 1;
        while j < bytes.len() && !bytes[j].is_ascii_whitespace() && bytes[j] != b'>' && bytes[j] != b'/' {
            j += 1;
        }
        let name = html[i + 1..j].to_ascii_lowercase();
        if ["script", "iframe", "object", "embed"].contains(&name.as_str()) {
            return true;
        }
        // Attributes, until the closing '>'.
        loop {
            while j < bytes.len() && (bytes[j].is_ascii_whitespace() || bytes[j] == b'/') {
                j += 1;
            }
            if j >= bytes.len() || bytes[j] == b'>' {
                break;
            }
            let name_start = j;
            while j < bytes.len() && !bytes[j].is_ascii_whitespace() && !b"=>/".contains(&bytes[j]) {
                j += 1;
            }
            let attribute = html[name_start..j].to_ascii_lowercase();
            let mut value = "";
            if bytes.get(j) == Some(&b'=') {
                j += 1;
                let quote = bytes.get(j).copied().filter(|q| *q == b'"' || *q == b'\'');
                let value_start = if quote.is_some() { j + 1 } else { j };
                let mut k = value_start;
                while k < bytes.len()
                    && match quote {
                        Some(q) => bytes[k] != q,
                        None => !bytes[k].is_ascii_whitespace() && bytes[k] != b'>',
                    }
                {
                    k += 1;
                }
                value = &html[value_start..k];
                j = if quote.is_some() { k + 1 } else { k };
            }
            if attribute.starts_with("on") {
                return true;
            }
            let is_url = ["href", "src", "action", "formaction", "xlink:href"].contains(&attribute.as_str());
            let scheme: String = value
                .chars()
                .filter(|c| !c.is_ascii_whitespace() && !c.is_ascii_control())
                .take(11)
                .collect::<String>()
                .to_ascii_lowercase();
            if is_url
                && ["javascript:", "data:", "vbscript:"]
                    .iter()
                    .any(|s| scheme.starts_with(s))
            {
                return true;
            }
        }
        i = j;
    }
    false
}

/// One shared highlighter: loading syntect's syntaxes on every input would
/// make the target a hundred times slower.
fn highlighter() -> &'static Highlighter {
    static HIGHLIGHTER: OnceLock<Highlighter> = OnceLock::new();
    HIGHLIGHTER.get_or_init(Highlighter::new)
}

/// Whole-article parse: decoding (BOM, UTF-16, invalid UTF-8, binary), line
/// ends, front matter, and the plain-text or Markdown body. The first byte
/// picks the file kind and `allow_html`; the rest is the file.
pub fn check_parse_article(data: &[u8]) {
    let Some((&selector, bytes)) = data.split_first() else {
        return;
    };
    let markdown = selector & 1 == 1;
    let allow_html = selector & 2 == 2;
    let rel = if markdown {
        "content/2020-10-07-fuzz.md"
    } else {
        "content/2020-10-07-fuzz.txt"
    };
    let file = SourceFile {
        rel: rel.to_string(),
        bytes: bytes.to_vec(),
    };
    let options = ParseOptions {
        allow_html,
        highlighter: highlighter(),
    };
    // Lines in the file, counting a final line with no line end; CR alone ends a line too.
    let lines = bytes.iter().filter(|&&b| b == b'\n' || b == b'\r').count() + 1;
    match parse_article(&file, &options) {
        Ok((article, warnings)) => {
            assert!(
                is_url_safe_slug(&article.slug),
                "slug {:?} is not URL-safe",
                article.slug
            );
            for (i, passage) in article.passages().iter().enumerate() {
                assert_eq!(passage.id, format!("p{}", i + 1), "passage ids are p1, p2, … in order");
                assert!(
                    (1..=lines).contains(&passage.line),
                    "passage line {} outside 1..={lines}",
                    passage.line
                );
                for run in &passage.runs {
                    if let Run::Markup(html) | Run::LinkStart(html) = run {
                        assert!(!has_live_script(html), "live script in passage markup: {html:?}");
                    }
                }
            }
            for block in article.blocks() {
                match block {
                    Block::Paragraph { passage } => assert!(*passage < article.passage_count()),
                    Block::List { passages, .. } => {
                        assert!(passages.start <= passages.end && passages.end <= article.passage_count())
                    }
                    Block::Html { html } => assert!(!has_live_script(html), "live script in an HTML block: {html:?}"),
                    Block::Heading { level, .. } => assert!((1..=6).contains(level)),
                }
            }
            for warning in warnings {
                assert!(warning.line.is_none_or(|l| (1..=lines).contains(&l)));
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "a failed parse names at least one error");
            for error in errors {
                assert!(error.line.is_none_or(|l| (1..=lines).contains(&l)), "{error}");
            }
        }
    }
}

/// The `+++` front-matter splitter on any text: the body is a suffix of the
/// input and its first line is counted from the top of the file.
pub fn check_front_matter(data: &[u8]) {
    let text = text(data);
    let lines = text.matches('\n').count() + 1;
    match split_front_matter("content/a.txt", &text) {
        Ok((front, body, body_line)) => {
            assert!(text.ends_with(body), "the body is the end of the file");
            let body_start = text.len() - body.len();
            assert!(text.is_char_boundary(body_start));
            if body_start > 0 {
                assert_eq!(body_line, 1 + text[..body_start].matches('\n').count(), "body line");
            } else {
                assert_eq!(body_line, 1);
            }
            if let Some(slug) = &front.slug {
                assert!(
                    is_url_safe_slug(slug),
                    "front-matter slug {slug:?} accepted but not URL-safe"
                );
            }
            if let Some(title) = &front.title {
                assert!(!title.is_empty() && title.trim() == title);
            }
        }
        Err(error) => {
            assert!(error.line.is_none_or(|l| (1..=lines).contains(&l)), "{error}");
        }
    }
}

/// Acronym definitions and acronym-like tokens: spans in bounds, on
/// boundaries, in order, and the forms found where the span says.
pub fn check_acronyms(data: &[u8]) {
    let text = text(data);
    let mut last_end = 0;
    for definition in find_definitions(&text) {
        assert_span(&text, definition.start, definition.end, "definition");
        assert!(
            definition.end >= last_end,
            "definitions come in order of their closing bracket"
        );
        last_end = definition.end;
        let span = &text[definition.start..definition.end];
        assert!(
            span.ends_with(')'),
            "a definition ends at its closing bracket: {span:?}"
        );
        assert!(!definition.short.is_empty() && !definition.long.is_empty());
        assert!(
            span.contains(definition.short.as_str()),
            "{:?} not in {span:?}",
            definition.short
        );
        assert!(
            span.contains(definition.long.as_str()),
            "{:?} not in {span:?}",
            definition.long
        );
        let _ = briefing::analyze::acronyms::term_key(&definition.long);
    }
    let mut next = 0;
    for (at, token) in find_acronyms(&text) {
        assert_span(&text, at, at + token.len(), "acronym");
        assert!(at >= next, "acronyms in order, not overlapping");
        assert_eq!(&text[at..at + token.len()], token);
        assert!(!token.is_empty());
        next = at + token.len();
    }
}

/// Date expressions, with or without a publication date (the first two bytes
/// pick one within ±90 years of 2000, or none): spans in order without
/// overlaps, and every date a real one.
pub fn check_dates(data: &[u8]) {
    let (published, rest) = match data {
        [0, rest @ ..] => (None, rest),
        [a, b, rest @ ..] => {
            let days = i64::from(u16::from_le_bytes([*a, *b])) * 2 - 65_536;
            (
                Date::from_calendar_date(2000, Month::January, 1)
                    .ok()
                    .and_then(|d| d.checked_add(Duration::days(days))),
                rest,
            )
        }
        _ => (None, data),
    };
    let text = text(rest);
    let mut last_end = 0;
    for mention in find_dates(&text, published) {
        assert_span(&text, mention.start, mention.end, "date");
        assert!(mention.start < mention.end, "a date expression is not empty");
        assert!(mention.start >= last_end, "date expressions in order, without overlaps");
        last_end = mention.end;
        let date = mention.date;
        match (date.month, date.day) {
            (Some(m), Some(d)) => {
                let month = Month::try_from(m);
                assert!(month.is_ok(), "month {m}");
                if let Ok(month) = month {
                    assert!(
                        Date::from_calendar_date(date.year, month, d).is_ok(),
                        "{date:?} is not a calendar date"
                    );
                }
            }
            (Some(m), None) => assert!((1..=12).contains(&m), "month {m}"),
            (None, Some(_)) => panic!("a day without a month: {date:?}"),
            (None, None) => {}
        }
        let _ = (date.datetime(), date.label());
    }
}
