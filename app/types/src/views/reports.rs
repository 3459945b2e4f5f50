//! The team reports and the customers' service report: what the pages show,
//! and the query parameters they (and their CSV downloads) read.

use super::charts::Chart;
use serde::{Deserialize, Serialize};

/// The filter of a report as the address carries it (`/reports?period=30&…`),
/// before it is parsed: every field as typed, "" when absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReportQuery {
    /// "7", "30", "90" or "custom"; "" is 30.
    pub period: String,
    /// YYYY-MM-DD, with `period=custom`.
    pub from: String,
    pub to: String,
    /// "1": show the previous period of the same length beside each figure.
    pub compare: String,
    pub organization: String,
    pub category: String,
    pub priority: String,
    pub agent: String,
    pub channel: String,
}

impl ReportQuery {
    /// The names of the parameters, in the order of the fields.
    pub const PARAMS: [&'static str; 9] = [
        "period",
        "from",
        "to",
        "compare",
        "organization",
        "category",
        "priority",
        "agent",
        "channel",
    ];

    /// Read the parameters by name (`get` returns None for an absent one).
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> ReportQuery {
        let [period, from, to, compare, organization, category, priority, agent, channel] =
            Self::PARAMS.map(|name| get(name).unwrap_or_default());
        ReportQuery {
            period,
            from,
            to,
            compare,
            organization,
            category,
            priority,
            agent,
            channel,
        }
    }

    /// The parameters that are set, by name, in the order of `PARAMS`.
    pub fn pairs(&self) -> Vec<(&'static str, &str)> {
        let values = [
            &self.period,
            &self.from,
            &self.to,
            &self.compare,
            &self.organization,
            &self.category,
            &self.priority,
            &self.agent,
            &self.channel,
        ];
        Self::PARAMS
            .into_iter()
            .zip(values)
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k, v.as_str()))
            .collect()
    }

    /// `?period=30&…` (empty when nothing is set).
    pub fn to_query_string(&self) -> String {
        let pairs: Vec<String> = self
            .pairs()
            .into_iter()
            .map(|(k, v)| format!("{k}={}", crate::urlencode(v)))
            .collect();
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        }
    }
}

/// The narrowing of a case list that a report's figure counts (the cases
/// behind a bar): opened or solved within dates, by channel, by who solved
/// them, by an agent who worked them, by a missed SLA target, by the time of
/// the first response. As typed in the address; "" is absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseSliceQuery {
    /// YYYY-MM-DD, both days included, in the support calendar's time zone.
    pub created_from: String,
    pub created_to: String,
    pub solved_from: String,
    pub solved_to: String,
    pub channel: String,
    /// A user id: cases whose final solving was theirs.
    pub solved_by: String,
    /// A user id: cases they wrote on or changed.
    pub agent: String,
    /// "first_response_missed" or "resolution_missed".
    pub sla: String,
    /// "1-4": first response within [1 h, 4 h) of business time; "72-": 72 h or more.
    pub response_hours: String,
}

impl CaseSliceQuery {
    pub const PARAMS: [&'static str; 9] = [
        "created_from",
        "created_to",
        "solved_from",
        "solved_to",
        "channel",
        "solved_by",
        "agent",
        "sla",
        "response_hours",
    ];

    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> CaseSliceQuery {
        let [created_from, created_to, solved_from, solved_to, channel, solved_by, agent, sla, response_hours] =
            Self::PARAMS.map(|name| get(name).unwrap_or_default());
        CaseSliceQuery {
            created_from,
            created_to,
            solved_from,
            solved_to,
            channel,
            solved_by,
            agent,
            sla,
            response_hours,
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == CaseSliceQuery::default()
    }
}

/// One figure: "Median first response: 3.5 business hours", with the previous
/// period's beside it when compared, and the cases it counts when it counts cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    pub label: String,
    pub value: String,
    pub previous: Option<String>,
    pub href: Option<String>,
}

/// A cell of a report table, a link when it counts cases.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
}

/// A table of a report (the first column names the row).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportTable {
    pub caption: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// Said instead of the table when it has no rows.
    pub empty: String,
}

/// A section of a report page, under its own heading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportSection {
    /// The anchor of the heading.
    pub id: String,
    pub heading: String,
    /// What the section counts, in a sentence.
    pub note: String,
    pub figures: Vec<Figure>,
    pub charts: Vec<Chart>,
    pub tables: Vec<ReportTable>,
}

/// The period a report covers, in words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PeriodView {
    /// YYYY-MM-DD, both included.
    pub from: String,
    pub to: String,
    /// The previous period, when compared: "2026-10-01 to 2026-10-30".
    pub previous: Option<String>,
    /// The time zone the days are counted in.
    pub time_zone: String,
}

/// The choices of the filter form.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportChoices {
    pub organizations: Vec<(i64, String)>,
    pub categories: Vec<(i64, String)>,
    pub agents: Vec<(i64, String)>,
}

/// The team reports page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamReport {
    /// The filter as parsed, written back for the form and the links.
    pub query: ReportQuery,
    pub period: PeriodView,
    pub choices: ReportChoices,
    /// `/reports/cases.csv?…`, the same filter.
    pub csv_href: String,
    pub sections: Vec<ReportSection>,
    /// Admins only: whether the reader gets the weekly summary by mail.
    pub weekly_summary: Option<bool>,
}

/// A customer admin's service report of their organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServiceReport {
    pub organization: String,
    pub query: ReportQuery,
    pub period: PeriodView,
    pub categories: Vec<(i64, String)>,
    /// `/organization/report.csv?…`
    pub csv_href: String,
    pub sections: Vec<ReportSection>,
}
