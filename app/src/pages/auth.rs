use crate::api::auth::{invitation_details, Register, SignIn};
use crate::components::form::{action_error, field_error, Field, FormError};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use rapport_types::Password;

#[component]
pub fn SignInPage() -> impl IntoView {
    let sign_in = ServerAction::<SignIn>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = action_error(sign_in);
    let kept = move |name: &str| query.read_untracked().get(name).unwrap_or_default();
    let password_changed = move || query.read().get("done").as_deref() == Some("password");
    view! {
        <Title text="Sign in"/>
        <section class="panel narrow">
            <h1>"Sign in"</h1>
            {move || password_changed().then(|| view! {
                <p class="alert alert-success" role="status">"Your new password is saved, and every session was signed out. Sign in with it."</p>
            })}
            <ActionForm action=sign_in attr:class="form" attr:novalidate=true>
                <FormError error/>
                <input type="hidden" name="next" value=next/>
                <Field label="E-mail address" name="email" kind="email" autocomplete="email"
                    value=kept("email") error=field_error(error, "email")/>
                <Field label="Password" name="password" kind="password" autocomplete="current-password"
                    error=field_error(error, "password")/>
                <button type="submit" class="button">"Sign in"</button>
            </ActionForm>
            <p><a href="/forgot-password">"Forgot your password?"</a></p>
            <p>"New here? " <a href="/register">"Create an account"</a></p>
        </section>
    }
}

#[component]
pub fn RegisterPage() -> impl IntoView {
    let register = ServerAction::<Register>::new();
    let query = use_query_map();
    let invitation = move || query.read().get("invitation").filter(|t| !t.is_empty());
    let invited_to = Resource::new(invitation, |token| async move {
        match token {
            Some(token) => Some(invitation_details(token).await),
            None => None,
        }
    });
    let error = action_error(register);
    // Without JavaScript, a failed form comes back with what was typed in the address.
    let kept = move |name: &str| query.read_untracked().get(name).unwrap_or_default();
    view! {
        <Title text="Create an account"/>
        <section class="panel narrow">
            <h1>"Create an account"</h1>
            <ActionForm action=register attr:class="form" attr:novalidate=true>
                <FormError error/>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match invited_to.await {
                            Some(Ok(details)) => view! {
                                <p class="alert alert-info">
                                    "You are joining " <strong>{details.organization_name}</strong> "."
                                </p>
                                <input type="hidden" name="invitation" value=invitation/>
                            }
                            .into_any(),
                            Some(Err(e)) => view! {
                                <p class="alert alert-error" role="alert">{e.to_string()}</p>
                                <Field label="Organization" name="organization_name"
                                    autocomplete="organization" value=kept("organization_name")
                                    hint="Your company. You become its administrator and can invite colleagues."
                                    error=field_error(error, "organization_name")/>
                            }
                            .into_any(),
                            None => view! {
                                <Field label="Organization" name="organization_name"
                                    autocomplete="organization" value=kept("organization_name")
                                    hint="Your company. You become its administrator and can invite colleagues."
                                    error=field_error(error, "organization_name")/>
                            }
                            .into_any(),
                        }
                    })}
                </Transition>
                {move || field_error(error, "invitation").get().map(|m| view! {
                    <p class="alert alert-error" role="alert">{m}</p>
                })}
                <Field label="Your name" name="display_name" autocomplete="name"
                    value=kept("display_name") error=field_error(error, "display_name")/>
                // An invitation is for one address: it is shown, not typed.
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        match invited_to.await {
                            Some(Ok(details)) => view! {
                                <Field label="E-mail address" name="email" kind="email" autocomplete="email"
                                    value=details.email readonly=true
                                    hint="Your invitation is for this address."
                                    error=field_error(error, "email")/>
                            }
                            .into_any(),
                            _ => view! {
                                <Field label="E-mail address" name="email" kind="email" autocomplete="email"
                                    value=kept("email") error=field_error(error, "email")/>
                            }
                            .into_any(),
                        }
                    })}
                </Transition>
                <Field label="Password" name="password" kind="password" autocomplete="new-password"
                    hint=Password::RULE error=field_error(error, "password")/>
                <button type="submit" class="button">"Create account"</button>
            </ActionForm>
            <p>"Already have an account? " <a href="/sign-in">"Sign in"</a></p>
        </section>
    }
}
