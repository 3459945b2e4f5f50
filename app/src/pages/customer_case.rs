//! "New case for a customer": an agent opens a case on behalf of a customer
//! who called or whose mail was forwarded. First the requester, found by
//! name, e-mail or organization (a GET form, so it works without
//! JavaScript) or made a contact; then the case, with the way they came.
use super::cases::MARKDOWN_HINT;
use crate::api::agent_cases::{
    find_requesters, new_case_for_customer, CreateContact, OpenCaseForCustomer, CUSTOMER_CASE_PAGE,
};
use crate::components::form::{action_error, field_error, Field, FormError, Select, TextArea};
use crate::components::panels::ErrorPanel;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use rapport_types::views::agent_cases::{CustomerCaseForm, RequesterChoice, RequesterSearch};
use rapport_types::{CaseChannel, Priority};

#[component]
pub fn CustomerCasePage() -> impl IntoView {
    let query = use_query_map();
    let requester = move || {
        query
            .read()
            .get("requester")
            .and_then(|r| r.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let form = Resource::new(requester, new_case_for_customer);
    // Made here, not in `ChooseRequester`: a resource first made inside
    // another's Suspend is not known to the browser in the order the server
    // streamed it, and hydration then fails now and then.
    let found = Resource::new(
        move || query.read().get("q").unwrap_or_default(),
        find_requesters,
    );
    view! {
        <Title text="New case for a customer"/>
        <h1>"New case for a customer"</h1>
        <p class="lead">"For a customer who called, or whose mail was forwarded to you. They get the usual mail that their case was received."</p>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match form.await {
                    Ok(form) => match form.requester.clone() {
                        Some(person) => view! { <CaseForm form person/> }.into_any(),
                        None => view! { <ChooseRequester form found/> }.into_any(),
                    },
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Step one: find the customer, or make them a contact.
#[component]
fn ChooseRequester(
    form: CustomerCaseForm,
    found: Resource<Result<RequesterSearch, AppError>>,
) -> impl IntoView {
    let query = use_query_map();
    let kept = move |name: &str| query.read_untracked().get(name).unwrap_or_default();
    let searched = kept("q");
    let contact = ServerAction::<CreateContact>::new();
    let error = action_error(contact);
    let organizations: Vec<(String, String)> =
        std::iter::once((String::new(), "Choose an organization".to_string()))
            .chain(
                form.organizations
                    .into_iter()
                    .map(|(id, name)| (id.to_string(), name)),
            )
            .collect();
    view! {
        <section class="panel" aria-labelledby="find-heading">
            <h2 id="find-heading">"1. Who is it for?"</h2>
            <form method="get" action=CUSTOMER_CASE_PAGE class="search-form" role="search" aria-label="Find the customer">
                <label for="requester-search">"Search by name, e-mail or organization"</label>
                <div class="search-row">
                    <input id="requester-search" type="search" name="q" value=searched.clone()/>
                    <button type="submit" class="button">"Search"</button>
                </div>
            </form>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match found.await {
                        Ok(found) if found.people.is_empty() => {
                            let q = query.read_untracked().get("q").unwrap_or_default();
                            (!q.trim().is_empty()).then(|| view! {
                                <p role="status">"Nobody matches. Make them a contact below."</p>
                            }).into_any()
                        }
                        Ok(found) => view! {
                            <ul class="people-list" aria-label="Customers found">
                                {found.people.into_iter().map(|person| view! { <PersonChoice person/> }).collect_view()}
                            </ul>
                            {found.more.then(|| view! { <p class="muted" role="status">"More match: search for more of the name or address."</p> })}
                        }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="panel" aria-labelledby="contact-heading">
            <h2 id="contact-heading">"Or make them a contact"</h2>
            <p class="hint">"A customer without a password: “Forgot your password?” with this address lets them in later."</p>
            <ActionForm action=contact attr:class="form" attr:novalidate=true>
                <FormError error/>
                <Field label="Name" name="name" autocomplete="off" value=kept("name") error=field_error(error, "name")/>
                <Field label="E-mail" name="email" kind="email" autocomplete="off" value=kept("email") error=field_error(error, "email")/>
                <Select label="Organization" name="organization_id" options=organizations
                    selected=kept("organization_id") error=field_error(error, "organization_id")/>
                <button type="submit" class="button">"Make contact and continue"</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn PersonChoice(person: RequesterChoice) -> impl IntoView {
    let href = format!("{CUSTOMER_CASE_PAGE}?requester={}", person.id);
    let label = format!("Open a case for {}", person.name);
    view! {
        <li>
            <span>
                <strong>{person.name.clone()}</strong>
                {person.contact.then(|| view! { " " <span class="tag">"contact"</span> })}
                <br/>
                <span class="muted">{person.email} " · " {person.organization}</span>
            </span>
            <a class="button button-secondary button-small" href=href aria-label=label>"Choose"</a>
        </li>
    }
}

/// Step two: the case itself.
#[component]
fn CaseForm(form: CustomerCaseForm, person: RequesterChoice) -> impl IntoView {
    let query = use_query_map();
    let kept = move |name: &str| query.read_untracked().get(name).unwrap_or_default();
    let open = ServerAction::<OpenCaseForCustomer>::new();
    let error = action_error(open);
    let made = query.read_untracked().get("done").as_deref() == Some("contact");
    let categories: Vec<(String, String)> =
        std::iter::once((String::new(), "Choose a category".to_string()))
            .chain(
                form.categories
                    .into_iter()
                    .map(|(id, name)| (id.to_string(), name)),
            )
            .collect();
    let priorities: Vec<(String, String)> = Priority::FOR_CUSTOMERS
        .iter()
        .map(|p| (p.as_str().to_string(), p.label().to_string()))
        .collect();
    let channels: Vec<(String, String)> =
        [CaseChannel::Phone, CaseChannel::Email, CaseChannel::Agent]
            .iter()
            .map(|c| (c.as_str().to_string(), c.label().to_string()))
            .collect();
    let priority = Some(kept("priority"))
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "normal".into());
    let channel = Some(kept("channel"))
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "phone".into());
    view! {
        {made.then(|| view! { <p class="alert alert-success" role="status">{format!("{} is now a contact.", person.name)}</p> })}
        <section class="panel" aria-labelledby="requester-heading">
            <h2 id="requester-heading">"Requester"</h2>
            <p>
                <strong>{person.name.clone()}</strong><br/>
                {person.email.clone()}<br/>
                {person.organization.clone()}
            </p>
            <p><a href=CUSTOMER_CASE_PAGE>"Choose someone else"</a></p>
        </section>
        <ActionForm action=open attr:class="form panel" attr:novalidate=true>
            <h2>"2. The case"</h2>
            <FormError error/>
            {move || field_error(error, "requester_id").get().map(|message| view! {
                <p class="alert alert-error" role="alert">{message}</p>
            })}
            <input type="hidden" name="requester_id" value=person.id.to_string()/>
            <Select label="How did they reach you?" name="channel" options=channels selected=channel
                error=field_error(error, "channel")/>
            <Field label="Subject" name="subject" autocomplete="off" value=kept("subject")
                error=field_error(error, "subject")/>
            <div class="two-columns">
                <Select label="Category" name="category_id" options=categories selected=kept("category_id")
                    error=field_error(error, "category_id")/>
                <Select label="Priority" name="priority" options=priorities selected=priority
                    error=field_error(error, "priority")/>
            </div>
            <TextArea label="Description" name="description" rows=8 hint=MARKDOWN_HINT
                value=kept("description") error=field_error(error, "description")/>
            <button type="submit" class="button">"Open the case"</button>
        </ActionForm>
    }
}
