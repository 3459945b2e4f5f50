//! Admins' incoming mail: the messages that could not be processed and the
//! latest refused or ignored ones, with the reason, "Try again" and the raw
//! message; what happens to mail from unknown senders; and (on the
//! organizations page) each organization's e-mail domains.

use crate::api::mail_in::{
    incoming_mail, organization_domains, AddOrganizationDomain, RemoveOrganizationDomain,
    RetryIncomingMail, SetUnknownSenders,
};
use crate::components::form::{action_error, field_error, success_count, FormError};
use crate::components::panels::{ErrorPanel, TableScroll};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;
use rapport_types::views::mail_in::{IncomingMailItem, OrganizationMailDomains};

#[component]
pub fn AdminIncomingMailPage() -> impl IntoView {
    let retry = ServerAction::<RetryIncomingMail>::new();
    let setting = ServerAction::<SetUnknownSenders>::new();
    let changes = [success_count(retry), success_count(setting)];
    let page = Resource::new(
        move || {
            (
                changes.map(|c| c.get()),
                crate::context::browser_zone_changes(),
            )
        },
        |_| incoming_mail(),
    );
    let retry_error = action_error(retry);
    let setting_error = action_error(setting);
    let query = use_query_map();
    view! {
        <Title text="Incoming mail"/>
        <h1>"Incoming mail"</h1>
        <p class="muted">"Mail to the support address becomes cases and replies by itself. Here are the messages that could not be processed, and the latest that were refused or ignored, with the reason."</p>
        {move || done_message(&query.get()).map(|m| view! { <p class="alert alert-success" role="status">{m}</p> })}
        <FormError error=retry_error/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) => {
                        let keep = page.unknown_senders == "unsorted";
                        view! {
                            <section class="card" aria-labelledby="unknown-heading">
                                <h2 id="unknown-heading">"Mail from unknown senders"</h2>
                                <p class="muted">"Mail from an address at one of an organization's e-mail domains (set on the Organizations page) always joins that organization. For any other unknown address:"</p>
                                <ActionForm action=setting attr:class="form">
                                    <FormError error=setting_error/>
                                    <fieldset class="field choices">
                                        <legend>"What to do with it"</legend>
                                        <label class="checkbox">
                                            <input type="radio" name="unknown_senders" value="refuse" checked=!keep/>
                                            " Refuse it, with one automatic answer a day"
                                        </label>
                                        <label class="checkbox">
                                            <input type="radio" name="unknown_senders" value="unsorted" checked=keep/>
                                            " Keep it: make the sender a contact in the organization “Unsorted”, for agents to file"
                                        </label>
                                        {move || field_error(setting_error, "unknown_senders").get().map(|m| view! { <p class="field-error">{m}</p> })}
                                    </fieldset>
                                    <button type="submit" class="button">"Save"</button>
                                </ActionForm>
                            </section>
                            <h2>"Messages to look at"</h2>
                            {if page.items.is_empty() {
                                view! { <p>"Nothing to look at: every message was processed."</p> }.into_any()
                            } else {
                                view! { <MailTable items=page.items retry/> }.into_any()
                            }}
                        }
                        .into_any()
                    }
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn MailTable(
    items: Vec<IncomingMailItem>,
    retry: ServerAction<RetryIncomingMail>,
) -> impl IntoView {
    view! {
        <TableScroll label="Incoming messages">
            <table class="table">
                <thead><tr>
                    <th scope="col">"Received"</th>
                    <th scope="col">"From"</th>
                    <th scope="col">"Subject"</th>
                    <th scope="col">"State"</th>
                    <th scope="col">"Reason"</th>
                    <th scope="col">"Actions"</th>
                </tr></thead>
                <tbody>
                    {items.into_iter().map(|m| {
                        let raw = format!("/admin/mail/{}/raw", m.id);
                        let subject = if m.subject.is_empty() { "(no subject)".to_string() } else { m.subject.clone() };
                        view! {
                            <tr data-state=m.state.clone()>
                                <td>{m.received.clone()}<br/><span class="muted">{format!("#{} by {}", m.id, m.source)}</span></td>
                                <td>{m.from.clone()}</td>
                                <td>{subject.clone()}</td>
                                <td>{state_label(&m.state)}</td>
                                <td>{m.outcome.clone()}</td>
                                <td>
                                    <ActionForm action=retry attr:class="inline-form">
                                        <input type="hidden" name="id" value=m.id/>
                                        <button type="submit" class="button button-small button-secondary"
                                            aria-label=format!("Try message #{} again", m.id)>"Try again"</button>
                                    </ActionForm>
                                    <a href=raw download=format!("message-{}.eml", m.id) rel="external"
                                        aria-label=format!("Download message #{} as it came", m.id)>"Download"</a>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}

fn state_label(state: &str) -> &'static str {
    match state {
        "failed" => "Could not be processed",
        "received" => "Waiting",
        "refused" => "Refused",
        "ignored" => "Ignored",
        "processed" => "Processed",
        _ => "Unknown",
    }
}

/// "Message #5 was tried again: …" or "Saved." from the address the forms
/// came back with (see `api::mail_in`).
fn done_message(query: &ParamsMap) -> Option<String> {
    match query.get("done")?.as_str() {
        "saved" => Some("Saved: mail from unknown senders is handled as chosen.".into()),
        "retried" => {
            let id: i64 = query.get("message")?.parse().ok()?;
            let state = query.get("state")?;
            let now = match state.as_str() {
                "processed" => "it made its case or reply",
                "failed" => "it still could not be processed",
                "refused" => "it was refused",
                "ignored" => "it was ignored",
                _ => return None,
            };
            Some(format!("Message #{id} was tried again: {now}."))
        }
        _ => None,
    }
}

/// Each organization's e-mail domains, with forms to add and remove them.
#[component]
pub fn OrganizationDomainsSection() -> impl IntoView {
    let add = ServerAction::<AddOrganizationDomain>::new();
    let remove = ServerAction::<RemoveOrganizationDomain>::new();
    let changes = [success_count(add), success_count(remove)];
    let list = Resource::new(move || changes.map(|c| c.get()), |_| organization_domains());
    let add_error = action_error(add);
    let remove_error = action_error(remove);
    let query = use_query_map();
    view! {
        <section class="card" aria-labelledby="domains-heading">
            <h2 id="domains-heading">"E-mail domains"</h2>
            <p class="muted">"Mail from an unknown address at one of an organization's domains makes the sender a contact of that organization, and their mail a case there. A domain belongs to one organization."</p>
            {move || domain_done_message(&query.get()).map(|m| view! { <p class="alert alert-success" role="status">{m}</p> })}
            <FormError error=add_error/>
            <FormError error=remove_error/>
            {move || field_error(add_error, "domain").get().map(|m| view! {
                <p class="alert alert-error" role="alert">{m}</p>
            })}
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match list.await {
                        Ok(list) => view! { <DomainsTable list add remove/> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn DomainsTable(
    list: Vec<OrganizationMailDomains>,
    add: ServerAction<AddOrganizationDomain>,
    remove: ServerAction<RemoveOrganizationDomain>,
) -> impl IntoView {
    let query = use_query_map();
    let typed = move |organization_id: i64| {
        let q = query.read_untracked();
        (q.get("organization") == Some(organization_id.to_string()) && q.get("done").is_none())
            .then(|| q.get("domain"))
            .flatten()
            .unwrap_or_default()
    };
    view! {
        <TableScroll label="E-mail domains">
            <table class="table">
                <thead><tr>
                    <th scope="col">"Organization"</th>
                    <th scope="col">"Domains"</th>
                    <th scope="col">"Add a domain"</th>
                </tr></thead>
                <tbody>
                    {list.into_iter().map(|o| {
                        let field_id = format!("domain-{}", o.organization_id);
                        let organization_id = o.organization_id;
                        let name = o.name.clone();
                        view! {
                            <tr>
                                <td>{o.name.clone()}</td>
                                <td>
                                    {if o.domains.is_empty() {
                                        view! { <span class="muted">"None"</span> }.into_any()
                                    } else {
                                        view! {
                                            <ul class="plain-list">
                                                {o.domains.into_iter().map(|domain| {
                                                    let label = format!("Remove {domain} from {name}");
                                                    view! {
                                                    <li>
                                                        {domain.clone()}" "
                                                        <ActionForm action=remove attr:class="inline-form">
                                                            <input type="hidden" name="organization_id" value=organization_id/>
                                                            <input type="hidden" name="domain" value=domain.clone()/>
                                                            <button type="submit" class="button button-small button-secondary"
                                                                aria-label=label>"Remove"</button>
                                                        </ActionForm>
                                                    </li>
                                                }}).collect_view()}
                                            </ul>
                                        }.into_any()
                                    }}
                                </td>
                                <td>
                                    <ActionForm action=add attr:class="inline-form row-form">
                                        <input type="hidden" name="organization_id" value=organization_id/>
                                        <label class="visually-hidden" for=field_id.clone()>{format!("New e-mail domain of {}", o.name)}</label>
                                        <input id=field_id type="text" name="domain" placeholder="example.com"
                                            value=typed(organization_id) required=true autocomplete="off"/>
                                        <button type="submit" class="button button-small button-secondary">"Add"</button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </TableScroll>
    }
}

fn domain_done_message(query: &ParamsMap) -> Option<String> {
    let domain = query.get("domain")?;
    match query.get("done")?.as_str() {
        "domain-added" => Some(format!(
            "Added {domain}: unknown senders there now join the organization."
        )),
        "domain-removed" => Some(format!("Removed {domain}.")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&'static str, &str)]) -> ParamsMap {
        let mut map = ParamsMap::new();
        for (key, value) in pairs {
            map.insert(*key, value.to_string());
        }
        map
    }

    #[test]
    fn what_was_done_is_said() {
        assert_eq!(
            done_message(&query(&[
                ("done", "retried"),
                ("message", "5"),
                ("state", "failed")
            ]))
            .as_deref(),
            Some("Message #5 was tried again: it still could not be processed.")
        );
        assert_eq!(
            done_message(&query(&[
                ("done", "retried"),
                ("message", "5"),
                ("state", "processed")
            ]))
            .as_deref(),
            Some("Message #5 was tried again: it made its case or reply.")
        );
        assert_eq!(
            done_message(&query(&[("done", "retried"), ("message", "x")])),
            None
        );
        assert_eq!(
            domain_done_message(&query(&[("done", "domain-added"), ("domain", "a.example")]))
                .as_deref(),
            Some("Added a.example: unknown senders there now join the organization.")
        );
    }
}
