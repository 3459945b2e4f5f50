//! The arithmetic of a chart's drawing: scales, round tick steps, which
//! category labels fit, where each bar and point goes. Pure functions of the
//! chart's data, so the server and the browser compute the same figures
//! (the drawing hydrates without a mismatch) and the tests need no page.
//!
//! Only `+ - * /`, `floor`, `ceil` and `round` are used: they give the same
//! result on every platform, where `log10` or `powf` may differ in the last
//! bit between the server and the wasm build. Every coordinate is printed
//! with at most one decimal ([`num`]).

use rapport_types::views::charts::{Chart, ChartKind};

/// The size of a drawing, in the SVG's own units (the `viewBox`): the page
/// scales it to the width of its box, so text keeps the size
/// `font / width` of that box.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    pub width: f64,
    pub height: f64,
    /// Font size of the tick labels.
    pub font: f64,
    /// How many steps the value axis aims at.
    pub ticks: usize,
}

/// The drawing for a wide box (a desktop page).
pub const WIDE: Frame = Frame {
    width: 640.0,
    height: 280.0,
    font: 12.0,
    ticks: 5,
};

/// The drawing for a narrow box (a phone): fewer units, so its text stays
/// readable when the box is 320 px wide.
pub const NARROW: Frame = Frame {
    width: 340.0,
    height: 240.0,
    font: 12.0,
    ticks: 4,
};

/// Average width of a character of the tick labels, as a share of the font
/// size (system sans-serif fonts: digits about 0.55, letters up to 0.6).
const CHAR_WIDTH: f64 = 0.6;

/// The longest category label kept whole; longer ones are shortened with "…"
/// (the table and each point's name keep the full label).
const MAX_LABEL_CHARS: usize = 14;

/// How many characters of the widest label decide how often labels show:
/// past this a label is shortened rather than its neighbours dropped.
const SPACED_LABEL_CHARS: usize = 10;

/// A value axis with round steps.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    pub lo: f64,
    pub hi: f64,
    pub step: f64,
    /// Decimals the tick labels need for `step` (0 for 5, 1 for 0.5).
    pub decimals: usize,
}

impl Scale {
    /// The tick values, from `lo` to `hi`.
    pub fn ticks(&self) -> Vec<f64> {
        let first = (self.lo / self.step).round() as i64;
        let last = (self.hi / self.step).round() as i64;
        (first..=last).map(|k| k as f64 * self.step).collect()
    }
}

/// A round scale covering `lo..=hi` in about `target` steps of 1, 2 or 5
/// times a power of ten. `whole` (every value is a whole number: counts)
/// keeps the step at 1 or more. Zero is always on the scale; an empty or
/// flat range gets a span of one step.
pub fn nice_scale(lo: f64, hi: f64, target: usize, whole: bool) -> Scale {
    let lo = if lo.is_finite() { lo.min(0.0) } else { 0.0 };
    let hi = if hi.is_finite() { hi.max(0.0) } else { 0.0 };
    let span = if hi > lo { hi - lo } else { 1.0 };
    let raw = span / target.max(1) as f64;
    let mut magnitude = 1.0;
    while magnitude * 10.0 <= raw {
        magnitude *= 10.0;
    }
    let mut decimals = 0;
    while magnitude > raw {
        magnitude /= 10.0;
        decimals += 1;
    }
    // The step nearest `raw` on a logarithmic scale (thresholds √2, √10,
    // √50, as d3's ticks).
    let norm = raw / magnitude;
    let (nice, carry) = if norm < 1.414 {
        (1.0, false)
    } else if norm < 3.162 {
        (2.0, false)
    } else if norm < 7.071 {
        (5.0, false)
    } else {
        (10.0, true)
    };
    let mut step = nice * magnitude;
    if carry && decimals > 0 {
        decimals -= 1;
    }
    if whole && step < 1.0 {
        step = 1.0;
        decimals = 0;
    }
    // The margin keeps 0.07 / 0.01 = 7.000000000000001 at 7 steps.
    let mut lo_nice = (lo / step + 1e-9).floor() * step;
    let mut hi_nice = (hi / step - 1e-9).ceil() * step;
    if hi_nice <= lo_nice {
        hi_nice = lo_nice + step;
    }
    if lo_nice == 0.0 {
        // No "-0" on the axis.
        lo_nice = 0.0;
    }
    if hi_nice == 0.0 {
        hi_nice = 0.0;
    }
    Scale {
        lo: lo_nice,
        hi: hi_nice,
        step,
        decimals,
    }
}

/// A tick label: `decimals` decimals, thousands as "k" and millions as "M"
/// from 10 000 on ("25k", "1.5M"), never "-0".
pub fn tick_label(value: f64, decimals: usize) -> String {
    let text = if value.abs() >= 1_000_000.0 {
        format!("{}M", trim(format!("{:.1}", value / 1_000_000.0)))
    } else if value.abs() >= 10_000.0 {
        format!("{}k", trim(format!("{:.1}", value / 1_000.0)))
    } else {
        format!("{value:.decimals$}")
    };
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        "0".to_string()
    } else {
        text
    }
}

/// "12.0" → "12", "12.5" stays.
fn trim(text: String) -> String {
    match text.strip_suffix(".0") {
        Some(whole) => whole.to_string(),
        None => text,
    }
}

/// A coordinate as the SVG gets it: at most one decimal, no "-0".
pub fn num(value: f64) -> String {
    let text = trim(format!("{:.1}", value));
    if text == "-0" {
        "0".to_string()
    } else {
        text
    }
}

/// A label shortened to `max` characters, with "…" when cut.
pub fn shorten(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else if max == 0 {
        String::new()
    } else {
        let mut short: String = label.chars().take(max - 1).collect();
        short.push('…');
        short
    }
}

/// Show every `n`th category label, `n` the first of these at least as large
/// as needed (weekly for days when a week fits).
const LABEL_EVERY: [usize; 12] = [1, 2, 3, 4, 5, 7, 10, 14, 15, 20, 30, 50];

/// How often a category label fits: every how many categories, given the
/// width of a category's slot and the widest label (in characters).
pub fn label_every(slot: f64, widest_chars: usize, font: f64) -> usize {
    let needed_width = widest_chars.min(SPACED_LABEL_CHARS) as f64 * font * CHAR_WIDTH + font;
    if slot <= 0.0 {
        return 1;
    }
    let needed = (needed_width / slot).ceil().max(1.0) as usize;
    LABEL_EVERY
        .iter()
        .copied()
        .find(|&every| every >= needed)
        .unwrap_or(needed)
}

/// The plotting area inside the frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

/// A horizontal grid line and its label.
#[derive(Debug, Clone, PartialEq)]
pub struct YTick {
    pub y: f64,
    pub label: String,
}

/// A category label under the axis.
#[derive(Debug, Clone, PartialEq)]
pub struct XLabel {
    /// The centre of its category (where its tick mark goes).
    pub at: f64,
    /// Where the text is centred: `at`, moved in when it would stick out
    /// of the frame.
    pub x: f64,
    pub text: String,
}

/// A bar: its box, in frame units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// Where everything goes for one chart in one frame.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub frame: Frame,
    pub area: Area,
    pub scale: Scale,
    pub y_ticks: Vec<YTick>,
    pub x_labels: Vec<XLabel>,
    /// The y of the value 0 (the base of the bars).
    pub zero_y: f64,
    /// The width of one category.
    pub slot: f64,
    /// Per series, per category: the point (centre of the category, value)
    /// or `None` for a missing or non-finite value.
    pub points: Vec<Vec<Option<(f64, f64)>>>,
    /// Per series, per category: the bar (bar charts only).
    pub bars: Vec<Vec<Option<Bar>>>,
    /// Per series, per category: the area a click or focus covers, the full
    /// height of the series' share of the category.
    pub hits: Vec<Vec<Bar>>,
    /// Radius of the point markers of a line chart.
    pub marker: f64,
}

/// Lays out `chart` in `frame`.
pub fn layout(chart: &Chart, frame: Frame) -> Layout {
    let n = chart.categories.len().max(1);
    let values = || {
        chart
            .series
            .iter()
            .flat_map(|s| s.points.iter().map(|p| p.value))
            .filter(|v| v.is_finite())
    };
    let lo = values().fold(0.0_f64, f64::min);
    let hi = values().fold(0.0_f64, f64::max);
    let whole = values().all(|v| v.fract() == 0.0);
    let scale = nice_scale(lo, hi, frame.ticks, whole);
    let labels: Vec<String> = scale
        .ticks()
        .into_iter()
        .map(|v| tick_label(v, scale.decimals))
        .collect();
    let widest_tick = labels.iter().map(|l| l.chars().count()).max().unwrap_or(1);

    let font = frame.font;
    let area = Area {
        left: widest_tick as f64 * font * CHAR_WIDTH + font * 0.75,
        // Room for the unit above the axis.
        top: font * 2.5,
        right: frame.width - font,
        bottom: frame.height - font * 2.25,
    };
    let plot_height = area.bottom - area.top;
    let y_of = |v: f64| area.bottom - (v - scale.lo) / (scale.hi - scale.lo) * plot_height;
    let y_ticks = scale
        .ticks()
        .into_iter()
        .zip(labels)
        .map(|(v, label)| YTick { y: y_of(v), label })
        .collect();

    let slot = (area.right - area.left) / n as f64;
    let centre = |i: usize| area.left + slot * (i as f64 + 0.5);
    let widest = chart
        .categories
        .iter()
        .map(|c| c.chars().count())
        .max()
        .unwrap_or(0);
    let every = label_every(slot, widest, font);
    let max_chars = ((slot * every as f64 - font * 0.5) / (font * CHAR_WIDTH)).floor();
    let max_chars = (max_chars.max(1.0) as usize).min(MAX_LABEL_CHARS);
    let x_labels = chart
        .categories
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, c)| {
            let text = shorten(c, max_chars);
            let half = text.chars().count() as f64 * font * CHAR_WIDTH / 2.0;
            let x = centre(i).clamp(half, frame.width - half);
            XLabel {
                at: centre(i),
                x,
                text,
            }
        })
        .collect();

    let series_count = chart.series.len().max(1);
    let zero_y = y_of(0.0);
    let points = chart
        .series
        .iter()
        .map(|s| {
            (0..chart.categories.len())
                .map(|i| {
                    s.points
                        .get(i)
                        .filter(|p| p.value.is_finite())
                        .map(|p| (centre(i), y_of(p.value)))
                })
                .collect()
        })
        .collect();

    // A bar group fills 80 % of its slot; bars in it touch unless there is
    // room for a gap of a tenth of a bar.
    let group = slot * 0.8;
    let bar_step = group / series_count as f64;
    let gap = if bar_step >= 6.0 { bar_step * 0.1 } else { 0.0 };
    let bar_left = |i: usize, k: usize| centre(i) - group / 2.0 + bar_step * k as f64;
    let bars = match chart.kind {
        ChartKind::Bars => chart
            .series
            .iter()
            .enumerate()
            .map(|(k, s)| {
                (0..chart.categories.len())
                    .map(|i| {
                        s.points.get(i).filter(|p| p.value.is_finite()).map(|p| {
                            let y = y_of(p.value);
                            Bar {
                                x: bar_left(i, k) + gap / 2.0,
                                y: y.min(zero_y),
                                width: bar_step - gap,
                                height: (y - zero_y).abs(),
                            }
                        })
                    })
                    .collect()
            })
            .collect(),
        ChartKind::Line => Vec::new(),
    };
    let hits = (0..chart.series.len())
        .map(|k| {
            (0..chart.categories.len())
                .map(|i| match chart.kind {
                    ChartKind::Bars => Bar {
                        x: bar_left(i, k),
                        y: area.top,
                        width: bar_step,
                        height: plot_height,
                    },
                    // Points of several lines share a category: each gets a
                    // square around its marker, at least 12 units wide.
                    ChartKind::Line => {
                        let side = slot.clamp(12.0, 20.0);
                        let y = chart
                            .series
                            .get(k)
                            .and_then(|s| s.points.get(i))
                            .filter(|p| p.value.is_finite())
                            .map_or(zero_y, |p| y_of(p.value));
                        Bar {
                            x: centre(i) - side / 2.0,
                            y: y - side / 2.0,
                            width: side,
                            height: side,
                        }
                    }
                })
                .collect()
        })
        .collect();
    let marker = (slot * 0.3).clamp(1.5, 3.5);

    Layout {
        frame,
        area,
        scale,
        y_ticks,
        x_labels,
        zero_y,
        slot,
        points,
        bars,
        hits,
        marker,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_types::views::charts::{Point, Series};

    fn chart(kind: ChartKind, days: usize, series: &[(&str, &[f64])]) -> Chart {
        Chart {
            title: "Cases".into(),
            description: "Cases per day.".into(),
            kind,
            unit: "cases".into(),
            categories: (0..days).map(|d| format!("{} Nov", d + 1)).collect(),
            series: series
                .iter()
                .map(|(name, values)| Series {
                    name: (*name).into(),
                    points: values
                        .iter()
                        .map(|v| Point {
                            value: *v,
                            label: v.to_string(),
                            href: None,
                        })
                        .collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn scales_take_round_steps() {
        let cases = [
            // (lo, hi, target, whole) → (lo, hi, step, decimals)
            ((0.0, 12.0, 5, true), (0.0, 12.0, 2.0, 0)),
            ((0.0, 97.0, 5, true), (0.0, 100.0, 20.0, 0)),
            ((0.0, 100.0, 5, true), (0.0, 100.0, 20.0, 0)),
            ((0.0, 1234.0, 4, true), (0.0, 1400.0, 200.0, 0)),
            ((0.0, 3.5, 5, false), (0.0, 3.5, 0.5, 1)),
            ((0.0, 0.9, 5, false), (0.0, 1.0, 0.2, 1)),
            ((0.0, 0.07, 5, false), (0.0, 0.07, 0.01, 2)),
            ((0.0, 1.0, 5, true), (0.0, 1.0, 1.0, 0)),
            ((0.0, 0.0, 5, true), (0.0, 1.0, 1.0, 0)),
            ((-3.0, 8.0, 5, true), (-4.0, 8.0, 2.0, 0)),
            ((0.0, 45.0, 5, false), (0.0, 50.0, 10.0, 0)),
            ((0.0, 6.0, 5, false), (0.0, 6.0, 1.0, 0)),
            ((0.0, 25_000.0, 5, true), (0.0, 25_000.0, 5_000.0, 0)),
        ];
        for ((lo, hi, target, whole), (elo, ehi, estep, edec)) in cases {
            let s = nice_scale(lo, hi, target, whole);
            let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
            assert!(
                close(s.lo, elo) && close(s.hi, ehi) && close(s.step, estep) && s.decimals == edec,
                "{lo}..{hi}: {s:?}"
            );
        }
    }

    #[test]
    fn ticks_are_exact_multiples_and_labels_short() {
        let s = nice_scale(0.0, 0.9, 5, false);
        let labels: Vec<String> = s
            .ticks()
            .iter()
            .map(|v| tick_label(*v, s.decimals))
            .collect();
        assert_eq!(labels, ["0", "0.2", "0.4", "0.6", "0.8", "1.0"]);
        assert_eq!(tick_label(25_000.0, 0), "25k");
        assert_eq!(tick_label(12_500.0, 0), "12.5k");
        assert_eq!(tick_label(1_500_000.0, 0), "1.5M");
        assert_eq!(tick_label(-0.0, 1), "0");
        assert_eq!(tick_label(300.0, 0), "300");
        // Not a float printed in full: 0.1 * 3.
        assert_eq!(tick_label(0.1 * 3.0, 1), "0.3");
    }

    #[test]
    fn coordinates_have_one_decimal_at_most() {
        assert_eq!(num(12.0), "12");
        assert_eq!(num(12.345_678_901), "12.3");
        assert_eq!(num(0.1 + 0.2), "0.3");
        assert_eq!(num(-0.01), "0");
        assert_eq!(num(-2.26), "-2.3");
    }

    #[test]
    fn ninety_days_show_a_label_a_week_or_so() {
        for frame in [WIDE, NARROW] {
            let values = vec![3.0; 90];
            let l = layout(&chart(ChartKind::Bars, 90, &[("Created", &values)]), frame);
            assert!(l.x_labels.len() >= 3, "{frame:?}: {:?}", l.x_labels);
            assert!(l.x_labels.len() <= 13, "{frame:?}: {:?}", l.x_labels);
            // Labels never overlap: each is narrower than the space between.
            for pair in l.x_labels.windows(2) {
                let width = pair[0].text.chars().count() as f64 * frame.font * CHAR_WIDTH;
                assert!(pair[1].x - pair[0].x >= width, "{frame:?}: {pair:?}");
            }
            assert_eq!(l.x_labels[0].text, "1 Nov");
        }
        // Seven days all fit on a wide chart.
        let l = layout(&chart(ChartKind::Bars, 7, &[("Created", &[1.0; 7])]), WIDE);
        assert_eq!(l.x_labels.len(), 7);
        assert_eq!(label_every(4.0, 6, 12.0), 14);
        assert_eq!(label_every(100.0, 6, 12.0), 1);
    }

    #[test]
    fn long_labels_are_shortened_not_dropped() {
        let mut c = chart(ChartKind::Bars, 3, &[("Breaches", &[1.0, 2.0, 3.0])]);
        c.categories = vec![
            "Acme Industries International".into(),
            "Bolt".into(),
            "Cogs".into(),
        ];
        let l = layout(&c, NARROW);
        assert_eq!(l.x_labels.len(), 3);
        assert!(l.x_labels[0].text.ends_with('…'), "{:?}", l.x_labels);
        assert_eq!(shorten("Bolt", 3), "Bo…");
        assert_eq!(shorten("Bolt", 4), "Bolt");
    }

    #[test]
    fn grouped_bars_sit_side_by_side_inside_their_slot() {
        let c = chart(
            ChartKind::Bars,
            3,
            &[("Created", &[10.0, 0.0, 5.0]), ("Solved", &[4.0, 8.0, 5.0])],
        );
        let l = layout(&c, WIDE);
        let a = l.bars[0][0].expect("bar");
        let b = l.bars[1][0].expect("bar");
        assert!(a.x + a.width <= b.x, "{a:?} {b:?}");
        assert!(a.x >= l.area.left && b.x + b.width <= l.area.left + l.slot);
        // Heights follow the values; bars stand on zero.
        assert!((a.height / b.height - 10.0 / 4.0).abs() < 1e-9);
        assert!((a.y + a.height - l.zero_y).abs() < 1e-9);
        assert_eq!(l.bars[0][1].map(|b| b.height), Some(0.0));
        // The top tick is at the top of the area, zero at the bottom.
        assert_eq!(l.y_ticks.first().map(|t| t.y), Some(l.area.bottom));
        assert_eq!(l.y_ticks.last().map(|t| t.y), Some(l.area.top));
        // Hit areas cover a series' share of the slot, full height.
        assert_eq!(l.hits[1][2].height, l.area.bottom - l.area.top);
    }

    #[test]
    fn missing_and_non_finite_values_are_not_drawn() {
        let mut c = chart(ChartKind::Line, 3, &[("Open", &[2.0, f64::NAN, 4.0])]);
        c.series[0].points.pop();
        let l = layout(&c, WIDE);
        assert!(l.points[0][0].is_some());
        assert_eq!(l.points[0][1], None);
        assert_eq!(l.points[0][2], None);
        assert_eq!(l.scale.hi, 2.0);
        assert!(l.bars.is_empty());
    }

    #[test]
    fn empty_charts_still_have_an_axis() {
        let l = layout(&chart(ChartKind::Line, 0, &[]), NARROW);
        assert_eq!(l.y_ticks.len(), 2);
        assert!(l.x_labels.is_empty());
        assert!(l.slot > 0.0);
    }
}
