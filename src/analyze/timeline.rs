//! Timeline: dated statements found in the passages, normalised against each
//! article's date, and merged when several articles report the same event.

use super::dates::PartialDate;
use super::facts::{ArticleFacts, Report};
use super::similarity::TermId;
use super::PassageRef;
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
pub fn build(facts: &[ArticleFacts]) -> Vec<Event> {
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
    let mut events = Vec::new();
    for (date, reports) in by_date {
        let mut clusters: Vec<(&[TermId], Event)> = Vec::new();
        for (at, report) in reports {
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
                    if event.citations.last() != Some(&at) {
                        event.citations.push(at);
                    }
                }
                None => clusters.push((
                    &report.terms,
                    Event {
                        date,
                        text: report.sentence.clone(),
                        citations: vec![at],
                        topics: Vec::new(),
                    },
                )),
            }
        }
        for (_, mut event) in clusters {
            let mut topics: Vec<usize> = event
                .citations
                .iter()
                .flat_map(|r| facts[r.article].passage_mentions[r.passage].iter().map(|m| m.topic))
                .collect();
            topics.sort_unstable();
            topics.dedup();
            event.topics = topics;
            events.push(event);
        }
    }
    events
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
