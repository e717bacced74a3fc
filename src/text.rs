//! Text helpers shared by the stages: typographic folding, slugs, HTML escaping.
//! Pure functions only; nothing here knows about articles or topics.

/// Maps a typographic character to the plain one a reader would type, so that
/// matching treats ’ and ', – and -, a no-break space and a space alike.
pub fn fold_char(c: char) -> Option<char> {
    Some(match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' => '\'',
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => '"',
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}' | '\u{2212}' => '-',
        c if c.is_whitespace() => ' ',
        _ => return None,
    })
}

/// Text folded for matching, with a map back to byte offsets in the original.
///
/// Folding: typographic quotes, dashes and spaces become ASCII, and a run of
/// white space becomes one space. Most news text needs none of it, so the map
/// is only built when folding changed something.
pub struct Folded<'t> {
    pub text: std::borrow::Cow<'t, str>,
    /// `origin[i]` is the byte offset in the original of folded byte `i`, with
    /// `origin[len]` the original length; `None` when the text was unchanged.
    origin: Option<Vec<u32>>,
}

impl Folded<'_> {
    /// The offset in the original text of byte `at` of the folded text.
    pub fn original_offset(&self, at: usize) -> usize {
        match &self.origin {
            Some(origin) => origin[at] as usize,
            None => at,
        }
    }
}

pub fn fold(original: &str) -> Folded<'_> {
    let unchanged = original.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) && !original.contains("  ");
    if unchanged {
        return Folded {
            text: std::borrow::Cow::Borrowed(original),
            origin: None,
        };
    }
    let mut text = String::with_capacity(original.len());
    let mut origin = Vec::with_capacity(original.len() + 1);
    let mut last_space = false;
    for (at, c) in original.char_indices() {
        let folded = fold_char(c).unwrap_or(c);
        if folded == ' ' {
            if last_space {
                continue;
            }
            last_space = true;
        } else {
            last_space = false;
        }
        let before = text.len();
        text.push(folded);
        origin.extend(std::iter::repeat_n(at as u32, text.len() - before));
    }
    origin.push(original.len() as u32);
    Folded {
        text: std::borrow::Cow::Owned(text),
        origin: Some(origin),
    }
}

/// The folded text alone, for comparing strings (aliases, titles).
pub fn fold_str(original: &str) -> String {
    fold(original).text.trim().to_string()
}

/// A URL-safe slug: lowercase ASCII letters, digits and single hyphens.
/// Letters outside ASCII are dropped rather than transliterated; an empty
/// result is the caller's to handle.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        let c = fold_char(c).unwrap_or(c);
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if c == '\'' {
            // "India's" → "indias", not "india-s".
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

/// True when `slug` is already URL-safe as `slugify` would write it.
pub fn is_url_safe_slug(slug: &str) -> bool {
    !slug.is_empty() && slugify(slug) == slug
}

/// Escapes text for HTML element content and attribute values. Copies the
/// runs between special characters whole: most text has none.
pub fn escape_html(text: &str, out: &mut String) {
    let mut start = 0;
    while let Some(found) = next_special(&text.as_bytes()[start..]) {
        let at = start + found;
        out.push_str(&text[start..at]);
        out.push_str(match text.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        });
        start = at + 1;
    }
    out.push_str(&text[start..]);
}

/// The offset of the first byte `escape_html` replaces. Tests eight bytes at
/// a time (the exact "has a zero byte" test on the XOR with each special
/// byte): every page's text passes through here, and this halves the cost of
/// a byte-by-byte scan. Hand-written because it is a few lines; the `memchr`
/// crate finds at most three bytes.
fn next_special(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let is_special = |b: &u8| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'');
    let mut chunks = bytes.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word);
        let has = |c: u8| {
            let y = x ^ (ONES * u64::from(c));
            y.wrapping_sub(ONES) & !y & HIGH
        };
        if has(b'&') | has(b'<') | has(b'>') | has(b'"') | has(b'\'') != 0 {
            return chunk.iter().position(is_special).map(|p| offset + p);
        }
        offset += 8;
    }
    chunks.remainder().iter().position(is_special).map(|p| offset + p)
}

pub fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    escape_html(text, &mut out);
    out
}

/// The first `max_chars` characters of `text`, cut at a word boundary, with an
/// ellipsis when anything was cut.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > max_chars / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', ' ']))
}

/// True for characters that continue a word, for word-boundary checks.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_maps_typography_and_keeps_offsets() {
        let original = "India\u{2019}s \u{201C}IPOI\u{201D}\u{00A0}\u{2013}  ok";
        let folded = fold(original);
        assert_eq!(folded.text, "India's \"IPOI\" - ok");
        let at = folded.text.find("IPOI").unwrap_or_default();
        assert_eq!(&original[folded.original_offset(at)..][..4], "IPOI");
        assert_eq!(folded.original_offset(folded.text.len()), original.len());
        let plain = fold("plain ASCII text");
        assert!(matches!(plain.text, std::borrow::Cow::Borrowed(_)));
        assert_eq!(plain.original_offset(6), 6);
    }

    #[test]
    fn escaping_finds_every_special_byte_at_every_position() {
        for len in 0..20 {
            for at in 0..len {
                for (special, entity) in [
                    ('&', "&amp;"),
                    ('<', "&lt;"),
                    ('>', "&gt;"),
                    ('"', "&quot;"),
                    ('\'', "&#39;"),
                ] {
                    let text: String = (0..len).map(|i| if i == at { special } else { 'é' }).collect();
                    let expected: String = (0..len)
                        .map(|i| if i == at { entity.to_string() } else { "é".into() })
                        .collect();
                    assert_eq!(escaped(&text), expected);
                    let ascii: String = (0..len).map(|i| if i == at { special } else { 'a' }).collect();
                    assert_eq!(escaped(&ascii).len(), len - 1 + entity.len(), "{ascii}");
                }
            }
        }
        assert_eq!(
            escaped("a < b && \"c\" > 'd'"),
            "a &lt; b &amp;&amp; &quot;c&quot; &gt; &#39;d&#39;"
        );
    }

    #[test]
    fn slugs_are_url_safe() {
        assert_eq!(
            slugify("Indo-Pacific Oceans’ Initiative (IPOI)"),
            "indo-pacific-oceans-initiative-ipoi"
        );
        assert_eq!(slugify("../../x"), "x");
        assert_eq!(slugify("C:\\Windows"), "c-windows");
        assert!(is_url_safe_slug("cyber-moc"));
        assert!(!is_url_safe_slug("Cyber MoC"));
        assert!(!is_url_safe_slug("../x"));
    }

    #[test]
    fn excerpt_cuts_at_words() {
        assert_eq!(excerpt("short", 10), "short");
        assert_eq!(
            excerpt("India and Japan recently held the talks", 20),
            "India and Japan…"
        );
    }
}

/// Byte ranges of the sentences of `text`. A sentence ends at `.`, `!` or `?`
/// (and any closing quote after it) followed by a space and a capital, digit
/// or quote; common abbreviations and initials do not end one.
pub fn sentences(text: &str) -> Vec<std::ops::Range<usize>> {
    const ABBREVIATIONS: [&str; 12] = [
        "Mr", "Mrs", "Ms", "Dr", "St", "Prof", "Gen", "Lt", "Col", "No", "vs", "Rs",
    ];
    let mut out = Vec::new();
    let mut start = 0;
    let bytes = text.as_bytes();
    let mut i = 0;
    // Sentence ends are ASCII, so scanning bytes is safe; multi-byte closing
    // quotes are stepped over as strings.
    while i < bytes.len() {
        let b = bytes[i];
        if !matches!(b, b'.' | b'!' | b'?') {
            i += 1;
            continue;
        }
        let at = i;
        let mut j = i + 1;
        loop {
            let rest = &text[j..];
            let closer = ['"', '\'', '’', '”', ')'].into_iter().find(|&c| rest.starts_with(c));
            match closer {
                Some(c) => j += c.len_utf8(),
                None => break,
            }
        }
        let rest = &text[j..];
        let followed_by_space = rest.starts_with(char::is_whitespace);
        let next_starts = rest
            .trim_start()
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_numeric() || matches!(c, '"' | '“' | '‘' | '\''));
        let word_before = text[start..at]
            .rsplit(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("");
        let is_abbreviation = b == b'.'
            && (ABBREVIATIONS.contains(&word_before)
                || (word_before.chars().count() == 1 && word_before.chars().all(char::is_uppercase)));
        if followed_by_space && next_starts && !is_abbreviation {
            if !text[start..j].trim().is_empty() {
                out.push(trim_range(text, start..j));
            }
            start = j;
        }
        i = j.max(i + 1);
    }
    if !text[start..].trim().is_empty() {
        out.push(trim_range(text, start..text.len()));
    }
    out
}

fn trim_range(text: &str, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
    let slice = &text[range.clone()];
    let lead = slice.len() - slice.trim_start().len();
    let trail = slice.len() - slice.trim_end().len();
    range.start + lead..range.end - trail
}

#[cfg(test)]
mod sentence_tests {
    use super::sentences;

    #[test]
    fn splits_sentences_but_not_abbreviations() {
        let text = "The IPOI was launched by Mr. Modi in Bangkok. Japan agreed. “It works,” he said. U.S. troops left.";
        let parts: Vec<&str> = sentences(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            parts,
            [
                "The IPOI was launched by Mr. Modi in Bangkok.",
                "Japan agreed.",
                "“It works,” he said.",
                "U.S. troops left."
            ]
        );
        assert_eq!(sentences("No end here").len(), 1);
        assert!(sentences("  ").is_empty());
    }
}
