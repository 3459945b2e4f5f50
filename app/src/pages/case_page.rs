//! The case page: the thread and the customer's actions, and for agents their tools.
use super::case_followers::{CaseFollowers, FollowersPanel};
use super::case_reply::{reply_action, ReplyForm};
use crate::api::canned::canned_reply_text;
use crate::api::cases::{case_detail, case_presence, MergeCase, RateCase, SetCaseOpen, UpdateCase};
use crate::components::attachments::AttachmentList;
use crate::components::attachments::UploadAction;
use crate::components::business::{BusinessPanel, LinkedItemCard};
use crate::components::form::{action_error, field_error, success_count, Field, FormError, Select};
use crate::components::live::case_news;
use crate::components::panels::{title_text, ErrorPanel};
use crate::context::use_auth;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use rapport_types::views::cases::{CaseFormOptions, CaseLink, CaseView, EntryKind};
use rapport_types::{CaseStatus, Priority};

#[component]
pub fn CasePage() -> impl IntoView {
    let params = use_params_map();
    let number = move || params.read().get("number").unwrap_or_default();
    let query = use_query_map();
    // `?canned=ID` (staff): start the reply with that canned reply.
    let canned = move || {
        query
            .read()
            .get("canned")
            .and_then(|id| id.parse::<i64>().ok())
    };
    let reply = reply_action();
    let update = ServerAction::<UpdateCase>::new();
    let set_open = ServerAction::<SetCaseOpen>::new();
    let rate = ServerAction::<RateCase>::new();
    let changes = [
        reply.succeeded(),
        success_count(update),
        success_count(set_open),
        success_count(rate),
    ];
    let case = Resource::new(
        move || {
            (
                number(),
                canned(),
                changes.map(|c| c.get()),
                crate::context::browser_zone_changes(),
            )
        },
        |(n, canned, _, _)| case_detail(n, canned),
    );
    let followers = CaseFollowers::new(number);
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match case.await {
                    Ok(c) => {
                        let (live, news) = follow(c.clone());
                        view! { <CaseBody c live news reply update set_open rate followers/> }.into_any()
                    }
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The case as it is now, starting from `shown`: when it changes elsewhere (a
/// reply, an assignment, on this server or another) it is fetched again, and
/// the thread and details redraw from it; the forms stay as they are, with
/// what is typed in them. Also the count of news of it (for the presence line).
/// Made with each drawing of the page, so only for a case the reader may see.
fn follow(shown: CaseView) -> (Signal<CaseView>, ReadSignal<u32>) {
    let number = shown.number.clone();
    let news = case_news({
        let number = number.clone();
        move |news| news.concerns(&number)
    });
    let latest = RwSignal::new(shown);
    Effect::new(move |_| {
        if news.get() == 0 {
            return;
        }
        let fetch = case_detail(number.clone(), None);
        leptos::task::spawn_local(async move {
            if let Ok(c) = fetch.await {
                latest.try_set(c);
            }
        });
    });
    (latest.into(), news)
}

#[component]
fn CaseBody(
    /// The case as the page was drawn: what the forms start from.
    c: CaseView,
    /// The case as it is now: what the thread and the details show.
    live: Signal<CaseView>,
    /// Counts the news of this case (for the presence line).
    news: ReadSignal<u32>,
    reply: UploadAction,
    update: ServerAction<UpdateCase>,
    set_open: ServerAction<SetCaseOpen>,
    rate: ServerAction<RateCase>,
    followers: CaseFollowers,
) -> impl IntoView {
    let set_open_error = action_error(set_open);
    let rate_error = action_error(rate);
    let title = title_text(&format!("{} {}", c.number, c.subject));
    let staff = c.staff.is_some();
    let closed = c.status == CaseStatus::Closed;
    // Each form carries the case number; each gets its own copy.
    let (number_reply, number_rate, number_open) =
        (c.number.clone(), c.number.clone(), c.number.clone());
    let agent_case = c.clone();
    // The message box, for the agent's tools to insert a canned reply into, and
    // whether the cursor was put in it (else a box filled before, untouched,
    // says its cursor is at the start: a canned reply goes after its text).
    let reply_box = NodeRef::<leptos::html::Textarea>::new();
    let cursor_placed = StoredValue::new(false);
    // The version the reply answers. It follows the live case while nothing
    // is typed; once someone writes, a change made elsewhere is not answered
    // unseen: Send is refused once ("Someone else changed this case", the
    // text kept), and the next Send answers the case as it is now shown.
    let answers = RwSignal::new(c.version);
    Effect::new(move |_| {
        let now = live.read().version;
        let typed = reply_box
            .try_get_untracked()
            .flatten()
            .is_some_and(|b| !b.value().trim().is_empty());
        if !typed {
            answers.set(now);
        }
    });
    let reply_error = reply.error();
    Effect::new(move |_| {
        if matches!(reply_error.get(), Some(AppError::Conflict(_))) {
            answers.set(live.get_untracked().version);
        }
    });
    // Focus can move while the page is being redrawn (after a note is sent,
    // say), when this body is already gone: then there is nothing to mark,
    // hence the `try_` reads (a plain read of a disposed value panics).
    let on_focus = move |ev: leptos::ev::FocusEvent| {
        let target = ev.target().map(wasm_bindgen::JsValue::from);
        let reply_box = reply_box.try_get_untracked().flatten();
        if target.is_some() && target == reply_box.map(Into::into) {
            cursor_placed.try_set_value(true);
        }
    };
    view! {
        <Title text=title/>
        <p class="breadcrumbs">
            <a href=if staff { "/queue" } else { "/cases" }>{if staff { "Queue" } else { "Cases" }}</a>
            " › " {c.number.clone()}
        </p>
        <h1>{c.subject.clone()}</h1>
        <div class="case-layout">
            <div class="case-main">
                {c.linked.clone().map(|item| view! { <LinkedItemCard item heading="This case is about"/> })}
                {move || {
                    let c = live.get();
                    view! {
                        <section class="panel">
                            <p class=format!("status-banner status-{}", c.status.as_str())>
                                <strong>{c.status.label_for(staff)}</strong>
                                // The meaning is written for the customer.
                                {(!staff).then(|| format!(" — {}", c.status.meaning()))}
                            </p>
                            {c.merged_into.clone().map(|target| view! {
                                <p class="alert alert-info">"This case was merged into " <a href=format!("/cases/{target}")>{target.clone()}</a> ". Please follow it there."</p>
                            })}
                            <div class="message">
                                <p class="message-meta"><strong>{c.requester.clone()}</strong> " wrote on " {c.created.clone()}</p>
                                <div class="prose" inner_html=c.description.as_str().to_string()></div>
                                <QuotedText quoted=c.description_quoted.clone()/>
                                <AttachmentList files=c.files.clone()/>
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
                                        <article class="message" class:message-staff=entry.from_staff class:message-note=note id=entry.anchor.clone()>
                                            <p class="message-meta">
                                                {note.then(|| view! { <span class="badge badge-warn">"Internal note"</span> " " })}
                                                <strong>{entry.author}</strong>
                                                // From the author's role when they wrote (stored with the message), never
                                                // from a name: a customer called "Sam Agent" gets no badge.
                                                {entry.from_staff.then(|| view! {
                                                    " " <span class="badge badge-staff">"Staff"</span>
                                                    <span class="visually-hidden">", Rapport support staff"</span>
                                                })}
                                                " · " {entry.at}
                                            </p>
                                            <div class="prose" inner_html=entry.body.as_str().to_string()></div>
                                            <QuotedText quoted=entry.quoted/>
                                            <AttachmentList files=entry.files/>
                                        </article>
                                    }.into_any()
                                }
                            }).collect_view()}
                        </section>
                    }
                }}
                {(!closed).then(|| view! { <ReplyForm reply number=number_reply staff body_ref=reply_box initial_body=c.staff.as_ref().map(|s| s.reply_draft.clone()).unwrap_or_default()
                    version=Signal::from(answers) {..} on:focusin=on_focus/> })}
                {move || live.get().rating.map(move |(score, comment)| view! {
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
                    // What changes with the case, redrawn by a live refresh.
                    {move || {
                        let c = live.get();
                        view! {
                            <dl class="facts">
                                <dt>"Case"</dt><dd>{c.number.clone()}</dd>
                                <dt>"Status"</dt><dd>{c.status.label_for(staff)}</dd>
                                <dt>"Priority"</dt><dd>{c.priority.label()}</dd>
                                <dt>"Category"</dt><dd>{c.category.clone()}</dd>
                                <dt>"Requester"</dt><dd>{c.requester.clone()}</dd>
                                <dt>"Organization"</dt><dd>{c.organization.clone()}</dd>
                                <dt>"Came by"</dt><dd>{c.channel.label()}</dd>
                                <dt>"Assignee"</dt><dd>{c.assignee.clone().unwrap_or_else(|| "Not assigned yet".into())}</dd>
                                <dt>"Updated"</dt><dd>{c.updated.clone()}</dd>
                                {c.staff.as_ref().map(|s| view! {
                                    {s.first_response_due.clone().map(|due| view! {
                                        <dt>"First response"</dt><dd class:sla-breached=s.first_response_missed>{due}</dd>
                                    })}
                                    {s.resolution_due.clone().map(|due| view! {
                                        <dt>"Resolution"</dt><dd class:sla-breached=s.resolution_missed>{due}</dd>
                                    })}
                                })}
                                {(staff && !c.tags.is_empty()).then(|| view! {
                                    <dt>"Tags"</dt>
                                    <dd class="tags">{c.tags.iter().map(|t| view! { <span class="tag">{t.clone()}</span> " " }).collect_view()}</dd>
                                })}
                            </dl>
                        }
                    }}
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
                // Customers see who follows right under the details; agents beside the requester.
                {(!staff).then(|| view! { <FollowersPanel number=agent_case.number.clone() followers/> })}
                {agent_case.staff.clone().map(|part| {
                    let (number, version) = (agent_case.number.clone(), agent_case.version);
                    view! {
                        <Presence number=number.clone() news/>
                        <AgentTools c=agent_case.clone() options=part.options update reply_box cursor_placed/>
                        <RequesterPanel c=agent_case.clone() other_cases=part.other_cases/>
                        <FollowersPanel number=number.clone() followers/>
                        {part.health.map(|h| view! { <HealthBadgePanel health=h/> })}
                        <BusinessPanel business=part.business organization=agent_case.organization.clone()/>
                        // Merging is rare: last.
                        {agent_case.merged_into.is_none().then(|| view! { <MergeForm number version/> })}
                    }
                })}
            </aside>
        </div>
    }
}

/// Who else of the staff has this case open: asked when the page opens, when
/// someone starts looking (`news`), and every 20 seconds while the page is
/// open (with JavaScript; the version check guards every change anyway).
#[component]
fn Presence(number: String, news: ReadSignal<u32>) -> impl IntoView {
    let (others, set_others) = signal(Vec::<String>::new());
    let poll_now = number.clone();
    Effect::new(move |_| {
        if news.get() > 0 {
            let number = poll_now.clone();
            leptos::task::spawn_local(async move {
                if let Ok(names) = case_presence(number).await {
                    set_others.try_set(names);
                }
            });
        }
    });
    Effect::new(move |_| {
        let number = number.clone();
        let poll = move || {
            let number = number.clone();
            leptos::task::spawn_local(async move {
                if let Ok(names) = case_presence(number).await {
                    set_others.set(names);
                }
            });
        };
        poll();
        if let Ok(handle) = set_interval_with_handle(poll, std::time::Duration::from_secs(20)) {
            on_cleanup(move || handle.clear());
        }
    });
    move || {
        let names = others.get();
        (!names.is_empty()).then(|| view! {
            <p class="alert alert-warn" role="status">
                {format!("Also working on this case: {}. Check the thread before you answer.", names.join(", "))}
            </p>
        })
    }
}

/// Merge this case into another one, for agents.
#[component]
fn MergeForm(number: String, version: i32) -> impl IntoView {
    let merge = ServerAction::<MergeCase>::new();
    let error = action_error(merge);
    let confirm_error = field_error(error, "confirm");
    // Without JavaScript, a refused merge comes back with the number typed.
    let typed = use_query_map()
        .read_untracked()
        .get("into")
        .unwrap_or_default();
    view! {
        <section class="panel" aria-labelledby="merge-heading">
            <h2 id="merge-heading">"Merge"</h2>
            <ActionForm action=merge attr:class="form" attr:novalidate=true>
                <FormError error/>
                <input type="hidden" name="number" value=number/>
                <input type="hidden" name="version" value=version/>
                <Field label="Merge this case into" name="into" autocomplete="off" value=typed
                    hint="The number of the case that stays, e.g. C-1042. This case is closed; its messages move there."
                    error=field_error(error, "into")/>
                <div class="field checkbox" class:has-error=move || confirm_error.get().is_some()>
                    <input type="checkbox" id="field-confirm" name="confirm" value="on"/>
                    <label for="field-confirm">"Yes, close this case for good and move its conversation there."</label>
                </div>
                {move || confirm_error.get().map(|message| view! {
                    <p class="field-error" id="field-confirm-error" role="alert">{message}</p>
                })}
                <button type="submit" class="button button-secondary">"Merge"</button>
            </ActionForm>
        </section>
    }
}

/// The quoted history cut off a message that came by mail, folded away: plain
/// text, escaped like any other text (never markup from the mail).
#[component]
fn QuotedText(quoted: String) -> impl IntoView {
    (!quoted.is_empty()).then(|| {
        view! {
            <details class="quoted-text">
                <summary>"Show quoted text"</summary>
                <pre class="quoted">{quoted}</pre>
            </details>
        }
    })
}

/// The requester and their other recent cases, beside the case for agents.
#[component]
fn RequesterPanel(c: CaseView, other_cases: Vec<CaseLink>) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="requester-heading">
            <h2 id="requester-heading">"Requester"</h2>
            <p><strong>{c.requester.clone()}</strong><br/>{c.requester_email.clone()}
                {c.staff.as_ref().is_some_and(|s| s.requester_bouncing).then(|| view! {
                    " " <span class="badge badge-warn" title="Mail to this address bounces: a delivery report said it could not be delivered.">"bouncing"</span>
                })}
                <br/>{c.organization.clone()}</p>
            <h3>"Other recent cases"</h3>
            {if other_cases.is_empty() {
                view! { <p class="muted">"None."</p> }.into_any()
            } else {
                view! {
                    <ul class="plain-list">
                        {other_cases.iter().map(|o| view! {
                            <li>
                                <a href=format!("/cases/{}", o.number)>{o.number.clone()} " " {o.subject.clone()}</a>
                                " " <span class=format!("status status-{}", o.status.as_str())>{o.status.staff_label()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// The byte index in `text` of a position counted in UTF-16 code units (as
/// the browser counts them in a text box).
fn byte_index(text: &str, utf16: u32) -> usize {
    let mut units = 0;
    for (index, c) in text.char_indices() {
        if units >= utf16 as usize {
            return index;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// `typed` with `text` put in place of its range `start..end` (UTF-16; the
/// cursor when empty) as a paragraph of its own: a blank line between it and
/// any text before or after. Returns the new text and the position after `text`.
fn insert_paragraph(typed: &str, start: u32, end: u32, text: &str) -> (String, u32) {
    let (start, end) = (byte_index(typed, start), byte_index(typed, end.max(start)));
    let (before, after) = (&typed[..start], &typed[end..]);
    let gap = |beside: &str, newlines: usize| match (beside.is_empty(), newlines) {
        (true, _) | (false, 2..) => "",
        (false, 1) => "\n",
        (false, _) => "\n\n",
    };
    let lead = gap(
        before,
        before.chars().rev().take_while(|c| *c == '\n').count(),
    );
    let trail = gap(after, after.chars().take_while(|c| *c == '\n').count());
    let head = format!("{before}{lead}{text}");
    let cursor = head.encode_utf16().count() as u32;
    (format!("{head}{trail}{after}"), cursor)
}

/// Put `text` into the message box: at the cursor (over the selected text)
/// when the agent placed it there, else after what was typed; then the cursor
/// goes after it, in the box.
fn insert_into(reply_box: &web_sys::HtmlTextAreaElement, text: &str, at_cursor: bool) {
    let typed = reply_box.value();
    let length = typed.encode_utf16().count() as u32;
    let selection = |at: Result<Option<u32>, _>| at.ok().flatten().filter(|_| at_cursor);
    let start = selection(reply_box.selection_start()).unwrap_or(length);
    let end = selection(reply_box.selection_end()).unwrap_or(start);
    let (value, cursor) = insert_paragraph(&typed, start, end, text);
    reply_box.set_value(&value);
    let _ = reply_box.set_selection_range(cursor, cursor);
    let _ = reply_box.focus();
}

/// Status, priority, category and assignee, for agents.
#[component]
fn AgentTools(
    c: CaseView,
    /// The choices of the agent's forms.
    options: CaseFormOptions,
    update: ServerAction<UpdateCase>,
    /// The message box, when the case can be answered.
    reply_box: NodeRef<leptos::html::Textarea>,
    /// The cursor was put in the message box.
    cursor_placed: StoredValue<bool>,
) -> impl IntoView {
    let error = action_error(update);
    let auth = use_auth();
    // With JavaScript, "Insert into reply" fetches the canned reply filled in for
    // this case and inserts it into what was typed. Without (or with no message
    // box), the form loads the page again with `?canned=`, the box filled with it.
    let canned_pick = NodeRef::<leptos::html::Select>::new();
    let canned_error = RwSignal::new(None::<AppError>);
    let inserting = RwSignal::new(false);
    let number_insert = c.number.clone();
    let insert_canned = move |ev: leptos::ev::SubmitEvent| {
        let id = canned_pick
            .get_untracked()
            .and_then(|pick| pick.value().parse::<i64>().ok());
        let (Some(reply_box), Some(id)) = (reply_box.get_untracked(), id) else {
            return;
        };
        ev.prevent_default();
        if inserting.get_untracked() {
            return;
        }
        inserting.set(true);
        canned_error.set(None);
        let number = number_insert.clone();
        leptos::task::spawn_local(async move {
            match canned_reply_text(number, id).await {
                Ok(text) => insert_into(
                    &reply_box,
                    &text,
                    cursor_placed.try_get_value().unwrap_or(false),
                ),
                Err(e) => canned_error.set(Some(e)),
            }
            inserting.set(false);
        });
    };
    view! {
        <section class="panel" aria-labelledby="manage-heading">
            <h2 id="manage-heading">"Manage"</h2>
            <Transition fallback=|| ()>
                {move || {
                    let c = c.clone();
                    let options = options.clone();
                    let insert_canned = insert_canned.clone();
                    Suspend::new(async move {
                        // The choices come with the case; the user is the header's, already loaded.
                        let me = auth.user.await.ok().flatten().map(|u| u.id);
                        let statuses: Vec<(String, String)> =
                            CaseStatus::ALL.iter().map(|s| (s.as_str().into(), s.staff_label().into())).collect();
                        let priorities: Vec<(String, String)> =
                            Priority::ALL.iter().map(|p| (p.as_str().into(), p.label().into())).collect();
                        let categories: Vec<(String, String)> =
                            options.categories.iter().map(|(id, n)| (id.to_string(), n.clone())).collect();
                        let mut agents: Vec<(String, String)> = vec![("".into(), "Nobody".into())];
                        agents.extend(options.agents.iter().map(|(id, n)| (id.to_string(), n.clone())));
                        let assignee = c.assignee_id.map(|a| a.to_string()).unwrap_or_default();
                        let take_it = me.filter(|m| c.assignee_id != Some(*m));
                        let (number_take, number_save, number_canned) =
                            (c.number.clone(), c.number.clone(), c.number.clone());
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
                                <Field label="Tags" name="tags" required=false value=c.tags.join(", ")
                                    hint="Comma-separated, e.g. billing, printer-jam"
                                    error=field_error(error, "tags")/>
                                <button type="submit" class="button button-secondary">"Save changes"</button>
                            </ActionForm>
                            {(!options.canned_replies.is_empty()).then(|| view! {
                                // A plain GET form: the page comes back with the reply filled in.
                                // Once hydrated, the reply is inserted into what was typed instead.
                                <form method="get" action=format!("/cases/{number_canned}") class="form form-separated"
                                    on:submit=insert_canned>
                                    <FormError error=canned_error.into()/>
                                    <div class="field">
                                        <label for="canned-pick">"Canned reply"</label>
                                        <select id="canned-pick" name="canned" node_ref=canned_pick>
                                            {options.canned_replies.iter().map(|(id, title)| view! {
                                                <option value=id.to_string()>{title.clone()}</option>
                                            }).collect_view()}
                                        </select>
                                    </div>
                                    <button type="submit" class="button button-secondary"
                                        disabled=move || inserting.get()>"Insert into reply"</button>
                                </form>
                            })}
                        }
                        .into_any()
                    })
                }}
            </Transition>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::insert_paragraph;

    #[test]
    fn a_canned_reply_is_a_paragraph_of_its_own() {
        let text = "Hello,\n\nsee below.";
        let end = |s: &str| s.encode_utf16().count() as u32;
        // An empty box: the text alone.
        assert_eq!(insert_paragraph("", 0, 0, text), (text.into(), end(text)));
        // After what was typed, after a blank line (however many newlines it ends with).
        for typed in ["Thanks.", "Thanks.\n", "Thanks.\n\n"] {
            let (value, cursor) = insert_paragraph(typed, end(typed), end(typed), text);
            assert_eq!(value, format!("Thanks.\n\n{text}"), "{typed:?}");
            assert_eq!(cursor, end(&value));
        }
        // At the cursor, between two lines: blank lines on both sides, the
        // cursor right after the inserted text.
        let (value, cursor) = insert_paragraph("First.\nLast.", 7, 7, text);
        assert_eq!(value, format!("First.\n\n{text}\n\nLast."));
        assert_eq!(cursor, end(&format!("First.\n\n{text}")));
        // Over a selection, counted in UTF-16 like the browser ("é" is one unit, "🙂" two).
        let (value, _) = insert_paragraph("Ré 🙂 XXX\n\nBye", 6, 9, text);
        assert_eq!(value, format!("Ré 🙂 \n\n{text}\n\nBye"));
        let (value, _) = insert_paragraph("Start", 0, 0, text);
        assert_eq!(value, format!("{text}\n\nStart"));
    }
}

/// The requester organization's health score, with a link to its breakdown.
#[component]
fn HealthBadgePanel(health: rapport_types::views::health::HealthBadge) -> impl IntoView {
    let band = match health.score {
        0..=49 => "score score-risk",
        50..=74 => "score score-watch",
        _ => "score score-good",
    };
    view! {
        <section class="panel health-badge" aria-labelledby="health-heading">
            <h2 id="health-heading">"Account health"</h2>
            <p>
                <a href=format!("/reports/health/{}", health.organization_id)>
                    <span class=band data-testid="case-health-score">{health.score}</span>" of 100"
                </a>
            </p>
            {health.top_driver.map(|d| view! { <p class="hint">{d}</p> })}
        </section>
    }
}
