//! Inline SVG charts drawn at build time: a timeline of dated events and a map of related topics.
//!
//! Each public function returns one `<svg>` element, ready to paste into an HTML5 page, or an empty
//! string when there is nothing to draw.
//!
//! * Responsive: a `viewBox` [`VIEW_W`] units wide, `width="100%"` and no fixed height, so the chart
//!   scales with its column. Text is 13–16 units: about 10–13 px in a 390 px phone's 350 px column;
//!   the stylesheet (`static/assets/style.css`, section "Charts") caps the chart at 30rem so
//!   desktop text stays at about 14–17 px.
//! * Accessible: no `role`, so the `<svg>` keeps its implicit `graphics-document` role, whose links
//!   assistive technology can reach (`img` would hide them; `group` is not allowed on `<svg>` by the
//!   Nu Html Checker that CI runs), with a `<title>` and a `<desc>` referenced by `aria-labelledby`
//!   and `aria-describedby`. Every link (`<a href>`, SVG 2 style) has an `aria-label` that starts
//!   with its visible label, and no `<title>` child (axe counts a title as visible text the name
//!   lacks, WCAG 2.5.3). The `<desc>` spells out what the chart shows in words.
//! * Themeable: shapes carry `fill="currentColor"` / `stroke="currentColor"` fallbacks and classes
//!   (`tl-*` for the timeline, `tm-*` for the topic map) that the stylesheet colours with the page's custom
//!   properties (`--text`, `--muted`, `--accent`, `--faint`, `--link`, optionally `--bg`).
//! * Safe and stable: all caller text is XML-escaped, ids are `{prefix}-title` and `{prefix}-desc`
//!   only, and output is deterministic (no hashing, no randomness).

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Width of every chart's `viewBox`, in user units. Narrow on purpose: at 390 px the chart is drawn at
/// about 0.8 px per unit, so 13-unit text stays readable.
pub const VIEW_W: f64 = 440.0;
/// Minimum distance between text and the left or right edge of the `viewBox`.
const EDGE: f64 = 4.0;
/// Font sizes, in user units.
const LABEL_SIZE: f64 = 16.0;
const AXIS_SIZE: f64 = 14.0;
const SMALL_SIZE: f64 = 13.0;
const MAP_SIZE: f64 = 15.0;
/// Beyond this many events the timeline becomes a histogram.
const HISTOGRAM_AFTER: usize = 24;
/// Histograms count events per month up to this many years, per year beyond.
const MONTHLY_MAX_YEARS: i64 = 8;
/// The topic map draws at most this many nodes (the heaviest).
const MAX_NODES: usize = 40;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

// ---------------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------------

/// One event on the timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimelineMark<'a> {
    pub year: i32,
    /// 1–12; anything else is treated as unknown.
    pub month: Option<u8>,
    /// Day of the month; ignored without a valid month or when out of range.
    pub day: Option<u8>,
    /// Short text shown next to the mark, e.g. "IPOI launched". Empty labels show the date instead.
    pub label: &'a str,
    /// Link to the entry, e.g. `#event-3`. Empty means "no link".
    pub href: &'a str,
}

/// One topic on the topic map.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MapNode<'a> {
    pub label: &'a str,
    /// Link to the topic page. Empty means "no link".
    pub href: &'a str,
    /// Passage count; the circle's area grows with it.
    pub weight: usize,
}

/// A link between two topics, by index into the node slice. Out-of-range indices and self-links are
/// skipped; duplicate pairs are merged (weights added).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MapEdge {
    pub a: usize,
    pub b: usize,
    /// Shared passages; the line's thickness grows with it.
    pub weight: usize,
}

// ---------------------------------------------------------------------------------------------------
// Timeline
// ---------------------------------------------------------------------------------------------------

/// Draws events along a horizontal time axis, each a labelled mark linking to its entry.
///
/// Events dated only to a year sit mid-year as hollow marks. With more than 24 events the chart
/// becomes a histogram of events per month (per year when the span exceeds 8 years) whose bars link
/// to the first entry of each bucket. Returns an empty string for no events.
pub fn timeline(marks: &[TimelineMark], id_prefix: &str) -> String {
    let mut events: Vec<Event> = marks.iter().enumerate().map(|(i, m)| Event::new(i, m)).collect();
    events.sort_by(|a, b| {
        a.year
            .cmp(&b.year)
            .then(a.frac.total_cmp(&b.frac))
            .then(a.index.cmp(&b.index))
    });
    let (Some(first), Some(last)) = (events.first(), events.last()) else {
        return String::new();
    };
    let axis = Axis {
        first: first.year,
        span: last.year - first.year + 1,
    };
    let n = events.len();
    let title = if n == 1 {
        format!("Timeline: 1 event, {}", first.date())
    } else {
        format!("Timeline: {n} events, {} to {}", first.date(), last.date())
    };
    let chart = if n > HISTOGRAM_AFTER {
        histogram(&events, &axis)
    } else {
        flags(&events, &axis)
    };
    let mut out = String::new();
    open_svg(
        &mut out,
        "tl",
        &clean_prefix(id_prefix),
        0.0,
        chart.height,
        &title,
        &chart.desc,
    );
    out.push_str(&chart.body);
    out.push_str("</svg>\n");
    out
}

struct Chart {
    body: String,
    height: f64,
    desc: String,
}

struct Event<'m> {
    index: usize,
    year: i64,
    month: Option<u8>,
    day: Option<u8>,
    /// Position inside the year, 0.0 (1 January) to 1.0 (31 December).
    frac: f64,
    label: String,
    href: &'m str,
}

impl<'m> Event<'m> {
    fn new(index: usize, m: &TimelineMark<'m>) -> Self {
        let year = i64::from(m.year);
        let month = m.month.filter(|v| (1..=12).contains(v));
        let day = month.and_then(|mo| m.day.filter(|d| *d >= 1 && *d <= days_in_month(year, mo)));
        let frac = match (month, day) {
            (Some(mo), Some(d)) => {
                (f64::from(mo - 1) + (f64::from(d) - 0.5) / f64::from(days_in_month(year, mo))) / 12.0
            }
            (Some(mo), None) => (f64::from(mo) - 0.5) / 12.0,
            _ => 0.5,
        };
        let mut event = Event {
            index,
            year,
            month,
            day,
            frac,
            label: clean_text(m.label),
            href: m.href,
        };
        if event.label.is_empty() {
            event.label = event.date();
        }
        event
    }

    fn year_only(&self) -> bool {
        self.month.is_none()
    }

    fn date(&self) -> String {
        match (self.month, self.day) {
            (Some(m), Some(d)) => format!("{d} {} {}", month_name(m), self.year),
            (Some(m), None) => format!("{} {}", month_name(m), self.year),
            _ => self.year.to_string(),
        }
    }
}

fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        2 if (year.rem_euclid(4) == 0 && year.rem_euclid(100) != 0) || year.rem_euclid(400) == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn month_name(month: u8) -> &'static str {
    MONTHS.get(usize::from(month).wrapping_sub(1)).copied().unwrap_or("")
}

/// Whole calendar years from `first` to `first + span - 1`, mapped onto the plot width.
struct Axis {
    first: i64,
    span: i64,
}

const AXIS_LEFT: f64 = 16.0;
const AXIS_RIGHT: f64 = VIEW_W - 16.0;

impl Axis {
    fn x(&self, year: i64, frac: f64) -> f64 {
        AXIS_LEFT + ((year - self.first) as f64 + frac) * self.per_year()
    }

    fn per_year(&self) -> f64 {
        (AXIS_RIGHT - AXIS_LEFT) / self.span as f64
    }

    /// Label every `step` years so year labels never touch.
    fn step(&self) -> i64 {
        let per_year = self.per_year();
        let mut magnitude: i64 = 1;
        loop {
            for m in [1, 2, 5] {
                let step = m * magnitude;
                if step as f64 * per_year >= 46.0 || magnitude >= 1_000_000_000 {
                    return step;
                }
            }
            magnitude *= 10;
        }
    }

    /// Height of the ruler strip under the axis line.
    fn strip(&self) -> f64 {
        if self.span == 1 {
            42.0
        } else {
            26.0
        }
    }

    /// Draws the axis line at `y` and a ruler strip below it (ticks, shaded alternate years, year
    /// labels, month names for a single year), with `between` drawn over the ticks but under the
    /// labels. Returns the y just below the strip.
    fn draw(&self, out: &mut String, y: f64, between: &str) -> f64 {
        let per_year = self.per_year();
        let step = self.step();
        let single = self.span == 1;
        let strip = self.strip();
        let last = self.first + self.span - 1;
        if step == 1 && self.span > 1 {
            for k in (1..self.span).step_by(2) {
                let _ = writeln!(
                    out,
                    r#"<rect class="tl-band" x="{}" y="{}" width="{}" height="{}" fill="currentColor" fill-opacity="0.07"/>"#,
                    num(self.x(self.first + k, 0.0)),
                    num(y),
                    num(per_year),
                    num(strip)
                );
            }
        }
        if per_year / 12.0 >= 6.0 {
            for year in self.first..=last {
                for m in 1..12 {
                    let x = self.x(year, f64::from(m) / 12.0);
                    tick(out, x, y, y + 5.0);
                }
            }
        }
        if per_year >= 3.0 {
            for year in self.first..=last + 1 {
                let len = if year.rem_euclid(step) == 0 || step == 1 {
                    strip
                } else {
                    6.0
                };
                tick(out, self.x(year, 0.0), y, y + len);
            }
        } else {
            let mut year = first_multiple(self.first, step);
            while year <= last + 1 {
                tick(out, self.x(year, 0.0), y, y + strip);
                year += step;
            }
        }
        let _ = writeln!(
            out,
            r#"<line class="tl-axis" x1="{}" y1="{y1}" x2="{}" y2="{y1}" stroke="currentColor" stroke-width="1.5"/>"#,
            num(AXIS_LEFT),
            num(AXIS_RIGHT),
            y1 = num(y)
        );
        out.push_str(between);
        if single {
            for m in 1..=12u8 {
                let name: String = month_name(m).chars().take(3).collect();
                text(
                    out,
                    "tl-month",
                    self.x(self.first, (f64::from(m) - 0.5) / 12.0),
                    y + 17.0,
                    SMALL_SIZE,
                    "middle",
                    &name,
                );
            }
            text(
                out,
                "tl-year",
                self.x(self.first, 0.5),
                y + 36.0,
                AXIS_SIZE,
                "middle",
                &self.first.to_string(),
            );
        } else if step == 1 {
            for year in self.first..=last {
                text(
                    out,
                    "tl-year",
                    self.x(year, 0.5),
                    y + 18.0,
                    AXIS_SIZE,
                    "middle",
                    &year.to_string(),
                );
            }
        } else {
            let mut year = first_multiple(self.first, step);
            while year <= last {
                let label = year.to_string();
                let x = self.x(year, 0.0) + 4.0;
                if x + text_width(&label, AXIS_SIZE) <= VIEW_W - EDGE {
                    text(out, "tl-year", x, y + 18.0, AXIS_SIZE, "start", &label);
                }
                year += step;
            }
        }
        y + strip
    }
}

fn first_multiple(from: i64, step: i64) -> i64 {
    let rem = from.rem_euclid(step);
    if rem == 0 {
        from
    } else {
        from + (step - rem)
    }
}

fn tick(out: &mut String, x: f64, y1: f64, y2: f64) {
    let _ = writeln!(
        out,
        r#"<line class="tl-tick" x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="currentColor" stroke-opacity="0.5"/>"#,
        num(y1),
        num(y2),
        x = num(x)
    );
}

fn text(out: &mut String, class: &str, x: f64, y: f64, size: f64, anchor: &str, content: &str) {
    let _ = writeln!(
        out,
        r#"<text class="{class}" x="{}" y="{}" font-size="{}" text-anchor="{anchor}" fill="currentColor">{}</text>"#,
        num(x),
        num(y),
        num(size),
        esc(content)
    );
}

/// Space between a mark's leader line and its label.
const FLAG_GAP: f64 = 5.0;
/// Minimum horizontal space between two labels in the same lane.
const FLAG_SPACING: f64 = 10.0;
/// Vertical distance between lanes.
const LANE_PITCH: f64 = 22.0;
/// Labels longer than this (in units) are shortened with an ellipsis.
const MAX_FLAG_W: f64 = 250.0;

/// Individual events: marks on the axis, each with a "flag" (vertical leader plus label) standing
/// above it, or hanging below the ruler when that avoids a leader crossing a label. Labels are packed
/// into as few lanes as possible and never overlap.
fn flags(events: &[Event], axis: &Axis) -> Chart {
    let items: Vec<(f64, String, f64)> = events
        .iter()
        .map(|e| {
            let x = axis.x(e.year, e.frac);
            let room = (VIEW_W - EDGE - x - FLAG_GAP).max(x - FLAG_GAP - EDGE).min(MAX_FLAG_W);
            let label = fit(&e.label, LABEL_SIZE, room);
            let w = text_width(&label, LABEL_SIZE);
            (x, label, w)
        })
        .collect();
    let geometry: Vec<(f64, f64)> = items.iter().map(|(x, _, w)| (*x, *w)).collect();
    let placed = place_flags(&geometry);
    let lanes = |below: bool| {
        placed
            .iter()
            .filter(|f| f.below == below)
            .map(|f| f.lane + 1)
            .max()
            .unwrap_or(0)
    };
    let axis_y = 18.0 + lanes(false) as f64 * LANE_PITCH;
    let below_top = axis_y + axis.strip() + 4.0;
    // Baseline of a label; above the axis lanes count upwards, below the ruler downwards.
    let baseline = |f: &Flag| {
        if f.below {
            below_top + 16.0 + f.lane as f64 * LANE_PITCH
        } else {
            axis_y - 16.0 - f.lane as f64 * LANE_PITCH
        }
    };

    let mut leaders = String::new();
    for ((x, _, _), flag) in items.iter().zip(&placed) {
        let (from, to) = if flag.below {
            (axis_y + 6.0, baseline(flag) + 4.0)
        } else {
            (axis_y - 6.0, baseline(flag) - 12.0)
        };
        let _ = writeln!(
            leaders,
            r#"<line class="tl-leader" x1="{x}" y1="{}" x2="{x}" y2="{}" stroke="currentColor" stroke-opacity="0.6"/>"#,
            num(from),
            num(to),
            x = num(*x)
        );
    }
    let mut body = String::new();
    let mut y = axis.draw(&mut body, axis_y, &leaders);
    if lanes(true) > 0 {
        y = below_top + lanes(true) as f64 * LANE_PITCH;
    }
    for ((e, (x, label, _)), flag) in events.iter().zip(&items).zip(&placed) {
        let date = e.date();
        let name = if e.label == date {
            date
        } else {
            format!("{} ({date})", e.label)
        };
        let inner = {
            let mut s = String::new();
            mark(&mut s, *x, axis_y, e.year_only());
            let (tx, anchor) = if flag.right {
                (x + FLAG_GAP, "start")
            } else {
                (x - FLAG_GAP, "end")
            };
            text(&mut s, "tl-label", tx, baseline(flag), LABEL_SIZE, anchor, label);
            s
        };
        link(&mut body, e.href, &name, &inner);
    }
    let year_only = events.iter().filter(|e| e.year_only()).count();
    if year_only > 0 {
        y = legend(&mut body, y, &[(false, "month or day known"), (true, "year only")]);
    }
    let mut desc = format!(
        "{} along a time axis from {} to {}; each mark links to its entry.",
        plural(events.len(), "event", "events"),
        axis.first,
        axis.first + axis.span - 1
    );
    if year_only > 0 {
        desc.push_str(" Hollow marks are events dated only to the year, placed mid-year.");
    }
    desc.push_str(" Events: ");
    let list: Vec<String> = events.iter().map(|e| format!("{}: {}", e.date(), e.label)).collect();
    desc.push_str(&list.join("; "));
    desc.push('.');
    Chart {
        body,
        height: y + 8.0,
        desc,
    }
}

fn mark(out: &mut String, x: f64, y: f64, hollow: bool) {
    if hollow {
        let _ = writeln!(
            out,
            r#"<circle class="tl-mark tl-approx" cx="{}" cy="{}" r="5.5" fill="none" stroke="currentColor" stroke-width="2.5"/>"#,
            num(x),
            num(y)
        );
    } else {
        let _ = writeln!(
            out,
            r#"<circle class="tl-mark" cx="{}" cy="{}" r="6" fill="currentColor" stroke-width="1.5"/>"#,
            num(x),
            num(y)
        );
    }
}

/// Wraps `inner` in a link with an accessible name, or in a plain group with a tooltip when there is
/// no href.
fn link(out: &mut String, href: &str, name: &str, inner: &str) {
    let name = esc(name);
    if href.trim().is_empty() {
        let _ = write!(out, "<g><title>{name}</title>\n{inner}</g>\n");
    } else {
        let _ = write!(
            out,
            "<a href=\"{}\" aria-label=\"{name}\">\n{inner}</a>\n",
            esc(href.trim())
        );
    }
}

/// Explains filled and hollow marks. Returns the y below the legend.
fn legend(out: &mut String, y: f64, entries: &[(bool, &str)]) -> f64 {
    let base = y + 22.0;
    let mut x = AXIS_LEFT + 2.0;
    for &(hollow, label) in entries {
        mark(out, x + 4.0, base - 5.0, hollow);
        text(out, "tl-legend", x + 14.0, base, SMALL_SIZE, "start", label);
        x += 14.0 + text_width(label, SMALL_SIZE) + 20.0;
    }
    base
}

#[derive(Debug, Clone, Copy, PartialEq)]
struct Flag {
    /// Hanging below the ruler instead of standing above the axis.
    below: bool,
    lane: usize,
    /// Label to the right of the leader (text-anchor start) or to its left (end).
    right: bool,
}

fn flag_box(x: f64, w: f64, right: bool) -> (f64, f64) {
    if right {
        (x + FLAG_GAP, x + FLAG_GAP + w)
    } else {
        (x - FLAG_GAP - w, x - FLAG_GAP)
    }
}

fn flag_fits(b: (f64, f64)) -> bool {
    b.0 >= EDGE - 1e-6 && b.1 <= VIEW_W - EDGE + 1e-6
}

/// Assigns each label (x of its mark, width) a side of the axis, a lane and a side of its leader.
///
/// All labels start above the axis. While some leader has to cross a label there, the label whose
/// move removes most crossings hangs below the ruler instead (its own lanes, stacking downwards).
fn place_flags(items: &[(f64, f64)]) -> Vec<Flag> {
    let n = items.len();
    let mut below = vec![false; n];
    let (mut flags, mut score) = pack_both(items, &below);
    // A few moves settle every realistic case; the cap bounds the work for pathological ones.
    for _ in 0..6 {
        if score.0 == 0 {
            break;
        }
        let mut best: Option<((usize, usize), usize, Vec<Flag>)> = None;
        for i in involved(items, &flags) {
            if below[i] {
                continue;
            }
            below[i] = true;
            let (trial, trial_score) = pack_both(items, &below);
            below[i] = false;
            if trial_score.0 < score.0 && best.as_ref().is_none_or(|(s, _, _)| trial_score < *s) {
                best = Some((trial_score, i, trial));
            }
        }
        let Some((trial_score, i, trial)) = best else {
            break;
        };
        below[i] = true;
        flags = trial;
        score = trial_score;
    }
    flags
}

/// Labels whose leader crosses another label, or that are crossed, in ascending order.
fn involved(items: &[(f64, f64)], flags: &[Flag]) -> Vec<usize> {
    let mut hit = vec![false; items.len()];
    for (i, a) in flags.iter().enumerate() {
        for (j, b) in flags.iter().enumerate() {
            let over = flag_box(items[j].0, items[j].1, b.right);
            let crossing = a.below == b.below && b.lane < a.lane && covers(over, items[i].0);
            let shadowing = a.below && !b.below && b.lane == 0 && covers(over, items[i].0);
            if crossing || shadowing {
                hit[i] = true;
                hit[j] = true;
            }
        }
    }
    (0..items.len()).filter(|&i| hit[i]).collect()
}

/// Packs the labels above and below the axis separately. Score: (crossings, lanes above + below).
fn pack_both(items: &[(f64, f64)], below: &[bool]) -> (Vec<Flag>, (usize, usize)) {
    let mut flags = vec![
        Flag {
            below: false,
            lane: 0,
            right: true
        };
        items.len()
    ];
    let mut score = (0, 0);
    for side in [false, true] {
        let index: Vec<usize> = (0..items.len()).filter(|&i| below[i] == side).collect();
        let subset: Vec<(f64, f64)> = index.iter().map(|&i| items[i]).collect();
        // A label just above the axis must not sit over a mark whose label hangs below: it would
        // read as that mark's label.
        let obstacles: Vec<f64> = if side {
            Vec::new()
        } else {
            (0..items.len()).filter(|&i| below[i]).map(|i| items[i].0).collect()
        };
        let (packed, crossings) = pack_side(&subset, &obstacles);
        score.0 += crossings;
        score.1 += packed.iter().map(|f| f.lane + 1).max().unwrap_or(0);
        for (&i, f) in index.iter().zip(packed) {
            flags[i] = Flag { below: side, ..f };
        }
    }
    (flags, score)
}

/// Packs labels on one side of the axis; lanes stack away from it, so a leader crosses every lane
/// nearer the axis than its own. Minimises (leaders crossing labels, lanes); returns the crossings.
///
/// Labels to the right of their mark never cross when placed right-to-left, labels to the left never
/// cross when placed left-to-right; marks near the right edge need left labels, so every split
/// "first k marks right, the rest left" is tried in both orders and the best packing wins.
fn pack_side(items: &[(f64, f64)], obstacles: &[f64]) -> (Vec<Flag>, usize) {
    let n = items.len();
    let mut by_x: Vec<usize> = (0..n).collect();
    by_x.sort_by(|&a, &b| items[a].0.total_cmp(&items[b].0).then(a.cmp(&b)));
    let mut best: Option<((usize, usize), Vec<Flag>)> = None;
    let mut tried: Vec<Vec<bool>> = Vec::new();
    for k in (0..=n).rev() {
        let mut right = vec![true; n];
        for (rank, &i) in by_x.iter().enumerate() {
            let (x, w) = items[i];
            let want = rank < k;
            right[i] = if flag_fits(flag_box(x, w, want)) { want } else { !want };
        }
        if tried.contains(&right) {
            continue;
        }
        tried.push(right.clone());
        let rights: Vec<usize> = by_x.iter().rev().copied().filter(|&i| right[i]).collect();
        let lefts: Vec<usize> = by_x.iter().copied().filter(|&i| !right[i]).collect();
        for order in [[&rights, &lefts], [&lefts, &rights]] {
            let order: Vec<usize> = order.iter().flat_map(|v| v.iter().copied()).collect();
            let (flags, crossings) = pack_flags(items, obstacles, &right, &order);
            let lanes = flags.iter().map(|f| f.lane + 1).max().unwrap_or(0);
            if best.as_ref().is_none_or(|(score, _)| (crossings, lanes) < *score) {
                best = Some(((crossings, lanes), flags));
            }
        }
    }
    best.map(|((crossings, _), flags)| (flags, crossings))
        .unwrap_or_default()
}

fn pack_flags(items: &[(f64, f64)], obstacles: &[f64], right: &[bool], order: &[usize]) -> (Vec<Flag>, usize) {
    let mut flags: Vec<Flag> = right
        .iter()
        .map(|&r| Flag {
            below: false,
            lane: 0,
            right: r,
        })
        .collect();
    let mut placed: Vec<(usize, (f64, f64))> = Vec::new();
    let mut total = 0;
    for &i in order {
        let (x, w) = items[i];
        let b = flag_box(x, w, right[i]);
        let mut choice = (usize::MAX, placed.len());
        // One lane beyond the last occupied one is always free of labels (and, but for lane 0, of
        // obstacles).
        for lane in 0..=placed.len() + 1 {
            if placed
                .iter()
                .any(|&(j, pb)| flags[j].lane == lane && pb.0 < b.1 + FLAG_SPACING && b.0 < pb.1 + FLAG_SPACING)
            {
                continue;
            }
            let crossings = placed
                .iter()
                .filter(|&&(j, pb)| {
                    (flags[j].lane < lane && covers(pb, x)) || (flags[j].lane > lane && covers(b, items[j].0))
                })
                .count()
                + if lane == 0 {
                    obstacles.iter().filter(|&&o| covers(b, o)).count()
                } else {
                    0
                };
            if crossings < choice.0 {
                choice = (crossings, lane);
            }
            if crossings == 0 {
                break;
            }
        }
        if choice.0 != usize::MAX {
            total += choice.0;
        }
        flags[i].lane = choice.1;
        placed.push((i, b));
    }
    (flags, total)
}

fn covers(b: (f64, f64), x: f64) -> bool {
    b.0 - 3.0 <= x && x <= b.1 + 3.0
}

#[derive(Clone, Copy)]
struct Bucket<'e, 'm> {
    count: usize,
    first: &'e Event<'m>,
}

/// Many events: bars counting events per month (per year for long spans), each linking to the first
/// event it counts. In monthly mode, events known only by year get a hollow circle with a count.
fn histogram(events: &[Event], axis: &Axis) -> Chart {
    let monthly = axis.span <= MONTHLY_MAX_YEARS;
    let mut buckets: BTreeMap<i64, Bucket> = BTreeMap::new();
    let mut by_year: BTreeMap<i64, Bucket> = BTreeMap::new();
    for e in events {
        let target = match (monthly, e.month) {
            (true, Some(m)) => buckets.entry((e.year - axis.first) * 12 + i64::from(m) - 1),
            (true, None) => by_year.entry(e.year),
            (false, _) => buckets.entry(e.year - axis.first),
        };
        target
            .and_modify(|b| b.count += 1)
            .or_insert(Bucket { count: 1, first: e });
    }
    let max = buckets.values().map(|b| b.count).max().unwrap_or(1).max(1);
    let unit = if monthly { "month" } else { "year" };
    let mut body = String::new();
    text(
        &mut body,
        "tl-note",
        EDGE,
        16.0,
        SMALL_SIZE,
        "start",
        &format!("Events per {unit} (tallest bar: {max})"),
    );
    let (bar_top, bar_height) = (28.0, 110.0);
    let axis_y = bar_top + bar_height;
    let slot = if monthly {
        axis.per_year() / 12.0
    } else {
        axis.per_year()
    };
    let width = if slot >= 5.0 {
        slot - 1.5
    } else {
        (slot * 0.75).max(1.0)
    };
    let mut bars = String::new();
    for (&key, bucket) in &buckets {
        let (year, frac) = if monthly {
            (axis.first + key.div_euclid(12), key.rem_euclid(12) as f64 / 12.0)
        } else {
            (axis.first + key, 0.0)
        };
        let x = axis.x(year, frac) + (slot - width) / 2.0;
        let h = (bucket.count as f64 / max as f64 * bar_height).max(2.0);
        let when = if monthly {
            format!("{} {year}", month_name((key.rem_euclid(12) + 1) as u8))
        } else {
            year.to_string()
        };
        let name = format!("{when}: {}", plural(bucket.count, "event", "events"));
        let rect = format!(
            "<rect class=\"tl-bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"currentColor\"/>\n",
            num(x),
            num(axis_y - h),
            num(width),
            num(h)
        );
        link(&mut bars, bucket.first.href, &name, &rect);
    }
    let mut y = axis.draw(&mut body, axis_y, &bars);
    let year_only: usize = by_year.values().map(|b| b.count).sum();
    if year_only > 0 {
        let cy = y + 16.0;
        for (&year, bucket) in &by_year {
            let x = axis.x(year, 0.5);
            let name = format!(
                "{year}: {} dated only to the year",
                plural(bucket.count, "event", "events")
            );
            let mut inner = String::new();
            mark(&mut inner, x - 8.0, cy, true);
            text(
                &mut inner,
                "tl-count",
                x,
                cy + 5.0,
                SMALL_SIZE,
                "start",
                &bucket.count.to_string(),
            );
            link(&mut body, bucket.first.href, &name, &inner);
        }
        y = legend(&mut body, cy + 6.0, &[(true, "n: events dated only to the year")]);
    }
    let busiest = buckets
        .iter()
        .max_by(|a, b| a.1.count.cmp(&b.1.count).then(b.0.cmp(a.0)));
    let mut desc = format!(
        "{} from {} to {}, drawn as bars counting events per {unit}; each bar links to the first event it counts.",
        plural(events.len(), "event", "events"),
        axis.first,
        axis.first + axis.span - 1
    );
    if let Some((&key, bucket)) = busiest {
        let when = if monthly {
            format!(
                "{} {}",
                month_name((key.rem_euclid(12) + 1) as u8),
                axis.first + key.div_euclid(12)
            )
        } else {
            (axis.first + key).to_string()
        };
        let _ = write!(
            desc,
            " Busiest {unit}: {when} ({}).",
            plural(bucket.count, "event", "events")
        );
    }
    if year_only > 0 {
        let _ = write!(
            desc,
            " {} dated only to the year {} shown as hollow circles with counts.",
            plural(year_only, "event", "events"),
            if year_only == 1 { "is" } else { "are" }
        );
    }
    Chart {
        body,
        height: y + 8.0,
        desc,
    }
}

// ---------------------------------------------------------------------------------------------------
// Topic map
// ---------------------------------------------------------------------------------------------------

/// Draws topics as circles (area ∝ weight, with a minimum size) joined by lines (thickness by shared
/// passages), each circle linking to its topic page.
///
/// Up to 12 topics sit on one ellipse, ordered so strongly linked topics are neighbours; more go on
/// two or three concentric rings, heaviest inside. Labels are wrapped to two lines of at most 22
/// characters (one line of 18 beyond 12 topics), shortened with "…" only when no spot fits them
/// whole, and placed so they never overlap each other or a circle (beyond 12 topics a label that
/// cannot be placed is left out; the topic keeps its tooltip and appears in `<desc>`).
/// Only the 40 heaviest topics are drawn, which `<desc>` says. Returns an empty string for no nodes.
pub fn topic_map(nodes: &[MapNode], edges: &[MapEdge], id_prefix: &str) -> String {
    if nodes.is_empty() {
        return String::new();
    }
    let mut shown: Vec<usize> = (0..nodes.len()).collect();
    shown.sort_by(|&a, &b| nodes[b].weight.cmp(&nodes[a].weight).then(a.cmp(&b)));
    shown.truncate(MAX_NODES);
    let mut local: Vec<Option<usize>> = vec![None; nodes.len()];
    for (i, &orig) in shown.iter().enumerate() {
        local[orig] = Some(i);
    }
    let kept: Vec<&MapNode> = shown.iter().map(|&i| &nodes[i]).collect();
    let mut links: BTreeMap<(usize, usize), usize> = BTreeMap::new();
    for e in edges {
        let (Some(Some(a)), Some(Some(b))) = (local.get(e.a).copied(), local.get(e.b).copied()) else {
            continue;
        };
        if a != b {
            let w = links.entry((a.min(b), a.max(b))).or_insert(0);
            *w = w.saturating_add(e.weight);
        }
    }
    let labels: Vec<String> = kept
        .iter()
        .map(|n| {
            let label = clean_text(n.label);
            if label.is_empty() {
                "Untitled topic".to_string()
            } else {
                label
            }
        })
        .collect();
    let weights: Vec<usize> = kept.iter().map(|n| n.weight).collect();
    let layout = layout_map(&labels, &weights, &links);

    let pad = 8.0;
    let top = layout.iter().map(|p| p.top()).fold(f64::INFINITY, f64::min) - pad;
    let bottom = layout.iter().map(|p| p.bottom()).fold(f64::NEG_INFINITY, f64::max) + pad;

    let mut body = String::new();
    let max_link = links.values().copied().max().unwrap_or(0).max(1);
    if !links.is_empty() {
        body.push_str("<g>\n");
        for (&(a, b), &w) in &links {
            let (pa, pb) = (&layout[a], &layout[b]);
            let _ = writeln!(
                body,
                r#"<line class="tm-edge" x1="{}" y1="{}" x2="{}" y2="{}" stroke="currentColor" stroke-opacity="0.4" stroke-width="{}" stroke-linecap="round"><title>{} and {}: {}</title></line>"#,
                num(pa.x),
                num(pa.y),
                num(pb.x),
                num(pb.y),
                num(if w == 0 {
                    1.0
                } else {
                    1.5 + 4.5 * w as f64 / max_link as f64
                }),
                esc(&labels[a]),
                esc(&labels[b]),
                plural(w, "shared passage", "shared passages")
            );
        }
        body.push_str("</g>\n");
    }
    for ((node, p), label) in kept.iter().zip(&layout).zip(&labels) {
        let name = format!("{label}: {}", plural(node.weight, "passage", "passages"));
        let mut inner = String::new();
        let _ = writeln!(
            inner,
            r#"<circle class="tm-node" cx="{}" cy="{}" r="{}" fill="currentColor" stroke-width="1.5"/>"#,
            num(p.x),
            num(p.y),
            num(p.r)
        );
        if let Some(l) = &p.label {
            let _ = write!(
                inner,
                r#"<text class="tm-label" font-size="{}" text-anchor="{}" fill="currentColor">"#,
                num(MAP_SIZE),
                l.anchor
            );
            for (i, line) in l.lines.iter().enumerate() {
                // A space between lines keeps the label's words apart for
                // anything that reads the text (the link's visible label
                // must read as the start of its accessible name).
                if i > 0 {
                    inner.push(' ');
                }
                let _ = write!(
                    inner,
                    r#"<tspan x="{}" y="{}">{}</tspan>"#,
                    num(l.x),
                    num(l.top + 14.0 + i as f64 * MAP_LINE),
                    esc(line)
                );
            }
            inner.push_str("</text>\n");
        }
        link(&mut body, node.href, &name, &inner);
    }

    let title = format!("Map of {} related topics", kept.len());
    let title = if kept.len() == 1 {
        "Map of 1 topic".to_string()
    } else {
        title
    };
    let mut desc = String::new();
    if nodes.len() > kept.len() {
        let _ = write!(desc, "Showing the {} largest of {} topics. ", kept.len(), nodes.len());
    }
    desc.push_str(
        "Each topic is a circle whose area grows with its passage count and links to its page; lines join \
         topics that share passages, thicker for more. Topics: ",
    );
    let list: Vec<String> = kept
        .iter()
        .zip(&labels)
        .map(|(n, l)| format!("{l} ({})", plural(n.weight, "passage", "passages")))
        .collect();
    desc.push_str(&list.join("; "));
    desc.push('.');
    if !links.is_empty() {
        let mut strongest: Vec<(&(usize, usize), &usize)> = links.iter().collect();
        strongest.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let shown_links: Vec<String> = strongest
            .iter()
            .take(10)
            .map(|(&(a, b), &w)| {
                format!(
                    "{} and {} ({})",
                    labels[a],
                    labels[b],
                    plural(w, "shared passage", "shared passages")
                )
            })
            .collect();
        let _ = write!(desc, " Links: {}", shown_links.join("; "));
        if strongest.len() > 10 {
            let _ = write!(desc, "; and {} more", strongest.len() - 10);
        }
        desc.push('.');
    }
    let mut out = String::new();
    open_svg(
        &mut out,
        "tm",
        &clean_prefix(id_prefix),
        top,
        bottom - top,
        &title,
        &desc,
    );
    out.push_str(&body);
    out.push_str("</svg>\n");
    out
}

const MAP_LINE: f64 = 18.0;
/// Characters per label line on the map (four fewer, on one line, beyond 12 topics).
const MAP_CHARS: usize = 22;
const NODE_R_MAX: f64 = 28.0;
const NODE_R_MIN: f64 = 6.0;
const MAP_CX: f64 = VIEW_W / 2.0;

#[derive(Debug, Clone)]
struct MapLabel {
    lines: Vec<String>,
    anchor: &'static str,
    /// x of the text anchor.
    x: f64,
    /// Bounding box.
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    /// Whether the whole label is shown (no ellipsis).
    complete: bool,
}

#[derive(Debug, Clone)]
struct Placed {
    x: f64,
    y: f64,
    r: f64,
    label: Option<MapLabel>,
}

impl Placed {
    fn top(&self) -> f64 {
        self.label
            .as_ref()
            .map_or(self.y - self.r, |l| l.top.min(self.y - self.r))
    }
    fn bottom(&self) -> f64 {
        self.label
            .as_ref()
            .map_or(self.y + self.r, |l| l.bottom.max(self.y + self.r))
    }
}

/// Where a label sits relative to its node: vertical part (-1 above, 0 level, 1 below) and
/// horizontal part (-1 left, 0 centred, 1 right).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Side(i8, i8);

/// Positions nodes (already sorted heaviest first) and their labels. y is relative to the centre of
/// the rings; the caller derives the viewBox from the result.
fn layout_map(labels: &[String], weights: &[usize], links: &BTreeMap<(usize, usize), usize>) -> Vec<Placed> {
    let n = labels.len();
    let max_w = weights.iter().copied().max().unwrap_or(0).max(1) as f64;
    let crowded = n > 12;
    let r_max = if crowded {
        (NODE_R_MAX * (12.0 / n as f64).sqrt()).max(14.0)
    } else {
        NODE_R_MAX
    };
    let radii: Vec<f64> = weights
        .iter()
        .map(|&w| (r_max * (w as f64 / max_w).sqrt()).max(NODE_R_MIN))
        .collect();
    let lines = if crowded { 1 } else { 2 };

    // Ring membership: heaviest on the inner rings; ring k holds a share proportional to k + 1.
    let rings = match n {
        0..=12 => 1,
        13..=24 => 2,
        _ => 3,
    };
    let shares: usize = (1..=rings).sum();
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut start = 0;
    for k in 0..rings {
        let take = if k + 1 == rings {
            n - start
        } else {
            (n * (k + 1) + shares / 2) / shares
        };
        members.push((start..start + take).collect());
        start += take;
    }
    let link = |a: usize, b: usize| links.get(&(a.min(b), a.max(b))).copied().unwrap_or(0);
    // Within a ring, walk from the heaviest node to its strongest unvisited neighbour, and so on.
    let orders: Vec<Vec<usize>> = members
        .iter()
        .map(|ring| {
            let mut rest = ring.clone();
            let mut chain = Vec::new();
            if !rest.is_empty() {
                chain.push(rest.remove(0));
            }
            while !rest.is_empty() {
                let last = chain.last().copied().unwrap_or(0);
                let mut best = 0;
                let mut best_key = (0, 0);
                for (j, &c) in rest.iter().enumerate() {
                    let key = (link(last, c), chain.iter().map(|&p| link(p, c)).sum::<usize>());
                    if key > best_key {
                        best_key = key;
                        best = j;
                    }
                }
                chain.push(rest.remove(best));
            }
            chain
        })
        .collect();

    // Flatten the rings as far as the labels allow: the first (ry factor, rotation) that places every
    // label wins, preferring rotations that shorten fewer labels.
    let rx_outer = if rings == 1 { 150.0 } else { VIEW_W / 2.0 - r_max - 24.0 };
    let factors: &[f64] = if crowded {
        &[0.6, 0.8, 1.0, 1.25, 1.5, 1.75, 2.0]
    } else {
        &[
            0.45, 0.55, 0.65, 0.75, 0.85, 1.0, 1.15, 1.3, 1.5, 1.75, 2.0, 2.4, 2.8, 3.3, 4.0,
        ]
    };
    let mut best: Option<((usize, usize), Vec<Placed>)> = None;
    'search: for &factor in factors {
        for turn in [0.0, 0.5, 0.25, 0.75] {
            let mut placed: Vec<Placed> = (0..n)
                .map(|i| Placed {
                    x: MAP_CX,
                    y: 0.0,
                    r: radii[i],
                    label: None,
                })
                .collect();
            if n > 1 {
                for (k, order) in orders.iter().enumerate() {
                    let scale = (k + 1) as f64 / rings as f64;
                    let (rx, ry) = (rx_outer * scale, rx_outer * factor * scale);
                    let step = std::f64::consts::TAU / order.len().max(1) as f64;
                    let offset = step * (turn + if k % 2 == 1 { 0.5 } else { 0.0 });
                    for (j, &i) in order.iter().enumerate() {
                        let angle = -std::f64::consts::FRAC_PI_2 + offset + step * j as f64;
                        placed[i].x = MAP_CX + rx * angle.cos();
                        placed[i].y = ry * angle.sin();
                    }
                }
            }
            let dropped = place_map_labels(&mut placed, labels, lines, false);
            let shortened = placed
                .iter()
                .filter(|p| p.label.as_ref().is_some_and(|l| !l.complete))
                .count();
            let score = (dropped, shortened);
            if best.as_ref().is_none_or(|(s, _)| score < *s) {
                best = Some((score, placed));
            }
            if n == 1 || score == (0, 0) {
                break 'search;
            }
        }
        if best.as_ref().is_some_and(|((dropped, _), _)| *dropped == 0) {
            break;
        }
    }
    let mut placed = best.map(|(_, p)| p).unwrap_or_default();
    if !crowded {
        // Not expected to happen; if it does, draw every label anyway rather than lose one.
        place_map_labels(&mut placed, labels, lines, true);
    }
    placed
}

/// Places labels heaviest first (nodes are sorted that way), trying positions from "outward from the
/// centre" round to "inward", first with the whole label, then shortened. Returns how many could not
/// be placed without overlap; with `force`, those get their preferred spot regardless.
fn place_map_labels(placed: &mut [Placed], labels: &[String], lines: usize, force: bool) -> usize {
    let mut dropped = 0;
    for i in 0..placed.len() {
        if placed[i].label.is_some() {
            continue;
        }
        let p = &placed[i];
        let v = if p.y < -1e-6 { -1 } else { 1 };
        let h = if p.x >= MAP_CX { 1 } else { -1 };
        let sides = [
            Side(v, 0),
            Side(v, h),
            Side(0, h),
            Side(v, -h),
            Side(-v, h),
            Side(0, -h),
            Side(-v, 0),
            Side(-v, -h),
        ];
        let mut chosen = None;
        'passes: for whole in [true, false] {
            for side in sides {
                let Some(candidate) = map_label(p, &labels[i], side, lines) else {
                    continue;
                };
                if whole && !candidate.complete {
                    continue;
                }
                let clear = placed.iter().enumerate().all(|(j, q)| {
                    let hits_label = q.label.as_ref().is_some_and(|l| boxes_overlap(&candidate, l, 4.0));
                    let hits_node = j != i && circle_hits_box(q.x, q.y, q.r + 3.0, &candidate);
                    !hits_label && !hits_node
                });
                if clear {
                    chosen = Some(candidate);
                    break 'passes;
                }
            }
        }
        if chosen.is_none() {
            dropped += 1;
            if force {
                chosen = map_label(p, &labels[i], sides[0], lines);
            }
        }
        placed[i].label = chosen;
    }
    dropped
}

/// A label for node `p` on `side`, wrapped to the room available there; `None` if there is too little
/// room or a word would have to be broken.
fn map_label(p: &Placed, label: &str, side: Side, lines: usize) -> Option<MapLabel> {
    let gap = 5.0;
    // Diagonal positions start at the circle's 45° point.
    let reach = if side.0 != 0 && side.1 != 0 {
        p.r * std::f64::consts::FRAC_1_SQRT_2
    } else {
        p.r
    };
    let room = match side.1 {
        0 => VIEW_W - 2.0 * EDGE,
        1 => VIEW_W - EDGE - (p.x + reach + gap),
        _ => p.x - reach - gap - EDGE,
    };
    let chars = if lines == 1 { MAP_CHARS - 4 } else { MAP_CHARS };
    let chars = chars.min((room / (0.6 * MAP_SIZE)).floor().max(0.0) as usize);
    if chars < 8 {
        return None;
    }
    let wrapped = wrap(label, chars, lines);
    if side.1 != 0 && label.split_whitespace().any(|w| w.chars().count() > chars) {
        return None;
    }
    let mut complete = wrapped.join(" ") == label;
    let lines: Vec<String> = wrapped
        .iter()
        .map(|l| {
            let f = fit(l, MAP_SIZE, room);
            complete &= f == *l;
            f
        })
        .collect();
    let w = lines.iter().map(|l| text_width(l, MAP_SIZE)).fold(0.0, f64::max);
    let h = lines.len().max(1) as f64 * MAP_LINE;
    let top = match side.0 {
        1 => p.y + reach + if side.1 == 0 { gap } else { 2.0 },
        -1 => p.y - reach - h - if side.1 == 0 { gap } else { 2.0 },
        _ => p.y - h / 2.0,
    };
    let (left, anchor, x) = match side.1 {
        0 => {
            let left = (p.x - w / 2.0).clamp(EDGE, VIEW_W - EDGE - w);
            (left, "middle", left + w / 2.0)
        }
        1 => (p.x + reach + gap, "start", p.x + reach + gap),
        _ => (p.x - reach - gap - w, "end", p.x - reach - gap),
    };
    Some(MapLabel {
        lines,
        anchor,
        x,
        left,
        right: left + w,
        top,
        bottom: top + h,
        complete,
    })
}

fn boxes_overlap(a: &MapLabel, b: &MapLabel, pad: f64) -> bool {
    a.left < b.right + pad && b.left < a.right + pad && a.top < b.bottom + pad && b.top < a.bottom + pad
}

fn circle_hits_box(cx: f64, cy: f64, r: f64, b: &MapLabel) -> bool {
    let dx = cx - cx.clamp(b.left, b.right);
    let dy = cy - cy.clamp(b.top, b.bottom);
    dx * dx + dy * dy < r * r
}

// ---------------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------------

fn open_svg(out: &mut String, class: &str, prefix: &str, min_y: f64, height: f64, title: &str, desc: &str) {
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"{class}\" viewBox=\"0 {} {} {}\" width=\"100%\" \
         aria-labelledby=\"{prefix}-title\" aria-describedby=\"{prefix}-desc\" \
         font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\">\n\
         <title id=\"{prefix}-title\">{}</title>\n<desc id=\"{prefix}-desc\">{}</desc>\n",
        num(min_y),
        num(VIEW_W),
        num(height),
        esc(title),
        esc(desc)
    );
}

/// Keeps ids valid and attribute-safe: ASCII letters, digits, `-` and `_`; anything else becomes `-`.
fn clean_prefix(raw: &str) -> String {
    let s: String = raw
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if s.is_empty() {
        "svg".to_string()
    } else {
        s
    }
}

/// Collapses whitespace (including control characters) to single spaces.
fn clean_text(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Escapes text for XML content and double- or single-quoted attributes.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Formats a coordinate with at most one decimal.
fn num(v: f64) -> String {
    if !v.is_finite() {
        return "0".to_string();
    }
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() {
        format!("{}", r as i64)
    } else {
        format!("{r:.1}")
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Rough advance width of a character in em, erring wide (the actual font is the reader's sans-serif).
fn char_em(c: char) -> f64 {
    match c {
        'i' | 'j' | 'l' | '.' | ',' | ':' | ';' | '\'' | '!' | '|' => 0.3,
        ' ' => 0.33,
        'f' | 't' | 'r' | 'I' | '(' | ')' | '[' | ']' | '-' | '/' | '"' => 0.42,
        'm' | 'w' => 0.9,
        'M' | 'W' => 0.95,
        'A'..='Z' => 0.72,
        '0'..='9' => 0.62,
        'a'..='z' => 0.6,
        c if u32::from(c) >= 0x2E80 => 1.0,
        _ => 0.7,
    }
}

fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(char_em).sum::<f64>() * size
}

/// Shortens `s` with an ellipsis until it is at most `max` units wide.
fn fit(s: &str, size: f64, max: f64) -> String {
    if text_width(s, size) <= max {
        return s.to_string();
    }
    let budget = max - text_width("…", size);
    let mut out = String::new();
    let mut used = 0.0;
    for c in s.chars() {
        used += char_em(c) * size;
        if used > budget {
            break;
        }
        out.push(c);
    }
    // Cut at a word boundary when one is near, so the label shows whole
    // words (it must read as part of the link's accessible name).
    let cut_inside_word = s[out.len()..].chars().next().is_some_and(|c| !c.is_whitespace());
    if cut_inside_word {
        if let Some(i) = out
            .rfind(' ')
            .filter(|&i| out[..i].chars().count() >= out.chars().count() / 2)
        {
            out.truncate(i);
        }
    }
    let mut out = out.trim_end().to_string();
    out.push('…');
    out
}

/// Word-wraps to at most `max_lines` lines of at most `max_chars` characters; overflow ends in "…".
fn wrap(s: &str, max_chars: usize, max_lines: usize) -> Vec<String> {
    let max_chars = max_chars.max(2);
    let max_lines = max_lines.max(1);
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        if cur.is_empty() {
            cur = word.to_string();
        } else if cur.chars().count() + 1 + word.chars().count() <= max_chars {
            cur.push(' ');
            cur.push_str(word);
        } else {
            lines.push(std::mem::replace(&mut cur, word.to_string()));
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    let overflow = lines.len() > max_lines;
    if overflow {
        let rest = lines[max_lines - 1..].join(" ");
        lines.truncate(max_lines - 1);
        lines.push(rest);
    }
    let count = lines.len();
    for (i, line) in lines.iter_mut().enumerate() {
        if line.chars().count() > max_chars || (overflow && i + 1 == count) {
            *line = shorten(line, max_chars);
        }
    }
    lines
}

/// Cuts `line` to at most `max_chars` characters ending in "…", at a word boundary when one is near.
fn shorten(line: &str, max_chars: usize) -> String {
    let budget = max_chars.saturating_sub(1);
    let cut: String = line.chars().take(budget).collect();
    let at_boundary = line.chars().nth(budget).is_none_or(|c| c == ' ');
    let mut kept = match cut.rfind(' ') {
        Some(i) if !at_boundary && cut[..i].chars().count() >= budget / 2 => cut[..i].to_string(),
        _ => cut,
    };
    kept.truncate(kept.trim_end().len());
    kept.push('…');
    kept
}

// ---------------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;

    fn m<'a>(year: i32, month: Option<u8>, day: Option<u8>, label: &'a str, href: &'a str) -> TimelineMark<'a> {
        TimelineMark {
            year,
            month,
            day,
            label,
            href,
        }
    }

    fn real_marks() -> Vec<TimelineMark<'static>> {
        vec![
            m(2018, Some(10), None, "Cyber-security MoC signed", "#event-1"),
            m(2019, None, None, "IPOI announced", "#event-2"),
            m(2019, Some(11), None, "2+2 ministerial dialogue", "#event-3"),
            m(2019, Some(12), None, "Summit postponed", "#event-4"),
            m(2020, None, None, "Digital partnership", "#event-5"),
            m(2020, Some(3), None, "Exercise JIMEX", "#event-6"),
        ]
    }

    fn topics() -> Vec<MapNode<'static>> {
        vec![
            MapNode {
                label: "Cyber-security Memorandum of Cooperation",
                href: "../cyber-moc/",
                weight: 8,
            },
            MapNode {
                label: "Supply Chain Resilience Initiative",
                href: "../scri/",
                weight: 1,
            },
            MapNode {
                label: "Indo-Pacific Oceans Initiative",
                href: "../ipoi/",
                weight: 4,
            },
            MapNode {
                label: "Defence exercises",
                href: "../defence-exercises/",
                weight: 2,
            },
            MapNode {
                label: "The Quad",
                href: "../quad/",
                weight: 1,
            },
            MapNode {
                label: "A shared Indo-Pacific vision",
                href: "../vision/",
                weight: 6,
            },
            MapNode {
                label: "India-Japan Digital Partnership",
                href: "../digital-partnership/",
                weight: 3,
            },
            MapNode {
                label: "Annual Bilateral Summit",
                href: "../annual-summit/",
                weight: 2,
            },
        ]
    }

    fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    /// Checks that tags nest and balance, attributes are quoted, and text has no raw `<` or stray `&`.
    fn assert_well_formed(svg: &str) {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = svg;
        while let Some(open) = rest.find('<') {
            check_text(&rest[..open]);
            let after = &rest[open + 1..];
            let close = after
                .find('>')
                .unwrap_or_else(|| panic!("unterminated tag in {after:.60}"));
            let tag = &after[..close];
            assert!(!tag.contains('<'), "'<' inside tag {tag}");
            assert_eq!(count(tag, "\"") % 2, 0, "unbalanced quotes in <{tag}>");
            if let Some(name) = tag.strip_prefix('/') {
                let top = stack
                    .pop()
                    .unwrap_or_else(|| panic!("closing </{name}> with nothing open"));
                assert_eq!(top, name.trim(), "mismatched closing tag");
            } else if !tag.ends_with('/') {
                let name: String = tag.chars().take_while(|c| !c.is_whitespace()).collect();
                assert!(!name.is_empty(), "empty tag name");
                stack.push(name);
            }
            rest = &after[close + 1..];
        }
        check_text(rest);
        assert!(stack.is_empty(), "unclosed tags: {stack:?}");
    }

    fn check_text(text: &str) {
        assert!(!text.contains('>'), "raw '>' in text {text:?}");
        for (i, _) in text.match_indices('&') {
            let entity = &text[i..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                    .iter()
                    .any(|e| entity.starts_with(e)),
                "stray '&' in {text:?}"
            );
        }
    }

    fn assert_ids(svg: &str, prefix: &str) {
        let ids: Vec<&str> = svg.match_indices(" id=\"").map(|(i, _)| &svg[i + 5..]).collect();
        let mut names: Vec<&str> = ids.iter().map(|s| &s[..s.find('"').unwrap_or(0)]).collect();
        assert!(!names.is_empty());
        for id in &names {
            assert!(id.starts_with(&format!("{prefix}-")), "id {id} lacks prefix");
        }
        let before = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(before, names.len(), "duplicate ids");
    }

    /// Every `<a>` has an href and an aria-label, and no `<title>`: a title
    /// counts as visible text that the name does not contain (axe's
    /// label-content-name-mismatch, WCAG 2.5.3).
    fn assert_links_named(svg: &str) {
        for (i, _) in svg.match_indices("<a ") {
            let tag_end = svg[i..].find('>').unwrap_or(0) + i;
            let tag = &svg[i..tag_end];
            let body_end = svg[i..].find("</a>").unwrap_or(0) + i;
            assert!(tag.contains(" href=\"") && tag.contains(" aria-label=\""), "{tag}");
            assert!(!svg[tag_end..body_end].contains("<title>"), "link with a title: {tag}");
        }
    }

    fn check(svg: &str, prefix: &str) {
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(!svg.contains(" role="));
        assert!(svg.contains(&format!(" aria-labelledby=\"{prefix}-title\"")));
        assert!(svg.contains(" width=\"100%\""));
        assert!(!svg.contains("xlink"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert_well_formed(svg);
        assert_ids(svg, prefix);
        assert_links_named(svg);
        let sizes = svg.match_indices("font-size=\"").map(|(i, _)| &svg[i + 11..]);
        for s in sizes {
            let v: f64 = s[..s.find('"').unwrap_or(0)].parse().unwrap_or(0.0);
            assert!(v >= 13.0, "font-size {v} too small");
        }
    }

    #[test]
    fn empty_inputs_give_empty_strings() {
        assert_eq!(timeline(&[], "t"), "");
        assert_eq!(topic_map(&[], &[MapEdge { a: 0, b: 1, weight: 3 }], "m"), "");
    }

    #[test]
    fn real_case_has_one_link_per_event_and_year_labels() {
        let svg = timeline(&real_marks(), "tl1");
        check(&svg, "tl1");
        assert_eq!(count(&svg, "<a "), 6);
        assert_eq!(count(&svg, "</a>"), 6);
        for year in ["2018", "2019", "2020"] {
            assert!(svg.contains(&format!(">{year}</text>")), "missing year {year}");
        }
        // Two year-only events plus the legend's sample are hollow.
        assert_eq!(count(&svg, "tl-mark tl-approx"), 3);
        assert!(svg.contains("href=\"#event-3\""));
        assert!(svg.contains("October 2018: Cyber-security MoC signed"));
        assert!(svg.contains("aria-label=\"2+2 ministerial dialogue (November 2019)\""));
    }

    #[test]
    fn single_event() {
        let svg = timeline(&[m(2021, Some(5), Some(17), "Only one", "#e")], "one");
        check(&svg, "one");
        assert_eq!(count(&svg, "<a "), 1);
        assert!(svg.contains("Timeline: 1 event, 17 May 2021"));
        assert!(svg.contains(">2021</text>"));
        assert!(svg.contains(">May</text>"), "single-year axis shows months");
        assert!(!svg.contains("tl-approx"), "no legend without year-only events");
    }

    #[test]
    fn one_year_shows_all_months() {
        let marks: Vec<TimelineMark> = (1..=5)
            .map(|i| m(2022, Some(i * 2), Some(i * 3), "Thing happened", "#x"))
            .collect();
        let svg = timeline(&marks, "y");
        check(&svg, "y");
        for name in [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ] {
            assert!(svg.contains(&format!(">{name}</text>")), "{name}");
        }
        assert_eq!(count(&svg, ">2022</text>"), 1);
    }

    #[test]
    fn labels_and_hrefs_are_escaped() {
        let svg = timeline(
            &[m(
                2020,
                Some(1),
                None,
                "<b>R&D</b> \"quoted\" 'single'",
                "a.html?x=1&y=\"2\"",
            )],
            "e",
        );
        check(&svg, "e");
        assert!(!svg.contains("<b>"));
        assert!(svg.contains("&lt;b&gt;R&amp;D&lt;/b&gt; &quot;quoted&quot; &#39;single&#39;"));
        assert!(svg.contains("href=\"a.html?x=1&amp;y=&quot;2&quot;\""));
        let nodes = [MapNode {
            label: "Tom & Jerry <cartoon>",
            href: "t.html?a=1&b=2",
            weight: 2,
        }];
        let map = topic_map(&nodes, &[], "m\"><script>");
        check(&map, "m---script-");
        assert!(map.contains("Tom &amp; Jerry &lt;cartoon&gt;"));
        assert!(!map.contains("<script>") && !map.contains("<cartoon>"));
    }

    #[test]
    fn output_is_deterministic() {
        let marks = real_marks();
        assert_eq!(timeline(&marks, "d"), timeline(&marks, "d"));
        let many = thousand();
        assert_eq!(timeline(&many, "d"), timeline(&many, "d"));
        let nodes = topics();
        let edges = real_edges();
        assert_eq!(topic_map(&nodes, &edges, "d"), topic_map(&nodes, &edges, "d"));
    }

    fn thousand() -> Vec<TimelineMark<'static>> {
        (0..1000u32)
            .map(|i| {
                let year = 2015 + (i * 7 % 6) as i32;
                let month = if i % 13 == 0 {
                    None
                } else {
                    Some((i * 5 % 12 + 1) as u8)
                };
                m(year, month, Some((i % 28 + 1) as u8), "Event", "#e")
            })
            .collect()
    }

    #[test]
    fn many_events_become_a_monthly_histogram() {
        let marks = thousand();
        let svg = timeline(&marks, "h");
        check(&svg, "h");
        assert!(svg.contains("Events per month"));
        assert!(!svg.contains("tl-label"), "no per-event labels in a histogram");
        let bars = count(&svg, "class=\"tl-bar\"");
        assert!(bars > 0 && bars <= 6 * 12, "{bars} bars");
        // Every bar and every year-only circle is one link.
        let year_only = count(&svg, "dated only to the year\"");
        assert_eq!(count(&svg, "<a "), bars + year_only);
        assert!(year_only > 0);
        for year in 2015..=2020 {
            assert!(svg.contains(&format!(">{year}</text>")));
        }
        assert!(svg.len() < 60_000, "histogram stays small: {}", svg.len());
    }

    #[test]
    fn long_spans_count_per_year_and_thin_out_year_labels() {
        let marks: Vec<TimelineMark> = (0..40).map(|i| m(1950 + i * 2, Some(6), None, "x", "#y")).collect();
        let svg = timeline(&marks, "p");
        check(&svg, "p");
        assert!(svg.contains("Events per year"));
        assert_eq!(count(&svg, "class=\"tl-bar\""), 40);
        let years = count(&svg, "class=\"tl-year\"");
        assert!((3..=10).contains(&years), "{years} year labels");
        assert!(svg.contains(">1950</text>") && svg.contains(">1960</text>"));
    }

    #[test]
    fn invalid_dates_and_extreme_years_do_not_panic() {
        let marks = [
            m(i32::MIN, Some(0), Some(40), "min", "#a"),
            m(i32::MAX, Some(13), Some(1), "max", "#b"),
            m(2020, Some(2), Some(30), "Feb 30", "#c"),
        ];
        let svg = timeline(&marks, "x");
        check(&svg, "x");
        assert!(svg.contains("February 2020: Feb 30"), "invalid day dropped");
        let many: Vec<TimelineMark> = (0..30)
            .map(|i| m(if i % 2 == 0 { i32::MIN } else { i32::MAX }, None, None, "", ""))
            .collect();
        let svg = timeline(&many, "x");
        check(&svg, "x");
        assert_eq!(count(&svg, "<a "), 0, "empty hrefs make no links");
    }

    #[test]
    fn empty_labels_fall_back_to_dates() {
        let svg = timeline(&[m(2019, Some(3), Some(9), "  ", "#a")], "f");
        assert!(svg.contains(">9 March 2019</text>"));
    }

    #[test]
    fn flags_never_overlap() {
        // Clusters, edge positions and long labels.
        let cases: Vec<Vec<(f64, f64)>> = vec![
            vec![
                (20.0, 120.0),
                (22.0, 80.0),
                (30.0, 150.0),
                (420.0, 100.0),
                (418.0, 200.0),
                (200.0, 240.0),
            ],
            (0..24)
                .map(|i| (20.0 + f64::from(i) * 17.0, 60.0 + f64::from(i % 5) * 30.0))
                .collect(),
            (0..24).map(|i| (300.0 + f64::from(i), 100.0)).collect(),
        ];
        for items in cases {
            // As in `flags`: labels are shortened to the wider of the two sides.
            let items: Vec<(f64, f64)> = items
                .iter()
                .map(|&(x, w)| (x, w.min((VIEW_W - EDGE - x - FLAG_GAP).max(x - FLAG_GAP - EDGE))))
                .collect();
            let flags = place_flags(&items);
            assert_eq!(flags.len(), items.len());
            for (i, a) in flags.iter().enumerate() {
                let ba = flag_box(items[i].0, items[i].1, a.right);
                assert!(flag_fits(ba), "label {i} outside the chart");
                for (j, b) in flags.iter().enumerate().skip(i + 1) {
                    let bb = flag_box(items[j].0, items[j].1, b.right);
                    let apart = ba.1 + FLAG_SPACING <= bb.0 || bb.1 + FLAG_SPACING <= ba.0;
                    assert!(
                        a.below != b.below || a.lane != b.lane || apart,
                        "labels {i} and {j} overlap"
                    );
                }
            }
        }
    }

    #[test]
    fn real_case_flags_do_not_cross_leaders() {
        let dated = ["Oct 2018", "2019", "Nov 2019", "Dec 2019", "2020", "Mar 2020"];
        let named = [
            "Cyber MoC signed",
            "IPOI launched",
            "2+2 dialogue",
            "Summit postponed",
            "Digital partnership",
            "JIMEX",
        ];
        for labels in [dated, named] {
            let marks: Vec<TimelineMark> = real_marks()
                .iter()
                .zip(labels)
                .map(|(m, label)| TimelineMark { label, ..*m })
                .collect();
            let mut events: Vec<Event> = marks.iter().enumerate().map(|(i, m)| Event::new(i, m)).collect();
            events.sort_by(|a, b| a.year.cmp(&b.year).then(a.frac.total_cmp(&b.frac)));
            let axis = Axis { first: 2018, span: 3 };
            let items: Vec<(f64, f64)> = events
                .iter()
                .map(|e| (axis.x(e.year, e.frac), text_width(&e.label, LABEL_SIZE)))
                .collect();
            let flags = place_flags(&items);
            let crossings = (0..items.len())
                .flat_map(|i| (0..items.len()).map(move |j| (i, j)))
                .filter(|&(i, j)| {
                    flags[j].below == flags[i].below
                        && flags[j].lane < flags[i].lane
                        && covers(flag_box(items[j].0, items[j].1, flags[j].right), items[i].0)
                })
                .count();
            // With these names no packing above the axis avoids a crossing, so one label hangs below.
            assert_eq!(crossings, 0, "{labels:?}: {flags:?}");
            assert_eq!(
                flags.iter().filter(|f| f.below).count(),
                usize::from(labels == named),
                "{flags:?}"
            );
            let lanes = flags.iter().map(|f| f.lane + 1).sum::<usize>();
            assert!(lanes <= 21, "{labels:?}: {lanes} lanes");
        }
    }

    fn real_edges() -> Vec<MapEdge> {
        vec![
            MapEdge { a: 0, b: 5, weight: 3 },
            MapEdge { a: 2, b: 5, weight: 2 },
            MapEdge { a: 2, b: 4, weight: 1 },
            MapEdge { a: 6, b: 0, weight: 2 },
            MapEdge { a: 3, b: 7, weight: 1 },
            MapEdge { a: 1, b: 4, weight: 1 },
            MapEdge { a: 7, b: 5, weight: 1 },
        ]
    }

    #[test]
    fn topic_map_real_case() {
        let svg = topic_map(&topics(), &real_edges(), "map");
        check(&svg, "map");
        assert_eq!(count(&svg, "<a "), 8);
        assert_eq!(count(&svg, "class=\"tm-node\""), 8);
        assert_eq!(count(&svg, "class=\"tm-edge\""), 7);
        assert_eq!(count(&svg, "class=\"tm-label\""), 8, "every label drawn");
        assert!(svg.contains("href=\"../cyber-moc/\""));
        assert!(svg.contains("aria-label=\"The Quad: 1 passage\""));
        assert!(svg
            .contains("Cyber-security Memorandum of Cooperation and A shared Indo-Pacific vision (3 shared passages)"));
    }

    #[test]
    fn zero_weights_and_bad_edges() {
        let nodes = [
            MapNode {
                label: "Zero",
                href: "z.html",
                weight: 0,
            },
            MapNode {
                label: "Also zero",
                href: "a.html",
                weight: 0,
            },
            MapNode {
                label: "Some",
                href: "s.html",
                weight: 5,
            },
        ];
        let edges = [
            MapEdge { a: 0, b: 9, weight: 1 },
            MapEdge { a: 7, b: 1, weight: 1 },
            MapEdge { a: 1, b: 1, weight: 4 },
            MapEdge { a: 0, b: 2, weight: 0 },
            MapEdge { a: 2, b: 0, weight: 2 },
        ];
        let svg = topic_map(&nodes, &edges, "z");
        check(&svg, "z");
        assert_eq!(count(&svg, "<a "), 3);
        assert_eq!(
            count(&svg, "class=\"tm-edge\""),
            1,
            "out-of-range and self edges skipped, duplicates merged"
        );
        assert!(svg.contains("Zero and Some: 2 shared passages") || svg.contains("Some and Zero: 2 shared passages"));
        assert!(
            svg.contains(&format!("r=\"{}\"", num(NODE_R_MIN))),
            "zero weight still drawn"
        );
        let all_zero = topic_map(&nodes[..2], &[], "z");
        check(&all_zero, "z");
        assert_eq!(count(&all_zero, "<circle"), 2);
    }

    #[test]
    fn more_than_forty_nodes_are_trimmed_and_said_so() {
        let labels: Vec<String> = (0..57).map(|i| format!("Topic number {i}")).collect();
        let hrefs: Vec<String> = (0..57).map(|i| format!("t{i}.html")).collect();
        let nodes: Vec<MapNode> = (0..57)
            .map(|i| MapNode {
                label: &labels[i],
                href: &hrefs[i],
                weight: (i * 37) % 23,
            })
            .collect();
        let edges: Vec<MapEdge> = (0..57)
            .map(|i| MapEdge {
                a: i,
                b: (i * 7 + 3) % 57,
                weight: i % 4,
            })
            .collect();
        let svg = topic_map(&nodes, &edges, "big");
        check(&svg, "big");
        assert_eq!(count(&svg, "<a "), 40);
        assert!(svg.contains("Showing the 40 largest of 57 topics."));
        assert!(svg.contains("Map of 40 related topics"));
    }

    #[test]
    fn map_labels_never_overlap_up_to_twelve_nodes() {
        let long = [
            "Cyber-security Memorandum of Cooperation",
            "Supply Chain Resilience Initiative",
            "Indo-Pacific Oceans Initiative",
            "Defence exercises",
            "The Quad",
            "A shared Indo-Pacific vision",
            "India-Japan Digital Partnership",
            "Annual Bilateral Summit",
            "WWWWWWWWWWWWWWWWWW MMMMMMMMMMMMMMMMMM",
            "Maritime domain awareness",
            "Shinkansen high-speed rail project",
            "Act East Forum",
        ];
        for n in 1..=12 {
            for weights in [
                vec![1; n],
                (0..n).collect::<Vec<_>>(),
                (0..n).map(|i| (n - i) * (n - i)).collect(),
            ] {
                let labels: Vec<String> = long.iter().take(n).map(|s| s.to_string()).collect();
                let mut links = BTreeMap::new();
                for i in 0..n {
                    links.insert((i.min((i + 3) % n), i.max((i + 3) % n)), i + 1);
                }
                let mut sorted = weights.clone();
                sorted.sort_unstable_by(|a, b| b.cmp(a));
                let placed = layout_map(&labels, &sorted, &links);
                for (i, p) in placed.iter().enumerate() {
                    let l = p.label.as_ref().unwrap_or_else(|| panic!("n={n}: label {i} missing"));
                    assert!(
                        l.left >= EDGE - 0.01 && l.right <= VIEW_W - EDGE + 0.01,
                        "n={n}: label {i} off canvas"
                    );
                    assert!(p.x - p.r >= 0.0 && p.x + p.r <= VIEW_W, "n={n}: node {i} off canvas");
                    for (j, q) in placed.iter().enumerate() {
                        if i == j {
                            continue;
                        }
                        assert!(!circle_hits_box(q.x, q.y, q.r, l), "n={n}: label {i} over node {j}");
                        let d = ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt();
                        assert!(d >= p.r + q.r, "n={n}: nodes {i} and {j} overlap");
                        if let Some(k) = &q.label {
                            assert!(!boxes_overlap(l, k, 0.0), "n={n}: labels {i} and {j} overlap");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn wrapping_and_fitting() {
        assert_eq!(
            wrap("Cyber-security Memorandum of Cooperation", 18, 2),
            vec!["Cyber-security", "Memorandum of…"]
        );
        assert_eq!(
            wrap("Supply Chain Resilience Initiative", 22, 2),
            vec!["Supply Chain", "Resilience Initiative"]
        );
        assert_eq!(wrap("Supercalifragilisticexpialidocious", 10, 2), vec!["Supercali…"]);
        assert_eq!(wrap("a bb ccc dddd eeeee", 6, 1), vec!["a bb…"]);
        assert_eq!(wrap("The Quad", 18, 2), vec!["The Quad"]);
        assert_eq!(wrap("", 18, 2), Vec::<String>::new());
        let f = fit("A very long label that will not fit in the space", 15.0, 100.0);
        assert!(f.ends_with('…') && text_width(&f, 15.0) <= 100.0);
        assert_eq!(num(-0.04), "0");
        assert_eq!(num(12.25), "12.3");
        assert_eq!(clean_prefix(""), "svg");
        assert_eq!(clean_text(" a\n\tb  c "), "a b c");
    }

    #[test]
    fn histogram_starts_after_24_events() {
        let labels: Vec<String> = (0..25).map(|i| format!("Event {i}")).collect();
        let marks: Vec<TimelineMark> = labels
            .iter()
            .enumerate()
            .map(|(i, l)| m(2019 + (i % 2) as i32, Some(1 + (i % 12) as u8), None, l, "#e"))
            .collect();
        let flags_svg = timeline(&marks[..24], "f");
        check(&flags_svg, "f");
        assert_eq!(count(&flags_svg, "class=\"tl-label\""), 24);
        assert_eq!(count(&flags_svg, "<a "), 24);
        let bars_svg = timeline(&marks, "f");
        check(&bars_svg, "f");
        assert_eq!(count(&bars_svg, "class=\"tl-label\""), 0);
        assert!(count(&bars_svg, "class=\"tl-bar\"") > 0);
    }

    #[test]
    fn crowded_real_labels_hang_below_the_ruler() {
        let named = [
            "Cyber MoC signed",
            "IPOI launched",
            "2+2 dialogue",
            "Summit postponed",
            "Digital partnership",
            "JIMEX",
        ];
        let marks: Vec<TimelineMark> = real_marks()
            .iter()
            .zip(named)
            .map(|(m, label)| TimelineMark { label, ..*m })
            .collect();
        let svg = timeline(&marks, "n");
        check(&svg, "n");
        // The axis line's y, then leaders: one of them must run downwards from the axis.
        let axis_y: f64 = {
            let i = svg.find("class=\"tl-axis\"").unwrap_or(0);
            let rest = &svg[i..];
            let y = &rest[rest.find(" y1=\"").unwrap_or(0) + 5..];
            y[..y.find('"').unwrap_or(0)].parse().unwrap_or(0.0)
        };
        let downwards = svg
            .match_indices("class=\"tl-leader\"")
            .filter(|(i, _)| {
                let rest = &svg[*i..];
                let y2 = &rest[rest.find(" y2=\"").unwrap_or(0) + 5..];
                y2[..y2.find('"').unwrap_or(0)].parse::<f64>().unwrap_or(0.0) > axis_y
            })
            .count();
        assert_eq!(downwards, 1);
    }

    #[test]
    fn untitled_topics_get_a_name() {
        let svg = topic_map(
            &[MapNode {
                label: " ",
                href: "u.html",
                weight: 1,
            }],
            &[],
            "u",
        );
        check(&svg, "u");
        assert!(svg.contains("aria-label=\"Untitled topic: 1 passage\""));
        assert!(svg.contains("Map of 1 topic"));
    }

    /// The charts are styled by the site's stylesheet, the one place their CSS lives.
    const CSS: &str = include_str!("../static/assets/style.css");

    #[test]
    fn css_mentions_every_class_used() {
        let mut all = timeline(&real_marks(), "c");
        all.push_str(&timeline(&thousand(), "c"));
        all.push_str(&topic_map(&topics(), &real_edges(), "c"));
        for (i, _) in all.match_indices("class=\"") {
            let rest = &all[i + 7..];
            for class in rest[..rest.find('"').unwrap_or(0)].split(' ') {
                assert!(CSS.contains(&format!(".{class}")), "CSS lacks .{class}");
            }
        }
    }
}
