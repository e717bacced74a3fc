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
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleFacts {
    /// Where each passage names a topic (its topics follow, `topics_of`):
    /// kept so that pages, which show a passage on its article and on each of
    /// its topics, link the mentions without searching the text again (that
    /// search was 8% of a build).
    pub passage_mentions: Vec<Vec<Mention>>,
    /// Content-word term counts of each passage, sorted by term: the TF of TF-IDF.
    pub term_counts: PerPassage<(TermId, u32)>,
    /// Acronym definitions (short, long) in each heading or passage that has
    /// any candidate, by anchor id, in reading order.
    pub definitions: Vec<(String, Vec<(String, String)>)>,
    /// Dated statements, in passage order: what the timeline is made of.
    pub reports: Vec<Report>,
}

/// A list for each passage, all held in one vector: an article's 3.6
/// million term counts (at 10,000 articles) and their TF-IDF weights were a
/// vector per passage, each an allocation to make when the build cache is
/// read, and to free.
#[derive(Debug, Clone, PartialEq)]
pub struct PerPassage<T> {
    values: Vec<T>,
    /// Where each passage's list ends in `values`.
    ends: Vec<usize>,
}

impl<T> Default for PerPassage<T> {
    fn default() -> Self {
        PerPassage {
            values: Vec::new(),
            ends: Vec::new(),
        }
    }
}

impl<T> PerPassage<T> {
    /// Room for `passages` lists of `values` in all.
    pub fn with_capacity(passages: usize, values: usize) -> Self {
        PerPassage {
            values: Vec::with_capacity(values),
            ends: Vec::with_capacity(passages),
        }
    }

    /// Adds the next passage's list.
    pub fn push(&mut self, list: impl IntoIterator<Item = T>) {
        self.values.extend(list);
        self.ends.push(self.values.len());
    }

    /// Adds the next passage's list, which `fill` appends to the values
    /// (it may change what it appended, and must leave the rest).
    pub fn push_with(&mut self, fill: impl FnOnce(&mut Vec<T>)) {
        let start = self.values.len();
        fill(&mut self.values);
        debug_assert!(self.values.len() >= start, "a passage's list removed values before it");
        self.ends.push(self.values.len());
    }

    /// How many passages.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The list of passage `passage`, if there is one.
    pub fn get(&self, passage: usize) -> Option<&[T]> {
        let end = *self.ends.get(passage)?;
        self.values.get(self.start(passage)..end)
    }

    /// Where passage `passage`'s list starts in `values`: where the one
    /// before ends.
    fn start(&self, passage: usize) -> usize {
        passage.checked_sub(1).map_or(0, |p| self.ends[p])
    }

    /// Each passage's list, in order.
    pub fn iter(&self) -> impl Iterator<Item = &[T]> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|(start, &end)| &self.values[start..end])
    }

    /// Every passage's values, one after another.
    pub fn values(&self) -> &[T] {
        &self.values
    }

    /// Each value made into another by `f`, which is told its passage; in
    /// the same memory where the two are of one size (`Vec`'s in-place
    /// collecting).
    pub fn map<U>(self, mut f: impl FnMut(usize, T) -> U) -> PerPassage<U> {
        let PerPassage { values, ends } = self;
        let mut passage = 0;
        let values = values
            .into_iter()
            .enumerate()
            .map(|(i, value)| {
                while ends.get(passage).is_some_and(|&end| end <= i) {
                    passage += 1;
                }
                f(passage, value)
            })
            .collect();
        PerPassage { values, ends }
    }

    /// Each passage's list, in order, to change in place.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut [T]> {
        let PerPassage { values, ends } = self;
        let mut rest: &mut [T] = values;
        let mut start = 0;
        ends.iter().map(move |&end| {
            let (list, tail) = std::mem::take(&mut rest).split_at_mut(end - start);
            (rest, start) = (tail, end);
            list
        })
    }
}

impl<T> std::ops::Index<usize> for PerPassage<T> {
    type Output = [T];

    fn index(&self, passage: usize) -> &[T] {
        &self.values[self.start(passage)..self.ends[passage]]
    }
}

impl<T> FromIterator<Vec<T>> for PerPassage<T> {
    /// Sized exactly: grown by doubling, the values of a first build held
    /// up to twice the memory they need.
    fn from_iter<I: IntoIterator<Item = Vec<T>>>(lists: I) -> Self {
        let lists: Vec<Vec<T>> = lists.into_iter().collect();
        let mut out = PerPassage::with_capacity(lists.len(), lists.iter().map(Vec::len).sum());
        for list in lists {
            out.push(list);
        }
        out
    }
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

/// `ArticleFacts` as the build cache stores it: the definitions (text)
/// through serde, and every number (mentions, term counts, reports) in one
/// byte string of varints (`crate::varint`; a term, a hash, in four bytes
/// as they are), written and read by the loops
/// of `encode` and `decode`, rather than one serde call per number (3.6
/// million term counts at 10,000 articles): reading the cache of 10,000
/// articles on one thread took 0.157 s before, 0.141 s after.
///
/// The numbers, in order: the passages' mentions (how many passages; for
/// each, how many mentions, then each mention's start, length and topic);
/// their term counts (how many in all, how many passages; for each, how many terms, then
/// each term, in four bytes, sorted, and its count); the reports (how many; for each, the date's year zigzagged,
/// month and day, 0 for none, the passage, the sentence's start and length,
/// how many terms, then each term). Every term of a sentence is a term of
/// its passage: such a term is stored as its index in the passage's term
/// counts (a byte, where the term is five); any other, as the count of
/// those terms, then the term.
#[derive(Serialize)]
struct StoredFacts<'a> {
    #[serde(with = "serde_bytes")]
    numbers: Vec<u8>,
    definitions: &'a [(String, Vec<(String, String)>)],
}

/// The stored form as decoded: the numbers borrowed from the cache's bytes.
#[derive(Deserialize)]
struct StoredFactsIn<'a> {
    #[serde(borrow)]
    numbers: &'a [u8],
    definitions: Vec<(String, Vec<(String, String)>)>,
}

/// The numbers of `facts`, or `None` when one does not fit in 32 bits or
/// a passage's terms are not sorted.
fn encode(facts: &FactsRef) -> Option<Vec<u8>> {
    use crate::varint::{push, push_usize};
    let terms: usize = facts.term_counts.values().len();
    let mut out = Vec::with_capacity(terms * 6 + facts.reports.len() * 24 + 64);
    push_usize(&mut out, facts.passage_mentions.len())?;
    for mentions in facts.passage_mentions {
        push_usize(&mut out, mentions.len())?;
        for m in mentions {
            push_usize(&mut out, m.start)?;
            push_usize(&mut out, m.end.checked_sub(m.start)?)?;
            push_usize(&mut out, m.topic)?;
        }
    }
    push_usize(&mut out, terms)?;
    push_usize(&mut out, facts.term_counts.len())?;
    for counts in facts.term_counts.iter() {
        push_usize(&mut out, counts.len())?;
        let mut previous = 0;
        for &(term, count) in counts {
            // A term is a hash: as a varint, its difference from the one
            // before took four or five bytes and as many turns of the
            // reading loop; four bytes as they are read at once.
            if term < previous {
                return None;
            }
            out.extend_from_slice(&term.to_le_bytes());
            push(&mut out, count);
            previous = term;
        }
    }
    push_usize(&mut out, facts.reports.len())?;
    for report in facts.reports {
        let date = report.date;
        push(&mut out, ((date.year << 1) ^ (date.year >> 31)) as u32);
        push(&mut out, date.month.map_or(0, |m| u32::from(m) + 1));
        push(&mut out, date.day.map_or(0, |d| u32::from(d) + 1));
        push_usize(&mut out, report.passage)?;
        push_usize(&mut out, report.sentence.start)?;
        push_usize(&mut out, report.sentence.end.checked_sub(report.sentence.start)?)?;
        let counts = facts.term_counts.get(report.passage).unwrap_or_default();
        push_usize(&mut out, report.terms.len())?;
        for &term in &report.terms {
            match counts.binary_search_by_key(&term, |&(t, _)| t) {
                Ok(index) => push_usize(&mut out, index)?,
                Err(_) => {
                    push_usize(&mut out, counts.len())?;
                    push(&mut out, term);
                }
            }
        }
    }
    Some(out)
}

/// `ArticleFacts` from the numbers `encode` wrote, or `None` if they do not
/// read back whole.
fn decode(numbers: &[u8], definitions: Vec<(String, Vec<(String, String)>)>) -> Option<ArticleFacts> {
    let mut numbers = crate::varint::Reader::new(numbers);
    // Counts come from the bytes: a list is sized by what is left to read
    // at most, so damaged bytes cannot ask for a huge allocation.
    let list = |numbers: &mut crate::varint::Reader| numbers.usize().filter(|&n| n <= numbers.left());
    let passages = list(&mut numbers)?;
    let mut passage_mentions = Vec::with_capacity(passages);
    for _ in 0..passages {
        let count = list(&mut numbers)?;
        let mut mentions = Vec::with_capacity(count);
        for _ in 0..count {
            let start = numbers.usize()?;
            let end = start.checked_add(numbers.usize()?)?;
            let topic = numbers.usize()?;
            mentions.push(Mention { start, end, topic });
        }
        passage_mentions.push(mentions);
    }
    let total = list(&mut numbers)?;
    let passages = list(&mut numbers)?;
    let mut term_counts = PerPassage::with_capacity(passages, total);
    for _ in 0..passages {
        let count = list(&mut numbers)?;
        let mut previous: TermId = 0;
        for _ in 0..count {
            let term = numbers.fixed()?;
            if term < previous {
                return None;
            }
            term_counts.values.push((term, numbers.next()?));
            previous = term;
        }
        term_counts.ends.push(term_counts.values.len());
    }
    if term_counts.values.len() != total {
        return None;
    }
    let count = list(&mut numbers)?;
    let mut reports = Vec::with_capacity(count);
    for _ in 0..count {
        let zigzag = numbers.next()?;
        let year = ((zigzag >> 1) as i32) ^ -((zigzag & 1) as i32);
        let mut part = || -> Option<Option<u8>> {
            let n = numbers.next()?;
            Some(if n == 0 { None } else { Some(u8::try_from(n - 1).ok()?) })
        };
        let (month, day) = (part()?, part()?);
        let passage = numbers.usize()?;
        let start = numbers.usize()?;
        let end = start.checked_add(numbers.usize()?)?;
        let counts = term_counts.get(passage).unwrap_or_default();
        let count = list(&mut numbers)?;
        let mut terms = Vec::with_capacity(count);
        for _ in 0..count {
            let index = numbers.usize()?;
            terms.push(match counts.get(index) {
                Some(&(term, _)) => term,
                None if index == counts.len() => numbers.next()?,
                None => return None,
            });
        }
        reports.push(Report {
            date: PartialDate { year, month, day },
            passage,
            sentence: start..end,
            terms,
        });
    }
    numbers.is_done().then_some(ArticleFacts {
        passage_mentions,
        term_counts,
        definitions,
        reports,
    })
}

impl<'de> Deserialize<'de> for ArticleFacts {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = StoredFactsIn::deserialize(deserializer)?;
        decode(stored.numbers, stored.definitions)
            .ok_or_else(|| serde::de::Error::custom("the stored facts do not read back whole"))
    }
}

/// An article's facts borrowed in two parts, encoded exactly as
/// `ArticleFacts` is: the passage mentions live apart from the rest once
/// loaded (`Loaded::mentions`), and the build cache is saved while pages read them.
#[derive(Debug, Clone, Copy)]
pub struct FactsRef<'a> {
    pub passage_mentions: &'a [Vec<Mention>],
    pub term_counts: &'a PerPassage<(TermId, u32)>,
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
        let numbers = encode(self).ok_or_else(|| {
            serde::ser::Error::custom("an article's facts have a number past 32 bits, or unsorted terms")
        })?;
        StoredFacts {
            numbers,
            definitions: self.definitions,
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
        passage_mentions: article.passages().iter().map(|p| matcher.find(&p.text)).collect(),
        term_counts: article
            .passages()
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
    let headings = article.blocks().iter().filter_map(|b| match b {
        Block::Heading { id, text, .. } => Some((id.as_str(), text.as_str())),
        _ => None,
    });
    let passages = article.passages().iter().map(|p| (p.id.as_str(), p.text.as_str()));
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
    for (p, passage) in article.passages().iter().enumerate() {
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
    fn stored_facts_decode_to_themselves_and_damage_is_refused() -> anyhow::Result<()> {
        let report = |year, month, day, passage, terms: &[TermId]| Report {
            date: PartialDate { year, month, day },
            passage,
            sentence: 4..30,
            terms: terms.to_vec(),
        };
        let mention = |start, end, topic| Mention { start, end, topic };
        let facts = ArticleFacts {
            passage_mentions: vec![vec![mention(0, 5, 2), mention(9, 40, 0)], Vec::new()],
            term_counts: [vec![(7, 1), (3_000_000_000, 2), (u32::MAX, 300)], vec![(9, 1)]]
                .into_iter()
                .collect(),
            definitions: vec![("p1".into(), vec![("MoC".into(), "Memorandum of Cooperation".into())])],
            // The last two reports' terms are not among their passage's terms.
            reports: vec![
                report(2020, Some(10), Some(7), 0, &[7, 3_000_000_000]),
                report(-44, None, None, 1, &[9, u32::MAX]),
                report(2019, Some(1), None, 5, &[1]),
            ],
        };
        let bytes = postcard::to_stdvec(&facts)?;
        assert_eq!(postcard::from_bytes::<ArticleFacts>(&bytes)?, facts);
        // A term of its passage is its index there: after the first report's
        // sentence (length 26) come the bytes 2 (how many terms), 0 and 1.
        let numbers =
            encode(&FactsRef::new(&facts, &facts.passage_mentions)).ok_or_else(|| anyhow::anyhow!("encode"))?;
        let first = [26, 2, 0, 1];
        assert!(numbers.windows(4).any(|w| w == first), "{numbers:?}");
        // Every cut of the numbers is refused, never read as other facts.
        for end in 0..numbers.len() {
            assert_eq!(decode(&numbers[..end], Vec::new()), None, "cut at {end}");
        }
        let mut longer = numbers.clone();
        longer.push(0);
        assert_eq!(decode(&longer, Vec::new()), None, "a number left over");
        // Unsorted terms cannot be stored.
        let mut unsorted = facts.clone();
        unsorted.term_counts.values.swap(0, 1);
        assert!(postcard::to_stdvec(&unsorted).is_err());
        // The count of all term counts must be theirs.
        let mut wrong_total = numbers.clone();
        let at = numbers
            .iter()
            .position(|&b| b == 4)
            .ok_or_else(|| anyhow::anyhow!("no total"))?;
        wrong_total[at] = 5;
        assert_eq!(decode(&wrong_total, Vec::new()), None, "a total that is not the sum");
        Ok(())
    }

    #[test]
    fn lists_per_passage_read_back_by_passage() {
        let lists: PerPassage<u8> = [vec![1, 2], vec![], vec![3]].into_iter().collect();
        assert_eq!(lists.len(), 3);
        assert_eq!(lists.iter().collect::<Vec<_>>(), [&[1, 2][..], &[], &[3]]);
        assert_eq!((&lists[0], &lists[1], &lists[2]), (&[1, 2][..], &[][..], &[3][..]));
        assert_eq!(lists.get(3), None);
        assert_eq!(lists.values(), [1, 2, 3]);
        let mut more = lists.clone();
        more.push_with(|values| values.extend([4, 5]));
        assert_eq!(more.get(3), Some(&[4, 5][..]));
        assert!(PerPassage::<u8>::default().is_empty());
    }

    #[test]
    fn lists_per_passage_map_and_change_in_place_by_passage() {
        let lists: PerPassage<(u32, u32)> = [vec![(1, 2), (3, 4)], vec![], vec![(5, 6)], vec![]]
            .into_iter()
            .collect();
        let mut mapped = lists
            .clone()
            .map(|passage, (t, n)| (t, (passage * 10) as f32 + n as f32));
        assert_eq!(mapped.len(), 4);
        assert_eq!(
            mapped.iter().collect::<Vec<_>>(),
            [&[(1, 2.0), (3, 4.0)][..], &[], &[(5, 26.0)], &[]]
        );
        for (passage, list) in mapped.iter_mut().enumerate() {
            list.iter_mut().for_each(|(_, w)| *w += passage as f32);
        }
        assert_eq!(mapped.values(), [(1, 2.0), (3, 4.0), (5, 28.0)]);
        assert!(PerPassage::<(u32, u32)>::default().map(|_, v| v).is_empty());
    }
}
