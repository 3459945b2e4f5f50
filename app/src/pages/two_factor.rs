//! The two-factor step of signing in (`/sign-in/two-factor`), and the setup
//! instructions it shares with the account page.
use crate::api::two_factor::{pending_sign_in, VerifyTwoFactor};
use crate::components::form::{action_error, field_error, Field, FormError};
use crate::components::panels::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use rapport_types::views::two_factor::{SignInStep, TwoFactorSetup};

#[component]
pub fn TwoFactorPage() -> impl IntoView {
    let verify = ServerAction::<VerifyTwoFactor>::new();
    let error = action_error(verify);
    let pending = Resource::new(|| (), |_| pending_sign_in());
    view! {
        <Title text="Two-factor sign-in"/>
        <section class="panel narrow">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match pending.await {
                        Ok(Some(SignInStep::Code)) => view! {
                            <h1>"Enter your code"</h1>
                            <p>"Open the authenticator app on your phone and enter the 6-digit code it shows for Rapport."</p>
                            <ActionForm action=verify attr:class="form" attr:novalidate=true>
                                <FormError error/>
                                <Field label="Code" name="code" autocomplete="one-time-code"
                                    hint="No phone at hand? Enter one of your recovery codes instead, such as abcde-23456."
                                    error=field_error(error, "code")/>
                                <button type="submit" class="button">"Sign in"</button>
                            </ActionForm>
                            <p><a href="/sign-in">"Sign in with another account"</a></p>
                        }
                        .into_any(),
                        Ok(Some(SignInStep::SetUp(setup))) => view! {
                            <h1>"Set up two-factor sign-in"</h1>
                            <p class="alert alert-info">
                                "Staff sign in to this site with a password and a code from an authenticator app. Set one up now to continue."
                            </p>
                            <SetupSteps setup/>
                            <ActionForm action=verify attr:class="form" attr:novalidate=true>
                                <FormError error/>
                                <Field label="Code from the app" name="code" autocomplete="one-time-code"
                                    error=field_error(error, "code")/>
                                <button type="submit" class="button">"Switch on and sign in"</button>
                            </ActionForm>
                        }
                        .into_any(),
                        Ok(None) => view! {
                            <h1>"Sign in again"</h1>
                            <FormError error/>
                            <p>"This sign-in has ended, or was not started here: the code is asked for within 5 minutes of the password."</p>
                            <p><a class="button" href="/sign-in">"Sign in"</a></p>
                        }
                        .into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// How to add Rapport to an authenticator app: the QR code, and the secret
/// for typing in by hand.
#[component]
pub(crate) fn SetupSteps(setup: TwoFactorSetup) -> impl IntoView {
    view! {
        <ol class="setup-steps">
            <li>
                "Open an authenticator app on your phone (such as Google Authenticator, Microsoft Authenticator, 1Password or Aegis) and scan this code:"
                <img class="qr-code" src=setup.qr_code width="200" height="200"
                    alt="QR code for adding Rapport to an authenticator app"/>
                <p class="hint">"Cannot scan? Add an account by hand with this key (time-based):"</p>
                <p class="copy-field secret-key">{setup.secret}</p>
            </li>
            <li>"Enter the 6-digit code the app then shows for Rapport."</li>
        </ol>
    }
}
