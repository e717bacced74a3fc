//! Glossary: acronym definitions from every passage, merged into one term per
//! short form (typographic variants of a long form are one term), each citing
//! the passages that define it. Also lists acronyms used but never defined.

use super::acronyms::{find_acronyms, find_definitions, term_key};
use super::matcher::Matcher;
use crate::parse::{Article, Block};
use rayon::prelude::*;
use std::collections::BTreeMap;

/// One glossary entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub short: String,
    /// The expansion, as most often written.
    pub long: String,
    /// Where it is defined, in article order: a passage, or a heading (whose
    /// anchor id is given, as headings are not passages).
    pub citations: Vec<Citation>,
    /// The topic whose alias this acronym (or its expansion) is.
    pub topic: Option<usize>,
}

/// How one long form was written (each spelling, counted) and where it is defined.
type Variants = (BTreeMap<String, usize>, Vec<Citation>);

/// A place on an article page: the article and the anchor id there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Citation {
    pub article: usize,
    pub anchor: String,
}

/// An acronym that appears but is never defined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undefined {
    pub short: String,
    pub uses: usize,
    pub first: Citation,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Glossary {
    /// Sorted by short form, ignoring case.
    pub terms: Vec<Term>,
    pub undefined: Vec<Undefined>,
}

impl Glossary {
    pub fn build(articles: &[Article], matcher: &Matcher) -> Glossary {
        // (definitions, acronyms) of each passage, computed in parallel, merged in order.
        type Found = Vec<(Citation, Vec<(String, String)>, Vec<String>)>;
        let found: Vec<Found> = articles
            .par_iter()
            .enumerate()
            .map(|(a, article)| {
                // Headings are read for definitions too ("Indo-Pacific Oceans
                // Initiative (IPOI) – India's contribution"), not for uses.
                let headings = article.blocks.iter().filter_map(|b| match b {
                    Block::Heading { id, text, .. } => Some((id.as_str(), text.as_str(), false)),
                    _ => None,
                });
                let passages = article.passages.iter().map(|p| (p.id.as_str(), p.text.as_str(), true));
                headings
                    .chain(passages)
                    .map(|(anchor, text, is_passage)| {
                        let definitions = find_definitions(text).into_iter().map(|d| (d.short, d.long)).collect();
                        let acronyms = if is_passage {
                            find_acronyms(text).into_iter().map(|(_, s)| s.to_string()).collect()
                        } else {
                            Vec::new()
                        };
                        (
                            Citation {
                                article: a,
                                anchor: anchor.to_string(),
                            },
                            definitions,
                            acronyms,
                        )
                    })
                    .collect()
            })
            .collect();

        // short → long-form key → (variants written, with counts; citations)
        let mut defined: BTreeMap<String, BTreeMap<String, Variants>> = BTreeMap::new();
        let mut used: BTreeMap<String, (usize, Citation)> = BTreeMap::new();
        for (at, definitions, acronyms) in found.iter().flatten() {
            for (short, long) in definitions {
                let entry = defined
                    .entry(short.clone())
                    .or_default()
                    .entry(term_key(long))
                    .or_default();
                *entry.0.entry(long.clone()).or_default() += 1;
                if !entry.1.contains(at) {
                    entry.1.push(at.clone());
                }
            }
            for short in acronyms {
                used.entry(short.clone()).or_insert_with(|| (0, at.clone())).0 += 1;
            }
        }

        let mut terms: Vec<Term> = defined
            .into_iter()
            .map(|(short, longs)| {
                // One short form defined two ways: the most cited expansion wins.
                let (variants, citations) = longs
                    .into_values()
                    .max_by(|a, b| a.1.len().cmp(&b.1.len()).then_with(|| b.0.keys().cmp(a.0.keys())))
                    .unwrap_or_default();
                let long = variants
                    .iter()
                    .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
                    .map(|(v, _)| v.clone())
                    .unwrap_or_default();
                let topic = whole_alias(matcher, &short).or_else(|| whole_alias(matcher, &long));
                Term {
                    short,
                    long,
                    citations,
                    topic,
                }
            })
            .collect();
        terms.sort_by(|a, b| {
            a.short
                .to_lowercase()
                .cmp(&b.short.to_lowercase())
                .then_with(|| a.short.cmp(&b.short))
        });

        let undefined = used
            .into_iter()
            .filter(|(short, _)| {
                terms
                    .binary_search_by(|t| {
                        t.short
                            .to_lowercase()
                            .cmp(&short.to_lowercase())
                            .then_with(|| t.short.cmp(short))
                    })
                    .is_err()
            })
            .map(|(short, (uses, first))| Undefined { short, uses, first })
            .collect();
        Glossary { terms, undefined }
    }
}

/// The topic of which `text` as a whole is an alias.
fn whole_alias(matcher: &Matcher, text: &str) -> Option<usize> {
    let mentions = matcher.find(text);
    match mentions.as_slice() {
        [m] if m.start == 0 && m.end == text.len() => Some(m.topic),
        _ => None,
    }
}
