use crate::error::AppError;
use leptos::prelude::*;

/// What a page shows instead of its content when loading it failed.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    // The page answers with the error's own status (401, 403, 404, 500...),
    // not 200: browsers, crawlers and monitors read the status, not the text.
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(
            http::StatusCode::from_u16(error.status_code())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR),
        );
    }
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
        AppError::NotFound => view! {
            <section class="panel">
                <h1>"Not found"</h1>
                <p>{AppError::NotFound.to_string()}</p>
                <p><a href="/dashboard">"Back to your dashboard"</a></p>
            </section>
        }
        .into_any(),
        unavailable @ AppError::Unavailable { .. } => view! {
            <section class="panel">
                <h1>"Rapport is unavailable"</h1>
                <p role="alert">{unavailable.to_string()}</p>
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

/// Text for `<Title>` from user data (a case subject). leptos_meta writes the
/// title into the server-rendered page without escaping it, so a subject such as
/// `</title><script>…` would otherwise end the title and inject markup. In the
/// browser the title is set as plain text, so only the server side escapes.
pub fn title_text(text: &str) -> String {
    if cfg!(feature = "ssr") {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    } else {
        text.to_string()
    }
}

/// A wide table that scrolls sideways on a narrow screen. The scrolling box
/// is a named region that takes focus, so a keyboard can scroll it too. Its
/// name says it is the table, so it differs from the section around it.
#[component]
pub fn TableScroll(#[prop(into)] label: String, children: Children) -> impl IntoView {
    view! {
        <div class="table-scroll" tabindex="0" role="region" aria-label=format!("{label} (table)")>
            {children()}
        </div>
    }
}
