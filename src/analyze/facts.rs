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

/// One article's facts. Passage indices are the article's own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub date: PartialDate,
    pub sentence: String,
    pub passage: usize,
    /// The sentence's content-word terms, sorted, without repeats.
    pub terms: Vec<TermId>,
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
            let sentence = text[range.clone()].to_string();
            let mut terms = vectorizer.terms_cached(&sentence, cache);
            terms.sort_unstable();
            terms.dedup();
            reports.push(Report {
                date: mention.date,
                sentence,
                passage: p,
                terms,
            });
        }
    }
    reports
}
