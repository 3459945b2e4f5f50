//! The team reports: every figure of the period (and of the one before, when
//! compared), aggregated by PostgreSQL in a fixed number of statements
//! whatever the number of cases, and worded for the page.

use super::filter::{self, response_bucket_param, ReportFilter};
use crate::db::reports::{
    self as db, Aggregates, Dimensions, SlaMissed, Span, PRIORITIES, RESPONSE_BUCKETS,
};
use crate::policy::{Action, Permit};
use crate::{Error, Reader};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use rapport_types::views::charts::{Chart, ChartKind, Point, Series};
use rapport_types::views::reports::{
    Cell, Figure, PeriodView, ReportChoices, ReportQuery, ReportSection, ReportTable, TeamReport,
};
use rapport_types::{CaseNumber, Priority};
use sqlx::PgPool;

/// The support calendar's zone, by name and as a zone, and today there.
#[derive(Debug, Clone)]
pub struct CalendarDay {
    pub zone_name: String,
    pub zone: TimeZone,
    pub today: Date,
}

/// Read the support calendar's zone (one statement).
pub async fn calendar_day(pool: &PgPool) -> Result<CalendarDay, Error> {
    let (zone_name, _) = db::calendar_today(pool)
        .await?
        .ok_or_else(|| Error::internal("there is no business calendar"))?;
    let zone = crate::sla::time_zone(&zone_name)
        .map_err(|_| Error::internal(format!("the calendar's zone {zone_name:?} is unknown")))?;
    let today = filter::today(&zone);
    Ok(CalendarDay {
        zone_name,
        zone,
        today,
    })
}

/// The raw figures of a team report: what the page words, and what a test
/// or a benchmark can check.
#[derive(Debug, Clone)]
pub struct TeamFigures {
    pub span: Span,
    pub previous_span: Option<Span>,
    pub current: Aggregates,
    pub previous: Option<Aggregates>,
    pub per_day: Vec<db::DayCount>,
    pub backlog: Vec<db::BacklogDay>,
    pub backlog_now: i64,
    pub agents: Vec<db::AgentRow>,
    pub comments: Vec<db::CommentRow>,
    pub funnel: db::Funnel,
    pub previous_funnel: Option<db::Funnel>,
    pub most_read: Vec<db::ArticleRow>,
    pub least_helpful: Vec<db::ArticleRow>,
    pub workshops: Vec<db::WorkshopRow>,
}

/// How many comments and articles the page lists.
const LATEST_COMMENTS: i64 = 5;
const ARTICLES: i64 = 5;

/// Every figure of the team report for `filter` (a fixed number of statements).
pub async fn figures(
    permit: &Permit,
    pool: &PgPool,
    filter: &ReportFilter,
    calendar: &CalendarDay,
) -> Result<TeamFigures, Error> {
    permit.check(&Action::ViewTeamReports)?;
    let dims = filter.dimensions();
    let span = filter::span_of(&calendar.zone, filter.from, filter.to)?;
    let previous_span = if filter.compare {
        let (from, to) = filter.previous();
        Some(filter::span_of(&calendar.zone, from, to)?)
    } else {
        None
    };
    let current = db::aggregates(pool, &dims, span).await?;
    let previous = match previous_span {
        Some(s) => Some(db::aggregates(pool, &dims, s).await?),
        None => None,
    };
    let per_day = db::per_day(pool, &dims, span, &calendar.zone_name).await?;
    let backlog = db::backlog(
        pool,
        &dims,
        to_time_date(filter.from)?,
        to_time_date(filter.to)?,
    )
    .await?;
    let backlog_now = db::backlog_now(pool, &dims).await?;
    let agents = db::per_agent(pool, &dims, span).await?;
    let comments = db::latest_comments(pool, &dims, span, LATEST_COMMENTS).await?;
    let funnel = db::funnel(pool, span).await?;
    let previous_funnel = match previous_span {
        Some(s) => Some(db::funnel(pool, s).await?),
        None => None,
    };
    Ok(TeamFigures {
        span,
        previous_span,
        current,
        previous,
        per_day,
        backlog,
        backlog_now,
        agents,
        comments,
        funnel,
        previous_funnel,
        most_read: db::articles(pool, false, ARTICLES).await?,
        least_helpful: db::articles(pool, true, ARTICLES).await?,
        workshops: db::workshops(pool, span).await?,
    })
}

pub(crate) fn to_time_date(day: Date) -> Result<time::Date, Error> {
    let month = time::Month::try_from(day.month() as u8)
        .map_err(|e| Error::internal(format!("a month of {day}: {e}")))?;
    time::Date::from_calendar_date(day.year() as i32, month, day.day() as u8)
        .map_err(|e| Error::internal(format!("the date {day}: {e}")))
}

fn from_time_date(day: time::Date) -> Option<Date> {
    Date::new(day.year() as i16, day.month() as i8, day.day() as i8).ok()
}

/// The team report page for `query` (parsed here; a mistake names its field).
pub async fn report(
    permit: &Permit,
    reader: &Reader,
    pool: &PgPool,
    query: &ReportQuery,
) -> Result<TeamReport, Error> {
    permit.check(&Action::ViewTeamReports)?;
    let calendar = calendar_day(pool).await?;
    let filter = ReportFilter::parse(query, calendar.today)?;
    let (organizations, categories, agents) = db::choices(pool).await?;
    let known = |field: &str, id: Option<i64>, list: &[(i64, String)]| match id {
        Some(id) if !list.iter().any(|(k, _)| *k == id) => {
            Err(Error::invalid(field, "Choose one of the listed values."))
        }
        _ => Ok(()),
    };
    known("organization", filter.organization_id, &organizations)?;
    known("category", filter.category_id, &categories)?;
    known("agent", filter.agent_id, &agents)?;
    let figures = figures(permit, pool, &filter, &calendar).await?;
    let weekly_summary = if permit.allows(&Action::ManageWeeklySummary) {
        let actor = permit.signed_in()?;
        Some(super::weekly::receives(pool, actor.user_id).await?)
    } else {
        None
    };
    let links = Links::staff(&filter.dimensions());
    let query = filter.query();
    Ok(TeamReport {
        csv_href: format!("/reports/cases.csv{}", query.to_query_string()),
        period: period_view(&filter, &calendar),
        query,
        choices: ReportChoices {
            organizations,
            categories,
            agents,
        },
        sections: team_sections(&figures, &filter, &calendar, &links, reader),
        weekly_summary,
    })
}

pub(crate) fn period_view(filter: &ReportFilter, calendar: &CalendarDay) -> PeriodView {
    PeriodView {
        from: filter.from.to_string(),
        to: filter.to.to_string(),
        previous: filter.compare.then(|| {
            let (from, to) = filter.previous();
            format!("{from} to {to}")
        }),
        time_zone: calendar.zone_name.clone(),
    }
}

// ---------------------------------------------------------------------------
// Links: the case list with exactly the cases a figure counts.

/// Where a figure's cases are listed, and the dimensions every link keeps.
#[derive(Debug, Clone)]
pub(crate) struct Links {
    base: &'static str,
    dims: Vec<(&'static str, String)>,
    /// The priority the report is filtered by, if any.
    priority: Option<String>,
}

impl Links {
    /// The agents' case list (every status).
    pub(crate) fn staff(d: &Dimensions) -> Links {
        let mut dims = vec![];
        let id = |v: Option<i64>| v.map(|i| i.to_string());
        for (name, value) in [
            ("organization", id(d.organization_id)),
            ("category", id(d.category_id)),
            ("priority", d.priority.clone()),
            ("channel", d.channel.clone()),
            ("agent", id(d.agent)),
        ] {
            if let Some(value) = value {
                dims.push((name, value));
            }
        }
        Links {
            base: "/queue?queue=all",
            dims,
            priority: d.priority.clone(),
        }
    }

    /// A customer admin's own case list (their organization is implied).
    pub(crate) fn customer() -> Links {
        Links {
            base: "/cases?status=all",
            dims: vec![],
            priority: None,
        }
    }

    /// The list of the cases of the dimensions and `extra`.
    pub(crate) fn to(&self, extra: &[(&str, String)]) -> String {
        let mut href = self.base.to_string();
        for (k, v) in self
            .dims
            .iter()
            .map(|(k, v)| (*k, v))
            .chain(extra.iter().map(|(k, v)| (*k, v)))
        {
            href.push_str(&format!("&{k}={}", rapport_types::urlencode(v)));
        }
        href
    }

    /// A link to cases of priority `p`: None when the report is filtered by
    /// another priority (it counts none of them).
    fn with_priority(&self, p: &str, extra: &[(&str, String)]) -> Option<String> {
        match &self.priority {
            Some(filtered) if filtered != p => None,
            Some(_) => Some(self.to(extra)),
            None => {
                let mut all = extra.to_vec();
                all.push(("priority", p.to_string()));
                Some(self.to(&all))
            }
        }
    }
}

pub(crate) fn created_in(from: Date, to: Date) -> Vec<(&'static str, String)> {
    vec![
        ("created_from", from.to_string()),
        ("created_to", to.to_string()),
    ]
}

pub(crate) fn solved_in(from: Date, to: Date) -> Vec<(&'static str, String)> {
    vec![
        ("solved_from", from.to_string()),
        ("solved_to", to.to_string()),
    ]
}

// ---------------------------------------------------------------------------
// Wording

/// "3.5 business hours", "12.0 hours"; "—" without cases.
pub(crate) fn hours(seconds: Option<f64>, business: bool) -> String {
    match seconds {
        Some(s) => format!(
            "{:.1} {}hours",
            s / 3600.0,
            if business { "business " } else { "" }
        ),
        None => "—".to_string(),
    }
}

/// "87.5 % (7 of 8)"; "—" of nothing.
pub(crate) fn share(part: i64, whole: i64) -> String {
    if whole == 0 {
        "—".to_string()
    } else {
        format!(
            "{:.1} % ({part} of {whole})",
            part as f64 * 100.0 / whole as f64
        )
    }
}

pub(crate) fn rating(average: Option<f64>) -> String {
    average.map_or("—".to_string(), |a| format!("{a:.2} of 5"))
}

pub(crate) fn figure(
    label: &str,
    value: String,
    previous: Option<String>,
    href: Option<String>,
) -> Figure {
    Figure {
        label: label.to_string(),
        value,
        previous,
        href,
    }
}

fn percentile(values: &Option<Vec<f64>>, i: usize) -> Option<f64> {
    values.as_ref().and_then(|v| v.get(i).copied())
}

fn short_day(day: time::Date) -> String {
    format!("{} {}", day.day(), &format!("{}", day.month())[..3])
}

fn section(id: &str, heading: &str, note: &str) -> ReportSection {
    ReportSection {
        id: id.to_string(),
        heading: heading.to_string(),
        note: note.to_string(),
        figures: vec![],
        charts: vec![],
        tables: vec![],
    }
}

fn cell(text: impl Into<String>) -> Cell {
    Cell {
        text: text.into(),
        href: None,
    }
}

fn link_cell(text: impl Into<String>, href: Option<String>) -> Cell {
    Cell {
        text: text.into(),
        href,
    }
}

fn count_point(value: i64, href: Option<String>) -> Point {
    Point {
        value: value as f64,
        label: value.to_string(),
        href,
    }
}

/// The figures every report shares: volume, times, service levels, satisfaction.
pub(crate) fn case_sections(
    f: &TeamFigures,
    filter: &ReportFilter,
    links: &Links,
) -> Vec<ReportSection> {
    let (cur, prev) = (&f.current, f.previous.as_ref());
    let before = |g: &dyn Fn(&Aggregates) -> String| prev.map(g);
    let created = created_in(filter.from, filter.to);
    let solved = solved_in(filter.from, filter.to);

    // Volume
    let mut volume = section(
        "volume",
        "Volume",
        "Cases opened in the period, cases finally solved in it, and the cases waiting (new, open, pending, on hold).",
    );
    volume.figures = vec![
        figure(
            "Cases opened",
            cur.created.to_string(),
            before(&|a| a.created.to_string()),
            Some(links.to(&created)),
        ),
        figure(
            "Cases solved",
            cur.solved.to_string(),
            before(&|a| a.solved.to_string()),
            Some(links.to(&solved)),
        ),
    ];
    let day_labels: Vec<String> = f.per_day.iter().map(|d| short_day(d.day)).collect();
    let day_link = |d: &db::DayCount, of: fn(Date, Date) -> Vec<(&'static str, String)>| {
        from_time_date(d.day).map(|day| links.to(&of(day, day)))
    };
    volume.charts.push(Chart {
        title: "Opened and solved per day".to_string(),
        description: "Bars per day: cases opened, and cases finally solved.".to_string(),
        kind: ChartKind::Bars,
        unit: "cases".to_string(),
        categories: day_labels,
        series: vec![
            Series {
                name: "Opened".to_string(),
                points: f
                    .per_day
                    .iter()
                    .map(|d| count_point(d.created, day_link(d, created_in)))
                    .collect(),
            },
            Series {
                name: "Solved".to_string(),
                points: f
                    .per_day
                    .iter()
                    .map(|d| count_point(d.solved, day_link(d, solved_in)))
                    .collect(),
            },
        ],
    });

    // Times
    let mut times = section(
        "times",
        "Response and resolution times",
        "First response of the cases opened in the period; resolution of the cases finally solved in it. Business hours count the support calendar's opening hours.",
    );
    let labels = ["Median", "90th percentile", "95th percentile"];
    for (what, values, previous, business) in [
        (
            "First response",
            &cur.first_response_business,
            prev.map(|p| &p.first_response_business),
            true,
        ),
        (
            "First response",
            &cur.first_response_calendar,
            prev.map(|p| &p.first_response_calendar),
            false,
        ),
        (
            "Resolution",
            &cur.resolution_business,
            prev.map(|p| &p.resolution_business),
            true,
        ),
        (
            "Resolution",
            &cur.resolution_calendar,
            prev.map(|p| &p.resolution_calendar),
            false,
        ),
    ] {
        for (i, label) in labels.iter().enumerate() {
            let kind = if business { "business" } else { "calendar" };
            times.figures.push(figure(
                &format!("{what}, {label} ({kind})"),
                hours(percentile(values, i), business),
                previous.map(|p| hours(percentile(p, i), business)),
                None,
            ));
        }
    }
    let bucket_names: Vec<String> = RESPONSE_BUCKETS
        .iter()
        .map(|(low, high)| match high {
            Some(high) => format!("{low}–{high} h"),
            None => format!("{low} h or more"),
        })
        .collect();
    times.charts.push(Chart {
        title: "First responses by time taken".to_string(),
        description: "How many cases opened in the period got their first response within each span of business hours.".to_string(),
        kind: ChartKind::Bars,
        unit: "cases".to_string(),
        categories: bucket_names,
        series: vec![Series {
            name: "First responses".to_string(),
            points: RESPONSE_BUCKETS
                .iter()
                .zip(&cur.response_histogram)
                .map(|(bucket, n)| {
                    let mut extra = created.clone();
                    extra.push(("response_hours", response_bucket_param(*bucket)));
                    count_point(*n, Some(links.to(&extra)))
                })
                .collect(),
        }],
    });

    // Service levels
    let mut sla = section(
        "sla",
        "Service levels",
        "Targets met: first responses of the cases opened in the period, resolutions of the cases solved in it.",
    );
    let missed = |what: SlaMissed, span: &Vec<(&'static str, String)>| {
        let mut extra = span.clone();
        extra.push((
            "sla",
            match what {
                SlaMissed::FirstResponse => "first_response_missed",
                SlaMissed::Resolution => "resolution_missed",
            }
            .to_string(),
        ));
        extra
    };
    sla.figures = vec![
        figure(
            "First response target met",
            share(cur.first_response_met, cur.first_response_measured),
            before(&|a| share(a.first_response_met, a.first_response_measured)),
            None,
        ),
        figure(
            "First response target missed",
            (cur.first_response_measured - cur.first_response_met).to_string(),
            before(&|a| (a.first_response_measured - a.first_response_met).to_string()),
            Some(links.to(&missed(SlaMissed::FirstResponse, &created))),
        ),
        figure(
            "Resolution target met",
            share(cur.resolution_met, cur.resolution_measured),
            before(&|a| share(a.resolution_met, a.resolution_measured)),
            None,
        ),
        figure(
            "Resolution target missed",
            (cur.resolution_measured - cur.resolution_met).to_string(),
            before(&|a| (a.resolution_measured - a.resolution_met).to_string()),
            Some(links.to(&missed(SlaMissed::Resolution, &solved))),
        ),
    ];
    let priority_label =
        |p: &str| Priority::parse(p).map_or(p.to_string(), |p| p.label().to_string());
    sla.charts.push(Chart {
        title: "Missed targets by priority".to_string(),
        description: "For each priority: first responses and resolutions that missed their target."
            .to_string(),
        kind: ChartKind::Bars,
        unit: "cases".to_string(),
        categories: PRIORITIES.iter().map(|p| priority_label(p)).collect(),
        series: [
            (
                "First response missed",
                &cur.first_response_missed,
                SlaMissed::FirstResponse,
                &created,
            ),
            (
                "Resolution missed",
                &cur.resolution_missed,
                SlaMissed::Resolution,
                &solved,
            ),
        ]
        .into_iter()
        .map(|(name, counts, what, span)| Series {
            name: name.to_string(),
            points: PRIORITIES
                .iter()
                .zip(counts)
                .map(|(p, n)| count_point(*n, links.with_priority(p, &missed(what, span))))
                .collect(),
        })
        .collect(),
    });
    let mut quality = section(
        "quality",
        "Reopens and one-touch resolution",
        "Of the cases finally solved in the period: reopened at least once; solved with exactly one reply from support and never reopened.",
    );
    quality.figures = vec![
        figure(
            "Reopen rate",
            share(cur.reopened, cur.solved),
            before(&|a| share(a.reopened, a.solved)),
            None,
        ),
        figure(
            "One-touch resolution",
            share(cur.one_touch, cur.solved),
            before(&|a| share(a.one_touch, a.solved)),
            None,
        ),
    ];

    // Satisfaction
    let mut satisfaction = section(
        "satisfaction",
        "Satisfaction",
        "Ratings of the cases finally solved in the period.",
    );
    satisfaction.figures = vec![
        figure(
            "Average rating",
            rating(cur.rating_average),
            before(&|a| rating(a.rating_average)),
            None,
        ),
        figure(
            "Response rate (rated of solved)",
            share(cur.rated, cur.solved),
            before(&|a| share(a.rated, a.solved)),
            None,
        ),
    ];
    let mut columns = vec!["Rating".to_string(), "Cases".to_string()];
    if prev.is_some() {
        columns.push("Previous period".to_string());
    }
    satisfaction.tables.push(ReportTable {
        caption: "Ratings from 1 (poor) to 5 (excellent)".to_string(),
        columns,
        rows: (0..5)
            .rev()
            .map(|i| {
                let mut row = vec![
                    cell(format!("{} of 5", i + 1)),
                    cell(cur.ratings.get(i).copied().unwrap_or(0).to_string()),
                ];
                if let Some(p) = prev {
                    row.push(cell(p.ratings.get(i).copied().unwrap_or(0).to_string()));
                }
                row
            })
            .collect(),
        empty: String::new(),
    });
    vec![volume, times, sla, quality, satisfaction]
}

fn team_sections(
    f: &TeamFigures,
    filter: &ReportFilter,
    calendar: &CalendarDay,
    links: &Links,
    reader: &Reader,
) -> Vec<ReportSection> {
    let mut sections = case_sections(f, filter, links);
    // The backlog goes first in the volume section.
    if let Some(volume) = sections.first_mut() {
        volume.figures.push(figure(
            "Waiting now",
            f.backlog_now.to_string(),
            None,
            Some(links_waiting(links)),
        ));
        let today = to_time_date(calendar.today).ok();
        let points = f
            .backlog
            .iter()
            .map(|d| {
                if Some(d.day) == today {
                    count_point(f.backlog_now, Some(links_waiting(links)))
                } else {
                    match d.cases {
                        Some(n) => count_point(n, None),
                        None => Point {
                            value: 0.0,
                            label: "not recorded".to_string(),
                            href: None,
                        },
                    }
                }
            })
            .collect();
        volume.charts.insert(
            0,
            Chart {
                title: "Backlog".to_string(),
                description: "Cases waiting (new, open, pending, on hold) at the end of each day; today's as it is now. By assignee rather than every agent who touched a case, and not by channel.".to_string(),
                kind: ChartKind::Line,
                unit: "cases".to_string(),
                categories: f.backlog.iter().map(|d| short_day(d.day)).collect(),
                series: vec![Series {
                    name: "Waiting cases".to_string(),
                    points,
                }],
            },
        );
    }
    if let Some(satisfaction) = sections.last_mut() {
        satisfaction.tables.push(ReportTable {
            caption: "Latest comments".to_string(),
            columns: vec![
                "Case".into(),
                "Rating".into(),
                "Comment".into(),
                "Rated".into(),
            ],
            rows: f
                .comments
                .iter()
                .map(|c| {
                    let number = CaseNumber(c.number).to_string();
                    vec![
                        link_cell(number.clone(), Some(format!("/queue/{number}"))),
                        cell(format!("{} of 5", c.score)),
                        cell(c.comment.clone()),
                        cell(reader.zone().date_time(c.rated_at)),
                    ]
                })
                .collect(),
            empty: "No comments in the period.".to_string(),
        });
    }

    let (fun, before) = (&f.funnel, f.previous_funnel.as_ref());
    let mut self_service = section(
        "self-service",
        "Self-service",
        "Searches and suggestions in the period, whatever the filters: from a search to a case avoided or filed anyway.",
    );
    for (label, get) in [
        (
            "Searches",
            (|x: &db::Funnel| x.searches) as fn(&db::Funnel) -> i64,
        ),
        ("Searches without results", |x| x.without_results),
        ("Suggestions shown while filing a case", |x| {
            x.suggestions_shown
        }),
        ("Suggestions opened", |x| x.suggestions_opened),
        ("Cases avoided", |x| x.avoided),
        ("Cases filed anyway", |x| x.filed_anyway),
    ] {
        self_service.figures.push(figure(
            label,
            get(fun).to_string(),
            before.map(|b| get(b).to_string()),
            None,
        ));
    }

    let article_rows = |rows: &[db::ArticleRow]| -> Vec<Vec<Cell>> {
        rows.iter()
            .map(|a| {
                vec![
                    link_cell(a.title.clone(), Some(format!("/kb/{}", a.slug))),
                    cell(a.view_count.to_string()),
                    cell(a.helpful.to_string()),
                    cell(a.unhelpful.to_string()),
                ]
            })
            .collect()
    };
    let article_columns = || {
        vec![
            "Article".to_string(),
            "Views".to_string(),
            "Helpful".to_string(),
            "Not helpful".to_string(),
        ]
    };
    let mut knowledge = section(
        "knowledge",
        "Knowledge base",
        "Views and votes since each article was published.",
    );
    knowledge.tables = vec![
        ReportTable {
            caption: "Most read articles".to_string(),
            columns: article_columns(),
            rows: article_rows(&f.most_read),
            empty: "No published articles.".to_string(),
        },
        ReportTable {
            caption: "Least helpful articles".to_string(),
            columns: article_columns(),
            rows: article_rows(&f.least_helpful),
            empty: "No article was voted not helpful.".to_string(),
        },
    ];

    let mut workshops = section(
        "workshops",
        "Workshops",
        "Sessions held or planned in the period (not cancelled) and the people registered for them.",
    );
    workshops.tables.push(ReportTable {
        caption: "Registrations, attendance and no-shows".to_string(),
        columns: vec![
            "Workshop".into(),
            "Sessions".into(),
            "Registrations".into(),
            "Attended".into(),
            "No-shows".into(),
        ],
        rows: f
            .workshops
            .iter()
            .map(|w| {
                vec![
                    cell(w.title.clone()),
                    cell(w.sessions.to_string()),
                    cell(w.registrations.to_string()),
                    cell(w.attended.to_string()),
                    cell(w.no_shows.to_string()),
                ]
            })
            .collect(),
        empty: "No workshop sessions in the period.".to_string(),
    });

    let mut agents = section(
        "agents",
        "Agents",
        "The cases each agent finally solved in the period, their median first response and their rating.",
    );
    let solved = solved_in(filter.from, filter.to);
    agents.tables.push(ReportTable {
        caption: "Per agent".to_string(),
        columns: vec![
            "Agent".into(),
            "Cases solved".into(),
            "Median first response".into(),
            "Average rating".into(),
        ],
        rows: f
            .agents
            .iter()
            .map(|a| {
                let mut extra = solved.clone();
                extra.push(("solved_by", a.user_id.to_string()));
                vec![
                    cell(a.name.clone()),
                    link_cell(a.solved.to_string(), Some(links.to(&extra))),
                    cell(hours(a.median_first_response_business, true)),
                    cell(if a.rated == 0 {
                        "—".to_string()
                    } else {
                        format!("{} ({} rated)", rating(a.rating_average), a.rated)
                    }),
                ]
            })
            .collect(),
        empty: "No case was solved in the period.".to_string(),
    });
    sections.extend([self_service, knowledge, workshops, agents]);
    sections
}

/// The list of the cases waiting now.
fn links_waiting(links: &Links) -> String {
    links
        .to(&[])
        .replacen("queue=all", "queue=waiting", 1)
        .replacen("status=all", "status=active", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_carry_their_units() {
        assert_eq!(hours(Some(12600.0), true), "3.5 business hours");
        assert_eq!(hours(Some(3600.0), false), "1.0 hours");
        assert_eq!(hours(None, true), "—");
        assert_eq!(share(7, 8), "87.5 % (7 of 8)");
        assert_eq!(share(0, 0), "—");
        assert_eq!(rating(Some(4.5)), "4.50 of 5");
    }

    #[test]
    fn links_keep_the_filter_and_narrow_to_the_point() {
        let dims = Dimensions {
            organization_id: Some(3),
            priority: Some("high".into()),
            ..Dimensions::default()
        };
        let links = Links::staff(&dims);
        let day: Date = "2026-11-03".parse().unwrap();
        assert_eq!(
            links.to(&created_in(day, day)),
            "/queue?queue=all&organization=3&priority=high&created_from=2026-11-03&created_to=2026-11-03"
        );
        assert_eq!(links.with_priority("low", &[]), None);
        assert_eq!(
            links_waiting(&links),
            "/queue?queue=waiting&organization=3&priority=high"
        );
    }
}
