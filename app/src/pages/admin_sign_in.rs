//! The users page's sign-in setting: require two-factor sign-in of staff.
use crate::api::two_factor::{staff_two_factor_setting, SetStaffTwoFactor};
use crate::components::form::{action_error, success_count, FormError};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub(crate) fn StaffTwoFactorCard() -> impl IntoView {
    let save = ServerAction::<SetStaffTwoFactor>::new();
    let error = action_error(save);
    let saved = success_count(save);
    let setting = Resource::new(move || saved.get(), |_| staff_two_factor_setting());
    let query = use_query_map();
    view! {
        <section class="card" id="sign-in-rules" aria-labelledby="sign-in-rules-heading">
            <h2 id="sign-in-rules-heading">"Sign-in"</h2>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || {
                    let done = query.read().get("done");
                    Suspend::new(async move {
                        let required = match setting.await {
                            Ok(setting) => setting.required,
                            Err(e) => return view! { <p class="alert alert-error" role="alert">{e.to_string()}</p> }.into_any(),
                        };
                        // Said only when the setting agrees with what the address claims.
                        let message = match (done.as_deref(), required) {
                            (Some("staff_two_factor_on"), true) => Some("Staff must now sign in with two factors. Those without set it up at their next sign-in."),
                            (Some("staff_two_factor_off"), false) => Some("Two-factor sign-in is optional for staff again."),
                            _ => None,
                        };
                        view! {
                            {message.map(|m| view! { <p class="alert alert-success" role="status">{m}</p> })}
                            <ActionForm action=save attr:class="form">
                                <FormError error/>
                                <div class="checkbox">
                                    <input type="checkbox" id="field-required" name="required" value="on" checked=required/>
                                    <label for="field-required">"Require two-factor sign-in for staff (agents, trainers, admins)"</label>
                                </div>
                                <p class="hint">"Staff without it are taken to set up an authenticator app when they next sign in, and cannot switch it off. Customers choose for themselves under Account."</p>
                                <button type="submit" class="button button-secondary">"Save sign-in setting"</button>
                            </ActionForm>
                        }
                        .into_any()
                    })
                }}
            </Transition>
        </section>
    }
}
