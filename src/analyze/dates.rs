//! Finds dated statements in one passage of news text ("November 2019", "last year",
//! "late March", "7 October 2020") and normalises them to [`PartialDate`]s, resolving
//! relative ones against the article's publication date. Pure text processing: no IO.
//!
//! Why no regex: every rule depends on neighbouring words (cue words, capitalisation,
//! the rest of the sentence), so a hand-written tokenizer with fixed-lookahead matchers
//! is both simpler to read and linear by construction: one `Vec` of tokens per passage,
//! no allocation per word, no backtracking.
//!
//! Deliberate choices (precise rather than greedy):
//! - A bare 4-digit number is a year only in 1900..=2100 and only after a cue word
//!   ("in", "since", "by", "of", "early", "mid-", ...), in a range after an accepted
//!   year ("from 2018 to 2020"), or beside a month. "Rs 2019 crore", "2+2", "5G",
//!   "G20", "Covid-19", "1,000 troops" give nothing.
//! - Decades ("the 1990s") give nothing: a decade is not a year, and plotting it as
//!   1990 would mislead a timeline.
//! - Month names must be capitalised ("troops march" is a verb) and, without an
//!   adjacent day or year, need a cue ("in", "since", "early", "end of", ...), so
//!   "May have resulted" is not a month. Abbreviations ("Oct.") need a day or year.
//! - A month without a year takes the year of its sentence when the sentence names
//!   exactly one ("last year ... in early November" = November of last year); that
//!   year-only mention is then dropped as less precise. Otherwise it is the most recent
//!   such month not after publication ("December" in Oct 2020 = 2019-12); a day-month
//!   follows the month rule, so "12 October" in an article of 7 Oct 2020 is 2020-10-12.
//! - Fiscal years "2019-20" / "2019–2020" give the first year; ranges and lists give
//!   each end ("from 2016 to 2018", "between March and June", "in 2017, 2018 and 2019").
//! - "the last year" / "the next year" (a rolling twelve months) give nothing.
//! - Numeric day/month orders (07/10/2020) are ambiguous between locales: only ISO
//!   `YYYY-MM-DD` (or `YYYY/MM/DD`) is read. Day-level relatives ("yesterday", "last
//!   week") and "two years ago" are not read.

use std::fmt::Write as _;
use time::{Date, Month};

/// A calendar date known to year, month or day precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

#[rustfmt::skip]
const MONTH_NAMES: [&str; 12] = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
];

impl PartialDate {
    /// "YYYY", "YYYY-MM" or "YYYY-MM-DD": as precise as the text allows (for `<time datetime>`).
    pub fn datetime(&self) -> String {
        let mut s = if self.year >= 0 {
            format!("{:04}", self.year)
        } else {
            format!("-{:04}", self.year.unsigned_abs())
        };
        if let Some(m) = self.month {
            let _ = write!(s, "-{m:02}");
            if let Some(d) = self.day {
                let _ = write!(s, "-{d:02}");
            }
        }
        s
    }

    /// Human label: "2019", "November 2019", "7 October 2020".
    pub fn label(&self) -> String {
        let name = self.month.and_then(|m| MONTH_NAMES.get(usize::from(m).wrapping_sub(1)));
        match (name, self.day) {
            (Some(name), Some(d)) => format!("{d} {name} {}", self.year),
            (Some(name), None) => format!("{name} {}", self.year),
            (None, _) => self.year.to_string(),
        }
    }
}

/// One date expression found in the text, with its byte span.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateMention {
    pub date: PartialDate,
    /// Byte offset of the first byte of the date expression (a char boundary).
    pub start: usize,
    /// Byte offset just past the date expression (a char boundary).
    pub end: usize,
}

/// Finds the date expressions in `text`, in order, without overlaps.
///
/// `published`: the article's date, used to resolve "last year", "this year", "late
/// March" etc.; when None, relative expressions are skipped.
pub fn find_dates(text: &str, published: Option<Date>) -> Vec<DateMention> {
    let mut scan = Scan {
        text,
        toks: tokenize(text),
        published,
        last_end: None,
    };
    let mut cands = Vec::new();
    let mut i = 0;
    while i < scan.toks.len() {
        match scan.parse_at(i) {
            Some(c) => {
                scan.last_end = Some(c.last);
                cands.push(c);
                i = c.last + 1;
            }
            None => i += 1,
        }
    }
    scan.finish(&cands)
}

// ---------------------------------------------------------------------------
// Tokens

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Letters only.
    Word,
    /// ASCII digits only.
    Num,
    /// Digits then st/nd/rd/th: "7th".
    Ordinal,
    /// Any other alphanumeric run ("5G", "G20", "1990s"): never part of a date.
    Mixed,
    Punct(char),
}

#[derive(Debug, Clone, Copy)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
    /// Whitespace (or the start of text) precedes the token.
    gap: bool,
    /// Sentence number, so a bare month can borrow its sentence's year.
    sent: u32,
    /// Value of the leading digits (saturating) and how many there are.
    val: u32,
    ndig: u32,
}

/// Splits into alphanumeric runs and single punctuation chars, numbering sentences.
/// Runs are scanned bytewise with an ASCII fast path: this is the hot loop.
fn tokenize(text: &str) -> Vec<Tok> {
    let bytes = text.as_bytes();
    let char_at = |i: usize| match bytes.get(i) {
        Some(&b) if b.is_ascii() => Some(char::from(b)),
        _ => text.get(i..).and_then(|s| s.chars().next()),
    };
    let mut toks: Vec<Tok> = Vec::with_capacity(text.len() / 6 + 1);
    let (mut i, mut gap, mut sent, mut brk, mut dot) = (0, true, 0u32, false, false);
    while let Some(c) = char_at(i) {
        let start = i;
        i += c.len_utf8();
        if c.is_whitespace() {
            gap = true;
            brk |= c == '\n' || c == '\r';
            continue;
        }
        let mut tok = Tok {
            kind: Kind::Punct(c),
            start,
            end: i,
            gap,
            sent,
            val: 0,
            ndig: 0,
        };
        if c.is_alphanumeric() {
            let mut j = start;
            while let Some(d) = bytes.get(j).filter(|b| b.is_ascii_digit()) {
                tok.ndig = tok.ndig.saturating_add(1);
                tok.val = tok.val.saturating_mul(10).saturating_add(u32::from(d - b'0'));
                j += 1;
            }
            let (rest, mut alpha) = (j, true);
            loop {
                match bytes.get(j) {
                    Some(b) if b.is_ascii_alphabetic() => j += 1,
                    Some(b) if b.is_ascii_digit() => (alpha, j) = (false, j + 1),
                    Some(b) if !b.is_ascii() => match char_at(j).filter(|c| c.is_alphanumeric()) {
                        Some(c) => (alpha, j) = (alpha && c.is_alphabetic(), j + c.len_utf8()),
                        None => break,
                    },
                    _ => break,
                }
            }
            (tok.end, i) = (j, j);
            let suffix = text.get(rest..j).unwrap_or("");
            let ordinal = || ["st", "nd", "rd", "th"].iter().any(|o| o.eq_ignore_ascii_case(suffix));
            tok.kind = match (tok.ndig, suffix.is_empty()) {
                (0, _) if alpha => Kind::Word,
                (1.., true) => Kind::Num,
                (1.., false) if ordinal() => Kind::Ordinal,
                _ => Kind::Mixed,
            };
        }
        // A '.' ends a sentence unless the next token is lowercase or a digit ("Oct. 2018").
        let continues = c.is_lowercase() || c.is_ascii_digit();
        if brk || (dot && gap && !continues) {
            sent = sent.wrapping_add(1);
            tok.sent = sent;
        }
        let closing = matches!(c, '”' | '’' | '"' | '\'' | ')');
        dot = c == '.' || (dot && closing && !gap);
        brk = matches!(c, '!' | '?' | '•');
        gap = false;
        toks.push(tok);
    }
    toks
}

// ---------------------------------------------------------------------------
// Word lists

/// Words after which a bare 4-digit number is read as a year.
const YEAR_CUES: &[&str] = &[
    "in", "since", "by", "until", "till", "from", "of", "during", "before", "after", "around", "circa", "through",
    "year", "fiscal", "fy", "between",
];
/// Of those, the ones naming a point in time (not a bound), so the year can anchor
/// a bare month in the same sentence.
const ANCHOR_CUES: &[&str] = &["in", "during", "of", "year", "around", "circa"];
/// Words after which a capitalised month name with no day or year is a month.
const MONTH_CUES: &[&str] = &["in", "since", "by", "until", "till", "from", "during", "between"];
/// "end of March", "beginning of May".
const OF_CUES: &[&str] = &["end", "beginning", "start", "middle", "close"];
const QUALIFIERS: &[&str] = &["early", "mid", "late", "earlier", "later"];
/// Offsets -1, 0, +1 from the publication year or month.
const RELATIVE: &[&str] = &["last", "this", "next"];
/// Words joining a second date to an accepted one (as do dashes and commas).
const CONNECTORS: &[&str] = &["to", "and", "or", "until", "till", "through"];
/// After a number these make it a quantity, never a year: "in 2019 crore".
const MEASURES: &[&str] = &[
    "crore", "lakh", "lakhs", "million", "billion", "trillion", "thousand", "hundred", "percent", "per", "km", "kg",
    "tonnes", "tons", "dollars", "rupees", "yen", "acres", "hectares", "mw",
];
/// After "of", "by", "from"... these make it a count: "of 2000 troops" (but "in 2019
/// people voted" is a year).
const COUNTED: &[&str] = &[
    "people", "persons", "troops", "soldiers", "units", "votes", "seats", "cases", "jobs",
];
/// Cues naming a point in time rather than an amount or bound.
const POINT_CUES: &[&str] = &["in", "during", "since"];
/// "the last year" is the past twelve months, not last calendar year.
const NOT_BEFORE_RELATIVE: &[&str] = &["the", "that", "past", "every", "each"];
/// Cheap gate run on every word: an expression starts with a capital (a month,
/// "This year") or with the first letter of a lowercase starter word.
fn may_start(w: &str) -> bool {
    let first = w.as_bytes().first();
    first.is_some_and(u8::is_ascii_uppercase)
        || QUALIFIERS.iter().chain(RELATIVE).any(|s| s.as_bytes().first() == first)
}

// ---------------------------------------------------------------------------
// Matching

/// A date expression before sentence-level resolution; `first..=last` are token indices.
#[derive(Debug, Clone, Copy)]
struct Cand {
    /// None: a month (and day) still needing a year.
    year: Option<i32>,
    month: Option<u8>,
    day: Option<u8>,
    first: usize,
    last: usize,
    /// May lend its year to a bare month in the same sentence.
    anchor: bool,
}

impl Cand {
    /// With a year it anchors its sentence; a month without one waits for one.
    fn new(year: Option<i32>, month: Option<u8>, day: Option<u8>, first: usize, last: usize) -> Self {
        let anchor = year.is_some();
        Cand {
            year,
            month,
            day,
            first,
            last,
            anchor,
        }
    }
}

struct Scan<'a> {
    text: &'a str,
    toks: Vec<Tok>,
    published: Option<Date>,
    /// Last token of the last accepted expression, to read ranges and lists.
    last_end: Option<usize>,
}

impl Scan<'_> {
    fn tok(&self, i: usize) -> Option<&Tok> {
        self.toks.get(i)
    }

    fn word(&self, i: usize) -> Option<&str> {
        let t = self.tok(i).filter(|t| t.kind == Kind::Word)?;
        self.text.get(t.start..t.end)
    }

    fn is(&self, i: usize, w: &str) -> bool {
        self.word(i).is_some_and(|x| x.eq_ignore_ascii_case(w))
    }

    fn is_any(&self, i: usize, ws: &[&str]) -> bool {
        self.word(i)
            .is_some_and(|x| ws.iter().any(|w| x.eq_ignore_ascii_case(w)))
    }

    /// The word before token `i` is one of `ws`.
    fn prev_is_any(&self, i: usize, ws: &[&str]) -> bool {
        i > 0 && self.is_any(i - 1, ws)
    }

    fn punct(&self, i: usize) -> Option<char> {
        match self.tok(i)?.kind {
            Kind::Punct(c) => Some(c),
            _ => None,
        }
    }

    /// Token `i` exists and touches the token before it.
    fn glued(&self, i: usize) -> bool {
        self.tok(i).is_some_and(|t| !t.gap)
    }

    fn num(&self, i: usize) -> Option<&Tok> {
        self.tok(i).filter(|t| t.kind == Kind::Num)
    }

    /// Nothing glued on the left except an opening bracket or quote.
    fn left_free(&self, i: usize) -> bool {
        i == 0
            || self.tok(i).is_some_and(|t| t.gap)
            || matches!(self.punct(i - 1), Some('(' | '[' | '“' | '"' | '‘' | '\''))
    }

    /// Nothing glued on the right except closing punctuation; "1,000" and "2.5" fail.
    fn right_free(&self, i: usize) -> bool {
        let Some(next) = self.tok(i + 1) else {
            return true;
        };
        if next.gap {
            return true;
        }
        match next.kind {
            Kind::Punct(',' | '.' | ':') => !self
                .tok(i + 2)
                .is_some_and(|t| !t.gap && !matches!(t.kind, Kind::Punct(_))),
            Kind::Punct(')' | ']' | ';' | '!' | '?' | '”' | '’' | '"' | '\'' | '–' | '—') => true,
            _ => false,
        }
    }

    /// Token `i` follows an accepted expression and a connector: "from 2018 to 2020",
    /// "between March and June", "in 2017, 2018 and 2019".
    fn continues_range(&self, i: usize) -> bool {
        i >= 2
            && self.last_end == Some(i - 2)
            && (matches!(self.punct(i - 1), Some('-' | '–' | '—' | ',')) || self.is_any(i - 1, CONNECTORS))
    }

    /// The number at `i` is an amount: "2019 crore", "2019%", (if `counted`) "2000 troops".
    fn quantity(&self, i: usize, counted: bool) -> bool {
        self.is_any(i + 1, MEASURES) || self.punct(i + 1) == Some('%') || (counted && self.is_any(i + 1, COUNTED))
    }

    /// A 4-digit number in `lo..=hi`.
    fn year_num(&self, i: usize, lo: u32, hi: u32) -> Option<i32> {
        let t = self.num(i).filter(|t| t.ndig == 4 && (lo..=hi).contains(&t.val))?;
        i32::try_from(t.val).ok()
    }

    /// A free-standing day number or ordinal, 1..=31 (a day range "7-8" may follow).
    fn day_at(&self, i: usize) -> Option<u8> {
        let t = self.tok(i)?;
        let ok = matches!(t.kind, Kind::Num | Kind::Ordinal)
            && t.ndig <= 2
            && self.left_free(i)
            && (self.right_free(i) || self.day_range_end(i) > i);
        ok.then_some(t.val)
            .filter(|v| (1..=31).contains(v))
            .and_then(|v| u8::try_from(v).ok())
    }

    /// Last token of "7-8" / "7–8" starting at the day `i`, or `i`.
    fn day_range_end(&self, i: usize) -> usize {
        let second = self
            .num(i + 2)
            .is_some_and(|t| t.ndig <= 2 && (1..=31).contains(&t.val));
        let joined = matches!(self.punct(i + 1), Some('-' | '–')) && self.glued(i + 1);
        if self.num(i).is_some() && joined && second && self.glued(i + 2) && self.right_free(i + 2) {
            i + 2
        } else {
            i
        }
    }

    /// A capitalised month name at `i`: (month, is full name, last token incl. a '.').
    /// Abbreviations ("Oct", "Sept") are also names ("Jan"), so callers want a number.
    fn month_at(&self, i: usize) -> Option<(u8, bool, usize)> {
        let w = self.word(i).filter(|w| (3..=9).contains(&w.len()))?;
        if !w.as_bytes().first().is_some_and(u8::is_ascii_uppercase) {
            return None;
        }
        let short = |n: &str| n.get(..3).is_some_and(|a| a.eq_ignore_ascii_case(w));
        let (m, full) = (1u8..)
            .zip(MONTH_NAMES)
            .find_map(|(m, n)| {
                let full = n.eq_ignore_ascii_case(w);
                (full || short(n)).then_some((m, full))
            })
            .or_else(|| w.eq_ignore_ascii_case("sept").then_some((9, false)))?;
        let dot = !full && self.punct(i + 1) == Some('.') && self.glued(i + 1);
        Some((m, full, if dot { i + 1 } else { i }))
    }

    fn parse_at(&self, i: usize) -> Option<Cand> {
        match self.tok(i)?.kind {
            Kind::Num => self
                .iso(i)
                .or_else(|| self.fiscal(i))
                .or_else(|| self.day_first(i))
                .or_else(|| self.year(i, false)),
            Kind::Ordinal => self.day_first(i),
            Kind::Word if self.word(i).is_some_and(may_start) => self
                .qualified(i)
                .or_else(|| self.month_first(i, false))
                .or_else(|| self.relative(i)),
            _ => None,
        }
    }

    /// "early November", "mid-2019", "late last year", "earlier this month".
    fn qualified(&self, i: usize) -> Option<Cand> {
        if !self.is_any(i, QUALIFIERS) {
            return None;
        }
        let mut j = i + 1;
        if self.punct(j) == Some('-') && self.glued(j) && self.glued(j + 1) {
            j += 1;
        }
        let c = self
            .month_first(j, true)
            .or_else(|| self.relative(j))
            .or_else(|| self.year(j, true))?;
        Some(Cand { first: i, ..c })
    }

    /// "2020-10-07" or "2020/10/07".
    fn iso(&self, i: usize) -> Option<Cand> {
        let y = self.year_num(i, 1800, 2100).filter(|_| self.left_free(i))?;
        let sep = self.punct(i + 1).filter(|c| matches!(c, '-' | '/'))?;
        let two = |k: usize| self.num(k).filter(|t| t.ndig == 2 && !t.gap).map(|t| t.val);
        let (m, d) = (two(i + 2)?, two(i + 4)?);
        let ok = self.glued(i + 1) && self.punct(i + 3) == Some(sep) && self.glued(i + 3);
        if !ok || !self.right_free(i + 4) {
            return None;
        }
        let (m, d) = (u8::try_from(m).ok()?, u8::try_from(d).ok()?);
        valid(y, m, Some(d)).then_some(Cand::new(Some(y), Some(m), Some(d), i, i + 4))
    }

    /// Fiscal years "2019-20", "2019–2020": the first year.
    fn fiscal(&self, i: usize) -> Option<Cand> {
        let y = self.year_num(i, 1900, 2100).filter(|_| self.left_free(i))?;
        let joined = matches!(self.punct(i + 1), Some('-' | '–' | '/')) && self.glued(i + 1);
        let next = self.num(i + 2).filter(|t| !t.gap)?;
        let y1 = u32::try_from(y).ok()? + 1;
        let follows = (next.ndig == 2 && next.val == y1 % 100) || (next.ndig == 4 && next.val == y1);
        let c = Cand::new(Some(y), None, None, i, i + 2);
        (joined && follows && self.right_free(i + 2)).then_some(Cand { anchor: false, ..c })
    }

    /// A bare year; `cued` when a qualifier already stands before it.
    fn year(&self, i: usize, cued: bool) -> Option<Cand> {
        let y = self.year_num(i, 1900, 2100)?;
        let ranged = self.continues_range(i);
        let cue = cued || ranged || (self.left_free(i) && self.prev_is_any(i, YEAR_CUES));
        // A hyphen may follow only as the start of a range "2018-2021".
        let right = self.right_free(i)
            || (self.punct(i + 1) == Some('-')
                && self.glued(i + 1)
                && self.num(i + 2).is_some_and(|t| t.ndig == 4 && !t.gap));
        let unit = self.quantity(i, !cued && !self.prev_is_any(i, POINT_CUES));
        let anchor = cued || (!ranged && self.prev_is_any(i, ANCHOR_CUES));
        (cue && right && !unit).then_some(Cand {
            anchor,
            ..Cand::new(Some(y), None, None, i, i)
        })
    }

    /// "7 October 2020", "7th of October", "7-8 October".
    fn day_first(&self, i: usize) -> Option<Cand> {
        let d = self.day_at(i)?;
        let mut k = self.day_range_end(i);
        if self.is(k + 1, "of") {
            k += 1;
        }
        let (m, _, mk) = self.month_at(k + 1)?;
        Some(self.with_year(m, Some(d), i, mk))
    }

    /// "November 2019", "October 7, 2020", "December last year", "in early November".
    fn month_first(&self, i: usize, cued: bool) -> Option<Cand> {
        let (m, full, k) = self.month_at(i)?;
        if let Some(d) = self.day_at(k + 1) {
            return Some(self.with_year(m, Some(d), i, self.day_range_end(k + 1)));
        }
        let c = self.with_year(m, None, i, k);
        let of_cue = self.prev_is_any(i, &["of"]) && i >= 2 && self.is_any(i - 2, OF_CUES);
        let cue = cued || of_cue || self.prev_is_any(i, MONTH_CUES) || self.continues_range(i);
        (c.year.is_some() || (full && cue)).then_some(c)
    }

    /// Attaches a following year ("…, 2020") or relative year ("… last year") to a
    /// month (and day) spanning tokens `first..=last`; else leaves the year open.
    fn with_year(&self, m: u8, d: Option<u8>, first: usize, last: usize) -> Cand {
        let dated = |y, last| Cand::new(Some(y), Some(m), d.filter(|&d| valid(y, m, Some(d))), first, last);
        let j = last + 1 + usize::from(self.punct(last + 1) == Some(','));
        if let Some(y) = self.year_num(j, 1800, 2100) {
            if self.left_free(j) && self.right_free(j) && !self.quantity(j, true) {
                return dated(y, j);
            }
        }
        let j = last + 1 + usize::from(self.is(last + 1, "of"));
        if let (Some(p), Some(delta)) = (self.published, self.relative_word(j)) {
            if self.is(j + 1, "year") {
                return dated(p.year() + delta, j + 1);
            }
        }
        Cand::new(None, Some(m), d, first, last)
    }

    fn relative_word(&self, i: usize) -> Option<i32> {
        let w = self.word(i)?;
        RELATIVE
            .iter()
            .position(|r| r.eq_ignore_ascii_case(w))
            .and_then(|p| i32::try_from(p).ok())
            .map(|p| p - 1)
    }

    /// "last year", "this month", "next May": needs the publication date.
    fn relative(&self, i: usize) -> Option<Cand> {
        let p = self.published?;
        let (py, pm) = (p.year(), u8::from(p.month()));
        let delta = self.relative_word(i)?;
        if delta != 0 && self.prev_is_any(i, NOT_BEFORE_RELATIVE) {
            return None;
        }
        if self.is(i + 1, "year") {
            return Some(Cand::new(Some(py + delta), None, None, i, i + 1));
        }
        if self.is(i + 1, "month") {
            let idx = py * 12 + i32::from(pm) - 1 + delta;
            let m = u8::try_from(idx.rem_euclid(12) + 1).ok()?;
            return Some(Cand::new(Some(idx.div_euclid(12)), Some(m), None, i, i + 1));
        }
        let (m, true, k) = self.month_at(i + 1)? else {
            return None;
        };
        let y = match delta {
            -1 if m < pm => py,
            -1 => py - 1,
            1 if m > pm => py,
            1 => py + 1,
            _ => py,
        };
        Some(Cand::new(Some(y), Some(m), None, i, k))
    }

    /// Resolves open months sentence by sentence and drops year-only mentions made
    /// redundant by a more precise one of the same year in the same sentence.
    fn finish(&self, cands: &[Cand]) -> Vec<DateMention> {
        let (mut out, mut group_out, mut precise) = (Vec::new(), Vec::new(), Vec::new());
        let sent = |c: &Cand| self.tok(c.first).map_or(0, |t| t.sent);
        for group in cands.chunk_by(|a, b| sent(a) == sent(b)) {
            // The sentence's year, if it names exactly one.
            let mut years = group.iter().filter(|c| c.anchor).filter_map(|c| c.year);
            let sentence_year = years.next().filter(|&y| years.all(|o| o == y));
            for c in group {
                let year = c.year.or(sentence_year).or_else(|| self.recent(c.month));
                let (Some(year), Some(a), Some(b)) = (year, self.tok(c.first), self.tok(c.last)) else {
                    continue;
                };
                if c.month.is_some() {
                    precise.push(year);
                }
                // A day checked against no year ("31 Feb") is checked again now
                // that the year is known; a day that does not exist is dropped,
                // as `with_year` does, leaving the month.
                let day = c.day.filter(|&d| c.month.is_some_and(|m| valid(year, m, Some(d))));
                let date = PartialDate {
                    year,
                    month: c.month,
                    day,
                };
                group_out.push(DateMention {
                    date,
                    start: a.start,
                    end: b.end,
                });
            }
            precise.sort_unstable();
            let redundant = |m: &DateMention| m.date.month.is_none() && precise.binary_search(&m.date.year).is_ok();
            out.extend(group_out.drain(..).filter(|m| !redundant(m)));
            precise.clear();
        }
        out
    }

    /// Year of the most recent `month` not after publication.
    fn recent(&self, month: Option<u8>) -> Option<i32> {
        let (p, m) = (self.published?, month?);
        Some(p.year() - i32::from(m > u8::from(p.month())))
    }
}

fn valid(y: i32, m: u8, d: Option<u8>) -> bool {
    let day_ok = |month| d.is_none_or(|d| Date::from_calendar_date(y, month, d).is_ok());
    Month::try_from(m).is_ok_and(day_ok)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    const PUB: Date = date!(2020 - 10 - 07);

    fn found(text: &str, published: Option<Date>) -> Vec<String> {
        let span = |m: &DateMention| text.get(m.start..m.end).unwrap_or("<bad span>");
        let all = find_dates(text, published);
        all.iter()
            .map(|m| format!("{}|{}", m.date.datetime(), span(m)))
            .collect()
    }

    /// One case a line, `text => datetime|matched text ; ...`, for an article of
    /// 2020-10-07; nothing after `=>` means nothing may be found.
    fn check(table: &str) {
        for line in table.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let (text, want) = line.rsplit_once("=>").unwrap_or((line, ""));
            let want: Vec<&str> = want.split(';').map(str::trim).filter(|w| !w.is_empty()).collect();
            assert_eq!(found(text.trim_end(), Some(PUB)), want, "{text}");
        }
    }

    #[test]
    fn sentences_from_the_articles() {
        check("
            At the East Asia Summit in November 2019, India launched the IPOI => 2019-11|November 2019
            during Prime Minister of India’s visit to Japan in October 2018, the “India-Japan Digital Partnership” (I-JDP) was launched => 2018-10|October 2018
            In 2019, both countries had their first-ever 2+2 ministerial-level dialogue => 2019|2019
            The IPOI was launched by Prime Minister Narendra Modi in Bangkok last year, when the East Asia summit was held in early November. => 2019-11|early November
            The summit, which was to take place with Prime Minister Shinzo Abe visiting Guwahati in December last year, was cancelled => 2019-12|December last year
            Japan’s top three carriers, NTT Docomo, KDDI and SoftBank Corp, rolled out their 5G services late March ahead of Japan’s new fiscal year. => 2020-03|late March
            This year, Japan has been repeatedly hit by cyberattacks. => 2020|This year
            A recent attack on Mitsubishi Electric may have resulted in information =>
            India and Japan recently held the 13th edition of their Foreign Ministers’ Strategic Dialogue =>
            the second Ministerial meeting of Quad countries, seven central pillars, the Covid-19 pandemic =>
        ");
    }

    #[test]
    fn a_sentence_year_completes_its_bare_months() {
        check(
            "
            In early November, as last year, talks were held. => 2019-11|early November
            In 2018, talks began in March and ended in June. => 2018-03|March ; 2018-06|June
            In November 2019 and again in December, talks were held. => 2019-11|November 2019 ; 2019-12|December
            In 2017 and in 2018 talks ended in December. => 2017|2017 ; 2018|2018 ; 2019-12|December
            It happened last year. Talks resumed in March. => 2019|last year ; 2020-03|March
        ",
        );
    }

    #[test]
    fn full_dates() {
        check(
            "
            on 7 October 2020 => 2020-10-07|7 October 2020
            October 7, 2020 => 2020-10-07|October 7, 2020
            7th October, 2020 => 2020-10-07|7th October, 2020
            2020-10-07 => 2020-10-07|2020-10-07
            the 7th of October 2020 => 2020-10-07|7th of October 2020
            Jan. 15, 2021 => 2021-01-15|Jan. 15, 2021
            as of September 30, 2020 => 2020-09-30|September 30, 2020
            He was born on March 3rd, 1965. => 1965-03-03|March 3rd, 1965
            on 7-8 October 2020 in Tokyo => 2020-10-07|7-8 October 2020
            2020/02/29 and 2019-02-29 => 2020-02-29|2020/02/29
            on 31 September 2020 => 2020-09|31 September 2020
            on 12 October => 2020-10-12|12 October
            on 15 Aug => 2020-08-15|15 Aug
        ",
        );
    }

    #[test]
    fn months() {
        check(
            "
            signed in Oct. 2018 and Sept 2019 => 2018-10|Oct. 2018 ; 2019-09|Sept 2019
            By March, 2019 the deal was done => 2019-03|March, 2019
            NOVEMBER 2019 => 2019-11|NOVEMBER 2019
            until the end of May => 2020-05|May
            between March and June => 2020-03|March ; 2020-06|June
            from March to December 2019 => 2019-03|March ; 2019-12|December 2019
            In March, 2000 people marched. => 2020-03|March
            in December => 2019-12|December
            in October => 2020-10|October
            in mid-March => 2020-03|mid-March
            in Jan Smith's view =>
            troops march on =>
            the march of 2019 troops =>
        ",
        );
    }

    #[test]
    fn may_is_a_month_only_with_context() {
        check(
            "
            May 2019 => 2019-05|May 2019
            on May 5, 2019 => 2019-05-05|May 5, 2019
            in May => 2020-05|May
            since early May => 2020-05|early May
            25 May => 2020-05-25|25 May
            may have resulted =>
            May have resulted in a loss. =>
            May be so. May we go? =>
        ",
        );
    }

    #[test]
    fn relative_expressions() {
        check(
            "
            next year => 2021|next year
            last month => 2020-09|last month
            earlier this month => 2020-10|earlier this month
            late last year => 2019|late last year
            last March => 2020-03|last March
            last December => 2019-12|last December
            next May => 2021-05|next May
            next December => 2020-12|next December
            in March this year => 2020-03|March this year
            in January of next year => 2021-01|January of next year
            profits for last year => 2019|last year
            over the last year =>
            the next year =>
        ",
        );
        assert_eq!(found("last month", Some(date!(2020 - 01 - 15))), ["2019-12|last month"]);
        assert_eq!(found("next month", Some(date!(2020 - 12 - 15))), ["2021-01|next month"]);
    }

    #[test]
    fn relative_needs_publication_date() {
        for t in [
            "last year",
            "late March",
            "in December",
            "December last year",
            "next May",
        ] {
            assert!(find_dates(t, None).is_empty(), "{t}");
        }
        // Explicit dates need no publication date; a sentence's year still lends.
        assert_eq!(found("In 2018, talks began in March.", None), ["2018-03|March"]);
        assert_eq!(found("on 7 October 2020", None), ["2020-10-07|7 October 2020"]);
    }

    #[test]
    fn years() {
        check(
            "
            in mid-2019 => 2019|mid-2019
            by late 2021 => 2021|late 2021
            the 2019-20 budget => 2019|2019-20
            in 2019–2020 => 2019|2019–2020
            from 2016 to 2018 => 2016|2016 ; 2018|2018
            in 2016-2018 => 2016|2016 ; 2018|2018
            Between 2014 and 2019, trade doubled. => 2014|2014 ; 2019|2019
            in 2017, 2018 and 2019 => 2017|2017 ; 2018|2018 ; 2019|2019
            In 2019, 2,000 people and 1,500 troops => 2019|2019
            In 2019 people voted. => 2019|2019
            by 2030 emissions must fall => 2030|2030
            It was the worst since 2008’s crisis. => 2008|2008
            in the year 1999 => 1999|1999
            in the 1990s =>
            in the late 1990s =>
            The 2020 Olympics were postponed. =>
            2019 =>
        ",
        );
    }

    #[test]
    fn numbers_that_are_not_years() {
        check(
            "
            2+2 =>
            5G and 4G =>
            Covid-19 and COVID-19 =>
            G20 =>
            1,000 troops =>
            Rs 2019 crore =>
            in 2019 crore =>
            of 2000 troops =>
            by 2030 votes =>
            about 2050 people =>
            in 1850 =>
            in 2101 =>
            in 2019.5 =>
            in 2,019 =>
            Covid-19 March =>
            version 2020-10-07T10 =>
            FY2020 =>
            in 20190 =>
            日本 in 2019年 =>
            Rs 500 in March => 2020-03|March
        ",
        );
    }

    #[test]
    fn odd_characters() {
        check("
            “In\u{a0}November\u{a0}2019” — late\u{a0}March… (in 2018) ‘since 2014’ => 2019-11|November\u{a0}2019 ; 2020-03|late\u{a0}March ; 2018|2018 ; 2014|2014
            Ünïcödé in 2019, ünd in März => 2019|2019
        ");
        let lines = "In November 2019, India launched it.\nIn 2019, both met.\nIn October 2018, it began.";
        let labels: Vec<String> = find_dates(lines, Some(PUB)).iter().map(|m| m.date.label()).collect();
        assert_eq!(labels, ["November 2019", "2019", "October 2018"]);
    }

    #[test]
    fn labels_and_datetimes() {
        let d = |year, month, day| PartialDate { year, month, day };
        assert_eq!(d(2019, None, None).label(), "2019");
        assert_eq!(d(2019, Some(11), None).label(), "November 2019");
        assert_eq!(d(2020, Some(10), Some(7)).label(), "7 October 2020");
        assert_eq!(d(2020, Some(10), Some(7)).datetime(), "2020-10-07");
        assert_eq!(d(2019, Some(11), None).datetime(), "2019-11");
        assert_eq!(d(987, None, None).datetime(), "0987");
        // Out-of-range values do not panic.
        assert_eq!(d(-5, Some(13), Some(0)).label(), "-5");
        assert_eq!(d(2019, Some(0), None).label(), "2019");
        assert!(d(2019, None, None) < d(2019, Some(1), None));
    }

    /// Deterministic pseudo-random soup of date-ish fragments and multi-byte chars.
    fn soup(seed: u64, pieces: usize) -> String {
        const BITS: &str = "2019|-|–|in |May|March| |7th|\u{a0}|’|last|year|é|𝄞|,|.|10|Oct|mid|of|\n|0|31|2020-10-07|/|early|the|two|month|•|99|Sept.|1,||this";
        let bits: Vec<&str> = BITS.split('|').collect();
        let mut x = seed;
        let mut s = String::new();
        for _ in 0..pieces {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            s.push_str(bits.get((x >> 33) as usize % bits.len()).unwrap_or(&""));
        }
        s
    }

    /// Spans are ordered, disjoint, non-empty and on char boundaries.
    fn check_spans(text: &str) -> usize {
        let mut prev_end = 0;
        let found = find_dates(text, Some(PUB));
        for m in &found {
            assert!(m.start < m.end && m.start >= prev_end, "{m:?}");
            assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
            prev_end = m.end;
        }
        found.len()
    }

    #[test]
    fn never_panics_on_odd_input() {
        let hits: usize = (0..3000).map(|seed| check_spans(&soup(seed, 40))).sum();
        assert!(hits > 100);
        for t in ["", "\u{a0}", "99999999999999999999 in 99999", "March", "7", "early-"] {
            check_spans(t);
        }
    }

    #[test]
    fn large_inputs_stay_linear() {
        let mb = 1 << 20;
        let digits: String = "0123456789".chars().cycle().take(mb).collect();
        assert_eq!(check_spans(&digits), 0);
        check_spans(&"1 22 333 4444 2019 - , ".repeat(mb / 23));
        // One huge sentence exercises the sentence pass: each "in March" takes the
        // year, and the then redundant years are dropped.
        let reps = mb / 17;
        assert_eq!(check_spans(&"in 2019 in March ".repeat(reps)), reps);
        check_spans(&soup(7, mb / 4));
    }
}

#[cfg(test)]
mod fuzz_regressions {
    use super::*;
    use time::macros::date;

    /// Found by `cargo fuzz run dates`: a day and month whose year comes later
    /// (from the publication date or the sentence) was not checked against
    /// that year, so "31 Feb" became 31 February.
    #[test]
    fn a_day_resolved_against_a_later_year_must_exist() {
        for (text, published) in [
            ("31 Feb", Some(date!(2021 - 03 - 01))),
            ("In 2021 talks began on 30 February.", None),
            ("29 February", Some(date!(2021 - 03 - 01))),
        ] {
            for m in find_dates(text, published) {
                if let (Some(month), Some(day)) = (m.date.month, m.date.day) {
                    assert!(valid(m.date.year, month, Some(day)), "{text:?} gave {:?}", m.date);
                }
            }
        }
        let leap = find_dates("29 February", Some(date!(2020 - 03 - 01)));
        assert_eq!(leap.first().map(|m| m.date.datetime()).as_deref(), Some("2020-02-29"));
        let not_leap = find_dates("29 February", Some(date!(2021 - 03 - 01)));
        assert_eq!(not_leap.first().map(|m| m.date.datetime()).as_deref(), Some("2021-02"));
    }
}
