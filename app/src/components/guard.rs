//! Pages for one kind of person: the page itself only for those who may use
//! it; everyone else gets the refusal, with its real status code, and none of
//! the page (no form they could not send).

use crate::api::auth::current_user;
use crate::components::panels::ErrorPanel;
use crate::error::AppError;
use leptos::prelude::*;
use rapport_types::views::auth::Capability;

/// `children` for a signed-in person with `need`; "please sign in" (401) for
/// a visitor, "not available" (403) for anyone else.
///
/// Asks once per page (not on every change of the address), so the page is
/// not redrawn, and nothing typed is lost, when its own links or forms change
/// the address.
#[component]
pub fn Guarded(need: Capability, children: Children) -> impl IntoView {
    let user = OnceResource::new(current_user());
    // A bare `Suspend`, not a closure returning one: on the server a Suspense
    // calls a closure child twice (once to find the resources it reads, once
    // to render), which would build the page, and start its data loads, twice;
    // the copy thrown away then lost its request context half-way and its
    // failure reached the browser, which failed to hydrate the page.
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {Suspend::new(async move {
                match user.await {
                    Ok(Some(user)) if user.can.has(need) => children().into_any(),
                    Ok(Some(_)) => view! { <ErrorPanel error=AppError::Forbidden/> }.into_any(),
                    Ok(None) => view! { <ErrorPanel error=AppError::Unauthenticated/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
