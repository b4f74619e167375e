//! Bar charts for the dashboards: the geometry of an SVG chart, computed here and placed by the
//! `chart.html` macro (askama escapes every text, so no markup is built in Rust). Values are
//! exact decimals; floats are used only for coordinates.
//!
//! A chart is groups along the x axis (fiscal years, items), each with segments: stacked
//! (実績/計画/見込み of one year, negatives below zero) or side by side (forecast and actual).
//! Every segment has a `<title>` (its label and value, shown on hover and read by screen
//! readers) and a link to the rows it was computed from; the page puts the same figures in a
//! table next to the chart.

use kaikaku_model::Decimal;
use kaikaku_model::quantity::format_decimal;

/// How the segments of a group are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Arrangement {
    /// One bar per group, segments on top of each other.
    Stacked,
    /// One bar per segment, side by side.
    SideBySide,
}

/// One value of a group.
#[derive(Clone, Debug)]
pub(crate) struct Segment {
    /// The value (yen, or the unit of the chart).
    pub value: Decimal,
    /// The CSS class of the bar (`bar-actual`).
    pub class: &'static str,
    /// The `<title>`: what the value is, with the value.
    pub title: String,
    /// Where the rows it was computed from are.
    pub href: String,
}

/// One group along the x axis.
#[derive(Clone, Debug)]
pub(crate) struct Group {
    /// The label under the group (`令和3年度`, `No.19`).
    pub label: String,
    /// Its values.
    pub segments: Vec<Segment>,
}

/// A bar as drawn.
#[derive(Clone, Debug)]
pub(crate) struct Bar {
    pub x: String,
    pub y: String,
    pub width: String,
    pub height: String,
    pub class: &'static str,
    pub title: String,
    pub href: String,
}

/// A text placed on the chart (axis labels, ticks).
#[derive(Clone, Debug)]
pub(crate) struct Text {
    pub x: String,
    pub y: String,
    pub text: String,
}

/// A horizontal grid line with its value.
#[derive(Clone, Debug)]
pub(crate) struct Tick {
    pub y: String,
    pub x1: String,
    pub x2: String,
    pub label: Text,
    /// The zero line is drawn darker.
    pub is_zero: bool,
}

/// An entry of the legend.
#[derive(Clone, Debug)]
pub(crate) struct LegendEntry {
    pub class: &'static str,
    pub label: String,
}

/// A chart ready to draw.
#[derive(Clone, Debug)]
pub(crate) struct Chart {
    /// The id of the chart's `<title>` (`aria-labelledby`).
    pub id: String,
    /// What the chart shows, for its `<title>`.
    pub title: String,
    pub width: String,
    pub height: String,
    pub bars: Vec<Bar>,
    pub ticks: Vec<Tick>,
    pub labels: Vec<Text>,
    pub legend: Vec<LegendEntry>,
}

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 96.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 36.0;

fn coordinate(value: f64) -> String {
    format!("{:.1}", (value * 10.0).round() / 10.0)
}

fn float(value: Decimal) -> f64 {
    f64::try_from(value).unwrap_or(0.0)
}

/// A round step for about four grid lines over `span`: 1, 2 or 5 times a power of ten.
fn step_for(span: f64) -> f64 {
    if span <= 0.0 || !span.is_finite() {
        return 1.0;
    }
    let rough = span / 4.0;
    let power = 10f64.powf(rough.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|step| *step >= rough)
        .unwrap_or(10.0 * power)
}

/// A tick value in yen as people read it: `5億円`, `2,000万円`, `500円`; `unit` otherwise.
fn tick_label(value: f64, unit: &str) -> String {
    let rounded = Decimal::try_from(value.round()).unwrap_or_default();
    if unit != "円" {
        return format!("{}{unit}", format_decimal(rounded));
    }
    let hundred_million = Decimal::from(100_000_000);
    let ten_thousand = Decimal::from(10_000);
    if !rounded.is_zero() && (rounded % hundred_million).is_zero() {
        format!("{}億円", format_decimal(rounded / hundred_million))
    } else if !rounded.is_zero() && (rounded % ten_thousand).is_zero() {
        format!("{}万円", format_decimal(rounded / ten_thousand))
    } else {
        format!("{}円", format_decimal(rounded))
    }
}

impl Chart {
    /// The chart of `groups`, values in `unit` (`円`), with `legend`.
    pub(crate) fn new(
        id: &str,
        title: String,
        arrangement: Arrangement,
        groups: &[Group],
        unit: &str,
        legend: Vec<LegendEntry>,
    ) -> Chart {
        let extent = |segments: &[Segment]| -> (f64, f64) {
            match arrangement {
                Arrangement::Stacked => segments.iter().fold((0.0, 0.0), |(low, high), s| {
                    let v = float(s.value);
                    if v < 0.0 {
                        (low + v, high)
                    } else {
                        (low, high + v)
                    }
                }),
                Arrangement::SideBySide => segments.iter().fold((0.0, 0.0), |(low, high), s| {
                    let v = float(s.value);
                    (f64::min(low, v), f64::max(high, v))
                }),
            }
        };
        let (low, high) = groups
            .iter()
            .map(|g| extent(&g.segments))
            .fold((0.0f64, 0.0f64), |(l, h), (gl, gh)| (l.min(gl), h.max(gh)));
        let step = step_for(high - low);
        let low = (low / step).floor() * step;
        let high = ((high / step).ceil() * step).max(low + step);
        let plot_height = HEIGHT - TOP - BOTTOM;
        let y_of = |v: f64| TOP + (high - v) / (high - low) * plot_height;

        let mut ticks = Vec::new();
        let mut value = low;
        while value <= high + step / 2.0 {
            let y = y_of(value);
            ticks.push(Tick {
                y: coordinate(y),
                x1: coordinate(LEFT),
                x2: coordinate(WIDTH - RIGHT),
                label: Text {
                    x: coordinate(LEFT - 6.0),
                    y: coordinate(y + 4.0),
                    text: tick_label(value, unit),
                },
                is_zero: value.abs() < step / 2.0,
            });
            value += step;
        }

        let slot = (WIDTH - LEFT - RIGHT) / groups.len().max(1) as f64;
        let mut bars = Vec::new();
        let mut labels = Vec::new();
        for (i, group) in groups.iter().enumerate() {
            let left = LEFT + slot * i as f64;
            labels.push(Text {
                x: coordinate(left + slot / 2.0),
                y: coordinate(HEIGHT - BOTTOM + 18.0),
                text: group.label.clone(),
            });
            let count = group.segments.len().max(1) as f64;
            let (mut above, mut below) = (0.0f64, 0.0f64);
            for (j, segment) in group.segments.iter().enumerate() {
                let v = float(segment.value);
                let (x, width, from, to) = match arrangement {
                    Arrangement::Stacked => {
                        let width = (slot * 0.5).min(80.0);
                        let x = left + (slot - width) / 2.0;
                        if v < 0.0 {
                            below += v;
                            (x, width, below - v, below)
                        } else {
                            above += v;
                            (x, width, above, above - v)
                        }
                    }
                    Arrangement::SideBySide => {
                        let width = (slot * 0.8 / count).min(48.0);
                        let x = left + (slot - width * count) / 2.0 + width * j as f64;
                        (x, width, v.max(0.0), v.min(0.0))
                    }
                };
                let (top, bottom) = (y_of(from), y_of(to));
                bars.push(Bar {
                    x: coordinate(x),
                    y: coordinate(top),
                    width: coordinate(width),
                    height: coordinate((bottom - top).max(0.0)),
                    class: segment.class,
                    title: segment.title.clone(),
                    href: segment.href.clone(),
                });
            }
        }
        Chart {
            id: id.to_owned(),
            title,
            width: coordinate(WIDTH),
            height: coordinate(HEIGHT),
            bars,
            ticks,
            labels,
            legend,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn segment(value: i64, class: &'static str) -> Segment {
        Segment {
            value: Decimal::from(value),
            class,
            title: String::new(),
            href: String::new(),
        }
    }

    #[test]
    fn stacked_bars_share_one_scale_with_round_ticks() {
        let groups = [
            Group {
                label: "A".to_owned(),
                segments: vec![segment(300, "a"), segment(100, "b")],
            },
            Group {
                label: "B".to_owned(),
                segments: vec![segment(-100, "a")],
            },
        ];
        let chart = Chart::new(
            "c",
            "t".to_owned(),
            Arrangement::Stacked,
            &groups,
            "円",
            vec![],
        );
        // Range −100 … 400, step 200 → ticks −200, 0, 200, 400.
        let ticks: Vec<&str> = chart.ticks.iter().map(|t| t.label.text.as_str()).collect();
        assert_eq!(ticks, ["-200円", "0円", "200円", "400円"]);
        assert_eq!(chart.bars.len(), 3);
        // 300 is three times 100; the stack of 400 reaches the top of the plot (y 12).
        let height = |i: usize| chart.bars[i].height.parse::<f64>().expect("a number");
        assert!((height(0) / height(1) - 3.0).abs() < 0.05);
        assert!((height(2) - height(1)).abs() < 0.05);
        assert_eq!(chart.bars[1].y, "12.0");
    }

    #[test]
    fn yen_ticks_read_in_oku_and_man() {
        assert_eq!(tick_label(500_000_000.0, "円"), "5億円");
        assert_eq!(tick_label(20_000_000.0, "円"), "2,000万円");
        assert_eq!(tick_label(0.0, "円"), "0円");
        assert_eq!(tick_label(250.0, "件"), "250件");
        assert_eq!(step_for(668_111_721.0), 200_000_000.0);
    }
}
