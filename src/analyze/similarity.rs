//! Text similarity: TF-IDF vectors over stemmed content words. Used to find
//! passages in different articles that state the same fact (corroboration) and
//! the most central sentences of a topic (key points). Pure; no IO.

use super::facts::{ArticleFacts, PerPassage};
use super::PassageRef;
use crate::parse::Article;
use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::Hasher;

/// Two passages from different articles corroborate each other at or above
/// this cosine. Chosen on the bundled pair of articles (28 passages, 288
/// cross-article pairs): the five pairs a reader judges to state one fact
/// score 0.187–0.437 (Indo-Pacific vision ×2, MoC scope ×2, IPOI launch);
/// the highest-scoring other pair, two different cyber-security statements,
/// 0.173. The test `corroboration_on_the_bundled_articles` in tests/ pins this.
pub const CORROBORATION_THRESHOLD: f32 = 0.18;

/// A term is a stemmed content word, identified by a fixed hash of its stem:
/// cheaper than interning six million words, and deterministic across runs.
/// A stemmed content word, by the hash of its stem. 32 bits: a corpus has
/// about 10^5 distinct stems, so two sharing a hash is rare and harmless (a
/// little shared weight), and half the size keeps the build cache small.
pub type TermId = u32;

/// A sparse vector, sorted by term, with unit length.
pub type Vector = Vec<(TermId, f32)>;

const STOP_WORDS: &[&str] = &[
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "can", "could", "did", "do",
    "does", "doing", "down", "during", "each", "even", "few", "for", "from", "further", "had", "has", "have", "having",
    "he", "her", "here", "hers", "him", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just",
    "may", "me", "might", "more", "most", "much", "must", "my", "no", "nor", "not", "now", "of", "off", "on", "once",
    "one", "only", "or", "other", "our", "out", "over", "own", "s", "said", "same", "says", "she", "should", "so",
    "some", "such", "t", "than", "that", "the", "their", "theirs", "them", "then", "there", "these", "they", "this",
    "those", "through", "to", "too", "two", "under", "until", "up", "upon", "very", "was", "we", "were", "what",
    "when", "where", "which", "while", "who", "whom", "why", "will", "with", "within", "would", "yet", "you", "your",
];

/// Tokenises and stems text into content-word term ids.
pub struct Vectorizer {
    stemmer: Stemmer,
}

impl Default for Vectorizer {
    fn default() -> Self {
        Vectorizer {
            stemmer: Stemmer::create(Algorithm::English),
        }
    }
}

/// Each word's term, remembered: a corpus of millions of words has only tens
/// of thousands of distinct ones, and stemming is the costly step. One cache
/// per parallel task, so no lock is shared.
///
/// Words of up to `INLINE` bytes (nearly all) are keyed by their bytes held
/// in the table itself: with `String` keys, every lookup followed a pointer
/// to compare the word, a cache miss that made this the costliest function
/// of a first build (5% of its CPU time).
#[derive(Default)]
pub struct StemCache {
    short: FxHashMap<[u8; INLINE], Option<TermId>>,
    long: FxHashMap<String, Option<TermId>>,
}

/// The longest word a `StemCache` keys inline. Words hold no NUL byte, so
/// zero padding cannot make two of them equal.
const INLINE: usize = 24;

impl Vectorizer {
    /// Content-word terms of `text`, in order, repeats kept.
    pub fn terms(&self, text: &str) -> Vec<TermId> {
        self.terms_cached(text, &mut StemCache::default())
    }

    pub fn terms_cached(&self, text: &str, cache: &mut StemCache) -> Vec<TermId> {
        let mut out = Vec::new();
        let mut lower = String::new();
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            if word.is_empty() {
                continue;
            }
            let term = if word.len() <= INLINE && word.is_ascii() {
                let mut key = [0u8; INLINE];
                key[..word.len()].copy_from_slice(word.as_bytes());
                key.make_ascii_lowercase();
                *cache
                    .short
                    .entry(key)
                    .or_insert_with(|| self.term(&word.to_ascii_lowercase()))
            } else {
                lower.clear();
                lower.extend(word.chars().flat_map(char::to_lowercase));
                match cache.long.get(lower.as_str()) {
                    Some(term) => *term,
                    None => {
                        let term = self.term(&lower);
                        cache.long.insert(lower.clone(), term);
                        term
                    }
                }
            };
            out.extend(term);
        }
        out
    }

    /// The term of one lowercase word, or `None` for a stop word.
    fn term(&self, lower: &str) -> Option<TermId> {
        if lower.len() < 2 && !lower.chars().all(|c| c.is_ascii_digit()) || STOP_WORDS.binary_search(&lower).is_ok() {
            return None;
        }
        let stem = self.stemmer.stem(lower);
        let mut hasher = FxHasher::default();
        hasher.write(stem.as_bytes());
        Some(hasher.finish() as TermId)
    }
}

/// Term frequencies of one text, sorted by term.
pub(crate) fn counts(mut terms: Vec<TermId>) -> Vec<(TermId, u32)> {
    terms.sort_unstable();
    let mut out: Vec<(TermId, u32)> = Vec::with_capacity(terms.len());
    for t in terms {
        match out.last_mut() {
            Some((last, n)) if *last == t => *n += 1,
            _ => out.push((t, 1)),
        }
    }
    out
}

/// TF-IDF vectors of every passage, and the IDF table to vectorise other texts.
pub struct Index {
    /// Each term's IDF, and whether it is rare.
    terms: FxHashMap<TermId, Weight>,
    /// `vectors[article][passage]`: a unit vector sorted by term.
    pub vectors: Vec<PerPassage<(TermId, f32)>>,
    /// `rare[article][passage]`: the passage's rare terms, sorted, noted as
    /// its vector is weighed (the one lookup of each term gives both): they
    /// are what `corroborate` reads, where it looked up every term of every
    /// passage twice to find them (7 million lookups at 10,000 articles).
    rare: Vec<PerPassage<TermId>>,
    documents: f32,
}

/// What the index knows of a term.
#[derive(Debug, Clone, Copy)]
struct Weight {
    idf: f32,
    /// In at most `MAX_POSTING` passages: the term proposes candidate pairs
    /// to `corroborate`.
    rare: bool,
}

impl Index {
    /// Weighs every passage's term counts by how rare each term is across
    /// all passages (`df`, counted from these counts).
    pub fn build(counts: Vec<Counts>, df: &Frequencies) -> Index {
        let df = &df.terms;
        let documents: usize = counts.iter().map(|article| article.get().len()).sum();
        let n = documents.max(1) as f32;
        let unseen = (1.0 + n).ln();
        let terms: FxHashMap<TermId, Weight> = df
            .iter()
            .map(|(&t, &d)| {
                let weight = Weight {
                    idf: (1.0 + n / d as f32).ln(),
                    rare: d as usize <= MAX_POSTING,
                };
                (t, weight)
            })
            .collect();
        let (vectors, rare) = counts
            .into_par_iter()
            .map(|article| {
                // The weights take the counts' place (a pair of 32-bit numbers
                // either way): 29 MB at 10,000 articles not allocated again.
                let mut rare_terms: Vec<(usize, TermId)> = Vec::new();
                let mut vectors = article.into_owned().map(|passage, (t, count)| {
                    // As `weigh_into`, which `vector` uses: the same numbers.
                    let tf = if count == 1 { 1.0 } else { 1.0 + (count as f32).ln() };
                    let idf = match terms.get(&t) {
                        Some(weight) => {
                            if weight.rare {
                                rare_terms.push((passage, t));
                            }
                            weight.idf
                        }
                        None => unseen,
                    };
                    (t, tf * idf)
                });
                for vector in vectors.iter_mut() {
                    normalise(vector);
                }
                let mut rare = PerPassage::with_capacity(vectors.len(), rare_terms.len());
                let mut rare_terms = rare_terms.into_iter().peekable();
                for passage in 0..vectors.len() {
                    rare.push(std::iter::from_fn(|| {
                        rare_terms.next_if(|&(p, _)| p == passage).map(|(_, t)| t)
                    }));
                }
                (vectors, rare)
            })
            .unzip();
        Index {
            terms,
            vectors,
            rare,
            documents: n,
        }
    }

    /// A TF-IDF vector for any text (a sentence), under this index's IDF.
    pub fn vector(&self, vectorizer: &Vectorizer, text: &str, cache: &mut StemCache) -> Vector {
        weigh(
            &counts(vectorizer.terms_cached(text, cache)),
            &self.terms,
            self.documents,
        )
    }
}

/// In how many passages each term is (the DF of TF-IDF), and which articles
/// were counted: kept between builds, so that a rebuild counts the terms of
/// the articles that arrived or left rather than of all (sums of integers:
/// the same counts as counting all again, in any order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frequencies {
    /// The source keys of the articles counted, sorted.
    pub articles: Vec<u128>,
    /// Each term's count of passages.
    pub terms: FxHashMap<TermId, u32>,
}

impl Frequencies {
    /// Counted from every article's `facts` (`keys` are their source keys),
    /// side by side, then summed.
    pub fn count(facts: &[ArticleFacts], keys: &[u128]) -> Frequencies {
        let terms = facts
            .par_iter()
            .fold(FxHashMap::default, |mut df: FxHashMap<TermId, u32>, facts| {
                for &(t, _) in facts.term_counts.values() {
                    *df.entry(t).or_default() += 1;
                }
                df
            })
            .reduce(FxHashMap::default, |a, b| merge(a, b, |n, m| *n += m));
        let mut articles = keys.to_vec();
        articles.sort_unstable();
        Frequencies { articles, terms }
    }

    /// These counts brought to the articles `facts` (with source keys
    /// `keys`): the terms of those not counted yet added, and of those
    /// counted that are gone taken away, their facts from `gone`. `None`
    /// when an article that is gone has no facts there, or a count would
    /// fall below zero (counts from other articles).
    pub fn update(
        mut self,
        facts: &[ArticleFacts],
        keys: &[u128],
        gone: impl Fn(u128) -> Option<ArticleFacts>,
    ) -> Option<Frequencies> {
        let mut now = keys.to_vec();
        now.sort_unstable();
        if now == self.articles {
            return Some(self);
        }
        for (facts, key) in facts.iter().zip(keys) {
            if self.articles.binary_search(key).is_err() {
                for &(t, _) in facts.term_counts.values() {
                    *self.terms.entry(t).or_default() += 1;
                }
            }
        }
        for key in &self.articles {
            if now.binary_search(key).is_err() {
                let facts = gone(*key)?;
                for &(t, _) in facts.term_counts.values() {
                    let count = self.terms.get_mut(&t)?;
                    *count = count.checked_sub(1)?;
                    if *count == 0 {
                        self.terms.remove(&t);
                    }
                }
            }
        }
        self.articles = now;
        Some(self)
    }
}

/// Two maps gathered side by side as one: each value of the smaller map
/// `add`ed into the larger's.
fn merge<V: Default>(
    a: FxHashMap<TermId, V>,
    b: FxHashMap<TermId, V>,
    add: impl Fn(&mut V, V),
) -> FxHashMap<TermId, V> {
    let (mut into, from) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    for (t, v) in from {
        add(into.entry(t).or_default(), v);
    }
    into
}

fn weigh(counts: &[(TermId, u32)], terms: &FxHashMap<TermId, Weight>, documents: f32) -> Vector {
    let mut v = Vec::with_capacity(counts.len());
    weigh_into(counts, terms, documents, &mut v, None);
    v
}

/// Appends to `out` the unit TF-IDF vector of a passage's term `counts`,
/// and to `rare`, if given, its rare terms.
fn weigh_into(
    counts: &[(TermId, u32)],
    terms: &FxHashMap<TermId, Weight>,
    documents: f32,
    out: &mut Vec<(TermId, f32)>,
    mut rare: Option<&mut Vec<TermId>>,
) {
    let unseen = (1.0 + documents).ln();
    let start = out.len();
    // ln 1 is 0: most terms occur once in a passage, and skip the logarithm.
    out.extend(counts.iter().map(|&(t, n)| {
        let tf = if n == 1 { 1.0 } else { 1.0 + (n as f32).ln() };
        let idf = match terms.get(&t) {
            Some(weight) => {
                if let (true, Some(rare)) = (weight.rare, rare.as_deref_mut()) {
                    rare.push(t);
                }
                weight.idf
            }
            None => unseen,
        };
        (t, tf * idf)
    }));
    normalise(&mut out[start..]);
}

/// Scales `vector` to unit length.
fn normalise(vector: &mut [(TermId, f32)]) {
    let norm = vector.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, w) in vector {
            *w /= norm;
        }
    }
}

/// An article's term counts, for the index: taken from its facts (the index
/// weighs them in place), or borrowed (a copy is weighed) where the facts
/// keep them, for the build cache.
pub enum Counts<'a> {
    Owned(PerPassage<(TermId, u32)>),
    Borrowed(&'a PerPassage<(TermId, u32)>),
}

impl Counts<'_> {
    fn get(&self) -> &PerPassage<(TermId, u32)> {
        match self {
            Counts::Owned(counts) => counts,
            Counts::Borrowed(counts) => counts,
        }
    }

    fn into_owned(self) -> PerPassage<(TermId, u32)> {
        match self {
            Counts::Owned(counts) => counts,
            Counts::Borrowed(counts) => counts.clone(),
        }
    }
}

/// Cosine of two unit vectors sorted by term.
pub fn cosine(a: &[(TermId, f32)], b: &[(TermId, f32)]) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        match a[i].0.cmp(&b[j].0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += a[i].1 * b[j].1;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

/// Terms shared by more passages than this do not propose candidate pairs:
/// they are too common to say two passages share a fact, and their posting
/// lists would make the search quadratic.
const MAX_POSTING: usize = 64;

/// For each passage, the passages of *other* articles that state the same
/// fact, most similar first. Candidates come from an inverted index of
/// the rarer terms, so the search stays near-linear in the corpus size.
pub fn corroborate(index: &Index) -> Vec<Vec<Vec<(PassageRef, f32)>>> {
    // Gathered side by side; the order within a list does not matter, as
    // each passage's candidates are sorted below.
    type Postings = FxHashMap<TermId, Vec<PassageRef>>;
    let postings: Postings = index
        .rare
        .par_iter()
        .enumerate()
        .fold(FxHashMap::default, |mut postings: Postings, (a, article)| {
            for (p, rare) in article.iter().enumerate() {
                for &t in rare {
                    postings
                        .entry(t)
                        .or_default()
                        .push(PassageRef { article: a, passage: p });
                }
            }
            postings
        })
        .reduce(FxHashMap::default, |a, b| merge(a, b, Vec::extend));
    index
        .vectors
        .par_iter()
        .enumerate()
        .map(|(a, article)| {
            article
                .iter()
                .zip(index.rare[a].iter())
                .map(|(vector, rare)| {
                    let mut candidates: Vec<PassageRef> = rare
                        .iter()
                        .filter_map(|t| postings.get(t))
                        .flatten()
                        .filter(|r| r.article != a)
                        .copied()
                        .collect();
                    candidates.sort_unstable();
                    candidates.dedup();
                    let mut found: Vec<(PassageRef, f32)> = candidates
                        .into_iter()
                        .filter_map(|r| {
                            let score = cosine(vector, &index.vectors[r.article][r.passage]);
                            (score >= CORROBORATION_THRESHOLD).then_some((r, score))
                        })
                        .collect();
                    found.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
                    found.truncate(5);
                    found
                })
                .collect()
        })
        .collect()
}

/// A sentence chosen to sum up a topic.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyPoint {
    pub sentence: String,
    pub citation: PassageRef,
    /// Articles other than the cited one whose passages corroborate it.
    pub support: usize,
}

/// At most this many of a topic's newest passages are read for key points,
/// so a topic with thousands of passages costs no more than a busy one.
const KEY_POINT_WINDOW: usize = 400;

/// A sentence that may sum up a topic, with how close it stands to the
/// topic's centroid: what `key_point_candidates` finds from the vectors
/// alone, so that it runs beside `corroborate`, which `key_points` then needs.
pub struct Candidate {
    sentence: String,
    citation: PassageRef,
    vector: Vector,
    /// Cosine with the topic's centroid.
    centrality: f32,
    names_topic: bool,
}

/// The sentences of a topic's newest passages (`passages`, at most
/// `KEY_POINT_WINDOW`) that could be key points, each with its closeness to
/// the topic's TF-IDF centroid (centroid summarisation, linear in the number
/// of sentences, where LexRank would be quadratic).
pub fn key_point_candidates(
    articles: &[Article],
    passages: &[PassageRef],
    index: &Index,
    vectorizer: &Vectorizer,
    stems: &mut StemCache,
    names_topic: &dyn Fn(&str) -> bool,
) -> Vec<Candidate> {
    let window = &passages[..passages.len().min(KEY_POINT_WINDOW)];
    let mut centroid: FxHashMap<TermId, f32> = FxHashMap::default();
    for r in window {
        for &(t, w) in &index.vectors[r.article][r.passage] {
            *centroid.entry(t).or_default() += w;
        }
    }
    let mut centroid: Vector = centroid.into_iter().collect();
    centroid.sort_unstable_by_key(|&(t, _)| t);
    let norm = centroid
        .iter()
        .map(|(_, w)| w * w)
        .sum::<f32>()
        .sqrt()
        .max(f32::EPSILON);
    for (_, w) in &mut centroid {
        *w /= norm;
    }

    let mut candidates = Vec::new();
    for &r in window {
        let text = &articles[r.article].passages()[r.passage].text;
        for range in crate::text::sentences(text) {
            let sentence = &text[range];
            let words = sentence.split_whitespace().count();
            if !(6..=60).contains(&words) {
                continue;
            }
            let vector = index.vector(vectorizer, sentence, stems);
            candidates.push(Candidate {
                sentence: sentence.to_string(),
                citation: r,
                centrality: cosine(&vector, &centroid),
                vector,
                names_topic: names_topic(sentence),
            });
        }
    }
    candidates
}

/// The 3–5 key points of a topic among its `candidates`: the most central,
/// favouring sentences that other sources corroborate and that name the
/// topic, and skipping near-repeats of one already chosen.
pub fn key_points(candidates: Vec<Candidate>, corroboration: &[Vec<Vec<(PassageRef, f32)>>]) -> Vec<KeyPoint> {
    let support = |r: PassageRef| {
        let mut others: Vec<usize> = corroboration[r.article][r.passage]
            .iter()
            .map(|(o, _)| o.article)
            .collect();
        others.sort_unstable();
        others.dedup();
        others.len()
    };
    let mut candidates: Vec<(Candidate, usize, f32)> = candidates
        .into_iter()
        .map(|c| {
            let support = support(c.citation);
            let score = c.centrality * (1.0 + 0.25 * support.min(4) as f32);
            (c, support, score)
        })
        .collect();
    // A sentence that names the topic says something about it; one that only
    // sits in the same passage may not. When there are enough of the first
    // kind, only they are key points.
    if candidates.iter().filter(|(c, ..)| c.names_topic).count() >= 3 {
        candidates.retain(|(c, ..)| c.names_topic);
    }
    candidates.sort_by(|(a, _, x), (b, _, y)| y.total_cmp(x).then(a.citation.cmp(&b.citation)));
    let mut chosen: Vec<(Candidate, usize)> = Vec::new();
    for (candidate, support, _) in candidates {
        if chosen.len() == 5 {
            break;
        }
        if chosen.iter().any(|(c, _)| cosine(&c.vector, &candidate.vector) > 0.5) {
            continue;
        }
        chosen.push((candidate, support));
    }
    chosen
        .into_iter()
        .map(|(c, support)| KeyPoint {
            sentence: c.sentence,
            citation: c.citation,
            support,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_has_one_term_whatever_its_case_or_length() {
        let vectorizer = Vectorizer::default();
        let long = "Pneumonoultramicroscopicsilicovolcanoconiosis";
        let text = format!(
            "Ministers MET; ministers met. Überraschung überraschung {long} {} the 2020",
            long.to_lowercase()
        );
        let mut cache = StemCache::default();
        let terms = vectorizer.terms_cached(&text, &mut cache);
        assert_eq!(terms.len(), 9, "{terms:?}");
        for (a, b) in [(0, 2), (1, 3), (4, 5), (6, 7)] {
            assert_eq!(terms[a], terms[b], "{terms:?}");
        }
        assert_ne!(terms[0], terms[1]);
        assert_eq!(vectorizer.terms_cached(&text, &mut cache), terms, "from the cache");
        assert_eq!(vectorizer.terms(&text), terms);
        let near = vectorizer.terms_cached("Japan Japanese", &mut cache);
        assert_ne!(near[0], near[1], "the whole word is the key");
    }

    fn facts(passages: &[&[TermId]]) -> ArticleFacts {
        ArticleFacts {
            passage_mentions: vec![Vec::new(); passages.len()],
            term_counts: passages
                .iter()
                .map(|terms| terms.iter().map(|&t| (t, 1)).collect::<Vec<_>>())
                .collect(),
            definitions: Vec::new(),
            reports: Vec::new(),
        }
    }

    #[test]
    fn frequencies_brought_up_to_date_are_those_counted_again() {
        let all = [
            facts(&[&[1, 2], &[2, 3]]),
            facts(&[&[2], &[4]]),
            facts(&[&[1, 5]]),
            facts(&[&[9]]),
        ];
        let keys = [10, 20, 30, 40];
        let earlier = Frequencies::count(&all[..3], &keys[..3]);
        assert_eq!(earlier.terms[&2], 3);
        // The second article left, the fourth arrived.
        let now = [all[0].clone(), all[2].clone(), all[3].clone()];
        let now_keys = [10, 30, 40];
        let gone = |key: u128| keys.iter().position(|&k| k == key).map(|i| all[i].clone());
        let updated = earlier.clone().update(&now, &now_keys, gone);
        assert_eq!(updated, Some(Frequencies::count(&now, &now_keys)));
        assert!(
            updated.is_some_and(|df| !df.terms.contains_key(&4)),
            "a count of 0 is no count"
        );
        // Unchanged: as it was.
        assert_eq!(
            earlier.clone().update(&all[..3], &keys[..3], |_| None),
            Some(earlier.clone())
        );
        // A gone article whose facts are unknown: counted again instead.
        assert_eq!(earlier.clone().update(&now, &now_keys, |_| None), None);
        // A count that would fall below zero: not these articles' counts.
        let short = Frequencies {
            articles: vec![10, 20],
            terms: Frequencies::count(&all[..1], &keys[..1]).terms,
        };
        assert_eq!(short.update(&all[..1], &keys[..1], gone), None);
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn stems_merge_word_forms() {
        let v = Vectorizer::default();
        assert_eq!(v.terms("launched visions"), v.terms("launch vision"));
        assert!(v.terms("the of and").is_empty());
    }

    #[test]
    fn cosine_of_identical_is_one_and_disjoint_is_zero() {
        let a = vec![(1, 0.6), (2, 0.8)];
        assert!((cosine(&a, &a) - 1.0).abs() < 1e-6);
        assert_eq!(cosine(&a, &[(3, 1.0)]), 0.0);
    }
}
