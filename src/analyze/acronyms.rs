//! Acronym glossary for one passage of news text: finds "Long Form (LF)" and
//! "LF (Long Form)" definitions, folds typographic variants of a long form
//! into one key, and lists acronym-like tokens. Pure functions; no IO.
//!
//! Definitions follow Schwartz & Hearst (2003): the short form's letters are
//! matched in order through the words just before the bracket, its first
//! letter at the start of the first word, within min(|SF|+5, |SF|*2) words.
//! News text adds curly quotes, apostrophes and hyphenated words; precision
//! beats recall here, so `long_form_fits` adds checks against doubtful matches.
//!
//! Scanning is hand-written, not `regex`: it needs context a regex gives only
//! with backtracking or a second pass (innermost brackets, the words before
//! them, letter counts per token); walking `char_indices` keeps offsets on char
//! boundaries and bounds the work per bracket, so the scan stays linear.

/// One definition found in a text: "Long Form (LF)" or "LF (Long Form)".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// The short form as written, e.g. "MoC", "I-JDP".
    pub short: String,
    /// The long form as written, typographic quotes and apostrophes kept,
    /// e.g. "Indo-Pacific Oceans’ Initiative"; surrounding quotes dropped.
    pub long: String,
    /// Byte offset where the long form (or, in "SF (Long Form)" order, the
    /// short form) begins.
    pub start: usize,
    /// Byte offset just past the closing parenthesis.
    pub end: usize,
}

/// Short forms longer than this are not acronyms (Schwartz & Hearst use 10).
const MAX_SHORT_CHARS: usize = 10;
/// Bracket contents longer than this are asides, not forms; skipping them
/// early keeps the per-bracket work bounded.
const MAX_PAREN_BYTES: usize = 200;
/// No word of a long form is this long; stopping there bounds the backward
/// scan on pathological input such as a megabyte without spaces.
const MAX_WORD_BYTES: usize = 64;

/// Function words a long form may skip but never start with.
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "her", "his", "in", "into", "is", "its", "like",
    "of", "on", "or", "our", "such", "that", "the", "their", "these", "this", "those", "to", "was", "were", "with",
];
const OPEN_QUOTES: &[char] = &['“', '"', '‘', '\'', '«'];
const CLOSE_DOUBLE: &[char] = &['”', '"', '»'];
const CLOSE_QUOTES: &[char] = &['”', '"', '»', '’', '\''];
const QUOTE_MARKS: &[char] = &['’', '‘', '\'', '`', '´', '“', '”', '"', '«', '»'];
const BRACKETS: &[char] = &['(', ')', '[', ']', '{', '}'];
/// A word ending in one of these closes a clause; a long form never crosses it.
const CLAUSE_END: &[char] = &[',', ';', ':', '.', '!', '?'];

/// All definitions in `text`, in order of their closing parenthesis.
pub fn find_definitions(text: &str) -> Vec<Definition> {
    // Only innermost pairs are considered: "A (B (C) D)" offers "(C)" alone.
    let mut found = Vec::new();
    let mut open = None;
    for (i, c) in text.char_indices() {
        if c == '(' {
            open = Some(i);
        } else if c == ')' {
            if let Some(o) = open.take() {
                found.extend(definition_at(text, o, i));
            }
        }
    }
    found
}

/// A key under which typographic variants of one long form merge: drops
/// apostrophes and quotes, folds dashes to '-', lowercases and collapses
/// whitespace (no-break spaces included), so "Indo-Pacific Oceans’
/// Initiative" and "Indo-Pacific Oceans Initiative" give the same key.
pub fn term_key(long: &str) -> String {
    // Most long forms are plain ASCII words between single spaces: then the
    // key is the text lowercased (the glossary keys every definition of every
    // article, 4% of a rebuild's instructions when each went through the
    // folding below).
    let plain = long
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b' ')
        && !long.starts_with(' ')
        && !long.ends_with(' ')
        && !long.contains("  ");
    if plain {
        return long.to_ascii_lowercase();
    }
    let folded: String = long
        .chars()
        .filter(|c| !QUOTE_MARKS.contains(c))
        .map(|c| if is_dash(c) { '-' } else { c })
        .flat_map(char::to_lowercase)
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Tokens in `text` that look like acronyms, as (byte offset, token), in
/// order: "MoC", "5G", "S&T", "I-JDP", but not "India", "2019", "2+2" or
/// "Covid-19". Meant for listing acronyms that are used but never defined.
pub fn find_acronyms(text: &str) -> Vec<(usize, &str)> {
    // Hand-written: a token is a run of alphanumerics, '-' and '&'; '/', '+',
    // '.', quotes and apostrophes split ("S&T/ICT", "2+2", "Navy’s").
    let mut found = Vec::new();
    let mut start = None;
    let ends = text.char_indices().chain(std::iter::once((text.len(), ' ')));
    for (i, c) in ends {
        let inside = c.is_alphanumeric() || c == '-' || c == '&';
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                push_acronyms(text, s, i, &mut found);
                start = None;
            }
            _ => {}
        }
    }
    found
}

/// Adds the token `text[start..end]` if it looks like an acronym; from a
/// mixed hyphenated token ("US-China") adds only its acronym parts.
fn push_acronyms<'a>(text: &'a str, start: usize, end: usize, found: &mut Vec<(usize, &'a str)>) {
    let Some(raw) = text.get(start..end) else {
        return;
    };
    let trimmed = raw.trim_start_matches(['-', '&']);
    let offset = start + (raw.len() - trimmed.len());
    let token = trimmed.trim_end_matches(['-', '&']);
    if token.is_empty() {
        return;
    }
    if looks_like_acronym(token) {
        found.push((offset, token));
        return;
    }
    let mut part_start = offset;
    for part in token.split('-') {
        if looks_like_acronym(part) {
            found.push((part_start, part));
        }
        part_start += part.len() + 1;
    }
}

/// Two capitals ("MoC", "S&T") or a capital and a digit ("5G"), and no run
/// of three lowercase letters, which marks a word ("SoftBank", "Covid-19").
fn looks_like_acronym(word: &str) -> bool {
    let (mut upper, mut digit, mut run, mut longest_run) = (0, false, 0, 0);
    for c in word.chars() {
        if c.is_lowercase() {
            run += 1;
            longest_run = longest_run.max(run);
        } else {
            run = 0;
        }
        upper += usize::from(c.is_uppercase());
        digit |= c.is_numeric();
    }
    longest_run < 3 && (upper >= 2 || (upper >= 1 && digit))
}

/// Tries both orders for the innermost pair at bytes `open..=close`.
fn definition_at(text: &str, open: usize, close: usize) -> Option<Definition> {
    let inner = text.get(open + 1..close)?;
    if inner.len() > MAX_PAREN_BYTES {
        return None;
    }
    let content = inner.trim();
    let (start, short, long) = if is_short_form(content) {
        let (start, long) = long_form_before(text, open, content)?;
        (start, content, long)
    } else {
        short_form_before(text, open, content)?
    };
    Some(Definition {
        short: short.to_string(),
        long: long.to_string(),
        start,
        end: close + 1,
    })
}

/// 2–10 characters, starts and ends with a letter or digit, inner '-' or
/// '&' allowed, at least two letters (so "5G" is out) and one capital.
fn is_short_form(s: &str) -> bool {
    let n = s.chars().count();
    let edge_ok = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
    (2..=MAX_SHORT_CHARS).contains(&n)
        && edge_ok(s.chars().next())
        && edge_ok(s.chars().next_back())
        && s.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '&')
        && s.chars().filter(|c| c.is_alphabetic()).count() >= 2
        && s.chars().any(char::is_uppercase)
}

/// The Schwartz & Hearst word limit, min(|SF|+5, |SF|*2), counting the
/// letters and digits of the short form.
fn max_long_words(short: &str) -> usize {
    let n = short.chars().filter(|c| c.is_alphanumeric()).count();
    (n + 5).min(n * 2)
}

/// The text before the bracket at `open`, trailing spaces trimmed; `None`
/// if a line break separates them (a heading is not a definition).
fn text_before(text: &str, open: usize) -> Option<&str> {
    let before = text.get(..open)?;
    let trimmed = before.trim_end();
    (!before.get(trimmed.len()..)?.contains('\n')).then_some(trimmed)
}

/// "Long Form (SF)": the shortest run of words ending just before `open`
/// that fits `short`, as (start offset, long form). A quoted phrase right
/// before the bracket is the long form whole or not at all.
fn long_form_before<'a>(text: &'a str, open: usize, short: &str) -> Option<(usize, &'a str)> {
    let before = text_before(text, open)?;
    let max_words = max_long_words(short);
    let last = before.chars().next_back()?;
    if CLOSE_QUOTES.contains(&last) {
        let lf_end = before.get(..before.len() - last.len_utf8())?.trim_end().len();
        let span = words_before(text, lf_end, max_words);
        if span.opened_by_quote {
            return fitting_long_form(text, &span.words, lf_end, short);
        }
        // An unmatched ’ or ' is an apostrophe ("Ministers’"); ” is not.
        if CLOSE_DOUBLE.contains(&last) {
            return None;
        }
    }
    let lf_end = before.len();
    let span = words_before(text, lf_end, max_words);
    // A word that opens a quote never closed before the bracket is unsafe.
    let usable = span.words.len() - usize::from(span.opened_by_quote);
    (1..=usable).find_map(|k| fitting_long_form(text, span.words.get(..k)?, lf_end, short))
}

/// The long form made of `words` (nearest first) up to `lf_end`, if it fits.
fn fitting_long_form<'a>(text: &'a str, words: &[Word], lf_end: usize, short: &str) -> Option<(usize, &'a str)> {
    let start = words.last()?.start;
    let in_order: Vec<&str> = words.iter().rev().map(|w| w.text).collect();
    if long_form_fits(short, &in_order) {
        Some((start, text.get(start..lf_end)?))
    } else {
        None
    }
}

/// "SF (Long Form)": the word just before `open` must be a short form and
/// the whole bracket content its long form; returns (start, short, long).
fn short_form_before<'a>(text: &'a str, open: usize, content: &'a str) -> Option<(usize, &'a str, &'a str)> {
    let long = content
        .trim_start_matches(OPEN_QUOTES)
        .trim_end_matches(CLOSE_QUOTES)
        .trim();
    let punctuation = ['"', '“', '”', '[', ']', '{', '}', '\n'];
    if long.contains(CLAUSE_END) || long.contains(punctuation) {
        return None;
    }
    let trimmed = text_before(text, open)?;
    // Look back a few characters only: a longer token is no short form.
    let mut tok_start = trimmed.len();
    for (i, c) in trimmed.char_indices().rev().take(MAX_SHORT_CHARS + 2) {
        if c.is_whitespace() {
            break;
        }
        tok_start = i;
    }
    if tok_start > 0 && !trimmed.get(..tok_start)?.ends_with(char::is_whitespace) {
        return None;
    }
    let token = trimmed.get(tok_start..)?;
    let short = token.trim_start_matches(OPEN_QUOTES);
    let start = tok_start + (token.len() - short.len());
    let words: Vec<&str> = long.split_whitespace().collect();
    if !is_short_form(short) || words.len() > max_long_words(short) {
        return None;
    }
    long_form_fits(short, &words).then_some((start, short, long))
}

/// One whitespace-separated word and its byte offset in the text.
struct Word<'a> {
    start: usize,
    text: &'a str,
}

/// Words ending at `end`, nearest first, and whether the last of them
/// opened a quote (its quote mark is stripped from `text` and `start`).
#[derive(Default)]
struct Span<'a> {
    words: Vec<Word<'a>>,
    opened_by_quote: bool,
}

/// Collects up to `max_words` words backwards from `end`, stopping at a line
/// break, a bracket, clause punctuation, a lone dash, an earlier closing
/// quote, or just after a word that opens a quote.
fn words_before(text: &str, end: usize, max_words: usize) -> Span<'_> {
    let mut span = Span::default();
    let mut pos = end;
    while span.words.len() < max_words {
        let Some(head) = text.get(..pos) else { break };
        let tok_end = head.trim_end().len();
        if head.get(tok_end..).is_some_and(|gap| gap.contains('\n')) {
            break;
        }
        pos = tok_end;
        let mut blocked = false;
        for (i, c) in head.get(..tok_end).unwrap_or("").char_indices().rev() {
            if c.is_whitespace() {
                break;
            }
            if BRACKETS.contains(&c) || tok_end - i > MAX_WORD_BYTES {
                blocked = true;
                break;
            }
            pos = i;
        }
        let Some(tok) = text.get(pos..tok_end) else {
            break;
        };
        if blocked
            || tok.is_empty()
            || tok.ends_with(CLAUSE_END)
            || tok.chars().all(is_dash)
            || (!span.words.is_empty() && tok.ends_with(CLOSE_DOUBLE))
        {
            break;
        }
        let quote = tok.chars().next().filter(|c| OPEN_QUOTES.contains(c));
        let skip = quote.map_or(0, char::len_utf8);
        let text = tok.get(skip..).unwrap_or("");
        span.words.push(Word {
            start: pos + skip,
            text,
        });
        if quote.is_some() {
            span.opened_by_quote = true;
            break;
        }
    }
    span
}

/// Whether `words` (in text order) can be the long form of `short`.
///
/// Schwartz & Hearst: the first letter of the short form is the first letter
/// of the first word, and its other letters and digits occur in order in the
/// rest. Added for precision: the long form does not start with a stop word,
/// has at least two words (hyphen parts count), no more content words than
/// the short form has characters, consistent capitals after its first word
/// ("Memorandum of Cooperation on cyber" is refused), and a short form that
/// reads like a word ("Nasa", "Chin") must match word initials only.
fn long_form_fits(short: &str, words: &[&str]) -> bool {
    let Some(first) = words.first() else {
        return false;
    };
    if is_stop_word(first) {
        return false;
    }
    let sf: Vec<char> = short.chars().filter(|c| c.is_alphanumeric()).map(lower).collect();
    let parts: Vec<&str> = words
        .iter()
        .flat_map(|w| w.split(is_dash))
        .filter(|p| p.chars().any(char::is_alphanumeric))
        .collect();
    let content: Vec<&str> = words.iter().copied().filter(|w| !is_stop_word(w)).collect();
    if parts.len() < 2 || content.len() > sf.len() {
        return false;
    }
    let later_cases: Vec<bool> = content
        .iter()
        .skip(1)
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .filter(|c| c.is_alphabetic())
        .map(char::is_uppercase)
        .collect();
    if later_cases.contains(&true) && later_cases.contains(&false) {
        return false;
    }
    let (Some(&head), Some(lf_head)) = (sf.first(), first.chars().next()) else {
        return false;
    };
    if !lf_head.is_alphanumeric() || lower(lf_head) != head {
        return false;
    }
    let rest = sf.get(1..).unwrap_or(&[]);
    if looks_like_acronym(short) {
        let letters = words
            .iter()
            .flat_map(|w| w.chars())
            .filter(|c| c.is_alphanumeric())
            .map(lower)
            .skip(1);
        is_subsequence(rest, letters)
    } else {
        let initials = parts
            .iter()
            .filter_map(|p| p.chars().find(|c| c.is_alphanumeric()))
            .map(lower)
            .skip(1);
        is_subsequence(rest, initials)
    }
}

/// Whether `needle` occurs in order (not necessarily adjacent) in `hay`.
fn is_subsequence(needle: &[char], hay: impl Iterator<Item = char>) -> bool {
    let mut want = needle.iter().peekable();
    for c in hay {
        if want.peek() == Some(&&c) {
            want.next();
        }
    }
    want.peek().is_none()
}

fn is_stop_word(word: &str) -> bool {
    let w = word.to_lowercase();
    STOP_WORDS.contains(&w.as_str())
}

fn is_dash(c: char) -> bool {
    matches!(c, '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '−')
}

fn lower(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Asserts that `text` defines exactly `expected` (short, long) pairs.
    fn assert_terms(text: &str, expected: &[(&str, &str)]) {
        let found: Vec<(String, String)> = find_definitions(text).into_iter().map(|d| (d.short, d.long)).collect();
        let expected: Vec<(String, String)> = expected.iter().map(|(s, l)| (s.to_string(), l.to_string())).collect();
        assert_eq!(found, expected, "in {text:?}");
    }

    /// Asserts that none of the `|`-separated texts defines anything.
    fn assert_none(texts: &str) {
        for text in texts.split('|') {
            assert_eq!(find_definitions(text), vec![], "in {text:?}");
        }
    }

    const ARTICLE_ONE: &str = "India and Japan recently held the 13th edition of their Foreign Ministers’ Strategic Dialogue, which saw both nations agreeing to establish a Memorandum of Cooperation (MoC) in various aspects of cybersecurity like 5G network, Critical Information Infrastructure, Internet of Things (IoT), and Artificial Intelligence. This development holds significance, particularly in the context of recent Indo-China tensions.
Cyber Security MoC: Enhancing Cooperation
Updating Japan’s Cybersecurity amidst Covid-19 Impact
Japan proposed the Supply Chain Resilience Initiative (SCRI) as a triangular approach to trade with India and Australia being key partners. This move comes amidst heightening trade tensions between the US and China threatening supply chains.
Indo-Pacific Oceans Initiative (IPOI) – India’s contribution
At the East Asia Summit in November 2019, India launched the IPOI focusing on seven central pillars.
In recent times, India and Japan signed the Acquisition and Cross-Servicing Agreement (ACSA), allowing for closer coordination between both nations’ armed forces in services and supplies.
In 2019, both countries had their first-ever 2+2 ministerial-level dialogue involving their defence and foreign ministers.
Both are members of the Quadrilateral Security Dialogue (QUAD) with the second Ministerial meeting of Quad countries being held in Japan recently.
Furthermore, during Prime Minister of India’s visit to Japan in October 2018, the “India-Japan Digital Partnership” (I-JDP) was launched. This partnership expands the existing areas of cooperation as well as introduces new initiatives within the scope of S&T/ICT cooperation, focusing more on “Digital ICT Technologies”.
Both countries conduct a series of bilateral exercises in the form of JIMEX, SHINYUU Maitri, and Dharma Guardian. They also participate in Malabar exercise with the USA.";

    #[test]
    fn memorandum_and_internet_of_things() {
        let text = "agreeing to establish a Memorandum of Cooperation (MoC) in various aspects of cybersecurity like 5G network, Critical Information Infrastructure, Internet of Things (IoT), and Artificial Intelligence.";
        let iot = ("IoT", "Internet of Things");
        assert_terms(text, &[("MoC", "Memorandum of Cooperation"), iot]);
        let d = &find_definitions(text)[0];
        assert_eq!(&text[d.start..d.end], "Memorandum of Cooperation (MoC)");
    }

    #[test]
    fn iot_and_artificial_intelligence_before_a_closing_quote() {
        let text = "areas of Critical Information Infrastructure, 5G, Internet of Things (IoT), Artificial Intelligence (AI), among others,” the statement said.";
        let ai = ("AI", "Artificial Intelligence");
        assert_terms(text, &[("IoT", "Internet of Things"), ai]);
    }

    #[test]
    fn supply_chain_resilience_initiative() {
        let text = "Japan proposed the Supply Chain Resilience Initiative (SCRI) as a triangular";
        assert_terms(text, &[("SCRI", "Supply Chain Resilience Initiative")]);
    }

    #[test]
    fn ipoi_variants_share_a_term_key() {
        let plain = "Indo-Pacific Oceans Initiative";
        let curly = "Indo-Pacific Oceans’ Initiative";
        assert_terms(&format!("{plain} (IPOI) – India’s contribution"), &[("IPOI", plain)]);
        let text = format!("the connectivity pillar of the {curly} (IPOI) and jointly take");
        assert_terms(&text, &[("IPOI", curly)]);
        assert_eq!(term_key(plain), term_key(curly));
    }

    #[test]
    fn hyphenated_word_supplies_two_letters() {
        let text = "India and Japan signed the Acquisition and Cross-Servicing Agreement (ACSA), allowing";
        assert_terms(text, &[("ACSA", "Acquisition and Cross-Servicing Agreement")]);
    }

    #[test]
    fn word_like_acronym_matches_inside_words() {
        let text = "Both are members of the Quadrilateral Security Dialogue (QUAD) with the second";
        assert_terms(text, &[("QUAD", "Quadrilateral Security Dialogue")]);
    }

    #[test]
    fn quoted_long_form_loses_its_quotes() {
        for (open, close) in [("“", "”"), ("\"", "\"")] {
            let text = format!("the {open}India-Japan Digital Partnership{close} (I-JDP) was");
            assert_terms(&text, &[("I-JDP", "India-Japan Digital Partnership")]);
            let d = &find_definitions(&text)[0];
            assert_eq!(&text[d.start..d.end], &text[4 + open.len()..text.len() - 4]);
        }
        // A quote that opens before the matching words: refuse, do not guess.
        assert_none("the “Big Data Initiative” (DI) was");
    }

    #[test]
    fn reverse_order_short_form_first() {
        let text = "the IPOI (Indo-Pacific Oceans Initiative) was launched";
        assert_terms(text, &[("IPOI", "Indo-Pacific Oceans Initiative")]);
        let d = &find_definitions(text)[0];
        assert_eq!(&text[d.start..d.end], "IPOI (Indo-Pacific Oceans Initiative)");
        assert_terms(
            "MoC (Memorandum of Cooperation)",
            &[("MoC", "Memorandum of Cooperation")],
        );
    }

    #[test]
    fn prime_minister_is_a_definition_but_bare_pm_is_not() {
        assert_terms("Prime Minister (PM) Modi", &[("PM", "Prime Minister")]);
        assert_none("as PM|a newly appointed Yoshihide Suga as PM, New Delhi");
    }

    #[test]
    fn news_text_without_definitions_gives_nothing() {
        assert_none(
            "(5G)|in the 5G rollout|US and China|PM|ZTE|KDDI|NTT Docomo|Chinese PLA Navy’s|JIMEX\
             |S&T/ICT cooperation|Covid-19|2+2 ministerial-level dialogue|(2019)|(see above)\
             |the summit (held in Tokyo)|in the 5G network (5G)|At the summit in November (2019), India",
        );
    }

    #[test]
    fn non_acronym_parentheses_give_nothing() {
        assert_none(
            "The ministers met (according to officials who spoke on condition of anonymity) on Monday.\
             |Prices rose (by about 12 per cent) last year.|the deal (worth 1,200 crore) was signed\
             |the Ministry (which handles trade) said|the summit in Tokyo (Tokyo)|Chinese Navy (Chin)\
             |the firms (Huawei and ZTE) were|ZTE (the Chinese firm)|New Delhi (India) and Tokyo (Japan)",
        );
    }

    #[test]
    fn shortest_long_form_wins_and_stop_words_are_skipped() {
        let text = "the Ministry of Information and Broadcasting (MIB) said";
        assert_terms(text, &[("MIB", "Ministry of Information and Broadcasting")]);
        assert_terms(
            "a Memorandum of Cooperation (MoC)",
            &[("MoC", "Memorandum of Cooperation")],
        );
    }

    #[test]
    fn short_form_shape_and_word_limit() {
        // "AB" allows min(2+5, 2*2) = 4 words; eleven characters is too long
        // for a short form; lowercase-only and one-letter forms are none.
        assert_terms("Alpha of the Beta (AB)", &[("AB", "Alpha of the Beta")]);
        assert_none("Alpha of the and Beta (AB)|Alpha Beta Gamma Delta (ABCDEFGHIJK)");
        assert_none("Alpha Beta (ab)|Alpha Beta (A)|Alpha Beta (-AB)");
    }

    #[test]
    fn word_like_short_forms_need_word_initials() {
        let text = "the National Aeronautics and Space Administration (Nasa) said";
        assert_terms(text, &[("Nasa", "National Aeronautics and Space Administration")]);
    }

    #[test]
    fn long_form_refuses_mixed_capitals_line_breaks_and_clauses() {
        assert_none("a Memorandum of Cooperation on cyber (MoC)|Internet\n(IT)");
        assert_none("Internet,\nof Things (IoT)|Indo, Pacific (IP)|Indo – Pacific (IP)");
    }

    #[test]
    fn whole_first_article() {
        assert_terms(
            ARTICLE_ONE,
            &[
                ("MoC", "Memorandum of Cooperation"),
                ("IoT", "Internet of Things"),
                ("SCRI", "Supply Chain Resilience Initiative"),
                ("IPOI", "Indo-Pacific Oceans Initiative"),
                ("ACSA", "Acquisition and Cross-Servicing Agreement"),
                ("QUAD", "Quadrilateral Security Dialogue"),
                ("I-JDP", "India-Japan Digital Partnership"),
            ],
        );
    }

    #[test]
    fn term_key_folds_typography() {
        let key = "indo-pacific oceans initiative";
        assert_eq!(term_key("Indo-Pacific Oceans’ Initiative"), key);
        assert_eq!(term_key("Indo–Pacific\u{a0}Oceans   Initiative"), key);
        assert_eq!(term_key(" “Indo—Pacific Oceans” ‘Initiative’\n"), key);
        assert_eq!(term_key("Foreign Ministers' Dialogue"), "foreign ministers dialogue");
        assert_eq!(term_key(""), "");
        // The plain path and the folding agree.
        for long in [
            "Supply Chain Resilience Initiative",
            "Indo-Pacific",
            " Two  spaces ",
            "A1 B2",
            "tab\there",
        ] {
            let folded = long.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
            assert_eq!(term_key(long), folded, "{long:?}");
        }
    }

    #[test]
    fn acronyms_in_first_article() {
        let found = find_acronyms(ARTICLE_ONE);
        for &(offset, token) in &found {
            assert_eq!(ARTICLE_ONE.get(offset..offset + token.len()), Some(token));
        }
        let tokens: Vec<&str> = found.iter().map(|&(_, t)| t).collect();
        for want in "5G MoC IoT SCRI IPOI ACSA QUAD I-JDP S&T ICT JIMEX USA US".split(' ') {
            assert!(tokens.contains(&want), "missing {want}");
        }
        for unwanted in "India Covid-19 Covid 2+2 2 2019 Indo-China India-Japan The Quad".split(' ') {
            assert!(!tokens.contains(&unwanted), "unexpected {unwanted}");
        }
    }

    #[test]
    fn acronym_token_shapes() {
        let text = "5G and 4G, US-China, SoftBank, S&T/ICT, 2+2, the NTT’s plan";
        let expected: Vec<(usize, &str)> = ["5G", "4G", "US", "S&T", "ICT", "NTT"]
            .iter()
            .map(|&t| (text.find(t).unwrap_or(usize::MAX), t))
            .collect();
        assert_eq!(find_acronyms(text), expected);
        assert_eq!(find_acronyms("India The 2019 Covid-19 - & -- iPhone"), vec![]);
    }

    #[test]
    fn odd_input_never_panics_and_offsets_stay_valid() {
        let odd = "|(|)|()|)(|(()|())|( )|((AB))|(AB|AB)|A (B (C|“|”(AB)|“(AB)”|’ (AB)|Alpha Beta’ (AB)\
                   |🙂 (🙂)|🙂🙂 (AB)|Éclair Ωmega (ÉΩ)|e\u{301}cole Normale (E\u{301}N)|- (AB)|– – (AB)\
                   |\u{a0}(\u{a0}AB\u{a0})|Alpha\u{a0}Beta\u{a0}(AB)|AB (Alpha\u{a0}Beta)|&& (A&B)\
                   |\n(AB)\n|(AB)(AB)(AB)|X(AB)|“Alpha Beta”(AB)|İstanbul Xeno (İX)|ß Straße (SS)";
        let mut inputs: Vec<String> = odd.split('|').map(str::to_string).collect();
        // Deterministic pseudo-random mixes of awkward pieces.
        let pieces: Vec<&str> = "( ) A b Ab IoT of Internet Things “ ” ’ ' \" - – é e\u{301} 🙂 & 5 , ."
            .split(' ')
            .chain([" ", "\u{a0}", "\n", "\u{200d}"])
            .collect();
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        for _ in 0..3000 {
            let mut s = String::new();
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            for _ in 0..(seed >> 59) * 3 {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                s.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            inputs.push(s);
        }
        inputs.push("Alpha Beta (AB) ".repeat(5_000));
        for text in &inputs {
            for d in find_definitions(text) {
                assert!(d.start < d.end && d.end <= text.len(), "{text:?}");
                assert!(text.is_char_boundary(d.start) && text.is_char_boundary(d.end));
                let span = &text[d.start..d.end];
                assert!(span.contains(&d.long) && span.contains(&d.short) && span.ends_with(')'));
            }
            for (offset, token) in find_acronyms(text) {
                assert_eq!(text.get(offset..offset + token.len()), Some(token));
            }
            let _ = term_key(text);
        }
    }

    #[test]
    fn megabyte_inputs_finish_fast() {
        // Quadratic behaviour would take minutes here; linear takes well
        // under a second even in a debug build.
        let mb = 1 << 20;
        let inputs = [
            "(".repeat(mb),
            "A (B (C ".repeat(mb / 8),
            "AB(AB)".repeat(mb / 6),
            "x (AB) ".repeat(mb / 7),
            format!("{}(AB)", "A".repeat(mb)),
            format!("{}(AB)", " ".repeat(mb)),
            "IPOI (Indo-Pacific Oceans Initiative) ".repeat(mb / 38),
            "🙂é(".repeat(mb / 7),
        ];
        for text in &inputs {
            let started = std::time::Instant::now();
            let defs = find_definitions(text).len();
            let acronyms = find_acronyms(text).len();
            let _ = term_key(text);
            let elapsed = started.elapsed();
            let what: String = text.chars().take(8).collect();
            assert!(
                elapsed.as_secs_f64() < 5.0,
                "{elapsed:?} on {what:?}… {defs} {acronyms}"
            );
        }
    }
}
