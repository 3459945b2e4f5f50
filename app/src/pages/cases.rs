//! The customer's case list, and the case table the agent queue shares.
use crate::api::cases::my_cases;
use crate::components::form::{NotSetAtHydration, Select};
use crate::components::pager::{current_params, page_address, page_number, Pager};
use crate::components::panels::{ErrorPanel, TableScroll};
use crate::context::use_auth;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use rapport_types::views::cases::{CaseList, CASES_PER_PAGE};
use rapport_types::views::reports::CaseSliceQuery;
use rapport_types::CaseStatus;
use std::collections::BTreeSet;

pub const MARKDOWN_HINT: &str =
    "You can use Markdown: **bold**, *italic*, lists, `code` and links.";

#[component]
pub fn CasesPage() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.read().get("status").unwrap_or_default();
    let search = move || query.read().get("q").unwrap_or_default();
    let sort = move || query.read().get("sort").unwrap_or_default();
    let page = move || page_number(&query);
    // A list opened from the service report: narrowed to a figure's cases.
    let slice = move || CaseSliceQuery::from_params(|name| query.read().get(name));
    let priority = move || query.read().get("priority").unwrap_or_default();
    let cases = Resource::new(
        move || {
            (
                status(),
                search(),
                sort(),
                page(),
                (priority(), slice()),
                crate::context::browser_zone_changes(),
            )
        },
        |(s, q, o, p, (priority, slice), _)| my_cases(s, q, o, p, priority, slice),
    );
    let auth = use_auth();
    let is_admin = Signal::derive(move || {
        auth.user
            .get()
            .and_then(|u| u.ok().flatten())
            .is_some_and(|u| u.role == rapport_types::Role::CustomerAdmin)
    });
    let status_options = {
        let mut options = vec![
            ("".to_string(), "All cases".to_string()),
            ("active".to_string(), "Active".to_string()),
        ];
        options.extend(
            CaseStatus::ALL
                .iter()
                .map(|s| (s.as_str().to_string(), s.label().to_string())),
        );
        options
    };
    view! {
        <Title text="Cases"/>
        <div class="page-head">
            <h1>"Cases"</h1>
            <a class="button" href="/cases/new">"Open a new case"</a>
        </div>
        <form method="get" action="/cases" class="filters" role="search" aria-label="Filter cases">
            <Select label="Status" name="status" options=status_options selected=Signal::derive(status) error=Signal::derive(|| None::<String>)/>
            <div class="field">
                <label for="case-search">"Search subject and messages"</label>
                <input id="case-search" type="search" name="q" autocomplete="off" value=search prop:value=move || NotSetAtHydration(search())/>
            </div>
            <Select label="Order" name="sort" selected=Signal::derive(sort)
                options=vec![("updated".into(), "Latest activity first".into()), ("oldest".into(), "Oldest first".into())]
                error=Signal::derive(|| None::<String>)/>
            <button type="submit" class="button">"Show"</button>
        </form>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                // Read before waiting: afterwards the request (and its signals) may be gone.
                let show_requester = is_admin.get();
                let params = current_params(&query);
                Suspend::new(async move {
                    match cases.await {
                        Ok(list) => view! { <CaseTable list show_requester staff=false base="/cases" params/> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// A table of cases with paging links that keep the other query parameters.
/// For staff it shows tags and SLA deadlines, and a tick box per case that
/// belongs to the bulk-action form (`form="bulk-form"`) of the queue page.
#[component]
pub fn CaseTable(
    list: CaseList,
    show_requester: bool,
    staff: bool,
    base: &'static str,
    params: Vec<(String, String)>,
    /// The ticked cases (staff), kept by the page so a redrawn table keeps them.
    #[prop(optional)]
    ticked: Option<RwSignal<BTreeSet<String>>>,
) -> impl IntoView {
    let pages = ((list.total + CASES_PER_PAGE - 1) / CASES_PER_PAGE).max(1);
    let link_to = move |page: i64| page_address(base, &params, page);
    if list.cases.is_empty() {
        return view! { <p class="panel muted">"No cases here."</p> }.into_any();
    }
    view! {
        <p class="muted" role="status">
            {if list.more {
                format!("More than {} cases: narrow them down with the filters.", list.total)
            } else {
                format!("{} case(s).", list.total)
            }}
        </p>
        <TableScroll label="Cases">
            <table class="table">
                <thead>
                    <tr>
                        {staff.then(|| view! { <th scope="col"><span class="visually-hidden">"Select"</span></th> })}
                        <th scope="col">"Case"</th>
                        <th scope="col">"Subject"</th>
                        {show_requester.then(|| view! { <th scope="col">"Requester"</th> })}
                        <th scope="col">"Status"</th>
                        <th scope="col">"Priority"</th>
                        {staff.then(|| view! { <th scope="col">"SLA"</th> })}
                        <th scope="col">"Last update"</th>
                        <th scope="col">"Last reply"</th>
                    </tr>
                </thead>
                <tbody>
                    {list.cases.into_iter().map(|c| {
                        let href = format!("/cases/{}", c.number);
                        let select_id = format!("select-{}", c.number);
                        let tags = c.tags.clone();
                        let (number, toggled) = (c.number.clone(), c.number.clone());
                        let is_ticked = move || ticked.is_some_and(|t| t.with(|set| set.contains(&number)));
                        let on_tick = move |ev: leptos::ev::Event| {
                            if let Some(t) = ticked {
                                let on = event_target_checked(&ev);
                                t.update(|set| {
                                    if on {
                                        set.insert(toggled.clone());
                                    } else {
                                        set.remove(&toggled);
                                    }
                                });
                            }
                        };
                        view! {
                            <tr class:breached=c.breached>
                                {staff.then(|| view! {
                                    <td>
                                        <input type="checkbox" form="bulk-form" name="numbers[]" value=c.number.clone() id=select_id.clone()
                                            prop:checked=move || NotSetAtHydration(is_ticked()) on:change=on_tick/>
                                        <label for=select_id class="visually-hidden">{format!("Select {}", c.number)}</label>
                                    </td>
                                })}
                                <td class="nowrap"><a href=href.clone()>{c.number.clone()}</a></td>
                                <td>
                                    <a href=href>{c.subject}</a>
                                    {(staff && !tags.is_empty()).then(|| view! {
                                        <span class="tags">{tags.into_iter().map(|t| view! { " " <span class="tag">{t}</span> }).collect_view()}</span>
                                    })}
                                </td>
                                {show_requester.then(|| view! { <td>{c.requester.clone()}</td> })}
                                <td><span class=format!("status status-{}", c.status.as_str())>{c.status.label_for(staff)}</span></td>
                                <td>{c.priority.label()}</td>
                                {staff.then(|| view! {
                                    <td class:sla-breached=c.breached>{c.due.clone().unwrap_or_else(|| "—".into())}</td>
                                })}
                                <td>{c.updated}</td>
                                <td>{if c.last_speaker == "agent" { "Support" } else { "Customer" }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
        <Pager page=list.page pages=pages more=list.more link_to/>
    }
    .into_any()
}
