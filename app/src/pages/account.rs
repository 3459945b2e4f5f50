use crate::api::account::{time_zone_names, ChangePassword, UpdateProfile};
use crate::api::workshops::SetTimeZone;
use crate::components::form::{action_error, field_error, Field, FormError, TimeZoneField};
use crate::components::panels::ErrorPanel;
use crate::context::use_auth;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use rapport_types::views::auth::UserSummary;
use rapport_types::Password;

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
                    </div>
                }
                .into_any()
            })}}
        </Transition>
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
        _ => format!("Saved your name: {}.", user.display_name),
    }
}
