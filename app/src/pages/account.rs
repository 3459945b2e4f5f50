use crate::api::account::{
    account_sessions, time_zone_names, ChangePassword, SignOutOtherSessions, SignOutSession,
    UpdateProfile,
};
use crate::api::two_factor::{
    two_factor_status, BeginTwoFactorSetup, CancelTwoFactorSetup, FinishTwoFactorSetup,
    RenewRecoveryCodes, SwitchOffTwoFactor,
};
use crate::api::workshops::SetTimeZone;
use crate::components::form::{
    action_error, field_error, success_count, Field, FormError, TimeZoneField,
};
use crate::components::panels::ErrorPanel;
use crate::context::use_auth;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use rapport_types::views::auth::{Capability, UserSummary};
use rapport_types::views::two_factor::{SessionView, TwoFactorView};
use rapport_types::Password;

use super::two_factor::SetupSteps;

#[component]
pub fn AccountPage() -> impl IntoView {
    let auth = use_auth();
    let update_profile = ServerAction::<UpdateProfile>::new();
    let change_password = ServerAction::<ChangePassword>::new();
    let profile_error = action_error(update_profile);
    let password_error = action_error(change_password);
    let set_time_zone = ServerAction::<SetTimeZone>::new();
    let zone_error = action_error(set_time_zone);
    let query = use_query_map();
    let zones = Resource::new(|| (), |_| time_zone_names());
    view! {
        <Title text="Your account"/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                // Read before waiting: afterwards the request (and its signals) may be gone.
                let saved = query.read().get("saved");
                // A zone refused without JavaScript comes back as typed.
                let typed_zone = query.read().get("time_zone");
                Suspend::new(async move {
                let user = match auth.user.await {
                    Ok(Some(user)) => user,
                    Ok(None) => return view! { <ErrorPanel error=AppError::Unauthenticated/> }.into_any(),
                    Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                };
                let zones = match zones.await {
                    Ok(zones) => zones.names,
                    Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                };
                let zone_value = typed_zone
                    .or_else(|| user.time_zone.clone())
                    .unwrap_or_default();
                let done = saved.map(|what| saved_message(&what, &user));
                view! {
                    <h1>"Your account"</h1>
                    {done.map(|text| view! { <p class="alert alert-success" role="status">{text}</p> })}
                    <div class="grid">
                        <section class="card" aria-labelledby="profile-heading">
                            <h2 id="profile-heading">"Name"</h2>
                            <p class="muted">{format!("Signed in as {}", user.email)}</p>
                            <ActionForm action=update_profile attr:class="form" attr:novalidate=true>
                                <FormError error=profile_error/>
                                <Field label="Your name" name="display_name" autocomplete="name"
                                    value=user.display_name.clone()
                                    error=field_error(profile_error, "display_name")/>
                                <button type="submit" class="button">"Save name"</button>
                            </ActionForm>
                        </section>
                        <section class="card" aria-labelledby="password-heading">
                            <h2 id="password-heading">"Password"</h2>
                            <ActionForm action=change_password attr:class="form" attr:novalidate=true>
                                <FormError error=password_error/>
                                <Field label="Current password" name="current_password" kind="password"
                                    autocomplete="current-password"
                                    error=field_error(password_error, "current_password")/>
                                <Field label="New password" name="new_password" kind="password"
                                    autocomplete="new-password" hint=Password::RULE
                                    error=field_error(password_error, "new_password")/>
                                <button type="submit" class="button">"Change password"</button>
                            </ActionForm>
                        </section>
                        <crate::pages::email_links::AddressChangeCard current=user.email.clone()/>
                        // Not named after its heading: "Time zone" then labels only the list.
                        <section class="card" id="time-zone">
                            <h2 id="time-zone-heading">"Time zone"</h2>
                            <p class="muted">
                                "Times on this site and in our e-mails are shown in this zone. Leave it empty to follow the computer you use."
                            </p>
                            <ActionForm action=set_time_zone attr:class="form" attr:novalidate=true>
                                <FormError error=zone_error/>
                                <TimeZoneField label="Time zone" name="time_zone" zones value=zone_value
                                    required=false
                                    hint="Type a city or region to search, such as Zurich or New_York."
                                    error=field_error(zone_error, "time_zone")/>
                                <button type="submit" class="button">"Save time zone"</button>
                            </ActionForm>
                        </section>
                        {user.can.has(Capability::UseApiTokens).then(|| view! {
                            <section class="card" id="api-tokens" aria-labelledby="api-tokens-heading">
                                <h2 id="api-tokens-heading">"API tokens"</h2>
                                <p class="muted">"Let another system (an order system, a chat or CRM tool) use Rapport's REST API as you."</p>
                                <a class="button button-secondary" href="/account/api-tokens">"Manage API tokens"</a>
                            </section>
                        })}
                    </div>
                }
                .into_any()
            })}}
        </Transition>
        // Outside the page's Transition, which redraws with every `saved=`:
        // their resources must outlive that, or a redraw disposes them while
        // they are awaited.
        <TwoFactorSection/>
        <SessionsSection/>
        <super::agent_mails::AgentMailSection/>
    }
}

/// What a form of this page did, from the address it came back with
/// (`saved=…`), worded with the account as it is now.
fn saved_message(what: &str, user: &UserSummary) -> String {
    if what == "address" {
        return "We sent a confirmation link to the new address. Your address changes when you open it; until then you sign in with the current one.".to_string();
    }
    match (what, &user.time_zone) {
        ("password", _) => {
            "Your password is changed. Your other sessions were signed out.".to_string()
        }
        ("time_zone", Some(zone)) => format!("Saved your time zone: {zone}."),
        ("time_zone", None) => "Saved: times follow your browser's time zone.".to_string(),
        ("two_factor", _) => "Two-factor sign-in is on: signing in now asks for a code from your app. Keep your recovery codes (below) somewhere safe.".to_string(),
        ("two_factor_setup", _) => "Add Rapport to your authenticator app, then enter the code it shows (below).".to_string(),
        ("two_factor_cancelled", _) => "Setting up two-factor sign-in was stopped.".to_string(),
        ("two_factor_off", _) => "Two-factor sign-in is off: signing in asks for your password only.".to_string(),
        ("recovery_codes", _) => "You have new recovery codes (below); the old ones no longer work.".to_string(),
        ("session_ended", _) => "That session is signed out.".to_string(),
        ("other_sessions_ended", _) => "Every other session is signed out.".to_string(),
        ("agent_mails", _) => "Saved your mail choices.".to_string(),
        _ => format!("Saved your name: {}.", user.display_name),
    }
}

/// The account page's "Two-factor sign-in" section: set up an authenticator
/// app, see how many recovery codes are left (new ones are shown once), make
/// new ones, switch it off.
#[component]
fn TwoFactorSection() -> impl IntoView {
    let begin = ServerAction::<BeginTwoFactorSetup>::new();
    let cancel = ServerAction::<CancelTwoFactorSetup>::new();
    let finish = ServerAction::<FinishTwoFactorSetup>::new();
    let switch_off = ServerAction::<SwitchOffTwoFactor>::new();
    let renew = ServerAction::<RenewRecoveryCodes>::new();
    let (begin_error, finish_error) = (action_error(begin), action_error(finish));
    let (off_error, renew_error) = (action_error(switch_off), action_error(renew));
    let cancel_error = action_error(cancel);
    let changes = [
        success_count(begin),
        success_count(cancel),
        success_count(finish),
        success_count(switch_off),
        success_count(renew),
    ];
    let query = use_query_map();
    let status = Resource::new(
        move || (query.read().get("saved"), changes.map(|c| c.get())),
        |_| two_factor_status(),
    );
    // With JavaScript the new codes also come back with the action itself
    // (the page's own reload may have shown them from the session already).
    // Untracked: the section is drawn again when the status is fetched again
    // after a success, not when an answer arrives (a redraw then would
    // dispose the fields still showing it).
    let just_made = move || {
        let of = |value: Option<Result<Vec<String>, AppError>>| value.and_then(Result::ok);
        of(renew.value().get_untracked()).or_else(|| of(finish.value().get_untracked()))
    };
    // Made here, not in the redrawn part, so they outlive a redraw.
    let begin_password = field_error(begin_error, "password");
    let finish_code = field_error(finish_error, "code");
    let renew_password = field_error(renew_error, "password");
    let off_password = field_error(off_error, "password");
    let off_code = field_error(off_error, "code");
    view! {
            <Transition fallback=|| ()>
                {move || {
                // Read before waiting (see the page above).
                let made = just_made();
                Suspend::new(async move {
                    let status: TwoFactorView = match status.await {
                        Ok(status) => status,
                        // The page says "please sign in" once, above.
                        Err(AppError::Unauthenticated) => return ().into_any(),
                        Err(e) => return view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                    };
                    let codes = Some(status.new_recovery_codes.clone())
                        .filter(|codes| !codes.is_empty())
                        .or(made)
                        .filter(|_| status.enabled);
                    let body = if status.enabled {
                        view! {
                            <p>
                                <span class="badge badge-ok">"On"</span>
                                " Signing in asks for your password and a code from your authenticator app."
                            </p>
                            {codes.map(|codes| view! { <RecoveryCodes codes/> })}
                            <p class="muted">{format!("Unused recovery codes: {} of 10.", status.recovery_codes_left)}</p>
                            <ActionForm action=renew attr:class="form form-separated" attr:novalidate=true>
                                <h3>"Make new recovery codes"</h3>
                                <p class="hint">"The old codes stop working."</p>
                                <FormError error=renew_error/>
                                <PasswordField name="password" id="renew-password" error=renew_password/>
                                <button type="submit" class="button button-secondary">"Make new recovery codes"</button>
                            </ActionForm>
                            {if status.required {
                                view! {
                                    <p class="muted form-separated">"Two-factor sign-in is required for staff on this site, so it cannot be switched off."</p>
                                }.into_any()
                            } else {
                                view! {
                                    <ActionForm action=switch_off attr:class="form form-separated" attr:novalidate=true>
                                        <h3>"Switch off two-factor sign-in"</h3>
                                        <p class="hint">"Enter your password or a code from your app (or a recovery code)."</p>
                                        <FormError error=off_error/>
                                        <PasswordField name="password" id="off-password" required=false error=off_password/>
                                        <CodeField id="off-code" label="Or a code" error=off_code/>
                                        <button type="submit" class="button button-secondary">"Switch off"</button>
                                    </ActionForm>
                                }.into_any()
                            }}
                        }
                        .into_any()
                    } else if let Some(setup) = status.setup {
                        view! {
                            <p>"Add Rapport to an authenticator app. Two-factor sign-in is switched on once you enter the first code it shows."</p>
                            <SetupSteps setup/>
                            <ActionForm action=finish attr:class="form" attr:novalidate=true>
                                <FormError error=finish_error/>
                                <CodeField id="setup-code" label="Code from the app" error=finish_code/>
                                <button type="submit" class="button">"Switch on"</button>
                            </ActionForm>
                            <ActionForm action=cancel attr:class="form form-separated">
                                <FormError error=cancel_error/>
                                <button type="submit" class="button button-secondary">"Stop setting up"</button>
                            </ActionForm>
                        }
                        .into_any()
                    } else {
                        view! {
                            {status.required.then(|| view! {
                                <p class="alert alert-warn">"Two-factor sign-in is required for staff on this site: you will be asked to set it up when you next sign in."</p>
                            })}
                            <p>"Keep your account safe even if your password is found out: signing in then also asks for a code from an app on your phone."</p>
                            <ActionForm action=begin attr:class="form" attr:novalidate=true>
                                <FormError error=begin_error/>
                                <PasswordField name="password" id="setup-password" error=begin_password/>
                                <button type="submit" class="button">"Set up two-factor sign-in"</button>
                            </ActionForm>
                        }
                        .into_any()
                    };
                    view! {
                        <section class="card" id="two-factor" aria-labelledby="two-factor-heading">
                            <h2 id="two-factor-heading">"Two-factor sign-in"</h2>
                            {body}
                        </section>
                    }
                    .into_any()
                })}}
            </Transition>
    }
}

/// New recovery codes, shown this once.
#[component]
fn RecoveryCodes(codes: Vec<String>) -> impl IntoView {
    view! {
        <div class="alert alert-warn recovery-codes" role="status">
            <h3>"Your recovery codes"</h3>
            <p>"Each works once, instead of a code from your app, if you lose your phone. Save or print them now: they are not shown again."</p>
            <ul class="recovery-code-list">
                {codes.into_iter().map(|code| view! { <li><code>{code}</code></li> }).collect_view()}
            </ul>
        </div>
    }
}

/// A password box with its own id (several forms here ask for the password).
#[component]
fn PasswordField(
    name: &'static str,
    id: &'static str,
    #[prop(default = true)] required: bool,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id>"Your password"</label>
            <input id=id name=name type="password" autocomplete="current-password" required=required
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=move || error.get().is_some().then(|| error_id.clone())/>
            {move || error.get().map(|m| view! { <p class="field-error" id=format!("{id}-error")>{m}</p> })}
        </div>
    }
}

/// A box for a code from the app (or a recovery code), with its own id.
#[component]
fn CodeField(
    id: &'static str,
    label: &'static str,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id>{label}</label>
            <input id=id name="code" type="text" autocomplete="one-time-code" inputmode="text"
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=move || error.get().is_some().then(|| error_id.clone())/>
            {move || error.get().map(|m| view! { <p class="field-error" id=format!("{id}-error")>{m}</p> })}
        </div>
    }
}

/// The account page's list of the person's sessions, each with "Sign out"
/// (not this one: that is "Sign out" in the menu), and "Sign out everywhere else".
#[component]
fn SessionsSection() -> impl IntoView {
    let sign_out_one = ServerAction::<SignOutSession>::new();
    let sign_out_others = ServerAction::<SignOutOtherSessions>::new();
    let one_error = action_error(sign_out_one);
    let others_error = action_error(sign_out_others);
    let changes = [success_count(sign_out_one), success_count(sign_out_others)];
    let sessions = Resource::new(
        move || {
            (
                crate::context::browser_zone_changes(),
                changes.map(|c| c.get()),
            )
        },
        |_| account_sessions(),
    );
    view! {
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    let list: Vec<SessionView> = match sessions.await {
                        Ok(list) => list,
                        Err(AppError::Unauthenticated) => return ().into_any(),
                        Err(e) => return view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                    };
                    let others = list.iter().filter(|s| !s.current).count();
                    view! {
                      <section class="card" id="sessions" aria-labelledby="sessions-heading">
                        <h2 id="sessions-heading">"Where you are signed in"</h2>
                        <FormError error=one_error/>
                        <FormError error=others_error/>
                        <ul class="people sign-ins">
                            {list.into_iter().map(|s| view! { <SessionItem session=s action=sign_out_one/> }).collect_view()}
                        </ul>
                        {(others > 0).then(|| view! {
                            <ActionForm action=sign_out_others attr:class="form">
                                <button type="submit" class="button button-secondary">"Sign out everywhere else"</button>
                            </ActionForm>
                        })}
                      </section>
                    }
                    .into_any()
                })}
            </Transition>
    }
}

#[component]
fn SessionItem(session: SessionView, action: ServerAction<SignOutSession>) -> impl IntoView {
    let label = format!("Sign out {} ({})", session.device, session.ip);
    view! {
        <li class="sign-in">
            <div>
                <span class="person-name">{session.device.clone()}</span>
                {session.current.then(|| view! { " " <span class="badge badge-ok">"This session"</span> })}
                <p class="muted small">
                    {format!("From {} · signed in {} · last seen {}", session.ip, session.signed_in, session.last_seen)}
                </p>
            </div>
            {(!session.current).then(|| view! {
                <ActionForm action attr:class="inline-form">
                    <input type="hidden" name="session" value=session.id/>
                    <button type="submit" class="button button-secondary button-small" aria-label=label>"Sign out"</button>
                </ActionForm>
            })}
        </li>
    }
}
