//! Timeline: dated statements found in the passages, normalised against each
//! article's date, and merged when several articles report the same event.

use super::dates::PartialDate;
use super::facts::{ArticleFacts, Report};
use super::similarity::TermId;
use super::PassageRef;
use crate::parse::Article;
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use xxhash_rust::xxh3::Xxh3;

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

/// How a build merged each date's reports into events, keyed by what they
/// were merged from (`date_key`), for the next build: merging compares each
/// report with up to `MAX_COMPARED` events of its date, and was a fifth of
/// the CPU time of adding one article to 10,000, most of it for dates the new
/// article does not report. A rebuild merges again only the dates whose
/// reports changed, and takes the rest from here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Merged {
    /// Sorted by key.
    dates: Vec<DateMerged>,
}

/// One event as merged: its sentence, and its reports by their place in its
/// date's list of reports (so the event does not depend on where the
/// articles stand in this build's list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct MergedEvent {
    text: String,
    reports: Vec<u32>,
}

impl Merged {
    fn get(&self, key: u128) -> Option<&[MergedEvent]> {
        let at = self.dates.binary_search_by_key(&key, |(k, _)| *k).ok()?;
        Some(&self.dates[at].1)
    }

    /// Whether both hold the same dates (and so the same events).
    pub fn same_dates(&self, other: &Merged) -> bool {
        self.dates.len() == other.dates.len() && self.dates.iter().zip(&other.dates).all(|(a, b)| a.0 == b.0)
    }
}

/// A date's reports: where each stands, the report, and its place among
/// its article's reports.
type DateReports<'a> = Vec<(PassageRef, &'a Report, u32)>;

/// A date's events as merged, under its key (`date_key`).
type DateMerged = (u128, Vec<MergedEvent>);

/// Merges the dated statements of every article into events. `keys` are the
/// articles' source keys (same index), which with the settings the cache
/// checks determine their facts and text; `previous` is what an earlier
/// build merged, returned updated.
pub fn build(articles: &[Article], facts: &[ArticleFacts], keys: &[u128], previous: &Merged) -> (Vec<Event>, Merged) {
    // Group by date, then merge reports of one event: each report joins the
    // latest earlier event it overlaps enough, else starts its own.
    let mut by_date: BTreeMap<PartialDate, DateReports> = BTreeMap::new();
    for (article, facts) in facts.iter().enumerate() {
        for (n, report) in facts.reports.iter().enumerate() {
            let at = PassageRef {
                article,
                passage: report.passage,
            };
            by_date.entry(report.date).or_default().push((at, report, n as u32));
        }
    }
    // Dates are independent: merged side by side, collected in date order.
    let by_date: Vec<(PartialDate, DateReports)> = by_date.into_iter().collect();
    let per_date: Vec<(Vec<Event>, DateMerged)> = by_date
        .into_par_iter()
        .map(|(date, reports)| {
            let key = date_key(date, &reports, keys);
            // An event naming a report the date does not have could come
            // only from a damaged cache: merged again.
            let merged = match previous.get(key) {
                Some(merged)
                    if merged
                        .iter()
                        .flat_map(|e| &e.reports)
                        .all(|&r| (r as usize) < reports.len()) =>
                {
                    merged.to_vec()
                }
                _ => merge_date(articles, &reports),
            };
            (events_of_date(facts, date, &reports, &merged), (key, merged))
        })
        .collect();
    let mut events = Vec::new();
    let mut dates = Vec::with_capacity(per_date.len());
    for (date_events, merged) in per_date {
        events.extend(date_events);
        dates.push(merged);
    }
    dates.sort_unstable_by_key(|(k, _)| *k);
    (events, Merged { dates })
}

/// What a date's events are made from: the date, and each of its reports
/// by its article's source key and its place among that article's reports.
fn date_key(date: PartialDate, reports: &DateReports, keys: &[u128]) -> u128 {
    let mut hasher = Xxh3::new();
    hasher.update(&date.year.to_le_bytes());
    hasher.update(&[date.month.unwrap_or(u8::MAX), date.day.unwrap_or(u8::MAX)]);
    for &(at, _, n) in reports {
        // Every article has a key in a build; a missing one (a test's
        // articles) is keyed by its place.
        let key = keys.get(at.article).copied().unwrap_or(at.article as u128);
        hasher.update(&key.to_le_bytes());
        hasher.update(&n.to_le_bytes());
    }
    hasher.digest128()
}

/// The events of one date, from its reports in article order.
fn merge_date(articles: &[Article], reports: &DateReports) -> Vec<MergedEvent> {
    let mut clusters: Vec<(&[TermId], MergedEvent)> = Vec::new();
    // A sentence repeated word for word (wire copy) joins the event its
    // first copy joined, unless an event that it also matches began
    // since: so only the events begun since are compared, which gives
    // what comparing them all gives. Term list → (its event, how many
    // events there were then).
    let mut joined_before: FxHashMap<&[TermId], (usize, usize)> = FxHashMap::default();
    for (place, &(at, report, _)) in reports.iter().enumerate() {
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
        // Reports of one date are far fewer than 2³².
        let place = place as u32;
        match found.map(|c| &mut clusters[c]) {
            Some((_, event)) => {
                // Reports arrive in passage order: a repeat can only be the last.
                let last = event.reports.last().map(|&r| reports[r as usize].0);
                if last != Some(at) {
                    event.reports.push(place);
                }
            }
            None => {
                if same_event(terms, terms) {
                    joined_before.insert(terms, (clusters.len(), clusters.len() + 1));
                }
                clusters.push((
                    terms,
                    MergedEvent {
                        text: sentence_of(articles, at, report),
                        reports: vec![place],
                    },
                ));
            }
        }
    }
    clusters.into_iter().map(|(_, event)| event).collect()
}

/// A date's events from how they were merged: each cites the passages of its
/// reports, and takes their topics.
fn events_of_date(
    facts: &[ArticleFacts],
    date: PartialDate,
    reports: &DateReports,
    merged: &[MergedEvent],
) -> Vec<Event> {
    merged
        .iter()
        .map(|event| {
            let citations: Vec<PassageRef> = event.reports.iter().map(|&r| reports[r as usize].0).collect();
            let mut topics: Vec<usize> = citations
                .iter()
                .flat_map(|r| facts[r.article].passage_mentions[r.passage].iter().map(|m| m.topic))
                .collect();
            topics.sort_unstable();
            topics.dedup();
            Event {
                date,
                text: event.text.clone(),
                citations,
                topics,
            }
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
                term_counts: [Vec::new()].into_iter().collect(),
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

    /// Events merged afresh.
    fn merge(facts: &[ArticleFacts]) -> Vec<Event> {
        build(&[], facts, &[], &Merged::default()).0
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
        let events = merge(&facts(&[w, t, v, t]));
        assert_eq!(citing_articles(&events), [vec![0, 1], vec![2, 3]]);
        // Without an event begun since, a repeat joins its first copy's.
        let events = merge(&facts(&[w, t, &[40, 41, 42], t]));
        assert_eq!(citing_articles(&events), [vec![0, 1, 3], vec![2]]);
        // Too short to match even itself: every copy is its own event.
        let events = merge(&facts(&[&[7, 8], &[7, 8]]));
        assert_eq!(citing_articles(&events), [vec![0], vec![1]]);
    }

    #[test]
    fn a_rebuild_merges_again_only_the_dates_whose_reports_changed() {
        let (w, t, v): (&[TermId], &[TermId], &[TermId]) =
            (&[1, 2, 3, 20, 21, 22], &[1, 2, 3, 4, 5, 6], &[4, 5, 6, 30, 31, 32]);
        let mut facts = facts(&[w, t, v]);
        // A second date, reported by the first article only.
        let mut other = facts[0].reports[0].clone();
        other.date.day = Some(8);
        facts[0].reports.push(other);
        let keys = [10, 11, 12];
        let (events, merged) = build(&[], &facts, &keys, &Merged::default());
        assert_eq!(citing_articles(&events), [vec![0, 1], vec![2], vec![0]]);
        // Taken whole from the last build: the same events.
        let (again, kept) = build(&[], &facts, &keys, &merged);
        assert_eq!((&again, &kept), (&events, &merged));
        // What is taken is what was stored: a stored sentence shows.
        let mut marked = merged.clone();
        for (_, events) in &mut marked.dates {
            for event in events {
                event.text = "stored".to_string();
            }
        }
        let (reused, _) = build(&[], &facts, &keys, &marked);
        assert!(reused.iter().all(|e| e.text == "stored"), "{reused:?}");
        // The third article changed: its date is merged again, the other kept.
        let (rebuilt, _) = build(&[], &facts, &[10, 11, 13], &marked);
        let texts: Vec<&str> = rebuilt.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["", "", "stored"]);
        assert_eq!(citing_articles(&rebuilt), citing_articles(&events));
        // A stored event naming a report its date lacks is not trusted.
        let mut damaged = merged.clone();
        for (_, events) in &mut damaged.dates {
            events[0].reports.push(99);
        }
        assert_eq!(build(&[], &facts, &keys, &damaged).0, events);
    }
}
