//! &[Article] → Briefing: which passages belong to which topic, how topics
//! relate, what is newest. Pure: no IO, and every order is fixed by sorting,
//! never by a hash map or by thread timing.

pub mod acronyms;
pub mod dates;
pub mod facts;
pub mod glossary;
pub mod matcher;
pub mod similarity;
pub mod timeline;

use crate::config::Config;
use crate::parse::Article;
use facts::ArticleFacts;
use glossary::Glossary;
use matcher::Matcher;
use rayon::prelude::*;
use similarity::KeyPoint;
use std::collections::BTreeMap;
use time::Date;
use timeline::Event;

/// A passage by position: `articles[article].passages[passage]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PassageRef {
    pub article: usize,
    pub passage: usize,
}

/// What the briefing knows about one topic of `site.toml` (same index).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TopicSummary {
    /// Its passages, newest article first, then in reading order.
    pub passages: Vec<PassageRef>,
    /// Articles with at least one of its passages, newest first.
    pub sources: Vec<usize>,
    /// Other topics sharing passages with it: (topic, shared passages), strongest first.
    pub related: Vec<(usize, usize)>,
    /// The newest article that feeds it.
    pub last_updated: Option<(Date, usize)>,
}

/// Everything the renderer needs beyond the articles themselves.
#[derive(Debug, Clone, PartialEq)]
pub struct Briefing {
    pub topics: Vec<TopicSummary>,
    /// Topics of each passage: `passage_topics[article][passage]`, sorted.
    pub passage_topics: Vec<Vec<Vec<usize>>>,
    /// Article indices, newest first (undated last), ties by title then slug.
    pub chronological: Vec<usize>,
    pub glossary: Glossary,
    /// Events in date order.
    pub timeline: Vec<Event>,
    /// Key points of each topic (same index as `topics`).
    pub key_points: Vec<Vec<KeyPoint>>,
    /// For each passage, passages of other articles that state the same fact:
    /// `corroboration[article][passage]`, most similar first.
    pub corroboration: Vec<Vec<Vec<(PassageRef, f32)>>>,
}

impl Briefing {
    /// Passages that match no topic, in article order.
    pub fn unmatched(&self) -> Vec<PassageRef> {
        let mut out = Vec::new();
        for (article, passages) in self.passage_topics.iter().enumerate() {
            for (passage, topics) in passages.iter().enumerate() {
                if topics.is_empty() {
                    out.push(PassageRef { article, passage });
                }
            }
        }
        out
    }
}

/// What the analysis across articles reads.
pub struct AnalysisInput<'a> {
    pub config: &'a Config,
    pub articles: &'a [Article],
    /// Each article's facts (same index).
    pub facts: &'a [ArticleFacts],
    /// Each article's source key (same index).
    pub keys: &'a [u128],
    pub matcher: &'a Matcher,
    /// What the last build merged into the timeline (see `timeline::Merged`).
    pub merged: &'a timeline::Merged,
    /// The document frequencies of these facts' terms.
    pub df: &'a similarity::Frequencies,
}

/// Combines the articles and their facts into the briefing, the articles'
/// term `counts` (same index; see `similarity::Counts`) into the tf-idf
/// index; returned with it, what this build merged into the timeline.
pub fn analyze(
    input: &AnalysisInput,
    counts: Vec<similarity::Counts>,
    timings: &mut crate::Timings,
) -> (Briefing, timeline::Merged) {
    let AnalysisInput {
        config,
        articles,
        facts,
        keys,
        matcher,
        merged,
        df,
    } = *input;
    let clock = std::time::Instant::now();
    // The stages below run side by side, so that a core left idle by one
    // stage's uneven parallel work (one date of the timeline with most of
    // the reports, the topics' one thread) takes another's: the glossary and
    // the timeline beside the rest; the tf-idf index beside the topics, then
    // the corroboration beside the key points' candidates (which need the
    // index and the topics), then the key points (which need both). Their
    // times overlap: each is timed alone.
    use crate::timed;
    let vectorizer = similarity::Vectorizer::default();
    let (
        (
            ((index, tf_idf), ((passage_topics, chronological, topics), topic_time)),
            ((corroboration, corroborating), (key_points, key_point_time)),
        ),
        ((glossary, glossary_time), ((timeline, merged), timeline_time)),
    ) = rayon::join(
        || {
            let ((index, tf_idf), (summary, topic_time)) = rayon::join(
                || timed(|| similarity::Index::build(counts, df)),
                || timed(|| summarise_topics(config, articles, facts)),
            );
            let topics = &summary.2;
            let ((corroboration, corroborating), (candidates, candidate_time)) = rayon::join(
                || timed(|| similarity::corroborate(&index)),
                || {
                    timed(|| {
                        // One cache of stems per thread, shared by the topics it
                        // takes: their windows share most words.
                        topics
                            .par_iter()
                            .enumerate()
                            .map_init(similarity::StemCache::default, |stems, (t, summary)| {
                                let names_topic = |sentence: &str| matcher.find(sentence).iter().any(|m| m.topic == t);
                                similarity::key_point_candidates(
                                    articles,
                                    &summary.passages,
                                    &index,
                                    &vectorizer,
                                    stems,
                                    &names_topic,
                                )
                            })
                            .collect::<Vec<_>>()
                    })
                },
            );
            let (key_points, choice_time) = timed(|| {
                candidates
                    .into_par_iter()
                    .map(|c| similarity::key_points(c, &corroboration))
                    .collect::<Vec<_>>()
            });
            (
                ((index, tf_idf), (summary, topic_time)),
                (
                    (corroboration, corroborating),
                    (key_points, candidate_time + choice_time),
                ),
            )
        },
        || {
            rayon::join(
                || timed(|| Glossary::build(facts, matcher)),
                || timed(|| timeline::build(articles, facts, keys, merged)),
            )
        },
    );
    timings.0.extend([
        ("analyze: topics (side by side)", topic_time),
        ("analyze: tf-idf (side by side)", tf_idf),
        ("analyze: corroboration (side by side)", corroborating),
        ("analyze: glossary (side by side)", glossary_time),
        ("analyze: timeline (side by side)", timeline_time),
        ("analyze: key points (side by side, but for choosing)", key_point_time),
        ("analyze: across articles", clock.elapsed()),
    ]);
    crate::drop_later(index);
    let briefing = Briefing {
        topics,
        passage_topics,
        chronological,
        glossary,
        timeline,
        key_points,
        corroboration,
    };
    (briefing, merged)
}

/// Each passage's topics, the articles newest first, and what each topic
/// gathers from them (its passages and sources, newest first, the date it
/// last changed, and the topics it shares passages with).
fn summarise_topics(
    config: &Config,
    articles: &[Article],
    facts: &[ArticleFacts],
) -> (Vec<Vec<Vec<usize>>>, Vec<usize>, Vec<TopicSummary>) {
    let passage_topics: Vec<Vec<Vec<usize>>> = facts
        .par_iter()
        .map(|f| f.passage_mentions.iter().map(|m| matcher::topics_of(m)).collect())
        .collect();

    let mut chronological: Vec<usize> = (0..articles.len()).collect();
    // Stable, as `sort_by` is: equal keys keep file order.
    chronological.par_sort_by(|&a, &b| {
        let (x, y) = (&articles[a], &articles[b]);
        y.date
            .cmp(&x.date)
            .then_with(|| x.title.cmp(&y.title))
            .then_with(|| x.slug.cmp(&y.slug))
    });

    let mut topics = vec![TopicSummary::default(); config.topics.len()];
    let mut shared: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for &article in &chronological {
        for (passage, passage_topics) in passage_topics[article].iter().enumerate() {
            for (i, &topic) in passage_topics.iter().enumerate() {
                let summary = &mut topics[topic];
                summary.passages.push(PassageRef { article, passage });
                if summary.sources.last() != Some(&article) {
                    summary.sources.push(article);
                }
                if summary.last_updated.is_none() {
                    summary.last_updated = articles[article].date.map(|d| (d, article));
                }
                for &other in &passage_topics[i + 1..] {
                    *shared.entry((topic, other)).or_default() += 1;
                }
            }
        }
    }
    for (&(a, b), &count) in &shared {
        topics[a].related.push((b, count));
        topics[b].related.push((a, count));
    }
    for summary in &mut topics {
        summary.related.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    }
    (passage_topics, chronological, topics)
}
