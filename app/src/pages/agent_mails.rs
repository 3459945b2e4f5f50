//! The account page's "Mail for agents" section: which case mails an agent
//! gets, and the case categories they follow. Shown to staff who work cases.

use crate::api::account::{agent_mail_settings, SaveAgentMailSettings};
use crate::components::form::{action_error, success_count, FormError};
use crate::context::use_auth;
use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::account::AgentMailChoices;
use rapport_types::views::auth::Capability;

/// The four kinds of agent mail: (form name, label).
const KINDS: [(&str, &str); 4] = [
    ("new_case_followed", "A new case in a category I follow"),
    ("assigned_to_me", "A case is assigned to me"),
    (
        "customer_replied",
        "The customer writes on, closes or reopens a case assigned to me",
    ),
    ("mentioned", "Someone @mentions me in an internal note"),
];

fn chosen(settings: &AgentMailChoices, kind: &str) -> bool {
    match kind {
        "new_case_followed" => settings.new_case_followed,
        "assigned_to_me" => settings.assigned_to_me,
        "customer_replied" => settings.customer_replied,
        _ => settings.mentioned,
    }
}

#[component]
pub fn AgentMailSection() -> impl IntoView {
    let save = ServerAction::<SaveAgentMailSettings>::new();
    let error = action_error(save);
    let saved = success_count(save);
    let auth = use_auth();
    // Asked for only for staff who work cases: nobody else has these mails.
    let settings = Resource::new(
        move || saved.get(),
        move |_| async move {
            match auth.user.await? {
                Some(user) if user.can.has(Capability::WorkCases) => {
                    agent_mail_settings().await.map(Some)
                }
                _ => Ok(None),
            }
        },
    );
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let settings = match settings.await {
                    Ok(Some(settings)) => settings,
                    Ok(None) | Err(AppError::Unauthenticated) => return ().into_any(),
                    Err(e) => return view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                };
                view! {
                    <section class="card" id="agent-mails" aria-labelledby="agent-mails-heading">
                        <h2 id="agent-mails-heading">"Mail for agents"</h2>
                        <p class="muted">
                            "Rapport mails you about cases. To call a colleague into an internal note, write @ and their address before the @ (@sam for sam@…), their first name, or their whole name in quotes (@\"Sam Agent\")."
                        </p>
                        <ActionForm action=save attr:class="form">
                            <FormError error/>
                            <fieldset>
                                <legend>"Mail me when"</legend>
                                {KINDS.into_iter().map(|(name, label)| {
                                    let id = format!("agent-mail-{name}");
                                    view! {
                                        <div class="checkbox">
                                            <input type="checkbox" id=id.clone() name=name value="on"
                                                checked=chosen(&settings, name)/>
                                            <label for=id>{label}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </fieldset>
                            <fieldset>
                                <legend>"Categories I follow"</legend>
                                <p class="hint">"A new case in one of these is mailed to you."</p>
                                {settings.categories.iter().map(|c| {
                                    let id = format!("follow-category-{}", c.id);
                                    view! {
                                        <div class="checkbox">
                                            <input type="checkbox" id=id.clone() name="categories[]" value=c.id
                                                checked=c.followed/>
                                            <label for=id>{c.name.clone()}</label>
                                        </div>
                                    }
                                }).collect_view()}
                            </fieldset>
                            <button type="submit" class="button" disabled=move || save.pending().get()>
                                "Save mail choices"
                            </button>
                        </ActionForm>
                    </section>
                }
                .into_any()
            })}
        </Transition>
    }
}
