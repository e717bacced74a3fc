//! What analysis learns from one article on its own, before any article is
//! compared with another. Computed in parallel, one article at a time, and
//! kept by the build cache (`crate::cache`), so a rebuild reads again only the
//! articles that are new or changed; `analyze` then combines the facts of all.

use super::acronyms::find_definitions;
use super::dates::{find_dates, PartialDate};
use super::matcher::{Matcher, Mention};
use super::similarity::{counts, StemCache, TermId, Vectorizer};
use crate::parse::{Article, Block};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// One article's facts. Passage indices are the article's own.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "DecodedFacts")]
pub struct ArticleFacts {
    /// Where each passage names a topic (its topics follow, `topics_of`):
    /// kept so that pages, which show a passage on its article and on each of
    /// its topics, link the mentions without searching the text again (that
    /// search was 8% of a build).
    pub passage_mentions: Vec<Vec<Mention>>,
    /// Content-word term counts of each passage, sorted by term: the TF of TF-IDF.
    pub term_counts: Vec<Vec<(TermId, u32)>>,
    /// Acronym definitions (short, long) in each heading or passage that has
    /// any candidate, by anchor id, in reading order.
    pub definitions: Vec<(String, Vec<(String, String)>)>,
    /// Dated statements, in passage order: what the timeline is made of.
    pub reports: Vec<Report>,
}

/// A sentence that mentions a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub date: PartialDate,
    pub passage: usize,
    /// The sentence: a byte range of the passage's text (a copy would double
    /// the text the build cache stores).
    pub sentence: Range<usize>,
    /// The sentence's content-word terms, sorted, without repeats.
    pub terms: Vec<TermId>,
}

/// `ArticleFacts` as the build cache stores it: the same fields, with each
/// report in its stored form.
#[derive(Serialize, Deserialize)]
struct StoredFacts<Mentions, Counts, Definitions, Reports> {
    passage_mentions: Mentions,
    term_counts: Counts,
    definitions: Definitions,
    reports: Reports,
}

/// A report as the build cache stores it. A term is a 32-bit hash, five
/// bytes encoded, and every term of a sentence is a term of its passage: so a
/// term is stored as its index in the passage's term counts (one byte), and
/// only a term missing there (none, as the vectorizer works) as the count of
/// those terms plus the term. Reports were a quarter of the cache before.
#[derive(Serialize, Deserialize)]
struct StoredReport {
    date: PartialDate,
    passage: usize,
    sentence: Range<usize>,
    terms: Vec<u64>,
}

impl StoredReport {
    fn new(report: &Report, term_counts: &[Vec<(TermId, u32)>]) -> StoredReport {
        let counts = term_counts.get(report.passage).map_or(&[][..], Vec::as_slice);
        let terms = report
            .terms
            .iter()
            .map(|&term| match counts.binary_search_by_key(&term, |&(t, _)| t) {
                Ok(index) => index as u64,
                Err(_) => counts.len() as u64 + u64::from(term),
            })
            .collect();
        StoredReport {
            date: report.date,
            passage: report.passage,
            sentence: report.sentence.clone(),
            terms,
        }
    }

    fn report(self, term_counts: &[Vec<(TermId, u32)>]) -> Report {
        let counts = term_counts.get(self.passage).map_or(&[][..], Vec::as_slice);
        let terms = self
            .terms
            .into_iter()
            .map(|stored| match counts.get(stored as usize) {
                Some(&(term, _)) => term,
                // Out of the passage's terms: the term itself follows the count.
                None => (stored - counts.len() as u64) as TermId,
            })
            .collect();
        Report {
            date: self.date,
            passage: self.passage,
            sentence: self.sentence,
            terms,
        }
    }
}

/// The stored form as decoded, owning its parts.
type DecodedFacts =
    StoredFacts<Vec<Vec<Mention>>, Vec<Vec<(TermId, u32)>>, Vec<(String, Vec<(String, String)>)>, Vec<StoredReport>>;

impl From<DecodedFacts> for ArticleFacts {
    fn from(stored: DecodedFacts) -> ArticleFacts {
        let reports = stored
            .reports
            .into_iter()
            .map(|r| r.report(&stored.term_counts))
            .collect();
        ArticleFacts {
            passage_mentions: stored.passage_mentions,
            term_counts: stored.term_counts,
            definitions: stored.definitions,
            reports,
        }
    }
}

/// An article's facts borrowed in two parts, encoded exactly as
/// `ArticleFacts` is: the passage mentions live apart from the rest once
/// loaded (`Loaded::mentions`), and the build cache is saved while pages read them.
#[derive(Debug, Clone, Copy)]
pub struct FactsRef<'a> {
    pub passage_mentions: &'a [Vec<Mention>],
    pub term_counts: &'a [Vec<(TermId, u32)>],
    pub definitions: &'a [(String, Vec<(String, String)>)],
    pub reports: &'a [Report],
}

impl<'a> FactsRef<'a> {
    /// `facts` with `mentions` in place of its own `passage_mentions`.
    pub fn new(facts: &'a ArticleFacts, mentions: &'a [Vec<Mention>]) -> FactsRef<'a> {
        FactsRef {
            passage_mentions: mentions,
            term_counts: &facts.term_counts,
            definitions: &facts.definitions,
            reports: &facts.reports,
        }
    }
}

/// The stored form, which `ArticleFacts` decodes from.
impl Serialize for FactsRef<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let reports: Vec<StoredReport> = self
            .reports
            .iter()
            .map(|r| StoredReport::new(r, self.term_counts))
            .collect();
        StoredFacts {
            passage_mentions: self.passage_mentions,
            term_counts: self.term_counts,
            definitions: self.definitions,
            reports,
        }
        .serialize(serializer)
    }
}

impl Serialize for ArticleFacts {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        FactsRef::new(self, &self.passage_mentions).serialize(serializer)
    }
}

/// Reads one article for everything `analyze` needs from it.
pub fn article_facts(
    article: &Article,
    matcher: &Matcher,
    vectorizer: &Vectorizer,
    cache: &mut StemCache,
) -> ArticleFacts {
    ArticleFacts {
        passage_mentions: article.passages.iter().map(|p| matcher.find(&p.text)).collect(),
        term_counts: article
            .passages
            .iter()
            .map(|p| counts(vectorizer.terms_cached(&p.text, cache)))
            .collect(),
        definitions: definitions(article),
        reports: reports(article, vectorizer, cache),
    }
}

fn definitions(article: &Article) -> Vec<(String, Vec<(String, String)>)> {
    // Headings are read for definitions too ("Indo-Pacific Oceans Initiative
    // (IPOI) – India's contribution"), not for uses.
    let headings = article.blocks.iter().filter_map(|b| match b {
        Block::Heading { id, text, .. } => Some((id.as_str(), text.as_str())),
        _ => None,
    });
    let passages = article.passages.iter().map(|p| (p.id.as_str(), p.text.as_str()));
    headings
        .chain(passages)
        .filter(|(_, text)| text.contains('('))
        .map(|(anchor, text)| {
            let found = find_definitions(text).into_iter().map(|d| (d.short, d.long)).collect();
            (anchor.to_string(), found)
        })
        .collect()
}

fn reports(article: &Article, vectorizer: &Vectorizer, cache: &mut StemCache) -> Vec<Report> {
    let mut reports = Vec::new();
    for (p, passage) in article.passages.iter().enumerate() {
        let text = &passage.text;
        let mentions = find_dates(text, article.date);
        if mentions.is_empty() {
            continue;
        }
        let sentences = crate::text::sentences(text);
        let mut seen = Vec::new();
        for mention in mentions {
            let Some(range) = sentences
                .iter()
                .find(|s| s.start <= mention.start && mention.start < s.end)
            else {
                continue;
            };
            // One report per date per sentence.
            if seen.contains(&(mention.date, range.start)) {
                continue;
            }
            seen.push((mention.date, range.start));
            let mut terms = vectorizer.terms_cached(&text[range.clone()], cache);
            terms.sort_unstable();
            terms.dedup();
            reports.push(Report {
                date: mention.date,
                passage: p,
                sentence: range.clone(),
                terms,
            });
        }
    }
    reports
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_report_decodes_to_itself_with_its_terms_as_passage_indices() -> anyhow::Result<()> {
        let date = PartialDate {
            year: 2020,
            month: Some(10),
            day: Some(7),
        };
        let report = |passage, terms: &[TermId]| Report {
            date,
            passage,
            sentence: 4..30,
            terms: terms.to_vec(),
        };
        let facts = ArticleFacts {
            passage_mentions: vec![Vec::new(), Vec::new()],
            term_counts: vec![vec![(7, 1), (3_000_000_000, 2)], vec![(9, 1)]],
            definitions: Vec::new(),
            // The last two terms are not among their passage's terms.
            reports: vec![
                report(0, &[7, 3_000_000_000]),
                report(1, &[9, u32::MAX]),
                report(5, &[1]),
            ],
        };
        let bytes = postcard::to_stdvec(&facts)?;
        assert_eq!(postcard::from_bytes::<ArticleFacts>(&bytes)?, facts);
        let first = postcard::to_stdvec(&StoredReport::new(&facts.reports[0], &facts.term_counts))?;
        assert_eq!(&first[first.len() - 3..], [2, 0, 1], "two terms, by index");
        Ok(())
    }
}
