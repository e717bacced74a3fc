//! Glossary: acronym definitions from every passage, merged into one term per
//! short form (typographic variants of a long form are one term), each citing
//! the passages that define it. Also lists acronyms used but never defined.

use super::acronyms::{find_acronyms, term_key};
use super::facts::ArticleFacts;
use super::matcher::Matcher;
use crate::parse::Article;
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
}

impl Glossary {
    /// Merges the definitions found in each article into one term per short form.
    pub fn build(facts: &[ArticleFacts], matcher: &Matcher) -> Glossary {
        // short → long-form key → (variants written, with counts; citations)
        let mut defined: BTreeMap<String, BTreeMap<String, Variants>> = BTreeMap::new();
        for (article, facts) in facts.iter().enumerate() {
            for (anchor, definitions) in &facts.definitions {
                let at = Citation {
                    article,
                    anchor: anchor.clone(),
                };
                for (short, long) in definitions {
                    let entry = defined
                        .entry(short.clone())
                        .or_default()
                        .entry(term_key(long))
                        .or_default();
                    *entry.0.entry(long.clone()).or_default() += 1;
                    // Citations arrive in order, so a repeat can only be the last one.
                    if entry.1.last() != Some(&at) {
                        entry.1.push(at.clone());
                    }
                }
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

        Glossary { terms }
    }

    fn is_defined(&self, short: &str) -> bool {
        self.terms.iter().any(|t| t.short == short)
    }
}

/// Acronyms used in the passages but defined nowhere, for `check`: not part
/// of a build, which has no use for them.
pub fn undefined_acronyms(articles: &[Article], glossary: &Glossary) -> Vec<Undefined> {
    let found: Vec<Vec<(String, Citation)>> = articles
        .par_iter()
        .enumerate()
        .map(|(a, article)| {
            article
                .passages()
                .iter()
                .flat_map(|p| {
                    find_acronyms(&p.text).into_iter().map(move |(_, short)| {
                        (
                            short.to_string(),
                            Citation {
                                article: a,
                                anchor: p.id.clone(),
                            },
                        )
                    })
                })
                .collect()
        })
        .collect();
    let mut used: BTreeMap<String, (usize, Citation)> = BTreeMap::new();
    for (short, at) in found.into_iter().flatten() {
        if !glossary.is_defined(&short) {
            used.entry(short).or_insert((0, at)).0 += 1;
        }
    }
    used.into_iter()
        .map(|(short, (uses, first))| Undefined { short, uses, first })
        .collect()
}

/// The topic of which `text` as a whole is an alias.
fn whole_alias(matcher: &Matcher, text: &str) -> Option<usize> {
    let mentions = matcher.find(text);
    match mentions.as_slice() {
        [m] if m.start == 0 && m.end == text.len() => Some(m.topic),
        _ => None,
    }
}
