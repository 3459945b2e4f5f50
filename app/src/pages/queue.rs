use super::cases::{current_params, page_number, CaseTable};
use crate::api::cases::case_queue;
use crate::components::panels::ErrorPanel;
use crate::domain::Priority;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const QUEUES: [(&str, &str); 5] = [
    ("unassigned", "Unassigned"),
    ("mine", "Mine"),
    ("open", "All open"),
    ("pending", "Waiting for customer"),
    ("solved", "Solved this week"),
];

/// The agent's queues, with their sizes, a search and a priority filter.
#[component]
pub fn AgentQueuePage() -> impl IntoView {
    let query = use_query_map();
    let queue = move || {
        query
            .read()
            .get("queue")
            .unwrap_or_else(|| "unassigned".into())
    };
    let search = move || query.read().get("q").unwrap_or_default();
    let priority = move || query.read().get("priority").unwrap_or_default();
    let page = move || page_number(&query);
    let data = Resource::new(
        move || (queue(), search(), priority(), page()),
        |(q, s, p, n)| case_queue(q, s, p, n),
    );
    view! {
        <Title text="Queue"/>
        <h1>"Queue"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            // The address is read before waiting for the data: after the wait the
            // request may be gone (the reader left), and its signals with it.
            {move || {
                let (current, search_now, priority_now) = (queue(), search(), priority());
                let params = current_params(&query);
                Suspend::new(async move {
                let page = match data.await {
                    Ok(page) => page,
                    Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                };
                let sizes = page.sizes.clone();
                let size = move |key: &str| match key {
                    "unassigned" => sizes.unassigned,
                    "mine" => sizes.mine,
                    "open" => sizes.open,
                    "pending" => sizes.pending,
                    _ => sizes.solved_recently,
                };
                view! {
                    <nav class="tabs" aria-label="Queues">
                        {QUEUES.iter().map(|(key, label)| {
                            let active = *key == current;
                            view! {
                                <a href=format!("/queue?queue={key}") class:active=active
                                    aria-current=active.then_some("page")>
                                    {*label} " " <span class="count">{size(key)}</span>
                                </a>
                            }
                        }).collect_view()}
                    </nav>
                    <form method="get" action="/queue" class="filters" role="search">
                        <input type="hidden" name="queue" value=current.clone()/>
                        <div class="field">
                            <label for="queue-search">"Search"</label>
                            <input id="queue-search" type="search" name="q" value=search_now/>
                        </div>
                        <div class="field">
                            <label for="queue-priority">"Priority"</label>
                            <select id="queue-priority" name="priority">
                                <option value="">"Any"</option>
                                {Priority::ALL.iter().map(|p| view! {
                                    <option value=p.as_str() selected=priority_now == p.as_str()>{p.label()}</option>
                                }).collect_view()}
                            </select>
                        </div>
                        <button type="submit" class="button">"Filter"</button>
                    </form>
                    <CaseTable list=page.list show_requester=true base="/queue" params/>
                }
                .into_any()
            })}}
        </Transition>
    }
}
