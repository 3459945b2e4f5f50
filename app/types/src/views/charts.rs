//! Charts of the reports: plain data that the server draws as SVG (so they
//! show without JavaScript) with a table beside it for screen readers.
//!
//! Every point may link to the list of exactly the cases it counts, so a chart
//! can be clicked through (`Point::href`).

use serde::{Deserialize, Serialize};

/// How a chart is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChartKind {
    /// Lines over the categories (time): the backlog over time.
    Line,
    /// Bars side by side per category: created versus solved per day, a
    /// histogram of response times, breaches by priority.
    Bars,
}

/// One chart: a title and a description (the SVG's `<title>` and `<desc>`),
/// the categories along the horizontal axis, and one or more series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chart {
    pub title: String,
    /// One or two sentences saying what the chart shows, for `<desc>`.
    pub description: String,
    pub kind: ChartKind,
    /// What the values count ("cases", "hours"), for the axis and the table.
    pub unit: String,
    /// The labels along the horizontal axis ("3 Nov", "0–1 h").
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

/// One line, or one colour of bars.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    pub name: String,
    /// One point per category, in the same order.
    pub points: Vec<Point>,
}

/// A value, and the case list it counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub value: f64,
    /// The value as the table shows it ("12", "3.5 h").
    pub label: String,
    /// The case list with exactly the filter of this point, when there is one.
    pub href: Option<String>,
}
