//! The customer's cases: the list, the new-case form, and the case page (which
//! agents see too, with their tools).

use crate::api::cases::{
    case_detail, case_options, my_cases, preview_markdown, CaseList, CaseView, CreateCase,
    EntryKind, RateCase, ReplyToCase, SetCaseOpen, UpdateCase, CASES_PER_PAGE,
};
use crate::app::use_auth;
use crate::components::form::{
    action_error, field_error, success_count, Field, FormError, Select, TextArea,
};
use crate::components::panels::{title_text, ErrorPanel};
use crate::domain::{CaseStatus, Priority};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

const MARKDOWN_HINT: &str = "You can use Markdown: **bold**, *italic*, lists, `code` and links.";

#[component]
pub fn CasesPage() -> impl IntoView {
    let query = use_query_map();
    let status = move || query.read().get("status").unwrap_or_default();
    let search = move || query.read().get("q").unwrap_or_default();
    let page = move || page_number(&query);
    let cases = Resource::new(
        move || (status(), search(), page()),
        |(s, q, p)| my_cases(s, q, p),
    );
    let auth = use_auth();
    let is_admin = Signal::derive(move || {
        auth.user
            .get()
            .and_then(|u| u.ok().flatten())
            .is_some_and(|u| u.role == crate::domain::Role::CustomerAdmin)
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
        <form method="get" action="/cases" class="filters" role="search">
            <Select label="Status" name="status" options=status_options selected=status() error=Signal::derive(|| None::<String>)/>
            <div class="field">
                <label for="case-search">"Search subject and messages"</label>
                <input id="case-search" type="search" name="q" value=search/>
            </div>
            <button type="submit" class="button">"Show"</button>
        </form>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                // Read before waiting: afterwards the request (and its signals) may be gone.
                let show_requester = is_admin.get();
                let params = current_params(&query);
                Suspend::new(async move {
                    match cases.await {
                        Ok(list) => view! { <CaseTable list show_requester base="/cases" params/> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// The `page` query parameter: 1 when absent or not a positive number.
pub fn page_number(query: &Memo<leptos_router::params::ParamsMap>) -> i64 {
    query
        .read()
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1i64)
        .max(1)
}

/// The address's query parameters, to keep them in paging links.
pub fn current_params(query: &Memo<leptos_router::params::ParamsMap>) -> Vec<(String, String)> {
    query
        .get()
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
}

/// A table of cases with paging links that keep the other query parameters.
#[component]
pub fn CaseTable(
    list: CaseList,
    show_requester: bool,
    base: &'static str,
    params: Vec<(String, String)>,
) -> impl IntoView {
    let pages = ((list.total + CASES_PER_PAGE - 1) / CASES_PER_PAGE).max(1);
    let link_to = move |page: i64| {
        let mut pairs: Vec<String> = params
            .iter()
            .filter(|(k, _)| k != "page")
            .map(|(k, v)| format!("{k}={}", urlencode(v)))
            .collect();
        pairs.push(format!("page={page}"));
        format!("{base}?{}", pairs.join("&"))
    };
    if list.cases.is_empty() {
        return view! { <p class="panel muted">"No cases here."</p> }.into_any();
    }
    view! {
        <p class="muted" role="status">{format!("{} case(s).", list.total)}</p>
        <div class="table-scroll">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Case"</th>
                        <th scope="col">"Subject"</th>
                        {show_requester.then(|| view! { <th scope="col">"Requester"</th> })}
                        <th scope="col">"Status"</th>
                        <th scope="col">"Priority"</th>
                        <th scope="col">"Last update"</th>
                        <th scope="col">"Last reply"</th>
                    </tr>
                </thead>
                <tbody>
                    {list.cases.into_iter().map(|c| {
                        let href = format!("/cases/{}", c.number);
                        view! {
                            <tr>
                                <td><a href=href.clone()>{c.number.clone()}</a></td>
                                <td><a href=href>{c.subject}</a></td>
                                {show_requester.then(|| view! { <td>{c.requester.clone()}</td> })}
                                <td><span class=format!("status status-{}", c.status.as_str())>{c.status.label()}</span></td>
                                <td>{c.priority.label()}</td>
                                <td>{c.updated}</td>
                                <td>{if c.last_speaker == "agent" { "Support" } else { "Customer" }}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <nav class="pager" aria-label="Pages">
            {(list.page > 1).then(|| view! { <a href=link_to(list.page - 1)>"Previous"</a> })}
            <span>{format!("Page {} of {}", list.page, pages)}</span>
            {(list.page < pages).then(|| view! { <a href=link_to(list.page + 1)>"Next"</a> })}
        </nav>
    }
    .into_any()
}

pub fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[component]
pub fn NewCasePage() -> impl IntoView {
    let create = ServerAction::<CreateCase>::new();
    let error = action_error(create);
    let options = Resource::new(|| (), |_| case_options());
    let description = NodeRef::<leptos::html::Textarea>::new();
    let preview = Action::new(|text: &String| preview_markdown(text.clone()));
    view! {
        <Title text="Open a new case"/>
        <h1>"Open a new case"</h1>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let options = match options.await {
                    Ok(o) => o,
                    Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                };
                let categories: Vec<(String, String)> =
                    options.categories.into_iter().map(|(id, name)| (id.to_string(), name)).collect();
                let priorities: Vec<(String, String)> = Priority::FOR_CUSTOMERS
                    .iter()
                    .map(|p| (p.as_str().to_string(), p.label().to_string()))
                    .collect();
                view! {
                    <ActionForm action=create attr:class="form panel" attr:novalidate=true>
                        <FormError error/>
                        <Field label="Subject" name="subject" autocomplete="off"
                            hint="One line that says what is wrong, e.g. “Invoice 2024-118 shows the wrong VAT”."
                            error=field_error(error, "subject")/>
                        <div class="two-columns">
                            <Select label="Category" name="category_id" options=categories
                                error=field_error(error, "category_id")/>
                            <Select label="Priority" name="priority" options=priorities selected="normal".to_string()
                                error=field_error(error, "priority")/>
                        </div>
                        <TextArea label="Description" name="description" rows=10 hint=MARKDOWN_HINT
                            node_ref=description error=field_error(error, "description")/>
                        <div class="actions">
                            <button type="submit" class="button">"Open case"</button>
                            <button type="button" class="button button-secondary"
                                on:click=move |_| {
                                    // Read the box itself: text typed before the page finished loading counts too.
                                    if let Some(text) = description.get_untracked() {
                                        preview.dispatch(text.value());
                                    }
                                }>
                                "Preview"
                            </button>
                        </div>
                    </ActionForm>
                }
                .into_any()
            })}
        </Transition>
        {move || preview.value().get().map(|result| match result {
            Ok(html) => view! {
                <section class="panel preview" aria-label="Preview">
                    <h2>"Preview"</h2>
                    <div class="prose" inner_html=html.as_str().to_string()></div>
                </section>
            }.into_any(),
            Err(e) => view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
        })}
    }
}

#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let number = move || params.read().get("number").unwrap_or_default();
    let reply = ServerAction::<ReplyToCase>::new();
    let update = ServerAction::<UpdateCase>::new();
    let set_open = ServerAction::<SetCaseOpen>::new();
    let rate = ServerAction::<RateCase>::new();
    let changes = [
        success_count(reply),
        success_count(update),
        success_count(set_open),
        success_count(rate),
    ];
    let case = Resource::new(
        move || (number(), changes.map(|c| c.get())),
        |(n, _)| case_detail(n),
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match case.await {
                    Ok(c) => view! { <CaseBody c reply update set_open rate/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn CaseBody(
    c: CaseView,
    reply: ServerAction<ReplyToCase>,
    update: ServerAction<UpdateCase>,
    set_open: ServerAction<SetCaseOpen>,
    rate: ServerAction<RateCase>,
) -> impl IntoView {
    let reply_error = action_error(reply);
    // After a reply is sent, empty the form (and untick "internal note") for the next one;
    // after a refused one, keep what was typed.
    let reply_form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(())) = reply.value().get() {
            if let Some(form) = reply_form.get() {
                form.reset();
            }
        }
    });
    let set_open_error = action_error(set_open);
    let rate_error = action_error(rate);
    let title = title_text(&format!("{} {}", c.number, c.subject));
    let staff = c.staff_view;
    let closed = c.status == CaseStatus::Closed;
    // Each form carries the case number; each gets its own copy.
    let (number_reply, number_rate, number_open) =
        (c.number.clone(), c.number.clone(), c.number.clone());
    let agent_case = c.clone();
    view! {
        <Title text=title/>
        <p class="breadcrumbs">
            <a href=if staff { "/queue" } else { "/cases" }>{if staff { "Queue" } else { "Cases" }}</a>
            " › " {c.number.clone()}
        </p>
        <h1>{c.subject.clone()}</h1>
        <div class="case-layout">
            <div class="case-main">
                <section class="panel">
                    <p class=format!("status-banner status-{}", c.status.as_str())>
                        <strong>{c.status.label()}</strong>
                        // The meaning is written for the customer.
                        {(!staff).then(|| format!(" — {}", c.status.meaning()))}
                    </p>
                    <div class="message">
                        <p class="message-meta"><strong>{c.requester.clone()}</strong> " wrote on " {c.created.clone()}</p>
                        <div class="prose" inner_html=c.description.as_str().to_string()></div>
                    </div>
                </section>
                <section aria-label="Conversation" class="thread">
                    {c.thread.iter().cloned().map(|entry| match entry.kind {
                        EntryKind::Change => view! {
                            <p class="thread-change">{entry.author} " " {entry.change} " · " {entry.at}</p>
                        }.into_any(),
                        kind => {
                            let note = kind == EntryKind::InternalNote;
                            view! {
                                <article class="message" class:message-staff=entry.from_staff class:message-note=note>
                                    <p class="message-meta">
                                        {note.then(|| view! { <span class="badge badge-warn">"Internal note"</span> " " })}
                                        <strong>{entry.author}</strong>
                                        {entry.from_staff.then(|| view! { " " <span class="badge">"Support"</span> })}
                                        " · " {entry.at}
                                    </p>
                                    <div class="prose" inner_html=entry.body.as_str().to_string()></div>
                                </article>
                            }.into_any()
                        }
                    }).collect_view()}
                </section>
                {(!closed).then(|| view! {
                    <section class="panel" aria-labelledby="reply-heading">
                        <h2 id="reply-heading">{if staff { "Reply or add a note" } else { "Reply" }}</h2>
                        <ActionForm action=reply node_ref=reply_form attr:class="form" attr:novalidate=true>
                            <FormError error=reply_error/>
                            <input type="hidden" name="number" value=number_reply/>
                            <input type="hidden" name="version" value=c.version/>
                            <TextArea label="Message" name="body" rows=6 hint=MARKDOWN_HINT
                                error=field_error(reply_error, "body")/>
                            {staff.then(|| view! {
                                <div class="field checkbox">
                                    <input type="checkbox" id="field-internal" name="internal" value="on"/>
                                    <label for="field-internal">"Internal note (only company staff see it)"</label>
                                </div>
                                <Select label="Status after sending" name="status"
                                    options=vec![
                                        ("".into(), "Keep as it is".into()),
                                        ("open".into(), "Open".into()),
                                        ("pending".into(), "Waiting for the customer".into()),
                                        ("on_hold".into(), "On hold".into()),
                                        ("solved".into(), "Solved".into()),
                                    ]
                                    error=field_error(reply_error, "status")/>
                            })}
                            <button type="submit" class="button">"Send"</button>
                        </ActionForm>
                    </section>
                })}
                {c.rating.clone().map(move |(score, comment)| view! {
                    <section class="panel">
                        <h2>"Rating"</h2>
                        <p>{format!("{score} out of 5")} {(!comment.is_empty()).then(|| format!(": “{comment}”"))}</p>
                    </section>
                })}
                {c.can_rate.then(|| view! {
                    <section class="panel" aria-labelledby="rate-heading">
                        <h2 id="rate-heading">"How did we do?"</h2>
                        <ActionForm action=rate attr:class="form" attr:novalidate=true>
                            <FormError error=rate_error/>
                            <input type="hidden" name="number" value=number_rate/>
                            <Select label="Your rating" name="score"
                                options=(1..=5).rev().map(|n| (n.to_string(), match n {
                                    5 => "5 – excellent", 4 => "4 – good", 3 => "3 – fair", 2 => "2 – poor", _ => "1 – very poor",
                                }.to_string())).collect()
                                selected="5".to_string()
                                error=field_error(rate_error, "score")/>
                            <Field label="Comment (optional)" name="comment" required=false error=field_error(rate_error, "comment")/>
                            <button type="submit" class="button">"Send rating"</button>
                        </ActionForm>
                    </section>
                })}
            </div>
            <aside class="case-side">
                <section class="panel">
                    <h2>"Details"</h2>
                    <dl class="facts">
                        <dt>"Case"</dt><dd>{c.number.clone()}</dd>
                        <dt>"Status"</dt><dd>{c.status.label()}</dd>
                        <dt>"Priority"</dt><dd>{c.priority.label()}</dd>
                        <dt>"Category"</dt><dd>{c.category.clone()}</dd>
                        <dt>"Requester"</dt><dd>{c.requester.clone()}</dd>
                        <dt>"Organization"</dt><dd>{c.organization.clone()}</dd>
                        <dt>"Assignee"</dt><dd>{c.assignee.clone().unwrap_or_else(|| "Not assigned yet".into())}</dd>
                        <dt>"Updated"</dt><dd>{c.updated.clone()}</dd>
                    </dl>
                    {(!staff).then(|| view! {
                        <FormError error=set_open_error/>
                        {match c.status {
                            CaseStatus::Closed => ().into_any(),
                            CaseStatus::Solved => view! {
                                <ActionForm action=set_open attr:class="inline-form">
                                    <input type="hidden" name="number" value=number_open.clone()/>
                                    <input type="hidden" name="open" value="true"/>
                                    <button type="submit" class="button button-secondary">"Reopen case"</button>
                                </ActionForm>
                            }.into_any(),
                            _ => view! {
                                <ActionForm action=set_open attr:class="inline-form">
                                    <input type="hidden" name="number" value=number_open.clone()/>
                                    <input type="hidden" name="open" value="false"/>
                                    <button type="submit" class="button button-secondary">"Close case"</button>
                                </ActionForm>
                            }.into_any(),
                        }}
                    })}
                </section>
                {staff.then(|| view! { <AgentTools c=agent_case update/> })}
            </aside>
        </div>
    }
}

/// Status, priority, category and assignee, for agents.
#[component]
fn AgentTools(c: CaseView, update: ServerAction<UpdateCase>) -> impl IntoView {
    let error = action_error(update);
    let options = Resource::new(|| (), |_| case_options());
    let auth = use_auth();
    view! {
        <section class="panel" aria-labelledby="manage-heading">
            <h2 id="manage-heading">"Manage"</h2>
            <Transition fallback=|| ()>
                {move || {
                    let c = c.clone();
                    Suspend::new(async move {
                        let Ok(options) = options.await else { return ().into_any() };
                        let me = auth.user.await.ok().flatten().map(|u| u.id);
                        let statuses: Vec<(String, String)> =
                            CaseStatus::ALL.iter().map(|s| (s.as_str().into(), s.label().into())).collect();
                        let priorities: Vec<(String, String)> =
                            Priority::ALL.iter().map(|p| (p.as_str().into(), p.label().into())).collect();
                        let categories: Vec<(String, String)> =
                            options.categories.iter().map(|(id, n)| (id.to_string(), n.clone())).collect();
                        let mut agents: Vec<(String, String)> = vec![("".into(), "Nobody".into())];
                        agents.extend(options.agents.iter().map(|(id, n)| (id.to_string(), n.clone())));
                        let assignee = c.assignee_id.map(|a| a.to_string()).unwrap_or_default();
                        let take_it = me.filter(|m| c.assignee_id != Some(*m));
                        let (number_take, number_save) = (c.number.clone(), c.number.clone());
                        view! {
                            <FormError error/>
                            {take_it.map(move |me| view! {
                                <ActionForm action=update attr:class="form">
                                    <input type="hidden" name="number" value=number_take/>
                                    <input type="hidden" name="version" value=c.version/>
                                    <input type="hidden" name="status" value=c.status.as_str()/>
                                    <input type="hidden" name="priority" value=c.priority.as_str()/>
                                    <input type="hidden" name="category_id" value=c.category_id/>
                                    <input type="hidden" name="assignee_id" value=me/>
                                    <button type="submit" class="button">"Assign to me"</button>
                                </ActionForm>
                            })}
                            <ActionForm action=update attr:class="form">
                                <input type="hidden" name="number" value=number_save/>
                                <input type="hidden" name="version" value=c.version/>
                                <Select label="Status" name="status" options=statuses selected=c.status.as_str().to_string()
                                    error=field_error(error, "status")/>
                                <Select label="Priority" name="priority" options=priorities selected=c.priority.as_str().to_string()
                                    error=field_error(error, "priority")/>
                                <Select label="Category" name="category_id" options=categories selected=c.category_id.to_string()
                                    error=field_error(error, "category_id")/>
                                <Select label="Assignee" name="assignee_id" options=agents selected=assignee
                                    error=field_error(error, "assignee_id")/>
                                <button type="submit" class="button button-secondary">"Save changes"</button>
                            </ActionForm>
                        }
                        .into_any()
                    })
                }}
            </Transition>
        </section>
    }
}
