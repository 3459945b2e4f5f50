use crate::domain::AppError;
use leptos::prelude::*;

/// What a page shows instead of its content when loading it failed.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    match error {
        AppError::Unauthenticated => view! {
            <section class="panel">
                <h1>"Please sign in"</h1>
                <p>"You need to be signed in to see this page."</p>
                <p><a class="button" href="/sign-in">"Sign in"</a></p>
            </section>
        }
        .into_any(),
        AppError::Forbidden => view! {
            <section class="panel">
                <h1>"Not available"</h1>
                <p>"Your account does not have access to this page."</p>
                <p><a href="/dashboard">"Back to your dashboard"</a></p>
            </section>
        }
        .into_any(),
        other => view! {
            <section class="panel">
                <h1>"Something went wrong"</h1>
                <p role="alert">{other.to_string()}</p>
            </section>
        }
        .into_any(),
    }
}
