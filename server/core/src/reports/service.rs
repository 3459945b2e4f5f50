//! A customer organization's service report, for its customer admins: the
//! team report's case figures with the organization fixed to theirs, their
//! targets, and their open cases by age. Nothing internal: no agents, no
//! notes, no self-service or knowledge figures.

use super::filter::{self, ReportFilter};
use super::team::{self, case_sections, created_in, figure, CalendarDay, Links, TeamFigures};
use crate::db::reports::{self as db, Dimensions};
use crate::policy::{Action, Actor, Permit};
use crate::Error;
use jiff::civil::Date;
use rapport_types::views::reports::{Cell, ReportQuery, ReportSection, ReportTable, ServiceReport};
use rapport_types::Priority;
use sqlx::PgPool;

/// The organization whose report the permit allows.
fn organization_of(permit: &Permit) -> Result<(i64, &Actor), Error> {
    let actor = permit.signed_in()?;
    let organization_id = actor.organization_id.ok_or(Error::Forbidden)?;
    permit.check(&Action::ViewServiceReport { organization_id })?;
    Ok((organization_id, actor))
}

/// The filter of a service report: the period; the organization is the reader's.
pub fn service_filter(
    query: &ReportQuery,
    today: Date,
    organization_id: i64,
) -> Result<ReportFilter, Error> {
    let period_only = ReportQuery {
        period: query.period.clone(),
        from: query.from.clone(),
        to: query.to.clone(),
        compare: query.compare.clone(),
        ..ReportQuery::default()
    };
    let mut filter = ReportFilter::parse(&period_only, today)?;
    filter.organization_id = Some(organization_id);
    Ok(filter)
}

/// Open cases by age: (label, first day, last day) back from today.
fn age_buckets(today: Date) -> Vec<(&'static str, Date, Option<Date>)> {
    let back = |days: i64| {
        today
            .checked_sub(jiff::Span::new().days(days))
            .unwrap_or(today)
    };
    vec![
        ("Opened today", today, Some(today)),
        ("1 to 2 days", back(2), Some(back(1))),
        ("3 to 7 days", back(7), Some(back(3))),
        ("8 to 30 days", back(30), Some(back(8))),
        ("Over 30 days", Date::constant(1970, 1, 1), Some(back(31))),
    ]
}

/// The service report of the permit's organization.
pub async fn report(
    permit: &Permit,
    pool: &PgPool,
    query: &ReportQuery,
) -> Result<ServiceReport, Error> {
    let (organization_id, _) = organization_of(permit)?;
    let calendar = team::calendar_day(pool).await?;
    let filter = service_filter(query, calendar.today, organization_id)?;
    let dims = filter.dimensions();
    let (figures, organization) = case_figures(pool, &filter, &dims, &calendar).await?;
    let links = Links::customer();
    let mut sections: Vec<ReportSection> = case_sections(&figures, &filter, &links)
        .into_iter()
        .filter(|s| s.id != "quality")
        .collect();
    // The targets beside the times.
    let targets = db::targets(pool).await?;
    if let Some(sla) = sections.iter_mut().find(|s| s.id == "sla") {
        sla.tables.push(ReportTable {
            caption: "Targets by priority (business hours)".to_string(),
            columns: vec![
                "Priority".into(),
                "First response within".into(),
                "Resolution within".into(),
            ],
            rows: targets
                .iter()
                .map(|t| {
                    let label = Priority::parse(&t.priority)
                        .map_or(t.priority.clone(), |p| p.label().to_string());
                    vec![
                        plain(label),
                        plain(team::hours(
                            Some(t.first_response_minutes as f64 * 60.0),
                            true,
                        )),
                        plain(team::hours(Some(t.resolution_minutes as f64 * 60.0), true)),
                    ]
                })
                .collect(),
            empty: "No targets are set.".to_string(),
        });
    }
    // Open cases by age.
    let buckets = age_buckets(calendar.today);
    let spans = buckets
        .iter()
        .map(|(_, from, to)| filter::span_of(&calendar.zone, *from, to.unwrap_or(*from)))
        .collect::<Result<Vec<_>, Error>>()?;
    let counts = db::open_by_age(pool, &dims, &spans).await?;
    let mut age = ReportSection {
        id: "age".to_string(),
        heading: "Open cases by age".to_string(),
        note: "Your cases waiting now (new, open, pending, on hold), by the day they were opened."
            .to_string(),
        figures: vec![],
        charts: vec![],
        tables: vec![],
    };
    age.figures.push(figure(
        "Open now",
        counts.iter().sum::<i64>().to_string(),
        None,
        Some("/cases?status=active".to_string()),
    ));
    age.tables.push(ReportTable {
        caption: "Open cases by age".to_string(),
        columns: vec!["Age".into(), "Cases".into()],
        rows: buckets
            .iter()
            .zip(&counts)
            .map(|((label, from, to), n)| {
                let mut extra = created_in(*from, to.unwrap_or(*from));
                if *label == "Over 30 days" {
                    extra.retain(|(k, _)| *k != "created_from");
                }
                let href = links.to(&extra).replacen("status=all", "status=active", 1);
                vec![
                    plain(label.to_string()),
                    Cell {
                        text: n.to_string(),
                        href: Some(href),
                    },
                ]
            })
            .collect(),
        empty: String::new(),
    });
    sections.push(age);
    let query = filter.query();
    let period_query = ReportQuery {
        organization: String::new(),
        ..query.clone()
    };
    Ok(ServiceReport {
        organization,
        csv_href: format!("/organization/report.csv{}", period_query.to_query_string()),
        period: team::period_view(&filter, &calendar),
        query: period_query,
        categories: vec![],
        sections,
    })
}

fn plain(text: String) -> Cell {
    Cell { text, href: None }
}

/// The case figures of the period (and the previous one): what the service
/// report and the weekly summary share with the team report.
pub(crate) async fn case_figures(
    pool: &PgPool,
    filter: &ReportFilter,
    dims: &Dimensions,
    calendar: &CalendarDay,
) -> Result<(TeamFigures, String), Error> {
    let span = filter::span_of(&calendar.zone, filter.from, filter.to)?;
    let previous_span = match filter.compare {
        true => {
            let (from, to) = filter.previous();
            Some(filter::span_of(&calendar.zone, from, to)?)
        }
        false => None,
    };
    let current = db::aggregates(pool, dims, span).await?;
    let previous = match previous_span {
        Some(s) => Some(db::aggregates(pool, dims, s).await?),
        None => None,
    };
    let per_day = db::per_day(pool, dims, span, &calendar.zone_name).await?;
    let organization = match dims.organization_id {
        Some(id) => db::organization_name(pool, id).await?.unwrap_or_default(),
        None => String::new(),
    };
    Ok((
        TeamFigures {
            span,
            previous_span,
            current,
            previous,
            per_day,
            backlog: vec![],
            backlog_now: 0,
            agents: vec![],
            comments: vec![],
            funnel: db::Funnel::default(),
            previous_funnel: None,
            most_read: vec![],
            least_helpful: vec![],
            workshops: vec![],
        },
        organization,
    ))
}

/// The dimensions of the permit's organization, for its CSV.
pub fn csv_filter(
    permit: &Permit,
    query: &ReportQuery,
    today: Date,
) -> Result<ReportFilter, Error> {
    let (organization_id, _) = organization_of(permit)?;
    service_filter(query, today, organization_id)
}
