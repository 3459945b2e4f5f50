//! `/write/insights`: the trainers' list of what to write next, from what
//! readers searched for and how articles fared in the last 30 days.
use crate::api::writing::writing_insights;
use crate::components::panels::{ErrorPanel, TableScroll};
use leptos::prelude::*;
use leptos_meta::Title;
use rapport_types::urlencode;
use rapport_types::views::writing::{Insights, SearchFigure};

#[component]
pub fn InsightsPage() -> impl IntoView {
    let insights = Resource::new(crate::context::browser_zone_changes, |_| writing_insights());
    view! {
        <Title text="What to write next"/>
        <p class="breadcrumbs"><a href="/write">"Articles"</a> " › What to write next"</p>
        <h1>"What to write next"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match insights.await {
                    Ok(i) => view! { <InsightsBody i/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn InsightsBody(i: Insights) -> impl IntoView {
    view! {
        <p class="lead">{format!(
            "What readers searched for and how articles helped them over the last {} days. Searches are grouped as typed, ignoring capitals and extra spaces.",
            i.days
        )}</p>
        <div class="insights">
            <SearchTable id="no-results" title="Searches that found nothing"
                explain="Readers found no article at all: each one is an article waiting to be written."
                rows=i.no_results write_link=true/>
            <SearchTable id="led-to-cases" title="Searches followed by a new case"
                explain="Readers searched, then opened a case anyway: the articles they found did not answer them."
                rows=i.led_to_cases write_link=true/>
            <SearchTable id="top-searches" title="Top searches"
                explain="What readers look for most: these articles deserve the most care."
                rows=i.top_searches write_link=false/>
            <section class="panel" aria-labelledby="least-helpful-heading">
                <h2 id="least-helpful-heading">"Least helpful articles"</h2>
                <p class="hint">"Articles with the most “No” answers to “Was this helpful?”, then the lowest share of “Yes”."</p>
                {if i.least_helpful.is_empty() {
                    view! { <p class="muted">"No votes in this period."</p> }.into_any()
                } else {
                    view! {
                        <TableScroll label="Least helpful articles">
                            <table class="table compact">
                                <thead><tr>
                                    <th scope="col">"Article"</th>
                                    <th scope="col" class="num">"Yes"</th>
                                    <th scope="col" class="num">"No"</th>
                                    <th scope="col" class="num">"Helpful"</th>
                                </tr></thead>
                                <tbody>
                                    {i.least_helpful.into_iter().map(|a| view! {
                                        <tr>
                                            <td><a href=format!("/write/{}", a.id)>{a.title}</a></td>
                                            <td class="num">{a.yes}</td>
                                            <td class="num">{a.no}</td>
                                            <td class="num">{format!("{} %", a.helpful_percent)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </TableScroll>
                    }.into_any()
                }}
            </section>
            <section class="panel" aria-labelledby="deflections-heading">
                <h2 id="deflections-heading">"Articles that solved problems"</h2>
                <p class="hint">"Readers about to open a case said the article solved their problem instead."</p>
                {if i.deflections.is_empty() {
                    view! { <p class="muted">"None in this period."</p> }.into_any()
                } else {
                    view! {
                        <TableScroll label="Articles that solved problems">
                            <table class="table compact">
                                <thead><tr>
                                    <th scope="col">"Article"</th>
                                    <th scope="col" class="num">"Cases avoided"</th>
                                    <th scope="col">"Last"</th>
                                </tr></thead>
                                <tbody>
                                    {i.deflections.into_iter().map(|d| view! {
                                        <tr>
                                            <td><a href=format!("/write/{}", d.id)>{d.title}</a></td>
                                            <td class="num">{d.deflections}</td>
                                            <td class="when">{d.last}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </TableScroll>
                    }.into_any()
                }}
            </section>
        </div>
    }
}

/// One report of searches; `write_link` offers to start an article titled after the search.
#[component]
fn SearchTable(
    id: &'static str,
    title: &'static str,
    explain: &'static str,
    rows: Vec<SearchFigure>,
    write_link: bool,
) -> impl IntoView {
    let (heading_id, labelled_by) = (format!("{id}-heading"), format!("{id}-heading"));
    view! {
        <section class="panel" aria-labelledby=labelled_by>
            <h2 id=heading_id>{title}</h2>
            <p class="hint">{explain}</p>
            {if rows.is_empty() {
                view! { <p class="muted">"None in this period."</p> }.into_any()
            } else {
                view! {
                    <TableScroll label=title>
                        <table class="table compact">
                            <thead><tr>
                                <th scope="col">"Search"</th>
                                <th scope="col" class="num">"Times"</th>
                                <th scope="col" class="num">"Results on average"</th>
                                <th scope="col">"Last"</th>
                                {write_link.then(|| view! { <th scope="col"><span class="visually-hidden">"Write"</span></th> })}
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|row| {
                                    let new_article = format!("/write/new?title={}", urlencode(&row.query));
                                    let label = format!("Write an article about “{}”", row.query);
                                    view! {
                                        <tr>
                                            <td>{row.query}</td>
                                            <td class="num">{row.searches}</td>
                                            <td class="num">{row.average_hits}</td>
                                            <td class="when">{row.last}</td>
                                            {write_link.then(|| view! {
                                                <td class="nowrap"><a href=new_article aria-label=label>"Write an article"</a></td>
                                            })}
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </TableScroll>
                }.into_any()
            }}
        </section>
    }
}
