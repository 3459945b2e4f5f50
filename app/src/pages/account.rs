use crate::api::account::{ChangePassword, UpdateProfile};
use crate::api::workshops::SetTimeZone;
use crate::components::form::{action_error, field_error, Field, FormError, Select};
use crate::components::panels::ErrorPanel;
use crate::context::use_auth;
use crate::error::AppError;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use rapport_types::{Password, TIME_ZONES};

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
    let saved = move || query.read().get("saved");
    view! {
        <Title text="Your account"/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                let user = match auth.user.await {
                    Ok(Some(user)) => user,
                    Ok(None) => return view! { <ErrorPanel error=AppError::Unauthenticated/> }.into_any(),
                    Err(e) => return view! { <ErrorPanel error=e/> }.into_any(),
                };
                view! {
                    <h1>"Your account"</h1>
                    {move || saved().map(|what| {
                        let text = match what.as_str() {
                            "password" => "Your password is changed. Your other sessions were signed out.",
                            "time_zone" => "Saved.",
                            _ => "Your name is saved.",
                        };
                        view! { <p class="alert alert-success" role="status">{text}</p> }
                    })}
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
                        // Not named after its heading: "Time zone" then labels only the list.
                        <section class="card" id="time-zone">
                            <h2 id="time-zone-heading">"Time zone"</h2>
                            <p class="muted">
                                "Times of workshops are shown in this zone. Leave it on ‘Your browser's time zone’ to follow the computer you use."
                            </p>
                            <ActionForm action=set_time_zone attr:class="form" attr:novalidate=true>
                                <FormError error=zone_error/>
                                <Select label="Time zone" name="time_zone"
                                    options=zone_options(user.time_zone.as_deref())
                                    selected=user.time_zone.clone().unwrap_or_default()
                                    error=field_error(zone_error, "time_zone")/>
                                <button type="submit" class="button">"Save time zone"</button>
                            </ActionForm>
                        </section>
                    </div>
                }
                .into_any()
            })}
        </Transition>
    }
}

/// The zones to choose from: the browser's first, then the common ones, and the
/// account's own choice when it is not among them.
fn zone_options(chosen: Option<&str>) -> Vec<(String, String)> {
    let mut options = vec![(String::new(), "Your browser's time zone".to_string())];
    if let Some(chosen) = chosen.filter(|c| !TIME_ZONES.contains(c)) {
        options.push((chosen.to_string(), chosen.to_string()));
    }
    options.extend(TIME_ZONES.iter().map(|z| (z.to_string(), z.to_string())));
    options
}
