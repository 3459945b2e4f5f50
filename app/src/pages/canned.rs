//! The agents' library of canned replies: add, change, remove.
use crate::api::canned::{canned_replies, DeleteCannedReply, SaveCannedReply};
use crate::components::form::{action_error, field_error, success_count, FormError};
use crate::components::panels::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;
use rapport_types::views::canned::CannedReply;

/// "Added the canned reply “Shipping delay”." from the address a change came
/// back with (see `api::canned`); a reply is named only when it is in the list.
fn canned_done_message(query: &ParamsMap, replies: &[CannedReply]) -> Option<String> {
    if query.get("removed").is_some() {
        return Some("The canned reply is removed.".into());
    }
    let (verb, id) = match (query.get("added"), query.get("saved")) {
        (Some(id), _) => ("Added", id),
        (None, Some(id)) => ("Saved", id),
        (None, None) => return None,
    };
    let reply = replies.iter().find(|r| r.id.to_string() == id)?;
    Some(format!("{verb} the canned reply “{}”.", reply.title))
}

#[component]
pub fn CannedRepliesPage() -> impl IntoView {
    let save = ServerAction::<SaveCannedReply>::new();
    let delete = ServerAction::<DeleteCannedReply>::new();
    let (saved, deleted) = (success_count(save), success_count(delete));
    let library = Resource::new(
        move || {
            (
                saved.get(),
                deleted.get(),
                crate::context::browser_zone_changes(),
            )
        },
        |_| canned_replies(),
    );
    let error = action_error(save);
    let delete_error = action_error(delete);
    let query = use_query_map();
    view! {
        <Title text="Canned replies"/>
        <h1>"Canned replies"</h1>
        <p class="muted">"Reusable answers for the reply form of a case. Placeholders are filled in for the case when you insert a reply."</p>
        <FormError error/>
        <FormError error=delete_error/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                // Read before waiting: afterwards the request (and its signals) may be gone.
                let address = query.get();
                Suspend::new(async move {
                let library = match library.await {
                    Ok(l) => l,
                    Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                };
                let done = canned_done_message(&address, &library.replies);
                view! {
                    {done.map(|message| view! { <p class="alert alert-success" role="status">{message}</p> })}
                    <section class="panel">
                        <h2>"Placeholders"</h2>
                        <dl class="facts">
                            {library.placeholders.into_iter().map(|(p, meaning)| view! {
                                <dt><code>{p}</code></dt><dd>{meaning}</dd>
                            }).collect_view()}
                        </dl>
                    </section>
                    {library.replies.into_iter().map(|r| view! { <CannedForm reply=Some(r) save delete error/> }).collect_view()}
                    <CannedForm reply=None save delete error/>
                }.into_any()
            })}}
        </Transition>
    }
}

/// One canned reply's form; `None` is the form for a new one.
#[component]
fn CannedForm(
    reply: Option<CannedReply>,
    save: ServerAction<SaveCannedReply>,
    delete: ServerAction<DeleteCannedReply>,
    error: Signal<Option<crate::error::AppError>>,
) -> impl IntoView {
    // Several forms share this page: ids carry the reply's id, and an error is
    // shown on the form that was sent.
    let key = reply
        .as_ref()
        .map(|r| r.id.to_string())
        .unwrap_or_else(|| "new".into());
    let sent_here = {
        let key = key.clone();
        move || {
            save.input()
                .get()
                .map(|input| {
                    input.id
                        == if key == "new" {
                            String::new()
                        } else {
                            key.clone()
                        }
                })
                .unwrap_or(false)
        }
    };
    let title_error = {
        let sent_here = sent_here.clone();
        Signal::derive(move || {
            if sent_here() {
                field_error(error, "title").get()
            } else {
                None
            }
        })
    };
    let body_error = Signal::derive(move || {
        if sent_here() {
            field_error(error, "body").get()
        } else {
            None
        }
    });
    let (title_id, body_id) = (format!("canned-title-{key}"), format!("canned-body-{key}"));
    let heading = reply
        .as_ref()
        .map(|r| r.title.clone())
        .unwrap_or_else(|| "New canned reply".into());
    let id_value = reply.as_ref().map(|r| r.id.to_string()).unwrap_or_default();
    let (title, body) = reply
        .as_ref()
        .map(|r| (r.title.clone(), r.body.clone()))
        .unwrap_or_default();
    let updated = reply.as_ref().map(|r| r.updated.clone());
    let existing_id = reply.as_ref().map(|r| r.id);
    view! {
        <section class="panel" aria-label=heading.clone()>
            <h2>{heading.clone()}</h2>
            {updated.map(|u| view! { <p class="muted">"Last changed " {u}</p> })}
            <ActionForm action=save attr:class="form" attr:novalidate=true>
                <input type="hidden" name="id" value=id_value/>
                <div class="field" class:has-error=move || title_error.get().is_some()>
                    <label for=title_id.clone()>"Title"</label>
                    <input id=title_id name="title" type="text" maxlength="100" value=title/>
                    {move || title_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
                </div>
                <div class="field" class:has-error=move || body_error.get().is_some()>
                    <label for=body_id.clone()>"Text"</label>
                    <textarea id=body_id name="body" rows="5" maxlength="10000">
                        {body}
                    </textarea>
                    {move || body_error.get().map(|m| view! { <p class="field-error">{m}</p> })}
                </div>
                <button type="submit" class="button">{if existing_id.is_some() { "Save" } else { "Add canned reply" }}</button>
            </ActionForm>
            {existing_id.map(|id| view! {
                <ActionForm action=delete attr:class="inline-form">
                    <input type="hidden" name="id" value=id/>
                    <button type="submit" class="button button-secondary">"Remove"</button>
                </ActionForm>
            })}
        </section>
    }
}
