use crate::api::orders::SetOrderSharing;
use crate::api::organization::{organization_overview, CreateInvitation};
use crate::components::form::{action_error, FormError};
use crate::components::panels::ErrorPanel;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn OrganizationPage() -> impl IntoView {
    let invite = ServerAction::<CreateInvitation>::new();
    let error = action_error(invite);
    let sharing = ServerAction::<SetOrderSharing>::new();
    let sharing_error = action_error(sharing);
    let overview = Resource::new(
        move || {
            (
                invite.version().get(),
                sharing.version().get(),
                crate::context::browser_zone_changes(),
            )
        },
        |_| organization_overview(),
    );
    let query = use_query_map();
    // A link just created: shown once, from the address the server redirected to.
    let new_link = move || {
        query.read().get("invitation").map(|token| {
            let origin = site_origin();
            format!("{origin}/register?invitation={token}")
        })
    };
    view! {
        <Title text="Your organization"/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(o) => view! {
                        <h1>{o.name}</h1>
                        <section class="card" aria-labelledby="members-heading">
                            <h2 id="members-heading">"Members"</h2>
                            <PeopleList people=o.members/>
                        </section>
                        <section class="card" aria-labelledby="invite-heading">
                            <h2 id="invite-heading">"Invite a colleague"</h2>
                            <p>
                                "Create a link and send it to your colleague. It works once and for 7 days. "
                                {format!("Open invitations: {}.", o.open_invitations)}
                            </p>
                            {move || new_link().map(|link| view! {
                                <div class="alert alert-success" role="status">
                                    <label for="invitation-link">"Your invitation link (copy it now, it is shown only once)"</label>
                                    <input id="invitation-link" class="copy-field" readonly value=link/>
                                </div>
                            })}
                            <ActionForm action=invite attr:class="form">
                                <FormError error/>
                                <button type="submit" class="button">"Create invitation link"</button>
                            </ActionForm>
                        </section>
                        <section class="card" aria-labelledby="sharing-heading">
                            <h2 id="sharing-heading">"Orders, invoices and deliveries"</h2>
                            <p>
                                {if o.members_see_all_orders {
                                    "Every member sees all of the organization's orders, invoices and deliveries."
                                } else {
                                    "Members see the orders they placed, with their invoices and deliveries. You see all of them."
                                }}
                            </p>
                            <ActionForm action=sharing attr:class="form">
                                <FormError error=sharing_error/>
                                <input type="hidden" name="share" value=if o.members_see_all_orders { "false" } else { "true" }/>
                                <button type="submit" class="button button-secondary">
                                    {if o.members_see_all_orders {
                                        "Show members only the orders they placed"
                                    } else {
                                        "Let every member see all orders"
                                    }}
                                </button>
                            </ActionForm>
                        </section>
                    }
                    .into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// The site's own origin, so the link can be pasted anywhere. On the server it
/// comes from the Host header; in the browser from the window.
fn site_origin() -> String {
    #[cfg(feature = "ssr")]
    {
        let scheme = match use_context::<crate::web::AppState>() {
            Some(state) if state.config.secure_cookies => "https",
            _ => "http",
        };
        use_context::<http::request::Parts>()
            .and_then(|p| {
                p.headers
                    .get(http::header::HOST)
                    .and_then(|h| h.to_str().ok())
                    .map(str::to_owned)
            })
            .map(|host| format!("{scheme}://{host}"))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        window().location().origin().unwrap_or_default()
    }
}

/// The members of an organization: name, e-mail, role, and whether disabled.
#[component]
pub fn PeopleList(people: Vec<rapport_types::views::PersonView>) -> impl IntoView {
    view! {
        <ul class="people">
            {people.into_iter().map(|p| view! {
                <li>
                    <span class="person-name">{p.display_name}</span>
                    " "
                    <span class="muted">{p.email}</span>
                    " "
                    <span class="badge">{p.role.label()}</span>
                    {p.disabled.then(|| view! { " " <span class="badge badge-warn">"Disabled"</span> })}
                </li>
            }).collect_view()}
        </ul>
    }
}
