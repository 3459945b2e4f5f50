//! The followers of a case, beside it: who gets its public replies by mail.
//! Agents add anyone and remove followers; the requester and the
//! organization's customer admins see them and add colleagues.
use crate::api::agent_cases::{case_followers, AddCaseFollower, RemoveCaseFollower};
use crate::components::form::{action_error, field_error, success_count, Field, FormError};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use rapport_types::views::agent_cases::CaseFollowerList;

/// The followers of the page's case and the actions that change them. The
/// case page makes them once, not in the body it redraws: the body is drawn
/// twice on the server, and again whenever the case changes, and the list
/// would be loaded each time.
#[derive(Clone, Copy)]
pub struct CaseFollowers {
    list: Resource<Result<CaseFollowerList, AppError>>,
    add: ServerAction<AddCaseFollower>,
    remove: ServerAction<RemoveCaseFollower>,
}

impl CaseFollowers {
    pub fn new(number: impl Fn() -> String + Send + Sync + 'static) -> CaseFollowers {
        let add = ServerAction::<AddCaseFollower>::new();
        let remove = ServerAction::<RemoveCaseFollower>::new();
        let (added, removed) = (success_count(add), success_count(remove));
        let list = Resource::new(
            move || (number(), added.get(), removed.get()),
            |(number, _, _)| case_followers(number),
        );
        CaseFollowers { list, add, remove }
    }
}

#[component]
pub fn FollowersPanel(number: String, followers: CaseFollowers) -> impl IntoView {
    let CaseFollowers { list, add, remove } = followers;
    view! {
        <Transition fallback=|| ()>
            {move || {
                let number = number.clone();
                Suspend::new(async move {
                    // Those who may not see them get no panel at all.
                    list.await.ok().map(|f| view! { <Followers f number add remove/> })
                })
            }}
        </Transition>
    }
}

#[component]
fn Followers(
    f: CaseFollowerList,
    number: String,
    add: ServerAction<AddCaseFollower>,
    remove: ServerAction<RemoveCaseFollower>,
) -> impl IntoView {
    let query = use_query_map();
    let kept = move |name: &str| query.read_untracked().get(name).unwrap_or_default();
    // What the last change did, with or without JavaScript.
    let said = move || {
        let query = query.read();
        match query.get("follower").as_deref() {
            Some("added") => Some(format!(
                "{} now follows this case.",
                query.get("who").unwrap_or_default()
            )),
            Some("already") => Some(format!(
                "{} follows this case already.",
                query.get("who").unwrap_or_default()
            )),
            Some("removed") => Some("The follower was removed.".to_string()),
            _ => None,
        }
    };
    let add_error = action_error(add);
    let remove_error = action_error(remove);
    let hint = if f.colleagues_only {
        "A colleague at your organization who has an account here."
    } else {
        "Anyone: a new address becomes a contact (of the organization that owns its domain, else “Unsorted”)."
    };
    let may_remove = f.may_remove;
    let listed = f.followers.into_iter().map(|person| {
        let number = number.clone();
        let label = format!("Remove {} from the followers", person.name);
        view! {
            <li>
                <strong>{person.name}</strong> <br/>
                <span class="muted">{person.email}</span>
                {(!person.organization.is_empty()).then(|| view! { " · " <span class="muted">{person.organization}</span> })}
                {may_remove.then(|| view! {
                    <ActionForm action=remove attr:class="inline-form">
                        <input type="hidden" name="number" value=number/>
                        <input type="hidden" name="user_id" value=person.user_id.to_string()/>
                        <button type="submit" class="button button-secondary button-small" aria-label=label>"Remove"</button>
                    </ActionForm>
                })}
            </li>
        }
    }).collect::<Vec<_>>();
    let empty = listed.is_empty();
    view! {
        <section class="panel followers" aria-labelledby="followers-heading">
            <h2 id="followers-heading">"Followers"</h2>
            <p class="hint">"They get the public replies by e-mail, and nothing else of the case."</p>
            {move || said().map(|message| view! { <p class="alert alert-success" role="status">{message}</p> })}
            <FormError error=remove_error/>
            {if empty {
                view! { <p>"Nobody follows this case."</p> }.into_any()
            } else {
                view! { <ul class="follower-list">{listed}</ul> }.into_any()
            }}
            {f.may_add.then(|| view! {
                <ActionForm action=add attr:class="form" attr:novalidate=true>
                    <FormError error=add_error/>
                    <input type="hidden" name="number" value=number.clone()/>
                    <Field label="Add a follower by e-mail" name="email" kind="email" autocomplete="off"
                        hint value=kept("follower_email") error=field_error(add_error, "email")/>
                    <button type="submit" class="button button-secondary">"Add follower"</button>
                </ActionForm>
            })}
        </section>
    }
}
