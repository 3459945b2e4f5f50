//! Account health (/reports/health, /reports/health/:id) and churn
//! (/reports/churn), for staff. The list shows the customers at risk, lowest
//! score first, with their three largest drivers and the score's trend; the
//! organization's page shows every point of its score and, for admins, the
//! forms to record that it left or came back; admins edit the weights on the
//! list. Every form posts without JavaScript.
use crate::api::health::{
    churn_report, health_list, organization_health, RecordChurn, SaveHealthWeights, TrainChurnModel,
};
use crate::components::form::{
    action_error, field_error, success_count, Field, FormError, TextArea,
};
use crate::components::panels::{ErrorPanel, TableScroll};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use rapport_types::views::health::{
    ChurnModelView, ChurnReportView, HealthRowView, OrganizationHealthView, ScorePartView,
    ScoreTrend, WeightView, COHORT_OFFSETS,
};
use rapport_types::MAX_HEALTH_WEIGHT;

/// "72" with a class for its band: below 50 at risk, below 75 watch.
fn score_class(score: i32) -> &'static str {
    match score {
        0..=49 => "score score-risk",
        50..=74 => "score score-watch",
        _ => "score score-good",
    }
}

fn trend_text(trend: &Option<ScoreTrend>) -> String {
    match trend {
        Some(t) if t.change == 0 => format!("steady since {}", t.since),
        Some(t) => format!("{:+} since {} (was {})", t.change, t.since, t.was),
        None => "no history yet".into(),
    }
}

fn probability_text(p: Option<f64>) -> String {
    p.map_or_else(|| "–".into(), |p| format!("{:.0} %", p * 100.0))
}

fn percent_text(p: Option<f64>) -> String {
    p.map_or_else(|| "–".into(), |p| format!("{p:.1} %"))
}

#[component]
pub fn HealthPage() -> impl IntoView {
    let query = use_query_map();
    let save = ServerAction::<SaveHealthWeights>::new();
    let saved_count = success_count(save);
    let list = Resource::new(move || saved_count.get(), |_| health_list());
    let saved = move || {
        (query.read().get("saved").as_deref() == Some("weights") || saved_count.get() > 0)
            .then_some("The weights are saved: every score below uses them.")
    };
    view! {
        <Title text="Account health"/>
        <h1>"Account health"</h1>
        <p class="lead">
            "Every customer organization scored from 0 to 100 from what Rapport knows: its cases, "
            "invoices, orders, workshops, portal use and contact. 100 less the points of each signal; "
            "the lowest first. "
            <a href="/reports/churn">"Churn figures and the churn model"</a>
        </p>
        {move || saved().map(|m| view! { <p class="alert alert-success" role="status">{m}</p> })}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(list) => view! {
                        <section class="panel" aria-labelledby="at-risk-heading">
                            <h2 id="at-risk-heading">"Organizations at risk"</h2>
                            <p class="muted">{format!("The {} lowest of {} customer organizations.", list.rows.len(), list.customers)}</p>
                            <AtRisk rows=list.rows has_model=list.has_model/>
                        </section>
                        {list.can_edit.then(|| view! { <WeightsForm weights=list.weights.clone() action=save/> })}
                        {(!list.can_edit).then(|| view! { <WeightsTable weights=list.weights.clone()/> })}
                    }
                    .into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AtRisk(rows: Vec<HealthRowView>, has_model: bool) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p>"No customer organizations yet."</p> }.into_any();
    }
    view! {
        <TableScroll label="Organizations at risk">
            <table class="table health-table">
                <caption class="visually-hidden">"Organizations by health score, lowest first"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Organization"</th>
                        <th scope="col">"Score"</th>
                        <th scope="col">"Largest drivers"</th>
                        <th scope="col">"Trend (30 days)"</th>
                        {has_model.then(|| view! { <th scope="col">"Churn probability"</th> })}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr>
                            <th scope="row"><a href=format!("/reports/health/{}", row.organization_id)>{row.organization.clone()}</a></th>
                            <td><span class=score_class(row.score)>{row.score}</span></td>
                            <td><Drivers parts=row.drivers.clone()/></td>
                            <td>{trend_text(&row.trend)}</td>
                            {has_model.then(|| view! { <td>{probability_text(row.churn_probability)}</td> })}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
    .into_any()
}

#[component]
fn Drivers(parts: Vec<ScorePartView>) -> impl IntoView {
    if parts.is_empty() {
        return view! { <span class="muted">"Nothing lowers it"</span> }.into_any();
    }
    view! {
        <ul class="drivers">
            {parts.into_iter().map(|p| view! {
                <li class:negative={p.points < 0} data-signal=p.signal.as_str() data-points=p.points>{p.line}</li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// The weights for agents: what each signal counts, read only.
#[component]
fn WeightsTable(weights: Vec<WeightView>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="weights-heading">
            <h2 id="weights-heading">"How the score is made"</h2>
            <TableScroll label="Weights">
                <table class="table compact">
                    <thead><tr><th scope="col">"Signal"</th><th scope="col">"Points"</th><th scope="col">"Weight"</th></tr></thead>
                    <tbody>
                        {weights.into_iter().map(|w| view! {
                            <tr><th scope="row">{w.label}</th><td>{w.rule}</td><td>{format!("{} %", w.weight)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </TableScroll>
        </section>
    }
}

/// The weights editor (admins): one number per signal, saved together.
#[component]
fn WeightsForm(weights: Vec<WeightView>, action: ServerAction<SaveHealthWeights>) -> impl IntoView {
    let error = action_error(action);
    view! {
        <section class="panel" id="weights" aria-labelledby="weights-heading">
            <h2 id="weights-heading">"Weights"</h2>
            <p class="hint">{format!("Each signal's points are multiplied by its weight, in percent: 100 counts them as written, 0 leaves the signal out, up to {MAX_HEALTH_WEIGHT}.")}</p>
            <ActionForm action attr:class="form" attr:novalidate=true>
                <FormError error/>
                <div class="cards">
                    {weights.into_iter().map(|w| {
                        let name = w.signal.as_str();
                        view! {
                            <Field label=w.signal.label() name kind="number" value=w.weight.to_string()
                                hint=w.signal.rule() error=field_error(error, name)/>
                        }
                    }).collect_view()}
                </div>
                <button type="submit" class="button">"Save the weights"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn OrganizationHealthPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let record = ServerAction::<RecordChurn>::new();
    let recorded = success_count(record);
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let health = Resource::new(
        move || (id(), recorded.get()),
        |(id, _)| async move {
            match id {
                Some(id) => organization_health(id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    let saved = move || {
        query
            .read()
            .get("saved")
            .and_then(|what| match what.as_str() {
                "left" => Some("Recorded: the customer left."),
                "returned" => Some("Recorded: the customer came back."),
                _ => None,
            })
    };
    view! {
        <Title text="Organization health"/>
        <p><a href="/reports/health">"← Account health"</a></p>
        {move || saved().map(|m| view! { <p class="alert alert-success" role="status">{m}</p> })}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match health.await {
                    Ok(h) => view! { <OrganizationHealthBody health=h action=record/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OrganizationHealthBody(
    health: OrganizationHealthView,
    action: ServerAction<RecordChurn>,
) -> impl IntoView {
    let OrganizationHealthView {
        organization_id,
        organization,
        score,
        parts,
        trend,
        history,
        churn_probability,
        is_customer,
        events,
        can_manage,
    } = health;
    view! {
        <h1>{format!("{organization}: health")}</h1>
        <p class="lead">
            "Score " <span class=score_class(score) data-testid="health-score">{score}</span> " of 100 · "
            {trend_text(&trend)}
            {churn_probability.map(|p| format!(" · churn probability {:.0} %", p * 100.0))}
            {(!is_customer).then_some(" · no longer a customer")}
        </p>
        <section class="panel" aria-labelledby="breakdown-heading">
            <h2 id="breakdown-heading">"Where the score comes from"</h2>
            <p class="hint">"100, plus or minus the points of each signal, weighted."</p>
            <ul class="breakdown">
                {parts.into_iter().map(|p| view! {
                    <li class:negative={p.points < 0} class:positive={p.points > 0}>{p.line}</li>
                }).collect_view()}
            </ul>
        </section>
        {(!history.is_empty()).then(|| view! {
            <section class="panel" aria-labelledby="history-heading">
                <h2 id="history-heading">"Score history (90 days)"</h2>
                <TableScroll label="Score history">
                    <table class="table compact">
                        <thead><tr><th scope="col">"Day"</th><th scope="col">"Score"</th></tr></thead>
                        <tbody>
                            {history.into_iter().rev().map(|(day, score)| view! {
                                <tr><td>{day}</td><td>{score}</td></tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </TableScroll>
            </section>
        })}
        <section class="panel" aria-labelledby="churn-heading">
            <h2 id="churn-heading">"Leaving and coming back"</h2>
            {if events.is_empty() {
                view! { <p class="muted">"Nothing recorded."</p> }.into_any()
            } else {
                view! {
                    <ul class="churn-events">
                        {events.into_iter().map(|e| {
                            let what = if e.kind == "left" { "Left" } else { "Came back" };
                            let reason = (!e.reason.is_empty()).then(|| format!(": {}", e.reason));
                            view! { <li>{format!("{what} on {}", e.day)}{reason}{format!(" (recorded by {})", e.recorded_by)}</li> }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            {can_manage.then(|| view! { <ChurnForm organization_id is_customer action/> })}
        </section>
    }
}

/// Record leaving (day and reason) while a customer, or coming back once gone.
#[component]
fn ChurnForm(
    organization_id: i64,
    is_customer: bool,
    action: ServerAction<RecordChurn>,
) -> impl IntoView {
    let error = action_error(action);
    let (kind, button) = if is_customer {
        ("left", "Record that the customer left")
    } else {
        ("returned", "Record that the customer came back")
    };
    view! {
        <ActionForm action attr:class="form" attr:novalidate=true>
            <FormError error/>
            <input type="hidden" name="organization_id" value=organization_id/>
            <input type="hidden" name="kind" value=kind/>
            <Field label="Day" name="day" kind="date" hint="YYYY-MM-DD, today or earlier." error=field_error(error, "day")/>
            {if is_customer {
                view! { <TextArea label="Reason" name="reason" rows=3 max_chars=500 error=field_error(error, "reason")/> }.into_any()
            } else {
                view! { <input type="hidden" name="reason" value=""/> }.into_any()
            }}
            <button type="submit" class="button">{button}</button>
        </ActionForm>
    }
}

#[component]
pub fn ChurnPage() -> impl IntoView {
    let query = use_query_map();
    let train = ServerAction::<TrainChurnModel>::new();
    let trained = success_count(train);
    let report = Resource::new(move || trained.get(), |_| churn_report());
    let saved = move || {
        query
            .read()
            .get("saved")
            .and_then(|what| match what.as_str() {
                "trained" => Some("The churn model is trained again."),
                "not-enough" => Some("Not enough organizations have left to train the model."),
                _ => None,
            })
    };
    view! {
        <Title text="Churn"/>
        <h1>"Churn"</h1>
        <p class="lead">
            "Customers who left, month by month, by number and by revenue; how each month's new customers stayed; "
            "and a model of who may leave next. "
            <a href="/reports/health">"Account health"</a>
        </p>
        {move || saved().map(|m| view! { <p class="alert alert-success" role="status">{m}</p> })}
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match report.await {
                    Ok(r) => view! { <ChurnReportBody report=r train/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ChurnReportBody(report: ChurnReportView, train: ServerAction<TrainChurnModel>) -> impl IntoView {
    let ChurnReportView {
        months,
        cohorts,
        left_now,
        more_needed_for_model,
        model,
        can_train,
    } = report;
    view! {
        <section class="panel" aria-labelledby="monthly-heading">
            <h2 id="monthly-heading">"Monthly churn"</h2>
            <p class="hint">
                "Rate: the organizations that left in the month over the customers on the last day of the month before. "
                "By revenue: their invoice totals of the twelve months before the month they left, over those of all customers "
                "at the month's start, per currency."
            </p>
            <TableScroll label="Monthly churn">
                <table class="table compact">
                    <thead>
                        <tr>
                            <th scope="col">"Month"</th><th scope="col">"Customers at start"</th>
                            <th scope="col">"Left"</th><th scope="col">"Came back"</th>
                            <th scope="col">"Churn rate"</th><th scope="col">"Revenue churn"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {months.into_iter().map(|m| view! {
                            <tr>
                                <th scope="row">{m.month}</th>
                                <td>{m.customers_at_start}</td>
                                <td>{m.left}</td>
                                <td>{m.returned}</td>
                                <td>{percent_text(m.rate_percent)}</td>
                                <td>
                                    {if m.revenue.is_empty() { Some("–") } else { None }}
                                    {m.revenue.into_iter().map(|r| view! {
                                        <div>{format!("{} of {} ({})", r.lost, r.base, percent_text(r.rate_percent))}</div>
                                    }).collect_view()}
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </TableScroll>
        </section>
        <section class="panel" aria-labelledby="cohort-heading">
            <h2 id="cohort-heading">"Retention by cohort"</h2>
            <p class="hint">
                "A cohort is the month its organizations became customers: their first order, or the day the organization "
                "was created if it never ordered. The share still customers on the first day of the month 1, 3, 6 and 12 months later."
            </p>
            <TableScroll label="Retention by cohort">
                <table class="table compact">
                    <thead>
                        <tr>
                            <th scope="col">"Cohort"</th><th scope="col">"Organizations"</th>
                            {COHORT_OFFSETS.iter().map(|k| view! { <th scope="col">{format!("After {k} mo.")}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {cohorts.into_iter().map(|c| view! {
                            <tr>
                                <th scope="row">{c.month}</th>
                                <td>{c.size}</td>
                                {c.retained_percent.into_iter().map(|p| view! { <td>{percent_text(p)}</td> }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </TableScroll>
        </section>
        <section class="panel" aria-labelledby="model-heading">
            <h2 id="model-heading">"Churn model"</h2>
            {if more_needed_for_model > 0 {
                view! {
                    <p data-testid="model-needs">{format!(
                        "Organizations that left and did not come back: {left_now}. The model is trained once at least 30 have left: {more_needed_for_model} more needed."
                    )}</p>
                }.into_any()
            } else {
                match model {
                    Some(m) => view! { <ModelView model=m/> }.into_any(),
                    None => view! { <p>"Enough organizations have left: the model is trained with the next daily run."</p> }.into_any(),
                }
            }}
            {(can_train && more_needed_for_model == 0).then(|| view! {
                <ActionForm action=train attr:class="form">
                    <button type="submit" class="button secondary">"Train the model now"</button>
                </ActionForm>
            })}
        </section>
    }
}

#[component]
fn ModelView(model: ChurnModelView) -> impl IntoView {
    view! {
        <p>
            {format!(
                "A logistic regression trained on {} organizations ({} of them left) on {}, each left one as it was before it left.",
                model.organizations, model.left_organizations, model.trained
            )}
        </p>
        <dl class="health-figures">
            <dt>"AUC on held-out organizations"</dt>
            <dd data-testid="model-auc">{format!("{:.2} ({} held out)", model.auc, model.held_out)}</dd>
            <dt>"Precision in the riskiest 10 %"</dt>
            <dd>{format!("{:.0} %", model.precision_top_decile * 100.0)}</dd>
            <dt>"Days ahead it warned"</dt>
            <dd>{match model.median_days_ahead {
                Some(d) => format!("median {d:.0} days, {} of {} left organizations with a score history warned", model.warned, model.with_history),
                None => format!("no warning in the score history ({} left organizations have one)", model.with_history),
            }}</dd>
        </dl>
        <p class="hint">
            "Held out: 30 % of the organizations, never seen in training. Days ahead: the model applied to each day of the "
            "score history before leaving; it warned from the first day its probability stayed at 50 % or more until the leaving day."
        </p>
        <TableScroll label="Coefficients">
            <table class="table compact">
                <caption>"Coefficients on standardized signals (log-odds of leaving per standard deviation)"</caption>
                <thead><tr><th scope="col">"Feature"</th><th scope="col">"Signal"</th><th scope="col">"Coefficient"</th></tr></thead>
                <tbody>
                    {model.coefficients.into_iter().map(|c| view! {
                        <tr><th scope="row">{c.feature}</th><td>{c.signal.label()}</td><td>{format!("{:+.2}", c.coefficient)}</td></tr>
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}
