//! Webhooks (/admin/webhooks): other systems' subscriptions to Rapport's
//! events. The list (URL, events, state, last delivery status, failing
//! since), a form to subscribe (the secret is shown once, on the page it
//! leads to), and per subscription (`?id=`): edit, rotate the secret, pause
//! or resume, delete, send a test event, and the delivery log with each try
//! and "Replay". Every form posts without JavaScript.

use crate::api::webhooks::{
    webhooks_view, CreateWebhook, DeleteWebhook, ReplayWebhookDelivery, RotateWebhookSecret,
    SendWebhookTest, SetWebhookState, UpdateWebhook, WebhooksData,
};
use crate::components::form::{action_error, field_error, FormError};
use crate::components::panels::{ErrorPanel, TableScroll};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use rapport_types::api::webhooks::{Webhook, WebhookDelivery};

/// An RFC 3339 time as "2026-12-06 01:20:33 UTC".
fn when(rfc3339: &str) -> String {
    let plain = rfc3339.get(..19).unwrap_or(rfc3339).replace('T', " ");
    format!("{plain} UTC")
}

fn state_label(hook: &Webhook) -> String {
    match (hook.state.as_str(), hook.paused_reason.as_deref()) {
        ("active", _) if hook.failing_since.is_some() => "Active, failing".to_string(),
        ("active", _) => "Active".to_string(),
        (_, Some("failing")) => "Paused after 3 days of failures".to_string(),
        (_, Some("gone")) => "Paused: the receiver answered 410 Gone".to_string(),
        _ => "Paused".to_string(),
    }
}

fn status_label(status: Option<i32>, tried: bool) -> String {
    match (status, tried) {
        (Some(code), _) => code.to_string(),
        (None, true) => "No answer".to_string(),
        (None, false) => "Not tried yet".to_string(),
    }
}

/// The page's forms.
#[derive(Clone, Copy)]
struct Actions {
    create: ServerAction<CreateWebhook>,
    update: ServerAction<UpdateWebhook>,
    rotate: ServerAction<RotateWebhookSecret>,
    set_state: ServerAction<SetWebhookState>,
    delete: ServerAction<DeleteWebhook>,
    replay: ServerAction<ReplayWebhookDelivery>,
    test: ServerAction<SendWebhookTest>,
}

#[component]
pub fn AdminWebhooksPage() -> impl IntoView {
    let query = use_query_map();
    let create = ServerAction::<CreateWebhook>::new();
    let update = ServerAction::<UpdateWebhook>::new();
    let rotate = ServerAction::<RotateWebhookSecret>::new();
    let set_state = ServerAction::<SetWebhookState>::new();
    let delete = ServerAction::<DeleteWebhook>::new();
    let replay = ServerAction::<ReplayWebhookDelivery>::new();
    let test = ServerAction::<SendWebhookTest>::new();
    let actions = Actions {
        create,
        update,
        rotate,
        set_state,
        delete,
        replay,
        test,
    };
    let selected = move || query.read().get("id").and_then(|id| id.parse::<i64>().ok());
    let done = move || query.read().get("done");
    let view_data = Resource::new(
        move || (selected(), done()),
        |(id, done)| {
            let fresh = matches!(done.as_deref(), Some("created" | "rotated"));
            webhooks_view(id, fresh)
        },
    );
    let message = move || {
        done().and_then(|d| match d.as_str() {
            "created" => Some("The subscription is made."),
            "saved" => Some("The subscription is saved."),
            "rotated" => Some("A new secret is made. The old one keeps signing for 24 hours, so each request carries two signatures meanwhile."),
            "paused" => Some("The subscription is paused: no events are sent to it."),
            "resumed" => Some("The subscription is resumed: its pending events are sent now."),
            "deleted" => Some("The subscription and its delivery log are deleted."),
            "replayed" => Some("The delivery is queued again; it appears at the top of the log."),
            "test" => Some("A test event is queued; it appears at the top of the log."),
            _ => None,
        })
    };
    let other_errors = [
        action_error(rotate),
        action_error(set_state),
        action_error(delete),
        action_error(replay),
        action_error(test),
    ];
    let other_error = Signal::derive(move || other_errors.iter().find_map(|e| e.get()));
    view! {
        <Title text="Webhooks"/>
        <h1>"Webhooks"</h1>
        <p class="lead">
            "Other systems can subscribe to Rapport's events: each is POSTed to their address as JSON, "
            "signed in the Standard Webhooks scheme with the subscription's secret. A delivery that fails is "
            "tried again, 8 times over about 24 hours; after 3 days of failures the subscription is paused "
            "and you get a mail."
        </p>
        {move || message().map(|m| view! { <p class="alert alert-success" role="status">{m}</p> })}
        <FormError error=other_error/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match view_data.await {
                    Ok(data) => view! { <Webhooks data actions/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Webhooks(data: WebhooksData, actions: Actions) -> impl IntoView {
    let WebhooksData {
        hooks,
        events,
        selected,
        deliveries,
        secret,
    } = data;
    let selected_id = selected.as_ref().map(|h| h.id);
    view! {
        {secret.map(|secret| view! {
            <section class="panel hooks-secret" aria-labelledby="secret-heading">
                <h2 id="secret-heading">"The signing secret"</h2>
                <p>"Copy it into the receiving system now: it is not shown again."</p>
                <p><code class="hooks-secret-value">{secret}</code></p>
            </section>
        })}
        {selected.map(|hook| view! {
            <Subscription hook deliveries events=events.clone() actions/>
        })}
        <section class="panel" aria-labelledby="hooks-heading">
            <h2 id="hooks-heading">"Subscriptions"</h2>
            {if hooks.is_empty() {
                view! { <p class="muted">"No subscriptions yet."</p> }.into_any()
            } else {
                view! {
                    <TableScroll label="Webhook subscriptions">
                        <table class="table compact">
                            <thead>
                                <tr>
                                    <th scope="col">"Address"</th>
                                    <th scope="col">"Events"</th>
                                    <th scope="col">"State"</th>
                                    <th scope="col">"Last delivery"</th>
                                    <th scope="col">"Failing since"</th>
                                </tr>
                            </thead>
                            <tbody>
                                {hooks.into_iter().map(|hook| {
                                    let current = selected_id == Some(hook.id);
                                    view! {
                                        <tr class:hooks-current=current>
                                            <td class="hooks-url">
                                                <a href=format!("/admin/webhooks?id={}", hook.id)
                                                    aria-current=current.then_some("true")>{hook.url.clone()}</a>
                                                {(!hook.description.is_empty()).then(|| view! { <br/><span class="muted">{hook.description.clone()}</span> })}
                                            </td>
                                            <td>{hook.events.join(", ")}</td>
                                            <td>{state_label(&hook)}</td>
                                            <td>{status_label(hook.last_status, hook.last_try_at.is_some())}
                                                {hook.last_try_at.as_deref().map(|t| view! { <br/><span class="muted">{when(t)}</span> })}</td>
                                            <td>{hook.failing_since.as_deref().map(when).unwrap_or_else(|| "—".to_string())}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </TableScroll>
                }.into_any()
            }}
        </section>
        <NewSubscription events create=actions.create/>
    }
}

/// The events as checkboxes, ticked as `chosen`; errors name `events`.
#[component]
fn EventChoice(
    id_prefix: &'static str,
    events: Vec<(String, String)>,
    chosen: Vec<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id_prefix}-events-error");
    let described = error_id.clone();
    view! {
        <fieldset class="field hooks-events" class:has-error=move || error.get().is_some()
            aria-describedby=move || error.get().is_some().then(|| described.clone())>
            <legend>"Events"</legend>
            {events.into_iter().map(|(name, meaning)| {
                let id = format!("{id_prefix}-event-{}", name.replace('.', "-"));
                let checked = chosen.contains(&name);
                view! {
                    <div class="checkbox">
                        <input type="checkbox" id=id.clone() name="events[]" value=name.clone() checked=checked/>
                        <label for=id><code>{name}</code>" · "{meaning}</label>
                    </div>
                }
            }).collect_view()}
            {move || error.get().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
        </fieldset>
    }
}

/// A labelled text input keeping what was typed (from the address after a
/// refused plain post).
#[component]
fn TextField(
    id: String,
    label: &'static str,
    name: &'static str,
    kind: &'static str,
    value: String,
    #[prop(optional)] hint: Option<&'static str>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let (hint_id, error_id) = (format!("{id}-hint"), format!("{id}-error"));
    let (hint_ref, error_ref) = (hint_id.clone(), error_id.clone());
    let described = move || {
        let mut ids = Vec::new();
        if hint.is_some() {
            ids.push(hint_ref.clone());
        }
        if error.get().is_some() {
            ids.push(error_ref.clone());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            <input id=id type=kind name=name value=value autocomplete="off"
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described/>
            {move || error.get().map(|m| view! { <p class="field-error" id=error_id.clone()>{m}</p> })}
        </div>
    }
}

/// What a refused plain post left in the address, else `fallback`.
fn kept(name: &str, fallback: String) -> String {
    let query = use_query_map();
    let value = query.read_untracked().get(name);
    value.unwrap_or(fallback)
}

fn kept_events(fallback: Vec<String>) -> Vec<String> {
    let query = use_query_map();
    let value = query.read_untracked().get("events");
    match value {
        Some(list) => list
            .split(',')
            .filter(|e| !e.is_empty())
            .map(str::to_string)
            .collect(),
        None => fallback,
    }
}

#[component]
fn NewSubscription(
    events: Vec<(String, String)>,
    create: ServerAction<CreateWebhook>,
) -> impl IntoView {
    let error = action_error(create);
    // Without JavaScript the values come back in the address, with the error;
    // only for this form (the edit form's address has an `id`).
    let editing = use_query_map().read_untracked().get("id").is_some();
    let value = move |name: &str| {
        if editing {
            String::new()
        } else {
            kept(name, String::new())
        }
    };
    let chosen = if editing {
        Vec::new()
    } else {
        kept_events(Vec::new())
    };
    view! {
        <section class="panel" aria-labelledby="new-hook-heading">
            <h2 id="new-hook-heading">"New subscription"</h2>
            <ActionForm action=create attr:class="form" attr:novalidate=true>
                <FormError error/>
                <TextField id="new-url".to_string() label="Address (URL)" name="url" kind="url"
                    value=value("url") hint="Where the events are POSTed, e.g. https://crm.example.com/hooks/rapport."
                    error=field_error(error, "url")/>
                <TextField id="new-description".to_string() label="Description" name="description" kind="text"
                    value=value("description") hint="Optional: which system this is, who looks after it."
                    error=field_error(error, "description")/>
                <EventChoice id_prefix="new" events chosen error=field_error(error, "events")/>
                <button type="submit" class="button">"Subscribe"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn Subscription(
    hook: Webhook,
    deliveries: Vec<WebhookDelivery>,
    events: Vec<(String, String)>,
    actions: Actions,
) -> impl IntoView {
    let Actions {
        update,
        rotate,
        set_state,
        delete,
        replay,
        test,
        ..
    } = actions;
    let error = action_error(update);
    let id = hook.id.to_string();
    let (id_test, id_state, id_rotate, id_delete) =
        (id.clone(), id.clone(), id.clone(), id.clone());
    let active = hook.state == "active";
    let (next_state, state_button) = if active {
        ("paused", "Pause")
    } else {
        ("active", "Resume")
    };
    view! {
        <section class="panel" aria-labelledby="hook-heading">
            <h2 id="hook-heading" class="hooks-url">{hook.url.clone()}</h2>
            <p>
                {state_label(&hook)}
                {hook.previous_secret_until.as_deref().map(|t| format!(" · the previous secret signs too until {}", when(t)))}
            </p>
            <div class="hooks-actions">
                <ActionForm action=test attr:class="inline-form">
                    <input type="hidden" name="id" value=id_test/>
                    <button type="submit" class="button button-secondary">"Send a test event"</button>
                </ActionForm>
                <ActionForm action=set_state attr:class="inline-form">
                    <input type="hidden" name="id" value=id_state/>
                    <input type="hidden" name="state" value=next_state/>
                    <button type="submit" class="button button-secondary">{state_button}</button>
                </ActionForm>
                <ActionForm action=rotate attr:class="inline-form">
                    <input type="hidden" name="id" value=id_rotate/>
                    <button type="submit" class="button button-secondary">"Rotate the secret"</button>
                </ActionForm>
                <ActionForm action=delete attr:class="inline-form">
                    <input type="hidden" name="id" value=id_delete/>
                    <button type="submit" class="button button-secondary button-danger">"Delete"</button>
                </ActionForm>
            </div>
            <h3>"Edit"</h3>
            <ActionForm action=update attr:class="form" attr:novalidate=true>
                <FormError error/>
                <input type="hidden" name="id" value=id/>
                <TextField id="edit-url".to_string() label="Address (URL)" name="url" kind="url"
                    value=kept("url", hook.url.clone()) error=field_error(error, "url")/>
                <TextField id="edit-description".to_string() label="Description" name="description" kind="text"
                    value=kept("description", hook.description.clone()) error=field_error(error, "description")/>
                <EventChoice id_prefix="edit" events chosen=kept_events(hook.events.clone()) error=field_error(error, "events")/>
                <button type="submit" class="button">"Save"</button>
            </ActionForm>
            <h3 id="log-heading">"Delivery log"</h3>
            {if deliveries.is_empty() {
                view! { <p class="muted">"Nothing sent yet."</p> }.into_any()
            } else {
                view! {
                    <ol class="hooks-log plain-list" aria-labelledby="log-heading">
                        {deliveries.into_iter().map(|d| view! { <DeliveryItem hook_id=hook.id d replay/> }).collect_view()}
                    </ol>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn DeliveryItem(
    hook_id: i64,
    d: WebhookDelivery,
    replay: ServerAction<ReplayWebhookDelivery>,
) -> impl IntoView {
    let state = match d.state.as_str() {
        "delivered" => "Delivered".to_string(),
        "failed" => "Failed: every try used".to_string(),
        _ => match d.next_try_at.as_deref() {
            Some(t) => format!("Pending · next try {}", when(t)),
            None => "Pending".to_string(),
        },
    };
    let label = format!("Replay {} {}", d.event, d.message_id);
    view! {
        <li class="card hooks-delivery">
            <p>
                <strong><code>{d.event.clone()}</code></strong>
                " · " {when(&d.created_at)} " · " {state}
                " · " <span class="muted">{d.message_id.clone()}</span>
            </p>
            {(!d.attempts.is_empty()).then(|| view! {
                <TableScroll label="Tries">
                    <table class="table compact">
                        <thead>
                            <tr>
                                <th scope="col">"Time"</th>
                                <th scope="col">"Status"</th>
                                <th scope="col">"Duration"</th>
                                <th scope="col">"Answer"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {d.attempts.iter().map(|a| view! {
                                <tr>
                                    <td>{when(&a.at)}</td>
                                    <td>{status_label(a.status, true)}</td>
                                    <td>{format!("{} ms", a.duration_ms)}</td>
                                    <td><code class="hooks-excerpt">{a.error.clone().unwrap_or_else(|| a.response.clone())}</code></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </TableScroll>
            })}
            <ActionForm action=replay attr:class="inline-form">
                <input type="hidden" name="id" value=hook_id.to_string()/>
                <input type="hidden" name="delivery" value=d.id.to_string()/>
                <button type="submit" class="button button-small button-secondary" aria-label=label>"Replay"</button>
            </ActionForm>
        </li>
    }
}
