//! Timeline: dated statements found in the passages, normalised against each
//! article's date, and merged when several articles report the same event.

use super::dates::{find_dates, PartialDate};
use super::similarity::{StemCache, Vectorizer};
use super::PassageRef;
use crate::parse::Article;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// One event on the timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub date: PartialDate,
    /// The sentence that reports it, from its first report.
    pub text: String,
    /// Every passage reporting it, in article order; several articles means
    /// several sources confirm it.
    pub citations: Vec<PassageRef>,
    /// Topics of the citing passages, sorted.
    pub topics: Vec<usize>,
}

/// Two reports of one date are one event when this share of the shorter
/// sentence's content words appear in the other (and at least `MIN_SHARED`).
const SAME_EVENT_OVERLAP: f32 = 0.3;
const MIN_SHARED: usize = 3;
/// A report is compared with at most this many events of its date.
const MAX_COMPARED: usize = 256;

struct Report {
    date: PartialDate,
    sentence: String,
    at: PassageRef,
    terms: Vec<u64>,
}

pub fn build(articles: &[Article], passage_topics: &[Vec<Vec<usize>>], vectorizer: &Vectorizer) -> Vec<Event> {
    let per_article: Vec<Vec<Report>> = articles
        .par_iter()
        .enumerate()
        .map_init(StemCache::default, |cache, (a, article)| {
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
                        at: PassageRef { article: a, passage: p },
                        terms,
                    });
                }
            }
            reports
        })
        .collect();

    // Group by date, then merge reports of one event: each report joins the
    // latest earlier event it overlaps enough, else starts its own.
    let mut by_date: BTreeMap<PartialDate, Vec<Report>> = BTreeMap::new();
    for report in per_article.into_iter().flatten() {
        by_date.entry(report.date).or_default().push(report);
    }
    let mut events = Vec::new();
    for (date, reports) in by_date {
        let mut clusters: Vec<(Vec<u64>, Event)> = Vec::new();
        for report in reports {
            // Only the most recent events of the date are compared: a date
            // reported thousands of times would otherwise make this quadratic.
            let recent = clusters.len().saturating_sub(MAX_COMPARED);
            let joined = clusters[recent..]
                .iter_mut()
                .rev()
                .find(|(terms, _)| same_event(terms, &report.terms));
            match joined {
                Some((_, event)) => {
                    // Reports arrive in passage order: a repeat can only be the last.
                    if event.citations.last() != Some(&report.at) {
                        event.citations.push(report.at);
                    }
                }
                None => clusters.push((
                    report.terms,
                    Event {
                        date,
                        text: report.sentence,
                        citations: vec![report.at],
                        topics: Vec::new(),
                    },
                )),
            }
        }
        for (_, mut event) in clusters {
            let mut topics: Vec<usize> = event
                .citations
                .iter()
                .flat_map(|r| passage_topics[r.article][r.passage].iter().copied())
                .collect();
            topics.sort_unstable();
            topics.dedup();
            event.topics = topics;
            events.push(event);
        }
    }
    events
}

fn same_event(a: &[u64], b: &[u64]) -> bool {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let shorter = a.len().min(b.len()).max(1);
    shared >= MIN_SHARED && shared as f32 / shorter as f32 >= SAME_EVENT_OVERLAP
}
