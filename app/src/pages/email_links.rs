//! The pages behind links sent by mail, and the forms that send them:
//! forgot password, choose a new password, check your mail, confirm a
//! registration, confirm a new address; and the account page's "E-mail
//! address" card.
//!
//! A link's page first asks the server whether the link still works (and
//! for which address), and only a button press uses it: mail scanners that
//! open every link in a mail cannot use one.

use crate::api::email_links::{
    address_link_address, confirmation_link_address, password_link_address, ChoosePassword,
    ConfirmAddressChange, ConfirmRegistration, RequestAddressChange, RequestPasswordReset,
    SendConfirmationAgain,
};
use crate::components::form::{action_error, field_error, Field, FormError};
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use rapport_types::Password;

/// The token of the link the page was opened with.
fn token_from_address() -> Signal<String> {
    let query = use_query_map();
    Signal::derive(move || query.read().get("token").unwrap_or_default())
}

/// A refused link: what to do instead.
#[component]
fn LinkNotValid(error: AppError, again: &'static str, again_label: &'static str) -> impl IntoView {
    view! {
        <p class="alert alert-error" role="alert">{error.to_string()}</p>
        <p><a class="button" href=again>{again_label}</a></p>
    }
}

/// The error of a form about its link (`token`), shown above the form.
fn link_error(error: Signal<Option<AppError>>) -> impl IntoView {
    move || {
        field_error(error, "token")
            .get()
            .map(|m| view! { <p class="alert alert-error" role="alert">{m}</p> })
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let request = ServerAction::<RequestPasswordReset>::new();
    let error = action_error(request);
    let query = use_query_map();
    let sent = move || query.read().get("sent").is_some();
    let kept = move || query.read_untracked().get("email").unwrap_or_default();
    view! {
        <Title text="Forgot your password?"/>
        <section class="panel narrow">
            <h1>"Forgot your password?"</h1>
            <Show when=sent fallback=move || view! {
                <p>"Type the address you sign in with. We send a link to choose a new password; it works for 30 minutes."</p>
                <ActionForm action=request attr:class="form" attr:novalidate=true>
                    <FormError error/>
                    <Field label="E-mail address" name="email" kind="email" autocomplete="email"
                        value=kept() error=field_error(error, "email")/>
                    <button type="submit" class="button">"Send the link"</button>
                </ActionForm>
            }>
                <p class="alert alert-success" role="status">
                    "If an account uses this address, a link to choose a new password is on its way. It works for 30 minutes. Nothing arrived? Look in the spam folder, or ask again in a few minutes."
                </p>
            </Show>
            <p><a href="/sign-in">"Back to sign in"</a></p>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let choose = ServerAction::<ChoosePassword>::new();
    let error = action_error(choose);
    let token = token_from_address();
    let address = Resource::new(move || token.get(), password_link_address);
    view! {
        <Title text="Choose a new password"/>
        <section class="panel narrow">
            <h1>"Choose a new password"</h1>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match address.await {
                        Ok(email) => view! {
                            {link_error(error)}
                            <ActionForm action=choose attr:class="form" attr:novalidate=true>
                                <FormError error/>
                                <p>"For the account " <strong>{email.clone()}</strong> "."</p>
                                // For password managers: which account the new password is for.
                                <input type="email" name="username" value=email autocomplete="username"
                                    hidden=true readonly=true tabindex="-1" aria-hidden="true"/>
                                <input type="hidden" name="token" value=token/>
                                <Field label="New password" name="password" kind="password"
                                    autocomplete="new-password" hint=Password::RULE
                                    error=field_error(error, "password")/>
                                <p class="muted">"This signs you out everywhere; then you sign in with the new password."</p>
                                <button type="submit" class="button">"Save the new password"</button>
                            </ActionForm>
                        }
                        .into_any(),
                        Err(e) => view! {
                            <LinkNotValid error=e again="/forgot-password" again_label="Ask for a new link"/>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// After registering: the link is on its way; send it again.
#[component]
pub fn RegistrationSentPage() -> impl IntoView {
    let again = ServerAction::<SendConfirmationAgain>::new();
    let error = action_error(again);
    let query = use_query_map();
    let sent_again = move || query.read().get("again").is_some();
    let kept = move || query.read_untracked().get("email").unwrap_or_default();
    view! {
        <Title text="Check your e-mail"/>
        <section class="panel narrow">
            <h1>"Check your e-mail"</h1>
            <p role="status">
                "We sent a message to the address you gave. Open the link in it within 24 hours to confirm your address and finish creating your account."
            </p>
            <p class="muted">"If the address already has an account, the message says so instead, with a link to sign in."</p>
            {move || sent_again().then(|| view! {
                <p class="alert alert-success" role="status">"If a registration is waiting for this address, a new link is on its way."</p>
            })}
            <h2>"Nothing arrived?"</h2>
            <p>"Look in the spam folder first. Or send the link again:"</p>
            <ActionForm action=again attr:class="form" attr:novalidate=true>
                <FormError error/>
                <Field label="E-mail address" name="email" kind="email" autocomplete="email"
                    value=kept() error=field_error(error, "email")/>
                <button type="submit" class="button button-secondary">"Send the link again"</button>
            </ActionForm>
        </section>
    }
}

#[component]
pub fn ConfirmRegistrationPage() -> impl IntoView {
    let confirm = ServerAction::<ConfirmRegistration>::new();
    let error = action_error(confirm);
    let token = token_from_address();
    let address = Resource::new(move || token.get(), confirmation_link_address);
    view! {
        <Title text="Confirm your address"/>
        <section class="panel narrow">
            <h1>"Confirm your address"</h1>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match address.await {
                        Ok(email) => view! {
                            {link_error(error)}
                            <ActionForm action=confirm attr:class="form" attr:novalidate=true>
                                <FormError error/>
                                <p>"Finish creating the account for " <strong>{email.clone()}</strong>
                                   " by typing the password you chose when registering."</p>
                                <input type="email" name="username" value=email autocomplete="username"
                                    hidden=true readonly=true tabindex="-1" aria-hidden="true"/>
                                <input type="hidden" name="token" value=token/>
                                <Field label="Password" name="password" kind="password"
                                    autocomplete="current-password"
                                    error=field_error(error, "password")/>
                                <button type="submit" class="button">"Confirm and sign in"</button>
                            </ActionForm>
                        }
                        .into_any(),
                        Err(e) => view! {
                            <LinkNotValid error=e again="/register/sent" again_label="Send a new link"/>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn ConfirmAddressPage() -> impl IntoView {
    let confirm = ServerAction::<ConfirmAddressChange>::new();
    let error = action_error(confirm);
    let token = token_from_address();
    let query = use_query_map();
    let done = move || query.read().get("done").is_some();
    let address = Resource::new(
        move || (!done()).then(|| token.get()),
        |token| async move {
            match token {
                Some(token) => Some(address_link_address(token).await),
                None => None,
            }
        },
    );
    view! {
        <Title text="Confirm your new address"/>
        <section class="panel narrow">
            <h1>"Confirm your new address"</h1>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match address.await {
                        None => view! {
                            <p class="alert alert-success" role="status">
                                "Your address is changed: sign in with the new one from now on."
                            </p>
                            <p><a class="button" href="/account">"Your account"</a></p>
                        }
                        .into_any(),
                        Some(Ok(email)) => view! {
                            {link_error(error)}
                            <ActionForm action=confirm attr:class="form">
                                <FormError error/>
                                <p>"Use " <strong>{email}</strong> " to sign in and for our e-mails from now on?"</p>
                                <input type="hidden" name="token" value=token/>
                                <button type="submit" class="button">"Yes, use this address"</button>
                            </ActionForm>
                        }
                        .into_any(),
                        Some(Err(e)) => view! {
                            <LinkNotValid error=e again="/account" again_label="Your account"/>
                        }
                        .into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The account page's card to change the sign-in address.
#[component]
pub fn AddressChangeCard(current: String) -> impl IntoView {
    let request = ServerAction::<RequestAddressChange>::new();
    let error = action_error(request);
    let query = use_query_map();
    let kept = query.read_untracked().get("new_email").unwrap_or_default();
    view! {
        <section class="card" aria-labelledby="address-heading">
            <h2 id="address-heading">"E-mail address"</h2>
            <p class="muted">{format!("You sign in with {current}. A new address counts once you open the link we send to it; the old one is told.")}</p>
            <ActionForm action=request attr:class="form" attr:novalidate=true>
                <FormError error/>
                <Field label="New e-mail address" name="new_email" kind="email" autocomplete="email"
                    value=kept error=field_error(error, "new_email")/>
                // Not `current_password`: the password card on the same page has that field.
                <Field label="Your password" name="password" kind="password"
                    autocomplete="current-password"
                    error=field_error(error, "password")/>
                <button type="submit" class="button">"Send confirmation link"</button>
            </ActionForm>
        </section>
    }
}
