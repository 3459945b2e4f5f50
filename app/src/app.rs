//! The page shell, the application root and its routes.

use crate::api::auth::{current_user, UserSummary, Register, SignIn, SignOut};
use crate::api::account::UpdateProfile;
use crate::components::nav::SiteHeader;
use crate::domain::AppError;
use crate::pages::*;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The HTML document around the application (server side only).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Our inline hydration script carries the nonce that the
    // Content-Security-Policy header of this response allows.
    #[cfg(feature = "ssr")]
    if let Some(parts) = use_context::<http::request::Parts>() {
        if let Some(nonce) = parts.extensions.get::<crate::server::security::CspNonce>() {
            provide_context(leptos::nonce::Nonce::from_value(nonce.0.clone()));
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="data:,"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Who is signed in, and the actions that change it, shared by every page.
#[derive(Clone, Copy)]
pub struct Auth {
    pub user: Resource<Result<Option<UserSummary>, AppError>>,
    pub sign_in: ServerAction<SignIn>,
    pub sign_out: ServerAction<SignOut>,
    pub register: ServerAction<Register>,
    pub update_profile: ServerAction<UpdateProfile>,
}

pub fn use_auth() -> Auth {
    expect_context::<Auth>()
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let sign_in = ServerAction::<SignIn>::new();
    let sign_out = ServerAction::<SignOut>::new();
    let register = ServerAction::<Register>::new();
    let update_profile = ServerAction::<UpdateProfile>::new();
    let user = Resource::new(
        move || {
            (
                sign_in.version().get(),
                sign_out.version().get(),
                register.version().get(),
                update_profile.version().get(),
            )
        },
        |_| current_user(),
    );
    provide_context(Auth {
        user,
        sign_in,
        sign_out,
        register,
        update_profile,
    });

    view! {
        <Stylesheet id="rapport" href="/pkg/rapport.css"/>
        <Title formatter=|page: String| {
            if page.is_empty() { "Rapport".to_string() } else { format!("{page} · Rapport") }
        }/>
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <SiteHeader/>
            <main id="main" class="page">
                // Async: pages are sent complete, so they work without JavaScript
                // and can still set a status code or a redirect.
                <Routes fallback=|| view! { <NotFoundPage/> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/sign-in") view=SignInPage ssr=SsrMode::Async/>
                    <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/dashboard") view=DashboardPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/organization") view=OrganizationPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/users") view=AdminUsersPage ssr=SsrMode::Async/>
                    <Route
                        path=path!("/admin/organizations")
                        view=AdminOrganizationsPage
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
            <footer class="site-footer">
                <p>"Rapport: self-service support, knowledge and training in one place."</p>
            </footer>
        </Router>
    }
}
