//! Timeline: dated statements found in the passages, normalised against each
//! article's date, and merged when several articles report the same event.

use super::dates::PartialDate;
use super::facts::{ArticleFacts, Report};
use super::similarity::TermId;
use super::PassageRef;
use crate::parse::Article;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
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

/// Merges the dated statements of every article into events.
pub fn build(articles: &[Article], facts: &[ArticleFacts]) -> Vec<Event> {
    // Group by date, then merge reports of one event: each report joins the
    // latest earlier event it overlaps enough, else starts its own.
    let mut by_date: BTreeMap<PartialDate, Vec<(PassageRef, &Report)>> = BTreeMap::new();
    for (article, facts) in facts.iter().enumerate() {
        for report in &facts.reports {
            let at = PassageRef {
                article,
                passage: report.passage,
            };
            by_date.entry(report.date).or_default().push((at, report));
        }
    }
    // Dates are independent: merged side by side, collected in date order.
    let by_date: Vec<(PartialDate, Vec<(PassageRef, &Report)>)> = by_date.into_iter().collect();
    let per_date: Vec<Vec<Event>> = by_date
        .into_par_iter()
        .map(|(date, reports)| events_of_date(articles, facts, date, reports))
        .collect();
    per_date.into_iter().flatten().collect()
}

/// The events of one date, from its reports in article order.
fn events_of_date(
    articles: &[Article],
    facts: &[ArticleFacts],
    date: PartialDate,
    reports: Vec<(PassageRef, &Report)>,
) -> Vec<Event> {
    let mut clusters: Vec<(&[TermId], Event)> = Vec::new();
    // A sentence repeated word for word (wire copy) joins the event its
    // first copy joined, unless an event that it also matches began
    // since: so only the events begun since are compared, which gives
    // what comparing them all gives. Term list → (its event, how many
    // events there were then).
    let mut joined_before: FxHashMap<&[TermId], (usize, usize)> = FxHashMap::default();
    for (at, report) in reports {
        let terms = report.terms.as_slice();
        // Only the most recent events of the date are compared: a date
        // reported thousands of times would otherwise make this quadratic.
        let recent = clusters.len().saturating_sub(MAX_COMPARED);
        let before = joined_before.get(terms).filter(|&&(event, _)| event >= recent);
        let from = before.map_or(recent, |&(_, then)| then);
        let found = (from..clusters.len())
            .rev()
            .find(|&c| same_event(clusters[c].0, terms))
            .or(before.map(|&(event, _)| event));
        if let Some(c) = found {
            joined_before.insert(terms, (c, clusters.len()));
        }
        match found.map(|c| &mut clusters[c]) {
            Some((_, event)) => {
                // Reports arrive in passage order: a repeat can only be the last.
                if event.citations.last() != Some(&at) {
                    event.citations.push(at);
                }
            }
            None => {
                if same_event(terms, terms) {
                    joined_before.insert(terms, (clusters.len(), clusters.len() + 1));
                }
                clusters.push((
                    terms,
                    Event {
                        date,
                        text: sentence_of(articles, at, report),
                        citations: vec![at],
                        topics: Vec::new(),
                    },
                ));
            }
        }
    }
    clusters
        .into_iter()
        .map(|(_, mut event)| {
            let mut topics: Vec<usize> = event
                .citations
                .iter()
                .flat_map(|r| facts[r.article].passage_mentions[r.passage].iter().map(|m| m.topic))
                .collect();
            topics.sort_unstable();
            topics.dedup();
            event.topics = topics;
            event
        })
        .collect()
}

/// The sentence a report was made from.
fn sentence_of(articles: &[Article], at: PassageRef, report: &Report) -> String {
    let text = articles
        .get(at.article)
        .and_then(|a| a.passages().get(at.passage))
        .map_or("", |p| p.text.as_str());
    text.get(report.sentence.clone()).unwrap_or_default().to_string()
}

fn same_event(a: &[TermId], b: &[TermId]) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// One article per report, each a passage reporting `terms` on one date.
    fn facts(reports: &[&[TermId]]) -> Vec<ArticleFacts> {
        let date = PartialDate {
            year: 2020,
            month: Some(10),
            day: Some(7),
        };
        reports
            .iter()
            .enumerate()
            .map(|(n, terms)| ArticleFacts {
                passage_mentions: vec![Vec::new()],
                term_counts: vec![Vec::new()],
                definitions: Vec::new(),
                reports: vec![Report {
                    date,
                    passage: 0,
                    sentence: 0..n,
                    terms: terms.to_vec(),
                }],
            })
            .collect()
    }

    fn citing_articles(events: &[Event]) -> Vec<Vec<usize>> {
        events
            .iter()
            .map(|e| e.citations.iter().map(|r| r.article).collect())
            .collect()
    }

    #[test]
    fn a_repeated_sentence_joins_the_latest_event_it_matches() {
        let (w, t, v): (&[TermId], &[TermId], &[TermId]) =
            (&[1, 2, 3, 20, 21, 22], &[1, 2, 3, 4, 5, 6], &[4, 5, 6, 30, 31, 32]);
        // `t` joins `w`'s event; `v` shares nothing with `w`, so starts one;
        // `t` again matches both, and joins the later: `v`'s.
        let events = build(&[], &facts(&[w, t, v, t]));
        assert_eq!(citing_articles(&events), [vec![0, 1], vec![2, 3]]);
        // Without an event begun since, a repeat joins its first copy's.
        let events = build(&[], &facts(&[w, t, &[40, 41, 42], t]));
        assert_eq!(citing_articles(&events), [vec![0, 1, 3], vec![2]]);
        // Too short to match even itself: every copy is its own event.
        let events = build(&[], &facts(&[&[7, 8], &[7, 8]]));
        assert_eq!(citing_articles(&events), [vec![0], vec![1]]);
    }
}
