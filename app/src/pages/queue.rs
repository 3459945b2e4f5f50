//! The agents' queues: sizes, filters, sort, and bulk changes to ticked cases.
use super::cases::CaseTable;
use crate::api::cases::{case_queue, BulkUpdateCases};
use crate::components::form::{action_error, success_count, FormError};
use crate::components::live::case_news;
use crate::components::pager::{current_params, page_number};
use crate::components::panels::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use rapport_types::views::cases::{NewsKind, QueuePage, QueueSizes};
use rapport_types::views::reports::CaseSliceQuery;
use rapport_types::{CaseStatus, Priority};
use std::collections::BTreeSet;

pub(crate) const QUEUES: [(&str, &str); 6] = [
    ("unassigned", "Unassigned"),
    ("mine", "Mine"),
    ("open", "All open"),
    ("breaching", "Breaching SLA"),
    ("pending", "Waiting for customer"),
    ("solved", "Solved this week"),
];

/// "" is the default: breaching cases first, then the nearest deadline.
const SORTS: [(&str, &str); 5] = [
    ("", "Breaching first"),
    ("updated", "Latest activity"),
    ("due", "SLA deadline"),
    ("priority", "Priority"),
    ("oldest", "Oldest first"),
];

/// The filters of the address, by name, in the order the server function takes them.
const FILTERS: [&str; 7] = [
    "q",
    "priority",
    "category",
    "organization",
    "tag",
    "assignee",
    "sort",
];

pub(crate) fn size_of(sizes: &QueueSizes, key: &str) -> i64 {
    match key {
        "unassigned" => sizes.unassigned,
        "mine" => sizes.mine,
        "open" => sizes.open,
        "breaching" => sizes.breaching,
        "pending" => sizes.pending,
        _ => sizes.solved_recently,
    }
}

/// The parameters with which a bulk change comes back to the queue (see
/// `bulk_update_cases`): they say what was done, and are not filters to keep.
const BULK_DONE: [&str; 3] = ["changed", "assigned", "set"];

/// "Assigned C-1048 and C-1010 to Ada Admin." from the address a bulk change
/// came back with; None when it did not come from one.
fn bulk_done_message(
    query: &leptos_router::params::ParamsMap,
    agents: &[(i64, String)],
) -> Option<String> {
    let numbers: Vec<String> = query
        .get("changed")?
        .split(',')
        .filter_map(|n| rapport_types::CaseNumber::parse(n.trim()))
        .map(|n| n.to_string())
        .collect();
    let (cases, them) = match numbers.as_slice() {
        [] => return None,
        [one] => (one.clone(), "it"),
        [rest @ .., last] => (format!("{} and {last}", rest.join(", ")), "them"),
    };
    let assigned = query.get("assigned").and_then(|to| match to.as_str() {
        "none" => Some("took the assignee off".to_string()),
        "me" => Some(format!("assigned {them} to you")),
        id => agents
            .iter()
            .find(|(agent, _)| agent.to_string() == id)
            .map(|(_, name)| format!("assigned {them} to {name}")),
    });
    let status = query
        .get("set")
        .and_then(|s| CaseStatus::parse(&s))
        .map(|s| format!("set {them} to {}", s.staff_label()));
    let what = match (assigned, status) {
        (Some(a), Some(s)) => format!("{a} and {s}"),
        (Some(one), None) | (None, Some(one)) => one,
        (None, None) => format!("left {them} as before"),
    };
    Some(format!("Changed {cases}: {what}."))
}

/// A labelled drop-down of a filter, with "Any" first.
#[component]
fn FilterSelect(
    label: &'static str,
    name: &'static str,
    options: Vec<(String, String)>,
    selected: String,
) -> impl IntoView {
    let id = format!("queue-{name}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <select id=id name=name>
                <option value="">"Any"</option>
                {options.into_iter().map(|(value, text)| {
                    let is_selected = value == selected;
                    view! { <option value=value selected=is_selected>{text}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}

#[component]
pub fn AgentQueuePage() -> impl IntoView {
    let query = use_query_map();
    let queue = move || {
        query
            .read()
            .get("queue")
            .unwrap_or_else(|| "unassigned".into())
    };
    let filters = move || FILTERS.map(|name| query.read().get(name).unwrap_or_default());
    let page = move || page_number(&query);
    // A list opened from a report: narrowed to the cases a figure counts.
    let slice = move || CaseSliceQuery::from_params(|name| query.read().get(name));
    let bulk = ServerAction::<BulkUpdateCases>::new();
    let bulk_error = action_error(bulk);
    let bulk_done = success_count(bulk);
    // After a change the rows are redrawn in place: untick every case and put
    // the choices back, or the ticks would stay on the rows' new cases.
    let bulk_form = NodeRef::<leptos::html::Form>::new();
    // The ticked cases, kept apart from the rows so that rows redrawn by a
    // live refresh stay ticked.
    let ticked = RwSignal::new(BTreeSet::<String>::new());
    Effect::new(move |_| {
        if bulk_done.get() > 0 {
            ticked.set(BTreeSet::new());
            if let Some(form) = bulk_form.get_untracked() {
                form.reset();
            }
        }
    });
    // What the page shows depends on: the address, a bulk change, the zone.
    let shown_for = move || {
        (
            queue(),
            filters(),
            page(),
            slice(),
            bulk_done.get(),
            crate::context::browser_zone_changes(),
        )
    };
    let load = |(
        queue,
        [q, priority, category, organization, tag, assignee, sort],
        page,
        slice,
        _,
        _,
    ): (String, [String; 7], i64, CaseSliceQuery, usize, u32)| {
        case_queue(
            queue,
            q,
            priority,
            category,
            organization,
            tag,
            assignee,
            sort,
            page,
            slice,
        )
    };
    let data = Resource::new(shown_for, load);
    // When a case changes (here or on another server), the counts and rows
    // are fetched again and redrawn; the filters, the bulk choices and what
    // is typed in them are not touched.
    let news = case_news(|news| news.kind != NewsKind::Presence);
    let refreshed = RwSignal::new(None::<(String, QueuePage)>);
    // Another address (or a bulk change) is a new fetch: forget the old refresh.
    // (Only when one is held: a set redraws the rows, even to the same None.)
    Effect::new(move |_| {
        shown_for();
        if refreshed.with_untracked(Option::is_some) {
            refreshed.set(None);
        }
    });
    // Boxes ticked while the page was still loading are ticks too: the set
    // learns them from the page (the boxes belong to the bulk form), or the
    // next redraw would untick them and the change miss those cases.
    Effect::new(move |_| {
        if let Some(form) = bulk_form.get() {
            let on_page = ticked_boxes(&form);
            if !on_page.is_empty() {
                ticked.update(|set| set.extend(on_page));
            }
        }
    });
    Effect::new(move |_| {
        if news.get() == 0 {
            return;
        }
        let shown = untrack(shown_for);
        let key = format!("{shown:?}");
        let fetch = load(shown);
        leptos::task::spawn_local(async move {
            if let Ok(page) = fetch.await {
                refreshed.try_set(Some((key, page)));
            }
        });
    });
    // The refreshed page, while the address is still the one it was fetched for.
    // Read with `try_`: a bulk change redraws the page, and the old drawing's
    // closures may run once more while it is being taken down.
    let latest = move |initial: &QueuePage| {
        refreshed
            .try_get()
            .flatten()
            .filter(|(key, _)| *key == format!("{:?}", untrack(shown_for)))
            .map(|(_, page)| page)
            .unwrap_or_else(|| initial.clone())
    };
    view! {
        <Title text="Queue"/>
        <div class="page-head">
            <h1>"Queue"</h1>
            <span class="page-actions">
                <a class="button" href="/queue/new-case">"New case for a customer"</a>
                " "
                <a class="button button-secondary" href="/canned-replies">"Canned replies"</a>
            </span>
        </div>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            // The address is read before waiting for the data: after the wait the
            // request may be gone (the reader left), and its signals with it.
            {move || {
                let current = queue();
                let [search_now, priority_now, category_now, organization_now, tag_now, assignee_now, sort_now] = filters();
                // What a bulk change did is said once, not kept in links.
                let params: Vec<(String, String)> = current_params(&query)
                    .into_iter()
                    .filter(|(k, _)| !BULK_DONE.contains(&k.as_str()))
                    .collect();
                let done_query = query.get();
                let more_open = [&category_now, &organization_now, &tag_now, &assignee_now, &sort_now]
                    .iter()
                    .any(|v| !v.is_empty());
                let back = {
                    let pairs: Vec<String> = params
                        .iter()
                        .map(|(k, v)| format!("{k}={}", rapport_types::urlencode(v)))
                        .collect();
                    format!("/queue?{}", pairs.join("&"))
                };
                Suspend::new(async move {
                let page = match data.await {
                    Ok(page) => page,
                    Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                };
                let ids = |list: &[(i64, String)]| -> Vec<(String, String)> {
                    list.iter().map(|(id, name)| (id.to_string(), name.clone())).collect()
                };
                let choices = page.choices.clone();
                // Redrawn by a live refresh: the counts and the rows.
                // A plain closure over the drawn page, not a derived signal:
                // nothing in it can be disposed before the closures using it.
                let drawn = std::sync::Arc::new(page);
                let shown = move || latest(&drawn);
                let done = bulk_done_message(&done_query, &choices.agents);
                let mut assign_to = vec![("me".to_string(), "Me".to_string()), ("none".to_string(), "Nobody".to_string())];
                assign_to.extend(ids(&choices.agents));
                view! {
                    <nav class="tabs" aria-label="Queues">
                        {QUEUES.iter().map(|(key, label)| {
                            let active = *key == current;
                            view! {
                                <a href=format!("/queue?queue={key}") class:active=active
                                    aria-current=active.then_some("page")>
                                    {*label} " " <span class="count">{let shown = shown.clone(); move || size_of(&shown().sizes, key)}</span>
                                </a>
                            }
                        }).collect_view()}
                    </nav>
                    <form method="get" action="/queue" class="filters" role="search" aria-label="Filter the queue">
                        <input type="hidden" name="queue" value=current.clone()/>
                        // Filtering again keeps the report's narrowing.
                        {params.iter()
                            .filter(|(k, _)| CaseSliceQuery::PARAMS.contains(&k.as_str()))
                            .map(|(k, v)| view! { <input type="hidden" name=k.clone() value=v.clone()/> })
                            .collect_view()}
                        <div class="field">
                            <label for="queue-search">"Search"</label>
                            <input id="queue-search" type="search" name="q" value=search_now/>
                        </div>
                        <FilterSelect label="Priority" name="priority" selected=priority_now
                            options=Priority::ALL.iter().map(|p| (p.as_str().to_string(), p.label().to_string())).collect()/>
                        // The rarer filters fold away (open while one of them is set), so
                        // the queue itself starts higher up, on a phone above all.
                        <details class="more-filters" open=more_open>
                            <summary>"More filters and order"</summary>
                            <div class="filters">
                            <FilterSelect label="Category" name="category" selected=category_now options=ids(&choices.categories)/>
                            <FilterSelect label="Organization" name="organization" selected=organization_now options=ids(&choices.organizations)/>
                            <FilterSelect label="Assignee" name="assignee" selected=assignee_now options=ids(&choices.agents)/>
                            <div class="field">
                                <label for="queue-tag">"Tag"</label>
                                <input id="queue-tag" type="text" name="tag" value=tag_now/>
                            </div>
                            <div class="field">
                                <label for="queue-sort">"Sort by"</label>
                                <select id="queue-sort" name="sort">
                                    {SORTS.iter().map(|(value, text)| view! {
                                        <option value=*value selected=sort_now == *value>{*text}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                            </div>
                        </details>
                        <button type="submit" class="button">"Filter"</button>
                    </form>
                    {done.map(|message| view! { <p class="alert alert-success" role="status">{message}</p> })}
                    <ActionForm action=bulk node_ref=bulk_form attr:id="bulk-form" attr:class="filters bulk" attr:aria-label="Change the ticked cases">
                        <FormError error=bulk_error/>
                        {move || bulk_error.get().filter(|e| e.field().is_some()).map(|e| view! {
                            <p class="alert alert-error" role="alert">{e.to_string()}</p>
                        })}
                        <input type="hidden" name="back" value=back/>
                        <div class="field">
                            <label for="bulk-assignee">"Assign ticked cases to"</label>
                            <select id="bulk-assignee" name="assignee_id">
                                <option value="">"Keep as it is"</option>
                                {assign_to.into_iter().map(|(v, t)| view! { <option value=v>{t}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="bulk-status">"Set their status to"</label>
                            <select id="bulk-status" name="status">
                                <option value="">"Keep as it is"</option>
                                {CaseStatus::ALL.iter().map(|s| view! { <option value=s.as_str()>{s.staff_label()}</option> }).collect_view()}
                            </select>
                        </div>
                        <button type="submit" class="button button-secondary">"Apply to ticked cases"</button>
                    </ActionForm>
                    {move || view! {
                        <CaseTable list=shown().list show_requester=true staff=true base="/queue"
                            params=params.clone() ticked/>
                    }}
                }
                .into_any()
            })}}
        </Transition>
    }
}

/// The case numbers whose boxes are ticked in the bulk form (the boxes sit in
/// the table and join the form by its id).
fn ticked_boxes(form: &web_sys::HtmlFormElement) -> Vec<String> {
    use wasm_bindgen::JsCast;
    let boxes = form.elements();
    (0..boxes.length())
        .filter_map(|i| boxes.item(i)?.dyn_into::<web_sys::HtmlInputElement>().ok())
        .filter(|input| input.name() == "numbers[]" && input.checked())
        .map(|input| input.value())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use leptos_router::params::ParamsMap;

    fn query(pairs: &[(&'static str, &str)]) -> ParamsMap {
        let mut map = ParamsMap::new();
        for (key, value) in pairs {
            map.insert(*key, value.to_string());
        }
        map
    }

    #[test]
    fn a_bulk_change_is_said_in_words() {
        let agents = [(7, "Ada Admin".to_string())];
        let said = |pairs| bulk_done_message(&query(pairs), &agents);
        assert_eq!(
            said(&[("changed", "C-1048,C-1010"), ("assigned", "7")]).as_deref(),
            Some("Changed C-1048 and C-1010: assigned them to Ada Admin.")
        );
        assert_eq!(
            said(&[
                ("changed", "C-1048"),
                ("assigned", "none"),
                ("set", "pending")
            ])
            .as_deref(),
            Some("Changed C-1048: took the assignee off and set it to Waiting for customer.")
        );
        // Only case numbers are repeated: anything else in the address is dropped.
        assert_eq!(said(&[("changed", "<b>hi</b>")]), None);
        assert_eq!(said(&[("queue", "mine")]), None);
    }
}
