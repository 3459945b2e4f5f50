//! A report chart: a figure with the chart drawn as SVG by the server (no
//! JavaScript needed) and the same figures as a table below it (what screen
//! readers read, and what the eye can check).
//!
//! The drawing comes twice, laid out for a wide and for a narrow box; the
//! stylesheet shows the one that fits the figure's width (a container
//! query), so tick labels keep a readable size on a phone. The other one is
//! `display: none`: out of the tab order and of the accessibility tree.
//! The arithmetic is in [`super::chart_layout`].

use crate::components::chart_layout::{layout, num, Frame, NARROW, WIDE};
use crate::components::panels::TableScroll;
use leptos::prelude::*;
use rapport_types::views::charts::{Chart, ChartKind};

/// How many series colours the stylesheet has (`.series-0` …).
const COLOURS: usize = 5;

/// A chart with its caption, its drawing and its table of values.
#[component]
pub fn ChartFigure(chart: Chart) -> impl IntoView {
    let caption = chart.title.clone();
    let id = chart_id(&chart);
    let legend = (chart.series.len() > 1).then(|| legend(&chart));
    let wide = drawing(
        &chart,
        WIDE,
        format!("{id}-wide"),
        "chart-drawing chart-wide",
    );
    let narrow = drawing(
        &chart,
        NARROW,
        format!("{id}-narrow"),
        "chart-drawing chart-narrow",
    );
    view! {
        <figure class="chart">
            <figcaption>{caption}</figcaption>
            {legend}
            {wide}
            {narrow}
            <details class="chart-figures">
                <summary>"Show the figures as a table"</summary>
                <ChartTable chart/>
            </details>
        </figure>
    }
}

/// A stable id for the chart's `<title>` and `<desc>`: its title as a slug
/// and a hash of its title and description (FNV-1a), the same on the server
/// and in the browser.
fn chart_id(chart: &Chart) -> String {
    let mut slug = String::new();
    for c in chart.title.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 32 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    let mut hash: u32 = 0x811c_9dc5;
    for byte in chart
        .title
        .bytes()
        .chain([0])
        .chain(chart.description.bytes())
    {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    format!("chart-{slug}-{hash:08x}")
}

/// A point's accessible name and tooltip: "Created, 3 Nov: 12 cases". The
/// unit follows a bare number (singular after 1); a label with its own unit
/// ("3.5 h") stands as it is.
pub fn point_name(series: &str, category: &str, label: &str, unit: &str) -> String {
    let bare_number = !label.is_empty()
        && label
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | '-' | ' ' | '\u{202f}'));
    if bare_number && !unit.is_empty() {
        // "1 case", "1 hour": the unit's plural s goes with one.
        let unit = match unit.strip_suffix('s') {
            Some(one) if label == "1" => one,
            _ => unit,
        };
        format!("{series}, {category}: {label} {unit}")
    } else {
        format!("{series}, {category}: {label}")
    }
}

/// The legend of a chart with several series: a swatch drawn like the
/// series (colour, dashes and marker shape, so colour is not the only clue)
/// and its name.
fn legend(chart: &Chart) -> impl IntoView {
    let kind = chart.kind;
    let items = chart
        .series
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let swatch = match kind {
                ChartKind::Bars => view! {
                    <g class=series_class(k)><rect class="bar" x="4" y="1" width="16" height="12"/></g>
                }
                .into_any(),
                ChartKind::Line => view! {
                    <g class=series_class(k)>
                        <line class="line" x1="0" y1="7" x2="24" y2="7"/>
                        {marker(k, 12.0, 7.0, 3.5)}
                    </g>
                }
                .into_any(),
            };
            view! {
                <li>
                    <svg class="chart-swatch" viewBox="0 0 24 14" width="24" height="14" aria-hidden="true">
                        {swatch}
                    </svg>
                    {s.name.clone()}
                </li>
            }
        })
        .collect_view();
    view! { <ul class="chart-legend">{items}</ul> }
}

fn series_class(k: usize) -> String {
    format!("series series-{}", k % COLOURS)
}

/// A line's point marker: a circle, a square or a diamond by series.
fn marker(k: usize, x: f64, y: f64, r: f64) -> AnyView {
    match k % 3 {
        0 => view! { <circle class="marker" cx=num(x) cy=num(y) r=num(r)/> }.into_any(),
        1 => view! {
            <rect class="marker" x=num(x - r) y=num(y - r) width=num(2.0 * r) height=num(2.0 * r)/>
        }
        .into_any(),
        _ => {
            let d = r * 1.3;
            let points = format!(
                "{},{} {},{} {},{} {},{}",
                num(x),
                num(y - d),
                num(x + d),
                num(y),
                num(x),
                num(y + d),
                num(x - d),
                num(y)
            );
            view! { <polygon class="marker" points=points/> }.into_any()
        }
    }
}

/// The chart drawn in `frame`.
fn drawing(chart: &Chart, frame: Frame, id: String, class: &'static str) -> impl IntoView {
    let l = layout(chart, frame);
    let area = l.area;
    let font_size = frame.font;
    let title_id = format!("{id}-title");
    let desc_id = format!("{id}-desc");
    let linked = chart
        .series
        .iter()
        .any(|s| s.points.iter().any(|p| p.href.is_some()));
    // An image's children are hidden from assistive technology; with links
    // in it the drawing is a group, so each link keeps its name.
    let role = if linked { "group" } else { "img" };

    let grid = l
        .y_ticks
        .iter()
        .map(|t| {
            view! {
                <line x1=num(area.left) x2=num(area.right) y1=num(t.y) y2=num(t.y)/>
                <text class="y-label" x=num(area.left - font_size * 0.5) y=num(t.y) dy="0.35em">
                    {t.label.clone()}
                </text>
            }
        })
        .collect_view();
    let x_labels = l
        .x_labels
        .iter()
        .map(|x| {
            view! {
                <line class="axis" x1=num(x.at) x2=num(x.at) y1=num(area.bottom) y2=num(area.bottom + 4.0)/>
                <text class="x-label" x=num(x.x) y=num(area.bottom + font_size * 1.5)>{x.text.clone()}</text>
            }
        })
        .collect_view();

    let lines = match chart.kind {
        ChartKind::Line => l
            .points
            .iter()
            .enumerate()
            .map(|(k, points)| {
                // A missing value breaks the line.
                let runs = points
                    .split(Option::is_none)
                    .filter(|run| !run.is_empty())
                    .map(|run| {
                        let coords = run
                            .iter()
                            .flatten()
                            .map(|(x, y)| format!("{},{}", num(*x), num(*y)))
                            .collect::<Vec<_>>()
                            .join(" ");
                        view! { <polyline class="line" points=coords/> }
                    })
                    .collect_view();
                view! { <g class=series_class(k)>{runs}</g> }
            })
            .collect_view()
            .into_any(),
        ChartKind::Bars => ().into_any(),
    };

    let marks = chart
        .series
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let items = chart
                .categories
                .iter()
                .enumerate()
                .filter_map(|(i, category)| {
                    let point = s.points.get(i)?;
                    let shape = match chart.kind {
                        ChartKind::Bars => {
                            let b = l.bars.get(k)?.get(i).copied().flatten()?;
                            view! {
                                <rect class="bar" x=num(b.x) y=num(b.y) width=num(b.width) height=num(b.height)/>
                            }
                            .into_any()
                        }
                        ChartKind::Line => {
                            let (x, y) = l.points.get(k)?.get(i).copied().flatten()?;
                            marker(k, x, y, l.marker)
                        }
                    };
                    let hit = l.hits.get(k)?.get(i).copied()?;
                    let hit = view! {
                        <rect class="hit" x=num(hit.x) y=num(hit.y) width=num(hit.width) height=num(hit.height)/>
                    };
                    let name = point_name(&s.name, category, &point.label, &chart.unit);
                    // The link sits in a `<g>`: the view macro makes an `<a>`
                    // or `<title>` an SVG one only inside an SVG element, which
                    // matters when the browser renders the chart itself (a
                    // filter changed after hydration).
                    Some(match &point.href {
                        Some(href) => view! {
                            <g>
                                <a href=href.clone() aria-label=name.clone()>
                                    <title>{name.clone()}</title>
                                    {hit}
                                    {shape}
                                </a>
                            </g>
                        }
                        .into_any(),
                        None => view! {
                            <g>
                                <title>{name}</title>
                                {hit}
                                {shape}
                            </g>
                        }
                        .into_any(),
                    })
                })
                .collect_view();
            view! { <g class=series_class(k)>{items}</g> }
        })
        .collect_view();

    view! {
        <svg
            class=class
            viewBox=format!("0 0 {} {}", num(frame.width), num(frame.height))
            width="100%"
            font-size=num(frame.font)
            role=role
            aria-labelledby=title_id.clone()
            aria-describedby=desc_id.clone()
        >
            <title id=title_id.clone()>{chart.title.clone()}</title>
            <desc id=desc_id.clone()>{chart.description.clone()}</desc>
            <text class="unit" x="0" y=num(font_size)>{chart.unit.clone()}</text>
            <g class="gridlines">{grid}</g>
            <line class="axis" x1=num(area.left) x2=num(area.right) y1=num(l.zero_y) y2=num(l.zero_y)/>
            <g class="x-labels">{x_labels}</g>
            {lines}
            {marks}
        </svg>
    }
}

/// The chart's values as a table: a row per category, a column per series;
/// each value links to its cases when the chart does.
#[component]
fn ChartTable(chart: Chart) -> impl IntoView {
    let Chart {
        title,
        categories,
        series,
        unit,
        ..
    } = chart;
    let heads = series
        .iter()
        .map(|s| view! { <th scope="col" class="num">{s.name.clone()}</th> })
        .collect_view();
    let rows = categories
        .into_iter()
        .enumerate()
        .map(|(i, category)| {
            let cells = series
                .iter()
                .map(|s| {
                    let cell = match s.points.get(i) {
                        Some(point) => match &point.href {
                            Some(href) => {
                                view! { <a href=href.clone()>{point.label.clone()}</a> }.into_any()
                            }
                            None => point.label.clone().into_any(),
                        },
                        None => "".into_any(),
                    };
                    view! { <td class="num">{cell}</td> }
                })
                .collect_view();
            view! { <tr><th scope="row">{category}</th>{cells}</tr> }
        })
        .collect_view();
    view! {
        <TableScroll label=title.clone()>
            <table class="table compact chart-table">
                <caption class="visually-hidden">{format!("{title} ({unit})")}</caption>
                <thead><tr><th scope="col">""</th>{heads}</tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </TableScroll>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rapport_types::views::charts::{Point, Series};

    fn series(name: &str, values: &[f64], link: bool) -> Series {
        Series {
            name: name.into(),
            points: values
                .iter()
                .enumerate()
                .map(|(i, v)| Point {
                    value: *v,
                    label: format!("{v}"),
                    href: link.then(|| format!("/cases?day={i}&series={name}")),
                })
                .collect(),
        }
    }

    fn chart(kind: ChartKind, link: bool) -> Chart {
        Chart {
            title: "Created & solved <per day>".into(),
            description: "Cases created and solved each day.".into(),
            kind,
            unit: "cases".into(),
            categories: vec!["3 Nov".into(), "4 Nov".into(), "5 Nov".into()],
            series: vec![
                series("Created", &[12.0, 7.0, 9.0], link),
                series("Solved", &[10.0, 8.0, 11.0], link),
            ],
        }
    }

    #[test]
    fn points_are_named_with_their_series_day_and_value() {
        assert_eq!(
            point_name("Created", "3 Nov", "12", "cases"),
            "Created, 3 Nov: 12 cases"
        );
        assert_eq!(
            point_name("Median", "3 Nov", "3.5 h", "hours"),
            "Median, 3 Nov: 3.5 h"
        );
        assert_eq!(
            point_name("Open", "3 Nov", "1,204", ""),
            "Open, 3 Nov: 1,204"
        );
    }

    #[test]
    fn ids_are_stable_and_differ_between_charts() {
        let a = chart(ChartKind::Bars, true);
        let mut b = a.clone();
        b.description = "Another.".into();
        assert_eq!(chart_id(&a), chart_id(&a.clone()));
        assert_ne!(chart_id(&a), chart_id(&b));
        assert!(chart_id(&a).starts_with("chart-created-solved-per-day-"));
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_figure_draws_linked_bars_and_keeps_the_table() {
        let html = view! { <ChartFigure chart=chart(ChartKind::Bars, true)/> }.to_html();
        let id = chart_id(&chart(ChartKind::Bars, true));
        // Two drawings (wide and narrow), each named by its title and desc.
        assert_eq!(html.matches("class=\"chart-drawing ").count(), 2, "{html}");
        assert!(html.contains("viewBox=\"0 0 640 280\""), "{html}");
        assert!(html.contains("viewBox=\"0 0 340 240\""), "{html}");
        assert!(
            html.contains(&format!(
                "aria-labelledby=\"{id}-wide-title\" aria-describedby=\"{id}-wide-desc\""
            )),
            "{html}"
        );
        assert!(
            html.contains(&format!(
                "<title id=\"{id}-wide-title\">Created &amp; solved &lt;per day&gt;"
            )),
            "{html}"
        );
        assert!(
            html.contains("-wide-desc\">Cases created and solved each day."),
            "{html}"
        );
        // Links hold their names, so the drawing is a group, not an image.
        assert!(html.contains("role=\"group\""), "{html}");
        assert!(
            html.contains(
                "<a href=\"/cases?day=0&amp;series=Created\" aria-label=\"Created, 3 Nov: 12 cases\">"
            ),
            "{html}"
        );
        // 2 series × 3 days × 2 drawings bars, each in its link.
        assert_eq!(html.matches("class=\"bar\"").count(), 12 + 2, "{html}");
        assert_eq!(
            html.matches("<a href=\"/cases?day=").count(),
            12 + 6,
            "{html}"
        );
        // A legend for the two series; the table behind its summary.
        assert!(html.contains("<ul class=\"chart-legend\">"), "{html}");
        assert!(
            html.contains("<summary>Show the figures as a table"),
            "{html}"
        );
        assert!(html.contains("<th scope=\"row\">4 Nov"), "{html}");
        // Short numbers only, and the same text every time (hydration).
        let long_number = html
            .split(|c: char| !(c.is_ascii_digit() || c == '.'))
            .any(|n| n.split('.').nth(1).is_some_and(|d| d.len() > 2));
        assert!(!long_number, "{html}");
        let again = view! { <ChartFigure chart=chart(ChartKind::Bars, true)/> }.to_html();
        assert_eq!(html, again);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_line_chart_without_links_is_an_image_with_markers() {
        let mut c = chart(ChartKind::Line, false);
        c.series.truncate(1);
        let html = view! { <ChartFigure chart=c/> }.to_html();
        assert!(html.contains("role=\"img\""), "{html}");
        assert!(!html.contains("<a "), "{html}");
        assert_eq!(html.matches("<polyline ").count(), 2, "{html}");
        assert_eq!(html.matches("<circle ").count(), 6, "{html}");
        assert!(html.contains("<title>Created, 5 Nov: 9 cases"), "{html}");
        // One series: no legend.
        assert!(!html.contains("chart-legend"), "{html}");
    }
}
