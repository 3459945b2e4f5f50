//! The team reports (`/reports`) and a customer admin's service report
//! (`/organization/report`): a filter form that works without JavaScript
//! (a GET form), then sections of figures, charts and tables.

use crate::api::cases::case_options;
use crate::api::reports::{load_service_report, load_team_report, SetWeeklySummary};
use crate::components::chart::ChartFigure;
use crate::components::form::{action_error, success_count, FormError};
use crate::components::panels::{ErrorPanel, TableScroll};
use crate::context::use_auth;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use rapport_types::views::auth::Capability;
use rapport_types::views::reports::{PeriodView, ReportQuery, ReportSection};
use rapport_types::{CaseChannel, Priority};

const PERIODS: [(&str, &str); 4] = [
    ("7", "Last 7 days"),
    ("30", "Last 30 days"),
    ("90", "Last 90 days"),
    ("custom", "From and to the dates below"),
];

/// A labelled drop-down of the filter form, "Any" first; its error below it.
#[component]
fn ReportSelect(
    label: &'static str,
    name: &'static str,
    options: Vec<(String, String)>,
    selected: String,
    #[prop(optional)] any: Option<&'static str>,
    error: Option<String>,
) -> impl IntoView {
    let id = format!("report-{name}");
    let error_id = format!("{id}-error");
    let invalid = error.is_some();
    view! {
        <div class="field" class:has-error=invalid>
            <label for=id.clone()>{label}</label>
            <select id=id name=name aria-invalid=invalid.then_some("true")
                aria-describedby=invalid.then(|| error_id.clone())>
                {any.map(|text| view! { <option value="">{text}</option> })}
                {options.into_iter().map(|(value, text)| {
                    let is_selected = value == selected;
                    view! { <option value=value selected=is_selected>{text}</option> }
                }).collect_view()}
            </select>
            {error.map(|message| view! { <p class="field-error" id=error_id>{message}</p> })}
        </div>
    }
}

/// A labelled date box of the filter form.
#[component]
fn ReportDate(
    label: &'static str,
    name: &'static str,
    value: String,
    error: Option<String>,
) -> impl IntoView {
    let id = format!("report-{name}");
    let error_id = format!("{id}-error");
    let invalid = error.is_some();
    view! {
        <div class="field" class:has-error=invalid>
            <label for=id.clone()>{label}</label>
            <input id=id type="date" name=name value=value aria-invalid=invalid.then_some("true")
                aria-describedby=invalid.then(|| error_id.clone())/>
            {error.map(|message| view! { <p class="field-error" id=error_id>{message}</p> })}
        </div>
    }
}

type Choices = Vec<(i64, String)>;

fn ids(list: &[(i64, String)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect()
}

/// The filter form: the period for everyone, the dimensions for staff
/// (`choices`: organizations, categories, agents). It keeps what was typed
/// (it is drawn from the address) and names the field of a mistake.
#[component]
fn ReportFilterForm(
    action: &'static str,
    query: ReportQuery,
    error: Option<AppError>,
    choices: Option<(Choices, Choices, Choices)>,
) -> impl IntoView {
    let message = |field: &str| error.as_ref().and_then(|e| e.message_for(field));
    let period = if query.period.is_empty() {
        "30".to_string()
    } else {
        query.period.clone()
    };
    let dimensions = choices.map(|(organizations, categories, agents)| {
        view! {
            <ReportSelect label="Organization" name="organization" any="Any" options=ids(&organizations)
                selected=query.organization.clone() error=message("organization")/>
            <ReportSelect label="Category" name="category" any="Any" options=ids(&categories)
                selected=query.category.clone() error=message("category")/>
            <ReportSelect label="Priority" name="priority" any="Any"
                options=Priority::ALL.iter().map(|p| (p.as_str().to_string(), p.label().to_string())).collect()
                selected=query.priority.clone() error=message("priority")/>
            <ReportSelect label="Agent" name="agent" any="Any" options=ids(&agents)
                selected=query.agent.clone() error=message("agent")/>
            <ReportSelect label="Channel" name="channel" any="Any"
                options=CaseChannel::ALL.iter().map(|c| (c.as_str().to_string(), c.label().to_string())).collect()
                selected=query.channel.clone() error=message("channel")/>
        }
    });
    view! {
        <form method="get" action=action class="filters report-filters" aria-label="Choose the period and filters">
            <ReportSelect label="Period" name="period"
                options=PERIODS.iter().map(|(v, t)| (v.to_string(), t.to_string())).collect()
                selected=period error=message("period")/>
            <ReportDate label="From" name="from" value=query.from.clone() error=message("from")/>
            <ReportDate label="To" name="to" value=query.to.clone() error=message("to")/>
            {dimensions}
            <div class="checkbox">
                <input id="report-compare" type="checkbox" name="compare" value="1" checked=query.compare == "1"/>
                <label for="report-compare">"Compare with the previous period"</label>
            </div>
            <button type="submit" class="button">"Show"</button>
        </form>
    }
}

/// What the report covers, in a sentence.
fn period_line(period: &PeriodView) -> String {
    let mut line = format!(
        "From {} to {}, days in {}.",
        period.from, period.to, period.time_zone
    );
    if let Some(previous) = &period.previous {
        line.push_str(&format!(" Compared with {previous}."));
    }
    line
}

/// The sections of a report: figures, charts, tables.
#[component]
fn ReportSections(sections: Vec<ReportSection>) -> impl IntoView {
    sections
        .into_iter()
        .map(|s| {
            let heading_id = format!("section-{}", s.id);
            let labelled_by = heading_id.clone();
            let figures = (!s.figures.is_empty()).then(|| {
                let items = s
                    .figures
                    .into_iter()
                    .map(|f| {
                        let value = match f.href {
                            Some(href) => view! { <a href=href>{f.value}</a> }.into_any(),
                            None => f.value.into_any(),
                        };
                        let previous = f.previous.map(|p| {
                            view! { <span class="muted previous">{format!(" (previous period: {p})")}</span> }
                        });
                        view! {
                            <div class="figure">
                                <dt>{f.label}</dt>
                                <dd>{value}{previous}</dd>
                            </div>
                        }
                    })
                    .collect_view();
                view! { <dl class="figures">{items}</dl> }
            });
            let charts = s
                .charts
                .into_iter()
                .map(|chart| view! { <ChartFigure chart/> })
                .collect_view();
            let tables = s
                .tables
                .into_iter()
                .map(|t| {
                    if t.rows.is_empty() {
                        return view! { <h3>{t.caption}</h3><p class="muted">{t.empty}</p> }
                            .into_any();
                    }
                    let heads = t
                        .columns
                        .into_iter()
                        .map(|c| view! { <th scope="col">{c}</th> })
                        .collect_view();
                    let rows = t
                        .rows
                        .into_iter()
                        .map(|row| {
                            let cells = row
                                .into_iter()
                                .enumerate()
                                .map(|(i, cell)| {
                                    let content = match cell.href {
                                        Some(href) => {
                                            view! { <a href=href>{cell.text}</a> }.into_any()
                                        }
                                        None => cell.text.into_any(),
                                    };
                                    if i == 0 {
                                        view! { <th scope="row">{content}</th> }.into_any()
                                    } else {
                                        view! { <td>{content}</td> }.into_any()
                                    }
                                })
                                .collect_view();
                            view! { <tr>{cells}</tr> }
                        })
                        .collect_view();
                    view! {
                        <TableScroll label=t.caption.clone()>
                            <table class="report-table">
                                <caption>{t.caption}</caption>
                                <thead><tr>{heads}</tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </TableScroll>
                    }
                    .into_any()
                })
                .collect_view();
            view! {
                <section class="report-section" aria-labelledby=labelled_by>
                    <h2 id=heading_id>{s.heading}</h2>
                    <p class="muted">{s.note}</p>
                    {figures}
                    {charts}
                    {tables}
                </section>
            }
        })
        .collect_view()
}

/// The links between the report pages, for people who may see account health.
#[component]
fn ReportsNav() -> impl IntoView {
    let auth = use_auth();
    move || {
        let shown = auth
            .user
            .get()
            .and_then(|u| u.ok().flatten())
            .is_some_and(|u| u.can.has(Capability::SeeAccountHealth));
        shown.then(|| {
            view! {
                <nav class="tabs" aria-label="Reports">
                    <a href="/reports" aria-current="page" class="active">"Team reports"</a>
                    <a href="/reports/health">"Account health"</a>
                    <a href="/reports/churn">"Churn"</a>
                </nav>
            }
        })
    }
}

#[component]
pub fn TeamReportsPage() -> impl IntoView {
    let address = use_query_map();
    let query = move || ReportQuery::from_params(|name| address.read().get(name));
    let weekly = ServerAction::<SetWeeklySummary>::new();
    let weekly_error = action_error(weekly);
    let weekly_saved = success_count(weekly);
    let data = Resource::new(
        move || {
            (
                query(),
                weekly_saved.get(),
                crate::context::browser_zone_changes(),
            )
        },
        |(query, _, _)| load_team_report(query),
    );
    let options = Resource::new(|| (), |_| case_options());
    view! {
        <Title text="Reports"/>
        <div class="page-head">
            <h1>"Team reports"</h1>
        </div>
        <ReportsNav/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let typed = query();
                let said = address.read().get("weekly");
                Suspend::new(async move {
                    let choices = options.await.ok().map(|o| {
                        (o.organizations, o.categories, o.agents)
                    });
                    let report = match data.await {
                        Ok(report) => report,
                        Err(e) => {
                            // A mistake in the filter: the form again, saying which field.
                            let form = e.field().is_some().then(|| view! {
                                <ReportFilterForm action="/reports" query=typed error=Some(e.clone()) choices/>
                            });
                            return view! { {form} <ErrorPanel error=e/> }
                            .into_any()
                        }
                    };
                    let said = said.map(|on| {
                        let text = if on == "on" {
                            "You will get the weekly summary by mail every Monday."
                        } else {
                            "You will no longer get the weekly summary."
                        };
                        view! { <p class="alert alert-success" role="status">{text}</p> }
                    });
                    let back = format!("/reports{}", report.query.to_query_string());
                    let weekly_form = report.weekly_summary.map(|receives| {
                        view! {
                            <ActionForm action=weekly attr:class="filters weekly-summary" attr:aria-label="Weekly summary">
                                <FormError error=weekly_error/>
                                <input type="hidden" name="back" value=back.clone()/>
                                <div class="checkbox">
                                    <input id="weekly-summary" type="checkbox" name="weekly" value="on" checked=receives/>
                                    <label for="weekly-summary">"Mail me a summary of last week's figures every Monday"</label>
                                </div>
                                <button type="submit" class="button button-secondary">"Save"</button>
                            </ActionForm>
                        }
                    });
                    view! {
                        <ReportFilterForm action="/reports" query=report.query.clone() error=None choices/>
                        {said}
                        <p class="report-period">
                            {period_line(&report.period)} " "
                            <a class="button button-secondary" href=report.csv_href.clone() download="">"Download CSV"</a>
                        </p>
                        {weekly_form}
                        <ReportSections sections=report.sections/>
                    }
                    .into_any()
                })
            }}
        </Transition>
    }
}

#[component]
pub fn ServiceReportPage() -> impl IntoView {
    let address = use_query_map();
    let query = move || ReportQuery::from_params(|name| address.read().get(name));
    let data = Resource::new(
        move || (query(), crate::context::browser_zone_changes()),
        |(query, _)| load_service_report(query),
    );
    view! {
        <Title text="Service report"/>
        <div class="page-head">
            <h1>"Service report"</h1>
        </div>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let typed = query();
                Suspend::new(async move {
                    match data.await {
                        Ok(report) => view! {
                            <p class="lead">{format!("How support served {} in the period.", report.organization)}</p>
                            <ReportFilterForm action="/organization/report" query=report.query.clone() error=None choices=None/>
                            <p class="report-period">
                                {period_line(&report.period)} " "
                                <a class="button button-secondary" href=report.csv_href.clone() download="">"Download CSV"</a>
                            </p>
                            <ReportSections sections=report.sections/>
                        }
                        .into_any(),
                        Err(e) => {
                            let form = e.field().is_some().then(|| view! {
                                <ReportFilterForm action="/organization/report" query=typed error=Some(e.clone()) choices=None/>
                            });
                            view! { {form} <ErrorPanel error=e/> }.into_any()
                        }
                    }
                })
            }}
        </Transition>
    }
}
