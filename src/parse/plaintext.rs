//! Plain text as articles arrive: one paragraph per line or blank-line-separated
//! paragraphs, short standalone lines as headings, bullet lines as lists.

use super::{Block, ParsedBody, Passage};
use crate::text::slugify;
use std::collections::BTreeSet;

/// A heading is at most this many words…
const HEADING_MAX_WORDS: usize = 16;
/// …and this many characters.
const HEADING_MAX_CHARS: usize = 120;

#[derive(Debug, PartialEq, Eq)]
enum Kind {
    Text,
    Bullet { ordered: bool },
}

/// A logical line: one physical line, or a hard-wrapped paragraph joined up.
struct Unit {
    line: usize,
    kind: Kind,
    text: String,
}

pub(crate) fn parse(body: &str, first_line: usize) -> ParsedBody {
    let units = units(body, first_line);
    let mut blocks = Vec::new();
    let mut passages: Vec<Passage> = Vec::new();
    let mut heading_ids = BTreeSet::new();
    let mut title = None;
    let mut index = 0;
    while index < units.len() {
        let unit = &units[index];
        match unit.kind {
            Kind::Text if is_heading(&units, index) => {
                if index == 0 && title.is_none() {
                    // A heading that opens the text is the article's own title.
                    title = Some(unit.text.clone());
                } else {
                    blocks.push(Block::Heading {
                        level: 2,
                        id: unique_id(&mut heading_ids, &unit.text),
                        text: unit.text.clone(),
                    });
                }
                index += 1;
            }
            Kind::Text => {
                blocks.push(Block::Paragraph {
                    passage: passages.len(),
                });
                passages.push(passage(passages.len(), unit));
                index += 1;
            }
            Kind::Bullet { ordered } => {
                let start = passages.len();
                while let Some(item) = units.get(index).filter(|u| u.kind == (Kind::Bullet { ordered })) {
                    passages.push(passage(passages.len(), item));
                    index += 1;
                }
                blocks.push(Block::List {
                    ordered,
                    passages: start..passages.len(),
                });
            }
        }
    }
    ParsedBody {
        title,
        blocks,
        passages,
    }
}

fn passage(index: usize, unit: &Unit) -> Passage {
    Passage {
        id: super::passage_anchor(index),
        line: unit.line,
        text: unit.text.clone(),
        runs: Vec::new(),
    }
}

/// A heading id from its text, made unique within the article.
pub(crate) fn unique_id(seen: &mut BTreeSet<String>, text: &str) -> String {
    let base = match slugify(text) {
        s if s.is_empty() => "section".to_string(),
        s => format!("s-{s}"),
    };
    let mut id = base.clone();
    let mut n = 2;
    while !seen.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// Splits the body into logical lines. A line joins the one before it only when
/// that one was cut mid-sentence (hard-wrapped text): it does not end a sentence
/// and this one starts in lowercase.
fn units(body: &str, first_line: usize) -> Vec<Unit> {
    let mut units: Vec<Unit> = Vec::new();
    let mut previous_blank = true;
    for (offset, raw) in body.split('\n').enumerate() {
        let line = clean(raw);
        if line.is_empty() {
            previous_blank = true;
            continue;
        }
        let (kind, text) = match bullet(line) {
            Some((ordered, rest)) => (Kind::Bullet { ordered }, rest),
            None => (Kind::Text, line),
        };
        if text.is_empty() {
            previous_blank = false;
            continue;
        }
        if let Some(last) = units.last_mut() {
            let continues = !previous_blank
                && kind == Kind::Text
                && !ends_sentence(&last.text)
                && text.chars().next().is_some_and(char::is_lowercase);
            if continues {
                last.text.push(' ');
                last.text.push_str(text);
                continue;
            }
        }
        units.push(Unit {
            line: first_line + offset,
            kind,
            text: text.to_string(),
        });
        previous_blank = false;
    }
    units
}

/// Trims white space, no-break spaces included, and drops control characters.
fn clean(line: &str) -> &str {
    line.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || (c.is_control() && c != '\t'))
}

/// A bullet line: `•`, `▪`, `◦`, `-`, `*` or a number with `.` or `)`, then a space.
/// Returns whether the list is ordered, and the item's text.
fn bullet(line: &str) -> Option<(bool, &str)> {
    for marker in ['•', '▪', '◦', '‣', '●', '-', '*', '–'] {
        if let Some(rest) = line.strip_prefix(marker) {
            if rest.starts_with(|c: char| c.is_whitespace()) {
                return Some((false, clean(rest)));
            }
            if marker != '-' && marker != '*' && marker != '–' {
                // "•Text" without a space is still a bullet for the symbol markers.
                return Some((false, clean(rest)));
            }
        }
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &line[digits..];
        if let Some(rest) = rest.strip_prefix('.').or_else(|| rest.strip_prefix(')')) {
            if rest.starts_with(|c: char| c.is_whitespace()) {
                return Some((true, clean(rest)));
            }
        }
    }
    None
}

fn ends_sentence(text: &str) -> bool {
    let trimmed = text.trim_end_matches(['"', '\'', '’', '”', ')', ']']);
    trimmed.ends_with(['.', '!', '?', '…', ':', ';']) || trimmed.len() < text.len() && trimmed.ends_with(',')
}

/// A heading is a short standalone line with no sentence-ending punctuation,
/// followed by body text.
fn is_heading(units: &[Unit], index: usize) -> bool {
    let text = units[index].text.as_str();
    let words = text.split_whitespace().count();
    let followed_by_body = units[index + 1..]
        .iter()
        .any(|u| u.kind != Kind::Text || !looks_like_heading(&u.text));
    looks_like_heading(text) && words <= HEADING_MAX_WORDS && followed_by_body
}

fn looks_like_heading(text: &str) -> bool {
    let last = text.trim_end().chars().last();
    let starts_well = text
        .chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_numeric() || c == '"' || c == '“');
    starts_well
        && text.chars().count() <= HEADING_MAX_CHARS
        && text.split_whitespace().count() <= HEADING_MAX_WORDS
        && !matches!(last, Some('.' | '!' | '?' | '…' | ',' | ';' | ':'))
        && !text.ends_with(".\"")
        && !text.ends_with(".”")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(body: &str) -> Vec<String> {
        let parsed = parse(body, 1);
        parsed
            .blocks
            .iter()
            .map(|b| match b {
                Block::Heading { text, .. } => format!("H {text}"),
                Block::Paragraph { passage } => format!("P {}", parsed.passages[*passage].text),
                Block::List { ordered, passages } => format!(
                    "L{} {}",
                    if *ordered { "o" } else { "u" },
                    parsed.passages[passages.clone()]
                        .iter()
                        .map(|p| p.text.as_str())
                        .collect::<Vec<_>>()
                        .join(" | ")
                ),
                Block::Html { .. } => "HTML".into(),
            })
            .collect()
    }

    #[test]
    fn one_paragraph_per_line_with_headings() {
        let body = "India and Japan held talks.\nWay Forward\nMore cooperation is needed.\n";
        assert_eq!(
            shape(body),
            [
                "P India and Japan held talks.",
                "H Way Forward",
                "P More cooperation is needed."
            ]
        );
    }

    #[test]
    fn leading_heading_is_the_title() {
        let parsed = parse("Talks in Tokyo\n\nThe ministers met.\n", 1);
        assert_eq!(parsed.title.as_deref(), Some("Talks in Tokyo"));
        assert_eq!(parsed.passages.len(), 1);
    }

    #[test]
    fn bullets_of_every_kind_become_list_items() {
        let body = "  • First point.\u{a0}\n  • \u{a0}Second point.\n▪ Third.\n◦ Fourth.\n- Fifth.\n* Sixth.\n";
        assert_eq!(
            shape(body),
            ["Lu First point. | Second point. | Third. | Fourth. | Fifth. | Sixth."]
        );
        assert_eq!(shape("1. One.\n2) Two.\n"), ["Lo One. | Two."]);
    }

    #[test]
    fn short_line_at_the_end_or_with_a_full_stop_is_not_a_heading() {
        assert_eq!(shape("Body text here.\nThe end\n"), ["P Body text here.", "P The end"]);
        assert_eq!(shape("Way forward.\nBody.\n"), ["P Way forward.", "P Body."]);
    }

    #[test]
    fn hard_wrapped_lines_join_into_one_paragraph() {
        let body = "India and Japan agreed on the text of an\nagreement for resilient systems.\n\nNext paragraph.\n";
        assert_eq!(
            shape(body),
            [
                "P India and Japan agreed on the text of an agreement for resilient systems.",
                "P Next paragraph."
            ]
        );
    }

    #[test]
    fn numbers_that_are_not_list_markers_stay_text() {
        assert_eq!(
            shape("2019 was a busy year.\n2+2 talks followed.\n"),
            ["P 2019 was a busy year.", "P 2+2 talks followed."]
        );
    }

    #[test]
    fn ids_are_stable_when_a_passage_is_appended() {
        let before = parse("One.\nTwo.\n", 1);
        let after = parse("One.\nTwo.\nThree.\n", 1);
        assert_eq!(before.passages[..], after.passages[..2]);
        assert_eq!(after.passages[2].id, "p3");
    }

    #[test]
    fn passages_remember_their_line() {
        let parsed = parse("One.\n\n\nTwo.\n", 5);
        assert_eq!(parsed.passages.iter().map(|p| p.line).collect::<Vec<_>>(), [5, 8]);
    }
}
