//! Finds topic aliases in text: every alias of every topic in one pass
//! (aho-corasick), on word boundaries, acronyms case-sensitive, phrases
//! insensitive to case, typographic quotes, dashes and spacing.

use crate::config::Topic;
use crate::text::{fold, is_word_char};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};

/// One alias found in a text: a byte range of the original text and its topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub topic: usize,
}

struct Pattern {
    topic: usize,
    /// Acronyms (MoC, SCRI, I-JDP, 5G, 2+2) must match exactly.
    case_sensitive: bool,
    folded: String,
}

/// All topics' aliases compiled into one automaton.
pub struct Matcher {
    automaton: AhoCorasick,
    patterns: Vec<Pattern>,
}

impl Matcher {
    pub fn new(topics: &[Topic]) -> anyhow::Result<Matcher> {
        let mut patterns = Vec::new();
        for (topic, t) in topics.iter().enumerate() {
            for alias in &t.aliases {
                let folded = fold(alias.trim()).text.into_owned();
                if folded.is_empty() {
                    continue;
                }
                patterns.push(Pattern {
                    topic,
                    case_sensitive: is_acronym(&folded),
                    folded,
                });
            }
        }
        // Overlapping search over ASCII-case-folded text: case-sensitive aliases
        // are checked afterwards, so one pass serves both kinds. A DFA when it fits:
        // left to choose, aho-corasick takes an NFA past a few hundred patterns,
        // and with 1,000 topics (5,000 aliases) that search was 15% of a build
        // (8% as a DFA).
        let mut builder = AhoCorasickBuilder::new();
        builder.match_kind(MatchKind::Standard).ascii_case_insensitive(true);
        let folded = || patterns.iter().map(|p| p.folded.as_str());
        // A DFA past its size limit is an error: then whatever it picks.
        let automaton = match builder.kind(Some(AhoCorasickKind::DFA)).build(folded()) {
            Ok(dfa) => dfa,
            Err(_) => builder.kind(None).build(folded())?,
        };
        Ok(Matcher { automaton, patterns })
    }

    /// Non-overlapping mentions in `text`, leftmost first and longest at each place.
    pub fn find(&self, text: &str) -> Vec<Mention> {
        if self.patterns.is_empty() {
            return Vec::new();
        }
        let folded = fold(text);
        let haystack: &str = &folded.text;
        let mut candidates: Vec<(usize, usize, usize)> = Vec::new();
        for m in self.automaton.find_overlapping_iter(haystack) {
            let pattern = &self.patterns[m.pattern().as_usize()];
            let (start, end) = (m.start(), m.end());
            if pattern.case_sensitive && haystack[start..end] != pattern.folded {
                continue;
            }
            if !on_word_boundaries(haystack, start, end) {
                continue;
            }
            candidates.push((start, end, pattern.topic));
        }
        candidates.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        let mut mentions = Vec::with_capacity(candidates.len());
        let mut covered = 0;
        for (start, end, topic) in candidates {
            if start < covered {
                continue;
            }
            covered = end;
            mentions.push(Mention {
                start: folded.original_offset(start),
                end: folded.original_offset(end),
                topic,
            });
        }
        mentions
    }

    /// The topics mentioned in `text`, sorted, each once.
    pub fn topics_in(&self, text: &str) -> Vec<usize> {
        topics_of(&self.find(text))
    }
}

/// The topics of some mentions, sorted, each once.
pub fn topics_of(mentions: &[Mention]) -> Vec<usize> {
    let mut topics: Vec<usize> = mentions.iter().map(|m| m.topic).collect();
    topics.sort_unstable();
    topics.dedup();
    topics
}

/// An alias is an acronym, matched case-sensitively, when it is one token with
/// two or more capitals or a digit (MoC, IoT, SCRI, I-JDP, 5G); anything else
/// ("Memorandum of Cooperation", "Quad") is a phrase matched in any case.
pub fn is_acronym(alias: &str) -> bool {
    !alias.contains(' ')
        && (alias.chars().filter(|c| c.is_uppercase()).count() >= 2 || alias.chars().any(|c| c.is_ascii_digit()))
}

/// True when the match neither starts nor ends inside a word. An alias that
/// begins or ends with punctuation ("2+2", "U.S.") needs no boundary there.
pub fn on_word_boundaries(haystack: &str, start: usize, end: usize) -> bool {
    let matched = &haystack[start..end];
    let first = matched.chars().next().is_some_and(is_word_char);
    let last = matched.chars().next_back().is_some_and(is_word_char);
    let before = haystack[..start].chars().next_back().is_some_and(is_word_char);
    let after = haystack[end..].chars().next().is_some_and(is_word_char);
    !(first && before || last && after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn topics() -> Vec<Topic> {
        let topic = |slug: &str, aliases: &[&str]| Topic {
            slug: slug.into(),
            title: slug.into(),
            summary: String::new(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
        };
        vec![
            topic(
                "cyber-moc",
                &["Memorandum of Cooperation", "MoC", "cybersecurity", "5G"],
            ),
            topic("ipoi", &["Indo-Pacific Oceans' Initiative", "IPOI"]),
            topic("quad", &["Quad", "Quadrilateral Security Dialogue"]),
            topic("digital", &["India-Japan Digital Partnership", "I-JDP"]),
        ]
    }

    fn found(text: &str) -> Vec<(String, usize)> {
        let matcher = Matcher::new(&topics()).unwrap_or_else(|e| panic!("{e}"));
        matcher
            .find(text)
            .into_iter()
            .map(|m| (text[m.start..m.end].to_string(), m.topic))
            .collect()
    }

    #[test]
    fn acronyms_are_case_sensitive_phrases_are_not() {
        assert_eq!(found("a MoC and a moc"), [("MoC".to_string(), 0)]);
        assert_eq!(
            found("MEMORANDUM OF COOPERATION"),
            [("MEMORANDUM OF COOPERATION".to_string(), 0)]
        );
        assert_eq!(
            found("the QUAD and the quad"),
            [("QUAD".to_string(), 2), ("quad".to_string(), 2)]
        );
    }

    #[test]
    fn word_boundaries_are_respected() {
        assert!(found("MoCs IPOIx xIPOI 5GHz").is_empty());
        assert_eq!(found("(IPOI)."), [("IPOI".to_string(), 1)]);
        assert_eq!(found("5G-ready"), [("5G".to_string(), 0)]);
    }

    #[test]
    fn typography_is_folded_and_offsets_point_into_the_original() {
        let text = "the Indo-Pacific Oceans\u{2019} Initiative (IPOI)";
        assert_eq!(found(text)[0].0, "Indo-Pacific Oceans\u{2019} Initiative");
        assert_eq!(found("Indo\u{2013}Pacific\u{a0}Oceans' Initiative")[0].1, 1);
        assert_eq!(
            found("the \u{201C}India-Japan Digital Partnership\u{201D} (I-JDP)").len(),
            2
        );
    }

    #[test]
    fn longest_match_wins_and_trap_phrases_stay_out() {
        assert_eq!(
            found("Quadrilateral Security Dialogue"),
            [("Quadrilateral Security Dialogue".to_string(), 2)]
        );
        assert!(found("Cyber Defence Unit and cyber security").is_empty());
    }

    #[test]
    fn acronym_rule() {
        assert!(is_acronym("MoC") && is_acronym("I-JDP") && is_acronym("5G") && is_acronym("2+2"));
        assert!(!is_acronym("Quad") && !is_acronym("cybersecurity") && !is_acronym("Supply Chain"));
    }
}
